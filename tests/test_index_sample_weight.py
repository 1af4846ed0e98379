"""sample_weight of the index construction: integer weights are replicated rows.

The oracle of every equivalence test is the same estimator fitted on the rows
repeated ``w_i`` times (``np.repeat``), scikit-learn's definition of a
frequency weight. Independent checks of the weighted statistics themselves
come from statsmodels' ``DescrStatsW``, numpy's ``cov(fweights=...)`` and the
textbook formulas written out here.
"""

import itertools
import pickle
import re
import warnings

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn import config_context
from sklearn.linear_model import LinearRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from statsmodels.stats.weightstats import DescrStatsW

from sklearn_innov import CompositeIndex, MinMaxIndexer
from sklearn_innov.diagnostics import (
    cronbach_alpha,
    item_total_statistics,
    mcdonald_omega,
    one_factor_test,
    reliability_checks,
    standardized_alpha,
)
from sklearn_innov.exceptions import SklearnInnovWarning
from sklearn_innov.preprocessing import index_sensitivity

TOL = {"rtol": 1e-10, "atol": 1e-10}
SPEC = {"A": ["q1", "q2", "q3", "q4"], "B": ["q5", "q6", "q7"]}
ITEMS = [item for items in SPEC.values() for item in items]


@pytest.fixture
def survey():
    """Likert items (many ties), a continuous item, some missing answers."""
    rng = np.random.default_rng(7)
    n = 40
    latent = rng.normal(size=(n, 2))
    likert = np.clip(
        np.round(3 + latent[:, [0, 0, 0, 0, 1, 1]] + rng.normal(size=(n, 6))), 1, 5
    )
    frame = pd.DataFrame(likert, columns=["q1", "q2", "q3", "q4", "q5", "q6"])
    frame["q7"] = np.exp(latent[:, 1] + rng.normal(scale=0.5, size=n))
    frame.insert(0, "metro", rng.choice(["Tijuana", "Monterrey"], size=n))
    frame.index = [f"firm{i}" for i in range(n)]
    return frame


@pytest.fixture
def weights():
    return np.random.default_rng(11).integers(0, 4, size=40)


def with_missing(frame):
    frame = frame.copy()
    frame.loc[frame.index[[2, 5, 11]], "q2"] = np.nan
    frame.loc[frame.index[[5, 20]], "q6"] = np.nan
    return frame


def replicate(frame, w):
    return frame.iloc[np.repeat(np.arange(len(frame)), w)]


def fitted_state(ci, X):
    """Everything a CompositeIndex learns and reports, as numbers."""
    state = {
        "transform": np.asarray(ci.transform(X), dtype=float),
        "reliability": ci.reliability_.to_numpy(dtype=float),
        "items": ci.item_statistics_.to_numpy(dtype=float),
        "range": ci._range_,
    }
    for name, w in ci.weights_.items():
        if w is not None:
            state[f"weights {name}"] = np.array(list(w.values()))
    for name, frontier in ci.bod_frontier_.items():
        state[f"frontier {name}"] = frontier.to_numpy()
    return state


def assert_same_state(weighted, repeated, X):
    a, b = fitted_state(weighted, X), fitted_state(repeated, X)
    assert a.keys() == b.keys()
    for key in a:
        assert_allclose(a[key], b[key], **TOL, err_msg=key)


def _options():
    for normalize, aggregate, learned in itertools.product(
        ["minmax", "zscore", "rank", None],
        ["sum", "mean", "geometric"],
        [None, "pca", "pca_cov", "factor", "bod", "mapping"],
    ):
        if aggregate == "geometric" and normalize in ("zscore", None):
            continue  # negative (z-scores) or unbounded raw items
        if learned == "bod" and (aggregate != "sum" or normalize == "zscore"):
            continue  # refused combinations
        yield normalize, aggregate, learned


@pytest.mark.parametrize(("normalize", "aggregate", "learned"), list(_options()))
def test_integer_weights_equal_replicated_rows(
    survey, weights, normalize, aggregate, learned
):
    # benefit of the doubt refuses missing answers: complete data for it
    X = survey if learned == "bod" else with_missing(survey)
    if learned == "mapping":
        learned = {"A": {"q1": 2.0, "q3": 0.5}}
    params = dict(spec=SPEC, normalize=normalize, aggregate=aggregate, weights=learned)
    weighted = CompositeIndex(**params).fit(X, sample_weight=weights)
    repeated = CompositeIndex(**params).fit(replicate(X, weights))
    assert_same_state(weighted, repeated, X)
    # fit_transform scores every row, those of weight 0 included
    out = CompositeIndex(**params).fit_transform(X, sample_weight=weights)
    assert_allclose(out.to_numpy(), repeated.transform(X).to_numpy(), **TOL)


@pytest.mark.parametrize(
    "params",
    [
        {"bounds": (1, 5), "reverse": ["q4"], "spec": {"A": SPEC["A"]}},
        {"bounds": {"q1": (1, 5)}, "reverse": ["q1"], "normalize": "rank"},
        {"missing": "nan", "normalize": "zscore"},
        {"weights": "bod", "bod_bounds": (0.1, 0.6)},
        {"spec": None},
        {"out_of_range": "nan", "bounds": (1, 4), "spec": {"A": SPEC["A"]}},
    ],
)
def test_other_options_equal_replicated_rows(survey, weights, params):
    X = survey[ITEMS] if params.get("spec", SPEC) is None else survey
    if params.get("weights") != "bod":
        X = with_missing(X)
    params = {"spec": SPEC, **params}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SklearnInnovWarning)  # NaN index rows
        weighted = CompositeIndex(**params).fit(X, sample_weight=weights)
        repeated = CompositeIndex(**params).fit(replicate(X, weights))
        assert_same_state(weighted, repeated, X)


def test_missing_error_policy_with_weights(survey, weights):
    weighted = CompositeIndex(spec=SPEC, missing="error").fit(
        survey, sample_weight=weights
    )
    repeated = CompositeIndex(spec=SPEC, missing="error").fit(
        replicate(survey, weights)
    )
    assert_same_state(weighted, repeated, survey)


def test_a_zero_weight_row_sets_no_statistic(survey):
    X = survey.copy()
    X.loc["firm0", "q1"] = 50.0  # an extreme answer in a row of weight 0
    w = np.ones(len(X))
    w[0] = 0
    for normalize in ["minmax", "zscore", "rank"]:
        weighted = CompositeIndex(spec=SPEC, normalize=normalize, weights="pca").fit(
            X, sample_weight=w
        )
        dropped = CompositeIndex(spec=SPEC, normalize=normalize, weights="pca").fit(
            X.iloc[1:]
        )
        assert_same_state(weighted, dropped, X)
    assert weighted.reliability_["n_complete"].tolist() == [39, 39]


def test_a_zero_weight_row_is_fitted_as_deleted_and_scored_as_new(survey):
    X = survey.copy()
    X.loc["firm0", "q1"] = 50.0  # beyond every other answer
    X.loc["firm1", SPEC["B"]] = np.nan  # no answer for index B
    w = np.ones(len(X))
    w[:2] = 0
    # neither row is checked at fit: fitting with weight 0 is deleting them
    strict = CompositeIndex(spec=SPEC, out_of_range="error").fit(X, sample_weight=w)
    assert_same_state(strict, CompositeIndex(spec=SPEC).fit(X.iloc[2:]), X.iloc[2:])
    # fit_transform scores them as transform does: firm0 clipped to the
    # training maximum of q1, firm1's index B refused by missing="rescale"
    ci = CompositeIndex(spec={"A": SPEC["A"]})
    out = ci.fit_transform(X, sample_weight=w)
    assert_allclose(out.to_numpy(), ci.transform(X).to_numpy(), **TOL)
    assert out.loc["firm0", "A"] <= 4
    with pytest.raises(ValueError, match=r"Index 'B' cannot be computed.*firm1"):
        CompositeIndex(spec=SPEC).fit_transform(X, sample_weight=w)
    # MinMaxIndexer alike, with declared bounds that firm0 breaks
    mm = MinMaxIndexer(bounds=(1, 5)).fit(X[ITEMS[:4]], sample_weight=w)
    with pytest.raises(ValueError, match=r"'q1' is outside its declared bounds"):
        mm.transform(X[ITEMS[:4]])


def test_ties_in_weighted_ranks(weights):
    # three values with many ties: the mid-ranks of the replicated rows
    X = np.array([[1.0], [2.0], [2.0], [3.0], [1.0], [2.0]] * 4)
    w = weights[: len(X)]
    weighted = CompositeIndex(normalize="rank").fit(X, sample_weight=w)
    repeated = CompositeIndex(normalize="rank").fit(np.repeat(X, w, axis=0))
    grid = np.array([[0.5], [1.0], [1.5], [2.0], [2.5], [3.0], [4.0]])
    assert_allclose(weighted.transform(grid), repeated.transform(grid), **TOL)
    # and by the definition, (W(x_i < x) + W(x_i <= x)) / 2W, inside the
    # training range (outside it, out_of_range clips to the extremes)
    grid = grid[1:-1]
    x = X[:, 0]
    expected = [
        (w[x < g].sum() + w[x <= g].sum()) / (2.0 * w.sum()) for g in grid[:, 0]
    ]
    assert_allclose(weighted.transform(grid)[:, 0], expected, **TOL)


def test_minmax_indexer_equal_replicated_rows(survey, weights):
    X = with_missing(survey[ITEMS]).to_numpy(copy=True)
    X[0] = 99.0  # weight 0 below: it must not set the maximum
    w = weights.copy()
    w[0] = 0
    for params in [{}, {"feature_range": (0.01, 1.0)}, {"bounds": {0: (0, 200)}}]:
        weighted = MinMaxIndexer(**params).fit(X, sample_weight=w)
        repeated = MinMaxIndexer(**params).fit(np.repeat(X, w, axis=0))
        assert_array_equal(weighted.bounds_, repeated.bounds_)
        assert_array_equal(weighted.data_min_, repeated.data_min_)
        assert_array_equal(weighted.data_max_, repeated.data_max_)
        assert_allclose(weighted.transform(X), repeated.transform(X), **TOL)
        out = MinMaxIndexer(**params).fit_transform(X, sample_weight=w)
        assert_allclose(out, repeated.transform(X), **TOL)
    assert weighted.data_max_[1] < 99


# -- independent checks of the weighted statistics -----------------------------


def test_weighted_zscore_against_statsmodels(survey):
    w = np.random.default_rng(3).uniform(0.2, 5.0, size=len(survey))
    ci = CompositeIndex(spec={"z": ["q7"]}, normalize="zscore")
    out = ci.fit_transform(survey, sample_weight=w)["z"].to_numpy()
    stats = DescrStatsW(survey["q7"].to_numpy(), weights=w, ddof=0)
    assert_allclose(out, (survey["q7"] - stats.mean) / stats.std, rtol=1e-12)


def test_weighted_reliability_against_textbook_formulas(survey):
    w = np.random.default_rng(5).uniform(0.2, 5.0, size=len(survey))
    items = survey[SPEC["A"]].to_numpy()
    ci = CompositeIndex(spec={"A": SPEC["A"]}, normalize=None).fit(
        survey, sample_weight=w
    )
    k = items.shape[1]
    # Cronbach (1951) from the frequency-weighted covariance matrix
    cov = np.cov(items, rowvar=False, aweights=w, ddof=0) * w.sum() / (w.sum() - 1)
    alpha = k / (k - 1) * (1 - np.trace(cov) / cov.sum())
    sd = np.sqrt(np.diag(cov))
    corr = cov / np.outer(sd, sd)
    r_bar = (corr.sum() - k) / (k * (k - 1))
    row = ci.reliability_.loc["A"]
    assert_allclose(row["cronbach_alpha"], alpha, rtol=1e-12)
    assert_allclose(row["standardized_alpha"], k * r_bar / (1 + (k - 1) * r_bar))
    assert_allclose(row["n_complete"], w.sum(), rtol=1e-15)
    # item-total statistics by DescrStatsW, one item at a time
    table = ci.item_statistics_.loc["A"]
    for i, item in enumerate(SPEC["A"]):
        rest = np.delete(items, i, axis=1)
        total = rest.sum(axis=1)
        d = DescrStatsW(np.column_stack([items[:, i], total]), weights=w)
        rest_cov = DescrStatsW(rest, weights=w).cov * w.sum() / (w.sum() - 1)
        expected = {
            "scale_mean_if_deleted": DescrStatsW(total, weights=w).mean,
            "scale_variance_if_deleted": DescrStatsW(total, weights=w).var_ddof(1),
            "corrected_item_total_correlation": d.corrcoef[0, 1],
            "alpha_if_deleted": (k - 1)
            / (k - 2)
            * (1 - np.trace(rest_cov) / rest_cov.sum()),
        }
        for column, value in expected.items():
            assert_allclose(table.loc[item, column], value, rtol=1e-11, err_msg=column)


def test_weighted_pca_weights_against_numpy(survey):
    w = np.random.default_rng(9).uniform(0.2, 5.0, size=len(survey))
    ci = CompositeIndex(spec={"A": SPEC["A"]}, normalize=None, weights="pca")
    ci.fit(survey, sample_weight=w)
    X = survey[SPEC["A"]].to_numpy()
    # principal components of the sqrt-weighted centred data
    mean = w @ X / w.sum()
    Z = np.sqrt(w)[:, None] * (X - mean)
    Z /= np.sqrt((Z**2).sum(axis=0))  # correlation scale
    loadings = np.linalg.svd(Z, full_matrices=False)[2][0]
    expected = len(loadings) * loadings**2 / (loadings**2).sum()
    assert_allclose(list(ci.weights_["A"].values()), expected, rtol=1e-10)


# -- weights are relative, and only their ratios matter -------------------------


@pytest.mark.parametrize("factor", [1000.0, 1e-3])
@pytest.mark.parametrize("learned", [None, "pca", "factor", "bod"])
def test_rescaled_weights_give_the_same_indices(survey, weights, factor, learned):
    params = dict(spec=SPEC, normalize="rank" if learned == "bod" else "zscore")
    params["weights"] = learned
    base = CompositeIndex(**params).fit(survey, sample_weight=weights)
    scaled = CompositeIndex(**params).fit(survey, sample_weight=weights * factor)
    assert_allclose(
        scaled.transform(survey), base.transform(survey), rtol=1e-12, atol=1e-12
    )
    for name, learned_weights in base.weights_.items():
        if learned_weights is not None:
            assert scaled.weights_[name] == pytest.approx(learned_weights, rel=1e-12)
    ratio_columns = ["cronbach_alpha", "standardized_alpha", "omega_total"]
    assert_allclose(
        scaled.reliability_[ratio_columns], base.reliability_[ratio_columns], rtol=1e-9
    )
    assert_allclose(
        scaled.reliability_["n_complete"], base.reliability_["n_complete"] * factor
    )
    unit_free = [c for c in base.item_statistics_ if c != "scale_variance_if_deleted"]
    # (z-scores: the scale means are 0 up to rounding, hence atol)
    assert_allclose(
        scaled.item_statistics_[unit_free],
        base.item_statistics_[unit_free],
        rtol=1e-9,
        atol=1e-12,
    )
    # a sample variance counts observations: divisor W - 1, undefined at W <= 1
    variance = scaled.item_statistics_["scale_variance_if_deleted"]
    if factor * weights.sum() <= 1:
        assert variance.isna().all()
    else:
        W = weights.sum()
        expected = base.item_statistics_["scale_variance_if_deleted"] * (
            (W - 1) * factor / (W * factor - 1)
        )
        assert_allclose(variance, expected, rtol=1e-9)


# -- bad weights ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("negative", r"1 negative value\(s\) \(position\(s\) 3\).*>= 0"),
        ("nan", r"NaN or infinite value\(s\) \(position\(s\) 3\)"),
        ("inf", r"NaN or infinite value\(s\) \(position\(s\) 3\)"),
        ("short", r"sample_weight has 39 values but X has 40 rows"),
        ("zeros", r"at least one non-zero"),
    ],
)
@pytest.mark.parametrize("owner", ["CompositeIndex", "MinMaxIndexer", "sensitivity"])
def test_bad_weights_are_refused_with_the_positions(survey, bad, message, owner):
    w = np.ones(len(survey))
    if bad == "negative":
        w[3] = -1.0
    elif bad == "nan":
        w[3] = np.nan
    elif bad == "inf":
        w[3] = np.inf
    elif bad == "short":
        w = w[:-1]
    else:
        w[:] = 0
    with pytest.raises(ValueError, match=message):
        if owner == "CompositeIndex":
            CompositeIndex(spec=SPEC).fit(survey, sample_weight=w)
        elif owner == "MinMaxIndexer":
            MinMaxIndexer().fit(survey[ITEMS], sample_weight=w)
        else:
            index_sensitivity(survey, SPEC, sample_weight=w)


def test_weighted_fit_survives_pickle(survey, weights):
    ci = CompositeIndex(spec=SPEC, normalize="rank", weights="pca").fit(
        with_missing(survey), sample_weight=weights
    )
    again = pickle.loads(pickle.dumps(ci))
    assert_same_state(again, ci, with_missing(survey))
    mm = MinMaxIndexer().fit(survey[ITEMS], sample_weight=weights)
    assert_array_equal(pickle.loads(pickle.dumps(mm)).bounds_, mm.bounds_)


def test_pipeline_routes_sample_weight(survey, weights):
    y = np.random.default_rng(2).normal(size=len(survey))
    pipe = make_pipeline(CompositeIndex(spec=SPEC, weights="pca"), LinearRegression())
    pipe.fit(survey, y, compositeindex__sample_weight=weights)
    direct = CompositeIndex(spec=SPEC, weights="pca").fit(survey, sample_weight=weights)
    assert_same_state(pipe.named_steps["compositeindex"], direct, survey)
    # with metadata routing, as scikit-learn's meta-estimators request it
    with config_context(enable_metadata_routing=True):
        ci = CompositeIndex(spec=SPEC, weights="pca").set_fit_request(
            sample_weight=True
        )
        model = LinearRegression().set_fit_request(sample_weight=True)
        routed = make_pipeline(ci, model).fit(survey, y, sample_weight=weights)
        assert_same_state(routed.named_steps["compositeindex"], direct, survey)
        replicated = make_pipeline(
            CompositeIndex(spec=SPEC, weights="pca"), LinearRegression()
        ).fit(replicate(survey, weights), np.repeat(y, weights))
        assert_allclose(routed.predict(survey), replicated.predict(survey), rtol=1e-9)


# -- index_sensitivity ------------------------------------------------------------


def test_sensitivity_weights_equal_replicated_rows(survey, weights):
    X = survey.copy()
    X.loc[X.index[weights == 0][0], "q1"] = 40.0  # not in any statistic
    result = index_sensitivity(
        X, SPEC, weights=(None, "pca", "bod"), shift=3, sample_weight=weights
    )
    repeated = index_sensitivity(
        replicate(X, weights), SPEC, weights=(None, "pca", "bod"), shift=3
    )
    # each weighted row against the first of its replicated copies
    first = repeated.table[~repeated.table.index.duplicated()]
    assert list(result.table.index) == list(first.index)
    assert_allclose(
        result.table.to_numpy(dtype=float), first.to_numpy(dtype=float), **TOL
    )
    assert_allclose(
        result.summary().to_numpy(dtype=float),
        repeated.summary().to_numpy(dtype=float),
        **TOL,
    )
    # the notes count the rows given, and beside them their weighted count,
    # which is the replicated rows' count
    n_rows = int((weights > 0).sum())
    counted = r"\((\d+) of (\d+) rows( undefined)?; weighted (\S+) of (\S+)\)"
    found = [re.findall(counted, entry) for entry in result.skipped]
    assert any(found)
    assert all(int(m[1]) == n_rows for entries in found for m in entries)
    as_replicated = [re.sub(counted, r"(\4 of \5 rows\3)", e) for e in result.skipped]
    assert as_replicated == repeated.skipped
    # rows of weight 0 are left out of the result
    assert len(result.rows) == int((weights > 0).sum())
    # the refit models are fitted with the weights too
    a = result.refit(LinearRegression(), "A", ["B"])
    b = repeated.refit(LinearRegression(), "A", ["B"])
    assert_allclose(a["B"].to_numpy(float), b["B"].to_numpy(float), rtol=1e-9)


def test_sensitivity_weighted_ranks_by_hand():
    X = pd.DataFrame({"a": [0.0, 1.0, 2.0, 1.0], "b": [0.0, 1.0, 2.0, 1.0]})
    w = np.array([2.0, 1.0, 3.0, 1.0])
    result = index_sensitivity(
        X,
        {"I": ["a", "b"]},
        normalize=("minmax",),
        aggregate=("sum",),
        weights=(None,),
        sample_weight=w,
    )
    # values 0, 1, 2, 1: the top row stands for 3 firms (ranks 1-3, mean 2),
    # the two tied rows for 2 (ranks 4-5, 4.5), the last for 2 (6-7, 6.5)
    assert_array_equal(result.table["reference_rank"], [6.5, 4.5, 2.0, 4.5])
    assert result.summary()["n_rows"].iloc[0] == 7


def test_sensitivity_refit_needs_an_estimator_taking_weights(survey, weights):
    class NoWeights(LinearRegression):
        def fit(self, X, y):
            return super().fit(X, y)

    result = index_sensitivity(
        survey,
        SPEC,
        normalize=("minmax",),
        aggregate=("sum",),
        weights=(None,),
        sample_weight=weights,
    )
    with pytest.raises(ValueError, match="NoWeights.fit takes no sample_weight"):
        result.refit(NoWeights(), "A", ["B"])


# -- the public reliability functions -------------------------------------------


@pytest.mark.parametrize(
    "function",
    [
        cronbach_alpha,
        standardized_alpha,
        mcdonald_omega,
        item_total_statistics,
        one_factor_test,
        reliability_checks,
    ],
)
def test_reliability_functions_equal_replicated_rows(survey, weights, function):
    X = with_missing(survey)[SPEC["A"]].copy()
    X.iloc[[0, 3, 4]] = 0.0  # floor rows (weights 0, 1, 2) for reliability_checks
    weighted = function(X, sample_weight=weights)
    repeated = function(replicate(X, weights))
    if isinstance(weighted, pd.DataFrame):
        assert_allclose(weighted.to_numpy(), repeated.to_numpy(), **TOL)
    elif isinstance(weighted, dict):
        for key, value in weighted.items():
            if isinstance(value, dict):
                for k, v in value.items():
                    assert_allclose(v, repeated[key][k], **TOL, err_msg=f"{key} {k}")
            else:
                assert_allclose(value, repeated[key], **TOL, err_msg=key)
    else:
        assert_allclose(weighted, repeated, **TOL)


def test_weighted_alpha_function_against_the_textbook_formula(survey):
    w = np.random.default_rng(4).uniform(0.1, 3.0, size=len(survey))
    X = survey[SPEC["A"]].to_numpy()
    cov = np.cov(X, rowvar=False, aweights=w)  # any divisor: alpha is a ratio
    k = X.shape[1]
    expected = k / (k - 1) * (1 - np.trace(cov) / cov.sum())
    assert_allclose(cronbach_alpha(X, sample_weight=w), expected, rtol=1e-12)
    # weights summing to less than 1 are just as good for ratios
    assert_allclose(cronbach_alpha(X, sample_weight=w / 1e4), expected, rtol=1e-12)
    table = item_total_statistics(X, sample_weight=w / 1e4)
    assert table["scale_variance_if_deleted"].isna().all()
    assert table["alpha_if_deleted"].notna().all()


def test_reliability_functions_refuse_bad_weights(survey):
    w = np.ones(len(survey))
    w[[4, 7]] = -2.0
    with pytest.raises(ValueError, match=r"cronbach_alpha: .*position\(s\) 4, 7"):
        cronbach_alpha(survey[SPEC["A"]], sample_weight=w)


@pytest.mark.parametrize("units", [1.0, 1e-150, 1e150])
def test_weighted_zscore_against_scikit_learn(survey, units):
    X = with_missing(survey[ITEMS]).to_numpy(copy=True) * units
    X[:, 2] = 3.0 * units  # a constant item: scale 1, as StandardScaler
    X[:, 3] = 1e6 * units + X[:, 3]  # a large mean: the guarded two-pass sums
    w = np.random.default_rng(8).uniform(0.1, 4.0, size=len(X))
    spec = {str(j): [j] for j in range(X.shape[1])}
    for weights in (None, w):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SklearnInnovWarning)  # constant item
            ours = CompositeIndex(
                spec=spec, normalize="zscore", aggregate="mean", missing="nan"
            )
            out = ours.fit_transform(X, sample_weight=weights)
        oracle = StandardScaler().fit(X, sample_weight=weights)
        expected = oracle.transform(X)
        # equal values have z-score 0 (StandardScaler's weighted mean of them
        # is a rounded sum: its z-score is 7e134 at 1e150 units)
        expected[:, 2] = 0.0
        # z-scores of the item near 1e6: each mean is rounded to ~1e-10
        assert_allclose(out, expected, rtol=1e-9, atol=1e-9)
        assert_allclose(ours.normalizer_.scale_, oracle.scale_, rtol=1e-9)
