""":mod:`sklearn_innov.summary`: the one rendering path of every printed result.

A fitted model's ``summary()`` returns a :class:`Summary`, an ordered list of
:class:`Block` objects (a titled DataFrame or lines of text) that prints as
text and renders to Markdown, HTML and LaTeX; :func:`format_number` and
:func:`format_pvalue` format every cell, :func:`significance` words a
test's result from its p-value, and :func:`html_page` wraps
fragments into one self-contained page. Summaries only format what the
results objects computed. This module is the one home of :class:`Summary`,
:class:`Block` and :func:`format_number` (:mod:`sklearn_innov.report`
re-exports them).
"""

from ..utils._warnings import moved_names as _moved_names
from . import _summary
from ._summary import (
    Block,
    Summary,
    format_number,
    format_pvalue,
    html_page,
    significance,
)

__all__ = [
    "Block",
    "Summary",
    "format_number",
    "format_pvalue",
    "html_page",
    "significance",
]

# rendering internals, public before 1.0 (see docs/api_stability.rst)
__getattr__ = _moved_names(
    __name__,
    {
        name: (getattr(_summary, name), _summary.__name__)
        for name in ("TABLE_WIDTH", "latex_escape", "text_width", "wrap_lines")
    },
)
