""":mod:`sklearn_innov.summary`: the one rendering path of every printed result.

A fitted model's ``summary()`` returns a :class:`Summary`, an ordered list of
:class:`Block` objects (a titled DataFrame or lines of text) that prints as
text and renders to Markdown, HTML and LaTeX; :func:`format_number` formats
every cell. Summaries only format what the results objects computed.
"""

from ._summary import Block, Summary, format_number, latex_escape

__all__ = ["Block", "Summary", "format_number", "latex_escape"]
