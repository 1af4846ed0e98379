"""Durbin-Watson with its p-value for the design, and Breusch-Godfrey.

Oracles: a simulation of the design with normal errors (the exact null
distribution), the 5% bounds of Savin & White's (1977) published table,
statsmodels' ``acorr_breusch_godfrey``; and the readings of the summary
checked on data whose autocorrelation is built in.
"""

import inspect
import pickle
import re

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from numpy.testing import assert_allclose
from statsmodels.stats.diagnostic import acorr_breusch_godfrey

from sklearn_innov import CobbDouglasRegressor
from sklearn_innov.diagnostics import breusch_godfrey, durbin_watson_test


def _statsmodels_bg(fit, nlags):
    """statsmodels' (lm, lm p, F, F p): a tuple by default up to 0.14, asked
    for with ``result_object=False`` where that argument exists (0.15)."""
    options = (
        {"result_object": False}
        if "result_object" in inspect.signature(acorr_breusch_godfrey).parameters
        else {}
    )
    return acorr_breusch_godfrey(fit, nlags=nlags, **options)


def _residuals(X, y):
    return y - X @ np.linalg.lstsq(X, y, rcond=None)[0]


def _simulated_dw(X, draws, rng):
    """DW of ``draws`` normal error vectors projected off ``X``."""
    n = X.shape[0]
    Q, _ = np.linalg.qr(X)
    Z = rng.standard_normal((draws, n))
    E = Z - (Z @ Q) @ Q.T
    return (np.diff(E, axis=1) ** 2).sum(axis=1) / (E**2).sum(axis=1)


@pytest.mark.parametrize("intercept", [True, False])
def test_exact_p_value_matches_a_simulation_of_the_design(intercept):
    rng = np.random.default_rng(3)
    n = 25
    Z = rng.normal(size=(n, 2)) + np.linspace(0, 2, n)[:, None]
    X = np.column_stack([np.ones(n), Z]) if intercept else Z
    simulated = _simulated_dw(X, 200_000, rng)
    e = _residuals(X, rng.normal(size=n))
    for d in np.quantile(simulated, [0.01, 0.05, 0.3, 0.5, 0.8, 0.97]):
        below = np.mean(simulated < d)
        exact = _cdf(X, d)
        se = np.sqrt(below * (1 - below) / simulated.size)
        assert abs(exact - below) < 4 * se + 1e-4, (d, exact, below)
    observed = durbin_watson_test(e, X, alternative="greater")
    assert observed["has_const"] is intercept
    below = np.mean(simulated < observed["statistic"])
    assert abs(observed["pvalue"] - below) < 0.005
    two = durbin_watson_test(e, X)
    assert_allclose(two["pvalue"], 2 * min(below, 1 - below), atol=0.01)


def _cdf(X, d):
    from sklearn_innov._core._tests import (
        _dw_cdf_exact,
        _dw_eigenvalues,
        _orthonormal_basis,
    )

    Q1, _ = _orthonormal_basis(X, X.shape[0])
    return _dw_cdf_exact(d, _dw_eigenvalues(Q1, X.shape[0]))


@pytest.mark.parametrize(
    ("n", "k", "lower", "upper"),
    # Savin & White (1977), 5% significance points, k regressors besides the
    # intercept: the exact 5% point of any design lies between them
    [(20, 1, 1.201, 1.411), (65, 4, 1.471, 1.731)],
)
def test_exact_cdf_respects_the_published_bounds(n, k, lower, upper):
    rng = np.random.default_rng(n)
    for _ in range(3):
        X = np.column_stack([np.ones(n), rng.normal(size=(n, k)).cumsum(axis=0)])
        assert _cdf(X, lower) <= 0.05 + 1e-9
        assert _cdf(X, upper) >= 0.05 - 1e-9


def test_normal_approximation_has_the_exact_moments():
    rng = np.random.default_rng(5)
    n = 60
    X = np.column_stack([np.ones(n), rng.normal(size=(n, 3))])
    simulated = _simulated_dw(X, 100_000, rng)
    from sklearn_innov._core._tests import _dw_moments, _orthonormal_basis

    mean, var = _dw_moments(_orthonormal_basis(X, n)[0], n)
    assert_allclose(mean, simulated.mean(), atol=4 * simulated.std() / 316)
    assert_allclose(var, simulated.var(), rtol=0.02)
    e = _residuals(X, rng.normal(size=n))
    exact = durbin_watson_test(e, X)
    approx = durbin_watson_test(e, X, exact=False)
    assert approx["method"] == "normal approximation"
    assert exact["method"] == "exact (Imhof)"
    assert abs(exact["pvalue"] - approx["pvalue"]) < 0.03


@pytest.mark.parametrize("nlags", [1, 2])
@pytest.mark.parametrize("intercept", [True, False])
def test_breusch_godfrey_equals_statsmodels(nlags, intercept):
    rng = np.random.default_rng(nlags)
    n = 80
    Z = rng.uniform(1, 3, size=(n, 2))
    X = sm.add_constant(Z) if intercept else Z
    u = np.zeros(n)
    for t in range(1, n):
        u[t] = 0.4 * u[t - 1] + rng.normal()
    fit = sm.OLS(X @ np.ones(X.shape[1]) + u, X).fit()
    lm, lm_p, f, f_p = _statsmodels_bg(fit, nlags)
    ours = breusch_godfrey(fit.resid, X, nlags=nlags)
    assert_allclose(
        [ours["lm"], ours["lm_pvalue"], ours["fvalue"], ours["f_pvalue"]],
        [lm, lm_p, f, f_p],
        rtol=1e-9,
    )


def test_model_results_give_the_same_tests_and_survive_pickling():
    rng = np.random.default_rng(7)
    X = pd.DataFrame(rng.uniform(1, 5, size=(50, 2)), columns=["a", "b"])
    y = X["a"] ** 0.4 * X["b"] ** 0.3 * np.exp(rng.normal(0, 0.2, 50))
    model = CobbDouglasRegressor().fit(X, y)
    design = sm.add_constant(np.log(X.to_numpy()))
    fit = sm.OLS(np.log(y), design).fit()
    dw = model.results_.durbin_watson_test
    assert_allclose(dw["pvalue"], durbin_watson_test(fit.resid, design)["pvalue"])
    lm, lm_p, _, _ = _statsmodels_bg(fit, 1)
    assert_allclose(model.results_.breusch_godfrey["lm_pvalue"], lm_p, rtol=1e-8)
    restored = pickle.loads(pickle.dumps(model))
    assert restored.results_.durbin_watson_test == dw


def _reading(summary, start):
    table = summary["diagnostics"]
    return next(v for k, v in table["reading"].items() if k.startswith(start))


def test_dw_near_two_is_read_from_its_p_value_not_a_range():
    # the case: thousands of rows, DW about 1.8 (inside the old
    # 1.5-2.5 "no autocorrelation" range) with strong autocorrelation
    rng = np.random.default_rng(11)
    n = 2800
    X = pd.DataFrame(rng.uniform(1, 5, size=(n, 2)), columns=["a", "b"])
    u = np.zeros(n)
    for t in range(1, n):
        u[t] = 0.1 * u[t - 1] + rng.normal(0, 0.2)
    y = X["a"] ** 0.4 * X["b"] ** 0.3 * np.exp(u)
    model = CobbDouglasRegressor().fit(X, y)
    summary = model.summary()
    assert 1.5 < model.durbin_watson_ < 2.5
    dw = model.results_.durbin_watson_test
    assert dw["pvalue"] < 0.05 and dw["method"] == "normal approximation"
    assert _reading(summary, "Durbin-Watson").startswith(
        "first-order autocorrelation in row order: significant at 5%"
    )
    assert "significant at 5%" in _reading(summary, "Breusch-Godfrey")
    text = str(summary)
    assert not re.search(r"no (evidence|autocorrelation|first-order)", text)


def test_non_rejection_reads_not_significant_and_no_intercept_is_flagged():
    rng = np.random.default_rng(2)
    X = pd.DataFrame(rng.uniform(1, 5, size=(40, 2)), columns=["a", "b"])
    y = X["a"] ** 0.4 * X["b"] ** 0.3 * np.exp(rng.normal(0, 0.2, 40))
    summary = CobbDouglasRegressor(fit_intercept=False).fit(X, y).summary()
    reading = _reading(summary, "Durbin-Watson")
    p = summary["diagnostics"]["p_value"].iloc[0]
    assert p >= 0.05
    assert reading.startswith("first-order autocorrelation in row order: not ")
    assert f"(p = {p:.3f})" in reading
    assert "the Durbin-Watson bounds tables do not apply" in str(summary)
    assert "F (uncentred, no intercept)" in str(summary)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (
            lambda: durbin_watson_test([1.0, 2.0, 0.5], np.ones((4, 1))),
            r"3 rows .*shape \(4, 1\)",
        ),
        (
            lambda: durbin_watson_test(
                [1.0, -1.0, 1.0], np.ones((3, 1)), alternative="x"
            ),
            "alternative must be one of",
        ),
        (
            lambda: durbin_watson_test([1.0, -1.0], np.ones((2, 1))),
            "at least 3",
        ),
        (
            lambda: durbin_watson_test([1.0, -1.0, 0.5], np.eye(3)[:, :2]),
            "more rows than parameters",
        ),
        (
            lambda: breusch_godfrey([1.0, -1.0, 0.5, 0.2], np.ones((4, 1)), nlags=0),
            "positive integer",
        ),
        (
            lambda: breusch_godfrey([1.0, np.nan, 0.5], np.ones((3, 1))),
            "NaN",
        ),
    ],
)
def test_bad_input_is_named(call, match):
    with pytest.raises(ValueError, match=match):
        call()
