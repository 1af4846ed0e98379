"""TwoPartRegressor with sample weights and survey designs.

Oracles: the fit on ``np.repeat`` rows (integer weights are copies),
statsmodels' ``GLM(freq_weights=)`` and ``WLS`` for the parts, and the
svyglm formula written here with loops over strata and PSUs for the
second part fitted as a domain of the whole design.
"""

import inspect
import pickle

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from numpy.testing import assert_allclose
from scipy import stats
from sklearn.linear_model import LogisticRegression

from sklearn_innov import CobbDouglasRegressor, StepwiseLogit, TwoPartRegressor
from sklearn_innov._core import smearing_covariance
from sklearn_innov.exceptions import SklearnInnovWarning
from sklearn_innov.report._replicate import _two_part_reference


def _accepts_weights(estimator):
    return "sample_weight" in inspect.signature(estimator.fit).parameters


def _data(n=400, seed=0, zeros=False):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(rng.uniform(1, 5, (n, 3)), columns=["a", "b", "c"])
    if zeros:
        X.loc[rng.random(n) < 0.2, "c"] = 0.0
    p = 1 / (1 + np.exp(-(-2 + 0.5 * X["a"] + 0.3 * X["b"])))
    positive = rng.random(n) < p
    level = 2 * X["a"] ** 0.4 * np.maximum(X["c"], 0.5) ** 0.2
    y = np.where(positive, level * np.exp(rng.normal(0, 0.3 + 0.1 * X["b"], n)), 0.0)
    w = rng.integers(0, 4, n)
    return X, pd.Series(y, name="y"), w


def _logit():
    # unpenalised: the weighted fit is the maximum likelihood one
    return LogisticRegression(C=np.inf, tol=1e-12, max_iter=10_000)


def _model(**kwargs):
    return TwoPartRegressor(classifier=_logit(), **kwargs)


def _positive_cov(model):
    """The second part's block of ``cov_params_`` (b and the smearing factor).

    ``cov_params_`` needs a StepwiseLogit first part; until it takes weights,
    a weighted model has a LogisticRegression one and the block is read from
    the kernel with the second part's own results.
    """
    if model.cov_params_ is not None:
        return model.cov_params_.loc["positive", "positive"].to_numpy()
    regressor = model.regressor_
    results = regressor.results_
    return smearing_covariance(
        results.exog,
        results.resid,
        results.cov_params,
        robust=regressor.cov_type != "nonrobust",
        weights=results.weights,
        design=results.design,
        kind=regressor.cov_type,
    )


def _repeat(X, y, w):
    return X.loc[X.index.repeat(w)].reset_index(drop=True), np.repeat(y.to_numpy(), w)


def test_parts_are_statsmodels_glm_with_freq_weights_and_wls():
    X, y, w = _data()
    model = _model().fit(X, y, sample_weight=w)
    positive = (y > 0).to_numpy()
    glm = sm.GLM(
        positive.astype(int),
        sm.add_constant(X),
        family=sm.families.Binomial(),
        freq_weights=w,
    ).fit(tol=1e-12)
    assert_allclose(model.classifier_.coef_[0], glm.params[1:], rtol=1e-5)
    rows = positive & (w > 0)
    wls = sm.WLS(
        np.log(y[rows]), sm.add_constant(np.log(X[rows])), weights=w[rows]
    ).fit()
    # frequency weights (scikit-learn's meaning): statsmodels' GLM with
    # freq_weights, a Gaussian family, gives the standard errors of copies
    copies = sm.GLM(
        np.log(y[rows]), sm.add_constant(np.log(X[rows])), freq_weights=w[rows]
    ).fit()
    part2 = model.coef_table_.loc["positive"]
    assert_allclose(part2["coef"], wls.params, rtol=1e-9)
    assert_allclose(part2["std_err"], copies.bse, rtol=1e-8)
    # Duan's factor with weights: the weighted mean of exp(residuals)
    smearing = np.average(np.exp(wls.resid), weights=w[rows])
    assert_allclose(model.regressor_.smearing_factor_, smearing, rtol=1e-10)
    by_hand = (
        glm.predict(sm.add_constant(X))
        * smearing
        * np.exp(wls.predict(sm.add_constant(np.log(X))))
    )
    assert_allclose(model.predict(X), by_hand, rtol=1e-5)


@pytest.mark.parametrize("zeros", ["floor", "offset", "drop"])
def test_integer_weights_are_replicated_rows(zeros):
    X, y, w = _data(zeros=True)
    weighted = _model(zeros=zeros).fit(X, y, sample_weight=w)
    repeated = _model(zeros=zeros).fit(*_repeat(X, y, w))
    assert_allclose(weighted.floors_, repeated.floors_, rtol=1e-12)
    for attr in ("coef_", "intercept_"):
        assert_allclose(
            getattr(weighted.classifier_, attr),
            getattr(repeated.classifier_, attr),
            rtol=1e-5,
        )
    a, b = weighted.regressor_, repeated.regressor_
    assert_allclose(a.coef_, b.coef_, rtol=1e-9)
    assert_allclose(a.intercept_, b.intercept_, rtol=1e-9)
    assert_allclose(a.smearing_factor_, b.smearing_factor_, rtol=1e-12)
    # R² is a weighted sample statistic: copies give the same
    assert_allclose(a.rsquared_, b.rsquared_, rtol=1e-10)
    rows = X[(X > 0).all(axis=1)] if zeros == "drop" else X
    assert_allclose(weighted.predict(rows), repeated.predict(rows), rtol=1e-5)
    # and so are the second part's standard errors, t and F (frequency weights)
    assert weighted.regressor_.df_resid_ == repeated.regressor_.df_resid_
    assert_allclose(a.coef_table_["std_err"], b.coef_table_["std_err"], rtol=1e-8)
    assert_allclose(a.fvalue_, b.fvalue_, rtol=1e-8)


@pytest.mark.parametrize("family", ["gamma", "poisson"])
def test_glm_second_part_with_integer_weights_is_replicated_rows(family):
    X, y, w = _data()
    weighted = _model(second_part=family).fit(X, y, sample_weight=w)
    repeated = _model(second_part=family).fit(*_repeat(X, y, w))
    a, b = weighted.regressor_.results_, repeated.regressor_.results_
    assert_allclose(a.params, b.params, rtol=1e-9)
    # frequency weights: the sandwich, n and the dispersion count copies
    assert_allclose(a.cov_params, b.cov_params, rtol=1e-7)
    assert a.nobs == b.nobs == w[(y > 0).to_numpy()].sum()
    assert_allclose(a.scale, b.scale, rtol=1e-9)
    assert_allclose(weighted.predict(X), repeated.predict(X), rtol=1e-5)


@pytest.mark.parametrize("family", ["gamma", "poisson"])
def test_glm_second_part_is_statsmodels_glm_with_freq_weights(family):
    X, y, w = _data()
    model = _model(second_part=family).fit(X, y, sample_weight=w)
    rows = ((y > 0) & (w > 0)).to_numpy()
    sm_family = sm.families.Gamma if family == "gamma" else sm.families.Poisson
    ref = sm.GLM(
        y[rows].to_numpy(),
        sm.add_constant(np.log(X[rows].to_numpy())),
        family=sm_family(link=sm.families.links.Log()),
        freq_weights=w[rows],
    ).fit(tol=1e-12)
    assert_allclose(model.regressor_.results_.params, ref.params, rtol=1e-7)
    assert_allclose(model.regressor_.results_.scale, ref.pearson_chi2 / ref.df_resid)


def test_zero_weights_are_rows_left_out():
    X, y, w = _data(zeros=True)
    kept = w > 0
    weighted = _model().fit(X, y, sample_weight=w)
    dropped = _model().fit(
        X[kept].reset_index(drop=True),
        y[kept].reset_index(drop=True),
        sample_weight=w[kept],
    )
    assert_allclose(weighted.floors_, dropped.floors_)
    assert_allclose(weighted.predict(X), dropped.predict(X), rtol=1e-6)
    assert_allclose(
        weighted.coef_table_.loc["positive"].to_numpy(),
        dropped.coef_table_.loc["positive"].to_numpy(),
        rtol=1e-9,
    )
    assert_allclose(
        _positive_cov(weighted), _positive_cov(dropped), rtol=1e-7, atol=1e-14
    )


def test_weights_in_other_units_give_the_same_fit():
    X, y, w = _data()
    w = w + 0.5
    # fractional weights read as frequency weights: the library says so
    with pytest.warns(SklearnInnovWarning, match="read as frequency weights"):
        one = _model().fit(X, y, sample_weight=w)
    thousand = _model().fit(X, y, sample_weight=1000 * w)
    assert_allclose(one.regressor_.coef_, thousand.regressor_.coef_, rtol=1e-9)
    assert_allclose(
        one.regressor_.smearing_factor_, thousand.regressor_.smearing_factor_
    )
    # frequency weights: 1000 times the copies. sigma^2 = sum w e^2 / (N - k)
    # and X'WX scale so that the standard errors shrink by sqrt(df ratio)
    ratio = (
        one.coef_table_.loc["positive", "std_err"]
        / thousand.coef_table_.loc["positive", "std_err"]
    )
    df_one, df_big = one.regressor_.df_resid_, thousand.regressor_.df_resid_
    k = len(one.regressor_.coef_) + 1  # N - k: the slopes and the constant
    assert_allclose(df_big, 1000 * (df_one + k) - k, rtol=1e-12)
    assert_allclose(ratio, np.sqrt(df_big / df_one), rtol=1e-9)


def test_pickle_round_trip_and_summary_with_weights():
    X, y, w = _data()
    model = _model().fit(X, y, sample_weight=w)
    again = pickle.loads(pickle.dumps(model))
    assert_allclose(again.predict(X), model.predict(X))
    assert "Part 2" in str(
        TwoPartRegressor(classifier=StepwiseLogit(p_remove=1.0)).fit(X, y).summary()
    )


@pytest.mark.parametrize("robust", [False, True])
def test_weighted_smearing_covariance_is_the_one_of_copies(robust):
    rng = np.random.default_rng(3)
    n = 80
    z = np.column_stack([np.ones(n), rng.normal(size=(n, 2))])
    e = rng.normal(0, 0.4, n)
    e -= z @ np.linalg.lstsq(z, e, rcond=None)[0]  # residuals of a fit
    w = rng.integers(1, 4, n).astype(float)
    V = np.diag([0.02, 0.01, 0.03])
    weighted = smearing_covariance(z, e, V, robust=robust, weights=w)
    copies = smearing_covariance(
        np.repeat(z, w.astype(int), axis=0),
        np.repeat(e, w.astype(int)),
        V,
        robust=robust,
    )
    assert_allclose(weighted, copies, rtol=1e-10)
    # weights of 1 are no weights
    assert_allclose(
        smearing_covariance(z, e, V, robust=robust, weights=np.ones(n)),
        smearing_covariance(z, e, V, robust=robust),
        rtol=1e-10,
    )


# -- designs: the second part as a domain of the whole design -----------------


def svy_meat_loops(scores, strata, psu):
    """svyrecvar's one-stage meat, by loops; every PSU of the design counts."""
    k = scores.shape[1]
    meat = np.zeros((k, k))
    for h in np.unique(strata):
        labels = np.unique(psu[strata == h])
        totals = np.array([scores[psu == c].sum(axis=0) for c in labels])
        centred = totals - totals.mean(axis=0)
        meat += len(labels) / (len(labels) - 1) * centred.T @ centred
    return meat


def _survey(seed=1):
    rng = np.random.default_rng(seed)
    strata = np.repeat(["north", "centre", "south"], 120)
    psu = np.array(
        [f"{h}{i // 15}" for h, i in zip(strata, np.tile(range(120), 3), strict=True)]
    )
    X = pd.DataFrame(rng.uniform(1, 5, (360, 2)), columns=["a", "b"])
    effect = pd.Series(rng.normal(0, 0.3, 24), index=np.unique(psu))[psu].to_numpy()
    p = 1 / (1 + np.exp(-(-1 + 0.4 * X["a"] + effect)))
    positive = rng.random(360) < p
    # one PSU without a positive row: it still counts in its stratum's n_h
    positive[psu == "north0"] = False
    y = np.where(positive, X["a"] ** 0.5 * np.exp(effect + rng.normal(0, 0.3, 360)), 0)
    w = rng.uniform(1, 3, 360)
    return X, pd.Series(y), w, strata, psu


def _stacked_influence(Z, logy, w, beta, factor):
    """Influence rows of (b, S) from the estimating equations, differentiated
    numerically (an independent route to the inverse Jacobian)."""
    k = Z.shape[1]

    def psi(theta):
        e = logy - Z @ theta[:k]
        return np.column_stack([Z * (w * e)[:, None], w * (np.exp(e) - theta[k])])

    theta = np.append(beta, factor)
    jac = np.empty((k + 1, k + 1))
    for j in range(k + 1):
        step = np.zeros(k + 1)
        step[j] = 1e-6
        jac[:, j] = (psi(theta + step).sum(0) - psi(theta - step).sum(0)) / 2e-6
    return psi(theta) @ np.linalg.inv(-jac).T


@pytest.mark.parametrize("weighted", [False, True])
def test_survey_second_part_is_svyglm_on_the_domain(weighted):
    X, y, w, strata, psu = _survey()
    # unweighted, the first part is a StepwiseLogit and cov_params_ is filled
    classifier = _logit() if weighted else StepwiseLogit(p_remove=1.0)
    model = TwoPartRegressor(
        classifier=classifier, regressor=CobbDouglasRegressor(cov_type="survey")
    ).fit(X, y, sample_weight=w if weighted else None, strata=strata, cluster=psu)
    if not weighted:
        w = np.ones_like(w)
    rows = (y > 0).to_numpy()
    Z = np.column_stack([np.ones(rows.sum()), np.log(X[rows].to_numpy())])
    logy = np.log(y[rows].to_numpy())
    bread = np.linalg.inv(Z.T @ (Z * w[rows, None]))
    beta = bread @ Z.T @ (w[rows] * logy)
    scores = np.zeros((len(y), 3))
    scores[rows] = Z * (w[rows] * (logy - Z @ beta))[:, None]
    V = bread @ svy_meat_loops(scores, strata, psu) @ bread
    table = model.coef_table_.loc["positive"]
    assert_allclose(table["coef"], beta, rtol=1e-9)
    assert_allclose(table["std_err"], np.sqrt(np.diag(V)), rtol=1e-8)
    # design df: PSUs with a positive row (23) - strata (3), as R's degf
    assert model.regressor_.design_info_["psus"] == 23
    # the smearing factor's covariance under the same design
    factor = np.average(np.exp(logy - Z @ beta), weights=w[rows])
    influence = np.zeros((len(y), 4))
    influence[rows] = _stacked_influence(Z, logy, w[rows], beta, factor)
    joint = svy_meat_loops(influence, strata, psu)
    cov = _positive_cov(model)
    assert_allclose(cov[:3, :3], V, rtol=1e-8)
    assert_allclose(cov[:3, 3], joint[:3, 3], rtol=1e-5)
    assert_allclose(cov[3, 3], joint[3, 3], rtol=1e-5)


def test_cluster_second_part_is_statsmodels_cr1():
    X, y, w, strata, psu = _survey()
    model = TwoPartRegressor(
        classifier=_logit(), regressor=CobbDouglasRegressor(cov_type="cluster")
    ).fit(X, y, sample_weight=w, cluster=psu)
    rows = (y > 0).to_numpy()
    exog = sm.add_constant(np.log(X[rows].to_numpy()))
    ref = sm.WLS(np.log(y[rows].to_numpy()), exog, weights=w[rows]).fit(
        cov_type="cluster",
        cov_kwds={"groups": pd.factorize(psu[rows])[0]},
        use_t=True,
    )
    table = model.coef_table_.loc["positive"]
    assert_allclose(table["std_err"], ref.bse, rtol=1e-8)
    # the smearing factor under CR1: the stacked influence, clustered
    logy = np.log(y[rows].to_numpy())
    factor = model.regressor_.smearing_factor_
    influence = _stacked_influence(exog, logy, w[rows], ref.params, factor)
    codes = pd.factorize(psu[rows])[0]
    totals = np.array([influence[codes == g].sum(0) for g in range(codes.max() + 1)])
    G, N, K = totals.shape[0], rows.sum(), 3
    joint = G / (G - 1) * (N - 1) / (N - K) * totals.T @ totals
    cov = _positive_cov(model)
    assert_allclose(cov[:3, 3], joint[:3, 3], rtol=1e-5)
    assert_allclose(cov[3, 3], joint[3, 3], rtol=1e-5)


def test_design_without_a_part_that_uses_it_is_refused():
    X, y, w, strata, psu = _survey()
    with pytest.raises(ValueError, match="neither part uses a design.*cov_type"):
        _model().fit(X, y, strata=strata, cluster=psu)


def test_part_without_sample_weight_is_named():
    class Unweighted(CobbDouglasRegressor):
        def fit(self, X, y):
            return super().fit(X, y)

    X, y, w = _data()
    with pytest.raises(ValueError, match="second part, Unweighted, takes no sample"):
        _model(regressor=Unweighted()).fit(X, y, sample_weight=w)


@pytest.mark.parametrize(
    "weights, match",
    [
        (np.r_[-1.0, np.ones(399)], "negative"),
        (np.r_[np.nan, np.ones(399)], "sample_weight"),
        (np.ones(5), "one weight per row"),
    ],
)
def test_bad_weights_are_refused(weights, match):
    X, y, _ = _data()
    with pytest.raises(ValueError, match=match):
        _model().fit(X, y, sample_weight=weights)


@pytest.mark.skipif(
    not _accepts_weights(StepwiseLogit),
    reason="StepwiseLogit.fit takes sample_weight on the lweights branch",
)
def test_stepwise_first_part_with_integer_weights_is_replicated_rows():
    X, y, w = _data()
    model = TwoPartRegressor(classifier=StepwiseLogit(p_remove=1.0))
    weighted = model.fit(X, y, sample_weight=w)
    table = weighted.coef_table_.loc["participation"].copy()
    repeated = TwoPartRegressor(classifier=StepwiseLogit(p_remove=1.0)).fit(
        *_repeat(X, y, w)
    )
    assert_allclose(
        table.to_numpy(),
        repeated.coef_table_.loc["participation"].to_numpy(),
        rtol=1e-7,
    )
    assert_allclose(weighted.predict(X), repeated.predict(X), rtol=1e-7)


@pytest.mark.skipif(
    not _accepts_weights(StepwiseLogit),
    reason="StepwiseLogit.fit takes cov_type='survey' on the lweights branch",
)
def test_survey_design_reaches_both_parts():
    X, y, w, strata, psu = _survey()
    model = TwoPartRegressor(
        classifier=StepwiseLogit(p_remove=1.0, cov_type="survey"),
        regressor=CobbDouglasRegressor(cov_type="survey"),
    ).fit(X, y, sample_weight=w, strata=strata, cluster=psu)
    positive = (y > 0).to_numpy().astype(float)
    Z = np.column_stack([np.ones(len(y)), X.to_numpy()])
    beta = model.classifier_.results_.params
    p = 1 / (1 + np.exp(-Z @ beta))
    bread = np.linalg.inv(Z.T @ (Z * (w * p * (1 - p))[:, None]))
    scores = Z * (w * (positive - p))[:, None]
    V = bread @ svy_meat_loops(scores, strata, psu) @ bread
    table = model.coef_table_.loc["participation"]
    # SPSS's layout puts the constant last
    table = table.loc[["const", *[t for t in table.index if t != "const"]]]
    assert_allclose(table["std_err"], np.sqrt(np.diag(V)), rtol=1e-6)


def test_rows_dropped_for_zeros_keep_their_psu_in_the_design():
    X, y, w, strata, psu = _survey()
    X.loc[X.index % 7 == 0, "b"] = 0.0
    model = TwoPartRegressor(
        classifier=_logit(),
        regressor=CobbDouglasRegressor(cov_type="survey"),
        zeros="drop",
    ).fit(X, y, sample_weight=w, strata=strata, cluster=psu)
    rows = ((y > 0) & (X > 0).all(axis=1)).to_numpy()
    Z = np.column_stack([np.ones(rows.sum()), np.log(X[rows].to_numpy())])
    logy = np.log(y[rows].to_numpy())
    bread = np.linalg.inv(Z.T @ (Z * w[rows, None]))
    beta = bread @ Z.T @ (w[rows] * logy)
    scores = np.zeros((len(y), 3))
    scores[rows] = Z * (w[rows] * (logy - Z @ beta))[:, None]
    V = bread @ svy_meat_loops(scores, strata, psu) @ bread
    table = model.coef_table_.loc["positive"]
    assert_allclose(table["coef"], beta, rtol=1e-9)
    assert_allclose(table["std_err"], np.sqrt(np.diag(V)), rtol=1e-8)
    assert model.regressor_.nobs_ == rows.sum()


@pytest.mark.parametrize("at", ["overall", "mean", {"a": 3.0}])
def test_weighted_marginal_effects_average_as_the_replicated_rows(at):
    """marginal_effects(sample_weight=w) averages over the rows as their w
    copies do (and weights the column means under at="mean"), with the same
    fit; the weights' units do not matter."""
    X, y, w = _data()
    model = TwoPartRegressor(classifier=StepwiseLogit(p_remove=1.0)).fit(
        X, y, sample_weight=w
    )
    weighted = model.marginal_effects(X, at=at, sample_weight=w)
    X_rep = X.loc[X.index.repeat(w)]
    assert_allclose(
        weighted, model.marginal_effects(X_rep, at=at), rtol=1e-9, atol=1e-14
    )
    rescaled = model.marginal_effects(X, at=at, sample_weight=w * 1000.0)
    assert_allclose(rescaled, weighted, rtol=1e-9, atol=1e-14)
    # and the weights matter: the unweighted average differs
    unweighted = model.marginal_effects(X, at=at)
    assert not np.allclose(unweighted["dy_dx"], weighted["dy_dx"], rtol=1e-6)


def test_marginal_effects_refuse_bad_weights():
    X, y, w = _data(n=120)
    model = TwoPartRegressor(classifier=StepwiseLogit(p_remove=1.0)).fit(X, y)
    with pytest.raises(ValueError, match="sample_weight has 3 values but X has 120"):
        model.marginal_effects(X, sample_weight=[1, 2, 3])
    with pytest.raises(ValueError, match="negative"):
        model.marginal_effects(X, sample_weight=-np.ones(120))


def _assert_one_reference(table, statistic, df):
    """p-values and 95% intervals from one distribution: scipy's t or normal."""
    ref = stats.norm if df is None else stats.t(df)
    assert_allclose(table["p_value"], 2 * ref.sf(np.abs(table[statistic])), rtol=1e-8)
    half = ref.isf(0.025) * table["std_err"]
    estimate = table["coef"] if "coef" in table else table["dy_dx"]
    assert_allclose(table["ci_lower"], estimate - half, rtol=1e-10)
    assert_allclose(table["ci_upper"], estimate + half, rtol=1e-10)


@pytest.mark.skipif(
    not _accepts_weights(StepwiseLogit),
    reason="StepwiseLogit.fit takes cov_type='survey' on the lweights branch",
)
def test_design_fit_tables_use_t_on_the_design_df_throughout():
    X, y, w, strata, psu = _survey()
    model = TwoPartRegressor(
        classifier=StepwiseLogit(p_remove=1.0, cov_type="survey"),
        regressor=CobbDouglasRegressor(cov_type="survey"),
    ).fit(X, y, sample_weight=w, strata=strata, cluster=psu)
    # svyglm's residual df: PSUs - strata + 1 - parameters; the positive
    # part's domain counts the PSUs with a positive row (R's degf of a subset)
    n_strata = np.unique(strata).size
    logit_df = np.unique(psu).size - n_strata + 1 - 3
    domain_df = np.unique(psu[(y > 0).to_numpy()]).size - n_strata + 1 - 3
    assert (logit_df, domain_df) == (19, 18)
    table = model.coef_table_
    _assert_one_reference(table.loc["participation"], "statistic", logit_df)
    _assert_one_reference(table.loc["positive"], "statistic", domain_df)
    # the normal's interval would be narrower: the test can fail
    assert stats.t.isf(0.025, logit_df) > stats.norm.isf(0.025) + 0.1
    # design-based covariance: t on the smaller design df of the parts
    effects = model.marginal_effects(X, sample_weight=w)
    assert "t" in effects and "z" not in effects
    _assert_one_reference(effects, "t", min(logit_df, domain_df))


def test_plain_fit_logit_rows_and_effects_use_the_normal():
    X, y, _ = _data()
    model = TwoPartRegressor(classifier=StepwiseLogit(p_remove=1.0)).fit(X, y)
    table = model.coef_table_
    _assert_one_reference(table.loc["participation"], "statistic", None)
    # the Cobb-Douglas keeps its t on n - k
    n_positive = int((y > 0).sum())
    _assert_one_reference(table.loc["positive"], "statistic", n_positive - 4)
    effects = model.marginal_effects(X)
    assert "z" in effects and "t" not in effects
    _assert_one_reference(effects, "z", None)


@pytest.mark.skipif(
    not _accepts_weights(StepwiseLogit),
    reason="StepwiseLogit.fit takes cov_type='survey' on the lweights branch",
)
def test_report_names_each_reference_distribution():
    X, y, w, strata, psu = _survey()
    design = TwoPartRegressor(
        classifier=StepwiseLogit(p_remove=1.0, cov_type="survey"),
        regressor=CobbDouglasRegressor(cov_type="survey"),
    ).fit(X, y, sample_weight=w, strata=strata, cluster=psu)
    assert _two_part_reference(design, "t") == (
        "Reference distributions of the p-values and 95% intervals: "
        "participation part: Student's t on 19 df; positive part: Student's t "
        "on 18 df; average marginal effects: Student's t on 18 df "
        "(design-based covariance)."
    )
    X, y, _ = _data()
    plain = TwoPartRegressor(classifier=StepwiseLogit(p_remove=1.0)).fit(X, y)
    df = int((y > 0).sum()) - 4
    assert _two_part_reference(plain, "z") == (
        "Reference distributions of the p-values and 95% intervals: "
        f"participation part: the normal (z); positive part: Student's t on {df} "
        "df; average marginal effects: the normal (z)."
    )
