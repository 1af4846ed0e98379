"""ReplicateFitError: a jackknife replicate that cannot be estimated is a
typed error naming the PSU, the stratum and the estimator, and the report
reads those attributes, not the message's text (issue 28, item 3)."""

import pickle

import numpy as np
import pandas as pd
import pytest
from test_report_design import LABELS, OPTIONS, _one_psu_design, _two_part_data

from sklearn_innov import CobbDouglasRegressor, StepwiseLogit
from sklearn_innov.exceptions import ReplicateFitError, SpecError
from sklearn_innov.report._analysis import (
    _jackknife_named,
    _two_part,
    design_fit_params,
    jackknife_failure,
)

# every positive answer in one PSU (7, stratum 'north'): the replicate that
# deletes it leaves one class, so the logit is undefined there
ROWS = np.array([3, 11, 19, 27, 35, 43])


def _one_class_replicate():
    X, _ = _two_part_data(0, seed=4)
    target = pd.Series(0, index=X.index, name="joined")
    target.iloc[ROWS] = 1
    frame, design = _one_psu_design(ROWS)
    return X, target, design_fit_params(frame, design, X.index)


def test_the_jackknife_raises_a_typed_error_naming_the_psu_and_the_model():
    X, target, params = _one_class_replicate()
    logit = StepwiseLogit(cov_type="survey", survey_variance="jackknife")
    with pytest.raises(ReplicateFitError) as caught:
        logit.fit(X, target, **params)
    error = caught.value
    assert isinstance(error, ValueError)  # old `except ValueError` still catch it
    assert (error.estimator, error.psu, error.stratum) == ("StepwiseLogit", 7, "north")
    assert error.replicate == "the replicate that deletes PSU 7 of stratum 'north'"
    assert error.reason == (
        "cannot be estimated: its rows with positive weight all have one class, "
        "so the logit is undefined."
    )
    # the message a Python user reads keeps the Python fix
    assert str(error) == (
        f"StepwiseLogit(survey_variance='jackknife'): {error.replicate} "
        f"{error.reason} Use survey_variance='linearization'."
    )
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.estimator, copy.psu, copy.stratum, copy.reason, str(copy)) == (
        error.estimator,
        error.psu,
        error.stratum,
        error.reason,
        str(error),
    )


def test_a_collinear_replicate_of_the_cobb_douglas_is_typed_too():
    # B varies only within PSU 7: deleting it leaves B constant, collinear
    # with the intercept
    X, y = _two_part_data(0, seed=5)
    X["B"] = 0.5
    X.iloc[ROWS, X.columns.get_loc("B")] = np.linspace(0.2, 0.9, ROWS.size)
    frame, design = _one_psu_design(ROWS)
    model = CobbDouglasRegressor(cov_type="survey", survey_variance="jackknife")
    with pytest.raises(ReplicateFitError) as caught:
        model.fit(X, y, **design_fit_params(frame, design, X.index))
    error = caught.value
    assert (error.estimator, error.psu, error.stratum) == (
        "CobbDouglasRegressor",
        7,
        "north",
    )
    assert error.reason.startswith("leaves the regressors collinear")
    assert "survey_variance" not in error.reason


def test_the_report_reads_the_error_not_its_text():
    # a typed error whose message the old regex could not parse is still read
    error = ReplicateFitError(
        "a message in no particular form",
        estimator="CobbDouglasRegressor",
        replicate="the replicate that deletes PSU 'b'",
        reason="gives a non-finite estimate.",
        psu="b",
    )
    assert jackknife_failure(error) == (
        "its Cobb-Douglas of the positive outcomes has no jackknife variance "
        'under [design] variance = "jackknife": the replicate that deletes PSU '
        "'b' gives a non-finite estimate."
    )
    # and a plain ValueError worded like the jackknife's is not a failed replicate
    lookalike = ValueError(
        "StepwiseLogit(survey_variance='jackknife'): the replicate that deletes "
        "PSU 7 gives a non-finite estimate."
    )
    assert jackknife_failure(lookalike) is None


def test_the_report_turns_the_typed_error_into_the_spec_s_words():
    X, target, params = _one_class_replicate()
    logit = StepwiseLogit(cov_type="survey", survey_variance="jackknife")
    with pytest.raises(SpecError, match="^The stepwise logit of joined has no"):
        with _jackknife_named("The stepwise logit of joined"):
            logit.fit(X, target, **params)
    # the two-part model: not shown, the rest of the report kept
    X, y = _two_part_data(0, seed=3, zero_rows=ROWS)
    frame, design = _one_psu_design(ROWS)
    model, skip, _, _ = _two_part(X, y, OPTIONS, LABELS, design, frame)
    assert model is None
    assert skip.startswith(
        "Two-part model not shown: its participation logit has no jackknife "
        'variance under [design] variance = "jackknife": the replicate that '
        "deletes PSU 7 of stratum 'north' cannot be estimated"
    )
