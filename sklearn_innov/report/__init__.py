""":mod:`sklearn_innov.report`: printable results and the paper's analysis.

Every ``summary()`` of the library returns a :class:`Summary`, which prints as
text and renders to Markdown, HTML and LaTeX through one rendering path;
:func:`replicate` runs the paper's analysis into a :class:`Report` (the
``sklearn-innov replicate`` command), with figures drawn by
:func:`influence_curve`, :func:`roc_plot` and :func:`residual_plots`
(matplotlib, imported only when a figure is drawn).
"""

from ._figures import influence_curve, residual_plots, roc_plot
from ._report import Report
from ._summary import Block, Summary, format_number

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


def __getattr__(name):
    # replicate pulls in the datasets and estimators: import it on first use
    if name == "replicate":
        from ._replicate import replicate

        return replicate
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
