"""A synthetic survey of knowledge-intensive SMEs calibrated to the paper.

The paper's survey is not public. This generator draws firms whose item
marginals match the published tables (2 to 8) and whose outcomes follow the
paper's conclusions, so the library's estimators, the replication report, the
docs and the benchmarks have realistic data with a known truth. It is
vectorised: a million firms take a few seconds.
"""

from functools import cache

import numpy as np
import pandas as pd
from scipy import optimize, special, stats
from sklearn.utils import Bunch, check_random_state

from ..preprocessing import CompositeIndex
from ._paper import (
    ASSUMED_BINARY,
    ASSUMED_LANGUAGES,
    ASSUMED_LIKERT,
    EDUCATION,
    METROS,
    PAPER_N,
    PAPER_SPEC,
    SIZE_SHARES,
    TABLE2,
    TABLE3,
    TABLE4,
    TABLE5,
    TABLE6,
    TABLE7,
)

__all__ = ["make_sme_survey"]

# Loading of every item on its mechanism's latent factor, and the correlation
# between the four mechanisms' factors.
LOADING = 0.7
FACTOR_CORRELATION = 0.3

# Calibrated by simulation at n = 400,000 (see ``_calibrate``): metro shifts of
# the collaboration (F1) and learning (F3) factors, and the logit intercept,
# so that Table 8's innovation rates come out of X1 and X3 alone.
METRO_SHIFT = {
    "Tijuana": 1.0270,
    "Juárez": 0.2147,
    "Hermosillo": -0.4321,
    "Monterrey": -0.9003,
}
LOGIT = {"const": -2.7898, "X1": 0.4325, "X2": 0.0, "X3": 0.3334, "X4": 0.0}
# Table 11's elasticities. The Y index is bounded ([1, 6] for an innovator),
# so errors are truncated there; intercept and noise trade the bias this
# causes (OLS on 100,000 firms: X1 0.149, X3 0.375) against the paper's
# R² of 0.27 (mean R² of the full model at n = 127: 0.34).
COBB_DOUGLAS = {"const": 0.25, "X1": 0.154, "X2": 0.0, "X3": 0.397, "X4": 0.0}
COBB_DOUGLAS_SIGMA = 0.26

INNOVATION_TYPES = {  # relative frequency of each type among innovators; assumed
    "innov_product": 0.8,
    "innov_process": 0.6,
    "innov_organisation": 0.4,
    "innov_marketing": 0.35,
}

DESCR = """\
Synthetic survey of knowledge-intensive SMEs (sklearn-innov)
===========================================================

THIS DATA IS SYNTHETIC. The survey behind Alonso, Contreras & Valenzuela
(2025), "Endogenous learning for innovation in knowledge-intensive SMEs", is
not public. These firms are drawn from a documented model whose marginals
match the paper's published tables; no row is a real firm.

Calibration (large samples):
- metro area x activity: Table 2 (exact counts at n_samples=127; largest-
  remainder allocation of Table 2's shares otherwise); size 37.0/46.4/16.6 %.
- Likert items (1 = never ... 5 = very frequently): Table 3 (collab_*) and
  Table 6 (learn_*) row percentages; 0/1 items: Table 7 (ris_*) rates.
- owner_education by metro: Table 4; owner_age, owner_prior_jobs,
  owner_last_job_years means by metro: Table 5.
- innovated by metro: Table 8.

Model. Each mechanism has a latent factor (F1 collaboration, F2 owner, F3
learning, F4 regional innovation system), standard normal within a metro
area, correlated 0.3 across mechanisms. F1 and F3 are shifted by metro area
(Tijuana highest, Monterrey lowest). Each item is a threshold of
0.7 * factor + noise (a Gaussian copula); thresholds reproduce the published
percentages over the mixture of metro areas. The indices X1..X4 and Y are
CompositeIndex(spec=PAPER_SPEC) with its default settings (sums of min-max
normalised items). A firm innovates with probability
expit(c + 0.4325 X1 + 0.3334 X3) (Table 10's coefficients, no effect of X2,
X4; c tuned to Table 8). An innovator's innovation index follows Table 11's
Cobb-Douglas, Y = exp(c + 0.154 ln X1 + 0.397 ln X3 + u), u ~ N(0, 0.26^2);
its items are innovation types and novelty summing to at most Y, and
innovation's share of sales takes the remainder, so the Y index equals the
model's value (at large n, where the share's observed maximum is 100). Errors
are redrawn where Y would leave the range the items can express, [1, 6];
this truncation biases OLS slightly (on 100,000 firms the innovators'
elasticities come out 0.149 and 0.375), and the full model's R² at n = 127
averages 0.34 (the paper: 0.274). Non-innovators
have Y = 0 (ln Y undefined: fit the Cobb-Douglas on innovators).

Assumptions where the paper gives no marginal (all documented in
sklearn_innov.datasets._paper): hires_consulting 45 %, digital_links and
willingness_innovate Likert shares, ris_university 18 %, ris_research_center
10 %, owner_languages 1/2/3+ = 25/60/15 %, rd_income_share (0 for the
lowest 20 %, else up to 30 % of income), innovation types (product 80,
process 60, organisational 40, marketing 35 relative weights), novelty
(0 = improvement of something existing, 1 = new to the firm, 2 = new to the
country, 3 = new to the world).
"""


def make_sme_survey(n_samples=PAPER_N, *, random_state=None):
    """Draw a synthetic survey of knowledge-intensive SMEs.

    Parameters
    ----------
    n_samples : int, default=127
        Number of firms (the paper surveyed 127).
    random_state : int, RandomState instance or None, default=None
        Seed for reproducible draws.

    Returns
    -------
    survey : Bunch
        ``frame`` (DataFrame, a row per firm), ``data`` (the frame without
        ``innovated``), ``target`` (the 0/1 ``innovated`` column),
        ``feature_names``, ``spec`` (= ``PAPER_SPEC``), ``truth`` (the
        generating parameters on the scale of
        ``CompositeIndex(spec=PAPER_SPEC)``: ``truth["logit"]`` and
        ``truth["cobb_douglas"]`` map "const", "X1".."X4" to coefficients) and
        ``DESCR``.

    Notes
    -----
    The data are synthetic and calibrated to the published marginals; read
    ``DESCR`` for the model and every assumption.

    Examples
    --------
    >>> from sklearn_innov.datasets import make_sme_survey
    >>> survey = make_sme_survey(random_state=0)
    >>> survey.frame.shape[0], int(survey.frame["metro_area"].eq("Tijuana").sum())
    (127, 35)
    """
    if not isinstance(n_samples, (int, np.integer)) or n_samples < 1:
        raise ValueError(f"n_samples must be a positive integer; got {n_samples!r}.")
    rng = check_random_state(random_state)
    rng = np.random.default_rng(rng.randint(0, 2**31 - 1))
    n = int(n_samples)

    metro, activity = _metro_activity(n, rng)
    frame = pd.DataFrame(
        {
            "metro_area": pd.Categorical(np.array(METROS)[metro], categories=METROS),
            "activity": np.where(activity == 0, "manufacturing", "services"),
            "size": np.array(list(SIZE_SHARES))[
                rng.choice(3, size=n, p=_normalised(list(SIZE_SHARES.values())))
            ],
        }
    )
    factors = _factors(metro, rng)
    _add_items(frame, metro, factors, rng)

    # the outcome depends on X1 and X3 only; each index is the sum of its own
    # items' min-max scores, so X2 and X4 need not be built
    indices = np.asarray(
        CompositeIndex(spec={k: PAPER_SPEC[k] for k in ("X1", "X3")}).fit_transform(
            frame
        )
    )
    X1, X3 = indices[:, 0], indices[:, 1]
    eta = LOGIT["const"] + LOGIT["X1"] * X1 + LOGIT["X3"] * X3
    innovated = rng.random(n) < special.expit(eta)
    frame["innovated"] = innovated.astype(int)
    _add_innovation(frame, innovated, X1, X3, rng)

    target = frame["innovated"].copy()
    data = frame.drop(columns="innovated")
    truth = {
        "logit": dict(LOGIT),
        "cobb_douglas": dict(COBB_DOUGLAS),
        "cobb_douglas_sigma": COBB_DOUGLAS_SIGMA,
        "metro_shift": dict(METRO_SHIFT),
        "loading": LOADING,
        "factor_correlation": FACTOR_CORRELATION,
    }
    return Bunch(
        frame=frame,
        data=data,
        target=target,
        feature_names=list(data.columns),
        spec={k: list(v) for k, v in PAPER_SPEC.items()},
        truth=truth,
        DESCR=DESCR,
    )


# -- pieces ---------------------------------------------------------------------


def _normalised(p):
    p = np.asarray(p, dtype=np.float64)
    return p / p.sum()


def _metro_activity(n, rng):
    """Metro x activity cells: Table 2's shares by largest remainder, shuffled."""
    cells = np.array([TABLE2[m] for m in METROS], dtype=float).ravel()
    exact = cells / cells.sum() * n
    counts = np.floor(exact).astype(int)
    counts[np.argsort(-(exact - counts), kind="stable")[: n - counts.sum()]] += 1
    cell = np.repeat(np.arange(cells.size), counts)
    cell = cell[rng.permutation(n)]
    return cell // 2, cell % 2


def _factors(metro, rng):
    """Latent factors F1..F4: N(shift, 1) within metro, correlated across."""
    corr = np.full((4, 4), FACTOR_CORRELATION) + np.eye(4) * (1 - FACTOR_CORRELATION)
    F = rng.standard_normal((metro.size, 4)) @ np.linalg.cholesky(corr).T
    shift = np.array([METRO_SHIFT[m] for m in METROS])[metro]
    F[:, 0] += shift
    F[:, 2] += shift
    return F


def _item_scores(factor, rng):
    noise = rng.standard_normal(factor.size)
    return LOADING * factor + np.sqrt(1 - LOADING**2) * noise


@cache
def _thresholds(percentages, shifted):
    """Cut points on an item's latent score that reproduce ``percentages``.

    The score is ``LOADING * F + noise``, standard normal within a metro area
    around ``LOADING * shift``; over the sample it is the mixture of the metro
    areas, weighted by Table 2's shares.
    """
    weights = _normalised([sum(TABLE2[m]) for m in METROS])
    means = (
        LOADING * np.array([METRO_SHIFT[m] for m in METROS]) if shifted else np.zeros(4)
    )
    cumulative = np.cumsum(_normalised(percentages))[:-1]

    def mixture_cdf(t):
        return float(weights @ stats.norm.cdf(t - means))

    cuts = []
    for p in cumulative:
        if p <= 0:
            cuts.append(-np.inf)
        elif p >= 1:
            cuts.append(np.inf)
        else:
            cuts.append(
                optimize.brentq(lambda t, p=p: mixture_cdf(t) - p, -12, 12, xtol=1e-12)
            )
    return np.array(cuts)


def _likert(factor, percentages, shifted, rng):
    cuts = _thresholds(tuple(percentages), shifted)
    return np.searchsorted(cuts, _item_scores(factor, rng)) + 1


def _binary(factor, rate, shifted, rng):
    return _likert(factor, (100.0 - rate, rate), shifted, rng) - 1


def _add_items(frame, metro, F, rng):
    n = metro.size
    for name, pct in TABLE3.items():
        frame[name] = _likert(F[:, 0], pct, True, rng)
    frame["hires_consulting"] = _binary(
        F[:, 0], ASSUMED_BINARY["hires_consulting"], True, rng
    )
    for name, pct in ASSUMED_LIKERT.items():
        frame[name] = _likert(F[:, 0], pct, True, rng)

    # owner: education by metro (Table 4), languages, prior jobs, age, tenure
    level = np.empty(n, dtype=int)
    for m, name in enumerate(METROS):
        rows = metro == m
        cuts = _thresholds(tuple(TABLE4[name]), False)
        level[rows] = np.searchsorted(cuts, _item_scores(F[rows, 1], rng)) + 1
    frame["owner_education"] = np.array(EDUCATION)[level - 1]
    frame["owner_education_level"] = level
    frame["owner_languages"] = _likert(F[:, 1], ASSUMED_LANGUAGES, False, rng)
    means = {k: np.array([v[m] for m in METROS])[metro] for k, v in TABLE5.items()}
    gamma = 0.3  # owners with more human capital held more jobs; mean kept
    frame["owner_prior_jobs"] = rng.poisson(
        means["owner_prior_jobs"] * np.exp(gamma * F[:, 1] - gamma**2 / 2)
    )
    frame["owner_age"] = np.rint(
        means["owner_age"] + 8.0 * rng.standard_normal(n)
    ).astype(int)
    frame["owner_last_job_years"] = np.round(
        rng.gamma(2.0, means["owner_last_job_years"] / 2.0), 1
    )

    for name, pct in TABLE6.items():
        frame[name] = _likert(F[:, 2], pct, True, rng)
    quantile = stats.norm.cdf(_item_scores(F[:, 2], rng))
    share = np.clip((quantile - 0.2) / 0.8, 0.0, 1.0) * 30.0
    frame["rd_income_share"] = np.round(share * 2.0) / 2.0

    for name, rate in TABLE7.items():
        frame[name] = _binary(F[:, 3], rate, False, rng)
    for name in ("ris_university", "ris_research_center"):
        frame[name] = _binary(F[:, 3], ASSUMED_BINARY[name], False, rng)


def _add_innovation(frame, innovated, X1, X3, rng):
    """Innovation items whose normalised sum is the Cobb-Douglas index."""
    n = innovated.size
    for name in (*INNOVATION_TYPES, "innov_novelty"):
        frame[name] = 0
    frame["innov_sales_share"] = 0.0
    rows = np.flatnonzero(innovated)
    if rows.size == 0:
        return
    tiny = 1e-3  # an innovator at the bottom of a mechanism: avoid ln 0
    base = (
        COBB_DOUGLAS["const"]
        + COBB_DOUGLAS["X1"] * np.log(np.maximum(X1[rows], tiny))
        + COBB_DOUGLAS["X3"] * np.log(np.maximum(X3[rows], tiny))
    )
    # Index range an innovator can express: one type of innovation at least
    # (1), every type, world novelty and all sales from innovation at most (6).
    low, high = 1.0 + 1e-9, 6.0
    noise = COBB_DOUGLAS_SIGMA * rng.standard_normal(rows.size)
    for _ in range(50):  # truncated normal errors by rejection
        out = (base + noise <= np.log(low)) | (base + noise >= np.log(high))
        if not out.any():
            break
        noise[out] = COBB_DOUGLAS_SIGMA * rng.standard_normal(int(out.sum()))
    target = np.clip(np.exp(base + noise), low, high)

    # Discrete part D = types + novelty / 3, on a grid of thirds from 1 to 5;
    # the share of sales from innovation carries the remainder r = Y - D in [0, 1].
    r0 = rng.random(rows.size) * np.minimum(1.0, target - 1.0)
    thirds = np.clip(np.floor((target - r0) * 3.0 + 1e-9), 3, 15).astype(int)
    remainder = target - thirds / 3.0
    over = remainder > 1.0
    thirds[over] += np.ceil((remainder[over] - 1.0) * 3.0 - 1e-9).astype(int)
    remainder = target - thirds / 3.0
    n_types = np.minimum(thirds // 3, 4)
    novelty = thirds - 3 * n_types

    # choose which types, weighted, without replacement (Efraimidis-Spirakis)
    weights = np.array(list(INNOVATION_TYPES.values()))
    keys = -np.log(rng.random((rows.size, weights.size))) / weights
    rank = np.argsort(np.argsort(keys, axis=1), axis=1)
    chosen = rank < n_types[:, None]
    for j, name in enumerate(INNOVATION_TYPES):
        column = np.zeros(n, dtype=int)
        column[rows] = chosen[:, j]
        frame[name] = column
    column = np.zeros(n, dtype=int)
    column[rows] = novelty
    frame["innov_novelty"] = column
    share = np.zeros(n)
    share[rows] = np.clip(remainder, 0.0, 1.0) * 100.0
    frame["innov_sales_share"] = share


def _calibrate(n_samples=400_000, iterations=8, random_state=0):  # pragma: no cover
    """Re-derive ``METRO_SHIFT`` and ``LOGIT["const"]`` from Table 8 by simulation.

    Run by hand after changing the model; paste the printed values above.
    """
    from ._paper import TABLE8

    target = special.logit(np.array([TABLE8[m] for m in METROS]) / 100.0)
    for _ in range(iterations):
        _thresholds.cache_clear()
        survey = make_sme_survey(n_samples, random_state=random_state)
        rates = survey.frame.groupby("metro_area", observed=True)["innovated"].mean()
        gap = target - special.logit(rates[list(METROS)].to_numpy())
        weights = _normalised([sum(TABLE2[m]) for m in METROS])
        LOGIT["const"] += float(weights @ gap)
        for m, name in enumerate(METROS):
            METRO_SHIFT[name] += float(gap[m] - weights @ gap) / 1.6
        print(dict(rates), METRO_SHIFT, LOGIT["const"])
    return dict(METRO_SHIFT), LOGIT["const"]
