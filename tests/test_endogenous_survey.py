"""make_sme_survey(endogeneity=...): a synthetic truth with an endogenous X3.

Oracles: the generating parameters in ``truth`` (OLS is biased away from
them, IV's interval covers them about 95 % of the time over seeds),
statsmodels' first-stage F test for the weak-instrument statistic, and the
default survey for the option's "off" state.
"""

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from sklearn_innov import CobbDouglasRegressor, IVCobbDouglasRegressor
from sklearn_innov.datasets import make_sme_survey
from sklearn_innov.datasets._paper import TABLE6
from sklearn_innov.preprocessing import CompositeIndex

REGRESSORS = ["X1", "X2", "X3", "X4"]


def _design(survey):
    """ln-ready X (zeros floored at half the smallest positive), Z and Y > 0."""
    frame = survey.frame
    index = pd.DataFrame(
        np.asarray(CompositeIndex(spec=survey.spec).fit_transform(frame)),
        columns=list(survey.spec),
        index=frame.index,
    )
    index = index[index["Y"] > 0]
    X = index[REGRESSORS]
    X = X.where(X > 0, X[X > 0].min() / 2, axis=1)  # the generator's floor
    Z = frame.loc[index.index, survey.truth["endogeneity"]["instruments"]]
    return X, Z, index["Y"]


def _iv(X, Z, y):
    model = IVCobbDouglasRegressor(endogenous=["X3"], instruments=list(Z.columns))
    return model.fit(pd.concat([X, Z], axis=1), y)


def test_default_survey_is_unchanged_by_the_option():
    default = make_sme_survey(random_state=0)
    off = make_sme_survey(random_state=0, endogeneity=None)
    pd.testing.assert_frame_equal(default.frame, off.frame)
    assert "endogeneity" not in off.truth
    assert off.truth["cobb_douglas"] == default.truth["cobb_douglas"]


def test_the_option_draws_from_its_own_stream():
    # the paper's stream is untouched: every column that does not depend on the
    # learning factor or Y is the default survey's, draw for draw
    default = make_sme_survey(500, random_state=3).frame
    endogenous = make_sme_survey(500, random_state=3, endogeneity={}).frame
    changed = [c for c in default.columns if not default[c].equals(endogenous[c])]
    learning_or_outcome = [
        c
        for c in default.columns
        if c.startswith(("learn_", "innov_")) or c in ("rd_income_share", "innovated")
    ]
    assert set(changed) <= set(learning_or_outcome)
    assert "learn_training" in changed
    assert set(endogenous.columns) - set(default.columns) == {
        "training_subsidy",
        "tech_centre_access",
    }


def test_truth_records_the_structural_model_and_instruments():
    survey = make_sme_survey(
        300, random_state=1, endogeneity={"strength": 0.4, "confounding": 0.6}
    )
    endo = survey.truth["endogeneity"]
    assert endo == {
        "endogenous": "X3",
        "instruments": ["training_subsidy", "tech_centre_access"],
        "strength": 0.4,
        "confounding": 0.6,
    }
    assert survey.truth["cobb_douglas"]["X3"] == 0.30
    # instruments are features a model may learn from
    assert {"training_subsidy", "tech_centre_access"} <= set(survey.feature_names)
    assert set(survey.frame["training_subsidy"].unique()) <= {0, 1}


def test_learning_items_keep_table_6_marginals():
    frame = make_sme_survey(100_000, random_state=5, endogeneity={}).frame
    for name, pct in TABLE6.items():
        shares = frame[name].value_counts(normalize=True).sort_index() * 100
        expected = np.asarray(pct, dtype=float) / np.sum(pct) * 100
        observed = shares.reindex(range(1, len(pct) + 1), fill_value=0.0)
        np.testing.assert_allclose(observed.to_numpy(), expected, atol=1.5)


def test_ols_is_biased_and_iv_covers_the_truth_over_seeds():
    # 60 seeds at n = 2,000 (about 7 s). Over 200 seeds: OLS 0.42 (sd 0.014),
    # 2SLS 0.29 (sd 0.07), coverage 97 % (DESCR).
    b3 = make_sme_survey(random_state=0, endogeneity={}).truth["cobb_douglas"]["X3"]
    ols, iv, se, covered, weak = [], [], [], [], []
    for seed in range(60):
        survey = make_sme_survey(2_000, random_state=seed, endogeneity={})
        X, Z, y = _design(survey)
        ols.append(CobbDouglasRegressor().fit(X, y).coef_[REGRESSORS.index("X3")])
        model = _iv(X, Z, y)
        row = model.coef_table_.loc["X3"]
        iv.append(row["coef"])
        se.append(row["std_err"])
        covered.append(row["ci_lower"] < b3 < row["ci_upper"])
        weak.append(model.weak_instruments_["weak"])
    ols, iv = np.array(ols), np.array(iv)
    # OLS: biased upward by far more than its sampling error
    assert ols.mean() - b3 > 5 * ols.std()
    assert np.mean(ols > b3) == 1.0
    # IV: centred on the truth (within 3 Monte Carlo standard errors), its
    # standard errors the spread of its estimates over seeds (within 25 %),
    # and its 95 % interval covers the truth at about the nominal rate (all
    # 60 seeds here; 97 % over 200)
    assert abs(iv.mean() - b3) < 3 * iv.std() / np.sqrt(iv.size)
    assert np.mean(se) == pytest.approx(iv.std(), rel=0.25)
    assert np.mean(covered) >= 0.90
    assert not any(weak)


def test_no_confounding_leaves_ols_unbiased():
    b3 = 0.30
    ols = [
        CobbDouglasRegressor()
        .fit(
            *_design(
                make_sme_survey(2_000, random_state=s, endogeneity={"confounding": 0.0})
            )[::2]
        )
        .coef_[2]
        for s in range(20)
    ]
    assert abs(np.mean(ols) - b3) < 3 * np.std(ols) / np.sqrt(len(ols)) + 0.01


@pytest.mark.parametrize("strength, weak", [(0.1, True), (0.02, True), (0.3, False)])
def test_weak_instruments_are_flagged(strength, weak):
    survey = make_sme_survey(2_000, random_state=11, endogeneity={"strength": strength})
    X, Z, y = _design(survey)
    model = _iv(X, Z, y)
    diagnostic = model.weak_instruments_
    assert diagnostic["critical_value"] == pytest.approx(19.93)  # Stock-Yogo
    assert diagnostic["weak"] is weak
    # oracle: statsmodels' F test of the excluded instruments in the first
    # stage (with one endogenous regressor, Cragg-Donald's F is that F)
    exog = sm.add_constant(
        pd.concat([np.log(X.drop(columns="X3")), Z.astype(float)], axis=1)
    )
    first = sm.OLS(np.log(X["X3"]), exog).fit()
    f_test = first.f_test(
        np.eye(exog.shape[1])[[list(exog.columns).index(c) for c in Z.columns]]
    )
    assert diagnostic["statistic"] == pytest.approx(float(f_test.fvalue), rel=1e-6)


@pytest.mark.parametrize(
    "option, error, match",
    [
        ("yes", TypeError, "must be None or a dict"),
        ({"strenght": 0.3}, ValueError, "unknown key"),
        ({"strength": -0.1}, ValueError, "0 or more"),
        ({"confounding": 1.0}, ValueError, r"in \[0, 1\)"),
        ({"strength": 0.8, "confounding": 0.7}, ValueError, "Lower one of them"),
        ({"strength": "high"}, TypeError, "must be a number"),
    ],
)
def test_bad_options_name_the_problem_and_the_fix(option, error, match):
    with pytest.raises(error, match=match):
        make_sme_survey(50, random_state=0, endogeneity=option)


@pytest.mark.parametrize(
    "endogeneity, percent", [(None, 17), ({"strength": 0.3, "confounding": 0.5}, 0.4)]
)
def test_the_share_of_truncated_errors_is_what_the_docs_say(
    monkeypatch, endogeneity, percent
):
    # docs/user_guide/synthetic_survey.rst: the endogenous equation is
    # "centred in Y's range so that about 0.4 % of the errors are truncated
    # (with the paper's equation about 17 % are)". The expected share of each
    # firm's error outside ln [1, 6], given the rest of its equation, is read
    # where the generator draws it, on 20,000 firms.
    from scipy import stats

    from sklearn_innov.datasets import _survey

    original = _survey._innovation_index
    shares = []

    def spy(
        indices,
        rng,
        coefs=_survey.COBB_DOUGLAS,
        sigma=_survey.COBB_DOUGLAS_SIGMA,
        firm_effect=None,
        confounding=0.0,
    ):
        logs = np.log(_survey._floor_zeros(indices))
        base = coefs["const"] + logs @ np.array(
            [coefs[f"X{k}"] for k in range(1, indices.shape[1] + 1)]
        )
        scale = sigma
        if firm_effect is not None:
            base = base + sigma * confounding * firm_effect
            scale = sigma * np.sqrt(1.0 - confounding**2)
        low, high = np.log(_survey.Y_RANGE)
        outside = stats.norm.cdf((low - base) / scale) + stats.norm.sf(
            (high - base) / scale
        )
        shares.append(outside.mean())
        return original(
            indices,
            rng,
            coefs=coefs,
            sigma=sigma,
            firm_effect=firm_effect,
            confounding=confounding,
        )

    monkeypatch.setattr(_survey, "_innovation_index", spy)
    make_sme_survey(20_000, random_state=0, endogeneity=endogeneity)
    (share,) = shares
    assert round(100 * share, 1 if percent < 1 else 0) == percent
