"""Input read as spreadsheets export it, output written safely (issue 24, 5-6).

The survey used end to end is a public one, the 1996 American National
Election Study shipped with statsmodels (``statsmodels.datasets.anes96``),
written here as a Spanish or German Excel would export it: ``;`` between
fields, decimal commas and thousands separated by dots (``1.234,5``).
"""

import csv
import html
import re

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.utils._param_validation import StrOptions

from sklearn_innov._core import CollinearityError, LeastSquares
from sklearn_innov.cli import _sniff_decimal, _sniff_thousands, main
from sklearn_innov.exceptions import SeparationWarning, SpecError
from sklearn_innov.linear_model import StepwiseLogit
from sklearn_innov.preprocessing import CompositeIndex, _spec
from sklearn_innov.preprocessing._spec import validate_document
from sklearn_innov.report import Report
from sklearn_innov.summary import Block, Summary
from sklearn_innov.utils._output import (
    check_inside,
    slugify,
    spreadsheet_safe,
    write_csv,
)
from sklearn_innov.utils._validation import format_value

ANES_SPEC = """
[indices]
media = ["TVnews"]
ideology = ["selfLR", "ClinLR", "DoleLR"]
party = ["PID"]
background = ["educ", "income", "popul"]

[model]
outcome = "media"
target = "vote"

[labels]
unit = "respondent"
"""
ROWS = 200


def european(value):
    """A number as a Spanish spreadsheet writes it: 1.234,5."""
    text = f"{value:,.1f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


@pytest.fixture(scope="module")
def anes():
    """The first 200 respondents of anes96, population with a half added."""
    frame = sm.datasets.anes96.load_pandas().data.iloc[:ROWS].copy()
    frame["popul"] = frame["popul"] + 0.5  # thousands and decimals: 7.300,5
    return frame


def write_european(frame, path, edit=None):
    """``frame`` as ';'-separated text with decimal commas and grouped thousands.

    ``edit(rows)`` may change the list of rows (header first) before writing.
    """
    rows = [list(frame.columns)]
    for _, record in frame.iterrows():
        row = []
        for column, value in record.items():
            if column == "popul":
                row.append(european(value))
            elif column == "logpopul":
                row.append(f"{value:.4f}".replace(".", ","))
            else:
                row.append(str(int(value)))
        rows.append(row)
    if edit is not None:
        edit(rows)
    path.write_text("\n".join(";".join(row) for row in rows) + "\n", encoding="cp1252")
    return path


@pytest.fixture(scope="module")
def exported(anes, tmp_path_factory):
    directory = tmp_path_factory.mktemp("anes")
    spec = directory / "spec.toml"
    spec.write_text(ANES_SPEC, encoding="utf-8")
    return write_european(anes, directory / "anes.csv"), spec


def run(argv):
    try:
        return main(argv)
    except SystemExit as exc:  # argparse's own errors
        return exc.code


def one_error(capsys, argv):
    """Run the command; return its single error line (exit code 2)."""
    code = run(argv)
    err = capsys.readouterr().err
    errors = [line for line in err.splitlines() if ": error: " in line]
    assert code == 2, err
    assert len(errors) == 1 and err.strip().endswith(errors[0]), err
    assert "Traceback" not in err and "np.float64" not in err
    return errors[0]


# -- CSV input -------------------------------------------------------------------


def test_a_european_export_is_read_as_the_published_numbers(
    anes, exported, caplog, capsys
):
    path, spec = exported
    from sklearn_innov.cli import _read_table, build_parser

    args = build_parser().parse_args(["replicate", "--data", str(path)])
    # the note is logged; main's handler prints it (test_cli.py checks that)
    caplog.set_level("INFO", logger="sklearn_innov")
    frame = _read_table(args)
    note = caplog.text
    assert "thousands separator '.'" in note and "--thousands" in note
    # the oracle: statsmodels' copy of the survey
    assert_allclose(frame["popul"], anes["popul"], rtol=0, atol=0)
    assert_allclose(frame["logpopul"], anes["logpopul"], atol=5e-5)
    assert_array_equal(frame["selfLR"], anes["selfLR"])
    # rows are known by their line in the file: the header is line 1
    assert frame.index.name == "line" and frame.index[0] == 2
    assert frame.index[-1] == ROWS + 1
    code = main(["replicate", "--data", str(path), "--spec", str(spec)])
    out = capsys.readouterr().out
    assert code == 0 and f"{ROWS} respondents" in out


def test_the_thousands_option_overrides_the_sniffer(anes, exported, capsys):
    path, spec = exported
    error = one_error(
        capsys,
        ["replicate", "--data", str(path), "--spec", str(spec), "--thousands", "none"],
    )
    first = anes.index[anes["popul"] >= 1000][0] + 2  # its line in the file
    assert f"data file {str(path)!r}: column 'popul' is not numeric" in error
    assert f"line {first}" in error or f"lines {first}," in error
    assert "'1.000,5'" in error or re.search(r"'\d\.\d{3},5'", error)
    assert error.endswith("pass --thousands '.'.")
    assert (
        main(
            ["replicate", "--data", str(path), "--spec", str(spec), "--thousands", "."]
        )
        == 0
    )
    # given, not sniffed
    assert "(sniffed delimiter, decimal mark;" in capsys.readouterr().err


def test_the_thousands_separator_cannot_be_the_decimal_mark(exported, capsys):
    path, spec = exported
    error = one_error(
        capsys,
        ["replicate", "--data", str(path), "--spec", str(spec), "--thousands", ","],
    )
    assert "--decimal and --thousands are both ','" in error


@pytest.mark.parametrize(
    "lines, sep, decimal, thousands",
    [
        (["a;b", "1.234,5;2", "3;4,5"], ";", ",", "."),
        (["a;b", "1.234;2", "3;4"], ";", ",", "."),  # only groups: a ';' export
        (["a;b", "1.234;2", "3;4.5"], ";", ".", None),  # 4.5: dots are decimals
        (["a;b", "1.234,5;2", "3;4.5"], ";", ".", None),  # mixed: left as text
        (["a,b", '"1,234.5",2', "3,4.5"], ",", ".", None),  # ',' splits fields
        (["a,b", "1.5,2", "3,4"], ",", ".", None),
        (["a\tb", "1.234.567,25\t2", "3\t4,5"], "\t", ",", "."),
    ],
)
def test_decimal_and_thousands_are_sniffed(lines, sep, decimal, thousands):
    assert _sniff_decimal(lines, sep) == decimal
    assert _sniff_thousands("\n".join(lines), sep, decimal) == thousands


def test_a_duplicated_header_names_it_and_the_column_it_probably_meant(
    anes, tmp_path, capsys
):
    def typo(rows):
        rows[0][rows[0].index("ClinLR")] = "selfLR"

    path = write_european(anes, tmp_path / "typo.csv", typo)
    spec = tmp_path / "spec.toml"
    spec.write_text(ANES_SPEC, encoding="utf-8")
    error = one_error(capsys, ["replicate", "--data", str(path), "--spec", str(spec)])
    assert (
        f"data file {str(path)!r} names column 'selfLR' twice in its header "
        "(line 1, columns 3 and 4) and lacks the spec's column 'ClinLR'"
    ) in error
    assert "rename one of them" in error
    # pandas alone would have read the second one as 'selfLR.1', silently
    assert "selfLR.1" in pd.read_csv(path, sep=";").columns


def test_a_text_answer_names_its_lines_and_values(anes, tmp_path, capsys):
    def answers(rows):
        column = rows[0].index("DoleLR")
        rows[5][column] = "no answer"  # line 6 of the file
        rows[40][column] = "NS/NC"  # line 41

    path = write_european(anes, tmp_path / "text.csv", answers)
    spec = tmp_path / "spec.toml"
    spec.write_text(ANES_SPEC, encoding="utf-8")
    error = one_error(capsys, ["replicate", "--data", str(path), "--spec", str(spec)])
    assert (
        f"data file {str(path)!r}: column 'DoleLR' is not numeric (lines 6, 41 "
        "hold text: 'no answer', 'NS/NC')"
    ) in error
    assert "leave a missing answer empty" in error


def test_line_numbers_count_blank_lines_and_quoted_line_breaks(tmp_path, capsys):
    path = tmp_path / "quoted.csv"
    lines = ["q1,q2,note,y", "1,2,plain,0", "", '2,3,"two', 'lines",1', "x,4,ok,0"]
    lines += [f"{i % 5},{i % 3},ok,{i % 2}" for i in range(20)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    spec = tmp_path / "spec.toml"
    spec.write_text(
        '[indices]\nA = ["q1"]\nB = ["q2"]\n[model]\noutcome = "A"\ntarget = "y"\n',
        encoding="utf-8",
    )
    error = one_error(capsys, ["replicate", "--data", str(path), "--spec", str(spec)])
    assert "column 'q1' is not numeric (line 6 holds text: 'x')" in error


def test_a_bounds_violation_names_the_line_and_a_plain_number(anes, tmp_path, capsys):
    def wild(rows):
        rows[9][rows[0].index("selfLR")] = "9"  # line 10

    path = write_european(anes, tmp_path / "bounds.csv", wild)
    spec = tmp_path / "spec.toml"
    spec.write_text(
        ANES_SPEC + "\n[index]\nbounds = {selfLR = [1, 7]}\n", encoding="utf-8"
    )
    error = one_error(capsys, ["replicate", "--data", str(path), "--spec", str(spec)])
    assert (
        f"spec file {str(spec)!r}: data file {str(path)!r}, column 'selfLR' has "
        "1 value(s) outside its [index] bounds [1, 7] (line 10; e.g. 9)"
    ) in error


@pytest.mark.parametrize(
    "value, text",
    [
        (np.float64(6.0), "6"),
        (np.float64(2.5), "2.5"),
        (np.int64(3), "3"),
        (0.1 + 0.2, "0.30000000000000004"),
        (np.str_("no answer"), "'no answer'"),
        (np.True_, "True"),
    ],
)
def test_values_print_as_plain_numbers(value, text):
    assert format_value(value) == text


# -- spec errors -----------------------------------------------------------------


@pytest.mark.parametrize(
    "index, message",
    [
        (
            'reverse = ["DoleLr"]',
            "[index] reverse names 'DoleLr', which no index in [indices] lists "
            "(did you mean 'DoleLR'?)",
        ),
        ('reverse = "DoleLR"', "[index] reverse must list column names"),
        ("reverse = [3]", "[index] reverse holds 3; list column names"),
        ('reverse = ["PID", "PID"]', "[index] reverse lists 'PID' more than once"),
        ('normalize = "min-max"', "[index] normalize must be one of"),
        ('aggregate = "geometrical"', "(did you mean 'geometric'?)"),
        ("bounds = {selfRL = [1, 7]}", "(did you mean 'selfLR'?)"),
    ],
)
def test_spec_errors_name_the_file_the_table_and_the_key(
    exported, tmp_path, capsys, index, message
):
    path, _ = exported
    spec = tmp_path / "spec.toml"
    spec.write_text(ANES_SPEC + f"\n[index]\n{index}\n", encoding="utf-8")
    error = one_error(capsys, ["replicate", "--data", str(path), "--spec", str(spec)])
    assert f"error: spec file {str(spec)!r}: {message}" in error or (
        f"spec file {str(spec)!r}: " in error and message in error
    )
    assert "'X'" not in error and " X " not in error


def test_the_spec_knows_every_option_of_composite_index():
    constraints = CompositeIndex._parameter_constraints
    for key, options in (
        ("normalize", _spec.NORMALIZE_OPTIONS),
        ("aggregate", _spec.AGGREGATE_OPTIONS),
        ("missing", _spec.MISSING_OPTIONS),
        ("out_of_range", _spec.OUT_OF_RANGE_OPTIONS),
    ):
        (allowed,) = [c for c in constraints[key] if isinstance(c, StrOptions)]
        assert set(options) == set(allowed.options)


def test_spec_errors_about_the_target_name_the_file(anes):
    document = {
        "indices": {"A": ["selfLR"], "B": ["PID"]},
        "model": {"outcome": "A", "target": "TVnews"},
    }
    with pytest.raises(SpecError, match=r"^spec file 'x.toml': \[model\] target"):
        validate_document(document, anes, source="spec file 'x.toml'")
    document["model"]["target"] = "vot"
    with pytest.raises(SpecError, match=r"\(did you mean 'vote'\?\)"):
        validate_document(document, anes, source="spec file 'x.toml'")


def test_index_names_that_make_the_same_file_name_are_refused_first(anes):
    document = {
        "indices": {"ln X1": ["selfLR"], "ln/X1": ["PID"], "B": ["educ"]},
        "model": {"outcome": "B", "target": "vote"},
    }
    with pytest.raises(SpecError, match="both give the file name part 'ln_X1'"):
        validate_document(document, anes, source="spec file 's.toml'")


# -- output written safely -------------------------------------------------------


@pytest.mark.parametrize(
    "name, slug",
    [
        ("../../evil", "evil"),
        ("influence_../../evil", "influence_evil"),
        ("C:\\Windows\\x", "C_Windows_x"),
        ("Innovación", "Innovacion"),
        ("ln X1", "ln_X1"),
        ("..", "name_" + __import__("hashlib").sha1(b"..").hexdigest()[:8]),
    ],
)
def test_slugify(name, slug):
    assert slugify(name) == slug
    assert re.fullmatch(r"[A-Za-z0-9_-]+", slug)


def test_check_inside_refuses_a_path_that_leaves_the_folder(tmp_path):
    assert check_inside(tmp_path / "a.png", tmp_path) == tmp_path / "a.png"
    with pytest.raises(ValueError, match="outside the output folder"):
        check_inside(tmp_path / ".." / "evil.png", tmp_path)


def test_spreadsheet_safe_follows_owasp(tmp_path):
    formulas = ["=1+1", "+1", "-x", "@SUM(A1)", "\tx", "\rx"]
    table = pd.DataFrame(
        {"text": [*formulas, "plain", None], "number": [-0.5, 1, 2, 3, 4, 5, 6, -7]},
        index=['=HYPERLINK("http://x","a")', "ok", *"abcdef"],
    )
    path = tmp_path / "table.csv"
    write_csv(table, path)
    with path.open(encoding="utf-8", newline="") as file:
        rows = list(csv.reader(file))
    assert rows[1][0] == '\'=HYPERLINK("http://x","a")'
    assert [row[1] for row in rows[1:7]] == ["'" + f for f in formulas]
    assert rows[7][1] == "plain" and rows[8][1] == ""
    # a negative number stays a number
    assert rows[1][2] == "-0.5" and rows[8][2] == "-7.0"
    assert '"\'=1+1",-0.5' in path.read_text(encoding="utf-8")  # unquoted
    assert table["text"].iloc[0] == "=1+1"  # the caller's table is untouched
    assert spreadsheet_safe(table)["number"].dtype == np.float64


USER_NAMES = ['=HYPERLINK("http://x","a")', "<script>alert(1)</script>"]


@pytest.fixture(scope="module")
def hostile(anes, tmp_path_factory):
    """anes96 with an item named as a formula, one as HTML, an index '../../evil'."""
    directory = tmp_path_factory.mktemp("hostile")
    frame = anes.rename(columns={"ClinLR": USER_NAMES[0], "DoleLR": USER_NAMES[1]})
    data = directory / "hostile.csv"
    frame.to_csv(data, index=False)
    document = (
        ANES_SPEC.replace('"ClinLR"', "'" + USER_NAMES[0] + "'")
        .replace('"DoleLR"', "'" + USER_NAMES[1] + "'")
        .replace("party =", '"../../evil" =')
        .replace("[labels]", '[labels]\ntitle = "Votes & 50% of <b>x_1</b>"')
    )
    spec = directory / "spec.toml"
    spec.write_text(document, encoding="utf-8")
    return directory, data, spec


def test_user_names_never_leave_the_output_folder(hostile, capsys):
    directory, data, spec = hostile
    out = directory / "out" / "deep"
    code = main(
        ["replicate", "--data", str(data), "--spec", str(spec)] + ["--out", str(out)]
    )
    capsys.readouterr()
    assert code == 0
    written = {p.relative_to(directory) for p in directory.rglob("*") if p.is_file()}
    assert all(
        p.parts[:2] == ("out", "deep")
        for p in written - {data.relative_to(directory), spec.relative_to(directory)}
    )
    assert (out / "influence_evil.png").is_file() or not (
        out / "roc_logit.png"
    ).is_file()
    table = out / "tables" / "01_item_statistics.csv"
    with table.open(encoding="utf-8", newline="") as file:
        cells = [cell for row in csv.reader(file) for cell in row]
    assert "'" + USER_NAMES[0] in cells and USER_NAMES[0] not in cells
    assert USER_NAMES[1] in cells  # not a formula: left as it is
    # numbers are still numbers, negative ones too
    coefficients = pd.read_csv(out / "tables" / "03_coefficients.csv", index_col=0)
    assert coefficients["coef"].dtype == np.float64
    assert (coefficients["t"] < 0).any() or (coefficients["coef"] < 0).any()


def test_an_unwritable_out_fails_before_the_analysis(
    exported, tmp_path, capsys, monkeypatch
):
    import sklearn_innov.report

    def analysis_ran(*args, **kwargs):
        raise AssertionError("the analysis ran")

    monkeypatch.setattr(sklearn_innov.report, "replicate", analysis_ran)
    path, spec = exported
    blocker = tmp_path / "a_file"
    blocker.write_text("", encoding="utf-8")
    error = one_error(
        capsys,
        ["replicate", "--data", str(path), "--spec", str(spec)]
        + ["--out", str(blocker / "out")],
    )
    assert f"--out {str(blocker / 'out')!r}: cannot create the folder" in error


def test_html_and_latex_escape_user_text(hostile, capsys):
    _, data, spec = hostile
    for fmt in ("html", "latex"):
        assert (
            main(
                ["replicate", "--data", str(data), "--spec", str(spec)]
                + ["--format", fmt]
            )
            == 0
        )
        out = capsys.readouterr().out
        assert "<script>alert(1)</script>" not in out
        assert "<b>x_1</b>" not in out
        if fmt == "html":
            assert html.escape(USER_NAMES[1]) in out
            assert html.escape("Votes & 50% of <b>x_1</b>") in out
        else:
            assert "Votes \\& 50\\% of" in out and "x\\_1" in out


def test_report_figures_get_distinct_slugged_file_names(tmp_path):
    pytest.importorskip("matplotlib")
    from sklearn_innov.utils._plotting import pyplot

    plt = pyplot()
    report = Report("t")
    for name in ("influence_../../evil", "influence_evil", "influence/evil"):
        report.add_figure(name, plt.figure(), "caption")
    report.add_summary(Summary("s", [Block("b", pd.DataFrame({"x": [1]}))]))
    try:
        paths = report.write(tmp_path)
    finally:
        report.close()
    names = sorted(p.name for p in paths if p.suffix == ".png")
    assert names == [
        "influence_evil.png",
        "influence_evil_2.png",
        "influence_evil_3.png",
    ]
    assert all(p.resolve().is_relative_to(tmp_path.resolve()) for p in paths)


# -- messages of the stepwise logit ----------------------------------------------


def test_an_object_target_with_none_names_the_missing_rows():
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(30, 2)), columns=["a", "b"])
    y = pd.Series(np.where(X["a"] > 0, "yes", "no"), dtype=object, index=X.index + 2)
    y.index.name = "line"
    y.iloc[[3, 7]] = None
    with pytest.raises(ValueError, match=r"y contains None or NaN in 2 rows "):
        StepwiseLogit().fit(X, y)
    with pytest.raises(ValueError, match=r"\(lines 5, 9\)"):
        StepwiseLogit().fit(X, y)


def separated_sample():
    """8 rows; 'sep' separates the classes completely (every 1 above every 0)."""
    rng = np.random.default_rng(0)
    n = 8
    y = np.r_[np.zeros(n // 2), np.ones(n // 2)].astype(int)
    sep = np.where(y == 1, rng.uniform(0.45, 1, n), rng.uniform(0, 0.55, n))
    X = pd.DataFrame({"sep": sep, "b": rng.normal(size=n), "c": rng.normal(size=n)})
    assert sep[y == 1].min() > sep[y == 0].max()
    return X, y


def test_firth_with_wald_removing_a_separating_feature_warns_and_names_lr():
    X, y = separated_sample()
    with pytest.warns(SeparationWarning, match="criterion='lr'") as record:
        model = StepwiseLogit(penalty="firth").fit(X, y)
    assert "sep" not in model.selected_features_
    assert "removed 'sep'" in str(record[0].message)
    assert record[0].filename == __file__  # the caller's line
    # the remedy it names keeps the feature (Heinze & Schemper, 2002)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error", SeparationWarning)
        kept = StepwiseLogit(penalty="firth", criterion="lr").fit(X, y)
    assert "sep" in kept.selected_features_


def one_hot_sample():
    rng = np.random.default_rng(1)
    n = 90
    metro = rng.choice(["Tijuana", "Juarez", "Monterrey"], size=n)
    X = pd.DataFrame({"x": rng.normal(size=n), "metro": metro})
    y = (X["x"] + rng.normal(size=n) > 0).astype(int)
    return X, y


def test_one_hot_columns_of_every_category_suggest_drop_first():
    from sklearn.compose import make_column_transformer
    from sklearn.preprocessing import OneHotEncoder

    X, y = one_hot_sample()
    dummies = pd.get_dummies(X, columns=["metro"], dtype=float)
    with pytest.raises(ValueError, match=r'OneHotEncoder\(drop="first"\)') as info:
        StepwiseLogit().fit(dummies, y)
    message = str(info.value)
    assert "'metro_Juarez', 'metro_Monterrey', 'metro_Tijuana'" in message
    assert "add up to 1 in every row" in message
    # the fix it names works
    encode = make_column_transformer(
        (OneHotEncoder(drop="first", sparse_output=False), ["metro"]),
        remainder="passthrough",
    )
    StepwiseLogit().fit(encode.fit_transform(X), y)


def test_the_kernel_names_the_dummy_trap_and_only_it():
    X, _ = one_hot_sample()
    dummies = pd.get_dummies(X["metro"], dtype=float).to_numpy()
    design = np.column_stack([np.ones(len(X)), X["x"], dummies])
    names = ["const", "x", "a", "b", "c"]
    with pytest.raises(CollinearityError) as info:
        LeastSquares(design, names=names)
    assert info.value.hint.startswith("'a', 'b', 'c' are 0/1 columns")
    # collinear for another reason: no hint
    twice = np.column_stack([np.ones(len(X)), X["x"], 2 * X["x"]])
    with pytest.raises(CollinearityError) as info:
        LeastSquares(twice, names=["const", "x", "x2"])
    assert info.value.hint == "" and "Drop one of them" in str(info.value)


def test_composite_index_names_the_rows_and_values_of_text_answers(likert_survey):
    survey = likert_survey.copy()
    survey["q2"] = survey["q2"].astype(object)
    survey.loc[[4, 17], "q2"] = ["no answer", "NS/NC"]
    index = CompositeIndex(spec={"A": ["q1", "q2"], "B": ["q3", "q4"]})
    with pytest.raises(
        ValueError,
        match=r"'q2' is not numeric \(rows 4, 17 hold text: 'no answer', 'NS/NC'\)",
    ):
        index.fit(survey)


def test_an_excel_sheet_names_its_rows(anes, tmp_path, capsys):
    pytest.importorskip("openpyxl")
    frame = anes.copy()
    frame["DoleLR"] = frame["DoleLR"].astype(object)
    frame.loc[4, "DoleLR"] = "no answer"  # row 6 of the sheet
    path = tmp_path / "anes.xlsx"
    frame.to_excel(path, index=False)
    spec = tmp_path / "spec.toml"
    spec.write_text(ANES_SPEC, encoding="utf-8")
    error = one_error(capsys, ["replicate", "--data", str(path), "--spec", str(spec)])
    assert "'DoleLR' is not numeric (sheet row 6 holds text: 'no answer')" in error
