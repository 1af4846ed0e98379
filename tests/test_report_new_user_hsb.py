"""What a new user found in the report on High School and Beyond (issue 28,
mlmRev's Hsb82: students in schools, schools in two sectors): one-item
indices, an outcome index min-max normalised on its observed bounds (its 0
is the lowest score, not a score of 0), the two-part model, a stratified
cluster design and more than a thousand rows. Each finding is checked on the
rendered report of a data set shaped as Hsb82, and the pieces that need no
report on their own."""

import re
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.pipeline import make_pipeline

from sklearn_innov import CobbDouglasRegressor, CompositeIndex, StepwiseLogit
from sklearn_innov.exceptions import SpecError
from sklearn_innov.preprocessing._spec import validate_document
from sklearn_innov.report import analyze
from sklearn_innov.report._replicate import render_report
from sklearn_innov.summary import Block, Summary
from sklearn_innov.summary._summary import format_count

N_SCHOOLS, PER_SCHOOL = 48, 25
N_ROWS = N_SCHOOLS * PER_SCHOOL  # 1,200: counts that need a separator
N_LOWEST = 25  # students at the lowest maths score: MATH = 0 after min-max
LOWEST = -2.832

DOCUMENT = {
    "indices": {"SES": ["ses"], "SCHOOL": ["meanses"], "MATH": ["mAch"]},
    "model": {
        "outcome": "MATH",
        "target": "high_math",
        "zeros": "two-part",
        "controls": ["female", "minority"],
    },
    "design": {"strata": "sector", "cluster": "school"},
    "labels": {"unit": "student", "units": "students"},
    "index": {"normalize": "minmax"},
}


def _hsb_like(seed=0):
    rng = np.random.default_rng(seed)
    school = np.repeat(np.arange(N_SCHOOLS), PER_SCHOOL)
    sector = (school % 2).astype(int)
    school_ses = rng.normal(0, 0.4, N_SCHOOLS)[school]
    ses = school_ses + rng.normal(0, 0.6, N_ROWS)
    meanses = pd.Series(ses).groupby(school).transform("mean").to_numpy()
    female = rng.integers(0, 2, N_ROWS)
    minority = (rng.random(N_ROWS) < 0.25).astype(int)
    math = 12.7 + 3 * ses + 2 * meanses - female - 2 * minority
    math = math + rng.normal(0, 5, N_ROWS)
    # the lowest score, shared by N_LOWEST students (Hsb82's mAch = -2.832)
    math = np.maximum(math, LOWEST + 0.5)
    math[rng.choice(N_ROWS, N_LOWEST, replace=False)] = LOWEST
    return pd.DataFrame(
        {
            "school": school,
            "sector": sector,
            "ses": ses,
            "meanses": meanses,
            "mAch": math,
            "female": female,
            "minority": minority,
            "high_math": (math > np.quantile(math, 0.75)).astype(int),
        }
    )


def _report(document):
    frame = _hsb_like()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = analyze(frame, document)
        report = render_report(a, figures=False)
    return frame, a, " ".join(report.render("markdown").split())


@pytest.fixture(scope="module")
def hsb():
    return _report(DOCUMENT)


# -- 1. zeros that are only a min-max floor ----------------------------------


@pytest.mark.slow
def test_floor_zeros_of_the_outcome_are_said_to_be_the_lowest_units(hsb):
    frame, a, text = hsb
    # the independent count: MATH is 0 exactly where mAch is at its minimum
    assert int((frame["mAch"] == frame["mAch"].min()).sum()) == N_LOWEST
    assert int((a.y_outcome == 0).sum()) == N_LOWEST
    caution = (
        f"MATH's zeros are not answers of 0: min-max on the observed bounds maps "
        f"the lowest students to 0, so its {N_LOWEST} students at 0 are those at "
        f"the lowest observed value (mAch = {LOWEST})."
    )
    assert caution in text
    # said where the zeros are first counted, before the models
    assert text.index(caution) < text.index("## Cobb-Douglas model of MATH")
    # the real spec keys, as validate_document accepts them
    assert "declare the items' bounds in the spec's [index] table" in text
    assert "or set [model] zeros = 'floor' (or 'drop' or 'offset'" in text
    bounds = {"mAch": [LOWEST, 30.0]}
    document = {**DOCUMENT, "index": {"normalize": "minmax", "bounds": bounds}}
    document["model"] = {**DOCUMENT["model"], "zeros": "offset"}
    spec = validate_document(document, _hsb_like())
    assert spec.index["bounds"] == {"mAch": (LOWEST, 30.0)}
    assert spec.model["zeros"] == "offset"
    # the two-part section: "lowest against the rest", not "whether"
    assert "what the zeros say about whether" not in text
    assert (
        "so its participation part models the lowest against the rest, not any "
        "against none"
    ) in text


@pytest.mark.slow
def test_declared_bounds_make_zero_the_scales_lowest_answer_and_no_caution():
    # bounds declared for the outcome's item: 0 is the lowest answer of the
    # scale; the report keeps its reading of the zeros
    frame = _hsb_like()
    low, high = float(frame["mAch"].min()), float(frame["mAch"].max()) + 1
    document = {
        **DOCUMENT,
        "index": {"normalize": "minmax", "bounds": {"mAch": [low, high]}},
    }
    _, a, text = _report(document)
    assert a.outcome_floor_zeros() is None
    assert int((a.y_outcome == 0).sum()) == N_LOWEST
    assert "zeros are not answers of 0" not in text
    assert "it keeps what the zeros say about whether, not only how much" in text


@pytest.mark.slow
def test_zeros_of_items_whose_lowest_answer_is_0_need_no_caution(shared_analysis):
    # the embedded survey's Y: min-max on observed bounds, but every item's
    # lowest answer is 0, so Y = 0 is an answer of 0 on every item
    a = shared_analysis()
    items = a.spec.spec[a.outcome]
    assert a.spec.index.get("bounds") is None
    assert (a.frame[items].min() == 0).all()
    zero = a.y_outcome == 0
    assert zero.any()
    assert (a.frame.loc[zero, items] == 0).all().all()
    assert a.outcome_floor_zeros() is None


def test_a_typo_in_the_bounds_key_is_refused():
    # the key the caution names is the spec's: a neighbour is refused
    with pytest.raises(SpecError, match="bound"):
        validate_document({**DOCUMENT, "index": {"bound": [0, 1]}}, _hsb_like())


# -- 2. the bootstrap described one way ---------------------------------------


@pytest.mark.slow
def test_the_selection_bootstrap_is_of_the_designs_psus(hsb):
    _, a, text = hsb
    assert a.stability.resampling == "design"
    assert "Rao and Wu's rescaling bootstrap" in text
    assert "bootstrap resamples of the rows" not in text
    assert (
        "The stepwise logit was refitted on 200 bootstrap resamples of the "
        "design's PSUs (Rao-Wu rescaling; Heinze, Wallisch & Dunkler 2018)"
    ) in text


# -- 3. the robustness reading names what floors a regressor's 0 -------------


@pytest.mark.slow
def test_the_robustness_reading_does_not_blame_the_outcomes_zero_policy(hsb):
    _, a, text = hsb
    assert "([model] zeros = 'two-part') floors" not in text
    # the positive part floors an index's 0 as 'floor' does: the fitted
    # model's floors are half the smallest positive value, independently
    cd = a.indices.loc[a.y_outcome > 0, a.regressors]
    for name, floor in a.floors.items():
        positive = cd[name][cd[name] > 0]
        assert floor == pytest.approx(positive.min() / 2, rel=1e-12)
    # SES and SCHOOL have rows at 0: the geometric constructions leave them
    # out of the rankings and the reading says why they are fitted anyway
    assert (a.indices[a.regressors] == 0).any().all()
    assert "zeroes the geometric mean" in text
    assert (
        "floors an index at 0 at half its smallest positive value (as "
        "[model] zeros = 'floor' does: under 'two-part', which concerns the "
        "outcome's zeros, an index's 0 is always floored in the positive part)"
    ) in text


# -- 4. common-method bias said conditionally on a user's data ----------------


@pytest.mark.slow
def test_common_method_bias_is_conditional_on_a_users_data(hsb):
    _, _, text = hsb
    assert "the indices and the outcome come from the same questionnaire" not in (
        text.replace("if the indices and the outcome come from the same", "")
    )
    assert (
        "Common-method bias: if the indices and the outcome come from the same "
        "questionnaire and respondent"
    ) in text


# -- 5. counts with thousands separators everywhere ---------------------------


@pytest.mark.slow
def test_counts_print_with_thousands_separators(hsb):
    frame, a, text = hsb
    n = len(frame)
    assert n > 1000
    shown = f"{n:,}"  # the independent format: Python's own
    assert shown == "1,200"
    # the n column of the descriptive table, the rows of the rankings
    assert f"| SES | {shown} |" in text
    # "(k of n rows)" of the constructions left out
    assert f" of {shown} rows)" in text
    n_cd = int((a.y_outcome > 0).sum())
    assert f"| Observations | {n_cd:,} |" in text
    assert f"| Rows analysed | {shown} |" in text
    assert f"a DataFrame passed in Python ({shown} rows x 8 columns)" in text
    # no count of a thousand or more without its separator, in text or
    # cells (digests, the date and the years of the references aside)
    plain = re.sub(r"SHA-256 \| [0-9a-f]{64}|\d{4}-\d\d-\d\dT[\d:]+Z", "", text)
    bare = re.findall(r"(?<![\d.,])\d{4,}(?![\d.,])", plain)
    years = {"1992", "1993", "1996", "2018"}
    assert [b for b in bare if b not in years] == []


def test_format_count_is_the_one_format_and_csv_keeps_raw_integers(tmp_path):
    assert format_count(7185) == "7,185"
    assert format_count(7185.0000000001) == "7,185"
    assert format_count(1818.25) == f"{1818.25:,.1f}"
    table = pd.DataFrame({"n": [7185, 12]}, index=pd.Index(["a", "b"], name="x"))
    summary = Summary("S", [Block("T", table, name="t")])
    assert "7,185" in summary.as_markdown()
    summary.to_csv(tmp_path)
    written = pd.read_csv(next(tmp_path.glob("*.csv")))
    assert written["n"].tolist() == [7185, 12]


# -- 6. plurals in the messages -----------------------------------------------


def test_one_missing_column_is_said_in_the_singular():
    frame = _hsb_like().head(50)
    document = {**DOCUMENT, "indices": {**DOCUMENT["indices"], "SCHOOL": ["meanse"]}}
    with pytest.raises(SpecError) as info:
        validate_document(document, frame)
    message = str(info.value)
    assert "1 column named in [indices] is not in the data: 'meanse'" in message
    assert "(did you mean 'meanses'?)" in message
    assert "(s)" not in message


def test_one_missing_target_row_is_said_in_the_singular():
    rng = np.random.default_rng(3)
    X = pd.DataFrame(rng.uniform(0, 1, (20, 2)), columns=["a", "b"])
    y = pd.Series(rng.integers(0, 2, 20), dtype=float)
    y.iloc[5] = np.nan
    with pytest.raises(ValueError, match=r"y contains NaN in 1 row \(row 5\)"):
        StepwiseLogit().fit(X, y)
    y.iloc[6] = np.nan
    with pytest.raises(ValueError, match=r"y contains NaN in 2 rows \(rows 5, 6\)"):
        StepwiseLogit().fit(X, y)


# -- 7. the Python summary without the test of sum = 1 -------------------------


def _pipeline_fit():
    frame = _hsb_like()
    y = frame["mAch"] - frame["mAch"].min() + 1
    pipe = make_pipeline(
        CompositeIndex(spec={"SES": ["ses"], "SCHOOL": ["meanses"]}),
        CobbDouglasRegressor(zeros="floor"),
    )
    return pipe.fit(frame, y)[-1]


def test_the_python_summary_tests_the_sum_when_asked():
    model = _pipeline_fit()
    summary = model.summary(sum_test=True)
    row = summary["diagnostics"].loc["Sum of elasticities, H0: sum = 1 (t)"]
    # the t of sum = 1 from its definition: (sum b - 1) / se(sum b)
    cov = model.results_.cov_params
    t = (model.coef_.sum() - 1) / np.sqrt(cov[1:, 1:].sum())
    assert row["statistic"] == pytest.approx(t, rel=1e-10)
    notes = " ".join(summary["Notes"])
    assert "The test of sum = 1 (summary(sum_test=True)) reads as constant" in notes
    # asked for, the test is not then called meaningless
    assert "means nothing" not in notes


@pytest.mark.parametrize("kwargs", [{}, {"sum_test": False}])
def test_the_python_summary_leaves_the_sum_test_out_by_default(kwargs):
    # issue 28: the default summary printed the test, then said it meant
    # nothing; now it leaves it out and says how to ask for it
    model = _pipeline_fit()
    summary = model.summary(**kwargs)
    assert not summary["diagnostics"].index.str.contains("sum = 1").any()
    text = str(summary)
    assert "H0: sum = 1" not in text
    notes = " ".join(summary["Notes"])
    assert "The sum of elasticities is not tested against 1" in notes
    assert "summary(sum_test=True) adds the test" in notes
    assert "spec" not in notes
