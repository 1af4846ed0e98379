"""``sklearn-innov benchmark``: --out checked before any fit, the folder there
after Ctrl-C as after replicate's, and --reference's help (issue 28, item 6)."""

import os
import sys
import threading
import warnings

import pytest

from sklearn_innov.cli import build_parser, main
from sklearn_innov.datasets import PAPER_SPEC
from sklearn_innov.model_selection import _benchmark, benchmark_models

SMALL = ["benchmark", "--repeats", "1", "--folds", "2", "--quiet"]


def run(argv):
    try:
        return main(argv)
    except SystemExit as exc:
        return exc.code


@pytest.fixture
def no_fits(monkeypatch):
    """Fail the test if the benchmark starts fitting."""

    def fits(*args, **kwargs):
        raise AssertionError("the benchmark started fitting")

    monkeypatch.setattr(_benchmark, "_cross_validate_models", fits)


def test_an_out_folder_that_cannot_be_made_fails_before_the_fits(
    tmp_path, capsys, no_fits
):
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder", encoding="utf-8")
    code = run([*SMALL, "--out", str(blocker / "sub")])
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith(
        f"sklearn-innov benchmark: error: --out {str(blocker / 'sub')!r}: cannot "
        "create the folder"
    )


@pytest.fixture
def teardown_restored(monkeypatch):
    """Ctrl-C silences stderr, thread errors and warnings for the rest of the
    process (``cli._silence_teardown``): undo it after the test."""
    monkeypatch.setattr(sys, "stderr", sys.stderr)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    with warnings.catch_warnings():
        yield
    if getattr(sys.stderr, "name", None) == os.devnull:
        sys.stderr.close()  # the null device the interrupted run opened


def test_after_ctrl_c_the_out_folder_exists_and_holds_nothing(
    tmp_path, capsys, monkeypatch, teardown_restored
):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(_benchmark, "_cross_validate_models", interrupted)
    out = tmp_path / "bench"
    assert run([*SMALL, "--out", str(out)]) == 130
    # as replicate: created before the fits (README: "created before the
    # analysis starts"), and nothing in it looks like a finished run
    assert out.is_dir()
    assert list(out.iterdir()) == []
    assert "interrupted; nothing more was written" in capsys.readouterr().err


def test_reference_help_lists_the_default_models_labels(capsys):
    mechanisms = {k: v for k, v in PAPER_SPEC.items() if k != "Y"}
    items = [i for v in mechanisms.values() for i in v]
    labels = list(benchmark_models(mechanisms, items))
    parser = build_parser()
    with pytest.raises(SystemExit):
        parser.parse_args(["benchmark", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    listed = ", ".join(repr(label) for label in labels)
    assert (
        f"--reference LABEL the model every other is tested against, one of {listed}"
        in text
    )


def test_ctrl_c_prints_one_line_whatever_the_worker_pool_does_at_teardown(
    tmp_path, capfd, monkeypatch, teardown_restored
):
    # user7's run: after the "interrupted" line, loky's manager thread, tearing
    # the pool down, printed a UserWarning ("Failed to kill subprocesses") and
    # an uncaught exception's traceback. Simulated without timing: a thread
    # started during the fits raises and warns once the command has returned,
    # as loky's does at the interpreter's exit.
    released = threading.Event()

    def manager():
        released.wait()
        warnings.warn("Failed to kill subprocesses.", UserWarning, stacklevel=1)
        print("stray line from a worker pool", file=sys.stderr)
        raise AttributeError("'Popen' object has no attribute 'kill'")

    thread = threading.Thread(target=manager, name="ExecutorManagerThread")

    def interrupted(*args, **kwargs):
        thread.start()
        raise KeyboardInterrupt

    monkeypatch.setattr(_benchmark, "_cross_validate_models", interrupted)
    assert run([*SMALL, "--n-jobs", "2", "--out", str(tmp_path / "b")]) == 130
    released.set()
    thread.join()
    err = capfd.readouterr().err
    assert err == "sklearn-innov benchmark: interrupted; nothing more was written.\n"


def test_ctrl_c_shuts_the_reusable_worker_pool_down(monkeypatch):
    # no loky worker survives the interrupted run (checked by hand on user7's
    # BEPS run: `pgrep -f loky` empty after each of 5 interrupted runs)
    from joblib.externals.loky import get_reusable_executor

    from sklearn_innov import cli

    executor = get_reusable_executor(max_workers=1)
    assert executor.submit(int, "1").result() == 1
    workers = list(executor._processes.values())
    assert workers and all(worker.is_alive() for worker in workers)
    # as after joblib's abort on Ctrl-C: the executor no longer lists its
    # workers (user7's run hung at exit, waiting for one of them)
    monkeypatch.setattr(executor, "_processes", {})
    # and loky's own kill fails, as when Ctrl-C also killed its `pgrep`
    from joblib.externals.loky import process_executor

    monkeypatch.setattr(process_executor, "kill_process_tree", lambda p: None)
    cli._shutdown_workers()
    for worker in workers:
        worker.join(timeout=10)
    assert not any(worker.is_alive() for worker in workers)
