"""TwoPartRegressor against statsmodels (Logit and OLS on logs), finite
differences of its own predictions, and a nonparametric bootstrap."""

import pickle
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from numpy.testing import assert_allclose
from scipy import special
from sklearn.model_selection import GridSearchCV

from sklearn_innov import CobbDouglasRegressor, StepwiseLogit, TwoPartRegressor

DATA = Path(__file__).parent / "data"


def _data(n=1000, seed=0, zeros=False):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(rng.uniform(1, 5, (n, 3)), columns=["a", "b", "c"])
    if zeros:
        X.loc[rng.random(n) < 0.2, "c"] = 0.0
    p = 1 / (1 + np.exp(-(-2 + 0.5 * X["a"] + 0.3 * X["b"])))
    positive = rng.random(n) < p
    level = 2 * X["a"] ** 0.4 * np.maximum(X["c"], 0.5) ** 0.2
    y = np.where(positive, level * np.exp(rng.normal(0, 0.3, n)), 0.0)
    return X, pd.Series(y, name="y")


def _plain_model(**kwargs):
    """No selection (p_remove=1.0), so statsmodels' Logit is the oracle."""
    return TwoPartRegressor(classifier=StepwiseLogit(p_remove=1.0), **kwargs)


@pytest.fixture(scope="module")
def fitted():
    X, y = _data()
    return _plain_model().fit(X, y), X, y


def test_parts_are_statsmodels_logit_and_ols_on_logs(fitted):
    model, X, y = fitted
    positive = y > 0
    logit = sm.Logit(positive.astype(int), sm.add_constant(X)).fit(disp=0)
    ols = sm.OLS(np.log(y[positive]), sm.add_constant(np.log(X[positive]))).fit()
    table = model.coef_table_
    part1 = table.loc["participation"]
    assert_allclose(
        part1.loc[["const", "a", "b", "c"], "coef"], logit.params, rtol=1e-6
    )
    assert_allclose(
        part1.loc[["const", "a", "b", "c"], "std_err"], logit.bse, rtol=1e-5
    )
    part2 = table.loc["positive"]
    assert_allclose(part2["coef"], ols.params, rtol=1e-8)
    assert_allclose(part2["std_err"], ols.bse, rtol=1e-8)
    # predict = P(y > 0) * smeared exp(ln-linear prediction), by hand
    smearing = np.mean(np.exp(ols.resid))
    by_hand = (
        logit.predict(sm.add_constant(X))
        * smearing
        * np.exp(ols.predict(sm.add_constant(np.log(X))))
    )
    assert_allclose(model.predict(X), by_hand, rtol=1e-6)
    assert_allclose(
        model.predict_participation(X), logit.predict(sm.add_constant(X)), rtol=1e-6
    )


def test_marginal_effects_are_the_derivatives_of_predict(fitted):
    model, X, _ = fitted
    effects = model.marginal_effects(X)
    predicted = model.predict(X)
    for name in X.columns:
        h = 1e-5
        up, down = X.copy(), X.copy()
        up[name] += h
        down[name] -= h
        derivative = (model.predict(up) - model.predict(down)) / (2 * h)
        row = effects.loc[name]
        assert_allclose(row.loc["total", "dy_dx"], derivative.mean(), rtol=1e-6)
        assert_allclose(
            row.loc["total", "elasticity"],
            np.mean(derivative * X[name] / predicted),
            rtol=1e-6,
        )
        assert_allclose(
            row.loc["total", ["dy_dx", "elasticity"]].to_numpy(float),
            row.loc["extensive", ["dy_dx", "elasticity"]].to_numpy(float)
            + row.loc["intensive", ["dy_dx", "elasticity"]].to_numpy(float),
            rtol=1e-10,
        )
    # the intensive elasticity of a log-log second part is its coefficient
    assert_allclose(
        effects.xs("intensive", level="margin")["elasticity"],
        model.regressor_.coef_,
        rtol=1e-8,
    )
    assert_allclose(
        effects.xs("intensive", level="margin")["elasticity_se"],
        model.regressor_.coef_table_["std_err"].iloc[1:],
        rtol=1e-5,
    )


def test_delta_method_agrees_with_a_bootstrap():
    """Within Monte Carlo error: with B = 150 a bootstrap SE is off by ~6%."""
    X, y = _data(n=600, seed=1)
    model = _plain_model().fit(X, y)
    delta = model.marginal_effects(X)
    rng = np.random.default_rng(11)
    draws = []
    for _ in range(150):
        rows = rng.integers(0, len(y), len(y))
        refit = _plain_model().fit(X.iloc[rows], y.iloc[rows])
        draws.append(refit.marginal_effects(X)[["dy_dx", "elasticity"]].to_numpy())
    boot_se = np.std(np.array(draws), axis=0, ddof=1)
    ratio = delta[["std_err", "elasticity_se"]].to_numpy() / boot_se
    assert np.all((ratio > 0.75) & (ratio < 1.33)), ratio


def test_zero_regressor_policies():
    X, y = _data(zeros=True)
    positive = y > 0
    floor = _plain_model().fit(X, y)
    smallest = X.loc[positive & (X["c"] > 0), "c"].min()
    assert floor.floors_[2] == smallest / 2
    floored = X[positive].replace({"c": {0.0: smallest / 2}})
    ref = CobbDouglasRegressor().fit(floored, y[positive])
    assert_allclose(floor.regressor_.coef_, ref.coef_, rtol=1e-10)
    offset = _plain_model(zeros="offset").fit(X, y)
    ref = CobbDouglasRegressor().fit(X[positive] + 1.0, y[positive])
    assert_allclose(offset.regressor_.coef_, ref.coef_, rtol=1e-10)
    drop = _plain_model(zeros="drop").fit(X, y)
    keep = positive & (X["c"] > 0)
    ref = CobbDouglasRegressor().fit(X[keep], y[keep])
    assert_allclose(drop.regressor_.coef_, ref.coef_, rtol=1e-10)
    with pytest.raises(ValueError, match="zeros='drop' fitted the second part"):
        drop.predict(X)
    assert np.isfinite(drop.predict(X[X["c"] > 0])).all()


@pytest.mark.parametrize(
    ("y", "match"),
    [
        (lambda y: y - 1.0, "needs y >= 0"),
        (lambda y: y * 0.0, "Every outcome is 0"),
        (
            lambda y: y.where(y.index != 3, np.nan),
            r"TwoPartRegressor: y contains NaN in 1 row \(row 3\)",
        ),
    ],
)
def test_bad_outcomes_are_named(y, match):
    X, target = _data(n=200)
    with pytest.raises(ValueError, match=match):
        TwoPartRegressor().fit(X, y(target))


def test_negative_regressors_are_refused():
    X, y = _data(n=200)
    X.loc[0, "b"] = -1.0
    with pytest.raises(ValueError, match="Negative values in data.*'b'"):
        TwoPartRegressor().fit(X, y)


def test_grid_search_tunes_both_parts():
    X, y = _data(n=300)
    model = TwoPartRegressor(
        classifier=StepwiseLogit(), regressor=CobbDouglasRegressor()
    )
    assert "classifier__p_remove" in model.get_params(deep=True)
    search = GridSearchCV(
        model,
        {
            "classifier__p_remove": [0.1, 1.0],
            "regressor__cov_type": ["nonrobust", "HC3"],
        },
        cv=3,
    ).fit(X, y)
    assert len(search.cv_results_["params"]) == 4
    # the parts are clones: the unfitted parameters are untouched
    assert not hasattr(model.classifier, "coef_")


def test_pickle_round_trip_and_summary(fitted):
    model, X, _ = fitted
    loaded = pickle.loads(pickle.dumps(model))
    assert_allclose(loaded.predict(X), model.predict(X))
    text = str(model.summary())
    assert "Part 1, P(y > 0): Variables in the Equation" in text
    assert "Part 2, E[y | y > 0]: Coefficient and t by term" in text
    assert str(loaded.summary()) == text


@pytest.mark.parametrize("unit", [1e7, 1e-7])
def test_marginal_effects_do_not_depend_on_a_covariates_units(fitted, unit):
    """Elasticities and z statistics are unit-free; dy/dx scales by 1/unit."""
    model, X, y = fitted
    scaled = X.assign(a=X["a"] * unit)
    refit = _plain_model().fit(scaled, y)
    ours, ref = refit.marginal_effects(scaled), model.marginal_effects(X)
    assert_allclose(
        ours[["z", "elasticity", "elasticity_se"]],
        ref[["z", "elasticity", "elasticity_se"]],
        rtol=1e-5,
    )
    assert_allclose(ours.loc["a", "dy_dx"] * unit, ref.loc["a", "dy_dx"], rtol=1e-5)


# -- messages in this model's own parameters -----------------------------------


def test_too_few_positive_rows_says_how_many_and_which_parameter():
    X, _ = _data(n=40)
    y = np.zeros(40)
    y[:2] = [1.0, 2.0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the logit of 2 events warns
        with pytest.raises(ValueError) as exc:
            TwoPartRegressor().fit(X, y)
    message = str(exc.value)
    assert "needs at least 5 rows with y > 0; found 2 of 40" in message
    assert "regressor=CobbDouglasRegressor(fit_intercept=False)" in message
    # the parameter it names exists, and with it 4 rows would be enough
    y[:4] = [1.0, 2.0, 1.5, 3.0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        TwoPartRegressor(regressor=CobbDouglasRegressor(fit_intercept=False)).fit(X, y)


# c = 0 exactly where y > 0: the participation logit is separated, and says so
@pytest.mark.filterwarnings("ignore::sklearn_innov.exceptions.SeparationWarning")
def test_drop_that_removes_every_positive_row_is_explained():
    X, y = _data(n=200)
    X.loc[y > 0, "c"] = 0.0
    with pytest.raises(ValueError) as exc:
        TwoPartRegressor(zeros="drop").fit(X, y)
    n_positive = int((y > 0).sum())
    message = str(exc.value)
    assert f"found 0 of 200 ({n_positive} before zeros='drop' left out" in message
    assert "set zeros='floor' or 'offset'" in message
    assert "0 sample(s)" not in message


def test_log_transform_output_is_refused():
    from sklearn_innov import LogTransform

    X, y = _data(n=200)
    with pytest.raises(ValueError, match=r"double log.*zeros='offset'"):
        TwoPartRegressor().fit(LogTransform().fit_transform(X), y)


def test_predict_is_finite_where_participation_underflows():
    """P(y > 0) = 0 and E[y | y > 0] = inf in double precision: 0 x inf."""
    rng = np.random.default_rng(1)
    n = 600
    X = pd.DataFrame(rng.uniform(1, 5, (n, 2)), columns=["a", "b"])
    p = 1 / (1 + np.exp(-(6 - 1.0 * X["a"] - 1.0 * X["b"])))
    positive = rng.random(n) < p
    level = X["a"] ** 0.3 * X["b"] ** 2.0 * np.exp(rng.normal(0, 0.2, n))
    y = np.where(positive, level, 0.0)
    model = _plain_model().fit(X, y)
    logit = model.classifier_.coef_table_["coef"]
    ols = model.regressor_.coef_table_["coef"]
    assert logit["b"] < 0 and ols["b"] > 1
    # P(y > 0) underflows to 0 in both rows; E[y | y > 0] overflows in the second
    extreme = pd.DataFrame({"a": [3.0, 3.0], "b": [900.0, 1e200]})
    eta = logit["const"] + extreme.to_numpy() @ logit[["a", "b"]].to_numpy()
    log_mu = (
        ols["const"]
        + np.log(extreme.to_numpy()) @ ols[["a", "b"]].to_numpy()
        + np.log(model.regressor_.smearing_factor_)
    )
    participation = model.predict_participation(extreme)
    level = model.predict_positive(extreme)  # overflows to inf, no warning
    assert (participation == 0).all() and np.isinf(level[1])
    with np.errstate(invalid="ignore"):
        assert np.isnan(participation[1] * level[1])  # what predict returned
    predicted = model.predict(extreme)
    assert np.isfinite(predicted).all()
    # closed form in logs: ln E = ln expit(eta) + ln mu
    assert_allclose(predicted, np.exp(special.log_expit(eta) + log_mu), rtol=1e-12)
    assert predicted[1] == 0.0


def test_messages_name_array_columns_by_position_never_x0():
    X, y = _data(n=200)
    values = X.to_numpy().copy()
    values[[0, 1], 1] = -0.5
    with pytest.raises(ValueError) as exc:
        TwoPartRegressor().fit(values, y)
    message = str(exc.value)
    assert "column 1 of X (by position) (2 rows)" in message
    assert "x1" not in message and "clip" in message
    model = TwoPartRegressor(zeros="drop").fit(X.to_numpy(), y)
    zero = X.to_numpy()[:3].copy()
    zero[0, 2] = 0.0
    with pytest.raises(
        ValueError, match=r"column 2 of X \(by position\) is 0 in 1 row:"
    ):
        model.predict(zero)


# -- Duan's smearing factor in the standard errors ------------------------------


def _medexp():
    """MedExp's first 2,000 rows (tests/data/README.md): 20% spend nothing."""
    frame = pd.read_csv(DATA / "medexp.csv")
    return frame[["age", "educdec", "linc"]], frame["med"]


def _bootstrap_margins(X, y, n_boot, seed):
    """Pairs bootstrap of the average effects, every resample fitted at once.

    A resample is a vector of multinomial counts, so each fit is a weighted
    fit of the original rows: the logit by batched Newton steps, the OLS in
    logs by batched normal equations, Duan's factor as a weighted mean. The
    effects are averaged over the original X, as ``marginal_effects(X)``.
    """
    x, y = X.to_numpy(), y.to_numpy()
    n, k = x.shape
    D = np.column_stack([np.ones(n), x])
    Z = np.column_stack([np.ones(n), np.log(x)])
    positive = y > 0
    log_y = np.log(np.where(positive, y, 1.0))
    counts = np.random.default_rng(seed).multinomial(n, np.full(n, 1 / n), n_boot)
    gamma = np.zeros((n_boot, k + 1))
    for _ in range(50):
        p = special.expit(gamma @ D.T)
        score = (counts * (positive - p)) @ D
        info = np.einsum("bi,ij,il->bjl", counts * p * (1 - p), D, D)
        step = np.linalg.solve(info, score[..., None])[..., 0]
        gamma += step
        if np.abs(step).max() < 1e-10:
            break
    w = counts * positive
    beta = np.linalg.solve(
        np.einsum("bi,ij,il->bjl", w, Z, Z), ((w * log_y) @ Z)[..., None]
    )[..., 0]
    smearing = (w * np.exp(log_y - beta @ Z.T)).sum(axis=1) / w.sum(axis=1)
    p = special.expit(gamma @ D.T)
    mu = smearing[:, None] * np.exp(beta @ Z.T)
    extensive = np.mean(p * (1 - p) * mu, axis=1)[:, None] * gamma[:, 1:]
    intensive = beta[:, 1:] * ((p * mu) @ (1 / x)) / n
    margins = np.stack([extensive + intensive, extensive, intensive], axis=-1)
    return margins.reshape(n_boot, -1), smearing


def test_smearing_variance_brings_the_delta_method_to_the_bootstrap():
    """The issue's MedExp case: with Duan's factor held fixed the SE of age's
    total effect is 0.40 against a bootstrap SD of 0.65; with it, every SE is
    within 15% of the bootstrap (B = 1000: the SD's own Monte Carlo error is
    about 1 / sqrt(2B) = 2%)."""
    X, y = _medexp()
    model = _plain_model(regressor=CobbDouglasRegressor(cov_type="HC1")).fit(X, y)
    effects = model.marginal_effects(X)
    draws, smearing = _bootstrap_margins(X, y, 1000, seed=0)
    boot_sd = draws.std(axis=0, ddof=1)
    ratio = effects["std_err"].to_numpy() / boot_sd
    assert np.all(np.abs(ratio - 1) < 0.15), ratio
    factor_se = np.sqrt(model.cov_params_.loc[("positive", "smearing")].iloc[-1])
    assert abs(factor_se / smearing.std(ddof=1) - 1) < 0.15
    # the problem reproduced: Duan's factor held fixed, as before. Without
    # smearing dy/dx and its SE are both divided by the (fixed) factor
    unsmeared = _plain_model(
        regressor=CobbDouglasRegressor(cov_type="HC1", smearing=False)
    ).fit(X, y)
    fixed = unsmeared.marginal_effects(X)["std_err"] * model.regressor_.smearing_factor_
    assert fixed[("age", "total")] / boot_sd[0] < 0.65


def test_smearing_covariance_matches_a_simulation():
    """Homoskedastic, skewed log errors (the case smearing is built for): the
    non-robust joint covariance of (intercept, slope, S) against the spread of
    5,000 simulated samples, fitted at once by batched least squares."""
    from sklearn_innov._core import smearing_covariance

    rng = np.random.default_rng(3)
    n, n_sim = 400, 5000
    z = np.column_stack([np.ones(n), rng.uniform(0, 2, n)])
    errors = rng.gamma(2.0, 0.25, (n_sim, n)) - 0.5  # mean 0, skewed
    log_y = z @ np.array([1.0, 0.5]) + errors
    beta = np.linalg.lstsq(z, log_y.T, rcond=None)[0].T
    resid = log_y - beta @ z.T
    sims = np.column_stack([beta, np.exp(resid).mean(axis=1)])
    simulated = np.cov(sims, rowvar=False)
    # the formula on one sample, its covariance of b the classical one
    e = resid[0]
    cov_b = e @ e / (n - 2) * np.linalg.inv(z.T @ z)
    ours = smearing_covariance(z, e, cov_b, robust=False)
    sd = np.sqrt(np.diag(simulated))
    assert_allclose(np.sqrt(np.diag(ours)), sd, rtol=0.1)
    corr = ours / np.outer(np.sqrt(np.diag(ours)), np.sqrt(np.diag(ours)))
    assert_allclose(corr, simulated / np.outer(sd, sd), atol=0.05)
    # the robust form agrees under homoskedasticity
    robust = smearing_covariance(z, e, cov_b, robust=True)
    assert_allclose(np.sqrt(robust[2, 2]), sd[2], rtol=0.1)


# -- where the effects are taken: at= -------------------------------------------


@pytest.mark.parametrize(
    "at", ["mean", {"a": 2.0}, {"a": 4.5, "c": 1.5}], ids=["mean", "a", "a+c"]
)
def test_marginal_effects_at_are_the_derivatives_of_predict_there(fitted, at):
    model, X, _ = fitted
    if at == "mean":
        rows = X.mean().to_frame().T
    else:
        rows = X.assign(**at)
    effects = model.marginal_effects(X, at=at)
    predicted = model.predict(rows)
    for name in X.columns:
        h = 1e-5
        up, down = rows.copy(), rows.copy()
        up[name] += h
        down[name] -= h
        derivative = (model.predict(up) - model.predict(down)) / (2 * h)
        row = effects.loc[name]
        assert_allclose(row.loc["total", "dy_dx"], derivative.mean(), rtol=1e-6)
        assert_allclose(
            row.loc["total", "elasticity"],
            np.mean(derivative * rows[name] / predicted),
            rtol=1e-6,
        )
    # "overall" over one row is the effect at that row
    assert_allclose(
        model.marginal_effects(X.mean().to_frame().T).to_numpy(),
        model.marginal_effects(X, at="mean").to_numpy(),
    )


@pytest.mark.parametrize(
    ("at", "match"),
    [
        ({"d": 1.0}, r"at names 'd', which are not features.*'a', 'b', 'c'"),
        ({"a": -1.0}, r"at\['a'\] = -1.0: the value must be finite and >= 0"),
        ("median", "at must be 'overall', 'mean' or a dict"),
    ],
)
def test_bad_at_is_named(fitted, at, match):
    model, X, _ = fitted
    with pytest.raises(ValueError, match=match):
        model.marginal_effects(X, at=at)


# -- a log-link GLM second part (twopm's secondpart(glm, link(log))) ------------

FAMILIES = {
    "gamma": sm.families.Gamma(sm.families.links.Log()),
    "poisson": sm.families.Poisson(),
}


@pytest.fixture(scope="module", params=sorted(FAMILIES))
def glm_fitted(request):
    X, y = _medexp()
    model = _plain_model(second_part=request.param).fit(X, y)
    return model, X, y, request.param


def _statsmodels_parts(X, y, family):
    positive = y > 0
    logit = sm.Logit(positive.astype(int), sm.add_constant(X)).fit(disp=0)
    glm = sm.GLM(
        y[positive], sm.add_constant(np.log(X[positive])), family=FAMILIES[family]
    ).fit(cov_type="HC0", tol=1e-12)
    return logit, glm


def test_glm_second_part_is_statsmodels_glm_with_robust_errors(glm_fitted):
    model, X, y, family = glm_fitted
    _, glm = _statsmodels_parts(X, y, family)
    part2 = model.coef_table_.loc["positive"]
    assert_allclose(part2["coef"], glm.params, rtol=1e-7)
    assert_allclose(part2["std_err"], glm.bse, rtol=1e-6)
    assert_allclose(part2["p_value"], glm.pvalues, rtol=1e-5, atol=1e-12)
    # no smearing: E[y | y > 0] is the GLM's mean itself
    assert_allclose(
        model.predict_positive(X), glm.predict(sm.add_constant(np.log(X))), rtol=1e-7
    )
    assert ("positive", "smearing") not in model.cov_params_.index


def test_glm_marginal_effects_match_a_hand_delta_method(glm_fitted):
    """dE/dx_k averaged over rows, its gradient written out by hand, and the
    covariances of statsmodels' Logit and GLM (HC0) stacked block-diagonally."""
    model, X, y, family = glm_fitted
    logit, glm = _statsmodels_parts(X, y, family)
    x = X.to_numpy()
    D = np.column_stack([np.ones(len(x)), x])
    Z = np.column_stack([np.ones(len(x)), np.log(x)])
    g, b = logit.params.to_numpy(), glm.params.to_numpy()
    p = special.expit(D @ g)
    mu = np.exp(Z @ b)
    q = p * (1 - p)
    V = np.zeros((8, 8))
    V[:4, :4] = logit.cov_params()
    V[4:, 4:] = glm.cov_params()
    effects = model.marginal_effects(X).xs("total", level="margin")
    for k, name in enumerate(X.columns, start=1):
        dydx = np.mean(q * g[k] * mu + p * mu * b[k] / x[:, k - 1])
        grad_g = (q * (1 - 2 * p) * g[k] * mu + q * mu * b[k] / x[:, k - 1]) @ D
        grad_g = grad_g / len(x)
        grad_g[k] += np.mean(q * mu)
        grad_b = (q * g[k] * mu + p * mu * b[k] / x[:, k - 1]) @ Z / len(x)
        grad_b[k] += np.mean(p * mu / x[:, k - 1])
        J = np.concatenate([grad_g, grad_b])
        assert_allclose(effects.loc[name, "dy_dx"], dydx, rtol=1e-7)
        assert_allclose(effects.loc[name, "std_err"], np.sqrt(J @ V @ J), rtol=1e-4)


def test_glm_marginal_effects_are_the_derivatives_of_predict(glm_fitted):
    model, X, _, _ = glm_fitted
    for at, rows in (("overall", X), ("mean", X.mean().to_frame().T)):
        effects = model.marginal_effects(X, at=at)
        for name in X.columns:
            h = 1e-4 * X[name].std()
            up, down = rows.copy(), rows.copy()
            up[name] += h
            down[name] -= h
            derivative = (model.predict(up) - model.predict(down)) / (2 * h)
            assert_allclose(
                effects.loc[(name, "total"), "dy_dx"], derivative.mean(), rtol=1e-6
            )
    # the intensive elasticity of the log-link mean is its coefficient
    assert_allclose(
        effects.xs("intensive", level="margin")["elasticity"],
        model.regressor_.coef_,
        rtol=1e-10,
    )


def test_glm_model_survives_pickle_and_prints(glm_fitted):
    model, X, _, family = glm_fitted
    loaded = pickle.loads(pickle.dumps(model))
    assert_allclose(loaded.predict(X), model.predict(X))
    assert_allclose(loaded.marginal_effects(X), model.marginal_effects(X))
    text = " ".join(str(loaded.summary()).split())
    assert "of y on ln age, ln educdec, ln linc, fitted in levels" in text
    assert "GLM, log link, variance" in text and f"({family})" in text.lower()
    assert "needs no smearing" in text
    assert "Breusch-Pagan" not in text


def test_second_part_and_regressor_are_one_or_the_other():
    X, y = _data(n=200)
    with pytest.raises(ValueError, match="Pass one or the other"):
        TwoPartRegressor(regressor=CobbDouglasRegressor(), second_part="gamma").fit(
            X, y
        )


# -- the homoskedasticity smearing assumes, read from a test --------------------


@pytest.mark.parametrize("spread", [0.0, 1.0], ids=["constant", "growing"])
def test_summary_reads_breusch_pagan_from_its_p_value(spread):
    from statsmodels.stats.diagnostic import het_breuschpagan

    rng = np.random.default_rng(4)
    X, y = _data(n=1500, seed=4)
    positive = (y > 0).to_numpy()
    # log errors whose SD grows with a (or not)
    sd = 0.3 * np.exp(spread * (np.log(X["a"]) - 0.8))
    y = pd.Series(
        np.where(
            positive, 2 * X["a"] ** 0.4 * np.exp(sd * rng.normal(size=len(y))), 0.0
        )
    )
    model = _plain_model().fit(X, y)
    Z = sm.add_constant(np.log(X[positive]))
    lm, lm_p, _, _ = het_breuschpagan(model.regressor_.resid_, Z)
    text = " ".join(str(model.summary()).split())
    assert f"residuals on ln a, ln b, ln c: LM = {lm:.2f}, df = 3" in text
    if spread:
        assert lm_p < 1e-3 and "significant at 5% (p < 0.001)" in text
    else:
        assert 0.05 < lm_p < 1
        assert f"not significant at 5% (p = {lm_p:.3f})" in text
    assert "homoskedasticity" in text


def test_glm_second_part_follows_units_of_y_and_x(glm_fitted):
    """y in other units scales dy/dx and the GLM's intercept only; x in other
    units scales its dy/dx and leaves every elasticity and z as it was."""
    model, X, y, family = glm_fitted
    ref = model.marginal_effects(X)
    in_cents = _plain_model(second_part=family).fit(X, y * 100)
    part2 = in_cents.coef_table_.loc["positive", "coef"]
    assert_allclose(
        part2.iloc[1:], model.coef_table_.loc["positive", "coef"].iloc[1:], rtol=1e-7
    )
    assert_allclose(
        part2["const"],
        model.coef_table_.loc[("positive", "const"), "coef"] + np.log(100),
        rtol=1e-8,
    )
    cents = in_cents.marginal_effects(X)
    assert_allclose(cents["dy_dx"], ref["dy_dx"] * 100, rtol=1e-6)
    assert_allclose(cents[["z", "elasticity"]], ref[["z", "elasticity"]], rtol=1e-5)
    months = X.assign(age=X["age"] * 12)
    ours = _plain_model(second_part=family).fit(months, y).marginal_effects(months)
    assert_allclose(ours.loc["age", "dy_dx"] * 12, ref.loc["age", "dy_dx"], rtol=1e-5)
    assert_allclose(
        ours[["z", "elasticity", "elasticity_se"]],
        ref[["z", "elasticity", "elasticity_se"]],
        rtol=1e-5,
    )


def test_glm_collinear_logs_are_named_in_this_models_words():
    X, y = _data(n=300)
    X = X.assign(c=X["a"] ** 2)  # ln c = 2 ln a
    with pytest.raises(ValueError) as exc:
        TwoPartRegressor(second_part="gamma").fit(X, y)
    message = str(exc.value)
    assert "second_part='gamma'): columns 'a', 'c' are (nearly) linear" in message
    with pytest.raises(ValueError, match=r"columns 0, 2 of X \(by position\)"):
        TwoPartRegressor(second_part="poisson").fit(X.to_numpy(), y)


def test_at_takes_positions_when_x_had_no_names(fitted):
    model, X, y = fitted
    bare = _plain_model().fit(X.to_numpy(), y.to_numpy())
    assert_allclose(
        bare.marginal_effects(X.to_numpy(), at={0: 2.0}).to_numpy(),
        model.marginal_effects(X, at={"a": 2.0}).to_numpy(),
        rtol=1e-8,
    )
    with pytest.raises(ValueError, match="no column names: use positions 0 to 2"):
        bare.marginal_effects(X.to_numpy(), at={"x0": 2.0})


def test_negative_index_message_names_the_way_out():
    # a z-scored or fold-scaled index below 0: the message names the
    # CompositeIndex option that keeps new rows in range, and the column
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.uniform(0.1, 1, 60), "b": rng.uniform(0.1, 1, 60)})
    y = np.where(rng.random(60) < 0.5, 0.0, rng.uniform(1, 5, 60))
    X.loc[3, "b"] = -0.2
    with pytest.raises(ValueError, match=r"'b'.*out_of_range='clip'"):
        TwoPartRegressor().fit(X, y)
