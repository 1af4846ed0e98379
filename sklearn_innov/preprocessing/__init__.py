""":mod:`sklearn_innov.preprocessing`: from survey items to composite indices.

Normalise items (:class:`MinMaxIndexer`), aggregate them into named indices
(:class:`CompositeIndex`, specs read by :func:`read_spec`) and take logs with
an explicit policy for zeros (:class:`LogTransform`), and check how
rankings move across constructions (:func:`index_sensitivity`).
"""

from ._composite import CompositeIndex
from ._log import LogTransform
from ._minmax import MinMaxIndexer
from ._sensitivity import IndexSensitivity, index_sensitivity
from ._spec import check_spec, read_spec

__all__ = [
    "CompositeIndex",
    "IndexSensitivity",
    "LogTransform",
    "MinMaxIndexer",
    "check_spec",
    "index_sensitivity",
    "read_spec",
]
