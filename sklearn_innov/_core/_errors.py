"""Errors the kernels raise, worded for no model in particular.

A kernel knows columns by the labels it was given, not what they mean to a
user: an estimator catches these and words them for its model (after logs,
with the intercept, ...). Both derive from ValueError, so a caller that does
not reword still gets a ValueError with a complete message. They are defined
in :mod:`sklearn_innov.exceptions`, their public home.
"""

from ..exceptions import CollinearityError, DesignError, ZeroColumnError

__all__ = ["CollinearityError", "DesignError", "ZeroColumnError"]
