"""One BLAS thread inside a fit whose loop alternates NumPy and SciPy calls.

NumPy and SciPy wheels each bundle an OpenBLAS with its own thread pool. A
loop that alternates between them (a NumPy product on many rows, then a
SciPy Cholesky or triangular solve on a small matrix) leaves one pool's
threads spinning while the other works; on a machine with as many cores as
threads, a 31 x 31 solve right after a 100,000 x 31 product then takes
milliseconds instead of microseconds. Inside such a loop one thread is
faster. The controller is built once (it lists the loaded libraries, which
takes milliseconds) and reused.
"""

from threadpoolctl import ThreadpoolController

__all__ = ["single_blas_thread"]

_controller = None


def single_blas_thread():
    """Context manager limiting every loaded BLAS to one thread."""
    global _controller
    if _controller is None:
        _controller = ThreadpoolController()
    return _controller.limit(limits=1, user_api="blas")
