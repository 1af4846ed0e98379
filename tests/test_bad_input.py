"""Bad input across every public estimator: clear errors, never silent damage.

One matrix of (estimator, defect): each cell either raises a ValueError whose
message names the column or parameter (and usually the fix), emits a
documented warning, or is documented behaviour that the test pins down.
No numpy RuntimeWarning may leak (pytest turns them into errors).
"""

import contextlib
import warnings

import numpy as np
import pandas as pd
import pytest

from sklearn_innov import (
    CobbDouglasRegressor,
    CompositeIndex,
    LogTransform,
    MinMaxIndexer,
    StepwiseLogit,
)
from sklearn_innov.exceptions import ConstantItemWarning, SeparationWarning

ESTIMATORS = {
    "MinMaxIndexer": lambda: MinMaxIndexer(),
    "CompositeIndex": lambda: CompositeIndex(spec={"I": ["a", "b"], "J": ["c"]}),
    "LogTransform": lambda: LogTransform(),
    "CobbDouglasRegressor": lambda: CobbDouglasRegressor(),
    "StepwiseLogit": lambda: StepwiseLogit(),
}
SUPERVISED = {"CobbDouglasRegressor", "StepwiseLogit"}


def base(n=60, seed=0):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(rng.uniform(1, 5, size=(n, 3)), columns=["a", "b", "c"])
    y_level = np.exp(0.2 + 0.3 * np.log(X["a"]) + rng.normal(0, 0.3, n))
    y_binary = (rng.random(n) < 1 / (1 + np.exp(-(X["a"] - 3)))).astype(int)
    return X, y_level.to_numpy(), y_binary


def fit(name, X):
    _, y_level, y_binary = base()
    est = ESTIMATORS[name]()
    if name == "CobbDouglasRegressor":
        return est.fit(X, y_level)
    if name == "StepwiseLogit":
        return est.fit(X, y_binary)
    return est.fit(X)


def mutate(defect):
    X, _, _ = base()
    X = X.copy()
    if defect == "nan":
        X.loc[3, "b"] = np.nan
    elif defect == "inf":
        X.loc[3, "b"] = np.inf
    elif defect == "zero":
        X.loc[[3, 4], "b"] = 0.0
    elif defect == "negative":
        X.loc[[3, 4], "b"] = -1.0
    elif defect == "text":
        X["b"] = "often"
    elif defect == "categorical":
        X["b"] = pd.Categorical(np.where(X["b"] > 3, "high", "low"))
    elif defect == "constant":
        X["b"] = 2.0
    return X


# expected outcome per (estimator, defect): a regex of the ValueError, or "ok"
EXPECTED = {
    "nan": {
        "MinMaxIndexer": "ok",
        "CompositeIndex": "ok",
        "LogTransform": "ok",
        "CobbDouglasRegressor": r"NaN or infinite values in column 'b' \(1 row",
        "StepwiseLogit": r"NaN or infinite values in column 'b' \(1 row",
    },
    "inf": dict.fromkeys(ESTIMATORS, r"infinite values in column 'b' \(1 row"),
    "zero": {
        "MinMaxIndexer": "ok",
        "CompositeIndex": "ok",
        "LogTransform": r"Zero values.*in 2 rows of 1 column \('b'\).*offset",
        "CobbDouglasRegressor": r"Zero values.*column 'b' is 0 \(2 rows\).*feature",
        "StepwiseLogit": "ok",
    },
    "negative": {
        "MinMaxIndexer": "ok",
        "CompositeIndex": "ok",
        "LogTransform": r"Negative values.*in 2 rows of 1 column \('b'\)",
        "CobbDouglasRegressor": r"Negative.*column 'b' has values < 0 \(2 rows\)",
        "StepwiseLogit": "ok",
    },
    "text": dict.fromkeys(ESTIMATORS, r"'b' is not numeric .*Encode the answers"),
    "categorical": dict.fromkeys(
        ESTIMATORS, r"'b' is not numeric \(dtype category; rows 0, 1"
    ),
    "constant": {
        "MinMaxIndexer": "ok",
        "CompositeIndex": "ok",
        "LogTransform": "ok",
        "CobbDouglasRegressor": r"collinear.*'const'.*'b'",
        "StepwiseLogit": r"collinear.*'const'.*'b'",
    },
}


@pytest.mark.parametrize("defect", list(EXPECTED))
@pytest.mark.parametrize("name", list(ESTIMATORS))
def test_bad_input_matrix(name, defect):
    X = mutate(defect)
    expected = EXPECTED[defect][name]
    if expected == "ok":
        # the indexers fit a constant column, saying it carries no information
        warns = defect == "constant" and name in ("MinMaxIndexer", "CompositeIndex")
        with (
            pytest.warns(ConstantItemWarning, match=r"'?b'? \(always [\d.]+\) takes")
            if warns
            else contextlib.nullcontext()
        ):
            est = fit(name, X)
        out = np.asarray(
            est.transform(X) if hasattr(est, "transform") else est.predict(X)
        )
        if defect == "nan" and name != "CompositeIndex":
            # NaN answers pass through as NaN (as scikit-learn's scalers do)
            assert np.isnan(out).sum() == 1
        else:
            assert np.isfinite(out).all()
    else:
        with pytest.raises(ValueError, match=expected):
            fit(name, X)


def test_composite_index_ignores_text_columns_it_does_not_use():
    X = mutate("text")
    out = CompositeIndex(spec={"I": ["a", "c"]}).fit_transform(X)
    assert list(out.columns) == ["I"] and np.isfinite(out).all().all()


def test_minmax_constant_column_value_is_documented():
    with pytest.warns(ConstantItemWarning, match="carries no information"):
        out = MinMaxIndexer().fit_transform(mutate("constant"))
    assert (out.iloc[:, 1] == 0.0).all()


def test_collinear_columns():
    X, y_level, y_binary = base()
    multiplicative = X.assign(c=X["a"] * X["b"])  # ln c = ln a + ln b
    with pytest.raises(ValueError, match="collinear.*'a'.*'b'.*'c'"):
        CobbDouglasRegressor().fit(multiplicative, y_level)
    additive = X.assign(c=X["a"] + X["b"])
    with pytest.raises(ValueError, match="collinear.*'a'.*'b'.*'c'"):
        StepwiseLogit().fit(additive, y_binary)


@pytest.mark.parametrize("name", sorted(SUPERVISED))
def test_fewer_rows_than_parameters(name):
    X, y_level, y_binary = base()
    rows = [int(np.argmax(y_binary == 0)), int(np.argmax(y_binary == 1)), 59]
    y = y_level[rows] if name == "CobbDouglasRegressor" else y_binary[rows]
    with pytest.raises(ValueError, match=r"more rows than parameters: got 3 sample"):
        ESTIMATORS[name]().fit(X.iloc[rows], y)


@pytest.mark.parametrize(
    "target, match",
    [(np.zeros(60), "only one class"), (np.arange(60) % 3, "3 classes")],
)
def test_single_and_multi_class_targets(target, match):
    X, _, _ = base()
    with pytest.raises(ValueError, match=match):
        StepwiseLogit().fit(X, target)


def test_perfect_separation_warns():
    X, _, _ = base()
    y = (X["a"] > 3).astype(int)
    with pytest.warns(SeparationWarning, match="separation.*'a'.*firth"):
        StepwiseLogit(p_remove=1.0).fit(X, y)


@pytest.mark.parametrize(
    "spec, match",
    [
        ({"I": ["a", "zz"]}, r"not in X: 'zz'"),
        ({"I": []}, "empty group"),
        ({"I": ["a", "a"]}, "more than once"),
    ],
)
def test_bad_specs(spec, match):
    X, _, _ = base()
    with pytest.raises(ValueError, match=match):
        CompositeIndex(spec=spec).fit(X)


@pytest.mark.parametrize("name", list(ESTIMATORS))
def test_wrong_features_at_transform_or_predict(name):
    X, _, _ = base()
    est = fit(name, X)
    method = est.transform if hasattr(est, "transform") else est.predict
    with pytest.raises(ValueError, match="feature names|features"):
        method(X[["a", "c"]])
    with pytest.raises(ValueError, match="feature names"):
        method(X.rename(columns={"b": "B"}))


@pytest.mark.parametrize("name", list(ESTIMATORS))
def test_no_runtime_warning_on_clean_data(name):
    X, _, _ = base()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        est = fit(name, X)
        (est.transform if hasattr(est, "transform") else est.predict)(X)


@pytest.mark.parametrize("name", ["CompositeIndex", "MinMaxIndexer"])
def test_text_in_an_object_array_names_its_column_and_row(name):
    """numpy's "could not convert string to float: 'n/a'" named neither."""
    import sklearn_innov

    model = (
        sklearn_innov.CompositeIndex(spec={"A": [0, 2]})
        if name == "CompositeIndex"
        else sklearn_innov.MinMaxIndexer()
    )
    X = np.array([[1, 2, 3], [3, 4, "n/a"], [4, 5, 6]], dtype=object)
    with pytest.raises(ValueError) as exc:
        model.fit(X)
    message = str(exc.value)
    assert "column 2 of X (by position) is not numeric" in message
    assert "row 1 holds text: 'n/a'; rows counted from 0" in message
