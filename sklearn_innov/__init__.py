""":mod:`sklearn_innov`: scikit-learn compatible econometrics of innovation.

Survey items are normalised (:class:`MinMaxIndexer`), aggregated into composite
indices of learning mechanisms (:class:`CompositeIndex`), and fed in levels to
a Cobb-Douglas model estimated by OLS in logs (:class:`CobbDouglasRegressor`,
which takes the logs itself, with a policy for zeros) and to a
backward-stepwise logistic regression (:class:`StepwiseLogit`), following
Alonso, Contreras & Valenzuela (2025). :class:`LogTransform` logs indices for
models that do not.
Heavy dependencies (statsmodels, matplotlib) are imported only where used, so
``import sklearn_innov`` stays cheap.
"""

import logging

from ._version import __version__
from .linear_model import (
    CobbDouglasRegressor,
    ControlFunctionLogit,
    IVCobbDouglasRegressor,
    StepwiseLogit,
    TwoPartRegressor,
)
from .preprocessing import CompositeIndex, LogTransform, MinMaxIndexer, read_spec

# The library logs (progress lines, timings) but never decides what is shown:
# without a handler of the application's, nothing is (Python's last-resort
# handler would print WARNING lines), as in scikit-learn and statsmodels.
logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = [
    "CobbDouglasRegressor",
    "CompositeIndex",
    "ControlFunctionLogit",
    "IVCobbDouglasRegressor",
    "LogTransform",
    "MinMaxIndexer",
    "__version__",
    "StepwiseLogit",
    "TwoPartRegressor",
    "read_spec",
]
