"""Natural logarithm of indices, with an explicit policy for values <= 0.

The paper linearises its Cobb-Douglas model with natural logarithms. Min-max
indices put the lowest firm at exactly 0 and non-innovators have an innovation
index of 0, so ``ln 0`` is the pitfall every user meets. This transformer
refuses it by default and offers the two usual ways out, each one visible.
"""

import warnings
from numbers import Real

import numpy as np
from sklearn.base import (
    BaseEstimator,
    OneToOneFeatureMixin,
    TransformerMixin,
)
from sklearn.utils.validation import check_is_fitted

from ..exceptions import NonPositiveWarning
from ..utils._sklearn_compat import Interval, StrOptions, _fit_context
from ..utils._validation import feature_labels, format_labels, validate_columns


class LogTransform(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Natural logarithm ``ln(X + offset)`` with a policy for values <= 0.

    Parameters
    ----------
    offset : float, default=0.0
        Added to X before the logarithm. ``offset=1`` gives ``ln(1 + X)``,
        defined for every min-max normalised value.
    on_nonpositive : {"error", "nan", "clip"}, default="error"
        What to do where ``X + offset <= 0``:

        - "error": raise a ValueError naming the columns and the number of
          rows, and pointing to ``offset`` or ``MinMaxIndexer(feature_range)``;
        - "nan": return NaN there, with a :class:`NonPositiveWarning`;
        - "clip": replace ``X + offset`` there by the column's floor
          ``floor_`` (half the smallest positive value of ``X + offset`` seen
          at ``fit``), with a :class:`NonPositiveWarning`.

    Attributes
    ----------
    floor_ : ndarray of shape (n_features,)
        Half the smallest positive value of ``X + offset`` per column at
        ``fit`` (the value itself where its half underflows to 0, at the
        smallest subnormal 5e-324; NaN for a column with none); used by
        ``on_nonpositive="clip"``.
    n_features_in_ : int
        Number of columns seen at ``fit``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names seen at ``fit``, when X is a DataFrame.

    See Also
    --------
    MinMaxIndexer : ``feature_range=(eps, 1)`` avoids zeros at the source.
    sklearn.preprocessing.FunctionTransformer : A log without these checks.

    Notes
    -----
    The floor of "clip" is a convention (half the smallest positive value),
    not a neutral choice: elasticities estimated on clipped data depend on it.
    Report it, or compare with the innovators-only fit. NaN in X (a missing
    answer) passes through as NaN without a warning.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_innov import LogTransform
    >>> LogTransform().fit_transform(np.array([[1.0], [np.e]]))
    array([[0.],
           [1.]])
    >>> LogTransform(offset=1.0).fit_transform(np.array([[0.0], [np.e - 1]]))
    array([[0.],
           [1.]])
    """

    _parameter_constraints: dict = {
        "offset": [Interval(Real, None, None, closed="neither")],
        "on_nonpositive": [StrOptions({"error", "nan", "clip"})],
    }

    def __init__(self, *, offset=0.0, on_nonpositive="error"):
        self.offset = offset
        self.on_nonpositive = on_nonpositive

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Check X and learn the floor of each column.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Values to log.
        y : None
            Ignored.

        Returns
        -------
        self : LogTransform
            The fitted transformer.
        """
        X = validate_columns(self, X, reset=True) + self.offset
        positive = X > 0
        smallest = np.min(X, axis=0, initial=np.inf, where=positive)
        # half the smallest positive value, or that value itself where half of
        # it underflows to 0 (the smallest subnormal, 5e-324)
        half = np.where(smallest / 2.0 > 0, smallest / 2.0, smallest)
        self.floor_ = np.where(positive.any(axis=0), half, np.nan)
        self._nonpositive_mask(X)
        return self

    def transform(self, X):
        """Return ``ln(X + offset)``.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Values to log, with the columns seen at ``fit``.

        Returns
        -------
        X_log : ndarray of shape (n_samples, n_features)
        """
        check_is_fitted(self)
        X = validate_columns(self, X, reset=False) + self.offset
        bad = self._nonpositive_mask(X)
        if self.on_nonpositive == "clip":
            X = np.where(bad, self.floor_, X)
        elif self.on_nonpositive == "nan":
            X = np.where(bad, np.nan, X)
        with np.errstate(invalid="ignore"):
            return np.log(X)

    def inverse_transform(self, X):
        """Return ``exp(X) - offset``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Logged values.

        Returns
        -------
        X_original : ndarray of shape (n_samples, n_features)
        """
        check_is_fitted(self)
        X = validate_columns(self, X, reset=False)
        return np.exp(X) - self.offset

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.positive_only = True
        return tags

    def _nonpositive_mask(self, X):
        """Apply the ``on_nonpositive`` policy's check; return where X <= 0."""
        with np.errstate(invalid="ignore"):
            bad = X <= 0
        if not bad.any():
            return bad
        labels = feature_labels(self)
        cols = [labels[j] for j in np.flatnonzero(bad.any(axis=0))]
        rows = int(bad.any(axis=1).sum())
        where = f"column(s) {format_labels(cols)} ({rows} row(s))"
        if self.on_nonpositive == "error":
            sign = "Negative" if (X < 0).any() else "Zero"
            raise ValueError(
                f"{sign} values in data passed to LogTransform: X + offset <= 0 "
                f"in {where}; ln is undefined there. Raise `offset` (e.g. "
                "offset=1.0 for ln(1 + X)), give "
                "MinMaxIndexer a floor with feature_range=(0.01, 1.0), keep only "
                "the rows with positive values (e.g. innovators), or choose "
                "on_nonpositive='clip' or 'nan'."
            )
        if self.on_nonpositive == "clip":
            empty = np.isnan(self.floor_) & bad.any(axis=0)
            if empty.any():
                cols = [labels[j] for j in np.flatnonzero(empty)]
                raise ValueError(
                    f"LogTransform cannot clip column(s) {format_labels(cols)}: "
                    "no positive value was seen at fit, so there is no floor. "
                    "Raise `offset` instead."
                )
            action = "clipped to floor_ (half the smallest positive value at fit)"
        else:
            action = "set to NaN"
        warnings.warn(
            f"LogTransform: X + offset <= 0 in {where}; those values were {action}.",
            NonPositiveWarning,
            stacklevel=3,
        )
        return bad
