"""StepwiseLogit with sample weights and survey designs, against oracles.

Frequency weights are checked by their definition: an integer weight acts
exactly as that many copies of the row, for every statistic (fits, every
removal and entry test, -2LL, pseudo R², AIC/BIC, Hosmer-Lemeshow,
classification table, profile intervals, marginal effects), on both paths
of the Newton kernel; and against statsmodels' GLM with ``freq_weights``
and firthmodels on the replicated rows. Cluster-robust standard errors are
compared with statsmodels' ``Logit(cov_type="cluster")`` and design-based
ones with R's ``svyglm`` formula written independently here (loops over
strata and PSUs), both on the Bangladesh Fertility Survey
(``tests/data/contraception.csv``).
"""

import pickle
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from numpy.testing import assert_allclose
from scipy import stats

from sklearn_innov import StepwiseLogit
from sklearn_innov.exceptions import SeparationWarning, SklearnInnovWarning

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def weighted_data():
    """Five features (two irrelevant, one 0/1), integer weights 0 to 3."""
    rng = np.random.default_rng(1)
    n = 300
    X = pd.DataFrame(rng.normal(size=(n, 5)), columns=list("abcde"))
    X["e"] = rng.integers(0, 2, n).astype(float)
    eta = X["a"] - 0.5 * X["b"] + 0.4 * X["e"]
    y = (eta + rng.logistic(size=n) > 0).astype(int)
    w = rng.integers(0, 4, n)
    return X, y, w


def replicate(X, y, w):
    rows = np.repeat(np.arange(len(y)), w)
    return X.iloc[rows].reset_index(drop=True), np.asarray(y)[rows]


@pytest.fixture(scope="module")
def contraception():
    frame = pd.read_csv(DATA / "contraception.csv")
    # districts have an urban and a rural part: the PSU is the part
    frame["psu"] = frame["urban"] + ":" + frame["district"].astype(str)
    X = pd.DataFrame(
        {
            "age": frame["age"],
            "age2": frame["age"] ** 2 / 100,
            "children": (frame["livch"] != "0").astype(float),
            "urban": (frame["urban"] == "Y").astype(float),
            "noise": np.random.default_rng(0).normal(size=len(frame)),
        }
    )
    y = (frame["use"] == "Y").astype(int)
    # a stated rule, not the survey's (it ships none): rural women sampled
    # at half the urban rate, and weights varying within PSUs
    w = np.where(frame["urban"] == "Y", 1.0, 2.0)
    w = w * np.where(frame["livch"] == "0", 1.5, 1.0)
    return X, y, w, frame


def svyrecvar_loops(scores, strata, psu):
    """R's ``svyrecvar`` (one stage, no fpc) by loops over strata and PSUs."""
    k = scores.shape[1]
    meat = np.zeros((k, k))
    for h in pd.unique(strata):
        in_h = strata == h
        totals = np.array(
            [scores[in_h & (psu == c)].sum(axis=0) for c in pd.unique(psu[in_h])]
        )
        n_h = len(totals)
        centred = totals - totals.mean(axis=0)
        meat += n_h / (n_h - 1) * centred.T @ centred
    return meat


def everything(model):
    """Every statistic the model reports, as arrays, for comparisons."""
    results = model.results_
    hl = results.hosmer_lemeshow
    return {
        "coef_table": model.coef_table_.to_numpy(float),
        "not_in_equation": model.not_in_equation_.to_numpy(float),
        "history": model.history_[["statistic", "p_value", "minus2_llf"]].to_numpy(
            float
        ),
        "history_features": model.history_["feature"].tolist(),
        "selected": model.selected_features_,
        "scalars": np.array(
            [
                results.nobs,
                model.llf_,
                model.llnull_,
                model.aic_,
                model.bic_,
                *results.pseudo_r2.values(),
                results.omnibus["statistic"],
                results.omnibus["pvalue"],
                hl["statistic"],
                hl["pvalue"],
            ]
        ),
        "hl_table": hl["table"].to_numpy(float),
        "classification": results.classification_table.to_numpy(float),
    }


def assert_same(got, want, rtol=1e-7):
    for key, value in want.items():
        if isinstance(value, list):
            assert got[key] == value, key
        else:
            assert_allclose(got[key], value, rtol=rtol, atol=1e-9, err_msg=key)


SETTINGS = [
    {},
    {"criterion": "lr"},
    {"criterion": "conditional"},
    {"direction": "forward"},
    {"direction": "forward", "criterion": "lr"},
    {"penalty": "firth", "criterion": "lr"},
    {"penalty": "firth", "criterion": "conditional", "direction": "forward"},
    {"fit_intercept": False, "hl_method": "spss"},
    {"hl_method": "deciles", "p_remove": 0.3, "p_enter": 0.2},
]


@pytest.mark.parametrize("blocks", [False, True], ids=["small-n", "blocked"])
@pytest.mark.parametrize("settings", SETTINGS, ids=str)
def test_integer_weights_equal_replicated_rows(
    weighted_data, settings, blocks, monkeypatch
):
    if blocks:
        # the large-n path (blocks of rows on threads, presolve, chord steps)
        # on few rows: every pass by blocks of 64 rows
        from sklearn_innov._core import _logit_large

        monkeypatch.setattr(_logit_large, "_BLOCKED_ROWS", 1)
        monkeypatch.setattr(_logit_large, "_INFO_ROWS", 64)
        monkeypatch.setattr(_logit_large, "_CHORD_VALUES", 1)
    X, y, w = weighted_data
    Xr, yr = replicate(X, y, w)
    weighted = StepwiseLogit(**settings).fit(X, y, sample_weight=w)
    replicated = StepwiseLogit(**settings).fit(Xr, yr)
    assert len(replicated.history_)  # the stepping is exercised
    assert_same(everything(weighted), everything(replicated))
    assert weighted.nobs_ == w.sum() == len(yr)
    assert_allclose(
        weighted.profile_table_.to_numpy(float),
        replicated.profile_table_.to_numpy(float),
        rtol=1e-6,
    )
    assert_allclose(
        weighted.marginal_effects(X, sample_weight=w, dummy=True)
        .iloc[:, 1:]
        .to_numpy(float),
        replicated.marginal_effects(Xr, dummy=True).iloc[:, 1:].to_numpy(float),
        rtol=1e-6,
    )
    assert_allclose(weighted.predict_proba(X), replicated.predict_proba(X), rtol=1e-7)


def test_weighted_fit_equals_statsmodels_glm_freq_weights(weighted_data):
    X, y, w = weighted_data
    model = StepwiseLogit(p_remove=1.0).fit(X, y, sample_weight=w)
    exog = sm.add_constant(X.to_numpy())
    ref = sm.GLM(y.to_numpy(), exog, family=sm.families.Binomial(), freq_weights=w).fit(
        tol=1e-12
    )
    table = model.coef_table_
    order = [*range(1, 6), 0]
    assert_allclose(table["coef"], ref.params[order], rtol=1e-8)
    assert_allclose(table["std_err"], ref.bse[order], rtol=1e-7)
    assert_allclose(model.llf_, ref.llf, rtol=1e-10)
    assert_allclose(model.llnull_, ref.llnull, rtol=1e-10)
    assert_allclose(model.aic_, ref.aic, rtol=1e-10)
    assert model.nobs_ == ref.model.wnobs == w.sum()


def test_weighted_firth_equals_firthmodels_on_replicated_rows(weighted_data):
    firthmodels = pytest.importorskip("firthmodels")
    X, y, w = weighted_data
    Xr, yr = replicate(X, y, w)
    model = StepwiseLogit(penalty="firth", p_remove=1.0).fit(X, y, sample_weight=w)
    ref = firthmodels.FirthLogisticRegression(gtol=1e-8, xtol=1e-8, max_iter=200)
    ref.fit(Xr, yr)
    assert_allclose(model.coef_[0], ref.coef_, rtol=1e-6)
    assert_allclose(model.intercept_[0], ref.intercept_, rtol=1e-6)


def test_large_path_weighted_equals_replicated_at_70000_rows():
    """70,000 weighted rows (the blocked path from 65,536) against the same
    rows replicated (about 140,000): the same stepping, estimates, tests."""
    rng = np.random.default_rng(5)
    n = 70_000
    X = pd.DataFrame(rng.normal(size=(n, 4)), columns=list("abcd"))
    y = (0.3 * X["a"] - 0.2 * X["b"] + rng.logistic(size=n) > 0).astype(int)
    w = rng.integers(1, 4, n)
    Xr, yr = replicate(X, y, w)
    weighted = StepwiseLogit(direction="backward").fit(X, y, sample_weight=w)
    replicated = StepwiseLogit(direction="backward").fit(Xr, yr)
    assert len(replicated.history_) >= 1
    got, want = everything(weighted), everything(replicated)
    assert_same(got, want, rtol=1e-6)


def test_zero_weights_equal_rows_dropped(weighted_data):
    X, y, w = weighted_data
    keep = w > 0
    for settings in ({}, {"criterion": "lr", "hl_method": "spss"}):
        weighted = StepwiseLogit(**settings).fit(X, y, sample_weight=w)
        dropped = StepwiseLogit(**settings).fit(X[keep], y[keep], sample_weight=w[keep])
        assert_same(everything(weighted), everything(dropped), rtol=1e-10)
    # the zero-weight rows count nowhere: not in n, not in the HL groups
    assert weighted.nobs_ == w.sum()
    assert weighted.results_.hosmer_lemeshow["table"]["n"].sum() == w.sum()


def test_weights_times_1000_frequency_semantics(weighted_data):
    """Scaling every weight by c: the same estimates; as c copies of each row,
    standard errors shrink by sqrt(c) and -2LL grows c times."""
    X, y, w = weighted_data
    one = StepwiseLogit(p_remove=1.0).fit(X, y, sample_weight=w)
    many = StepwiseLogit(p_remove=1.0).fit(X, y, sample_weight=1000 * w)
    assert_allclose(many.coef_, one.coef_, rtol=1e-8)
    assert_allclose(many.intercept_, one.intercept_, rtol=1e-8)
    se_one, se_many = one.coef_table_["std_err"], many.coef_table_["std_err"]
    assert_allclose(se_many, se_one / np.sqrt(1000), rtol=1e-8)
    assert_allclose(many.llf_, 1000 * one.llf_, rtol=1e-10)
    assert many.nobs_ == 1000 * one.nobs_
    # the design-based covariance reads them as probability weights, and a
    # common scale cancels
    groups = np.arange(len(y)) // 10
    one = StepwiseLogit(cov_type="survey").fit(X, y, sample_weight=w, cluster=groups)
    many = StepwiseLogit(cov_type="survey").fit(
        X, y, sample_weight=1000 * w, cluster=groups
    )
    assert_allclose(
        many.coef_table_.to_numpy(float), one.coef_table_.to_numpy(float), rtol=1e-7
    )


def test_weighted_units_rescaled(weighted_data):
    X, y, w = weighted_data
    base = StepwiseLogit().fit(X, y, sample_weight=w)
    scaled = StepwiseLogit().fit(X.assign(a=X["a"] * 1e6), y, sample_weight=w)
    assert scaled.selected_features_ == base.selected_features_
    table, base_table = scaled.coef_table_, base.coef_table_
    assert_allclose(table.loc["a", "coef"] * 1e6, base_table.loc["a", "coef"])
    assert_allclose(table["wald"], base_table["wald"], rtol=1e-8)
    assert_allclose(scaled.llf_, base.llf_, rtol=1e-12)


def test_weighted_and_survey_fits_pickle(weighted_data, tmp_path):
    X, y, w = weighted_data
    groups = np.arange(len(y)) // 10
    for model in (
        StepwiseLogit().fit(X, y, sample_weight=w),
        StepwiseLogit(cov_type="survey").fit(X, y, sample_weight=w, cluster=groups),
    ):
        text = str(model.summary())
        again = pickle.loads(pickle.dumps(model))
        pd.testing.assert_frame_equal(again.coef_table_, model.coef_table_)
        assert_allclose(again.predict_proba(X), model.predict_proba(X))
        assert str(again.summary()) == text
        sio = pytest.importorskip("skops.io")
        path = tmp_path / "model.skops"
        sio.dump(model, path)
        untrusted = sio.get_untrusted_types(file=path)
        assert all(t.startswith("sklearn_innov.") for t in untrusted), untrusted
        loaded = sio.load(path, trusted=untrusted)
        assert str(loaded.summary()) == text
        # the weights are per-row data: remove_data drops them with the rest
        model.results_.remove_data()
        assert model.results_.__dict__.get("sample_weight") is None
        assert str(pickle.loads(pickle.dumps(model)).summary()) == text


@pytest.mark.parametrize(
    "bad, message",
    [
        (-1.0, r"negative in 1 row \(row 7\)"),
        (np.nan, r"NaN or infinite.*7"),
        (np.inf, r"NaN or infinite.*7"),
    ],
)
def test_bad_weights_are_refused_naming_the_rows(weighted_data, bad, message):
    X, y, w = weighted_data
    w = w.astype(float)
    w[7] = bad
    with pytest.raises(ValueError, match=message):
        StepwiseLogit().fit(X, y, sample_weight=w)


def test_weights_leaving_one_class_are_refused(weighted_data):
    X, y, _ = weighted_data
    with pytest.raises(ValueError, match="positive sample_weight all have"):
        StepwiseLogit().fit(X, y, sample_weight=y.to_numpy())


# -- cluster-robust and design-based covariances ---------------------------------


def test_cluster_equals_statsmodels_logit_cr1(contraception):
    X, y, _, frame = contraception
    model = StepwiseLogit(cov_type="cluster", p_remove=1.0).fit(
        X, y, cluster=frame["district"]
    )
    groups = pd.factorize(frame["district"])[0]
    ref = sm.Logit(y.to_numpy(), sm.add_constant(X.to_numpy())).fit(
        disp=0, tol=1e-12, cov_type="cluster", cov_kwds={"groups": groups}
    )
    order = [*range(1, 6), 0]
    table = model.coef_table_
    assert_allclose(table["coef"], ref.params[order], rtol=1e-8)
    assert_allclose(table["std_err"], ref.bse[order], rtol=1e-8)
    # Wald tests on clusters - 1 = 59 degrees of freedom
    assert model.df_inference_ == 59
    assert_allclose(table["p_value"], stats.f.sf(table["wald"], 1, 59), rtol=1e-10)
    assert model.design_info_["clusters"] == 60


def test_survey_equals_svyglm_formula(contraception):
    X, y, w, frame = contraception
    model = StepwiseLogit(cov_type="survey", p_remove=1.0).fit(
        X, y, sample_weight=w, strata=frame["urban"], cluster=frame["psu"]
    )
    exog = sm.add_constant(X.to_numpy())
    fit = sm.GLM(y.to_numpy(), exog, family=sm.families.Binomial(), var_weights=w).fit(
        tol=1e-12
    )
    scores = exog * (w * (y.to_numpy() - fit.fittedvalues))[:, None]
    bread = np.linalg.inv(exog.T @ (exog * (w * fit.mu * (1 - fit.mu))[:, None]))
    cov = (
        bread
        @ svyrecvar_loops(scores, frame["urban"].to_numpy(), frame["psu"].to_numpy())
        @ bread
    )
    order = [*range(1, 6), 0]
    table = model.coef_table_
    assert_allclose(table["coef"], fit.params[order], rtol=1e-8)
    assert_allclose(table["std_err"], np.sqrt(np.diag(cov))[order], rtol=1e-6)
    # svyglm's t tests: design df (102 PSUs - 2 strata) + 1 - 6 parameters
    assert model.df_inference_ == 95
    t = table["coef"] / table["std_err"]
    assert_allclose(table["p_value"], 2 * stats.t.sf(np.abs(t), 95), rtol=1e-8)
    q = stats.t.isf(0.025, 95)
    assert_allclose(
        table["odds_ci_lower"], np.exp(table["coef"] - q * table["std_err"])
    )
    info = model.design_info_
    assert (info["strata"], info["psus"], info["df"]) == (2, 102, 100)
    text = str(model.summary())
    assert "Design" in text and "Model-based, not design-based" in text


def test_survey_backward_steps_on_design_based_wald(contraception):
    """The first removal's statistic is the design-based Wald of the full
    model (svyglm's formula), not the model-based one."""
    X, y, w, frame = contraception
    model = StepwiseLogit(cov_type="survey").fit(
        X, y, sample_weight=w, strata=frame["urban"], cluster=frame["psu"]
    )
    first = model.history_.iloc[0]
    assert first["action"] == "removed"
    exog = sm.add_constant(X.to_numpy())
    fit = sm.GLM(y.to_numpy(), exog, family=sm.families.Binomial(), var_weights=w).fit(
        tol=1e-12
    )
    scores = exog * (w * (y.to_numpy() - fit.fittedvalues))[:, None]
    bread = np.linalg.inv(exog.T @ (exog * (w * fit.mu * (1 - fit.mu))[:, None]))
    cov = (
        bread
        @ svyrecvar_loops(scores, frame["urban"].to_numpy(), frame["psu"].to_numpy())
        @ bread
    )
    j = 1 + list(X.columns).index(first["feature"])
    assert_allclose(first["statistic"], fit.params[j] ** 2 / cov[j, j], rtol=1e-6)
    assert_allclose(first["p_value"], stats.f.sf(first["statistic"], 1, 95))
    model_based = fit.params[j] ** 2 / fit.bse[j] ** 2
    assert abs(first["statistic"] - model_based) > 1e-3 * model_based


def test_survey_entry_is_boos_generalised_score_test(contraception):
    """Entry statistics equal Boos's (1992) generalised score test, from the
    full model's partitioned information and design-based meat at the
    restricted estimate: U_2' [C V C']^-1 U_2, C = [-I21 I11^-1, I]."""
    X, y, w, frame = contraception
    model = StepwiseLogit(cov_type="survey", direction="forward").fit(
        X, y, sample_weight=w, strata=frame["urban"], cluster=frame["psu"]
    )
    table = model.not_in_equation_
    outside = [c for c in X.columns if c not in model.selected_features_]
    assert outside and len(model.history_)
    inside = ["const", *model.selected_features_]
    exog_in = sm.add_constant(X[model.selected_features_].to_numpy())
    fit = sm.GLM(
        y.to_numpy(), exog_in, family=sm.families.Binomial(), var_weights=w
    ).fit(tol=1e-12)
    strata, psu = frame["urban"].to_numpy(), frame["psu"].to_numpy()
    for name in outside:
        full = np.column_stack([exog_in, X[name].to_numpy()])
        resid = w * (y.to_numpy() - fit.fittedvalues)
        scores = full * resid[:, None]
        info = full.T @ (full * (w * fit.mu * (1 - fit.mu))[:, None])
        k = len(inside)
        C = np.hstack([-info[k:, :k] @ np.linalg.inv(info[:k, :k]), np.eye(1)])
        V = C @ svyrecvar_loops(scores, strata, psu) @ C.T
        U = scores[:, k:].sum(axis=0)
        statistic = float(U @ np.linalg.solve(V, U))
        assert_allclose(table.loc[name, "score"], statistic, rtol=1e-6)
        df = 100 + 1 - (k + 1)
        assert_allclose(table.loc[name, "p_value"], stats.f.sf(statistic, 1, df))


def test_cluster_entry_is_boos_score_test_with_cr1(contraception):
    """Under "cluster" the score's variance is CR1's: uncentred cluster
    totals times G/(G-1) (N-1)/(N-K), K the parameters with the candidate."""
    X, y, _, frame = contraception
    model = StepwiseLogit(cov_type="cluster", direction="forward").fit(
        X, y, cluster=frame["district"]
    )
    table = model.not_in_equation_
    outside = [c for c in X.columns if c not in model.selected_features_]
    assert outside
    exog_in = sm.add_constant(X[model.selected_features_].to_numpy())
    fit = sm.Logit(y.to_numpy(), exog_in).fit(disp=0, tol=1e-12)
    districts = frame["district"].to_numpy()
    n, k, G = len(y), exog_in.shape[1], frame["district"].nunique()
    for name in outside:
        full = np.column_stack([exog_in, X[name].to_numpy()])
        scores = full * (y.to_numpy() - fit.predict())[:, None]
        info = -sm.Logit(y.to_numpy(), full).hessian(np.r_[fit.params, 0.0])
        C = np.hstack([-info[k:, :k] @ np.linalg.inv(info[:k, :k]), np.eye(1)])
        totals = np.array(
            [scores[districts == g].sum(axis=0) for g in np.unique(districts)]
        )
        meat = G / (G - 1) * (n - 1) / (n - k - 1) * totals.T @ totals
        U = scores[:, k:].sum(axis=0)
        statistic = float(U @ np.linalg.solve(C @ meat @ C.T, U))
        assert_allclose(table.loc[name, "score"], statistic, rtol=1e-6)
        assert_allclose(table.loc[name, "p_value"], stats.f.sf(statistic, 1, G - 1))


def test_weighted_separation_is_detected_as_on_replicated_rows(weighted_data):
    X, y, w = weighted_data
    X = X.assign(sep=np.where(y == 1, 1.0, -1.0) + 0.1 * X["a"])
    Xr, yr = replicate(X, y, w)
    with pytest.warns(SeparationWarning) as weighted_record:
        weighted = StepwiseLogit(p_remove=1.0).fit(X, y, sample_weight=w)
    with pytest.warns(SeparationWarning) as replicated_record:
        replicated = StepwiseLogit(p_remove=1.0).fit(Xr, yr)
    assert str(weighted_record[0].message) == str(replicated_record[0].message)
    assert weighted.results_.separated == replicated.results_.separated
    assert "sep" in weighted.results_.separated
    assert not weighted.converged_ and not replicated.converged_


@pytest.mark.parametrize("criterion", ["lr", "conditional"])
@pytest.mark.parametrize("cov_type", ["survey", "cluster"])
def test_model_based_criteria_refused_under_a_design(
    contraception, criterion, cov_type
):
    X, y, w, frame = contraception
    with pytest.raises(ValueError, match="criterion='wald'"):
        StepwiseLogit(cov_type=cov_type, criterion=criterion).fit(
            X, y, cluster=frame["psu"]
        )


def test_design_arguments_refused_where_ignored(contraception):
    X, y, w, frame = contraception
    with pytest.raises(ValueError, match="ignores strata"):
        StepwiseLogit().fit(X, y, strata=frame["urban"])
    with pytest.raises(ValueError, match="needs one cluster"):
        StepwiseLogit(cov_type="cluster").fit(X, y)
    with pytest.raises(ValueError, match="penalty='firth'"):
        StepwiseLogit(cov_type="cluster", penalty="firth").fit(
            X, y, cluster=frame["psu"]
        )


def test_zero_weights_keep_their_psu_under_survey(contraception):
    """As svyglm's subset: a row of weight 0 leaves the fit, its PSU stays in
    n_h (the formula pads its total with zeros)."""
    X, y, w, frame = contraception
    w = w.copy()
    w[frame["psu"] == frame["psu"].iloc[0]] = 0.0  # one whole PSU out
    with warnings.catch_warnings():
        warnings.simplefilter("error", SeparationWarning)
        model = StepwiseLogit(cov_type="survey", p_remove=1.0).fit(
            X, y, sample_weight=w, strata=frame["urban"], cluster=frame["psu"]
        )
    keep = w > 0
    exog = sm.add_constant(X.to_numpy())
    fit = sm.GLM(
        y.to_numpy()[keep],
        exog[keep],
        family=sm.families.Binomial(),
        var_weights=w[keep],
    ).fit(tol=1e-12)
    scores = np.zeros_like(exog)
    scores[keep] = exog[keep] * (w[keep] * (y.to_numpy()[keep] - fit.mu))[:, None]
    mu = np.zeros(len(w))
    mu[keep] = fit.mu
    bread = np.linalg.inv(exog.T @ (exog * (w * mu * (1 - mu))[:, None]))
    cov = (
        bread
        @ svyrecvar_loops(scores, frame["urban"].to_numpy(), frame["psu"].to_numpy())
        @ bread
    )
    order = [*range(1, 6), 0]
    assert_allclose(
        model.coef_table_["std_err"], np.sqrt(np.diag(cov))[order], rtol=1e-6
    )
    # the design's df counts the PSUs that keep a row (R's degf)
    assert model.design_info_["df"] == 99


@pytest.mark.parametrize("direction", ["backward", "forward"])
def test_sklearn_weight_equivalence_check_on_data_a_logit_can_fit(direction):
    """scikit-learn's check_sample_weight_equivalence_on_dense_data, as it is
    written (weights 0 to 4, rows shuffled, every prediction method), on
    60 rows and 3 features instead of its 15 rows and 30 features (which no
    maximum-likelihood logit can fit; see tests/test_common.py)."""
    from sklearn.utils import shuffle

    rng = np.random.RandomState(42)
    X = rng.rand(60, 3)
    y = (X[:, 0] + 0.3 * rng.logistic(size=60) > 0.5).astype(int)
    sw = rng.randint(0, 5, size=60)
    X_repeated, y_repeated = X.repeat(sw, axis=0), y.repeat(sw)
    X_weighted, y_weighted, sw = shuffle(X, y, sw, random_state=0)
    repeated = StepwiseLogit(direction=direction).fit(X_repeated, y_repeated)
    weighted = StepwiseLogit(direction=direction).fit(
        X_weighted, y_weighted, sample_weight=sw
    )
    assert weighted.selected_features_ == repeated.selected_features_
    for method in ("predict_proba", "decision_function", "predict"):
        assert_allclose(
            getattr(weighted, method)(X), getattr(repeated, method)(X), rtol=1e-7
        )


def test_survey_fpc_scales_the_variance_by_one_minus_f(contraception):
    """A sampling fraction f in every stratum multiplies the design-based
    variance by 1 - f (svyglm's (1 - f_h) factor)."""
    X, y, w, frame = contraception
    design = dict(strata=frame["urban"], cluster=frame["psu"])
    base = StepwiseLogit(cov_type="survey", p_remove=1.0).fit(
        X, y, sample_weight=w, **design
    )
    half = StepwiseLogit(cov_type="survey", p_remove=1.0).fit(
        X, y, sample_weight=w, fpc=0.5, **design
    )
    assert_allclose(
        half.coef_table_["std_err"], np.sqrt(0.5) * base.coef_table_["std_err"]
    )
    assert half.design_info_["fpc"]


def test_design_edges_lonely_psu_one_cluster_and_no_df(contraception):
    X, y, _, frame = contraception
    strata = np.where(frame["psu"] == frame["psu"].iloc[0], "alone", frame["urban"])
    with pytest.raises(ValueError, match="single PSU"):
        StepwiseLogit(cov_type="survey").fit(X, y, strata=strata, cluster=frame["psu"])
    model = StepwiseLogit(cov_type="survey", lonely_psu="certainty").fit(
        X, y, strata=strata, cluster=frame["psu"]
    )
    assert model.design_info_["strata"] == 3
    with pytest.raises(ValueError, match="one cluster"):
        StepwiseLogit(cov_type="cluster").fit(X, y, cluster=np.zeros(len(y)))
    one = (frame["district"] == 1).to_numpy(float)  # weights leave one cluster
    with pytest.raises(ValueError, match="every fitted row is in one cluster"):
        StepwiseLogit(cov_type="cluster").fit(
            X, y, sample_weight=one, cluster=frame["district"]
        )
    # four PSUs in two strata: 2 design df, fewer than the parameters
    few = frame["urban"] + ":" + (frame["district"] % 2).astype(str)
    with pytest.warns(SklearnInnovWarning, match="degrees of freedom"):
        model = StepwiseLogit(cov_type="survey").fit(
            X, y, strata=frame["urban"], cluster=few
        )
    assert model.coef_table_["p_value"].isna().all()
    assert len(model.history_) == 0  # no p-value, no step
