"""Design-based and cluster-robust variance: the one place they are defined.

A survey sample has a design: strata, clusters (primary sampling units,
PSUs) drawn within them, perhaps a finite population correction, and
probability weights. :class:`SurveyDesign` validates one; the functions
below take what any M-estimator produces -- the per-row contributions
``u_i`` to its estimating equations ``sum_i u_i(b) = 0`` and the "bread"
``A^-1``, the inverse of ``-d/db sum_i u_i`` -- and return the covariance of
``b``. They know nothing of the model: least squares, the logit and the
two-part model all pass their scores and their inverse information.

- :func:`design_covariance`: Taylor linearisation exactly as R's
  ``survey::svyglm`` computes it (``svy.varcoef`` -> ``svyrecvar`` ->
  ``onestrat``): stratum-centred PSU totals of the scores, times
  ``n_h / (n_h - 1)`` and ``1 - f_h``, in a sandwich with the bread.
- :func:`cluster_covariance`: cluster-robust CR1 as statsmodels'
  ``cov_type="cluster"`` (``sandwich_covariance.cov_cluster``).
- :func:`survey_mean` and :func:`survey_proportions`: design-based means
  and shares with linearised standard errors, as ``svymean`` (and within a
  domain, keeping the whole design, as ``svyby``).
- :func:`frequency_mean`: means under frequency weights (a row of weight
  ``w`` is ``w`` respondents), exactly those of the replicated rows.
"""

from dataclasses import dataclass

import numpy as np
from scipy import stats

from ..exceptions import ReplicateFitError, SklearnInnovWarning
from ..utils._lazy import pd
from ..utils._validation import format_labels, format_rows
from ..utils._warnings import warn

__all__ = [
    "JackknifeVariance",
    "SurveyDesign",
    "VARIANCES",
    "check_survey_variance",
    "cluster_covariance",
    "cr1_factor",
    "design_covariance",
    "design_df_message",
    "expansion_factor_message",
    "mean_one",
    "design_for_cov_type",
    "frequency_mean",
    "jackknife_covariance",
    "jackknife_df",
    "jackknife_info",
    "jackknife_least_squares",
    "jackknife_mean",
    "replicate_variance",
    "stacked_covariance",
    "survey_mean",
    "survey_proportions",
]

_LONELY = ("fail", "certainty", "remove", "adjust")


def _labels(values, name, n, owner, row_labels):
    """Codes and labels of a per-row grouping column; refuse length and gaps."""
    if hasattr(values, "to_numpy"):
        values = values.to_numpy()
    values = np.asarray(values)
    if values.ndim != 1 or values.shape[0] != n:
        shape = values.shape[0] if values.ndim == 1 else values.shape
        raise ValueError(
            f"{owner}: {name} has {shape} value(s) but the data have {n} row(s); "
            f"pass one {name} label per row, in the rows' order."
        )
    missing = pd.isna(values)
    if missing.any():
        rows = row_labels[np.flatnonzero(missing)]
        raise ValueError(
            f"{owner}: {name} is missing in {int(missing.sum())} row(s) "
            f"({format_rows(rows)}); every row needs its {name} label. Fill them "
            f"in, or leave those rows out of X, y and {name} alike."
        )
    if values.dtype == object:
        values = values.astype(str)
    uniques, codes = np.unique(values, return_inverse=True)
    return codes.reshape(-1).astype(np.intp), uniques


@dataclass(frozen=True, eq=False)
class SurveyDesign:
    """A validated survey design (build it with :meth:`from_arrays`).

    Rows are the units of a fitted model or an estimate; every array has one
    entry per row. A multi-stage design given with a first-stage fpc only is
    treated with its first stage (R's ``survey.ultimate.cluster``, Stata's
    default): the variance then comes from the PSUs alone, which
    under-states it when many PSUs are sampled (``1 - f_h`` then removes
    the within-PSU variance too). Given an fpc for both stages (two
    columns), the rows are the second-stage units sampled within their PSU
    and the variance adds the second stage's, as R's ``svydesign(ids =
    ~psu + firm, fpc = ~fpc1 + fpc2)``.

    Attributes
    ----------
    stratum : ndarray of int, shape (n_rows,)
        Stratum code of each row (0 for every row without strata).
    psu : ndarray of int, shape (n_rows,)
        PSU code of each row, unique across strata (each row its own PSU
        without clusters).
    n_psu : ndarray of int, shape (n_strata,)
        ``n_h``, the PSUs of each stratum in the design as built: a
        :meth:`subset` keeps them, as R's subsets of a design do.
    fraction : ndarray of float, shape (n_strata,)
        ``f_h = n_h / N_h``, the first-stage sampling fraction (0 without
        fpc: sampling with replacement).
    weights : ndarray of shape (n_rows,) or None
        Probability (sampling) weights, ``1 / pi_i``.
    stratum_labels, psu_labels : ndarray
        The labels the codes stand for.
    has_strata, has_clusters : bool
    lonely_psu : str
        What a stratum with a single PSU contributes (see :meth:`from_arrays`).
    fraction2 : ndarray of float, shape (n_psu_codes,) or None
        ``f_2i = m_i / M_i``, the second-stage sampling fraction of each PSU
        (None for a one-stage design).
    psu_rows : ndarray of int, shape (n_psu_codes,)
        ``m_i``, the rows of each PSU in the design as built (a
        :meth:`subset` keeps them).
    psu_stratum : ndarray of int, shape (n_psu_codes,)
        The stratum of every PSU of the design as built, those a
        :meth:`subset` left without a row included (the jackknife deletes
        them too).
    """

    stratum: np.ndarray
    psu: np.ndarray
    n_psu: np.ndarray
    fraction: np.ndarray
    weights: np.ndarray | None
    stratum_labels: np.ndarray
    psu_labels: np.ndarray
    has_strata: bool
    has_clusters: bool
    lonely_psu: str = "fail"
    fraction2: np.ndarray | None = None
    psu_rows: np.ndarray | None = None
    psu_stratum: np.ndarray | None = None

    @classmethod
    def from_arrays(
        cls,
        n_rows,
        *,
        strata=None,
        cluster=None,
        fpc=None,
        weights=None,
        lonely_psu="fail",
        nest=False,
        row_labels=None,
        owner="survey design",
    ):
        """Validate a design given per row, as R's ``svydesign`` reads it.

        Parameters
        ----------
        n_rows : int
            Number of rows every array must have.
        strata : array-like of shape (n_rows,), optional
            Stratum label of each row; None: a single stratum.
        cluster : array-like of shape (n_rows,), optional
            PSU (first-stage cluster) label of each row; None: each row is
            its own PSU. A PSU must lie in a single stratum.
        fpc : array-like of shape (n_rows,) or float, optional
            Finite population correction, constant within a stratum: the
            population count ``N_h`` of first-stage units (PSUs, or rows
            without clusters) of the row's stratum when any value (of any
            stage) is > 1, every value then at least 1, or the sampling
            fraction ``n_h / N_h`` when every value is <= 1 (0 meaning
            none), as ``svydesign(fpc=)`` reads it. None: no
            correction (sampling with replacement). For a two-stage design,
            an array of shape (n_rows, 2): the first column as above, the
            second the population count ``M_i`` of second-stage units (the
            rows' kind: firms) in the row's PSU, or the fraction ``m_i /
            M_i`` (``cluster`` required), as ``svydesign(ids = ~psu + firm,
            fpc = ~fpc1 + fpc2)``; the variance then adds each PSU's
            within-PSU term times its stratum's first-stage fraction.
        weights : array-like of shape (n_rows,), optional
            Probability weights ``1 / pi_i`` (>= 0; validated by the caller).
        lonely_psu : {"fail", "certainty", "remove", "adjust"}, default="fail"
            A stratum with a single PSU has no within-stratum variance, as
            R's ``options(survey.lonely.psu=)``: "fail" raises (R's
            default); "certainty" and "remove" let it contribute 0 (R gives
            them the same variance); "adjust" centres its PSU total at 0,
            the grand mean of scores that sum to 0, instead of at itself.
            A stratum sampled whole (``f_h = 1``) contributes 0 under any
            setting. At the second stage, a PSU with a single row raises
            under "fail" and contributes 0 otherwise.
        nest : bool, default=False
            Whether PSU labels are only unique within a stratum (PSU 1 of
            stratum A differs from PSU 1 of B), as ``svydesign(nest=TRUE)``.
            With False a label found in two strata is an error.
        row_labels : array-like of shape (n_rows,), optional
            How messages name rows (e.g. a DataFrame's index); default the
            positions 0, 1, ...
        owner : str
            Who asks, for the messages.

        Returns
        -------
        design : SurveyDesign
        """
        if lonely_psu not in _LONELY:
            raise ValueError(
                f"{owner}: lonely_psu must be one of {format_labels(_LONELY)}; "
                f"got {lonely_psu!r}."
            )
        n = int(n_rows)
        rows = np.arange(n) if row_labels is None else np.asarray(row_labels)
        if strata is None:
            stratum, stratum_labels = np.zeros(n, dtype=np.intp), np.array([1])
        else:
            stratum, stratum_labels = _labels(strata, "strata", n, owner, rows)
        n_strata = stratum_labels.size
        if cluster is None:
            psu, psu_labels = np.arange(n, dtype=np.intp), rows
        else:
            psu, cluster_labels = _labels(cluster, "cluster", n, owner, rows)
            # a PSU lies in one stratum: the same label in two is reused (nest)
            pairs, psu = np.unique(
                np.column_stack([stratum, psu]), axis=0, return_inverse=True
            )
            psu = psu.reshape(-1).astype(np.intp)
            if pairs.shape[0] > cluster_labels.size and not nest:
                counts = np.bincount(pairs[:, 1], minlength=cluster_labels.size)
                bad = cluster_labels[counts > 1]
                raise ValueError(
                    f"{owner}: cluster(s) {format_labels(bad.tolist(), 5)} appear in "
                    "more than one stratum, but a PSU lies within one stratum. If "
                    "cluster labels are only unique within a stratum (district 1 "
                    "urban differs from district 1 rural), make them unique, e.g. "
                    "cluster = strata.astype(str) + ':' + cluster.astype(str) "
                    "(R's svydesign(nest=TRUE)); otherwise check the columns."
                )
            if nest and strata is not None:
                psu_labels = np.array(
                    [f"{stratum_labels[h]}:{cluster_labels[c]}" for h, c in pairs]
                )
            else:
                psu_labels = cluster_labels[pairs[:, 1]]
        psu_stratum = np.zeros(psu_labels.size, dtype=np.intp)
        psu_stratum[psu] = stratum
        n_psu = np.bincount(psu_stratum, minlength=n_strata)
        fpc1, fpc2 = _fpc_columns(fpc, n, owner)
        if fpc2 is not None and cluster is None:
            raise ValueError(
                f"{owner}: fpc has a second column (a second stage) but no "
                "cluster was given, so the rows are the first-stage units and "
                "there is no second stage. Pass the PSU of each row as cluster, "
                "or a single fpc column."
            )
        counts = _any_count(fpc1, fpc2)
        fraction = _fractions(
            fpc1, stratum, stratum_labels, n_psu, n, owner, rows, counts=counts
        )
        psu_rows = np.bincount(psu, minlength=psu_labels.size)
        fraction2 = None
        if fpc2 is not None:
            fraction2 = _fractions(
                fpc2,
                psu,
                np.asarray(psu_labels),
                psu_rows,
                n,
                owner,
                rows,
                stage=2,
                counts=counts,
            )
            alone = (psu_rows == 1) & (fraction2 < 1)
            if alone.any() and lonely_psu == "fail":
                shown = format_labels(np.asarray(psu_labels)[alone].tolist(), 5)
                raise ValueError(
                    f"{owner}: PSU {shown} "
                    "has a single sampled row, so its second-stage variance cannot "
                    "be estimated (R's svydesign fails the same way at stage 2). "
                    "Choose how it counts with lonely_psu='certainty', 'remove' or "
                    "'adjust' (it then contributes 0 at stage 2), or give a single "
                    "fpc column (the first stage only)."
                )
        lonely = (n_psu == 1) & (fraction < 1)
        if lonely.any() and strata is None:
            raise ValueError(
                f"{owner}: every row is in one cluster (PSU "
                f"{format_labels(psu_labels[:1].tolist())}), so there is no "
                "variance between clusters to estimate (R's svydesign refuses a "
                "design with one primary sampling unit). Check the cluster labels."
            )
        if lonely.any() and lonely_psu == "fail":
            raise ValueError(
                f"{owner}: stratum {format_labels(stratum_labels[lonely].tolist(), 5)} "
                "has a single PSU, so its variance cannot be estimated (R's "
                "svydesign fails the same way). Merge that stratum with a similar "
                "one (recode strata), or choose how it counts with "
                "lonely_psu='certainty' (sampled whole: no variance), 'remove' "
                "or 'adjust' (centred at the grand mean)."
            )
        if weights is not None:
            weights = np.asarray(weights, dtype=np.float64)
        return cls(
            stratum=stratum,
            psu=psu,
            n_psu=n_psu,
            fraction=fraction,
            weights=weights,
            stratum_labels=stratum_labels,
            psu_labels=np.asarray(psu_labels),
            has_strata=strata is not None,
            has_clusters=cluster is not None,
            lonely_psu=lonely_psu,
            fraction2=fraction2,
            psu_rows=psu_rows,
            psu_stratum=psu_stratum,
        )

    @property
    def n_rows(self):
        return int(self.stratum.size)

    def subset(self, rows):
        """The design restricted to some rows, keeping each stratum's ``n_h``.

        As R's ``design[rows, ]``: the PSUs left without a row still count
        in ``n_h`` (their score totals are 0), so a fit on part of the rows
        (zeros dropped, a domain) keeps the design's variance formula.

        Parameters
        ----------
        rows : ndarray of bool or int
            The rows to keep.

        Returns
        -------
        design : SurveyDesign
        """
        return SurveyDesign(
            stratum=self.stratum[rows],
            psu=self.psu[rows],
            n_psu=self.n_psu,
            fraction=self.fraction,
            weights=None if self.weights is None else self.weights[rows],
            stratum_labels=self.stratum_labels,
            psu_labels=self.psu_labels,
            has_strata=self.has_strata,
            has_clusters=self.has_clusters,
            lonely_psu=self.lonely_psu,
            fraction2=self.fraction2,
            psu_rows=self.psu_rows,
            psu_stratum=self.psu_stratum,
        )

    def _active(self):
        return (
            np.ones(self.n_rows, dtype=bool)
            if self.weights is None
            else self.weights > 0
        )

    @property
    def df(self):
        """Design degrees of freedom: PSUs minus strata, counting rows with weight.

        As R's ``degf``: PSUs and strata with at least one row of positive
        weight (each row a PSU without clusters; one stratum without strata).
        """
        active = self._active()
        return int(
            np.unique(self.psu[active]).size - np.unique(self.stratum[active]).size
        )

    @property
    def info(self):
        """A dict of the design's sizes, for summaries (no per-row data)."""
        active = self._active()
        return {
            "strata": int(np.unique(self.stratum[active]).size),
            "psus": int(np.unique(self.psu[active]).size),
            "df": self.df,
            "fpc": bool((self.fraction > 0).any()),
            "stages": 1 if self.fraction2 is None else 2,
            "has_strata": self.has_strata,
            "has_clusters": self.has_clusters,
            # a domain's 0/1 weights (rows outside it at 0) weight nothing:
            # the rows used count alike, as without weights
            "weighted": self.weights is not None
            and np.unique(self.weights[active]).size > 1,
            "lonely_psu": self.lonely_psu,
        }


def design_for_cov_type(
    cov_type,
    n_rows,
    *,
    strata=None,
    cluster=None,
    fpc=None,
    weights=None,
    lonely_psu="fail",
    row_labels=None,
    estimator,
):
    """The rows' design an estimator's ``fit`` was given, for its ``cov_type``.

    Under "cluster" a :class:`SurveyDesign` whose PSUs are the clusters
    (``cluster`` required, strata and fpc refused: CR1 has none); under
    "survey" the whole design; under any other ``cov_type`` None, and
    ``strata``, ``cluster`` or ``fpc`` refused, since they would be
    ignored.

    Parameters
    ----------
    cov_type : str
    n_rows : int
    strata, cluster, fpc, weights, lonely_psu, row_labels
        As :meth:`SurveyDesign.from_arrays`.
    estimator : str
        The estimator's name, for the messages.

    Returns
    -------
    design : SurveyDesign or None
    """
    owner = f"{estimator}(cov_type={cov_type!r})"
    given = [
        name
        for name, value in (("strata", strata), ("cluster", cluster), ("fpc", fpc))
        if value is not None
    ]
    if cov_type == "cluster":
        extra = [name for name in given if name != "cluster"]
        if cluster is None or extra:
            problem = (
                f"also got {' and '.join(extra)}, which it ignores"
                if extra
                else "got no cluster"
            )
            raise ValueError(
                f"{owner} needs one cluster label per row in fit(..., cluster=...) "
                f"and {problem}. For strata or a finite population correction "
                "use cov_type='survey'."
            )
    elif cov_type != "survey":
        if given:
            raise ValueError(
                f"{owner} ignores {' and '.join(given)} passed to fit: set "
                "cov_type='survey' (design-based standard errors) or 'cluster' "
                "(cluster-robust), or leave them out."
            )
        return None
    return SurveyDesign.from_arrays(
        n_rows,
        strata=strata,
        cluster=cluster,
        fpc=fpc,
        weights=weights,
        # CR1 has no strata: a lone cluster is checked after the fit
        lonely_psu="certainty" if cov_type == "cluster" else lonely_psu,
        row_labels=row_labels,
        owner=owner,
    )


def mean_one(weights):
    """Probability weights rescaled to mean 1 over the rows given, as
    ``svyglm`` rescales them before its weighted fit.

    Point estimates and design-based standard errors do not change; the
    statistics a weighted fit computes as if the weights were counts (the
    log-likelihood, R², the residual standard error, the classification
    table, Hosmer-Lemeshow) then refer to the sample's size, not to the
    population the weights expand to.

    Parameters
    ----------
    weights : ndarray of shape (n_rows,) or None

    Returns
    -------
    weights : ndarray of shape (n_rows,) or None
        None stays None; weights that are all 0 are returned unchanged (the
        caller refuses them).
    """
    if weights is None:
        return None
    mean = weights.mean()
    return weights / mean if mean > 0 else weights


def expansion_factor_message(weights, owner, fix):
    """The warning for fractional weights read as frequency weights.

    Weights with fractions that do not average 1 look like a survey's
    expansion factors (``1 / pi_i``, summing to a population size); read as
    frequency weights they make every model-based standard error that of
    ``sum(w)`` observations. Whole numbers (counts) and weights at mean 1
    (precision weights rescaled) are not flagged.

    Parameters
    ----------
    weights : ndarray of shape (n_rows,) or None
    owner : str
        The estimator and its settings, for the message.
    fix : str
        The estimator's option for precision weights, ending in a full stop.

    Returns
    -------
    message : str or None
    """
    if weights is None or weights.size == 0:
        return None
    total = float(weights.sum())
    n = weights.size
    whole = np.array_equal(weights, np.round(weights))
    if whole or abs(total / n - 1.0) <= 0.01:
        return None
    return (
        f"{owner}: sample_weight has fractions that add up to {total:,.1f} for "
        f"{n} rows, and is read as frequency weights: a row of weight w counts "
        f"as w observations, so the standard errors are those of {total:,.0f} "
        "observations. If these are a survey's expansion factors (probability "
        "weights), use cov_type='survey' (with strata, cluster and fpc if the "
        f"design has them); {fix}"
    )


def design_df_message(owner, cov_type, info, n_params, df_inference, tests, fix):
    """The warning for a design with no degrees of freedom left for its tests.

    Parameters
    ----------
    owner : str
        The estimator's name, for the message.
    cov_type : {"survey", "cluster"}
    info : dict
        The fitted results' ``design_info``.
    n_params : int
    df_inference : float
        PSUs - strata + 1 - parameters (svyglm), or clusters - 1.
    tests : str
        What the degrees of freedom serve ("t and F", "the Wald tests").
    fix : str
        What the user can do, ending in a full stop.

    Returns
    -------
    message : str or None
        None when ``df_inference > 0``.
    """
    if df_inference > 0:
        return None
    what = (
        f"{info['clusters']} clusters"
        if cov_type == "cluster"
        else f"{info['psus']} PSUs in {info['strata']} strata (design df {info['df']})"
    )
    return (
        f"{owner}(cov_type={cov_type!r}): the design has {what} for {n_params} "
        f"parameter(s), which leaves {df_inference:g} degrees of freedom for "
        f"{tests}: their p-values and intervals are undefined (NaN). A design-"
        f"based test needs more PSUs than parameters; {fix}"
    )


# How messages name the groups an fpc is constant within, per stage.
_STAGE_WORDS = {
    1: ("fpc", "stratum", "strata", "first-stage units (PSUs, or rows alone)"),
    2: ("fpc's second column", "PSU", "PSUs", "second-stage units (rows)"),
}


def _fpc_columns(fpc, n, owner):
    """The stage-1 and stage-2 fpc per row: ``(values, None)`` or two columns."""
    if fpc is None:
        return None, None
    values = np.asarray(fpc.to_numpy() if hasattr(fpc, "to_numpy") else fpc)
    if values.ndim == 0:
        return np.full(n, values), None
    if values.ndim == 2 and values.shape[1] in (1, 2) and values.shape[0] == n:
        return values[:, 0], values[:, 1] if values.shape[1] == 2 else None
    if values.ndim != 1 or values.shape[0] != n:
        raise ValueError(
            f"{owner}: fpc has shape {values.shape} but the data have {n} row(s); "
            "pass one value per row (the population count or sampling fraction "
            "of the row's stratum), or, for a two-stage design, an array of shape "
            f"({n}, 2) whose second column counts the rows' PSU's population of "
            "second-stage units (R's svydesign(fpc = ~fpc1 + fpc2))."
        )
    return values, None


def _any_count(*columns):
    """Whether an fpc gives population counts: any value > 1 in any stage's
    column, as R's ``as.fpc`` decides (then a 1 is a count of 1)."""
    try:
        return any(
            bool((np.asarray(c, dtype=np.float64) > 1).any())
            for c in columns
            if c is not None
        )
    except (TypeError, ValueError):
        return False  # not numbers: _fractions says so


def _fractions(
    values, group, group_labels, sampled, n, owner, rows, stage=1, counts=None
):
    """``f_g = n_g / N_g`` per group (stratum, or PSU at stage 2) from an fpc
    per row (see from_arrays); 0 without fpc. ``counts``: whether the values
    are population counts (default: any value > 1)."""
    name, unit, units, counted = _STAGE_WORDS[stage]
    n_groups = group_labels.size
    if values is None:
        return np.zeros(n_groups)
    try:
        values = values.astype(np.float64)
    except (TypeError, ValueError):
        raise ValueError(
            f"{owner}: {name} must be numbers (population counts or sampling "
            "fractions)."
        ) from None
    bad = ~np.isfinite(values)
    if bad.any():
        raise ValueError(
            f"{owner}: {name} is missing or not finite in {int(bad.sum())} row(s) "
            f"({format_rows(rows[np.flatnonzero(bad)])}); give every row its "
            f"{unit}'s population count (or sampling fraction)."
        )
    if (values < 0).any():
        raise ValueError(
            f"{owner}: {name} is negative in {int((values < 0).sum())} row(s) "
            f"({format_rows(rows[np.flatnonzero(values < 0)])}); it is a "
            "population count (> 1) or a sampling fraction (0 to 1)."
        )
    if counts is None:
        counts = bool((values > 1).any())
    if counts and (values < 1).any():
        shown = format_rows(rows[np.flatnonzero(values < 1)])
        if (values > 1).any():
            problem = (
                f"{name} mixes population counts (> 1) and sampling fractions "
                f"(< 1), e.g. {shown}"
            )
        else:
            other = "second" if stage == 1 else "first"
            problem = (
                f"{name} holds sampling fractions (< 1, e.g. {shown}) but fpc's "
                f"{other} column holds population counts (> 1)"
            )
        raise ValueError(
            f"{owner}: {problem}; give both stages as counts or both as "
            "fractions, as svydesign requires."
        )
    per = np.full(n_groups, np.nan)
    per[group] = values
    varies = np.flatnonzero(
        np.bincount(group, weights=(values != per[group]), minlength=n_groups)
    )
    if varies.size:
        raise ValueError(
            f"{owner}: {name} varies within {unit} "
            f"{format_labels(group_labels[varies].tolist(), 5)}; it is the "
            f"{unit}'s population count (or sampling fraction), one value per "
            f"{unit}. Check the column, or the {units}."
        )
    if counts:
        small = np.flatnonzero(per < sampled)
        if small.size:
            labels = group_labels.tolist()
            shown = "; ".join(
                f"{unit} {format_labels([labels[h]])}: {per[h]:g} in the "
                f"population, {sampled[h]} sampled"
                for h in small[:5]
            )
            more = f" and {small.size - 5} more" if small.size > 5 else ""
            raise ValueError(
                f"{owner}: {name} is smaller than the number of units sampled "
                f"(more than 100% sampled) in {small.size} {unit}(s) ({shown}"
                f"{more}). {name} is the population count of "
                f"{counted} in the row's {unit}, or a sampling fraction <= 1."
            )
        return sampled / per
    return per


def _stratum_crossprod(totals, psu_stratum, design):
    """``sum_h c_h sum_i (z_hi - zbar_h)(z_hi - zbar_h)'``: the design's meat.

    ``totals`` are the PSU totals of the scores (PSUs without a row are 0),
    ``c_h = (1 - f_h) n_h / (n_h - 1)``; ``zbar_h`` averages over the design's
    ``n_h`` PSUs, as R's ``onestrat`` pads the PSUs a subset lost with zeros.
    """
    k = totals.shape[1]
    n_h = design.n_psu.astype(np.float64)
    n_strata = n_h.size
    sums = np.zeros((n_strata, k))
    np.add.at(sums, psu_stratum, totals)
    mean = sums / n_h[:, None]
    lonely = design.n_psu == 1
    if design.lonely_psu == "adjust":
        mean[lonely] = 0.0  # centred at the grand mean of the scores, 0
    factor = (1.0 - design.fraction) * np.where(
        lonely, 1.0, n_h / np.maximum(n_h - 1, 1)
    )
    if design.lonely_psu in ("certainty", "remove"):
        factor = np.where(lonely, 0.0, factor)
    factor = np.where(design.fraction >= 1.0 - 1e-7, 0.0, factor)  # sampled whole
    present = np.zeros(n_strata)
    np.add.at(present, psu_stratum, 1.0)
    dev = (totals - mean[psu_stratum]) * np.sqrt(factor[psu_stratum])[:, None]
    meat = dev.T @ dev
    # the PSUs of the design that have no row in these data: (0 - zbar_h)^2 each
    absent = (n_h - present) * factor
    meat += (mean * absent[:, None]).T @ mean
    return meat


def _psu_totals(scores, psu, n_psu_codes):
    totals = np.zeros((n_psu_codes, scores.shape[1]))
    np.add.at(totals, psu, scores)
    return totals


def design_covariance(scores, bread, design):
    """Taylor-linearised covariance of an M-estimator under a survey design.

    ``V = A^-1 M A^-1`` with ``M = sum_h (1 - f_h) n_h / (n_h - 1)
    sum_i (z_hi - zbar_h)(z_hi - zbar_h)'``, ``z_hi`` the total of the
    scores over PSU ``i`` of stratum ``h`` and ``zbar_h`` their mean over the
    stratum's ``n_h`` PSUs: R's ``svyglm`` (``svy.varcoef`` passes
    ``estfun %*% Ainv`` to ``svyrecvar``, whose ``onestrat`` computes this).

    Parameters
    ----------
    scores : ndarray of shape (n_rows, k)
        The rows' contributions ``u_i`` to the estimating equations
        ``sum_i u_i(b) = 0`` at the estimate, *weights included*: for least
        squares with probability weights ``w_i x_i (y_i - x_i'b)`` (the
        whitened design times the whitened residuals); for a logit
        ``w_i x_i (y_i - p_i)``. A row left out of a fit has a score of 0
        (or is absent from a :meth:`SurveyDesign.subset`).
    bread : ndarray of shape (k, k)
        ``A^-1``, the inverse of ``-d/db sum_i u_i``: ``(X'WX)^-1`` for
        least squares, ``(X'W diag(p(1-p)) X)^-1`` for a logit (the inverse
        Fisher information of the weighted fit). Any common scale of the
        weights cancels (``svyglm`` rescales them to mean 1).
    design : SurveyDesign
        One row per row of ``scores``.

    Returns
    -------
    cov : ndarray of shape (k, k)
    """
    scores = np.asarray(scores, dtype=np.float64)
    if scores.ndim == 1:
        scores = scores[:, None]
    if scores.shape[0] != design.n_rows:
        raise ValueError(
            f"scores have {scores.shape[0]} row(s) but the design {design.n_rows}."
        )
    n_codes = design.psu_labels.size
    totals = _psu_totals(scores, design.psu, n_codes)
    psu_stratum = np.zeros(n_codes, dtype=np.intp)
    psu_stratum[design.psu] = design.stratum
    # keep the PSUs these rows touch (a subset's absent ones enter via n_h)
    touched = np.zeros(n_codes, dtype=bool)
    touched[design.psu] = True
    meat = _stratum_crossprod(totals[touched], psu_stratum[touched], design)
    if design.fraction2 is not None:
        meat += _second_stage(scores, totals, psu_stratum, design)
    return bread @ meat @ bread.T


def _second_stage(scores, totals, psu_stratum, design):
    """The second stage's meat: ``sum_i f_h(i) (1 - f_2i) m_i / (m_i - 1)
    sum_j (x_ij - xbar_i)(x_ij - xbar_i)'``, R's ``multistage`` recursion
    (each PSU's rows a simple random sample of its second-stage units, the
    PSU's term scaled by its stratum's first-stage fraction ``n_h / N_h``).
    ``m_i`` counts the PSU's rows in the design as built; rows a subset left
    out score 0, as at the first stage. A PSU with one row (sampled whole or
    not) adds 0.
    """
    m = design.psu_rows.astype(np.float64)
    f2 = design.fraction2
    factor = design.fraction[psu_stratum] * (1.0 - f2) * m / np.maximum(m - 1.0, 1.0)
    factor = np.where((m < 2) | (f2 >= 1.0 - 1e-7), 0.0, factor)
    mean = totals / np.maximum(m, 1.0)[:, None]
    dev = (scores - mean[design.psu]) * np.sqrt(factor[design.psu])[:, None]
    meat = dev.T @ dev
    present = np.bincount(design.psu, minlength=m.size)
    absent = (m - present) * factor
    meat += (mean * absent[:, None]).T @ mean
    return meat


def cluster_covariance(scores, bread, groups):
    """Cluster-robust covariance CR1, as statsmodels' ``cov_type="cluster"``.

    ``V = c A^-1 (sum_g z_g z_g') A^-1`` with ``z_g`` the total of the
    scores over cluster ``g`` (not centred) and statsmodels' small-sample
    factor ``c = G / (G - 1) * (N - 1) / (N - K)`` for OLS, WLS and its
    discrete models alike (``sandwich_covariance.cov_cluster`` with
    ``use_correction=True``; Stata's ``regress`` uses the same, its
    ``logit`` only ``G / (G - 1)``). Tests and intervals then use
    ``G - 1`` degrees of freedom (statsmodels' ``df_resid_inference``).

    Parameters
    ----------
    scores : ndarray of shape (n_rows, k)
        Contributions to the estimating equations, weights included (see
        :func:`design_covariance`); ``N`` is ``n_rows``, ``K`` is ``k``.
    bread : ndarray of shape (k, k)
    groups : ndarray of int, shape (n_rows,)
        Cluster codes (e.g. :attr:`SurveyDesign.psu`).

    Returns
    -------
    cov : ndarray of shape (k, k)
    """
    scores = np.asarray(scores, dtype=np.float64)
    n, k = scores.shape
    codes, groups = np.unique(groups, return_inverse=True)
    n_groups = codes.size
    if n_groups < 2:
        raise ValueError(
            "cluster-robust standard errors need at least 2 clusters; got 1."
        )
    factor = cr1_factor(n_groups, n, k)
    return factor * (bread @ _cluster_meat(scores, groups, n_groups) @ bread.T)


def cr1_factor(n_groups, n_rows, n_params):
    """CR1's small-sample factor ``G / (G - 1) * (N - 1) / (N - K)``.

    Parameters
    ----------
    n_groups, n_rows, n_params : int
        ``G`` clusters, ``N`` rows and ``K`` parameters of one fit.

    Returns
    -------
    factor : float
    """
    return n_groups / (n_groups - 1.0) * (n_rows - 1.0) / (n_rows - n_params)


def _cluster_meat(scores, groups, n_groups):
    """``sum_g z_g z_g'``: the uncentred cluster totals' cross-product."""
    totals = _psu_totals(scores, groups, n_groups)
    return totals.T @ totals


def stacked_covariance(influences, design, *, kind, factors=None):
    """Joint covariance of estimators fitted on one design's rows.

    Each estimator ``j`` is given by its rows' influence functions
    ``IF_j = u_j A_j^-1`` (its weighted scores times its bread), zero in
    the rows it did not use; the joint covariance of the stacked estimator
    is the design's covariance of the stacked influence functions (Stata's
    ``suest`` after ``svy`` or ``vce(cluster)``), so every block, the
    cross-blocks included, comes from the same PSU totals.

    Parameters
    ----------
    influences : list of ndarray of shape (n_rows, k_j)
        One block of columns per estimator, one row per row of ``design``.
    design : SurveyDesign
    kind : {"survey", "cluster"}
        "survey": :func:`design_covariance` of the stacked columns (its
        meat, strata, fpc, lonely PSUs and second stage alike for every
        block). "cluster": the uncentred cluster meat ``sum_g z_g z_g'`` of
        :func:`cluster_covariance` over the design's PSUs, block ``(i, j)``
        scaled by ``sqrt(c_i c_j)``.
    factors : sequence of float, optional
        Under "cluster", each estimator's own CR1 factor ``c_j``
        (:func:`cr1_factor` of its fitted rows, clusters and parameters),
        so that block ``(j, j)`` is its own CR1 covariance. When the
        factors differ the cross-block takes their geometric mean, which
        keeps the stacked matrix positive semidefinite (it is ``D M D``,
        ``M`` the meat, ``D`` the roots of the factors).

    Returns
    -------
    cov : ndarray of shape (sum_j k_j, sum_j k_j)
    """
    stacked = np.column_stack(influences)
    m = stacked.shape[1]
    if kind == "survey":
        return design_covariance(stacked, np.eye(m), design)
    codes, groups = np.unique(design.psu, return_inverse=True)
    meat = _cluster_meat(stacked, groups, codes.size)
    root = np.concatenate(
        [
            np.full(block.shape[1], np.sqrt(factor))
            for block, factor in zip(influences, factors, strict=True)
        ]
    )
    return meat * np.outer(root, root)


def _linearised(values, design, domain):
    """Ratio means and the linearised values of ``sum w d y / sum w d``."""
    w = np.ones(design.n_rows) if design.weights is None else design.weights
    d = np.ones(design.n_rows) if domain is None else np.asarray(domain, dtype=float)
    wd = w * d
    total = wd.sum()
    if total <= 0:
        raise ValueError(
            "the domain has no row with positive weight; its mean is undefined."
        )
    mean = wd @ values / total
    return mean, wd[:, None] * (values - mean) / total


def survey_mean(values, design, *, domain=None, alpha=0.05, variance="linearization"):
    """Design-based means with linearised standard errors, as R's ``svymean``.

    The mean is the ratio ``sum w_i y_i / sum w_i``; its variance is
    :func:`design_covariance`'s meat of the linearised values
    ``w_i (y_i - mean) / sum w_i`` (bread 1). Within a domain
    (``domain``: a 0/1 indicator) the values are ``w_i d_i (y_i - mean_d) /
    sum w_i d_i`` over *every* row of the design, as ``svyby`` and
    ``subset`` do: the domain's size is random and the PSUs without a
    domain member still count.

    Parameters
    ----------
    values : ndarray of shape (n_rows,) or (n_rows, m)
        Finite values (an indicator column gives a proportion).
    design : SurveyDesign
    domain : ndarray of bool, shape (n_rows,), optional
    alpha : float, default=0.05
        The intervals' level is ``1 - alpha``; they use Student's t on the
        design's degrees of freedom (PSUs minus strata), as ``confint``
        with ``ddf = degf(design)``.
    variance : {"linearization", "jackknife"}, default="linearization"
        "jackknife": the replicate jackknife (:func:`jackknife_mean`, as
        ``svymean`` on ``as.svrepdesign(design, type = "JKn")``), its
        intervals on the replicate design's ``degf``.

    Returns
    -------
    table : DataFrame
        One row per column of ``values``: ``mean``, ``std_err``,
        ``ci_lower``, ``ci_upper``, ``df``.
    """
    values = _as_columns(values)
    if not np.isfinite(values).all():
        bad = np.flatnonzero(~np.isfinite(values).all(axis=1))
        raise ValueError(
            f"survey_mean: values are missing or not finite in {bad.size} row(s) "
            f"({format_rows(bad)}); fill them or estimate within a domain that "
            "leaves them out."
        )
    if variance == "jackknife":
        mean, jackknife = jackknife_mean(values, design, domain=domain)
        se = np.sqrt(np.clip(np.diag(jackknife.cov), 0.0, None))
        return _mean_table(mean, se, jackknife.df, alpha)
    mean, z = _linearised(values, design, domain)
    cov = design_covariance(z, np.eye(values.shape[1]), design)
    se = np.sqrt(np.clip(np.diag(cov), 0.0, None))
    return _mean_table(mean, se, design.df, alpha)


def _as_columns(values):
    """Float values as an (n_rows, m) array: one column per variable."""
    values = np.asarray(values, dtype=np.float64)
    return values[:, None] if values.ndim == 1 else values


def _mean_table(mean, se, df, alpha):
    """Means with standard errors and Student's t intervals on ``df``."""
    q = stats.t.isf(alpha / 2, df) if df > 0 else np.nan
    return pd.DataFrame(
        {
            "mean": mean,
            "std_err": se,
            "ci_lower": mean - q * se,
            "ci_upper": mean + q * se,
            "df": df,
        }
    )


def frequency_mean(values, weights, *, domain=None, alpha=0.05):
    """Means under frequency weights, as SPSS's ``WEIGHT BY`` gives them.

    A row of integer weight ``w`` stands for ``w`` identical respondents:
    the mean, its standard error ``s / sqrt(N)`` (``N = sum w``, ``s^2 =
    sum w (y - mean)^2 / (N - 1)``) and Student's t interval on ``N - 1``
    degrees of freedom are those of the replicated rows, without
    replicating them (equal to :func:`survey_mean` on the replicated rows,
    each its own unit; the tests check it).

    Parameters
    ----------
    values : ndarray of shape (n_rows,) or (n_rows, m)
        Finite values where ``domain`` holds (an indicator column gives a
        proportion).
    weights : ndarray of shape (n_rows,)
        Non-negative whole numbers.
    domain : ndarray of bool, shape (n_rows,), optional
        The rows to average over (the others may hold anything).
    alpha : float, default=0.05
        The intervals' level is ``1 - alpha``.

    Returns
    -------
    table : DataFrame
        One row per column of ``values``: ``mean``, ``std_err``,
        ``ci_lower``, ``ci_upper``, ``df``.
    """
    values = _as_columns(values)
    w = np.asarray(weights, dtype=np.float64)
    if domain is not None:
        w = np.where(np.asarray(domain, dtype=bool), w, 0.0)
    used = w > 0
    total = w.sum()
    if total <= 1:
        raise ValueError(
            "frequency_mean: the weights add up to at most 1 respondent; a "
            "standard error needs two. Check the weight column."
        )
    y = values[used]
    mean = w[used] @ y / total
    variance = w[used] @ (y - mean) ** 2 / (total - 1)
    return _mean_table(mean, np.sqrt(variance / total), total - 1, alpha)


def survey_proportions(
    labels, design, *, domain=None, alpha=0.05, variance="linearization"
):
    """Design-based shares of each category, as ``svymean(~factor(x))``.

    Parameters
    ----------
    labels : array-like of shape (n_rows,)
        Category of each row (no missing values).
    design : SurveyDesign
    domain : ndarray of bool, shape (n_rows,), optional
    alpha : float, default=0.05
    variance : {"linearization", "jackknife"}, default="linearization"
        As :func:`survey_mean`.

    Returns
    -------
    table : DataFrame
        Indexed by category: ``proportion``, ``std_err``, ``ci_lower``,
        ``ci_upper``, ``df`` (Wald intervals on the design's df).
    """
    labels = np.asarray(labels.to_numpy() if hasattr(labels, "to_numpy") else labels)
    if pd.isna(labels).any():
        bad = np.flatnonzero(pd.isna(labels))
        raise ValueError(
            f"survey_proportions: {bad.size} row(s) have no category "
            f"({format_rows(bad)}); code the missing answers as a category or "
            "leave them out with a domain."
        )
    levels, codes = np.unique(labels, return_inverse=True)
    indicators = (codes[:, None] == np.arange(levels.size)).astype(np.float64)
    table = survey_mean(
        indicators, design, domain=domain, alpha=alpha, variance=variance
    )
    table = table.rename(columns={"mean": "proportion"})
    table.index = pd.Index(levels, name="category")
    return table


# -- the replicate jackknife (JKn) ---------------------------------------------

VARIANCES = ("linearization", "jackknife")


@dataclass(frozen=True, eq=False)
class JackknifeVariance:
    """A replicate-jackknife covariance and the degrees of freedom to use.

    Attributes
    ----------
    cov : ndarray of shape (k, k)
        R's ``svrVar`` of the replicate estimates.
    df : int
        R's ``degf`` of the replicate design: the rank of the replicate
        weights less 1 (PSUs - strata when no PSU is left without a row).
    n_replicates : int
        The replicates (columns of R's replicate weights): one per PSU of
        every stratum that has replicates.
    mse : bool
        Whether the replicates were centred at the full-sample estimate.
    """

    cov: np.ndarray
    df: int
    n_replicates: int
    mse: bool

    @property
    def info(self):
        """What summaries print: the estimator, its replicates, the centring."""
        return {
            "variance": "jackknife",
            "replicates": self.n_replicates,
            "mse": self.mse,
        }


@dataclass(frozen=True, eq=False)
class _Replicates:
    """The JKn replicates of a design, compressed as R's ``jknweights``.

    Replicate ``r`` multiplies the weight of every row outside stratum
    ``stratum[r]`` by ``outside[r]``, the rows of PSU ``psu[r]`` by 0 and
    the other rows of the stratum by ``inside[r]``; ``count[r]`` replicates
    share it (the PSUs of a stratum without a row here give the same
    estimate: ``psu[r] = -1``).
    """

    stratum: np.ndarray
    psu: np.ndarray
    inside: np.ndarray
    outside: np.ndarray
    rscale: np.ndarray
    count: np.ndarray

    def factors(self, design, r):
        """The rows' weight multipliers in replicate ``r``."""
        in_stratum = design.stratum == self.stratum[r]
        factor = np.where(in_stratum, self.inside[r], self.outside[r])
        if self.psu[r] >= 0:
            factor[design.psu == self.psu[r]] = 0.0
        return factor


def _jkn_replicates(design):
    """R's ``jknweights`` for a design: which PSU each replicate deletes.

    Per stratum ``h`` with ``n_h >= 2`` PSUs and ``f_h < 1``: one replicate
    per PSU, the deleted PSU's weights times 0, the stratum's other PSUs'
    times ``n_h / (n_h - 1)``, ``rscale_h = (1 - f_h)(n_h - 1) / n_h``. A
    stratum sampled whole has none (``survey.drop.replicates``); a single
    PSU none under "certainty" and "remove", and under "adjust" R's one
    replicate: the stratum at 0, every other row times ``H / (H - 1)``,
    ``rscale = (H - 1) / H`` (``H`` strata).
    """
    n_h = design.n_psu
    n_strata = n_h.size
    touched = np.zeros(design.psu_labels.size, dtype=bool)
    touched[design.psu] = True
    parts = []
    for h in range(n_strata):
        if design.fraction[h] >= 1.0 - 1e-7:
            continue
        if n_h[h] == 1:
            if design.lonely_psu != "adjust" or n_strata < 2:
                continue
            (lonely,) = np.flatnonzero(design.psu_stratum == h)
            parts.append(
                (
                    h,
                    lonely,
                    0.0,
                    n_strata / (n_strata - 1.0),
                    (n_strata - 1.0) / n_strata,
                    1,
                )
            )
            continue
        c = n_h[h] / (n_h[h] - 1.0)
        rscale = (1.0 - design.fraction[h]) / c
        codes = np.flatnonzero(design.psu_stratum == h)
        for j in codes[touched[codes]]:
            parts.append((h, j, c, 1.0, rscale, 1))
        absent = int((~touched[codes]).sum())
        if absent:
            parts.append((h, -1, c, 1.0, rscale, absent))
    columns = list(zip(*parts, strict=True)) if parts else [()] * 6
    stratum, psu, inside, outside, rscale, count = (np.asarray(c) for c in columns)
    return _Replicates(
        stratum=stratum.astype(np.intp),
        psu=psu.astype(np.intp),
        inside=inside.astype(np.float64),
        outside=outside.astype(np.float64),
        rscale=rscale.astype(np.float64),
        count=count.astype(np.float64),
    )


def jackknife_df(design, replicates=None):
    """R's ``degf`` of the JKn replicate design: rank of the weights - 1.

    ``qr(weights(design, "analysis"))$rank - 1`` in closed form. Over the
    PSUs with a row of positive weight (``p_h`` of stratum ``h``), a
    stratum with replicates whose PSUs all have such a row adds ``p_h - 1``
    directions (its replicates sum to a constant); one that lacks some, or
    a lonely PSU under "adjust", adds ``p_h``; the constant adds 1 unless
    every such PSU lies in a stratum of the second kind. With every PSU
    present this is PSUs - strata, the linearisation's ``degf``.

    Parameters
    ----------
    design : SurveyDesign
    replicates : _Replicates, optional

    Returns
    -------
    df : int
    """
    if replicates is None:
        replicates = _jkn_replicates(design)
    if replicates.count.size == 0:
        return design.df
    present = np.zeros(design.psu_labels.size, dtype=bool)
    present[design.psu[design._active()]] = True
    p_h = np.bincount(design.psu_stratum[present], minlength=design.n_psu.size)
    with_replicates = np.zeros(design.n_psu.size, dtype=bool)
    with_replicates[replicates.stratum] = True
    rank, constant_needed = 0, False
    for h in np.flatnonzero(p_h):
        if not with_replicates[h]:
            constant_needed = True
        elif p_h[h] == design.n_psu[h] and design.n_psu[h] > 1:
            rank += p_h[h] - 1
            constant_needed = True
        else:
            rank += p_h[h]
    return int(rank + constant_needed - 1)


def jackknife_info(design):
    """A design's sizes (:attr:`SurveyDesign.info`) as its JKn replicates see
    them: ``df`` is R's ``degf`` of the replicate design, and ``variance``
    and ``replicates`` say which estimator and how many replicates.

    Parameters
    ----------
    design : SurveyDesign

    Returns
    -------
    info : dict
    """
    replicates = _jkn_replicates(design)
    return {
        **design.info,
        "df": jackknife_df(design, replicates),
        "variance": "jackknife",
        "replicates": int(replicates.count.sum()),
    }


def replicate_variance(deltas, replicates, *, mse=False):
    """R's ``svrVar``: the spread of the replicates, centred as asked.

    ``V = sum_r rscale_r (theta_r - c)(theta_r - c)'`` (``scale`` 1 for
    JKn), ``c`` the mean of the replicates (R's default,
    ``survey.replicates.mse = FALSE``) or the full-sample estimate
    (``mse=True``).

    Parameters
    ----------
    deltas : ndarray of shape (n_groups, k)
        ``theta_r - theta``, one row per group of identical replicates.
    replicates : _Replicates
    mse : bool, default=False

    Returns
    -------
    cov : ndarray of shape (k, k)
    """
    count = replicates.count
    centre = 0.0 if mse else count @ deltas / count.sum()
    dev = deltas - centre
    return (dev * (count * replicates.rscale)[:, None]).T @ dev


def _first_stage_warning(design, owner):
    if design.fraction2 is not None:
        warn(
            f"{owner}: the replicate jackknife deletes whole PSUs, so it uses the "
            "design's first stage only (its strata, PSUs and first-stage fpc), as "
            "R's as.svrepdesign drops the second stage's fpc; with many PSUs of a "
            "stratum sampled, 1 - f_h then removes the within-PSU variance too. "
            "Use survey_variance='linearization' to count the second stage.",
            SklearnInnovWarning,
        )


def _replicate_name(design, replicates, r):
    h = replicates.stratum[r]
    stratum = (
        f" of stratum {format_labels([design.stratum_labels[h].item()])}"
        if design.has_strata
        else ""
    )
    if replicates.psu[r] < 0:
        return f"the replicate that deletes a PSU without rows here{stratum}"
    label = design.psu_labels[replicates.psu[r]]
    label = label.item() if hasattr(label, "item") else label
    return f"the replicate that deletes PSU {format_labels([label])}{stratum}"


def _replicate_failed(design, replicates, r, owner, reason, fix=""):
    """The ReplicateFitError of replicate ``r``: ``owner: <replicate> <reason> <fix>``.

    ``reason`` follows the replicate's name; ``fix`` (the Python argument to
    change) is left out of the error's ``reason``, so a report can give its
    own.
    """
    replicate = _replicate_name(design, replicates, r)
    stratum = None
    if design.has_strata:
        stratum = design.stratum_labels[replicates.stratum[r]]
        stratum = stratum.item() if hasattr(stratum, "item") else stratum
    psu = None
    if replicates.psu[r] >= 0:
        psu = design.psu_labels[replicates.psu[r]]
        psu = psu.item() if hasattr(psu, "item") else psu
    return ReplicateFitError(
        f"{owner}: {replicate} {reason}" + (f" {fix}" if fix else ""),
        estimator=owner.split("(")[0],
        replicate=replicate,
        reason=reason,
        psu=psu,
        stratum=stratum,
    )


def jackknife_covariance(design, estimate, full, *, mse=False, owner="jackknife"):
    """Delete-one-PSU jackknife (JKn) covariance, as R's replicate designs.

    ``as.svrepdesign(design, type = "JKn")`` then ``svyglm`` or
    ``svymean``: each replicate recomputes the estimate with the
    probability weights times R's ``jknweights`` (see
    :func:`_jkn_replicates`), and :func:`replicate_variance` (``svrVar``)
    spreads them. Rows outside a domain (weight 0) stay at 0 in every
    replicate, and every PSU of the design as built gets its replicate,
    as R's subsets of a replicate design.

    Parameters
    ----------
    design : SurveyDesign
        Its ``weights`` (None: 1) are the full-sample probability weights.
    estimate : callable
        ``estimate(weights) -> theta`` (ndarray of shape (k,)) for one
        replicate's weights (shape (n_rows,)). It may raise ValueError,
        which is re-raised as a ReplicateFitError naming the replicate.
    full : ndarray of shape (k,)
        The full-sample estimate.
    mse : bool, default=False
        Centre at ``full`` instead of the replicates' mean.
    owner : str
        Who asks, for the messages.

    Returns
    -------
    variance : JackknifeVariance
    """
    _first_stage_warning(design, owner)
    full = np.asarray(full, dtype=np.float64)
    replicates = _jkn_replicates(design)
    weights = np.ones(design.n_rows) if design.weights is None else design.weights
    deltas = np.empty((replicates.count.size, full.size))
    for r in range(replicates.count.size):
        w = weights * replicates.factors(design, r)
        if not (w > 0).any():
            raise _replicate_failed(
                design,
                replicates,
                r,
                owner,
                "leaves no row with positive weight, so its estimate is undefined: "
                "the rows in use (a domain, or rows with weight 0) all lie in that "
                "PSU.",
                "Use survey_variance='linearization', or a larger domain.",
            )
        try:
            deltas[r] = np.asarray(estimate(w), dtype=np.float64) - full
        except (ValueError, ArithmeticError, np.linalg.LinAlgError) as exc:
            # the estimate's own fix, if it gives one, is the error's fix
            cause, use, fix = str(exc).partition(" Use survey_variance=")
            raise _replicate_failed(
                design,
                replicates,
                r,
                owner,
                f"cannot be estimated: {cause}",
                (use + fix).strip(),
            ) from None
    return _finish(design, replicates, deltas, mse, owner)


def _finish(design, replicates, deltas, mse, owner):
    if not np.isfinite(deltas).all():
        r = int(np.flatnonzero(~np.isfinite(deltas).all(axis=1))[0])
        raise _replicate_failed(
            design,
            replicates,
            r,
            owner,
            "gives a non-finite estimate.",
            "Use survey_variance='linearization'.",
        )
    return JackknifeVariance(
        cov=replicate_variance(deltas, replicates, mse=mse),
        df=jackknife_df(design, replicates),
        n_replicates=int(replicates.count.sum()),
        mse=bool(mse),
    )


def _replicate_totals(design, replicates, values):
    """``sum_i f_ri v_i`` for every replicate ``r``: shape (n_groups, m).

    From the per-PSU totals of ``values`` (shape (n_rows, m)): replicate
    ``r`` keeps ``outside[r]`` times the totals of the other strata and
    ``inside[r]`` times its stratum's less the deleted PSU's.
    """
    n_codes, n_strata = design.psu_labels.size, design.n_psu.size
    per_psu = _psu_totals(values, design.psu, n_codes)
    per_stratum = np.zeros((n_strata, values.shape[1]))
    np.add.at(per_stratum, design.psu_stratum, per_psu)
    h, j = replicates.stratum, replicates.psu
    own = np.where((j >= 0)[:, None], per_psu[np.maximum(j, 0)], 0.0)
    return replicates.outside[:, None] * (
        per_stratum.sum(axis=0) - per_stratum[h]
    ) + replicates.inside[:, None] * (per_stratum[h] - own)


def jackknife_least_squares(design, exog, resid, *, mse=False, owner="jackknife"):
    """:func:`jackknife_covariance` of weighted least squares, without refits.

    Each replicate's estimate is exactly ``b_r = b + G_r^-1 s_r``, with
    ``G_r = X' W_r X`` and ``s_r = X' W_r e`` (``e`` the full fit's
    residuals), both sums of per-PSU totals: one pass over the rows, then a
    small solve per replicate.

    Parameters
    ----------
    design : SurveyDesign
        Its ``weights`` (None: 1) are the fit's weights.
    exog : ndarray of shape (n_rows, k)
        The unweighted regressors.
    resid : ndarray of shape (n_rows,)
        The full fit's unweighted residuals ``y - X b``.
    mse : bool, default=False
    owner : str

    Returns
    -------
    variance : JackknifeVariance
    """
    _first_stage_warning(design, owner)
    replicates = _jkn_replicates(design)
    exog = np.asarray(exog, dtype=np.float64)
    k = exog.shape[1]
    weights = np.ones(design.n_rows) if design.weights is None else design.weights
    # unit-scaled columns: the Gram matrices' conditioning does not depend
    # on the regressors' units
    scale = np.sqrt(weights @ exog**2 / max(weights.sum(), 1e-300))
    scale[scale == 0] = 1.0
    unit = exog / scale
    rows = np.column_stack(
        [
            (unit[:, :, None] * unit[:, None, :]).reshape(-1, k * k) * weights[:, None],
            unit * (weights * resid)[:, None],
        ]
    )
    totals = _replicate_totals(design, replicates, rows)
    gram_r = totals[:, : k * k].reshape(-1, k, k)
    score_r = totals[:, k * k :]
    # rank < k, as matrix_rank(rtol=1e-10) (a keyword of NumPy >= 2.0 only)
    spectrum = np.linalg.svd(gram_r, compute_uv=False)
    singular = spectrum[:, -1] <= 1e-10 * spectrum[:, 0]
    if singular.any():
        r = int(np.flatnonzero(singular)[0])
        raise _replicate_failed(
            design,
            replicates,
            r,
            owner,
            "leaves the regressors collinear (a regressor varies only within that "
            "PSU), so its coefficients are undefined.",
            "Use survey_variance='linearization', or merge the PSU with another "
            "of its stratum.",
        )
    deltas = np.linalg.solve(gram_r, score_r[:, :, None])[:, :, 0] / scale
    return _finish(design, replicates, deltas, mse, owner)


def jackknife_mean(values, design, *, domain=None, mse=False, owner="jackknife"):
    """:func:`jackknife_covariance` of ratio means ``sum w d y / sum w d``.

    As ``svymean`` on ``as.svrepdesign(design, type = "JKn")`` (within a
    domain as ``svyby``): every replicate's mean from per-PSU totals.

    Parameters
    ----------
    values : ndarray of shape (n_rows, m)
    design : SurveyDesign
    domain : ndarray of bool, shape (n_rows,), optional
    mse : bool, default=False
    owner : str

    Returns
    -------
    mean : ndarray of shape (m,)
    variance : JackknifeVariance
    """
    _first_stage_warning(design, owner)
    replicates = _jkn_replicates(design)
    w = np.ones(design.n_rows) if design.weights is None else design.weights
    if domain is not None:
        w = w * np.asarray(domain, dtype=np.float64)
    if not w.sum() > 0:
        raise ValueError(
            f"{owner}: the domain has no row with positive weight; its mean is "
            "undefined."
        )
    mean = w @ values / w.sum()
    totals = _replicate_totals(
        design, replicates, np.column_stack([values * w[:, None], w])
    )
    empty = ~(totals[:, -1] > 0)
    if empty.any():
        r = int(np.flatnonzero(empty)[0])
        raise _replicate_failed(
            design,
            replicates,
            r,
            owner,
            "leaves no row with positive weight in the domain, so its mean is "
            "undefined: the domain's rows all lie in that PSU.",
            "Use variance='linearization', or a larger domain.",
        )
    deltas = totals[:, :-1] / totals[:, -1:] - mean
    return mean, _finish(design, replicates, deltas, mse, owner)


def check_survey_variance(survey_variance, cov_type, estimator):
    """Refuse the jackknife without a design (``cov_type`` other than "survey").

    Parameters
    ----------
    survey_variance : {"linearization", "jackknife"}
    cov_type : str
    estimator : str
        The estimator's name, for the message.
    """
    if survey_variance == "jackknife" and cov_type != "survey":
        raise ValueError(
            f"{estimator}(survey_variance='jackknife') deletes the PSUs of a survey "
            f"design, but cov_type={cov_type!r} has none. Set cov_type='survey' "
            "(with the design's strata, cluster and fpc in fit), or leave "
            "survey_variance='linearization'."
        )
