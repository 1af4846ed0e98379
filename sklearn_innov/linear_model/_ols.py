"""The least-squares core: one factorisation of a design, many regressions.

Every linear regression of the library (the Cobb-Douglas fit, the Park and
Breusch-Pagan auxiliary regressions on the same design, the restricted fits)
goes through :class:`LeastSquares`, so each statistic has one implementation.

Method. The Gram matrix ``X'X`` is formed once (one BLAS pass over the data)
and, after equilibrating its columns to unit norm, factored by Cholesky as
``R'R``. Each solve is followed by one step of iterative refinement on the
residuals (the corrected semi-normal equations of Bjorck, 1987), which brings
the solution to the accuracy of a QR solver (the step is skipped when
``cond(X) <= 10``, where it changes nothing above ``3e-14`` relative).
Designs with ``cond(X) > 1e3`` after equilibration are factored by a
Householder QR of X instead, because the covariance ``(X'X)^{-1}`` built from
a Gram-matrix Cholesky loses ``cond^2 * eps`` (8 digits left on NIST's Longley
data, 11 with QR); numerically singular designs (``cond > 1e12``) raise a
ValueError naming the collinear columns.
"""

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from scipy import linalg, stats

from ..utils._validation import format_labels

# Above this condition number of the equilibrated X, use QR instead of the
# Gram matrix; above the second, the design is treated as singular.
_COND_GRAM = 1e3
_COND_SINGULAR = 1e12
# Below this, the normal equations are accurate to about cond^2 * eps < 3e-14
# relative, and the refinement step is skipped.
_COND_REFINE = 10.0


class LeastSquares:
    """A factored design matrix, reusable for any response.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_params)
        The design, with its constant column if any.
    names : list of str, optional
        Column names, for error messages.
    """

    def __init__(self, X, names=None):
        X = np.asarray(X, dtype=np.float64)
        self.X = X
        self.n, self.k = X.shape
        names = [str(j) for j in range(self.k)] if names is None else list(names)
        gram = X.T @ X
        self.gram = gram
        scale = np.sqrt(np.diag(gram))
        if (scale == 0).any():
            zero = [names[j] for j in np.flatnonzero(scale == 0)]
            raise ValueError(
                f"Column(s) {format_labels(zero)}"
                " are zero in every row (after logs: equal to 1 in levels); "
                "drop them, they carry no information."
            )
        self.scale = scale
        gram_scaled = gram / np.outer(scale, scale)
        cond = np.sqrt(np.linalg.cond(gram_scaled))
        if cond <= _COND_GRAM:
            self.method = "cholesky"
            self.R = linalg.cholesky(gram_scaled, lower=False)
        else:
            self.method = "qr"
            self.R = linalg.qr(X / scale, mode="r")[0][: self.k]
            cond = np.linalg.cond(self.R)
        self.cond = float(cond)
        if not np.isfinite(cond) or cond > _COND_SINGULAR:
            raise ValueError(_collinear_message(self.R, names))

    def solve(self, y):
        """Least-squares coefficients and residuals of ``y`` on the design.

        Parameters
        ----------
        y : ndarray of shape (n_samples,) or (n_samples, m)

        Returns
        -------
        coef : ndarray of shape (n_params,) or (n_params, m)
        resid : ndarray like y
        """
        coef = self.gram_solve(self.X.T @ y)
        resid = y - self.X @ coef
        if self.cond > _COND_REFINE:
            # one step of refinement: solve again for the residual's projection
            delta = self.gram_solve(self.X.T @ resid)
            coef += delta
            resid -= self.X @ delta
        return coef, resid

    def gram_solve(self, v):
        """Return ``(X'X)^{-1} v`` from the factorisation."""
        v = np.asarray(v, dtype=np.float64)
        s = self.scale if v.ndim == 1 else self.scale[:, None]
        return linalg.cho_solve((self.R, False), v / s) / s

    @cached_property
    def gram_inv(self):
        """``(X'X)^{-1}``, shape (n_params, n_params)."""
        R_inv = linalg.solve_triangular(self.R, np.eye(self.k))
        return (R_inv @ R_inv.T) / np.outer(self.scale, self.scale)

    @cached_property
    def leverage(self):
        """Diagonal of the hat matrix ``X (X'X)^{-1} X'``, shape (n_samples,)."""
        Q = linalg.solve_triangular(self.R, (self.X / self.scale).T, trans="T")
        return np.einsum("ij,ij->j", Q, Q)


def _collinear_message(R, names):
    _, _, vt = np.linalg.svd(R)
    weights = np.abs(vt[-1])
    involved = [names[j] for j in np.flatnonzero(weights > 0.05 * weights.max())]
    return (
        f"Perfectly collinear regressors: {format_labels(involved)} are (nearly) "
        "linear combinations of each other (after logs, and with the intercept if "
        "fitted). Drop one of them, or merge them into one index."
    )


@dataclass
class OLSResult:
    """Coefficients and the statistics of one least-squares fit.

    Computed by :func:`ols_fit`; the names follow statsmodels' RegressionResults.
    """

    params: np.ndarray
    resid: np.ndarray
    cov_params: np.ndarray
    nobs: int
    df_model: float
    df_resid: float
    ssr: float
    tss: float
    has_const: bool
    cov_type: str
    extra: dict = field(default_factory=dict)

    @property
    def sigma(self):
        return float(np.sqrt(self.ssr / self.df_resid))

    @property
    def bse(self):
        return np.sqrt(np.diag(self.cov_params))

    @property
    def tvalues(self):
        # A coefficient pinned by a constraint has std_err 0: its t is undefined.
        bse = self.bse
        safe = np.where(bse > 0, bse, 1.0)
        return np.where(bse > 0, self.params / safe, np.nan)

    @property
    def pvalues(self):
        t = self.tvalues
        return np.where(
            np.isnan(t), np.nan, 2 * stats.t.sf(np.abs(np.nan_to_num(t)), self.df_resid)
        )

    def conf_int(self, alpha=0.05):
        q = stats.t.isf(alpha / 2, self.df_resid)
        return np.column_stack([self.params - q * self.bse, self.params + q * self.bse])

    @property
    def rsquared(self):
        """Centred R² with a constant, uncentred R² without one."""
        return 1.0 - self.ssr / self.tss

    @property
    def rsquared_adj(self):
        return 1.0 - (self.nobs - self.has_const) / self.df_resid * (
            1.0 - self.rsquared
        )

    @property
    def fvalue(self):
        """F of all slopes (all coefficients without a constant) being zero."""
        return self.extra["fvalue"]

    @property
    def f_pvalue(self):
        return float(stats.f.sf(self.fvalue, self.df_model, self.df_resid))


def ols_fit(ls, y, *, has_const, cov_type="nonrobust", tss=None):
    """Fit ``y`` on a factored design and compute the usual statistics.

    Parameters
    ----------
    ls : LeastSquares
        The factored design (with a constant column first if ``has_const``).
    y : ndarray of shape (n_samples,)
    has_const : bool
        Whether the first column is the intercept: R² is centred then and
        uncentred otherwise, and F excludes the intercept.
    cov_type : {"nonrobust", "HC0", "HC1", "HC2", "HC3"}
        Covariance of the coefficients: classical, or White's
        heteroskedasticity-consistent estimators (MacKinnon & White, 1985).
    tss : float, optional
        Total sum of squares, when it is not that of ``y`` (weighted fits
        pass the weighted one).

    Returns
    -------
    result : OLSResult
    """
    params, resid = ls.solve(y)
    n, k = ls.n, ls.k
    df_resid = n - k
    ssr = float(resid @ resid)
    if tss is None:
        tss = total_sum_of_squares(y, has_const=has_const)
    cov = robust_cov(ls, resid, cov_type, ssr=ssr)
    result = OLSResult(
        params=params,
        resid=resid,
        cov_params=cov,
        nobs=n,
        df_model=k - int(has_const),
        df_resid=df_resid,
        ssr=ssr,
        tss=tss,
        has_const=has_const,
        cov_type=cov_type,
    )
    slopes = np.arange(int(has_const), k)
    result.extra["fvalue"] = wald_f(params[slopes], cov[np.ix_(slopes, slopes)])
    return result


def total_sum_of_squares(y, *, has_const, weights=None):
    """Centred (with a constant) or uncentred sum of squares, optionally weighted."""
    if weights is None:
        centred = y - y.mean() if has_const else y
        return float(centred @ centred)
    if has_const:
        centred = y - np.average(y, weights=weights)
        return float(weights @ centred**2)
    return float(weights @ y**2)


def robust_cov(ls, resid, cov_type, *, ssr=None):
    """Covariance of OLS coefficients: classical or HC0-HC3."""
    n, k = ls.n, ls.k
    if cov_type == "nonrobust":
        ssr = float(resid @ resid) if ssr is None else ssr
        return ls.gram_inv * (ssr / (n - k))
    u2 = resid**2
    if cov_type in ("HC2", "HC3"):
        one_minus_h = 1.0 - ls.leverage
        u2 = u2 / (one_minus_h if cov_type == "HC2" else one_minus_h**2)
    meat = (ls.X * u2[:, None]).T @ ls.X
    cov = ls.gram_inv @ meat @ ls.gram_inv
    if cov_type == "HC1":
        cov *= n / (n - k)
    return cov


def wald_f(estimate, cov, target=0.0):
    """F statistic of the joint hypothesis ``estimate == target``."""
    diff = np.atleast_1d(estimate - target)
    if diff.size == 0:
        return float("nan")
    return float(diff @ np.linalg.solve(np.atleast_2d(cov), diff) / diff.size)


def constrained_fit(
    X, y, *, eq=None, ineq=None, has_const, cov_type="nonrobust", names=None, tss=None
):
    """Least squares under linear equality and inequality constraints.

    Minimises ``||y - X b||`` subject to ``C b = d`` and ``G b >= h``. The
    active inequalities are found by Lawson & Hanson's LSI -> LDP -> NNLS
    reduction (exact, finite); the model is then refitted with the equalities
    and the active inequalities as equalities, by least squares on the reduced
    design ``X N`` (``N`` a basis of the null space of the constraints).

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_params)
    y : ndarray of shape (n_samples,)
    eq : tuple (C, d) or None
        Equality constraints, ``C`` of shape (q, n_params).
    ineq : tuple (G, h, labels) or None
        Inequality constraints ``G b >= h`` with a label per row.
    has_const, cov_type, names, tss
        As in :func:`ols_fit`.

    Returns
    -------
    result : OLSResult
        Standard errors are those of the equality-restricted least squares
        with the active set held fixed (conditional on the active set);
        ``result.extra["active"]`` lists the labels of the active inequalities.
        ``fvalue`` is the classical F of the restricted model,
        ``((tss - ssr) / df_model) / (ssr / df_resid)``.

    References
    ----------
    .. [1] Lawson, C. L. and Hanson, R. J. (1974). Solving Least Squares
       Problems, chapters 20-23. Prentice-Hall.
    """
    k = X.shape[1]
    C = np.zeros((0, k)) if eq is None else np.atleast_2d(eq[0])
    d = np.zeros(0) if eq is None else np.atleast_1d(eq[1]).astype(float)
    active = []
    if ineq is not None:
        G, h, labels = ineq
        b = _solve_lsi(X, y, C, d, G, h, names)
        slack = G @ b - h
        tight = slack <= 1e-9 * (1.0 + np.abs(h))
        active = [labels[i] for i in np.flatnonzero(tight)]
        C = np.vstack([C, G[tight]])
        d = np.concatenate([d, h[tight]])
    b0, N = _affine_solutions(C, d)
    reduced = LeastSquares(X @ N, names=None)
    offset = y - X @ b0
    fit = ols_fit(reduced, offset, has_const=False, cov_type=cov_type)
    params = b0 + N @ fit.params
    resid = y - X @ params
    ssr = float(resid @ resid)
    if tss is None:
        tss = total_sum_of_squares(y, has_const=has_const)
    result = OLSResult(
        params=params,
        resid=resid,
        cov_params=N @ fit.cov_params @ N.T,
        nobs=X.shape[0],
        df_model=N.shape[1] - int(has_const),
        df_resid=fit.df_resid,
        ssr=ssr,
        tss=tss,
        has_const=has_const,
        cov_type=cov_type,
    )
    result.extra["fvalue"] = ((tss - ssr) / result.df_model) / (ssr / fit.df_resid)
    result.extra["active"] = active
    return result


def _affine_solutions(C, d):
    """A particular solution ``b0`` of ``C b = d`` and a null-space basis ``N``."""
    k = C.shape[1]
    if C.shape[0] == 0:
        return np.zeros(k), np.eye(k)
    b0 = np.linalg.lstsq(C, d, rcond=None)[0]
    if not np.allclose(C @ b0, d, rtol=1e-10, atol=1e-10):
        raise ValueError(
            "The constraints cannot all hold at once (e.g. bounds whose sum "
            "cannot equal 1 under returns_to_scale='constant'); relax them."
        )
    return b0, linalg.null_space(C)


def _solve_lsi(X, y, C, d, G, h, names):
    """Solve min ||Xb - y|| s.t. Cb = d, Gb >= h by LSI -> LDP -> NNLS."""
    from scipy.optimize import nnls

    b0, N = _affine_solutions(C, d)
    reduced = LeastSquares(X @ N, names=None)
    offset = y - X @ b0
    z_ls, _ = reduced.solve(offset)
    # In u = R D z coordinates the objective is ||u - u_ls||, and the
    # constraints G (b0 + N z) >= h read A u >= g with A = G N D^-1 R^-1.
    T = linalg.solve_triangular(reduced.R, np.eye(reduced.k)) / reduced.scale[:, None]
    A = G @ N @ T
    u_ls = linalg.solve_triangular(T, z_ls) if T.size else z_ls
    g = h - G @ b0 - A @ u_ls
    # Least distance programming: min ||w|| s.t. A w >= g (Lawson-Hanson 23.4).
    E = np.vstack([A.T, g[None, :]])
    f = np.zeros(E.shape[0])
    f[-1] = 1.0
    v, _ = nnls(E, f, maxiter=50 * E.shape[1] + 100)
    r = E @ v - f
    if np.linalg.norm(r) < 1e-12 or abs(r[-1]) < 1e-12:
        raise ValueError(
            "The constraints on the elasticities cannot all hold at once; "
            "relax `bounds` or `returns_to_scale`."
        )
    w = -r[:-1] / r[-1]
    return b0 + N @ (T @ (w + u_ls))
