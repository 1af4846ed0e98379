"""Pickle and skops round trips: identical predictions, nothing foreign to trust."""

import pickle

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_array_equal

from sklearn_innov import (
    CobbDouglasRegressor,
    CompositeIndex,
    LogTransform,
    MinMaxIndexer,
    StepwiseLogit,
)
from sklearn_innov.datasets import PAPER_SPEC, make_sme_survey


@pytest.fixture(scope="module")
def fitted():
    survey = make_sme_survey(400, random_state=1)
    frame = survey.frame
    composite = CompositeIndex(spec=PAPER_SPEC).set_output(transform="pandas")
    indices = composite.fit_transform(frame)
    positive = indices[(indices > 0).all(axis=1)]
    X = indices[["X1", "X2", "X3", "X4"]]
    models = {
        "MinMaxIndexer": (
            MinMaxIndexer(bounds=(1, 5)).fit(frame[PAPER_SPEC["X3"][:8]]),
            frame[PAPER_SPEC["X3"][:8]],
            "transform",
        ),
        "CompositeIndex": (
            CompositeIndex(spec=PAPER_SPEC).fit(frame),
            frame,
            "transform",
        ),
        "LogTransform": (LogTransform(offset=1.0).fit(X), X, "transform"),
        "CobbDouglasRegressor": (
            CobbDouglasRegressor().fit(
                positive[["X1", "X2", "X3", "X4"]], positive["Y"]
            ),
            positive[["X1", "X2", "X3", "X4"]],
            "predict",
        ),
        "StepwiseLogit": (StepwiseLogit().fit(X, survey.target), X, "predict_proba"),
    }
    return models


NAMES = [
    "MinMaxIndexer",
    "CompositeIndex",
    "LogTransform",
    "CobbDouglasRegressor",
    "StepwiseLogit",
]


def _same_tables(a, b):
    for name, value in vars(a).items():
        if isinstance(value, pd.DataFrame):
            pd.testing.assert_frame_equal(value, getattr(b, name))


@pytest.mark.parametrize("name", NAMES)
def test_pickle_round_trip(fitted, name):
    model, X, method = fitted[name]
    loaded = pickle.loads(pickle.dumps(model))
    assert_array_equal(getattr(loaded, method)(X), getattr(model, method)(X))
    _same_tables(model, loaded)


@pytest.mark.parametrize("name", NAMES)
def test_skops_round_trip_trusts_only_the_library(fitted, name, tmp_path):
    sio = pytest.importorskip("skops.io")
    model, X, method = fitted[name]
    path = tmp_path / "model.skops"
    sio.dump(model, path)
    untrusted = sio.get_untrusted_types(file=path)
    assert all(t.startswith("sklearn_innov.") for t in untrusted), untrusted
    loaded = sio.load(path, trusted=untrusted)
    assert_array_equal(getattr(loaded, method)(X), getattr(model, method)(X))
    _same_tables(model, loaded)
    if name in ("CobbDouglasRegressor", "StepwiseLogit"):
        assert str(loaded.summary()) == str(model.summary())


def test_encoded_state_holds_no_pandas_objects(fitted):
    model, _, _ = fitted["CobbDouglasRegressor"]
    state = model.__getstate__()
    results_state = state["results_"].__getstate__()

    def walk(value):
        assert not isinstance(value, (pd.DataFrame, pd.Series, pd.Index))
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item)

    walk(state)
    walk(results_state)
    assert isinstance(results_state["coef_table"], dict)
    assert np.asarray(results_state["coef_table"]["data"][0]).dtype == float


def _logit_data(n, rng):
    X = pd.DataFrame(rng.normal(size=(n, 4)), columns=["a", "b", "c", "d"])
    y = (X["a"] - X["c"] + rng.logistic(size=n) > 0).astype(int)
    return X, y


def _cobb_douglas_data(n, rng):
    X = pd.DataFrame(rng.uniform(1, 5, size=(n, 3)), columns=["K", "L", "M"])
    y = X["K"] ** 0.3 * X["L"] ** 0.5 * np.exp(rng.normal(0, 0.2, n))
    return X, y


@pytest.mark.parametrize(
    ("make", "estimator"),
    [(_logit_data, StepwiseLogit), (_cobb_douglas_data, CobbDouglasRegressor)],
)
def test_saved_model_holds_no_training_rows(make, estimator):
    """Pickled size is flat in n, and summary() survives the round trip."""
    rng = np.random.default_rng(0)
    sizes, summaries = [], []
    for n in (1_000, 100_000):
        model = estimator().fit(*make(n, rng))
        text = str(model.summary())
        blob = pickle.dumps(model)
        sizes.append(len(blob))
        loaded = pickle.loads(blob)
        assert str(loaded.summary()) == text
        summaries.append(text)
    # 100x the rows; a single per-row float64 array would add 792 kB
    assert sizes[1] < 1.1 * sizes[0], sizes
    assert sizes[1] < 60_000, sizes


def test_saved_model_says_why_per_row_attributes_are_gone():
    from sklearn_innov._core import DataRemovedError

    X, y = _cobb_douglas_data(200, np.random.default_rng(1))
    model = CobbDouglasRegressor().fit(X, y)
    assert model.resid_.shape == (200,)
    loaded = pickle.loads(pickle.dumps(model))
    with pytest.raises(DataRemovedError, match="refit the model"):
        _ = loaded.resid_
    # the live model keeps its rows; the statistics are the same
    assert model.resid_.shape == (200,)
    assert loaded.rsquared_ == model.rsquared_
    assert (
        loaded.diagnostics()["park"]["fvalue"] == model.diagnostics()["park"]["fvalue"]
    )
