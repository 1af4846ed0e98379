"""Index specs with names, for grid searches that read (NamedSpec is defined
in preprocessing/_named_spec.py, beside the code that checks specs).

A grid search over ``compositeindex__spec`` stores each candidate spec in
``cv_results_``; a plain dict prints there as every index and every item,
so the table of results cannot be read. :class:`NamedSpec` is the spec,
unchanged (a read-only mapping, which ``CompositeIndex`` takes as any
spec), whose ``repr`` and ``str`` are a short name the user chose.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from ..preprocessing._named_spec import NamedSpec

__all__ = ["NamedSpec", "named_specs"]


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
