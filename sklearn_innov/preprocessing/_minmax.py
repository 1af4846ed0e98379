"""Min-max normalisation of survey items onto a common range.

The paper (footnote 2) normalises every item as ``(X - min) / (max - min)``
before summing items into an index. This module does that per column, with the
scale's theoretical range (a Likert 1-5 item is (1, 5)) as an alternative to
the observed one, so that small samples and new data are normalised alike.
"""

from collections.abc import Mapping
from numbers import Real

import numpy as np
from sklearn.base import (
    BaseEstimator,
    OneToOneFeatureMixin,
    TransformerMixin,
)
from sklearn.utils.validation import check_is_fitted

from .._core._moments import by_columns, column_range
from ..utils._sklearn_compat import _fit_context
from ..utils._validation import (
    feature_labels,
    format_labels,
    resolve_items,
    validate_columns,
)


class MinMaxIndexer(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
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
    clip : bool, default=False
        Clip the output to ``feature_range``. Without it, values outside
        declared ``bounds`` raise a ValueError (they are impossible answers),
        and values outside the observed range at ``transform`` map outside
        ``feature_range``, as in :class:`sklearn.preprocessing.MinMaxScaler`.

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
    A constant column (``hi == lo``) maps to ``a``, the lower end of
    ``feature_range``, and never to NaN or inf; at ``transform`` any other
    value is shifted by its distance from the constant, as in scikit-learn's
    ``MinMaxScaler``. NaN (a missing answer) passes through unchanged, and is
    ignored when the observed bounds are learned.

    With observed bounds the lowest firm gets exactly ``a``; with the default
    ``a = 0`` its logarithm is ``-inf``. Pick ``feature_range=(eps, 1)`` or
    ``LogTransform(offset=...)`` before taking logs, and say which.

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
    """

    _parameter_constraints: dict = {
        "feature_range": [tuple],
        "bounds": [None, tuple, Mapping],
        "clip": ["boolean"],
    }

    def __init__(self, *, feature_range=(0.0, 1.0), bounds=None, clip=False):
        self.feature_range = feature_range
        self.bounds = bounds
        self.clip = clip

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Learn the bounds of each column.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Numeric items; NaN marks a missing answer.
        y : None
            Ignored.

        Returns
        -------
        self : MinMaxIndexer
            The fitted transformer.
        """
        _check_range(self.feature_range, "feature_range")
        X = validate_columns(self, X, reset=True)
        self._fit_array(X)
        return self

    def transform(self, X):
        """Normalise X with the fitted bounds.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Numeric items, with the columns seen at ``fit``.

        Returns
        -------
        X_n : ndarray of shape (n_samples, n_features)
            Normalised items; NaN where X is NaN.
        """
        check_is_fitted(self)
        X = validate_columns(self, X, reset=False)
        return self._scale(X)

    def inverse_transform(self, X):
        """Map normalised values back to the items' original scale.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Normalised values.

        Returns
        -------
        X_original : ndarray of shape (n_samples, n_features)
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
        indexer's own inputs (a CompositeIndex passes its items' names).
        """
        if labels is None:
            labels = feature_labels(self, X.shape[1])
        self._labels_ = list(labels)
        if has_nan is None:
            has_nan = np.isnan(X.sum())
        if has_nan:
            observed = ~np.isnan(X)
            low = np.min(X, axis=0, initial=np.inf, where=observed)
            high = np.max(X, axis=0, initial=-np.inf, where=observed)
            empty = ~observed.any(axis=0)
            low[empty] = high[empty] = np.nan
        else:
            low, high = column_range(X)
        self.data_min_, self.data_max_ = low, high
        declared = self._declared_bounds(labels, X.shape[1])
        bounds = np.column_stack([self.data_min_, self.data_max_])
        has_declared = ~np.isnan(declared[:, 0])
        bounds[has_declared] = declared[has_declared]
        if np.isnan(bounds).any():
            cols = [labels[j] for j in np.flatnonzero(np.isnan(bounds[:, 0]))]
            raise ValueError(
                f"MinMaxIndexer cannot learn bounds for column(s) "
                f"{format_labels(cols)}: every value is missing. Declare their "
                "theoretical range with bounds={column: (lo, hi)}, or drop them."
            )
        self.bounds_ = bounds
        self._declared_ = has_declared
        self._check_inside_bounds(X, labels)

    def _span(self):
        with np.errstate(over="ignore"):  # an overflowing range: see _scale
            span = self.bounds_[:, 1] - self.bounds_[:, 0]
        # A constant column keeps a unit span, as MinMaxScaler does, so it maps
        # to feature_range[0] instead of 0/0.
        return np.where(span == 0, 1.0, span)

    def _scale(self, X):
        """Normalise a validated float array with the fitted bounds."""
        self._check_inside_bounds(X, self._labels_)
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
        if self.clip:
            np.clip(X_n, a, b, out=X_n)
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

    def _check_inside_bounds(self, X, labels):
        if self.clip or not self._declared_.any():
            return
        lo, hi = self.bounds_[:, 0], self.bounds_[:, 1]
        with np.errstate(invalid="ignore"):
            outside = ((X < lo) | (X > hi)) & self._declared_
        if outside.any():
            bad = np.flatnonzero(outside.any(axis=0))
            cols = [labels[j] for j in bad]
            # each column with its declared range and the first offending row
            details = "; ".join(
                f"{_name(labels[j])} outside [{lo[j]:g}, {hi[j]:g}] in "
                f"{int(outside[:, j].sum())} row(s), first at row "
                f"{int(np.flatnonzero(outside[:, j])[0])} "
                f"({X[np.flatnonzero(outside[:, j])[0], j]:g})"
                for j in bad[:5]
            )
            raise ValueError(
                f"Column(s) {format_labels(cols)} hold values outside their "
                f"declared bounds: {details}. Widen `bounds` to the scale's true "
                "range, fix the data, or set clip=True to clip the output to "
                "feature_range."
            )


def _name(label):
    return repr(label) if isinstance(label, str) else f"column {label}"


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
