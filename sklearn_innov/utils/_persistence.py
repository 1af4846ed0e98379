"""Persistence that needs to trust nothing but the library's own types.

Fitted estimators hold result tables as pandas DataFrames, which skops cannot
serialise without falling back to pickle. :class:`TablePersistenceMixin`
turns every DataFrame and Series in an estimator's state into plain dicts,
lists and NumPy arrays when pickled (by ``pickle`` or ``skops.io``) and
rebuilds them on load, so a skops file asks the user to trust only
``sklearn_innov`` classes.
"""

import numpy as np

from ._lazy import pd

__all__ = ["TablePersistenceMixin"]

_FRAME = "__sklearn_innov_frame__"
_SERIES = "__sklearn_innov_series__"


def _column(values):
    values = np.asarray(values)
    # object columns (labels, actions) become lists of Python scalars
    return values.tolist() if values.dtype == object else values


def _encode_index(index):
    if isinstance(index, pd.MultiIndex):
        # one plain column per level, e.g. the (index, item) rows of a table
        return {
            "index_levels": [
                _column(index.get_level_values(i).to_numpy())
                for i in range(index.nlevels)
            ],
            "index_names": list(index.names),
        }
    return {"index": _column(index.to_numpy()), "index_name": index.name}


def _decode_index(value):
    if "index_levels" in value:
        return pd.MultiIndex.from_arrays(
            value["index_levels"], names=value["index_names"]
        )
    return pd.Index(value["index"], name=value["index_name"])


def encode(value):
    """Replace DataFrames and Series, recursively, by plain containers."""
    if isinstance(value, pd.DataFrame):
        return {
            _FRAME: True,
            # the column labels as an index of their own: a MultiIndex (a
            # covariance over (part, term)) and non-string labels come back
            "columns_index": _encode_index(value.columns),
            **_encode_index(value.index),
            "data": [
                _column(value.iloc[:, j].to_numpy()) for j in range(value.shape[1])
            ],
            # object columns mixing ints and NaN must not come back as floats
            "object_positions": [
                j
                for j in range(value.shape[1])
                if value.dtypes.iloc[j] == np.dtype(object)
            ],
        }
    if isinstance(value, pd.Series):
        return {
            _SERIES: True,
            "name": value.name,
            **_encode_index(value.index),
            "data": _column(value.to_numpy()),
        }
    if type(value) is dict:
        # only plain dicts are walked; anything else (a NamedSpec) pickles itself
        return {key: encode(item) for key, item in value.items()}
    return value


def decode(value):
    """Inverse of :func:`encode`."""
    if type(value) is dict:
        if value.get(_FRAME):
            index = _decode_index(value)
            if "columns_index" not in value:
                return _decode_string_columns(value, index)
            data = value["data"]
            frame = pd.DataFrame(dict(enumerate(data)), index=index)
            for j in value["object_positions"]:
                frame[j] = pd.Series(data[j], index=index, dtype=object)
            frame.columns = _decode_index(value["columns_index"])
            return frame
        if value.get(_SERIES):
            index = _decode_index(value)
            return pd.Series(value["data"], index=index, name=value["name"])
        return {key: decode(item) for key, item in value.items()}
    return value


def _decode_string_columns(value, index):
    """A frame saved before column labels were kept as an index (strings)."""
    data = dict(zip(value["columns"], value["data"], strict=True))
    frame = pd.DataFrame(data, index=index, columns=value["columns"])
    for name in value.get("object_columns", ()):
        frame[name] = pd.Series(data[name], index=index, dtype=object)
    return frame


class TablePersistenceMixin:
    """Pickle DataFrame/Series attributes as plain data (see module docstring)."""

    def __getstate__(self):
        return encode(super().__getstate__())

    def __setstate__(self, state):
        super().__setstate__(decode(state))
