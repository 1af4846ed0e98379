"""Design-based and cluster-robust inference against independent oracles.

Cluster-robust CR1 is compared with statsmodels' ``cov_type="cluster"`` on
a real panel (Munnell's state production data, ``tests/data/produc.csv``).
Design-based standard errors are compared with an independent
implementation of R's ``svyglm`` formula written here with explicit loops
over strata and PSUs (``svyrecvar``'s ``onestrat``), on a real clustered
survey (the Bangladesh Fertility Survey, ``tests/data/contraception.csv``)
through a weighted logit fitted by statsmodels, and on Produc through
:class:`CobbDouglasRegressor`. Closed forms check the edges: without
strata and clusters the design-based covariance is HC0 times n/(n-1); a
census has no sampling variance.
"""

import pickle
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from numpy.testing import assert_allclose
from scipy import stats
from sklearn import config_context
from sklearn.model_selection import GridSearchCV, GroupKFold, KFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from sklearn_innov import CobbDouglasRegressor
from sklearn_innov._core import (
    SurveyDesign,
    cluster_covariance,
    design_covariance,
    survey_mean,
    survey_proportions,
)
from sklearn_innov.exceptions import NonPositiveWarning, SklearnInnovWarning

DATA = Path(__file__).parent / "data"
TERMS = ["pcap", "pc", "emp"]


@pytest.fixture(scope="module")
def produc():
    return pd.read_csv(DATA / "produc.csv")


@pytest.fixture(scope="module")
def contraception():
    frame = pd.read_csv(DATA / "contraception.csv")
    # districts have an urban and a rural part: the PSU is the part
    frame["psu"] = frame["urban"] + ":" + frame["district"].astype(str)
    return frame


# -- the oracle: svyglm's formula, written independently ---------------------


def svyrecvar_loops(scores, strata, psu, *, popsize=None, n_design=None):
    """``svyrecvar`` for one stage, by loops over strata and PSUs.

    ``popsize`` maps a stratum to its population count of PSUs (None: no
    fpc); ``n_design`` maps a stratum to its design PSU count when some of
    its PSUs have no row here (R pads their totals with zeros).
    """
    k = scores.shape[1]
    meat = np.zeros((k, k))
    for h in pd.unique(strata):
        in_h = strata == h
        labels = pd.unique(psu[in_h])
        totals = [scores[in_h & (psu == c)].sum(axis=0) for c in labels]
        n_h = len(labels) if n_design is None else n_design[h]
        totals += [np.zeros(k)] * (n_h - len(labels))
        totals = np.array(totals)
        # R's onestrat: f = (N_h - n_h) / N_h, 1 without fpc
        f = 1.0 if popsize is None else (popsize[h] - n_h) / popsize[h]
        centred = totals - totals.mean(axis=0)
        meat += f * n_h / (n_h - 1) * centred.T @ centred
    return meat


def ols_pieces(frame, weights=None):
    """Log design, WLS scores and bread, computed here with NumPy."""
    X = np.column_stack([np.ones(len(frame)), np.log(frame[TERMS].to_numpy())])
    y = np.log(frame["gsp"].to_numpy())
    w = np.ones(len(frame)) if weights is None else weights
    bread = np.linalg.inv(X.T @ (X * w[:, None]))
    beta = bread @ (X.T @ (w * y))
    scores = X * (w * (y - X @ beta))[:, None]
    return beta, scores, bread


# -- cluster-robust: statsmodels on a real panel ------------------------------


@pytest.mark.parametrize("weighted", [False, True])
def test_cr1_equals_statsmodels_on_produc(produc, weighted):
    X, y = produc[TERMS], produc["gsp"]
    groups = pd.factorize(produc["state"])[0]
    # a weight that varies within states: employment, a size measure
    w = produc["emp"].to_numpy() / produc["emp"].mean() if weighted else None
    model = CobbDouglasRegressor(cov_type="cluster").fit(
        X, y, sample_weight=w, cluster=produc["state"]
    )
    exog = sm.add_constant(np.log(X.to_numpy()))
    sm_model = (
        sm.WLS(np.log(y.to_numpy()), exog, weights=w)
        if weighted
        else sm.OLS(np.log(y.to_numpy()), exog)
    )
    ref = sm_model.fit(cov_type="cluster", cov_kwds={"groups": groups}, use_t=True)
    table = model.coef_table_
    assert_allclose(table["coef"], ref.params, rtol=1e-10)
    assert_allclose(table["std_err"], ref.bse, rtol=1e-8)
    assert_allclose(model.cov_params_, ref.cov_params(), rtol=1e-8)
    assert_allclose(table["t"], ref.tvalues, rtol=1e-8)
    assert_allclose(table["p_value"], ref.pvalues, rtol=1e-6)
    assert_allclose(table[["ci_lower", "ci_upper"]], ref.conf_int(), rtol=1e-8)
    assert model.df_inference_ == ref.df_resid_inference == 47
    assert_allclose(model.fvalue_, ref.fvalue, rtol=1e-8)
    assert_allclose(model.f_pvalue_, ref.f_pvalue, rtol=1e-6)
    assert model.design_info_ == {"clusters": 48, "df": 47, "df_inference": 47.0}
    # the model-based statistics do not move
    plain = CobbDouglasRegressor().fit(X, y, sample_weight=w)
    assert_allclose(model.rsquared_, plain.rsquared_, rtol=1e-12)


def test_cr1_factor_is_statsmodels_for_discrete_models_too(contraception):
    """statsmodels' Logit uses the same G/(G-1) (N-1)/(N-K) as OLS."""
    frame = contraception
    y = (frame["use"] == "Y").to_numpy(float)
    exog = sm.add_constant(
        np.column_stack([frame["age"], frame["age"] ** 2, frame["urban"] == "Y"])
    ).astype(float)
    groups = pd.factorize(frame["district"])[0]
    fit = sm.Logit(y, exog).fit(disp=0)
    ref = sm.Logit(y, exog).fit(disp=0, cov_type="cluster", cov_kwds={"groups": groups})
    scores = fit.model.score_obs(fit.params)
    bread = np.linalg.inv(-fit.model.hessian(fit.params))
    assert_allclose(
        cluster_covariance(scores, bread, groups), ref.cov_params(), rtol=1e-8
    )


# -- design-based: svyglm's formula on a real clustered survey -----------------


def contraception_weights(frame):
    """Stated rule, not the survey's (it ships none): rural women sampled at
    half the urban rate (weight 2), and weights varying within PSUs with the
    number of living children."""
    base = np.where(frame["urban"] == "Y", 1.0, 2.0)
    return base * np.where(frame["livch"] == "0", 1.5, 1.0)


@pytest.mark.parametrize("weighted", [False, True])
def test_design_covariance_equals_svyglm_formula_for_a_logit(contraception, weighted):
    frame = contraception
    y = (frame["use"] == "Y").to_numpy(float)
    exog = sm.add_constant(
        np.column_stack(
            [frame["age"], frame["age"] ** 2, frame["livch"] != "0"]
        ).astype(float)
    )
    w = contraception_weights(frame) if weighted else np.ones(len(frame))
    fit = sm.GLM(y, exog, family=sm.families.Binomial(), var_weights=w).fit()
    scores = fit.model.score_obs(fit.params)  # w_i x_i (y_i - p_i)
    bread = np.linalg.inv(-fit.model.hessian(fit.params))
    assert_allclose(scores, exog * (w * (y - fit.fittedvalues))[:, None], rtol=1e-9)
    design = SurveyDesign.from_arrays(
        len(frame), strata=frame["urban"], cluster=frame["psu"], weights=w
    )
    got = design_covariance(scores, bread, design)
    strata, psu = frame["urban"].to_numpy(), frame["psu"].to_numpy()
    want = bread @ svyrecvar_loops(scores, strata, psu) @ bread
    assert_allclose(got, want, rtol=1e-10)
    assert design.df == frame["psu"].nunique() - 2 == 100
    # the design matters: the intercept's model-based SE is 25% too small
    assert np.sqrt(got[0, 0]) / fit.bse[0] > 1.2


def test_design_covariance_is_invariant_to_the_weights_scale(contraception):
    """svyglm rescales weights to mean 1; the sandwich does not care."""
    frame = contraception
    y = (frame["use"] == "Y").to_numpy(float)
    exog = sm.add_constant(frame[["age"]].to_numpy(float))
    design = SurveyDesign.from_arrays(
        len(frame), strata=frame["urban"], cluster=frame["psu"]
    )
    covs = []
    for scale in (1.0, 1234.5):
        w = scale * contraception_weights(frame)
        fit = sm.GLM(y, exog, family=sm.families.Binomial(), var_weights=w).fit()
        covs.append(
            design_covariance(
                fit.model.score_obs(fit.params),
                np.linalg.inv(-fit.model.hessian(fit.params)),
                design,
            )
        )
    assert_allclose(covs[0], covs[1], rtol=1e-8)


@pytest.mark.parametrize("fpc", [None, "count", "fraction"])
@pytest.mark.parametrize("weighted", [False, True])
def test_cobb_douglas_survey_equals_svyglm_formula(produc, fpc, weighted):
    """Produc: strata = the nine census regions, PSUs = the 48 states."""
    X, y = produc[TERMS], produc["gsp"]
    region = produc["region"].to_numpy()
    states = produc.groupby("region")["state"].nunique()
    # a stated population: three times the sampled states in each region
    popsize = (3 * states).to_dict()
    fpc_rows = {
        None: None,
        "count": produc["region"].map(popsize).to_numpy(float),
        "fraction": np.full(len(produc), 1 / 3),
    }[fpc]
    w = produc["emp"].to_numpy() / 1000 if weighted else None
    model = CobbDouglasRegressor(cov_type="survey").fit(
        X, y, sample_weight=w, strata=region, cluster=produc["state"], fpc=fpc_rows
    )
    beta, scores, bread = ols_pieces(produc, w)
    meat = svyrecvar_loops(
        scores,
        region,
        produc["state"].to_numpy(),
        popsize=None if fpc is None else popsize,
    )
    want = bread @ meat @ bread
    table = model.coef_table_
    assert_allclose(table["coef"], beta, rtol=1e-9)
    assert_allclose(table["std_err"], np.sqrt(np.diag(want)), rtol=1e-6)
    # svyglm's df.residual: 48 PSUs - 9 strata + 1 - 4 parameters
    assert model.df_inference_ == 36
    t = beta / np.sqrt(np.diag(want))
    assert_allclose(table["p_value"], 2 * stats.t.sf(np.abs(t), 36), rtol=1e-6)
    q = stats.t.isf(0.025, 36)
    assert_allclose(table["ci_lower"], beta - q * np.sqrt(np.diag(want)), rtol=1e-6)
    # the F test of the elasticities: Wald on the design covariance, F(3, 36)
    R = np.eye(4)[1:]
    wald = R @ beta @ np.linalg.solve(R @ want @ R.T, R @ beta) / 3
    assert_allclose(model.fvalue_, wald, rtol=1e-6)
    assert_allclose(model.f_pvalue_, stats.f.sf(wald, 3, 36), rtol=1e-6)
    info = model.design_info_
    assert (info["strata"], info["psus"], info["df"]) == (9, 48, 39)
    assert info["fpc"] is (fpc is not None)
    assert info["weighted"] is weighted


def test_fpc_as_count_and_as_fraction_agree(produc):
    X, y = produc[TERMS], produc["gsp"]
    states = produc.groupby("region")["state"].transform("nunique").to_numpy()
    fits = [
        CobbDouglasRegressor(cov_type="survey").fit(
            X, y, strata=produc["region"], cluster=produc["state"], fpc=fpc
        )
        for fpc in (4.0 * states, np.full(len(produc), 0.25))
    ]
    assert_allclose(fits[0].cov_params_, fits[1].cov_params_, rtol=1e-12)
    # and a quarter sampled shrinks the variance by 1 - 1/4
    free = CobbDouglasRegressor(cov_type="survey").fit(
        X, y, strata=produc["region"], cluster=produc["state"]
    )
    assert_allclose(fits[0].cov_params_, 0.75 * free.cov_params_, rtol=1e-10)


def test_a_census_has_no_sampling_variance(produc):
    X, y = produc[TERMS], produc["gsp"]
    states = produc.groupby("region")["state"].transform("nunique").to_numpy()
    model = CobbDouglasRegressor(cov_type="survey").fit(
        X, y, strata=produc["region"], cluster=produc["state"], fpc=states
    )
    assert_allclose(model.coef_table_["std_err"], 0.0, atol=0)
    assert model.coef_table_["t"].isna().all()
    # f close to 1 moves smoothly to 0
    near = CobbDouglasRegressor(cov_type="survey").fit(
        X, y, strata=produc["region"], cluster=produc["state"], fpc=0.999
    )
    free = CobbDouglasRegressor(cov_type="survey").fit(
        X, y, strata=produc["region"], cluster=produc["state"]
    )
    assert_allclose(near.cov_params_, 0.001 * free.cov_params_, rtol=1e-9)


def test_without_strata_and_clusters_survey_is_hc0_times_n_over_n_minus_1(produc):
    X, y = produc[TERMS], produc["gsp"]
    w = produc["unemp"].to_numpy()
    model = CobbDouglasRegressor(cov_type="survey").fit(X, y, sample_weight=w)
    exog = sm.add_constant(np.log(X.to_numpy()))
    ref = sm.WLS(np.log(y.to_numpy()), exog, weights=w).fit(cov_type="HC0")
    n = len(produc)
    assert_allclose(model.cov_params_, ref.cov_params() * n / (n - 1), rtol=1e-9)
    assert model.design_info_["df"] == n - 1
    assert model.df_inference_ == n - 4


def test_one_stratum_equals_no_strata(produc):
    X, y = produc[TERMS], produc["gsp"]
    one = CobbDouglasRegressor(cov_type="survey").fit(
        X, y, strata=np.full(len(produc), "US"), cluster=produc["state"]
    )
    none = CobbDouglasRegressor(cov_type="survey").fit(X, y, cluster=produc["state"])
    assert_allclose(one.cov_params_, none.cov_params_, rtol=1e-12)
    assert one.df_inference_ == none.df_inference_ == 48 - 1 + 1 - 4
    # unstratified, the design-based covariance is CR1 without (N-1)/(N-K)
    cr1 = CobbDouglasRegressor(cov_type="cluster").fit(X, y, cluster=produc["state"])
    n = len(produc)
    assert_allclose(cr1.cov_params_, none.cov_params_ * (n - 1) / (n - 4), rtol=1e-9)


def test_zero_weights_keep_their_psu_in_n_h_as_svyglm(produc):
    """svyglm: a row of weight 0 has score 0 but its PSU still counts in n_h
    (the design's sample size); degf counts PSUs with a positive weight."""
    X, y = produc[TERMS], produc["gsp"]
    w = np.ones(len(produc))
    gone = produc["state"] == "ALABAMA"
    w[gone] = 0.0
    model = CobbDouglasRegressor(cov_type="survey").fit(
        X, y, sample_weight=w, strata=produc["region"], cluster=produc["state"]
    )
    _, scores, bread = ols_pieces(produc, w)
    region, state = produc["region"].to_numpy(), produc["state"].to_numpy()
    want = bread @ svyrecvar_loops(scores, region, state) @ bread
    assert_allclose(model.cov_params_, want, rtol=1e-8)
    assert model.design_info_["psus"] == 47
    assert model.design_info_["df"] == 47 - 9
    assert model.df_inference_ == 47 - 9 + 1 - 4
    assert model.nobs_ == len(produc) - gone.sum()
    # dropping the rows from the data instead removes the PSU from n_h
    dropped = CobbDouglasRegressor(cov_type="survey").fit(
        X[~gone], y[~gone], strata=produc["region"][~gone], cluster=state[~gone]
    )
    assert not np.allclose(dropped.cov_params_, model.cov_params_, rtol=1e-6)


def test_rows_dropped_for_a_zero_in_x_keep_their_psu_as_zero_weights(produc):
    X, y = produc[TERMS].copy(), produc["gsp"]
    gone = (produc["state"] == "OHIO").to_numpy()
    X.loc[gone, "pcap"] = 0.0
    design = {"strata": produc["region"], "cluster": produc["state"]}
    with pytest.warns(NonPositiveWarning, match="left out 17"):
        dropped = CobbDouglasRegressor(cov_type="survey", zeros="drop").fit(
            X, y, **design
        )
    weighted = CobbDouglasRegressor(cov_type="survey").fit(
        produc[TERMS], y, sample_weight=(~gone).astype(float), **design
    )
    assert_allclose(dropped.cov_params_, weighted.cov_params_, rtol=1e-10)
    assert dropped.design_info_ == weighted.design_info_ | {"weighted": False}


def test_elasticity_standard_errors_are_unit_free(produc):
    X, y = produc[TERMS].copy(), produc["gsp"]
    base = CobbDouglasRegressor(cov_type="survey").fit(
        X, y, strata=produc["region"], cluster=produc["state"]
    )
    X["pcap"] = X["pcap"] * 1e6
    scaled = CobbDouglasRegressor(cov_type="survey").fit(
        X, y, strata=produc["region"], cluster=produc["state"]
    )
    assert_allclose(
        scaled.coef_table_["std_err"].iloc[1:],
        base.coef_table_["std_err"].iloc[1:],
        rtol=1e-8,
    )


def test_constrained_survey_fit_uses_the_free_parameters(produc):
    X, y = produc[TERMS], produc["gsp"]
    model = CobbDouglasRegressor(cov_type="survey", returns_to_scale="constant").fit(
        X, y, strata=produc["region"], cluster=produc["state"]
    )
    # restricted LS: ln(gsp/emp) on ln(pcap/emp), ln(pc/emp), by hand
    frame = pd.DataFrame(
        {
            "gsp": produc["gsp"] / produc["emp"],
            "pcap": produc["pcap"] / produc["emp"],
            "pc": produc["pc"] / produc["emp"],
        }
    )
    Z = np.column_stack([np.ones(len(frame)), np.log(frame[["pcap", "pc"]])])
    yz = np.log(frame["gsp"].to_numpy())
    bread = np.linalg.inv(Z.T @ Z)
    beta = bread @ Z.T @ yz
    scores = Z * (yz - Z @ beta)[:, None]
    meat = svyrecvar_loops(
        scores, produc["region"].to_numpy(), produc["state"].to_numpy()
    )
    want = bread @ meat @ bread
    assert_allclose(model.coef_table_["std_err"].iloc[:3], np.sqrt(np.diag(want)))
    assert model.df_inference_ == 39 + 1 - 3


# -- means and shares ---------------------------------------------------------


def svymean_loops(y, w, strata, psu, domain=None):
    """svymean's linearisation by loops: z_i = w_i d_i (y_i - m) / sum w d."""
    d = np.ones_like(y) if domain is None else domain.astype(float)
    m = np.sum(w * d * y) / np.sum(w * d)
    z = (w * d * (y - m) / np.sum(w * d))[:, None]
    return m, float(np.sqrt(svyrecvar_loops(z, strata, psu)[0, 0]))


def test_survey_mean_and_domain_equal_svymean_formula(contraception):
    frame = contraception
    w = contraception_weights(frame)
    strata, psu = frame["urban"].to_numpy(), frame["psu"].to_numpy()
    design = SurveyDesign.from_arrays(len(frame), strata=strata, cluster=psu, weights=w)
    use = (frame["use"] == "Y").to_numpy(float)
    got = survey_mean(use, design)
    m, se = svymean_loops(use, w, strata, psu)
    assert_allclose(got.loc[0, "mean"], m, rtol=1e-12)
    assert_allclose(got.loc[0, "std_err"], se, rtol=1e-10)
    q = stats.t.isf(0.025, 100)
    assert_allclose(got.loc[0, "ci_upper"], m + q * se, rtol=1e-12)
    # a domain keeps the whole design: women with no living child
    domain = (frame["livch"] == "0").to_numpy()
    got = survey_mean(frame["age"].to_numpy(), design, domain=domain)
    m, se = svymean_loops(frame["age"].to_numpy(), w, strata, psu, domain)
    assert_allclose(got.loc[0, ["mean", "std_err"]], [m, se], rtol=1e-10)
    shares = survey_proportions(frame["livch"], design)
    assert list(shares.index) == ["0", "1", "2", "3+"]
    assert_allclose(shares["proportion"].sum(), 1.0)
    for level in shares.index:
        ind = (frame["livch"] == level).to_numpy(float)
        m, se = svymean_loops(ind, w, strata, psu)
        assert_allclose(shares.loc[level, ["proportion", "std_err"]], [m, se])


# -- errors that name the problem and the fix ---------------------------------


def test_design_errors_name_rows_strata_and_fix(produc, contraception):
    n = len(produc)
    with pytest.raises(ValueError, match=r"strata has 3 value\(s\).*816 row"):
        SurveyDesign.from_arrays(n, strata=[1, 2, 3])
    region = np.array(produc["region"], dtype=object)
    region[[4, 9]] = None
    with pytest.raises(ValueError, match=r"strata is missing in 2 row.*rows 4, 9"):
        SurveyDesign.from_arrays(n, strata=region)
    with pytest.raises(ValueError, match=r"cluster\(s\) .*more than one stratum.*nest"):
        SurveyDesign.from_arrays(
            len(contraception),
            strata=contraception["urban"],
            cluster=contraception["district"],
        )
    nested = SurveyDesign.from_arrays(
        len(contraception),
        strata=contraception["urban"],
        cluster=contraception["district"],
        nest=True,
    )
    assert nested.df == 102 - 2
    fpc = np.full(n, 10.0)
    fpc[0] = 12.0
    with pytest.raises(ValueError, match=r"fpc varies within stratum 6"):
        SurveyDesign.from_arrays(
            n, strata=produc["region"], cluster=produc["state"], fpc=fpc
        )
    with pytest.raises(
        ValueError,
        match=r"fpc is smaller .* 9 stratum.*stratum 1: 2 in the population, 6 sampled",
    ):
        SurveyDesign.from_arrays(
            n, strata=produc["region"], cluster=produc["state"], fpc=2.0
        )
    with pytest.raises(ValueError, match=r"fpc is missing or not finite in 1 row"):
        SurveyDesign.from_arrays(n, fpc=np.r_[np.nan, np.full(n - 1, 5000.0)])
    with pytest.raises(ValueError, match=r"mixes population counts"):
        SurveyDesign.from_arrays(n, fpc=np.r_[0.5, np.full(n - 1, 5000.0)])


def test_a_stratum_with_one_psu_fails_as_svydesign_or_is_handled(produc):
    frame = produc[(produc["region"] != 2) | (produc["state"] == "NEW_JERSEY")]
    kwargs = {"strata": frame["region"], "cluster": frame["state"]}
    with pytest.raises(ValueError, match=r"stratum 2 has a single PSU.*lonely_psu"):
        SurveyDesign.from_arrays(len(frame), **kwargs)
    with pytest.raises(ValueError, match=r"stratum 2 has a single PSU"):
        CobbDouglasRegressor(cov_type="survey").fit(
            frame[TERMS], frame["gsp"], **kwargs
        )
    with pytest.raises(ValueError, match=r"every row is in one cluster \(PSU 'X'\)"):
        SurveyDesign.from_arrays(5, cluster=["X"] * 5)
    _, scores, bread = ols_pieces(frame)
    adjusted_fit = CobbDouglasRegressor(cov_type="survey", lonely_psu="adjust").fit(
        frame[TERMS], frame["gsp"], **kwargs
    )
    certain = SurveyDesign.from_arrays(len(frame), lonely_psu="certainty", **kwargs)
    removed = SurveyDesign.from_arrays(len(frame), lonely_psu="remove", **kwargs)
    adjusted = SurveyDesign.from_arrays(len(frame), lonely_psu="adjust", **kwargs)
    lonely = (frame["region"] == 2).to_numpy()
    # certainty/remove: the lonely stratum adds nothing (as R's onestrat)
    others = svyrecvar_loops(
        scores[~lonely],
        frame["region"][~lonely].to_numpy(),
        frame["state"][~lonely].to_numpy(),
    )
    for design in (certain, removed):
        assert_allclose(
            design_covariance(scores, bread, design),
            bread @ others @ bread,
            rtol=1e-10,
        )
    # adjust: the lonely PSU's total, centred at 0, the grand mean
    total = scores[lonely].sum(axis=0)
    want = bread @ (others + np.outer(total, total)) @ bread
    assert_allclose(design_covariance(scores, bread, adjusted), want, rtol=1e-10)
    assert_allclose(adjusted_fit.cov_params_, want, rtol=1e-8)


def test_fit_params_must_match_cov_type(produc):
    X, y = produc[TERMS], produc["gsp"]
    with pytest.raises(
        ValueError, match=r"cov_type='HC1'\) ignores strata and cluster"
    ):
        CobbDouglasRegressor(cov_type="HC1").fit(
            X, y, strata=produc["region"], cluster=produc["state"]
        )
    with pytest.raises(ValueError, match=r"needs one cluster label.*got no cluster"):
        CobbDouglasRegressor(cov_type="cluster").fit(X, y)
    with pytest.raises(ValueError, match=r"also got strata.*cov_type='survey'"):
        CobbDouglasRegressor(cov_type="cluster").fit(
            X, y, strata=produc["region"], cluster=produc["state"]
        )
    with pytest.raises(ValueError, match=r"cluster has 5 value"):
        CobbDouglasRegressor(cov_type="cluster").fit(X, y, cluster=np.arange(5))
    labelled = X.set_index(produc["state"] + "-" + produc["year"].astype(str))
    state = np.array(produc["state"], dtype=object)
    state[3] = np.nan
    with pytest.raises(ValueError, match=r"cluster is missing in 1 row.*ALABAMA-1973"):
        CobbDouglasRegressor(cov_type="cluster").fit(
            labelled, y.to_numpy(), cluster=state
        )


# -- persistence, summaries, model selection ----------------------------------


def test_pickle_round_trip_and_remove_data_keep_the_design(produc, tmp_path):
    X, y = produc[TERMS], produc["gsp"]
    model = CobbDouglasRegressor(cov_type="survey").fit(
        X, y, strata=produc["region"], cluster=produc["state"]
    )
    again = pickle.loads(pickle.dumps(model))
    assert_allclose(again.cov_params_, model.cov_params_, rtol=0)
    assert again.design_info_ == model.design_info_
    sio = pytest.importorskip("skops.io")
    path = tmp_path / "model.skops"
    sio.dump(model, path)
    untrusted = sio.get_untrusted_types(file=path)
    assert all(t.startswith("sklearn_innov.") for t in untrusted), untrusted
    loaded = sio.load(path, trusted=untrusted)
    assert_allclose(loaded.cov_params_, model.cov_params_, rtol=0)
    again.results_.remove_data()
    assert_allclose(again.coef_table_["std_err"], model.coef_table_["std_err"])
    assert str(again.summary()) == str(model.summary())


def test_summary_prints_the_design_and_what_is_model_based(produc):
    X, y = produc[TERMS], produc["gsp"]
    model = CobbDouglasRegressor(cov_type="survey").fit(
        X,
        y,
        sample_weight=produc["emp"],
        strata=produc["region"],
        cluster=produc["state"],
    )
    text = str(model.summary())
    assert "Design df (PSUs - strata)" in text
    assert "design-based (Taylor linearisation" in text
    assert "Model-based, not design-based: R²" in text
    assert "probability" in text
    blocks = {b.name for b in model.summary().blocks if b.name}
    assert "design" in blocks
    clustered = CobbDouglasRegressor(cov_type="cluster").fit(
        X, y, cluster=produc["state"]
    )
    text = str(clustered.summary())
    assert "Clusters" in text and "47 degrees of freedom" in text
    assert "already cluster-robust" in text


def test_grid_search_and_pipeline_route_the_design(produc):
    X, y = produc[TERMS], produc["gsp"]
    search = GridSearchCV(
        CobbDouglasRegressor(cov_type="cluster"),
        {"fit_intercept": [True, False]},
        cv=GroupKFold(n_splits=4),
    )
    search.fit(X, y, groups=produc["state"], cluster=produc["state"])
    best = search.best_estimator_
    assert best.design_info_["clusters"] == 48  # refit on every row
    pipe = make_pipeline(FunctionTransformer(), CobbDouglasRegressor(cov_type="survey"))
    pipe.fit(
        X,
        y,
        cobbdouglasregressor__strata=produc["region"],
        cobbdouglasregressor__cluster=produc["state"],
    )
    assert pipe[-1].df_inference_ == 36
    with config_context(enable_metadata_routing=True):
        est = CobbDouglasRegressor(cov_type="survey").set_fit_request(
            strata=True, cluster=True
        )
        # shuffled folds keep every region's states in each training fold
        cv = KFold(3, shuffle=True, random_state=0)
        search = GridSearchCV(est, {"fit_intercept": [True]}, cv=cv)
        search.fit(X, y, strata=produc["region"], cluster=produc["state"])
        assert search.best_estimator_.design_info_["psus"] == 48


def test_too_few_psus_warn_and_one_cluster_is_refused(produc):
    frame = produc[produc["region"].isin([1, 2])]  # 9 states in 2 regions
    X, y = frame[TERMS], frame["gsp"]
    small = frame["state"].isin(["MAINE", "NEW_HAMPSHIRE", "NEW_JERSEY", "NEW_YORK"])
    with pytest.warns(SklearnInnovWarning, match=r"4 PSUs in 2 strata.*-1 degrees"):
        model = CobbDouglasRegressor(cov_type="survey").fit(
            X[small],
            y[small],
            strata=frame["region"][small],
            cluster=frame["state"][small],
        )
    assert model.coef_table_["p_value"].isna().all()
    assert np.isnan(model.fvalue_)
    assert (model.coef_table_["std_err"] > 0).all()
    with pytest.raises(ValueError, match=r"every row is in one cluster \(PSU 'all'\)"):
        CobbDouglasRegressor(cov_type="cluster").fit(
            X, y, cluster=np.full(len(frame), "all")
        )
