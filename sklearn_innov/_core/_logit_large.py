"""The logit core's large-n machinery, behind one switch.

Below ``_BLOCKED_ROWS`` rows (:func:`is_large` False) a logit is the plain
damped Newton of :mod:`._logit`: whole-array NumPy, no threads, no BLAS
limits, the fit the statsmodels oracles check. From it, the passes over X
(the log-likelihood, ``X'WX``, the gradient, the score tests) run by blocks
of rows on threads, with SciPy's BLAS held at one thread, and a cold fit is
presolved on every 8th row. One further threshold, measured and kept apart
because it counts values, not rows: from ``_CHORD_VALUES`` values in the
design, a warm start takes chord steps (a fixed information matrix) before
Newton's. docs/developer_notes.rst gives the measurements.
"""

import functools

import numpy as np
from scipy import linalg

from ..utils._threads import run_blocks, scipy_single_thread

# From this many rows, the passes over X (the chord steps, the
# log-likelihood, X'WX, the score tests) run by blocks of rows on threads;
# below it, whole-array NumPy with its BLAS pool. Fits by blocks were
# 10-25% faster at 1e5 x 30, 1e5 x 10 and 2e5 x 50 and no faster at
# 40,000 x 30 (mixing the two inside one fit lost the gain: the cores went
# back and forth between the block threads and NumPy's BLAS pool).
_BLOCKED_ROWS = 1 << 16
# A cold fit from _BLOCKED_ROWS rows is first solved on every 8th row.
_PRESOLVE_STEP = 8
# X'WX and the log-likelihood by blocks: an even number of equal blocks of
# about _INFO_ROWS rows. BLAS syrk on a thin matrix runs on one thread, so
# two threads on blocks nearly halve it (X'WX at 1e6 x 11: 11.6 ms against
# 24.8 for the whole array at once; 4.4 against 8.4 ms at 1e5 x 31), and
# the blocks write no n x k weighted copy.
_INFO_ROWS = 1 << 15
# From this many values in the design (n x k), a warm start with an
# information matrix takes chord steps (see chord): they spare X'WX, which
# costs k times a gradient's pass. On fewer, plain Newton from the warm
# start (2-3 exact steps) is as fast: CPU time of a whole stepwise fit,
# chord against plain Newton, 5,000 x 20: 60 against 77 ms; 3,000 x 40: 80
# against 131; 10,000 x 100: 674 against 1,308; 1,000 x 10: 2.0 against
# 1.7; 2,000 x 20: 23.5 against 15.0 (docs/developer_notes.rst).
_CHORD_VALUES = 1 << 16
# Rate assumed for a warm start's first chord step, relative to its size.
_FIRST_RATE = 30.0


def takes_chord_steps(n_rows, n_params):
    """Whether a warm-started fit of this shape takes chord steps (see
    :func:`fit_logit`'s ``info``)."""
    return n_rows * n_params >= _CHORD_VALUES


def limits_scipy_blas(n_rows, n_params):
    """Whether fits on this design hold SciPy's BLAS at one thread.

    From the large-n switch, and below it wherever ``X'WX`` is work enough
    (``n k^2`` from 2^20) for NumPy's BLAS to wake its threads: SciPy's
    factorisation right after would wait for them (a 150 x 150 Cholesky
    took 1.7 ms instead of 0.05 after a 300 x 150 product, and a stepwise
    fit at 300 x 150 15 times as long). At the paper's size (127 x 5) the
    limit's two threadpoolctl calls would cost more than a Newton step.
    """
    return is_large(n_rows) or n_rows * n_params * n_params >= 1 << 20


def is_large(n_rows):
    """Whether a design of ``n_rows`` rows takes the large-n machinery.

    The one switch (``_BLOCKED_ROWS``): passes by blocks of rows on
    threads, SciPy's BLAS held at one thread. Below it, whole-array NumPy.
    """
    return n_rows >= _BLOCKED_ROWS


def _row_slices(n, size):
    """The row blocks of a pass over ``n`` rows.

    All rows at once below ``_BLOCKED_ROWS``; otherwise slices of ``size``
    rows, fixed by the shape, so that sums over them do not depend on the
    number of threads.
    """
    if n < _BLOCKED_ROWS:
        return [slice(None)]
    return [slice(start, start + size) for start in range(0, n, size)]


def _info_slices(n):
    """The row blocks of ``X'WX`` and of the log-likelihood.

    All rows at once below ``_BLOCKED_ROWS``; otherwise an even number of
    blocks of equal size, about ``_INFO_ROWS`` rows each, so that two
    threads share the work evenly. Fixed by ``n``: the sums do not depend
    on the number of threads.
    """
    if n < _BLOCKED_ROWS:
        return [slice(None)]
    count = max(2, round(n / _INFO_ROWS))
    count += count % 2
    size = -(-n // count)
    return [slice(start, start + size) for start in range(0, n, size)]


def _block_size(width):
    """Rows per block: about 1 MB of a design ``width`` columns wide."""
    return max(4096, (1 << 17) // max(width, 1))


def _sum_blocks(func, slices):
    """``func(rows)`` (a number or an array) over ``slices`` on threads, summed
    in order."""
    partial = [None] * len(slices)

    def block(i):
        partial[i] = func(slices[i])

    run_blocks(block, len(slices))
    return np.sum(partial, axis=0)


def _gradient_pass(X, y, params, eta, prob, sign=None, sample_weight=None):
    """``eta = X params`` and ``prob = expit(eta)`` in place; return ``X'(y - prob)``
    (``X'(w (y - prob))`` with the rows' frequency weights ``sample_weight``).

    On many rows, one pass by blocks of rows (each block read from memory
    once, its products and its exp done while it is in the cache) on
    threads, the blocks' sums added in order. With ``sign`` (``1 - 2y``)
    the same blocks also give the weights, ``X'WX`` and the log-likelihood
    at ``params`` (what :class:`_State` computes, by the same blocks), and
    the pass returns ``(gradient, (weights, info, llf))``: the last chord
    step then reads X once instead of twice.
    """
    n, k = X.shape
    exact = sign is not None
    slices = _info_slices(n) if exact else _row_slices(n, _block_size(k))
    partial = np.empty((len(slices), k))
    if exact:
        weights = np.empty(n)
        info = np.empty((len(slices), k, k))
        deviance = np.empty(len(slices))

    def block(i):
        rows = slices[i]
        X_block = X[rows]
        np.matmul(X_block, params, out=eta[rows])
        p = logistic(eta[rows], out=prob[rows])
        resid = y[rows] - p
        if sample_weight is not None:
            resid *= sample_weight[rows]
        np.matmul(resid, X_block, out=partial[i])
        if exact:
            info[i] = _information(X, rows, prob, weights, None, sample_weight)
            deviance[i] = _deviance_terms(
                eta[rows],
                sign[rows],
                None if sample_weight is None else sample_weight[rows],
            )

    run_blocks(block, len(slices))
    gradient = partial.sum(axis=0)
    if not exact:
        return gradient
    return gradient, (weights, info.sum(axis=0), -float(deviance.sum()))


def chord(params, X, y, info, max_iter, tol, scale, sign, sample_weight=None):
    """Newton steps with a fixed information matrix, from a close start.

    Each step costs a gradient, ``X'(y - p)``, and the probabilities at the
    new point (one pass over X, see :func:`_gradient_pass`; one exp per
    row) instead of an exact ``X'WX`` and a log-likelihood; near the
    solution the matrix of a close model makes them converge almost as fast
    as Newton's. The steps are those of a fixed-point iteration whose only
    fixed point is where the gradient vanishes, the maximum of the
    (strictly concave) likelihood, so steps that keep shrinking
    geometrically need no likelihood to check ascent. Returns ``(state,
    steps, converged)`` to hand to :func:`_newton`: the point reached as
    ``(params, eta, prob, gradient, exact)`` (``exact``: the weights, X'WX
    and log-likelihood there, see :func:`_gradient_pass`), or the start
    itself when the steps stop shrinking fast (diverging, or the matrix too
    far off), whence Newton starts; None when the matrix is not positive
    definite. ``sample_weight``: the rows' frequency weights, or None.
    """
    try:
        factor = linalg.cho_factor(info, lower=False, check_finite=False)
    except linalg.LinAlgError:
        return None
    n = X.shape[0]
    # the start's arrays, and two pairs used in turn by the steps
    buffers = [(np.empty(n), np.empty(n)) for _ in range(3)]
    gradient = _gradient_pass(X, y, params, *buffers[0], None, sample_weight)
    point = start = (params, *buffers[0], gradient, None)
    previous = np.inf
    for steps in range(1, max_iter + 1):
        step = linalg.cho_solve(factor, gradient, check_finite=False)
        change = np.max(np.abs(step * scale))
        rate = change / previous
        if not np.isfinite(change) or rate > 0.5:
            # diverging, or slower than halving the step each time: Newton
            # takes over from the start
            return start, 0, False
        # The steps shrink geometrically (by ``rate``), so the distance left
        # to the solution is about change * rate / (1 - rate): stop when it is
        # far below tol, as precise as Newton's last, quadratic step.
        converged = False
        if change < tol and change * rate / (1.0 - rate) < 1e-4 * tol:
            converged = True
        # The first step has no rate yet. From a warm start after a removal
        # the rate was measured at 2 to 25 times the first step's size (the
        # matrix is off by about the distance moved): a first step whose
        # square times _FIRST_RATE is that small is taken as converged, for
        # :func:`_newton` to check with an exact Newton step.
        elif steps == 1 and _FIRST_RATE * change**2 < 1e-4 * tol:
            converged = None
        # Whether this step is the last is known before its pass, which on
        # many rows (read by blocks) then also computes X'WX and the
        # log-likelihood at the point, so that X is read once, not twice
        # (on fewer rows the whole-array pass is faster, and :class:`_State`
        # computes them)
        last = converged is not False
        params = point[0] + step
        eta, prob = buffers[1 + steps % 2]
        if last and n >= _BLOCKED_ROWS:
            gradient, exact = _gradient_pass(
                X, y, params, eta, prob, sign=sign, sample_weight=sample_weight
            )
            return (params, eta, prob, gradient, exact), steps, converged
        gradient = _gradient_pass(X, y, params, eta, prob, None, sample_weight)
        point, previous = (params, eta, prob, gradient, None), change
        if last:
            return point, steps, converged
    return start, 0, False


def single_thread_when_large(func):
    """``func(X, ...)`` with SciPy's BLAS at one thread where
    :func:`limits_scipy_blas` says so (see :mod:`sklearn_innov.utils._threads`).

    On smaller designs there is nothing to stall: NumPy's products and
    SciPy's k x k algebra are too small for either BLAS to wake its
    threads, and the limit's threadpoolctl calls (two per outermost use)
    would cost more than a Newton step at the paper's size.
    """

    @functools.wraps(func)
    def wrapper(X, *args, **kwargs):
        if not limits_scipy_blas(*X.shape):
            return func(X, *args, **kwargs)
        with scipy_single_thread:
            return func(X, *args, **kwargs)

    return wrapper


def logistic(eta, out=None):
    """``1 / (1 + exp(-eta))``, the logistic function, as statsmodels writes it.

    NumPy's vectorised ``exp`` makes this 2-3 times faster than
    ``scipy.special.expit`` (which it matches to a few ulp); below
    ``eta = -709`` ``exp(-eta)`` overflows and the probability is 0, where
    ``expit`` returns a subnormal number.
    """
    out = np.negative(eta, out=out)
    with np.errstate(over="ignore"):
        np.exp(out, out=out)
    out += 1.0
    return np.reciprocal(out, out=out)


def _deviance_terms(eta, sign, sample_weight=None):
    """Half the deviance of rows with linear predictor ``eta``: ``-llf``.

    ``sign`` is ``1 - 2y``. Each term of the log-likelihood,
    ``-log(1 + exp(-s eta))`` with ``s = 2y - 1``, is ``-(max(-s eta, 0) +
    log1p(exp(-|eta|)))`` (numpy's ``logaddexp(0, -s eta)``): never
    positive, and no cancellation for large ``|eta|`` (``y eta - log(1 +
    e^eta)`` cancels there, and can come out positive under separation).
    With ``sample_weight``, the terms' weighted sum.
    """
    e = np.exp(-np.abs(eta))
    terms = np.multiply(sign, eta)
    np.maximum(terms, 0.0, out=terms)
    terms += np.log1p(e, out=e)
    return terms.sum() if sample_weight is None else terms @ sample_weight


def _information(X, rows, prob, weights, workspace=None, sample_weight=None):
    """``X'WX`` over ``rows``; writes their weights ``p (1 - p)`` to ``weights``
    (``w p (1 - p)`` with the rows' frequency weights ``sample_weight``).

    As ``(W^1/2 X)' (W^1/2 X)``: numpy hands ``A.T @ A`` to BLAS syrk (half
    gemm's work). On a block of rows (one of several on threads) the product
    is formed while the block is in the cache, and multiplied by ``np.dot``:
    ``np.matmul`` holds the GIL through a matrix-matrix product (numpy 2.4),
    so that blocks on threads would take turns (two syrk of 500,000 x 11 on
    two threads: 10.9 ms by ``np.dot``, 19.7 ms by ``@``, 10 ms for one
    alone). All rows at once go to ``@`` with NumPy's BLAS pool (``np.dot``
    took 6.1 ms at 10,000 x 101, ``@`` 3.5 ms), in ``workspace`` if given (a
    reused buffer spares the page faults of a fresh n x k array per step).
    """
    n, k = X.shape
    w = np.multiply(prob[rows], 1.0 - prob[rows], out=weights[rows])
    if sample_weight is not None:
        w *= sample_weight[rows]
    if rows != slice(None):
        root = np.multiply(X[rows], np.sqrt(w)[:, None])
        return np.dot(root.T, root)
    fits = workspace is not None and workspace.shape[0] == n
    root = workspace[:, :k] if fits else np.empty((n, k), order="F")
    np.multiply(X, np.sqrt(w)[:, None], out=root)
    return root.T @ root


def deviance(eta, sign, sample_weight=None):
    """Half the deviance (``-llf``) by blocks of rows on threads (weighted by
    the rows' frequency weights ``sample_weight`` if given)."""
    w = sample_weight
    return float(
        _sum_blocks(
            lambda rows: _deviance_terms(
                eta[rows], sign[rows], None if w is None else w[rows]
            ),
            _info_slices(eta.shape[0]),
        )
    )


def information(X, prob, weights, workspace=None, sample_weight=None):
    """``X'WX`` by blocks of rows on threads; the weights into ``weights``."""
    return _sum_blocks(
        lambda rows: _information(X, rows, prob, weights, workspace, sample_weight),
        _info_slices(X.shape[0]),
    )


def score_sums(X_in, X_out, resid, weights, joint):
    """``U = X_out'(y - p)``, ``A = X_in'W X_out`` and ``X_out'W X_out`` (its
    diagonal unless ``joint``) by blocks of rows on threads: no n x m
    weighted copy, each block read once."""
    n, k = X_in.shape
    m = X_out.shape[1]
    slices = _row_slices(n, _block_size(k + m))
    U_parts = np.empty((len(slices), m))
    A_parts = np.empty((len(slices), k, m))
    D_parts = np.empty((len(slices), m, m) if joint else (len(slices), m))

    def block(i):
        rows = slices[i]
        X_block = X_out[rows]
        np.matmul(resid[rows], X_block, out=U_parts[i])
        XoW = X_block * weights[rows, None]
        # np.dot releases the GIL where np.matmul does not (see _information)
        np.dot(X_in[rows].T, XoW, out=A_parts[i])
        if joint:
            np.dot(X_block.T, XoW, out=D_parts[i])
        else:
            D_parts[i] = np.einsum("ij,ij->j", X_block, XoW)

    run_blocks(block, len(slices))
    return U_parts.sum(axis=0), A_parts.sum(axis=0), D_parts.sum(axis=0)


def presolve(fit, X, y, info, *, firth, fixed, max_iter, scale, sample_weight=None):
    """A cold start on many rows: ``fit`` (:func:`fit_logit`) on every 8th row.

    A cold start takes ~6 Newton steps; taken on an eighth of the rows they
    cost an eighth, and the fit finishes on all rows from there. Returns the
    start (None if it diverged) and, if ``info`` is None, the subsample's
    information scaled to all rows, close enough for the chord steps.
    With frequency weights ``sample_weight`` the subsample keeps its rows'
    weights, and the information is scaled by the weights' totals.
    """
    sub = np.asfortranarray(X[::_PRESOLVE_STEP])  # one copy, not one per step
    sub_weight = None if sample_weight is None else sample_weight[::_PRESOLVE_STEP]
    # from zero, given as a start so that the subsample is not presolved in
    # turn (it may itself have _BLOCKED_ROWS rows)
    result = fit(
        sub,
        y[::_PRESOLVE_STEP],
        start=np.zeros(X.shape[1]),
        firth=firth,
        fixed=fixed,
        max_iter=max_iter,
        tol=1e-4,
        scale=scale,
        sample_weight=sub_weight,
    )
    start = result.params
    if not np.isfinite(start).all():
        return None, info
    if info is None and result.info is not None:
        ratio = (
            X.shape[0] / sub.shape[0]
            if sample_weight is None
            else sample_weight.sum() / sub_weight.sum()
        )
        info = result.info * ratio
    return start, info
