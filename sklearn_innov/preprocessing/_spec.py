"""Index specifications: which survey items make up which composite index.

A spec maps an index name to the list of its items, e.g. the paper's
``{"X1": ["collab_suppliers", ...], ..., "Y": [...]}``. Specs are plain data:
they are hyperparameters of :class:`CompositeIndex` (so ``GridSearchCV`` can
search over them) and are stored in TOML or JSON files, read here with the
standard library parsers only: a spec file is never evaluated as code.
Spec files are UTF-8 text (a byte-order mark, as Windows editors write it,
is accepted), as the TOML and JSON standards require.
"""

from __future__ import annotations

import difflib
import json
import tomllib
from collections.abc import Mapping
from numbers import Real
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from ..exceptions import SpecError
from ..summary._summary import format_count
from ..utils._lazy import pd
from ..utils._output import slugify
from ..utils._validation import english_plural, format_rows, format_value, plural
from ._named_spec import SPEC_TYPES

if TYPE_CHECKING:
    import os
    from collections.abc import Sequence

__all__ = [
    "AnalysisSpec",
    "SpecError",
    "check_spec",
    "control_columns",
    "drop_missing_target",
    "read_spec",
    "read_spec_document",
    "validate_document",
]


def check_spec(
    spec: Mapping[str, Sequence[str | int]], *, source: str = "spec"
) -> dict[str, list[str | int]]:
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
        empty or not a list (a table of item weights is refused too), or a
        group repeats an item.

    Examples
    --------
    >>> from sklearn_innov.preprocessing import check_spec
    >>> check_spec({"X1": ("q1", "q2"), "X3": ["q3"]})
    {'X1': ['q1', 'q2'], 'X3': ['q3']}
    >>> try:
    ...     check_spec({"X1": ["q1", "q1"]}, source="survey.toml")
    ... except ValueError as error:
    ...     print(error)
    survey.toml: index 'X1' lists q1 more than once; list each item once
    (use `weights` to weigh an item).
    """
    if not isinstance(spec, SPEC_TYPES):
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
        if isinstance(items, Mapping):
            raise ValueError(
                f"{source}: index {name!r} is a table ({dict(items)!r}), not a list "
                f'of items; write {name} = ["item_a", "item_b"] (a spec file '
                "carries no item weights: pass CompositeIndex(weights=...) from "
                "Python to weigh items)."
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


def read_spec(path: str | os.PathLike[str]) -> dict[str, list[str]]:
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


def read_spec_document(path: str | os.PathLike[str]) -> dict[str, Any]:
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

    Raises
    ------
    ValueError
        Naming the file: missing, not UTF-8 text, unreadable syntax, nested
        deeper than the parser allows, or an invalid ``[indices]`` table.

    Examples
    --------
    >>> import json, pathlib, tempfile
    >>> from sklearn_innov.preprocessing import read_spec_document
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "spec.json"
    >>> document = {"indices": {"X1": ["q1", "q2"]},
    ...             "model": {"target": "innovated"}}
    >>> _ = path.write_text(json.dumps(document), encoding="utf-8")
    >>> read_spec_document(path)
    {'indices': {'X1': ['q1', 'q2']}, 'model': {'target': 'innovated'}}
    """
    path = Path(path)
    if path.is_dir():
        raise ValueError(
            f"spec file {str(path)!r} is a directory; give the .toml or .json file."
        )
    if not path.is_file():
        raise ValueError(f"spec file {str(path)!r} does not exist or is not a file.")
    suffix = path.suffix.lower()
    text = _read_utf8(path)
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
    except RecursionError:
        raise ValueError(
            f"spec file {str(path)!r} nests tables or lists deeper than the "
            f"{suffix[1:].upper()} reader allows; a spec needs two levels "
            '([indices] of lists such as X1 = ["item_a", "item_b"]).'
        ) from None
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


def _read_utf8(path):
    """The file's text; a UTF-8 byte-order mark is dropped, other encodings refused."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ValueError(
            f"spec file {str(path)!r} is not UTF-8 text (byte 0x{data[exc.start]:02x} "
            f"on line {line}, perhaps Latin-1 or Windows-1252); TOML and JSON files "
            "must be UTF-8: save it again with the UTF-8 encoding."
        ) from None


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


SPEC_KEYS = {"indices", "model", "index", "labels", "endogeneity", "design"}
INDEX_KEYS = {"normalize", "aggregate", "bounds", "reverse", "missing", "out_of_range"}
# CompositeIndex's options (its _parameter_constraints; a test keeps them equal)
NORMALIZE_OPTIONS = ("minmax", "zscore", "rank")
AGGREGATE_OPTIONS = ("sum", "mean", "geometric")
MISSING_OPTIONS = ("rescale", "error", "nan")
OUT_OF_RANGE_OPTIONS = ("auto", "error", "clip", "nan")
COV_TYPES = ("nonrobust", "HC0", "HC1", "HC2", "HC3")
ZERO_POLICIES = ("floor", "drop", "offset", "two-part")
# [model] keys and their defaults on a user's survey
MODEL_DEFAULTS: dict[str, Any] = {
    "outcome": "Y",
    "target": "innovated",
    "cov_type": "nonrobust",
    "zeros": "floor",
    "adjusted": None,
    "adjusted_intercept": True,
    "production": False,
    "controls": [],
}
LABEL_KEYS = {"title", "unit", "units", "event", "non_event"}
# [endogeneity] keys (IVCobbDouglasRegressor's options; cluster needs a column)
ENDOGENEITY_KEYS = {"endogenous", "instruments", "method", "cov_type"}
IV_METHODS = ("2sls", "liml", "gmm")
# [design] keys: the survey's design columns, and what its weights mean
DESIGN_COLUMN_KEYS = ("weight", "strata", "cluster", "fpc", "fpc2")
WEIGHT_KINDS = ("frequency", "probability")
# [design] variance: how a sample design's variance is estimated
DESIGN_VARIANCES = ("linearization", "jackknife")
# [design] lonely_psu: how a stratum with one PSU counts (the estimators' options)
LONELY_PSU = ("fail", "certainty", "remove", "adjust")
# other programs' names for [design] keys, for the message about an unknown key
DESIGN_ALIASES = {
    "weights_column": "weight",
    "pweight": 'weight (with weights = "probability")',
    "fweight": 'weight (with weights = "frequency")',
    "iweight": 'weight (with weights = "frequency" or "probability")',
    "aweight": 'weight (with weights = "frequency" or "probability")',
    "weight_by": 'weight (with weights = "frequency")',
    "psu": "cluster",
    "ids": "cluster",
    "id": "cluster",
    "stratum": "strata",
    "fpc1": "fpc",
    "vce": "variance",
    "type": 'variance (= "jackknife" for JKn)',
    "singleunit": 'lonely_psu (Stata\'s singleunit(centered) is "adjust")',
    "lonely": "lonely_psu",
    "survey.lonely.psu": "lonely_psu",
}


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
        ``adjusted`` (None: no adjusted model), ``adjusted_intercept``,
        ``production`` and ``controls`` (column names; [] for none).
    labels : dict
        ``[labels]`` with defaults: ``title`` (None: the report's default),
        ``unit`` and ``units`` (what a row is, singular and plural: "row",
        "rows"), ``event`` and ``non_event`` (what the target's two values
        are, in words; None: the target column and its value, e.g.
        "inlf = 1").
    endogeneity : dict or None, default=None
        ``[endogeneity]`` with its defaults filled in: ``endogenous`` (index
        names), ``instruments`` (data columns), ``method`` and ``cov_type``;
        None when the spec has no such table.
    design : dict or None, default=None
        ``[design]``, checked against the data: ``weight``, ``strata``,
        ``cluster`` and ``fpc`` (column names, None when not given) and
        ``weights`` ("frequency" or "probability"; None when no ``weight``
        is given); None when the spec has no such table. Parsed and checked
        only: the analysis does not apply it yet.
    """

    spec: dict
    outcome: str
    target: str
    # shadows tuple.index on purpose: the spec's [index] table
    index: dict  # type: ignore[assignment]
    model: dict
    labels: dict
    endogeneity: dict | None = None
    design: dict | None = None


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
        Naming the table, key or column at fault, and what to write instead;
        also a column with values outside its ``[index] bounds``.

    Notes
    -----
    ``[model]`` keys: ``outcome`` (default "Y"), ``target`` (default
    "innovated"), ``cov_type`` (one of "nonrobust", "HC0"-"HC3"), ``zeros``
    (how ln 0 is avoided in the Cobb-Douglas sample: "floor", "drop" or
    "offset"; "two-part" floors zero indices and makes the two-part model of
    the outcome the main model), ``adjusted`` (the indices of an adjusted
    model; default: none is fitted), ``adjusted_intercept``
    (default true; false fits the adjusted model without intercept, as the
    paper's Table 11) and ``production`` (default false; true declares a
    production function with ratio-scale inputs, the only case where the sum
    of elasticities is read as returns to scale) and ``controls`` (columns
    of the data that enter the models as they are: in levels, not logged, in
    the Cobb-Douglas models, and forced into the stepwise logit; a text
    column becomes 0/1 dummies, see :func:`control_columns`).

    ``[endogeneity]`` keys (optional table): ``endogenous`` (explanatory
    indices of the Cobb-Douglas to instrument), ``instruments`` (numeric
    data columns, the excluded instruments, entered as given; not items of
    the indices, nor the outcome or the target; at least as many as
    ``endogenous``), ``method`` ("2sls", the default, "liml" or "gmm") and
    ``cov_type`` (default: ``[model] cov_type``).

    ``[design]`` keys (optional table): ``weight``, ``strata``, ``cluster``
    and ``fpc`` name columns of the data (none of them an item, the outcome
    or the target, each named once), and ``weights`` says what ``weight``
    holds: "frequency" (each row stands for that many identical rows, as
    SPSS's ``WEIGHT BY``; whole numbers) or "probability" (expansion
    factors, 1 / inclusion probability, as Stata's ``pweight``). ``weights``
    is required with ``weight`` and refused without it; ``strata``,
    ``cluster`` and ``fpc`` describe a probability sample, so they are
    refused with ``weights = "frequency"`` (without ``weight`` they declare
    an equal-probability design). Weights are finite and >= 0, not all 0 (a
    0 leaves a row out); design columns have no missing value; every
    stratum has two PSUs (clusters, or rows without ``cluster``) or more
    (unless ``lonely_psu`` says otherwise), and a PSU lies in one stratum;
    ``fpc`` is constant within a stratum,
    either the population count of PSUs (at least the stratum's sampled
    PSUs) or the sampling fraction in (0, 1] (every value <= 1), as R's
    ``svydesign`` reads it. ``variance`` (a sample design only) chooses
    how its variance is estimated: "linearization" (the default, Taylor
    linearisation as R's ``svydesign``) or "jackknife" (the delete-one-PSU
    replicate jackknife, as R's ``as.svrepdesign(type = "JKn")``).
    ``lonely_psu`` (a sample design only) says how a stratum with a single
    PSU counts, as the estimators' ``lonely_psu``: "fail" (the default:
    refused, merge it with a similar stratum), "adjust" (its PSU centred at
    the grand mean, as R's ``options(survey.lonely.psu = "adjust")``),
    "remove" or "certainty" (it adds no variance).
    """
    if not isinstance(document, dict) or "indices" not in document:
        raise SpecError(f"{source}: no [indices] table.")
    unknown = set(document) - SPEC_KEYS
    if unknown:
        raise SpecError(
            f"{source}: unknown table(s) {sorted(unknown)}; "
            f"allowed: {sorted(SPEC_KEYS)}."
        )
    spec = check_spec(document["indices"], source=f"{source}, [indices]")
    _check_file_names(spec, source)
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
        shown = ", ".join(repr(c) for c in missing[:8])
        more = f" and {len(missing) - 8} more" if len(missing) > 8 else ""
        raise SpecError(
            f"{source}: {plural(len(missing), 'column')} named in [indices] "
            f"{'is' if len(missing) == 1 else 'are'} not in the data: "
            f"{shown}{more}{_did_you_mean(missing[0], frame.columns)}."
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
            f"{source}: [model] outcome {outcome!r} is neither an index nor a "
            f"column{_did_you_mean(outcome, [*spec, *frame.columns])}."
        )
    explanatory = [name for name in spec if name != outcome]
    if not explanatory:
        raise SpecError(
            f"{source}: [indices] defines only the outcome {outcome!r}; at least "
            "one explanatory index is needed besides it."
        )
    if target not in frame.columns:
        raise SpecError(
            f"{source}: [model] target {target!r} is not a column of the "
            f"data{_did_you_mean(target, frame.columns)}."
        )
    values = frame[target].dropna().unique()
    if len(values) != 2:
        shown = ", ".join(format_value(v) for v in sorted(values, key=str)[:5])
        raise SpecError(
            f"{source}: [model] target {target!r} must be a binary column (two "
            f"values); it has {len(values)}: {shown}"
            f"{' ...' if len(values) > 5 else ''}. Name a 0/1 or yes/no column."
        )
    _check_model(model, explanatory, source)
    model["controls"] = _check_controls(model["controls"], spec, frame, source)
    roles = {"target": target, "outcome": model.get("outcome")}
    taken = [
        (c, role)
        for c in model["controls"]
        for role, name in roles.items()
        if c == name
    ]
    if taken:
        column, role = taken[0]
        raise SpecError(
            f"{source}: [model] controls names {column!r}, which is the model's "
            f"{role}: a control explains the {role}, it cannot be it (the logit "
            "would separate perfectly); remove it from controls."
        )
    # their values too (missing, constant), on the rows the models use, so
    # that the message names the spec file
    control_columns(frame[frame[target].notna()], model["controls"], source)
    labels = {
        "title": None,
        "unit": "row",
        "event": None,
        "non_event": None,
        **tables["labels"],
    }
    if "units" not in labels:
        labels["units"] = (
            "rows" if "unit" not in tables["labels"] else english_plural(labels["unit"])
        )
    for key, value in labels.items():
        if value is not None and not isinstance(value, str):
            raise SpecError(f"{source}: [labels] {key} must be text; got {value!r}.")
    index = index_settings(tables["index"], spec, frame, source)
    endogeneity = None
    if "endogeneity" in document:
        endogeneity = _check_endogeneity(
            document["endogeneity"], spec, model, explanatory, frame, source
        )
    design = None
    if "design" in document:
        roles = {model["outcome"]: "outcome", target: "target"}
        roles |= {item: "an item of [indices]" for g in spec.values() for item in g}
        design = _check_design(
            document["design"], frame[frame[target].notna()], source, roles=roles
        )
    return AnalysisSpec(
        spec, outcome, target, index, model, labels, endogeneity, design
    )


def _check_design(table, frame, source, *, roles=None):
    """``[design]``: the design columns and what the weights mean, checked.

    ``frame`` holds the rows the models use; ``roles`` maps columns that
    cannot be design columns (items, outcome, target) to their role.
    Returns the table with every key (None when not given).
    """
    where = f"{source}, [design]"
    if not isinstance(table, dict):
        raise SpecError(
            f'{where} must be a table of settings, e.g. weight = "<a column>" '
            'and weights = "probability".'
        )
    allowed = [*DESIGN_COLUMN_KEYS, "weights", "variance", "lonely_psu"]
    extra = sorted(set(table) - set(allowed), key=str)
    if extra:
        hint = DESIGN_ALIASES.get(str(extra[0]).lower())
        hint = f" (for {extra[0]!r} write {hint})" if hint else ""
        raise SpecError(
            f"{where}: unknown key(s) {extra}{hint or _did_you_mean(extra[0], allowed)}"
            f"; allowed: {allowed}."
        )
    if not table:
        raise SpecError(
            f"{where} is empty; name the survey's weight, strata, cluster or fpc "
            "column(s), or remove the table."
        )
    design = dict.fromkeys(allowed)
    for key in DESIGN_COLUMN_KEYS:
        if key not in table:
            continue
        name = table[key]
        if not isinstance(name, str) or not name:
            raise SpecError(
                f"{where}: key {key!r} must name one column (text in quotes), "
                f'e.g. {key} = "{key}"; got {name!r}.'
            )
        _require_columns([name], frame, f"{where}: key {key!r}")
        if roles and name in roles:
            raise SpecError(
                f"{where}: key {key!r} names {name!r}, which is {_role(roles[name])}; "
                "a design column describes how rows were sampled: name another "
                "column."
            )
        design[key] = name
    _check_design_roles(design, where)
    kind = table.get("weights")
    if "weights" in table and kind not in WEIGHT_KINDS:
        raise SpecError(
            f'{where}: key \'weights\' must be "frequency" or "probability"; got '
            f"{kind!r}{_did_you_mean(kind, WEIGHT_KINDS)}."
        )
    if design["weight"] is None and kind is not None:
        raise SpecError(
            f"{where}: key 'weights' = {kind!r} is given without key 'weight'; "
            'name the weight column (weight = "<a column>") or remove weights.'
        )
    if design["weight"] is not None and kind is None:
        raise SpecError(
            f"{where}: key 'weight' = {design['weight']!r} is given without key "
            "'weights'; say what the weights are: weights = \"probability\" "
            "(expansion factors of a sample design, 1 / inclusion probability: "
            "Stata's pweight, R's svydesign) or weights = \"frequency\" (each "
            "row stands for that many identical rows: SPSS's WEIGHT BY, "
            "Stata's fweight)."
        )
    design["weights"] = kind
    variance = table.get("variance", "linearization")
    if variance not in DESIGN_VARIANCES:
        raise SpecError(
            f"{where}: key 'variance' must be \"linearization\" (Taylor, as R's "
            'svydesign) or "jackknife" (delete-one-PSU replicates, as R\'s '
            f'as.svrepdesign(type = "JKn")); got {variance!r}'
            f"{_did_you_mean(variance, DESIGN_VARIANCES)}."
        )
    if "variance" in table and kind == "frequency":
        raise SpecError(
            f"{where}: key 'variance' = {variance!r} chooses how a sample design's "
            'variance is estimated, but weights = "frequency" has no sample '
            "design (each row stands for identical copies); remove variance, or "
            'write weights = "probability" for expansion factors.'
        )
    # frequency weights have no sample design, so no variance estimator
    design["variance"] = None if kind == "frequency" else variance
    design["lonely_psu"] = _check_lonely_psu(table, kind, where)
    if kind == "frequency":
        given = [
            k for k in ("strata", "cluster", "fpc", "fpc2") if design[k] is not None
        ]
        if given:
            raise SpecError(
                f"{where}: key(s) {given} describe a probability sample, but "
                'weights = "frequency" says each row stands for identical '
                'copies; with a sample design write weights = "probability", '
                f"or remove {given}."
            )
    if design["weight"] is not None:
        _check_design_weights(frame, design["weight"], kind, where)
    missing = [key for key in ("cluster", "fpc") if design[key] is None]
    if design["fpc2"] is not None and missing:
        raise SpecError(
            f"{where}: key 'fpc2' = {design['fpc2']!r} is the second stage's "
            "population count (units like the rows, in each row's PSU), which "
            f"needs the first stage too: name the {' and '.join(missing)} "
            "column(s), as R's svydesign(ids = ~psu + firm, fpc = ~fpc + fpc2); "
            "or remove fpc2."
        )
    for key in ("strata", "cluster", "fpc", "fpc2"):
        if design[key] is not None:
            _no_missing(frame, design[key], key, where)
    _check_design_psus(frame, design, where)
    if design["fpc"] is not None:
        _check_design_fpc(frame, design, where)
    if design["fpc2"] is not None:
        _check_design_fpc2(frame, design, where)
    return design


def _role(role):
    return role if role.startswith("an ") else f"the model's {role}"


def _check_lonely_psu(table, kind, where):
    """``lonely_psu``: how a stratum with one PSU counts; "fail" when not given."""
    value = table.get("lonely_psu", "fail")
    if value not in LONELY_PSU:
        raise SpecError(
            f"{where}: key 'lonely_psu' must be \"fail\" (refuse a stratum with "
            'one PSU), "adjust" (its PSU centred at the grand mean, as R\'s '
            'options(survey.lonely.psu = \'adjust\')), "remove" or "certainty" '
            f"(no variance from it); got {value!r}{_did_you_mean(value, LONELY_PSU)}."
        )
    if "lonely_psu" in table and kind == "frequency":
        raise SpecError(
            f"{where}: key 'lonely_psu' = {value!r} says how a sample design's "
            'stratum with one PSU counts, but weights = "frequency" has no sample '
            'design; remove lonely_psu, or write weights = "probability".'
        )
    return None if kind == "frequency" else value


def _check_design_roles(design, where):
    """A column plays one design role: weight, strata, cluster or fpc."""
    seen = {}
    for key in DESIGN_COLUMN_KEYS:
        name = design[key]
        if name is None:
            continue
        if name in seen:
            raise SpecError(
                f"{where}: keys {seen[name]!r} and {key!r} both name {name!r}; "
                "each design column has one role: name different columns."
            )
        seen[name] = key


def _no_missing(frame, name, key, where):
    missing = frame[name].isna().to_numpy()
    if missing.any():
        rows = format_rows(frame.index[missing], name=frame.index.name)
        raise SpecError(
            f"{where}: {key} column {name!r} is missing in "
            f"{plural(int(missing.sum()), 'row')} ({rows}); every row needs its "
            "design value: fill them in (never guessed or dropped here)."
        )


def _numeric_design_column(frame, name, key, where):
    """The column as floats; text, missing and non-finite values refused."""
    values = frame[name]
    if values.dtype.kind not in "iufb":
        raise SpecError(
            f"{where}: {key} column {name!r} is not numeric (dtype "
            f"{values.dtype}, e.g. {format_value(values.iloc[0])}); it must hold "
            "numbers: fix the column or name another."
        )
    _no_missing(frame, name, key, where)
    values = values.to_numpy(dtype=np.float64)
    bad = ~np.isfinite(values)
    if bad.any():
        rows = format_rows(frame.index[bad], name=frame.index.name)
        raise SpecError(
            f"{where}: {key} column {name!r} is infinite in "
            f"{plural(int(bad.sum()), 'row')} ({rows}); fix those values."
        )
    return values


def _check_design_weights(frame, name, kind, where):
    values = _numeric_design_column(frame, name, "weight", where)
    for bad, what in (
        (values < 0, "negative"),
        (
            (values != np.round(values)) if kind == "frequency" else None,
            "not a whole number",
        ),
    ):
        if bad is None or not bad.any():
            continue
        rows = format_rows(frame.index[bad], name=frame.index.name)
        fix = (
            "weights must be >= 0 (0 leaves a row out): fix those rows"
            if what == "negative"
            else "frequency weights count identical rows: if these are "
            'expansion factors of a sample design, write weights = "probability"'
        )
        raise SpecError(
            f"{where}: weight column {name!r} is {what} in "
            f"{plural(int(bad.sum()), 'row')} ({rows}; e.g. "
            f"{format_value(values[bad][0])}); {fix}."
        )
    if not (values > 0).any():
        raise SpecError(
            f"{where}: weight column {name!r} is 0 in every row; no row would "
            "count: name the column of the weights."
        )


def _design_units(frame, design):
    """Each row's stratum and PSU: one stratum without strata, rows without cluster."""
    strata = frame[design["strata"]].to_numpy() if design["strata"] else None
    psu = frame[design["cluster"]].to_numpy() if design["cluster"] else None
    return (
        np.zeros(len(frame), dtype=int) if strata is None else strata,
        np.arange(len(frame)) if psu is None else psu,
    )


def _check_design_psus(frame, design, where):
    """Each PSU in one stratum, two PSUs or more in each stratum."""
    strata, psu = _design_units(frame, design)
    pairs = pd.DataFrame({"stratum": strata, "psu": psu}).drop_duplicates()
    if design["cluster"] is not None and design["strata"] is not None:
        spread = pairs.groupby("psu", sort=True)["stratum"].nunique()
        if (spread > 1).any():
            label = spread.index[spread > 1][0]
            found = pairs.loc[pairs["psu"] == label, "stratum"]
            # each stratum with the rows (file lines from the CLI) that put
            # the PSU there, so the user can find the stray rows
            shown = ", ".join(
                f"{format_value(v)} ("
                + format_rows(
                    frame.index[(psu == label) & (strata == v)],
                    name=frame.index.name,
                )
                + ")"
                for v in found.iloc[:3]
            )
            raise SpecError(
                f"{where}: cluster {format_value(label)} of column "
                f"{design['cluster']!r} lies in strata {shown} of column "
                f"{design['strata']!r}; a PSU is sampled within one stratum. If "
                "PSUs are numbered within strata, make the ids unique (e.g. a "
                "column of stratum and PSU joined)."
            )
    if design["strata"] is None and design["cluster"] is None:
        return
    counts = pairs.groupby("stratum", sort=True)["psu"].size()
    lonely = counts.index[counts < 2]
    if len(lonely):
        unit = "cluster" if design["cluster"] is not None else "row"
        label = lonely[0]
        where_rows = strata == label
        rows = format_rows(frame.index[where_rows], name=frame.index.name)
        place = (
            f"stratum {format_value(label)} of column {design['strata']!r}"
            if design["strata"] is not None
            else "the survey"
        )
        if design["strata"] is not None and design.get("lonely_psu") != "fail":
            return  # the estimators count it as lonely_psu says
        fix = (
            "; merge it with a similar stratum, or choose how it counts with "
            'lonely_psu = "adjust" (centred at the grand mean, as R\'s '
            'options(survey.lonely.psu = \'adjust\')), "remove" or "certainty"'
            if design["strata"] is not None
            else "; merge it with a similar stratum"
        )
        raise SpecError(
            f"{where}: {place} has a single {unit} ({rows}), and a stratum's "
            f"variance needs two or more{fix}"
            + (f" ({len(lonely)} strata are so)." if len(lonely) > 1 else ".")
        )


def _check_design_fpc(frame, design, where):
    """fpc: constant per stratum; counts of PSUs (>= those sampled) or fractions."""
    name = design["fpc"]
    values = _numeric_design_column(frame, name, "fpc", where)
    bad = values <= 0
    if bad.any():
        rows = format_rows(frame.index[bad], name=frame.index.name)
        raise SpecError(
            f"{where}: fpc column {name!r} is 0 or negative in "
            f"{plural(int(bad.sum()), 'row')} ({rows}); fpc is a stratum's "
            "population count of PSUs or its sampling fraction in (0, 1]."
        )
    # counts when any value of either stage is > 1 (a 1 is then a count of
    # 1), fractions when all are <= 1: R's as.fpc
    counts = _fpc_counts(frame, design)
    fractions = values < 1 if counts else np.ones(values.size, dtype=bool)
    if counts and fractions.any():
        rows = format_rows(frame.index[fractions], name=frame.index.name)
        raise SpecError(
            f"{where}: fpc column {name!r} mixes sampling fractions (< 1, "
            f"{rows}) with population counts (> 1); give one or the other for "
            "every stratum (and stage)."
        )
    strata, psu = _design_units(frame, design)
    table = pd.DataFrame({"stratum": strata, "psu": psu, "fpc": values})
    by = table.groupby("stratum", sort=True)
    spread = by["fpc"].nunique()
    place = (
        f"stratum {{}} of column {design['strata']!r}"
        if design["strata"] is not None
        else "the survey (no strata)"
    )
    if (spread > 1).any():
        label = spread.index[spread > 1][0]
        shown = ", ".join(
            format_value(v)
            for v in sorted(table.loc[strata == label, "fpc"].unique())[:4]
        )
        raise SpecError(
            f"{where}: fpc column {name!r} takes several values in "
            f"{place.format(format_value(label))} ({shown}); fpc is one number "
            "per stratum."
        )
    if not counts:
        return
    sampled = by["psu"].nunique()
    population = by["fpc"].first()
    short = population < sampled
    if short.any():
        label = short.index[short][0]
        unit = "clusters" if design["cluster"] is not None else "rows"
        raise SpecError(
            f"{where}: fpc column {name!r} gives {format_value(population[label])} "
            f"in {place.format(format_value(label))}, fewer than the "
            f"{int(sampled[label])} sampled {unit} there; fpc counts the "
            "stratum's population of PSUs (or is a sampling fraction <= 1)."
        )


def _fpc_counts(frame, design):
    """Whether ``[design]``'s fpc columns are population counts: any value of
    either stage > 1, as R's ``as.fpc`` decides (then a 1 counts 1 unit)."""
    return any(
        bool((pd.to_numeric(frame[design[key]], errors="coerce") > 1).any())
        for key in ("fpc", "fpc2")
        if design.get(key) is not None
    )


def _check_design_fpc2(frame, design, where):
    """fpc2: a two-stage design's population of rows' units per PSU.

    Needs clusters (the PSUs) and the first stage's fpc; constant within a
    PSU; a count at least the PSU's sampled rows, or a fraction.
    """
    name = design["fpc2"]
    values = _numeric_design_column(frame, name, "fpc2", where)
    bad = values <= 0
    counts = _fpc_counts(frame, design)
    fractions = values < 1 if counts else np.zeros(values.size, dtype=bool)
    if bad.any():
        rows = format_rows(frame.index[bad], name=frame.index.name)
        raise SpecError(
            f"{where}: fpc2 column {name!r} is 0 or negative ({rows}); fpc2 is "
            "each PSU's population count of units like the rows, or its "
            "second-stage sampling fraction in (0, 1]."
        )
    if fractions.any():
        rows = format_rows(frame.index[fractions], name=frame.index.name)
        first = pd.to_numeric(frame[design["fpc"]], errors="coerce")
        source = (
            f"fpc column {design['fpc']!r} holds population counts (e.g. "
            f"{format_value(first[first > 1].iloc[0])})"
            if (first > 1).any()
            else f"fpc2 column {name!r} holds population counts elsewhere"
        )
        raise SpecError(
            f"{where}: fpc2 column {name!r} has sampling fractions below 1 "
            f"({rows}) but {source}; both stages must be counts or both "
            "fractions, as R's svydesign requires: give fpc2 as each PSU's "
            "number of units like the rows, or fpc as the first stage's "
            "sampling fraction."
        )
    _, psu = _design_units(frame, design)
    table = pd.DataFrame({"psu": psu, "fpc2": values})
    by = table.groupby("psu", sort=True)
    spread = by["fpc2"].nunique()
    if (spread > 1).any():
        label = spread.index[spread > 1][0]
        raise SpecError(
            f"{where}: fpc2 column {name!r} takes several values in PSU "
            f"{format_value(label)} of column {design['cluster']!r}; fpc2 is one "
            "number per PSU (its population count of units)."
        )
    if not counts:
        return
    short = by["fpc2"].first() < by["psu"].size()
    if short.any():
        label = short.index[short][0]
        raise SpecError(
            f"{where}: fpc2 column {name!r} gives "
            f"{format_value(by['fpc2'].first()[label])} in PSU "
            f"{format_value(label)}, fewer than its {int(by['psu'].size()[label])} "
            "sampled rows; fpc2 counts the PSU's population of units like the rows "
            "(or is a sampling fraction <= 1)."
        )


def _did_you_mean(name, candidates):
    """`` (did you mean 'x'?)`` for the closest of ``candidates``, or ''.

    A name that differs only in case ("SATq", "satq" for "SATQ") is that
    column; otherwise the closest by difflib's ratio, compared without case
    (so "SATq" is nearer "SATQ" than "SATV").
    """
    names = [str(c) for c in candidates]
    folded = {}
    for candidate in names:
        folded.setdefault(candidate.casefold(), candidate)
    key = str(name).casefold()
    if key in folded:
        return f" (did you mean {folded[key]!r}?)"
    close = difflib.get_close_matches(key, list(folded), n=1)
    return f" (did you mean {folded[close[0]]!r}?)" if close else ""


def _check_file_names(spec, source):
    """Index names become parts of file names: refuse two that slugify alike.

    Checked before any analysis, so a report is never lost to a name clash
    after minutes of work.
    """
    seen = {}
    for name in spec:
        slug = slugify(name)
        if slug in seen:
            raise SpecError(
                f"{source}, [indices]: index names {seen[slug]!r} and {name!r} "
                f"both give the file name part {slug!r} (file names keep letters, "
                "digits, '_' and '-'); rename one of them."
            )
        seen[slug] = name


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
    for key in ("adjusted_intercept", "production"):
        if not isinstance(model[key], bool):
            raise SpecError(
                f"{source}: [model] {key} must be true or false; got {model[key]!r}."
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


def _check_endogeneity(table, spec, model, explanatory, frame, source):
    """``[endogeneity]``: indices to instrument, their instruments, the method."""
    where = f"{source}, [endogeneity]"
    if not isinstance(table, dict):
        raise SpecError(
            f"{where} must be a table of settings, e.g. endogenous = "
            f'["{explanatory[0]}"] and instruments = ["<a column>"].'
        )
    extra = set(table) - ENDOGENEITY_KEYS
    if extra:
        raise SpecError(
            f"{where}: unknown key(s) {sorted(extra)}; allowed: "
            f"{sorted(ENDOGENEITY_KEYS)}."
        )
    for key in ("endogenous", "instruments"):
        if key not in table:
            raise SpecError(
                f"{where}: key {key!r} is missing; write endogenous = "
                f'["{explanatory[0]}"] and instruments = ["<a column>"].'
            )
        names = table[key]
        if (
            isinstance(names, str)
            or not isinstance(names, list)
            or not names
            or not all(isinstance(n, str) for n in names)
        ):
            raise SpecError(
                f"{where}: {key} must be a non-empty list of names (text in "
                f"quotes), e.g. {key} = "
                + (f'["{explanatory[0]}"]' if key == "endogenous" else '["z1"]')
                + f"; got {names!r}."
            )
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise SpecError(
                f"{where}: {key} lists {', '.join(map(repr, repeated))} more than "
                "once; list each name once."
            )
    endogenous, instruments = list(table["endogenous"]), list(table["instruments"])
    wrong = [n for n in endogenous if n not in explanatory]
    if wrong:
        raise SpecError(
            f"{where}: endogenous names {wrong}, which are not explanatory "
            f"indices of the Cobb-Douglas ({explanatory}"
            f"{_did_you_mean(wrong[0], explanatory)}); list indices of [indices] "
            "other than the outcome."
        )
    _require_columns(instruments, frame, f"{where}: instruments")
    items = {i for group in spec.values() for i in group}
    roles = {model["outcome"]: "outcome", model["target"]: "target"}
    for name in instruments:
        if name in roles:
            raise SpecError(
                f"{where}: instruments names {name!r}, which is the model's "
                f"{roles[name]}: an instrument must be excluded from the outcome "
                "equation; remove it from instruments."
            )
        if name in items or name in spec:
            raise SpecError(
                f"{where}: instruments names {name!r}, which [indices] uses (as an "
                "index or an item): an excluded instrument must not be part of an "
                "index; remove it from one of the two."
            )
        if name in model["controls"]:
            raise SpecError(
                f"{where}: instruments names {name!r}, which is a [model] "
                "control; remove it from one of the two."
            )
        if frame[name].dtype.kind not in "iuf":
            raise SpecError(
                f"{where}: instrument {name!r} is not numeric (dtype "
                f"{frame[name].dtype}); instruments enter the first stage as "
                "numbers: recode it, or make 0/1 columns of its levels."
            )
    if len(instruments) < len(endogenous):
        raise SpecError(
            f"{where}: {len(endogenous)} endogenous index(es) but "
            f"{len(instruments)} instrument(s); IV needs at least one instrument "
            "per endogenous index (the order condition): add instruments or "
            "instrument fewer indices."
        )
    if model["controls"]:
        raise SpecError(
            f"{where} cannot be combined with [model] controls yet (the IV model "
            "logs every regressor, and controls enter in levels); remove "
            "[model] controls or the [endogeneity] table."
        )
    method = table.get("method", "2sls")
    if method not in IV_METHODS:
        raise SpecError(
            f"{where}: method must be one of {list(IV_METHODS)}; got {method!r}"
            f"{_did_you_mean(method, IV_METHODS)}."
        )
    cov_type = table.get("cov_type", model["cov_type"])
    if cov_type not in COV_TYPES:
        raise SpecError(
            f"{where}: cov_type must be one of {list(COV_TYPES)}; got {cov_type!r}."
        )
    if method != "2sls" and cov_type in ("HC2", "HC3"):
        given = "" if "cov_type" in table else " (from [model] cov_type)"
        raise SpecError(
            f"{where}: cov_type {cov_type!r}{given} is defined for 2SLS only; use "
            "'nonrobust', 'HC0' or 'HC1' with method = "
            f"{method!r}, or method = '2sls'."
        )
    return {
        "endogenous": endogenous,
        "instruments": instruments,
        "method": method,
        "cov_type": cov_type,
    }


def _require_columns(names, frame, what):
    """Refuse names that are not columns of the data, with the closest one."""
    missing = [c for c in names if c not in frame.columns]
    if missing:
        raise SpecError(
            f"{what} names {missing}, not column(s) of the "
            f"data{_did_you_mean(missing[0], frame.columns)}."
        )


def _check_controls(controls, spec, frame, source):
    """``[model] controls``: a list of data columns, none an item or the target."""
    example = 'controls = ["size", "sector", "metro_area"]'
    if isinstance(controls, str) or not isinstance(controls, list):
        raise SpecError(
            f"{source}: [model] controls must list column names, e.g. {example}; "
            f"got {controls!r}."
        )
    for name in controls:
        if not isinstance(name, str):
            raise SpecError(
                f"{source}: [model] controls holds {name!r}; list column names "
                f"(text in quotes), e.g. {example}."
            )
    repeated = sorted({c for c in controls if controls.count(c) > 1})
    if repeated:
        raise SpecError(
            f"{source}: [model] controls lists {', '.join(map(repr, repeated))} "
            "more than once; list each control once."
        )
    _require_columns(controls, frame, f"{source}: [model] controls")
    items = {i for group in spec.values() for i in group}
    clash = [c for c in controls if c in items or c in spec]
    if clash:
        raise SpecError(
            f"{source}: [model] controls names {clash}, which [indices] already "
            "uses (as an index or an item); a control enters the models beside "
            "the indices: remove it from one of the two."
        )
    return list(controls)


def control_columns(
    frame: pd.DataFrame, controls: Sequence[str], source: str = "spec"
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The ``[model] controls`` as numeric columns: text becomes 0/1 dummies.

    A numeric column is kept as it is (a boolean one as 0/1). A text (or
    categorical) column becomes one 0/1 column per level but the first in
    sorted order, named ``"metro_area[Juárez]"``; the first level is the
    reference the dummies' coefficients are read against.

    Parameters
    ----------
    frame : DataFrame
        The survey.
    controls : list of str
        Its control columns (``AnalysisSpec.model["controls"]``).
    source : str, default="spec"
        Where the spec came from, for error messages.

    Returns
    -------
    columns : DataFrame
        Float columns, on ``frame``'s index.
    reference : dict
        Each text control to its reference (dropped) level.

    Raises
    ------
    SpecError
        A control with a missing value (naming the rows: they are never
        dropped silently), a constant control or a text control with a
        single level.

    Examples
    --------
    >>> import pandas as pd
    >>> from sklearn_innov.preprocessing import control_columns
    >>> survey = pd.DataFrame({"size": [3, 10, 50], "metro": ["b", "a", "c"]})
    >>> columns, reference = control_columns(survey, ["size", "metro"])
    >>> list(columns.columns), reference
    (['size', 'metro[b]', 'metro[c]'], {'metro': 'a'})
    """
    out, reference = {}, {}
    for name in controls:
        values = frame[name]
        missing = values.isna().to_numpy()
        if missing.any():
            rows = format_rows(frame.index[missing], name=frame.index.name)
            raise SpecError(
                f"{source}: [model] control {name!r} is missing in "
                f"{plural(int(missing.sum()), 'row')} ({rows}); the models cannot use "
                "those rows. Fill the values in, or remove the control."
            )
        if values.dtype.kind == "b":
            values = values.astype(float)
        if values.dtype.kind in "iuf":
            if values.nunique() < 2:
                raise SpecError(
                    f"{source}: [model] control {name!r} is constant "
                    f"({format_value(values.iloc[0])} in every row): it is "
                    "collinear with the intercept; remove it."
                )
            out[name] = values.astype(float)
            continue
        levels = sorted(values.astype(str).unique())
        if len(levels) < 2:
            raise SpecError(
                f"{source}: [model] control {name!r} has a single value "
                f"({levels[0]!r}): no dummy can be formed; remove it."
            )
        reference[name] = levels[0]
        text = values.astype(str)
        for level in levels[1:]:
            out[f"{name}[{level}]"] = (text == level).astype(float)
    return pd.DataFrame(out, index=frame.index), reference


def index_settings(index, spec, frame=None, source="spec"):
    """The ``[index]`` table as CompositeIndex keyword arguments, bounds checked.

    ``normalize``, ``aggregate``, ``missing`` and ``out_of_range`` take
    :class:`CompositeIndex`'s options.
    ``bounds`` is one ``[low, high]`` for every item or a table of
    ``item = [low, high]``; the data must lie inside (checked here when a
    ``frame`` is given, so the message names the column and rows of the
    user's file).
    """
    settings = dict(index)
    items = list(dict.fromkeys(i for group in spec.values() for i in group))
    for key, options in (
        ("normalize", NORMALIZE_OPTIONS),
        ("aggregate", AGGREGATE_OPTIONS),
        ("missing", MISSING_OPTIONS),
        ("out_of_range", OUT_OF_RANGE_OPTIONS),
    ):
        if key in settings and settings[key] not in options:
            raise SpecError(
                f"{source}: [index] {key} must be one of {list(options)}; got "
                f"{settings[key]!r}"
                f"{_did_you_mean(settings[key], options)}."
            )
    if "reverse" in settings:
        settings["reverse"] = _reverse_list(settings["reverse"], items, source)
    if "bounds" not in settings:
        return settings
    bounds = settings["bounds"]
    example = (
        "write bounds = [1, 5] for every item, or bounds = "
        "{item_a = [1, 5], item_b = [0, 10]} per item"
    )
    if isinstance(bounds, Mapping):
        unknown = [k for k in bounds if k not in items]
        if unknown:
            raise SpecError(
                f"{source}: [index] bounds name {unknown} that no index in "
                f"[indices] lists{_did_you_mean(unknown[0], items)}; fix the "
                "names or remove them."
            )
        ranges = {
            k: _bounds_pair(v, f"bounds.{k}", source, example)
            for k, v in bounds.items()
        }
        settings["bounds"] = ranges
    else:
        pair = _bounds_pair(bounds, "bounds", source, example)
        ranges = dict.fromkeys(items, pair)
        settings["bounds"] = pair
    # "clip" and "nan" handle a value outside the bounds (the report counts
    # them); "auto" and "error" refuse it, here, in the user's words
    if frame is None or settings.get("out_of_range") in ("clip", "nan"):
        return settings
    for item, (low, high) in ranges.items():
        values = frame[item]
        if values.dtype.kind not in "iuf":
            continue  # CompositeIndex names a non-numeric column itself
        outside = ((values < low) | (values > high)).to_numpy()
        if outside.any():
            rows = format_rows(frame.index[outside], name=frame.index.name)
            data = frame.attrs.get("source")
            where = f"data file {data!r}, " if data else "the data's "
            raise SpecError(
                f"{source}: {where}column {item!r} has {int(outside.sum())} value(s) "
                f"outside its [index] bounds [{format_value(low)}, "
                f"{format_value(high)}] ({rows}; e.g. "
                f"{format_value(values[outside].iloc[0])}); fix the data, "
                "widen the bounds, or set out_of_range = 'clip' or 'nan' in "
                "[index]."
            )
    return settings


def _reverse_list(reverse, items, source):
    """``[index] reverse``: a list of item names from [indices], each once."""
    if isinstance(reverse, str) or not isinstance(reverse, list):
        raise SpecError(
            f"{source}: [index] reverse must list column names, e.g. reverse = "
            f'["{items[0]}"]; got {reverse!r}.'
        )
    for entry in reverse:
        if not isinstance(entry, str):
            raise SpecError(
                f"{source}: [index] reverse holds {entry!r}; list column names "
                "(text in quotes), not positions or numbers."
            )
        if entry not in items:
            raise SpecError(
                f"{source}: [index] reverse names {entry!r}, which no index in "
                f"[indices] lists{_did_you_mean(entry, items)}; list only items "
                "of the indices."
            )
    repeated = sorted({e for e in reverse if reverse.count(e) > 1})
    if repeated:
        raise SpecError(
            f"{source}: [index] reverse lists {', '.join(map(repr, repeated))} "
            "more than once; list each reverse-keyed item once."
        )
    return list(reverse)


def _bounds_pair(value, key, source, example):
    if (
        isinstance(value, (list, tuple))
        and len(value) == 2
        and all(isinstance(v, Real) and not isinstance(v, bool) for v in value)
        and value[0] < value[1]
    ):
        return (value[0], value[1])
    raise SpecError(
        f"{source}: [index] {key} must be [low, high] with low < high; got "
        f"{value!r}. {example[0].upper()}{example[1:]}."
    )


def drop_missing_target(frame, target, source="spec"):
    """Leave out the rows whose target is missing, and say so.

    ``sklearn-innov replicate`` and ``benchmark`` both apply this policy: a
    row without an outcome can be neither fitted nor scored, and counting it
    as a non-event would bias every score.

    Parameters
    ----------
    frame : DataFrame
        The survey.
    target : str
        The target column (``[model] target``).
    source : str, default="spec"
        Where the spec came from, for the error when no row has a target.

    Returns
    -------
    frame : DataFrame
        The rows with a target value (the same object when none is missing).
    note : str or None
        One sentence naming the column and the number of rows left out, or
        None when none was.

    Examples
    --------
    >>> import pandas as pd
    >>> from sklearn_innov.preprocessing._spec import drop_missing_target
    >>> survey = pd.DataFrame({"q1": [1, 2, 3], "innovated": [1, None, 0]})
    >>> kept, note = drop_missing_target(survey, "innovated")
    >>> len(kept)
    2
    >>> note
    "target 'innovated' is missing in 1 of 3 rows (row 1): those rows were left out."
    """
    missing = frame[target].isna().to_numpy()
    if not missing.any():
        return frame, None
    if missing.all():
        raise SpecError(
            f"{source}: [model] target {target!r} has no value in any row; name "
            "the column that holds the 0/1 answer."
        )
    # the file's line numbers when the command read it (its index is named
    # "line"), the index labels of a DataFrame passed in Python
    rows = format_rows(frame.index[missing])
    note = (
        f"target {target!r} is missing in {format_count(int(missing.sum()))} of "
        f"{format_count(len(frame))} rows ({rows}): those rows were left out."
    )
    return frame[~missing], note
