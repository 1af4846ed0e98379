"""Learned weights of CompositeIndex: zero weights, magnitudes, degenerate folds."""

import warnings

import numpy as np
import pandas as pd
from numpy.testing import assert_allclose
from scipy import stats
from sklearn.decomposition import PCA
from sklearn.preprocessing import MinMaxScaler

from sklearn_innov import CompositeIndex

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
        est = CompositeIndex(weights="pca", aggregate="geometric").fit(X)
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
    # the oracle: scikit-learn's PCA, whose loading of c is rounding noise
    component = PCA(n_components=1).fit(normed[:, :2]).components_[0]
    assert_allclose(w[:2], 3 * component**2 / (component**2).sum(), rtol=1e-10)
    out = np.asarray(est.transform(X))[:, 0]
    # rows 5 and 7 have c = 0 but a, b > 0: a weight of 1e-34 on c zeroed them
    assert (out[[4, 6]] > 0).all()
    assert_allclose(out, _weighted_gmean(normed, w), rtol=1e-12)
