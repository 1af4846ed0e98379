"""The paper's exponential (Cobb-Douglas) model, estimated by OLS on logs.

``Y = b0 X1^b1 ... Xk^bk e^u`` becomes ``ln Y = ln b0 + sum b_i ln X_i + u``
(section 4 of the paper). This regressor takes X and y in levels, fits the
log-linear model with statsmodels-grade inference, optional constraints on
the elasticities, and the paper's diagnostics (Tables 9 and 11).
"""

from __future__ import annotations

from numbers import Real
from typing import TYPE_CHECKING, Any, Self

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.validation import check_is_fitted

from .._core import (
    CollinearityError,
    LeastSquares,
    ZeroColumnError,
    constrained_fit,
    delta_method,
    effects_table,
    ols_fit,
)
from .._core._survey import (
    VARIANCES,
    check_survey_variance,
    design_df_message,
    design_for_cov_type,
    expansion_factor_message,
    jackknife_least_squares,
    mean_one,
)
from ..exceptions import (
    NonPositiveWarning,
    SklearnInnovWarning,
    StatisticUnavailableError,
)
from ..preprocessing._log import apply_zeros, check_levels, smallest_positive_half
from ..summary import Block
from ..summary._summary import plural
from ..utils._lazy import pd
from ..utils._persistence import TablePersistenceMixin
from ..utils._sklearn_compat import (
    DocLinkMixin,
    Interval,
    InvalidParameterError,
    StrOptions,
    _fit_context,
)
from ..utils._validation import (
    check_outcome,
    check_sample_weight,
    feature_labels,
    format_labels,
    is_dataframe,
    resolve_items,
    validate_columns,
)
from ..utils._warnings import warn
from ._cobb_douglas_summary import build_summary, diagnostic_entry

if TYPE_CHECKING:
    from numpy.typing import ArrayLike, NDArray

    from .._core import OLSResults
    from ..summary import Summary
    from ..utils._typing import (
        CobbDouglasCovType,
        CobbDouglasZeros,
        LonelyPSU,
        ReturnsToScale,
        SurveyVariance,
        WeightType,
    )

_ZEROS_FIX = (
    "choose a policy for them: zeros='offset' (ln(1 + X)), zeros='floor' (half "
    "the column's smallest positive value) or zeros='drop' (leave those rows "
    "out), or give MinMaxIndexer a floor (feature_range=(0.01, 1.0))."
)
_LEVELS_FIX = (
    "for zeros in X use CobbDouglasRegressor(zeros='offset'), which fits "
    "ln y on ln(1 + X), or zeros='floor' or 'drop'."
)
# verbs in number with the columns a message names (``_columns``)
_IS = ("is", "are")
_COMBINATION = (
    "is (nearly) a linear combination of the others",
    "are (nearly) linear combinations of each other",
)
_ZERO_WORDS = {
    "floor": "floored at half the column's smallest positive value (floors_)",
    "drop": "left out",
    "offset": "shifted: the model is in ln(offset + X) for every row",
}


class CobbDouglasRegressor(
    DocLinkMixin, TablePersistenceMixin, RegressorMixin, BaseEstimator
):
    """Cobb-Douglas (log-log) regression with statsmodels-grade inference.

    Fits ``ln y = ln b0 + sum_i b_i ln X_i + u`` by least squares, where the
    ``b_i`` are the elasticities of y with respect to each ``X_i``. X and y are
    passed in levels and must be strictly positive; controls named in
    ``levels`` enter as they are (``+ c_j Z_j``), dummies included.

    Parameters
    ----------
    fit_intercept : bool, default=True
        Estimate ``ln b0``. Without it (the paper's Table 11) ``rsquared_`` is
        the uncentred R² and is not comparable with a model with intercept.
    cov_type : {"nonrobust", "HC0", "HC1", "HC2", "HC3", "cluster", "survey"}, \
            default="nonrobust"
        Covariance of the coefficients: classical, heteroskedasticity-
        consistent (White's HC0, HC1 = Stata's ``vce(robust)``, HC2, HC3),
        cluster-robust CR1 over the ``cluster`` fit parameter (statsmodels'
        ``cov_type="cluster"``), or design-based over ``strata``, ``cluster``
        and ``fpc`` with ``sample_weight`` read as probability weights (R's
        ``svyglm``). Inference uses Student's t with ``df_inference_``
        degrees of freedom: ``df_resid_`` for the first five (as Stata;
        statsmodels with ``use_t=True``), clusters - 1 under "cluster" (as
        statsmodels), and the design's degrees of freedom (PSUs - strata)
        + 1 - parameters under "survey" (svyglm's ``df.residual``).
    bounds : None or tuple (lo, hi), default=None
        Bounds on every elasticity, e.g. ``(0, 1)``, the paper's expectation.
    returns_to_scale : None, "decreasing" or "constant", default=None
        "decreasing" imposes ``sum b_i <= 1`` (the paper's restriction),
        "constant" imposes ``sum b_i = 1`` (restricted least squares).
        Combines with ``bounds``.
    smearing : bool, default=True
        Multiply level predictions by Duan's smearing factor
        ``mean(exp(resid))``, which corrects the retransformation bias of
        ``exp(E[ln y])`` as an estimate of ``E[y]``.
    zeros : {"error", "floor", "drop", "offset"}, default="error"
        What to do with a regressor equal to 0 (``ln 0`` is undefined); the
        names of ``replicate``'s ``[model] zeros``:

        - "error": raise a ValueError naming the columns and rows;
        - "floor": replace a 0 by half the column's smallest positive value
          at ``fit`` (``floors_``), at ``fit`` and at ``predict``;
        - "drop": leave the rows with a 0 out of the fit, with a
          :class:`~sklearn_innov.exceptions.NonPositiveWarning` that counts
          them (``n_zero_rows_``); ``predict`` refuses such rows;
        - "offset": fit ``ln y`` on ``ln(offset + X)`` for every row (and
          predict from it); the terms are named ``(1 + X1)``.

        The policy applies to X only. y must be positive in every row under
        every policy: an outcome of 0 is a different question (whether, not
        how much), which :class:`TwoPartRegressor` models; dropping or
        shifting it here would change the model silently. Negative values
        are refused under every policy.
    offset : float, default=1.0
        The shift of ``zeros="offset"`` (positive).
    levels : None or list of str or int, default=None
        Columns of X (names, or positions for an array) that enter the
        regression in levels, not logged: controls such as 0/1 dummies
        (``"metro_area[Juárez]"``), firm age or size. Their coefficients are
        semi-elasticities (``100 b`` is roughly the percent change in y per
        unit of the control; for a 0/1 dummy the change of the fitted y is
        ``exp(b) - 1`` exactly). They may be
        0 or negative: ``zeros``, the positivity checks, ``bounds`` and
        ``returns_to_scale`` apply to the logged columns only, and the sum of
        elasticities (``diagnostics()["returns_to_scale"]``) is over those.
        At least one column must stay logged.
    lonely_psu : {"fail", "certainty", "remove", "adjust"}, default="fail"
        Under ``cov_type="survey"``, what a stratum with a single PSU adds to
        the variance, as R's ``options(survey.lonely.psu=)``: "fail" raises
        an error naming the stratum (R's default); "certainty" and "remove"
        add nothing (the stratum is taken as sampled whole); "adjust"
        centres its PSU total at the grand mean (0) instead of at itself.
    weight_type : {"frequency", "analytic"}, default="frequency"
        What ``sample_weight`` means under "nonrobust" and the HC types. As
        in scikit-learn (and Stata's ``fweight``), "frequency": a row of
        weight ``w`` counts as ``w`` identical rows, so ``nobs_`` is the sum
        of the weights and the standard errors, t, F, the adjusted R² and
        the information criteria are those of the replicated rows.
        "analytic": precision weights (statsmodels' ``WLS``, Stata's
        ``aweight``): ``nobs_`` counts rows and the weights' scale does not
        matter. The coefficients are the same either way. Under "cluster"
        and "survey" the weights are probability weights and this is
        ignored: probability weights (expansion factors, Stata's
        ``pweight``) are given with ``cov_type="survey"``, and
        ``weight_type="probability"`` is an error that says so.
    survey_variance : {"linearization", "jackknife"}, default="linearization"
        Under ``cov_type="survey"``, how the design's covariance is
        estimated: Taylor linearisation (``svyglm`` on a ``svydesign``) or
        the delete-one-PSU replicate jackknife (``svyglm`` on
        ``as.svrepdesign(design, type = "JKn")``; Stata's ``svy
        jackknife``), whose replicates refit the model with the PSU's
        weights at 0 and its stratum's other PSUs' times ``n_h / (n_h -
        1)``. Its degrees of freedom are the replicate design's (R's
        ``degf``), + 1 - parameters. Any other ``cov_type`` refuses
        "jackknife". See the user guide's "Replicate jackknife".

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
        Elasticities ``b_i``.
    intercept_ : float
        ``ln b0``; 0.0 without intercept.
    coef_table_ : DataFrame
        Index "const" (with an intercept) then the feature names; columns
        "coef", "std_err", "t", "p_value", "ci_lower", "ci_upper" (95%).
    rsquared_, rsquared_adj_ : float
        R² and adjusted R² of the log model (uncentred without intercept).
    fvalue_, f_pvalue_ : float
        F test that every elasticity is zero, and its p-value.
    durbin_watson_ : float
        Durbin-Watson statistic of the residuals in row order.
    sigma_ : float
        Standard error of the regression (log scale).
    df_resid_ : float
        Residual degrees of freedom (constraints held as equalities add back).
    df_inference_ : float
        Degrees of freedom of the t tests, intervals and F: ``df_resid_``,
        or as ``cov_type`` says for "cluster" and "survey".
    design_info_ : dict or None
        Under "cluster": ``clusters``, ``df`` (clusters - 1). Under
        "survey": ``strata``, ``psus``, ``df`` (PSUs - strata), ``fpc``,
        ``weighted``, ``has_strata``, ``has_clusters``, ``lonely_psu``; with
        ``survey_variance="jackknife"`` also ``variance``, ``replicates``
        and ``mse``, and ``df`` is the replicate design's. Both also
        ``df_inference``. None for the other cov_types.
    resid_ : ndarray of shape (n_samples,)
        Residuals ``ln y - predicted ln y``.
    smearing_factor_ : float
        Duan's factor (weighted mean of ``exp(resid_)`` with sample weights).
    active_constraints_ : list of str
        The inequality constraints that bind at the solution.
    floors_ : ndarray of shape (n_features,)
        The floors of ``zeros="floor"``: half each column's smallest positive
        value at ``fit`` (NaN for the other policies and for the columns in
        ``levels``).
    in_levels_ : ndarray of bool, shape (n_features,)
        True for the columns of ``levels`` (entered as they are), False for
        the logged ones.
    n_zero_rows_ : int
        Rows of the training X with a regressor equal to 0: floored,
        dropped or shifted as ``zeros`` says (0 under "error").
    results_ : OLSResults
        The fit's results object: every statistic above, and the diagnostics,
        computed on first access and cached (``results_.park``,
        ``results_.lilliefors``, ``results_.wald_test(R, q)``, ...). The
        attributes above read it. Pickling keeps it as it is;
        ``results_.remove_data()`` keeps every statistic a summary prints
        and drops the per-row arrays (``resid_`` then raises).
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (`n_features_in_`,)

    See Also
    --------
    TwoPartRegressor : Keeps the rows with y = 0 too.
    sklearn_innov.diagnostics : The tests behind ``diagnostics()``.

    Notes
    -----
    *Levels, not logs.* X and y are passed in levels and logged here. The
    output of a :class:`~sklearn_innov.LogTransform` (an array it marked, or
    columns it named ``ln(...)``) is refused: the fit would be ``ln y`` on
    ``ln(ln X)``. For zeros in X use ``zeros`` instead.

    *Numerics.* One factorisation of the log design (Cholesky of the
    equilibrated Gram matrix with a refinement step, or Householder QR when
    ill-conditioned) serves the fit, the covariance and the Park and
    Breusch-Pagan regressions.

    *Constraints.* With ``returns_to_scale="constant"`` the fit is restricted
    least squares and the standard errors are the restricted-LS ones (the
    residual degrees of freedom gain one). With inequalities (``bounds``,
    ``"decreasing"``) the solution is exact (Lawson-Hanson); the standard
    errors are *conditional on the active set*: the binding constraints are
    treated as known equalities, so an elasticity pinned at a bound gets a
    standard error of 0 and no t or p (NaN, with a warning). This understates
    uncertainty near a bound; bootstrap the whole fit if that matters.

    *F.* ``fvalue_`` is the Wald test, with the fit's covariance (robust under
    an HC ``cov_type``, as statsmodels' ``fvalue``), that every elasticity is
    zero. Under binding constraints only the directions they leave free are
    tested (under constant returns: that the elasticities are equal), and
    with no free elasticity F is NaN.

    *Weights.* ``sample_weight`` gives weighted least squares on the logs
    (the coefficients of statsmodels' WLS); ``weight_type`` says whether the
    weights are frequencies (the default, scikit-learn's meaning: the fit
    and its inference are those of the replicated rows) or precisions
    (statsmodels' WLS). Rows with weight 0 are left out of the fit, as Stata
    does: they count in no degree of freedom (statsmodels' WLS counts them),
    and ``resid_`` and the diagnostics cover the positive-weight rows. Under
    frequency weights that are whole numbers the diagnostics are those of
    the replicated rows (a row of weight 3 is three adjacent rows);
    otherwise they use the whitened residuals ``sqrt(w) e`` (statsmodels'
    ``wresid``) with the unweighted regressors ``[1, ln X]``. The
    coefficients do not depend on what the weights mean; the standard
    errors do: "nonrobust" and the HC types treat them as ``weight_type``
    says, "survey" as probability weights ``1 / pi_i``.

    *Designs.* Under "cluster" the scores ``w_i x_i e_i`` are summed per
    cluster, ``V = G/(G-1) (N-1)/(N-K) A^-1 (sum_g z_g z_g') A^-1``, over
    the ``N`` fitted rows. Under "survey" (see
    ``sklearn_innov._core._survey.design_covariance``) the cluster
    totals are centred within strata and weighted by
    ``(1 - f_h) n_h / (n_h - 1)``. A row the fit leaves out (weight 0, or a
    0 in X under ``zeros="drop"``) keeps its PSU in ``n_h``, as ``svyglm``
    keeps the design's PSU counts when it drops rows; the design's degrees
    of freedom count the PSUs and strata that keep a row in the fit (R's
    ``degf``). R², the standard error of the regression, Durbin-Watson,
    Breusch-Godfrey, Park, Breusch-Pagan, Lilliefors, VIF and the
    correlations stay model-based: sample statistics of the (weighted)
    fit, not design-based estimates; the coefficients' standard errors, t,
    intervals, F, the test of the sum of elasticities and the marginal
    effects' standard errors use the design.

    *Cost.* ``fit`` solves for the coefficients only; the smearing factor,
    standard errors, R², F and every diagnostic are computed when first read
    (and kept; ``remove_data()`` computes them first).

    *Scores.* ``score`` is scikit-learn's R² of the level predictions, not
    ``rsquared_`` (the log model's).

    References
    ----------
    .. [1] Cobb, C. W. and Douglas, P. H. (1928). "A theory of production".
       American Economic Review, 18(1), 139-165.
    .. [2] Alonso, J. J., Contreras, O. F. and Valenzuela, A. (2025).
       "Endogenous learning for innovation in knowledge-intensive SMEs",
       Tables 9 and 11.
    .. [3] Duan, N. (1983). "Smearing estimate: a nonparametric
       retransformation method". JASA, 78(383), 605-610.
    .. [4] MacKinnon, J. G. and White, H. (1985). Journal of Econometrics,
       29(3), 305-325.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_innov import CobbDouglasRegressor
    >>> rng = np.random.default_rng(0)
    >>> X = rng.uniform(1, 10, size=(200, 2))
    >>> y = 2.0 * X[:, 0] ** 0.3 * X[:, 1] ** 0.6 * np.exp(rng.normal(0, 0.01, 200))
    >>> model = CobbDouglasRegressor().fit(X, y)
    >>> model.coef_.round(1)
    array([0.3, 0.6])
    >>> round(float(np.exp(model.intercept_)), 1)
    2.0
    """

    coef_: NDArray[np.float64]
    intercept_: float
    active_constraints_: list[str]
    floors_: NDArray[np.float64]
    in_levels_: NDArray[np.bool_]
    n_zero_rows_: int
    results_: OLSResults
    n_features_in_: int
    feature_names_in_: NDArray[np.object_]

    _parameter_constraints: dict = {
        "fit_intercept": ["boolean"],
        "cov_type": [
            StrOptions({"nonrobust", "HC0", "HC1", "HC2", "HC3", "cluster", "survey"})
        ],
        "bounds": [None, tuple],
        "returns_to_scale": [None, StrOptions({"decreasing", "constant"})],
        "smearing": ["boolean"],
        "zeros": [StrOptions({"error", "floor", "drop", "offset"})],
        "offset": [Interval(Real, 0, None, closed="neither")],
        "levels": [None, list, tuple],
        "lonely_psu": [StrOptions({"fail", "certainty", "remove", "adjust"})],
        "weight_type": [StrOptions({"frequency", "analytic"})],
        "survey_variance": [StrOptions(set(VARIANCES))],
    }

    def __init__(
        self,
        *,
        fit_intercept: bool = True,
        cov_type: CobbDouglasCovType = "nonrobust",
        bounds: tuple[ArrayLike, ArrayLike] | None = None,
        returns_to_scale: ReturnsToScale | None = None,
        smearing: bool = True,
        zeros: CobbDouglasZeros = "error",
        offset: float = 1.0,
        levels: list[str | int] | tuple[str | int, ...] | None = None,
        lonely_psu: LonelyPSU = "fail",
        weight_type: WeightType = "frequency",
        survey_variance: SurveyVariance = "linearization",
    ) -> None:
        self.fit_intercept = fit_intercept
        self.cov_type = cov_type
        self.bounds = bounds
        self.returns_to_scale = returns_to_scale
        self.smearing = smearing
        self.zeros = zeros
        self.offset = offset
        self.levels = levels
        self.lonely_psu = lonely_psu
        self.weight_type = weight_type
        self.survey_variance = survey_variance

    def _validate_params(self) -> None:
        # a survey user's word for expansion factors: point to where they go
        if isinstance(self.weight_type, str) and self.weight_type.lower() in (
            "probability",
            "pweight",
            "sampling",
        ):
            raise InvalidParameterError(
                f"CobbDouglasRegressor: weight_type={self.weight_type!r} is not a "
                "weight type here. Probability weights (a survey's expansion "
                "factors, Stata's pweight) are read as such under "
                "cov_type='survey' (pass strata=, cluster= and fpc= to fit if the "
                "design has them); weight_type is 'frequency' (a row of weight w "
                "is w identical rows) or 'analytic' (precision weights)."
            )
        super()._validate_params()

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(
        self,
        X: ArrayLike,
        y: ArrayLike,
        sample_weight: ArrayLike | None = None,
        *,
        strata: ArrayLike | None = None,
        cluster: ArrayLike | None = None,
        fpc: ArrayLike | None = None,
    ) -> Self:
        """Fit the log-log model.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Regressors in levels: positive, or 0 where ``zeros`` allows.
        y : array-like of shape (n_samples,)
            Outcome in levels, strictly positive.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights (weighted least squares on the logs);
            probability weights ``1 / pi_i`` under ``cov_type="survey"``.
        strata : array-like of shape (n_samples,), default=None
            Stratum of each row; ``cov_type="survey"`` only.
        cluster : array-like of shape (n_samples,), default=None
            Cluster (PSU) of each row: required by ``cov_type="cluster"``,
            optional under "survey" (None: each row its own PSU). A PSU must
            lie in one stratum.
        fpc : array-like of shape (n_samples,) or (n_samples, 2), or float, \
default=None
            ``cov_type="survey"`` only: the population count of first-stage
            units of the row's stratum (every value > 1), or the sampling
            fraction (every value <= 1), as R's ``svydesign(fpc=)``. Two
            columns for a two-stage design (``cluster`` required): the
            second is the count of units like the rows in the row's PSU (or
            the PSU's sampling fraction), as ``svydesign(ids = ~psu + firm,
            fpc = ~fpc + fpc2)``; the variance then adds the second stage's.

        Returns
        -------
        self : CobbDouglasRegressor
            The fitted regressor.
        """
        # before validation: its NaN (a LogTransform under "nan") is not the
        # problem to report
        check_levels(
            X,
            getattr(X, "columns", None),
            owner="CobbDouglasRegressor",
            fix=_LEVELS_FIX,
        )
        row_labels = X.index.to_numpy() if is_dataframe(X) else None
        X = validate_columns(self, X, reset=True, allow_nan=False)
        labels = _names(self)
        y = check_outcome(y, X.shape[0], owner="CobbDouglasRegressor")
        n, k = X.shape
        self.in_levels_ = self._resolve_levels(k)
        n_params = k + int(self.fit_intercept)
        check_survey_variance(
            self.survey_variance, self.cov_type, "CobbDouglasRegressor"
        )
        weights = check_sample_weight(sample_weight, n, owner="CobbDouglasRegressor")
        if self.cov_type == "survey":
            # probability weights, at mean 1 as svyglm: the fit's own
            # statistics (sigma, R², log-likelihood) refer to the sample
            weights = mean_one(weights)
        elif self.cov_type != "cluster" and self.weight_type == "frequency":
            message = expansion_factor_message(
                weights,
                f"CobbDouglasRegressor(cov_type={self.cov_type!r})",
                "if they are precision weights, weight_type='analytic' "
                "(statsmodels' WLS).",
            )
            if message:
                warn(message, SklearnInnovWarning)
        rows_design = design_for_cov_type(
            self.cov_type,
            n,
            strata=strata,
            cluster=cluster,
            fpc=fpc,
            weights=weights,
            lonely_psu=self.lonely_psu,
            row_labels=row_labels,
            estimator="CobbDouglasRegressor",
        )
        # rows with weight 0 carry no information: count the others
        n_used = n if weights is None else int((weights > 0).sum())
        if n_used <= n_params:
            rows = (
                plural(n, "sample")
                if weights is None
                else f"{plural(n_used, 'sample')} with positive weight (of {n})"
            )
            raise ValueError(
                f"CobbDouglasRegressor needs more rows than parameters: got {rows} "
                f"for {plural(n_params, 'parameter')}, which leaves no residual "
                "degree of freedom. Add rows, drop features, or set "
                "fit_intercept=False."
            )
        _check_outcome_positive(y)
        if weights is not None and n_used < n:
            # a zero weight leaves the row out (as Stata does), so it counts in
            # no degree of freedom and no diagnostic
            used = weights > 0
            X, y, weights = X[used], y[used], weights[used]
            if rows_design is not None:
                rows_design = rows_design.subset(used)
            n = n_used
        zeros = self._check_zeros(X)
        if zeros is None:  # no 0 in a logged column: nothing to handle
            zero_cols = np.zeros(k, dtype=bool)
            self.n_zero_rows_ = 0
        else:
            zero_cols = zeros.any(axis=0)
            self.n_zero_rows_ = int(zeros.any(axis=1).sum())
        self.floors_ = np.full(k, np.nan)
        if self.zeros == "floor":
            if zeros is not None and zeros.all(axis=0).any():
                raise ValueError(
                    f"CobbDouglasRegressor(zeros='floor'): "
                    f"{self._columns(zeros.all(axis=0), verb=_IS)} 0 in every row, so "
                    "there is no positive value to floor at and no elasticity to "
                    "estimate; drop them."
                )
            self.floors_ = np.where(self.in_levels_, np.nan, smallest_positive_half(X))
        if zeros is None and self.zeros != "offset":
            # the policy changes nothing: no copy of X
            keep = np.ones(n, dtype=bool)
        else:
            X, keep = self._apply_zeros(X)
        if not keep.all():
            y = y[keep]
            weights = None if weights is None else weights[keep]
            if rows_design is not None:
                rows_design = rows_design.subset(keep)
            n = int(keep.sum())
            left = n if weights is None else int((weights > 0).sum())
            dropped = (
                f"CobbDouglasRegressor(zeros='drop') left out {self.n_zero_rows_} "
                f"of {plural(self.n_zero_rows_ + n, 'row')}, those with 0 in "
                f"{self._columns(zero_cols)}"
            )
            if left <= n_params:
                raise ValueError(
                    f"{dropped}, which leaves {plural(left, 'row')} for "
                    f"{plural(n_params, 'parameter')}. Use zeros='floor' or "
                    "'offset', which keep every row."
                )
            warn(f"{dropped}.", NonPositiveWarning)
        if np.ptp(y) == 0:
            raise ValueError(
                f"y is constant ({y[0]:g} in every row): there is no variation for "
                "the elasticities to explain. Check the outcome column."
            )

        # The log design is written once: [1, ln X], column-contiguous (faster
        # BLAS matrix-vector products); with weights, a whitened copy is fitted.
        # under "offset" the regressors are offset + X: say so in every table
        terms = [
            self._term(name, in_levels)
            for name, in_levels in zip(labels, self.in_levels_, strict=True)
        ]
        names = (["const"] if self.fit_intercept else []) + terms
        exog = np.empty((n, n_params), order="F")
        if self.fit_intercept:
            exog[:, 0] = 1.0
        if self.in_levels_.any():
            exog[:, int(self.fit_intercept) :] = self._design(X)
        else:  # the logs written in place: no temporary n x k array
            np.log(X, out=exog[:, int(self.fit_intercept) :])
        log_y = np.log(y)
        design, target = exog, log_y
        if weights is not None:
            root_w = np.sqrt(weights)
            design = exog * root_w[:, None]
            target = log_y * root_w

        common = dict(
            has_const=self.fit_intercept,
            cov_type=self.cov_type,
            exog=exog,
            weights=weights,
            names=names,
            endog=log_y,
            design=rows_design,
            frequency=self.weight_type == "frequency",
        )
        eq, ineq = self._constraints(k)
        if self.survey_variance == "jackknife" and (eq is not None or ineq is not None):
            raise ValueError(
                "CobbDouglasRegressor(survey_variance='jackknife') refits the model "
                "on each replicate, which a constrained fit (bounds or "
                "returns_to_scale) would do on a different active set per replicate; "
                "this is not supported. Drop the constraints, or use "
                "survey_variance='linearization'."
            )
        try:
            if eq is None and ineq is None:
                results = ols_fit(LeastSquares(design, names=names), target, **common)
            else:
                LeastSquares(design, names=names)  # collinearity, worded below
                results = constrained_fit(design, target, eq=eq, ineq=ineq, **common)
        except ZeroColumnError as exc:
            raise ValueError(
                f"In {self._columns(exc.columns, names)} every row is zero "
                "after logs, i.e. equal to 1 in levels; drop them, they carry no "
                "information."
            ) from None
        except CollinearityError as exc:
            raise ValueError(
                "Perfectly collinear regressors: "
                f"{self._columns(exc.columns, names, verb=_COMBINATION)} after "
                "logs (with the intercept if fitted). Drop one of them, or merge "
                "them into one index."
            ) from None
        # the sum of elasticities is over the logged columns only
        results.elasticities = int(self.fit_intercept) + np.flatnonzero(
            ~self.in_levels_
        )
        if self.survey_variance == "jackknife":
            results.use_jackknife(
                jackknife_least_squares(
                    rows_design,
                    exog,
                    log_y - exog @ results.params,
                    owner="CobbDouglasRegressor(survey_variance='jackknife')",
                )
            )
        self.results_ = results
        params = results.params
        self.intercept_ = float(params[0]) if self.fit_intercept else 0.0
        self.coef_ = params[int(self.fit_intercept) :].copy()
        self.active_constraints_ = list(results.active)
        if eq is not None or ineq is not None:
            self._warn_pinned()
        if rows_design is not None:
            self._check_design_df()
        if self.cov_type in ("HC2", "HC3"):
            self._warn_full_leverage(names)
        return self

    # -- results (computed on first access) -----------------------------------

    @property
    def smearing_factor_(self) -> float:
        """Duan's smearing factor: the (weighted) mean of ``exp(resid_)``."""
        return self.results_.smearing

    @property
    def coef_table_(self) -> pd.DataFrame:
        """Coefficients with standard errors, t, p-values and intervals."""
        return self.results_.coef_table

    @property
    def rsquared_(self) -> float:
        """R² of the log model (uncentred without an intercept)."""
        return float(self.results_.rsquared)

    @property
    def rsquared_adj_(self) -> float:
        """Adjusted R² of the log model (uncentred without an intercept)."""
        return float(self.results_.rsquared_adj)

    @property
    def fvalue_(self) -> float:
        """F statistic of the test that every elasticity is zero."""
        return self.results_.fvalue

    @property
    def f_pvalue_(self) -> float:
        """p-value of the F test that every elasticity is zero."""
        return self.results_.f_pvalue

    @property
    def durbin_watson_(self) -> float:
        """Durbin-Watson statistic of the residuals in row order."""
        try:
            return self.results_.attempt("durbin_watson")
        except StatisticUnavailableError:
            return float("nan")

    @property
    def sigma_(self) -> float:
        """Standard error of the regression (log scale)."""
        return self.results_.sigma

    @property
    def df_resid_(self) -> float:
        """Residual degrees of freedom."""
        return self.results_.df_resid

    @property
    def df_inference_(self) -> float:
        """Degrees of freedom of the t tests, intervals and F."""
        return self.results_.df_inference

    @property
    def design_info_(self) -> dict[str, Any] | None:
        """The clusters (and strata) behind the covariance, or None."""
        info = self.results_.design_info
        return None if info is None else dict(info)

    @property
    def nobs_(self) -> float:
        """Number of rows the model was fitted on."""
        return self.results_.nobs

    @property
    def cov_params_(self) -> pd.DataFrame:
        """Covariance matrix of the coefficients, labelled by term."""
        names = self.results_.names
        return pd.DataFrame(self.results_.cov_params, index=names, columns=names)

    @property
    def resid_(self) -> NDArray[np.float64]:
        """Residuals ``ln y - predicted ln y``."""
        return self.results_.resid

    def predict(self, X: ArrayLike) -> NDArray[np.float64]:
        """Predict y in levels: ``exp(intercept_ + ln X @ coef_)``, smeared.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Strictly positive regressors.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Times ``smearing_factor_`` when ``smearing=True``.
        """
        y_log = self.predict_log(X)
        factor = self.smearing_factor_ if self.smearing else 1.0
        # a level beyond 1.8e308 is inf, the value, not a RuntimeWarning
        with np.errstate(over="ignore"):
            return np.exp(y_log) * factor

    def predict_log(self, X: ArrayLike) -> NDArray[np.float64]:
        """Predict ``ln y``: ``intercept_ + ln X @ coef_``.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Strictly positive regressors.

        Returns
        -------
        y_log : ndarray of shape (n_samples,)
            Predicted log outcome.
        """
        check_is_fitted(self)
        return self.intercept_ + self._design(self._prepared(X)) @ self.coef_

    def marginal_effects(self, X: ArrayLike) -> pd.DataFrame:
        """Average marginal effects ``dE[y] / dX_k`` over the rows of X.

        For ``E[y | x] = s exp(b0 + sum_k b_k ln x_k)`` (``s`` the smearing
        factor, 1 with ``smearing=False``) the effect of ``x_k`` in a row is
        ``b_k E[y | x] / x_k``; this returns its average over the rows of X
        with delta-method standard errors. The smearing factor is treated as
        fixed (its sampling variance is ignored), and inference uses Student's
        t on ``df_inference_`` degrees of freedom, as the coefficients do. In a
        log-log model the elasticities are the coefficients themselves
        (``coef_table_``).

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Strictly positive regressors, e.g. the training data.

        Returns
        -------
        effects : DataFrame
            Indexed by feature: ``dy_dx``, ``std_err``, ``t``, ``p_value``,
            ``ci_lower``, ``ci_upper`` (95%).
        """
        check_is_fitted(self)
        # the derivative is taken where the model sees x: at offset + x, or
        # at the floor for a floored 0
        X = self._prepared(X)
        log_X = self._design(X)
        # d ln E[y] / dx is b / x for a logged column, b for one in levels
        scale = np.where(self.in_levels_, 1.0, X)
        factor = self.smearing_factor_ if self.smearing else 1.0
        offset = int(self.fit_intercept)

        def effects(theta):
            intercept = theta[0] if offset else 0.0
            slopes = theta[offset:]
            level = factor * np.exp(intercept + log_X @ slopes)
            return slopes * np.mean(level[:, None] / scale, axis=0)

        value, std_err, _ = delta_method(
            effects, self.results_.params, self.results_.cov_params
        )
        return effects_table(_names(self), value, std_err, df=self.df_inference_)

    def diagnostics(self) -> dict[str, Any]:
        """The specification tests of the fit (computed now if not yet).

        Returns
        -------
        diagnostics : dict
            ``"durbin_watson"`` (float); ``"park"`` (``ln e^2`` on a constant
            and the ``ln X_i``: table of coef/t/p, F and its p);
            ``"normality"`` (Lilliefors: statistic, p); ``"breusch_pagan"``
            (Koenker's LM, its p, F, F's p); ``"vif"`` (Series per feature);
            ``"correlation"`` (DataFrame of the ``ln X_i``);
            ``"returns_to_scale"`` (``sum`` of the elasticities, its t, F and
            p for H0: sum = 1). A test that cannot be computed on this fit
            (e.g. Park with a zero residual) holds ``{"error": reason}``.
        """
        check_is_fitted(self)
        results = self.results_
        labels = results.names[int(self.fit_intercept) :]
        out = {
            key: diagnostic_entry(results, name)
            for key, name in (
                ("durbin_watson", "durbin_watson"),
                ("park", "park"),
                ("breusch_pagan", "breusch_pagan"),
                ("normality", "lilliefors"),
                ("returns_to_scale", "returns_to_scale"),
            )
        }
        if "table" in out["park"]:  # the auxiliary regressors are the ln X_i
            park = dict(out["park"])
            park["table"] = park["table"].set_axis(
                ["const"] + [self.term_label(name) for name in labels]
            )
            out["park"] = park
        try:
            corr = results.attempt("correlation")
        except StatisticUnavailableError as exc:
            out["correlation"] = out["vif"] = {"error": exc.reason}
        else:
            out["correlation"] = pd.DataFrame(corr, index=labels, columns=labels)
            out["vif"] = pd.Series(results.vif, index=labels, name="vif")
        return out

    def summary(
        self,
        title: str | None = None,
        layout_title: str | None = None,
        marginal_effects: ArrayLike | None = None,
        *,
        sum_test: bool = False,
    ) -> Summary:
        """Results laid out like the paper's Table 9, then every diagnostic.

        Every block labels a regressor ``ln X1`` (the model is in logs) and
        the intercept ``const``.

        Parameters
        ----------
        title : str, optional
            Heading; defaults to a description of the model.
        layout_title : str, optional
            Heading of the block that shows each term's coefficient with its
            t underneath (the paper's layout); defaults to "Coefficient and t
            by term". Name it after the table it mirrors, e.g. "Table 11
            layout" for the adjusted model.
        marginal_effects : array-like or DataFrame, optional
            Rows to average the marginal effects ``dE[y]/dX_k`` over (e.g.
            the training data); adds a block of :meth:`marginal_effects`.
        sum_test : bool, default=False
            Whether the diagnostics test ``H0: sum of elasticities = 1``
            (constant returns to scale). That test means something only for
            a production function whose inputs have a true zero (ratio-scale
            inputs): pass True for one. For inputs without one (a min-max
            index is 0 at its lowest unit, so its elasticity moves with that
            arbitrary zero) the test is no hypothesis; by default it is left
            out and the notes say how to ask for it, as a report leaves it
            out unless its spec says ``[model] production = true``.

        Returns
        -------
        summary : Summary
            Prints as text; ``as_markdown()``, ``as_html()``, ``as_latex()``.
        """
        check_is_fitted(self)
        summary = build_summary(self, title, layout_title, sum_test=sum_test)
        if self.zeros != "error":
            summary.insert_after(
                "coefficients",
                Block(
                    "Zeros in X",
                    [
                        f"zeros={self.zeros!r}: {plural(self.n_zero_rows_, 'row')} "
                        "with a regressor equal to 0 "
                        f"{'was' if self.n_zero_rows_ == 1 else 'were'} "
                        f"{_ZERO_WORDS[self.zeros]}."
                    ],
                    name="zeros",
                ),
            )
        if marginal_effects is not None:
            summary.insert_after(
                "coefficients",
                Block(
                    "Average marginal effects dE[y]/dx (delta method)",
                    self.marginal_effects(marginal_effects),
                    name="marginal_effects",
                ),
            )
        return summary

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.positive_only = True
        tags.target_tags.positive_only = True
        return tags

    # -- implementation -------------------------------------------------------

    def _check_design_df(self):
        """Refuse one cluster; warn when the design leaves no df for t and F."""
        info = self.results_.design_info
        if self.cov_type == "cluster" and info["clusters"] < 2:
            raise ValueError(
                "CobbDouglasRegressor(cov_type='cluster'): every fitted row is in "
                "one cluster, so the cluster-robust covariance is undefined (it "
                "needs at least 2 clusters). Check the cluster labels, or use "
                "cov_type='HC1'."
            )
        message = design_df_message(
            "CobbDouglasRegressor",
            self.cov_type,
            info,
            self.results_.params.size,
            self.results_.df_inference,
            "t and F",
            "drop regressors, or use cov_type='HC1' if the rows may be treated "
            "as independent.",
        )
        if message:
            warn(message, SklearnInnovWarning)

    def term_label(self, term: str) -> str:
        """A term as the tables print it: ``ln X1``, or ``size`` for a level column.

        Parameters
        ----------
        term : str
            A name of ``coef_table_``'s index ("const" or a term).

        Returns
        -------
        label : str
            The label of the term in the tables.
        """
        check_is_fitted(self)
        names = self.results_.names
        if term == "const" or term not in names:
            return term
        position = names.index(term) - int(self.fit_intercept)
        return term if self.in_levels_[position] else f"ln {term}"

    def _term(self, name, in_levels=False):
        """A regressor as the model sees it: ``X1``, or ``(1 + X1)`` under "offset"."""
        if self.zeros == "offset" and not in_levels:
            return f"({self.offset:g} + {name})"
        return name

    def _resolve_levels(self, k):
        """The mask of the columns of ``levels``, checked."""
        mask = np.zeros(k, dtype=bool)
        if not self.levels:
            return mask
        columns = (
            [str(c) for c in self.feature_names_in_]
            if hasattr(self, "feature_names_in_")
            else None
        )
        mask[resolve_items(list(self.levels), columns, k, owner="levels")] = True
        if mask.all():
            raise ValueError(
                "CobbDouglasRegressor(levels=...) names every column of X, so "
                "nothing is logged and there is no elasticity to estimate; leave "
                "at least one column out of `levels` (or use a linear model)."
            )
        return mask

    def _apply_zeros(self, X):
        """The zero policy on the logged columns; the level columns as they are."""
        logged = ~self.in_levels_
        values, keep = apply_zeros(
            X[:, logged],
            self.zeros,
            floors=self.floors_[logged],
            offset=self.offset,
        )
        out = X[keep].copy()
        out[:, logged] = values
        return out, keep

    def _design(self, X):
        """The regressors as the model sees them: ln of the logged columns."""
        if not self.in_levels_.any():
            return np.log(X)
        return np.where(self.in_levels_, X, np.log(np.where(self.in_levels_, 1.0, X)))

    def _columns(self, which, names=None, verb=None):
        """This model's columns in words: :func:`column_phrase`."""
        return column_phrase(self, which, names=names, verb=verb)

    def _check_zeros(self, X):
        """Refuse negative values, and zeros under "error"; return where X == 0
        (None when no logged column holds a 0).

        One pass for the minimum settles the common case (every logged value
        positive) without an n x k mask.
        """
        logged = ~self.in_levels_
        # the whole array's minimum: NumPy reduces a tall array along axis 0
        # 30 times slower (89 ms against 2.5 at 1e6 x 4)
        if not X.size or (X[:, logged] if self.in_levels_.any() else X).min() > 0:
            return None
        negative = (X < 0) & logged
        if negative.any():
            raise ValueError(
                "Negative values in data passed to CobbDouglasRegressor: "
                f"{self._columns(negative.any(axis=0), verb=('has', 'have'))} "
                f"values < 0 ({plural(int(negative.any(axis=1).sum()), 'row')}); "
                "they have no "
                "logarithm, and `zeros` handles 0 only. Check the columns, or use "
                "a non-negative index (min-max normalised)."
            )
        zeros = (X == 0) & logged
        if self.zeros == "error" and zeros.any():
            raise ValueError(
                "Zero values in data passed to CobbDouglasRegressor: "
                f"{self._columns(zeros.any(axis=0), verb=_IS)} 0 "
                f"({plural(int(zeros.any(axis=1).sum()), 'row')}) and ln 0 is "
                "undefined; " + _ZEROS_FIX
            )
        return zeros

    def _prepared(self, X):
        """Validate X at predict time and apply the zero policy of ``fit``."""
        # before validation: its NaN (a LogTransform under "nan") is not the
        # problem to report
        check_levels(
            X,
            getattr(X, "columns", None),
            owner="CobbDouglasRegressor",
            fix=_LEVELS_FIX,
        )
        X = validate_columns(self, X, reset=False, allow_nan=False)
        zeros = self._check_zeros(X)
        if zeros is None and self.zeros != "offset":
            return X
        if self.zeros == "drop" and zeros.any():
            raise ValueError(
                f"CobbDouglasRegressor: {self._columns(zeros.any(axis=0), verb=_IS)} "
                f"0 in {plural(int(zeros.any(axis=1).sum()), 'row')}: zeros='drop' "
                "fitted the "
                "model without such rows and cannot predict them. Use "
                "zeros='floor' or 'offset'."
            )
        return self._apply_zeros(X)[0]

    def _constraints(self, k):
        """Equalities (C, d) and inequalities (G, h, labels) on the parameters."""
        offset = int(self.fit_intercept)
        n_params = k + offset
        eq = ineq_rows = None
        G, h, labels = [], [], []
        names = _names(self)
        logged = np.flatnonzero(~self.in_levels_)
        if self.bounds is not None:
            lo, hi = _check_bounds(self.bounds)
            for j in logged:
                if np.isfinite(lo):
                    row = np.zeros(n_params)
                    row[offset + j] = 1.0
                    G.append(row), h.append(lo), labels.append(f"{names[j]} >= {lo:g}")
                if np.isfinite(hi):
                    row = np.zeros(n_params)
                    row[offset + j] = -1.0
                    G.append(row), h.append(-hi), labels.append(f"{names[j]} <= {hi:g}")
        total = np.zeros(n_params)
        total[offset + logged] = 1.0
        if self.returns_to_scale == "constant":
            eq = (total[None, :], np.array([1.0]))
        elif self.returns_to_scale == "decreasing":
            G.append(-total), h.append(-1.0), labels.append("sum of elasticities <= 1")
        if G:
            ineq_rows = (np.array(G), np.array(h, dtype=float), labels)
        return eq, ineq_rows

    def _warn_pinned(self):
        table = self.results_.coef_table
        pinned = table.index[table["std_err"] == 0].tolist()
        if pinned:
            warn(
                f"Constraint(s) {format_labels(self.active_constraints_)} bind: "
                f"{format_labels(pinned)} sit on a bound, so their std_err is 0 and "
                "t, p_value and the interval are undefined (NaN). Inference is "
                "conditional on the active set; bootstrap the fit for honest "
                "uncertainty.",
                SklearnInnovWarning,
            )

    def _warn_full_leverage(self, names):
        ls = self.results_.ls
        if ls is None:
            return
        rows, params = ls.full_leverage
        if not rows.size:
            return
        fixed = (
            format_labels([names[j] for j in params])
            if self.results_.basis is None
            else "some free parameters"
        )
        warn(
            f"Row(s) at position(s) {format_labels(rows.tolist(), limit=5)} have "
            f"leverage 1: each alone determines {fixed}, so their {self.cov_type} "
            "standard errors are undefined (NaN; HC2 and HC3 divide by "
            "1 - leverage). Drop the row or the regressor that isolates it, or "
            "use cov_type='HC1'.",
            SklearnInnovWarning,
        )


def _names(model):
    """Feature names: the DataFrame's, else x0, x1, ... as scikit-learn names them."""
    return [
        str(c) if hasattr(model, "feature_names_in_") else f"x{c}"
        for c in feature_labels(model)
    ]


def _check_bounds(bounds):
    try:
        lo, hi = bounds
    except (TypeError, ValueError):
        raise ValueError(f"bounds must be a pair (lo, hi); got {bounds!r}.") from None
    if not all(isinstance(v, Real) for v in (lo, hi)) or not lo < hi:
        raise ValueError(
            f"bounds must be two numbers with lo < hi (use -np.inf or np.inf for "
            f"no bound on one side); got {bounds!r}."
        )
    return float(lo), float(hi)


def _check_outcome_positive(y):
    """Raise a ValueError counting the rows where y <= 0."""
    if y.min(initial=np.inf) > 0:
        return
    sign = "Negative" if (y < 0).any() else "Zero"
    raise ValueError(
        f"{sign} values in data passed to CobbDouglasRegressor: y has values <= 0 "
        f"({plural(int((y <= 0).sum()), 'row')}); ln y needs y > 0 in every row, under "
        "every `zeros` policy (it applies to X). Fit on the rows with y > 0, or "
        "model the zeros too with TwoPartRegressor."
    )


def column_phrase(model, which, *, names=None, verb=None):
    """``column 'X1'``, ``columns 'X1', 'X3'``; by position when X had no
    names.

    ``which`` is a boolean mask over ``model``'s features, or a list of
    design names (``names``: "const" then the terms, with ``model``'s
    ``fit_intercept``) as the core reports them. ``verb`` (singular, plural)
    follows, in number with the columns.
    """
    labels = feature_labels(model)
    if names is not None:
        terms = names[int(model.fit_intercept) :]
        lookup = dict(zip(terms, labels, strict=True))
        picked = [lookup.get(name, name) for name in which]
    else:
        picked = [labels[j] for j in np.flatnonzero(which)]
    many = len(picked) != 1
    noun = "columns" if many else "column"
    if hasattr(model, "feature_names_in_"):
        text = f"{noun} {format_labels([str(c) for c in picked])}"
    else:
        # an array has no names: say where the columns are, not x0, x1, ...
        text = f"{noun} {format_labels(picked)} of X (by position)"
    return text if verb is None else f"{text} {verb[many]}"
