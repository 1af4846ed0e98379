"""replicate on a user's own survey: a real public data set (Mroz, 1987), a spec
written from scratch, nothing of the paper imposed. Numbers are checked against
statsmodels fitted on the same sample."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from numpy.testing import assert_allclose

from sklearn_innov.datasets import make_sme_survey
from sklearn_innov.exceptions import SpecError
from sklearn_innov.report import replicate

MROZ = pd.read_csv(Path(__file__).parent / "data" / "mroz.csv")
INDICES = {
    "schooling": ["educ", "motheduc", "fatheduc"],
    "household": ["kidslt6", "kidsge6"],
    "spouse": ["huseduc", "huswage", "hushrs"],
}


def _document(**model):
    return {
        "indices": INDICES,
        "model": {"outcome": "faminc", "target": "inlf", **model},
    }


@pytest.fixture(scope="module")
def default_run():
    return replicate(MROZ, _document(), figures=False)


@pytest.fixture(scope="module")
def paper_run():
    # the report on the embedded survey, made once for every test that reads
    # it (each run costs about 0.7 s of CPU); the tests only read it
    return replicate(random_state=0, figures=False)


def _log_design(models, names, const=True):
    X = models["cobb_douglas_X"][names]
    exog = np.log(X.to_numpy())
    return sm.add_constant(exog) if const else exog, np.log(models["cobb_douglas_y"])


def test_no_adjusted_model_unless_the_spec_asks(default_run):
    report, models = default_run
    assert models["adjusted"] is None and models["adjusted_with_intercept"] is None
    text = " ".join(report.render("text").split())
    assert "No adjusted model: [model] adjusted names none." in text
    assert "Table 11" not in text and "Returns to scale, H0" not in text
    assert "creasing returns to scale" not in text
    # every explanatory index with an intercept is the full model: not again
    report, models = replicate(MROZ, _document(adjusted=list(INDICES)), figures=False)
    assert models["adjusted"] is None
    assert "which is the full model above" in " ".join(report.render("text").split())


def test_adjusted_model_on_named_indices_keeps_its_intercept():
    report, models = replicate(
        MROZ, _document(adjusted=["schooling", "spouse"]), figures=False
    )
    adjusted = models["adjusted"]
    assert adjusted.fit_intercept and models["adjusted_with_intercept"] is None
    exog, y = _log_design(models, ["schooling", "spouse"])
    ref = sm.OLS(y, exog).fit()
    assert_allclose(adjusted.coef_table_["coef"], ref.params, rtol=1e-8)
    text = report.render("text")
    assert "Adjusted model on schooling, spouse (named by [model] adjusted)" in text
    assert "no intercept" not in text and "Table 11 layout" not in text


def test_returns_to_scale_only_for_a_declared_production_function(paper_run):
    """Returns to scale only for ratio-scale inputs: production = true and
    every index min-max from a declared lower bound of 0 (issue 28: the
    paper's min-max indices got the reading and a note that it did not hold)."""
    items = [item for names in INDICES.values() for item in names]
    bounds = {item: [0, float(MROZ[item].max())] for item in items}
    document = {**_document(production=True), "index": {"bounds": bounds}}
    report, models = replicate(MROZ, document, figures=False)
    flat = " ".join(report.render("text").split())
    # the test itself, against statsmodels' t test of sum b_i = 1
    exog, y = _log_design(models, list(INDICES))
    ref = sm.OLS(y, exog).fit().t_test((np.r_[0.0, np.ones(3)], 1.0))
    row = models["readings"].set_index("test").loc["Returns to scale, H0: sum = 1 (t)"]
    assert_allclose(row["statistic"], float(np.squeeze(ref.tvalue)), rtol=1e-8)
    assert_allclose(row["p_value"], float(np.squeeze(ref.pvalue)), rtol=1e-6)
    assert "returns to scale" in row["reading"]
    assert "is read as returns to scale because the model is declared" in flat
    assert "these indices have no true zero" not in flat
    # the same spec without the bounds: min-max from the lowest row, no reading
    no_zero = replicate(MROZ, _document(production=True), figures=False)[0]
    flat = " ".join(no_zero.render("text").split())
    assert "Returns to scale, H0" not in flat and "returns to scale," not in flat
    assert "Sum of elasticities, H0: sum = 1 (t)" in flat
    assert (
        "[model] production = true declares a production function, but these "
        "indices have no true zero (schooling, household, spouse: min-max from "
        "the lowest of the rows)." in flat
    )
    # the paper's survey: read as a production function by the paper, but its
    # indices are min-max from the lowest firm; the adjusted model too
    paper = " ".join(paper_run[0].render("text").split())
    assert "Returns to scale, H0" not in paper
    assert "creasing returns to scale" not in paper
    assert paper.count("Sum of elasticities, H0: sum = 1 (t)") == 4  # 2 tables x 2
    assert (
        "The paper reads this sum as returns to scale ([model] production = true "
        "here, as the paper reads its model), but these indices have no true zero "
        "(X1, X3: min-max from the lowest of the firms)." in paper
    )


def test_wording_is_neutral_on_user_data(default_run):
    text = default_run[0].render("text")
    for word in ("innovat", "firm", "Endogenous learning", "outcome 0 "):
        assert word not in text, word
    # a DataFrame from Python: no file to name; every row analysed
    assert "Data: the user's survey, 753 rows read, all analysed." in text


def test_dropping_the_intercept_is_tested_and_the_rejection_said():
    names = ["schooling", "spouse"]
    report, models = replicate(
        MROZ, _document(adjusted=names, adjusted_intercept=False), figures=False
    )
    assert not models["adjusted"].fit_intercept
    exog, y = _log_design(models, names)
    ref = sm.OLS(y, exog).fit()
    section = next(s for s in report.summaries if s.title.startswith("Dropping"))
    test = section["F test"]
    # the restriction's F is the square of the intercept's t (one restriction)
    assert_allclose(test["statistic"].iloc[0], ref.tvalues.iloc[0] ** 2, rtol=1e-8)
    assert_allclose(
        test["p_value"].iloc[0], ref.pvalues.iloc[0], rtol=1e-6, atol=1e-300
    )
    side = section["intercept_side_by_side"]
    assert_allclose(side["with intercept coef"].to_numpy(), ref.params, rtol=1e-8)
    restricted = sm.OLS(y, exog[:, 1:]).fit()
    assert_allclose(
        side["without intercept t"].to_numpy()[1:], restricted.tvalues, rtol=1e-8
    )
    text = report.render("text")
    assert "WARNING: the data reject the model without intercept" in text
    assert "adjusted_intercept = true" in text


def test_not_rejecting_the_intercept_is_not_read_as_proof(paper_run):
    report, models = paper_run
    section = next(s for s in report.summaries if s.title.startswith("Dropping"))
    p = section["F test"]["p_value"].iloc[0]
    text = " ".join(report.render("text").split())
    if p >= 0.05:
        assert f"intercept: not significant at 5% (p = {p:.3f})" in text
        assert "Not rejecting H0 does not show that the intercept is 0" in text
    assert "R² (uncentred, no intercept)" in text
    assert "F (uncentred, no intercept)" in text


def test_model_keys_cov_type_zeros_and_adjusted():
    report, models = replicate(
        MROZ,
        _document(cov_type="HC3", zeros="drop", adjusted=["spouse"]),
        figures=False,
    )
    full = models["cobb_douglas"]
    X = models["cobb_douglas_X"]
    assert not (X == 0).any().any()  # rows with a zero index were dropped
    exog, y = _log_design(models, list(INDICES))
    ref = sm.OLS(y, exog).fit(cov_type="HC3", use_t=True)
    assert_allclose(full.coef_table_["std_err"], ref.bse, rtol=1e-8)
    assert list(models["adjusted"].coef_) == pytest.approx(
        sm.OLS(y, sm.add_constant(np.log(X[["spouse"]]))).fit().params[1:].to_list()
    )
    text = report.render("text")
    assert "Adjusted model on spouse (named by [model] adjusted)" in text
    assert "drop rows with a zero index (main)" in text


def test_labels_name_the_rows():
    document = _document()
    document["labels"] = {
        "title": "Married women, 1975",
        "unit": "woman",
        "units": "women",
    }
    text = replicate(MROZ, document, figures=False)[0].render("text")
    assert text.startswith("Married women, 1975\n")
    assert "753 women" in text


@pytest.mark.parametrize(
    ("document", "match"),
    [
        ({"indices": INDICES}, r"no \[model\] table.*add \[model\] with outcome"),
        (
            {"indices": {"Y": ["faminc"]}, "model": {"outcome": "Y", "target": "inlf"}},
            "at least one explanatory index",
        ),
        (
            {
                "indices": {**INDICES, "none": ["kidslt6"]},
                "model": {"outcome": "faminc", "target": "inlf"},
            },
            "",  # kidslt6 is 0 for most rows but not all: accepted
        ),
        (
            {
                "indices": INDICES,
                "model": {"outcome": "faminc", "target": "inlf"},
                "index": {"normalize": "zscore"},
            },
            "negative values.*not 'zscore'",
        ),
        (_document(cov_type="HC9"), "cov_type must be one of"),
        (_document(zeros="impute"), "zeros must be one of"),
        (_document(adjusted="spouse"), "adjusted must list index names"),
        (_document(adjusted=["faminc"]), "not explanatory indices"),
        (_document(production="yes"), r"\[model\] production must be true or false"),
    ],
)
def test_spec_errors_say_what_to_write(document, match):
    if not match:
        replicate(MROZ, document, figures=False)
        return
    with pytest.raises(SpecError, match=match):
        replicate(MROZ, document, figures=False)


def test_an_index_that_is_zero_wherever_the_outcome_is_positive():
    frame = MROZ.assign(hours_if_out=np.where(MROZ["faminc"] > 0, 0.0, 1.0))
    frame.loc[0, "faminc"] = 0.0  # one row with outcome 0, where the item is 1
    frame.loc[0, "hours_if_out"] = 1.0
    document = {
        "indices": {**INDICES, "absent": ["hours_if_out"]},
        "model": {"outcome": "faminc", "target": "inlf"},
    }
    with pytest.raises(SpecError, match=r"\['absent'\] equal 0 in every row"):
        replicate(frame, document, figures=False)


def test_the_comparison_with_the_paper_says_what_to_expect(paper_run):
    report, models = paper_run
    beside = next(s for s in report.summaries if s.title.startswith("Beside"))
    lines = beside["Reading"]
    text = "\n".join(lines)
    # R² = 0.274, F = 10.95, k = 4: n = 5 + 10.95 * 4 * 0.726 / 0.274 = 121.06
    assert "imply about 121 observations" in text
    assert f"the {models['cobb_douglas'].nobs_} firms with Y > 0" in text
    assert f"exp(0.4325) = {np.exp(0.4325):.4f}, but it prints Exp(B) = 1.5541" in text
    # what the reading says of the generating model is the survey's truth
    truth = make_sme_survey(random_state=0).truth
    assert truth["cobb_douglas"]["X4"] == 0 and "X4's elasticity is 0" in text
    assert truth["logit"]["X2"] == truth["logit"]["X4"] == 0
    assert "innovated depends on X1 and X3 only; innovated is not Y > 0" in " ".join(
        text.split()
    )


def test_the_report_adds_the_two_part_model_and_index_robustness(paper_run):
    from sklearn_innov import TwoPartRegressor

    report, models = paper_run
    X = models["index_values"][["X1", "X2", "X3", "X4"]]
    y = models["index_values"]["Y"]
    direct = TwoPartRegressor().fit(X, y)
    two_part = models["two_part"]
    assert_allclose(two_part.predict(X), direct.predict(X), rtol=1e-12)
    section = next(s for s in report.summaries if s.title.startswith("Two-part"))
    elasticities = section["Elasticities of E[y]"]
    expected = direct.marginal_effects(X).xs("total", level="margin")["elasticity"]
    assert_allclose(elasticities["total elasticity"], expected, rtol=1e-10)
    robustness = next(s for s in report.summaries if s.title.startswith("Robustness"))
    moved = robustness["Rank movement by index"]["share_moved"]
    table = models["index_sensitivity"].table
    for name in ("X1", "Y"):
        assert_allclose(moved[name], table.loc[name, "moved"].mean())


def test_no_zero_outcome_means_no_two_part_model(default_run):
    report, models = default_run
    assert models["two_part"] is None
    assert "Two-part model not needed: no outcome is 0" in report.render("text")


def test_missing_targets_from_python_are_left_out_and_said():
    frame = MROZ.astype({"inlf": float})
    frame.loc[[4, 8], "inlf"] = np.nan
    report, models = replicate(frame, _document(), figures=False)
    text = report.render("text")
    assert "Target 'inlf' is missing in 2 of 753 rows (rows 4, 8): those rows were" in (
        " ".join(text.split())
    )
    assert models["logit"].nobs_ == 751
    # a 0/1 target read as floats names its event as 1, not 1.0
    assert "probability that inlf = 1," in " ".join(text.split())


def test_the_report_adds_margins_and_selection_stability(paper_run):
    from sklearn_innov import StepwiseLogit
    from sklearn_innov.model_selection import selection_stability

    report, models = paper_run
    X = models["index_values"][["X1", "X2", "X3", "X4"]]
    target = make_sme_survey(random_state=0).target
    logit_section = next(
        s
        for s in report.summaries
        if "Variables in the Equation" in [b.title for b in s.blocks]
    )
    assert_allclose(
        logit_section["marginal_effects"]["dy_dx"],
        models["logit"].marginal_effects(X)["dy_dx"],
    )
    direct = selection_stability(
        StepwiseLogit(), X, target, n_bootstrap=200, random_state=0
    )
    assert_allclose(
        models["selection_stability"].inclusion_frequency,
        direct.inclusion_frequency,
    )
    text = report.render("text")
    share = direct.inclusion_frequency["X1"]
    assert f"X1 {share:.1%}" in " ".join(text.split())  # as the table prints it


def test_what_a_new_user_found_on_their_own_data():
    """Offset names its regressors, zeros='drop' keeps the two-part section,
    missing answers and negative outcomes are handled and said, and the
    event of the logit is named."""
    frame = MROZ.assign(
        faminc=MROZ["faminc"].where(MROZ.index >= 3, 0.0),  # three zero outcomes
        educ=MROZ["educ"].astype(float).where(MROZ.index != 10),  # one missing
    )
    frame.loc[3, "faminc"] = -5.0  # and one negative
    offset = replicate(frame, _document(zeros="offset"), figures=False)[0]
    text = " ".join(offset.render("text").split())
    assert "ln (1 + spouse)" in text
    assert "3 rows with outcome 0 and 1 row with a negative outcome" in text
    assert "probability that inlf = 1, the second of the target's sorted values" in (
        text
    )
    assert "Robustness of the rankings" in text
    frame.loc[3, "faminc"] = 0.0  # the two-part model needs y >= 0
    drop = replicate(frame, _document(zeros="drop"), figures=False)
    assert drop[1]["two_part"] is not None
    assert "this section floors them" in " ".join(drop[0].render("text").split())


def test_the_spss_layout_uses_spss_hosmer_lemeshow_grouping(default_run):
    """Hand computation of SPSS's rule (group ceil(10 F(p)), F the share of
    cases at or below p) on the report's own fit."""
    from scipy import stats

    report, models = default_run
    logit = models["logit"]
    X = models["index_values"][["schooling", "household", "spouse"]]
    prob = logit.predict_proba(X)[:, 1]
    y = MROZ["inlf"].to_numpy()
    share = stats.rankdata(prob, method="max") / len(prob)
    group = np.ceil(10 * share - 1e-12)
    frame = pd.DataFrame({"g": group, "o": y, "e": prob})
    sums = frame.groupby("g").agg(o=("o", "sum"), e=("e", "sum"), n=("o", "size"))
    chi2 = (((sums.o - sums.e) ** 2) / (sums.e * (1 - sums.e / sums.n))).sum()
    section = next(
        s
        for s in report.summaries
        if "Variables in the Equation" in [b.title for b in s.blocks]
    )
    hl = section["hosmer_lemeshow"]
    assert hl["grouping"].iloc[0] == "SPSS"
    assert_allclose(hl["Chi-square"].iloc[0], chi2, rtol=1e-10)
    assert_allclose(hl["Sig."].iloc[0], stats.chi2.sf(chi2, len(sums) - 2))
    rules = section["hl_rules"]
    assert list(rules.index) == [
        "SPSS (the layout's)",
        "mid-rank",
        "R hoslem.test deciles",
    ]
    assert_allclose(rules["Chi-square"].iloc[0], chi2, rtol=1e-10)


LIMITATIONS = (
    "Associations, not effects",
    "Selection on the same data",
    "Endogeneity and reverse causality",
    "Common-method bias",
    "Overlap of regressor and outcome items",
    "External validity",
)


def test_every_report_has_a_limitations_section(default_run, paper_run):
    paper = paper_run[0]
    for report in (default_run[0], paper):
        section = report.summaries[-1]
        assert section.title == "Limitations"
        text = " ".join(section.blocks[0].content)
        for topic in LIMITATIONS:
            assert topic in text, topic
    paper_text = " ".join(paper.summaries[-1].blocks[0].content)
    assert "willingness_innovate" in paper_text
    assert "rd_income_share" in paper_text and "innov_sales_share" in paper_text


def test_readings_are_associations_and_say_where_selection_happened(paper_run):
    report, models = paper_run
    text = " ".join(report.render("text").split())
    for causal in ("responds to", "works through", "splits each", "impact"):
        assert causal not in text, causal
    selected = [
        s.title
        for s in report.summaries
        if "Selected on the same data" in [b.title for b in s.blocks]
    ]
    assert any(title.startswith("Stepwise logit") for title in selected)
    assert any(title.startswith("Adjusted Cobb-Douglas") for title in selected)
    assert "the participation part is a stepwise logit chosen on these rows" in text


def test_selection_stability_is_read_without_a_threshold_verdict(paper_run):
    report, models = paper_run
    text = " ".join(report.render("text").split())
    assert "fewer than 80%" not in text and "which supports" not in text
    assert "estimates the power of the selection rule" in text
    assert "one resample in ten" not in text


def test_reliability_reading_never_calls_alpha_a_test_of_one_dimension(paper_run):
    frame = make_sme_survey(random_state=0).frame
    report, models = paper_run
    lines = report.summaries[0]["Reading"]
    text = " ".join(lines)
    assert "neither is a test of unidimensionality" in text
    assert "hardly measure one thing" not in text
    table = models["indices"].reliability_
    for name in table.index[table["omega_total"] < table["cronbach_alpha"]]:
        assert name in text.split("Omega below alpha (")[1].split(")")[0]
    # rows at the floor of every item, counted on the survey itself
    from sklearn_innov.datasets import PAPER_SPEC

    for name, items in PAPER_SPEC.items():
        floor = int((frame[items] == frame[items].min()).all(axis=1).sum())
        if floor >= 0.05 * len(frame):
            assert (
                f"{name}: {floor} of {len(frame)} rows score the lowest value on "
                "every item" in text
            )


def test_the_stated_noise_rate_matches_a_simulation():
    """Pure-noise indices under backward selection at p_remove = 0.10, n = 127:
    a smaller run of the simulation the report quotes (12 data sets x 50
    resamples, 48 noise features; the mean's standard error is about 0.03)."""
    from sklearn_innov import StepwiseLogit
    from sklearn_innov.model_selection import selection_stability
    from sklearn_innov.report._replicate import NOISE_RATE

    rng = np.random.default_rng(1)
    shares = []
    for rep in range(12):
        X = pd.DataFrame(rng.uniform(0, 10, size=(127, 4)), columns=list("abcd"))
        y = (rng.random(127) < 0.583).astype(int)
        result = selection_stability(
            StepwiseLogit(p_remove=0.10), X, y, n_bootstrap=50, random_state=rep
        )
        shares.extend(result.inclusion_frequency)
    assert 0.15 < np.mean(shares) < 0.40  # far from the "one in ten" once said
    assert abs(np.mean(shares) - NOISE_RATE) < 0.1


def test_analysis_then_rendering_then_comparison_are_separate_steps(monkeypatch):
    from sklearn_innov import CobbDouglasRegressor, StepwiseLogit
    from sklearn_innov.diagnostics import durbin_watson_test
    from sklearn_innov.report import analyze, compare_with_paper, render_report

    analysis = analyze(random_state=0)
    # the rendering step fits nothing: refitting would fail here
    for estimator in (CobbDouglasRegressor, StepwiseLogit):
        monkeypatch.setattr(
            estimator, "fit", lambda *a, **k: pytest.fail("render_report refits")
        )
    text = render_report(analysis, compare_with_paper(analysis), figures=False)
    text = text.render("text")
    assert "Beside the paper" in text
    assert "Beside the paper" not in render_report(analysis, figures=False).render(
        "text"
    )
    monkeypatch.undo()
    readings = analysis.readings
    assert list(readings.columns) == [
        "section",
        "test",
        "statistic",
        "p_value",
        "reading",
    ]
    # each reading's p-value is its test's, computed here independently
    exog = sm.add_constant(np.log(analysis.cd_X.to_numpy()))
    fit = sm.OLS(np.log(analysis.cd_y.to_numpy()), exog).fit()
    dw = readings[
        (readings["section"] == "Cobb-Douglas (full)")
        & readings["test"].str.startswith("Durbin-Watson")
    ]
    assert_allclose(
        dw["p_value"].iloc[0], durbin_watson_test(fit.resid, exog)["pvalue"]
    )
    restricted = readings[readings["test"] == "F, H0: intercept = 0"]
    names = ["X1", "X3"]
    free = sm.OLS(
        np.log(analysis.cd_y.to_numpy()),
        sm.add_constant(np.log(analysis.cd_X[names].to_numpy())),
    ).fit()
    assert_allclose(restricted["statistic"].iloc[0], free.tvalues[0] ** 2, rtol=1e-8)
    for p, reading in zip(readings["p_value"], readings["reading"], strict=True):
        if "not tested" in reading or "not computed" in reading:
            continue
        verdict = "not significant at 5%" if p >= 0.05 else "significant at 5%"
        assert verdict in reading


def test_the_comparison_step_places_the_paper_in_simulated_ranges():
    from sklearn_innov.datasets import load_paper_results
    from sklearn_innov.report import analyze, compare_with_paper

    analysis = analyze(random_state=0)
    paper = load_paper_results()
    index = pd.MultiIndex.from_tuples(
        [("Table 9", "fit", "R2"), ("Table 11", "fit", "F"), ("Table 9", "fit", "n")],
        names=["table", "term", "statistic"],
    )
    ranges = pd.DataFrame(
        {
            "paper": [
                paper["table9_fit"]["rsquared"],
                paper["table11_fit"]["fvalue"],
                np.nan,  # not published: left out of the block
            ],
            "q05": [0.2, 300.0, 100.0],
            "q95": [0.4, 400.0, 130.0],
        },
        index=index,
    )
    summary = compare_with_paper(analysis, ranges)
    table = summary["ranges"]
    assert list(table.index) == ["Table 9 R²", "Table 11 F (uncentred, no intercept)"]
    assert list(table["inside"]) == ["yes", "no"]  # 0.274 in, 283.565 out
    reading = " ".join(summary["Reading of the ranges"])
    assert "1 of 2 published statistics lie inside" in reading
    assert "Outside their range: Table 11 F (uncentred, no intercept)" in reading
    with pytest.raises(ValueError, match="indexed by \\(table, term"):
        compare_with_paper(analysis, ranges.rename(columns={"q05": "low"}))


def test_the_default_report_places_the_paper_in_the_shipped_ranges(paper_run):
    from sklearn_innov.datasets import load_paper_ranges

    report, _ = paper_run
    text = report.render("text")
    ranges = load_paper_ranges()
    published = ranges[ranges["paper"].notna()]
    # Table 9's n is implied, and 121 in every synthetic survey: not counted
    published = published[published.index.get_level_values("statistic") != "n"]
    inside = (published["paper"] >= published["q05"]) & (
        published["paper"] <= published["q95"]
    )
    assert (
        f"{int(inside.sum())} of {len(published)} published statistics lie inside"
        in " ".join(text.split())
    )
    assert "by construction" in text


@pytest.mark.slow
def test_the_shipped_ranges_are_those_the_simulation_gives():
    # the oracle is the simulation itself, rerun from scratch on the same
    # 200 seeds (about 20-40 s): the shipped file is not an output to trust
    from sklearn_innov.datasets import load_paper_ranges, simulate_paper_ranges

    shipped = load_paper_ranges()
    fresh = simulate_paper_ranges(200).ranges
    assert list(shipped.index) == list(fresh.index)
    numeric = ["paper", "q05", "median", "q95", "percentile"]
    assert_allclose(
        shipped[numeric].to_numpy(float), fresh[numeric].to_numpy(float), rtol=1e-7
    )
    assert (shipped["inside"] == fresh["inside"]).all()


def test_the_index_readings_are_the_one_factor_tests_of_the_items(paper_run):
    from sklearn_innov.diagnostics import one_factor_test

    report, models = paper_run
    frame = make_sme_survey(random_state=0).frame
    readings = models["readings"]
    tests = readings[readings["section"] == "Composite indices"]
    from sklearn_innov.datasets import PAPER_SPEC

    expected = [name for name, items in PAPER_SPEC.items() if len(items) >= 4]
    assert [t.split(", ")[1] for t in tests["test"]] == expected
    for name, p, reading in zip(
        expected, tests["p_value"], tests["reading"], strict=True
    ):
        oracle = one_factor_test(frame[PAPER_SPEC[name]])
        assert_allclose(p, oracle["pvalue"], rtol=1e-12)
        verdict = "not significant at 5%" if p >= 0.05 else "significant at 5%"
        assert reading.startswith(f"{name}: departure of its items from one factor")
        assert verdict in reading
    section = next(s for s in report.summaries if s.title == "Composite indices")
    # a block of their own, so that they render as a list (issue 28)
    assert list(tests["reading"].map(lambda r: f"- {r}.")) == list(
        section["one_factor_tests"]
    )
    assert not any(line.startswith("- ") for line in section["Reading"])


def test_the_report_refits_the_elasticities_under_each_construction(paper_run):
    report, models = paper_run
    section = next(s for s in report.summaries if s.title.startswith("Robustness"))
    table = section["construction_elasticities"]
    regressors = ["X1", "X2", "X3", "X4"]
    # the reference construction is the index the main model was fitted on
    assert_allclose(
        table.loc[0, regressors].to_numpy(float),
        models["cobb_douglas"].coef_,
        rtol=1e-10,
    )
    fitted = table[regressors].dropna()
    reading = " ".join(section["Reading of the elasticities"])
    for name in regressors:
        low, high = fitted[name].min(), fitted[name].max()
        assert f"{name}: from {low:.3f} to {high:.3f}" in reading
    assert (
        f"({len(fitted)} of the {len(table)} constructions built could be fitted)"
        in " ".join(reading.split())
    )


def test_hosmer_lemeshow_in_the_layout_is_the_rules_spss_row(paper_run):
    # one rule, one result: the layout's block and the table of rules used
    # to differ when ties of predicted risk were split by rounding noise
    from sklearn_innov.diagnostics import hosmer_lemeshow

    _, models = paper_run
    logit = models["logit"]
    layout = logit.summary()["hosmer_lemeshow"]
    readings = models["readings"]
    spss = readings[readings["test"] == "Hosmer-Lemeshow (SPSS (the layout's))"]
    assert_allclose(spss["statistic"].iloc[0], layout["Chi-square"].iloc[-1])
    # a copy of the probabilities perturbed in the last bits groups alike
    prob = logit.results_.prob
    event = np.asarray(logit.results_.y, dtype=float)
    noisy = prob * (1 + 1e-15 * np.random.default_rng(0).standard_normal(prob.size))
    assert_allclose(
        hosmer_lemeshow(event, noisy, method="spss")["statistic"],
        hosmer_lemeshow(event, prob, method="spss")["statistic"],
        rtol=1e-9,
    )


def test_user_figures_draw_the_indices_with_the_largest_t():
    # the logit's target is another question: on a user's survey the curves
    # are those of the Cobb-Douglas's two largest |t|, from statsmodels
    report, models = replicate(MROZ, _document(), figures=True)
    try:
        names = list(models["cobb_douglas_X"].columns)
        exog, y = _log_design(models, names)
        t = pd.Series(np.asarray(sm.OLS(y, exog).fit().tvalues)[1:], index=names)
        expected = list(t.abs().sort_values(ascending=False).index[:2])
        drawn = [
            name[len("influence_") :]
            for name in report.figures
            if name.startswith("influence_")
        ]
        assert drawn == expected
    finally:
        report.close()


def test_limitations_name_only_the_selected_models_that_were_fitted(default_run):
    report, models = default_run
    assert models["adjusted"] is None and models["two_part"] is None
    text = " ".join(report.render("text").split())
    sentence = text[text.index("Selection on the same data") :].split(". ")[0]
    assert sentence.startswith("Selection on the same data: the stepwise logit was")
    assert "adjusted" not in sentence and "two-part" not in sentence


def test_a_column_outcome_says_why_no_elasticities_are_refitted(default_run):
    report, _ = default_run
    section = next(s for s in report.summaries if s.title.startswith("Robustness"))
    assert "construction_elasticities" not in section.tables
    assert any(
        "the outcome is a column of the data, not an index" in line
        for line in section["Reading"]
    )


def _flat(lines):
    return " ".join(" ".join(lines).split())


def test_a_negative_alpha_is_read_and_its_reversed_items_named():
    """BEPS's leader ratings (Blair, Hague, Kennedy: alpha -0.23): the reading
    says the items covary negatively, that their sum is not a scale, and names
    the items whose corrected item-total correlation is negative (computed
    here from its definition), pointing to [index] reverse."""
    from sklearn_innov import CompositeIndex
    from sklearn_innov.report._replicate import _reliability_reading

    rng = np.random.default_rng(0)
    f = rng.normal(size=300)
    frame = pd.DataFrame(
        {
            "left": f + rng.normal(scale=0.5, size=300),
            "right": -f + rng.normal(scale=0.5, size=300),
            "other": rng.normal(size=300),
        }
    )
    spec = {"Y": ["left", "right", "other"], "Z": ["other", "left"]}
    composite = CompositeIndex(spec=spec).fit(frame)
    # alpha from its definition on the min-max items: k/(k-1)(1 - sum s_i² / s²)
    items = (frame - frame.min()) / (frame.max() - frame.min())
    alpha = 1.5 * (1 - items.var().sum() / items.sum(axis=1).var())
    assert alpha < 0
    assert_allclose(composite.reliability_.loc["Y", "cronbach_alpha"], alpha)
    negative = [
        item
        for item in spec["Y"]
        if np.corrcoef(items[item], items.drop(columns=item).sum(axis=1))[0, 1] < 0
    ]
    assert negative == ["left", "right"]
    text = _flat(_reliability_reading(composite, frame, spec))
    assert (
        f"Negative Cronbach's alpha for Y ({alpha:.4f}): its items covary "
        "negatively on average, so a sum of them is not a scale. An item that "
        "runs the other way (reverse-keyed) is reversed by listing it in [index] "
        "reverse; items correlating negatively with the rest (corrected "
        "item-total correlation): left, right." in text
    )
    # a description, not a test: no p-value; Z's alpha is positive, unread
    assert "p =" not in text and "Negative Cronbach's alpha for Z" not in text


def test_one_item_indices_get_no_floor_reading_and_no_empty_table():
    """CES11's single-item indices: no "alpha and omega partly measure the
    floor" sentence for an index without alpha, and the item-total table,
    empty, is left out once with its reason."""
    from sklearn_innov import CompositeIndex
    from sklearn_innov.report._replicate import _index_summary

    spec = {"KIDS": ["kidslt6"], "SCHOOL": ["educ"]}
    assert (MROZ["kidslt6"] == MROZ["kidslt6"].min()).mean() > 0.05
    composite = CompositeIndex(spec=spec).fit(MROZ)
    readings = pd.DataFrame({"section": [], "reading": []})
    summary = _index_summary(
        composite.transform(MROZ),
        composite.reliability_,
        composite,
        MROZ,
        spec,
        readings,
    )
    names = [block.name for block in summary.blocks]
    assert "item_statistics" not in names
    text = " ".join(str(summary).split())
    assert "partly measure" not in text
    assert (
        "Blank alpha and omega for KIDS, SCHOOL (1 item): both describe how items "
        "agree, and need 2 items or more. Nor have they item-total statistics (no "
        "table): every index here has 1 item." in text
    )
    # with an index of two items the table is there, and the floor is read
    spec = {**spec, "KIDS2": ["kidslt6", "kidsge6"]}
    composite = CompositeIndex(spec=spec).fit(MROZ)
    summary = _index_summary(
        composite.transform(MROZ),
        composite.reliability_,
        composite,
        MROZ,
        spec,
        readings,
    )
    assert "item_statistics" in [block.name for block in summary.blocks]
    assert "KIDS2: " in " ".join(str(summary).split())  # its floor is read


def test_no_most_sensitive_index_when_no_rank_moves():
    """Single-item indices keep their order under every construction (each a
    monotone transform of the item): no "most sensitive" index is named."""
    from sklearn_innov.preprocessing import index_sensitivity
    from sklearn_innov.report._replicate import _robustness_summary

    spec = {"SCHOOL": ["educ"], "WAGE": ["huswage"]}
    robustness = index_sensitivity(MROZ, spec, shift=38)
    table = robustness.summary()
    assert (table["mean_abs_shift"] == 0).all()
    summary = _robustness_summary(robustness, {"units": "women"})
    text = _flat(summary.blocks[1].content)
    assert "Most sensitive" not in text
    assert (
        "No index's ranks move: the rankings do not change under the "
        "constructions compared." in text
    )
    # and a moving index is still named
    moving = index_sensitivity(MROZ, {"S": ["educ", "motheduc", "fatheduc"]}, shift=38)
    assert "Most sensitive: S," in _flat(
        _robustness_summary(moving, {"units": "women"}).blocks[1].content
    )


def test_a_two_part_main_model_replaced_by_the_floor_says_so_where_introduced():
    """[model] zeros = "two-part" with fewer zero outcomes than the logit's
    parameters: where the main model is introduced, the report says what was
    asked, what was fitted instead and why."""
    frame = MROZ.assign(faminc=MROZ["faminc"].where(MROZ.index >= 2, 0.0))
    report, models = replicate(frame, _document(zeros="two-part"), figures=False)
    assert models["two_part"] is None
    text = " ".join(report.render("text").split())
    said = (
        "Main model: [model] zeros = 'two-part' asked for the two-part model, "
        "which is not fitted here (two-part model skipped: only 2 rows with "
        "faminc = 0, fewer than the 4 parameters of its participation logit "
        "(intercept and 3 indices), so P(faminc > 0) cannot be estimated from "
        "these data). Fitted instead: the Cobb-Douglas of the positive outcomes, "
        "an index at 0 floored at half its smallest positive value (as [model] "
        "zeros = 'floor')."
    )
    assert said in text
    assert text.index(said) < text.index("Cobb-Douglas model of faminc")
