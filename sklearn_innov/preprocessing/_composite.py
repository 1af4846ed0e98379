"""Composite indices: normalise survey items and aggregate them per group.

This is the paper's index construction (section 4): each learning mechanism
X1..X4 and the innovation index Y is the sum of its min-max normalised items.
Around it sit the choices of the OECD/JRC Handbook on Constructing Composite
Indicators (2008): reverse-keyed items, other normalisations and
aggregations, data-driven weights, and the reliability statistics SPSS
prints. Every choice is an ordinary hyperparameter, so index specifications
can be cross-validated like any other modelling choice.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from numbers import Real
from typing import TYPE_CHECKING, Any, Self

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from .._core._moments import centred_crossprod, column_sums
from .._core._reliability import (
    ITEM_TOTAL_COLUMNS,
    alpha_from_cov,
    enough_rows,
    item_total_from_moments,
    omega_from_cov,
    scaled_moments,
    standardized_alpha_from_cov,
    weight_total,
)
from ..exceptions import MissingIndexWarning
from ..summary._summary import plural
from ..utils._container import like_input
from ..utils._lazy import pd
from ..utils._persistence import TablePersistenceMixin
from ..utils._sklearn_compat import DocLinkMixin, StrOptions, _fit_context
from ..utils._validation import (
    check_input_features,
    feature_labels,
    format_labels,
    resolve_items,
    validate_columns,
)
from ._minmax import (
    OUT_OF_RANGE,
    MinMaxIndexer,
    _check_range,
    apply_range,
    caller_stacklevel,
    format_rows,
    observed_range,
    positive_rows,
    row_labels,
    warn_constant,
)
from ._named_spec import SPEC_TYPES
from ._spec import (
    INDEX_KEYS,
    SpecError,
    _did_you_mean,
    check_spec,
    index_settings,
    read_spec_document,
)
from ._weights import BenefitOfTheDoubt, learned_weights

if TYPE_CHECKING:
    import os
    from collections.abc import Mapping, Sequence

    from numpy.typing import ArrayLike, NDArray

    from ..utils._typing import (
        Aggregate,
        IndexWeighting,
        MissingAnswers,
        Normalize,
        OutOfRange,
        TransformOutput,
    )

_OWNER = "CompositeIndex"
RELIABILITY_COLUMNS = [
    "n_items",
    "n_complete",
    "cronbach_alpha",
    "standardized_alpha",
    "omega_total",
]


class CompositeIndex(
    DocLinkMixin, TablePersistenceMixin, TransformerMixin, BaseEstimator
):
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
        :class:`MinMaxIndexer`; declared ``bounds`` replace the observed
        minimum and maximum); "zscore" centres and
        scales to unit variance (population standard deviation, as
        :class:`~sklearn.preprocessing.StandardScaler`); "rank" maps each
        value to the mid-rank empirical distribution function of the ``fit``
        data, in (0, 1); None uses the items as they are.
    aggregate : {"sum", "mean", "geometric"}, default="sum"
        "sum" is the paper's; "mean" divides by the (weighted) number of
        items; "geometric" is the weighted geometric mean (items must be
        non-negative; a zero item gives a zero index).
    weights : mapping, {"pca", "pca_cov", "factor", "bod"} or None, default=None
        None weighs all items equally. A mapping ``{index: {item: weight}}``
        gives non-negative weights (0 leaves an item out; at least one item
        of an index must weigh more); unlisted items weigh 1. The strings
        learn the
        weights of every index at ``fit`` from its normalised items (OECD/JRC
        Handbook, section 6): "pca" makes them proportional to the squared
        loadings of the first principal component of the items' correlation
        matrix (the Handbook's), "pca_cov" the same on their covariance
        matrix (which follows the item of largest variance), "factor" to the
        squared standardised loadings of a one-factor maximum-likelihood
        model (at least three varying items per index), all scaled to sum to
        the number of items, so equal loadings give every item weight 1;
        "bod" (benefit of the doubt) gives every row the weights most
        favourable to it (see Notes; needs ``aggregate="sum"`` and
        non-negative normalised items).
    bounds : None, tuple (lo, hi) or mapping, default=None
        Theoretical item ranges, as in :class:`MinMaxIndexer`: one
        ``(lo, hi)`` for all items (``(1, 5)`` for Likert items) or
        ``{item: (lo, hi)}``. With every ``normalize`` they validate the
        answers (a value outside is handled by ``out_of_range``, at ``fit``
        and at ``transform``) and reverse-keyed items are reflected on them;
        with "minmax" they are also the range mapped to [0, 1]. A mapping
        may name columns of X that no index of ``spec`` uses: they are left
        unused, so that one mapping serves every spec of a search over specs
        (``GridSearchCV`` over ``spec``); a name that is not a column of X is
        refused as a typo.
    reverse : list of str or int, default=None
        Reverse-keyed (negatively worded) items, reflected as
        ``x -> lo + hi - x`` before normalisation, where ``(lo, hi)`` are the
        item's ``bounds`` when given and its observed minimum and maximum at
        ``fit`` otherwise. A reversed item then counts in the same direction
        as the others in the index and in ``reliability_``. Like ``bounds``,
        it may name columns of X that no index of ``spec`` uses (left as
        they are), but not columns X lacks.
    bod_bounds : tuple (low, high) or None, default=None
        Only with ``weights="bod"``: bounds on each item's share of the total
        weight, ``low <= w_i / sum_j w_j <= high``, in every row's weights.
        None leaves the weights free (non-negative). ``(0.05, 0.5)`` stops
        the benefit of the doubt from ignoring an item or resting on one;
        ``(1/k, 1/k)`` forces equal weights.
    missing : {"rescale", "error", "nan"}, default="rescale"
        Policy for missing answers (NaN). "rescale" aggregates the answered
        items of a row and, for "sum", rescales to the group's full weight
        (the sum of the answered items times ``total weight / answered
        weight``), so a missing answer neither counts as zero nor drops the
        firm; a row with no answered item (of positive weight) in a group
        has no index, and raises a ValueError naming the index and the rows.
        "nan" does the same but leaves such a row's index NaN, as SPSS's
        ``SUM``/``MEAN`` functions leave it system-missing, with a
        :class:`~sklearn_innov.exceptions.MissingIndexWarning` naming the
        rows, so that a later step (e.g.
        :class:`~sklearn.impute.SimpleImputer`) or the user decides. "error"
        refuses any missing answer with a ValueError naming the items and
        rows. ``weights="bod"`` refuses missing answers.
    out_of_range : {"auto", "error", "clip", "nan"}, default="auto"
        What to do with an answer outside its item's range: the declared
        ``bounds`` (checked at ``fit`` and ``transform``), or else the range
        the item had at ``fit`` (met at ``transform``, by new rows such as a
        cross-validation test fold). Applied to the answers as given, before
        reversal and normalisation. "error" raises a ValueError naming the
        items, rows and values; "clip" sets the answer to the nearer end of
        the range; "nan" makes it a missing answer (then ``missing``
        applies). "auto" is "error" for items with declared bounds (a 7 on a
        1-5 scale, or a "don't know" code 9, is not an answer) and "clip"
        for the others. Why not pass values through, as
        :class:`~sklearn.preprocessing.MinMaxScaler` does by default: an
        index is read on the scale of the data it was built on (a sum of
        k min-max items lies in [0, k]); a new firm beyond the training
        range is scored as the training extreme, as
        :class:`~sklearn.preprocessing.QuantileTransformer` scores it,
        instead of an index of 221 or -114 that the model fitted on [0, k]
        never saw and whose logarithm may not exist. Why not "error" for
        every item: almost every cross-validation fold of a continuous item
        holds a firm beyond its training range.

    Attributes
    ----------
    spec_ : dict of str to list
        The validated spec, items as column labels (names or positions).
    items_ : list
        The columns used, in order of first appearance in the spec.
    reverse_ : dict
        Each reversed item to the ``(lo, hi)`` it is reflected on.
    normalizer_ : transformer or None
        The fitted per-item normalisation (of the reversed items).
    weights_ : dict of str to dict
        Index name to ``{item: weight}``, as given, learned or 1. None for an
        index weighted by "bod", whose weights differ from row to row.
    bod_frontier_ : dict of str to DataFrame
        With ``weights="bod"``: per index, the training rows (normalised
        items) that define the frontier no row may exceed; empty otherwise.
    reliability_ : DataFrame
        Indexed by index name, columns "n_items", "n_complete" (rows with
        every item answered; their total weight with ``sample_weight``),
        "cronbach_alpha", "standardized_alpha" and
        "omega_total", all on the reversed, normalised and weighted items
        (unit weights for "bod") of the complete rows. Alpha is NaN for a
        one-item index, omega for an index of fewer than three items.
    n_complete_ : Series of int
        Indexed by index name: the number of rows with every item of the
        index answered (and a positive ``sample_weight``), counted as rows
        whatever the weights, beside the weighted "n_complete" of
        ``reliability_`` (equal to it without ``sample_weight``).
    item_statistics_ : DataFrame
        SPSS RELIABILITY's "Item-Total Statistics" of every index of two or
        more items, on the same items as ``reliability_``: indexed by
        ("index", "item"), columns as
        :func:`~sklearn_innov.diagnostics.item_total_statistics`.
    n_features_in_ : int
        Number of columns of X at ``fit`` (all of them, used or not).
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names of X at ``fit``, when X is a DataFrame.

    See Also
    --------
    MinMaxIndexer : The per-item normalisation of the paper.
    read_spec : Read a spec from a TOML or JSON file.
    sklearn_innov.preprocessing.index_sensitivity
        How the rows' ranks move across constructions.
    sklearn_innov.diagnostics.cronbach_alpha : The reliability statistics.

    Notes
    -----
    With the defaults, each index equals the sum of its min-max normalised
    items, so an index of k items ranges over [0, k]. The firm with the lowest
    answers on every item of a group gets exactly 0, whose logarithm is
    ``-inf``: a log-log model needs a zero policy, such as
    ``CobbDouglasRegressor(zeros="floor")`` or ``zeros="offset"`` (the
    model takes the logs itself: a :class:`LogTransform` before it would log
    twice; it serves models that do not). With the
    default ``out_of_range``, new rows stay in [0, k] too, so a test fold
    scaled on its training fold never goes below 0.

    **Constant items.** An item that takes a single value at ``fit`` adds
    the same amount to every row and is named in a
    :class:`~sklearn_innov.exceptions.ConstantItemWarning`. Without declared
    bounds its range is that one value: at ``transform`` any other value is
    out of range and ``out_of_range`` handles it ("auto" and "clip" give it
    the training value, so the item adds what it added at ``fit``).

    **Items of weight 0.** An item whose weight is 0 (given, or learned,
    e.g. by PCA for a constant item) drops out: it adds nothing to a sum,
    takes no part in a geometric mean (never ``ln 0 x 0``) and does not
    count as answered when missing answers are rescaled (never
    ``0 x k / 0``). A row whose only answered items weigh 0 is a row with
    no answer for that index, and ``missing`` decides.

    **Learned weights.** With ``weights="pca"``, ``w_i = k v_i^2`` where
    ``v`` is the unit first eigenvector of the correlation matrix of the
    index's normalised items (the Handbook's PCA); "pca_cov" uses their
    covariance matrix. With ``weights="factor"``,
    ``w_i = k l_i^2 / sum_j l_j^2`` with ``l`` the standardised loadings of
    the one-factor ML model of
    :func:`~sklearn_innov.diagnostics.mcdonald_omega`. Loadings are squared,
    so an item that loads negatively (a reverse-keyed item left unreversed)
    still gets a positive weight: reverse such items first. All are learned
    on the rows that answer every item of the index, from moments of the
    items divided by a power of two (the same in any units). An item that
    does not vary on those rows (a fold of cross-validation may make it
    constant) weighs exactly 0, with a warning, and the others are learned
    without it; a weight below 1e-12 (rounding noise of an exact 0) is 0.

    **Benefit of the doubt.** For a row with normalised items ``y``, the
    index is ``max_w w . y`` over ``w >= 0`` with ``w . y_j <= 1`` for every
    training row ``y_j`` (and the share bounds of ``bod_bounds``): a linear
    program solved by HiGHS. Every training score lies in [0, 1], and the
    rows that reach 1 form the frontier (``bod_frontier_``). ``transform``
    solves the same program for new rows against the training frontier, so a
    new row that outperforms it scores above 1 (at most as much as a row at
    the training maximum of every item, with the default ``out_of_range``).
    The score depends on the normalisation (min-max puts every item on
    [0, 1]) and, as the Handbook
    warns, rewards rows that excel on a single item unless ``bod_bounds``
    keeps each share from zero.

    **Sample weights.** ``fit(X, sample_weight=w)`` reads ``w`` as
    frequency weights, as scikit-learn does: an integer weight acts as that
    many copies of the row in every statistic learned at ``fit``, so a
    survey's expansion factors give the indices of the population the
    sample stands for. Min-max bounds, reversal ranges and the
    benefit-of-the-doubt frontier depend on which rows exist, not on how
    often, so only a weight of 0 changes them; "zscore" uses the weighted
    mean and (population) standard deviation; "rank" the weighted mid-rank
    distribution function ``(W(x_i < x) + W(x_i <= x)) / 2W``; PCA and
    factor weights the weighted covariance or correlation matrix; alpha,
    omega and the item-total statistics the weighted means and covariance
    (divisor ``W - 1``, ``W`` the total weight, as SPSS's ``WEIGHT BY``),
    and "n_complete" is the total weight of the complete rows. Rescaling
    the weights changes nothing but "n_complete" and
    "scale_variance_if_deleted" (a sample variance, whose divisor ``W - 1``
    counts observations; NaN when ``W <= 1``). A row of weight 0 is left
    out of the fit as if it were deleted (nothing about it is checked or
    learned); ``fit_transform`` still returns its index, computed as
    ``transform`` would. Weights do not enter the aggregation of a row's
    items.

    References
    ----------
    .. [1] Alonso, J. J., Contreras, O. F. and Valenzuela, A. (2025).
       "Endogenous learning for innovation in knowledge-intensive SMEs",
       section 4.
    .. [2] OECD and JRC (2008). *Handbook on Constructing Composite
       Indicators: Methodology and User Guide*. OECD Publishing, sections 5
       and 6.
    .. [3] Cherchye, L., Moesen, W., Rogge, N. and Van Puyenbroeck, T.
       (2007). "An introduction to 'benefit of the doubt' composite
       indicators". Social Indicators Research, 82(1), 111-145.
    .. [4] Cronbach, L. J. (1951). "Coefficient alpha and the internal
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
    >>> ci.transform(survey)  # a DataFrame in, a DataFrame out
              A    B
    0  0.000000  0.0
    1  1.166667  0.0
    2  2.000000  1.0
    >>> ci.get_feature_names_out()
    array(['A', 'B'], dtype=object)

    A new firm beyond the training range (q1 = 9) is scored as the training
    extreme by default; ``out_of_range="error"`` refuses it:

    >>> new = pd.DataFrame({"metro": ["Hermosillo"], "q1": [9], "q2": [4],
    ...                     "q3": [1]})
    >>> ci.transform(new)
              A    B
    0  1.666667  0.0
    >>> ci.set_params(out_of_range="error").fit(survey).transform(new)
    Traceback (most recent call last):
    ...
    ValueError: CompositeIndex: 'q1' is outside its training range [1, 5] ...

    A reverse-keyed item on a 1-5 scale, and weights learned by PCA:

    >>> survey["q4"] = [5, 2, 1]
    >>> ci = CompositeIndex(spec={"A": ["q1", "q2", "q4"]}, bounds=(1, 5),
    ...                     reverse=["q4"], weights="pca").fit(survey)
    >>> {item: round(w, 3) for item, w in ci.weights_["A"].items()}
    {'q1': 0.989, 'q2': 1.013, 'q4': 0.998}
    """

    spec_: dict[str, list[str | int]]
    items_: list[str | int]
    reverse_: dict[str, Any]
    normalizer_: BaseEstimator | None
    weights_: dict[str, dict[str, float]]
    bod_frontier_: dict[str, pd.DataFrame]
    reliability_: pd.DataFrame
    n_complete_: pd.Series
    item_statistics_: pd.DataFrame
    n_features_in_: int
    feature_names_in_: NDArray[np.object_]

    _parameter_constraints: dict = {
        "spec": [None, *SPEC_TYPES],
        "normalize": [None, StrOptions({"minmax", "zscore", "rank"})],
        "aggregate": [StrOptions({"sum", "mean", "geometric"})],
        "weights": [None, Mapping, StrOptions({"pca", "pca_cov", "factor", "bod"})],
        "bounds": [None, tuple, Mapping],
        "reverse": [None, list, tuple],
        "bod_bounds": [None, tuple],
        "missing": [StrOptions({"rescale", "error", "nan"})],
        "out_of_range": [StrOptions(set(OUT_OF_RANGE))],
    }

    def __init__(
        self,
        *,
        spec: Mapping[str, Sequence[str | int]] | None = None,
        normalize: Normalize | None = "minmax",
        aggregate: Aggregate = "sum",
        weights: Mapping[str, Any] | IndexWeighting | None = None,
        bounds: tuple[float, float] | Mapping[Any, Any] | None = None,
        reverse: Sequence[str | int] | None = None,
        bod_bounds: tuple[float, float] | None = None,
        missing: MissingAnswers = "rescale",
        out_of_range: OutOfRange = "auto",
    ) -> None:
        self.spec = spec
        self.normalize = normalize
        self.aggregate = aggregate
        self.weights = weights
        self.bounds = bounds
        self.reverse = reverse
        self.bod_bounds = bod_bounds
        self.missing = missing
        self.out_of_range = out_of_range

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(
        self,
        X: ArrayLike,
        y: ArrayLike | None = None,
        sample_weight: ArrayLike | None = None,
    ) -> Self:
        """Resolve the spec against X, learn the normalisation, weights and reliability.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            The survey; only the columns the spec names are used, and they
            must be numeric.
        y : array-like of shape (n_samples,), default=None
            Ignored: accepted so that a Pipeline or a search can pass its target.
        sample_weight : array-like of shape (n_samples,), default=None
            Frequency weights of the rows (a survey's expansion factors, or
            counts): a weight of 3 counts the row three times in every
            statistic learned at ``fit`` (see Notes). A row of weight 0 is
            left out, as if deleted. Negative or non-finite weights raise a
            ValueError naming their positions.

        Returns
        -------
        self : CompositeIndex
            The fitted transformer.
        """
        self._fit_transform(X, sample_weight)
        return self

    @_fit_context(prefer_skip_nested_validation=True)
    def fit_transform(
        self,
        X: ArrayLike,
        y: ArrayLike | None = None,
        sample_weight: ArrayLike | None = None,
    ) -> TransformOutput:
        """Fit, then return the indices of X (one pass over the data).

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            The survey.
        y : array-like of shape (n_samples,), default=None
            Ignored: accepted so that a Pipeline or a search can pass its target.
        sample_weight : array-like of shape (n_samples,), default=None
            Frequency weights of the rows, as in ``fit``. Every row gets its
            index: those of weight 0, left out of the fit, as ``transform``
            scores them.

        Returns
        -------
        X_index : ndarray or DataFrame of shape (n_samples, n_indices)
            In X's container, named by the indices for a dataframe (see
            ``transform``).
        """
        out = self._fit_transform(X, sample_weight)
        if out is None:  # rows of weight 0 were left out of the fit: score all
            out = self._score(X)
        return like_input(out, X, self)

    def transform(self, X: ArrayLike) -> TransformOutput:
        """Compute the indices of X.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            The survey, with the columns seen at ``fit``.

        Returns
        -------
        X_index : ndarray or DataFrame of shape (n_samples, n_indices)
            One column per index, in spec order. With ``weights="bod"``, each
            row's benefit-of-the-doubt score against the training frontier.
            In X's container: an ndarray for an array, a DataFrame of the
            same kind for a pandas (row index kept) or polars DataFrame, with
            the index names as columns, so the names reach the next step of a
            Pipeline; ``set_output`` chooses another container as usual.
        """
        check_is_fitted(self)
        return like_input(self._score(X), X, self)

    @classmethod
    def from_spec_file(
        cls, path: str | os.PathLike[str], *, outcome: bool = False
    ) -> Self:
        r"""The CompositeIndex a spec file configures: ``[indices]`` and ``[index]``.

        Parameters
        ----------
        path : str or path-like
            A TOML or JSON spec file, as ``sklearn-innov replicate --spec``
            reads it.
        outcome : bool, default=False
            Keep the index named by ``[model] outcome`` (default "Y", when
            the spec defines it). Left out by default, so that a classifier
            fed these indices never sees the outcome it is asked to predict.

        Returns
        -------
        composite : CompositeIndex
            Unfitted, with ``spec`` from ``[indices]`` and the ``[index]``
            table's settings (``normalize``, ``aggregate``, ``bounds``,
            ``reverse``).

        Examples
        --------
        >>> import pathlib, tempfile
        >>> from sklearn_innov import CompositeIndex
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "spec.toml"
        >>> _ = path.write_text(
        ...     '[indices]\nX1 = ["a", "b"]\nY = ["c"]\n[index]\nbounds = [1, 5]\n'
        ... )
        >>> ci = CompositeIndex.from_spec_file(path)
        >>> ci.spec, ci.bounds
        ({'X1': ['a', 'b']}, (1, 5))
        """
        document = read_spec_document(path)
        spec = dict(document["indices"])
        name = document.get("model", {}).get("outcome", "Y")
        if not outcome and name in spec and len(spec) > 1:
            del spec[name]
        source = f"spec file {str(path)!r}"
        table = document.get("index", {})
        unknown = sorted(set(table) - INDEX_KEYS)
        if unknown:
            raise SpecError(
                f"{source}: unknown key(s) {unknown} in [index]; allowed: "
                f"{sorted(INDEX_KEYS)}."
            )
        settings = index_settings(table, spec, source=source)
        return cls(spec=spec, **settings)

    def get_feature_names_out(
        self, input_features: ArrayLike | None = None
    ) -> NDArray[np.object_]:
        """Names of the output columns: the spec's index names.

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Checked against the names seen at ``fit``; not otherwise used.

        Returns
        -------
        feature_names_out : ndarray of str objects
            The index names, in the spec's order.
        """
        check_is_fitted(self)
        check_input_features(self, input_features)
        return np.asarray(list(self.spec_), dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # benefit of the doubt refuses missing answers; the rest rescale them
        tags.input_tags.allow_nan = self.weights != "bod"
        return tags

    # -- implementation -------------------------------------------------------

    def _score(self, X):
        """The indices of X as an array (the caller checks that it is fitted)."""
        rows = row_labels(X)
        items = validate_columns(self, X, self._positions_, reset=False)
        items = apply_range(
            items,
            self._range_,
            self.out_of_range,
            self.items_,
            rows,
            owner=_OWNER,
            declared=self._declared_,
        )
        complete = not np.isnan(items.sum())
        return self._aggregate(self._normalize(self._reflect(items)), complete, rows)

    def _fit_transform(self, X, sample_weight=None):
        self._check_combination()
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
        rows = row_labels(X)
        # Frequency weights: fitting with a weight of 0 is fitting without
        # the row, so such rows are dropped before anything is checked or
        # learned (messages keep the rows' own labels: 0-based positions for
        # arrays); ``fit_transform`` scores them afterwards, as ``transform``.
        weights, keep = positive_rows(sample_weight, items.shape[0], owner=_OWNER)
        if keep is not None:
            rows = (np.arange(items.shape[0]) if rows is None else rows)[keep]
            items = items[keep]
        local = {p: i for i, p in enumerate(self._positions_)}
        labels = feature_labels(self)
        self.spec_ = {
            name: [labels[p] for p in group] for name, group in resolved.items()
        }
        self.items_ = [labels[p] for p in self._positions_]
        self._groups_ = [
            _as_slice([local[p] for p in group]) for group in resolved.values()
        ]

        # Bounds validate the answers under every normalisation: values
        # outside them are handled by out_of_range before anything is learned.
        bounds, declared = self._declared_ranges(local, labels)
        items = apply_range(
            items, declared, self.out_of_range, self.items_, rows, owner=_OWNER
        )
        # Normalisation keeps NaN where it is and adds none, so one check of
        # the items tells every later step whether answers are missing.
        complete = not np.isnan(items.sum())
        low, high = observed_range(items, has_nan=not complete)
        self._declared_ = ~np.isnan(declared[:, 0])
        self._range_ = np.where(
            self._declared_[:, None], declared, np.column_stack([low, high])
        )
        warn_constant(
            low == high, low, self.items_, self.out_of_range, _OWNER, self._declared_
        )
        self._learn_reversal(local, labels)
        items = self._reflect(items)
        self.normalizer_ = self._make_normalizer(bounds)
        if isinstance(self.normalizer_, MinMaxIndexer):
            # items are validated already: skip the second round of checks
            self.normalizer_._fit_array(items, has_nan=not complete, labels=self.items_)
        elif self.normalizer_ is not None:
            self.normalizer_.fit(items, sample_weight=weights)
        normalized = self._normalize(items)
        self._weights_, self._bod_ = self._learn_weights(normalized, complete, weights)
        self.weights_ = {
            name: None if bod is not None else dict(zip(group, w.tolist(), strict=True))
            for (name, group), w, bod in zip(
                self.spec_.items(), self._weights_, self._bod_, strict=True
            )
        }
        self.bod_frontier_ = {
            name: pd.DataFrame(bod.frontier, columns=list(self.spec_[name]))
            for name, bod in zip(self.spec_, self._bod_, strict=True)
            if bod is not None
        }
        out = self._aggregate(normalized, complete, rows)
        self.reliability_, self.n_complete_, self.item_statistics_ = self._reliability(
            normalized, complete, weights
        )
        return out if keep is None else None

    def _check_combination(self):
        if self.weights == "bod":
            if self.aggregate != "sum":
                raise ValueError(
                    "weights='bod' is a weighted sum with row-specific weights; "
                    f"it cannot be combined with aggregate={self.aggregate!r}. "
                    "Use aggregate='sum' (the default)."
                )
            if self.bod_bounds is not None:
                self._check_bod_bounds()
        elif self.bod_bounds is not None:
            raise ValueError(
                f"bod_bounds apply to weights='bod' only; got weights="
                f"{self.weights!r}. Remove bod_bounds or set weights='bod'."
            )

    def _check_bod_bounds(self):
        pair = self.bod_bounds
        ok = (
            len(pair) == 2
            and all(isinstance(v, Real) and not isinstance(v, bool) for v in pair)
            and 0 <= pair[0] <= pair[1] <= 1
        )
        if not ok:
            raise ValueError(
                "bod_bounds bound each item's share of the total weight, so they "
                f"must be a pair (low, high) with 0 <= low <= high <= 1; got {pair!r}."
            )

    def _declared_ranges(self, local, labels):
        """``bounds`` as MinMaxIndexer takes them, and as an (n_items, 2) array.

        The array holds each item's declared ``(lo, hi)``, NaN where none is
        declared; it validates answers and reverse-keys items whatever the
        normalisation.
        """
        declared = np.full((len(self.items_), 2), np.nan)
        bounds = self.bounds
        if isinstance(bounds, Mapping):
            positions = self._resolve_local(list(bounds), local, labels, "bounds")
            # a column of X this spec leaves out keeps its range unused (a
            # search over specs shares one mapping), but the range is checked
            ranges = [_check_range(bounds[key], f"bounds[{key!r}]") for key in bounds]
            used = [
                (key, j, pair)
                for key, j, pair in zip(bounds, positions, ranges, strict=True)
                if j is not None
            ]
            bounds = {j: bounds[key] for key, j, _ in used}
            for _, j, pair in used:
                declared[j] = pair
        elif bounds is not None:
            declared[:] = _check_range(bounds, "bounds")
        return bounds, declared

    def _make_normalizer(self, bounds):
        if self.normalize is None:
            return None
        if self.normalize == "zscore":
            return _ZScore()
        if self.normalize == "rank":
            return _EmpiricalCDF()
        return MinMaxIndexer(bounds=bounds, out_of_range=self.out_of_range)

    def _resolve_local(self, keys, local, labels, owner):
        """Map column labels named by a parameter to positions among the items.

        A column of X that no index of this spec uses maps to None: one
        ``bounds`` or ``reverse`` serves every spec of a search over specs.
        A name that is not a column of X is a typo, refused.
        """
        columns = labels if hasattr(self, "feature_names_in_") else None
        if columns is not None:
            known = set(columns)
            unknown = [k for k in keys if isinstance(k, str) and k not in known]
            if unknown:
                them = "it" if len(unknown) == 1 else "them"
                raise ValueError(
                    f"{owner} names {plural(len(unknown), 'column')} not in X: "
                    f"{format_labels(unknown)}"
                    f"{_did_you_mean(unknown[0], columns)}. Check the spelling "
                    f"against X.columns, or remove {them} from {owner}."
                )
        positions = resolve_items(keys, columns, len(labels), owner=owner)
        if len(set(positions)) < len(positions):
            raise ValueError(
                f"{owner} lists an item more than once ({format_labels(keys)}); "
                "list each item once."
            )
        return [local.get(p) for p in positions]

    def _learn_reversal(self, local, labels):
        """The ``(lo, hi)`` each reverse-keyed item is reflected on: its range."""
        self._reversed_ = np.array([], dtype=int)
        self._reflect_sum_ = np.array([])
        self.reverse_ = {}
        if not self.reverse:
            return
        keys, positions = [], []
        # items of X this spec does not use are not reversed here: unused
        for key, j in zip(
            self.reverse,
            self._resolve_local(list(self.reverse), local, labels, "reverse"),
            strict=True,
        ):
            if j is not None:
                keys.append(key)
                positions.append(j)
        for key, j in zip(keys, positions, strict=True):
            if np.isnan(self._range_[j, 0]):
                raise ValueError(
                    f"reverse item {key!r} has no answer at fit, so its range "
                    "is unknown. Declare it with bounds={item: (lo, hi)} or "
                    "drop the item."
                )
            self.reverse_[self.items_[j]] = tuple(self._range_[j].tolist())
        self._reversed_ = np.array(positions)
        self._reflect_sum_ = self._range_[positions].sum(axis=1)

    def _reflect(self, items):
        if self._reversed_.size == 0:
            return items
        items = items.copy()
        items[:, self._reversed_] = self._reflect_sum_ - items[:, self._reversed_]
        return items

    def _normalize(self, items):
        if self.normalizer_ is None:
            return items
        if isinstance(self.normalizer_, MinMaxIndexer):
            return self.normalizer_._scale(items)
        return self.normalizer_.transform(items)

    def _learn_weights(self, normalized, complete, sample_weight=None):
        """Per index: the weights (unit for "bod") and the BoD model or None.

        ``sample_weight`` are the (positive) weights of the rows of
        ``normalized``. The benefit-of-the-doubt frontier
        depends on which rows exist, not on how often: it needs no weights.
        """
        k = len(self._groups_)
        if self.weights is None or isinstance(self.weights, Mapping):
            return self._resolve_weights(), [None] * k
        weights, models = [], []
        for name, group in zip(self.spec_, self._groups_, strict=True):
            block = normalized[:, group]
            items = self.spec_[name]
            if self.weights != "bod":
                weights.append(
                    learned_weights(block, self.weights, name, items, sample_weight)
                )
                models.append(None)
                continue
            self._check_bod_block(block, name, items, complete)
            low, high = self.bod_bounds or (0.0, 1.0)
            k_items = len(items)
            if not (low * k_items <= 1.0 + 1e-12 and 1.0 <= high * k_items + 1e-12):
                raise ValueError(
                    f"bod_bounds={self.bod_bounds!r} cannot hold for index {name!r}: "
                    f"the shares of its {k_items} items sum to 1, so low <= "
                    f"1/{k_items} <= high is needed. Widen the bounds."
                )
            weights.append(np.ones(block.shape[1]))
            models.append(BenefitOfTheDoubt.fit(block, self.bod_bounds, name, items)[0])
        return weights, models

    def _check_bod_block(self, block, name, items, complete, fitting=True):
        if not complete and np.isnan(block.sum()):
            raise ValueError(
                "weights='bod' cannot score rows with missing answers (NaN), and "
                f"index {name!r} has "
                f"{plural(int(np.isnan(block).any(axis=1).sum()), 'such row')}. "
                "Impute them first (e.g. sklearn.impute.SimpleImputer)."
            )
        # New rows may fall below the training range; their programs simply
        # give such items no weight. The training data define the frontier.
        if fitting and (block < 0).any():
            raise ValueError(
                f"weights='bod' needs non-negative normalised items, but index "
                f"{name!r} has negative values (normalize={self.normalize!r}). "
                "Use normalize='minmax' or 'rank'."
            )

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
                    or not w >= 0
                    or not np.isfinite(w)
                ):
                    raise ValueError(
                        f"weights[{name!r}][{item!r}] must be a finite number "
                        f">= 0 (0 leaves the item out); got {w!r}."
                    )
                weights[k][items.index(item)] = float(w)
            if not weights[k].any():
                raise ValueError(
                    f"weights[{name!r}] gives every item of index {name!r} "
                    "weight 0, so the index would be empty; give one item a "
                    "positive weight or remove the index from the spec."
                )
        return weights

    def _weight_matrix(self, n_items):
        """Items x indices matrix of weights: ``normalized @ W`` sums every group."""
        W = np.zeros((n_items, len(self._groups_)))
        for k, (group, w) in enumerate(zip(self._groups_, self._weights_, strict=True)):
            W[group, k] = w
        return W

    def _aggregate(self, normalized, complete, rows):
        n = normalized.shape[0]
        bod = any(model is not None for model in self._bod_)
        if complete and self.aggregate != "geometric" and not bod:
            # no missing answer: every weighted group sum in one matrix product
            out = normalized @ self._weight_matrix(normalized.shape[1])
            if self.aggregate == "mean":
                out /= np.array([w.sum() for w in self._weights_])
            return out
        out = np.empty((n, len(self._groups_)))
        for k, (name, group, w, model) in enumerate(
            zip(self.spec_, self._groups_, self._weights_, self._bod_, strict=True)
        ):
            block = normalized[:, group]
            if model is not None:
                self._check_bod_block(
                    block, name, self.spec_[name], complete, fitting=False
                )
                out[:, k] = model.score(block)
                continue
            out[:, k] = self._aggregate_block(block, w, name, rows)
        return out

    def _aggregate_block(self, block, w, name, rows):
        """One index from its items: the weighted sum, mean or geometric mean.

        Only the answered items of positive weight count: an item of weight 0
        (given, or learned for a constant item) drops out, so ``ln 0 x 0`` and
        ``0 x k/0`` never arise. A row in which no such item is answered is
        handled by ``missing``.
        """
        answered = ~np.isnan(block)
        counted = answered & (w > 0)
        self._check_missing(name, answered)
        w_counted = counted @ w
        empty = ~counted.any(axis=1)
        if empty.any():
            self._empty_rows(name, np.flatnonzero(empty), rows)
            w_counted[empty] = np.nan  # the index of such a row is NaN
        if self.aggregate == "geometric":
            if (block[counted] < 0).any():
                raise ValueError(
                    f"aggregate='geometric' needs non-negative items, but index "
                    f"{name!r} has negative normalised values; use "
                    "normalize='minmax' or 'rank'."
                )
            # ln 0 = -inf for a zero item (its row's index is 0); the terms
            # of uncounted items are 0, never -inf x 0
            with np.errstate(divide="ignore"):
                logs = np.log(np.where(counted, block, 1.0))
            return np.exp((logs @ w) / w_counted)
        total = np.where(counted, block, 0.0) @ w
        if self.aggregate == "mean":
            return total / w_counted
        return total * (w.sum() / w_counted)

    def _check_missing(self, name, answered):
        if self.missing != "error" or answered.all():
            return
        items = self.spec_[name]
        cols = [items[j] for j in np.flatnonzero(~answered.all(axis=0))]
        counted = "" if self.out_of_range != "nan" else " (out-of-range values count)"
        raise ValueError(
            f"Index {name!r} has missing answers{counted} in "
            f"{plural(int((~answered).any(axis=1).sum()), 'row')}, in "
            f"{plural(len(cols), 'item')} ({format_labels(cols)}), "
            "and missing='error'. Impute them first, or set missing='rescale' (in "
            'a spec file: [index] missing = "rescale").'
        )

    def _empty_rows(self, name, empty, rows):
        """Rows with no answered item of positive weight in index ``name``."""
        items = format_labels(self.spec_[name])
        where = format_rows(empty, rows)
        if self.missing != "nan":
            raise ValueError(
                f"Index {name!r} cannot be computed for {plural(empty.size, 'row')} "
                f"({where}): every item ({items}) is missing or weighs 0. Set "
                "missing='nan' (in a spec file: [index] missing = \"nan\") to leave "
                "their index NaN, drop those rows, or impute the answers (e.g. "
                "sklearn.impute.SimpleImputer) first."
            )
        warnings.warn(
            f"Index {name!r} is NaN for {plural(empty.size, 'row')} ({where}): every "
            f"item ({items}) is missing or weighs 0 (missing='nan'). Impute the "
            "index (e.g. sklearn.impute.SimpleImputer) or drop those rows "
            "before a model that refuses NaN.",
            MissingIndexWarning,
            stacklevel=caller_stacklevel(),
        )

    def _reliability(self, normalized, complete, sample_weight=None):
        """The reliability table, the complete rows and the item-total tables.

        ``sample_weight`` are the frequency weights of the rows of
        ``normalized``: "n_complete" is then the weighted count, as SPSS
        reports N under ``WEIGHT BY``; the second value counts the rows.
        """
        rows, tables, counts = [], [], []
        sw = sample_weight
        # Complete answers: one pass gives every item's moments, and each
        # index reads its block of them (listwise deletion changes nothing).
        # Moments of the items over a power of two (exact): unit-free.
        moments = (
            scaled_moments(normalized, sample_weight=sw)
            if complete and enough_rows(normalized, sw)
            else None
        )
        for name, group, w in zip(
            self.spec_, self._groups_, self._weights_, strict=True
        ):
            block, block_weight = normalized, sw
            if moments is None:
                block = normalized[:, group]
                listwise = ~np.isnan(block).any(axis=1)  # as SPSS
                block = block[listwise]
                block_weight = None if sw is None else sw[listwise]
            n, k = weight_total(block, block_weight), len(w)
            counts.append(block.shape[0])
            stats = [np.nan, np.nan, np.nan]
            if enough_rows(block, block_weight) and k >= 2:
                if moments is not None:
                    mean, cov = moments[0][group], moments[1][group][:, group]
                    scale = moments[2]
                else:
                    mean, cov, scale = scaled_moments(block, sample_weight=block_weight)
                # the statistics of the weighted items w_i x_i, from the moments
                mean, cov = mean * w, cov * np.outer(w, w)
                stats = [
                    alpha_from_cov(cov),
                    standardized_alpha_from_cov(cov),
                    omega_from_cov(cov)[0] if k >= 3 else np.nan,
                ]
                table = item_total_from_moments(mean, cov, scale, n=n)
            else:
                table = np.full((k, len(ITEM_TOTAL_COLUMNS)), np.nan)
            rows.append((name, k, n, *stats))
            if k >= 2:
                index = pd.MultiIndex.from_tuples(
                    [(name, item) for item in self.spec_[name]], names=["index", "item"]
                )
                tables.append(
                    pd.DataFrame(table, index=index, columns=ITEM_TOTAL_COLUMNS)
                )
        reliability = pd.DataFrame(
            rows, columns=["index", *RELIABILITY_COLUMNS]
        ).set_index("index")
        if tables:
            item_statistics = pd.concat(tables)
        else:
            item_statistics = pd.DataFrame(
                columns=ITEM_TOTAL_COLUMNS,
                index=pd.MultiIndex.from_tuples([], names=["index", "item"]),
                dtype=float,
            )
        n_complete = pd.Series(
            counts, index=reliability.index, name="n_complete", dtype=np.int64
        )
        return reliability, n_complete, item_statistics


def rows_with_missing_index(indices):
    """The rows whose index is NaN (``missing="nan"``: no answered item).

    The one rule by which ``replicate`` and the spec-driven benchmark leave
    rows out of every model, computed once on the whole survey.

    Parameters
    ----------
    indices : DataFrame
        The indices, one column per index (a :class:`CompositeIndex`'s
        output on the survey).

    Returns
    -------
    empty : ndarray of bool
        True for a row with one or more NaN indices.
    reason : str or None
        Why, in words, to follow "N of M rows": "have an index that is NaN
        (...; by index: size 6)"; None when no row is left out.

    Raises
    ------
    SpecError
        When every row has a NaN index: nothing would be left to fit.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from sklearn_innov.preprocessing._composite import rows_with_missing_index
    >>> indices = pd.DataFrame({"A": [0.5, np.nan, 1.0], "B": [1.0, 2.0, np.nan]})
    >>> empty, reason = rows_with_missing_index(indices)
    >>> empty.tolist()
    [False, True, True]
    >>> reason.split("by index: ")[1]
    'A 1, B 1)'
    """
    missing = indices.isna()
    empty = missing.any(axis=1).to_numpy()
    if not empty.any():
        return empty, None
    if empty.all():
        raise SpecError(
            "every row has an index that is NaN (no answered item under [index] "
            "missing = 'nan'); check the items, or impute the answers."
        )
    per_index = ", ".join(f"{name} {int(n)}" for name, n in missing.sum().items() if n)
    return empty, (
        "have an index that is NaN ([index] missing = 'nan': no answered item; "
        f"by index: {per_index})"
    )


def _as_slice(positions):
    """A slice for consecutive positions (a view, no copy), else an array."""
    if positions == list(range(positions[0], positions[0] + len(positions))):
        return slice(positions[0], positions[0] + len(positions))
    return np.array(positions)


class _ZScore(TransformerMixin, BaseEstimator):
    """Each column centred on its mean and divided by its standard deviation.

    The statistics of :class:`~sklearn.preprocessing.StandardScaler`
    (population standard deviation, NaN ignored, a constant column divided
    by 1), from the library's one definition of centred sums of squares
    (:func:`~sklearn_innov._core._moments.centred_crossprod`), with
    frequency weights: the weighted mean and ``sum_i w_i (x_i - xbar)^2 /
    W``. (StandardScaler's weighted path is four times slower than its
    unweighted one; this one is as fast weighted as not.)
    """

    def fit(self, X, y=None, sample_weight=None):
        w = sample_weight
        answered = ~np.isnan(X)
        complete = answered.all()
        # Items far from 1 (1e-160, 1e154) are divided by a power of two
        # first (exact), so no square under- or overflows.
        top = np.max(np.abs(X), axis=0, initial=0.0, where=answered)
        unit = np.ldexp(1.0, np.frexp(top)[1])
        if (np.abs(np.frexp(top)[1]) > 100).any():
            X = X / unit
        else:
            unit = np.ones_like(unit)
        if complete:
            total = np.full(X.shape[1], float(X.shape[0] if w is None else w.sum()))
            sums = column_sums(X, w)
            squares = centred_crossprod(X, diagonal=True, sums=sums, sample_weight=w)
        else:  # each column on its answered rows
            total, sums, squares = np.zeros((3, X.shape[1]))
            for j in range(X.shape[1]):
                ok = answered[:, j]
                col, w_col = X[ok, j : j + 1], None if w is None else w[ok]
                if col.size:
                    total[j] = col.shape[0] if w_col is None else w_col.sum()
                    sums[j] = column_sums(col, w_col)[0]
                    squares[j] = centred_crossprod(
                        col, diagonal=True, sums=sums[j : j + 1], sample_weight=w_col
                    )[0]
        with np.errstate(invalid="ignore", divide="ignore"):  # an empty column
            mean, var = sums / total, squares / total
        # StandardScaler's test of a constant column (rounding of the mean
        # leaves a variance of a few ulps), which keeps the unit scale; it
        # is unit-free, so it runs on the scaled moments
        eps = np.finfo(np.float64).eps
        constant = ~(var > total * eps * var + (total * mean * eps) ** 2)
        constant &= total > 0  # a column never answered keeps a NaN mean
        if constant.any():
            # the mean of equal values, exactly: their z-score is 0, not the
            # rounding of a sum (which, times the unit, may be 1e134)
            mean[constant] = np.min(
                X[:, constant], axis=0, initial=np.inf, where=answered[:, constant]
            )
        self.mean_ = mean * unit
        with np.errstate(over="ignore"):  # StandardScaler's var_ overflows too
            self.var_ = var * unit**2
        self.scale_ = np.where(
            constant, 1.0, np.sqrt(np.where(constant, 1.0, var)) * unit
        )
        return self

    def transform(self, X):
        return (X - self.mean_) / self.scale_


class _EmpiricalCDF(TransformerMixin, BaseEstimator):
    """Mid-rank empirical distribution function of each column, NaN ignored.

    ``F(x) = (W(x_i < x) + W(x_i <= x)) / (2 W)``, with ``W(.)`` the total
    weight of the answered values that satisfy the condition and ``W`` that
    of all of them: the number of such values without weights, which is
    scipy's ``percentileofscore(..., kind="mean") / 100``; ties share their
    mid-rank. Integer frequency weights give the function of the replicated
    rows exactly (the cumulative weights are exact integers).
    """

    def fit(self, X, y=None, sample_weight=None):
        self.sorted_, self.cumulative_ = [], []
        for col in X.T:
            answered = ~np.isnan(col)
            order = np.argsort(col[answered], kind="stable")
            w = (
                np.ones(order.size)
                if sample_weight is None
                else sample_weight[answered][order]
            )
            self.sorted_.append(col[answered][order])
            # weight of the values before each sorted position, and in total
            self.cumulative_.append(np.concatenate([[0.0], np.cumsum(w)]))
        return self

    def transform(self, X):
        out = np.full(X.shape, np.nan)
        # a model saved before sample_weight (0.1.0) has no cumulative weights:
        # each value counts once
        cumulative = getattr(self, "cumulative_", None) or [
            np.arange(ref.size + 1, dtype=float) for ref in self.sorted_
        ]
        for j, (ref, cum) in enumerate(zip(self.sorted_, cumulative, strict=True)):
            col = X[:, j]
            ok = ~np.isnan(col)
            below = cum[np.searchsorted(ref, col[ok], side="left")]
            upto = cum[np.searchsorted(ref, col[ok], side="right")]
            total = cum[-1] if cum[-1] > 0 else 1.0  # no answer at fit: 0
            out[ok, j] = (below + upto) / (2.0 * total)
        return out
