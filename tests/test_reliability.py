"""Reliability statistics against published output and independent oracles."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from sklearn.preprocessing import StandardScaler
from statsmodels.multivariate.factor import Factor

from sklearn_innov.diagnostics import (
    cronbach_alpha,
    item_total_statistics,
    mcdonald_omega,
    standardized_alpha,
)

# Denis (2016), Applied Univariate, Bivariate, and Multivariate Statistics,
# Wiley: five items, ten respondents, and the SPSS RELIABILITY output printed
# there (Reliability Statistics and Item-Total Statistics).
DENIS = pd.DataFrame(
    [
        [10, 12, 15, 11, 12],
        [12, 18, 12, 12, 1],
        [8, 16, 14, 14, 4],
        [6, 8, 16, 8, 6],
        [4, 7, 8, 7, 5],
        [6, 6, 3, 7, 3],
        [3, 4, 6, 5, 8],
        [7, 3, 7, 9, 9],
        [8, 9, 4, 10, 10],
        [9, 5, 6, 11, 12],
    ],
    columns=[f"Item_{j}" for j in range(1, 6)],
    dtype=float,
)
DENIS_ITEM_TOTAL = pd.DataFrame(
    {
        "scale_mean_if_deleted": [34.3, 32.8, 32.5, 32.2, 34.6],
        "scale_variance_if_deleted": [108.900, 80.400, 88.278, 104.844, 164.267],
        "corrected_item_total_correlation": [0.712, 0.558, 0.512, 0.796, -0.228],
        "squared_multiple_correlation": [0.726, 0.841, 0.448, 0.776, 0.541],
        "alpha_if_deleted": [0.478, 0.476, 0.507, 0.445, 0.824],
    },
    index=DENIS.columns,
)


def test_published_spss_reliability_output():
    """SPSS as printed: alpha 0.633, 0.691 on standardised items, item-total table."""
    assert_allclose(cronbach_alpha(DENIS), 0.633, atol=5e-4)
    assert_allclose(standardized_alpha(DENIS), 0.691, atol=5e-4)
    table = item_total_statistics(DENIS)
    assert list(table.index) == list(DENIS.columns)
    # published to three decimals: agree to the last printed digit
    assert_allclose(table, DENIS_ITEM_TOTAL, atol=5e-4)
    # dropping Item_5, SPSS's second run prints alpha 0.824 and 0.863
    assert_allclose(cronbach_alpha(DENIS.iloc[:, :4]), 0.824, atol=5e-4)
    assert_allclose(standardized_alpha(DENIS.iloc[:, :4]), 0.863, atol=5e-4)


def _alpha_by_definition(X):
    k = X.shape[1]
    return k / (k - 1) * (1 - X.var(axis=0, ddof=1).sum() / X.sum(axis=1).var(ddof=1))


def test_item_total_table_by_hand(likert_survey):
    """Each row recomputed by deleting the item and starting again."""
    X = likert_survey[["q1", "q2", "q3", "q4", "b1"]].to_numpy(float)
    table = item_total_statistics(X)
    for i in range(X.shape[1]):
        rest = np.delete(X, i, axis=1)
        total = rest.sum(axis=1)
        # squared multiple correlation: R^2 of the item on the others by OLS
        design = np.column_stack([np.ones(len(X)), rest])
        fitted = design @ np.linalg.lstsq(design, X[:, i], rcond=None)[0]
        r2 = (
            1
            - ((X[:, i] - fitted) ** 2).sum() / ((X[:, i] - X[:, i].mean()) ** 2).sum()
        )
        expected = [
            total.mean(),
            total.var(ddof=1),
            np.corrcoef(X[:, i], total)[0, 1],
            r2,
            _alpha_by_definition(rest),
        ]
        assert_allclose(table.iloc[i], expected, rtol=1e-10)


def test_alpha_matches_pingouin_listwise():
    pg = pytest.importorskip("pingouin")
    data = pg.read_dataset("cronbach_wide_missing")
    assert data.isna().any().any()
    expected = pg.cronbach_alpha(data=data, nan_policy="listwise")[0]
    assert_allclose(cronbach_alpha(data), expected, rtol=1e-12)
    complete = data.dropna()
    assert_allclose(
        standardized_alpha(data),
        cronbach_alpha(StandardScaler().fit_transform(complete)),
        rtol=1e-12,
    )


def test_standardized_alpha_is_alpha_of_z_scores(likert_survey):
    X = likert_survey[["q1", "q2", "q3", "q4"]].to_numpy(float)
    Z = StandardScaler().fit_transform(X)
    assert_allclose(standardized_alpha(X), _alpha_by_definition(Z), rtol=1e-12)


def _exact_covariance_sample(cov, n=400, seed=0):
    """Data whose sample covariance matrix (ddof=1) is exactly ``cov``."""
    Z = np.random.default_rng(seed).normal(size=(n, cov.shape[0]))
    Z -= Z.mean(axis=0)
    Z = Z @ np.linalg.inv(np.linalg.cholesky(np.cov(Z, rowvar=False))).T
    return Z @ np.linalg.cholesky(cov).T + 3.0


def test_omega_recovers_an_exact_one_factor_structure():
    """When the sample covariance is exactly LL' + Psi, ML returns L and Psi."""
    loadings = np.array([1.2, 0.9, 0.6, 0.8, 0.3])
    psi = np.array([0.5, 0.8, 1.1, 0.4, 0.9])
    X = _exact_covariance_sample(np.outer(loadings, loadings) + np.diag(psi))
    omega, fitted, uniq = mcdonald_omega(X, return_loadings=True)
    assert_allclose(fitted, loadings, rtol=1e-5)
    assert_allclose(uniq, psi, rtol=1e-5)
    # McDonald (1999): (sum lambda)^2 / ((sum lambda)^2 + sum psi)
    assert_allclose(omega, loadings.sum() ** 2 / (loadings.sum() ** 2 + psi.sum()))


def test_omega_of_three_items_is_the_closed_form(likert_survey):
    """Three items: the model is just identified, l_1 = sqrt(r12 r13 / r23)."""
    X = likert_survey[["q1", "q2", "q3"]].to_numpy(float)
    r = np.corrcoef(X, rowvar=False)
    sd = X.std(axis=0, ddof=1)
    std_loadings = np.sqrt(
        [
            r[0, 1] * r[0, 2] / r[1, 2],
            r[0, 1] * r[1, 2] / r[0, 2],
            r[0, 2] * r[1, 2] / r[0, 1],
        ]
    )
    loadings, psi = std_loadings * sd, (1 - std_loadings**2) * sd**2
    expected = loadings.sum() ** 2 / (loadings.sum() ** 2 + psi.sum())
    assert_allclose(mcdonald_omega(X), expected, rtol=1e-6)


@pytest.fixture
def six_items():
    rng = np.random.default_rng(3)
    factor = rng.normal(size=(300, 1))
    return factor * [0.9, 0.8, 0.7, 0.5, 0.4, 0.3] + rng.normal(size=(300, 6))


def test_omega_loadings_match_statsmodels_ml(six_items):
    X = six_items
    omega, loadings, _ = mcdonald_omega(X, return_loadings=True)
    result = Factor(X, n_factor=1, method="ml").fit()
    expected = result.loadings[:, 0] * np.sign(result.loadings[:, 0].sum())
    assert_allclose(loadings / X.std(axis=0, ddof=1), expected, atol=1e-3)


def test_omega_loadings_match_factor_analyzer_ml(six_items, monkeypatch):
    fa = pytest.importorskip("factor_analyzer.factor_analyzer")
    # factor_analyzer 0.5.1 still passes force_all_finite, which scikit-learn
    # 1.8 removed; translate it so its (unchanged) ML fit can run.
    original = fa.check_array

    def check_array(X, force_all_finite=True, **kwargs):
        return original(X, ensure_all_finite=force_all_finite, **kwargs)

    monkeypatch.setattr(fa, "check_array", check_array)
    X = six_items
    model = fa.FactorAnalyzer(n_factors=1, rotation=None, method="ml").fit(X)
    expected = model.loadings_[:, 0] * np.sign(model.loadings_[:, 0].sum())
    sd = X.std(axis=0, ddof=1)
    omega, loadings, _ = mcdonald_omega(X, return_loadings=True)
    assert_allclose(loadings / sd, expected, atol=1e-3)
    lam, psi = expected * sd, model.get_uniquenesses() * sd**2
    assert_allclose(omega, lam.sum() ** 2 / (lam.sum() ** 2 + psi.sum()), atol=1e-3)


def test_listwise_deletion_everywhere(likert_survey):
    X = likert_survey[["q1", "q2", "q3", "q4"]].to_numpy(float)
    holed = X.copy()
    holed[[1, 5, 9], [0, 2, 3]] = np.nan
    keep = ~np.isnan(holed).any(axis=1)
    for func in (cronbach_alpha, standardized_alpha, mcdonald_omega):
        assert_allclose(func(holed), func(X[keep]), rtol=1e-13)
    assert_allclose(item_total_statistics(holed), item_total_statistics(X[keep]))


@pytest.mark.parametrize(
    "func, X, match",
    [
        (cronbach_alpha, np.ones((5, 1)), "at least two items"),
        (standardized_alpha, np.ones(5), r"2-D array .* got shape \(5,\)"),
        (mcdonald_omega, np.ones((5, 2)), "at least three items .* not identified"),
        (item_total_statistics, np.ones((5, 1)), "at least two items"),
        (cronbach_alpha, [[1.0, np.inf], [2.0, 3.0]], r"item\(s\) 1 hold infinite"),
        (
            item_total_statistics,
            pd.DataFrame({"a": [1, 2], "b": ["x", "y"]}),
            "'b' is not numeric",
        ),
    ],
)
def test_bad_input_is_named(func, X, match):
    with pytest.raises(ValueError, match=match):
        func(X)


def test_undefined_statistics_are_nan_not_warnings():
    constant = np.column_stack([np.arange(6.0), np.ones(6), np.arange(6.0) ** 2])
    assert np.isnan(standardized_alpha(constant))
    assert np.isnan(mcdonald_omega(constant))
    table = item_total_statistics(constant)
    assert np.isnan(table.loc[1, "corrected_item_total_correlation"])
    assert np.isnan(table["squared_multiple_correlation"]).all()
    assert np.isnan(cronbach_alpha([[1.0, 2.0], [np.nan, 1.0]]))


def test_quasi_newton_fallback_reaches_the_same_optimum(six_items, monkeypatch):
    from sklearn_innov._core import _reliability

    fast = mcdonald_omega(six_items, return_loadings=True)
    monkeypatch.setattr(_reliability, "_MAX_CYCLES", 0)
    slow = mcdonald_omega(six_items, return_loadings=True)
    for a, b in zip(fast, slow, strict=True):
        assert_allclose(a, b, rtol=1e-6)


UNIT_FREE = [
    "corrected_item_total_correlation",
    "squared_multiple_correlation",
    "alpha_if_deleted",
]


@pytest.mark.parametrize("scale", [1e-100, 1e-9, 1.0, 1e9, 1e100])
def test_statistics_are_the_same_in_any_units(likert_survey, scale):
    """Issue 24: item-total correlations were -inf/+inf/0 at 1e-100 and 1e100
    (a product of variances under- or overflowed), with a divide-by-zero
    RuntimeWarning (an error under this suite's settings) at 1e-100."""
    pg = pytest.importorskip("pingouin")
    items = ["q1", "q2", "q3", "q4", "b1"]
    X = likert_survey[items].to_numpy(float)
    # oracles on the items in units of 1: pingouin, and the definitions
    alpha = pg.cronbach_alpha(data=pd.DataFrame(X))[0]
    rest = X.sum(axis=1, keepdims=True) - X
    correlations = [np.corrcoef(X[:, i], rest[:, i])[0, 1] for i in range(5)]
    omega = mcdonald_omega(X)
    assert_allclose(cronbach_alpha(X * scale), alpha, rtol=1e-12)
    assert_allclose(standardized_alpha(X * scale), standardized_alpha(X), rtol=1e-12)
    assert_allclose(mcdonald_omega(X * scale), omega, rtol=1e-10)
    table = item_total_statistics(X * scale)
    assert_allclose(table["corrected_item_total_correlation"], correlations, rtol=1e-12)
    assert_allclose(
        table[UNIT_FREE], item_total_statistics(X)[UNIT_FREE], rtol=1e-10, atol=1e-14
    )
    assert_allclose(table["scale_mean_if_deleted"], rest.mean(axis=0) * scale)
    assert_allclose(
        table["scale_variance_if_deleted"], rest.var(axis=0, ddof=1) * scale**2
    )
    loadings = mcdonald_omega(X * scale, return_loadings=True)[1]
    assert_allclose(
        loadings, mcdonald_omega(X, return_loadings=True)[1] * scale, rtol=1e-8
    )


@pytest.mark.parametrize("scale", [1e-160, 1e-100, 1e100, 1e154])
def test_composite_reliability_is_the_same_in_any_units(likert_survey, scale):
    from sklearn_innov import CompositeIndex

    X = likert_survey[["q1", "q2", "q3", "q4"]].to_numpy(float)
    unit = CompositeIndex(normalize=None).fit(X)
    scaled = CompositeIndex(normalize=None).fit(X * scale)
    assert_allclose(scaled.reliability_, unit.reliability_, rtol=1e-10)
    assert_allclose(
        scaled.item_statistics_[UNIT_FREE],
        unit.item_statistics_[UNIT_FREE],
        rtol=1e-10,
    )


# -- the facts a reading of alpha and omega needs ------------------------------


def _lr_statistic_from_statsmodels(X):
    """The oracle: factanal's statistic from statsmodels' one-factor ML fit."""
    from scipy import stats as sps

    n, k = X.shape
    R = np.corrcoef(X, rowvar=False)
    result = Factor(X, n_factor=1, method="ml").fit()
    # statsmodels 0.15 on NumPy 2.5 returns them as complex with zero
    # imaginary parts
    L = np.real_if_close(result.loadings[:, :1])
    uniqueness = np.real_if_close(result.uniqueness)
    assert np.isrealobj(L) and np.isrealobj(uniqueness)
    Sigma = L @ L.T + np.diag(uniqueness)
    F = (
        np.linalg.slogdet(Sigma)[1]
        + np.trace(np.linalg.solve(Sigma, R))
        - np.linalg.slogdet(R)[1]
        - k
    )
    statistic = (n - 1 - (2 * k + 5) / 6 - 2 / 3) * F
    df = ((k - 1) ** 2 - (k + 1)) // 2
    return statistic, df, sps.chi2.sf(statistic, df)


@pytest.mark.parametrize("n_factors", [1, 2])
def test_one_factor_test_is_factanals_statistic(n_factors):
    from sklearn_innov.diagnostics import one_factor_test

    rng = np.random.default_rng(7)
    factors = rng.normal(size=(250, n_factors))
    loadings = np.array([[0.9, 0.8, 0.7, 0.6, 0.5, 0.4], [0, 0, 0, 0.7, 0.8, 0.9]])
    X = factors @ loadings[:n_factors] + rng.normal(size=(250, 6))
    result = one_factor_test(X)
    statistic, df, pvalue = _lr_statistic_from_statsmodels(X)
    assert result["df"] == df == 9
    assert_allclose(result["statistic"], statistic, rtol=2e-3, atol=2e-3)
    assert_allclose(result["pvalue"], pvalue, atol=1e-3)
    if n_factors == 2:
        assert result["pvalue"] < 1e-6
    assert_allclose(one_factor_test(X * 1e-100)["statistic"], result["statistic"])
    three = one_factor_test(X[:, :3])
    assert three["df"] == 0 and np.isnan(three["pvalue"])


def test_reliability_checks_count_floor_rows_and_flag_omega_below_alpha(rng):
    """Issue 23: Y's alpha 0.79 came from 62 firms at 0 on every item (-0.34
    among the others); X4's omega < alpha was read as unequal loadings."""
    pg = pytest.importorskip("pingouin")
    from sklearn_innov.diagnostics import reliability_checks

    n = 80
    latent = rng.normal(size=(n, 1))
    X = np.clip(np.round(1 + latent + rng.normal(scale=1.5, size=(n, 4))), 0, 4)
    X[:30] = 0  # thirty rows at the floor of every item
    X = pd.DataFrame(X, columns=list("abcd"))
    checks = reliability_checks(X)
    floor = (X == X.min()).all(axis=1)
    assert checks["n_floor"] == floor.sum() >= 30
    assert_allclose(checks["alpha"], pg.cronbach_alpha(data=X)[0], rtol=1e-12)
    assert_allclose(
        checks["alpha_above_floor"], pg.cronbach_alpha(data=X[~floor])[0], rtol=1e-12
    )
    assert checks["alpha"] > checks["alpha_above_floor"] + 0.2
    assert checks["omega"] == mcdonald_omega(X)
    assert checks["omega_below_alpha"] == (checks["omega"] < checks["alpha"])
    # two blocks of items that share nothing: omega far below alpha, and the
    # one-factor model rejected
    two = rng.normal(size=(300, 2))
    Y = np.repeat(two, 3, axis=1) + rng.normal(scale=0.5, size=(300, 6))
    split = reliability_checks(Y)
    assert split["omega_below_alpha"]
    assert split["one_factor"]["pvalue"] < 1e-6
