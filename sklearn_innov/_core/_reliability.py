"""Reliability kernels: Cronbach's alpha, omega and item-total statistics.

Every statistic of a scale's internal consistency is a function of the item
means and covariance matrix of the complete rows (listwise deletion, SPSS's
default). One kernel per statistic lives here, from those moments; the public
functions of :mod:`sklearn_innov.diagnostics` and
:class:`~sklearn_innov.CompositeIndex` both call them and differ only in how
they obtain the moments.

Every kernel is unit-free: it divides the covariance matrix by a power of
two near its largest variance (exact, no rounding) before any product of
variances, and multiplies the statistics that carry units back. Items in
units of 1e-100 or 1e100 then give the same alpha, correlations and omega as
in units of 1 (a product of two variances would under- or overflow there).
:func:`scaled_moments` does the same to the data, for covariances that
would not be representable themselves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from scipy import linalg, optimize, stats

from ..utils._threads import scipy_single_thread
from ._moments import centred_crossprod, column_range, column_sums

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = [
    "ITEM_TOTAL_COLUMNS",
    "alpha_from_cov",
    "binary_scale",
    "correlation_from_cov",
    "covariance",
    "enough_rows",
    "item_total_from_moments",
    "omega_from_cov",
    "one_factor_lr_test",
    "one_factor_ml",
    "scaled_moments",
    "standardized_alpha_from_cov",
    "weight_total",
]

ITEM_TOTAL_COLUMNS = [
    "scale_mean_if_deleted",
    "scale_variance_if_deleted",
    "corrected_item_total_correlation",
    "squared_multiple_correlation",
    "alpha_if_deleted",
]

# Lower bound of the uniquenesses (on the correlation scale) in the one-factor
# ML fit: R's factanal and factor_analyzer use the same, so a Heywood case
# (a uniqueness driven to zero) stops at the same place in all three.
_MIN_UNIQUENESS = 0.005
# Convergence of the uniquenesses, and the number of SQUAREM cycles allowed
# before the quasi-Newton fallback.
_PSI_TOL = 1e-12
_MAX_CYCLES = 500


def covariance(X, sample_weight=None):
    """Column means and sample covariance matrix (``ddof=1``) of a complete array.

    The cross-products come from the library's one guarded helper
    (:func:`sklearn_innov._core.centred_crossprod`). Callers whose items may
    lie far from 1 (1e-160, 1e154) use :func:`scaled_moments` instead.

    With frequency weights ``w`` (``sample_weight``) the mean is
    ``w'X / W`` and the covariance ``sum_i w_i (x_i - xbar)(x_i - xbar)' /
    (W - 1)``, ``W = sum_i w_i``: integer weights give the moments of the
    replicated rows, as SPSS's ``WEIGHT BY`` does. When ``W <= 1`` (weights
    scaled to sum to 1, say) the sample variance of fewer than two
    observations is undefined; the divisor is then ``W``, so that the
    ratios of these moments (correlations, alpha, omega, loadings) stay
    right, and callers report the variances themselves as NaN (see
    :func:`weight_total`).
    """
    sums = column_sums(X, sample_weight)
    n = weight_total(X, sample_weight)
    divisor = n - 1.0 if n > 1 else n
    cross = centred_crossprod(X, sums=sums, sample_weight=sample_weight)
    return sums / n, cross / divisor


def weight_total(X, sample_weight=None):
    """The number of observations ``X`` stands for: its rows, or ``sum(w)``."""
    return X.shape[0] if sample_weight is None else float(sample_weight.sum())


def enough_rows(X, sample_weight=None):
    """Whether moments of ``X`` have a second observation to vary over.

    Two rows, or (frequency weights) a total weight of at least 2: a row of
    weight 3 is three equal observations, as its replicated copies are.
    """
    return X.shape[0] >= 2 or weight_total(X, sample_weight) >= 2


def binary_scale(values, axis=None):
    """A power of two at or just above ``max |values|`` (1 where they are all 0).

    Dividing by it is exact (only the exponent changes), so statistics of the
    scaled values equal those of the values up to the rounding of the
    arithmetic that follows.
    """
    values = np.asarray(values)
    if axis == 0 and values.ndim == 2 and values.shape[0] and values.dtype.kind == "f":
        # per column: the folded minima and maxima (NumPy's axis-0 reduction
        # of a tall array is many times slower) and no |values| temporary
        low, high = column_range(values)
        top = np.maximum(np.maximum(high, -low), 0.0)
    elif axis is None and values.size:
        top = max(float(values.max()), -float(values.min()), 0.0)
    else:
        top = np.abs(values).max(axis=axis, initial=0.0)
    return np.ldexp(1.0, np.frexp(top)[1])


def scaled_moments(
    X: Any, axis: int | None = None, sample_weight: Any = None
) -> tuple[NDArray[np.float64], NDArray[np.float64], Any]:
    """Means and covariance of ``X / scale``, and ``scale`` (powers of two).

    ``axis=None`` scales every column by one factor (the covariance of X is
    ``cov * scale**2``); ``axis=0`` scales each column by its own (the
    covariance of X is ``cov * outer(scale, scale)``; correlations are
    unchanged). The moments of X itself may not be representable: items of
    magnitude 1e160 have variances of 1e320. ``sample_weight`` are frequency
    weights, as in :func:`covariance`.
    """
    scale = binary_scale(X, axis=axis)
    if np.all((scale >= 2.0**-100) & (scale <= 2.0**100)):
        # Multiplying by a power of two is exact while every intermediate is
        # a normal number, which values within 2^+-100 keep: the moments of X
        # scaled afterwards are bit for bit those of X / scale, without a
        # scaled copy of X (a fifth of a CompositeIndex fit at 1e6 x 40)
        mean, cov = covariance(X, sample_weight)
        return (
            mean / scale,
            cov / (np.outer(scale, scale) if np.ndim(scale) else scale**2),
            scale,
        )
    return (*covariance(X / scale, sample_weight), scale)


def _unit(cov):
    """``cov / t`` and ``t``, a power of two near the largest variance."""
    t = binary_scale(np.diag(cov)) if cov.size else 1.0
    return cov / t, t


def alpha_from_cov(cov):
    """Cronbach's alpha from the items' covariance matrix (NaN if undefined)."""
    k = cov.shape[0]
    cov = _unit(cov)[0]
    total = cov.sum()
    if k < 2 or not total > 0:
        return float("nan")
    return float(k / (k - 1) * (1.0 - np.trace(cov) / total))


def correlation_from_cov(cov):
    """Correlation matrix, or None when an item has no variance."""
    sd = np.sqrt(np.diag(_unit(cov)[0]))
    if not (sd > 0).all():
        return None
    # divide by each sd in turn: sd_i sd_j could underflow where cov_ij does not
    corr = _unit(cov)[0] / sd[:, None] / sd[None, :]
    np.fill_diagonal(corr, 1.0)
    return corr


def standardized_alpha_from_cov(cov):
    """Alpha of the standardised items from the covariance matrix."""
    k = cov.shape[0]
    corr = correlation_from_cov(cov)
    if k < 2 or corr is None:
        return float("nan")
    mean_r = (corr.sum() - k) / (k * (k - 1))
    denominator = 1.0 + (k - 1) * mean_r
    if not denominator > 0:
        return float("nan")
    return float(k * mean_r / denominator)


@scipy_single_thread
def one_factor_ml(corr):
    """Maximum-likelihood one-factor model of a correlation matrix.

    Returns ``(loadings, uniquenesses)`` on the correlation scale, loadings
    signed so that they sum to a positive number, or None when ``corr`` is
    not positive definite or has fewer than three rows.
    """
    k = corr.shape[0]
    if k < 3:
        return None
    try:
        inverse = linalg.inv(linalg.cholesky(corr, lower=True))
    except linalg.LinAlgError:
        return None
    precision_diag = np.einsum("ij,ij->j", inverse, inverse)
    # factanal's start: the uniqueness implied by each item's squared
    # multiple correlation, shrunk by (1 - 0.5 / k).
    psi = np.clip((1.0 - 0.5 / k) / precision_diag, _MIN_UNIQUENESS, 1.0)
    converged = False
    for _ in range(_MAX_CYCLES):
        psi, converged = _squarem_cycle(corr, psi)
        if converged:
            break
    if not converged:
        # slow or oscillating cycles: finish by quasi-Newton on the discrepancy
        psi = optimize.minimize(
            lambda p: _discrepancy(corr, p),
            psi,
            jac=True,
            method="L-BFGS-B",
            bounds=[(_MIN_UNIQUENESS, 1.0)] * k,
            options={"ftol": 1e-15, "gtol": 1e-12, "maxiter": 5000},
        ).x
    loadings = _ml_step(corr, psi)[1]
    if loadings.sum() < 0:
        loadings = -loadings
    return loadings, psi


def _ml_step(corr, psi):
    """One fixed-point step ``psi <- diag(R - l l')`` and the ML discrepancy at psi.

    For given uniquenesses the ML loadings are the first eigenvector of
    ``Psi^-1/2 R Psi^-1/2`` scaled by ``sqrt(gamma_1 - 1)`` (Joreskog, 1967);
    at the ML solution ``diag(l l' + Psi) = diag(R)``, so the step's fixed
    points are the stationary points, within the bounds, of the discrepancy
    ``-sum_{j>1} (ln gamma_j - gamma_j) + 1 - k`` (factanal's objective,
    ``ln|Sigma| + tr(Sigma^-1 R) - ln|R| - k``, 0 for a perfect fit).
    """
    scale = 1.0 / np.sqrt(psi)
    values, vectors = np.linalg.eigh(corr * np.outer(scale, scale))
    loadings = np.sqrt(psi) * vectors[:, -1] * np.sqrt(max(values[-1] - 1.0, 0.0))
    rest = values[:-1]
    value = (
        -np.sum(np.log(rest) - rest) + 1.0 - len(psi) if (rest > 0).all() else np.inf
    )
    return np.clip(1.0 - loadings**2, _MIN_UNIQUENESS, 1.0), loadings, value


def _discrepancy(corr, psi):
    """The ML discrepancy and its gradient in psi (as R's factanal)."""
    _, loadings, value = _ml_step(corr, psi)
    return value, (loadings**2 + psi - 1.0) / psi**2


def _squarem_cycle(corr, psi):
    """One SQUAREM cycle (Varadhan and Roland, 2008) of the fixed-point step."""
    first, _, value = _ml_step(corr, psi)
    second = _ml_step(corr, first)[0]
    r, v = first - psi, second - 2.0 * first + psi
    if np.abs(r).max() < _PSI_TOL:
        return first, True
    norm_v = np.linalg.norm(v)
    step = min(-np.linalg.norm(r) / norm_v, -1.0) if norm_v > 0 else -1.0
    candidate = np.clip(psi - 2 * step * r + step**2 * v, _MIN_UNIQUENESS, 1.0)
    stabilised, _, candidate_value = _ml_step(corr, candidate)
    # keep the extrapolation only if it does not raise the discrepancy
    return (stabilised if candidate_value <= value + 1e-12 else second), False


def one_factor_lr_test(corr, n):
    """Likelihood-ratio test that one factor suffices (R's ``factanal``).

    ``(n - 1 - (2k + 5) / 6 - 2 / 3) F`` with ``F`` the ML discrepancy at the
    fitted uniquenesses (Bartlett's correction), referred to chi-square with
    ``((k - 1)^2 - (k + 1)) / 2`` degrees of freedom. Returns
    ``(statistic, df, pvalue)``; NaN when the model cannot be fitted or has
    no degree of freedom (three items: it fits exactly).
    """
    k = corr.shape[0]
    df = ((k - 1) ** 2 - (k + 1)) // 2
    fitted = one_factor_ml(corr) if df > 0 else None
    if fitted is None:
        return float("nan"), df, float("nan")
    discrepancy = _ml_step(corr, fitted[1])[2]
    statistic = (n - 1 - (2 * k + 5) / 6 - 2 / 3) * discrepancy
    return float(statistic), df, float(stats.chi2.sf(statistic, df))


def omega_from_cov(cov):
    """McDonald's omega, loadings and uniquenesses (items' scale) from ``cov``."""
    k = cov.shape[0]
    nan = (float("nan"), np.full(k, np.nan), np.full(k, np.nan))
    corr = correlation_from_cov(cov)
    if corr is None:
        return nan
    fitted = one_factor_ml(corr)
    if fitted is None:
        return nan
    unit, t = _unit(cov)
    sd = np.sqrt(np.diag(unit))
    loadings, uniquenesses = fitted[0] * sd, fitted[1] * sd**2
    common = loadings.sum() ** 2
    omega = float(common / (common + uniquenesses.sum()))
    return omega, loadings * np.sqrt(t), uniquenesses * t


@scipy_single_thread
def item_total_from_moments(mean, cov, scale=1.0, n=None):
    """The item-total table (rows = items, columns = ITEM_TOTAL_COLUMNS).

    ``mean`` and ``cov`` may be the moments of the items divided by
    ``scale`` (:func:`scaled_moments`): the two columns with units (scale
    mean and variance if deleted) are multiplied back (a variance beyond the
    float range, of items near 1e154, is inf); the others have none. ``n``
    is the number of observations the moments stand for (the total weight
    of frequency-weighted rows): at ``n <= 1`` the sample variance is
    undefined and "scale_variance_if_deleted" is NaN (see
    :func:`covariance`).
    """
    k = cov.shape[0]
    cov, t = _unit(cov)
    diag = np.diag(cov)
    with_total = cov.sum(axis=1)  # cov(x_i, T)
    rest_var = cov.sum() - 2.0 * with_total + diag
    out = np.full((k, len(ITEM_TOTAL_COLUMNS)), np.nan)
    with np.errstate(over="ignore"):
        out[:, 0] = (mean.sum() - mean) * scale
        if n is None or n > 1:
            out[:, 1] = rest_var * t * scale * scale
    defined = (diag > 0) & (rest_var > 0)
    out[defined, 2] = (
        (with_total - diag)[defined]
        / np.sqrt(diag[defined])
        / np.sqrt(rest_var[defined])
    )
    corr = correlation_from_cov(cov)
    if corr is not None:
        try:
            factor = linalg.cho_factor(corr)
        except linalg.LinAlgError:
            pass
        else:
            precision_diag = np.diag(linalg.cho_solve(factor, np.eye(k)))
            out[:, 3] = 1.0 - 1.0 / precision_diag
    if k > 2:
        ok = rest_var > 0
        out[ok, 4] = (
            (k - 1) / (k - 2) * (1.0 - (np.trace(cov) - diag[ok]) / rest_var[ok])
        )
    return out
