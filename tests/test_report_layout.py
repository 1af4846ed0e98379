"""The report on paper and on a phone: LaTeX that compiles without running into
the margin, and an HTML page that fits a 390 px screen.

Both checks run the real programs (pdflatex; Debian's headless Chromium) and
are skipped, with the reason, where those are not installed (Debian's
texlive-latex-base and chromium packages bring them).
"""

import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sklearn_innov.report import Report, replicate
from sklearn_innov.summary import Block, Summary, html_page

PDFLATEX = shutil.which("pdflatex")
PDFTOTEXT = shutil.which("pdftotext")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_latex = pytest.mark.skipif(
    PDFLATEX is None, reason="pdflatex is not installed (Debian: texlive-latex-base)"
)
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="headless Chromium is not installed (Debian: chromium)"
)
# an overfull box this much wider than the line is visible on the page
OVERFULL_PT = 10.0
PHONE_PX = 390

MROZ = pd.read_csv(Path(__file__).parent / "data" / "mroz.csv")
# a user's survey with the long, descriptive column names real surveys have
LONG_NAMES = {
    "educ": "respondent_years_of_schooling_completed",
    "motheduc": "mother_years_of_schooling_completed",
    "fatheduc": "father_years_of_schooling_completed",
    "kidslt6": "children_younger_than_six_years",
    "kidsge6": "children_six_to_eighteen_years",
    "huseduc": "husband_years_of_schooling_completed",
    "huswage": "husband_hourly_wage_in_1975_dollars",
    "hushrs": "husband_hours_worked_in_1975",
}
USER_DOCUMENT = {
    "indices": {
        "schooling_of_the_respondent_and_parents": [
            LONG_NAMES[c] for c in ("educ", "motheduc", "fatheduc")
        ],
        "household_children": [LONG_NAMES[c] for c in ("kidslt6", "kidsge6")],
        "husband_schooling_wage_and_hours": [
            LONG_NAMES[c] for c in ("huseduc", "huswage", "hushrs")
        ],
    },
    "model": {
        "outcome": "faminc",
        "target": "inlf",
        "controls": ["age", "city"],
        "adjusted": [
            "schooling_of_the_respondent_and_parents",
            "husband_schooling_wage_and_hours",
        ],
    },
    "labels": {"title": "Family income and the wife's labour-force participation"},
}


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """The default report and a user's, each written with its figures."""
    pytest.importorskip("matplotlib")
    folder = tmp_path_factory.mktemp("reports")
    survey = folder / "women with a very long file name, 1975 (PSID).csv"
    MROZ.rename(columns=LONG_NAMES).to_csv(survey, index=False)
    made = {
        "default": replicate(random_state=0),
        "user": replicate(
            pd.read_csv(survey),
            USER_DOCUMENT,
            data_path=survey,
            command=["sklearn-innov", "replicate", "--data", str(survey)],
        ),
    }
    out = {}
    for name, (report, _) in made.items():
        report.write(folder / name)
        out[name] = (report, folder / name)
    yield out
    for report, _ in out.values():
        report.close()


def _compile(tex, directory):
    """pdflatex twice (longtable settles its column widths on the second run);
    the log's overfull boxes, in points, and its errors."""
    path = Path(directory) / "report.tex"
    path.write_text(tex, encoding="utf-8")
    for _ in range(2):
        run = subprocess.run(
            [PDFLATEX, "-interaction=nonstopmode", "-halt-on-error", path.name],
            cwd=directory,
            capture_output=True,
            timeout=300,
        )
    log = path.with_suffix(".log").read_text(encoding="latin-1")
    overfull = [
        float(width)
        for width in re.findall(r"Overfull \\hbox \((\d+(?:\.\d+)?)pt too wide\)", log)
    ]
    errors = re.findall(r"^! .*", log, flags=re.MULTILINE)
    return run.returncode, overfull, errors, path.with_suffix(".pdf")


@needs_latex
@pytest.mark.parametrize("name", ["default", "user"])
def test_latex_report_compiles_without_running_into_the_margin(reports, name):
    report, directory = reports[name]
    tex = report.render("latex", figure_dir="")
    returncode, overfull, errors, pdf = _compile(tex, directory)
    assert returncode == 0 and errors == [], errors
    assert pdf.stat().st_size > 10_000
    assert [w for w in overfull if w > OVERFULL_PT] == []
    # the item-total table is there, its headers in words (wrapped onto
    # lines), and every figure is included
    assert re.search(r"Corrected \\\\ item-total \\\\ correlation", tex)
    assert tex.count("\\includegraphics") == len(report.figures) == 5
    assert "\\begin{longtable}" in tex and "\\begin{tabular}{" not in tex
    if PDFTOTEXT is None:
        pytest.skip("pdftotext is not installed (Debian: poppler-utils)")
    # the PDF's text reads as the report's: | not a dash, -- not an en dash,
    # straight quotes, apostrophes and ligatures that copy (Type 1 fonts)
    text = subprocess.run(
        [PDFTOTEXT, str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = " ".join(text.split())
    assert "\u2013" not in flat and "\u201d" not in flat, "en dash or curly quote"
    assert '("A scores higher than B")' in flat
    assert "Cronbach\u2019s alpha" in flat and "effects" in flat
    if name == "default":  # the two-part section
        assert "E[y | y > 0]" in flat and "zeros = 'offset'" in flat
    else:  # the command line
        assert "sklearn-innov replicate --data " in flat


@needs_latex
@pytest.mark.slow
def test_latex_provenance_comes_after_every_figure_and_keeps_its_digests(reports):
    """The figures float onto the last pages: the provenance waits for them
    (\\clearpage) and its table and digests share one page, the last."""
    if PDFTOTEXT is None:
        pytest.skip("pdftotext is not installed (Debian: poppler-utils)")
    report, directory = reports["default"]
    tex = report.render("latex", figure_dir="")
    returncode, _, errors, pdf = _compile(tex, directory)
    assert returncode == 0 and errors == [], errors
    text = subprocess.run(
        [PDFTOTEXT, str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = [page for page in text.split("\f") if page.strip()]
    at = [i for i, page in enumerate(pages) if "What made this report" in page]
    assert len(at) == 1, at
    page = pages[at[0]]
    assert "Digests" in page and "Spec SHA-256 is that of" in page
    assert at[0] == len(pages) - 1  # nothing after it
    # every figure's caption on a page before it
    captions = [i for i, p in enumerate(pages) if re.search(r"Figure \d+:", p)]
    assert len(captions) >= len(report.figures) - 1 and max(captions) < at[0]
    assert not re.search(r"Figure \d+:", page)


@needs_latex
def test_a_table_wider_than_the_page_is_split_and_still_fits(tmp_path):
    rng = np.random.default_rng(0)
    wide = pd.DataFrame(
        rng.normal(size=(60, 16)) * 1000,
        columns=[f"a_rather_long_column_name_{j}" for j in range(16)],
        index=pd.Index([f"row {i}" for i in range(60)], name="row"),
    )
    words = pd.DataFrame(
        {"reading": ["a long sentence of words that wraps in its column " * 4]},
        index=pd.Index(["a_row_label_without_any_space_in_it_at_all"], name="x"),
    )
    report = Report("Wide tables")
    report.add_summary(Summary("Wide", [Block("Wide", wide), Block("Words", words)]))
    tex = report.render("latex")
    # 16 columns do not fit one page width: several groups, each repeating
    # the row labels, 60 rows long enough to break across pages
    assert tex.count("\\begin{longtable}") >= 3
    returncode, overfull, errors, _ = _compile(tex, tmp_path)
    assert returncode == 0 and errors == [], errors
    assert [w for w in overfull if w > OVERFULL_PT] == []


# Each table: its box (overflow-x, right edge) and each cell's heading,
# column, left and right edges, client and scroll widths, and the number of
# lines its text takes (distinct tops of the text's line boxes).
TABLE_PROBE = (
    "const tables = Array.from(doc.querySelectorAll('table')).map((table) => {"
    "const box = table.parentElement;"
    "const heading = box.previousElementSibling;"
    "const cells = Array.from(table.querySelectorAll('th, td')).map((c) => {"
    "const range = doc.createRange(); range.selectNodeContents(c);"
    "const tops = new Set(Array.from(range.getClientRects())"
    ".map((r) => Math.round(r.top)));"
    "const edge = c.getBoundingClientRect();"
    "return {text: c.textContent, column: c.cellIndex, left: edge.left,"
    " right: edge.right, clientWidth: c.clientWidth, scrollWidth: c.scrollWidth,"
    " lines: tops.size};});"
    "return {title: heading ? heading.textContent : '',"
    " overflowX: view.getComputedStyle(box).overflowX,"
    " boxRight: box.getBoundingClientRect().right, boxWidth: box.clientWidth,"
    " width: table.getBoundingClientRect().width, cells: cells};});"
)


# Each figure: its id (the PNG's file name), the image's natural width and the
# width it is shown at.
FIGURE_PROBE = (
    "const figures = Array.from(doc.querySelectorAll('figure')).map((f) => {"
    "const img = f.querySelector('img');"
    "return {id: f.id, natural: img.naturalWidth,"
    " shown: img.clientWidth,"
    " right: img.getBoundingClientRect().right};});"
)
# the smallest text of a figure, in CSS px, wherever it is shown
READABLE_PX = 9.0


def _smallest_text_px(report, measured):
    """Per figure, its smallest font (points, at the report's dpi) scaled by
    the width the page shows the PNG at: the CSS px tall the text is drawn."""
    import matplotlib.text

    from sklearn_innov.report._report import FIGURE_DPI

    by_file = {file: name for name, file in report.files.items()}
    sizes = {}
    for figure in measured["figures"]:
        drawn = report.figures[by_file[figure["id"]]]
        points = min(
            text.get_fontsize()
            for text in drawn.findobj(matplotlib.text.Text)
            if text.get_visible() and text.get_text().strip()
        )
        scale = figure["shown"] / figure["natural"]
        sizes[figure["id"]] = points / 72 * FIGURE_DPI * scale
    return sizes


def _measure(page, directory, width=PHONE_PX):
    """Lay ``page`` out in a ``width``-pixel frame in headless Chromium.

    Chromium's window is at least 500 px wide, so the page is loaded in an
    iframe of that width (its own viewport); a script reads the frame's
    ``document.documentElement.scrollWidth`` and ``innerWidth``, and every
    table's layout (``TABLE_PROBE``).
    """
    probe = (
        "<script>const frame = document.getElementById('page');"
        "frame.addEventListener('load', () => {"
        "const view = frame.contentWindow;"
        "const doc = frame.contentDocument;"
        "const root = doc.documentElement;"
        f"{TABLE_PROBE}"
        f"{FIGURE_PROBE}"
        "document.body.setAttribute('data-measured', JSON.stringify("
        "{scrollWidth: root.scrollWidth, innerWidth: view.innerWidth,"
        " tables: tables, figures: figures}));});</script>"
    )
    wrapper = (
        '<!DOCTYPE html><html><body style="margin:0">'
        f'<iframe id="page" style="width:{width}px;height:844px;border:0" '
        f'srcdoc="{html.escape(page, quote=True)}"></iframe>{probe}</body></html>'
    )
    path = Path(directory) / "phone.html"
    path.write_text(wrapper, encoding="utf-8")
    run = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={Path(directory) / 'profile'}",
            "--window-size=800,900",
            "--hide-scrollbars",
            "--virtual-time-budget=10000",
            "--dump-dom",
            path.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    found = re.search(r'data-measured="([^"]*)"', run.stdout)
    assert found, run.stderr[-2000:]
    return json.loads(html.unescape(found.group(1)))


@needs_chromium
@pytest.mark.parametrize("name", ["default", "user"])
def test_html_report_fits_a_390_px_phone(reports, name, tmp_path):
    report, directory = reports[name]
    page = (directory / "report.html").read_text(encoding="utf-8")
    assert '<meta name="viewport" content="width=device-width' in page
    measured = _measure(page, tmp_path)
    assert measured["innerWidth"] == PHONE_PX
    assert measured["scrollWidth"] <= PHONE_PX, measured
    _check_tables_are_readable(measured["tables"])
    # the provenance's long values (data, command, digests) wrap inside their
    # cells: the table fits the phone with no sideways scrolling
    provenance = next(
        t for t in measured["tables"] if t["title"] == "What made this report"
    )
    assert provenance["width"] <= provenance["boxWidth"] + 1, provenance["width"]
    assert all(cell["right"] <= PHONE_PX for cell in provenance["cells"])
    # every figure's text is readable on the phone (it was 5-6 px tall when
    # figures were 8 inches wide with the legend beside the axes), and each
    # links to its full-size PNG
    assert len(measured["figures"]) == len(report.figures) == 5
    assert all(f["right"] <= PHONE_PX for f in measured["figures"])
    small = {
        file: px
        for file, px in _smallest_text_px(report, measured).items()
        if px < READABLE_PX
    }
    assert small == {}, small
    for file in report.files.values():
        assert f'<a href="{file}.png">full-size PNG</a>' in page


@needs_chromium
def test_html_report_figures_at_1280_px_are_shown_full_size(reports, tmp_path):
    """On a desktop every figure is shown at its natural width, not scaled."""
    report, directory = reports["default"]
    page = (directory / "report.html").read_text(encoding="utf-8")
    measured = _measure(page, tmp_path, width=1280)
    assert measured["innerWidth"] == 1280
    assert len(measured["figures"]) == 5
    for figure in measured["figures"]:
        assert figure["shown"] == pytest.approx(figure["natural"], abs=1), figure
    assert min(_smallest_text_px(report, measured).values()) >= 14


@needs_chromium
def test_the_item_total_table_fits_a_1280_px_screen(reports, tmp_path):
    """Issue 28: its column headings wrap (they kept one line each, 240-280
    px, and the table scrolled sideways at 1280 px) and, on a desktop, its
    row labels keep one line ("X1 willingness_innovate" wrapped)."""
    _, directory = reports["default"]
    page = (directory / "report.html").read_text(encoding="utf-8")
    measured = _measure(page, tmp_path, width=1280)
    table = next(t for t in measured["tables"] if t["title"].startswith("Item-total"))
    assert table["width"] <= table["boxWidth"] + 1, table["width"]
    labels = [c for c in table["cells"] if c["column"] == 0]
    assert len(labels) > 20
    assert all(c["lines"] == 1 for c in labels), [
        c["text"] for c in labels if c["lines"] > 1
    ]
    for cell in table["cells"]:
        assert cell["scrollWidth"] <= cell["clientWidth"] + 1, cell


# a cell's text wraps onto at most this many lines on a phone
PHONE_LINES = 6


def _check_tables_are_readable(tables):
    """Every table fits its box or scrolls inside it, and no cell is crushed:
    no text clipped, none wrapped onto more than PHONE_LINES lines."""
    assert tables
    for table in tables:
        title = table["title"]
        assert table["boxRight"] <= PHONE_PX, title
        if table["width"] > table["boxWidth"] + 1:
            assert table["overflowX"] in ("auto", "scroll"), title
        for cell in table["cells"]:
            assert cell["scrollWidth"] <= cell["clientWidth"] + 1, (title, cell)
            assert cell["lines"] <= PHONE_LINES, (title, cell)
    # the diagnostics of the Cobb-Douglas: the tests' names and readings in
    # at most four lines, and the statistic and its p-value on the screen
    # without scrolling (a crushed reading made rows five lines tall)
    diagnostics = next(t for t in tables if t["title"] == "Diagnostics")
    for cell in diagnostics["cells"]:
        assert cell["lines"] <= 4, cell
        if cell["column"] in (1, 2):
            assert cell["right"] <= PHONE_PX, cell


@pytest.mark.slow  # two Chromium runs, about 1 s
@needs_chromium
def test_the_table_check_sees_a_crushed_table(tmp_path):
    """The measurement itself: the style sheet before issue 28 (row labels
    on one line, text cells free to shrink) crushes the readings."""
    from sklearn_innov.summary._summary import HTML_STYLE

    old = HTML_STYLE.replace("min-width: 9em;", "white-space: nowrap;").replace(
        "table.summary-table td.text { min-width: 15em; }", ""
    )
    assert old != HTML_STYLE
    readings = pd.DataFrame(
        {
            "statistic": [2.0104, 0.0324],
            "p_value": [0.949, 0.857],
            "reading": [
                "first-order autocorrelation in row order: not significant at "
                "5% (p = 0.949)"
            ]
            * 2,
        },
        index=pd.Index(
            ["Durbin-Watson (exact p, two-sided)", "Breusch-Godfrey LM (1 lag)"],
            name="test",
        ),
    )
    body = Summary("Model", [Block("Diagnostics", readings)]).as_html()
    page = html_page("Model", body)
    (tmp_path / "new").mkdir()
    (tmp_path / "old").mkdir()
    _check_tables_are_readable(_measure(page, tmp_path / "new")["tables"])
    crushed = page.replace(HTML_STYLE, old)
    with pytest.raises(AssertionError):
        _check_tables_are_readable(_measure(crushed, tmp_path / "old")["tables"])


@needs_chromium
def test_the_phone_check_sees_a_page_that_is_too_wide(tmp_path):
    """The measurement itself: a table outside its scrolling box widens the page."""
    cells = "".join(f"<td>{'9' * 12}</td>" for _ in range(12))
    page = f"<!DOCTYPE html><html><body><table><tr>{cells}</tr></table></body></html>"
    assert _measure(page, tmp_path)["scrollWidth"] > PHONE_PX
