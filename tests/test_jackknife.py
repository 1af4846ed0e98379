"""The replicate jackknife (JKn) against independent oracles (issue 26).

- A closed form: with each row its own PSU, one stratum, no fpc and the
  replicates centred at the full estimate (``mse=True``), the delete-one
  jackknife of (weighted) least squares is ``(n - 1) / n`` times
  statsmodels' HC3 covariance: ``b_(i) - b = -(X'WX)^-1 x_i w_i e_i /
  (1 - h_i)``, and R's weights ``n / (n - 1)`` on the other rows change no
  estimate.
- An independent loop: JKn replicate weights built here from R's
  definition (``jknweights``: 0 for the deleted PSU, ``n_h / (n_h - 1)``
  for the rest of its stratum; ``rscales (1 - f_h)(n_h - 1) / n_h``),
  statsmodels' WLS or GLM Binomial refitted per replicate, and R's
  ``svrVar`` (centred at the replicates' mean) -- on the Bangladesh
  Fertility Survey (strata urban/rural, PSUs district parts), Produc
  (states within regions), apiclus2 and mu284 with their fpc.
- R's own printed digits: ``tests/lonely.psu.Rout.save`` of the survey
  package, ``svymean(~api00, as.svrepdesign(...))`` on apiclus1 with a
  lonely PSU ("remove", "certainty", "adjust") and a stratum sampled whole.
- R's ``degf`` (rank of the replicate weights - 1) against numpy's rank.
- Edges: units and weights rescaled, pickle, a domain (zero weights), a
  replicate in which the logit separates, the option without a design.
"""

import pickle
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from numpy.testing import assert_allclose

from sklearn_innov import CobbDouglasRegressor, StepwiseLogit
from sklearn_innov._core._survey import (
    SurveyDesign,
    jackknife_df,
    jackknife_least_squares,
    survey_mean,
)
from sklearn_innov.exceptions import SklearnInnovWarning

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def contraception():
    frame = pd.read_csv(DATA / "contraception.csv")
    frame["psu"] = frame["urban"] + ":" + frame["district"].astype(str)
    return frame


@pytest.fixture(scope="module")
def produc():
    return pd.read_csv(DATA / "produc.csv")


# -- the oracle: R's jknweights and svrVar, written here -----------------------


def jkn_weight_columns(strata, psu, fpc_fraction=None):
    """Replicate weight multipliers (n_rows, R) and rscales (R,), one column
    per PSU of every stratum with at least 2 PSUs and f_h < 1."""
    strata, psu = np.asarray(strata), np.asarray(psu)
    columns, rscales = [], []
    for h in pd.unique(strata):
        in_h = strata == h
        psus = pd.unique(psu[in_h])
        n_h = len(psus)
        f_h = 0.0 if fpc_fraction is None else float(fpc_fraction[in_h][0])
        if n_h < 2 or f_h >= 1:
            continue
        for j in psus:
            column = np.ones(len(strata))
            column[in_h] = n_h / (n_h - 1)
            column[psu == j] = 0.0
            columns.append(column)
            rscales.append((1 - f_h) * (n_h - 1) / n_h)
    return np.column_stack(columns), np.array(rscales)


def svrvar(thetas, rscales, full=None):
    """R's svrVar with scale 1: centred at the mean, or at ``full`` (mse)."""
    centre = thetas.mean(axis=0) if full is None else full
    dev = thetas - centre
    return (dev * rscales[:, None]).T @ dev


def wls_loop(y, exog, weights, columns, rscales):
    thetas = np.array(
        [sm.WLS(y, exog, weights=weights * c).fit().params for c in columns.T]
    )
    return svrvar(thetas, rscales)


# -- (a) a closed form ---------------------------------------------------------


@pytest.mark.parametrize("weighted", [False, True])
def test_delete_one_jackknife_is_hc3_times_n_minus_1_over_n(produc, weighted):
    exog = sm.add_constant(np.log(produc[["pcap", "pc", "emp"]].to_numpy()))
    y = np.log(produc["gsp"].to_numpy())
    n = len(y)
    weights = np.linspace(0.5, 2.5, n) if weighted else np.ones(n)
    fit = sm.WLS(y, exog, weights=weights).fit(cov_type="HC3")
    design = SurveyDesign.from_arrays(n, weights=weights if weighted else None)
    jk = jackknife_least_squares(design, exog, y - exog @ fit.params, mse=True)
    assert_allclose(jk.cov, (n - 1) / n * fit.cov_params(), rtol=1e-9)
    assert jk.n_replicates == n and jk.df == n - 1


# -- (b) independent loops: statsmodels refits per replicate -------------------


@pytest.mark.parametrize("weighted", [False, True])
def test_cobb_douglas_jackknife_equals_wls_refits_on_produc(produc, weighted):
    weights = np.linspace(0.5, 2.5, len(produc)) if weighted else None
    X, y = produc[["pcap", "pc", "emp"]], produc["gsp"]
    model = CobbDouglasRegressor(cov_type="survey", survey_variance="jackknife").fit(
        X, y, sample_weight=weights, strata=produc["region"], cluster=produc["state"]
    )
    columns, rscales = jkn_weight_columns(produc["region"], produc["state"])
    w = np.ones(len(y)) if weights is None else weights
    exog = sm.add_constant(np.log(X.to_numpy()))
    expected = wls_loop(np.log(y.to_numpy()), exog, w, columns, rscales)
    assert_allclose(model.cov_params_.to_numpy(), expected, rtol=1e-8)
    # 48 states in 9 regions; svyglm's df: degf + 1 - parameters
    info = model.design_info_
    assert info["replicates"] == 48 and info["df"] == 39
    assert model.df_inference_ == 39 + 1 - 4
    table = model.coef_table_
    se = np.sqrt(np.diag(expected))
    assert_allclose(table["std_err"], se, rtol=1e-8)
    from scipy import stats

    q = stats.t.isf(0.025, 36)
    assert_allclose(table["ci_lower"], table["coef"] - q * se, rtol=1e-8)
    assert_allclose(table["p_value"], 2 * stats.t.sf(np.abs(table["coef"] / se), 36))
    assert "jackknife (JKn, 48 replicates" in str(model.summary())


def test_cobb_douglas_jackknife_equals_wls_refits_on_apiclus2_with_fpc():
    # 6 schools have no enrolment: the design is that of the other 120
    frame = pd.read_csv(DATA / "apiclus2.csv").dropna(subset=["enroll"])
    X, y = frame[["enroll", "api99"]], frame["api00"]
    model = CobbDouglasRegressor(cov_type="survey", survey_variance="jackknife").fit(
        X, y, sample_weight=frame["pw"], cluster=frame["dnum"], fpc=frame["fpc1"]
    )
    fraction = frame["dnum"].nunique() / frame["fpc1"].to_numpy()
    columns, rscales = jkn_weight_columns(np.ones(len(frame)), frame["dnum"], fraction)
    exog = sm.add_constant(np.log(X.to_numpy(dtype=float)))
    w = frame["pw"].to_numpy() / frame["pw"].mean()
    expected = wls_loop(np.log(y.to_numpy(float)), exog, w, columns, rscales)
    assert_allclose(model.cov_params_.to_numpy(), expected, rtol=1e-8)
    assert model.design_info_["replicates"] == frame["dnum"].nunique()


def test_a_mean_jackknife_equals_the_loop_on_mu284_with_fpc():
    frame = pd.read_csv(DATA / "mu284.csv")
    y = frame["y1"].to_numpy(float)
    # first stage only, as as.svrepdesign: 5 of 50 clusters, equal weights
    design = SurveyDesign.from_arrays(len(frame), cluster=frame["id1"], fpc=frame["n1"])
    table = survey_mean(y, design, variance="jackknife")
    columns, rscales = jkn_weight_columns(
        np.ones(len(frame)), frame["id1"], 5 / frame["n1"].to_numpy()
    )
    thetas = np.array([[c @ y / c.sum()] for c in columns.T])
    assert_allclose(table["std_err"], np.sqrt(svrvar(thetas, rscales)[0, 0]))
    assert table["df"].iloc[0] == 4


def logit_loop(y, exog, weights, columns, rscales):
    thetas = []
    for c in columns.T:
        w = weights * c
        keep = w > 0
        fit = sm.GLM(
            y[keep], exog[keep], family=sm.families.Binomial(), var_weights=w[keep]
        ).fit(tol=1e-13)
        thetas.append(fit.params)
    return svrvar(np.array(thetas), rscales)


@pytest.mark.parametrize("weighted", [False, True])
def test_logit_jackknife_equals_glm_refits_on_contraception(contraception, weighted):
    # the women of the first 20 districts (about 40 urban and rural parts):
    # the oracle refits statsmodels once per PSU
    frame = contraception[contraception["district"] <= 20].reset_index(drop=True)
    X = pd.DataFrame(
        {
            "age": frame["age"],
            "children": (frame["livch"] != "0").astype(float),
            "urban": (frame["urban"] == "Y").astype(float),
        }
    )
    y = (frame["use"] == "Y").to_numpy(int)
    weights = np.where(frame["urban"] == "Y", 1.0, 2.0) if weighted else None
    model = StepwiseLogit(
        cov_type="survey", survey_variance="jackknife", p_remove=1.0, tol=1e-12
    ).fit(X, y, sample_weight=weights, strata=frame["urban"], cluster=frame["psu"])
    columns, rscales = jkn_weight_columns(frame["urban"], frame["psu"])
    w = np.ones(len(y)) if weights is None else weights / weights.mean()
    exog = sm.add_constant(X.to_numpy())
    expected = logit_loop(y, exog, w, columns, rscales)
    order = ["const", "age", "children", "urban"]
    se = model.coef_table_.loc[order, "std_err"].to_numpy()
    assert_allclose(se, np.sqrt(np.diag(expected)), rtol=1e-7)
    assert model.design_info_["replicates"] == frame["psu"].nunique()
    assert model.df_inference_ == frame["psu"].nunique() - 2 + 1 - 4
    notes = " ".join(str(model.summary()).split())
    assert "jackknife (JKn," in notes and "used the Taylor-linearised" in notes


# -- (c) R's printed output ----------------------------------------------------


@pytest.mark.parametrize(
    ("lonely", "fpc", "se"),
    [
        ("remove", None, 5.8058),
        ("certainty", None, 5.8058),
        ("adjust", None, 5.8267),
        ("fail", "413 whole", 5.7344),
    ],
)
def test_svymean_on_apiclus1_as_r_prints_it(lonely, fpc, se):
    frame = pd.read_csv(DATA / "apiclus1.csv")
    fpc = None if fpc is None else np.where(frame["dnum"] == 413, 1, 1000)
    design = SurveyDesign.from_arrays(
        len(frame),
        strata=frame["dnum"],
        weights=frame["pw"],
        fpc=fpc,
        lonely_psu=lonely,
    )
    table = survey_mean(frame["api00"].to_numpy(float), design, variance="jackknife")
    assert round(table["mean"].iloc[0], 2) == 644.17
    assert round(table["std_err"].iloc[0], 4) == se


def test_a_lonely_psu_fails_as_jknweights_does():
    frame = pd.read_csv(DATA / "apiclus1.csv")
    with pytest.raises(ValueError, match="stratum 413 has a single PSU"):
        SurveyDesign.from_arrays(len(frame), strata=frame["dnum"], weights=frame["pw"])


# -- R's degf: the rank of the replicate weights, less 1 -----------------------


def r_weights_matrix(design):
    """The analysis weights R's qr() ranks, built from the definition."""
    strata, psu = design.stratum, design.psu
    columns = []
    n_strata = design.n_psu.size
    for h in range(n_strata):
        codes = np.flatnonzero(design.psu_stratum == h)
        if design.fraction[h] >= 1:
            continue
        if codes.size == 1:
            if design.lonely_psu == "adjust":
                columns.append(np.where(strata == h, 0.0, n_strata / (n_strata - 1)))
            continue
        c = codes.size / (codes.size - 1)
        for j in codes:
            column = np.where(strata == h, c, 1.0)
            column[psu == j] = 0.0
            columns.append(column)
    w = np.ones(len(strata)) if design.weights is None else design.weights
    return np.column_stack(columns) * w[:, None]


@pytest.mark.parametrize("seed", range(6))
def test_degf_is_the_rank_of_the_replicate_weights_less_one(seed):
    rng = np.random.default_rng(seed)
    n = 60
    strata = rng.integers(0, 4, n)
    cluster = strata * 10 + rng.integers(0, 4, n)
    weights = rng.uniform(0.5, 2, n)
    weights[rng.random(n) < [0.0, 0.3, 0.6, 0.9, 0.2, 0.5][seed]] = 0.0
    if seed == 5:
        cluster[strata == 3] = 99  # a lonely PSU, adjusted
        weights[strata == 3] = 1.0
    fpc = np.where(strata == 2, 1.0, 0.0) if seed in (2, 3) else None
    design = SurveyDesign.from_arrays(
        n,
        strata=strata,
        cluster=cluster,
        fpc=fpc,
        weights=weights,
        lonely_psu="adjust" if seed == 5 else "fail",
    )
    expected = np.linalg.matrix_rank(r_weights_matrix(design), tol=1e-8) - 1
    assert jackknife_df(design) == expected


# -- edges -------------------------------------------------------------------


def test_units_and_weights_scale_change_nothing(produc):
    X, y = produc[["pcap", "pc", "emp"]], produc["gsp"]
    weights = np.linspace(0.5, 2.5, len(produc))
    args = dict(strata=produc["region"], cluster=produc["state"])
    model = CobbDouglasRegressor(cov_type="survey", survey_variance="jackknife")
    base = model.fit(X, y, sample_weight=weights, **args).coef_table_
    scaled = (
        CobbDouglasRegressor(cov_type="survey", survey_variance="jackknife")
        .fit(X * 1000, y, sample_weight=weights * 1000, **args)
        .coef_table_
    )
    slopes = ["pcap", "pc", "emp"]
    assert_allclose(scaled.loc[slopes], base.loc[slopes], rtol=1e-9)


def test_pickle_keeps_the_jackknife(produc):
    model = CobbDouglasRegressor(cov_type="survey", survey_variance="jackknife").fit(
        produc[["pcap", "pc", "emp"]],
        produc["gsp"],
        strata=produc["region"],
        cluster=produc["state"],
    )
    copy = pickle.loads(pickle.dumps(model))
    assert_allclose(copy.coef_table_.to_numpy(), model.coef_table_.to_numpy())
    assert str(copy.summary()) == str(model.summary())


def test_a_domain_keeps_every_psu_as_r_subsets_a_replicate_design(produc):
    X, y = produc[["pcap", "pc", "emp"]], produc["gsp"]
    domain = (produc["year"] >= 1975).to_numpy().copy()
    # whole states leave the domain too: their PSUs stay in the design
    domain &= ~produc["state"].isin(["ALABAMA", "OHIO"]).to_numpy()
    model = CobbDouglasRegressor(cov_type="survey", survey_variance="jackknife").fit(
        X,
        y,
        sample_weight=domain.astype(float),
        strata=produc["region"],
        cluster=produc["state"],
    )
    columns, rscales = jkn_weight_columns(produc["region"], produc["state"])
    exog = sm.add_constant(np.log(X.to_numpy()))[domain]
    expected = wls_loop(
        np.log(y.to_numpy())[domain],
        exog,
        np.ones(domain.sum()),
        columns[domain],
        rscales,
    )
    assert_allclose(model.cov_params_.to_numpy(), expected, rtol=1e-8)
    assert model.design_info_["replicates"] == 48


def test_a_replicate_that_separates_is_an_error_naming_its_psu():
    rng = np.random.default_rng(0)
    n = 40
    x = rng.normal(size=n)
    y = (rng.random(n) < 0.5).astype(int)
    psu = np.repeat(np.arange(8), 5)
    # x separates the classes in every PSU but PSU 0, whose rows overlap:
    # the full fit is finite, the replicate without PSU 0 is not
    x = np.where(y == 1, np.abs(x) + 1, -np.abs(x) - 1)
    x[:5] = -x[:5]  # PSU 0 holds the rows that prevent separation
    with pytest.raises(ValueError, match=r"deletes PSU 0 .*separated"):
        StepwiseLogit(cov_type="survey", survey_variance="jackknife", p_remove=1.0).fit(
            x[:, None], y, cluster=psu
        )


def test_jackknife_needs_a_survey_design():
    X = np.exp(np.random.default_rng(0).normal(size=(20, 2)))
    y = X.sum(axis=1)
    for model in (
        CobbDouglasRegressor(survey_variance="jackknife"),
        StepwiseLogit(cov_type="cluster", survey_variance="jackknife"),
    ):
        with pytest.raises(ValueError, match="Set cov_type='survey'"):
            model.fit(X, y > y.mean() if isinstance(model, StepwiseLogit) else y)


def test_a_two_stage_design_uses_its_first_stage_with_a_warning():
    frame = pd.read_csv(DATA / "apiclus2.csv").dropna(subset=["enroll"])
    X, y = frame[["enroll", "api99"]], frame["api00"]
    model = CobbDouglasRegressor(cov_type="survey", survey_variance="jackknife")
    with pytest.warns(SklearnInnovWarning, match="first stage only"):
        both = model.fit(
            X,
            y,
            sample_weight=frame["pw"],
            cluster=frame["dnum"],
            fpc=frame[["fpc1", "fpc2"]],
        ).coef_table_
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        first = model.fit(
            X, y, sample_weight=frame["pw"], cluster=frame["dnum"], fpc=frame["fpc1"]
        ).coef_table_
    assert_allclose(both.to_numpy(), first.to_numpy())


# -- the spec and the report ---------------------------------------------------


def test_the_design_table_reads_and_checks_variance():
    from sklearn_innov.datasets import make_sme_survey
    from sklearn_innov.exceptions import SpecError
    from sklearn_innov.preprocessing._spec import validate_document

    survey = make_sme_survey(random_state=3, design="stratified")
    document = {"indices": survey.spec, "design": survey.design}
    checked = validate_document(document, survey.frame)
    assert checked.design["variance"] == "linearization"
    table = {**survey.design, "variance": "jackknife"}
    checked = validate_document({**document, "design": table}, survey.frame)
    assert checked.design["variance"] == "jackknife"
    with pytest.raises(
        SpecError, match=r"'variance' must be .*did you mean 'jackknife'"
    ):
        validate_document(
            {**document, "design": {**survey.design, "variance": "jacknife"}},
            survey.frame,
        )
    frame = survey.frame.assign(count=1)
    frequency = {"weight": "count", "weights": "frequency", "variance": "jackknife"}
    with pytest.raises(SpecError, match='weights = "frequency" has no sample design'):
        validate_document({**document, "design": frequency}, frame)


def test_the_reports_descriptive_table_uses_the_jackknife():
    from sklearn_innov.datasets import make_sme_survey
    from sklearn_innov.report._analysis import design_estimates

    survey = make_sme_survey(random_state=3, design="stratified")
    frame = survey.frame
    indices = pd.DataFrame({"v": frame["fpc"].to_numpy(float) % 7.0 + frame.index})
    design = {**survey.design, "fpc2": None, "variance": "jackknife"}
    table, info = design_estimates(frame, design, indices, frame["innovated"])
    fraction = frame.groupby("stratum")["psu"].transform("nunique") / frame["fpc"]
    columns, rscales = jkn_weight_columns(
        frame["stratum"], frame["psu"], fraction.to_numpy()
    )
    w = frame["weight"].to_numpy(float)
    y = indices["v"].to_numpy()
    thetas = np.array([[(w * c) @ y / (w * c).sum()] for c in columns.T])
    assert_allclose(table.loc["v", "std_err"], np.sqrt(svrvar(thetas, rscales)[0, 0]))
    assert info["variance"] == "jackknife" and info["replicates"] == len(frame)


def test_the_report_says_which_variance_and_its_replicates():
    import warnings as _warnings

    from sklearn_innov.datasets import make_sme_survey
    from sklearn_innov.report._analysis import PAPER_DOCUMENT, analyze
    from sklearn_innov.report._replicate import render_report

    survey = make_sme_survey(random_state=3, design="stratified")
    design = {**survey.design, "variance": "jackknife"}
    with _warnings.catch_warnings():
        _warnings.simplefilter("ignore")
        a = analyze(survey.frame, {**PAPER_DOCUMENT, "design": design})
    assert a.cobb_douglas.survey_variance == "jackknife"
    assert a.logit.design_info_["variance"] == "jackknife"
    text = " ".join(render_report(a, figures=False).render("text").split())
    assert "replicate jackknife (JKn, 127 replicates" in text
    assert "generalised score test) uses Taylor linearisation" in text
    assert a.two_part.regressor_.survey_variance == "jackknife"


def test_two_part_jackknife_covers_the_smearing_factor(produc):
    from sklearn_innov import TwoPartRegressor

    X = produc[["pcap", "pc", "emp"]]
    # a stated rule for the zeros: state-years with unemployment above 8%
    y = np.where(produc["unemp"] > 8, 0.0, produc["gsp"])
    model = TwoPartRegressor(
        classifier=StepwiseLogit(cov_type="survey", p_remove=1.0),
        regressor=CobbDouglasRegressor(cov_type="survey"),
        survey_variance="jackknife",
    ).fit(X, y, strata=produc["region"], cluster=produc["state"])
    assert model.regressor_.survey_variance == "jackknife"
    assert model.classifier_.design_info_["variance"] == "jackknife"
    # the second part is a domain of the whole design: every PSU replicated
    columns, rscales = jkn_weight_columns(produc["region"], produc["state"])
    domain = y > 0
    exog = sm.add_constant(np.log(X.to_numpy()))[domain]
    log_y = np.log(y[domain])
    thetas = []
    for c in columns.T:
        w = c[domain]
        beta = sm.WLS(log_y, exog, weights=w).fit().params
        factor = np.average(np.exp(log_y - exog @ beta), weights=w)
        thetas.append(np.append(beta, factor))
    expected = svrvar(np.array(thetas), rscales)
    cov = model.cov_params_.loc["positive", "positive"].to_numpy()
    assert_allclose(cov, expected, rtol=1e-8)


def test_two_part_jackknife_needs_a_survey_part(produc):
    from sklearn_innov import TwoPartRegressor

    X = produc[["pcap", "pc", "emp"]]
    y = np.where(produc["unemp"] > 8, 0.0, produc["gsp"])
    with pytest.raises(ValueError, match="no part takes one"):
        TwoPartRegressor(survey_variance="jackknife").fit(X, y)
    mixed = TwoPartRegressor(
        regressor=CobbDouglasRegressor(cov_type="survey", survey_variance="jackknife")
    )
    with pytest.raises(ValueError, match="would mix the two"):
        mixed.fit(X, y, cluster=produc["state"])


def test_a_mean_of_a_self_weighting_stratified_sample_has_the_linearised_variance():
    # the docs' coverage section: equal weights within each stratum keep the
    # stratum's weight total in every replicate, so the mean is linear in them
    from sklearn_innov.datasets import make_sme_survey

    frame = make_sme_survey(127, random_state=5, design="stratified").frame
    design = SurveyDesign.from_arrays(
        len(frame),
        weights=frame["weight"],
        strata=frame["stratum"],
        cluster=frame["psu"],
        fpc=frame["fpc"],
    )
    y = np.column_stack([frame["innovated"], frame.index % 5]).astype(float)
    linear = survey_mean(y, design)
    jackknife = survey_mean(y, design, variance="jackknife")
    assert_allclose(jackknife["std_err"], linear["std_err"], rtol=1e-10)


def test_the_logits_jackknife_ignores_the_weights_scale_and_survives_pickle(
    contraception,
):
    frame = contraception[contraception["district"] <= 20].reset_index(drop=True)
    X = pd.DataFrame(
        {"age": frame["age"], "urban": (frame["urban"] == "Y").astype(float)}
    )
    y = (frame["use"] == "Y").to_numpy(int)
    weights = np.where(frame["urban"] == "Y", 1.0, 2.0)
    model = StepwiseLogit(cov_type="survey", survey_variance="jackknife", p_remove=1.0)
    args = dict(strata=frame["urban"], cluster=frame["psu"])
    base = model.fit(X, y, sample_weight=weights, **args).coef_table_
    # weights x 1000 and age in months: the same tests, age's coefficient / 12
    scaled = StepwiseLogit(
        cov_type="survey", survey_variance="jackknife", p_remove=1.0
    ).fit(X.assign(age=X["age"] * 12), y, sample_weight=weights * 1000, **args)
    table = scaled.coef_table_
    assert_allclose(table["wald"], base["wald"], rtol=1e-7)
    assert_allclose(table.loc["age", "std_err"] * 12, base.loc["age", "std_err"])
    copy = pickle.loads(pickle.dumps(scaled))
    assert str(copy.summary()) == str(scaled.summary())
