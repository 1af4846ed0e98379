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


def _cobb_douglas_data(n=1_000_000, k=4):
    rng = np.random.default_rng(0)
    X = rng.uniform(0.05, 4.0, size=(n, k))
    y = np.exp(-0.6 + np.log(X) @ np.linspace(0.1, 0.4, k) + rng.normal(0, 0.5, n))
    return X, y


@case("cobb_douglas_1e6_vs_statsmodels")
def cobb_douglas_vs_statsmodels(repeat):
    """CobbDouglasRegressor fit + diagnostics() vs the statsmodels chain."""
    import statsmodels.api as sm
    from statsmodels.stats.diagnostic import het_breuschpagan, lilliefors
    from statsmodels.stats.outliers_influence import variance_inflation_factor
    from statsmodels.stats.stattools import durbin_watson

    from sklearn_innov import CobbDouglasRegressor

    X, y = _cobb_douglas_data()

    def ours():
        model = CobbDouglasRegressor().fit(X, y)
        return model, model.diagnostics()

    def peer():
        exog = sm.add_constant(np.log(X))
        res = sm.OLS(np.log(y), exog).fit()
        durbin_watson(res.resid)
        lilliefors(res.resid, dist="norm", pvalmethod="table")
        park = sm.OLS(np.log(res.resid**2), exog).fit()
        het_breuschpagan(res.resid, exog)
        vif = [variance_inflation_factor(exog, j) for j in range(1, exog.shape[1])]
        return res, park, vif

    model, _ = ours()
    res, _, _ = peer()
    np.testing.assert_allclose(model.coef_, res.params[1:], rtol=1e-8)
    return (
        best_time(ours, repeat),
        best_time(peer, repeat),
        "statsmodels OLS+DW+Lilliefors+Park+BP+VIF",
    )


@case("cobb_douglas_1e6_vs_numpy")
def cobb_douglas_vs_numpy(repeat):
    """CobbDouglasRegressor fit + diagnostics() vs a bare normal-equations solve."""
    from sklearn_innov import CobbDouglasRegressor

    X, y = _cobb_douglas_data()

    def ours():
        model = CobbDouglasRegressor().fit(X, y)
        return model, model.diagnostics()

    def peer():
        A = np.empty((X.shape[0], X.shape[1] + 1))
        A[:, 0] = 1.0
        np.log(X, out=A[:, 1:])
        return np.linalg.solve(A.T @ A, A.T @ np.log(y))

    np.testing.assert_allclose(ours()[0].coef_, peer()[1:], rtol=1e-8)
    return (
        best_time(ours, repeat),
        best_time(peer, repeat),
        "numpy: logs + normal equations",
    )


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
