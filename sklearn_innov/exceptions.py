"""Warning classes of sklearn-innov, so users can filter them by name."""

__all__ = [
    "ConstantItemWarning",
    "MissingIndexWarning",
    "NonPositiveWarning",
    "SeparationWarning",
    "SklearnInnovWarning",
]


class SklearnInnovWarning(UserWarning):
    """Base class of every warning sklearn-innov emits."""


class NonPositiveWarning(SklearnInnovWarning):
    """Values <= 0 met where a logarithm is taken, and handled as asked."""


class SeparationWarning(SklearnInnovWarning):
    """Complete or quasi-complete separation in a logistic regression."""


class ConstantItemWarning(SklearnInnovWarning):
    """An item that takes a single value in the data an index is fitted on."""


class MissingIndexWarning(SklearnInnovWarning):
    """Rows left without an index value (NaN), as ``missing="nan"`` asks."""
