"""The default benchmark's provenance reuses the survey the benchmark drew:
the same record as before, the survey generated once (issue 28, item 5)."""

import hashlib
import json

import pytest

import sklearn_innov.datasets
from sklearn_innov.cli import main
from sklearn_innov.datasets import make_sme_survey
from sklearn_innov.model_selection import _benchmark, benchmark_models, benchmark_spec


@pytest.fixture
def two_models(monkeypatch):
    """The default models cut to StepwiseLogit and the prior (fast)."""
    real = benchmark_models

    def cut(*args, **kwargs):
        every = real(*args, **kwargs)
        return {k: every[k] for k in ("StepwiseLogit", "DummyClassifier")}

    monkeypatch.setattr(_benchmark, "benchmark_models", cut)


@pytest.fixture
def draws(monkeypatch):
    """Count every generation of the synthetic survey, wherever it is asked."""
    calls = []

    def counted(*args, **kwargs):
        calls.append(kwargs.get("random_state", args[0] if args else None))
        return make_sme_survey(*args, **kwargs)

    monkeypatch.setattr(_benchmark, "make_sme_survey", counted)
    monkeypatch.setattr(sklearn_innov.datasets, "make_sme_survey", counted)
    return calls


def test_the_default_benchmark_draws_the_survey_once_and_records_it(
    two_models, draws, tmp_path, capsys
):
    out = tmp_path / "bench"
    argv = ["benchmark", "--repeats", "1", "--folds", "2", "--random-state", "3"]
    assert main([*argv, "--quiet", "--out", str(out)]) == 0
    capsys.readouterr()
    assert draws == [3]  # drawn by the benchmark, not again for its provenance
    fields = json.loads((out / "provenance.json").read_text(encoding="utf-8"))
    # as replicate's provenance of the embedded survey: named by its seed,
    # no file digest (nothing was read)
    assert fields["data"] == (
        "the embedded synthetic survey, make_sme_survey(random_state=3)"
    )
    assert fields.get("data_sha256") is None
    # the rows and the spec, recomputed here from an independent draw
    survey = make_sme_survey(random_state=3).frame
    assert fields["rows"] == len(survey) == 127
    spec = benchmark_spec(_benchmark.DEFAULT_DOCUMENT, survey)._asdict()
    assert {k: v for k, v in fields["spec"].items() if k != "benchmark"} == (
        json.loads(json.dumps(spec))
    )
    canonical = json.dumps(
        fields["spec"], sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    assert fields["spec_sha256"] == hashlib.sha256(canonical.encode()).hexdigest()
    assert fields["spec"]["benchmark"]["rows"] == len(survey)


def test_provenance_json_is_named_as_written_only_when_it_is(
    two_models, tmp_path, capsys
):
    argv = ["benchmark", "--repeats", "1", "--folds", "2", "--quiet"]
    assert main(argv) == 0
    printed = " ".join(capsys.readouterr().out.split())
    assert "written beside benchmark.md" not in printed
    assert (
        "provenance.json keeps it in full, but only when the benchmark is "
        "written to a folder (sklearn-innov benchmark --out DIR"
    ) in printed
    out = tmp_path / "bench"
    assert main([*argv, "--out", str(out)]) == 0
    printed = " ".join(capsys.readouterr().out.split())
    written = " ".join((out / "benchmark.md").read_text(encoding="utf-8").split())
    assert (out / "provenance.json").is_file()
    for text in (printed, written):
        assert "provenance.json, written beside benchmark.md, keeps it in full." in (
            text
        )
        assert "but only when" not in text


def test_benchmark_latex_is_a_complete_document(two_models, tmp_path, capsys):
    """--format latex prints what pdflatex compiles, as replicate's does (it
    printed the body alone: "Missing \\begin{document}")."""
    import shutil
    import subprocess

    argv = ["benchmark", "--repeats", "1", "--folds", "2", "--quiet"]
    assert main([*argv, "--format", "latex"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("\\documentclass")
    assert text.rstrip().endswith("\\end{document}")
    assert text.count("\\begin{document}") == 1
    if shutil.which("pdflatex") is None:
        return
    (tmp_path / "b.tex").write_text(text, encoding="utf-8")
    done = subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "b.tex"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout[-2000:]
