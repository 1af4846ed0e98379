"""The ``sklearn-innov`` command: ``replicate``, ``benchmark`` and ``--version``.

Errors a user can fix (a bad spec, a missing column, an unreadable file, a bad
option) end with one line on stderr naming the option or file, and exit code
2, never a traceback. Notes on what was done to the data (a sniffed CSV
dialect, rows left out), progress and timings go to stderr too, so stdout
holds only the report.

The library logs (the ``sklearn_innov`` logger) and never decides what is
shown; this module does, with one handler on stderr for the run: by default
INFO (a progress bar on a terminal, plain progress lines otherwise, notes),
``--quiet`` warnings only (no progress), ``--verbose`` DEBUG too (each
stage's time).

A CSV is read as users have it: the delimiter (``,`` ``;`` tab ``|``) and the
decimal mark are sniffed from the file's first lines (Excel's export in
Spanish and most European locales is ``;`` with decimal commas), a thousands
separator from the whole file (``1.234,5``), the text is decoded as UTF-8
(with or without a byte-order mark), falling back to Windows-1252 with a
note; ``--sep``, ``--decimal``, ``--thousands`` and ``--encoding`` override
each guess. A header that names a column twice is an error (pandas would
rename the second one silently), and every message about rows names the
file's line numbers (the header is line 1; in an Excel file, the sheet's
row numbers).
"""

import argparse
import contextlib
import csv
import difflib
import functools
import io
import logging
import multiprocessing
import os
import re
import signal
import sys
import threading
import warnings
from pathlib import Path

from ._version import __version__
from .utils._progress import progress

__all__ = ["main"]

DELIMITERS = (",", ";", "\t", "|")
SNIFF_LINES = 50
SEPARATOR_WORDS = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";"}
THOUSANDS_WORDS = {"none": None, "space": " ", "dot": ".", "comma": ",", "'": "'"}
# the default models' labels (model_selection.benchmark_models), for --help:
# listed here, not imported, so that --help and --version start fast
BENCHMARK_LABELS = (
    "StepwiseLogit",
    "LogisticRegression",
    "LogisticRegression[l1, raw items]",
    "RandomForestClassifier",
    "HistGradientBoostingClassifier",
    "SVC",
    "KNeighborsClassifier",
    "GaussianNB",
    "DummyClassifier",
    "GridSearchCV(StepwiseLogit)",
)
# each command's --help says what IT writes (one shared text described both)
REPLICATE_OUT = (
    "also write files into DIR (created if missing): report.md, report.html "
    "and report.tex, every table as CSV, the figures as PNG and provenance.json"
)
BENCHMARK_OUT = (
    "also write files into DIR (created if missing): benchmark.md, the fold "
    "scores and tables as CSV, a box plot PNG and provenance.json"
)
UNWRITTEN = "run again with --out DIR to write them as PNG files (and report.html)"
logger = logging.getLogger("sklearn_innov.cli")


class _CommandError(ValueError):
    """A user's mistake, reported as one line and exit code 2."""


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors (the usage is a ``--help`` away)."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _note(args, message, level=logging.INFO):
    """A note on what was done to the data; WARNING when rows were left out
    (shown under --quiet too: no data is dropped silently)."""
    logger.log(level, "note: %s", message)


class _Formatter(logging.Formatter):
    """``sklearn-innov COMMAND: message`` on every line.

    A progress line names what runs: ``sklearn-innov replicate`` (the
    command's own count), or the library's ``benchmark`` (run_benchmark's
    fits), which gets the program's name in front.
    """

    def __init__(self, command):
        super().__init__()
        self.prefix = f"sklearn-innov {command}: "

    def format(self, record):
        text = super().format(record)
        if record.name != "sklearn_innov.progress":
            return self.prefix + text
        return text if text.startswith("sklearn-innov ") else f"sklearn-innov {text}"


@contextlib.contextmanager
def _logging(args):
    """The run's one handler, on stderr, at the level --quiet/--verbose chose.

    Python warnings go through it too, one line each (``warning: message
    (Category)``, each text once) instead of Python's lines naming a file
    of the library; on a terminal they then print above the progress bar,
    not through it. Removed afterwards, the logger's level and
    ``warnings.showwarning`` restored: ``main`` can be called more than once
    in a process (tests, notebooks) without doubling lines.
    """
    import warnings

    library = logging.getLogger("sklearn_innov")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_Formatter(args.command))
    old_level, old_show = library.level, warnings.showwarning
    library.setLevel(
        logging.WARNING
        if args.quiet
        else logging.DEBUG
        if args.verbose
        else logging.INFO
    )

    shown = set()

    def show(message, category, filename, lineno, file=None, line=None):
        # the same warning from every fold of a benchmark: said once
        if (category, str(message)) not in shown:
            shown.add((category, str(message)))
            logger.warning("warning: %s (%s)", message, category.__name__)

    library.addHandler(handler)
    warnings.showwarning = show
    try:
        yield
    finally:
        warnings.showwarning = old_show
        library.removeHandler(handler)
        library.setLevel(old_level)


def _progress(args, total):
    """The command's progress over ``total`` counted stages (none with --quiet)."""
    return progress(
        total, f"sklearn-innov {args.command}", unit="stage", enabled=not args.quiet
    )


# -- reading the data ---------------------------------------------------------


def _read_table(args, expected=()):
    """The survey named by --data; ``expected``: the columns the spec names."""
    import pandas as pd

    path = Path(args.data)
    if path.is_dir():
        raise _CommandError(
            f"--data {str(path)!r} is a directory; give the survey file "
            "(CSV, Parquet or Excel)."
        )
    if not path.is_file():
        raise _CommandError(f"data file {str(path)!r} does not exist.")
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv", ".txt"):
        return _read_csv(path, args, expected)
    for option in ("sep", "decimal", "thousands", "encoding"):
        if getattr(args, option) is not None:
            raise _CommandError(
                f"--{option} applies to CSV files; {str(path)!r} is {suffix}."
            )
    readers = {
        ".parquet": (pd.read_parquet, "pyarrow"),
        ".pq": (pd.read_parquet, "pyarrow"),
        ".xlsx": (pd.read_excel, "openpyxl"),
        ".xls": (pd.read_excel, "xlrd"),
    }
    if suffix in readers:
        reader, package = readers[suffix]
        try:
            frame = reader(path)
        except ImportError:
            raise _CommandError(
                f"reading {suffix} files needs the {package!r} package: "
                f"pip install 'sklearn-innov[io]' (or pip install {package}), "
                "or export the survey as CSV."
            ) from None
        if suffix != ".parquet" and suffix != ".pq":
            # a sheet's rows by their row numbers in the spreadsheet
            frame.index = pd.RangeIndex(2, len(frame) + 2, name="sheet row")
        return _check_rows(frame, path)
    raise _CommandError(
        f"data file {str(path)!r} must be .csv, .parquet or .xlsx, not {suffix!r}."
    )


def _read_csv(path, args, expected=()):
    import pandas as pd

    text, encoding = _decode(path, args.encoding)
    if not text.strip():
        raise _CommandError(f"data file {str(path)!r} is empty.")
    lines = text.splitlines()[: SNIFF_LINES + 1]
    if len(lines) > SNIFF_LINES:
        lines = lines[:-1]  # the last line read may be cut short
    sep = _separator(args.sep) if args.sep is not None else _sniff_separator(lines)
    decimal = args.decimal if args.decimal is not None else _sniff_decimal(lines, sep)
    if args.thousands is not None:
        thousands = THOUSANDS_WORDS.get(args.thousands.lower(), args.thousands)
    else:
        thousands = _sniff_thousands(text, sep, decimal)
    marks = {"--sep": sep, "--decimal": decimal, "--thousands": thousands}
    for one, other in (("--sep", "--decimal"), ("--sep", "--thousands")) + (
        ("--decimal", "--thousands"),
    ):
        if marks[one] is not None and marks[one] == marks[other]:
            raise _CommandError(
                f"{one} and {other} are both {marks[one]!r}; a CSV needs "
                "different marks."
            )
    guessed = [
        label
        for label, value, default, given in (
            ("delimiter", sep, ",", args.sep),
            ("decimal mark", decimal, ".", args.decimal),
            ("thousands separator", thousands, None, args.thousands),
            ("encoding", encoding, "utf-8", args.encoding),
        )
        if given is None and value != default
    ]
    if guessed:
        grouping = "" if thousands is None else f"thousands separator {thousands!r}, "
        _note(
            args,
            f"read {path.name} with delimiter {sep!r}, decimal mark {decimal!r}, "
            f"{grouping}encoding {encoding} (sniffed {', '.join(guessed)}; "
            "override with --sep, --decimal, --thousands, --encoding).",
        )
    records = csv.reader(io.StringIO(text), delimiter=sep)
    _check_header(next(records, []), path, expected)
    starts, line = [], 1
    for row in records:
        if row:
            starts.append(line + 1)
        line = records.line_num
    try:
        frame = pd.read_csv(
            io.StringIO(text), sep=sep, decimal=decimal, thousands=thousands
        )
    except pd.errors.ParserError as exc:
        detail = (
            str(exc).strip().splitlines()[-1].removeprefix("Error tokenizing data. ")
        )
        raise _CommandError(
            f"data file {str(path)!r} could not be split with delimiter {sep!r} "
            f"({detail}); check --sep and the file's quoting."
        ) from None
    if frame.shape[1] == 1:
        header = str(frame.columns[0])
        other = next((d for d in DELIMITERS if d != sep and d in header), None)
        if other is not None:
            raise _CommandError(
                f"data file {str(path)!r} was read as one column ({header[:40]!r}) "
                f"with delimiter {sep!r}; pass --sep {other!r} if that is its "
                "delimiter."
            )
    if len(starts) == len(frame):
        frame.index = pd.Index(starts, name="line")
    # how numbers were written, for the messages about cells that are not
    frame.attrs["number_marks"] = {"decimal": decimal, "thousands": thousands}
    return _check_rows(frame, path)


def _check_header(names, path, expected):
    """Refuse a header that names a column twice (pandas renames it 'x.1')."""
    seen = {}
    for number, name in enumerate(names, start=1):
        if not name.strip():
            continue
        if name in seen:
            lacking = [c for c in expected if c not in names]
            # the spec's one missing column, or the closest of several
            close = lacking if len(lacking) == 1 else []
            close = difflib.get_close_matches(name, lacking, n=1) or close
            hint = (
                f" and lacks the spec's column {close[0]!r}: one of them is "
                f"probably {close[0]!r}"
                if close
                else ""
            )
            raise _CommandError(
                f"data file {str(path)!r} names column {name!r} twice in its "
                f"header (line 1, columns {seen[name]} and {number}){hint}; "
                "rename one of them so that every column name is unique."
            )
        seen[name] = number


def _decode(path, encoding):
    """The file's text and the encoding that read it."""
    data = path.read_bytes()
    if encoding is not None:
        try:
            return data.decode(encoding), encoding
        except LookupError:
            raise _CommandError(
                f"--encoding {encoding!r} is not an encoding Python knows; "
                "try utf-8, cp1252 or latin-1."
            ) from None
        except UnicodeDecodeError as exc:
            raise _CommandError(
                f"data file {str(path)!r} is not valid {encoding} (byte "
                f"0x{data[exc.start]:02x} on line {data[: exc.start].count(10) + 1}); "
                "pass the file's encoding with --encoding, e.g. cp1252 or latin-1."
            ) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        # a byte-order mark (Excel's "CSV UTF-8") is not part of the first name
        return text.removeprefix("\ufeff"), "utf-8"
    # Excel's plain "CSV" export on Windows in Western European locales;
    # latin-1 decodes any byte, for the five that cp1252 leaves undefined
    for fallback in ("cp1252", "latin-1"):
        try:
            return data.decode(fallback), fallback
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes every byte")  # pragma: no cover


def _separator(value):
    sep = SEPARATOR_WORDS.get(value.lower(), value)
    if len(sep) != 1:
        raise _CommandError(f"--sep must be one character (or 'tab'); got {value!r}.")
    return sep


def _sniff_separator(lines):
    """The delimiter that splits the first lines into the most equal rows."""
    best, best_key = ",", None
    for sep in DELIMITERS:
        counts = [len(row) for row in csv.reader(lines, delimiter=sep) if row]
        if not counts or counts[0] < 2:
            continue
        agreement = sum(count == counts[0] for count in counts) / len(counts)
        key = (agreement, counts[0])
        if best_key is None or key > best_key:
            best, best_key = sep, key
    return best


_DECIMAL_COMMA = re.compile(r"^\s*[-+]?\d+,\d+\s*$")
_DECIMAL_POINT = re.compile(r"^\s*[-+]?\d*\.\d+\s*$")
# digits in groups of three: 1.234 or 1.234.567,5 (and 1,234 or 1,234.5)
_GROUPED = {
    ".": r"[-+]?\d{1,3}(?:\.\d{3})+(?:,\d+)?",
    ",": r"[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?",
}


def _sniff_decimal(lines, sep):
    """',' when the fields after the header hold more decimal commas than points.

    A field grouped by dots (``1.234``) is not counted as a decimal point; a
    ``;`` file whose only marks are such groups uses decimal commas.
    """
    if sep == ",":
        return "."
    commas = points = groups = 0
    grouped = re.compile(rf"^\s*{_GROUPED['.']}\s*$")
    for row in list(csv.reader(lines, delimiter=sep))[1:]:
        for field in row:
            if grouped.match(field):
                groups += 1
                commas += "," in field
            else:
                commas += bool(_DECIMAL_COMMA.match(field))
                points += bool(_DECIMAL_POINT.match(field))
    if commas == points == 0 and groups and sep == ";":
        return ","
    return "," if commas > points else "."


def _sniff_thousands(text, sep, decimal):
    """The thousands separator, if some field of the whole file uses one.

    Only the mark that is not the decimal mark is looked for ('.' with
    decimal commas, ',' with decimal points), and only when no field uses
    that mark otherwise (``1.5`` beside ``1.234`` leaves both as they are:
    the column is then reported as not numeric, with its values).
    """
    mark = "." if decimal == "," else ","
    if mark == sep:
        return None
    cell = rf"(?:^|(?<={re.escape(sep)}))\s*\"?{{}}\"?\s*(?=$|{re.escape(sep)})"
    grouped = re.compile(cell.format(_GROUPED[mark]), re.MULTILINE)
    if not grouped.search(text):
        return None
    other = rf"[-+]?\d*{re.escape(mark)}\d+(?:{re.escape(decimal)}\d+)?"
    for match in re.finditer(cell.format(other), text, re.MULTILINE):
        if not re.fullmatch(rf"\s*\"?{_GROUPED[mark]}\"?\s*", match.group()):
            return None
    return mark


def _check_rows(frame, path):
    # messages about values name the file they are in, not only the spec
    # (any format); the benchmark's description names it too
    frame.attrs["source"] = str(path)
    if frame.empty:
        raise _CommandError(
            f"data file {str(path)!r} has no rows"
            + (
                f" (only the column names {list(frame.columns)[:5]})."
                if len(frame.columns)
                else "."
            )
        )
    return frame


def _load(args, *, drop_target=True):
    """The survey and spec document named by --data and --spec (None, None: default).

    ``drop_target=False`` keeps the rows without a target: ``replicate``'s
    analysis leaves them out itself and says so in the report (the note on
    stderr is printed either way).
    """
    from .preprocessing import read_spec_document
    from .preprocessing._spec import drop_missing_target, validate_document

    if args.data is None:
        if args.spec is not None:
            raise _CommandError(
                "--spec needs --data (the default survey uses the paper's spec)."
            )
        return None, None
    if args.spec is None:
        raise _CommandError(
            "--data needs --spec, a TOML or JSON file with an [indices] table."
        )
    document = read_spec_document(args.spec)
    source = f"spec file {args.spec!r}"
    frame = _read_table(args, expected=_spec_columns(document))
    analysis = validate_document(document, frame, source=source)
    columns = [c for items in analysis.spec.values() for c in items]
    if analysis.outcome not in analysis.spec:
        columns.append(analysis.outcome)
    _check_numeric(frame, columns, args)
    kept, note = drop_missing_target(frame, analysis.target, source=source)
    if note:
        _note(args, note, logging.WARNING)
    return (kept if drop_target else frame), document


def _spec_columns(document):
    """Column names the spec names: items, outcome, target, controls, instruments."""
    names = [item for items in document["indices"].values() for item in items]
    model = document.get("model", {})
    if isinstance(model, dict):
        names += [model.get(key) for key in ("outcome", "target")]
        controls = model.get("controls")
        if isinstance(controls, list):
            names += controls
    endogeneity = document.get("endogeneity", {})
    if isinstance(endogeneity, dict) and isinstance(
        endogeneity.get("instruments"), list
    ):
        names += endogeneity["instruments"]
    return [
        name
        for name in dict.fromkeys(names)
        if isinstance(name, str) and name not in document["indices"]
    ]


def _check_numeric(frame, columns, args):
    """Name the first of ``columns`` holding text: its lines, values and the fix.

    Both commands run it on the columns they use, before any fit: replicate
    on the items and the outcome, benchmark on the items it gives the models.
    """
    from pandas.api.types import is_bool_dtype, is_numeric_dtype

    from .utils._validation import non_numeric_cells, text_cells

    marks = frame.attrs.get("number_marks", {})
    for column in dict.fromkeys(columns):
        values = frame[column]
        if is_numeric_dtype(values.dtype) or is_bool_dtype(values.dtype):
            continue
        sample = str(values[non_numeric_cells(values, **marks)].iloc[0]).strip()
        if re.fullmatch(_GROUPED["."], sample) or re.fullmatch(_GROUPED[","], sample):
            fix = (
                "it looks like a number with a thousands separator: pass "
                f"--thousands {_mark_after_digits(sample)!r}"
            )
        elif re.fullmatch(r"[-+]?\d*[.,]\d+", sample):
            fix = "it looks like a number with the other decimal mark: check --decimal"
        else:
            fix = (
                "encode every answer as a number, leave a missing answer empty, "
                "or remove the column from the spec"
            )
        raise _CommandError(
            f"data file {args.data!r}: column {column!r} is not numeric "
            f"({text_cells(values, **marks)}); {fix}."
        )


def _mark_after_digits(sample):
    """The first character of ``sample`` that is neither a digit nor a sign."""
    return next(ch for ch in sample if not (ch.isdigit() or ch in "+-"))


def _check_out(args):
    """Refuse an --out that is a file before any work is done."""
    if args.out is None:
        return
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise _CommandError(
            f"--out {args.out!r} is a file; give a directory (created if missing)."
        )


def _prepare_out(args):
    """Create --out before the analysis: a folder that cannot be written fails
    in a second, not after the whole analysis (file names inside it are
    slugified from the spec's names, so they cannot leave it)."""
    if args.out is None:
        return
    out = Path(args.out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _CommandError(
            f"--out {args.out!r}: cannot create the folder "
            f"({exc.strerror or type(exc).__name__}); give a folder you can "
            "write to."
        ) from None
    if not os.access(out, os.W_OK | os.X_OK):
        raise _CommandError(
            f"--out {args.out!r} is not writable; give a folder you can write to."
        )


def _write(args, write):
    """Write into a hidden folder inside --out, then move every file into
    place: an interruption or a failure leaves no half-written set of files
    looking complete (the hidden folder is removed)."""
    import shutil
    import tempfile

    try:
        os.makedirs(args.out, exist_ok=True)
        staging = tempfile.mkdtemp(prefix=".sklearn-innov-partial-", dir=args.out)
    except OSError as exc:
        raise _CommandError(
            f"--out {args.out!r}: cannot create the folder "
            f"({exc.strerror or type(exc).__name__}); give a folder you can "
            "write to."
        ) from None
    try:
        paths = write(staging)
        for path in paths:
            relative = os.path.relpath(path, staging)
            target = os.path.join(args.out, relative)
            os.makedirs(os.path.dirname(target) or args.out, exist_ok=True)
            os.replace(path, target)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        where = exc.filename or args.out
        raise _CommandError(
            f"--out {args.out!r}: cannot write {where}: {reason}."
        ) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return len(paths)


def _wrote(args, count):
    """The closing line of a run that wrote files, after its progress lines."""
    logger.info("wrote %d files to %s", count, args.out)


# -- the commands ---------------------------------------------------------------


def _replicate(args):
    from .report import replicate
    from .report._replicate import REPLICATE_STAGES
    from .report._report import WRITE_STAGES

    _check_out(args)
    # every stage counted: reading --data, the analysis's, each file --out
    # gets, the rendering for stdout (printed once the bar is gone)
    total = (
        (args.data is not None)
        + len(REPLICATE_STAGES)
        + (len(WRITE_STAGES) if args.out is not None else 0)
        + 1
    )
    report = None
    written = None
    try:
        with _progress(args, total) as bar:

            def done(stage):
                bar.update(label=stage)

            frame, document = _load(args, drop_target=False)
            if args.data is not None:
                done(f"read {Path(args.data).name}")
            _prepare_out(args)
            report, _ = replicate(
                frame,
                document,
                random_state=args.random_state,
                data_path=args.data,
                spec_path=args.spec,
                command=["sklearn-innov", *args.argv],
                on_stage=done,
            )
            if args.out is not None:
                written = _write(
                    args, lambda staging: report.write(staging, on_stage=done)
                )
            text = report.render(args.format, figure_dir=args.out, unwritten=UNWRITTEN)
            done(f"{args.format} for stdout")
        if written is not None:
            # after the progress's last line (the stdout rendering's stage)
            _wrote(args, written)
        # after the bar: on a terminal the report starts on a clean screen
        print(text, end="")
    finally:
        if report is not None:
            report.close()
    return 0


def _benchmark(args):
    from .model_selection import benchmark_from_spec, benchmark_spec
    from .preprocessing import read_spec_document
    from .preprocessing._spec import drop_missing_target
    from .report._report import LATEX_PREAMBLE
    from .summary import html_page

    _check_out(args)
    if args.data is None or args.spec is None:
        # the default survey, or _load's message for a lone --data or --spec
        frame, document = _load(args)
    else:
        # not _load: it checks the [model] outcome that replicate fits; the
        # benchmark needs only the target, and withholds the outcome's items
        document = read_spec_document(args.spec)
        frame = _read_table(args, expected=_spec_columns(document))
        spec = benchmark_spec(document, frame, source=f"spec file {args.spec!r}")
        # as replicate: a text answer is named with the file, before any fit,
        # in the items of every index (the outcome's too: the benchmark leaves
        # out the rows where it is NaN); not in an outcome column, unused here
        items = [c for group in document["indices"].values() for c in group]
        _check_numeric(frame, items, args)
        frame, note = drop_missing_target(frame, spec.target)
        if note:
            _note(args, note, logging.WARNING)
    # as replicate: a folder that cannot be written fails before the fits
    _prepare_out(args)
    with _cluster(args.scheduler), _workers_leave_ctrl_c_to_us(args.scheduler):
        result = benchmark_from_spec(
            frame,
            document,
            repeats=args.repeats,
            folds=args.folds,
            # under joblib's dask backend, -1 means every worker's threads
            n_jobs=-1 if args.scheduler else args.n_jobs,
            random_state=args.random_state,
            progress=not args.quiet,
            reference=args.reference,
        )
    # the rows the benchmark used (it leaves out those with a NaN index), of
    # the survey it read or, by default, drew: not drawn a second time
    result.provenance = _benchmark_provenance(args, result._data, document, result)
    summary = result.summary(written=args.out is not None)
    if args.out is not None:
        _wrote(args, _write(args, result.write))
    text = summary.render(args.format)
    if args.format == "html":
        text = html_page(summary.title, text)
    elif args.format == "latex":
        # a complete document, as replicate prints: pdflatex compiles it
        text = LATEX_PREAMBLE + text + "\\end{document}\n"
    print(text)
    if result.reference in result._failed_everywhere():
        # the others' scores are printed, but nothing is compared: not a
        # result to read as one (every model failing raises before this)
        reason = result._failures.get(result.reference)
        sys.stdout.flush()
        print(
            f"sklearn-innov benchmark: error: the reference {result.reference!r} "
            "failed to fit in every fold"
            + (f" ({reason})" if reason else "")
            + ", so no model is compared with it; fix it or choose another "
            "with --reference.",
            file=sys.stderr,
        )
        return 1
    return 0


def _benchmark_provenance(args, frame, document, result):
    """What made the benchmark: versions, data, spec and settings, command.

    ``frame``: the rows the benchmark used, of the survey it read or drew
    (``result._data``).
    """
    from .model_selection import benchmark_spec
    from .model_selection._benchmark import DEFAULT_DOCUMENT
    from .report import Provenance

    spec = benchmark_spec(DEFAULT_DOCUMENT if document is None else document, frame)
    settings = {
        "repeats": args.repeats,
        "folds": args.folds,
        "reference": args.reference,
        # the folds' rows: k-fold's largest training plus smallest test fold
        "rows": result.n_train + result.n_test,
    }
    return Provenance.for_benchmark(
        spec._asdict(),
        frame,
        settings=settings,
        random_state=args.random_state,
        default=args.data is None,
        data_path=args.data,
        spec_path=args.spec,
        command=["sklearn-innov", *args.argv],
    )


def _cluster(address):
    """joblib's dask backend on a cluster, for the block's cross-validation.

    ``address`` is a running dask.distributed scheduler's (``dask scheduler``
    prints it) or ``local`` for a LocalCluster of one single-threaded worker
    process per core; None runs on this machine with ``--n-jobs``. The fold
    scores do not depend on where the fits run.
    """
    import contextlib

    stack = contextlib.ExitStack()
    if address is None:
        return stack
    try:
        import joblib
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise _CommandError(
            "--scheduler needs dask.distributed: pip install "
            "'sklearn-innov[distributed]'."
        ) from None
    with stack:
        if address == "local":
            cluster = stack.enter_context(
                LocalCluster(
                    n_workers=os.cpu_count() or 1,
                    threads_per_worker=1,
                    dashboard_address=None,
                )
            )
            stack.enter_context(Client(cluster))
        else:
            try:
                stack.enter_context(Client(address, timeout="10s"))
            except (OSError, TimeoutError, ValueError) as exc:
                raise _CommandError(
                    f"--scheduler {address!r}: no dask scheduler answered ({exc}); "
                    "start one with `dask scheduler` and workers with "
                    "`dask worker ADDRESS`, or pass --scheduler local."
                ) from None
        stack.enter_context(joblib.parallel_backend("dask"))
        return stack.pop_all()


# A worker's initializer: SIGINT ignored (see _workers_leave_ctrl_c_to_us). A
# partial of signal.signal, not a function of this package: a new worker
# unpickles it importing `signal` only, so it runs as the worker starts, not
# after a second or more of importing sklearn_innov, during which Ctrl-C would
# still print the worker's traceback. A library that installs its own SIGINT
# handler later (polars' runtime, imported by statsmodels) passes the signal
# on to the disposition it found: ignored.
_IGNORE_INTERRUPT = functools.partial(signal.signal, signal.SIGINT, signal.SIG_IGN)


def _workers_leave_ctrl_c_to_us(scheduler):
    """joblib's process workers started for the block ignore Ctrl-C.

    A terminal sends SIGINT to the whole process group, the loky workers
    included: a worker between two tasks (or idle) then dies printing its
    own ``KeyboardInterrupt`` traceback, before or after the command's one
    "interrupted" line. The command handles Ctrl-C in this process and
    kills the workers itself (:func:`_shutdown_workers`), so they ignore it
    from the moment each starts (the executor's initializer, which covers
    an idle worker, not only one running a task; only Python's own start-up
    of the worker, some milliseconds, comes before it) until it is killed
    or the run ends. Only the command does this: :func:`run_benchmark` called from
    Python leaves joblib's workers as joblib makes them (joblib stops them
    when the caller's Ctrl-C interrupts the call, and a reused pool keeps
    no state of ours). Nothing under ``--scheduler``: dask's workers are
    not this process's children.
    """
    if scheduler is not None:
        return contextlib.nullcontext()
    import joblib

    # the initializer through the backend's configure: joblib >= 1.5 would
    # also take parallel_config(initializer=...), joblib 1.4 drops it silently
    from joblib._parallel_backends import LokyBackend

    class _Backend(LokyBackend):
        def configure(self, *args, **kwargs):
            kwargs.setdefault("initializer", _IGNORE_INTERRUPT)
            return super().configure(*args, **kwargs)

    return joblib.parallel_config(backend=_Backend())


def _integer(low, high=None, what="an integer"):
    def parse(value):
        try:
            number = int(value)
        except ValueError:
            number = None
        if number is None or number < low or (high is not None and number > high):
            allowed = f"from {low} to {high}" if high is not None else f"{low} or more"
            raise argparse.ArgumentTypeError(
                f"must be {what}, {allowed}; got {value!r}"
            )
        return number

    return parse


def _n_jobs(value):
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number == 0:
        raise argparse.ArgumentTypeError(
            f"must be a non-zero integer (-1: every core); got {value!r}"
        )
    return number


def _silence_teardown():
    """After the "interrupted" line, nothing more on stderr and no worker left.

    Ctrl-C reaches joblib's worker processes and their helpers too (the
    terminal signals the whole process group): loky's manager thread, tearing
    the pool down at exit, then meets a ``pgrep`` killed by the same SIGINT
    and prints a warning and a thread's traceback (about 40 lines) after the
    one line that ends the run. So stderr goes to the null device for the rest
    of the process, uncaught exceptions in threads and warnings are dropped,
    and the reusable worker pool, if one was started, is shut down with its
    workers killed. psutil (which loky uses to kill worker trees) is not
    needed: once the signal has passed, loky's ``pgrep`` fallback works.
    """
    sys.stderr.flush()
    sys.stderr = open(os.devnull, "w")  # noqa: SIM115 (open until exit)
    threading.excepthook = lambda hook_args: None
    warnings.simplefilter("ignore")
    _shutdown_workers()


def _shutdown_workers():
    """Shut joblib's reusable loky executor down, killing its workers.

    Only an executor that exists: ``get_reusable_executor`` would start one.
    Each worker is sent SIGKILL first: when loky's own kill fails (its
    ``pgrep`` killed by the same Ctrl-C), its manager thread dies and the
    workers would wait forever for work, keeping the process from exiting.
    """
    loky = sys.modules.get("joblib.externals.loky.reusable_executor")
    executor = getattr(loky, "_executor", None)
    if executor is None:
        return
    # every live loky worker of this process, not only those the executor
    # still lists: joblib's abort may already have shut it down, leaving a
    # worker that multiprocessing's exit handler then waits for forever
    workers = [
        process
        for process in multiprocessing.active_children()
        if type(process).__module__.startswith("joblib.externals.loky")
    ]
    for worker in workers:
        with contextlib.suppress(OSError, AttributeError, TypeError):
            os.kill(worker.pid, getattr(signal, "SIGKILL", signal.SIGTERM))
    with contextlib.suppress(Exception):
        executor.shutdown(wait=False, kill_workers=True)
    for worker in workers:
        worker.join(timeout=5)


def build_parser():
    parser = _Parser(
        prog="sklearn-innov",
        description="Econometrics of innovation: the paper's analysis and benchmarks.",
    )
    parser.add_argument(
        "--version", action="version", version=f"%(prog)s {__version__}"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    common = _Parser(add_help=False)
    common.add_argument("--data", help="survey file (CSV, Parquet or Excel)")
    common.add_argument(
        "--spec", help="spec file (TOML or JSON) with [indices], [model]"
    )
    common.add_argument(
        "--format",
        default="text",
        choices=["text", "markdown", "html", "latex"],
        help="how the report printed on standard output is rendered (default: "
        "text; html is a self-contained page, latex a complete document); "
        "--out writes the files listed under --out whatever this says",
    )
    common.add_argument(
        "--random-state",
        type=_integer(0, 2**32 - 1),
        default=0,
        help="seed, 0 to 2**32 - 1 (default 0)",
    )
    shown = common.add_mutually_exclusive_group()
    shown.add_argument(
        "--quiet",
        action="store_true",
        help="show warnings and errors only: no progress, no notes",
    )
    shown.add_argument(
        "--verbose",
        action="store_true",
        help="show debug lines too: the time each stage took",
    )
    csv_options = common.add_argument_group(
        "CSV files", "sniffed from the file unless given"
    )
    csv_options.add_argument(
        "--sep", help="delimiter: ',', ';', 'tab', '|' or another character"
    )
    csv_options.add_argument(
        "--decimal", choices=[".", ","], help="decimal mark of numbers"
    )
    csv_options.add_argument(
        "--thousands",
        help="thousands separator of numbers: '.', ',', \"'\", 'space' or "
        "'none' (default: sniffed, e.g. '.' in 1.234,5)",
    )
    csv_options.add_argument(
        "--encoding",
        help="text encoding, e.g. utf-8, cp1252, latin-1 "
        "(default: UTF-8, else cp1252 with a note)",
    )
    rep = commands.add_parser(
        "replicate",
        parents=[common],
        help="the paper's analysis (default: synthetic survey)",
    )
    rep.add_argument("--out", metavar="DIR", help=REPLICATE_OUT)
    rep.set_defaults(run=_replicate)
    bench = commands.add_parser(
        "benchmark", parents=[common], help="cross-validated comparison of classifiers"
    )
    bench.add_argument(
        "--repeats", type=_integer(1), default=10, help="CV repeats (default 10)"
    )
    bench.add_argument(
        "--folds", type=_integer(2), default=5, help="CV folds (default 5)"
    )
    bench.add_argument(
        "--n-jobs", type=_n_jobs, default=1, help="parallel jobs (default 1)"
    )
    bench.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run the cross-validation on a dask.distributed cluster: a "
        "scheduler's address (tcp://host:8786) or 'local' for a LocalCluster "
        "with this machine's cores (needs sklearn-innov[distributed])",
    )
    bench.add_argument(
        "--reference",
        metavar="LABEL",
        help="the model every other is tested against, one of "
        + ", ".join(repr(label) for label in BENCHMARK_LABELS)
        + " (default: 'StepwiseLogit', the paper's pipeline)",
    )
    bench.add_argument("--out", metavar="DIR", help=BENCHMARK_OUT)
    bench.set_defaults(run=_benchmark)
    return parser


def main(argv=None):
    """Entry point of the ``sklearn-innov`` console script."""
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        args.argv = sys.argv[1:] if argv is None else list(argv)
        try:
            with _logging(args):
                code = args.run(args)
        except BrokenPipeError:
            raise
        except KeyboardInterrupt:
            # Ctrl-C: one line, the shell's code for SIGINT, and no partial
            # report (files are moved into --out only once all are written)
            print(
                f"sklearn-innov {args.command}: interrupted; nothing more was written.",
                file=sys.stderr,
            )
            _silence_teardown()
            return 130
        except (ValueError, OSError) as exc:
            lines = [line for line in str(exc).splitlines() if line.strip()]
            message = lines[0] if lines else type(exc).__name__
            if isinstance(exc, OSError) and exc.strerror:
                message = f"{exc.filename or ''}: {exc.strerror}".lstrip(": ")
            print(f"sklearn-innov {args.command}: error: {message}", file=sys.stderr)
            return 2
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        # The reader (e.g. `| head`) left early: stop quietly, as Python's
        # documentation recommends (note on SIGPIPE in the signal module);
        # stdout goes to devnull so the interpreter's final flush is silent.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
