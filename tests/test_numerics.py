"""Numerical robustness of the least-squares core: Longley, extreme units."""

import warnings

import numpy as np
import pytest
import statsmodels.api as sm
from numpy.testing import assert_allclose

from sklearn_innov._core import (
    CollinearityError,
    LeastSquares,
    ZeroColumnError,
    full_rank_certified,
    ols_fit,
)

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


def _regression(rng, n=50):
    X = np.column_stack([np.ones(n), rng.normal(size=n), rng.normal(size=n)])
    y = X @ [1.0, 2.0, 3.0] + rng.normal(size=n)
    return X, y


@pytest.mark.parametrize("unit", [1e300, 1e-200, 1e-3])
@pytest.mark.parametrize("cov_type", ["nonrobust", "HC1", "HC3"])
def test_statistics_do_not_change_with_a_column_s_units(unit, cov_type):
    """Rescaling a column by c divides its coefficient and std_err by c and
    changes no t, p or F, even where X'X itself would overflow or underflow.
    Oracle: the same fit in ordinary units, checked against statsmodels."""
    X, y = _regression(np.random.default_rng(0))
    ref = sm.OLS(y, X).fit(
        **({} if cov_type == "nonrobust" else {"cov_type": cov_type})
    )
    scaled = X.copy()
    scaled[:, 1] *= unit
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fit = ols_fit(LeastSquares(scaled), y, has_const=True, cov_type=cov_type)
        assert_allclose(fit.params[1] * unit, ref.params[1], rtol=1e-12)
        assert_allclose(fit.bse[1] * unit, ref.bse[1], rtol=1e-11)
        assert_allclose(fit.tvalues, ref.tvalues, rtol=1e-11)
        assert_allclose(fit.fvalue, ref.fvalue, rtol=1e-11)
        test = fit.wald_test([0.0, 1.0, -1.0])  # b1 = b2, in mixed units
    assert np.isfinite(test["statistic"])


def test_extreme_columns_are_not_called_zero_or_singular():
    X, y = _regression(np.random.default_rng(1))
    tiny = X.copy()
    tiny[:, 2] *= 1e-200
    LeastSquares(tiny)  # used to raise "zero in every row"
    huge = X.copy()
    huge[:, 1] *= 1e300
    LeastSquares(huge)  # used to raise a raw LinAlgError
    collinear = np.column_stack([huge, huge[:, 1] * 2.0])
    with pytest.raises(CollinearityError, match="'1', '3'"):
        LeastSquares(collinear)


def test_kernel_messages_are_neutral():
    X, _ = _regression(np.random.default_rng(2))
    with pytest.raises(CollinearityError) as excinfo:
        LeastSquares(np.column_stack([X, X[:, 1] + X[:, 2]]))
    assert "log" not in str(excinfo.value)
    with pytest.raises(ZeroColumnError, match="'b' are zero in every row"):
        LeastSquares(np.column_stack([X, np.zeros(len(X))]), names=list("cxyb"))


@pytest.mark.parametrize("noise", [1e-1, 1e-3, 1e-5, 1e-7, 1e-9, 1e-12, 0.0])
@pytest.mark.parametrize("scale", [1.0, 1e-60, 1e60])
def test_rank_certificate_is_sound(noise, scale):
    # The subsample certificate may only speak when the design's condition
    # number (equilibrated, by SVD: the oracle) is within the bound it
    # promises, 1e8; a design with a column near another's sum must then fall
    # through to the full check, and exactly collinear ones never pass.
    rng = np.random.default_rng(3)
    n = 50_000
    X = np.column_stack([np.ones(n), rng.normal(size=(n, 3)) * scale])
    X[:, 3] = X[:, 1] + X[:, 2] + noise * scale * rng.normal(size=n)
    X = np.asfortranarray(X)
    peak = np.abs(X).max(axis=0)
    cond = np.linalg.cond(X / np.linalg.norm(X, axis=0))
    if full_rank_certified(X, peak):
        assert cond < 1e8
        LeastSquares(X)  # and the full check agrees
    if cond > 1e8:
        assert not full_rank_certified(X, peak)
    if noise >= 1e-3:
        assert full_rank_certified(X, peak)  # the certificate does its job


def test_rank_certificate_declines_what_the_subsample_cannot_see():
    # a dummy whose ones all lie outside the subsample's row blocks, and a
    # zero column: no certificate (the full check decides)
    rng = np.random.default_rng(4)
    n = 50_000
    X = np.column_stack([np.ones(n), rng.normal(size=(n, 2)), np.zeros(n)])
    X[1024:1030, 3] = 1.0
    peak = np.abs(X).max(axis=0)
    assert not full_rank_certified(X, peak)
    LeastSquares(X)  # full rank all the same
    X[:, 3] = 0.0
    assert not full_rank_certified(X, np.abs(X).max(axis=0))


def test_residuals_computed_when_first_read_equal_the_solved_ones():
    # ols_fit keeps the response and computes the residuals lazily: the
    # same values LeastSquares.solve returns, and gone after remove_data
    from sklearn_innov._core import DataRemovedError, LeastSquares, ols_fit

    rng = np.random.default_rng(3)
    X = np.column_stack([np.ones(200), rng.normal(size=(200, 3))])
    y = X @ [1.0, 0.5, -0.2, 0.0] + rng.normal(size=200)
    ls = LeastSquares(X)
    fit = ols_fit(ls, y, has_const=True)
    params, resid = ls.solve(y)
    assert "wresid" not in fit.__dict__ or fit.__dict__["wresid"] is None
    np.testing.assert_array_equal(fit.params, params)
    np.testing.assert_array_equal(fit._rows("wresid"), resid)
    assert fit.ssr == pytest.approx(resid @ resid, rel=1e-15)
    fit.remove_data()
    with pytest.raises(DataRemovedError):
        fit._rows("wresid")
