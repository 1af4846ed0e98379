"""Comparing models' cross-validated scores honestly.

Scores from the folds of repeated k-fold cross-validation are not independent
(training sets overlap), so a plain paired t-test is far too liberal. Nadeau
and Bengio's correction inflates the variance for that overlap. Several
models compared with one reference make several tests: Holm's step-down
adjustment keeps the chance of any false rejection among them at the level.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from scipy import stats

from ..utils._validation import check_same_length, check_vector

if TYPE_CHECKING:
    from numpy.typing import ArrayLike, NDArray

__all__ = ["corrected_resampled_ttest", "holm_adjusted"]


def corrected_resampled_ttest(
    scores_a: ArrayLike, scores_b: ArrayLike, n_train: int, n_test: int
) -> dict[str, Any]:
    """Nadeau-Bengio corrected resampled t-test of paired CV scores.

    ``t = mean(d) / sqrt((1 / J + n_test / n_train) * var(d))`` with ``d`` the
    per-fold differences ``a - b`` over the ``J`` folds of all repeats
    (``ddof=1``), and ``J - 1`` degrees of freedom.

    Parameters
    ----------
    scores_a, scores_b : array-like of shape (n_folds_total,)
        Scores of two models on the same folds, in the same order.
    n_train, n_test : int
        Sizes of a training and a test fold.

    Returns
    -------
    result : dict
        ``mean_difference``, ``t``, ``df``, ``pvalue`` (two-sided). NaN t and
        p when every difference is the same (no variance).

    References
    ----------
    .. [1] Nadeau, C. and Bengio, Y. (2003). "Inference for the
       generalization error". Machine Learning, 52(3), 239-281.
    .. [2] Bouckaert, R. R. and Frank, E. (2004). "Evaluating the
       replicability of significance tests for comparing learning
       algorithms". PAKDD, 3-12.

    Examples
    --------
    >>> from sklearn_innov.diagnostics import corrected_resampled_ttest
    >>> result = corrected_resampled_ttest([0.8, 0.7, 0.9, 0.85], [0.7, 0.7, 0.8, 0.8],
    ...                                    n_train=80, n_test=20)
    >>> round(result["t"], 3), result["df"]
    (1.846, 3)
    """
    owner = "corrected_resampled_ttest"
    a = check_vector(scores_a, "scores_a", min_size=2, owner=owner)
    b = check_vector(scores_b, "scores_b", min_size=2, owner=owner)
    check_same_length(owner, scores_a=a, scores_b=b)
    for name, size in (("n_train", n_train), ("n_test", n_test)):
        if isinstance(size, bool) or not (
            isinstance(size, (int, np.integer)) and size > 0
        ):
            raise ValueError(
                f"{owner}: {name} must be a positive integer (the rows of one "
                f"training or test fold); got {size!r}."
            )
    d = a - b
    J = d.size
    variance = d.var(ddof=1)
    mean = float(d.mean())
    if variance == 0:
        return {
            "mean_difference": mean,
            "t": float("nan"),
            "df": J - 1,
            "pvalue": float("nan"),
        }
    t = mean / np.sqrt((1.0 / J + n_test / n_train) * variance)
    return {
        "mean_difference": mean,
        "t": float(t),
        "df": J - 1,
        "pvalue": float(2 * stats.t.sf(abs(t), J - 1)),
    }


def holm_adjusted(pvalues: ArrayLike) -> NDArray[np.float64]:
    """Holm's step-down adjusted p-values of a family of tests.

    With the ``m`` p-values sorted, ``p_(1) <= ... <= p_(m)``, the adjusted
    value of ``p_(i)`` is ``max_{j <= i} min(1, (m - j + 1) p_(j))``.
    Rejecting where the adjusted p-value is at most ``alpha`` keeps the
    familywise error rate (the chance of one or more false rejections) at
    ``alpha`` under any dependence between the tests, and rejects at least
    as much as Bonferroni.

    Parameters
    ----------
    pvalues : array-like of shape (n_tests,)
        p-values in [0, 1]. NaN marks a test that could not be made: it stays
        NaN and does not count in ``m``.

    Returns
    -------
    adjusted : ndarray of shape (n_tests,)
        In the input's order.

    References
    ----------
    .. [1] Holm, S. (1979). "A simple sequentially rejective multiple test
       procedure". Scandinavian Journal of Statistics, 6(2), 65-70.

    Examples
    --------
    >>> from sklearn_innov.diagnostics import holm_adjusted
    >>> holm_adjusted([0.01, 0.04, 0.03, float("nan")]).round(3).tolist()
    [0.03, 0.06, 0.06, nan]
    """
    owner = "holm_adjusted"
    p = check_vector(pvalues, "pvalues", allow_nan=True, owner=owner)
    outside = (p < 0) | (p > 1)
    if outside.any():
        raise ValueError(
            f"{owner}: pvalues must lie in [0, 1]; position(s) "
            f"{np.flatnonzero(outside).tolist()[:5]} do not."
        )
    adjusted = np.full_like(p, np.nan)
    made = np.flatnonzero(~np.isnan(p))
    order = made[np.argsort(p[made], kind="stable")]
    m = order.size
    steps = (m - np.arange(m)) * p[order]
    adjusted[order] = np.minimum(1.0, np.maximum.accumulate(steps))
    return adjusted
