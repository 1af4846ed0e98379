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
from ._spec import (
    AnalysisSpec,
    SpecError,
    check_spec,
    control_columns,
    drop_missing_target,
    read_spec,
    read_spec_document,
    validate_document,
)

__all__ = [
    "AnalysisSpec",
    "CompositeIndex",
    "IndexSensitivity",
    "LogTransform",
    "MinMaxIndexer",
    "SpecError",
    "check_spec",
    "control_columns",
    "drop_missing_target",
    "index_sensitivity",
    "read_spec",
    "read_spec_document",
    "validate_document",
]
