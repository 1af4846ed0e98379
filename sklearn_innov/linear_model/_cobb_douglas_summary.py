"""The summary of a fitted CobbDouglasRegressor, laid out like Table 9.

Kept apart from the estimator so that the estimator stays thin: this module
only arranges the fitted attributes and diagnostics into report blocks, with
a one-line reading of each test. Every block labels a regressor as the
model sees it, ``ln X1``, and the intercept ``const``.
"""

import pandas as pd

from ..exceptions import StatisticUnavailableError
from ..summary import Block, Summary, format_number, significance
from ..summary._summary import design_table, plural, whole

ALPHA = 0.05
NORMALITY_LABEL = "Lilliefors (KS) D"


LAYOUT_TITLE = "Coefficient and t by term"


def diagnostic_entry(results, name):
    """The statistic ``name``, or ``{"error": reason}`` where it is undefined.

    The form of an entry of ``CobbDouglasRegressor.diagnostics()``: the
    results object raises
    :class:`~sklearn_innov.exceptions.StatisticUnavailableError`, and a
    table of every test keeps the others and prints the reason in the
    failed one's place.
    """
    try:
        return results.attempt(name)
    except StatisticUnavailableError as exc:
        return {"error": exc.reason}


# how to ask for HC3 standard errors, in Python (a report from a spec
# passes the spec's key instead)
HC3_ADVICE = "cov_type='HC3'"


#: The note of a summary without the test of sum = 1 (summary()'s default)
NO_SUM_TEST = (
    "The sum of elasticities is not tested against 1: for inputs without a "
    "true zero (a min-max index is 0 at its lowest unit) the elasticities and "
    "their sum move with that zero, and a sum of 1 (constant returns to scale) "
    "is no hypothesis. For a production function whose inputs are on a ratio "
    "scale, summary(sum_test=True) adds the test."
)


def build_summary(
    model,
    title=None,
    layout_title=None,
    *,
    production=False,
    hc3=HC3_ADVICE,
    sum_test=False,
    no_sum_test=NO_SUM_TEST,
):
    """Build the :class:`Summary` of a fitted model (see ``model.summary``).

    ``production=True`` (a production function with ratio-scale inputs)
    reads the test of ``sum b_i = 1`` as returns to scale; otherwise it is
    reported as a test of the sum of elasticities only. ``sum_test=False``
    (inputs without a true zero, or a report's spec without ``production =
    true``) leaves that test out and says why: ``no_sum_test`` is that
    note, in the caller's words (how to ask ``summary(sum_test=True)`` by
    default).
    ``hc3`` is how the reader asks for HC3 standard errors (see
    :func:`diagnostic_readings`).
    """
    table = model.coef_table_
    _term = model.term_label
    terms = [_term(name) for name in table.index]
    coefficients = table.set_axis(pd.Index(terms, name=table.index.name))
    diagnostics = model.diagnostics()
    uncentred = "" if model.fit_intercept else " (uncentred, no intercept)"
    r2_label = "R²" + uncentred
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
                "F" + uncentred,
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
    design = design_table(model.design_info_, model.cov_type, "t and F")
    if design is not None:
        blocks.append(Block("Design", design, name="design"))
    park = diagnostics["park"]
    if "error" in park:
        blocks.append(Block("Park test", [f"not computed: {park['error']}"]))
    else:
        blocks.append(
            Block(
                "Park test: ln e² on a constant and the " + _regressors(model),
                park["table"],
                name="park",
            )
        )
    blocks.append(Block("Coefficients", coefficients, name="coefficients"))
    normality = diagnostics["normality"]
    blocks.append(
        Block(
            "Diagnostics",
            diagnostic_readings(
                model, production, diagnostics, hc3=hc3, sum_test=sum_test
            ),
            name="diagnostics",
            # statsmodels' table clips Lilliefors' p: a limit means "or beyond"
            clipped={(NORMALITY_LABEL, "p_value"): normality.get("pvalue_range")}
            if "pvalue_range" in normality
            else None,
        )
    )
    for key, heading in (
        ("vif", "Variance inflation factors"),
        (
            "correlation",
            "Correlation of the " + _regressors(model),
        ),
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
    blocks.append(Block("Notes", _notes(model, production, sum_test, no_sum_test)))
    return Summary(title, blocks)


def _regressors(model):
    """The regressors in words, the same in every format (no ``X_i``)."""
    return "regressors" if model.in_levels_.any() else "logs of the regressors"


_COV_WORDS = {
    "cluster": "cluster-robust",
    "survey": "design-based",
}
MODEL_BASED = (
    "R², adjusted R², the standard error of the regression, Durbin-Watson, "
    "Breusch-Godfrey, Park, Breusch-Pagan, Lilliefors, the VIFs and the "
    "correlations"
)


def _equation(model, terms):
    parts = []
    for term, coef in zip(terms, model.coef_table_["coef"], strict=True):
        value = format_number(abs(coef), 3)
        sign = "-" if coef < 0 else "+"
        parts.append((sign, value if term == "const" else f"{value} {term}"))
    text = " ".join(f"{s} {v}" for s, v in parts)
    text = text[2:] if text.startswith("+ ") else "-" + text[2:]
    return f"ln y = {text} + e"


def diagnostic_readings(
    model, production=False, diagnostics=None, *, hc3=HC3_ADVICE, sum_test=False
):
    """One row per specification test: statistic, p-value, result in words.

    Every reading comes from the test's p-value (``significance``), never
    from a fixed range of the statistic, and a p-value above 5% reads "not
    significant", never "no autocorrelation". The report's analysis step
    collects these rows as its readings; the summary prints them.

    Parameters
    ----------
    model : CobbDouglasRegressor
        Fitted.
    production : bool, default=False
        Read the test of ``sum b_i = 1`` as returns to scale.
    diagnostics : dict, optional
        ``model.diagnostics()``, if already at hand.
    hc3 : str, default="cov_type='HC3'"
        How to ask for HC3 standard errors, advised after a significant
        heteroskedasticity test of a model with classical ones: the
        estimator's parameter here, the spec's key in a report made from a
        spec.
    sum_test : bool, default=False
        Include the test of ``sum b_i = 1``: True for a production function
        with ratio-scale inputs; otherwise a sum of 1 is no hypothesis.

    Returns
    -------
    table : DataFrame
        Indexed by test: ``statistic``, ``p_value``, ``reading``.
    """
    d = dict(model.diagnostics() if diagnostics is None else diagnostics)
    # the autocorrelation tests are read from the results object directly
    for key in ("durbin_watson_test", "breusch_godfrey"):
        d[key] = diagnostic_entry(model.results_, key)
    cov_type = model.cov_type
    rows = []
    # the remedy for heteroskedasticity, unless it is already in use
    remedy = (
        f": consider {hc3}"
        if cov_type == "nonrobust"
        else f" (the standard errors are already {_COV_WORDS.get(cov_type, cov_type)})"
    )
    dw = d["durbin_watson_test"]
    tests = (
        (
            "durbin_watson_test",
            "Durbin-Watson"
            + (
                " (exact p, two-sided)"
                if "error" in dw or dw["method"].startswith("exact")
                else " (normal approx. p)"
            ),
            "statistic",
            "pvalue",
            "first-order autocorrelation in row order",
            "",
            "",
        ),
        (
            "breusch_godfrey",
            "Breusch-Godfrey LM (1 lag)",
            "lm",
            "lm_pvalue",
            "first-order autocorrelation in row order",
            "",
            "",
        ),
        (
            "park",
            "Park F",
            "fvalue",
            "f_pvalue",
            "heteroskedasticity",
            remedy,
            "",
        ),
        (
            "breusch_pagan",
            "Breusch-Pagan LM (Koenker)",
            "lm",
            "lm_pvalue",
            "heteroskedasticity",
            remedy,
            "",
        ),
        (
            "normality",
            NORMALITY_LABEL,
            "statistic",
            "pvalue",
            "departure from normal residuals",
            "",
            "",
        ),
    )
    for key, label, stat_key, p_key, what, if_rejected, always in tests:
        result = d[key]
        if "error" in result:
            rows.append(
                (label, float("nan"), float("nan"), f"not computed: {result['error']}")
            )
            continue
        p = result[p_key]
        reading = f"{what}: " + significance(p, ALPHA, result.get("pvalue_range"))
        if p < ALPHA:
            reading += if_rejected
        rows.append((label, result[stat_key], p, reading + always))
    if sum_test:
        rows.append(_scale_row(d["returns_to_scale"], production))
    return pd.DataFrame(
        rows, columns=["test", "statistic", "p_value", "reading"]
    ).set_index("test")


def _scale_row(rts, production):
    """The test of ``sum b_i = 1``, read as returns to scale only when asked.

    The sum of elasticities is a returns-to-scale figure only for a
    production function whose inputs are on a ratio scale; an index whose
    zero is arbitrary (a min-max index's zero is the lowest unit) has
    elasticities, and a sum, that move with that zero.
    """
    label = (
        "Returns to scale, H0: sum = 1 (t)"
        if production
        else "Sum of elasticities, H0: sum = 1 (t)"
    )
    if "error" in rts:
        return (label, float("nan"), float("nan"), f"not computed: {rts['error']}")
    p = rts["pvalue"]
    reading = f"sum {rts['sum']:.3f} vs 1: " + significance(p, ALPHA)
    if production and p < ALPHA:
        if rts["sum"] < 0:
            # a negative sum rejects 1, but "returns to scale" means nothing there
            reading += " (negative: no returns-to-scale reading)"
        else:
            kind = "decreasing" if rts["sum"] < 1 else "increasing"
            reading += f", {kind} returns to scale"
    return (label, rts["t"], p, reading)


def _notes(model, production, sum_test=False, no_sum_test=None):
    notes = []
    if model.in_levels_.any():
        names = model.results_.names[int(model.fit_intercept) :]
        controls = [n for n, lv in zip(names, model.in_levels_, strict=True) if lv]
        notes.append(
            f"In levels, not logged: {', '.join(controls)} (controls). Their "
            "coefficients are semi-elasticities: a unit more goes with about "
            "100 b percent more fitted y (for a 0/1 dummy exp(b) - 1 exactly); "
            "the sum of elasticities is over the logged regressors only."
        )
    model_test = diagnostic_entry(model.results_, "model_test")
    if "error" in model_test:
        notes.append(f"F is undefined: {model_test['error']}.")
    elif model.active_constraints_ or model.returns_to_scale == "constant":
        notes.append(
            "F tests the elasticities the constraints leave free "
            f"({plural(int(model.results_.df_model), 'restriction')})."
        )
    if not model.fit_intercept:
        notes.append(
            "No intercept: R² is uncentred (1 - SSR / sum(ln y²)) and F tests that "
            "every coefficient is 0 (uncentred too); neither is comparable with "
            "those of a model with intercept."
        )
    info = model.design_info_
    if model.cov_type == "cluster":
        notes.append(
            f"Standard errors: cluster-robust (CR1) over {info['clusters']} "
            "clusters, with statsmodels' factor G/(G-1) (N-1)/(N-K); t, the "
            f"intervals and F use {whole(info['df_inference'])} degrees of "
            f"freedom (clusters - 1). Model-based, blind to the clusters: "
            f"{MODEL_BASED}."
        )
    elif model.cov_type == "survey":
        weights = (
            "sample weights read as probability weights"
            if info["weighted"]
            else "equal weights"
        )
        n_params = info["df"] + 1 - info["df_inference"]
        notes.append(
            f"Standard errors: {variance_words(info)}, "
            f"{weights}; t, the intervals and F use "
            f"{whole(info['df_inference'])} degrees of freedom (design df "
            f"{info['df']} + 1 - {n_params:g} parameters). "
            f"Model-based, not design-based: {MODEL_BASED}."
        )
    elif model.cov_type != "nonrobust":
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
    dw = diagnostic_entry(model.results_, "durbin_watson_test")
    exact = "error" in dw or dw["method"].startswith("exact")
    notes.append(
        "Durbin-Watson and Breusch-Godfrey test autocorrelation in the rows' "
        "order; on a cross-section they are informative only if the order means "
        "something. Durbin-Watson's p-value is "
        + (
            "computed for this design (normal errors assumed, Imhof's exact "
            "distribution)"
            if exact
            else "the normal approximation of its distribution for this design "
            "(the exact one is not computed at this many rows)"
        )
        + "; Breusch-Godfrey's is asymptotic."
    )
    if "error" not in dw and not dw["has_const"]:
        # the test reads the whitened design: with unequal weights its
        # constant column is sqrt(w), not 1, even when the model has an
        # intercept
        notes.append(
            (
                "Weighted rows: Durbin-Watson reads the weighted residuals, "
                "whose regression has sqrt(weight) in place of a constant "
                "column, so the bounds tables do not apply"
                if model.fit_intercept
                else "No intercept: the Durbin-Watson bounds tables do not apply"
            )
            + "."
        )
    if production:
        notes.append(
            "The sum of elasticities is read as returns to scale because the "
            "model is declared a production function whose inputs are on a "
            "ratio scale (production = true): each has a true zero. With an "
            "arbitrary zero (a min-max index is 0 at its lowest unit) the "
            "elasticities and their sum would move with that zero."
        )
    elif not sum_test:
        notes.append(no_sum_test or NO_SUM_TEST)
    else:
        notes.append(
            "The test of sum = 1 (summary(sum_test=True)) reads as constant "
            "returns to scale only for a production function whose inputs are "
            "on a ratio scale (each has a true zero); an index with an "
            "arbitrary zero (a min-max index is 0 at its lowest unit) moves its "
            "elasticity, and the sum, with that zero."
        )
    return notes


def variance_words(info):
    """How a design's covariance was estimated, for the summaries' notes."""
    if info.get("variance") == "jackknife":
        centre = "the full-sample estimate" if info["mse"] else "their mean"
        return (
            f"design-based, by the jackknife (JKn, {info['replicates']} "
            f"replicates; centred at {centre}, as R's svyglm on "
            "as.svrepdesign(type = 'JKn'))"
        )
    return "design-based (Taylor linearisation, as R's svyglm)"
