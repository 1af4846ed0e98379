"""SPSS-style stepwise logistic regression as a scikit-learn classifier.

The paper's logit (Table 10) "successively eliminates the variables that
contribute least": SPSS's ``LOGISTIC REGRESSION /METHOD=BSTEP``, its removal
criterion not named (SPSS's default is COND). This module implements SPSS's
stepping rules (removal by Wald or likelihood ratio, entry by the score
statistic) on the shared Newton core, warm-starting every
refit and computing every candidate's score statistic from one fit.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
from functools import cached_property
from numbers import Integral, Real
from typing import TYPE_CHECKING, Any, Self

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_selection import SelectorMixin
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import (
    check_array,
    check_is_fitted,
    column_or_1d,
    validate_data,
)

from .._core import (
    CollinearityError,
    LeastSquares,
    LogitResults,
    ZeroColumnError,
    binary_columns,
    column_scale,
    conditional_estimates,
    conditional_lr,
    delta_method,
    detect_separation,
    effects_table,
    fit_logit,
    full_rank_certified,
    is_large,
    likelihood_ratio,
    limits_scipy_blas,
    logit_effects,
    score_tests,
    separation_excluded,
    takes_chord_steps,
    upper_cholesky,
)
from .._core._logit import (
    inference_df,
    logit_scores,
    robust_covariance,
    wald_pvalues,
)
from .._core._survey import (
    VARIANCES,
    check_survey_variance,
    design_df_message,
    design_for_cov_type,
    expansion_factor_message,
    jackknife_covariance,
    mean_one,
)
from ..exceptions import SeparationWarning, SklearnInnovWarning
from ..summary import Block
from ..utils._container import like_input
from ..utils._lazy import pd
from ..utils._persistence import TablePersistenceMixin
from ..utils._sklearn_compat import DocLinkMixin, Interval, StrOptions, _fit_context
from ..utils._threads import (
    available_threads,
    run_blocks,
    scipy_single_thread,
)
from ..utils._validation import (
    check_sample_weight,
    check_target_present,
    check_vector,
    format_labels,
    format_rows,
    is_dataframe,
    plural,
    resolve_items,
    validate_columns,
)
from ..utils._warnings import warn
from ._stepwise_summary import build_summary

if TYPE_CHECKING:
    from collections.abc import Sequence

    from numpy.typing import ArrayLike, NDArray

    from ..summary import Summary
    from ..utils._typing import (
        Criterion,
        Direction,
        HLMethod,
        LogitCovType,
        LonelyPSU,
        MarginsAt,
        Penalty,
        SurveyVariance,
        TransformOutput,
    )


def _warn_firth_wald_separators(X, y01, history, names):
    """Warn when Firth + Wald stepping removed a feature that separates y alone.

    Under Firth's penalty such a feature's estimate is finite, but its Wald
    test is unreliable (the penalised likelihood is far from quadratic), so
    Wald stepping tends to drop the strongest predictor; penalised
    likelihood-ratio tests do not (Heinze & Schemper, 2002). One feature
    separates the classes when its ranges in the two classes do not overlap
    (they may touch: quasi-complete separation).
    """
    removed = dict.fromkeys(j for _, action, j, *_ in history if action == "removed")
    event = y01 == 1
    separating = [
        names[j]
        for j in removed
        if X[:, j].min() < X[:, j].max()
        and (
            X[event, j].min() >= X[~event, j].max()
            or X[event, j].max() <= X[~event, j].min()
        )
    ]
    if separating:
        warn(
            f"penalty='firth' with criterion='wald' removed {format_labels(separating)}"
            ", along which the classes are (quasi-)completely separated: Wald "
            "tests of such features are unreliable even under Firth's penalty, "
            "so Wald stepping drops strong predictors. Use criterion='lr' "
            "(penalised likelihood-ratio tests; Heinze & Schemper, 2002).",
            SeparationWarning,
        )


class StepwiseLogit(
    DocLinkMixin, TablePersistenceMixin, SelectorMixin, ClassifierMixin, BaseEstimator
):
    """Stepwise logistic regression with SPSS's stepping rules.

    Parameters
    ----------
    direction : {"backward", "forward"}, default="backward"
        "backward" is SPSS's BSTEP: start with every feature, remove, and
        re-test removed features for entry. "forward" is FSTEP: start from
        the intercept (from the empty model without one), enter by the score
        test, re-test entered features for removal.
    criterion : {"wald", "lr", "conditional"}, default="wald"
        Removal test. "wald": Wald's ``(b / se)^2`` (SPSS's BSTEP(WALD)).
        "lr": the likelihood ratio ``2 (l(b) - l_j)``, ``l_j`` the maximum with
        ``b_j = 0`` (one refit per candidate). "conditional": SPSS's COND,
        ``2 (l(b) - l(b~_j))`` at Lawless & Singhal's conditional estimates
        ``b~_j = b_(-j) - S_(-j,j) S_jj^-1 b_j`` (``S`` the inverse information
        at the current fit), no refit. SPSS's own default (``FSTEP`` or
        ``BSTEP`` without a keyword) is COND. Entry always uses Rao's score
        statistic.
    p_enter : float, default=0.05
        A feature enters if its score test's p-value is below ``p_enter``
        (SPSS's PIN).
    p_remove : float, default=0.10
        A feature is removed if its removal p-value exceeds ``p_remove``
        (SPSS's POUT); must exceed ``p_enter``. ``p_remove=1.0`` never removes:
        a plain maximum-likelihood logit on every feature (backward).
    fit_intercept : bool, default=True
        Include a constant (never removed).
    penalty : None or "firth", default=None
        "firth" maximises Firth's penalised likelihood
        ``l(b) + log|X'WX| / 2`` (finite estimates under separation). Wald
        steps then use the penalised estimates with ``inv(X'WX)``; "lr" the
        penalised likelihood-ratio test of Heinze & Schemper (``b_j = 0``
        inside the current model's penalised likelihood, as R's logistf
        ``drop1``); "conditional" the penalised likelihood at the
        conditional estimates. Entry still uses the score statistic of the
        unpenalised likelihood, evaluated at the penalised fit (see Notes).
    force : list of str or int, optional
        Features never removed (and entered from the start).
    max_iter : int, default=100
        Newton iterations per fit.
    tol : float, default=1e-8
        Newton's convergence tolerance: on the largest change of a
        coefficient times its feature's root mean square (a change on the
        linear predictor's scale), so that convergence, like the estimates
        and every test, does not depend on the features' units.
    hl_method : {"midrank", "spss", "deciles"}, default="midrank"
        How the Hosmer-Lemeshow test of the final model (``summary()``,
        ``results_.hosmer_lemeshow``) groups cases into deciles of risk; see
        :func:`sklearn_innov.diagnostics.hosmer_lemeshow`.
    cov_type : {"nonrobust", "cluster", "survey"}, default="nonrobust"
        Covariance of the coefficients, and so of the Wald tests that step:
        the inverse information (SPSS); cluster-robust CR1 over the
        ``cluster`` fit parameter (statsmodels' ``Logit`` with
        ``cov_type="cluster"``); or design-based (Taylor linearisation, as
        R's ``svyglm``) over ``strata``, ``cluster`` and ``fpc``, with
        ``sample_weight`` read as probability weights. Under "cluster" and
        "survey" Wald tests are F(1, df) (t on df for the intervals): df the
        clusters - 1, or the design's df (PSUs - strata) + 1 - parameters
        (svyglm's ``df.residual``); entry uses Boos's generalised score test
        with the clusters' (or design's) variance of the score. They need
        ``criterion="wald"`` and no penalty (see Notes).
    lonely_psu : {"fail", "certainty", "remove", "adjust"}, default="fail"
        Under ``cov_type="survey"``, what a stratum with a single PSU adds to
        the variance, as R's ``options(survey.lonely.psu=)``: "fail" raises
        an error naming the stratum; "certainty" and "remove" add nothing;
        "adjust" centres its PSU total at the grand mean (0).
    survey_variance : {"linearization", "jackknife"}, default="linearization"
        Under ``cov_type="survey"``, how the final model's covariance is
        estimated: Taylor linearisation (``svyglm`` on a ``svydesign``) or
        the delete-one-PSU replicate jackknife (``svyglm`` on
        ``as.svrepdesign(design, type = "JKn")``), whose replicates refit
        the final model (Newton, warm-started at its estimate) with the
        PSU's weights at 0 and its stratum's other PSUs' times ``n_h /
        (n_h - 1)``. The final model's standard errors, Wald tests, p-values
        and intervals then use it, on the replicate design's degrees of
        freedom (R's ``degf``) + 1 - parameters; the stepping (removal's
        Wald and entry's score tests) still uses the linearised variance,
        since a jackknife per candidate model would refit every model once
        per PSU. Any other ``cov_type`` refuses "jackknife". A replicate in
        which the classes are separated is an error naming its PSU.

    Attributes
    ----------
    classes_ : ndarray of shape (2,)
        The two labels; ``classes_[1]`` is the "event" modelled.
    support_ : ndarray of bool, shape (`n_features_in_`,)
        Selected features.
    selected_features_ : list
        Their names (DataFrames) or positions (arrays).
    coef_ : ndarray of shape (1, `n_features_in_`)
        Coefficients, exactly 0.0 for features not selected.
    intercept_ : ndarray of shape (1,)
    coef_table_ : DataFrame
        Index: selected features then "const"; columns "coef", "std_err",
        "wald", "df", "p_value", "odds_ratio", "odds_ci_lower",
        "odds_ci_upper" (95% Wald).
    profile_table_ : DataFrame
        Index as ``coef_table_``; the likelihood-ratio test of each
        coefficient ("lr_chi2", "lr_p_value", one constrained refit each) and
        its 95% profile likelihood interval ("ci_lower", "ci_upper", and of
        the odds ratio "odds_ci_lower", "odds_ci_upper"). Under Firth both
        use the penalised likelihood, as R's logistf reports a model. Computed
        on first access.
    history_ : DataFrame
        A row per step: "step", "action" ("entered"/"removed"), "feature",
        "statistic", "p_value", "minus2_llf" (-2 log-likelihood after it).
    llf_, llnull_ : float
        Log-likelihood of the final and of the intercept-only model.
    aic_, bic_ : float
    n_iter_ : int
        Newton iterations of the final fit.
    converged_ : bool
        False when Newton did not converge (a ``ConvergenceWarning`` names
        the fit) or when the final model is separated: its maximum-likelihood
        estimates are then infinite, and the values shown are where Newton
        stopped (``summary()`` says so in its notes).
    not_in_equation_ : DataFrame
        SPSS's "Variables not in the Equation": the score statistic, df and
        p-value of each feature left out, and their joint "Overall
        Statistics".
    results_ : LogitResults
        The final model's results object: the statistics above and SPSS's
        blocks (``omnibus``, ``pseudo_r2``, ``hosmer_lemeshow``,
        ``classification_table``), computed on first access and cached.
        Pickling and copies keep it as it is, training rows included;
        ``results_.remove_data()`` computes what ``summary()`` prints and
        drops the training target, fitted probabilities and design.
    n_features_in_ : int
    feature_names_in_ : ndarray
    nobs_ : int or float
        Number of cases: the rows, or the sum of ``sample_weight``.
    df_inference_ : float or None
        Denominator degrees of freedom of the Wald and score tests under
        "cluster" and "survey" (see ``cov_type``); None under "nonrobust"
        (chi-square tests, as SPSS).
    design_info_ : dict or None
        Under "cluster": ``clusters``, ``df``; under "survey": ``strata``,
        ``psus``, ``df`` (PSUs - strata), ``fpc``, ``weighted``,
        ``has_strata``, ``has_clusters``, ``lonely_psu`` (with
        ``survey_variance="jackknife"`` also ``variance``, ``replicates``
        and ``mse``, and ``df`` the replicate design's); both also
        ``df_inference``. None under "nonrobust".

    See Also
    --------
    sklearn.feature_selection.SequentialFeatureSelector : Selection by CV score.
    CobbDouglasRegressor : The paper's other model.

    Notes
    -----
    *Stepping (SPSS).* At each step the feature with the largest removal
    p-value above ``p_remove`` is removed (forced features and the constant
    excepted). When none can be removed, the feature outside the model with
    the smallest score-test p-value below ``p_enter`` enters. Stepping stops
    when nothing moves or when a move would give back a model already visited.

    *Honest evaluation.* Selection happens inside ``fit``, so
    ``cross_val_score`` of a pipeline measures the whole procedure. The
    p-values of the final model ignore the selection and are optimistic.

    *Separation.* When a model's likelihood has no finite maximum (the
    linear program of Konis, 2007, confirms it, once per model), a
    :class:`~sklearn_innov.exceptions.SeparationWarning` names the features.
    Stepping carries on by SPSS's rules, as SPSS does; every fit is honest:
    a warm-started refit that does not converge is retried from zero, so a
    model that is not separated gets its ordinary maximum-likelihood fit
    (an intercept-only model its closed form ``logit(mean(y))``). A final
    model that is itself separated is reported with ``converged_ = False``
    and a note in ``summary()``. Wald statistics of separating features tend
    to 0 (p to 1), so Wald stepping removes them; ``penalty="firth"`` with
    ``criterion="lr"`` is the usual remedy (Heinze & Schemper, 2002).

    *Firth.* As R's logistf: standard errors from ``inv(X'WX)`` at the
    penalised estimate (firthmodels uses the information of the penalised
    likelihood instead); likelihood-ratio tests and profile intervals of the
    final model in ``profile_table_``; the omnibus test is the penalised
    likelihood ratio against the model with every coefficient but the
    constant held at 0 (never negative); -2LL, AIC and BIC use the ordinary
    log-likelihood at the penalised estimate, and Cox & Snell and Nagelkerke
    R² the omnibus statistic (``1 - exp(-chi2 / n)``, rescaled). Entry uses
    Rao's score statistic of the *unpenalised* likelihood,
    ``U_j^2 / V_j`` with ``U_j = x_j'(y - p)`` and ``V_j`` the unpenalised
    information of ``x_j`` given the model, evaluated at the current model's
    penalised fit ``p``: not a penalised score test.

    *Firth with COND.* Supported: the conditional estimates use ``inv(X'WX)``
    at the penalised fit, and the statistic the penalised likelihood of the
    current model (the whole model's penalty) at them, a one-step
    approximation of the penalised likelihood-ratio test.

    *Weights.* ``sample_weight`` has scikit-learn's meaning: an integer
    weight acts exactly as that many copies of the row, in every fit (Newton
    and Firth: weighted score and information, Firth's penalty from the
    weighted information, as logistf with weights), every removal and entry
    test, -2LL, the pseudo R² and BIC (n the sum of weights),
    Hosmer-Lemeshow and the classification table (weighted counts, as
    SPSS's ``WEIGHT BY``) and the profile intervals. Rows of weight 0 are
    left out of every statistic. Under "nonrobust" standard errors treat the
    weights as frequencies (they shrink as the weights grow); under
    "survey" as probability weights (any common scale cancels).

    *Designs.* Under "cluster" and "survey" the stepping rules use the
    robust Wald statistics (``criterion="wald"``); the likelihood-ratio and
    COND statistics are model-based (they assume independent rows of equal
    information), so ``criterion="lr"`` or ``"conditional"`` is refused with
    these covariances, and so is ``penalty="firth"`` (its penalised score
    has no design-based variance here). Entry uses Boos's (1992)
    generalised score statistic ``U_j^2 / V_j``, ``V_j`` the design's (or
    clusters') variance of the rows' contributions to ``U_j`` with the
    estimation of the model's coefficients projected out, F(1, df) as the
    Wald tests. -2LL, the omnibus test, the pseudo R², Hosmer-Lemeshow, the
    classification table and the profile table stay model-based: statistics
    of the weighted sample, not design-based estimates. A row of weight 0
    keeps its PSU in the design's counts (R's ``subset`` of a design).

    *No intercept.* With ``fit_intercept=False`` the smallest model is the
    empty one: ``p = 1/2`` for every case, log-likelihood ``n log 0.5``, and
    score tests ``(x_j'(y - 1/2))^2 / (x_j'x_j / 4)``.

    References
    ----------
    .. [1] IBM SPSS Statistics, LOGISTIC REGRESSION, METHOD subcommand
       (BSTEP, FSTEP) and the LOGISTIC REGRESSION algorithms.
    .. [2] Heinze, G. and Schemper, M. (2002). "A solution to the problem of
       separation in logistic regression". Statistics in Medicine, 21.
    .. [3] Alonso, J. J., Contreras, O. F. and Valenzuela, A. (2025),
       Table 10.
    .. [4] Lawless, J. F. and Singhal, K. (1978). "Efficient screening of
       nonnormal regression models". Biometrics, 34, 318-327.
    .. [5] Boos, D. D. (1992). "On generalized score tests". The American
       Statistician, 46(4), 327-333.
    .. [6] Lumley, T. (2010). Complex Surveys: A Guide to Analysis Using R.
       Wiley (``svyglm``).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_innov import StepwiseLogit
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(500, 3))
    >>> y = (X[:, 0] - X[:, 2] + rng.logistic(size=500) > 0).astype(int)
    >>> model = StepwiseLogit().fit(X, y)
    >>> model.selected_features_
    [0, 2]
    """

    classes_: NDArray[Any]
    support_: NDArray[np.bool_]
    selected_features_: list[str]
    coef_: NDArray[np.float64]
    intercept_: NDArray[np.float64]
    n_iter_: int
    converged_: bool
    results_: StepwiseResults
    n_features_in_: int
    feature_names_in_: NDArray[np.object_]

    _parameter_constraints: dict = {
        "direction": [StrOptions({"backward", "forward"})],
        "criterion": [StrOptions({"wald", "lr", "conditional"})],
        "p_enter": [Interval(Real, 0, 1, closed="neither")],
        "p_remove": [Interval(Real, 0, 1, closed="right")],
        "fit_intercept": ["boolean"],
        "penalty": [None, StrOptions({"firth"})],
        "force": [None, list, tuple],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="neither")],
        "hl_method": [StrOptions({"midrank", "spss", "deciles"})],
        "cov_type": [StrOptions({"nonrobust", "cluster", "survey"})],
        "lonely_psu": [StrOptions({"fail", "certainty", "remove", "adjust"})],
        "survey_variance": [StrOptions(set(VARIANCES))],
    }

    def __init__(
        self,
        *,
        direction: Direction = "backward",
        criterion: Criterion = "wald",
        p_enter: float = 0.05,
        p_remove: float = 0.10,
        fit_intercept: bool = True,
        penalty: Penalty | None = None,
        force: Sequence[str | int] | None = None,
        max_iter: int = 100,
        tol: float = 1e-8,
        hl_method: HLMethod = "midrank",
        cov_type: LogitCovType = "nonrobust",
        lonely_psu: LonelyPSU = "fail",
        survey_variance: SurveyVariance = "linearization",
    ) -> None:
        self.direction = direction
        self.criterion = criterion
        self.p_enter = p_enter
        self.p_remove = p_remove
        self.fit_intercept = fit_intercept
        self.penalty = penalty
        self.force = force
        self.max_iter = max_iter
        self.tol = tol
        self.hl_method = hl_method
        self.cov_type = cov_type
        self.lonely_psu = lonely_psu
        self.survey_variance = survey_variance

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
        """Select features by SPSS's stepping rules and fit the final logit.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Numeric features.
        y : array-like of shape (n_samples,)
            Binary target, any two labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights: frequency weights (an integer weight acts
            as that many copies of the row); probability weights ``1 / pi_i``
            under ``cov_type="survey"``. Rows of weight 0 are left out.
        strata : array-like of shape (n_samples,), default=None
            Stratum of each row; ``cov_type="survey"`` only.
        cluster : array-like of shape (n_samples,), default=None
            Cluster (PSU) of each row: required by ``cov_type="cluster"``,
            optional under "survey" (None: each row its own PSU).
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
        self : StepwiseLogit
            The fitted classifier.
        """
        if not self.p_enter < self.p_remove:
            raise ValueError(
                f"p_enter ({self.p_enter}) must be below p_remove ({self.p_remove}), "
                "as in SPSS (PIN < POUT); otherwise a feature could enter and "
                "leave forever. Lower p_enter or raise p_remove."
            )
        self._check_cov_type()
        check_survey_variance(self.survey_variance, self.cov_type, "StepwiseLogit")
        X_in = X
        X = _numeric_array(self, X)
        y01 = self._encode_target(y, X.shape[0])
        row_labels = X_in.index.to_numpy() if is_dataframe(X_in) else None
        weights = _check_weights(sample_weight, X.shape[0], row_labels)
        if self.cov_type == "survey":
            # probability weights, at mean 1 as svyglm: -2LL, the omnibus and
            # Hosmer-Lemeshow tests and the classification table count the
            # sample's cases, not the population the weights expand to
            weights = mean_one(weights)
        elif self.cov_type == "nonrobust":
            message = expansion_factor_message(
                weights,
                "StepwiseLogit",
                "if they only weigh rows against each other, rescale them to "
                "mean 1 (w / w.mean()).",
            )
            if message:
                warn(message, SklearnInnovWarning)
        survey = design_for_cov_type(
            self.cov_type,
            X.shape[0],
            strata=strata,
            cluster=cluster,
            fpc=fpc,
            weights=weights,
            lonely_psu=self.lonely_psu,
            row_labels=row_labels,
            estimator="StepwiseLogit",
        )
        if weights is not None and not (weights > 0).all():
            # a zero weight leaves the row out of every statistic (its PSU
            # stays in the design's counts, as R's subset of a design)
            used = weights > 0
            X, y01, weights = X[used], y01[used], weights[used]
            if survey is not None:
                survey = survey.subset(used)
            if y01.min() == y01.max():
                raise ValueError(
                    "StepwiseLogit: the rows with positive sample_weight all have "
                    f"the label {self.classes_[int(y01[0])]!r}; a logit needs both "
                    "classes among them. Check the weights, or the target."
                )
        if self.cov_type == "cluster" and np.unique(survey.psu).size < 2:
            raise ValueError(
                "StepwiseLogit(cov_type='cluster'): every fitted row is in one "
                "cluster, so the cluster-robust covariance is undefined (it needs "
                "at least 2 clusters). Check the cluster labels, or use "
                "cov_type='nonrobust'."
            )
        n, p = X.shape
        labels = (
            list(self.feature_names_in_)
            if hasattr(self, "feature_names_in_")
            else list(range(p))
        )
        names = [str(label) for label in labels]
        offset = int(self.fit_intercept)
        if n <= p + offset:
            rows = f"{n} sample(s)" + (
                "" if weights is None else " with positive weight"
            )
            raise ValueError(
                f"StepwiseLogit needs more rows than parameters: got {rows} "
                f"for {p + offset} parameter(s) in the starting model. Add rows or "
                "drop features."
            )
        # Fortran order: the stepper keeps the model's columns as one
        # contiguous block at the front, swapping whole columns in place.
        design = np.empty((n, p + offset), order="F")
        if self.fit_intercept:
            design[:, 0] = 1.0
        peak, sum_squares = _copy_rows(design[:, offset:], X)
        if not np.isfinite(peak).all():
            # NaN or infinity (max and min propagate them): the general
            # validation names the columns and rows
            validate_columns(self, X_in, reset=True, allow_nan=False)
        _check_scales(peak, names)
        forced = self._forced(names, p)
        if weights is not None:
            # the columns' root mean squares over the weighted cases, as over
            # replicated rows (the units convergence is measured in)
            columns = design[:, offset:]
            sum_squares = np.einsum("ij,ij,i->j", columns, columns, weights)
            sum_squares *= n / weights.sum()

        stepper = _Stepper(
            design,
            y01,
            offset=offset,
            firth=self.penalty == "firth",
            max_iter=self.max_iter,
            tol=self.tol,
            scale=column_scale(design, _prepend(float(n), sum_squares, offset)),
            sample_weight=weights,
            cov_type=self.cov_type,
            survey=survey,
        )
        included = set(range(p)) if self.direction == "backward" else set(forced)
        # SciPy's BLAS at one thread on many rows (see utils._threads); on
        # few, nothing to stall and the limit would cost more than a step
        with (
            scipy_single_thread
            if limits_scipy_blas(n, p + offset)
            else contextlib.nullcontext()
        ):
            _check_design(
                design, ["const"] * offset + names, _prepend(1.0, peak, offset)
            )
            fit, included, history = stepper.run(
                included, forced, self.criterion, self.p_enter, self.p_remove
            )
            _, scores = stepper.scores(fit, joint=True)
            fit = stepper.in_design_order(fit)
        selected = sorted(included)
        final_separated = stepper.separation.get(frozenset(included), ())
        self.support_ = np.zeros(p, dtype=bool)
        self.support_[selected] = True
        self.selected_features_ = [labels[j] for j in selected]
        self.coef_ = np.zeros((1, p))
        self.coef_[0, selected] = fit.params[offset:]
        self.intercept_ = np.array([fit.params[0] if self.fit_intercept else 0.0])
        self.n_iter_ = int(fit.n_iter)
        self.converged_ = bool(fit.converged) and not final_separated
        outside = sorted(set(range(p)) - included)
        final_design = stepper.columns_of(included)
        jackknife = None
        if self.survey_variance == "jackknife":
            jackknife = _jackknife_logit(
                final_design, y01, fit, survey, self.max_iter, self.tol
            )
        self.results_ = StepwiseResults(
            fit,
            y01,
            self.classes_,
            ["const"] * offset + [names[j] for j in selected],
            has_const=self.fit_intercept,
            firth=stepper.firth,
            design=final_design,
            hl_method=self.hl_method,
            max_iter=self.max_iter,
            tol=self.tol,
            history=[
                (step, action, labels[j], statistic, p_value, minus2_llf)
                for step, action, j, statistic, p_value, minus2_llf in history
            ],
            outside=[names[j] for j in outside],
            scores=scores,
            separated=[names[j] for j in final_separated],
            converged=self.converged_,
            sample_weight=weights,
            cov_type=self.cov_type,
            survey=survey,
            jackknife=jackknife,
            score_df=stepper.score_df(len(outside)),
        )
        if survey is not None:
            self._check_design_df()
        if stepper.separated:
            _warn_separation(
                [names[j] for j in sorted(stepper.separated)],
                [names[j] for j in final_separated],
            )
        if stepper.unconverged:
            _warn_convergence(stepper.unconverged, names, self, len(history))
        if stepper.firth and self.criterion == "wald":
            _warn_firth_wald_separators(X, y01, history, names)
        return self

    # -- results (computed on first access) -----------------------------------

    @property
    def coef_table_(self) -> pd.DataFrame:
        """SPSS's Variables in the Equation of the final model."""
        return self.results_.coef_table

    @property
    def profile_table_(self) -> pd.DataFrame:
        """Profile-likelihood intervals of the final model's coefficients."""
        return self.results_.profile_table

    @property
    def history_(self) -> pd.DataFrame:
        """One row per step of the selection."""
        return self.results_.history

    @property
    def not_in_equation_(self) -> pd.DataFrame:
        """SPSS's Variables not in the Equation, with score tests."""
        return self.results_.not_in_equation

    @property
    def llf_(self) -> float:
        """Log-likelihood of the final model."""
        return self.results_.llf

    @property
    def llnull_(self) -> float:
        """Log-likelihood of the intercept-only model."""
        return self.results_.llnull

    @property
    def aic_(self) -> float:
        """Akaike's information criterion of the final model."""
        return self.results_.aic

    @property
    def bic_(self) -> float:
        """Bayesian (Schwarz) information criterion of the final model."""
        return self.results_.bic

    @property
    def nobs_(self) -> float:
        """Number of cases the final model was fitted on."""
        return self.results_.nobs

    @property
    def df_inference_(self) -> float | None:
        """Denominator degrees of freedom of the design-based tests, or None."""
        return self.results_.df_inference

    @property
    def design_info_(self) -> dict[str, Any] | None:
        """The clusters (and strata) behind the covariance, or None."""
        return self.results_.design_info

    def decision_function(self, X: ArrayLike) -> NDArray[np.float64]:
        """Log-odds of ``classes_[1]``: ``intercept_ + X @ coef_``.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Candidate features, as at ``fit``.

        Returns
        -------
        scores : ndarray of shape (n_samples,)
            Log-odds of ``classes_[1]``.
        """
        check_is_fitted(self)
        X = validate_columns(self, X, reset=False, allow_nan=False)
        return X @ self.coef_[0] + self.intercept_[0]

    def predict_proba(self, X: ArrayLike) -> NDArray[np.float64]:
        """Probabilities of ``classes_[0]`` and ``classes_[1]``.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Candidate features, as at ``fit``.

        Returns
        -------
        proba : ndarray of shape (n_samples, 2)
            Probability of each class, columns in the order of ``classes_``.
        """
        from scipy.special import expit

        p1 = expit(self.decision_function(X))
        return np.column_stack([1.0 - p1, p1])

    def predict_log_proba(self, X: ArrayLike) -> NDArray[np.float64]:
        """Log-probabilities of ``classes_[0]`` and ``classes_[1]``.

        Computed from the log-odds ``s`` as ``-log(1 + exp(-s))`` and
        ``-log(1 + exp(s))``, finite where a probability underflows to 0.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Candidate features, as at ``fit``.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, 2)
            Log-probability of each class, columns in the order of ``classes_``.
        """
        scores = self.decision_function(X)
        return np.column_stack(
            [-np.logaddexp(0.0, scores), -np.logaddexp(0.0, -scores)]
        )

    def predict(self, X: ArrayLike) -> NDArray[Any]:
        """Predicted labels (probability of ``classes_[1]`` above 0.5).

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Candidate features, as at ``fit``.

        Returns
        -------
        labels : ndarray of shape (n_samples,)
            Predicted class of each row.
        """
        scores = self.decision_function(X)
        return self.classes_[(scores > 0).astype(int)]

    def get_support(
        self, indices: bool = False
    ) -> NDArray[np.bool_] | NDArray[np.intp]:
        """Mask (or positions) of the selected features, as scikit-learn selectors.

        Parameters
        ----------
        indices : bool, default=False
            Return positions instead of a boolean mask.

        Returns
        -------
        support : ndarray
            Boolean mask over the features seen at ``fit``, or the positions of the
            selected ones.
        """
        check_is_fitted(self)
        return np.flatnonzero(self.support_) if indices else self.support_.copy()

    def transform(self, X: Any) -> TransformOutput:
        """The selected features of ``X``, in ``X``'s container.

        As a selection step of a Pipeline: the columns ``support_`` keeps.
        Like the library's transformers, a DataFrame in gives a DataFrame
        out (pandas with its index, or polars), an array an array, unless
        ``set_output`` or scikit-learn's ``transform_output`` asks for
        another container.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            The features seen at ``fit``.

        Returns
        -------
        X_selected : ndarray or DataFrame of shape (n_samples, n_selected)
            The selected columns.

        Examples
        --------
        >>> from sklearn_innov import CompositeIndex, StepwiseLogit
        >>> from sklearn_innov.datasets import PAPER_SPEC, make_sme_survey
        >>> survey = make_sme_survey(random_state=0)
        >>> spec = {k: v for k, v in PAPER_SPEC.items() if k != "Y"}
        >>> X = CompositeIndex(spec=spec).fit_transform(survey.data)
        >>> StepwiseLogit().fit(X, survey.target).transform(X).columns.tolist()
        ['X1', 'X3']
        """
        return like_input(super().transform(X), X, self)

    def _get_support_mask(self):
        # scikit-learn's SelectorMixin: transform and get_feature_names_out
        # keep the selected features, so the stepwise selection can be a
        # step of a Pipeline before another model
        check_is_fitted(self)
        return self.support_

    def marginal_effects(
        self,
        X: ArrayLike,
        at: MarginsAt = "overall",
        dummy: bool = False,
        sample_weight: ArrayLike | None = None,
    ) -> pd.DataFrame:
        """Marginal effects of the selected features on ``P(event)``.

        For the final logit ``P = expit(b0 + x'b)``: with ``at="overall"`` the
        average over the rows of X of ``P (1 - P) b_k`` (average marginal
        effects), with ``at="mean"`` the effect at the column means of X, as
        statsmodels' ``get_margeff(at=...)``. With ``dummy=True`` a feature
        whose values in X are all 0 or 1 gets the discrete change
        ``P(x_k = 1) - P(x_k = 0)`` instead (averaged over the rows, the
        other features at their values; or at their means), as
        ``get_margeff(dummy=True)`` and Stata's ``margins`` of an ``i.``
        factor; the derivative of a 0/1 feature describes a change it cannot
        make and can differ much from the discrete change when the
        coefficient is large. The ``effect`` column says which each row is.
        Standard errors by the delta method from the final model's
        covariance; the selection itself is ignored (as every p-value after
        stepwise selection ignores it).

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            The rows to average over, e.g. the training data.
        at : {"overall", "mean"}, default="overall"
        dummy : bool, default=False
            Discrete changes for 0/1 features (statsmodels' rule: minimum 0,
            maximum 1, integer values).
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the rows of X in the averages (the fit's
            ``sample_weight`` to average over the weighted training data);
            rows of weight 0 count for nothing.

        Returns
        -------
        effects : DataFrame
            Indexed by selected feature: ``effect`` ("dP/dx" or
            "P(1) - P(0)"), ``dy_dx``, ``std_err``, ``z``, ``p_value``,
            ``ci_lower``, ``ci_upper`` (95%). Under ``cov_type="cluster"``
            or ``"survey"`` the standard errors use that covariance and the
            statistic is ``t`` on ``df_inference_`` degrees of freedom.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn_innov import StepwiseLogit
        >>> rng = np.random.default_rng(0)
        >>> X = np.column_stack([rng.normal(size=400), rng.integers(0, 2, 400)])
        >>> y = (X @ [1.0, 2.0] + rng.logistic(size=400) > 1).astype(int)
        >>> model = StepwiseLogit().fit(X, y)
        >>> model.marginal_effects(X, dummy=True)["effect"].tolist()
        ['dP/dx', 'P(1) - P(0)']
        """
        check_is_fitted(self)
        if at not in ("overall", "mean"):
            raise ValueError(f'at must be "overall" or "mean"; got {at!r}.')
        if not isinstance(dummy, (bool, np.bool_)):
            raise ValueError(f"dummy must be True or False; got {dummy!r}.")
        X = validate_columns(self, X, reset=False, allow_nan=False)
        weights = _check_weights(sample_weight, X.shape[0], None)
        selected = np.flatnonzero(self.support_)
        offset = int(self.fit_intercept)
        design = X[:, selected]
        discrete = binary_columns(design) if dummy else np.zeros(len(selected), bool)
        if offset:
            design = np.column_stack([np.ones(len(design)), design])
            discrete = np.concatenate([[False], discrete])
        results = self.results_
        value, std_err, _ = delta_method(
            lambda theta: logit_effects(
                theta, design, at=at, dummy=discrete, sample_weight=weights
            )[offset:],
            results.params,
            results.cov_params,
        )
        names = [str(label) for label in self.selected_features_]
        table = effects_table(names, value, std_err, df=results.df_inference)
        kinds = np.where(discrete[offset:], "P(1) - P(0)", "dP/dx")
        table.insert(0, "effect", kinds)
        return table

    def summary(
        self,
        title: str | None = None,
        marginal_effects: ArrayLike | None = None,
        dummy: bool = False,
        sample_weight: ArrayLike | None = None,
    ) -> Summary:
        """SPSS's output blocks for the final model.

        Parameters
        ----------
        title : str, optional
            Heading; defaults to the method, e.g. "BSTEP(Wald)".
        marginal_effects : array-like or DataFrame, optional
            Rows to average the marginal effects over (e.g. the training
            data); adds a block of :meth:`marginal_effects` (``at="overall"``).
        dummy : bool, default=False
            With ``marginal_effects``: discrete changes for 0/1 features (see
            :meth:`marginal_effects`); the block's title says which it shows.
        sample_weight : array-like of shape (n_samples,), optional
            With ``marginal_effects``: the rows' weights in the average (see
            :meth:`marginal_effects`).

        Returns
        -------
        summary : Summary
            Variables in the Equation, Variables not in the Equation, Omnibus
            test, Model Summary (-2LL, Cox & Snell and Nagelkerke R²),
            Hosmer-Lemeshow, classification table, step history.
        """
        check_is_fitted(self)
        summary = build_summary(self, title)
        if marginal_effects is not None:
            summary.insert_after(
                "variables_in_equation",
                Block(
                    "Average marginal effects (delta method): "
                    + (
                        "P(1) - P(0) for 0/1 features, dP/dx for the others"
                        if dummy
                        else "dP/dx"
                    ),
                    self.marginal_effects(
                        marginal_effects, dummy=dummy, sample_weight=sample_weight
                    ),
                    name="marginal_effects",
                ),
            )
        return summary

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        return tags

    # -- implementation -------------------------------------------------------

    def _encode_target(self, y: Any, n_samples: int) -> NDArray[np.float64]:
        if y is None:
            raise ValueError(
                "StepwiseLogit requires y to be passed, but the target y is None."
            )
        values = y.to_numpy() if hasattr(y, "to_numpy") else np.asarray(y)
        if values.ndim == 1 and values.dtype.kind in "biu":
            # integer or boolean labels, one-dimensional: nothing for
            # scikit-learn's checks to convert or refuse
            return self._encode_labels(values, n_samples)
        check_target_present(y, owner="StepwiseLogit")
        y = column_or_1d(
            check_array(y, ensure_2d=False, dtype=None, input_name="y"), warn=True
        )
        return self._encode_labels(y, n_samples)

    def _encode_labels(self, y, n_samples):
        if y.shape[0] != n_samples:
            raise ValueError(
                f"Found input variables with inconsistent numbers of samples: "
                f"X has {n_samples}, y has {y.shape[0]}."
            )
        if y.dtype.kind not in "biu":
            # integer labels are discrete: for them sklearn's check would
            # only spend another pass over y finding the classes found here
            check_classification_targets(y)
            self.classes_ = np.unique(y)
        elif y.size and 0 <= y.min() and y.max() < 2 * y.size:
            # small non-negative labels (0/1 above all): a count per label
            # instead of a hash table
            self.classes_ = np.flatnonzero(np.bincount(y)).astype(y.dtype)
        else:
            self.classes_ = np.unique(y)
        if self.classes_.size != 2:
            kind = (
                "only one class"
                if self.classes_.size == 1
                else f"{self.classes_.size} classes"
            )
            raise ValueError(
                "Only binary classification is supported: StepwiseLogit needs a "
                f"binary target, but y has {kind}: "
                f"{format_labels(self.classes_.tolist())}. Recode y to two labels, "
                "e.g. y = (y == value) for the event's value, or y > cutoff."
            )
        return (y == self.classes_[1]).astype(np.float64)

    def _check_cov_type(self):
        """Refuse the settings a cluster or survey covariance cannot honour."""
        if self.cov_type == "nonrobust":
            return
        if self.criterion != "wald":
            raise ValueError(
                f"StepwiseLogit(cov_type={self.cov_type!r}) steps on Wald tests "
                f"with the {self.cov_type} covariance, but criterion="
                f"{self.criterion!r} is a model-based likelihood statistic that "
                "assumes independent rows of equal information and ignores the "
                "design. Use criterion='wald', or cov_type='nonrobust'."
            )
        if self.penalty == "firth":
            raise ValueError(
                f"StepwiseLogit(cov_type={self.cov_type!r}) does not support "
                "penalty='firth': the penalised score has no design-based "
                "variance here. Use penalty=None (with cov_type), or Firth with "
                "cov_type='nonrobust'."
            )

    def _check_design_df(self):
        """Warn when the design leaves no df for the tests."""
        message = design_df_message(
            "StepwiseLogit",
            self.cov_type,
            self.results_.design_info,
            self.results_.params.size,
            self.results_.df_inference,
            "the Wald tests",
            "drop features.",
        )
        if message:
            warn(message, SklearnInnovWarning)

    def _forced(self, names, p):
        if not self.force:
            return set()
        columns = names if hasattr(self, "feature_names_in_") else None
        return set(resolve_items(list(self.force), columns, p, owner="force"))


def _check_weights(
    sample_weight: Any, n: int, row_labels: Any
) -> NDArray[np.float64] | None:
    """``sample_weight`` as float64 (None stays None); negative weights named."""
    if sample_weight is None:
        return None
    weights = check_vector(sample_weight, "sample_weight", owner="StepwiseLogit")
    negative = np.flatnonzero(weights < 0)
    if weights.size == n and negative.size:
        rows = negative if row_labels is None else row_labels[negative]
        raise ValueError(
            f"StepwiseLogit: sample_weight is negative in "
            f"{plural(negative.size, 'row')} "
            f"({format_rows(rows)}); weights must be >= 0 (0 leaves a row out). "
            "Fix or drop those rows."
        )
    return check_sample_weight(weights, n, owner="StepwiseLogit")


def _numeric_array(estimator: StepwiseLogit, X: Any) -> NDArray[np.float64]:
    """X validated once, as an array (not yet checked finite; see ``fit``).

    A pandas DataFrame of NumPy numeric columns, or a numeric 2-D array,
    needs only scikit-learn's feature-name and count bookkeeping and a
    conversion: the general :func:`validate_columns` (any dataframe, object
    columns, messages naming non-numeric columns) costs several times the
    whole fit at the paper's size. Anything else takes the general path.
    """
    if isinstance(X, np.ndarray):
        values = X
    elif type(X).__name__ == "DataFrame" and type(X).__module__.startswith("pandas"):
        # NumPy numeric columns give a numeric array; any other column (text,
        # categories, extension dtypes) an object one: the general path
        values = X.to_numpy()
    else:
        values = None
    if values is None or values.ndim != 2 or values.dtype.kind not in "fiub":
        return validate_columns(estimator, X, reset=True, allow_nan=False)
    if 0 in values.shape:
        return validate_columns(estimator, X, reset=True, allow_nan=False)
    columns = getattr(X, "columns", None)
    if columns is not None:
        # one conversion: iterating pandas' Arrow-backed string index costs
        # microseconds per name
        columns = columns.tolist()
    if columns is not None and all(type(c) is str for c in columns):
        # what scikit-learn's validate_data records on a DataFrame with
        # string column names, without its dataframe interchange (a fifth
        # of the fit at the paper's size); other names take its path, with
        # its warnings and errors
        estimator.feature_names_in_ = np.asarray(columns, dtype=object)
        estimator.n_features_in_ = values.shape[1]
    else:
        validate_data(estimator, X, reset=True, skip_check_array=True)
    return values


def _symmetric(upper):
    """The symmetric matrix whose upper triangle ``upper`` holds (BLAS syrk
    writes one triangle)."""
    below = _below_diagonal(upper.shape[0])
    out = upper.copy()
    out.flat[below] = upper.T.flat[below]
    return out


@functools.cache
def _below_diagonal(k):
    """Flat positions of a k x k matrix's strict lower triangle (cached:
    ``np.tril_indices`` and ``np.triu`` each build a k x k mask per call)."""
    rows, cols = np.tril_indices(k, -1)
    return rows * k + cols


def _prepend(value, values, count):
    """``values`` after ``count`` copies of ``value`` (the constant's entry).

    ``np.r_`` parses its index at every call: at the paper's size its two
    calls cost as much as a Newton iteration.
    """
    out = np.empty(count + values.size)
    out[:count] = value
    out[count:] = values
    return out


def _copy_rows(out, X):
    """``out[:] = X`` by blocks of rows; return each column's largest ``|x|``
    and sum of squares.

    Copying a C-ordered array into a Fortran-ordered one whole strides
    through memory a column at a time; a block of rows at a time stays in
    the cache (2.5x faster at 1e6 x 10), and its range and sum of squares
    are read there.
    """
    n, p = X.shape
    size = max(1, (1 << 16) // max(p, 1))
    starts = range(0, n, size)
    sums = np.zeros((len(starts), 3, p))

    def block(i):
        rows = slice(starts[i], starts[i] + size)
        out[rows] = X[rows]
        out[rows].max(axis=0, out=sums[i, 0])
        out[rows].min(axis=0, out=sums[i, 1])
        np.einsum("ij,ij->j", out[rows], out[rows], out=sums[i, 2])

    # on threads from the large-n switch (is_large) on
    run_blocks(block, len(starts), available_threads() if is_large(n) else 1)
    peak = np.maximum(
        sums[:, 0].max(axis=0, initial=0.0), -sums[:, 1].min(axis=0, initial=0.0)
    )
    return peak, sums[:, 2].sum(axis=0)


def _check_scales(peak, names):
    """Refuse units so extreme that the Newton steps overflow or underflow.

    Coefficients and every test of a logit are equivariant under rescaling a
    feature, so dividing it by a power of ten changes nothing but its units.
    ``peak`` holds each column's largest ``|x|`` (see :func:`_copy_rows`).
    """
    extreme = (peak > 1e100) | ((peak > 0) & (peak < 1e-100))
    if extreme.any():
        cols = [names[j] for j in np.flatnonzero(extreme)]
        raise ValueError(
            f"Feature(s) {format_labels(cols)} have values of magnitude around "
            f"{peak[extreme][0]:.0e}: the logit's Newton steps overflow or underflow "
            "in such units. Rescale them (e.g. divide by a power of ten); the "
            "selection, the tests and the odds ratios per original unit do not "
            "change, only the coefficients' units."
        )


def _jackknife_logit(design, y, fit, survey, max_iter, tol):
    """The replicate jackknife of the final logit: one Newton refit per PSU.

    Each replicate starts at the full estimate and fits the rows its
    weights keep; one that does not converge, or whose classes are
    separated (Konis's linear program, run only when the fitted
    probabilities do not rule it out), is an error naming the PSU.
    """
    return jackknife_covariance(
        survey,
        logit_replicate(design, y, fit.params, max_iter, tol),
        fit.params,
        owner="StepwiseLogit(survey_variance='jackknife')",
    )


def logit_replicate(design, y, start, max_iter, tol):
    """``estimate(weights)`` of the final logit for one jackknife replicate
    (see :func:`_jackknife_logit`), on the final model's columns ``design``."""

    def estimate(weights):
        keep = weights > 0
        X, target, w = design[keep], y[keep], weights[keep]
        if target.min() == target.max():
            raise ValueError(
                "its rows with positive weight all have one class, so the logit "
                "is undefined. Use survey_variance='linearization'."
            )
        refit = fit_logit(
            X, target, start=start, sample_weight=w, max_iter=max_iter, tol=tol
        )
        separated = not refit.converged or (
            not separation_excluded(X, target, refit.prob, sample_weight=w)
            and detect_separation(X, target)[0]
        )
        if separated:
            raise ValueError(
                "the classes are separated (or Newton did not converge) in it, so "
                "its coefficients are infinite and the jackknife is undefined. Use "
                "survey_variance='linearization', or merge the PSU with another of "
                "its stratum."
            )
        return refit.params

    return estimate


def _check_design(design, names, peak):
    """Refuse zero or perfectly collinear columns (see LeastSquares).

    A subsample that proves the design of full rank (see
    ``full_rank_certified``; ``peak`` holds the columns' largest ``|x|``)
    spares the check's pass over all rows on many, and its SVD of the
    condition number on few (where the subsample is every row).
    """
    if full_rank_certified(design, peak):
        return
    try:
        LeastSquares(design, names=names)
    except ZeroColumnError as exc:
        raise ValueError(
            f"Feature(s) {format_labels(exc.columns)} are zero in every row; drop "
            "them, they carry no information."
        ) from None
    except CollinearityError as exc:
        raise ValueError(
            f"Perfectly collinear features: {format_labels(exc.columns)} are "
            "(nearly) linear combinations of each other (with the intercept if "
            "fitted), so their coefficients are not identified. "
            + (exc.hint or "Drop one of them.")
        ) from None


def _warn_separation(features, final):
    where = (
        f"; the final model is separated along {format_labels(final)}, so its "
        "estimates are where Newton stopped, not estimates (converged_ is False)"
        if final
        else "; the final model is not separated and its fit is the ordinary one"
    )
    warn(
        "Complete or quasi-complete separation: the classes are perfectly "
        f"separated along {format_labels(features)} in model(s) fitted while "
        "stepping, so maximum-likelihood estimates there are infinite and Wald "
        "tests unreliable (a separating feature's Wald p-value tends to 1, so "
        f"BSTEP(WALD) tends to remove it){where}. The usual remedy is "
        "penalty='firth' with criterion='lr': penalised likelihood-ratio "
        "stepping (Heinze & Schemper, 2002).",
        SeparationWarning,
    )


def _warn_convergence(unconverged, names, model, final_step):
    def describe(step, included, tested, n_iter):
        terms = ["const"] * model.fit_intercept + [repr(names[j]) for j in included]
        where = "the final model" if step == final_step and tested is None else ""
        model_terms = " + ".join(terms) if terms else "the empty model"
        how = (
            f"reached max_iter={model.max_iter}"
            if n_iter >= model.max_iter
            else f"stopped after {n_iter} iteration(s) with no further ascent"
        )
        if tested is not None:
            return (
                f"step {step}, LR test of {names[tested]!r} (refit: {model_terms}), "
                f"{how}"
            )
        return f"step {step}{', ' + where if where else ''} ({model_terms}), {how}"

    shown = [describe(*record) for record in unconverged[:4]]
    more = len(unconverged) - len(shown)
    advice = []
    if any(n_iter >= model.max_iter for *_, n_iter in unconverged):
        advice.append(f"raise max_iter (now {model.max_iter}) where it was reached")
    if any(n_iter < model.max_iter for *_, n_iter in unconverged):
        advice.append(
            "where Newton stopped early the likelihood could not be raised "
            "further at this precision: look for nearly collinear features"
        )
    warn(
        f"StepwiseLogit: Newton-Raphson did not converge (tol={model.tol}) for "
        f"{len(unconverged)} fit(s): {'; '.join(shown)}"
        + (f"; and {more} more" if more else "")
        + ". Estimates and tests from these fits are unreliable; "
        + "; ".join(advice)
        + ".",
        ConvergenceWarning,
    )


class _Stepper:
    """The working state of one stepwise fit, kept out of the estimator.

    Holds the design (constant first, Fortran order), the 0/1 target, a
    reusable Newton workspace, what the separation linear program found for
    each model it was run on (so it runs once per model) and the fits that
    did not converge; applies SPSS's stepping rules on the shared Newton core.

    The model's columns are kept as one contiguous block at the front of the
    design, whose columns it permutes in place (``order[i]`` is the design
    column at block position ``i``): a removal swaps the model's last column
    into the removed one's place, an entry swaps the entering column to just
    after the model's. Every fit and score test then reads a view, and no
    step copies the model's columns. Fits are in block order;
    :meth:`in_design_order` puts the final one back.
    """

    def __init__(
        self,
        design,
        y,
        *,
        offset,
        firth,
        max_iter,
        tol,
        scale,
        sample_weight=None,
        cov_type="nonrobust",
        survey=None,
    ):
        self.design = design
        # frequency weights (None: every row once, at no cost); under
        # "cluster" and "survey" the rows' design, for the robust tests
        self.sample_weight = sample_weight
        self.cov_type = cov_type
        self.survey = survey
        self.scale = scale  # the columns' root mean squares, design order
        self.y = y
        self.offset = offset
        self.firth = firth
        self.max_iter = max_iter
        self.tol = tol
        self.workspace = np.empty_like(design, order="F")
        self.order = np.arange(design.shape[1])
        self.where = np.arange(design.shape[1])
        self.k = design.shape[1]
        # frozenset(model) -> the features it is separated along (() if none)
        self.separation = {}
        # (step, model, tested feature or None) of fits that did not converge
        self.unconverged = []
        self.step = 0
        # (fit, (scores, overall)) of the last joint score tests, block order
        self._scores = None

    @property
    def separated(self):
        """Features found to separate the classes in any model fitted."""
        return set().union(*self.separation.values())

    def run(self, included, forced, criterion, p_enter, p_remove):
        """Step from ``included`` until nothing moves; return the final state.

        Returns
        -------
        fit : LogitFit
            In block order (see :meth:`in_design_order`).
        included : set of int
        history : list of (step, action, feature, statistic, p, -2LL)
        """
        history, visited = [], {frozenset(included)}
        self.arrange(included)
        fit = self.fit(included)
        while True:
            move = self.removal(included, forced, fit, criterion, p_remove)
            move = move or self.entry(fit, p_enter)
            if move is None:
                break
            action, j, statistic, p_value = move
            trial = included - {j} if action == "removed" else included | {j}
            if frozenset(trial) in visited:
                break
            visited.add(frozenset(trial))
            start, info = self.move(fit, action, j)
            included = trial
            self.step += 1
            fit = self.fit(included, start, info)
            history.append((self.step, action, j, statistic, p_value, -2 * fit.llf))
        return fit, included, history

    def columns(self, included):
        """The model's design columns, in the design's order."""
        return list(range(self.offset)) + [self.offset + j for j in sorted(included)]

    def position(self, j):
        """Block position of feature ``j``."""
        return int(self.where[self.offset + j])

    def swap(self, a, b):
        if a == b:
            return
        # the workspace (free between fits) holds one column in transit
        column = self.workspace[:, 0]
        column[:] = self.design[:, a]
        self.design[:, a] = self.design[:, b]
        self.design[:, b] = column
        self.order[[a, b]] = self.order[[b, a]]
        self.where[self.order[[a, b]]] = [a, b]

    def arrange(self, included):
        """Bring the model's columns to the front, in the design's order."""
        for i, column in enumerate(self.columns(included)):
            self.swap(i, int(self.where[column]))
        self.k = self.offset + len(included)

    def model(self):
        """The model's columns: a view."""
        return self.design[:, : self.k]

    def columns_of(self, included):
        """A copy of the model's columns in the design's order."""
        return self.design[:, self.where[self.columns(included)]]

    def move(self, fit, action, j):
        """Rearrange the block for the next model and start its fit close.

        Returns the start and an information matrix for its first steps
        (see :func:`fit_logit`). An entering feature starts at 0 and the
        others where they are, with the information of the current fit
        bordered by the new column's row (exact there, so the first step is
        Newton's). After a removal the others start at their conditional
        estimates ``b_-j - V_-j,j b_j / V_jj`` (V the covariance), the
        restricted estimate to first order, with the current information
        less the feature's row and column.
        """
        k = self.k
        # the information matters only to fits that take chord steps
        chord = takes_chord_steps(*self.design[:, : k + 1].shape)
        info = None if fit.info is None or not chord else _symmetric(fit.info)
        if action == "removed":
            i = self.position(j)
            start = conditional_estimates(fit, [i])[0]
            if not np.isfinite(start).all():
                start = np.where(np.arange(k) == i, 0.0, fit.params)
                info = None
            keep = np.arange(k - 1)
            if i < k - 1:
                keep[i] = k - 1
            self.swap(i, k - 1)
            self.k = k - 1
            return start[keep], None if info is None else info[keep][:, keep]
        self.swap(self.position(j), k)
        self.k = k + 1
        start = np.append(fit.params, 0.0)
        if info is None or fit.weights is None:
            return start, None
        column = self.design[:, k]
        weighted = fit.weights * column
        border = self.design[:, :k].T @ weighted
        bordered = np.empty((k + 1, k + 1))
        bordered[:k, :k] = info
        bordered[:k, k] = bordered[k, :k] = border
        bordered[k, k] = column @ weighted
        return start, bordered

    def fit(self, included, start=None, info=None):
        fit = fit_logit(
            self.model(),
            self.y,
            start=start,
            firth=self.firth,
            max_iter=self.max_iter,
            tol=self.tol,
            workspace=self.workspace,
            info=info,
            scale=self.scale[self.order[: self.k]],
            sample_weight=self.sample_weight,
        )
        self.check(fit, included)
        return fit

    def in_design_order(self, fit):
        """``fit`` (of the current model) with its parameters in design order."""
        perm = self.order[: self.k].argsort()
        info = _symmetric(fit.info)
        if (perm == np.arange(perm.size)).all():
            # the model's columns are in the design's order already
            return dataclasses.replace(fit, info=info)
        info = info[perm][:, perm]
        return dataclasses.replace(
            fit,
            params=fit.params[perm],
            cov=fit.cov[perm][:, perm],
            info=info,
            chol=None if fit.chol is None else upper_cholesky(info),
            scale=None if fit.scale is None else fit.scale[perm],
        )

    def check(self, fit, included, tested=None):
        """Tell separation from slow convergence; record fits that failed.

        Diverging coefficients show as non-convergence or saturated
        probabilities (within 1e-13 of 0 or 1, |eta| > 30); the linear
        program confirms separation, once per model, unless the converged
        fit itself proves there is none (a single outlier saturates a
        probability as well).
        """
        saturated = fit.prob.min() < 1e-13 or fit.prob.max() > 1.0 - 1e-13
        if not self.firth and (not fit.converged or saturated):
            key = frozenset(included)
            if key not in self.separation:
                self.separation[key] = self.separating(key, fit)
            if self.separation[key]:
                return  # the SeparationWarning explains it
        if not fit.converged:
            self.unconverged.append((self.step, sorted(included), tested, fit.n_iter))

    def separating(self, model, fit):
        """The features ``model`` is separated along (() if it is not).

        A direction that separates a model separates every model holding
        its features, and a model with finite estimates has no separated
        submodel; where Newton stopped classifies every case correctly, its
        coefficients are a separating direction (complete separation). The
        linear program runs only when none of these settles the question.
        """
        if np.isfinite(fit.params).all() and ((fit.prob > 0.5) == (self.y == 1)).all():
            return tuple(sorted(model))
        for seen, features in self.separation.items():
            if features and set(features) <= model:
                return features
            if not features and model <= seen:
                return ()
        cols = self.columns(model)
        X = self.columns_of(model)
        if fit.converged and separation_excluded(
            X, self.y, fit.prob, sample_weight=self.sample_weight
        ):
            return ()
        separated, direction = detect_separation(X, self.y)
        return tuple(
            col - self.offset
            for col, d in zip(cols, direction, strict=True)
            if separated and d != 0 and col >= self.offset
        )

    def removal(self, included, forced, fit, criterion, p_remove):
        candidates = sorted(included - forced)
        if not candidates:
            return None
        positions = [self.position(j) for j in candidates]
        if criterion == "wald" and self.survey is not None:
            cov = self.robust(fit)
            statistic = fit.params[positions] ** 2 / cov.diagonal()[positions]
        elif criterion == "wald":
            statistic = fit.wald[positions]
        elif criterion == "conditional":
            statistic = conditional_lr(
                self.model(),
                self.y,
                fit,
                positions,
                firth=self.firth,
                sample_weight=self.sample_weight,
            )
        else:
            statistic = np.array(
                [
                    self.lr(fit, included, j, position)
                    for j, position in zip(candidates, positions, strict=True)
                ]
            )
        p_values = wald_pvalues(statistic, 1, self.inference_df(self.k))
        worst = int(p_values.argmax())
        if p_values[worst] > p_remove:
            return (
                "removed",
                candidates[worst],
                float(statistic[worst]),
                float(p_values[worst]),
            )
        return None

    def lr(self, fit, included, j, position):
        """LR statistic for removing ``j``: b_j = 0 within the current model.

        Without a penalty the constrained fit is the refit without ``j``;
        under Firth it keeps the current model's penalty (Heinze & Schemper's
        penalised likelihood-ratio test, as logistf's drop1).
        """
        statistic, refit = likelihood_ratio(
            self.model(),
            self.y,
            fit,
            position,
            firth=self.firth,
            max_iter=self.max_iter,
            tol=self.tol,
            sample_weight=self.sample_weight,
        )
        self.check(refit, included - {j}, tested=j)
        return statistic

    def entry(self, fit, p_enter):
        outside, statistic = self.scores(fit)
        if not outside or fit.chol is None:
            return None
        p_values = wald_pvalues(statistic, 1, self.inference_df(self.k + 1))
        best = int(p_values.argmin())
        if p_values[best] < p_enter:
            return (
                "entered",
                outside[best],
                float(statistic[best]),
                float(p_values[best]),
            )
        return None

    def scores(self, fit, joint=False):
        """Score statistics of the features outside the model, in feature order.

        Returns the features, their statistics and (``joint``) the overall
        statistic; no features when every one is in the model or the fit
        has no factor.
        """
        outside = [int(c) - self.offset for c in self.order[self.k :]]
        if not outside or fit.chol is None:
            return [], None
        cached = self._scores
        if cached is not None and cached[0] is fit:
            scores, overall = cached[1]
        else:
            # The joint statistic adds an m x m product to the k x m one of
            # the single ones: with m up to 4k candidates it costs little, so
            # it is computed with them, and the final call (joint, on the
            # same fit) reuses it.
            want = joint or len(outside) <= 4 * self.k
            result = score_tests(
                self.model(),
                self.design[:, self.k :],
                self.y,
                fit,
                joint=want,
                sample_weight=self.sample_weight,
                robust=None if self.survey is None else self.score_covariance,
            )
            scores, overall = result if want else (result, None)
            if want:
                self._scores = (fit, (scores, overall))
        order = np.argsort(outside)
        outside, scores = [outside[i] for i in order], scores[order]
        return (outside, (scores, overall)) if joint else (outside, scores)

    # -- cluster-robust and design-based tests --------------------------------

    def inference_df(self, n_params):
        """Denominator df of a test in a model of ``n_params`` (None: chi2)."""
        return inference_df(self.cov_type, self.survey, n_params)

    def score_df(self, n_outside):
        """The (single, joint) score tests' denominator df at the final model."""
        return (self.inference_df(self.k + 1), self.inference_df(self.k + n_outside))

    def robust(self, fit):
        """The current model's robust covariance (block order)."""
        scores = logit_scores(self.model(), self.y, fit.prob, self.sample_weight)
        return robust_covariance(scores, fit.cov, self.cov_type, self.survey)

    def score_covariance(self, Z, n_params):
        """Covariance of the columns' totals of ``Z`` (see :func:`score_tests`)."""
        return robust_covariance(
            Z, np.eye(Z.shape[1]), self.cov_type, self.survey, n_params
        )


class StepwiseResults(LogitResults):
    """:class:`LogitResults` of the final model, with the stepping record.

    Adds ``history`` (a row per step), ``not_in_equation`` (the score test
    of each feature left out, and their joint "Overall Statistics"),
    ``separated`` (the features the final model is separated along, empty if
    none) and ``converged`` (Newton converged and the final model is not
    separated).
    """

    _summary_statistics = (*LogitResults._summary_statistics, "history")

    def __init__(
        self,
        fit,
        y,
        classes,
        names,
        *,
        history,
        outside,
        scores,
        separated=(),
        converged=None,
        score_df=(None, None),
        **kw,
    ):
        super().__init__(fit, y, classes, names, **kw)
        self._score_df = score_df
        self._history = history
        self._outside = outside
        self._scores = scores
        self.separated = list(separated)
        if converged is not None:
            self.converged = bool(converged)

    @cached_property
    def history(self):
        return pd.DataFrame(
            self._history,
            columns=["step", "action", "feature", "statistic", "p_value", "minus2_llf"],
        )

    @cached_property
    def not_in_equation(self):
        if self._scores is None:
            return pd.DataFrame(columns=["score", "df", "p_value"])
        scores, overall = self._scores
        single, joint = self._score_df
        table = pd.DataFrame(
            {"score": scores, "df": 1, "p_value": wald_pvalues(scores, 1, single)},
            index=pd.Index(self._outside, name="variable"),
        )
        k = len(self._outside)
        table.loc["Overall Statistics"] = [
            overall,
            k,
            float(wald_pvalues(overall, k, joint)),
        ]
        return table
