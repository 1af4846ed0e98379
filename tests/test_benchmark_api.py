"""run_benchmark(X, y, *, cv, scoring, reference, models, extra_models, ...).

Every fold's score is checked against scikit-learn's ``cross_validate`` run
by hand on the same folds (the oracle), for the default metrics and for the
user's scoring; then the models' semantics (``models`` replaces, extra
models add, the reference), the per-fit progress and the warnings raised
in workers, and the errors a bad input gets.
"""

import io
import logging
import re
import sys
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.dummy import DummyClassifier
from sklearn.exceptions import FitFailedWarning
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, make_scorer
from sklearn.model_selection import (
    KFold,
    RepeatedStratifiedKFold,
    ShuffleSplit,
    StratifiedKFold,
    cross_validate,
)
from sklearn.naive_bayes import GaussianNB

from sklearn_innov.datasets import PAPER_SPEC, make_sme_survey
from sklearn_innov.exceptions import ConstantItemWarning
from sklearn_innov.model_selection import (
    _benchmark,
    benchmark_from_spec,
    run_benchmark,
)

ITEMS = [item for name in ("X1", "X2", "X3", "X4") for item in PAPER_SPEC[name]]
SKLEARN_NAMES = {
    "roc_auc": "roc_auc",
    "accuracy": "accuracy",
    "balanced_accuracy": "balanced_accuracy",
    "brier": "neg_brier_score",
    "log_loss": "neg_log_loss",
}


@pytest.fixture(scope="module")
def data():
    survey = make_sme_survey(random_state=5)
    return survey.frame[ITEMS], survey.target


def two_models():
    return {
        "logit": LogisticRegression(max_iter=1000),
        "nb": GaussianNB(),
    }


def by_hand(model, X, y, cv, scoring):
    return cross_validate(model, X, y, cv=cv, scoring=scoring)


def test_default_scores_equal_cross_validate_on_the_same_folds(data):
    X, y = data
    cv = RepeatedStratifiedKFold(n_splits=3, n_repeats=2, random_state=1)
    result = run_benchmark(X, y, cv=cv, models=two_models(), progress=False)
    for label, model in two_models().items():
        oracle = by_hand(model, X, y, cv, list(SKLEARN_NAMES.values()))
        rows = result.scores[result.scores["model"] == label]
        assert rows["repeat"].tolist() == [0, 0, 0, 1, 1, 1]
        assert rows["fold"].tolist() == [0, 1, 2, 0, 1, 2]
        for ours, theirs in SKLEARN_NAMES.items():
            # the losses are stored as losses, scikit-learn's scorers negate them
            sign = -1.0 if theirs.startswith("neg_") else 1.0
            np.testing.assert_allclose(
                rows[ours].to_numpy(), sign * oracle[f"test_{theirs}"], rtol=1e-12
            )
    assert result.metric == "roc_auc"
    # k-fold on 127 rows: 42 or 43 tested, 84 or 85 trained on
    assert (result.n_test, result.n_train) == (42, 85)


def test_an_int_cv_is_stratified_k_fold_as_in_cross_validate(data):
    X, y = data
    result = run_benchmark(
        X, y, cv=4, scoring="accuracy", models=two_models(), progress=False
    )
    for label, model in two_models().items():
        oracle = by_hand(model, X, y, StratifiedKFold(4), "accuracy")
        np.testing.assert_allclose(
            result.scores.loc[result.scores["model"] == label, "accuracy"],
            oracle["test_score"],
            rtol=1e-12,
        )
    assert "StratifiedKFold(n_splits=4" in result.description


def test_an_iterable_of_splits_and_a_user_scoring_dict(data):
    X, y = data
    splits = list(ShuffleSplit(5, test_size=0.3, random_state=0).split(X))
    scoring = {
        "acc": make_scorer(accuracy_score),
        "auc": "roc_auc",
    }
    result = run_benchmark(
        X,
        y,
        cv=splits,
        scoring=scoring,
        models=two_models(),
        reference="nb",
        progress=False,
    )
    assert result.metrics == ["acc", "auc"]
    # the tests compare the first metric, named as the user named it
    assert result.metric == "acc"
    assert "5 train/test splits given as cv" in result.description
    assert (result.n_test, result.n_train) == (39, 88)
    for label, model in two_models().items():
        oracle = by_hand(model, X, y, splits, scoring)
        rows = result.scores[result.scores["model"] == label]
        np.testing.assert_allclose(rows["acc"], oracle["test_acc"], rtol=1e-12)
        np.testing.assert_allclose(rows["auc"], oracle["test_auc"], rtol=1e-12)
    assert result.readings()[0].startswith("logit: acc ")
    assert "Brier score and log loss" not in str(result.summary())


def test_a_list_of_scorer_names_and_a_callable(data):
    X, y = data
    listed = run_benchmark(
        X,
        y,
        cv=3,
        scoring=["balanced_accuracy", "roc_auc"],
        models={"nb": GaussianNB()},
        progress=False,
    )
    assert listed.metrics == ["balanced_accuracy", "roc_auc"]
    called = run_benchmark(
        X,
        y,
        cv=3,
        scoring=make_scorer(accuracy_score),
        models={"nb": GaussianNB()},
        progress=False,
    )
    oracle = by_hand(GaussianNB(), X, y, StratifiedKFold(3), "accuracy")
    np.testing.assert_allclose(called.scores["score"], oracle["test_score"])


def test_scores_do_not_depend_on_n_jobs(data):
    X, y = data
    cv = RepeatedStratifiedKFold(n_splits=3, n_repeats=2, random_state=0)
    one = run_benchmark(X, y, cv=cv, models=two_models(), n_jobs=1, progress=False)
    two = run_benchmark(X, y, cv=cv, models=two_models(), n_jobs=2, progress=False)
    pd.testing.assert_frame_equal(one.scores, two.scores, check_exact=True)


def test_the_spec_entry_equals_run_benchmark_on_its_features_and_folds():
    survey = make_sme_survey(random_state=0)
    by_spec = benchmark_from_spec(repeats=1, folds=3, models=two_models())
    cv = RepeatedStratifiedKFold(n_splits=3, n_repeats=1, random_state=0)
    direct = run_benchmark(
        survey.frame[ITEMS], survey.target, cv=cv, models=two_models(), progress=False
    )
    pd.testing.assert_frame_equal(by_spec.scores, direct.scores, check_exact=True)


def test_the_old_signature_warns_and_gives_the_spec_entrys_result():
    with pytest.warns(FutureWarning, match=r"benchmark_from_spec") as caught:
        old = run_benchmark(repeats=1, folds=3, models=two_models())
    # attributed to this file, the caller's line
    assert caught[0].filename == __file__
    new = benchmark_from_spec(repeats=1, folds=3, models=two_models())
    pd.testing.assert_frame_equal(old.scores, new.scores, check_exact=True)
    assert old.description == new.description
    with pytest.raises(TypeError, match="unexpected keyword argument 'fold'"):
        run_benchmark(fold=3)


# -- models, extra models, the reference ---------------------------------------------


@pytest.fixture
def small_defaults(monkeypatch):
    """The default set, cut to two models (with the paper's pipeline)."""
    every = _benchmark.benchmark_models
    seen = {}

    def few(spec, items, random_state=0, index_settings=None):
        seen.update(spec=spec, items=items, index_settings=index_settings)
        models = every(spec, items, random_state, index_settings=index_settings)
        return {k: models[k] for k in ("StepwiseLogit", "DummyClassifier")}

    monkeypatch.setattr(_benchmark, "benchmark_models", few)
    return seen


@pytest.mark.filterwarnings("ignore::sklearn_innov.exceptions.ConstantItemWarning")
def test_extra_models_add_to_the_default_set_tested_against_the_papers(
    data, small_defaults
):
    X, y = data
    result = run_benchmark(
        X, y, cv=3, extra_models={"nb": GaussianNB()}, progress=False
    )
    assert list(dict.fromkeys(result.scores["model"])) == [
        "StepwiseLogit",
        "DummyClassifier",
        "nb",
    ]
    assert result.reference == "StepwiseLogit"
    # the paper's learning mechanisms are the default spec on its items
    assert small_defaults["spec"] == {
        k: PAPER_SPEC[k] for k in ("X1", "X2", "X3", "X4")
    }


def test_a_composite_index_as_spec_gives_its_settings(data, small_defaults):
    from sklearn_innov import CompositeIndex

    X, y = data
    spec = {"A": ITEMS[:3], "B": ITEMS[3:6]}
    run_benchmark(
        X,
        y,
        cv=3,
        spec=CompositeIndex(spec=spec, normalize="zscore"),
        progress=False,
    )
    assert small_defaults["spec"] == spec
    assert small_defaults["index_settings"]["normalize"] == "zscore"
    assert small_defaults["items"] == ITEMS[:6]


def test_models_replace_the_set_and_extra_models_add_to_them(data):
    X, y = data
    result = run_benchmark(
        X,
        y,
        cv=3,
        models=[("prior", DummyClassifier())],
        extra_models={"nb": GaussianNB()},
        progress=False,
    )
    assert list(dict.fromkeys(result.scores["model"])) == ["prior", "nb"]
    # no "StepwiseLogit" among them and none chosen: no test, and it says so
    assert result.reference is None
    assert "run_benchmark(reference=LABEL)" in str(result.summary())
    chosen = run_benchmark(
        X,
        y,
        cv=3,
        models={"prior": DummyClassifier()},
        extra_models={"nb": GaussianNB()},
        reference="prior",
        progress=False,
    )
    assert chosen.comparisons().index.tolist() == ["nb"]


# -- progress and warnings -----------------------------------------------------------


class FakeTTY(io.StringIO):
    def isatty(self):
        return True


def test_progress_counts_every_model_and_fold_on_a_terminal(data, monkeypatch):
    X, y = data
    terminal = FakeTTY()
    monkeypatch.setattr(sys, "stderr", terminal)
    run_benchmark(X, y, cv=3, models=two_models())
    text = terminal.getvalue()
    assert "6/6" in text  # 2 models x 3 folds, one step each
    # the finished bar says "done", not the label of whichever fit ended last
    assert "done" in text.split("\r")[-1]
    assert "<" in text  # tqdm's elapsed<remaining: the ETA


def test_progress_off_a_terminal_is_log_lines_and_the_time_per_model(
    data, monkeypatch, caplog
):
    X, y = data
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    with caplog.at_level(logging.INFO, logger="sklearn_innov"):
        run_benchmark(X, y, cv=3, models=two_models())
    assert sys.stderr.getvalue() == ""
    lines = [r.getMessage() for r in caplog.records]
    assert any(
        re.fullmatch(r"benchmark: 6/6 fits, elapsed \d\d:\d\d: done", m) for m in lines
    )
    timing = [m for m in lines if m.startswith("time per model")]
    assert len(timing) == 1 and "logit" in timing[0] and "nb" in timing[0]
    caplog.clear()
    run_benchmark(X, y, cv=3, models=two_models(), progress=False)
    assert not [r for r in caplog.records if r.name == "sklearn_innov.progress"]


class Warns(ClassifierMixin, BaseEstimator):
    """A prior classifier that raises a library warning on every fit."""

    def fit(self, X, y):
        warnings.warn(
            "CompositeIndex: 'x' (always 0) takes a single value at fit. "
            + "Much more text follows. " * 40,
            ConstantItemWarning,
            stacklevel=2,
        )
        self.model_ = DummyClassifier().fit(X, y)
        self.classes_ = self.model_.classes_
        return self

    def predict_proba(self, X):
        return self.model_.predict_proba(X)

    def predict(self, X):
        return self.model_.predict(X)


class WarnsOnFewRows(Warns):
    """Warns only when its training rows are fewer than 90 (the small folds)."""

    def fit(self, X, y):
        if len(X) < 90:
            return super().fit(X, y)
        self.model_ = DummyClassifier().fit(X, y)
        self.classes_ = self.model_.classes_
        return self


def test_a_warning_from_some_folds_says_in_how_many(data):
    """A fit sees a fold's training rows: the one-line warning counts the
    folds whose fits warned, so an item constant in a few training folds is
    not read as constant in the data."""
    X, y = data
    cv = KFold(n_splits=4)  # training folds of 95, 95, 95 and 96 rows
    cv_small = [(train[:80], test) for train, test in cv.split(X)][:2] + list(
        cv.split(X)
    )[2:]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run_benchmark(X, y, cv=cv_small, models={"w": WarnsOnFewRows()}, progress=False)
    mine = [w for w in caught if w.category is ConstantItemWarning]
    assert [str(w.message) for w in mine] == [
        "CompositeIndex: 'x' (always 0) takes a single value at fit. "
        "(benchmark: on the training rows of 2 of 4 folds, fitting 'w')"
    ]


class Fails(Warns):
    def fit(self, X, y):
        raise ValueError("no such luck\nsecond line of the traceback text")


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_warnings_of_every_fit_come_once_in_one_line_from_the_caller(data, n_jobs):
    X, y = data
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = run_benchmark(
            X,
            y,
            cv=3,
            models={"w": Warns(), "f": Fails(), "nb": GaussianNB()},
            n_jobs=n_jobs,
            progress=False,
        )
    mine = [w for w in caught if w.category is ConstantItemWarning]
    assert len(mine) == 1  # six fits warned (3 folds x 1 model): said once
    message = str(mine[0].message)
    assert message == (
        "CompositeIndex: 'x' (always 0) takes a single value at fit. "
        "(benchmark: on the training rows of 3 of 3 folds, fitting 'w')"
    )
    assert mine[0].filename == __file__
    failed = [w for w in caught if w.category is FitFailedWarning]
    assert len(failed) == 1
    assert str(failed[0].message) == (
        "run_benchmark: 'f' failed to fit in 3 of 3 folds (scored NaN): "
        "ValueError: no such luck"
    )
    assert result.scores.loc[result.scores["model"] == "f", "roc_auc"].isna().all()
    assert "f failed to fit in 3 of 3 folds" in str(result.summary())


# -- bad input -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"y": np.zeros(5)}, ValueError, "y must hold one value per row of X (127)"),
        ({"y": "nan"}, ValueError, "y is missing at 2 rows (positions [0, 7])"),
        ({"y": "three"}, ValueError, "need a binary y, and y has 3 classes"),
        ({"X": "1d"}, ValueError, "X must be 2-D"),
        ({"scoring": "auc"}, ValueError, "'auc' is not a scikit-learn scorer name"),
        ({"scoring": {"model": "roc_auc"}}, ValueError, "cannot be a score column"),
        ({"scoring": []}, ValueError, "scoring is empty"),
        ({"scoring": 3}, TypeError, "scoring must be a scorer name"),
        ({"reference": "nope"}, ValueError, "reference 'nope' is not one of"),
        ({"extra_models": {"nb": GaussianNB()}}, ValueError, "label 'nb' is already"),
        ({"models": {}}, ValueError, "no model to benchmark"),
        (
            {"sample_weight": np.ones(127), "scoring": lambda est, X, y: 0.0},
            ValueError,
            "is a plain function, which cannot receive the test fold's weights",
        ),
        ({"models": None, "X": "other"}, ValueError, "pass spec={index name"),
        ({"models": None, "spec": ["a"]}, TypeError, "spec must be a dict"),
    ],
)
def test_bad_input_is_refused_with_a_message_that_says_what_to_do(
    data, kwargs, error, message
):
    X, y = data
    args = {"X": X, "y": y, "models": {"nb": GaussianNB()}, "cv": 3}
    args.update(kwargs)
    if isinstance(args["y"], str):
        values = y.to_numpy().astype(float)
        if args["y"] == "nan":
            values[[0, 7]] = np.nan
        else:
            values[:10] = 2
        args["y"] = values
    if isinstance(args["X"], str):
        args["X"] = X.iloc[:, 0].to_numpy() if args["X"] == "1d" else X.add_prefix("q")
    with pytest.raises(error, match=re.escape(message)):
        run_benchmark(progress=False, **args)


def test_the_title_names_a_named_target():
    survey = make_sme_survey(random_state=0)
    models = {"prior": DummyClassifier()}
    named = run_benchmark(
        survey.data, survey.frame["innovated"], cv=3, models=models, progress=False
    )
    assert named.title == "Predictive benchmark of innovated"
    plain = run_benchmark(
        survey.data.to_numpy(),
        survey.frame["innovated"].to_numpy(),
        cv=3,
        models=models,
        progress=False,
    )
    assert plain.title == "Predictive benchmark"


def test_the_spec_benchmark_counts_rows_in_the_specs_units():
    # a reader's benchmark said "6366 rows" where replicate said "6366 women"
    survey = make_sme_survey(random_state=0)
    document = {
        "indices": PAPER_SPEC,
        "model": {"outcome": "Y", "target": "innovated"},
        "labels": {"unit": "plant", "units": "plants"},
    }
    result = benchmark_from_spec(
        survey.frame,
        document,
        repeats=1,
        folds=3,
        models={"prior": DummyClassifier()},
    )
    assert "Data: the user's survey, 127 plants." in result.description
