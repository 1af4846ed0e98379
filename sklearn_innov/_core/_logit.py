"""The logistic-regression core: Newton-Raphson fits, tests and separation.

Every logit of the library goes through :func:`fit_logit` (maximum likelihood
or Firth's penalised likelihood, warm-started), :func:`score_tests` (Rao's
score statistics of candidate regressors from one fit, no refit) and
:func:`detect_separation` (the linear program of Konis, 2007; spared by
:func:`separation_excluded` where a fit proves there is none), and a final
model's statistics live in :class:`LogitResults`. The stepwise classifier only
orchestrates them. This is the plain damped Newton, whole-array NumPy; what
changes on many rows (passes by blocks on threads, a presolve, chord steps)
is in :mod:`._logit_large`, behind its one switch ``is_large``.
"""

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from scipy import linalg, optimize, special, stats
from scipy.linalg import lapack

from ..utils._lazy import pd
from . import _logit_large as large
from ._logit_large import is_large, single_thread_when_large, takes_chord_steps
from ._results import Results
from ._survey import cluster_covariance, design_covariance
from ._tests import classification_table, hosmer_lemeshow, pseudo_r2

# A profile bound further than 2^40 Wald half-widths away counts as infinite.
_PROFILE_DOUBLINGS = 40


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
    # X'WX at the estimate (upper triangle; the lower may hold anything)
    info: np.ndarray | None = None
    # the columns' scale convergence was measured in (see column_scale)
    scale: np.ndarray | None = None

    @property
    def bse(self):
        return np.sqrt(self.cov.diagonal())

    @property
    def wald(self):
        return self.params**2 / self.cov.diagonal()


class _State:
    """Everything Newton needs at one parameter vector (one pass over X).

    With ``hessian=False`` only the probabilities and the log-likelihood
    (Newton's trial steps until one is accepted): no weights, no ``X'WX``,
    no Cholesky until :meth:`complete`. ``sign`` is ``1 - 2y``, computed
    once by a caller that evaluates many states; ``eta`` and ``prob``, the
    linear predictor and probabilities at ``params`` if a caller (the chord
    steps of :func:`._logit_large.chord`) has them already; ``exact``, the weights,
    ``X'WX`` and log-likelihood there if the pass that computed them did
    too (see :func:`_gradient_pass`). ``sample_weight``: the rows' frequency
    weights (None: every row once; a row of weight ``w`` counts as ``w``
    copies in the log-likelihood, the gradient and ``X'WX``).
    """

    def __init__(
        self,
        X,
        y,
        params,
        firth,
        workspace=None,
        *,
        hessian=True,
        sign=None,
        eta=None,
        prob=None,
        exact=None,
        sample_weight=None,
    ):
        n, k = X.shape
        self.params = params
        self.sample_weight = sample_weight
        if k == 0:
            # The empty model: p = 1/2 for every case, and nothing to factor
            # (BLAS routines reject empty operands).
            self.prob = np.full(n, 0.5)
            if sample_weight is None:
                self.weights = np.full(n, 0.25)
                self.llf = float(n * np.log(0.5))
            else:
                self.weights = 0.25 * sample_weight
                self.llf = float(sample_weight.sum() * np.log(0.5))
            self.info = self.chol = np.zeros((0, 0))
            self.objective = self.llf
            self.hat = np.zeros(n)
            return
        if eta is None:
            eta = X @ params
        self.info = self.chol = self.weights = None
        if not is_large(n):
            # whole-array ufuncs: on few rows each NumPy call costs its
            # overhead, and one call beats several in place
            self.prob = special.expit(eta) if prob is None else prob
            sign = 1.0 - 2.0 * y if sign is None else sign
            # -llf: the sum of log(1 + exp(-s eta)), s = 2y - 1, without
            # cancellation (see _logit_large._deviance_terms)
            terms = np.logaddexp(0.0, sign * eta)
            self.llf = -float(
                terms.sum() if sample_weight is None else terms @ sample_weight
            )
        elif exact is not None:
            self.prob = prob
            # the weights, X'WX and log-likelihood from the pass that
            # computed eta (see _logit_large's gradient pass)
            self.weights, self.info, self.llf = exact
        else:
            self.prob = large.logistic(eta) if prob is None else prob
            sign = 1.0 - 2.0 * y if sign is None else sign
            self.llf = -large.deviance(eta, sign, sample_weight)
        self.objective = self.llf
        if hessian:
            self.complete(X, firth, workspace)

    def complete(self, X, firth, workspace=None):
        """Add the weights, ``X'WX``, its Cholesky factor (and Firth's terms).

        A failed factorisation leaves ``chol`` None and the objective -inf.
        """
        n, k = X.shape
        if self.info is None:
            if is_large(n):
                self.weights = np.empty(n)
                self.info = large.information(
                    X, self.prob, self.weights, workspace, self.sample_weight
                )
            else:
                self.weights = self.prob * (1.0 - self.prob)
                if self.sample_weight is not None:
                    self.weights *= self.sample_weight
                # (W^1/2 X)'(W^1/2 X): NumPy hands A'A to BLAS syrk
                root = X * np.sqrt(self.weights)[:, None]
                self.info = root.T @ root
        self.chol = upper_cholesky(self.info)
        if self.chol is None:
            self.objective = -np.inf
            return
        if firth:
            self.objective += float(np.log(self.chol.diagonal()).sum())
            # leverages h_i = w_i x_i' I^-1 x_i of the weighted hat matrix, as
            # ||x_i' R^-1||^2: inverting the k x k factor and one matrix product
            # (a triangular solve with n right-hand sides is many times slower
            # when BLAS threads compete for cores)
            Z = X @ _triangular_inverse(self.chol)
            self.hat = self.weights * np.einsum("ij,ij->i", Z, Z)


def column_scale(X, sum_squares=None):
    """Each column's root mean square, 1 for a column of zeros.

    The unit in which :func:`fit_logit` measures a coefficient's change:
    ``b_j`` times it is on the scale of the linear predictor.
    ``sum_squares``: the columns' sums of squares, if the caller has them.
    """
    if sum_squares is None:
        sum_squares = np.einsum("ij,ij->j", X, X)
    rms = np.sqrt(sum_squares / max(X.shape[0], 1))
    return np.where(rms > 0, rms, 1.0)


def upper_cholesky(a):
    """Upper Cholesky factor of the symmetric ``a`` (its upper triangle read),
    or None if ``a`` is not positive definite.

    LAPACK's dpotrf called directly: on the k x k matrices of a logit (k a
    few to a few hundred) ``scipy.linalg.cholesky`` spends more time in its
    checks and wrappers (3.5 us at 5 x 5) than in the factorisation (0.7).
    """
    R, info = lapack.dpotrf(a, lower=0, clean=1)
    return R if info == 0 else None


def _cho_solve(R, b):
    """``a^-1 b`` from the upper Cholesky factor ``R`` of ``a`` (LAPACK dpotrs)."""
    return lapack.dpotrs(R, b, lower=0)[0]


def _triangular_inverse(R):
    """Inverse of an upper-triangular Cholesky factor (LAPACK dtrtri)."""
    R_inv, info = lapack.dtrtri(R, lower=0)
    if info != 0:
        raise linalg.LinAlgError("singular Cholesky factor")
    return R_inv


@single_thread_when_large
def fit_logit(
    X,
    y,
    *,
    start=None,
    firth=False,
    fixed=None,
    max_iter=100,
    tol=1e-8,
    workspace=None,
    info=None,
    scale=None,
    sample_weight=None,
):
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
    fixed : dict of {int: float}, optional
        Coefficients held at given values (by position) while the others are
        estimated. The likelihood, and under ``firth`` the penalty
        ``log|X'WX| / 2``, stay those of the whole design ``X``: this is the
        constrained fit of a likelihood-ratio test or of a profile
        likelihood. Holding a coefficient at 0 without ``firth`` is the same
        as dropping its column.
    max_iter : int, default=100
    tol : float, default=1e-8
        Converged when the largest change of a coefficient times its
        column's ``scale`` (the change it makes to the linear predictor, in
        units free of the column's) is below ``tol``.
    workspace : ndarray of shape (n_samples, >= n_params), optional
        Fortran-ordered scratch space, reused across fits by the caller.
    info : ndarray of shape (n_params, n_params), optional
        An approximation of the information ``X'WX`` near the solution
        (symmetric), with ``start``: e.g. the previous model's, less a
        removed feature's row and column. Newton then first steps with this
        fixed matrix (chord steps: a gradient and the probabilities per
        step, no ``X'WX``) until a step is below ``tol`` and the distance
        left, extrapolated from the shrinking steps, below ``tol / 10^4``,
        and computes ``X'WX`` and the log-likelihood once, at the estimate.
        Ignored with ``firth`` or ``fixed``. Steps that stop shrinking fast
        hand over to ordinary Newton steps from ``start``.
    scale : ndarray of shape (n_params,), optional
        Each column's root mean square (see :func:`column_scale`), if the
        caller has it; computed otherwise. A coefficient's change is measured
        by its effect on the linear predictor, so convergence, like the
        estimates and every test, does not depend on the columns' units.
    sample_weight : ndarray of shape (n_samples,), optional
        Frequency weights, all positive: a row of weight ``w`` counts as ``w``
        copies of itself in the log-likelihood, its gradient, ``X'WX`` and
        (under ``firth``) the penalty, as R's ``glm`` and ``logistf`` with
        ``weights``. None (the default) costs nothing: the unweighted
        arithmetic, not weights of 1.

    Returns
    -------
    fit : LogitFit
        ``cov`` is the inverse Fisher information of all ``n_params``
        coefficients at the estimate.
    """
    n, k = X.shape
    scale = column_scale(X) if scale is None else scale
    free = np.ones(k, dtype=bool)
    base = np.zeros(k)
    if fixed:
        positions = list(fixed)
        free[positions] = False
        base[positions] = [float(fixed[j]) for j in positions]
    if start is None and is_large(n) and free.any():
        start, info = large.presolve(
            fit_logit,
            X,
            y,
            info,
            firth=firth,
            fixed=fixed,
            max_iter=max_iter,
            scale=scale,
            sample_weight=sample_weight,
        )
    sign = 1.0 - 2.0 * y  # once for every likelihood of the fit
    args = (X, y, free, firth, max_iter, tol, workspace, scale, sign, sample_weight)
    if start is not None and not np.isfinite(start).all():
        start = None  # extrapolated from an infinite covariance
    if start is None:
        return _newton(base, 0, False, *args)
    start = np.where(free, np.asarray(start, dtype=float), base)
    chord = None
    if info is not None and not firth and free.all() and takes_chord_steps(n, k):
        chord = large.chord(
            start, X, y, info, max_iter, tol, scale, sign, sample_weight
        )
    if chord is not None:
        fit = _newton(*chord, *args)
    else:
        fit = _newton(start, 0, False, *args)
    if not fit.converged:
        retry = _newton(base, 0, False, *args)
        if retry.converged or retry.objective > fit.objective:
            fit = retry
    return fit


def _newton(
    params,
    steps,
    converged,
    X,
    y,
    free,
    firth,
    max_iter,
    tol,
    workspace,
    scale,
    sign,
    sample_weight=None,
):
    """Newton-Raphson from ``params``, moving only the ``free`` coefficients.

    ``params`` is a vector, or a ``(params, eta, prob, gradient, exact)`` point
    from :func:`._logit_large.chord`, which also passes the ``steps`` taken and whether
    they ``converged`` (None: after one step, to be checked): a converged
    start gets its ``X'WX`` (the covariance at the estimate) and
    log-likelihood; one to be checked stands if the exact Newton step from
    it is below ``tol / 10^4``; otherwise Newton steps go on from it.
    ``sign`` is ``1 - 2y``, computed once by :func:`fit_logit`.
    """
    k = X.shape[1]
    if isinstance(params, tuple):
        params, eta, prob, gradient, exact = params
        state = _State(
            X,
            y,
            params,
            firth,
            workspace,
            sign=sign,
            eta=eta,
            prob=prob,
            exact=exact,
            sample_weight=sample_weight,
        )
        if converged is None and state.chol is not None:
            # the chord's one step stands if the exact Newton step from its
            # point (the gradient there is known) is as small as guessed
            step = _cho_solve(state.chol, gradient)
            converged = bool(abs(step * scale).max() < 1e-4 * tol)
        converged = bool(converged)
    else:
        state = _State(
            X, y, params, firth, workspace, sign=sign, sample_weight=sample_weight
        )
    if state.chol is None:  # a bad start: the free coefficients from zero
        state = _State(
            X,
            y,
            np.where(free, 0.0, params),
            firth,
            workspace,
            sign=sign,
            sample_weight=sample_weight,
        )
        converged = False
    constrained = not free.all()
    X_free = X[:, free] if constrained else X
    # with nothing to estimate (the empty model, every coefficient held
    # fixed) the fit is the start itself
    converged = converged or not free.any()
    n_iter = steps
    # Under separation Newton never converges: the likelihood creeps towards
    # its supremum while the coefficients grow without bound. Three steps in
    # a row that gain (almost) nothing without shrinking end the fit as not
    # converged, instead of max_iter of them (a converging Newton step
    # shrinks quadratically, so this never stops one; Firth's iteration
    # converges linearly and is left alone).
    stalled, previous = 0, np.inf
    for n_iter in range(steps + 1, max_iter + 1) if not converged else ():
        if state.chol is None:
            break
        resid = y - state.prob
        if sample_weight is not None:
            resid *= sample_weight
        if firth:
            resid = resid + state.hat * (0.5 - state.prob)
        chol = state.chol
        if constrained:
            chol = upper_cholesky(state.info[np.ix_(free, free)])
            if chol is None:
                break
        if constrained:
            step = np.zeros(k)
            step[free] = _cho_solve(chol, X_free.T @ resid)
        else:
            step = _cho_solve(chol, X.T @ resid)
        t = 1.0
        floor = state.objective - 1e-12 * abs(state.objective)
        while True:
            # Firth's objective needs the factor; otherwise a trial step gets
            # X'WX only once its likelihood is accepted
            candidate = _State(
                X,
                y,
                state.params + t * step,
                firth,
                workspace,
                sign=sign,
                hessian=firth,
                sample_weight=sample_weight,
            )
            if candidate.objective >= floor and not firth:
                candidate.complete(X, firth, workspace)
                if candidate.chol is None and not constrained:
                    # a better likelihood whose X'WX is singular: the weights
                    # have underflowed along a separating direction, and
                    # shorter steps would only stall there
                    break
            if candidate.objective >= floor:
                break
            t *= 0.5
            if t < 1e-10:
                candidate = None
                break
        if candidate is None:  # no ascent possible: at the optimum numerically
            converged = abs(step * scale).max() < np.sqrt(tol)
            break
        if candidate.chol is None and not constrained:
            break
        # methods, not np.max(np.abs(...)): NumPy's function dispatch costs
        # more than the reduction on a few coefficients
        change = float(abs(t * step * scale).max())
        gain = candidate.objective - state.objective
        small = not firth and gain < 1e-10 * abs(state.objective)
        stalled = stalled + 1 if small and change > 0.5 * previous else 0
        previous = change
        state = candidate
        if stalled == 3:
            break
        # Newton on the likelihood converges quadratically: after a full step
        # of size d the error is of order C d^2, so d^2 < tol / 100 meets the
        # tolerance with a margin of 100 for the constant C (warm starts
        # below _CHORD_VALUES finish here, not by the chord's extrapolated
        # stop, and must be as precise: the intercept-only closed form to
        # 1e-10 in the tests). Firth's iteration (Fisher scoring on a modified score)
        # converges only linearly and must run until d < tol.
        quadratic = not firth and t == 1.0 and change**2 < 1e-2 * tol
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
        info=state.info,
        scale=scale,
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


@single_thread_when_large
def conditional_lr(X, y, fit, positions, *, firth=False, sample_weight=None):
    """SPSS's conditional statistic (COND) for removing each coefficient.

    ``2 (l(b) - l(b~_j))`` with ``b~_j`` the conditional estimates of
    :func:`conditional_estimates` and ``l`` the log-likelihood of the fit
    (penalised by ``log|X'WX| / 2`` of the whole design under ``firth``):
    no refit. Since ``b`` maximises ``l`` and ``b~_j`` is a point of the same
    parameter space, the statistic is non-negative (rounding below zero is
    clipped).

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_params)
        The fitted model's design.
    y : ndarray of shape (n_samples,)
    fit : LogitFit
        The fit of ``y`` on ``X``.
    positions : sequence of int
    firth : bool, default=False
        Whether ``fit`` maximised Firth's penalised likelihood.
    sample_weight : ndarray of shape (n_samples,), optional
        The fit's frequency weights (see :func:`fit_logit`).

    Returns
    -------
    statistics : ndarray of shape (len(positions),)
        Each ~ chi2(1) under H0 (Lawless & Singhal, 1978).
    """
    estimates = conditional_estimates(fit, positions)
    if not np.isfinite(estimates).all():
        return np.full(len(estimates), np.nan)
    objective = np.array(
        [
            _State(X, y, b, firth, sample_weight=sample_weight).objective
            for b in estimates
        ]
    )
    return np.maximum(2.0 * (fit.objective - objective), 0.0)


def likelihood_ratio(
    X, y, fit, position, *, firth=False, max_iter=100, tol=1e-8, sample_weight=None
):
    """Likelihood-ratio test of one coefficient being 0, by a constrained refit.

    ``2 (l(b) - max l(b | b_j = 0))``. Without ``firth`` this is the classical
    LR test (the constrained fit is the fit without column ``j``). With
    ``firth`` it is Heinze & Schemper's (2002) penalised likelihood-ratio
    test as R's ``logistf`` (``drop1``) and ``firthmodels`` (``lrt``)
    compute it: ``b_j = 0`` inside the *whole* model's penalised likelihood,
    the penalty ``log|X'WX| / 2`` keeping every column of ``X``. Refitting the
    smaller design with its own penalty instead is not invariant to the units
    of the covariates (rescaling ``x_j`` by ``c`` shifts it by ``-2 ln c``).

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_params)
    y : ndarray of shape (n_samples,)
    fit : LogitFit
        The unconstrained fit of ``y`` on ``X``.
    position : int
    firth : bool, default=False
    max_iter, tol, sample_weight : see :func:`fit_logit`

    Returns
    -------
    statistic : float
        ~ chi2(1) under H0; 0 when rounding makes it negative.
    refit : LogitFit
        The constrained fit (warm-started at the conditional estimate).
    """
    start = conditional_estimates(fit, [position])[0]
    if not np.isfinite(start).all():
        start = None
    refit = fit_logit(
        X,
        y,
        start=start,
        firth=firth,
        fixed={position: 0.0},
        max_iter=max_iter,
        tol=tol,
        scale=fit.scale,
        sample_weight=sample_weight,
    )
    return max(2.0 * (fit.objective - refit.objective), 0.0), refit


def profile_interval(
    X,
    y,
    fit,
    position,
    *,
    firth=False,
    level=0.95,
    max_iter=100,
    tol=1e-8,
    sample_weight=None,
):
    """Profile (penalised) likelihood confidence interval of one coefficient.

    The set of values ``c`` with ``2 (l(b) - max l(b | b_j = c)) <=
    chi2_1(level)``, ``l`` penalised by the whole design's ``log|X'WX| / 2``
    under ``firth`` (``logistf``'s default interval). Each bound is found by
    Brent's method on the profile, bracketed by doubling the Wald half-width
    outwards; every constrained fit starts on the first-order profile trace
    ``b + S_(.,j) (c - b_j) / S_jj``.

    Parameters
    ----------
    X, y, fit, position, firth, max_iter, tol, sample_weight : see
        :func:`likelihood_ratio`
    level : float, default=0.95

    Returns
    -------
    lower, upper : float
        ``-inf``/``inf`` when the profile never falls that far (a coefficient
        diverging under separation without ``firth``); NaN when a constrained
        fit at the bound did not converge.
    """
    critical = stats.chi2.isf(1.0 - level, 1)
    b, S = fit.params, fit.cov
    trace = S[:, position] / S[position, position]
    converged = {}

    def excess(c):
        refit = fit_logit(
            X,
            y,
            start=b + trace * (c - b[position]),
            firth=firth,
            fixed={position: c},
            max_iter=max_iter,
            tol=tol,
            scale=fit.scale,
            sample_weight=sample_weight,
        )
        converged[c] = refit.converged
        return 2.0 * (fit.objective - refit.objective) - critical

    half_width = np.sqrt(critical * S[position, position])
    bounds = []
    for sign in (-1.0, 1.0):
        inner, width = b[position], half_width
        for _ in range(_PROFILE_DOUBLINGS):
            outer = b[position] + sign * width
            if excess(outer) > 0:
                break
            inner, width = outer, 2.0 * width
        else:
            bounds.append(sign * np.inf)
            continue
        # to 1e-10 of the Wald half-width: the same precision in any units
        bound = optimize.brentq(
            excess, inner, outer, xtol=1e-10 * half_width, rtol=1e-14
        )
        bounds.append(bound if converged.get(bound, True) else np.nan)
    return bounds[0], bounds[1]


@single_thread_when_large
def score_tests(X_in, X_out, y, fit, *, joint=False, sample_weight=None, robust=None):
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
    sample_weight : ndarray of shape (n_samples,), optional
        The fit's frequency weights (see :func:`fit_logit`): ``U`` sums
        ``w_i x_ij (y_i - p_i)``; ``W`` (``fit.weights``) holds them already.
    robust : callable, optional
        ``robust(Z, n_params)``: the m x m covariance of the columns' totals
        of ``Z`` (n x m) under a survey design or clusters, for a model of
        ``n_params`` coefficients (see :func:`robust_covariance`). Given, the
        statistics are Boos's (1992) generalised score tests: ``V`` is that
        covariance of the rows' contributions to ``U`` with the estimation
        of the model's coefficients projected out,
        ``w_i (y_i - p_i) (x_ij - x_i' (X'WX)^-1 X'W x_j)``, instead of the
        model-based ``x_j'W x_j - ...``.

    Returns
    -------
    scores : ndarray of shape (m,)
    overall : float
        Only when ``joint``.
    """
    n, k = X_in.shape
    m = X_out.shape[1]
    resid = y - fit.prob
    if sample_weight is not None:
        resid = resid * sample_weight
    if is_large(n):
        U, A, D = large.score_sums(X_in, X_out, resid, fit.weights, joint)
    else:
        U = resid @ X_out
        XoW = X_out * fit.weights[:, None]
        A = X_in.T @ XoW
        D = X_out.T @ XoW if joint else np.einsum("ij,ij->j", X_out, XoW)
    if k == 0:
        # the empty model (p = 1/2): nothing to project out
        B = np.zeros((0, m))
    else:
        B = _cho_solve(fit.chol, A)
    if robust is not None:
        # the rows' contributions to U, less what estimating b takes from them
        Z = X_out - X_in @ B if k else X_out.copy()
        Z *= resid[:, None]
        V = robust(Z, k + 1)
        variances = np.diag(V).copy()
        if joint:
            V = robust(Z, k + m) if m > 1 else V
    elif joint:
        V = D - A.T @ B
        variances = np.diag(V).copy()
    else:
        variances = D - np.einsum("ij,ij->j", A, B)
    with np.errstate(divide="ignore", invalid="ignore"):
        scores = np.where(
            variances > 0, U**2 / np.where(variances > 0, variances, 1), 0.0
        )
    if not joint:
        return scores
    # V is positive definite unless the fit saturates (separation)
    factor = upper_cholesky(V)
    overall = float("nan") if factor is None else float(U @ _cho_solve(factor, U))
    return scores, overall


def detect_separation(X, y, tol=1e-6):
    """Detect complete or quasi-complete separation by linear programming.

    Solves Konis' (2007) program: maximise ``sum_i xbar_i' b`` subject to
    ``xbar_i' b >= 0`` and ``-1 <= b <= 1``, with ``xbar_i = (2 y_i - 1) x_i``.
    A positive optimum means some direction ``b`` separates the classes, and
    the maximum-likelihood estimates along it are infinite. The columns are
    first divided by their largest ``|x|``, so that ``tol`` means the same
    in any units; ``direction`` is returned in the original units.

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
    # each column divided by its largest |x|, so that the tolerance means the
    # same in any units (a zero column stays as it is)
    unit = np.max(np.abs(X), axis=0)
    unit = np.where(unit > 0, unit, 1.0)
    Xbar = X / unit * (2.0 * y - 1.0)[:, None]
    result = optimize.linprog(
        -Xbar.sum(axis=0),
        A_ub=-Xbar,
        b_ub=np.zeros(X.shape[0]),
        bounds=[(-1.0, 1.0)] * X.shape[1],
        method="highs",
    )
    if result.status != 0:
        return False, np.zeros(X.shape[1])
    direction = np.where(np.abs(result.x) > tol, result.x / unit, 0.0)
    return bool(-result.fun > tol), direction


def separation_excluded(X, y, prob, margins=(1e-2, 1e-4, 1e-6), sample_weight=None):
    """Whether a fit's probabilities prove the classes are not separated.

    A cheap sufficient test, to spare :func:`detect_separation`'s linear
    program when a converged fit has saturated probabilities for other
    reasons (an outlier far out on a covariate). Along a separating
    direction ``d`` every term of ``g'd = sum_i (y_i - p_i) x_i'd`` is
    non-negative (``x_i'd`` has the sign of ``y_i - p_i``), so with ``U``
    the rows where ``|y_i - p_i| >= delta``,
    ``g'd >= delta sum_U |x_i'd| >= delta ||X_U d||``. Columns scaled to unit
    norm on ``U``: when the gradient's norm (plus a bound on its rounding
    error) is below ``delta * sigma_min(X_U)`` (by half), no direction can
    separate. Tried for each ``delta`` in ``margins`` until one proves it;
    False (run the linear program) otherwise.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_params)
        The fit's design.
    y : ndarray of shape (n_samples,)
        0/1 outcome.
    prob : ndarray of shape (n_samples,)
        The fit's probabilities (where Newton stopped).
    margins : tuple of float
    sample_weight : ndarray of shape (n_samples,), optional
        The fit's positive frequency weights: the gradient is then
        ``X'(w (y - p))``, and the bound holds with the rows ``w_i x_i``.
    """
    k = X.shape[1]
    if k == 0:
        return True
    resid = y - prob
    if sample_weight is not None:
        # each term w_i (y_i - p_i) x_i'd is still >= 0 along a separating d
        resid = resid * sample_weight
    # the gradient and a bound on its rounding error (n eps times the sum of
    # the terms' sizes): the proof needs the exact gradient
    n = X.shape[0]
    gradient = np.abs(X.T @ resid) + n * np.finfo(float).eps * (
        np.abs(X).T @ np.abs(resid)
    )
    for delta in margins:
        active = np.abs(resid) >= delta
        if np.count_nonzero(active) <= k:
            continue
        X_active = X[active]
        if sample_weight is not None:
            # |w_i (y_i - p_i)| >= delta w_i: the rows w_i x_i bound g'd
            X_active = X_active * sample_weight[active, None]
        norms = np.sqrt(np.einsum("ij,ij->j", X_active, X_active))
        if not (norms > 0).all():
            continue
        gram = (X_active.T @ X_active) / np.outer(norms, norms)
        smallest = np.linalg.eigvalsh(gram)[0]
        if not smallest > 1e-10:
            continue
        if np.linalg.norm(gradient / norms) < 0.5 * delta * np.sqrt(smallest):
            return True
    return False


def logit_scores(X, y, prob, sample_weight=None):
    """The rows' scores ``w_i x_i (y_i - p_i)``: the sandwich's filling.

    Parameters
    ----------
    X : ndarray of shape (n_rows, k)
    y, prob : ndarray of shape (n_rows,)
    sample_weight : ndarray of shape (n_rows,), optional

    Returns
    -------
    scores : ndarray of shape (n_rows, k)
    """
    resid = y - prob
    if sample_weight is not None:
        resid *= sample_weight
    return X * resid[:, None]


def robust_covariance(scores, bread, cov_type, survey, n_params=None):
    """A logit's cluster-robust (CR1) or design-based covariance.

    Parameters
    ----------
    scores : ndarray of shape (n_rows, m)
        The rows' contributions to the estimating equations, weights
        included (``w_i x_i (y_i - p_i)`` for the coefficients).
    bread : ndarray of shape (m, m)
        The inverse information (``fit.cov``), or the identity for the
        covariance of the scores' totals themselves.
    cov_type : {"cluster", "survey"}
    survey : SurveyDesign
        The rows' design: its PSUs are the clusters under "cluster".
    n_params : int, optional
        The model's number of coefficients ``K`` in CR1's factor
        ``G / (G - 1) (N - 1) / (N - K)``, when it is not ``m`` (a score
        test of one candidate against a model of ``K - 1``).

    Returns
    -------
    cov : ndarray of shape (m, m)
        :func:`~._survey.cluster_covariance` (statsmodels' ``Logit`` with
        ``cov_type="cluster"``) or :func:`~._survey.design_covariance`
        (R's ``svyglm``).
    """
    if cov_type == "survey":
        return design_covariance(scores, bread, survey)
    cov = cluster_covariance(scores, bread, survey.psu)
    n, m = scores.shape
    if n_params is not None and n_params != m:
        cov *= (n - m) / (n - n_params)
    return cov


def inference_df(cov_type, survey, n_params):
    """Denominator degrees of freedom of a logit's Wald tests, or None (chi2).

    None under "nonrobust" (Wald's chi-square, as SPSS); the clusters less 1
    under "cluster" (statsmodels' ``df_resid_inference``, as the
    Cobb-Douglas model); the design's degrees of freedom + 1 - parameters
    under "survey" (``svyglm``'s ``df.residual``).
    """
    if cov_type == "cluster":
        return float(np.unique(survey.psu).size - 1)
    if cov_type == "survey":
        return float(survey.df + 1 - n_params)
    return None


def wald_pvalues(statistic, df_num, df_denom):
    """p-values of Wald (or score) statistics: chi2(df_num), or with
    ``df_denom`` the F(df_num, df_denom) of ``statistic / df_num`` (svyglm's
    t tests for one coefficient); NaN without denominator degrees of freedom.
    """
    if df_denom is None:
        return special.chdtrc(df_num, statistic)
    statistic = np.asarray(statistic, dtype=np.float64)
    if not df_denom > 0:
        return np.full(statistic.shape, np.nan)
    return special.fdtrc(df_num, df_denom, statistic / df_num)


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
    design : ndarray of shape (n, n_params), optional
        The design of ``fit``, for the statistics that refit under a
        constraint (likelihood-ratio tests, profile intervals and, under
        Firth, the omnibus test). Per-row data: dropped by ``remove_data``.
    hl_method : {"midrank", "spss", "deciles"}, default="midrank"
        Grouping of the Hosmer-Lemeshow test (see
        :func:`sklearn_innov.diagnostics.hosmer_lemeshow`).
    max_iter, tol : int, float
        Newton settings of the constrained refits.
    sample_weight : ndarray of shape (n,), optional
        The fit's frequency weights (all positive; rows of weight 0 are left
        out by the caller). Every statistic counts a row of weight ``w`` as
        ``w`` copies: ``nobs`` is their sum (in the null log-likelihood, the
        pseudo R², BIC), and the Hosmer-Lemeshow test and classification
        table count weighted cases, as SPSS's ``WEIGHT BY``.
    cov_type : {"nonrobust", "cluster", "survey"}, default="nonrobust"
        The coefficients' covariance: the inverse information, or (with
        ``survey``) :func:`robust_covariance` of the scores
        ``w_i x_i (y_i - p_i)``; Wald tests then use F(1, ``df_inference``)
        (see :func:`inference_df`). Likelihood-ratio tests, profile
        intervals, the omnibus test, the pseudo R², Hosmer-Lemeshow and the
        classification table stay model-based.
    survey : SurveyDesign, optional
        The rows' design, for "cluster" and "survey" (not kept).
    jackknife : JackknifeVariance, optional
        Under "survey", a replicate-jackknife covariance of the
        coefficients (see :func:`~._survey.jackknife_covariance`) that
        replaces the linearised one, with its degrees of freedom + 1 -
        parameters for the Wald tests.

    Notes
    -----
    Under Firth (``firth=True``), following R's ``logistf``:

    * standard errors, Wald tests and Wald intervals use ``inv(X'WX)`` at the
      penalised estimate (``firthmodels`` uses the information of the
      penalised likelihood instead, so its standard errors differ);
    * :attr:`lr_tests` and :attr:`profile_intervals` use the penalised
      likelihood of the whole design, with the tested coefficient held fixed
      (Heinze & Schemper, 2002);
    * the omnibus test is the penalised likelihood ratio of the model against
      the same model with every coefficient but the constant held at 0
      (``logistf``'s model test; never negative, invariant to units);
    * ``llf`` (hence -2LL, AIC and BIC) is the ordinary log-likelihood at the
      penalised estimate; the penalised one depends on the units of the
      covariates and enters only differences;
    * Cox & Snell, Nagelkerke and McFadden R² are those of the omnibus
      statistic: ``1 - exp(-chi2 / n)``, that over ``1 - exp(2 llnull / n)``
      and ``chi2 / (-2 llnull)``, with ``llnull`` the ordinary intercept-only
      log-likelihood. Without Firth these are the usual formulas.
    """

    _row_data = ("y", "prob", "design", "sample_weight")
    y = prob = design = sample_weight = None
    _summary_statistics: tuple[str, ...] = (
        "coef_table",
        "omnibus",
        "pseudo_r2",
        "hosmer_lemeshow",
        "classification_table",
    )

    def __init__(
        self,
        fit,
        y,
        classes,
        names,
        *,
        has_const,
        firth=False,
        design=None,
        hl_method="midrank",
        max_iter=100,
        tol=1e-8,
        sample_weight=None,
        cov_type="nonrobust",
        survey=None,
        jackknife=None,
    ):
        self.params = fit.params
        self.cov_params = self._cov_model = fit.cov
        self.llf = float(fit.llf)
        self.objective = float(fit.objective)
        self.n_iter = int(fit.n_iter)
        self.converged = bool(fit.converged)
        self.y = y
        self.prob = fit.prob
        self.design = design
        self.classes = classes
        self.names = list(names)
        self.has_const = has_const
        self.firth = firth
        self.hl_method = hl_method
        self.max_iter = max_iter
        self.tol = tol
        self.sample_weight = sample_weight
        self.weighted = sample_weight is not None
        self.cov_type = cov_type
        self.df_inference = None
        self.design_info = None
        if cov_type != "nonrobust":
            scores = logit_scores(design, y, fit.prob, sample_weight)
            self.cov_params = robust_covariance(scores, fit.cov, cov_type, survey)
            self.df_inference = inference_df(cov_type, survey, self.params.size)
            if cov_type == "cluster":
                clusters = int(np.unique(survey.psu).size)
                self.design_info = {"clusters": clusters, "df": clusters - 1}
            else:
                self.design_info = dict(survey.info)
            if jackknife is not None:
                self.cov_params = jackknife.cov
                self.df_inference = float(jackknife.df + 1 - self.params.size)
                self.design_info.update(df=jackknife.df, **jackknife.info)
            self.design_info["df_inference"] = self.df_inference
        if sample_weight is None:
            self.nobs = int(y.shape[0])
            ybar = float(y.mean())
        else:
            total = float(sample_weight.sum())
            self.nobs = int(total) if total.is_integer() else total
            ybar = float(sample_weight @ y) / total
        if firth:
            # what summary() prints must be computed before the rows go
            self._summary_statistics = (*self._summary_statistics, "profile_table")
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
        """Wald p-values: chi2(1), or F(1, ``df_inference``) under a design."""
        return wald_pvalues(self.wald, 1, self.df_inference)

    def _order(self):
        """Positions in table order: the features first, then the constant."""
        offset = int(self.has_const)
        return [*range(offset, self.params.size), *range(offset)]

    @cached_property
    def coef_table(self):
        """SPSS's "Variables in the Equation": features first, then the constant.

        Columns coef, std_err, wald, df, p_value, odds_ratio and the 95%
        Wald interval of the odds ratio (odds_ci_lower, odds_ci_upper).
        Under a design (``df_inference`` set) p-values are F(1, df) and the
        intervals use Student's t on df, as ``svyglm``.
        """
        order = self._order()
        coef, se = self.params[order], self.bse[order]
        df = self.df_inference
        z = stats.norm.isf(0.025) if df is None else stats.t.isf(0.025, df)
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

    def _fit(self):
        """The fit again, as the constrained-refit kernels take it."""
        return LogitFit(
            params=self.params,
            cov=self._cov_model,
            llf=self.llf,
            objective=self.objective,
            prob=self.prob,
            weights=None,
            chol=None,
            n_iter=self.n_iter,
            converged=self.converged,
        )

    @cached_property
    def lr_tests(self):
        """Likelihood-ratio chi-square of ``b_j = 0`` for each parameter (df 1).

        One constrained refit each (:func:`likelihood_ratio`); under Firth,
        the penalised likelihood-ratio test of Heinze & Schemper (2002), as
        ``logistf`` and ``firthmodels`` compute it. Design order.
        """
        X = self._rows("design")
        y = self._rows("y")
        fit = self._fit()
        return np.array(
            [
                likelihood_ratio(
                    X,
                    y,
                    fit,
                    j,
                    firth=self.firth,
                    max_iter=self.max_iter,
                    tol=self.tol,
                    sample_weight=self._rows("sample_weight"),
                )[0]
                for j in range(self.params.size)
            ]
        )

    @cached_property
    def profile_intervals(self):
        """95% profile (penalised, under Firth) likelihood intervals of B.

        Array of shape (n_params, 2) in design order (:func:`profile_interval`).
        """
        X = self._rows("design")
        y = self._rows("y")
        fit = self._fit()
        return np.array(
            [
                profile_interval(
                    X,
                    y,
                    fit,
                    j,
                    firth=self.firth,
                    max_iter=self.max_iter,
                    tol=self.tol,
                    sample_weight=self._rows("sample_weight"),
                )
                for j in range(self.params.size)
            ]
        ).reshape(-1, 2)

    @cached_property
    def profile_table(self):
        """Likelihood-ratio tests and profile likelihood intervals, as logistf.

        Index as :attr:`coef_table`; columns lr_chi2, lr_p_value (the
        likelihood-ratio test of ``B = 0``), ci_lower, ci_upper (the 95%
        profile interval of B) and odds_ci_lower, odds_ci_upper (of Exp(B)).
        Under Firth, all from the penalised likelihood (R's ``logistf``
        default output).
        """
        order = self._order()
        chi2 = self.lr_tests[order]
        ci = self.profile_intervals[order]
        with np.errstate(over="ignore"):
            odds = np.exp(ci)
        return pd.DataFrame(
            {
                "lr_chi2": chi2,
                "lr_p_value": special.chdtrc(1, chi2),
                "ci_lower": ci[:, 0],
                "ci_upper": ci[:, 1],
                "odds_ci_lower": odds[:, 0],
                "odds_ci_upper": odds[:, 1],
            },
            index=pd.Index([self.names[j] for j in order], name="variable"),
        )

    @cached_property
    def omnibus(self):
        """SPSS's omnibus test of the model on ``df_model`` df.

        ``2 (llf - llnull)``; under Firth the penalised likelihood ratio of
        the model against itself with every coefficient but the constant
        held at 0 (``logistf``). Never negative.
        """
        k = self.df_model
        if self.firth:
            X = self._rows("design")
            null = fit_logit(
                X,
                self._rows("y"),
                firth=True,
                fixed=dict.fromkeys(range(int(self.has_const), self.params.size), 0.0),
                max_iter=self.max_iter,
                tol=self.tol,
                sample_weight=self._rows("sample_weight"),
            )
            chi2 = 2.0 * (self.objective - null.objective)
        else:
            chi2 = 2.0 * (self.llf - self.llnull)
        chi2 = max(chi2, 0.0)
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
        """Cox & Snell, Nagelkerke and McFadden R² of the omnibus statistic."""
        gain = self.omnibus["statistic"] / 2.0
        return pseudo_r2(self.llnull + gain, self.llnull, self.nobs)

    @cached_property
    def hosmer_lemeshow(self):
        """Hosmer-Lemeshow test on the fitted probabilities (10 groups).

        Grouped by ``hl_method`` (see
        :func:`sklearn_innov.diagnostics.hosmer_lemeshow`).
        """
        return hosmer_lemeshow(
            self._rows("y"),
            self.prob,
            method=self.hl_method,
            weights=self._rows("sample_weight"),
        )

    @cached_property
    def classification_table(self):
        """SPSS's classification table at the cut value 0.5."""
        y = self._rows("y").astype(int)
        observed = self.classes[y]
        predicted = self.classes[(self.prob > 0.5).astype(int)]
        return classification_table(
            observed,
            predicted,
            list(self.classes),
            weights=self._rows("sample_weight"),
        )
