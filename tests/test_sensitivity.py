"""index_sensitivity: ranks across constructions, checked by hand and by pandas."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy import stats
from sklearn.preprocessing import MinMaxScaler, StandardScaler

from sklearn_innov.preprocessing import IndexSensitivity, index_sensitivity

ITEMS = ["q1", "q2", "q3", "q4"]


def test_ranks_on_a_tiny_survey_by_hand():
    X = pd.DataFrame({"a": [0, 1, 2, 10], "b": [3, 2, 1, 0]}, index=list("wxyz"))
    # min-max sum: w 1, x 1/10+2/3, y 2/10+1/3, z 1 -> ranks 1, 3, 4, 1
    # z-scores sum: ranks by a/sd_a + b/sd_b
    result = index_sensitivity(
        X,
        {"I": ["a", "b"]},
        normalize=("minmax", "zscore"),
        aggregate=("sum",),
        weights=(None,),
    )
    z = StandardScaler().fit_transform(X).sum(axis=1)
    z_ranks = pd.Series(z).rank(ascending=False, method="min").astype(int)
    table = result.table.loc["I"]
    assert_array_equal(table["reference_rank"], [1, 3, 4, 1])
    assert_allclose(table["median_rank"], (np.array([1, 3, 4, 1]) + z_ranks) / 2)
    assert list(table.index) == list("wxyz")


def test_table_matches_independent_constructions(likert_survey):
    X = likert_survey
    result = index_sensitivity(
        X,
        {"A": ITEMS},
        normalize=("minmax", "zscore"),
        aggregate=("sum", "mean"),
        weights=(None,),
        shift=5,
    )
    raw = X[ITEMS]
    builds = [
        MinMaxScaler().fit_transform(raw).sum(axis=1),
        MinMaxScaler().fit_transform(raw).mean(axis=1),
        StandardScaler().fit_transform(raw).sum(axis=1),
        StandardScaler().fit_transform(raw).mean(axis=1),
    ]
    ranks = np.column_stack(
        [pd.Series(b).rank(ascending=False, method="min") for b in builds]
    )
    table = result.table.loc["A"]
    assert_array_equal(table["reference_rank"], ranks[:, 0])
    assert_allclose(table["median_rank"], np.median(ranks, axis=1))
    assert_allclose(table["rank_q05"], np.percentile(ranks, 5, axis=1))
    assert_allclose(table["rank_q95"], np.percentile(ranks, 95, axis=1))
    moved = np.abs(ranks - ranks[:, :1]).max(axis=1) > 5
    summary = result.summary()
    assert_allclose(summary.loc["A", "share_moved"], moved.mean())
    assert_allclose(
        summary.loc["A", "mean_abs_shift"], np.abs(ranks[:, 1:] - ranks[:, :1]).mean()
    )
    assert summary.loc["A", "n_constructions"] == 4
    tidy = result.ranks
    assert len(tidy) == 4 * len(X)
    assert set(tidy.columns) >= {"normalize", "aggregate", "weights", "rank"}


def test_incompatible_combinations_are_skipped_and_listed(likert_survey):
    result = index_sensitivity(likert_survey, {"A": ITEMS})
    assert "normalize=zscore, aggregate=geometric, weights=equal" in result.skipped
    assert len(result.constructions) + len(result.skipped) == 3 * 2 * 3
    assert result.constructions.iloc[0].tolist() == ["minmax", "sum", "equal"]


def test_plot_draws_intervals(likert_survey):
    result = index_sensitivity(
        likert_survey, {"A": ITEMS, "B": ["b1", "b2", "q4"]}, weights=(None,)
    )
    figure = result.plot("B")
    assert figure.axes[0].get_title().startswith("Rank robustness of B")
    with pytest.raises(ValueError, match="index 'C' is not one of"):
        result.plot("C")
    assert isinstance(result, IndexSensitivity)


@pytest.mark.parametrize(
    "params, match",
    [
        ({"weights": ()}, "weights must list at least one option"),
        ({"normalize": ("zscore",), "aggregate": ("geometric",)}, "reference"),
        ({"shift": -1}, "non-negative integer"),
    ],
)
def test_bad_options_are_named(likert_survey, params, match):
    with pytest.raises(ValueError, match=match):
        index_sensitivity(likert_survey, {"A": ITEMS}, **params)


def test_ranks_are_competition_ranks():
    X = pd.DataFrame({"a": [1, 3, 3, 2], "b": [1, 3, 3, 2]})
    result = index_sensitivity(
        X, {"I": ["a", "b"]}, normalize=("minmax",), aggregate=("sum",), weights=(None,)
    )
    expected = stats.rankdata(-X.sum(axis=1), method="min")
    assert_array_equal(result.table["reference_rank"], expected)


def test_constructions_the_data_cannot_support_are_skipped_with_a_reason():
    """A missing answer rules out benefit of the doubt; nothing else stops."""
    from sklearn_innov.datasets import PAPER_SPEC, make_sme_survey

    survey = make_sme_survey(random_state=0).frame
    survey.loc[3, "collab_customers"] = np.nan
    spec = {"X1": PAPER_SPEC["X1"]}
    result = index_sensitivity(survey, spec)
    bod = [label for label in result.skipped if "weights=bod" in label]
    assert any("missing answers" in label for label in bod)
    assert not result.constructions["weights"].eq("bod").any()
    assert len(result.constructions) >= 6
