"""What the command shows while it runs: --quiet, --verbose, progress, logging.

stdout is the report and nothing else (pipeable); progress, notes and timings
go to stderr: a bar on a terminal, plain lines elsewhere, nothing but
warnings under --quiet. The stages a bar counts are the ones the library
reports, each once, whatever the spec turns on.
"""

import io
import logging
import re

import pytest

from sklearn_innov.cli import main
from sklearn_innov.datasets import make_sme_survey
from sklearn_innov.report import replicate
from sklearn_innov.report._analysis import ANALYSIS_STAGES, PAPER_DOCUMENT
from sklearn_innov.report._replicate import REPLICATE_STAGES
from sklearn_innov.report._report import WRITE_STAGES

LINE = re.compile(
    r"sklearn-innov replicate: (\d+)/(\d+) stages, elapsed \d\d:\d\d"
    r"(?:, ETA \d\d:\d\d \(just finished: (.+)\)|: (done))"
)
TIMING = re.compile(r"sklearn-innov replicate: (.+) took \d+\.\d\d s")


class FakeTTY(io.StringIO):
    def isatty(self):
        return True


def run(argv):
    try:
        return main(argv)
    except SystemExit as exc:
        return exc.code


def before_provenance(text):
    """The report up to its provenance, which names the time and the command."""
    return text.split("\nProvenance\n")[0]


@pytest.fixture(scope="module")
def quiet_report():
    """stdout of a --quiet run, the report every other run must print."""
    import contextlib

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        assert main(["replicate", "--quiet", "--random-state", "2"]) == 0
    return out.getvalue(), err.getvalue()


def test_quiet_prints_nothing_to_stderr_on_a_clean_run(quiet_report, tmp_path, capsys):
    out, err = quiet_report
    assert err == ""
    assert out.startswith("Endogenous learning for innovation")
    # --out too: "wrote N files" is a note, not a warning
    assert main(["replicate", "--quiet", "--out", str(tmp_path)]) == 0
    assert capsys.readouterr().err == ""
    assert (tmp_path / "report.html").is_file()


def test_not_a_terminal_gets_plain_progress_lines_on_stderr_only(quiet_report, capsys):
    assert main(["replicate", "--random-state", "2"]) == 0
    out, err = capsys.readouterr()
    # stdout is what it was: the same report, no progress in it
    assert before_provenance(out) == before_provenance(quiet_report[0])
    assert "stages" not in out and "\r" not in out
    lines = err.splitlines()
    assert lines and "\r" not in err
    matches = [LINE.fullmatch(line) for line in lines]
    assert all(matches), lines
    total = len(REPLICATE_STAGES) + 1  # + the rendering for stdout
    assert {int(m.group(2)) for m in matches} == {total}
    done = [int(m.group(1)) for m in matches]
    # at most one line per tenth of the run (and the last one)
    assert done == sorted(set(done)) and done[-1] == total
    assert len(done) <= 11
    assert matches[-1].group(4) == "done"
    assert all(m.group(3) for m in matches[:-1])


def test_verbose_times_every_counted_stage_once(tmp_path, capsys):
    assert main(["replicate", "--verbose", "--out", str(tmp_path)]) == 0
    err = capsys.readouterr().err
    timed = [m.group(1) for m in map(TIMING.fullmatch, err.splitlines()) if m]
    # the bar's total is the number of stages that report: counted, not guessed
    assert timed == [*REPLICATE_STAGES, *WRITE_STAGES, "text for stdout"]
    last = [m for m in map(LINE.fullmatch, err.splitlines()) if m][-1]
    assert int(last.group(1)) == int(last.group(2)) == len(timed)
    assert f"sklearn-innov replicate: wrote 52 files to {tmp_path}" in err


def test_reading_data_is_a_stage(tmp_path, capsys):
    survey = make_sme_survey(random_state=4).frame
    data = tmp_path / "survey.csv"
    survey.to_csv(data, index=False)
    spec = tmp_path / "spec.toml"
    spec.write_text(
        '[indices]\nX1 = ["collab_suppliers", "collab_customers"]\n'
        'X3 = ["learn_training", "learn_ict", "learn_research"]\n'
        'Y = ["innov_product", "innov_process"]\n'
        '[model]\noutcome = "Y"\ntarget = "innovated"\n',
        encoding="utf-8",
    )
    argv = ["replicate", "--verbose", "--data", str(data), "--spec", str(spec)]
    assert main(argv) == 0
    err = capsys.readouterr().err
    timed = [m.group(1) for m in map(TIMING.fullmatch, err.splitlines()) if m]
    assert timed == ["read survey.csv", *REPLICATE_STAGES, "text for stdout"]


def test_a_terminal_gets_a_bar_and_no_progress_lines(monkeypatch, capsys):
    tty = FakeTTY()
    monkeypatch.setattr("sys.stderr", tty)
    assert main(["replicate", "--random-state", "2"]) == 0
    out = capsys.readouterr().out
    err = tty.getvalue()
    total = len(REPLICATE_STAGES) + 1
    assert "\r" in err and f"{total}/{total}" in err
    assert re.search(r"\[\d\d:\d\d<\d\d:\d\d", err)  # elapsed<ETA
    assert not LINE.search(err)
    assert "stage" not in out and "\r" not in out


def test_quiet_on_a_terminal_draws_no_bar(monkeypatch, capsys):
    tty = FakeTTY()
    monkeypatch.setattr("sys.stderr", tty)
    assert main(["replicate", "--quiet"]) == 0
    assert tty.getvalue() == ""


def test_quiet_still_says_rows_were_left_out(tmp_path, capsys):
    # no data dropped silently: the note is a warning, shown under --quiet
    survey = make_sme_survey(random_state=4).frame
    survey.loc[[5, 9], "innovated"] = float("nan")
    data = tmp_path / "survey.csv"
    survey.to_csv(data, index=False)
    spec = tmp_path / "spec.toml"
    spec.write_text(
        '[indices]\nX1 = ["collab_suppliers", "collab_customers"]\n'
        'X3 = ["learn_training", "learn_ict"]\n'
        'Y = ["innov_product", "innov_process"]\n'
        '[model]\noutcome = "Y"\ntarget = "innovated"\n',
        encoding="utf-8",
    )
    code = main(["replicate", "--quiet", "--data", str(data), "--spec", str(spec)])
    err = capsys.readouterr().err
    assert code == 0
    assert err.splitlines() == [
        "sklearn-innov replicate: note: target 'innovated' is missing in 2 of "
        "127 rows (lines 7, 11): those rows were left out."
    ]


@pytest.mark.parametrize("command", ["replicate", "benchmark"])
def test_quiet_and_verbose_exclude_each_other(command, capsys):
    assert run([command, "--quiet", "--verbose"]) == 2
    err = capsys.readouterr().err
    assert "not allowed with argument" in err and len(err.splitlines()) == 1


# the synthetic survey's items that are constant on a training fold
@pytest.mark.filterwarnings("ignore::sklearn_innov.exceptions.ConstantItemWarning")
def test_benchmark_takes_verbose(capsys, monkeypatch):
    from sklearn_innov.model_selection import _benchmark

    every = _benchmark.benchmark_models

    def two(spec, items, random_state=0, index_settings=None):
        models = every(spec, items, random_state, index_settings=index_settings)
        return {label: models[label] for label in ("StepwiseLogit", "DummyClassifier")}

    monkeypatch.setattr(_benchmark, "benchmark_models", two)
    argv = ["benchmark", "--repeats", "1", "--folds", "3", "--verbose"]
    assert main(argv) == 0
    assert "StepwiseLogit" in capsys.readouterr().out


def test_the_run_leaves_logging_as_it_found_it(capsys):
    library = logging.getLogger("sklearn_innov")
    handlers, level = list(library.handlers), library.level
    assert main(["replicate", "--verbose", "--random-state", "2"]) == 0
    assert library.handlers == handlers and library.level == level
    # a second run in the same process does not print its lines twice
    capsys.readouterr()
    assert main(["replicate", "--random-state", "2"]) == 0
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == len(set(lines))


def _stages(**kwargs):
    seen = []
    replicate(figures=False, on_stage=seen.append, **kwargs)
    return seen


def test_replicate_reports_each_stage_once_whatever_the_spec_turns_on():
    # the paper's analysis (adjusted model, comparison with the paper) ...
    assert _stages() == list(REPLICATE_STAGES)
    # ... and a user's survey under a stratified design, with no adjusted
    # model and no comparison: the same stages, in the same order
    survey = make_sme_survey(random_state=3, design="stratified")
    document = {
        **PAPER_DOCUMENT,
        "model": {"outcome": "Y", "target": "innovated"},
        "design": survey.design,
    }
    seen = _stages(frame=survey.frame, document=document)
    assert seen == list(REPLICATE_STAGES)
    assert seen[: len(ANALYSIS_STAGES)] == list(ANALYSIS_STAGES)


def test_report_write_reports_each_file_kind_once(tmp_path):
    report, _ = replicate(figures=False)
    seen = []
    paths = report.write(tmp_path, on_stage=seen.append)
    assert seen == list(WRITE_STAGES)
    assert {p.name for p in paths} >= {"report.md", "report.html", "provenance.json"}


def test_warnings_are_one_line_each_said_once(monkeypatch, capsys):
    import warnings

    import sklearn_innov.report as report_module
    from sklearn_innov.exceptions import ConstantItemWarning

    real = report_module.replicate

    def warned(*args, **kwargs):
        for _ in range(3):  # as from every fold of a benchmark
            warnings.warn(
                "item 'q1' is constant; drop it", ConstantItemWarning, stacklevel=2
            )
        return real(*args, **kwargs)

    monkeypatch.setattr(report_module, "replicate", warned)
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        show = warnings.showwarning
        assert main(["replicate", "--quiet"]) == 0
        assert warnings.showwarning is show  # restored
    # shown under --quiet: a warning is not progress
    assert capsys.readouterr().err.splitlines() == [
        "sklearn-innov replicate: warning: item 'q1' is constant; drop it "
        "(ConstantItemWarning)"
    ]
