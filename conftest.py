"""Every Python code block of README.md and docs/ runs as a test (Sybil).

Each document runs in a fresh temporary directory holding ``survey.csv`` (the
embedded synthetic survey, exported as a user would have it) and
``spec.toml`` (the spec file shown in README.md), so the examples that read
"your" files run as written.
"""

import os
import re
import shutil
import sys
import tempfile
from doctest import ELLIPSIS, NORMALIZE_WHITESPACE
from pathlib import Path

from sybil import Sybil
from sybil.parsers.markdown import PythonCodeBlockParser as MarkdownCodeBlocks
from sybil.parsers.rest import DocTestParser, PythonCodeBlockParser

ROOT = Path(__file__).resolve().parent
# modules of the documentation build, not of the library
collect_ignore = ["docs/conf.py", "docs/_ext", "docs/_intersphinx", "benchmarks"]


def _readme_spec():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.search(r"```toml\n(.*?)```", text, re.DOTALL).group(1)


def _setup(namespace):
    from sklearn_innov.datasets import make_sme_survey

    namespace["__cwd__"] = os.getcwd()
    namespace["__tmp__"] = tempfile.mkdtemp(prefix="sklearn-innov-docs-")
    os.chdir(namespace["__tmp__"])
    make_sme_survey(random_state=0).frame.to_csv("survey.csv", index=False)
    Path("spec.toml").write_text(_readme_spec(), encoding="utf-8")


def _teardown(namespace):
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close("all")
    os.chdir(namespace["__cwd__"])
    shutil.rmtree(namespace["__tmp__"], ignore_errors=True)


_common = {"setup": _setup, "teardown": _teardown}
pytest_collect_file = (
    Sybil(parsers=[MarkdownCodeBlocks()], patterns=["README.md"], **_common)
    + Sybil(
        parsers=[
            PythonCodeBlockParser(),
            DocTestParser(optionflags=ELLIPSIS | NORMALIZE_WHITESPACE),
        ],
        patterns=["*.rst"],
        **_common,
    )
).pytest()
