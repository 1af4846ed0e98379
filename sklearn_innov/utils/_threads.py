"""Keep SciPy's BLAS pool from stalling NumPy's inside a fit's loop.

NumPy and SciPy wheels each bundle an OpenBLAS with its own thread pool. A
loop that alternates between them (a NumPy product on many rows, then a
SciPy Cholesky or triangular solve on a small matrix) leaves one pool's
threads spinning while the other works; on a machine with as many cores as
threads, a 31 x 31 solve right after a 100,000 x 31 product then takes
milliseconds instead of microseconds. The loops of this library do their
work on many rows with NumPy and only small k x k algebra with SciPy, so
limiting SciPy's pool to one thread removes the stall and leaves NumPy's
products all the threads the user allows (measured on 2 cores: 8-13%
faster than one thread for both, and than no limit). Where NumPy and SciPy
share one BLAS (conda, a system OpenBLAS or MKL), there is one pool, no
stall, and nothing is limited; so too where the two cannot be told apart
(see :func:`_blas_pools`).
"""

import contextlib
import functools
import os
import threading

import numpy as np
from joblib import cpu_count
from threadpoolctl import ThreadpoolController

__all__ = ["available_threads", "run_blocks", "scipy_single_thread"]


@functools.cache
def _controller():
    """The process's one threadpoolctl controller, as scikit-learn keeps one
    (``sklearn.utils.parallel._get_threadpool_controller``): listing the
    loaded libraries takes milliseconds, so it is done once. SciPy's linear
    algebra is imported first, so that its BLAS is listed."""
    import scipy.linalg  # noqa: F401

    return ThreadpoolController()


def _declared_blas_version(package):
    """The BLAS version ``package`` says it was built with, or None.

    NumPy (from 1.26) and SciPy (from 1.11) report their build
    dependencies through ``show_config(mode="dicts")``.
    """
    try:
        config = package.show_config(mode="dicts")
        return str(config["Build Dependencies"]["blas"]["version"])
    except Exception:  # an older release, or a build that does not say
        return None


@functools.cache
def _blas_pools():
    """``(numpy_pools, scipy_pools)``: the BLAS controllers of each, disjoint.

    Told apart by what the libraries say of themselves, never by where
    their files lie: SciPy's own pool is the one BLAS whose version (as
    threadpoolctl reads it from the library) is the one SciPy declares it
    was built with, when exactly one does and NumPy does not declare the
    same. Otherwise (one BLAS shared by both, as in conda, a system
    OpenBLAS or MKL; two alike; a build that does not say) SciPy's pool is
    not told apart and is never limited: fits are as exact either way, and
    only the stall described above can return. NumPy's pools are all the
    others. Listing the loaded libraries takes milliseconds: done once.
    """
    import scipy

    controllers = _controller().select(user_api="blas").lib_controllers
    scipy_version = _declared_blas_version(scipy)
    matches = [c for c in controllers if c.version == scipy_version]
    separate = (
        len(controllers) > 1
        and len(matches) == 1
        and _declared_blas_version(np) != scipy_version
    )
    scipy_own = matches if separate else []
    return [c for c in controllers if c not in scipy_own], scipy_own


class _OneThread(contextlib.ContextDecorator):
    """Hold some BLAS pools at one thread; re-entrant and thread-safe.

    The outermost use (across threads) saves the pools' sizes and sets them
    to one, the last to leave restores them; inner or concurrent uses cost a
    counter increment, so the kernels can all carry it. ``find`` lists the
    pools; the two instances below hold disjoint sets of pools, so
    they never restore each other's.
    """

    def __init__(self, find):
        self._find = find
        self._pools = None
        self._depth = 0
        self._lock = threading.Lock()
        self._previous = []

    def __enter__(self):
        with self._lock:
            if self._depth == 0:
                self._pools = self._find()
                self._previous = [c.num_threads for c in self._pools]
                for c in self._pools:
                    c.set_num_threads(1)
            self._depth += 1
        return self

    def __exit__(self, *exc):
        with self._lock:
            self._depth -= 1
            if self._depth == 0:
                for c, n in zip(self._pools, self._previous, strict=True):
                    c.set_num_threads(n)
        return False

    def _after_fork(self):
        # a fork inside a limited section leaves the child's pools limited
        # and no thread of its own to restore them
        if self._depth:
            for c, n in zip(self._pools, self._previous, strict=True):
                c.set_num_threads(n)
        self._depth = 0
        self._lock = threading.Lock()


# SciPy's own BLAS (if separate from NumPy's) at one thread: a context
# manager and a decorator, re-entrant
scipy_single_thread = _OneThread(lambda: _blas_pools()[1])


# -- row blocks on threads ------------------------------------------------------

_executor = None
_executor_threads = 0
_executor_lock = threading.Lock()


_NUMPY_SINGLE_THREAD = _OneThread(lambda: _blas_pools()[0])


def _reset_after_fork():
    """A forked child has none of the parent's threads: start afresh."""
    global _executor, _executor_threads, _executor_lock
    _executor, _executor_threads = None, 0
    _executor_lock = threading.Lock()
    scipy_single_thread._after_fork()
    _NUMPY_SINGLE_THREAD._after_fork()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_reset_after_fork)


def available_threads():
    """Threads a fit may use: NumPy's BLAS pool size, capped by the CPUs the
    process may use.

    NumPy's BLAS pool honours ``OMP_NUM_THREADS``/``OPENBLAS_NUM_THREADS``
    and ``threadpoolctl`` limits set by the user (and by joblib in its
    workers), so a fit never uses more threads than its BLAS would; the CPUs
    are ``joblib.cpu_count()``'s, which counts the process's CPU affinity
    and its cgroup quota (a container's), where ``os.cpu_count()`` counts
    the machine's.
    """
    blas = min((c.num_threads for c in _blas_pools()[0]), default=1)
    return max(1, min(blas, cpu_count(only_physical_cores=False)))


def run_blocks(func, n_blocks, threads=None):
    """Call ``func(i)`` for ``i`` in ``range(n_blocks)``, on up to ``threads``
    (by default :func:`available_threads`).

    Each thread takes a contiguous range of blocks, with NumPy's BLAS at one
    thread meanwhile (its own pool would compete with these threads for
    the cores, and split a block's products differently). ``func`` must
    write only to block ``i``'s share of its outputs, so that the result
    does not depend on ``threads``. A single block (all rows at once) runs
    as it is, with no limit on BLAS.
    """
    global _executor, _executor_threads
    if n_blocks == 1:
        # all rows at once: whole-array NumPy, with its BLAS pool as it is
        func(0)
        return
    if threads is None:
        threads = available_threads()
    threads = max(1, min(threads, n_blocks))
    if threads > 1:
        with _executor_lock:
            if _executor is None or _executor_threads < threads:
                from concurrent.futures import ThreadPoolExecutor

                _executor = ThreadPoolExecutor(
                    threads, thread_name_prefix="sklearn_innov"
                )
                _executor_threads = threads
            executor = _executor
    # one BLAS thread on one thread too: a threaded BLAS would split (and
    # round) a block's products differently
    with _NUMPY_SINGLE_THREAD:
        if threads == 1:
            _run_range(func, 0, n_blocks)
            return
        bounds = np.linspace(0, n_blocks, threads + 1).astype(int)
        futures = [
            executor.submit(_run_range, func, bounds[t], bounds[t + 1])
            for t in range(threads)
        ]
        for future in futures:
            future.result()


def _run_range(func, start, stop):
    for i in range(start, stop):
        func(i)
