""":mod:`sklearn_innov.utils`: validation helpers shared by the estimators."""
