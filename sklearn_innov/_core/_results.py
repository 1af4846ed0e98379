"""What every results object shares: lazy statistics, and rows dropped on request.

A results object holds what a fit produced and computes every statistic on
first access (``functools.cached_property``), as statsmodels' results classes
do. The per-row arrays it needs for that (residuals, fitted probabilities,
the design) are confidential survey data: :meth:`Results.remove_data` drops
them after computing everything a summary prints. Pickling (``pickle``,
``joblib``, ``skops``), ``copy.deepcopy`` and ``sklearn.clone`` of a fitted
model save or copy the object as it is, as statsmodels' results pickle:
nothing is computed at save time (a Firth model's profile intervals take
30 times its fit), and a copy keeps its rows. Dropping them before a model
is shared is the user's explicit ``remove_data()``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..exceptions import DataRemovedError, StatisticUnavailableError
from ..utils._persistence import decode, encode

__all__ = ["DataRemovedError", "Results", "StatisticUnavailableError"]


class Results:
    """Base of the results objects (see the module docstring).

    Subclasses list their per-row attributes in ``_row_data`` (plain ones
    also get a class-level ``None`` default, which they fall back to once
    removed) and the statistics a summary reads in ``_summary_statistics``.
    """

    _row_data: tuple = ()
    _summary_statistics: tuple[str, ...] = ()

    def attempt(self, name: str) -> Any:
        """The statistic ``name``, or :class:`StatisticUnavailableError`.

        A statistic that cannot be computed on this fit (a Park test with a
        zero residual, correlations of a constant column) raises ValueError,
        FloatingPointError or LinAlgError when read directly; this raises
        one typed error instead, whose ``reason`` a summary prints in the
        statistic's place. The reason is kept, so it survives
        ``remove_data()`` and pickling.
        """
        failed = self.__dict__.setdefault("_failed", {})
        if name in failed:
            raise StatisticUnavailableError(name, failed[name])
        try:
            with np.errstate(divide="raise", invalid="raise"):
                return getattr(self, name)
        except StatisticUnavailableError as exc:
            failed[name] = exc.reason
            raise
        except (ValueError, FloatingPointError, np.linalg.LinAlgError) as exc:
            failed[name] = str(exc)
            raise StatisticUnavailableError(name, failed[name]) from exc

    def _materialize(self):
        """Compute and cache what must survive the removal of the rows."""
        if self.has_data:
            for name in self._summary_statistics:
                try:
                    self.attempt(name)
                except StatisticUnavailableError:
                    pass  # the reason is kept in ``_failed``

    def remove_data(self) -> None:
        """Drop the per-row arrays, keeping every statistic a summary prints.

        Afterwards, a statistic not computed before raises
        :class:`DataRemovedError` naming what is missing.
        """
        self._materialize()
        for name in self._row_data:
            self.__dict__.pop(name, None)
        self._data_removed = True

    @property
    def has_data(self) -> bool:
        """Whether the per-row arrays are still held."""
        return not self.__dict__.get("_data_removed", False)

    def _rows(self, name):
        value = self.__dict__.get(name)
        if not self.has_data:
            raise DataRemovedError(
                f"{name!r} is per-row training data, which a saved (or "
                "remove_data()) model does not keep; refit the model on the data "
                "to compute it."
            )
        return value

    def __getstate__(self):
        # the object as it is, its tables as plain data for skops (see
        # utils._persistence): no statistic is computed and no row dropped
        return encode(self.__dict__)

    def __setstate__(self, state):
        self.__dict__.update(decode(state))
