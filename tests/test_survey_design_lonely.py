"""[design] lonely_psu: a stratum with one PSU counted as the estimators count it.

The spec key is checked (a typo refused with a hint, the single-PSU error
names it as a fix); the report's models and weighted means get it, checked
against the estimators fitted directly and against svyrecvar's formula by
loops (a lonely PSU adds its total's deviation from the grand mean, 0, under
"adjust", nothing under "remove").
"""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose
from test_survey_design import svyrecvar_loops

from sklearn_innov import CobbDouglasRegressor, StepwiseLogit
from sklearn_innov.datasets import make_sme_survey
from sklearn_innov.exceptions import SpecError
from sklearn_innov.model_selection import selection_stability
from sklearn_innov.model_selection._stability import _draw, _rao_wu_plan
from sklearn_innov.preprocessing._spec import validate_document
from sklearn_innov.report._analysis import (
    PAPER_DOCUMENT,
    analyze,
    design_fit_params,
    fit_in_domain,
)
from sklearn_innov.report._replicate import render_report

LONELY = "Hermosillo/medium"


@pytest.fixture(scope="module")
def lonely_survey():
    """The stratified survey with every firm of one stratum in one PSU."""
    survey = make_sme_survey(random_state=3, design="stratified")
    frame = survey.frame.copy()
    frame.loc[frame["stratum"] == LONELY, "psu"] = 999
    return frame, dict(survey.design)


def _analyze(frame, design):
    with warnings.catch_warnings():
        # constant items in a small stratified sample, separation in the logit
        warnings.simplefilter("ignore")
        return analyze(frame, {**PAPER_DOCUMENT, "design": design})


@pytest.fixture(scope="module", params=["adjust", "remove"])
def lonely_analysis(request, lonely_survey):
    frame, design = lonely_survey
    return request.param, _analyze(frame, {**design, "lonely_psu": request.param})


def test_the_single_psu_error_names_lonely_psu_and_merging(lonely_survey):
    frame, design = lonely_survey
    with pytest.raises(
        SpecError,
        match=r"stratum 'Hermosillo/medium' of column 'stratum' has a single "
        r"cluster .* merge it with a similar stratum, or choose how it counts "
        r'with lonely_psu = "adjust"',
    ):
        validate_document({**PAPER_DOCUMENT, "design": design}, frame)


def test_a_lonely_psu_typo_is_refused_with_a_hint(lonely_survey):
    frame, design = lonely_survey
    with pytest.raises(SpecError, match=r"got 'ajust' \(did you mean 'adjust'\?\)"):
        validate_document(
            {**PAPER_DOCUMENT, "design": {**design, "lonely_psu": "ajust"}}, frame
        )
    with pytest.raises(SpecError, match=r"for 'singleunit' write lonely_psu"):
        validate_document(
            {**PAPER_DOCUMENT, "design": {**design, "singleunit": "centered"}}, frame
        )


def test_lonely_psu_is_refused_with_frequency_weights(lonely_survey):
    frame, _ = lonely_survey
    design = {"weight": "weight", "weights": "frequency", "lonely_psu": "adjust"}
    frame = frame.assign(weight=np.round(frame["weight"]))
    with pytest.raises(SpecError, match=r"'lonely_psu' = 'adjust' .* no sample"):
        validate_document({**PAPER_DOCUMENT, "design": design}, frame)


def _direct(model, a):
    """``model`` fitted as the report fits its Cobb-Douglas, but directly."""
    return fit_in_domain(model, a.cd_X, a.cd_y, a.frame, a.design)


def test_the_reports_models_equal_the_estimators_with_lonely_psu(lonely_analysis):
    lonely, a = lonely_analysis
    assert a.design["lonely_psu"] == lonely
    direct = _direct(CobbDouglasRegressor(cov_type="survey", lonely_psu=lonely), a)
    assert_allclose(a.cobb_douglas.cov_params_, direct.cov_params_, rtol=1e-12)
    # the other option gives other standard errors: the key reached the fit
    other = "remove" if lonely == "adjust" else "adjust"
    moved = _direct(CobbDouglasRegressor(cov_type="survey", lonely_psu=other), a)
    assert not np.allclose(a.cobb_douglas.cov_params_, moved.cov_params_, rtol=1e-6)
    params = design_fit_params(a.frame, a.design, a.logit_X.index)
    logit = StepwiseLogit(
        hl_method="spss", cov_type="survey", lonely_psu=lonely, force=None
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        logit.fit(a.logit_X, a.y_target, **params)
    assert_allclose(
        a.logit.coef_table_["std_err"], logit.coef_table_["std_err"], rtol=1e-10
    )


def test_the_weighted_means_follow_svyrecvar_with_a_lonely_psu(lonely_analysis):
    """svymean's SE under options(survey.lonely.psu = ...), by loops: the
    lonely PSU's total of the linearised scores, deviating from the grand
    mean 0, counts times (1 - f_h) under "adjust", not at all under "remove"."""
    lonely, a = lonely_analysis
    frame = a.frame
    w = frame["weight"].to_numpy()
    strata, psu = frame["stratum"].to_numpy(), frame["psu"].to_numpy()
    popsize = frame.groupby("stratum")["fpc"].first().to_dict()
    alone = strata == LONELY
    for name in ["X1", "X3", "Y"]:
        y = a.indices[name].to_numpy()
        m = w @ y / w.sum()
        z = (w * (y - m) / w.sum())[:, None]
        var = svyrecvar_loops(z[~alone], strata[~alone], psu[~alone], popsize=popsize)
        if lonely == "adjust":
            var = var + (popsize[LONELY] - 1) / popsize[LONELY] * z[alone].sum() ** 2
        assert_allclose(
            a.design_estimates.loc[name, "std_err"], np.sqrt(var[0, 0]), rtol=1e-10
        )


def test_the_report_says_how_the_lonely_stratum_counts(lonely_analysis):
    lonely, a = lonely_analysis
    text = " ".join(render_report(a, figures=False).render("text").split())
    words = "centred at the grand mean" if lonely == "adjust" else "adding no"
    assert f"a stratum with one PSU {words}" in text
    assert f"R's options(survey.lonely.psu = '{lonely}')" in text
    assert "a stratum with one PSU kept whole in every resample" in text


def test_the_stability_bootstrap_keeps_a_lonely_stratum_whole(lonely_survey):
    frame, _ = lonely_survey
    X = frame[["learn_training", "learn_ict"]]
    y = frame["innovated"]
    kwargs = {"strata": frame["stratum"], "cluster": frame["psu"]}
    with pytest.raises(ValueError, match=r"or keep it whole .*'certainty'"):
        selection_stability(StepwiseLogit(), X, y, n_bootstrap=2, **kwargs)
    # the Rao-Wu factors of the lonely stratum's rows are 1 in every resample
    plan = _rao_wu_plan(len(frame), kwargs["strata"], kwargs["cluster"], X, "certainty")
    rng = np.random.RandomState(0)
    alone = np.flatnonzero((frame["stratum"] == LONELY).to_numpy())
    for _ in range(20):
        rows, weights = _draw(rng, len(frame), np.ones(len(frame)), plan)
        kept = np.isin(rows, alone)
        assert kept.sum() == alone.size
        assert_allclose(weights[kept], 1.0)


def test_the_jackknife_of_the_report_uses_lonely_psu(lonely_survey):
    """Under variance = "jackknife" with "adjust", R's one replicate for the
    lonely stratum: the report's models equal the estimators fitted so."""
    frame, design = lonely_survey
    design = {**design, "variance": "jackknife", "lonely_psu": "adjust"}
    a = _analyze(frame, design)
    direct = _direct(
        CobbDouglasRegressor(
            cov_type="survey", survey_variance="jackknife", lonely_psu="adjust"
        ),
        a,
    )
    assert_allclose(a.cobb_douglas.cov_params_, direct.cov_params_, rtol=1e-12)
    info = a.cobb_douglas.design_info_
    assert info["variance"] == "jackknife" and info["lonely_psu"] == "adjust"
    # one replicate per PSU of the strata with two or more, one for the lonely
    pairs = frame[["stratum", "psu"]].drop_duplicates()
    assert info["replicates"] == len(pairs)
