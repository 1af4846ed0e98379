""":mod:`sklearn_innov.report`: the paper's analysis as a printable report.

:func:`replicate` runs the paper's analysis into a :class:`Report` (the
``sklearn-innov replicate`` command) in three steps: :func:`analyze` decides,
fits and collects every reading with its test into an :class:`Analysis`;
:func:`compare_with_paper` puts the published numbers beside it (embedded
survey only); :func:`render_report` only formats; every report ends with its
:class:`Provenance` (versions, time, data and spec digests, seed). Figures are drawn by
:func:`influence_curve`, :func:`roc_plot` and :func:`residual_plots`
(matplotlib, imported only when a figure is drawn). The summary primitives
:class:`Summary`, :class:`Block` and :func:`format_number` live in
:mod:`sklearn_innov.summary` and are re-exported here.
"""

from ..summary import Block, Summary, format_number
from ._analysis import Analysis, analyze
from ._comparison import compare_with_paper
from ._figures import influence_curve, residual_plots, roc_plot
from ._provenance import Provenance
from ._replicate import render_report, replicate
from ._report import Report

__all__ = [
    "Analysis",
    "Block",
    "Provenance",
    "Report",
    "Summary",
    "analyze",
    "compare_with_paper",
    "format_number",
    "influence_curve",
    "render_report",
    "replicate",
    "residual_plots",
    "roc_plot",
]
