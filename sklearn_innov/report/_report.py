"""A report: an ordered list of summaries, paragraphs and figures.

The replication command assembles one from the estimators' own
:class:`Summary` objects and renders it through their renderers, so a number
is formatted in exactly one place whatever the output format.
"""

import html
from pathlib import Path

from ..summary import Summary, latex_escape

__all__ = ["Report"]


class Report:
    """A titled sequence of sections, each a Summary, a paragraph or a figure.

    Parameters
    ----------
    title : str
        Heading of the report.

    Attributes
    ----------
    sections : list of tuple
        ``("summary", Summary)``, ``("text", str)`` or
        ``("figure", name, caption)``, in order.
    figures : dict of str to matplotlib Figure
        The figures by file name (without ``.png``).
    """

    def __init__(self, title):
        self.title = title
        # ("summary", Summary) | ("text", str) | ("figure", name, caption)
        self.sections = []
        self.figures = {}  # name -> matplotlib Figure

    def add_summary(self, summary):
        """Append a :class:`Summary`.

        Parameters
        ----------
        summary : Summary
        """
        self.sections.append(("summary", summary))

    def add_text(self, text):
        """Append a paragraph.

        Parameters
        ----------
        text : str
        """
        self.sections.append(("text", text))

    def add_figure(self, name, figure, caption):
        """Append a figure, written as ``name.png``.

        Parameters
        ----------
        name : str
        figure : matplotlib Figure
        caption : str
        """
        self.figures[name] = figure
        self.sections.append(("figure", name, caption))

    @property
    def summaries(self):
        """The Summary sections, in order."""
        return [section[1] for section in self.sections if section[0] == "summary"]

    def render(self, fmt="text"):
        """Render the whole report.

        Parameters
        ----------
        fmt : {"text", "markdown", "html", "latex"}, default="text"

        Returns
        -------
        rendered : str
            Figures appear as links to ``name.png`` (or a placeholder line in
            text).
        """
        if fmt == "text":
            parts = [self.title, "#" * len(self.title)]
        elif fmt == "markdown":
            parts = [f"# {self.title}"]
        elif fmt == "html":
            parts = [f"<h1>{html.escape(self.title)}</h1>"]
        elif fmt == "latex":
            parts = [f"\\title{{{latex_escape(self.title)}}}"]
        else:
            raise ValueError(
                f"format must be text, markdown, html or latex; got {fmt!r}."
            )
        for section in self.sections:
            kind = section[0]
            if kind == "summary":
                summary: Summary = section[1]
                parts.append(
                    summary.render(fmt) if fmt != "markdown" else summary.as_markdown(2)
                )
            elif kind == "text":
                text = section[1]
                parts.append(
                    f"<p>{html.escape(text)}</p>"
                    if fmt == "html"
                    else (latex_escape(text) if fmt == "latex" else text)
                )
            else:
                _, name, caption = section
                if fmt == "markdown":
                    parts.append(f"![{caption}]({name}.png)\n\n*{caption}*")
                elif fmt == "html":
                    parts.append(
                        f'<figure><img src="{name}.png" alt="{html.escape(caption)}" '
                        f'width="640"><figcaption>{html.escape(caption)}</figcaption></figure>'
                    )
                elif fmt == "latex":
                    parts.append(
                        "\\begin{figure}\\includegraphics[width=\\linewidth]"
                        f"{{{name}.png}}\\caption{{{latex_escape(caption)}}}\\end{{figure}}"
                    )
                else:
                    parts.append(f"[figure {name}.png: {caption}]")
        return "\n\n".join(parts) + "\n"

    def write(self, directory):
        """Write report.md, report.html, every table as CSV and every figure as PNG.

        Parameters
        ----------
        directory : str or path-like
            Created if missing; tables go to ``directory/tables``.

        Returns
        -------
        paths : list of Path
        """
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        paths = []
        for fmt, filename in (("markdown", "report.md"), ("html", "report.html")):
            path = directory / filename
            body = self.render(fmt)
            if fmt == "html":
                body = (
                    "<!DOCTYPE html><html><head><meta charset='utf-8'>"
                    f"<title>{html.escape(self.title)}</title></head><body>{body}</body></html>"
                )
            path.write_text(body, encoding="utf-8")
            paths.append(path)
        for number, summary in enumerate(self.summaries, start=1):
            paths += summary.to_csv(directory / "tables", prefix=f"{number:02d}_")
        for name, figure in self.figures.items():
            path = directory / f"{name}.png"
            figure.savefig(path, dpi=110, bbox_inches="tight")
            paths.append(path)
        return paths
