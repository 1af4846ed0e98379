"""The stability figure's bar labels read as the inclusion table prints them."""

import numpy as np
import pytest

from sklearn_innov.model_selection import SelectionStability


def _stability(counts, n=200):
    """Inclusion of ``counts[j]`` of ``n`` resamples for feature j."""
    supports = np.zeros((n, len(counts)), dtype=bool)
    for j, count in enumerate(counts):
        supports[:count, j] = True
    return SelectionStability(
        features=[f"f{j}" for j in range(len(counts))],
        supports=supports,
        coefs=None,
        selected=np.array([True, False, True]),
        selected_coef=None,
        global_coef=None,
        global_std_err=None,
        n_bootstrap=n,
        skipped={},
        warned={},
        random_state=None,
        estimator_name="StepwiseLogit",
        notes=[],
        forced=["f2"],
    )


def test_bar_labels_keep_the_tables_halves():
    """173/200 = 86.5% and 115/200 = 57.5%: halves a '%.0f' label rounds to
    even (86%, 58%); the bars must say what the table says."""
    plt = pytest.importorskip("matplotlib.pyplot")
    stability = _stability([173, 115, 200])
    figure = stability.plot()
    shown = {text.get_text() for text in figure.axes[0].texts}
    plt.close(figure)
    assert {"86.5%", "57.5%", "forced"} <= shown
    printed = str(stability.summary())
    assert "86.5%" in printed and "57.5%" in printed
