"""Property-based tests (hypothesis): invariants that must hold for any data."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from numpy.testing import assert_allclose

from sklearn_innov import (
    CobbDouglasRegressor,
    CompositeIndex,
    MinMaxIndexer,
    StepwiseLogit,
)

FAST = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)
# generated data often hold a constant column, which the library rightly
# warns about (tests/test_bad_input.py checks that warning): the invariants
# below hold with or without it
CONSTANT_ITEMS = pytest.mark.filterwarnings(
    "ignore::sklearn_innov.exceptions.ConstantItemWarning"
)


@CONSTANT_ITEMS
@FAST
@given(
    X=arrays(
        np.float64, st.tuples(st.integers(2, 30), st.integers(1, 4)), elements=finite
    ),
    low=st.floats(-10, 10),
    width=st.floats(0.1, 10),
)
def test_minmax_output_stays_inside_feature_range(X, low, width):
    feature_range = (low, low + width)
    out = MinMaxIndexer(feature_range=feature_range).fit_transform(X)
    slack = 1e-9 * (1 + abs(low) + width)
    assert np.isfinite(out).all()
    assert (out >= feature_range[0] - slack).all() and (
        out <= feature_range[1] + slack
    ).all()


@CONSTANT_ITEMS
@FAST
@given(
    X=arrays(np.float64, st.tuples(st.integers(2, 30), st.just(4)), elements=finite),
    new=arrays(np.float64, st.tuples(st.integers(1, 10), st.just(4)), elements=finite),
)
def test_minmax_clip_keeps_new_data_inside_range(X, new):
    est = MinMaxIndexer(out_of_range="clip").fit(X)
    out = est.transform(new)
    assert (out >= 0).all() and (out <= 1).all()


likert = arrays(
    np.int64, st.tuples(st.integers(3, 40), st.just(5)), elements=st.integers(1, 5)
)


@CONSTANT_ITEMS
@FAST
@given(
    X=likert, order=st.permutations(range(3)), rows=st.randoms(use_true_random=False)
)
def test_composite_index_invariant_to_item_and_row_order(X, order, rows):
    frame = pd.DataFrame(X, columns=list("abcde"))
    items = ["a", "b", "c"]
    spec = {"I": items, "J": ["d", "e"]}
    permuted = {"I": [items[i] for i in order], "J": ["e", "d"]}
    out = CompositeIndex(spec=spec).fit_transform(frame).to_numpy()
    assert_allclose(CompositeIndex(spec=permuted).fit_transform(frame), out, atol=1e-12)
    perm = np.arange(len(frame))
    rows.shuffle(perm)
    shuffled = CompositeIndex(spec=spec).fit_transform(frame.iloc[perm])
    assert_allclose(shuffled.to_numpy(), out[perm], atol=1e-12)


@FAST
@given(
    coef=arrays(np.float64, 3, elements=st.floats(-1.5, 1.5)),
    intercept=st.floats(-3, 3),
    scale=st.floats(0.01, 100),
    seed=st.integers(0, 2**16),
)
def test_cobb_douglas_noise_free_recovery_and_scale_invariance(
    coef, intercept, scale, seed
):
    assume(np.abs(coef).max() > 0.05)  # all-zero elasticities: y is constant (refused)
    rng = np.random.default_rng(seed)
    X = rng.uniform(0.5, 20, size=(25, 3))
    y = np.exp(intercept + np.log(X) @ coef)
    model = CobbDouglasRegressor().fit(X, y)
    assert_allclose(model.coef_, coef, atol=1e-8)
    assert_allclose(model.intercept_, intercept, atol=1e-8)
    scaled = CobbDouglasRegressor().fit(X * scale, y)
    # ln(sX) = ln s + ln X: only the intercept moves, by -sum(b) ln s
    assert_allclose(scaled.coef_, model.coef_, atol=1e-8)
    assert_allclose(
        scaled.intercept_, model.intercept_ - coef.sum() * np.log(scale), atol=1e-7
    )


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**16), order=st.permutations(range(5)))
def test_stepwise_selection_invariant_to_column_order(seed, order):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(rng.normal(size=(200, 5)), columns=list("vwxyz"))
    eta = 0.8 * X["v"] - 0.6 * X["x"] + 0.2 * X["z"]
    y = (rng.random(200) < 1 / (1 + np.exp(-eta))).astype(int)
    a = StepwiseLogit().fit(X, y)
    b = StepwiseLogit().fit(X.iloc[:, list(order)], y)
    assert set(a.selected_features_) == set(b.selected_features_)
    for name in a.selected_features_:
        assert_allclose(
            a.coef_table_.loc[name, "coef"], b.coef_table_.loc[name, "coef"], rtol=1e-7
        )


CONFIGS = [
    {"fit_intercept": fi, "cov_type": ct, "bounds": bd, "returns_to_scale": rts}
    for fi in (True, False)
    for ct in ("nonrobust", "HC3")
    for bd, rts in (
        (None, None),
        ((0, 1), None),
        (None, "decreasing"),
        (None, "constant"),
    )
]


@pytest.mark.filterwarnings("ignore::sklearn_innov.exceptions.SklearnInnovWarning")
@pytest.mark.parametrize(
    "config", CONFIGS, ids=lambda c: "-".join(map(str, c.values()))
)
@settings(max_examples=5, deadline=None)
@given(seed=st.integers(0, 2**16))
def test_summary_renders_for_every_configuration(config, seed):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(rng.uniform(0.5, 5, size=(40, 3)), columns=["X1", "X2", "X3"])
    y = np.exp(0.3 + np.log(X) @ [0.7, -0.2, 0.6] + rng.normal(0, 0.2, 40))
    summary = CobbDouglasRegressor(**config).fit(X, y).summary()
    for render in (
        summary.as_text,
        summary.as_markdown,
        summary.as_html,
        summary.as_latex,
    ):
        assert "X1" in render()
