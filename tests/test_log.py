import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.pipeline import make_pipeline

from sklearn_innov import LogTransform
from sklearn_innov.exceptions import NonPositiveWarning
from sklearn_innov.preprocessing._log import LogArray


@pytest.mark.parametrize("offset", [0.0, 1.0, 0.25])
def test_equals_numpy_log(positive_array, offset):
    out = LogTransform(offset=offset).fit_transform(positive_array)
    assert_allclose(out, np.log(positive_array + offset), rtol=1e-15)


def test_inverse_round_trips(positive_array):
    est = LogTransform(offset=0.5).fit(positive_array)
    assert_allclose(
        est.inverse_transform(est.transform(positive_array)), positive_array
    )


def test_zero_raises_naming_column_rows_and_fix():
    X = pd.DataFrame({"X1": [0.0, 0.5, 1.0], "X2": [0.3, 0.0, 0.0]})
    with pytest.raises(ValueError) as exc:
        LogTransform().fit(X)
    message = str(exc.value)
    assert "'X1', 'X2'" in message
    assert "in 3 rows of 2 columns ('X1', 'X2');" in message
    assert "offset" in message and "feature_range" in message


def test_negative_values_are_called_negative():
    with pytest.raises(ValueError, match="Negative values in data"):
        LogTransform().fit(np.array([[-1.0], [2.0]]))


def test_nan_policy_warns_and_returns_nan():
    X = np.array([[0.0, 1.0], [2.0, np.e]])
    with pytest.warns(NonPositiveWarning, match=r"in 1 row of 1 column \(0\), NaN\.$"):
        out = LogTransform(on_nonpositive="nan").fit_transform(X)
    assert_allclose(out, [[np.nan, 0.0], [np.log(2.0), 1.0]])


def test_clip_policy_uses_half_the_smallest_positive_value():
    X = np.array([[0.0], [0.4], [2.0]])
    est = LogTransform(on_nonpositive="clip").fit(X)  # nothing clipped yet
    assert_allclose(est.floor_, [0.2])
    with pytest.warns(NonPositiveWarning):
        out = est.transform(X)
    assert_allclose(out.ravel(), np.log([0.2, 0.4, 2.0]))


def test_clip_without_positive_values_raises():
    with pytest.raises(ValueError, match="no positive value was seen at fit"):
        LogTransform(on_nonpositive="clip").fit(np.array([[0.0], [0.0]]))


def test_missing_values_pass_through_silently():
    X = np.array([[np.nan], [1.0]])
    out = LogTransform().fit_transform(X)
    assert np.isnan(out[0, 0]) and out[1, 0] == 0.0


def test_pandas_output_names_say_what_the_columns_hold(positive_array):
    X = pd.DataFrame(positive_array, columns=["X1", "X2", "X3"])
    out = LogTransform().set_output(transform="pandas").fit_transform(X)
    assert list(out.columns) == ["ln(X1)", "ln(X2)", "ln(X3)"]
    assert_array_equal(
        LogTransform(offset=1.0).fit(X).get_feature_names_out(),
        ["ln(1 + X1)", "ln(1 + X2)", "ln(1 + X3)"],
    )
    assert_array_equal(
        LogTransform(offset=0.5).fit(positive_array).get_feature_names_out(),
        ["ln(0.5 + x0)", "ln(0.5 + x1)", "ln(0.5 + x2)"],
    )
    with pytest.raises(ValueError, match="input_features is not equal"):
        LogTransform().fit(X).get_feature_names_out(["a", "b", "c"])


def test_clip_floor_never_underflows_to_zero():
    """Half of the smallest subnormal is 0 in float64: keep the value itself."""
    X = np.array([[5e-324], [0.0], [1.0]])
    with pytest.warns(NonPositiveWarning):
        out = LogTransform(on_nonpositive="clip").fit_transform(X)
    assert np.isfinite(out).all()
    assert out[1, 0] == out[0, 0] == pytest.approx(np.log(5e-324))


@pytest.mark.parametrize("policy", ["nan", "clip"])
def test_warns_once_per_call_at_the_callers_line(policy):
    X = pd.DataFrame({"X1": [0.0, 0.5, 1.0], "X2": [0.3, 0.0, 2.0]})
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        LogTransform(on_nonpositive=policy).fit_transform(X)
        # Pipeline.fit calls fit_transform on a step, through scikit-learn
        make_pipeline(LogTransform(on_nonpositive=policy), "passthrough").fit(X)
        fitted = LogTransform(on_nonpositive=policy).fit(X)  # nothing changed yet
        fitted.set_output(transform="pandas").transform(X)
    assert [w.category for w in record] == [NonPositiveWarning] * 3
    for w in record:
        assert w.filename == __file__, w.filename
        assert len(str(w.message)) < 100, str(w.message)
        assert "in 2 rows of 2 columns ('X1', 'X2')," in str(w.message)


def test_output_is_marked_as_logged_until_changed(positive_array):
    out = LogTransform().fit_transform(positive_array)
    assert isinstance(out, LogArray)
    assert isinstance(out[:5], LogArray) and isinstance(out.copy(), LogArray)
    # arithmetic gives plain values: they are no longer the logged ones
    for changed in (np.exp(out), out * 1.0, out + 0.0, out.sum(axis=0)):
        assert type(changed) is np.ndarray
    again = pickle.loads(pickle.dumps(out))
    assert isinstance(again, LogArray)
    assert_array_equal(again, out)


def test_error_message_is_in_neutral_words():
    with pytest.raises(ValueError) as exc:
        LogTransform().fit(np.array([[0.0], [1.0]]))
    assert "innovator" not in str(exc.value) and "firm" not in str(exc.value)
