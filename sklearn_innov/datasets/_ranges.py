"""Where the paper's numbers sit among those of the synthetic survey.

The synthetic survey is one draw of 127 firms; the paper's survey was another
draw, from a population we only know through its tables. ``simulate_paper_ranges``
refits the paper's Tables 9, 10 and 11 on many seeds of
:func:`~sklearn_innov.datasets.make_sme_survey` and returns the simulated
5-95% range of every published statistic, so a report can say whether the
paper's value is one the generating model produces at the paper's size.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from sklearn.utils import Bunch

from ..linear_model import CobbDouglasRegressor, StepwiseLogit
from ..preprocessing import CompositeIndex
from ._paper import PAPER_N, PAPER_SPEC, load_paper_results
from ._survey import _floor_zeros, make_sme_survey

if TYPE_CHECKING:
    import pandas as pd
    from sklearn.utils import Bunch

__all__ = ["load_paper_ranges", "simulate_paper_ranges"]

# written by ``python tools/calibrate_survey.py ranges --write``; a slow test
# recomputes it
RANGES_FILE = Path(__file__).parent / "data" / "paper_ranges.csv"
RANGES_SEEDS = 200

REGRESSORS = ["X1", "X2", "X3", "X4"]
KEPT = ["X1", "X3"]
# Table 10's columns and the names of the same statistics in coef_table_
LOGIT_COLUMNS = {"B": "coef", "S.E.": "std_err", "Wald": "wald", "Sig.": "p_value"}


def simulate_paper_ranges(
    n_seeds: int = 200, *, n_samples: int = PAPER_N, random_state: int = 0
) -> Bunch:
    """Simulated ranges of the paper's Table 9, 10 and 11 statistics.

    Draws ``n_seeds`` synthetic surveys (seeds ``random_state``,
    ``random_state + 1``, ...), builds the indices with
    ``CompositeIndex(spec=PAPER_SPEC)`` and fits on each, as the paper did:

    - Table 9: ``CobbDouglasRegressor()`` of Y on X1..X4 on the firms with
      Y > 0, an index equal to 0 among them floored at half its smallest
      positive value (the report's default ``[model] zeros = "floor"``);
    - Table 10: ``StepwiseLogit()`` of ``innovated`` on X1..X4 (which terms it
      keeps), and the logit of ``innovated`` on X1 and X3 (the model Table 10
      reports, fitted on every seed whatever the selection kept);
    - Table 11: ``CobbDouglasRegressor(fit_intercept=False)`` of Y on X1 and
      X3 on the Table 9 sample (R² uncentred).

    Parameters
    ----------
    n_seeds : int, default=200
        Number of synthetic surveys.
    n_samples : int, default=127
        Firms per survey (the paper's 127).
    random_state : int, default=0
        First seed.

    Returns
    -------
    result : Bunch
        ``ranges``: DataFrame indexed by (table, term, statistic) with the
        published value ("paper"), the simulated "q05", "median" and "q95",
        "percentile" (share of seeds below the paper's value, ties counted
        half) and "inside"
        (the paper's value within [q05, q95]); ``draws``: DataFrame, a row
        per seed and a column per (table, term, statistic); ``selection``:
        Series, the share of seeds on which the stepwise logit keeps each of
        X1..X4, and "X1 and X3" (both kept) and "exactly X1 and X3";
        ``n_seeds``.

    Notes
    -----
    "n" is the number of firms in the Table 9 sample (those with Y > 0); the
    paper's R² and F imply about 121 (``n = k F (1 - R²) / R² + k + 1``).
    The percentiles are those of a finite simulation: with 200 seeds a
    quantile moves by about 1.5 percentage points from one set of seeds to
    another. 200 seeds take about 20 s.

    Examples
    --------
    >>> from sklearn_innov.datasets import simulate_paper_ranges
    >>> result = simulate_paper_ranges(20)
    >>> row = result.ranges.loc[("Table 9", "fit", "R2")]
    >>> float(row["paper"]), bool(row["q05"] <= row["paper"] <= row["q95"])
    (0.274, True)
    """
    if not isinstance(n_seeds, (int, np.integer)) or n_seeds < 2:
        raise ValueError(
            f"n_seeds must be an integer of at least 2 (a range needs draws); "
            f"got {n_seeds!r}."
        )
    if not isinstance(random_state, (int, np.integer)) or isinstance(
        random_state, bool
    ):
        raise ValueError(
            "random_state must be an integer, the first of the seeds drawn; "
            f"got {random_state!r}."
        )
    rows, kept = [], []
    for seed in range(random_state, random_state + int(n_seeds)):
        draw, support = _fit_tables(make_sme_survey(n_samples, random_state=seed))
        rows.append(draw)
        kept.append(support)
    draws = pd.DataFrame(rows)
    draws.columns = pd.MultiIndex.from_tuples(
        draws.columns, names=["table", "term", "statistic"]
    )
    paper = _published()
    ranges = pd.DataFrame(
        {
            "paper": paper.reindex(draws.columns),
            "q05": draws.quantile(0.05),
            "median": draws.median(),
            "q95": draws.quantile(0.95),
            "percentile": (draws < paper.reindex(draws.columns)).mean()
            + (draws == paper.reindex(draws.columns)).mean() / 2.0,
        }
    )
    ranges.loc[ranges["paper"].isna(), "percentile"] = np.nan
    ranges["inside"] = (ranges["paper"] >= ranges["q05"]) & (
        ranges["paper"] <= ranges["q95"]
    )
    kept = pd.DataFrame(kept, columns=REGRESSORS)
    selection = kept.mean()
    selection["X1 and X3"] = kept[KEPT].all(axis=1).mean()
    selection["exactly X1 and X3"] = (
        kept[KEPT].all(axis=1) & ~kept[["X2", "X4"]].any(axis=1)
    ).mean()
    selection.name = "share of seeds"
    return Bunch(ranges=ranges, draws=draws, selection=selection, n_seeds=n_seeds)


def load_paper_ranges() -> pd.DataFrame:
    """The simulated ranges of the paper's statistics, as shipped.

    ``simulate_paper_ranges(200).ranges`` computed once (seeds 0 to 199 of
    the 127-firm survey, about 20-40 s) and shipped with the package, so the
    default report can place the paper's numbers in them at no cost. A test
    recomputes them.

    Returns
    -------
    ranges : DataFrame
        Indexed by (table, term, statistic), with the columns of
        :func:`simulate_paper_ranges`'s ``ranges``: "paper", "q05",
        "median", "q95", "percentile", "inside".

    Examples
    --------
    >>> from sklearn_innov.datasets import load_paper_ranges
    >>> ranges = load_paper_ranges()
    >>> float(ranges.loc[("Table 9", "fit", "n"), "median"])
    121.0
    """
    ranges = pd.read_csv(RANGES_FILE, index_col=[0, 1, 2])
    ranges["inside"] = ranges["inside"].astype(bool)
    return ranges


def _fit_tables(survey):
    """The paper's three tables on one synthetic survey, as flat statistics."""
    indices = CompositeIndex(spec=PAPER_SPEC).fit_transform(survey.frame)
    positive = indices["Y"] > 0
    y = indices.loc[positive, "Y"]
    X = pd.DataFrame(
        _floor_zeros(indices.loc[positive, REGRESSORS]),
        columns=REGRESSORS,
        index=y.index,
    )
    stats = {("Table 9", "fit", "n"): float(positive.sum())}

    full = CobbDouglasRegressor().fit(X, y)
    for term, row in full.coef_table_.iterrows():
        stats[("Table 9", term, "coef")] = row["coef"]
        stats[("Table 9", term, "t")] = row["t"]
    stats[("Table 9", "fit", "R2")] = full.rsquared_
    stats[("Table 9", "fit", "F")] = full.fvalue_
    stats[("Table 9", "fit", "DW")] = full.durbin_watson_

    target = survey.target
    support = StepwiseLogit().fit(indices[REGRESSORS], target).support_
    logit = StepwiseLogit(force=KEPT).fit(indices[KEPT], target)
    for term, row in logit.coef_table_.iterrows():
        for column, name in LOGIT_COLUMNS.items():
            stats[("Table 10", term, column)] = row[name]

    adjusted = CobbDouglasRegressor(fit_intercept=False).fit(X[KEPT], y)
    for term, row in adjusted.coef_table_.iterrows():
        stats[("Table 11", term, "coef")] = row["coef"]
        stats[("Table 11", term, "std_err")] = row["std_err"]
        stats[("Table 11", term, "t")] = row["t"]
    stats[("Table 11", "fit", "R2 (uncentred)")] = adjusted.rsquared_
    stats[("Table 11", "fit", "F")] = adjusted.fvalue_
    return stats, np.asarray(support, dtype=bool)


def _published():
    """The published values, keyed as the simulated statistics are."""
    paper = load_paper_results()
    values = {("Table 9", "fit", "n"): 121.0}  # implied by R² and F, not printed
    for term, row in paper["table9"].iterrows():
        values[("Table 9", term, "coef")] = row["coef"]
        values[("Table 9", term, "t")] = row["t"]
    fit9 = paper["table9_fit"]
    values[("Table 9", "fit", "R2")] = fit9["rsquared"]
    values[("Table 9", "fit", "F")] = fit9["fvalue"]
    values[("Table 9", "fit", "DW")] = fit9["durbin_watson"]
    for term, row in paper["table10"].iterrows():
        for column in LOGIT_COLUMNS:
            values[("Table 10", term, column)] = row[column]
    for term, row in paper["table11"].iterrows():
        for column in ("coef", "std_err", "t"):
            values[("Table 11", term, column)] = row[column]
    fit11 = paper["table11_fit"]
    values[("Table 11", "fit", "R2 (uncentred)")] = fit11["rsquared_uncentred"]
    values[("Table 11", "fit", "F")] = fit11["fvalue"]
    return pd.Series(values, dtype=float)
