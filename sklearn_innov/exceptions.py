"""Warning classes of sklearn-innov, so users can filter them by name."""

__all__ = ["NonPositiveWarning", "SeparationWarning", "SklearnInnovWarning"]


class SklearnInnovWarning(UserWarning):
    """Base class of every warning sklearn-innov emits."""


class NonPositiveWarning(SklearnInnovWarning):
    """Values <= 0 met where a logarithm is taken, and handled as asked."""


class SeparationWarning(SklearnInnovWarning):
    """Complete or quasi-complete separation in a logistic regression."""
