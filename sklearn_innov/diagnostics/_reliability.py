"""Internal consistency of survey scales: Cronbach's alpha.

A composite index sums items that should measure one thing; Cronbach's alpha
is the usual check that they do. It is computed here once, for
:class:`CompositeIndex` and for anyone who calls it directly.
"""

import numpy as np

from .._core import column_variances

__all__ = ["cronbach_alpha"]


def cronbach_alpha(X):
    """Cronbach's alpha of a set of items (columns of X).

    ``alpha = k / (k - 1) * (1 - sum_i var(x_i) / var(sum_i x_i))`` with
    sample variances (``ddof=1``), on the rows where every item is answered
    (listwise deletion, as SPSS's RELIABILITY does by default).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_items)
        Item scores; NaN marks a missing answer.

    Returns
    -------
    alpha : float
        NaN when fewer than two complete rows remain or the total score has
        no variance (alpha is undefined there).

    Raises
    ------
    ValueError
        If X has fewer than two items.

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
    try:
        if hasattr(X, "to_numpy"):  # pandas: pd.NA and nullable dtypes become NaN
            X = X.to_numpy(dtype=np.float64, na_value=np.nan)
        else:
            X = np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(
            "cronbach_alpha needs numeric item scores; encode text answers as "
            "numbers first."
        ) from None
    if np.isinf(X).any():
        raise ValueError("cronbach_alpha: X has infinite values; fix or drop them.")
    if X.ndim != 2 or X.shape[1] < 2:
        raise ValueError(
            "cronbach_alpha needs a 2-D array with at least two items (columns); "
            f"got shape {X.shape}."
        )
    if np.isnan(X.sum()):
        X = X[~np.isnan(X).any(axis=1)]
    n, k = X.shape
    if n < 2:
        return float("nan")
    return alpha_from_variances(
        column_variances(X).sum(), column_variances(X.sum(axis=1)[:, None])[0], k
    )


def alpha_from_variances(item_variance_sum, total_variance, n_items):
    """Cronbach's formula from the summed item variances and the total's variance.

    NaN when the total has no variance (alpha is undefined there).
    """
    if not total_variance > 0:
        return float("nan")
    k = n_items
    return float(k / (k - 1) * (1.0 - item_variance_sum / total_variance))
