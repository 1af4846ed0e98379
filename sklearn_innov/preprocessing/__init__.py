""":mod:`sklearn_innov.preprocessing`: from survey items to composite indices.

Normalise items (:class:`MinMaxIndexer`), aggregate them into named indices
(:class:`CompositeIndex`, specs read by :func:`read_spec` and checked by
:func:`check_spec`) and take logs with an explicit policy for zeros
(:class:`LogTransform`), and check how rankings move across constructions
(:func:`index_sensitivity`). :func:`read_spec_document` reads a whole spec
file for :func:`~sklearn_innov.report.replicate` and
:func:`~sklearn_innov.model_selection.run_benchmark`, and
:func:`control_columns` turns its ``[model] controls`` into columns.
"""

from ..exceptions import SpecError as SpecError  # its home before 1.0
from ..utils._warnings import moved_names as _moved_names
from . import _spec
from ._composite import CompositeIndex
from ._log import LogTransform
from ._minmax import MinMaxIndexer
from ._sensitivity import IndexSensitivity, index_sensitivity
from ._spec import (
    check_spec,
    control_columns,
    read_spec,
    read_spec_document,
)

__all__ = [
    "CompositeIndex",
    "IndexSensitivity",
    "LogTransform",
    "MinMaxIndexer",
    "check_spec",
    "control_columns",
    "index_sensitivity",
    "read_spec",
    "read_spec_document",
]

# the command line's plumbing, public before 1.0 (see docs/api_stability.rst)
__getattr__ = _moved_names(
    __name__,
    {
        name: (getattr(_spec, name), _spec.__name__)
        for name in ("AnalysisSpec", "drop_missing_target", "validate_document")
    },
)
