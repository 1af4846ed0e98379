"""Marginal effects and the delta method: one implementation for every model.

A marginal effect is a smooth function ``g(theta)`` of a model's estimates;
its standard error comes from the delta method,
``Var g = J V J'`` with ``J = dg / dtheta`` (taken here by central
differences, as statsmodels' ``get_margeff`` does) and ``V`` the estimates'
covariance. :func:`logit_effects` gives the average (or at-the-means)
effects of a logit, which estimators and the two-part model build on;
:func:`smearing_covariance` the joint covariance of an OLS fit in logs and
Duan's smearing factor, which every level prediction of such a fit uses.
"""

import numpy as np
from scipy import special, stats

from ..utils._lazy import pd
from ._survey import cluster_covariance, design_covariance

__all__ = [
    "binary_columns",
    "delta_method",
    "effects_table",
    "logit_effects",
    "smearing_covariance",
    "smearing_influence",
]


def delta_method(func, theta, cov):
    """Value and delta-method standard errors of ``func(theta)``.

    Parameters
    ----------
    func : callable
        Maps a parameter vector to a vector of quantities.
    theta : ndarray of shape (p,)
    cov : ndarray of shape (p, p)
        Covariance of ``theta``.

    Returns
    -------
    value : ndarray of shape (m,)
    std_err : ndarray of shape (m,)
    jacobian : ndarray of shape (m, p)
        Central differences. Each step is ``1e-4`` standard errors of its
        parameter (``1e-6 max(1, |theta_j|)`` for a parameter without
        variance), so the derivative does not depend on the units of a
        covariate: a coefficient of 1e-7 (a covariate in units of 1e7) gets a
        step of its own size, not one ten times larger than itself.

    Notes
    -----
    Each quantity is divided by its own absolute value before the quadratic
    form ``J V J'`` is taken, so standard errors of effects near 1e-300 or
    1e300 neither underflow nor overflow.
    """
    theta = np.asarray(theta, dtype=np.float64)
    value = np.atleast_1d(np.asarray(func(theta), dtype=np.float64))
    sd = np.sqrt(np.clip(np.diag(cov), 0.0, None))
    fallback = 1e-6 * np.maximum(1.0, np.abs(theta))
    steps = np.where(np.isfinite(sd) & (sd > 0), 1e-4 * sd, fallback)
    # each quantity in units of itself
    norm = np.where(np.isfinite(value) & (value != 0), np.abs(value), 1.0)
    jacobian = np.empty((value.size, theta.size))
    for j, step in enumerate(steps):
        up, down = theta.copy(), theta.copy()
        up[j] += step
        down[j] -= step
        difference = np.atleast_1d(func(up)) / norm - np.atleast_1d(func(down)) / norm
        jacobian[:, j] = difference / (2.0 * step)
    variance = np.einsum("ij,jk,ik->i", jacobian, cov, jacobian)
    std_err = np.sqrt(np.clip(variance, 0.0, None)) * norm
    return value, std_err, jacobian * norm[:, None]


def binary_columns(X):
    """Mask of the columns whose values are all 0 or 1, both present.

    The rule statsmodels' ``get_margeff(dummy=True)`` uses to find dummies
    (a column's minimum is 0, its maximum 1, every value an integer).
    """
    X = np.asarray(X, dtype=np.float64)
    if X.shape[0] == 0:
        return np.zeros(X.shape[1], dtype=bool)
    return (
        (X.min(axis=0) == 0.0) & (X.max(axis=0) == 1.0) & np.all(X % 1.0 == 0, axis=0)
    )


def logit_effects(params, X, *, at="overall", dummy=None, sample_weight=None):
    """Marginal effects ``dP / dx_k`` of a logit on every column of X.

    Parameters
    ----------
    params : ndarray of shape (k,)
        Coefficients of the columns of X (a constant column included when
        the model has one).
    X : ndarray of shape (n, k)
        The design the effects are averaged over.
    at : {"overall", "mean"}, default="overall"
        "overall": the average over rows of ``p_i (1 - p_i) b_k`` (average
        marginal effects); "mean": ``p (1 - p) b_k`` at the column means.
    dummy : ndarray of bool of shape (k,), optional
        Columns whose effect is the discrete change
        ``P(x_k = 1) - P(x_k = 0)`` (the other columns held at their values,
        or at their means with ``at="mean"``) instead of the derivative, as
        statsmodels' ``get_margeff(dummy=True)`` and Stata's ``margins`` of
        an ``i.`` factor.
    sample_weight : ndarray of shape (n,), optional
        Frequency (or probability) weights of the rows: the averages (and
        with ``at="mean"`` the column means) are weighted, as for replicated
        rows.

    Returns
    -------
    effects : ndarray of shape (k,)
    """
    w = sample_weight
    if at == "mean":
        X = np.average(X, axis=0, weights=w)[None, :]
        w = None
    p = special.expit(X @ params)
    effects = np.average(p * (1.0 - p), weights=w) * params
    if dummy is not None:
        for k in np.flatnonzero(dummy):
            off = X.copy()
            off[:, k] = 0.0
            eta = off @ params
            effects[k] = np.average(
                special.expit(eta + params[k]) - special.expit(eta), weights=w
            )
    return effects


def effects_table(names, effect, std_err, *, df=None, alpha=0.05):
    """A tidy table of effects: dy_dx, std_err, z (or t), p_value, interval.

    With ``df`` the statistic is Student's t on ``df`` degrees of freedom,
    otherwise a standard normal z, as in statsmodels' margins.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        stat = np.where(std_err > 0, effect / std_err, np.nan)
    if df is None:
        p = 2.0 * stats.norm.sf(np.abs(stat))
        q = stats.norm.isf(alpha / 2)
        label = "z"
    else:
        p = 2.0 * stats.t.sf(np.abs(stat), df)
        q = stats.t.isf(alpha / 2, df)
        label = "t"
    return pd.DataFrame(
        {
            "dy_dx": effect,
            "std_err": std_err,
            label: stat,
            "p_value": p,
            "ci_lower": effect - q * std_err,
            "ci_upper": effect + q * std_err,
        },
        index=pd.Index(list(names), name="feature"),
    )


def _weighted_pieces(exog, resid, basis, weights):
    """The weights, their sum, ``exp(e) - S``, ``P`` and ``g`` of the
    weighted (or designed) smearing covariance."""
    level = np.exp(resid)
    w = (
        np.ones(resid.size)
        if weights is None
        else np.asarray(weights, dtype=np.float64)
    )
    total = w.sum()
    deviation = level - (w @ level) / total
    reduced = exog if basis is None else exog @ basis
    inverse = np.linalg.inv(reduced.T @ (reduced * w[:, None]))
    # P = (Z'WZ)^-1, or N (N'Z'WZN)^-1 N' for a constrained fit
    P = inverse if basis is None else basis @ inverse @ basis.T
    g = (w * level) @ exog / total
    return w, total, deviation, P, g


def smearing_influence(exog, resid, *, basis=None, weights=None):
    """The rows' influence functions of least squares in logs and Duan's factor.

    The inverse Jacobian of the stacked equations (block triangular) times
    the rows' scores ``w_i z_i e_i`` and ``w_i (exp(e_i) - S)``: row ``i``
    is ``(P z_i w_i e_i, (w_i (exp(e_i) - S) - W g' P z_i w_i e_i) / W)``
    with ``P = (Z'WZ)^-1`` (or ``N (N'Z'WZN)^-1 N'``), ``W = sum w`` and
    ``g = sum w exp(e) z / W``. Their design covariance is that of
    ``(b, S)`` (see :func:`smearing_covariance`).

    Parameters
    ----------
    exog : ndarray of shape (n, k)
    resid : ndarray of shape (n,)
    basis : ndarray of shape (k, f), optional
    weights : ndarray of shape (n,), optional

    Returns
    -------
    influence : ndarray of shape (n, k + 1)
        The coefficients' columns, then the smearing factor's.
    """
    w, total, deviation, P, g = _weighted_pieces(exog, resid, basis, weights)
    influence_b = (exog * (w * resid)[:, None]) @ P
    influence_s = (w * deviation - total * influence_b @ g) / total
    return np.column_stack([influence_b, influence_s])


def smearing_covariance(
    exog,
    resid,
    cov_params,
    *,
    robust,
    basis=None,
    weights=None,
    design=None,
    kind="survey",
):
    """Joint covariance of OLS coefficients in logs and Duan's smearing factor.

    Duan's factor ``S = mean(exp(e_i))``, with ``e_i = ln y_i - z_i'b`` the
    residuals, is an M-estimator: it solves ``mean(exp(e_i)) - S = 0``.
    Stacked with the least-squares equations ``mean(z_i e_i) = 0`` its
    influence function is ``(exp(e_i) - S) - g' IF_b(i)``, with
    ``g = mean(exp(e_i) z_i)`` (minus the derivative of ``S`` in ``b``), so

    - ``Var S = Var(mean exp(e)) + g' V g - 2 g' C``,
    - ``Cov(b, S) = C - V g``,

    where ``V`` is the coefficients' covariance (``cov_params``, of whatever
    type the fit used) and ``C = Cov(b, mean exp(e))``.

    With weights every mean is weighted (``S = sum w exp(e) / sum w``,
    ``n`` becomes ``sum w``, ``(Z'Z)^-1 Z'`` becomes ``(Z'WZ)^-1 Z'W``): the
    weights count as frequencies, so an integer weight gives what that many
    copies of the row give. With a ``design`` the cross term and ``Var S``
    come instead from the design's variance of the stacked influence
    functions (the two blocks of the inverse Jacobian times the scores
    ``w_i z_i e_i`` and ``w_i (exp(e_i) - S)``), as ``V`` does under that
    design.

    Parameters
    ----------
    exog : ndarray of shape (n, k)
        The design ``[1, ln X]`` the coefficients were fitted on.
    resid : ndarray of shape (n,)
        The residuals in logs.
    cov_params : ndarray of shape (k, k)
        ``V``.
    robust : bool
        How ``C`` is estimated. True (heteroskedasticity-consistent, the
        empirical sandwich): ``C = (Z'Z)^-1 sum_i z_i e_i (exp(e_i) - S) / n``.
        False (errors independent of ``z``, the assumption smearing itself
        rests on): ``C = (Z'Z)^-1 Z'1 mean(e (exp(e) - S)) / n``, which with
        an intercept touches the intercept only. Ignored with a ``design``.
    basis : ndarray of shape (k, f), optional
        ``N``, the free directions of a constrained fit (``b = b0 + N z``):
        ``(Z'Z)^-1`` becomes ``N (N'Z'ZN)^-1 N'``.
    weights : ndarray of shape (n,), optional
        The fit's positive weights.
    design : SurveyDesign, optional
        The fitted rows' design (one entry per row of ``exog``).
    kind : {"survey", "cluster"}, default="survey"
        With a ``design``: Taylor linearisation
        (:func:`~sklearn_innov._core._survey.design_covariance`) or CR1 over
        its PSUs (:func:`~sklearn_innov._core._survey.cluster_covariance`,
        with the small-sample factor of the ``k`` coefficients).

    Returns
    -------
    cov : ndarray of shape (k + 1, k + 1)
        Covariance of ``(b, S)``; the upper-left block is ``cov_params``.

    References
    ----------
    .. [1] Duan, N. (1983). "Smearing estimate: a nonparametric
       retransformation method". JASA, 78(383), 605-610.
    .. [2] Stefanski, L. A. and Boos, D. D. (2002). "The calculus of
       M-estimation". The American Statistician, 56(1), 29-38.
    """
    n = resid.size
    level = np.exp(resid)
    k = cov_params.shape[0]
    cov = np.empty((k + 1, k + 1))
    cov[:k, :k] = cov_params
    if weights is None and design is None:
        factor = level.mean()
        deviation = level - factor
        design_matrix = exog if basis is None else exog @ basis

        def bread(r):
            """``(Z'Z)^-1 Z'r`` (or through the free directions), by least squares."""
            coef = np.linalg.lstsq(design_matrix, r, rcond=None)[0]
            return coef if basis is None else basis @ coef

        if robust:
            cross = bread(resid * deviation) / n
        else:
            cross = bread(np.ones(n)) * np.mean(resid * deviation) / n
        g = level @ exog / n
        cov[:k, k] = cov[k, :k] = cross - cov_params @ g
        cov[k, k] = np.mean(deviation**2) / n + g @ cov_params @ g - 2.0 * g @ cross
        return cov
    w, total, deviation, P, g = _weighted_pieces(exog, resid, basis, weights)
    if design is None:
        if robust:
            cross = P @ (exog.T @ (w * resid * deviation)) / total
        else:
            cross = P @ exog.T @ w * (w @ (resid * deviation)) / total**2
        cov[:k, k] = cov[k, :k] = cross - cov_params @ g
        cov[k, k] = (w @ deviation**2) / total**2 + g @ cov_params @ g - 2.0 * g @ cross
        return cov
    influence = smearing_influence(exog, resid, basis=basis, weights=weights)
    if kind == "cluster":
        # cluster_covariance's (N - 1) / (N - K) counts K = k + 1 columns; V
        # counted the k coefficients
        joint = cluster_covariance(influence, np.eye(k + 1), design.psu)
        joint *= (n - k - 1.0) / (n - k)
    else:
        joint = design_covariance(influence, np.eye(k + 1), design)
    cov[:k, k] = cov[k, :k] = joint[:k, k]
    cov[k, k] = joint[k, k]
    return cov
