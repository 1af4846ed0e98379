""":mod:`sklearn_innov.report`: the paper's analysis as a printable report.

:func:`replicate` runs the paper's analysis into a :class:`Report` (the
``sklearn-innov replicate`` command) in three steps: :func:`analyze` decides,
fits and collects every reading with its test into an :class:`Analysis`;
:func:`compare_with_paper` puts the published numbers beside it (embedded
survey only); :func:`render_report` only formats; every report ends with its
:class:`Provenance` (versions, time, data and spec digests, seed). Figures are drawn by
:func:`influence_curve`, :func:`roc_plot` and :func:`residual_plots`
(matplotlib, imported only when a figure is drawn). The summary primitives
:class:`~sklearn_innov.summary.Summary`, :class:`~sklearn_innov.summary.Block`
and :func:`~sklearn_innov.summary.format_number` live in
:mod:`sklearn_innov.summary`, their one home; they stay importable from here.
"""

# their home is sklearn_innov.summary; importable from here as before 1.0
from ..summary import Block as Block
from ..summary import Summary as Summary
from ..summary import format_number as format_number
from ._analysis import Analysis, analyze
from ._comparison import compare_with_paper
from ._figures import influence_curve, residual_plots, roc_plot
from ._provenance import Provenance
from ._replicate import render_report, replicate
from ._report import Report

__all__ = [
    "Analysis",
    "Provenance",
    "Report",
    "analyze",
    "compare_with_paper",
    "influence_curve",
    "render_report",
    "replicate",
    "residual_plots",
    "roc_plot",
]
