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

    def walk(value):
        assert not isinstance(value, (pd.DataFrame, pd.Series, pd.Index))
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item)

    walk(state)
    assert isinstance(state["coef_table_"], dict)
    assert np.asarray(state["coef_table_"]["data"][0]).dtype == float
