"""The summary of a fitted IVCobbDouglasRegressor: estimates and diagnostics.

Only arranges what the results object computed into report blocks, with a
reading of each test in words taken from its p-value at 5% (the weak
instrument reading from the comparison with Stock and Yogo's critical
value, which is itself a 5% test). Regressors are labelled as the model
sees them, ``ln X1``, with the user's column names.
"""

import numpy as np
import pandas as pd

from ..exceptions import StatisticUnavailableError
from ..summary import Block, Summary, format_number, format_pvalue

ALPHA = 0.05
_METHODS = {"2sls": "2SLS", "liml": "LIML", "gmm": "two-step efficient GMM"}


def build_summary(model, title=None):
    """Build the :class:`Summary` of a fitted model (see ``model.summary``)."""
    results = model.results_
    rename = {name: _term(name) for name in results.names}
    title = title or (
        f"Cobb-Douglas model in logs, {_METHODS[model.method]}"
        + (
            f" (instrumented: {', '.join(_term(str(c)) for c in model.endogenous_)})"
            if model.endogenous_
            else " (no endogenous regressor: OLS)"
        )
    )
    blocks = [
        Block("Coefficients", results.coef_table.rename(index=rename), name="iv"),
    ]
    ols = results.ols_table
    beside = pd.DataFrame(
        {
            "IV coef": results.params,
            "IV std_err": results.bse,
            "OLS coef": ols["coef"].to_numpy(),
            "OLS std_err": ols["std_err"].to_numpy(),
        },
        index=pd.Index([rename[n] for n in results.names], name="term"),
    )
    blocks.append(Block("IV estimates beside OLS", beside, name="iv_vs_ols"))
    blocks.append(Block("Fit", _fit_table(model), name="fit"))
    if results.n_endog:
        first = results.first_stage.rename(index=_term)
        blocks.append(Block("First stage", first, name="first_stage"))
        logged = {name: _term(name) for name in results.names[: results.n_exog]}
        for name, table in results.first_stage_coefs.items():
            blocks.append(
                Block(
                    f"First stage of {_term(name)}: coefficients "
                    "(excluded instruments as given)",
                    table.rename(index=logged),
                    name=f"first_stage_{name}",
                )
            )
        blocks.append(Block("Diagnostics", _diagnostics(model), name="diagnostics"))
        weak = results.weak_instruments
        if weak.get("weak"):
            blocks.append(_anderson_rubin_block(model))
    blocks.append(Block("Notes", _notes(model)))
    return Summary(title, blocks)


def _term(name):
    return "const" if name == "const" else f"ln {name}"


def _fit_table(model):
    results = model.results_
    rows = [
        ("Estimator", _METHODS[model.method]),
        ("Covariance", model.cov_type),
        ("R² (structural residuals)", results.rsquared),
        ("Observations", results.nobs),
        ("Residual df", int(results.df_resid)),
        ("Excluded instruments", ", ".join(results.instrument_names) or "none"),
    ]
    if model.method == "liml":
        rows.append(("LIML kappa", results.kappa))
    if results.n_clusters is not None:
        rows.append(("Clusters", results.n_clusters))
    return pd.DataFrame(
        {"value": [value for _, value in rows]},
        index=pd.Index([label for label, _ in rows], name="statistic"),
    )


def _significance(p, what):
    verdict = "significant" if p < ALPHA else "not significant"
    return f"{what} {verdict} at 5% (p {_p(p)})"


def _p(p):
    text = format_pvalue(p)
    return text if text.startswith("<") else f"= {text}"


def _diagnostics(model):
    results = model.results_
    rows = []
    for name, row in results.first_stage.iterrows():
        rows.append(
            (
                f"First-stage F, {_term(name)}",
                row["partial_f"],
                row["p_value"],
                _significance(row["p_value"], "excluded instruments"),
            )
        )
    weak = results.weak_instruments
    crit = weak["critical_value"]
    if crit is None:
        reading = (
            "no Stock-Yogo critical value is tabulated for "
            f"{results.n_endog} endogenous regressor(s) and {results.n_excluded} "
            "instrument(s); read the first-stage tests"
        )
    elif weak["weak"]:
        reading = (
            f"instruments are weak: the IV estimates are not reliable "
            f"(F {format_number(weak['statistic'], 2)} < {crit:.2f}, Stock-Yogo "
            "10% maximal IV size); see the Anderson-Rubin block"
        )
    else:
        reading = (
            f"instruments not weak by Stock-Yogo's 10% maximal IV size "
            f"(F {format_number(weak['statistic'], 2)} >= {crit:.2f})"
        )
    rows.append((weak["test"], weak["statistic"], np.nan, reading))
    try:
        over = results.overidentification
    except StatisticUnavailableError as exc:
        rows.append(("Overidentification", np.nan, np.nan, exc.reason))
    else:
        p = over["pvalue"]
        reading = (
            f"overidentifying restrictions rejected at 5% (p {_p(p)}): at least one "
            "instrument may be correlated with the error"
            if p < ALPHA
            else f"overidentifying restrictions not rejected at 5% (p {_p(p)})"
        )
        rows.append(
            (f"{over['test']} ({over['distribution']})", over["statistic"], p, reading)
        )
    endogenous = ", ".join(_term(str(c)) for c in model.endogenous_)
    for key in ("durbin", "wu_hausman", "control_function"):
        test = results.endogeneity[key]
        p = test["pvalue"]
        reading = (
            f"exogeneity of {endogenous} rejected at 5% (p {_p(p)}): OLS is "
            "inconsistent if the instruments are valid"
            if p < ALPHA
            else f"exogeneity not rejected at 5% (p {_p(p)})"
        )
        rows.append(
            (f"{test['test']} ({test['distribution']})", test["statistic"], p, reading)
        )
    return pd.DataFrame(
        rows, columns=["test", "statistic", "p_value", "reading"]
    ).set_index("test")


def _anderson_rubin_block(model):
    results = model.results_
    weak = results.weak_inference
    test = weak["test"]
    title = "Anderson-Rubin inference (valid with weak instruments)"
    if "set" in weak:
        described = (
            " or ".join(
                f"[{format_number(lo, 4)}, {format_number(hi, 4)}]"
                for lo, hi in weak["set"]
            )
            or "empty (every value is rejected)"
        )
        lines = [
            "95% confidence set for the elasticity of "
            f"{_term(model.endogenous_[0])}: {described}.",
            f"H0: elasticity = 0, {test['distribution']} = "
            f"{format_number(test['statistic'], 3)}: "
            + _significance(test["pvalue"], "elasticity"),
        ]
    else:
        lines = [
            f"H0: every endogenous elasticity = 0, {test['distribution']} = "
            f"{format_number(test['statistic'], 3)}: "
            + _significance(test["pvalue"], "the elasticities jointly")
        ]
    return Block(title, lines, name="anderson_rubin")


def _notes(model):
    notes = [
        "Exogenous regressors, the endogenous ones and the outcome are in logs; "
        "the excluded instruments enter the first stage as given."
    ]
    if model.cov_type == "nonrobust":
        notes.append("Weak instruments: Cragg-Donald F (homoskedastic errors assumed).")
    else:
        notes.append(
            f"Standard errors {model.cov_type}; weak instruments: Kleibergen-Paap "
            "rk Wald F."
        )
    if model.method == "liml":
        notes.append(
            "The Stock-Yogo values are those of 2SLS; for LIML the comparison is "
            "conservative."
        )
    notes.append(
        "The endogeneity tests compare IV with OLS; they are only as good as the "
        "instruments' validity, which the data can test only when there are more "
        "instruments than endogenous regressors."
    )
    return notes
