"""Specification tests of a linear regression, open to users.

The paper checks its Cobb-Douglas fit with Durbin-Watson, a Park test, a
correlation matrix and a Kolmogorov-Smirnov test of the residuals (section 5).
These functions validate what a user passes and call the same
implementations that :class:`~sklearn_innov.CobbDouglasRegressor`'s results
use (in ``sklearn_innov._core``), so a statistic has one definition.
"""

import numpy as np

from .._core import LeastSquares, correlation_matrix, wald_test
from .._core._ols import breusch_pagan as _breusch_pagan
from .._core._ols import park_test as _park_test
from .._core._tests import durbin_watson as _durbin_watson
from .._core._tests import lilliefors as _lilliefors
from .._core._tests import vif_from_correlation
from ..utils._lazy import pd
from ..utils._validation import check_same_length, check_vector

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
        Residuals in the rows' order, at least 2.

    Returns
    -------
    dw : float
        Near 2 without first-order autocorrelation. It only means something
        when the rows have a natural order (time, space); on a cross-section
        of firms in file order it tests the file order.

    Raises
    ------
    ValueError
        Fewer than 2 residuals, non-finite values, or every residual zero.

    Examples
    --------
    >>> from sklearn_innov.diagnostics import durbin_watson
    >>> durbin_watson([1.0, -1.0, 1.0, -1.0])
    3.0
    """
    e = check_vector(resid, "resid", min_size=2, owner="durbin_watson")
    return _durbin_watson(e)


def _design(exog, n, owner):
    X = np.asarray(exog, dtype=np.float64)
    if X.ndim != 2:
        raise ValueError(
            f"{owner}: exog must be 2-D (a constant column first, then the "
            f"regressors); got shape {X.shape}."
        )
    if X.shape[0] != n:
        raise ValueError(
            f"{owner}: resid has {n} values but exog has {X.shape[0]} rows."
        )
    if not np.isfinite(X).all():
        raise ValueError(f"{owner}: exog has NaN or infinite values.")
    if X.shape[1] < 2 or not np.all(X[:, 0] == X[0, 0]) or X[0, 0] == 0:
        raise ValueError(
            f"{owner}: exog's first column must be the constant (e.g. "
            "np.column_stack([np.ones(n), Z])), followed by at least one regressor."
        )
    return LeastSquares(X)


def park_test(resid, exog, *, names=None):
    """Park's test of heteroskedasticity: ``ln e^2`` on a constant and ``ln X``.

    Parameters
    ----------
    resid : array-like of shape (n_samples,)
        Residuals of the model (no residual may be exactly zero).
    exog : ndarray of shape (n_samples, 1 + n_features)
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
    e = check_vector(resid, "resid", min_size=3, owner="park_test")
    ls = _design(exog, e.size, "park_test")
    names = names or ["const"] + [f"x{j}" for j in range(1, ls.k)]
    return _park_test(e, ls, names)


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
    exog : ndarray of shape (n_samples, k)
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
    e = check_vector(resid, "resid", min_size=3, owner="breusch_pagan")
    return _breusch_pagan(e, _design(exog, e.size, "breusch_pagan"), robust=robust)


def lilliefors(resid):
    """Kolmogorov-Smirnov test of normality with estimated mean and variance.

    The statistic is ``D = sup |F_n(z) - Phi(z)|`` of the values standardised
    with their mean and sample standard deviation. Because the parameters are
    estimated, its p-value comes from Lilliefors' distribution, not
    Kolmogorov's: statsmodels' simulated table
    (``statsmodels.stats.diagnostic.lilliefors`` with
    ``pvalmethod="table"``; p-values are clipped to [0.001, 0.99]).

    Parameters
    ----------
    resid : array-like of shape (n_samples,)
        At least 4 finite values.

    Returns
    -------
    result : dict
        ``statistic``, ``pvalue`` and ``pvalue_range``, ``(0.001, 0.99)``:
        a p-value at a limit of the table means that value or beyond
        (summaries print ``<= 0.001`` and ``>= 0.99``).

    References
    ----------
    .. [1] Lilliefors, H. W. (1967). "On the Kolmogorov-Smirnov test for
       normality with mean and variance unknown". JASA, 62(318), 399-402.
    """
    return _lilliefors(check_vector(resid, "resid", min_size=4, owner="lilliefors"))


def variance_inflation(X, *, names=None):
    """Variance inflation factors of the columns of X (a constant is implied).

    ``VIF_j = 1 / (1 - R_j^2)`` where ``R_j^2`` is from regressing column j on
    the other columns and a constant; equivalently the diagonal of the inverse
    correlation matrix of X.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Regressors without the constant (e.g. the ``ln X_i``).
    names : list of str, optional

    Returns
    -------
    vif : Series
        One value per column; above about 10 signals harmful collinearity.
        A column that is an exact linear combination of others (or constant,
        i.e. collinear with the implied constant) gets ``inf``, as in
        statsmodels; the other columns keep their own values.
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2:
        raise ValueError(
            "variance_inflation needs a 2-D array of regressors (one column per "
            f"regressor); got shape {X.shape}. Reshape a single column with "
            "X.reshape(-1, 1)."
        )
    if X.shape[0] < 3:
        raise ValueError(f"variance_inflation needs at least 3 rows; got {X.shape[0]}.")
    if not np.isfinite(X).all():
        raise ValueError("variance_inflation: X has NaN or infinite values.")
    names = names or [f"x{j}" for j in range(X.shape[1])]
    constant = np.ptp(X, axis=0) == 0
    vif = np.full(X.shape[1], np.inf)
    varying = np.flatnonzero(~constant)
    if varying.size:
        vif[varying] = vif_from_correlation(correlation_matrix(X[:, varying]))
    return pd.Series(vif, index=names, name="vif")


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

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_innov.diagnostics import linear_restriction_test
    >>> res = linear_restriction_test(np.array([0.4, 0.5]), np.eye(2) * 0.01,
    ...                               50, np.array([1.0, 1.0]), 1.0)
    >>> round(res["t"], 4), round(res["std_err"], 4)
    (-0.7071, 0.1414)
    """
    owner = "linear_restriction_test"
    params = check_vector(params, "params", owner=owner)
    weights = check_vector(weights, "weights", owner=owner)
    check_same_length(owner, params=params, weights=weights)
    cov = np.asarray(cov, dtype=np.float64)
    if cov.shape != (params.size, params.size):
        raise ValueError(
            f"{owner}: cov must be {params.size} x {params.size} like params; "
            f"got shape {cov.shape}."
        )
    if not df_resid > 0:
        raise ValueError(f"{owner}: df_resid must be positive; got {df_resid}.")
    result = wald_test(params, cov, weights, value, df_resid=df_resid)
    return {
        "estimate": result["estimate"],
        "std_err": result["std_err"],
        "t": result["t"],
        "fvalue": result["statistic"],
        "pvalue": result["pvalue"],
    }
