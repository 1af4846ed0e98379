"""selection_stability against a plain loop, statsmodels and hand computation."""

import doctest
import pickle
import warnings
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_selection import SelectKBest, f_classif
from sklearn.linear_model import LogisticRegression
from sklearn.utils._param_validation import InvalidParameterError
from threadpoolctl import threadpool_limits

from sklearn_innov import StepwiseLogit
from sklearn_innov.exceptions import SeparationWarning
from sklearn_innov.model_selection import SelectionStability, selection_stability
from sklearn_innov.summary import Summary

DOCS = Path(__file__).resolve().parents[1] / "docs"


@pytest.fixture(scope="module")
def simulated():
    """One strong feature, one moderate, three pure noise; 200 firms."""
    rng = np.random.default_rng(7)
    n = 200
    Z = rng.normal(size=(n, 5))
    eta = -0.2 + 1.6 * Z[:, 0] + 0.45 * Z[:, 1]
    y = pd.Series((rng.random(n) < 1 / (1 + np.exp(-eta))).astype(int), name="y")
    X = pd.DataFrame(Z, columns=["strong", "moderate", "noise1", "noise2", "noise3"])
    return X, y


def plain_loop(estimator_factory, X, y, n_bootstrap, seed):
    """The documented resampling, written out with no joblib."""
    rng = np.random.RandomState(seed)
    n = len(y)
    supports, coefs, skipped = [], [], 0
    # one BLAS thread, as selection_stability uses: many threads on tiny
    # matrices only slow the loop down on a busy machine
    with threadpool_limits(limits=1, user_api="blas"):
        for _ in range(n_bootstrap):
            rows = rng.randint(n, size=n)
            if np.unique(np.asarray(y)[rows]).size < 2:
                skipped += 1
                continue
            model = estimator_factory().fit(X.iloc[rows], y.iloc[rows])
            supports.append(model.get_support())
            coefs.append(model.coef_.ravel())
    return np.array(supports), np.array(coefs), skipped


def test_equals_plain_loop_and_statsmodels_global(simulated):
    X, y = simulated
    result = selection_stability(StepwiseLogit(), X, y, n_bootstrap=30, random_state=3)
    supports, coefs, skipped = plain_loop(StepwiseLogit, X, y, 30, 3)
    assert skipped == 0 and result.n_fitted == 30
    assert_array_equal(result.supports.to_numpy(), supports)
    assert_allclose(result.coefs.to_numpy(), coefs, rtol=1e-13, atol=1e-15)

    # the global model is the plain ML logit on every feature: statsmodels
    ref = sm.Logit(y, sm.add_constant(X)).fit(disp=0)
    beta, se = ref.params[X.columns].to_numpy(), ref.bse[X.columns].to_numpy()
    assert_allclose(result.global_coef, beta, rtol=1e-6)
    assert_allclose(result.global_std_err, se, rtol=1e-6)

    # Heinze et al. (2018), section 3.5, from the loop's numbers
    inclusion = supports.mean(axis=0)
    rmsd = np.sqrt(((coefs - beta) ** 2).mean(axis=0)) / se
    with np.errstate(invalid="ignore", divide="ignore"):
        conditional = (coefs * supports).sum(axis=0) / supports.sum(axis=0)
    bias = conditional / beta - 1
    assert_allclose(result.inclusion_frequency, inclusion, rtol=1e-15)
    assert list(result.inclusion_frequency.index) == list(X.columns)
    assert_allclose(result.rmsd_ratio, rmsd, rtol=1e-6)
    assert_allclose(result.relative_bias, bias, rtol=1e-6)

    sets = Counter(" + ".join(X.columns[row]) or "(none selected)" for row in supports)
    frequency = result.model_frequency
    assert dict(frequency["count"]) == dict(sets)
    assert frequency["count"].is_monotonic_decreasing
    assert_allclose(frequency["percent"], 100 * frequency["count"] / 30)
    assert_allclose(frequency["cumulative_percent"].iloc[-1], 100.0)


@pytest.mark.parametrize("force", [None, ["noise2"], [3], ["noise2", 0]])
def test_refits_on_values_equal_refits_on_the_dataframe(simulated, force):
    # StepwiseLogit's refits read the DataFrame's values (force by name
    # turned into positions): the loop on the DataFrame's rows is the oracle
    X, y = simulated
    X = X.assign(count=np.arange(len(X)) % 7)  # an integer column too
    result = selection_stability(
        StepwiseLogit(force=force), X, y, n_bootstrap=15, random_state=5
    )
    supports, coefs, _ = plain_loop(lambda: StepwiseLogit(force=force), X, y, 15, 5)
    assert_array_equal(result.supports.to_numpy(), supports)
    assert_allclose(result.coefs.to_numpy(), coefs, rtol=1e-13, atol=1e-15)
    if force:
        forced = [X.columns[f] if isinstance(f, int) else f for f in force]
        assert result.supports[forced].all().all()


def test_same_results_for_any_n_jobs(simulated):
    X, y = simulated
    runs = [
        selection_stability(
            StepwiseLogit(), X, y, n_bootstrap=12, random_state=0, n_jobs=n_jobs
        )
        for n_jobs in (1, 2)
    ]
    pd.testing.assert_frame_equal(runs[0].supports, runs[1].supports)
    pd.testing.assert_frame_equal(runs[0].coefs, runs[1].coefs, check_exact=True)
    pd.testing.assert_frame_equal(runs[0].model_frequency, runs[1].model_frequency)
    pd.testing.assert_series_equal(runs[0].rmsd_ratio, runs[1].rmsd_ratio)


def test_relevant_features_near_one_noise_well_below(simulated):
    X, y = simulated
    result = selection_stability(StepwiseLogit(), X, y, n_bootstrap=30, random_state=1)
    frequency = result.inclusion_frequency
    assert frequency["strong"] >= 0.95
    # BSTEP keeps a noise feature with probability about p_remove = 0.10
    assert (frequency[["noise1", "noise2", "noise3"]] <= 0.5).all()


# -- a scripted selector: the numbers of each fit are given, in fit order ------

_SCRIPT = []


class Scripted(BaseEstimator):
    """Selects and estimates whatever the next entry of ``_SCRIPT`` says."""

    def fit(self, X, y):
        support, coef = _SCRIPT.pop(0)
        self.support_ = np.array(support, dtype=bool)
        self.coef_ = np.array(coef, dtype=float)
        return self

    def get_support(self):
        return self.support_


class ScriptedGlobal(BaseEstimator):
    def fit(self, X, y):
        self.coef_ = np.array([2.0, -1.0])
        self.coef_table_ = pd.DataFrame(
            {"coef": self.coef_, "std_err": [0.5, 0.25]}, index=["0", "1"]
        )
        return self


def test_hand_computation_on_three_resamples():
    _SCRIPT[:] = [
        ([True, False], [2.2, 0.0]),  # all rows
        ([True, False], [2.5, 0.7]),  # not selected: counts as 0, not 0.7
        ([True, True], [1.5, -2.0]),
        ([True, False], [3.0, 0.0]),
    ]
    X, y = np.arange(12.0).reshape(6, 2), np.arange(6.0)
    result = selection_stability(
        Scripted(), X, y, n_bootstrap=3, global_estimator=ScriptedGlobal()
    )
    assert not _SCRIPT
    assert list(result.inclusion_frequency.index) == ["x0", "x1"]
    assert_allclose(result.inclusion_frequency, [1.0, 1 / 3])
    # x0: sqrt(((2.5-2)^2 + (1.5-2)^2 + (3-2)^2) / 3) / 0.5 = sqrt(0.5) / 0.5
    # x1: sqrt(((0+1)^2 + (-2+1)^2 + (0+1)^2) / 3) / 0.25 = 4
    assert_allclose(result.rmsd_ratio, [np.sqrt(2.0), 4.0], rtol=1e-15)
    # x0: mean(2.5, 1.5, 3) / 2 - 1 = 1/6; x1: (-2) / (-1) - 1 = 1
    assert_allclose(result.relative_bias, [1 / 6, 1.0], rtol=1e-15)
    frequency = result.model_frequency
    assert list(frequency.index) == ["x0", "x0 + x1"]
    assert list(frequency["count"]) == [2, 1]
    assert list(frequency["selected_on_all_rows"]) == [True, False]
    table = result.table
    assert_allclose(table.loc["x0", "selected_coef"], 2.2)
    assert np.isnan(table.loc["x1", "selected_coef"])


class Rare(ClassifierMixin, BaseEstimator):
    """Keeps every feature; warns on every fit (a stand-in for a logit)."""

    def fit(self, X, y):
        warnings.warn("did not converge", ConvergenceWarning, stacklevel=2)
        self.classes_ = np.unique(y)
        self.coef_ = np.asarray(X, dtype=float).mean(axis=0)
        return self

    def get_support(self):
        return np.ones(self.coef_.size, dtype=bool)


def test_one_class_resamples_are_skipped_and_warnings_counted():
    X = pd.DataFrame({"a": np.linspace(0, 1, 10)})
    y = pd.Series([0] * 9 + [1])
    with pytest.warns(ConvergenceWarning):  # the fit on all rows warns as usual
        result = selection_stability(
            Rare(), X, y, n_bootstrap=20, random_state=0, global_estimator=Rare()
        )
    rng = np.random.RandomState(0)
    one_class = sum(
        np.unique(y.to_numpy()[rng.randint(10, size=10)]).size < 2 for _ in range(20)
    )
    assert one_class > 0
    assert result.skipped == {"one class only": one_class}
    assert result.n_fitted == 20 - one_class
    assert result.warned == {"ConvergenceWarning": 20 - one_class}
    text = " ".join(str(result.summary()).split())
    assert f"{one_class} skipped (one class only: {one_class})" in text
    assert result.resampling == "rows"
    assert "20 bootstrap resamples of all rows, drawn with replacement" in text
    assert f"ConvergenceWarning: {20 - one_class}" in text


def test_separation_in_resamples_is_counted_not_shown():
    rng = np.random.default_rng(0)
    x = np.sort(rng.normal(size=40))
    y = (x > 0).astype(int)
    y[[17, 22]] = y[[22, 17]]  # overlap on all rows; resamples may lose it
    X = pd.DataFrame({"x": x, "noise": rng.normal(size=40)})
    with warnings.catch_warnings():
        warnings.simplefilter("error", SeparationWarning)
        result = selection_stability(
            StepwiseLogit(), X, y, n_bootstrap=20, random_state=0
        )
    assert 0 < result.warned["SeparationWarning"] < 20
    text = " ".join(str(result.summary()).split())  # lines are wrapped
    assert "SeparationWarning" in text and "not estimates" in text


def test_arrays_are_named_like_scikit_learn_and_series_y(simulated):
    X, y = simulated
    result = selection_stability(
        StepwiseLogit(), X.to_numpy(), y, n_bootstrap=5, random_state=0
    )
    names = ["x0", "x1", "x2", "x3", "x4"]
    assert list(result.inclusion_frequency.index) == names
    assert list(result.table.index.sort_values()) == names
    frame = selection_stability(StepwiseLogit(), X, y, n_bootstrap=5, random_state=0)
    assert_allclose(result.rmsd_ratio, frame.rmsd_ratio, rtol=1e-12)
    assert_allclose(result.global_std_err, frame.global_std_err, rtol=1e-12)


def test_selector_without_coef_has_no_rmsd_and_says_why(simulated):
    X, y = simulated
    result = selection_stability(
        SelectKBest(f_classif, k=2), X, y, n_bootstrap=10, random_state=0
    )
    assert result.inclusion_frequency["strong"] == 1.0
    assert result.rmsd_ratio.isna().all() and result.relative_bias.isna().all()
    assert "No global model" in " ".join(str(result.summary()).split())
    with_global = selection_stability(
        SelectKBest(f_classif, k=2),
        X,
        y,
        n_bootstrap=10,
        random_state=0,
        global_estimator=StepwiseLogit(p_remove=1.0),
    )
    assert with_global.rmsd_ratio.isna().all()
    assert "has no coef_ over all features" in " ".join(
        str(with_global.summary()).split()
    )


def test_bad_input_is_named():
    X, y = np.zeros((10, 2)), np.arange(10) % 2
    with pytest.raises(TypeError, match="LogisticRegression has no get_support"):
        selection_stability(LogisticRegression(), X, y)
    with pytest.raises(InvalidParameterError, match="'n_bootstrap' parameter"):
        selection_stability(StepwiseLogit(), X, y, n_bootstrap=0)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        selection_stability(StepwiseLogit(), X, y[:-1])


def test_global_model_must_keep_every_feature(simulated):
    X, y = simulated
    with pytest.raises(ValueError, match="must keep every candidate feature"):
        selection_stability(
            StepwiseLogit(), X, y, n_bootstrap=2, global_estimator=StepwiseLogit()
        )


def test_summary_plot_and_pickle(simulated):
    X, y = simulated
    result = selection_stability(StepwiseLogit(), X, y, n_bootstrap=10, random_state=2)
    summary = result.summary(max_models=3)
    assert isinstance(summary, Summary)
    assert list(summary.tables) == ["inclusion", "model_frequency"]
    inclusion = summary["Bootstrap inclusion"]
    assert list(inclusion.columns) == [
        "global_coef",
        "global_std_err",
        "selected_coef",
        "inclusion_pct",
        "rmsd_ratio",
        "relative_bias_pct",
    ]
    assert inclusion["inclusion_pct"].is_monotonic_decreasing
    assert len(summary["model_frequency"]) <= 3
    text = summary.as_text()
    assert "optimistic" in text and "random_state=2" in text
    summary.as_markdown(), summary.as_latex(), summary.as_html()

    loaded = pickle.loads(pickle.dumps(result))
    assert isinstance(loaded, SelectionStability)
    for name in ("inclusion_frequency", "rmsd_ratio", "relative_bias"):
        pd.testing.assert_series_equal(getattr(loaded, name), getattr(result, name))
    pd.testing.assert_frame_equal(loaded.model_frequency, result.model_frequency)
    pd.testing.assert_frame_equal(loaded.table, result.table)
    assert loaded.summary(max_models=3).as_text() == text

    pytest.importorskip("matplotlib")
    import matplotlib.pyplot as plt

    figure = result.plot()
    assert [t.get_text() for t in figure.axes[0].get_yticklabels()][-1] == "strong"
    plt.close(figure)


def test_user_guide_examples_run():
    failures, tried = doctest.testfile(
        str(DOCS / "user_guide" / "selection_stability.rst"),
        module_relative=False,
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
    )
    assert tried > 0 and failures == 0


@pytest.mark.parametrize("force", [["c"], [2]])
def test_forced_features_are_marked_not_read_as_stable(force):
    """A forced feature is in every resample by construction: the table,
    summary and plot say 'forced' instead of showing a stable selection."""
    rng = np.random.default_rng(3)
    X = pd.DataFrame(rng.normal(size=(200, 3)), columns=["a", "b", "c"])
    y = (1.5 * X["a"] + rng.logistic(size=200) > 0).astype(int)
    data = X if isinstance(force[0], str) else X.to_numpy()
    name = "c" if isinstance(force[0], str) else "x2"
    result = selection_stability(
        StepwiseLogit(force=force), data, y, n_bootstrap=10, random_state=0
    )
    assert result.forced == [name]
    assert result.inclusion_frequency[name] == 1.0
    table = result.table
    assert table["forced"].tolist() == [False, False, True]  # forced last
    assert table.index[-1] == name
    summary = result.summary()
    assert f"{name} (forced)" in summary["inclusion"].index
    text = " ".join(str(summary).split())
    assert f"not a stable selection): {name}." in text
    plt = pytest.importorskip("matplotlib.pyplot")
    figure = result.plot()
    labels = [t.get_text() for t in figure.axes[0].get_legend().get_texts()]
    assert "forced into every model" in labels
    plt.close(figure)


def test_without_force_nothing_is_marked_forced():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(120, 2))
    y = (X[:, 0] + rng.logistic(size=120) > 0).astype(int)
    result = selection_stability(StepwiseLogit(), X, y, n_bootstrap=5, random_state=0)
    assert result.forced == []
    assert not result.table["forced"].any()
    assert "forced" not in str(result.summary())


def _one_line(summary):
    return " ".join(str(summary).split())


def test_notes_name_the_printed_headers_not_the_identifiers(simulated):
    """The summary prints "Coefficient without selection" (summary/_labels.py):
    its note must use those words, not the columns' identifiers."""
    X, y = simulated
    result = selection_stability(StepwiseLogit(), X, y, n_bootstrap=5, random_state=0)
    text = _one_line(result.summary())
    assert "global_coef" not in text and "global_std_err" not in text
    assert (
        "Coefficient without selection and Std. error without selection: the "
        "model with every feature and no selection; Std. error without selection: "
        "model-based (inverse information matrix). RMSD ratio above 1: selection "
        "adds variability beyond the standard error without selection. Relative "
        "bias: mean coefficient when selected over the coefficient without "
        "selection, minus 1"
    ) in text


def test_relative_bias_caveat_from_the_global_wald_test(simulated):
    """Relative bias divides by the global estimate: the features whose global
    Wald test is not significant at 5% are named in a note (statsmodels' Logit
    on every feature is the oracle of the p-values), their numbers still shown."""
    X, y = simulated
    result = selection_stability(
        StepwiseLogit(force=["noise3"]), X, y, n_bootstrap=30, random_state=0
    )
    oracle = sm.Logit(y, sm.add_constant(X)).fit(disp=0).pvalues[X.columns]
    assert_allclose(result.global_p_value[X.columns], oracle, rtol=1e-5)
    bias = result.relative_bias
    weak = [
        name
        for name in result.table.index
        if oracle[name] >= 0.05 and np.isfinite(bias[name])
    ]
    assert "strong" not in weak and "noise3" in weak and len(weak) >= 2
    shown = ", ".join(f"{name} (p = {oracle[name]:.3f})" for name in weak)
    text = _one_line(result.summary())
    assert (
        f"Relative bias of {shown} divides by a coefficient without selection "
        "that its Wald test does not distinguish from 0 (not significant at 5%): "
        "it should not be read as a bias (it can run to hundreds of percent "
        "either way)."
    ) in text
    # the numbers stay printed
    printed = result.summary()["inclusion"]["relative_bias_pct"]
    assert printed.notna().sum() == np.isfinite(bias).sum()


def test_no_relative_bias_caveat_without_a_global_model(simulated):
    X, y = simulated
    result = selection_stability(
        SelectKBest(f_classif, k=2), X, y, n_bootstrap=3, random_state=0
    )
    assert result.global_p_value.isna().all()
    assert "Wald test" not in str(result.summary())


def test_forced_features_left_out_of_the_printed_model_strings():
    """With forced features every model string repeated them (130 characters on
    ESS10NO, split into five column groups): the printed table names the
    selectable features, a note names the forced ones once, and
    ``model_frequency`` keeps each set whole for users who index it."""
    rng = np.random.default_rng(3)
    X = pd.DataFrame(rng.normal(size=(200, 4)), columns=["a", "b", "c", "d"])
    y = (1.5 * X["a"] + rng.logistic(size=200) > 0).astype(int)
    result = selection_stability(
        StepwiseLogit(force=["c", "d"]), X, y, n_bootstrap=20, random_state=0
    )
    frequency = result.model_frequency
    assert all(label.endswith(" + c + d") for label in frequency.index)
    supports = result.supports
    for label, count in frequency["count"].items():
        chosen = [f for f in X.columns if f in label.split(" + ")]
        assert (
            supports[chosen].all(axis=1) & (supports.sum(axis=1) == len(chosen))
        ).sum() == count
    summary = result.summary()
    printed = summary["model_frequency"]
    assert list(printed.index) == [
        label.removesuffix(" + c + d") for label in frequency.index
    ]
    assert printed["count"].tolist() == frequency["count"].tolist()
    text = _one_line(summary)
    assert (
        "Model selection frequency names the selectable features of each model; "
        "every model also holds the forced features: c, d."
    ) in text
    assert "(and the forced features)" in text
    assert "a + c + d" not in text


def test_a_set_of_forced_features_only_is_named_so():
    """A resample that keeps none of the selectable features prints as such,
    not as "(none selected)" beside features that are in every model."""
    rng = np.random.default_rng(5)
    X = pd.DataFrame(rng.normal(size=(150, 3)), columns=["noise", "c", "d"])
    y = (1.5 * X["c"] + rng.logistic(size=150) > 0).astype(int)
    result = selection_stability(
        StepwiseLogit(force=["c", "d"]), X, y, n_bootstrap=10, random_state=0
    )
    assert "c + d" in result.model_frequency.index
    printed = result.summary()["model_frequency"]
    assert "(the forced features only)" in printed.index
    assert "(none selected)" not in printed.index
