"""A reference implementation of SPSS's stepping rules on top of statsmodels.

Written independently of sklearn_innov: every fit is a statsmodels Logit,
Wald p-values come from statsmodels' standard errors, likelihood ratios from
refits, SPSS's conditional statistic (COND) from statsmodels' covariance and
log-likelihood function, and score statistics from statsmodels' score and
Hessian at the restricted estimate (``g' (-H)^{-1} g``).
"""

import numpy as np
import statsmodels.api as sm
from scipy import stats


def sm_fit(X, y, cols):
    exog = (
        sm.add_constant(X[cols], has_constant="add") if cols else np.ones((len(y), 1))
    )
    return sm.Logit(y, exog).fit(disp=0, method="newton", maxiter=100)


def score_p(X, y, cols, res, j):
    exog = sm.add_constant(X[cols + [j]], has_constant="add")
    model = sm.Logit(y, exog)
    params = np.r_[np.asarray(res.params), 0.0]
    g = model.score(params)
    H = model.hessian(params)
    s = g @ np.linalg.solve(-H, g)
    return s, stats.chi2.sf(s, 1)


def conditional_statistic(X, y, cols, res, c):
    """Lawless & Singhal's COND for removing ``c``: no refit.

    The conditional estimates ``b_(-j) - S_(-j,j) b_j / S_jj`` (S statsmodels'
    covariance of the fit) plugged into the log-likelihood of the model
    without ``c``: ``2 (llf - loglike(conditional))``.
    """
    S = np.asarray(res.cov_params())
    b = np.asarray(res.params)
    j = 1 + cols.index(c)
    conditional = np.delete(b - S[:, j] * b[j] / S[j, j], j)
    rest = [d for d in cols if d != c]
    exog = (
        sm.add_constant(X[rest], has_constant="add") if rest else np.ones((len(y), 1))
    )
    return 2 * (res.llf - sm.Logit(y, exog).loglike(conditional))


def reference(
    X, y, direction="backward", criterion="wald", p_enter=0.05, p_remove=0.10
):
    order = list(X.columns)
    included = set(order) if direction == "backward" else set()
    visited = {frozenset(included)}
    steps = []
    while True:
        cols = [c for c in order if c in included]
        res = sm_fit(X, y, cols)
        move = None
        if cols:
            if criterion == "wald":
                p = {
                    c: stats.chi2.sf((res.params[c] / res.bse[c]) ** 2, 1) for c in cols
                }
            elif criterion == "conditional":
                p = {
                    c: stats.chi2.sf(conditional_statistic(X, y, cols, res, c), 1)
                    for c in cols
                }
            else:
                p = {}
                for c in cols:
                    red = sm_fit(X, y, [d for d in cols if d != c])
                    p[c] = stats.chi2.sf(2 * (res.llf - red.llf), 1)
            worst = max(cols, key=lambda c: p[c])
            if p[worst] > p_remove:
                move = ("removed", worst)
        if move is None:
            outside = [c for c in order if c not in included]
            if outside:
                p = {c: score_p(X, y, cols, res, c)[1] for c in outside}
                best = min(outside, key=lambda c: p[c])
                if p[best] < p_enter:
                    move = ("entered", best)
        if move is None:
            break
        trial = included - {move[1]} if move[0] == "removed" else included | {move[1]}
        if frozenset(trial) in visited:
            break
        visited.add(frozenset(trial))
        included = trial
        steps.append(move)
    cols = [c for c in order if c in included]
    return cols, sm_fit(X, y, cols), steps
