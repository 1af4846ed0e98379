""":mod:`sklearn_innov.diagnostics`: statistical tests and checks, one
implementation each, shared by every estimator and open to users."""

from ._reliability import cronbach_alpha

__all__ = ["cronbach_alpha"]
