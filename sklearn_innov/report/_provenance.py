"""What made a report: versions, time, input data, spec, seed and command.

:class:`Provenance` is computed once, when the report is made
(:meth:`Provenance.collect`), and every rendering formats the same object:
the report's last section in text, Markdown, HTML and LaTeX, and
``provenance.json`` beside the written report. A reader can then tell which
data, which spec and which code produced the numbers, and rerun them.
"""

from __future__ import annotations

import hashlib
import json
import platform
import shlex
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

import numpy as np
import pandas as pd

from .._version import __version__
from ..summary import Block, Summary
from ..summary._summary import format_count

if TYPE_CHECKING:
    import os
    from collections.abc import Mapping, Sequence

    from ._analysis import Analysis

__all__ = ["Provenance", "file_digest", "spec_digest"]

#: The dependencies whose versions a report names (distribution names): those
#: that compute it, matplotlib, which draws its figures ("not installed" when
#: absent: the figures are then left out), and tqdm and narwhals, which the
#: library imports (progress; polars input).
DEPENDENCIES = (
    "numpy",
    "scipy",
    "pandas",
    "scikit-learn",
    "statsmodels",
    "matplotlib",
    "tqdm",
    "narwhals",
)
_CHUNK = 1 << 20
_REPORT_SPEC_NOTE = (
    "Spec SHA-256 is that of the validated spec as canonical JSON (every table "
    "with its defaults filled in, keys sorted, no spaces, UTF-8); "
)
# where the spec is kept in full: provenance.json exists only once the
# report is written to a folder
_KEPT = {
    True: "provenance.json, written beside the report, keeps it in full.",
    False: (
        "provenance.json keeps it in full, but only when the report is written "
        "to a folder (sklearn-innov replicate --out DIR, or Report.write(directory) "
        "in Python): this one was not."
    ),
}
# the same for a benchmark (whose spec_note is set)
_KEPT_BENCHMARK = {
    True: "provenance.json, written beside benchmark.md, keeps it in full.",
    False: (
        "provenance.json keeps it in full, but only when the benchmark is written "
        "to a folder (sklearn-innov benchmark --out DIR, or "
        "BenchmarkResult.write(directory) in Python): this one was not."
    ),
}


def file_digest(path):
    """A file's name, size in bytes and SHA-256 (hex), read in 1 MiB chunks.

    Parameters
    ----------
    path : str or path-like

    Returns
    -------
    name : str
        The file's name, without its folder.
    size : int
    sha256 : str
    """
    path = Path(path)
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return path.name, path.stat().st_size, digest.hexdigest()


def canonical_json(value):
    """JSON with sorted keys, no spaces and UTF-8 text: one text per value.

    Tuples print as lists and NumPy scalars as Python numbers, so the same
    spec gives the same text whichever way it was built.

    Parameters
    ----------
    value : object
        Dicts, lists, tuples, strings, numbers, booleans and None.

    Returns
    -------
    text : str
    """

    def plain(item):
        if isinstance(item, np.generic):
            return item.item()
        raise TypeError(f"a spec value of type {type(item).__name__} is not JSON")

    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=plain
    )


def spec_digest(spec):
    """SHA-256 of a spec's canonical JSON (see :func:`canonical_json`).

    Parameters
    ----------
    spec : mapping
        The validated spec (``AnalysisSpec._asdict()``): every table with
        its defaults filled in, so two spec files that mean the same analysis
        have the same digest.

    Returns
    -------
    sha256 : str
    """
    return hashlib.sha256(canonical_json(spec).encode("utf-8")).hexdigest()


def frame_digest(frame):
    """SHA-256 of a DataFrame's column names and pandas' row hashes.

    Not the digest of any file: a survey passed in Python has none. It
    changes when a value, a column name or the row order changes.
    """
    digest = hashlib.sha256(canonical_json([str(c) for c in frame.columns]).encode())
    digest.update(pd.util.hash_pandas_object(frame, index=True).to_numpy().tobytes())
    return digest.hexdigest()


def _version(distribution):
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "not installed"


@dataclass(frozen=True)
class Provenance:
    """What made a report: code, data, spec, seed, time and command line.

    Parameters
    ----------
    library : str
        sklearn-innov's version.
    python : str
        Python's version.
    dependencies : dict of str to str
        The version of numpy, scipy, pandas, scikit-learn, statsmodels,
        matplotlib, tqdm and narwhals ("not installed" for one absent).
    created : str
        When the report was made: UTC, ISO 8601, to the second.
    data : str
        The input in words: a file's name, or the embedded synthetic survey
        and its call, or a DataFrame passed in Python.
    data_size : int or None
        The input file's size in bytes (None without a file).
    data_sha256 : str or None
        The input file's SHA-256; for a DataFrame passed in Python, that of
        its column names and pandas' row hashes (``data`` says which); None
        for the embedded survey, which ``random_state`` reproduces.
    rows : int
        Rows the analysis used (rows with a missing target left out).
    spec_sha256 : str
        SHA-256 of the validated spec's canonical JSON (every table with its
        defaults filled in, keys sorted, no spaces, UTF-8).
    spec : str
        That canonical JSON in full.
    spec_file : str or None
        The spec file's name, size and SHA-256, when it came from a file.
    random_state : int
        Seed of the analysis's random draws.
    command : str or None
        The command line, when the report was made by ``sklearn-innov``.
    spec_note : str
        What ``spec_sha256`` is the digest of, in words; empty for a report
        (its validated spec, which the summary then says), set for a
        benchmark (what it took from the spec, with its settings). The
        summary adds where the spec is kept in full.

    See Also
    --------
    Report : formats it as the report's last section.

    Examples
    --------
    >>> from sklearn_innov.report import Provenance, analyze
    >>> provenance = Provenance.collect(analyze(random_state=0))
    >>> provenance.data
    'the embedded synthetic survey, make_sme_survey(random_state=0)'
    >>> len(provenance.spec_sha256)
    64
    """

    library: str
    python: str
    dependencies: dict = field(default_factory=dict)
    created: str = ""
    data: str = ""
    data_size: int | None = None
    data_sha256: str | None = None
    rows: int = 0
    spec_sha256: str = ""
    spec: str = ""
    spec_file: str | None = None
    random_state: int = 0
    command: str | None = None
    spec_note: str = ""

    @classmethod
    def collect(
        cls,
        analysis: Analysis,
        *,
        frame: pd.DataFrame | None = None,
        data_path: str | os.PathLike[str] | None = None,
        spec_path: str | os.PathLike[str] | None = None,
        command: Sequence[str] | str | None = None,
    ) -> Self:
        """The provenance of a report of ``analysis``, stamped now.

        Parameters
        ----------
        analysis : Analysis
            From :func:`~sklearn_innov.report.analyze`.
        frame : DataFrame, optional
            The survey as passed in (default: the analysis's rows).
        data_path : str or path-like, optional
            The file the survey was read from: its name, size and SHA-256
            are recorded.
        spec_path : str or path-like, optional
            The spec file: its name, size and SHA-256 are recorded beside the
            validated spec's digest.
        command : sequence of str or str, optional
            The command line (``["sklearn-innov", "replicate", ...]``).

        Returns
        -------
        provenance : Provenance
        """
        return cls._stamp(
            spec=analysis.spec._asdict(),
            rows=len(analysis.frame),
            random_state=analysis.random_state,
            default=analysis.default,
            frame=analysis.frame if frame is None else frame,
            data_path=data_path,
            spec_path=spec_path,
            command=command,
        )

    @classmethod
    def for_benchmark(
        cls,
        spec: Mapping[str, Any],
        frame: pd.DataFrame,
        *,
        settings: Mapping[str, Any],
        random_state: int,
        default: bool = False,
        data_path: str | os.PathLike[str] | None = None,
        spec_path: str | os.PathLike[str] | None = None,
        command: Sequence[str] | str | None = None,
    ) -> Self:
        """The provenance of a benchmark (``sklearn-innov benchmark``), stamped now.

        Parameters
        ----------
        spec : mapping
            What the benchmark took from the spec document
            (``benchmark_spec(document, frame)._asdict()``: indices, target,
            features, withheld columns, index options, labels).
        frame : DataFrame
            The rows the benchmark used.
        settings : mapping
            The run's settings (repeats, folds, reference, ...): recorded
            with the spec under ``"benchmark"``, so the digest changes when
            they do.
        random_state : int
            Seed of the folds.
        default : bool, default=False
            Whether the data are the embedded synthetic survey.
        data_path, spec_path : str or path-like, optional
            The files read, as in :meth:`collect`.
        command : sequence of str or str, optional
            The command line.

        Returns
        -------
        provenance : Provenance

        Examples
        --------
        >>> from sklearn_innov.datasets import PAPER_SPEC, make_sme_survey
        >>> from sklearn_innov.model_selection import benchmark_spec
        >>> from sklearn_innov.report import Provenance
        >>> survey = make_sme_survey(random_state=0)
        >>> document = {"indices": PAPER_SPEC, "model": {"target": "innovated"}}
        >>> provenance = Provenance.for_benchmark(
        ...     benchmark_spec(document, survey.frame)._asdict(),
        ...     survey.frame,
        ...     settings={"folds": 5},
        ...     random_state=0,
        ...     default=True,
        ... )
        >>> provenance.rows, provenance.to_dict()["spec"]["benchmark"]
        (127, {'folds': 5})
        """
        return cls._stamp(
            spec={**spec, "benchmark": dict(settings)},
            rows=len(frame),
            random_state=random_state,
            default=default,
            frame=frame,
            data_path=data_path,
            spec_path=spec_path,
            command=command,
            spec_note=(
                "Spec SHA-256 is that of what the benchmark took from the spec "
                "(indices, target, features, withheld columns, index options, "
                "labels) with its settings under 'benchmark', as canonical JSON "
                "(keys sorted, no spaces, UTF-8); "
            ),
        )

    @classmethod
    def _stamp(
        cls,
        *,
        spec,
        rows,
        random_state,
        default,
        frame,
        data_path,
        spec_path,
        command,
        spec_note=None,
    ):
        spec = canonical_json(spec)
        if data_path is not None:
            name, size, sha = file_digest(data_path)
            data = f"the file {name}"
        elif default:
            data = (
                "the embedded synthetic survey, "
                f"make_sme_survey(random_state={random_state})"
            )
            size = sha = None
        else:
            data = (
                f"a DataFrame passed in Python ({format_count(frame.shape[0])} rows "
                f"x {format_count(frame.shape[1])} columns)"
            )
            size, sha = None, frame_digest(frame)
        spec_file = None
        if spec_path is not None:
            name, size_, sha_ = file_digest(spec_path)
            spec_file = f"{name}, {size_:,} bytes, SHA-256 {sha_}"
        if command is not None and not isinstance(command, str):
            command = shlex.join(str(part) for part in command)
        return cls(
            library=__version__,
            python=platform.python_version(),
            dependencies={name: _version(name) for name in DEPENDENCIES},
            created=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            data=data,
            data_size=size,
            data_sha256=sha,
            rows=rows,
            spec_sha256=hashlib.sha256(spec.encode("utf-8")).hexdigest(),
            spec=spec,
            spec_file=spec_file,
            random_state=random_state,
            command=command,
            **({} if spec_note is None else {"spec_note": spec_note}),
        )

    def table(self) -> pd.DataFrame:
        """The provenance as a two-column table (the report's last section).

        Returns
        -------
        table : DataFrame
            Indexed by ``field``, one column ``value`` of text; the spec
            appears as its digest (in full in :meth:`to_dict`).
        """
        rows = {
            "sklearn-innov": self.library,
            "Python": self.python,
            **self.dependencies,
            "Created (UTC)": self.created,
            "Data": self.data,
        }
        if self.data_size is not None:
            rows["Data size"] = f"{self.data_size:,} bytes"
        if self.data_sha256 is not None:
            # a DataFrame has no file: its digest is of its content
            what = "Data SHA-256" if self.data_size is not None else "Content SHA-256"
            rows[what] = self.data_sha256
        rows["Rows analysed"] = format_count(self.rows)
        rows["Spec SHA-256"] = self.spec_sha256
        if self.spec_file is not None:
            rows["Spec file"] = self.spec_file
        rows["Random state"] = str(self.random_state)
        if self.command is not None:
            rows["Command"] = self.command
        table = pd.DataFrame({"value": list(rows.values())}, index=list(rows))
        table.index.name = "field"
        return table

    def summary(self, *, written: bool = True) -> Summary:
        """The report's provenance section.

        Parameters
        ----------
        written : bool, default=True
            Whether the report is written to a folder, with provenance.json
            beside it; False (a report printed or rendered only) says how to
            get that file.

        Returns
        -------
        summary : Summary
            One table of the provenance's fields.
        """
        return Summary(
            "Provenance",
            [
                Block("What made this report", self.table(), name="provenance"),
                Block(
                    "Digests",
                    [
                        self.spec_note + _KEPT_BENCHMARK[written]
                        if self.spec_note
                        else _REPORT_SPEC_NOTE + _KEPT[written]
                    ]
                    + (
                        [
                            "Content SHA-256: of the DataFrame's column names and "
                            "pandas' row hashes (pandas.util.hash_pandas_object), "
                            "not of a file."
                        ]
                        if self.data_sha256 is not None and self.data_size is None
                        else []
                    ),
                ),
            ],
        )

    def to_dict(self) -> dict[str, Any]:
        """Every field, the spec parsed back from its canonical JSON.

        Returns
        -------
        fields : dict
            JSON-ready values by field name, as written to ``provenance.json``.
        """
        fields = asdict(self)
        fields["spec"] = json.loads(self.spec) if self.spec else None
        return fields
