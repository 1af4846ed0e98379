"""The 1.0 public API: its names, their homes, the deprecated names, the errors.

``PUBLIC`` below is the definition of the 1.0 surface: a name added to or
removed from a public ``__all__`` fails here until it is added to this
snapshot, to docs/api.rst and to the changelog (removals only through the
deprecation policy of docs/api_stability.rst).
"""

import importlib
import inspect
import pickle
import pkgutil
import re
import types
import warnings
from pathlib import Path

import numpy as np
import pytest

import sklearn_innov
from sklearn_innov import exceptions
from sklearn_innov.exceptions import (
    CollinearityError,
    DataRemovedError,
    DesignError,
    SpecError,
    StatisticUnavailableError,
    ZeroColumnError,
)

ROOT = Path(__file__).resolve().parent.parent

PUBLIC = {
    "sklearn_innov": {
        "CobbDouglasRegressor",
        "CompositeIndex",
        "ControlFunctionLogit",
        "IVCobbDouglasRegressor",
        "LogTransform",
        "MinMaxIndexer",
        "StepwiseLogit",
        "TwoPartRegressor",
        "__version__",
        "read_spec",
    },
    "sklearn_innov.preprocessing": {
        "CompositeIndex",
        "IndexSensitivity",
        "LogTransform",
        "MinMaxIndexer",
        "check_spec",
        "control_columns",
        "index_sensitivity",
        "read_spec",
        "read_spec_document",
    },
    "sklearn_innov.linear_model": {
        "CobbDouglasRegressor",
        "ControlFunctionLogit",
        "IVCobbDouglasRegressor",
        "StepwiseLogit",
        "TwoPartRegressor",
    },
    "sklearn_innov.diagnostics": {
        "breusch_godfrey",
        "breusch_pagan",
        "classification_table",
        "corrected_resampled_ttest",
        "cronbach_alpha",
        "durbin_watson",
        "durbin_watson_test",
        "holm_adjusted",
        "hosmer_lemeshow",
        "item_total_statistics",
        "lilliefors",
        "linear_restriction_test",
        "mcdonald_omega",
        "one_factor_test",
        "park_test",
        "pseudo_r2",
        "reliability_checks",
        "standardized_alpha",
        "variance_inflation",
    },
    "sklearn_innov.summary": {
        "Block",
        "Summary",
        "format_number",
        "format_pvalue",
        "html_page",
        "significance",
    },
    "sklearn_innov.datasets": {
        "PAPER_SPEC",
        "load_paper_ranges",
        "load_paper_results",
        "make_sme_survey",
        "simulate_paper_ranges",
    },
    "sklearn_innov.report": {
        "Analysis",
        "Provenance",
        "Report",
        "analyze",
        "compare_with_paper",
        "influence_curve",
        "render_report",
        "replicate",
        "residual_plots",
        "roc_plot",
    },
    "sklearn_innov.model_selection": {
        "BenchmarkResult",
        "BenchmarkSpec",
        "NamedSpec",
        "SelectionStability",
        "benchmark_from_spec",
        "benchmark_models",
        "benchmark_spec",
        "named_specs",
        "run_benchmark",
        "selection_stability",
    },
    "sklearn_innov.exceptions": {
        "CollinearityError",
        "ConstantItemWarning",
        "DataRemovedError",
        "DesignError",
        "MissingIndexWarning",
        "NonPositiveWarning",
        "ReplicateFitError",
        "SeparationWarning",
        "SklearnInnovWarning",
        "SpecError",
        "StatisticUnavailableError",
        "ZeroColumnError",
    },
}

# importable from a second public module, without a warning, not in its __all__
COMPAT = {
    "sklearn_innov.preprocessing": {"SpecError": "sklearn_innov.exceptions"},
    "sklearn_innov.report": {
        "Block": "sklearn_innov.summary",
        "Summary": "sklearn_innov.summary",
        "format_number": "sklearn_innov.summary",
    },
}

# public before 1.0, removed in 1.1: (module, name, private home)
DEPRECATED = [
    ("sklearn_innov.preprocessing", name, "sklearn_innov.preprocessing._spec")
    for name in ("AnalysisSpec", "drop_missing_target", "validate_document")
] + [
    ("sklearn_innov.summary", name, "sklearn_innov.summary._summary")
    for name in ("TABLE_WIDTH", "latex_escape", "text_width", "wrap_lines")
]


def _module_names():
    """Every module of the package (``__main__`` runs the command: not it)."""
    names = ["sklearn_innov"]
    for info in pkgutil.walk_packages(sklearn_innov.__path__, "sklearn_innov."):
        if not info.name.endswith(".__main__"):
            names.append(info.name)
    return names


@pytest.mark.parametrize("module", sorted(PUBLIC))
def test_public_surface_is_the_1_0_list(module):
    mod = importlib.import_module(module)
    assert set(mod.__all__) == PUBLIC[module]
    assert len(mod.__all__) == len(set(mod.__all__))  # listed once
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a public name never warns
        for name in mod.__all__:
            getattr(mod, name)
    # dir() holds the public names, the compatibility names, submodules and
    # private names only: nothing public slips in through an import
    extra = {
        name
        for name in dir(mod)
        if not name.startswith("_")
        and not isinstance(getattr(mod, name), types.ModuleType)
    } - PUBLIC[module]
    assert extra == set(COMPAT.get(module, {}))


@pytest.mark.parametrize(
    ("module", "name", "home"),
    [(m, n, h) for m, names in COMPAT.items() for n, h in names.items()],
)
def test_compatibility_names_are_their_home_objects_without_warning(module, name, home):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        value = getattr(importlib.import_module(module), name)
    assert value is getattr(importlib.import_module(home), name)
    assert name in importlib.import_module(home).__all__


@pytest.mark.parametrize(("module", "name", "home"), DEPRECATED)
def test_deprecated_names_warn_naming_the_new_home_and_still_work(module, name, home):
    mod = importlib.import_module(module)
    assert name not in mod.__all__
    assert name not in dir(mod)
    message = rf"^{re.escape(module)}\.{name} is deprecated .* in 1\.1; .*{home}\.$"
    with pytest.warns(FutureWarning, match=message) as record:
        value = getattr(mod, name)
    assert value is getattr(importlib.import_module(home), name)
    # the warning points at the caller's line, not the library's
    assert {Path(w.filename) for w in record} == {Path(__file__)}


def test_deprecated_import_statement_warns_at_the_import_line():
    with pytest.warns(FutureWarning, match="validate_document") as record:
        from sklearn_innov.preprocessing import validate_document  # noqa: F401
    assert {Path(w.filename) for w in record} == {Path(__file__)}


def test_unknown_names_still_raise_attribute_error():
    import sklearn_innov.preprocessing as preprocessing
    import sklearn_innov.summary as summary

    for mod in (preprocessing, summary):
        with pytest.raises(AttributeError, match=rf"{mod.__name__}.*'nope'"):
            mod.nope  # noqa: B018
    assert not hasattr(summary, "P_DECIMALS")  # private, never public


def test_every_error_and_warning_class_has_its_home_in_exceptions():
    """Every exception class the package defines, in any module, public or
    private, is defined in sklearn_innov.exceptions (private CLI errors,
    underscored, excepted), and that module lists each of its classes."""
    found = {}
    for module in _module_names():
        for name, value in vars(importlib.import_module(module)).items():
            if (
                inspect.isclass(value)
                and issubclass(value, BaseException)
                and value.__module__.startswith("sklearn_innov")
                and not name.startswith("_")
            ):
                found.setdefault(value, set()).add(module)
    homes = {cls.__module__ for cls in found}
    assert homes == {"sklearn_innov.exceptions"}
    assert {cls.__name__ for cls in found} == set(exceptions.__all__)
    # the source defines no other one: a class statement deriving from an
    # Exception, Error or Warning anywhere else is underscored
    pattern = re.compile(r"^class (\w+)\(\w*(Error|Exception|Warning)\b", re.M)
    for path in Path(sklearn_innov.__file__).parent.rglob("*.py"):
        if path.name == "exceptions.py":
            continue
        for name, _ in pattern.findall(path.read_text(encoding="utf-8")):
            assert name.startswith("_"), (path, name)


def test_errors_keep_their_bases_so_old_except_clauses_still_catch():
    assert issubclass(SpecError, ValueError)
    assert issubclass(ZeroColumnError, DesignError)
    assert issubclass(CollinearityError, DesignError)
    assert issubclass(DesignError, ValueError)
    assert issubclass(DataRemovedError, AttributeError)
    assert issubclass(StatisticUnavailableError, ValueError)
    assert issubclass(exceptions.ReplicateFitError, ValueError)
    for name in exceptions.__all__:
        cls = getattr(exceptions, name)
        if issubclass(cls, Warning):
            assert issubclass(cls, exceptions.SklearnInnovWarning)
            assert issubclass(cls, UserWarning)


def test_old_import_paths_of_the_errors_still_work():
    from sklearn_innov._core import CollinearityError as core_collinearity
    from sklearn_innov._core import DataRemovedError as core_removed
    from sklearn_innov._core._errors import DesignError as core_design
    from sklearn_innov.preprocessing import SpecError as spec_error

    assert core_collinearity is CollinearityError
    assert core_removed is DataRemovedError
    assert core_design is DesignError
    assert spec_error is SpecError


@pytest.mark.parametrize(
    ("error", "attributes"),
    [
        (SpecError("spec file 'a.toml': [model] target is missing."), {}),
        (DesignError("bad design", ["a"]), {"columns": ["a"]}),
        (ZeroColumnError("zero columns", ("b", "c")), {"columns": ["b", "c"]}),
        (
            CollinearityError("collinear", ["a", "b"], hint="one-hot dummies"),
            {"columns": ["a", "b"], "hint": "one-hot dummies"},
        ),
        (DataRemovedError("'resid' is per-row training data"), {}),
        (
            StatisticUnavailableError("park", "1 residual is exactly zero"),
            {"statistic": "park", "reason": "1 residual is exactly zero"},
        ),
        (
            exceptions.ReplicateFitError(
                "jackknife: the replicate that deletes PSU 7 gives a non-finite "
                "estimate.",
                estimator="jackknife",
                replicate="the replicate that deletes PSU 7",
                reason="gives a non-finite estimate.",
                psu=7,
                stratum="north",
            ),
            {
                "estimator": "jackknife",
                "replicate": "the replicate that deletes PSU 7",
                "reason": "gives a non-finite estimate.",
                "psu": 7,
                "stratum": "north",
            },
        ),
        (exceptions.SeparationWarning("complete separation on 'x'"), {}),
        (exceptions.NonPositiveWarning("2 zeros in 'X1'"), {}),
    ],
)
def test_errors_and_warnings_pickle_with_their_attributes(error, attributes):
    restored = pickle.loads(pickle.dumps(error))
    assert type(restored) is type(error)
    assert str(restored) == str(error)
    for name, value in attributes.items():
        assert getattr(restored, name) == value


def test_every_exception_class_is_covered_by_the_pickling_test():
    # the parametrisation above names one instance of each error and two
    # warnings; the other warnings have no attributes of their own
    errors = {
        getattr(exceptions, name)
        for name in exceptions.__all__
        if not issubclass(getattr(exceptions, name), Warning)
    }
    assert errors == {
        SpecError,
        DesignError,
        ZeroColumnError,
        CollinearityError,
        DataRemovedError,
        StatisticUnavailableError,
        exceptions.ReplicateFitError,
    }


def _documented_objects():
    """(module, name) of every autosummary entry of docs/api.rst."""
    text = (ROOT / "docs" / "api.rst").read_text(encoding="utf-8")
    documented, module = set(), None
    in_summary = False
    for line in text.splitlines():
        if line.startswith(".. currentmodule::"):
            module = line.split("::")[1].strip()
        elif line.startswith(".. autosummary::"):
            in_summary = True
        elif in_summary and re.fullmatch(r"   [A-Za-z_]\w*", line):
            documented.add((module, line.strip()))
        elif in_summary and line and not line.startswith(" "):
            in_summary = False
    return documented, text


def test_api_reference_lists_every_public_name():
    documented, text = _documented_objects()
    # an entry documents an object: the same object may be public in two
    # modules (CompositeIndex at the top and in preprocessing), listed once
    objects = {
        id(getattr(importlib.import_module(module), name))
        for module, name in documented
    }
    missing = [
        f"{module}.{name}"
        for module in PUBLIC
        for name in importlib.import_module(module).__all__
        if name != "__version__"
        and id(getattr(importlib.import_module(module), name)) not in objects
    ]
    assert missing == []
    assert "__version__" in text
    # and nothing else: every entry is public where it is documented
    for module, name in documented:
        assert name in importlib.import_module(module).__all__, (module, name)


def test_api_stability_page_lists_the_deprecated_names_and_is_in_the_toctree():
    page = (ROOT / "docs" / "api_stability.rst").read_text(encoding="utf-8")
    for module, name, home in DEPRECATED:
        assert f"``{module}.{name}``" in page
        assert home in page
    index = (ROOT / "docs" / "index.rst").read_text(encoding="utf-8")
    assert re.search(r"^   api_stability$", index, re.M)


# -- results accessors: a value or a typed error -------------------------------


def _perfect_fit():
    """A Cobb-Douglas fit with an exactly zero residual: Park's ln e^2 is -inf."""
    from sklearn_innov import CobbDouglasRegressor

    rng = np.random.default_rng(0)
    X = rng.uniform(1, 5, (30, 2))
    y = X[:, 0] ** 0.3 * X[:, 1] ** 0.5
    return CobbDouglasRegressor().fit(X, y)


def test_attempt_raises_the_typed_error_with_the_reason_and_keeps_it():
    model = _perfect_fit()
    # the independent fact: at least one residual is exactly zero
    zeros = int(np.sum(model.results_.resid == 0))
    assert zeros >= 1
    with pytest.raises(StatisticUnavailableError) as info:
        model.results_.attempt("park")
    assert info.value.statistic == "park"
    assert f"{zeros} residual(s) are exactly zero" in info.value.reason
    # a statistic that is defined is returned as is (a dict of its test)
    assert set(model.results_.attempt("breusch_pagan")) >= {"lm", "lm_pvalue"}
    # the diagnostics dict keeps its documented form, the summary the reason
    assert model.diagnostics()["park"] == {"error": info.value.reason}
    assert f"not computed: {info.value.reason}" in str(model.summary())
    # the reason survives remove_data() and pickling, not a DataRemovedError
    model.results_.remove_data()
    restored = pickle.loads(pickle.dumps(model))
    with pytest.raises(StatisticUnavailableError, match="exactly zero"):
        restored.results_.attempt("park")
    assert str(restored.summary()) == str(model.summary())


def test_an_f_test_with_no_free_slope_raises_and_fvalue_is_nan():
    from sklearn_innov import CobbDouglasRegressor

    rng = np.random.default_rng(0)
    X = rng.uniform(1, 5, (40, 1))
    y = X[:, 0] ** 0.5 * np.exp(rng.normal(0, 0.1, 40))
    with pytest.warns(exceptions.SklearnInnovWarning, match="bind"):
        model = CobbDouglasRegressor(returns_to_scale="constant").fit(X, y)
    with pytest.raises(StatisticUnavailableError, match="no slope is free"):
        model.results_.model_test  # noqa: B018
    assert np.isnan(model.fvalue_) and np.isnan(model.f_pvalue_)
    assert "F is undefined: no slope is free" in str(model.summary())
