"""A spec's [design] probability weights in the benchmark (issue 28's user
run on ESS round 10 Norway: expansion factors read as frequency weights made
StepwiseLogit select nothing, ROC AUC 0.499)."""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GridSearchCV, RepeatedStratifiedKFold
from sklearn.pipeline import make_pipeline

from sklearn_innov.datasets import PAPER_SPEC, make_sme_survey
from sklearn_innov.linear_model import StepwiseLogit
from sklearn_innov.model_selection import _benchmark, benchmark_from_spec
from sklearn_innov.preprocessing import CompositeIndex

MECHANISMS = {k: v for k, v in PAPER_SPEC.items() if k != "Y"}
ITEMS = [item for items in MECHANISMS.values() for item in items]


def _document(kind="probability"):
    return {
        "indices": PAPER_SPEC,
        "model": {"outcome": "Y", "target": "innovated"},
        "design": {"weight": "pw", "weights": kind},
    }


def _survey(scale=1.0):
    frame = make_sme_survey(random_state=0).frame
    # expansion factors: 1 / inclusion probability, far from mean 1
    pw = np.random.default_rng(3).uniform(20.0, 400.0, len(frame)) * scale
    return frame.assign(pw=pw)


class WeightSpy(ClassifierMixin, BaseEstimator):
    """A prior classifier that records the weights its fit receives."""

    seen: list = []

    def fit(self, X, y, sample_weight=None):
        WeightSpy.seen.append(np.asarray(sample_weight))
        self.classes_ = np.unique(y)
        self.prior_ = float(np.average(y, weights=sample_weight))
        return self

    def predict_proba(self, X):
        p = np.full(len(X), self.prior_)
        return np.column_stack([1 - p, p])

    def predict(self, X):
        return np.full(len(X), self.classes_[int(self.prior_ >= 0.5)])


def _folds(frame, repeats=1, folds=3):
    cv = RepeatedStratifiedKFold(n_splits=folds, n_repeats=repeats, random_state=0)
    return list(cv.split(frame[ITEMS], frame["innovated"]))


def test_probability_weights_reach_each_fit_at_mean_one_over_its_training_fold():
    frame = _survey()
    WeightSpy.seen = []
    benchmark_from_spec(
        frame, _document(), repeats=1, folds=3, models={"spy": WeightSpy()}
    )
    w = frame["pw"].to_numpy()
    expected = [w[train] / w[train].mean() for train, _ in _folds(frame)]
    assert len(WeightSpy.seen) == 3
    for got, want in zip(WeightSpy.seen, expected, strict=True):
        assert_allclose(got, want, rtol=1e-12)
        assert_allclose(got.mean(), 1.0, rtol=1e-12)


def test_frequency_weights_are_not_rescaled():
    frame = _survey().assign(pw=lambda f: np.round(f["pw"]))
    WeightSpy.seen = []
    benchmark_from_spec(
        frame, _document("frequency"), repeats=1, folds=3, models={"spy": WeightSpy()}
    )
    w = frame["pw"].to_numpy()
    for got, (train, _) in zip(WeightSpy.seen, _folds(frame), strict=True):
        assert_allclose(got, w[train], rtol=0)


def _stepwise():
    return make_pipeline(CompositeIndex(spec=MECHANISMS), StepwiseLogit())


def _run(frame):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = benchmark_from_spec(
            frame,
            _document(),
            repeats=1,
            folds=3,
            models={"StepwiseLogit": _stepwise()},
        )
    return result, [str(w.message) for w in caught]


@pytest.mark.filterwarnings("ignore::sklearn_innov.exceptions.ConstantItemWarning")
def test_stepwise_scores_do_not_change_when_probability_weights_are_rescaled():
    raw, said_raw = _run(_survey())
    # the same weights at mean 1 over all rows, and at a thousandth
    for scale in (None, 1e-3):
        frame = _survey()
        w = frame["pw"].to_numpy()
        frame["pw"] = w / w.mean() if scale is None else w * scale
        rescaled, said = _run(frame)
        assert_allclose(rescaled.scores["roc_auc"], raw.scores["roc_auc"], rtol=1e-10)
        assert_allclose(rescaled.scores["brier"], raw.scores["brier"], rtol=1e-10)
        assert not [m for m in said if "read as frequency weights" in m]
    assert not [m for m in said_raw if "read as frequency weights" in m]
    # independent: the first fold fitted by hand with the training fold's
    # weights at mean 1, scored by the test fold's raw weights
    frame = _survey()
    w = frame["pw"].to_numpy()
    X, y = frame[ITEMS], frame["innovated"].to_numpy()
    train, test = _folds(frame)[0]
    model = _stepwise().fit(
        X.iloc[train], y[train], stepwiselogit__sample_weight=w[train] / w[train].mean()
    )
    auc = roc_auc_score(
        y[test], model.predict_proba(X.iloc[test])[:, 1], sample_weight=w[test]
    )
    assert_allclose(raw.scores["roc_auc"].iloc[0], auc, rtol=1e-10)
    assert "rescaled to mean 1 over each training fold" in raw.description


def test_default_stepwise_logits_use_design_based_errors(monkeypatch):
    # the default models, cut to the two StepwiseLogit ones, smaller: a grid
    # search's inner folds of mean-1 outer weights are not at mean 1, so only
    # a fit that rescales them itself (cov_type='survey') stays unwarned
    def two_models(spec, items, random_state, index_settings=None):
        search = GridSearchCV(
            make_pipeline(CompositeIndex(spec=spec), StepwiseLogit()),
            {"compositeindex__normalize": ["minmax"]},
            cv=2,
            scoring="roc_auc",
        )
        return {"StepwiseLogit": _stepwise(), "GridSearchCV(StepwiseLogit)": search}

    monkeypatch.setattr(_benchmark, "benchmark_models", two_models)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = benchmark_from_spec(_survey(), _document(), repeats=1, folds=3)
    said = [str(w.message) for w in caught]
    assert not [m for m in said if "read as frequency weights" in m]
    assert np.isfinite(result.scores["roc_auc"]).all()
    assert "design-based standard errors (cov_type='survey')" in " ".join(
        result.description.split()
    )


@pytest.mark.parametrize("kind", ["frequency", None])
def test_survey_logits_only_under_probability_weights(monkeypatch, kind):
    models = _benchmark._survey_logits(
        GridSearchCV(_stepwise(), {"compositeindex__normalize": ["minmax"]})
    )
    assert models.estimator.steps[-1][1].cov_type == "survey"
    assert _benchmark._survey_logits(StepwiseLogit()).cov_type == "survey"
    frame = _survey()
    document = (
        _document(kind)
        if kind
        else {k: v for k, v in _document().items() if k != "design"}
    )
    if kind == "frequency":
        frame["pw"] = np.round(frame["pw"])
    result = benchmark_from_spec(
        frame, document, repeats=1, folds=3, models={"spy": WeightSpy()}
    )
    assert "rescaled to mean 1" not in result.description
