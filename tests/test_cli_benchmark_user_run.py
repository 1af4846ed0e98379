"""``sklearn-innov benchmark`` on a user's survey (issue 28's user run on ESS
round 10 Norway): bounds of the outcome's items, models failing in every
fold, the rows the provenance counts, one prefix on every stderr line, the
help of --out and --format, the file named in the description."""

import json
import re
import tomllib
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.dummy import DummyClassifier

from sklearn_innov.cli import build_parser, main
from sklearn_innov.datasets import PAPER_SPEC, make_sme_survey
from sklearn_innov.model_selection import (
    BenchmarkResult,
    _benchmark,
    benchmark_from_spec,
    benchmark_models,
)

MECHANISMS = {k: v for k, v in PAPER_SPEC.items() if k != "Y"}
ITEMS = [item for items in MECHANISMS.values() for item in items]
# rows whose X4 items are all unanswered: a NaN index under missing = "nan"
NO_X4 = [3, 40, 77]


def run(argv):
    try:
        return main(argv)
    except SystemExit as exc:
        return exc.code


def _bounds(frame, items):
    return {
        item: [float(frame[item].min()), float(frame[item].max())] for item in items
    }


@pytest.fixture
def user_files(tmp_path):
    """survey.csv with 3 rows of no X4 answer, spec.toml bounding Y's items."""
    frame = make_sme_survey(random_state=0).frame
    frame.loc[NO_X4, PAPER_SPEC["X4"]] = np.nan
    bounds = _bounds(frame, PAPER_SPEC["Y"] + PAPER_SPEC["X1"][:1])
    data = tmp_path / "survey.csv"
    frame.to_csv(data, index=False)
    lines = ["[indices]"]
    lines += [f"{k} = {json.dumps(v)}" for k, v in PAPER_SPEC.items()]
    lines += ["[model]", 'outcome = "Y"', 'target = "innovated"', "[index]"]
    lines += ['missing = "nan"', "[index.bounds]"]
    lines += [f"{k} = {json.dumps(v)}" for k, v in bounds.items()]
    spec = tmp_path / "spec.toml"
    spec.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return frame, str(data), str(spec)


@pytest.fixture
def two_models(monkeypatch):
    """The default models cut to StepwiseLogit and the prior (fast)."""
    real = benchmark_models

    def cut(*args, **kwargs):
        every = real(*args, **kwargs)
        return {k: every[k] for k in ("StepwiseLogit", "DummyClassifier")}

    monkeypatch.setattr(_benchmark, "benchmark_models", cut)


# -- 1. bounds of the withheld outcome items ------------------------------------


def test_bounds_of_the_outcomes_items_do_not_reach_the_models():
    frame = make_sme_survey(random_state=0).frame
    first = ITEMS[0]
    declared = _bounds(frame, PAPER_SPEC["Y"] + [first])
    settings = {"bounds": declared, "reverse": [PAPER_SPEC["Y"][0]]}
    models = benchmark_models(MECHANISMS, ITEMS, index_settings=settings)
    index = models["StepwiseLogit"].steps[0][1]
    # the mechanisms' bound is kept as declared; Y's are not columns of X
    assert index.bounds == {first: declared[first]}
    assert index.reverse is None
    assert settings["bounds"] == declared  # the caller's settings untouched
    models["StepwiseLogit"].fit(frame[ITEMS], frame["innovated"])


def test_a_spec_bounding_the_outcomes_items_benchmarks(user_files, two_models):
    frame, data, spec = user_files
    with open(spec, "rb") as file:
        document = tomllib.load(file)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = benchmark_from_spec(pd.read_csv(data), document, repeats=1, folds=3)
    assert not [w for w in caught if "failed to fit" in str(w.message)]
    assert np.isfinite(result.scores["roc_auc"]).all()


# -- 1. models failing in every fold --------------------------------------------


class Broken(ClassifierMixin, BaseEstimator):
    def fit(self, X, y):
        raise ValueError("bounds names column(s) not in X: 'imbgeco'")


def _scores(failing, folds=3):
    rng = np.random.default_rng(0)
    rows = []
    for model in ("StepwiseLogit", "a", "b"):
        for fold in range(folds):
            value = np.nan if model in failing else 0.6 + 0.05 * rng.random()
            rows.append({"model": model, "repeat": 0, "fold": fold, "roc_auc": value})
    return pd.DataFrame(rows)


def test_a_failed_reference_leads_the_summary_and_leaves_no_blank_rows():
    result = BenchmarkResult(_scores({"StepwiseLogit"}), 30, 10, "Data.")
    result._failures = {"StepwiseLogit": "ValueError: bounds names column(s)"}
    text = result.summary().render("text")
    assert text.split("\n\n")[1].splitlines() == [
        "Failed in every fold",
        "--------------------",
        "'StepwiseLogit' fails to fit in every fold (scored NaN; the FitFailedWarning",
        "lines say why): no score, and no model is compared with StepwiseLogit.",
        "StepwiseLogit: ValueError: bounds names column(s)",
    ]
    table = text.split("Cross-validated scores\n----------------------\n")[1]
    rows = table.split("\n\n")[0].splitlines()
    assert [row.split()[0] for row in rows] == ["Model", "a", "b"]
    assert "vs StepwiseLogit" not in text.split("Notes")[0]
    assert "Compared with" not in text


def test_every_model_failing_everywhere_is_an_error_not_a_result():
    with pytest.raises(
        ValueError,
        match=re.escape(
            "run_benchmark: every model failed to fit in every fold, so there is "
            "no score; a's first error: ValueError: bounds names column(s) not in "
            "X: 'imbgeco'"
        ),
    ):
        with pytest.warns(Warning):
            benchmark_from_spec(
                repeats=1,
                folds=2,
                models={"a": Broken(), "b": Broken()},
                reference="a",
            )


@pytest.mark.filterwarnings("always::sklearn.exceptions.FitFailedWarning")
def test_cli_every_model_failing_exits_2_with_one_line_and_writes_nothing(
    tmp_path, capsys, monkeypatch
):
    monkeypatch.setattr(
        _benchmark,
        "benchmark_models",
        lambda *a, **k: {"StepwiseLogit": Broken(), "other": Broken()},
    )
    out = tmp_path / "bench"
    code = run(["benchmark", "--repeats", "1", "--folds", "2", "--out", str(out)])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    assert captured.err.splitlines()[-1] == (
        "sklearn-innov benchmark: error: run_benchmark: every model failed to "
        "fit in every fold, so there is no score; StepwiseLogit's first error: "
        "ValueError: bounds names column(s) not in X: 'imbgeco'"
    )
    assert list(out.iterdir()) == []


@pytest.mark.filterwarnings("always::sklearn.exceptions.FitFailedWarning")
def test_cli_a_failed_reference_exits_1_after_a_summary_that_leads_with_it(
    tmp_path, capsys, monkeypatch
):
    monkeypatch.setattr(
        _benchmark,
        "benchmark_models",
        lambda *a, **k: {"StepwiseLogit": Broken(), "prior": DummyClassifier()},
    )
    out = tmp_path / "bench"
    argv = ["benchmark", "--repeats", "1", "--folds", "2", "--out", str(out)]
    code = run(argv)
    captured = capsys.readouterr()
    assert code == 1
    assert captured.err.splitlines()[-1] == (
        "sklearn-innov benchmark: error: the reference 'StepwiseLogit' failed to "
        "fit in every fold (ValueError: bounds names column(s) not in X: "
        "'imbgeco'), so no model is compared with it; fix it or choose another "
        "with --reference."
    )
    first_block = captured.out.split("\n\n")[1]
    assert first_block.startswith("Failed in every fold\n")
    markdown = (out / "benchmark.md").read_text(encoding="utf-8")
    assert markdown.index("Failed in every fold") < markdown.index(
        "Cross-validated scores"
    )
    assert "| StepwiseLogit" not in markdown


# -- 4. the rows the provenance counts ------------------------------------------


@pytest.mark.slow  # 0.6 s
def test_provenance_counts_the_rows_the_benchmark_used(
    user_files, two_models, tmp_path, capsys
):
    frame, data, spec = user_files
    out = tmp_path / "bench"
    argv = ["benchmark", "--data", data, "--spec", spec, "--quiet"]
    assert run([*argv, "--repeats", "1", "--folds", "3", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    used = len(frame) - len(NO_X4)  # innovated has no missing value
    assert f"3 of {len(frame)} rows have an index that is NaN" in " ".join(text.split())
    assert re.search(rf"^Rows analysed +{used}$", text, flags=re.M)
    fields = json.loads((out / "provenance.json").read_text(encoding="utf-8"))
    assert fields["rows"] == used == fields["spec"]["benchmark"]["rows"]


# -- 5. one prefix, the file named, help that says what --out writes ------------


def test_every_stderr_line_has_the_commands_prefix(
    user_files, two_models, tmp_path, capsys
):
    _, data, spec = user_files
    argv = ["benchmark", "--data", data, "--spec", spec, "--repeats", "1"]
    assert run([*argv, "--folds", "3", "--out", str(tmp_path / "b")]) == 0
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert any(re.match(r"sklearn-innov benchmark: \d+/\d+ fits", s) for s in lines)
    assert all(line.startswith("sklearn-innov benchmark: ") for line in lines)
    assert lines[-1] == f"sklearn-innov benchmark: wrote 6 files to {tmp_path / 'b'}"
    # the description names the file, not "the user's survey"
    assert "Data: survey.csv, 127 rows." in captured.out


@pytest.mark.slow  # 1.1 s
def test_replicate_says_what_it_wrote_after_its_last_progress_line(tmp_path, capsys):
    argv = ["replicate", "--out", str(tmp_path / "r")]
    assert run(argv) == 0
    lines = capsys.readouterr().err.splitlines()
    assert re.match(r"sklearn-innov replicate: wrote \d+ files to ", lines[-1])
    assert re.match(r"sklearn-innov replicate: (\d+)/\1 stages", lines[-2])


@pytest.mark.parametrize("command", ["replicate", "benchmark"])
def test_help_says_what_out_writes_and_what_format_renders(command, capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args([command, "--help"])
    text = " ".join(capsys.readouterr().out.split())
    # each command names the files IT writes (user7: replicate's named
    # benchmark's too)
    names = {
        "replicate": ("report.md", "report.html", "report.tex"),
        "benchmark": ("benchmark.md",),
    }[command]
    for name in names:
        assert name in text
    assert "provenance.json" in text and "CSV" in text and "PNG" in text
    assert (
        "rendered (default: text; html is a self-contained page, latex a complete "
        "document); --out writes the files listed under --out whatever this says"
    ) in text
    # not "every format": benchmark's --out writes Markdown, not HTML or LaTeX
    assert "every format" not in text
