"""The synthetic survey: calibration to the paper's tables, and recovery."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_array_equal

from sklearn_innov import CobbDouglasRegressor, CompositeIndex, StepwiseLogit
from sklearn_innov.datasets import PAPER_SPEC, load_paper_results, make_sme_survey
from sklearn_innov.datasets._paper import (
    METROS,
    SIZE_SHARES,
    TABLE2,
    TABLE3,
    TABLE4,
    TABLE5,
    TABLE6,
    TABLE7,
    TABLE8,
)


@pytest.fixture(scope="module")
def large():
    return make_sme_survey(100_000, random_state=7).frame


def _row_percentages(column):
    return column.value_counts(normalize=True).reindex(range(1, 6), fill_value=0) * 100


@pytest.mark.parametrize("table", [TABLE3, TABLE6], ids=["table3", "table6"])
def test_likert_marginals_match_tables_3_and_6(large, table):
    for item, published in table.items():
        observed = _row_percentages(large[item]).to_numpy()
        expected = np.asarray(published) / np.sum(published) * 100
        assert np.abs(observed - expected).max() < 1.5, item


def test_ris_rates_match_table_7(large):
    for item, rate in TABLE7.items():
        assert abs(large[item].mean() * 100 - rate) < 1.0, item


def test_innovation_by_metro_matches_table_8(large):
    rates = large.groupby("metro_area", observed=True)["innovated"].mean() * 100
    for metro, rate in TABLE8.items():
        assert abs(rates[metro] - rate) < 2.0, metro
    assert abs(large["innovated"].mean() * 100 - 58.3) < 2.0


def test_owner_education_by_metro_matches_table_4(large):
    shares = pd.crosstab(
        large["metro_area"], large["owner_education"], normalize="index"
    )
    for metro, published in TABLE4.items():
        for level, pct in zip(
            ("high_school", "bachelor", "postgraduate"), published, strict=True
        ):
            observed = shares.loc[metro, level] * 100 if level in shares else 0.0
            assert abs(observed - pct) < 2.0, (metro, level)


def test_owner_means_match_table_5(large):
    means = large.groupby("metro_area", observed=True)[list(TABLE5)].mean()
    tolerance = {
        "owner_age": 0.3,
        "owner_prior_jobs": 0.06,
        "owner_last_job_years": 0.1,
    }
    for column, by_metro in TABLE5.items():
        for metro, value in by_metro.items():
            assert abs(means.loc[metro, column] - value) < tolerance[column], (
                column,
                metro,
            )


def test_size_and_metro_shares(large):
    size = large["size"].value_counts(normalize=True)
    for name, share in SIZE_SHARES.items():
        assert abs(size[name] - share) < 0.01
    metro = large["metro_area"].value_counts(normalize=True)
    for name in METROS:
        assert abs(metro[name] - sum(TABLE2[name]) / 127) < 1e-4


def test_default_size_has_table_2_counts_exactly():
    frame = make_sme_survey(random_state=3).frame
    counts = pd.crosstab(frame["metro_area"], frame["activity"])
    for metro, (manufacturing, services) in TABLE2.items():
        assert counts.loc[metro, "manufacturing"] == manufacturing
        assert counts.loc[metro, "services"] == services
    assert len(frame) == 127


def test_reproducible_with_random_state():
    a = make_sme_survey(random_state=11).frame
    b = make_sme_survey(random_state=11).frame
    c = make_sme_survey(random_state=12).frame
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(c)


def test_bunch_layout_and_spec():
    survey = make_sme_survey(random_state=0)
    assert survey.spec == PAPER_SPEC
    assert_array_equal(survey.target, survey.frame["innovated"])
    assert "innovated" not in survey.data.columns
    assert survey.feature_names == list(survey.data.columns)
    assert "SYNTHETIC" in survey.DESCR
    assert set(survey.truth["logit"]) == {"const", "X1", "X2", "X3", "X4"}
    assert set(survey.truth["cobb_douglas"]) == {"const", "X1", "X2", "X3", "X4"}
    out = CompositeIndex(spec=PAPER_SPEC).fit_transform(survey.frame).to_numpy()
    assert out.shape == (127, 5)
    # non-innovators have an innovation index of exactly 0 (the ln 0 pitfall)
    assert (out[survey.target.to_numpy() == 0, 4] == 0).all()
    assert (out[survey.target.to_numpy() == 1, 4] > 0).all()


def test_items_of_a_mechanism_are_positively_correlated(large):
    reliability = CompositeIndex(spec=PAPER_SPEC).fit(large).reliability_
    for index in ("X1", "X3"):
        assert reliability.loc[index, "cronbach_alpha"] > 0.6
    corr = large[PAPER_SPEC["X3"][:8]].corr().to_numpy()
    assert (corr[np.triu_indices(8, 1)] > 0.2).all()


def test_paper_results_are_the_published_numbers():
    results = load_paper_results()
    assert results["table9"].loc["X3", "coef"] == 0.384
    assert results["table9"].loc["X1", "t"] == 2.097
    assert results["table9_fit"] == {
        "rsquared": 0.274,
        "fvalue": 10.95,
        "durbin_watson": 1.8,
    }
    assert results["table10"].loc["const", "Wald"] == 10.9722
    assert results["table11"].loc["X3", "std_err"] == 0.129
    assert results["table11_fit"]["rsquared_uncentred"] == 0.827


@pytest.fixture(scope="module")
def recovery():
    survey = make_sme_survey(20_000, random_state=2024)
    indices = pd.DataFrame(
        CompositeIndex(spec=PAPER_SPEC).fit_transform(survey.frame),
        columns=list(PAPER_SPEC),
    )
    return survey, indices


def test_stepwise_logit_recovers_the_generating_logit(recovery):
    survey, indices = recovery
    X = indices[["X1", "X2", "X3", "X4"]]
    model = StepwiseLogit().fit(X, survey.target)
    assert {"X1", "X3"} <= set(model.selected_features_)
    table = model.coef_table_
    for name in ("X1", "X3", "const"):
        truth = survey.truth["logit"][name]
        assert abs(table.loc[name, "coef"] - truth) < 4 * table.loc[name, "std_err"], (
            name
        )


def test_cobb_douglas_recovers_the_innovators_model(recovery):
    survey, indices = recovery
    keep = (survey.target.to_numpy() == 1) & (indices.to_numpy() > 0).all(axis=1)
    data = indices[keep]
    model = CobbDouglasRegressor().fit(data[["X1", "X2", "X3", "X4"]], data["Y"])
    table = model.coef_table_
    for name, truth in survey.truth["cobb_douglas"].items():
        assert abs(table.loc[name, "coef"] - truth) < 4 * table.loc[name, "std_err"], (
            name
        )
