"""A report: an ordered list of summaries, paragraphs and figures.

The replication command assembles one from the estimators' own
:class:`~sklearn_innov.summary.Summary` objects and renders it through
their renderers, so a number
is formatted in exactly one place whatever the output format. The HTML
rendering is one self-contained page: its style sheet is inline and its
figures are embedded as PNG data, so the file can be mailed or archived alone.
"""

from __future__ import annotations

import base64
import html
import io
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..summary import Summary, html_page
from ..summary._labels import COLUMNS
from ..summary._summary import latex_escape, latex_text, text_width, wrap_lines
from ..utils._output import check_inside, slugify
from ..utils._plotting import pyplot as _pyplot
from ..utils._progress import no_stage

if TYPE_CHECKING:
    import os
    from collections.abc import Callable

    from matplotlib.figure import Figure

    from ..utils._typing import RenderFormat
    from ._provenance import Provenance

__all__ = ["Report"]

FIGURE_DPI = 110
# what Report.write tells its on_stage callback, in order, each once
WRITE_STAGES = (
    "report.md",
    "report.html",
    "report.tex",
    "tables CSV",
    "figures PNG",
    "provenance.json",
)
UNWRITTEN = "Report.write(directory) saves them as PNG files"
# An A4 page with 2 cm margins; tables in \small with narrow column gaps,
# long ones breaking across pages (longtable), wide ones split into column
# groups by the summaries' renderer (LATEX_TABLE_WIDTH is this text width).
# The default OT1 encoding on purpose: its Computer Modern fonts are Type 1
# in every TeX installation, so the PDF's text copies as printed (T1 falls
# back to bitmaps without cm-super); latex_escape takes | and straight quotes
# from fonts that have them.
LATEX_PREAMBLE = r"""\documentclass[10pt]{article}
\usepackage[utf8]{inputenc}
\usepackage[a4paper,margin=2cm]{geometry}
\usepackage{graphicx}
\usepackage{array}
\usepackage{longtable}
\setlength{\tabcolsep}{4pt}
\setlength{\LTleft}{0pt}
\setlength{\LTright}{0pt plus 1fill}
\setlength{\parindent}{0pt}
\setlength{\parskip}{0.6ex plus 0.2ex}
\setlength{\emergencystretch}{3em}
\begin{document}
"""


def _typewriter(latex, text):
    """``latex`` with the cell that prints ``text`` set in typewriter type.

    A command line reads as one: in the typewriter font, and (latex_escape)
    with its ``--`` and quotes as typed, so it can be copied back into a
    shell.
    """
    for escaped in (latex_text(text), latex_escape(text)):
        if escaped in latex:
            return latex.replace(escaped, f"\\texttt{{{escaped}}}")
    return latex


class Report:
    """A titled sequence of sections, each a Summary, a paragraph or a figure.

    Parameters
    ----------
    title : str
        Heading of the report.
    provenance : Provenance, optional
        What made the report; rendered as its last section in every format
        and written to ``provenance.json`` by :meth:`write`.

    Attributes
    ----------
    sections : list of tuple
        ``("summary", Summary)``, ``("text", str)`` or
        ``("figure", name, caption)``, in order.
    figures : dict of str to matplotlib Figure
        The figures by name.
    files : dict of str to str
        The figures' file names (without ``.png``) by name: the name
        slugified (ASCII letters, digits, ``_`` and ``-`` only), with
        ``_2``, ``_3`` ... when two names give the same slug, so a name from the user's
        spec (``../../evil``) never leaves the output folder.
    provenance : Provenance or None
        As given.

    Examples
    --------
    >>> import pandas as pd
    >>> from sklearn_innov.report import Report
    >>> from sklearn_innov.summary import Block, Summary
    >>> report = Report("Survey of 2026")
    >>> report.add_text("Indices built from the survey's items.")
    >>> table = pd.DataFrame({"alpha": [0.81]}, index=["X3"])
    >>> blocks = [Block("Cronbach's alpha", table)]
    >>> report.add_summary(Summary("Reliability", blocks))
    >>> print(report.render("text"))
    Survey of 2026
    ##############
    <BLANKLINE>
    Indices built from the survey's items.
    <BLANKLINE>
    Reliability
    ===========
    <BLANKLINE>
    Cronbach's alpha
    ----------------
         alpha
    X3  0.8100
    """

    sections: list[tuple[Any, ...]]
    figures: dict[str, Figure]
    files: dict[str, str]
    provenance: Provenance | None

    def __init__(self, title: str, *, provenance: Provenance | None = None) -> None:
        self.title = title
        self.provenance = provenance
        # ("summary", Summary) | ("text", str) | ("figure", name, caption)
        self.sections = []
        self.figures = {}  # name -> matplotlib Figure
        self.files = {}  # name -> file name without .png
        # name -> PNG bytes, drawn once for the page and the file
        self._png: dict[str, bytes] = {}

    def add_summary(self, summary: Summary) -> None:
        """Append a :class:`~sklearn_innov.summary.Summary`.

        Parameters
        ----------
        summary : Summary
            The block(s) to append, rendered in the report's format.
        """
        self.sections.append(("summary", summary))

    def add_text(self, text: str) -> None:
        """Append a paragraph.

        Parameters
        ----------
        text : str
            The paragraph, as plain text.
        """
        self.sections.append(("text", text))

    def add_figure(self, name: str, figure: Figure, caption: str) -> None:
        """Append a figure, written as ``<slugified name>.png``.

        Parameters
        ----------
        name : str
            The figure's name; its file name is the slugified name.
        figure : matplotlib Figure
            The figure, drawn when the report is written.
        caption : str
            Text printed under the figure.
        """
        self.figures[name] = figure
        self._png.pop(name, None)
        if name not in self.files:
            stem, taken = slugify(name), set(self.files.values())
            file, number = stem, 2
            while file in taken:
                file, number = f"{stem}_{number}", number + 1
            self.files[name] = file
        self.sections.append(("figure", name, caption))

    @property
    def summaries(self) -> list[Summary]:
        """The Summary sections, in order."""
        return [section[1] for section in self.sections if section[0] == "summary"]

    def png(self, name: str) -> bytes:
        """The figure ``name`` as PNG bytes (drawn once, then reused).

        Parameters
        ----------
        name : str
            Name given to :meth:`add_figure`.

        Returns
        -------
        data : bytes
            The PNG file's content.
        """
        if name not in self._png:
            buffer = io.BytesIO()
            self.figures[name].savefig(
                buffer, format="png", dpi=FIGURE_DPI, bbox_inches="tight"
            )
            self._png[name] = buffer.getvalue()
        return self._png[name]

    def close(self) -> None:
        """Close the figures in pyplot, which keeps every figure until closed.

        The figures stay usable: :meth:`png`, :meth:`write` and the HTML
        rendering still draw them.
        """
        if self.figures:
            plt = _pyplot()
            for figure in self.figures.values():
                plt.close(figure)

    def render(
        self,
        fmt: RenderFormat = "text",
        *,
        width: int | None = None,
        figure_dir: str | os.PathLike[str] | None = None,
        unwritten: str | None = None,
    ) -> str:
        """Render the whole report.

        Parameters
        ----------
        fmt : {"text", "markdown", "html", "latex"}, default="text"
        width : int, optional
            Wrapping column of text; default: the terminal's width, 80 when
            the output is not a terminal.
        figure_dir : str or path-like, optional
            Where the figures' PNG files are (``""`` for beside the report):
            text, Markdown and LaTeX point to them there. None: they are not
            written, and the report says so (with ``unwritten``); its
            provenance then says how to get provenance.json.
        unwritten : str, optional
            How to get the figures when ``figure_dir`` is None; default:
            "Report.write(directory) saves them as PNG files".

        Returns
        -------
        rendered : str
            HTML is a complete page with every figure embedded. Table
            headers are in words and percentages, shares and counts print as
            such (the report's table of labels); the provenance, when the
            report has one, is the last section.
        """
        if fmt not in ("text", "markdown", "html", "latex"):
            raise ValueError(
                f"format must be text, markdown, html or latex; got {fmt!r}."
            )
        width = text_width() if width is None else width
        if fmt == "text":
            parts = [f"{self.title}\n{'#' * len(self.title)}"]
        elif fmt == "markdown":
            parts = [f"# {self.title}"]
        elif fmt == "html":
            parts = [f"<h1>{html.escape(self.title)}</h1>"]
        else:
            # \author{} as \date{}: no byline, and no "No \author given"
            parts = [
                f"\\title{{{latex_text(self.title)}}}\n\\author{{}}\n\\date{{}}\n"
                "\\maketitle"
            ]
        number = 0  # figures are numbered in order, every one, in every format
        for section in self.sections:
            kind = section[0]
            if kind == "summary":
                parts.append(self._summary(section[1], fmt, width))
            elif kind == "text":
                parts.append(self._paragraph(section[1], fmt, width))
            else:
                _, name, caption = section
                number += 1
                parts.append(
                    self._figure(name, caption, number, fmt, figure_dir, width)
                )
        if self.figures and figure_dir is None and fmt != "html":
            note = f"The figures are not written: {unwritten or UNWRITTEN}."
            parts.append(self._paragraph(note, fmt, width))
        if self.provenance is not None:
            if fmt == "latex":
                # the figures' floats placed before it, the provenance (table
                # and digests) starts a page of its own and stays together
                parts.append("\\clearpage")
            # provenance.json is written with the files, which a figure_dir
            # of None says are not
            rendered = self._summary(
                self.provenance.summary(written=figure_dir is not None), fmt, width
            )
            if fmt == "latex" and self.provenance.command is not None:
                rendered = _typewriter(rendered, self.provenance.command)
            parts.append(rendered)
        body = "\n\n".join(parts) + "\n"
        if fmt == "latex":  # a document that compiles as it is
            return LATEX_PREAMBLE + body + "\\end{document}\n"
        return html_page(self.title, body) if fmt == "html" else body

    @staticmethod
    def _summary(summary: Summary, fmt, width):
        """A summary with the report's headers in words (``COLUMNS``)."""
        if fmt == "markdown":
            return summary.as_markdown(2, columns=COLUMNS)
        return summary.render(fmt, width=width, columns=COLUMNS)

    @staticmethod
    def _paragraph(text, fmt, width):
        if fmt == "html":
            return f"<p>{html.escape(text)}</p>"
        if fmt == "latex":
            return latex_text(text)
        if fmt == "text":
            return "\n".join(wrap_lines([text], width))
        return text

    def _figure(self, name, caption, number, fmt, figure_dir, width):
        # LaTeX numbers its figures itself; the other formats print the number
        numbered = f"Figure {number}: {caption}"
        file = self.files[name]
        path = None if figure_dir is None else (Path(figure_dir) / f"{file}.png")
        if fmt == "html":
            # every figure is narrow enough for a phone (report/_figures.py);
            # beside a written PNG, a link opens it full size to zoom into
            data = base64.b64encode(self.png(name)).decode("ascii")
            link = (
                ""
                if path is None
                else f' (<a href="{html.escape(path.as_posix())}">full-size PNG</a>)'
            )
            return (
                f'<figure id="{file}"><img src="data:image/png;base64,'
                f'{data}" alt="{html.escape(caption)}">'
                f"<figcaption>{html.escape(numbered)}{link}</figcaption></figure>"
            )
        if fmt == "markdown":
            if path is None:
                return f"*{numbered}* (figure `{file}`, not written)"
            return f"![{caption}]({path.as_posix()})\n\n*{numbered}*"
        if fmt == "latex":
            if path is None:
                return (
                    f"\\paragraph{{Figure {number} (not written)}} "
                    f"{latex_text(caption)}"
                )
            width, height = self.figures[name].get_size_inches()
            # a tall figure (panels stacked for phones) gets more of the page
            # so that its type prints as large as a wide one's
            share = 0.6 if height > width else 0.4
            return (
                "\\begin{figure}[htbp]\\centering"
                f"\\includegraphics[width=\\linewidth,height={share}\\textheight,"
                f"keepaspectratio]{{{path.as_posix()}}}"
                f"\\caption{{{latex_text(caption)}}}\\end{{figure}}"
            )
        where = (
            f"[Figure {number}, not written]"
            if path is None
            else f"[Figure {number}: {path}]"
        )
        return "\n".join(wrap_lines([f"{where} {caption}"], width))

    def write(
        self,
        directory: str | os.PathLike[str],
        *,
        on_stage: Callable[[str], None] | None = None,
    ) -> list[Path]:
        """Write report.md, .html and .tex, every table as CSV, every figure as PNG.

        With a provenance, ``provenance.json`` too: every field of
        :class:`~sklearn_innov.report.Provenance`, the spec in full. The
        CSV files keep the tables' column identifiers.

        File names made from user-given names are slugified and checked to
        stay inside ``directory``; CSV cells that a spreadsheet would read as
        a formula are neutralised (see :meth:`~sklearn_innov.summary.Summary.to_csv`).

        Parameters
        ----------
        directory : str or path-like
            Created if missing; tables go to ``directory/tables``.
        on_stage : callable, optional
            Called with each of ``WRITE_STAGES`` ("report.md", "report.html",
            "report.tex", "tables CSV", "figures PNG", "provenance.json") once written
            (provenance.json also without a provenance).

        Returns
        -------
        paths : list of Path
            report.html is one self-contained page (figures embedded);
            report.md and report.tex point to the PNG files beside them by
            relative paths, so the folder can be moved as a whole.
        """
        done = no_stage if on_stage is None else on_stage
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        paths = []
        documents: tuple[tuple[RenderFormat, str], ...] = (
            ("markdown", "report.md"),
            ("html", "report.html"),
            ("latex", "report.tex"),
        )
        for fmt, filename in documents:
            path = directory / filename
            path.write_text(self.render(fmt, figure_dir=""), encoding="utf-8")
            paths.append(path)
            done(filename)
        for number, summary in enumerate(self.summaries, start=1):
            paths += summary.to_csv(directory / "tables", prefix=f"{number:02d}_")
        done("tables CSV")
        for name in self.figures:
            path = check_inside(directory / f"{self.files[name]}.png", directory)
            path.write_bytes(self.png(name))
            paths.append(path)
        done("figures PNG")
        if self.provenance is not None:
            path = directory / "provenance.json"
            text = json.dumps(self.provenance.to_dict(), indent=2, ensure_ascii=False)
            path.write_text(text + "\n", encoding="utf-8")
            paths.append(path)
        done("provenance.json")
        return paths
