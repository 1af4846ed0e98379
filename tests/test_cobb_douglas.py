"""CobbDouglasRegressor against statsmodels, scipy and a published fit."""

import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from numpy.testing import assert_allclose
from scipy import optimize, stats
from sklearn.base import clone
from sklearn.compose import TransformedTargetRegressor
from sklearn.linear_model import LinearRegression
from sklearn.pipeline import make_pipeline
from statsmodels.stats.diagnostic import het_breuschpagan
from statsmodels.stats.outliers_influence import variance_inflation_factor
from statsmodels.stats.stattools import durbin_watson

from sklearn_innov import CobbDouglasRegressor, LogTransform
from sklearn_innov.diagnostics import lilliefors
from sklearn_innov.exceptions import NonPositiveWarning, SklearnInnovWarning

RTOL = 1e-8
NAMES = ["X1", "X2", "X3", "X4"]


@pytest.fixture
def survey_like():
    """Four positive indices and an outcome following a Cobb-Douglas law."""
    rng = np.random.default_rng(42)
    n = 127
    X = pd.DataFrame(rng.uniform(0.2, 3.0, size=(n, 4)), columns=NAMES)
    noise = rng.normal(0, 0.5, n) * (1 + 0.3 * X["X1"].to_numpy())
    y = np.exp(-0.6 + np.log(X) @ [0.37, 0.25, 0.38, 0.05] + noise)
    return X, pd.Series(y, name="Y")


def _sm_ols(X, y, const=True, **fit_kwargs):
    exog = np.log(X.to_numpy())
    if const:
        exog = sm.add_constant(exog)
    return sm.OLS(np.log(y.to_numpy()), exog).fit(**fit_kwargs)


@pytest.mark.parametrize("cov_type", ["nonrobust", "HC0", "HC1", "HC2", "HC3"])
def test_every_number_matches_statsmodels(survey_like, cov_type):
    X, y = survey_like
    model = CobbDouglasRegressor(cov_type=cov_type).fit(X, y)
    kwargs = {} if cov_type == "nonrobust" else {"cov_type": cov_type, "use_t": True}
    ref = _sm_ols(X, y, **kwargs)
    table = model.coef_table_
    assert list(table.index) == ["const", *NAMES]
    assert_allclose(table["coef"], ref.params, rtol=RTOL)
    assert_allclose(model.intercept_, ref.params[0], rtol=RTOL)
    assert_allclose(model.coef_, ref.params[1:], rtol=RTOL)
    assert_allclose(table["std_err"], ref.bse, rtol=RTOL)
    assert_allclose(table["t"], ref.tvalues, rtol=RTOL)
    assert_allclose(table["p_value"], ref.pvalues, rtol=1e-6)
    ci = ref.conf_int()
    assert_allclose(table[["ci_lower", "ci_upper"]], ci, rtol=RTOL)
    assert_allclose(model.rsquared_, ref.rsquared, rtol=RTOL)
    assert_allclose(model.rsquared_adj_, ref.rsquared_adj, rtol=RTOL)
    assert_allclose(model.fvalue_, ref.fvalue, rtol=RTOL)
    assert_allclose(model.f_pvalue_, ref.f_pvalue, rtol=1e-6)
    assert_allclose(model.sigma_, np.sqrt(ref.scale), rtol=RTOL)
    assert model.df_resid_ == ref.df_resid
    assert_allclose(model.resid_, ref.resid, rtol=1e-7, atol=1e-12)
    assert_allclose(model.durbin_watson_, durbin_watson(ref.resid), rtol=RTOL)


def test_no_intercept_reports_uncentred_r2_like_statsmodels(survey_like):
    X, y = survey_like
    X = X[["X1", "X3"]]
    model = CobbDouglasRegressor(fit_intercept=False).fit(X, y)
    ref = _sm_ols(X, y, const=False)
    assert list(model.coef_table_.index) == ["X1", "X3"]
    assert model.intercept_ == 0.0
    assert_allclose(model.coef_, ref.params, rtol=RTOL)
    assert_allclose(model.coef_table_["std_err"], ref.bse, rtol=RTOL)
    # statsmodels' rsquared without a constant is the uncentred one
    assert_allclose(model.rsquared_, ref.rsquared, rtol=RTOL)
    assert_allclose(model.rsquared_, 1 - ref.ssr / (np.log(y) ** 2).sum(), rtol=RTOL)
    assert_allclose(model.rsquared_adj_, ref.rsquared_adj, rtol=RTOL)
    assert_allclose(model.fvalue_, ref.fvalue, rtol=RTOL)
    assert "uncentred" in str(model.summary())


def test_sample_weight_is_statsmodels_wls(survey_like):
    X, y = survey_like
    w = np.random.default_rng(3).uniform(0.5, 2.0, len(y))
    model = CobbDouglasRegressor(weight_type="analytic").fit(X, y, sample_weight=w)
    ref = sm.WLS(np.log(y), sm.add_constant(np.log(X.to_numpy())), weights=w).fit()
    assert_allclose(model.coef_table_["coef"], ref.params, rtol=RTOL)
    assert_allclose(model.coef_table_["std_err"], ref.bse, rtol=RTOL)
    assert_allclose(model.rsquared_, ref.rsquared, rtol=RTOL)
    assert_allclose(model.fvalue_, ref.fvalue, rtol=RTOL)
    assert_allclose(model.smearing_factor_, np.average(np.exp(ref.resid), weights=w))


@pytest.mark.parametrize("cov_type", ["nonrobust", "HC0", "HC1", "HC2", "HC3"])
@pytest.mark.parametrize("constrained", [False, True])
def test_frequency_weights_equal_replicated_rows(survey_like, cov_type, constrained):
    # scikit-learn's meaning of sample_weight: a weight of 3 is three rows
    X, y = survey_like
    w = np.random.default_rng(4).integers(1, 4, len(y))
    extra = {"returns_to_scale": "constant"} if constrained else {}
    model = CobbDouglasRegressor(cov_type=cov_type, **extra).fit(X, y, sample_weight=w)
    rows = np.repeat(np.arange(len(y)), w)
    ref = CobbDouglasRegressor(cov_type=cov_type, **extra).fit(
        X.iloc[rows], y.iloc[rows]
    )
    assert model.nobs_ == ref.nobs_ == w.sum()
    assert model.df_resid_ == ref.df_resid_
    for column in ["coef", "std_err", "t", "p_value", "ci_lower", "ci_upper"]:
        assert_allclose(model.coef_table_[column], ref.coef_table_[column], rtol=1e-9)
    assert_allclose(model.rsquared_adj_, ref.rsquared_adj_, rtol=1e-10)
    if not constrained:
        assert_allclose(model.fvalue_, ref.fvalue_, rtol=1e-9)
    # the oracle outside this library: statsmodels' GLM with freq_weights
    if cov_type == "nonrobust" and not constrained:
        glm = sm.GLM(
            np.log(y), sm.add_constant(np.log(X.to_numpy())), freq_weights=w
        ).fit()
        assert_allclose(model.coef_table_["std_err"], glm.bse, rtol=1e-9)
    # weights x 1000 are 1000 times as many rows: the standard errors shrink
    big = CobbDouglasRegressor(cov_type=cov_type, **extra).fit(
        X, y, sample_weight=1000 * w
    )
    assert_allclose(big.coef_, model.coef_, rtol=1e-12)
    assert (big.coef_table_["std_err"] < model.coef_table_["std_err"]).all()


def test_diagnostics_match_statsmodels_and_scipy(survey_like):
    X, y = survey_like
    model = CobbDouglasRegressor().fit(X, y)
    ref = _sm_ols(X, y)
    d = model.diagnostics()
    exog = ref.model.exog

    park_ref = sm.OLS(np.log(ref.resid**2), exog).fit()
    park = d["park"]
    assert list(park["table"].index) == ["const"] + [f"ln {n}" for n in NAMES]
    assert_allclose(park["table"]["coef"], park_ref.params, rtol=RTOL)
    assert_allclose(park["table"]["t"], park_ref.tvalues, rtol=RTOL)
    assert_allclose(park["fvalue"], park_ref.fvalue, rtol=RTOL)
    assert_allclose(park["f_pvalue"], park_ref.f_pvalue, rtol=1e-6)

    lm, lm_p, f, f_p = het_breuschpagan(ref.resid, exog)
    bp = d["breusch_pagan"]
    assert_allclose(
        [bp["lm"], bp["lm_pvalue"], bp["fvalue"], bp["f_pvalue"]],
        [lm, lm_p, f, f_p],
        rtol=1e-7,
    )

    # Lilliefors' D is KS against the normal with estimated mean and sd (ddof=1).
    # A frozen cdf, not "norm" with args: scipy 1.18.0-1.18.1 raise TypeError on
    # that (scipy/scipy#25448).
    e = ref.resid
    ks = stats.kstest(e, stats.norm(e.mean(), e.std(ddof=1)).cdf)
    assert_allclose(d["normality"]["statistic"], ks.statistic, rtol=1e-10)
    assert 0 < d["normality"]["pvalue"] <= 1

    vif_ref = [variance_inflation_factor(exog, j) for j in range(1, 5)]
    assert_allclose(d["vif"].to_numpy(), vif_ref, rtol=1e-8)
    assert list(d["vif"].index) == NAMES
    assert_allclose(d["correlation"], np.log(X).corr(), rtol=1e-10)

    t_ref = ref.t_test(([0, 1, 1, 1, 1], 1.0))
    rts = d["returns_to_scale"]
    assert_allclose(rts["sum"], model.coef_.sum(), rtol=1e-12)
    assert_allclose(rts["t"], t_ref.tvalue.item(), rtol=RTOL)
    assert_allclose(rts["pvalue"], t_ref.pvalue.item(), rtol=1e-6)
    assert_allclose(rts["fvalue"], t_ref.tvalue.item() ** 2, rtol=RTOL)


def test_lilliefors_pvalue_at_published_critical_value():
    # Lilliefors (1967), Table 1: for n = 20 the 5% critical value of D is 0.190.
    # Build a sample whose D is exactly that and check p is about 0.05.
    rng = np.random.default_rng(0)
    x = np.sort(rng.normal(size=20))

    def distance(shift):
        z = x.copy()
        z[-1] += shift
        return lilliefors(z)["statistic"] - 0.190

    shift = optimize.brentq(distance, 0.0, 20.0)
    z = x.copy()
    z[-1] += shift
    assert 0.04 < lilliefors(z)["pvalue"] < 0.06


def test_constant_returns_is_restricted_least_squares(survey_like):
    X, y = survey_like
    for cov_type, kwargs in [
        ("nonrobust", {}),
        ("HC1", {"cov_type": "HC1", "use_t": True}),
        ("HC3", {"cov_type": "HC3", "use_t": True}),
    ]:
        model = CobbDouglasRegressor(
            returns_to_scale="constant", cov_type=cov_type
        ).fit(X, y)
        # Substitute b4 = 1 - b1 - b2 - b3: ln(Y/X4) on ln(Xj/X4), j = 1..3.
        lx = np.log(X.to_numpy())
        ref = sm.OLS(
            np.log(y.to_numpy()) - lx[:, 3], sm.add_constant(lx[:, :3] - lx[:, [3]])
        ).fit(**kwargs)
        assert_allclose(model.coef_.sum(), 1.0, rtol=1e-12)
        assert_allclose(model.coef_[:3], ref.params[1:], rtol=RTOL)
        assert_allclose(model.intercept_, ref.params[0], rtol=RTOL)
        assert_allclose(model.coef_table_["std_err"].iloc[:4], ref.bse, rtol=1e-7)
        # the implied b4's variance: Var(1 - b1 - b2 - b3) from the same covariance
        w = np.array([0.0, -1, -1, -1])
        assert_allclose(
            model.coef_table_["std_err"].iloc[4],
            np.sqrt(w @ ref.cov_params() @ w),
            rtol=1e-7,
        )
        assert model.df_resid_ == ref.df_resid


def test_cobb_douglas_1928_published_fit():
    """Cobb & Douglas (1928), "A Theory of Production", AER 18(1) suppl.,
    139-165: US manufacturing 1899-1922 (indices, 1899 = 100). Under constant
    returns they published P' = 1.01 L^(3/4) C^(1/4)."""
    P = [
        100,
        101,
        112,
        122,
        124,
        122,
        143,
        152,
        151,
        126,
        155,
        159,
        153,
        177,
        184,
        169,
        189,
        225,
        227,
        223,
        218,
        231,
        179,
        240,
    ]
    L = [
        100,
        105,
        110,
        117,
        122,
        121,
        125,
        134,
        140,
        123,
        143,
        147,
        148,
        155,
        156,
        152,
        156,
        183,
        198,
        201,
        196,
        194,
        146,
        161,
    ]
    C = [
        100,
        107,
        114,
        122,
        131,
        138,
        149,
        163,
        176,
        185,
        198,
        208,
        216,
        226,
        236,
        244,
        266,
        298,
        335,
        366,
        387,
        407,
        417,
        431,
    ]
    X = pd.DataFrame({"L": L, "C": C}, dtype=float)
    model = CobbDouglasRegressor(returns_to_scale="constant").fit(X, np.array(P, float))
    assert round(float(np.exp(model.intercept_)), 2) == 1.01
    assert abs(model.coef_[0] - 0.75) < 0.01 and abs(model.coef_[1] - 0.25) < 0.01


def test_bounds_pin_a_negative_elasticity_at_zero(survey_like):
    X, y = survey_like
    y = y * X["X4"] ** -0.4  # make the X4 elasticity clearly negative
    assert CobbDouglasRegressor().fit(X, y).coef_[3] < 0
    with pytest.warns(SklearnInnovWarning, match="X4 >= 0"):
        model = CobbDouglasRegressor(bounds=(0, 1)).fit(X, y)
    assert model.active_constraints_ == ["X4 >= 0"]
    assert model.coef_[3] == 0.0
    # with X4 pinned at 0 the others are OLS without X4 (same df: one constraint)
    ref = _sm_ols(X[["X1", "X2", "X3"]], y)
    assert_allclose(model.coef_table_["coef"].iloc[:4], ref.params, rtol=RTOL)
    assert_allclose(model.coef_table_["std_err"].iloc[:4], ref.bse, rtol=RTOL)
    assert model.coef_table_.loc["X4", "std_err"] == 0
    assert np.isnan(model.coef_table_.loc["X4", "t"])


def test_inequality_solution_matches_a_generic_optimiser(survey_like):
    X, y = survey_like
    y = y * (X["X1"] * X["X2"]) ** 0.5  # sum of elasticities well above 1
    model = CobbDouglasRegressor(bounds=(0, 0.6), returns_to_scale="decreasing")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SklearnInnovWarning)
        model.fit(X, y)
    A = sm.add_constant(np.log(X.to_numpy()))
    b = np.log(y.to_numpy())
    cons = [{"type": "ineq", "fun": lambda p: 1 - p[1:].sum()}]
    res = optimize.minimize(
        lambda p: ((b - A @ p) ** 2).sum(),
        np.r_[0.0, 0.1, 0.1, 0.1, 0.1],
        jac=lambda p: -2 * A.T @ (b - A @ p),
        bounds=[(None, None)] + [(0, 0.6)] * 4,
        constraints=cons,
        method="SLSQP",
        options={"ftol": 1e-14, "maxiter": 500},
    )
    assert_allclose(np.r_[model.intercept_, model.coef_], res.x, atol=1e-6)
    assert model.coef_.sum() <= 1 + 1e-12
    assert "sum of elasticities <= 1" in model.active_constraints_


def test_decreasing_returns_inactive_is_plain_ols(survey_like):
    X, y = survey_like
    free = CobbDouglasRegressor().fit(X, y)
    assert free.coef_.sum() < 1
    model = CobbDouglasRegressor(returns_to_scale="decreasing").fit(X, y)
    assert model.active_constraints_ == []
    assert_allclose(model.coef_, free.coef_, rtol=1e-10)
    assert_allclose(
        model.coef_table_["std_err"], free.coef_table_["std_err"], rtol=1e-10
    )


@pytest.mark.parametrize("cov_type", ["nonrobust", "HC1", "HC3"])
def test_f_follows_the_covariance_with_or_without_an_inactive_constraint(
    survey_like, cov_type
):
    """One definition of F: statsmodels' (robust under HC) whenever nothing binds."""
    X, y = survey_like
    kwargs = {} if cov_type == "nonrobust" else {"cov_type": cov_type, "use_t": True}
    ref = _sm_ols(X, y, **kwargs)
    for extra in ({}, {"returns_to_scale": "decreasing"}, {"bounds": (-5, 5)}):
        model = CobbDouglasRegressor(cov_type=cov_type, **extra).fit(X, y)
        assert model.active_constraints_ == []
        assert_allclose(model.fvalue_, ref.fvalue, rtol=1e-8)
        assert_allclose(model.f_pvalue_, ref.f_pvalue, rtol=1e-6)


def test_f_under_a_binding_bound_tests_the_free_elasticities(survey_like):
    """A pinned elasticity leaves an F on the others: the restricted-LS F."""
    X, y = survey_like
    y = y * X["X4"] ** -0.8  # X4's elasticity becomes about -0.75: pinned at 0
    with pytest.warns(SklearnInnovWarning, match="X4 >= 0"):
        model = CobbDouglasRegressor(bounds=(0, 1)).fit(X, y)
    assert model.active_constraints_ == ["X4 >= 0"]
    # Oracle: OLS without X4 (its elasticity fixed at 0), classical F on
    # X1..X3 with the residual df of the restricted model.
    ref = _sm_ols(X[NAMES[:3]], y)
    assert_allclose(model.coef_[:3], ref.params[1:], rtol=1e-8)
    assert_allclose(model.fvalue_, ref.fvalue, rtol=1e-8)
    assert model.df_resid_ == ref.df_resid


def test_fit_leaves_every_diagnostic_for_later(survey_like):
    """fit computes coefficients and smearing; statistics wait to be read."""
    X, y = survey_like
    model = CobbDouglasRegressor(cov_type="HC3").fit(X, y)
    computed = set(vars(model.results_))
    for name in ("bse", "park", "breusch_pagan", "lilliefors", "vif"):
        assert name not in computed
    model.summary()
    assert {"bse", "park", "lilliefors", "vif"} <= set(vars(model.results_))


def test_skip_parameter_validation_is_honoured(survey_like):
    """fit enters through _fit_context: set_config(skip_parameter_validation)."""
    import sklearn

    X, y = survey_like
    bad = CobbDouglasRegressor(cov_type="HC9")
    with pytest.raises(ValueError, match="cov_type"):
        bad.fit(X, y)
    with sklearn.config_context(skip_parameter_validation=True):
        bad.fit(X, y)  # the constraint check was skipped, as asked
    assert_allclose(bad.coef_, CobbDouglasRegressor().fit(X, y).coef_)


def test_equals_sklearn_log_pipeline(survey_like):
    X, y = survey_like
    ref = make_pipeline(
        LogTransform(),
        TransformedTargetRegressor(
            LinearRegression(), func=np.log, inverse_func=np.exp
        ),
    ).fit(X, y)
    model = CobbDouglasRegressor(smearing=False).fit(X, y)
    inner = ref[-1].regressor_
    assert_allclose(model.coef_, inner.coef_, rtol=1e-10)
    assert_allclose(model.intercept_, inner.intercept_, rtol=1e-10)
    assert_allclose(model.predict(X), ref.predict(X), rtol=1e-10)


def test_predict_levels_logs_and_smearing(survey_like):
    X, y = survey_like
    model = CobbDouglasRegressor().fit(X, y)
    log_pred = model.intercept_ + np.log(X.to_numpy()) @ model.coef_
    assert_allclose(model.predict_log(X), log_pred, rtol=1e-12)
    assert_allclose(model.smearing_factor_, np.mean(np.exp(model.resid_)), rtol=1e-12)
    assert_allclose(
        model.predict(X), np.exp(log_pred) * model.smearing_factor_, rtol=1e-12
    )


@pytest.mark.parametrize(
    "bad, match",
    [(0.0, r"Zero values.*'X2'.*\(2 row"), (-1.0, r"Negative values.*'X2'.*\(2 row")],
)
def test_nonpositive_x_names_columns_rows_and_fixes(survey_like, bad, match):
    X, y = survey_like
    X = X.copy()
    X.loc[[3, 7], "X2"] = bad
    with pytest.raises(ValueError, match=match) as exc:
        CobbDouglasRegressor().fit(X, y)
    message = str(exc.value)
    # the estimator's words are neutral: the report passes the user's labels
    assert "innovator" not in message and "firm" not in message
    if bad == 0.0:
        assert "zeros='offset'" in message and "feature_range" in message
    else:
        assert "`zeros` handles 0 only" in message


def test_nonpositive_or_missing_y(survey_like):
    X, y = survey_like
    y0 = y.copy()
    y0.iloc[:3] = 0
    with pytest.raises(ValueError, match=r"y has values <= 0 \(3 row"):
        CobbDouglasRegressor().fit(X, y0)
    y0.iloc[:3] = np.nan
    labels = ", ".join(str(label) for label in y0.index[:3])
    message = rf"y contains NaN in 3 rows \(rows {labels}\)"
    with pytest.raises(ValueError, match=message):
        CobbDouglasRegressor().fit(X, y0)
    y0.iloc[:3] = y.iloc[:3]
    y0.iloc[5] = np.inf
    message = r"y contains inf in 1 row \(row \d+\).*np.isfinite"
    with pytest.raises(ValueError, match=message):
        CobbDouglasRegressor().fit(X, y0.to_numpy())


def test_nan_in_x_is_named(survey_like):
    X, y = survey_like
    X = X.copy()
    X.loc[0, "X3"] = np.nan
    with pytest.raises(ValueError, match=r"NaN or infinite values in column 'X3'"):
        CobbDouglasRegressor().fit(X, y)


def test_perfect_collinearity_names_the_columns(survey_like):
    X, y = survey_like
    X = X.assign(X5=X["X1"] ** 2)  # ln X5 = 2 ln X1
    with pytest.raises(ValueError, match="collinear.*'X1'.*'X5'"):
        CobbDouglasRegressor().fit(X, y)


def test_fewer_rows_than_parameters(survey_like):
    X, y = survey_like
    with pytest.raises(ValueError, match="more rows than parameters: got 4 sample"):
        CobbDouglasRegressor().fit(X.iloc[:4], y.iloc[:4])


def test_infeasible_constraints_are_refused(survey_like):
    X, y = survey_like
    with pytest.raises(ValueError, match="cannot all hold"):
        CobbDouglasRegressor(bounds=(0.3, 0.5), returns_to_scale="constant").fit(X, y)


def test_summary_renders_everywhere(survey_like):
    X, y = survey_like
    model = CobbDouglasRegressor().fit(X, y)
    summary = model.summary()
    text = str(summary)
    assert "ln y = " in text and "ln X1" in text
    for label in (
        "Durbin-Watson",
        "Park F",
        "Breusch-Pagan",
        "Lilliefors",
    ):
        assert label in text
    # the test of sum = 1 only when asked (issue 28)
    assert "H0: sum = 1" not in text
    assert "Sum of elasticities, H0: sum = 1" in str(model.summary(sum_test=True))
    assert "heteroskedasticity: " in text and "no evidence" not in text
    table = summary["equation"]
    assert_allclose(table.loc["t"].to_numpy(), model.coef_table_["t"].to_numpy())
    assert summary.as_markdown().count("|") > 20
    assert "<table" in summary._repr_html_()
    assert "\\begin{longtable}" in summary.as_latex()


def test_constant_y_is_refused(survey_like):
    X, _ = survey_like
    with pytest.raises(ValueError, match="y is constant"):
        CobbDouglasRegressor().fit(X, np.full(len(X), 3.0))


def test_noise_free_data_recovers_exact_elasticities(survey_like):
    X, _ = survey_like
    y = 2.0 * X["X1"] ** 0.3 * X["X3"] ** 0.5
    model = CobbDouglasRegressor().fit(X, y)
    assert_allclose(model.coef_, [0.3, 0.0, 0.5, 0.0], atol=1e-12)
    assert_allclose(model.intercept_, np.log(2.0), rtol=1e-12)
    str(model.summary())  # renders even where diagnostics are undefined


def test_lilliefors_matches_statsmodels_on_the_same_residuals(survey_like):
    from statsmodels.stats.diagnostic import lilliefors as sm_lilliefors

    X, y = survey_like
    model = CobbDouglasRegressor().fit(X, y)
    statistic, pvalue = sm_lilliefors(model.resid_, dist="norm", pvalmethod="table")
    normality = model.diagnostics()["normality"]
    assert_allclose(normality["statistic"], statistic, rtol=1e-10)
    assert_allclose(normality["pvalue"], pvalue, rtol=1e-10)


# -- edges: pinned constraints, leverage 1, weights, scales -------------------


def _one_feature(rng, elasticity=-0.5, n=60):
    X = rng.uniform(1, 5, (n, 1))
    y = X[:, 0] ** elasticity * np.exp(rng.normal(0, 0.1, n))
    return X, y


@pytest.mark.parametrize(
    "kwargs",
    [
        {"bounds": (0, 1)},
        {"returns_to_scale": "constant"},
        {"bounds": (0, 1), "fit_intercept": False},
        {"returns_to_scale": "constant", "fit_intercept": False},
    ],
)
def test_constraints_that_fix_every_elasticity(kwargs):
    """The fit is defined (closed form); F is NaN and the summary says why."""
    rng = np.random.default_rng(0)
    X, y = _one_feature(rng)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = CobbDouglasRegressor(**kwargs).fit(X, y)
    if "bounds" in kwargs:  # an elasticity pinned at a bound is announced
        assert any("bind" in str(w.message) for w in caught)
    pinned = 0.0 if "bounds" in kwargs else 1.0  # the OLS elasticity is -0.5
    assert model.coef_[0] == pytest.approx(pinned, abs=1e-12)
    # closed form: the intercept is the mean of ln y - pinned * ln x
    expected = np.mean(np.log(y) - pinned * np.log(X[:, 0]))
    if kwargs.get("fit_intercept", True):
        assert_allclose(model.intercept_, expected, rtol=1e-12)
        ref = sm.OLS(np.log(y) - pinned * np.log(X[:, 0]), np.ones(len(y))).fit()
        assert_allclose(model.coef_table_["std_err"]["const"], ref.bse[0], rtol=1e-10)
    assert np.isnan(model.fvalue_) and np.isnan(model.f_pvalue_)
    text = str(model.summary())
    assert "F is undefined: no slope is free" in text


def test_hc3_at_a_leverage_one_row_is_nan_for_what_that_row_fixes():
    """Oracle: statsmodels HC3 without the row and its dummy (Frisch-Waugh)."""
    rng = np.random.default_rng(3)
    n = 40
    X = pd.DataFrame({"a": rng.uniform(1, 5, n), "b": rng.uniform(1, 5, n)})
    X["dummy"] = np.where(np.arange(n) == 7, np.e, 1.0)  # ln: 1 at row 7 only
    y = np.exp(0.3 * np.log(X["a"]) + 0.5 * np.log(X["b"]) + rng.normal(0, 0.2, n))
    for cov_type in ("HC2", "HC3"):
        with pytest.warns(SklearnInnovWarning, match=r"position\(s\) 7 .*'dummy'"):
            model = CobbDouglasRegressor(cov_type=cov_type).fit(X, y)
        table = model.coef_table_
        assert table.loc["dummy", ["std_err", "t", "p_value"]].isna().all()
        keep = np.arange(n) != 7
        ref = sm.OLS(
            np.log(y[keep]), sm.add_constant(np.log(X.loc[keep, ["a", "b"]]))
        ).fit(cov_type=cov_type)
        assert_allclose(table["std_err"].iloc[:3], ref.bse, rtol=1e-9)
    # HC1 has no 1 - h in it: defined, and no warning
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        hc1 = CobbDouglasRegressor(cov_type="HC1").fit(X, y)
        assert np.isfinite(hc1.coef_table_["std_err"]).all()


def test_weighted_diagnostics_are_statsmodels_wls_forms(survey_like):
    """Whitened residuals (wresid) on the unweighted [1, ln X]."""
    X, y = survey_like
    w = np.random.default_rng(5).uniform(0.2, 3.0, len(y))
    model = CobbDouglasRegressor(weight_type="analytic").fit(X, y, sample_weight=w)
    exog = sm.add_constant(np.log(X.to_numpy()))
    wls = sm.WLS(np.log(y.to_numpy()), exog, weights=w).fit()
    d = model.diagnostics()
    lm, lm_p, f, f_p = het_breuschpagan(wls.wresid, exog)
    assert_allclose(
        [d["breusch_pagan"]["lm"], d["breusch_pagan"]["fvalue"]], [lm, f], rtol=1e-8
    )
    park_ref = sm.OLS(np.log(wls.wresid**2), exog).fit()
    assert_allclose(d["park"]["fvalue"], park_ref.fvalue, rtol=1e-8)
    assert_allclose(d["park"]["table"]["t"], park_ref.tvalues, rtol=1e-8)
    assert_allclose(model.resid_, wls.resid, rtol=1e-8, atol=1e-12)


def test_zero_weights_count_no_row():
    """As many positive-weight rows as parameters: refused, not a fake exact fit."""
    rng = np.random.default_rng(2)
    X = rng.uniform(1, 5, (30, 3))
    y = X.prod(axis=1) ** 0.3 * np.exp(rng.normal(0, 0.1, 30))
    w = np.zeros(30)
    w[:4] = 1.0  # 4 rows with weight for 4 parameters
    with pytest.raises(ValueError, match="4 sample.* with positive weight .of 30."):
        CobbDouglasRegressor().fit(X, y, sample_weight=w)
    w[4] = 1.0
    model = CobbDouglasRegressor().fit(X, y, sample_weight=w)
    # oracle: the 5 positive-weight rows alone (statsmodels' WLS on all 30
    # rows would count the 25 empty ones in the residual df: 26 instead of 1)
    ref = sm.OLS(np.log(y[:5]), sm.add_constant(np.log(X[:5]))).fit()
    assert model.df_resid_ == ref.df_resid == 1
    assert model.nobs_ == 5
    assert_allclose(model.coef_table_["std_err"], ref.bse, rtol=1e-8)


def test_collinear_message_speaks_of_logs(survey_like):
    X, y = survey_like
    X = X.assign(X5=X["X1"] ** 2)
    with pytest.raises(ValueError, match="after logs") as excinfo:
        CobbDouglasRegressor().fit(X, y)
    assert "'X1'" in str(excinfo.value) and "'X5'" in str(excinfo.value)


def test_marginal_effects_are_derivatives_of_predict(survey_like):
    X, y = survey_like
    model = CobbDouglasRegressor().fit(X, y)
    effects = model.marginal_effects(X)
    for name in NAMES:
        h = 1e-6
        up, down = X.copy(), X.copy()
        up[name] += h
        down[name] -= h
        fd = np.mean((model.predict(up) - model.predict(down)) / (2 * h))
        assert_allclose(effects.loc[name, "dy_dx"], fd, rtol=1e-6)
    # delta method by hand: d/db of mean(b_k E / x_k), E = s exp(b0 + ln X b)
    log_X = np.log(X.to_numpy())
    level = model.smearing_factor_ * np.exp(model.intercept_ + log_X @ model.coef_)
    k = 1  # X2
    grad = np.empty(5)
    grad[0] = np.mean(model.coef_[k] * level / X.iloc[:, k])
    for j in range(4):
        grad[j + 1] = np.mean(
            (j == k) * level / X.iloc[:, k]
            + model.coef_[k] * level * log_X[:, j] / X.iloc[:, k]
        )
    se = np.sqrt(grad @ model.cov_params_.to_numpy() @ grad)
    assert_allclose(effects.loc["X2", "std_err"], se, rtol=1e-6)
    assert "t" in effects.columns
    block = model.summary(marginal_effects=X)["marginal_effects"]
    assert_allclose(block["dy_dx"], effects["dy_dx"])


@pytest.mark.parametrize("unit", [1e300, 1e-200])
def test_marginal_effect_t_is_unit_free_at_extreme_scales(survey_like, unit):
    X, y = survey_like
    ref = CobbDouglasRegressor().fit(X, y).marginal_effects(X)
    scaled = X.assign(X1=X["X1"] * unit)
    ours = CobbDouglasRegressor().fit(scaled, y).marginal_effects(scaled)
    # at 1e300 the intercept absorbs ln(1e300) = 691 and the levels lose a few
    # digits to it: t agrees to 3e-5 (it was NaN before)
    assert_allclose(ours["t"], ref["t"], rtol=1e-4)


# -- zeros: one policy for ln 0, each against statsmodels on hand-made logs ----


@pytest.fixture
def with_zeros(survey_like):
    """The survey-like data with X2 = 0 in 5 rows and X4 = 0 in 3 others."""
    X, y = survey_like
    X = X.copy()
    X.loc[[3, 7, 20, 41, 90], "X2"] = 0.0
    X.loc[[5, 60, 100], "X4"] = 0.0
    return X, y


def _sm_on(log_X, log_y):
    return sm.OLS(log_y, sm.add_constant(log_X)).fit()


def _assert_is(model, ols):
    assert_allclose(model.coef_table_["coef"], ols.params, rtol=RTOL)
    assert_allclose(model.coef_table_["std_err"], ols.bse, rtol=1e-7)
    assert_allclose(model.rsquared_, ols.rsquared, rtol=RTOL)
    assert model.nobs_ == ols.nobs


def test_zeros_floor_is_ols_on_floored_logs(with_zeros):
    X, y = with_zeros
    model = CobbDouglasRegressor(zeros="floor").fit(X, y)
    # by hand: half the smallest positive value of each column
    floors = [X.loc[X[c] > 0, c].min() / 2 for c in NAMES]
    floored = X.mask(X == 0, pd.Series(floors, index=NAMES), axis=1)
    _assert_is(model, _sm_on(np.log(floored.to_numpy()), np.log(y.to_numpy())))
    assert_allclose(model.floors_, floors, rtol=0)
    assert model.n_zero_rows_ == 8
    # predict floors a 0 at the floor of fit
    assert_allclose(model.predict(X), model.predict(floored), rtol=1e-12)


def test_zeros_floor_elasticities_do_not_depend_on_units(with_zeros):
    """The floor scales with its column, so only the intercept moves."""
    X, y = with_zeros
    base = CobbDouglasRegressor(zeros="floor").fit(X, y)
    for unit in (1e-100, 1e-9, 1e9, 1e100):
        scaled = CobbDouglasRegressor(zeros="floor").fit(X * unit, y)
        assert_allclose(scaled.coef_, base.coef_, rtol=1e-9)
        assert_allclose(scaled.coef_table_["t"][1:], base.coef_table_["t"][1:])


def test_zeros_drop_is_ols_without_those_rows_and_says_so(with_zeros):
    X, y = with_zeros
    with pytest.warns(NonPositiveWarning, match=r"left out 8 of 127 row") as record:
        model = CobbDouglasRegressor(zeros="drop").fit(X, y)
    assert "'X2', 'X4'" in str(record[0].message)
    assert record[0].filename == __file__  # the caller's line, not the library's
    keep = (X > 0).all(axis=1)
    _assert_is(model, _sm_on(np.log(X[keep].to_numpy()), np.log(y[keep].to_numpy())))
    assert model.n_zero_rows_ == 8
    with pytest.raises(ValueError, match=r"'X2', 'X4' are 0 in 8 row.*zeros='drop'"):
        model.predict(X)
    assert np.isfinite(model.predict(X[keep])).all()
    assert "8 rows with a regressor equal to 0 were left out" in str(model.summary())


def test_zeros_drop_that_leaves_too_few_rows_counts_them(with_zeros):
    X, y = with_zeros
    X = X.copy()
    X.loc[8:, "X1"] = 0.0
    with pytest.raises(ValueError, match=r"left out 122 of 127 row.*leaves 5 row"):
        CobbDouglasRegressor(zeros="drop").fit(X, y)


@pytest.mark.parametrize("offset", [1.0, 0.5])
def test_zeros_offset_is_ols_of_ln_y_on_ln_offset_plus_x(with_zeros, offset):
    X, y = with_zeros
    model = CobbDouglasRegressor(zeros="offset", offset=offset).fit(X, y)
    ols = _sm_on(np.log(offset + X.to_numpy()), np.log(y.to_numpy()))
    _assert_is(model, ols)
    # y is not shifted: the model is ln y = b0 + sum b ln(offset + x)
    smearing = np.mean(np.exp(ols.resid))
    by_hand = np.exp(ols.predict(sm.add_constant(np.log(offset + X.to_numpy()))))
    assert_allclose(model.predict(X), by_hand * smearing, rtol=1e-10)
    assert list(model.coef_table_.index) == ["const"] + [
        f"({offset:g} + {c})" for c in NAMES
    ]
    assert f"ln ({offset:g} + X2)" in str(model.summary())


def test_zeros_offset_marginal_effects_are_derivatives_of_predict(with_zeros):
    X, y = with_zeros
    model = CobbDouglasRegressor(zeros="offset").fit(X, y)
    effects = model.marginal_effects(X)
    for name in NAMES:
        up, down = X.copy(), X.copy()
        up[name] += 1e-6
        down[name] -= 1e-6
        down[name] = down[name].clip(lower=0)
        step = (up[name] - down[name]).to_numpy()
        derivative = (model.predict(up) - model.predict(down)) / step
        assert_allclose(effects.loc[name, "dy_dx"], derivative.mean(), rtol=1e-5)


@pytest.mark.parametrize("zeros", ["error", "floor", "drop", "offset"])
def test_zero_outcome_is_refused_under_every_policy(survey_like, zeros):
    X, y = survey_like
    y = y.copy()
    y.iloc[[0, 5]] = 0.0
    with pytest.raises(
        ValueError, match=r"y has values <= 0 \(2 row.*TwoPartRegressor"
    ):
        CobbDouglasRegressor(zeros=zeros).fit(X, y)


@pytest.mark.parametrize("zeros", ["floor", "drop", "offset"])
def test_negative_x_is_refused_under_every_policy(with_zeros, zeros):
    X, y = with_zeros
    X = X.copy()
    X.loc[11, "X3"] = -0.1
    with pytest.raises(
        ValueError, match=r"Negative values.*column 'X3' has values < 0 \(1 row\)"
    ):
        CobbDouglasRegressor(zeros=zeros).fit(X, y)


def test_zero_policies_survive_pickle(with_zeros):
    import pickle

    X, y = with_zeros
    model = CobbDouglasRegressor(zeros="floor").fit(X, y)
    again = pickle.loads(pickle.dumps(model))
    assert_allclose(again.predict(X), model.predict(X), rtol=0)
    assert_allclose(again.floors_, model.floors_, rtol=0)


# -- one log only: LogTransform's output is refused ----------------------------


def _paper_pipeline_data():
    from sklearn_innov import CompositeIndex
    from sklearn_innov.datasets import PAPER_SPEC, make_sme_survey

    frame = make_sme_survey(random_state=0).frame
    y = CompositeIndex(spec={"Y": PAPER_SPEC["Y"]}).fit_transform(frame)["Y"]
    spec = {name: items for name, items in PAPER_SPEC.items() if name != "Y"}
    positive = (y > 0).to_numpy()
    return CompositeIndex(spec=spec), frame[positive], y[positive]


def test_log_transform_then_cobb_douglas_is_refused_as_a_double_log():
    composite, frame, y = _paper_pipeline_data()
    pipeline = make_pipeline(composite, LogTransform(offset=1), CobbDouglasRegressor())
    with pytest.raises(ValueError, match=r"ln\(ln\(X\)\), a double log") as exc:
        pipeline.fit(frame, y)
    assert "zeros='offset'" in str(exc.value)
    # with pandas output the names say it too
    with pytest.raises(ValueError, match=r"'ln\(1 \+ X1\)'.*double log"):
        pipeline.set_output(transform="pandas").fit(frame, y)


def test_the_right_pipeline_is_ln_y_on_ln_one_plus_x():
    composite, frame, y = _paper_pipeline_data()
    pipeline = make_pipeline(composite, CobbDouglasRegressor(zeros="offset"))
    pipeline.fit(frame, y)
    indices = composite.fit_transform(frame)
    ols = _sm_on(np.log1p(indices.to_numpy()), np.log(y.to_numpy()))
    assert_allclose(pipeline[-1].coef_table_["coef"], ols.params, rtol=RTOL)
    assert list(pipeline[-1].coef_table_.index) == [
        "const",
        "(1 + X1)",
        "(1 + X2)",
        "(1 + X3)",
        "(1 + X4)",
    ]


def test_columns_named_as_logs_are_refused_with_a_way_out(survey_like):
    X, y = survey_like
    with pytest.raises(ValueError, match=r"'ln\(X1\)'.*double log.*rename it"):
        CobbDouglasRegressor().fit(X.rename(columns={"X1": "ln(X1)"}), y)
    # arithmetic on LogTransform's output gives back plain values
    logged = LogTransform().fit_transform(X.to_numpy())
    CobbDouglasRegressor().fit(np.exp(logged), y)


def test_zero_error_names_the_users_columns_never_x0(survey_like):
    X, y = survey_like
    X = X.copy()
    X.loc[[3, 7], "X2"] = 0.0
    # a plain array: the columns by position, not names nobody wrote
    with pytest.raises(
        ValueError, match=r"column 1 of X \(by position\) is 0 \(2 rows\)"
    ) as e:
        CobbDouglasRegressor().fit(X.to_numpy(), y)
    assert "x1" not in str(e.value)
    # through a Pipeline whose first step outputs DataFrames
    from sklearn.preprocessing import FunctionTransformer

    step = FunctionTransformer(feature_names_out="one-to-one").set_output(
        transform="pandas"
    )
    with pytest.raises(ValueError, match=r"column 'X2' is 0 \(2 rows\)"):
        make_pipeline(step, CobbDouglasRegressor()).fit(X, y)


def test_zero_error_names_polars_columns(survey_like):
    pl = pytest.importorskip("polars")
    X, y = survey_like
    X = X.copy()
    X.loc[[3, 7], "X4"] = 0.0
    with pytest.raises(ValueError, match=r"column 'X4' is 0 \(2 rows\)"):
        CobbDouglasRegressor().fit(pl.from_pandas(X), y)


def test_double_log_is_reported_before_the_nan_it_made(with_zeros):
    X, y = with_zeros
    with pytest.warns(NonPositiveWarning):
        logged = LogTransform(on_nonpositive="nan").fit_transform(X)
    with pytest.raises(ValueError, match="double log"):
        CobbDouglasRegressor().fit(logged, y)


def test_zero_index_error_in_a_pipeline_names_the_index_names():
    composite, frame, y = _paper_pipeline_data()
    with pytest.raises(ValueError) as exc:
        make_pipeline(composite, CobbDouglasRegressor()).fit(frame, y)
    message = str(exc.value)
    # the indices that are 0 somewhere, and in how many rows, from the data
    indices = clone(composite).fit_transform(frame)
    zero = [name for name in indices.columns if (indices[name] == 0).any()]
    assert zero, "the synthetic survey should have a zero index here"
    names = ", ".join(repr(name) for name in zero)
    rows = int((indices[zero] == 0).any(axis=1).sum())
    # in number with the counts the message knows (no "column(s)", "row(s)")
    columns = f"column {names} is" if len(zero) == 1 else f"columns {names} are"
    assert f"{columns} 0 ({rows} row{'s' * (rows != 1)})" in message
    assert "x1" not in message and "innovator" not in message
    assert "LogTransform" not in message  # the fix is the model's own zeros


def test_fit_leaves_the_callers_arrays_alone_and_smearing_survives_remove_data():
    # y is read without a copy (check_outcome); nothing may write to it.
    # The smearing factor is computed when first read and kept by remove_data.
    rng = np.random.default_rng(8)
    X = rng.uniform(1, 5, (80, 2))
    y = X.prod(axis=1) ** 0.4 * np.exp(rng.normal(0, 0.2, 80))
    X0, y0 = X.copy(), y.copy()
    model = CobbDouglasRegressor().fit(X, y)
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(y, y0)
    resid = np.log(y) - np.log(X) @ model.coef_ - model.intercept_
    assert_allclose(model.smearing_factor_, np.mean(np.exp(resid)), rtol=1e-12)
    fresh = CobbDouglasRegressor().fit(X, y)
    fresh.results_.remove_data()  # the factor is computed before the rows go
    assert_allclose(fresh.smearing_factor_, np.mean(np.exp(resid)), rtol=1e-12)
    assert_allclose(
        model.predict(X0),
        np.exp(np.log(X0) @ model.coef_ + model.intercept_) * model.smearing_factor_,
        rtol=1e-12,
    )


def _flat(d, prefix=""):
    out = {}
    for key, value in d.items():
        if isinstance(value, dict):
            out.update(_flat(value, f"{prefix}{key}."))
        elif isinstance(value, (float, int, np.floating, np.integer)):
            out[prefix + key] = float(value)
        elif isinstance(value, (pd.Series, pd.DataFrame, np.ndarray)):
            out[prefix + key] = np.asarray(value, dtype=float).ravel()
    return out


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"fit_intercept": False},
        {"returns_to_scale": "constant"},
        {"cov_type": "HC3"},
    ],
)
def test_frequency_weights_give_the_replicated_rows_diagnostics(options):
    # every diagnostic (Durbin-Watson and its exact p-value, Breusch-Godfrey,
    # Lilliefors, Park, Breusch-Pagan, correlations, VIFs) is the replicated
    # rows': the unweighted fit on np.repeat rows is the oracle
    rng = np.random.default_rng(0)
    X = pd.DataFrame(np.exp(rng.normal(size=(150, 3))), columns=["a", "b", "c"])
    y = np.exp(0.3 * np.log(X).sum(axis=1) + rng.normal(0, 0.3, 150))
    w = rng.integers(1, 4, 150)
    rows = np.repeat(np.arange(150), w)
    ours = CobbDouglasRegressor(**options).fit(X, y, sample_weight=w)
    ref = CobbDouglasRegressor(**options).fit(X.iloc[rows], y.iloc[rows])
    got, want = _flat(ours.diagnostics()), _flat(ref.diagnostics())
    assert set(got) == set(want) and len(got) >= 13
    for key in want:
        assert_allclose(got[key], want[key], rtol=1e-8, err_msg=key)
    for name, keys in (
        ("durbin_watson_test", ("statistic", "pvalue")),
        ("breusch_godfrey", ("lm", "lm_pvalue", "fvalue", "f_pvalue")),
    ):
        a, b = getattr(ours.results_, name), getattr(ref.results_, name)
        for key in keys:
            assert_allclose(a[key], b[key], rtol=1e-7, err_msg=f"{name} {key}")
    # fractional frequency weights have no copies: statsmodels' WLS forms
    with pytest.warns(SklearnInnovWarning, match="read as frequency weights"):
        fractional = CobbDouglasRegressor(**options).fit(X, y, sample_weight=w + 0.5)
    assert fractional.results_._copies is None
    assert np.isfinite(fractional.durbin_watson_)
