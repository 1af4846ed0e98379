"""An item constant in some folds' training rows (a rarely given answer) is
one note naming it, its value, the folds and how often the data hold another
value; constant in every fold it stays a ConstantItemWarning (issue 28,
item 2). The fold counts are recomputed here from the folds themselves."""

import logging
import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.naive_bayes import GaussianNB
from sklearn.pipeline import make_pipeline

from sklearn_innov import CompositeIndex
from sklearn_innov.cli import main
from sklearn_innov.datasets import make_sme_survey
from sklearn_innov.exceptions import ConstantItemWarning
from sklearn_innov.model_selection import _benchmark, benchmark_models, run_benchmark

N = 60


@pytest.fixture
def survey():
    rng = np.random.default_rng(2)
    X = pd.DataFrame(
        {
            "a": rng.integers(1, 6, N).astype(float),
            "b": rng.integers(1, 6, N).astype(float),
            "rare": 0.0,
            "never": 0.0,
        }
    )
    X.loc[[0, 1, 2], "rare"] = 1.0  # three yeses, all in KFold's first test fold
    y = pd.Series((X["a"] + rng.normal(0, 1, N) > 3).astype(int))
    return X, y


def index_model(items):
    return make_pipeline(CompositeIndex(spec={"I": items}), GaussianNB())


def _constant_folds(column, splits):
    """The folds whose training rows hold a single value of ``column``."""
    return [
        k for k, (train, _) in enumerate(splits) if column.iloc[train].nunique() == 1
    ]


def test_an_item_constant_in_some_folds_is_one_note_not_a_warning(survey, caplog):
    X, y = survey
    cv = KFold(n_splits=4)  # test folds of 15 rows: rows 0-14 first
    splits = list(cv.split(X))
    outer = _constant_folds(X["rare"], splits)
    assert outer == [0]  # its three yeses are fold 0's test rows, not training
    with (
        warnings.catch_warnings(record=True) as caught,
        caplog.at_level(logging.INFO, logger="sklearn_innov"),
    ):
        warnings.simplefilter("always")
        run_benchmark(
            X, y, cv=cv, models={"nb": index_model(["a", "b", "rare"])}, progress=False
        )
    assert not [w for w in caught if w.category is ConstantItemWarning]
    notes = [r.getMessage() for r in caplog.records if "note:" in r.getMessage()]
    nonzero = int((X["rare"] != 0).sum())
    assert notes == [
        f"note: 'rare' is 0 in every training row of {len(outer)} of 4 folds (it "
        f"is nonzero in {nonzero} of {N} rows of the data): in those folds each "
        "adds nothing to its index (a rarely given answer; nothing to fix)."
    ]
    assert notes[0].startswith("note: 'rare' is 0 in every training row of 1 of 4")


def test_a_grid_search_s_inner_folds_are_not_called_the_fold_s_training_rows(
    survey, caplog
):
    X, y = survey
    X = X.copy()
    X.loc[[0, 1, 2], "rare"] = 0.0
    X.loc[[20, 21], "rare"] = 1.0  # in fold 1's test rows: fold 1 constant
    cv = KFold(n_splits=4)
    splits = list(cv.split(X))
    assert _constant_folds(X["rare"], splits) == [1]
    # the search's own 2 inner folds: in outer fold 0 (training rows 15-59)
    # the first inner fold trains on rows 38-59, without rows 20 and 21
    search = GridSearchCV(
        index_model(["a", "b", "rare"]),
        {"gaussiannb__var_smoothing": [1e-9]},
        cv=KFold(n_splits=2),
    )
    inner = [
        k
        for k, (train, _) in enumerate(splits)
        if k != 1
        and any(
            X["rare"].iloc[train].iloc[t].nunique() == 1
            for t, _ in KFold(n_splits=2).split(train)
        )
    ]
    assert inner  # the data do what the test needs
    with caplog.at_level(logging.INFO, logger="sklearn_innov"):
        run_benchmark(X, y, cv=cv, models={"search": search}, progress=False)
    notes = [r.getMessage() for r in caplog.records if "note:" in r.getMessage()]
    assert notes == [
        "note: 'rare' is 0 in every training row of 1 of 4 folds and in the "
        f"training rows of an inner fold of 'search' in {len(inner)} more folds "
        f"(it is nonzero in 2 of {N} rows of the data): in those folds each adds "
        "nothing to its index (a rarely given answer; nothing to fix)."
    ]


def test_an_item_constant_in_every_fold_is_a_warning_to_act_on(survey, caplog):
    X, y = survey
    with (
        warnings.catch_warnings(record=True) as caught,
        caplog.at_level(logging.INFO, logger="sklearn_innov"),
    ):
        warnings.simplefilter("always")
        run_benchmark(
            X, y, cv=3, models={"nb": index_model(["a", "never"])}, progress=False
        )
    mine = [w for w in caught if w.category is ConstantItemWarning]
    assert [str(w.message) for w in mine] == [
        "run_benchmark: 'never' is 0 in every training row of 3 of 3 folds (it is "
        f"nonzero in 0 of {N} rows of the data): it adds nothing to its index in "
        "any fit; drop such items from the spec."
    ]
    assert mine[0].filename == __file__  # points at the caller
    assert not [r for r in caplog.records if "note:" in r.getMessage()]


def test_one_fit_s_warning_carries_its_items_and_values():
    frame = pd.DataFrame({"q1": [1, 3, 5, 2], "q2": [2, 4, 5, 1], "q3": 3, "q4": 0})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        CompositeIndex(spec={"X": ["q1", "q2", "q3", "q4"]}).fit(frame)
    (warning,) = [w.message for w in caught if w.category is ConstantItemWarning]
    assert (warning.items, warning.values) == (["q3", "q4"], [3.0, 0.0])
    # a single fit's wording is unchanged: there the value is "always" it
    assert str(warning).startswith("CompositeIndex: 'q3' (always 3), 'q4' (always 0)")
    restored = pickle.loads(pickle.dumps(warning))  # as from a worker process
    assert (type(restored), restored.items, restored.values, str(restored)) == (
        ConstantItemWarning,
        ["q3", "q4"],
        [3.0, 0.0],
        str(warning),
    )


def test_the_command_prints_one_note_line_for_the_constant_items(monkeypatch, capsys):
    real = benchmark_models

    def two(*args, **kwargs):
        every = real(*args, **kwargs)
        return {k: every[k] for k in ("StepwiseLogit", "DummyClassifier")}

    monkeypatch.setattr(_benchmark, "benchmark_models", two)
    assert main(["benchmark", "--repeats", "2", "--folds", "5"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert not [line for line in err if "ConstantItemWarning" in line]
    notes = [line for line in err if line.startswith("sklearn-innov benchmark: note:")]
    # recomputed from the folds: the items of the default benchmark that are
    # constant in some training folds, with their counts
    from sklearn.model_selection import RepeatedStratifiedKFold

    frame = make_sme_survey(random_state=0).frame
    spec = _benchmark.benchmark_spec(_benchmark.DEFAULT_DOCUMENT, frame)
    y = frame[spec.target]
    splits = list(
        RepeatedStratifiedKFold(n_splits=5, n_repeats=2, random_state=0).split(frame, y)
    )
    expected = {item: _constant_folds(frame[item], splits) for item in spec.features}
    expected = {item: folds for item, folds in expected.items() if folds}
    assert expected  # rare answers in the embedded survey
    assert len(notes) == 1
    for item, folds in expected.items():
        nonzero = int((frame[item] != 0).sum())
        assert (
            f"{item!r} is 0 in every training row of {len(folds)} of 10 folds (it "
            f"is nonzero in {nonzero} of {len(frame)} rows of the data)"
        ) in notes[0]
