"""Controls in levels: CobbDouglasRegressor(levels=...), [model] controls.

Oracle: statsmodels OLS of ln y on ln X and the controls as they are.
"""

import pickle

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from numpy.testing import assert_allclose

from sklearn_innov import CobbDouglasRegressor

RTOL = 1e-8


@pytest.fixture
def firms():
    rng = np.random.default_rng(7)
    n = 150
    metro = rng.choice(["Tijuana", "Juárez", "Monterrey"], size=n)
    size = rng.normal(0, 1, n)  # negative values: allowed in levels
    X1 = rng.uniform(0.2, 3, n)
    X3 = rng.uniform(0.2, 3, n)
    X = pd.DataFrame(
        {
            "X1": X1,
            "X3": X3,
            "size": size,
            "metro_area[Monterrey]": (metro == "Monterrey").astype(float),
            "metro_area[Tijuana]": (metro == "Tijuana").astype(float),
        }
    )
    log_y = (
        0.3
        + 0.2 * np.log(X1)
        + 0.4 * np.log(X3)
        + 0.1 * size
        + 0.3 * X["metro_area[Tijuana]"]
        + rng.normal(0, 0.4, n)
    )
    return X, np.exp(log_y)


def _oracle(X, y, levels, const=True):
    design = pd.DataFrame({c: X[c] if c in levels else np.log(X[c]) for c in X.columns})
    if const:
        design = sm.add_constant(design)
    return sm.OLS(np.log(y), design).fit()


@pytest.mark.parametrize("const", [True, False])
@pytest.mark.parametrize("cov_type", ["nonrobust", "HC1"])
def test_levels_match_statsmodels(firms, const, cov_type):
    X, y = firms
    levels = ["size", "metro_area[Monterrey]", "metro_area[Tijuana]"]
    model = CobbDouglasRegressor(
        levels=levels, fit_intercept=const, cov_type=cov_type
    ).fit(X, y)
    ref = _oracle(X, y, levels, const)
    if cov_type != "nonrobust":
        ref = ref.get_robustcov_results(cov_type=cov_type, use_t=True)
    table = model.coef_table_
    assert_allclose(table["coef"], ref.params, rtol=RTOL)
    assert_allclose(table["std_err"], ref.bse, rtol=RTOL)
    assert_allclose(table["t"], ref.tvalues, rtol=RTOL)
    assert_allclose(table["p_value"], ref.pvalues, rtol=1e-7)
    assert_allclose(model.rsquared_, ref.rsquared, rtol=RTOL)
    assert_allclose(model.fvalue_, np.squeeze(ref.fvalue), rtol=RTOL)
    # the sum of elasticities is over the logged columns only
    rts = model.diagnostics()["returns_to_scale"]
    test = ref.t_test("X1 + X3 = 1")
    params = pd.Series(ref.params, index=ref.model.exog_names)
    assert_allclose(rts["sum"], params["X1"] + params["X3"], rtol=RTOL)
    assert_allclose(rts["t"], float(np.squeeze(test.tvalue)), rtol=RTOL)


def test_levels_by_position_on_an_array(firms):
    X, y = firms
    levels = ["size", "metro_area[Monterrey]", "metro_area[Tijuana]"]
    model = CobbDouglasRegressor(levels=[2, 3, 4]).fit(X.to_numpy(), y)
    ref = _oracle(X, y, levels)
    assert_allclose(model.coef_, ref.params.to_numpy()[1:], rtol=RTOL)
    assert_allclose(model.intercept_, ref.params["const"], rtol=RTOL)
    assert_allclose(model.predict_log(X.to_numpy()), ref.fittedvalues, rtol=RTOL)
    assert list(model.in_levels_) == [False, False, True, True, True]


def test_levels_summary_and_pickle(firms):
    X, y = firms
    model = CobbDouglasRegressor(
        levels=["size", "metro_area[Monterrey]", "metro_area[Tijuana]"]
    ).fit(X, y)
    text = str(model.summary())
    assert "ln X1" in text and "metro_area[Tijuana]" in text
    assert "ln metro_area" not in text and "ln size" not in text
    assert "semi-elasticities" in text
    clone = pickle.loads(pickle.dumps(model))
    assert_allclose(clone.predict(X), model.predict(X), rtol=1e-12)
    assert_allclose(
        clone.diagnostics()["returns_to_scale"]["sum"],
        model.coef_[:2].sum(),
        rtol=1e-12,
    )


def test_marginal_effects_of_a_level_column_are_semi_elasticities(firms):
    X, y = firms
    model = CobbDouglasRegressor(levels=["size"], smearing=False).fit(
        X[["X1", "size"]], y
    )
    effects = model.marginal_effects(X[["X1", "size"]])
    b0, b1, b2 = model.intercept_, *model.coef_
    level = np.exp(b0 + b1 * np.log(X["X1"]) + b2 * X["size"])
    # closed forms: dE/dx1 = b1 E / x1, dE/dsize = b2 E
    assert_allclose(effects.loc["X1", "dy_dx"], np.mean(b1 * level / X["X1"]))
    assert_allclose(effects.loc["size", "dy_dx"], np.mean(b2 * level))


def test_zero_policy_and_bounds_apply_to_logged_columns_only(firms):
    X, y = firms
    X = X.copy()
    X.loc[:4, "X1"] = 0.0
    levels = ["size", "metro_area[Monterrey]", "metro_area[Tijuana]"]
    with pytest.raises(ValueError, match=r"'X1' are 0 \(5 row"):
        CobbDouglasRegressor(levels=levels).fit(X, y)
    model = CobbDouglasRegressor(levels=levels, zeros="drop")
    with pytest.warns(UserWarning, match="left out 5 of 150"):
        model.fit(X, y)
    ref = _oracle(X.iloc[5:], y[5:], levels)
    assert_allclose(model.coef_table_["coef"], ref.params, rtol=RTOL)
    floor = CobbDouglasRegressor(levels=levels, zeros="floor").fit(X, y)
    assert np.isnan(floor.floors_[2:]).all() and floor.floors_[0] > 0
    offset = CobbDouglasRegressor(levels=levels, zeros="offset").fit(X, y)
    assert "(1 + X1)" in offset.coef_table_.index
    assert "metro_area[Tijuana]" in offset.coef_table_.index
    shifted = X.copy()
    shifted[["X1", "X3"]] += 1.0
    assert_allclose(
        offset.coef_table_["coef"].to_numpy(),
        _oracle(shifted, y, levels).params.to_numpy(),
        rtol=RTOL,
    )
    bounded = CobbDouglasRegressor(
        levels=levels, bounds=(0, 1), returns_to_scale="decreasing"
    ).fit(X.iloc[5:], y[5:])
    # a negative control is not pinned at the elasticities' lower bound
    assert bounded.active_constraints_ == []
    assert_allclose(bounded.coef_, ref.params.to_numpy()[1:], rtol=1e-6)


def test_levels_errors(firms):
    X, y = firms
    with pytest.raises(
        ValueError, match=r"levels names column\(s\) not in X: 'sector'"
    ):
        CobbDouglasRegressor(levels=["sector"]).fit(X, y)
    with pytest.raises(ValueError, match="names every column"):
        CobbDouglasRegressor(levels=list(X.columns)).fit(X, y)
    neg = X.copy()
    neg.loc[0, "X1"] = -1.0
    with pytest.raises(ValueError, match="'X1' have values < 0"):
        CobbDouglasRegressor(levels=["size"]).fit(neg, y)
