"""Small wording of the report that a new user found odd (issue 28, item 7).

A user's labels keep their case (a sentence never starts with one); the benchmark is
titled by its target, with the event in the spec's words; a blank reliability
cell says why; the influence curve does not extrapolate below the ln 0
floor, and its caption says where it starts.
"""

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from sklearn.dummy import DummyClassifier

from sklearn_innov import CobbDouglasRegressor, CompositeIndex
from sklearn_innov.diagnostics import cronbach_alpha, mcdonald_omega
from sklearn_innov.model_selection import benchmark_from_spec
from sklearn_innov.report._replicate import (
    _floor_caption,
    _limitations,
    _reliability_reading,
)

LABELS = {"unit": "respondent", "units": "respondents"}


def test_a_user_s_label_keeps_its_case_and_does_not_start_a_sentence():
    # issue 28: "wage76" was printed "Wage76"; a label is never recapitalised
    lines = _limitations({"human": ["a"], "wage76": ["b"]}, "wage76", LABELS, False)
    text = " ".join(lines["What this report cannot show"])
    assert "The outcome wage76 may drive the indices rather than the reverse" in text
    assert "Wage76" not in text


def test_the_residual_figure_names_the_user_s_outcome():
    from sklearn_innov.report import residual_plots

    rng = np.random.default_rng(2)
    X = pd.DataFrame(np.exp(rng.normal(size=(40, 2))), columns=["human", "exp"])
    y = np.exp(0.3 * np.log(X["human"]) + rng.normal(scale=0.1, size=40))
    figure = residual_plots(CobbDouglasRegressor().fit(X, y), X, "wage76")
    assert figure.axes[0].get_xlabel() == "fitted ln wage76"
    import matplotlib.pyplot as plt

    plt.close(figure)


def test_the_benchmark_is_titled_by_its_target_and_the_spec_s_event():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.integers(1, 6, size=(60, 3)), columns=["a", "b", "c"])
    frame["had_affair"] = rng.integers(0, 2, size=60)
    document = {
        "indices": {"devotion": ["a", "b"], "tenure": ["c"]},
        "model": {"outcome": "tenure", "target": "had_affair"},
        "labels": {"event": "an affair"},
    }
    models = {"prior": DummyClassifier()}
    result = benchmark_from_spec(frame, document, repeats=1, folds=3, models=models)
    assert result.title == "Predictive benchmark of had_affair (1 = an affair)"
    del document["labels"]
    result = benchmark_from_spec(frame, document, repeats=1, folds=3, models=models)
    assert result.title == "Predictive benchmark of had_affair"


def test_a_blank_alpha_or_omega_says_why():
    rng = np.random.default_rng(1)
    common = rng.normal(size=200)
    frame = pd.DataFrame({f"q{i}": common + rng.normal(size=200) for i in range(6)})
    spec = {"one": ["q0"], "two": ["q1", "q2"], "three": ["q3", "q4", "q5"]}
    composite = CompositeIndex(spec=spec).fit(frame)
    table = composite.reliability_
    # the blanks are where the coefficients are undefined
    assert np.isnan(table.loc["one", ["cronbach_alpha", "omega_total"]]).all()
    assert np.isnan(table.loc["two", "omega_total"])
    with pytest.raises(ValueError):
        mcdonald_omega(frame[["q1", "q2"]].to_numpy())
    items = frame[["q1", "q2"]]
    minmax = (items - items.min()) / (items.max() - items.min())
    np.testing.assert_allclose(
        table.loc["two", "cronbach_alpha"], cronbach_alpha(minmax.to_numpy())
    )
    lines = " ".join(_reliability_reading(composite, frame, spec))
    assert (
        "Blank alpha and omega for one (1 item): both describe how items agree, "
        "and need 2 items or more." in lines
    )
    assert (
        "Blank McDonald's omega for two (2 items): omega needs a one-factor "
        "model, which 2 items cannot identify (3 items or more)." in lines
    )
    assert "for three" not in lines


def _curve(model, X, y, floor=None):
    pytest.importorskip("matplotlib")
    import matplotlib.pyplot as plt

    from sklearn_innov.report import influence_curve

    figure = influence_curve(model, X, y, "a", "y", floor=floor)
    line = figure.axes[0].lines[0]
    x, curve = line.get_xdata(), line.get_ydata()
    plt.close(figure)
    return x, curve


def test_the_influence_curve_starts_above_the_ln_0_floor():
    """One floored row with a negative elasticity pulled the curve far above
    every observed outcome (17 affairs where the data stop at 12)."""
    rng = np.random.default_rng(2)
    a = rng.uniform(0.25, 2, size=80)
    a[0] = 0.125  # a zero floored at half the smallest positive value (0.25)
    a[1] = 0.25
    y = np.exp(1.5 - 0.5 * np.log(a) + rng.normal(scale=0.1, size=80))
    X = pd.DataFrame({"a": a, "b": rng.uniform(0.5, 1.5, size=80)})
    model = CobbDouglasRegressor().fit(X, y)
    x, curve = _curve(model, X, y)
    assert x.min() == 0.125  # without the floor: over every value
    x, curve = _curve(model, X, y, floor=0.125)
    assert x.min() == 0.25 and x.max() == a.max()
    # the curve at its start: the model's prediction there, other x at means
    start = pd.DataFrame({"a": [0.25], "b": [X["b"].mean()]})
    np.testing.assert_allclose(curve[0], model.predict(start)[0], rtol=1e-10)
    a_ = SimpleNamespace(
        floors={"a": 0.125}, cd_X=X, cd_names={"a": "a", "b": "b"}, labels=LABELS
    )
    assert _floor_caption(a_, "a") == (
        " from its smallest value above the ln 0 floor (0.2500; 1 respondent "
        "floored to 0.1250, marked x, where the curve would only extrapolate)"
    )
    assert _floor_caption(a_, "b") == ""


def test_the_rows_and_parameters_error_counts_in_number():
    """The message the report quotes when a construction leaves too few rows
    (issue 28): "4 samples for 5 parameters", "1 sample for 1 parameter"."""
    X = np.arange(1.0, 17.0).reshape(4, 4)
    with pytest.raises(ValueError, match="got 4 samples for 5 parameters, which"):
        CobbDouglasRegressor().fit(X, np.arange(1.0, 5.0))
    one = np.ones((1, 1))
    with pytest.raises(ValueError, match="got 1 sample for 1 parameter, which"):
        CobbDouglasRegressor(fit_intercept=False).fit(one, [2.0])


@pytest.mark.parametrize(
    ("support", "kept"),
    [
        ([False] * 4, "keeps only the intercept:"),
        ([True, False, True, False], "keeps the intercept and 2 indices:"),
        ([True, False, False, False], "keeps the intercept and 1 index:"),
    ],
)
def test_the_participation_logit_says_what_it_keeps(monkeypatch, support, kept):
    # issue 28: "keeps 1" read as one index when only the intercept was kept
    from sklearn_innov.report import _replicate

    monkeypatch.setattr(_replicate, "_firth_shift_words", lambda a: "shift")
    classifier = SimpleNamespace(n_features_in_=4, support_=np.array(support))
    a = SimpleNamespace(
        two_part_counts=(93, 907),
        two_part=SimpleNamespace(classifier_=classifier),
        design=None,
        labels={"unit": "row", "units": "rows"},
    )
    text = _replicate._participation_events(a)
    assert "starts with 5 parameters (intercept and 4 indices)" in text
    assert kept in text
    events_final = 93 / (1 + sum(support))
    assert f"{events_final:.1f} of the final one" in text


def test_the_benchmark_s_missing_words_have_one_level_of_parentheses():
    from sklearn_innov.model_selection._benchmark import MISSING_WORDS

    for words in MISSING_WORDS.values():
        assert "(" not in words  # the note adds "([index] missing = ...)"


def test_a_logit_that_never_predicts_the_event_says_so():
    # issue 28: 0 predicted events at .500, "Overall Percentage 90.7%"
    from sklearn_innov._core._tests import classification_table
    from sklearn_innov.report._replicate import _one_class_note
    from sklearn_innov.summary import Block, Summary

    y = np.array([0] * 907 + [1] * 93)
    never = classification_table(y, np.zeros(1000, dtype=int), [0, 1])
    note = _one_class_note(Summary("t", [Block("c", never, name="classification")]))
    assert len(note) == 1
    # the share of the majority class, computed here from the counts
    assert f"({100 * 907 / 1000:.1f}%) is only the share" in note[0]
    assert "predicts no case as 1" in note[0] and "cut option" in note[0]
    both = classification_table(y, np.r_[np.zeros(990), np.ones(10)], [0, 1])
    summary = Summary("t", [Block("c", both, name="classification")])
    assert _one_class_note(summary) == []


def test_a_two_item_index_explains_its_blanks_and_its_negative_alpha():
    # issue 28: human = [ed76, exp76] with alpha < 0; reversing both is no fix
    rng = np.random.default_rng(3)
    ed = rng.normal(size=300)
    frame = pd.DataFrame(
        {
            "ed76": ed,
            "exp76": -ed + 0.3 * rng.normal(size=300),
            "z": rng.normal(size=300),
        }
    )
    spec = {"human": ["ed76", "exp76"], "other": ["z", "ed76"]}
    composite = CompositeIndex(spec=spec).fit(frame)
    alpha = composite.reliability_.loc["human", "cronbach_alpha"]
    items = frame[["ed76", "exp76"]]
    minmax = ((items - items.min()) / (items.max() - items.min())).to_numpy()
    # the published formula, k = 2: 2 (1 - (s1 + s2) / s_total)
    s1, s2 = minmax.var(axis=0, ddof=1)
    expected = 2 * (1 - (s1 + s2) / minmax.sum(axis=1).var(ddof=1))
    np.testing.assert_allclose(alpha, expected)
    assert alpha < 0
    lines = " ".join(_reliability_reading(composite, frame, spec))
    assert (
        "Blank Cronbach's alpha if item deleted for the items of human, other "
        "(2 items): with one item left, alpha is undefined." in lines
    )
    assert "ed76 and exp76, correlate negatively with each other" in lines
    assert "reverse one of them" in lines and 'reverse = ["ed76"]' in lines
    assert "correlating negatively with the rest" not in lines
