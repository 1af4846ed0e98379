"""Any dataframe scikit-learn accepts: names and column order are checked as for
pandas (oracle: scikit-learn's own LogisticRegression on the same frames)."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from sklearn.linear_model import LogisticRegression

from sklearn_innov import CobbDouglasRegressor, CompositeIndex, StepwiseLogit

pl = pytest.importorskip("polars")


@pytest.fixture
def frames():
    rng = np.random.default_rng(0)
    X = rng.uniform(1, 5, size=(300, 3))
    y = (np.log(X[:, 0]) - np.log(X[:, 2]) + rng.logistic(size=300) > 0).astype(int)
    data = {"a": X[:, 0], "b": X[:, 1], "c": X[:, 2]}
    return pl.DataFrame(data), pd.DataFrame(data), y


@pytest.mark.parametrize("estimator", [StepwiseLogit(), CobbDouglasRegressor()])
def test_polars_keeps_names_and_order_checks(frames, estimator):
    polars_X, pandas_X, y = frames
    target = y if isinstance(estimator, StepwiseLogit) else pandas_X["a"] * 2.0
    on_polars = estimator.fit(polars_X, target)
    assert list(on_polars.feature_names_in_) == ["a", "b", "c"]
    assert "x0" not in str(on_polars.summary())
    permuted = polars_X.select(["c", "b", "a"])
    # scikit-learn raises on a permuted frame; so do we
    with pytest.raises(ValueError, match="same order"):
        LogisticRegression().fit(polars_X, y).predict(permuted)
    with pytest.raises(ValueError, match="same order"):
        on_polars.predict(permuted)


def test_polars_and_pandas_give_the_same_model(frames):
    polars_X, pandas_X, y = frames
    a = StepwiseLogit().fit(polars_X, y)
    b = StepwiseLogit().fit(pandas_X, y)
    assert a.selected_features_ == b.selected_features_ == ["a", "c"]
    assert_allclose(a.coef_, b.coef_, rtol=1e-12)


def test_composite_index_reads_polars_columns_by_name(frames):
    polars_X, pandas_X, _ = frames
    spec = {"first": ["a", "b"], "last": ["c"]}
    on_polars = CompositeIndex(spec=spec).fit(
        polars_X.with_columns(pl.lit("x").alias("text"))
    )
    assert_allclose(
        on_polars.transform(polars_X.with_columns(pl.lit("x").alias("text"))),
        CompositeIndex(spec=spec).fit_transform(pandas_X),
    )


def test_index_names_reach_the_estimator_in_a_pipeline():
    from sklearn.pipeline import make_pipeline

    from sklearn_innov.datasets import PAPER_SPEC, make_sme_survey

    survey = make_sme_survey(400, random_state=2)
    spec = {k: PAPER_SPEC[k] for k in ("X1", "X2", "X3", "X4")}
    pipe = make_pipeline(CompositeIndex(spec=spec), StepwiseLogit())
    pipe.fit(survey.frame, survey.target)
    logit = pipe[-1]
    assert list(logit.feature_names_in_) == ["X1", "X2", "X3", "X4"]
    assert set(logit.selected_features_) <= {"X1", "X2", "X3", "X4"}
    assert "X1" in str(logit.summary())
    # the same through polars, converted by narwhals
    frame = pl.DataFrame({c: survey.frame[c].to_numpy() for c in survey.frame})
    on_polars = make_pipeline(CompositeIndex(spec=spec), StepwiseLogit()).fit(
        frame, survey.target
    )
    assert on_polars[-1].selected_features_ == logit.selected_features_
    assert_allclose(on_polars[-1].coef_, logit.coef_, rtol=1e-12)
