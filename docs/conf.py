"""Sphinx configuration of the sklearn-innov documentation."""

import sys
from pathlib import Path

import sklearn_innov

# local extensions (docs/_ext): math as MathML, rendered offline
sys.path.insert(0, str(Path(__file__).parent / "_ext"))

project = "sklearn-innov"
author = "sklearn-innov developers"
copyright = "2026, sklearn-innov developers"
release = sklearn_innov.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "mathml",
    "sphinx.ext.intersphinx",
    "numpydoc",
    "matplotlib.sphinxext.plot_directive",
]
exclude_patterns = ["_build"]
# Math is converted to MathML at build time (docs/_ext/mathml.py): the pages
# load no script from a CDN and read the same offline.
html_math_renderer = "mathml"
html_static_path = ["_static"]
html_css_files = ["mathml.css"]
templates_path = ["_templates"]
autosummary_generate = True
# scikit-learn's generated methods (set_*_request, set_output, ...) cite
# labels of scikit-learn's own docs; document only this library's members.
autodoc_default_options = {
    "members": True,
    "inherited-members": False,
    "exclude-members": ",".join(
        [
            "set_fit_request",
            "set_score_request",
            "set_transform_request",
            "set_predict_request",
            "set_inverse_transform_request",
            "set_output",
            "get_metadata_routing",
            "get_params",
            "set_params",
            "score",
            "fit_transform",
        ]
    ),
}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
# Every parameter documented and described (PR07), none documented that does
# not exist, every return value described (RT03), no documented object
# without a docstring (GL08), and the sections in numpydoc's order. EX01 is
# not here: numpydoc would ask it of every method and property too; that
# every public class and function has Examples that run is checked by
# tests/test_docstrings.py, and the doctests run in the test suite.
numpydoc_validation_checks = {
    "PR01",
    "PR02",
    "PR03",
    "PR07",
    "PR10",
    "RT03",
    "GL06",
    "GL07",
    "GL08",
}
# Analysis is a dataclass that analyze() builds: its fields are documented as
# Attributes (what a user reads), and numpydoc would ask for them again as
# the __init__ parameters that no user passes.
numpydoc_validation_exclude = {r"^sklearn_innov\.report\.Analysis$"}
plot_include_source = True
plot_html_show_source_link = False
plot_html_show_formats = False
plot_formats = [("png", 100)]
# Cross-references to the projects below resolve offline: each inventory is a
# small file shipped in docs/_intersphinx, written by
# docs/_intersphinx/make_inventories.py with the names these pages reference
# and the URLs each project gives them. To link a new name, add it there and
# rerun ``python docs/_intersphinx/make_inventories.py``; a name missing from
# an inventory fails the build (nitpicky, below).
_INVENTORIES = {
    "python": "https://docs.python.org/3/",
    "sklearn": "https://scikit-learn.org/stable/",
    "numpy": "https://numpy.org/doc/stable/",
    "pandas": "https://pandas.pydata.org/docs/",
    "scipy": "https://docs.scipy.org/doc/scipy/",
    "statsmodels": "https://www.statsmodels.org/stable/",
}
intersphinx_mapping = {
    key: (url, f"_intersphinx/{key}-objects.inv") for key, url in _INVENTORIES.items()
}
# every cross-reference must resolve, to this site or through an inventory
nitpicky = True
# The signatures carry type annotations for type checkers (mypy); the pages
# document types in numpydoc's Parameters and Returns, as scikit-learn's do,
# so the signatures are shown without them.
autodoc_typehints = "none"
html_theme = "pydata_sphinx_theme"
html_title = "sklearn-innov"
html_theme_options = {
    "navigation_with_keys": False,
    # the left sidebar lists the pages of the current section (index.rst
    # groups the guide's pages under "User guide")
    "show_nav_level": 2,
}
# pages without sub-pages have no section navigation: no empty left sidebar
html_sidebars = {
    "index": [],
    "getting_started": [],
    "figures": [],
    "developer_notes": [],
}
