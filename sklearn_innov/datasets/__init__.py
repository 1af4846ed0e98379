""":mod:`sklearn_innov.datasets`: the embedded synthetic survey and the paper.

:func:`make_sme_survey` draws a synthetic survey calibrated to the paper's
published marginals (the real survey is not public), :data:`PAPER_SPEC` is the
paper's index specification and :func:`load_paper_results` its published
Tables 9, 10 and 11.
"""

from ._paper import PAPER_SPEC, load_paper_results
from ._survey import make_sme_survey

__all__ = ["PAPER_SPEC", "load_paper_results", "make_sme_survey"]
