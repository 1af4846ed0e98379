"""Internal consistency of survey scales, as SPSS's RELIABILITY prints it.

A composite index sums items that should measure one thing. This module
computes the usual checks once, for :class:`CompositeIndex` and for anyone who
calls them directly: Cronbach's alpha, alpha on standardised items,
McDonald's omega from a one-factor maximum-likelihood model, and the
"Item-Total Statistics" table. The public functions validate the items and
keep the complete rows (listwise deletion, SPSS's default); the statistics are
computed by the kernels of ``sklearn_innov._core._reliability``, which
:class:`CompositeIndex` calls too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, overload

import numpy as np

from .._core._reliability import (
    ITEM_TOTAL_COLUMNS,
    alpha_from_cov,
    correlation_from_cov,
    enough_rows,
    item_total_from_moments,
    omega_from_cov,
    one_factor_lr_test,
    scaled_moments,
    standardized_alpha_from_cov,
    weight_total,
)
from ..utils._lazy import pd
from ..utils._validation import (
    check_numeric_columns,
    check_sample_weight,
    format_labels,
    is_dataframe,
)

if TYPE_CHECKING:
    from numpy.typing import ArrayLike, NDArray

__all__ = [
    "cronbach_alpha",
    "item_total_statistics",
    "mcdonald_omega",
    "one_factor_test",
    "reliability_checks",
    "standardized_alpha",
]

# -- public functions ---------------------------------------------------------


def cronbach_alpha(X: ArrayLike, *, sample_weight: ArrayLike | None = None) -> float:
    """Cronbach's alpha of a set of items (columns of X).

    ``alpha = k / (k - 1) * (1 - sum_i var(x_i) / var(sum_i x_i))`` with
    sample variances (``ddof=1``), on the rows where every item is answered
    (listwise deletion, as SPSS's RELIABILITY does by default). Alpha is not
    a test that the items measure one thing: items of several factors can
    give a high alpha (see :func:`one_factor_test`), and rows at the floor of
    every item raise it (see :func:`reliability_checks`).

    Parameters
    ----------
    X : array-like or DataFrame of shape (n_samples, n_items)
        Item scores; NaN marks a missing answer.
    sample_weight : array-like of shape (n_samples,), default=None
        Frequency weights of the rows (scikit-learn's semantics: a weight of
        3 is three copies of the row, as SPSS's ``WEIGHT BY``); rows of
        weight 0 are left out. The moments are the weighted ones, with
        divisor ``W - 1`` (``W`` the total weight).

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
    X, _, w = complete_items(X, "cronbach_alpha", sample_weight=sample_weight)
    if not enough_rows(X, w):
        return float("nan")
    return alpha_from_cov(scaled_moments(X, sample_weight=w)[1])


def standardized_alpha(
    X: ArrayLike, *, sample_weight: ArrayLike | None = None
) -> float:
    """Alpha of the standardised items (SPSS: "based on standardized items").

    ``alpha_std = k r / (1 + (k - 1) r)`` where ``r`` is the mean of the
    ``k (k - 1) / 2`` inter-item Pearson correlations, on the complete rows
    (listwise deletion). It is the alpha of the sum of the z-scored items, and
    the Spearman-Brown prophecy for ``k`` items of reliability ``r``.

    Parameters
    ----------
    X : array-like or DataFrame of shape (n_samples, n_items)
        Item scores; NaN marks a missing answer.
    sample_weight : array-like of shape (n_samples,), default=None
        Frequency weights of the rows (scikit-learn's semantics: a weight of
        3 is three copies of the row, as SPSS's ``WEIGHT BY``); rows of
        weight 0 are left out. The moments are the weighted ones, with
        divisor ``W - 1`` (``W`` the total weight).

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
    X, _, w = complete_items(X, "standardized_alpha", sample_weight=sample_weight)
    if not enough_rows(X, w):
        return float("nan")
    return standardized_alpha_from_cov(scaled_moments(X, sample_weight=w)[1])


@overload
def mcdonald_omega(
    X: ArrayLike,
    *,
    return_loadings: Literal[False] = ...,
    sample_weight: ArrayLike | None = ...,
) -> float: ...
@overload
def mcdonald_omega(
    X: ArrayLike,
    *,
    return_loadings: Literal[True],
    sample_weight: ArrayLike | None = ...,
) -> tuple[float, NDArray[np.float64], NDArray[np.float64]]: ...
def mcdonald_omega(
    X: ArrayLike,
    *,
    return_loadings: bool = False,
    sample_weight: ArrayLike | None = None,
) -> float | tuple[float, NDArray[np.float64], NDArray[np.float64]]:
    """McDonald's omega (total) from a one-factor maximum-likelihood model.

    The items are modelled as ``x_i = mu_i + lambda_i f + e_i`` with one
    common factor ``f`` (unit variance) and independent errors of variance
    ``psi_i``, fitted by maximum likelihood; omega is the share of the
    variance of the unweighted total ``sum_i x_i`` that the factor explains::

        omega = (sum_i lambda_i)^2 / ((sum_i lambda_i)^2 + sum_i psi_i)

    Unlike alpha, omega does not assume that every item loads equally
    (tau-equivalence); the two agree when the loadings are equal, and under
    the one-factor model alpha is below omega otherwise. Omega below alpha
    therefore signals that the one-factor model fits badly (correlated
    errors, more than one factor), which :func:`one_factor_test` tests.

    Parameters
    ----------
    X : array-like or DataFrame of shape (n_samples, n_items)
        Item scores; NaN marks a missing answer. At least three items: a
        one-factor model of two items is not identified.
    return_loadings : bool, default=False
        Also return the fitted loadings and uniquenesses.
    sample_weight : array-like of shape (n_samples,), default=None
        Frequency weights of the rows (scikit-learn's semantics: a weight of
        3 is three copies of the row, as SPSS's ``WEIGHT BY``); rows of
        weight 0 are left out. The moments are the weighted ones, with
        divisor ``W - 1`` (``W`` the total weight).

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
    X, _, w = complete_items(
        X, "mcdonald_omega", min_items=3, sample_weight=sample_weight
    )
    k = X.shape[1]
    if not enough_rows(X, w):
        nan = np.full(k, np.nan)
        return (float("nan"), nan, nan.copy()) if return_loadings else float("nan")
    _, cov, scale = scaled_moments(X, sample_weight=w)
    omega, loadings, uniquenesses = omega_from_cov(cov)
    with np.errstate(over="ignore"):
        loadings, uniquenesses = loadings * scale, uniquenesses * scale * scale
    return (omega, loadings, uniquenesses) if return_loadings else omega


def item_total_statistics(
    X: ArrayLike, *, sample_weight: ArrayLike | None = None
) -> pd.DataFrame:
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
    sample_weight : array-like of shape (n_samples,), default=None
        Frequency weights of the rows (scikit-learn's semantics: a weight of
        3 is three copies of the row, as SPSS's ``WEIGHT BY``); rows of
        weight 0 are left out. The moments are the weighted ones, with
        divisor ``W - 1`` (``W`` the total weight).

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
        item is left) or when the rest of the scale has no variance; the
        scale variance when weights sum to 1 or less (a sample variance of
        fewer than two observations).

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
    X, labels, w = complete_items(
        X, "item_total_statistics", sample_weight=sample_weight
    )
    k = X.shape[1]
    if not enough_rows(X, w):
        values = np.full((k, len(ITEM_TOTAL_COLUMNS)), np.nan)
    else:
        values = item_total_from_moments(
            *scaled_moments(X, sample_weight=w), n=weight_total(X, w)
        )
    return pd.DataFrame(values, index=pd.Index(labels), columns=ITEM_TOTAL_COLUMNS)


def one_factor_test(
    X: ArrayLike, *, sample_weight: ArrayLike | None = None
) -> dict[str, Any]:
    """Likelihood-ratio test that one common factor explains the items.

    The test R's ``factanal`` prints ("Test of the hypothesis that 1 factor
    is sufficient"): the one-factor maximum-likelihood model of
    :func:`mcdonald_omega` against an unrestricted correlation matrix, with
    Bartlett's correction, on the complete rows (listwise deletion)::

        statistic = (n - 1 - (2k + 5) / 6 - 2/3) * F,   df = ((k - 1)^2 - (k + 1)) / 2

    ``F`` the ML discrepancy at the fitted model. A small p-value rejects the
    one-factor model at that level; a large one does not show that it holds
    (the test has little power at small n).

    Parameters
    ----------
    X : array-like or DataFrame of shape (n_samples, n_items)
        Item scores; NaN marks a missing answer. At least three items.
    sample_weight : array-like of shape (n_samples,), default=None
        Frequency weights of the rows (scikit-learn's semantics: a weight of
        3 is three copies of the row, as SPSS's ``WEIGHT BY``); rows of
        weight 0 are left out. The moments are the weighted ones, and ``n`` is
        the total weight.

    Returns
    -------
    result : dict
        ``statistic``, ``df``, ``pvalue`` and ``n`` (complete rows; their
        total weight with ``sample_weight``). The
        statistic and p-value are NaN with three items (df 0: the model fits
        exactly) and when the model cannot be fitted (a constant item, a
        singular correlation matrix, fewer than two complete rows).

    See Also
    --------
    mcdonald_omega : Reliability from the same one-factor model.
    reliability_checks : The facts a reading of alpha and omega needs.

    References
    ----------
    .. [1] Lawley, D. N. and Maxwell, A. E. (1971). *Factor Analysis as a
       Statistical Method*, 2nd ed. Butterworths, chapter 4.
    .. [2] R Core Team. ``stats::factanal`` (the statistic and its
       correction).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_innov.diagnostics import one_factor_test
    >>> rng = np.random.default_rng(0)
    >>> two = rng.normal(size=(400, 2))
    >>> X = np.repeat(two, 3, axis=1) + rng.normal(size=(400, 6))
    >>> result = one_factor_test(X)
    >>> result["df"], bool(result["pvalue"] < 1e-6)
    (9, True)
    """
    X, _, w = complete_items(
        X, "one_factor_test", min_items=3, sample_weight=sample_weight
    )
    return _one_factor(X, w)


def _one_factor(X, w):
    """:func:`one_factor_test` of validated complete rows and their weights."""
    n, k = weight_total(X, w), X.shape[1]
    df = ((k - 1) ** 2 - (k + 1)) // 2
    corr = (
        correlation_from_cov(scaled_moments(X, axis=0, sample_weight=w)[1])
        if enough_rows(X, w)
        else None
    )
    if corr is None:  # fewer than two rows, or an item that does not vary
        return {"statistic": np.nan, "df": df, "pvalue": np.nan, "n": n}
    statistic, df, pvalue = one_factor_lr_test(corr, n)
    return {"statistic": statistic, "df": df, "pvalue": pvalue, "n": n}


def reliability_checks(
    X: ArrayLike, *, sample_weight: ArrayLike | None = None
) -> dict[str, Any]:
    """The facts a reading of alpha and omega needs, for one set of items.

    Alpha and omega describe one set of items; what they can be taken to
    mean depends on facts this function gathers, on the complete rows
    (listwise deletion):

    * ``omega_below_alpha``: under a one-factor model with uncorrelated
      errors alpha cannot exceed omega (it is a lower bound, reached with
      equal loadings). Omega below alpha is a sign that the one-factor model
      fits the items badly (correlated errors, or more than one factor), not
      of unequal loadings; ``one_factor`` tests that model.
    * ``n_floor``: rows with every item at its lowest observed value (all 0
      after min-max normalisation, e.g. firms that answer "no" to every
      innovation item). Such rows agree on every item and raise alpha and
      omega by themselves; ``alpha_above_floor`` is alpha on the other rows.

    Neither alpha nor omega tests that the items measure one thing (alpha
    can be high for items of several factors); and an index built as a
    formative composite (items that *define* it, such as kinds of
    innovation) need not be internally consistent at all.

    Parameters
    ----------
    X : array-like or DataFrame of shape (n_samples, n_items)
        Item scores; NaN marks a missing answer. At least two items.
    sample_weight : array-like of shape (n_samples,), default=None
        Frequency weights of the rows (scikit-learn's semantics: a weight of
        3 is three copies of the row, as SPSS's ``WEIGHT BY``); rows of
        weight 0 are left out. Counts are
        then total weights, and every statistic is weighted.

    Returns
    -------
    checks : dict
        ``n_complete``, ``n_floor``, ``alpha``, ``alpha_above_floor`` (NaN
        with fewer than two such rows), ``omega`` (NaN with fewer than three
        items), ``omega_below_alpha`` (bool; False when either is NaN) and
        ``one_factor`` (the dict of :func:`one_factor_test`, or None with
        fewer than three items).

    See Also
    --------
    cronbach_alpha, mcdonald_omega, one_factor_test

    References
    ----------
    .. [1] Sijtsma, K. (2009). "On the use, the misuse, and the very limited
       usefulness of Cronbach's alpha". Psychometrika, 74(1), 107-120.
    .. [2] McDonald, R. P. (1999). *Test Theory: A Unified Treatment*.
       Lawrence Erlbaum, chapter 6.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_innov.diagnostics import reliability_checks
    >>> X = np.array([[0, 0, 0], [0, 0, 0], [0, 0, 0], [1, 2, 1],
    ...               [2, 1, 1], [1, 1, 2], [2, 2, 1]])
    >>> checks = reliability_checks(X)
    >>> checks["n_floor"], round(checks["alpha"], 3)
    (3, 0.878)
    >>> round(checks["alpha_above_floor"], 3)  # the others do not cohere
    -4.0
    """
    X, _, w = complete_items(X, "reliability_checks", sample_weight=sample_weight)
    n, k = X.shape
    floor = (X == X.min(axis=0, initial=np.inf)).all(axis=1) if n else X[:, 0] > 0
    above, w_above = X[~floor], None if w is None else w[~floor]
    enough = enough_rows(X, w)
    alpha = alpha_from_cov(scaled_moments(X, sample_weight=w)[1]) if enough else np.nan
    omega, one_factor = float("nan"), None
    if k >= 3:
        if enough:
            omega = omega_from_cov(scaled_moments(X, sample_weight=w)[1])[0]
        one_factor = _one_factor(X, w)
    return {
        "n_complete": weight_total(X, w),
        "n_floor": int(floor.sum()) if w is None else float(w[floor].sum()),
        "alpha": float(alpha),
        "alpha_above_floor": (
            alpha_from_cov(scaled_moments(above, sample_weight=w_above)[1])
            if enough_rows(above, w_above)
            else float("nan")
        ),
        "omega": omega,
        "omega_below_alpha": bool(omega < alpha),
        "one_factor": one_factor,
    }


# -- input and moments -------------------------------------------------------


def complete_items(
    X: Any, name: str, min_items: int = 2, sample_weight: Any = None
) -> tuple[NDArray[np.float64], list[Any], NDArray[np.float64] | None]:
    """Validate an item matrix and keep its complete rows (listwise deletion).

    Returns the float64 array of complete rows, the item labels (column
    names of a DataFrame, else positions) and the frequency weights of the
    rows kept (None without ``sample_weight``). A row of weight 0 is dropped
    first, as a deleted row: its values are not checked.
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
    weights = check_sample_weight(sample_weight, values.shape[0], owner=name)
    if weights is not None and not (weights > 0).all():
        values, weights = values[weights > 0], weights[weights > 0]
    if np.isinf(values).any():
        cols = [labels[j] for j in np.flatnonzero(np.isinf(values).any(axis=0))]
        raise ValueError(
            f"{name}: item(s) {format_labels(cols)} hold infinite values. Replace "
            "them by NaN (a missing answer, dropped listwise) or fix the data."
        )
    if np.isnan(values.sum()):
        answered = ~np.isnan(values).any(axis=1)
        values = values[answered]
        weights = None if weights is None else weights[answered]
    return values, labels, weights
