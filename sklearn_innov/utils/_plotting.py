"""matplotlib on first use, so that importing the library never imports it."""

__all__ = ["pyplot"]


def pyplot():
    """Return ``matplotlib.pyplot`` with a non-interactive backend.

    The library draws figures to be saved (reports, benchmarks); the Agg
    backend needs no display. matplotlib is an optional dependency
    (``pip install 'sklearn-innov[plot]'``).
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt
