"""The report's rendering step, and ``replicate``: analysis, comparison, report.

:func:`render_report` formats an :class:`~sklearn_innov.report.Analysis`
into a :class:`Report`: every number in it is an attribute of a model the
analysis fitted (read from its results object or its ``summary()``) or one
of the analysis's readings; nothing is fitted or decided here.
:func:`replicate` runs the three steps: :func:`~sklearn_innov.report.analyze`,
on the default data :func:`~sklearn_innov.report.compare_with_paper`, then
:func:`render_report`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from ..datasets import load_paper_ranges
from ..linear_model._cobb_douglas_summary import build_summary
from ..summary import Block, Summary, format_number, significance
from ..summary._labels import column_label
from ..summary._summary import format_cell, format_count, plural
from ..utils._progress import no_stage
from ._analysis import (
    ALPHA,
    ANALYSIS_STAGES,
    HC3_KEY,
    MARGINS,
    _plain,
    analyze,
    count,
    rows,
)
from ._comparison import compare_with_paper
from ._provenance import Provenance
from ._report import Report

if TYPE_CHECKING:
    import os
    from collections.abc import Callable, Mapping

    from ._analysis import Analysis

__all__ = ["REPLICATE_STAGES", "render_report", "replicate"]

# the mean bootstrap inclusion frequency of a pure-noise feature under
# backward stepwise selection at p_remove = 0.10, n = 127 (docs: "Reading
# the report", where the simulation is given)
NOISE_RATE = 0.25
# a floor, offset or drop that touches more than this share of the rows is
# spelled out with the estimates with and without those rows
TOUCHED_SHARE = 0.05
NOISE_RATE_NOTE = "four uniform noise indices, 60 data sets x 100 resamples"
NOISE_RATE_SPREAD = "median 17%; 30% of the noise indices above 30%"
# what render_report and replicate tell their on_stage callback, in order,
# each once (figures=False still tells "figures")
RENDER_STAGES = ("report", "figures")
REPLICATE_STAGES = (
    ANALYSIS_STAGES + ("comparison with the paper", "provenance") + RENDER_STAGES
)


def replicate(
    frame: pd.DataFrame | None = None,
    document: Mapping[str, Any] | None = None,
    *,
    random_state: int = 0,
    figures: bool = True,
    data_path: str | os.PathLike[str] | None = None,
    spec_path: str | os.PathLike[str] | None = None,
    command: str | None = None,
    on_stage: Callable[[str], None] | None = None,
) -> tuple[Report, dict[str, Any]]:
    """Run the paper's analysis and return the report and the fitted models.

    Three steps: :func:`~sklearn_innov.report.analyze` decides, fits and
    collects every reading with its test; on the embedded survey
    :func:`~sklearn_innov.report.compare_with_paper` puts the published
    numbers beside ours; :func:`render_report` formats. On the embedded
    synthetic survey the analysis is the paper's (Table 11's adjusted model
    on X1 and X3 without intercept, read as a production function). On a
    user's survey nothing paper-specific is imposed: the spec's ``[model]``
    table chooses the covariance, the ln 0 policy, whether an adjusted model
    is fitted (``adjusted``, with its intercept unless ``adjusted_intercept =
    false``) and whether the sum of elasticities is read as returns to scale
    (``production``), and ``[labels]`` the wording (the user guide's page
    "Your own survey" lists every table and key).

    Parameters
    ----------
    frame : DataFrame, optional
        The survey; default: ``make_sme_survey(random_state=random_state)``.
    document : dict, optional
        A spec document (``read_spec_document``); default: ``PAPER_SPEC``
        with outcome "Y" and target "innovated". Required with ``frame``.
    random_state : int, default=0
        Seed of the synthetic survey.
    figures : bool, default=True
        Draw the figures (needs matplotlib).
    data_path, spec_path : str or path-like, optional
        The files ``frame`` and ``document`` were read from: the report's
        provenance gives their names, sizes and SHA-256 digests (see
        :class:`~sklearn_innov.report.Provenance`).
    command : sequence of str, optional
        The command line that asked for the report, for its provenance.
    on_stage : callable, optional
        Called with each stage's name as it finishes, in the order of
        ``REPLICATE_STAGES`` (the analysis's, then the comparison, the
        provenance, the report and its figures), each once: a progress bar
        can count them (the command line's does).

    Returns
    -------
    report : Report
        Its last section, :class:`~sklearn_innov.report.Provenance`, says
        what made it.
    models : dict
        The fitted estimators ("indices", "cobb_douglas", "logit",
        "adjusted" (None unless asked for), "adjusted_with_intercept" (the
        model the restriction is tested in, or None), "sensitivity",
        "two_part", "selection_stability", "index_sensitivity"), the index
        values ("index_values"), the Cobb-Douglas sample after the ln 0
        handling ("cobb_douglas_X", "cobb_douglas_y"), the floors applied
        ("floors"), every reading with its test ("readings"), the
        validated document ("analysis"), and with an ``[endogeneity]``
        table the IV model ("iv", an IVCobbDouglasRegressor, else None) and
        its design ("iv_X": the sample's indices, then the instruments).

    Examples
    --------
    >>> from sklearn_innov.report import replicate
    >>> report, models = replicate(random_state=0, figures=False)
    >>> models["logit"].selected_features_
    ['X1', 'X3']
    >>> print(report.render("markdown"))  # doctest: +ELLIPSIS
    # Endogenous learning for innovation: replication
    ...
    """
    done = no_stage if on_stage is None else on_stage
    analysis = analyze(frame, document, random_state=random_state, on_stage=done)
    comparison = (
        compare_with_paper(analysis, load_paper_ranges()) if analysis.default else None
    )
    done("comparison with the paper")
    provenance = Provenance.collect(
        analysis,
        frame=frame,
        data_path=data_path,
        spec_path=spec_path,
        command=command,
    )
    done("provenance")
    report = render_report(
        analysis, comparison, figures=figures, provenance=provenance, on_stage=done
    )
    return report, analysis.models()


def render_report(
    analysis: Analysis,
    comparison: Summary | None = None,
    *,
    figures: bool = True,
    provenance: Provenance | None = None,
    on_stage: Callable[[str], None] | None = None,
) -> Report:
    """Format an analysis (and its comparison with the paper) as a report.

    Parameters
    ----------
    analysis : Analysis
        From :func:`~sklearn_innov.report.analyze`.
    comparison : Summary, optional
        From :func:`~sklearn_innov.report.compare_with_paper`.
    figures : bool, default=True
        Draw the figures (needs matplotlib).
    provenance : Provenance, optional
        What made the report; default: ``Provenance.collect(analysis)``,
        stamped now.
    on_stage : callable, optional
        Called with "report" once the sections are laid out, then with
        "figures" once they are drawn (or skipped).

    Returns
    -------
    report : Report
        The report, ready to render or write.

    Examples
    --------
    >>> from sklearn_innov.report import analyze, render_report
    >>> report = render_report(analyze(random_state=0), figures=False)
    >>> report.title
    'Endogenous learning for innovation: replication'
    >>> print(report.render("markdown"))  # doctest: +ELLIPSIS
    # Endogenous learning for innovation: replication
    ...
    """
    a = analysis
    done = no_stage if on_stage is None else on_stage
    labels, outcome = a.labels, a.outcome
    report = Report(
        labels["title"] or "Composite indices, Cobb-Douglas and stepwise logit",
        provenance=Provenance.collect(a) if provenance is None else provenance,
    )
    if a.default:
        report.add_text(
            "Data: a SYNTHETIC survey of 127 knowledge-intensive SMEs, drawn by "
            f"sklearn_innov.datasets.make_sme_survey(random_state={a.random_state}) "
            "and calibrated to the published marginals of Alonso, Contreras & "
            "Valenzuela (2025). It is not the authors' survey (which is not "
            "public): the paper's numbers stand beside ours for comparison, not "
            "as a check."
        )
    else:
        report.add_text(_data_line(a, report.provenance))
    if a.missing_note:
        report.add_text(a.missing_note[0].upper() + a.missing_note[1:])
    if a.design is not None:
        report.add_summary(_design_summary(a))

    report.add_summary(
        _index_summary(
            a.indices,
            a.reliability,
            a.composite,
            a.frame,
            a.spec.spec,
            a.readings,
            a.missing_answers,
            _rows_read(a),
        )
    )
    if a.index_missing_note:
        report.add_text(a.index_missing_note[0].upper() + a.index_missing_note[1:])
    if a.robustness is None:
        report.add_text(
            f"Robustness of the rankings not computed: {a.robustness_error}"
        )
    else:
        report.add_summary(
            _robustness_summary(
                a.robustness,
                labels,
                a.construction_elasticities,
                a.regressors,
                a.controls,
                a.options["zeros"],
                f"the {count(len(a.frame), labels)} analysed",
            )
        )

    if a.options["zeros"] == "two-part" and a.two_part is None:
        # the model asked for is not the one fitted: say it where the main
        # model is introduced, not only in the two-part section further down
        why = a.two_part_skip or "The two-part model was not fitted."
        report.add_text(
            "Main model: [model] zeros = 'two-part' asked for the two-part "
            "model, which is not fitted here (" + why[0].lower() + why[1:-1] + "). "
            "Fitted instead: the Cobb-Douglas of the positive outcomes, an index "
            "at 0 floored at half its smallest positive value (as [model] zeros "
            "= 'floor')."
        )
    secondary = a.options["zeros"] == "two-part" and a.two_part is not None
    if secondary:
        # the main model is further down: the paper's model must not read
        # as the headline
        n_zero, n_positive = a.two_part_counts
        report.add_text(
            "Main model: the two-part model ([model] zeros = 'two-part'), in "
            "its own section below. The Cobb-Douglas section that follows is "
            f"secondary: OLS of ln {outcome} on the logs of the indices"
            + (" and the controls" if a.controls else "")
            + f", fitted to the {count(n_positive, labels)} with {outcome} > 0 "
            f"only; it leaves out the {count(n_zero, labels)} with {outcome} = 0 "
            f"and describes E[{outcome} | {outcome} > 0], not E[{outcome}]."
        )
    report.add_text(a.zero_note)
    floor_zeros = a.outcome_floor_zeros()
    if floor_zeros is not None:
        report.add_text(
            floor_zeros
            + (
                " The two-part model's participation part then models the "
                f"lowest {labels['units']} against the rest, not any against none."
                if secondary
                else ""
            )
        )
    full_summary = build_summary(
        a.cobb_douglas,
        title=f"Cobb-Douglas model of {outcome}"
        + (" (Table 9 layout)" if a.default else "")
        + (" (secondary: positive outcomes only)" if secondary else ""),
        production=a.returns_to_scale(),
        hc3=HC3_KEY,
        sum_test=bool(a.options["production"]),
        no_sum_test=SPEC_NO_SUM_TEST,
    )
    full_summary.insert_after("coefficients", _controls_block(a, "cobb_douglas"))
    _no_returns_to_scale(full_summary, a)
    report.add_summary(full_summary)
    report.add_summary(_sensitivity_summary(a))
    if a.two_part is None:
        report.add_text(a.two_part_skip or "The two-part model was not fitted.")
    else:
        report.add_summary(_two_part_summary(a))

    X = a.logit_X
    logit, target = a.logit, a.target
    report.add_text(
        f"The stepwise logit models the probability that {target} = {a.event!r}"
        + (f" ({labels['event']})" if labels["event"] else "")
        + ", the second of the target's sorted values"
        + ("." if a.default else "; recode the column if the other value is meant.")
    )
    logit_summary = logit.summary(
        title=f"Stepwise logit of {target}"
        + (" (Table 10 layout)" if a.default else ""),
        marginal_effects=X if logit.support_.any() else None,
        sample_weight=a.logit_weights,
    )
    for block in logit_summary.blocks:
        if block.name == "classification":
            block.content = _classes_in_words(a, block.content)
        elif block.title == "Notes":
            # the user wrote a [design] table, not cov_type='survey'
            block.content = [
                line.replace(
                    "Under cov_type='survey'",
                    "Under the [design] table's survey design",
                )
                for line in block.content
            ]
    one_class = _one_class_note(logit_summary)
    if one_class:
        logit_summary.insert_after(
            "classification",
            Block("Classification Table note", one_class, name="classification_note"),
        )
    logit_summary.insert_after(
        "hosmer_lemeshow_table",
        Block("Hosmer and Lemeshow Test by grouping rule", a.hl_rules, name="hl_rules"),
    )
    logit_summary.blocks.append(_controls_block(a, "logit"))
    logit_summary.blocks.append(
        Block(
            "Selected on the same data",
            [
                "The variables in the equation, their Wald tests, odds ratios and "
                "marginal effects come from a model that backward elimination "
                "chose on these same rows: their p-values are too small and their "
                "intervals too narrow (the tests ignore the selection). The "
                "bootstrap table below shows how stable that selection is."
            ],
        )
    )
    report.add_summary(logit_summary)
    report.add_summary(_stability_summary(a.stability, logit, a.default, a.controls))

    _adjusted_sections(report, a)
    if a.iv is not None:
        report.add_summary(_endogeneity_summary(a))

    if comparison is not None:
        report.add_summary(comparison)

    report.add_summary(
        _limitations(
            a.spec.spec,
            outcome,
            labels,
            a.default,
            _controls_text(a) or None,
            selected=_selected_models(a),
            endogeneity=a.spec.endogeneity,
        )
    )

    done("report")
    if figures and not _has_matplotlib():
        report.add_text(
            "Figures skipped: matplotlib is not installed "
            "(pip install 'sklearn-innov[plot]')."
        )
        figures = False
    if figures:
        _add_figures(report, a)
    done("figures")
    return report


def _class_words(a, texts):
    """The target's two values (``a.logit.classes_``, printed as ``texts``) in
    the user's words: ``[labels] non_event`` and ``event``, else the value
    itself if it is text, else the target and its value ("innovated = 1")."""
    return [
        a.labels[key] or (text if isinstance(value, str) else f"{a.target} = {text}")
        for value, text, key in zip(
            a.logit.classes_, texts, ("non_event", "event"), strict=True
        )
    ]


def _one_class_note(summary):
    """Why the Overall Percentage says nothing when the logit predicts one
    class only at the cut: it is then the share of that class."""
    table = next(b.content for b in summary.blocks if b.name == "classification")
    counts = table.iloc[:2, :2].astype(float)
    predicted = counts.sum(axis=0)
    if (predicted > 0).all():
        return []
    never = list(counts.columns[predicted == 0])[0].removeprefix("predicted ")
    always = list(counts.columns[predicted > 0])[0].removeprefix("predicted ")
    overall = float(table.iloc[2, 2])
    return [
        f"At the cut value .500 the model predicts no case as {never}: every "
        f"case is predicted {always}, so the Overall Percentage "
        f"({overall:.1f}%) is only the share of the cases observed {always}, "
        "not a sign of fit. The cut is fixed at .500 here (SPSS's CUT; neither "
        "the spec nor StepwiseLogit has a cut option): the ROC curve shows the "
        "hits and false alarms at every other cut."
    ]


def _classes_in_words(a, table):
    """The classification table with the target's two values in the user's
    words (:func:`_class_words`)."""
    texts = list(table.index[:2])
    words = dict(zip(texts, _class_words(a, texts), strict=True))
    return table.rename(
        index=words,
        columns={f"predicted {text}": f"predicted {w}" for text, w in words.items()},
    )


# how a stratum with one PSU counts, per [design] lonely_psu
LONELY_PSU_WORDS = {
    "adjust": "centred at the grand mean",
    "remove": "adding no variance (its rows kept in the estimates)",
    "certainty": "sampled with certainty (adding no variance)",
}


def _design_summary(a):
    """What ``[design]`` says, what it changes, and the weighted estimates."""
    design, info = a.design, a.design_info
    weight = design["weight"]
    if design["weights"] == "frequency":
        lines = [
            f"Frequency weights ({weight!r}): a row of weight w counts as w "
            f"{a.labels['units']}, as SPSS's WEIGHT BY. Every statistic below is "
            "that of the replicated rows; the standard errors are model-based "
            f"([model] cov_type = {a.options['cov_type']!r})."
        ]
    else:
        parts = [
            f"probability weights {weight!r}"
            if weight
            else (
                "equal weights (no weight column; R's svydesign would weight "
                "each row by the inverse of the sampling fractions its fpc "
                "implies: name a weight column to weight the estimates)"
                if design["fpc"]
                else "equal weights"
            ),
            f"{info['strata']} strata ({design['strata']!r})"
            if design["strata"]
            else "no strata",
            f"{info['psus']} PSUs ({design['cluster']!r})"
            if design["cluster"]
            else f"{info['psus']} PSUs (each row its own)",
            (
                "two stages, each with its finite population correction "
                f"({design['fpc']!r}, {design['fpc2']!r}; the variance adds the "
                "within-PSU stage's, as R's multistage svydesign)"
                if design.get("fpc2")
                else f"finite population correction ({design['fpc']!r})"
            )
            if design["fpc"]
            else "no finite population correction (sampling with replacement)",
        ]
        lonely = design.get("lonely_psu") or "fail"
        if lonely != "fail":
            parts.append(
                "a stratum with one PSU "
                + LONELY_PSU_WORDS[lonely]
                + f" ([design] lonely_psu = {lonely!r}; R's "
                f"options(survey.lonely.psu = {lonely!r}))"
            )
        if info.get("variance") == "jackknife":
            variance = [
                "Sample design: " + ", ".join(parts) + "; variance by the "
                f"replicate jackknife (JKn, {info['replicates']} replicates: each "
                "PSU deleted in turn, the rest of its stratum reweighted by "
                "n_h/(n_h - 1), as R's as.svrepdesign(type = 'JKn')), with "
                f"{info['df']} degrees of freedom (the replicate design's, as "
                "R's degf).",
                "Design-based by the jackknife (as R's survey::svyglm and svymean "
                "on the replicate design): the weighted means and shares below; "
                "the Cobb-Douglas models' standard errors, t tests, intervals and "
                f"F test, the final stepwise logit of {a.target}'s Wald tests and "
                "intervals"
                + (
                    ", and the two-part model's parts and smearing factor"
                    if a.two_part is not None
                    else ""
                )
                + ", whatever [model] cov_type says. The logit's stepping (removal by "
                "design-based Wald tests, entry by Boos's generalised score test) "
                "uses Taylor linearisation.",
            ]
        else:
            variance = [
                "Sample design: " + ", ".join(parts) + f"; design degrees of "
                f"freedom {info['df']} (PSUs minus strata, as R's degf).",
                "Design-based (Taylor linearisation, as R's survey::svyglm and "
                "svymean): the weighted means and shares below; the Cobb-Douglas "
                "models' standard errors, t tests, intervals and F test, and the "
                f"stepwise logit of {a.target}'s Wald tests, intervals and "
                "stepping (removal by design-based Wald tests, entry by Boos's "
                "generalised score test), on the design's degrees of freedom, "
                "whatever [model] cov_type says.",
            ]
        outside = len(a.frame) - len(a.cd_X)
        if outside:
            # one sentence for every model of a subset of the rows
            variance.append(
                "Models of part of the rows (the Cobb-Douglas models of the "
                "positive outcomes, their ln 0 sensitivity lines and any adjusted "
                "model) are domain estimates, as R's svyglm(design = subset(des, "
                f"{a.outcome} > 0)): fitted with the whole design, the rows "
                f"outside at weight 0 ({count(outside, a.labels)} for the "
                "positive outcomes), so each stratum keeps "
                "all its PSUs in the variance; their Design tables count the PSUs "
                "with a row in the model."
            )
        lines = [
            *variance,
            "Model-based even under the design"
            + (
                ", with the weights rescaled to mean 1 (as svyglm does) and read "
                "as counts of the sample's cases"
                if weight
                else ""
            )
            + ": R², Durbin-Watson, the Park and Breusch-Pagan tests, the "
            "normality tests and the VIFs of the Cobb-Douglas models; the logit's "
            "-2 log-likelihood, omnibus test, pseudo R², Hosmer-Lemeshow test and "
            "classification table.",
        ]
        if weight:
            lines.append(
                "Weighted point estimates, with the weights rescaled to add up to "
                f"the {a.labels['units']} sampled: the indices' construction "
                "(z-score means and deviations, ranks, PCA and factor weights; "
                f"{_minmax_bounds(a)}), their reliability (alpha, omega and "
                "item-total statistics; the reliability table counts the complete "
                "rows as rows, beside their Weighted n, the weights' total on the "
                "sample's scale) and the rankings' robustness."
            )
    if design["weights"] != "frequency":
        lines.append(
            "The bootstrap stability of the logit's selection resamples the "
            "design (Rao and Wu's rescaling bootstrap: n_h - 1 PSUs drawn in each "
            "stratum, the weights rescaled"
            + (
                "; a stratum with one PSU kept whole in every resample"
                if (design.get("lonely_psu") or "fail") != "fail"
                else ""
            )
            + ")"
            + (
                "; the two-part model's parts are fitted as the Cobb-Douglas and "
                "the logit are."
                if a.two_part is not None
                else "."
            )
        )
    undesigned = _undesigned(a)
    if undesigned:
        lines.append(
            "Not weighted by the design in this report: "
            + ", ".join(undesigned)
            + ". Their estimates and tests are those of the unweighted sample."
        )
    table = a.design_estimates
    means = table[table["kind"] == "mean"].drop(columns="kind")
    shares = (
        table[table["kind"] == "share"]
        .drop(columns="kind")
        .rename(
            columns={
                "mean": "share",
                "std_err": "share_std_err",
                "ci_lower": "share_ci_lower",
                "ci_upper": "share_ci_upper",
            }
        )
    )
    # the target's values in the words of the classification table
    plain = [_plain(value) for value in a.logit.classes_]
    words = _class_words(a, [str(value) for value in plain])
    shares = shares.rename(
        index={
            f"{a.target} = {value!r}": word
            for value, word in zip(plain, words, strict=True)
        }
    )
    return Summary(
        "Survey weights and design",
        [
            Block("Design", lines, name="design"),
            Block("Weighted means of the indices", means, name="design_means"),
            Block(
                "Weighted shares of the target's values", shares, name="design_shares"
            ),
        ],
    )


def _undesigned(a):
    """The parts of the analysis fitted without the design's weights."""
    parts = ["the descriptive statistics of the indices (beside their weighted means)"]
    if (a.readings["section"] == "Composite indices").any():
        parts.append("the one-factor tests of the indices' items")
    if a.iv is not None:
        parts.append("the instrumental-variables model")
    if a.construction_elasticities is not None and a.design["weight"] is None:
        # with a weight column they are fitted with its weights
        parts.append("the elasticities under other index constructions")
    return parts


def _influence_indices(a):
    """The two indices whose curves are drawn, and why those two.

    The paper's Figures 2 and 3 are X1 and X3, the indices its logit kept; on
    a user's survey the logit's target is another question, so the curves
    are those of the two indices with the largest |t| in the Cobb-Douglas.
    """
    if a.default:
        kept = [n for n in a.logit.selected_features_ if n in a.regressors][:2]
        if kept:
            return kept, "the indices the stepwise logit kept, as the paper's figures"
    t = a.cobb_douglas.coef_table_["t"]
    by_name = {a.cd_names[name]: name for name in a.regressors}
    ranked = t.reindex(list(by_name)).abs().sort_values(ascending=False)
    return (
        [by_name[term] for term in ranked.index[:2]],
        "the two indices with the largest |t| in the full Cobb-Douglas",
    )


def _minmax_bounds(a):
    """Where the min-max normalisation's bounds come from, in words.

    "min-max bounds are the observed ones" without ``[index] bounds``;
    otherwise the bounds given, and the items, if any, left to the observed
    range (for the design section's sentence on weighted construction).
    """
    bounds = a.spec.index.get("bounds")
    if bounds is None:
        return "min-max bounds are the observed ones"
    if not isinstance(bounds, dict):
        low, high = bounds
        return f"min-max bounds are [index] bounds = [{low:g}, {high:g}]"
    items = [str(item) for items in a.spec.spec.values() for item in items]
    rest = [item for item in items if item not in bounds]
    given = "min-max bounds are those of [index] bounds"
    if not rest:
        return given
    return f"{given}, the observed ones for {', '.join(rest)}"


def _add_figures(report, a):
    from ._figures import _stability_figure, influence_curve, residual_plots, roc_plot

    X = a.logit_X
    shown, why = _influence_indices(a)
    for paper_figure, name in enumerate(shown, start=2):
        report.add_figure(
            f"influence_{name}",
            influence_curve(
                a.cobb_douglas,
                a.cd_X,
                a.cd_y,
                a.cd_names[name],
                a.outcome,
                points=a.labels["units"],
                floor=a.floors.get(name),
            ),
            # the user's label as written, never recapitalised
            f"{a.outcome} against {a.cd_names[name]}, other indices at their "
            "means, fitted Cobb-Douglas curve (with smearing) over the data"
            + _floor_caption(a, name)
            + f"; {why}"
            + (f" (the paper's Figure {paper_figure})" if a.default else "")
            + ".",
        )
    report.add_figure(
        "roc_logit",
        roc_plot(a.logit, X, a.y_target),
        "ROC curve of the stepwise logit (in-sample).",
    )
    report.add_figure(
        "selection_stability",
        _stability_figure(a.stability),
        f"Bootstrap inclusion frequency of each index in the stepwise logit "
        f"({format_count(a.stability.n_fitted)} resamples).",
    )
    report.add_figure(
        "residuals_cobb_douglas",
        residual_plots(a.cobb_douglas, a.cd_X, a.outcome),
        "Cobb-Douglas residuals against fitted values, and normal Q-Q plot.",
    )


def _floor_caption(a, name):
    """Where the influence curve of ``name`` starts when rows were floored."""
    floor = a.floors.get(name)
    x = a.cd_X[a.cd_names[name]]
    floored = int((x == floor).sum()) if floor is not None else 0
    if not floored or floored == len(x):
        return ""
    start = format_number(x[x > floor].min())
    return (
        f" from its smallest value above the ln 0 floor ({start}; "
        f"{count(floored, a.labels)} floored to {format_number(floor)}, marked x, "
        "where the curve would only extrapolate)"
    )


def _no_returns_to_scale(summary, a, names=None):
    """Why a declared production function's sum is not read as returns to
    scale: a note after the model's notes, when ``[model] production = true``
    but an index has an arbitrary zero (:meth:`Analysis.arbitrary_zero`)."""
    reasons = a.arbitrary_zero(names)
    if not a.options["production"] or not reasons:
        return
    grouped: dict[str, list[str]] = {}
    for name, why in reasons.items():
        grouped.setdefault(why, []).append(name)
    which = "; ".join(f"{', '.join(names)}: {why}" for why, names in grouped.items())
    declared = (
        "The paper reads this sum as returns to scale ([model] production = true "
        "here, as the paper reads its model)"
        if a.default
        else "[model] production = true declares a production function"
    )
    summary.insert_after(
        "notes",
        Block(
            "Returns to scale",
            [
                f"{declared}, but these indices have no true zero ({which}). "
                "Their elasticities, and the sum, move with that zero, so the sum "
                "is tested against 1 (the t test in the diagnostics) and not read "
                "as returns to scale. Items on a ratio scale (amounts, counts) "
                "say so with [index] bounds whose lower end is 0."
            ],
            name="returns_to_scale",
        ),
    )


def _controls_block(a, model):
    """One line in a model's block: which controls entered, and how."""
    if not a.controls:
        line = (
            "Controls: none ([model] controls names no column); traits of the "
            f"{a.labels['units']} outside the indices are not held fixed."
        )
    else:
        entered = _controls_text(a)
        line = (
            f"Controls ([model] controls): {entered}. They enter in levels, not "
            "logged: their coefficients are semi-elasticities (100 b is about the "
            "percent change of the fitted y per unit; for a 0/1 dummy the change "
            "is exp(b) - 1 exactly), and the sum of elasticities is over the "
            "indices only."
            if model == "cobb_douglas"
            else f"Controls ([model] controls): {entered}. Forced into the model: "
            "backward elimination never removes them, so they were not selected "
            "and the indices are tested holding them fixed."
        )
    return Block("Controls", [line], name="controls")


# a text control with more dummies than this names its first two and last
LISTED_DUMMIES = 4


def _controls_text(a):
    """``age, gender (1 dummy, gender[male], against 'female')``: the dummies
    by name (the first two, ... and the last when there are many)."""
    parts = []
    for name in a.options["controls"]:
        if name in a.control_reference:
            dummies = [c for c in a.controls if c.startswith(f"{name}[")]
            k = len(dummies)
            if k > LISTED_DUMMIES:
                dummies = [*dummies[:2], "...", dummies[-1]]
            parts.append(
                f"{name} ({k} dumm{'y' if k == 1 else 'ies'}, {', '.join(dummies)}, "
                f"against {a.control_reference[name]!r})"
            )
        else:
            parts.append(name)
    return ", ".join(parts)


def _adjusted_sections(report, a):
    """The adjusted model (Table 11) and, without intercept, its restriction."""
    if a.adjusted is None:
        report.add_text(a.adjusted_skip)
        return
    options, default = a.options, a.default
    adjusted = a.adjusted
    names = [a.cd_names[name] for name in options["adjusted"]]
    intercept = options["adjusted_intercept"]
    why = (
        "Table 11's regressors, which the paper took from its stepwise logit of "
        "a different target on the same data"
        if default
        else "named by [model] adjusted"
    )
    report.add_text(
        f"Adjusted model on {', '.join(names)} ({why}), "
        + ("with intercept." if intercept else "without intercept.")
    )
    title = f"Adjusted Cobb-Douglas on {', '.join(names)}" + (
        "" if intercept else ", no intercept"
    )
    if default:
        title += " (Table 11 layout)"
    summary = build_summary(
        adjusted,
        title=title,
        production=a.returns_to_scale(options["adjusted"]),
        hc3=HC3_KEY,
        sum_test=bool(options["production"]),
        no_sum_test=SPEC_NO_SUM_TEST,
    )
    _no_returns_to_scale(summary, a, options["adjusted"])
    summary.insert_after("coefficients", _controls_block(a, "cobb_douglas"))
    summary.blocks.append(
        Block(
            "Selected on the same data",
            [
                f"{', '.join(names)} are the indices the paper's stepwise logit kept "
                "(for whether a firm innovated, a different target) on the same "
                "data: these t-tests, p-values and R² ignore that selection and "
                "are optimistic."
                if default
                else f"If {', '.join(names)} were chosen after looking at these "
                "data (for example from the stepwise logit in this report), "
                "these t-tests, p-values and R² ignore that selection and are "
                "optimistic."
            ],
        )
    )
    report.add_summary(summary)
    if intercept:
        return
    free, test = a.adjusted_with_intercept, a.intercept_test
    rejected = test["pvalue"] < ALPHA
    table = pd.DataFrame(
        {
            "statistic": [test["statistic"]],
            "df": [f"{test['df'][0]}, {test['df'][1]:g}"],
            "p_value": [test["pvalue"]],
            "reading": ["intercept: " + significance(test["pvalue"], ALPHA)],
        },
        index=pd.Index(["F, H0: intercept = 0"], name="test"),
    )
    side = pd.concat(
        {
            "without intercept": adjusted.coef_table_[["coef", "std_err", "t"]],
            "with intercept": free.coef_table_[["coef", "std_err", "t"]],
        },
        axis=1,
    )
    side.columns = [f"{model} {stat}" for model, stat in side.columns]
    side = side.reindex(["const", *names, *a.controls]).rename(index=free.term_label)
    side.index.name = "term"
    lines = [
        f"In the model with intercept on the same rows, the intercept is "
        f"{format_number(free.intercept_)} (t = "
        f"{format_number(free.coef_table_['t'].iloc[0])})."
    ]
    if rejected:
        lines.append(
            "WARNING: the data reject the model without intercept. Its elasticities "
            "absorb the missing constant, its uncentred R² and F are not comparable "
            "with centred ones, and its sum of elasticities is not reliable. "
            "Fit it with an intercept: [model] adjusted_intercept = true."
        )
    else:
        lines.append(
            "Not rejecting H0 does not show that the intercept is 0: the test may "
            "lack the power to detect it, and if it is not 0 the elasticities "
            "without it are biased. The estimates with the "
            "intercept are printed beside; where they differ, the restriction "
            "matters. R² and F without an intercept are uncentred."
        )
    report.add_summary(
        Summary(
            "Dropping the intercept: test of the restriction",
            [
                Block("F test", table, name="no_intercept_test"),
                Block(
                    "Estimates without and with the intercept",
                    side,
                    name="intercept_side_by_side",
                ),
                Block("Reading", lines),
            ],
        )
    )


# items of the paper's indices whose content overlaps the outcome's
PAPER_OVERLAP = (
    "X1 includes willingness_innovate, a stated disposition to innovate, and "
    "X3 includes rd_income_share, the share of income spent on R&D, while Y "
    "includes innov_sales_share, the share of sales from innovations"
)


def _endogeneity_summary(a):
    """The ``[endogeneity]`` section: the IV model's own summary, and its readings.

    Every number and reading comes from the fitted
    :class:`~sklearn_innov.IVCobbDouglasRegressor` (its summary blocks);
    nothing is recomputed here.
    """
    table = a.spec.endogeneity
    endogenous = ", ".join(table["endogenous"])
    summary = a.iv.summary(
        title="Endogeneity: instrumental variables "
        f"({endogenous} instrumented by {', '.join(table['instruments'])})"
    )
    lines = [
        f"Sample: the full Cobb-Douglas model's {count(a.iv.nobs_, a.labels)}, "
        "ln 0 handled as there; the instruments enter the first stage as given "
        "(not logged). The other indices are still assumed exogenous."
    ]
    if a.iv.endogenous_:
        diagnostics = summary["diagnostics"]
        lines += [f"{test}: {row['reading']}." for test, row in diagnostics.iterrows()]
    summary.blocks.insert(0, Block("Readings", lines, name="iv_readings"))
    return summary


def _selected_models(a):
    """The models of this report whose regressors were selected on its rows."""
    models = ["the stepwise logit"]
    if a.two_part is not None and a.two_part.classifier_ is not None:
        models.append("the two-part model's participation part")
    if a.adjusted is not None:
        models.append("the adjusted model")
    return models


#: Why a report's Cobb-Douglas does not test sum = 1 (no production function)
SPEC_NO_SUM_TEST = (
    "The sum of elasticities is not tested against 1: the spec does not "
    "declare a production function ([model] production = true), and "
    "outside one a sum of 1 (constant returns to scale) is no hypothesis."
)


def _limitations(
    spec, outcome, labels, default, controls=None, selected=None, endogeneity=None
):
    """What no table of this report can establish: said in every report."""
    selected = selected or ["the stepwise logit"]
    selected_text = (
        selected[0]
        if len(selected) == 1
        else ", ".join(selected[:-1]) + " and " + selected[-1]
    )
    units = labels["units"]
    sample = (
        "the data are synthetic, drawn to match the paper's published marginals; "
        "the paper's own sample is 127 knowledge-intensive SMEs of four northern "
        "Mexican metro areas, not a random sample of SMEs."
        if default
        else f"the estimates describe these {units}; they carry over to another "
        "population only as far as this sample represents it."
    )
    overlap = (
        f"Overlap of regressor and outcome items: {PAPER_OVERLAP}; part of their "
        "association may be by construction."
        if default
        else "Overlap of regressor and outcome items: an explanatory index that "
        f"contains items measuring {outcome} itself (or its consequences) is "
        "associated with it partly by construction; check the items of "
        + ", ".join(name for name in spec if name != outcome)
        + "."
    )
    lines = [
        "Associations, not effects: every coefficient, elasticity and marginal "
        "effect here is a conditional association in observational data.",
        f"Selection on the same data: {selected_text} "
        + ("was" if len(selected) == 1 else "were")
        + " selected on the rows "
        + ("it is" if len(selected) == 1 else "they are")
        + " tested on; "
        + ("its" if len(selected) == 1 else "their")
        + " p-values are optimistic.",
        "Endogeneity and reverse causality: "
        + (
            "the models other than the IV section's assume the indices are "
            f"exogenous, and the IV section assumes its instruments "
            f"({', '.join(endogeneity['instruments'])}) valid: uncorrelated with "
            f"the error and excluded from the equation of {outcome} (the data "
            "can test this only with more instruments than endogenous indices). "
            if endogeneity
            else "the models assume the indices are exogenous; no [endogeneity] "
            "table in the spec, so this assumption is not tested here (name the "
            "endogenous indices and their instruments in an [endogeneity] table to "
            "test it with instrumental variables). "
        )
        + f"The outcome {outcome} may drive the indices rather than the reverse "
        + (
            "(firms that innovate may then invest in the relations and learning "
            "actions the indices measure), "
            if default
            else "(reverse causality), "
        )
        + (
            "and traits of the firms not in the model (size, sector, location) "
            if default
            else f"and traits of the {units} not in the model "
        )
        + "may drive both (omitted variables)"
        + (
            f"; the controls ({controls}) hold fixed only the traits they measure."
            if controls
            else "; no control entered the models ([model] controls is empty), so "
            f"no trait of the {units} outside the indices is held fixed."
        ),
        # on the embedded survey every index and the outcome are answers of
        # one respondent; on a user's data that is not known
        (
            "Common-method bias: the indices and the outcome come from the same "
            "questionnaire and respondent, whose answering style can correlate "
            "them."
            if default
            else "Common-method bias: if the indices and the outcome come from the "
            "same questionnaire and respondent, that respondent's answering style "
            "can correlate them; an outcome or index measured otherwise (a test "
            "score, a record, a group mean) is not exposed to it."
        ),
        overlap,
        "Multiplicity: this report reads dozens of tests at 5% each, unadjusted; "
        "among true null hypotheses about one in twenty reads 'significant' by "
        "chance.",
        "External validity: " + sample,
    ]
    return Summary("Limitations", [Block("What this report cannot show", lines)])


def _has_matplotlib():
    import importlib.util

    return importlib.util.find_spec("matplotlib") is not None


def _data_line(a, provenance):
    """The user's data: the file, the rows read and analysed, and why fewer."""
    data = provenance.data
    name = (
        data.removeprefix("the file ")
        if data.startswith("the file ")
        else "the user's survey"
    )
    left_out = a.rows_left_out
    why = []
    if left_out.get("target"):
        why.append(f"{left_out['target']:,} without a value of {a.target!r}")
    if left_out.get("index"):
        why.append(
            f"{left_out['index']:,} with an index that is NaN: [index] missing "
            "= 'nan', see Missing answers by index"
        )
    if not why:
        return f"Data: {name}, {count(a.rows_read, a.labels)} read, all analysed."
    return (
        f"Data: {name}, {count(a.rows_read, a.labels)} read, "
        f"{len(a.frame):,} analysed ({'; '.join(why)})."
    )


def _rows_read(a):
    """The rows the missing-answer counts are of, in words."""
    if a.rows_left_out.get("target"):
        n = a.rows_read - a.rows_left_out["target"]
        return f"the {count(n, a.labels)} with a value of {a.target!r}"
    return f"the {count(a.rows_read, a.labels)} read"


def _index_summary(
    indices,
    reliability,
    composite,
    frame,
    spec,
    readings,
    missing_answers=None,
    rows="the rows read",
):
    stats = pd.DataFrame(
        {
            "n": indices.count(),
            "mean": indices.mean(),
            "std": indices.std(ddof=1),
            "min": indices.min(),
            "max": indices.max(),
            "zeros": (indices == 0).sum(),
        }
    )
    stats.index.name = "index"
    blocks = [
        Block("Descriptive statistics", stats, name="index_statistics"),
        Block(
            "Reliability (Cronbach's alpha, standardised alpha, McDonald's omega)",
            reliability,
            name="reliability",
        ),
    ]
    # only indices of two items or more have item-total statistics: an empty
    # table (every index of one item) is left out, and the reading says why
    if len(composite.item_statistics_):
        blocks.append(
            Block(
                "Item-total statistics (as SPSS's RELIABILITY)",
                composite.item_statistics_,
                name="item_statistics",
            )
        )
    if missing_answers is not None:
        blocks.append(
            Block(
                f"Missing answers by index (rows of {rows})",
                missing_answers,
                name="missing_answers",
            )
        )
    lines = _reliability_reading(composite, frame, spec)
    tests = readings[readings["section"] == "Composite indices"]
    if len(tests):
        lines.append(
            "Likelihood-ratio test that one common factor explains an index's "
            "items (R's factanal, Bartlett's correction; indices of four items "
            "or more):"
        )
    blocks.append(Block("Reading", lines))
    if len(tests):
        # a block of its own: lines that all start with "- " render as a list
        blocks.append(
            Block(
                "One-factor tests",
                [f"- {reading}." for reading in tests["reading"]],
                name="one_factor_tests",
            )
        )
    return Summary("Composite indices", blocks)


def _reliability_reading(composite, frame, spec):
    """What the reliability table can and cannot say, index by index."""
    table = composite.reliability_
    lines = [
        "Cronbach's alpha and omega describe how consistently an index's items "
        "vary together if they reflect one common factor; neither is a test of "
        "unidimensionality. An index whose items define it rather than reflect "
        "it (for example a count of distinct activities: a formative composite) "
        "need not be consistent at all, and alpha-if-deleted is no "
        "reason to drop one of its items."
    ]
    # blank cells, each with its reason (not a failed computation)
    items = table["n_items"]
    one = [str(name) for name in table.index[items < 2]]
    two = [str(name) for name in table.index[items == 2]]
    if one:
        lines.append(
            f"Blank alpha and omega for {', '.join(one)} (1 item): both describe "
            "how items agree, and need 2 items or more."
            + (
                ""
                if len(composite.item_statistics_)
                else " Nor have they item-total statistics (no table): every "
                "index here has 1 item."
            )
        )
    if two and "omega_total" in table:
        lines.append(
            f"Blank McDonald's omega for {', '.join(two)} (2 items): omega needs a "
            "one-factor model, which 2 items cannot identify (3 items or more)."
        )
    if "omega_total" in table:
        below = table.index[table["omega_total"] < table["cronbach_alpha"]]
        if len(below):
            lines.append(
                f"Omega below alpha ({', '.join(map(str, below))}): under a one-factor "
                "model alpha cannot exceed omega, so here the one-factor model "
                "fits the items badly, and neither coefficient measures their "
                "reliability well."
            )
    if two:
        lines.append(
            f"Blank Cronbach's alpha if item deleted for the items of "
            f"{', '.join(two)} (2 items): with one item left, alpha is undefined."
        )
    alpha = table["cronbach_alpha"]
    statistics = composite.item_statistics_
    for name in table.index[alpha < 0]:
        correlation = statistics.loc[name, "corrected_item_total_correlation"]
        negative = [str(item) for item in correlation.index[correlation < 0]]
        if items[name] == 2:
            # reversing both items of a pair changes nothing
            first, second = (str(item) for item in correlation.index)
            lines.append(
                f"Negative Cronbach's alpha for {name} ({alpha[name]:.4f}): its "
                f"2 items, {first} and {second}, correlate negatively with each "
                "other, so their sum is not a scale. Either reverse one of them "
                f"(the one that runs the other way: list it in [index] reverse, "
                f'e.g. reverse = ["{first}"]), or do not combine them.'
            )
            continue
        lines.append(
            f"Negative Cronbach's alpha for {name} ({alpha[name]:.4f}): its items "
            "covary negatively on average, so a sum of them is not a scale. An "
            "item that runs the other way (reverse-keyed) is reversed by "
            "listing it in [index] reverse"
            + (
                f"; items correlating negatively with the rest (corrected "
                f"item-total correlation): {', '.join(negative)}."
                if negative
                else "."
            )
        )
    for name, items in spec.items():
        if len(items) < 2:
            # a single item has no agreement for its floor to inflate
            continue
        values = frame[items].apply(pd.to_numeric, errors="coerce")
        # alpha and omega do not move when an item is shifted: a row at the
        # lowest value of every item is what a row of zeros is after min-max
        floor = int((values == values.min()).all(axis=1).sum())
        if floor and floor >= 0.05 * len(frame):
            lines.append(
                f"{name}: {floor:,} of {len(frame):,} rows score the lowest value on "
                "every item; such rows make the items agree, so its alpha and "
                "omega partly measure that these rows are all at the floor."
            )
    return lines


def _stability_summary(stability, logit, default, controls=()):
    """The selection's bootstrap stability, and what it says of the kept indices."""
    summary = stability.summary()
    frequency = stability.inclusion_frequency
    # the controls are forced in: kept in every resample by construction
    kept = [str(name) for name in logit.selected_features_ if name not in controls]
    del default
    lines = [
        f"The stepwise logit was refitted on {stability.n_fitted:,} bootstrap "
        + (
            "resamples of the design's PSUs (Rao-Wu rescaling; "
            if stability.resampling == "design"
            else "resamples of the rows ("
        )
        + "Heinze, Wallisch & Dunkler 2018). An inclusion "
        "frequency describes how stable the selection is in this sample; it is "
        "not a test. For an index with a real association it estimates the "
        "power of the selection rule at this sample size: a low share can mean "
        "low power, not chance. Nor is a share near 10% what a pure-noise index "
        "gets at p_remove = 0.10: the resamples centre on this sample's "
        f"estimates, and in a simulation at n = 127 ({NOISE_RATE_NOTE}) a noise "
        f"index was kept in about {NOISE_RATE:.0%} of resamples on average "
        f"({NOISE_RATE_SPREAD}); the rate at another sample size was not "
        "simulated."
    ]
    if kept:
        # as the tables print them (one decimal), not rounded again
        shares = ", ".join(
            f"{name} {format_cell(frequency[name], 'share')}" for name in kept
        )
        lines.append(f"Inclusion of the kept indices: {shares}.")
        together = stability.model_frequency
        exact = together[together["selected_on_all_rows"]]
        if len(exact):
            lines.append(
                f"The exact set {{{', '.join(kept)}}} is selected in "
                f"{format_cell(exact['percent'].iloc[0], 'percent')} of resamples."
            )
    summary.blocks.append(Block("What it says of the selection", lines))
    return summary


def _robustness_summary(
    robustness,
    labels,
    elasticities=None,
    regressors=(),
    controls=(),
    zeros="floor",
    rows=None,
):
    """How far rankings move when the index is built differently."""
    table = robustness.summary()
    shifts = table["mean_abs_shift"]
    worst = shifts.idxmax()
    counts = table["n_constructions"].astype(int)
    built = len(robustness.constructions)
    # an entry of `skipped` is a whole construction, or one left out for
    # some indices only (", left out for "), which was built
    combinations = built + sum(
        ", left out for " not in entry for entry in robustness.skipped
    )
    ranked = (
        f"{counts.iloc[0]} of them"
        if counts.nunique() == 1
        else f"as many of them as {column_label('n_constructions')} says"
    )
    lines = [
        f"Of the {combinations} combinations of normalisation x aggregation x "
        f"weights, {built} could be built (the first, min-max sums with equal "
        f"weights, is the reference); each index is ranked under {ranked} "
        f"(column {column_label('n_constructions')}), the others being left out for it "
        "(listed below, each with its reason). "
        f"{column_label('share_moved')} is the "
        f"share of {labels['units']} whose rank moves by more than "
        f"{robustness.shift} places (5% of the {labels['units']}, at least 10) "
        "in at least one construction; "
        f"{column_label('mean_abs_shift')} the average move.",
    ]
    if shifts[worst] > 0:
        lines.append(
            f"Most sensitive: {worst}, whose ranks move by {shifts[worst]:.1f} "
            f"places on average ({table['share_moved'][worst]:.0%} of "
            f"{labels['units']} move by more than {robustness.shift}); a ranking "
            'claim on that index ("A scores higher than B") should be checked '
            "against the construction."
        )
    else:
        lines.append(
            "No index's ranks move: the rankings do not change under the "
            "constructions compared."
        )
    if robustness.notes:
        lines.append(
            "Warnings of the constructions: "
            + "; ".join(dict.fromkeys(robustness.notes))
        )
    blocks = [
        Block("Rank movement by index", table, name="index_sensitivity"),
        Block("Reading", lines),
    ]
    if robustness.skipped:
        # one line per construction left out, each with its reason
        blocks.append(
            Block(
                "Constructions left out"
                + ("" if rows is None else f" (row counts of {rows})"),
                [f"- {entry}" for entry in robustness.skipped],
                name="constructions_left_out",
            )
        )
    if elasticities is not None:
        blocks += _construction_elasticity_blocks(
            elasticities, regressors, controls, robustness.skipped, zeros
        )
    else:
        lines.append(
            "The elasticities are not refitted under each construction: the "
            "outcome is a column of the data, not an index built here."
        )
    return Summary("Robustness of the rankings to the index construction", blocks)


# what the refitted Cobb-Douglas does with an index at 0, by [model] zeros
# (two-part floors, as the main model)
ZERO_POLICY_WORDS = {
    "floor": "([model] zeros = 'floor') floors an index at 0 at half its "
    "smallest positive value",
    # 'two-part' names what is done with the outcome's zeros; a regressor's 0
    # in the positive part is floored, and no key changes that
    "two-part": "floors an index at 0 at half its smallest positive value (as "
    "[model] zeros = 'floor' does: under 'two-part', which concerns the "
    "outcome's zeros, an index's 0 is always floored in the positive part)",
    "drop": "([model] zeros = 'drop') leaves out the rows with an index at 0",
    "offset": "([model] zeros = 'offset') shifts every index by 1",
}


def _construction_elasticity_blocks(
    table, regressors, controls, skipped=(), zeros="floor"
):
    """The full model's elasticities under each index construction."""
    fitted = table[table["note"] == ""]
    lines = [
        f"The full Cobb-Douglas of the indices refitted under each construction "
        f"({len(fitted)} of the {len(table)} constructions built could be fitted"
        + (", without the controls" if controls else "")
        + "): an elasticity of an index depends on how the index is built, "
        "its zero included, not only on the data."
    ]
    # a geometric construction the rankings leave out (rows at 0 tie) can
    # still be fitted: the model's ln 0 policy takes those zeros
    zeroed = {
        entry.split(", left out for ")[0]
        for entry in skipped
        if "zeroes the geometric mean" in entry
    }
    labels = (
        f"normalize={r.normalize}, aggregate={r.aggregate}, weights={r.weights}"
        for r in fitted.itertuples()
    )
    both = [label for label in labels if label in zeroed]
    for name in regressors:
        values = fitted[name]
        if len(values):
            lines.append(
                f"{name}: from {values.min():.3f} to {values.max():.3f} "
                f"(reference construction: {table[name].iloc[0]:.3f})."
            )
    if both:
        lines.append(
            f"{'; '.join(both)}: left out of the rankings for some indices "
            "(their rows at 0 would tie whatever their other items) but fitted "
            "here, because the Cobb-Douglas uses the rows with a positive "
            f"outcome only and {ZERO_POLICY_WORDS[zeros]}."
        )
    blocks = [
        Block(
            "Elasticities under each construction",
            table.drop(columns="note"),
            name="construction_elasticities",
        ),
        Block("Reading of the elasticities", lines),
    ]
    refused = table[table["note"] != ""]
    if len(refused):
        # one line per construction not fitted, each with its reason
        blocks.append(
            Block(
                "Constructions not fitted",
                [
                    f"- normalize={r.normalize}, aggregate={r.aggregate}, "
                    f"weights={r.weights} ({r.note})"
                    for r in refused.itertuples()
                ],
            )
        )
    return blocks


def _participation_events(a):
    """How much the participation logit has to learn from: the facts, always.

    The counts are rows (with positive weight), never sums of weights; the
    events are the smaller class, per parameter of the starting and of the
    final logit. No verdict from a fixed number of events per parameter.
    """
    n_zero, n_positive = a.two_part_counts
    k = a.two_part.classifier_.n_features_in_
    kept = int(a.two_part.classifier_.support_.sum())
    events = min(n_zero, n_positive)
    smaller = "zero" if n_zero <= n_positive else "positive"
    weighted = a.design is not None and a.design["weight"] is not None
    return (
        f"Participation part: {count(n_zero, a.labels)} with y = 0 and "
        f"{n_positive:,} with y > 0"
        + (
            " (rows with a positive weight, not sums of weights: a weight "
            "adds no event to learn from)"
            if weighted
            else ""
        )
        + f". Its logit starts with {plural(k + 1, 'parameter')} (intercept and "
        f"{plural(k, 'index', 'indices')}) and keeps "
        + (
            f"the intercept and {plural(kept, 'index', 'indices')}"
            if kept
            else "only the intercept"
        )
        + ": the "
        f"{events:,} {smaller} outcomes (the smaller class) give "
        f"{events / (k + 1):.1f} events per "
        f"parameter of the starting model, {events / (kept + 1):.1f} of the "
        "final one. " + _firth_shift_words(a) + "."
    )


def _firth_shift_words(a):
    """The participation logit's small-sample bias, measured on these data."""
    firth = a.two_part_firth
    remedy = (
        "in Python, TwoPartRegressor(classifier=StepwiseLogit(penalty='firth', "
        "criterion='lr'))"
        + (
            ", without the design's standard errors (Firth's penalty takes "
            "cov_type='nonrobust' only)"
            if a.design is not None
            else ""
        )
    )
    if firth is None:
        return f"Firth's penalised fit is {remedy}"
    if "error" in firth:
        return (
            "Firth's penalised fit of its final model could not be computed "
            f"({firth['error']}), so its small-sample bias is not measured; "
            f"{remedy}"
        )
    term = "the intercept's" if firth["term"] == "const" else f"{firth['term']}'s"
    shift = firth["shift"]
    weighted = a.design is not None and a.design["weight"] is not None
    return (
        "Firth's penalised fit of its final model (the same rows"
        + (" and weights" if weighted else "")
        + ") "
        f"moves the coefficients by at most {format_number(shift, 2)} standard "
        f"error{'' if shift == 1 else 's'} ({term}): that shift measures the "
        "small-sample bias of maximum likelihood, which pulls logit "
        "coefficients away from zero when events are few (Firth, 1993); to "
        f"report the penalised fit, {remedy}"
    )


def _two_part_summary(a):
    """The two-part model of the outcome beside the paper's positive-only fit."""
    X, y, options = a.indices[a.regressors], a.y_outcome, a.options
    labels, model, effects, zeros = (
        a.labels,
        a.two_part,
        a.two_part_effects,
        a.two_part_zeros,
    )
    # unstack sorts the indices by name: back to the spec's order
    order = effects.index.get_level_values(0).unique()
    elasticities = effects["elasticity"].unstack("margin").loc[order, list(MARGINS)]
    errors = effects["elasticity_se"].unstack("margin").loc[order, list(MARGINS)]
    table = pd.concat(
        {
            margin: pd.DataFrame(
                {"elasticity": elasticities[margin], "std_err": errors[margin]}
            )
            for margin in MARGINS
        },
        axis=1,
    )
    table.columns = [f"{margin} {stat}" for margin, stat in table.columns]
    table.index.name = "index"
    statistic = "t" if "t" in effects.columns else "z"
    derivatives = effects[["dy_dx", "std_err", statistic, "p_value"]].xs(
        "total", level="margin"
    )
    n_zero = int((y == 0).sum())
    main = (
        " (main model: [model] zeros = 'two-part')"
        if (options["zeros"] == "two-part")
        else ""
    )
    lines = [
        f"E[y] = P(y > 0) E[y | y > 0]: a stepwise logit of y > 0 on all "
        f"{count(len(y), labels)} (the {n_zero:,} with y = 0 included), times the "
        "Cobb-Douglas of the positive ones. Unlike "
        + (
            "the paper's choice (the Cobb-Douglas on the positive outcomes only)"
            if a.default
            else "a Cobb-Douglas of the positive outcomes only"
        )
        + (
            ", it keeps what the zeros say about whether, not only how much."
            if a.outcome_floor_zeros() is None
            else f", it models the {n_zero:,} at 0 too; but those are the lowest "
            f"{labels['units']} mapped to 0 by min-max on observed bounds (see "
            "above), so its participation part models the lowest against the "
            "rest, not any against none ([index] bounds would make 0 the "
            "scale's lowest answer)."
        ),
        _participation_events(a),
        "Elasticities of E[y], averaged over the rows"
        + (
            " with the design's weights"
            if a.design is not None and a.design["weight"] is not None
            else ""
        )
        + ": extensive = (1 - P) g_k "
        "x_k (through the probability of a positive outcome), intensive = "
        + (
            "b_k x_k / (1 + x_k) (the second part is in ln(1 + x_k))"
            if zeros == "offset"
            else "b_k"
        )
        + " (through its level); delta-method standard errors, the parts' "
        + (
            # both parts on the design's PSUs: their covariance is estimated
            "estimates correlated through the design's PSUs (their covariance enters)"
            if getattr(model.classifier_, "cov_type", None)
            == getattr(model.regressor_, "cov_type", None)
            in ("cluster", "survey")
            else "estimates independent"
        )
        + " and the log errors homoskedastic. Duan's "
        "smearing factor is estimated, not known: its variance and its "
        "covariance with the second part's coefficients"
        + (" (from the same design)" if a.design is not None else "")
        + " enter the standard errors of dE[y]/dx; it cancels from the "
        "elasticities. Blank extensive entries: the participation logit left "
        "that index out.",
        _two_part_reference(model, statistic),
        "Selected on the same data: the participation part is a stepwise logit "
        "chosen on these rows, so its p-values and the extensive margins' "
        "standard errors ignore that selection and are optimistic.",
    ]
    floored = (
        [name for name in X.columns if ((X[name] == 0) & (y > 0)).any()]
        if zeros == "floor"
        else []
    )
    if floored:
        lines.append(
            f"Caution: {', '.join(floored)} {'is' if len(floored) == 1 else 'are'} "
            "0 for some rows with a positive outcome; the second part sees those "
            "at the floor, where the derivative b_k E[y | y > 0] / x_k is large, so "
            "the average marginal effects dE[y]/dx of "
            f"{'it' if len(floored) == 1 else 'them'} depend on the floor. Read "
            "the elasticities, or compare with [model] zeros = 'offset'."
        )
    if a.controls:
        lines.append(
            f"Without the controls ({_controls_text(a)}): the two-part model is "
            "fitted on the indices alone, so its margins, unlike the "
            "Cobb-Douglas above, do not hold the controls fixed."
        )
    if options["zeros"] == "drop":
        lines.append(
            "[model] zeros = 'drop' cannot predict rows with a zero index, which "
            "the two-part margins average over: this section floors them."
        )
    # the level part is in logs: its terms read ln X1, as in every summary
    coef = model.coef_table_
    parts = coef.set_axis(
        pd.MultiIndex.from_tuples(
            [
                (part, term if part != "positive" or term == "const" else f"ln {term}")
                for part, term in coef.index
            ],
            names=coef.index.names,
        )
    )
    references = model._reference_df()
    header = {
        frozenset({"t"}): "t",
        frozenset({"z"}): "z",
    }.get(
        frozenset("z" if df is None else "t" for df in references.values()),
        "z (participation), t (positive)",
    )
    parts = parts.rename(columns={"statistic": header})
    return Summary(
        f"Two-part model of the outcome{main}",
        [
            Block("Both parts", parts, name="two_part_coefficients"),
            Block("Elasticities of E[y]", table, name="two_part_elasticities"),
            Block(
                "Average marginal effects dE[y]/dx (total)",
                derivatives,
                name="two_part_marginal_effects",
            ),
            Block("Reading", lines),
        ],
    )


def _two_part_reference(model, statistic):
    """Which distribution each two-part table's p-values and intervals use."""

    def name(df):
        if df is None:
            return "the normal (z)"
        return f"Student's t on {format_count(df)} df"

    references = model._reference_df()
    parts = "; ".join(f"{part} part: {name(df)}" for part, df in references.items())
    effects = (
        f"Student's t on {format_count(model._effects_df())} df "
        "(design-based covariance)"
        if statistic == "t"
        else "the normal (z)"
    )
    return (
        f"Reference distributions of the p-values and 95% intervals: {parts}; "
        f"average marginal effects: {effects}."
    )


def _sensitivity_summary(a):
    """The full model refitted under every ln 0 choice, beside the main one."""
    positive = (a.y_outcome > 0).to_numpy()
    zero_rows = (a.indices[a.regressors][positive] <= 0).any(axis=1)
    rows_ = []
    for label, model in a.sensitivity.items():
        rows_.append(
            {
                "choice": label,
                "rows": model.nobs_,
                **{
                    model.term_label(term): coef
                    for term, coef in model.coef_table_["coef"].items()
                },
                "R²": model.rsquared_,
            }
        )
    table = pd.DataFrame(rows_).set_index("choice")
    touched, used = int(zero_rows.sum()), int(positive.sum())
    note = [
        f"{rows(touched)} of {used:,} with a positive outcome have at least one "
        "index equal to 0."
    ]
    if touched > TOUCHED_SHARE * used:
        note.append(
            f"The ln 0 choice touches {touched:,} of {used:,} rows "
            f"({touched / used:.0%}, more than {TOUCHED_SHARE:.0%}): the "
            "estimates with those rows (floored, or shifted by the offset) are "
            "the 'floor' and 'offset' lines, without them the 'drop' line "
            f"({rows(used - touched)}); where the lines "
            "differ, the elasticities rest on the choice, not on the data."
        )
    return Summary(
        "Sensitivity of the elasticities to the ln 0 choice",
        [
            Block("Elasticities by choice", table, name="zero_sensitivity"),
            Block("Rows", note),
        ],
    )
