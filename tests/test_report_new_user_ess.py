"""What a new user found in the report on the European Social Survey (issue
28): a survey shaped as ESS round 9 (an attitude index of three 0-10 items
with missing answers, one-item indices, rows whose index is NaN, a cluster
design with no weight column and the jackknife), each finding checked on the
rendered report, and the pieces that need no report checked on their own."""

import dataclasses
import re
import warnings
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from sklearn_innov import CobbDouglasRegressor
from sklearn_innov.report import Provenance, Report, analyze
from sklearn_innov.report._comparison import _in_ranges
from sklearn_innov.report._replicate import render_report
from sklearn_innov.summary import format_pvalue

N_ROWS = 1100
# rows whose every ATT item is unanswered, and whose INC item is
N_NO_ATT, N_NO_INC = 7, 40
# rows with one or two of the three ATT items unanswered
N_PARTIAL_ATT = 25

DOCUMENT = {
    "indices": {
        "ATT": ["imbgeco", "imueclt", "imwbcnt"],
        "EDU": ["eduyrs"],
        "INC": ["hinctnta"],
        "AGE": ["agea"],
    },
    "model": {
        "outcome": "ATT",
        "target": "uempla",
        "controls": ["female"],
        "adjusted": ["EDU", "INC"],
    },
    "labels": {"unit": "respondent", "units": "respondents"},
    "index": {
        "normalize": "minmax",
        "bounds": {
            "imbgeco": [0, 10],
            "imueclt": [0, 10],
            "imwbcnt": [0, 10],
            "hinctnta": [1, 10],
        },
        "missing": "nan",
    },
    "design": {"cluster": "region", "variance": "jackknife"},
}


def _ess_like(seed=0):
    rng = np.random.default_rng(seed)
    n = N_ROWS
    edu = rng.integers(8, 22, n).astype(float)
    inc = np.clip(np.round(rng.normal(5.5, 2.5, n)), 1, 10)
    age = rng.integers(18, 90, n).astype(float)
    latent = 0.15 * (edu - 14) + 0.2 * (inc - 5) + rng.normal(0, 2, n)
    items = {
        name: np.clip(np.round(5 + latent + rng.normal(0, 1.5, n)), 0, 10)
        for name in ("imbgeco", "imueclt", "imwbcnt")
    }
    # every item at 0 in some rows: ATT = 0 there, the two-part model's zeros
    for name in items:
        items[name][:30] = 0.0
    frame = pd.DataFrame(
        {
            **items,
            "eduyrs": edu,
            "hinctnta": inc,
            "agea": age,
            "female": rng.integers(0, 2, n),
            "uempla": (rng.random(n) < 0.15).astype(int),
            "region": rng.integers(0, 12, n),
        }
    )
    rows = rng.permutation(np.arange(30, n))
    no_att, no_inc = rows[:N_NO_ATT], rows[N_NO_ATT : N_NO_ATT + N_NO_INC]
    partial = rows[N_NO_ATT + N_NO_INC : N_NO_ATT + N_NO_INC + N_PARTIAL_ATT]
    frame.loc[no_att, ["imbgeco", "imueclt", "imwbcnt"]] = np.nan
    frame.loc[no_inc, "hinctnta"] = np.nan
    frame.loc[partial, "imueclt"] = np.nan
    return frame


@pytest.fixture(scope="module")
def ess():
    frame = _ess_like()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = analyze(frame, DOCUMENT)
        provenance = dataclasses.replace(
            Provenance.collect(a, frame=frame), data="the file ess9gb.csv"
        )
        report = render_report(a, figures=False, provenance=provenance)
    text = report.render("markdown")
    return frame, a, report, text


def _flat(text):
    return " ".join(text.split())


# -- 1. the weights: "none (equal)" in every table when no weight is named --


def test_a_domain_of_equal_weights_is_not_called_probability_weighted():
    """The 0/1 weights that make a subset a domain of the design weight no
    row more than another: the Design table and the note say "equal", as
    for the same fit without sample_weight; unequal weights stay
    "probability"."""
    rng = np.random.default_rng(1)
    n = 60
    X = pd.DataFrame({"a": rng.uniform(1, 2, n), "b": rng.uniform(1, 2, n)})
    y = np.exp(0.3 * np.log(X["a"]) + rng.normal(0, 0.1, n))
    cluster = np.repeat(np.arange(12), 5)
    inside = np.ones(n)
    inside[::7] = 0.0
    model = CobbDouglasRegressor(cov_type="survey")
    for weights, words in (
        (None, "none (equal)"),
        (inside, "none (equal)"),
        (inside * rng.uniform(1, 3, n), "probability"),
    ):
        model.fit(X, y, sample_weight=weights, cluster=cluster)
        summary = model.summary()
        assert summary["design"].loc["Weights", "value"] == words
        notes = " ".join(summary["Notes"])
        assert ("sample weights read as probability weights" in notes) == (
            words == "probability"
        )
        assert ("equal weights" in notes) == (words != "probability")


@pytest.mark.slow
def test_every_design_table_says_equal_weights_without_a_weight_column(ess):
    _, a, report, text = ess
    # the Design tables' row (the robustness table has a Weights column)
    weights = re.findall(r"^\| Weights \| ([^|]+) \|$", text, flags=re.MULTILINE)
    # both Cobb-Douglas models (full and adjusted), their ln 0 and two-part
    # parts where shown, and the logit: every one without a weight column
    assert len(weights) >= 3
    assert {w.strip() for w in weights} == {"none (equal)"}
    assert "read as probability weights" not in text
    assert a.cobb_douglas.design_info_["weighted"] is False
    # the Cobb-Douglas is a domain (rows with ATT > 0) of the whole design
    assert a.cobb_douglas.nobs_ < len(a.frame)


# -- 2. no test of sum = 1 in a model not declared a production function --


@pytest.mark.slow
def test_the_sum_of_elasticities_is_not_tested_without_production(ess):
    _, a, _, text = ess
    assert not a.options["production"]
    assert "H0: sum = 1" not in text and "sum 0." not in text
    assert not a.readings["test"].str.contains("sum = 1").any()
    flat = _flat(text)
    assert (
        "The sum of elasticities is not tested against 1: the spec does not "
        "declare a production function ([model] production = true)"
    ) in flat


def test_the_python_summary_tests_the_sum_when_asked():
    # the Python summary tests the sum only when asked (a production
    # function with ratio-scale inputs), against an independent formula
    rng = np.random.default_rng(2)
    X = rng.uniform(1, 3, (80, 2))
    y = np.exp(0.4 * np.log(X[:, 0]) + 0.3 * np.log(X[:, 1]) + rng.normal(0, 0.2, 80))
    model = CobbDouglasRegressor().fit(X, y)
    assert (
        "Sum of elasticities, H0: sum = 1 (t)"
        not in model.summary()["diagnostics"].index
    )
    table = model.summary(sum_test=True)["diagnostics"]
    row = table.loc["Sum of elasticities, H0: sum = 1 (t)"]
    cov = model.results_.cov_params
    t = (model.coef_.sum() - 1) / np.sqrt(cov[1:, 1:].sum())
    assert row["statistic"] == pytest.approx(t, rel=1e-10)


# -- 3. and 4. which rows each count is of; the data line --


@pytest.mark.slow
def test_each_count_says_which_rows_it_counts(ess):
    frame, a, _, text = ess
    read = len(frame)
    analysed = read - N_NO_ATT - N_NO_INC
    assert len(a.frame) == analysed
    flat = _flat(text)
    assert f"Missing answers by index (rows of the {read:,} respondents read)" in flat
    # the missing-answer counts are over the rows read: the independent count
    partial = int(frame[DOCUMENT["indices"]["ATT"]].isna().any(axis=1).sum())
    assert partial == N_NO_ATT + N_PARTIAL_ATT
    assert f"missing = 'nan': {N_PARTIAL_ATT} rescaled to the full group" in flat
    assert (
        f"Constructions left out (row counts of the {analysed:,} respondents analysed)"
    ) in flat
    bod = re.search(r"index 'ATT' has (\d+) such row", flat)
    assert bod is not None and int(bod.group(1)) == N_PARTIAL_ATT


@pytest.mark.slow
def test_the_data_line_names_the_file_and_both_counts(ess):
    frame, a, _, text = ess
    analysed = len(frame) - N_NO_ATT - N_NO_INC
    assert text.count("Data: ") == 1
    assert (
        f"Data: ess9gb.csv, {len(frame):,} respondents read, {analysed:,} analysed "
        f"({N_NO_ATT + N_NO_INC} with an index that is NaN: [index] missing = "
        "'nan', see Missing answers by index)."
    ) in _flat(text)
    assert a.rows_left_out == {"target": 0, "index": N_NO_ATT + N_NO_INC}
    # the note on the NaN indices: thousands separators too
    assert f"of {len(frame):,} have an index that is NaN" in _flat(text)


def test_the_data_line_counts_rows_without_a_target():
    a = SimpleNamespace(
        rows_left_out={"target": 12, "index": 0},
        rows_read=2400,
        frame=range(2388),
        target="innovated",
        labels={"unit": "firm", "units": "firms"},
    )
    from sklearn_innov.report._replicate import _data_line, _rows_read

    provenance = SimpleNamespace(data="a DataFrame passed in Python (2400 rows)")
    assert _data_line(a, provenance) == (
        "Data: the user's survey, 2,400 firms read, 2,388 analysed (12 without "
        "a value of 'innovated')."
    )
    assert _rows_read(a) == "the 2,388 firms with a value of 'innovated'"
    a.rows_left_out = {"target": 0, "index": 0}
    assert _data_line(a, SimpleNamespace(data="the file f.csv")) == (
        "Data: f.csv, 2,400 firms read, all analysed."
    )


# -- 5. provenance.json named only when it is written --


def _provenance_report():
    provenance = Provenance(library="x", python="3", spec="{}")
    report = Report("Run", provenance=provenance)
    report.add_text("Body.")
    return report


def test_provenance_json_is_named_as_written_only_when_it_is(tmp_path):
    report = _provenance_report()
    printed = _flat(report.render("markdown"))
    assert "written beside the report" not in printed
    assert (
        "provenance.json keeps it in full, but only when the report is written "
        "to a folder (sklearn-innov replicate --out DIR"
    ) in printed
    paths = report.write(tmp_path)
    assert (tmp_path / "provenance.json") in paths
    written = _flat((tmp_path / "report.md").read_text(encoding="utf-8"))
    assert "provenance.json, written beside the report, keeps it in full." in written


# -- 6. the LaTeX provenance starts after the floats --


def test_latex_flushes_the_figures_before_the_provenance():
    tex = _provenance_report().render("latex")
    before, _, after = tex.partition("\\clearpage")
    assert "Provenance" in after and "Provenance" not in before
    assert "Digests" in after


# -- 7. and 8. the two-part section: the spec's order, the user's words --


@pytest.mark.slow
def test_two_part_elasticities_follow_the_spec_order(ess):
    _, a, report, _ = ess
    assert a.two_part is not None
    summary = next(s for s in report.summaries if "two_part_elasticities" in s.tables)
    order = list(summary.tables["two_part_elasticities"].index)
    assert order == ["EDU", "INC", "AGE"] == a.regressors
    assert sorted(order) != order  # the test can fail: alphabetical differs


@pytest.mark.slow
def test_no_sentence_speaks_of_the_papers_choices_on_a_users_survey(ess):
    _, _, _, text = ess
    assert "paper" not in text.lower()
    assert "Unlike a Cobb-Douglas of the positive outcomes only" in _flat(text)


# -- 10. a fourth decimal in the ranges table says why --


def test_a_pvalue_with_a_fourth_decimal_is_explained_in_the_reading():
    # 0.0096 rounds to 0.010: on the 1% level, where it is below it
    assert format_pvalue(0.0096) == "0.0096"
    index = pd.MultiIndex.from_tuples(
        [("Table 10", "X3", "Sig."), ("Table 10", "X3", "B")],
        names=["table", "term", "statistic"],
    )
    ranges = pd.DataFrame(
        {
            "paper": [0.032, 0.33],
            "q05": [0.0001, 0.1],
            "median": [0.0096, 0.4],
            "q95": [0.38, 0.8],
            "percentile": [0.68, 0.3],
        },
        index=index,
    )
    lines = _in_ranges(ranges)[1].content
    assert lines[-1] == (
        "p-values print with 3 decimals, or more where 3 would round one onto "
        "or across a level (1%, 5%, 10%): 0.0096, not 0.010, which would not "
        "read as below 1%."
    )
    ranges["median"] = [0.02, 0.4]
    assert not any("decimals" in line for line in _in_ranges(ranges)[1].content)


# -- 9. the design bootstrap's note in number --


def test_the_design_bootstrap_note_agrees_with_one_stratum():
    from sklearn_innov import StepwiseLogit
    from sklearn_innov.model_selection import selection_stability

    rng = np.random.default_rng(3)
    n = 120
    X = pd.DataFrame({"a": rng.normal(size=n), "b": rng.normal(size=n)})
    y = (X["a"] + rng.normal(size=n) > 0).astype(int)
    cluster = np.repeat(np.arange(12), 10)
    notes = {}
    for strata in (None, np.repeat(["north", "south"], 60)):
        stability = selection_stability(
            StepwiseLogit(),
            X,
            y,
            n_bootstrap=5,
            random_state=0,
            strata=strata,
            cluster=cluster,
        )
        notes[strata is None] = " ".join(stability.notes)
    assert "n_h PSUs of the one stratum with replacement" in notes[True]
    assert "n_h PSUs of each of the 2 strata with replacement" in notes[False]
    assert "each of the 1 strata" not in notes[True]
