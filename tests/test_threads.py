"""BLAS pools told apart by what the libraries say of themselves."""

import os
from types import SimpleNamespace

import numpy as np
import pytest
import scipy

from sklearn_innov.utils import _threads


def _bundled(package, controllers):
    """The oracle: the controllers whose library lies in the package's wheel
    folder (``numpy.libs``, ``scipy/.dylibs``...)."""
    root = os.path.dirname(os.path.realpath(package.__file__))
    return [
        c
        for c in controllers
        if os.path.realpath(c.filepath).startswith(
            (root + os.sep, root + ".libs" + os.sep)
        )
    ]


def test_pools_agree_with_where_the_wheels_put_them():
    numpy_pools, scipy_pools = _threads._blas_pools()
    controllers = _threads._controller().select(user_api="blas").lib_controllers
    assert {id(c) for c in numpy_pools} | {id(c) for c in scipy_pools} == {
        id(c) for c in controllers
    }
    assert not {id(c) for c in numpy_pools} & {id(c) for c in scipy_pools}
    scipy_own = [c for c in _bundled(scipy, controllers) if c not in _bundled(np, [])]
    if scipy_pools:
        # told apart: exactly SciPy's own wheel's library
        assert [c.filepath for c in scipy_pools] == [c.filepath for c in scipy_own]
    else:
        # not told apart: one shared BLAS, or two that report alike
        versions = [c.version for c in controllers]
        assert (
            len(controllers) <= 1
            or len(set(versions)) < len(versions)
            or (_threads._declared_blas_version(scipy) not in versions)
        )


@pytest.mark.parametrize(
    "versions, numpy_says, scipy_says, told_apart",
    [
        (["0.3.31", "0.3.30"], "0.3.31", "0.3.30", True),
        (["0.3.31", "0.3.30"], None, "0.3.30", True),  # NumPy < 1.26 does not say
        (["0.3.30", "0.3.30"], "0.3.30", "0.3.30", False),  # alike
        (["0.3.31", "0.3.30"], None, None, False),  # SciPy does not say
        (["0.3.30"], "0.3.30", "0.3.30", False),  # one shared BLAS
        (["2024.1", "0.3.30"], "2024.1", "0.3.29", False),  # SciPy's not loaded
    ],
)
def test_scipy_pool_only_when_unambiguous(
    monkeypatch, versions, numpy_says, scipy_says, told_apart
):
    fakes = [SimpleNamespace(version=v, name=f"lib{i}") for i, v in enumerate(versions)]
    controller = SimpleNamespace(
        select=lambda **_: SimpleNamespace(lib_controllers=fakes)
    )
    monkeypatch.setattr(_threads, "_controller", lambda: controller)
    monkeypatch.setattr(
        _threads,
        "_declared_blas_version",
        lambda package: scipy_says if package is scipy else numpy_says,
    )
    _threads._blas_pools.cache_clear()
    try:
        numpy_pools, scipy_pools = _threads._blas_pools()
    finally:
        _threads._blas_pools.cache_clear()
    assert scipy_pools == ([fakes[-1]] if told_apart else [])
    assert numpy_pools == [c for c in fakes if c not in scipy_pools]
