"""The summary of a fitted CobbDouglasRegressor, laid out like Table 9.

Kept apart from the estimator so that the estimator stays thin: this module
only arranges the fitted attributes and diagnostics into report blocks, with
a one-line reading of each test. Every block labels a regressor as the
model sees it, ``ln X1``, and the intercept ``const``.
"""

import pandas as pd

from ..summary import Block, Summary, format_number

ALPHA = 0.05
NORMALITY_LABEL = "Lilliefors (KS) D"


LAYOUT_TITLE = "Coefficient and t by term"


def build_summary(model, title=None, layout_title=None):
    """Build the :class:`Summary` of a fitted model (see ``model.summary``)."""
    table = model.coef_table_
    terms = [_term(name) for name in table.index]
    coefficients = table.set_axis(pd.Index(terms, name=table.index.name))
    diagnostics = model.diagnostics()
    r2_label = "R²" if model.fit_intercept else "R² (uncentred, no intercept)"
    title = title or (
        "Cobb-Douglas model, OLS on logs"
        + ("" if model.fit_intercept else " without intercept")
    )

    layout = pd.DataFrame(
        [table["coef"].to_numpy(), table["t"].to_numpy()],
        index=["coefficient", "t"],
        columns=terms,
    )
    fit = pd.DataFrame(
        {
            "value": [
                model.rsquared_,
                model.rsquared_adj_,
                model.fvalue_,
                model.f_pvalue_,
                model.durbin_watson_,
                model.sigma_,
                model.nobs_,
                int(model.df_resid_)
                if float(model.df_resid_).is_integer()
                else model.df_resid_,
                model.cov_type,
            ]
        },
        index=pd.Index(
            [
                r2_label,
                "Adjusted " + r2_label,
                "F",
                "Prob (F)",
                "Durbin-Watson",
                "Std. error of regression",
                "Observations",
                "Residual df",
                "Covariance",
            ],
            name="statistic",
        ),
    )
    blocks = [
        Block("Fitted equation", [_equation(model, terms)]),
        Block(layout_title or LAYOUT_TITLE, layout, name="equation"),
        Block("Fit", fit),
    ]
    park = diagnostics["park"]
    if "error" in park:
        blocks.append(Block("Park test", [f"not computed: {park['error']}"]))
    else:
        blocks.append(
            Block(
                "Park test: ln e² on a constant and the ln X_i",
                park["table"],
                name="park",
            )
        )
    blocks.append(Block("Coefficients", coefficients, name="coefficients"))
    normality = diagnostics["normality"]
    blocks.append(
        Block(
            "Diagnostics",
            _diagnostic_table(diagnostics, model.cov_type),
            name="diagnostics",
            # statsmodels' table clips Lilliefors' p: a limit means "or beyond"
            clipped={(NORMALITY_LABEL, "p_value"): normality.get("pvalue_range")}
            if "pvalue_range" in normality
            else None,
        )
    )
    for key, heading in (
        ("vif", "Variance inflation factors"),
        ("correlation", "Correlation of the ln X_i"),
    ):
        value = diagnostics[key]
        if isinstance(value, dict):
            blocks.append(Block(heading, [f"not computed: {value['error']}"]))
        else:
            value = value.to_frame() if isinstance(value, pd.Series) else value
            value = value.rename(index=_term)
            if key == "correlation":
                value = value.rename(columns=_term)
            blocks.append(Block(heading, value, name=key))
    blocks.append(Block("Notes", _notes(model)))
    return Summary(title, blocks)


def _term(name):
    return "const" if name == "const" else f"ln {name}"


def _equation(model, terms):
    parts = []
    for term, coef in zip(terms, model.coef_table_["coef"], strict=True):
        value = format_number(abs(coef), 3)
        sign = "-" if coef < 0 else "+"
        parts.append((sign, value if term == "const" else f"{value} {term}"))
    text = " ".join(f"{s} {v}" for s, v in parts)
    text = text[2:] if text.startswith("+ ") else "-" + text[2:]
    return f"ln Y = {text} + e"


def _diagnostic_table(d, cov_type):
    rows = []
    # the remedy for heteroskedasticity, unless it is already in use
    hetero = "heteroskedasticity at 5%" + (
        ": consider cov_type='HC3'"
        if cov_type == "nonrobust"
        else f" (the standard errors are already {cov_type})"
    )
    dw = d["durbin_watson"]
    if isinstance(dw, float):
        reading = (
            "no first-order autocorrelation in row order"
            if 1.5 <= dw <= 2.5
            else ("positive" if dw < 1.5 else "negative")
            + " autocorrelation in row order (meaningful only if rows are ordered)"
        )
        rows.append(("Durbin-Watson", dw, float("nan"), reading))
    for key, label, stat_key, p_key, reject, accept in (
        (
            "park",
            "Park F",
            "fvalue",
            "f_pvalue",
            hetero,
            "no evidence of heteroskedasticity at 5%",
        ),
        (
            "breusch_pagan",
            "Breusch-Pagan LM (Koenker)",
            "lm",
            "lm_pvalue",
            hetero,
            "no evidence of heteroskedasticity at 5%",
        ),
        (
            "normality",
            NORMALITY_LABEL,
            "statistic",
            "pvalue",
            "residuals not normal at 5%",
            "no evidence against normal residuals at 5%",
        ),
    ):
        result = d[key]
        if "error" in result:
            rows.append(
                (label, float("nan"), float("nan"), f"not computed: {result['error']}")
            )
            continue
        p = result[p_key]
        rows.append((label, result[stat_key], p, reject if p < ALPHA else accept))
    rts = d["returns_to_scale"]
    if "error" in rts:
        rows.append(
            (
                "Returns to scale, H0: sum = 1 (t)",
                float("nan"),
                float("nan"),
                f"not computed: {rts['error']}",
            )
        )
    else:
        p = rts["pvalue"]
        if p >= ALPHA:
            reading = (
                f"sum of elasticities {rts['sum']:.3f}: constant returns not "
                "rejected at 5%"
            )
        elif rts["sum"] < 0:
            # a negative sum rejects 1, but "returns to scale" means nothing there
            reading = (
                f"sum of elasticities {rts['sum']:.3f} < 1 at 5% (negative: no "
                "returns-to-scale reading)"
            )
        else:
            kind = "decreasing" if rts["sum"] < 1 else "increasing"
            reading = (
                f"sum of elasticities {rts['sum']:.3f}: {kind} returns to scale at 5%"
            )
        rows.append(("Returns to scale, H0: sum = 1 (t)", rts["t"], p, reading))
    return pd.DataFrame(
        rows, columns=["test", "statistic", "p_value", "reading"]
    ).set_index("test")


def _notes(model):
    notes = []
    model_test = model.results_.model_test
    if "error" in model_test:
        notes.append(f"F is undefined: {model_test['error']}.")
    elif model.active_constraints_ or model.returns_to_scale == "constant":
        notes.append(
            "F tests the elasticities the constraints leave free "
            f"({int(model.results_.df_model)} restriction(s))."
        )
    if not model.fit_intercept:
        notes.append(
            "No intercept: R² is uncentred (1 - SSR / sum(ln y²)) and not comparable "
            "with the R² of a model with intercept."
        )
    if model.cov_type != "nonrobust":
        notes.append(
            f"Standard errors: heteroskedasticity-consistent {model.cov_type}."
        )
    if model.bounds is not None or model.returns_to_scale is not None:
        active = ", ".join(model.active_constraints_) or "none"
        notes.append(
            f"Constrained fit (bounds={model.bounds}, returns_to_scale="
            f"{model.returns_to_scale!r}); binding inequalities: {active}. Standard "
            "errors are conditional on the active set."
        )
    notes.append(
        "Durbin-Watson tests autocorrelation in the rows' order; on a cross-section "
        "it is informative only if the order means something."
    )
    return notes
