"""Learned weights of CompositeIndex: zero weights, magnitudes, degenerate folds."""

import warnings

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from scipy import stats
from sklearn.decomposition import PCA
from sklearn.model_selection import KFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler, StandardScaler
from statsmodels.multivariate.factor import Factor

from sklearn_innov import CobbDouglasRegressor, CompositeIndex
from sklearn_innov.exceptions import ConstantItemWarning, SklearnInnovWarning

SCALES = (1e-160, 1e-100, 1e-9, 1.0, 1e9, 1e100, 1e154)

# Columns of a Hadamard matrix of order 8: centred and mutually orthogonal, so
# items built from different columns have covariance exactly 0 in exact
# arithmetic (and about 1e-18 in floating point).
H = np.array(
    [
        [1, 1, 1, 1],
        [-1, 1, -1, 1],
        [1, -1, -1, 1],
        [-1, -1, 1, 1],
        [1, 1, 1, -1],
        [-1, 1, -1, -1],
        [1, -1, -1, -1],
        [-1, -1, 1, -1],
    ],
    dtype=float,
)


def _uncorrelated_items():
    """a and b correlated; c uncorrelated with both; c is 0 where a, b > 0."""
    return pd.DataFrame(
        {
            "a": H[:, 0] + 0.5 * H[:, 1],
            "b": H[:, 0] + 0.3 * H[:, 2],
            "c": 0.2 * H[:, 3],
        }
    )


def _first_component(X, standardise=True):
    """scikit-learn's first principal component (of the z-scores by default)."""
    Z = StandardScaler().fit_transform(X) if standardise else X
    return PCA(n_components=1, svd_solver="full").fit(Z).components_[0]


def _weighted_gmean(X, w):
    """The oracle: scipy's weighted geometric mean over the items of weight > 0."""
    keep = w > 0
    return stats.gmean(X[:, keep], axis=1, weights=w[keep])


def test_a_constant_item_weighs_exactly_0_and_drops_out_of_geometric_means(rng):
    """A constant item (0 after min-max) made every geometric index NaN (0 x ln 0)."""
    X = pd.DataFrame(rng.integers(1, 6, size=(40, 3)), columns=["a", "b", "c"])
    X["zero"] = 0
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with (
            pytest.warns(ConstantItemWarning, match="'zero' \\(always 0\\)"),
            pytest.warns(SklearnInnovWarning, match="'zero' of index 'index'") as rec,
        ):
            est = CompositeIndex(weights="pca", aggregate="geometric").fit(X)
        # attributed to the caller's line, through fit and fit_transform alike
        with pytest.warns(SklearnInnovWarning) as again:
            CompositeIndex(weights="pca").set_output(transform="pandas").fit_transform(
                X
            )
        assert {w.filename for w in [*rec, *again]} == {__file__}
        out = np.asarray(est.transform(X))[:, 0]
    w = np.array(list(est.weights_["index"].values()))
    assert w[3] == 0.0
    normed = MinMaxScaler().fit_transform(X[["a", "b", "c"]])
    expected = _weighted_gmean(normed, w[:3])
    assert np.isfinite(out).all()
    assert_allclose(out, expected, rtol=1e-12)


def test_a_weight_0_by_rounding_is_exactly_0():
    """Covariance 1e-18 instead of 0 gave a weight of 0 or 1e-34 by BLAS build."""
    X = _uncorrelated_items()
    normed = MinMaxScaler().fit_transform(X)
    est = CompositeIndex(weights="pca", aggregate="geometric").fit(X)
    w = np.array(list(est.weights_["index"].values()))
    assert w[2] == 0.0
    # the oracle: scikit-learn's PCA of the standardised items (correlations)
    component = _first_component(normed)[:2]
    assert_allclose(w[:2], 3 * component**2 / (component**2).sum(), rtol=1e-10)
    out = np.asarray(est.transform(X))[:, 0]
    # rows 5 and 7 have c = 0 but a, b > 0: a weight of 1e-34 on c zeroed them
    assert (out[[4, 6]] > 0).all()
    assert_allclose(out, _weighted_gmean(normed, w), rtol=1e-12)


# -- PCA on correlations, the covariance version as an option -----------------


def test_pca_weights_come_from_the_correlation_matrix(likert_survey):
    """The Handbook's PCA: weights from the correlations, not the variances."""
    items = ["q1", "q2", "q3", "q4", "b1"]
    normed = MinMaxScaler().fit_transform(likert_survey[items])
    for method, standardise in (("pca", True), ("pca_cov", False)):
        est = CompositeIndex(spec={"A": items}, weights=method).fit(likert_survey)
        component = _first_component(normed, standardise)
        expected = len(items) * component**2 / (component**2).sum()
        assert_allclose(list(est.weights_["A"].values()), expected, rtol=1e-10)
    # the two differ here: b1 (0/1) has the largest variance after min-max
    cov = CompositeIndex(spec={"A": items}, weights="pca_cov").fit(likert_survey)
    corr = CompositeIndex(spec={"A": items}, weights="pca").fit(likert_survey)
    assert cov.weights_["A"]["b1"] > corr.weights_["A"]["b1"] + 0.1


def test_pca_weights_of_the_paper_survey_are_the_handbooks():
    """Issue 23: covariance PCA gave owner_languages 2.38; the Handbook's ~1."""
    from sklearn_innov.datasets import PAPER_SPEC, make_sme_survey

    survey = make_sme_survey(random_state=0).frame
    items = PAPER_SPEC["X2"]
    est = CompositeIndex(spec={"X2": items}, weights="pca").fit(survey)
    component = _first_component(MinMaxScaler().fit_transform(survey[items]))
    assert_allclose(list(est.weights_["X2"].values()), 3 * component**2, rtol=1e-10)
    assert max(est.weights_["X2"].values()) < 1.2


def test_a_tied_first_component_is_refused_not_drawn_at_random():
    X = np.column_stack([H[:, 0], H[:, 1]])  # uncorrelated, equal variances
    with pytest.raises(ValueError, match="first principal component .* not unique"):
        CompositeIndex(weights="pca").fit(X)


@pytest.mark.parametrize("method", ["pca", "pca_cov", "factor"])
def test_learned_weights_are_the_same_in_any_units(likert_survey, method):
    """Issue 24: off by 5e-4 at 1e-160; a raw LinAlgError at 1e154."""
    items = ["q1", "q2", "q3", "q4"]
    X = likert_survey[items].to_numpy(float)
    if method == "factor":
        result = Factor(X, n_factor=1, method="ml").fit()
        squared = result.loadings[:, 0] ** 2
    else:
        squared = _first_component(X, standardise=method == "pca") ** 2
    expected = 4 * squared / squared.sum()
    learned = {}
    for scale in SCALES:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            est = CompositeIndex(normalize=None, weights=method).fit(X * scale)
        learned[scale] = np.array(list(est.weights_["index"].values()))
    assert_allclose(learned[1.0], expected, rtol=1e-9 if method != "factor" else 2e-3)
    for scale in SCALES:
        assert_allclose(learned[scale], learned[1.0], rtol=1e-10, err_msg=scale)


# -- weights="factor" on a degenerate fold --------------------------------------


def test_factor_weights_fall_back_when_an_item_is_constant_in_the_fold(rng):
    """Issue 24: 384 of 2,160 fits of a grid failed on such folds."""
    n = 60
    latent = rng.normal(size=(n, 1))
    X = pd.DataFrame(
        latent * [0.9, 0.8, 0.7] + rng.normal(scale=0.6, size=(n, 3)),
        columns=["a", "b", "c"],
    )
    X["rare"] = 0.0
    X.loc[[57, 58, 59], "rare"] = 1.0  # only in the last fold
    train = X.iloc[:40]
    with (
        pytest.warns(ConstantItemWarning, match="'rare' \\(always 0\\)"),
        pytest.warns(SklearnInnovWarning, match="'rare' of index 'index'"),
    ):
        est = CompositeIndex(weights="factor").fit(train)
    w = est.weights_["index"]
    assert w["rare"] == 0.0
    normed = MinMaxScaler().fit_transform(train[["a", "b", "c"]])
    squared = Factor(normed, n_factor=1, method="ml").fit().loadings[:, 0] ** 2
    assert_allclose([w["a"], w["b"], w["c"]], 4 * squared / squared.sum(), atol=1e-3)
    # every fit of a cross-validation succeeds
    y = np.exp(0.5 * latent[:, 0] + rng.normal(scale=0.1, size=n))
    pipe = make_pipeline(
        CompositeIndex(weights="factor", normalize="rank"), CobbDouglasRegressor()
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SklearnInnovWarning)
        scores = cross_val_score(pipe, X, y, cv=KFold(3), error_score="raise")
    assert np.isfinite(scores).all()


def test_factor_weights_with_too_few_varying_items_name_them_and_pca():
    X = pd.DataFrame({"a": [1.0, 2, 3, 4], "b": [2.0, 1, 4, 3], "c": 1.0, "d": 0.0})
    with (
        pytest.warns(ConstantItemWarning, match="'c' \\(always 1\\), 'd'"),
        pytest.raises(ValueError, match=r"'c', 'd' that do not vary .*weights='pca'"),
    ):
        CompositeIndex(weights="factor").fit(X)


def test_factor_weights_on_dependent_items_name_them_and_pca(rng):
    """Two rare 0/1 items equal on every row of a fold: a singular matrix."""
    n = 50
    latent = rng.normal(size=(n, 1))
    X = pd.DataFrame(
        latent * [0.9, 0.8, 0.7] + rng.normal(scale=0.6, size=(n, 3)),
        columns=["a", "b", "c"],
    )
    X["rare1"] = (np.arange(n) < 4).astype(float)
    X["rare2"] = X["rare1"]
    with pytest.raises(
        ValueError,
        match=r"index 'index' on these 50 rows: items 'rare1', 'rare2' are linearly "
        r"dependent .*weights='pca'",
    ):
        CompositeIndex(weights="factor").fit(X)
    # the fold-proof alternative named works
    CompositeIndex(weights="pca").fit(X)
