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
        columns=["predicted 0", "predicted 1", "percentage_correct"],
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
    texts.columns = ["predicted no", "predicted yes", "percentage_correct"]
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


# -- one format per column (user7's CES 2011 and BEPS reports) -----------------


def _lines(table, title="T"):
    return Summary("S", [Block(title, table)]).as_text(columns=COLUMNS).splitlines()


def test_a_weighted_classification_tables_zero_prints_with_one_decimal():
    # user7: "1818.3" beside "0" in the weighted table's other column; a
    # count has its thousands separated (issue 28), the weighted ones too
    table = pd.DataFrame(
        {
            "predicted opposes a ban": [1818.25, 412.7],
            "predicted favours a ban": [0.0, 0.0],
            "percentage_correct": [100.0, 0.0],
        },
        index=pd.Index(["opposes a ban", "favours a ban"], name="Observed"),
    )
    assert _lines(table)[-3:] == [
        "Observed       Predicted opposes a ban  Predicted favours a ban  "
        "Percentage correct",
        "opposes a ban                  1,818.2                      0.0"
        "              100.0%",
        "favours a ban                    412.7                      0.0"
        "                0.0%",
    ]
    # unweighted (whole counts everywhere), whole numbers as before
    whole = table.assign(**{"predicted opposes a ban": [1818.0, 413.0]})
    assert _lines(whole)[-2].split()[3:5] == ["1,818", "0"]


def test_a_weighted_hosmer_lemeshow_tables_expected_counts_print_as_observed():
    table = pd.DataFrame(
        {
            "weighted_n": [201.19056, 35.5],
            "weighted_observed_events": [26.182317, 14.9],
            "expected_events": [23.113554, 11.2216],
            "weighted_observed_nonevents": [175.008246, 20.6],
            "expected_nonevents": [178.077009, 24.2813],
        },
        index=pd.Index([1, 11], name="group"),
    )
    assert _lines(table)[-2:] == [
        "1           201.2                      26.2             23.1"
        "                         175.0                178.1",
        "11           35.5                      14.9             11.2"
        "                          20.6                 24.3",
    ]
    # an unweighted table keeps the expected counts' four decimals
    plain = pd.DataFrame(
        {
            "n": [20, 21],
            "observed_events": [3, 5],
            "expected_events": [2.513554, 4.2216],
        },
        index=pd.Index([1, 2], name="group"),
    )
    assert _lines(plain)[-2:] == [
        "1      20                3           2.5136",
        "2      21                5           4.2216",
    ]


def test_the_weighted_hosmer_lemeshow_table_of_a_fit_prints_one_decimal():
    # through a fit: the expected counts printed are those of the definition,
    # sum over a group of w_i p_i, with the observed ones' one decimal
    X, event, rng = _data(n=120, seed=4)
    y = np.where(event, 1, 0)
    w = rng.uniform(0.5, 2.0, len(y))
    with pytest.warns(SklearnInnovWarning, match="frequency weights"):
        model = StepwiseLogit().fit(X, y, sample_weight=w)
    text = model.summary().as_text()
    start = text.index("Contingency Table for Hosmer and Lemeshow Test")
    lines = text[start:].split("\n\n")[0].splitlines()[3:]
    assert lines
    for line in lines:
        cells = line.split()[1:]
        assert all(re.fullmatch(r"\d+\.\d", cell) for cell in cells), line
    total = float(np.sum(w * model.predict_proba(X)[:, 1]))
    printed = sum(float(line.split()[3]) for line in lines)
    assert abs(printed - total) <= 0.05 * len(lines) + 1e-9


def test_a_tiny_number_in_a_column_of_decimals_prints_with_the_columns_decimals():
    # user7's BEPS report: "95% CI lower -8.067e-05" among 4-decimal numbers
    table = pd.DataFrame(
        {"coef": [0.0011, 0.5], "ci_lower": [-8.067e-05, 0.25]},
        index=pd.Index(["age", "EURO"], name="term"),
    )
    assert _lines(table)[-3:] == [
        "Term  Coefficient  95% CI lower",
        "age        0.0011       -0.0001",
        "EURO       0.5000        0.2500",
    ]
    # a number that four decimals would show as 0.0000 puts the whole column
    # in scientific notation (3e-06 is not 0)
    hidden = pd.DataFrame(
        {"coef": [1.5, 3e-06]}, index=pd.Index(["const", "a"], name="term")
    )
    assert _lines(hidden)[-2:] == ["const    1.500e+00", "a        3.000e-06"]
    # a column whose every number needs it keeps scientific notation
    tiny = pd.DataFrame(
        {"coef": [3e-06, -8.067e-05]}, index=pd.Index(["a", "b"], name="term")
    )
    assert [line.split()[-1] for line in _lines(tiny)[-2:]] == [
        "3.000e-06",
        "-8.067e-05",
    ]


@pytest.mark.parametrize(
    ("unit", "units", "expected"),
    [
        ("woman", None, "women"),
        ("person", None, "people"),
        ("child", None, "children"),
        ("country", None, "countries"),
        ("day", None, "days"),
        ("business", None, "businesses"),
        ("box", None, "boxes"),
        ("church", None, "churches"),
        ("small firm", None, "small firms"),
        ("respondent", None, "respondents"),
        ("woman", "wives", "wives"),  # [labels] units wins
    ],
)
def test_the_unit_s_plural_is_english_unless_the_spec_gives_units(
    unit, units, expected
):
    # expected: English grammar's regular rules and irregular plurals
    frame = pd.DataFrame(
        {"q1": [1, 2, 3, 4], "q2": [2, 1, 4, 3], "out": [1.0, 2, 3, 4], "y": [0, 1] * 2}
    )
    labels = {"unit": unit} if units is None else {"unit": unit, "units": units}
    document = {
        "indices": {"X1": ["q1"], "X2": ["q2"]},
        "model": {"outcome": "out", "target": "y"},
        "labels": labels,
    }
    assert validate_document(document, frame).labels["units"] == expected


def _floor_zeros(y, policy, unit="respondent"):
    """The floor-zeros caution of an outcome index built from one 1-5 item."""
    from sklearn_innov.report._analysis import Analysis

    item = pd.Series(1 + 4 * np.asarray(y), name="sq")
    analysis = SimpleNamespace(
        spec=SimpleNamespace(spec={"SQ": ["sq"]}, index={"normalize": "minmax"}),
        y_outcome=pd.Series(y, name="SQ"),
        frame=pd.DataFrame({"sq": item}),
        options={"zeros": policy},
        labels={"unit": unit, "units": unit + "s"},
        outcome="SQ",
        declared_low=lambda name: None,
    )
    return Analysis.outcome_floor_zeros(analysis)


@pytest.mark.parametrize("n_zero", [1, 2, 1500])
def test_the_floor_zeros_count_agrees_with_its_verb(n_zero):
    y = np.r_[np.zeros(n_zero), np.linspace(0.25, 1, 10)]
    text = _floor_zeros(y, "floor")
    if n_zero == 1:
        said = "so its 1 respondent at 0 is the one at the lowest observed value"
    else:
        said = f"so its {n_zero:,} respondents at 0 are those at the lowest observed"
    assert said in text
    assert "1 respondent at 0 are" not in text


@pytest.mark.parametrize("policy", ["floor", "drop", "offset", "two-part"])
def test_the_floor_zeros_advice_names_no_policy_in_effect(policy):
    text = _floor_zeros(np.r_[0.0, 0.0, np.linspace(0.25, 1, 10)], policy)
    advised = re.findall(r"set \[model\] zeros = '([a-z-]+)'", text)
    assert policy not in advised
    if policy == "two-part":
        assert advised == ["floor"]
        assert "'drop' or 'offset', which differ only in an index's zeros" in text
    else:
        assert f"Under [model] zeros = '{policy}' (in effect) the main model" in text
        assert "'drop' or 'offset'" not in text


def test_the_missing_target_note_separates_thousands():
    from sklearn_innov.preprocessing._spec import drop_missing_target

    frame = pd.DataFrame({"vote_yes": [np.nan] * 943 + [1.0, 0.0] * 878 + [1.0]})
    assert len(frame) == 2700
    kept, note = drop_missing_target(frame, "vote_yes")
    assert len(kept) == 2700 - 943
    assert note == (
        "target 'vote_yes' is missing in 943 of 2,700 rows (rows 0, 1, 2, 3, 4 and "
        "938 more): those rows were left out."
    )


@pytest.mark.parametrize(("df", "said"), [(2483, "2,483"), (40, "40"), (None, "")])
def test_the_two_part_reference_distribution_separates_thousands(df, said):
    from sklearn_innov.report._replicate import _two_part_reference

    model = SimpleNamespace(
        _reference_df=lambda: {"participation": None, "positive": df},
        _effects_df=lambda: 12345,
    )
    text = _two_part_reference(model, "t")
    assert "Student's t on 12,345 df (design-based covariance)" in text
    if df is None:
        assert "positive part: the normal (z)" in text
    else:
        assert f"positive part: Student's t on {said} df" in text
