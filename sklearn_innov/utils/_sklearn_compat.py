"""scikit-learn's private helpers, reached through this one module.

scikit-learn offers no public way to declare parameter constraints
(``Interval``, ``StrOptions``, ``HasMethods``, ``validate_params``) or to
enter ``fit`` honouring ``skip_parameter_validation`` (``_fit_context``);
every scikit-learn-compatible library uses them, as imbalanced-learn does
through its ``sklearn_compat`` layer. The estimators import them from here
only, so a scikit-learn release that moves or renames one breaks this file
and nothing else (tests/test_private_apis.py checks that no other module
imports an underscored scikit-learn name).

``_fit_context`` here is scikit-learn's, with one addition: an estimator
whose parameters are all plain values (strings, numbers, booleans, None and
tuples of them) is validated once per distinct set of values, not on every
``fit``. A cross-validation or a bootstrap refits the same parameters
hundreds of times; at the paper's 127 rows scikit-learn's validation
(``inspect.signature`` of ``__init__`` and every constraint rebuilt) cost
as much as a whole Newton fit. Parameters that are arrays, lists, dicts or
objects are validated on every call, as scikit-learn does.
"""

import functools
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from sklearn import config_context, get_config
from sklearn.base import _fit_context as _sklearn_fit_context
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    InvalidParameterError,
    StrOptions,
)
from sklearn.utils._set_output import _get_output_config

# a decorator that keeps the signature of what it decorates, for type checkers
_F = TypeVar("_F", bound=Callable[..., Any])

if TYPE_CHECKING:
    # scikit-learn is untyped: without this a decorated function reads as Any

    def validate_params(
        parameter_constraints: dict[str, Any], *, prefer_skip_nested_validation: bool
    ) -> Callable[[_F], _F]: ...

else:
    from sklearn.utils._param_validation import validate_params

__all__ = [
    "DocLinkMixin",
    "HasMethods",
    "Interval",
    "InvalidParameterError",
    "StrOptions",
    "_fit_context",
    "_get_output_config",
    "validate_params",
]

# The project's Documentation URL (pyproject's [project.urls]) is its GitHub
# tree: the documentation is not hosted yet, so the HTML diagram links to the
# class's source, whose numpydoc docstring is what its API page shows.
SOURCE_URL = "https://github.com/sklearn-innov/sklearn-innov/blob/main/"

_PLAIN = (str, int, float, bool, type(None))
_VALIDATED_MAX = 1024
_validated: dict[object, bool] = {}
_lock = threading.Lock()


@functools.cache
def _param_names(cls):
    return tuple(cls._get_param_names())


def _plain(value):
    if isinstance(value, tuple):
        return all(_plain(item) for item in value)
    return type(value) in _PLAIN


def _params_key(estimator):
    """The parameters as a hashable key, or None if any is not a plain value."""
    cls = type(estimator)
    values = tuple(getattr(estimator, name) for name in _param_names(cls))
    if not all(_plain(value) for value in values):
        return None
    # the type is part of the key: 1, 1.0 and True are equal but not alike
    # for a constraint such as Interval(Integral, ...)
    key = (cls, tuple((type(v), v) for v in values))
    try:
        hash(key)
    except TypeError:  # pragma: no cover - plain values hash
        return None
    # NaN is never equal to itself: such a key never hits, it is validated
    return key


def _fit_context(*, prefer_skip_nested_validation: bool) -> Callable[[_F], _F]:
    """scikit-learn's ``_fit_context``, validating plain parameters once.

    Parameters
    ----------
    prefer_skip_nested_validation : bool
        As scikit-learn's: skip the validation of inner estimators' and
        functions' parameters during ``fit``.

    Returns
    -------
    decorator : callable
        The decorator for a ``fit`` method.
    """
    sklearn_decorator = _sklearn_fit_context(
        prefer_skip_nested_validation=prefer_skip_nested_validation
    )

    def decorator(fit_method):
        checked = sklearn_decorator(fit_method)
        if not prefer_skip_nested_validation:
            # skipping the outer check here would also skip the nested ones
            return checked

        @functools.wraps(fit_method)
        def wrapper(estimator, *args, **kwargs):
            if get_config()["skip_parameter_validation"]:
                return checked(estimator, *args, **kwargs)
            key = _params_key(estimator)
            if key is None or key not in _validated:
                result = checked(estimator, *args, **kwargs)
                if key is not None:
                    with _lock:
                        if len(_validated) >= _VALIDATED_MAX:
                            _validated.clear()
                        _validated[key] = True
                return result
            # these very values passed scikit-learn's validation before
            with config_context(skip_parameter_validation=True):
                return checked(estimator, *args, **kwargs)

        return wrapper

    return decorator


class DocLinkMixin:
    """The "?" of an estimator's HTML diagram links to its documentation.

    scikit-learn's ``_HTMLDocumentationLinkMixin`` links only estimators
    whose root module is ``_doc_link_module`` (``"sklearn"`` by default), to
    a URL built by ``_doc_link_template`` with the parameters that
    ``_doc_link_url_param_generator`` returns. Here: the module ``sklearn_innov``
    and the source file of the class on GitHub (see ``SOURCE_URL``).
    """

    _doc_link_module = "sklearn_innov"
    _doc_link_template = SOURCE_URL + "{path}"

    def _doc_link_url_param_generator(self):
        return {"path": type(self).__module__.replace(".", "/") + ".py"}
