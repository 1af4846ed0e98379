"""Under a design, the selection stability repeats the design's own selection.

Heinze, Wallisch & Dunkler (2018) refit the same selection procedure on
every resample. With ``cov_type="survey"`` the stepwise logit's Wald tests
are design-based, so the selection on all rows takes the design's PSUs (as
the report's logit does) and each Rao-Wu refit takes its resample's: the
rows of the PSUs drawn, a PSU drawn twice entering as two PSUs. Checked on
the Bangladesh Contraception survey (``tests/data/contraception.csv``) with
a PSU-level covariate (the PSU's mean age), whose row-by-row standard error
is far smaller than the clustered one, against fits written out here.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from sklearn_innov import StepwiseLogit
from sklearn_innov.model_selection import selection_stability

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def contraception(contraception_psus):
    X, y, psu = contraception_psus
    # a covariate constant within each PSU: clustering matters most for it
    X = X.assign(psu_age=X["age"].groupby(psu).transform("mean"))
    return X, y, psu


def test_selected_on_all_rows_is_the_design_based_logit(contraception):
    X, y, psu = contraception
    ones = np.ones(len(y))
    result = selection_stability(
        StepwiseLogit(cov_type="survey"),
        X,
        y,
        n_bootstrap=2,
        random_state=0,
        cluster=psu,
    )
    design = StepwiseLogit(cov_type="survey").fit(X, y, sample_weight=ones, cluster=psu)
    rows = StepwiseLogit(cov_type="survey").fit(X, y, sample_weight=ones)
    # the case discriminates: row-by-row stepping keeps the PSU-level covariate
    assert not np.array_equal(design.get_support(), rows.get_support())
    assert result.selected_features == list(X.columns[design.get_support()])
    assert "psu_age" not in result.selected_features


class _Spy(StepwiseLogit):
    """StepwiseLogit recording the fit parameters of every refit."""

    calls: list = []

    def fit(self, X, y, **params):
        type(self).calls.append((np.asarray(X).copy(), params))
        return super().fit(X, y, **params)


def test_a_psu_drawn_twice_enters_a_refit_as_two_psus(contraception):
    X, y, psu = contraception
    _Spy.calls = []
    n_bootstrap = 3
    result = selection_stability(
        _Spy(cov_type="survey"),
        X,
        y,
        n_bootstrap=n_bootstrap,
        random_state=1,
        cluster=psu,
        fpc=0.1,
    )
    # the fpc reaches the selection on all rows only (Rao-Wu draws with
    # replacement): the global model and the refits take none
    assert _Spy.calls[0][1]["fpc"] == 0.1
    assert "fpc" not in _Spy.calls[1][1]
    calls = _Spy.calls[2:]  # the fits on all rows: the selection, the global
    assert len(calls) == n_bootstrap
    # Rao and Wu's draws, written out: one stratum, PSUs in label order
    labels, code = np.unique(psu, return_inverse=True)
    n_h = labels.size
    rng = np.random.RandomState(1)
    twice = 0
    for b, (X_b, params) in enumerate(calls):
        drawn = rng.randint(n_h, size=n_h - 1)
        twice += int((np.bincount(drawn) >= 2).any())
        parts = [np.flatnonzero(code == p) for p in drawn]
        rows = np.concatenate(parts)
        assert_array_equal(X_b, X.to_numpy()[rows])
        # each copy its own PSU: n_h - 1 of them, even for a PSU drawn twice
        expected = np.concatenate(
            [np.full(part.size, k) for k, part in enumerate(parts)]
        )
        assert_array_equal(pd.factorize(params["cluster"])[0], expected)
        assert_allclose(params["sample_weight"], n_h / (n_h - 1.0), rtol=0)
        assert "strata" not in params and "fpc" not in params
        # and the refit is the design-based selection of that resample
        own = StepwiseLogit(cov_type="survey").fit(
            X.iloc[rows],
            y.iloc[rows],
            sample_weight=np.full(rows.size, n_h / (n_h - 1.0)),
            cluster=expected,
        )
        support = own.get_support()
        assert_array_equal(result.supports.iloc[b].to_numpy(), support)
        coef = np.zeros(X.shape[1])
        coef[support] = np.ravel(own.coef_)[support]
        assert_allclose(result.coefs.iloc[b], coef, rtol=1e-10, atol=1e-12)
    assert twice > 0  # the draws did repeat a PSU


def _paired(n_strata, per_psu=10, seed=0):
    rng = np.random.RandomState(seed)
    n = n_strata * 2 * per_psu
    X = rng.normal(size=(n, 2))
    y = (X[:, 0] + rng.logistic(size=n) > 0).astype(int)
    strata = np.repeat(np.arange(n_strata), 2 * per_psu)
    psu = np.repeat(np.arange(2 * n_strata), per_psu)
    return X, y, strata, psu


def test_a_stratum_of_two_psus_needs_the_estimators_lonely_psu():
    X, y, strata, psu = _paired(4)
    # 3 strata of 3 PSUs give the resamples 3 design df, one per parameter
    strata = np.concatenate([strata, [4] * 30, [5] * 30, [6] * 30])
    psu = np.concatenate([psu, np.repeat(np.arange(8, 17), 10)])
    rng = np.random.RandomState(1)
    X = np.vstack([X, rng.normal(size=(90, 2))])
    y = np.concatenate([y, (rng.uniform(size=90) < 0.5).astype(int)])
    with pytest.raises(ValueError, match=r"stratum 0, 1, 2, 3 has 2 PSUs.*lonely_psu"):
        selection_stability(
            StepwiseLogit(cov_type="survey"),
            X,
            y,
            n_bootstrap=2,
            strata=strata,
            cluster=psu,
        )
    result = selection_stability(
        StepwiseLogit(cov_type="survey", lonely_psu="adjust"),
        X,
        y,
        n_bootstrap=2,
        random_state=0,
        strata=strata,
        cluster=psu,
    )
    assert any("lonely_psu='adjust'" in note for note in result.notes)


def test_too_few_psus_for_the_resamples_tests_is_said(contraception):
    X, y, strata, psu = _paired(3)
    result = selection_stability(
        StepwiseLogit(cov_type="survey", lonely_psu="adjust"),
        X,
        y,
        n_bootstrap=2,
        random_state=0,
        strata=strata,
        cluster=psu,
    )
    text = " ".join(result.notes)
    assert "0 design degrees of freedom for the 3 parameters" in text
