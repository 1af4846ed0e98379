"""The report under a [design]: weighted estimates and design-based Cobb-Douglas
standard errors against svyrecvar's formula by loops, frequency weights
against replicated rows."""

import warnings

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from test_survey_design import svyrecvar_loops

from sklearn_innov import CobbDouglasRegressor, CompositeIndex, StepwiseLogit
from sklearn_innov.datasets import PAPER_SPEC, make_sme_survey
from sklearn_innov.exceptions import SeparationWarning, SklearnInnovWarning, SpecError
from sklearn_innov.preprocessing._spec import validate_document
from sklearn_innov.report._analysis import (
    PAPER_DOCUMENT,
    _jackknife_named,
    _two_part,
    analyze,
    design_fit_params,
    index_weights,
    reliability_table,
)
from sklearn_innov.report._replicate import render_report
from sklearn_innov.summary import Block, Summary


def _analyze(frame, document):
    with warnings.catch_warnings():
        # constant items in a small stratified sample, separation in the logit
        warnings.simplefilter("ignore")
        return analyze(frame, document)


@pytest.fixture(scope="module")
def stratified():
    survey = make_sme_survey(random_state=3, design="stratified")
    return survey, _analyze(survey.frame, {**PAPER_DOCUMENT, "design": survey.design})


def _popsize(frame):
    return frame.groupby("stratum")["fpc"].first().to_dict()


def test_weighted_means_and_shares_equal_svymean_by_loops(stratified):
    survey, a = stratified
    frame = a.frame
    w = frame["weight"].to_numpy()
    strata, psu = frame["stratum"].to_numpy(), frame["psu"].to_numpy()
    table = a.design_estimates
    assert a.design_info["strata"] == 12 and a.design_info["df"] == len(frame) - 12
    for name in ["X1", "X2", "X3", "X4", "Y"]:
        y = a.indices[name].to_numpy()
        m = w @ y / w.sum()
        z = (w * (y - m) / w.sum())[:, None]
        se = np.sqrt(svyrecvar_loops(z, strata, psu, popsize=_popsize(frame))[0, 0])
        assert_allclose(table.loc[name, "mean"], m, rtol=1e-12)
        assert_allclose(table.loc[name, "std_err"], se, rtol=1e-10)
    share = table.loc["innovated = 1"]
    event = (frame["innovated"] == 1).to_numpy(dtype=float)
    assert_allclose(share["mean"], w @ event / w.sum(), rtol=1e-12)
    # the weighted share is the Horvitz-Thompson total over the population size
    assert_allclose(share["mean"] * survey.population.size, w @ event, rtol=1e-12)


def test_cobb_douglas_standard_errors_equal_svyglm_by_loops(stratified):
    """The model of the positive outcomes is a domain of the whole design, as
    svyglm(design = subset(des, Y > 0)): the rows outside score 0 and every
    PSU of the design counts in n_h."""
    _, a = stratified
    model, frame = a.cobb_douglas, a.frame
    inside = frame.index.isin(a.cd_X.index)
    assert model.cov_type == "survey" and 0 < (~inside).sum()
    X = np.log(a.cd_X.to_numpy())
    X = np.column_stack([np.ones(len(X)), X])
    y = np.log(a.cd_y.to_numpy())
    w = frame.loc[a.cd_X.index, "weight"].to_numpy()
    bread = np.linalg.inv(X.T @ (X * w[:, None]))
    beta = bread @ (X.T @ (w * y))
    scores = np.zeros((len(frame), X.shape[1]))
    scores[inside] = X * (w * (y - X @ beta))[:, None]
    meat = svyrecvar_loops(
        scores,
        frame["stratum"].to_numpy(),
        frame["psu"].to_numpy(),
        popsize=_popsize(frame),
    )
    se = np.sqrt(np.diag(bread @ meat @ bread))
    assert_allclose(model.intercept_, beta[0], rtol=1e-10)
    assert_allclose(model.coef_, beta[1:], rtol=1e-10)
    assert_allclose(model.results_.bse, se, rtol=1e-8)


def test_logit_standard_errors_equal_svyglm_by_loops(stratified):
    # the weighted (pseudo-)MLE from statsmodels, its scores and bread; the
    # design's meat by loops; the report's logit is the final model's fit
    import statsmodels.api as sm

    _, a = stratified
    logit, frame = a.logit, a.frame
    assert logit.cov_type == "survey"
    names = list(logit.selected_features_)
    X = sm.add_constant(a.logit_X[names].to_numpy())
    y = (frame["innovated"] == logit.classes_[1]).to_numpy(dtype=float)
    w = frame["weight"].to_numpy()
    ref = sm.GLM(y, X, family=sm.families.Binomial(), freq_weights=w).fit(tol=1e-12)
    p = ref.fittedvalues
    bread = np.linalg.inv(X.T @ (X * (w * p * (1 - p))[:, None]))
    scores = X * (w * (y - p))[:, None]
    meat = svyrecvar_loops(
        scores,
        frame["stratum"].to_numpy(),
        frame["psu"].to_numpy(),
        popsize=_popsize(frame),
    )
    se = np.sqrt(np.diag(bread @ meat @ bread))
    table = logit.coef_table_.loc[["const", *names]]  # SPSS puts const last
    assert_allclose(table["coef"].to_numpy(), ref.params, rtol=1e-6)
    assert_allclose(table["std_err"].to_numpy(), se, rtol=1e-6)


def test_frequency_weights_equal_replicated_rows():
    frame = make_sme_survey(random_state=0).frame
    rng = np.random.default_rng(1)
    frame["copies"] = rng.integers(1, 4, size=len(frame))
    design = {"weight": "copies", "weights": "frequency"}
    weighted = _analyze(frame, {**PAPER_DOCUMENT, "design": design})
    replicated = frame.loc[frame.index.repeat(frame["copies"])].reset_index(drop=True)
    expanded = _analyze(replicated, PAPER_DOCUMENT)
    assert_allclose(
        weighted.cobb_douglas.coef_, expanded.cobb_douglas.coef_, rtol=1e-10
    )
    assert_allclose(
        weighted.cobb_douglas.results_.bse,
        expanded.cobb_douglas.results_.bse,
        rtol=1e-8,
    )
    # the means and their standard errors are the expanded sample's
    table = weighted.design_estimates
    values = expanded.indices
    n = len(values)
    assert_allclose(table.loc[list(values.columns), "mean"], values.mean(), rtol=1e-12)
    assert_allclose(
        table.loc[list(values.columns), "std_err"],
        values.std(ddof=1) / np.sqrt(n),
        rtol=1e-10,
    )
    assert (table["df"] == n - 1).all()
    # the logit, its Hosmer-Lemeshow tests and classification are too
    assert weighted.logit.selected_features_ == expanded.logit.selected_features_
    for column in ["coef", "std_err"]:
        assert_allclose(
            weighted.logit.coef_table_[column],
            expanded.logit.coef_table_[column],
            rtol=1e-7,
        )
    pd.testing.assert_frame_equal(
        weighted.hl_rules, expanded.hl_rules, rtol=1e-7, check_dtype=False
    )
    # the indices' reliability and item statistics are the expanded sample's
    pd.testing.assert_frame_equal(
        weighted.composite.reliability_,
        expanded.composite.reliability_,
        rtol=1e-9,
        check_dtype=False,  # weighted counts are floats
    )
    pd.testing.assert_frame_equal(
        weighted.composite.item_statistics_,
        expanded.composite.item_statistics_,
        rtol=1e-9,
        check_dtype=False,
    )


def test_probability_weights_are_rescaled_to_the_sample_for_the_indices(stratified):
    # point estimates do not depend on the weights' scale; counts and the
    # one-factor test keep the sample's size
    _, a = stratified
    w = a.frame["weight"].to_numpy()
    reliability = a.composite.reliability_
    assert_allclose(reliability["n_complete"], len(a.frame), rtol=1e-12)
    from sklearn_innov import CompositeIndex

    rescaled = CompositeIndex(spec=a.spec.spec).fit(
        a.frame, sample_weight=w * len(w) / w.sum()
    )
    raw = CompositeIndex(spec=a.spec.spec).fit(a.frame, sample_weight=w)
    pd.testing.assert_frame_equal(reliability, rescaled.reliability_)
    assert_allclose(
        reliability["cronbach_alpha"], raw.reliability_["cronbach_alpha"], rtol=1e-9
    )


def test_report_states_the_design_and_what_it_does_not_weight(stratified):
    _, a = stratified
    text = render_report(a, figures=False).render("text")
    flat = " ".join(text.split())
    assert "12 strata ('stratum')" in flat
    assert f"design degrees of freedom {len(a.frame) - 12}" in flat
    assert "Not weighted by the design in this report:" in flat
    assert "Rao and Wu's rescaling bootstrap" in flat
    assert any("Rao and Wu" in note for note in a.stability.notes)
    # the bootstrap is said to resample the design, not all rows (a reader
    # found the two contradicting), and the unweighted descriptive
    # statistics are named as such
    notes = " ".join(str(a.stability.summary()).split())
    assert "bootstrap resamples of the design" in notes
    assert "resamples of all rows" not in notes
    assert "the descriptive statistics of the indices" in flat
    # both parts of the two-part model take the design, and its average
    # marginal effects average over the firms with the design's weights
    assert a.two_part.classifier_.cov_type == "survey"
    assert a.two_part.regressor_.cov_type == "survey"
    # so their estimates are correlated, and the text says so (not independent)
    assert "estimates correlated through the design's PSUs" in flat
    assert "average marginal effects" not in flat.split("Not weighted by")[1][:400]
    assert "averaged over the rows with the design's weights" in flat
    X = a.indices[list(a.two_part.feature_names_in_)]
    weights = a.frame.loc[X.index, "weight"].to_numpy(dtype=float)
    expected = a.two_part.marginal_effects(X, sample_weight=weights)
    shown = a.two_part_effects["dy_dx"].xs("total", level="margin")
    assert_allclose(shown, expected["dy_dx"].xs("total", level="margin"), rtol=1e-12)
    unweighted = a.two_part.marginal_effects(X)
    assert not np.allclose(shown, unweighted["dy_dx"].xs("total", level="margin"))
    assert "entry by Boos's generalised score test" in flat
    block = a.design_estimates
    assert list(block["kind"].unique()) == ["mean", "share"]
    assert isinstance(block, pd.DataFrame)


def test_an_equal_probability_design_does_not_claim_weighted_indices():
    # [design] with strata and no weight column: nothing is weighted, and the
    # report does not say the indices are
    frame = make_sme_survey(random_state=0).frame
    frame["region"] = frame["metro_area"]
    a = _analyze(frame, {**PAPER_DOCUMENT, "design": {"strata": "region"}})
    flat = " ".join(render_report(a, figures=False).render("text").split())
    assert "equal weights, 4 strata ('region')" in flat
    assert "Weighted point estimates" not in flat
    assert "read as frequencies" not in flat
    assert a.cobb_douglas.cov_type == "survey"


# -- the two-part model at its edges, and jackknife failures in the report --

LABELS = {"unit": "firm", "units": "firms"}
OPTIONS = {"zeros": "floor", "cov_type": "nonrobust"}


def _two_part_data(n_zero, n=80, seed=0, zero_rows=None):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(
        {"A": rng.uniform(0.1, 1.0, n), "B": rng.uniform(0.1, 1.0, n)},
        index=pd.RangeIndex(100, 100 + n),
    )
    y = pd.Series(
        np.exp(0.3 * np.log(X["A"]) + 0.2 * np.log(X["B"]) + rng.normal(0, 0.3, n)),
        index=X.index,
        name="y",
    )
    rows = rng.choice(n, n_zero, replace=False) if zero_rows is None else zero_rows
    y.iloc[rows] = 0.0
    return X, y


def test_two_part_is_skipped_when_zeros_are_fewer_than_its_parameters():
    # one row with y = 0 (the ESS case) and two: fewer than the participation
    # logit's 3 parameters, which those rows alone would then determine
    for n_zero, few in ((1, "1 firm"), (2, "2 firms")):
        X, y = _two_part_data(n_zero)
        model, skip, effects, _ = _two_part(X, y, OPTIONS, LABELS)
        assert model is None and effects is None
        assert skip == (
            f"Two-part model skipped: only {few} with y = 0, fewer than the 3 "
            "parameters of its participation logit (intercept and 2 indices), so "
            "P(y > 0) cannot be estimated from these data."
        )
    # the same edge for the positives
    X, y = _two_part_data(78)
    _, skip, _, _ = _two_part(X, y, OPTIONS, LABELS)
    assert skip.startswith("Two-part model skipped: only 2 firms with y > 0, fewer")


def test_two_part_with_enough_zeros_is_fitted_as_statsmodels_logit():
    import statsmodels.api as sm

    X, y = _two_part_data(20, seed=1)
    model, skip, _, _ = _two_part(X, y, OPTIONS, LABELS)
    assert skip is None
    part = model.classifier_
    kept = list(part.selected_features_)
    oracle = sm.Logit(
        (y > 0).astype(float), sm.add_constant(X[kept], has_constant="add")
    ).fit(disp=0)
    assert_allclose(part.intercept_[0], oracle.params["const"], rtol=1e-6)
    assert_allclose(
        part.coef_[0, part.support_], oracle.params[kept].to_numpy(), rtol=1e-6
    )


def test_a_separated_participation_logit_is_said_not_tested():
    # every zero below every positive in A: (quasi-)complete separation
    X, y = _two_part_data(0, seed=2)
    low = np.argsort(X["A"].to_numpy())[:10]
    y.iloc[low] = 0.0
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model, skip, effects, _ = _two_part(X, y, OPTIONS, LABELS)
    assert model is None and effects is None
    assert skip == (
        "Two-part model not shown: its participation logit of y > 0 meets "
        "complete or quasi-complete separation along A: it predicts y > 0 "
        "perfectly there and its maximum-likelihood estimates are infinite, so "
        "its estimates and z-tests are not findings."
    )
    # the separation is said once, in the section, not also as a warning
    assert not [w for w in caught if issubclass(w.category, SeparationWarning)]


def _one_psu_design(y_rows, n=80):
    # every row its own PSU in two strata, except `y_rows`, merged in PSU 7
    frame = pd.DataFrame(
        {
            "w": np.linspace(1.0, 3.0, n),
            "st": np.repeat(["north", "south"], n // 2),
            "psu": np.arange(n),
        },
        index=pd.RangeIndex(100, 100 + n),
    )
    frame.iloc[y_rows, frame.columns.get_loc("psu")] = 7
    frame.iloc[y_rows, frame.columns.get_loc("st")] = "north"
    design = {
        "weight": "w",
        "weights": "probability",
        "strata": "st",
        "cluster": "psu",
        "fpc": None,
        "variance": "jackknife",
    }
    return frame, design


def test_a_failed_jackknife_of_the_two_part_model_keeps_the_report():
    # every zero in one PSU: the replicate that deletes it has no zero, so
    # the participation logit is undefined there
    rows = np.array([3, 11, 19, 27, 35, 43])
    X, y = _two_part_data(0, seed=3, zero_rows=rows)
    y.iloc[rows] = 0.0
    frame, design = _one_psu_design(rows)
    model, skip, _, _ = _two_part(X, y, OPTIONS, LABELS, design, frame)
    assert model is None
    assert skip == (
        "Two-part model not shown: its participation logit has no jackknife "
        'variance under [design] variance = "jackknife": the replicate that '
        "deletes PSU 7 of stratum 'north' cannot be estimated: its rows with "
        "positive weight all have one class, so the logit is undefined. Set "
        '[design] variance = "linearization" in the spec (Taylor linearisation).'
    )
    # the same data under linearisation: fitted
    linear = {**design, "variance": "linearization"}
    assert _two_part(X, y, OPTIONS, LABELS, linear, frame)[0] is not None


def test_a_failed_jackknife_of_a_main_model_names_it_and_the_spec_key():
    rows = np.array([3, 11, 19, 27, 35, 43])
    X, _ = _two_part_data(0, seed=4)
    target = pd.Series(0, index=X.index, name="joined")
    target.iloc[rows] = 1
    frame, design = _one_psu_design(rows)
    params = design_fit_params(frame, design, X.index)
    logit = StepwiseLogit(cov_type="survey", survey_variance="jackknife")
    with pytest.raises(SpecError) as caught:
        with _jackknife_named("The stepwise logit of joined"):
            logit.fit(X, target, **params)
    assert str(caught.value) == (
        "The stepwise logit of joined has no jackknife variance under [design] "
        'variance = "jackknife": the replicate that deletes PSU 7 of stratum '
        "'north' cannot be estimated: its rows with positive weight all have one "
        'class, so the logit is undefined. Set [design] variance = "linearization" '
        "in the spec (Taylor linearisation)."
    )
    # any other error passes through as it is
    with pytest.raises(ValueError, match="^unrelated$"):
        with _jackknife_named("The stepwise logit of joined"):
            raise ValueError("unrelated")


def test_no_fit_under_a_probability_design_reads_its_weights_as_frequencies():
    # the construction elasticities were fitted with cov_type="nonrobust",
    # reading the design's weights as frequency weights, with a warning
    survey = make_sme_survey(random_state=3, design="stratified")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        a = analyze(survey.frame, {**PAPER_DOCUMENT, "design": survey.design})
    assert a.construction_elasticities is not None
    frequency = [
        str(w.message)
        for w in caught
        if issubclass(w.category, SklearnInnovWarning)
        and "frequency weights" in str(w.message)
    ]
    assert frequency == []
    # and the design section does not list those elasticities as unweighted
    flat = " ".join(render_report(a, figures=False).render("text").split())
    assert "the elasticities under other index constructions" not in flat
    # the one-factor test is not weighted: listed as such, not claimed weighted
    assert "the one-factor tests of the indices' items" in flat.split("Not weighted")[1]
    assert "and the one-factor test" not in flat


# -- counts under weights: rows counted as rows, weighted totals labelled --


def test_reliability_counts_complete_rows_beside_their_weighted_n():
    survey = make_sme_survey(random_state=3, design="stratified")
    frame = survey.frame.copy()
    items = PAPER_SPEC["X1"]
    frame.loc[frame.index[[2, 9, 30]], items[0]] = np.nan  # three incomplete rows
    document = {**PAPER_DOCUMENT, "design": survey.design}
    spec = validate_document(document, frame)
    weights = index_weights(frame, spec.design)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        composite = CompositeIndex(spec=spec.spec, **spec.index).fit(
            frame, sample_weight=weights
        )
    table = reliability_table(composite, weights)
    # oracles: the rows with every item answered, and their weights' total
    complete = frame[items].notna().all(axis=1).to_numpy()
    assert table.loc["X1", "n_complete"] == complete.sum() == len(frame) - 3
    assert_allclose(table.loc["X1", "weighted_n"], weights[complete].sum(), rtol=1e-12)
    assert not float(table.loc["X1", "weighted_n"]).is_integer()
    text = Summary("Composite indices", [Block("Reliability", table)]).as_text()
    lines = text.splitlines()
    header = next(line for line in lines if line.startswith("Index"))
    assert header.split("  ")[:3] == ["Index", "Items", "Complete rows"]
    assert "Complete rows  Weighted n  Cronbach's alpha" in header
    row = next(line for line in lines if line.startswith("X1 ")).split()
    assert row[:4] == [
        "X1",
        str(len(items)),
        str(len(frame) - 3),
        f"{weights[complete].sum():.1f}",
    ]
    # without weights the table is the composite's own, counts of rows
    assert reliability_table(composite, None) is composite.reliability_


def test_a_weighted_logits_counts_are_labelled_weighted():
    X, y = _two_part_data(0, n=120, seed=5)
    event = (X["A"] + np.random.default_rng(5).normal(0, 0.3, 120) > 0.55).astype(int)
    w = np.random.default_rng(6).uniform(0.2, 1.8, 120)
    w = w / w.mean()  # at mean 1, as the report's fits under a design
    model = StepwiseLogit(hl_method="spss").fit(X, event, sample_weight=w)
    text = model.summary().as_text()
    start = text.index("Contingency Table for Hosmer and Lemeshow Test")
    block = text[start:].split("\n\n")[0].splitlines()
    assert block[2].split("  ") == [
        "Group",
        "Weighted n",
        "Weighted observed events",
        "Expected events",
        "Weighted observed non-events",
        "Expected non-events",
    ]
    table = model.summary()["hosmer_lemeshow_table"]
    # oracles: the weights' totals, overall and of the events
    assert_allclose(table["weighted_n"].sum(), w.sum(), rtol=1e-12)
    assert_allclose(
        table["weighted_observed_events"].sum(), w[event == 1].sum(), rtol=1e-12
    )
    assert "Classification Table (cut value .500), weighted counts" in text
    # unweighted: counts of rows, under their plain headers
    plain = StepwiseLogit(hl_method="spss").fit(X, event).summary().as_text()
    assert "Group   n  Observed events  Expected events" in plain
    assert "Weighted" not in plain
    assert "Classification Table (cut value .500)\n" in plain


def test_the_report_keeps_all_else_when_the_two_parts_jackknife_fails():
    # every firm with output 0 in one PSU of one stratum: the replicate that
    # deletes it leaves the participation logit one class
    survey = make_sme_survey(random_state=3, design="stratified")
    frame = survey.frame.copy()
    rows = frame.index[[3, 20, 40, 60, 80, 100]]
    frame["output"] = 1.0 + frame["innov_sales_share"].astype(float)
    frame.loc[rows, "output"] = 0.0
    for column in ("stratum", "psu", "fpc", "weight"):
        frame.loc[rows, column] = frame.loc[rows[0], column]
    document = {
        "indices": {name: PAPER_SPEC[name] for name in ("X1", "X2", "X3", "X4")},
        "model": {"outcome": "output", "target": "innovated"},
        "labels": {"unit": "firm", "units": "firms"},
        "design": {**survey.design, "variance": "jackknife"},
    }
    a = _analyze(frame, document)
    assert a.two_part is None and a.logit is not None
    flat = " ".join(render_report(a, figures=False).render("text").split())
    psu, stratum = frame.loc[rows[0], "psu"], frame.loc[rows[0], "stratum"]
    assert (
        "Two-part model not shown: its participation logit has no jackknife "
        'variance under [design] variance = "jackknife": the replicate that '
        f"deletes PSU {psu} of stratum {stratum!r} cannot be estimated"
    ) in flat
    assert "Stepwise logit of innovated" in flat
    assert "two-part model's parts and smearing factor" not in flat


def test_models_of_a_subset_keep_the_whole_design_as_a_domain(stratified):
    """The ln 0 sensitivity's "drop" line (rows with a zero index left out
    as well) is a domain too: its standard errors are svyrecvar's with the
    rows outside at score 0 and the design's n_h, not those of the rows'
    own design (which would drop the PSUs left empty)."""
    _, a = stratified
    frame = a.frame
    model = a.sensitivity["drop rows with a zero index"]
    names = list(a.cd_X.columns)
    positive = (a.y_outcome > 0).to_numpy()
    regressors = a.indices[a.regressors].to_numpy()
    inside = positive & (regressors > 0).all(axis=1)
    assert (positive & ~inside).any()  # the drop leaves out more rows
    X = np.column_stack([np.ones(inside.sum()), np.log(regressors[inside])])
    y = np.log(a.y_outcome.to_numpy()[inside])
    w = frame["weight"].to_numpy()[inside]
    bread = np.linalg.inv(X.T @ (X * w[:, None]))
    beta = bread @ (X.T @ (w * y))
    scores = np.zeros((len(frame), X.shape[1]))
    scores[inside] = X * (w * (y - X @ beta))[:, None]
    strata, psu = frame["stratum"].to_numpy(), frame["psu"].to_numpy()
    popsize = _popsize(frame)
    meat = svyrecvar_loops(scores, strata, psu, popsize=popsize)
    assert_allclose(model.coef_, beta[1:], rtol=1e-10)
    assert_allclose(model.results_.bse, np.sqrt(np.diag(bread @ meat @ bread)))
    # deleting the rows (each stratum's n_h of the rows left) differs
    kept = svyrecvar_loops(scores[inside], strata[inside], psu[inside], popsize=popsize)
    assert not np.allclose(
        np.sqrt(np.diag(bread @ kept @ bread)), model.results_.bse, rtol=1e-6
    )
    assert names == [*a.regressors]


def test_the_jackknife_of_a_subset_deletes_every_psu_of_the_design():
    """Under [design] variance = "jackknife" the model of the positive
    outcomes has one replicate per PSU of the design (as JKn on
    subset(des, Y > 0)), its standard errors those of CobbDouglasRegressor
    fitted on every row with weight 0 outside the domain, and the design
    section says the subset's models are domain estimates."""
    survey = make_sme_survey(random_state=3, design="stratified")
    frame = survey.frame
    design = {**survey.design, "variance": "jackknife"}
    a = _analyze(frame, {**PAPER_DOCUMENT, "design": design})
    n_psu = frame["psu"].nunique()
    assert len(a.cd_X) < len(frame)
    assert a.cobb_douglas.design_info_["replicates"] == n_psu
    inside = frame.index.isin(a.cd_X.index)
    params = design_fit_params(frame, {**design}, frame.index)
    params["sample_weight"] = np.where(inside, params["sample_weight"], 0.0)
    filled = a.cd_X.reindex(frame.index).fillna(1.0)
    oracle = CobbDouglasRegressor(cov_type="survey", survey_variance="jackknife").fit(
        filled, a.cd_y.reindex(frame.index).fillna(1.0), **params
    )
    assert_allclose(a.cobb_douglas.results_.bse, oracle.results_.bse, rtol=1e-10)
    # the deleted rows' own design: fewer replicates, other errors
    deleted = CobbDouglasRegressor(cov_type="survey", survey_variance="jackknife").fit(
        a.cd_X, a.cd_y, **design_fit_params(frame, design, a.cd_X.index)
    )
    assert deleted.design_info_["replicates"] < n_psu
    text = " ".join(render_report(a, figures=False).render("text").split())
    assert (
        "Models of part of the rows (the Cobb-Douglas models of the positive "
        "outcomes, their ln 0 sensitivity lines and any adjusted model) are "
        "domain estimates, as R's svyglm(design = subset(des, Y > 0)): fitted "
        "with the whole design, the rows outside at weight 0 (" in text
    )
