"""The ``sklearn-innov`` command: ``replicate``, ``benchmark`` and ``--version``.

Errors a user can fix (a bad spec, a missing column, an unreadable file, a bad
option) end with one line on stderr naming the option or file, and exit code
2, never a traceback. Notes on what was done to the data (a sniffed CSV
dialect, rows left out) go to stderr too, so stdout holds only the report.

A CSV is read as users have it: the delimiter (``,`` ``;`` tab ``|``) and the
decimal mark are sniffed from the file's first lines (Excel's export in
Spanish and most European locales is ``;`` with decimal commas), the text
is decoded as UTF-8 (with or without a byte-order mark), falling back to
Windows-1252 with a note; ``--sep``, ``--decimal`` and ``--encoding``
override each guess.
"""

import argparse
import csv
import io
import os
import re
import sys
from pathlib import Path

from ._version import __version__

__all__ = ["main"]

DELIMITERS = (",", ";", "\t", "|")
SNIFF_LINES = 50
SEPARATOR_WORDS = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";"}
UNWRITTEN = "run again with --out DIR to write them as PNG files (and report.html)"


class _CommandError(ValueError):
    """A user's mistake, reported as one line and exit code 2."""


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors (the usage is a ``--help`` away)."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _note(args, message):
    print(f"sklearn-innov {args.command}: note: {message}", file=sys.stderr)


# -- reading the data ---------------------------------------------------------


def _read_table(args):
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
        return _read_csv(path, args)
    for option in ("sep", "decimal", "encoding"):
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
                f"pip install {package}, or export the survey as CSV."
            ) from None
        return _check_rows(frame, path)
    raise _CommandError(
        f"data file {str(path)!r} must be .csv, .parquet or .xlsx, not {suffix!r}."
    )


def _read_csv(path, args):
    import pandas as pd

    text, encoding = _decode(path, args.encoding)
    if not text.strip():
        raise _CommandError(f"data file {str(path)!r} is empty.")
    lines = text.splitlines()[: SNIFF_LINES + 1]
    if len(lines) > SNIFF_LINES:
        lines = lines[:-1]  # the last line read may be cut short
    sep = _separator(args.sep) if args.sep is not None else _sniff_separator(lines)
    decimal = args.decimal if args.decimal is not None else _sniff_decimal(lines, sep)
    if sep == decimal:
        raise _CommandError(
            f"--sep and --decimal are both {sep!r}; a CSV needs two different marks."
        )
    guessed = [
        label
        for label, value, default, given in (
            ("delimiter", sep, ",", args.sep),
            ("decimal mark", decimal, ".", args.decimal),
            ("encoding", encoding, "utf-8", args.encoding),
        )
        if given is None and value != default
    ]
    if guessed:
        _note(
            args,
            f"read {path.name} with delimiter {sep!r}, decimal mark {decimal!r}, "
            f"encoding {encoding} (sniffed {', '.join(guessed)}; "
            "override with --sep, --decimal, --encoding).",
        )
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, decimal=decimal)
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
    return _check_rows(frame, path)


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


def _sniff_decimal(lines, sep):
    """',' when the fields after the header hold more decimal commas than points."""
    if sep == ",":
        return "."
    commas = points = 0
    for row in list(csv.reader(lines, delimiter=sep))[1:]:
        for field in row:
            commas += bool(_DECIMAL_COMMA.match(field))
            points += bool(_DECIMAL_POINT.match(field))
    return "," if commas > points else "."


def _check_rows(frame, path):
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


def _load(args):
    """The survey and spec document named by --data and --spec (None, None: default)."""
    from .preprocessing import (
        drop_missing_target,
        read_spec_document,
        validate_document,
    )

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
    frame = _read_table(args)
    document = read_spec_document(args.spec)
    analysis = validate_document(document, frame, source=f"spec file {args.spec!r}")
    frame, note = drop_missing_target(frame, analysis.target)
    if note:
        _note(args, note)
    return frame, document


def _check_out(args):
    """Refuse an --out that is a file before any work is done."""
    if args.out is None:
        return
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise _CommandError(
            f"--out {args.out!r} is a file; give a directory (created if missing)."
        )


def _write(args, write):
    try:
        paths = write(args.out)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        where = exc.filename or args.out
        raise _CommandError(
            f"--out {args.out!r}: cannot write {where}: {reason}."
        ) from None
    print(f"wrote {len(paths)} files to {args.out}", file=sys.stderr)


# -- the commands ---------------------------------------------------------------


def _replicate(args):
    from .report import replicate

    _check_out(args)
    frame, document = _load(args)
    report, _ = replicate(frame, document, random_state=args.random_state)
    try:
        if args.out is not None:
            _write(args, report.write)
        print(
            report.render(args.format, figure_dir=args.out, unwritten=UNWRITTEN),
            end="",
        )
    finally:
        report.close()
    return 0


def _benchmark(args):
    from .model_selection import benchmark_spec, run_benchmark
    from .preprocessing import drop_missing_target, read_spec_document
    from .summary import html_page

    _check_out(args)
    if args.data is None or args.spec is None:
        # the default survey, or _load's message for a lone --data or --spec
        frame, document = _load(args)
    else:
        # not _load: it checks the [model] outcome that replicate fits; the
        # benchmark needs only the target, and withholds the outcome's items
        frame = _read_table(args)
        document = read_spec_document(args.spec)
        spec = benchmark_spec(document, frame, source=f"spec file {args.spec!r}")
        frame, note = drop_missing_target(frame, spec.target)
        if note:
            _note(args, note)
    with _cluster(args.scheduler):
        result = run_benchmark(
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
    summary = result.summary()
    if args.out is not None:
        _write(args, result.write)
    text = summary.render(args.format)
    print(html_page(summary.title, text) if args.format == "html" else text)
    return 0


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
    common.add_argument("--out", help="directory for the report, tables and figures")
    common.add_argument(
        "--format",
        default="text",
        choices=["text", "markdown", "html", "latex"],
        help="terminal rendering (default: text; html is a self-contained page)",
    )
    common.add_argument(
        "--random-state",
        type=_integer(0, 2**32 - 1),
        default=0,
        help="seed, 0 to 2**32 - 1 (default 0)",
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
        "--encoding",
        help="text encoding, e.g. utf-8, cp1252, latin-1 "
        "(default: UTF-8, else cp1252 with a note)",
    )
    rep = commands.add_parser(
        "replicate",
        parents=[common],
        help="the paper's analysis (default: synthetic survey)",
    )
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
        help="the model every other is tested against (default: StepwiseLogit, "
        "the paper's pipeline)",
    )
    bench.add_argument("--quiet", action="store_true", help="no progress bar")
    bench.set_defaults(run=_benchmark)
    return parser


def main(argv=None):
    """Entry point of the ``sklearn-innov`` console script."""
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        try:
            code = args.run(args)
        except BrokenPipeError:
            raise
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
