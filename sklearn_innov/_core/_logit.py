"""The logistic-regression core: Newton-Raphson fits, tests and separation.

Every logit of the library goes through :func:`fit_logit` (maximum likelihood
or Firth's penalised likelihood, warm-started), :func:`score_tests` (Rao's
score statistics of candidate regressors from one fit, no refit) and
:func:`detect_separation` (the linear program of Konis, 2007), and a final
model's statistics live in :class:`LogitResults`. The stepwise classifier only
orchestrates them.
"""

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from scipy import linalg, optimize, special, stats
from scipy.linalg import blas, lapack

from ..utils._lazy import pd
from ._results import Results
from ._tests import classification_table, hosmer_lemeshow, pseudo_r2

# From this many rows, a cold start is first solved on a subsample.
_PRESOLVE_ROWS = 40_000


@dataclass
class LogitFit:
    """A fitted logit on a design X (columns as passed).

    ``llf`` is the log-likelihood; ``objective`` what was maximised (``llf``,
    or ``llf + log|I| / 2`` for Firth). ``cov`` is the inverse Fisher
    information at the estimate.
    """

    params: np.ndarray
    cov: np.ndarray
    llf: float
    objective: float
    prob: np.ndarray
    weights: np.ndarray
    chol: np.ndarray
    n_iter: int
    converged: bool

    @property
    def bse(self):
        return np.sqrt(np.diag(self.cov))

    @property
    def wald(self):
        return self.params**2 / np.diag(self.cov)


class _State:
    """Everything Newton needs at one parameter vector (one pass over X)."""

    def __init__(self, X, y, params, firth, workspace=None):
        n, k = X.shape
        self.params = params
        if k == 0:
            # The empty model: p = 1/2 for every case, and nothing to factor
            # (BLAS routines reject empty operands).
            self.prob = np.full(n, 0.5)
            self.weights = np.full(n, 0.25)
            self.llf = float(n * np.log(0.5))
            self.chol = np.zeros((0, 0))
            self.objective = self.llf
            self.hat = np.zeros(n)
            return
        eta = X @ params
        self.prob = special.expit(eta)
        self.weights = self.prob * (1.0 - self.prob)
        # log-likelihood as -sum log(1 + e^(-s eta)), s = 2y - 1: every term is
        # <= 0 and accurate for large |eta| (y*eta - log(1 + e^eta) cancels
        # there, and can come out positive under separation)
        self.llf = float(-np.logaddexp(0.0, (1.0 - 2.0 * y) * eta).sum())
        # X' W X as (W^1/2 X)' (W^1/2 X): numpy hands A.T @ A to BLAS syrk
        # a reused buffer spares the page faults of a fresh n x k array per step
        fits = workspace is not None and workspace.shape[0] == n
        out = workspace[:, :k] if fits else None
        root = np.multiply(X, np.sqrt(self.weights)[:, None], out=out)
        if root.flags.f_contiguous:
            # BLAS syrk fills the upper triangle only: half gemm's work, and
            # all that the upper Cholesky below reads.
            info = blas.dsyrk(1.0, root, trans=1)
        else:
            info = root.T @ root
        try:
            self.chol = linalg.cholesky(info, lower=False)
        except linalg.LinAlgError:
            self.chol = None
            self.objective = -np.inf
            return
        self.objective = self.llf
        if firth:
            self.objective += float(np.log(np.diag(self.chol)).sum())
            # leverages h_i = w_i x_i' I^-1 x_i of the weighted hat matrix, as
            # ||x_i' R^-1||^2: inverting the k x k factor and one matrix product
            # (a triangular solve with n right-hand sides is many times slower
            # when BLAS threads compete for cores)
            Z = X @ _triangular_inverse(self.chol)
            self.hat = self.weights * np.einsum("ij,ij->i", Z, Z)


def _triangular_inverse(R):
    """Inverse of an upper-triangular Cholesky factor (LAPACK dtrtri)."""
    R_inv, info = lapack.dtrtri(R, lower=0)
    if info != 0:
        raise linalg.LinAlgError("singular Cholesky factor")
    return R_inv


def fit_logit(X, y, *, start=None, firth=False, max_iter=100, tol=1e-8, workspace=None):
    """Maximum-likelihood (or Firth) logit by Newton-Raphson with step halving.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_params)
        Design, with the constant column if wanted; ``n_params`` may be 0
        (the empty model, ``p = 1/2`` for every case).
    y : ndarray of shape (n_samples,)
        0/1 outcome.
    start : ndarray of shape (n_params,), optional
        Warm start (e.g. the previous step's solution). A warm-started fit
        that does not converge is retried from zero, and the better of the
        two kept: a start extrapolated from diverging estimates can saturate
        every probability, so that the weights vanish and Newton stalls.
    firth : bool, default=False
        Maximise Firth's penalised likelihood ``llf + log|I(b)| / 2`` (Heinze &
        Schemper, 2002), whose estimates stay finite under separation. The
        modified-score Newton step is written here rather than taken from
        ``firthmodels``: stepping needs warm starts, score tests and
        penalised likelihoods from the same kernel as the unpenalised fits,
        and the step is a few lines. The tests compare it with firthmodels.
    max_iter : int, default=100
    tol : float, default=1e-8
        Converged when the largest coefficient change is below ``tol``.
    workspace : ndarray of shape (n_samples, >= n_params), optional
        Fortran-ordered scratch space, reused across fits by the caller.

    Returns
    -------
    fit : LogitFit
    """
    n, k = X.shape
    if start is None and n >= _PRESOLVE_ROWS and k:
        # A cold start takes ~6 Newton steps; take them on every 8th row (an
        # eighth of the cost) and finish on all rows from there.
        sub = np.asfortranarray(X[::8])  # one contiguous copy, not one per step
        start = fit_logit(sub, y[::8], firth=firth, max_iter=max_iter, tol=1e-4).params
    if start is not None and not np.isfinite(start).all():
        start = None  # extrapolated from an infinite covariance
    args = (X, y, firth, max_iter, tol, workspace)
    if start is None:
        return _newton(np.zeros(k), *args)
    fit = _newton(np.asarray(start, dtype=float).copy(), *args)
    if not fit.converged:
        retry = _newton(np.zeros(k), *args)
        if retry.converged or retry.objective > fit.objective:
            fit = retry
    return fit


def _newton(params, X, y, firth, max_iter, tol, workspace):
    """Newton-Raphson from ``params``."""
    k = X.shape[1]
    state = _State(X, y, params, firth, workspace)
    if state.chol is None:  # a bad start: fall back to zero
        state = _State(X, y, np.zeros(k), firth, workspace)
    # the empty model has nothing to estimate
    converged = k == 0
    n_iter = 0
    for n_iter in range(1, max_iter + 1) if k else ():
        if state.chol is None:
            break
        resid = y - state.prob
        if firth:
            resid = resid + state.hat * (0.5 - state.prob)
        step = linalg.cho_solve((state.chol, False), X.T @ resid)
        t = 1.0
        while True:
            candidate = _State(X, y, state.params + t * step, firth, workspace)
            if candidate.objective >= state.objective - 1e-12 * abs(state.objective):
                break
            t *= 0.5
            if t < 1e-10:
                candidate = None
                break
        if candidate is None:  # no ascent possible: at the optimum numerically
            converged = np.max(np.abs(step)) < np.sqrt(tol)
            break
        change = np.max(np.abs(t * step))
        state = candidate
        # Newton on the likelihood converges quadratically: after a full step
        # of size d the error is of order d^2, so d^2 < tol meets the
        # tolerance. Firth's iteration (Fisher scoring on a modified score)
        # converges only linearly and must run until d < tol.
        quadratic = not firth and t == 1.0 and change**2 < tol
        if change < tol or quadratic:
            converged = state.chol is not None
            break
    if state.chol is None:
        cov = np.full((k, k), np.inf)
    elif k == 0:
        cov = np.zeros((0, 0))
    else:
        R_inv = _triangular_inverse(state.chol)
        cov = R_inv @ R_inv.T
    return LogitFit(
        params=state.params,
        cov=cov,
        llf=state.llf,
        objective=state.objective,
        prob=state.prob,
        weights=state.weights,
        chol=state.chol,
        n_iter=n_iter,
        converged=bool(converged),
    )


def conditional_estimates(fit, positions):
    """One-step estimates of the model without each coefficient in turn.

    For coefficient ``j``, Lawless & Singhal's (1978) conditional estimate
    ``b_(-j) - S_(-j,j) S_jj^-1 b_j`` of the other coefficients, with ``S`` the
    inverse information at ``fit`` (``fit.cov``): the maximum of the quadratic
    approximation of the log-likelihood at ``fit`` subject to ``b_j = 0``.

    Parameters
    ----------
    fit : LogitFit
    positions : sequence of int
        The coefficients to remove, one at a time.

    Returns
    -------
    estimates : ndarray of shape (len(positions), n_params)
        Row ``i`` is the full parameter vector with ``positions[i]`` set to 0.
    """
    positions = np.asarray(positions, dtype=int)
    S, b = fit.cov, fit.params
    with np.errstate(invalid="ignore", divide="ignore"):
        shift = S[:, positions] * (b[positions] / S[positions, positions])
    estimates = b[None, :] - shift.T
    estimates[np.arange(positions.size), positions] = 0.0
    return estimates


def score_tests(X_in, X_out, y, fit, *, joint=False):
    """Rao score statistics for adding each column of ``X_out`` to a fitted model.

    ``S_j = U_j^2 / V_j`` with ``U_j = x_j'(y - p)`` and
    ``V_j = x_j'W x_j - x_j'W X (X'W X)^{-1} X'W x_j``, all from the current
    fit (no refit), each ~ chi2(1) under H0. These are the score statistics
    of the *unpenalised* likelihood, whatever ``fit`` maximised: after a
    Firth fit, ``p`` and ``W`` are the penalised fit's (finite under
    separation), and ``U`` has no penalty term. The empty model (``X_in``
    with no column, ``p = 1/2``) is allowed.

    Parameters
    ----------
    X_in : ndarray of shape (n_samples, k)
        The fitted model's design.
    X_out : ndarray of shape (n_samples, m)
        Candidate columns.
    y : ndarray of shape (n_samples,)
    fit : LogitFit
        The fit of ``y`` on ``X_in``.
    joint : bool, default=False
        Also return the joint statistic of all candidates (chi2(m)), SPSS's
        "Overall Statistics".

    Returns
    -------
    scores : ndarray of shape (m,)
    overall : float
        Only when ``joint``.
    """
    resid = y - fit.prob
    U = X_out.T @ resid
    XoW = X_out * fit.weights[:, None]
    if X_in.shape[1] == 0:
        # the empty model (p = 1/2): nothing to project out
        A = B = np.zeros((0, X_out.shape[1]))
    else:
        A = X_in.T @ XoW
        B = linalg.cho_solve((fit.chol, False), A)
    if joint:
        V = X_out.T @ XoW - A.T @ B
        variances = np.diag(V).copy()
    else:
        variances = np.einsum("ij,ij->j", X_out, XoW) - np.einsum("ij,ij->j", A, B)
    with np.errstate(divide="ignore", invalid="ignore"):
        scores = np.where(
            variances > 0, U**2 / np.where(variances > 0, variances, 1), 0.0
        )
    if not joint:
        return scores
    try:
        # V is positive definite unless the fit saturates (separation)
        overall = float(U @ linalg.cho_solve(linalg.cho_factor(V), U))
    except linalg.LinAlgError:
        overall = float("nan")
    return scores, overall


def detect_separation(X, y, tol=1e-6):
    """Detect complete or quasi-complete separation by linear programming.

    Solves Konis' (2007) program: maximise ``sum_i xbar_i' b`` subject to
    ``xbar_i' b >= 0`` and ``-1 <= b <= 1``, with ``xbar_i = (2 y_i - 1) x_i``.
    A positive optimum means some direction ``b`` separates the classes, and
    the maximum-likelihood estimates along it are infinite.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_params)
        Design, with the constant column if the model has one.
    y : ndarray of shape (n_samples,)
    tol : float, default=1e-6

    Returns
    -------
    separated : bool
    direction : ndarray of shape (n_params,)
        The separating direction (zeros where a coefficient stays finite).

    References
    ----------
    .. [1] Konis, K. (2007). Linear programming algorithms for detecting
       separated data in binary logistic regression models. DPhil thesis,
       University of Oxford, section 4.4.
    """
    if X.shape[1] == 0:  # the empty model has no direction to diverge along
        return False, np.zeros(0)
    Xbar = X * (2.0 * y - 1.0)[:, None]
    result = optimize.linprog(
        -Xbar.sum(axis=0),
        A_ub=-Xbar,
        b_ub=np.zeros(X.shape[0]),
        bounds=[(-1.0, 1.0)] * X.shape[1],
        method="highs",
    )
    if result.status != 0:
        return False, np.zeros(X.shape[1])
    direction = np.where(np.abs(result.x) > tol, result.x, 0.0)
    return bool(-result.fun > tol), direction


class LogitResults(Results):
    """The results of a final logit fit: every statistic lazily, in one place.

    Parameters
    ----------
    fit : LogitFit
        The Newton fit (its ``prob`` are the fitted probabilities).
    y : ndarray of shape (n,)
        The 0/1 outcome.
    classes : ndarray of shape (2,)
        The labels; ``classes[1]`` is the event.
    names : list of str
        Parameter names in the design's order (the constant first).
    has_const : bool
    firth : bool, default=False
        Whether ``fit`` maximised Firth's penalised likelihood.
    hl_method : {"midrank", "spss", "deciles"}, default="midrank"
        Grouping of the Hosmer-Lemeshow test (see
        :func:`sklearn_innov.diagnostics.hosmer_lemeshow`).
    """

    _row_data = ("y", "prob")
    y = prob = None
    _summary_statistics = (
        "coef_table",
        "omnibus",
        "pseudo_r2",
        "hosmer_lemeshow",
        "classification_table",
    )

    def __init__(
        self, fit, y, classes, names, *, has_const, firth=False, hl_method="midrank"
    ):
        self.params = fit.params
        self.cov_params = fit.cov
        self.llf = float(fit.llf)
        self.objective = float(fit.objective)
        self.n_iter = int(fit.n_iter)
        self.converged = bool(fit.converged)
        self.y = y
        self.prob = fit.prob
        self.classes = classes
        self.names = list(names)
        self.has_const = has_const
        self.firth = firth
        self.hl_method = hl_method
        self.nobs = int(y.shape[0])
        ybar = float(y.mean())
        self.llnull = (
            float(self.nobs * (ybar * np.log(ybar) + (1 - ybar) * np.log(1 - ybar)))
            if has_const
            else float(self.nobs * np.log(0.5))
        )

    @property
    def df_model(self):
        return self.params.size - int(self.has_const)

    @cached_property
    def bse(self):
        return np.sqrt(np.diag(self.cov_params))

    @cached_property
    def wald(self):
        """Wald chi-square ``(b / se)^2`` of each parameter (df 1)."""
        return self.params**2 / np.diag(self.cov_params)

    @cached_property
    def pvalues(self):
        return special.chdtrc(1, self.wald)

    @cached_property
    def coef_table(self):
        """SPSS's "Variables in the Equation": features first, then the constant.

        Columns coef, std_err, wald, df, p_value, odds_ratio and the 95%
        Wald interval of the odds ratio (odds_ci_lower, odds_ci_upper).
        """
        offset = int(self.has_const)
        order = [*range(offset, self.params.size), *range(offset)]
        coef, se = self.params[order], self.bse[order]
        z = stats.norm.isf(0.025)
        # Under separation exp() of a diverging coefficient is inf: the
        # SeparationWarning says why, numpy need not.
        with np.errstate(over="ignore"):
            odds = np.exp(np.column_stack([coef, coef - z * se, coef + z * se]))
        return pd.DataFrame(
            {
                "coef": coef,
                "std_err": se,
                "wald": self.wald[order],
                "df": 1,
                "p_value": self.pvalues[order],
                "odds_ratio": odds[:, 0],
                "odds_ci_lower": odds[:, 1],
                "odds_ci_upper": odds[:, 2],
            },
            index=pd.Index([self.names[j] for j in order], name="variable"),
        )

    @cached_property
    def omnibus(self):
        """SPSS's omnibus test: ``2 (llf - llnull)`` on ``df_model`` df."""
        chi2 = 2.0 * (self.llf - self.llnull)
        k = self.df_model
        return {
            "statistic": chi2,
            "df": k,
            "pvalue": float(special.chdtrc(k, chi2)) if k else float("nan"),
        }

    @property
    def aic(self):
        return -2.0 * self.llf + 2.0 * self.params.size

    @property
    def bic(self):
        return -2.0 * self.llf + np.log(self.nobs) * self.params.size

    @cached_property
    def pseudo_r2(self):
        """Cox & Snell, Nagelkerke and McFadden R²."""
        return pseudo_r2(self.llf, self.llnull, self.nobs)

    @cached_property
    def hosmer_lemeshow(self):
        """Hosmer-Lemeshow test on the fitted probabilities (10 groups).

        Grouped by ``hl_method`` (see
        :func:`sklearn_innov.diagnostics.hosmer_lemeshow`).
        """
        return hosmer_lemeshow(self._rows("y"), self.prob, method=self.hl_method)

    @cached_property
    def classification_table(self):
        """SPSS's classification table at the cut value 0.5."""
        y = self._rows("y").astype(int)
        observed = self.classes[y]
        predicted = self.classes[(self.prob > 0.5).astype(int)]
        return classification_table(observed, predicted, list(self.classes))
