""":mod:`sklearn_innov.linear_model`: regressions of innovation on learning
mechanisms, on a shared least-squares core."""

from ._cobb_douglas import CobbDouglasRegressor
from ._control_function import ControlFunctionLogit
from ._iv import IVCobbDouglasRegressor
from ._stepwise import StepwiseLogit
from ._two_part import TwoPartRegressor

__all__ = [
    "CobbDouglasRegressor",
    "ControlFunctionLogit",
    "IVCobbDouglasRegressor",
    "StepwiseLogit",
    "TwoPartRegressor",
]
