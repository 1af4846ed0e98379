"""CompositeIndex.n_complete_: each index's complete rows counted as rows
under weights, so the report reads them instead of refitting to count
(issue 28, item 4)."""

import warnings

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from sklearn_innov import CompositeIndex
from sklearn_innov.report import _analysis

SPEC = {"A": ["a1", "a2", "a3"], "B": ["b1", "b2"], "C": ["c1"]}


@pytest.fixture
def survey():
    rng = np.random.default_rng(11)
    n = 60
    frame = pd.DataFrame(
        rng.integers(1, 6, size=(n, 6)).astype(float),
        columns=["a1", "a2", "a3", "b1", "b2", "c1"],
        index=pd.RangeIndex(500, 500 + n),
    )
    frame.iloc[[1, 4, 9, 20], 0] = np.nan  # a1
    frame.iloc[[4, 7], 2] = np.nan  # a3 (row 4 twice)
    frame.iloc[[3, 33, 50], 4] = np.nan  # b2
    # probability-like weights, three of them zero (rows 7, 33, 40)
    weights = rng.uniform(0.3, 4.7, n)
    weights[[7, 33, 40]] = 0.0
    return frame, weights


def _fit(frame, **fit_params):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # missing answers: not this test's subject
        return CompositeIndex(spec=SPEC, missing="nan").fit(frame, **fit_params)


def test_n_complete_counts_the_rows_answering_every_item_under_weights(survey):
    frame, weights = survey
    composite = _fit(frame, sample_weight=weights)
    kept = frame[weights > 0]  # a row of weight 0 is left out of the fit
    # oracle: pandas' listwise deletion, row by row
    expected = {name: len(kept[items].dropna()) for name, items in SPEC.items()}
    assert expected == {"A": 53, "B": 55, "C": 57}  # the fixture does what it says
    assert composite.n_complete_.to_dict() == expected
    assert composite.n_complete_.dtype == np.int64
    assert list(composite.n_complete_.index) == list(composite.reliability_.index)
    # beside it, the weighted count is the total weight of the same rows
    for name, items in SPEC.items():
        complete = frame[items].notna().all(axis=1).to_numpy() & (weights > 0)
        assert_allclose(
            composite.reliability_.loc[name, "n_complete"],
            weights[complete].sum(),
            rtol=1e-12,
        )
    # rescaling the weights changes the weighted count, not the rows
    assert _fit(frame, sample_weight=7.5 * weights).n_complete_.equals(
        composite.n_complete_
    )


def test_without_weights_both_counts_agree(survey):
    frame, _ = survey
    composite = _fit(frame)
    expected = [len(frame[items].dropna()) for items in SPEC.values()]
    assert composite.n_complete_.tolist() == expected
    assert composite.reliability_["n_complete"].tolist() == expected


def test_the_report_reads_the_count_and_fits_nothing(survey, monkeypatch):
    frame, weights = survey
    composite = _fit(frame, sample_weight=weights)

    def no_refit(*args, **kwargs):
        raise AssertionError("reliability_table refitted the composite")

    monkeypatch.setattr(CompositeIndex, "fit", no_refit)
    table = _analysis.reliability_table(composite, weights)
    assert table["n_complete"].to_dict() == {"A": 53, "B": 55, "C": 57}
    assert_allclose(table["weighted_n"], composite.reliability_["n_complete"])


def test_n_complete_survives_a_pickle_round_trip(survey):
    import pickle

    frame, weights = survey
    composite = _fit(frame, sample_weight=weights)
    restored = pickle.loads(pickle.dumps(composite))
    assert restored.n_complete_.equals(composite.n_complete_)
