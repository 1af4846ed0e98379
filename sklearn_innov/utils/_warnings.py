"""Warnings attributed to the user's line, however deep the library called.

A fixed ``stacklevel`` points at the right line for one call path only:
``fit_transform`` through scikit-learn's ``set_output`` wrappers, a
``Pipeline`` or ``GridSearchCV`` each add frames. :func:`warn` counts the
frames of sklearn-innov, scikit-learn and joblib at the time of the call and
points past them, at the first line the user wrote (what Python 3.12's
``skip_file_prefixes`` does; the project supports 3.11).
"""

import os
import sys
import warnings

import joblib
import sklearn

_INTERNAL = tuple(
    os.path.dirname(os.path.abspath(path)) + os.sep
    for path in (
        os.path.dirname(os.path.dirname(__file__)) + os.sep + "__init__.py",
        sklearn.__file__,
        joblib.__file__,
    )
)


def warn(message, category):
    """``warnings.warn`` with the stacklevel of the first frame outside the library.

    Parameters
    ----------
    message : str
    category : Warning subclass
        One of the classes of :mod:`sklearn_innov.exceptions`.
    """
    level, frame = 2, sys._getframe(1)
    while frame is not None and frame.f_code.co_filename.startswith(_INTERNAL):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, category, stacklevel=level)


def moved_names(module, moved):
    """A module ``__getattr__`` that still serves names made private.

    Each name keeps working for one minor release with a FutureWarning
    naming its new home (the project's deprecation policy, see the "API
    stability" page); the module no longer lists it in ``__all__`` or
    ``dir()``.

    Parameters
    ----------
    module : str
        The public module's name, e.g. ``"sklearn_innov.summary"``.
    moved : dict of str to tuple of (object, str)
        Each old name to its object and the module it now lives in.

    Returns
    -------
    getattr : callable
        The module's ``__getattr__``.
    """

    def __getattr__(name):
        if name not in moved:
            raise AttributeError(f"module {module!r} has no attribute {name!r}")
        value, home = moved[name]
        warn(
            f"{module}.{name} is deprecated and will be removed from {module} "
            f"in 1.1; it is private now, in {home}.",
            FutureWarning,
        )
        return value

    return __getattr__
