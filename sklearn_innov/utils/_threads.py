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
stall, and nothing is limited.
"""

import contextlib
import os

from threadpoolctl import ThreadpoolController

__all__ = ["scipy_blas_single_thread"]

_scipy_pools = None


def _find_scipy_pools():
    """The BLAS libraries that SciPy bundles, apart from NumPy's."""
    import numpy
    import scipy

    def inside(path, package):
        root = os.path.dirname(os.path.realpath(package.__file__))
        # wheels keep bundled libraries beside the package (scipy.libs on
        # Linux and Windows) or inside it (scipy/.dylibs on macOS)
        return path.startswith((root + os.sep, root + ".libs" + os.sep))

    controllers = ThreadpoolController().select(user_api="blas").lib_controllers
    numpy_libs = [c for c in controllers if inside(os.path.realpath(c.filepath), numpy)]
    return [
        c
        for c in controllers
        if inside(os.path.realpath(c.filepath), scipy) and c not in numpy_libs
    ]


@contextlib.contextmanager
def scipy_blas_single_thread():
    """Context manager: SciPy's own BLAS (if separate from NumPy's) at one thread."""
    global _scipy_pools
    if _scipy_pools is None:
        _scipy_pools = _find_scipy_pools()
    previous = [c.num_threads for c in _scipy_pools]
    for c in _scipy_pools:
        c.set_num_threads(1)
    try:
        yield
    finally:
        for c, n in zip(_scipy_pools, previous, strict=True):
            c.set_num_threads(n)
