"""scikit-learn's private helpers, reached through this one module.

scikit-learn offers no public way to declare parameter constraints
(``Interval``, ``StrOptions``, ``HasMethods``, ``validate_params``) or to
enter ``fit`` honouring ``skip_parameter_validation`` (``_fit_context``);
every scikit-learn-compatible library uses them, as imbalanced-learn does
through its ``sklearn_compat`` layer. The estimators import them from here
only, so a scikit-learn release that moves or renames one breaks this file
and nothing else (tests/test_private_apis.py checks that no other module
imports an underscored scikit-learn name).
"""

from sklearn.base import _fit_context
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    StrOptions,
    validate_params,
)

__all__ = ["HasMethods", "Interval", "StrOptions", "_fit_context", "validate_params"]
