"""Input validation shared by every estimator of the library.

Survey exports arrive as DataFrames that mix numeric items with text codes.
These helpers select the columns an estimator needs, check that they are
numeric and finite, and word every failure so that it names the column(s),
the number of rows touched and the way out. Estimators call them instead of
writing their own checks, so each rule lives in one place.
"""

# Other projects' private APIs that stay, and why (docs/developer_notes.rst):
# - sklearn.base._fit_context and sklearn.utils._param_validation (Interval,
#   StrOptions, HasMethods, validate_params): scikit-learn has no public way
#   to declare parameter constraints or honour skip_parameter_validation.
# - scikit-learn's error texts, kept word for word because its estimator
#   checks match them: "Found input variables with inconsistent numbers of
#   samples", "requires y to be passed, but the target y is None", "Sample
#   weights must contain at least one non-zero number", "input_features is
#   not equal to feature_names_in_", "Negative values in data passed to".
# Everything else (sample weights, feature names of get_feature_names_out,
# Lilliefors' table) uses public APIs or the project's own code.

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeGuard

import numpy as np
from sklearn.utils.validation import check_array, validate_data

if TYPE_CHECKING:
    import pandas as pd
    from numpy.typing import NDArray


def is_dataframe(X: object) -> TypeGuard[pd.DataFrame]:
    """True for pandas DataFrames (and anything with ``iloc`` and ``columns``)."""
    return hasattr(X, "iloc") and hasattr(X, "columns")


def is_any_dataframe(X):
    """True for pandas and every other dataframe narwhals knows (polars, ...)."""
    if is_dataframe(X):
        return True
    import narwhals as nw

    return nw.dependencies.is_into_dataframe(X)


def as_pandas(X):
    """Any eager dataframe scikit-learn accepts, as a pandas DataFrame.

    polars, pyarrow and the other dataframes narwhals knows keep their
    column names and order (each column goes through NumPy, so text columns
    become object arrays and need no pyarrow); pandas DataFrames and arrays
    are returned unchanged.
    """
    if not is_any_dataframe(X) or is_dataframe(X):
        return X
    import narwhals as nw

    frame = nw.from_native(X, eager_only=True)
    from pandas import DataFrame

    return DataFrame({name: frame[name].to_numpy() for name in frame.columns})


# nouns whose plural is not made by a rule (a unit of observation, mostly)
_IRREGULAR_PLURALS = {
    "man": "men",
    "woman": "women",
    "person": "people",
    "child": "children",
    "wife": "wives",
    "life": "lives",
    "foot": "feet",
    "tooth": "teeth",
    "mouse": "mice",
    "goose": "geese",
    "ox": "oxen",
    "datum": "data",
    "criterion": "criteria",
    "index": "indices",
    "stratum": "strata",
    "analysis": "analyses",
    "thesis": "theses",
    "sheep": "sheep",
    "fish": "fish",
    "series": "series",
    "species": "species",
}


def english_plural(noun: str) -> str:
    """The English plural of a noun: "firm" -> "firms", "woman" -> "women".

    The one rule for a plural the caller does not spell, applied to the last
    word ("small firm" -> "small firms"): common irregulars, -y after a
    consonant -> -ies, -s/-x/-z/-ch/-sh -> -es, else -s. The first letter's
    case is kept.

    Parameters
    ----------
    noun : str
        The singular.

    Returns
    -------
    nouns : str

    Examples
    --------
    >>> from sklearn_innov.utils._validation import english_plural
    >>> [english_plural(w) for w in ["woman", "country", "box", "day", "Person"]]
    ['women', 'countries', 'boxes', 'days', 'People']
    >>> english_plural("small firm"), english_plural("human")
    ('small firms', 'humans')
    """
    head, _, word = noun.rpartition(" ")
    head = head + " " if head else ""
    lower = word.lower()
    if lower in _IRREGULAR_PLURALS:
        nouns = _IRREGULAR_PLURALS[lower]
        if word[:1].isupper():
            nouns = nouns[0].upper() + nouns[1:]
        return head + nouns
    if len(lower) > 1 and lower.endswith("y") and lower[-2] not in "aeiou":
        return head + word[:-1] + "ies"
    if lower.endswith(("s", "x", "z", "ch", "sh")):
        return head + word + "es"
    return head + word + "s"


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """``count`` and the noun in number: "1 group", "1,905 groups".

    The one place a known count meets its noun (no "group(s)"), in the
    messages of every layer and in the summaries and the report (which
    re-export it from :mod:`sklearn_innov.summary`); the count has thousands
    separated by commas.

    Parameters
    ----------
    count : int
    noun : str
        The singular.
    nouns : str, optional
        The plural; default :func:`english_plural` of ``noun``.

    Returns
    -------
    text : str

    Examples
    --------
    >>> from sklearn_innov.utils._validation import plural
    >>> plural(1, "group"), plural(1905, "group"), plural(2, "entry", "entries")
    ('1 group', '1,905 groups', '2 entries')
    """
    word = noun if count == 1 else (nouns or english_plural(noun))
    return f"{count:,} {word}"


def format_labels(labels, limit=8):
    """Render column labels for an error message: ``'a', 'b' and 3 more``."""
    labels = [repr(label) if isinstance(label, str) else str(label) for label in labels]
    if len(labels) > limit:
        return ", ".join(labels[:limit]) + f" and {len(labels) - limit} more"
    return ", ".join(labels)


def format_value(value):
    """A value as a user wrote it: ``6``, ``2.5``, ``'no answer'``.

    NumPy scalars print as plain numbers (never ``np.float64(6.0)``); whole
    floats lose their ``.0``; text keeps its quotes.
    """
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        value = float(value)
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, str):
        return repr(str(value))
    return str(value)


def format_rows(labels, *, name=None, limit=5):
    """Rows as the user knows them: ``lines 4, 9 and 2 more`` or ``rows 3, 8``.

    ``name`` is the index's name, by default the name of ``labels`` when it
    is a pandas Index (``frame.index[mask]`` keeps it); the CLI names its
    frames' index ``line`` (the CSV line numbers, header = line 1), so every
    message about rows of a file it read points at the lines of that file.
    """
    noun = name or getattr(labels, "name", None) or "row"
    labels = list(labels)
    noun = noun if len(labels) == 1 else noun + "s"
    shown = ", ".join(format_value(label) for label in labels[:limit])
    more = f" and {len(labels) - limit} more" if len(labels) > limit else ""
    return f"{noun} {shown}{more}"


def non_numeric_cells(column, *, decimal=".", thousands=None):
    """Boolean mask of the cells of a text column that are answers but not numbers.

    Empty cells (NaN, None) are missing answers, not text. ``decimal`` and
    ``thousands`` are the marks the column's file was read with, so that
    ``2,5`` in a file with decimal commas counts as a number.
    """
    import pandas as pd

    text = column.astype("object")
    if decimal != "." or thousands is not None:
        strings = text.map(lambda v: isinstance(v, str), na_action="ignore")
        strings = strings.fillna(False).astype(bool)
        cleaned = text[strings].str.strip()
        if thousands is not None:
            cleaned = cleaned.str.replace(thousands, "", regex=False)
        text = text.copy()
        text[strings] = cleaned.str.replace(decimal, ".", regex=False)
    numbers = pd.to_numeric(text, errors="coerce")
    return (column.notna() & numbers.isna()).to_numpy()


def resolve_items(items, columns, n_features, *, owner):
    """Map spec items (column names or integer positions) to positions.

    Parameters
    ----------
    items : sequence of str or int
        The items to find.
    columns : sequence of str or None
        The column names of X, or None when X has none (a NumPy array).
    n_features : int
        The number of columns of X.
    owner : str
        What asks, for the error message (e.g. ``"index 'X1'"``).

    Returns
    -------
    positions : list of int
    """
    lookup = None if columns is None else {name: i for i, name in enumerate(columns)}
    positions, missing = [], []
    for item in items:
        if isinstance(item, (int, np.integer)) and not isinstance(item, bool):
            if not -n_features <= item < n_features:
                raise ValueError(
                    f"{owner} names column position {item}, but X has only "
                    f"{n_features} column(s). Use positions 0..{n_features - 1}."
                )
            positions.append(int(item) % n_features)
        elif isinstance(item, str):
            if lookup is None:
                raise ValueError(
                    f"{owner} names column {item!r}, but X has no column names "
                    "(it is an array). Pass a pandas DataFrame, or name the "
                    "items by integer position."
                )
            if item not in lookup:
                missing.append(item)
            else:
                positions.append(lookup[item])
        else:
            raise TypeError(
                f"{owner} holds {item!r} of type {type(item).__name__}; items "
                "must be column names (str) or positions (int)."
            )
    if missing:
        raise ValueError(
            f"{owner} names column(s) not in X: {format_labels(missing)}. "
            "Check the spelling against X.columns, or remove them from the spec."
        )
    return positions


def check_numeric_columns(frame, *, owner):
    """Raise a ValueError naming the columns of a DataFrame that are not numeric."""
    from pandas.api.types import is_bool_dtype, is_numeric_dtype

    bad = [
        col
        for col, dtype in frame.dtypes.items()
        if not (is_numeric_dtype(dtype) or is_bool_dtype(dtype))
    ]
    if bad:
        raise ValueError(
            f"{owner} needs numeric columns, but {format_labels(bad)} "
            f"{'is' if len(bad) == 1 else 'are'} not numeric "
            f"({text_cells(frame[bad[0]])}). Encode the answers as numbers "
            "(e.g. map text codes to integers), leave a missing answer "
            "empty, or leave the column out."
        )


def text_cells(column, **marks):
    """Where a column holds text, in words: its rows and their distinct values.

    ``marks``: ``decimal`` and ``thousands``, as :func:`non_numeric_cells`.
    """
    cells = non_numeric_cells(column, **marks)
    if not cells.any():
        return f"dtype {column.dtype}"
    values = list(dict.fromkeys(column[cells].tolist()))
    shown = ", ".join(format_value(v) for v in values[:3])
    more = f" and {len(values) - 3} other value(s)" if len(values) > 3 else ""
    rows = format_rows(column.index[cells], name=column.index.name)
    # text codes kept as pandas categories are worth naming as such
    kind = "dtype category; " if column.dtype.name == "category" else ""
    return f"{kind}{rows} hold{'s' if cells.sum() == 1 else ''} text: {shown}{more}"


def validate_columns(
    estimator: Any,
    X: Any,
    positions: Any = None,
    *,
    reset: bool,
    allow_nan: bool = True,
) -> NDArray[np.float64]:
    """Validate X, select columns, and return them as a float64 array.

    Feature names and the number of features are checked (and recorded when
    ``reset``) on the whole X, as scikit-learn does, so a whole survey export
    can be passed and the estimator uses only the columns it needs. Only the
    selected columns must be numeric and finite.

    Parameters
    ----------
    estimator : estimator instance
    X : array-like or DataFrame of shape (n_samples, n_features)
    positions : list of int, callable or None
        Columns to keep; None keeps all. A callable is called as
        ``positions(columns, n_features)`` (``columns`` is None for arrays) and
        returns the list, so a spec can be resolved against X before any
        column is converted.
    reset : bool
        True in ``fit``; False in ``transform``/``predict``.
    allow_nan : bool
        Whether NaN may pass through.

    Returns
    -------
    X_selected : ndarray of shape (n_samples, len(positions)), float64
    """
    owner = type(estimator).__name__
    finite = "allow-nan" if allow_nan else True
    X = as_pandas(X)
    if is_dataframe(X):
        validate_data(estimator, X, reset=reset, skip_check_array=True)
        if callable(positions):
            positions = positions([str(c) for c in X.columns], X.shape[1])
        frame = X if positions is None else X.iloc[:, positions]
        check_numeric_columns(frame, owner=owner)
        data = frame
    else:
        if isinstance(X, np.ndarray) and X.ndim == 2 and X.dtype.kind in "fiub":
            data = X  # numeric already: checked once, below, after the selection
        else:
            # dtype=None keeps object arrays as they are until the selection
            data = check_array(X, dtype=None, ensure_all_finite=False)
        validate_data(estimator, data, reset=reset, skip_check_array=True)
        if callable(positions):
            positions = positions(None, data.shape[1])
        if positions is not None and list(positions) != list(range(data.shape[1])):
            data = data[:, positions]  # a copy only when some column is left out
    try:
        return check_array(data, dtype=np.float64, ensure_all_finite=finite)
    except ValueError as exc:
        if "infinity" in str(exc) or "NaN" in str(exc):
            raise ValueError(_nonfinite_message(data, owner, allow_nan)) from exc
        if isinstance(data, np.ndarray) and data.dtype.kind == "O":
            # an object array with text: numpy's "could not convert string to
            # float" names neither the column nor the row
            raise ValueError(_text_in_array_message(data, positions, owner)) from exc
        raise


def _text_in_array_message(data, positions, owner):
    import pandas as pd

    labels = list(range(data.shape[1])) if positions is None else list(positions)
    frame = pd.DataFrame(data, columns=labels)
    bad = [c for c in frame.columns if non_numeric_cells(frame[c]).any()]
    where = (
        f"column {bad[0]} of X (by position) is not numeric "
        f"({text_cells(frame[bad[0]])}; rows counted from 0)"
        if bad
        else "X holds values that are not numbers"
    )
    return (
        f"{owner} needs numeric columns, but {where}. Encode the answers as "
        "numbers (e.g. map text codes to integers), leave a missing answer "
        "empty (NaN), or leave the column out."
    )


def _nonfinite_message(data, owner, allow_nan):
    values = np.asarray(data, dtype=np.float64)
    bad = ~np.isfinite(values) if not allow_nan else np.isinf(values)
    labels = list(data.columns) if is_dataframe(data) else list(range(values.shape[1]))
    cols = [labels[j] for j in np.flatnonzero(bad.any(axis=0))]
    what = "NaN or infinite" if not allow_nan else "infinite"
    fix = (
        "Impute or drop the missing answers first (e.g. sklearn.impute.SimpleImputer)"
        if not allow_nan
        else "Replace them by NaN (a missing answer) or drop those rows"
    )
    columns = "column" if len(cols) == 1 else "columns"
    return (
        f"Input X contains {what} values in {columns} {format_labels(cols)} "
        f"({plural(int(bad.any(axis=1).sum()), 'row')}); {owner} cannot use them. "
        f"{fix}."
    )


def feature_labels(estimator, n_features=None):
    """Column labels as the user knows them: names if fitted on a DataFrame."""
    names = getattr(estimator, "feature_names_in_", None)
    if names is not None:
        return list(names)
    n = estimator.n_features_in_ if n_features is None else n_features
    return list(range(n))


def check_vector(
    values: Any,
    name: str,
    *,
    min_size: int = 1,
    allow_nan: bool = False,
    owner: str,
) -> NDArray[np.float64]:
    """A 1-D float64 copy of ``values``, or a ValueError in the library's voice.

    Parameters
    ----------
    values : array-like
        A list, Series or 1-D array (a single column is accepted).
    name : str
        What the values are, for the message (e.g. "resid").
    min_size : int, default=1
    allow_nan : bool, default=False
    owner : str
        The function that asks, for the message.
    """
    try:
        if hasattr(values, "to_numpy"):
            array = values.to_numpy(dtype=np.float64, na_value=np.nan)
        else:
            array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(
            f"{owner}: {name} must be numeric; got values of type "
            f"{type(values).__name__} that cannot be read as numbers."
        ) from None
    if array.ndim == 2 and 1 in array.shape:
        array = array.ravel()
    if array.ndim != 1:
        raise ValueError(
            f"{owner}: {name} must be one-dimensional; got shape {array.shape}."
        )
    if array.size < min_size:
        raise ValueError(
            f"{owner} needs at least {min_size} value(s) in {name}; got {array.size}."
        )
    bad = np.isinf(array) if allow_nan else ~np.isfinite(array)
    if bad.any():
        what = "infinite" if allow_nan else "NaN or infinite"
        raise ValueError(
            f"{owner}: {name} has {int(bad.sum())} {what} value(s) (position(s) "
            f"{format_labels(np.flatnonzero(bad).tolist(), limit=5)}); drop or "
            "impute them first."
        )
    return array


def check_same_length(owner, **arrays):
    """Raise a ValueError when the named 1-D arrays differ in length."""
    sizes = {name: len(array) for name, array in arrays.items()}
    if len(set(sizes.values())) > 1:
        listed = ", ".join(f"{name} has {size}" for name, size in sizes.items())
        raise ValueError(f"{owner}: lengths differ ({listed}); pass paired values.")


def check_sample_weight(
    sample_weight: Any, n_samples: int, *, owner: str
) -> NDArray[np.float64] | None:
    """Validate ``sample_weight``: 1-D, one per row, finite, >= 0, not all 0.

    Returns a float64 array. The message for all-zero weights keeps
    scikit-learn's wording ("Sample weights must contain at least one
    non-zero number"), which its estimator checks match.
    """
    if sample_weight is None:
        return None
    weights = check_vector(sample_weight, "sample_weight", owner=owner)
    if weights.size != n_samples:
        raise ValueError(
            f"{owner}: sample_weight has {weights.size} values but X has "
            f"{n_samples} rows; pass one weight per row."
        )
    if (weights < 0).any():
        negative = np.flatnonzero(weights < 0).tolist()
        raise ValueError(
            f"{owner}: sample_weight has {len(negative)} negative value(s) "
            f"(position(s) {format_labels(negative, limit=5)}); weights must be "
            ">= 0 (0 leaves a row out)."
        )
    if not (weights > 0).any():
        raise ValueError(
            "Sample weights must contain at least one non-zero number "
            f"({owner} got only zeros)."
        )
    return weights


def check_input_features(estimator, input_features):
    """Validate ``get_feature_names_out``'s ``input_features`` argument.

    It must equal ``feature_names_in_`` (when the estimator saw names) and
    have ``n_features_in_`` entries. The messages are scikit-learn's own
    (its estimator checks match them).
    """
    if input_features is None:
        return
    input_features = np.asarray(input_features, dtype=object)
    names = getattr(estimator, "feature_names_in_", None)
    if names is not None and not np.array_equal(names, input_features):
        raise ValueError("input_features is not equal to feature_names_in_")
    if len(input_features) != estimator.n_features_in_:
        raise ValueError(
            "input_features should have length equal to number of features "
            f"({estimator.n_features_in_}), got {len(input_features)}"
        )


def check_target_present(y, *, owner):
    """Raise a ValueError naming the rows where a class label is missing.

    NaN in a float target and None or NaN in an object target (a pandas
    column read with empty cells) are missing labels: a row without an
    outcome can be neither fitted nor scored. scikit-learn would call the
    latter "Unknown label type: unknown".
    """
    import pandas as pd

    values = y.to_numpy() if hasattr(y, "to_numpy") else np.asarray(y)
    if values.dtype.kind not in "fO" or values.ndim > 2:
        return
    missing = np.asarray(pd.isna(values)).reshape(len(values), -1).any(axis=1)
    if not missing.any():
        return
    index = getattr(y, "index", None)
    labels = index[missing] if index is not None else np.flatnonzero(missing)
    rows = format_rows(labels, name=getattr(index, "name", None))
    what = "NaN" if values.dtype.kind == "f" else "None or NaN"
    raise ValueError(
        f"y contains {what} in {plural(int(missing.sum()), 'row')} ({rows}): a row "
        f"without an outcome can be neither fitted nor scored by {owner}. Drop "
        "those rows (X and y together) before fitting, e.g. keep = y.notna(); "
        "X, y = X[keep], y[keep]."
    )


def check_outcome(y: Any, n_samples: int, *, owner: str) -> NDArray[np.float64]:
    """A continuous outcome as a finite 1-D float64 array, one value per row.

    The messages for a missing y and unequal lengths are scikit-learn's own
    wording (its estimator checks match them).
    """
    from sklearn.utils.validation import column_or_1d

    if y is None:
        raise ValueError(f"{owner} requires y to be passed, but the target y is None.")
    index = getattr(y, "index", None)
    y = column_or_1d(
        np.asarray(y) if not hasattr(y, "to_numpy") else y.to_numpy(), warn=True
    )
    try:
        y = y.astype(np.float64, copy=False)  # the callers never write to y
    except (TypeError, ValueError):
        raise ValueError(
            f"{owner}: y must be numeric (the outcome in levels, e.g. the "
            "innovation index)."
        ) from None
    if y.shape[0] != n_samples:
        raise ValueError(
            f"Found input variables with inconsistent numbers of samples: "
            f"X has {n_samples}, y has {y.shape[0]}."
        )
    if not np.isfinite(y).all():
        bad = ~np.isfinite(y)
        labels = index[bad] if index is not None else np.flatnonzero(bad)
        rows = format_rows(labels, name=getattr(index, "name", None))
        kinds = (("NaN", np.isnan), ("inf", np.isinf))
        what = " and ".join(name for name, test in kinds if test(y).any())
        raise ValueError(
            f"{owner}: y contains {what} in {int(bad.sum())} "
            f"{'row' if bad.sum() == 1 else 'rows'} ({rows}): a row without a "
            "finite outcome cannot be fitted. Drop those rows (X and y "
            "together) before fitting, e.g. keep = np.isfinite(y); "
            "X, y = X[keep], y[keep], or impute the outcome."
        )
    return y
