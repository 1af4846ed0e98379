""":mod:`sklearn_innov.diagnostics`: statistical tests and checks, one
implementation each, shared by every estimator and open to users."""

from ._classification import classification_table, hosmer_lemeshow, pseudo_r2
from ._comparison import corrected_resampled_ttest, holm_adjusted
from ._regression import (
    breusch_godfrey,
    breusch_pagan,
    durbin_watson,
    durbin_watson_test,
    lilliefors,
    linear_restriction_test,
    park_test,
    variance_inflation,
)
from ._reliability import (
    cronbach_alpha,
    item_total_statistics,
    mcdonald_omega,
    one_factor_test,
    reliability_checks,
    standardized_alpha,
)

__all__ = [
    "breusch_godfrey",
    "breusch_pagan",
    "classification_table",
    "corrected_resampled_ttest",
    "cronbach_alpha",
    "durbin_watson",
    "durbin_watson_test",
    "holm_adjusted",
    "hosmer_lemeshow",
    "item_total_statistics",
    "lilliefors",
    "linear_restriction_test",
    "mcdonald_omega",
    "one_factor_test",
    "park_test",
    "pseudo_r2",
    "reliability_checks",
    "standardized_alpha",
    "variance_inflation",
]
