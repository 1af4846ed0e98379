"""What a new user found in the reports (issue 28 item 5).

Percentiles in a ``Sig.`` row, weighted counts, the Durbin-Watson note of a
weighted model with an intercept, figure numbers and paths, the counts of the
rankings' constructions and the words on min-max bounds.
"""

import contextlib
import re
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from sklearn_innov.exceptions import SklearnInnovWarning
from sklearn_innov.linear_model import CobbDouglasRegressor
from sklearn_innov.preprocessing import index_sensitivity
from sklearn_innov.report import Report
from sklearn_innov.report._replicate import (
    _construction_elasticity_blocks,
    _minmax_bounds,
    _robustness_summary,
)
from sklearn_innov.summary import Block, Summary
from sklearn_innov.summary._labels import COLUMNS
from sklearn_innov.summary._summary import format_cell, format_count, latex_escape

LABELS = {"unit": "firm", "units": "firms"}
# a float printed with three or more decimals: a raw weighted count
RAW_FLOAT = re.compile(r"\d\.\d{3,}")


# -- 1. a percentile in a p-value row stays a percentage ----------------------


def test_a_percentile_column_prints_percent_in_a_sig_row():
    table = pd.DataFrame(
        {"paper": [0.033, 0.4325], "percentile": [0.745, 0.245]},
        index=["Table 10 X1 Sig.", "Table 10 X1 B"],
    )
    summary = Summary("Ranges", [Block("Ranges", table)])
    for fmt in ("text", "markdown", "html", "latex"):
        out = summary.render(fmt, columns=COLUMNS)
        # the share 0.745 is 74.5 percent; the paper's p stays a p-value
        percent = "\\%" if fmt == "latex" else "%"
        assert f"{100 * 0.745:.1f}{percent}" in out, fmt
        assert "0.745" not in out, fmt
        assert "0.033" in out and f"24.5{percent}" in out, fmt


# -- 2. counts print as counts -------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        (120.00000000000003, "120"),
        (10.233962264150943, "10.2"),
        (123.2103, "123.2"),
        (0.4528301886792453, "0.5"),
        (0.04, "0.04"),
        (127, "127"),
        (np.float64(6.0), "6"),
    ],
)
def test_a_count_prints_whole_or_with_one_decimal(value, expected):
    assert format_count(value) == expected
    assert format_cell(value, "count") == expected


def test_weighted_counts_of_left_out_constructions_are_rounded():
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.integers(0, 5, size=(40, 2)), columns=["a", "b"])
    X.iloc[:5, 0] = 0  # the lowest answer: a min-max item at 0
    X.iloc[5, 0] = 4
    weights = rng.uniform(0.3, 3.0, size=40) / 3
    result = index_sensitivity(X, {"I": ["a", "b"]}, sample_weight=weights)
    zeroed = [entry for entry in result.skipped if "zeroes" in entry]
    assert zeroed
    for entry in result.skipped:
        assert not RAW_FLOAT.search(entry), entry
    # the rows counted as rows, the weighted count beside it labelled and
    # rounded to one decimal (the oracle's)
    geometric = (X[["a", "b"]] == X[["a", "b"]].min()).any(axis=1)
    assert (
        f"({int(geometric.sum())} of 40 rows; weighted "
        f"{weights[geometric].sum():.1f} of {weights.sum():.1f})" in (zeroed[0])
    )


# -- 3. Durbin-Watson's note with weights and an intercept --------------------


@pytest.fixture
def cobb_douglas_data():
    rng = np.random.default_rng(1)
    X = pd.DataFrame(np.exp(rng.normal(size=(60, 2))), columns=["X1", "X2"])
    y = np.exp(0.5 + 0.3 * np.log(X["X1"]) + rng.normal(0, 0.2, 60))
    weights = rng.uniform(0.5, 2.0, size=60)
    return X, y, weights


def _notes(model):
    summary = model.summary()
    (block,) = [b for b in summary.blocks if b.title == "Notes"]
    return " ".join(block.content)


@pytest.mark.parametrize("cov_type", ["nonrobust", "HC1", "survey"])
def test_weighted_model_with_intercept_is_not_called_intercept_free(
    cobb_douglas_data, cov_type
):
    X, y, w = cobb_douglas_data
    # fractional weights not averaging 1 under a model-based cov_type: the
    # library says they are read as frequency weights (and names the fix)
    expected = (
        contextlib.nullcontext()
        if cov_type == "survey"
        else pytest.warns(SklearnInnovWarning, match="read as frequency weights")
    )
    with expected:
        model = CobbDouglasRegressor(cov_type=cov_type).fit(X, y, sample_weight=w)
    assert model.coef_table_.index[0] == "const"
    notes = _notes(model)
    assert "No intercept" not in notes
    # why the bounds tables still do not apply: the whitened design
    # [sqrt(w), sqrt(w) ln X] does not span the constant column (lstsq oracle)
    design = np.sqrt(w)[:, None] * np.column_stack([np.ones(60), np.log(X)])
    ones = np.ones(60)
    fitted = design @ np.linalg.lstsq(design, ones, rcond=None)[0]
    assert np.linalg.norm(ones - fitted) > 1e-3
    assert "Weighted rows: Durbin-Watson reads the weighted residuals" in notes


def test_unweighted_notes_keep_the_intercept_reading(cobb_douglas_data):
    X, y, _ = cobb_douglas_data
    with_const = _notes(CobbDouglasRegressor().fit(X, y))
    assert "No intercept" not in with_const and "Weighted rows" not in with_const
    # equal weights are no weights: sqrt(1) is the constant column
    equal = _notes(CobbDouglasRegressor().fit(X, y, sample_weight=np.full(60, 2.0)))
    assert "No intercept" not in equal and "Weighted rows" not in equal
    free = _notes(CobbDouglasRegressor(fit_intercept=False).fit(X, y))
    assert "No intercept: the Durbin-Watson bounds tables do not apply" in free


# -- 4. figures: numbered in every format, captions, relative paths ----------


@pytest.fixture
def two_figure_report():
    from matplotlib.figure import Figure

    report = Report("R")
    report.add_text("Before.")
    for name in ("first", "second"):
        figure = Figure(figsize=(2, 2))
        figure.add_subplot().plot([0, 1], [0, 1])
        report.add_figure(name, figure, f"The {name} plot.")
    return report


def test_every_figure_is_numbered_in_every_format(two_figure_report):
    report = two_figure_report
    for fmt in ("text", "markdown", "html"):
        for figure_dir in (None, "figs"):
            if fmt == "html" and figure_dir is None:
                continue
            out = report.render(fmt, figure_dir=figure_dir, width=200)
            assert re.search(r"Figure 1[^\n]*The first plot\.", out), out
            assert re.search(r"Figure 2[^\n]*The second plot\.", out), out
            assert "Figure 3" not in out
    latex = report.render("latex", figure_dir="")
    # LaTeX numbers its figures: no number in the caption text
    assert "\\caption{The first plot.}" in latex
    assert "\\caption{The second plot.}" in latex
    assert "Figure 1" not in latex


def test_write_puts_a_movable_tex_beside_the_figures(two_figure_report, tmp_path):
    out = tmp_path / "out"
    paths = two_figure_report.write(out)
    tex = out / "report.tex"
    assert tex in paths
    text = tex.read_text(encoding="utf-8")
    included = re.findall(r"\\includegraphics\[[^]]*\]\{([^}]*)\}", text)
    assert included == ["first.png", "second.png"]
    # moved elsewhere, the folder still finds its figures
    moved = tmp_path / "moved"
    out.rename(moved)
    assert all((moved / name).is_file() for name in included)
    assert str(tmp_path) not in text


# -- 5. the constructions counted once, left out one per line ----------------


def test_construction_counts_agree_and_each_left_out_has_a_reason():
    rng = np.random.default_rng(2)
    X = pd.DataFrame(rng.integers(0, 5, size=(50, 3)), columns=["a", "b", "c"])
    X.iloc[0, 0] = 0
    result = index_sensitivity(X, {"I": ["a", "b"], "J": ["c"]})
    summary = _robustness_summary(result, LABELS)
    reading = " ".join(next(b for b in summary.blocks if b.title == "Reading").content)
    built = len(result.constructions)
    # 3 normalisations x 2 aggregations x 3 weights, as index_sensitivity's
    # defaults list them
    assert f"Of the {3 * 2 * 3} combinations" in reading
    assert f"{built} could be built" in reading
    kept = result.summary()["n_constructions"]
    assert kept.nunique() == 1
    assert f"each index is ranked under {kept.iloc[0]} of them" in reading
    left = next(b for b in summary.blocks if b.title == "Constructions left out")
    assert len(left.content) == len(result.skipped)
    assert all(line.startswith("- normalize=") for line in left.content)
    # one reason each: a parenthesis or a colon after the construction
    for line in left.content:
        assert re.search(r"weights=\w+(,| \().*[):]", line), line
    assert "Left out:" not in reading


# -- 6. the words on min-max bounds --------------------------------------------


@pytest.mark.parametrize(
    "bounds, expected",
    [
        (None, "min-max bounds are the observed ones"),
        ((0, 1000), "min-max bounds are [index] bounds = [0, 1000]"),
        (
            {"a": [0, 100], "b": [0, 100], "c": [0, 5]},
            "min-max bounds are those of [index] bounds",
        ),
        (
            {"a": [0, 100]},
            "min-max bounds are those of [index] bounds, the observed ones for b, c",
        ),
    ],
)
def test_minmax_bounds_in_words(bounds, expected):
    index = {} if bounds is None else {"bounds": bounds}
    a = SimpleNamespace(
        spec=SimpleNamespace(index=index, spec={"I": ["a", "b"], "J": ["c"]})
    )
    assert _minmax_bounds(a) == expected


def test_constructions_not_fitted_are_listed_one_per_line():
    table = pd.DataFrame(
        {
            "normalize": ["minmax", "minmax", "rank"],
            "aggregate": ["sum", "geometric", "sum"],
            "weights": ["equal", "equal", "bod"],
            "X1": [0.2, np.nan, np.nan],
            "note": ["", "too few rows", "y is constant"],
        }
    )
    blocks = _construction_elasticity_blocks(table, ["X1"], [])
    reading = " ".join(blocks[1].content)
    assert "(1 of the 3 constructions built could be fitted" in reading
    assert "Not fitted" not in reading
    assert blocks[2].title == "Constructions not fitted"
    assert blocks[2].content == [
        "- normalize=minmax, aggregate=geometric, weights=equal (too few rows)",
        "- normalize=rank, aggregate=sum, weights=bod (y is constant)",
    ]


def test_a_list_block_renders_as_a_list_in_every_format():
    items = ["- first item " + "word " * 20, "- second & <item>"]
    summary = Summary("S", [Block("Left out", items), Block("Prose", ["a", "b"])])
    html = summary.render("html")
    assert "<ul><li>first item" in html
    assert "<li>second &amp; &lt;item&gt;</li></ul>" in html
    assert "<p>a</p>\n<p>b</p>" in html  # prose stays prose, a line a paragraph
    latex = summary.render("latex")
    assert "\\begin{itemize}\n\\item first item" in latex
    assert "\\item second \\& " in latex
    text = summary.render("text", width=40).splitlines()
    start = text.index("- first item word word word word word")
    # continuation lines hang under the item's text
    assert text[start + 1].startswith("  word")
    assert "- second & <item>" in text
    markdown = summary.render("markdown")
    assert "\n- first item" in markdown and "\n- second & <item>" in markdown


def test_a_count_row_prints_whole_numbers_as_counts():
    # "Table 9 n (implied by R² and F)": 121, not 121.0000, in every column
    # that holds a whole number; a share in the same row keeps its kind
    table = pd.DataFrame(
        {"paper": [121.0, 0.274], "percentile": [0.5, 0.675]},
        index=pd.Index(["Table 9 n (implied)", "Table 9 R2"], name="statistic"),
    )
    text = Summary("ranges", [Block("ranges", table)]).as_text()
    n_line = next(line for line in text.splitlines() if "Table 9 n" in line)
    assert n_line.split()[4:] == ["121", "50.0%"]  # percentile: a share
    r2_line = next(line for line in text.splitlines() if "R2" in line)
    assert "0.2740" in r2_line


def test_the_durbin_watson_note_says_which_p_value_the_table_prints():
    # a reader saw "(normal approx. p)" in the table and "computed for this
    # design" in the notes on Produc's 816 rows
    from pathlib import Path

    frame = pd.read_csv(Path(__file__).parent / "data" / "produc.csv")
    X, y = frame[["pcap", "pc", "emp"]], frame["gsp"]
    large = " ".join(CobbDouglasRegressor().fit(X, y).summary().as_text().split())
    assert "(normal approx. p)" in large
    assert "p-value is the normal approximation of its distribution" in large
    small = CobbDouglasRegressor().fit(X[:60], y[:60]).summary().as_text()
    small = " ".join(small.split())
    assert "(exact p, two-sided)" in small
    assert "p-value is computed for this design" in small


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # OT1's roman prints | as a dash, -- as an en dash, ' and " curly
        ("E[y | y > 0]", r"E[y \textbar{} y \textgreater{} 0]"),
        ("replicate --out rep/", "replicate -{}-out rep/"),
        ("a---b", "a-{}-{}-b"),
        ("zeros = 'offset'.", r"zeros = \texttt{\char13}offset\texttt{\char13}."),
        (
            '("A scores higher than B")',
            r"(\texttt{\char34}A scores higher than B\texttt{\char34})",
        ),
        # apostrophes stay apostrophes
        ("Cronbach's alpha, the rows' order", "Cronbach's alpha, the rows' order"),
        ("against 'female'), x", r"against \texttt{\char13}female\texttt{\char13}), x"),
    ],
)
def test_latex_prints_bars_dashes_and_quotes_as_typed(text, expected):
    assert latex_escape(text) == expected


def test_the_command_line_prints_in_typewriter_type_in_latex():
    command = "sklearn-innov replicate --data 'my survey.csv' --out rep/"
    provenance = SimpleNamespace(
        command=command,
        summary=lambda written=True: Summary(
            "Provenance",
            [
                Block(
                    "What made this report",
                    pd.DataFrame(
                        {"value": [command]},
                        index=pd.Index(["Command"], name="field"),
                    ),
                )
            ],
        ),
    )
    report = Report("Run", provenance=provenance)
    latex = report.render("latex")
    assert "\\usepackage[T1]{fontenc}" not in latex  # Type 1 fonts everywhere
    found = re.search(r"\\texttt\{(sklearn-innov[^\n]*?rep/)\}", latex)
    assert found, latex
    assert "-{}-data" in found.group(1) and "-{}-out" in found.group(1)
    assert r"\texttt{\char13}my" in found.group(1)


def test_controls_name_their_dummies():
    """Not "gender[level]" (a template left unfilled): each dummy by name."""
    from sklearn_innov.report._replicate import _controls_text

    months = [f"month[{m}]" for m in ("feb", "mar", "apr", "may", "jun")]
    a = SimpleNamespace(
        options={"controls": ["age", "gender", "month"]},
        control_reference={"gender": "female", "month": "jan"},
        controls=["age", "gender[male]", *months],
    )
    assert _controls_text(a) == (
        "age, gender (1 dummy, gender[male], against 'female'), month (5 dummies, "
        "month[feb], month[mar], ..., month[jun], against 'jan')"
    )


def test_floors_print_as_the_tables_print_numbers():
    """One rule for the floors in the ln 0 note: four decimals, as the index
    tables print the same indices (not 0.125 beside 0.009815)."""
    from sklearn_innov.report._analysis import cobb_douglas_sample

    X = pd.DataFrame({"a": [0.0, 0.25, 1.0], "b": [0.01963, 0.0, 0.5]})
    y = pd.Series([1.0, 2.0, 3.0])
    _, note, floors = cobb_douglas_sample(X, y, "floor", {"units": "rows"})
    assert floors == {"a": 0.125, "b": 0.01963 / 2}
    assert "(a: 1 row set to 0.1250; b: 1 row set to 0.0098)" in note


def test_a_geometric_construction_ranked_without_some_rows_but_fitted_says_why():
    """Issue 28: the rankings left out min-max geometric constructions while the
    elasticities used them; the report says why in one sentence, and it holds:
    the fit is the OLS of ln y on ln x with the zero floored, y > 0 only."""
    rng = np.random.default_rng(5)
    X = pd.DataFrame(rng.integers(1, 6, size=(60, 3)), columns=["a", "b", "y"])
    X.loc[:4, "a"] = 1  # a's lowest answer: min-max 0, geometric mean 0
    X.loc[:9, "y"] = 1  # y is 0 for these rows: out of the Cobb-Douglas
    result = index_sensitivity(
        X, {"I": ["a", "b"], "Y": ["y"]}, normalize=("minmax",), weights=(None,)
    )
    label = "normalize=minmax, aggregate=geometric, weights=equal"
    assert any(
        entry.startswith(f"{label}, left out for I")
        and "zeroes the geometric mean" in entry
        for entry in result.skipped
    )
    model = CobbDouglasRegressor(zeros="floor")
    table = result.refit(model, "Y", ["I"], positive_outcome=True)
    geometric = table[table["aggregate"] == "geometric"].iloc[0]
    assert geometric["note"] == ""
    # the oracle: min-max items, their geometric mean, rows with y > 0, the
    # zero floored at half the smallest positive value, OLS of ln y on ln x
    items = (X - X.min()) / (X.max() - X.min())
    index = np.sqrt(items["a"] * items["b"])
    keep = items["y"] > 0
    x = index[keep].to_numpy()
    x = np.where(x == 0, x[x > 0].min() / 2, x)
    slope = np.polyfit(np.log(x), np.log(items["y"][keep]), 1)[0]
    np.testing.assert_allclose(geometric["I"], slope, rtol=1e-8)
    blocks = _construction_elasticity_blocks(table, ["I"], [], result.skipped, "floor")
    reading = " ".join(blocks[1].content)
    assert (
        f"{label}: left out of the rankings for some indices (their rows at 0 "
        "would tie whatever their other items) but fitted here, because the "
        "Cobb-Douglas uses the rows with a positive outcome only and ([model] "
        "zeros = 'floor') floors an index at 0 at half its smallest positive "
        "value." in reading
    )
    # no such sentence when the construction was not fitted
    refused = table.assign(note=np.where(table["aggregate"] == "geometric", "no", ""))
    blocks = _construction_elasticity_blocks(refused, ["I"], [], result.skipped)
    assert "left out of the rankings" not in " ".join(blocks[1].content)


def test_the_spec_digest_note_is_worded_for_the_command_line_too():
    """ "Report.write saves it in full" was API jargon in a report made by the
    command line: the note says where the file is for both readers."""
    from sklearn_innov.report._provenance import Provenance

    summary = Provenance(library="0", python="3.11").summary()
    text = " ".join(summary.as_text().split())
    assert (
        "Spec SHA-256 is that of the validated spec as canonical JSON (every table "
        "with its defaults filled in, keys sorted, no spaces, UTF-8); "
        "provenance.json, written beside the report, keeps it in full."
    ) in text
    assert "Report.write" not in text


def test_latex_breaks_a_camel_case_identifier_between_its_words():
    """ "CobbDouglasRegre / ssor" broke mid-word every 16 characters: a long
    identifier may now break where a new word starts, with no hyphen."""
    from sklearn_innov.summary._summary import latex_text

    text = latex_text("data passed to CobbDouglasRegressor: column(s)")
    assert text == (
        r"data passed to Cobb\allowbreak{}Douglas\allowbreak{}Regressor: column(s)"
    )
    # a digest has no words: still a break every 16 characters
    digest = "0123456789abcdef" * 4
    assert latex_text(digest).count(r"\allowbreak{}") == 3


def test_the_residual_plots_are_legible_at_phone_width():
    """Figure 5 was two panels side by side, 9 inches wide: shown 366 px wide
    on a 390 px phone its axis labels were about 5 px tall. The panels are
    stacked, so its type shows at least 10 px tall there."""
    pytest.importorskip("matplotlib")
    import matplotlib.pyplot as plt

    from sklearn_innov.report import residual_plots

    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.uniform(1, 5, size=(60, 2)), columns=["X1", "X2"])
    y = np.exp(0.3 * np.log(X["X1"]) + rng.normal(0, 0.2, 60))
    figure = residual_plots(CobbDouglasRegressor().fit(X, y), X)
    try:
        width, height = figure.get_size_inches()
        assert height > width  # one panel above the other
        px_per_point = 366 / (72 * width)  # 390 px less the page's margins
        for ax in figure.axes:
            texts = [ax.xaxis.label, ax.yaxis.label, *ax.get_xticklabels()]
            assert min(t.get_fontsize() for t in texts) * px_per_point >= 10
    finally:
        plt.close(figure)
