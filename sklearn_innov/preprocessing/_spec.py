"""Index specifications: which survey items make up which composite index.

A spec maps an index name to the list of its items, e.g. the paper's
``{"X1": ["collab_suppliers", ...], ..., "Y": [...]}``. Specs are plain data:
they are hyperparameters of :class:`CompositeIndex` (so ``GridSearchCV`` can
search over them) and are stored in TOML or JSON files, read here with the
standard library parsers only: a spec file is never evaluated as code.
"""

import json
import tomllib
from collections.abc import Mapping
from pathlib import Path

import numpy as np

__all__ = [
    "SpecError",
    "check_spec",
    "read_spec",
    "read_spec_document",
    "validate_document",
]


def check_spec(spec, *, source="spec"):
    """Validate an index specification and return it as a plain dict.

    Parameters
    ----------
    spec : mapping of str to sequence of str or int
        Index name to its items (column names or integer positions).
    source : str, default="spec"
        Where the spec came from, for error messages (e.g. a file name).

    Returns
    -------
    spec : dict of str to list
        A copy, with lists for the item groups.

    Raises
    ------
    ValueError
        If the spec is empty, a name is not a non-empty string, a group is
        empty or not a list, or a group repeats an item.
    """
    if not isinstance(spec, Mapping):
        raise ValueError(
            f"{source} must be a mapping of index name to a list of items, "
            f"e.g. {{'X1': ['item_a', 'item_b']}}; got {type(spec).__name__}."
        )
    if len(spec) == 0:
        raise ValueError(f"{source} defines no index; give at least one group.")
    checked = {}
    for name, items in spec.items():
        if not isinstance(name, str) or not name:
            raise ValueError(
                f"{source}: index names must be non-empty strings; got {name!r}."
            )
        if isinstance(items, (str, bytes)) or not hasattr(items, "__iter__"):
            raise ValueError(
                f"{source}: index {name!r} must list its items, e.g. "
                f'{name} = ["item_a", "item_b"]; got {items!r}.'
            )
        items = [_plain(item) for item in items]
        if not items:
            raise ValueError(
                f"{source}: index {name!r} is an empty group; list at least one "
                "item or remove the index."
            )
        for item in items:
            if isinstance(item, bool) or not isinstance(item, (str, int)):
                raise ValueError(
                    f"{source}: index {name!r} holds {item!r}; items must be "
                    "column names (str) or positions (int)."
                )
        repeated = sorted({str(i) for i in items if items.count(i) > 1})
        if repeated:
            raise ValueError(
                f"{source}: index {name!r} lists {', '.join(repeated)} more than "
                "once; list each item once (use `weights` to weigh an item)."
            )
        checked[name] = items
    return checked


def _plain(item):
    """Turn NumPy integers into int so specs built with numpy compare equal."""
    return int(item) if isinstance(item, np.integer) else item


def read_spec(path):
    """Read an index specification from a TOML or JSON file.

    The file holds an ``[indices]`` table of ``name = [columns]``; other tables
    (such as the ``[model]`` table of ``sklearn-innov replicate``) are left to
    their readers.

    Parameters
    ----------
    path : str or path-like
        A ``.toml`` or ``.json`` file.

    Returns
    -------
    spec : dict of str to list of str
        Usable as ``CompositeIndex(spec=read_spec(path))``.

    Raises
    ------
    ValueError
        Naming the file, the key and the problem: unreadable syntax, no
        ``[indices]`` table, a duplicate index name, an empty group.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from sklearn_innov import read_spec
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "spec.toml"
    >>> _ = path.write_text('[indices]\\nX1 = ["a", "b"]\\nX2 = ["c"]\\n')
    >>> read_spec(path)
    {'X1': ['a', 'b'], 'X2': ['c']}
    """
    document = read_spec_document(path)
    return document["indices"]


def read_spec_document(path):
    """Read a whole spec file: its validated ``indices`` and any other tables.

    Parameters
    ----------
    path : str or path-like
        A ``.toml`` or ``.json`` file.

    Returns
    -------
    document : dict
        The parsed file, with ``document["indices"]`` checked by
        :func:`check_spec`.
    """
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"spec file {str(path)!r} does not exist or is not a file.")
    suffix = path.suffix.lower()
    text = path.read_text(encoding="utf-8")
    try:
        if suffix == ".toml":
            document = tomllib.loads(text)
        elif suffix == ".json":
            document = json.loads(text, object_pairs_hook=_no_duplicate_keys(path))
        else:
            raise ValueError(
                f"spec file {str(path)!r} must end in .toml or .json, not {suffix!r}."
            )
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"spec file {str(path)!r} is not valid TOML: {exc}") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"spec file {str(path)!r} is not valid JSON: {exc}") from None
    if not isinstance(document, dict) or "indices" not in document:
        raise ValueError(
            f"spec file {str(path)!r} has no 'indices' table; write "
            '[indices] followed by lines such as X1 = ["item_a", "item_b"].'
        )
    document["indices"] = check_spec(
        document["indices"], source=f"spec file {str(path)!r}, table 'indices'"
    )
    for name, items in document["indices"].items():
        if not all(isinstance(item, str) for item in items):
            raise ValueError(
                f"spec file {str(path)!r}, index {name!r}: items in a file must "
                "be column names (strings)."
            )
    return document


def _no_duplicate_keys(path):
    def hook(pairs):
        seen = set()
        for key, _ in pairs:
            if key in seen:
                raise ValueError(
                    f"spec file {str(path)!r} defines {key!r} twice; give each "
                    "index (and key) a unique name."
                )
            seen.add(key)
        return dict(pairs)

    return hook


SPEC_KEYS = {"indices", "model", "index"}
MODEL_KEYS = {"outcome", "target"}
INDEX_KEYS = {"normalize", "aggregate", "bounds"}


class SpecError(ValueError):
    """A spec document or survey that the analysis cannot use (one-line message)."""


def validate_document(document, frame, source="spec"):
    """Check a whole spec document (see :func:`read_spec_document`) against a survey.

    Parameters
    ----------
    document : dict
        ``indices`` (required), ``model`` and ``index`` tables.
    frame : DataFrame
        The survey the document describes.
    source : str, default="spec"
        Where the document came from, for error messages.

    Returns
    -------
    spec : dict
        The validated ``[indices]``.
    outcome : str
        ``[model] outcome``: an index or a column (default "Y").
    target : str
        ``[model] target``: a binary column (default "innovated").
    settings : dict
        The ``[index]`` table as :class:`CompositeIndex` keyword arguments.

    Raises
    ------
    SpecError
        Naming the table, key or column at fault.
    """
    unknown = set(document) - SPEC_KEYS
    if unknown:
        raise SpecError(
            f"{source}: unknown table(s) {sorted(unknown)}; "
            f"allowed: {sorted(SPEC_KEYS)}."
        )
    spec = check_spec(document["indices"], source=source)
    model = document.get("model", {})
    index = document.get("index", {})
    for table, keys, allowed in (
        ("model", model, MODEL_KEYS),
        ("index", index, INDEX_KEYS),
    ):
        if not isinstance(keys, dict):
            raise SpecError(f"{source}: [{table}] must be a table of settings.")
        extra = set(keys) - allowed
        if extra:
            raise SpecError(
                f"{source}: unknown key(s) {sorted(extra)} in [{table}]; "
                f"allowed: {sorted(allowed)}."
            )
    missing = sorted(
        {c for items in spec.values() for c in items if c not in frame.columns}
    )
    if missing:
        raise SpecError(
            f"{source}: column(s) {missing} named in [indices] are not in the data."
        )
    outcome = model.get("outcome", "Y")
    target = model.get("target", "innovated")
    if outcome not in spec and outcome not in frame.columns:
        raise SpecError(
            f"{source}: [model] outcome {outcome!r} is neither an index nor a column."
        )
    if target not in frame.columns:
        raise SpecError(
            f"{source}: [model] target {target!r} is not a column of the data."
        )
    values = frame[target].dropna().unique()
    if len(values) != 2:
        raise SpecError(
            f"target column {target!r} must be binary (two values); "
            f"it has {len(values)}: "
            f"{sorted(map(str, values))[:5]}."
        )
    settings = {k: (tuple(v) if k == "bounds" else v) for k, v in index.items()}
    return spec, outcome, target, settings
