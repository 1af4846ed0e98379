"""What a user installs and cites agrees with itself.

The installed distribution carries its data files (the PEP 561 ``py.typed``
marker, the simulated ranges); the README's install section names the extras
pyproject.toml declares; CITATION.cff and the README's "Citing" section give
the same version and DOI. The sdist's own contents are checked by running
this suite from an unpacked sdist (the sdist stage of ``.ci/run``).
"""

import importlib.metadata
import re
import tomllib
from pathlib import Path

import pytest

import sklearn_innov

ROOT = Path(__file__).resolve().parents[1]
DOI = re.compile(r"10\.\d{4,9}/[^\s\"')]+")


def _project():
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _readme():
    return (ROOT / "README.md").read_text(encoding="utf-8")


def _citation():
    return (ROOT / "CITATION.cff").read_text(encoding="utf-8")


def test_the_package_directory_holds_the_typing_marker():
    # an empty marker file: PEP 561 says its presence is the whole message
    marker = Path(sklearn_innov.__file__).parent / "py.typed"
    assert marker.is_file()


def test_pyproject_ships_the_typing_marker_as_package_data():
    package_data = _project()["tool"]["setuptools"]["package-data"]
    assert "py.typed" in package_data["sklearn_innov"]


def _installed_files():
    # the RECORD of an installed wheel; an egg-info beside the sources (the
    # sdist ships one) lists the sources, not what was installed, and has none
    files = set()
    for dist in importlib.metadata.distributions(name="sklearn-innov"):
        for line in (dist.read_text("RECORD") or "").splitlines():
            files.add(line.rsplit(",", 2)[0])
    return files


def test_an_installed_wheel_lists_the_marker_and_the_data_files():
    files = _installed_files()
    if "sklearn_innov/__init__.py" not in files:
        pytest.skip(
            "no installed wheel of sklearn-innov (an editable install); "
            ".ci/run's sdist stage runs this test on the package built from "
            "the sdist"
        )
    assert "sklearn_innov/py.typed" in files
    assert "sklearn_innov/datasets/data/paper_ranges.csv" in files


def test_the_readme_installs_every_declared_user_extra():
    extras = set(_project()["project"]["optional-dependencies"])
    user_extras = extras - {"test", "docs", "bench", "lint"}
    install = _readme().split("## Installation", 1)[1].split("\n## ", 1)[0]
    shown = set(re.findall(r"^\| `([a-z]+)` \|", install, flags=re.MULTILINE))
    assert shown == user_extras
    assert "pip install sklearn-innov\n" in install


def test_all_means_every_user_extra():
    extras = _project()["project"]["optional-dependencies"]
    (everything,) = extras["all"]
    named = re.fullmatch(r"sklearn-innov\[([a-z,]+)\]", everything).group(1)
    assert set(named.split(",")) == set(extras) - {
        "all",
        "test",
        "docs",
        "bench",
        "lint",
    }


def test_the_readme_links_are_absolute():
    # a package index shows the README without the repository beside it
    links = re.findall(r"\]\(([^)]+)\)", _readme())
    assert links
    assert [link for link in links if not link.startswith("https://")] == []


def test_citation_and_readme_agree_with_the_package():
    citation, readme = _citation(), _readme()
    assert citation.startswith("cff-version: 1.2.0\n")
    version = re.search(r"^version: (\S+)$", citation, flags=re.MULTILINE)
    assert version.group(1) == sklearn_innov.__version__
    citing = readme.split("## Citing", 1)[1]
    assert f"version {sklearn_innov.__version__}" in citing
    assert set(DOI.findall(citing)) == set(DOI.findall(citation)) != set()


def test_the_project_urls_include_the_changelog():
    urls = _project()["project"]["urls"]
    assert {"Documentation", "Source", "Changelog", "Issues"} <= set(urls)
    assert urls["Changelog"].endswith("/CHANGELOG.md")
    assert (ROOT / "CHANGELOG.md").is_file()
