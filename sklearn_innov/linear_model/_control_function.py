"""The innovation logit with endogenous regressors: Rivers and Vuong's control function.

The paper's logit of the yes/no "innovated" answer (Table 10) treats the
learning indices as exogenous. When one is endogenous, Rivers and Vuong's
two-step estimator adds the first-stage OLS residual of each endogenous
regressor to the logit: its coefficient absorbs the correlation with the
unobservables, its Wald test is a test of exogeneity, and standard errors
count the first-stage estimation (Murphy and Topel's correction). Both
stages run on the library's kernels (the least-squares core and the logit
Newton core).
"""

from __future__ import annotations

from dataclasses import replace
from numbers import Integral, Real
from typing import TYPE_CHECKING, Any, Self

import numpy as np
from scipy import special
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_array, check_is_fitted, column_or_1d

from .._core import (
    CollinearityError,
    LeastSquares,
    LogitResults,
    ZeroColumnError,
    delta_method,
    effects_table,
    fit_logit,
    wald_test,
)
from .._core._iv import murphy_topel
from ..exceptions import SeparationWarning, StatisticUnavailableError
from ..summary import Block, Summary, format_pvalue
from ..summary._summary import plural
from ..utils._lazy import pd
from ..utils._persistence import TablePersistenceMixin
from ..utils._sklearn_compat import DocLinkMixin, Interval, _fit_context
from ..utils._validation import as_pandas, format_labels, validate_columns
from ..utils._warnings import warn
from ._iv import _labels, _roles
from ._stepwise_summary import SPSS_COLUMNS

if TYPE_CHECKING:
    from collections.abc import Sequence

    from numpy.typing import ArrayLike, NDArray

    from .._core import LogitResults
    from ..summary import Summary

_OWNER = "ControlFunctionLogit"
# Residual draws that average the structural function (see Notes).
_MAX_DRAWS = 1000


class ControlFunctionLogit(
    DocLinkMixin, TablePersistenceMixin, ClassifierMixin, BaseEstimator
):
    """Logistic regression with endogenous regressors (Rivers-Vuong two-step).

    Step 1 regresses each endogenous regressor on the exogenous regressors
    and the excluded instruments by OLS; step 2 fits the logit of y on the
    regressors and the step-1 residuals ``v``. Every column of X that is not
    an instrument is a regressor, used as given (no logs, as in the paper's
    logit).

    Parameters
    ----------
    endogenous : list of str or int, default=()
        The endogenous regressors (column names or positions of X). Empty:
        a plain logit.
    instruments : list of str or int, default=()
        The excluded instruments, at least as many as ``endogenous``.
    fit_intercept : bool, default=True
        Fit an intercept in both steps (the first-stage regressions and the logit).
    max_iter : int, default=100
        Newton iterations of the logit.
    tol : float, default=1e-8
        Convergence tolerance of the logit.

    Attributes
    ----------
    classes_ : ndarray of shape (2,)
        The labels; ``classes_[1]`` is the event modelled.
    coef_ : ndarray of shape (1, n_regressors)
        Logit coefficients of the regressors, in the order of ``regressors_``.
    intercept_ : ndarray of shape (1,)
    residual_coef_ : ndarray of shape (n_endogenous,)
        Coefficients of the first-stage residuals (``rho``).
    first_stage_coef_ : ndarray of shape (n_instruments_total, n_endogenous)
        First-stage coefficients on ``[1, exogenous, instruments]``.
    regressors_, endogenous_, exogenous_, instruments_ : list
    coef_table_ : DataFrame
        SPSS's "Variables in the Equation" for every step-2 term (residuals
        included) with Murphy-Topel standard errors.
    exogeneity_test_ : dict
        Wald chi-square that every residual coefficient is zero; with no
        endogenous regressor, reading it raises
        :class:`~sklearn_innov.exceptions.StatisticUnavailableError`.
    results_ : LogitResults
        The step-2 logit with the corrected covariance (``cov_params``),
        omnibus test, pseudo R², Hosmer-Lemeshow, classification table.
    uncorrected_cov_ : ndarray
        The step-2 covariance that ignores step 1 (the inverse information).
    n_iter_ : int
        Newton iterations of the step-2 logit.
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (`n_features_in_`,)

    See Also
    --------
    IVCobbDouglasRegressor : Endogenous regressors in the Cobb-Douglas model.
    StepwiseLogit : The paper's logit with SPSS's backward elimination.

    Notes
    -----
    *Standard errors.* Murphy and Topel's (1985) two-step covariance, in
    Greene's outer-product form:
    ``V2* = V2 + V2 (C V1 C' - R V1 C' - C V1 R') V2``, with ``V1`` the
    first-stage covariance (``Sigma kron (Z'Z)^-1``), ``V2`` the inverse
    information of the logit, ``C`` the cross-products of the logit scores
    with their derivatives in the first-stage coefficients and ``R`` with
    the first-stage scores. The tests check them against a bootstrap of both
    steps.

    *Exogeneity.* Under the null that the regressors are exogenous the
    residual coefficients are zero; their Wald test is Rivers and Vuong's
    test (the first step does not change its null distribution).

    *Scale.* The coefficients are those of the conditional logit given
    ``v``; they are scaled by ``sqrt(1 + rho^2 var(v) ...)`` relative to the
    structural ones, so read the average structural effects
    (:meth:`structural_effects`), not the coefficients, across models.
    Those average ``Lambda(x b + v_k rho)`` over the estimated residuals
    ``v_k`` of the rows averaged over (Wooldridge, 2010, 15.7.2); beyond
    1,000 rows, over 1,000 of them evenly spaced in row order.

    *Prediction.* :meth:`predict_proba` is the probability given the
    regressors and the first-stage residual of each row (computed from the
    row's endogenous regressors and instruments): the model that was fitted,
    and what cross-validation scores.

    References
    ----------
    .. [1] Rivers, D. and Vuong, Q. H. (1988). "Limited information
       estimators and exogeneity tests for simultaneous probit models".
       Journal of Econometrics, 39(3), 347-366.
    .. [2] Murphy, K. M. and Topel, R. H. (1985). "Estimation and inference
       in two-step econometric models". Journal of Business & Economic
       Statistics, 3(4), 370-379.
    .. [3] Greene, W. H. (2012). Econometric Analysis, 7th ed., section
       14.7. Pearson.
    .. [4] Wooldridge, J. M. (2010). Econometric Analysis of Cross Section
       and Panel Data, 2nd ed., section 15.7.2. MIT Press.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from sklearn_innov import ControlFunctionLogit
    >>> rng = np.random.default_rng(0)
    >>> n = 3000
    >>> z = rng.normal(size=n)
    >>> firm = rng.normal(size=n)
    >>> learning = z + firm + rng.normal(size=n)
    >>> y = (learning - 1.5 * firm + rng.logistic(size=n) > 0).astype(int)
    >>> X = pd.DataFrame({"learning": learning, "z": z})
    >>> model = ControlFunctionLogit(endogenous=["learning"], instruments=["z"])
    >>> bool(model.fit(X, y).exogeneity_test_["pvalue"] < 0.05)
    True
    """

    classes_: NDArray[Any]
    coef_: NDArray[np.float64]
    intercept_: NDArray[np.float64]
    residual_coef_: NDArray[np.float64]
    first_stage_coef_: NDArray[np.float64]
    regressors_: list[str | int]
    endogenous_: list[str | int]
    exogenous_: list[str | int]
    instruments_: list[str | int]
    results_: LogitResults
    uncorrected_cov_: NDArray[np.float64]
    n_iter_: int
    n_features_in_: int
    feature_names_in_: NDArray[np.object_]

    _parameter_constraints: dict = {
        "endogenous": [list, tuple],
        "instruments": [list, tuple],
        "fit_intercept": ["boolean"],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="neither")],
    }

    def __init__(
        self,
        *,
        endogenous: Sequence[str | int] = (),
        instruments: Sequence[str | int] = (),
        fit_intercept: bool = True,
        max_iter: int = 100,
        tol: float = 1e-8,
    ) -> None:
        self.endogenous = endogenous
        self.instruments = instruments
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X: ArrayLike, y: ArrayLike) -> Self:
        """Fit the first-stage regressions and the control-function logit.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Regressors and excluded instruments.
        y : array-like of shape (n_samples,)
            Binary target, any two labels.

        Returns
        -------
        self : ControlFunctionLogit
            The fitted classifier.
        """
        frame = as_pandas(X)
        roles = {}

        def model_columns(columns, n_features):
            roles.update(_roles(self, columns, n_features, owner=_OWNER))
            return roles["regressors"] + roles["instruments"]

        data = validate_columns(
            self, frame, positions=model_columns, reset=True, allow_nan=False
        )
        y01 = self._encode_target(y, data.shape[0])
        labels = _labels(self, frame)
        n = data.shape[0]
        n_reg = len(roles["regressors"])
        endog_set = set(roles["endogenous"])
        exog_idx = [i for i, j in enumerate(roles["regressors"]) if j not in endog_set]
        endog_idx = [i for i, j in enumerate(roles["regressors"]) if j in endog_set]
        reg_labels = [labels[j] for j in roles["regressors"]]
        n_params = n_reg + len(endog_idx) + int(self.fit_intercept)
        if n <= n_params:
            raise ValueError(
                f"{_OWNER} needs more rows than parameters: got {n} sample(s) for "
                f"{n_params} parameter(s) (the residuals of the endogenous "
                "regressors count). Add rows or drop regressors."
            )
        const = [np.ones((n, 1))] if self.fit_intercept else []
        exog = np.column_stack([*const, data[:, exog_idx]])
        endog = data[:, endog_idx]
        Z = np.column_stack([exog, data[:, n_reg:]])
        names = (["const"] if self.fit_intercept else []) + [
            str(reg_labels[i]) for i in exog_idx + endog_idx
        ]
        z_names = names[: exog.shape[1]] + [
            str(labels[j]) for j in roles["instruments"]
        ]
        resid_names = [f"v({names[exog.shape[1] + j]})" for j in range(len(endog_idx))]
        lsZ, first, V, design = _two_step_design(
            exog, endog, Z, z_names, names + resid_names
        )
        fit = fit_logit(design, y01, max_iter=self.max_iter, tol=self.tol)
        if not fit.converged or not np.isfinite(fit.params).all():
            warn(
                f"{_OWNER}: the logit did not converge in {self.max_iter} "
                "iterations (possibly separation: a regressor predicts y "
                "perfectly); its estimates and standard errors are unreliable. "
                "Raise max_iter or drop the separating regressor.",
                SeparationWarning,
            )
        k_exog, k_endog = exog.shape[1], len(endog_idx)
        rho = fit.params[k_exog + k_endog :]
        cov = fit.cov
        if k_endog:
            cov = cov + murphy_topel(fit, design, y01, Z, V, rho, lsZ.gram_inv)
        self.uncorrected_cov_ = fit.cov
        self.results_ = LogitResults(
            replace(fit, cov=cov),
            y01,
            self.classes_,
            names + resid_names,
            has_const=self.fit_intercept,
            design=design,
            max_iter=self.max_iter,
            tol=self.tol,
        )
        offset = int(self.fit_intercept)
        coef = np.empty(n_reg)
        coef[exog_idx + endog_idx] = fit.params[offset : k_exog + k_endog]
        self.coef_ = coef[None, :]
        self.intercept_ = np.array([fit.params[0] if self.fit_intercept else 0.0])
        self.residual_coef_ = rho.copy()
        self.first_stage_coef_ = first
        self.regressors_ = reg_labels
        self.endogenous_ = [reg_labels[i] for i in endog_idx]
        self.exogenous_ = [reg_labels[i] for i in exog_idx]
        self.instruments_ = [labels[j] for j in roles["instruments"]]
        self.n_iter_ = int(fit.n_iter)
        return self

    # -- results --------------------------------------------------------------

    @property
    def coef_table_(self) -> pd.DataFrame:
        """SPSS's Variables in the Equation, with Murphy-Topel standard errors."""
        return self.results_.coef_table

    @property
    def exogeneity_test_(self) -> dict[str, Any]:
        """Wald test that every first-stage residual's coefficient is zero."""
        results = self.results_
        k = len(self.endogenous_)
        if not k:
            raise StatisticUnavailableError(
                "exogeneity_test_", "no endogenous regressor (a plain logit)"
            )
        R = np.zeros((k, results.params.size))
        R[:, -k:] = np.eye(k)
        test = wald_test(results.params, results.cov_params, R)
        return {
            "test": "Wald (Rivers-Vuong), residual coefficients = 0",
            "statistic": float(test["statistic"]),
            "df": int(test["df"]),
            "pvalue": float(test["pvalue"]),
            "null": "the regressors are exogenous",
        }

    def decision_function(self, X: ArrayLike) -> NDArray[np.float64]:
        """Log-odds of ``classes_[1]`` given the regressors and step-1 residuals.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Regressors, endogenous ones included, as at ``fit``.

        Returns
        -------
        scores : ndarray of shape (n_samples,)
            Log-odds of ``classes_[1]``.
        """
        check_is_fitted(self)
        return self._design(X) @ self.results_.params

    def predict_proba(self, X: ArrayLike) -> NDArray[np.float64]:
        """Probabilities of ``classes_[0]`` and ``classes_[1]`` (see Notes).

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Regressors, endogenous ones included, as at ``fit``.

        Returns
        -------
        proba : ndarray of shape (n_samples, 2)
            Probability of each class, columns in the order of ``classes_``.
        """
        check_is_fitted(self)
        p1 = special.expit(self.decision_function(X))
        return np.column_stack([1.0 - p1, p1])

    def predict(self, X: ArrayLike) -> NDArray[Any]:
        """Predicted labels (probability of ``classes_[1]`` above 0.5).

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Regressors, endogenous ones included, as at ``fit``.

        Returns
        -------
        labels : ndarray of shape (n_samples,)
            Predicted class of each row.
        """
        check_is_fitted(self)
        return self.classes_[(self.decision_function(X) > 0).astype(int)]

    def structural_effects(self, X: ArrayLike | None = None) -> pd.DataFrame:
        """Average structural partial effects ``dP/dx`` (Wooldridge, 2010).

        ``mean_i mean_k Lambda'(x_i b + v_k rho) b_j`` for each regressor,
        with delta-method standard errors from the Murphy-Topel covariance
        (the residual draws ``v_k`` held fixed).

        Parameters
        ----------
        X : array-like or DataFrame, optional
            Rows to average over, whose first-stage residuals are also the
            draws ``v_k``; default the training rows (a saved model, which
            keeps no rows, needs X).

        Returns
        -------
        effects : DataFrame
            Indexed by regressor: dy_dx, std_err, z, p_value, ci_lower,
            ci_upper (95%).
        """
        check_is_fitted(self)
        results = self.results_
        design = results._rows("design") if X is None else self._design(X)
        k = len(self.endogenous_)
        m = design.shape[1] - k
        draws = design[:, m:]
        if draws.shape[0] > _MAX_DRAWS:
            draws = draws[np.linspace(0, draws.shape[0] - 1, _MAX_DRAWS).astype(int)]
        regs = design[:, :m]
        offset = int(self.fit_intercept)

        def effects(theta):
            index = (regs @ theta[:m])[:, None] + (draws @ theta[m:])[None, :]
            p = special.expit(index)
            return np.mean(p * (1.0 - p)) * theta[offset:m]

        value, std_err, _ = delta_method(effects, results.params, results.cov_params)
        names = results.names[offset:m]
        return effects_table(names, value, std_err)

    def summary(self, title: str | None = None) -> Summary:
        """SPSS-style blocks, the exogeneity test and the structural effects.

        Parameters
        ----------
        title : str, optional
            Title of the summary; default: "Logistic regression with control
            function (Rivers-Vuong)", with the instrumented regressors.

        Returns
        -------
        summary : Summary
            The blocks, printable as text, Markdown, HTML or LaTeX.
        """
        check_is_fitted(self)
        results = self.results_
        endog = ", ".join(str(c) for c in self.endogenous_)
        title = title or (
            "Logistic regression with control function (Rivers-Vuong)"
            + (f", instrumented: {endog}" if endog else "")
        )
        omnibus = results.omnibus
        r2 = results.pseudo_r2
        hl = results.hosmer_lemeshow
        blocks = [
            Block(
                "Variables in the Equation (Murphy-Topel S.E.)",
                results.coef_table.rename(columns=SPSS_COLUMNS),
                name="variables_in_equation",
            ),
            Block(
                "Average structural effects dP/dx (delta method)",
                self.structural_effects(),
                name="structural_effects",
            ),
        ]
        if self.endogenous_:
            test = self.exogeneity_test_
            p = test["pvalue"]
            text = format_pvalue(p)
            text = text if text.startswith("<") else f"= {text}"
            reading = (
                f"exogeneity of {endog} rejected at 5% (p {text})"
                if p < 0.05
                else f"exogeneity not rejected at 5% (p {text})"
            )
            blocks.append(
                Block(
                    "Exogeneity test",
                    pd.DataFrame(
                        {
                            "Chi-square": [test["statistic"]],
                            "df": [test["df"]],
                            "Sig.": [p],
                            "reading": [reading],
                        },
                        index=pd.Index([test["test"]], name="test"),
                    ),
                    name="exogeneity",
                )
            )
        blocks += [
            Block(
                "Omnibus Tests of Model Coefficients",
                pd.DataFrame(
                    {
                        "Chi-square": [omnibus["statistic"]],
                        "df": [omnibus["df"]],
                        "Sig.": [omnibus["pvalue"]],
                    },
                    index=pd.Index(["Model"], name="test"),
                ),
                name="omnibus",
            ),
            Block(
                "Model Summary",
                pd.DataFrame(
                    {
                        "-2 Log likelihood": [-2.0 * results.llf],
                        "Cox & Snell R Square": [r2["cox_snell"]],
                        "Nagelkerke R Square": [r2["nagelkerke"]],
                    },
                    index=pd.Index(["final"], name="step"),
                ),
                name="model_summary",
            ),
            Block(
                "Hosmer and Lemeshow Test",
                pd.DataFrame(
                    {
                        "Chi-square": [hl["statistic"]],
                        "df": [hl["df"]],
                        "Sig.": [hl["pvalue"]],
                    },
                    index=pd.Index(["final"], name="step"),
                ),
                name="hosmer_lemeshow",
            ),
            Block(
                "Classification Table (cut value .500)",
                results.classification_table,
                name="classification",
            ),
            Block(
                "Notes",
                [
                    "v(x) is the first-stage OLS residual of x; the omnibus test "
                    "and the pseudo R² count it as a regressor.",
                    "The coefficients are scaled by the control function; compare "
                    "the average structural effects across models.",
                ],
            ),
        ]
        return Summary(title, blocks)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        return tags

    # -- implementation -------------------------------------------------------

    def _design(self, X):
        """``[1, exogenous, endogenous, residuals]`` of new rows."""
        frame = as_pandas(X)
        names = getattr(self, "feature_names_in_", None)

        def position(label):
            return label if names is None else list(names).index(label)

        columns = [position(c) for c in self.exogenous_ + self.endogenous_] + [
            position(c) for c in self.instruments_
        ]
        data = validate_columns(
            self, frame, positions=columns, reset=False, allow_nan=False
        )
        n = data.shape[0]
        k_ex, k_en = len(self.exogenous_), len(self.endogenous_)
        const = [np.ones((n, 1))] if self.fit_intercept else []
        exog = np.column_stack([*const, data[:, :k_ex]])
        endog = data[:, k_ex : k_ex + k_en]
        Z = np.column_stack([exog, data[:, k_ex + k_en :]])
        V = endog - Z @ self.first_stage_coef_
        return np.column_stack([exog, endog, V])

    def _encode_target(self, y, n_samples):
        if y is None:
            raise ValueError(
                f"{_OWNER} requires y to be passed, but the target y is None."
            )
        y = column_or_1d(
            check_array(y, ensure_2d=False, dtype=None, input_name="y"), warn=True
        )
        if y.shape[0] != n_samples:
            raise ValueError(
                "Found input variables with inconsistent numbers of samples: "
                f"X has {n_samples}, y has {y.shape[0]}."
            )
        check_classification_targets(y)
        self.classes_ = np.unique(y)
        if self.classes_.size != 2:
            raise ValueError(
                f"Only binary classification is supported: {_OWNER} needs a binary "
                f"target, but y has {plural(self.classes_.size, 'class', 'classes')}: "
                f"{format_labels(self.classes_.tolist())}. Recode y to two labels, "
                "e.g. y = (y == value) for the event's value, or y > cutoff."
            )
        return (y == self.classes_[1]).astype(np.float64)


def _two_step_design(exog, endog, Z, z_names, design_names):
    """Step 1 (OLS of the endogenous regressors on Z) and step 2's design.

    Returns the factored ``Z`` (None without endogenous regressors), the
    step-1 coefficients (a column per endogenous regressor), the residuals
    ``V`` and ``[exog, endog, V]``, checked for zero and collinear columns
    (an error in the user's words).
    """
    n, L = Z.shape
    try:
        if endog.shape[1]:
            lsZ = LeastSquares(Z, names=z_names)
            first, V = lsZ.solve(endog)
            first, V = first.reshape(L, -1), V.reshape(endog.shape)
        else:
            lsZ, first, V = None, np.zeros((L, 0)), np.zeros((n, 0))
        design = np.column_stack([exog, endog, V])
        LeastSquares(design, names=design_names)
    except ZeroColumnError as exc:
        raise ValueError(
            f"Column(s) {format_labels(exc.columns)} are zero in every row; "
            "drop them, they carry no information."
        ) from None
    except CollinearityError as exc:
        raise ValueError(
            f"Perfectly collinear columns: {format_labels(exc.columns)} are "
            "(nearly) linear combinations of each other (with the intercept if "
            "fitted). Drop one of them; an instrument must move the endogenous "
            "regressor beyond the exogenous ones."
        ) from None
    return lsZ, first, V, design
