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

from ._version import __version__
from .linear_model import (
    CobbDouglasRegressor,
    ControlFunctionLogit,
    IVCobbDouglasRegressor,
    StepwiseLogit,
    TwoPartRegressor,
)
from .preprocessing import CompositeIndex, LogTransform, MinMaxIndexer, read_spec

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
