"""Instrumental-variables kernels: k-class and GMM fits and their diagnostics.

:func:`iv_fit` estimates a linear model with endogenous regressors by
two-stage least squares, LIML or two-step efficient GMM and returns an
:class:`IVResults`, which computes every diagnostic lazily: the first stage
(partial R², partial F, Shea's partial R²), the weak-instrument statistics
(Cragg-Donald and Kleibergen-Paap rk Wald F against Stock and Yogo's
critical values), Anderson and Rubin's test and confidence set, the
overidentification tests (Sargan, Wooldridge's robust score test, Hansen's
J) and the endogeneity tests (Durbin, Wu-Hausman, the regression-based
control-function test); and the Murphy-Topel covariance of a two-step
control-function logit (:func:`murphy_topel`). Every regression goes
through the least-squares core (:class:`~._linalg.LeastSquares`,
:func:`~._ols.ols_fit`, :func:`~._linalg.robust_cov`,
:func:`~._linalg.wald_test`); only what has no
least-squares form (LIML's k-class bread, GMM's sandwich, cluster sums)
is written here.

Conventions follow linearmodels' ``IV2SLS``, ``IVLIML`` and ``IVGMM`` with
``debiased=True`` (``nonrobust`` = its ``unadjusted``, ``HC1`` = its
``robust``, ``cluster`` = its ``clustered``; ``HC0`` = ``robust`` without
the ``n / (n - k)`` factor): inference uses Student's t on ``n - k``
degrees of freedom for every covariance.
"""

from functools import cached_property

import numpy as np
from scipy import linalg, optimize, stats

from ..exceptions import StatisticUnavailableError
from ..utils._lazy import pd
from ..utils._threads import scipy_single_thread
from ._linalg import LeastSquares, robust_cov, wald_test
from ._ols import coefficient_table, ols_fit, t_intervals
from ._results import Results

__all__ = [
    "IV_COV_TYPES",
    "IVResults",
    "STOCK_YOGO_SIZE10",
    "cluster_codes",
    "iv_fit",
    "murphy_topel",
    "stack_columns",
    "stock_yogo_size10",
]

IV_COV_TYPES = ("nonrobust", "HC0", "HC1", "HC2", "HC3", "cluster")

# Stock and Yogo (2005), Table 5.2: critical values of the Cragg-Donald F
# statistic for a 5% test that the actual size of a nominal 5% 2SLS Wald
# test exceeds 10% ("10% maximal IV size"), by the number of excluded
# instruments L2 (rows, 1..30) and of endogenous regressors K2 (columns
# 1 and 2); NaN where L2 < K2. The published figures, as ivreg2's cdsy
# table reproduces them.
STOCK_YOGO_SIZE10 = np.array(
    [
        [16.38, np.nan],
        [19.93, 7.03],
        [22.30, 13.43],
        [24.58, 16.87],
        [26.87, 19.45],
        [29.18, 21.68],
        [31.50, 23.72],
        [33.84, 25.64],
        [36.19, 27.51],
        [38.54, 29.32],
        [40.90, 31.11],
        [43.27, 32.88],
        [45.64, 34.62],
        [48.01, 36.36],
        [50.39, 38.08],
        [52.77, 39.80],
        [55.15, 41.51],
        [57.53, 43.22],
        [59.92, 44.92],
        [62.30, 46.62],
        [64.69, 48.31],
        [67.07, 50.01],
        [69.46, 51.70],
        [71.85, 53.39],
        [74.24, 55.07],
        [76.62, 56.76],
        [79.01, 58.45],
        [81.40, 60.13],
        [83.79, 61.82],
        [86.17, 63.51],
    ]
)


def stock_yogo_size10(n_endog, n_excluded):
    """Stock-Yogo 10% maximal IV size critical value, or None if not tabulated."""
    if not (1 <= n_endog <= 2 and n_endog <= n_excluded <= len(STOCK_YOGO_SIZE10)):
        return None
    return float(STOCK_YOGO_SIZE10[n_excluded - 1, n_endog - 1])


def cluster_codes(groups):
    """Integer codes ``0..G-1`` of cluster labels, and G."""
    _, codes = np.unique(np.asarray(groups), return_inverse=True)
    return codes.ravel(), int(codes.max()) + 1


def _cluster_meat(scores, codes, n_groups):
    """``sum_g s_g s_g'`` with ``s_g`` the sum of the rows of ``scores`` in g."""
    sums = np.zeros((n_groups, scores.shape[1]))
    np.add.at(sums, codes, scores)
    return sums.T @ sums


def _cluster_factor(n, k, n_groups):
    """Small-sample factor of a cluster covariance (Stata's, linearmodels')."""
    return (n - 1) / (n - k) * n_groups / (n_groups - 1)


def _ls_cov(ls, resid, cov_type, clusters):
    """Covariance of least-squares coefficients on ``ls`` (plain units)."""
    if cov_type == "cluster":
        codes, n_groups = clusters
        meat = _cluster_meat(ls.X * resid[:, None], codes, n_groups)
        bread = ls.gram_inv
        return bread @ meat @ bread * _cluster_factor(ls.n, ls.k, n_groups)
    cov = robust_cov(ls, resid, cov_type)
    return cov / np.outer(ls.scale, ls.scale)


def _test(result, name, null, distribution):
    """A test result as a flat dict: statistic, df, p-value, what it tests."""
    out = {
        "test": name,
        "statistic": float(result["statistic"]),
        "pvalue": float(result["pvalue"]),
        "df": result["df"],
        "distribution": distribution,
        "null": null,
    }
    return out


def _chi2(statistic, df, name, null):
    statistic = float(statistic)
    return {
        "test": name,
        "statistic": statistic,
        "pvalue": float(stats.chi2.sf(statistic, df)),
        "df": df,
        "distribution": f"chi2({df})",
        "null": null,
    }


class IVResults(Results):
    """The results of one IV fit: estimates now, every diagnostic on access.

    Parameters
    ----------
    y : ndarray of shape (n,)
    X : ndarray of shape (n, k)
        Regressors: the ``n_exog`` exogenous ones (constant first if any),
        then the endogenous ones.
    Z : ndarray of shape (n, L)
        Instruments: the same exogenous regressors, then the excluded
        instruments.
    n_exog : int
    method : {"2sls", "liml", "gmm"}
    cov_type : str
        One of :data:`IV_COV_TYPES` (HC2 and HC3 with 2SLS only).
    names : list of str
        Parameter names (X's columns).
    instrument_names : list of str
        Names of the excluded instruments.
    clusters : ndarray of shape (n,), optional
        Cluster labels, with ``cov_type="cluster"``.
    has_const : bool
    """

    _row_data = ("y", "X", "Z", "resid", "_lsZ", "_lsXhat", "_fitted_endog", "_codes")
    y = X = Z = resid = _lsZ = _fitted_endog = _codes = None
    _summary_statistics = (
        "smearing",
        "coef_table",
        "first_stage",
        "first_stage_coefs",
        "weak_instruments",
        "overidentification",
        "endogeneity",
        "rsquared",
        "ols_table",
        "weak_inference",
    )

    def __init__(
        self,
        *,
        y,
        X,
        Z,
        n_exog,
        method,
        cov_type,
        names,
        instrument_names,
        clusters=None,
        has_const=True,
    ):
        self.y, self.X, self.Z = y, X, Z
        self.n_exog = int(n_exog)
        self.n_endog = X.shape[1] - self.n_exog
        self.n_excluded = Z.shape[1] - self.n_exog
        self.method = method
        self.cov_type = cov_type
        self.names = list(names)
        self.instrument_names = list(instrument_names)
        self.has_const = has_const
        self.nobs, self.k = X.shape
        self.df_resid = float(self.nobs - self.k)
        self._codes = None if clusters is None else cluster_codes(clusters)
        self.n_clusters = None if clusters is None else self._codes[1]
        with scipy_single_thread:  # small SciPy algebra between NumPy products
            self._estimate()

    # -- estimation -----------------------------------------------------------

    def _estimate(self):
        n_exog, X, Z, y = self.n_exog, self.X, self.Z, self.y
        self._lsZ = LeastSquares(Z, names=self._z_names)
        endog = X[:, n_exog:]
        if self.n_endog:
            # one endogenous regressor: a vector solve (BLAS gemv) is faster
            target = endog[:, 0] if self.n_endog == 1 else endog
            first, first_resid = self._lsZ.solve(target)
            first_resid = first_resid.reshape(endog.shape)
            first = first.reshape(Z.shape[1], -1)
        else:
            first, first_resid = np.zeros((Z.shape[1], 0)), np.zeros_like(endog)
        self._fitted_endog = endog - first_resid
        self.kappa = 1.0
        self.weight = None
        if self.method == "2sls" or self.n_endog == 0:
            self.params = self._two_sls(first)
        elif self.method == "liml":
            self.kappa = self._liml_kappa(first_resid)
            # X'(I - kappa M_Z) X and X'(I - kappa M_Z) y; M_Z X is (0, V)
            shrunk = X.copy()
            shrunk[:, n_exog:] -= self.kappa * first_resid
            self._bread_inv = shrunk.T @ X
            self.params = linalg.solve(self._bread_inv, shrunk.T @ y, assume_a="sym")
        else:  # two-step efficient GMM from the 2SLS residuals
            start = self._two_sls(first)
            self.weight = linalg.inv(self._moment_cov(y - X @ start) / self.nobs)
            self.params = self._gmm_step(self.weight)
        self.resid = y - X @ self.params

    def _two_sls(self, first):
        """2SLS in the instruments' factored space: no second pass over X.

        ``Xhat = Z A`` with ``A = [E, Pi]`` (E selects the exogenous columns
        of Z), and ``P_Z y = Z c``; with ``Z'Z = D R'R D`` (the factored
        instruments), ``||Xhat b - y||`` is minimised by the small least
        squares ``min ||R D (A b - c)||``, which keeps the accuracy of the
        factorisation.
        """
        lsZ, n_exog = self._lsZ, self.n_exog
        A = np.zeros((lsZ.k, self.k))
        A[:n_exog, :n_exog] = np.eye(n_exog)
        A[:, n_exog:] = first
        c, _ = lsZ.solve(self.y)
        RD = lsZ.R * lsZ.scale
        return linalg.lstsq(RD @ A, RD @ c)[0]

    @cached_property
    def smearing(self):
        """Duan's smearing factor: the mean of ``exp(resid)``."""
        return float(np.mean(np.exp(self._rows("resid"))))

    @cached_property
    def _lsXhat(self):
        """The factored projected design ``Xhat = [exog, P_Z X_endog]``."""
        exog = self._rows("X")[:, : self.n_exog]
        return LeastSquares(stack_columns(exog, self._fitted_endog), names=self.names)

    @property
    def _z_names(self):
        return self.names[: self.n_exog] + self.instrument_names

    def _liml_kappa(self, first_resid):
        """Smallest root of ``|W' M_X1 W - k W' M_Z W| = 0``, ``W = [y, X_endog]``."""
        W = np.column_stack([self.y, self.X[:, self.n_exog :]])
        _, in_z = self._lsZ.solve(W)
        if self.n_exog:
            _, in_exog = LeastSquares(self.X[:, : self.n_exog]).solve(W)
        else:
            in_exog = W
        roots = linalg.eigh(in_exog.T @ in_exog, in_z.T @ in_z, eigvals_only=True)
        return float(roots[0])

    def _moment_cov(self, resid):
        """``sum z_i z_i' e_i^2`` (robust) or its cluster version: S times n."""
        scores = self.Z * resid[:, None]
        if self.cov_type == "cluster":
            return _cluster_meat(scores, *self._codes)
        return scores.T @ scores

    def _gmm_step(self, weight):
        """``(X'Z W Z'X)^{-1} X'Z W Z'y`` as least squares on whitened moments."""
        root = linalg.cholesky(weight, lower=True)  # W = C C'
        A = root.T @ (self.Z.T @ self.X)
        b = root.T @ (self.Z.T @ self.y)
        params, _ = LeastSquares(A, names=self.names).solve(b)
        return params

    # -- inference --------------------------------------------------------------

    @cached_property
    def cov_params(self):
        """Covariance of ``params`` under ``cov_type`` (see the module notes)."""
        n, k, e = self.nobs, self.k, self._rows("resid")
        if self.method == "2sls" or self.n_endog == 0:
            return _ls_cov(self._lsXhat, e, self.cov_type, self._codes)
        if self.method == "liml":
            bread = linalg.inv(self._bread_inv)
            Xhat = self._lsXhat.X
            if self.cov_type == "nonrobust":
                return bread * float(e @ e) / (n - k)
            if self.cov_type == "cluster":
                meat = _cluster_meat(Xhat * e[:, None], *self._codes)
                factor = _cluster_factor(n, k, self._codes[1])
            else:
                scores = Xhat * e[:, None]
                meat = scores.T @ scores
                factor = n / (n - k) if self.cov_type == "HC1" else 1.0
            return bread @ meat @ bread * factor
        # GMM: (Q'WQ)^-1 Q'W S W Q (Q'WQ)^-1 / n with Q = Z'X / n
        Q = self.Z.T @ self.X / n
        QW = Q.T @ self.weight
        inner = linalg.inv(QW @ Q)
        if self.cov_type == "nonrobust":
            centred = e - e.mean()
            S = float(centred @ centred) / n * (self.Z.T @ self.Z) / n * n / (n - k)
        elif self.cov_type == "cluster":
            S = self._moment_cov(e) / n * _cluster_factor(n, k, self._codes[1])
        else:
            S = self._moment_cov(e) / n
            if self.cov_type == "HC1":
                S *= n / (n - k)
        cov = inner @ (QW @ S @ QW.T) @ inner / n
        return (cov + cov.T) / 2

    @cached_property
    def bse(self):
        return np.sqrt(np.clip(np.diag(self.cov_params), 0.0, None))

    @cached_property
    def tvalues(self):
        return self.params / self.bse

    @cached_property
    def pvalues(self):
        return 2 * stats.t.sf(np.abs(self.tvalues), self.df_resid)

    def conf_int(self, alpha=0.05):
        """``(lower, upper)`` columns of the ``1 - alpha`` t intervals."""
        return t_intervals(self, alpha)

    @cached_property
    def coef_table(self):
        """DataFrame: coef, std_err, t, p_value, ci_lower, ci_upper (95%)."""
        return coefficient_table(self)

    @cached_property
    def rsquared(self):
        """``1 - SSR / TSS`` with the structural residuals (may be negative)."""
        y = self._rows("y")
        centred = y - y.mean() if self.has_const else y
        e = self.resid
        return float(1.0 - (e @ e) / (centred @ centred))

    def wald_test(self, R, q=0.0):
        """Wald test of ``R params = q``: F on ``df_resid`` (t for one)."""
        return wald_test(self.params, self.cov_params, R, q, df_resid=self.df_resid)

    @cached_property
    def ols_table(self):
        """The same equation by OLS (same cov_type), for comparison."""
        ls = LeastSquares(self._rows("X"), names=self.names)
        params, resid = ls.solve(self.y)
        cov = _ls_cov(ls, resid, self.cov_type, self._codes)
        se = np.sqrt(np.diag(cov))
        return pd.DataFrame(
            {"coef": params, "std_err": se, "t": params / se},
            index=pd.Index(self.names, name="term"),
        )

    # -- first stage ----------------------------------------------------------

    def _excluded_rows(self):
        """Selector of the excluded instruments' coefficients in the first stage."""
        R = np.zeros((self.n_excluded, self.Z.shape[1]))
        R[:, self.n_exog :] = np.eye(self.n_excluded)
        return R

    def _partialled(self):
        """``M_exog X_endog`` and ``M_exog Z_excluded`` (the exog partialled out)."""
        endog = self._rows("X")[:, self.n_exog :]
        excluded = self._rows("Z")[:, self.n_exog :]
        if not self.n_exog:
            return endog, excluded
        ls = LeastSquares(self.X[:, : self.n_exog])
        _, r_endog = ls.solve(endog)
        _, r_excl = ls.solve(excluded)
        return r_endog.reshape(endog.shape), r_excl.reshape(excluded.shape)

    def _first_stage_wald(self, target):
        """The first-stage fit of ``target`` on Z and the test of the excluded."""
        lsZ = self._rows("_lsZ")
        if self.cov_type == "cluster":
            params, resid = lsZ.solve(target)
            cov = _ls_cov(lsZ, resid, "cluster", self._codes)
            test = wald_test(params, cov, self._excluded_rows(), df_resid=lsZ.n - lsZ.k)
            return params, cov, resid, test
        fit = ols_fit(lsZ, target, has_const=self.has_const, cov_type=self.cov_type)
        test = fit.wald_test(self._excluded_rows())
        return fit.params, fit.cov_params, fit.resid, test

    @cached_property
    def first_stage(self):
        """Per endogenous regressor: R², partial R², Shea's partial R², F, p.

        ``partial_f`` is the Wald test (with ``cov_type``) that the excluded
        instruments' coefficients are all zero, as F on ``(L2, n - L)``.
        """
        rows = []
        r_endog, r_excl = self._partialled()
        ls_excl = LeastSquares(r_excl, names=self.instrument_names)
        shea = self.shea_partial_rsquared
        for j in range(self.n_endog):
            target = self.X[:, self.n_exog + j]
            _, _, resid, test = self._first_stage_wald(target)
            centred = target - target.mean() if self.has_const else target
            _, partial_resid = ls_excl.solve(r_endog[:, j])
            partial_r2 = 1.0 - (partial_resid @ partial_resid) / (
                r_endog[:, j] @ r_endog[:, j]
            )
            rows.append(
                {
                    "rsquared": float(1.0 - (resid @ resid) / (centred @ centred)),
                    "partial_rsquared": float(partial_r2),
                    "shea_partial_rsquared": float(shea[j]),
                    "partial_f": float(test["statistic"]),
                    "df_num": int(test["df"][0]),
                    "df_denom": float(test["df"][1]),
                    "p_value": float(test["pvalue"]),
                }
            )
        return pd.DataFrame(
            rows, index=pd.Index(self.names[self.n_exog :], name="endogenous")
        )

    @cached_property
    def first_stage_coefs(self):
        """Per endogenous regressor, its first-stage coefficient table."""
        out = {}
        z_names = self._z_names
        for j in range(self.n_endog):
            params, cov, _, _ = self._first_stage_wald(self.X[:, self.n_exog + j])
            se = np.sqrt(np.diag(cov))
            t = params / se
            out[self.names[self.n_exog + j]] = pd.DataFrame(
                {
                    "coef": params,
                    "std_err": se,
                    "t": t,
                    "p_value": 2 * stats.t.sf(np.abs(t), self.nobs - len(z_names)),
                },
                index=pd.Index(z_names, name="instrument"),
            )
        return out

    @cached_property
    def shea_partial_rsquared(self):
        """Shea's partial R²: ``[(X'X)^-1]_jj / [(Xhat'Xhat)^-1]_jj``."""
        if not self.n_endog:
            return np.zeros(0)
        ols_inv = LeastSquares(self._rows("X")).gram_inv
        iv_inv = self._lsXhat.gram_inv
        j = np.arange(self.n_exog, self.k)
        return np.diag(ols_inv)[j] / np.diag(iv_inv)[j]

    # -- weak instruments -----------------------------------------------------

    def _first_stage_moments(self):
        """``V'V`` (first-stage residuals) and ``R'R`` (endog with exog out)."""
        r_endog, r_excl = self._partialled()
        V = self._rows("X")[:, self.n_exog :] - self._fitted_endog
        return V, r_endog, r_excl

    @cached_property
    def cragg_donald(self):
        """Cragg-Donald F: ``(n - L) / L2`` times the smallest eigenvalue of
        ``(V'V)^-1 (R'R - V'V)`` (V first-stage residuals, R the endogenous
        regressors with the exogenous ones partialled out)."""
        V, R, _ = self._first_stage_moments()
        VV = V.T @ V
        roots = linalg.eigh(R.T @ R - VV, VV, eigvals_only=True)
        L = self.Z.shape[1]
        return float(roots[0] * (self.nobs - L) / self.n_excluded)

    @cached_property
    def kleibergen_paap(self):
        """Kleibergen-Paap rk Wald F (robust; HC0 meat, clusters if any).

        The rk statistic of Kleibergen and Paap (2006) for ``rank(Pi) =
        K2 - 1``, scaled ``rk (n - L) / (n L2)`` so that with a homoskedastic
        covariance it is the Cragg-Donald F, and with one endogenous
        regressor the HC1 first-stage F. With clusters the meat is the sum
        of cluster scores, with no further small-sample factor.
        """
        return self._rk_f(robust=True)

    def _rk_f(self, robust):
        V, R, Zt = self._first_stage_moments()
        n, K2, L2 = self.nobs, self.n_endog, self.n_excluded
        ZZ = Zt.T @ Zt
        Pi = linalg.solve(ZZ, Zt.T @ R, assume_a="pos")  # L2 x K2
        sigma = V.T @ V / n
        G = _inv_sqrt(sigma)  # K2 x K2, G'G = sigma^-1
        F = _sqrt(ZZ / n)  # L2 x L2, F'F = Z'Z / n
        theta = G @ Pi.T @ F.T  # K2 x L2
        U, _, Vt = linalg.svd(theta)
        A = U[:, K2 - 1 :]  # K2 x 1
        B = Vt[K2 - 1 :, :]  # (L2 - K2 + 1) x L2
        lam = (A.T @ theta @ B.T).ravel(order="F")
        ZZ_inv = linalg.inv(ZZ)
        if robust:
            scores = np.einsum("il,ik->ilk", Zt, V).reshape(n, L2 * K2)
            if self.cov_type == "cluster":
                meat = _cluster_meat(scores, *self._codes)
            else:
                meat = scores.T @ scores
            left = np.kron(ZZ_inv, np.eye(K2))
            cov_pi = left @ meat @ left.T  # cov of vec(Pi')
        else:
            cov_pi = np.kron(ZZ_inv, sigma)
        T = np.kron(F, G)
        cov_theta = T @ cov_pi @ T.T
        S = np.kron(B, A.T)
        cov_lam = S @ cov_theta @ S.T
        rk = float(lam @ linalg.solve(cov_lam, lam, assume_a="pos"))
        L = self.Z.shape[1]
        return rk * (n - L) / (n * L2)

    @cached_property
    def weak_instruments(self):
        """The weak-instrument statistic in use, with Stock and Yogo's value.

        ``statistic`` is the Cragg-Donald F under ``cov_type="nonrobust"``
        and the Kleibergen-Paap rk Wald F otherwise; ``critical_value`` the
        Stock-Yogo 10% maximal IV size value (None when not tabulated: more
        than two endogenous regressors or 30 instruments); ``weak`` whether
        the statistic is below it.
        """
        if not self.n_endog:
            raise StatisticUnavailableError(
                "weak_instruments", "no endogenous regressor"
            )
        robust = self.cov_type != "nonrobust"
        stat = self.kleibergen_paap if robust else self.cragg_donald
        crit = stock_yogo_size10(self.n_endog, self.n_excluded)
        return {
            "test": "Kleibergen-Paap rk Wald F" if robust else "Cragg-Donald F",
            "statistic": stat,
            "cragg_donald": self.cragg_donald,
            "kleibergen_paap": self.kleibergen_paap if robust else None,
            "critical_value": crit,
            "weak": None if crit is None else bool(stat < crit),
            "criterion": "Stock-Yogo 10% maximal IV size (5% test)",
        }

    def anderson_rubin(self, value=0.0):
        """Anderson-Rubin test of ``coef(endogenous) = value``, any strength.

        Regresses ``y - X_endog value`` on the instruments and tests that
        the excluded instruments' coefficients are zero (F, with
        ``cov_type``); valid whether or not the instruments are weak.
        """
        target = self.y - self.X[:, self.n_exog :] @ np.broadcast_to(
            np.asarray(value, dtype=float), (self.n_endog,)
        )
        _, _, _, test = self._first_stage_wald(target)
        return _test(
            test,
            "Anderson-Rubin",
            f"coefficient(s) of the endogenous regressor(s) = {value}",
            f"F({test['df'][0]}, {test['df'][1]:g})",
        )

    def anderson_rubin_set(self, alpha=0.05, width=20.0, points=401):
        """The ``1 - alpha`` Anderson-Rubin confidence set (one endogenous).

        The values not rejected by :meth:`anderson_rubin` on a grid of
        ``points`` values within ``width`` standard errors (at least
        ``width`` units of the coefficient's magnitude) of the estimate,
        each boundary refined by root finding. Returns a list of
        ``(lower, upper)`` intervals; ``-inf``/``inf`` where the set reaches
        the end of the grid (the set is then unbounded, as it is when the
        instruments are weak).
        """
        if self.n_endog != 1:
            raise ValueError(
                "the Anderson-Rubin confidence set is computed for one "
                f"endogenous regressor; this model has {self.n_endog}"
            )
        b = float(self.params[-1])
        half = width * max(float(self.bse[-1]), 1e-8 * max(abs(b), 1.0))
        grid = np.linspace(b - half, b + half, points)

        def excess(v):
            return self.anderson_rubin(v)["pvalue"] - alpha

        accepted = np.array([excess(v) >= 0 for v in grid])
        intervals, start = [], None
        for i, ok in enumerate(accepted):
            if ok and start is None:
                start = (
                    -np.inf
                    if i == 0
                    else optimize.brentq(excess, grid[i - 1], grid[i], xtol=1e-12)
                )
            if not ok and start is not None:
                end = optimize.brentq(excess, grid[i - 1], grid[i], xtol=1e-12)
                intervals.append((float(start), float(end)))
                start = None
        if start is not None:
            intervals.append((float(start), np.inf))
        return intervals

    @cached_property
    def weak_inference(self):
        """Anderson-Rubin inference when the instruments are weak, else {}.

        ``test``: :meth:`anderson_rubin` of zero; ``set``: the 95%
        :meth:`anderson_rubin_set` (one endogenous regressor only).
        """
        if not self.n_endog or not self.weak_instruments.get("weak"):
            return {}
        out = {"test": self.anderson_rubin(0.0)}
        if self.n_endog == 1:
            out["set"] = self.anderson_rubin_set()
        return out

    # -- overidentification ---------------------------------------------------

    @cached_property
    def overidentification(self):
        """The overidentification test that fits the estimator and cov_type.

        Hansen's J for GMM; Sargan's ``n R²`` (residuals on the instruments)
        for 2SLS/LIML with ``nonrobust``; otherwise Wooldridge's (1995)
        heteroskedasticity-robust score test. Exactly identified, it raises
        :class:`~sklearn_innov.exceptions.StatisticUnavailableError`.
        """
        df = self.n_excluded - self.n_endog
        if not self.n_endog or df == 0:
            raise StatisticUnavailableError(
                "overidentification",
                "exactly identified (as many excluded instruments as "
                "endogenous regressors): nothing to test",
            )
        null = "the instruments are valid (uncorrelated with the error)"
        if self.method == "gmm":
            return _chi2(self.j_statistic, df, "Hansen's J", null)
        if self.cov_type == "nonrobust":
            return _chi2(self.sargan, df, "Sargan", null)
        return _chi2(self.score_overid, df, "Wooldridge's robust score", null)

    @cached_property
    def sargan(self):
        """Sargan's statistic ``n (1 - e'M_Z e / e'e)``."""
        e = self._rows("resid")
        _, u = self._lsZ.solve(e)
        return float(self.nobs * (1.0 - (u @ u) / (e @ e)))

    @cached_property
    def score_overid(self):
        """Wooldridge's robust score test: ``n - SSR`` of 1 on ``q_res * e``."""
        e = self._rows("resid")
        q = self.Z[:, self.n_exog : self.n_exog + self.n_excluded - self.n_endog]
        _, q_res = self._lsXhat.solve(q)
        tests = q_res.reshape(q.shape) * e[:, None]
        ones = np.ones(self.nobs)
        _, u = LeastSquares(tests).solve(ones)
        return float(self.nobs - u @ u)

    @cached_property
    def j_statistic(self):
        """Hansen's J: ``n g' W g`` with the weight of the final GMM step."""
        g = self.Z.T @ self._rows("resid") / self.nobs
        return float(self.nobs * g @ self.weight @ g)

    # -- endogeneity ----------------------------------------------------------

    def _ols_resid(self):
        _, e0 = LeastSquares(self._rows("X")).solve(self.y)
        return e0

    @cached_property
    def _durbin_parts(self):
        e0 = self._ols_resid()
        augmented = LeastSquares(np.column_stack([self.Z, self.X[:, self.n_exog :]]))
        _, r1 = augmented.solve(e0)
        e1 = e0 - r1
        _, r2 = self._lsZ.solve(self.resid)
        e2 = self.resid - r2
        return float(e1 @ e1 - e2 @ e2), float(e0 @ e0)

    @cached_property
    def durbin(self):
        """Durbin's test (chi-square), as linearmodels' ``durbin()``."""
        delta, e0e0 = self._durbin_parts
        return _chi2(
            delta / (e0e0 / self.nobs),
            self.n_endog,
            "Durbin",
            "the regressors are exogenous",
        )

    @cached_property
    def wu_hausman(self):
        """Wu-Hausman F, as linearmodels' ``wu_hausman()``."""
        delta, e0e0 = self._durbin_parts
        df_denom = self.nobs - self.k - self.n_endog
        F = (delta / self.n_endog) / ((e0e0 - delta) / df_denom)
        return {
            "test": "Wu-Hausman",
            "statistic": float(F),
            "pvalue": float(stats.f.sf(F, self.n_endog, df_denom)),
            "df": (self.n_endog, df_denom),
            "distribution": f"F({self.n_endog}, {df_denom})",
            "null": "the regressors are exogenous",
        }

    @cached_property
    def control_function_test(self):
        """Regression-based test: OLS of y on X and the first-stage residuals.

        The Wald test (``cov_type``; robust under HC and cluster) that the
        residuals' coefficients are zero, as F on ``(K2, n - k - K2)``.
        """
        V = self._rows("X")[:, self.n_exog :] - self._fitted_endog
        ls = LeastSquares(np.column_stack([self.X, V]))
        params, resid = ls.solve(self.y)
        cov = _ls_cov(ls, resid, self.cov_type, self._codes)
        R = np.zeros((self.n_endog, ls.k))
        R[:, self.k :] = np.eye(self.n_endog)
        test = wald_test(params, cov, R, df_resid=ls.n - ls.k)
        return _test(
            test,
            "Control function (regression-based)",
            "the regressors are exogenous",
            f"F({test['df'][0]}, {test['df'][1]:g})",
        )

    @cached_property
    def endogeneity(self):
        """The endogeneity tests: Durbin, Wu-Hausman and the control function."""
        if not self.n_endog:
            raise StatisticUnavailableError("endogeneity", "no endogenous regressor")
        return {
            "durbin": self.durbin,
            "wu_hausman": self.wu_hausman,
            "control_function": self.control_function_test,
        }


def stack_columns(*blocks):
    """Columns side by side, Fortran-ordered: X'y and X b are 5x faster so."""
    n = blocks[0].shape[0]
    widths = [b.shape[1] for b in blocks]
    out = np.empty((n, sum(widths)), order="F")
    start = 0
    for block, width in zip(blocks, widths, strict=True):
        out[:, start : start + width] = block
        start += width
    return out


def _sqrt(M):
    w, U = linalg.eigh(M)
    return (U * np.sqrt(np.clip(w, 0.0, None))) @ U.T


def _inv_sqrt(M):
    w, U = linalg.eigh(M)
    return (U / np.sqrt(w)) @ U.T


def iv_fit(
    y,
    exog,
    endog,
    excluded,
    *,
    method="2sls",
    cov_type="nonrobust",
    names,
    instrument_names,
    clusters=None,
    has_const=True,
):
    """Fit ``y`` on ``[exog, endog]`` with ``[exog, excluded]`` as instruments.

    Parameters
    ----------
    y : ndarray of shape (n,)
    exog : ndarray of shape (n, k1)
        Exogenous regressors, the constant column first when ``has_const``.
    endog : ndarray of shape (n, k2)
    excluded : ndarray of shape (n, l2)
        Excluded instruments, ``l2 >= k2``.
    method : {"2sls", "liml", "gmm"}
    cov_type : {"nonrobust", "HC0", "HC1", "HC2", "HC3", "cluster"}
    names : list of str
        Names of ``exog`` then ``endog``'s columns.
    instrument_names : list of str
    clusters : ndarray of shape (n,), optional
    has_const : bool

    Returns
    -------
    results : IVResults
    """
    X = stack_columns(exog, endog)
    Z = stack_columns(exog, excluded)
    return IVResults(
        y=y,
        X=X,
        Z=Z,
        n_exog=exog.shape[1],
        method=method,
        cov_type=cov_type,
        names=names,
        instrument_names=instrument_names,
        clusters=clusters,
        has_const=has_const,
    )


def murphy_topel(fit, design, y, Z, V, rho, gram_inv):
    """Murphy-Topel's addition to a control-function logit's covariance.

    Greene's outer-product form, ``V2 (C V1 C' - R V1 C' - C V1 R') V2``:
    ``fit`` the step-2 logit on ``design`` (its last columns the step-1
    residuals ``V`` with coefficients ``rho``), ``V1 = Sigma kron (Z'Z)^-1``
    the covariance of the step-1 OLS coefficients (``gram_inv`` is
    ``(Z'Z)^-1``), ``C`` and ``R`` the cross-products of the logit scores
    with their derivatives in the step-1 coefficients and with the step-1
    scores.
    """
    n, L = Z.shape
    k_endog = V.shape[1]
    sigma = V.T @ V / (n - L)
    V1 = np.kron(sigma, gram_inv)  # first-stage coefficients, by equation
    resid = y - fit.prob
    s2 = design * resid[:, None]  # logit scores
    # d ln f2 / d pi_j = -(y - p) rho_j z_i; d ln f1 / d pi_j = z_i (Sigma^-1 v_i)_j
    first_scores = V @ np.linalg.inv(sigma)
    C = np.hstack([-rho[j] * (s2.T @ (Z * resid[:, None])) for j in range(k_endog)])
    R = np.hstack([s2.T @ (Z * first_scores[:, [j]]) for j in range(k_endog)])
    V2 = fit.cov
    middle = C @ V1 @ C.T - R @ V1 @ C.T - C @ V1 @ R.T
    return V2 @ middle @ V2
