"""The one rendering path of every result the library prints.

A fitted model's ``summary()`` returns a :class:`Summary`: an ordered list of
titled blocks, each a DataFrame or lines of text. It prints as plain text and
renders to Markdown, HTML (also in notebooks) and LaTeX, and its tables can be
written to CSV. The replication report is made of these objects, so every
number a user sees passes through here and is formatted once.

The rules a reader relies on live here too: text wraps to the terminal (80
columns when the output is not a terminal), a table wider than
``TABLE_WIDTH`` is split into column groups that repeat the row labels,
numbers are right-aligned, and p-values print to three decimals with
``< 0.001`` below that precision (never ``0.0000`` or scientific notation).
"""

from __future__ import annotations

import html
import re
import shutil
import textwrap
from typing import TYPE_CHECKING, Any

import numpy as np

from ..utils._lazy import pd
from ..utils._output import check_inside, slugify, write_csv

# one definition of a count with its noun, in the layer below (utils' own
# messages use it); re-exported here, where the summaries and report import it
from ..utils._validation import plural as plural
from ._labels import COLUMN_KINDS, COLUMN_PREFIXES, COLUMNS, Column

if TYPE_CHECKING:
    import os
    from collections.abc import Mapping, Sequence
    from pathlib import Path

    from ..utils._typing import RenderFormat

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

#: Widest text table, in characters; wider tables are split into column groups.
TABLE_WIDTH = 120
#: Decimals of a p-value; smaller p-values read ``< 0.001``.
P_DECIMALS = 3
# the levels a reading compares a p-value with: a p printed to P_DECIMALS
# that rounds onto (or across) one of them gets more decimals
P_LEVELS = (0.01, 0.05, 0.10)
#: Decimals of a percentage (``45.5%``).
PERCENT_DECIMALS = 1
#: How a text block's line starts when the block is a list, one item a line.
LIST_MARK = "- "


class Block:
    """A titled piece of a summary: a DataFrame, or lines of text.

    Parameters
    ----------
    title : str
        Heading of the block.
    content : DataFrame or list of str
        The table, or the lines; lines that all start with ``"- "`` are a
        list, one item a line (HTML ``<ul>``, LaTeX ``itemize``).
    name : str, optional
        A file-friendly name for the table (CSV export); defaults to the title.
    clipped : mapping, optional
        ``{(row, column): (low, high)}``: cells whose source clips them to
        ``[low, high]`` (Lilliefors' p from statsmodels' table lies in
        ``[0.001, 0.99]``). A value at a limit prints as ``<= low`` or
        ``>= high``, since the true value may lie beyond it.

    Examples
    --------
    >>> import pandas as pd
    >>> from sklearn_innov.summary import Block, Summary
    >>> table = pd.DataFrame({"coef": [0.37, 0.25]}, index=["ln X1", "ln X2"])
    >>> blocks = [Block("Coefficients", table), Block("Notes", ["OLS on logs."])]
    >>> summary = Summary("Elasticities", blocks)
    >>> print(summary.as_markdown())
    ## Elasticities
    <BLANKLINE>
    ### Coefficients
    <BLANKLINE>
    |  | Coefficient |
    | --- | ---: |
    | ln X1 | 0.3700 |
    | ln X2 | 0.2500 |
    <BLANKLINE>
    ### Notes
    <BLANKLINE>
    OLS on logs.
    """

    def __init__(
        self,
        title: str,
        content: pd.DataFrame | list[str],
        *,
        name: str | None = None,
        clipped: Mapping[str, Any] | None = None,
    ) -> None:
        self.title = title
        self.content = content
        self.name = name or _slug(title)
        self.clipped = dict(clipped or {})

    @property
    def is_table(self) -> bool:
        """Whether the block holds a table (else lines of text)."""
        return isinstance(self.content, pd.DataFrame)


class Summary:
    """A printable, exportable collection of result blocks.

    Parameters
    ----------
    title : str
        Heading of the whole summary.
    blocks : list of Block
        The parts, in order.
    digits : int, default=4
        Decimals of floats in every rendering.

    Examples
    --------
    >>> import pandas as pd
    >>> from sklearn_innov.summary import Block, Summary
    >>> table = pd.DataFrame({"coef": [0.5, 1.25]}, index=["const", "ln X1"])
    >>> summary = Summary("Model", [Block("Coefficients", table)], digits=2)
    >>> print(summary)
    Model
    =====
    <BLANKLINE>
    Coefficients
    ------------
           Coefficient
    const         0.50
    ln X1         1.25
    >>> summary["Coefficients"].columns.tolist()  # the table keeps its identifiers
    ['coef']
    """

    def __init__(self, title: str, blocks: Sequence[Block], *, digits: int = 4) -> None:
        self.title = title
        self.blocks = list(blocks)
        self.digits = digits

    # -- access -------------------------------------------------------------

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        """The table blocks as ``{name: DataFrame}`` (lines are left out)."""
        return {b.name: b.content for b in self.blocks if b.is_table}

    def __getitem__(self, title: str) -> pd.DataFrame | list[str]:
        for block in self.blocks:
            if block.title == title or block.name == title:
                return block.content
        raise KeyError(
            f"no block titled {title!r}; have {[b.title for b in self.blocks]}"
        )

    def insert_after(self, name: str, block: Block) -> None:
        """Insert ``block`` after the block titled or named ``name``.

        Parameters
        ----------
        name : str
            Title or name of an existing block.
        block : Block
            The block to insert.
        """
        for position, existing in enumerate(self.blocks):
            if name in (existing.title, existing.name):
                self.blocks.insert(position + 1, block)
                return
        raise KeyError(
            f"no block titled {name!r}; have {[b.title for b in self.blocks]}"
        )

    def to_csv(self, directory: str | os.PathLike[str], prefix: str = "") -> list[Path]:
        """Write every table to ``directory/<prefix><name>.csv``.

        The name is slugified (letters, digits, ``_`` and ``-``) and text
        cells that a spreadsheet would read as a formula (starting with
        ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) get a leading
        single quote, as OWASP recommends against CSV injection; text cells
        are quoted; numbers, negative ones included, are written as numbers.

        Parameters
        ----------
        directory : str or path-like
            Created if missing.
        prefix : str, default=""
            Prepended to every file name.

        Returns
        -------
        paths : list of Path
            The files written, one per table.
        """
        from pathlib import Path

        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        paths = []
        for name, table in self.tables.items():
            path = check_inside(directory / f"{slugify(prefix + name)}.csv", directory)
            write_csv(table, path)
            paths.append(path)
        return paths

    # -- renderings -----------------------------------------------------------

    def __str__(self) -> str:
        return self.as_text()

    def __repr__(self) -> str:
        return self.as_text()

    def _repr_html_(self) -> str:
        return self.as_html()

    def as_text(
        self,
        width: int | None = None,
        table_width: int = TABLE_WIDTH,
        *,
        columns: Mapping[str, Column] | None = None,
    ) -> str:
        """Plain text, as printed in a terminal.

        Parameters
        ----------
        width : int, optional
            Column at which lines of prose wrap; default: ``text_width()``
            (the terminal's width, 80 when the output is not a terminal).
        table_width : int, default=TABLE_WIDTH
            Widest table line; a wider table is printed as column groups,
            each repeating the row labels.
        columns : mapping of str to Column, optional
            Headers in words and the kind of each column's numbers, by
            column identifier (see ``Column``); default: the report's table
            of labels (``COLUMNS``), so that a model's ``summary()`` prints
            the report's words. ``{}`` prints the identifiers as headers (a
            known column's numbers still by their kind). The DataFrames
            keep their identifiers either way.

        Returns
        -------
        text : str
            The text, wrapped to ``width``.
        """
        width = text_width() if width is None else width
        out = [self.title, "=" * len(self.title)]
        for block in self.blocks:
            out += ["", block.title, "-" * len(block.title)]
            if block.is_table:
                out += _text_table(_Cells(block, self.digits, columns), table_width)
            else:
                out += wrap_lines(block.content, width)
        return "\n".join(out)

    def as_markdown(
        self, level: int = 2, *, columns: Mapping[str, Column] | None = None
    ) -> str:
        """GitHub-flavoured Markdown.

        Parameters
        ----------
        level : int, default=2
            Heading level of the title; blocks get the next level.
        columns : mapping of str to Column, optional
            As in :meth:`as_text`.

        Returns
        -------
        markdown : str
            The Markdown text.
        """
        hashes = "#" * level
        out = [f"{hashes} {self.title}"]
        for block in self.blocks:
            out += ["", f"{hashes}# {block.title}", ""]
            if block.is_table:
                out += _markdown_table(_Cells(block, self.digits, columns))
            else:
                out += [f"{line}  " for line in block.content]
        return "\n".join(out)

    def as_html(self, *, columns: Mapping[str, Column] | None = None) -> str:
        """An HTML fragment (headings, tables, paragraphs); see :func:`html_page`.

        Each table sits in its own ``<div class="table-scroll">``, which
        scrolls sideways when the table is wider than the page.

        Parameters
        ----------
        columns : mapping of str to Column, optional
            As in :meth:`as_text`.

        Returns
        -------
        html : str
            The fragment, without ``<html>`` or ``<body>``.
        """
        out = [f"<h2>{html.escape(self.title)}</h2>"]
        for block in self.blocks:
            out.append(f"<h3>{html.escape(block.title)}</h3>")
            if block.is_table:
                out.append(_html_table(_Cells(block, self.digits, columns)))
            elif is_list(block.content):
                items = "".join(
                    f"<li>{html.escape(line[len(LIST_MARK) :])}</li>"
                    for line in block.content
                )
                out.append(f"<ul>{items}</ul>")
            else:
                # a line is a paragraph (as in LaTeX): one <p> each, not a
                # wall of text joined by <br>
                out += [f"<p>{html.escape(line)}</p>" for line in block.content]
        return "\n".join(out)

    def as_latex(self, *, columns: Mapping[str, Column] | None = None) -> str:
        """LaTeX: a ``\\subsection*`` per block, tables as ``longtable``.

        A table breaks across pages and prints in ``\\small``; headers wrap
        onto several lines, long text cells wrap in their column, and a
        table wider than a page (see ``LATEX_TABLE_WIDTH``) is split
        into column groups that repeat the row labels, as in text. The
        document needs the ``array`` and ``longtable`` packages.

        Parameters
        ----------
        columns : mapping of str to Column, optional
            As in :meth:`as_text`.

        Returns
        -------
        latex : str
            The LaTeX source (the document loads ``array`` and ``longtable``).
        """
        # ragged headings: a long title wraps instead of running into the margin
        out = [f"\\section*{{\\raggedright {latex_text(self.title)}}}"]
        for block in self.blocks:
            out.append(f"\\subsection*{{\\raggedright {latex_text(block.title)}}}")
            if block.is_table:
                out += _latex_table(_Cells(block, self.digits, columns))
            else:
                out.append(latex_lines(block.content))
        return "\n".join(out)

    def render(
        self,
        fmt: RenderFormat = "text",
        width: int | None = None,
        *,
        columns: Mapping[str, Column] | None = None,
    ) -> str:
        """Render in one of the supported formats.

        Parameters
        ----------
        fmt : {"text", "markdown", "html", "latex"}, default="text"
        width : int, optional
            Wrapping column of text (see :meth:`as_text`).
        columns : mapping of str to Column, optional
            As in :meth:`as_text`.

        Returns
        -------
        rendered : str
            The summary in that format.
        """
        renderers = {
            "text": lambda: self.as_text(width, columns=columns),
            "markdown": lambda: self.as_markdown(columns=columns),
            "html": lambda: self.as_html(columns=columns),
            "latex": lambda: self.as_latex(columns=columns),
        }
        if fmt not in renderers:
            raise ValueError(f"format must be one of {sorted(renderers)}; got {fmt!r}.")
        return renderers[fmt]()


def text_width():
    """The terminal's width in columns, 80 when the output is not a terminal.

    Returns
    -------
    width : int
        ``shutil.get_terminal_size`` (which honours the ``COLUMNS``
        environment variable), at least 40.
    """
    return max(40, shutil.get_terminal_size(fallback=(80, 24)).columns)


def wrap_lines(lines, width):
    """Wrap each paragraph to ``width`` columns; words are never broken.

    Parameters
    ----------
    lines : iterable of str
        One paragraph each; an empty string stays an empty line.
    width : int

    Returns
    -------
    wrapped : list of str
    """
    out = []
    for line in lines:
        # a list item ("- ...") hangs its continuation lines under its text
        indent = "  " if str(line).startswith(LIST_MARK) else ""
        out += textwrap.wrap(
            line,
            width,
            subsequent_indent=indent,
            break_long_words=False,
            break_on_hyphens=False,
        ) or [""]
    return out


def is_list(lines):
    """Whether a text block's lines are all list items (``"- ..."``)."""
    return bool(lines) and all(str(line).startswith(LIST_MARK) for line in lines)


def format_count(value: Any) -> str:
    """A count as a count: ``127``, ``7,185``; a weighted, non-whole one as ``123.2``.

    The one format of a count, in a table's count cells and in the text of
    a summary or the report: thousands separated by commas.

    Weighted counts (the total weight of some rows) carry floating-point
    noise (``120.00000000000003``): within 1e-9 (relative) of a whole number
    they print as that number, otherwise with one decimal (two significant
    digits below 0.1, so that a small positive weight never reads ``0.0``).

    Parameters
    ----------
    value : int or float
        The count.

    Returns
    -------
    text : str

    Examples
    --------
    >>> from sklearn_innov.summary._summary import format_count
    >>> format_count(120.00000000000003), format_count(10.233962264150943)
    ('120', '10.2')
    >>> format_count(7185), format_count(1818.3)
    ('7,185', '1,818.3')
    """
    value = float(value)
    if not np.isfinite(value):
        return format_number(value)
    whole = round(value)
    if np.isclose(value, whole, rtol=1e-9, atol=1e-9):
        return f"{int(whole):,}"
    return f"{value:,.1f}" if abs(value) >= 0.1 else f"{value:.2g}"


def format_number(value: Any, digits: int = 4) -> str:
    """Format one cell: floats to ``digits`` decimals, NaN as empty, else str.

    Parameters
    ----------
    value : object
        The cell.
    digits : int, default=4
        Decimals of a float. A non-zero float that would print as zero
        (below ``10**-digits``) or one of ten million or more uses scientific
        notation with as many significant digits: a coefficient of 3e-06 is
        not 0. p-values go through :func:`format_pvalue` instead.

    Returns
    -------
    text : str
        The formatted cell.

    Examples
    --------
    >>> from sklearn_innov.summary import format_number
    >>> format_number(0.123456), format_number(float("nan")), format_number(3)
    ('0.1235', '', '3')
    """
    if isinstance(value, (bool, np.bool_)):
        return str(value)
    if isinstance(value, (int, np.integer)):
        return str(value)
    if isinstance(value, (float, np.floating)):
        if np.isnan(value):
            return ""
        size = abs(float(value))
        if value != 0 and (size >= 1e7 or size < 10 ** (-digits)):
            return f"{value:.{digits}g}" if size >= 1e7 else f"{value:.{digits - 1}e}"
        return f"{value:.{digits}f}"
    return str(value)


def format_pvalue(value: object, limits: tuple[float, float] | None = None) -> str:
    """Format a p-value: three decimals, ``< 0.001`` below that precision.

    Three decimals are not enough when the rounding lands on, or crosses,
    one of the levels a reading compares p-values with (1%, 5%, 10%):
    0.0499 would print ``0.050`` beside "significant at 5%". Then the
    p-value gets as many decimals as show its side of the level
    (``0.0499``, ``0.0501``, ``0.00999``); a p-value exactly at a level
    prints with three.

    Parameters
    ----------
    value : object
        The p-value; anything that is not a float is formatted by
        :func:`format_number`.
    limits : tuple (low, high), optional
        The range the p-value's source clips it to (a table look-up such as
        Lilliefors'): a value at ``low`` reads ``<= low``, one at ``high``
        reads ``>= high``.

    Returns
    -------
    text : str
        The formatted p-value.

    Examples
    --------
    >>> from sklearn_innov.summary import format_pvalue
    >>> format_pvalue(0.04321), format_pvalue(2.4e-05), format_pvalue(1e-3)
    ('0.043', '< 0.001', '0.001')
    >>> format_pvalue(0.0499), format_pvalue(0.05), format_pvalue(0.00999)
    ('0.0499', '0.050', '0.00999')
    >>> format_pvalue(0.001, limits=(0.001, 0.99))
    '<= 0.001'
    >>> format_pvalue(0.99, limits=(0.001, 0.99))
    '>= 0.99'
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(
        value, (float, np.floating, int, np.integer)
    ):
        return format_number(value)
    value = float(value)
    if np.isnan(value):
        return ""
    if limits is not None:
        low, high = limits
        # the clipped value may differ from the limit in the last bits
        if value <= low or np.isclose(value, low, rtol=1e-9, atol=0):
            return f"<= {low:g}"
        if value >= high or np.isclose(value, high, rtol=1e-9, atol=0):
            return f">= {high:g}"
    smallest = 10.0**-P_DECIMALS
    if value < smallest:
        return f"< {smallest:.{P_DECIMALS}f}"
    return f"{value:.{_p_decimals(value)}f}"


def _p_decimals(value):
    """Decimals that keep ``value`` on its own side of every level in P_LEVELS."""
    decimals = P_DECIMALS
    # 12 decimals: past those, the float itself is no longer on a side
    while decimals < 12 and any(
        np.sign(round(value, decimals) - level) != np.sign(value - level)
        for level in P_LEVELS
    ):
        decimals += 1
    return decimals


def format_cell(value, kind="number", digits=4):
    """Format one cell by what its column holds (see :class:`Column`).

    Parameters
    ----------
    value : object
        The cell.
    kind : {"number", "percent", "share", "count", "average", "expected"}, \
default="number"
    digits : int, default=4
        Decimals of a plain number.

    Returns
    -------
    text : str

    Examples
    --------
    >>> from sklearn_innov.summary._summary import format_cell
    >>> format_cell(45.5, "percent"), format_cell(0.4551, "share")
    ('45.5%', '45.5%')
    >>> format_cell(127.0, "count"), format_cell(12.5, "count")
    ('127', '12.5')
    >>> format_cell(120.00000000000003, "count"), format_cell(8.9808, "average")
    ('120', '9.0')
    """
    if kind not in COLUMN_KINDS:
        raise ValueError(f"kind must be one of {COLUMN_KINDS}; got {kind!r}.")
    numeric = isinstance(value, (float, np.floating, int, np.integer)) and not (
        isinstance(value, (bool, np.bool_))
    )
    if kind in ("number", "expected") or not numeric or np.isnan(value):
        # an expected count alone prints as a number; a weighted table's
        # (_Cells) with one decimal, as its observed counts
        return format_number(value, digits)
    if kind == "count":
        return format_count(value)
    if kind == "average":
        return f"{float(value):.1f}"
    scale = 100.0 if kind == "share" else 1.0
    return f"{scale * float(value):.{PERCENT_DECIMALS}f}%"


def significance(
    pvalue: float, alpha: float = 0.05, limits: tuple[float, float] | None = None
) -> str:
    """A test's result in words: ``"significant at 5% (p = 0.003)"``.

    Every reading a summary prints comes from a p-value and is worded as a
    test result: a p-value at or above ``alpha`` reads "not significant",
    never "no effect" or "no autocorrelation" (non-rejection is not proof of
    the null hypothesis).

    Parameters
    ----------
    pvalue : float
        The test's p-value.
    alpha : float, default=0.05
        Significance level the p-value is compared with.
    limits : tuple (low, high), optional
        As in :func:`format_pvalue`.

    Returns
    -------
    text : str
        The reading, with the p-value in parentheses.

    Examples
    --------
    >>> from sklearn_innov.summary import significance
    >>> significance(0.0712), significance(0.0004)
    ('not significant at 5% (p = 0.071)', 'significant at 5% (p < 0.001)')
    """
    shown = format_pvalue(pvalue, limits)
    equals = "" if shown[:1] in "<>" else "= "
    level = f"{100 * alpha:g}%"
    verdict = "significant" if pvalue < alpha else "not significant"
    return f"{verdict} at {level} (p {equals}{shown})"


def _label_words(text):
    """The words of a row or column label, split at spaces and underscores."""
    return set(re.split(r"[\s_]+", text))


def is_pvalue_label(label):
    """Whether a row or column label names p-values.

    A label is a p-value label when one of its words (split at spaces and
    underscores, case ignored) is ``p``, ``pvalue``, ``p-value`` or SPSS's
    ``sig.``, or when it starts with ``prob`` (``Prob (F)``): ``p_value``,
    ``f_pvalue``, ``Sig.``, ``paper Sig.``, ``p vs StepwiseLogit``.
    """
    text = str(label).lower()
    return bool(_label_words(text) & {"p", "pvalue", "p-value", "sig."}) or (
        text.startswith("prob")
    )


def _whole(value):
    """Whether a cell holds a finite whole number (not a bool or text)."""
    if isinstance(value, (bool, np.bool_, str)) or value is None:
        return False
    try:
        number = float(value)
    except (TypeError, ValueError):
        return False
    return np.isfinite(number) and number.is_integer()


def is_count_label(label):
    """Whether a row label names a count: one of its words is ``n``
    ("Table 9 n (implied by R² and F)"), ``observations`` or ``df``."""
    return bool(_label_words(str(label).lower()) & {"n", "observations", "df"})


class _Cells:
    """A table block's cells as text, with its labels and column alignment.

    ``columns`` (identifier to :class:`Column`) renames the headers and the
    index's name and chooses how each column's numbers print; the block's
    DataFrame is left as it is.
    """

    def __init__(self, block, digits, columns=None):
        # the printed headers are words by default; {} keeps the identifiers
        columns = COLUMNS if columns is None else columns
        table = block.content
        names = table.index.names if table.index.nlevels > 1 else [table.index.name]
        corner = " ".join(
            _column(name, columns)[0] for name in names if name is not None
        )
        self.corner = corner
        self.index = [_label(v) for v in table.index]
        described = [_column(c, columns) for c in table.columns]
        self.columns = [header for header, _ in described]
        kinds = [kind for _, kind in described]
        p_rows = [is_pvalue_label(v) for v in table.index]
        n_rows = [is_count_label(v) for v in table.index]
        p_cols = [is_pvalue_label(c) for c in table.columns]
        # what each cell is, then one format per column (user7's tables:
        # "1818.3" beside "0", "26.2" beside "23.1136", "-8.067e-05" in a
        # column of four decimals)
        roles = [
            [
                "p"
                if p_cols[j] or (p_rows[i] and kinds[j] == "number")
                else "count"
                if n_rows[i] and kinds[j] == "number" and _whole(value)
                else kinds[j]
                for j, value in enumerate(values)
            ]
            for i, values in enumerate(table.itertuples(index=False))
        ]
        formats = _column_formats(table, roles, kinds, digits)
        self.rows = []
        for i, (label, values) in enumerate(
            zip(table.index, table.itertuples(index=False), strict=True)
        ):
            row = []
            for j, value in enumerate(values):
                # a p-value row (``Sig.``) formats its plain numbers as
                # p-values; a column that declares its kind (a percentile
                # column: a share) keeps it; a count row (``n``) prints its
                # whole numbers as counts
                role = roles[i][j]
                if role == "p":
                    limits = block.clipped.get((label, table.columns[j]))
                    row.append(format_pvalue(value, limits))
                elif role == kinds[j] and formats[j] is not None and _finite(value):
                    row.append(
                        _in_column_format(
                            value,
                            formats[j],
                            digits,
                            grouped=role in ("count", "expected"),
                        )
                    )
                else:
                    row.append(format_cell(value, role, digits))
            self.rows.append(row)
        # a column of words reads from the left, numbers from the right
        self.numeric = [
            not all(
                isinstance(v, str) or v is None
                for v in table.iloc[:, j]
                if not (isinstance(v, float) and np.isnan(v))
            )
            or table.iloc[:, j].isna().all()
            for j in range(table.shape[1])
        ]


def _finite(value):
    """Whether a cell holds a finite number (not a bool or text)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(
        value, (float, np.floating, int, np.integer)
    ):
        return False
    return bool(np.isfinite(value))


def _column_formats(table, roles, kinds, digits):
    """Decimals every number of a column prints with, or None (cell by cell).

    A count column whose (weighted) counts are not all whole prints each
    with one decimal, as do the columns of its group (the classification
    table's "predicted ..." columns: ``0.0`` beside ``1818.3``, not ``0``);
    then the table is weighted, and its expected counts
    print with one decimal too, as the observed beside them (so does a
    table with a ``weighted_`` column). A column of plain numbers in which
    some, not all, would switch to scientific notation (below
    ``10**-digits`` or from ten million) prints every one with ``digits``
    decimals: ``-0.0001``, not ``-8.067e-05`` among ``0.0022``; but when
    one of them would then read as zero (3e-06 as ``0.0000``), the whole
    column prints in scientific notation (``"e"``).
    """
    formats = [None] * table.shape[1]
    cells = [
        [
            float(value)
            for i, value in enumerate(table.iloc[:, j])
            if roles[i][j] == kinds[j] and _finite(value)
        ]
        for j in range(table.shape[1])
    ]
    weighted = any(str(c).startswith("weighted_") for c in table.columns)
    # columns of one kind of count go together: the classification table's
    # "predicted ..." columns, a table's "weighted_..." totals
    groups = [_count_group(c) for c in table.columns]
    fractional = {
        groups[j]
        for j, values in enumerate(cells)
        # within 1e-9 of whole, as format_count: 120.00000000000003 is 120
        if kinds[j] == "count"
        and not np.allclose(values, np.round(values), rtol=1e-9, atol=1e-9)
    }
    for j in range(table.shape[1]):
        if kinds[j] == "count" and groups[j] in fractional:
            formats[j], weighted = 1, True
    for j, values in enumerate(cells):
        if kinds[j] == "expected" and weighted:
            formats[j] = 1
        elif kinds[j] in ("number", "expected") and values:
            scientific = [v != 0 and not 10**-digits <= abs(v) < 1e7 for v in values]
            if any(scientific) and not all(scientific):
                # fixed decimals, unless one would then read as zero: a
                # coefficient of 3e-06 is not 0, and the whole column says so
                hidden = any(v != 0 and float(f"{v:.{digits}f}") == 0 for v in values)
                formats[j] = "e" if hidden else digits
    return formats


def _in_column_format(value, decimals, digits, grouped=False):
    """A number in its column's format: ``decimals`` fixed, or "e" for the
    scientific notation :func:`format_number` gives tiny numbers; a
    (weighted) count with thousands separators, as :func:`format_count`."""
    if decimals == "e":
        return f"{float(value):.{digits - 1}e}"
    return f"{float(value):{',' if grouped else ''}.{decimals}f}"


def _count_group(identifier):
    """The counts a column's are printed alike with: its header's prefix
    word (``predicted``), ``weighted_`` totals, else the column alone."""
    text = _label(identifier)
    first = text.partition(" ")[0]
    if first in COLUMN_PREFIXES and " " in text:
        return first
    return "weighted_" if text.startswith("weighted_") else text


def _column(name, columns):
    """A header's text and kind: ``columns[name]``, else, for a header made
    of words then an identifier (``"total std_err"``), the words then that
    identifier's label; unknown headers print as they are."""
    text = _label(name)
    first, _, value = text.partition(" ")
    if value and first in COLUMN_PREFIXES:
        # "predicted 1": the word's kind; its label with the report's columns
        prefix = COLUMN_PREFIXES[first]
        return (f"{prefix.label} {value}" if columns else text), prefix.kind
    if not columns:
        # the header stays the identifier; a known column's numbers print by
        # their kind (a count whole, a percentage with %), as in the report
        return text, _known_kind(text)
    if text in columns:
        return columns[text].label, columns[text].kind
    head, _, last = text.rpartition(" ")
    if head and last in columns:
        label = columns[last].label
        if label[1:2].islower():  # "total std. error", not "total Std. error"
            label = label[0].lower() + label[1:]
        return f"{head} {label}", columns[last].kind
    return text, "number"


def _known_kind(text):
    """The kind the labels table gives a header (or its last word), else
    "number"."""
    if text in COLUMNS:
        return COLUMNS[text].kind
    last = text.rpartition(" ")[2]
    return COLUMNS[last].kind if last in COLUMNS else "number"


def _label(value):
    if isinstance(value, tuple):
        return " ".join(str(v) for v in value)
    return str(value)


def _text_table(cells, max_width):
    """Aligned text; columns beyond ``max_width`` go to further groups."""
    label_width = max([len(cells.corner)] + [len(v) for v in cells.index])
    widths = [
        max([len(header)] + [len(row[j]) for row in cells.rows])
        for j, header in enumerate(cells.columns)
    ]
    groups = _column_groups([2 + w for w in widths], max_width - label_width)

    def cell(text, j):
        return text.rjust(widths[j]) if cells.numeric[j] else text.ljust(widths[j])

    lines = []
    for number, group in enumerate(groups):
        if number:
            lines.append("")
        lines.append(
            "  ".join(
                [cells.corner.ljust(label_width)]
                + [cell(cells.columns[j], j) for j in group]
            ).rstrip()
        )
        for label, row in zip(cells.index, cells.rows, strict=True):
            lines.append(
                "  ".join(
                    [label.ljust(label_width)] + [cell(row[j], j) for j in group]
                ).rstrip()
            )
    return lines


def _column_groups(widths, room):
    """Split columns into the fewest contiguous groups that fit ``room``,
    as even in width as possible (a column wider than ``room`` stands alone).
    """
    n = len(widths)
    if sum(widths) <= room:
        return [list(range(n))]
    prefix = np.concatenate([[0], np.cumsum(widths)])

    def width(i, j):  # columns i..j-1
        return prefix[j] - prefix[i]

    def fits(i, j):
        return j - i == 1 or width(i, j) <= room

    # fewest groups, greedily
    count, i = 0, 0
    while i < n:
        j = i + 1
        while j < n and fits(i, j + 1):
            j += 1
        count, i = count + 1, j
    # among partitions into `count` groups, the one whose widest group is
    # narrowest: best[k][j] = (widest, cuts) for the first j columns in k groups
    best = {(0, 0): (0, [])}
    for k in range(1, count + 1):
        for j in range(1, n + 1):
            options = [
                (max(best[(k - 1, i)][0], width(i, j)), best[(k - 1, i)][1] + [i])
                for i in range(j)
                if (k - 1, i) in best and fits(i, j)
            ]
            if options:
                best[(k, j)] = min(options, key=lambda option: option[0])
    cuts = best[(count, n)][1] + [n]
    return [list(range(a, b)) for a, b in zip(cuts[:-1], cuts[1:], strict=True)]


def _markdown_table(cells):
    def escape(text):
        return text.replace("|", "\\|")

    header = [cells.corner] + cells.columns
    rule = ["---"] + ["---:" if numeric else "---" for numeric in cells.numeric]
    lines = [
        "| " + " | ".join(escape(c) for c in header) + " |",
        "| " + " | ".join(rule) + " |",
    ]
    for label, row in zip(cells.index, cells.rows, strict=True):
        lines.append("| " + " | ".join(escape(c) for c in [label, *row]) + " |")
    return lines


def _html_table(cells):
    """A table with the row labels' name in the corner: one header row."""

    def td(text, j):
        kind = "num" if cells.numeric[j] else "text"
        return f'<td class="{kind}">{html.escape(text)}</td>'

    head = "".join(
        f'<th scope="col" class="{"num" if numeric else "text"}">{html.escape(c)}</th>'
        for c, numeric in zip(cells.columns, cells.numeric, strict=True)
    )
    # a table with a long token (a digest, a path, a command) lets its text
    # cells break inside words, so it fits a phone instead of scrolling
    long_words = any(
        len(word) > LATEX_LONG_WORD
        for row in cells.rows
        for j, text in enumerate(row)
        if not cells.numeric[j]
        for word in text.split()
    )
    lines = [
        '<div class="table-scroll">',
        '<table class="summary-table long-words">'
        if long_words
        else '<table class="summary-table">',
        f'<thead><tr><th scope="col">{html.escape(cells.corner)}</th>{head}</tr>'
        "</thead>",
        "<tbody>",
    ]
    for label, row in zip(cells.index, cells.rows, strict=True):
        body = "".join(td(text, j) for j, text in enumerate(row))
        lines.append(f'<tr><th scope="row">{html.escape(label)}</th>{body}</tr>')
    lines += ["</tbody>", "</table>", "</div>"]
    return "\n".join(lines)


HTML_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: #1b1b1b; background: #fff; margin: 0; line-height: 1.45;
  overflow-wrap: break-word; }
main { max-width: 72rem; margin: 0 auto; padding: 1.5rem 2rem 3rem; }
h1 { font-size: 1.7rem; border-bottom: 2px solid #333; padding-bottom: .3rem; }
h2 { font-size: 1.3rem; margin-top: 2.2rem; border-bottom: 1px solid #bbb;
  padding-bottom: .2rem; }
h3 { font-size: 1.05rem; margin: 1.4rem 0 .5rem; }
p { max-width: 60rem; }
pre, code { white-space: pre-wrap; overflow-wrap: anywhere; }
div.table-scroll { max-width: 100%; overflow-x: auto; margin: .4rem 0 1rem; }
table.summary-table { border-collapse: collapse;
  font-size: .9rem; font-variant-numeric: tabular-nums; }
table.summary-table th, table.summary-table td { border: 1px solid #c8c8c8;
  padding: .25rem .6rem; vertical-align: top; }
table.summary-table thead th { background: #eef1f5; border-bottom: 2px solid #888;
  font-weight: 600; white-space: normal; }
table.summary-table thead th:first-child { text-align: left; }
table.summary-table tbody th { text-align: left; font-weight: 600;
  background: #fafafa; min-width: 9em; }
table.summary-table .num { text-align: right; white-space: nowrap; }
table.summary-table thead th.num { white-space: normal; }
table.summary-table .text { text-align: left; }
table.summary-table td.text { min-width: 15em; }
table.summary-table.long-words td.text { min-width: 8em; overflow-wrap: anywhere; }
table.summary-table tbody tr:hover td { background: #f4f8ff; }
figure { margin: 1.5rem 0; }
figure img { max-width: 100%; height: auto; border: 1px solid #ddd; }
figcaption { font-size: .9rem; color: #444; margin-top: .3rem; }
@media (min-width: 60rem) { table.summary-table tbody th { white-space: nowrap; } }
@media (max-width: 40rem) { main { padding: 1rem .75rem 2rem; }
  h1 { font-size: 1.4rem; } }
"""


def html_page(title: str, body: str) -> str:
    """A complete, self-contained HTML page around rendered fragments.

    Parameters
    ----------
    title : str
        The page's title (escaped here).
    body : str
        HTML, e.g. :meth:`Summary.as_html` fragments.

    Returns
    -------
    page : str
        One document with its style sheet inline: no file or network access
        is needed to view it.

    Examples
    --------
    >>> import pandas as pd
    >>> from sklearn_innov.summary import Block, Summary, html_page
    >>> fit = pd.DataFrame({"value": [0.27]}, index=["R2"])
    >>> summary = Summary("Fit", [Block("R2", fit)])
    >>> page = html_page("My report", summary.as_html())
    >>> page.startswith("<!DOCTYPE html>"), "<style>" in page
    (True, True)
    """
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>{HTML_STYLE}</style>\n"
        f"</head>\n<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )


def latex_escape(text):
    r"""Escape LaTeX's special characters.

    Parameters
    ----------
    text : object
        Converted with ``str``.

    Returns
    -------
    escaped : str

    Examples
    --------
    >>> from sklearn_innov.summary._summary import latex_escape
    >>> print(latex_escape("R² & 5%, p < 0.001"))
    R\textsuperscript{2} \& 5\%, p \textless{} 0.001

    Characters that LaTeX's default (OT1) fonts or ligatures would print as
    something else print as typed, so a value or a command line can be
    copied back into a spec or a shell: ``|`` (a dash in OT1's roman),
    ``--`` (an en dash otherwise), double quotes and single quotes around a
    value, taken from the typewriter font (the roman font has only curly
    ones); an apostrophe (``Cronbach's``, ``rows'``) stays one. T1 encoding
    would have them in the roman font, but without the cm-super or Latin
    Modern fonts pdflatex draws T1 as bitmaps whose ligatures do not copy
    ("affairs" copies as "aairs").

    >>> print(latex_escape("y | x, --out 'a', rows' order"))
    y \textbar{} x, -{}-out \texttt{\char13}a\texttt{\char13}, rows' order
    """
    replacements = {
        "\\": r"\textbackslash{}",
        "&": r"\&",
        "%": r"\%",
        "$": r"\$",
        "#": r"\#",
        "_": r"\_",
        "{": r"\{",
        "}": r"\}",
        "~": r"\textasciitilde{}",
        "²": r"\textsuperscript{2}",
        "^": r"\textasciicircum{}",
        "<": r"\textless{}",
        ">": r"\textgreater{}",
        "|": r"\textbar{}",
        '"': r"\texttt{\char34}",
        "`": r"\texttt{\char18}",
    }
    text = str(text)
    # single quotes that open and close a value ('offset'), not apostrophes
    quoting = set()
    for found in _QUOTED.finditer(text):
        quoting.update((found.start(), found.end() - 1))
    out = []
    for i, ch in enumerate(text):
        if ch == "-" and text[i + 1 : i + 2] == "-":
            out.append("-{}")  # no -- or --- ligature
        elif ch == "'" and i in quoting:
            out.append(r"\texttt{\char13}")
        else:
            out.append(replacements.get(ch, ch))
    return "".join(out)


# 'value': a quote not after a word character, its partner not before one
_QUOTED = re.compile(r"(?<!\w)'[^'\s](?:[^']*[^'\s])?'(?!\w)")


#: Room for a LaTeX table, in points: an A4 page's text width with 2 cm
#: margins (the report's layout); a wider table is split into column groups.
LATEX_TABLE_WIDTH = 480.0
# a conservative width of one character of \small Computer Modern, and the
# \tabcolsep on each side of a cell (set in the report's preamble)
LATEX_CHAR_PT = 5.0
LATEX_TABCOLSEP_PT = 4.0
# a text column whose cells are longer than this (in characters) wraps in a
# p{} column of this width; headers wrap onto lines at least this long
LATEX_TEXT_CAP = 32
LATEX_HEADER_MIN = 12
# a word longer than this may break after / . _ - = , : ;, before a capital
# that follows a small letter, or every 16 characters without either
LATEX_LONG_WORD = 20
_BREAK = "\x00"


def latex_text(text):
    r"""Escape text for LaTeX and let its long words break across lines.

    A file path, a dotted name or a digest has no space where a line could
    end; in a word longer than 20 characters a break is allowed after each
    of ``/ . _ - = , : ;``, before a capital that follows a small letter
    (``CobbDouglas|Regressor``, not ``CobbDouglasRegre|ssor``) and every 16
    characters without one. No hyphen is added: the word is an identifier.

    Parameters
    ----------
    text : object
        Converted with ``str``.

    Returns
    -------
    escaped : str

    Examples
    --------
    >>> from sklearn_innov.summary._summary import latex_text
    >>> print(latex_text("in data/survey_2024_final.csv"))
    in data/\allowbreak{}survey\_\allowbreak{}2024\_\allowbreak{}final.\allowbreak{}csv
    >>> print(latex_text("CobbDouglasRegressor:"))
    Cobb\allowbreak{}Douglas\allowbreak{}Regressor:
    """
    words = re.split(r"(\s+)", str(text))
    out = []
    for word in words:
        if len(word) > LATEX_LONG_WORD and not word.isspace():
            marked, run, previous = [], 0, ""
            for ch in word:
                if ch.isupper() and previous.islower():
                    marked.append(_BREAK)  # a camel-case identifier's parts
                    run = 0
                marked.append(ch)
                run += 1
                previous = ch
                if ch in "/._-=,:;" or run >= 16:
                    marked.append(_BREAK)
                    run = 0
            word = "".join(marked).rstrip(_BREAK)
        out.append(word)
    return latex_escape("".join(out)).replace(_BREAK, r"\allowbreak{}")


def latex_lines(lines):
    """Lines of a text block as LaTeX paragraphs (empty lines left out).

    Parameters
    ----------
    lines : iterable of str

    Returns
    -------
    latex : str
    """
    if is_list(lines):
        items = "\n".join(
            f"\\item {latex_text(line[len(LIST_MARK) :])}" for line in lines
        )
        return f"\\begin{{itemize}}\n{items}\n\\end{{itemize}}"
    return "\n\n".join(latex_text(line) for line in lines if str(line).strip())


def _latex_header(text, width, align):
    """A header cell, wrapped onto lines of at most ``width`` characters."""
    lines = textwrap.wrap(text, max(width, LATEX_HEADER_MIN)) or [""]
    if len(lines) == 1:
        return latex_text(lines[0])
    body = r" \\ ".join(latex_escape(line) for line in lines)
    return f"\\begin{{tabular}}[b]{{@{{}}{align}@{{}}}}{body}\\end{{tabular}}"


def _latex_table(cells):
    """``longtable`` groups of columns, each fitting ``LATEX_TABLE_WIDTH``."""

    def column(texts, header, numeric):
        """(width in characters, column spec, wrapped?) of one column."""
        longest = max([len(t) for t in texts] + [0])
        if not numeric and longest > LATEX_TEXT_CAP:
            return LATEX_TEXT_CAP, True
        words = max([len(w) for w in header.split()] + [0])
        return max(
            longest, min(len(header), max(longest, LATEX_HEADER_MIN)), words
        ), False

    def points(width):
        return width * LATEX_CHAR_PT + 2 * LATEX_TABCOLSEP_PT

    label_width, label_wrap = column(cells.index, cells.corner, False)
    described = [
        column([row[j] for row in cells.rows], header, cells.numeric[j])
        for j, header in enumerate(cells.columns)
    ]
    room = LATEX_TABLE_WIDTH - points(label_width)
    groups = _column_groups([points(w) for w, _ in described], room)

    def spec(width, wrap, numeric):
        if wrap:
            return f">{{\\raggedright\\arraybackslash}}p{{{width * LATEX_CHAR_PT:g}pt}}"
        return "r" if numeric else "l"

    def cell(text, wrap):
        return latex_text(text) if wrap else latex_escape(text)

    lines = []
    for number, group in enumerate(groups):
        if number:
            lines.append("")
        # a wrapped column takes the group's spare room, up to its longest cell
        spare = room - sum(points(described[j][0]) for j in group)
        widths = {}
        for j in group:
            width, wrap = described[j]
            if wrap:
                longest = max(len(row[j]) for row in cells.rows)
                grow = max(0, min(longest - width, int(spare // LATEX_CHAR_PT)))
                widths[j], spare = width + grow, spare - grow * LATEX_CHAR_PT
        described_here = {
            j: (widths.get(j, described[j][0]), described[j][1]) for j in group
        }
        specs = [spec(label_width, label_wrap, False)] + [
            spec(*described_here[j], cells.numeric[j]) for j in group
        ]
        header = [
            cell(cells.corner, True)
            if label_wrap
            else _latex_header(cells.corner, label_width, "l")
        ] + [
            latex_text(cells.columns[j])
            if described[j][1]
            else _latex_header(
                cells.columns[j],
                described_here[j][0],
                "r" if cells.numeric[j] else "l",
            )
            for j in group
        ]
        lines += [
            "\\begin{small}",
            f"\\begin{{longtable}}{{{''.join(specs)}}}",
            "\\hline",
            " & ".join(header) + r" \\",
            "\\hline",
            "\\endhead",
        ]
        for label, row in zip(cells.index, cells.rows, strict=True):
            values = [cell(label, label_wrap)] + [
                cell(row[j], described[j][1]) for j in group
            ]
            lines.append(" & ".join(values) + r" \\")
        lines += ["\\hline", "\\end{longtable}", "\\end{small}"]
    return lines


def _slug(title):
    keep = [ch.lower() if ch.isalnum() else "_" for ch in title]
    return "_".join(filter(None, "".join(keep).split("_")))


def whole(value):
    """``value`` as an int when it is a whole number (degrees of freedom)."""
    return int(value) if float(value).is_integer() else value


def design_table(info, cov_type, tests):
    """A fit's design: its sizes and the degrees of freedom of ``tests``.

    ``info`` is a results object's ``design_info`` (None without a design),
    ``tests`` names what the degrees of freedom serve ("t and F", "the Wald
    F tests"). One layout for every model's summary. Under a sample design
    the first row names the variance estimator (Taylor linearisation, or
    the replicate jackknife with its replicates) and the design df says
    where it comes from (PSUs - strata; under the jackknife R's ``degf``,
    the rank of the replicate weights - 1).
    """
    if info is None:
        return None
    if cov_type == "cluster":
        rows = [
            ("Clusters", info["clusters"]),
            (f"df of {tests} (clusters - 1)", whole(info["df_inference"])),
        ]
    else:
        jackknife = info.get("variance") == "jackknife"
        rows = [
            (
                "Variance",
                f"jackknife (JKn), {info['replicates']} replicates"
                + (", centred at the full-sample estimate" if info.get("mse") else "")
                if jackknife
                else "Taylor linearisation",
            ),
            ("Strata", info["strata"] if info["has_strata"] else "none (1)"),
            (
                "PSUs",
                info["psus"] if info["has_clusters"] else f"{info['psus']} (rows)",
            ),
            (
                "Design df (rank of the replicate weights - 1)"
                if jackknife
                else "Design df (PSUs - strata)",
                info["df"],
            ),
            (
                f"df of {tests} (design df + 1 - parameters)",
                whole(info["df_inference"]),
            ),
            ("Finite population correction", "yes" if info["fpc"] else "no"),
            ("Weights", "probability" if info["weighted"] else "none (equal)"),
        ]
    return pd.DataFrame(
        {"value": [value for _, value in rows]},
        index=pd.Index([label for label, _ in rows], name="design"),
    )
