"""Index specs with names, for grid searches that read.

A grid search over ``compositeindex__spec`` stores each candidate spec in
``cv_results_``; a plain dict prints there as every index and every item,
so the table of results cannot be read. :class:`NamedSpec` is the spec,
unchanged (a dict, which ``CompositeIndex`` takes as it is), whose ``repr``
is a short name the user chose.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

__all__ = ["NamedSpec", "named_specs"]


class NamedSpec(dict[str, Any]):
    """An index spec (index name -> items) shown by its name.

    A :class:`dict` in every respect (``CompositeIndex(spec=...)`` reads it
    as any spec; it equals the plain dict of the same items) except its
    ``repr`` and ``str``, which are its name: in ``GridSearchCV``'s
    ``cv_results_``, an estimator's ``repr`` and a DataFrame of results, a
    candidate reads "paper" or "no X4", not a page of item names. It keeps
    its name through ``clone``, ``get_params``, ``copy.deepcopy`` and
    pickle.

    Parameters
    ----------
    name : str, default=None
        What the spec is called where it is shown (None only as skops
        rebuilds it, see Notes).
    spec : mapping of str to list of str, default=()
        Index name to the items (columns) summed into it.

    Attributes
    ----------
    name : str

    See Also
    --------
    named_specs : Several named specs from ``(name, spec)`` pairs.

    Notes
    -----
    skops rebuilds a dict subclass empty and fills its items, without its
    name: a NamedSpec loaded from a skops file is the same spec, shown as a
    plain dict.

    Examples
    --------
    >>> from sklearn_innov import CompositeIndex
    >>> from sklearn_innov.model_selection import NamedSpec
    >>> spec = NamedSpec("two items", {"A": ["q1", "q2"]})
    >>> spec
    two items
    >>> spec["A"], spec == {"A": ["q1", "q2"]}
    (['q1', 'q2'], True)
    >>> CompositeIndex(spec=spec)
    CompositeIndex(spec=two items)
    """

    def __init__(
        self,
        name: str | None = None,
        spec: Mapping[str, Sequence[str]] | Iterable[tuple[str, Sequence[str]]] = (),
    ) -> None:
        # no name: as skops rebuilds it (empty, then filled); shown as a dict
        if name is not None and (not isinstance(name, str) or not name):
            raise TypeError(
                f"NamedSpec: name must be a non-empty string, got {name!r}; "
                'e.g. NamedSpec("paper", spec).'
            )
        super().__init__(spec)
        self.name = name

    def __repr__(self) -> str:
        return dict.__repr__(self) if self.name is None else self.name

    __str__ = __repr__

    def __reduce__(self) -> tuple[type[NamedSpec], tuple[str | None, dict[str, Any]]]:
        # the name and the items, rebuilt through __init__ (pickle, deepcopy)
        return type(self), (self.name, dict(self))

    def copy(self) -> NamedSpec:
        """A shallow copy, with the name.

        Returns
        -------
        spec : NamedSpec
            The same items under the same name.
        """
        return type(self)(self.name, self)


def named_specs(
    pairs: Iterable[tuple[str, Mapping[str, Sequence[str]]]]
    | Mapping[str, Mapping[str, Sequence[str]]],
) -> list[NamedSpec]:
    """Named specs from ``(name, spec)`` pairs or a dict of name to spec.

    Parameters
    ----------
    pairs : iterable of (str, mapping) or dict of str to mapping
        Each candidate spec with its name.

    Returns
    -------
    specs : list of NamedSpec
        In the order given: the values of a ``compositeindex__spec`` grid.

    Examples
    --------
    >>> from sklearn_innov.model_selection import named_specs
    >>> named_specs({"both": {"A": ["q1", "q2"]}, "first": {"A": ["q1"]}})
    [both, first]
    """
    items: Iterable[tuple[str, Mapping[str, Sequence[str]]]] = (
        pairs.items() if isinstance(pairs, Mapping) else pairs
    )
    return [NamedSpec(name, spec) for name, spec in items]
