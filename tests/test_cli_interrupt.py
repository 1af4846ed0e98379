"""Ctrl-C in a parallel ``sklearn-innov benchmark``, as a terminal sends it:
SIGINT to the whole process group, the loky workers included. One line on
stderr, exit code 130, no worker's traceback, no process left (issue 28,
item 1)."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import sklearn_innov

pytestmark = pytest.mark.skipif(
    sys.platform != "linux", reason="reads the process group from /proc"
)
ROOT = Path(sklearn_innov.__file__).resolve().parent.parent
INTERRUPTED = "sklearn-innov benchmark: interrupted; nothing more was written.\n"
SIGINT_BIT = 1 << (signal.SIGINT - 1)
# `python -m sklearn_innov ...` with Ctrl-C handled as in a terminal, even
# when pytest runs as a background job (whose children inherit SIGINT ignored)
DEFAULT_SIGINT_THEN_THE_COMMAND = (
    "import runpy, signal; signal.signal(signal.SIGINT, signal.default_int_handler); "
    "runpy.run_module('sklearn_innov', run_name='__main__')"
)


def _group(pgid):
    """{pid: (command line, /proc status)} of the live processes of a group."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) != pgid or fields[0] == "Z":
                continue
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
            found[int(entry.name)] = (command.decode(), (entry / "status").read_text())
        except (OSError, IndexError, ValueError):
            continue  # gone meanwhile
    return found


def _ignores_sigint(status):
    line = next(line for line in status.splitlines() if line.startswith("SigIgn"))
    return bool(int(line.split()[1], 16) & SIGINT_BIT)


def _interrupt_once():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-c", DEFAULT_SIGINT_THEN_THE_COMMAND, "benchmark"]
        + ["--n-jobs", "2", "--repeats", "10", "--quiet"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own group, signalled as a terminal does
        env=env,
        cwd=ROOT,
    )
    try:
        # both workers seen ignoring SIGINT: their initializer ran (a library
        # imported by the first fit may later install a handler that passes
        # the signal on to that disposition, so it is watched for closely)
        seen, deadline = set(), time.monotonic() + 60
        while len(seen) < 2:
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, (
                f"{len(seen)} of 2 workers were seen ignoring SIGINT: "
                f"{[c for c, _ in _group(process.pid).values()]}"
            )
            seen |= {
                pid
                for pid, (command, status) in _group(process.pid).items()
                if "popen_loky" in command and _ignores_sigint(status)
            }
            time.sleep(0.01)
        time.sleep(1.0)  # fits under way
        os.killpg(process.pid, signal.SIGINT)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:  # pragma: no cover - a hung run
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    left = _group(process.pid)
    deadline = time.monotonic() + 10
    while left and time.monotonic() < deadline:
        time.sleep(0.1)
        left = _group(process.pid)
    return process.returncode, out.decode(), err.decode(), left


def test_ctrl_c_to_the_process_group_prints_one_line_and_leaves_no_worker():
    for _ in range(3):
        code, out, err, left = _interrupt_once()
        assert code == 130
        assert "Traceback" not in err
        assert err == INTERRUPTED
        assert out == ""  # no partial report
        assert left == {}, [command for command, _ in left.values()]


def test_only_the_command_s_workers_ignore_ctrl_c():
    # run_benchmark from Python (a notebook) keeps joblib's default backend:
    # the command's lives only inside its block
    import joblib
    from joblib.parallel import get_active_backend
    from sklearn.utils.parallel import Parallel, delayed

    from sklearn_innov.cli import _workers_leave_ctrl_c_to_us

    before = type(get_active_backend()[0])
    with _workers_leave_ctrl_c_to_us(None):
        inside = get_active_backend()[0]
        assert isinstance(inside, joblib.parallel.LokyBackend)
        assert type(inside) is not before
        # every worker that runs a task has SIGINT ignored, whatever it
        # imported since (the task imports sklearn_innov, polars included)
        found = Parallel(n_jobs=2)(delayed(_disposition)() for _ in range(8))
    assert {handler for _, handler in found} == {signal.SIG_IGN}
    assert type(get_active_backend()[0]) is before
    # outside the block, joblib's workers are joblib's: Ctrl-C interrupts them
    found = Parallel(n_jobs=2)(delayed(_disposition)() for _ in range(8))
    assert {handler for _, handler in found} == {signal.default_int_handler}
    # under --scheduler, dask's backend is left alone
    with _workers_leave_ctrl_c_to_us("tcp://somewhere:8786"):
        assert type(get_active_backend()[0]) is before


def _disposition():
    import sklearn_innov.model_selection  # noqa: F401 (what a fit imports)

    return os.getpid(), signal.getsignal(signal.SIGINT)
