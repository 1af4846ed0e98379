"""The least-squares core: one factorisation of a design, many regressions.

Every linear regression of the library (the Cobb-Douglas fit, the Park and
Breusch-Pagan auxiliary regressions on the same design, the restricted fits)
goes through :class:`LeastSquares`, and every Wald test of linear
restrictions through :func:`wald_test`, so each has one implementation.

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
:class:`~._errors.CollinearityError` naming the collinear columns.
"""

from functools import cached_property

import numpy as np
from scipy import linalg, stats

from ..utils._threads import scipy_single_thread
from ..utils._validation import format_labels
from ._errors import CollinearityError, ZeroColumnError

# Above this condition number of the equilibrated X, use QR instead of the
# Gram matrix; above the second, the design is treated as singular.
_COND_GRAM = 1e3
_COND_SINGULAR = 1e12
# Below this, the normal equations are accurate to about cond^2 * eps < 3e-14
# relative, and the refinement step is skipped.
_COND_REFINE = 10.0
# Columns whose largest |x| lies outside this range are rescaled before X'X.
_SAFE_MAX = 1e150
_SAFE_MIN = 1e-150


class LeastSquares:
    """A factored design matrix, reusable for any response.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_params)
        The design, with its constant column if any.
    names : list of str, optional
        Column names, for error messages.
    """

    @scipy_single_thread
    def __init__(self, X, names=None):
        X = np.asarray(X, dtype=np.float64)
        self.X = X
        self.n, self.k = X.shape
        names = [str(j) for j in range(self.k)] if names is None else list(names)
        # Squares of entries beyond 1e+-150 overflow or underflow X'X. Its
        # diagonal shows it (inf, or 0 and subnormal for a column that is not
        # zero): only then are such columns divided by their largest |x| and
        # X'X formed again, so 1e300 or 1e-200 in a column is no error and
        # ordinary data pay no extra pass.
        with np.errstate(over="ignore", under="ignore"):  # detected just below
            gram_work = X.T @ X
        diagonal = np.diag(gram_work)
        suspect = np.flatnonzero(~(diagonal < _SAFE_MAX**2) | (diagonal < _SAFE_MIN**2))
        peak = np.ones(self.k)
        if suspect.size:
            peak[suspect] = np.max(np.abs(X[:, suspect]), axis=0, initial=0.0)
        extreme = (peak > _SAFE_MAX) | ((peak > 0) & (peak < _SAFE_MIN))
        if extreme.any():
            unit = np.where(extreme, peak, 1.0)
            work = X / unit
            gram_work = work.T @ work
            scale = np.sqrt(np.diag(gram_work)) * unit
            self.gram = None  # X'X itself is not representable
        else:
            work, unit = X, None
            self.gram = gram_work
            scale = np.sqrt(diagonal)
        if (scale == 0).any():
            zero = [names[j] for j in np.flatnonzero(scale == 0)]
            raise ZeroColumnError(
                f"Column(s) {format_labels(zero)} are zero in every row; drop "
                "them, they carry no information.",
                zero,
            )
        self.scale = scale
        norms = scale if unit is None else scale / unit
        gram_scaled = gram_work / np.outer(norms, norms)
        cond = np.sqrt(np.linalg.cond(gram_scaled))
        if cond <= _COND_GRAM:
            self.method = "cholesky"
            self.R = linalg.cholesky(gram_scaled, lower=False)
        else:
            self.method = "qr"
            self.R = linalg.qr(work / norms, mode="r")[0][: self.k]
            cond = np.linalg.cond(self.R)
        self.cond = float(cond)
        if not np.isfinite(cond) or cond > _COND_SINGULAR:
            involved = _collinear_columns(self.R, names)
            hint = one_hot_hint(X, names, involved)
            raise CollinearityError(
                f"Perfectly collinear columns: {format_labels(involved)} are "
                "(nearly) linear combinations of each other. "
                + (hint or "Drop one of them."),
                involved,
                hint,
            )

    @property
    def refines(self):
        """Whether :meth:`solve` takes a step of iterative refinement."""
        return self.cond > _COND_REFINE

    def coefficients(self, y):
        """The coefficients :meth:`solve` returns, without the residuals
        (when no refinement step needs them)."""
        if self.refines:
            return self.solve(y)[0]
        return self.gram_solve(self.X.T @ y)

    @scipy_single_thread
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
        if self.refines:
            # one step of refinement: solve again for the residual's projection
            delta = self.gram_solve(self.X.T @ resid)
            coef += delta
            resid -= self.X @ delta
        return coef, resid

    @scipy_single_thread
    def gram_solve(self, v):
        """Return ``(X'X)^{-1} v`` from the factorisation."""
        v = np.asarray(v, dtype=np.float64)
        s = self.scale if v.ndim == 1 else self.scale[:, None]
        return linalg.cho_solve((self.R, False), v / s) / s

    @cached_property
    @scipy_single_thread
    def gram_inv_unit(self):
        """``(X'X)^{-1}`` of the columns scaled to unit norm: ``D (X'X)^{-1} D``.

        ``D = diag(scale)``. Dimensionless, so it neither overflows nor
        underflows whatever the units of the columns.
        """
        R_inv = linalg.solve_triangular(self.R, np.eye(self.k))
        return R_inv @ R_inv.T

    @cached_property
    def gram_inv(self):
        """``(X'X)^{-1}``, shape (n_params, n_params)."""
        return self.gram_inv_unit / np.outer(self.scale, self.scale)

    @cached_property
    @scipy_single_thread
    def leverage(self):
        """Diagonal of the hat matrix ``X (X'X)^{-1} X'``, shape (n_samples,)."""
        Q = linalg.solve_triangular(self.R, (self.X / self.scale).T, trans="T")
        return np.einsum("ij,ij->j", Q, Q)

    @cached_property
    def full_leverage(self):
        """Rows with leverage 1 (to rounding): each pins a parameter by itself.

        Returns ``(rows, params)``: the row positions, and the parameters that
        such a row determines alone (e.g. the coefficient of a dummy that is 1
        in that row only), whose HC2/HC3 variances are undefined.
        """
        rows = np.flatnonzero(self.leverage > 1.0 - 1e-10)
        if rows.size == 0:
            return rows, rows
        # the effect of y_i on the (unit-scaled) estimates: (D^-1 X'X D^-1)^-1 x_i / D
        effect = np.abs(self.gram_inv_unit @ (self.X[rows] / self.scale).T)
        params = np.flatnonzero((effect > 1e-8 * effect.max(axis=0)).any(axis=1))
        return rows, params


def full_rank_certified(X, peak, step=8):
    """Whether a ``1/step`` subsample of rows proves ``LeastSquares(X)`` accepts it.

    A cheap sufficient test, for skipping the full ``X'X`` of the check on
    many rows: adding rows only raises the smallest singular value, so for
    the subsample ``S`` and the column norms ``||x_j|| <= sqrt(n) peak_j``
    (``peak`` the columns' largest ``|x|``) the equilibrated design obeys
    ``cond(X D) <= sqrt(k) / (sigma_min(S D_S) min_j ||s_j|| / (sqrt(n) peak_j))``.
    True only when that bound is below ``1e8`` (four orders inside the
    singular threshold) from a subsample Gram matrix well enough
    conditioned to trust its eigenvalues; False (run the full check) for a
    zero column, a subsample short of rows, or anything less clear.
    """
    n, k = X.shape
    # array methods, not np.all/np.min: NumPy's function dispatch costs more
    # than these reductions on a few columns
    if k == 0 or not (peak > 0).all():
        return False
    # the rows of every step-th block of 1024 (every step-th row would read
    # every cache line of X)
    starts = range(0, n, 1024 * step)
    if n <= 1024:
        sub = X  # the first block is every row
    else:
        sub = np.concatenate([X[start : start + 1024] for start in starts])
    if sub.shape[0] < 4 * k:
        return False
    gram = sub.T @ sub
    norms = np.sqrt(np.diag(gram))
    if not (norms > 0).all():
        return False
    # the bound holds iff the correlation matrix's smallest eigenvalue
    # exceeds ``floor`` (and 1e-8): iff ``C - floor I`` is positive definite,
    # which one Cholesky factorisation settles (no eigenvalues needed)
    shrink = (norms / (np.sqrt(n) * peak)).min()
    floor = max(1e-8, k / (1e16 * shrink**2)) if shrink > 0 else np.inf
    if not np.isfinite(floor):
        return False
    shifted = gram / np.outer(norms, norms)
    shifted.flat[:: k + 1] -= floor
    return linalg.lapack.dpotrf(shifted, lower=0, clean=0)[1] == 0


def one_hot_hint(X, names, involved):
    """A sentence when the collinear columns hold a complete set of dummies.

    0/1 columns that add up to the same number in every row are one-hot
    columns of every category (with the intercept, or beside another such
    group): the dummy-variable trap. Returns "" when the collinearity has
    another cause.
    """
    positions = [j for j, name in enumerate(names) if name in set(involved)]
    binary = [
        j
        for j in positions
        if np.isin(X[:, j], (0.0, 1.0)).all() and X[:, j].min() < X[:, j].max()
    ]
    if len(binary) < 2:
        return ""
    total = X[:, binary].sum(axis=1)
    if not (total >= 1).all() or not (total == total[0]).all():
        return ""
    return (
        f"{format_labels([names[j] for j in binary])} are 0/1 columns that add up "
        f"to {int(total[0])} in every row, as one-hot columns of every category "
        'do: encode with OneHotEncoder(drop="first") (or leave one category '
        "of each variable out)."
    )


def _collinear_columns(R, names):
    """The columns that take part in the direction R is nearly singular along."""
    _, _, vt = np.linalg.svd(R)
    weights = np.abs(vt[-1])
    return [names[j] for j in np.flatnonzero(weights > 0.05 * weights.max())]


@scipy_single_thread
def robust_cov(ls, resid, cov_type, *, ssr=None, counts=None):
    """Covariance of OLS coefficients, classical or White's HC0-HC3, unit-scaled.

    Returns the covariance of ``params * ls.scale`` (the coefficients of the
    columns scaled to unit norm); divide by ``outer(scale, scale)`` for the
    covariance of ``params``. Working in these coordinates keeps standard
    errors and Wald tests exact when a column's units are extreme (1e300 or
    1e-200), where the covariance itself is not representable.

    A row with leverage 1 has a zero residual and ``0 / 0`` in HC2 and HC3:
    it is left out of the "meat", and the parameters it determines alone
    (see :attr:`LeastSquares.full_leverage`) get NaN variances.

    Parameters
    ----------
    ls : LeastSquares
    resid : ndarray of shape (n_samples,)
    cov_type : {"nonrobust", "HC0", "HC1", "HC2", "HC3"}
    ssr : float, optional
        ``resid @ resid`` when the caller has it.
    counts : ndarray of shape (n_samples,), optional
        Frequency weights of a weighted fit (``ls`` and ``resid`` whitened by
        their square roots): the covariance is then that of the replicated
        rows, with ``n = sum(counts)``; a copy of row ``i`` has the squared
        residual ``resid_i^2 / counts_i`` and the leverage
        ``h_i / counts_i``.

    Returns
    -------
    cov_unit : ndarray of shape (n_params, n_params)
    """
    n, k = ls.n, ls.k
    if counts is not None:
        n = float(counts.sum())
    G = ls.gram_inv_unit
    if cov_type == "nonrobust":
        ssr = float(resid @ resid) if ssr is None else ssr
        return G * (ssr / (n - k))
    u2 = resid**2 if counts is None else resid**2 / counts
    undefined = np.zeros(0, dtype=int)
    if cov_type in ("HC2", "HC3"):
        rows, undefined = ls.full_leverage
        one_minus_h = 1.0 - (ls.leverage if counts is None else ls.leverage / counts)
        one_minus_h[rows] = 1.0
        u2 = u2 / (one_minus_h if cov_type == "HC2" else one_minus_h**2)
        u2[rows] = 0.0
    X_unit = ls.X / ls.scale
    meat = (X_unit * u2[:, None]).T @ X_unit
    cov = G @ meat @ G
    if cov_type == "HC1":
        cov *= n / (n - k)
    cov[undefined, :] = np.nan
    cov[:, undefined] = np.nan
    return cov


@scipy_single_thread
def wald_test(params, cov, R, q=0.0, *, df_resid=None, basis=None, scale=None):
    """Wald test of the linear restrictions ``R b = q``: the one implementation.

    With ``df_resid`` the statistic is referred to ``F(r, df_resid)`` (and a
    single restriction to Student's t); without it to ``chi2(r)``.

    When the estimates obey constraints, ``b = b0 + N z`` with ``N`` a basis
    of the directions the constraints leave free (``basis``) and
    ``cov = N V_z N'``. Only the part of ``R b = q`` that moves along those
    directions can be tested: the statistic is computed on the projection of
    ``R b - q`` onto the column space of ``R N``, with ``r = rank(R N)``
    degrees of freedom (as Stata's ``test`` drops restrictions fixed by the
    constraints). With nothing testable (``r = 0``) a ValueError is raised.

    Parameters
    ----------
    params : ndarray of shape (k,)
    cov : ndarray of shape (k, k)
        Covariance of ``params``, or of ``params * scale`` when ``scale`` is
        given (see :func:`robust_cov`).
    R : ndarray of shape (m, k) or (k,)
    q : float or ndarray of shape (m,), default=0.0
    df_resid : float, optional
    basis : ndarray of shape (k, f), optional
    scale : ndarray of shape (k,), optional
        Column scales: the test is then computed in unit-scaled coordinates,
        each restriction normalised to a largest coefficient of 1 (a Wald
        statistic does not change when a restriction is multiplied by a
        constant), so extreme units neither overflow nor underflow.

    Returns
    -------
    result : dict
        ``estimate`` (``R b``), ``statistic`` (F, or chi-square without
        ``df_resid``), ``df`` (restrictions tested; with ``df_resid`` the pair
        ``(r, df_resid)``) and ``pvalue``; for a single restriction also
        ``std_err`` and ``t`` (``z`` without ``df_resid``), ``statistic`` then
        being ``t**2``.
    """
    R = np.atleast_2d(np.asarray(R, dtype=np.float64))
    estimate = R @ params
    diff = estimate - np.broadcast_to(np.asarray(q, dtype=np.float64), estimate.shape)
    norm = np.ones(R.shape[0])
    if scale is not None:
        R = R / scale
        norm = np.abs(R).max(axis=1)
        norm[norm == 0] = 1.0
        R = R / norm[:, None]
        diff = diff / norm
    V = R @ cov @ R.T
    rank = R.shape[0]
    if basis is not None:
        U, s, _ = np.linalg.svd(R @ basis, full_matrices=False)
        rank = int((s > 1e-10 * max(s.max(initial=0.0), 1.0)).sum())
        if rank < R.shape[0]:  # test only the directions the constraints leave free
            U = U[:, :rank]
            diff = U.T @ diff
            V = U.T @ V @ U
    if np.isnan(V).any():
        raise ValueError(
            "the restriction involves a parameter whose variance is undefined "
            "(a row with leverage 1 under HC2/HC3)"
        )
    if rank == 0 or not np.all(np.diag(V) > 0):
        raise ValueError(
            "the restriction has zero variance (the model's constraints fix it), "
            "so it cannot be tested"
        )
    quad = float(diff @ np.linalg.solve(V, diff))
    result = {"estimate": estimate if estimate.size > 1 else float(estimate[0])}
    if df_resid is None:
        result.update(statistic=quad, df=rank, pvalue=float(stats.chi2.sf(quad, rank)))
    else:
        fvalue = quad / rank
        result.update(
            statistic=fvalue,
            df=(rank, df_resid),
            pvalue=float(stats.f.sf(fvalue, rank, df_resid)),
        )
    if R.shape[0] == 1 and rank == 1:
        se = float(np.sqrt(V[0, 0]))
        t = float(diff[0] / se)
        result["std_err"] = se * float(norm[0])
        result["t" if df_resid is not None else "z"] = t
    return result


def affine_solutions(C, d):
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


@scipy_single_thread
def solve_lsi(X, y, C, d, G, h, names):
    """Solve min ||Xb - y|| s.t. Cb = d, Gb >= h by LSI -> LDP -> NNLS."""
    from scipy.optimize import nnls

    b0, N = affine_solutions(C, d)
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
