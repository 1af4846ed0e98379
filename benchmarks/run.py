"""Benchmark runner: our time, the peer's time in the same run, and the ratio.

Usage::

    python benchmarks/run.py            # every case
    python benchmarks/run.py composite  # cases whose name contains "composite"

Each case times our code and a peer (a hand-written NumPy computation, or the
statsmodels/scikit-learn chain a user would otherwise write) on the same data
in the same process, best of ``--repeat`` runs, and prints ``peer / ours``
(above 1 means we are faster). Figures live here, never in the tests.
"""

import argparse
import platform
import time

import numpy as np
import pandas as pd

CASES = {}


def case(name):
    def register(func):
        CASES[name] = func
        return func

    return register


def best_time(func, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


@case("composite_index_1e6x40")
def composite_index(repeat):
    """CompositeIndex.fit_transform, 1,000,000 rows x 40 items in 4 indices."""
    from sklearn_innov import CompositeIndex

    rng = np.random.default_rng(0)
    n, k = 1_000_000, 40
    data = rng.integers(1, 6, size=(n, k)).astype(np.float64)
    frame = pd.DataFrame(data, columns=[f"q{j}" for j in range(k)])
    spec = {f"X{g}": [f"q{j}" for j in range(g * 10, g * 10 + 10)] for g in range(4)}

    def ours():
        return CompositeIndex(spec=spec).fit_transform(frame)

    def peer():
        X = frame.to_numpy(dtype=np.float64)
        lo, hi = X.min(axis=0), X.max(axis=0)
        Z = (X - lo) / (hi - lo)
        return Z.reshape(n, 4, 10).sum(axis=2)

    np.testing.assert_allclose(ours(), peer(), rtol=1e-10)
    return best_time(ours, repeat), best_time(peer, repeat), "hand-vectorised numpy"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "filter", nargs="?", default="", help="run cases containing this"
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="best of N runs (default 3)"
    )
    args = parser.parse_args(argv)
    print(
        f"machine: {platform.machine()}, {platform.processor() or 'cpu'}; "
        f"python {platform.python_version()}, numpy {np.__version__}"
    )
    print(f"{'case':<28}{'ours (s)':>10}{'peer (s)':>10}{'peer/ours':>11}  peer")
    for name, func in CASES.items():
        if args.filter in name:
            ours, peer, label = func(args.repeat)
            print(f"{name:<28}{ours:>10.3f}{peer:>10.3f}{peer / ours:>11.2f}  {label}")


if __name__ == "__main__":
    main()
