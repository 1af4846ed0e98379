"""matplotlib on first use, so that importing the library never imports it;
and where every figure's legend goes."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["outside_legend", "pyplot"]


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


def outside_legend(ax: Axes) -> None:
    """Draw the axes' legend to the right of its data area, which it cannot cover.

    Inside the axes, even ``loc="best"`` hid points of a dense scatter and the
    first bar of a bar chart (user7's BEPS report); the caller's
    ``tight_layout`` then makes room for it beside the axes.
    """
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0)
