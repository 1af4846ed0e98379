"""Results of a least-squares fit: every statistic lazily, in one place.

:func:`ols_fit` and :func:`constrained_fit` solve a regression on the shared
least-squares core and return an :class:`OLSResults`, which computes each
statistic (covariance, t, F, R², Durbin-Watson, Park, Breusch-Pagan,
Lilliefors, correlations, VIF, Wald tests) on first access and caches it.
Estimators read these attributes; summaries and reports format them.
"""

from functools import cached_property

import numpy as np
from scipy import stats

from ..exceptions import StatisticUnavailableError
from ..utils._lazy import pd
from ._linalg import (
    LeastSquares,
    affine_solutions,
    robust_cov,
    solve_lsi,
    wald_test,
)
from ._moments import correlation_matrix
from ._results import Results
from ._survey import cluster_covariance, design_covariance
from ._tests import (
    breusch_godfrey,
    durbin_watson,
    durbin_watson_test,
    lilliefors,
    vif_from_correlation,
)

__all__ = [
    "OLSResults",
    "breusch_pagan",
    "constrained_fit",
    "ols_fit",
    "park_test",
    "total_sum_of_squares",
]


def t_intervals(results, alpha=0.05):
    """``(lower, upper)`` columns of the ``1 - alpha`` t intervals of a fit.

    ``results`` has ``params``, ``bse``, ``tvalues`` and ``df_resid`` (or
    ``df_inference``, the degrees of freedom of its tests when they differ:
    clusters or a survey design); an interval is undefined (NaN) where t is
    (a pinned or leverage-1 coefficient). Shared by the OLS and IV results.
    """
    df = getattr(results, "df_inference", results.df_resid)
    q = stats.t.isf(alpha / 2, df) if df > 0 else np.nan
    half = np.where(np.isnan(results.tvalues), np.nan, q * results.bse)
    return np.column_stack([results.params - half, results.params + half])


def coefficient_table(results):
    """The tidy coefficient table of a fit with t statistics.

    DataFrame indexed by ``term``: coef, std_err, t, p_value, ci_lower,
    ci_upper (95%), from ``results``' ``params``, ``bse``, ``tvalues``,
    ``pvalues``, ``conf_int()`` and ``names``.
    """
    ci = results.conf_int()
    return pd.DataFrame(
        {
            "coef": results.params,
            "std_err": results.bse,
            "t": results.tvalues,
            "p_value": results.pvalues,
            "ci_lower": ci[:, 0],
            "ci_upper": ci[:, 1],
        },
        index=pd.Index(results.names, name="term"),
    )


class OLSResults(Results):
    """The results of one (possibly weighted, possibly constrained) OLS fit.

    Names follow statsmodels' ``RegressionResults``. With weights, the fit is
    least squares on the whitened data (``sqrt(w)`` times rows) and
    ``wresid`` are the whitened residuals; the diagnostics use them with the
    *unweighted* regressors (see :attr:`park`).

    Parameters
    ----------
    params : ndarray of shape (k,)
    wresid : ndarray of shape (n,)
        Residuals of the fitted (whitened) regression.
    ls : LeastSquares or None
        The factored design that was fitted: the whitened design, or its
        reduction ``X N`` to the free directions of a constrained fit (None
        when no parameter is free).
    basis : ndarray of shape (k, f), optional
        ``N``, the free directions of a constrained fit (``b = b0 + N z``).
    exog : ndarray of shape (n, k)
        The unweighted design (constant column first when ``has_const``).
    has_const : bool
    cov_type : str
        "nonrobust", "HC0" to "HC3", "cluster" (CR1) or "survey" (Taylor
        linearisation); the last two need ``design``.
    tss : float
        Total sum of squares (centred with a constant, else uncentred;
        weighted with weights).
    names : list of str
        Parameter names.
    weights : ndarray of shape (n,), optional
    frequency : bool, default=False
        Read ``weights`` as frequency weights (a row of weight ``w`` is ``w``
        identical rows, scikit-learn's and Stata's ``fweight``): ``nobs`` is
        their sum and the classical and HC0-HC3 covariances are those of the
        replicated rows. Otherwise they are analytic weights (statsmodels'
        ``WLS``): ``nobs`` counts rows. Ignored under "cluster" and
        "survey", whose weights are probability weights.
    active : list of str, optional
        Labels of the inequality constraints that bind.
    endog : ndarray of shape (n,), optional
        The unweighted response, for :attr:`resid` of a weighted fit.
    design : SurveyDesign, optional
        The rows' design, one entry per fitted row: its PSUs are the clusters
        under "cluster"; under "survey" its strata, PSUs and fpc too (a
        :meth:`~SurveyDesign.subset` when rows of the design were left out of
        the fit).
    """

    _row_data = (
        "wresid",
        "_target",
        "_copies",
        "_diagnostic_resid",
        "_diagnostic_exog",
        "resid",
        "ls",
        "exog",
        "weights",
        "endog",
        "_aux",
        "design",
    )
    wresid = ls = exog = weights = endog = _aux = design = None
    # a replicate-jackknife covariance replacing the linearised one (see
    # use_jackknife); None on fits saved before it existed
    jackknife = None
    # positions of the parameters :attr:`returns_to_scale` sums (None: every
    # slope); a log-log model with controls in levels sums its logged ones
    elasticities = None
    _summary_statistics = (
        "tss",
        "smearing",
        "_unit_cov",
        "coef_table",
        "rsquared",
        "rsquared_adj",
        "model_test",
        "sigma",
        "durbin_watson",
        "durbin_watson_test",
        "breusch_godfrey",
        "lilliefors",
        "park",
        "breusch_pagan",
        "correlation",
        "vif",
        "returns_to_scale",
    )

    def __init__(
        self,
        *,
        params,
        wresid,
        ls,
        exog,
        has_const,
        cov_type,
        tss,
        names,
        basis=None,
        weights=None,
        active=(),
        endog=None,
        design=None,
        frequency=False,
        target=None,
    ):
        if cov_type in ("cluster", "survey") and design is None:
            raise ValueError(f"cov_type={cov_type!r} needs the rows' design")
        self.params = params
        self.design = design
        self.endog = endog
        self.wresid = wresid
        # wresid None: the residuals of the (whitened) response ``target`` on
        # ``ls``, computed when first read (a pass over the rows a fit that
        # only predicts never pays)
        self._target = target
        self.ls = ls
        self.basis = basis
        self.exog = exog
        self.has_const = has_const
        self.cov_type = cov_type
        # None: computed when first read, from the response and weights
        self._tss = None if tss is None else float(tss)
        self.names = list(names)
        self.weights = weights
        self.active = list(active)
        self.frequency = bool(
            frequency and weights is not None and cov_type not in ("cluster", "survey")
        )
        self.nobs = int(exog.shape[0])
        if self.frequency:
            total = float(weights.sum())
            self.nobs = int(total) if total.is_integer() else total
        n_free = params.size if basis is None else basis.shape[1]
        self.df_resid = float(self.nobs - n_free)
        self._aux = None
        self.design_info = None
        self.df_inference = self.df_resid
        if cov_type == "cluster":
            n_clusters = int(np.unique(design.psu).size)
            self.df_inference = float(n_clusters - 1)
            self.design_info = {"clusters": n_clusters, "df": n_clusters - 1}
        elif cov_type == "survey":
            # svyglm's df.residual: design df + 1 - parameters
            self.design_info = dict(design.info)
            self.df_inference = float(design.df + 1 - n_free)
        if self.design_info is not None:
            self.design_info["df_inference"] = self.df_inference

    def use_jackknife(self, variance):
        """Use a replicate-jackknife covariance and its degrees of freedom.

        Under "survey" only, before any statistic is read: every standard
        error, t, p-value, interval and F then comes from ``variance``
        (a :class:`~._survey.JackknifeVariance`), on its ``df`` + 1 -
        parameters, and :attr:`design_info` says so.
        """
        n_free = self.params.size if self.basis is None else self.basis.shape[1]
        for name in ("_unit_cov", "cov_params", "bse", "tvalues", "pvalues"):
            self.__dict__.pop(name, None)  # anything read before is linearised
        self.jackknife = variance
        self.df_inference = float(variance.df + 1 - n_free)
        self.design_info.update(
            df=variance.df, df_inference=self.df_inference, **variance.info
        )

    def _rows(self, name):
        if (
            name == "wresid"
            and self.__dict__.get("wresid") is None
            and self.__dict__.get("_target") is not None
            and self.has_data
        ):
            self.__dict__["wresid"] = self._target - self.ls.X @ self.params
        return super()._rows(name)

    # -- fit and inference ----------------------------------------------------

    @property
    def slopes(self):
        """Positions of the slope parameters (all but the constant)."""
        return np.arange(int(self.has_const), self.params.size)

    @cached_property
    def df_model(self):
        """Number of slope directions the constraints leave free."""
        if self.basis is None:
            return float(self.slopes.size)
        block = self.basis[self.slopes]
        return float(np.linalg.matrix_rank(block)) if block.size else 0.0

    @cached_property
    def resid(self):
        """Residuals on the unweighted scale, ``endog - exog @ params``."""
        if self.weights is None:
            return self._rows("wresid")
        return self._rows("endog") - self.exog @ self.params

    @cached_property
    def tss(self):
        """Total sum of squares (centred with a constant; weighted)."""
        if self._tss is not None:
            return self._tss
        return total_sum_of_squares(
            self._rows("endog"), has_const=self.has_const, weights=self.weights
        )

    @cached_property
    def smearing(self):
        """Duan's smearing factor: the (weighted) mean of ``exp(resid)``."""
        return float(np.average(np.exp(self.resid), weights=self.weights))

    @cached_property
    def ssr(self):
        wresid = self._rows("wresid")
        return float(wresid @ wresid)

    @cached_property
    def sigma(self):
        """Standard error of the regression, ``sqrt(ssr / df_resid)``."""
        return float(np.sqrt(self.ssr / self.df_resid)) if self.df_resid > 0 else np.nan

    @cached_property
    def _unit_cov(self):
        """``(cov of params * scale, scale)``: the form every test reads.

        See :func:`~sklearn_innov._core._linalg.robust_cov`; a constrained
        fit's covariance is mapped through its basis in plain units.
        """
        k = self.params.size
        if self.basis is None:
            ls = self._rows("ls")
            return self._cov_unit(ls), ls.scale
        if self.ls is None:  # no free parameter
            return np.zeros((k, k)), np.ones(k)
        ls = self._rows("ls")
        reduced = self._cov_unit(ls) / np.outer(ls.scale, ls.scale)
        return self.basis @ reduced @ self.basis.T, np.ones(k)

    def _cov_unit(self, ls):
        """Unit-scaled covariance of the fitted (free) parameters of ``ls``.

        Under "cluster" and "survey" the scores are the whitened design times
        the whitened residuals, ``w_i x_i e_i``, and the bread the inverse of
        the (weighted) Gram matrix, both in unit-scaled coordinates.
        """
        if self.jackknife is not None:
            return self.jackknife.cov * np.outer(ls.scale, ls.scale)
        if self.cov_type not in ("cluster", "survey"):
            counts = self._rows("weights") if self.frequency else None
            return robust_cov(
                ls, self._rows("wresid"), self.cov_type, ssr=self.ssr, counts=counts
            )
        scores = (ls.X / ls.scale) * self._rows("wresid")[:, None]
        design = self._rows("design")
        if self.cov_type == "cluster":
            return cluster_covariance(scores, ls.gram_inv_unit, design.psu)
        return design_covariance(scores, ls.gram_inv_unit, design)

    @cached_property
    def cov_params(self):
        """Covariance of ``params`` (``cov_type``; conditional on the active set).

        Not representable (inf or 0) for a column whose values lie beyond
        about 1e+-150; ``bse``, t, p and F are computed without it.
        """
        cov, scale = self._unit_cov
        with np.errstate(over="ignore", under="ignore", divide="ignore"):
            return cov / np.outer(scale, scale)

    @cached_property
    def bse(self):
        cov, scale = self._unit_cov
        return np.sqrt(np.clip(np.diag(cov), 0.0, None)) / scale

    @cached_property
    def tvalues(self):
        # A coefficient pinned by a constraint has std_err 0, one fixed by a
        # leverage-1 row under HC2/HC3 std_err NaN: its t is undefined.
        bse = self.bse
        with np.errstate(invalid="ignore"):
            ok = bse > 0
        return np.where(ok, self.params / np.where(ok, bse, 1.0), np.nan)

    @cached_property
    def pvalues(self):
        """Two-sided p-values of t on :attr:`df_inference` degrees of freedom."""
        t = self.tvalues
        if self.df_inference <= 0:
            return np.full(t.shape, np.nan)
        p = 2 * stats.t.sf(np.abs(np.nan_to_num(t)), self.df_inference)
        return np.where(np.isnan(t), np.nan, p)

    def conf_int(self, alpha=0.05):
        """``(lower, upper)`` columns of the ``1 - alpha`` t intervals."""
        return t_intervals(self, alpha)

    @cached_property
    def coef_table(self):
        """DataFrame: coef, std_err, t, p_value, ci_lower, ci_upper (95%)."""
        return coefficient_table(self)

    @cached_property
    def rsquared(self):
        """Centred R² with a constant, uncentred R² without one."""
        return 1.0 - self.ssr / self.tss

    @cached_property
    def rsquared_adj(self):
        return 1.0 - (self.nobs - self.has_const) / self.df_resid * (
            1.0 - self.rsquared
        )

    def wald_test(self, R, q=0.0):
        """Wald test of ``R params = q`` with this fit's covariance.

        F (or t for one restriction) with :attr:`df_inference` denominator
        degrees of freedom (``df_resid``; clusters - 1 under "cluster"; the
        design's df + 1 - parameters under "survey", as svyglm);
        see :func:`~sklearn_innov._core._linalg.wald_test`.
        """
        if self.df_inference <= 0:
            raise ValueError(
                f"no degrees of freedom are left for the test ({self.df_inference:g}"
                ": fewer PSUs than parameters)"
            )
        cov, scale = self._unit_cov
        return wald_test(
            self.params,
            cov,
            R,
            q,
            df_resid=self.df_inference,
            basis=self.basis,
            scale=scale,
        )

    @cached_property
    def model_test(self):
        """The F test that every free slope is zero.

        With no constraint binding this is statsmodels' ``fvalue`` (robust
        with an HC covariance). Under constraints only the directions they
        leave free are tested (under constant returns: that the elasticities
        are equal); when none is free the test is undefined and this raises
        :class:`~sklearn_innov.exceptions.StatisticUnavailableError`.
        """
        if self.df_model == 0:
            raise StatisticUnavailableError(
                "model_test", "no slope is free (every one is fixed by a constraint)"
            )
        R = np.eye(self.params.size)[self.slopes]
        try:
            return self.wald_test(R, 0.0)
        except (ValueError, np.linalg.LinAlgError) as exc:
            raise StatisticUnavailableError("model_test", str(exc)) from exc

    def _model_test_value(self, key):
        """One figure of the model's F test, NaN where the test is undefined."""
        try:
            return float(self.model_test[key])
        except StatisticUnavailableError:
            return np.nan

    @property
    def fvalue(self):
        return self._model_test_value("statistic")

    @property
    def f_pvalue(self):
        return self._model_test_value("pvalue")

    @cached_property
    def returns_to_scale(self):
        """t test of ``sum of slopes = 1`` (constant returns in a log-log model).

        The sum is over :attr:`elasticities` when set (the logged regressors
        of a model with controls in levels), else over every slope.

        A dict: ``sum``, ``std_err``, ``t``, ``fvalue`` (``t**2``), ``pvalue``.
        """
        weights = np.zeros(self.params.size)
        terms = self.slopes if self.elasticities is None else self.elasticities
        weights[terms] = 1.0
        result = self.wald_test(weights, 1.0)
        return {
            "sum": result["estimate"],
            "std_err": result["std_err"],
            "t": result["t"],
            "fvalue": result["statistic"],
            "pvalue": result["pvalue"],
        }

    # -- specification tests (lazy) -------------------------------------------

    @property
    def regressors(self):
        """The unweighted slope columns of the design (replicated under
        whole-number frequency weights, see :attr:`_copies`)."""
        return self._diagnostic_exog[:, int(self.has_const) :]

    @cached_property
    def _copies(self):
        """Row positions of the replicated rows, or None.

        Under frequency weights that are whole numbers the diagnostics
        (Durbin-Watson and its exact p-value, Breusch-Godfrey, Lilliefors,
        Park, Breusch-Pagan, the correlations and VIFs) are those of the
        replicated rows, computed on them (a row of weight 3 is three
        adjacent rows), so that they equal the unweighted fit on the copies.
        None otherwise (no weights, analytic weights, fractions, or more
        than 5e7 replicated values): the diagnostics then take statsmodels'
        WLS forms (whitened residuals, unweighted regressors).
        """
        if not self.frequency:
            return None
        weights = self._rows("weights")
        copies = weights.astype(np.int64)
        if not np.array_equal(copies, weights):
            return None
        if copies.sum() * self._rows("exog").shape[1] > 50_000_000:
            return None
        return np.repeat(np.arange(weights.size), copies)

    @cached_property
    def _diagnostic_resid(self):
        """The residuals the diagnostics read (see :attr:`_copies`)."""
        if self._copies is None:
            return self._rows("wresid")
        return self.resid[self._copies]

    @cached_property
    def _diagnostic_exog(self):
        exog = self._rows("exog")
        return exog if self._copies is None else exog[self._copies]

    @property
    def aux_design(self):
        """Factored ``[1, regressors]``: the design of Park and Breusch-Pagan."""
        if self._aux is None:
            reuse = (
                self.has_const
                and self.weights is None
                and self.basis is None
                and self.ls is not None
            )
            exog = self._diagnostic_exog
            if reuse:
                self._aux = self.ls
            elif self.has_const:
                self._aux = LeastSquares(exog)
            else:
                self._aux = LeastSquares(
                    np.column_stack([np.ones(exog.shape[0]), exog])
                )
        return self._aux

    @cached_property
    def durbin_watson(self):
        """Durbin-Watson statistic of the (whitened) residuals in row order."""
        return durbin_watson(self._diagnostic_resid)

    @property
    def null_design(self):
        """The design the residuals are orthogonal to: whitened (or
        replicated, see :attr:`_copies`), and reduced to its free directions
        under equality constraints (``X N``)."""
        X = self._diagnostic_exog
        if self.weights is not None and self._copies is None:
            X = X * np.sqrt(self.weights)[:, None]
        return X if self.basis is None else X @ self.basis

    @cached_property
    def durbin_watson_test(self):
        """Durbin-Watson with its exact (two-sided) p-value for this design.

        See :func:`sklearn_innov.diagnostics.durbin_watson_test`.
        """
        return durbin_watson_test(self._diagnostic_resid, self.null_design)

    @cached_property
    def breusch_godfrey(self):
        """Breusch-Godfrey LM test of first-order autocorrelation in row order."""
        return breusch_godfrey(self._diagnostic_resid, self.null_design)

    @cached_property
    def lilliefors(self):
        """Lilliefors test of normality of the (whitened) residuals."""
        return lilliefors(self._diagnostic_resid)

    @cached_property
    def park(self):
        """Park's test: ``ln e^2`` on a constant and the unweighted regressors.

        ``e`` are the (whitened) residuals; with weights this is the usual
        reading for WLS (``statsmodels``' ``wresid`` regressed on the
        original ``[1, ln X]``).
        """
        names = ["const"] + self.names[int(self.has_const) :]
        return park_test(self._diagnostic_resid, self.aux_design, names)

    @cached_property
    def breusch_pagan(self):
        """Koenker's studentised Breusch-Pagan test on the same design as Park.

        Equal to ``statsmodels.stats.diagnostic.het_breuschpagan(wresid,
        [1, regressors])``.
        """
        return breusch_pagan(self._diagnostic_resid, self.aux_design)

    @cached_property
    def correlation(self):
        """Correlation matrix of the (unweighted) regressors, as an ndarray."""
        X = self.regressors
        if self.aux_design is self.ls and self.ls.gram is not None:
            gram = self.ls.gram
            return correlation_matrix(X, sums=gram[0, 1:], uncentred=gram[1:, 1:])
        return correlation_matrix(X)

    @cached_property
    def vif(self):
        """Variance inflation factors of the regressors (a constant implied)."""
        return vif_from_correlation(self.correlation)


def total_sum_of_squares(y, *, has_const, weights=None):
    """Centred (with a constant) or uncentred sum of squares, optionally weighted."""
    if weights is None:
        centred = y - y.mean() if has_const else y
        return float(centred @ centred)
    if has_const:
        centred = y - np.average(y, weights=weights)
        return float(weights @ centred**2)
    return float(weights @ y**2)


def ols_fit(
    ls,
    y,
    *,
    has_const,
    cov_type="nonrobust",
    tss=None,
    exog=None,
    weights=None,
    names=None,
    endog=None,
    design=None,
    frequency=False,
):
    """Fit ``y`` on a factored design.

    Parameters
    ----------
    ls : LeastSquares
        The factored design (whitened with weights), a constant column first
        when ``has_const``.
    y : ndarray of shape (n_samples,)
        The (whitened) response.
    has_const : bool
        Whether the first column is the intercept: R² is centred then and
        uncentred otherwise, and F excludes the intercept.
    cov_type : {"nonrobust", "HC0", "HC1", "HC2", "HC3", "cluster", "survey"}
    tss : float, optional
        Total sum of squares, when it is not that of ``y``; with ``endog``
        and no ``tss`` it is computed from ``endog`` (and the weights) when
        first read.
    exog : ndarray, optional
        The unweighted design, when ``ls`` is whitened; default ``ls.X``.
    weights : ndarray, optional
    names : list of str, optional
    endog : ndarray, optional
        The unweighted response, when ``y`` is whitened.
    design : SurveyDesign, optional
        The fitted rows' design; needed by "cluster" and "survey" (see
        :class:`OLSResults`).
    frequency : bool, default=False
        ``weights`` are frequency weights (see :class:`OLSResults`).

    Returns
    -------
    results : OLSResults
    """
    target = None
    if ls.refines:
        params, resid = ls.solve(y)
    else:
        # the residuals are computed when a statistic first reads them
        params, resid, target = ls.coefficients(y), None, y
    if tss is None and endog is None:
        tss = total_sum_of_squares(y, has_const=has_const)
    return OLSResults(
        params=params,
        wresid=resid,
        ls=ls,
        exog=ls.X if exog is None else exog,
        has_const=has_const,
        cov_type=cov_type,
        tss=tss,
        names=names or _default_names(ls.k, has_const),
        weights=weights,
        endog=endog,
        design=design,
        frequency=frequency,
        target=target,
    )


def constrained_fit(
    X,
    y,
    *,
    eq=None,
    ineq=None,
    has_const,
    cov_type="nonrobust",
    names=None,
    tss=None,
    exog=None,
    weights=None,
    endog=None,
    design=None,
    frequency=False,
):
    """Least squares under linear equality and inequality constraints.

    Minimises ``||y - X b||`` subject to ``C b = d`` and ``G b >= h``. The
    active inequalities are found by Lawson & Hanson's LSI -> LDP -> NNLS
    reduction (exact, finite); the model is then refitted with the equalities
    and the active inequalities as equalities, by least squares on the reduced
    design ``X N`` (``N`` a basis of the null space of the constraints).

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_params)
        The (whitened) design.
    y : ndarray of shape (n_samples,)
    eq : tuple (C, d) or None
        Equality constraints, ``C`` of shape (q, n_params).
    ineq : tuple (G, h, labels) or None
        Inequality constraints ``G b >= h`` with a label per row.
    has_const, cov_type, names, tss, exog, weights, endog, design, frequency
        As in :func:`ols_fit`.

    Returns
    -------
    results : OLSResults
        Standard errors are those of the equality-restricted least squares
        with the active set held fixed (conditional on the active set);
        ``results.active`` lists the labels of the active inequalities.

    References
    ----------
    .. [1] Lawson, C. L. and Hanson, R. J. (1974). Solving Least Squares
       Problems, chapters 20-23. Prentice-Hall.
    """
    n, k = X.shape
    C = np.zeros((0, k)) if eq is None else np.atleast_2d(eq[0])
    d = np.zeros(0) if eq is None else np.atleast_1d(eq[1]).astype(float)
    active = []
    if ineq is not None:
        G, h, labels = ineq
        b = solve_lsi(X, y, C, d, G, h, names)
        slack = G @ b - h
        tight = slack <= 1e-9 * (1.0 + np.abs(h))
        active = [labels[i] for i in np.flatnonzero(tight)]
        C = np.vstack([C, G[tight]])
        d = np.concatenate([d, h[tight]])
    b0, N = affine_solutions(C, d)
    offset = y - X @ b0
    if N.shape[1]:
        reduced = LeastSquares(X @ N)
        z, _ = reduced.solve(offset)
        params = b0 + N @ z
    else:  # every parameter is fixed by the constraints
        reduced, params = None, b0
    if tss is None and endog is None:
        tss = total_sum_of_squares(y, has_const=has_const)
    return OLSResults(
        params=params,
        wresid=y - X @ params,
        ls=reduced,
        basis=N,
        exog=X if exog is None else exog,
        has_const=has_const,
        cov_type=cov_type,
        tss=tss,
        names=names or _default_names(k, has_const),
        weights=weights,
        active=active,
        endog=endog,
        design=design,
        frequency=frequency,
    )


def _default_names(k, has_const):
    offset = int(has_const)
    return ["const"] * offset + [f"x{j}" for j in range(1, k - offset + 1)]


def park_test(resid, ls, names=None):
    """Park's test: regress ``ln e^2`` on a factored ``[1, Z]``.

    Returns a dict: ``table`` (coef, t, p_value), ``fvalue``, ``f_pvalue``,
    ``df`` (numerator, denominator).
    """
    if (resid == 0).any():
        raise ValueError(
            f"Park's test needs ln(e^2), but {int((resid == 0).sum())} residual(s) "
            "are exactly zero (a perfect fit at those rows)"
        )
    log_e2 = np.log(np.square(resid))
    fit = ols_fit(ls, log_e2, has_const=True, names=names)
    return {
        "table": fit.coef_table[["coef", "t", "p_value"]],
        "fvalue": fit.fvalue,
        "f_pvalue": fit.f_pvalue,
        "df": (fit.df_model, fit.df_resid),
    }


def breusch_pagan(resid, ls, *, robust=True):
    """Breusch-Pagan LM test: ``e^2`` on a factored ``[1, Z]``.

    ``robust=True`` is Koenker's studentised ``n R^2`` (statsmodels'
    default); ``False`` the original ``ESS / 2`` of ``e^2 / mean(e^2)``.
    Returns a dict: ``lm``, ``lm_pvalue``, ``fvalue``, ``f_pvalue``, ``df``.
    """
    e2 = resid**2
    if not robust:
        e2 = e2 / e2.mean()
    fit = ols_fit(ls, e2, has_const=True)
    lm = ls.n * fit.rsquared if robust else (fit.tss - fit.ssr) / 2.0
    df = ls.k - 1
    return {
        "lm": float(lm),
        "lm_pvalue": float(stats.chi2.sf(lm, df)),
        "fvalue": fit.fvalue,
        "f_pvalue": fit.f_pvalue,
        "df": df,
    }
