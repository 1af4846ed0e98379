"""Composite indices: normalise survey items and aggregate them per group.

This is the paper's index construction (section 4): each learning mechanism
X1..X4 and the innovation index Y is the sum of its min-max normalised items.
The spec of groups is an ordinary hyperparameter, so index specifications can
be cross-validated like any other modelling choice.
"""

from collections.abc import Mapping
from numbers import Real

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.validation import _check_feature_names_in, check_is_fitted

from ..diagnostics import cronbach_alpha
from ..diagnostics._reliability import alpha_from_variances, column_variances
from ..utils._lazy import pd
from ..utils._persistence import TablePersistenceMixin
from ..utils._validation import (
    feature_labels,
    format_labels,
    resolve_items,
    validate_columns,
)
from ._minmax import MinMaxIndexer
from ._spec import check_spec


class CompositeIndex(TablePersistenceMixin, TransformerMixin, BaseEstimator):
    """Build named composite indices from groups of survey items.

    Each index is an aggregate (by default the sum) of its items after a
    common normalisation (by default min-max to [0, 1]): the paper's X1..X4
    and Y. Columns that no index names are ignored, so a whole survey export,
    text columns included, can be passed.

    Parameters
    ----------
    spec : mapping of str to list, default=None
        Index name to its items: column names for DataFrames, integer
        positions for arrays. None builds one index named "index" over all
        columns. Output columns follow the spec's order. See :func:`read_spec`
        to read one from a TOML or JSON file.
    normalize : {"minmax", "zscore", "rank"} or None, default="minmax"
        Normalisation of each item before aggregation, learned at ``fit``:
        "minmax" is the paper's ``(x - min) / (max - min)`` (see
        :class:`MinMaxIndexer`; ``bounds`` applies); "zscore" centres and
        scales to unit variance (population standard deviation, as
        :class:`~sklearn.preprocessing.StandardScaler`); "rank" maps each
        value to the mid-rank empirical distribution function of the ``fit``
        data, in (0, 1); None uses the items as they are.
    aggregate : {"sum", "mean", "geometric"}, default="sum"
        "sum" is the paper's; "mean" divides by the (weighted) number of
        items; "geometric" is the weighted geometric mean (items must be
        non-negative; a zero item gives a zero index).
    weights : mapping or None, default=None
        ``{index: {item: weight}}`` with positive weights; unlisted items
        weigh 1. None weighs all items equally.
    bounds : None, tuple (lo, hi) or mapping, default=None
        Theoretical item ranges for ``normalize="minmax"``, as in
        :class:`MinMaxIndexer`: one ``(lo, hi)`` for all items (``(1, 5)`` for
        Likert items) or ``{item: (lo, hi)}``.
    missing : {"rescale", "error"}, default="rescale"
        Policy for missing answers (NaN). "rescale" aggregates the answered
        items of a row and, for "sum", rescales to the group's full weight
        (the sum of the answered items times ``total weight / answered
        weight``), so a missing answer neither counts as zero nor drops the
        firm; "error" raises a ValueError naming the items and rows. A row
        with no answered item in a group raises under either policy.

    Attributes
    ----------
    spec_ : dict of str to list
        The validated spec, items as column labels (names or positions).
    items_ : list
        The columns used, in order of first appearance in the spec.
    normalizer_ : transformer or None
        The fitted per-item normalisation.
    reliability_ : DataFrame
        Indexed by index name, columns "n_items", "n_complete" (rows with
        every item answered) and "cronbach_alpha" (on the normalised,
        weighted items; NaN for a single-item index).
    n_features_in_ : int
        Number of columns of X at ``fit`` (all of them, used or not).
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names of X at ``fit``, when X is a DataFrame.

    See Also
    --------
    MinMaxIndexer : The per-item normalisation of the paper.
    read_spec : Read a spec from a TOML or JSON file.
    sklearn_innov.diagnostics.cronbach_alpha : The reliability statistic.

    Notes
    -----
    With the defaults, each index equals the sum of its min-max normalised
    items, so an index of k items ranges over [0, k]. The firm with the lowest
    answers on every item of a group gets exactly 0, whose logarithm is
    ``-inf``: see :class:`LogTransform` before a log-log model.

    References
    ----------
    .. [1] Alonso, J. J., Contreras, O. F. and Valenzuela, A. (2025).
       "Endogenous learning for innovation in knowledge-intensive SMEs",
       section 4.
    .. [2] Cronbach, L. J. (1951). "Coefficient alpha and the internal
       structure of tests". Psychometrika, 16(3), 297-334.

    Examples
    --------
    >>> import pandas as pd
    >>> from sklearn_innov import CompositeIndex
    >>> survey = pd.DataFrame({
    ...     "metro": ["Tijuana", "Juárez", "Monterrey"],
    ...     "q1": [1, 3, 5], "q2": [2, 4, 5], "q3": [1, 1, 2],
    ... })
    >>> ci = CompositeIndex(spec={"A": ["q1", "q2"], "B": ["q3"]}).fit(survey)
    >>> ci.transform(survey)
    array([[0.        , 0.        ],
           [1.16666667, 0.        ],
           [2.        , 1.        ]])
    >>> ci.get_feature_names_out()
    array(['A', 'B'], dtype=object)
    """

    _parameter_constraints: dict = {
        "spec": [None, Mapping],
        "normalize": [None, StrOptions({"minmax", "zscore", "rank"})],
        "aggregate": [StrOptions({"sum", "mean", "geometric"})],
        "weights": [None, Mapping],
        "bounds": [None, tuple, Mapping],
        "missing": [StrOptions({"rescale", "error"})],
    }

    def __init__(
        self,
        *,
        spec=None,
        normalize="minmax",
        aggregate="sum",
        weights=None,
        bounds=None,
        missing="rescale",
    ):
        self.spec = spec
        self.normalize = normalize
        self.aggregate = aggregate
        self.weights = weights
        self.bounds = bounds
        self.missing = missing

    def fit(self, X, y=None):
        """Resolve the spec against X, learn the normalisation and reliability.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            The survey; only the columns the spec names are used, and they
            must be numeric.
        y : None
            Ignored.

        Returns
        -------
        self : CompositeIndex
            The fitted transformer.
        """
        self._fit_transform(X)
        return self

    def fit_transform(self, X, y=None):
        """Fit, then return the indices of X (one pass over the data).

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            The survey.
        y : None
            Ignored.

        Returns
        -------
        X_index : ndarray of shape (n_samples, n_indices)
        """
        return self._fit_transform(X)

    def transform(self, X):
        """Compute the indices of X.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            The survey, with the columns seen at ``fit``.

        Returns
        -------
        X_index : ndarray of shape (n_samples, n_indices)
            One column per index, in spec order.
        """
        check_is_fitted(self)
        items = validate_columns(self, X, self._positions_, reset=False)
        complete = not np.isnan(items.sum())
        return self._aggregate(self._normalize(items), complete)

    def get_feature_names_out(self, input_features=None):
        """Names of the output columns: the spec's index names.

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Checked against the names seen at ``fit``; not otherwise used.

        Returns
        -------
        feature_names_out : ndarray of str objects
        """
        check_is_fitted(self)
        _check_feature_names_in(self, input_features)
        return np.asarray(list(self.spec_), dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags

    # -- implementation -------------------------------------------------------

    def _fit_transform(self, X):
        self._validate_params()
        if self.bounds is not None and self.normalize != "minmax":
            raise ValueError(
                f"bounds apply to normalize='minmax' only; got "
                f"normalize={self.normalize!r}. Remove bounds or use 'minmax'."
            )
        spec = None if self.spec is None else check_spec(self.spec)
        resolved = {}

        def select(columns, n_features):
            groups = spec if spec is not None else {"index": list(range(n_features))}
            for name, group in groups.items():
                owner = f"spec index {name!r}"
                resolved[name] = resolve_items(group, columns, n_features, owner=owner)
            # every item once, in order of first appearance in the spec
            self._positions_ = list(
                dict.fromkeys(p for group in resolved.values() for p in group)
            )
            return self._positions_

        items = validate_columns(self, X, select, reset=True)
        local = {p: i for i, p in enumerate(self._positions_)}
        labels = feature_labels(self)
        self.spec_ = {
            name: [labels[p] for p in group] for name, group in resolved.items()
        }
        self.items_ = [labels[p] for p in self._positions_]
        self._groups_ = [
            _as_slice([local[p] for p in group]) for group in resolved.values()
        ]
        self._weights_ = self._resolve_weights()

        # Normalisation keeps NaN where it is and adds none, so one check of
        # the raw items tells every later step whether answers are missing.
        complete = not np.isnan(items.sum())
        self.normalizer_ = self._make_normalizer(local, labels)
        if isinstance(self.normalizer_, MinMaxIndexer):
            # items are validated already: skip the second round of checks
            self.normalizer_._fit_array(items, has_nan=not complete)
        elif self.normalizer_ is not None:
            self.normalizer_.fit(items)
        normalized = self._normalize(items)
        out = self._aggregate(normalized, complete)
        self.reliability_ = self._reliability(normalized, complete, out)
        return out

    def _make_normalizer(self, local, labels):
        if self.normalize is None:
            return None
        if self.normalize == "zscore":
            return StandardScaler()
        if self.normalize == "rank":
            return _EmpiricalCDF()
        bounds = self.bounds
        if isinstance(bounds, Mapping):
            columns = labels if hasattr(self, "feature_names_in_") else None
            keys = list(bounds)
            positions = resolve_items(keys, columns, len(labels), owner="bounds")
            unused = [k for k, p in zip(keys, positions, strict=True) if p not in local]
            if unused:
                raise ValueError(
                    f"bounds name column(s) {format_labels(unused)} that no index "
                    "uses; remove them or add them to the spec."
                )
            bounds = {local[p]: bounds[k] for k, p in zip(keys, positions, strict=True)}
        return MinMaxIndexer(bounds=bounds)

    def _normalize(self, items):
        if self.normalizer_ is None:
            return items
        if isinstance(self.normalizer_, MinMaxIndexer):
            return self.normalizer_._scale(items)
        return self.normalizer_.transform(items)

    def _resolve_weights(self):
        names = list(self.spec_)
        weights = [np.ones(len(items)) for items in self.spec_.values()]
        if self.weights is None:
            return weights
        unknown = [k for k in self.weights if k not in self.spec_]
        if unknown:
            raise ValueError(
                f"weights name index(es) {format_labels(unknown)} not in the spec "
                f"({format_labels(names)}); fix the names."
            )
        for k, name in enumerate(names):
            given = self.weights.get(name, {})
            if not isinstance(given, Mapping):
                raise ValueError(
                    f"weights[{name!r}] must map items to weights, e.g. "
                    f"{{'item_a': 2.0}}; got {given!r}."
                )
            items = self.spec_[name]
            for item, w in given.items():
                if item not in items:
                    raise ValueError(
                        f"weights[{name!r}] names {item!r}, which is not an item "
                        f"of index {name!r} ({format_labels(items)})."
                    )
                if (
                    isinstance(w, bool)
                    or not isinstance(w, Real)
                    or not w > 0
                    or not np.isfinite(w)
                ):
                    raise ValueError(
                        f"weights[{name!r}][{item!r}] must be a positive finite "
                        f"number; got {w!r}."
                    )
                weights[k][items.index(item)] = float(w)
        return weights

    def _weight_matrix(self, n_items):
        """Items x indices matrix of weights: ``normalized @ W`` sums every group."""
        W = np.zeros((n_items, len(self._groups_)))
        for k, (group, w) in enumerate(zip(self._groups_, self._weights_, strict=True)):
            W[group, k] = w
        return W

    def _aggregate(self, normalized, complete):
        n = normalized.shape[0]
        if complete and self.aggregate != "geometric":
            # no missing answer: every weighted group sum in one matrix product
            out = normalized @ self._weight_matrix(normalized.shape[1])
            if self.aggregate == "mean":
                out /= np.array([w.sum() for w in self._weights_])
            return out
        out = np.empty((n, len(self._groups_)))
        for k, (name, group, w) in enumerate(
            zip(self.spec_, self._groups_, self._weights_, strict=True)
        ):
            block = normalized[:, group]
            answered = ~np.isnan(block)
            self._check_missing(name, answered)
            w_answered = answered @ w
            if self.aggregate == "geometric":
                if (block < 0).any():
                    raise ValueError(
                        f"aggregate='geometric' needs non-negative items, but index "
                        f"{name!r} has negative normalised values; use "
                        "normalize='minmax' or 'rank'."
                    )
                with np.errstate(divide="ignore"):
                    logs = np.where(
                        answered, np.log(np.where(answered, block, 1.0)), 0.0
                    )
                out[:, k] = np.exp((logs @ w) / w_answered)
                continue
            total = np.where(answered, block, 0.0) @ w
            if self.aggregate == "mean":
                out[:, k] = total / w_answered
            else:
                out[:, k] = total * (w.sum() / w_answered)
        return out

    def _check_missing(self, name, answered):
        if answered.all():
            return
        items = self.spec_[name]
        if self.missing == "error":
            cols = [items[j] for j in np.flatnonzero(~answered.all(axis=0))]
            raise ValueError(
                f"Index {name!r} has missing answers in item(s) {format_labels(cols)} "
                f"({int((~answered).any(axis=1).sum())} row(s)) and missing='error'. "
                "Impute them first, or set missing='rescale'."
            )
        empty = np.flatnonzero(~answered.any(axis=1))
        if empty.size:
            raise ValueError(
                f"Index {name!r} cannot be computed for {empty.size} row(s) "
                f"(positions {format_labels(empty.tolist(), limit=5)}): every item "
                f"({format_labels(items)}) is missing. Drop those rows or impute "
                "the answers (e.g. sklearn.impute.SimpleImputer) first."
            )

    def _reliability(self, normalized, complete, indices):
        rows = []
        if complete and normalized.shape[0] > 1:
            # Cronbach's alpha from the item variances and the variance of each
            # weighted group total, without copying the groups out.
            item_var = column_variances(normalized)
            if self.aggregate == "sum":
                totals = indices
            elif self.aggregate == "mean":
                totals = indices * np.array([w.sum() for w in self._weights_])
            else:
                totals = normalized @ self._weight_matrix(normalized.shape[1])
            total_var = column_variances(totals)
            n = normalized.shape[0]
            for k, (name, group, w) in enumerate(
                zip(self.spec_, self._groups_, self._weights_, strict=True)
            ):
                alpha = np.nan
                if len(w) > 1:
                    alpha = alpha_from_variances(
                        (item_var[group] * w**2).sum(), total_var[k], len(w)
                    )
                rows.append((name, len(w), n, alpha))
        else:
            for name, group, w in zip(
                self.spec_, self._groups_, self._weights_, strict=True
            ):
                block = normalized[:, group] * w
                n_complete = int((~np.isnan(block).any(axis=1)).sum())
                alpha = cronbach_alpha(block) if len(w) > 1 else np.nan
                rows.append((name, len(w), n_complete, alpha))
        table = pd.DataFrame(
            rows, columns=["index", "n_items", "n_complete", "cronbach_alpha"]
        )
        return table.set_index("index")


def _as_slice(positions):
    """A slice for consecutive positions (a view, no copy), else an array."""
    if positions == list(range(positions[0], positions[0] + len(positions))):
        return slice(positions[0], positions[0] + len(positions))
    return np.array(positions)


class _EmpiricalCDF(TransformerMixin, BaseEstimator):
    """Mid-rank empirical distribution function of each column, NaN ignored.

    ``F(x) = (#{x_i < x} + #{x_i <= x}) / (2 n)``, which equals scipy's
    ``percentileofscore(..., kind="mean") / 100``; ties share their mid-rank.
    """

    def fit(self, X, y=None):
        self.sorted_ = [np.sort(col[~np.isnan(col)]) for col in X.T]
        return self

    def transform(self, X):
        out = np.full(X.shape, np.nan)
        for j, ref in enumerate(self.sorted_):
            col = X[:, j]
            ok = ~np.isnan(col)
            below = np.searchsorted(ref, col[ok], side="left")
            upto = np.searchsorted(ref, col[ok], side="right")
            out[ok, j] = (below + upto) / (2.0 * max(ref.size, 1))
        return out
