"""set_output on the three transformers: one rule, the same containers.

MinMaxIndexer, LogTransform and CompositeIndex follow one rule
(``sklearn_innov/utils/_container.py``): with no ``set_output`` (or
``transform="default"``) the output has the input's container, numpy in ->
numpy out, pandas in -> pandas out (index kept), polars in -> polars out;
``set_output(transform="pandas" | "polars")`` and scikit-learn's global
``transform_output`` override it as they do for scikit-learn's own
transformers. Every dataframe is named by ``get_feature_names_out()``.
The values are checked against the published formulas: min-max
``(x - min) / (max - min)`` (the paper's footnote 2), ``ln x`` and the sum
of an index's normalised items. Pipelines give the same numbers whatever
container their input comes in, without feature-name warnings.
"""

import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn import config_context
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.pipeline import make_pipeline

from sklearn_innov import (
    CobbDouglasRegressor,
    CompositeIndex,
    LogTransform,
    MinMaxIndexer,
    StepwiseLogit,
)
from sklearn_innov.datasets import PAPER_SPEC, make_sme_survey
from sklearn_innov.model_selection._benchmark import benchmark_models

pl = pytest.importorskip("polars")

VALUES = np.array([[1.0, 4.0, 2.0], [3.0, 1.0, 5.0], [2.0, 2.0, 9.0], [5.0, 3.0, 4.0]])
NAMES = ["a", "b", "c"]
ROWS = [10, 20, 30, 40]
KINDS = ["minmax", "log", "composite"]
CONTAINERS = ["numpy", "pandas", "polars"]
# (set_output's transform, the global transform_output); None: not set
SETTINGS = {
    "unset": (None, None),
    "default": ("default", None),
    "pandas": ("pandas", None),
    "polars": ("polars", None),
    "global-pandas": (None, "pandas"),
    "global-polars": (None, "polars"),
    # the estimator's own setting wins over the global one, as in scikit-learn
    "default-over-global-polars": ("default", "polars"),
    "pandas-over-global-polars": ("pandas", "polars"),
}


def minmax(X):
    return (X - X.min(axis=0)) / (X.max(axis=0) - X.min(axis=0))


def expected(kind):
    if kind == "minmax":
        return minmax(VALUES)
    if kind == "log":
        return np.log(VALUES)
    scaled = minmax(VALUES)
    return np.column_stack([scaled[:, 0] + scaled[:, 1], scaled[:, 2]])


def make(kind, named):
    if kind == "minmax":
        return MinMaxIndexer()
    if kind == "log":
        return LogTransform()
    spec = {"A": ["a", "b"], "B": ["c"]} if named else {"A": [0, 1], "B": [2]}
    return CompositeIndex(spec=spec)


def names_out(kind, named):
    columns = NAMES if named else ["x0", "x1", "x2"]
    if kind == "minmax":
        return columns
    if kind == "log":
        return [f"ln({c})" for c in columns]
    return ["A", "B"]


def data(container):
    frame = pd.DataFrame(VALUES, columns=NAMES, index=ROWS)
    if container == "numpy":
        return VALUES.copy()
    if container == "pandas":
        return frame
    return pl.from_pandas(frame)


def to_polars(frame):
    """A pandas frame as polars without pyarrow (not in the test extra):
    numeric columns as they are, the others as text."""
    return pl.DataFrame(
        {
            column: (
                values.to_numpy()
                if values.dtype.kind in "biuf"
                else values.astype(str).to_numpy(dtype=object)
            )
            for column, values in frame.items()
        }
    )


def container_of(out):
    if type(out) is pd.DataFrame:
        return "pandas"
    if type(out) is pl.DataFrame:
        return "polars"
    assert isinstance(out, np.ndarray), type(out)
    return "numpy"


def expected_container(setting, container):
    local, global_ = SETTINGS[setting]
    chosen = local if local is not None else global_
    return container if chosen in (None, "default") else chosen


def run(transformer, method, X, global_):
    """``transformer.method(X)`` under the global setting, failing on any warning."""
    with (
        warnings.catch_warnings(),
        config_context(transform_output=global_ or "default"),
    ):
        warnings.simplefilter("error")
        return getattr(transformer, method)(X)


@pytest.mark.parametrize("container", CONTAINERS)
@pytest.mark.parametrize("setting", list(SETTINGS))
@pytest.mark.parametrize("kind", KINDS)
def test_every_transformer_follows_one_output_rule(kind, setting, container):
    local, global_ = SETTINGS[setting]
    named = container != "numpy"
    transformer = make(kind, named)
    if local is not None:
        assert transformer.set_output(transform=local) is transformer
    out = run(transformer, "fit_transform", data(container), global_)
    names = names_out(kind, named)
    assert transformer.get_feature_names_out().tolist() == names
    kind_out = expected_container(setting, container)
    assert container_of(out) == kind_out
    if kind_out == "pandas":
        assert out.columns.tolist() == names
        # the input's row labels are kept, as scikit-learn's wrapper keeps them
        rows = ROWS if container == "pandas" else [0, 1, 2, 3]
        assert out.index.tolist() == rows
    elif kind_out == "polars":
        assert out.columns == names
    values = np.asarray(out.to_numpy() if kind_out != "numpy" else out)
    assert values.shape == (4, len(names))
    assert_allclose(values, expected(kind), rtol=1e-13)
    # transform after fit: the same numbers, in the same container
    again = run(transformer, "transform", data(container), global_)
    assert type(again) is type(out)
    assert_allclose(np.asarray(again), values, rtol=1e-13)


@pytest.mark.parametrize("kind", KINDS)
def test_default_dataframes_equal_what_set_output_builds(kind):
    """The default's dataframes are the ones set_output would build: same
    names, index, dtypes, NaN kept as NaN (not polars null)."""
    X = data("pandas").astype(float)
    X.iloc[1, 0] = np.nan
    X.index = ["f1", "f2", "f3", "f4"]
    for container in ("pandas", "polars"):
        Xc = X if container == "pandas" else pl.from_pandas(X, include_index=False)
        default = make(kind, True).fit_transform(Xc)
        asked = make(kind, True).set_output(transform=container).fit_transform(Xc)
        assert type(default) is type(asked)
        if container == "pandas":
            pd.testing.assert_frame_equal(default, asked)
        else:
            assert default.schema == asked.schema
            assert default.null_count().sum_horizontal().item() == 0
            assert_array_equal(default.to_numpy(), asked.to_numpy())


def test_pandas_with_unnamed_columns_is_named_by_get_feature_names_out():
    """Integer column labels give no feature_names_in_ (scikit-learn's rule):
    the output is named x0, x1, ... as set_output(transform="pandas") names it."""
    X = pd.DataFrame(VALUES, index=ROWS)
    for transformer in (MinMaxIndexer(), LogTransform()):
        out = transformer.fit_transform(X)
        assert type(out) is pd.DataFrame
        assert out.columns.tolist() == transformer.get_feature_names_out().tolist()
        assert out.index.tolist() == ROWS
    assert_allclose(MinMaxIndexer().fit_transform(X), minmax(VALUES), rtol=1e-13)


@pytest.mark.parametrize("kind", KINDS)
def test_output_setting_survives_pickling(kind):
    transformer = make(kind, True).set_output(transform="polars")
    transformer.fit(data("pandas"))
    clone = pickle.loads(pickle.dumps(transformer))
    assert type(clone.transform(data("pandas"))) is pl.DataFrame
    default = pickle.loads(pickle.dumps(make(kind, True).fit(data("pandas"))))
    out = default.transform(data("pandas"))
    assert out.index.tolist() == ROWS
    assert_allclose(out.to_numpy(), expected(kind), rtol=1e-13)


# -- pipelines: the same numbers for every container -----------------------------


@pytest.fixture(scope="module")
def survey():
    return make_sme_survey(random_state=0)


def _positions(frame, spec):
    return {
        name: [frame.columns.get_loc(item) for item in items]
        for name, items in spec.items()
    }


def _no_warnings(function, *args):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # UserWarning ("X has feature names") too
        return function(*args)


def test_composite_then_stepwise_logit_is_container_blind(survey):
    frame, y = survey.data, survey.target
    spec = {k: v for k, v in PAPER_SPEC.items() if k != "Y"}
    by_name = make_pipeline(CompositeIndex(spec=spec), StepwiseLogit())
    numeric = frame.select_dtypes("number")
    arrays = make_pipeline(
        CompositeIndex(spec=_positions(numeric, spec)), StepwiseLogit()
    ).fit(numeric.to_numpy(), y)
    reference = arrays.predict_proba(numeric.to_numpy())
    for X in (frame, to_polars(frame)):
        fitted = _no_warnings(by_name.fit, X, y)
        assert fitted[-1].feature_names_in_.tolist() == list(spec)
        assert_allclose(fitted[-1].coef_, arrays[-1].coef_, rtol=1e-12)
        assert_allclose(_no_warnings(fitted.predict_proba, X), reference, rtol=1e-12)


def test_minmax_then_cobb_douglas_is_container_blind(survey):
    items = PAPER_SPEC["X1"]
    X = survey.data[items].astype(float)
    y = np.exp(minmax(X.to_numpy()) @ np.linspace(0.1, 0.5, len(items)))

    def model():
        return make_pipeline(
            MinMaxIndexer(feature_range=(0.01, 1.0)), CobbDouglasRegressor()
        )

    # oracle: OLS of ln y on ln of the rescaled items, by least squares
    scaled = 0.01 + 0.99 * minmax(X.to_numpy())
    design = np.column_stack([np.ones(len(y)), np.log(scaled)])
    ols = np.linalg.lstsq(design, np.log(y), rcond=None)[0]
    arrays = model().fit(X.to_numpy(), y)
    assert_allclose(
        np.r_[arrays[-1].intercept_, arrays[-1].coef_], ols, rtol=1e-9, atol=1e-12
    )
    reference = arrays.predict(X.to_numpy())
    for data_in in (X, pl.from_pandas(X)):
        fitted = _no_warnings(model().fit, data_in, y)
        assert fitted[-1].feature_names_in_.tolist() == items
        assert_allclose(fitted[-1].coef_, arrays[-1].coef_, rtol=1e-12)
        assert_allclose(_no_warnings(fitted.predict, data_in), reference, rtol=1e-12)


@pytest.mark.parametrize("container", CONTAINERS)
def test_log_transform_output_is_still_refused_by_cobb_douglas(container):
    """The 'logged already' mark survives every container: the ln(...) names
    of a dataframe, the LogArray type of an array."""
    model = make_pipeline(LogTransform(), CobbDouglasRegressor())
    y = np.exp(np.log(VALUES) @ [0.3, 0.2, 0.1])
    with pytest.raises(ValueError, match="double log"):
        model.fit(data(container), y)


def test_log_then_linear_regression_is_container_blind():
    y = np.log(VALUES) @ [0.3, 0.2, 0.1] + [0.01, -0.02, 0.015, 0.0]
    # oracle: least squares on the logs the test takes itself
    design = np.column_stack([np.ones(4), np.log(VALUES)])
    ols = np.linalg.lstsq(design, y, rcond=None)[0]
    for container in CONTAINERS:
        model = _no_warnings(
            make_pipeline(LogTransform(), LinearRegression()).fit, data(container), y
        )
        assert_allclose(np.r_[model[-1].intercept_, model[-1].coef_], ols, atol=1e-10)
        assert_allclose(
            _no_warnings(model.predict, data(container)), design @ ols, atol=1e-10
        )


def test_grid_search_over_specs_is_container_blind(survey):
    frame, y = survey.data, survey.target
    specs = [
        {"X1": PAPER_SPEC["X1"], "X3": PAPER_SPEC["X3"]},
        {k: v for k, v in PAPER_SPEC.items() if k != "Y"},
    ]
    search = GridSearchCV(
        make_pipeline(CompositeIndex(spec=specs[0]), StepwiseLogit()),
        {"compositeindex__spec": specs},
        cv=KFold(3),
        scoring="neg_log_loss",
    )
    scores = []
    for X in (frame, to_polars(frame)):
        fitted = _no_warnings(search.fit, X, y)
        scores.append(fitted.cv_results_["mean_test_score"])
    # oracle: the same folds scored by hand on the indices as arrays
    numeric = frame.select_dtypes("number")
    by_hand = []
    for spec in specs:
        losses = []
        for train, test in KFold(3).split(numeric):
            model = make_pipeline(
                CompositeIndex(spec=_positions(numeric, spec)), StepwiseLogit()
            ).fit(numeric.to_numpy()[train], y.to_numpy()[train])
            p = model.predict_proba(numeric.to_numpy()[test])[:, 1]
            t = y.to_numpy()[test]
            losses.append(-np.mean(t * np.log(p) + (1 - t) * np.log(1 - p)))
        by_hand.append(-np.mean(losses))
    assert_allclose(scores[0], by_hand, rtol=1e-10)
    assert_allclose(scores[1], by_hand, rtol=1e-10)


@pytest.mark.slow
def test_benchmark_models_are_container_blind(survey):
    """Every model of the benchmark, fitted on pandas and on polars, predicts
    the same; no feature-name warning on the way (constant items in a fold
    may warn: that is the data, not the container)."""
    frame, y = survey.data, survey.target
    spec = {k: v for k, v in PAPER_SPEC.items() if k != "Y"}
    items = [item for group in spec.values() for item in group]
    compared = []
    for label, model in benchmark_models(spec, items).items():
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            on_pandas = model.fit(frame, y).predict_proba(frame)
            polars_frame = to_polars(frame)
            on_polars = model.fit(polars_frame, y).predict_proba(polars_frame)
        assert not [w for w in caught if "feature names" in str(w.message)], label
        assert_allclose(on_polars, on_pandas, rtol=1e-10, err_msg=label)
        compared.append(label)
    assert {"StepwiseLogit", "GridSearchCV(StepwiseLogit)"} <= set(compared)


def test_stepwise_logit_as_a_selection_step_keeps_the_container(survey):
    # a reader's Pipeline(StepwiseLogit, LogisticRegression) lost the names:
    # the selection step now returns the input's container, as the
    # transformers do
    spec = {k: v for k, v in PAPER_SPEC.items() if k != "Y"}
    X = CompositeIndex(spec=spec).fit_transform(survey.data)
    X.index = X.index + 1000
    y = survey.target
    selector = StepwiseLogit().fit(X, y)
    kept = selector.get_feature_names_out().tolist()
    out = selector.transform(X)
    assert type(out) is pd.DataFrame and out.columns.tolist() == kept
    assert out.index.equals(X.index)
    assert_allclose(out.to_numpy(), X[kept].to_numpy())
    arrays = StepwiseLogit().fit(X.to_numpy(), y)
    assert type(arrays.transform(X.to_numpy())) is np.ndarray
    polars_out = selector.transform(to_polars(X))
    assert type(polars_out) is pl.DataFrame and polars_out.columns == kept
    # set_output and the global setting still decide when given
    assert type(selector.set_output(transform="polars").transform(X)) is pl.DataFrame
    selector.set_output(transform="default")
    pipe = make_pipeline(StepwiseLogit(), LogisticRegression()).fit(X, y)
    assert pipe[-1].feature_names_in_.tolist() == kept
