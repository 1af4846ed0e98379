"""Numerical robustness of the least-squares core on NIST's Longley data."""

import numpy as np
import statsmodels.api as sm
from numpy.testing import assert_allclose

from sklearn_innov._core import LeastSquares, ols_fit

# NIST StRD, Longley (1967), certified values (constant first).
CERTIFIED_PARAMS = [
    -3482258.63459582,
    15.0618722713733,
    -0.358191792925910e-01,
    -2.02022980381683,
    -1.03322686717359,
    -0.511041056535807e-01,
    1829.15146461355,
]
CERTIFIED_BSE = [
    890420.383607373,
    84.9149257747669,
    0.334910077722432e-01,
    0.488399681651699,
    0.214274163161675,
    0.226073200069370,
    455.478499142212,
]
CERTIFIED_SIGMA = 304.854073561965
CERTIFIED_R2 = 0.995479004577296


def longley():
    data = sm.datasets.longley.load_pandas()
    X = np.column_stack([np.ones(len(data.endog)), data.exog.to_numpy(float)])
    return X, data.endog.to_numpy(float)


def log_relative_error(estimate, certified):
    estimate, certified = np.asarray(estimate), np.asarray(certified)
    return -np.log10(np.abs(estimate - certified) / np.abs(certified))


def test_longley_is_ill_conditioned_and_takes_the_qr_path():
    X, _ = longley()
    ls = LeastSquares(X)
    assert ls.cond > 1e4
    assert np.linalg.cond(X) > 1e9  # before column equilibration


def test_longley_certified_values_to_qr_accuracy():
    X, y = longley()
    fit = ols_fit(LeastSquares(X), y, has_const=True)
    # at least 10 correct digits in every estimate and standard error (we get
    # 11-12; the plain normal equations in double precision get about 7)
    assert log_relative_error(fit.params, CERTIFIED_PARAMS).min() > 10
    assert log_relative_error(fit.bse, CERTIFIED_BSE).min() > 10
    assert_allclose(fit.sigma, CERTIFIED_SIGMA, rtol=1e-10)
    assert_allclose(fit.rsquared, CERTIFIED_R2, rtol=1e-12)


def test_plain_normal_equations_would_lose_digits():
    # the oracle that shows why the core does not solve X'X b = X'y directly
    X, y = longley()
    naive = np.linalg.solve(X.T @ X, X.T @ y)
    ours = ols_fit(LeastSquares(X), y, has_const=True).params
    assert (
        log_relative_error(ours, CERTIFIED_PARAMS).min()
        > log_relative_error(naive, CERTIFIED_PARAMS).min()
    )
