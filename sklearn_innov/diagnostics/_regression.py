"""Specification tests of a linear regression, open to users.

The paper checks its Cobb-Douglas fit with Durbin-Watson, a Park test, a
correlation matrix and a Kolmogorov-Smirnov test of the residuals (section 5).
These functions validate what a user passes and call the same
implementations that :class:`~sklearn_innov.CobbDouglasRegressor`'s results
use (in ``sklearn_innov._core``), so a statistic has one definition.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .._core import LeastSquares, correlation_matrix, wald_test
from .._core._ols import breusch_pagan as _breusch_pagan
from .._core._ols import park_test as _park_test
from .._core._tests import DW_ALTERNATIVES, vif_from_correlation
from .._core._tests import breusch_godfrey as _breusch_godfrey
from .._core._tests import durbin_watson as _durbin_watson
from .._core._tests import durbin_watson_test as _durbin_watson_test
from .._core._tests import lilliefors as _lilliefors
from ..utils._lazy import pd
from ..utils._validation import check_same_length, check_vector

if TYPE_CHECKING:
    from collections.abc import Sequence

    from numpy.typing import ArrayLike

    from ..utils._typing import DWAlternative

__all__ = [
    "breusch_godfrey",
    "breusch_pagan",
    "durbin_watson",
    "durbin_watson_test",
    "linear_restriction_test",
    "lilliefors",
    "park_test",
    "variance_inflation",
]


def durbin_watson(resid: ArrayLike) -> float:
    """Durbin-Watson statistic ``sum((e_t - e_{t-1})^2) / sum(e_t^2)``.

    Parameters
    ----------
    resid : array-like of shape (n_samples,)
        Residuals in the rows' order, at least 2.

    Returns
    -------
    dw : float
        About 2 when consecutive residuals are uncorrelated. Its null
        distribution depends on the design: read it with the p-value of
        :func:`durbin_watson_test`, never with a fixed range such as
        1.5-2.5. It only means something when the rows have a natural order
        (time, space); on a cross-section of firms in file order it tests
        the file order.

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


def _any_design(exog, n, owner):
    """A 2-D finite design with n rows (any columns, a constant or not)."""
    X = np.asarray(exog, dtype=np.float64)
    if X.ndim == 1:
        X = X.reshape(-1, 1)
    if X.ndim != 2 or X.shape[0] != n:
        raise ValueError(
            f"{owner}: exog must be the model's design, {n} rows (one per "
            f"residual) and a column per parameter; got shape {X.shape}."
        )
    if not np.isfinite(X).all():
        raise ValueError(f"{owner}: exog has NaN or infinite values.")
    return X


def durbin_watson_test(
    resid: ArrayLike,
    exog: ArrayLike,
    *,
    alternative: DWAlternative = "two-sided",
    exact: bool | None = None,
) -> dict[str, Any]:
    """Durbin-Watson test of first-order autocorrelation, p-value for the design.

    The null distribution of DW depends on the regressors. Its exact
    cumulative distribution under independent normal errors is that of a
    ratio of quadratic forms, computed here by Imhof's (1961) integral over
    the eigenvalues of ``M A M`` (``M`` the residual maker of ``exog``,
    ``A`` the first-difference matrix); R's ``lmtest::dwtest`` computes the
    same probability by Pan's algorithm. Above 400 rows (or with
    ``exact=False``) DW is taken as normal with its exact mean and variance,
    as ``dwtest(exact = FALSE)``. The p-value is valid with or without an
    intercept, whereas the Durbin-Watson bounds tables assume one.

    Parameters
    ----------
    resid : array-like of shape (n_samples,)
        OLS residuals of ``exog``, in the rows' order.
    exog : array-like of shape (n_samples, n_params)
        The model's design, with its constant column if it has one.
    alternative : {"two-sided", "greater", "less"}, default="two-sided"
        "greater" is positive autocorrelation (a small DW; lmtest's
        default), "less" negative.
    exact : bool, optional
        Force the exact or the normal-approximation p-value.

    Returns
    -------
    result : dict
        ``statistic``, ``pvalue``, ``alternative``, ``method`` ("exact
        (Imhof)" or "normal approximation") and ``has_const`` (whether the
        design spans a constant).

    Raises
    ------
    ValueError
        Bad shapes, non-finite values, all-zero residuals, an unknown
        ``alternative``, or no more rows than parameters plus one.

    References
    ----------
    .. [1] Durbin, J. and Watson, G. S. (1971). "Testing for serial
       correlation in least squares regression III". Biometrika, 58(1), 1-19.
    .. [2] Imhof, J. P. (1961). "Computing the distribution of quadratic
       forms in normal variables". Biometrika, 48(3/4), 419-426.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_innov.diagnostics import durbin_watson_test
    >>> X = np.column_stack([np.ones(20), np.arange(20.0)])
    >>> e = np.tile([1.0, -1.0], 10)
    >>> e -= X @ np.linalg.lstsq(X, e, rcond=None)[0]
    >>> res = durbin_watson_test(e, X)
    >>> res["statistic"] > 3, res["pvalue"] < 0.001
    (True, True)
    """
    owner = "durbin_watson_test"
    if alternative not in DW_ALTERNATIVES:
        raise ValueError(
            f"{owner}: alternative must be one of {list(DW_ALTERNATIVES)}; got "
            f"{alternative!r}."
        )
    e = check_vector(resid, "resid", min_size=3, owner=owner)
    X = _any_design(exog, e.size, owner)
    try:
        return _durbin_watson_test(e, X, alternative=alternative, exact=exact)
    except ValueError as exc:
        raise ValueError(f"{owner}: {exc}.") from None


def breusch_godfrey(
    resid: ArrayLike, exog: ArrayLike, *, nlags: int = 1
) -> dict[str, Any]:
    """Breusch-Godfrey LM test of autocorrelation up to ``nlags`` lags.

    Regresses the residuals on ``exog`` (a constant added when it spans
    none) and their own first ``nlags`` lags (missing lags set to 0):
    ``LM = n R^2`` ~ chi2(nlags) under no autocorrelation, and the F test of
    the lags. Equal to ``statsmodels.stats.diagnostic.acorr_breusch_godfrey``
    on the same fit. Unlike Durbin-Watson it does not need normal errors.

    Parameters
    ----------
    resid : array-like of shape (n_samples,)
        OLS residuals, in the rows' order.
    exog : array-like of shape (n_samples, n_params)
        The model's design.
    nlags : int, default=1
        Number of lagged residuals in the auxiliary regression.

    Returns
    -------
    result : dict
        ``lm``, ``lm_pvalue``, ``fvalue``, ``f_pvalue``, ``nlags``.

    References
    ----------
    .. [1] Breusch, T. S. (1978). Australian Economic Papers, 17, 334-355.
    .. [2] Godfrey, L. G. (1978). Econometrica, 46(6), 1293-1301.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> x = rng.uniform(1, 10, size=100)
    >>> exog = np.column_stack([np.ones(100), x])
    >>> from sklearn_innov.diagnostics import breusch_godfrey
    >>> y = 1 + 0.5 * x + rng.normal(size=100)
    >>> resid = y - exog @ np.linalg.lstsq(exog, y, rcond=None)[0]
    >>> result = breusch_godfrey(resid, exog, nlags=2)
    >>> round(result["lm"], 3), round(result["lm_pvalue"], 3)
    (0.503, 0.778)
    """
    owner = "breusch_godfrey"
    if not isinstance(nlags, (int, np.integer)) or isinstance(nlags, bool) or nlags < 1:
        raise ValueError(f"{owner}: nlags must be a positive integer; got {nlags!r}.")
    e = check_vector(resid, "resid", min_size=3, owner=owner)
    X = _any_design(exog, e.size, owner)
    try:
        return _breusch_godfrey(e, X, nlags=int(nlags))
    except ValueError as exc:
        raise ValueError(f"{owner}: {exc}.") from None


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


def park_test(
    resid: ArrayLike, exog: ArrayLike, *, names: Sequence[str] | None = None
) -> dict[str, Any]:
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

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> x = rng.uniform(1, 10, size=100)
    >>> exog = np.column_stack([np.ones(100), x])
    >>> from sklearn_innov.diagnostics import park_test
    >>> resid = rng.normal(scale=x)  # the spread grows with x
    >>> ln_exog = np.column_stack([np.ones(100), np.log(x)])
    >>> result = park_test(resid, ln_exog, names=["const", "ln x"])
    >>> result["table"].round(3)
            coef      t  p_value
    term
    const -1.010 -1.622    0.108
    ln x   1.818  5.084    0.000
    """
    e = check_vector(resid, "resid", min_size=3, owner="park_test")
    ls = _design(exog, e.size, "park_test")
    names = names or ["const"] + [f"x{j}" for j in range(1, ls.k)]
    return _park_test(e, ls, names)


def breusch_pagan(
    resid: ArrayLike, exog: ArrayLike, *, robust: bool = True
) -> dict[str, Any]:
    """Breusch-Pagan LM test of heteroskedasticity.

    Regresses ``e^2`` on ``exog`` (a constant column first). With
    ``robust=True`` (Koenker's studentised version, statsmodels' default)
    ``LM = n R^2``; otherwise ``LM = ESS / 2`` of ``e^2 / mean(e^2)``, the
    original Breusch-Pagan statistic. ``LM ~ chi2(k - 1)`` under
    homoskedasticity; the F version is the auxiliary regression's F.

    Parameters
    ----------
    resid : array-like of shape (n_samples,)
        Residuals of the fitted regression.
    exog : ndarray of shape (n_samples, k)
        Constant column first.
    robust : bool, default=True
        Koenker's studentised ``n R^2`` (valid without normal errors); False:
        the original ``ESS / 2``, which assumes normal errors.

    Returns
    -------
    result : dict
        ``lm``, ``lm_pvalue``, ``fvalue``, ``f_pvalue``, ``df``.

    References
    ----------
    .. [1] Breusch, T. S. and Pagan, A. R. (1979). Econometrica, 47(5).
    .. [2] Koenker, R. (1981). Journal of Econometrics, 17(1), 107-112.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> x = rng.uniform(1, 10, size=100)
    >>> exog = np.column_stack([np.ones(100), x])
    >>> from sklearn_innov.diagnostics import breusch_pagan
    >>> resid = rng.normal(scale=x)  # the spread grows with x
    >>> result = breusch_pagan(resid, exog)
    >>> round(result["lm"], 2), result["lm_pvalue"] < 0.001
    (16.48, True)
    """
    e = check_vector(resid, "resid", min_size=3, owner="breusch_pagan")
    return _breusch_pagan(e, _design(exog, e.size, "breusch_pagan"), robust=robust)


def lilliefors(resid: ArrayLike) -> dict[str, Any]:
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

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_innov.diagnostics import lilliefors
    >>> rng = np.random.default_rng(0)
    >>> normal = lilliefors(rng.normal(size=200))
    >>> skewed = lilliefors(rng.exponential(size=200))
    >>> round(normal["pvalue"], 3), skewed["pvalue"]
    (0.929, 0.001)
    """
    return _lilliefors(check_vector(resid, "resid", min_size=4, owner="lilliefors"))


def variance_inflation(
    X: ArrayLike, *, names: Sequence[str] | None = None
) -> pd.Series:
    """Variance inflation factors of the columns of X (a constant is implied).

    ``VIF_j = 1 / (1 - R_j^2)`` where ``R_j^2`` is from regressing column j on
    the other columns and a constant; equivalently the diagonal of the inverse
    correlation matrix of X.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Regressors without the constant (e.g. the ``ln X_i``).
    names : list of str, optional
        Labels of the columns of ``X``, the result's index; default: ``x0,
        x1, ...``.

    Returns
    -------
    vif : Series
        One value per column; above about 10 signals harmful collinearity.
        A column that is an exact linear combination of others (or constant,
        i.e. collinear with the implied constant) gets ``inf``, as in
        statsmodels; the other columns keep their own values.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_innov.diagnostics import variance_inflation
    >>> rng = np.random.default_rng(0)
    >>> a = rng.normal(size=100)
    >>> a_copy = a + rng.normal(scale=0.3, size=100)  # nearly a again
    >>> X = np.column_stack([a, a_copy, rng.normal(size=100)])
    >>> variance_inflation(X, names=["a", "a_copy", "b"]).round(2)
    a         12.69
    a_copy    12.68
    b          1.00
    Name: vif, dtype: float64
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


def linear_restriction_test(
    params: ArrayLike,
    cov: ArrayLike,
    df_resid: float,
    weights: ArrayLike,
    value: float,
) -> dict[str, Any]:
    """t (and F) test of ``weights @ params == value``.

    Parameters
    ----------
    params : ndarray of shape (k,)
        Estimated coefficients.
    cov : ndarray of shape (k, k)
        Covariance of ``params`` (classical or robust).
    df_resid : float
        Degrees of freedom of the t distribution.
    weights : ndarray of shape (k,)
        Weight of each coefficient in the restriction.
    value : float
        The restriction's value under the null hypothesis.

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
