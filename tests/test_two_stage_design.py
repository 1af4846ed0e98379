"""Two-stage designs (an fpc for each stage) against independent oracles.

- A mean's standard error equals the textbook unbiased variance of
  stratified two-stage sampling with simple random sampling at both stages
  (Lohr, *Sampling: Design and Analysis*, 2nd ed., eq. 5.21 summed over
  strata), applied to the ratio mean's linearised variable.
- R's own printed output on the survey package's two-stage samples
  (``apiclus2``: a mean; ``mu284``: a total).
- A regression's covariance equals R's ``multistage`` recursion written
  here as loops over strata, PSUs and rows.
- Closed forms at the edges: second stages sampled whole give the one-stage
  variance; a first stage sampled with replacement (fraction 0) adds no
  second-stage term; counts and fractions agree; the weights' scale and a
  regressor's units change nothing.
"""

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from numpy.testing import assert_allclose
from sklearn.utils._param_validation import InvalidParameterError

from sklearn_innov import CobbDouglasRegressor, CompositeIndex, StepwiseLogit
from sklearn_innov._core import SurveyDesign, design_covariance, survey_mean
from sklearn_innov.datasets import PAPER_SPEC, make_sme_survey
from sklearn_innov.exceptions import SklearnInnovWarning, SpecError
from sklearn_innov.preprocessing._spec import validate_document
from sklearn_innov.report._analysis import HL_RULE_NAMES, PAPER_DOCUMENT, analyze
from sklearn_innov.report._replicate import render_report

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def sample():
    survey = make_sme_survey(random_state=3, design="two-stage")
    frame = survey.frame
    values = CompositeIndex(spec=PAPER_SPEC).set_output(transform="pandas")
    values = values.fit_transform(frame)
    return survey, frame, values


def design_of(frame, rows=None, fpc=("fpc", "fpc2")):
    part = frame if rows is None else frame.loc[rows]
    return SurveyDesign.from_arrays(
        len(part),
        strata=part["stratum"].to_numpy(),
        cluster=part["psu"].to_numpy(),
        fpc=part[list(fpc)].to_numpy(),
        weights=part["weight"].to_numpy(),
    )


def lohr_two_stage_variance(e, frame):
    """Var of the estimated total of ``e``: per stratum (metro area),
    N^2 (1 - n/N) s_t^2 / n + (N / n) sum_i (1 - m_i/M_i) M_i^2 s_i^2 / m_i,
    with t_i = (M_i / m_i) sum_j e_ij the PSU's estimated total."""
    total = 0.0
    for _, part in frame.assign(e=e).groupby("stratum"):
        big_n, psus = part["fpc"].iloc[0], part.groupby("psu")
        n = psus.ngroups
        t = psus.apply(lambda p: p["fpc2"].iloc[0] / len(p) * p["e"].sum())
        total += big_n**2 * (1 - n / big_n) * t.var(ddof=1) / n
        for _, p in psus:
            m, big_m = len(p), p["fpc2"].iloc[0]
            total += big_n / n * (1 - m / big_m) * big_m**2 * p["e"].var() / m
    return total


def test_a_mean_has_the_textbook_two_stage_variance(sample):
    _, frame, values = sample
    w = frame["weight"].to_numpy()
    design = design_of(frame)
    for name in ["X1", "Y"]:
        y = values[name].to_numpy()
        mean = np.sum(w * y) / w.sum()
        expected = np.sqrt(lohr_two_stage_variance(y - mean, frame)) / w.sum()
        got = survey_mean(y, design)
        assert_allclose(got.loc[0, "mean"], mean, rtol=1e-12)
        assert_allclose(got.loc[0, "std_err"], expected, rtol=1e-10)
    # the first stage alone (one fpc column) leaves the within-PSU term out:
    # a smaller standard error on these data
    one_stage = survey_mean(values["Y"].to_numpy(), design_of(frame, fpc=["fpc"]))
    assert one_stage.loc[0, "std_err"] < got.loc[0, "std_err"]
    assert design.info["stages"] == 2 and design.df == 12 - 4


def multistage_loops(scores, frame):
    """R's multistage: stage 1 as onestrat, plus each PSU's stage-2 onestrat
    of its rows' scores (one stratum, fpc2) times n_h / N_h."""
    k = scores.shape[1]
    meat = np.zeros((k, k))
    for _, part in frame.assign(row=np.arange(len(frame))).groupby("stratum"):
        big_n, psus = part["fpc"].iloc[0], list(part.groupby("psu"))
        n = len(psus)
        totals = np.array([scores[p["row"]].sum(axis=0) for _, p in psus])
        centred = totals - totals.mean(axis=0)
        meat += (big_n - n) / big_n * n / (n - 1) * centred.T @ centred
        for _, p in psus:
            rows, big_m = p["row"].to_numpy(), p["fpc2"].iloc[0]
            m = rows.size
            dev = scores[rows] - scores[rows].mean(axis=0)
            meat += n / big_n * (big_m - m) / big_m * m / (m - 1) * dev.T @ dev
    return meat


def test_a_regression_has_r_multistage_covariance(sample):
    _, frame, values = sample
    keep = (values[["X1", "X2", "X3", "X4", "Y"]] > 0).all(axis=1).to_numpy()
    part = frame[keep].reset_index(drop=True)
    X, y = values.loc[keep, ["X1", "X2", "X3", "X4"]], values.loc[keep, "Y"]
    model = CobbDouglasRegressor(cov_type="survey").fit(
        X,
        y,
        sample_weight=part["weight"],
        strata=part["stratum"],
        cluster=part["psu"],
        fpc=part[["fpc", "fpc2"]].to_numpy(),
    )
    # the oracle's own weighted least squares
    Z = np.column_stack([np.ones(len(part)), np.log(X.to_numpy())])
    w = part["weight"].to_numpy()
    bread = np.linalg.inv(Z.T @ (Z * w[:, None]))
    beta = bread @ Z.T @ (w * np.log(y.to_numpy()))
    scores = Z * (w * (np.log(y.to_numpy()) - Z @ beta))[:, None]
    expected = bread @ multistage_loops(scores, part) @ bread
    assert_allclose(model.coef_, beta[1:], rtol=1e-9)
    assert_allclose(
        model.coef_table_["std_err"].to_numpy(),
        np.sqrt(np.diag(expected)),
        rtol=1e-9,
    )
    # the logit takes the same two columns
    logit = StepwiseLogit(cov_type="survey", p_remove=1.0).fit(
        values.loc[keep, ["X1", "X3"]],
        part["innovated"],
        sample_weight=part["weight"],
        strata=part["stratum"],
        cluster=part["psu"],
        fpc=part[["fpc", "fpc2"]].to_numpy(),
    )
    table = logit.coef_table_
    Zl = values.loc[keep, ["X1", "X3"]].to_numpy()
    Zl = np.column_stack([Zl, np.ones(keep.sum())])
    p = 1 / (1 + np.exp(-Zl @ table["coef"].to_numpy()))
    t = part["innovated"].to_numpy()
    bread = np.linalg.inv(Zl.T @ (Zl * (w * p * (1 - p))[:, None]))
    cov = bread @ multistage_loops(Zl * (w * (t - p))[:, None], part) @ bread
    assert_allclose(table["std_err"].to_numpy(), np.sqrt(np.diag(cov)), rtol=1e-6)


def test_edges_census_within_psus_with_replacement_counts_and_units(sample):
    _, frame, values = sample
    y = values["X3"].to_numpy()
    one = survey_mean(y, design_of(frame, fpc=["fpc"]))
    # every firm of each sampled municipality taken: no second-stage variance
    whole = frame.assign(fpc2=frame.groupby("psu")["psu"].transform("size"))
    assert_allclose(
        survey_mean(y, design_of(whole)).loc[0, "std_err"], one.loc[0, "std_err"]
    )
    # first stage with replacement (fraction 0): the ultimate-cluster variance
    wr = frame.assign(fpc=0.0, fpc2=0.5)
    no_fpc = SurveyDesign.from_arrays(
        len(frame),
        strata=frame["stratum"],
        cluster=frame["psu"],
        weights=frame["weight"].to_numpy(),
    )
    assert_allclose(
        survey_mean(y, design_of(wr)).loc[0, "std_err"],
        survey_mean(y, no_fpc).loc[0, "std_err"],
    )
    # counts and fractions agree; the weights' scale and the units cancel
    sizes = frame.groupby("psu")["psu"].transform("size")
    as_fraction = frame.assign(fpc=3 / frame["fpc"], fpc2=sizes / frame["fpc2"])
    base = survey_mean(y, design_of(frame)).loc[0, "std_err"]
    assert_allclose(survey_mean(y, design_of(as_fraction)).loc[0, "std_err"], base)
    scaled = frame.assign(weight=frame["weight"] * 1e-3)
    assert_allclose(survey_mean(y, design_of(scaled)).loc[0, "std_err"], base)
    assert_allclose(
        survey_mean(1000 * y, design_of(frame)).loc[0, "std_err"], 1000 * base
    )
    # a domain keeps each PSU's m_i: equal to zero-scored rows of the whole
    design = design_of(frame)
    domain = (frame["size"] == "micro").to_numpy()
    got = survey_mean(y, design, domain=domain)
    mean = np.sum(design.weights * domain * y) / np.sum(design.weights * domain)
    z = design.weights * domain * (y - mean) / np.sum(design.weights * domain)
    expected = np.sqrt(multistage_loops(z[:, None], frame)[0, 0])
    assert_allclose(got.loc[0, "std_err"], expected, rtol=1e-10)
    sub = design.subset(domain)
    assert_allclose(
        np.sqrt(design_covariance(z[domain, None], np.eye(1), sub)[0, 0]),
        expected,
        rtol=1e-10,
    )


def test_two_stage_errors_name_the_problem_and_fix(sample):
    _, frame, _ = sample
    n = len(frame)
    two = frame[["fpc", "fpc2"]].to_numpy()
    with pytest.raises(ValueError, match="second column.*no cluster.*Pass the PSU"):
        SurveyDesign.from_arrays(n, strata=frame["stratum"], fpc=two)
    bad = two.copy()
    bad[0, 1] += 1
    with pytest.raises(ValueError, match=r"fpc's second column varies within PSU"):
        SurveyDesign.from_arrays(
            n, strata=frame["stratum"], cluster=frame["psu"], fpc=bad
        )
    bad = two.copy()
    bad[:, 1] = 2
    with pytest.raises(
        ValueError, match=r"second column is smaller than the number of units sampled"
    ):
        SurveyDesign.from_arrays(
            n, strata=frame["stratum"], cluster=frame["psu"], fpc=bad
        )
    with pytest.raises(ValueError, match=r"shape \(3, 3\).*\(127, 2\)"):
        SurveyDesign.from_arrays(n, fpc=np.ones((3, 3)))
    # a PSU with one sampled row: fails as svydesign, or adds 0 when chosen
    lone = frame.iloc[1:].copy()
    lone.loc[lone.index[0], "psu"] = "alone"
    args = dict(strata=lone["stratum"], cluster=lone["psu"])
    fpc = lone[["fpc", "fpc2"]].to_numpy()
    with pytest.raises(ValueError, match=r"PSU 'alone' has a single sampled row"):
        SurveyDesign.from_arrays(len(lone), fpc=fpc, **args)
    design = SurveyDesign.from_arrays(len(lone), fpc=fpc, lonely_psu="remove", **args)
    assert design.fraction2.size == design.psu_labels.size


def test_the_design_table_reads_fpc2(sample):
    survey, frame, _ = sample
    assert survey.design["fpc2"] == "fpc2"
    document = {"indices": survey.spec, "design": survey.design}
    design = validate_document(document, frame).design
    assert design["fpc2"] == "fpc2" and design["fpc"] == "fpc"
    where = r"spec, \[design\]"
    for change, message in [
        ({"cluster": None}, "fpc2.*needs the first stage.*cluster"),
        ({"fpc": None}, "fpc2.*needs the first stage.*fpc"),
    ]:
        table = {k: v for k, v in {**survey.design, **change}.items() if v}
        with pytest.raises(SpecError, match=where + ".*" + message):
            validate_document({"indices": survey.spec, "design": table}, frame)
    broken = frame.copy()
    broken.loc[0, "fpc2"] += 1
    with pytest.raises(SpecError, match=r"fpc2 column 'fpc2' takes several values"):
        validate_document(document, broken)
    broken = frame.assign(fpc2=2)
    with pytest.raises(SpecError, match=r"fewer than its \d+ sampled rows"):
        validate_document(document, broken)
    broken = frame.assign(fpc2=pd.Series(-1.0, index=frame.index))
    with pytest.raises(SpecError, match=r"fpc2 column 'fpc2' is 0 or negative"):
        validate_document(document, broken)


def test_replicate_reads_both_stages_and_says_so(sample):
    survey, frame, values = sample
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # constant items, separation
        a = analyze(frame, {**PAPER_DOCUMENT, "design": survey.design})
    flat = " ".join(render_report(a, figures=False).render("text").split())
    assert "two stages, each with its finite population correction" in flat
    assert "design degrees of freedom 8" in flat
    # the report's weighted mean of Y is the two-stage one
    row = a.design_estimates.loc["Y"]
    y = values["Y"].to_numpy()
    w = frame["weight"].to_numpy()
    mean = np.sum(w * y) / w.sum()
    expected = np.sqrt(lohr_two_stage_variance(y - mean, frame)) / w.sum()
    assert_allclose([row["mean"], row["std_err"]], [mean, expected], rtol=1e-8)


# -- R's own printed output on the survey package's two-stage samples ---------


def test_apiclus2_mean_equals_r_svymean():
    """survey's tests/testoutput/api.Rout.saved: svymean(~api00, dclus2)
    prints 670.81 (SE 30.099); with replacement (weights only) SE 30.712.
    fpc2 is 1 for districts with one school: a count of 1, since other
    values are > 1 (R reads counts when any value is > 1)."""
    frame = pd.read_csv(DATA / "apiclus2.csv")
    w = frame["pw"].to_numpy()
    design = SurveyDesign.from_arrays(
        len(frame),
        cluster=frame["dnum"],
        fpc=frame[["fpc1", "fpc2"]].to_numpy(),
        weights=w,
    )
    got = survey_mean(frame["api00"].to_numpy(float), design)
    assert got.loc[0, "mean"].round(2) == 670.81
    assert got.loc[0, "std_err"].round(3) == 30.099
    assert got.loc[0, "df"] == 39
    replacement = SurveyDesign.from_arrays(len(frame), cluster=frame["dnum"], weights=w)
    got = survey_mean(frame["api00"].to_numpy(float), replacement)
    assert got.loc[0, "std_err"].round(3) == 30.712
    # R's weights are the inverse of (40 / 757) (m_i / M_i)
    m = frame.groupby("dnum")["snum"].transform("size")
    assert_allclose(w, 1 / (40 / 757 * m / frame["fpc2"]), rtol=1e-6)


def test_mu284_total_equals_r_svytotal():
    """survey's tests/testoutput/multistage.Rout.save: svytotal(~y1, dmu284)
    prints 15080 with vcov 5172234 (SE 2274.3)."""
    frame = pd.read_csv(DATA / "mu284.csv")
    w = (frame["n1"] / 5 * frame["n2"] / 3).to_numpy()
    design = SurveyDesign.from_arrays(
        len(frame), cluster=frame["id1"], fpc=frame[["n1", "n2"]].to_numpy()
    )
    scores = (w * frame["y1"].to_numpy())[:, None]  # a total: bread 1
    assert scores.sum() == 15080
    variance = design_covariance(scores, np.eye(1), design)[0, 0]
    assert round(variance) == 5172234
    assert round(np.sqrt(variance), 1) == 2274.3


def test_a_count_of_one_is_a_count_in_the_design_table_too():
    # apiclus2's districts with a single school have fpc2 = 1 (sampled whole)
    frame = pd.read_csv(DATA / "apiclus2.csv")
    assert (frame["fpc2"] == 1).any()
    document = {
        "indices": {"achievement": ["api99"], "need": ["meals", "ell"]},
        "model": {"outcome": "achievement", "target": "stype"},
        "design": {
            "weight": "pw",
            "weights": "probability",
            "cluster": "dnum",
            "fpc": "fpc1",
            "fpc2": "fpc2",
        },
    }
    design = validate_document(document, frame.assign(stype=frame["stype"] == "E"))
    assert design.design["fpc2"] == "fpc2"
    # a fraction below 1 beside counts is refused, naming the rows
    mixed = frame.assign(fpc2=frame["fpc2"].where(frame.index != 5, 0.5))
    with pytest.raises(
        SpecError,
        match=r"fpc2 column 'fpc2' has sampling fractions below 1 \(row 5\) but "
        r"fpc column 'fpc1' holds population counts \(e.g. 757\); both stages",
    ):
        validate_document(document, mixed.assign(stype=mixed["stype"] == "E"))


# -- probability weights at mean 1, as svyglm ---------------------------------


def test_probability_weights_are_read_at_mean_one_as_svyglm():
    """Under cov_type="survey" the fit's own statistics refer to the sample:
    statsmodels' WLS and GLM with the weights divided by their mean are the
    oracle, and multiplying the weights by 1000 changes nothing."""
    frame = pd.read_csv(DATA / "apiclus2.csv").dropna(subset=["enroll"])
    w = frame["pw"].to_numpy()
    X = frame[["api99", "enroll"]]
    y = frame["api00"]
    design = dict(cluster=frame["dnum"], fpc=frame[["fpc1", "fpc2"]].to_numpy())
    fits = [
        CobbDouglasRegressor(cov_type="survey").fit(X, y, sample_weight=s * w, **design)
        for s in (1.0, 1000.0)
    ]
    Z = sm.add_constant(np.log(X.to_numpy()))
    wls = sm.WLS(np.log(y.to_numpy()), Z, weights=w / w.mean()).fit()
    for model in fits:
        assert_allclose(model.coef_, wls.params[1:], rtol=1e-10)
        assert_allclose(model.sigma_, np.sqrt(wls.scale), rtol=1e-10)
        assert_allclose(model.rsquared_, wls.rsquared, rtol=1e-10)
        assert_allclose(model.nobs_, len(frame), rtol=1e-12)
    assert_allclose(fits[0].coef_table_["std_err"], fits[1].coef_table_["std_err"])
    # the logit: -2LL and Hosmer-Lemeshow count the sample's schools
    target = frame["stype"] == "E"
    logits = [
        StepwiseLogit(cov_type="survey", p_remove=1.0).fit(
            frame[["meals", "ell"]], target, sample_weight=s * w, **design
        )
        for s in (1.0, 1000.0)
    ]
    glm = sm.GLM(
        target.to_numpy(float),
        sm.add_constant(frame[["meals", "ell"]].to_numpy()),
        family=sm.families.Binomial(),
        freq_weights=w / w.mean(),
    ).fit()
    for model in logits:
        assert_allclose(model.llf_, glm.llf, rtol=1e-8)
        assert_allclose(model.nobs_, len(frame), rtol=1e-12)
    hl = [m.results_.hosmer_lemeshow["statistic"] for m in logits]
    assert_allclose(hl[0], hl[1], rtol=1e-8)
    # a model-based test under the design: no conclusion from its p-value
    flat = " ".join(logits[0].summary().as_text().split())
    assert "it is not a design-based test and no conclusion on the fit" in flat
    assert "It rejects the fit" not in flat and "lack of fit" not in flat


def test_a_design_with_fpc_and_no_weight_says_it_is_unweighted(sample):
    survey, frame, _ = sample
    table = {k: v for k, v in survey.design.items() if k not in ("weight", "weights")}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # constant items, separation
        a = analyze(frame, {**PAPER_DOCUMENT, "design": table})
    flat = " ".join(render_report(a, figures=False).render("text").split())
    assert "equal weights (no weight column; R's svydesign would weight" in flat


def test_hosmer_lemeshow_by_rule_uses_the_fits_weights(sample):
    # the report's table of grouping rules reads the weights the logit used
    # (at mean 1 under the design), so its row for the logit's own rule is
    # the logit's statistic, not one on the population's scale
    survey, frame, _ = sample
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # constant items, separation
        a = analyze(frame, {**PAPER_DOCUMENT, "design": survey.design})
    own = a.logit.results_.hosmer_lemeshow
    row = a.hl_rules.loc[HL_RULE_NAMES[a.logit.hl_method]]
    assert_allclose(row["Chi-square"], own["statistic"], rtol=1e-10)
    assert a.logit.results_.sample_weight.sum() == pytest.approx(len(frame))
    # and the report's readings do not read it under the design
    hl = a.readings[a.readings.iloc[:, 1].astype(str).str.startswith("Hosmer")]
    assert len(hl) == 3
    assert hl.iloc[:, -1].str.contains("not a design-based test: not read").all()


def test_counts_at_one_stage_and_fractions_at_the_other_are_named_as_such(sample):
    _, frame, _ = sample
    fpc = np.column_stack([frame["fpc"], np.full(len(frame), 0.5)])
    with pytest.raises(
        ValueError,
        match=r"fpc's second column holds sampling fractions \(< 1, e\.g\. rows 0, "
        r".*but fpc's first column holds population counts",
    ):
        SurveyDesign.from_arrays(
            len(frame), strata=frame["stratum"], cluster=frame["psu"], fpc=fpc
        )


def test_the_two_stage_design_costs_the_precision_the_docs_say():
    # docs/user_guide/synthetic_survey.rst: "Over 200 samples the variance of
    # the estimated number of innovators is about 3.6 times the stratified
    # design's, at the same 127 firms"
    totals = {"stratified": [], "two-stage": []}
    for seed in range(200):
        for kind, values in totals.items():
            frame = make_sme_survey(random_state=seed, design=kind).frame
            values.append((frame["innovated"] * frame["weight"]).sum())
    ratio = np.var(totals["two-stage"], ddof=1) / np.var(totals["stratified"], ddof=1)
    assert round(ratio, 1) == 3.6


def test_expansion_factors_read_as_frequency_weights_are_flagged():
    # a reader fitted make_sme_survey's expansion factors as sample_weight
    # with the default covariance: "Observations 9708.5" and t ten times too
    # large, without a word
    frame = pd.read_csv(DATA / "apiclus2.csv").dropna(subset=["enroll"])
    X, y, w = frame[["api99", "enroll"]], frame["api00"], frame["pw"].to_numpy()
    target = frame["stype"] == "E"
    with pytest.warns(
        SklearnInnovWarning,
        match=r"add up to [\d,.]+ for 120 rows.*"
        r"cov_type='survey'.*weight_type='analytic'",
    ):
        CobbDouglasRegressor().fit(X, y, sample_weight=w)
    with pytest.warns(SklearnInnovWarning, match=r"read as frequency weights.*w / w"):
        StepwiseLogit(p_remove=1.0).fit(frame[["meals"]], target, sample_weight=w)
    with warnings.catch_warnings():
        warnings.simplefilter("error", SklearnInnovWarning)
        # counts, weights at mean 1, the design, precision weights: no warning
        CobbDouglasRegressor().fit(X, y, sample_weight=np.round(w))
        CobbDouglasRegressor().fit(X, y, sample_weight=w / w.mean())
        CobbDouglasRegressor(weight_type="analytic").fit(X, y, sample_weight=w)
        CobbDouglasRegressor(cov_type="survey").fit(
            X, y, sample_weight=w, cluster=frame["dnum"]
        )
        StepwiseLogit(p_remove=1.0).fit(
            frame[["meals"]], target, sample_weight=w / w.mean()
        )


@pytest.mark.parametrize("word", ["probability", "pweight", "Sampling"])
def test_a_survey_word_for_weight_type_points_to_cov_type_survey(word):
    """weight_type='probability' is what a Stata or R user tries first: the
    error says where probability weights go, not only the allowed values."""
    frame = pd.read_csv(DATA / "apiclus2.csv").dropna(subset=["enroll"])
    X, y, w = frame[["api99", "enroll"]], frame["api00"], frame["pw"].to_numpy()
    with pytest.raises(
        InvalidParameterError,
        match=rf"weight_type='{word}' is not a weight type here.*"
        r"cov_type='survey'.*'frequency'.*'analytic'",
    ):
        CobbDouglasRegressor(weight_type=word).fit(X, y, sample_weight=w)
    # what the message says to do works, and other bad values keep
    # scikit-learn's message
    CobbDouglasRegressor(cov_type="survey").fit(X, y, sample_weight=w)
    with pytest.raises(InvalidParameterError, match="must be a str among"):
        CobbDouglasRegressor(weight_type="bogus").fit(X, y)
