"""Specification tests of a linear regression, one implementation each.

The paper checks its Cobb-Douglas fit with Durbin-Watson, a Park test, a
correlation matrix and a Kolmogorov-Smirnov test of the residuals (section 5).
These functions compute those and the usual companions (Breusch-Pagan, VIF,
a test of constant returns to scale) for any residuals and design, so the
regressors of the library and their users call the same code. A design can
be passed as an array or as an already factored
:class:`~sklearn_innov.linear_model._ols.LeastSquares`, which the estimators
do to reuse the factorisation of their fit.
"""

import numpy as np
from scipy import special, stats

from ..utils._lazy import pd

__all__ = [
    "breusch_pagan",
    "durbin_watson",
    "linear_restriction_test",
    "lilliefors",
    "park_test",
    "variance_inflation",
]


def durbin_watson(resid):
    """Durbin-Watson statistic ``sum((e_t - e_{t-1})^2) / sum(e_t^2)``.

    Parameters
    ----------
    resid : array-like of shape (n_samples,)
        Residuals in the rows' order.

    Returns
    -------
    dw : float
        Near 2 without first-order autocorrelation. It only means something
        when the rows have a natural order (time, space); on a cross-section
        of firms in file order it tests the file order.

    Examples
    --------
    >>> from sklearn_innov.diagnostics import durbin_watson
    >>> durbin_watson([1.0, -1.0, 1.0, -1.0])
    3.0
    """
    e = np.asarray(resid, dtype=np.float64)
    total = e @ e
    if total == 0:
        raise ValueError("durbin_watson is undefined when every residual is zero.")
    steps = np.diff(e)
    return float((steps @ steps) / total)


def _factored(exog):
    from ..linear_model._ols import LeastSquares

    return (
        exog
        if isinstance(exog, LeastSquares)
        else LeastSquares(np.asarray(exog, float))
    )


def _auxiliary(response, exog, names):
    """Regress ``response`` on ``exog`` (first column the constant)."""
    from ..linear_model._ols import ols_fit

    fit = ols_fit(_factored(exog), response, has_const=True)
    table = pd.DataFrame(
        {"coef": fit.params, "t": fit.tvalues, "p_value": fit.pvalues},
        index=names,
    )
    return fit, table


def park_test(resid, exog, *, names=None):
    """Park's test of heteroskedasticity: ``ln e^2`` on a constant and ``ln X``.

    Parameters
    ----------
    resid : array-like of shape (n_samples,)
        Residuals of the model (no residual may be exactly zero).
    exog : ndarray of shape (n_samples, 1 + n_features) or LeastSquares
        The regressors of the auxiliary regression, a constant column first;
        for a log-log model, the constant and the ``ln X_i`` (the paper).
    names : list of str, optional
        Row labels of the coefficient table ("const" first).

    Returns
    -------
    result : dict
        ``table`` (DataFrame: coef, t, p_value), ``fvalue``, ``f_pvalue``,
        ``df`` (numerator, denominator). Significant slopes indicate that the
        error variance moves with the regressors.

    References
    ----------
    .. [1] Park, R. E. (1966). "Estimation with heteroscedastic error terms".
       Econometrica, 34(4), 888.
    """
    e = np.asarray(resid, dtype=np.float64)
    if (e == 0).any():
        raise ValueError(
            f"park_test needs ln(e^2), but {int((e == 0).sum())} residual(s) are "
            "exactly zero (a perfect fit at those rows); Park's test is undefined."
        )
    ls = _factored(exog)
    names = names or ["const"] + [f"x{j}" for j in range(1, ls.k)]
    log_e2 = np.square(e)
    np.log(log_e2, out=log_e2)
    fit, table = _auxiliary(log_e2, ls, names)
    return {
        "table": table,
        "fvalue": fit.fvalue,
        "f_pvalue": fit.f_pvalue,
        "df": (fit.df_model, fit.df_resid),
    }


def breusch_pagan(resid, exog, *, robust=True):
    """Breusch-Pagan LM test of heteroskedasticity.

    Regresses ``e^2`` on ``exog`` (a constant column first). With
    ``robust=True`` (Koenker's studentised version, statsmodels' default)
    ``LM = n R^2``; otherwise ``LM = ESS / 2`` of ``e^2 / mean(e^2)``, the
    original Breusch-Pagan statistic. ``LM ~ chi2(k - 1)`` under
    homoskedasticity; the F version is the auxiliary regression's F.

    Parameters
    ----------
    resid : array-like of shape (n_samples,)
    exog : ndarray of shape (n_samples, k) or LeastSquares
        Constant column first.
    robust : bool, default=True

    Returns
    -------
    result : dict
        ``lm``, ``lm_pvalue``, ``fvalue``, ``f_pvalue``, ``df``.

    References
    ----------
    .. [1] Breusch, T. S. and Pagan, A. R. (1979). Econometrica, 47(5).
    .. [2] Koenker, R. (1981). Journal of Econometrics, 17(1), 107-112.
    """
    from ..linear_model._ols import ols_fit

    e2 = np.asarray(resid, dtype=np.float64) ** 2
    if not robust:
        e2 = e2 / e2.mean()
    ls = _factored(exog)
    fit = ols_fit(ls, e2, has_const=True)
    lm = ls.n * fit.rsquared if robust else (fit.tss - fit.ssr) / 2.0
    df = ls.k - 1
    return {
        "lm": float(lm),
        "lm_pvalue": float(stats.chi2.sf(lm, df)),
        "fvalue": fit.fvalue,
        "f_pvalue": fit.f_pvalue,
        "df": df,
    }


def lilliefors(resid):
    """Kolmogorov-Smirnov test of normality with estimated mean and variance.

    The statistic is ``D = sup |F_n(z) - Phi(z)|`` of the residuals
    standardised with their mean and sample standard deviation (computed
    here). Because the parameters are estimated, its p-value comes from
    Lilliefors' distribution, not Kolmogorov's: it is read from statsmodels'
    simulated table (as ``statsmodels.stats.diagnostic.lilliefors`` with
    ``pvalmethod="table"``; p-values are clipped to [0.001, 0.99]).

    Parameters
    ----------
    resid : array-like of shape (n_samples,)
        At least 4 values.

    Returns
    -------
    result : dict
        ``statistic`` and ``pvalue``.

    References
    ----------
    .. [1] Lilliefors, H. W. (1967). "On the Kolmogorov-Smirnov test for
       normality with mean and variance unknown". JASA, 62(318), 399-402.
    """
    x = np.asarray(resid, dtype=np.float64).ravel()
    n = x.size
    if n < 4:
        raise ValueError(f"lilliefors needs at least 4 residuals; got {n}.")
    sd = x.std(ddof=1)
    if sd == 0:
        raise ValueError("lilliefors is undefined for residuals without variance.")
    z = x - x.mean()
    z /= sd
    z.sort()
    cdf = special.ndtr(z, out=z)
    steps = np.arange(n, dtype=np.float64)
    steps /= n
    # D- = max(F(z_i) - (i-1)/n); D+ = max(i/n - F(z_i)) = 1/n - min(F - (i-1)/n)
    gap = np.subtract(cdf, steps, out=cdf)
    statistic = float(max(gap.max(), 1.0 / n - gap.min()))
    return {"statistic": statistic, "pvalue": _lilliefors_pvalue(statistic, n, x)}


def _lilliefors_pvalue(statistic, n, x):
    """p-value from statsmodels' simulated Lilliefors table for the normal."""
    try:
        from statsmodels.stats._lilliefors import get_lilliefors_table

        return float(get_lilliefors_table(dist="norm").prob(statistic, n))
    except ImportError:  # older statsmodels: go through the public function
        from statsmodels.stats.diagnostic import lilliefors as sm_lilliefors

        return float(sm_lilliefors(x, dist="norm", pvalmethod="table")[1])


def variance_inflation(X, *, names=None, corr=None):
    """Variance inflation factors of the columns of X (a constant is implied).

    ``VIF_j = 1 / (1 - R_j^2)`` where ``R_j^2`` is from regressing column j on
    the other columns and a constant; equivalently the diagonal of the inverse
    correlation matrix of X.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Regressors without the constant (e.g. the ``ln X_i``).
    names : list of str, optional
    corr : ndarray of shape (n_features, n_features), optional
        The correlation matrix of X, when the caller has it already.

    Returns
    -------
    vif : Series
        One value per column; above about 10 signals harmful collinearity.
    """
    X = np.asarray(X, dtype=np.float64)
    names = names or [f"x{j}" for j in range(X.shape[1])]
    if X.shape[1] == 1:
        return pd.Series([1.0], index=names, name="vif")
    if corr is None:
        corr = np.corrcoef(X, rowvar=False)
    return pd.Series(np.diag(np.linalg.inv(corr)), index=names, name="vif")


def linear_restriction_test(params, cov, df_resid, weights, value):
    """t (and F) test of ``weights @ params == value``.

    Parameters
    ----------
    params : ndarray of shape (k,)
    cov : ndarray of shape (k, k)
        Covariance of ``params`` (classical or robust).
    df_resid : float
        Degrees of freedom of the t distribution.
    weights : ndarray of shape (k,)
    value : float

    Returns
    -------
    result : dict
        ``estimate`` (``weights @ params``), ``std_err``, ``t``, ``fvalue``
        (``t^2``) and ``pvalue`` (two-sided).
    """
    w = np.asarray(weights, dtype=np.float64)
    estimate = float(w @ params)
    se = float(np.sqrt(max(w @ cov @ w, 0.0)))
    if se == 0:
        raise ValueError(
            "the restricted combination has zero variance (it is fixed by the "
            "model's constraints), so the test is undefined"
        )
    t = (estimate - value) / se
    return {
        "estimate": estimate,
        "std_err": se,
        "t": t,
        "fvalue": t**2,
        "pvalue": float(2 * stats.t.sf(abs(t), df_resid)),
    }
