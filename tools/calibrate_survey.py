"""Re-derive the constants of ``make_sme_survey`` by simulation.

Not part of the installed package: run it by hand after changing the
survey's model (``python tools/calibrate_survey.py``) and paste what it
prints into ``sklearn_innov/datasets/_survey.py``. Two steps:

1. ``table8``: the metro shifts of the collaboration (F1) and learning (F3)
   factors and the logit intercept, so that the innovation rates by metro
   area of Table 8 come out of X1 and X3 alone (fixed-point iterations on a
   large sample; the shifts move X1 and X3, hence the rates, together).
2. ``ranges``: where the paper's Table 9 and Table 11 statistics sit in the
   simulated 5-95% ranges over seeds of the 127-firm survey, the check behind
   the choice of ``COBB_DOUGLAS`` and ``COBB_DOUGLAS_SIGMA`` (edit them, rerun,
   until every statistic is comfortably inside; the test suite checks it).
"""

import argparse

import numpy as np
from scipy import special

from sklearn_innov.datasets import _ranges, _survey, simulate_paper_ranges
from sklearn_innov.datasets._paper import METROS, TABLE2, TABLE8


def table8(n_samples=400_000, iterations=6, random_state=0):
    """Fixed-point iterations of ``METRO_SHIFT`` and ``LOGIT["const"]``."""
    target = special.logit(np.array([TABLE8[m] for m in METROS]) / 100.0)
    weights = _survey._normalised([sum(TABLE2[m]) for m in METROS])
    for _ in range(iterations):
        _survey._thresholds.cache_clear()
        survey = _survey.make_sme_survey(n_samples, random_state=random_state)
        rates = survey.frame.groupby("metro_area", observed=True)["innovated"].mean()
        gap = target - special.logit(rates[list(METROS)].to_numpy())
        _survey.LOGIT["const"] += float(weights @ gap)
        for m, name in enumerate(METROS):
            # a unit shift of F1 and F3 moves the logit by about 1.1
            _survey.METRO_SHIFT[name] += float(gap[m] - weights @ gap) / 1.1
        print({k: round(float(v), 4) for k, v in rates.items()})
    return dict(_survey.METRO_SHIFT), _survey.LOGIT["const"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("step", choices=["table8", "ranges", "all"], default="all")
    parser.add_argument("--seeds", type=int, default=_ranges.RANGES_SEEDS)
    parser.add_argument(
        "--write",
        action="store_true",
        help="ranges: also write them to the package (load_paper_ranges)",
    )
    args = parser.parse_args()
    if args.step in ("table8", "all"):
        shifts, const = table8()
        print("METRO_SHIFT =", {k: round(v, 4) for k, v in shifts.items()})
        print('LOGIT["const"] =', round(const, 4))
    if args.step in ("ranges", "all"):
        result = simulate_paper_ranges(args.seeds)
        print(result.ranges.to_string())
        if args.write:
            result.ranges.to_csv(_ranges.RANGES_FILE, float_format="%.17g")
            print(f"written: {_ranges.RANGES_FILE}")
        print("stepwise logit keeps, share of seeds:")
        print(result.selection.to_string())


if __name__ == "__main__":
    main()
