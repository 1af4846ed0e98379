"""Progress of a long run: a bar on a terminal, plain log lines elsewhere.

One small API for every long loop of the library (``replicate``'s stages,
``run_benchmark``'s folds): :func:`progress` is a context manager yielding a
:class:`Progress` whose :meth:`~Progress.update` counts finished steps. Where
it writes depends on where a person would read it:

- on a terminal (``file.isatty()``, stderr by default), a tqdm bar with the
  elapsed time and an ETA, redrawn in place;
- anywhere else (a log file, CI, a pipe), no bar: plain INFO lines through
  the ``sklearn_innov.progress`` logger, each with done/total, the elapsed
  time, an ETA and the step that just finished, at most one per tenth of
  the run or per ``interval`` seconds, whichever comes first, and one at
  the end ("...: done"). Carriage
  returns would fill a log file with a thousand redrawn bars;
- nowhere when ``enabled`` is False.

Either way each step's duration goes to the same logger at DEBUG, so a
caller that shows DEBUG lines (the command line's ``--verbose``) gets a
timing per step for free. The library configures no handler: what is shown
is the application's choice (see :mod:`sklearn_innov.cli`).
"""

import contextlib
import logging
import os
import sys
import threading
import time

from tqdm import tqdm

__all__ = ["Progress", "eta_seconds", "format_seconds", "no_stage", "progress"]

logger = logging.getLogger("sklearn_innov.progress")


def no_stage(stage):
    """The ``on_stage`` callback of a caller that shows no progress: ignore it.

    Parameters
    ----------
    stage : str
        The stage that finished.
    """


def eta_seconds(done, total, elapsed):
    """Seconds left if the remaining steps go at the average pace so far.

    ``elapsed / done * (total - done)``; None before the first step (no pace
    yet), 0.0 once every step is done.

    Parameters
    ----------
    done : int
        Steps finished.
    total : int
        Steps in all.
    elapsed : float
        Seconds since the start.

    Returns
    -------
    eta : float or None
        The estimate, or None when nothing is finished yet.
    """
    if done >= total:
        return 0.0
    if done <= 0:
        return None
    return elapsed / done * (total - done)


def format_seconds(seconds):
    """``m:ss`` or ``h:mm:ss`` (tqdm's format, as on the bar); ``?`` for None.

    Parameters
    ----------
    seconds : float or None

    Returns
    -------
    text : str
    """
    return "?" if seconds is None else tqdm.format_interval(seconds)


class Progress:
    """The counter :func:`progress` yields; call :meth:`update` per finished step.

    Parameters
    ----------
    total : int
        Steps in all.
    desc : str
        What is running, the first words of every line.
    unit : str
        What a step is, e.g. ``"stage"`` or ``"fold"``.
    bar : tqdm or None
        The terminal bar, or None to write log lines.
    clock : callable
        Seconds as a float (``time.perf_counter``; a fake one in tests).
    interval : float
        Longest wait, in seconds, between two log lines.
    enabled : bool
        False counts the steps and shows and logs nothing.
    """

    def __init__(self, total, desc, unit, bar, clock, interval, enabled):
        self.total = total
        self.desc = desc
        self.unit = unit
        self.done = 0
        self._bar = bar
        self._clock = clock
        self._interval = interval
        self._enabled = enabled
        self._start = self._last_step = self._last_line = clock()
        self._tenths = 0  # tenths of the run already logged
        # run_benchmark may count folds from joblib's callback threads
        self._lock = threading.Lock()

    @property
    def elapsed(self):
        """Seconds since the start."""
        return self._clock() - self._start

    def update(self, n=1, *, label=None):
        """Count ``n`` more finished steps.

        Parameters
        ----------
        n : int, default=1
            Steps just finished.
        label : str, default=None
            What just finished (a stage, a model and fold), shown beside the
            bar or at the end of the log line, and named in the DEBUG timing.
        """
        with self._lock:
            self.done += n
            if not self._enabled:
                return
            now = self._clock()
            step, self._last_step = now - self._last_step, now
            logger.debug(
                "%s: %s took %.2f s",
                self.desc,
                label or f"{self.unit} {self.done}",
                step,
            )
            if self._bar is not None:
                if self.done >= self.total:
                    self._bar.set_postfix_str("done", refresh=False)
                elif label is not None:
                    self._bar.set_postfix_str(label, refresh=False)
                self._bar.update(n)
                return
            tenths = self.done * 10 // self.total if self.total else 10
            if (
                tenths > self._tenths
                or now - self._last_line >= self._interval
                or self.done >= self.total
            ):
                self._last_line, self._tenths = now, tenths
                logger.info(self._line(now - self._start, label))

    def _line(self, elapsed, label):
        counted = (
            f"{self.desc}: {self.done}/{self.total} {self.unit}s, "
            f"elapsed {format_seconds(elapsed)}"
        )
        if self.done >= self.total:
            # the last line says the run is over, not "ETA 00:00" beside
            # whichever step happened to finish last
            return f"{counted}: done"
        eta = eta_seconds(self.done, self.total, elapsed)
        text = f"{counted}, ETA {format_seconds(eta)}"
        return text if label is None else f"{text} (just finished: {label})"


@contextlib.contextmanager
def progress(
    total,
    desc,
    *,
    enabled=True,
    unit="step",
    file=None,
    interval=10.0,
    clock=time.perf_counter,
):
    """Show the progress of ``total`` steps while the block runs.

    Parameters
    ----------
    total : int
        Steps in all (counted beforehand, not guessed).
    desc : str
        What is running, e.g. ``"replicate"``.
    enabled : bool, default=True
        False shows nothing at all (the command line's ``--quiet``).
    unit : str, default="step"
        What a step is, e.g. ``"stage"`` or ``"fold"``.
    file : file-like, default=None
        Where a terminal bar goes; None is ``sys.stderr`` at the time of the
        call. When it is not a terminal, progress goes to the
        ``sklearn_innov.progress`` logger instead.
    interval : float, default=10.0
        Longest wait, in seconds, between two log lines.
    clock : callable, default=time.perf_counter
        Seconds as a float.

    Yields
    ------
    counter : Progress
        Call ``counter.update(n=1, label=None)`` as steps finish.
    """
    if total < 0:
        raise ValueError(f"progress: total must be 0 or more steps, got {total}")
    file = sys.stderr if file is None else file
    on_terminal = enabled and _isatty(file)
    bar = None
    if on_terminal:
        # a terminal that reports no size (0 x 0: a pty nobody sized, as
        # under `script` or some CI runners) gets an empty bar from tqdm;
        # give it 80 x 24 then
        unsized = _columns(file) == 0
        bar = tqdm(
            total=total,
            desc=desc,
            unit=f" {unit}",
            file=file,
            ncols=80 if unsized else None,
            nrows=24 if unsized else None,
            dynamic_ncols=not unsized,
            leave=True,
        )
    counter = Progress(total, desc, unit, bar, clock, interval, enabled)
    try:
        with _lines_above(bar, file):
            yield counter
    except BaseException:
        if bar is not None:
            # an error or Ctrl-C: erase the bar, so the caller's one-line
            # message is all that is left on the screen
            bar.leave = False
        raise
    finally:
        if bar is not None:
            bar.close()


class _AboveBar:
    """A stream for logging handlers that prints above the bar, not through it."""

    def __init__(self, file):
        self._file = file

    def write(self, text):
        tqdm.write(text, file=self._file, end="")

    def flush(self):
        self._file.flush()


@contextlib.contextmanager
def _lines_above(bar, file):
    """While the bar is drawn, log lines to its file are printed above it.

    Only the handlers already writing to that file (the command line's, on
    the root or the ``sklearn_innov`` logger) are redirected, and only for the
    block; tqdm's own ``logging_redirect_tqdm`` would add a handler to a
    logger that has none, printing what the application chose not to show.
    """
    if bar is None:
        yield
        return
    handlers = [
        handler
        for name in (None, "sklearn_innov")
        for handler in logging.getLogger(name).handlers
        if isinstance(handler, logging.StreamHandler) and handler.stream is file
    ]
    for handler in handlers:
        handler.setStream(_AboveBar(file))
    try:
        yield
    finally:
        for handler in handlers:
            handler.setStream(file)


def _columns(file):
    """The terminal's width, or None when the file does not say."""
    try:
        return os.get_terminal_size(file.fileno()).columns
    except (AttributeError, OSError, ValueError):  # no fileno, not a terminal
        return None


def _isatty(file):
    try:
        return bool(file.isatty())
    except (AttributeError, ValueError):  # no isatty, or a closed file
        return False
