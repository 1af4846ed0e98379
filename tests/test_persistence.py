"""Pickle, joblib, skops, deepcopy and clone of every estimator: identical
predictions and summaries, nothing computed at save time, nothing foreign to
trust, and rows dropped only on the user's remove_data()."""

import copy
import pickle

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_array_equal
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from sklearn_innov import (
    CobbDouglasRegressor,
    CompositeIndex,
    ControlFunctionLogit,
    IVCobbDouglasRegressor,
    LogTransform,
    MinMaxIndexer,
    StepwiseLogit,
    TwoPartRegressor,
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
        "StepwiseLogit(firth)": (
            StepwiseLogit(penalty="firth", p_remove=1.0).fit(X, survey.target),
            X,
            "predict_proba",
        ),
        "TwoPartRegressor": (
            TwoPartRegressor().fit(X, indices["Y"]),
            X,
            "predict",
        ),
        # X3 endogenous, instrumented by X2 and X4 (a fit to save, not a model)
        "IVCobbDouglasRegressor": (
            IVCobbDouglasRegressor(endogenous=["X3"], instruments=["X2", "X4"]).fit(
                positive[["X1", "X2", "X3", "X4"]], positive["Y"]
            ),
            positive[["X1", "X2", "X3", "X4"]],
            "predict",
        ),
        "ControlFunctionLogit": (
            ControlFunctionLogit(endogenous=["X3"], instruments=["X2", "X4"]).fit(
                X, survey.target
            ),
            X,
            "predict_proba",
        ),
    }
    return models


NAMES = [
    "MinMaxIndexer",
    "CompositeIndex",
    "LogTransform",
    "CobbDouglasRegressor",
    "StepwiseLogit",
    "StepwiseLogit(firth)",
    "TwoPartRegressor",
    "IVCobbDouglasRegressor",
    "ControlFunctionLogit",
]
SUMMARISED = [name for name in NAMES if name.startswith(("Cobb", "Stepwise", "Two"))]


def test_every_public_estimator_is_covered():
    import sklearn_innov

    public = {
        name
        for name in sklearn_innov.__all__
        if isinstance(getattr(sklearn_innov, name), type)
    }
    assert public == {name.split("(")[0] for name in NAMES}


def _same_tables(a, b):
    for name, value in vars(a).items():
        if isinstance(value, pd.DataFrame):
            pd.testing.assert_frame_equal(value, getattr(b, name))


def _results(model):
    """The results objects a fitted model holds (its own, its parts')."""
    found = [model.results_] if hasattr(model, "results_") else []
    for part in ("classifier_", "regressor_"):
        if hasattr(model, part):
            found += _results(getattr(model, part))
    return found


@pytest.mark.parametrize("name", NAMES)
def test_pickle_round_trip(fitted, name):
    model, X, method = fitted[name]
    loaded = pickle.loads(pickle.dumps(model))
    assert_array_equal(getattr(loaded, method)(X), getattr(model, method)(X))
    _same_tables(model, loaded)
    # the object as it is: the rows stay, as in statsmodels' results
    for results in _results(loaded):
        assert results.has_data


@pytest.mark.parametrize("name", NAMES)
def test_joblib_round_trip(fitted, name, tmp_path):
    joblib = pytest.importorskip("joblib")
    model, X, method = fitted[name]
    joblib.dump(model, tmp_path / "model.joblib")
    loaded = joblib.load(tmp_path / "model.joblib")
    assert_array_equal(getattr(loaded, method)(X), getattr(model, method)(X))
    _same_tables(model, loaded)


@pytest.mark.parametrize("name", NAMES)
def test_deepcopy_keeps_the_data(fitted, name):
    model, X, method = fitted[name]
    copied = copy.deepcopy(model)
    assert_array_equal(getattr(copied, method)(X), getattr(model, method)(X))
    _same_tables(model, copied)
    for original, duplicate in zip(_results(model), _results(copied), strict=True):
        assert duplicate.has_data
        assert duplicate is not original
        for row_data in original._row_data:
            value = original.__dict__.get(row_data)
            if isinstance(value, np.ndarray):
                assert_array_equal(duplicate.__dict__[row_data], value)
                assert duplicate.__dict__[row_data] is not value
    if name in SUMMARISED:
        assert str(copied.summary()) == str(model.summary())


@pytest.mark.parametrize("name", NAMES)
def test_clone_is_unfitted_with_the_same_parameters(fitted, name):
    model, X, method = fitted[name]
    cloned = clone(model)
    assert type(cloned) is type(model)
    assert repr(cloned.get_params(deep=False)) == repr(model.get_params(deep=False))
    with pytest.raises(NotFittedError):
        getattr(cloned, method)(X)


def test_saving_a_firth_model_computes_nothing():
    """Pickling takes no profile-likelihood fit; summary() is equal after."""
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(2_000, 4)), columns=["a", "b", "c", "d"])
    y = (X["a"] - X["c"] + rng.logistic(size=2_000) > 0).astype(int)
    model = StepwiseLogit(penalty="firth", p_remove=1.0).fit(X, y)
    blob = pickle.dumps(model)
    assert "profile_table" not in model.results_.__dict__
    loaded = pickle.loads(blob)
    assert "profile_table" not in loaded.results_.__dict__
    text = str(model.summary())
    assert "Profile Intervals" in text
    assert str(loaded.summary()) == text
    # and a model pickled after its summary carries the tables computed
    assert "profile_table" in pickle.loads(pickle.dumps(model)).results_.__dict__


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
    if name in SUMMARISED:
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
def test_remove_data_leaves_no_training_rows_to_save(make, estimator):
    """After remove_data(), the pickled size is flat in n, and summary()
    survives the round trip."""
    rng = np.random.default_rng(0)
    sizes, summaries = [], []
    for n in (1_000, 100_000):
        model = estimator().fit(*make(n, rng))
        text = str(model.summary())
        model.results_.remove_data()
        blob = pickle.dumps(model)
        sizes.append(len(blob))
        loaded = pickle.loads(blob)
        assert str(loaded.summary()) == text
        summaries.append(text)
    # 100x the rows; a single per-row float64 array would add 792 kB
    assert sizes[1] < 1.1 * sizes[0], sizes
    assert sizes[1] < 60_000, sizes


def test_a_model_without_rows_says_why_per_row_attributes_are_gone():
    from sklearn_innov.exceptions import DataRemovedError

    X, y = _cobb_douglas_data(200, np.random.default_rng(1))
    model = CobbDouglasRegressor().fit(X, y)
    assert model.resid_.shape == (200,)
    # a saved model keeps its rows; remove_data() is the explicit way out
    assert pickle.loads(pickle.dumps(model)).resid_.shape == (200,)
    stripped = copy.deepcopy(model)
    stripped.results_.remove_data()
    loaded = pickle.loads(pickle.dumps(stripped))
    for without_rows in (stripped, loaded):
        assert not without_rows.results_.has_data
        with pytest.raises(DataRemovedError, match="refit the model"):
            _ = without_rows.resid_
        # the statistics are the same
        assert without_rows.rsquared_ == model.rsquared_
        assert (
            without_rows.diagnostics()["park"]["fvalue"]
            == model.diagnostics()["park"]["fvalue"]
        )
    # the original keeps its rows
    assert model.resid_.shape == (200,)


def test_table_columns_come_back_as_they_were():
    # a MultiIndex over (part, term) and integer labels: both were written
    # as strings before the column labels were kept as an index
    from sklearn_innov.utils._persistence import decode, encode

    columns = pd.MultiIndex.from_tuples([("a", "x"), ("a", 1), ("b", "y")])
    frame = pd.DataFrame([[1.0, 2, "u"], [3.0, 4, None]], columns=columns)
    frame[("b", "y")] = frame[("b", "y")].astype(object)
    pd.testing.assert_frame_equal(decode(encode(frame)), frame)
    numbered = pd.DataFrame({0: [1.5], 7: [2.5]})
    pd.testing.assert_frame_equal(decode(encode(numbered)), numbered)


def test_tables_saved_with_string_columns_still_load():
    from sklearn_innov.utils._persistence import decode

    saved = {
        "__sklearn_innov_frame__": True,
        "columns": ["coef", "label"],
        "index": ["const", "X1"],
        "index_name": "term",
        "data": [np.array([0.5, 1.5]), [1, None]],
        "object_columns": ["label"],
    }
    frame = decode(saved)
    assert list(frame.columns) == ["coef", "label"]
    assert frame["label"].dtype == object and frame["label"].tolist() == [1, None]
    assert frame.index.name == "term"
