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
