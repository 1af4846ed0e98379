"""Under a design, the RMSD ratio divides by the design-based standard error.

Heinze, Wallisch & Dunkler (2018) divide the bootstrap's RMSD by the global
model's standard error: both must estimate the same sampling variance. Rao
and Wu's resamples of PSUs reflect the clustering, so the standard error
"without selection" must be design-based (Taylor linearisation as R's
``svyglm``: the cluster sandwich scaled by G / (G - 1) only), checked here
against statsmodels' Logit on the Bangladesh Contraception survey
(``tests/data/contraception.csv``), and model-based without a design.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from numpy.testing import assert_allclose

from sklearn_innov import StepwiseLogit
from sklearn_innov.model_selection import selection_stability

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def contraception(contraception_psus):
    return contraception_psus


def _statsmodels_logit(X, y, psu=None):
    exog = sm.add_constant(X.to_numpy())
    if psu is None:
        return sm.Logit(y.to_numpy(), exog).fit(disp=0, tol=1e-12)
    groups = pd.factorize(psu)[0]
    # no small-sample factor from statsmodels; svyglm's G / (G - 1) below
    return sm.Logit(y.to_numpy(), exog).fit(
        disp=0,
        tol=1e-12,
        cov_type="cluster",
        cov_kwds={"groups": groups, "use_correction": False},
    )


def test_design_se_is_the_linearised_one_not_the_model_based(contraception):
    X, y, psu = contraception
    result = selection_stability(
        StepwiseLogit(cov_type="survey"),
        X,
        y,
        n_bootstrap=4,
        random_state=0,
        cluster=psu,
    )
    ref = _statsmodels_logit(X, y, psu)
    n_psu = np.unique(psu).size
    design_se = ref.bse[1:] * np.sqrt(n_psu / (n_psu - 1))
    assert_allclose(result.global_coef, ref.params[1:], rtol=1e-7)
    assert_allclose(result.global_std_err, design_se, rtol=1e-7)
    # the clustering matters here: the model-based SE differs by > 10%
    model_se = _statsmodels_logit(X, y).bse[1:]
    assert np.abs(design_se / model_se - 1).max() > 0.1
    rmsd = np.sqrt(((result.coefs.to_numpy() - ref.params[1:]) ** 2).mean(axis=0))
    assert_allclose(result.rmsd_ratio, rmsd / design_se, rtol=1e-6)
    assert result.std_err_kind == "design-based, linearised"
    text = " ".join(str(result.summary()).split())
    assert "Std. error without selection: design-based, linearised" in text


def test_design_with_a_model_based_global_model_says_so(contraception):
    """A global model the user passes with model-based SEs is kept, and the
    notes say the ratio then compares two different variances."""
    X, y, psu = contraception
    result = selection_stability(
        StepwiseLogit(cov_type="survey"),
        X,
        y,
        n_bootstrap=2,
        random_state=0,
        cluster=psu,
        global_estimator=StepwiseLogit(p_remove=1.0),
    )
    assert_allclose(result.global_std_err, _statsmodels_logit(X, y).bse[1:], rtol=1e-7)
    assert result.std_err_kind == "model-based"
    assert any("two different variances" in note for note in result.notes)


def test_without_design_the_se_is_model_based(contraception):
    X, y, _ = contraception
    result = selection_stability(StepwiseLogit(), X, y, n_bootstrap=2, random_state=0)
    assert_allclose(result.global_std_err, _statsmodels_logit(X, y).bse[1:], rtol=1e-7)
    assert result.std_err_kind == "model-based"
    assert "model-based (inverse information matrix)" in " ".join(
        str(result.summary()).split()
    )
