"""The sklearn-innov command: replicate and benchmark, end to end."""

import hashlib
import importlib.metadata
import json
import shlex
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

import sklearn_innov
from sklearn_innov import CompositeIndex, StepwiseLogit
from sklearn_innov.cli import main
from sklearn_innov.datasets import PAPER_SPEC, make_sme_survey
from sklearn_innov.diagnostics import corrected_resampled_ttest
from sklearn_innov.model_selection import _benchmark, benchmark_from_spec
from sklearn_innov.preprocessing import read_spec_document
from sklearn_innov.report import replicate
from sklearn_innov.summary._summary import TABLE_WIDTH

FOREIGN_SPEC = """
[indices]
partners = ["p_suppliers", "p_customers", "p_rivals"]
effort = ["e_training", "e_ict", "e_research", "e_evaluation"]
owner = ["o_degree", "o_languages"]
result = ["r_product", "r_process", "r_novelty", "r_sales"]

[model]
outcome = "result"
target = "did_innovate"

[index]
normalize = "minmax"
"""

FAST_BENCHMARK = ["--repeats", "1", "--folds", "3", "--quiet"]

RENAME = {
    "collab_suppliers": "p_suppliers",
    "collab_customers": "p_customers",
    "collab_competitors": "p_rivals",
    "learn_training": "e_training",
    "learn_ict": "e_ict",
    "learn_research": "e_research",
    "learn_evaluation": "e_evaluation",
    "owner_education_level": "o_degree",
    "owner_languages": "o_languages",
    "innov_product": "r_product",
    "innov_process": "r_process",
    "innov_novelty": "r_novelty",
    "innov_sales_share": "r_sales",
    "innovated": "did_innovate",
}


FEW_MODELS = ("StepwiseLogit", "LogisticRegression[l1, raw items]", "DummyClassifier")


@pytest.fixture
def few_models(monkeypatch):
    """Benchmark three of the models: the command's paths, in a second or two.

    The L1 logistic regression stays: it is the model whose scores once
    depended on ``--n-jobs``. ``test_benchmark_small_run`` runs every model.
    """
    every = _benchmark.benchmark_models

    def few(spec, items, random_state=0, index_settings=None):
        models = every(spec, items, random_state, index_settings=index_settings)
        return {label: models[label] for label in FEW_MODELS}

    monkeypatch.setattr(_benchmark, "benchmark_models", few)


def run(argv):
    """main(argv), with argparse's exit for a bad option as a return code."""
    try:
        return main(argv)
    except SystemExit as exc:
        return exc.code


@pytest.fixture(scope="module")
def foreign(tmp_path_factory):
    """A survey export with its own column names, text columns and spec."""
    directory = tmp_path_factory.mktemp("foreign")
    frame = make_sme_survey(300, random_state=5).frame.rename(columns=RENAME)
    frame["did_innovate"] = np.where(frame["did_innovate"] == 1, "yes", "no")
    data = directory / "survey.csv"
    frame.to_csv(data, index=False)
    spec = directory / "spec.toml"
    spec.write_text(FOREIGN_SPEC, encoding="utf-8")
    return data, spec, frame


def test_replicate_default_writes_report_tables_and_figures(tmp_path, capsys):
    code = main(["replicate", "--out", str(tmp_path), "--random-state", "3"])
    assert code == 0
    out = capsys.readouterr().out
    assert "SYNTHETIC" in out
    for heading in (
        "Table 9 layout",
        "Variables in the Equation",
        "Table 11 layout",
        "Beside the paper",
        "ln 0 avoided",
        "uncentred",
    ):
        assert heading in out
    # Figures 2 and 3 show the (first two) indices the stepwise logit keeps on
    # this survey: refit it here rather than assume which
    survey = make_sme_survey(random_state=3)
    indices = CompositeIndex(spec=PAPER_SPEC).fit_transform(survey.frame)
    regressors = ["X1", "X2", "X3", "X4"]
    kept = StepwiseLogit().fit(indices[regressors], survey.target).selected_features_
    shown = kept[:2] or regressors[:2]
    for name in (
        "report.md",
        "report.html",
        *(f"influence_{index}.png" for index in shown),
        "roc_logit.png",
        "residuals_cobb_douglas.png",
    ):
        assert (tmp_path / name).stat().st_size > 0, name
    tables = list((tmp_path / "tables").glob("*.csv"))
    assert len(tables) >= 20
    assert "<img" in (tmp_path / "report.html").read_text(encoding="utf-8")


def test_report_numbers_are_the_estimators_attributes():
    report, models = replicate(random_state=3, figures=False)
    full = models["cobb_douglas"]
    beside = next(s for s in report.summaries if s.title.startswith("Beside"))
    table9 = beside["Table 9: coefficients and t"]
    assert_allclose(
        table9["ours coef"].to_numpy(float), full.coef_table_["coef"].to_numpy()
    )
    assert_allclose(table9["ours t"].to_numpy(float), full.coef_table_["t"].to_numpy())
    fit = beside["Table 9: fit"]
    assert_allclose(fit.loc["R²", "ours"], full.rsquared_)
    assert_allclose(fit.loc["Durbin-Watson", "ours"], full.durbin_watson_)
    logit = models["logit"]
    table10 = beside["Table 10: variables in the equation"]
    for name in logit.selected_features_:
        if name in table10.index:
            assert_allclose(
                table10.loc[name, "ours B"], logit.coef_table_.loc[name, "coef"]
            )
            assert_allclose(
                table10.loc[name, "ours Wald"], logit.coef_table_.loc[name, "wald"]
            )
    sensitivity = next(
        s for s in report.summaries if s.title.startswith("Sensitivity")
    )["Elasticities by choice"]
    main_row = sensitivity.iloc[0]
    assert_allclose(
        main_row[["ln X1", "ln X2", "ln X3", "ln X4"]].to_numpy(float), full.coef_
    )
    text = report.render("text")
    assert f"{full.rsquared_:.4f}" in text


def test_replicate_on_a_foreign_csv_with_its_own_spec(foreign, tmp_path, capsys):
    data, spec, _ = foreign
    code = main(
        [
            "replicate",
            "--data",
            str(data),
            "--spec",
            str(spec),
            "--out",
            str(tmp_path),
            "--format",
            "markdown",
        ]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert out.startswith("# Composite indices, Cobb-Douglas and stepwise logit")
    assert "Cobb-Douglas model of result" in out
    assert "Beside the paper" not in out
    assert (tmp_path / "report.md").exists()


@pytest.mark.parametrize(
    "text, message",
    [
        (FOREIGN_SPEC.replace("[index]", "[indexx]"), "unknown table(s) ['indexx']"),
        (
            FOREIGN_SPEC.replace('normalize = "minmax"', 'normalise = "minmax"'),
            "unknown key(s) ['normalise'] in [index]",
        ),
        (
            FOREIGN_SPEC.replace('"p_rivals"', '"p_nobody"'),
            "1 column named in [indices] is not in the data: 'p_nobody'",
        ),
        (
            FOREIGN_SPEC.replace('target = "did_innovate"', 'target = "o_languages"'),
            "[model] target 'o_languages' must be a binary column",
        ),
        ("[indices\n", "is not valid TOML"),
    ],
)
def test_bad_spec_gives_one_line_error_and_exit_2(
    foreign, tmp_path, capsys, text, message
):
    data, _, _ = foreign
    spec = tmp_path / "bad.toml"
    spec.write_text(text, encoding="utf-8")
    code = main(["replicate", "--data", str(data), "--spec", str(spec)])
    err = capsys.readouterr().err
    assert code == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_data_without_spec_is_refused(foreign, capsys):
    data, _, _ = foreign
    assert main(["replicate", "--data", str(data)]) == 2
    assert "--data needs --spec" in capsys.readouterr().err


@pytest.mark.slow
def test_benchmark_small_run(tmp_path, capsys):
    code = main(
        [
            "benchmark",
            "--repeats",
            "1",
            "--folds",
            "3",
            "--quiet",
            "--out",
            str(tmp_path),
        ]
    )
    assert code == 0
    out = capsys.readouterr().out
    for label in (
        "StepwiseLogit",
        "RandomForestClassifier",
        "HistGradientBoostingClassifier",
        "SVC",
        "KNeighborsClassifier",
        "GaussianNB",
        "DummyClassifier",
        "GridSearchCV(StepwiseLogit)",
        "LogisticRegression[l1, raw items]",
    ):
        assert label in out
    # the provenance's command line stays whole, to be copied back into a
    # shell, however long its --out path; every other line fits
    lines = [line for line in out.splitlines() if not line.startswith("Command ")]
    assert max(len(line) for line in lines) <= TABLE_WIDTH
    assert f"--out {tmp_path}" in out
    folds = pd.read_csv(tmp_path / "benchmark_folds.csv")
    assert len(folds) == 10 * 3
    assert (tmp_path / "benchmark_roc_auc.png").stat().st_size > 0
    dummy = folds[folds["model"] == "DummyClassifier"]
    assert_allclose(dummy["roc_auc"], 0.5)


def test_benchmark_on_a_foreign_csv(foreign, capsys, few_models, tmp_path):
    data, spec, frame = foreign
    argv = ["benchmark", "--data", str(data), "--spec", str(spec), *FAST_BENCHMARK]
    code = main([*argv, "--out", str(tmp_path)])
    assert code == 0
    out = capsys.readouterr().out
    assert "StepwiseLogit" in out
    # what made the benchmark, as replicate's provenance: the files' digests
    # (recomputed here with hashlib), the settings, the command line
    provenance = json.loads((tmp_path / "provenance.json").read_text("utf-8"))
    assert provenance["data"] == "the file survey.csv"
    assert provenance["data_size"] == data.stat().st_size
    assert provenance["data_sha256"] == hashlib.sha256(data.read_bytes()).hexdigest()
    spec_sha = hashlib.sha256(spec.read_bytes()).hexdigest()
    assert provenance["spec_file"].endswith(f"SHA-256 {spec_sha}")
    assert provenance["rows"] == len(frame)
    settings = provenance["spec"]["benchmark"]
    assert settings == {"repeats": 1, "folds": 3, "reference": None, "rows": len(frame)}
    assert provenance["spec"]["target"] == "did_innovate"
    canonical = json.dumps(
        provenance["spec"], sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    assert provenance["spec_sha256"] == hashlib.sha256(canonical.encode()).hexdigest()
    assert provenance["command"] == shlex.join(
        ["sklearn-innov", *argv, "--out", str(tmp_path)]
    )
    assert provenance["dependencies"]["numpy"] == np.__version__
    markdown = (tmp_path / "benchmark.md").read_text("utf-8")
    assert "## What made this report" in markdown
    assert provenance["spec_sha256"] in markdown and provenance["spec_sha256"] in out


def test_corrected_resampled_ttest_closed_form():
    a = np.array([0.81, 0.74, 0.90, 0.85, 0.78, 0.80])
    b = np.array([0.70, 0.72, 0.83, 0.80, 0.77, 0.71])
    d = a - b
    expected = d.mean() / np.sqrt((1 / 6 + 25 / 100) * d.var(ddof=1))
    result = corrected_resampled_ttest(a, b, n_train=100, n_test=25)
    assert_allclose(result["t"], expected, rtol=1e-12)
    assert result["df"] == 5
    from scipy import stats

    assert_allclose(result["pvalue"], 2 * stats.t.sf(abs(expected), 5), rtol=1e-12)
    # without the correction term this is the ordinary paired t-test
    plain = stats.ttest_rel(a, b)
    uncorrected = d.mean() / np.sqrt(d.var(ddof=1) / 6)
    assert_allclose(uncorrected, plain.statistic, rtol=1e-12)


def test_version_prints_the_installed_distribution_version(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert out.strip() == f"sklearn-innov {sklearn_innov.__version__}"
    assert importlib.metadata.version("sklearn-innov") in out


def test_python_dash_m_entry_point():
    result = subprocess.run(
        [sys.executable, "-m", "sklearn_innov", "--help"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0
    assert "replicate" in result.stdout and "benchmark" in result.stdout


@pytest.mark.parametrize("command", ["replicate", "benchmark"])
def test_text_in_an_item_column_exits_2_naming_it(foreign, tmp_path, capsys, command):
    # issue 28: both commands run the same file check, before any fit, and
    # say the same line: the file, the column, the line and the text
    data, spec, frame = foreign
    bad = frame.copy()
    bad["e_ict"] = bad["e_ict"].astype(object)
    bad.loc[41, "e_ict"] = "six hundred"  # line 43: the header is line 1
    path = tmp_path / "bad.csv"
    bad.to_csv(path, index=False)
    code = main(
        [command, "--data", str(path), "--spec", str(spec)]
        + (FAST_BENCHMARK if command == "benchmark" else ["--quiet"])
    )
    captured = capsys.readouterr()
    assert code == 2
    assert captured.err == (
        f"sklearn-innov {command}: error: data file {str(path)!r}: column "
        "'e_ict' is not numeric (line 43 holds text: 'six hundred'); encode "
        "every answer as a number, leave a missing answer empty, or remove the "
        "column from the spec.\n"
    )
    assert captured.out == ""


def test_benchmark_checks_only_the_columns_it_uses(
    foreign, tmp_path, capsys, few_models
):
    # an outcome column (not an index) is no column of the benchmark: text
    # there stops replicate, which fits it, but not the benchmark; text in
    # the outcome index's items stops both (the benchmark leaves out the
    # rows where that index is NaN)
    data, _, frame = foreign
    bad = frame.copy()
    for column in ("r_sales", "r_novelty"):
        bad[column] = bad[column].astype(object)
        bad.loc[0, column] = "unknown"
    path = tmp_path / "outcome_text.csv"
    bad.to_csv(path, index=False)
    spec = tmp_path / "spec.toml"
    for outcome, first in (("r_sales", "r_sales"), ("result", "r_novelty")):
        text = FOREIGN_SPEC.replace('outcome = "result"', f'outcome = "{outcome}"')
        if outcome != "result":  # no index of results: r_sales alone
            text = text.replace(
                'result = ["r_product", "r_process", "r_novelty", "r_sales"]\n', ""
            )
        spec.write_text(text, encoding="utf-8")
        argv = ["--data", str(path), "--spec", str(spec)]
        assert main(["replicate", *argv]) == 2
        err = capsys.readouterr().err
        assert f"column {first!r} is not numeric (line 2 " in err
        code = main(["benchmark", *argv, *FAST_BENCHMARK])
        err = capsys.readouterr().err
        if outcome == "result":
            assert code == 2 and f"column {first!r} is not numeric (line 2 " in err
        else:
            assert code == 0, err


def test_benchmark_bad_spec_exits_2(foreign, tmp_path, capsys):
    data, _, _ = foreign
    spec = tmp_path / "bad.toml"
    spec.write_text(FOREIGN_SPEC.replace("[model]", "[modle]"), encoding="utf-8")
    code = main(["benchmark", "--data", str(data), "--spec", str(spec), "--quiet"])
    assert code == 2
    assert "unknown table(s) ['modle']" in capsys.readouterr().err


def test_replicate_without_matplotlib_skips_figures_and_says_so(monkeypatch):
    import importlib.util

    from sklearn_innov.report import _replicate

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "matplotlib" else real(name, *a),
    )
    report, _ = _replicate.replicate(random_state=1)
    assert report.figures == {}
    assert "Figures skipped: matplotlib is not installed" in report.render("text")


def test_parquet_without_its_engine_is_a_one_line_error(foreign, tmp_path, capsys):
    pytest.importorskip("pandas")
    import importlib.util

    if importlib.util.find_spec("pyarrow") or importlib.util.find_spec("fastparquet"):
        pytest.skip("a parquet engine is installed: the read would succeed")
    _, spec, _ = foreign
    path = tmp_path / "survey.parquet"
    path.write_bytes(b"PAR1")
    assert main(["replicate", "--data", str(path), "--spec", str(spec)]) == 2
    err = capsys.readouterr().err
    assert "needs the 'pyarrow' package" in err and "sklearn-innov[io]" in err
    assert len(err.strip().splitlines()) == 1


def test_unknown_data_format(foreign, tmp_path, capsys):
    _, spec, _ = foreign
    path = tmp_path / "survey.sav"
    path.write_text("x", encoding="utf-8")
    assert main(["replicate", "--data", str(path), "--spec", str(spec)]) == 2
    assert "must be .csv, .parquet or .xlsx" in capsys.readouterr().err


def test_benchmark_n_jobs_gives_the_same_fold_scores(tmp_path, few_models):
    serial, parallel = tmp_path / "serial", tmp_path / "parallel"
    for jobs, out in (("1", serial), ("2", parallel)):
        assert (
            main(["benchmark", *FAST_BENCHMARK, "--n-jobs", jobs, "--out", str(out)])
            == 0
        )
    a = pd.read_csv(serial / "benchmark_folds.csv")
    b = pd.read_csv(parallel / "benchmark_folds.csv")
    pd.testing.assert_frame_equal(a, b)


# -- data files as users have them ---------------------------------------------


@pytest.fixture(scope="module")
def european(foreign, tmp_path_factory):
    """The foreign survey as Excel exports it in Spanish: ';', decimal commas,
    Windows-1252 text (an accented municipality column)."""
    _, spec, frame = foreign
    frame = frame.copy()
    frame.insert(0, "municipio", np.where(frame.index % 2, "Juárez", "Culiacán"))
    frame["r_sales"] = frame["r_sales"] + 0.25  # decimals in every row
    path = tmp_path_factory.mktemp("european") / "encuesta.csv"
    frame.to_csv(path, sep=";", decimal=",", index=False, encoding="cp1252")
    plain = path.with_name("plain.csv")
    frame.to_csv(plain, index=False)
    return path, plain, spec


def test_a_european_csv_is_sniffed_and_read_like_the_plain_one(european, capsys):
    path, plain, spec = european
    assert main(["replicate", "--data", str(plain), "--spec", str(spec)]) == 0
    expected = capsys.readouterr()
    assert main(["replicate", "--data", str(path), "--spec", str(spec)]) == 0
    got = capsys.readouterr()
    # the same report up to its provenance, which names each file and the
    # time; the data line names the file too
    body = got.out.split("\nProvenance\n")[0]
    assert f"Data: {path.name}," in body
    assert (
        body.replace(path.name, "plain.csv")
        == (expected.out.split("\nProvenance\n")[0])
    )
    assert "the file plain.csv" in expected.out and path.name in got.out
    assert "note:" not in expected.err  # progress lines only
    assert "delimiter ';', decimal mark ',', encoding cp1252" in got.err
    assert "override with --sep, --decimal, --thousands, --encoding" in got.err
    # without --out the text says how to get the figures, and names no file
    assert "--out DIR" in got.out and ".png" not in got.out


def test_csv_options_override_the_sniffer_in_benchmark(european, capsys, few_models):
    path, _, spec = european
    options = ["--sep", ";", "--decimal", ",", "--encoding", "cp1252"]
    code = main(
        ["benchmark", "--data", str(path), "--spec", str(spec), *options]
        + [*FAST_BENCHMARK, "--format", "html"]
    )
    out, err = capsys.readouterr()
    assert code == 0 and err == ""
    assert out.startswith("<!DOCTYPE html>") and "StepwiseLogit" in out


def test_a_wrong_encoding_names_the_file_and_the_encoding(european, capsys):
    path, _, spec = european
    code = main(
        ["replicate", "--data", str(path), "--spec", str(spec), "--encoding", "utf-8"]
    )
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert f"data file {str(path)!r} is not valid utf-8 (byte 0xe1" in err
    assert "--encoding" in err


def test_a_csv_read_as_one_column_names_the_delimiter(european, capsys):
    path, _, spec = european
    code = main(
        ["replicate", "--data", str(path), "--spec", str(spec), "--sep", "|"]
        + ["--encoding", "cp1252"]
    )
    err = capsys.readouterr().err
    assert code == 2 and "was read as one column" in err and "--sep ';'" in err


@pytest.mark.parametrize("command", ["replicate", "benchmark"])
def test_missing_targets_are_left_out_by_both_commands(
    foreign, tmp_path, capsys, few_models, command
):
    _, spec, frame = foreign
    holes = frame.copy()
    holes.loc[[3, 50, 99], "did_innovate"] = np.nan
    path = tmp_path / "holes.csv"
    holes.to_csv(path, index=False)
    code = main(
        [command, "--data", str(path), "--spec", str(spec)]
        + (FAST_BENCHMARK if command == "benchmark" else [])
    )
    captured = capsys.readouterr()
    assert code == 0
    assert (
        f"sklearn-innov {command}: note: target 'did_innovate' is missing in 3 of "
        # rows 3, 50 and 99 of the frame: the header is line 1
        "300 rows (lines 5, 52, 101): those rows were left out."
    ) in captured.err
    assert "297 rows" in captured.out or command == "benchmark"
    if command == "replicate":
        # the report itself says which rows its models left out
        assert "is missing in 3 of 300 rows" in " ".join(captured.out.split())


def test_run_benchmark_from_python_leaves_missing_targets_out_and_says_so(foreign):
    from sklearn.dummy import DummyClassifier

    data, spec, _ = foreign
    frame = pd.read_csv(data)
    frame.loc[[0, 1], "did_innovate"] = np.nan
    result = benchmark_from_spec(
        frame,
        read_spec_document(spec),
        repeats=1,
        folds=3,
        models={"StepwiseLogit": DummyClassifier(), "other": DummyClassifier()},
    )
    assert "missing in 2 of 300 rows (rows 0, 1): those rows were left out" in (
        result.description
    )
    assert result.n_train + result.n_test == 298


@pytest.fixture(scope="module")
def odd_files(tmp_path_factory):
    directory = tmp_path_factory.mktemp("odd")
    (directory / "empty.csv").write_text("", encoding="utf-8")
    (directory / "header.csv").write_text("q1,q2,y\n", encoding="utf-8")
    (directory / "a_file").write_text("not a directory", encoding="utf-8")
    deep = '{"indices": {"A": ' + "[" * 100_000 + "]" * 100_000 + "}}"
    (directory / "deep.json").write_text(deep, encoding="utf-8")
    return directory


@pytest.mark.parametrize(
    "argv, names",
    [
        (["--out", "{odd}/a_file"], "--out '{odd}/a_file' is a file"),
        (["--data", "{odd}", "--spec", "{spec}"], "--data '{odd}' is a directory"),
        (
            ["--data", "{odd}/empty.csv", "--spec", "{spec}"],
            "data file '{odd}/empty.csv' is empty",
        ),
        (
            ["--data", "{odd}/header.csv", "--spec", "{spec}"],
            "data file '{odd}/header.csv' has no rows (only the column names",
        ),
        (["--random-state", "-1"], "argument --random-state: must be an integer"),
        (
            ["--data", "{data}", "--spec", "{odd}/deep.json"],
            "spec file '{odd}/deep.json' nests tables or lists deeper",
        ),
        (["--data", "{data}", "--spec", "{spec}", "--sep", "ab"], "--sep must be"),
        (["--data", "{data}", "--spec", "{odd}"], "spec file '{odd}' is a directory"),
    ],
)
def test_user_mistakes_end_in_one_line_naming_the_option_or_file(
    foreign, odd_files, capsys, argv, names
):
    data, spec, _ = foreign
    fill = {"odd": str(odd_files), "spec": str(spec), "data": str(data)}
    code = run(["replicate", *(a.format(**fill) for a in argv)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("sklearn-innov")
    assert names.format(**fill) in err
    for noise in ("Traceback", "Errno", "usage:"):
        assert noise not in err


@pytest.mark.parametrize("value", ["1", "0", "x"])
def test_benchmark_refuses_impossible_folds(capsys, value):
    assert run(["benchmark", "--folds", value]) == 2
    err = capsys.readouterr().err
    assert "argument --folds: must be an integer, 2 or more" in err


def test_a_reader_that_leaves_early_gets_no_broken_pipe_message():
    # the reader closes the pipe before the report is printed, as `| head`
    # does: the command stops quietly, as Python's documentation recommends
    process = subprocess.Popen(
        [sys.executable, "-m", "sklearn_innov", "replicate"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    process.stdout.close()
    err = process.stderr.read().decode()
    process.wait(timeout=120)
    process.stderr.close()
    assert "Broken pipe" not in err and "BrokenPipeError" not in err, err
    assert "Traceback" not in err
    assert process.returncode == 1


def test_benchmark_models_use_the_spec_files_index_settings():
    from sklearn_innov.model_selection import benchmark_models

    models = benchmark_models(
        {"A": ["q1", "q2"]},
        ["q1", "q2"],
        index_settings={"normalize": "rank", "aggregate": "mean"},
    )
    built = models["StepwiseLogit"].named_steps["compositeindex"]
    assert (built.normalize, built.aggregate) == ("rank", "mean")
    bounded = benchmark_models({"A": ["q1"]}, ["q1"], index_settings={"bounds": (1, 5)})
    search = bounded["GridSearchCV(StepwiseLogit)"]
    # declared bounds validate and reverse-key items under every normalisation
    assert search.param_grid["compositeindex__normalize"] == ["minmax", "zscore"]
    assert search.estimator.named_steps["compositeindex"].bounds == (1, 5)


def test_a_model_that_fails_in_some_folds_is_reported_not_fatal():
    from sklearn_innov.model_selection import BenchmarkResult

    scores = pd.DataFrame(
        {
            "model": ["StepwiseLogit"] * 3 + ["broken"] * 3,
            "repeat": 0,
            "fold": [0, 1, 2] * 2,
            **{
                metric: [0.8, 0.7, 0.9, np.nan, 0.6, np.nan]
                for metric in (
                    "roc_auc",
                    "accuracy",
                    "balanced_accuracy",
                    "brier",
                    "log_loss",
                )
            },
        }
    )
    result = BenchmarkResult(scores, 80, 40, "Data: test.")
    table = result.table()
    assert np.isnan(table.loc["broken", "t vs StepwiseLogit"])
    assert table.loc["broken", "roc_auc mean"] == pytest.approx(0.6)
    assert "broken failed to fit in 2 of 3 folds" in " ".join(
        str(result.summary()).split()
    )


def test_ctrl_c_exits_130_with_one_line_and_no_partial_files(
    tmp_path, capsys, monkeypatch
):
    import threading
    import warnings

    import sklearn_innov.report as report_module

    # Ctrl-C silences stderr, thread errors and warnings for the rest of the
    # process (cli._silence_teardown): restored after this test
    monkeypatch.setattr(sys, "stderr", sys.stderr)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(report_module, "replicate", interrupted)
    out = tmp_path / "out"
    with warnings.catch_warnings():
        assert main(["replicate", "--out", str(out)]) == 130
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["sklearn-innov replicate: interrupted; nothing more was written."]
    assert list(out.iterdir()) == []


def test_a_write_that_fails_midway_leaves_no_files(tmp_path, capsys, monkeypatch):
    # files reach --out only once every one is written
    from sklearn_innov.report._report import Report

    def half(self, directory, *, on_stage=None):
        first = Path(directory) / "report.md"
        first.write_text("half a report", encoding="utf-8")
        raise OSError(28, "No space left on device", str(first))

    monkeypatch.setattr(Report, "write", half)
    out = tmp_path / "out"
    assert main(["replicate", "--out", str(out)]) == 2
    assert "No space left on device" in capsys.readouterr().err
    assert list(out.iterdir()) == []  # no report.md, no hidden staging folder


@pytest.mark.parametrize(
    ("command", "writes", "not_written"),
    [
        (
            "replicate",
            "also write files into DIR (created if missing): report.md, "
            "report.html and report.tex, every table as CSV, the figures as PNG "
            "and provenance.json",
            "benchmark.md",
        ),
        (
            "benchmark",
            "also write files into DIR (created if missing): benchmark.md, the "
            "fold scores and tables as CSV, a box plot PNG and provenance.json",
            "report.md",
        ),
    ],
)
def test_each_commands_out_help_says_what_it_writes(
    command, writes, not_written, capsys
):
    # user7: replicate --help's --out described what benchmark writes too
    with pytest.raises(SystemExit):
        main([command, "--help"])
    text = " ".join(capsys.readouterr().out.split())
    out_help = text.split("--out DIR ", 2)[-1]
    assert out_help.startswith(writes)
    assert not_written not in text
