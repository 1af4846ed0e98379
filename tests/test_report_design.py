"""The report under a [design]: weighted estimates and design-based Cobb-Douglas
standard errors against svyrecvar's formula by loops, frequency weights
against replicated rows."""

import warnings

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from test_survey_design import svyrecvar_loops

from sklearn_innov.datasets import make_sme_survey
from sklearn_innov.report._analysis import PAPER_DOCUMENT, analyze
from sklearn_innov.report._replicate import render_report


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
    _, a = stratified
    model, frame = a.cobb_douglas, a.frame.loc[a.cd_X.index]
    assert model.cov_type == "survey"
    X = np.log(a.cd_X.to_numpy())
    X = np.column_stack([np.ones(len(X)), X])
    y = np.log(a.cd_y.to_numpy())
    w = frame["weight"].to_numpy()
    bread = np.linalg.inv(X.T @ (X * w[:, None]))
    beta = bread @ (X.T @ (w * y))
    scores = X * (w * (y - X @ beta))[:, None]
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
