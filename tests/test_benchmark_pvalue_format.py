"""p-values that round onto a level the reading compares with (issue 28's
user run: a Holm p of 0.0499 printed "0.050" beside "significant at 5%")."""

import numpy as np
import pandas as pd
import pytest

from sklearn_innov.model_selection import BenchmarkResult
from sklearn_innov.summary import format_pvalue, significance


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.0499, "0.0499"),
        (0.0500, "0.050"),
        (0.0501, "0.0501"),
        (0.00999, "0.00999"),
        (0.0100, "0.010"),
        (0.0995, "0.0995"),
        (0.10004, "0.10004"),
        (0.0449, "0.045"),  # 0.045 is on the same side of every level
        (0.5, "0.500"),
        (0.0004, "< 0.001"),
    ],
)
def test_format_pvalue_keeps_the_side_of_each_level(value, text):
    assert format_pvalue(value) == text
    shown = float(text.removeprefix("< "))
    for level in (0.01, 0.05, 0.10):
        if not text.startswith("<"):
            # the printed number is on the same side of the level as the p
            assert np.sign(shown - level) == np.sign(value - level)


@pytest.mark.parametrize(
    ("value", "reading"),
    [
        (0.0499, "significant at 5% (p = 0.0499)"),
        (0.0501, "not significant at 5% (p = 0.0501)"),
        (0.05, "not significant at 5% (p = 0.050)"),
    ],
)
def test_significance_prints_a_p_that_agrees_with_the_reading(value, reading):
    assert significance(value) == reading


def test_benchmark_reading_prints_the_holm_p_on_its_side_of_5_percent(monkeypatch):
    # scores that give one comparison; its p-values are then set to the
    # user's Holm p of 0.0499 (the corrected t-test itself is tested in
    # test_benchmark.py against its published formula)
    rng = np.random.default_rng(0)
    rows = [
        {"model": model, "repeat": 0, "fold": fold, "roc_auc": score}
        for model, shift in (("StepwiseLogit", 0.0), ("other", 0.05))
        for fold, score in enumerate(0.6 + shift + rng.normal(0, 0.01, 5))
    ]
    result = BenchmarkResult(pd.DataFrame(rows), 80, 20, "test data.")
    table = result.comparisons()
    table[["p", "Holm p"]] = 0.0499
    monkeypatch.setattr(BenchmarkResult, "comparisons", lambda self: table)
    (reading,) = result.readings()
    assert "significant at 5% after Holm's adjustment" in reading
    assert "not significant" not in reading
    assert "Holm p = 0.0499; unadjusted p = 0.0499" in reading
    text = result.summary().as_text()
    assert "0.0499" in text and "0.050 " not in text
