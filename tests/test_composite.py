import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy import stats
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler, StandardScaler

from sklearn_innov import CompositeIndex
from sklearn_innov.diagnostics import cronbach_alpha

SPEC = {"A": ["q1", "q2", "q3"], "B": ["q4", "b1", "b2"]}


def test_default_is_sum_of_minmax_items_and_ignores_other_columns(likert_survey):
    """The paper's construction: sum of min-max normalised items per group."""
    out = CompositeIndex(spec=SPEC).fit_transform(likert_survey)
    for k, items in enumerate(SPEC.values()):
        expected = MinMaxScaler().fit_transform(likert_survey[items]).sum(axis=1)
        assert_allclose(out[:, k], expected, rtol=1e-12, atol=1e-12)


def test_output_follows_spec_order(likert_survey):
    spec = {"B": SPEC["B"], "A": SPEC["A"]}
    est = CompositeIndex(spec=spec).fit(likert_survey)
    assert_array_equal(est.get_feature_names_out(), ["B", "A"])
    flipped = CompositeIndex(spec=SPEC).fit_transform(likert_survey)
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
    assert_allclose(out[:, 0], expected)


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
    assert_allclose(out[:, 0], reference(likert_survey[items]).sum(axis=1), atol=1e-12)


def test_mean_and_geometric_aggregation(likert_survey):
    items = SPEC["A"]
    normed = MinMaxScaler(feature_range=(0, 1)).fit_transform(likert_survey[items])
    mean = CompositeIndex(spec={"A": items}, aggregate="mean").fit_transform(
        likert_survey
    )
    assert_allclose(mean[:, 0], normed.mean(axis=1))
    geo = CompositeIndex(spec={"A": items}, aggregate="geometric", normalize=None)
    raw = likert_survey[items].to_numpy(float)
    assert_allclose(geo.fit_transform(likert_survey)[:, 0], stats.gmean(raw, axis=1))


def test_weights(likert_survey):
    items = SPEC["A"]
    normed = MinMaxScaler().fit_transform(likert_survey[items])
    w = np.array([2.0, 1.0, 0.5])
    weights = {"A": {"q1": 2.0, "q3": 0.5}}
    est = CompositeIndex(spec={"A": items}, weights=weights)
    assert_allclose(est.fit_transform(likert_survey)[:, 0], normed @ w)
    est = CompositeIndex(spec={"A": items}, weights=weights, aggregate="mean")
    assert_allclose(est.fit_transform(likert_survey)[:, 0], normed @ w / w.sum())
    est = CompositeIndex(
        spec={"A": items}, weights=weights, aggregate="geometric", normalize=None
    )
    raw = likert_survey[items].to_numpy(float)
    assert_allclose(
        est.fit_transform(likert_survey)[:, 0], stats.gmean(raw, axis=1, weights=w)
    )


@pytest.mark.parametrize(
    "weights, match",
    [
        ({"Z": {"q1": 1.0}}, "weights name index"),
        ({"A": {"q9": 1.0}}, "'q9', which is not an item"),
        ({"A": {"q1": -1.0}}, "positive finite"),
    ],
)
def test_bad_weights_are_named(likert_survey, weights, match):
    with pytest.raises(ValueError, match=match):
        CompositeIndex(spec={"A": ["q1", "q2"]}, weights=weights).fit(likert_survey)


def test_missing_answers_are_rescaled_to_the_group_size():
    X = pd.DataFrame({"a": [0.0, 1.0, 0.5, 1.0], "b": [0.0, np.nan, 1.0, 1.0]})
    out = CompositeIndex(spec={"I": ["a", "b"]}, normalize=None).fit_transform(X)
    # row 1 answered only "a" = 1.0: mean of answered items times 2 items
    assert_allclose(out[:, 0], [0.0, 2.0, 1.5, 2.0])
    mean = CompositeIndex(spec={"I": ["a", "b"]}, normalize=None, aggregate="mean")
    assert_allclose(mean.fit_transform(X)[:, 0], [0.0, 1.0, 0.75, 1.0])


def test_missing_error_policy_names_items_and_rows():
    X = pd.DataFrame({"a": [0.0, 1.0, 0.5], "b": [0.0, np.nan, 1.0]})
    with pytest.raises(ValueError, match=r"item\(s\) 'b' \(1 row"):
        CompositeIndex(spec={"I": ["a", "b"]}, missing="error").fit(X)


def test_row_with_every_item_missing_raises_never_nan():
    X = pd.DataFrame({"a": [0.0, np.nan, 0.5], "b": [0.0, np.nan, 1.0]})
    with pytest.raises(ValueError, match=r"1 row\(s\) \(positions 1\).*every item"):
        CompositeIndex(spec={"I": ["a", "b"]}).fit(X)


def test_reliability_matches_variance_of_total_definition(likert_survey):
    est = CompositeIndex(spec=SPEC).fit(likert_survey)
    table = est.reliability_
    assert list(table.columns) == ["n_items", "n_complete", "cronbach_alpha"]
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


def test_bounds_need_minmax_and_known_items(likert_survey):
    with pytest.raises(ValueError, match="normalize='minmax' only"):
        CompositeIndex(spec=SPEC, normalize="zscore", bounds=(1, 5)).fit(likert_survey)
    with pytest.raises(ValueError, match="'b1' that no index uses"):
        CompositeIndex(spec={"A": ["q1"]}, bounds={"b1": (0, 1)}).fit(likert_survey)


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
