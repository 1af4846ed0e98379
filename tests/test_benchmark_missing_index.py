"""The spec-driven benchmark under ``[index] missing = "nan"``, and its readings
when a model fails in every fold (issue 28, item 6: a survey with schools of
no enrolment made 6 of 10 models fail in every fold, and the run said
nothing)."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from sklearn_innov.datasets import PAPER_SPEC, make_sme_survey
from sklearn_innov.model_selection import (
    BenchmarkResult,
    benchmark_from_spec,
    benchmark_models,
)

# rows chosen here: X4's items all unanswered in three, Y's in two
NO_X4, NO_Y = [3, 40, 77], [12, 150]


@pytest.fixture(scope="module")
def survey():
    frame = make_sme_survey(200, random_state=3).frame
    frame.loc[NO_X4, PAPER_SPEC["X4"]] = np.nan
    frame.loc[NO_Y, PAPER_SPEC["Y"]] = np.nan
    document = {
        "indices": PAPER_SPEC,
        "model": {"outcome": "Y", "target": "innovated"},
        "index": {"missing": "nan"},
    }
    return frame, document


def _models(frame, document):
    mechanisms = {k: v for k, v in PAPER_SPEC.items() if k != "Y"}
    items = [i for v in mechanisms.values() for i in v]
    every = benchmark_models(mechanisms, items, index_settings={"missing": "nan"})
    return {label: every[label] for label in ("StepwiseLogit", "DummyClassifier")}


def test_rows_replicate_leaves_out_are_left_out_of_every_model(survey):
    frame, document = survey
    kwargs = dict(repeats=1, folds=3, random_state=0)
    result = benchmark_from_spec(
        frame, document, models=_models(frame, document), **kwargs
    )
    # every model fitted in every fold: no NaN index reached a model
    assert np.isfinite(result.scores["roc_auc"]).all()
    assert (
        "5 of 200 rows have an index that is NaN ([index] missing = 'nan': no "
        "answered item; by index: X4 3, Y 2); they are left out of every model "
        "and fold, as replicate leaves them out." in result.description
    )
    # oracle: the same benchmark on the survey without the rows this test
    # emptied, dropped by hand
    kept = frame.drop(index=NO_X4 + NO_Y)
    expected = benchmark_from_spec(
        kept, document, models=_models(kept, document), **kwargs
    )
    assert_allclose(result.scores["roc_auc"], expected.scores["roc_auc"])
    assert result.n_train == expected.n_train == 130


def test_replicate_leaves_out_the_same_rows(survey):
    from sklearn_innov.report import analyze

    frame, document = survey
    analysis = analyze(frame, document)
    assert analysis.index_missing_note.startswith(
        "5 rows of 200 have an index that is NaN ([index] missing = 'nan': no "
        "answered item; by index: X4 3, Y 2)"
    )


def _scores(failing):
    """Two models on four folds; ``failing`` scored NaN in every fold."""
    rng = np.random.default_rng(0)
    rows = []
    for model in ("ref", "a", "b"):
        for fold in range(4):
            value = np.nan if model in failing else 0.6 + 0.05 * rng.random()
            rows.append({"model": model, "repeat": 0, "fold": fold, "roc_auc": value})
    return pd.DataFrame(rows)


def test_a_model_failing_in_every_fold_is_named_in_the_readings():
    result = BenchmarkResult(_scores({"a", "b"}), 30, 10, "Data.", reference="ref")
    readings = result.readings()
    assert readings == [
        "'a', 'b' fail to fit in every fold (scored NaN; the FitFailedWarning "
        "lines say why): no score and no test against ref."
    ]
    text = result.summary().render("text")
    # the failure leads; the scores table holds the reference alone, with no
    # blank rows for a and b, and no comparison is read
    assert text.split("\n\n")[1].startswith("Failed in every fold\n")
    assert "Compared with ref" not in text
    table = text.split("Cross-validated scores\n----------------------\n")[1]
    assert [r.split()[0] for r in table.split("\n\n")[0].splitlines()] == [
        "Model",
        "ref",
    ]
    assert "'a' failed" not in text
    assert "a failed to fit in 4 of 4 folds" in text
    assert "it has no score and no t-test." in text
    assert "its means cover the other folds" not in text


def test_a_reference_failing_in_every_fold_says_nothing_is_compared():
    result = BenchmarkResult(_scores({"ref"}), 30, 10, "Data.", reference="ref")
    assert result.readings() == [
        "'ref' fails to fit in every fold (scored NaN; the FitFailedWarning "
        "lines say why): no score, and no model is compared with ref."
    ]


def test_benchmark_result_repr_names_models_folds_reference_metric():
    scores = pd.concat([_scores(set()), _scores(set()).assign(repeat=1)])
    result = BenchmarkResult(scores, 30, 10, "Data.", reference="a")
    assert repr(result) == (
        "BenchmarkResult(models=['ref', 'a', 'b'], folds=8 (2 x 4), "
        "reference='a', metric='roc_auc')"
    )
    one = BenchmarkResult(_scores(set()), 30, 10, "Data.")
    assert repr(one) == (
        "BenchmarkResult(models=['ref', 'a', 'b'], folds=4, reference=None, "
        "metric='roc_auc')"
    )


def test_models_tested_are_read_when_another_is_not_tested():
    # 'a' scores the reference's exactly (no test), 'b' differs: under pandas
    # 3 the "not tested" column became strings with NaN and no reading was made
    scores = _scores(set())
    reference = scores.loc[scores["model"] == "ref", "roc_auc"].to_numpy()
    scores.loc[scores["model"] == "a", "roc_auc"] = reference
    result = BenchmarkResult(scores, 30, 10, "Data.", reference="ref")
    assert result.comparisons()["not tested"].tolist() == ["identical", None]
    readings = result.readings()
    assert len(readings) == 1
    assert readings[0].startswith("b: ROC AUC")
    assert "Compared with ref" in result.summary().render("text")
