"""Bootstrap stability of a variable selection (Heinze, Wallisch & Dunkler 2018).

A stepwise logit reports one selected set and p-values that ignore how it was
chosen. Refitting the whole selection on bootstrap resamples shows how much
of that set is owed to the particular sample: how often each feature is
selected, which sets come up, and how far the selected coefficients stray
from the global model's. :func:`selection_stability` runs the refits (in
parallel through joblib, with the resamples drawn in one process so the
numbers do not depend on ``n_jobs``) and returns a
:class:`SelectionStability`, whose statistics are computed on first access.
"""

from __future__ import annotations

import inspect
import re
import warnings
from functools import cached_property
from numbers import Integral, Real
from typing import TYPE_CHECKING, Literal

import numpy as np
from joblib import effective_n_jobs
from scipy import stats
from sklearn import config_context
from sklearn.base import clone, is_classifier
from sklearn.utils import check_random_state
from sklearn.utils.parallel import Parallel, delayed
from sklearn.utils.validation import (
    check_array,
    check_consistent_length,
    has_fit_parameter,
)

from .._core import Results, SurveyDesign
from ..linear_model import StepwiseLogit
from ..summary import Block, Summary, format_pvalue
from ..summary._labels import COLUMNS, column_label
from ..summary._summary import format_cell
from ..utils._lazy import pd
from ..utils._plotting import outside_legend
from ..utils._plotting import pyplot as _pyplot
from ..utils._sklearn_compat import HasMethods, Interval, StrOptions, validate_params
from ..utils._threads import _controller
from ..utils._validation import (
    as_pandas,
    check_sample_weight,
    format_labels,
    is_dataframe,
    plural,
    resolve_items,
)

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from matplotlib.axes import Axes
    from matplotlib.figure import Figure, SubFigure
    from numpy.typing import ArrayLike, NDArray
    from sklearn.base import BaseEstimator

__all__ = ["SelectionStability", "selection_stability"]

# Resamples per joblib task: enough to amortise a task's overhead (pickling
# X, limiting BLAS threads), few enough to balance the workers.
_MAX_CHUNK = 20
_NONE_SELECTED = "(none selected)"
# the summary's words for each global standard error (SelectionStability's
# std_err_kind)
_SE_WORDS = {
    "model-based": "; {se_label}: model-based (inverse information matrix)",
    "design-based, linearised": (
        "; {se_label}: design-based, linearised (Taylor linearisation over the "
        "strata and PSUs, with replacement, no finite population correction: "
        "the variance the design's resamples reflect)"
    ),
    "design-based, jackknife": (
        "; {se_label}: design-based, jackknife (delete-one-PSU replicates)"
    ),
    "cluster-robust": "; {se_label}: cluster-robust (sandwich over the clusters)",
}
# One per process: finding the loaded BLAS libraries costs milliseconds, as
# much as a refit, and is done once instead of once per chunk.


@validate_params(
    {
        "estimator": "no_validation",
        "X": ["array-like"],
        "y": ["array-like"],
        "n_bootstrap": [Interval(Integral, 1, None, closed="left")],
        "global_estimator": [None, HasMethods(["fit"])],
        "random_state": ["random_state"],
        "n_jobs": [Integral, None],
        "sample_weight": ["array-like", None],
        "strata": ["array-like", None],
        "cluster": ["array-like", None],
        "fpc": ["array-like", Real, None],
        "lonely_psu": [StrOptions({"fail", "certainty"})],
    },
    prefer_skip_nested_validation=True,
)
def selection_stability(
    estimator: BaseEstimator,
    X: ArrayLike,
    y: ArrayLike,
    *,
    n_bootstrap: int = 100,
    global_estimator: BaseEstimator | None = None,
    random_state: int | np.random.RandomState | None = None,
    n_jobs: int | None = None,
    sample_weight: ArrayLike | None = None,
    strata: ArrayLike | None = None,
    cluster: ArrayLike | None = None,
    fpc: ArrayLike | None = None,
    lonely_psu: Literal["fail", "certainty"] = "fail",
) -> SelectionStability:
    r"""Refit a feature selection on bootstrap resamples and measure its stability.

    Each resample draws ``n`` rows with replacement from the ``n`` rows of
    ``X`` (Efron's nonparametric bootstrap, not stratified) and refits a
    clone of ``estimator``, selection included. The selected sets and
    coefficients are compared with the *global model*, fitted once on all
    rows with every candidate feature and no selection (Heinze, Wallisch &
    Dunkler, 2018, section 3.5).

    Parameters
    ----------
    estimator : estimator with ``fit`` and ``get_support``
        The selecting procedure, e.g. :class:`~sklearn_innov.StepwiseLogit`
        (or scikit-learn's ``SequentialFeatureSelector``, ``RFE``,
        ``SelectFromModel``). It is cloned, never modified.
    X : array-like or DataFrame of shape (n_samples, n_features)
        Candidate features. Arrays' features are named ``x0``, ``x1``, ... as
        scikit-learn names them.
    y : array-like or Series of shape (n_samples,)
        Target.
    n_bootstrap : int, default=100
        Number of resamples (each a full refit).
    global_estimator : estimator with ``coef_``, optional
        The global model, fitted on all rows and all features. Default: for a
        :class:`~sklearn_innov.StepwiseLogit`, a clone with
        ``p_remove=1.0, direction="backward"`` (a plain maximum-likelihood
        logit on every feature); for other estimators none, and the RMSD
        ratio and relative bias are NaN. Standard errors are read from its
        ``coef_table_["std_err"]`` when it has one. With ``strata`` or
        ``cluster`` its standard errors must estimate the variance the
        design's resamples reflect: the default clone then takes
        ``cov_type="survey"`` (design-based, Taylor linearisation), and a
        global model with ``cov_type="survey"`` (or "cluster") is fitted
        with the design's strata and PSUs (no ``fpc``: the resamples are
        drawn with replacement). The summary's notes say which standard
        error it is.
    random_state : int, RandomState instance or None, default=None
        Seeds the resampling. Resample ``b = 0, 1, ...`` takes the rows
        ``rng.randint(n_samples, size=n_samples)`` with
        ``rng = sklearn.utils.check_random_state(random_state)``, drawn in
        order in the calling process, so an int gives the same results for
        any ``n_jobs``.
    n_jobs : int, default=None
        Parallel refits through joblib (``None``: 1 unless inside a
        ``joblib.parallel_config`` context; ``-1``: every core). Inside each
        refit BLAS runs on one thread: the resamples are the parallel unit,
        and one thread keeps the arithmetic identical for every ``n_jobs``.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative weights, passed to the fit on all rows, to the global
        model's and to every refit. The resamples are drawn as without
        weights (``n`` rows, uniformly, with replacement) and each refit
        receives the drawn rows' weights: the bootstrap of frequency weights
        (a row drawn twice counts with twice its weight). ``estimator`` and
        the global model must take ``sample_weight`` in ``fit``. With the
        probability weights of a stratified or clustered survey this is not
        the design's bootstrap: pass ``strata`` and/or ``cluster`` for it.
    strata, cluster : array-like of shape (n_samples,), default=None
        The survey design's strata and PSUs (clusters); either turns the
        resampling into Rao and Wu's (1988) rescaling bootstrap (see
        Notes), with ``sample_weight`` read as probability weights (1 for
        every row when None). Without ``cluster`` each row is its own PSU;
        without ``strata`` there is one stratum. A PSU lies in one stratum,
        and every stratum needs at least 2 PSUs (see ``lonely_psu``). An
        ``estimator`` with ``cov_type="survey"`` (or "cluster") selects with
        design-based Wald tests: the fit on all rows gets the strata and PSUs
        (and ``fpc``), as the design's own fit of it, and each refit gets
        its resample's (see Notes).
    fpc : array-like of shape (n_samples,) or (n_samples, 2), default=None
        The design's finite population correction (or a float), passed
        as to :meth:`~sklearn_innov.StepwiseLogit.fit` (with ``strata``
        and ``cluster``) to the selection on all rows of an ``estimator``
        with ``cov_type="survey"`` only: the resamples are drawn with
        replacement, so the refits and the global model take none.
    lonely_psu : {"fail", "certainty"}, default="fail"
        A stratum with a single PSU: "fail" refuses it (Rao and Wu's
        bootstrap draws ``n_h - 1`` of ``n_h`` PSUs, none of one);
        "certainty" keeps it whole in every resample (weights times 1), as a
        stratum sampled with certainty. An ``estimator`` refitted with the
        design (``cov_type="survey"``) treats such a stratum, and a resample's
        stratum left with one PSU drawn, by its own ``lonely_psu``.

    Returns
    -------
    stability : SelectionStability
        Inclusion and model-selection frequencies, RMSD ratios and relative
        conditional biases, ``summary()`` and ``plot()``.

    Raises
    ------
    TypeError
        If ``estimator`` has no ``get_support`` method.
    ValueError
        If every resample had to be skipped, or a fitted model's support or
        coefficients do not match the features of ``X``.

    See Also
    --------
    SelectionStability : The results object, with the formulas.
    sklearn_innov.StepwiseLogit : SPSS-style stepwise logit.

    Notes
    -----
    *Weights.* With ``sample_weight`` alone each resample draws rows
    uniformly and refits with their weights, the frequency-weight
    bootstrap: right for weights that count copies of a row, not for the
    probability weights of a stratified or clustered survey, whose rows are
    not drawn independently.

    *Designs.* With ``strata`` or ``cluster`` the resampling follows the
    design: Rao and Wu's (1988) rescaling bootstrap with ``n_h - 1`` PSUs
    drawn per stratum (Rao, Wu & Yue 1992; R's ``as.svrepdesign(type=
    "subbootstrap")``). In resample ``b``, for each stratum ``h`` in sorted
    label order, ``rng.randint(n_h, size=n_h - 1)`` draws PSUs (sorted by
    label within the stratum; rows in their order without ``cluster``) with
    replacement; PSU ``i`` drawn ``r_hi``
    times gets the weights ``w_k n_h / (n_h - 1) r_hi`` for each of its
    rows, and the refit is on the rows with a positive weight. The variance
    of a weighted total over these resamples estimates its design-based
    (with-replacement) variance, so the frequencies reflect the design's
    clustering. A finite population correction is not applied. An
    ``estimator`` with ``cov_type="survey"`` or "cluster" repeats the same
    selection in every resample (Heinze et al. 2018): it is refitted on the
    resample's rows with these weights, its strata and its PSUs, a PSU drawn
    ``r_hi`` times entering as ``r_hi`` PSUs (its rows repeated, each copy
    with the weights ``w_k n_h / (n_h - 1)``), so that its Wald tests are
    the design-based ones of that resample.

    *Skipped resamples.* A classifier cannot be fitted on a resample holding
    only one class, and a resample can make a feature constant or collinear.
    Such resamples are skipped (not redrawn, so the draws of the others do
    not change) and counted by reason in ``skipped`` and in the summary;
    every statistic is then over the :math:`B'` resamples that were fitted.
    Heinze et al. do not stratify the bootstrap, and neither does this
    function: with both classes well represented one-class resamples are
    vanishingly rare, and stratifying would hold the class shares fixed,
    which the procedure being studied does not.

    *Warnings.* Warnings raised inside a refit (separation, non-convergence)
    are caught per resample and not shown; ``warned`` counts the
    resamples that raised each kind, and the fits reporting
    ``converged_ = False`` (for StepwiseLogit, Newton stopped at
    ``max_iter`` or a separated final model) under ``"converged_ = False"``.
    Warnings from the fits on all rows are shown as usual.

    *Cost.* Each resample is a full refit; a stepwise logit on the paper's
    127 firms takes a few milliseconds, so 1,000 resamples take seconds.

    References
    ----------
    .. [1] Heinze, G., Wallisch, C. and Dunkler, D. (2018). "Variable selection
       - A review and recommendations for the practicing statistician".
       Biometrical Journal, 60(3), 431-449, section 3.5.
    .. [2] Austin, P. C. and Tu, J. V. (2004). "Bootstrap methods for developing
       predictive models". The American Statistician, 58(2), 131-137.
    .. [3] Sauerbrei, W. and Schumacher, M. (1992). "A bootstrap resampling
       procedure for model building: application to the Cox regression
       model". Statistics in Medicine, 11(16), 2093-2109.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_innov import StepwiseLogit
    >>> from sklearn_innov.model_selection import selection_stability
    >>> rng = np.random.default_rng(3)
    >>> X = rng.normal(size=(200, 3))  # x0 matters, x1 and x2 are noise
    >>> y = (1.5 * X[:, 0] + rng.logistic(size=200) > 0).astype(int)
    >>> stability = selection_stability(
    ...     StepwiseLogit(), X, y, n_bootstrap=20, random_state=0
    ... )
    >>> stability.inclusion_frequency
    feature
    x0    1.0
    x1    0.3
    x2    0.2
    Name: inclusion_frequency, dtype: float64
    """
    if not callable(getattr(estimator, "get_support", None)):
        raise TypeError(
            "selection_stability needs an estimator that selects features and "
            f"reports them through get_support(); {type(estimator).__name__} has "
            "no get_support. Pass a selector such as StepwiseLogit, or wrap the "
            "model in sklearn.feature_selection.SelectFromModel, RFE or "
            "SequentialFeatureSelector."
        )
    X = as_pandas(X)
    if not is_dataframe(X):
        X = check_array(X, dtype=None, ensure_all_finite=False)
    check_consistent_length(X, y)
    y_values = np.asarray(y)
    # np.shape reads X.shape (X is a DataFrame or an array here)
    n_samples, n_features = np.shape(X)
    weights = check_sample_weight(sample_weight, n_samples, owner="selection_stability")
    plan = _rao_wu_plan(n_samples, strata, cluster, X, lonely_psu)
    if plan is not None and weights is None:
        weights = np.ones(n_samples)
    names = (
        [str(c) for c in X.columns]
        if is_dataframe(X)
        else [f"x{j}" for j in range(n_features)]
    )

    # The selection on all rows; its errors and warnings are the user's to see.
    fit_params = _weight_params(estimator, weights, "estimator")
    # the design's PSUs and strata: its Wald stepping is the design's own
    refit_design = plan is not None and bool(_design_params(estimator, strata, cluster))
    if plan is not None:
        fit_params |= _design_params(estimator, strata, cluster, fpc=fpc)
    full = clone(estimator).fit(X, y, **fit_params)
    selected = _support(full, n_features, "estimator")
    full_coef = _coefficients(full, selected)

    global_model = _global_model(estimator, global_estimator, design=plan is not None)
    global_coef = global_se = se_kind = None
    notes: list[str] = []
    if global_model is not None:
        params = _weight_params(global_model, weights, "global_estimator")
        if plan is not None:
            params |= _design_params(global_model, strata, cluster)
        global_model = global_model.fit(X, y, **params)
        global_coef, global_se = _global_estimates(global_model, n_features, notes)
        se_kind = _std_err_kind(global_model) if np.isfinite(global_se).any() else None
        if plan is not None and se_kind == "model-based":
            notes.append(
                "The resamples follow the design's strata and PSUs, but the "
                f"global model ({type(global_model).__name__}) gives model-based "
                "standard errors, so the RMSD ratios compare two different "
                "variances. Pass a global_estimator with design-based standard "
                "errors (for StepwiseLogit, cov_type='survey')."
            )
    else:
        notes.append(
            f"No global model: {type(estimator).__name__} has no default one, so "
            "RMSD ratios and relative biases are not computed. Pass "
            "global_estimator= (a model on every feature with coef_)."
        )

    if refit_design:
        refit_design = _check_resample_design(
            estimator, plan, strata, n_features, notes
        )
    rng = check_random_state(random_state)
    design = (
        _ResampleDesign(plan, strata if "strata" in fit_params else None)
        if refit_design
        else None
    )
    chunk = max(1, min(_MAX_CHUNK, -(-n_bootstrap // (4 * effective_n_jobs(n_jobs)))))
    sizes = [min(chunk, n_bootstrap - start) for start in range(0, n_bootstrap, chunk)]
    binary = is_classifier(estimator)
    # Rows are drawn here, in resample order, while joblib consumes the tasks:
    # the draws never depend on n_jobs and only a few chunks are held at once.
    tasks = (
        delayed(_refit_chunk)(
            estimator,
            X,
            y_values,
            [_resample(rng, n_samples, weights, plan, design) for _ in range(size)],
            n_features=n_features,
            binary=binary,
        )
        for size in sizes
    )
    records = [record for batch in Parallel(n_jobs=n_jobs)(tasks) for record in batch]

    if plan is not None:
        notes.append(
            "Design: Rao and Wu's rescaling bootstrap; each resample draws n_h - 1 "
            "of the n_h PSUs "
            + (
                "of the one stratum"
                if len(plan) == 1
                else f"of each of the {len(plan)} strata"
            )
            + " with replacement "
            "and rescales the sample weights of the rows of the PSUs drawn by "
            "n_h / (n_h - 1) times the draws."
        )
    elif weights is not None:
        notes.append(
            "Weights: each resample draws rows uniformly, with replacement, and "
            "refits with the drawn rows' sample weights (the frequency-weight "
            "bootstrap); it is not a design-based bootstrap of strata or "
            "clusters."
        )
    skipped: dict[str, int] = {}
    warned: dict[str, int] = {}
    supports: list[NDArray[np.bool_]] = []
    coefs: list[NDArray[np.float64] | None] = []
    for reason, support, coef, caught in records:
        for kind in caught:
            warned[kind] = warned.get(kind, 0) + 1
        if reason is not None:
            skipped[reason] = skipped.get(reason, 0) + 1
            continue
        supports.append(support)
        coefs.append(coef)
    if not supports:
        raise ValueError(
            f"Every one of the {n_bootstrap} bootstrap resample(s) had to be "
            f"skipped ({_describe(skipped)}); no statistic can be computed. Check "
            "that y has enough rows of each class and that no feature is nearly "
            "constant."
        )
    has_coefs = all(c is not None for c in coefs)
    if not has_coefs:
        if global_coef is not None:
            notes.append(
                f"{type(estimator).__name__} has no coef_ over all features "
                "(zero where not selected), so RMSD ratios and relative biases "
                "are not computed."
            )
    return SelectionStability(
        features=names,
        supports=np.array(supports, dtype=bool),
        coefs=np.array(coefs, dtype=np.float64) if has_coefs else None,
        selected=selected,
        selected_coef=full_coef,
        global_coef=global_coef,
        global_std_err=global_se,
        n_bootstrap=n_bootstrap,
        skipped=skipped,
        warned=warned,
        random_state=random_state if isinstance(random_state, Integral) else None,
        estimator_name=type(estimator).__name__,
        notes=notes,
        resampling="rows" if plan is None else "design",
        forced=_forced_features(estimator, names, is_dataframe(X)),
        std_err_kind=se_kind,
    )


def _forced_features(estimator, names, named):
    """The features ``estimator`` keeps in every model (its ``force``)."""
    params = (
        estimator.get_params(deep=False) if hasattr(estimator, "get_params") else {}
    )
    force = params.get("force")
    if not force:
        return []
    columns = names if named else None
    positions = resolve_items(list(force), columns, len(names), owner="force")
    return [names[j] for j in positions]


def _support(model, n_features, role):
    # a copy: the refits reuse one model, whose next fit may reuse its arrays
    support = np.array(model.get_support(), dtype=bool).ravel()
    if support.size != n_features:
        raise ValueError(
            f"The fitted {role}'s get_support() has {support.size} entries but X "
            f"has {n_features} features; selection_stability needs one entry per "
            "column of X."
        )
    return support


def _coefficients(model, support):
    """``coef_`` over every feature, 0.0 where not selected; None if absent."""
    coef = getattr(model, "coef_", None)
    if coef is None or np.size(coef) != support.size:
        return None
    return np.where(support, np.ravel(coef).astype(np.float64), 0.0)


def _global_model(estimator, global_estimator, *, design):
    if global_estimator is not None:
        return clone(global_estimator)
    if isinstance(estimator, StepwiseLogit):
        model = clone(estimator).set_params(p_remove=1.0, direction="backward")
        if design:
            # its standard error must estimate the variance the design's
            # resamples reflect (Heinze et al.'s denominator): design-based
            model.set_params(cov_type="survey")
        return model
    return None


def _cov_type_params(model):
    return model.get_params(deep=False) if hasattr(model, "get_params") else {}


def _design_params(model, strata, cluster, fpc=None):
    """The design's strata and PSUs for a model whose covariance uses them.

    ``fpc`` only for the selection on all rows (the design's own fit of
    it): Rao and Wu's resamples draw with replacement, so the global
    standard error is the with-replacement one, without it.
    """
    cov_type = _cov_type_params(model).get("cov_type")
    keys = {
        "survey": ("strata", "cluster", "fpc"),
        "cluster": ("cluster",),
    }.get(cov_type, ())
    given = {"strata": strata, "cluster": cluster, "fpc": fpc}
    return {key: given[key] for key in keys if given[key] is not None}


def _std_err_kind(model):
    """Which standard error the global model gives, in words for the notes."""
    params = _cov_type_params(model)
    cov_type = params.get("cov_type", "nonrobust")
    if cov_type == "survey":
        if params.get("survey_variance") == "jackknife":
            return "design-based, jackknife"
        return "design-based, linearised"
    if cov_type == "cluster":
        return "cluster-robust"
    if cov_type == "nonrobust":
        return "model-based"
    return f"cov_type={cov_type!r}"


def _global_estimates(model, n_features, notes):
    """The global model's coefficients and standard errors over every feature."""
    if callable(getattr(model, "get_support", None)):
        kept = _support(model, n_features, "global_estimator")
        if not kept.all():
            dropped = np.flatnonzero(~kept).tolist()
            raise ValueError(
                "The global model must keep every candidate feature, but the "
                f"fitted global_estimator dropped column(s) {format_labels(dropped)}."
                " Pass a model without selection (for StepwiseLogit, "
                "p_remove=1.0)."
            )
    coef = getattr(model, "coef_", None)
    if coef is None or np.size(coef) != n_features:
        raise ValueError(
            f"global_estimator ({type(model).__name__}) must expose coef_ with one "
            f"coefficient per feature ({n_features}) after fit; it has "
            f"{'none' if coef is None else np.size(coef)}."
        )
    coef = np.ravel(coef).astype(np.float64)
    se = np.full(n_features, np.nan)
    table = getattr(model, "coef_table_", None)
    if table is not None and "std_err" in getattr(table, "columns", ()):
        labels = getattr(model, "feature_names_in_", None)
        labels = (
            [str(c) for c in labels]
            if labels is not None
            else [str(j) for j in range(n_features)]
        )
        se = table["std_err"].reindex(labels).to_numpy(dtype=np.float64)
    if not np.isfinite(se).all():
        notes.append(
            f"The global model ({type(model).__name__}) gives no finite standard "
            "error for some features (no coef_table_['std_err'], or separation), "
            "so their RMSD ratio is NaN."
        )
    return coef, se


def _weight_params(model, weights, role):
    """``{"sample_weight": weights}``, or refuse a model whose fit takes none."""
    if weights is None:
        return {}
    # a meta-estimator (SelectFromModel, RFE) passes **fit_params on to its model
    forwards = any(
        parameter.kind is inspect.Parameter.VAR_KEYWORD
        for parameter in inspect.signature(model.fit).parameters.values()
    )
    if not (forwards or has_fit_parameter(model, "sample_weight")):
        raise ValueError(
            f"selection_stability got sample_weight, but the {role} "
            f"({type(model).__name__}) takes no sample_weight in fit, so it would "
            "be fitted unweighted. Pass a model that takes weights, or leave "
            "sample_weight out."
        )
    return {"sample_weight": weights}


def _rao_wu_plan(n_samples, strata, cluster, X, lonely_psu="fail"):
    """Per stratum, the PSU codes in label order; None without a design.

    A stratum with one PSU kept whole ("certainty") has no entry: its rows
    keep factor 1 in every resample.
    """
    if strata is None and cluster is None:
        return None
    row_labels = X.index.to_numpy() if is_dataframe(X) else None
    design = SurveyDesign.from_arrays(
        n_samples,
        strata=strata,
        cluster=cluster,
        lonely_psu="certainty",  # worded below, for this function
        row_labels=row_labels,
        owner="selection_stability",
    )
    lonely = design.n_psu < 2
    if lonely.any() and (lonely_psu == "fail" or lonely.all()):
        raise ValueError(
            "selection_stability: stratum "
            f"{format_labels(design.stratum_labels[lonely].tolist(), 5)} has a "
            "single PSU, so Rao and Wu's bootstrap cannot resample within it "
            "(it draws n_h - 1 of n_h PSUs). Merge that stratum with a similar "
            "one (recode strata)"
            + (
                "."
                if lonely.all()
                else ", or keep it whole in every resample with lonely_psu='certainty'."
            )
        )
    psu_stratum = np.zeros(design.psu_labels.size, dtype=np.intp)
    psu_stratum[design.psu] = design.stratum
    # PSU codes follow their labels within a stratum (np.unique sorts them)
    return [
        (np.flatnonzero(psu_stratum == h), design.psu)
        for h in range(design.stratum_labels.size)
        if not lonely[h]
    ]


def _check_resample_design(estimator, plan, strata, n_features, notes):
    """Whether the refits can take their resample's design; say why not.

    Rao and Wu draw ``n_h - 1`` PSUs: a resample's design df is
    ``sum(n_h - 1) - H``, fewer than the sample's ``sum(n_h) - H``, and must
    reach the full model's parameters for its Wald tests to be defined
    (otherwise the refits take the weights only, as the note says); a
    stratum of 2 PSUs has 1 in every resample, whose design-based variance
    the estimator's ``lonely_psu`` decides (refused when "fail").
    """
    df = sum(psus.size - 2 for psus, _ in plan)
    n_params = n_features + 1
    if df < n_params:
        notes.append(
            "Design: each resample keeps n_h - 1 PSUs per stratum, "
            f"{plural(df, 'design degree', 'design degrees')} of freedom for the "
            f"{n_params} parameters of the full model, too few for the "
            "design-based Wald tests of the selection: the refits select "
            "with the resample's weights only (each row its own PSU), not as "
            "the selection on all rows does, so the frequencies describe that "
            "row-by-row procedure."
        )
        return False
    paired = [psus for psus, _ in plan if psus.size == 2]
    if not paired:
        return True
    lonely = _cov_type_params(estimator).get("lonely_psu", "fail")
    psu_of_row = plan[0][1]
    # a stratum's label: that of a row of its first PSU
    labels = [
        np.asarray(strata)[np.flatnonzero(psu_of_row == psus[0])[0]].item()
        if strata is not None
        else 0
        for psus in paired
    ]
    if lonely == "fail":
        raise ValueError(
            f"selection_stability: stratum {format_labels(labels, 5)} has 2 "
            "PSUs, so each Rao-Wu resample keeps 1 of them and the refits of "
            f"{type(estimator).__name__} (whose design-based Wald tests need 2 "
            "PSUs per stratum) would all fail. Set the estimator's lonely_psu "
            "('adjust' centres the lone PSU at the grand mean, 'certainty' counts "
            "it 0), or merge strata."
        )
    notes.append(
        f"Design: {plural(len(paired), 'stratum', 'strata')} of 2 PSUs "
        "keep 1 drawn PSU in each resample; the refits' Wald tests treat it by "
        f"the estimator's lonely_psu={lonely!r}."
    )
    return True


class _ResampleDesign:
    """The rows of each PSU, to give a refit its resample's strata and PSUs."""

    def __init__(self, plan, strata):
        psu_of_row = plan[0][1]
        self.n_psu = psu_of_row.max() + 1
        self.order = np.argsort(psu_of_row, kind="stable")
        self.bounds = np.searchsorted(psu_of_row[self.order], np.arange(self.n_psu + 1))
        drawn = np.zeros(self.n_psu, dtype=bool)
        for psus, _ in plan:
            drawn[psus] = True
        # a lonely stratum kept whole: its rows, their own PSUs, in every refit
        self.kept = np.flatnonzero(~drawn[psu_of_row])
        self.strata = None if strata is None else np.asarray(strata)
        self.psu_of_row = psu_of_row

    def resample(self, weights, plan, draws):
        """(rows, weights, fit params) of the PSUs drawn, each copy a PSU."""
        parts = [self.kept]
        labels = [self.psu_of_row[self.kept]]
        scales = [np.ones(self.kept.size)]
        copy = self.n_psu  # the copies' labels follow the PSUs' codes
        for (psus, _), drawn in zip(plan, draws, strict=True):
            n_h = psus.size
            for psu in psus[drawn]:
                rows = self.order[self.bounds[psu] : self.bounds[psu + 1]]
                parts.append(rows)
                labels.append(np.full(rows.size, copy))
                scales.append(np.full(rows.size, n_h / (n_h - 1.0)))
                copy += 1
        rows = np.concatenate(parts)
        replicate = weights[rows] * np.concatenate(scales)
        params = {"cluster": np.concatenate(labels)}
        if self.strata is not None:
            params["strata"] = self.strata[rows]
        return rows, replicate, params


def _resample(rng, n_samples, weights, plan, design):
    """One resample: (rows, their weights or None, fit params), from ``rng``.

    With ``design`` (a refit that takes the design) the fit params are the
    resample's strata and PSUs, from the same draws as ``_draw``'s;
    otherwise ``{}``.
    """
    if design is None:
        return (*_draw(rng, n_samples, weights, plan), {})
    draws = [rng.randint(psus.size, size=psus.size - 1) for psus, _ in plan]
    return design.resample(weights, plan, draws)


def _draw(rng, n_samples, weights, plan):
    """One resample: (rows, their weights or None), drawn from ``rng``."""
    if plan is None:
        rows = rng.randint(n_samples, size=n_samples)
        return rows, None if weights is None else weights[rows]
    psu_of_row = plan[0][1]
    factor = np.ones(psu_of_row.max() + 1)  # 1: a lonely stratum kept whole
    for psus, _ in plan:
        n_h = psus.size
        counts = np.bincount(rng.randint(n_h, size=n_h - 1), minlength=n_h)
        factor[psus] = counts * (n_h / (n_h - 1.0))
    replicate = weights * factor[psu_of_row]
    rows = np.flatnonzero(replicate > 0)
    return rows, replicate[rows]


def _refit_chunk(estimator, X, y_values, draws, *, n_features, binary):
    """Refit a clone on each resample of a chunk; one record per resample.

    Parameters were validated and the rows checked finite by the fit on all
    rows, so the refits skip both checks.
    """
    # One clone refitted on each resample (fit starts afresh, and each
    # record is taken before the next fit): a clone costs a tenth of a
    # stepwise fit at n=127. A warm-starting estimator gets a clone each.
    warm = any(
        name.endswith("warm_start") and value
        for name, value in estimator.get_params().items()
    )
    model = None if warm else clone(estimator)
    if model is not None and _positional(model, X):
        # a DataFrame of numbers refitted by StepwiseLogit: its rows taken
        # from one array (pandas' iloc costs a third of a refit at n=127),
        # with features forced by name named by position instead
        names = [str(c) for c in X.columns]
        if model.force:
            model.set_params(
                force=[
                    names.index(item) if isinstance(item, str) else item
                    for item in model.force
                ]
            )
        X = X.to_numpy(dtype=np.float64)
    with (
        # the process's one threadpoolctl controller (utils._threads)
        _controller().limit(limits=1, user_api="blas"),
        config_context(assume_finite=True, skip_parameter_validation=True),
        # one record for the chunk: each refit reads its own share
        warnings.catch_warnings(record=True) as caught,
    ):
        warnings.simplefilter("always")
        return [
            _refit_one(
                model or clone(estimator),
                X,
                y_values,
                rows,
                n_features,
                binary,
                caught,
                row_weights,
                design_params,
            )
            for rows, row_weights, design_params in draws
        ]


def _positional(model, X):
    """Whether ``model`` may be refitted on ``X``'s values instead of ``X``.

    StepwiseLogit reads a DataFrame of numeric columns as its values (the
    names only label its output, and ``force``, translated to positions);
    anything else gets its DataFrame.
    """
    if type(model) is not StepwiseLogit or not is_dataframe(X):
        return False
    names = [str(c) for c in X.columns]
    numeric = all(dtype.kind in "fiub" for dtype in X.dtypes)
    forced = list(model.force or ())
    return numeric and all(not isinstance(f, str) or f in names for f in forced)


def _refit_one(
    model, X, y_values, rows, n_features, binary, caught, weights, design_params
):
    """(skip reason or None, support, coef, kinds of warnings caught).

    ``model`` (an unfitted clone, or one a previous resample fitted) is
    fitted on the resample's ``rows`` with their ``weights`` (None: none)
    and ``design_params`` (the resample's strata and PSUs, or ``{}``).
    ``caught`` is the chunk's record of warnings: this refit's are those it
    adds.
    """
    y_b = y_values[rows]
    params = {} if weights is None else {"sample_weight": weights}
    params |= design_params
    # rows of weight 0 are no rows: the classes are those of the others
    counted = y_b if weights is None else y_b[weights > 0]
    if binary and (counted.size == 0 or (counted == counted[0]).all()):
        return "one class only", None, None, ()
    # y as an array: the labels are the same and a Series costs a third of a
    # stepwise refit at n=127
    X_b = X.iloc[rows] if is_dataframe(X) else X[rows]
    before = len(caught)
    try:
        model.fit(X_b, y_b, **params)
    except (ValueError, np.linalg.LinAlgError) as exc:
        kinds = tuple(dict.fromkeys(w.category.__name__ for w in caught[before:]))
        return _first_sentence(str(exc)), None, None, kinds
    kinds = list(dict.fromkeys(w.category.__name__ for w in caught[before:]))
    if getattr(model, "converged_", True) is False:
        kinds.append("converged_ = False")
    support = _support(model, n_features, "estimator")
    return None, support, _coefficients(model, support), tuple(kinds)


def _first_sentence(message):
    """A skip reason that groups alike: the error's first sentence."""
    head = re.split(r"[.;:]\s", message, maxsplit=1)[0].strip()
    return head or "fit failed"


def _describe(counts):
    return ", ".join(f"{reason}: {count}" for reason, count in counts.items())


class SelectionStability(Results):
    r"""Bootstrap stability of a feature selection, from :func:`selection_stability`.

    Every statistic is computed on first access from the per-resample
    supports and coefficients, and cached.

    Parameters
    ----------
    features : list of str
        Feature names, in the order of X's columns.
    supports : ndarray of bool, shape (n_fitted, n_features)
        The selection of each fitted resample.
    coefs : ndarray of shape (n_fitted, n_features) or None
        Their coefficients, 0.0 where not selected (None without ``coef_``).
    selected : ndarray of bool, shape (n_features,)
        The selection on all rows.
    selected_coef : ndarray of shape (n_features,) or None
        Its coefficients, 0.0 where not selected.
    global_coef, global_std_err : ndarray of shape (n_features,) or None
        The global model's estimates and standard errors.
    n_bootstrap : int
        Resamples drawn (fitted and skipped).
    skipped : dict of str to int
        Skipped resamples by reason.
    warned : dict of str to int
        Resamples that raised each kind of warning.
    random_state : int or None
        The seed, when an int was given.
    estimator_name : str
        Class name of the selecting estimator.
    notes : list of str
        Why a statistic is missing, if one is.
    resampling : {"rows", "design"}, default="rows"
        What each resample drew: rows with replacement, or the survey
        design's PSUs within strata (Rao and Wu's rescaling bootstrap).
    forced : list of str, default=()
        Features the estimator keeps in every model (``StepwiseLogit``'s
        ``force``): their 100% inclusion is by construction, and the summary
        and the plot say "forced" rather than show it as a stable selection.
    std_err_kind : str or None, default=None
        Which standard error ``global_std_err`` is: "model-based",
        "design-based, linearised", "design-based, jackknife",
        "cluster-robust"; None when unknown or absent. The summary's notes
        say it.

    Attributes
    ----------
    inclusion_frequency : Series
        Share of fitted resamples selecting each feature.
    model_frequency : DataFrame
        The selected sets, most frequent first, each named by all its
        features (forced ones included).
    global_p_value : Series
        Two-sided p-value of the Wald test that a global coefficient is 0,
        from :math:`z = \hat\beta_j^{g} / \widehat{SE}(\hat\beta_j^{g})`.
    rmsd_ratio : Series
        Root mean squared difference from the global estimate over its
        standard error.
    relative_bias : Series
        Relative conditional bias of the selected coefficients.
    table : DataFrame
        The inclusion table that ``summary()`` prints.
    coefs : DataFrame or None
        Per-resample coefficients (a row per fitted resample).
    supports : DataFrame
        Per-resample selections (bool).
    n_fitted : int
        :math:`B'`, the resamples fitted (``n_bootstrap`` minus the skipped).

    See Also
    --------
    selection_stability : Computes it.

    Notes
    -----
    With :math:`B'` fitted resamples, :math:`I_j^b = 1` if resample
    :math:`b` selects feature :math:`j`, :math:`\hat\beta_j^b` its coefficient
    there (0 when not selected), and :math:`\hat\beta_j^{g}`,
    :math:`\widehat{SE}(\hat\beta_j^{g})` the global model's estimate and
    standard error (Heinze, Wallisch & Dunkler, 2018, section 3.5):

    * bootstrap inclusion frequency
      :math:`\mathrm{BIF}_j = \frac{1}{B'}\sum_b I_j^b`;
    * model selection frequency: the share of resamples selecting exactly a
      given set;
    * RMSD ratio
      :math:`\sqrt{\frac{1}{B'}\sum_b (\hat\beta_j^b - \hat\beta_j^{g})^2}
      / \widehat{SE}(\hat\beta_j^{g})`, the resamples not selecting
      :math:`j` counting with :math:`\hat\beta_j^b = 0`. Above 1, selection
      adds variability beyond the global model's standard error; below 1,
      the estimate is often shrunk to zero;
    * relative conditional bias
      :math:`\frac{\sum_b I_j^b \hat\beta_j^b / \sum_b I_j^b}
      {\hat\beta_j^{g}} - 1`, the mean of the coefficient over the
      resamples that select :math:`j`, relative to the global estimate:
      positive when a feature tends to be selected when its estimate is
      larger than the global one (selection bias away from zero). NaN for a
      feature never selected. It divides by the global estimate: where that
      estimate is indistinguishable from 0 (its Wald test,
      ``global_p_value``, not significant at 5%) the ratio can run to
      hundreds of percent either way, and the summary names those features
      in a note rather than hide their numbers.

    ``rmsd_ratio`` and ``relative_bias`` are NaN when there is no global
    model or no coefficients (``notes`` says which); ``rmsd_ratio`` is NaN
    for a feature whose global standard error is not finite.

    References
    ----------
    .. [1] Heinze, G., Wallisch, C. and Dunkler, D. (2018). "Variable selection
       - A review and recommendations for the practicing statistician".
       Biometrical Journal, 60(3), 431-449.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_innov import StepwiseLogit
    >>> from sklearn_innov.model_selection import selection_stability
    >>> rng = np.random.default_rng(3)
    >>> X = rng.normal(size=(200, 3))  # x0 matters, x1 and x2 are noise
    >>> y = (1.5 * X[:, 0] + rng.logistic(size=200) > 0).astype(int)
    >>> stability = selection_stability(
    ...     StepwiseLogit(), X, y, n_bootstrap=10, random_state=0
    ... )
    >>> type(stability).__name__, stability.n_fitted
    ('SelectionStability', 10)
    >>> stability.model_frequency.head(2)
             n_features  count  percent  cumulative_percent  selected_on_all_rows
    model
    x0                1      6     60.0                60.0                  True
    x0 + x1           2      2     20.0                80.0                 False
    """

    _summary_statistics = (
        "inclusion_frequency",
        "model_frequency",
        "rmsd_ratio",
        "relative_bias",
        "table",
    )

    def __init__(
        self,
        *,
        features: Sequence[str],
        supports: NDArray[np.bool_],
        coefs: NDArray[np.float64] | None,
        selected: NDArray[np.bool_],
        selected_coef: NDArray[np.float64] | None,
        global_coef: NDArray[np.float64] | None,
        global_std_err: NDArray[np.float64] | None,
        n_bootstrap: int,
        skipped: Mapping[str, int],
        warned: Mapping[str, int],
        random_state: int | None,
        estimator_name: str,
        notes: Sequence[str],
        resampling: Literal["rows", "design"] = "rows",
        forced: Sequence[str] = (),
        std_err_kind: str | None = None,
    ) -> None:
        self.features = list(features)
        self._supports = supports
        self._coefs = coefs
        self.selected = selected
        self.selected_coef = selected_coef
        self.global_coef = global_coef
        self.global_std_err = global_std_err
        self.n_bootstrap = n_bootstrap
        self.skipped = dict(skipped)
        self.warned = dict(warned)
        self.random_state = random_state
        self.estimator_name = estimator_name
        self.notes = list(notes)
        self.resampling = resampling
        self.forced = [str(name) for name in forced]
        self.std_err_kind = std_err_kind

    def __repr__(self) -> str:
        return (
            f"SelectionStability({self.estimator_name}, n_bootstrap="
            f"{self.n_bootstrap}, n_fitted={self.n_fitted}, "
            f"features={self.features})"
        )

    @property
    def n_fitted(self) -> int:
        """Resamples fitted (``n_bootstrap`` minus the skipped)."""
        return self._supports.shape[0]

    @property
    def selected_features(self) -> list[str]:
        """Features selected on all rows."""
        return [f for f, keep in zip(self.features, self.selected, strict=True) if keep]

    @property
    def supports(self) -> pd.DataFrame:
        """Per-resample selections (bool), a row per fitted resample."""
        return pd.DataFrame(self._supports, columns=self._index())

    @property
    def coefs(self) -> pd.DataFrame | None:
        """Per-resample coefficients, a row per fitted resample, or None."""
        if self._coefs is None:
            return None
        return pd.DataFrame(self._coefs, columns=self._index())

    # -- statistics (computed on first access) -------------------------------

    @cached_property
    def inclusion_frequency(self) -> pd.Series:
        """Share of fitted resamples selecting each feature."""
        return self._series(self._supports.mean(axis=0), "inclusion_frequency")

    @cached_property
    def model_frequency(self) -> pd.DataFrame:
        """The selected sets, most frequent first."""
        labels = [self._label(row) for row in self._supports]
        sizes = self._supports.sum(axis=1)
        frame = pd.DataFrame({"model": labels, "n_features": sizes})
        counts = (
            frame.groupby(["model", "n_features"], sort=False)
            .size()
            .rename("count")
            .reset_index()
        )
        # ties: smaller sets first, then by name, so the order is reproducible
        counts["_neg"] = -counts["count"]
        counts = counts.sort_values(["_neg", "n_features", "model"]).drop(
            columns="_neg"
        )
        counts["percent"] = 100.0 * counts["count"] / self.n_fitted
        counts["cumulative_percent"] = counts["percent"].cumsum()
        counts["selected_on_all_rows"] = counts["model"] == self._label(self.selected)
        return counts.set_index("model")

    @cached_property
    def global_p_value(self) -> pd.Series:
        """Two-sided Wald p-value of each global coefficient, NaN without one."""
        nan = np.full(len(self.features), np.nan)
        if self.global_coef is None or self.global_std_err is None:
            return self._series(nan, "global_p_value")
        se = self.global_std_err
        usable = np.isfinite(se) & (se > 0)
        z = np.divide(self.global_coef, se, out=nan.copy(), where=usable)
        return self._series(2.0 * stats.norm.sf(np.abs(z)), "global_p_value")

    @cached_property
    def rmsd_ratio(self) -> pd.Series:
        """Root mean squared difference from the global estimate over its SE."""
        if (
            self._coefs is None
            or self.global_coef is None
            or self.global_std_err is None  # set with global_coef, never alone
        ):
            return self._series(np.full(len(self.features), np.nan), "rmsd_ratio")
        rmsd = np.sqrt(((self._coefs - self.global_coef) ** 2).mean(axis=0))
        se = self.global_std_err
        usable = np.isfinite(se) & (se > 0)
        ratio = np.divide(rmsd, se, out=np.full(rmsd.shape, np.nan), where=usable)
        return self._series(ratio, "rmsd_ratio")

    @cached_property
    def relative_bias(self) -> pd.Series:
        """Relative conditional bias of the selected coefficients."""
        nan = np.full(len(self.features), np.nan)
        if self._coefs is None or self.global_coef is None:
            return self._series(nan, "relative_bias")
        times = self._supports.sum(axis=0)
        total = np.where(self._supports, self._coefs, 0.0).sum(axis=0)
        denominator = times * self.global_coef
        ratio = np.divide(total, denominator, out=nan.copy(), where=denominator != 0)
        return self._series(ratio - 1.0, "relative_bias")

    @cached_property
    def table(self) -> pd.DataFrame:
        """Global estimate and SE, selection on all rows, inclusion, RMSD, bias."""
        missing = np.full(len(self.features), np.nan)
        global_coef = missing if self.global_coef is None else self.global_coef
        global_se = missing if self.global_std_err is None else self.global_std_err
        selected_coef = (
            missing
            if self.selected_coef is None
            else np.where(self.selected, self.selected_coef, np.nan)
        )
        table = pd.DataFrame(
            {
                "global_coef": global_coef,
                "global_std_err": global_se,
                "selected_coef": selected_coef,
                "inclusion_pct": 100.0 * self.inclusion_frequency.to_numpy(),
                "rmsd_ratio": self.rmsd_ratio.to_numpy(),
                "relative_bias_pct": 100.0 * self.relative_bias.to_numpy(),
                "forced": np.isin(self.features, self.forced),
            },
            index=self._index(),
        )
        # forced features last: their 100% is not a stable selection
        return table.sort_values(
            ["forced", "inclusion_pct"], ascending=[True, False], kind="stable"
        )

    # -- output -----------------------------------------------------------------

    def summary(self, max_models: int = 10) -> Summary:
        """The inclusion table, the most frequent sets and notes on reading them.

        Parameters
        ----------
        max_models : int, default=10
            Selected sets shown, most frequent first.

        Returns
        -------
        summary : Summary
            Blocks "Bootstrap inclusion", "Model selection frequency" and
            "Notes".
        """
        seed = (
            ""
            if self.random_state is None
            else ", random_state=" + str(self.random_state)
        )
        skipped = sum(self.skipped.values())
        drawn = (
            "of the design (see Design below)"
            if self.resampling == "design"
            else "of all rows, drawn with replacement"
        )
        notes = [
            f"{self.n_bootstrap} bootstrap resamples {drawn}{seed}; "
            f"{self.n_fitted} fitted"
            + (f", {skipped} skipped ({_describe(self.skipped)})." if skipped else "."),
        ]
        if self.warned:
            notes.append(
                "Warnings caught in the refits (resamples affected): "
                f"{_describe(self.warned)}."
            )
        if {"SeparationWarning", "converged_ = False"} & set(self.warned):
            notes.append(
                "Coefficients of separated or unconverged refits are where the "
                "fit stopped, not estimates; they inflate the RMSD ratios and "
                "relative biases (for StepwiseLogit, penalty='firth' keeps them "
                "finite)."
            )
        selected = self._short_label(self.selected)
        if self.forced:
            selected += " (and the forced features)"
        share = self.model_frequency["percent"].get(self._label(self.selected), 0.0)
        coef_label, se_label = map(column_label, ("global_coef", "global_std_err"))
        notes += [
            f"Selected on all rows: {selected}; the same set in {share:.1f}% of "
            "resamples.",
            "Inclusion frequencies describe the selection's stability in this "
            "sample and are not tests. Near 100%: selected in nearly every "
            "resample; far below 100% for a feature selected on all rows: "
            "another sample of this size would often leave it out (for a real "
            "but modest association, the selection's power is low); a pure-noise "
            "feature is kept in about a quarter of resamples at p_remove = 0.10, "
            "not one in ten (resamples centre on this sample's estimates).",
            f"{coef_label} and {se_label}: the model with every feature and "
            "no selection"
            + (
                ""
                if self.std_err_kind is None
                else _SE_WORDS.get(
                    self.std_err_kind, f"; {se_label}: {self.std_err_kind}"
                ).format(se_label=se_label)
            )
            + f". {column_label('rmsd_ratio')} above 1: selection adds "
            "variability beyond the standard error without selection. "
            f"{column_label('relative_bias_pct')}: mean coefficient when "
            "selected over the coefficient without selection, minus 1 "
            "(positive: selected when the estimate happens to be large).",
            *self._near_zero_note(),
            "p-values of the model selected on all rows ignore the selection and "
            "are optimistic (too small); read them together with these "
            "frequencies.",
            *self.notes,
        ]
        inclusion = self.table.drop(columns="forced")
        if self.forced:
            notes.insert(
                1,
                "Forced into every model (marked 'forced'; their 100% inclusion is "
                f"by construction, not a stable selection): {', '.join(self.forced)}.",
            )
            inclusion.index = [
                f"{name} (forced)" if name in self.forced else name
                for name in inclusion.index
            ]
            inclusion.index.name = "feature"
        models = self.model_frequency.head(max_models)
        if self.forced:
            # the forced features are in every set: naming them in each row
            # repeats them in every column group of the text table
            short = {
                self._label(row): self._short_label(row)
                for row in np.unique(self._supports, axis=0)
            }
            models = models.rename(index=short)
            notes.insert(
                2,
                "Model selection frequency names the selectable features of "
                "each model; every model also holds the forced features: "
                f"{', '.join(self.forced)}.",
            )
        return Summary(
            f"Selection stability of {self.estimator_name} "
            f"(Heinze, Wallisch & Dunkler 2018)",
            [
                Block("Bootstrap inclusion", inclusion, name="inclusion"),
                Block(
                    f"Model selection frequency (top {len(models)})",
                    models,
                    name="model_frequency",
                ),
                Block("Notes", notes),
            ],
        )

    def plot(self, ax: Axes | None = None) -> Figure | SubFigure:
        """Bar chart of the bootstrap inclusion frequencies.

        Parameters
        ----------
        ax : matplotlib Axes, optional
            Where to draw; default a new figure.

        Returns
        -------
        figure : matplotlib Figure
            Features by inclusion (percent), those selected on all rows in a
            darker colour, forced ones in light grey labelled "forced".
        """
        if ax is None:
            plt = _pyplot()
            # wider than the bars: the legend sits to their right
            fig, ax = plt.subplots(figsize=(8, 0.5 * len(self.features) + 1.5))
        else:
            fig = ax.figure
        # most frequent at the top
        order = list(self.table.index[::-1])
        percent = 100.0 * self.inclusion_frequency[order].to_numpy()
        chosen = dict(zip(self.features, self.selected, strict=True))
        mask = np.array([chosen[f] for f in order], dtype=bool)
        forced = np.isin(order, self.forced)
        position = np.arange(len(order))
        # the bars read as the table does: one formatter for both
        kind = COLUMNS["inclusion_pct"].kind
        for keep, color, label, is_forced in (
            (mask & ~forced, "C0", "selected on all rows", False),
            (~mask & ~forced, "C7", "not selected on all rows", False),
            (forced, "0.85", "forced into every model", True),
        ):
            if keep.any():
                bars = ax.barh(position[keep], percent[keep], color=color, label=label)
                texts = [
                    "forced" if is_forced else format_cell(value, kind)
                    for value in percent[keep]
                ]
                ax.bar_label(bars, labels=texts, padding=2)
        ax.set_yticks(position, order)
        ax.set_xlim(0, 112)
        ax.set_xlabel("bootstrap inclusion frequency (%)")
        ax.set_title(f"Inclusion in {self.n_fitted} bootstrap resamples")
        outside_legend(ax)
        fig.tight_layout()
        return fig

    # -- helpers ------------------------------------------------------------------

    def _index(self):
        return pd.Index(self.features, name="feature")

    def _series(self, values, name):
        return pd.Series(values, index=self._index(), name=name)

    def _label(self, support):
        chosen = [f for f, keep in zip(self.features, support, strict=True) if keep]
        return " + ".join(chosen) or _NONE_SELECTED

    def _short_label(self, support):
        """The selected features but the forced ones."""
        chosen = [
            f
            for f, keep in zip(self.features, support, strict=True)
            if keep and f not in self.forced
        ]
        return " + ".join(chosen) or (
            "(the forced features only)" if self.forced else _NONE_SELECTED
        )

    def _near_zero_note(self):
        """The features whose relative bias divides by a global estimate near 0."""
        p_values = self.global_p_value
        bias = self.relative_bias
        weak = []
        for name in self.table.index:
            if p_values[name] >= 0.05 and np.isfinite(bias[name]):
                shown = format_pvalue(p_values[name])
                weak.append(f"{name} (p {'' if shown[0] in '<>' else '= '}{shown})")
        if not weak:
            return []
        return [
            f"{column_label('relative_bias_pct')} of {', '.join(weak)} divides by "
            "a coefficient without selection that its Wald test does not "
            "distinguish from 0 (not significant at 5%): it should not be read "
            "as a bias (it can run to hundreds of percent either way)."
        ]
