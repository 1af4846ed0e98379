"""Write the intersphinx inventories the documentation build reads offline.

The build machine has no network, so ``docs/conf.py`` points intersphinx at
the ``*-objects.inv`` files of this folder instead of downloading each
project's ``objects.inv``. Each file holds only the names the documentation
references, with the URL each project's own documentation gives them.

To refresh (a new reference, or a project moved its pages)::

    python docs/_intersphinx/make_inventories.py

after adding the name to ``INVENTORIES`` below; the file is read back with
Sphinx's own reader (``sphinx.util.inventory``) to check it. With network
access, a project's real inventory may replace its file (``curl -o
docs/_intersphinx/sklearn-objects.inv https://scikit-learn.org/stable/objects.inv``).
"""

import zlib
from pathlib import Path

from sphinx.util.inventory import InventoryFile

HERE = Path(__file__).resolve().parent

# project key -> (project name, version, base URL, {name: (role, page)});
# a page ending in "#$" is the page of the name itself, as Sphinx writes it.
_SKLEARN = "modules/generated/{}.html#$"
_NUMPY = "reference/generated/{}.html#$"
_PANDAS = "reference/api/{}.html#$"
_SCIPY = "reference/generated/{}.html#$"
_STATSMODELS = "generated/{}.html#$"

INVENTORIES = {
    "python": (
        "Python",
        "3",
        "https://docs.python.org/3/",
        {
            "bool": ("py:class", "library/functions.html#$"),
            "dict": ("py:class", "library/stdtypes.html#$"),
            "float": ("py:class", "library/functions.html#$"),
            "int": ("py:class", "library/functions.html#$"),
            "list": ("py:class", "library/stdtypes.html#$"),
            "str": ("py:class", "library/stdtypes.html#$"),
            "tuple": ("py:class", "library/stdtypes.html#$"),
            "pathlib.Path": ("py:class", "library/pathlib.html#$"),
            "json": ("py:module", "library/json.html#module-$"),
            "tomllib": ("py:module", "library/tomllib.html#module-$"),
            "collections.abc.Mapping": ("py:class", "library/collections.abc.html#$"),
            "collections.abc.Sequence": (
                "py:class",
                "library/collections.abc.html#$",
            ),
            "UserWarning": ("py:exception", "library/exceptions.html#$"),
            "ValueError": ("py:exception", "library/exceptions.html#$"),
            "warnings.catch_warnings": ("py:class", "library/warnings.html#$"),
        },
    ),
    "sklearn": (
        "scikit-learn",
        "stable",
        "https://scikit-learn.org/stable/",
        {
            name: (role, _SKLEARN.format(name))
            for name, role in {
                "sklearn.base.BaseEstimator": "py:class",
                "sklearn.compose.ColumnTransformer": "py:class",
                "sklearn.feature_selection.SequentialFeatureSelector": "py:class",
                "sklearn.impute.SimpleImputer": "py:class",
                "sklearn.linear_model.LogisticRegression": "py:class",
                "sklearn.model_selection.GridSearchCV": "py:class",
                "sklearn.model_selection.RepeatedStratifiedKFold": "py:class",
                "sklearn.model_selection.cross_validate": "py:function",
                "sklearn.pipeline.Pipeline": "py:class",
                "sklearn.pipeline.make_pipeline": "py:function",
                "sklearn.preprocessing.FunctionTransformer": "py:class",
                "sklearn.preprocessing.MinMaxScaler": "py:class",
                "sklearn.preprocessing.QuantileTransformer": "py:class",
                "sklearn.preprocessing.StandardScaler": "py:class",
            }.items()
        },
    ),
    "numpy": (
        "NumPy",
        "stable",
        "https://numpy.org/doc/stable/",
        {
            name: (role, _NUMPY.format(name))
            for name, role in {
                "numpy.ndarray": "py:class",
                "numpy.random.Generator": "py:class",
                "numpy.random.RandomState": "py:class",
                "numpy.log": "py:data",
                "numpy.log1p": "py:data",
            }.items()
        },
    ),
    "pandas": (
        "pandas",
        "stable",
        "https://pandas.pydata.org/docs/",
        {
            name: (role, _PANDAS.format(name))
            for name, role in {
                "pandas.DataFrame": "py:class",
                "pandas.Series": "py:class",
                "pandas.Index": "py:class",
                "pandas.read_csv": "py:function",
            }.items()
        },
    ),
    "scipy": (
        "SciPy",
        "stable",
        "https://docs.scipy.org/doc/scipy/",
        {
            name: (role, _SCIPY.format(name))
            for name, role in {
                "scipy.optimize.linprog": "py:function",
                "scipy.stats.kstest": "py:function",
                "scipy.stats.norm": "py:data",
            }.items()
        },
    ),
    "statsmodels": (
        "statsmodels",
        "stable",
        "https://www.statsmodels.org/stable/",
        {
            name: (role, _STATSMODELS.format(name))
            for name, role in {
                "statsmodels.regression.linear_model.OLS": "py:class",
                "statsmodels.regression.linear_model.RegressionResults": ("py:class"),
                "statsmodels.discrete.discrete_model.Logit": "py:class",
                "statsmodels.iolib.summary2.Summary": "py:class",
                "statsmodels.stats.diagnostic.acorr_breusch_godfrey": "py:function",
                "statsmodels.stats.diagnostic.het_breuschpagan": "py:function",
                "statsmodels.stats.diagnostic.lilliefors": "py:function",
                "statsmodels.stats.outliers_influence.variance_inflation_factor": (
                    "py:function"
                ),
                "statsmodels.stats.stattools.durbin_watson": "py:function",
            }.items()
        },
    ),
}


def inventory_bytes(project, version, names):
    """Return an inventory in Sphinx's version 2 format.

    Parameters
    ----------
    project, version : str
        The header's project name and version.
    names : dict
        ``{name: (domain:role, page)}``.

    Returns
    -------
    bytes
        The file's content: four header lines, then the zlib-compressed
        entries, one per line, sorted.
    """
    header = (
        "# Sphinx inventory version 2\n"
        f"# Project: {project}\n"
        f"# Version: {version}\n"
        "# The remainder of this file is compressed using zlib.\n"
    ).encode()
    lines = "".join(
        f"{name} {role} 1 {page} -\n" for name, (role, page) in sorted(names.items())
    )
    return header + zlib.compress(lines.encode())


def main():
    """Write every inventory and check that Sphinx reads each name back."""
    for key, (project, version, base, names) in INVENTORIES.items():
        content = inventory_bytes(project, version, names)
        path = HERE / f"{key}-objects.inv"
        path.write_bytes(content)
        read = InventoryFile.loads(content, uri=base)
        found = {name for entries in read.data.values() for name in entries}
        assert found == set(names), (key, set(names) ^ found)
        print(f"{path.name}: {len(names)} names -> {base}")


if __name__ == "__main__":
    main()
