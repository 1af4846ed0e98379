"""Benchmark runner: our time, each peer's time in the same run, and the ratios.

Usage::

    python benchmarks/run.py                      # every case
    python benchmarks/run.py stepwise             # cases whose name contains it
    python benchmarks/run.py --json out.json      # also write the results
    python benchmarks/readme_table.py out.json    # README table from them
    python benchmarks/run.py --smoke              # tiny sizes: checks only (CI)

Each case first asserts that ours and every peer agree (same selection,
coefficients, statistics), so a fast wrong answer cannot pass; then times
them interleaved, rotating the order within each of ``--repeat`` rounds so
that load from other jobs on the machine falls on every contender alike.
For each contender it records the best and worst wall time and the CPU time
(all threads) of the best round, and prints ``peer / ours`` per peer (above
1 means we are faster), naming the peer, and each target with the ratio
measured in this run. Timings live here, never in the tests.
"""

import argparse
import json
import os
import platform
import sys
import time
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

CASES = {}


def case(name):
    def register(func):
        CASES[name] = func
        return func

    return register


@dataclass
class Target:
    """``kind``: "ratio" (peer / ours at least ``value``), "seconds" (ours
    under ``value``) or "measure" (a measured quantity at most ``value``)."""

    text: str
    kind: str
    value: float
    peer: str = None


@dataclass
class Case:
    ours: object
    peers: dict = field(default_factory=dict)
    check: object = None
    targets: list = field(default_factory=list)
    note: str = ""
    number: int = 1  # calls per timing (for sub-millisecond cases)
    measure: object = None  # instead of timing: returns (value, unit, text)


def _time(func, number):
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(number):
        func()
    return (
        (time.perf_counter() - wall) / number,
        (time.process_time() - cpu) / number,
    )


def run_case(name, spec, repeat):
    """Check, then time ours and the peers interleaved; return a JSON record."""
    if spec.check is not None:
        spec.check()
    record = {"note": spec.note, "contenders": {}, "ratios": {}, "targets": []}
    if spec.measure is not None:
        value, unit, text = spec.measure()
        record["measure"] = {"value": value, "unit": unit, "text": text}
    else:
        contenders = [("ours", spec.ours), *spec.peers.items()]
        rounds = {label: [] for label, _ in contenders}
        for r in range(repeat):
            shift = r % len(contenders)
            for label, func in contenders[shift:] + contenders[:shift]:
                rounds[label].append(_time(func, spec.number))
        for label, times in rounds.items():
            walls = [w for w, _ in times]
            best = int(np.argmin(walls))
            record["contenders"][label] = {
                "wall_best": walls[best],
                "wall_worst": max(walls),
                "cpu_of_best": times[best][1],
            }
        ours = record["contenders"]["ours"]["wall_best"]
        for label in spec.peers:
            record["ratios"][label] = record["contenders"][label]["wall_best"] / ours
    for target in spec.targets:
        if target.kind == "ratio":
            measured = record["ratios"][target.peer]
            met = measured >= target.value
        elif target.kind == "seconds":
            measured = record["contenders"]["ours"]["wall_best"]
            met = measured < target.value
        else:
            measured = record["measure"]["value"]
            met = measured <= target.value
        record["targets"].append(
            {
                "text": target.text,
                "peer": target.peer,
                "kind": target.kind,
                "value": target.value,
                "measured": measured,
                "met": bool(met),
            }
        )
    return record


def print_record(name, record):
    print(f"\n== {name}" + (f": {record['note']}" if record["note"] else ""))
    for label, c in record["contenders"].items():
        ratio = record["ratios"].get(label)
        ratio_text = f"  peer/ours {ratio:6.2f}" if ratio is not None else ""
        print(
            f"  {label:<52} best {c['wall_best']:9.4g} s  worst "
            f"{c['wall_worst']:9.4g} s  cpu {c['cpu_of_best']:9.4g} s{ratio_text}"
        )
    if "measure" in record:
        m = record["measure"]
        print(f"  {m['text']}: {m['value']:.3g} {m['unit']}")
    for t in record["targets"]:
        status = {True: "met", False: "NOT MET", None: "not judged (smoke)"}[t["met"]]
        print(f"  target {t['text']}: measured {t['measured']:.3g} -> {status}")


# -- stepwise logit ------------------------------------------------------------

PLAIN = "plain statsmodels loop (Logit per model, defaults)"
TUNED = "tuned statsmodels loop (warm starts, check_rank=False)"


def _stepwise_data(n, p, informative=None, seed=0):
    """Correlated normal features, the first third informative."""
    informative = informative or max(p // 3, 1)
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    X[:, 1::3] += 0.5 * X[:, ::3][:, : X[:, 1::3].shape[1]]  # some correlation
    beta = np.zeros(p)
    beta[:informative] = np.linspace(0.05, 0.5, informative)
    y = (rng.random(n) < 1 / (1 + np.exp(-(X @ beta - 0.3)))).astype(int)
    return X, y


def _statsmodels_backward_wald(X, y, tuned=False, p_enter=0.05, p_remove=0.10):
    """SPSS's BSTEP(WALD) rules as a user would write them around statsmodels.

    ``tuned``: what a careful user adds, each model warm-started from the
    previous one's estimates and statsmodels' rank check (a QR of X per
    model) turned off.
    """
    import statsmodels.api as sm
    from scipy import stats

    options = {"check_rank": False} if tuned else {}
    included = list(range(X.shape[1]))
    visited = {frozenset(included)}
    start = None
    while True:
        exog = np.column_stack([np.ones(len(y)), X[:, included]])
        res = sm.Logit(y, exog, **options).fit(
            disp=0, method="newton", start_params=start
        )
        move = None
        if included:
            p_values = stats.chi2.sf(res.tvalues[1:] ** 2, 1)
            worst = int(np.argmax(p_values))
            if p_values[worst] > p_remove:
                move = included[:worst] + included[worst + 1 :]
                start = np.delete(res.params, worst + 1) if tuned else None
        if move is None:
            outside = [j for j in range(X.shape[1]) if j not in included]
            best, best_p = None, p_enter
            for j in outside:
                model = sm.Logit(y, np.column_stack([exog, X[:, j]]), **options)
                params = np.r_[res.params, 0.0]
                g = model.score(params)
                s = g @ np.linalg.solve(-model.hessian(params), g)
                if stats.chi2.sf(s, 1) < best_p:
                    best, best_p = j, stats.chi2.sf(s, 1)
            if best is not None:
                move = sorted(included + [best])
                if tuned:
                    start = np.insert(res.params, move.index(best) + 1, 0.0)
        if move is None or frozenset(move) in visited:
            return included, res
        visited.add(frozenset(move))
        included = move


LARGE_TARGETS = (
    Target(">= 3x the tuned loop (aim 5x)", "ratio", 3.0, TUNED),
    Target(">= 10x the plain loop", "ratio", 10.0, PLAIN),
)
SMALL_TARGETS = (Target(">= 3x the plain loop", "ratio", 3.0, PLAIN),)


def _stepwise_case(n, p, targets=LARGE_TARGETS, number=1):
    from sklearn_innov import StepwiseLogit

    X, y = _stepwise_data(n, p)

    def check():
        model = StepwiseLogit().fit(X, y)
        for tuned in (False, True):
            included, res = _statsmodels_backward_wald(X, y, tuned=tuned)
            assert model.selected_features_ == included, (
                model.selected_features_,
                included,
            )
            np.testing.assert_allclose(
                model.coef_[0, included], res.params[1:], rtol=1e-6
            )
            np.testing.assert_allclose(model.intercept_, res.params[:1], rtol=1e-6)

    return Case(
        ours=lambda: StepwiseLogit().fit(X, y),
        peers={
            TUNED: lambda: _statsmodels_backward_wald(X, y, tuned=True),
            PLAIN: lambda: _statsmodels_backward_wald(X, y),
        },
        check=check,
        targets=list(targets),
        number=number,
        note=f"StepwiseLogit() backward Wald, n={n:.0e}, p={p}, same selection "
        "and coefficients to 1e-6 asserted first",
    )


@case("stepwise_wald_1e3x10")
def stepwise_1e3x10(smoke):
    return _stepwise_case(1_000, 10, SMALL_TARGETS, number=3 if smoke else 20)


@case("stepwise_wald_1e4x20")
def stepwise_1e4x20(smoke):
    return _stepwise_case(*((2_000, 8) if smoke else (10_000, 20)), SMALL_TARGETS)


@case("stepwise_wald_1e5x30")
def stepwise_1e5x30(smoke):
    return _stepwise_case(*((2_000, 8) if smoke else (100_000, 30)))


@case("stepwise_wald_1e4x100")
def stepwise_1e4x100(smoke):
    return _stepwise_case(*((1_000, 15) if smoke else (10_000, 100)))


@case("stepwise_wald_1e6x10")
def stepwise_1e6x10(smoke):
    return _stepwise_case(*((50_000, 6) if smoke else (1_000_000, 10)))


def _quasi_separated(n=400, p=200, seed=0):
    """Random design, five true effects, and a binary feature that is 1 only
    for events (quasi-complete separation); with p = n / 2 the full model
    is completely separated too."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    beta = np.zeros(p)
    beta[:5] = [1.0, -0.8, 0.6, 0.5, -0.4]
    y = (rng.random(n) < 1 / (1 + np.exp(-(X @ beta)))).astype(int)
    X[:, 0] = ((y == 1) & (rng.random(n) < 0.3)).astype(float)
    return X, y


@case("stepwise_separated_400x200")
def stepwise_separated(smoke):
    from sklearn_innov import StepwiseLogit
    from sklearn_innov.exceptions import SeparationWarning

    X, y = _quasi_separated(*((120, 40) if smoke else (400, 200)))

    def ours():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SeparationWarning)
            return StepwiseLogit().fit(X, y)

    def check():
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            StepwiseLogit().fit(X, y)
        kinds = {type(w.message).__name__ for w in caught}
        assert kinds == {"SeparationWarning"}, kinds
        assert "'0'" in str(caught[0].message)

    return Case(
        ours=ours,
        check=check,
        targets=[Target("backward selection under 10 s", "seconds", 10.0)],
        note="StepwiseLogit() backward Wald on 400 x 200 with quasi-complete "
        "separation (140-300 s before issue 17); the SeparationWarning asserted",
    )


FIRTHMODELS = "firthmodels FirthLogisticRegression().fit().lrt()"


@case("firth_lr_1e4x20")
def firth_lr(smoke):
    import firthmodels

    from sklearn_innov import StepwiseLogit

    n, p = (500, 5) if smoke else (10_000, 20)
    X, y = _stepwise_data(n, p, seed=1)

    def ours():
        model = StepwiseLogit(penalty="firth", p_remove=1.0).fit(X, y)
        return model, model.results_.lr_tests

    def peer():
        ref = firthmodels.FirthLogisticRegression(gtol=1e-8, xtol=1e-8, max_iter=100)
        return ref.fit(X, y).lrt()

    def check():
        from scipy import stats

        model, lr = ours()
        ref = peer()
        np.testing.assert_allclose(model.coef_[0], ref.coef_, rtol=1e-5, atol=1e-8)
        # lrt() gives p-values (intercept last); the chi-squares back from them
        chi2 = stats.chi2.isf(ref.lrt_pvalues_, 1)
        np.testing.assert_allclose(np.r_[lr[1:], lr[0]], chi2, rtol=1e-4)

    return Case(
        ours=ours,
        peers={FIRTHMODELS: peer},
        check=check,
        note=f"Firth's penalised fit and its penalised LR test of every "
        f"coefficient, n={n}, p={p} (ratio printed, no target)",
    )


@case("firth_pickle_2e4x10")
def firth_pickle(smoke):
    """Saving a fitted Firth model costs no more than twice its fit."""
    import pickle

    from sklearn_innov import StepwiseLogit

    n, p = (2_000, 5) if smoke else (20_000, 10)
    X, y = _stepwise_data(n, p, seed=2)

    def measure():
        fits, saves = [], []
        for _ in range(3 if smoke else 7):
            start = time.perf_counter()
            model = StepwiseLogit(penalty="firth", p_remove=1.0).fit(X, y)
            fits.append(time.perf_counter() - start)
            start = time.perf_counter()
            blob = pickle.dumps(model)
            saves.append(time.perf_counter() - start)
        loaded = pickle.loads(blob)
        assert loaded.support_.all()  # every feature kept
        assert str(loaded.summary()) == str(model.summary())
        ratio = min(saves) / min(fits)
        text = (
            f"pickle.dumps {min(saves) * 1e3:.1f} ms / fit {min(fits) * 1e3:.1f} ms "
            "(best of each)"
        )
        return ratio, "x the fit", text

    return Case(
        ours=None,
        measure=measure,
        targets=[Target("pickling at most 2x the fit", "measure", 2.0)],
        note=f"StepwiseLogit(penalty='firth', p_remove=1.0) on {n} x {p}: pickle "
        "time over fit time; summary() after unpickling asserted equal",
    )


# -- Cobb-Douglas -------------------------------------------------------------

HAND = "NumPy/SciPy by hand: the same statistics"
NORMAL_EQUATIONS = "NumPy: logs + normal equations (coefficients only)"


def _cobb_douglas_data(n=1_000_000, k=4):
    rng = np.random.default_rng(0)
    X = rng.uniform(0.05, 4.0, size=(n, k))
    y = np.exp(-0.6 + np.log(X) @ np.linspace(0.1, 0.4, k) + rng.normal(0, 0.5, n))
    return X, y


def _normal_equations(X, y):
    A = np.empty((X.shape[0], X.shape[1] + 1), order="F")
    A[:, 0] = 1.0
    np.log(X, out=A[:, 1:])
    return np.linalg.solve(A.T @ A, A.T @ np.log(y))


def _by_hand(X, y):
    """What CobbDouglasRegressor().fit(X, y).diagnostics() reports, in NumPy."""
    from scipy import linalg, special, stats

    n, k = X.shape
    A = np.empty((n, k + 1), order="F")
    A[:, 0] = 1.0
    np.log(X, out=A[:, 1:])
    ly = np.log(y)
    factor = linalg.cho_factor(A.T @ A)
    G_inv = linalg.cho_solve(factor, np.eye(k + 1))
    df = n - k - 1

    def regress(v):
        b = linalg.cho_solve(factor, A.T @ v)
        e = v - A @ b
        ssr = e @ e
        tss = np.sum((v - v.mean()) ** 2)
        se = np.sqrt(ssr / df * np.diag(G_inv))
        r2 = 1 - ssr / tss
        F = r2 / k / ((1 - r2) / df)
        return b, e, ssr, se, r2, F, stats.f.sf(F, k, df)

    b, e, ssr, se, r2, F, _ = regress(ly)
    t = b / se
    p = 2 * stats.t.sf(np.abs(t), df)
    dw = np.sum(np.diff(e) ** 2) / ssr
    z = np.sort((e - e.mean()) / e.std(ddof=1))
    cdf = special.ndtr(z)
    i = np.arange(1, n + 1) / n
    lilliefors = max(np.max(i - cdf), np.max(cdf - i + 1 / n))
    park = regress(np.log(e**2))
    e2 = e**2
    bp = regress(e2)
    lm = n * bp[4]
    corr = np.corrcoef(A[:, 1:], rowvar=False)
    vif = np.diag(np.linalg.inv(corr))
    rts = b[1:].sum()
    rts_se = np.sqrt(ssr / df * G_inv[1:, 1:].sum())
    return {
        "coef": b,
        "t": t,
        "p": p,
        "r2": r2,
        "F": F,
        "durbin_watson": dw,
        "lilliefors": lilliefors,
        "park_F": park[5],
        "bp_lm": lm,
        "bp_p": stats.chi2.sf(lm, k),
        "vif": vif,
        "rts_t": (rts - 1) / rts_se,
    }


@case("cobb_douglas_1e6_fit_diagnostics")
def cobb_douglas_diagnostics(smoke):
    from sklearn_innov import CobbDouglasRegressor

    X, y = _cobb_douglas_data(20_000 if smoke else 1_000_000)

    def ours():
        model = CobbDouglasRegressor().fit(X, y)
        return model, model.diagnostics()

    def check():
        model, diag = ours()
        hand = _by_hand(X, y)
        np.testing.assert_allclose(model.coef_, hand["coef"][1:], rtol=1e-8)
        np.testing.assert_allclose(
            diag["durbin_watson"], hand["durbin_watson"], rtol=1e-8
        )
        np.testing.assert_allclose(
            diag["normality"]["statistic"], hand["lilliefors"], rtol=1e-6
        )
        np.testing.assert_allclose(
            diag["breusch_pagan"]["lm"], hand["bp_lm"], rtol=1e-6
        )
        np.testing.assert_allclose(diag["vif"], hand["vif"], rtol=1e-6)

    return Case(
        ours=ours,
        peers={HAND: lambda: _by_hand(X, y)},
        check=check,
        targets=[
            Target("within 1.1x of NumPy by hand (>= 0.91)", "ratio", 1 / 1.1, HAND)
        ],
        note="CobbDouglasRegressor().fit(X, y).diagnostics(), n=1e6, p=4: fit, "
        "t/p, R², F, Durbin-Watson, Lilliefors, Park, Breusch-Pagan, VIF, "
        "returns to scale",
    )


@case("cobb_douglas_1e6_fit")
def cobb_douglas_fit(smoke):
    from sklearn_innov import CobbDouglasRegressor

    X, y = _cobb_douglas_data(20_000 if smoke else 1_000_000)

    def check():
        np.testing.assert_allclose(
            CobbDouglasRegressor().fit(X, y).coef_,
            _normal_equations(X, y)[1:],
            rtol=1e-8,
        )

    return Case(
        ours=lambda: CobbDouglasRegressor().fit(X, y),
        peers={NORMAL_EQUATIONS: lambda: _normal_equations(X, y)},
        check=check,
        targets=[
            Target(
                "fit within 1.5x of logs + normal equations (>= 0.67)",
                "ratio",
                1 / 1.5,
                NORMAL_EQUATIONS,
            )
        ],
        note="CobbDouglasRegressor().fit(X, y) alone (diagnostics on demand), "
        "n=1e6, p=4",
    )


def _iv_data(n, seed=0):
    """Four positive regressors, the first endogenous, two excluded instruments."""
    rng = np.random.default_rng(seed)
    firm = rng.normal(size=n)
    Z = rng.normal(size=(n, 2))
    logs = rng.normal(size=(n, 4))
    logs[:, 0] += Z @ [0.6, 0.4] + 0.5 * firm
    log_y = 0.5 + logs @ [0.4, 0.3, 0.2, 0.1] + firm + 0.3 * rng.normal(size=n)
    X = pd.DataFrame(np.exp(logs), columns=["X1", "X2", "X3", "X4"])
    X[["z1", "z2"]] = Z
    return X, np.exp(log_y)


@case("iv_cobb_douglas_1e5_fit")
def iv_cobb_douglas_fit(smoke):
    from sklearn_innov import CobbDouglasRegressor, IVCobbDouglasRegressor

    X, y = _iv_data(20_000 if smoke else 100_000)
    regressors = X[["X1", "X2", "X3", "X4"]]
    iv = IVCobbDouglasRegressor(endogenous=["X1"], instruments=["z1", "z2"])
    peer = "CobbDouglasRegressor().fit (OLS, same regressors)"

    def check():
        # 2SLS by hand: OLS on the first stage's fitted values
        ones = np.ones((len(y), 1))
        Z = np.column_stack([ones, np.log(regressors.iloc[:, 1:]), X[["z1", "z2"]]])
        design = np.column_stack([ones, np.log(regressors)])
        fitted = Z @ np.linalg.lstsq(Z, design, rcond=None)[0]
        coef = np.linalg.lstsq(fitted, np.log(y), rcond=None)[0]
        np.testing.assert_allclose(iv.fit(X, y).coef_, coef[1:], rtol=1e-8)

    return Case(
        ours=lambda: iv.fit(X, y),
        peers={peer: lambda: CobbDouglasRegressor().fit(regressors, y)},
        check=check,
        targets=[Target("within 2x of OLS (>= 0.5)", "ratio", 0.5, peer)],
        note="IVCobbDouglasRegressor(2SLS, 1 endogenous of 4, 2 instruments).fit "
        "vs CobbDouglasRegressor.fit, n=1e5",
    )


@case("cobb_douglas_1e6_peak_memory")
def cobb_douglas_memory(smoke):
    import tracemalloc

    from sklearn_innov import CobbDouglasRegressor

    X, y = _cobb_douglas_data(20_000 if smoke else 1_000_000)

    def measure():
        input_mb = (X.nbytes + y.nbytes) / 1e6
        tracemalloc.start()
        CobbDouglasRegressor().fit(X, y)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return (
            peak / 1e6 / input_mb,
            "x the input",
            f"tracemalloc peak {peak / 1e6:.0f} MB during fit, for "
            f"{input_mb:.0f} MB of X and y",
        )

    return Case(
        ours=None,
        measure=measure,
        targets=[Target("peak memory at most 2x the input", "measure", 2.0)],
        note="peak memory of CobbDouglasRegressor().fit at n=1e6",
    )


# -- composite index and the survey --------------------------------------------

FRAME = "the same CompositeIndex on a DataFrame"
HAND_INDEX = "hand-vectorised NumPy min-max and group sums"


@case("composite_index_1e6x40")
def composite_index(smoke):
    from sklearn_innov import CompositeIndex

    n, k = (20_000, 40) if smoke else (1_000_000, 40)
    rng = np.random.default_rng(0)
    data = rng.integers(1, 6, size=(n, k)).astype(np.float64)
    frame = pd.DataFrame(data, columns=[f"q{j}" for j in range(k)])
    by_name = {f"X{g}": [f"q{j}" for j in range(g * 10, g * 10 + 10)] for g in range(4)}
    by_position = {f"X{g}": list(range(g * 10, g * 10 + 10)) for g in range(4)}

    def peer():
        lo, hi = data.min(axis=0), data.max(axis=0)
        Z = (data - lo) / (hi - lo)
        return Z.reshape(n, 4, 10).sum(axis=2)

    def ours():
        return CompositeIndex(spec=by_position).fit_transform(data)

    def on_frame():
        return CompositeIndex(spec=by_name).fit_transform(frame)

    def check():
        np.testing.assert_allclose(ours(), peer(), rtol=1e-10)
        np.testing.assert_allclose(on_frame(), peer(), rtol=1e-10)

    return Case(
        ours=ours,
        peers={FRAME: on_frame, HAND_INDEX: peer},
        check=check,
        targets=[
            Target(
                "array within 1.2x of DataFrame input (>= 0.83)",
                "ratio",
                1 / 1.2,
                FRAME,
            ),
            Target(">= 0.7 of hand-written NumPy", "ratio", 0.7, HAND_INDEX),
        ],
        note="CompositeIndex(spec=4 x 10 items).fit_transform on a 1e6 x 40 "
        "NumPy array (ours) vs the same on a DataFrame and vs NumPy",
    )


# -- weights (issue 26): a weighted fit within 1.5x of the unweighted one -------

UNWEIGHTED = "the same fit without weights"
WEIGHTED_TARGET = [
    Target("weighted within 1.5x of unweighted (>= 0.67)", "ratio", 1 / 1.5, UNWEIGHTED)
]


def _weighted_case(fit, replicate_check, note, number=1):
    """``fit(weights)``: ours with integer weights 1-3, the peer without;
    the check compares the weighted fit with the fit on replicated rows."""
    return Case(
        ours=lambda: fit(True),
        peers={UNWEIGHTED: lambda: fit(False)},
        check=replicate_check,
        targets=list(WEIGHTED_TARGET),
        number=number,
        note=note,
    )


def _weights(n, seed=0):
    return np.random.default_rng(seed).integers(1, 4, n).astype(np.float64)


@case("weighted_stepwise_n127")
def weighted_stepwise_small(smoke):
    from sklearn_innov import StepwiseLogit

    X, y, _, _ = _paper_size_data()
    w = _weights(len(y))

    def fit(weighted):
        return StepwiseLogit().fit(X, y, sample_weight=w if weighted else None)

    def check():
        rows = np.repeat(np.arange(len(y)), w.astype(int))
        np.testing.assert_allclose(
            fit(True).coef_,
            StepwiseLogit().fit(X.iloc[rows], y.iloc[rows]).coef_,
            rtol=1e-8,
            atol=1e-12,
        )

    return _weighted_case(
        fit,
        check,
        "StepwiseLogit.fit with sample_weight (1-3) at 127 x 4, equal to the "
        "fit on the replicated rows (asserted first)",
        number=10 if smoke else 100,
    )


@case("weighted_stepwise_1e4x20")
def weighted_stepwise_large(smoke):
    from sklearn_innov import StepwiseLogit

    X, y = _stepwise_data(2_000 if smoke else 10_000, 20)
    w = _weights(len(y))

    def fit(weighted):
        return StepwiseLogit().fit(X, y, sample_weight=w if weighted else None)

    def check():
        rows = np.repeat(np.arange(len(y)), w.astype(int))
        np.testing.assert_allclose(
            fit(True).coef_, StepwiseLogit().fit(X[rows], y[rows]).coef_, rtol=1e-7
        )

    return _weighted_case(
        fit, check, "StepwiseLogit.fit with sample_weight at 10,000 x 20", number=3
    )


@case("weighted_cobb_douglas_1e6")
def weighted_cobb_douglas(smoke):
    from sklearn_innov import CobbDouglasRegressor

    X, y = _cobb_douglas_data(20_000 if smoke else 1_000_000)
    w = _weights(len(y))

    def fit(weighted):
        return CobbDouglasRegressor().fit(X, y, sample_weight=w if weighted else None)

    def check():
        small = slice(0, 5_000)
        rows = np.repeat(np.arange(5_000), w[small].astype(int))
        ours = CobbDouglasRegressor().fit(X[small], y[small], sample_weight=w[small])
        ref = CobbDouglasRegressor().fit(X[rows], y[rows])
        np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-9)
        np.testing.assert_allclose(
            ours.coef_table_["std_err"], ref.coef_table_["std_err"], rtol=1e-8
        )

    return _weighted_case(
        fit, check, "CobbDouglasRegressor.fit with sample_weight, n=1e6, p=4"
    )


@case("weighted_composite_1e5x40")
def weighted_composite(smoke):
    from sklearn_innov import CompositeIndex

    n, k = (5_000, 40) if smoke else (100_000, 40)
    rng = np.random.default_rng(0)
    data = rng.integers(1, 6, size=(n, k)).astype(np.float64)
    spec = {f"X{g}": list(range(g * 10, g * 10 + 10)) for g in range(4)}
    w = _weights(n)

    def fit(weighted):
        return CompositeIndex(spec=spec, normalize="zscore").fit(
            data, sample_weight=w if weighted else None
        )

    def check():
        rows = np.repeat(np.arange(n), w.astype(int))
        np.testing.assert_allclose(
            fit(True).transform(data),
            CompositeIndex(spec=spec, normalize="zscore")
            .fit(data[rows])
            .transform(data),
            rtol=1e-9,
            atol=1e-12,
        )

    return _weighted_case(
        fit,
        check,
        "CompositeIndex(normalize='zscore').fit with sample_weight, 1e5 x 40",
    )


@case("make_sme_survey_1e6")
def survey_generation(smoke):
    from sklearn_innov.datasets import make_sme_survey

    n = 20_000 if smoke else 1_000_000
    return Case(
        ours=lambda: make_sme_survey(n, random_state=0),
        peers={
            "NumPy: n x 45 normal draws (the raw randomness)": lambda: (
                np.random.default_rng(0).standard_normal((n, 45))
            )
        },
        targets=[Target("under 2 s", "seconds", 2.0)],
        note=f"make_sme_survey(n_samples={n})",
    )


# -- the paper's size and the rest --------------------------------------------


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
def cobb_douglas_fit_small(smoke):
    from sklearn.linear_model import LinearRegression

    from sklearn_innov import CobbDouglasRegressor

    _, _, X, y = _paper_size_data()
    log_X, log_y = np.log(X), np.log(y)
    peer = "LinearRegression().fit on the logged design"

    def check():
        np.testing.assert_allclose(
            CobbDouglasRegressor().fit(X, y).coef_,
            LinearRegression().fit(log_X, log_y).coef_,
            rtol=1e-10,
        )

    return Case(
        ours=lambda: CobbDouglasRegressor().fit(X, y),
        peers={peer: lambda: LinearRegression().fit(log_X, log_y)},
        check=check,
        number=20 if smoke else 200,
        targets=[Target("within 1.5x (>= 0.67)", "ratio", 1 / 1.5, peer)],
        note="CobbDouglasRegressor.fit at the paper's size (127 firms)",
    )


@case("stepwise_logit_fit_n127")
def stepwise_logit_fit_small(smoke):
    from sklearn.linear_model import LogisticRegression

    from sklearn_innov import StepwiseLogit

    X, y, _, _ = _paper_size_data()
    # the loops get NumPy arrays (statsmodels is slower on DataFrames); ours
    # the DataFrame a user has
    values, target = X.to_numpy(), y.to_numpy()

    def check():
        model = StepwiseLogit().fit(X, y)
        for tuned in (False, True):
            included, res = _statsmodels_backward_wald(values, target, tuned=tuned)
            assert list(np.flatnonzero(model.support_)) == included
            np.testing.assert_allclose(
                model.coef_[0, included], res.params[1:], rtol=1e-6
            )

    return Case(
        ours=lambda: StepwiseLogit().fit(X, y),
        peers={
            PLAIN: lambda: _statsmodels_backward_wald(values, target),
            TUNED: lambda: _statsmodels_backward_wald(values, target, tuned=True),
            "LogisticRegression().fit (one L2 fit, no selection)": lambda: (
                LogisticRegression().fit(X, y)
            ),
        },
        check=check,
        number=10 if smoke else 100,
        targets=[
            Target(">= 3x the plain loop", "ratio", 3.0, PLAIN),
            Target("under 1 ms", "seconds", 1e-3),
        ],
        note="StepwiseLogit.fit (whole BSTEP) at the paper's size (127 x 4), "
        "same selection and coefficients asserted first",
    )


@case("cobb_douglas_cv10_n127")
def cobb_douglas_cv_small(smoke):
    from sklearn.linear_model import LinearRegression
    from sklearn.model_selection import cross_val_score

    from sklearn_innov import CobbDouglasRegressor

    _, _, X, y = _paper_size_data()
    log_X, log_y = np.log(X), np.log(y)
    return Case(
        ours=lambda: cross_val_score(CobbDouglasRegressor(), X, y, cv=10),
        peers={
            "cross_val_score(LinearRegression(), logs, cv=10)": lambda: cross_val_score(
                LinearRegression(), log_X, log_y, cv=10
            )
        },
        number=1 if smoke else 5,
        note="10-fold cross_val_score at the paper's size: no diagnostic is paid",
    )


@case("stepwise_logit_cv10_n127")
def stepwise_logit_cv_small(smoke):
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_score

    from sklearn_innov import StepwiseLogit

    X, y, _, _ = _paper_size_data()
    return Case(
        ours=lambda: cross_val_score(StepwiseLogit(), X, y, cv=10),
        peers={
            "cross_val_score(LogisticRegression(), cv=10)": lambda: cross_val_score(
                LogisticRegression(), X, y, cv=10
            )
        },
        number=1 if smoke else 5,
        note="10-fold cross_val_score of the whole stepwise procedure",
    )


@case("selection_stability_1000_n127")
def selection_stability_paper(smoke):
    """1,000 bootstrap refits of StepwiseLogit at 127 firms vs the plain loop."""
    from sklearn.base import clone
    from sklearn.utils import check_random_state

    from sklearn_innov import StepwiseLogit
    from sklearn_innov.model_selection import selection_stability

    X, y, _, _ = _paper_size_data()
    n_bootstrap, n = (20 if smoke else 1000), len(y)

    def ours():
        return selection_stability(
            StepwiseLogit(), X, y, n_bootstrap=n_bootstrap, random_state=0
        )

    def loop():
        rng = check_random_state(0)
        supports = []
        for _ in range(n_bootstrap):
            rows = rng.randint(n, size=n)
            Xb, yb = X.iloc[rows], y.iloc[rows]
            if yb.nunique() < 2:
                continue
            supports.append(clone(StepwiseLogit()).fit(Xb, yb).get_support())
        return np.array(supports)

    values, target = X.to_numpy(), y.to_numpy()

    def statsmodels_loop(tuned=False):
        rng = check_random_state(0)
        supports = []
        for _ in range(n_bootstrap):
            rows = rng.randint(n, size=n)
            if np.unique(target[rows]).size < 2:
                continue
            included, _ = _statsmodels_backward_wald(
                values[rows], target[rows], tuned=tuned
            )
            support = np.zeros(values.shape[1], dtype=bool)
            support[included] = True
            supports.append(support)
        return np.array(supports)

    def check():
        supports = ours().supports
        np.testing.assert_array_equal(supports, loop())
        np.testing.assert_array_equal(supports, statsmodels_loop())

    plain = f"{PLAIN} on the same resamples"
    return Case(
        ours=ours,
        peers={
            plain: statsmodels_loop,
            f"{TUNED} on the same resamples": lambda: statsmodels_loop(tuned=True),
            "a plain loop of clone(StepwiseLogit()).fit on the same resamples": loop,
        },
        check=check,
        targets=[
            Target(">= 3x the plain statsmodels loop", "ratio", 3.0, plain),
            Target("seconds for 1,000 refits", "seconds", 10.0),
        ],
        note=f"selection_stability, {n_bootstrap} bootstrap refits at n=127, the "
        "same selections asserted first",
    )


@case("paper_pipeline_cv10x5_n127")
def paper_pipeline_cv(smoke):
    """10-fold cross-validation repeated 5 times of the paper's pipeline."""
    from sklearn.model_selection import RepeatedStratifiedKFold, cross_val_score
    from sklearn.pipeline import make_pipeline

    from sklearn_innov import CompositeIndex, StepwiseLogit
    from sklearn_innov.datasets import PAPER_SPEC, make_sme_survey

    survey = make_sme_survey(random_state=0)
    frame, y = survey.frame, survey.target
    spec = {name: PAPER_SPEC[name] for name in ("X1", "X2", "X3", "X4")}
    folds = RepeatedStratifiedKFold(
        n_splits=10, n_repeats=1 if smoke else 5, random_state=0
    )
    splits = list(folds.split(frame, y))

    def ours():
        model = make_pipeline(CompositeIndex(spec=spec), StepwiseLogit())
        return cross_val_score(model, frame, y, cv=splits)

    def loop(tuned=False):
        # the same indices, then the statsmodels stepping and its predictions
        scores = []
        for train, test in splits:
            indices = CompositeIndex(spec=spec).fit(frame.iloc[train])
            X_train = np.asarray(indices.transform(frame.iloc[train]))
            X_test = np.asarray(indices.transform(frame.iloc[test]))
            y_train, y_test = y.to_numpy()[train], y.to_numpy()[test]
            included, res = _statsmodels_backward_wald(X_train, y_train, tuned=tuned)
            eta = res.params[0] + X_test[:, included] @ res.params[1:]
            scores.append(np.mean((eta > 0).astype(int) == y_test))
        return np.array(scores)

    def check():
        np.testing.assert_allclose(ours(), loop())

    return Case(
        ours=ours,
        peers={PLAIN: loop, TUNED: lambda: loop(tuned=True)},
        check=check,
        number=1,
        note=f"cross_val_score of make_pipeline(CompositeIndex(PAPER_SPEC's X1-X4), "
        f"StepwiseLogit()), {len(splits)} folds (10-fold x "
        f"{len(splits) // 10}); the loops take the same indices, then "
        "statsmodels; the same accuracies asserted first (ratio printed, no "
        "target: the indices are most of the work)",
    )


def _bod_case(data, bod_bounds):
    """CompositeIndex(weights="bod") on 10,000 firms vs one linprog per firm."""
    from scipy.optimize import linprog

    from sklearn_innov import CompositeIndex

    frame = pd.DataFrame(data, columns=[f"q{j}" for j in range(data.shape[1])])

    def fit():
        return CompositeIndex(weights="bod", bod_bounds=bod_bounds).fit(frame)

    model = fit()
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

    def check():
        np.testing.assert_allclose(
            np.asarray(model.transform(frame))[:, 0], peer(), atol=1e-9
        )

    return Case(
        ours=lambda: fit().transform(frame),
        peers={
            f"scipy linprog per firm against the frontier ({len(frontier)} rows)": peer
        },
        check=check,
        note="benefit of the doubt: fit + transform",
    )


@case("composite_bod_likert_1e4x8")
def bod_likert(smoke):
    n = 500 if smoke else 10_000
    rng = np.random.default_rng(0)
    latent = rng.normal(size=(n, 1))
    data = np.clip(np.round(3 + latent + rng.normal(0, 0.8, (n, 8))), 1, 5)
    return _bod_case(data, None)


@case("composite_bod_continuous_bounded_1e4x5")
def bod_continuous_bounded(smoke):
    data = np.random.default_rng(0).uniform(size=(500 if smoke else 10_000, 5))
    return _bod_case(data, (0.05, 0.5))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "filter", nargs="?", default="", help="run cases containing this"
    )
    parser.add_argument("--repeat", type=int, default=3, help="rounds (default 3)")
    parser.add_argument("--json", metavar="PATH", help="write the results as JSON")
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="tiny sizes, one round: the correctness checks run, timings mean nothing",
    )
    args = parser.parse_args(argv)
    repeat = 1 if args.smoke else args.repeat
    import numpy
    import scipy
    import sklearn
    import statsmodels

    from sklearn_innov import __version__

    meta = {
        "command": "python benchmarks/run.py " + " ".join(argv or sys.argv[1:]),
        "date": time.strftime("%Y-%m-%d"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "versions": {
            "python": platform.python_version(),
            "sklearn_innov": __version__,
            "numpy": numpy.__version__,
            "scipy": scipy.__version__,
            "scikit-learn": sklearn.__version__,
            "statsmodels": statsmodels.__version__,
            "pandas": pd.__version__,
        },
        "smoke": args.smoke,
        "repeat": repeat,
        "load_before": os.getloadavg(),
    }
    print(
        f"machine: {meta['machine']}; python {meta['versions']['python']}, "
        f"numpy {numpy.__version__}; load average {meta['load_before'][0]:.2f}"
    )
    results = {}
    for name, build in CASES.items():
        if args.filter in name:
            results[name] = run_case(name, build(args.smoke), repeat)
            if args.smoke:  # tiny sizes: the checks ran, the timings mean nothing
                for target in results[name]["targets"]:
                    target["met"] = None
            results[name]["load_after"] = os.getloadavg()[0]
            print_record(name, results[name])
    meta["load_after"] = os.getloadavg()
    print(f"\nload average at the end {meta['load_after'][0]:.2f}")
    if args.json:
        with open(args.json, "w") as out:
            json.dump({"meta": meta, "cases": results}, out, indent=1)


if __name__ == "__main__":
    main()
