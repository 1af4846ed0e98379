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


def per_call(func, repeat, number):
    """Best over ``repeat`` runs of the mean time of ``number`` calls."""
    return best_time(lambda: [func() for _ in range(number)], repeat) / number


def _paper_size_data():
    """The paper's size: the embedded survey's indices, 127 firms."""
    from sklearn_innov import CompositeIndex
    from sklearn_innov.datasets import PAPER_SPEC, make_sme_survey

    survey = make_sme_survey(random_state=0)
    indices = (
        CompositeIndex(spec=PAPER_SPEC)
        .set_output(transform="pandas")
        .fit_transform(survey.frame)
    )
    X = indices[["X1", "X2", "X3", "X4"]]
    positive = (indices > 0).all(axis=1)
    return X, survey.target, X[positive], indices.loc[positive, "Y"]


@case("cobb_douglas_fit_n127")
def cobb_douglas_fit_small(repeat):
    """CobbDouglasRegressor.fit at the paper's size vs LinearRegression on logs.

    Diagnostics are computed on request, so a fit (as in every CV fold) pays
    for the coefficients only; target: within 1.5x of LinearRegression.
    """
    from sklearn.linear_model import LinearRegression

    from sklearn_innov import CobbDouglasRegressor

    _, _, X, y = _paper_size_data()
    log_X, log_y = np.log(X), np.log(y)
    ours = CobbDouglasRegressor().fit(X, y)
    peer = LinearRegression().fit(log_X, log_y)
    np.testing.assert_allclose(ours.coef_, peer.coef_, rtol=1e-10)
    return (
        per_call(lambda: CobbDouglasRegressor().fit(X, y), repeat, 200),
        per_call(lambda: LinearRegression().fit(log_X, log_y), repeat, 200),
        "LinearRegression().fit on the logged design (target: ratio >= 0.67)",
    )


@case("cobb_douglas_cv10_n127")
def cobb_douglas_cv_small(repeat):
    """10-fold cross_val_score of CobbDouglasRegressor vs LinearRegression on logs."""
    from sklearn.linear_model import LinearRegression
    from sklearn.model_selection import cross_val_score

    from sklearn_innov import CobbDouglasRegressor

    _, _, X, y = _paper_size_data()
    log_X, log_y = np.log(X), np.log(y)
    return (
        per_call(
            lambda: cross_val_score(CobbDouglasRegressor(), X, y, cv=10), repeat, 5
        ),
        per_call(
            lambda: cross_val_score(LinearRegression(), log_X, log_y, cv=10), repeat, 5
        ),
        "cross_val_score(LinearRegression(), logs, cv=10)",
    )


@case("stepwise_logit_fit_n127")
def stepwise_logit_fit_small(repeat):
    """StepwiseLogit.fit (whole BSTEP) at the paper's size vs one LogisticRegression."""
    from sklearn.linear_model import LogisticRegression

    from sklearn_innov import StepwiseLogit

    X, y, _, _ = _paper_size_data()
    return (
        per_call(lambda: StepwiseLogit().fit(X, y), repeat, 100),
        per_call(lambda: LogisticRegression().fit(X, y), repeat, 100),
        "LogisticRegression().fit (one L2 fit, no selection)",
    )


@case("stepwise_logit_cv10_n127")
def stepwise_logit_cv_small(repeat):
    """10-fold cross_val_score of StepwiseLogit vs LogisticRegression."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_score

    from sklearn_innov import StepwiseLogit

    X, y, _, _ = _paper_size_data()
    return (
        per_call(lambda: cross_val_score(StepwiseLogit(), X, y, cv=10), repeat, 5),
        per_call(lambda: cross_val_score(LogisticRegression(), X, y, cv=10), repeat, 5),
        "cross_val_score(LogisticRegression(), cv=10)",
    )


@case("selection_stability_1000_n127")
def selection_stability_paper(repeat):
    """selection_stability: 1,000 bootstrap refits of StepwiseLogit, 127 firms.

    The peer is the loop a user would write: ``clone(StepwiseLogit()).fit`` on
    the same resamples, collecting ``get_support()``; both must select the
    same features in every resample. selection_stability is that loop plus
    the fits on all rows, per-resample warning capture and bookkeeping, so
    parity is the expected ratio at ``n_jobs=1``; ``n_jobs=2`` is printed too.
    """
    from sklearn.base import clone

    from sklearn_innov import StepwiseLogit
    from sklearn_innov.model_selection import selection_stability

    X, y, _, _ = _paper_size_data()
    n_bootstrap, n = 1000, len(y)

    def ours(n_jobs=None):
        return selection_stability(
            StepwiseLogit(),
            X,
            y,
            n_bootstrap=n_bootstrap,
            random_state=0,
            n_jobs=n_jobs,
        )

    def peer():
        rng = np.random.RandomState(0)
        supports = []
        for _ in range(n_bootstrap):
            rows = rng.randint(n, size=n)
            model = clone(StepwiseLogit()).fit(X.iloc[rows], y.iloc[rows])
            supports.append(model.get_support())
        return np.array(supports)

    np.testing.assert_array_equal(ours().supports.to_numpy(), peer())
    t_ours = best_time(ours, repeat)
    t_peer = best_time(peer, repeat)
    t_two = best_time(lambda: ours(n_jobs=2), repeat)
    print(
        f"  per refit: ours {1e3 * t_ours / n_bootstrap:.2f} ms, plain loop "
        f"{1e3 * t_peer / n_bootstrap:.2f} ms; ours with n_jobs=2: {t_two:.2f} s"
    )
    return t_ours, t_peer, "plain clone(StepwiseLogit()).fit loop, same resamples"


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


def _stepwise_data(n=100_000, p=30, informative=10):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n, p))
    X[:, 1::3] += 0.5 * X[:, ::3][:, : X[:, 1::3].shape[1]]  # some correlation
    beta = np.zeros(p)
    beta[:informative] = np.linspace(0.05, 0.5, informative)
    y = (rng.random(n) < 1 / (1 + np.exp(-(X @ beta - 0.3)))).astype(int)
    return X, y


def _statsmodels_backward_wald(X, y, p_enter=0.05, p_remove=0.10):
    """The same SPSS rules as a user would write them around statsmodels."""
    import statsmodels.api as sm
    from scipy import stats

    included = list(range(X.shape[1]))
    visited = {frozenset(included)}
    while True:
        exog = sm.add_constant(X[:, included])
        res = sm.Logit(y, exog).fit(disp=0, method="newton")
        move = None
        if included:
            p_values = stats.chi2.sf(res.tvalues[1:] ** 2, 1)
            worst = int(np.argmax(p_values))
            if p_values[worst] > p_remove:
                move = included[:worst] + included[worst + 1 :]
        if move is None:
            outside = [j for j in range(X.shape[1]) if j not in included]
            best, best_p = None, p_enter
            for j in outside:
                model = sm.Logit(y, np.column_stack([exog, X[:, j]]))
                params = np.r_[res.params, 0.0]
                g = model.score(params)
                s = g @ np.linalg.solve(-model.hessian(params), g)
                if stats.chi2.sf(s, 1) < best_p:
                    best, best_p = j, stats.chi2.sf(s, 1)
            if best is not None:
                move = sorted(included + [best])
        if move is None or frozenset(move) in visited:
            return included, res
        visited.add(frozenset(move))
        included = move


@case("stepwise_logit_1e5x30_vs_statsmodels")
def stepwise_vs_statsmodels(repeat):
    """StepwiseLogit backward/Wald vs a statsmodels refit loop, same rules."""
    from sklearn_innov import StepwiseLogit

    X, y = _stepwise_data()

    def ours():
        return StepwiseLogit().fit(X, y)

    def peer():
        return _statsmodels_backward_wald(X, y)

    model = ours()
    included, res = peer()
    assert model.selected_features_ == included, (model.selected_features_, included)
    np.testing.assert_allclose(model.coef_[0, included], res.params[1:], rtol=1e-6)
    return (
        best_time(ours, repeat),
        best_time(peer, repeat),
        "statsmodels Logit refit loop",
    )


@case("stepwise_logit_1e5x30_vs_sfs")
def stepwise_vs_sfs(repeat):
    """For scale: scikit-learn's SequentialFeatureSelector (backward, cv=2)."""
    from sklearn.feature_selection import SequentialFeatureSelector
    from sklearn.linear_model import LogisticRegression

    from sklearn_innov import StepwiseLogit

    X, y = _stepwise_data()

    def ours():
        return StepwiseLogit().fit(X, y)

    def peer():
        sfs = SequentialFeatureSelector(
            LogisticRegression(), direction="backward", n_features_to_select=10, cv=2
        )
        return sfs.fit(X, y)

    return (
        best_time(ours, 1),
        best_time(peer, 1),
        "SequentialFeatureSelector(LogisticRegression(), backward to 10, cv=2), 1 run",
    )


def _bod_case(data, bod_bounds, repeat):
    """CompositeIndex(weights="bod") on 10,000 firms vs one linprog per firm."""
    from scipy.optimize import linprog

    from sklearn_innov import CompositeIndex

    frame = pd.DataFrame(data, columns=[f"q{j}" for j in range(data.shape[1])])

    def ours():
        return CompositeIndex(weights="bod", bod_bounds=bod_bounds).fit(frame)

    model = ours()
    frontier = model.bod_frontier_["index"].to_numpy()
    Y = (data - data.min(axis=0)) / (data.max(axis=0) - data.min(axis=0))
    k = Y.shape[1]
    A, b = [frontier], [np.ones(len(frontier))]
    if bod_bounds is not None:
        A += [bod_bounds[0] - np.eye(k), np.eye(k) - bod_bounds[1]]
        b += [np.zeros(k), np.zeros(k)]
    A, b = np.vstack(A), np.concatenate(b)

    def peer():
        # the loop a user would write, given the frontier (the LP's only
        # binding rows): one HiGHS call per firm
        return np.array(
            [
                -linprog(-y, A_ub=A, b_ub=b, bounds=(0, None), method="highs").fun
                for y in Y
            ]
        )

    np.testing.assert_allclose(model.transform(frame)[:, 0], peer(), atol=1e-9)
    return (
        best_time(lambda: ours().transform(frame), repeat),
        best_time(peer, 1),
        f"scipy linprog per firm against the frontier ({len(frontier)} rows), 1 run",
    )


@case("composite_bod_likert_1e4x8")
def bod_likert(repeat):
    """Benefit of the doubt, 10,000 firms x 8 Likert items: fit + transform."""
    rng = np.random.default_rng(0)
    latent = rng.normal(size=(10_000, 1))
    data = np.clip(np.round(3 + latent + rng.normal(0, 0.8, (10_000, 8))), 1, 5)
    return _bod_case(data, None, repeat)


@case("composite_bod_continuous_1e4x5")
def bod_continuous(repeat):
    """Benefit of the doubt, 10,000 firms x 5 continuous items: fit + transform."""
    data = np.random.default_rng(0).uniform(size=(10_000, 5))
    return _bod_case(data, None, repeat)


@case("composite_bod_continuous_bounded_1e4x5")
def bod_continuous_bounded(repeat):
    """As above with bod_bounds=(0.05, 0.5) on the weight shares."""
    data = np.random.default_rng(0).uniform(size=(10_000, 5))
    return _bod_case(data, (0.05, 0.5), repeat)


@case("make_sme_survey_1e6")
def survey_generation(repeat):
    """make_sme_survey(n_samples=1_000_000), against drawing its raw randomness."""
    from sklearn_innov.datasets import make_sme_survey

    def ours():
        return make_sme_survey(1_000_000, random_state=0)

    def peer():
        rng = np.random.default_rng(0)
        return rng.standard_normal((1_000_000, 45))

    return (
        best_time(ours, repeat),
        best_time(peer, repeat),
        "numpy: 1e6 x 45 normal draws",
    )


def _subprocess_seconds(code, repeat):
    """Best wall time of running ``python -c code`` in a fresh interpreter."""
    import subprocess
    import sys

    def run():
        subprocess.run(
            [sys.executable, "-c", code],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    return best_time(run, repeat)


@case("import_sklearn_innov")
def import_time(repeat):
    """``import sklearn_innov`` against ``import sklearn`` (fresh interpreters)."""
    ours = _subprocess_seconds("import sklearn_innov", repeat)
    peer = _subprocess_seconds("import sklearn", repeat)
    print(f"  import overhead over sklearn: {ours - peer:+.3f} s (target <= 0.3 s)")
    return ours, peer, "import sklearn"


@case("cobb_douglas_1e6_peak_memory")
def cobb_douglas_memory(repeat):
    """Peak memory of CobbDouglasRegressor.fit at n = 1e6 (MB), vs the input arrays."""
    import tracemalloc

    from sklearn_innov import CobbDouglasRegressor

    X, y = _cobb_douglas_data()
    input_mb = (X.nbytes + y.nbytes) / 1e6
    tracemalloc.start()
    CobbDouglasRegressor().fit(X, y)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    peak_mb = peak / 1e6
    print(
        f"  peak {peak_mb:.0f} MB for {input_mb:.0f} MB of input: "
        f"{peak_mb / input_mb:.2f}x (target <= 3x)"
    )
    # "times" are megabytes here: ratio = input / peak
    return peak_mb, input_mb, "MB: input arrays X and y (ratio = input/peak)"


@case("replicate_end_to_end")
def replicate_command(repeat):
    """``sklearn-innov replicate`` on the default data, as a user runs it."""
    import shutil
    import tempfile

    out = tempfile.mkdtemp()
    code = (
        "import sys; from sklearn_innov.cli import main; "
        f"sys.exit(main(['replicate', '--out', {out!r}]))"
    )
    ours = _subprocess_seconds(code, repeat)
    peer = _subprocess_seconds(
        "import sklearn_innov, matplotlib.pyplot, statsmodels.api", repeat
    )
    shutil.rmtree(out, ignore_errors=True)
    print(f"  end to end {ours:.2f} s (target < 10 s)")
    return ours, peer, "interpreter start + imports alone"


@case("grid_search_specs_n_jobs")
def grid_search_jobs(repeat):
    """GridSearchCV over 4 index specs x 5 folds with StepwiseLogit: n_jobs=2 vs 1."""
    from sklearn.model_selection import GridSearchCV, StratifiedKFold
    from sklearn.pipeline import make_pipeline

    from sklearn_innov import CompositeIndex, StepwiseLogit
    from sklearn_innov.datasets import PAPER_SPEC, make_sme_survey
    from sklearn_innov.model_selection._benchmark import _alternative_specs

    survey = make_sme_survey(random_state=0)
    mechanisms = {k: v for k, v in PAPER_SPEC.items() if k != "Y"}
    specs = _alternative_specs(mechanisms)
    specs += [{k: v for k, v in s.items() if k != "X4"} for s in specs]
    pipe = make_pipeline(CompositeIndex(), StepwiseLogit())
    cv = StratifiedKFold(5, shuffle=True, random_state=0)

    def search(n_jobs):
        return GridSearchCV(
            pipe, {"compositeindex__spec": specs}, cv=cv, n_jobs=n_jobs
        ).fit(survey.frame, survey.target)

    a, b = search(1), search(2)
    np.testing.assert_allclose(
        a.cv_results_["mean_test_score"], b.cv_results_["mean_test_score"]
    )
    return (
        best_time(lambda: search(2), repeat),
        best_time(lambda: search(1), repeat),
        "the same search with n_jobs=1 (ours: n_jobs=2)",
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
            print(f"{name:<28}{ours:>10.4g}{peer:>10.4g}{peer / ours:>11.2f}  {label}")


if __name__ == "__main__":
    main()
