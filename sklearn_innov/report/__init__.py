""":mod:`sklearn_innov.report`: printable result objects.

Every ``summary()`` of the library returns a :class:`Summary`, which prints as
text and renders to Markdown, HTML and LaTeX through one rendering path.
"""

from ._summary import Block, Summary, format_number

__all__ = ["Block", "Summary", "format_number"]
