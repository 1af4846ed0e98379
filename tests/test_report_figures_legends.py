"""Legends beside or below the data, never on it (user7's BEPS report: the legend sat on
the first bar of selection_stability.png and hid points of influence_EURO.png).

Oracle: matplotlib's own window extents of the drawn legend and of the axes'
data area, after a draw.
"""

import numpy as np
import pandas as pd
import pytest

from sklearn_innov import CobbDouglasRegressor, StepwiseLogit
from sklearn_innov.model_selection import selection_stability
from sklearn_innov.report import influence_curve
from sklearn_innov.report._figures import _stability_figure

plt = pytest.importorskip("matplotlib.pyplot")


def _legend_clear_of_data(figure):
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    ax = figure.axes[0]
    # the axes' own legend, or the figure's below the axes (the report's
    # figures, narrow enough for a phone)
    legends = [ax.get_legend(), *figure.legends]
    assert sum(legend is not None for legend in legends) == 1
    legend = next(legend for legend in legends if legend is not None)
    box, data = legend.get_window_extent(renderer), ax.get_window_extent(renderer)
    # and inside the figure: tight_layout made room for it
    page = figure.bbox
    inside = box.x0 >= page.x0 and box.x1 <= page.x1 + 1 and box.y0 >= page.y0
    return not box.overlaps(data), inside


def test_the_influence_plots_legend_does_not_cover_its_points():
    rng = np.random.default_rng(0)
    # a dense cloud over the whole plot, as user7's BEPS ratings
    X = pd.DataFrame({"EURO": rng.uniform(0.1, 1, 400), "ECON": rng.uniform(1, 5, 400)})
    y = np.exp(0.2 * np.log(X["ECON"]) + rng.normal(0, 0.3, 400)) + 1
    model = CobbDouglasRegressor().fit(X, y)
    figure = influence_curve(model, X, y, "EURO", "Y", points="respondents")
    try:
        assert _legend_clear_of_data(figure) == (True, True)
    finally:
        plt.close(figure)


def test_the_stability_plots_legend_does_not_cover_its_bars():
    rng = np.random.default_rng(3)
    X = pd.DataFrame(rng.normal(size=(150, 3)), columns=["a", "b", "c"])
    y = (1.5 * X["a"] + rng.logistic(size=150) > 0).astype(int)
    result = selection_stability(
        StepwiseLogit(force=["c"]), X, y, n_bootstrap=5, random_state=0
    )
    for figure in (result.plot(), _stability_figure(result)):
        try:
            assert _legend_clear_of_data(figure) == (True, True)
        finally:
            plt.close(figure)
