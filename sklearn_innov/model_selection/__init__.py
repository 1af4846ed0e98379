""":mod:`sklearn_innov.model_selection`: predictive benchmarking of innovation
propensity (the ``sklearn-innov benchmark`` command) and the bootstrap
stability of a feature selection."""

from ._benchmark import (
    BenchmarkResult,
    BenchmarkSpec,
    benchmark_from_spec,
    benchmark_models,
    benchmark_spec,
    run_benchmark,
)
from ._stability import SelectionStability, selection_stability

__all__ = [
    "BenchmarkResult",
    "BenchmarkSpec",
    "SelectionStability",
    "benchmark_from_spec",
    "benchmark_models",
    "benchmark_spec",
    "run_benchmark",
    "selection_stability",
]
