""":mod:`sklearn_innov.exceptions`: every error and warning sklearn-innov raises.

This module is their one home, so users can catch or filter them by name.
The errors derive from the built-in exception a caller would expect
(:class:`ValueError` for bad input, :class:`AttributeError` for a statistic
a saved model cannot compute), so code written against those keeps working.
Every warning derives from :class:`SklearnInnovWarning`. The private modules
that raise them, and :mod:`sklearn_innov.preprocessing` (``SpecError``),
import them from here. Every class pickles with its attributes.
"""

# a module, not a name: this module's namespace holds its classes only
import collections.abc

__all__ = [
    "CollinearityError",
    "ConstantItemWarning",
    "DataRemovedError",
    "DesignError",
    "MissingIndexWarning",
    "NonPositiveWarning",
    "SeparationWarning",
    "SklearnInnovWarning",
    "SpecError",
    "StatisticUnavailableError",
    "ZeroColumnError",
]


# -- errors -----------------------------------------------------------------


class SpecError(ValueError):
    """A spec document or survey that the analysis cannot use (one-line message).

    Raised when a spec file, its tables or the survey it is checked against
    cannot be used: a missing key, an unknown option, a target that is not
    0/1. The message names the file, the table and the key, and what to
    write instead.
    """


class DesignError(ValueError):
    """A design matrix the kernels cannot use.

    The estimators catch it and word the message for their model (after
    logs, with the intercept, ...); a caller that does not reword still gets
    a ValueError with a complete message.

    Parameters
    ----------
    message : str
        The complete one-line message.
    columns : sequence of str, default=()
        The columns at fault, by the labels the kernel was given.

    Attributes
    ----------
    columns : list of str
        The columns at fault.
    """

    def __init__(
        self, message: str, columns: collections.abc.Iterable[object] = ()
    ) -> None:
        super().__init__(message)
        self.columns = list(columns)

    def __reduce__(self) -> tuple[object, ...]:
        # BaseException pickles ``args`` only, which would drop ``columns``
        return (type(self), (str(self), self.columns))


class ZeroColumnError(DesignError):
    """Columns equal to zero in every row.

    Parameters
    ----------
    message : str
        The complete one-line message.
    columns : sequence of str, default=()
        The all-zero columns.
    """


class CollinearityError(DesignError):
    """Columns that are (nearly) linear combinations of each other.

    Parameters
    ----------
    message : str
        The complete one-line message.
    columns : sequence of str, default=()
        The collinear columns.
    hint : str, default=""
        A sentence on a likely cause ("" if none is known), e.g. one-hot
        columns of every category beside an intercept.

    Attributes
    ----------
    columns : list of str
        The collinear columns.
    hint : str
        The likely cause, or "".
    """

    def __init__(
        self,
        message: str,
        columns: collections.abc.Iterable[object] = (),
        hint: str = "",
    ) -> None:
        super().__init__(message, columns)
        self.hint = hint

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (str(self), self.columns, self.hint))


class DataRemovedError(AttributeError):
    """A statistic needs training rows that a saved model no longer holds.

    A results object whose per-row data were dropped
    (``remove_data()``) keeps every statistic its summary prints; any other
    one raises this, naming what is missing. Refit the model to compute it.
    """


class StatisticUnavailableError(ValueError):
    """A statistic that is undefined on this fit, with the reason.

    A results accessor raises it instead of returning a placeholder: a
    Park test with a zero residual, correlations of a constant column, an F
    test with every slope fixed by a constraint. Summaries catch it and
    print the reason in place of the statistic.

    Parameters
    ----------
    statistic : str
        The name of the statistic asked for.
    reason : str
        Why it cannot be computed on this fit.

    Attributes
    ----------
    statistic : str
        The name of the statistic asked for.
    reason : str
        Why it cannot be computed on this fit (the message without the
        statistic's name), as a summary prints it.
    """

    def __init__(self, statistic: str, reason: str) -> None:
        super().__init__(f"{statistic} is not available on this fit: {reason}")
        self.statistic = statistic
        self.reason = reason

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.statistic, self.reason))


# -- warnings ---------------------------------------------------------------


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
