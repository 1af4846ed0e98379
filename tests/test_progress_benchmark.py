"""The benchmark's progress lines name the fit that finished, and end "done".

Serial fits finish in submission order; under ``n_jobs=2`` a fit held back
finishes last, and the label of each line must be that of the fit that just
finished, not of the last one submitted.
"""

import logging
import re
import threading
import time

import numpy as np
import pandas as pd
import pytest
from joblib import parallel_config
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.model_selection import KFold

from sklearn_innov.model_selection import run_benchmark

TIMING = re.compile(r"benchmark: (.+, fold \d+ of \d+) took \d+\.\d\d s")
_OTHERS_DONE = threading.Event()
_DONE_COUNT = []


class HeldBack(ClassifierMixin, BaseEstimator):
    """A prior classifier whose fit on the first fold waits for the others.

    The first fold's training rows lack row id 0 (KFold without shuffling
    puts it in the first test fold).
    """

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        self.prior_ = float(np.mean(y == self.classes_[1]))
        if 0 not in set(np.asarray(X)[:, 0]):
            _OTHERS_DONE.wait(timeout=10)
            time.sleep(0.2)  # the others' scoring ends first
        else:
            _DONE_COUNT.append(1)
            if len(_DONE_COUNT) == 2:
                _OTHERS_DONE.set()
        return self

    def predict_proba(self, X):
        n = len(X)
        return np.column_stack([np.full(n, 1 - self.prior_), np.full(n, self.prior_)])

    def predict(self, X):
        return np.full(len(X), self.classes_[int(self.prior_ >= 0.5)])


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"id": np.arange(60.0), "x": rng.normal(size=60)})
    y = pd.Series(np.tile([0, 1], 30))
    return X, y


def _run(data, caplog, n_jobs):
    X, y = data
    _OTHERS_DONE.clear()
    _DONE_COUNT.clear()
    with caplog.at_level(logging.DEBUG, logger="sklearn_innov.progress"):
        run_benchmark(
            X,
            y,
            cv=KFold(3),
            scoring="roc_auc",
            models={"held": HeldBack()},
            reference=None,
            n_jobs=n_jobs,
        )
    messages = [
        r.getMessage() for r in caplog.records if r.name == "sklearn_innov.progress"
    ]
    finished = [m.group(1) for m in map(TIMING.fullmatch, messages) if m]
    infos = [
        r.getMessage()
        for r in caplog.records
        if r.name == "sklearn_innov.progress" and r.levelno == logging.INFO
    ]
    return finished, infos


def test_serial_labels_in_order_and_a_last_line_that_says_done(data, caplog):
    X, y = data  # _Quick: no fold held back
    with caplog.at_level(logging.DEBUG, logger="sklearn_innov.progress"):
        run_benchmark(
            X,
            y,
            cv=KFold(3),
            scoring="roc_auc",
            models={"held": _Quick()},
            reference=None,
            n_jobs=1,
        )
    messages = [
        r.getMessage() for r in caplog.records if r.name == "sklearn_innov.progress"
    ]
    finished = [m.group(1) for m in map(TIMING.fullmatch, messages) if m]
    assert finished == [f"held, fold {k} of 3" for k in (1, 2, 3)]
    infos = [
        r.getMessage()
        for r in caplog.records
        if r.name == "sklearn_innov.progress" and r.levelno == logging.INFO
    ]
    assert re.fullmatch(r"benchmark: 3/3 fits, elapsed \d\d:\d\d: done", infos[-1])
    assert re.fullmatch(
        r"benchmark: 1/3 fits, elapsed \d\d:\d\d, ETA \d\d:\d\d "
        r"\(just finished: held, fold 1 of 3\)",
        infos[0],
    )


class _Quick(HeldBack):
    def fit(self, X, y):
        self.classes_ = np.unique(y)
        self.prior_ = float(np.mean(y == self.classes_[1]))
        return self


def test_parallel_labels_name_the_fit_that_finished(data, caplog):
    """Fold 1 is submitted first and held back until folds 2 and 3 are
    fitted: the lines must name folds 2 and 3 first, fold 1 last."""
    with parallel_config(backend="threading"):
        finished, infos = _run(data, caplog, n_jobs=2)
    assert sorted(finished) == [f"held, fold {k} of 3" for k in (1, 2, 3)]
    assert finished[-1] == "held, fold 1 of 3"
    # the lines at 1/3 and 2/3 name the folds done by then, 2 and 3
    assert [re.search(r"fold (\d) of 3\)$", line).group(1) for line in infos[:2]] in (
        ["2", "3"],
        ["3", "2"],
    )
    assert re.fullmatch(r"benchmark: 3/3 fits, elapsed \d\d:\d\d: done", infos[-1])
