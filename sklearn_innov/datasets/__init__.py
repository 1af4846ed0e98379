""":mod:`sklearn_innov.datasets`: the embedded synthetic survey and the paper.

:func:`make_sme_survey` draws a synthetic survey calibrated to the paper's
published marginals and regressions (the real survey is not public), or a
stratified or two-stage sample of a synthetic population with known totals
and census values (``design=``),
:data:`PAPER_SPEC` is the paper's index specification,
:func:`load_paper_results` its published Tables 9, 10 and 11, and
:func:`simulate_paper_ranges` where those published numbers sit among the
synthetic survey's over many seeds (:func:`load_paper_ranges`: 200 seeds,
shipped).
"""

from ._paper import PAPER_SPEC, load_paper_results
from ._ranges import load_paper_ranges, simulate_paper_ranges
from ._survey import make_sme_survey

__all__ = [
    "PAPER_SPEC",
    "load_paper_ranges",
    "load_paper_results",
    "make_sme_survey",
    "simulate_paper_ranges",
]
