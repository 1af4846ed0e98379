"""The paper's analysis end to end: indices, Cobb-Douglas, stepwise logit.

``replicate`` runs the analysis of Alonso, Contreras & Valenzuela (2025) on
the embedded synthetic survey or on a user's survey and spec, and returns a
:class:`Report`. Every number in it is read from the estimators' own
``summary()`` objects; this module only chooses what to fit and arranges the
results (and, on the default data, puts the published numbers beside them).
"""

import numpy as np
import pandas as pd

from ..datasets import PAPER_SPEC, load_paper_results, make_sme_survey
from ..linear_model import CobbDouglasRegressor, StepwiseLogit
from ..preprocessing import CompositeIndex
from ..preprocessing._spec import check_spec
from ._report import Report
from ._summary import Block, Summary

__all__ = ["SpecError", "replicate", "validate_document"]

SPEC_KEYS = {"indices", "model", "index"}
MODEL_KEYS = {"outcome", "target"}
INDEX_KEYS = {"normalize", "aggregate", "bounds", "reverse"}


class SpecError(ValueError):
    """A spec file or survey that the analysis cannot use (one-line message)."""


def validate_document(document, frame, source="spec"):
    """Check a spec document against a survey.

    Returns ``(spec, outcome, target, settings)``; raises :class:`SpecError`.
    """
    unknown = set(document) - SPEC_KEYS
    if unknown:
        raise SpecError(
            f"{source}: unknown table(s) {sorted(unknown)}; "
            f"allowed: {sorted(SPEC_KEYS)}."
        )
    spec = check_spec(document["indices"], source=source)
    model = document.get("model", {})
    index = document.get("index", {})
    for table, keys, allowed in (
        ("model", model, MODEL_KEYS),
        ("index", index, INDEX_KEYS),
    ):
        if not isinstance(keys, dict):
            raise SpecError(f"{source}: [{table}] must be a table of settings.")
        extra = set(keys) - allowed
        if extra:
            raise SpecError(
                f"{source}: unknown key(s) {sorted(extra)} in [{table}]; "
                f"allowed: {sorted(allowed)}."
            )
    missing = sorted(
        {c for items in spec.values() for c in items if c not in frame.columns}
    )
    if missing:
        raise SpecError(
            f"{source}: column(s) {missing} named in [indices] are not in the data."
        )
    outcome = model.get("outcome", "Y")
    target = model.get("target", "innovated")
    if outcome not in spec and outcome not in frame.columns:
        raise SpecError(
            f"{source}: [model] outcome {outcome!r} is neither an index nor a column."
        )
    if target not in frame.columns:
        raise SpecError(
            f"{source}: [model] target {target!r} is not a column of the data."
        )
    values = frame[target].dropna().unique()
    if len(values) != 2:
        raise SpecError(
            f"target column {target!r} must be binary (two values); "
            f"it has {len(values)}: "
            f"{sorted(map(str, values))[:5]}."
        )
    settings = {k: (tuple(v) if k == "bounds" else v) for k, v in index.items()}
    return spec, outcome, target, settings


def replicate(frame=None, document=None, *, random_state=0, figures=True):
    """Run the paper's analysis and return the report and the fitted models.

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
        "adjusted", "sensitivity"), the index values ("index_values") and the
        Cobb-Douglas sample after the ln 0 handling ("cobb_douglas_X",
        "cobb_douglas_y"), with the floors applied ("floors").

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
        document = {
            "indices": PAPER_SPEC,
            "model": {"outcome": "Y", "target": "innovated"},
        }
    elif document is None:
        raise SpecError("a survey passed with --data needs its --spec file.")
    spec, outcome, target, settings = validate_document(document, frame)

    report = Report("Endogenous learning for innovation: replication")
    if default:
        report.add_text(
            "Data: a SYNTHETIC survey of 127 knowledge-intensive SMEs, drawn by "
            f"sklearn_innov.datasets.make_sme_survey(random_state={random_state}) and "
            "calibrated to the published marginals of Alonso, Contreras & Valenzuela "
            "(2025). It is not the authors' survey (which is not public): the "
            "paper's numbers stand beside ours for comparison, not as a check."
        )
    else:
        report.add_text(f"Data: the user's survey, {len(frame)} rows.")

    composite = CompositeIndex(spec=spec, **settings).fit(frame)
    indices = pd.DataFrame(
        composite.transform(frame), columns=list(spec), index=frame.index
    )
    report.add_summary(_index_summary(indices, composite))

    y_outcome = indices[outcome] if outcome in indices else frame[outcome].astype(float)
    regressors = [name for name in spec if name != outcome]
    y_target = frame[target]

    cd_data, zero_note, floors = _cobb_douglas_sample(indices[regressors], y_outcome)
    report.add_text(zero_note)
    full = CobbDouglasRegressor().fit(cd_data[regressors], cd_data["__y__"])
    full_summary = full.summary(
        title=f"Cobb-Douglas model of {outcome} (Table 9 layout)"
    )
    report.add_summary(full_summary)

    sensitivity, sens_models = _sensitivity(indices[regressors], y_outcome, full)
    report.add_summary(sensitivity)

    logit = StepwiseLogit().fit(indices[regressors], y_target)
    logit_summary = logit.summary(title=f"Stepwise logit of {target} (Table 10 layout)")
    report.add_summary(logit_summary)

    kept = list(logit.selected_features_)
    adjusted = adjusted_summary = None
    if kept:
        adjusted = CobbDouglasRegressor(fit_intercept=False).fit(
            cd_data[kept], cd_data["__y__"]
        )
        adjusted_summary = adjusted.summary(
            title=f"Adjusted Cobb-Douglas on {', '.join(kept)}, no intercept "
            "(Table 11 layout)"
        )
        report.add_summary(adjusted_summary)
    else:
        report.add_text(
            "The stepwise logit kept no index: no adjusted model (Table 11)."
        )

    if default:
        report.add_summary(_beside_paper(full_summary, logit_summary, adjusted_summary))

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
                    full, cd_data[regressors], cd_data["__y__"], name, outcome
                ),
                f"Figure {number}: {outcome} against {name}, other indices at their "
                "means, fitted Cobb-Douglas curve (with smearing) over the data.",
            )
        report.add_figure(
            "roc_logit",
            roc_plot(logit, indices[regressors], y_target),
            "ROC curve of the stepwise logit (in-sample).",
        )
        report.add_figure(
            "residuals_cobb_douglas",
            residual_plots(full, cd_data[regressors]),
            "Cobb-Douglas residuals against fitted values, and normal Q-Q plot.",
        )
    models = {
        "indices": composite,
        "index_values": indices,
        "cobb_douglas": full,
        "cobb_douglas_X": cd_data[regressors],
        "cobb_douglas_y": cd_data["__y__"].rename(outcome),
        "floors": floors,
        "sensitivity": sens_models,
        "logit": logit,
        "adjusted": adjusted,
    }
    return report, models


def _has_matplotlib():
    import importlib.util

    return importlib.util.find_spec("matplotlib") is not None


def _index_summary(indices, composite):
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
            "Reliability (Cronbach's alpha)", composite.reliability_, name="reliability"
        ),
    ]
    return Summary("Composite indices (sums of min-max normalised items)", blocks)


def _cobb_douglas_sample(X, y):
    """Rows with y > 0; zero indices floored at half their smallest positive value."""
    positive = (y > 0).to_numpy()
    data = X[positive].copy()
    floors, touched = {}, {}
    for name in data.columns:
        column = data[name]
        zeros = column <= 0
        if zeros.any():
            smallest = column[~zeros].min()
            floors[name] = smallest / 2.0
            touched[name] = int(zeros.sum())
            data.loc[zeros, name] = floors[name]
    data["__y__"] = y[positive]
    detail = (
        "; ".join(
            f"{name}: {count} row(s) set to {floors[name]:.4g}"
            for name, count in touched.items()
        )
        or "no index was 0 there"
    )
    note = (
        "ln 0 avoided: the Cobb-Douglas models use the "
        f"{int(positive.sum())} rows with a positive outcome (innovators; "
        f"{int((~positive).sum())} rows with outcome 0 left out), and an index equal "
        "to 0 among them is floored at half its smallest positive value ("
        f"{detail}). The sensitivity table shows how the elasticities move with "
        "that choice."
    )
    return data, note, floors


def _sensitivity(X, y, main):
    """Refit the Cobb-Douglas under the other ln 0 choices, beside ``main``."""
    positive = (y > 0).to_numpy()
    Xp, yp = X[positive], y[positive]
    zero_rows = (Xp <= 0).any(axis=1)
    models = {
        "floor at half the smallest positive (main)": main,
        "drop rows with a zero index": CobbDouglasRegressor().fit(
            Xp[~zero_rows], yp[~zero_rows]
        ),
        "ln(1 + X): offset of 1 on every index": CobbDouglasRegressor().fit(
            Xp + 1.0, yp
        ),
    }
    rows = []
    for label, model in models.items():
        summary = model.summary()
        coefficients = summary["Coefficients"]["coef"]
        fit = summary["Fit"]["value"]
        rows.append(
            {
                "choice": label,
                "rows": int(fit["Observations"]),
                **coefficients.to_dict(),
                "R²": fit["R²"],
            }
        )
    table = pd.DataFrame(rows).set_index("choice")
    note = [
        f"{int(zero_rows.sum())} of {int(positive.sum())} rows with a positive outcome "
        "have at least one index equal to 0."
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


def _beside_paper(full_summary, logit_summary, adjusted_summary):
    paper = load_paper_results()
    ours9 = full_summary["Table 9 layout"]
    table9 = pd.DataFrame(
        {
            "paper coef": paper["table9"]["coef"].to_numpy(),
            "paper t": paper["table9"]["t"].to_numpy(),
            "ours coef": ours9.loc["coefficient"].to_numpy(),
            "ours t": ours9.loc["t"].to_numpy(),
        },
        index=pd.Index(list(ours9.columns), name="term"),
    )
    fit = full_summary["Fit"]["value"]
    fit9 = pd.DataFrame(
        {
            "paper": [
                paper["table9_fit"]["rsquared"],
                paper["table9_fit"]["fvalue"],
                paper["table9_fit"]["durbin_watson"],
            ],
            "ours": [fit["R²"], fit["F"], fit["Durbin-Watson"]],
        },
        index=pd.Index(["R²", "F", "Durbin-Watson"], name="statistic"),
    )
    ours10 = logit_summary["Variables in the Equation"]
    columns = ["B", "S.E.", "Wald", "Sig.", "Exp(B)"]
    rows10 = []
    for name in paper["table10"].index:
        published = paper["table10"].loc[name, columns].to_numpy(dtype=float)
        ours = (
            ours10.loc[name, columns].to_numpy(dtype=float)
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
    if adjusted_summary is not None:
        ours11 = adjusted_summary["Coefficients"]
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
            index=pd.Index(list(paper["table11"].index), name="term"),
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
        fit11 = adjusted_summary["Fit"]["value"]
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
                        "ours": [fit11[r2_label], fit11["F"]],
                    },
                    index=pd.Index([r2_label, "F"], name="statistic"),
                ),
                name="paper_table11_fit",
            )
        )
    blocks.append(
        Block(
            "Reading",
            [
                "The data are synthetic: agreement in sign and rough size is what to "
                "expect, not equality. Missing entries (blank) are terms the stepwise "
                "logit did not keep."
            ],
        )
    )
    return Summary("Beside the paper (Tables 9, 10 and 11)", blocks)
