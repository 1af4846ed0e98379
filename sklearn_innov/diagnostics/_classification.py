"""Goodness-of-fit statistics of a binary-response model (SPSS's blocks).

Cox & Snell and Nagelkerke R², the Hosmer-Lemeshow test and the
classification table, computed once here for :class:`StepwiseLogit` and for
any fitted probabilities a user has.
"""

import numpy as np
from scipy import stats

from ..utils._lazy import pd

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
    cox_snell = 1.0 - np.exp(2.0 * (llnull - llf) / nobs)
    ceiling = 1.0 - np.exp(2.0 * llnull / nobs)
    return {
        "cox_snell": float(cox_snell),
        "nagelkerke": float(cox_snell / ceiling),
        "mcfadden": float(1.0 - llf / llnull),
    }


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
    y = np.asarray(y, dtype=np.float64)
    prob = np.asarray(prob, dtype=np.float64)
    n = y.size
    # mid-rank of each case among the sorted probabilities: ties share a group
    ranks = stats.rankdata(prob, method="average") - 1.0
    group = np.minimum((ranks * groups / n).astype(int), groups - 1)
    labels, group = np.unique(group, return_inverse=True)
    n_g = np.bincount(group).astype(float)
    observed = np.bincount(group, weights=y)
    expected = np.bincount(group, weights=prob)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = (observed - expected) ** 2 / (expected * (1.0 - expected / n_g))
    terms = np.where(np.isfinite(terms), terms, 0.0)
    statistic = float(terms.sum())
    df = len(labels) - 2
    table = pd.DataFrame(
        {
            "n": n_g.astype(int),
            "observed_events": observed,
            "expected_events": expected,
            "observed_nonevents": n_g - observed,
            "expected_nonevents": n_g - expected,
        },
        index=pd.Index(np.arange(1, len(labels) + 1), name="group"),
    )
    pvalue = float(stats.chi2.sf(statistic, df)) if df > 0 else float("nan")
    return {"statistic": statistic, "df": df, "pvalue": pvalue, "table": table}


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
    rows = []
    for label in labels:
        mask = y_true == label
        counts = [int(np.sum(mask & (y_pred == other))) for other in labels]
        correct = 100.0 * counts[list(labels).index(label)] / max(int(mask.sum()), 1)
        rows.append([*counts, correct])
    overall = 100.0 * np.mean(y_true == y_pred)
    rows.append([np.nan] * len(labels) + [overall])
    index = pd.Index([str(v) for v in labels] + ["Overall Percentage"], name="observed")
    columns = [f"predicted {v}" for v in labels] + ["Percentage Correct"]
    return pd.DataFrame(rows, index=index, columns=columns, dtype=object)
