"""The paper's analysis end to end: indices, Cobb-Douglas, stepwise logit.

``replicate`` runs the analysis of Alonso, Contreras & Valenzuela (2025) on
the embedded synthetic survey or on a user's survey and spec, and returns a
:class:`Report`. Every number in it is an attribute of a fitted estimator
(read from its results object) or one of its ``summary()`` objects; this
module only chooses what to fit and arranges the results (and, on the
default data, puts the published numbers beside them).
"""

import numpy as np
import pandas as pd

from ..datasets import PAPER_SPEC, load_paper_results, make_sme_survey
from ..diagnostics import hosmer_lemeshow
from ..linear_model import CobbDouglasRegressor, StepwiseLogit, TwoPartRegressor
from ..linear_model._cobb_douglas_summary import build_summary
from ..model_selection import selection_stability
from ..preprocessing import (
    CompositeIndex,
    SpecError,
    drop_missing_target,
    index_sensitivity,
    validate_document,
)
from ..summary import Block, Summary, significance
from ._report import Report

__all__ = ["replicate"]


PAPER_TITLE = "Endogenous learning for innovation: replication"
# The embedded survey is the paper's setting: its adjusted model (Table 11)
# is on X1 and X3 without intercept, its Cobb-Douglas is read as a
# production function, and its rows are firms. A user's spec gets none of
# this unless it says so.
PAPER_DOCUMENT = {
    "indices": PAPER_SPEC,
    "model": {
        "outcome": "Y",
        "target": "innovated",
        "adjusted": ["X1", "X3"],
        "adjusted_intercept": False,
        "production": True,
    },
    "labels": {
        "title": PAPER_TITLE,
        "unit": "firm",
        "units": "firms",
        "event": "innovation",
    },
}
ALPHA = 0.05
MARGINS = ("total", "extensive", "intensive")
# bootstrap refits of the stepwise logit for the stability table (about
# 2-3 ms each at the paper's size)
STABILITY_RESAMPLES = 200
# the mean bootstrap inclusion frequency of a pure-noise feature under
# backward stepwise selection at p_remove = 0.10, n = 127 (docs: "Reading
# the report", where the simulation is given)
NOISE_RATE = 0.25
NOISE_RATE_NOTE = "four uniform noise indices, 60 data sets x 100 resamples"
NOISE_RATE_SPREAD = "median 17%; 30% of the noise indices above 30%"


def replicate(frame=None, document=None, *, random_state=0, figures=True):
    """Run the paper's analysis and return the report and the fitted models.

    On the embedded synthetic survey the analysis is the paper's (its adjusted
    model has no intercept, as Table 11), with the published numbers beside
    ours. On a user's survey nothing paper-specific is imposed: the spec's
    ``[model]`` table chooses the covariance, the ln 0 policy and the adjusted
    model (which keeps its intercept unless ``adjusted_intercept = false``),
    and ``[labels]`` the wording (see
    :func:`~sklearn_innov.preprocessing.validate_document`).

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

    Returns
    -------
    report : Report
    models : dict
        The fitted estimators ("indices", "cobb_douglas", "logit",
        "adjusted", "adjusted_with_intercept" (the model the restriction is
        tested in, or None), "sensitivity"), the index values
        ("index_values"), the Cobb-Douglas sample after the ln 0 handling
        ("cobb_douglas_X", "cobb_douglas_y"), the floors applied ("floors")
        and the validated document ("analysis").

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
    default = frame is None
    if default:
        frame = make_sme_survey(random_state=random_state).frame
        document = PAPER_DOCUMENT
    elif document is None:
        raise SpecError("a survey passed with --data needs its --spec file.")
    analysis = validate_document(document, frame)
    spec, outcome, target = analysis.spec, analysis.outcome, analysis.target
    options, labels = analysis.model, analysis.labels
    frame, missing_note = drop_missing_target(frame, target)

    report = Report(
        labels["title"] or "Composite indices, Cobb-Douglas and stepwise logit"
    )
    if default:
        report.add_text(
            "Data: a SYNTHETIC survey of 127 knowledge-intensive SMEs, drawn by "
            f"sklearn_innov.datasets.make_sme_survey(random_state={random_state}) and "
            "calibrated to the published marginals of Alonso, Contreras & Valenzuela "
            "(2025). It is not the authors' survey (which is not public): the "
            "paper's numbers stand beside ours for comparison, not as a check."
        )
    else:
        report.add_text(f"Data: the user's survey, {_count(len(frame), labels)}.")
    if missing_note:
        report.add_text(missing_note[0].upper() + missing_note[1:])

    composite = CompositeIndex(spec=spec, **analysis.index).fit(frame)
    indices = pd.DataFrame(
        composite.transform(frame), columns=list(spec), index=frame.index
    )
    report.add_summary(_index_summary(indices, composite, frame, spec))
    # "moves" is relative to the sample: more than 5% of the places (at
    # least 10), so the share means the same at 127 rows and at 6,000
    try:
        robustness = index_sensitivity(
            frame,
            spec,
            reverse=analysis.index.get("reverse"),
            bounds=analysis.index.get("bounds"),
            shift=max(10, round(0.05 * len(frame))),
        )
    except ValueError as exc:
        robustness = None
        report.add_text(f"Robustness of the rankings not computed: {exc}")
    else:
        report.add_summary(_robustness_summary(robustness, labels))

    y_outcome = indices[outcome] if outcome in indices else frame[outcome].astype(float)
    regressors = [name for name in spec if name != outcome]
    y_target = frame[target]

    # zero indices in the Cobb-Douglas sample: "two-part" floors them
    zeros = "floor" if options["zeros"] == "two-part" else options["zeros"]
    cd_data, zero_note, floors = _cobb_douglas_sample(
        indices[regressors], y_outcome, zeros, labels, default
    )
    report.add_text(zero_note)
    # with the offset the regressors are 1 + X: say so wherever they are named
    cd_name = {r: f"(1 + {r})" if zeros == "offset" else r for r in regressors}
    cd_data = cd_data.rename(columns=cd_name)
    cd_regressors = [cd_name[r] for r in regressors]
    cov_type = options["cov_type"]
    full = CobbDouglasRegressor(cov_type=cov_type).fit(
        cd_data[cd_regressors], cd_data["__y__"]
    )
    report.add_summary(
        build_summary(
            full,
            title=f"Cobb-Douglas model of {outcome}"
            + (" (Table 9 layout)" if default else ""),
            production=options["production"],
        )
    )

    sensitivity, sens_models = _sensitivity(
        indices[regressors], y_outcome, full, zeros, labels
    )
    report.add_summary(sensitivity)
    two_part = _two_part_model(report, indices[regressors], y_outcome, options, labels)

    # SPSS's layout, SPSS's Hosmer-Lemeshow grouping
    logit = StepwiseLogit(hl_method="spss").fit(indices[regressors], y_target)
    event = logit.classes_[1]
    event = event.item() if hasattr(event, "item") else event  # a plain scalar
    if isinstance(event, float) and event.is_integer():
        event = int(event)  # a 0/1 column read as floats: 1, not 1.0
    report.add_text(
        f"The stepwise logit models the probability that {target} = {event!r}"
        + (f" ({labels['event']})" if labels["event"] else "")
        + ", the second of the target's sorted values"
        + ("." if default else "; recode the column if the other value is meant.")
    )
    logit_summary = logit.summary(
        title=f"Stepwise logit of {target}" + (" (Table 10 layout)" if default else ""),
        marginal_effects=indices[regressors] if logit.support_.any() else None,
    )
    logit_summary.insert_after(
        "hosmer_lemeshow_table", _hl_by_rule(logit, indices[regressors], y_target)
    )
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
    stability = selection_stability(
        StepwiseLogit(),
        indices[regressors],
        y_target,
        n_bootstrap=STABILITY_RESAMPLES,
        random_state=random_state,
    )
    report.add_summary(_stability_summary(stability, logit, default))

    kept = list(logit.selected_features_)
    chosen = options["adjusted"]
    adjusted = with_intercept = None
    if chosen is None:
        report.add_text(
            "No adjusted model: [model] adjusted names none. (The paper fitted one "
            "on the indices its stepwise logit kept; name indices with [model] "
            "adjusted = [...] to fit one.)"
        )
    elif set(chosen) == set(regressors) and options["adjusted_intercept"]:
        report.add_text(
            "No adjusted model: [model] adjusted names every explanatory index "
            "with an intercept, which is the full model above."
        )
    else:
        adjusted, with_intercept = _adjusted_model(
            report,
            cd_data,
            [cd_name[name] for name in chosen],
            options,
            default,
        )

    if default:
        report.add_summary(_beside_paper(full, logit, adjusted))

    report.add_summary(_limitations(spec, outcome, labels, default))

    if figures and not _has_matplotlib():
        report.add_text(
            "Figures skipped: matplotlib is not installed "
            "(pip install 'sklearn-innov[plot]')."
        )
        figures = False
    if figures:
        from ._figures import influence_curve, residual_plots, roc_plot

        shown = [name for name in kept if name in regressors][:2] or regressors[:2]
        for number, name in enumerate(shown, start=2):
            report.add_figure(
                f"influence_{name}",
                influence_curve(
                    full,
                    cd_data[cd_regressors],
                    cd_data["__y__"],
                    cd_name[name],
                    outcome,
                    points=labels["units"],
                ),
                (f"Figure {number}: " if default else "")
                + f"{outcome} against {cd_name[name]}, other indices at their "
                "means, fitted Cobb-Douglas curve (with smearing) over the data.",
            )
        report.add_figure(
            "roc_logit",
            roc_plot(logit, indices[regressors], y_target),
            "ROC curve of the stepwise logit (in-sample).",
        )
        report.add_figure(
            "selection_stability",
            stability.plot(),
            f"Bootstrap inclusion frequency of each index in the stepwise logit "
            f"({stability.n_fitted} resamples).",
        )
        report.add_figure(
            "residuals_cobb_douglas",
            residual_plots(full, cd_data[cd_regressors]),
            "Cobb-Douglas residuals against fitted values, and normal Q-Q plot.",
        )
    models = {
        "analysis": analysis,
        "indices": composite,
        "index_values": indices,
        "cobb_douglas": full,
        "cobb_douglas_X": cd_data[cd_regressors],
        "cobb_douglas_y": cd_data["__y__"].rename(outcome),
        "floors": floors,
        "sensitivity": sens_models,
        "logit": logit,
        "adjusted": adjusted,
        "adjusted_with_intercept": with_intercept,
        "two_part": two_part,
        "selection_stability": stability,
        "index_sensitivity": robustness,
    }
    return report, models


HL_RULE_NAMES = {
    "spss": "SPSS (the layout's)",
    "midrank": "mid-rank",
    "deciles": "R hoslem.test deciles",
}


def _hl_by_rule(logit, X, y):
    """Hosmer-Lemeshow under each grouping rule: how much the rule matters."""
    event = (np.asarray(y) == logit.classes_[1]).astype(float)
    prob = logit.predict_proba(X)[:, 1]
    rows = {}
    for method, label in HL_RULE_NAMES.items():
        result = hosmer_lemeshow(event, prob, method=method)
        rows[label] = {
            "Chi-square": result["statistic"],
            "df": result["df"],
            "Sig.": result["pvalue"],
            "groups": len(result["table"]),
        }
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "grouping rule"
    return Block("Hosmer and Lemeshow Test by grouping rule", table, name="hl_rules")


def _term(name):
    """A term as the Cobb-Douglas summaries print it: ``const`` or ``ln X1``."""
    return name if name == "const" else f"ln {name}"


def _count(n, labels):
    """``"1 firm"``, ``"65 firms"``: the count with the row noun in number."""
    return f"{n} {labels['unit'] if n == 1 else labels['units']}"


def _adjusted_model(report, data, names, options, default):
    """The adjusted Cobb-Douglas (Table 11) and, without intercept, its test.

    Returns the adjusted model and the model with intercept on the same
    regressors and rows (None when the adjusted model keeps its intercept).
    """
    intercept = options["adjusted_intercept"]
    cov_type = options["cov_type"]
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
    adjusted = CobbDouglasRegressor(fit_intercept=intercept, cov_type=cov_type).fit(
        data[names], data["__y__"]
    )
    title = f"Adjusted Cobb-Douglas on {', '.join(names)}" + (
        "" if intercept else ", no intercept"
    )
    if default:
        title += " (Table 11 layout)"
    summary = build_summary(adjusted, title=title, production=options["production"])
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
        return adjusted, None
    # Dropping the intercept is a restriction the data can reject: test it in
    # the model that has one (its Wald F with the chosen covariance), and
    # print that model's estimates beside, since not rejecting is no proof.
    free = CobbDouglasRegressor(cov_type=cov_type).fit(data[names], data["__y__"])
    R = np.zeros(len(names) + 1)
    R[0] = 1.0
    test = free.results_.wald_test(R, 0.0)
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
    side = side.reindex(["const", *names]).rename(index=_term)
    side.index.name = "term"
    lines = [
        f"In the model with intercept on the same rows, the intercept is "
        f"{free.intercept_:.4g} (t = {free.coef_table_['t'].iloc[0]:.3f})."
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
    return adjusted, free


# items of the paper's indices whose content overlaps the outcome's
PAPER_OVERLAP = (
    "X1 includes willingness_innovate, a stated disposition to innovate, and "
    "X3 includes rd_income_share, the share of income spent on R&D, while Y "
    "includes innov_sales_share, the share of sales from innovations"
)


def _limitations(spec, outcome, labels, default):
    """What no table of this report can establish: said in every report."""
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
        "Selection on the same data: the stepwise logit, the two-part model's "
        "participation part and any adjusted model chosen from them were "
        "selected on the rows they are tested on; their p-values are optimistic.",
        "Endogeneity and reverse causality: the models assume the indices are "
        f"exogenous. {outcome} may drive the indices rather than the reverse "
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
        + "may drive both (omitted variables).",
        "Common-method bias: the indices and the outcome come from the same "
        "questionnaire and respondent, whose answering style can correlate them.",
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


def _index_summary(indices, composite, frame, spec):
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
            composite.reliability_,
            name="reliability",
        ),
        Block(
            "Item-total statistics (as SPSS's RELIABILITY)",
            composite.item_statistics_,
            name="item_statistics",
        ),
    ]
    blocks.append(Block("Reading", _reliability_reading(composite, frame, spec)))
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
    if "omega_total" in table:
        below = table.index[table["omega_total"] < table["cronbach_alpha"]]
        if len(below):
            lines.append(
                f"Omega below alpha ({', '.join(map(str, below))}): under a one-factor "
                "model alpha cannot exceed omega, so here the one-factor model "
                "fits the items badly, and neither coefficient measures their "
                "reliability well."
            )
    for name, items in spec.items():
        values = frame[items].apply(pd.to_numeric, errors="coerce")
        zero = int((values == 0).all(axis=1).sum())
        if zero and zero >= 0.05 * len(frame):
            lines.append(
                f"{name}: {zero} of {len(frame)} rows score 0 on every item; such "
                "rows make the items agree, so its alpha and omega partly measure "
                "that these rows are all zero."
            )
    return lines


def _stability_summary(stability, logit, default):
    """The selection's bootstrap stability, and what it says of the kept indices."""
    summary = stability.summary()
    frequency = stability.inclusion_frequency
    kept = [str(name) for name in logit.selected_features_]
    del default
    lines = [
        f"The stepwise logit was refitted on {stability.n_fitted} bootstrap "
        "resamples of the rows (Heinze, Wallisch & Dunkler 2018). An inclusion "
        "frequency describes how stable the selection is in this sample; it is "
        "not a test. For an index with a real association it estimates the "
        "power of the selection rule at this sample size, so on synthetic data "
        "with an effect built in a low share means low power, not chance. Nor "
        "is a share near 10% what a pure-noise index gets at p_remove = 0.10: "
        "the resamples centre on this sample's estimates, and in a simulation "
        f"(n = 127, {NOISE_RATE_NOTE}) a noise index was kept in about "
        f"{NOISE_RATE:.0%} of resamples on average ({NOISE_RATE_SPREAD})."
    ]
    if kept:
        shares = ", ".join(f"{name} {frequency[name]:.0%}" for name in kept)
        lines.append(f"Inclusion of the kept indices: {shares}.")
        together = stability.model_frequency
        exact = together[together["selected_on_all_rows"]]
        if len(exact):
            lines.append(
                f"The exact set {{{', '.join(kept)}}} is selected in "
                f"{exact['percent'].iloc[0]:.0f}% of resamples."
            )
    summary.blocks.append(Block("What it says of the selection", lines))
    return summary


def _robustness_summary(robustness, labels):
    """How far rankings move when the index is built differently."""
    table = robustness.summary()
    shifts = table["mean_abs_shift"]
    worst = shifts.idxmax()
    lines = [
        f"Each index is rebuilt in {int(table['n_constructions'].iloc[0])} ways "
        "(normalisation x aggregation x weights; the first, min-max sums with "
        "equal weights, is the reference). share_moved is the share of "
        f"{labels['units']} whose rank moves by more than {robustness.shift} "
        "places in at least one construction; mean_abs_shift the average "
        "move, in places.",
        f"Most sensitive: {worst}, whose ranks move by {shifts[worst]:.1f} places "
        f"on average ({table['share_moved'][worst]:.0%} of {labels['units']} "
        f"move by more than {robustness.shift}); a ranking claim on that index "
        '("A scores higher than B") should be checked against the construction.',
    ]
    if robustness.skipped:
        lines.append("Not computable, left out: " + "; ".join(robustness.skipped))
    return Summary(
        "Robustness of the rankings to the index construction",
        [
            Block("Rank movement by index", table, name="index_sensitivity"),
            Block("Reading", lines),
        ],
    )


def _two_part_model(report, X, y, options, labels):
    """The two-part model of the outcome beside the paper's positive-only fit."""
    if y.isna().any() or (y < 0).any() or (X < 0).any().any():
        report.add_text(
            "Two-part model skipped: it needs a non-negative outcome and "
            "non-negative indices with no missing value."
        )
        return None
    if (y > 0).all():
        report.add_text(
            f"Two-part model not needed: no outcome is 0, so every {labels['unit']} "
            "is in the Cobb-Douglas above."
        )
        return None
    # "drop" cannot predict rows with a zero index, which the margins average
    # over: the two-part model floors them instead (and says so)
    zeros = "offset" if options["zeros"] == "offset" else "floor"
    model = TwoPartRegressor(
        regressor=CobbDouglasRegressor(cov_type=options["cov_type"]), zeros=zeros
    ).fit(X, y)
    effects = model.marginal_effects(X)
    if model.classifier_ is not None:
        # a feature the participation logit left out has no extensive margin
        # to estimate: blank, not a precise 0
        left_out = [
            name
            for name, kept in zip(X.columns, model.classifier_.support_, strict=True)
            if not kept
        ]
        effects.loc[
            [(name, "extensive") for name in left_out],
            [
                "dy_dx",
                "std_err",
                "z",
                "p_value",
                "ci_lower",
                "ci_upper",
                "elasticity",
                "elasticity_se",
            ],
        ] = np.nan
    elasticities = effects["elasticity"].unstack("margin")[list(MARGINS)]
    errors = effects["elasticity_se"].unstack("margin")[list(MARGINS)]
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
    derivatives = effects[["dy_dx", "std_err", "z", "p_value"]].xs(
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
        f"{len(y)} {labels['units']} (the {n_zero} with y = 0 included), times the "
        "Cobb-Douglas of the positive ones. Unlike the paper's choice (the "
        "Cobb-Douglas on the positive outcomes only), it keeps what the zeros "
        "say about whether, not only how much.",
        "Elasticities of E[y], averaged over the rows: extensive = (1 - P) g_k "
        "x_k (through the probability of a positive outcome), intensive = "
        + (
            "b_k x_k / (1 + x_k) (the second part is in ln(1 + x_k))"
            if zeros == "offset"
            else "b_k"
        )
        + " (through its level); delta-method standard errors, the parts' "
        "estimates independent, Duan's smearing factor treated as known and the "
        "log errors as homoskedastic. Blank extensive entries: the "
        "participation logit left that index out.",
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
    report.add_summary(
        Summary(
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
    )
    return model


ZERO_CHOICES = {
    "floor": "floor at half the smallest positive",
    "drop": "drop rows with a zero index",
    "offset": "ln(1 + X): offset of 1 on every index",
}


def _cobb_douglas_sample(X, y, zeros, labels, default):
    """The Cobb-Douglas sample: rows with y > 0, and ln 0 avoided as asked.

    ``zeros`` is "floor" (an index equal to 0 is floored at half its smallest
    positive value), "drop" (rows with a zero index are left out) or "offset"
    (every index is shifted by 1).
    """
    positive = (y > 0).to_numpy()
    data = X[positive].copy()
    negative = [name for name in data.columns if (data[name] < 0).any()]
    if negative:
        raise SpecError(
            f"index(es) {negative} take negative values, which have no logarithm: "
            "the Cobb-Douglas needs non-negative indices (normalize = 'minmax' or "
            "'rank' in [index], not 'zscore')."
        )
    always_zero = [name for name in data.columns if (data[name] == 0).all()]
    if always_zero:
        raise SpecError(
            f"index(es) {always_zero} equal 0 in every row with a positive outcome, "
            "so their elasticity cannot be estimated (ln 0 in every row); drop them "
            "from [indices] or check their items."
        )
    floors, touched = {}, {}
    zero_rows = (data == 0).any(axis=1)
    if zeros == "floor":
        for name in data.columns:
            column = data[name]
            is_zero = column == 0
            if is_zero.any():
                floors[name] = column[~is_zero].min() / 2.0
                touched[name] = int(is_zero.sum())
                data.loc[is_zero, name] = floors[name]
        detail = (
            "; ".join(
                f"{name}: {_rows(count)} set to {floors[name]:.4g}"
                for name, count in touched.items()
            )
            or "no index was 0 there"
        )
        how = (
            "an index equal to 0 among them is floored at half its smallest "
            f"positive value ({detail})"
        )
    elif zeros == "drop":
        data = data[~zero_rows]
        how = f"{_rows(int(zero_rows.sum()))} with an index equal to 0 are left out"
    else:
        data = data + 1.0
        how = "every index is shifted by 1 (ln(1 + X))"
    data["__y__"] = y[positive][data.index] if zeros == "drop" else y[positive]
    values = y[~positive]
    missing = int(values.isna().sum())
    left_out = []
    zero, negative = int((values == 0).sum()), int((values < 0).sum())
    if zero:
        left_out.append(f"{_count(zero, labels)} with outcome 0")
    if negative:
        left_out.append(f"{_count(negative, labels)} with a negative outcome")
    if missing:
        left_out.append(f"{_count(missing, labels)} with no outcome (NaN)")
    used = _count(int(positive.sum()), labels)
    note = (
        f"ln 0 avoided: the Cobb-Douglas models use the {used} with a positive "
        f"outcome{' (innovators)' if default else ''}"
        + (f"; left out: {' and '.join(left_out)}" if left_out else "")
        + f"; {how}. The sensitivity table shows how the elasticities move with "
        "that choice."
    )
    return data, note, floors


def _rows(count):
    return f"{count} row" + ("" if count == 1 else "s")


def _sensitivity(X, y, main, zeros, labels):
    """Refit the Cobb-Douglas under every ln 0 choice, beside ``main``."""
    positive = (y > 0).to_numpy()
    zero_rows = (X[positive] <= 0).any(axis=1)
    models = {}
    for key, label in ZERO_CHOICES.items():
        if key == zeros:
            models[label + " (main)"] = main
        else:
            data, _, _ = _cobb_douglas_sample(X, y, key, labels, False)
            models[label] = CobbDouglasRegressor().fit(
                data.drop(columns="__y__"), data["__y__"]
            )
    rows = []
    for label, model in models.items():
        rows.append(
            {
                "choice": label,
                "rows": model.nobs_,
                **{
                    _term(term): coef
                    for term, coef in model.coef_table_["coef"].items()
                },
                "R²": model.rsquared_,
            }
        )
    table = pd.DataFrame(rows).set_index("choice")
    note = [
        f"{_rows(int(zero_rows.sum()))} of {int(positive.sum())} with a positive "
        "outcome have at least one index equal to 0."
    ]
    return (
        Summary(
            "Sensitivity of the elasticities to the ln 0 choice",
            [
                Block("Elasticities by choice", table, name="zero_sensitivity"),
                Block("Rows", note),
            ],
        ),
        models,
    )


def _beside_paper(full, logit, adjusted):
    """The published Tables 9-11 beside the same statistics of our fits."""
    paper = load_paper_results()
    ours9 = full.coef_table_
    table9 = pd.DataFrame(
        {
            "paper coef": paper["table9"]["coef"].to_numpy(),
            "paper t": paper["table9"]["t"].to_numpy(),
            "ours coef": ours9["coef"].to_numpy(),
            "ours t": ours9["t"].to_numpy(),
        },
        index=pd.Index([_term(name) for name in ours9.index], name="term"),
    )
    fit9 = pd.DataFrame(
        {
            "paper": [
                paper["table9_fit"]["rsquared"],
                paper["table9_fit"]["fvalue"],
                paper["table9_fit"]["durbin_watson"],
            ],
            "ours": [full.rsquared_, full.fvalue_, full.durbin_watson_],
        },
        index=pd.Index(["R²", "F", "Durbin-Watson"], name="statistic"),
    )
    ours10 = logit.coef_table_
    columns = {
        "B": "coef",
        "S.E.": "std_err",
        "Wald": "wald",
        "Sig.": "p_value",
        "Exp(B)": "odds_ratio",
    }
    rows10 = []
    for name in paper["table10"].index:
        published = paper["table10"].loc[name, list(columns)].to_numpy(dtype=float)
        ours = (
            ours10.loc[name, list(columns.values())].to_numpy(dtype=float)
            if name in ours10.index
            else np.full(len(columns), np.nan)
        )
        rows10.append([*published, *ours])
    table10 = pd.DataFrame(
        rows10,
        index=pd.Index(list(paper["table10"].index), name="variable"),
        columns=[f"paper {c}" for c in columns] + [f"ours {c}" for c in columns],
    )
    blocks = [
        Block("Table 9: coefficients and t", table9, name="paper_table9"),
        Block("Table 9: fit", fit9, name="paper_table9_fit"),
        Block("Table 10: variables in the equation", table10, name="paper_table10"),
    ]
    if adjusted is not None:
        ours11 = adjusted.coef_table_
        rows11 = []
        for name in paper["table11"].index:
            published = (
                paper["table11"]
                .loc[name, ["coef", "std_err", "t"]]
                .to_numpy(dtype=float)
            )
            ours = (
                ours11.loc[name, ["coef", "std_err", "t"]].to_numpy(dtype=float)
                if name in ours11.index
                else np.full(3, np.nan)
            )
            rows11.append([*published, *ours])
        table11 = pd.DataFrame(
            rows11,
            index=pd.Index([_term(t) for t in paper["table11"].index], name="term"),
            columns=[
                "paper coef",
                "paper s.e.",
                "paper t",
                "ours coef",
                "ours s.e.",
                "ours t",
            ],
        )
        r2_label = "R² (uncentred, no intercept)"
        blocks.append(Block("Table 11: coefficients", table11, name="paper_table11"))
        blocks.append(
            Block(
                "Table 11: fit",
                pd.DataFrame(
                    {
                        "paper": [
                            paper["table11_fit"]["rsquared_uncentred"],
                            paper["table11_fit"]["fvalue"],
                        ],
                        "ours": [adjusted.rsquared_, adjusted.fvalue_],
                    },
                    index=pd.Index([r2_label, "F"], name="statistic"),
                ),
                name="paper_table11_fit",
            )
        )
    blocks.append(Block("Reading", _reading_beside_paper(paper, full)))
    return Summary("Beside the paper (Tables 9, 10 and 11)", blocks)


def _reading_beside_paper(paper, full):
    """What to expect of the comparison, and what the published tables imply."""
    fit9 = paper["table9_fit"]
    k = len(paper["table9"]) - 1
    # F = (R² / k) / ((1 - R²) / (n - k - 1)) solved for n
    implied_n = k + 1 + fit9["fvalue"] * k * (1 - fit9["rsquared"]) / fit9["rsquared"]
    lines = [
        "The data are synthetic: agreement in sign and rough size is what to "
        "expect, not equality. Missing entries (blank) are terms the stepwise "
        "logit did not keep.",
        "Not aimed at: Table 9's constant and the elasticities of X2 and X4. In the "
        "generating model (make_sme_survey's DESCR) an innovator's Y follows Table "
        "11 (X1 and X3 only, its own constant) and innovation depends on X1 and X3 "
        "only, so X2 and X4 have no effect by construction.",
        f"Table 9's R² = {fit9['rsquared']} and F = {fit9['fvalue']} with {k} "
        f"regressors imply about {implied_n:.0f} observations; the Cobb-Douglas "
        f"here is fitted on the {full.nobs_} firms with Y > 0, so the paper's Y "
        "must have been positive for many non-innovators too, which it does not "
        "explain.",
    ]
    table10 = paper["table10"]
    for name, row in table10.iterrows():
        computed = float(np.exp(row["B"]))
        if abs(computed - row["Exp(B)"]) > 5e-4:
            lines.append(
                f"The paper's Table 10 is inconsistent for {name}: "
                f"exp({row['B']}) = {computed:.4f}, but it prints Exp(B) = "
                f"{row['Exp(B)']}."
            )
    return lines
