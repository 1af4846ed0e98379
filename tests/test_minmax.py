import warnings

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.preprocessing import MinMaxScaler

from sklearn_innov import MinMaxIndexer
from sklearn_innov.exceptions import ConstantItemWarning


@pytest.mark.parametrize("feature_range", [(0.0, 1.0), (0.01, 1.0), (-2.0, 5.0)])
def test_observed_bounds_match_sklearn_minmaxscaler(rng, feature_range):
    X = rng.normal(size=(50, 4)) * [1, 10, 100, 0.1]
    ours = MinMaxIndexer(feature_range=feature_range).fit(X)
    ref = MinMaxScaler(feature_range=feature_range).fit(X)
    assert_allclose(ours.transform(X), ref.transform(X), rtol=1e-12, atol=1e-12)
    assert_allclose(ours.data_min_, ref.data_min_)
    assert_allclose(ours.data_max_, ref.data_max_)
    # new rows beyond the training range: clipped by default ("auto"), as
    # MinMaxScaler(clip=True) clips them
    X_new = rng.normal(size=(7, 4)) * 3
    ref = MinMaxScaler(feature_range=feature_range, clip=True).fit(X)
    assert_allclose(ours.transform(X_new), ref.transform(X_new), rtol=1e-12, atol=1e-12)


def test_lowest_firm_is_exactly_zero(rng):
    X = rng.uniform(1, 5, size=(30, 2))
    X_n = MinMaxIndexer().fit_transform(X)
    assert (X_n.min(axis=0) == 0.0).all()
    assert (X_n.max(axis=0) == 1.0).all()


def test_theoretical_bounds_closed_form():
    X = np.array([[2.0, 3.0], [4.0, 3.0]])
    X_n = MinMaxIndexer(bounds=(1, 5)).fit_transform(X)
    assert_allclose(X_n, (X - 1) / 4)
    # data_min_/data_max_ still report what was observed
    assert_array_equal(MinMaxIndexer(bounds=(1, 5)).fit(X).data_min_, [2.0, 3.0])


def test_bounds_mapping_fixes_some_columns_and_learns_the_rest(likert_survey):
    X = likert_survey[["q1", "q2", "b1"]]
    est = MinMaxIndexer(bounds={"q1": (1, 5), "q2": (0, 10)}).fit(X)
    X_n = est.transform(X)  # a DataFrame in, a DataFrame out, same names
    assert_allclose(X_n["q1"], (X["q1"] - 1) / 4)
    assert_allclose(X_n["q2"], X["q2"] / 10)
    b = X["b1"]
    assert_allclose(X_n["b1"], (b - b.min()) / (b.max() - b.min()))
    assert_allclose(est.bounds_[:2], [[1, 5], [0, 10]])


def test_bounds_mapping_by_position_on_arrays():
    X = np.array([[1.0, 10.0], [3.0, 20.0]])
    X_n = MinMaxIndexer(bounds={0: (0, 4)}).fit_transform(X)
    assert_allclose(X_n, [[0.25, 0.0], [0.75, 1.0]])


def test_unknown_bounds_key_names_it(likert_survey):
    with pytest.raises(ValueError, match="'nope'"):
        MinMaxIndexer(bounds={"nope": (1, 5)}).fit(likert_survey[["q1"]])


def test_constant_column_maps_to_lower_end_of_range():
    X = np.array([[3.0, 1.0], [3.0, 2.0], [3.0, 5.0]])
    with pytest.warns(
        ConstantItemWarning, match=r"column 0 \(always 3\) takes a single value"
    ):
        est = MinMaxIndexer(feature_range=(0.2, 1.0)).fit(X)
    X_n = est.transform(X)
    assert np.isfinite(X_n).all()
    assert_allclose(X_n[:, 0], 0.2)
    assert_allclose(X_n, MinMaxScaler(feature_range=(0.2, 1.0)).fit_transform(X))
    # other values at transform are outside the one-point range: clipped to it
    assert_allclose(est.transform(np.array([[5.0, 1.0], [1.0, 1.0]]))[:, 0], 0.2)


def test_constant_warning_points_at_the_callers_line():
    X = pd.DataFrame({"q1": [3.0, 3.0, 3.0], "q2": [1.0, 2.0, 5.0]})
    with pytest.warns(ConstantItemWarning, match=r"'q1' \(always 3\)") as record:
        MinMaxIndexer().fit(X)
    assert record[0].filename == __file__
    # no warning for a constant column whose range is declared
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        MinMaxIndexer(bounds={"q1": (1, 5)}).fit(X)


def test_nan_passes_through_and_is_ignored_for_bounds(rng):
    X = rng.normal(size=(20, 3))
    X[[1, 5], 0] = np.nan
    X[3, 2] = np.nan
    X_n = MinMaxIndexer().fit_transform(X)
    assert_array_equal(np.isnan(X_n), np.isnan(X))
    assert_allclose(X_n, MinMaxScaler().fit_transform(X), atol=1e-12)


def test_all_missing_column_needs_declared_bounds():
    X = np.array([[np.nan, 1.0], [np.nan, 2.0]])
    with pytest.raises(
        ValueError,
        match=r"for 1 column \(0\): every value is missing\. Declare its .* drop it\.$",
    ):
        MinMaxIndexer().fit(X)
    X_n = MinMaxIndexer(bounds={0: (1, 5)}).fit_transform(X)
    assert np.isnan(X_n[:, 0]).all()


def test_inverse_transform_round_trips(rng):
    X = rng.normal(size=(15, 3))
    est = MinMaxIndexer(feature_range=(0.1, 0.9)).fit(X)
    assert_allclose(est.inverse_transform(est.transform(X)), X, rtol=1e-12)


def test_values_outside_declared_bounds_raise_clip_or_become_missing():
    X = np.array([[1.0], [6.0], [3.0]])
    # an array's rows are counted from 1, values printed as plain numbers
    message = (
        r"column 0 is outside its declared bounds \[1, 5\] in 1 row "
        r"\(row 2 \(counting from 1\): 6\)\. Set out_of_range='clip'"
    )
    with pytest.raises(ValueError, match=message):
        MinMaxIndexer(bounds=(1, 5)).fit(X)
    fitted = MinMaxIndexer(bounds=(1, 5)).fit(X[[0, 2]])
    with pytest.raises(ValueError, match=message.replace("row 2", "row 1")):
        fitted.transform(X[[1]])
    X_n = MinMaxIndexer(bounds=(1, 5), out_of_range="clip").fit_transform(X)
    assert_allclose(X_n.ravel(), [0.0, 1.0, 0.5])
    X_n = MinMaxIndexer(bounds=(1, 5), out_of_range="nan").fit_transform(X)
    assert_allclose(X_n.ravel(), [0.0, np.nan, 0.5])


def test_out_of_range_messages_name_dataframe_rows_by_index():
    X = pd.DataFrame({"q1": [1.0, 2.0, 3.0]}, index=[10, 20, 30])
    est = MinMaxIndexer(out_of_range="error").fit(X)
    new = pd.DataFrame({"q1": [2.5, 9.0, -1.5]}, index=["a", "b", "c"])
    with pytest.raises(
        ValueError,
        match=r"'q1' is outside its training range \[1, 3\] in 2 rows "
        r"\(index 'b', 'c': 9, -1\.5\)",
    ) as info:
        est.transform(new)
    assert "np.float64" not in str(info.value) and "\n" not in str(info.value)


@pytest.mark.parametrize(
    "policy, expected",
    [
        ("auto", [0.0, 0.5, 1.0]),
        ("clip", [0.0, 0.5, 1.0]),
        ("nan", [np.nan, 0.5, np.nan]),
    ],
)
def test_new_rows_outside_the_training_range(policy, expected):
    est = MinMaxIndexer(out_of_range=policy).fit(np.array([[0.0], [1.0]]))
    out = est.transform(np.array([[-3.0], [0.5], [9.0]])).ravel()
    assert_allclose(out, expected)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"feature_range": (1.0, 0.0)}, "feature_range must satisfy low < high"),
        ({"bounds": (5, 1)}, "bounds must satisfy low < high"),
        ({"bounds": (1, 2, 3)}, "bounds must be a pair"),
    ],
)
def test_bad_ranges_are_named(kwargs, match):
    with pytest.raises(ValueError, match=match):
        MinMaxIndexer(**kwargs).fit(np.array([[1.0], [2.0]]))


def test_text_column_is_named_in_the_error(likert_survey):
    with pytest.raises(ValueError, match="'metro' is not numeric"):
        MinMaxIndexer().fit(likert_survey[["metro", "q1"]])


def test_infinite_value_is_named(likert_survey):
    X = likert_survey[["q1", "q2"]].astype(float)
    X.loc[3, "q2"] = np.inf
    with pytest.raises(ValueError, match=r"infinite values in column 'q2' \(1 row"):
        MinMaxIndexer().fit(X)


def test_pandas_output_keeps_names(likert_survey):
    X = likert_survey[["q1", "q2"]]
    out = MinMaxIndexer().set_output(transform="pandas").fit_transform(X)
    assert isinstance(out, pd.DataFrame)
    assert list(out.columns) == ["q1", "q2"]
    assert_array_equal(MinMaxIndexer().fit(X).get_feature_names_out(), ["q1", "q2"])


def test_a_range_that_overflows_is_still_normalised():
    """hi - lo = 2e308 overflows; the map is computed on halves (exact)."""
    X = np.array([[-1e308, 1.0], [0.0, 2.0], [1e308, 3.0]])
    out = MinMaxIndexer().fit_transform(X)
    # closed form: (x - lo) / (hi - lo) = (x/2 - lo/2) / (hi/2 - lo/2)
    assert_allclose(out, [[0.0, 0.0], [0.5, 0.5], [1.0, 1.0]], rtol=0, atol=0)


@pytest.mark.parametrize("span", [5e-324, 1e-305])
def test_tiny_span_does_not_overflow(span):
    """A nonzero span near 0: far-away values are clipped first (no warning)."""
    X = np.array([[span, 1.0], [0.0, 0.0]])
    out = MinMaxIndexer().fit(X).transform(np.full((1, 2), 1e4))
    assert_allclose(out, [[1.0, 1.0]])  # above the range: clipped to the top


@pytest.mark.parametrize("n", [0, 1, 63, 64, 65, 1000, 4097])
@pytest.mark.parametrize("order", ["C", "F", "strided"])
def test_column_range_folding_is_numpys_min_and_max(n, order):
    # the folded reduction on row-major arrays (n divisible by the fold or
    # not, shorter than it, empty) against NumPy's own column min and max
    from sklearn_innov._core._moments import column_range

    rng = np.random.default_rng(n)
    X = rng.normal(size=(2 * n if order == "strided" else n, 7)) * 10.0 ** rng.integers(
        -200, 200, size=7
    )
    X = X[::2] if order == "strided" else np.asarray(X, order=order)
    if n == 0:
        with pytest.raises(ValueError):
            column_range(X)
        return
    low, high = column_range(X)
    assert_array_equal(low, X.min(axis=0))
    assert_array_equal(high, X.max(axis=0))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConstantItemWarning)  # n == 1: constant
        fitted = MinMaxIndexer().fit(X)
    assert_array_equal(fitted.data_min_, X.min(axis=0))
    assert_array_equal(fitted.data_max_, X.max(axis=0))


@pytest.mark.parametrize("n", [1, 63, 64, 65, 4097])
@pytest.mark.parametrize("order", ["C", "F", "strided"])
def test_by_columns_folding_is_plain_broadcasting(n, order):
    from sklearn_innov._core._moments import by_columns

    rng = np.random.default_rng(n)
    X = rng.normal(size=(2 * n if order == "strided" else n, 5))
    X = X[::2] if order == "strided" else np.asarray(X, order=order)
    v = rng.normal(size=5)
    for op in (np.subtract, np.divide):
        assert_array_equal(by_columns(op, X, v), op(X, v))
        out = X.copy()
        assert by_columns(op, out, v, out=out) is out
        assert_array_equal(out, op(X, v))


def test_clip_is_deprecated_for_out_of_range():
    # clip=True was the option before out_of_range: it still works, and warns
    X = np.array([[1.0], [5.0], [3.0]])
    with pytest.warns(FutureWarning, match="out_of_range='clip'"):
        old = MinMaxIndexer(clip=True).fit(X)
    new = MinMaxIndexer(out_of_range="clip").fit(X)
    test = np.array([[0.0], [9.0]])
    np.testing.assert_array_equal(old.transform(test), new.transform(test))
    np.testing.assert_array_equal(old.transform(test), [[0.0], [1.0]])
