"""The one rendering path of every result the library prints.

A fitted model's ``summary()`` returns a :class:`Summary`: an ordered list of
titled blocks, each a DataFrame or lines of text. It prints as plain text and
renders to Markdown, HTML (also in notebooks) and LaTeX, and its tables can be
written to CSV. The replication report is made of these objects, so every
number a user sees passes through here and is formatted once.
"""

import html

import numpy as np

from ..utils._lazy import pd

__all__ = ["Block", "Summary", "format_number", "latex_escape"]


class Block:
    """A titled piece of a summary: a DataFrame, or lines of text.

    Parameters
    ----------
    title : str
        Heading of the block.
    content : DataFrame or list of str
        The table, or the lines.
    name : str, optional
        A file-friendly name for the table (CSV export); defaults to the title.
    """

    def __init__(self, title, content, *, name=None):
        self.title = title
        self.content = content
        self.name = name or _slug(title)

    @property
    def is_table(self):
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
    >>> print(Summary("Model", [Block("Coefficients", table)], digits=2))
    Model
    =====
    <BLANKLINE>
    Coefficients
    ------------
           coef
    const  0.50
    ln X1  1.25
    """

    def __init__(self, title, blocks, *, digits=4):
        self.title = title
        self.blocks = list(blocks)
        self.digits = digits

    # -- access -------------------------------------------------------------

    @property
    def tables(self):
        """The table blocks as ``{name: DataFrame}`` (lines are left out)."""
        return {b.name: b.content for b in self.blocks if b.is_table}

    def __getitem__(self, title):
        for block in self.blocks:
            if block.title == title or block.name == title:
                return block.content
        raise KeyError(
            f"no block titled {title!r}; have {[b.title for b in self.blocks]}"
        )

    def to_csv(self, directory, prefix=""):
        """Write every table to ``directory/<prefix><name>.csv``.

        Parameters
        ----------
        directory : str or path-like
            Created if missing.
        prefix : str, default=""
            Prepended to every file name.

        Returns
        -------
        paths : list of Path
        """
        from pathlib import Path

        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        paths = []
        for name, table in self.tables.items():
            path = directory / f"{prefix}{name}.csv"
            table.to_csv(path)
            paths.append(path)
        return paths

    # -- renderings -----------------------------------------------------------

    def __str__(self):
        return self.as_text()

    def __repr__(self):
        return self.as_text()

    def _repr_html_(self):
        return self.as_html()

    def as_text(self):
        """Plain text, as printed in a terminal."""
        out = [self.title, "=" * len(self.title)]
        for block in self.blocks:
            out += ["", block.title, "-" * len(block.title)]
            if block.is_table:
                out.append(_formatted(block.content, self.digits).to_string())
            else:
                out += list(block.content)
        return "\n".join(out)

    def as_markdown(self, level=2):
        """GitHub-flavoured Markdown.

        Parameters
        ----------
        level : int, default=2
            Heading level of the title; blocks get the next level.

        Returns
        -------
        markdown : str
        """
        hashes = "#" * level
        out = [f"{hashes} {self.title}"]
        for block in self.blocks:
            out += ["", f"{hashes}# {block.title}", ""]
            if block.is_table:
                out += _markdown_table(_formatted(block.content, self.digits))
            else:
                out += [f"{line}  " for line in block.content]
        return "\n".join(out)

    def as_html(self):
        """An HTML fragment (headings, tables, paragraphs)."""
        out = [f"<h2>{html.escape(self.title)}</h2>"]
        for block in self.blocks:
            out.append(f"<h3>{html.escape(block.title)}</h3>")
            if block.is_table:
                out.append(_formatted(block.content, self.digits).to_html(border=0))
            else:
                body = "<br>".join(html.escape(line) for line in block.content)
                out.append(f"<p>{body}</p>")
        return "\n".join(out)

    def as_latex(self):
        """LaTeX: a ``\\subsection*`` per block, tables as ``tabular``."""
        out = [f"\\section*{{{latex_escape(self.title)}}}"]
        for block in self.blocks:
            out.append(f"\\subsection*{{{latex_escape(block.title)}}}")
            if block.is_table:
                out += _latex_table(_formatted(block.content, self.digits))
            else:
                out += [latex_escape(line) + r"\\" for line in block.content]
        return "\n".join(out)

    def render(self, fmt="text"):
        """Render in one of the supported formats.

        Parameters
        ----------
        fmt : {"text", "markdown", "html", "latex"}, default="text"

        Returns
        -------
        rendered : str
        """
        renderers = {
            "text": self.as_text,
            "markdown": self.as_markdown,
            "html": self.as_html,
            "latex": self.as_latex,
        }
        if fmt not in renderers:
            raise ValueError(f"format must be one of {sorted(renderers)}; got {fmt!r}.")
        return renderers[fmt]()


def format_number(value, digits=4):
    """Format one cell: floats to ``digits`` decimals, NaN as empty, else str.

    Parameters
    ----------
    value : object
        The cell.
    digits : int, default=4
        Decimals of a float; very large or small floats use scientific
        notation with as many significant digits.

    Returns
    -------
    text : str

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
        if value != 0 and (abs(value) >= 1e7 or abs(value) < 10 ** (-digits)):
            return (
                f"{value:.{digits}g}"
                if abs(value) >= 1e7
                else f"{value:.{digits - 1}e}"
            )
        return f"{value:.{digits}f}"
    return str(value)


def _formatted(table, digits):
    return table.map(lambda v: format_number(v, digits)).astype(str)


def _markdown_table(table):
    header = [str(table.index.name or "")] + [str(c) for c in table.columns]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for label, row in table.iterrows():
        cells = [str(label)] + [str(v) for v in row]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return lines


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
    >>> from sklearn_innov.summary import latex_escape
    >>> print(latex_escape("R² & 5%"))
    R² \& 5\%
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
        "^": r"\textasciicircum{}",
    }
    return "".join(replacements.get(ch, ch) for ch in str(text))


def _latex_table(table):
    spec = "l" + "r" * table.shape[1]
    header = [latex_escape(table.index.name or "")] + [
        latex_escape(c) for c in table.columns
    ]
    lines = [
        f"\\begin{{tabular}}{{{spec}}}",
        "\\hline",
        " & ".join(header) + r" \\",
        "\\hline",
    ]
    for label, row in table.iterrows():
        cells = [latex_escape(label)] + [latex_escape(v) for v in row]
        lines.append(" & ".join(cells) + r" \\")
    lines += ["\\hline", "\\end{tabular}"]
    return lines


def _slug(title):
    keep = [ch.lower() if ch.isalnum() else "_" for ch in title]
    return "_".join(filter(None, "".join(keep).split("_")))
