"""The predictive benchmark: no leakage, any set of models, Holm-adjusted tests."""

import inspect
import re

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from statsmodels.stats.multitest import multipletests

from sklearn_innov.cli import main
from sklearn_innov.datasets import PAPER_SPEC, make_sme_survey
from sklearn_innov.diagnostics import corrected_resampled_ttest, holm_adjusted
from sklearn_innov.exceptions import SpecError
from sklearn_innov.model_selection import (
    BenchmarkResult,
    _benchmark,
    benchmark_from_spec,
    benchmark_spec,
)

MECHANISM_ITEMS = [
    item for name in ("X1", "X2", "X3", "X4") for item in PAPER_SPEC[name]
]
METRIC_NAMES = ("roc_auc", "accuracy", "balanced_accuracy", "brier", "log_loss")


class Spy(ClassifierMixin, BaseEstimator):
    """A prior-probability classifier that records the columns it is shown."""

    seen = []

    def fit(self, X, y):
        Spy.seen.append(("fit", list(X.columns)))
        self.classes_ = np.unique(y)
        self.prior_ = float(np.mean(y))
        return self

    def predict_proba(self, X):
        Spy.seen.append(("predict", list(X.columns)))
        p = np.full(len(X), self.prior_)
        return np.column_stack([1 - p, p])

    def predict(self, X):
        Spy.seen.append(("predict", list(X.columns)))
        return np.full(len(X), self.classes_[int(self.prior_ >= 0.5)])


@pytest.fixture
def spy():
    Spy.seen = []
    yield Spy
    Spy.seen = []


def scores_frame(auc):
    """A scores table as run_benchmark builds it, from each model's fold AUCs."""
    rows = []
    for model, values in auc.items():
        for fold, value in enumerate(values):
            rows.append(
                {"model": model, "repeat": 0, "fold": fold}
                | dict.fromkeys(METRIC_NAMES, value)
            )
    return pd.DataFrame(rows)


# -- Holm ------------------------------------------------------------------------


def test_holm_adjusted_equals_statsmodels_multipletests(rng):
    for size in (1, 2, 5, 12):
        p = rng.uniform(0, 0.2, size)
        p[: size // 3] = p[0]  # ties
        expected = multipletests(p, method="holm")[1]
        assert_allclose(holm_adjusted(p), expected, rtol=1e-14)
    edges = np.array([0.0, 1.0, 0.5, 0.0])
    assert_allclose(holm_adjusted(edges), multipletests(edges, method="holm")[1])


def test_holm_adjusted_leaves_tests_not_made_out_of_the_family():
    p = np.array([0.01, np.nan, 0.04, 0.03, np.nan])
    adjusted = holm_adjusted(p)
    assert np.isnan(adjusted[[1, 4]]).all()
    made = ~np.isnan(p)
    assert_allclose(adjusted[made], multipletests(p[made], method="holm")[1])
    assert np.isnan(holm_adjusted([np.nan, np.nan])).all()


@pytest.mark.parametrize("bad", [[0.2, 1.5], [-0.1, 0.3]])
def test_holm_adjusted_refuses_values_that_are_not_probabilities(bad):
    with pytest.raises(
        ValueError, match=r"holm_adjusted: pvalues must lie in \[0, 1\]"
    ):
        holm_adjusted(bad)


# -- the table, the readings, the notes ------------------------------------------

REF = np.array([0.70, 0.72, 0.68, 0.75, 0.71, 0.69])
AUC = {
    "StepwiseLogit": REF,
    # p = 0.047 alone, 0.19 after Holm's adjustment for four comparisons
    "A": np.array([0.736, 0.818, 0.786, 0.813, 0.777, 0.72]),
    "B": np.array([0.663, 0.684, 0.64, 0.787, 0.708, 0.695]),
    "C": np.array([0.661, 0.667, 0.624, 0.705, 0.708, 0.671]),
    "D": REF + np.array([0.12, 0.13, 0.11, 0.12, 0.125, 0.12]),
}


def test_table_holds_holm_adjusted_p_values_beside_the_unadjusted_ones():
    result = BenchmarkResult(scores_frame(AUC), 80, 40, "Data: test.")
    table = result.table()
    others = ["A", "B", "C", "D"]
    expected_p = [
        corrected_resampled_ttest(AUC[m], REF, 80, 40)["pvalue"] for m in others
    ]
    assert_allclose(table.loc[others, "p vs StepwiseLogit"], expected_p, rtol=1e-12)
    assert_allclose(
        table.loc[others, "Holm p vs StepwiseLogit"],
        multipletests(expected_p, method="holm")[1],
        rtol=1e-12,
    )
    assert (
        table.loc["StepwiseLogit", ["t vs StepwiseLogit", "Holm p vs StepwiseLogit"]]
        .isna()
        .all()
    )
    assert expected_p[0] < 0.05 < table.loc["A", "Holm p vs StepwiseLogit"]


def test_readings_come_from_the_holm_p_and_read_as_test_results():
    result = BenchmarkResult(scores_frame(AUC), 80, 40, "Data: test.")
    readings = dict(line.split(": ", 1) for line in result.readings())
    holm = result.table()["Holm p vs StepwiseLogit"]
    assert set(readings) == {"A", "B", "C", "D"}
    for model, text in readings.items():
        significant = holm[model] <= 0.05
        assert text.count("not significant at 5%") == (not significant)
        assert "after Holm's adjustment for 4 comparisons" in text
        shown = f"= {holm[model]:.3f}" if holm[model] >= 0.001 else "< 0.001"
        assert f"Holm p {shown}" in text
    # A is below 5% alone: the reading says it is not significant after Holm
    assert (
        "not significant at 5%" in readings["A"]
        and "unadjusted p = 0.047" in readings["A"]
    )
    assert "significant at 5%" in readings["D"] and "not" not in readings["D"]
    text = " ".join(str(result.summary()).split())
    for phrase in ("no evidence", "more than noise", "no difference"):
        assert phrase not in text
    assert "Holm's step-down method for the 4 comparisons made" in text
    assert "stepwise selection are refitted inside every training fold" in text


def test_any_set_of_models_without_the_papers_pipeline():
    auc = {label: AUC[label] for label in ("A", "B", "C")}
    result = BenchmarkResult(scores_frame(auc), 80, 40, "Data: test.")
    assert result.reference is None
    table = result.table()
    assert not any(" vs " in column for column in table.columns)
    text = " ".join(str(result.summary()).split())
    assert "No model is compared with another: none is labelled 'StepwiseLogit'" in text
    assert "reference=LABEL" in text
    assert "The tests compare" not in text
    chosen = BenchmarkResult(scores_frame(auc), 80, 40, "Data: test.", reference="B")
    table = chosen.table()
    assert_allclose(
        table.loc["A", "p vs B"],
        corrected_resampled_ttest(auc["A"], auc["B"], 80, 40)["pvalue"],
    )
    assert "Compared with B" in str(chosen.summary())
    with pytest.raises(ValueError, match=r"reference 'Z' is not one of the models"):
        BenchmarkResult(scores_frame(auc), 80, 40, "Data: test.", reference="Z")


def test_identical_scores_say_why_there_is_no_test():
    auc = {"StepwiseLogit": REF, "GridSearchCV(StepwiseLogit)": REF, "A": AUC["A"]}
    auc["shifted"] = REF + 0.01
    result = BenchmarkResult(scores_frame(auc), 80, 40, "Data: test.")
    table = result.table()
    for model in ("GridSearchCV(StepwiseLogit)", "shifted"):
        assert (
            table.loc[model, ["t vs StepwiseLogit", "p vs StepwiseLogit"]].isna().all()
        )
    # the family is the one comparison made
    assert_allclose(
        table.loc["A", "Holm p vs StepwiseLogit"], table.loc["A", "p vs StepwiseLogit"]
    )
    text = " ".join(str(result.summary()).split())
    assert (
        "GridSearchCV(StepwiseLogit) scored exactly the ROC AUC of StepwiseLogit in "
        "every fold (as identical predictions do" in text
    )
    assert (
        "the corrected t-test is undefined (the differences have no variance)" in text
    )
    assert (
        "shifted differs from StepwiseLogit by the same ROC AUC in every fold" in text
    )
    # a difference below three decimals is printed with the decimals that
    # show it, so the two means never read equal beside "higher" (a reader
    # found "equal to three decimals (0.714 vs 0.713)")
    near = {"StepwiseLogit": REF, "near": REF + np.array([1, -1, 2, -2, 1, 0]) * 1e-4}
    (line,) = BenchmarkResult(scores_frame(near), 80, 40, "Data: t.").readings()
    shown = re.search(
        r"ROC AUC ([\d.]+) higher than StepwiseLogit \(([\d.]+) vs ([\d.]+)\)", line
    )
    assert shown, line
    difference, ours, theirs = (float(v) for v in shown.groups())
    assert difference > 0 and ours > theirs
    assert len(shown.group(2).split(".")[1]) == 5  # 1.7e-5 apart
    same = {"StepwiseLogit": REF, "same": REF + np.array([1, -1, 2, -2, 1, 0]) * 1e-8}
    (line,) = BenchmarkResult(scores_frame(same), 80, 40, "Data: t.").readings()
    assert "equal to StepwiseLogit's to six decimals" in line


# -- no leakage --------------------------------------------------------------------


def test_every_model_sees_the_mechanisms_items_only(spy):
    frame = make_sme_survey(random_state=1).frame
    frame["leak"] = frame["innovated"]  # a copy of the target under another name
    document = {
        "indices": PAPER_SPEC,
        "model": {"outcome": "Y", "target": "innovated"},
    }
    result = benchmark_from_spec(
        frame,
        document,
        repeats=1,
        folds=3,
        models={"spy": Spy(), "DummyClassifier": DummyClassifier()},
    )
    assert {"fit", "predict"} == {stage for stage, _ in spy.seen}
    for _, columns in spy.seen:
        assert columns == MECHANISM_ITEMS
    assert "Every model sees only the 26 items of X1, X2, X3, X4" in result.description
    assert "withheld: 'innovated', 'innov_product'" in result.description


def test_the_default_survey_gives_models_the_features_only(spy):
    benchmark_from_spec(repeats=1, folds=3, models={"spy": Spy()})
    assert spy.seen and all(columns == MECHANISM_ITEMS for _, columns in spy.seen)


def test_scores_do_not_depend_on_what_else_the_frame_holds():
    frame = make_sme_survey(random_state=2).frame
    frame["leak"] = frame["innovated"]
    document = {"indices": PAPER_SPEC, "model": {"target": "innovated"}}
    lean = frame[[*MECHANISM_ITEMS, *PAPER_SPEC["Y"], "innovated"]]
    model = {
        "all numeric columns": make_pipeline(
            StandardScaler(), LogisticRegression(max_iter=1000)
        )
    }
    a = benchmark_from_spec(frame, document, repeats=1, folds=3, models=model)
    b = benchmark_from_spec(lean, document, repeats=1, folds=3, models=model)
    pd.testing.assert_frame_equal(a.scores, b.scores)


def test_benchmark_spec_without_an_outcome_keeps_every_index():
    frame = pd.DataFrame(
        {
            "q1": [1, 2, 3, 4],
            "q2": [2, 2, 3, 5],
            "r1": [0, 1, 1, 1],
            "won": [0, 1, 0, 1],
        }
    )
    spec = benchmark_spec(
        {"indices": {"A": ["q1", "q2"], "R": ["r1"]}, "model": {"target": "won"}}, frame
    )
    assert spec.outcome is None
    assert spec.features == ["q1", "q2", "r1"] and spec.withheld == ["won"]
    # the default outcome, an index "Y", is withheld as replicate fits it
    spec = benchmark_spec(
        {"indices": {"A": ["q1", "q2"], "Y": ["r1"]}, "model": {"target": "won"}}, frame
    )
    assert (spec.outcome, spec.features, spec.withheld) == (
        "Y",
        ["q1", "q2"],
        ["won", "r1"],
    )


@pytest.mark.parametrize(
    "indices, message",
    [
        (
            {"A": ["q1", "won"], "R": ["r1"]},
            "index 'A' holds 'won', the target: the benchmark would give it to "
            "every model as a feature (a leak); take it out of 'A' in [indices].",
        ),
        (
            {"A": ["q1", "r1"], "R": ["r1", "q2"]},
            "index 'A' holds 'r1', an item of the outcome 'R'",
        ),
    ],
)
def test_an_index_holding_the_target_or_an_outcome_item_is_refused(indices, message):
    frame = pd.DataFrame(
        {
            "q1": [1, 2, 3, 4],
            "q2": [2, 2, 3, 5],
            "r1": [0, 1, 1, 1],
            "won": [0, 1, 0, 1],
        }
    )
    document = {"indices": indices, "model": {"outcome": "R", "target": "won"}}
    with pytest.raises(SpecError, match=re.escape(message)):
        benchmark_spec(document, frame, source="spec file 's.toml'")


def test_a_missing_default_target_asks_for_model_target_only():
    frame = pd.DataFrame({"q1": [1, 2, 3, 4], "q2": [2, 2, 3, 5]})
    with pytest.raises(SpecError, match=r"\[model\] outcome is optional"):
        benchmark_spec({"indices": {"A": ["q1", "q2"]}}, frame)


def test_an_unknown_reference_is_refused_before_any_fit():
    with pytest.raises(ValueError, match=r"reference 'nope' is not one of the models"):
        benchmark_from_spec(
            repeats=1, folds=3, models={"a": DummyClassifier()}, reference="nope"
        )


# -- the command ---------------------------------------------------------------------

NO_OUTCOME_SPEC = """
[indices]
partners = ["collab_suppliers", "collab_customers", "collab_competitors"]
effort = ["learn_training", "learn_ict", "learn_research", "learn_evaluation"]

[model]
target = "innovated"

[index]
bounds = [0, 5]
"""


@pytest.fixture
def no_outcome(tmp_path):
    frame = make_sme_survey(150, random_state=4).frame
    frame["innovated"] = np.where(frame["innovated"] == 1, "yes", "no")
    data, spec = tmp_path / "survey.csv", tmp_path / "spec.toml"
    frame.to_csv(data, index=False)
    spec.write_text(NO_OUTCOME_SPEC, encoding="utf-8")
    return data, spec


def test_command_without_an_outcome_gives_models_the_features_only(
    no_outcome, spy, monkeypatch, capsys
):
    every = _benchmark.benchmark_models

    def with_spy(spec, items, random_state=0, index_settings=None):
        models = every(spec, items, random_state, index_settings=index_settings)
        # a grid whose one candidate is the reference (the first spec, no
        # item to move; the first normalisation, the reference's)
        grid = models["GridSearchCV(StepwiseLogit)"]
        grid.param_grid = {key: value[:1] for key, value in grid.param_grid.items()}
        return {
            "StepwiseLogit": models["StepwiseLogit"],
            "GridSearchCV(StepwiseLogit)": models["GridSearchCV(StepwiseLogit)"],
            "spy": Spy(),
        }

    monkeypatch.setattr(_benchmark, "benchmark_models", with_spy)
    data, spec = no_outcome
    code = main(
        ["benchmark", "--data", str(data), "--spec", str(spec)]
        + ["--repeats", "1", "--folds", "3", "--quiet"]
    )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    expected = [
        "collab_suppliers",
        "collab_customers",
        "collab_competitors",
        "learn_training",
        "learn_ict",
        "learn_research",
        "learn_evaluation",
    ]
    assert spy.seen and all(columns == expected for _, columns in spy.seen)
    out = " ".join(captured.out.split())
    assert "withheld: 'innovated'." in out
    assert (
        "GridSearchCV(StepwiseLogit) scored exactly the ROC AUC of StepwiseLogit" in out
    )
    assert "Holm's step-down method for the 1 comparison made" in out


def test_command_reference_option(no_outcome, monkeypatch, capsys):
    monkeypatch.setattr(
        _benchmark,
        "benchmark_models",
        lambda *args, **kwargs: {"a": DummyClassifier(), "b": Spy()},
    )
    data, spec = no_outcome
    argv = ["benchmark", "--data", str(data), "--spec", str(spec)]
    argv += ["--repeats", "1", "--folds", "3", "--quiet"]
    assert main([*argv, "--reference", "a"]) == 0
    assert "p vs a" in capsys.readouterr().out
    assert main([*argv, "--reference", "StepwiseLogit"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "reference 'StepwiseLogit' is not one of the models: ['a', 'b']" in err


def test_a_reference_that_failed_in_a_fold_is_said_to_block_every_test():
    auc = {"StepwiseLogit": np.r_[REF[:5], np.nan], "A": AUC["A"], "B": AUC["B"]}
    result = BenchmarkResult(scores_frame(auc), 80, 40, "Data: test.")
    assert result.table()["Holm p vs StepwiseLogit"].isna().all()
    assert result.readings() == []
    text = " ".join(str(result.summary()).split())
    assert "No model could be tested against StepwiseLogit (the notes below" in text
    for model in ("A", "B"):
        assert (
            f"{model} is not compared: StepwiseLogit failed to fit in some folds"
            in text
        )


def test_a_spec_with_controls_says_the_benchmark_leaves_them_out():
    frame = make_sme_survey(random_state=2).frame
    document = {
        "indices": PAPER_SPEC,
        "model": {"target": "innovated", "controls": ["size"]},
    }
    model = {"logit": make_pipeline(StandardScaler(), LogisticRegression())}
    result = benchmark_from_spec(frame, document, repeats=1, folds=3, models=model)
    assert "The spec's controls ('size') are not given to any model" in (
        result.description
    )


def test_the_event_is_printed_as_the_user_wrote_it():
    # a 0/1 target read as floats (a missing value made the column float)
    frame = make_sme_survey(random_state=2).frame
    frame["innovated"] = frame["innovated"].astype(float)
    frame.loc[0, "innovated"] = np.nan
    document = {"indices": PAPER_SPEC, "model": {"target": "innovated"}}
    model = {"logit": make_pipeline(StandardScaler(), LogisticRegression())}
    result = benchmark_from_spec(frame, document, repeats=1, folds=3, models=model)
    assert "Event: innovated = 1." in result.description


# -- sample weights: routed to the fits, scored with the weights ----------------


class WeightSpy(ClassifierMixin, BaseEstimator):
    """A prior classifier that records the weights its fit receives."""

    seen = []

    def __init__(self, fit_intercept=True):
        self.fit_intercept = fit_intercept  # a parameter for a grid to search

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


def _weighted_survey():
    frame = make_sme_survey(random_state=0).frame
    weights = np.random.default_rng(1).integers(1, 6, len(frame)).astype(float)
    return frame, weights


def test_weighted_scores_are_the_weighted_metrics_on_the_same_folds():
    from sklearn.metrics import (
        accuracy_score,
        balanced_accuracy_score,
        brier_score_loss,
        log_loss,
        roc_auc_score,
    )
    from sklearn.model_selection import RepeatedStratifiedKFold

    frame, w = _weighted_survey()
    models = {
        "logit": make_pipeline(StandardScaler(), LogisticRegression()),
        "prior": DummyClassifier(strategy="prior"),
    }
    result = benchmark_from_spec(
        repeats=2, folds=3, models=models, reference="prior", sample_weight=w
    )
    X, y = frame[MECHANISM_ITEMS], frame["innovated"].to_numpy()
    cv = RepeatedStratifiedKFold(n_splits=3, n_repeats=2, random_state=0)
    for fold, (train, test) in enumerate(cv.split(X, y)):
        logit = make_pipeline(StandardScaler(), LogisticRegression()).fit(
            X.iloc[train],
            y[train],
            standardscaler__sample_weight=w[train],
            logisticregression__sample_weight=w[train],
        )
        p = logit.predict_proba(X.iloc[test])[:, 1]
        wt = w[test]
        expected = {
            "roc_auc": roc_auc_score(y[test], p, sample_weight=wt),
            "accuracy": accuracy_score(y[test], p >= 0.5, sample_weight=wt),
            "balanced_accuracy": balanced_accuracy_score(
                y[test], p >= 0.5, sample_weight=wt
            ),
            "brier": brier_score_loss(y[test], p, sample_weight=wt),
            "log_loss": log_loss(y[test], p, sample_weight=wt),
        }
        row = result.scores.query("model == 'logit'").iloc[fold]
        for metric, value in expected.items():
            assert_allclose(row[metric], value, rtol=1e-10, err_msg=metric)
        # the prior model: the training fold's weighted share of events
        prior = np.average(y[train], weights=w[train])
        row = result.scores.query("model == 'prior'").iloc[fold]
        assert_allclose(
            row["brier"],
            brier_score_loss(y[test], np.full(test.size, prior), sample_weight=wt),
            rtol=1e-12,
        )
    unweighted = benchmark_from_spec(
        repeats=2, folds=3, models=models, reference="prior"
    )
    assert not np.allclose(
        unweighted.scores["brier"].to_numpy(), result.scores["brier"].to_numpy()
    )
    # the comparisons read the weighted fold scores, in the same form
    tests = result.comparisons()
    assert list(tests.columns) == list(unweighted.comparisons().columns)
    auc = result.scores.pivot(index=["repeat", "fold"], columns="model")["roc_auc"]
    n = len(frame)
    ref = corrected_resampled_ttest(
        auc["logit"].to_numpy(), auc["prior"].to_numpy(), n - n // 3, n // 3
    )
    assert_allclose(tests.loc["logit", "p"], ref["pvalue"], rtol=1e-12)
    assert "Weights: every score is weighted" in result.description


def test_the_specs_design_weight_is_used_and_said():
    frame, w = _weighted_survey()
    frame = frame.assign(copies=w)
    document = {
        "indices": PAPER_SPEC,
        "model": {"target": "innovated"},
        "design": {"weight": "copies", "weights": "frequency"},
    }
    models = {"prior": DummyClassifier(strategy="prior")}
    by_spec = benchmark_from_spec(frame, document, repeats=1, folds=3, models=models)
    by_hand = benchmark_from_spec(
        frame,
        {k: v for k, v in document.items() if k != "design"},
        repeats=1,
        folds=3,
        models=models,
        sample_weight=w,
    )
    assert_allclose(by_spec.scores["brier"], by_hand.scores["brier"], rtol=1e-12)
    assert "Weighted by [design] weight 'copies' (frequency weights)" in (
        by_spec.description
    )


def test_each_fit_receives_exactly_its_training_folds_weights():
    from sklearn.model_selection import RepeatedStratifiedKFold

    frame, w = _weighted_survey()
    WeightSpy.seen = []
    benchmark_from_spec(
        repeats=1, folds=3, models={"spy": WeightSpy()}, sample_weight=w
    )
    X, y = frame[MECHANISM_ITEMS], frame["innovated"]
    cv = RepeatedStratifiedKFold(n_splits=3, n_repeats=1, random_state=0)
    expected = [w[train] for train, _ in cv.split(X, y)]
    assert len(WeightSpy.seen) == 3
    for got, want in zip(WeightSpy.seen, expected, strict=True):
        assert_allclose(got, want)


def test_a_model_that_takes_no_weights_is_named_in_the_notes(spy):
    _, w = _weighted_survey()
    result = benchmark_from_spec(
        repeats=1,
        folds=3,
        models={"spy": Spy(), "prior": DummyClassifier()},
        sample_weight=w,
    )
    notes = "\n".join(result._notes())
    assert "fitted unweighted, as their classifier takes no sample_weight: 'spy'." in (
        notes.replace("\n", " ")
    )


def test_weights_of_the_wrong_length_are_refused():
    with pytest.raises(ValueError, match="one weight per row"):
        benchmark_from_spec(
            repeats=1, folds=3, models={"p": DummyClassifier()}, sample_weight=[1, 2]
        )


def test_a_grid_searchs_inner_fits_get_the_weights_too():
    from sklearn.model_selection import GridSearchCV

    _, w = _weighted_survey()
    WeightSpy.seen = []
    search = GridSearchCV(
        WeightSpy(), {"fit_intercept": [True]}, cv=2, scoring="neg_brier_score"
    )
    benchmark_from_spec(repeats=1, folds=3, models={"search": search}, sample_weight=w)
    # per outer fold: 2 inner fits and the refit, each with weights
    assert len(WeightSpy.seen) == 9
    assert all(seen.ndim == 1 and seen.size > 0 for seen in WeightSpy.seen)
    sizes = sorted({seen.size for seen in WeightSpy.seen})
    assert len(sizes) > 1  # inner folds are smaller than the refit's


@pytest.mark.skipif(
    "sample_weight" not in inspect.signature(_benchmark.StepwiseLogit.fit).parameters,
    reason="StepwiseLogit.fit takes sample_weight on the lweights branch",
)
def test_the_papers_pipeline_is_fitted_weighted():
    _, w = _weighted_survey()
    result = benchmark_from_spec(repeats=1, folds=3, sample_weight=w)
    assert "'StepwiseLogit'" not in result.description.split("fitted unweighted")[-1]
