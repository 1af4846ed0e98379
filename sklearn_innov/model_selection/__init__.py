""":mod:`sklearn_innov.model_selection`: predictive benchmarking of innovation
propensity (the ``sklearn-innov benchmark`` command)."""

from ._benchmark import BenchmarkResult, benchmark_models, run_benchmark

__all__ = ["BenchmarkResult", "benchmark_models", "run_benchmark"]
