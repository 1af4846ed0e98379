"""Min-max normalisation of survey items onto a common range.

The paper (footnote 2) normalises every item as ``(X - min) / (max - min)``
before summing items into an index. This module does that per column, with the
scale's theoretical range (a Likert 1-5 item is (1, 5)) as an alternative to
the observed one, so that small samples and new data are normalised alike.
"""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Mapping
from numbers import Real
from typing import TYPE_CHECKING, Any, Self

import joblib
import numpy as np
import sklearn
from sklearn.base import (
    BaseEstimator,
    OneToOneFeatureMixin,
    TransformerMixin,
)
from sklearn.utils.validation import check_is_fitted

from .._core._moments import by_columns, column_range
from ..exceptions import ConstantItemWarning
from ..summary._summary import plural
from ..utils._container import like_input
from ..utils._sklearn_compat import DocLinkMixin, StrOptions, _fit_context
from ..utils._validation import (
    check_sample_weight,
    feature_labels,
    format_labels,
    is_dataframe,
    resolve_items,
    validate_columns,
)
from ..utils._validation import format_rows as _format_labelled_rows

if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Literal

    from numpy.typing import ArrayLike, NDArray

    from ..utils._typing import OutOfRange, TransformOutput

OUT_OF_RANGE = ("auto", "error", "clip", "nan")
# where a warning's stacklevel stops: the first frame outside this library
# and the scikit-learn (and joblib) machinery that calls it from a Pipeline
_LIBRARIES = (
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep,
    *(os.path.dirname(os.path.abspath(m.__file__)) + os.sep for m in (sklearn, joblib)),
)


class MinMaxIndexer(
    DocLinkMixin, OneToOneFeatureMixin, TransformerMixin, BaseEstimator
):
    """Normalise each item to a range, with observed or theoretical bounds.

    ``X_n = (X - lo) / (hi - lo) * (b - a) + a``, where ``(a, b)`` is
    ``feature_range`` and ``(lo, hi)`` are the column's bounds: the observed
    minimum and maximum (``bounds=None``, the paper's footnote 2) or the
    scale's theoretical range.

    Parameters
    ----------
    feature_range : tuple (a, b), default=(0.0, 1.0)
        Range of the output. ``(0.0, 1.0)`` is the paper's choice. A floor
        above zero, e.g. ``(0.01, 1.0)``, keeps the lowest firm away from
        ``ln 0 = -inf`` when the indices are later logged.
    bounds : None, tuple (lo, hi) or mapping, default=None
        None learns each column's observed minimum and maximum at ``fit``.
        A tuple gives every column the same theoretical range (``(1, 5)`` for
        Likert items). A mapping ``{column: (lo, hi)}`` (names for DataFrames,
        positions for arrays) fixes some columns and learns the others.
    out_of_range : {"auto", "error", "clip", "nan"}, default="auto"
        What to do with a value outside its column's range: the declared
        ``bounds`` (checked at ``fit`` and ``transform``), or else the range
        observed at ``fit`` (met at ``transform``, by new rows). "error"
        raises a ValueError naming the columns, rows and values; "clip" sets
        the value to the nearer end of the range, so the output stays in
        ``feature_range``; "nan" makes it a missing answer. "auto" is "error"
        for columns with declared bounds (a 7 on a 1-5 scale, or a
        "don't know" code 9, is not an answer to normalise) and "clip" for
        the others. Unlike :class:`~sklearn.preprocessing.MinMaxScaler`
        (``clip=False``), nothing passes through: a new row beyond the
        training range gets the score of the training extreme, as
        :class:`~sklearn.preprocessing.QuantileTransformer` does, instead of
        a normalised item of 220 or -114 that no later step expects.
    clip : bool, default="deprecated"
        Deprecated (replaced by ``out_of_range``), removed in 1.0: ``clip=True`` is
        ``out_of_range="clip"``. Setting it warns (FutureWarning) and, when
        True, overrides ``out_of_range``.

    Attributes
    ----------
    data_min_ : ndarray of shape (n_features,)
        Observed minimum per column (NaN ignored).
    data_max_ : ndarray of shape (n_features,)
        Observed maximum per column (NaN ignored).
    bounds_ : ndarray of shape (n_features, 2)
        The ``(lo, hi)`` used per column: declared bounds where given, the
        observed ones elsewhere.
    n_features_in_ : int
        Number of columns seen at ``fit``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names seen at ``fit``, when X is a DataFrame.

    See Also
    --------
    sklearn.preprocessing.MinMaxScaler : The same map with observed bounds.
    CompositeIndex : Sums normalised items into named indices.

    Notes
    -----
    A column constant at ``fit`` without declared bounds (``hi == lo``)
    maps to ``a``, the lower end of ``feature_range``, never to NaN or inf,
    and a :class:`~sklearn_innov.exceptions.ConstantItemWarning` names it: its
    observed range is one point, so at ``transform`` every other value is
    out of range and handled by ``out_of_range`` ("auto" and "clip" map it
    to ``a`` too). NaN (a missing answer) passes through unchanged, and is
    ignored when the observed bounds are learned.

    With observed bounds the lowest firm gets exactly ``a``; with the default
    ``a = 0`` its logarithm is ``-inf``. Pick ``feature_range=(eps, 1)``, or
    give the log-log model a zero policy (``CobbDouglasRegressor(zeros=...)``;
    ``LogTransform(offset=...)`` for a model that does not take logs
    itself), and say which.

    References
    ----------
    .. [1] Alonso, J. J., Contreras, O. F. and Valenzuela, A. (2025).
       "Endogenous learning for innovation in knowledge-intensive SMEs",
       footnote 2.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_innov import MinMaxIndexer
    >>> X = np.array([[1, 2], [3, 4], [5, 5]])
    >>> MinMaxIndexer().fit_transform(X)
    array([[0.        , 0.        ],
           [0.5       , 0.66666667],
           [1.        , 1.        ]])
    >>> MinMaxIndexer(bounds=(1, 5)).fit_transform(X)
    array([[0.  , 0.25],
           [0.5 , 0.75],
           [1.  , 1.  ]])

    A new row beyond the training range gets the training extreme's score:

    >>> MinMaxIndexer().fit(X).transform(np.array([[7, 0]]))
    array([[1., 0.]])
    """

    data_min_: NDArray[np.float64]
    data_max_: NDArray[np.float64]
    bounds_: NDArray[np.float64]
    n_features_in_: int
    feature_names_in_: NDArray[np.object_]

    _parameter_constraints: dict = {
        "feature_range": [tuple],
        "bounds": [None, tuple, Mapping],
        "out_of_range": [StrOptions(set(OUT_OF_RANGE))],
        "clip": ["boolean", StrOptions({"deprecated"})],
    }

    def __init__(
        self,
        *,
        feature_range: tuple[float, float] = (0.0, 1.0),
        bounds: tuple[float, float] | Mapping[Any, Any] | None = None,
        out_of_range: OutOfRange = "auto",
        clip: bool | Literal["deprecated"] = "deprecated",
    ) -> None:
        self.feature_range = feature_range
        self.bounds = bounds
        self.out_of_range = out_of_range
        self.clip = clip

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(
        self,
        X: ArrayLike,
        y: ArrayLike | None = None,
        sample_weight: ArrayLike | None = None,
    ) -> Self:
        """Learn the bounds of each column.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Numeric items; NaN marks a missing answer.
        y : array-like of shape (n_samples,), default=None
            Ignored: accepted so that a Pipeline or a search can pass its target.
        sample_weight : array-like of shape (n_samples,), default=None
            Frequency weights of the rows (scikit-learn's semantics: a weight
            of 3 counts the row three times). The observed minimum and
            maximum do not depend on how often a value occurs, so only a
            weight of 0 matters: such a row is fitted as if deleted (it sets
            no bound and is not checked; ``transform`` scores it as any new
            row). Negative or non-finite weights raise a ValueError naming
            their positions.

        Returns
        -------
        self : MinMaxIndexer
            The fitted transformer.
        """
        _check_range(self.feature_range, "feature_range")
        rows = row_labels(X)
        X = validate_columns(self, X, reset=True)
        keep = positive_rows(sample_weight, X.shape[0], owner="MinMaxIndexer")[1]
        if keep is not None:  # a row of weight 0 is fitted as a deleted row
            rows = (np.arange(X.shape[0]) if rows is None else rows)[keep]
            X = X[keep]
        labels = feature_labels(self, X.shape[1])
        declared = self._declared_bounds(labels, X.shape[1])
        policy = self._policy(warn_user=True)
        X = apply_range(X, declared, policy, labels, rows, owner="MinMaxIndexer")
        self._fit_array(X, labels=labels)
        constant = (self.data_min_ == self.data_max_) & ~self._declared_
        warn_constant(constant, self.data_min_, labels, policy, "MinMaxIndexer")
        return self

    def _policy(self, warn_user=False):
        """``out_of_range``, or what the deprecated ``clip`` asks for."""
        if isinstance(self.clip, str):
            return self.out_of_range
        if warn_user:
            warnings.warn(
                "MinMaxIndexer(clip=...) is deprecated and will be removed in "
                f"1.0: use out_of_range={'clip' if self.clip else 'auto'!r} "
                "instead (clip=True is out_of_range='clip').",
                FutureWarning,
                stacklevel=3,
            )
        return "clip" if self.clip else self.out_of_range

    def transform(self, X: ArrayLike) -> TransformOutput:
        """Normalise X with the fitted bounds.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Numeric items, with the columns seen at ``fit``.

        Returns
        -------
        X_n : ndarray or DataFrame of shape (n_samples, n_features)
            Normalised items; NaN where X is NaN. In X's container: an
            ndarray for an array, a DataFrame of the same kind for a pandas
            (row index kept) or polars DataFrame, with the columns of
            ``get_feature_names_out()``; ``set_output`` chooses another
            container as usual.
        """
        check_is_fitted(self)
        rows = row_labels(X)
        items = validate_columns(self, X, reset=False)
        items = apply_range(
            items,
            self.bounds_,
            self._policy(),
            self._labels_,
            rows,
            owner="MinMaxIndexer",
            declared=self._declared_,
        )
        return like_input(self._scale(items), X, self)

    def inverse_transform(self, X: ArrayLike) -> NDArray[np.float64]:
        """Map normalised values back to the items' original scale.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Normalised values.

        Returns
        -------
        X_original : ndarray of shape (n_samples, n_features)
            The values on the items' scale.
        """
        check_is_fitted(self)
        X = validate_columns(self, X, reset=False)
        a, b = self.feature_range
        lo, span = self.bounds_[:, 0], self._span()
        return (X - a) / (b - a) * span + lo

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags

    def _fit_array(self, X, has_nan=None, labels=None):
        """Learn the bounds from a validated float array (no checks of X).

        ``labels`` name the columns in messages when they are not this
        indexer's own inputs (a CompositeIndex passes its items' names). X
        must lie inside any declared bounds (see :func:`apply_range`).
        """
        if labels is None:
            labels = feature_labels(self, X.shape[1])
        self._labels_ = list(labels)
        if has_nan is None:
            has_nan = np.isnan(X.sum())
        self.data_min_, self.data_max_ = observed_range(X, has_nan)
        declared = self._declared_bounds(labels, X.shape[1])
        bounds = np.column_stack([self.data_min_, self.data_max_])
        has_declared = ~np.isnan(declared[:, 0])
        bounds[has_declared] = declared[has_declared]
        if np.isnan(bounds).any():
            cols = [labels[j] for j in np.flatnonzero(np.isnan(bounds[:, 0]))]
            raise ValueError(
                "MinMaxIndexer cannot learn bounds for "
                f"{plural(len(cols), 'column')} ({format_labels(cols)}): every "
                f"value is missing. Declare {'its' if len(cols) == 1 else 'their'} "
                "theoretical range with bounds={column: (lo, hi)}, or drop "
                f"{'it' if len(cols) == 1 else 'them'}."
            )
        self.bounds_ = bounds
        self._declared_ = has_declared

    def _span(self):
        with np.errstate(over="ignore"):  # an overflowing range: see _scale
            span = self.bounds_[:, 1] - self.bounds_[:, 0]
        # A constant column keeps a unit span, as MinMaxScaler does, so it maps
        # to feature_range[0] instead of 0/0.
        return np.where(span == 0, 1.0, span)

    def _scale(self, X):
        """Normalise a validated float array with the fitted bounds.

        Arithmetic only: the caller has applied ``out_of_range`` already.
        """
        a, b = self.feature_range
        lo, span = self.bounds_[:, 0], self._span()
        # In place after the first subtraction: one temporary for 1e6-row data.
        with np.errstate(over="ignore"):
            X_n = by_columns(np.subtract, X, lo)
        if not np.isfinite(span).all():
            # hi - lo overflows (bounds near +-1e308): halving every term is
            # exact in binary floating point and brings the range back
            wide = ~np.isfinite(span)
            X_n[:, wide] = X[:, wide] * 0.5 - lo[wide] * 0.5
            span = np.where(wide, self.bounds_[:, 1] * 0.5 - lo * 0.5, span)
        with np.errstate(over="ignore"):  # far outside a subnormal range: +-inf
            by_columns(np.divide, X_n, span, out=X_n)
        if b - a != 1:
            X_n *= b - a
        if a != 0:
            X_n += a
        return X_n

    def _declared_bounds(self, labels, n_features):
        declared = np.full((n_features, 2), np.nan)
        if self.bounds is None:
            return declared
        if isinstance(self.bounds, Mapping):
            columns = labels if hasattr(self, "feature_names_in_") else None
            keys = list(self.bounds)
            positions = resolve_items(keys, columns, n_features, owner="bounds")
            for key, pos in zip(keys, positions, strict=True):
                declared[pos] = _check_range(self.bounds[key], f"bounds[{key!r}]")
        else:
            declared[:] = _check_range(self.bounds, "bounds")
        return declared


def _name(label):
    return repr(label) if isinstance(label, str) else f"column {label}"


def _number(value):
    """A value as the user wrote it: ``6``, ``29.5``, ``1e-07`` (never np.float64)."""
    return f"{float(value):g}"


def positive_rows(
    sample_weight: Any, n_samples: int, *, owner: str
) -> tuple[NDArray[np.float64] | None, NDArray[np.bool_] | None]:
    """Validated frequency weights and the rows they keep.

    Returns ``(weights, keep)``: ``weights`` the positive weights of the
    kept rows (None without ``sample_weight``) and ``keep`` a boolean mask
    of the rows of positive weight, or None when every row is kept. A
    weight of 0 drops its row from every statistic learned at ``fit``, as
    removing the row would; negative, NaN or infinite weights, a length
    that is not ``n_samples`` and all-zero weights raise a ValueError
    naming the positions.
    """
    weights = check_sample_weight(sample_weight, n_samples, owner=owner)
    if weights is None:
        return None, None
    keep = weights > 0
    if keep.all():
        return weights, None
    return weights[keep], keep


def row_labels(X):
    """The row labels of a pandas DataFrame, else None (rows counted from 1)."""
    return X.index if is_dataframe(X) else None


def caller_stacklevel():
    """The ``stacklevel`` of the first frame outside this library and sklearn.

    For a warning raised by the function that calls this one: the line it
    points at is the user's, whether the estimator was called directly,
    through ``_fit_context``, or by a Pipeline or a search (scikit-learn's
    and joblib's frames are skipped too).
    """
    frame, level = sys._getframe(1), 1
    while frame is not None and frame.f_code.co_filename.startswith(_LIBRARIES):
        frame, level = frame.f_back, level + 1
    return level


def format_rows(positions, rows, limit=5):
    """Rows as the user counts them: the DataFrame's index labels, else from 1.

    ``positions`` are 0-based positions in X; ``rows`` the DataFrame's index
    (from :func:`row_labels`) or None for arrays.
    """
    positions = list(positions)
    if rows is not None and rows.name is not None:
        # a named index (the CLI's "line"): its name, as every other message
        return _format_labelled_rows(
            rows[np.asarray(positions, dtype=int)], limit=limit
        )
    shown = positions[:limit]
    more = f" and {len(positions) - limit} more" if len(positions) > limit else ""
    if rows is None:
        numbers = ", ".join(str(p + 1) for p in shown)
        return f"row {numbers}{more} (counting from 1)"
    labels = ", ".join(
        repr(label) if isinstance(label, str) else str(label)
        for label in rows[np.asarray(shown, dtype=int)]
    )
    return f"index {labels}{more}"


def observed_range(X, has_nan=None):
    """Each column's smallest and largest answered value (NaN where none is)."""
    if has_nan is None:
        has_nan = np.isnan(X.sum())
    if not has_nan:
        return column_range(X)
    answered = ~np.isnan(X)
    low = np.min(X, axis=0, initial=np.inf, where=answered)
    high = np.max(X, axis=0, initial=-np.inf, where=answered)
    empty = ~answered.any(axis=0)
    low[empty] = high[empty] = np.nan
    return low, high


def apply_range(X, ranges, policy, labels, rows, *, owner, declared=None):
    """Apply an ``out_of_range`` policy to the values outside each column's range.

    The one place where MinMaxIndexer and CompositeIndex check items against
    their ranges, on the items' own scale (before any reversal or
    normalisation), so messages show the values the user wrote.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_columns)
        Validated float items; NaN is a missing answer and is never out of
        range.
    ranges : ndarray of shape (n_columns, 2)
        ``(lo, hi)`` per column; a row of NaN checks nothing.
    policy : {"auto", "error", "clip", "nan"}
        "auto" is "error" for the columns in ``declared``, "clip" elsewhere.
    labels : list
        Column labels for messages.
    rows : pandas Index or None
        Row labels for messages (None: positions counted from 1).
    owner : str
        The estimator, for messages.
    declared : ndarray of bool of shape (n_columns,), default=None
        Columns whose range is declared ``bounds``; None means every column
        with a range (at ``fit``, only declared ranges are given).

    Returns
    -------
    X : ndarray
        X itself when every value is inside, else a copy with the policy
        applied.
    """
    lo, hi = ranges[:, 0], ranges[:, 1]
    if declared is None:
        declared = ~np.isnan(lo)
    outside = np.empty(X.shape, dtype=bool)
    with np.errstate(invalid="ignore"):
        by_columns(np.less, X, lo, out=outside)
        outside |= by_columns(np.greater, X, hi, out=np.empty_like(outside))
    if not outside.any():
        return X
    bad = np.flatnonzero(outside.any(axis=0))
    if policy == "auto":
        refuse = bad[declared[bad]]
    else:
        refuse = bad if policy == "error" else bad[:0]
    if refuse.size:
        details = "; ".join(
            _outside(X, outside, j, lo, hi, declared, labels, rows) for j in refuse[:3]
        )
        more = (
            f"; and {plural(len(refuse) - 3, 'more column')}" if len(refuse) > 3 else ""
        )
        widen = " or widen bounds" if declared[refuse].any() else ""
        raise ValueError(
            f"{owner}: {details}{more}. Set out_of_range='clip' to move such "
            "values to the nearer end of the range, or out_of_range='nan' to "
            f"count them as missing answers; or fix the data{widen}."
        )
    X = X.copy()
    for j in bad:
        if policy == "nan":
            X[outside[:, j], j] = np.nan
        else:  # "clip", or "auto" on ranges observed at fit
            np.clip(X[:, j], lo[j], hi[j], out=X[:, j])
    return X


def _outside(X, outside, j, lo, hi, declared, labels, rows):
    where = np.flatnonzero(outside[:, j])
    kind = "declared bounds" if declared[j] else "training range"
    values = ", ".join(_number(v) for v in X[where[:3], j])
    return (
        f"{_name(labels[j])} is outside its {kind} [{_number(lo[j])}, "
        f"{_number(hi[j])}] in {plural(where.size, 'row')} ("
        f"{format_rows(where, rows, limit=3)}: {values})"
    )


def warn_constant(constant, values, labels, policy, owner, declared=None):
    """Warn, naming them, about columns that take one value at ``fit``.

    ``declared`` marks the columns with declared bounds, which normalise
    their other values at transform as usual.
    """
    if not constant.any():
        return
    cols = np.flatnonzero(constant)
    named = ", ".join(constant_item(labels[j], values[j]) for j in cols[:8])
    more = f" and {cols.size - 8} more" if cols.size > 8 else ""
    one = cols.size == 1
    message = (
        f"{owner}: {named}{more} {'takes' if one else 'take'} a single value at "
        f"fit: {'it adds' if one else 'they add'} the same amount to every row "
        f"and {'carries' if one else 'carry'} no information."
    )
    if declared is None or not declared[cols].all():
        effect = {"error": "raise", "nan": "become missing answers"}.get(
            policy, "are set to that value"
        )
        message += (
            " At transform, other values of an item without declared bounds "
            f"lie outside its one-value range and, with out_of_range={policy!r}, "
            f"{effect}. Drop such items, or declare their bounds."
        )
    else:
        message += " Drop such items if that is not intended."
    warnings.warn(
        ConstantItemWarning(
            message, [labels[j] for j in cols], [values[j] for j in cols]
        ),
        stacklevel=caller_stacklevel(),
    )


def constant_item(label, value, where=None):
    """An item and its single value, in words: the one wording of both forms.

    ``'q3' (always 3)`` in one fit's warning; with ``where``, ``'q3' is 3
    in <where>`` (the benchmark's ``every training row of 7 of 50 folds``).
    """
    if where is None:
        return f"{_name(label)} (always {_number(value)})"
    return f"{_name(label)} is {_number(value)} in {where}"


def _check_range(pair, name):
    """Validate a ``(low, high)`` pair and return it as two floats."""
    try:
        low, high = pair
    except (TypeError, ValueError):
        raise ValueError(
            f"{name} must be a pair (low, high) of numbers; got {pair!r}."
        ) from None
    if not (isinstance(low, Real) and isinstance(high, Real)) or isinstance(low, bool):
        raise ValueError(f"{name} must be a pair (low, high) of numbers; got {pair!r}.")
    if not (np.isfinite(low) and np.isfinite(high) and low < high):
        raise ValueError(
            f"{name} must satisfy low < high, both finite; got {pair!r}. "
            "Swap the two values or fix the range."
        )
    return float(low), float(high)
