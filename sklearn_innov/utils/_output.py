"""File names and spreadsheet cells built from names a user chose.

Index names, column names and labels come from the user's spec and survey
file, which may have been received from someone else. Before they become
parts of file names they are slugified (so ``../../evil`` cannot leave the
output folder), and before they are written into a CSV table a cell that a
spreadsheet would evaluate as a formula is neutralised, as the OWASP page on
CSV injection recommends: a text cell that starts with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return gets a leading single quote (numbers,
negative ones included, stay numbers), and every text cell is quoted, so
a line break inside one cannot split a row.
"""

import csv
import hashlib
import re
import unicodedata
from pathlib import Path

import numpy as np

__all__ = [
    "FORMULA_STARTS",
    "check_inside",
    "slugify",
    "spreadsheet_safe",
    "write_csv",
]

# OWASP, "CSV Injection": the characters that make a spreadsheet read a cell
# as a formula (or, for tab and carriage return, hide one)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


def slugify(name):
    """A file-name part made of ASCII letters, digits, ``_`` and ``-`` only.

    Accents are dropped (``Innovación`` -> ``Innovacion``), every other run
    of characters becomes one ``_``, and leading or trailing ``_``/``-`` are
    removed, so no path separator, ``..`` or drive letter survives. A name
    with nothing left (``"../"``, ``"日本"``) becomes ``name_`` and the first
    8 hex digits of its SHA-1, stable from run to run.

    Parameters
    ----------
    name : str

    Returns
    -------
    slug : str

    Examples
    --------
    >>> from sklearn_innov.utils._output import slugify
    >>> slugify("../../evil"), slugify("ln X1"), slugify("Innovación")
    ('evil', 'ln_X1', 'Innovacion')
    """
    text = unicodedata.normalize("NFKD", str(name))
    text = text.encode("ascii", "ignore").decode("ascii")
    slug = re.sub("_+", "_", _UNSAFE.sub("_", text)).strip("_-")
    if not slug:
        digest = hashlib.sha1(str(name).encode("utf-8")).hexdigest()[:8]
        slug = f"name_{digest}"
    return slug


def check_inside(path, directory):
    """Return ``path`` if it resolves inside ``directory``, else raise ValueError.

    A last guard behind :func:`slugify`: a symbolic link or a name built
    elsewhere cannot make a writer leave the output folder.
    """
    path = Path(path)
    if not path.resolve().is_relative_to(Path(directory).resolve()):
        raise ValueError(
            f"refusing to write {str(path)!r}: it is outside the output folder "
            f"{str(directory)!r}; name the index or column with letters, digits "
            "and '_' only."
        )
    return path


def _safe_text(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def spreadsheet_safe(table):
    """A copy of ``table`` whose text cells cannot run as spreadsheet formulas.

    Text cells (in text columns, the row labels and the column names) that
    start with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return get a
    leading single quote, which spreadsheets show as text (OWASP's
    recommendation against CSV injection). Numeric columns are left alone, so
    ``-0.5`` stays a number.

    Parameters
    ----------
    table : DataFrame

    Returns
    -------
    safe : DataFrame

    Examples
    --------
    >>> import pandas as pd
    >>> from sklearn_innov.utils._output import spreadsheet_safe
    >>> table = pd.DataFrame({"coef": [-0.5]}, index=['=HYPERLINK("x")'])
    >>> safe = spreadsheet_safe(table)
    >>> safe.index[0], float(safe["coef"].iloc[0])
    ('\\'=HYPERLINK("x")', -0.5)
    """
    safe = table.copy()
    for position in range(safe.shape[1]):
        column = safe.iloc[:, position]
        if column.dtype.kind in "biufcmM":
            continue
        # cell by cell, keeping the column's objects: a column of counts with
        # one empty cell (a classification table's overall row) keeps its
        # integers, where map() would infer floats and write 247 as 247.0
        cells = column.astype(object)
        cells[:] = [_safe_text(value) for value in cells]
        safe.isetitem(position, cells)
    safe.columns = _safe_labels(safe.columns)
    safe.index = _safe_labels(safe.index)
    return safe


def write_csv(table, path):
    """Write ``table`` to ``path`` as CSV that a spreadsheet opens safely.

    Text cells pass through :func:`spreadsheet_safe` and are quoted (OWASP:
    prefix a formula with a single quote, wrap cells in double quotes);
    numbers are written unquoted, as numbers.

    Parameters
    ----------
    table : DataFrame
    path : str or path-like
    """
    spreadsheet_safe(table).to_csv(path, quoting=csv.QUOTE_NONNUMERIC)


def _safe_labels(labels):
    if labels.dtype.kind in "biufcmM":
        return labels
    if labels.nlevels > 1:
        return labels.set_levels([_safe_labels(level) for level in labels.levels])
    return labels.map(_safe_text) if np.size(labels) else labels
