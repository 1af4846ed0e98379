""":mod:`sklearn_innov.report`: the paper's analysis as a printable report.

:func:`replicate` runs the paper's analysis into a :class:`Report` (the
``sklearn-innov replicate`` command), with figures drawn by
:func:`influence_curve`, :func:`roc_plot` and :func:`residual_plots`
(matplotlib, imported only when a figure is drawn). The summary primitives
:class:`Summary`, :class:`Block` and :func:`format_number` live in
:mod:`sklearn_innov.summary` and are re-exported here.
"""

from ..summary import Block, Summary, format_number
from ._figures import influence_curve, residual_plots, roc_plot
from ._replicate import replicate
from ._report import Report

__all__ = [
    "Block",
    "Report",
    "Summary",
    "format_number",
    "influence_curve",
    "replicate",
    "residual_plots",
    "roc_plot",
]
