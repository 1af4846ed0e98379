import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy import stats
from sklearn.base import clone
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler, StandardScaler
from statsmodels.multivariate.factor import Factor

from sklearn_innov import CompositeIndex, StepwiseLogit
from sklearn_innov.diagnostics import (
    cronbach_alpha,
    item_total_statistics,
    mcdonald_omega,
)
from sklearn_innov.exceptions import (
    ConstantItemWarning,
    MissingIndexWarning,
    SklearnInnovWarning,
)
from sklearn_innov.model_selection import named_specs

SPEC = {"A": ["q1", "q2", "q3"], "B": ["q4", "b1", "b2"]}


def test_default_is_sum_of_minmax_items_and_ignores_other_columns(likert_survey):
    """The paper's construction: sum of min-max normalised items per group."""
    out = np.asarray(CompositeIndex(spec=SPEC).fit_transform(likert_survey))
    for k, items in enumerate(SPEC.values()):
        expected = MinMaxScaler().fit_transform(likert_survey[items]).sum(axis=1)
        assert_allclose(out[:, k], expected, rtol=1e-12, atol=1e-12)


def test_output_follows_spec_order(likert_survey):
    spec = {"B": SPEC["B"], "A": SPEC["A"]}
    est = CompositeIndex(spec=spec).fit(likert_survey)
    assert_array_equal(est.get_feature_names_out(), ["B", "A"])
    flipped = np.asarray(CompositeIndex(spec=SPEC).fit_transform(likert_survey))
    assert_allclose(est.transform(likert_survey), flipped[:, ::-1])
    out = est.set_output(transform="pandas").transform(likert_survey)
    assert list(out.columns) == ["B", "A"]


def test_spec_none_is_one_index_over_all_columns(rng):
    X = rng.normal(size=(10, 3))
    est = CompositeIndex().fit(X)
    assert_array_equal(est.get_feature_names_out(), ["index"])
    assert_allclose(est.transform(X).ravel(), MinMaxScaler().fit_transform(X).sum(1))


def test_integer_positions_on_arrays(rng):
    X = rng.normal(size=(12, 4))
    out = CompositeIndex(spec={"a": [0, 2], "b": [3]}).fit_transform(X)
    assert_allclose(out[:, 0], MinMaxScaler().fit_transform(X[:, [0, 2]]).sum(1))
    assert_allclose(out[:, 1], MinMaxScaler().fit_transform(X[:, [3]]).ravel())


def test_theoretical_bounds(likert_survey):
    out = CompositeIndex(spec={"A": ["q1", "q2"]}, bounds=(1, 5)).fit_transform(
        likert_survey
    )
    expected = ((likert_survey[["q1", "q2"]] - 1) / 4).sum(axis=1)
    assert_allclose(out["A"], expected)


@pytest.mark.parametrize(
    "normalize, reference",
    [
        ("zscore", lambda X: StandardScaler().fit_transform(X)),
        (None, lambda X: np.asarray(X, dtype=float)),
        (
            "rank",
            lambda X: np.column_stack(
                [
                    [stats.percentileofscore(X[c], v, kind="mean") / 100 for v in X[c]]
                    for c in X.columns
                ]
            ),
        ),
    ],
)
def test_other_normalisations(likert_survey, normalize, reference):
    items = SPEC["A"]
    out = CompositeIndex(spec={"A": items}, normalize=normalize).fit_transform(
        likert_survey
    )
    assert_allclose(out["A"], reference(likert_survey[items]).sum(axis=1), atol=1e-12)


def test_mean_and_geometric_aggregation(likert_survey):
    items = SPEC["A"]
    normed = MinMaxScaler(feature_range=(0, 1)).fit_transform(likert_survey[items])
    mean = CompositeIndex(spec={"A": items}, aggregate="mean").fit_transform(
        likert_survey
    )
    assert_allclose(mean["A"], normed.mean(axis=1))
    geo = CompositeIndex(spec={"A": items}, aggregate="geometric", normalize=None)
    raw = likert_survey[items].to_numpy(float)
    assert_allclose(
        np.asarray(geo.fit_transform(likert_survey))[:, 0], stats.gmean(raw, axis=1)
    )


def test_weights(likert_survey):
    items = SPEC["A"]
    normed = MinMaxScaler().fit_transform(likert_survey[items])
    w = np.array([2.0, 1.0, 0.5])
    weights = {"A": {"q1": 2.0, "q3": 0.5}}
    est = CompositeIndex(spec={"A": items}, weights=weights)
    assert_allclose(np.asarray(est.fit_transform(likert_survey))[:, 0], normed @ w)
    est = CompositeIndex(spec={"A": items}, weights=weights, aggregate="mean")
    assert_allclose(
        np.asarray(est.fit_transform(likert_survey))[:, 0], normed @ w / w.sum()
    )
    est = CompositeIndex(
        spec={"A": items}, weights=weights, aggregate="geometric", normalize=None
    )
    raw = likert_survey[items].to_numpy(float)
    assert_allclose(
        np.asarray(est.fit_transform(likert_survey))[:, 0],
        stats.gmean(raw, axis=1, weights=w),
    )


@pytest.mark.parametrize(
    "weights, match",
    [
        ({"Z": {"q1": 1.0}}, "weights name index"),
        ({"A": {"q9": 1.0}}, "'q9', which is not an item"),
        ({"A": {"q1": -1.0}}, r"finite number >= 0 .*got -1\.0"),
        ({"A": {"q1": 0, "q2": 0.0}}, "every item of index 'A' weight 0"),
    ],
)
def test_bad_weights_are_named(likert_survey, weights, match):
    with pytest.raises(ValueError, match=match):
        CompositeIndex(spec={"A": ["q1", "q2"]}, weights=weights).fit(likert_survey)


def test_missing_answers_are_rescaled_to_the_group_size():
    X = pd.DataFrame({"a": [0.0, 1.0, 0.5, 1.0], "b": [0.0, np.nan, 1.0, 1.0]})
    out = np.asarray(
        CompositeIndex(spec={"I": ["a", "b"]}, normalize=None).fit_transform(X)
    )
    # row 1 answered only "a" = 1.0: mean of answered items times 2 items
    assert_allclose(out[:, 0], [0.0, 2.0, 1.5, 2.0])
    mean = CompositeIndex(spec={"I": ["a", "b"]}, normalize=None, aggregate="mean")
    assert_allclose(np.asarray(mean.fit_transform(X))[:, 0], [0.0, 1.0, 0.75, 1.0])


def test_missing_error_policy_names_items_and_rows():
    X = pd.DataFrame({"a": [0.0, 1.0, 0.5], "b": [0.0, np.nan, 1.0]})
    with pytest.raises(ValueError, match=r"in 1 row, in 1 item \('b'\), and"):
        CompositeIndex(spec={"I": ["a", "b"]}, missing="error").fit(X)


def test_row_with_every_item_missing_raises_never_nan():
    X = pd.DataFrame({"a": [0.0, np.nan, 0.5], "b": [0.0, np.nan, 1.0]})
    with pytest.raises(
        ValueError, match=r"for 1 row \(index 1\).*every item.*missing='nan'"
    ):
        CompositeIndex(spec={"I": ["a", "b"]}).fit(X)


def test_reliability_matches_variance_of_total_definition(likert_survey):
    est = CompositeIndex(spec=SPEC).fit(likert_survey)
    table = est.reliability_
    assert list(table.columns) == [
        "n_items",
        "n_complete",
        "cronbach_alpha",
        "standardized_alpha",
        "omega_total",
    ]
    assert list(table.index) == ["A", "B"]
    for name, items in SPEC.items():
        Z = pd.DataFrame(MinMaxScaler().fit_transform(likert_survey[items]))
        k = len(items)
        # Cronbach (1951): k/(k-1) * (1 - sum of item variances / variance of total)
        alpha = k / (k - 1) * (1 - Z.var().sum() / Z.sum(axis=1).var())
        assert_allclose(table.loc[name, "cronbach_alpha"], alpha, rtol=1e-12)
        assert table.loc[name, "n_items"] == k
    assert 0.5 < table.loc["A", "cronbach_alpha"] < 1.0


def test_cronbach_alpha_of_parallel_items_is_spearman_brown():
    # Items with equal variances and equal covariances: alpha is the
    # Spearman-Brown prophecy k r / (1 + (k - 1) r) of the inter-item r.
    k, r = 4, 0.3
    cov = np.full((k, k), r) + np.eye(k) * (1 - r)
    L = np.linalg.cholesky(cov)
    Z = np.random.default_rng(1).normal(size=(5000, k))
    Z = (Z - Z.mean(0)) @ np.linalg.inv(np.linalg.cholesky(np.cov(Z, rowvar=False))).T
    X = Z @ L.T  # sample covariance exactly `cov`
    assert_allclose(cronbach_alpha(X), k * r / (1 + (k - 1) * r), rtol=1e-10)


def test_cronbach_alpha_drops_incomplete_rows_listwise(likert_survey):
    X = likert_survey[["q1", "q2", "q3"]].to_numpy(float)
    X_missing = X.copy()
    X_missing[[2, 7], [0, 2]] = np.nan
    keep = np.ones(len(X), bool)
    keep[[2, 7]] = False
    assert_allclose(cronbach_alpha(X_missing), cronbach_alpha(X[keep]), rtol=1e-14)


def test_cronbach_alpha_needs_two_items():
    with pytest.raises(ValueError, match="at least two items"):
        cronbach_alpha(np.ones((5, 1)))


@pytest.mark.parametrize(
    "spec, match",
    [
        ({"A": ["q1", "nope"]}, r"spec index 'A' names column\(s\) not in X: 'nope'"),
        ({"A": []}, "index 'A' is an empty group"),
        ({"A": ["q1", "q1"]}, "lists q1 more than once"),
        ({"A": "q1"}, "must list its items"),
        ({}, "defines no index"),
        ({"A": ["metro", "q1"]}, "'metro' is not numeric"),
    ],
)
def test_bad_spec_raises_at_fit_naming_it(likert_survey, spec, match):
    with pytest.raises(ValueError, match=match):
        CompositeIndex(spec=spec).fit(likert_survey)


def test_names_on_an_array_are_refused_with_the_fix(rng):
    with pytest.raises(ValueError, match="X has no column names"):
        CompositeIndex(spec={"A": ["q1"]}).fit(rng.normal(size=(5, 2)))


@pytest.mark.parametrize(
    "params, match",
    [
        (
            {"bounds": {"q1": (1, 5), "q11": (1, 5)}},
            r"^bounds names 1 column not in X: 'q11' \(did you mean 'q1'\?\)\. "
            r"Check the spelling against X\.columns, or remove it from bounds\.$",
        ),
        (
            {"bounds": {"zz": (1, 5), "yy": (1, 5)}},
            r"^bounds names 2 columns not in X: 'zz', 'yy'\. .* remove them from",
        ),
        ({"reverse": ["q2", "qq2"]}, r"^reverse names 1 column not in X: 'qq2'"),
        # the range of a column the spec leaves out is still checked
        ({"bounds": {"q1": (1, 5), "q3": (5, 1)}}, r"bounds\['q3'\]"),
    ],
)
def test_bounds_and_reverse_refuse_names_not_in_x(likert_survey, params, match):
    with pytest.raises(ValueError, match=match):
        CompositeIndex(spec={"A": ["q1", "q2"]}, **params).fit(likert_survey)


def test_bounds_and_reverse_may_name_columns_the_spec_leaves_out(likert_survey):
    # issue 28: one mapping for every spec of a search; unused, no warning
    spare = CompositeIndex(
        spec={"A": ["q1", "q2"]},
        bounds={"q1": (1, 5), "q2": (1, 5), "q3": (0, 9), "b1": (0, 1)},
        reverse=["q2", "b1", "q4"],
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = np.asarray(spare.fit_transform(likert_survey))
    q1, q2 = likert_survey["q1"], likert_survey["q2"]
    assert_allclose(out[:, 0], (q1 - 1) / 4 + (5 - q2) / 4, rtol=1e-12)
    assert spare.reverse_ == {"q2": (1.0, 5.0)}
    # a test fold's answer beyond an unused item's bounds is not checked
    wild = likert_survey.assign(q3=99, b1=7)
    assert_allclose(np.asarray(spare.transform(wild)), out, rtol=1e-12)
    # and on an array, by position
    array = likert_survey[["q1", "q2", "q3"]].to_numpy(dtype=float)
    positional = CompositeIndex(
        spec={"A": [0, 1]}, bounds={0: (1, 5), 1: (1, 5), 2: (0, 9)}, reverse=[1, 2]
    )
    assert_allclose(np.asarray(positional.fit_transform(array)), out, rtol=1e-12)


def test_transform_checks_feature_names(likert_survey):
    est = CompositeIndex(spec=SPEC).fit(likert_survey)
    with pytest.raises(ValueError, match="feature names"):
        est.transform(likert_survey.drop(columns="comment"))


def test_spec_is_a_hyperparameter(likert_survey):
    est = CompositeIndex(spec=SPEC)
    cloned = clone(est)
    assert cloned.get_params()["spec"] == SPEC
    cloned.set_params(spec={"A": ["q1"]})
    assert est.spec == SPEC


def test_grid_search_over_specs_and_aggregations(likert_survey):
    X, y = likert_survey.drop(columns="innovated"), likert_survey["innovated"]
    spec_a = {"A": ["q1", "q2"], "B": ["q3", "q4"]}
    spec_b = {"A": ["q1", "q2", "q3", "q4"], "B": ["b1", "b2"]}
    pipe = make_pipeline(CompositeIndex(), LogisticRegression())
    grid = {
        "compositeindex__spec": [spec_a, spec_b],
        "compositeindex__aggregate": ["sum", "mean"],
    }
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    search = GridSearchCV(pipe, grid, cv=cv, scoring="roc_auc").fit(X, y)
    assert len(search.cv_results_["params"]) == 4
    for params, score in zip(
        search.cv_results_["params"], search.cv_results_["mean_test_score"], strict=True
    ):
        manual = cross_val_score(
            clone(pipe).set_params(**params), X, y, cv=cv, scoring="roc_auc"
        ).mean()
        assert_allclose(score, manual, rtol=1e-12)
    best = search.best_estimator_.named_steps["compositeindex"]
    assert best.spec in (spec_a, spec_b)


def _sat_act_like(n=240, seed=0):
    """Columns of psych's sat.act: SATV, SATQ (200-800), education (0-5)..."""
    rng = np.random.default_rng(seed)
    ability = rng.normal(size=n)
    frame = pd.DataFrame(
        {
            "SATV": np.clip(
                np.round(610 + 90 * ability + rng.normal(0, 60, n)), 200, 800
            ),
            "SATQ": np.clip(
                np.round(600 + 100 * ability + rng.normal(0, 70, n)), 200, 800
            ),
            "ACT": np.clip(np.round(28 + 4 * ability + rng.normal(0, 2, n)), 3, 36),
            "education": rng.integers(0, 6, n),
            "age": rng.integers(17, 60, n),
        }
    )
    female = rng.random(n) < 1 / (
        1 + np.exp(-(0.8 * ability - 0.5 * (frame["SATQ"] - 600) / 100))
    )
    return frame, pd.Series(female.astype(int), name="female")


@pytest.mark.filterwarnings("error")
def test_a_search_over_named_specs_shares_one_bounds_mapping():
    # issue 28's grid: spec B has no education, yet the one bounds mapping
    # names it; both specs fit in every fold and score as with their own bounds
    X, y = _sat_act_like()
    spec_a = {"SAT": ["SATV", "SATQ"], "BACKGROUND": ["education", "age"]}
    spec_b = {"VERBAL": ["SATV"], "QUANT": ["SATQ"], "ACTS": ["ACT"]}
    bounds = {"SATV": (200, 800), "SATQ": (200, 800), "education": (0, 5)}
    pipe = make_pipeline(CompositeIndex(bounds=bounds), StepwiseLogit())
    grid = {
        "compositeindex__spec": named_specs(
            {"sat+background": spec_a, "three tests": spec_b}
        )
    }
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    search = GridSearchCV(pipe, grid, cv=cv, scoring="roc_auc", error_score="raise")
    scores = search.fit(X, y).cv_results_["mean_test_score"]
    assert np.isfinite(scores).all() and len(scores) == 2
    for spec, score in zip((spec_a, spec_b), scores, strict=True):
        own = {k: v for k, v in bounds.items() if any(k in g for g in spec.values())}
        alone = make_pipeline(CompositeIndex(spec=spec, bounds=own), StepwiseLogit())
        manual = cross_val_score(alone, X, y, cv=cv, scoring="roc_auc").mean()
        assert_allclose(score, manual, rtol=1e-12)


# -- reverse-keyed items -------------------------------------------------------


def test_reverse_reflects_on_declared_bounds(likert_survey):
    est = CompositeIndex(spec={"A": ["q1", "q2"]}, bounds=(1, 5), reverse=["q2"])
    out = np.asarray(est.fit_transform(likert_survey))
    q1, q2 = likert_survey["q1"], likert_survey["q2"]
    assert_allclose(out[:, 0], (q1 - 1) / 4 + (5 - q2) / 4)
    assert est.reverse_ == {"q2": (1.0, 5.0)}


def test_reverse_reflects_on_observed_bounds_and_keeps_them(likert_survey):
    train, new = likert_survey.iloc[:40], likert_survey.iloc[40:]
    est = CompositeIndex(spec={"A": ["q1", "q3"]}, reverse=["q3"]).fit(train)
    lo, hi = train["q3"].min(), train["q3"].max()
    assert est.reverse_ == {"q3": (lo, hi)}
    reflected = train.assign(q3=lo + hi - train["q3"])
    scaler = MinMaxScaler().fit(reflected[["q1", "q3"]])
    expected = scaler.transform(new.assign(q3=lo + hi - new["q3"])[["q1", "q3"]])
    assert_allclose(np.asarray(est.transform(new))[:, 0], expected.sum(axis=1))


def test_reverse_is_reflected_in_reliability():
    rng = np.random.default_rng(2)
    latent = rng.normal(size=(200, 1))
    X = pd.DataFrame(
        np.clip(np.round(3 + latent + rng.normal(size=(200, 3))), 1, 5),
        columns=["a", "b", "c"],
    )
    X["c"] = 6 - X["c"]  # negatively worded
    plain = CompositeIndex(spec={"I": ["a", "b", "c"]}, bounds=(1, 5)).fit(X)
    keyed = CompositeIndex(spec={"I": ["a", "b", "c"]}, bounds=(1, 5), reverse=["c"])
    keyed.fit(X)
    recoded = X.assign(c=6 - X["c"])
    assert_allclose(
        keyed.reliability_.loc["I", "cronbach_alpha"],
        cronbach_alpha((recoded - 1) / 4),
        rtol=1e-12,
    )
    assert (
        keyed.reliability_.loc["I", "cronbach_alpha"]
        > 0.5
        > plain.reliability_.loc["I", "cronbach_alpha"]
    )


@pytest.mark.parametrize(
    "params, match",
    [
        ({"reverse": ["q1", "q1"]}, "more than once"),
        ({"reverse": ["nope"]}, "not in X: 'nope'"),
    ],
)
def test_bad_reverse_is_named(likert_survey, params, match):
    with pytest.raises(ValueError, match=match):
        CompositeIndex(spec={"A": ["q1", "q2"]}, **params).fit(likert_survey)


def test_reverse_on_zscore_and_rank_flips_the_order(likert_survey):
    for normalize in ("zscore", "rank"):
        up = CompositeIndex(spec={"A": ["q1"]}, normalize=normalize)
        down = CompositeIndex(spec={"A": ["q1"]}, normalize=normalize, reverse=["q1"])
        a = np.asarray(up.fit_transform(likert_survey))[:, 0]
        b = np.asarray(down.fit_transform(likert_survey))[:, 0]
        if normalize == "zscore":
            assert_allclose(b, -a, atol=1e-12)
        else:
            assert_allclose(b, 1 - a, atol=1e-12)


# -- learned weights ---------------------------------------------------------


def test_pca_cov_weights_match_sklearn_pca(likert_survey):
    from sklearn.decomposition import PCA

    items = ["q1", "q2", "q3", "q4"]
    est = CompositeIndex(spec={"A": items}, weights="pca_cov").fit(likert_survey)
    normed = MinMaxScaler().fit_transform(likert_survey[items])
    component = PCA(n_components=1).fit(normed).components_[0]
    # OECD/JRC Handbook 6.1: squared loadings, scaled so equal loadings give 1
    expected = len(items) * component**2 / (component**2).sum()
    assert_allclose(list(est.weights_["A"].values()), expected, rtol=1e-10)
    assert list(est.weights_["A"]) == items
    assert_allclose(np.asarray(est.transform(likert_survey))[:, 0], normed @ expected)


def test_factor_weights_are_squared_ml_loadings(likert_survey):
    items = ["q1", "q2", "q3", "q4"]
    est = CompositeIndex(spec={"A": items}, weights="factor").fit(likert_survey)
    normed = MinMaxScaler().fit_transform(likert_survey[items])
    result = Factor(normed, n_factor=1, method="ml").fit()
    squared = result.loadings[:, 0] ** 2
    assert_allclose(
        list(est.weights_["A"].values()), 4 * squared / squared.sum(), atol=2e-3
    )


def test_equal_loadings_reproduce_the_equal_weight_index():
    k, r = 4, 0.4
    cov = np.full((k, k), r) + np.eye(k) * (1 - r)
    Z = np.random.default_rng(4).normal(size=(500, k))
    Z -= Z.mean(axis=0)
    Z = Z @ np.linalg.inv(np.linalg.cholesky(np.cov(Z, rowvar=False))).T
    X = Z @ np.linalg.cholesky(cov).T  # equal variances, equal covariances
    for weights in ("pca", "factor"):
        est = CompositeIndex(normalize="zscore", weights=weights).fit(X)
        assert_allclose(list(est.weights_["index"].values()), np.ones(k), rtol=1e-6)


def test_factor_weights_need_three_items(likert_survey):
    with pytest.raises(ValueError, match="index 'B' has two .* not identified"):
        CompositeIndex(
            spec={"A": ["q1", "q2", "q3"], "B": ["q4", "b1"]}, weights="factor"
        ).fit(likert_survey)
    one = CompositeIndex(spec={"A": ["q1"]}, weights="factor").fit(likert_survey)
    assert one.weights_ == {"A": {"q1": 1.0}}


def test_reliability_uses_the_learned_weights(likert_survey):
    items = ["q1", "q2", "q3", "q4"]
    est = CompositeIndex(spec={"A": items}, weights="pca").fit(likert_survey)
    w = np.array(list(est.weights_["A"].values()))
    weighted = MinMaxScaler().fit_transform(likert_survey[items]) * w
    row = est.reliability_.loc["A"]
    assert_allclose(row["cronbach_alpha"], cronbach_alpha(weighted), rtol=1e-12)
    assert_allclose(row["omega_total"], mcdonald_omega(weighted), rtol=1e-9)
    assert_allclose(
        est.item_statistics_.loc["A"].to_numpy(),
        item_total_statistics(weighted).to_numpy(),
        rtol=1e-12,
    )


def test_item_statistics_cover_indices_of_two_or_more_items(likert_survey):
    est = CompositeIndex(spec={"A": ["q1", "q2", "q3"], "B": ["q4"]}).fit(likert_survey)
    assert list(est.item_statistics_.index) == [("A", "q1"), ("A", "q2"), ("A", "q3")]
    assert est.item_statistics_.index.names == ["index", "item"]
    assert np.isnan(est.reliability_.loc["B", "omega_total"])


# -- benefit of the doubt ----------------------------------------------------


def _brute_bod(Y, train, shares=None):
    """One linprog per row: max w.y s.t. w.y_j <= 1 for every training row."""
    from scipy.optimize import linprog

    k = Y.shape[1]
    A, b = [train], [np.ones(len(train))]
    if shares is not None:
        A += [shares[0] - np.eye(k), np.eye(k) - shares[1]]
        b += [np.zeros(k), np.zeros(k)]
    A, b = np.vstack(A), np.concatenate(b)
    return np.array(
        [-linprog(-y, A_ub=A, b_ub=b, bounds=(0, None), method="highs").fun for y in Y]
    )


@pytest.fixture
def continuous_items(rng):
    latent = rng.normal(size=(80, 1))
    return pd.DataFrame(latent + rng.normal(size=(80, 4)), columns=["a", "b", "c", "d"])


@pytest.mark.parametrize("shares", [None, (0.1, 0.4)])
def test_bod_matches_one_linear_program_per_row(continuous_items, shares):
    X = continuous_items
    est = CompositeIndex(spec={"I": list(X.columns)}, weights="bod", bod_bounds=shares)
    scores = np.asarray(est.fit_transform(X))[:, 0]
    Y = MinMaxScaler().fit_transform(X)
    assert_allclose(scores, _brute_bod(Y, Y, shares), atol=1e-9)
    # no training row above 1, and the frontier rows reach it
    assert scores.max() <= 1 + 1e-9
    assert_allclose(scores.max(), 1.0)
    assert est.weights_ == {"I": None}
    frontier = est.bod_frontier_["I"].to_numpy()
    assert_allclose(_brute_bod(frontier, Y, shares), 1.0, atol=1e-9)


def test_bod_score_is_the_best_feasible_weighting(continuous_items, rng):
    """Defining property: no feasible weight vector gives a row more."""
    X = continuous_items
    scores = np.asarray(CompositeIndex(weights="bod").fit_transform(X))[:, 0]
    Y = MinMaxScaler().fit_transform(X)
    W = rng.dirichlet(np.ones(4), size=2000)
    W /= (Y @ W.T).max(axis=0)[:, None]  # scale each to be feasible
    assert ((Y @ W.T) <= scores[:, None] + 1e-9).all()


def test_bod_transform_solves_against_the_training_frontier(continuous_items):
    X = continuous_items
    train, new = X.iloc[:60], X.iloc[60:]
    est = CompositeIndex(weights="bod").fit(train)
    # new rows beyond the training range are clipped to it (out_of_range)
    scaler = MinMaxScaler(clip=True).fit(train)
    expected = _brute_bod(scaler.transform(new), scaler.transform(train))
    assert_allclose(np.asarray(est.transform(new))[:, 0], expected, atol=1e-9)
    # a row beyond the best on every item scores as the ideal row (all 1)
    better = pd.DataFrame([train.max() + 1.0])
    ideal = _brute_bod(np.ones((1, 4)), scaler.transform(train))
    assert_allclose(np.asarray(est.transform(better))[:, 0], ideal, atol=1e-9)
    assert ideal[0] > 1
    # below the training minimum on one item: that item gets no weight
    worse = pd.DataFrame([train.min() - 1.0]).assign(a=train["a"].max())
    assert_allclose(np.asarray(est.transform(worse))[0, 0], 1.0, atol=1e-9)


def test_bod_with_equal_share_bounds_is_the_rescaled_sum(continuous_items):
    X = continuous_items
    scores = np.asarray(
        CompositeIndex(weights="bod", bod_bounds=(0.25, 0.25)).fit_transform(X)
    )
    total = MinMaxScaler().fit_transform(X).sum(axis=1)
    assert_allclose(scores[:, 0], total / total.max(), atol=1e-9)


@pytest.mark.parametrize(
    "params, match",
    [
        ({"weights": "bod", "aggregate": "mean"}, "aggregate='sum'"),
        ({"weights": "bod", "normalize": "zscore"}, "non-negative normalised"),
        ({"bod_bounds": (0.1, 0.5)}, "weights='bod' only"),
        ({"weights": "bod", "bod_bounds": (0.5, 0.2)}, "0 <= low <= high <= 1"),
        ({"weights": "bod", "bod_bounds": (0.4, 0.9)}, "low <= 1/3 <= high"),
    ],
)
def test_bad_bod_settings_are_named(likert_survey, params, match):
    with pytest.raises(ValueError, match=match):
        CompositeIndex(spec={"A": ["q1", "q2", "q3"]}, **params).fit(likert_survey)


@pytest.mark.parametrize("n_missing, rows", [(1, "1 such row"), (3, "3 such rows")])
def test_bod_refuses_missing_answers(n_missing, rows):
    # the count in number (issue 28: "13 such row(s)")
    X = pd.DataFrame({"a": np.linspace(0, 1, 6), "b": np.linspace(1, 0, 6)})
    X.loc[: n_missing - 1, "b"] = np.nan
    with pytest.raises(ValueError, match=rf"missing answers.*has {rows}\. Impute"):
        CompositeIndex(weights="bod").fit(X)


@pytest.mark.parametrize(
    "missing, n_rows, text",
    [
        ("error", 1, "has missing answers in 1 row, in 1 item ('b'), and"),
        ("error", 2, "has missing answers in 2 rows, in 2 items ('a', 'b'), and"),
        ("rescale", 1, "cannot be computed for 1 row (index 0)"),
        ("rescale", 2, "cannot be computed for 2 rows (index 0, 1)"),
    ],
)
def test_counts_of_rows_and_items_are_in_number(missing, n_rows, text):
    X = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0], "b": [4.0, 1.0, 2.0, 3.0]})
    if missing == "error":  # a missing answer in b, then one in a too
        X.loc[0, "b"] = np.nan
        if n_rows == 2:
            X.loc[1, "a"] = np.nan
    else:  # rows with no answer at all
        X.iloc[:n_rows] = np.nan
    with pytest.raises(ValueError) as error:
        CompositeIndex(spec={"I": ["a", "b"]}, missing=missing).fit(X)
    assert text in str(error.value)
    assert "(s)" not in str(error.value)


def test_grid_search_over_weights_and_reverse(likert_survey):
    X, y = likert_survey.drop(columns="innovated"), likert_survey["innovated"]
    spec = {"A": ["q1", "q2", "q3"], "B": ["q4", "b1", "b2"]}
    pipe = make_pipeline(CompositeIndex(spec=spec), LogisticRegression())
    grid = {
        "compositeindex__weights": [None, "pca", "factor", "bod"],
        "compositeindex__reverse": [None, ["q3"]],
    }
    cv = StratifiedKFold(2, shuffle=True, random_state=0)
    search = GridSearchCV(pipe, grid, cv=cv, scoring="roc_auc").fit(X, y)
    assert len(search.cv_results_["params"]) == 8
    # test folds hold firms outside the training range: every score is defined
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    for params, score in zip(
        search.cv_results_["params"], search.cv_results_["mean_test_score"], strict=True
    ):
        manual = cross_val_score(
            clone(pipe).set_params(**params), X, y, cv=cv, scoring="roc_auc"
        ).mean()
        assert_allclose(score, manual, rtol=1e-12)


def test_bounds_violation_names_the_item_not_a_position(likert_survey):
    survey = likert_survey.assign(q2=likert_survey["q2"].where(lambda s: s < 5, 7))
    with pytest.raises(
        ValueError, match=r"'q2' is outside its declared bounds \[1, 5\]"
    ):
        CompositeIndex(spec=SPEC, bounds=(1, 5)).fit(survey)


# -- predict time: out_of_range, constant items, empty rows -------------------


def _halves(frame):
    return frame.iloc[: len(frame) // 2], frame.iloc[len(frame) // 2 :]


def test_new_rows_beyond_the_training_range_are_clipped_by_default(rng):
    X = pd.DataFrame(rng.normal(size=(40, 3)), columns=["a", "b", "c"])
    train, new = _halves(X)
    wild = new * 100.0  # the indices of 221 or -114
    est = CompositeIndex(spec={"I": ["a", "b", "c"]}).fit(train)
    expected = MinMaxScaler(clip=True).fit(train).transform(wild).sum(axis=1)
    out = np.asarray(est.transform(wild))[:, 0]
    assert_allclose(out, expected, rtol=1e-12, atol=1e-12)
    assert (out >= 0).all() and (out <= 3).all()
    # the same with the policy written out
    explicit = CompositeIndex(spec={"I": ["a", "b", "c"]}, out_of_range="clip")
    assert_allclose(explicit.fit(train).transform(wild)["I"], out)


@pytest.mark.parametrize("normalize", ["zscore", "rank", None])
def test_clip_applies_to_the_items_before_every_normalisation(rng, normalize):
    X = pd.DataFrame(rng.normal(size=(40, 2)), columns=["a", "b"])
    train, new = _halves(X)
    new = new * 5.0
    est = CompositeIndex(spec={"I": ["a", "b"]}, normalize=normalize).fit(train)
    clipped = new.clip(train.min(), train.max(), axis=1)
    reference = CompositeIndex(spec={"I": ["a", "b"]}, normalize=normalize).fit(train)
    assert_allclose(est.transform(new)["I"], reference.transform(clipped)["I"])
    if normalize == "zscore":  # oracle: StandardScaler on the clipped items
        expected = StandardScaler().fit(train).transform(clipped).sum(axis=1)
        assert_allclose(est.transform(new)["I"], expected, rtol=1e-12)


def test_out_of_range_error_names_the_parameter_items_rows_and_values():
    train = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [0.0, 0.5, 1.0]})
    new = pd.DataFrame({"a": [2.0, 6.0, 0.5], "b": [0.5, 0.5, 0.5]}, index=[7, 8, 9])
    est = CompositeIndex(spec={"I": ["a", "b"]}, out_of_range="error").fit(train)
    with pytest.raises(ValueError) as info:
        est.transform(new)
    message = str(info.value)
    assert message.startswith(
        "CompositeIndex: 'a' is outside its training range [1, 3] in 2 rows "
        "(index 8, 9: 6, 0.5). Set out_of_range='clip'"
    )
    assert "out_of_range='nan'" in message and "clip=True" not in message
    assert "np.float64" not in message and "\n" not in message
    # arrays: rows counted from 1
    est = CompositeIndex(spec={"I": [0, 1]}, out_of_range="error").fit(train.values)
    with pytest.raises(ValueError, match=r"row 2, 3 \(counting from 1\): 6, 0\.5\)"):
        est.transform(new.values)


def test_out_of_range_nan_counts_them_as_missing_answers():
    train = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [0.0, 0.5, 1.0]})
    new = pd.DataFrame({"a": [6.0], "b": [0.5]})
    est = CompositeIndex(spec={"I": ["a", "b"]}, out_of_range="nan").fit(train)
    # "a" is missing: the sum is rescaled from "b" alone, 0.5 * 2 / 1
    assert_allclose(est.transform(new)["I"], [1.0])
    strict = CompositeIndex(
        spec={"I": ["a", "b"]}, out_of_range="nan", missing="error"
    ).fit(train)
    with pytest.raises(ValueError, match=r"out-of-range values count.*'a'"):
        strict.transform(new)


def test_declared_bounds_refuse_impossible_answers_by_default(likert_survey):
    items = ["q1", "q2"]
    est = CompositeIndex(spec={"A": items}, bounds=(1, 5)).fit(likert_survey)
    coded = likert_survey.assign(q2=likert_survey["q2"].mask(lambda s: s == 3, 9))
    n_coded = int((coded["q2"] == 9).sum())
    with pytest.raises(
        ValueError,
        match=rf"'q2' is outside its declared bounds \[1, 5\] in {n_coded} rows"
        r".*out_of_range='clip'.*or widen bounds\.$",
    ):
        est.transform(coded)
    # "nan": a don't-know code 9 is a missing answer, at fit as at transform
    as_missing = CompositeIndex(spec={"A": items}, bounds=(1, 5), out_of_range="nan")
    expected = CompositeIndex(spec={"A": items}, bounds=(1, 5)).fit_transform(
        coded.assign(q2=coded["q2"].mask(coded["q2"] == 9))
    )
    assert_allclose(as_missing.fit_transform(coded)["A"], expected["A"])
    # "clip": 9 counts as 5, the top of the scale
    clipped = CompositeIndex(spec={"A": items}, bounds=(1, 5), out_of_range="clip")
    expected = ((coded[items].clip(1, 5) - 1) / 4).sum(axis=1)
    assert_allclose(clipped.fit_transform(coded)["A"], expected)


def test_a_constant_item_is_warned_about_and_clipped_at_transform(likert_survey):
    train, new = _halves(likert_survey)
    train = train.assign(q3=3)
    items = ["q1", "q2", "q3"]
    with pytest.warns(ConstantItemWarning, match=r"'q3' \(always 3\) takes a single"):
        est = CompositeIndex(spec={"A": items}).fit(train)
    # at transform q3 varies; it counts as its training value 3 (normalised 0)
    reference = MinMaxScaler().fit(train[items[:2]])
    expected = reference.transform(new[items[:2]]).clip(0, 1).sum(axis=1)
    assert_allclose(est.transform(new)["A"], expected, rtol=1e-12, atol=1e-12)
    with pytest.warns(ConstantItemWarning):
        strict = CompositeIndex(spec={"A": items}, out_of_range="error").fit(train)
    with pytest.raises(
        ValueError, match=r"'q3' is outside its training range \[3, 3\]"
    ):
        strict.transform(new)


def test_constant_warning_points_at_the_callers_line(likert_survey):
    train = likert_survey.assign(q3=3)
    with pytest.warns(ConstantItemWarning) as record:
        CompositeIndex(spec={"A": ["q1", "q3"]}).fit(train)
    assert record[0].filename == __file__
    # also through a Pipeline: the line that calls the Pipeline
    pipe = make_pipeline(CompositeIndex(spec={"A": ["q1", "q3"]}), StandardScaler())
    with pytest.warns(ConstantItemWarning) as record:
        pipe.fit(train)
    assert record[0].filename == __file__


def test_a_row_with_a_whole_index_unanswered():
    X = pd.DataFrame(
        {"a": [0.0, np.nan, 0.5, 1.0], "b": [0.0, np.nan, 1.0, 0.25]},
        index=["f1", "f2", "f3", "f4"],
    )
    with pytest.raises(ValueError, match=r"for 1 row \(index 'f2'\).*missing='nan'"):
        CompositeIndex(spec={"I": ["a", "b"]}, normalize=None).fit(X)
    est = CompositeIndex(spec={"I": ["a", "b"]}, normalize=None, missing="nan")
    with pytest.warns(
        MissingIndexWarning, match=r"'I' is NaN for 1 row \(index 'f2'\)"
    ):
        out = est.fit_transform(X)
    assert_allclose(out["I"], [0.0, np.nan, 1.5, 1.25])
    assert_allclose(est.reliability_["n_complete"], [3])


def test_missing_nan_lets_an_imputer_decide(likert_survey):
    X = likert_survey.drop(columns="innovated").astype({"q1": float, "q2": float})
    X.loc[[3, 17], ["q1", "q2"]] = np.nan
    y = likert_survey["innovated"]
    pipe = make_pipeline(
        CompositeIndex(spec={"A": ["q1", "q2"], "B": ["q3", "q4"]}, missing="nan"),
        SimpleImputer(),
        LogisticRegression(),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MissingIndexWarning)
        scores = cross_val_score(pipe, X, y, cv=3, error_score="raise")
    assert np.isfinite(scores).all()


# -- bounds with every normalisation ------------------------------------------

LIKERT_BOUNDS = {"q1": (1, 5), "q2": (1, 5), "q3": (1, 5), "b1": (0, 1)}


@pytest.mark.parametrize("normalize", ["minmax", "zscore", "rank", None])
def test_bounds_reverse_key_items_on_the_scale_for_every_normalisation(
    likert_survey, normalize
):
    spec = {"A": ["q1", "q2", "q3", "b1"]}
    # an observed range narrower than the scale: reflection must use (1, 5)
    survey = likert_survey.assign(q3=likert_survey["q3"].clip(2, 4))
    keyed = CompositeIndex(
        spec=spec, normalize=normalize, bounds=LIKERT_BOUNDS, reverse=["q3"]
    ).fit(survey)
    assert keyed.reverse_ == {"q3": (1.0, 5.0)}
    by_hand = CompositeIndex(spec=spec, normalize=normalize, bounds=LIKERT_BOUNDS)
    expected = by_hand.fit_transform(survey.assign(q3=6 - survey["q3"]))
    assert_allclose(keyed.transform(survey)["A"], expected["A"], rtol=1e-12)


@pytest.mark.parametrize("normalize", ["zscore", "rank", None])
def test_bounds_validate_answers_for_every_normalisation(likert_survey, normalize):
    survey = likert_survey.assign(q1=likert_survey["q1"].replace(5, 7))
    with pytest.raises(ValueError, match=r"'q1' is outside its declared bounds"):
        CompositeIndex(spec={"A": ["q1"]}, normalize=normalize, bounds=(1, 5)).fit(
            survey
        )


def test_grid_search_over_normalize_with_bounds_fails_no_fit(likert_survey):
    X, y = likert_survey.drop(columns="innovated"), likert_survey["innovated"]
    spec = {"A": ["q1", "q2", "q3"], "B": ["q4", "b1", "b2"]}
    bounds = {**LIKERT_BOUNDS, "q4": (1, 5), "b2": (0, 1)}
    pipe = make_pipeline(
        CompositeIndex(spec=spec, bounds=bounds, reverse=["q3"]), LogisticRegression()
    )
    grid = {
        "compositeindex__normalize": ["minmax", "zscore", "rank", None],
        "compositeindex__weights": [None, "pca"],
    }
    cv = StratifiedKFold(5, shuffle=True, random_state=0)
    search = GridSearchCV(pipe, grid, cv=cv, scoring="roc_auc", error_score="raise")
    search.fit(X, y)
    scores = np.column_stack(
        [search.cv_results_[f"split{k}_test_score"] for k in range(5)]
    )
    assert scores.shape == (8, 5) and np.isfinite(scores).all()


# -- items of weight 0 ---------------------------------------------------------


def test_a_constant_item_with_learned_weight_0_drops_out_of_a_geometric_mean(rng):
    X = pd.DataFrame(
        rng.integers(1, 6, size=(30, 3)).astype(float), columns=list("abc")
    )
    X["c"] = 3.0  # min-max maps it to 0, and ln 0 x 0 was NaN
    with (
        pytest.warns(ConstantItemWarning),
        pytest.warns(SklearnInnovWarning, match="'c' of index 'A' do not vary"),
    ):
        est = CompositeIndex(
            spec={"A": ["a", "b", "c"]}, weights="pca", aggregate="geometric"
        ).fit(X)
    w = np.array([est.weights_["A"][item] for item in "abc"])
    assert w[2] == 0.0
    normed = MinMaxScaler().fit_transform(X[["a", "b"]])
    with np.errstate(divide="ignore"):  # scipy's own ln 0 of a zero item
        expected = stats.gmean(normed, axis=1, weights=w[:2])
    out = np.asarray(est.transform(X))[:, 0]
    assert np.isfinite(out).all()
    assert_allclose(out, expected, rtol=1e-12, atol=1e-300)


def test_a_weight_of_0_given_by_the_user_drops_the_item_out():
    X = pd.DataFrame(
        {"a": [0.5, 0.25, np.nan, 1.0], "b": [0.0, 1.0, 0.5, np.nan], "c": [1.0] * 4}
    ).assign(c=[1.0, 2.0, 4.0, 0.5])
    weights = {"I": {"a": 2.0, "b": 0.0}}
    kwargs = dict(spec={"I": ["a", "b", "c"]}, normalize=None, weights=weights)
    # sum: answered items of positive weight, rescaled to the total weight 3
    out = CompositeIndex(**kwargs).fit_transform(X)["I"]
    assert_allclose(out, [2.0, 2.5, 4.0 * 3 / 1, 2.5])
    # geometric: b (a zero in row 0) weighs 0 and leaves the mean alone
    geo = CompositeIndex(**kwargs, aggregate="geometric").fit_transform(X)["I"]
    expected = [
        stats.gmean([0.5, 1.0], weights=[2, 1]),
        stats.gmean([0.25, 2.0], weights=[2, 1]),
        4.0,
        stats.gmean([1.0, 0.5], weights=[2, 1]),
    ]
    assert_allclose(geo, expected, rtol=1e-12)
    # a row that answers only the weight-0 item has no index
    lonely = pd.DataFrame({"a": [np.nan], "b": [0.5], "c": [np.nan]})
    est = CompositeIndex(**kwargs).fit(X)
    with pytest.raises(ValueError, match="every item .* is missing or weighs 0"):
        est.transform(lonely)


def test_the_new_attributes_survive_a_pickle(likert_survey):
    train, new = _halves(likert_survey)
    est = CompositeIndex(spec=SPEC, bounds=LIKERT_BOUNDS, out_of_range="clip")
    est.fit(train)
    loaded = pickle.loads(pickle.dumps(est))
    assert_allclose(loaded.transform(new * 2), est.transform(new * 2))


@pytest.mark.parametrize("scale", [1e-100, 1e-9, 1.0, 1e9, 1e100])
def test_out_of_range_does_not_depend_on_units(rng, scale):
    X = pd.DataFrame(rng.normal(size=(40, 3)), columns=["a", "b", "c"])
    train, new = _halves(X)
    new = new * 4.0
    for normalize in ["minmax", "rank"]:
        ref = CompositeIndex(spec={"I": ["a", "b", "c"]}, normalize=normalize)
        est = clone(ref).fit(train * scale)
        assert_allclose(
            est.transform(new * scale)["I"],
            ref.fit(train).transform(new)["I"],
            rtol=1e-12,
            atol=1e-12,
        )


def test_a_constant_item_with_declared_bounds_is_normalised_on_them(likert_survey):
    train, new = _halves(likert_survey)
    train = train.assign(q3=3)
    with pytest.warns(ConstantItemWarning, match="if that is not intended") as record:
        est = CompositeIndex(spec={"A": ["q1", "q3"]}, bounds=(1, 5)).fit(train)
    assert "out_of_range" not in str(record[0].message)
    assert_allclose(est.transform(new)["A"], ((new[["q1", "q3"]] - 1) / 4).sum(axis=1))


def test_missing_index_warning_points_at_the_callers_line():
    X = pd.DataFrame({"a": [0.0, np.nan, 0.5], "b": [0.0, np.nan, 1.0]})
    est = CompositeIndex(spec={"I": ["a", "b"]}, missing="nan")
    with pytest.warns(MissingIndexWarning) as record:
        est.fit(X)
    assert [r.filename for r in record] == [__file__]
