"""Robustness of index rankings to the choices made in building them.

An index ranks firms, and that ranking rests on choices (normalisation,
aggregation, weights) that reasonable analysts make differently. Following
the uncertainty analysis of Saisana, Saltelli and Tarantola (2005), as R's
COINr offers it, :func:`~sklearn_innov.preprocessing.index_sensitivity`
rebuilds every index under each
combination of the choices and reports how far each row's rank moves, so a
claim such as "firm A is more innovative than firm B" can be checked against
the method.
"""

from __future__ import annotations

import itertools
import warnings
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy import stats
from sklearn.base import clone
from sklearn.utils.validation import has_fit_parameter

from ..exceptions import SklearnInnovWarning
from ..summary._summary import format_count
from ..utils._lazy import pd
from ._composite import CompositeIndex
from ._minmax import positive_rows

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from matplotlib.axes import Axes
    from matplotlib.figure import Figure, SubFigure
    from numpy.typing import ArrayLike, NDArray
    from sklearn.base import BaseEstimator

__all__ = ["IndexSensitivity", "index_sensitivity"]

# Index values that differ by less than this many units in the last place of
# the largest |value| are equal up to the rounding of the arithmetic that
# built them (a sum of 1e-9 + 3e-9 against 2e-9 + 2e-9): they tie. Relative,
# so ranks are the same for the data in any units.
_TIE_ULPS = 64
# Benefit-of-the-doubt scores are unit-free (in [0, 1] on the training rows)
# and solved to about 1e-9: scores closer than this tie, so ranks do not
# depend on solver noise.
_BOD_TIE = 1e-9

# Choices that cannot be combined, each with the reason the report prints: a
# geometric mean of z-scores (negative values) and benefit-of-the-doubt
# weights with anything but a sum of non-negative items.
_INCOMPATIBLE = (
    (
        lambda n, a, w: a == "geometric" and n == "zscore",
        "a geometric mean needs positive items, and z-scores are negative "
        "below the mean",
    ),
    (
        lambda n, a, w: w == "bod" and a != "sum",
        "benefit-of-the-doubt weights weigh a sum, not a geometric mean",
    ),
    (
        lambda n, a, w: w == "bod" and n == "zscore",
        "benefit-of-the-doubt weights need non-negative items, and z-scores "
        "are negative below the mean",
    ),
)


def _incompatible(n, a, w):
    """Why a combination of options cannot be built ("" if it can)."""
    return next((reason for rule, reason in _INCOMPATIBLE if rule(n, a, w)), "")


def index_sensitivity(
    X: ArrayLike,
    spec: Mapping[str, Sequence[str | int]],
    *,
    normalize: Sequence[str | None] = ("minmax", "zscore", "rank"),
    aggregate: Sequence[str] = ("sum", "geometric"),
    weights: Sequence[Mapping[str, Any] | str | None] = (None, "pca", "bod"),
    reverse: Sequence[str | int] | None = None,
    bounds: tuple[float, float] | Mapping[Any, Any] | None = None,
    shift: int = 10,
    sample_weight: ArrayLike | None = None,
) -> IndexSensitivity:
    """Ranks of every row under each combination of construction choices.

    Parameters
    ----------
    X : DataFrame or array-like of shape (n_samples, n_features)
        The survey, as for :class:`~sklearn_innov.CompositeIndex`. Rows with
        missing answers
        are scored as ``CompositeIndex(missing="rescale")`` does (not with
        "bod", which refuses them).
    spec : mapping of str to list
        Index name to its items.
    normalize : sequence, default=("minmax", "zscore", "rank")
        Normalisations to try (values of ``CompositeIndex(normalize=...)``).
    aggregate : sequence, default=("sum", "geometric")
        Aggregations to try.
    weights : sequence, default=(None, "pca", "bod")
        Weightings to try: None, "pca", "pca_cov", "factor", "bod" or a
        mapping.
    reverse : list, default=None
        Reverse-keyed items, applied in every construction.
    bounds : None, tuple or mapping, default=None
        Theoretical item ranges, used by the constructions with "minmax".
    shift : int, default=10
        A row "moves" when its rank in some construction differs from its
        reference rank by more than this many places.
    sample_weight : array-like of shape (n_samples,), default=None
        Frequency weights of the rows (a survey's expansion factors, or
        counts), with scikit-learn's semantics: a row of weight 3 counts as
        three firms. Every construction is fitted with them
        (``CompositeIndex.fit(X, sample_weight=...)``), ranks are weighted
        mid-ranks (a row's rank among the firms the sample stands for) and
        the summary weighs rows by them. Rows of weight 0 are left out of
        the result altogether; negative or non-finite weights raise a
        ValueError naming their positions.

    Returns
    -------
    result : IndexSensitivity
        The ranks, the per-row table and the per-index summary.

    See Also
    --------
    sklearn_innov.CompositeIndex : One construction.

    Notes
    -----
    The first option of each list is the reference construction (by default
    the paper's: min-max, sum, equal weights). Every combination of the
    options is built, except those that cannot be computed (a geometric mean
    of z-scores, which are negative; benefit of the doubt with an
    aggregation other than the sum or with z-scores) and those these data
    cannot support (benefit of the doubt with missing answers, data-driven
    weights of an index whose items do not vary), which are listed in
    ``result.skipped`` with the reason.

    A geometric mean is 0 for every row with an item at 0 (min-max puts
    each item's lowest row there), so such rows all tie at the bottom
    whatever their other items: their rank moves because the aggregation
    cannot tell them apart, not because the construction weighs them
    differently. A geometric construction that sets an index to 0 for any
    row is therefore left out of that index's statistics, and listed in
    ``result.skipped`` with the number of rows (rank-normalised items, in
    (0, 1), avoid it). A construction that leaves an index undefined (NaN)
    for some rows, or gives every row the same value (benefit of the doubt
    with an item that does not vary: every row puts its weight there and
    scores 1), is left out for that index in the same way. Warnings of
    the constructions (an item that does not vary weighing 0, say) are kept
    in ``result.notes``.

    Ranks are 1 for the highest index value. They rank the values as
    computed, with no rounding to a number of decimals: values tie only when
    they are equal up to the rounding of the arithmetic (64 units in the
    last place of the largest value), so ranks are the same for the data in
    any units. Tied rows share the average of their ranks, as scipy's
    ``rankdata`` and R's ``rank`` do, so a block of ties neither gains nor
    loses places as a block. Benefit-of-the-doubt scores, unit-free and
    solved to about 1e-9, tie within 1e-9. The 5-95% interval is over the
    constructions (linear interpolation between order statistics), each
    construction counting once, as in a uniform sampling of the choices.

    With ``sample_weight`` a row of weight ``w_i`` ranks as ``w_i`` tied
    copies of itself would: ``rank_i = W(v > v_i) + (W(v = v_i) + 1) / 2``,
    ``W(.)`` the total weight of the rows that satisfy the condition, so
    integer weights give the ranks of the replicated rows. "n_rows" of the
    summary is then the total weight, and its shares, means and medians
    over rows are weighted (the median as the replicated rows' median).
    Ranks are counts of firms, so they scale with the weights, and so does
    ``shift``: with expansion factors it counts places among the firms of
    the population (ten places among 127 sampled firms are about 157 among
    2,000); the shares do not.

    References
    ----------
    .. [1] Saisana, M., Saltelli, A. and Tarantola, S. (2005). "Uncertainty
       and sensitivity analysis techniques as tools for the quality
       assessment of composite indicators". Journal of the Royal Statistical
       Society A, 168(2), 307-323.
    .. [2] OECD and JRC (2008). *Handbook on Constructing Composite
       Indicators*, section 7.
    .. [3] Becker, W. et al. (2022). "COINr: An R package for developing
       composite indicators". Journal of Open Source Software, 7(78), 4567.

    Examples
    --------
    >>> from sklearn_innov.datasets import PAPER_SPEC, make_sme_survey
    >>> from sklearn_innov.preprocessing import index_sensitivity
    >>> survey = make_sme_survey(random_state=0).frame
    >>> result = index_sensitivity(survey, {"X1": PAPER_SPEC["X1"]},
    ...                            weights=(None, "pca"))
    >>> result.summary()[["n_constructions", "share_moved"]].round(2)
           n_constructions  share_moved
    index
    X1                   8         0.39
    """
    options: list[list[Any]] = [list(normalize), list(aggregate), list(weights)]
    for name, values in zip(
        ("normalize", "aggregate", "weights"), options, strict=True
    ):
        if not values:
            raise ValueError(f"{name} must list at least one option; got none.")
    if not (isinstance(shift, (int, np.integer)) and shift >= 0):
        raise ValueError(f"shift must be a non-negative integer; got {shift!r}.")
    n_samples = X.shape[0] if hasattr(X, "shape") else len(X)  # type: ignore[arg-type]
    row_weights, keep = positive_rows(
        sample_weight, n_samples, owner="index_sensitivity"
    )
    n_rows = n_samples if keep is None else int(keep.sum())
    if _incompatible(*[o[0] for o in options]):
        raise ValueError(
            "the reference construction (the first option of each list) cannot "
            "be computed; reorder the options."
        )
    constructions: list[dict[str, Any]] = []
    skipped: list[str] = []
    ranks: list[NDArray[np.float64]] = []
    notes: list[str] = []
    built: list[NDArray[np.float64]] = []
    for n, a, w in itertools.product(*options):
        label = f"normalize={n}, aggregate={a}, weights={_weights_label(w)}"
        reason = _incompatible(n, a, w)
        if reason:
            skipped.append(f"{label} ({reason})")
            continue
        est = CompositeIndex(
            spec=spec,
            normalize=n,
            aggregate=a,
            weights=w,
            reverse=reverse,
            bounds=bounds if n == "minmax" else None,
        )
        try:
            values = _build(est, X, label, notes, sample_weight)
        except ValueError as exc:
            if not ranks:  # the reference construction itself: the user's problem
                raise
            # a construction these data cannot support (benefit of the doubt
            # with missing answers, PCA weights of a constant index, ...)
            reason = str(exc).split(";")[0]
            skipped.append(f"{label} ({reason})")
            continue
        if keep is not None:  # rows of weight 0 take no part
            values = values[keep]
        names = list(est.spec_)
        ranked = np.full(values.shape, np.nan)
        zeroed, undefined, flat = [], [], []
        for j, name in enumerate(names):
            column = values[:, j]
            nan = np.isnan(column)
            zero = column == 0 if a == "geometric" else np.zeros_like(nan)
            n_nan, n_zero = int(nan.sum()), int(zero.sum())
            if n_nan and not ranks:
                raise ValueError(
                    f"index_sensitivity: the reference construction ({label}) "
                    f"leaves index {name!r} undefined for {format_count(n_nan)} "
                    "row(s); impute their answers or reorder the options."
                )
            if ranks and n_nan:
                undefined.append(
                    f"{name} ({_rows_of(nan, n_rows, row_weights, ' undefined')})"
                )
                continue
            if ranks and n_zero:
                zeroed.append(f"{name} ({_rows_of(zero, n_rows, row_weights)})")
                continue
            tol = _TIE_ULPS * np.spacing(np.abs(column).max())
            column = _merge_ties(column, max(tol, _BOD_TIE) if w == "bod" else tol)
            if ranks and np.ptp(column) == 0:
                # e.g. benefit of the doubt with an item that does not vary:
                # every row puts its weight there and scores 1
                flat.append(name)
                continue
            ranked[:, j] = _descending_ranks(column, row_weights)
        if undefined:
            skipped.append(f"{label}, left out for {', '.join(undefined)}")
        if flat:
            skipped.append(
                f"{label}, left out for {', '.join(flat)}: the same value for "
                "every row, which ranks nothing"
            )
        if zeroed:
            skipped.append(
                f"{label}, left out for {', '.join(zeroed)}: an item at 0 zeroes "
                "the geometric mean of those rows, which then tie whatever their "
                "other items"
            )
        ranks.append(ranked)
        built.append(values)
        constructions.append(
            {"normalize": n, "aggregate": a, "weights": _weights_label(w)}
        )
    rows = getattr(X, "index", None)
    if rows is None:
        rows = pd.RangeIndex(n_samples)
    return IndexSensitivity(
        np.stack(ranks),
        pd.DataFrame(constructions).rename_axis("construction"),
        names,
        rows if keep is None else rows[keep],
        skipped,
        shift,
        notes=notes,
        values=np.stack(built),
        sample_weight=row_weights,
    )


def _rows_of(flags, n_rows, weights, what=""):
    """``"8 of 31 rows"``: rows counted as rows; with weights, their weighted
    total beside, labelled (``"8 of 31 rows; weighted 12 of 66"``)."""
    text = f"{format_count(int(flags.sum()))} of {format_count(n_rows)} rows{what}"
    if weights is None:
        return text
    return (
        f"{text}; weighted {format_count(float(weights[flags].sum()))} of "
        f"{format_count(float(weights.sum()))}"
    )


def _descending_ranks(column, weights):
    """Average ranks, 1 for the highest value; weighted mid-ranks with weights.

    ``W(v > v_i) + (W(v = v_i) + 1) / 2``: the average rank of the row's
    tied replicated copies (scipy's ``rankdata(-v, method="average")``
    without weights).
    """
    if weights is None:
        return stats.rankdata(-column, method="average")
    values, inverse = np.unique(-column, return_inverse=True)  # highest first
    tied = np.bincount(inverse.ravel(), weights=weights, minlength=values.size)
    above = np.cumsum(tied) - tied
    return (above + (tied + 1.0) / 2.0)[inverse.ravel()]


def _weighted_median(values, weights):
    """The median of the rows replicated by their (frequency) weights.

    The first value whose cumulative weight reaches half the total, or the
    mean of it and the next value when it reaches exactly half (the even
    case of the replicated rows).
    """
    order = np.argsort(values, kind="stable")
    values, cumulative = values[order], np.cumsum(weights[order])
    half = cumulative[-1] / 2.0
    at = int(np.searchsorted(cumulative, half, side="left"))
    if cumulative[at] == half and at + 1 < values.size:
        return float((values[at] + values[at + 1]) / 2.0)
    return float(values[at])


def _build(est, X, label, notes, sample_weight=None):
    """The construction's index values; its library warnings go to ``notes``."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", SklearnInnovWarning)
        fit_params = {} if sample_weight is None else {"sample_weight": sample_weight}
        values = np.asarray(est.fit_transform(X, **fit_params), dtype=float)
    for warning in caught:
        if issubclass(warning.category, SklearnInnovWarning):
            note = f"{label}: {warning.message}"
            if note not in notes:
                notes.append(note)
        else:  # not ours to keep: pass it on as it was
            warnings.warn_explicit(
                warning.message, warning.category, warning.filename, warning.lineno
            )
    return values


def _merge_ties(values, tol):
    """Values closer than ``tol`` to their neighbour (in sorted order) made equal."""
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    starts = np.r_[True, np.diff(ordered) > tol]
    merged = np.empty_like(values)
    merged[order] = ordered[np.flatnonzero(starts)[np.cumsum(starts) - 1]]
    return merged


def _weights_label(weights):
    if weights is None:
        return "equal"
    return weights if isinstance(weights, str) else "custom"


class IndexSensitivity:
    """Ranks of rows across index constructions (see :func:`index_sensitivity`).

    Parameters
    ----------
    ranks : ndarray of shape (n_constructions, n_samples, n_indices)
        Rank of every row in every construction (float: tied rows share the
        average rank); construction 0 is the reference. NaN where a
        construction was left out for an index.
    constructions : DataFrame
        One row per construction: its "normalize", "aggregate", "weights".
    indices : list of str
        Index names.
    rows : Index
        Row labels of X.
    skipped : list of str
        Combinations that could not be computed, or were left out for an
        index, with the reason.
    shift : int
        Threshold of rank movement, in places.
    notes : list of str, default=()
        Warnings the constructions raised, one per cause.
    values : ndarray of shape (n_constructions, n_samples, n_indices), optional
        The index values of every construction, for :meth:`refit`.
    sample_weight : ndarray of shape (n_samples,), optional
        Positive frequency weights of the rows, which the summary and
        :meth:`refit` use; None counts every row once.

    Attributes
    ----------
    constructions : DataFrame
        The constructions built, the reference first.
    skipped : list of str
        Combinations left out because they cannot be computed, and
        constructions left out for one index (a geometric mean that sets it
        to 0 for some rows), each with its reason.
    notes : list of str
        Warnings the constructions raised (e.g. an item that does not vary
        weighing 0), prefixed by the construction.

    Examples
    --------
    >>> from sklearn_innov.datasets import PAPER_SPEC, make_sme_survey
    >>> from sklearn_innov.preprocessing import index_sensitivity
    >>> survey = make_sme_survey(random_state=0).frame
    >>> spec = {"X3": PAPER_SPEC["X3"]}
    >>> result = index_sensitivity(survey, spec, aggregate=("sum",))
    >>> type(result).__name__, int(result.summary().loc["X3", "n_constructions"])
    ('IndexSensitivity', 8)
    >>> result.table.loc["X3"].head(2)
         reference_rank  median_rank  rank_q05  rank_q95  max_shift  moved
    row
    0              64.0         64.0    63.000    83.775       21.0   True
    1             125.0        124.0   106.425   125.000       20.5   True
    """

    def __init__(
        self,
        ranks: NDArray[np.float64],
        constructions: pd.DataFrame,
        indices: list[str],
        rows: pd.Index,
        skipped: list[str],
        shift: int,
        notes: Sequence[str] = (),
        values: NDArray[np.float64] | None = None,
        sample_weight: NDArray[np.float64] | None = None,
    ) -> None:
        self._ranks = ranks
        self._values = values
        self._weights = sample_weight
        self.constructions = constructions
        self.indices = indices
        self.rows = rows
        self.skipped = skipped
        self.shift = shift
        self.notes = list(notes)

    def refit(
        self,
        estimator: BaseEstimator,
        outcome: str,
        regressors: Sequence[str] | None = None,
        *,
        positive_outcome: bool = False,
    ) -> pd.DataFrame:
        """Refit a model of one index on others under every construction.

        Ranks are one reading of robustness; a model's coefficients are
        another. Each construction's index values are given to a clone of
        ``estimator``: ``outcome`` as y, ``regressors`` as X (a DataFrame
        with the index names). A construction the estimator refuses (z-scores
        are negative, and a log-log model refuses them) is kept as a row
        with NaN coefficients and the reason in ``note``.

        Parameters
        ----------
        estimator : estimator with ``coef_``
            E.g. ``CobbDouglasRegressor(zeros="floor")``, whose ``coef_`` are
            elasticities.
        outcome : str
            The index used as y.
        regressors : list of str, optional
            The indices used as X; default: every other index.
        positive_outcome : bool, default=False
            Fit on the rows where the outcome is positive only (a model in
            logs of y).

        Returns
        -------
        coefficients : DataFrame
            One row per construction: "normalize", "aggregate", "weights",
            a column per regressor (its coefficient) and "note" (empty, or
            why the construction was not fitted).

        Notes
        -----
        With the ``sample_weight`` of :func:`index_sensitivity`, each fit
        receives them (``fit(X, y, sample_weight=...)``); an estimator whose
        ``fit`` takes none is refused with a ValueError.

        Examples
        --------
        >>> from sklearn.linear_model import LinearRegression
        >>> from sklearn_innov.datasets import PAPER_SPEC, make_sme_survey
        >>> from sklearn_innov.preprocessing import index_sensitivity
        >>> survey = make_sme_survey(random_state=0).frame
        >>> spec = {name: PAPER_SPEC[name] for name in ("X1", "X3")}
        >>> result = index_sensitivity(survey, spec, aggregate=("sum",))
        >>> table = result.refit(LinearRegression(), "X3", ["X1"])
        >>> list(table.columns)
        ['normalize', 'aggregate', 'weights', 'X1', 'note']
        """
        if self._values is None:
            raise ValueError(
                "refit needs the index values of every construction; this "
                "result was built without them (index_sensitivity keeps them)."
            )
        names = list(self.indices)
        if outcome not in names:
            raise ValueError(
                f"refit: outcome {outcome!r} is not one of the indices {names}."
            )
        if regressors is None:
            regressors = [name for name in names if name != outcome]
        unknown = [name for name in regressors if name not in names]
        if unknown or outcome in regressors or not regressors:
            raise ValueError(
                f"refit: regressors must be other indices of {names}, at least "
                f"one; got {list(regressors)}."
            )
        columns = [names.index(name) for name in regressors]
        if self._weights is not None and not has_fit_parameter(
            estimator, "sample_weight"
        ):
            raise ValueError(
                f"refit: {type(estimator).__name__}.fit takes no sample_weight, "
                "but these constructions were weighted; pass an estimator that "
                "takes them (e.g. CobbDouglasRegressor) or rebuild without "
                "sample_weight."
            )
        rows = []
        for c, values in enumerate(self._values):
            y = values[:, names.index(outcome)]
            X = pd.DataFrame(values[:, columns], columns=list(regressors))
            keep = y > 0 if positive_outcome else np.ones(y.size, dtype=bool)
            coef, note = np.full(len(regressors), np.nan), ""
            fit_params = {}
            if self._weights is not None:
                fit_params["sample_weight"] = self._weights[keep]
            try:
                model = clone(estimator).fit(X[keep], y[keep], **fit_params)
                coef = np.ravel(model.coef_)
            except ValueError as exc:
                note = str(exc).split(";")[0].split(". ")[0]
            rows.append([*coef, note])
        table = pd.DataFrame(
            rows, columns=[*regressors, "note"], index=self.constructions.index
        )
        return pd.concat([self.constructions, table], axis=1)

    @property
    def ranks(self) -> pd.DataFrame:
        """Tidy ranks: one row per construction, index and firm.

        Returns
        -------
        ranks : DataFrame
            Columns "construction", "normalize", "aggregate", "weights",
            "index", "row" and "rank" (average ranks for ties); a
            construction left out for an index has no rows for it.
        """
        c, n, k = self._ranks.shape
        frame = pd.DataFrame(
            {
                "construction": np.repeat(np.arange(c), n * k),
                "index": np.tile(np.repeat(self.indices, n), c),
                "row": np.tile(np.tile(np.asarray(self.rows), k), c),
                "rank": self._ranks.transpose(0, 2, 1).ravel(),
            }
        ).dropna(subset=["rank"])
        return frame.merge(
            self.constructions, left_on="construction", right_index=True
        )[
            [
                "construction",
                "normalize",
                "aggregate",
                "weights",
                "index",
                "row",
                "rank",
            ]
        ].reset_index(drop=True)

    @property
    def table(self) -> pd.DataFrame:
        """Per index and row: reference rank, median rank, 5-95% interval, movement.

        Returns
        -------
        table : DataFrame
            Indexed by ("index", "row"), columns "reference_rank",
            "median_rank", "rank_q05", "rank_q95", "max_shift" (largest
            distance from the reference rank over the constructions kept for
            the index) and "moved" (``max_shift > shift``). Ranks and shifts
            are floats: tied rows share the average of their ranks.
        """
        ranks = self._ranks
        reference = ranks[0]
        # the reference is defined everywhere, so no column is all-NaN
        q05, median, q95 = np.nanpercentile(ranks, [5, 50, 95], axis=0)
        max_shift = np.nanmax(np.abs(ranks - reference), axis=0)
        index = pd.MultiIndex.from_product(
            [self.indices, list(self.rows)], names=["index", "row"]
        )
        columns = {
            "reference_rank": reference,
            "median_rank": median,
            "rank_q05": q05,
            "rank_q95": q95,
            "max_shift": max_shift,
        }
        table = pd.DataFrame(
            {name: values.T.ravel() for name, values in columns.items()},
            index=index,
        )
        table["moved"] = table["max_shift"] > self.shift
        return table

    def summary(self) -> pd.DataFrame:
        """Per index: how robust the ranking is.

        Returns
        -------
        summary : DataFrame
            Indexed by index name: "n_rows", "n_constructions" (kept for the
            index, the reference included), "share_moved" (share of rows
            whose rank moves by more than ``shift`` places in some
            construction), "mean_abs_shift" (mean over rows and the other
            constructions of ``|rank - reference rank|``, the statistic of
            Saisana et al., 2005; 0 with no other construction) and
            "median_interval_width" (median over rows of ``rank_q95 -
            rank_q05``). With ``sample_weight``, "n_rows" is the total weight
            and the share, mean and median weigh each row by its weight.
        """
        table = self.table
        kept = ~np.isnan(self._ranks[:, 0, :])  # (construction, index)
        shifts = np.abs(self._ranks[1:] - self._ranks[0])
        mean_abs = np.zeros(len(self.indices))
        others = kept[1:].any(axis=0)
        w = self._weights
        if others.any():
            part = shifts[:, :, others]
            if w is None:
                mean_abs[others] = np.nanmean(part, axis=(0, 1))
            else:
                defined = ~np.isnan(part)
                weight = np.where(defined, w[None, :, None], 0.0)
                mean_abs[others] = (np.where(defined, part, 0.0) * weight).sum(
                    axis=(0, 1)
                ) / weight.sum(axis=(0, 1))
        grouped = table.groupby(level="index", sort=False)
        if w is None:
            n_rows = grouped.size()
            share_moved = grouped["moved"].mean()
            width = grouped.apply(
                lambda t: float((t["rank_q95"] - t["rank_q05"]).median())
            )
        else:
            n_rows = pd.Series(float(w.sum()), index=self.indices)
            share_moved = grouped["moved"].apply(
                lambda moved: float(w[moved.to_numpy()].sum() / w.sum())
            )
            width = grouped.apply(
                lambda t: _weighted_median(
                    (t["rank_q95"] - t["rank_q05"]).to_numpy(), w
                )
            )
        summary = pd.DataFrame(
            {
                "n_rows": n_rows,
                "n_constructions": pd.Series(kept.sum(axis=0), index=self.indices),
                "share_moved": share_moved,
                "mean_abs_shift": pd.Series(mean_abs, index=self.indices),
                "median_interval_width": width,
            }
        )
        summary.index.name = "index"
        return summary

    def plot(
        self, index: str | None = None, ax: Axes | None = None
    ) -> Figure | SubFigure:
        """Ranks with their 5-95% intervals, rows ordered by reference rank.

        Parameters
        ----------
        index : str, default=None
            The index to draw; None draws the first.
        ax : matplotlib Axes, default=None
            Where to draw; None makes a new figure.

        Returns
        -------
        figure : matplotlib Figure
            One row per firm, its reference rank and interval.
        """
        import matplotlib.pyplot as plt  # optional dependency: imported here only

        name = self.indices[0] if index is None else index
        if name not in self.indices:
            raise ValueError(
                f"index {name!r} is not one of {self.indices}; pass one of them."
            )
        table = self.table.loc[name].sort_values("reference_rank")
        fig: Figure | SubFigure
        if ax is None:
            fig, ax = plt.subplots(figsize=(7, 4))
        else:
            fig = ax.figure
        x = np.arange(1, len(table) + 1)
        ax.vlines(
            x,
            table["rank_q05"],
            table["rank_q95"],
            color="0.6",
            lw=1.5,
            label="5-95% of constructions",
        )
        ax.plot(x, table["median_rank"], "o", ms=3, color="C0", label="median rank")
        ax.plot(
            x,
            table["reference_rank"],
            "_",
            ms=6,
            color="C3",
            label="reference construction",
        )
        ax.invert_yaxis()
        ax.set_xlabel("rows, ordered by reference rank")
        ax.set_ylabel("rank (1 = highest)")
        ax.set_title(
            f"Rank robustness of {name} over {len(self.constructions)} constructions"
        )
        ax.legend(loc="lower right", fontsize="small")
        return fig
