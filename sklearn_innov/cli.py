"""The ``sklearn-innov`` command: ``replicate``, ``benchmark`` and ``--version``.

Errors a user can fix (a bad spec, a missing column, an unreadable file) end
with one line on stderr and exit code 2, never a traceback.
"""

import argparse
import sys
from pathlib import Path

from ._version import __version__

__all__ = ["main"]


def _read_table(path):
    import pandas as pd

    path = Path(path)
    if not path.is_file():
        raise ValueError(f"data file {str(path)!r} does not exist.")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return pd.read_csv(path)
    readers = {
        ".parquet": (pd.read_parquet, "pyarrow"),
        ".pq": (pd.read_parquet, "pyarrow"),
        ".xlsx": (pd.read_excel, "openpyxl"),
        ".xls": (pd.read_excel, "xlrd"),
    }
    if suffix in readers:
        reader, package = readers[suffix]
        try:
            return reader(path)
        except ImportError:
            raise ValueError(
                f"reading {suffix} files needs the {package!r} package: "
                f"pip install {package}, or export the survey as CSV."
            ) from None
    raise ValueError(
        f"data file {str(path)!r} must be .csv, .parquet or .xlsx, not {suffix!r}."
    )


def _load(args):
    from .preprocessing._spec import read_spec_document

    if args.data is None:
        if args.spec is not None:
            raise ValueError(
                "--spec needs --data (the default survey uses the paper's spec)."
            )
        return None, None
    if args.spec is None:
        raise ValueError(
            "--data needs --spec, a TOML or JSON file with an [indices] table."
        )
    return _read_table(args.data), read_spec_document(args.spec)


def _replicate(args):
    from .report._replicate import replicate

    frame, document = _load(args)
    report, _ = replicate(frame, document, random_state=args.random_state)
    print(report.render(args.format))
    if args.out is not None:
        paths = report.write(args.out)
        print(f"wrote {len(paths)} files to {args.out}", file=sys.stderr)
    return 0


def _benchmark(args):
    from .model_selection._benchmark import run_benchmark

    frame, document = _load(args)
    result = run_benchmark(
        frame,
        document,
        repeats=args.repeats,
        folds=args.folds,
        n_jobs=args.n_jobs,
        random_state=args.random_state,
        progress=not args.quiet,
    )
    print(result.summary().render(args.format))
    if args.out is not None:
        paths = result.write(args.out)
        print(f"wrote {len(paths)} files to {args.out}", file=sys.stderr)
    return 0


def build_parser():
    parser = argparse.ArgumentParser(
        prog="sklearn-innov",
        description="Econometrics of innovation: the paper's analysis and benchmarks.",
    )
    parser.add_argument(
        "--version", action="version", version=f"%(prog)s {__version__}"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data", help="survey file (CSV, Parquet or Excel)")
    common.add_argument(
        "--spec", help="spec file (TOML or JSON) with [indices], [model]"
    )
    common.add_argument("--out", help="directory for the report, tables and figures")
    common.add_argument(
        "--format",
        default="text",
        choices=["text", "markdown", "html", "latex"],
        help="terminal rendering (default: text)",
    )
    common.add_argument("--random-state", type=int, default=0, help="seed (default 0)")
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
        "--repeats", type=int, default=10, help="CV repeats (default 10)"
    )
    bench.add_argument("--folds", type=int, default=5, help="CV folds (default 5)")
    bench.add_argument(
        "--n-jobs", type=int, default=1, help="parallel jobs (default 1)"
    )
    bench.add_argument("--quiet", action="store_true", help="no progress bar")
    bench.set_defaults(run=_benchmark)
    return parser


def main(argv=None):
    """Entry point of the ``sklearn-innov`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except (ValueError, OSError) as exc:
        lines = [line for line in str(exc).splitlines() if line.strip()]
        message = lines[0] if lines else type(exc).__name__
        print(f"sklearn-innov {args.command}: error: {message}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
