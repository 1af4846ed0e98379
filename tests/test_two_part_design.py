"""TwoPartRegressor's joint covariance under a design (issue 28 follow-up).

Both parts are fitted on the same PSUs, so under ``cov_type="cluster"`` or
``"survey"`` their estimates are correlated: the cross-block of
``cov_params_`` is the design covariance of the stacked influence functions
(Stata's ``suest`` after ``vce(cluster)`` or ``svy``), and under
``survey_variance="jackknife"`` the covariance of the stacked replicate
estimates. The oracles are written here, on the two-stage sample of
California schools (``tests/data/apiclus2.csv``; 14 of its 120 schools with
an enrolment have no English-language learners, ``ell = 0``):

- the logit from statsmodels' GLM Binomial (``score_obs`` times the inverse
  information; its own CR1 ``cov_type="cluster"`` for the diagonal block);
- the second part from statsmodels' WLS (residual times X, its CR1), and
  Duan's factor from its estimating equation ``w (exp(e) - S)`` with the
  Jacobian of the stacked equations written out;
- the stacked meat by loops over strata and PSUs (svyrecvar's formula), and
  the JKn replicates from R's ``jknweights`` rule, refitted by statsmodels.
"""

import pickle
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from numpy.testing import assert_allclose
from scipy import special, stats
from sklearn.base import clone

from sklearn_innov import CobbDouglasRegressor, StepwiseLogit, TwoPartRegressor

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def schools():
    frame = pd.read_csv(DATA / "apiclus2.csv").dropna(subset=["enroll"])
    frame = frame.reset_index(drop=True)
    # a stratified design for the formula: school type as strata, the
    # district's part within it as PSU (svydesign's nest = TRUE), the
    # first stage's 757 districts as every stratum's population count
    frame["psu"] = frame["stype"] + ":" + frame["dnum"].astype(str)
    return frame


def _fit(frame, kind, *, weighted, variance="linearization", X=None):
    X = frame[["api99", "enroll"]] if X is None else X
    design = (
        {"cluster": frame["dnum"]}
        if kind == "cluster"
        else {"strata": frame["stype"], "cluster": frame["psu"], "fpc": frame["fpc1"]}
    )
    return TwoPartRegressor(
        classifier=StepwiseLogit(p_remove=1.0, cov_type=kind, tol=1e-12),
        regressor=CobbDouglasRegressor(cov_type=kind),
        survey_variance=variance,
    ).fit(
        X,
        frame["ell"],
        sample_weight=frame["pw"] if weighted else None,
        **design,
    )


def _weights(frame, weighted):
    return frame["pw"].to_numpy() if weighted else np.ones(len(frame))


def _logit(frame, w, **fit):
    exog = sm.add_constant(frame[["api99", "enroll"]].to_numpy())
    y = (frame["ell"] > 0).to_numpy(int)
    weights = None if (w == 1).all() else w
    model = sm.GLM(y, exog, family=sm.families.Binomial(), var_weights=weights)
    return model, model.fit(tol=1e-13, **fit)


def _second(frame, w):
    rows = (frame["ell"] > 0).to_numpy()
    Z = sm.add_constant(np.log(frame.loc[rows, ["api99", "enroll"]].to_numpy()))
    logy = np.log(frame.loc[rows, "ell"].to_numpy())
    return rows, Z, logy, sm.WLS(logy, Z, weights=w[rows])


def _influence(frame, w):
    """Per-row influence functions of (gamma, beta, S), zero off each part."""
    model, logit = _logit(frame, w)
    first = model.score_obs(logit.params) @ logit.cov_params()
    rows, Z, logy, wls = _second(frame, w)
    beta = wls.fit().params
    e = logy - Z @ beta
    wr = w[rows]
    S = np.average(np.exp(e), weights=wr)
    psi = np.column_stack([Z * (wr * e)[:, None], wr * (np.exp(e) - S)])
    # minus the Jacobian of sum psi in (b, S): [[Z'WZ, 0], [sum w exp(e) z', W]]
    k = Z.shape[1]
    jac = np.zeros((k + 1, k + 1))
    jac[:k, :k] = Z.T @ (Z * wr[:, None])
    jac[k, :k] = (wr * np.exp(e)) @ Z
    jac[k, k] = wr.sum()
    second = np.zeros((len(frame), k + 1))
    second[rows] = psi @ np.linalg.inv(jac).T
    return first, second, rows


def _svy_meat(scores, strata, psu, population):
    """svyrecvar's one-stage meat with fpc, by loops over strata and PSUs."""
    meat = np.zeros((scores.shape[1],) * 2)
    for h in np.unique(strata):
        labels = np.unique(psu[strata == h])
        n_h = len(labels)
        f_h = n_h / population[strata == h][0]
        totals = np.array([scores[psu == c].sum(axis=0) for c in labels])
        centred = totals - totals.mean(axis=0)
        meat += (1 - f_h) * n_h / (n_h - 1) * centred.T @ centred
    return meat


def test_cluster_joint_covariance_is_suest_with_cr1(schools):
    model = _fit(schools, "cluster", weighted=False)
    w = _weights(schools, False)
    first, second, rows = _influence(schools, w)
    groups = schools["dnum"].to_numpy()
    codes = np.unique(groups)
    totals = np.array(
        [np.hstack([first, second])[groups == g].sum(axis=0) for g in codes]
    )
    meat = totals.T @ totals
    # each part's CR1 factor G/(G-1) (N-1)/(N-K) over its own rows
    G1, N1 = codes.size, len(schools)
    G2, N2 = np.unique(groups[rows]).size, int(rows.sum())
    c1 = G1 / (G1 - 1) * (N1 - 1) / (N1 - 3)
    c2 = G2 / (G2 - 1) * (N2 - 1) / (N2 - 3)
    root = np.sqrt(np.r_[[c1] * 3, [c2] * 4])
    expected = meat * np.outer(root, root)
    # the diagonal blocks are statsmodels' own CR1 covariances
    _, logit = _logit(schools, w, cov_type="cluster", cov_kwds={"groups": groups})
    _, Z, logy, wls = _second(schools, w)
    ols = wls.fit(cov_type="cluster", cov_kwds={"groups": groups[rows]})
    assert_allclose(expected[:3, :3], logit.cov_params(), rtol=1e-8)
    assert_allclose(expected[3:6, 3:6], ols.cov_params(), rtol=1e-8)
    got = model.cov_params_.to_numpy()
    assert_allclose(got, expected, rtol=1e-8, atol=1e-12 * np.abs(expected).max())
    # each part's block is what that part computes alone
    assert_allclose(got[:3, :3], model.classifier_.results_.cov_params, rtol=1e-12)
    assert_allclose(got[3:6, 3:6], model.regressor_.results_.cov_params, rtol=1e-12)


@pytest.mark.parametrize("weighted", [False, True])
def test_survey_joint_covariance_is_the_stacked_design_meat(schools, weighted):
    model = _fit(schools, "survey", weighted=weighted)
    w = _weights(schools, weighted)
    first, second, _ = _influence(schools, w)
    expected = _svy_meat(
        np.hstack([first, second]),
        schools["stype"].to_numpy(),
        schools["psu"].to_numpy(),
        schools["fpc1"].to_numpy(),
    )
    got = model.cov_params_.to_numpy()
    assert_allclose(got, expected, rtol=1e-8, atol=1e-12 * np.abs(expected).max())
    assert_allclose(got[:3, :3], model.classifier_.results_.cov_params, rtol=1e-12)
    assert_allclose(got[3:6, 3:6], model.regressor_.results_.cov_params, rtol=1e-12)


def _jkn_columns(strata, psu, population):
    """R's jknweights: 0 for the deleted PSU, n_h / (n_h - 1) for the rest
    of its stratum, 1 elsewhere; rscales (1 - f_h)(n_h - 1) / n_h."""
    columns, rscales = [], []
    for h in pd.unique(strata):
        in_h = strata == h
        psus = pd.unique(psu[in_h])
        n_h = len(psus)
        f_h = n_h / population[in_h][0]
        for j in psus:
            column = np.ones(len(strata))
            column[in_h] = n_h / (n_h - 1)
            column[psu == j] = 0.0
            columns.append(column)
            rscales.append((1 - f_h) * (n_h - 1) / n_h)
    return np.column_stack(columns), np.array(rscales)


@pytest.mark.parametrize("weighted", [False, True])
def test_jackknife_joint_covariance_refits_both_parts(schools, weighted):
    model = _fit(schools, "survey", weighted=weighted, variance="jackknife")
    w = _weights(schools, weighted)
    columns, rscales = _jkn_columns(
        schools["stype"].to_numpy(),
        schools["psu"].to_numpy(),
        schools["fpc1"].to_numpy(),
    )
    exog = sm.add_constant(schools[["api99", "enroll"]].to_numpy())
    y01 = (schools["ell"] > 0).to_numpy(int)
    rows, Z, logy, _ = _second(schools, w)
    thetas = []
    for c in columns.T:
        wr = w * c
        keep = wr > 0
        gamma = (
            sm.GLM(
                y01[keep],
                exog[keep],
                family=sm.families.Binomial(),
                var_weights=wr[keep],
            )
            .fit(tol=1e-13)
            .params
        )
        w2 = wr[rows]
        beta = sm.WLS(logy[w2 > 0], Z[w2 > 0], weights=w2[w2 > 0]).fit().params
        S = np.average(np.exp(logy - Z @ beta), weights=w2)
        thetas.append(np.r_[gamma, beta, S])
    thetas = np.array(thetas)
    dev = thetas - thetas.mean(axis=0)
    expected = (dev * rscales[:, None]).T @ dev
    got = model.cov_params_.to_numpy()
    assert_allclose(got, expected, rtol=1e-8, atol=1e-12 * np.abs(expected).max())
    # the parts' own jackknife blocks
    assert_allclose(got[:3, :3], model.classifier_.results_.cov_params, rtol=1e-7)
    assert_allclose(got[3:6, 3:6], model.regressor_.results_.cov_params, rtol=1e-7)


def _block_diagonal(model, n_first=3):
    """The model with its cross-block set to 0 (the parts' own blocks kept)."""
    copy = pickle.loads(pickle.dumps(model))
    cov = copy.cov_params_.copy()
    cov.iloc[:n_first, n_first:] = 0.0
    cov.iloc[n_first:, :n_first] = 0.0
    copy.cov_params_ = cov
    return copy


def test_the_cross_block_is_material_on_the_schools(schools):
    model = _fit(schools, "cluster", weighted=False)
    cov = model.cov_params_.to_numpy()
    sd = np.sqrt(np.diag(cov))
    corr = cov / np.outer(sd, sd)
    # correlations of the logit's and the second part's estimates up to 0.25
    assert_allclose(corr[0, 3], 0.213, atol=0.001)
    assert_allclose(corr[1, 3], -0.251, atol=0.001)
    assert np.abs(corr[:3, 3:]).max() > 0.2
    X = schools[["api99", "enroll"]]
    full = model.marginal_effects(X)
    split = _block_diagonal(model).marginal_effects(X)
    se = full["elasticity_se"] / split["elasticity_se"]
    # api99's total elasticity combines both margins: its SE is 17% larger
    # with the cross-block (0.758 against 0.647 block-diagonal); enroll's 6%
    assert_allclose(se[("api99", "total")], 1.172, atol=0.001)
    assert_allclose(se[("enroll", "total")], 1.060, atol=0.001)
    # an elasticity of one part alone does not move
    assert_allclose(se.xs("extensive", level="margin"), 1.0, rtol=1e-12)
    assert_allclose(se.xs("intensive", level="margin"), 1.0, rtol=1e-12)
    # the extensive dy/dx (P (1 - P) g mu) reads both parts: 11% smaller
    dy = full["std_err"] / split["std_err"]
    assert_allclose(dy[("api99", "extensive")], 0.889, atol=0.001)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("nonrobust", "nonrobust"),
        ("cluster", "nonrobust"),
        ("nonrobust", "cluster"),
    ],
)
def test_without_a_common_design_the_cross_block_is_zero(schools, first, second):
    design = {} if first == second == "nonrobust" else {"cluster": schools["dnum"]}
    model = TwoPartRegressor(
        classifier=StepwiseLogit(p_remove=1.0, cov_type=first),
        regressor=CobbDouglasRegressor(cov_type=second),
    ).fit(schools[["api99", "enroll"]], schools["ell"], **design)
    cov = model.cov_params_.to_numpy()
    assert (cov[:3, 3:] == 0).all() and (cov[3:, :3] == 0).all()
    assert_allclose(cov[:3, :3], model.classifier_.results_.cov_params, rtol=0)


def test_mixed_cluster_and_survey_parts_stay_block_diagonal(schools):
    model = TwoPartRegressor(
        classifier=StepwiseLogit(p_remove=1.0, cov_type="cluster"),
        regressor=CobbDouglasRegressor(cov_type="survey"),
    ).fit(schools[["api99", "enroll"]], schools["ell"], cluster=schools["dnum"])
    cov = model.cov_params_.to_numpy()
    assert (cov[:3, 3:] == 0).all()


@pytest.mark.parametrize("kind", ["cluster", "survey"])
def test_rescaled_covariate_leaves_elasticity_ses_unchanged(schools, kind):
    X = schools[["api99", "enroll"]]
    base = _fit(schools, kind, weighted=True).marginal_effects(X)
    scaled = X.assign(api99=1000 * X["api99"])
    model = _fit(schools, kind, weighted=True, X=scaled)
    effects = model.marginal_effects(scaled)
    assert_allclose(effects["elasticity_se"], base["elasticity_se"], rtol=1e-6)
    assert_allclose(
        effects["std_err"].loc["enroll"], base["std_err"].loc["enroll"], rtol=1e-6
    )


def test_pickle_round_trip_keeps_the_joint_covariance(schools):
    model = _fit(schools, "survey", weighted=True)
    loaded = pickle.loads(pickle.dumps(model))
    pd.testing.assert_frame_equal(loaded.cov_params_, model.cov_params_)
    X = schools[["api99", "enroll"]]
    pd.testing.assert_frame_equal(loaded.marginal_effects(X), model.marginal_effects(X))


def test_zero_weights_are_rows_left_out_of_both_parts(schools):
    # under CR1 a row of weight 0 counts nowhere: the same joint covariance
    # as the fit without it (3 of the 38 districts lose every row, and CR1's
    # G counts the clusters with a row, in both fits)
    weights = np.ones(len(schools))
    weights[::7] = 0.0
    model = TwoPartRegressor(
        classifier=StepwiseLogit(p_remove=1.0, cov_type="cluster", tol=1e-12),
        regressor=CobbDouglasRegressor(cov_type="cluster"),
    )
    kept = schools[weights > 0].reset_index(drop=True)
    assert kept["dnum"].nunique() == 35
    X = ["api99", "enroll"]
    zeroed = clone_fit(model, schools[X], schools["ell"], weights, schools["dnum"])
    dropped = clone_fit(model, kept[X], kept["ell"], None, kept["dnum"])
    assert_allclose(
        zeroed.cov_params_.to_numpy(), dropped.cov_params_.to_numpy(), rtol=1e-9
    )


def clone_fit(model, X, y, weights, cluster):
    return clone(model).fit(X, y, sample_weight=weights, cluster=cluster)


def test_two_stage_design_adds_the_second_stage_to_every_block(schools):
    # apiclus2's own design: districts (757) then schools within them (fpc2)
    model = TwoPartRegressor(
        classifier=StepwiseLogit(p_remove=1.0, cov_type="survey", tol=1e-12),
        regressor=CobbDouglasRegressor(cov_type="survey"),
    ).fit(
        schools[["api99", "enroll"]],
        schools["ell"],
        sample_weight=schools["pw"],
        cluster=schools["dnum"],
        fpc=schools[["fpc1", "fpc2"]],
    )
    first, second, _ = _influence(schools, schools["pw"].to_numpy())
    scores = np.hstack([first, second])
    psu = schools["dnum"].to_numpy()
    labels = np.unique(psu)
    n, f1 = labels.size, labels.size / 757
    totals = np.array([scores[psu == c].sum(axis=0) for c in labels])
    centred = totals - totals.mean(axis=0)
    expected = (1 - f1) * n / (n - 1) * centred.T @ centred
    # the second stage: each district's schools a simple random sample
    for c in labels:
        rows = scores[psu == c]
        m = len(rows)
        if m < 2:
            continue
        f2 = m / schools.loc[psu == c, "fpc2"].iloc[0]
        dev = rows - rows.mean(axis=0)
        expected += f1 * (1 - f2) * m / (m - 1) * dev.T @ dev
    got = model.cov_params_.to_numpy()
    assert_allclose(got, expected, rtol=1e-8, atol=1e-12 * np.abs(expected).max())


def _clustered_draw(rng, n_clusters, m=10, rho=0.7):
    """Rows of clusters sharing a shock ``a_g`` in both parts: the logit's
    latent ``logit(Phi(z))`` is logistic marginally, so ``P(y > 0 | x)`` is
    the logit; the log level shares ``a_g`` (the parts' pseudo-true values
    come from a large sample)."""
    group = np.repeat(np.arange(n_clusters), m)
    shock = rng.normal(size=n_clusters)[group]
    log_x = 0.6 * rng.normal(size=n_clusters)[group] + 0.4 * rng.normal(size=group.size)
    z = rho * shock + np.sqrt(1 - rho**2) * rng.normal(size=group.size)
    positive = special.logit(stats.norm.cdf(z)) < -0.3 + 0.8 * np.exp(log_x)
    e = 0.6 * (rho * shock + np.sqrt(1 - rho**2) * rng.normal(size=group.size))
    y = np.where(positive, np.exp(0.5 + 0.4 * log_x + e), 0.0)
    return pd.DataFrame({"x": np.exp(log_x)}), y, group


@pytest.mark.slow  # 8 s
def test_simulated_coverage_of_the_average_elasticity_needs_the_cross_block():
    rng = np.random.default_rng(123)
    X, y, _ = _clustered_draw(rng, 40_000)
    big = TwoPartRegressor(classifier=StepwiseLogit(p_remove=1.0)).fit(X, y)
    gamma = big.classifier_.results_.params
    beta = big.regressor_.results_.params
    z = stats.norm.isf(0.025)
    rows = []
    for _ in range(300):
        X, y, group = _clustered_draw(rng, 40)
        model = TwoPartRegressor(
            classifier=StepwiseLogit(p_remove=1.0, cov_type="cluster"),
            regressor=CobbDouglasRegressor(cov_type="cluster"),
        ).fit(X, y, cluster=group)
        total = ("x", "total")
        effect = model.marginal_effects(X).loc[total]
        split = _block_diagonal(model, 2).marginal_effects(X).loc[total]
        # the pseudo-true average elasticity over these rows
        x = X["x"].to_numpy()
        p = special.expit(gamma[0] + gamma[1] * x)
        truth = np.mean((1 - p) * gamma[1] * x + beta[1])
        rows.append(
            (
                effect["elasticity"] - truth,
                effect["elasticity_se"],
                split["elasticity_se"],
            )
        )
    error, se, se_split = np.array(rows).T
    # measured here: the SE with the cross-block averages 0.086 against an
    # SD of the estimates of 0.090; block-diagonal, 0.111 (23% too large);
    # the 95% intervals cover 95.0% and 98.3% (1,000 replications: SEs
    # 0.087 and 0.111 against an SD of 0.087, coverage 95.4% and 99.0%)
    assert_allclose(se.mean() / error.std(), 1.0, atol=0.07)
    assert se_split.mean() / error.std() > 1.15
    assert 0.92 <= np.mean(np.abs(error) < z * se) <= 0.98
    assert np.mean(np.abs(error) < z * se_split) >= 0.98
