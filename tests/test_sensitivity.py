"""index_sensitivity: ranks across constructions, checked by hand and by pandas."""

import matplotlib

matplotlib.use("Agg")

import warnings

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
    # min-max sum: w 1, x 1/10+2/3, y 2/10+1/3, z 1 -> ranks 1.5, 3, 4, 1.5
    # (w and z tie: the average of places 1 and 2)
    # z-scores sum: ranks by a/sd_a + b/sd_b
    result = index_sensitivity(
        X,
        {"I": ["a", "b"]},
        normalize=("minmax", "zscore"),
        aggregate=("sum",),
        weights=(None,),
    )
    z = StandardScaler().fit_transform(X).sum(axis=1)
    z_ranks = pd.Series(z).rank(ascending=False, method="average")
    table = result.table.loc["I"]
    assert_array_equal(table["reference_rank"], [1.5, 3, 4, 1.5])
    assert_allclose(table["median_rank"], (np.array([1.5, 3, 4, 1.5]) + z_ranks) / 2)
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
        [pd.Series(b).rank(ascending=False, method="average") for b in builds]
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
    assert (
        "normalize=zscore, aggregate=geometric, weights=equal (a geometric mean "
        "needs positive items, and z-scores are negative below the mean)"
    ) in result.skipped
    # every construction left out says why
    assert all(label.endswith(")") or ": " in label for label in result.skipped)
    whole = [label for label in result.skipped if ", left out for " not in label]
    assert len(result.constructions) + len(whole) == 3 * 2 * 3
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


def test_ties_share_the_average_rank():
    """Issue 23: competition ranking gave tied zeros the best rank."""
    X = pd.DataFrame({"a": [1, 3, 3, 2], "b": [1, 3, 3, 2]})
    result = index_sensitivity(
        X, {"I": ["a", "b"]}, normalize=("minmax",), aggregate=("sum",), weights=(None,)
    )
    expected = stats.rankdata(-X.sum(axis=1), method="average")
    assert_array_equal(result.table["reference_rank"], expected)
    assert_array_equal(expected, [4, 1.5, 1.5, 3])


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


# -- exact values, any units, geometric zeros, no NaN cast ---------------------


@pytest.mark.parametrize("scale", [1e-100, 1e-10, 1e-9, 1e9, 1e100])
def test_ranks_are_the_same_in_any_units(likert_survey, scale):
    """Issue 24: rounding to 8 decimals made ranks differ at 1e-9 (all tie at
    1e-10). Raw sums (normalize=None) are in the data's units."""
    X = likert_survey[ITEMS].astype(float)
    options = dict(
        normalize=(None, "minmax", "rank"), aggregate=("sum",), weights=(None, "pca")
    )
    unit = index_sensitivity(X, {"A": ITEMS}, **options)
    scaled = index_sensitivity(X * scale, {"A": ITEMS}, **options)
    # the oracle: scipy's average ranks of the exact integer sums
    expected = stats.rankdata(-X.sum(axis=1), method="average")
    assert_array_equal(unit.table["reference_rank"], expected)
    assert_array_equal(scaled.table["reference_rank"], expected)
    assert_array_equal(scaled.ranks["rank"], unit.ranks["rank"])


def test_geometric_means_zeroed_by_an_item_at_0_are_left_out_and_said(rng):
    """Issue 23: a geometric mean set most rows to 0 and, with competition
    ranks, gave them the best rank: "92% of firms move"."""
    n = 40
    X = pd.DataFrame(rng.integers(1, 6, size=(n, 3)), columns=["a", "b", "c"])
    X.loc[:9, "c"] = 0  # ten rows at the bottom of c: 0 after min-max
    result = index_sensitivity(
        X,
        {"I": ["a", "b", "c"]},
        normalize=("minmax", "rank"),
        aggregate=("sum", "geometric"),
        weights=(None,),
        shift=3,
    )
    zeroed = (MinMaxScaler().fit_transform(X) == 0).any(axis=1).sum()
    assert (
        f"normalize=minmax, aggregate=geometric, weights=equal, left out for I "
        f"({zeroed} of {n} rows): an item at 0 zeroes the geometric mean of those "
        "rows, which then tie whatever their other items"
    ) in result.skipped
    # the oracle: the three other constructions built by hand
    minmax = MinMaxScaler().fit_transform(X)
    # the mid-rank empirical distribution function, in (0, 1)
    mid = np.column_stack(
        [stats.percentileofscore(X[c], X[c], kind="mean") / 100 for c in X]
    )
    builds = [minmax.sum(axis=1), mid.sum(axis=1), stats.gmean(mid, axis=1)]
    ranks = np.column_stack([stats.rankdata(-b, method="average") for b in builds])
    summary = result.summary()
    assert summary.loc["I", "n_constructions"] == 3
    moved = np.abs(ranks - ranks[:, :1]).max(axis=1) > 3
    assert_allclose(summary.loc["I", "share_moved"], moved.mean())
    assert_allclose(
        summary.loc["I", "mean_abs_shift"], np.abs(ranks[:, 1:] - ranks[:, :1]).mean()
    )
    assert_allclose(result.table.loc["I", "median_rank"], np.median(ranks, axis=1))
    assert len(result.ranks) == 3 * n


def test_undefined_index_values_are_left_out_never_cast_to_int(
    likert_survey, monkeypatch
):
    """Issue 24: NaN cast to int printed "ranks move by 838488366986797824.0"."""
    from sklearn_innov.preprocessing import _sensitivity

    class HalfNaN(_sensitivity.CompositeIndex):
        def fit_transform(self, X, y=None):
            out = np.array(super().fit_transform(X), dtype=float)
            if self.normalize == "zscore":
                out[: len(out) // 2] = np.nan
            return out

    monkeypatch.setattr(_sensitivity, "CompositeIndex", HalfNaN)
    result = index_sensitivity(
        likert_survey, {"A": ITEMS}, aggregate=("sum",), weights=(None,)
    )
    assert result.skipped == [
        "normalize=zscore, aggregate=sum, weights=equal, left out for A "
        "(30 of 60 rows undefined)"
    ]
    table = result.table
    assert np.isfinite(table[["median_rank", "max_shift"]].to_numpy()).all()
    assert table["max_shift"].max() <= len(likert_survey)
    summary = result.summary()
    assert summary.loc["A", "n_constructions"] == 2


def test_warnings_of_the_constructions_become_notes(likert_survey):
    X = likert_survey.assign(flat=3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = index_sensitivity(
            X, {"A": [*ITEMS, "flat"]}, aggregate=("sum",), weights=(None, "pca")
        )
    assert result.notes
    # every note is about the constant item: CompositeIndex's warning in
    # every construction, and PCA's weight 0 where PCA learns the weights
    assert all("'flat'" in note for note in result.notes)
    pca = [note for note in result.notes if "weights='pca':" in note]
    assert [note.split(":")[0] for note in pca] == [
        f"normalize={n}, aggregate=sum, weights=pca"
        for n in ("minmax", "zscore", "rank")
    ]
    assert all("'flat' of index 'A'" in note for note in pca)


def test_a_construction_that_ties_every_row_is_left_out(likert_survey):
    """Benefit of the doubt with a constant item: every row scores 1, all tie,
    and every rank "moved" by up to half the sample."""
    X = likert_survey.assign(flat=3)
    spec = {"A": [*ITEMS, "flat"]}
    result = index_sensitivity(
        X, spec, normalize=("minmax", "rank"), aggregate=("sum",), weights=(None, "bod")
    )
    assert (
        "normalize=rank, aggregate=sum, weights=bod, left out for A: the same value "
        "for every row, which ranks nothing"
    ) in result.skipped
    # the oracle: the other constructions' ranks by hand
    minmax = MinMaxScaler().fit_transform(X[ITEMS]).sum(axis=1)
    mid = np.column_stack(
        [stats.percentileofscore(X[c], X[c], kind="mean") / 100 for c in spec["A"]]
    ).sum(axis=1)
    ranks = [stats.rankdata(-b, method="average") for b in (minmax, mid)]
    table = result.table.loc["A"]
    kept = result.ranks.query("index == 'A'")["construction"].unique()
    assert len(kept) == result.summary().loc["A", "n_constructions"] == 3
    assert_array_equal(table["reference_rank"], ranks[0])
    assert (table["max_shift"] >= np.abs(ranks[1] - ranks[0])).all()


def test_refit_gives_each_constructions_elasticities():
    # the oracle: statsmodels OLS on logs of the construction's own indices,
    # built by CompositeIndex directly, zeros floored by hand
    import statsmodels.api as sm

    from sklearn_innov import CobbDouglasRegressor, CompositeIndex
    from sklearn_innov.datasets import PAPER_SPEC, make_sme_survey

    frame = make_sme_survey(random_state=0).frame
    result = index_sensitivity(frame, PAPER_SPEC, aggregate=("sum",))
    regressors = ["X1", "X2", "X3", "X4"]
    table = result.refit(
        CobbDouglasRegressor(zeros="floor"), "Y", regressors, positive_outcome=True
    )
    assert list(table.columns) == ["normalize", "aggregate", "weights"] + [
        *regressors,
        "note",
    ]
    for c, row in table.iterrows():
        if row["normalize"] == "zscore":
            # z-scores are negative: a log-log model refuses them, said so
            assert row[regressors].isna().all() and "Negative" in row["note"]
            continue
        if row["weights"] == "bod":
            # benefit of the doubt scores Y = 1 for every firm here (a
            # frontier), which leaves nothing to explain: refused and said
            if row["note"]:
                assert row[regressors].isna().all()
            continue
        weights = None if row["weights"] == "equal" else row["weights"]
        indices = CompositeIndex(
            spec=PAPER_SPEC, normalize=row["normalize"], weights=weights
        ).fit_transform(frame)
        keep = indices["Y"] > 0
        X = indices.loc[keep, regressors].to_numpy()
        half = np.array([col[col > 0].min() / 2 for col in X.T])
        X = np.where(X == 0, half, X)
        ref = sm.OLS(np.log(indices.loc[keep, "Y"]), sm.add_constant(np.log(X))).fit()
        assert_allclose(row[regressors].to_numpy(float), ref.params[1:], rtol=1e-8)
        assert row["note"] == ""


def test_refit_refuses_unknown_indices():
    from sklearn.linear_model import LinearRegression

    X = pd.DataFrame(np.random.default_rng(0).uniform(1, 5, size=(30, 4)))
    X.columns = ["a", "b", "c", "d"]
    result = index_sensitivity(X, {"A": ["a", "b"], "B": ["c", "d"]})
    with pytest.raises(ValueError, match="outcome 'Z' is not one of"):
        result.refit(LinearRegression(), "Z")
    with pytest.raises(ValueError, match="regressors must be other indices"):
        result.refit(LinearRegression(), "A", ["A"])
