"""A synthetic survey of knowledge-intensive SMEs calibrated to the paper.

The paper's survey is not public. This generator draws firms whose item
marginals match the published tables (2 to 8) and whose regressions
reproduce Tables 9 to 11 within sampling error (121 of 127 firms with a
positive innovation index, an ``innovated`` answer that is not ``Y > 0``), so
the library's estimators, the replication report, the docs and the benchmarks
have realistic data with a known truth. It is vectorised: a million firms
take a few seconds. With ``design=`` it draws a synthetic population of firms
from the same process and returns a stratified or two-stage sample of it,
with weights and the population's known values, for design-based inference.
"""

from __future__ import annotations

import copy
from functools import cache
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import optimize, special, stats
from sklearn.utils import Bunch, check_random_state

from ..preprocessing import CompositeIndex
from ..preprocessing._log import apply_zeros, smallest_positive_half
from ._paper import (
    ASSUMED_BINARY,
    ASSUMED_LANGUAGES,
    ASSUMED_LIKERT,
    ASSUMED_RIS_LIKERT,
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

if TYPE_CHECKING:
    from collections.abc import Mapping

    from sklearn.utils import Bunch

    from ..utils._typing import DesignName

__all__ = ["make_sme_survey"]

# Loading of every item on its mechanism's latent factor, and the correlation
# between the four mechanisms' factors. With these the log indices vary and
# co-vary about as little as Table 9's standard errors imply (a loading of 0.7
# and a correlation of 0.3 made every t about twice the paper's).
LOADING = 0.5
FACTOR_CORRELATION = 0.5

# Calibrated by simulation at n = 400,000 (tools/calibrate_survey.py): metro
# shifts of the collaboration (F1) and learning (F3) factors, and the logit
# intercept, so that Table 8's innovation rates come out of X1 and X3 alone.
METRO_SHIFT = {
    "Tijuana": 1.1527,
    "Juárez": 0.2458,
    "Hermosillo": -0.4946,
    "Monterrey": -1.0083,
}
# The slopes are Table 10's times 1.25: with Table 10's own (Wald statistics
# about 4.5 at n = 127, as in the paper) the stepwise logit kept both X1 and
# X3 on fewer than half of the seeds in a trial; with these, on about 70%, and
# Table 10's numbers stay inside the simulated 5-95% ranges.
LOGIT = {"const": -3.5972, "X1": 0.54, "X2": 0.0, "X3": 0.42, "X4": 0.0}
# The innovation index of a firm with Y > 0: ln Y = c + sum_k b_k ln X_k + u.
# Y then lies in [1, 6] (Y_RANGE), so errors are truncated there, which pulls
# the OLS slopes down and the intercept up; these values were chosen by
# simulation over 200 seeds at n = 127 (tools/calibrate_survey.py) so that
# Tables 9 and 11's R², F and t fall inside the simulated 5-95% ranges, not to
# equal Table 9's estimates.
COBB_DOUGLAS = {"const": -0.75, "X1": 0.40, "X2": 0.28, "X3": 0.58, "X4": 0.0}
COBB_DOUGLAS_SIGMA = 0.50
# Share of the firms that report no innovation of any kind (Y = 0), all of
# them firms that did not innovate: 6 of 127, so that 121 firms have Y > 0,
# as Tables 9 and 11's R² and F imply.
NO_INNOVATION = 6 / 127

INNOVATION_TYPES = {  # relative frequency of each type where Y > 0; assumed
    "innov_product": 0.8,
    "innov_process": 0.6,
    "innov_organisation": 0.4,
    "innov_marketing": 0.35,
}
# the range of the innovation index of a firm that reports an innovation: one
# type at least, every type, world novelty and all sales from innovation at most
Y_RANGE = (1.0, 6.0)

# The endogenous variant (make_sme_survey(endogeneity=...)): one unobserved
# firm effect enters the learning factor F3 and the Cobb-Douglas error. Its
# structural equation has smaller elasticities and errors than the paper's,
# centred in ln Y_RANGE, so that about 0.4 % of the errors are truncated
# (with the paper's, about 17 % are, and the truncation alone pulls the X3
# slope from 0.58 to about 0.33 under OLS; no estimator would then recover
# the truth, IV included).
ENDOGENOUS_COBB_DOUGLAS = {
    "const": 0.15,
    "X1": 0.20,
    "X2": 0.15,
    "X3": 0.30,
    "X4": 0.0,
}
ENDOGENOUS_SIGMA = 0.20
ENDOGENEITY_DEFAULTS = {"strength": 0.3, "confounding": 0.5}
# the excluded instruments, columns of the frame and of data
INSTRUMENTS = ("training_subsidy", "tech_centre_access")
# the endogenous draws come from their own stream, spawned from the seed with
# this key, so the paper's stream (every other column) is left untouched
_ENDOGENEITY_STREAM = 27

# The stratified design (make_sme_survey(design=...)): a synthetic population
# drawn from the same process, from which the sample is drawn by stratum
# (metro area x size class). Assumed population shares: the metro areas
# roughly as their shares of the four areas' inhabitants (Monterrey about
# half), and micro firms far more common than in the paper's sample, as in
# any census of firms. The sample keeps the paper's allocation (Table 2's
# metro counts, its size shares), so micro firms and Monterrey are
# under-sampled and the weighted estimates differ from the unweighted ones.
POPULATION_METRO_SHARES = {
    "Tijuana": 0.22,
    "Juárez": 0.15,
    "Hermosillo": 0.10,
    "Monterrey": 0.53,
}
POPULATION_SIZE_SHARES = {"micro": 0.75, "small": 0.20, "medium": 0.05}
# Municipalities (the PSUs of the two-stage design) per metro area, each with
# MUNICIPALITY_DECAY times the firms of the one before (assumed), and the
# share of each latent factor's within-metro variance that the firms of one
# municipality share (assumed; about 0.05 on an item, less on the outcomes),
# so a clustered sample is less informative than a simple one of its size.
MUNICIPALITIES = {"Tijuana": 8, "Juárez": 6, "Hermosillo": 5, "Monterrey": 12}
MUNICIPALITY_DECAY = 0.8
MUNICIPALITY_CORRELATION = 0.2
# municipalities sampled per metro area in the two-stage design
TWO_STAGE_PSUS = 3
DESIGN_KINDS = {"stratified": 1, "two-stage": 2}
DESIGN_DEFAULTS = {"stages": 1, "population_size": 10_000, "population_seed": 0}
# the sample's design columns, as a spec's [design] table names them
DESIGN_COLUMNS = {
    "weight": "weight",
    "strata": "stratum",
    "cluster": "psu",
    "fpc": "fpc",
}
# the population's draws come from a stream of their own (seed, this key)
_POPULATION_STREAM = 26
# the paper's final logit (Table 10): innovated on X1 and X3
CENSUS_LOGIT_TERMS = ("X1", "X3")

DESCR = """\
Synthetic survey of knowledge-intensive SMEs (sklearn-innov)
===========================================================

THIS DATA IS SYNTHETIC. The survey behind Alonso, Contreras & Valenzuela
(2025), "Endogenous learning for innovation in knowledge-intensive SMEs", is
not public. These firms are drawn from a documented model whose marginals
match the paper's published tables and whose regressions match its Tables 9
to 11 within sampling error; no row is a real firm.

Calibration (large samples):
- metro area x activity: Table 2 (exact counts at n_samples=127; largest-
  remainder allocation of Table 2's shares otherwise); size 37.0/46.4/16.6 %.
- Likert items (1 = never ... 5 = very frequently): Table 3 (collab_*) and
  Table 6 (learn_*) row percentages; 0/1 items: Table 7's six ris_* rates
  (exact counts: the firms with the highest latent scores, 5, 16, 4, 3, 34
  and 30 of 127).
- owner_education by metro: Table 4; owner_age, owner_prior_jobs,
  owner_last_job_years means by metro: Table 5.
- innovated by metro: Table 8 (77.1, 63.3, 50.0, 40.6; 58.3 % in all).
- Tables 9 and 11 (over seeds at n = 127): the Cobb-Douglas sample has 121
  firms, as the paper's R² and F imply, and the paper's R², F and t lie
  inside the simulated 5-95 % ranges (simulate_paper_ranges gives them).

Model. Each mechanism has a latent factor (F1 collaboration, F2 owner, F3
learning, F4 regional innovation system), standard normal within a metro
area, correlated 0.5 across mechanisms. F1 and F3 are shifted by metro area
(Tijuana highest, Monterrey lowest). Each item is a threshold of
0.5 * factor + noise (a Gaussian copula); thresholds reproduce the published
percentages over the mixture of metro areas. The indices X1..X4 and Y are
CompositeIndex(spec=PAPER_SPEC) with its default settings (sums of min-max
normalised items).

- innovated, the yes/no answer on innovations to the main product or
  service, is 1 with probability expit(c + 0.54 X1 + 0.42 X3): no effect of
  X2 and X4, c and the metro shifts tuned to Table 8. The slopes are a
  quarter above Table 10's (0.4325, 0.3334) so that the stepwise logit keeps
  X1 and X3 on most seeds (about 70 %); Table 10's B, S.E., Wald and Sig.
  stay inside the simulated 5-95 % ranges.
- The innovation index follows the paper's Cobb-Douglas,
  Y = exp(c + b1 ln X1 + b2 ln X2 + b3 ln X3 + b4 ln X4 + u), with
  (c, b1, b2, b3, b4) = (-0.75, 0.40, 0.28, 0.58, 0) and u ~ N(0, 0.5^2)
  (an index at 0 enters at half its smallest positive value), except for 6
  of 127 firms, all of them non-innovators, which report no innovation of
  any kind (Y = 0). So Y > 0 for 121 firms and innovated = 1 for about 74:
  innovated is not Y > 0, as in the paper. A firm with Y > 0 reports one
  type of innovation at least and at most every type, world novelty and all
  sales from innovation, so Y lies in [1, 6] and errors that would leave it
  are redrawn (a truncated normal). The truncation pulls OLS slopes down and
  the intercept up: at n = 127 they come out near 0.23, 0.16, 0.33, 0.01
  and -0.04, close to Table 9 except its intercept (-0.624, whose t, -1.44,
  is inside the simulated range). The parameters were chosen by simulation
  for that, not copied from Table 9. The items behind Y (types of
  innovation, novelty, share of sales from innovation) are chosen so that
  the index equals the model's value (exactly at large n, where the share's
  observed maximum is 100).
- X4 = 0 (no relation with the regional innovation system) for about 5 % of
  firms, set by the assumed "never" shares of ris_university and
  ris_research_center; X4 affects neither outcome.

Assumptions where the paper gives no marginal (all documented in
sklearn_innov.datasets._paper): hires_consulting 45 %, digital_links and
willingness_innovate Likert shares, ris_university and ris_research_center
as frequencies of relations (Likert; "never" 15 % and 30 %, which set the
share of firms with X4 = 0), owner_languages 1/2/3+ = 25/60/15 %,
rd_income_share (0 for the lowest 20 %, else up to 30 % of income),
innovation types (product 80, process 60, organisational 40, marketing 35
relative weights), novelty (0 = improvement of something existing, 1 = new
to the firm, 2 = new to the country, 3 = new to the world).

Endogenous variant (endogeneity=dict(strength=a, confounding=b); off by
default, when the survey is exactly the one above). An unobserved firm effect
v ~ N(0, 1) and two excluded instruments, training_subsidy (0/1, eligibility
for a training subsidy, 50 %) and tech_centre_access (N(0, 1), proximity to a
technology centre), drawn independently of everything else, enter the
learning factor: F3 = shift + sqrt(1 - a^2 - b^2) F3' + a w + b v, with F3'
the factor above (so F3's variance within a metro area, and Table 6's
marginals, are unchanged) and w = (2 training_subsidy - 1 +
tech_centre_access) / sqrt(2). The innovation index then follows
ln Y = 0.15 + 0.20 ln X1 + 0.15 ln X2 + 0.30 ln X3 + 0 ln X4 + 0.2 (b v +
sqrt(1 - b^2) e), e ~ N(0, 1): smaller elasticities and errors than above,
so that about 0.4 % of the errors are truncated to [1, 6]. X3 is
endogenous (correlated with the error through v), X1, X2, X4 and the
instruments are exogenous, and the instruments move Y only through X3.
strength a sets the instruments' first-stage power (a = 0 makes them
irrelevant), confounding b the OLS bias. innovated does not depend on v.
Its draws come from a stream of their own: with the same seed, only the
learning items (learn_*, rd_income_share), innovated (through X3), Y's items
and the two new columns differ from the default survey. Measured over 200
seeds at n = 2,000 with the defaults (strength 0.3, confounding 0.5): OLS
gives the X3 elasticity 0.42 (sd 0.014) against the truth 0.30, 2SLS 0.29
(sd 0.07) with its 95 % interval covering 0.30 on 97 % of the seeds, and a
median first-stage F of 53; strength 0.1 gives F near 5, below Stock and
Yogo's 19.93, so the weak-instrument diagnostic flags the instruments.

Sample designs (design="stratified", "two-stage" or a dict; off by
default). A synthetic population of firms (10,000 by default, fixed by its
own seed) is drawn from the process above with the metro areas in assumed
shares Tijuana 22, Juárez 15, Hermosillo 10 and Monterrey 53 % (roughly
their shares of the four areas' inhabitants) and firm sizes micro 75, small
20, medium 5 % (assumed: censuses of firms are mostly micro firms); size, as
above, is drawn independently of the items. Each metro area has
municipalities (Tijuana 8, Juárez 6, Hermosillo 5, Monterrey 12; each with
0.8 times the firms of the one before; assumed), and each municipality an
effect u ~ N(0, 1), centred on its metro area's firms, shared by the four
latent factors of its firms: F = shift + sqrt(0.8) (F' - shift) +
sqrt(0.2) u, F' as above (so the factors keep their metro means and about
unit variance, and correlate about 0.6). The stratified design is a
stratified simple random sample without replacement, strata metro area x
size class, allocated as the paper's sample (Table 2's metro counts,
37.0/46.4/16.6 % sizes within each), so Monterrey and micro firms are
under-sampled: the innovation rate is about 54 % in the population and
about 59 % in an unweighted sample. Design columns: weight (N_h / n_h),
stratum, psu (the firm's population row), fpc (N_h). The two-stage design
draws 3 municipalities per metro area (strata) by simple random sampling,
then Table 2's metro count of firms split about equally among them, by
simple random sampling: weight (M_h / 3) (N_c / n_c), stratum (the metro
area), psu (the municipality), fpc (M_h, municipalities in the metro area),
fpc2 (N_c, firms in the municipality). The population's known values and
the census values of the Cobb-Douglas (OLS) and of Table 10's logit (MLE),
both fitted on every firm with statsmodels, are in survey.population.

For learning, data and feature_names hold the features only: never the
target innovated, never the items of the outcome Y (innov_*), which would
leak it; frame keeps every column.
"""


def make_sme_survey(
    n_samples: int = PAPER_N,
    *,
    random_state: int | np.random.RandomState | None = None,
    endogeneity: Mapping[str, float] | None = None,
    design: DesignName | Mapping[str, Any] | None = None,
) -> Bunch:
    """Draw a synthetic survey of knowledge-intensive SMEs.

    Parameters
    ----------
    n_samples : int, default=127
        Number of firms (the paper surveyed 127).
    random_state : int, RandomState instance or None, default=None
        Seed for reproducible draws.
    endogeneity : dict or None, default=None
        None: the paper's survey, unchanged. A dict makes the learning index
        X3 endogenous with two valid excluded instruments (columns
        ``training_subsidy`` and ``tech_centre_access``): an unobserved firm
        effect enters both X3's latent learning factor and the Cobb-Douglas
        error. Keys (missing ones take their default):

        - ``strength`` (float >= 0, default 0.3): the instruments' loading on
          the learning factor (0: irrelevant instruments; at n = 2,000,
          0.3 gives a first-stage F near 50 and 0.1 near 5, below Stock and
          Yogo's 19.93 for two instruments);
        - ``confounding`` (float in [0, 1), default 0.5): the firm effect's
          loading on the learning factor and, in standard deviations, on
          the Cobb-Douglas error (0: X3 is exogenous).

        ``strength**2 + confounding**2`` must be below 1. The Cobb-Douglas
        then has its own structural elasticities (``truth["cobb_douglas"]``;
        see ``DESCR``).
    design : None, "stratified", "two-stage" or dict, default=None
        None: a simple survey, the paper's. Otherwise a synthetic
        *population* of firms is drawn from the same generating process
        (plus a municipality effect, see ``DESCR``), fixed by its own seed,
        and ``n_samples`` firms are sampled from it with ``random_state``,
        the paper's metro counts (Table 2) kept, while the population has
        Monterrey and micro firms far more often, so inclusion probabilities
        differ and weighted estimates differ from unweighted ones.
        "stratified" (``stages=1``): a stratified simple random sample of
        firms, strata metro area x size class (12), the paper's size shares
        within each (inclusion probabilities from about 0.003 to 0.1 at the
        defaults). "two-stage" (``stages=2``): strata are the metro areas;
        3 municipalities are drawn in each by simple random sampling, then
        firms within each drawn municipality (about equal numbers). A dict
        sets the options (missing keys take their default):

        - ``stages`` (1 or 2, default 1): the design, as above;
        - ``population_size`` (int >= 1,000, default 10,000): firms in the
          population;
        - ``population_seed`` (int >= 0, default 0): the population's seed;
          the same seed gives the same population whatever ``random_state``,
          so repeated samples share one set of census values.

        Cannot be combined with ``endogeneity``.

    Returns
    -------
    survey : Bunch
        ``frame`` (DataFrame, a row per firm, every column), ``data`` (the
        features only: the frame without the target ``innovated`` and
        without the items of the outcome Y, ``innov_*``, which would leak
        it), ``target`` (the 0/1 ``innovated`` column), ``feature_names``
        (the columns of ``data``), ``spec`` (= ``PAPER_SPEC``), ``truth`` (the
        generating parameters on the scale of
        ``CompositeIndex(spec=PAPER_SPEC)``: ``truth["logit"]`` and
        ``truth["cobb_douglas"]`` map "const", "X1".."X4" to coefficients;
        ``truth["cobb_douglas_bounds"]`` is the range of Y > 0 the errors are
        truncated to) and ``DESCR``. With ``endogeneity``,
        ``truth["endogeneity"]`` holds ``endogenous`` ("X3"), ``instruments``
        (the two column names), ``strength`` and ``confounding``, and
        ``truth["cobb_douglas"]`` the structural elasticities that OLS misses
        and IV estimates.

        With ``design``, ``frame`` also holds the design columns
        ``weight`` (the expansion factor, 1 / inclusion probability),
        ``stratum``, ``psu`` and ``fpc`` (as R's ``svydesign(fpc=)`` takes
        it), none of them in ``data``. In the stratified design ``stratum``
        is "Tijuana/micro", ..., ``psu`` the firm's row in the population
        (each firm is its own primary sampling unit), ``fpc`` the stratum's
        number of firms, and the weights of a stratum sum to it exactly. In
        the two-stage design ``stratum`` is the metro area, ``psu`` the
        municipality ("Tijuana-3"), ``fpc`` the metro area's number of
        municipalities and a further column ``fpc2`` the municipality's
        number of firms (R's ``fpc = ~fpc + fpc2``); the weights of a
        metro area sum to its number of firms on average over samples.
        ``design`` maps the keys of a spec's ``[design]`` table to those
        columns (``weights = "probability"``). ``population`` is a Bunch of
        the population's known values: ``frame`` (every firm, with its
        ``municipality``), ``size``, ``seed``, ``stratum_sizes`` (a Series,
        firms by metro area x size class), ``municipality_sizes`` (firms by
        municipality), ``means`` (of every numeric column, ``innovated``
        included, and of the indices X1..X4 and Y: a 0/1 item's mean is its
        share), ``totals`` (``means * size``), ``shares`` (of the text
        columns' values), ``item_bounds`` (each item's population minimum
        and maximum: pass them as ``CompositeIndex(spec=PAPER_SPEC,
        bounds=...)`` so a sample's indices are on the population's scale),
        and the census values of the paper's models on every firm, fitted
        with statsmodels: ``cobb_douglas`` (OLS of ln Y on ln X1..X4 over
        the ``cobb_douglas_n`` firms with Y > 0, zero indices at half their
        smallest positive value, as the report fits it) and ``logit`` (the
        MLE of Table 10's model, ``innovated`` on X1 and X3). These census
        values, not ``truth``, are what a design-based estimate from the
        sample estimates.

    Notes
    -----
    The data are synthetic and calibrated to the published marginals
    (Tables 2-8) and regressions (Tables 9-11, within sampling error: see
    :func:`simulate_paper_ranges`); read ``DESCR`` for the model and every
    assumption. ``innovated`` is not ``Y > 0``: about 121 of 127 firms have
    a positive innovation index, and about 74 innovated.

    Examples
    --------
    >>> from sklearn_innov.datasets import make_sme_survey
    >>> survey = make_sme_survey(random_state=0)
    >>> survey.frame.shape[0], int(survey.frame["metro_area"].eq("Tijuana").sum())
    (127, 35)
    >>> endogenous = make_sme_survey(
    ...     2_000, random_state=0, endogeneity={"strength": 0.3, "confounding": 0.5}
    ... )
    >>> endogenous.truth["endogeneity"]["instruments"]
    ['training_subsidy', 'tech_centre_access']
    >>> sample = make_sme_survey(random_state=0, design="stratified")
    >>> sample.design["strata"], sample.design["weights"]
    ('stratum', 'probability')
    >>> bool(sample.frame["weight"].sum().round(6) == sample.population.size)
    True
    """
    if not isinstance(n_samples, (int, np.integer)) or n_samples < 1:
        raise ValueError(f"n_samples must be a positive integer; got {n_samples!r}.")
    endogeneity = _check_endogeneity(endogeneity)
    design = _check_design(design)
    if design is not None and endogeneity is not None:
        raise ValueError(
            "design and endogeneity cannot be combined yet (the synthetic "
            "population is the paper's exogenous one); pass one of them."
        )
    rng = check_random_state(random_state)
    seed = rng.randint(0, 2**31 - 1)
    rng = np.random.default_rng(seed)
    n = int(n_samples)
    if design is not None:
        return _design_survey(n, design, rng)

    metro, activity = _metro_activity(n, rng)
    size = rng.choice(3, size=n, p=_normalised(list(SIZE_SHARES.values())))
    frame, truth = _draw_firms(metro, activity, size, seed, rng, endogeneity)
    return _survey_bunch(frame, truth)


def _draw_firms(
    metro, activity, size, seed, rng, endogeneity=None, municipality_effect=None
):
    """Every column of the firms of the given metro areas, activities and sizes.

    The generating process of the module docstring (and ``DESCR``), shared by
    the paper's survey and the synthetic population of the sample designs
    (which adds a ``municipality_effect``, one value per firm, to the latent
    factors); returns the frame and the ``truth`` dict.
    """
    n = metro.size
    frame = pd.DataFrame(
        {
            "metro_area": pd.Categorical(np.array(METROS)[metro], categories=METROS),
            "activity": np.where(activity == 0, "manufacturing", "services"),
            "size": np.array(list(SIZE_SHARES))[size],
        }
    )
    factors = _factors(metro, rng)
    if municipality_effect is not None:
        _share_municipality_effect(factors, metro, municipality_effect)
    if endogeneity is not None:
        # its own stream: the paper's stream (rng) is drawn exactly as without
        endo_rng = np.random.default_rng([seed, _ENDOGENEITY_STREAM])
        firm_effect, instruments = _endogenous_learning(
            factors, metro, endogeneity, endo_rng
        )
    _add_items(frame, metro, factors, rng)
    if endogeneity is not None:
        for name, column in instruments.items():
            frame[name] = column

    # the outcomes depend on the four indices (each index is the sum of its own
    # items' min-max scores, so Y need not exist yet to build them)
    regressors = [name for name in PAPER_SPEC if name != "Y"]
    indices = np.asarray(
        CompositeIndex(spec={k: PAPER_SPEC[k] for k in regressors}).fit_transform(frame)
    )
    eta = LOGIT["const"] + indices @ np.array([LOGIT[k] for k in regressors])
    innovated = rng.random(n) < special.expit(eta)
    frame["innovated"] = innovated.astype(int)
    # a few firms that did not innovate report no innovation of any kind:
    # 6 of 127 (the same share, rounded, at other sizes), chosen at random
    if endogeneity is None:
        y = _innovation_index(indices, rng)
    else:
        y = _innovation_index(
            indices,
            rng,
            coefs=ENDOGENOUS_COBB_DOUGLAS,
            sigma=ENDOGENOUS_SIGMA,
            firm_effect=firm_effect,
            confounding=endogeneity["confounding"],
        )
    others = np.flatnonzero(~innovated)
    count = min(others.size, int(np.rint(NO_INNOVATION * n)))
    y[rng.choice(others, size=count, replace=False)] = 0.0
    _add_innovation(frame, y, rng)
    truth = {
        "logit": dict(LOGIT),
        "cobb_douglas": dict(COBB_DOUGLAS),
        "cobb_douglas_sigma": COBB_DOUGLAS_SIGMA,
        "cobb_douglas_bounds": Y_RANGE,
        "metro_shift": dict(METRO_SHIFT),
        "loading": LOADING,
        "factor_correlation": FACTOR_CORRELATION,
    }
    if endogeneity is not None:
        truth["cobb_douglas"] = dict(ENDOGENOUS_COBB_DOUGLAS)
        truth["cobb_douglas_sigma"] = ENDOGENOUS_SIGMA
        truth["endogeneity"] = {
            "endogenous": "X3",
            "instruments": list(INSTRUMENTS),
            **endogeneity,
        }
    return frame, truth


def _survey_bunch(frame, truth, drop=(), **extra):
    """The Bunch of a survey: ``data`` leaves out the target, Y's items, ``drop``."""
    target = frame["innovated"].copy()
    # what a model may learn from: never the target, never the outcome's items
    data = frame.drop(columns=["innovated", *PAPER_SPEC["Y"], *drop])
    return Bunch(
        frame=frame,
        data=data,
        target=target,
        feature_names=list(data.columns),
        spec={k: list(v) for k, v in PAPER_SPEC.items()},
        truth=truth,
        DESCR=DESCR,
        **extra,
    )


# -- the sample designs --------------------------------------------------------


def _check_design(design):
    """The design option with its defaults filled in, or None."""
    if design is None:
        return None
    if isinstance(design, str):
        if design not in DESIGN_KINDS:
            raise ValueError(
                f"design must be None, {' or '.join(map(repr, DESIGN_KINDS))} or "
                f"a dict; got {design!r}."
            )
        design = {"stages": DESIGN_KINDS[design]}
    if not isinstance(design, dict):
        raise TypeError(
            f"design must be None, {' or '.join(map(repr, DESIGN_KINDS))} or a "
            "dict such as {'stages': 2, 'population_size': 10_000}; got "
            f"{type(design).__name__}."
        )
    unknown = sorted(set(design) - set(DESIGN_DEFAULTS), key=str)
    if unknown:
        raise ValueError(
            f"design has unknown key(s) {unknown}; use {sorted(DESIGN_DEFAULTS)}."
        )
    option = {**DESIGN_DEFAULTS, **design}
    # 1,000 firms leave 10 or more in every stratum and every rare relation
    # of Table 7 present (a smaller population makes constant items)
    for key, low in (("population_size", 1_000), ("population_seed", 0)):
        value = option[key]
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise TypeError(f"design['{key}'] must be an integer; got {value!r}.")
        if value < low:
            raise ValueError(f"design['{key}'] must be {low:,} or more; got {value!r}.")
        option[key] = int(value)
    if isinstance(option["stages"], bool) or option["stages"] not in (1, 2):
        raise ValueError(
            "design['stages'] must be 1 (firms sampled within metro area x size "
            "class) or 2 (municipalities, then firms within them); got "
            f"{option['stages']!r}."
        )
    return option


def _strata():
    """The strata of the one-stage design, metro area x size class, and labels."""
    sizes = list(SIZE_SHARES)
    return [(m, s, f"{METROS[m]}/{sizes[s]}") for m in range(4) for s in range(3)]


@cache
def _population(population_size, population_seed):
    """The synthetic population with its census values, and the truth dict.

    Cached: callers copy what they hand out.

    Metro areas and, within each, size classes, activities (Table 2's split)
    and municipalities have exact counts by largest remainder; every other
    column comes from the paper's generating process (:func:`_draw_firms`),
    with a municipality effect in the latent factors.
    """
    rng = np.random.default_rng([population_seed, _POPULATION_STREAM])
    n = population_size
    metro = np.repeat(
        np.arange(4), _allocate([POPULATION_METRO_SHARES[m] for m in METROS], n)
    )
    activity = np.empty(n, dtype=int)
    size = np.empty(n, dtype=int)
    municipality = np.empty(n, dtype=object)
    effect = np.empty(n)
    for m, name in enumerate(METROS):
        rows = np.flatnonzero(metro == m)
        activity[rows] = np.repeat([0, 1], _allocate(TABLE2[name], rows.size))
        counts = _allocate(list(POPULATION_SIZE_SHARES.values()), rows.size)
        size[rows] = rng.permutation(np.repeat([0, 1, 2], counts))
        # municipalities, each MUNICIPALITY_DECAY times the one before
        k = MUNICIPALITIES[name]
        counts = _allocate(MUNICIPALITY_DECAY ** np.arange(k), rows.size)
        which = rng.permutation(np.repeat(np.arange(k), counts))
        municipality[rows] = np.array([f"{name}-{j + 1}" for j in range(k)])[which]
        # their effects, centred on the metro area's firms (its mean unmoved)
        u = rng.standard_normal(k)
        effect[rows] = (u - counts @ u / rows.size)[which]
    frame, truth = _draw_firms(
        metro, activity, size, population_seed, rng, municipality_effect=effect
    )
    frame.insert(1, "municipality", municipality.astype(str))
    labels = {(m, s): label for m, s, label in _strata()}
    strata = pd.Series(
        [labels[key] for key in zip(metro, size, strict=True)], name="stratum"
    )
    stratum_sizes = (
        strata.value_counts()
        .reindex([label for *_, label in _strata()], fill_value=0)
        .rename("N_h")
    )
    order = [f"{m}-{j + 1}" for m in METROS for j in range(MUNICIPALITIES[m])]
    municipality_sizes = frame["municipality"].value_counts().reindex(order)
    municipality_sizes = municipality_sizes.rename("N_c")

    items = [item for group in PAPER_SPEC.values() for item in group]
    bounds = {}
    for item in items:
        low, high = frame[item].min(), frame[item].max()
        bounds[item] = (low.item(), high.item())
    indices = CompositeIndex(spec=PAPER_SPEC, bounds=bounds).fit_transform(frame)
    indices = pd.DataFrame(np.asarray(indices), columns=list(PAPER_SPEC))
    numeric = frame.select_dtypes("number")
    means = pd.concat([numeric.mean(), indices.mean()])
    shares = {
        column: frame[column].value_counts(normalize=True, sort=False)
        for column in ("metro_area", "activity", "size", "owner_education")
    }
    population = Bunch(
        frame=frame,
        size=n,
        seed=population_seed,
        stratum_sizes=stratum_sizes,
        municipality_sizes=municipality_sizes,
        means=means,
        totals=means * n,
        shares=shares,
        item_bounds=bounds,
        **_census_models(indices, frame["innovated"].to_numpy()),
    )
    return population, truth


def _census_models(indices, innovated):
    """The paper's Cobb-Douglas (OLS) and final logit (MLE) on every firm.

    The Cobb-Douglas is fitted as the report fits it: on the firms with
    ``Y > 0``, zero indices at half their smallest positive value.
    """
    regressors = [name for name in PAPER_SPEC if name != "Y"]
    positive = indices["Y"].to_numpy() > 0
    logs = np.log(_floor_zeros(indices.loc[positive, regressors].to_numpy()))
    ols = sm.OLS(
        np.log(indices.loc[positive, "Y"].to_numpy()), sm.add_constant(logs)
    ).fit()
    exog = sm.add_constant(indices[list(CENSUS_LOGIT_TERMS)].to_numpy())
    logit = sm.Logit(innovated, exog).fit(disp=False, method="newton", tol=1e-12)
    if not logit.mle_retvals["converged"]:  # pragma: no cover - 10 iterations
        raise RuntimeError("the census logit did not converge.")
    return {
        "cobb_douglas": dict(
            zip(["const", *regressors], ols.params.tolist(), strict=True)
        ),
        "cobb_douglas_n": int(positive.sum()),
        "logit": dict(
            zip(["const", *CENSUS_LOGIT_TERMS], logit.params.tolist(), strict=True)
        ),
    }


def _metro_allocation(n):
    """Firms sampled per metro area: Table 2's metro counts at any size."""
    return _allocate([sum(TABLE2[m]) for m in METROS], n)


def _too_few(n, count, where, available, unit="firm"):
    """The error for a sample size a stratum or municipality cannot take."""
    return ValueError(
        f"n_samples={n} allocates {count} {unit}(s) to {where}, whose population "
        f"has {available}; it needs 2 at least (for its variance) and at most "
        "its population: "
        + (
            "raise n_samples."
            if count < 2
            else "lower n_samples or raise design['population_size']."
        )
    )


def _one_stage(n, population, rng):
    """Stratified simple random sampling of firms, strata metro area x size."""
    frame = population.frame
    sizes = pd.Categorical(frame["size"], categories=list(SIZE_SHARES)).codes
    code = frame["metro_area"].cat.codes.to_numpy() * 3 + sizes
    allocation = [
        _allocate(list(SIZE_SHARES.values()), count) for count in _metro_allocation(n)
    ]
    parts = {"row": [], "stratum": [], "fpc": [], "weight": []}
    for (m, s, stratum), n_h in zip(_strata(), np.concatenate(allocation), strict=True):
        big_n = int(population.stratum_sizes[stratum])
        if n_h < 2 or n_h > big_n:
            raise _too_few(n, n_h, f"stratum {stratum!r}", big_n)
        rows = np.flatnonzero(code == 3 * m + s)
        parts["row"].append(np.sort(rng.choice(rows, size=n_h, replace=False)))
        parts["stratum"].append(np.repeat(stratum, n_h))
        parts["fpc"].append(np.repeat(big_n, n_h))
        parts["weight"].append(np.repeat(big_n / n_h, n_h))
    design = pd.DataFrame({k: np.concatenate(v) for k, v in parts.items()})
    design["psu"] = design["row"]
    return design


def _two_stage(n, population, rng):
    """Municipalities by simple random sampling within metro areas, then firms."""
    municipality = population.frame["municipality"].to_numpy()
    parts = {"row": [], "stratum": [], "psu": [], "fpc": [], "fpc2": [], "weight": []}
    for name, n_h in zip(METROS, _metro_allocation(n), strict=True):
        labels = [f"{name}-{j + 1}" for j in range(MUNICIPALITIES[name])]
        psus = np.sort(rng.choice(len(labels), size=TWO_STAGE_PSUS, replace=False))
        takes = _allocate(np.ones(TWO_STAGE_PSUS), n_h)
        for psu, take in zip(psus, takes, strict=True):
            big_n = int(population.municipality_sizes[labels[psu]])
            if take < 2 or take > big_n:
                raise _too_few(n, take, f"municipality {labels[psu]!r}", big_n)
            rows = np.flatnonzero(municipality == labels[psu])
            parts["row"].append(np.sort(rng.choice(rows, size=take, replace=False)))
            parts["stratum"].append(np.repeat(name, take))
            parts["psu"].append(np.repeat(labels[psu], take))
            parts["fpc"].append(np.repeat(len(labels), take))
            parts["fpc2"].append(np.repeat(big_n, take))
            weight = len(labels) / TWO_STAGE_PSUS * big_n / take
            parts["weight"].append(np.repeat(weight, take))
    return pd.DataFrame({k: np.concatenate(v) for k, v in parts.items()})


def _design_survey(n, design, rng):
    """A sample of the synthetic population drawn with ``design``."""
    population, truth = _population(
        design["population_size"], design["population_seed"]
    )
    draw = _one_stage if design["stages"] == 1 else _two_stage
    sample = draw(n, population, rng)
    frame = population.frame.iloc[sample.pop("row").to_numpy()]
    frame = frame.reset_index(drop=True)
    columns = [*DESIGN_COLUMNS.values(), *(["fpc2"] if "fpc2" in sample else [])]
    frame[columns] = sample[columns]
    return _survey_bunch(
        frame,
        copy.deepcopy(truth),
        drop=columns,
        population=copy.deepcopy(population),
        design={
            **DESIGN_COLUMNS,
            **({"fpc2": "fpc2"} if "fpc2" in columns else {}),
            "weights": "probability",
        },
    )


# -- pieces ---------------------------------------------------------------------


def _check_endogeneity(endogeneity):
    """The endogeneity option with its defaults filled in, or None."""
    if endogeneity is None:
        return None
    if not isinstance(endogeneity, dict):
        raise TypeError(
            "endogeneity must be None or a dict such as "
            "{'strength': 0.3, 'confounding': 0.5}; "
            f"got {type(endogeneity).__name__}."
        )
    unknown = sorted(set(endogeneity) - set(ENDOGENEITY_DEFAULTS))
    if unknown:
        raise ValueError(
            f"endogeneity has unknown key(s) {unknown}; use 'strength' and "
            "'confounding' only."
        )
    option = {**ENDOGENEITY_DEFAULTS, **endogeneity}
    for key, value in option.items():
        if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
            raise TypeError(f"endogeneity['{key}'] must be a number; got {value!r}.")
        option[key] = float(value)
    strength, confounding = option["strength"], option["confounding"]
    if not (np.isfinite(strength) and strength >= 0):
        raise ValueError(
            "endogeneity['strength'] must be a finite number, 0 or more; "
            f"got {strength!r}."
        )
    if not (np.isfinite(confounding) and 0 <= confounding < 1):
        raise ValueError(
            f"endogeneity['confounding'] must be in [0, 1); got {confounding!r}."
        )
    if strength**2 + confounding**2 >= 1:
        raise ValueError(
            "endogeneity needs strength**2 + confounding**2 < 1 (they share "
            "the learning factor's unit variance); got "
            f"{strength**2 + confounding**2:.3g}. Lower one of them."
        )
    return option


def _endogenous_learning(F, metro, option, rng):
    """Make the learning factor F3 endogenous, in place; return v and the Zs.

    ``F3 = shift + sqrt(1 - a^2 - b^2) F3' + a w + b v``: the within-metro
    variance stays 1, so the learning items keep Table 6's marginals.
    """
    n = metro.size
    firm_effect = rng.standard_normal(n)
    subsidy = (rng.random(n) < 0.5).astype(int)
    access = rng.standard_normal(n)
    w = (2.0 * subsidy - 1.0 + access) / np.sqrt(2.0)
    a, b = option["strength"], option["confounding"]
    shift = np.array([METRO_SHIFT[m] for m in METROS])[metro]
    F[:, 2] = shift + np.sqrt(1.0 - a**2 - b**2) * (F[:, 2] - shift)
    F[:, 2] += a * w + b * firm_effect
    return firm_effect, dict(zip(INSTRUMENTS, (subsidy, access), strict=True))


def _normalised(p):
    p = np.asarray(p, dtype=np.float64)
    return p / p.sum()


def _allocate(shares, n):
    """``n`` split in proportion to ``shares`` by largest remainder (ties: first)."""
    shares = np.asarray(shares, dtype=float)
    exact = shares / shares.sum() * n
    counts = np.floor(exact).astype(int)
    counts[np.argsort(-(exact - counts), kind="stable")[: n - counts.sum()]] += 1
    return counts


def _metro_activity(n, rng):
    """Metro x activity cells: Table 2's shares by largest remainder, shuffled."""
    cells = np.array([TABLE2[m] for m in METROS], dtype=float).ravel()
    counts = _allocate(cells, n)
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


def _share_municipality_effect(F, metro, effect):
    """``F = shift + sqrt(1 - r) (F - shift) + sqrt(r) effect``, in place.

    Every factor of a firm gets its municipality's effect, with weight
    ``r = MUNICIPALITY_CORRELATION``: the factors keep their metro means and
    about unit variance within a metro area, and correlate a little more
    (0.5 + 0.5 r).
    """
    shift = np.zeros_like(F)
    shift[:, [0, 2]] = np.array([METRO_SHIFT[m] for m in METROS])[metro][:, None]
    r = MUNICIPALITY_CORRELATION
    F[:] = shift + np.sqrt(1 - r) * (F - shift) + np.sqrt(r) * effect[:, None]


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


def _binary(factor, rate, rng):
    """A 0/1 item with exactly ``round(rate % of n)`` ones: the highest scores.

    The paper's rates are counts of its 127 firms (2.4 % is 3 firms), so at
    the default size the counts are the paper's, and a rare relation is
    never absent from the whole sample (a constant item) by chance.
    """
    ones = int(np.rint(rate / 100.0 * factor.size))
    scores = _item_scores(factor, rng)
    item = np.zeros(factor.size, dtype=int)
    if 0 < ones < factor.size:
        # the ``ones`` highest scores: a partition, not a sort (continuous
        # scores do not tie, so the set is the one a stable sort would give)
        item[np.argpartition(-scores, ones - 1)[:ones]] = 1
    elif ones >= factor.size:
        item[:] = 1
    return item


def _add_items(frame, metro, F, rng):
    n = metro.size
    for name, pct in TABLE3.items():
        frame[name] = _likert(F[:, 0], pct, True, rng)
    frame["hires_consulting"] = _binary(
        F[:, 0], ASSUMED_BINARY["hires_consulting"], rng
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
        frame[name] = _binary(F[:, 3], rate, rng)
    for name, pct in ASSUMED_RIS_LIKERT.items():
        frame[name] = _likert(F[:, 3], pct, False, rng)


def _floor_zeros(values):
    """Zeros of each column at half the column's smallest positive value.

    The report's ``zeros = "floor"`` (one implementation: ``apply_zeros``); a
    column with no positive value is taken at 1 (ln 1 = 0).
    """
    values = np.asarray(values, dtype=np.float64)
    floors = np.nan_to_num(smallest_positive_half(values), nan=1.0)
    return apply_zeros(values, "floor", floors=floors)[0]


def _innovation_index(
    indices,
    rng,
    coefs=COBB_DOUGLAS,
    sigma=COBB_DOUGLAS_SIGMA,
    firm_effect=None,
    confounding=0.0,
):
    """The innovation index Y of every firm from the Cobb-Douglas of the indices.

    ``Y = exp(c + sum_k b_k ln X_k + u)``, an index equal to 0 taken at half
    its smallest positive value (the floor the report applies). A firm with
    ``Y > 0`` reports one type of innovation at least and can express at most
    6 (every type, world novelty, all sales from innovation): errors that
    would leave ``Y_RANGE`` are redrawn. With ``firm_effect`` v and
    ``confounding`` b (the endogenous variant) the error is
    ``sigma (b v + sqrt(1 - b^2) e)``; only ``e`` is redrawn.
    """
    base = coefs["const"] + np.log(_floor_zeros(indices)) @ np.array(
        [coefs[f"X{k}"] for k in range(1, indices.shape[1] + 1)]
    )
    scale = sigma
    if firm_effect is not None:  # the error's fixed part, b v, is not redrawn
        base = base + sigma * confounding * firm_effect
        scale = sigma * np.sqrt(1.0 - confounding**2)
    low, high = np.log(Y_RANGE[0] + 1e-9), np.log(Y_RANGE[1])
    noise = scale * rng.standard_normal(base.size)
    for _ in range(100):  # truncated normal errors by rejection
        out = (base + noise <= low) | (base + noise >= high)
        if not out.any():
            break
        noise[out] = scale * rng.standard_normal(int(out.sum()))
    return np.exp(np.clip(base + noise, low, high))


def _add_innovation(frame, y, rng):
    """Innovation items whose normalised sum is ``y`` (0 where ``y`` is 0)."""
    n = y.size
    for name in (*INNOVATION_TYPES, "innov_novelty"):
        frame[name] = 0
    frame["innov_sales_share"] = 0.0
    rows = np.flatnonzero(y > 0)
    if rows.size == 0:
        return
    target = y[rows]

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
