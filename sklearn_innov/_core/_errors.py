"""Errors the kernels raise, worded for no model in particular.

A kernel knows columns by the labels it was given, not what they mean to a
user: an estimator catches these and words them for its model (after logs,
with the intercept, ...). Both derive from ValueError, so a caller that does
not reword still gets a ValueError with a complete message.
"""

__all__ = ["CollinearityError", "DesignError", "ZeroColumnError"]


class DesignError(ValueError):
    """A design matrix the kernels cannot use; ``columns`` names the culprits."""

    def __init__(self, message, columns=()):
        super().__init__(message)
        self.columns = list(columns)


class ZeroColumnError(DesignError):
    """Columns equal to zero in every row."""


class CollinearityError(DesignError):
    """Columns that are (nearly) linear combinations of each other.

    ``hint`` is a sentence on a likely cause ("" if none is known), e.g.
    one-hot columns of every category beside an intercept.
    """

    def __init__(self, message, columns=(), hint=""):
        super().__init__(message, columns)
        self.hint = hint
