"""The Cobb-Douglas model with endogenous regressors, by instrumental variables.

The paper assumes its learning indices are exogenous and names the
endogeneity between innovation and learning as its main limitation. This
regressor estimates the same log-log model when some regressors are
endogenous, by 2SLS, LIML or two-step efficient GMM with excluded
instruments, and carries the diagnostics a referee asks for (first stage,
weak instruments, overidentification, endogeneity), all computed by the IV
kernel :mod:`sklearn_innov._core._iv`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.validation import check_is_fitted

from .._core import CollinearityError, ZeroColumnError
from .._core._iv import IVResults, stack_columns
from ..utils._lazy import pd
from ..utils._persistence import TablePersistenceMixin
from ..utils._sklearn_compat import DocLinkMixin, StrOptions, _fit_context
from ..utils._validation import (
    as_pandas,
    check_outcome,
    format_labels,
    is_dataframe,
    plural,
    resolve_items,
    validate_columns,
)
from ._iv_summary import build_summary

if TYPE_CHECKING:
    from collections.abc import Sequence

    from numpy.typing import ArrayLike, NDArray

    from .._core._iv import IVResults
    from ..summary import Summary
    from ..utils._typing import IVCovType, IVMethod

_OWNER = "IVCobbDouglasRegressor"


class IVCobbDouglasRegressor(
    DocLinkMixin, TablePersistenceMixin, RegressorMixin, BaseEstimator
):
    """Cobb-Douglas (log-log) regression with endogenous regressors (IV).

    Fits ``ln y = ln b0 + sum_i b_i ln X_i + u`` when some ``X_i`` are
    correlated with ``u`` (e.g. a learning index that innovation itself
    raises, or one measured with error), using excluded instruments: columns
    of X that move the endogenous regressors but do not enter the equation.
    Every column of X that is neither an instrument nor the ``cluster``
    column is a regressor, taken in logs as in
    :class:`~sklearn_innov.CobbDouglasRegressor`; the instruments enter the
    first stage as given (log them in a Pipeline if you want them in logs).

    Parameters
    ----------
    endogenous : list of str or int, default=()
        The endogenous regressors: column names (with a DataFrame) or
        positions of X. Empty: the model is OLS on logs.
    instruments : list of str or int, default=()
        The excluded instruments, columns of X; at least as many as
        ``endogenous`` (the order condition).
    method : {"2sls", "liml", "gmm"}, default="2sls"
        Two-stage least squares, limited-information maximum likelihood, or
        two-step efficient GMM with a heteroskedasticity-robust weight
        matrix (cluster-robust with ``cov_type="cluster"``).
    cov_type : {"nonrobust", "HC0", "HC1", "HC2", "HC3", "cluster"}, \
default="nonrobust"
        Covariance of the coefficients. HC2 and HC3 are defined for 2SLS
        only (the leverage of the projected design). "cluster" needs
        ``cluster``.
    cluster : str or int, default=None
        The column of X holding cluster labels (e.g. sector x region); it
        is neither a regressor nor an instrument. Required with, and only
        used by, ``cov_type="cluster"``.
    fit_intercept : bool, default=True
        Estimate ``ln b0`` (the constant is an exogenous regressor and an
        instrument).
    smearing : bool, default=True
        Multiply level predictions by Duan's smearing factor
        ``mean(exp(resid))``.

    Attributes
    ----------
    coef_ : ndarray of shape (n_regressors,)
        Elasticities, in the order of ``regressors_``.
    intercept_ : float
        ``ln b0``; 0.0 without intercept.
    regressors_ : list
        The regressor columns (labels as in X), in X's order.
    endogenous_, exogenous_, instruments_ : list
        The regressor columns treated as endogenous, those treated as
        exogenous, and the excluded instruments.
    coef_table_ : DataFrame
        Index "const", the exogenous then the endogenous regressors; columns
        coef, std_err, t, p_value, ci_lower, ci_upper (95%).
    first_stage_ : DataFrame
        Per endogenous regressor: rsquared, partial_rsquared,
        shea_partial_rsquared, partial_f (excluded instruments, with
        ``cov_type``), df_num, df_denom, p_value.
    weak_instruments_ : dict
        Cragg-Donald F (``nonrobust``) or Kleibergen-Paap rk Wald F (other
        ``cov_type``), the Stock-Yogo critical value and whether it is below.
    overidentification_ : dict
        Sargan, Wooldridge's robust score test or Hansen's J (see
        ``IVResults``). Exactly identified,
        reading it raises
        :class:`~sklearn_innov.exceptions.StatisticUnavailableError`, as
        reading this and ``weak_instruments_`` and ``endogeneity_`` does
        with no endogenous regressor.
    endogeneity_ : dict
        ``durbin``, ``wu_hausman`` and ``control_function`` tests.
    rsquared_ : float
        ``1 - SSR / TSS`` of the log model with the structural residuals
        (may be negative under IV; it is not a goodness-of-fit test).
    nobs_ : int
    df_resid_ : float
    resid_ : ndarray of shape (n_samples,)
        Structural residuals ``ln y - [1, ln X] b`` (not kept when saved).
    smearing_factor_ : float
        Duan's factor ``mean(exp(resid_))``.
    results_ : IVResults
        Every statistic, computed on first access (``anderson_rubin(value)``,
        ``anderson_rubin_set()``, ``first_stage_coefs``, ``ols_table``,...).
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (`n_features_in_`,)

    See Also
    --------
    CobbDouglasRegressor : The same model when every regressor is exogenous.
    ControlFunctionLogit : Endogenous regressors in the innovation logit.

    Notes
    -----
    The estimates, standard errors, t, p and intervals equal linearmodels'
    ``IV2SLS``, ``IVLIML`` and ``IVGMM`` with ``debiased=True``
    (``nonrobust`` = its "unadjusted", ``HC1`` = "robust", ``cluster`` =
    "clustered"); ``HC0`` is "robust" without the ``n / (n - k)`` factor,
    inferred with Student's t. linearmodels has no HC2/HC3: here they
    apply MacKinnon and White's leverage corrections with the leverage of
    the projected design ``Xhat = P_Z X``.

    *Weak instruments.* With weak instruments 2SLS is biased towards OLS
    and its t tests over-reject. The Cragg-Donald F (Kleibergen-Paap's
    under a robust covariance) is compared with Stock and Yogo's critical
    value for a 10% maximal size of a nominal 5% test (2SLS values; for
    LIML, which is less sensitive, the comparison is conservative).
    Anderson and Rubin's test and confidence set
    (``results_.anderson_rubin_set()``) stay valid however weak the
    instruments are.

    References
    ----------
    .. [1] Wooldridge, J. M. (2010). Econometric Analysis of Cross Section
       and Panel Data, 2nd ed., chapters 5, 6 and 8. MIT Press.
    .. [2] Stock, J. H. and Yogo, M. (2005). "Testing for weak instruments
       in linear IV regression". In Identification and Inference for
       Econometric Models, 80-108. Cambridge University Press.
    .. [3] Kleibergen, F. and Paap, R. (2006). "Generalized reduced rank
       tests using the singular value decomposition". Journal of
       Econometrics, 133(1), 97-126.
    .. [4] Alonso, J. J., Contreras, O. F. and Valenzuela, A. (2025).
       "Endogenous learning for innovation in knowledge-intensive SMEs"
       (section 6 names endogeneity as the models' limitation).

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from sklearn_innov import IVCobbDouglasRegressor
    >>> rng = np.random.default_rng(0)
    >>> n = 2000
    >>> z = rng.normal(size=n)
    >>> firm = rng.normal(size=n)  # unobserved, drives learning and innovation
    >>> learning = np.exp(0.8 * z + 0.5 * firm + 0.3 * rng.normal(size=n))
    >>> y = np.exp(0.5 * np.log(learning) + firm + 0.2 * rng.normal(size=n))
    >>> X = pd.DataFrame({"learning": learning, "z": z})
    >>> model = IVCobbDouglasRegressor(endogenous=["learning"], instruments=["z"])
    >>> round(float(model.fit(X, y).coef_[0]), 1)
    0.5
    """

    coef_: NDArray[np.float64]
    intercept_: float
    regressors_: list[str | int]
    endogenous_: list[str | int]
    exogenous_: list[str | int]
    instruments_: list[str | int]
    results_: IVResults
    n_features_in_: int
    feature_names_in_: NDArray[np.object_]

    _parameter_constraints: dict = {
        "endogenous": [list, tuple],
        "instruments": [list, tuple],
        "method": [StrOptions({"2sls", "liml", "gmm"})],
        "cov_type": [StrOptions({"nonrobust", "HC0", "HC1", "HC2", "HC3", "cluster"})],
        "cluster": [None, str, int],
        "fit_intercept": ["boolean"],
        "smearing": ["boolean"],
    }

    def __init__(
        self,
        *,
        endogenous: Sequence[str | int] = (),
        instruments: Sequence[str | int] = (),
        method: IVMethod = "2sls",
        cov_type: IVCovType = "nonrobust",
        cluster: str | int | None = None,
        fit_intercept: bool = True,
        smearing: bool = True,
    ) -> None:
        self.endogenous = endogenous
        self.instruments = instruments
        self.method = method
        self.cov_type = cov_type
        self.cluster = cluster
        self.fit_intercept = fit_intercept
        self.smearing = smearing

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X: ArrayLike, y: ArrayLike) -> Self:
        """Fit the log-log model by instrumental variables.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Regressors in levels (strictly positive), the excluded
            instruments and, with ``cov_type="cluster"``, the cluster column.
        y : array-like of shape (n_samples,)
            Outcome in levels, strictly positive.

        Returns
        -------
        self : IVCobbDouglasRegressor
            The fitted regressor.
        """
        self._check_options()
        frame = as_pandas(X)
        roles = {}

        def model_columns(columns, n_features):
            roles.update(_roles(self, columns, n_features))
            return roles["regressors"] + roles["instruments"]

        data = validate_columns(
            self, frame, positions=model_columns, reset=True, allow_nan=False
        )
        labels = _labels(self, frame)
        n_reg = len(roles["regressors"])
        regressors, excluded = data[:, :n_reg], data[:, n_reg:]
        y = check_outcome(y, data.shape[0], owner=_OWNER)
        n = data.shape[0]
        n_params = n_reg + int(self.fit_intercept)
        if n <= n_params:
            raise ValueError(
                f"{_OWNER} needs more rows than parameters: got {n} sample(s) for "
                f"{n_params} parameter(s). Add rows, drop regressors, or set "
                "fit_intercept=False."
            )
        reg_labels = [labels[j] for j in roles["regressors"]]
        _check_positive(regressors, reg_labels, "X")
        _check_positive(y[:, None], ["y"], "y")
        if np.ptp(y) == 0:
            raise ValueError(
                f"y is constant ({y[0]:g} in every row): there is no variation for "
                "the elasticities to explain. Check the outcome column."
            )
        clusters = (
            _cluster_labels(frame, roles["cluster"], labels)
            if self.cov_type == "cluster"
            else None
        )
        endog_set = set(roles["endogenous"])
        exog_idx = [i for i, j in enumerate(roles["regressors"]) if j not in endog_set]
        endog_idx = [i for i, j in enumerate(roles["regressors"]) if j in endog_set]
        offset = int(self.fit_intercept)
        k_exog = offset + len(exog_idx)
        design = _log_design(regressors, exog_idx + endog_idx, self.fit_intercept)
        names = (["const"] if self.fit_intercept else []) + [
            str(reg_labels[i]) for i in exog_idx + endog_idx
        ]
        instrument_names = [str(labels[j]) for j in roles["instruments"]]
        try:
            results = IVResults(
                y=np.log(y),
                X=design,
                Z=stack_columns(design[:, :k_exog], excluded),
                n_exog=k_exog,
                method=self.method,
                cov_type=self.cov_type,
                names=names,
                instrument_names=instrument_names,
                clusters=clusters,
                has_const=self.fit_intercept,
            )
        except ZeroColumnError as exc:
            raise ValueError(
                f"Column(s) {format_labels(exc.columns)} are zero in every row "
                "(a regressor equal to 1 in levels, or an instrument of zeros); "
                "drop them, they carry no information."
            ) from None
        except CollinearityError as exc:
            raise ValueError(
                f"Perfectly collinear columns: {format_labels(exc.columns)} are "
                "(nearly) linear combinations of each other (regressors in logs, "
                "instruments as given, with the intercept if fitted). Drop one of "
                "them; an instrument must add information beyond the exogenous "
                "regressors."
            ) from None
        self.results_ = results
        estimates = results.params[offset:]
        coef = np.empty(n_reg)
        coef[exog_idx + endog_idx] = estimates
        self.coef_ = coef
        self.intercept_ = float(results.params[0]) if self.fit_intercept else 0.0
        self.regressors_ = reg_labels
        self.endogenous_ = [reg_labels[i] for i in endog_idx]
        self.exogenous_ = [reg_labels[i] for i in exog_idx]
        self.instruments_ = [labels[j] for j in roles["instruments"]]
        return self

    @property
    def smearing_factor_(self) -> float:
        """Duan's smearing factor ``mean(exp(resid_))``."""
        # computed when first read (predict, the summary), kept by remove_data
        return self.results_.smearing

    # -- results (computed on first access) -----------------------------------

    @property
    def coef_table_(self) -> pd.DataFrame:
        """Coefficients with standard errors, t, p-values and intervals."""
        return self.results_.coef_table

    @property
    def first_stage_(self) -> pd.DataFrame:
        """First-stage statistics per endogenous regressor."""
        return self.results_.first_stage

    @property
    def weak_instruments_(self) -> dict[str, Any]:
        """Weak-instrument F statistic against Stock and Yogo's critical value."""
        return self.results_.weak_instruments

    @property
    def overidentification_(self) -> dict[str, Any]:
        """Test of the overidentifying restrictions."""
        return self.results_.overidentification

    @property
    def endogeneity_(self) -> dict[str, Any]:
        """Tests of the regressors' exogeneity."""
        return self.results_.endogeneity

    @property
    def rsquared_(self) -> float:
        """``1 - SSR / TSS`` with the structural residuals (may be negative)."""
        return self.results_.rsquared

    @property
    def nobs_(self) -> int:
        """Number of rows the model was fitted on."""
        return self.results_.nobs

    @property
    def df_resid_(self) -> float:
        """Residual degrees of freedom."""
        return self.results_.df_resid

    @property
    def resid_(self) -> NDArray[np.float64]:
        """Structural residuals ``ln y - [1, ln X] b``."""
        return self.results_._rows("resid")

    def predict(self, X: ArrayLike) -> NDArray[np.float64]:
        """Predict y in levels: ``exp(intercept_ + ln X_reg @ coef_)``, smeared.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            The columns seen in ``fit``; only the regressors are used.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Predicted outcome in levels.
        """
        check_is_fitted(self)
        factor = self.smearing_factor_ if self.smearing else 1.0
        return np.exp(self.predict_log(X)) * factor

    def predict_log(self, X: ArrayLike) -> NDArray[np.float64]:
        """Predict ``ln y``: ``intercept_ + ln X_reg @ coef_``.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Regressors in levels, as at ``fit``.

        Returns
        -------
        y_log : ndarray of shape (n_samples,)
            Predicted log outcome.
        """
        check_is_fitted(self)
        data = validate_columns(
            self,
            X,
            positions=self._regressor_positions(),
            reset=False,
            allow_nan=False,
        )
        _check_positive(data, [str(c) for c in self.regressors_], "X")
        return self.intercept_ + np.log(data) @ self.coef_

    def summary(self, title: str | None = None) -> Summary:
        """The IV estimates beside OLS, the first stage and every diagnostic.

        Each test comes with its reading at 5%, from its p-value (the
        weak-instrument reading from the comparison with Stock and Yogo's
        critical value); Anderson-Rubin's confidence set is shown when the
        instruments are weak.

        Parameters
        ----------
        title : str, optional
            Heading; defaults to a description of the model.

        Returns
        -------
        summary : Summary
            Prints as text; ``as_markdown()``, ``as_html()``, ``as_latex()``.
        """
        check_is_fitted(self)
        return build_summary(self, title)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.positive_only = True
        tags.target_tags.positive_only = True
        return tags

    # -- implementation -------------------------------------------------------

    def _regressor_positions(self):
        names = getattr(self, "feature_names_in_", None)
        if names is None:
            return list(self.regressors_)
        return [list(names).index(label) for label in self.regressors_]

    def _check_options(self):
        if self.cov_type in ("HC2", "HC3") and self.method != "2sls":
            raise ValueError(
                f"cov_type={self.cov_type!r} is defined for method='2sls' only (it "
                f"needs the leverage of a least-squares fit); with "
                f"method={self.method!r} use 'HC0', 'HC1' or 'cluster'."
            )
        if (self.cov_type == "cluster") != (self.cluster is not None):
            raise ValueError(
                "cov_type='cluster' and `cluster` go together: name the column of "
                "cluster labels in `cluster` and set cov_type='cluster' (got "
                f"cov_type={self.cov_type!r}, cluster={self.cluster!r})."
            )


def _cluster_labels(frame, position, labels):
    """The cluster column's labels: complete, with at least two groups."""
    clusters = _column(frame, position)
    missing = pd.isna(clusters)
    if missing.any():
        raise ValueError(
            f"The cluster column {labels[position]!r} is missing in "
            f"{plural(int(missing.sum()), 'row')}; give every row a cluster label "
            "(or drop those rows, X and y together)."
        )
    n_groups = len(pd.unique(clusters))
    if n_groups < 2:
        raise ValueError(
            f"cov_type='cluster' needs at least 2 clusters, but column "
            f"{labels[position]!r} has {n_groups} distinct value(s). "
            "Choose a column with more groups, or another cov_type."
        )
    return clusters


def _log_design(regressors, order, fit_intercept):
    """``[1, ln regressors[:, order]]``, written once in Fortran order.

    The kernel's products over rows are about five times faster on
    column-contiguous arrays; the instruments' matrix reuses its first
    (exogenous) block.
    """
    offset = int(fit_intercept)
    design = np.empty((regressors.shape[0], offset + len(order)), order="F")
    if fit_intercept:
        design[:, 0] = 1.0
    for position, i in enumerate(order, start=offset):
        np.log(regressors[:, i], out=design[:, position])
    return design


def _labels(model, frame):
    if is_dataframe(frame):
        return list(frame.columns)
    return list(range(model.n_features_in_))


def _column(frame, position):
    if is_dataframe(frame):
        return frame.iloc[:, position].to_numpy()
    return np.asarray(frame)[:, position]


def _roles(model, columns, n_features, owner=_OWNER):
    """Positions of the regressors, endogenous ones, instruments and cluster."""
    if n_features == 0:  # scikit-learn's check_array words this one
        return {"regressors": [], "endogenous": [], "instruments": [], "cluster": None}
    endogenous = resolve_items(
        list(model.endogenous), columns, n_features, owner="endogenous"
    )
    instruments = resolve_items(
        list(model.instruments), columns, n_features, owner="instruments"
    )
    cluster = (
        []
        if getattr(model, "cluster", None) is None
        else resolve_items([model.cluster], columns, n_features, owner="cluster")
    )
    label = (lambda j: columns[j]) if columns is not None else (lambda j: j)
    both = sorted(set(endogenous) & set(instruments))
    if both:
        raise ValueError(
            f"Column(s) {format_labels([label(j) for j in both])} are both "
            "endogenous and instruments; an endogenous regressor cannot instrument "
            "itself. Remove them from one of the two lists."
        )
    if cluster and cluster[0] in set(endogenous) | set(instruments):
        raise ValueError(
            f"The cluster column {label(cluster[0])!r} is also a regressor or an "
            "instrument; the cluster column only labels groups of rows."
        )
    if len(instruments) < len(endogenous):
        raise ValueError(
            f"{len(endogenous)} endogenous regressor(s) but only "
            f"{len(instruments)} instrument(s): the model is not identified (each "
            "endogenous regressor needs at least one excluded instrument). Add "
            "instruments to `instruments`."
        )
    if instruments and not endogenous:
        raise ValueError(
            "Instruments were given but no endogenous regressor: name the "
            "instrumented column(s) in `endogenous`, or drop `instruments` for OLS."
        )
    taken = set(instruments) | set(cluster)
    regressors = [j for j in range(n_features) if j not in taken]
    if not regressors:
        raise ValueError(
            f"{owner} has no regressor: every column of X is an instrument or "
            "the cluster column."
        )
    return {
        "regressors": regressors,
        "endogenous": endogenous,
        "instruments": instruments,
        "cluster": cluster[0] if cluster else None,
    }


def _check_positive(values, labels, what):
    """Raise a ValueError naming the columns and rows where values <= 0."""
    if values.min(initial=np.inf) > 0:
        return
    bad = values <= 0
    cols = [labels[j] for j in np.flatnonzero(bad.any(axis=0))]
    where = (
        f"regressor column(s) {format_labels(cols)} have" if what == "X" else "y has"
    )
    sign = "Negative" if (values < 0).any() else "Zero"
    raise ValueError(
        f"{sign} values in data passed to {_OWNER}: {where} values <= 0 "
        f"({plural(int(bad.any(axis=1).sum()), 'row')}), which have no logarithm (the "
        "model takes the logs itself: a LogTransform before it would log twice). "
        "Give MinMaxIndexer a floor (feature_range=(0.01, 1.0)), or fit on the "
        "rows with positive values."
    )
