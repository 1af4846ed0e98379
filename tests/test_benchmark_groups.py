"""Folds that keep a clustered sample's PSUs whole, and the benchmark's
number formats (issue 28's user run on mlmRev Hsb82: 7,185 students in 160
schools, [design] cluster = "school", scored on row folds that split every
school between training and test)."""

import pickle

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedGroupKFold, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_innov.datasets import PAPER_SPEC, make_sme_survey
from sklearn_innov.exceptions import SklearnInnovWarning, SpecError
from sklearn_innov.model_selection import (
    BenchmarkResult,
    benchmark_from_spec,
    run_benchmark,
)
from sklearn_innov.model_selection._benchmark import _RepeatedStratifiedGroupKFold

MODELS = {
    "logit": make_pipeline(StandardScaler(), LogisticRegression()),
    "prior": DummyClassifier(),
}


def _logit():
    return make_pipeline(StandardScaler(), LogisticRegression())


@pytest.fixture(scope="module")
def clustered():
    """200 PSUs of 3 to 30 rows, the event's odds shared within a PSU."""
    rng = np.random.default_rng(7)
    sizes = rng.integers(3, 31, size=200)
    groups = np.repeat(np.arange(200), sizes)
    effect = rng.normal(0.0, 1.0, 200)[groups]
    X = rng.normal(size=(groups.size, 2)) + effect[:, None] * 0.5
    p = 1 / (1 + np.exp(-(effect + X[:, 0] - 0.3)))
    y = (rng.uniform(size=groups.size) < p).astype(int)
    return X, y, groups


def _shuffled_group_folds(X, y, groups, seed):
    """``StratifiedGroupKFold(5, shuffle=True, random_state=seed)`` as
    scikit-learn 1.7 fixed it."""
    import sklearn

    if tuple(int(v) for v in sklearn.__version__.split(".")[:2]) >= (1, 7):
        cv = StratifiedGroupKFold(5, shuffle=True, random_state=int(seed))
        return list(cv.split(X, y, groups))
    labels, codes = np.unique(groups, return_inverse=True)
    perm = np.arange(len(labels))
    np.random.RandomState(int(seed)).shuffle(perm)
    inverse = np.empty_like(perm)
    inverse[perm] = np.arange(len(perm))
    return list(StratifiedGroupKFold(5).split(X, y, inverse[codes]))


def _splits(X, y, groups, repeats=2, folds=5, random_state=0):
    cv = _RepeatedStratifiedGroupKFold(
        n_splits=folds, n_repeats=repeats, random_state=random_state
    )
    return list(cv.split(X, y, groups))


def test_no_psu_is_in_both_the_training_and_the_test_rows(clustered):
    X, y, groups = clustered
    splits = _splits(X, y, groups)
    assert len(splits) == 10
    for repeat in range(2):
        tested = np.concatenate(
            [test for _, test in splits[5 * repeat : 5 * repeat + 5]]
        )
        # each repeat tests every row once
        assert_array_equal(np.sort(tested), np.arange(len(y)))
    for train, test in splits:
        assert not set(groups[train]) & set(groups[test])


def test_repeats_differ_and_the_same_random_state_gives_the_same_folds(clustered):
    X, y, groups = clustered
    first, again = _splits(X, y, groups), _splits(X, y, groups)
    for (a_train, a_test), (b_train, b_test) in zip(first, again, strict=True):
        assert_array_equal(a_test, b_test)
        assert_array_equal(a_train, b_train)
    # the test PSUs of repeat 1's folds are not those of repeat 0's
    folds_of = [
        {frozenset(groups[test]) for _, test in first[5 * r : 5 * r + 5]}
        for r in range(2)
    ]
    assert folds_of[0] != folds_of[1]
    other = _splits(X, y, groups, random_state=1)
    assert any(
        not np.array_equal(a[1], b[1]) for a, b in zip(first, other, strict=True)
    )


def test_folds_are_stratified_on_the_target_as_far_as_the_groups_allow(clustered):
    X, y, groups = clustered
    share = y.mean()
    for _, test in _splits(X, y, groups):
        # 200 PSUs in 5 folds: each fold's event share within 2 points
        assert abs(y[test].mean() - share) < 0.02
    # row folds drawn without the groups would do no better than this; the
    # tolerance is not met by chance alone: unstratified group folds miss it
    from sklearn.model_selection import GroupKFold

    misses = [
        abs(y[test].mean() - share)
        for seed in range(5)
        for _, test in GroupKFold(5, shuffle=True, random_state=seed).split(
            X, y, groups
        )
    ]
    assert max(misses) > 0.02


def test_groups_scores_equal_cross_validate_on_the_same_splits(clustered):
    X, y, groups = clustered
    cv = StratifiedGroupKFold(n_splits=4, shuffle=True, random_state=3)
    result = run_benchmark(
        X, y, groups=groups, cv=cv, models=MODELS, reference="prior", progress=False
    )
    oracle = cross_validate(_logit(), X, y, groups=groups, cv=cv, scoring="roc_auc")
    ours = result.scores.loc[result.scores["model"] == "logit", "roc_auc"]
    assert_allclose(ours.to_numpy(), oracle["test_score"], rtol=0, atol=1e-12)
    assert "4 splits of StratifiedGroupKFold" in result.description


def test_default_cv_with_groups_is_repeated_stratified_group_folds(clustered):
    X, y, groups = clustered
    # 40 PSUs: 50 fits of two models stay fast
    X, y, groups = X[groups < 40], y[groups < 40], groups[groups < 40]
    result = run_benchmark(
        X, y, groups=groups, models=MODELS, random_state=0, progress=False
    )
    # the definition: one seed per repeat drawn from random_state, each a
    # shuffled StratifiedGroupKFold(5): scikit-learn's own from 1.7 on; on
    # 1.6, whose shuffle mixed up the groups' counts, its fix written out
    seeds = np.random.RandomState(0).randint(np.iinfo(np.int32).max, size=10)
    splits = [
        split for seed in seeds for split in _shuffled_group_folds(X, y, groups, seed)
    ]
    oracle = cross_validate(_logit(), X, y, cv=splits, scoring="roc_auc")["test_score"]
    ours = result.scores.loc[result.scores["model"] == "logit"]
    assert_allclose(ours["roc_auc"].to_numpy(), oracle, rtol=0, atol=1e-12)
    assert ours["repeat"].tolist() == np.repeat(np.arange(10), 5).tolist()
    assert "10 x 5-fold CV with each group (groups=) whole in one fold" in (
        result.description
    )
    # the t-test's sizes in rows: the smallest test fold, the largest training
    assert result.n_test == min(len(test) for _, test in splits)
    assert result.n_train == max(len(train) for train, _ in splits)
    assert f"({result.n_test:,} / {result.n_train:,})" in result.description
    restored = pickle.loads(pickle.dumps(result))
    pd.testing.assert_frame_equal(restored.scores, result.scores)
    pd.testing.assert_frame_equal(restored.table(), result.table())
    assert restored.description == result.description


def test_a_cv_that_ignores_groups_says_so(clustered):
    X, y, groups = clustered
    with pytest.warns(SklearnInnovWarning, match=r"cv \(StratifiedKFold\) ignores"):
        result = run_benchmark(
            X, y, groups=groups, cv=3, models=MODELS, reference="prior", progress=False
        )
    assert "The cv (StratifiedKFold) ignores groups=" in result.description
    # the folds are stratified k-fold's on rows, as cross_validate's with cv=3
    oracle = cross_validate(_logit(), X, y, cv=3, scoring="roc_auc")["test_score"]
    ours = result.scores.loc[result.scores["model"] == "logit", "roc_auc"]
    assert_allclose(ours.to_numpy(), oracle, rtol=0, atol=1e-12)


def test_groups_of_the_wrong_length_or_missing_are_refused(clustered):
    X, y, groups = clustered
    with pytest.raises(ValueError, match="one label per row of X"):
        run_benchmark(X, y, groups=groups[:-1], models=MODELS, progress=False)
    holed = groups.astype(float)
    holed[[4, 9]] = np.nan
    with pytest.raises(ValueError, match=r"missing at 2 rows \(positions \[4, 9\]\)"):
        run_benchmark(X, y, groups=holed, models=MODELS, progress=False)


def _document(**design):
    return {
        "indices": PAPER_SPEC,
        "model": {"outcome": "Y", "target": "innovated"},
        "design": design,
    }


def _survey():
    frame = make_sme_survey(random_state=0).frame
    # 25 PSUs of about five firms, in two strata
    psu = np.arange(len(frame)) % 25
    return frame.assign(psu=psu, stratum=psu % 2)


def test_spec_cluster_keeps_each_psu_whole_and_says_so():
    frame = _survey()
    document = _document(strata="stratum", cluster="psu")
    result = benchmark_from_spec(
        frame, document, repeats=2, folds=3, models=MODELS, reference="prior"
    )
    text = result.description
    assert (
        "2 x 3-fold CV with each psu (the [design] cluster) whole in one fold, "
        "stratified on the target as far as the clusters allow, the same folds "
        "for every model." in text
    )
    assert "not drawn within the [design] strata 'stratum'" in text
    assert "counted in rows" in text
    X = frame[[i for k, v in PAPER_SPEC.items() if k != "Y" for i in v]]
    splits = _splits(X, frame["innovated"], frame["psu"].to_numpy(), 2, 3)
    for train, test in splits:
        assert not set(frame["psu"].iloc[train]) & set(frame["psu"].iloc[test])
    # the result's scores are those of these folds
    oracle = cross_validate(
        _logit(), X, frame["innovated"], cv=splits, scoring="roc_auc"
    )["test_score"]
    ours = result.scores.loc[result.scores["model"] == "logit", "roc_auc"]
    assert_allclose(ours.to_numpy(), oracle, rtol=0, atol=1e-12)


def test_spec_strata_alone_keep_row_folds_and_say_so():
    result = benchmark_from_spec(
        _survey(),
        _document(strata="stratum"),
        repeats=1,
        folds=3,
        models=MODELS,
        reference="prior",
    )
    assert "1 x 3-fold stratified CV, the folds drawn on rows" in result.description
    assert "Each row is its own PSU (no [design] cluster)" in result.description


def test_fewer_psus_than_folds_is_a_spec_error():
    frame = _survey().assign(psu=lambda f: np.arange(len(f)) % 3)
    message = r"hold 3 clusters for 5 folds; lower --folds to 3 or fewer"
    with pytest.raises(SpecError, match=message):
        benchmark_from_spec(frame, _document(cluster="psu"), repeats=1, folds=5)


def _rendered(result):
    text = result.summary().as_text()
    return text[: text.index("Notes")]


def test_tables_print_fixed_decimals_and_noise_as_zero():
    scores = pd.DataFrame(
        {
            "model": ["a"] * 3 + ["b"] * 3,
            "repeat": [0] * 6,
            "fold": [0, 1, 2] * 2,
            # b: equal scores reached by different float paths (noise)
            "roc_auc": [0.70, 0.7031, 0.7062, 0.1 * 3, 0.3, 0.6 / 2],
            "accuracy": [0.75, 0.7502, 0.7507, 0.75, 0.75, 0.75],
        }
    )
    result = BenchmarkResult(scores, 200, 100, "Data: 300 rows.", reference="a")
    table = result.table()
    assert table.loc["b", "roc_auc std"] == 0.0
    assert np.std([0.1 * 3, 0.3, 0.6 / 2], ddof=1) > 0  # the noise it hides
    text = _rendered(result)
    assert "e-0" not in text and "e+" not in text
    a_std = np.std([0.75, 0.7502, 0.7507], ddof=1)  # 3.6e-04
    assert f"{a_std:.4f}" == "0.0004" and "0.0004" in text
    assert f"{np.std([0.70, 0.7031, 0.7062], ddof=1):.4f}" in text


def test_description_counts_have_thousands_separators():
    frame = make_sme_survey(random_state=0).frame
    big = pd.concat([frame] * 9, ignore_index=True)  # 1,143 rows
    big.attrs["source"] = "survey.csv"
    document = {"indices": PAPER_SPEC, "model": {"outcome": "Y", "target": "innovated"}}
    result = benchmark_from_spec(
        big, document, repeats=1, folds=3, models=MODELS, reference="prior"
    )
    assert f"Data: survey.csv, {len(big):,} rows." in result.description
    assert f"0 of {len(big):,} rows have one or more" in result.description
    text = result.summary().as_text()
    assert "e-1" not in text and "e-0" not in text
