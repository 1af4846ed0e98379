"""The output container of the transformers: the input's, unless set_output says.

scikit-learn's ``set_output(transform="pandas" | "polars")`` and its global
``transform_output`` choose the container of a transformer's output. Left at
``"default"``, scikit-learn's own transformers return NumPy arrays whatever
they were given. This library's transformers (MinMaxIndexer, LogTransform,
CompositeIndex) keep the input's container instead: numpy in, numpy out;
pandas in, a pandas DataFrame out with the input's row index; polars (or any
eager dataframe narwhals knows) in, the same kind of dataframe out; the
columns are ``get_feature_names_out()`` in every dataframe. The names of the
items and indices then reach the next step of a Pipeline and the user's
tables. Any other setting is left to scikit-learn's wrapper, which converts
the array returned here exactly as it does for its own transformers.
"""

import numpy as np

from ._lazy import pd
from ._sklearn_compat import _get_output_config
from ._validation import is_any_dataframe, is_dataframe

__all__ = ["like_input"]


def like_input(out, X, estimator):
    """``out`` in the container of ``X`` when ``estimator``'s output is "default".

    Parameters
    ----------
    out : ndarray of shape (n_samples, n_features_out)
        What ``transform`` computed, row for row with ``X``.
    X : array-like or dataframe
        The input of ``transform``, as the caller passed it.
    estimator : fitted transformer
        With ``get_feature_names_out`` and scikit-learn's ``set_output``.

    Returns
    -------
    out : ndarray or dataframe
        ``out`` unchanged for non-dataframe input, or when ``set_output`` or
        the global ``transform_output`` asks for a container (scikit-learn's
        wrapper then builds it); otherwise a DataFrame of the input's kind
        with columns ``estimator.get_feature_names_out()`` (and, for pandas,
        the input's index).
    """
    if not is_any_dataframe(X):
        return out
    if _get_output_config("transform", estimator)["dense"] != "default":
        return out
    names = estimator.get_feature_names_out()
    values = np.asarray(out)  # a plain ndarray: drop any subclass's mark
    if is_dataframe(X):
        return pd.DataFrame(values, index=X.index, columns=list(names), copy=False)
    import narwhals.stable.v1 as nw  # imported with the first non-pandas frame

    frame = nw.from_native(X, eager_only=True)
    columns = {str(name): values[:, j] for j, name in enumerate(names)}
    backend = nw.get_native_namespace(frame)
    return nw.from_dict(columns, native_namespace=backend).to_native()
