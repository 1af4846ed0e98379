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
from typing import NamedTuple

import numpy as np

__all__ = [
    "AnalysisSpec",
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


SPEC_KEYS = {"indices", "model", "index", "labels"}
INDEX_KEYS = {"normalize", "aggregate", "bounds", "reverse"}
COV_TYPES = ("nonrobust", "HC0", "HC1", "HC2", "HC3")
ZERO_POLICIES = ("floor", "drop", "offset", "two-part")
# [model] keys and their defaults on a user's survey
MODEL_DEFAULTS = {
    "outcome": "Y",
    "target": "innovated",
    "cov_type": "nonrobust",
    "zeros": "floor",
    "adjusted": None,
    "adjusted_intercept": True,
}
LABEL_KEYS = {"title", "unit", "units", "event"}


class SpecError(ValueError):
    """A spec document or survey that the analysis cannot use (one-line message)."""


class AnalysisSpec(NamedTuple):
    """A spec document checked against a survey (see :func:`validate_document`).

    Parameters
    ----------
    spec : dict
        ``[indices]``: index name to its items.
    outcome : str
        The Cobb-Douglas outcome: an index or a column.
    target : str
        The 0/1 column of the logit.
    index : dict
        ``[index]``: :class:`CompositeIndex` keyword arguments.
    model : dict
        ``[model]`` with its defaults filled in: ``cov_type``, ``zeros``,
        ``adjusted`` (None: the indices the stepwise logit keeps) and
        ``adjusted_intercept``.
    labels : dict
        ``[labels]`` with defaults: ``title`` (None: the report's default),
        ``unit`` and ``units`` (what a row is, singular and plural: "row",
        "rows"), ``event`` (what the target's event is, in words; None: the
        target column and its event value, e.g. "inlf = 1").
    """

    spec: dict
    outcome: str
    target: str
    index: dict
    model: dict
    labels: dict


def validate_document(document, frame, source="spec"):
    """Check a whole spec document (see :func:`read_spec_document`) against a survey.

    Parameters
    ----------
    document : dict
        ``indices`` (required), ``model``, ``index`` and ``labels`` tables.
    frame : DataFrame
        The survey the document describes.
    source : str, default="spec"
        Where the document came from, for error messages.

    Returns
    -------
    analysis : AnalysisSpec
        The validated tables, defaults filled in.

    Raises
    ------
    SpecError
        Naming the table, key or column at fault, and what to write instead.

    Notes
    -----
    ``[model]`` keys: ``outcome`` (default "Y"), ``target`` (default
    "innovated"), ``cov_type`` (one of "nonrobust", "HC0"-"HC3"), ``zeros``
    (how ln 0 is avoided in the Cobb-Douglas sample: "floor", "drop" or
    "offset"; "two-part" floors zero indices and makes the two-part model of
    the outcome the main model), ``adjusted`` (the indices of the adjusted
    model; default: those
    the stepwise logit keeps, as the paper did) and ``adjusted_intercept``
    (default true; false fits the adjusted model without intercept, as the
    paper's Table 11).
    """
    if not isinstance(document, dict) or "indices" not in document:
        raise SpecError(f"{source}: no [indices] table.")
    unknown = set(document) - SPEC_KEYS
    if unknown:
        raise SpecError(
            f"{source}: unknown table(s) {sorted(unknown)}; "
            f"allowed: {sorted(SPEC_KEYS)}."
        )
    spec = check_spec(document["indices"], source=source)
    tables = {}
    for table, allowed in (
        ("model", set(MODEL_DEFAULTS)),
        ("index", INDEX_KEYS),
        ("labels", LABEL_KEYS),
    ):
        keys = document.get(table, {})
        if not isinstance(keys, dict):
            raise SpecError(f"{source}: [{table}] must be a table of settings.")
        extra = set(keys) - allowed
        if extra:
            raise SpecError(
                f"{source}: unknown key(s) {sorted(extra)} in [{table}]; "
                f"allowed: {sorted(allowed)}."
            )
        tables[table] = keys
    missing = sorted(
        {c for items in spec.values() for c in items if c not in frame.columns}
    )
    if missing:
        raise SpecError(
            f"{source}: column(s) {missing} named in [indices] are not in the data."
        )
    model = {**MODEL_DEFAULTS, **tables["model"]}
    outcome, target = model["outcome"], model["target"]
    if "model" not in document and (
        (outcome not in spec and outcome not in frame.columns)
        or target not in frame.columns
    ):
        raise SpecError(
            f"{source}: no [model] table, and the defaults (outcome 'Y', target "
            "'innovated') are not in the data; add [model] with outcome = "
            '"<an index or a column>" and target = "<the 0/1 column>".'
        )
    for key in ("outcome", "target"):
        if not isinstance(model[key], str):
            raise SpecError(
                f"{source}: [model] {key} must be a name; got {model[key]!r}."
            )
    if outcome not in spec and outcome not in frame.columns:
        raise SpecError(
            f"{source}: [model] outcome {outcome!r} is neither an index nor a column."
        )
    explanatory = [name for name in spec if name != outcome]
    if not explanatory:
        raise SpecError(
            f"{source}: [indices] defines only the outcome {outcome!r}; at least "
            "one explanatory index is needed besides it."
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
    _check_model(model, explanatory, source)
    labels = {"title": None, "unit": "row", "event": None, **tables["labels"]}
    if "units" not in labels:
        labels["units"] = (
            "rows" if "unit" not in tables["labels"] else (labels["unit"] + "s")
        )
    for key, value in labels.items():
        if value is not None and not isinstance(value, str):
            raise SpecError(f"{source}: [labels] {key} must be text; got {value!r}.")
    index = {k: (tuple(v) if k == "bounds" else v) for k, v in tables["index"].items()}
    return AnalysisSpec(spec, outcome, target, index, model, labels)


def _check_model(model, explanatory, source):
    if model["cov_type"] not in COV_TYPES:
        raise SpecError(
            f"{source}: [model] cov_type must be one of {list(COV_TYPES)}; "
            f"got {model['cov_type']!r}."
        )
    if model["zeros"] not in ZERO_POLICIES:
        raise SpecError(
            f"{source}: [model] zeros must be one of {list(ZERO_POLICIES)}; "
            f"got {model['zeros']!r}."
        )
    if not isinstance(model["adjusted_intercept"], bool):
        raise SpecError(
            f"{source}: [model] adjusted_intercept must be true or false; got "
            f"{model['adjusted_intercept']!r}."
        )
    adjusted = model["adjusted"]
    if adjusted is not None:
        if isinstance(adjusted, str) or not isinstance(adjusted, list) or not adjusted:
            raise SpecError(
                f"{source}: [model] adjusted must list index names, e.g. "
                f'adjusted = ["{explanatory[0]}"]; got {adjusted!r}.'
            )
        unknown = [name for name in adjusted if name not in explanatory]
        if unknown:
            raise SpecError(
                f"{source}: [model] adjusted names {unknown}, which are not "
                f"explanatory indices ({explanatory})."
            )
