"""The two-part model of an outcome that is zero for many units.

The paper fits its innovation index only where it is positive, because ln 0
is undefined for the firms that did not innovate. The two-part model (Cragg
1971; Duan, Manning, Morris & Newhouse 1983; Stata's ``twopm``, Belotti, Deb,
Manning & Norton 2015) keeps every firm: a binary model of whether the
outcome is positive, and a model of its level where it is,
``E[y | x] = P(y > 0 | x) E[y | y > 0, x]``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Self

import numpy as np
from scipy import special, stats
from sklearn.base import BaseEstimator, RegressorMixin, clone
from sklearn.utils.validation import check_is_fitted, has_fit_parameter

from .._core import (
    DesignError,
    LeastSquares,
    ZeroColumnError,
    delta_method,
    effects_table,
    fit_log_link,
    smearing_covariance,
)
from .._core._logit import logit_scores
from .._core._margins import smearing_influence
from .._core._survey import (
    VARIANCES,
    cr1_factor,
    design_for_cov_type,
    jackknife_covariance,
    stacked_covariance,
)
from ..exceptions import SklearnInnovWarning, StatisticUnavailableError
from ..preprocessing._log import apply_zeros, check_levels, smallest_positive_half
from ..summary import Block, Summary, format_pvalue
from ..summary._summary import plural
from ..utils._lazy import pd
from ..utils._persistence import TablePersistenceMixin
from ..utils._sklearn_compat import DocLinkMixin, HasMethods, StrOptions, _fit_context
from ..utils._validation import (
    check_outcome,
    check_sample_weight,
    format_labels,
    validate_columns,
)
from ..utils._warnings import warn
from ._cobb_douglas import CobbDouglasRegressor, column_phrase
from ._stepwise import StepwiseLogit, logit_replicate

if TYPE_CHECKING:
    from numpy.typing import ArrayLike, NDArray

    from ..utils._typing import MarginsAt, SecondPart, SurveyVariance, TwoPartZeros

__all__ = ["TwoPartRegressor"]

MARGINS = ("total", "extensive", "intensive")


class TwoPartRegressor(
    DocLinkMixin, TablePersistenceMixin, RegressorMixin, BaseEstimator
):
    """Two-part model: P(y > 0 | X) times E[y | y > 0, X].

    The first part (by default :class:`StepwiseLogit`) is fitted on every
    row with the target ``y > 0``; the second (by default
    :class:`CobbDouglasRegressor`, with its smearing, or a log-link GLM) on
    the rows with ``y > 0``. ``predict`` returns their product, the
    unconditional mean.

    Parameters
    ----------
    classifier : classifier or None, default=None
        The first part, cloned at ``fit``; None means ``StepwiseLogit()``.
        Must have ``predict_proba``. To tune a part's parameters in
        ``GridSearchCV`` (``classifier__p_remove``, ``regressor__cov_type``),
        pass the parts explicitly, e.g.
        ``TwoPartRegressor(classifier=StepwiseLogit(),
        regressor=CobbDouglasRegressor())``.
    regressor : regressor or None, default=None
        The second part, cloned at ``fit``; None means
        ``CobbDouglasRegressor()``.
    zeros : {"floor", "offset", "drop"}, default="floor"
        What the second part does with a regressor equal to 0 among the rows
        with ``y > 0`` (the paper's X4 is 0 for many innovators), with the
        names of ``replicate``'s ``[model] zeros``: "floor" replaces it by
        half the column's smallest positive value there (``floors_``, also
        applied to zeros at ``predict``); "offset" gives the second part
        ``X + 1`` (``ln(1 + X)``) at ``fit`` and ``predict``; "drop" fits the
        second part without those rows and refuses to predict rows with a
        zero regressor. Negative regressors are refused under every policy.
    second_part : {"ols", "gamma", "poisson"}, default="ols"
        "ols": the ``regressor`` (OLS of ``ln y`` on ``ln x`` with Duan's
        smearing by default). "gamma" or "poisson": a GLM with a log link,
        ``E[y | y > 0, x] = exp(b0 + sum_k b_k ln x_k)`` fitted in levels by
        quasi-likelihood with that variance function (``mu^2`` or ``mu``),
        robust (sandwich) standard errors, no smearing (Stata ``twopm``'s
        ``secondpart(glm, family(gamma) link(log))``); ``regressor`` must
        then be None.
    survey_variance : {"linearization", "jackknife"}, default="linearization"
        The ``survey_variance`` of each part whose ``cov_type`` is
        "survey" (set on its clone): Taylor linearisation, or the
        delete-one-PSU replicate jackknife (see
        :class:`CobbDouglasRegressor`). Under "jackknife" the smearing
        factor's covariance with the second part's coefficients is the
        jackknife's too (each replicate refits the second part and its
        smearing factor); it needs a part with ``cov_type="survey"`` and
        ``second_part="ols"``, and a part given ``survey_variance=
        "jackknife"`` itself needs it here too.

    Attributes
    ----------
    classifier_ : classifier or None
        The fitted first part; None when no outcome is 0 (then
        ``P(y > 0 | x) = 1``, with a warning).
    regressor_ : regressor
        The fitted second part; with a GLM second part a private regressor
        whose ``results_`` holds the estimates and robust covariance and
        whose ``coef_`` are the elasticities.
    floors_ : ndarray of shape (n_features,)
        The floors of ``zeros="floor"`` (NaN for other policies).
    coef_table_ : DataFrame
        Both parts' coefficients, indexed by ("part", "term") with part
        "participation" (the logit, on levels) and "positive" (the
        Cobb-Douglas or the GLM, on logs of X); a part without a
        ``coef_table_`` of its own (a scikit-learn classifier) is left out.
        Columns coef, std_err, statistic, p_value, ci_lower, ci_upper (95%).
        Each row's statistic, p-value and interval use one reference
        distribution, the part's own: Student's t on the part's
        ``df_inference_`` for the Cobb-Douglas and for a logit under
        ``cov_type="cluster"`` or ``"survey"`` (``svyglm``'s residual
        degrees of freedom of the design), the standard normal (z) for a
        logit under "nonrobust" and for the GLM.
    cov_params_ : DataFrame or None
        Joint covariance of the estimates :meth:`marginal_effects` uses,
        indexed by (part, term) as ``coef_table_``: the logit's
        coefficients, the second part's, and Duan's smearing factor
        (``("positive", "smearing")``, when the second part smears). The
        smearing factor is correlated with the second part's coefficients;
        the parts' blocks are uncorrelated with independent rows, and
        correlated when both parts use one design (``cov_type="cluster"``
        or ``"survey"`` on both; see Notes, *Designs*). None unless the
        first part is a :class:`StepwiseLogit` (or absent) and the second a
        :class:`CobbDouglasRegressor` or the GLM.
    n_features_in_ : int
    feature_names_in_ : ndarray

    See Also
    --------
    StepwiseLogit : The default first part.
    CobbDouglasRegressor : The default second part.

    Notes
    -----
    *Marginal effects.* With a logit first part ``P = expit(c + x'g)`` and a
    log-log second part ``mu = s exp(b0 + sum_k b_k ln x_k)``,
    ``E[y | x] = P mu`` and

    - ``dE/dx_k = P (1 - P) g_k mu + P mu b_k / x_k``: the extensive margin
      (through P) plus the intensive margin (through mu);
    - the elasticity ``(dE/dx_k) (x_k / E) = (1 - P) g_k x_k + b_k`` (with
      ``zeros="offset"`` the second part's term is ``b_k x_k / (x_k + 1)``).

    With a GLM second part ``mu = exp(b0 + sum_k b_k ln x_k)``: the same
    formulas with ``s = 1``.

    :meth:`marginal_effects` averages each over the rows of X (average
    marginal effects; average elasticities, as Stata's ``margins, eyex()``),
    or takes it at the means or at given values (``at=``).

    *Smearing in the standard errors.* ``dE/dx_k`` is proportional to
    Duan's factor ``s = mean(exp(e_i))``, an estimate with its own sampling
    variance. It is stacked with the second part's least-squares equations
    as an M-estimator (``mean(exp(e_i)) - s = 0``) and its covariance with
    the coefficients enters the delta method (``cov_params_``). Holding it
    fixed understates the standard errors: on MedExp's first 2,000 rows
    (``tests/data``) age's total effect has a delta-method SE of 0.40 with
    ``s`` fixed, 0.64 with it (``cov_type="HC1"``), against a bootstrap SD of
    0.65.

    *Homoskedasticity.* With the OLS second part, one smearing factor for
    every row and "the intensive elasticity is ``b_k``" both assume that the
    variance of the log errors does not depend on x; if it does,
    ``E[exp(u) | x]`` varies with x and both are biased (Manning & Mullahy
    2001). :meth:`summary` reads the Breusch-Pagan test of the second part
    from its p-value. The log-link GLM second part (``second_part="gamma"``)
    models ``E[y | y > 0, x]`` directly and needs neither.

    *Weights and designs.* ``fit(X, y, sample_weight)`` weights both
    parts: the classifier on every row, the second part on the rows with
    ``y > 0`` with their weights, and Duan's factor is the weighted mean of
    ``exp(resid)``. An integer weight gives the coefficients, the smearing
    factor and the predictions of that many copies of the row; the log-link
    GLM's standard errors too (frequency weights); the OLS second part's
    standard errors and diagnostics (F, Durbin-Watson, Park, Breusch-Pagan,
    the correlations and VIFs of the logs) are weighted least squares'
    (statsmodels' ``WLS``, :class:`CobbDouglasRegressor`'s semantics),
    which count rows, not copies, and so differ from those of the
    replicated rows; its R² does not. The smearing factor's covariance with
    the coefficients counts the weights as copies. ``strata``, ``cluster``
    and ``fpc`` go to each part whose ``cov_type`` is "survey" or
    "cluster"; the second part is then fitted as a domain of the whole
    design (rows outside it with weight 0, their PSUs kept in ``n_h``), and
    the smearing factor's covariance comes from the same design.

    *Designs: the parts are correlated.* With independent rows the scores
    of the two likelihood factors are uncorrelated and ``cov_params_`` is
    block-diagonal (as ``twopm``'s ``e(V)``). Under a design both parts
    come from the same PSUs, whose rows share shocks: when the first part
    is a :class:`StepwiseLogit` and the second a
    :class:`CobbDouglasRegressor` and both have ``cov_type="survey"`` or
    both ``"cluster"``, the cross-block is
    ``A1^-1 [sum_h (1 - f_h) n_h / (n_h - 1) sum_c (u1_hc - mean_h u1)
    (u2_hc - mean_h u2)'] A2^-1'``: the design covariance of the stacked
    per-row influence functions (the logit's weighted scores times its
    inverse information; the second part's least-squares equations and the
    smearing factor's ``w_i (exp(e_i) - s)``, 0 outside the domain
    ``y > 0``, whose rows keep their PSUs), Stata's ``suest`` after
    ``svy`` or ``vce(cluster)``. Each part's own block stays what it
    computes alone. Under "cluster" each part's block carries its own CR1
    factor ``c_j = G_j / (G_j - 1) (N_j - 1) / (N_j - K_j)`` over its own
    rows and clusters, and the cross-block their geometric mean
    ``sqrt(c_1 c_2)`` (which keeps ``cov_params_`` positive
    semidefinite). Under ``survey_variance="jackknife"`` each replicate
    refits the logit on its final support, the second part and its
    smearing factor, and ``cov_params_`` is the jackknife covariance of
    the stacked replicate estimates, every block from the same
    replicates (a stratum with one PSU follows the second part's
    ``lonely_psu`` there). When only one part uses the design, or the parts use
    different kinds ("cluster" and "survey"), or the second part is the
    GLM, the parts' blocks stay uncorrelated: there is no common design
    meat to take the cross-block from. On the two-stage sample of
    California schools in ``tests/data`` (English learners on ``api99`` and
    ``enroll``, clustered by district), the cross-block raises the
    standard error of ``api99``'s total elasticity by 17%.

    *Stata's twopm.* The estimates equal ``twopm``'s with a logit first part
    on x and a ``regress, log`` (or ``glm, link(log)``) second part on
    ``ln x`` only when the first part selects nothing
    (``StepwiseLogit(p_remove=1.0)``) and no regressor is 0 among the rows
    with ``y > 0`` (no ``zeros`` policy acts); the tests compare with
    statsmodels, not with ``twopm``.

    *Tails.* With a logit first part and either second part ``predict`` is
    ``exp(ln P + ln mu)``, ``ln P`` by ``scipy.special.log_expit`` of the
    logit's linear predictor: finite where ``P`` underflows to 0 and ``mu``
    overflows (not ``0 x inf = NaN``). Other parts are multiplied as they are, with
    ``E[y] = 0`` where ``P = 0``.

    References
    ----------
    .. [1] Belotti, F., Deb, P., Manning, W. G. and Norton, E. C. (2015).
       "twopm: Two-part models". The Stata Journal, 15(1), 3-20.
    .. [2] Duan, N., Manning, W. G., Morris, C. N. and Newhouse, J. P.
       (1983). "A comparison of alternative models for the demand for medical
       care". Journal of Business & Economic Statistics, 1(2), 115-126.
    .. [3] Cragg, J. G. (1971). "Some statistical models for limited
       dependent variables". Econometrica, 39(5), 829-844.
    .. [4] Manning, W. G. and Mullahy, J. (2001). "Estimating log models:
       to transform or not to transform?". Journal of Health Economics,
       20(4), 461-494.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_innov.linear_model import TwoPartRegressor
    >>> rng = np.random.default_rng(0)
    >>> X = rng.uniform(1, 5, size=(400, 2))
    >>> positive = rng.random(400) < 1 / (1 + np.exp(-(X[:, 0] - 3)))
    >>> y = np.where(positive, X[:, 0] ** 0.5 * np.exp(rng.normal(0, 0.1, 400)), 0)
    >>> model = TwoPartRegressor().fit(X, y)
    >>> model.classifier_.selected_features_  # who participates: x0 only
    ['x0']
    >>> model.regressor_.coef_.round(1)  # how much, given y > 0: x0^0.5
    array([ 0.5, -0. ])
    >>> model.predict(X[:2]).round(2)  # P(y > 0) E[y | y > 0]
    array([1.27, 0.16])
    """

    classifier_: BaseEstimator | None
    regressor_: BaseEstimator
    floors_: NDArray[np.float64]
    cov_params_: pd.DataFrame | None
    n_features_in_: int
    feature_names_in_: NDArray[np.object_]

    _parameter_constraints: dict = {
        "classifier": [None, HasMethods(["fit", "predict_proba"])],
        "regressor": [None, HasMethods(["fit", "predict"])],
        "zeros": [StrOptions({"floor", "offset", "drop"})],
        "second_part": [StrOptions({"ols", "gamma", "poisson"})],
        "survey_variance": [StrOptions(set(VARIANCES))],
    }

    def __init__(
        self,
        *,
        classifier: BaseEstimator | None = None,
        regressor: BaseEstimator | None = None,
        zeros: TwoPartZeros = "floor",
        second_part: SecondPart = "ols",
        survey_variance: SurveyVariance = "linearization",
    ) -> None:
        self.classifier = classifier
        self.regressor = regressor
        self.zeros = zeros
        self.second_part = second_part
        self.survey_variance = survey_variance

    @_fit_context(prefer_skip_nested_validation=False)
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
        """Fit the participation part on every row, the level part where y > 0.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Non-negative regressors.
        y : array-like of shape (n_samples,)
            Non-negative outcome; 0 marks no participation.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights, passed to both parts: the first part gets
            every row's weight, the second the weights of the rows with
            ``y > 0``; Duan's smearing factor is their weighted mean of
            ``exp(resid)``. A row of weight 0 is left out of both parts (and
            of the floors of ``zeros="floor"``). Each part must accept
            ``sample_weight`` in its ``fit``.
        strata, cluster, fpc : array-like of shape (n_samples,), default=None
            The rows' survey design (see
            :meth:`CobbDouglasRegressor.fit`; ``fpc`` may have two columns,
            a two-stage design's), passed to each part whose
            ``cov_type`` is "survey" or "cluster" (and only to those; at
            least one part must ask for them). The second part is fitted as
            a domain of the whole design: the rows with ``y = 0`` (and the
            rows ``zeros="drop"`` leaves out) enter it with weight 0, so
            their PSUs still count in each stratum's ``n_h``, as R's
            ``svyglm`` on ``subset(design, y > 0)``.

        Returns
        -------
        self : TwoPartRegressor
            The fitted model.
        """
        # before validation: its NaN (a LogTransform under "nan") is not the
        # problem to report
        check_levels(
            X,
            getattr(X, "columns", None),
            owner="TwoPartRegressor",
            fix="for zeros in X set zeros='offset' (ln(1 + X) in the second "
            "part), 'floor' or 'drop'.",
        )
        values = validate_columns(self, X, reset=True, allow_nan=False)
        y = _check_outcome(y, values.shape[0])
        weights = check_sample_weight(
            sample_weight, values.shape[0], owner="TwoPartRegressor"
        )
        design = {
            name: value
            for name, value in (("strata", strata), ("cluster", cluster), ("fpc", fpc))
            if value is not None
        }
        # a row of weight 0 is no row: it counts nowhere
        active = np.ones(y.size, dtype=bool) if weights is None else weights > 0
        if int(active.sum()) < 3:
            raise ValueError(
                f"TwoPartRegressor needs at least 3 rows; got n_samples = "
                f"{int(active.sum())}"
                + ("" if weights is None else " with positive weight")
                + "."
            )
        frame = self._frame(values)
        _check_nonnegative(values, self)
        positive = y > 0
        if not (positive & active).any():
            raise ValueError(
                "Every outcome with positive weight is 0: there is no positive "
                "part to model. Check y and sample_weight."
            )
        classifier = StepwiseLogit() if self.classifier is None else self.classifier
        if self.second_part == "ols":
            regressor = self.regressor or CobbDouglasRegressor()
        elif self.regressor is not None:
            raise ValueError(
                f"TwoPartRegressor(second_part={self.second_part!r}) fits its own "
                "log-link GLM second part; regressor is the second part of "
                "second_part='ols'. Pass one or the other."
            )
        else:
            regressor = LogLinkGLM(family=self.second_part)
        if positive[active].all():
            warn(
                "No outcome is 0: the participation part is P(y > 0) = 1, and the "
                "two-part model is its second part alone.",
                SklearnInnovWarning,
            )
            classifier = None
        classifier, regressor = self._set_variance(classifier, regressor)
        routes = _route_design(classifier, regressor, design)
        if classifier is None:
            self.classifier_ = None
        else:
            self.classifier_ = clone(classifier).fit(
                frame,
                positive.astype(int),
                **_fit_params(classifier, "first", weights, routes[0]),
            )
        rows = np.flatnonzero(positive & active)
        levels = values[rows]
        self.floors_ = np.full(values.shape[1], np.nan)
        if self.zeros == "floor":
            self.floors_ = _floors(levels, self)
        levels, keep = apply_zeros(levels, self.zeros, floors=self.floors_)
        self._check_positive_rows(regressor, int(active.sum()), rows.size, keep)
        rows = rows[keep]
        part_weights = None if weights is None else weights[rows]
        part_design = {}
        if routes[1]:
            # a domain of the whole design: every row, weight 0 outside it
            part_weights = np.zeros(y.size)
            part_weights[rows] = 1.0 if weights is None else weights[rows]
            filled = np.ones_like(values)
            filled[rows] = levels
            levels, target = filled, np.where(part_weights > 0, y, 1.0)
            part_design = routes[1]
        else:
            target = y[rows]
        try:
            self.regressor_ = clone(regressor).fit(
                self._frame(levels),
                target,
                **_fit_params(regressor, "second", part_weights, part_design),
            )
        except DesignError as exc:
            if not isinstance(regressor, LogLinkGLM):
                raise
            raise ValueError(self._design_message(exc)) from None
        # the smearing factor's covariance needs the residuals, which a saved
        # model does not keep: take it now (O(n k^2), beside a logit's fit)
        self.cov_params_ = self._joint_cov(
            _joint_design(
                self.classifier_, self.regressor_, design, weights, active, rows
            )
        )
        return self

    def _set_variance(self, classifier, regressor):
        """The parts with this model's ``survey_variance`` where it applies."""
        parts = []
        for part in (classifier, regressor):
            survey = getattr(part, "cov_type", None) == "survey"
            own = getattr(part, "survey_variance", None)
            if own == "jackknife" and self.survey_variance != "jackknife":
                raise ValueError(
                    f"TwoPartRegressor: its part {type(part).__name__} has "
                    "survey_variance='jackknife' but the model has "
                    "survey_variance='linearization', so the smearing factor's "
                    "covariance would mix the two. Set TwoPartRegressor("
                    "survey_variance='jackknife') (it sets the parts), or leave "
                    "the part's at 'linearization'."
                )
            if survey and own is not None and own != self.survey_variance:
                part = clone(part).set_params(survey_variance=self.survey_variance)
            parts.append(part)
        if self.survey_variance == "jackknife" and not any(
            getattr(part, "cov_type", None) == "survey"
            and getattr(part, "survey_variance", None) == "jackknife"
            for part in parts
        ):
            raise ValueError(
                "TwoPartRegressor(survey_variance='jackknife') deletes the PSUs of "
                "a survey design, but no part takes one with it: give the parts "
                "cov_type='survey', e.g. regressor=CobbDouglasRegressor("
                "cov_type='survey') (a GLM second part, second_part='gamma' or "
                "'poisson', has no jackknife), or leave survey_variance="
                "'linearization'."
            )
        return parts

    def predict_participation(self, X: ArrayLike) -> NDArray[np.float64]:
        """``P(y > 0 | X)`` from the first part.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Regressors in levels, as at ``fit``.

        Returns
        -------
        proba : ndarray of shape (n_samples,)
            Probability of a positive outcome.
        """
        check_is_fitted(self)
        values = validate_columns(self, X, reset=False, allow_nan=False)
        return self._participation(values)

    def predict_positive(self, X: ArrayLike) -> NDArray[np.float64]:
        """``E[y | y > 0, X]`` from the second part (smeared, in levels).

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Regressors in levels, as at ``fit``.

        Returns
        -------
        y_positive : ndarray of shape (n_samples,)
            Expected outcome given that it is positive.
        """
        check_is_fitted(self)
        values = validate_columns(self, X, reset=False, allow_nan=False)
        return self._positive(values)

    def predict(self, X: ArrayLike) -> NDArray[np.float64]:
        """``E[y | X] = P(y > 0 | X) E[y | y > 0, X]``.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Regressors in levels, as at ``fit``.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Expected outcome, zeros included.
        """
        check_is_fitted(self)
        values = validate_columns(self, X, reset=False, allow_nan=False)
        log_p = self._log_participation(values)
        if isinstance(self.regressor_, _LOG_LINEAR):
            # in logs, so that a P(y > 0) that underflows to 0 times an
            # E[y | y > 0] that overflows is their true product, not 0 x inf
            regressor = self.regressor_
            log_mu = regressor.predict_log(self._frame(self._floored(values)))
            if _smears(regressor):
                log_mu = log_mu + np.log(regressor.smearing_factor_)
            with np.errstate(over="ignore"):
                return np.exp(log_p + log_mu)
        mu = self._positive(values)
        proba = np.exp(log_p)
        # E[y] = 0 where P(y > 0) = 0, whatever the second part says there
        with np.errstate(invalid="ignore"):
            return np.where(proba == 0, 0.0, proba * mu)

    @property
    def coef_table_(self) -> pd.DataFrame:
        """Both parts' coefficients, indexed by part and term."""
        # a part of another library has no table: it is left out
        parts = {
            name: self._table(part, statistic)
            for name, part, statistic in (
                ("participation", self.classifier_, "wald"),
                ("positive", self.regressor_, "own"),
            )
            if hasattr(part, "coef_table_")
        }
        if not parts:
            raise AttributeError(
                "coef_table_: neither part has a coefficient table (parts "
                f"{type(self.classifier_).__name__} and "
                f"{type(self.regressor_).__name__})."
            )
        return pd.concat(parts, names=["part", "term"])

    def marginal_effects(
        self,
        X: ArrayLike,
        *,
        at: MarginsAt | Mapping[Any, float] = "overall",
        sample_weight: ArrayLike | None = None,
    ) -> pd.DataFrame:
        """Average effects of each regressor on ``E[y]``, split by margin.

        Needs a logit first part (:class:`StepwiseLogit`) and a
        :class:`CobbDouglasRegressor` or GLM second part. For each feature, the
        derivative ``dE[y]/dx_k`` and the elasticity, in total and split
        into the extensive margin (through ``P(y > 0)``) and the intensive
        margin (through ``E[y | y > 0]``); formulas in the class Notes.

        Standard errors are by the delta method on the joint covariance
        ``cov_params_``: with independent rows the two parts are estimated
        from separate likelihoods, so their estimates are uncorrelated (as
        ``twopm`` has it); under a design both parts use, their
        covariance enters (see the class Notes); Duan's smearing factor is
        a third estimate, correlated with the second part's coefficients,
        whose variance enters every ``dy_dx``
        (not the elasticities, where it cancels). A GLM second part has no
        smearing factor and its robust covariance. Features the stepwise logit
        left out have a fixed coefficient of 0 there (selection is ignored,
        as everywhere after stepwise selection). Under ``zeros="floor"`` a
        regressor equal to 0 enters the second part at its floor.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            The rows to average over, e.g. the training data. For the
            effects at one point, pass that one row.
        at : {"overall", "mean"} or dict, default="overall"
            Where the effects are evaluated, with the names of Stata's
            ``margins``: "overall" averages the effect over the rows of X
            (average marginal effects, statsmodels' ``at="overall"``);
            "mean" takes it at the column means of X (``atmeans``); a dict
            ``{feature: value}`` sets those features to those values in
            every row and averages over the rows (``at(age=40)``, the other
            features as observed); keys are column names, or positions when
            X had no names.
        sample_weight : array-like of shape (n_samples,), optional
            Weights of the rows of X in the averages (and, with ``at="mean"``,
            in the column means), as ``margins`` after a weighted or ``svy``
            fit averages with the estimation weights: pass the weights the
            model was fitted with to average over the population they
            represent. An integer weight counts as that many copies of the
            row. The standard errors stay conditional on X (the delta method
            on ``cov_params_``).

        Returns
        -------
        effects : DataFrame
            Indexed by (feature, margin) with margin "total", "extensive" and
            "intensive"; columns ``dy_dx``, ``std_err``, ``z``, ``p_value``,
            ``ci_lower``, ``ci_upper``, ``elasticity``, ``elasticity_se``.
            Under a design (a part with ``cov_type="survey"``) the
            covariance is design-based and the statistic is ``t`` (column
            ``t``) on the smaller design degrees of freedom of those parts
            (their ``df_inference_``), as the logit's own marginal effects;
            otherwise ``z`` on the standard normal.
        """
        check_is_fitted(self)
        if self.cov_params_ is None:
            raise ValueError(
                "marginal_effects needs a StepwiseLogit first part and a "
                "CobbDouglasRegressor or GLM (second_part='gamma') second part; got "
                f"{type(self.classifier_).__name__} and "
                f"{type(self.regressor_).__name__}."
            )
        rows = validate_columns(self, X, reset=False, allow_nan=False)
        weights = check_sample_weight(
            sample_weight, rows.shape[0], owner="TwoPartRegressor.marginal_effects"
        )
        if weights is None:
            weights = np.ones(rows.shape[0])
        values = self._at(rows, at, weights)
        if values.shape[0] != rows.shape[0]:  # at="mean": one row
            weights = np.ones(values.shape[0])
        levels = self._floored(values)
        theta, cov, unpack = self._parameters()
        k = values.shape[1]
        # the second part's elasticity in x is b x / (x + 1) under "offset"
        shifted = levels - 1.0 if self.zeros == "offset" else levels

        def mean(rows):
            return np.average(rows, axis=0, weights=weights)

        def margins(theta, elasticity):
            gamma, g0, beta, b0, factor = unpack(theta)
            p = special.expit(g0 + values @ gamma)
            mu = factor * np.exp(b0 + np.log(levels) @ beta)
            if elasticity:
                extensive = mean((1.0 - p)[:, None] * values) * gamma
                intensive = beta * mean(shifted / levels)
            else:
                extensive = mean((p * (1.0 - p) * mu)[:, None]) * gamma
                intensive = beta * mean((p * mu)[:, None] / levels)
            return np.concatenate([extensive + intensive, extensive, intensive])

        dydx, se, _ = delta_method(lambda t: margins(t, False), theta, cov)
        eyex, eyex_se, _ = delta_method(lambda t: margins(t, True), theta, cov)
        table = effects_table(range(3 * k), dydx, se, df=self._effects_df())
        table["elasticity"] = eyex
        table["elasticity_se"] = eyex_se
        # computed margin by margin; shown feature by feature
        table = table.iloc[[m * k + j for j in range(k) for m in range(3)]]
        table.index = pd.MultiIndex.from_product(
            [self._labels(), MARGINS], names=["feature", "margin"]
        )
        return table

    def summary(self, title: str | None = None) -> Summary:
        """Both parts in their layouts: SPSS's logit blocks, then Table 9's.

        The notes say what the second part assumes (constant variance of the
        log errors, for smearing and for its coefficients as intensive
        elasticities) and read the Breusch-Pagan test of its residuals from
        the test's p-value; a GLM second part's notes say it needs neither.

        Parameters
        ----------
        title : str, optional
            Heading; default "Two-part model".

        Returns
        -------
        summary : Summary
            The two parts' blocks, printable as text, Markdown, HTML or LaTeX.
        """
        check_is_fitted(self)
        blocks = []
        parts = [("Part 2, E[y | y > 0]", self.regressor_)]
        if self.classifier_ is not None:
            parts.insert(0, ("Part 1, P(y > 0)", self.classifier_))
        for label, part in parts:
            if hasattr(part, "summary"):
                for block in part.summary().blocks:
                    blocks.append(
                        Block(
                            f"{label}: {block.title}",
                            block.content,
                            name=f"{label.split(',')[0].lower().replace(' ', '')}_"
                            f"{block.name}",
                            clipped=block.clipped,
                        )
                    )
        notes = [
            "E[y | x] = P(y > 0 | x) E[y | y > 0, x]: the first part is fitted on "
            "every row, the second on the rows with y > 0.",
            f"Regressors equal to 0 in the second part: zeros={self.zeros!r}.",
            *self._second_part_notes(),
        ]
        if self.classifier_ is None:
            notes.append("No outcome was 0: P(y > 0) = 1.")
        blocks.append(Block("Notes", notes))
        return Summary(title or "Two-part model", blocks)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.positive_only = True
        tags.target_tags.positive_only = True
        return tags

    # -- implementation -------------------------------------------------------

    def _design_message(self, exc):
        """A GLM second part's unusable design, in this model's words."""
        which = [label in exc.columns for label in self._labels()]
        head = f"TwoPartRegressor(second_part={self.second_part!r}): "
        if isinstance(exc, ZeroColumnError):
            columns = column_phrase(self, which, verb=("equals", "equal"))
            its, it = ("their", "them") if sum(which) > 1 else ("its", "it")
            return (
                f"{head}{columns} 1 in every row with y > 0, so {its} logs are 0 "
                f"there and carry no information; drop {it}."
            )
        return (
            f"{head}{column_phrase(self, which)} are (nearly) linear combinations "
            "of each other after logs among the rows with y > 0 (with the "
            "intercept if it is involved); drop one of them, or merge them into "
            "one index."
        )

    def _second_part_notes(self):
        """What the second part assumes, and the test that bears on it."""
        regressor = self.regressor_
        labels = self._labels()
        logs = (
            ", ".join(f"ln {label}" for label in labels)
            if len(labels) <= 6
            else f"the logs of the {len(labels)} regressors"
        )
        if isinstance(regressor, LogLinkGLM):
            return [
                f"Second part: a log-link GLM ({_DISPERSION_WORDS[regressor.family]})"
                f" of y on {logs}, fitted in levels: E[y | y > 0, x] = exp(b0 + "
                "sum b_k ln x_k) needs no smearing and no constant variance of the "
                "log errors, and its coefficients are the intensive elasticities "
                "whenever this mean is right. Standard errors: robust (sandwich)."
            ]
        if not isinstance(regressor, CobbDouglasRegressor):
            return []
        notes = [
            f"Second part: OLS of ln y on {logs}"
            + (
                f", times Duan's smearing factor {regressor.smearing_factor_:.4g} "
                "(its sampling variance is in the marginal effects' standard "
                "errors)"
                if regressor.smearing
                else ""
            )
            + ". Smearing, and reading the coefficients as the intensive "
            "elasticities, assume log errors whose variance does not depend on x "
            "(homoskedasticity); second_part='gamma' or 'poisson' does not."
        ]
        try:
            test = regressor.results_.attempt("breusch_pagan")
        except StatisticUnavailableError as exc:
            notes.append(f"Breusch-Pagan test not computed: {exc.reason}.")
            return notes
        p = test["lm_pvalue"]
        shown = format_pvalue(p)
        shown = f"p {shown}" if shown.startswith("<") else f"p = {shown}"
        head = (
            "Breusch-Pagan test (Koenker's LM) of the second part's squared log "
            f"residuals on {logs}: LM = {test['lm']:.2f}, df = {test['df']}, "
        )
        if p < 0.05:
            notes.append(
                f"{head}significant at 5% ({shown}): the variance "
                "of the log errors changes with x, so the smeared E[y | y > 0] and "
                "the intensive elasticities may be biased; compare "
                "second_part='gamma'."
            )
        else:
            notes.append(
                f"{head}not significant at 5% ({shown}); a test "
                "that does not reject does not show the variance is constant."
            )
        return notes

    def _labels(self):
        if hasattr(self, "feature_names_in_"):
            return [str(name) for name in self.feature_names_in_]
        return [f"x{j}" for j in range(self.n_features_in_)]

    def _at(self, values, at, weights):
        """The rows :meth:`marginal_effects` evaluates: X, its (weighted) means,
        or X at ``at``."""
        if isinstance(at, str) and at in ("overall", "mean"):
            if at == "overall":
                return values
            return np.average(values, axis=0, weights=weights)[None, :]
        if not isinstance(at, Mapping):
            raise ValueError(
                f"at must be 'overall', 'mean' or a dict {{feature: value}}; got "
                f"{at!r}."
            )
        named = hasattr(self, "feature_names_in_")
        labels = self._labels()

        def position(key):
            if named:
                return labels.index(str(key)) if str(key) in labels else None
            # X had no names: features are positions, as in every message
            ok = isinstance(key, (int, np.integer)) and not isinstance(key, bool)
            return int(key) if ok and 0 <= key < len(labels) else None

        unknown = [str(key) for key in at if position(key) is None]
        if unknown:
            known = (
                f"its features are {format_labels(labels)}"
                if named
                else f"X had no column names: use positions 0 to {len(labels) - 1}"
            )
            raise ValueError(
                f"at names {format_labels(unknown)}, which are not features of "
                f"this model; {known}."
            )
        values = values.copy()
        for key, value in at.items():
            value = float(value)
            if not np.isfinite(value) or value < 0:
                raise ValueError(
                    f"at[{key!r}] = {value!r}: the value must be finite and >= 0 "
                    "(the model takes X in levels)."
                )
            values[:, position(key)] = value
        return values

    def _frame(self, values):
        """The parts see a DataFrame with this model's feature names."""
        return pd.DataFrame(values, columns=self._labels())

    def _check_positive_rows(self, regressor, n_rows, n_positive, keep):
        """Refuse, in this model's parameters, too few rows for the second part."""
        if not isinstance(regressor, _LOG_LINEAR):
            return  # another regressor words its own needs
        n_params = self.n_features_in_ + int(regressor.fit_intercept)
        found = int(keep.sum())
        if found > n_params:
            return
        dropped = (
            f" ({n_positive} before zeros='drop' left out the {n_positive - found} "
            "with a regressor equal to 0)"
            if found < n_positive
            else ""
        )
        fixes = ["Add rows with y > 0", "pass fewer features"]
        if regressor.fit_intercept and isinstance(regressor, CobbDouglasRegressor):
            fixes.append("pass regressor=CobbDouglasRegressor(fit_intercept=False)")
        if found < n_positive:
            fixes.append("set zeros='floor' or 'offset', which keep every row")
        raise ValueError(
            f"TwoPartRegressor's second part, {_part_name(regressor)} with "
            f"{n_params} parameter(s), needs at least {n_params + 1} rows with "
            f"y > 0; found {found} of {n_rows}{dropped}. "
            + f"{', '.join(fixes[:-1])} or {fixes[-1]}."
        )

    def _log_participation(self, values):
        """``ln P(y > 0 | X)``, exact far in the tails for a logit first part."""
        if self.classifier_ is None:
            return np.zeros(values.shape[0])
        frame = self._frame(values)
        if isinstance(self.classifier_, StepwiseLogit):
            return special.log_expit(self.classifier_.decision_function(frame))
        proba = self.classifier_.predict_proba(frame)
        with np.errstate(divide="ignore"):
            return np.log(proba[:, list(self.classifier_.classes_).index(1)])

    def _participation(self, values):
        return np.exp(self._log_participation(values))

    def _positive(self, values):
        return self.regressor_.predict(self._frame(self._floored(values)))

    def _floored(self, values):
        """The regressors as the second part sees them: zero policy applied."""
        _check_nonnegative(values, self)
        if self.zeros == "drop" and (values == 0).any():
            zero = values == 0
            columns = column_phrase(self, zero.any(axis=0), verb=("is", "are"))
            raise ValueError(
                f"TwoPartRegressor: {columns} 0 in "
                f"{plural(int(zero.any(axis=1).sum()), 'row')}: zeros='drop' fitted "
                "the second part without such rows and cannot predict them. Use "
                "zeros='floor' or 'offset'."
            )
        return apply_zeros(values, self.zeros, floors=self.floors_)[0]

    def _joint_cov(self, joint=None):
        """``cov_params_``: both parts' estimates and the smearing factor.

        None unless the parts are the ones :meth:`marginal_effects` reads.
        ``joint``: the parts' common design (:func:`_joint_design`), or None
        (block-diagonal).
        """
        regressor, classifier = self.regressor_, self.classifier_
        if not isinstance(regressor, _LOG_LINEAR) or not (
            classifier is None or isinstance(classifier, StepwiseLogit)
        ):
            return None
        results = regressor.results_
        names = [("positive", name) for name in results.names]
        if _smears(regressor):
            names.append(("positive", "smearing"))
        if joint is not None:
            names = [
                ("participation", name) for name in classifier.results_.names
            ] + names
            index = pd.MultiIndex.from_tuples(names, names=["part", "term"])
            if joint.kind == "jackknife":
                cov = _jackknife_joint(classifier, regressor, joint)
            else:
                cov = self._linearised_joint(joint)
            return pd.DataFrame(cov, index=index, columns=index)
        cov = results.cov_params
        if _smears(regressor) and regressor.survey_variance == "jackknife":
            cov = _jackknife_smearing(results)
        elif _smears(regressor):
            cov = smearing_covariance(
                results.exog,
                results.resid,
                cov,
                robust=regressor.cov_type != "nonrobust",
                basis=results.basis,
                weights=results.weights,
                design=results.design,
                kind=regressor.cov_type,
            )
        if classifier is not None:
            logit = classifier.results_
            n_g = logit.params.size
            stacked = np.zeros((n_g + cov.shape[0],) * 2)
            # independent rows (or parts without a common design): the scores
            # of the two likelihood factors are uncorrelated, as twopm's e(V)
            stacked[:n_g, :n_g] = logit.cov_params
            stacked[n_g:, n_g:] = cov
            cov = stacked
            names = [("participation", name) for name in logit.names] + names
        index = pd.MultiIndex.from_tuples(names, names=["part", "term"])
        return pd.DataFrame(cov, index=index, columns=index)

    def _linearised_joint(self, joint):
        """The stacked covariance of both parts under their common design.

        The parts' own blocks are kept as they computed them; the
        cross-block is the design covariance of the stacked influence
        functions (see :func:`stacked_covariance`).
        """
        classifier, regressor = self.classifier_, self.regressor_
        logit, results = classifier.results_, regressor.results_
        # the logit's influence rows: its weighted scores times its bread
        first = (
            logit_scores(logit.design, logit.y, logit.prob, logit.sample_weight)
            @ logit._cov_model
        )
        second = np.zeros((first.shape[0], results.params.size + _smears(regressor)))
        second[joint.rows] = smearing_influence(
            results.exog, results.resid, basis=results.basis, weights=results.weights
        )[:, : second.shape[1]]
        factors = None
        if joint.kind == "cluster":
            factors = [
                cr1_factor(np.unique(joint.design.psu[rows]).size, rows.size, n_params)
                for rows, n_params in (
                    (np.arange(first.shape[0]), logit.params.size),
                    (joint.rows, results.params.size),
                )
            ]
        cov = stacked_covariance(
            [first, second], joint.design, kind=joint.kind, factors=factors
        )
        n_g = first.shape[1]
        own = self._joint_cov()
        cov[:n_g, :n_g] = own.to_numpy()[:n_g, :n_g]
        cov[n_g:, n_g:] = own.to_numpy()[n_g:, n_g:]
        return cov

    def _parameters(self):
        """Stacked estimates (smearing factor last), covariance, an unpacker."""
        k = self.n_features_in_
        regressor = self.regressor_
        beta = regressor.results_.params
        b_off = int(regressor.fit_intercept)
        smears = _smears(regressor)
        if smears:
            beta = np.append(beta, regressor.smearing_factor_)
        if self.classifier_ is None:
            # expit(50) = 1 to double precision: P = 1, with no variance
            gamma, support = np.array([50.0]), []
        else:
            gamma = self.classifier_.results_.params
            support = list(np.flatnonzero(self.classifier_.support_))
        g_off = int(self.classifier_ is None or self.classifier_.fit_intercept)
        n_g = gamma.size
        theta = np.concatenate([gamma, beta])
        cov = np.zeros((theta.size, theta.size))
        joint = self.cov_params_.to_numpy()
        cov[-len(joint) :, -len(joint) :] = joint

        def unpack(theta):
            full_gamma = np.zeros(k)
            full_gamma[support] = theta[g_off:n_g]
            g0 = theta[0] if g_off else 0.0
            b = theta[n_g:]
            factor = 1.0
            if smears:
                b, factor = b[:-1], b[-1]
            return full_gamma, g0, b[b_off:], b[0] if b_off else 0.0, factor

        return theta, cov, unpack

    def _reference_df(self):
        """Each part's reference distribution: t's degrees of freedom, or None.

        None is the standard normal (z): a logit under "nonrobust" and the
        GLM; the Cobb-Douglas, and a logit under "cluster" or "survey", test
        on Student's t with their ``df_inference_``.
        """
        return {
            name: getattr(part, "df_inference_", None)
            for name, part in (
                ("participation", self.classifier_),
                ("positive", self.regressor_),
            )
            if part is not None
        }

    def _effects_df(self):
        """Degrees of freedom of the marginal effects' t, or None (z).

        Under a design (a part with ``cov_type="survey"``) the covariance of
        the effects is design-based: Student's t on the smaller of those
        parts' design degrees of freedom; otherwise the normal, as
        statsmodels' margins.
        """
        design = [
            part.df_inference_
            for part in (self.classifier_, self.regressor_)
            if getattr(part, "cov_type", None) == "survey"
        ]
        return min(design) if design else None

    @staticmethod
    def _table(part, statistic):
        table = part.coef_table_
        if statistic == "wald":
            # the logit's p-value is chi2(1) or, with df_inference_, the F(1,
            # df) of svyglm's t test: its interval uses the same reference
            df = getattr(part, "df_inference_", None)
            q = stats.norm.isf(0.025) if df is None else stats.t.isf(0.025, df)
            z = np.sign(table["coef"]) * np.sqrt(table["wald"])
            half = q * table["std_err"]
            return pd.DataFrame(
                {
                    "coef": table["coef"],
                    "std_err": table["std_err"],
                    "statistic": z,
                    "p_value": table["p_value"],
                    "ci_lower": table["coef"] - half,
                    "ci_upper": table["coef"] + half,
                }
            )
        # the Cobb-Douglas' t, or the GLM's z
        return table.rename(columns={"t": "statistic", "z": "statistic"})


_DISPERSION_WORDS = {
    "gamma": "variance mu^2 (gamma)",
    "poisson": "variance mu (Poisson)",
}


class LogLinkGLM(RegressorMixin, BaseEstimator):
    """The second part of ``second_part="gamma"`` or ``"poisson"``.

    ``E[y | y > 0, x] = exp(b0 + sum_k b_k ln x_k)`` fitted in levels by
    quasi-likelihood (:func:`~sklearn_innov._core.fit_log_link`), with
    robust (sandwich) standard errors: Stata's ``glm y ln_x, family(gamma)
    link(log) vce(robust)`` without its ``n / (n - 1)``. Private: reached
    through :class:`TwoPartRegressor`, which applies the zero policy first.

    Parameters
    ----------
    family : {"gamma", "poisson"}, default="gamma"
    """

    fit_intercept = True

    def __init__(self, *, family="gamma"):
        self.family = family

    def fit(self, X, y, sample_weight=None):
        """Fit on positive X (logged here) and positive y, with positive weights."""
        self.feature_names_in_ = np.asarray(X.columns, dtype=object)
        names = ["const", *(str(name) for name in X.columns)]
        design = np.column_stack([np.ones(len(X)), np.log(X.to_numpy(float))])
        # the rank check OLS makes; TwoPartRegressor words its DesignError
        LeastSquares(design, names=names)
        self.results_ = fit_log_link(
            design,
            np.asarray(y, dtype=float),
            family=self.family,
            names=names,
            weights=sample_weight,
        )
        if not self.results_.converged:
            warn(
                f"TwoPartRegressor(second_part={self.family!r}): the GLM second part "
                f"did not converge in {self.results_.n_iter} iterations; its "
                "estimates are the last iterate. Check for extreme values of y.",
                SklearnInnovWarning,
            )
        self.intercept_ = float(self.results_.params[0])
        self.coef_ = self.results_.params[1:].copy()
        return self

    @property
    def coef_table_(self) -> pd.DataFrame:
        return self.results_.coef_table

    def predict_log(self, X):
        """``ln E[y | y > 0, x] = b0 + ln X @ coef_``."""
        return self.intercept_ + np.log(np.asarray(X, dtype=float)) @ self.coef_

    def predict(self, X: ArrayLike) -> NDArray[np.float64]:
        """``E[y | y > 0, x]`` (no smearing: the GLM models the mean itself)."""
        with np.errstate(over="ignore"):
            return np.exp(self.predict_log(X))

    def summary(self):
        """The coefficient table, in logs of the regressors, robust SEs."""
        results = self.results_
        table = results.coef_table.rename(
            index={name: f"ln {name}" for name in results.names[1:]}
        )
        return Summary(
            "GLM",
            [
                Block(
                    f"GLM, log link, {_DISPERSION_WORDS[self.family]}, robust "
                    "(sandwich) standard errors",
                    table,
                    name="coefficients",
                ),
                Block(
                    "Fit",
                    [
                        f"n = {results.nobs:g}; Pearson dispersion "
                        f"{results.scale:.4g}; {results.n_iter} iterations.",
                    ],
                    name="fit",
                ),
            ],
        )


_LOG_LINEAR = (CobbDouglasRegressor, LogLinkGLM)


def _part_name(regressor):
    if isinstance(regressor, LogLinkGLM):
        return f"the log-link GLM of second_part={regressor.family!r},"
    return f"a {type(regressor).__name__}"


def _smears(regressor):
    """Whether the second part's level predictions carry Duan's factor."""
    return isinstance(regressor, CobbDouglasRegressor) and regressor.smearing


_DESIGN_COV = ("survey", "cluster")


def _jackknife_smearing(results):
    """The jackknife covariance of the second part's coefficients and its
    smearing factor: each replicate refits the weighted least squares and
    takes the weighted mean of ``exp`` of its residuals."""
    return jackknife_covariance(
        results.design,
        _positive_replicate(results, smears=True),
        np.append(results.params, results.smearing),
        owner="TwoPartRegressor(survey_variance='jackknife')",
    ).cov


def _positive_replicate(results, *, smears):
    """``estimate(weights)`` of the second part (and its smearing factor)."""
    exog, log_y = results.exog, results.endog

    def estimate(weights):
        root = np.sqrt(weights)
        beta = np.linalg.lstsq(exog * root[:, None], log_y * root, rcond=None)[0]
        if not smears:
            return beta
        factor = np.average(np.exp(log_y - exog @ beta), weights=weights)
        return np.append(beta, factor)

    return estimate


def _jackknife_joint(classifier, regressor, joint):
    """The jackknife covariance of both parts' stacked estimates.

    Each replicate refits the logit on its final support and the second
    part (and its smearing factor) with the replicate's weights; the
    covariance of the stacked replicate estimates has every block, the
    cross-block included, from the same replicates.
    """
    logit, results = classifier.results_, regressor.results_
    smears = _smears(regressor)
    first = logit_replicate(
        logit.design, logit.y, logit.params, classifier.max_iter, classifier.tol
    )
    second = _positive_replicate(results, smears=smears)

    def estimate(weights):
        return np.concatenate([first(weights), second(weights[joint.rows])])

    full = [logit.params, results.params]
    if smears:
        full.append([results.smearing])
    return jackknife_covariance(
        joint.design,
        estimate,
        np.concatenate(full),
        owner="TwoPartRegressor(survey_variance='jackknife')",
    ).cov


@dataclass(frozen=True)
class _JointDesign:
    """The design both parts were fitted on, over the first part's rows.

    ``kind`` is "survey", "cluster" or "jackknife"; ``rows`` are the second
    part's rows among the first part's.
    """

    design: Any
    kind: str
    rows: NDArray[np.intp]


def _joint_design(classifier, regressor, design, weights, active, rows):
    """The parts' common design, when their estimates are correlated.

    Only a :class:`StepwiseLogit` and a :class:`CobbDouglasRegressor` that
    both have ``cov_type="survey"`` (with the same ``survey_variance``) or
    both ``"cluster"`` share the design's PSUs; otherwise None (the parts'
    blocks stay uncorrelated).
    """
    if not (
        isinstance(classifier, StepwiseLogit)
        and isinstance(regressor, CobbDouglasRegressor)
        and classifier.cov_type == regressor.cov_type
        and classifier.cov_type in _DESIGN_COV
    ):
        return None
    kind = classifier.cov_type
    if kind == "survey" and regressor.survey_variance == "jackknife":
        kind = "jackknife"
    survey = design_for_cov_type(
        classifier.cov_type,
        active.size,
        weights=weights,
        lonely_psu=regressor.lonely_psu,
        estimator="TwoPartRegressor",
        **design,
    ).subset(active)
    return _JointDesign(
        design=survey,
        kind=kind,
        rows=np.searchsorted(np.flatnonzero(active), rows),
    )


def _route_design(classifier, regressor, design):
    """Which part gets ``strata``/``cluster``/``fpc``: those whose cov_type asks."""
    asks = [
        getattr(part, "cov_type", None) in _DESIGN_COV
        for part in (classifier, regressor)
    ]
    if design and not any(asks):
        raise ValueError(
            f"TwoPartRegressor.fit got {' and '.join(design)}, but neither part "
            "uses a design: give the part that should cov_type='survey' (design-"
            "based) or 'cluster' (cluster-robust), e.g. regressor="
            "CobbDouglasRegressor(cov_type='survey'), or leave them out."
        )
    return [design if ask else {} for ask in asks]


def _fit_params(part, which, weights, design):
    """The ``fit`` keywords of one part; refuse weights it cannot take."""
    params = dict(design)
    if weights is not None:
        if not has_fit_parameter(part, "sample_weight"):
            raise ValueError(
                f"TwoPartRegressor got sample_weight, but its {which} part, "
                f"{type(part).__name__}, takes no sample_weight in fit, so it "
                "would be fitted unweighted. Use a part that takes weights, or "
                "leave sample_weight out."
            )
        params["sample_weight"] = weights
    return params


def _check_outcome(y: Any, n_samples: int) -> NDArray[np.float64]:
    y = check_outcome(y, n_samples, owner="TwoPartRegressor")
    if (y < 0).any():
        raise ValueError(
            f"TwoPartRegressor needs y >= 0 (0 = no participation); "
            f"{plural(int((y < 0).sum()), 'row is', 'rows are')} negative. Shift or "
            "recode the outcome."
        )
    if not (y > 0).any():
        raise ValueError(
            "Every outcome is 0: there is no positive part to model. Check y."
        )
    return y


def _check_nonnegative(values, model):
    negative = values < 0
    if negative.any():
        raise ValueError(
            "Negative values in data passed to TwoPartRegressor: "
            f"{column_phrase(model, negative.any(axis=0))} "
            f"({plural(int(negative.any(axis=1).sum()), 'row')}); its second part "
            "takes logs, which values < 0 do not have, and `zeros` handles 0 only. An "
            "index scaled on other rows (a training fold) falls below 0 for rows "
            "below their range: build it with CompositeIndex(out_of_range='clip') "
            "(the default 'auto' clips items without declared bounds) or declare "
            "the items' bounds; z-scores are negative by construction (use "
            "normalize='minmax' or 'rank')."
        )


def _floors(levels, model):
    """Half the smallest positive value of each column among the positive rows."""
    floors = smallest_positive_half(levels)
    empty = np.isnan(floors)
    if empty.any():
        raise ValueError(
            f"TwoPartRegressor(zeros='floor'): "
            f"{column_phrase(model, empty, verb=('is', 'are'))} 0 in "
            "every row with y > 0, so there is no floor and no elasticity to "
            "estimate; drop them."
        )
    return floors
