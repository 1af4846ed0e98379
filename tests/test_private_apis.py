"""Other projects' private APIs: scikit-learn's through one module, none of
statsmodels'."""

import ast
from pathlib import Path

import sklearn_innov

PACKAGE = Path(sklearn_innov.__file__).parent
COMPAT = PACKAGE / "utils" / "_sklearn_compat.py"


def _private_imports(path):
    """(module, name) of every import of an underscored sklearn/statsmodels
    module or name in ``path``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            root = node.module.split(".")[0]
            if root not in ("sklearn", "statsmodels"):
                continue
            private_module = any(p.startswith("_") for p in node.module.split("."))
            for alias in node.names:
                if private_module or alias.name.startswith("_"):
                    found.append((node.module, alias.name))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] in ("sklearn", "statsmodels") and any(
                    p.startswith("_") for p in parts
                ):
                    found.append((alias.name, None))
    return found


def test_private_scikit_learn_names_come_through_the_compat_module_only():
    offenders = {
        str(path.relative_to(PACKAGE)): imports
        for path in sorted(PACKAGE.rglob("*.py"))
        if path != COMPAT and (imports := _private_imports(path))
    }
    assert offenders == {}
    # the detector finds what the compat module imports
    assert ("sklearn.base", "_fit_context") in _private_imports(COMPAT)
    assert all(module.startswith("sklearn.") for module, _ in _private_imports(COMPAT))


def test_parameters_validated_once_per_distinct_values_and_never_skipped():
    # _fit_context validates plain parameters once per distinct set of
    # values; every other set, and any invalid one, still reaches
    # scikit-learn's validation (its error is the oracle)
    import numpy as np
    import pytest
    from sklearn.utils._param_validation import InvalidParameterError

    from sklearn_innov import CobbDouglasRegressor, StepwiseLogit
    from sklearn_innov.utils import _sklearn_compat as compat

    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 2))
    y = (X[:, 0] + rng.logistic(size=60) > 0).astype(int)
    model = StepwiseLogit(p_remove=0.2)
    model.fit(X, y)
    key = compat._params_key(model)
    assert key in compat._validated
    model.fit(X, y)  # validated already: same result
    for bad in (
        {"p_remove": 2.0},
        {"p_remove": float("nan")},
        {"max_iter": 1.5},
        {"direction": "sideways"},
    ):
        with pytest.raises(InvalidParameterError):
            StepwiseLogit(**bad).fit(X, y)
        with pytest.raises(InvalidParameterError):
            StepwiseLogit().set_params(**bad).fit(X, y)
    # a parameter that is not a plain value (a list) is never cached
    assert compat._params_key(StepwiseLogit(force=[0])) is None
    with pytest.raises(InvalidParameterError):
        CobbDouglasRegressor(cov_type="HC9").fit(np.exp(X), np.exp(X[:, 0]))
    # 1 and True hash alike: the type keeps their keys apart
    assert compat._params_key(StepwiseLogit(max_iter=1)) != compat._params_key(
        StepwiseLogit(max_iter=True)
    )
