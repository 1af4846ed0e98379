""":mod:`sklearn_innov.model_selection`: predictive benchmarking of innovation
propensity (the ``sklearn-innov benchmark`` command), named index specs for
grid searches, and the bootstrap stability of a feature selection."""

from ._benchmark import (
    BenchmarkResult,
    BenchmarkSpec,
    benchmark_from_spec,
    benchmark_models,
    benchmark_spec,
    run_benchmark,
)
from ._search import NamedSpec, named_specs
from ._stability import SelectionStability, selection_stability

__all__ = [
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
]
