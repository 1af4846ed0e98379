"""The statistics of a fitted model, computed on arrays: one definition each.

The results objects (:mod:`._ols`, :mod:`._logit`) call these lazily, and the
public functions of :mod:`sklearn_innov.diagnostics` call them after
validating what a user passed, so each statistic has exactly one
implementation. Nothing here validates input: callers do.
"""

import functools

import numpy as np
from scipy import integrate, linalg, special, stats

from ..utils._lazy import pd
from ..utils._threads import scipy_single_thread
from . import _lilliefors_table

__all__ = [
    "DW_ALTERNATIVES",
    "HL_METHODS",
    "breusch_godfrey",
    "classification_table",
    "durbin_watson",
    "durbin_watson_test",
    "hosmer_lemeshow",
    "lilliefors",
    "pseudo_r2",
    "vif_from_correlation",
]


def durbin_watson(e):
    """``sum((e_t - e_{t-1})^2) / sum(e_t^2)``; ValueError if every e is 0."""
    total = e @ e
    if not total > 0:
        raise ValueError("durbin_watson is undefined when every residual is zero")
    steps = np.diff(e)
    return float((steps @ steps) / total)


DW_ALTERNATIVES = ("two-sided", "greater", "less")
# the exact null distribution needs the eigenvalues of an (n - k) x (n - k)
# matrix; beyond this many rows the normal approximation with the exact
# mean and variance is used (lmtest::dwtest switches at n = 100)
DW_EXACT_MAX_ROWS = 400


def durbin_watson_test(e, X, *, alternative="two-sided", exact=None):
    """Durbin-Watson test with its p-value for the design at hand.

    Under H0 (independent normal errors) ``DW = u'MAMu / u'Mu``, ``M`` the
    residual maker of ``X`` and ``A`` the first-difference matrix ``D'D``,
    so ``P(DW < d) = P(sum_i (nu_i - d) z_i^2 < 0)`` with ``nu_i`` the
    ``n - k`` non-zero eigenvalues of ``MAM`` and ``z_i`` independent
    standard normals. That probability is Imhof's (1961) integral, computed
    here by adaptive quadrature (R's ``lmtest::dwtest`` computes the same
    probability by Pan's algorithm). With ``exact=False`` (default above
    ``DW_EXACT_MAX_ROWS`` rows) DW is taken as normal with its exact mean
    and variance under H0, as ``dwtest(exact = FALSE)``.

    The p-value is exact for any design, with or without an intercept; the
    Durbin-Watson bounds tables, by contrast, assume an intercept.

    Parameters
    ----------
    e : ndarray of shape (n,)
        Residuals of the fit of ``X``, in row order.
    X : ndarray of shape (n, k)
        The design (whitened, and reduced to its free directions under
        equality constraints); ``k`` may be 0.
    alternative : {"two-sided", "greater", "less"}
        "greater": positive first-order autocorrelation (small DW; lmtest's
        default); "less": negative; "two-sided": twice the smaller tail.
    exact : bool or None
        None: exact up to ``DW_EXACT_MAX_ROWS`` rows.

    Returns
    -------
    result : dict
        ``statistic``, ``pvalue``, ``alternative``, ``method`` ("exact
        (Imhof)" or "normal approximation"), ``has_const``.
    """
    statistic = durbin_watson(e)
    n = e.size
    Q1, has_const = _orthonormal_basis(X, n)
    k = Q1.shape[1]
    if n - k < 2:
        raise ValueError(
            f"the Durbin-Watson test needs more rows than parameters plus one; "
            f"got {n} rows and {k} parameters"
        )
    if exact is None:
        exact = n <= DW_EXACT_MAX_ROWS
    if exact:
        below = _dw_cdf_exact(statistic, _dw_eigenvalues(Q1, n))
        method = "exact (Imhof)"
    else:
        mean, var = _dw_moments(Q1, n)
        below = float(stats.norm.cdf(statistic, mean, np.sqrt(var)))
        method = "normal approximation"
    below = min(max(below, 0.0), 1.0)
    if alternative == "greater":
        pvalue = below
    elif alternative == "less":
        pvalue = 1.0 - below
    else:
        pvalue = min(1.0, 2.0 * min(below, 1.0 - below))
    return {
        "statistic": statistic,
        "pvalue": float(pvalue),
        "alternative": alternative,
        "method": method,
        "has_const": has_const,
    }


def _orthonormal_basis(X, n):
    """An orthonormal basis of the columns of X, and whether 1 lies in them."""
    if X.shape[1] == 0:
        return np.zeros((n, 0)), False
    Q, R, _ = linalg.qr(X, mode="economic", pivoting=True)
    diag = np.abs(np.diag(R))
    rank = int(np.sum(diag > diag[0] * max(X.shape) * np.finfo(float).eps))
    Q1 = Q[:, :rank]
    ones = np.ones(n) / np.sqrt(n)
    has_const = bool(np.linalg.norm(ones - Q1 @ (Q1.T @ ones)) < 1e-8)
    return Q1, has_const


@scipy_single_thread  # at most 400 x 400: threads only add overhead
def _dw_eigenvalues(Q1, n):
    """The n - k non-zero eigenvalues of M A M (A = D'D, first differences)."""
    k = Q1.shape[1]
    if k:
        Q, _ = linalg.qr(Q1, mode="full")
        Q2 = Q[:, k:]
    else:
        Q2 = np.eye(n)
    # Q2' A Q2 = (D Q2)' (D Q2): its eigenvalues are the squared singular
    # values of D Q2
    return linalg.svdvals(np.diff(Q2, axis=0)) ** 2


def _dw_cdf_exact(d, nu):
    """``P(sum (nu_i - d) z_i^2 < 0)`` by Imhof's integral."""
    lam = nu - d
    scale = np.max(np.abs(lam))
    if scale == 0:
        return 0.5
    lam = lam / scale

    def integrand(u):
        theta = 0.5 * np.sum(np.arctan(lam * u))
        log_rho = 0.25 * np.sum(np.log1p((lam * u) ** 2))
        return np.sin(theta) * np.exp(-log_rho) / u

    value, _ = integrate.quad(integrand, 0.0, np.inf, limit=500, epsabs=1e-10)
    return 0.5 - value / np.pi


def _dw_moments(Q1, n):
    """Mean and variance of DW under H0 (lmtest's normal approximation).

    ``E = tr(MA) / (n - k)`` and ``Var = 2 (tr((MA)^2) - tr(MA)^2 / (n - k))
    / ((n - k)(n - k + 2))``, the traces from ``A Q1`` without forming
    n x n matrices.
    """
    k = Q1.shape[1]
    m = n - k
    AQ = _first_difference_gram_times(Q1)
    QAQ = Q1.T @ AQ
    tr_ma = 2.0 * (n - 1) - np.trace(QAQ)
    tr_mama = 2.0 * (3 * n - 4) - 2.0 * np.sum(AQ * AQ) + np.sum(QAQ * QAQ.T)
    mean = tr_ma / m
    var = 2.0 * (tr_mama - tr_ma**2 / m) / (m * (m + 2))
    return mean, var


def _first_difference_gram_times(Q):
    """``A Q`` with ``A = D'D`` (tridiagonal: 1, 2, ..., 2, 1 and -1 beside)."""
    out = 2.0 * Q
    out[0] -= Q[0]
    out[-1] -= Q[-1]
    out[1:] -= Q[:-1]
    out[:-1] -= Q[1:]
    return out


def breusch_godfrey(e, X, *, nlags=1):
    """Breusch-Godfrey LM test of autocorrelation up to ``nlags``.

    Regresses the residuals on the design and their own lags (the first
    lags filled with 0, and a constant added when the design has none) and
    takes ``LM = n R^2`` ~ chi2(nlags) and the F test of the lags, as
    ``statsmodels.stats.diagnostic.acorr_breusch_godfrey``.

    Returns
    -------
    result : dict
        ``lm``, ``lm_pvalue``, ``fvalue``, ``f_pvalue``, ``nlags``.
    """
    n = e.size
    lags = np.column_stack(
        [np.concatenate([np.zeros(j), e[: n - j]]) for j in range(1, nlags + 1)]
    )
    _, has_const = _orthonormal_basis(X, n)
    base = X if has_const else np.column_stack([X, np.ones(n)])
    full = np.column_stack([base, lags])
    df = n - np.linalg.matrix_rank(full)
    if df <= 0:
        raise ValueError(
            f"the Breusch-Godfrey test needs more rows than the design's columns "
            f"plus {nlags} lag(s); got {n} rows"
        )
    ssr_full = _ssr(full, e)
    ssr_base = _ssr(base, e)
    centred = e - e.mean()
    lm = n * (1.0 - ssr_full / (centred @ centred))
    fvalue = (ssr_base - ssr_full) / nlags / (ssr_full / df)
    return {
        "lm": float(lm),
        "lm_pvalue": float(stats.chi2.sf(lm, nlags)),
        "fvalue": float(fvalue),
        "f_pvalue": float(stats.f.sf(fvalue, nlags, df)),
        "nlags": nlags,
    }


def _ssr(X, y):
    coef, *_ = np.linalg.lstsq(X, y, rcond=None)
    r = y - X @ coef
    return float(r @ r)


# the range of Lilliefors' table: p-values outside it are clipped
LILLIEFORS_P_RANGE = (0.001, 0.99)


def lilliefors(x):
    """Lilliefors' test of normality: ``(D, p)`` as statsmodels computes them.

    ``D = sup |F_n(z) - Phi(z)|`` of the values standardised with their mean
    and sample standard deviation, ``max(D+, D-)`` over the sorted values as
    statsmodels' ``ksstat`` takes it; p from the simulated table of
    :mod:`._lilliefors_table` (statsmodels' own, read as its public
    ``statsmodels.stats.diagnostic.lilliefors(pvalmethod="table")`` reads
    it): p-values clipped to ``pvalue_range``, [0.001, 0.99] (a p at a limit
    means "this or beyond"). D is computed here, sorting the standardised
    copy in place and with SciPy's ``ndtr``, at about half the cost of
    statsmodels' function on a million values; the tests compare both with
    it.
    """
    x = np.asarray(x, dtype=np.float64)
    n = x.size
    if n < 4:
        raise ValueError(f"lilliefors needs at least 4 values; got {n}")
    sd = x.std(ddof=1)
    if not sd > 0:
        raise ValueError("lilliefors is undefined for values without variance")
    z = x - x.mean()
    z /= sd
    z.sort()
    cdf = special.ndtr(z, out=z)
    steps = np.arange(1.0, n + 1)
    steps /= n
    d_plus = np.max(np.subtract(steps, cdf, out=steps))
    steps = np.arange(0.0, n)
    steps /= n
    d_minus = np.max(np.subtract(cdf, steps, out=steps))
    statistic = float(max(d_plus, d_minus))
    return {
        "statistic": statistic,
        "pvalue": lilliefors_pvalue(statistic, n),
        "pvalue_range": LILLIEFORS_P_RANGE,
    }


def lilliefors_pvalue(statistic, n):
    """The p-value of Lilliefors' D from the simulated table, as statsmodels.

    The critical values at ``n`` are interpolated linearly between the
    tabulated sample sizes (beyond the largest, the fitted approximation
    ``exp(b0 + b1 log n + b2 log^2 n)``), then the upper-tail probability
    linearly between the critical values, clipped to the tabulated
    probabilities: statsmodels' ``TableDist.prob``.
    """
    sizes, alpha, critical, asymptotic = _lilliefors_arrays()
    if n > sizes[-1]:
        log_n = np.log(n)
        cv = np.exp(asymptotic @ np.array([1.0, log_n, log_n**2]))
    else:
        cv = np.array([np.interp(n, sizes, column) for column in critical.T])
    # critical values decrease as alpha increases: both reversed, increasing
    cv, alpha = cv[::-1], alpha[::-1]
    if statistic < cv[0]:
        return float(alpha[0])
    if statistic > cv[-1]:
        return float(alpha[-1])
    return float(np.interp(statistic, cv, alpha))


@functools.cache
def _lilliefors_arrays():
    table = _lilliefors_table
    return (
        np.array(table.SIZES, dtype=float),
        np.array(table.ALPHA),
        np.array(table.CRITICAL),
        np.array(table.ASYMPTOTIC),
    )


def vif_from_correlation(corr):
    """Variance inflation factors: the diagonal of the inverse correlation matrix.

    A column that is an exact linear combination of the others has an
    infinite VIF (statsmodels' ``variance_inflation_factor`` gives inf too);
    the others keep their finite values when they are not part of it.
    """
    k = corr.shape[0]
    if k == 1:
        return np.ones(1)
    w, U = np.linalg.eigh(corr)
    # eigenvalues of a correlation matrix lie in [0, k]; below this the
    # matrix is singular to working precision along that direction
    null = w <= k * 1e-12
    inv_diag = (U[:, ~null] ** 2 / w[~null]).sum(axis=1)
    involved = (np.abs(U[:, null]) > 1e-8).any(axis=1)
    return np.where(involved, np.inf, inv_diag)


def pseudo_r2(llf, llnull, nobs):
    """Cox & Snell, Nagelkerke and McFadden R² from two log-likelihoods."""
    cox_snell = 1.0 - np.exp(2.0 * (llnull - llf) / nobs)
    ceiling = 1.0 - np.exp(2.0 * llnull / nobs)
    return {
        "cox_snell": float(cox_snell),
        "nagelkerke": float(cox_snell / ceiling) if ceiling > 0 else float("nan"),
        "mcfadden": float(1.0 - llf / llnull) if llnull != 0 else float("nan"),
    }


HL_METHODS = ("midrank", "spss", "deciles")


def hosmer_lemeshow(y, prob, groups=10, method="midrank", weights=None):
    """Hosmer-Lemeshow statistic over groups of predicted risk.

    ``C = sum_g (O_g - E_g)^2 / (E_g (1 - E_g / n_g))`` ~ chi2(G - 2), G the
    number of non-empty groups (undefined, p-value NaN, below 3). The rules
    that form the groups (``method``) are documented in
    :func:`sklearn_innov.diagnostics.hosmer_lemeshow`. With frequency
    ``weights`` (positive) a case of weight ``w`` counts as ``w`` cases, in
    the groups' counts and in the ranks that form them, as SPSS's
    ``WEIGHT BY``: integer weights give the test of the replicated rows.
    """
    group = _risk_groups(prob, groups, method, weights)
    labels, group = np.unique(group, return_inverse=True)
    if weights is None:
        n_g = np.bincount(group).astype(float)
        observed = np.bincount(group, weights=y)
        expected = np.bincount(group, weights=prob)
    else:
        n_g = np.bincount(group, weights=weights)
        observed = np.bincount(group, weights=weights * y)
        expected = np.bincount(group, weights=weights * prob)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = (observed - expected) ** 2 / (expected * (1.0 - expected / n_g))
    terms = np.where(np.isfinite(terms), terms, 0.0)
    statistic = float(terms.sum())
    df = len(labels) - 2
    # counts of cases are integers; under non-integer weights they are
    # weighted sums and stay float (the summary then says "weighted")
    whole = (n_g == np.round(n_g)).all() and (observed == np.round(observed)).all()
    table = pd.DataFrame(
        {
            "n": _counts(n_g, whole),
            "observed_events": _counts(observed, whole),
            "expected_events": expected,
            "observed_nonevents": _counts(n_g - observed, whole),
            "expected_nonevents": n_g - expected,
        },
        index=pd.Index(np.arange(1, len(labels) + 1), name="group"),
    )
    pvalue = float(stats.chi2.sf(statistic, df)) if df > 0 else float("nan")
    return {"statistic": statistic, "df": max(df, 0), "pvalue": pvalue, "table": table}


def _counts(values, whole):
    """Counts as integers when every one is whole (unweighted, or whole weights)."""
    return np.round(values).astype(np.int64) if whole else values


def _risk_groups(prob, groups, method, weights=None):
    """Group label of each case (integers, increasing with risk; may skip).

    Probabilities that differ by rounding only (1e-12) are ties: two fits of
    the same model, or the same fit predicted again, can differ in the last
    bits, and a grouping by ranks would split such ties differently.
    """
    prob = np.round(prob, 12)
    if weights is not None:
        return _weighted_risk_groups(prob, groups, method, weights)
    n = prob.size
    if method == "midrank":
        # a case's group is that of its mid-rank: ties share it
        ranks = stats.rankdata(prob, method="average") - 1.0
        return np.minimum((ranks * groups / n).astype(int), groups - 1)
    if method == "spss":
        # group ceil(G F(p)), F the empirical distribution function (the share
        # of cases at or below p), in integers: ties share F, hence a group
        at_or_below = stats.rankdata(prob, method="max").astype(np.int64)
        return (groups * at_or_below + n - 1) // n
    # "deciles": R's quantile(type = 7) at seq(0, 1, 1/G), unique, then
    # cut(include.lowest = TRUE): intervals (q_{g-1}, q_g], the first closed
    x = np.sort(prob)
    probs = np.minimum(np.arange(groups + 1) * (1.0 / groups), 1.0)
    index = (n - 1) * probs
    lo = np.floor(index).astype(int)
    hi = np.ceil(index).astype(int)
    cuts = x[lo]
    mix = (index > lo) & (x[hi] != cuts)
    h = index - lo
    cuts = np.where(mix, (1.0 - h) * cuts + h * x[hi], cuts)
    return np.maximum(np.searchsorted(np.unique(cuts), prob, side="left"), 1)


def _weighted_risk_groups(prob, groups, method, weights):
    """:func:`_risk_groups` of cases counted ``weights`` times each.

    The rules read the replicated cases: a tie group (equal ``prob``) of
    total weight ``W`` after cases of total weight ``C`` has the mid-rank
    ``C + (W - 1) / 2`` (0-based) and ``C + W`` cases at or below it; R's
    type-7 quantiles index the sorted replicated values. Non-integer weights
    (e.g. at mean 1) read the same way, but the outer cut points are the
    smallest and the largest probability, as R's ``quantile`` at 0 and 1:
    a top tie group of weight below 1 would otherwise fall above the last
    cut point, in a group ``G + 1``.
    """
    levels, tie = np.unique(prob, return_inverse=True)
    tie_weight = np.bincount(tie, weights=weights)
    upto = np.cumsum(tie_weight)
    # the total as the running sums reach it, so that the last tie group
    # is exactly at F = 1 (``weights.sum()`` can differ in the last bit)
    n = upto[-1]
    before = upto - tie_weight
    if method == "midrank":
        ranks = (before + (tie_weight - 1.0) / 2.0)[tie]
        return np.minimum((ranks * groups / n).astype(int), groups - 1)
    if method == "spss":
        at_or_below = (before + tie_weight)[tie]
        return np.ceil(groups * at_or_below / n).astype(np.int64)
    # "deciles": the type-7 quantiles of the replicated values

    def value(j):
        return levels[
            np.minimum(np.searchsorted(upto, j, side="right"), len(levels) - 1)
        ]

    probs = np.minimum(np.arange(groups + 1) * (1.0 / groups), 1.0)
    index = (n - 1) * probs
    lo = np.floor(index)
    hi = np.ceil(index)
    cuts = value(lo)
    upper = value(hi)
    mix = (index > lo) & (upper != cuts)
    h = index - lo
    cuts = np.where(mix, (1.0 - h) * cuts + h * upper, cuts)
    cuts[0], cuts[-1] = levels[0], levels[-1]
    return np.maximum(np.searchsorted(np.unique(cuts), prob, side="left"), 1)


def classification_table(y_true, y_pred, labels, weights=None):
    """SPSS's classification table: counts and percentage correct per class.

    With frequency ``weights`` the counts are weighted (SPSS's ``WEIGHT BY``).
    """
    rows = []
    w = np.ones(len(y_true)) if weights is None else weights
    for label in labels:
        mask = y_true == label
        counts = [float(w[mask & (y_pred == other)].sum()) for other in labels]
        if weights is None or all(float(c).is_integer() for c in counts):
            counts = [int(c) for c in counts]
        total = float(w[mask].sum())
        correct = (
            100.0 * counts[list(labels).index(label)] / (total if total > 0 else 1)
        )
        rows.append([*counts, correct])
    overall = 100.0 * float(w[y_true == y_pred].sum()) / float(w.sum())
    rows.append([np.nan] * len(labels) + [overall])
    names = [_label(v) for v in labels]
    index = pd.Index(names + ["Overall Percentage"], name="observed")
    columns = [f"predicted {v}" for v in names] + ["percentage_correct"]
    return pd.DataFrame(rows, index=index, columns=columns, dtype=object)


def _label(value):
    """A class label as a person writes it: 1 for 1.0, text as it is."""
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value)
