"""Internal consistency of survey scales, as SPSS's RELIABILITY prints it.

A composite index sums items that should measure one thing. This module
computes the usual checks once, for :class:`CompositeIndex` and for anyone who
calls them directly: Cronbach's alpha, alpha on standardised items,
McDonald's omega from a one-factor maximum-likelihood model, and the
"Item-Total Statistics" table. Every statistic is a function of the item
means and covariance matrix of the complete rows (listwise deletion, SPSS's
default), so the public functions and the estimator share one kernel per
statistic and differ only in how they obtain those moments.
"""

import numpy as np
from scipy import linalg, optimize

from ..utils._lazy import pd
from ..utils._validation import check_numeric_columns, format_labels, is_dataframe

__all__ = [
    "cronbach_alpha",
    "item_total_statistics",
    "mcdonald_omega",
    "standardized_alpha",
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
_CHUNK_ROWS = 65536
# Convergence of the uniquenesses, and the number of SQUAREM cycles allowed
# before the quasi-Newton fallback.
_PSI_TOL = 1e-12
_MAX_CYCLES = 500


# -- public functions ---------------------------------------------------------


def cronbach_alpha(X):
    """Cronbach's alpha of a set of items (columns of X).

    ``alpha = k / (k - 1) * (1 - sum_i var(x_i) / var(sum_i x_i))`` with
    sample variances (``ddof=1``), on the rows where every item is answered
    (listwise deletion, as SPSS's RELIABILITY does by default).

    Parameters
    ----------
    X : array-like or DataFrame of shape (n_samples, n_items)
        Item scores; NaN marks a missing answer.

    Returns
    -------
    alpha : float
        NaN when fewer than two complete rows remain or the total score has
        no variance (alpha is undefined there).

    Raises
    ------
    ValueError
        If X is not 2-D, has fewer than two items, or holds infinite or
        non-numeric values.

    See Also
    --------
    standardized_alpha : Alpha of the standardised items.
    mcdonald_omega : Reliability without alpha's equal-loadings assumption.
    item_total_statistics : Alpha if each item were deleted.

    References
    ----------
    .. [1] Cronbach, L. J. (1951). "Coefficient alpha and the internal
       structure of tests". Psychometrika, 16(3), 297-334.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_innov.diagnostics import cronbach_alpha
    >>> X = np.array([[1, 2, 2], [2, 3, 3], [3, 3, 4], [4, 5, 5]])
    >>> round(cronbach_alpha(X), 4)
    0.9825
    """
    X, _ = complete_items(X, "cronbach_alpha")
    if X.shape[0] < 2:
        return float("nan")
    return alpha_from_cov(covariance(X)[1])


def standardized_alpha(X):
    """Alpha of the standardised items (SPSS: "based on standardized items").

    ``alpha_std = k r / (1 + (k - 1) r)`` where ``r`` is the mean of the
    ``k (k - 1) / 2`` inter-item Pearson correlations, on the complete rows
    (listwise deletion). It is the alpha of the sum of the z-scored items, and
    the Spearman-Brown prophecy for ``k`` items of reliability ``r``.

    Parameters
    ----------
    X : array-like or DataFrame of shape (n_samples, n_items)
        Item scores; NaN marks a missing answer.

    Returns
    -------
    alpha : float
        NaN when fewer than two complete rows remain or an item is constant
        on them (its correlations are undefined).

    Raises
    ------
    ValueError
        If X is not 2-D, has fewer than two items, or holds infinite or
        non-numeric values.

    See Also
    --------
    cronbach_alpha : Alpha of the items as they are.

    References
    ----------
    .. [1] Cronbach, L. J. (1951). "Coefficient alpha and the internal
       structure of tests". Psychometrika, 16(3), 297-334.
    .. [2] IBM SPSS Statistics Algorithms, "RELIABILITY".

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_innov.diagnostics import standardized_alpha
    >>> X = np.array([[1, 2, 2], [2, 3, 3], [3, 3, 4], [4, 5, 5]])
    >>> round(standardized_alpha(X), 4)
    0.9824
    """
    X, _ = complete_items(X, "standardized_alpha")
    if X.shape[0] < 2:
        return float("nan")
    return standardized_alpha_from_cov(covariance(X)[1])


def mcdonald_omega(X, *, return_loadings=False):
    """McDonald's omega (total) from a one-factor maximum-likelihood model.

    The items are modelled as ``x_i = mu_i + lambda_i f + e_i`` with one
    common factor ``f`` (unit variance) and independent errors of variance
    ``psi_i``, fitted by maximum likelihood; omega is the share of the
    variance of the unweighted total ``sum_i x_i`` that the factor explains::

        omega = (sum_i lambda_i)^2 / ((sum_i lambda_i)^2 + sum_i psi_i)

    Unlike alpha, omega does not assume that every item loads equally
    (tau-equivalence); the two agree when the loadings are equal.

    Parameters
    ----------
    X : array-like or DataFrame of shape (n_samples, n_items)
        Item scores; NaN marks a missing answer. At least three items: a
        one-factor model of two items is not identified.
    return_loadings : bool, default=False
        Also return the fitted loadings and uniquenesses.

    Returns
    -------
    omega : float
        NaN when the correlation matrix of the complete rows is singular
        (fewer complete rows than items, a constant item, or an item that
        is an exact linear combination of others): the model cannot be
        fitted there.
    loadings : ndarray of shape (n_items,)
        Only with ``return_loadings``: ``lambda_i`` on the items' own scale,
        signed so that their sum is positive. Divide by the items' standard
        deviations for standardised loadings.
    uniquenesses : ndarray of shape (n_items,)
        Only with ``return_loadings``: ``psi_i`` on the items' own scale.

    Raises
    ------
    ValueError
        If X is not 2-D, has fewer than three items, or holds infinite or
        non-numeric values.

    See Also
    --------
    cronbach_alpha : The tau-equivalent special case.

    Notes
    -----
    The estimator is maximum likelihood on the correlation matrix of the
    complete rows (listwise deletion), as R's ``factanal`` and
    ``factor_analyzer`` compute it: the loadings are concentrated out
    (Joreskog, 1967) and the uniquenesses, bounded to ``[0.005, 1]`` as in
    those programs, minimise the ML discrepancy ``ln|Sigma| + tr(Sigma^-1 R) -
    ln|R| - k``. They are found by the fixed-point iteration ``psi = diag(R - l
    l')`` accelerated by SQUAREM (Varadhan and Roland, 2008), with L-BFGS-B as
    a fallback. ML estimates are scale-equivariant, so the loadings on the
    items' scale are the standardised ones times the items' standard
    deviations, and omega refers to the sum of the items as given (with equal
    item variances it equals omega of the standardised items). The denominator
    is the model-implied variance of the total (McDonald, 1999), not
    the observed one. With three items the model is just identified and fits
    exactly.

    References
    ----------
    .. [1] McDonald, R. P. (1999). *Test Theory: A Unified Treatment*.
       Lawrence Erlbaum, chapter 6.
    .. [2] Joreskog, K. G. (1967). "Some contributions to maximum likelihood
       factor analysis". Psychometrika, 32(4), 443-482.
    .. [3] Varadhan, R. and Roland, C. (2008). "Simple and globally convergent
       methods for accelerating the convergence of any EM algorithm".
       Scandinavian Journal of Statistics, 35(2), 335-353.
    .. [4] Dunn, T. J., Baguley, T. and Brunsden, V. (2014). "From alpha to
       omega: A practical solution to the pervasive problem of internal
       consistency estimation". British Journal of Psychology, 105(3),
       399-412.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_innov.diagnostics import mcdonald_omega
    >>> rng = np.random.default_rng(0)
    >>> factor = rng.normal(size=(500, 1))
    >>> X = factor * [0.9, 0.7, 0.5, 0.3] + rng.normal(size=(500, 4))
    >>> round(mcdonald_omega(X), 3)
    0.611
    """
    X, _ = complete_items(X, "mcdonald_omega", min_items=3)
    k = X.shape[1]
    if X.shape[0] < 2:
        nan = np.full(k, np.nan)
        return (float("nan"), nan, nan.copy()) if return_loadings else float("nan")
    omega, loadings, uniquenesses = omega_from_cov(covariance(X)[1])
    return (omega, loadings, uniquenesses) if return_loadings else omega


def item_total_statistics(X):
    """SPSS RELIABILITY's "Item-Total Statistics" table.

    For each item, on the complete rows (listwise deletion): the mean and
    sample variance of the total of the *other* items, the Pearson
    correlation of the item with that total ("corrected" item-total
    correlation), the squared multiple correlation of the item on the other
    items, and Cronbach's alpha of the other items.

    Parameters
    ----------
    X : array-like or DataFrame of shape (n_samples, n_items)
        Item scores; NaN marks a missing answer.

    Returns
    -------
    table : DataFrame of shape (n_items, 5)
        Indexed by item (the DataFrame's column names, else positions 0..k-1),
        with columns "scale_mean_if_deleted", "scale_variance_if_deleted",
        "corrected_item_total_correlation", "squared_multiple_correlation"
        and "alpha_if_deleted". A statistic that is undefined on the data is
        NaN: all of them with fewer than two complete rows; a correlation
        that involves a constant; the squared multiple correlations when the
        correlation matrix is singular; alpha if deleted with two items (one
        item is left) or when the rest of the scale has no variance.

    Raises
    ------
    ValueError
        If X is not 2-D, has fewer than two items, or holds infinite or
        non-numeric values.

    See Also
    --------
    cronbach_alpha : Alpha of all the items.

    Notes
    -----
    With item means ``m``, covariance matrix ``C``, total ``T = sum_j x_j``
    and ``c_i = sum_j C_ij = cov(x_i, T)``:

    * scale mean if item ``i`` is deleted: ``sum_j m_j - m_i``;
    * scale variance if deleted: ``V_i = 1'C1 - 2 c_i + C_ii``;
    * corrected item-total correlation: ``(c_i - C_ii) / sqrt(C_ii V_i)``;
    * squared multiple correlation: ``1 - 1 / (R^-1)_ii`` (``R`` the
      correlation matrix);
    * alpha if deleted: ``(k - 1) / (k - 2) * (1 - (tr C - C_ii) / V_i)``.

    References
    ----------
    .. [1] IBM SPSS Statistics Algorithms, "RELIABILITY".
    .. [2] Denis, D. J. (2016). *Applied Univariate, Bivariate, and
       Multivariate Statistics*. Wiley, chapter on reliability (a worked
       RELIABILITY output, reproduced in this library's tests).

    Examples
    --------
    >>> import pandas as pd
    >>> from sklearn_innov.diagnostics import item_total_statistics
    >>> X = pd.DataFrame({"a": [1, 2, 3, 4, 5], "b": [2, 2, 4, 4, 5],
    ...                   "c": [1, 3, 2, 5, 4]})
    >>> table = item_total_statistics(X)
    >>> table[["corrected_item_total_correlation", "alpha_if_deleted"]].round(3)
       corrected_item_total_correlation  alpha_if_deleted
    a                             0.970             0.735
    b                             0.807             0.889
    c                             0.713             0.964
    """
    X, labels = complete_items(X, "item_total_statistics")
    k = X.shape[1]
    if X.shape[0] < 2:
        values = np.full((k, len(ITEM_TOTAL_COLUMNS)), np.nan)
    else:
        mean, cov = covariance(X)
        values = item_total_from_moments(mean, cov)
    return pd.DataFrame(values, index=pd.Index(labels), columns=ITEM_TOTAL_COLUMNS)


# -- input and moments -------------------------------------------------------


def complete_items(X, name, min_items=2):
    """Validate an item matrix and keep its complete rows (listwise deletion).

    Returns the float64 array of complete rows and the item labels (column
    names of a DataFrame, else positions).
    """
    if is_dataframe(X):
        check_numeric_columns(X, owner=name)
        labels = list(X.columns)
        values = X.to_numpy(dtype=np.float64, na_value=np.nan)
    else:
        try:
            values = np.asarray(X, dtype=np.float64)
        except (TypeError, ValueError):
            raise ValueError(
                f"{name} needs numeric item scores; X could not be converted to "
                "numbers. Encode the answers as numbers first."
            ) from None
        labels = list(range(values.shape[1])) if values.ndim == 2 else []
    if values.ndim != 2 or values.shape[1] < min_items:
        needs = {2: "two", 3: "three"}[min_items]
        why = (
            " (a one-factor model of two items is not identified)"
            if min_items == 3
            else ""
        )
        raise ValueError(
            f"{name} needs a 2-D array of items (rows = respondents, columns = "
            f"items) with at least {needs} items{why}; got shape {values.shape}."
        )
    if np.isinf(values).any():
        cols = [labels[j] for j in np.flatnonzero(np.isinf(values).any(axis=0))]
        raise ValueError(
            f"{name}: item(s) {format_labels(cols)} hold infinite values. Replace "
            "them by NaN (a missing answer, dropped listwise) or fix the data."
        )
    if np.isnan(values.sum()):
        values = values[~np.isnan(values).any(axis=1)]
    return values, labels


def covariance(X):
    """Column means and sample covariance matrix (``ddof=1``) of a complete array.

    One BLAS product ``X'X`` gives the cross-products; centring them loses
    about ``log10(1 + mean^2 / var)`` digits to cancellation, so when an item
    would lose more than two the matrix is recomputed from centred blocks of
    rows (two passes, memory bounded for millions of rows).
    """
    n = X.shape[0]
    mean = X.mean(axis=0)
    cross = X.T @ X
    centred = cross - n * np.outer(mean, mean)
    if not (np.diag(centred) > 1e-2 * np.diag(cross)).all():
        centred = np.zeros_like(cross)
        for start in range(0, n, _CHUNK_ROWS):
            dev = X[start : start + _CHUNK_ROWS] - mean
            centred += dev.T @ dev
    return mean, centred / (n - 1)


# -- kernels: one per statistic, from the moments ------------------------------


def alpha_from_cov(cov):
    """Cronbach's alpha from the items' covariance matrix (NaN if undefined)."""
    k = cov.shape[0]
    total = cov.sum()
    if k < 2 or not total > 0:
        return float("nan")
    return float(k / (k - 1) * (1.0 - np.trace(cov) / total))


def correlation_from_cov(cov):
    """Correlation matrix, or None when an item has no variance."""
    sd = np.sqrt(np.diag(cov))
    if not (sd > 0).all():
        return None
    corr = cov / np.outer(sd, sd)
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
    ``-sum_{j>1} (ln gamma_j - gamma_j) - 1 + k`` (factanal's objective).
    """
    scale = 1.0 / np.sqrt(psi)
    values, vectors = np.linalg.eigh(corr * np.outer(scale, scale))
    loadings = np.sqrt(psi) * vectors[:, -1] * np.sqrt(max(values[-1] - 1.0, 0.0))
    rest = values[:-1]
    value = (
        -np.sum(np.log(rest) - rest) - 1.0 + len(psi) if (rest > 0).all() else np.inf
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
    sd = np.sqrt(np.diag(cov))
    loadings, uniquenesses = fitted[0] * sd, fitted[1] * sd**2
    common = loadings.sum() ** 2
    return float(common / (common + uniquenesses.sum())), loadings, uniquenesses


def item_total_from_moments(mean, cov):
    """The item-total table (rows = items, columns = ITEM_TOTAL_COLUMNS)."""
    k = cov.shape[0]
    diag = np.diag(cov)
    with_total = cov.sum(axis=1)  # cov(x_i, T)
    rest_var = cov.sum() - 2.0 * with_total + diag
    out = np.full((k, len(ITEM_TOTAL_COLUMNS)), np.nan)
    out[:, 0] = mean.sum() - mean
    out[:, 1] = rest_var
    defined = (diag > 0) & (rest_var > 0)
    out[defined, 2] = (with_total - diag)[defined] / np.sqrt(
        diag[defined] * rest_var[defined]
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
