"""Lazy access to pandas, so ``import sklearn_innov`` does not import it.

pandas costs about a third of a second to import and scikit-learn does not
import it; modules that only need it when a result is built use ``pd`` from
here, which imports pandas on first attribute access.
"""

import importlib
from typing import TYPE_CHECKING

__all__ = ["pd"]


class _LazyModule:
    def __init__(self, name):
        self._name = name
        self._module = None

    def __getattr__(self, attribute):
        if self._module is None:
            self._module = importlib.import_module(self._name)
        return getattr(self._module, attribute)


if TYPE_CHECKING:
    # a type checker reads pandas' own names (pd.DataFrame in annotations)
    import pandas as pd
else:
    pd = _LazyModule("pandas")
