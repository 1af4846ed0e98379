"""Counts of cases are integers: in the tables, their CSV files and their print.

Issue 28: the report's ``classification.csv`` wrote ``"male",0.0,247.0,0.0``
and ``hosmer_lemeshow_table.csv`` ``33.0`` observed events, under a header
"Percentage Correct" unlike every other CSV header (snake_case). The counts
are checked against scikit-learn's confusion matrix and against grouped sums
computed here, the percentages against recall and accuracy.
"""

import csv

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.metrics import accuracy_score, confusion_matrix, recall_score

from sklearn_innov import StepwiseLogit
from sklearn_innov.diagnostics import classification_table, hosmer_lemeshow


def _survey(n=300, seed=0):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(rng.normal(size=(n, 2)), columns=["SATV", "SATQ"])
    event = X["SATV"] - 0.5 * X["SATQ"] + rng.normal(size=n) > 0.3
    return X, pd.Series(np.where(event, "female", "male"), name="gender")


def _read_csv(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def test_classification_counts_are_integers_and_the_header_snake_case():
    rng = np.random.default_rng(1)
    y_true = rng.integers(0, 2, 200)
    y_pred = np.where(rng.random(200) < 0.7, y_true, 1 - y_true)
    table = classification_table(y_true, y_pred, labels=[0, 1])
    assert table.columns.tolist() == [
        "predicted 0",
        "predicted 1",
        "percentage_correct",
    ]
    counts = table.iloc[:2, :2]
    assert all(type(v) is int for v in counts.to_numpy().ravel())
    assert_array_equal(counts.to_numpy(int), confusion_matrix(y_true, y_pred))
    recall = recall_score(y_true, y_pred, average=None)
    assert_allclose(table["percentage_correct"].iloc[:2].astype(float), 100 * recall)
    overall = table.loc["Overall Percentage", "percentage_correct"]
    assert_allclose(overall, 100 * accuracy_score(y_true, y_pred), rtol=1e-12)


@pytest.mark.parametrize("method", ["midrank", "spss", "deciles"])
def test_hosmer_lemeshow_counts_are_integers_summed_by_group(method):
    rng = np.random.default_rng(2)
    prob = rng.uniform(0.05, 0.95, 250)
    y = (rng.uniform(size=250) < prob).astype(int)
    table = hosmer_lemeshow(y, prob, method=method)["table"]
    for column in ("n", "observed_events", "observed_nonevents"):
        assert table[column].dtype == np.int64, column
    assert table["expected_events"].dtype == np.float64
    # the groups are runs of increasing risk: sum y over each run, here
    order = np.argsort(prob, kind="stable")
    bounds = np.cumsum(table["n"].to_numpy())[:-1]
    events = [int(part.sum()) for part in np.split(y[order], bounds)]
    assert table["observed_events"].tolist() == events
    assert_array_equal(table["observed_nonevents"], table["n"] - events)


def test_whole_weights_give_integer_counts_and_fractional_ones_floats():
    rng = np.random.default_rng(3)
    prob = rng.uniform(0.05, 0.95, 120)
    y = (rng.uniform(size=120) < prob).astype(int)
    whole = rng.integers(1, 4, 120).astype(float)
    weighted = hosmer_lemeshow(y, prob, sample_weight=whole)["table"]
    # frequency weights: the table of the replicated rows
    replicated = hosmer_lemeshow(
        np.repeat(y, whole.astype(int)), np.repeat(prob, whole.astype(int))
    )["table"]
    pd.testing.assert_frame_equal(weighted, replicated)
    assert weighted["observed_events"].dtype == np.int64
    # weighted sums: floats, as documented
    fractional = hosmer_lemeshow(y, prob, sample_weight=whole * 0.7)["table"]
    assert fractional["observed_events"].dtype == np.float64
    assert_allclose(fractional["n"].sum(), 0.7 * whole.sum(), rtol=1e-12)


def test_the_summarys_csv_files_write_counts_as_integers(tmp_path):
    X, y = _survey()
    model = StepwiseLogit().fit(X, y)
    model.summary().to_csv(tmp_path)
    rows = _read_csv(tmp_path / "classification.csv")
    assert rows[0] == ["observed", "predicted female", "predicted male"] + [
        "percentage_correct"
    ]
    predicted = model.predict(X)
    matrix = confusion_matrix(y, predicted, labels=["female", "male"])
    for row, expected in zip(rows[1:3], matrix, strict=True):
        assert row[1:3] == [str(int(v)) for v in expected]
    assert rows[3][:3] == ["Overall Percentage", "", ""]
    assert_allclose(float(rows[3][3]), 100 * accuracy_score(y, predicted))
    hl = _read_csv(tmp_path / "hosmer_lemeshow_table.csv")
    header = hl[0]
    for name in ("n", "observed_events", "observed_nonevents"):
        cells = [line[header.index(name)] for line in hl[1:]]
        assert all(cell.isdigit() for cell in cells), (name, cells)
    events = sum(int(line[header.index("observed_events")]) for line in hl[1:])
    assert events == int((y == "male").sum())  # the event: the second class


def test_the_printed_classification_table_is_unchanged():
    X, y = _survey(seed=4)
    model = StepwiseLogit().fit(X, y)
    text = model.summary().as_text()
    start = text.index("Classification Table (cut value .500)")
    lines = text[start:].split("\n\n")[0].splitlines()[2:]
    matrix = confusion_matrix(y, model.predict(X), labels=["female", "male"])
    recall = 100 * recall_score(y, model.predict(X), average=None)
    accuracy = 100 * accuracy_score(y, model.predict(X))
    expected = [
        "Observed            Predicted female  Predicted male  Percentage correct",
        f"female{matrix[0, 0]:30d}{matrix[0, 1]:16d}{recall[0]:19.1f}%",
        f"male{matrix[1, 0]:32d}{matrix[1, 1]:16d}{recall[1]:19.1f}%",
        f"Overall Percentage{accuracy:53.1f}%",
    ]
    assert lines == expected
