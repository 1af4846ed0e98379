"""The log-link GLM core: quasi-likelihood fits of ``E[y | z] = exp(z'b)``.

A two-part model's second part can be fitted in levels rather than in logs
(Stata ``twopm``'s ``secondpart(glm, link(log))``): then
``E[y | y > 0, x] = exp(z'b)`` holds without the homoskedastic log errors
that Duan's smearing and OLS in logs need. :func:`fit_log_link` solves the
quasi-score equations ``sum_i z_i (y_i - mu_i) mu_i / V(mu_i) = 0`` for a
variance function ``V(mu) = mu^power`` (1 Poisson, 2 gamma) by Fisher
scoring, and returns a :class:`GLMResults` whose covariance is the robust
sandwich, the only one that does not assume the variance function is right.
"""

from functools import cached_property

import numpy as np
from scipy import stats

from ..utils._lazy import pd
from ._results import Results

__all__ = ["GLMResults", "fit_log_link"]

FAMILIES = {"poisson": 1.0, "gamma": 2.0}


class GLMResults(Results):
    """A log-link GLM fit: estimates, robust covariance, a coefficient table.

    Parameters
    ----------
    params : ndarray of shape (k,)
    cov_params : ndarray of shape (k, k)
        The sandwich ``A^-1 B A^-1`` with ``A`` the observed information of
        the quasi-likelihood and ``B = sum_i s_i s_i'`` the outer product of
        the quasi-scores: statsmodels' ``GLM.fit(cov_type="HC0")``.
    names : list of str
    family : str
    nobs : int or float
        Rows, or the sum of the weights with weights.
    scale : float
        Pearson's dispersion ``sum w (y - mu)^2 / V(mu) / (n - k)``, ``n``
        the sum of the weights (1 per row without).
    n_iter : int
    converged : bool
    """

    def __init__(
        self, *, params, cov_params, names, family, nobs, scale, n_iter, converged
    ):
        self.params = params
        self.cov_params = cov_params
        self.names = list(names)
        self.family = family
        self.nobs = nobs
        self.scale = float(scale)
        self.n_iter = int(n_iter)
        self.converged = bool(converged)

    @cached_property
    def bse(self):
        return np.sqrt(np.clip(np.diag(self.cov_params), 0.0, None))

    @cached_property
    def coef_table(self):
        """DataFrame: coef, std_err, z, p_value, ci_lower, ci_upper (95%)."""
        z = self.params / self.bse
        half = stats.norm.isf(0.025) * self.bse
        return pd.DataFrame(
            {
                "coef": self.params,
                "std_err": self.bse,
                "z": z,
                "p_value": 2.0 * stats.norm.sf(np.abs(z)),
                "ci_lower": self.params - half,
                "ci_upper": self.params + half,
            },
            index=pd.Index(self.names, name="term"),
        )


def fit_log_link(Z, y, *, family, names, weights=None, tol=1e-10, max_iter=100):
    """Fit ``E[y | z] = exp(z'b)`` by quasi-likelihood (Fisher scoring).

    Parameters
    ----------
    Z : ndarray of shape (n, k)
        The design (a constant column included when wanted), full rank.
    y : ndarray of shape (n,)
        Positive outcomes.
    family : {"gamma", "poisson"}
        The variance function ``V(mu) = mu^2`` or ``mu``; the estimates are
        consistent for ``exp(z'b)`` under either whenever the mean is right.
    names : list of str
    weights : ndarray of shape (n,), optional
        Positive frequency weights: a row of weight ``w`` counts as ``w``
        copies of it in the estimates, the sandwich (``B = sum_i w_i s_i
        s_i'``), ``nobs`` and the dispersion (statsmodels' ``GLM`` with
        ``freq_weights``). Rows of weight 0 must be left out by the caller.
    tol : float, default=1e-10
        Convergence: the largest step, relative to ``1 + |b|``.
    max_iter : int, default=100

    Returns
    -------
    results : GLMResults

    Notes
    -----
    Each step is a weighted least-squares fit of the working response
    ``eta + (y - mu) / mu`` with weights ``mu^(2 - power)``, halved while
    the quasi-deviance increases. It starts from OLS of ``ln y`` on Z.
    """
    power = FAMILIES[family]
    n, k = Z.shape
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=np.float64)
    root_w = np.sqrt(w)
    beta = np.linalg.lstsq(Z * root_w[:, None], np.log(y) * root_w, rcond=None)[0]
    deviance = _deviance(y, np.exp(Z @ beta), power, w)
    converged = False
    for n_iter in range(1, max_iter + 1):
        eta = Z @ beta
        mu = np.exp(eta)
        root = np.sqrt(w * mu ** (2.0 - power))
        target = eta + (y - mu) / mu
        step = np.linalg.lstsq(Z * root[:, None], target * root, rcond=None)[0] - beta
        for _ in range(30):
            # a step too far overflows exp: halve it, quietly
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                trial = _deviance(y, np.exp(Z @ (beta + step)), power, w)
            if np.isfinite(trial) and trial <= deviance * (1 + 1e-12):
                break
            step = step / 2.0
        beta = beta + step
        deviance = trial
        if np.max(np.abs(step)) <= tol * (1.0 + np.max(np.abs(beta))):
            converged = True
            break
    mu = np.exp(Z @ beta)
    # quasi-scores and the observed information: for V = mu^p and a log
    # link, d/d eta [(y - mu) mu^(1 - p)] = -mu^(1 - p) (mu + (p - 1)(y - mu))
    base = mu ** (1.0 - power)
    scores = Z * (base * (y - mu))[:, None]
    curvature = w * base * (mu + (power - 1.0) * (y - mu))
    information = Z.T @ (Z * curvature[:, None])
    bread = np.linalg.inv(information)
    # frequency weights: each row's score counts w times, B = sum w s s'
    cov = bread @ (scores.T @ (scores * w[:, None])) @ bread
    nobs = n if weights is None else float(w.sum())
    dispersion = np.sum(w * (y - mu) ** 2 / mu**power)
    scale = float(dispersion / (nobs - k)) if nobs > k else np.nan
    return GLMResults(
        params=beta,
        cov_params=(cov + cov.T) / 2.0,
        names=names,
        family=family,
        nobs=nobs,
        scale=scale,
        n_iter=n_iter,
        converged=converged,
    )


def _deviance(y, mu, power, w):
    """Quasi-deviance of the Poisson (1) or gamma (2) variance function."""
    if power == 1.0:
        return 2.0 * w @ (y * np.log(y / mu) - (y - mu))
    return 2.0 * w @ ((y - mu) / mu - np.log(y / mu))
