"""The report's figures, drawn headless with matplotlib (imported here only).

Each function takes fitted estimators and returns a matplotlib Figure; the
numbers drawn come from the estimators (their predictions and residuals).
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

import numpy as np

from ..utils._plotting import pyplot as _pyplot

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure
    from numpy.typing import ArrayLike
    from sklearn.base import BaseEstimator

    from ..linear_model import CobbDouglasRegressor
    from ..model_selection import SelectionStability

# Every figure is at most this many inches wide: at the report's 110 dpi,
# 495 px, which a 390 px phone shows at about 3/4 size, so 10 pt type is
# about 11 CSS px tall (at 8 inches, with the legend beside the axes, it
# was 5 px). Legends go below the axes, inside the figure, never beside.
FIGURE_WIDTH = 4.5
# characters per line of a title or an axis label at FIGURE_WIDTH
WRAP = 44


def influence_curve(
    model: CobbDouglasRegressor,
    X: pd.DataFrame,
    y: ArrayLike,
    name: str,
    outcome: str,
    *,
    points: str = "rows",
    floor: float | None = None,
) -> Figure:
    """Outcome against one index, the others at their means (Figures 2 and 3).

    Parameters
    ----------
    model : CobbDouglasRegressor
        Fitted on ``X`` (in levels).
    X : DataFrame of shape (n_samples, n_features)
        The regressors the model saw.
    y : array-like of shape (n_samples,)
        The outcome, drawn as points.
    name : str
        The column of ``X`` on the horizontal axis.
    outcome : str
        Label of the vertical axis.
    points : str, default="rows"
        Legend label of the data points (e.g. "firms").
    floor : float, optional
        The value rows at 0 of ``name`` were floored to (ln 0 avoided). Those
        rows are drawn apart, and the curve starts at the smallest value
        above the floor: below it, it only extrapolates the power law to an
        artificial value (with a negative elasticity, far above every
        observed outcome).

    Returns
    -------
    figure : matplotlib Figure
        Points and the fitted power curve (``model.predict``, with smearing)
        over the observed values of ``name`` (from the smallest above
        ``floor``, when given).

    Examples
    --------
    >>> from sklearn_innov import CobbDouglasRegressor, CompositeIndex
    >>> from sklearn_innov.datasets import PAPER_SPEC, make_sme_survey
    >>> survey = make_sme_survey(random_state=0).frame
    >>> indices = CompositeIndex(spec=PAPER_SPEC).fit_transform(survey)
    >>> positive = indices[indices["Y"] > 0]  # ln Y needs Y > 0
    >>> X, y = positive[["X1", "X3"]], positive["Y"]
    >>> model = CobbDouglasRegressor().fit(X, y)
    >>> from sklearn_innov.report import influence_curve
    >>> figure = influence_curve(model, X, y, "X3", "Y", points="firms")
    >>> figure.axes[0].get_xlabel(), figure.axes[0].get_ylabel()
    ('X3', 'Y')
    >>> import matplotlib.pyplot as plt
    >>> plt.close(figure)
    """
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(FIGURE_WIDTH, 4.5), layout="constrained")
    x, y = X[name].to_numpy(), np.asarray(y)
    floored = np.zeros(x.size, dtype=bool) if floor is None else x == floor
    if floored.all():
        floored[:] = False
    ax.scatter(x[~floored], y[~floored], s=14, alpha=0.6, label=points)
    if floored.any():
        ax.scatter(
            x[floored],
            y[floored],
            s=24,
            marker="x",
            color="C1",
            label=f"{points} at the ln 0 floor",
        )
    grid = np.linspace(x[~floored].min(), x.max(), 200)
    at_means = np.tile(X.mean().to_numpy(), (grid.size, 1))
    at_means[:, list(X.columns).index(name)] = grid
    curve = model.predict(_frame(at_means, X.columns))
    ax.plot(grid, curve, color="C3", lw=2, label="fitted Cobb-Douglas")
    ax.set_xlabel(_wrap(name))
    ax.set_ylabel(_wrap(outcome))
    ax.set_title(_wrap(f"{outcome} against {name}, other indices at their means"))
    _legend_below(fig, ax)
    return fig


def roc_plot(classifier: BaseEstimator, X: ArrayLike, y: ArrayLike) -> Figure:
    """ROC curve of a fitted binary classifier.

    Parameters
    ----------
    classifier : fitted classifier with ``predict_proba``
        The classifier whose scores are plotted.
    X : array-like of shape (n_samples, n_features)
        Rows to score.
    y : array-like of shape (n_samples,)
        True labels; ``classifier.classes_[1]`` is the event.

    Returns
    -------
    figure : matplotlib Figure
        The curve, the diagonal and the area under the curve in the legend.

    Examples
    --------
    >>> from sklearn_innov import CompositeIndex, StepwiseLogit
    >>> from sklearn_innov.datasets import PAPER_SPEC, make_sme_survey
    >>> from sklearn_innov.report import roc_plot
    >>> survey = make_sme_survey(random_state=0).frame
    >>> X = CompositeIndex(spec=PAPER_SPEC).fit_transform(survey).drop(columns="Y")
    >>> y = survey["innovated"]
    >>> figure = roc_plot(StepwiseLogit().fit(X, y), X, y)
    >>> figure.axes[0].get_legend_handles_labels()[1]
    ['AUC = 0.741']
    >>> import matplotlib.pyplot as plt
    >>> plt.close(figure)
    """
    from sklearn.metrics import roc_auc_score, roc_curve

    plt = _pyplot()
    scores = classifier.predict_proba(X)[:, 1]
    positive = classifier.classes_[1]
    fpr, tpr, _ = roc_curve(y, scores, pos_label=positive)
    auc = roc_auc_score(y == positive, scores)
    fig, ax = plt.subplots(figsize=(FIGURE_WIDTH, FIGURE_WIDTH))
    ax.plot(fpr, tpr, lw=2, label=f"AUC = {auc:.3f}")
    ax.plot([0, 1], [0, 1], ls="--", color="grey")
    ax.set_xlabel("false positive rate")
    ax.set_ylabel("true positive rate")
    ax.set_title("ROC curve, stepwise logit")
    ax.legend(loc="lower right")
    fig.tight_layout()
    return fig


def residual_plots(
    model: CobbDouglasRegressor, X: ArrayLike, outcome: str = "Y"
) -> Figure:
    """Residuals against fitted values, and a normal Q-Q plot (log scale).

    Parameters
    ----------
    model : CobbDouglasRegressor
        Fitted on ``X``.
    X : array-like of shape (n_samples, n_features)
        The regressors the model saw (for the fitted values).
    outcome : str, default="Y"
        The outcome's name, as written, for the x-axis label ("fitted ln
        <outcome>").

    Returns
    -------
    figure : matplotlib Figure
        Two panels, one above the other: residuals against fitted values,
        and the Q-Q plot.

    Examples
    --------
    >>> from sklearn_innov import CobbDouglasRegressor, CompositeIndex
    >>> from sklearn_innov.datasets import PAPER_SPEC, make_sme_survey
    >>> survey = make_sme_survey(random_state=0).frame
    >>> indices = CompositeIndex(spec=PAPER_SPEC).fit_transform(survey)
    >>> positive = indices[indices["Y"] > 0]  # ln Y needs Y > 0
    >>> X, y = positive[["X1", "X3"]], positive["Y"]
    >>> model = CobbDouglasRegressor().fit(X, y)
    >>> from sklearn_innov.report import residual_plots
    >>> figure = residual_plots(model, X)
    >>> len(figure.axes)
    2
    >>> import matplotlib.pyplot as plt
    >>> plt.close(figure)
    """
    from scipy import stats

    plt = _pyplot()
    resid = model.resid_
    fitted = model.predict_log(X)
    # one panel above the other, each as wide as the ROC curve: side by side
    # at 9 inches, a 390 px phone showed the axis labels 5 px tall
    fig, (left, right) = plt.subplots(2, 1, figsize=(FIGURE_WIDTH, 7.5))
    left.scatter(fitted, resid, s=14, alpha=0.6)
    left.axhline(0, color="grey", ls="--")
    left.set_xlabel(f"fitted ln {outcome}")
    left.set_ylabel("residual")
    left.set_title("Residuals against fitted")
    (theoretical, ordered), (slope, intercept, _) = stats.probplot(resid, dist="norm")
    right.scatter(theoretical, ordered, s=14, alpha=0.6)
    right.plot(theoretical, slope * theoretical + intercept, color="C3")
    right.set_xlabel("normal quantiles")
    right.set_ylabel("ordered residuals")
    right.set_title("Normal Q-Q")
    fig.tight_layout()
    return fig


def _stability_figure(stability: SelectionStability) -> Figure:
    """The selection stability's bars drawn FIGURE_WIDTH wide, legend below.

    :meth:`SelectionStability.plot` draws on the axes it is given, wide
    enough for its tight layout with the legend beside the bars; the figure
    is then narrowed and the legend moved below them.
    """
    plt = _pyplot()
    height = 0.4 * len(stability.features) + 2.6
    fig, ax = plt.subplots(figsize=(8, height))
    stability.plot(ax=ax)
    fig.set_size_inches(FIGURE_WIDTH, height)
    ax.set_title(_wrap(ax.get_title()))
    _legend_below(fig, ax)
    return fig


def _legend_below(fig, ax):
    """The axes' legend below the axes, inside the figure (constrained layout).

    Beside the axes it widened the figure; on the axes it hid points.
    """
    handles, labels = ax.get_legend_handles_labels()
    if ax.get_legend() is not None:
        ax.get_legend().remove()
    fig.set_layout_engine("constrained")
    fig.legend(handles, labels, loc="outside lower center", frameon=False)


def _wrap(text):
    return textwrap.fill(str(text), WRAP, break_long_words=False)


def _frame(values, columns):
    import pandas as pd

    return pd.DataFrame(values, columns=columns)
