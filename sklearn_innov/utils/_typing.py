"""Type aliases shared by the public signatures.

What a transformer returns is an ndarray, or a pandas or polars DataFrame, as
the input and ``set_output`` decide at run time; the alias is ``Any`` so that
a user's code indexes the container it asked for without a cast.

A parameter that takes one of a few strings is typed with the ``Literal`` of
those strings, so that a user's type checker flags a misspelt option
(``zeros="flor"``) before scikit-learn's parameter validation does at ``fit``.
Each alias lists the options of the estimator's ``_parameter_constraints``
(tests/test_typing.py checks that they agree).
"""

from typing import Any, Literal, TypeAlias

__all__ = [
    "Aggregate",
    "CobbDouglasCovType",
    "CobbDouglasZeros",
    "Criterion",
    "DesignName",
    "Direction",
    "DWAlternative",
    "HLMethod",
    "IndexWeighting",
    "IVCovType",
    "IVMethod",
    "LogitCovType",
    "LonelyPSU",
    "MarginsAt",
    "MissingAnswers",
    "Normalize",
    "OnNonpositive",
    "OutOfRange",
    "Penalty",
    "RenderFormat",
    "ReturnsToScale",
    "SecondPart",
    "SurveyVariance",
    "TransformOutput",
    "TwoPartZeros",
    "WeightType",
]

TransformOutput: TypeAlias = Any

# preprocessing
Normalize: TypeAlias = Literal["minmax", "zscore", "rank"]
Aggregate: TypeAlias = Literal["sum", "mean", "geometric"]
IndexWeighting: TypeAlias = Literal["pca", "pca_cov", "factor", "bod"]
MissingAnswers: TypeAlias = Literal["rescale", "error", "nan"]
OutOfRange: TypeAlias = Literal["auto", "error", "clip", "nan"]
OnNonpositive: TypeAlias = Literal["error", "nan", "clip"]

# linear models
CobbDouglasCovType: TypeAlias = Literal[
    "nonrobust", "HC0", "HC1", "HC2", "HC3", "cluster", "survey"
]
CobbDouglasZeros: TypeAlias = Literal["error", "floor", "drop", "offset"]
ReturnsToScale: TypeAlias = Literal["decreasing", "constant"]
LonelyPSU: TypeAlias = Literal["fail", "certainty", "remove", "adjust"]
WeightType: TypeAlias = Literal["frequency", "analytic"]
SurveyVariance: TypeAlias = Literal["linearization", "jackknife"]
TwoPartZeros: TypeAlias = Literal["floor", "offset", "drop"]
SecondPart: TypeAlias = Literal["ols", "gamma", "poisson"]
Direction: TypeAlias = Literal["backward", "forward"]
Criterion: TypeAlias = Literal["wald", "lr", "conditional"]
Penalty: TypeAlias = Literal["firth"]
HLMethod: TypeAlias = Literal["midrank", "spss", "deciles"]
LogitCovType: TypeAlias = Literal["nonrobust", "cluster", "survey"]
IVMethod: TypeAlias = Literal["2sls", "liml", "gmm"]
IVCovType: TypeAlias = Literal["nonrobust", "HC0", "HC1", "HC2", "HC3", "cluster"]
MarginsAt: TypeAlias = Literal["overall", "mean"]

# diagnostics, data sets, summaries
DWAlternative: TypeAlias = Literal["two-sided", "greater", "less"]
DesignName: TypeAlias = Literal["stratified", "two-stage"]
RenderFormat: TypeAlias = Literal["text", "markdown", "html", "latex"]
