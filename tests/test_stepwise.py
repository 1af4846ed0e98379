"""StepwiseLogit against statsmodels, a reference stepper, firthmodels and
published tables."""

import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from _stepwise_reference import reference, score_p, sm_fit
from numpy.testing import assert_allclose
from scipy import stats
from sklearn.metrics import confusion_matrix
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_innov import StepwiseLogit
from sklearn_innov.diagnostics import hosmer_lemeshow, pseudo_r2
from sklearn_innov.exceptions import SeparationWarning

RTOL = 1e-6


@pytest.fixture(scope="module")
def spector():
    data = sm.datasets.spector.load_pandas()
    return data.exog, data.endog


def stepping_data(seed):
    """Correlated features with borderline effects: the four rules disagree."""
    rng = np.random.default_rng(seed)
    n = 150
    Z = rng.normal(size=(n, 6))
    Z[:, 1] += 0.8 * Z[:, 0]
    Z[:, 3] += 0.7 * Z[:, 2]
    Z[:, 5] += 0.6 * Z[:, 4]
    X = pd.DataFrame(Z, columns=[f"x{j}" for j in range(6)])
    eta = (
        0.3
        + 0.35 * Z[:, 0]
        + 0.3 * Z[:, 1]
        + 0.25 * Z[:, 2]
        - 0.2 * Z[:, 4]
        + 0.2 * Z[:, 5]
    )
    y = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(int)
    return X, y


def test_no_removal_is_statsmodels_logit(spector):
    X, y = spector
    model = StepwiseLogit(p_remove=1.0).fit(X, y)
    ref = sm.Logit(y, sm.add_constant(X)).fit(disp=0)
    table = model.coef_table_
    assert list(table.index) == ["GPA", "TUCE", "PSI", "const"]
    order = ["GPA", "TUCE", "PSI", "const"]
    assert_allclose(table["coef"], ref.params[order], rtol=RTOL)
    assert_allclose(table["std_err"], ref.bse[order], rtol=RTOL)
    assert_allclose(table["wald"], ref.tvalues[order] ** 2, rtol=RTOL)
    assert_allclose(table["p_value"], ref.pvalues[order], rtol=RTOL)
    assert_allclose(table["odds_ratio"], np.exp(ref.params[order]), rtol=RTOL)
    ci = np.exp(ref.conf_int().loc[order])
    assert_allclose(table[["odds_ci_lower", "odds_ci_upper"]], ci, rtol=RTOL)
    assert (table["df"] == 1).all()
    assert_allclose(
        [model.llf_, model.llnull_, model.aic_, model.bic_],
        [ref.llf, ref.llnull, ref.aic, ref.bic],
        rtol=1e-9,
    )
    assert model.converged_ and model.n_iter_ >= 1
    assert_allclose(model.intercept_, [ref.params["const"]], rtol=RTOL)
    assert_allclose(model.coef_[0], ref.params[["GPA", "TUCE", "PSI"]], rtol=RTOL)


def test_greene_spector_logit_to_printed_digits(spector):
    """Spector & Mazzeo (1980) data, logit as printed in Greene, Econometric
    Analysis (5th ed., Table 21.1): constant -13.021 (4.931), GPA 2.826
    (1.263), TUCE 0.095 (0.142), PSI 2.379 (1.065)."""
    X, y = spector
    table = StepwiseLogit(p_remove=1.0).fit(X, y).coef_table_
    printed = {
        "const": (-13.021, 4.931),
        "GPA": (2.826, 1.263),
        "TUCE": (0.095, 0.142),
        "PSI": (2.379, 1.065),
    }
    for name, (coef, se) in printed.items():
        assert round(table.loc[name, "coef"], 3) == coef
        assert round(table.loc[name, "std_err"], 3) == se


def test_spector_backward_drops_tuce(spector):
    X, y = spector
    model = StepwiseLogit().fit(X, y)
    assert model.selected_features_ == ["GPA", "PSI"]
    assert model.get_support().tolist() == [True, False, True]
    assert model.get_support(indices=True).tolist() == [0, 2]
    assert model.coef_[0, 1] == 0.0
    ref = sm.Logit(y, sm.add_constant(X[["GPA", "PSI"]])).fit(disp=0)
    assert_allclose(
        model.coef_table_["coef"], ref.params[["GPA", "PSI", "const"]], rtol=RTOL
    )
    history = model.history_
    assert history[["step", "action", "feature"]].values.tolist() == [
        [1, "removed", "TUCE"]
    ]
    full = sm.Logit(y, sm.add_constant(X)).fit(disp=0)
    assert_allclose(history["statistic"].iloc[0], full.tvalues["TUCE"] ** 2, rtol=RTOL)
    assert_allclose(history["minus2_llf"].iloc[0], -2 * ref.llf, rtol=1e-9)


@pytest.mark.parametrize("seed", [0, 29])
@pytest.mark.parametrize("direction", ["backward", "forward"])
@pytest.mark.parametrize("criterion", ["wald", "lr"])
def test_agrees_with_reference_stepper(seed, direction, criterion):
    X, y = stepping_data(seed)
    cols, ref, steps = reference(X, y, direction, criterion)
    model = StepwiseLogit(direction=direction, criterion=criterion).fit(X, y)
    assert model.selected_features_ == cols
    assert (
        list(zip(model.history_["action"], model.history_["feature"], strict=True))
        == steps
    )
    assert_allclose(
        model.coef_table_["coef"],
        ref.params.iloc[list(range(1, len(cols) + 1)) + [0]],
        rtol=RTOL,
    )


@pytest.mark.parametrize("seed", [0, 29])
@pytest.mark.parametrize("direction", ["backward", "forward"])
@pytest.mark.parametrize("criterion", ["wald", "lr", "conditional"])
def test_warm_starts_give_the_cold_start_fits(seed, direction, criterion, monkeypatch):
    # Every refit starts from the conditional estimate (removal) or the
    # bordered information (entry) and first steps with the previous
    # model's information; starting each from zero instead must give the
    # same steps, statistics and coefficients. The cold reference runs to
    # tol=1e-12: at the default tol a cold Newton's last (quadratic) step
    # leaves errors of ~1e-8, larger than the warm fits'.
    from sklearn_innov.linear_model import _stepwise

    X, y = stepping_data(seed)
    warm = StepwiseLogit(direction=direction, criterion=criterion).fit(X, y)
    move = _stepwise._Stepper.move

    def cold(self, fit, action, j):
        move(self, fit, action, j)
        return None, None

    monkeypatch.setattr(_stepwise._Stepper, "move", cold)
    ref = StepwiseLogit(direction=direction, criterion=criterion, tol=1e-12)
    ref.fit(X, y)
    assert warm.selected_features_ == ref.selected_features_
    assert warm.history_[["action", "feature"]].equals(
        ref.history_[["action", "feature"]]
    )
    assert_allclose(warm.coef_, ref.coef_, rtol=1e-8, atol=1e-12)
    assert_allclose(warm.intercept_, ref.intercept_, rtol=1e-8)
    assert_allclose(warm.coef_table_["std_err"], ref.coef_table_["std_err"], rtol=1e-8)
    assert_allclose(warm.history_["statistic"], ref.history_["statistic"], rtol=1e-7)
    assert_allclose(warm.history_["minus2_llf"], ref.history_["minus2_llf"], rtol=1e-10)


def test_large_designs_warm_start_from_the_subsample_information():
    # From 40,000 rows a cold fit is presolved on every 8th row, whose
    # information (scaled) takes the first steps on all rows: still
    # statsmodels' fit.
    X, y = stepping_data(0)
    X = pd.concat([X] * 200, ignore_index=True)
    y = np.tile(y, 200)
    model = StepwiseLogit(p_remove=1.0).fit(X, y)
    ref = sm.Logit(y, sm.add_constant(X)).fit(disp=0, method="newton")
    assert_allclose(model.coef_[0], ref.params.iloc[1:], rtol=1e-8)
    assert_allclose(model.coef_table_["std_err"].iloc[:-1], ref.bse.iloc[1:], rtol=1e-8)


def _many_rows(seed=3, n=60_000, p=8):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    X[:, 1] += 0.5 * X[:, 0]
    beta = np.r_[0.08, 0.05, 0.02, 0.015, np.zeros(p - 4)]
    y = (rng.random(n) < 1 / (1 + np.exp(-(X @ beta - 0.2)))).astype(int)
    return X, y


def _same_fit(a, b, rtol, statistics_rtol):
    assert a.selected_features_ == b.selected_features_
    assert a.history_[["action", "feature"]].equals(b.history_[["action", "feature"]])
    assert_allclose(a.coef_, b.coef_, rtol=rtol, atol=1e-12)
    assert_allclose(a.intercept_, b.intercept_, rtol=rtol)
    assert_allclose(a.coef_table_["std_err"], b.coef_table_["std_err"], rtol=rtol)
    for table, column in (("history_", "statistic"), ("not_in_equation_", "score")):
        assert_allclose(
            getattr(a, table)[column], getattr(b, table)[column], rtol=statistics_rtol
        )


@pytest.mark.parametrize("direction", ["backward", "forward"])
def test_blocked_passes_on_threads_are_the_whole_array_passes(direction, monkeypatch):
    # On many rows the chord steps, the log-likelihood, X'WX (with the last
    # chord step's pass) and the score tests run by blocks of rows on
    # threads. On 60,000 rows (2 to 15 blocks) that path gives the
    # whole-array fits, statsmodels' final model, and the same numbers to
    # the last bit for 1 or 3 threads.
    from sklearn_innov._core import _logit_large
    from sklearn_innov.utils import _threads

    X, y = _many_rows()
    monkeypatch.setattr(_logit_large, "_BLOCKED_ROWS", len(y) + 1)
    whole = StepwiseLogit(direction=direction).fit(X, y)
    monkeypatch.setattr(_logit_large, "_BLOCKED_ROWS", 1)
    fits = {}
    for threads in (1, 3):
        monkeypatch.setattr(_threads, "available_threads", lambda t=threads: t)
        fits[threads] = StepwiseLogit(direction=direction).fit(X, y)
    _same_fit(fits[1], whole, rtol=1e-9, statistics_rtol=1e-9)
    for name in ("coef_", "intercept_"):
        assert np.array_equal(getattr(fits[1], name), getattr(fits[3], name))
    for table in ("coef_table_", "history_", "not_in_equation_"):
        assert getattr(fits[1], table).equals(getattr(fits[3], table))
    selected = fits[3].support_
    ref = sm.Logit(y, sm.add_constant(X[:, selected])).fit(disp=0, method="newton")
    assert_allclose(fits[3].coef_[0, selected], ref.params[1:], rtol=1e-8)
    assert_allclose(fits[3].intercept_, ref.params[:1], rtol=1e-8)
    assert_allclose(fits[3].coef_table_["std_err"].iloc[:-1], ref.bse[1:], rtol=1e-8)
    assert_allclose(fits[3].llf_, ref.llf, rtol=1e-12)
    assert_allclose(
        fits[1].history_["minus2_llf"], whole.history_["minus2_llf"], rtol=1e-12
    )


def test_a_first_chord_step_taken_too_soon_is_caught(monkeypatch):
    # A warm start's first chord step is taken as converged when it is
    # small enough for the assumed rate; Newton then checks it with an exact
    # step. Assuming a rate of ~0 accepts every first step: the checks must
    # send the wrong ones on to Newton, and the fits stay the cold ones.
    from sklearn_innov._core import _logit_large

    X, y = stepping_data(0)
    ref = StepwiseLogit(tol=1e-12).fit(X, y)
    monkeypatch.setattr(_logit_large, "_FIRST_RATE", 1e-300)
    # the tolerances of test_warm_starts_give_the_cold_start_fits
    _same_fit(StepwiseLogit().fit(X, y), ref, rtol=1e-8, statistics_rtol=1e-7)


def test_fit_leaves_the_blas_thread_settings_as_it_found_them():
    from threadpoolctl import threadpool_info, threadpool_limits

    X, y = _many_rows(n=2_000)
    before = [(i["filepath"], i["num_threads"]) for i in threadpool_info()]
    StepwiseLogit().fit(X, y)
    assert [(i["filepath"], i["num_threads"]) for i in threadpool_info()] == before
    with threadpool_limits(limits=1, user_api="blas"):
        from sklearn_innov.utils._threads import available_threads

        assert available_threads() == 1


def _blocked_fit(X, y):
    from sklearn_innov._core import _logit_large

    _logit_large._BLOCKED_ROWS = 1  # restored by the caller's monkeypatch
    return StepwiseLogit().fit(X, y).coef_


@pytest.mark.skipif(
    "fork" not in __import__("multiprocessing").get_all_start_methods(),
    reason="no fork on this platform",
)
def test_a_forked_child_fits_after_the_parent_used_its_threads(monkeypatch):
    # The block threads of the parent do not exist in a forked child: the
    # child must start its own instead of waiting on the parent's forever.
    import multiprocessing

    from sklearn_innov._core import _logit_large

    monkeypatch.setattr(_logit_large, "_BLOCKED_ROWS", _logit_large._BLOCKED_ROWS)
    X, y = _many_rows()  # 60,000 rows: 3 to 8 blocks
    parent = _blocked_fit(X, y)
    with multiprocessing.get_context("fork").Pool(1) as pool:
        child = pool.apply_async(_blocked_fit, (X, y)).get(timeout=60)
    assert np.array_equal(child, parent)


def test_concurrent_blocked_passes_restore_the_blas_threads():
    # Two threads in blocked passes at once: the last to leave restores the
    # pool sizes, whichever entered first.
    import threading
    import time

    from threadpoolctl import threadpool_info

    from sklearn_innov.utils._threads import available_threads, run_blocks

    before = [(i["filepath"], i["num_threads"]) for i in threadpool_info()]
    threads_before = available_threads()

    def job(delay, duration):
        time.sleep(delay)
        run_blocks(lambda i: time.sleep(duration), 2, 2)

    workers = [
        threading.Thread(target=job, args=(0.0, 0.2)),
        threading.Thread(target=job, args=(0.05, 0.4)),
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert [(i["filepath"], i["num_threads"]) for i in threadpool_info()] == before
    assert available_threads() == threads_before


def test_reference_data_really_separates_the_rules():
    selections = {
        (d, c): tuple(
            StepwiseLogit(direction=d, criterion=c)
            .fit(*stepping_data(0))
            .selected_features_
        )
        for d in ("backward", "forward")
        for c in ("wald", "lr")
    }
    assert len(set(selections.values())) >= 3


def test_score_statistics_match_statsmodels(spector):
    X, y = spector
    model = StepwiseLogit().fit(X, y)
    res = sm_fit(X, y, ["GPA", "PSI"])
    score, p = score_p(X, y, ["GPA", "PSI"], res, "TUCE")
    table = model.not_in_equation_
    assert_allclose(table.loc["TUCE", "score"], score, rtol=RTOL)
    assert_allclose(table.loc["TUCE", "p_value"], p, rtol=RTOL)
    # one candidate: the overall statistic is the same test
    assert_allclose(table.loc["Overall Statistics", "score"], score, rtol=RTOL)


def test_overall_score_statistic_is_joint_test():
    X, y = stepping_data(29)
    model = StepwiseLogit(direction="forward").fit(X, y)
    inside = model.selected_features_
    outside = [c for c in X.columns if c not in inside]
    res = sm_fit(X, y, inside)
    exog = sm.add_constant(X[inside + outside], has_constant="add")
    full = sm.Logit(y, exog)
    params = np.r_[np.asarray(res.params), np.zeros(len(outside))]
    g = full.score(params)
    joint = g @ np.linalg.solve(-full.hessian(params), g)
    assert_allclose(
        model.not_in_equation_.loc["Overall Statistics", "score"], joint, rtol=RTOL
    )


def test_pseudo_r2_and_goodness_of_fit(spector):
    X, y = spector
    model = StepwiseLogit(p_remove=1.0).fit(X, y)
    ref = sm.Logit(y, sm.add_constant(X)).fit(disp=0)
    r2 = pseudo_r2(model.llf_, model.llnull_, model.nobs_)
    assert_allclose(r2["mcfadden"], ref.prsquared, rtol=1e-9)
    cox = 1 - (np.exp(ref.llnull) / np.exp(ref.llf)) ** (2 / ref.nobs)
    assert_allclose(r2["cox_snell"], cox, rtol=1e-9)
    assert_allclose(
        r2["nagelkerke"], cox / (1 - np.exp(ref.llnull) ** (2 / ref.nobs)), rtol=1e-9
    )
    text = str(model.summary())
    for block in (
        "Variables in the Equation",
        "Omnibus Tests of Model Coefficients",
        "Model Summary",
        "Hosmer and Lemeshow Test",
        "Classification Table",
        "Nagelkerke R Square",
    ):
        assert block in text
    summary = model.summary()
    table = summary["Classification Table (cut value .500)"]
    cm = confusion_matrix(y, model.predict(X), labels=model.classes_)
    assert table.iloc[:2, :2].to_numpy().astype(int).tolist() == cm.tolist()
    assert_allclose(float(table.iloc[2, 2]), 100 * (model.predict(X) == y).mean())
    omnibus = summary["Omnibus Tests of Model Coefficients"]
    assert_allclose(omnibus.loc["Model", "Chi-square"], ref.llr, rtol=1e-9)
    assert_allclose(omnibus.loc["Model", "Sig."], ref.llr_pvalue, rtol=1e-6)


def test_hosmer_lemeshow_closed_form():
    # 10 risk groups of 10 cases with known probabilities and event counts
    prob = np.repeat(np.linspace(0.05, 0.95, 10), 10)
    events = np.array([0, 1, 2, 4, 4, 6, 6, 8, 8, 10])
    y = np.concatenate([np.r_[np.ones(e), np.zeros(10 - e)] for e in events])
    expected = np.linspace(0.05, 0.95, 10) * 10
    by_hand = ((events - expected) ** 2 / (expected * (1 - expected / 10))).sum()
    result = hosmer_lemeshow(y, prob)
    assert_allclose(result["statistic"], by_hand, rtol=1e-12)
    assert result["df"] == 8
    assert_allclose(result["pvalue"], stats.chi2.sf(by_hand, 8), rtol=1e-12)


def test_string_labels(spector):
    X, y = spector
    labels = np.where(y == 1, "improved", "same")
    model = StepwiseLogit().fit(X, labels)
    assert model.classes_.tolist() == ["improved", "same"]
    # classes_[1] ("same") is the modelled event: coefficients flip sign
    numeric = StepwiseLogit().fit(X, y)
    assert_allclose(model.coef_, -numeric.coef_, rtol=1e-8)
    proba = model.predict_proba(X)
    assert_allclose(proba[:, 0], numeric.predict_proba(X)[:, 1], rtol=1e-8)
    assert set(model.predict(X)) <= {"improved", "same"}


@pytest.mark.parametrize(
    "target, match",
    [(np.zeros(32), "only one class"), (np.arange(32) % 3, "3 classes")],
)
def test_non_binary_targets_are_refused(spector, target, match):
    X, _ = spector
    with pytest.raises(ValueError, match=match):
        StepwiseLogit().fit(X, target)


def test_p_enter_must_be_below_p_remove(spector):
    with pytest.raises(ValueError, match=r"p_enter \(0.2\) must be below p_remove"):
        StepwiseLogit(p_enter=0.2, p_remove=0.1).fit(*spector)


def test_force_keeps_a_feature(spector):
    X, y = spector
    model = StepwiseLogit(force=["TUCE"]).fit(X, y)
    assert "TUCE" in model.selected_features_
    forward = StepwiseLogit(direction="forward", force=["TUCE"]).fit(X, y)
    assert "TUCE" in forward.selected_features_


def test_collinear_features_are_named():
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(50, 2)), columns=["a", "b"])
    X["c"] = X["a"] + X["b"]
    y = (rng.random(50) < 0.5).astype(int)
    with pytest.raises(ValueError, match="collinear.*'a'.*'b'.*'c'") as error:
        StepwiseLogit().fit(X, y)
    # worded for a logit: the shared kernel's errors say nothing of logs
    assert "log" not in str(error.value).lower()
    with pytest.raises(ValueError, match="'z' are zero in every row") as error:
        StepwiseLogit().fit(X.assign(c=0.0).rename(columns={"c": "z"}), y)
    assert "log" not in str(error.value).lower()


def test_collinear_and_zero_features_are_refused_on_many_rows():
    # from 40,000 rows a subsample may certify the design instead of the full
    # check: it must still let no collinear or zero column through, nor refuse
    # a design that is of full rank only thanks to rows outside the subsample
    rng = np.random.default_rng(0)
    n = 60_000
    X = pd.DataFrame(rng.normal(size=(n, 2)), columns=["a", "b"])
    y = (rng.random(n) < 0.5).astype(int)
    with pytest.raises(ValueError, match="collinear.*'a'.*'b'.*'c'"):
        StepwiseLogit().fit(X.assign(c=X["a"] - 2 * X["b"]), y)
    with pytest.raises(ValueError, match="'z' are zero in every row"):
        StepwiseLogit().fit(X.assign(z=0.0), y)
    rare = np.zeros(n)
    rare[1024:1100] = 1.0  # all inside a block the subsample skips
    fit = StepwiseLogit(direction="forward").fit(X.assign(rare=rare), y)
    assert fit.coef_.shape == (1, 3)


@pytest.fixture
def separated():
    rng = np.random.default_rng(1)
    n = 40
    x1 = np.r_[rng.uniform(0, 1, n // 2), rng.uniform(1, 2, n // 2)]
    x2 = rng.normal(size=n)
    X = pd.DataFrame({"x1": x1, "x2": x2})
    y = np.r_[np.zeros(n // 2), np.ones(n // 2)].astype(int)
    return X, y


def test_separation_is_detected_and_named(separated):
    X, y = separated
    with pytest.warns(SeparationWarning, match="separation.*'x1'.*penalty='firth'"):
        StepwiseLogit(p_remove=1.0).fit(X, y)


def separation_cases():
    """Designs separated, quasi-separated and not, with and without outliers."""
    rng = np.random.default_rng(7)
    for case in range(60):
        n, k = int(rng.integers(12, 80)), int(rng.integers(1, 5))
        X = np.column_stack([np.ones(n), rng.normal(size=(n, k))])
        kind = case % 4
        if kind == 0:  # complete separation along the first feature
            y = (X[:, 1] > 0).astype(float)
        elif kind == 1:  # quasi-complete: ties at the boundary take both labels
            X[: n // 4, 1] = 0.0
            y = np.where(
                X[:, 1] > 0, 1.0, np.where(X[:, 1] < 0, 0.0, rng.random(n) < 0.5)
            )
        else:  # overlapping classes, the last with a far outlier
            y = (rng.random(n) < 1 / (1 + np.exp(-X[:, 1]))).astype(float)
            if kind == 3:
                X[0, 1] = 200.0 * (2 * y[0] - 1)
        yield X, y


def test_separation_certificate_never_contradicts_the_linear_program():
    # The certificate is a proof (see its docstring): whenever it says "not
    # separated", for the fit's probabilities or any others in [0, 1],
    # Konis' linear program (HiGHS: an independent method) must agree. It
    # must also speak for the ordinary converged fits it is there for.
    from sklearn_innov._core import detect_separation, fit_logit, separation_excluded

    rng = np.random.default_rng(8)
    spoke = 0
    for X, y in separation_cases():
        fit = fit_logit(X, y)
        for prob in (fit.prob, rng.random(len(y)), np.clip(fit.prob, 0.4, 0.6)):
            if separation_excluded(X, y, prob):
                spoke += 1
                assert not detect_separation(X, y)[0]
        if fit.converged and not detect_separation(X, y)[0]:
            assert separation_excluded(X, y, fit.prob)
    assert spoke >= 20


@pytest.mark.parametrize("unit", [1.0, 1e-30, 1e-7, 1e7, 1e30])
def test_separation_is_found_in_any_units(unit):
    # A feature non-zero in one row quasi-separates the classes; the linear
    # program's tolerance must not depend on that feature's units (it did:
    # found at 1 and 1e7, missed at 1e-7 and 1e-30). Found by a probing
    # helper, with the certificate's case below.
    from sklearn_innov._core import detect_separation, separation_excluded

    rng = np.random.default_rng(2)
    n = 500
    X = np.column_stack([np.ones(n), rng.normal(size=(n, 3))])
    y = (rng.random(n) < 1 / (1 + np.exp(-(0.3 + X[:, 1])))).astype(float)
    X[:, 2] = 0.0
    X[0, 2] = unit
    separated, direction = detect_separation(X, y)
    assert separated and direction[2] != 0
    # rows whose huge terms cancel in the gradient must not fake a proof
    m = 50
    x1 = rng.normal(size=m)
    s = np.abs(rng.normal(size=m)) + 0.1
    labels = rng.integers(0, 2, m).astype(float)
    big = 1e19
    Z = np.vstack([[big, -big], np.c_[x1, (2 * labels - 1) * s - x1], [big, -big]])
    yy = np.r_[1.0, labels, 0.0]
    prob = np.r_[0.995, np.full(m, 0.5), 0.005]
    assert not separation_excluded(Z, yy, prob)


def test_an_outlier_saturating_a_probability_does_not_cost_the_linear_program(
    monkeypatch,
):
    # One case far out on a covariate saturates its probability (|eta| ~ 100)
    # without separating anything: the converged fit proves it, and the
    # linear program (seconds on large data) is not run.
    import sklearn_innov.linear_model._stepwise as stepwise

    rng = np.random.default_rng(9)
    n = 2_000
    X = pd.DataFrame(rng.normal(size=(n, 3)), columns=["a", "b", "c"])
    y = (rng.random(n) < 1 / (1 + np.exp(-X["a"]))).astype(int)
    X.loc[0, "a"] = 150.0 if y[0] == 1 else -150.0
    calls = []
    monkeypatch.setattr(
        stepwise, "detect_separation", lambda *a: calls.append(a) or (False, None)
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = StepwiseLogit(p_remove=1.0).fit(X, y)
    assert calls == []
    assert model.predict_proba(X.iloc[:1])[0, int(y[0] == 0)] < 1e-13  # saturated
    reference = sm.Logit(y, sm.add_constant(X)).fit(disp=0)
    assert_allclose(model.coef_[0], reference.params[1:], rtol=1e-8)
    assert model.converged_


@pytest.mark.parametrize("blocks", [False, True])
def test_firth_matches_firthmodels(separated, blocks, monkeypatch):
    firthmodels = pytest.importorskip("firthmodels")
    X, y = separated
    if blocks:
        # the path of many rows: X'WX and the log-likelihood by blocks of
        # rows (here six blocks of 7 rows, the last shorter), Firth's terms
        # on all rows
        from sklearn_innov._core import _logit_large

        monkeypatch.setattr(_logit_large, "_BLOCKED_ROWS", 1)
        monkeypatch.setattr(_logit_large, "_INFO_ROWS", 7)
    with warnings.catch_warnings():
        warnings.simplefilter("error", SeparationWarning)
        model = StepwiseLogit(penalty="firth", p_remove=1.0).fit(X, y)
    # firthmodels converges to 1e-7 here; tighter, its step-halving stalls
    ref = firthmodels.FirthLogisticRegression(gtol=1e-7, xtol=1e-7, max_iter=200).fit(
        X, y
    )
    assert_allclose(model.coef_[0], ref.coef_, rtol=1e-6)
    assert_allclose(model.intercept_[0], ref.intercept_, rtol=1e-6)
    assert np.isfinite(model.coef_).all()
    # Wald standard errors from the inverse Fisher information at the Firth
    # estimate (Heinze & Schemper 2002), here from statsmodels' Hessian
    exog = sm.add_constant(X)
    params = np.r_[model.intercept_, model.coef_[0]]
    cov = np.linalg.inv(-sm.Logit(y, exog).hessian(params))
    se = np.sqrt(np.diag(cov))
    assert_allclose(model.coef_table_["std_err"], np.r_[se[1:], se[0]], rtol=1e-8)


@pytest.mark.filterwarnings("ignore::sklearn_innov.exceptions.SeparationWarning")
def test_works_in_pipelines_and_grid_search(spector):
    X, y = spector
    pipe = make_pipeline(StandardScaler(), StepwiseLogit())
    cv = StratifiedKFold(4, shuffle=True, random_state=0)
    scores = cross_val_score(pipe, X, y, cv=cv, scoring="roc_auc")
    assert scores.shape == (4,) and np.isfinite(scores).all()
    search = GridSearchCV(pipe, {"stepwiselogit__p_remove": [0.1, 1.0]}, cv=cv).fit(
        X, y
    )
    assert search.best_params_["stepwiselogit__p_remove"] in (0.1, 1.0)


def firth_reference(X, y, columns):
    """firthmodels' Firth fit with its penalised LR tests (converges at 1e-6 here)."""
    firthmodels = pytest.importorskip("firthmodels")
    ref = firthmodels.FirthLogisticRegression(gtol=1e-6, xtol=1e-6, max_iter=200)
    ref.fit(X[columns], y).lrt()
    assert ref.converged_
    # lrt() gives p-values (intercept last); its chi-square back from them
    return ref, stats.chi2.isf(ref.lrt_pvalues_, 1)


def test_firth_stepping_runs_on_the_penalised_likelihood(separated):
    X, y = separated
    rng = np.random.default_rng(3)
    X = X.assign(noise=rng.normal(size=len(y)))
    with warnings.catch_warnings():
        warnings.simplefilter("error", SeparationWarning)
        wald = StepwiseLogit(penalty="firth").fit(X, y)
        lr = StepwiseLogit(penalty="firth", criterion="lr").fit(X, y)
    for model in (wald, lr):
        assert "x1" in model.selected_features_
        assert np.isfinite(model.coef_table_["coef"]).all()
        removed = set(
            model.history_.loc[model.history_["action"] == "removed", "feature"]
        )
        assert removed == set(X.columns) - set(model.selected_features_)
    # Heinze & Schemper's penalised LR test: b_j = 0 inside the full model's
    # penalised likelihood, as firthmodels' lrt() (and logistf's drop1)
    # compute it; not the reduced model refitted with its own penalty
    _, chi2 = firth_reference(X, y, list(X.columns))
    first = lr.history_.iloc[0]
    assert first["feature"] == "noise"
    assert_allclose(first["statistic"], chi2[list(X.columns).index("noise")], rtol=1e-6)


# -- edges: separation, convergence, the empty model (issue 12) ----------------


@pytest.fixture(scope="module")
def separated_by_a():
    """Issue 12's reproducer: 200x4 standard normal (seed 0), y = (a > 0)."""
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.standard_normal((200, 4)), columns=["a", "b", "c", "d"])
    return X, (X["a"] > 0).astype(int).to_numpy()


def logit_mle(y):
    """The intercept-only maximum-likelihood estimate, in closed form."""
    return np.log(y.mean() / (1 - y.mean()))


def test_a_diverged_warm_start_is_retried_from_zero(separated_by_a):
    from sklearn_innov._core import fit_logit

    _, y = separated_by_a
    # the warm start stepping extrapolated from the separated model: every
    # probability saturates, the weights vanish and Newton cannot move
    fit = fit_logit(np.ones((200, 1)), y.astype(float), start=np.array([36.65]))
    assert fit.converged
    assert_allclose(fit.params, [logit_mle(y)], rtol=1e-10)


def replayed_models(model, X):
    """The model after each step of ``history_`` (features in column order)."""
    included = set(X.columns) if model.direction == "backward" else set()
    for action, feature in model.history_[["action", "feature"]].itertuples(
        index=False
    ):
        included = included - {feature} if action == "removed" else included | {feature}
        yield [c for c in X.columns if c in included]


def test_separation_stepping_is_honest(separated_by_a):
    X, y = separated_by_a
    with pytest.warns(SeparationWarning) as record:
        model = StepwiseLogit().fit(X, y)
    message = str(record[0].message)
    for part in ("'a'", "Wald tests unreliable", "penalty='firth'", "criterion='lr'"):
        assert part in message
    assert "Heinze & Schemper" in message
    # every model stepped through is its ordinary fit: statsmodels' where the
    # MLE exists, the closed form for the intercept-only model
    for cols, minus2_llf in zip(
        replayed_models(model, X), model.history_["minus2_llf"], strict=True
    ):
        if "a" in cols:
            assert minus2_llf < 1e-6  # separated: the likelihood tends to 1
        elif cols:
            assert_allclose(minus2_llf, -2 * sm_fit(X, y, cols).llf, rtol=1e-9)
        else:
            ybar = y.mean()
            closed = -2 * len(y) * (ybar * np.log(ybar) + (1 - ybar) * np.log(1 - ybar))
            assert_allclose(minus2_llf, closed, rtol=1e-12)
    # the final model is separated along 'a': flagged, never presented as a fit
    assert model.selected_features_ == ["a"]
    assert not model.converged_
    assert model.results_.separated == ["a"]
    notes = model.summary()["Notes"]
    assert any("separated along 'a'" in line for line in notes)
    assert "the final model is separated along 'a'" in message


def test_separation_intercept_only_final_model_is_the_closed_form(separated_by_a):
    X, y = separated_by_a
    # too strict an entry level for the separating feature to come back
    with pytest.warns(SeparationWarning, match="final model is not separated"):
        model = StepwiseLogit(p_enter=1e-40).fit(X, y)
    assert model.selected_features_ == []
    assert model.converged_
    assert_allclose(model.intercept_, [logit_mle(y)], rtol=1e-10)  # -0.16, not 36.65
    # predicts the majority class, as an intercept-only model must
    assert (model.predict(X) == 0).all() and y.mean() < 0.5


@pytest.mark.parametrize("criterion", ["wald", "lr", "conditional"])
@pytest.mark.parametrize("direction", ["backward", "forward"])
def test_no_kept_feature_ends_at_exactly_zero(separated_by_a, direction, criterion):
    X, y = separated_by_a
    # on today's main, a cold start stuck at a saturated intercept left a
    # selected feature at exactly 0.0
    y2 = (X["b"] - 0.2 * X["c"] > 0).astype(int).to_numpy()
    for target in (y, y2):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SeparationWarning)
            model = StepwiseLogit(direction=direction, criterion=criterion).fit(
                X, target
            )
        assert (model.coef_[0, model.support_] != 0).all()
        if model.converged_:
            cols = model.selected_features_
            ref = sm_fit(X, target, cols)
            assert_allclose(model.llf_, ref.llf, rtol=1e-9)


def test_non_convergence_warns_naming_the_step_and_model(spector):
    from sklearn.exceptions import ConvergenceWarning

    X, y = spector
    with pytest.warns(ConvergenceWarning) as record:
        model = StepwiseLogit(max_iter=1).fit(X, y)
    message = str(record[0].message)
    assert "step 0 (const + 'GPA' + 'TUCE' + 'PSI'), reached max_iter=1" in message
    assert "raise max_iter (now 1)" in message
    assert "stopped after" not in message
    assert "the final model (const + 'GPA' + 'PSI')" in message
    assert not model.converged_
    assert any("did not converge" in line for line in model.summary()["Notes"])
    # LR stepping names the refits too
    with pytest.warns(ConvergenceWarning, match=r"LR test of '\w+' \(refit: const"):
        StepwiseLogit(max_iter=1, criterion="lr").fit(X, y)
    # a converged fit stays silent
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        assert StepwiseLogit().fit(X, y).converged_


def test_an_early_stop_is_not_blamed_on_max_iter(monkeypatch):
    # Newton can stop before max_iter without converging (no step raises
    # the likelihood at this precision, e.g. nearly collinear features): the
    # warning and the summary say so instead of advising a larger max_iter.
    from sklearn.exceptions import ConvergenceWarning

    from sklearn_innov.linear_model import _stepwise

    X, y = stepping_data(0)
    fit_logit = _stepwise.fit_logit

    def stops_early(*args, **kwargs):
        fit = fit_logit(*args, **kwargs)
        fit.converged = False
        return fit

    monkeypatch.setattr(_stepwise, "fit_logit", stops_early)
    with pytest.warns(ConvergenceWarning) as record:
        model = StepwiseLogit(p_remove=1.0).fit(X, y)
    message = str(record[0].message)
    assert "stopped after" in message and "no further ascent" in message
    assert "nearly collinear" in message
    assert "raise max_iter" not in message
    note = next(n for n in model.summary()["Notes"] if "did not converge" in n)
    iterations = "iteration" if model.n_iter_ == 1 else "iterations"
    assert f"stopped after {model.n_iter_} {iterations}, unable" in note


@pytest.fixture(scope="module")
def through_the_origin():
    rng = np.random.default_rng(4)
    X = pd.DataFrame(rng.normal(size=(80, 3)), columns=["u", "v", "w"])
    eta = 0.9 * X["v"] - 0.3 * X["w"]
    return X, (rng.random(80) < 1 / (1 + np.exp(-eta))).astype(int).to_numpy()


def test_no_intercept_forward_from_the_empty_model(through_the_origin):
    X, y = through_the_origin
    model = StepwiseLogit(direction="forward", fit_intercept=False).fit(X, y)
    # by hand at p = 1/2: U_j = x_j'(y - 1/2), V_j = x_j'x_j / 4
    Z = X.to_numpy()
    score = (Z.T @ (y - 0.5)) ** 2 / ((Z**2).sum(axis=0) / 4)
    first = model.history_.iloc[0]
    assert first["action"] == "entered"
    assert first["feature"] == X.columns[np.argmax(score)]
    assert_allclose(first["statistic"], score.max(), rtol=1e-12)
    assert model.selected_features_ == ["v", "w"]
    ref = sm.Logit(y, X[["v", "w"]]).fit(disp=0)
    assert_allclose(model.coef_table_["coef"], ref.params, rtol=RTOL)
    assert_allclose(model.llf_, ref.llf, rtol=1e-10)
    assert model.intercept_[0] == 0.0
    assert_allclose(model.llnull_, len(y) * np.log(0.5), rtol=1e-15)


def test_no_intercept_backward_down_to_the_empty_model():
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(60, 2)), columns=["u", "v"])
    y = (rng.random(60) < 0.5).astype(int)
    model = StepwiseLogit(fit_intercept=False).fit(X, y)
    assert model.selected_features_ == []
    assert model.history_["action"].tolist() == ["removed", "removed"]
    n = len(y)
    assert_allclose(model.history_["minus2_llf"].iloc[-1], -2 * n * np.log(0.5))
    assert_allclose(model.llf_, n * np.log(0.5), rtol=1e-15)
    assert_allclose(model.predict_proba(X), 0.5)
    # score tests of the empty model, by hand
    Z = X.to_numpy()
    score = (Z.T @ (y - 0.5)) ** 2 / ((Z**2).sum(axis=0) / 4)
    assert_allclose(model.not_in_equation_["score"].iloc[:2], score, rtol=1e-12)
    joint = (Z.T @ (y - 0.5)) @ np.linalg.solve(Z.T @ Z / 4, Z.T @ (y - 0.5))
    assert_allclose(
        model.not_in_equation_.loc["Overall Statistics", "score"], joint, rtol=1e-12
    )
    omnibus = model.results_.omnibus
    assert (omnibus["statistic"], omnibus["df"]) == (0.0, 0)
    assert "the empty model" in str(model.summary())


# -- Firth: the penalised likelihood-ratio test and logistf's report ----------


def test_firth_lr_equals_firthmodels_and_ignores_units(separated):
    X, y = separated
    X = X.assign(age=np.random.default_rng(4).uniform(20, 70, size=len(y)))
    model = StepwiseLogit(penalty="firth", criterion="lr", p_remove=1.0).fit(X, y)
    ref, chi2 = firth_reference(X, y, list(X.columns))
    # every coefficient's test, the constant included (firthmodels: last),
    # where firthmodels converges (at its floor, 0.8.0 with numpy 1.25, its
    # constrained fit for the separating x1 returns NaN; ours is finite)
    converged = np.isfinite(chi2)
    assert converged.sum() >= 3
    assert np.isfinite(model.profile_table_["lr_chi2"]).all()
    assert_allclose(
        model.profile_table_["lr_chi2"][converged], chi2[converged], rtol=1e-6
    )
    assert_allclose(
        model.profile_table_["lr_p_value"][converged],
        np.asarray(ref.lrt_pvalues_)[converged],
        rtol=1e-6,
    )
    # age in decades: the same tests (the old definition moved by -2 ln 10)
    decades = StepwiseLogit(penalty="firth", criterion="lr", p_remove=1.0).fit(
        X.assign(age=X["age"] / 10), y
    )
    assert_allclose(decades.results_.lr_tests, model.results_.lr_tests, rtol=1e-8)
    stepping = [
        StepwiseLogit(penalty="firth", criterion="lr").fit(X.assign(age=X[a] * f), y)
        for a, f in (("age", 1.0), ("age", 10.0))
    ]
    assert_allclose(
        stepping[0].history_["statistic"], stepping[1].history_["statistic"], rtol=1e-8
    )
    assert stepping[0].selected_features_ == stepping[1].selected_features_


def test_firth_final_model_as_logistf_reports_it(spector):
    X, y = spector
    model = StepwiseLogit(penalty="firth", p_remove=1.0).fit(X, y)
    ref, chi2 = firth_reference(X, y, list(X.columns))
    table = model.profile_table_
    ci = ref.conf_int(method="pl", tol=1e-9, max_iter=100)
    assert_allclose(table[["ci_lower", "ci_upper"]], ci, rtol=1e-6)
    assert_allclose(table[["odds_ci_lower", "odds_ci_upper"]], np.exp(ci), rtol=1e-6)
    assert_allclose(table["lr_p_value"], ref.lrt_pvalues_, rtol=1e-6)
    # omnibus: the penalised LR against the model with the slopes held at 0,
    # in the full design's penalty (logistf's model test); by hand with scipy
    from scipy import optimize, special

    D = sm.add_constant(X).to_numpy()

    def penalised(b):
        eta = D @ b
        w = special.expit(eta) * special.expit(-eta)
        return (
            y @ eta
            - np.logaddexp(0, eta).sum()
            + 0.5 * np.linalg.slogdet(D.T @ (w[:, None] * D))[1]
        )

    null = optimize.minimize_scalar(
        lambda b0: -penalised(np.r_[b0, 0, 0, 0]), bracket=(-2, 0), tol=1e-12
    )
    expected = 2 * (ref.loglik_ + null.fun)
    omnibus = model.results_.omnibus
    assert_allclose(omnibus["statistic"], expected, rtol=1e-6)
    assert omnibus["df"] == 3
    # R² of that statistic; -2LL the ordinary log-likelihood at the estimate
    n, llnull = len(y), model.llnull_
    cox = 1 - np.exp(-expected / n)
    summary = model.summary()
    block = summary["Model Summary"]
    assert_allclose(block["Cox & Snell R Square"].iloc[0], cox, rtol=1e-6)
    nagelkerke = cox / (1 - np.exp(2 * llnull / n))
    assert_allclose(block["Nagelkerke R Square"].iloc[0], nagelkerke, rtol=1e-6)
    params = np.r_[model.intercept_, model.coef_[0]]
    ordinary = sm.Logit(y, sm.add_constant(X)).loglike(params)
    assert_allclose(block["-2 Log likelihood"].iloc[0], -2 * ordinary, rtol=1e-10)
    assert "Penalized Likelihood Ratio Tests and Profile Intervals" in str(summary)
    # what summary() prints survives pickling
    import pickle

    loaded = pickle.loads(pickle.dumps(model))
    assert str(loaded.summary()) == str(summary)


def test_firth_profile_intervals_on_separated_data(separated):
    X, y = separated
    model = StepwiseLogit(penalty="firth", p_remove=1.0).fit(X, y)
    table = model.profile_table_
    ref, _ = firth_reference(X, y, list(X.columns))
    ci = ref.conf_int(method="pl", tol=1e-9, max_iter=100)
    # the slopes' intervals as firthmodels; the upper bound of the divergent
    # direction is finite, as Firth's penalty promises
    assert_allclose(
        table.loc[["x1", "x2"], ["ci_lower", "ci_upper"]], ci[:2], rtol=1e-6
    )
    # firthmodels' lower bound of the constant (-37.09) is a stationary point
    # of the nuisance score where the profile has not fallen by chi2(.95):
    # checked here against the profile maximised by scipy (Nelder-Mead)
    from scipy import optimize, special

    D = sm.add_constant(X).to_numpy()

    def penalised(b):
        eta = D @ b
        w = special.expit(eta) * special.expit(-eta)
        return (
            y @ eta
            - np.logaddexp(0, eta).sum()
            + 0.5 * np.linalg.slogdet(D.T @ (w[:, None] * D))[1]
        )

    top = penalised(np.r_[model.intercept_, model.coef_[0]])
    for bound in table.loc["const", ["ci_lower", "ci_upper"]]:
        profile = optimize.minimize(
            lambda z, c=bound: -penalised(np.r_[c, z]),
            -bound * np.r_[1.0, 0.0],
            method="Nelder-Mead",
            options={"xatol": 1e-10, "fatol": 1e-13, "maxiter": 5000},
        )
        assert_allclose(2 * (top + profile.fun), stats.chi2.ppf(0.95, 1), rtol=1e-6)


def test_firth_entry_is_the_unpenalised_score_at_the_penalised_fit(separated):
    X, y = separated
    X = X.assign(noise=np.random.default_rng(3).normal(size=len(y)))
    model = StepwiseLogit(penalty="firth", direction="forward").fit(X, y)
    inside = model.selected_features_
    outside = [c for c in X.columns if c not in inside]
    params = np.r_[model.intercept_, model.coef_[0][model.support_]]
    for feature in outside:
        exog = sm.add_constant(X[inside + [feature]])
        logit = sm.Logit(y, exog)
        # U_j^2 / V_j: the last score component, V_j^-1 the last diagonal
        # element of the inverse unpenalised information (the included
        # coefficients' own scores are not 0 at a Firth fit, so this is not
        # the joint g' I^-1 g)
        g = logit.score(np.r_[params, 0.0])
        inverse = np.linalg.inv(-logit.hessian(np.r_[params, 0.0]))
        expected = g[-1] ** 2 * inverse[-1, -1]
        assert_allclose(
            model.not_in_equation_.loc[feature, "score"], expected, rtol=1e-8
        )


def test_unpenalised_lr_tests_and_profile_intervals(spector):
    X, y = spector
    model = StepwiseLogit(p_remove=1.0).fit(X, y)
    table = model.profile_table_
    full = sm_fit(X, y, list(X.columns))
    # LR tests: statsmodels refits without each coefficient
    for name in X.columns:
        reduced = sm_fit(X, y, [c for c in X.columns if c != name])
        assert_allclose(table.loc[name, "lr_chi2"], 2 * (full.llf - reduced.llf))
    no_const = sm.Logit(y, X).fit(disp=0)
    assert_allclose(table.loc["const", "lr_chi2"], 2 * (full.llf - no_const.llf))
    # each profile bound: statsmodels' fit of the rest with the coefficient as
    # an offset (GLM's IRLS) has fallen by chi2(.95) / 2 there
    binomial = sm.families.Binomial()
    for name in X.columns:
        rest = sm.add_constant(X.drop(columns=name))
        for bound in table.loc[name, ["ci_lower", "ci_upper"]]:
            fixed = sm.GLM(y, rest, family=binomial, offset=bound * X[name])
            llf = fixed.fit(tol=1e-12).llf
            assert_allclose(2 * (full.llf - llf), stats.chi2.ppf(0.95, 1), rtol=1e-8)
    assert_allclose(table["odds_ci_lower"], np.exp(table["ci_lower"]))


# -- SPSS's conditional statistic (COND) ---------------------------------------


def cond_data():
    """Strong, correlated effects (n = 60) on which Wald, LR and COND part."""
    rng = np.random.default_rng(182)
    Z = rng.normal(size=(60, 5))
    Z[:, 1] += 0.9 * Z[:, 0]
    Z[:, 3] += 0.8 * Z[:, 2]
    X = pd.DataFrame(Z, columns=[f"x{j}" for j in range(5)])
    eta = 0.2 + 1.2 * Z[:, 0] - 0.6 * Z[:, 1] + 0.9 * Z[:, 2] + 0.3 * Z[:, 4]
    return X, (rng.random(60) < 1 / (1 + np.exp(-eta))).astype(int)


def test_conditional_criterion_agrees_with_an_independent_cond():
    from _stepwise_reference import conditional_statistic

    X, y = cond_data()
    selections = {}
    for criterion in ("wald", "lr", "conditional"):
        cols, ref, steps = reference(X, y, "backward", criterion)
        model = StepwiseLogit(criterion=criterion).fit(X, y)
        assert model.selected_features_ == cols
        history = model.history_
        assert list(zip(history["action"], history["feature"], strict=True)) == steps
        assert_allclose(
            model.coef_table_["coef"],
            ref.params.iloc[list(range(1, len(cols) + 1)) + [0]],
            rtol=RTOL,
        )
        selections[criterion] = tuple(cols)
    # the three rules really step differently here
    assert len(set(selections.values())) == 3
    # each COND statistic by the reference's own computation
    model = StepwiseLogit(criterion="conditional").fit(X, y)
    cols = list(X.columns)
    for feature, statistic in model.history_[["feature", "statistic"]].itertuples(
        index=False
    ):
        res = sm_fit(X, y, cols)
        expected = conditional_statistic(X, y, cols, res, feature)
        assert_allclose(statistic, expected, rtol=1e-7)
        cols.remove(feature)
    assert "BSTEP(COND)" in str(model.summary())


def test_conditional_with_firth_uses_the_penalised_likelihood(separated):
    X, y = separated
    X = X.assign(noise=np.random.default_rng(3).normal(size=len(y)))
    model = StepwiseLogit(penalty="firth", criterion="conditional").fit(X, y)
    first = model.history_.iloc[0]
    # by hand: conditional estimates from inv(X'WX) at firthmodels' estimate,
    # then the full design's penalised likelihood there
    from scipy import special

    ref, _ = firth_reference(X, y, list(X.columns))
    D = np.column_stack([sm.add_constant(X).to_numpy()])
    b = np.r_[ref.intercept_, ref.coef_]

    def penalised(beta):
        eta = D @ beta
        w = special.expit(eta) * special.expit(-eta)
        return (
            y @ eta
            - np.logaddexp(0, eta).sum()
            + 0.5 * np.linalg.slogdet(D.T @ (w[:, None] * D))[1]
        )

    w = special.expit(D @ b) * special.expit(-(D @ b))
    S = np.linalg.inv(D.T @ (w[:, None] * D))
    j = 1 + list(X.columns).index(first["feature"])
    conditional = b - S[:, j] * b[j] / S[j, j]
    expected = 2 * (penalised(b) - penalised(conditional))
    assert_allclose(first["statistic"], expected, rtol=1e-5)


# -- Hosmer-Lemeshow groupings --------------------------------------------------


@pytest.fixture(scope="module")
def tied_risks():
    """37 cases on 6 risk levels with uneven ties: the rules group differently."""
    levels = np.array([0.1, 0.2, 0.3, 0.45, 0.6, 0.8])
    counts = np.array([9, 3, 8, 2, 11, 4])
    prob = np.repeat(levels, counts)
    rng = np.random.default_rng(0)
    y = (rng.random(prob.size) < prob).astype(float)
    order = rng.permutation(prob.size)  # the functions must not rely on order
    return y[order], prob[order]


def hl_by_hand(y, prob, group):
    labels = sorted(set(group))
    statistic = 0.0
    sizes = []
    for g in labels:
        mask = group == g
        n_g, observed, expected = mask.sum(), y[mask].sum(), prob[mask].sum()
        statistic += (observed - expected) ** 2 / (expected * (1 - expected / n_g))
        sizes.append(int(n_g))
    return statistic, sizes


def r_quantile7(x, p):
    """R's quantile(x, p, type = 7), transcribed from quantile.default."""
    x = sorted(x)
    n = len(x)
    out = []
    for prob in p:
        index = 1 + (n - 1) * prob
        lo, hi = int(np.floor(index)), int(np.ceil(index))
        q = x[lo - 1]
        h = index - lo
        if index > lo and x[hi - 1] != q:
            q = (1 - h) * q + h * x[hi - 1]
        out.append(q)
    return out


@pytest.mark.parametrize("method", ["midrank", "spss", "deciles"])
def test_hosmer_lemeshow_groupings_by_hand(tied_risks, method):
    y, prob = tied_risks
    n, G = prob.size, 10
    if method == "midrank":
        # floor(G r / n), r the 0-based average position of the case's ties
        ranks = np.array([np.mean(np.flatnonzero(np.sort(prob) == p)) for p in prob])
        group = np.minimum(np.floor(G * ranks / n), G - 1)
    elif method == "spss":
        # ceil(G F(p)), F(p) the share of cases at or below p
        group = np.array([np.ceil(G * np.mean(prob <= p)) for p in prob])
    else:
        # R: cut(prob, unique(quantile(prob, seq(0, 1, 1/G))), include.lowest=TRUE)
        cuts = sorted(set(r_quantile7(prob, [k / G for k in range(G + 1)])))
        assert_allclose(cuts, np.unique(np.quantile(prob, np.linspace(0, 1, G + 1))))
        group = np.array(
            [
                1 if p == cuts[0] else next(i for i, c in enumerate(cuts) if p <= c)
                for p in prob
            ]
        )
    expected, sizes = hl_by_hand(y, prob, group)
    result = hosmer_lemeshow(y, prob, method=method)
    assert result["table"]["n"].tolist() == sizes
    assert_allclose(result["statistic"], expected, rtol=1e-12)
    assert result["df"] == len(sizes) - 2
    assert_allclose(result["pvalue"], stats.chi2.sf(expected, len(sizes) - 2))


def test_hosmer_lemeshow_rules_differ_on_ties(tied_risks):
    y, prob = tied_risks
    sizes = {
        m: tuple(hosmer_lemeshow(y, prob, method=m)["table"]["n"])
        for m in ("midrank", "spss", "deciles")
    }
    assert len(set(sizes.values())) == 3, sizes
    with pytest.raises(ValueError, match="method must be one of 'midrank'"):
        hosmer_lemeshow(y, prob, method="quantiles")


@pytest.mark.parametrize("method", ["spss", "deciles"])
def test_stepwise_logit_reports_the_chosen_grouping(spector, method):
    X, y = spector
    model = StepwiseLogit(hl_method=method).fit(X, y)
    prob = model.predict_proba(X)[:, 1]
    expected = hosmer_lemeshow(np.asarray(y), prob, method=method)
    block = model.summary()["Hosmer and Lemeshow Test"]
    assert_allclose(block["Chi-square"].iloc[0], expected["statistic"], rtol=1e-9)
    assert block["df"].iloc[0] == expected["df"]


@pytest.mark.parametrize("at", ["overall", "mean"])
def test_marginal_effects_equal_statsmodels_get_margeff(spector, at):
    """On the selected features (backward drops TUCE), to 1e-6."""
    X, y = spector
    model = StepwiseLogit().fit(X, y)
    assert model.selected_features_ == ["GPA", "PSI"]
    ref = (
        sm.Logit(y, sm.add_constant(X[["GPA", "PSI"]]))
        .fit(disp=0, tol=1e-12)
        .get_margeff(at=at)
    )
    ours = model.marginal_effects(X, at=at)
    assert list(ours.index) == ["GPA", "PSI"]
    assert_allclose(ours["dy_dx"], ref.margeff, rtol=1e-6)
    assert_allclose(ours["std_err"], ref.margeff_se, rtol=1e-6)
    assert_allclose(ours["p_value"], ref.pvalues, rtol=1e-6)
    block = model.summary(marginal_effects=X)["marginal_effects"]
    if at == "overall":
        assert_allclose(block["dy_dx"], ref.margeff, rtol=1e-6)


def test_marginal_effect_standard_errors_ignore_units(spector):
    """A covariate in units of 1e7 (revenue in pesos): same z as statsmodels."""
    X, y = spector
    ref = sm.Logit(y, sm.add_constant(X)).fit(disp=0, tol=1e-12).get_margeff()
    scaled = X.assign(GPA=X["GPA"] * 1e7)
    ours = StepwiseLogit(p_remove=1.0).fit(scaled, y).marginal_effects(scaled)
    assert_allclose(ours["z"], ref.tvalues, rtol=1e-6)


@pytest.mark.parametrize("unit", [1e-20, 1e-8, 1e8, 1e20])
def test_convergence_and_profile_intervals_do_not_depend_on_units(spector, unit):
    # GPA in units `unit` times smaller: its coefficient, standard error and
    # profile bounds are `unit` times larger. Convergence is measured on the
    # linear predictor's scale, so the fit converges as in GPA's own units
    # (it used to report converged_=False for 1e-20), and the profile bounds
    # are found to the same relative precision (an absolute tolerance of
    # 1e-10 on a bound of size 1e-20 found nothing). The oracle: statsmodels
    # in GPA's own units; its profile bounds, ours in those units.
    X, y = spector
    ref = sm.Logit(y, sm.add_constant(X)).fit(disp=0, tol=1e-12)
    base = StepwiseLogit(p_remove=1.0).fit(X, y)
    scaled = X.assign(GPA=X["GPA"] * unit)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = StepwiseLogit(p_remove=1.0).fit(scaled, y)
    assert model.converged_
    per_unit = np.where(X.columns == "GPA", unit, 1.0)
    assert_allclose(model.coef_[0] * per_unit, ref.params[1:], rtol=1e-9)
    assert_allclose(
        model.coef_table_["std_err"].iloc[:-1] * per_unit, ref.bse[1:], rtol=1e-9
    )
    ours = model.profile_table_.loc[["GPA"], ["ci_lower", "ci_upper"]] * unit
    theirs = base.profile_table_.loc[["GPA"], ["ci_lower", "ci_upper"]]
    assert_allclose(ours.to_numpy(), theirs.to_numpy(), rtol=1e-8)


@pytest.mark.parametrize("unit", [1e200, 1e-200])
def test_units_beyond_the_newton_range_are_refused_with_the_fix(spector, unit):
    X, y = spector
    with pytest.raises(ValueError, match=r"'GPA' have values of magnitude .*Rescale"):
        StepwiseLogit().fit(X.assign(GPA=X["GPA"] * unit), y)


def test_nan_in_y_is_named(spector):
    X, y = spector
    with pytest.raises(ValueError, match=r"y contains NaN in 2 rows"):
        StepwiseLogit().fit(X, y.where(y.index > 1))


def test_a_rejecting_hosmer_lemeshow_is_read_in_words():
    """A logit missing a quadratic term: HL rejects, and the notes say so."""
    rng = np.random.default_rng(7)
    x = rng.uniform(-3, 3, 2000)
    y = (rng.random(2000) < 1 / (1 + np.exp(-(x**2 - 2)))).astype(int)
    model = StepwiseLogit(p_remove=1.0).fit(pd.DataFrame({"x": x}), y)
    hl = model.results_.hosmer_lemeshow
    assert hl["pvalue"] < 0.05
    assert "It rejects the fit at 5%" in " ".join(str(model.summary()).split())


def test_the_lean_validation_is_the_general_one(spector):
    # A DataFrame of NumPy numeric columns (or a numeric array) is validated
    # once, without the general path's dataframe interchange; the result
    # must be the general path's (extension dtypes take that one).
    X, y = spector
    lean = StepwiseLogit().fit(X, y)
    general = StepwiseLogit().fit(X.astype("Float64"), y)
    assert list(lean.feature_names_in_) == list(general.feature_names_in_)
    assert list(lean.feature_names_in_) == ["GPA", "TUCE", "PSI"]
    assert lean.n_features_in_ == general.n_features_in_ == 3
    assert_allclose(lean.coef_, general.coef_, rtol=1e-12)
    # non-finite values are found and named as by the general path
    bad = X.assign(TUCE=np.where(np.arange(len(X)) == 3, np.nan, X["TUCE"]))
    for data, column in ((bad, "'TUCE'"), (bad.to_numpy(), "1")):
        with pytest.raises(ValueError, match=rf"NaN or infinite.*{column} \(1 row"):
            StepwiseLogit().fit(data, y)
    # names that are not all strings: scikit-learn's own path (no names kept)
    numbered = StepwiseLogit().fit(X.set_axis([0, 1, 2], axis=1), y)
    assert not hasattr(numbered, "feature_names_in_")
    # text columns are refused, never read as numbers
    with pytest.raises(ValueError, match="numeric"):
        StepwiseLogit().fit(X.astype(str), y)


@pytest.mark.skipif(
    not hasattr(__import__("os"), "sched_setaffinity"), reason="no CPU affinity here"
)
def test_threads_are_counted_from_the_cpus_the_process_may_use():
    # pinned to one CPU (as a container's cpuset or taskset pins it), a fit
    # uses one thread, whatever the machine has
    import subprocess
    import sys

    if len(__import__("os").sched_getaffinity(0)) < 2:
        pytest.skip("one CPU only: nothing to restrict")
    # pinned after the BLAS pools started with two threads: only a count of
    # the allowed CPUs (not the machine's, nor the BLAS pool's) says one
    code = (
        "import os; import numpy, scipy.linalg; "
        "from sklearn_innov.utils._threads import available_threads; "
        "assert available_threads() == 2; "
        "os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]}); "
        "print(available_threads())"
    )
    env = {**__import__("os").environ, "OPENBLAS_NUM_THREADS": "2"}
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    assert out.stdout.strip() == "1"


def test_predict_log_proba_is_log_of_predict_proba_and_finite_in_the_tails():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 2))
    y = (X[:, 0] + rng.logistic(size=200) > 0).astype(int)
    model = StepwiseLogit().fit(X, y)
    np.testing.assert_allclose(
        model.predict_log_proba(X), np.log(model.predict_proba(X)), rtol=1e-12
    )
    # 1e3 standard deviations out: a probability of exactly 1.0 and one that
    # underflows, but both logs finite (the oracle: scipy's log_expit)
    from scipy.special import log_expit

    far = np.array([[1e3, 0.0], [-1e3, 0.0]])
    s = model.decision_function(far)
    np.testing.assert_allclose(
        model.predict_log_proba(far),
        np.column_stack([log_expit(-s), log_expit(s)]),
        rtol=1e-12,
    )
    assert np.isfinite(model.predict_log_proba(far)).all()


def test_a_selection_step_in_a_pipeline_and_still_a_classifier():
    # SelectorMixin: transform keeps the selected columns, named as they were
    import pandas as pd
    from sklearn.base import is_classifier
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.pipeline import make_pipeline

    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(300, 4)), columns=list("abcd"))
    y = (X["a"] - X["c"] + rng.logistic(size=300) > 0).astype(int)
    model = StepwiseLogit().fit(X, y)
    kept = list(X.columns[model.support_])
    assert kept and len(kept) < 4
    np.testing.assert_array_equal(model.transform(X), X[kept].to_numpy())
    assert list(model.get_feature_names_out()) == kept
    framed = StepwiseLogit().set_output(transform="pandas").fit(X, y).transform(X)
    assert list(framed.columns) == kept
    pipe = (
        make_pipeline(
            StepwiseLogit(), RandomForestClassifier(n_estimators=5, random_state=0)
        )
        .set_output(transform="pandas")
        .fit(X, y)
    )
    forest = pipe[-1]
    assert forest.n_features_in_ == len(kept)
    assert list(forest.feature_names_in_) == kept
    assert is_classifier(model)
    np.testing.assert_array_equal(model.predict(X), (model.decision_function(X) > 0))
