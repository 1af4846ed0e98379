"""Goodness-of-fit statistics of a binary-response model (SPSS's blocks).

Cox & Snell and Nagelkerke R², the Hosmer-Lemeshow test and the
classification table for any fitted probabilities a user has. They validate
their input and call the implementations that
:class:`~sklearn_innov.StepwiseLogit`'s results use, so each statistic has one
definition.
"""

import numpy as np

from .._core import _tests
from ..utils._validation import check_same_length, check_vector

__all__ = ["classification_table", "hosmer_lemeshow", "pseudo_r2"]


def pseudo_r2(llf, llnull, nobs):
    """Likelihood-based R² of a binary model.

    Parameters
    ----------
    llf, llnull : float
        Log-likelihoods of the model and of the intercept-only model.
    nobs : int

    Returns
    -------
    r2 : dict
        ``cox_snell = 1 - exp(2 (llnull - llf) / n)``; ``nagelkerke`` divides it
        by its maximum ``1 - exp(2 llnull / n)``; ``mcfadden = 1 - llf/llnull``.

    Examples
    --------
    >>> from sklearn_innov.diagnostics import pseudo_r2
    >>> r2 = pseudo_r2(-50.0, -60.0, 100)
    >>> round(r2["cox_snell"], 4), round(r2["nagelkerke"], 4)
    (0.1813, 0.2594)
    """
    for name, value in (("llf", llf), ("llnull", llnull)):
        if not (np.isfinite(value) and value <= 0):
            raise ValueError(
                f"pseudo_r2: {name} must be a finite log-likelihood <= 0 of a "
                f"binary model; got {value!r}."
            )
    if not llnull < 0:
        raise ValueError(
            "pseudo_r2: llnull = 0 means every outcome is the same class, so no "
            "R² is defined; check that y has both classes."
        )
    if not (isinstance(nobs, (int, np.integer)) and nobs > 0):
        raise ValueError(f"pseudo_r2: nobs must be a positive integer; got {nobs!r}.")
    return _tests.pseudo_r2(llf, llnull, nobs)


def hosmer_lemeshow(y, prob, *, groups=10):
    """Hosmer-Lemeshow goodness-of-fit test over groups of predicted risk.

    Cases are sorted by predicted probability and cut into ``groups`` groups
    of (nearly) equal size, ties kept in one group (so there may be fewer
    groups). ``C = sum_g (O_g - E_g)^2 / (E_g (1 - E_g / n_g))`` with observed
    and expected events per group, ~ chi2(G - 2).

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        0/1 outcome.
    prob : array-like of shape (n_samples,)
        Fitted probabilities of the event.
    groups : int, default=10

    Returns
    -------
    result : dict
        ``statistic``, ``df``, ``pvalue`` and ``table`` (DataFrame per group:
        n, observed and expected events and non-events).

    References
    ----------
    .. [1] Hosmer, D. W. and Lemeshow, S. (2000). Applied Logistic
       Regression, 2nd ed., section 5.2.2. Wiley.
    """
    owner = "hosmer_lemeshow"
    y = check_vector(y, "y", min_size=3, owner=owner)
    prob = check_vector(prob, "prob", min_size=3, owner=owner)
    check_same_length(owner, y=y, prob=prob)
    if not np.isin(y, (0.0, 1.0)).all():
        raise ValueError(
            f"{owner}: y must be coded 0/1 (1 = the event); got values "
            f"{sorted(set(np.unique(y).tolist()) - {0.0, 1.0})[:5]}."
        )
    if not ((prob >= 0) & (prob <= 1)).all():
        raise ValueError(
            f"{owner}: prob must be probabilities in [0, 1]; "
            f"{int(((prob < 0) | (prob > 1)).sum())} value(s) lie outside."
        )
    if not (isinstance(groups, (int, np.integer)) and groups >= 3):
        raise ValueError(f"{owner}: groups must be an integer >= 3; got {groups!r}.")
    return _tests.hosmer_lemeshow(y, prob, groups)


def classification_table(y_true, y_pred, labels):
    """SPSS's classification table: counts and percentage correct per class.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,)
    labels : sequence of 2 labels

    Returns
    -------
    table : DataFrame
        Rows: observed labels and "Overall Percentage"; columns: predicted
        labels and "Percentage Correct".
    """
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    check_same_length("classification_table", y_true=y_true, y_pred=y_pred)
    if len(labels) != 2:
        raise ValueError(
            f"classification_table: labels must be the 2 classes; got {labels!r}."
        )
    return _tests.classification_table(y_true, y_pred, list(labels))
