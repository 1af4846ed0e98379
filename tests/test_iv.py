"""IVCobbDouglasRegressor and the IV kernel, against independent oracles.

Oracles: linearmodels' IV2SLS, IVLIML and IVGMM on Wooldridge's Mroz wage
equation (in logs); hand formulas for HC2/HC3, Shea's and the canonical
correlations of Cragg-Donald; statsmodels' OLS for Anderson-Rubin; the
closed-form Anderson-Rubin set; Stock and Yogo's published table; a
simulation with a known truth.
"""

import pickle
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from numpy.testing import assert_allclose
from packaging.version import Version
from scipy import stats
from sklearn.base import clone
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer

from sklearn_innov import CobbDouglasRegressor, IVCobbDouglasRegressor
from sklearn_innov._core._iv import iv_fit, stock_yogo_size10
from sklearn_innov.exceptions import StatisticUnavailableError

linearmodels = pytest.importorskip("linearmodels.iv")
linearmodels_version = pytest.importorskip("linearmodels").__version__

DATA = Path(__file__).parent / "data" / "mroz_wage.csv"
INSTRUMENTS = ["motheduc", "fatheduc", "huseduc"]


@pytest.fixture(scope="module")
def mroz():
    """The 428 working women: wage, education, experience, parents' education."""
    d = pd.read_csv(DATA).dropna(subset=["wage"]).reset_index(drop=True)
    X = pd.DataFrame(
        {
            "educ": d["educ"].astype(float),
            "exper1": d["exper"] + 1.0,  # exper is 0 for some women; ln needs > 0
            "age": d["age"].astype(float),
            **{name: d[name].astype(float) for name in INSTRUMENTS},
        }
    )
    return X, d["wage"].to_numpy(), (d["age"] // 5).to_numpy()


def _lm_data(X, y, endog=("educ",), exog=("exper1", "age"), instruments=INSTRUMENTS):
    """The same equation for linearmodels, logged by hand."""
    dep = pd.Series(np.log(y), name="lwage")
    ex = pd.DataFrame(
        {"const": 1.0, **{f"ln{c}": np.log(X[c]) for c in exog}}, index=X.index
    )
    en = pd.DataFrame({f"ln{c}": np.log(X[c]) for c in endog})
    return dep, ex, en, X[list(instruments)]


# ours -> (linearmodels cov_type, debiased)
COVS = {
    "nonrobust": ("unadjusted", True),
    "HC0": ("robust", False),
    "HC1": ("robust", True),
    "cluster": ("clustered", True),
}
MODELS = {"2sls": "IV2SLS", "liml": "IVLIML", "gmm": "IVGMM"}


@pytest.mark.parametrize("method", sorted(MODELS))
@pytest.mark.parametrize("cov_type", sorted(COVS))
def test_estimates_equal_linearmodels(mroz, method, cov_type):
    X, y, groups = mroz
    lm_cov, debiased = COVS[cov_type]
    Xc = X.assign(group=groups) if cov_type == "cluster" else X
    model = IVCobbDouglasRegressor(
        endogenous=["educ"],
        instruments=INSTRUMENTS,
        method=method,
        cov_type=cov_type,
        cluster="group" if cov_type == "cluster" else None,
    ).fit(Xc, y)
    kw = {"clusters": groups} if cov_type == "cluster" else {}
    model_kw = (
        {"weight_type": "clustered", "clusters": groups}
        if method == "gmm" and cov_type == "cluster"
        else {}
    )
    oracle = getattr(linearmodels, MODELS[method])(*_lm_data(X, y), **model_kw).fit(
        cov_type=lm_cov, debiased=debiased, **kw
    )
    table = model.coef_table_
    assert list(table.index) == ["const", "exper1", "age", "educ"]
    assert_allclose(table["coef"], oracle.params, rtol=1e-6, atol=1e-10)
    assert_allclose(table["std_err"], oracle.std_errors, rtol=1e-6)
    assert_allclose(table["t"], oracle.tstats, rtol=1e-6)
    if debiased:  # linearmodels infers with t(n - k) only when debiased
        assert_allclose(table["p_value"], oracle.pvalues, rtol=1e-6, atol=1e-12)
        ci = oracle.conf_int()
        assert_allclose(table["ci_lower"], ci["lower"], rtol=1e-6)
        assert_allclose(table["ci_upper"], ci["upper"], rtol=1e-6)
    assert_allclose(model.rsquared_, oracle.rsquared, rtol=1e-8)
    if method == "liml":
        assert_allclose(model.results_.kappa, oracle.kappa, rtol=1e-9)
    if method == "2sls" and cov_type in ("nonrobust", "HC1"):
        first = model.results_.first_stage_coefs["educ"]
        individual = oracle.first_stage.individual["lneduc"]
        assert_allclose(first["coef"], individual.params, rtol=1e-8)
        assert_allclose(first["std_err"], individual.std_errors, rtol=1e-8)
        ols = linearmodels.IV2SLS(
            oracle.model.dependent.pandas,
            pd.concat([oracle.model.exog.pandas, oracle.model.endog.pandas], axis=1),
            None,
            None,
        ).fit(cov_type=lm_cov, debiased=True)
        assert_allclose(model.results_.ols_table["coef"], ols.params, rtol=1e-8)
        assert_allclose(model.results_.ols_table["std_err"], ols.std_errors, rtol=1e-8)


def test_hc2_hc3_are_the_leverage_corrections_of_the_projected_design(mroz):
    X, y, _ = mroz
    dep, ex, en, iz = _lm_data(X, y)
    Xm = np.column_stack([ex, en])
    Z = np.column_stack([ex, iz])
    Xhat = Z @ np.linalg.lstsq(Z, Xm, rcond=None)[0]
    bread = np.linalg.inv(Xhat.T @ Xhat)
    b = bread @ Xhat.T @ dep.to_numpy()
    e = dep.to_numpy() - Xm @ b
    h = np.einsum("ij,jk,ik->i", Xhat, bread, Xhat)
    for cov_type, power in (("HC2", 1), ("HC3", 2)):
        meat = (Xhat * (e**2 / (1 - h) ** power)[:, None]).T @ Xhat
        expected = np.sqrt(np.diag(bread @ meat @ bread))
        model = IVCobbDouglasRegressor(
            endogenous=["educ"], instruments=INSTRUMENTS, cov_type=cov_type
        ).fit(X, y)
        # the table's order is const, exper1, age, educ as in Xm
        assert_allclose(model.coef_table_["std_err"], expected, rtol=1e-8)


@pytest.mark.parametrize("cov_type", ["nonrobust", "HC1"])
def test_first_stage_equals_linearmodels(mroz, cov_type):
    X, y, _ = mroz
    endog = ("educ", "exper1")
    instruments = [*INSTRUMENTS, "age"]
    model = IVCobbDouglasRegressor(
        endogenous=list(endog), instruments=instruments, cov_type=cov_type
    ).fit(X, y)
    lm_cov, debiased = COVS[cov_type]
    oracle = linearmodels.IV2SLS(
        *_lm_data(X, y, endog=endog, exog=(), instruments=instruments)
    ).fit(cov_type=lm_cov, debiased=debiased)
    expected = oracle.first_stage.diagnostics
    ours = model.first_stage_
    assert_allclose(ours["rsquared"], expected["rsquared"], rtol=1e-8)
    assert_allclose(ours["partial_rsquared"], expected["partial.rsquared"], rtol=1e-8)
    assert_allclose(ours["shea_partial_rsquared"], expected["shea.rsquared"], rtol=1e-8)
    # two endogenous regressors: Shea's partial R² is not the partial R²
    assert not np.allclose(ours["shea_partial_rsquared"], ours["partial_rsquared"])
    q = len(instruments)
    if cov_type == "nonrobust":  # linearmodels: F(q, n - L)
        assert_allclose(ours["partial_f"], expected["f.stat"], rtol=1e-8)
        # linearmodels before 7.1 takes p as 1 - cdf: 1e-16 for our 1e-45
        assert_allclose(ours["p_value"], expected["f.pval"], rtol=1e-6, atol=1e-12)
    else:  # linearmodels: the robust Wald chi-square; ours: it over q, as F
        assert_allclose(ours["partial_f"] * q, expected["f.stat"], rtol=1e-8)


def test_overidentification_and_endogeneity_equal_linearmodels(mroz):
    X, y, _ = mroz
    data = _lm_data(X, y)
    plain = IVCobbDouglasRegressor(endogenous=["educ"], instruments=INSTRUMENTS)
    plain.fit(X, y)
    lm = linearmodels.IV2SLS(*data).fit(cov_type="unadjusted", debiased=True)
    over = plain.overidentification_
    assert over["test"] == "Sargan"
    assert_allclose(over["statistic"], lm.sargan.stat, rtol=1e-8)
    assert_allclose(over["pvalue"], lm.sargan.pval, rtol=1e-8)
    endo = plain.endogeneity_
    assert_allclose(
        endo["control_function"]["statistic"], lm.wooldridge_regression.stat, rtol=1e-8
    )
    if Version(linearmodels_version) >= Version("7.1"):
        # before 7.1, linearmodels projected the IV residuals on the excluded
        # instruments alone (without the exogenous regressors)
        assert_allclose(endo["durbin"]["statistic"], lm.durbin().stat, rtol=1e-8)
        assert_allclose(endo["durbin"]["pvalue"], lm.durbin().pval, rtol=1e-8)
        wu = lm.wu_hausman()
        assert_allclose(endo["wu_hausman"]["statistic"], wu.stat, rtol=1e-8)
        assert_allclose(endo["wu_hausman"]["pvalue"], wu.pval, rtol=1e-8)

    robust = IVCobbDouglasRegressor(
        endogenous=["educ"], instruments=INSTRUMENTS, cov_type="HC1"
    ).fit(X, y)
    lmr = linearmodels.IV2SLS(*data).fit(cov_type="robust", debiased=True)
    over = robust.overidentification_
    assert over["test"] == "Wooldridge's robust score"
    assert_allclose(over["statistic"], lmr.wooldridge_overid.stat, rtol=1e-8)
    # one restriction: the robust Wald F is linearmodels' chi-square
    assert_allclose(
        robust.endogeneity_["control_function"]["statistic"],
        lmr.wooldridge_regression.stat,
        rtol=1e-8,
    )

    gmm = IVCobbDouglasRegressor(
        endogenous=["educ"], instruments=INSTRUMENTS, method="gmm", cov_type="HC0"
    ).fit(X, y)
    lmg = linearmodels.IVGMM(*data).fit(cov_type="robust")
    over = gmm.overidentification_
    assert over["test"] == "Hansen's J"
    assert_allclose(over["statistic"], lmg.j_stat.stat, rtol=1e-8)
    assert_allclose(over["pvalue"], lmg.j_stat.pval, rtol=1e-8)


def test_durbin_and_wu_hausman_from_the_control_function_regression(mroz):
    # Wu-Hausman's F is the homoskedastic F test of the first-stage residual
    # in the regression of y on X and it; Durbin's chi-square follows from it
    X, y, _ = mroz
    dep, ex, en, iz = _lm_data(X, y)
    Z = np.column_stack([ex, iz])
    v = sm.OLS(en.to_numpy().ravel(), Z).fit().resid
    design = np.column_stack([ex, en, v])
    fit = sm.OLS(dep.to_numpy(), design).fit()
    test = fit.f_test(np.eye(design.shape[1])[-1:])
    model = IVCobbDouglasRegressor(endogenous=["educ"], instruments=INSTRUMENTS)
    endo = model.fit(X, y).endogeneity_
    wu = float(test.fvalue)
    assert_allclose(endo["wu_hausman"]["statistic"], wu, rtol=1e-8)
    assert_allclose(endo["wu_hausman"]["pvalue"], float(test.pvalue), rtol=1e-8)
    n, df = len(y), fit.df_resid
    assert_allclose(endo["durbin"]["statistic"], n * wu / (df + wu), rtol=1e-8)


def test_exactly_identified_has_no_overidentification_test(mroz):
    X, y, _ = mroz
    model = IVCobbDouglasRegressor(endogenous=["educ"], instruments=["fatheduc"])
    model.fit(X[["educ", "exper1", "fatheduc"]], y)
    with pytest.raises(StatisticUnavailableError, match="exactly identified"):
        model.overidentification_  # noqa: B018
    # the summary prints the reason in the test's place
    assert "exactly identified" in str(model.summary())


def test_cragg_donald_one_endogenous_is_the_first_stage_f(mroz):
    X, y, _ = mroz
    model = IVCobbDouglasRegressor(endogenous=["educ"], instruments=INSTRUMENTS)
    model.fit(X, y)
    assert_allclose(
        model.results_.cragg_donald, model.first_stage_["partial_f"].iloc[0], rtol=1e-9
    )


def test_cragg_donald_two_endogenous_from_canonical_correlations(mroz):
    X, y, _ = mroz
    instruments = [*INSTRUMENTS, "age"]
    model = IVCobbDouglasRegressor(
        endogenous=["educ", "exper1"], instruments=instruments
    ).fit(X, y)
    # the smallest canonical correlation between the endogenous regressors
    # and the excluded instruments, the constant partialled out of both
    endog = np.log(X[["educ", "exper1"]].to_numpy())
    excl = X[instruments].to_numpy()
    endog = endog - endog.mean(axis=0)
    excl = excl - excl.mean(axis=0)
    qa, _ = np.linalg.qr(endog)
    qb, _ = np.linalg.qr(excl)
    r = np.linalg.svd(qa.T @ qb, compute_uv=False).min()
    n, L, L2 = len(y), 1 + len(instruments), len(instruments)
    expected = (n - L) / L2 * r**2 / (1 - r**2)
    assert_allclose(model.results_.cragg_donald, expected, rtol=1e-9)
    # Kleibergen-Paap's rk statistic with a homoskedastic covariance is it
    assert_allclose(model.results_._rk_f(robust=False), expected, rtol=1e-8)


def test_kleibergen_paap_one_endogenous_is_the_robust_first_stage_f(mroz):
    X, y, _ = mroz
    model = IVCobbDouglasRegressor(
        endogenous=["educ"], instruments=INSTRUMENTS, cov_type="HC1"
    ).fit(X, y)
    weak = model.weak_instruments_
    assert weak["test"] == "Kleibergen-Paap rk Wald F"
    assert_allclose(
        weak["statistic"], model.first_stage_["partial_f"].iloc[0], rtol=1e-9
    )
    assert weak["critical_value"] == 22.30 and weak["weak"] is False


def test_stock_yogo_table_entries():
    # Stock and Yogo (2005), Table 5.2, 10% maximal IV size
    assert [stock_yogo_size10(1, m) for m in (1, 2, 3, 4)] == [
        16.38,
        19.93,
        22.30,
        24.58,
    ]
    assert stock_yogo_size10(2, 2) == 7.03
    assert stock_yogo_size10(2, 3) == 13.43
    assert stock_yogo_size10(1, 10) == 38.54
    assert stock_yogo_size10(2, 1) is None  # under-identified
    assert stock_yogo_size10(3, 5) is None  # not tabulated


def test_anderson_rubin_test_and_set(mroz):
    X, y, _ = mroz
    model = IVCobbDouglasRegressor(endogenous=["educ"], instruments=INSTRUMENTS)
    results = model.fit(X, y).results_
    dep, ex, en, iz = _lm_data(X, y)
    Z = np.column_stack([ex, iz])
    restriction = np.zeros((3, Z.shape[1]))
    restriction[:, -3:] = np.eye(3)
    for b0 in (0.0, 0.5, 1.2):
        fit = sm.OLS(dep.to_numpy() - b0 * en.to_numpy().ravel(), Z).fit()
        test = fit.f_test(restriction)
        ours = results.anderson_rubin(b0)
        assert_allclose(ours["statistic"], float(test.fvalue), rtol=1e-8)
        assert_allclose(ours["pvalue"], float(test.pvalue), rtol=1e-8)

    # closed form: F(b) <= c is a quadratic inequality in b
    x = en.to_numpy().ravel()
    yy = dep.to_numpy()
    M_full = np.eye(len(yy)) - Z @ np.linalg.pinv(Z)
    M_exog = np.eye(len(yy)) - ex.to_numpy() @ np.linalg.pinv(ex.to_numpy())
    n, L, L2 = len(yy), Z.shape[1], 3
    c = stats.f.isf(0.05, L2, n - L) * L2 / (n - L)
    A = M_exog - (1 + c) * M_full  # (u' M_exog u - u' M_full u) / u'M_full u <= c
    a2, a1, a0 = x @ A @ x, -2 * yy @ A @ x, yy @ A @ yy
    roots = np.sort(np.roots([a2, a1, a0]).real)
    (interval,) = results.anderson_rubin_set()
    assert_allclose(interval, roots, rtol=1e-7)


def _simulate(n, strength, seed=0):
    """Learning made endogenous by an unobserved firm effect; z instruments it.

    ``ln learning = strength z + 0.8 firm + noise``, ``ln y = 0.5 + 0.4
    ln learning + 0.3 ln other + firm + noise``: OLS of ln y on ln learning
    is biased upwards, z is valid, and its strength is a parameter.
    """
    rng = np.random.default_rng(seed)
    firm = rng.normal(size=n)
    z = rng.normal(size=n)
    other = np.exp(rng.normal(size=n))
    learning = np.exp(strength * z + 0.8 * firm + 0.5 * rng.normal(size=n))
    log_y = 0.5 + 0.4 * np.log(learning) + 0.3 * np.log(other) + firm
    y = np.exp(log_y + 0.3 * rng.normal(size=n))
    return pd.DataFrame({"learning": learning, "other": other, "z": z}), y


def test_simulation_ols_biased_iv_covers_the_truth():
    covered = ols_covered = 0
    for seed in range(20):
        X, y = _simulate(500, strength=1.0, seed=seed)
        iv = IVCobbDouglasRegressor(endogenous=["learning"], instruments=["z"])
        row = iv.fit(X, y).coef_table_.loc["learning"]
        covered += row["ci_lower"] <= 0.4 <= row["ci_upper"]
        assert iv.weak_instruments_["weak"] is False
        ols = CobbDouglasRegressor().fit(X[["learning", "other"]], y)
        o = ols.coef_table_.loc["learning"]
        ols_covered += o["ci_lower"] <= 0.4 <= o["ci_upper"]
        assert o["coef"] > 0.6  # plim = 0.4 + 0.8 / (1 + 0.64 + 0.25) = 0.82
    assert covered >= 17  # 95% intervals: 17 or more of 20 (binomial 2.5% tail)
    assert ols_covered == 0


def test_weak_instruments_flagged_and_anderson_rubin_shown():
    X, y = _simulate(500, strength=0.05, seed=1)
    model = IVCobbDouglasRegressor(endogenous=["learning"], instruments=["z"])
    model.fit(X, y)
    assert model.weak_instruments_["weak"] is True
    text = str(model.summary())
    assert "instruments are weak: the IV estimates are not reliable" in text
    assert "Anderson-Rubin" in text
    # with an instrument this weak the set is unbounded
    intervals = model.results_.anderson_rubin_set()
    assert np.isinf(intervals[0][0]) or np.isinf(intervals[-1][1])
    # a saved model keeps what its summary prints, Anderson-Rubin included
    restored = pickle.loads(pickle.dumps(model))
    assert str(restored.summary()) == text


def test_readings_use_p_values_and_user_labels(mroz):
    X, y, _ = mroz
    model = IVCobbDouglasRegressor(endogenous=["educ"], instruments=INSTRUMENTS)
    table = model.fit(X, y).summary()["diagnostics"]
    durbin = table.loc[table.index.str.startswith("Durbin")].iloc[0]
    p = model.endogeneity_["durbin"]["pvalue"]
    assert p > 0.05
    assert durbin["reading"] == f"exogeneity not rejected at 5% (p = {p:.3f})"
    assert "ln educ" in str(model.summary())
    for reading in table["reading"]:
        assert "no evidence" not in reading and "is exogenous" not in reading


def test_without_endogenous_it_is_cobb_douglas(mroz):
    X, y, _ = mroz
    regressors = X[["educ", "exper1", "age"]]
    iv = IVCobbDouglasRegressor().fit(regressors, y)
    ols = CobbDouglasRegressor().fit(regressors, y)
    assert_allclose(iv.coef_, ols.coef_, rtol=1e-10)
    assert_allclose(iv.coef_table_.to_numpy(), ols.coef_table_.to_numpy(), rtol=1e-8)
    assert_allclose(iv.predict(regressors), ols.predict(regressors), rtol=1e-10)


def test_units_rescaled(mroz):
    X, y, _ = mroz
    base = IVCobbDouglasRegressor(endogenous=["educ"], instruments=INSTRUMENTS)
    base.fit(X, y)
    # an instrument in other units: nothing changes but its first-stage coefficient
    scaled = X.assign(motheduc=X["motheduc"] * 1e6)
    other = clone(base).fit(scaled, y)
    assert_allclose(other.coef_table_, base.coef_table_, rtol=1e-8)
    assert_allclose(
        other.weak_instruments_["statistic"],
        base.weak_instruments_["statistic"],
        rtol=1e-8,
    )
    # a regressor in other units: only the intercept moves (elasticities are unit-free)
    moved = clone(base).fit(X.assign(educ=X["educ"] * 1000), y * 10)
    assert_allclose(moved.coef_, base.coef_, rtol=1e-8)
    assert_allclose(
        moved.intercept_,
        base.intercept_ + np.log(10) - base.coef_[0] * np.log(1000),
        rtol=1e-8,
    )


def test_predict_pickle_clone_cross_validate_pipeline(mroz):
    X, y, _ = mroz
    model = IVCobbDouglasRegressor(endogenous=["educ"], instruments=INSTRUMENTS)
    model.fit(X, y)
    expected = np.exp(
        model.intercept_ + np.log(X[["educ", "exper1", "age"]]) @ model.coef_
    )
    assert_allclose(model.predict(X), expected * model.smearing_factor_, rtol=1e-12)
    restored = pickle.loads(pickle.dumps(model))
    assert_allclose(restored.predict(X), model.predict(X))
    pd.testing.assert_frame_equal(restored.coef_table_, model.coef_table_)
    assert str(restored.summary()) == str(model.summary())
    scores = cross_val_score(clone(model), X, y, cv=3)
    assert np.isfinite(scores).all()
    pipe = Pipeline(
        [
            (
                "keep",
                FunctionTransformer(
                    lambda frame: frame, feature_names_out="one-to-one"
                ),
            ),
            ("iv", clone(model)),
        ]
    ).set_output(transform="pandas")
    assert_allclose(pipe.fit(X, y).predict(X), model.predict(X), rtol=1e-12)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"endogenous": ["educ"], "instruments": ["educ"]}, "both endogenous and"),
        (
            {"endogenous": ["educ", "age"], "instruments": ["fatheduc"]},
            "not identified",
        ),
        ({"instruments": ["fatheduc"]}, "no endogenous regressor"),
        ({"endogenous": ["educ"], "instruments": ["nope"]}, "'nope'"),
        (
            {
                "endogenous": ["educ"],
                "instruments": ["fatheduc"],
                "cov_type": "cluster",
            },
            "go together",
        ),
        (
            {
                "endogenous": ["educ"],
                "instruments": ["fatheduc"],
                "method": "gmm",
                "cov_type": "HC3",
            },
            "method='2sls' only",
        ),
    ],
)
def test_bad_specifications_are_named(mroz, params, message):
    X, y, _ = mroz
    with pytest.raises(ValueError, match=message):
        IVCobbDouglasRegressor(**params).fit(X, y)


def test_non_positive_regressor_is_named_but_instruments_may_be_zero(mroz):
    X, y, _ = mroz
    model = IVCobbDouglasRegressor(endogenous=["educ"], instruments=INSTRUMENTS)
    # motheduc has zeros: fine, instruments are not logged
    assert (X["motheduc"] == 0).any()
    model.fit(X, y)
    with pytest.raises(ValueError, match="regressor column\\(s\\) 'age'"):
        model.fit(X.assign(age=X["age"] - 30), y)


def test_constant_instrument_is_collinear_with_the_intercept(mroz):
    X, y, _ = mroz
    model = IVCobbDouglasRegressor(endogenous=["educ"], instruments=["fatheduc", "one"])
    with pytest.raises(ValueError, match="collinear"):
        model.fit(X[["educ", "exper1", "fatheduc"]].assign(one=1.0), y)


def test_kernel_without_logs_matches_the_estimator(mroz):
    # the kernel is the estimator's engine: the estimator only adds logs
    X, y, _ = mroz
    dep, ex, en, iz = _lm_data(X, y)
    results = iv_fit(
        dep.to_numpy(),
        ex.to_numpy(),
        en.to_numpy(),
        iz.to_numpy(),
        names=["const", "exper1", "age", "educ"],
        instrument_names=INSTRUMENTS,
    )
    model = IVCobbDouglasRegressor(endogenous=["educ"], instruments=INSTRUMENTS)
    assert_allclose(results.params, model.fit(X, y).results_.params, rtol=1e-12)


def test_positions_on_arrays_equal_names_on_frames(mroz):
    X, y, _ = mroz
    by_name = IVCobbDouglasRegressor(endogenous=["educ"], instruments=INSTRUMENTS)
    by_position = IVCobbDouglasRegressor(endogenous=[0], instruments=[3, 4, 5])
    by_name.fit(X, y)
    by_position.fit(X.to_numpy(), y)
    assert_allclose(by_position.coef_, by_name.coef_, rtol=1e-12)
    assert by_position.endogenous_ == [0] and by_position.instruments_ == [3, 4, 5]
    assert_allclose(by_position.predict(X.to_numpy()), by_name.predict(X), rtol=1e-12)


def test_cluster_column_missing_or_single_is_named(mroz):
    X, y, groups = mroz
    model = IVCobbDouglasRegressor(
        endogenous=["educ"], instruments=INSTRUMENTS, cov_type="cluster", cluster="g"
    )
    labels = pd.Series(groups, dtype=float)
    labels.iloc[[3, 7]] = np.nan
    with pytest.raises(ValueError, match="'g' is missing in 2 row"):
        model.fit(X.assign(g=labels.to_numpy()), y)
    with pytest.raises(ValueError, match="at least 2 clusters"):
        model.fit(X.assign(g="one"), y)
    # text labels are fine: the column is neither a regressor nor an instrument
    metro = np.where(groups % 2 == 0, "Tijuana", "Monterrey")
    assert model.fit(X.assign(g=metro), y).results_.n_clusters == 2


def test_without_intercept_equals_linearmodels(mroz):
    X, y, _ = mroz
    model = IVCobbDouglasRegressor(
        endogenous=["educ"], instruments=INSTRUMENTS, fit_intercept=False
    ).fit(X, y)
    dep, ex, en, iz = _lm_data(X, y)
    oracle = linearmodels.IV2SLS(dep, ex.drop(columns="const"), en, iz).fit(
        cov_type="unadjusted", debiased=True
    )
    assert model.intercept_ == 0.0
    assert_allclose(model.coef_table_["coef"], oracle.params, rtol=1e-8)
    assert_allclose(model.coef_table_["std_err"], oracle.std_errors, rtol=1e-8)
    first = oracle.first_stage.diagnostics
    assert_allclose(model.first_stage_["partial_f"], first["f.stat"], rtol=1e-8)
    assert np.isfinite(model.weak_instruments_["statistic"])
