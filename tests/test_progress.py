"""Progress: a bar on a terminal, log lines elsewhere, nothing when disabled.

The ETA is checked against its closed form, ``elapsed / done * (total -
done)``, with a fake clock, and its printed ``mm:ss`` against a formatter
written here.
"""

import io
import logging
import re
import threading

import pytest

import sklearn_innov
from sklearn_innov.utils._progress import eta_seconds, progress


class FakeTTY(io.StringIO):
    def isatty(self):
        return True


class FakeClock:
    """Returns the given times, one per call, then the last one forever."""

    def __init__(self, times):
        self.times = list(times)

    def __call__(self):
        return self.times.pop(0) if len(self.times) > 1 else self.times[0]


def mmss(seconds):
    whole = int(seconds)
    return f"{whole // 60:02d}:{whole % 60:02d}"


def info_lines(caplog):
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "sklearn_innov.progress" and r.levelno == logging.INFO
    ]


@pytest.fixture
def log(caplog):
    caplog.set_level(logging.DEBUG, logger="sklearn_innov")
    return caplog


def test_terminal_gets_a_bar_with_eta_and_no_log_lines(log):
    tty = FakeTTY()
    with progress(4, "replicate", unit="stage", file=tty) as bar:
        for stage in ["read", "indices", "regression", "logit"]:
            bar.update(label=stage)
    out = tty.getvalue()
    assert "\r" in out  # redrawn in place
    # the finished bar says so, not the label of the last step
    assert "replicate" in out and "4/4" in out and "done" in out
    # tqdm's [elapsed<remaining] is the ETA
    assert re.search(r"\[\d\d:\d\d<\d\d:\d\d", out)
    assert info_lines(log) == []


def test_not_a_terminal_writes_plain_lines_with_eta(log):
    # steps of 7.3, 20.1, 12.6 and 31.0 s; 10 steps in all
    ends = [7.3, 27.4, 40.0, 71.0]
    clock = FakeClock([100.0] + [100.0 + t for t in ends])
    stream = io.StringIO()
    with progress(10, "benchmark", unit="fold", file=stream, clock=clock) as bar:
        for i in range(4):
            bar.update(label=f"logit fold {i}")
    assert stream.getvalue() == ""  # no bar, no carriage return in a log
    lines = info_lines(log)
    assert len(lines) == 4  # every step is a tenth of the run
    for done, (elapsed, line) in enumerate(zip(ends, lines, strict=True), start=1):
        eta = elapsed / done * (10 - done)
        assert line == (
            f"benchmark: {done}/10 folds, elapsed {mmss(elapsed)}, "
            f"ETA {mmss(eta)} (just finished: logit fold {done - 1})"
        )


def test_the_last_line_says_done_not_eta_and_the_last_label(log):
    clock = FakeClock([0.0, 20.0, 56.0])
    with progress(2, "benchmark", unit="fit", file=io.StringIO(), clock=clock) as bar:
        bar.update(label="logit, fold 1 of 2")
        bar.update(label="logit, fold 2 of 2")
    assert info_lines(log) == [
        "benchmark: 1/2 fits, elapsed 00:20, ETA 00:20 "
        "(just finished: logit, fold 1 of 2)",
        "benchmark: 2/2 fits, elapsed 00:56: done",
    ]


def test_a_terminal_bar_ends_with_done():
    tty = FakeTTY()
    with progress(2, "benchmark", unit="fit", file=tty) as bar:
        bar.update(label="logit, fold 1 of 2")
        bar.update(label="logit, fold 2 of 2")
    last = tty.getvalue().split("\r")[-1]
    assert "2/2" in last and "done" in last and "fold 2 of 2" not in last


def test_eta_closed_form_and_edges():
    assert eta_seconds(3, 12, 9.0) == pytest.approx(9.0 / 3 * 9)
    assert eta_seconds(0, 12, 5.0) is None  # no pace yet
    assert eta_seconds(12, 12, 5.0) == 0.0
    assert eta_seconds(0, 0, 0.0) == 0.0  # nothing to do is done


def test_log_lines_every_tenth_or_every_interval(log):
    # 200 quick steps: a line per 10% (every 20 steps), not 200 lines
    clock = FakeClock([0.01 * i for i in range(201)])
    with progress(200, "fast", file=io.StringIO(), clock=clock) as bar:
        for _ in range(200):
            bar.update()
    lines = info_lines(log)
    assert [int(re.search(r"(\d+)/200", x).group(1)) for x in lines] == list(
        range(20, 201, 20)
    )
    log.clear()
    # 1000 slow steps of 4 s: a line once 10 s have passed, not per 10%
    clock = FakeClock([4.0 * i for i in range(8)])
    with progress(1000, "slow", file=io.StringIO(), clock=clock) as bar:
        for _ in range(7):
            bar.update()
    lines = info_lines(log)
    assert [int(re.search(r"(\d+)/1000", x).group(1)) for x in lines] == [3, 6]


def test_debug_timing_per_step(log):
    clock = FakeClock([0.0, 1.25, 4.0])
    with progress(2, "replicate", file=io.StringIO(), clock=clock) as bar:
        bar.update(label="indices")
        bar.update()
    debug = [r.getMessage() for r in log.records if r.levelno == logging.DEBUG]
    assert debug == ["replicate: indices took 1.25 s", "replicate: step 2 took 2.75 s"]


def test_disabled_prints_and_logs_nothing(log):
    tty = FakeTTY()
    with progress(3, "quiet", enabled=False, file=tty) as bar:
        for _ in range(3):
            bar.update(label="x")
    assert tty.getvalue() == ""
    assert [r for r in log.records if r.name.startswith("sklearn_innov")] == []
    assert bar.done == 3  # still counted


def test_log_lines_go_above_the_bar_and_handlers_are_restored():
    tty = FakeTTY()
    handler = logging.StreamHandler(tty)
    lib = logging.getLogger("sklearn_innov")
    lib.addHandler(handler)
    old_level = lib.level
    lib.setLevel(logging.INFO)
    try:
        with progress(2, "replicate", file=tty) as bar:
            bar.update()
            assert handler.stream is not tty
            logging.getLogger("sklearn_innov.report").info("a note")
            bar.update()
        assert handler.stream is tty
    finally:
        lib.removeHandler(handler)
        lib.setLevel(old_level)
    out = tty.getvalue()
    # the note is on a line of its own, not glued to a half-drawn bar
    assert "\ra note\n" in out


def test_counts_from_threads():
    stream = io.StringIO()
    with progress(400, "threads", file=stream) as bar:
        workers = [
            threading.Thread(target=lambda: [bar.update() for _ in range(100)])
            for _ in range(4)
        ]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
    assert bar.done == 400


def test_zero_steps_and_negative_total():
    with progress(0, "nothing", file=FakeTTY()):
        pass
    with pytest.raises(ValueError, match="total must be 0 or more"):
        with progress(-1, "bad"):
            pass


def test_library_logger_has_only_a_null_handler():
    handlers = logging.getLogger(sklearn_innov.__name__).handlers
    assert any(isinstance(h, logging.NullHandler) for h in handlers)
    assert logging.getLogger("sklearn_innov.progress").handlers == []


def test_an_error_erases_the_bar():
    tty = FakeTTY()
    with pytest.raises(KeyboardInterrupt):
        with progress(5, "replicate", file=tty) as bar:
            bar.update(label="indices")
            raise KeyboardInterrupt
    out = tty.getvalue()
    assert "replicate:   0%" in out  # it was drawn
    # then blanked: the last redraw is spaces, and no line is left behind
    assert out.rsplit("\r", 1)[-1].strip() == "" and not out.endswith("\n")
