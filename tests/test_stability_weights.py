"""selection_stability with sample weights and survey designs.

Oracles: the documented draws written out by hand, fits on ``np.repeat``
rows (integer weights are copies), and for Rao and Wu's bootstrap the
design-based variance of a weighted total (svyrecvar's formula, by loops)
that the replicate weights must reproduce.
"""

import inspect

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import BaseEstimator
from sklearn.feature_selection import SelectFromModel
from sklearn.linear_model import LogisticRegression
from sklearn.utils import check_random_state

from sklearn_innov import StepwiseLogit
from sklearn_innov.model_selection import selection_stability


def _accepts_weights(estimator):
    return "sample_weight" in inspect.signature(estimator.fit).parameters


class WeightSpy(BaseEstimator):
    """Selects every feature; records each fit's row ids and weights."""

    seen = []

    def fit(self, X, y, sample_weight=None):
        ids = np.asarray(X["id"]) if hasattr(X, "columns") else X[:, 0]
        WeightSpy.seen.append((ids.astype(int), sample_weight, np.asarray(y)))
        self.n_features_in_ = X.shape[1]
        return self

    def get_support(self):
        return np.ones(self.n_features_in_, dtype=bool)


class Unweighted(WeightSpy):
    def fit(self, X, y):
        return super().fit(X, y)


@pytest.fixture
def spy():
    WeightSpy.seen = []
    yield WeightSpy
    WeightSpy.seen = []


@pytest.fixture(scope="module")
def simulated():
    rng = np.random.default_rng(7)
    n = 150
    Z = rng.normal(size=(n, 4))
    eta = -0.2 + 1.4 * Z[:, 0] + 0.5 * Z[:, 1]
    y = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(int)
    X = pd.DataFrame(Z, columns=["strong", "moderate", "noise1", "noise2"])
    w = rng.integers(0, 4, n).astype(float)
    return X, pd.Series(y, name="y"), w


def _with_ids(X):
    return pd.concat([pd.Series(np.arange(len(X)), name="id"), X], axis=1)


def test_each_refit_receives_exactly_the_drawn_rows_weights(simulated, spy):
    X, y, w = simulated
    selection_stability(
        WeightSpy(), _with_ids(X), y, n_bootstrap=7, random_state=3, sample_weight=w
    )
    full, *refits = WeightSpy.seen
    assert_array_equal(full[0], np.arange(len(y)))
    assert_allclose(full[1], w)
    rng = check_random_state(3)
    assert len(refits) == 7
    for ids, weights, _ in refits:
        rows = rng.randint(len(y), size=len(y))  # the documented draws
        assert_array_equal(ids, rows)
        assert_allclose(weights, w[rows])


def test_integer_weights_select_as_the_replicated_rows_of_each_resample(simulated):
    X, y, w = simulated

    def selector():
        return SelectFromModel(
            LogisticRegression(tol=1e-12, max_iter=10_000), threshold="mean"
        )

    stability = selection_stability(
        selector(), X, y, n_bootstrap=20, random_state=0, sample_weight=w
    )
    rng = check_random_state(0)
    expected = []
    for _ in range(20):
        rows = rng.randint(len(y), size=len(y))
        copies = np.repeat(rows, w[rows].astype(int))
        fit = selector().fit(X.iloc[copies], y.iloc[copies])
        expected.append(fit.get_support())
    assert stability.n_fitted == 20
    assert_array_equal(stability.supports, np.array(expected))


def test_weighted_results_do_not_depend_on_n_jobs(simulated):
    X, y, w = simulated
    strata = np.repeat(["a", "b", "c"], 50)
    kwargs = dict(n_bootstrap=24, random_state=1, sample_weight=w)
    for design in ({}, {"strata": strata}):
        one = selection_stability(
            SelectFromModel(LogisticRegression()), X, y, n_jobs=1, **kwargs, **design
        )
        two = selection_stability(
            SelectFromModel(LogisticRegression()), X, y, n_jobs=2, **kwargs, **design
        )
        assert_array_equal(one.supports, two.supports)


def test_a_model_without_sample_weight_is_named(simulated):
    X, y, w = simulated
    with pytest.raises(ValueError, match=r"the estimator \(Unweighted\) takes no"):
        selection_stability(Unweighted(), _with_ids(X), y, sample_weight=w)


# -- Rao and Wu's rescaling bootstrap ------------------------------------------


def _design(seed=5):
    rng = np.random.default_rng(seed)
    sizes = {"north": 6, "centre": 4, "south": 5}  # PSUs per stratum
    strata, psu = [], []
    for h, n_h in sizes.items():
        for i in range(n_h):
            m = rng.integers(3, 9)
            strata += [h] * m
            psu += [f"{h}-{i}"] * m
    n = len(strata)
    X = pd.DataFrame({"id": np.arange(n), "x": rng.normal(size=n)})
    # a PSU effect: rows of a PSU alike, so the clusters carry the variance
    effect = dict(
        zip(sorted(set(psu)), rng.gamma(4.0, 1.0, len(set(psu))), strict=True)
    )
    y = np.array([effect[c] for c in psu]) * rng.gamma(8.0, 0.125, n)
    w = rng.uniform(1, 4, n)
    return X, y, w, np.array(strata), np.array(psu)


def test_rao_wu_replicate_weights_follow_the_documented_draws(spy):
    X, y, w, strata, psu = _design()
    stability = selection_stability(
        WeightSpy(),
        X,
        y,
        n_bootstrap=10,
        random_state=2,
        sample_weight=w,
        strata=strata,
        cluster=psu,
    )
    rng = check_random_state(2)
    for ids, weights, _ in WeightSpy.seen[1:]:
        factor = np.zeros(len(y))
        for h in sorted(set(strata)):
            labels = sorted(set(psu[strata == h]))
            n_h = len(labels)
            counts = np.bincount(rng.randint(n_h, size=n_h - 1), minlength=n_h)
            for label, r in zip(labels, counts, strict=True):
                factor[psu == label] = r * n_h / (n_h - 1)
        drawn = np.flatnonzero(factor > 0)
        assert_array_equal(ids, drawn)
        assert_allclose(weights, w[drawn] * factor[drawn], rtol=1e-14)
    assert "Rao and Wu" in "\n".join(stability.notes)
    assert stability.resampling == "design"
    first = " ".join(str(stability.summary()).split())
    assert "10 bootstrap resamples of the design (see Design below)" in first


def test_rao_wu_variance_of_a_total_is_the_design_variance(spy):
    """Replicate totals vary as svyrecvar's with-replacement formula says."""
    X, y, w, strata, psu = _design()
    selection_stability(
        WeightSpy(),
        X,
        y,
        n_bootstrap=3000,
        random_state=0,
        sample_weight=w,
        strata=strata,
        cluster=psu,
    )
    total = w @ y
    replicates = np.array([weights @ yy for _, weights, yy in WeightSpy.seen[1:]])
    # E*[t*] = t exactly (each PSU expected n_h - 1 / n_h draws, rescaled)
    assert abs(replicates.mean() - total) < 4 * replicates.std() / np.sqrt(3000)
    design_var = 0.0
    for h in np.unique(strata):
        z = np.array([(w * y)[psu == c].sum() for c in np.unique(psu[strata == h])])
        design_var += z.size / (z.size - 1) * ((z - z.mean()) ** 2).sum()
    bootstrap_var = np.mean((replicates - total) ** 2)
    # Monte Carlo error of a variance from 3000 draws: a few percent (the
    # bootstrap of rows, blind to the PSUs, gives 12% of it here)
    assert_allclose(bootstrap_var, design_var, rtol=0.1)


def test_a_stratum_with_one_psu_is_refused():
    X, y, w, strata, psu = _design()
    psu = np.where(strata == "centre", "centre-0", psu)
    with pytest.raises(ValueError, match=r"stratum 'centre' has a single PSU"):
        selection_stability(WeightSpy(), X, y, strata=strata, cluster=psu)


@pytest.mark.skipif(
    not _accepts_weights(StepwiseLogit),
    reason="StepwiseLogit.fit takes sample_weight on the lweights branch",
)
def test_stepwise_refits_on_values_with_weights_equal_replicated_rows(simulated):
    X, y, w = simulated
    stability = selection_stability(
        StepwiseLogit(), X, y, n_bootstrap=15, random_state=4, sample_weight=w
    )
    rng = check_random_state(4)
    for b in range(15):
        rows = rng.randint(len(y), size=len(y))
        copies = np.repeat(rows, w[rows].astype(int))
        fit = StepwiseLogit().fit(X.iloc[copies], y.iloc[copies])
        assert_array_equal(stability.supports.to_numpy()[b], fit.get_support())
        assert_allclose(
            stability.coefs.to_numpy()[b],
            np.where(fit.support_, fit.coef_[0], 0.0),
            rtol=1e-8,
            atol=1e-12,
        )
