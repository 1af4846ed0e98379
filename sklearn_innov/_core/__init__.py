"""Numerical kernels and results objects: the bottom layer of sklearn-innov.

Everything here is private. The least-squares core and the Wald test
(:mod:`._linalg`), the results of a least-squares fit (:mod:`._ols`), the
logistic Newton core and its results (:mod:`._logit`), the log-link GLM
core of a two-part model's second part (:mod:`._glm`), the one implementation
of every other statistic on arrays (:mod:`._tests`, :mod:`._moments`), the
lazy, data-free-when-saved results base (:mod:`._results`), the
design-based and cluster-robust variance (:mod:`._survey`) and the neutral
errors the kernels raise (:mod:`._errors`). Estimators, public diagnostics
and reports above it only validate input, word messages for their model, and
format.
"""

from ._errors import CollinearityError, DesignError, ZeroColumnError
from ._glm import GLMResults, fit_log_link
from ._linalg import LeastSquares, full_rank_certified, robust_cov, wald_test
from ._logit import (
    LogitFit,
    LogitResults,
    column_scale,
    conditional_estimates,
    conditional_lr,
    detect_separation,
    fit_logit,
    likelihood_ratio,
    profile_interval,
    score_tests,
    separation_excluded,
    upper_cholesky,
)
from ._logit_large import is_large, limits_scipy_blas, takes_chord_steps
from ._margins import (
    binary_columns,
    delta_method,
    effects_table,
    logit_effects,
    smearing_covariance,
)
from ._moments import centred_crossprod, column_variances, correlation_matrix
from ._ols import (
    OLSResults,
    breusch_pagan,
    constrained_fit,
    ols_fit,
    park_test,
    total_sum_of_squares,
)
from ._results import DataRemovedError, Results
from ._survey import (
    SurveyDesign,
    cluster_covariance,
    design_covariance,
    frequency_mean,
    survey_mean,
    survey_proportions,
)

__all__ = [
    "CollinearityError",
    "DataRemovedError",
    "DesignError",
    "GLMResults",
    "LeastSquares",
    "LogitFit",
    "LogitResults",
    "OLSResults",
    "Results",
    "SurveyDesign",
    "ZeroColumnError",
    "binary_columns",
    "breusch_pagan",
    "centred_crossprod",
    "cluster_covariance",
    "column_scale",
    "column_variances",
    "conditional_estimates",
    "conditional_lr",
    "constrained_fit",
    "correlation_matrix",
    "delta_method",
    "design_covariance",
    "detect_separation",
    "effects_table",
    "fit_log_link",
    "fit_logit",
    "is_large",
    "limits_scipy_blas",
    "full_rank_certified",
    "likelihood_ratio",
    "logit_effects",
    "ols_fit",
    "park_test",
    "profile_interval",
    "robust_cov",
    "score_tests",
    "separation_excluded",
    "smearing_covariance",
    "frequency_mean",
    "survey_mean",
    "survey_proportions",
    "takes_chord_steps",
    "upper_cholesky",
    "total_sum_of_squares",
    "wald_test",
]
