"""NamedSpec: an index spec shown by a name (see model_selection's grid searches).

It lives here, beside ``check_spec``, so that every place that takes a spec
(``CompositeIndex``, spec documents, the benchmark) can accept it; the public
name is :class:`sklearn_innov.model_selection.NamedSpec`.
"""

from __future__ import annotations

from collections.abc import (
    ItemsView,
    Iterable,
    Iterator,
    KeysView,
    Mapping,
    Sequence,
    ValuesView,
)
from typing import TYPE_CHECKING, Any

__all__ = ["NamedSpec"]

if TYPE_CHECKING:
    _Base = Mapping[str, Any]
else:
    # Not a registered Mapping: pandas prints any Mapping by its items (its
    # pprint_thing tests isinstance(thing, Mapping)) and anything else by its
    # str, the name. NamedSpec implements the whole Mapping interface; the
    # places that take a spec accept it by name (SPEC_TYPES).
    _Base = object


class NamedSpec(_Base):
    """An index spec (index name -> items) shown by its name.

    A read-only mapping of index name to items: it has a Mapping's whole
    interface (``spec["X1"]``, ``len``, iteration, ``keys``, ``items``,
    ``values``, ``get``, ``in``), ``dict(spec)`` is the plain spec, and it
    equals the plain dict of the same items. ``CompositeIndex(spec=...)``,
    ``run_benchmark(spec=...)`` and a spec document's ``[indices]`` take it
    as any spec. Its ``repr`` and ``str`` are its name, so that in
    ``GridSearchCV``'s ``cv_results_``, an estimator's ``repr`` and a printed
    DataFrame of results, a candidate reads "paper" or "no X4", not a page
    of item names. pandas prints a :class:`~collections.abc.Mapping` by its
    items, so NamedSpec is deliberately not registered as one:
    ``isinstance(spec, Mapping)`` is False (test for a spec with
    ``isinstance(spec, (Mapping, NamedSpec))``). It keeps its name through
    ``clone``, ``get_params``, ``copy.deepcopy``, pickle and skops.

    Parameters
    ----------
    name : str, default=None
        What the spec is called where it is shown (None: shown as the plain
        dict of its items).
    spec : mapping of str to list of str, default=()
        Index name to the items (columns) summed into it.

    Attributes
    ----------
    name : str or None

    See Also
    --------
    named_specs : Several named specs from ``(name, spec)`` pairs.

    Notes
    -----
    Before version 1.0 a NamedSpec was a ``dict`` subclass, which pandas
    printed by its items (hence ``.map(str)`` on a ``cv_results_`` column)
    and skops loaded without its name; ``dict(spec)`` gives the plain dict,
    to change or to write as JSON.

    Examples
    --------
    >>> from sklearn_innov import CompositeIndex
    >>> from sklearn_innov.model_selection import NamedSpec
    >>> spec = NamedSpec("two items", {"A": ["q1", "q2"]})
    >>> spec
    two items
    >>> spec["A"], spec == {"A": ["q1", "q2"]}, dict(spec)
    (['q1', 'q2'], True, {'A': ['q1', 'q2']})
    >>> CompositeIndex(spec=spec)
    CompositeIndex(spec=two items)
    """

    def __init__(
        self,
        name: str | None = None,
        spec: Mapping[str, Sequence[str]] | Iterable[tuple[str, Sequence[str]]] = (),
    ) -> None:
        if name is not None and (not isinstance(name, str) or not name):
            raise TypeError(
                f"NamedSpec: name must be a non-empty string, got {name!r}; "
                'e.g. NamedSpec("paper", spec).'
            )
        self.name = name
        self._spec: dict[str, Any] = dict(spec)

    def __getitem__(self, key: str) -> Any:
        return self._spec[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._spec)

    def __len__(self) -> int:
        return len(self._spec)

    def __contains__(self, key: object) -> bool:
        return key in self._spec

    def keys(self) -> KeysView[str]:
        """The index names.

        Returns
        -------
        keys : KeysView
            A view of the index names, in order.
        """
        return self._spec.keys()

    def items(self) -> ItemsView[str, Any]:
        """``(index name, items)`` pairs.

        Returns
        -------
        items : ItemsView
            A view of the ``(index name, items)`` pairs, in order.
        """
        return self._spec.items()

    def values(self) -> ValuesView[Any]:
        """The item lists, in index order.

        Returns
        -------
        values : ValuesView
            A view of the item lists, in order.
        """
        return self._spec.values()

    def get(self, key: str, default: Any = None) -> Any:
        """The items of ``key``, or ``default``.

        Parameters
        ----------
        key : str
            An index name.
        default : object, default=None
            Returned when ``key`` is not an index of the spec.

        Returns
        -------
        items : object
            The index's items, or ``default`` when it is not in the spec.
        """
        return self._spec.get(key, default)

    def __eq__(self, other: object) -> bool:
        # equal to the plain dict (or any spec) of the same items
        if isinstance(other, (Mapping, NamedSpec)):
            return self._spec == dict(other.items())
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # a spec is mutable data, as a dict

    def __repr__(self) -> str:
        return repr(self._spec) if self.name is None else self.name

    __str__ = __repr__

    def __reduce__(self) -> tuple[type[NamedSpec], tuple[str | None, dict[str, Any]]]:
        # the name and the items, rebuilt through __init__ (pickle, deepcopy)
        return type(self), (self.name, dict(self._spec))

    def copy(self) -> NamedSpec:
        """A shallow copy, with the name.

        Returns
        -------
        spec : NamedSpec
            The same items under the same name.
        """
        return type(self)(self.name, self._spec)


#: The types every place that takes an index spec accepts.
SPEC_TYPES = (Mapping, NamedSpec)
