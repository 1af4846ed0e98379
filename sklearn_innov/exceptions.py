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
    "ReplicateFitError",
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

    Examples
    --------
    >>> import pandas as pd
    >>> from sklearn_innov.exceptions import SpecError
    >>> from sklearn_innov.preprocessing import control_columns
    >>> survey = pd.DataFrame({"region": ["north", "north", "north"]})
    >>> try:
    ...     control_columns(survey, ["region"])
    ... except SpecError as error:
    ...     print(error)
    spec: [model] control 'region' has a single value ('north'): no dummy can
    be formed; remove it.
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

    Examples
    --------
    >>> import pickle
    >>> from sklearn_innov.exceptions import DesignError
    >>> error = DesignError("Columns 'a', 'b' are collinear.", columns=["a", "b"])
    >>> isinstance(error, ValueError), error.columns
    (True, ['a', 'b'])
    >>> pickle.loads(pickle.dumps(error)).columns  # kept by a round trip
    ['a', 'b']
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

    Examples
    --------
    >>> from sklearn_innov.exceptions import DesignError, ZeroColumnError
    >>> error = ZeroColumnError("Column 'b' is zero in every row.", columns=["b"])
    >>> isinstance(error, DesignError), error.columns
    (True, ['b'])
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

    Examples
    --------
    >>> from sklearn_innov.exceptions import CollinearityError, DesignError
    >>> error = CollinearityError(
    ...     "Columns 'a', 'b', 'c' and the intercept are collinear.",
    ...     columns=["a", "b", "c"],
    ...     hint="'a', 'b', 'c' are 0/1 columns that add up to 1 in every row.",
    ... )
    >>> isinstance(error, DesignError), error.columns
    (True, ['a', 'b', 'c'])
    >>> error.hint
    "'a', 'b', 'c' are 0/1 columns that add up to 1 in every row."
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

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_innov import CobbDouglasRegressor
    >>> from sklearn_innov.exceptions import DataRemovedError
    >>> rng = np.random.default_rng(0)
    >>> X = rng.uniform(1, 5, size=(30, 2))
    >>> model = CobbDouglasRegressor().fit(X, X[:, 0] ** 0.5 * rng.lognormal(size=30))
    >>> model.results_.remove_data()  # keeps the statistics, drops the rows
    >>> try:
    ...     model.resid_
    ... except DataRemovedError as error:
    ...     print(type(error).__mro__[1].__name__)
    AttributeError
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

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_innov import ControlFunctionLogit
    >>> from sklearn_innov.exceptions import StatisticUnavailableError
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(100, 2))
    >>> y = (X[:, 0] + rng.logistic(size=100) > 0).astype(int)
    >>> model = ControlFunctionLogit().fit(X, y)  # no endogenous regressor given
    >>> try:
    ...     model.exogeneity_test_
    ... except StatisticUnavailableError as error:
    ...     print(error.statistic)
    exogeneity_test_
    """

    def __init__(self, statistic: str, reason: str) -> None:
        super().__init__(f"{statistic} is not available on this fit: {reason}")
        self.statistic = statistic
        self.reason = reason

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.statistic, self.reason))


class ReplicateFitError(ValueError):
    """A replicate of the delete-one-PSU jackknife that cannot be estimated.

    ``survey_variance='jackknife'`` re-estimates the model once per PSU
    deleted; when one replicate leaves no row with positive weight, leaves
    the regressors collinear, or gives no finite estimate, the jackknife
    has no variance and the fit raises this, naming the replicate. The
    fix is ``survey_variance='linearization'`` or a design whose PSUs each
    leave the model estimable (merge a PSU with another of its stratum).

    Parameters
    ----------
    message : str
        The complete one-line message.
    estimator : str
        The estimator whose jackknife failed, e.g. ``"StepwiseLogit"``.
    replicate : str
        The replicate in words, e.g. ``"the replicate that deletes PSU 3"``.
    reason : str
        What went wrong in that replicate, without the fix (a sentence
        that follows ``replicate``).
    psu : object, default=None
        The deleted PSU's label (None: a PSU without rows in the fit).
    stratum : object, default=None
        The deleted PSU's stratum label (None: no strata).

    Attributes
    ----------
    estimator : str
        The estimator whose jackknife failed.
    replicate : str
        The replicate in words.
    reason : str
        What went wrong in that replicate, without the fix.
    psu : object
        The deleted PSU's label, or None.
    stratum : object
        The deleted PSU's stratum label, or None.

    Examples
    --------
    >>> import pickle
    >>> from sklearn_innov.exceptions import ReplicateFitError
    >>> error = ReplicateFitError(
    ...     "StepwiseLogit(survey_variance='jackknife'): the replicate that "
    ...     "deletes PSU 3 gives a non-finite estimate.",
    ...     estimator="StepwiseLogit",
    ...     replicate="the replicate that deletes PSU 3",
    ...     reason="gives a non-finite estimate.",
    ...     psu=3,
    ... )
    >>> isinstance(error, ValueError), error.estimator, error.psu
    (True, 'StepwiseLogit', 3)
    >>> pickle.loads(pickle.dumps(error)).replicate  # kept by a round trip
    'the replicate that deletes PSU 3'
    """

    def __init__(
        self,
        message: str,
        estimator: str,
        replicate: str,
        reason: str,
        psu: object = None,
        stratum: object = None,
    ) -> None:
        super().__init__(message)
        self.estimator = estimator
        self.replicate = replicate
        self.reason = reason
        self.psu = psu
        self.stratum = stratum

    def __reduce__(self) -> tuple[object, ...]:
        return (
            type(self),
            (
                str(self),
                self.estimator,
                self.replicate,
                self.reason,
                self.psu,
                self.stratum,
            ),
        )


# -- warnings ---------------------------------------------------------------


class SklearnInnovWarning(UserWarning):
    """Base class of every warning sklearn-innov emits.

    Examples
    --------
    >>> import warnings
    >>> from sklearn_innov import LogTransform
    >>> from sklearn_innov.exceptions import SklearnInnovWarning
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("error", SklearnInnovWarning)  # every one of ours
    ...     try:
    ...         LogTransform(on_nonpositive="nan").fit_transform([[0.0], [2.0]])
    ...     except SklearnInnovWarning as warning:
    ...         print(type(warning).__name__)
    NonPositiveWarning
    """


class NonPositiveWarning(SklearnInnovWarning):
    """Values <= 0 met where a logarithm is taken, and handled as asked.

    Examples
    --------
    >>> import warnings
    >>> import numpy as np
    >>> from sklearn_innov import LogTransform
    >>> from sklearn_innov.exceptions import NonPositiveWarning
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always", NonPositiveWarning)
    ...     logged = LogTransform(on_nonpositive="nan").fit_transform([[0.0], [2.0]])
    >>> np.round(logged.ravel(), 3).tolist(), [w.category.__name__ for w in caught]
    ([nan, 0.693], ['NonPositiveWarning'])
    """


class SeparationWarning(SklearnInnovWarning):
    """Complete or quasi-complete separation in a logistic regression.

    Examples
    --------
    >>> import warnings
    >>> import numpy as np
    >>> from sklearn_innov import StepwiseLogit
    >>> from sklearn_innov.exceptions import SeparationWarning
    >>> X = np.arange(20.0).reshape(-1, 1)
    >>> y = (X[:, 0] > 9).astype(int)  # x separates the classes exactly
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always", SeparationWarning)
    ...     _ = StepwiseLogit(p_remove=1.0).fit(X, y)
    >>> [w.category.__name__ for w in caught]
    ['SeparationWarning']
    """


class ConstantItemWarning(SklearnInnovWarning):
    """An item that takes a single value in the data an index is fitted on.

    Parameters
    ----------
    message : str
        The complete message.
    items : sequence, default=()
        The constant items, by the labels the index was given (column names
        or positions).
    values : sequence of float, default=()
        The single value each of ``items`` takes.

    Attributes
    ----------
    items : list
        The constant items (every one, where the message names eight).
    values : list of float
        The single value of each item.

    Examples
    --------
    >>> import warnings
    >>> import pandas as pd
    >>> from sklearn_innov import CompositeIndex
    >>> from sklearn_innov.exceptions import ConstantItemWarning
    >>> survey = pd.DataFrame({"q1": [1, 3, 5, 2], "q2": [2, 4, 5, 1]})
    >>> survey["q3"] = 3  # every firm answered 3
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always", ConstantItemWarning)
    ...     _ = CompositeIndex(spec={"X": ["q1", "q2", "q3"]}).fit(survey)
    >>> [w.category.__name__ for w in caught]
    ['ConstantItemWarning']
    >>> caught[0].message.items, caught[0].message.values
    (['q3'], [3.0])
    """

    def __init__(
        self,
        message: str,
        items: collections.abc.Iterable[object] = (),
        values: collections.abc.Iterable[float] = (),
    ) -> None:
        super().__init__(message)
        self.items = list(items)
        self.values = [float(value) for value in values]

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (str(self), self.items, self.values))


class MissingIndexWarning(SklearnInnovWarning):
    """Rows left without an index value (NaN), as ``missing="nan"`` asks.

    Examples
    --------
    >>> import warnings
    >>> import numpy as np
    >>> import pandas as pd
    >>> from sklearn_innov import CompositeIndex
    >>> from sklearn_innov.exceptions import MissingIndexWarning
    >>> survey = pd.DataFrame({"q1": [1, 3, np.nan, 2], "q2": [2, 4, np.nan, 1]})
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always", MissingIndexWarning)
    ...     composite = CompositeIndex(spec={"X": ["q1", "q2"]}, missing="nan")
    ...     index = composite.fit_transform(survey)
    >>> index["X"].isna().tolist(), [w.category.__name__ for w in caught]
    ([False, False, True, False], ['MissingIndexWarning'])
    """
