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
