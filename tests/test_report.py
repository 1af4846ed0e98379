"""The replication report as a person reads it: the text and the HTML page."""

import base64
import re
from html.parser import HTMLParser

import pytest

from sklearn_innov.report import replicate
from sklearn_innov.summary._summary import TABLE_WIDTH


@pytest.fixture(scope="module")
def report():
    pytest.importorskip("matplotlib")
    report = replicate(random_state=0)[0]
    yield report
    report.close()


class PageStructure(HTMLParser):
    """Everything the structural checks need, in one pass over the page."""

    def __init__(self):
        super().__init__()
        self.doctype = None
        self.stack = []
        self.counts = {}
        self.external = []  # attributes that load something from elsewhere
        self.images = []
        self.style = ""
        self.tables = []  # each: {"head": [[cells]], "rows": [[(tag, class)]]}
        self.unclosed_errors = []

    def handle_decl(self, decl):
        self.doctype = decl

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.counts[tag] = self.counts.get(tag, 0) + 1
        for key in ("src", "href"):
            value = attrs.get(key)
            if value is not None and not value.startswith(("data:", "#")):
                self.external.append((tag, key, value))
        if tag == "img":
            self.images.append(attrs)
        if tag == "table":
            self.tables.append({"class": attrs.get("class"), "head": [], "rows": []})
        if tag == "tr":
            section = "head" if "thead" in self.stack else "rows"
            self.tables[-1][section].append([])
        if tag in ("td", "th") and self.tables:
            section = "head" if "thead" in self.stack else "rows"
            self.tables[-1][section][-1].append((tag, attrs.get("class")))
        if tag not in ("meta", "img", "br", "link"):
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in ("meta", "img", "br", "link"):
            return
        if not self.stack or self.stack[-1] != tag:
            self.unclosed_errors.append((tag, list(self.stack[-3:])))
            return
        self.stack.pop()

    def handle_data(self, data):
        if self.stack and self.stack[-1] == "style":
            self.style += data


def test_html_report_is_one_self_contained_styled_page(report):
    page = report.render("html")
    parser = PageStructure()
    parser.feed(page)
    parser.close()
    assert parser.doctype.lower() == "doctype html"
    assert parser.unclosed_errors == [] and parser.stack == []
    for tag in ("html", "head", "body", "title", "style", "h1"):
        assert parser.counts.get(tag) == 1, tag
    # nothing is loaded from a file or the network: figures are data URIs
    assert parser.external == []
    assert "script" not in parser.counts
    # influence curves (2), ROC, selection stability, residuals
    assert len(parser.images) == len(report.figures) == 5
    for image in parser.images:
        assert image["src"].startswith("data:image/png;base64,")
        png = base64.b64decode(image["src"].split(",", 1)[1])
        assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 5000
        assert image["alt"]
    # styled: borders, right-aligned numbers
    assert "border" in parser.style and "text-align: right" in parser.style
    assert ".num" in parser.style


def test_html_tables_have_one_header_row_and_classed_cells(report):
    parser = PageStructure()
    parser.feed(report.render("html"))
    n_tables = sum(len([b for b in s.blocks if b.is_table]) for s in report.summaries)
    # the provenance table closes the page
    assert len(parser.tables) == n_tables + 1 > 20
    for table in parser.tables:
        # "long-words": a table with long tokens (the provenance's SHA-256)
        # lets them break inside its cells
        assert table["class"] in ("summary-table", "summary-table long-words")
        # no stray row holding only the index's name
        assert len(table["head"]) == 1
        width = len(table["head"][0])
        assert all(tag == "th" for tag, _ in table["head"][0])
        for row in table["rows"]:
            assert len(row) == width
            assert row[0][0] == "th"
            assert all(tag == "td" and cls in ("num", "text") for tag, cls in row[1:])
    assert parser.tables[-1]["class"] == "summary-table long-words"
    numbers = [cls for t in parser.tables for r in t["rows"] for _, cls in r[1:]]
    assert numbers.count("num") > 0.9 * len(numbers)


def test_html_escapes_pvalue_floors(report):
    page = report.render("html")
    assert "&lt; 0.001" in page and "< 0.001" not in page


def test_text_report_reads_in_80_columns(report):
    text = report.render("text", width=80)
    lines = text.splitlines()
    # the title's underline follows it directly
    assert lines[0] == report.title and set(lines[1]) == {"#"}
    assert len(lines[1]) == len(lines[0])
    # prose lines wrap at 80; only table rows may be wider, up to 120
    prose = [line for line in lines if "  " not in line.strip()]
    assert max(len(line) for line in prose) <= 80
    assert max(len(line) for line in lines) <= TABLE_WIDTH
    # p-values print as "< 0.001", never in scientific notation
    for bad in ("e-05", "e-07", "e-10", "e-15", "Table 9 layout\n------"):
        assert bad not in text


def test_figures_not_written_are_not_pointed_at(report):
    text = report.render("text", width=80)
    assert ".png" not in text
    assert "[Figure 1, not written]" in text
    assert "Report.write(directory)" in text
    markdown = report.render("markdown")
    assert "](" not in markdown  # no link to an image that does not exist
    pointed = report.render("text", width=200, figure_dir="out")
    assert re.search(r"\[Figure \d+: out[/\\]roc_logit\.png\]", pointed)
    assert "not written" not in pointed


def test_write_puts_the_same_png_in_the_page_and_the_file(report, tmp_path):
    report.write(tmp_path)
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    png = (tmp_path / "roc_logit.png").read_bytes()
    assert base64.b64encode(png).decode("ascii") in page
    markdown = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "](roc_logit.png)" in markdown


def test_latex_report_is_a_complete_ascii_document(report):
    """What --format latex prints compiles as it is (pdflatex reads ASCII)."""
    page = report.render("latex")
    assert page.startswith("\\documentclass[10pt]{article}")
    assert page.rstrip().endswith("\\end{document}")
    assert page.index("\\title{") < page.index("\\maketitle") < page.index("Data:")
    # \author{} given: pdflatex does not warn "No \author given"
    assert page.index("\\author{}") < page.index("\\maketitle")
    assert page.isascii(), sorted({c for c in page if not c.isascii()})


def _table(report, name):
    return next(s.tables[name] for s in report.summaries if name in s.tables)


def test_text_quotes_numbers_as_their_tables_print_them(report):
    """A number in a sentence reads as the table cell it quotes: percentages
    with one decimal (37.5%, not a round-half-even 38%), numbers with four."""
    text = report.render("text", width=400)
    flat = " ".join(text.split())
    inclusion = _table(report, "inclusion")["inclusion_pct"]
    shares = ", ".join(f"{name} {inclusion[name]:.1f}%" for name in ("X1", "X3"))
    assert f"Inclusion of the kept indices: {shares}." in flat
    # the same cell in the table's row (Markdown: one line per row)
    table = report.render("markdown").split("Bootstrap inclusion")[1].splitlines()
    for name in ("X1", "X3"):
        row = next(line for line in table if line.startswith(f"| {name} "))
        assert f"{inclusion[name]:.1f}%" in row.split()
    together = _table(report, "model_frequency")
    percent = together.loc[together["selected_on_all_rows"], "percent"].iloc[0]
    assert f"is selected in {percent:.1f}% of resamples" in flat
    assert f"{percent:.1f}%" in text.split("Model selection frequency")[1]
    side = _table(report, "intercept_side_by_side").loc["const"]
    coef, t = side["with intercept coef"], side["with intercept t"]
    assert f"the intercept is {coef:.4f} (t = {t:.4f})." in flat
    assert f"{coef:.4f}" in text.split("Estimates without and with")[1]


def test_every_reading_that_starts_with_a_dash_is_a_list_item(report):
    # issue 28: the factor-test readings showed as paragraphs "- X1: ..."
    page = report.render("html")
    assert "One-factor tests" in page
    assert "<p>- " not in page and "\n- " not in page.split("<body")[-1]
    latex = report.render("latex")
    assert "\n- " not in latex and "\\item" in latex
