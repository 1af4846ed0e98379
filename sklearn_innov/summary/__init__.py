""":mod:`sklearn_innov.summary`: the one rendering path of every printed result.

A fitted model's ``summary()`` returns a :class:`Summary`, an ordered list of
:class:`Block` objects (a titled DataFrame or lines of text) that prints as
text and renders to Markdown, HTML and LaTeX; :func:`format_number` and
:func:`format_pvalue` format every cell, :func:`significance` words a
test's result from its p-value, and :func:`html_page` wraps
fragments into one self-contained page. Summaries only format what the
results objects computed.
"""

from ._summary import (
    TABLE_WIDTH,
    Block,
    Summary,
    format_number,
    format_pvalue,
    html_page,
    latex_escape,
    significance,
    text_width,
    wrap_lines,
)

__all__ = [
    "TABLE_WIDTH",
    "Block",
    "Summary",
    "format_number",
    "format_pvalue",
    "html_page",
    "latex_escape",
    "significance",
    "text_width",
    "wrap_lines",
]
