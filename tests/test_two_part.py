"""TwoPartRegressor against statsmodels (Logit and OLS on logs), finite
differences of its own predictions, and a nonparametric bootstrap."""

import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from numpy.testing import assert_allclose
from scipy import special
from sklearn.model_selection import GridSearchCV

from sklearn_innov import CobbDouglasRegressor, StepwiseLogit, TwoPartRegressor


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
        (lambda y: y.where(y.index != 3, np.nan), "NaN or infinite"),
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
    assert "column(s) 1 of X (by position) (2 row(s))" in message
    assert "x1" not in message and "clip" in message
    model = TwoPartRegressor(zeros="drop").fit(X.to_numpy(), y)
    zero = X.to_numpy()[:3].copy()
    zero[0, 2] = 0.0
    with pytest.raises(ValueError, match=r"column\(s\) 2 of X \(by position\) are 0"):
        model.predict(zero)
