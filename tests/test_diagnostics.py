"""The public diagnostics functions: bad input answered in the library's voice,
and the documented edge values (each checked against statsmodels or a closed
form)."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from numpy.testing import assert_allclose
from scipy import stats
from statsmodels.stats.outliers_influence import variance_inflation_factor

from sklearn_innov.diagnostics import (
    breusch_pagan,
    classification_table,
    corrected_resampled_ttest,
    cronbach_alpha,
    durbin_watson,
    hosmer_lemeshow,
    lilliefors,
    linear_restriction_test,
    park_test,
    pseudo_r2,
    variance_inflation,
)

rng = np.random.default_rng(0)
E = rng.normal(size=30)
Z = np.column_stack([np.ones(30), rng.normal(size=30)])


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: lilliefors([1.0, 2.0, np.nan, 4.0, 5.0]), "NaN or infinite"),
        (lambda: lilliefors([1.0, 2.0, 3.0]), "at least 4"),
        (lambda: lilliefors(np.ones((5, 5))), "one-dimensional"),
        (lambda: durbin_watson([]), "at least 2"),
        (lambda: durbin_watson(np.ones((3, 2))), "one-dimensional"),
        (lambda: durbin_watson(["a", "b"]), "must be numeric"),
        (lambda: hosmer_lemeshow([0, 1, 1, 0], [0.2, 1.3, 0.5, -0.1]), r"\[0, 1\]"),
        (lambda: hosmer_lemeshow([0, 1, 2, 0], [0.2, 0.3, 0.5, 0.1]), "0/1"),
        (lambda: hosmer_lemeshow([0, 1, 1, 0], [0.2, 0.3, 0.4]), "lengths differ"),
        (
            lambda: corrected_resampled_ttest([0.8, 0.7], [0.7, 0.6], 0, 10),
            "n_train must be a positive integer",
        ),
        (
            lambda: corrected_resampled_ttest([0.8, 0.7, 0.6], [0.7, 0.6], 80, 20),
            "lengths differ",
        ),
        (lambda: pseudo_r2(-50.0, 0.0, 100), "llnull = 0"),
        (lambda: pseudo_r2(5.0, -60.0, 100), "llf must be a finite"),
        (lambda: variance_inflation(np.arange(10.0)), "2-D"),
        (lambda: park_test(E, Z[:, 1]), "2-D"),
        (lambda: park_test(E, Z[:20]), "30 values but exog has 20 rows"),
        (lambda: breusch_pagan(E, Z[:, ::-1]), "first column must be the constant"),
        (
            lambda: linear_restriction_test([1.0, 2.0], np.eye(3), 10, [1, 1], 1),
            "cov must be 2 x 2",
        ),
        (lambda: classification_table([0, 1], [0, 1, 1], [0, 1]), "lengths differ"),
    ],
)
def test_bad_input_is_named(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_durbin_watson_of_zero_residuals_says_so():
    with pytest.raises(ValueError, match="every residual is zero"):
        durbin_watson([0.0, 0.0, 0.0])


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_vif_is_infinite_for_perfect_collinearity_like_statsmodels():
    X = rng.normal(size=(40, 3))
    X = np.column_stack([X, X[:, 0] + X[:, 1]])
    ours = variance_inflation(X)
    exog = sm.add_constant(X)
    with np.errstate(divide="ignore"):
        ref = [variance_inflation_factor(exog, j) for j in range(1, 5)]
    # statsmodels' R² of an exact combination is 1 up to rounding: ~1e15
    assert min(ref[0], ref[1], ref[3]) > 1e12
    assert np.isinf(ours.iloc[:2]).all() and np.isinf(ours.iloc[3])
    assert_allclose(ours.iloc[2], ref[2], rtol=1e-10)  # x2 is not involved


def test_a_constant_column_does_not_spoil_the_other_vifs():
    X = rng.normal(size=(40, 3))
    ref = variance_inflation(X)
    with_constant = variance_inflation(np.column_stack([X, np.full(40, 3.0)]))
    assert np.isinf(with_constant.iloc[3])  # collinear with the implied constant
    assert_allclose(with_constant.iloc[:3], ref, rtol=1e-12)
    exog = sm.add_constant(X)
    assert_allclose(
        ref, [variance_inflation_factor(exog, j) for j in (1, 2, 3)], rtol=1e-10
    )


def test_cronbach_alpha_reads_pandas_missing_values():
    X = pd.DataFrame(
        {"a": [1, 2, 3, 4, pd.NA], "b": [2, 3, 3, 5, 1], "c": [2, 3, 4, 5, 2]},
        dtype="Int64",
    )
    complete = X.iloc[:4].astype(float).to_numpy()
    # closed form on the 4 complete rows (listwise deletion)
    k = 3
    expected = (
        k
        / (k - 1)
        * (1 - complete.var(axis=0, ddof=1).sum() / complete.sum(axis=1).var(ddof=1))
    )
    assert_allclose(cronbach_alpha(X), expected, rtol=1e-12)


def test_linear_restriction_test_equals_statsmodels_t_test():
    y = Z @ [1.0, 0.5] + rng.normal(size=30)
    fit = sm.OLS(y, Z).fit()
    ref = fit.t_test(([0.0, 1.0], 0.25))
    ours = linear_restriction_test(
        fit.params, fit.cov_params(), fit.df_resid, [0.0, 1.0], 0.25
    )
    assert_allclose(ours["t"], ref.tvalue.item(), rtol=1e-10)
    assert_allclose(ours["pvalue"], ref.pvalue.item(), rtol=1e-10)
    assert_allclose(ours["std_err"], ref.sd.item(), rtol=1e-10)


@pytest.mark.parametrize(
    "sample",
    [
        np.array([1.0, 2.0, 2.0, 7.0]),  # the smallest n, with a tie
        rng.normal(size=50),
        rng.standard_t(3, size=1_000),  # heavy tails: p at the table's floor
        rng.uniform(size=400),
        np.round(rng.normal(size=5_000), 1),  # many ties
        rng.normal(loc=1e8, scale=1e-3, size=200),  # offset far from 0
        rng.exponential(size=150_000),  # beyond the table: asymptotic p
    ],
)
def test_lilliefors_is_statsmodels_lilliefors(sample):
    from statsmodels.stats.diagnostic import lilliefors as sm_lilliefors

    statistic, pvalue = sm_lilliefors(sample, dist="norm", pvalmethod="table")
    result = lilliefors(sample)
    assert_allclose(result["statistic"], statistic, rtol=1e-13)
    assert_allclose(result["pvalue"], pvalue, rtol=1e-12)


@pytest.mark.parametrize("n", [4, 9, 23, 37, 73, 150, 333, 1_100, 1_600, 2_500, 40_000])
def test_lilliefors_pvalue_is_statsmodels_between_the_tabulated_sizes(n):
    # samples whose D lands inside the table (p strictly between 0.001 and
    # 0.99), at sizes between the tabulated ones and beyond the largest
    from statsmodels.stats.diagnostic import lilliefors as sm_lilliefors

    generator = np.random.default_rng(n)
    inside = 0
    for df in (2, 4, 8, 30, 1_000):
        sample = generator.standard_t(df, size=n)
        statistic, pvalue = sm_lilliefors(sample, dist="norm", pvalmethod="table")
        result = lilliefors(sample)
        assert_allclose(result["statistic"], statistic, rtol=1e-13)
        assert_allclose(result["pvalue"], pvalue, rtol=1e-12)
        inside += 0.001 < pvalue < 0.99
    assert inside >= 2  # the interpolation itself was exercised


def r_hoslem_deciles(y, prob, g=10):
    """R's ``hoslem.test(y, prob, g)`` written from its source, for the test.

    ``cut(prob, breaks = unique(quantile(prob, seq(0, 1, 1/g))),
    include.lowest = TRUE)`` (``quantile`` type 7, NumPy's "linear"), then
    the chi-square over the event and non-event cells of non-empty groups.
    """
    breaks = np.unique(np.quantile(prob, np.linspace(0.0, 1.0, g + 1)))
    group = pd.cut(prob, breaks, include_lowest=True, labels=False)
    assert not np.isnan(group).any()
    frame = pd.DataFrame({"g": group, "y": y, "p": prob})
    cells = frame.groupby("g").agg(n=("y", "size"), o=("y", "sum"), e=("p", "sum"))
    statistic = (((cells.o - cells.e) ** 2) / cells.e).sum() + (
        ((cells.o - cells.e) ** 2) / (cells.n - cells.e)
    ).sum()
    return float(statistic), cells.n.to_numpy()


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("levels", [7, 40, None])
def test_weighted_deciles_are_r_hoslem_on_the_replicated_rows(seed, levels):
    # integer weights: the groups of R's rule on the rows repeated w times;
    # few distinct risks give duplicate cut points, merged as unique() does;
    # the highest risk gets weight 1 (a single replicated row at the top)
    rng = np.random.default_rng(seed)
    n = 150
    if levels is None:
        prob = np.round(rng.uniform(0.02, 0.98, n), 6)
    else:
        prob = np.round(rng.integers(1, levels + 1, n) / (levels + 1), 6)
    y = (rng.uniform(size=n) < prob).astype(float)
    w = rng.integers(1, 5, n).astype(float)
    w[np.argmax(prob)] = 1.0
    statistic, n_g = r_hoslem_deciles(
        np.repeat(y, w.astype(int)), np.repeat(prob, w.astype(int))
    )
    result = hosmer_lemeshow(y, prob, method="deciles", sample_weight=w)
    assert len(n_g) <= 10
    assert_allclose(result["table"]["n"].to_numpy(), n_g)
    assert_allclose(result["statistic"], statistic, rtol=1e-10)
    assert result["df"] == len(n_g) - 2


@pytest.mark.parametrize("method", ["deciles", "spss", "midrank"])
@pytest.mark.parametrize("seed", range(3))
def test_weights_at_mean_one_never_give_more_than_ten_groups(method, seed):
    # weights at mean 1 (as a design's): the top case weighs less than one
    # replicated row, and running sums of the weights differ from their
    # total in the last bit; neither may open an 11th group
    rng = np.random.default_rng(seed)
    n = 997
    prob = np.round(rng.uniform(0.05, 0.95, n), 6)
    y = (rng.uniform(size=n) < prob).astype(float)
    w = rng.uniform(0.4, 2.3, n)
    w /= w.mean()
    w[np.argmax(prob)] = 0.4
    result = hosmer_lemeshow(y, prob, method=method, sample_weight=w)
    table = result["table"]
    assert len(table) == 10
    assert result["df"] == 8
    assert_allclose(table["n"].sum(), w.sum(), rtol=1e-12)
    # the statistic of the table's cells, and its chi2(8) p-value (scipy)
    o, e, m = table.observed_events, table.expected_events, table["n"]
    statistic = float((((o - e) ** 2) / e + ((o - e) ** 2) / (m - e)).sum())
    assert_allclose(result["statistic"], statistic, rtol=1e-10)
    assert_allclose(result["pvalue"], stats.chi2.sf(statistic, 8), rtol=1e-10)
