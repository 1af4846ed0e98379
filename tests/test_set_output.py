"""set_output on the three transformers: the same containers, the same names.

MinMaxIndexer, LogTransform and CompositeIndex honour
``set_output(transform="pandas" | "polars" | "default")`` as scikit-learn's
transformers do, on numpy, pandas and polars input, with the columns of
``get_feature_names_out()``. The one documented difference, kept: without
``set_output``, CompositeIndex returns a pandas DataFrame named by the spec
for dataframe input (so the index names reach the next step of a Pipeline).
The values are checked against the published formulas: min-max
``(x - min) / (max - min)`` (the paper's footnote 2), ``ln x`` and the sum of
an index's normalised items.
"""

import numpy as np
import pandas as pd
import pytest

from sklearn_innov import CompositeIndex, LogTransform, MinMaxIndexer

pl = pytest.importorskip("polars")

VALUES = np.array([[1.0, 4.0, 2.0], [3.0, 1.0, 5.0], [2.0, 2.0, 9.0], [5.0, 3.0, 4.0]])
NAMES = ["a", "b", "c"]
ROWS = [10, 20, 30, 40]


def minmax(X):
    return (X - X.min(axis=0)) / (X.max(axis=0) - X.min(axis=0))


def expected(kind):
    if kind == "minmax":
        return minmax(VALUES)
    if kind == "log":
        return np.log(VALUES)
    scaled = minmax(VALUES)
    return np.column_stack([scaled[:, 0] + scaled[:, 1], scaled[:, 2]])


def make(kind, named):
    if kind == "minmax":
        return MinMaxIndexer()
    if kind == "log":
        return LogTransform()
    spec = {"A": ["a", "b"], "B": ["c"]} if named else {"A": [0, 1], "B": [2]}
    return CompositeIndex(spec=spec)


def names_out(kind, named):
    columns = NAMES if named else ["x0", "x1", "x2"]
    if kind == "minmax":
        return columns
    if kind == "log":
        return [f"ln({c})" for c in columns]
    return ["A", "B"]


def data(container):
    frame = pd.DataFrame(VALUES, columns=NAMES, index=ROWS)
    if container == "numpy":
        return VALUES.copy()
    if container == "pandas":
        return frame
    return pl.from_pandas(frame)


@pytest.mark.parametrize("container", ["numpy", "pandas", "polars"])
@pytest.mark.parametrize("output", [None, "default", "pandas", "polars"])
@pytest.mark.parametrize("kind", ["minmax", "log", "composite"])
def test_every_transformer_honours_set_output_the_same_way(kind, output, container):
    named = container != "numpy"
    transformer = make(kind, named)
    if output is not None:
        assert transformer.set_output(transform=output) is transformer
    out = transformer.fit_transform(data(container))
    names = names_out(kind, named)
    assert transformer.get_feature_names_out().tolist() == names
    if output == "pandas":
        assert type(out) is pd.DataFrame
        assert out.columns.tolist() == names
        # the input's row labels are kept, as scikit-learn's wrapper keeps them
        assert out.index.tolist() == (ROWS if container == "pandas" else [0, 1, 2, 3])
        values = out.to_numpy()
    elif output == "polars":
        assert type(out) is pl.DataFrame
        assert out.columns == names
        values = out.to_numpy()
    elif kind == "composite" and container != "numpy":
        # documented: a DataFrame named by the spec for dataframe input
        assert type(out) is pd.DataFrame
        assert out.columns.tolist() == names
        values = out.to_numpy()
    else:
        assert isinstance(out, np.ndarray)
        values = np.asarray(out)
    np.testing.assert_allclose(values, expected(kind), rtol=1e-13)
    # transform after fit gives the same as fit_transform, in the same container
    again = transformer.transform(data(container))
    assert type(again) is type(out)
    np.testing.assert_allclose(np.asarray(again), values, rtol=1e-13)
