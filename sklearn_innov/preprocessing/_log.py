"""Natural logarithm of indices, with an explicit policy for values <= 0.

The paper linearises its Cobb-Douglas model with natural logarithms. Min-max
indices put the lowest firm at exactly 0 and non-innovators have an innovation
index of 0, so ``ln 0`` is the pitfall every user meets. This transformer
refuses it by default and offers the two usual ways out, each one visible.

The module also holds the one implementation of the zero policies of the
log-log models ("floor", "drop", "offset": :func:`apply_zeros`, used by
``CobbDouglasRegressor``, ``TwoPartRegressor`` and ``replicate``) and the
marks by which a model that logs its input recognises values logged already
(``LogArray``, the ``ln(`` prefix of ``LogTransform.get_feature_names_out``).
"""

from __future__ import annotations

from numbers import Real
from typing import TYPE_CHECKING, Self

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from ..exceptions import NonPositiveWarning
from ..summary._summary import plural
from ..utils._container import like_input
from ..utils._sklearn_compat import DocLinkMixin, Interval, StrOptions, _fit_context
from ..utils._validation import (
    check_input_features,
    feature_labels,
    format_labels,
    validate_columns,
)
from ..utils._warnings import warn

if TYPE_CHECKING:
    from numpy.typing import ArrayLike, NDArray

    from ..utils._typing import OnNonpositive, TransformOutput

__all__ = ["LogTransform"]

# The output names of LogTransform: "ln(X1)", "ln(1 + X1)". A model that logs
# its input itself refuses columns named so (a double log).
LOG_PREFIX = "ln("
# How a log-log model treats a regressor equal to 0 (the spec's [model] zeros)
ZERO_POLICIES = ("floor", "drop", "offset")


class LogArray(np.ndarray):
    """A NumPy array of values :class:`LogTransform` has logged.

    It is an ordinary ``ndarray`` that carries the mark "logged already", so
    that a model which takes logs itself (``CobbDouglasRegressor``) can
    refuse it instead of fitting ``ln(ln(.))``. Slices and copies keep the
    mark; any arithmetic (``np.exp(a)``, ``a * 1``, a reduction) returns a
    plain ``ndarray``, since its values are no longer the logged ones.
    """

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        inputs = tuple(_plain(value) for value in inputs)
        if "out" in kwargs:
            kwargs["out"] = tuple(_plain(value) for value in kwargs["out"])
        return getattr(ufunc, method)(*inputs, **kwargs)


def _plain(value):
    return value.view(np.ndarray) if isinstance(value, LogArray) else value


def check_levels(X, names, *, owner, fix):
    """Refuse values a :class:`LogTransform` produced, with the double log spelled out.

    Parameters
    ----------
    X : array-like
        The input as the user (or the previous Pipeline step) passed it.
    names : sequence of str or None
        Its column names (``feature_names_in_``), None for an array.
    owner : str
        The model that logs its input, for the message.
    fix : str
        The way out, in the owner's parameters.
    """
    logged = [str(n) for n in (names if names is not None else ()) if _is_log(n)]
    if not logged and not isinstance(X, LogArray):
        return
    where = (
        f"{plural(len(logged), 'column')} ({format_labels(logged, limit=4)}) "
        f"{'is' if len(logged) == 1 else 'are'} named as LogTransform names its "
        "output"
        if logged
        else "X is the output of a LogTransform"
    )
    raise ValueError(
        f"{owner} takes X in levels and logs it itself, but {where}: the fit "
        f"would be ln y on ln(ln(X)), a double log. Remove the LogTransform "
        f"step and pass the levels; {fix}"
        + (" (If such a column holds levels, rename it.)" if logged else "")
    )


def _is_log(name):
    return isinstance(name, str) and name.startswith(LOG_PREFIX) and name[-1] == ")"


def smallest_positive_half(X):
    """Half the smallest positive value of each column (NaN for a column with none).

    Where half of it underflows to 0 (the smallest subnormal, 5e-324) the
    value itself is returned, so a floor is always positive.
    """
    positive = X > 0
    smallest = np.min(X, axis=0, initial=np.inf, where=positive)
    half = np.where(smallest / 2.0 > 0, smallest / 2.0, smallest)
    return np.where(positive.any(axis=0), half, np.nan)


def apply_zeros(X, zeros, *, floors=None, offset=1.0):
    """Apply a zero policy to non-negative regressors before their logarithm.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        Non-negative values (negative ones have no policy: refuse them first).
    zeros : {"floor", "drop", "offset"}
        "floor" replaces a 0 by the column's ``floors`` value; "drop" leaves
        out every row with a 0; "offset" adds ``offset`` to every value.
    floors : ndarray of shape (n_features,), optional
        The floors of "floor" (e.g. :func:`smallest_positive_half` of the
        training rows).
    offset : float, default=1.0
        The shift of "offset".

    Returns
    -------
    X_out : ndarray
        The values to log (only the kept rows under "drop").
    keep : ndarray of bool, shape (n_samples,)
        The rows kept (all True except under "drop").
    """
    keep = np.ones(X.shape[0], dtype=bool)
    if zeros == "floor":
        return np.where(X == 0, floors, X), keep
    if zeros == "offset":
        return X + offset, keep
    keep = (X != 0).all(axis=1)
    return X[keep], keep


class LogTransform(DocLinkMixin, TransformerMixin, BaseEstimator):
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
        - "nan": return NaN there, with a
          :class:`~sklearn_innov.exceptions.NonPositiveWarning`;
        - "clip": replace ``X + offset`` there by the column's floor
          ``floor_`` (half the smallest positive value of ``X + offset`` seen
          at ``fit``), with a
          :class:`~sklearn_innov.exceptions.NonPositiveWarning`.

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
    Report it, or compare with the fit on the rows with positive values. NaN
    in X (a missing answer) passes through as NaN without a warning. Values
    ``<= 0`` are refused by ``fit`` under "error"; under "clip" and "nan"
    ``transform`` changes them, with one warning per call (``fit_transform``
    warns once), attributed to the caller's line.

    Not before :class:`~sklearn_innov.CobbDouglasRegressor`: it logs X
    itself, and refuses this transformer's output (its ``LogArray`` mark or
    its ``ln(...)`` column names) rather than fit ``ln(ln(X))``. Its own
    ``zeros`` parameter handles zeros (``zeros="offset"`` is ``ln(1 + X)``).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_innov import LogTransform
    >>> LogTransform().fit_transform(np.array([[1.0], [np.e]]))
    LogArray([[0.],
              [1.]])
    >>> log1p = LogTransform(offset=1.0).fit(np.array([[0.0], [np.e - 1]]))
    >>> log1p.transform(np.array([[0.0], [np.e - 1]])).round(12).tolist()
    [[0.0], [1.0]]
    >>> log1p.get_feature_names_out()
    array(['ln(1 + x0)'], dtype=object)
    """

    floor_: NDArray[np.float64]
    n_features_in_: int
    feature_names_in_: NDArray[np.object_]

    _parameter_constraints: dict = {
        "offset": [Interval(Real, None, None, closed="neither")],
        "on_nonpositive": [StrOptions({"error", "nan", "clip"})],
    }

    def __init__(
        self, *, offset: float = 0.0, on_nonpositive: OnNonpositive = "error"
    ) -> None:
        self.offset = offset
        self.on_nonpositive = on_nonpositive

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X: ArrayLike, y: ArrayLike | None = None) -> Self:
        """Check X and learn the floor of each column.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Values to log.
        y : array-like of shape (n_samples,), default=None
            Ignored: accepted so that a Pipeline or a search can pass its target.

        Returns
        -------
        self : LogTransform
            The fitted transformer.
        """
        X = validate_columns(self, X, reset=True) + self.offset
        self.floor_ = smallest_positive_half(X)
        # only refusals here: the values are changed, and warned about, by
        # transform (once per fit_transform)
        self._nonpositive_mask(X, warn_user=False)
        return self

    def transform(self, X: ArrayLike) -> TransformOutput:
        """Return ``ln(X + offset)``.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Values to log, with the columns seen at ``fit``.

        Returns
        -------
        X_log : LogArray or DataFrame of shape (n_samples, n_features)
            In X's container: for an array, an ndarray marked as logged (see
            ``LogArray``); for a pandas (row index kept) or polars
            DataFrame, a DataFrame of the same kind with columns named
            ``ln(x)`` or ``ln(offset + x)``, which mark it as logged.
            ``set_output`` chooses another container as usual.
        """
        check_is_fitted(self)
        shifted = validate_columns(self, X, reset=False) + self.offset
        bad = self._nonpositive_mask(shifted)
        if self.on_nonpositive == "clip":
            shifted = np.where(bad, self.floor_, shifted)
        elif self.on_nonpositive == "nan":
            shifted = np.where(bad, np.nan, shifted)
        with np.errstate(invalid="ignore"):
            logged = np.log(shifted).view(LogArray)
        # a dataframe's ln(...) column names carry the "logged" mark
        return like_input(logged, X, self)

    def inverse_transform(self, X: ArrayLike) -> NDArray[np.float64]:
        """Return ``exp(X) - offset``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Logged values.

        Returns
        -------
        X_original : ndarray of shape (n_samples, n_features)
            The values before the log.
        """
        check_is_fitted(self)
        X = validate_columns(self, X, reset=False)
        return np.exp(X) - self.offset

    def get_feature_names_out(
        self, input_features: ArrayLike | None = None
    ) -> NDArray[np.object_]:
        """Output names: ``ln(x)``, or ``ln(offset + x)`` with an offset.

        They say what the columns hold, so that a model which takes logs
        itself can refuse them (``CobbDouglasRegressor``).

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Checked against the names seen at ``fit``; default those names,
            or ``x0, x1, ...``.

        Returns
        -------
        feature_names_out : ndarray of str objects
            One name per input column.
        """
        check_is_fitted(self)
        check_input_features(self, input_features)
        names = getattr(self, "feature_names_in_", None)
        if input_features is not None:
            names = input_features
        if names is None:
            names = [f"x{j}" for j in range(self.n_features_in_)]
        shift = f"{self.offset:g} + " if self.offset else ""
        return np.asarray([f"ln({shift}{name})" for name in names], dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.positive_only = True
        return tags

    def _nonpositive_mask(self, X, warn_user=True):
        """Apply the ``on_nonpositive`` policy's check; return where X <= 0."""
        with np.errstate(invalid="ignore"):
            bad = X <= 0
        if not bad.any():
            return bad
        labels = feature_labels(self)
        cols = [labels[j] for j in np.flatnonzero(bad.any(axis=0))]
        rows = int(bad.any(axis=1).sum())
        where = (
            f"{plural(rows, 'row')} of {plural(len(cols), 'column')} "
            f"({format_labels(cols)})"
        )
        if self.on_nonpositive == "error":
            sign = "Negative" if (X < 0).any() else "Zero"
            raise ValueError(
                f"{sign} values in data passed to LogTransform: X + offset <= 0 "
                f"in {where}; ln is undefined there. Raise `offset` (e.g. "
                "offset=1.0 for ln(1 + X)), give "
                "MinMaxIndexer a floor with feature_range=(0.01, 1.0), keep only "
                "the rows with positive values, or choose on_nonpositive='clip' "
                "or 'nan'."
            )
        if self.on_nonpositive == "clip":
            empty = np.isnan(self.floor_) & bad.any(axis=0)
            if empty.any():
                cols = [labels[j] for j in np.flatnonzero(empty)]
                raise ValueError(
                    f"LogTransform cannot clip {plural(len(cols), 'column')} "
                    f"({format_labels(cols)}): "
                    "no positive value was seen at fit, so there is no floor. "
                    "Raise `offset` instead."
                )
        if warn_user:
            action = "clipped to floor_" if self.on_nonpositive == "clip" else "NaN"
            warn(
                f"LogTransform: X + offset <= 0 in {where}, {action}.",
                NonPositiveWarning,
            )
        return bad
