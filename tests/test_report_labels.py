"""Counts, rank places and the target's classes print as what they are.

The classification table's cells are (weighted) counts of rows, the
rankings' shifts are averages of rank places, and the table's rows and
columns are the target's two values, in the user's words when the spec
gives them. The expected texts are built here from the definitions (a
weighted count is the sum of the weights of its rows), not from the
library's earlier output.
"""

import re
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from sklearn_innov import StepwiseLogit
from sklearn_innov.exceptions import SklearnInnovWarning, SpecError
from sklearn_innov.preprocessing._spec import validate_document
from sklearn_innov.report._replicate import _classes_in_words
from sklearn_innov.summary import Block, Summary
from sklearn_innov.summary._labels import COLUMNS


def _data(n=80, seed=0):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(rng.normal(size=(n, 2)), columns=["a", "b"])
    event = X["a"] + rng.normal(size=n) > 0
    return X, event, rng


def _classification_lines(model, X, y, weights, labels):
    """The classification table's lines, from the weights of its rows."""
    predicted = np.asarray(model.classes_)[(model.predict_proba(X)[:, 1] > 0.5) * 1]
    observed = np.asarray(y)
    cells = {}
    for o in labels:
        row = [weights[(observed == o) & (predicted == p)].sum() for p in labels]
        correct = 100 * row[list(labels).index(o)] / weights[observed == o].sum()
        cells[o] = (row, correct)
    overall = 100 * weights[observed == predicted].sum() / weights.sum()
    return cells, overall


def _table_text(summary_text):
    start = summary_text.index("Classification Table (cut value .500)")
    return summary_text[start:].split("\n\n")[0].splitlines()[2:]


def test_weighted_counts_print_with_one_decimal():
    X, event, rng = _data()
    y = np.where(event, 1, 0)
    w = rng.uniform(0.5, 2.0, len(y))
    with pytest.warns(SklearnInnovWarning, match="frequency weights"):
        model = StepwiseLogit().fit(X, y, sample_weight=w)
    cells, overall = _classification_lines(model, X, y, w, [0, 1])
    (n00, n01), c0 = cells[0]
    (n10, n11), c1 = cells[1]
    # every count here has a fraction: one decimal each, as weighted counts
    assert all(not float(v).is_integer() for v in (n00, n01, n10, n11))
    expected = [
        "Observed            Predicted 0  Predicted 1  Percentage correct",
        f"0{n00:30.1f}{n01:13.1f}{c0:19.1f}%",
        f"1{n10:30.1f}{n11:13.1f}{c1:19.1f}%",
        f"Overall Percentage{'':28}{overall:17.1f}%",
    ]
    assert _table_text(model.summary().as_text()) == expected


def test_whole_weights_print_whole_counts():
    X, event, rng = _data(seed=1)
    y = np.where(event, 1, 0)
    w = rng.integers(1, 4, len(y)).astype(float)  # frequency weights 1-3
    model = StepwiseLogit().fit(X, y, sample_weight=w)
    cells, _ = _classification_lines(model, X, y, w, [0, 1])
    lines = _table_text(model.summary().as_text())
    for line, observed in zip(lines[1:3], (0, 1), strict=True):
        counts = line.split()[1:3]
        assert counts == [str(int(v)) for v in cells[observed][0]]
        assert "." not in "".join(counts)


def test_labelled_classes_head_the_summarys_table():
    X, event, _ = _data(seed=2)
    y = np.where(event, "innovated", "did not")
    model = StepwiseLogit().fit(X, y)
    lines = _table_text(model.summary().as_text())
    assert lines[0].split("  ")[0] == "Observed"
    assert lines[0].split()[1:5] == ["Predicted", "did", "not", "Predicted"]
    assert "Predicted innovated" in lines[0]
    # the table users index keeps the identifiers
    table = model.summary()["classification"]
    assert table.columns.tolist()[:2] == ["predicted did not", "predicted innovated"]
    assert lines[1].startswith("did not ") and lines[2].startswith("innovated ")


def test_classes_in_the_users_words_in_the_report():
    table = pd.DataFrame(
        [[36, 25, 59.0], [20, 46, 69.7], [np.nan, np.nan, 64.6]],
        index=pd.Index(["0", "1", "Overall Percentage"], name="observed"),
        columns=["predicted 0", "predicted 1", "Percentage Correct"],
        dtype=object,
    )

    def analysis(classes, **labels):
        return SimpleNamespace(
            logit=SimpleNamespace(classes_=np.array(classes)),
            labels={"event": None, "non_event": None, **labels},
            target="inlf",
        )

    words = _classes_in_words(
        analysis([0, 1], event="participation", non_event="no participation"), table
    )
    assert words.index.tolist() == [
        "no participation",
        "participation",
        "Overall Percentage",
    ]
    assert words.columns.tolist()[:2] == [
        "predicted no participation",
        "predicted participation",
    ]
    # no words in the spec: the target and its value, as the report's prose
    plain = _classes_in_words(analysis([0, 1]), table)
    assert plain.index.tolist()[:2] == ["inlf = 0", "inlf = 1"]
    text = Summary("Logit", [Block("Classification", plain)]).as_text(columns=COLUMNS)
    assert text.splitlines()[5].split("  ")[0] == "Observed"
    assert "Predicted inlf = 0  Predicted inlf = 1  Percentage correct" in text
    assert "inlf = 0                            36                  25" in text
    # text classes are words already
    texts = table.rename(index={"0": "no", "1": "yes"})
    texts.columns = ["predicted no", "predicted yes", "Percentage Correct"]
    assert _classes_in_words(analysis(["no", "yes"]), texts).equals(texts)


def test_non_event_label_must_be_text():
    frame = pd.DataFrame(
        {"q1": [1, 2, 3, 4], "q2": [2, 1, 4, 3], "out": [1.0, 2, 3, 4], "y": [0, 1] * 2}
    )
    document = {
        "indices": {"X1": ["q1"], "X2": ["q2"]},
        "model": {"outcome": "out", "target": "y"},
        "labels": {"event": "exporting", "non_event": 0},
    }
    with pytest.raises(SpecError, match=r"\[labels\] non_event must be text"):
        validate_document(document, frame)
    document["labels"]["non_event"] = "not exporting"
    spec = validate_document(document, frame)
    assert spec.labels["non_event"] == "not exporting"
    del document["labels"]["non_event"]
    assert validate_document(document, frame).labels["non_event"] is None


def test_rank_shifts_print_as_places_with_one_decimal():
    table = pd.DataFrame(
        {
            "n_rows": [127, 127],
            "mean_abs_shift": [8.9808, 0.0],
            "median_interval_width": [21.825, 39.5],
        },
        index=pd.Index(["X1", "Y"], name="index"),
    )
    text = Summary("Rankings", [Block("Rank movement", table)]).as_text(columns=COLUMNS)
    assert text.splitlines()[-3:] == [
        "Index  Rows  Mean rank shift (places)  Median rank interval (places)",
        "X1      127                       9.0                           21.8",
        "Y       127                       0.0                           39.5",
    ]
    # with the identifiers as headers, the same numbers
    plain = Summary("Rankings", [Block("Rank movement", table)]).as_text(columns={})
    assert plain.splitlines()[-2].split() == ["X1", "127", "9.0", "21.8"]


def test_the_paper_comparison_names_its_statistics_in_words():
    """The ranges block printed "Table 11 ln X1 std_err" and "Table 9 DW": its
    rows now take their words from the one table of labels."""
    from sklearn_innov.datasets import load_paper_ranges
    from sklearn_innov.report._comparison import _in_ranges

    table = _in_ranges(load_paper_ranges())[0].content
    labels = list(table.index)
    for expected in (
        "Table 9 n (implied by R² and F)",
        "Table 9 const coefficient",
        "Table 9 ln X1 t",
        "Table 9 R²",
        "Table 9 F",
        "Table 9 Durbin-Watson",
        "Table 10 X1 B",
        "Table 10 X1 S.E.",
        "Table 10 const Sig.",
        "Table 11 ln X1 coefficient",
        "Table 11 ln X1 std. error",
        "Table 11 R² (uncentred, no intercept)",
        "Table 11 F (uncentred, no intercept)",
    ):
        assert expected in labels, expected
    identifiers = re.compile(r"\bcoef\b|\bDW\b|\bR2\b|_")
    assert not [label for label in labels if identifiers.search(label)]


@pytest.mark.parametrize(
    ("classes", "labels", "expected"),
    [
        ([0, 1], {"event": "join the EU", "non_event": "stay outside"}, None),
        ([0, 1], {}, ["join_eu = 0", "join_eu = 1"]),
        (["no", "yes"], {}, ["no", "yes"]),
    ],
)
def test_the_designs_shares_name_the_classes_as_the_classification_table(
    classes, labels, expected
):
    """The weighted shares printed "join_eu = 0" while the classification table
    printed the spec's [labels]: both now use the same words."""
    from sklearn_innov.report._analysis import design_estimates
    from sklearn_innov.report._replicate import _design_summary

    target = pd.Series(np.array(classes)[[0, 1, 1, 0, 1]], name="join_eu")
    frame = pd.DataFrame({"w": [1.0, 2.0, 1.0, 3.0, 1.0], "join_eu": target})
    design = {"weight": "w", "weights": "frequency"}
    indices = pd.DataFrame({"IMMIG": [0.1, 0.4, 0.3, 0.9, 0.5]})
    table, _ = design_estimates(frame, design, indices, target)
    a = SimpleNamespace(
        design=design,
        design_info=None,
        design_estimates=table,
        labels={"event": None, "non_event": None, "units": "respondents", **labels},
        options={"cov_type": "nonrobust"},
        logit=SimpleNamespace(classes_=np.array(classes)),
        target="join_eu",
        iv=None,
        construction_elasticities=None,
        readings=pd.DataFrame({"section": pd.Series([], dtype=str)}),
    )
    shares = _design_summary(a)["design_shares"]
    classification = pd.DataFrame(
        [[1, 1], [1, 2]],
        index=[str(c) for c in classes],
        columns=[f"predicted {c}" for c in classes],
    )
    words = _classes_in_words(a, classification).index.tolist()
    assert shares.index.tolist() == words
    if expected is None:
        assert words == ["stay outside", "join the EU"]
    else:
        assert words == expected
    # the shares themselves: weighted counts of each class over the total
    event = (target == classes[1]).to_numpy()
    assert shares["share"].iloc[1] == pytest.approx(frame["w"][event].sum() / 8.0)
