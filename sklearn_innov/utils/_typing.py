"""Type aliases shared by the public signatures.

What a transformer returns is an ndarray, or a pandas or polars DataFrame, as
the input and ``set_output`` decide at run time; the alias is ``Any`` so that
a user's code indexes the container it asked for without a cast.
"""

from typing import Any, TypeAlias

__all__ = ["TransformOutput"]

TransformOutput: TypeAlias = Any
