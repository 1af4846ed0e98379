"""Marginal effects of 0/1 features: discrete changes, as statsmodels' dummy=True.

The oracle is statsmodels' ``Logit(...).get_margeff(dummy=True)`` on a real
data set with strong 0/1 covariates (HMDA mortgage denials): there the
derivative of ``dmi`` (denied mortgage insurance) is about half its discrete
change, so a test that confused the two conventions fails by a factor of two.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from numpy.testing import assert_allclose

from sklearn_innov import StepwiseLogit

FEATURES = ["dir", "lvr", "ccs", "dmi", "black", "single"]
DUMMIES = ["dmi", "black", "single"]


@pytest.fixture(scope="module")
def hmda():
    frame = pd.read_csv(Path(__file__).parent / "data" / "hmda.csv")
    return frame[FEATURES], frame["deny"]


@pytest.fixture(scope="module")
def fitted(hmda):
    X, y = hmda
    model = StepwiseLogit(p_remove=1.0).fit(X, y)
    ref = sm.Logit(y, sm.add_constant(X)).fit(disp=0, tol=1e-12)
    return model, ref


@pytest.mark.parametrize("at", ["overall", "mean"])
def test_dummy_effects_equal_statsmodels(hmda, fitted, at):
    X, _ = hmda
    model, ref = fitted
    expected = ref.get_margeff(at=at, dummy=True)
    ours = model.marginal_effects(X, at=at, dummy=True)
    assert list(ours.index) == FEATURES
    assert_allclose(ours["dy_dx"], expected.margeff, rtol=1e-6)
    assert_allclose(ours["std_err"], expected.margeff_se, rtol=1e-5)
    assert_allclose(ours["p_value"], expected.pvalues, rtol=1e-5, atol=1e-12)
    kinds = dict(zip(ours.index, ours["effect"], strict=True))
    assert [f for f in FEATURES if kinds[f] == "P(1) - P(0)"] == DUMMIES


def test_derivative_is_the_default_and_differs_for_a_strong_dummy(hmda, fitted):
    X, _ = hmda
    model, ref = fitted
    derivative = model.marginal_effects(X)
    assert (derivative["effect"] == "dP/dx").all()
    assert_allclose(derivative["dy_dx"], ref.get_margeff().margeff, rtol=1e-6)
    discrete = model.marginal_effects(X, dummy=True)
    # the convention matters here: about 0.36 against 0.73
    assert discrete.loc["dmi", "dy_dx"] > 1.8 * derivative.loc["dmi", "dy_dx"]
    # continuous features are the same derivative either way
    cont = ["dir", "lvr", "ccs"]
    assert_allclose(discrete.loc[cont, "dy_dx"], derivative.loc[cont, "dy_dx"])


def test_discrete_change_is_a_difference_of_predicted_probabilities(hmda, fitted):
    # a closed form from predict_proba: average P(dmi = 1) - P(dmi = 0)
    X, _ = hmda
    model, _ = fitted
    on, off = X.assign(dmi=1), X.assign(dmi=0)
    expected = np.mean(model.predict_proba(on)[:, 1] - model.predict_proba(off)[:, 1])
    ours = model.marginal_effects(X, dummy=True).loc["dmi", "dy_dx"]
    assert_allclose(ours, expected, rtol=1e-12)


def test_summary_block_says_which_convention(hmda, fitted):
    X, _ = hmda
    model, _ = fitted

    def block(summary):
        return next(b for b in summary.blocks if b.name == "marginal_effects")

    discrete = block(model.summary(marginal_effects=X, dummy=True))
    assert "P(1) - P(0)" in discrete.title
    assert_allclose(
        discrete.content["dy_dx"],
        model.marginal_effects(X, dummy=True)["dy_dx"],
        rtol=1e-12,
    )
    derivative = block(model.summary(marginal_effects=X))
    assert "dP/dx" in derivative.title and "P(1)" not in derivative.title


def test_dummy_must_be_boolean(hmda, fitted):
    X, _ = hmda
    model, _ = fitted
    with pytest.raises(ValueError, match="dummy must be True or False"):
        model.marginal_effects(X, dummy="yes")
