"""Goodness-of-fit statistics of a binary-response model (SPSS's blocks).

Cox & Snell and Nagelkerke R², the Hosmer-Lemeshow test and the
classification table for any fitted probabilities a user has. They validate
their input and call the implementations that
:class:`~sklearn_innov.StepwiseLogit`'s results use, so each statistic has one
definition.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .._core import _tests
from ..utils._validation import check_same_length, check_sample_weight, check_vector

if TYPE_CHECKING:
    from collections.abc import Sequence

    import pandas as pd
    from numpy.typing import ArrayLike

    from ..utils._typing import HLMethod

__all__ = ["classification_table", "hosmer_lemeshow", "pseudo_r2"]


def pseudo_r2(llf: float, llnull: float, nobs: float) -> dict[str, float]:
    """Likelihood-based R² of a binary model.

    Parameters
    ----------
    llf, llnull : float
        Log-likelihoods of the model and of the intercept-only model.
    nobs : int
        Number of observations ``n``.

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


def hosmer_lemeshow(
    y: ArrayLike,
    prob: ArrayLike,
    *,
    groups: int = 10,
    method: HLMethod = "midrank",
    sample_weight: ArrayLike | None = None,
) -> dict[str, Any]:
    """Hosmer-Lemeshow goodness-of-fit test over groups of predicted risk.

    Cases are grouped by predicted probability (``method`` says how), and
    ``C = sum_g (O_g - E_g)^2 / (E_g (1 - E_g / n_g))``, with ``O_g`` and
    ``E_g`` the observed and expected events of group ``g`` and ``n_g`` its
    size, is referred to chi2(G - 2), G the number of non-empty groups.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        0/1 outcome.
    prob : array-like of shape (n_samples,)
        Fitted probabilities of the event.
    groups : int, default=10
        The number of groups aimed at (deciles of risk).
    method : {"midrank", "spss", "deciles"}, default="midrank"
        How cases are cut into groups, with ``n`` cases and ``G = groups``:

        - ``"midrank"``: case ``i`` goes to group ``floor(G r_i / n)`` (capped
          at ``G - 1``), ``r_i`` its 0-based mid-rank (the average 0-based
          position of its ties). Groups are as equal as the ranks allow and
          tied probabilities share a group.
        - ``"spss"``: the rule SPSS's LOGISTIC REGRESSION algorithms
          describe (groups at the percentiles of the predicted probability,
          cases with the same probability never split), read as: case ``i``
          goes to group ``ceil(G F(p_i))``, ``F(p)`` the share of cases with
          predicted probability at or below ``p``. A case lands in the group
          where its block of ties *ends* ("midrank": where it is centred).
          SPSS does not publish code; its output is not checked here.
        - ``"deciles"``: R's ``ResourceSelection::hoslem.test``: cut points
          ``unique(quantile(prob, seq(0, 1, 1/G)))`` (type 7, linear
          interpolation) and ``cut(prob, cuts, include.lowest=TRUE)``:
          intervals ``(q_(g-1), q_g]``, the first closed. Two deliberate
          differences from ``hoslem.test``: an interval with no case is
          dropped (R's statistic is then NaN), and df is G - 2 for the G
          groups formed (R keeps ``groups - 2``).

        Every rule may form fewer than ``groups`` groups when probabilities
        tie; with fewer than 3 the test is undefined (df 0, p-value NaN).
    sample_weight : array-like of shape (n_samples,), optional
        Frequency weights, as SPSS's ``WEIGHT BY``: a case of weight ``w``
        counts as ``w`` cases in the ranks, the groups and the counts (the
        test equals that of the replicated cases); rows of weight 0 are
        left out. Non-integer weights (a design's, at mean 1) read the same
        way, except that the outer cut points of ``"deciles"`` are always the
        smallest and the largest probability (as ``quantile`` at 0 and 1):
        no rule forms more than ``groups`` groups.

    Returns
    -------
    result : dict
        ``statistic``, ``df``, ``pvalue`` and ``table`` (DataFrame per group:
        n, observed and expected events and non-events). The counts of
        cases (``n``, ``observed_events``, ``observed_nonevents``) are
        integers; under non-integer ``sample_weight`` they are weighted sums
        of the rows' weights, and floats.

    References
    ----------
    .. [1] Hosmer, D. W. and Lemeshow, S. (2000). Applied Logistic
       Regression, 2nd ed., section 5.2.2. Wiley.
    .. [2] IBM SPSS Statistics Algorithms, LOGISTIC REGRESSION:
       "Hosmer-Lemeshow goodness-of-fit statistic".
    .. [3] Lele, S. R., Keim, J. L. and Solymos, P. ResourceSelection (R
       package), ``hoslem.test``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_innov.diagnostics import hosmer_lemeshow
    >>> prob = np.repeat([0.2, 0.5, 0.8], 4)
    >>> y = np.array([0, 0, 0, 1, 0, 1, 0, 1, 1, 1, 1, 0])
    >>> result = hosmer_lemeshow(y, prob, groups=3)
    >>> result["table"]["n"].tolist(), round(result["statistic"], 4)
    ([4, 4, 4], 0.125)
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
    if method not in _tests.HL_METHODS:
        raise ValueError(
            f"{owner}: method must be one of {', '.join(map(repr, _tests.HL_METHODS))}"
            f"; got {method!r}."
        )
    weights = check_sample_weight(sample_weight, y.size, owner=owner)
    if weights is not None:
        used = weights > 0
        y, prob, weights = y[used], prob[used], weights[used]
    return _tests.hosmer_lemeshow(y, prob, groups, method, weights=weights)


def classification_table(
    y_true: ArrayLike, y_pred: ArrayLike, labels: Sequence[Any]
) -> pd.DataFrame:
    """SPSS's classification table: counts and percentage correct per class.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,)
        Observed and predicted labels.
    labels : sequence of 2 labels
        The two classes, in the order of the table's rows and columns.

    Returns
    -------
    table : DataFrame
        Rows: observed labels and "Overall Percentage"; columns: "predicted
        <label>" for each class, holding the counts of cases (integers; empty
        in the overall row), and "percentage_correct" (printed "Percentage
        correct" by a summary).

    Examples
    --------
    >>> from sklearn_innov.diagnostics import classification_table
    >>> y_true = [0, 0, 0, 1, 1, 1, 1, 1]
    >>> y_pred = [0, 1, 0, 1, 1, 0, 1, 1]
    >>> classification_table(y_true, y_pred, labels=[0, 1])
                       predicted 0 predicted 1 percentage_correct
    observed
    0                            2           1          66.666667
    1                            1           4               80.0
    Overall Percentage         NaN         NaN               75.0
    """
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    check_same_length("classification_table", y_true=y_true, y_pred=y_pred)
    if len(labels) != 2:
        raise ValueError(
            f"classification_table: labels must be the 2 classes; got {labels!r}."
        )
    return _tests.classification_table(y_true, y_pred, list(labels))
