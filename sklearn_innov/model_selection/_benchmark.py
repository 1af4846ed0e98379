"""Predictive benchmarking of a binary outcome (innovation propensity, by default).

Repeated stratified k-fold cross-validation of the paper's pipeline
(CompositeIndex -> StepwiseLogit) against common classifiers and a nested
grid search over index specifications, every model on the same folds, with
Nadeau and Bengio's corrected resampled t-test of each model against a
reference (the paper's pipeline by default) and Holm's adjustment of those
p-values for the number of comparisons. Selection and index construction
happen inside each training fold. Every model sees the items of the
explanatory indices only: never the target, never the outcome's items.
"""

from __future__ import annotations

import json
import logging
import sys
import time
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

import numpy as np
import pandas as pd
from sklearn import config_context
from sklearn.base import BaseEstimator
from sklearn.exceptions import FitFailedWarning
from sklearn.utils.validation import has_fit_parameter

from .._core._survey import mean_one
from ..datasets import PAPER_SPEC, make_sme_survey
from ..diagnostics import corrected_resampled_ttest, holm_adjusted
from ..exceptions import (
    ConstantItemWarning,
    MissingIndexWarning,
    SeparationWarning,
    SklearnInnovWarning,
    SpecError,
)
from ..linear_model import StepwiseLogit
from ..preprocessing import CompositeIndex
from ..preprocessing._composite import rows_with_missing_index
from ..preprocessing._minmax import constant_item
from ..preprocessing._named_spec import SPEC_TYPES
from ..preprocessing._spec import drop_missing_target, validate_document
from ..summary import Block, Summary, format_pvalue
from ..utils._output import slugify
from ..utils._validation import check_sample_weight, format_value
from ..utils._warnings import warn
from ._search import NamedSpec

#: The spec document of the embedded synthetic survey's benchmark.
DEFAULT_DOCUMENT: dict[str, Any] = {
    "indices": PAPER_SPEC,
    "model": {"outcome": "Y", "target": "innovated"},
    "labels": {"event": "innovation"},
}


class _Provenance(Protocol):
    """What :attr:`BenchmarkResult.provenance` needs (``report.Provenance``)."""

    def summary(self, *, written: bool = ...) -> Summary: ...

    def to_dict(self) -> dict[str, Any]: ...


if TYPE_CHECKING:
    import os
    from collections.abc import Sequence

    from numpy.typing import ArrayLike

__all__ = [
    "BenchmarkResult",
    "BenchmarkSpec",
    "benchmark_from_spec",
    "benchmark_models",
    "benchmark_spec",
    "run_benchmark",
]

logger = logging.getLogger(__name__)

METRICS = {
    "roc_auc": "roc_auc",
    "accuracy": "accuracy",
    "balanced_accuracy": "balanced_accuracy",
    "brier": "neg_brier_score",
    "log_loss": "neg_log_loss",
}
LOSSES = ("brier", "log_loss")
METRIC_LABELS = {"roc_auc": "ROC AUC"}
REFERENCE = "StepwiseLogit"
# the model on raw items, which imputes missing answers (the others rescale)
RAW_ITEMS = "LogisticRegression[l1, raw items]"
MISSING_WORDS = {
    "rescale": "rescale each index from its answered items",
    "nan": "rescale each index from its answered items, leaving out a row with "
    "none, counted above",
    "error": "refuse them",
}
# [model] defaults of validate_document that the benchmark reads
DEFAULT_OUTCOME, DEFAULT_TARGET = "Y", "innovated"
ALPHA = 0.05
# decimals of the scores' table; a standard deviation below NOISE times the
# scores' scale is floating-point noise, printed as 0
DECIMALS, NOISE = 4, 1e-12


class BenchmarkSpec(NamedTuple):
    """What the benchmark takes from a spec document (see :func:`benchmark_spec`).

    Parameters
    ----------
    mechanisms : dict
        The explanatory indices (every index but the outcome): name to items.
    outcome : str or None
        The ``[model] outcome`` whose items are withheld; None when the spec
        names none and has no index "Y".
    target : str
        The binary column predicted.
    features : list of str
        The columns every model is given: the mechanisms' items, in spec order.
    withheld : list of str
        The target and the outcome's items (or the outcome column), never
        given to a model.
    index : dict
        ``[index]``: :class:`~sklearn_innov.CompositeIndex`
        keyword arguments.
    labels : dict
        ``[labels]`` with their defaults.

    Examples
    --------
    >>> from sklearn_innov.datasets import PAPER_SPEC, make_sme_survey
    >>> from sklearn_innov.model_selection import benchmark_spec
    >>> survey = make_sme_survey(random_state=0).frame
    >>> model = {"outcome": "Y", "target": "innovated"}
    >>> document = {"indices": PAPER_SPEC, "model": model}
    >>> spec = benchmark_spec(document, survey)
    >>> type(spec).__name__, spec.target, list(spec.mechanisms)
    ('BenchmarkSpec', 'innovated', ['X1', 'X2', 'X3', 'X4'])
    >>> len(spec.features), spec.withheld[:2]
    (26, ['innovated', 'innov_product'])
    """

    mechanisms: dict
    outcome: str | None
    target: str
    features: list
    withheld: list
    index: dict  # type: ignore[assignment]  # shadows tuple.index on purpose
    labels: dict


def benchmark_spec(
    document: Mapping[str, Any], frame: pd.DataFrame, source: str = "spec"
) -> BenchmarkSpec:
    """Check a spec document for the benchmark and name the feature columns.

    The benchmark predicts ``[model] target`` and needs no ``[model]
    outcome``. When the document names one (or, naming none, has an index
    "Y", the default outcome), the outcome's items are withheld from every
    model, as is the target: the features are the items of the other
    indices and nothing else, whatever else the data hold.

    Parameters
    ----------
    document : dict
        Spec document (see :func:`~sklearn_innov.preprocessing.read_spec_document`).
    frame : DataFrame
        The survey.
    source : str, default="spec"
        Where the document came from, for error messages.

    Returns
    -------
    spec : BenchmarkSpec
        The checked spec: explanatory indices, target, feature columns.

    Raises
    ------
    SpecError
        What the spec's checks refuse
        (the outcome apart), no target column, or an explanatory index that
        holds the target or an item of the outcome (a leak into the features).

    Examples
    --------
    >>> import pandas as pd
    >>> from sklearn_innov.model_selection import benchmark_spec
    >>> survey = pd.DataFrame({"q1": [1, 2, 3, 4], "q2": [2, 2, 3, 5],
    ...                        "r1": [0, 1, 1, 1], "won": [0, 1, 0, 1]})
    >>> document = {"indices": {"A": ["q1", "q2"], "R": ["r1"]},
    ...             "model": {"outcome": "R", "target": "won"}}
    >>> spec = benchmark_spec(document, survey)
    >>> spec.features, spec.withheld
    (['q1', 'q2'], ['won', 'r1'])
    """
    if not isinstance(document, dict) or not isinstance(
        document.get("model", {}), dict
    ):
        validate_document(document, frame, source)  # raises its own message
    model = dict(document.get("model", {}))
    target = model.get("target", DEFAULT_TARGET)
    no_target = "target" not in model and target not in frame.columns
    indices = document.get("indices")
    if "outcome" not in model and not (
        isinstance(indices, dict) and DEFAULT_OUTCOME in indices
    ):
        # No outcome: validate_document wants one, and a column (the target,
        # never an index) stands in for it, so every index stays a feature group.
        model["outcome"] = frame.columns[0] if no_target else target
    try:
        analysis = validate_document({**document, "model": model}, frame, source)
    except SpecError as exc:
        # the checks before it passed: say what the benchmark needs
        if no_target and f"[model] target {target!r} is not a column" in str(exc):
            raise SpecError(
                f"{source}: the benchmark predicts [model] target, and the "
                f"default {DEFAULT_TARGET!r} is not a column of the data; add "
                '[model] with target = "<the 0/1 column>" ([model] outcome is '
                "optional)."
            ) from None
        raise
    outcome = None if analysis.outcome == analysis.target else analysis.outcome
    mechanisms = {k: v for k, v in analysis.spec.items() if k != outcome}
    withheld = {analysis.target: "the target"}
    if outcome in analysis.spec:
        for item in analysis.spec[outcome]:
            withheld.setdefault(item, f"an item of the outcome {outcome!r}")
    elif outcome is not None:
        withheld.setdefault(outcome, "the outcome")
    for name, items in mechanisms.items():
        leaks = [item for item in items if item in withheld]
        if leaks:
            raise SpecError(
                f"{source}: index {name!r} holds {leaks[0]!r}, "
                f"{withheld[leaks[0]]}: the benchmark would give it to every "
                f"model as a feature (a leak); take it out of {name!r} in "
                "[indices]."
            )
    features = list(dict.fromkeys(i for items in mechanisms.values() for i in items))
    return BenchmarkSpec(
        mechanisms,
        outcome,
        analysis.target,
        features,
        list(withheld),
        analysis.index,
        analysis.labels,
    )


def _alternative_specs(spec):
    """The spec as given and one with X1's digital and attitude items moved to X3.

    Named (:class:`NamedSpec`), so the grid search's ``cv_results_`` read
    "as specified" and "X1's digital, attitude items in X3".
    """
    alternatives = [NamedSpec("as specified", spec)]
    moved = [
        item
        for item in ("digital_links", "willingness_innovate")
        if item in spec.get("X1", [])
    ]
    if moved and "X3" in spec:
        alt = {k: list(v) for k, v in spec.items()}
        alt["X1"] = [i for i in alt["X1"] if i not in moved]
        alt["X3"] = alt["X3"] + moved
        alternatives.append(NamedSpec(f"{', '.join(moved)} in X3", alt))
    return alternatives


def benchmark_models(
    spec: Mapping[str, Sequence[str]],
    items: Sequence[str],
    random_state: int | None = 0,
    index_settings: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The models compared, labelled by their estimator's class name.

    Parameters
    ----------
    spec : dict
        Index spec of the learning mechanisms (without the outcome index).
    items : list of str
        Every item column, for the models on raw items.
    random_state : int
        Seed of the models that draw random numbers.
    index_settings : dict, optional
        :class:`~sklearn_innov.CompositeIndex` keyword arguments (the spec file's
        ``[index]`` table), used by every model built on the indices. Its
        per-item ``bounds`` and ``reverse`` are kept for the items of
        ``spec`` only: the outcome's items, which the benchmark withholds,
        are not columns of the models' X.

    Returns
    -------
    models : dict of str to estimator
        Unfitted estimators by label, the paper's pipeline first.

    Examples
    --------
    >>> from sklearn_innov.datasets import PAPER_SPEC, make_sme_survey
    >>> from sklearn_innov.model_selection import benchmark_models, benchmark_spec
    >>> survey = make_sme_survey(random_state=0).frame
    >>> model = {"outcome": "Y", "target": "innovated"}
    >>> document = {"indices": PAPER_SPEC, "model": model}
    >>> spec = benchmark_spec(document, survey)
    >>> models = benchmark_models(spec.mechanisms, spec.features, random_state=0)
    >>> list(models)[:3]
    ['StepwiseLogit', 'LogisticRegression', 'LogisticRegression[l1, raw items]']
    """
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.dummy import DummyClassifier
    from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GridSearchCV, StratifiedKFold
    from sklearn.naive_bayes import GaussianNB
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer, StandardScaler
    from sklearn.svm import SVC

    settings = _settings_for(index_settings or {}, spec)

    def indices():
        return CompositeIndex(spec=spec, **settings)

    # the raw items, selected by a plain function: scikit-learn 1.6's
    # ColumnTransformer fails under joblib's dask backend
    raw = FunctionTransformer(_select_columns, kw_args={"columns": list(items)})
    search = GridSearchCV(
        make_pipeline(indices(), StepwiseLogit()),
        {
            "compositeindex__spec": _alternative_specs(spec),
            # declared bounds validate and reverse-key items under either
            "compositeindex__normalize": ["minmax", "zscore"],
        },
        cv=StratifiedKFold(3, shuffle=True, random_state=random_state),
        scoring="roc_auc",
    )
    return {
        REFERENCE: make_pipeline(indices(), StepwiseLogit()),
        "LogisticRegression": make_pipeline(
            indices(), LogisticRegression(max_iter=1000)
        ),
        RAW_ITEMS: make_pipeline(
            raw,
            # missing answers: the item's median (the index models rescale)
            SimpleImputer(strategy="median"),
            StandardScaler(),
            _l1_logistic(random_state),
        ),
        "RandomForestClassifier": make_pipeline(
            indices(),
            RandomForestClassifier(n_estimators=200, random_state=random_state),
        ),
        "HistGradientBoostingClassifier": make_pipeline(
            indices(), HistGradientBoostingClassifier(random_state=random_state)
        ),
        "SVC": make_pipeline(
            indices(),
            StandardScaler(),
            CalibratedClassifierCV(SVC(random_state=random_state), ensemble=False),
        ),
        "KNeighborsClassifier": make_pipeline(
            indices(), StandardScaler(), KNeighborsClassifier(n_neighbors=15)
        ),
        "GaussianNB": make_pipeline(indices(), GaussianNB()),
        "DummyClassifier": DummyClassifier(strategy="prior"),
        "GridSearchCV(StepwiseLogit)": search,
    }


def _settings_for(index_settings, spec):
    """``[index]`` settings with per-item ``bounds`` and ``reverse`` kept for
    the items of ``spec``: a withheld item named there is no column of the
    models' X, and CompositeIndex rejects it (in every fold)."""
    settings = dict(index_settings)
    items = {item for group in spec.values() for item in group}
    if isinstance(settings.get("bounds"), Mapping):
        settings["bounds"] = {
            item: pair for item, pair in settings["bounds"].items() if item in items
        } or None
    if settings.get("reverse") is not None:
        settings["reverse"] = [i for i in settings["reverse"] if i in items] or None
    return settings


def _select_columns(X, columns):
    """The named columns of a DataFrame (the raw items of the L1 model)."""
    return X[columns]


def _l1_logistic(random_state):
    """L1 logistic regression, spelled for the installed scikit-learn.

    scikit-learn 1.8 deprecated ``penalty`` in favour of ``l1_ratio``; 1.6 and
    1.7 read only ``penalty``. liblinear's default tolerance (1e-4) stops
    at a point that depends on its coordinate order (coefficients moved by
    2e-4 between identical fits here); solved to 1e-10 the optimum is unique
    and the scores do not depend on ``n_jobs`` or the process.
    """
    import sklearn
    from sklearn.linear_model import LogisticRegression

    options = {"solver": "liblinear", "C": 0.5, "tol": 1e-10, "max_iter": 10_000}
    major, minor = (int(part) for part in sklearn.__version__.split(".")[:2])
    if (major, minor) >= (1, 8):
        return LogisticRegression(l1_ratio=1.0, random_state=random_state, **options)
    return LogisticRegression(penalty="l1", random_state=random_state, **options)


class _RepeatedStratifiedGroupKFold:
    """Repeated :class:`~sklearn.model_selection.StratifiedGroupKFold`.

    scikit-learn has no repeated form of it (1.6 to 1.9). Each repeat
    shuffles the groups with its own seed, drawn once from ``random_state``
    (so the repeats differ and the same ``random_state`` gives the same
    folds); every group (a survey's PSU) is whole in one test fold, and the
    folds are stratified on ``y`` as far as the groups allow.

    The shuffle is scikit-learn 1.7's (``StratifiedGroupKFold(shuffle=True,
    random_state=seed)``: the groups renumbered in the order of
    ``RandomState(seed).shuffle``), done here before an unshuffled split, so
    that the folds are the same on every supported scikit-learn: 1.6's
    ``shuffle=True`` moved the groups' class counts without their rows and
    left its folds barely stratified (an event share 4.8 points off the
    sample's in a test fold of 200 PSUs, against 0.7 after the fix).
    """

    def __init__(self, n_splits=5, n_repeats=10, random_state=None):
        self.n_splits = n_splits
        self.n_repeats = n_repeats
        self.random_state = random_state

    def __repr__(self):
        return (
            f"{type(self).__name__}(n_splits={self.n_splits}, "
            f"n_repeats={self.n_repeats}, random_state={self.random_state!r})"
        )

    def get_n_splits(self, X=None, y=None, groups=None):
        return self.n_splits * self.n_repeats

    def split(self, X, y, groups):
        from sklearn.model_selection import StratifiedGroupKFold
        from sklearn.utils import check_random_state

        if groups is None:
            raise ValueError(
                "run_benchmark: the group folds need groups= (one group label "
                "per row, e.g. the survey's PSU)."
            )
        # an int gives the same seeds at every call; a RandomState instance
        # moves on, as in scikit-learn's repeated splitters
        rng = check_random_state(self.random_state)
        seeds = rng.randint(np.iinfo(np.int32).max, size=self.n_repeats)
        codes = np.unique(np.asarray(groups), return_inverse=True)[1].ravel()
        n_groups = int(codes.max()) + 1 if codes.size else 0
        folds = StratifiedGroupKFold(n_splits=self.n_splits)
        for seed in seeds:
            order = np.arange(n_groups)
            np.random.RandomState(int(seed)).shuffle(order)
            # group order[j] is numbered j, as scikit-learn 1.7's shuffle
            renumbered = np.empty_like(order)
            renumbered[order] = np.arange(n_groups)
            yield from folds.split(X, y, renumbered[codes])


class BenchmarkResult:
    """Every fold's scores, with the summary table and the files to write.

    Parameters
    ----------
    scores : DataFrame
        One row per model and fold: ``model``, ``repeat``, ``fold`` and one
        column per metric (losses as losses).
    n_train, n_test : int
        Rows of a training and of a test fold (for the corrected t-test).
    description : str
        The data and the folds, in words.
    title : str, optional
        Title of the summary; default: "Predictive benchmark".
    reference : str, optional
        The model every other is tested against; default "StepwiseLogit"
        (the paper's pipeline) when it is among the models, else none.
    metric : str, default="roc_auc"
        The score column the tests compare (a column of ``scores``; greater
        is better, as every scikit-learn scorer).

    Attributes
    ----------
    reference : str or None
    metric : str
    metrics : list of str
        The score columns, in order.
    provenance : Provenance or None
        What made the benchmark (:class:`sklearn_innov.report.Provenance`,
        set by ``sklearn-innov benchmark``; None by default): when set, the
        summary ends with it and :meth:`write` saves ``provenance.json``.

    Examples
    --------
    >>> from sklearn.dummy import DummyClassifier
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sklearn_innov.model_selection import benchmark_from_spec
    >>> models = {
    ...     "logit": make_pipeline(StandardScaler(), LogisticRegression()),
    ...     "prior": DummyClassifier(strategy="prior"),
    ... }
    >>> result = benchmark_from_spec(
    ...     repeats=1, folds=3, models=models, reference="prior"
    ... )
    >>> type(result).__name__
    'BenchmarkResult'
    >>> print(result.readings()[0])
    logit: ROC AUC 0.137 higher than prior (0.637 vs 0.500); not significant at
    5% after Holm's adjustment for 1 comparison (Holm p = 0.145; unadjusted
    p = 0.145, corrected resampled t = 2.33, df = 2).
    """

    def __init__(
        self,
        scores: pd.DataFrame,
        n_train: int,
        n_test: int,
        description: str,
        title: str | None = None,
        *,
        reference: str | None = None,
        metric: str = "roc_auc",
    ) -> None:
        self.scores = scores
        self.n_train = n_train
        self.n_test = n_test
        self.description = description
        self.title = title or "Predictive benchmark"
        labels = list(dict.fromkeys(scores["model"]))
        if reference is None:
            reference = REFERENCE if REFERENCE in labels else None
        elif reference not in labels:
            raise ValueError(
                f"BenchmarkResult: reference {reference!r} is not one of the "
                f"models: {labels}."
            )
        self.reference = reference
        self.metrics = [
            c for c in scores.columns if c not in ("model", "repeat", "fold")
        ]
        if metric not in self.metrics:
            raise ValueError(
                f"BenchmarkResult: metric {metric!r} is not a score column: "
                f"{self.metrics}."
            )
        self.metric = metric
        self.provenance: _Provenance | None = None
        # each model's first fit failure ("ValueError: ..."), when the
        # benchmark ran the fits (run_benchmark): the summary says why
        self._failures: dict[str, str] = {}
        # the survey benchmark_from_spec read or drew, its rows left out
        # dropped: the rows used, for the provenance (no second draw)
        self._data: pd.DataFrame | None = None

    def __repr__(self):
        models = list(dict.fromkeys(self.scores["model"]))
        folds = len(self.scores) // max(len(models), 1)
        repeats = self.scores["repeat"].nunique() if "repeat" in self.scores else 1
        layout = f" ({repeats} x {folds // repeats})" if repeats > 1 else ""
        return (
            f"BenchmarkResult(models={models}, folds={folds}{layout}, "
            f"reference={self.reference!r}, metric={self.metric!r})"
        )

    @property
    def _label(self):
        """The compared metric in words: 'ROC AUC', or the scorer's name."""
        return METRIC_LABELS.get(self.metric, self.metric)

    def _auc(self, model):
        return self.scores.loc[self.scores["model"] == model, self.metric].to_numpy()

    def comparisons(self) -> pd.DataFrame:
        """Each model's score (``metric``) against the reference's, fold by fold.

        Returns
        -------
        table : DataFrame
            One row per model other than the reference: ``mean difference``
            (model minus reference), ``t``, ``df``, ``p`` (Nadeau and
            Bengio's corrected resampled t-test, two-sided), ``Holm p``
            (adjusted over the comparisons made) and ``not tested`` (why
            there is no test: "failed", "reference failed", "identical",
            "constant"; None when tested). Empty without a reference.
        """
        columns = ["mean difference", "t", "df", "p", "Holm p", "not tested"]
        labels = [m for m in dict.fromkeys(self.scores["model"]) if m != self.reference]
        if self.reference is None or not labels:
            return pd.DataFrame(columns=columns, index=pd.Index([], name="model"))
        base = self._auc(self.reference)
        rows = []
        for model in labels:
            scores = self._auc(model)
            row: dict[str, Any] = dict.fromkeys(columns, np.nan)
            row["not tested"] = None
            if not np.isfinite(base).all():
                row["not tested"] = "reference failed"
            elif not np.isfinite(scores).all():
                row["not tested"] = "failed"
            else:
                test = corrected_resampled_ttest(
                    scores, base, self.n_train, self.n_test
                )
                row.update(
                    {
                        "mean difference": test["mean_difference"],
                        "t": test["t"],
                        "df": test["df"],
                        "p": test["pvalue"],
                    }
                )
                if np.isnan(test["t"]):
                    # equal differences in every fold: no variance, t is 0/0
                    same = np.array_equal(scores, base)
                    row["not tested"] = "identical" if same else "constant"
            rows.append(row)
        table = pd.DataFrame(rows, index=pd.Index(labels, name="model"))
        # object, so that None stays None: pandas 3 reads a column of None and
        # text as strings with NaN, and the readings then skipped every model
        table["not tested"] = pd.Series(
            [row["not tested"] for row in rows], index=table.index, dtype=object
        )
        table["Holm p"] = holm_adjusted(table["p"].to_numpy(dtype=float))
        return table[columns]

    def table(self) -> pd.DataFrame:
        """Mean and standard deviation over folds, and the tests against the reference.

        A standard deviation below 1e-12 of the scores' scale (the largest
        absolute score) is floating-point noise around equal scores (a
        DummyClassifier's accuracy on folds of equal shares): it is 0.

        Returns
        -------
        table : DataFrame
            One row per model; with a reference, the columns ``t vs REF``,
            ``p vs REF`` and ``Holm p vs REF`` of :meth:`comparisons` (NaN on
            the reference's row and where no test was made).
        """
        rows = []
        for model, frame in self.scores.groupby("model", sort=False):
            row = {"model": model}
            for metric in self.metrics:
                values = frame[metric].to_numpy(dtype=float)
                std = frame[metric].std(ddof=1)
                if std < NOISE * np.nanmax(np.abs(values), initial=0.0):
                    std = 0.0
                row[f"{metric} mean"] = frame[metric].mean()
                row[f"{metric} std"] = std
            rows.append(row)
        table = pd.DataFrame(rows).set_index("model")
        if self.reference is not None:
            tests = self.comparisons()
            for column, name in (("t", "t"), ("p", "p"), ("Holm p", "Holm p")):
                table[f"{name} vs {self.reference}"] = tests[column].reindex(
                    table.index
                )
        return table

    def readings(self) -> list[str]:
        """One sentence per comparison with the reference, read from the Holm p.

        Returns
        -------
        lines : list of str
            The readings, in the table's order.
        """
        reference = self.reference
        tests = self.comparisons()
        made = int(tests["Holm p"].notna().sum())
        base = float(np.mean(self._auc(reference))) if reference else np.nan
        lines = []
        for model, row in tests.iterrows():
            if row["not tested"] is not None:
                continue
            mean = float(np.mean(self._auc(model)))
            difference = abs(row["mean difference"])
            digits = _digits_apart(mean, base)
            if digits is None:
                direction = f"{self._label} equal to {reference}'s to six decimals"
                digits = 3
            else:
                side = "higher" if row["mean difference"] > 0 else "lower"
                direction = (
                    f"{self._label} {difference:.{digits}f} {side} than {reference}"
                )
            verdict = "significant" if row["Holm p"] <= ALPHA else "not significant"
            lines.append(
                f"{model}: {direction} ({mean:.{digits}f} vs {base:.{digits}f}); "
                f"{verdict} at "
                f"{ALPHA:.0%} after Holm's adjustment for {_count(made, 'comparison')} "
                f"({_p('Holm p', row['Holm p'])}; {_p('unadjusted p', row['p'])}, "
                "corrected resampled t = "
                f"{row['t']:.2f}, df = {int(row['df'])})."
            )
        failed = self._failed_everywhere()
        if failed:
            verb = "fails" if len(failed) == 1 else "fail"
            line = (
                f"{_names(failed, limit=len(failed))} {verb} to fit in every fold "
                "(scored NaN; the FitFailedWarning lines say why): no score"
            )
            if reference in failed:
                line += f", and no model is compared with {reference}"
            elif reference is not None:
                line += f" and no test against {reference}"
            lines.append(line + ".")
        return lines

    def _failed_everywhere(self):
        """The models scored NaN in every fold, in the table's order."""
        finite = np.isfinite(self.scores[self.metric].to_numpy(dtype=float))
        scored = pd.Series(finite).groupby(self.scores["model"].to_numpy(), sort=False)
        return [model for model, ok in scored.any().items() if not ok]

    def _notes(self):
        reference = self.reference
        tests = self.comparisons()
        notes = [self.description]
        if set(LOSSES) <= set(self.metrics):
            notes.append("Brier score and log loss are losses (lower is better).")
        if reference is None:
            notes.append(
                "No model is compared with another: none is labelled "
                f"{REFERENCE!r} (the paper's pipeline) and no reference was "
                "chosen; run_benchmark(reference=LABEL) (sklearn-innov "
                "benchmark --reference LABEL) tests every model against LABEL."
            )
        else:
            made = int(tests["Holm p"].notna().sum())
            family = _count(made, "comparison")
            text = (
                "t and p: Nadeau & Bengio's corrected resampled t-test of each "
                f"model's {self._label} against {reference}'s, paired by fold. Holm p: "
                "those p-values adjusted by Holm's step-down method for the "
                f"{family} made, so that the chance of one or more false "
                f"'significant' readings among them is at most {ALPHA:.0%}; the "
                "readings use the Holm p."
            )
            if made == 0:
                text = (
                    f"No model could be tested against {reference} (the notes "
                    "below say why): there is no t, p or Holm p."
                )
            elif made > 1:
                chance = 1 - (1 - ALPHA) ** made
                text += (
                    " An unadjusted p holds for one comparison alone: read at "
                    f"{ALPHA:.0%}, {made} of them give one or more false "
                    "'significant' readings more often (for independent tests "
                    f"with no real difference, {chance:.0%} of the time)."
                )
            notes.append(text)
        selection = (
            "Every model is fitted on the training fold alone: index "
            "construction and the stepwise selection are refitted inside every "
            "training fold (and in the grid search's inner folds), so the scores "
            "measure the whole procedure, selection included, on rows it did not "
            "see."
        )
        if reference is not None:
            selection += (
                " The tests compare procedures on these folds; they are not tests "
                "of the coefficients of a model selected on all the rows, whose "
                "p-values selection makes optimistic."
            )
        notes.append(selection)
        why = {
            "identical": (
                "scored exactly the {label} of {ref} in every fold (as identical "
                "predictions do: e.g. a grid search whose only candidate, or "
                "chosen candidate, is {ref}'s own pipeline), so the corrected "
                "t-test is undefined (the differences have no variance): no t "
                "or p, and it is not counted in Holm's adjustment."
            ),
            "constant": (
                "differs from {ref} by the same {label} in every fold, so the "
                "corrected t-test is undefined (the differences have no "
                "variance): no t or p, and it is not counted in Holm's "
                "adjustment."
            ),
            "reference failed": (
                "is not compared: {ref} failed to fit in some folds, so no "
                "paired test can be made."
            ),
        }
        for model, reason in tests["not tested"].items():
            if reason in why:
                text = why[reason].format(ref=reference, label=self._label)
                notes.append(f"{model} {text}")
        failed = self.scores[~np.isfinite(self.scores[self.metric])]
        for model, count in failed.groupby("model", sort=False).size().items():
            total = int((self.scores["model"] == model).sum())
            rest = (
                "it has no score and no t-test"
                if count == total
                else "its means cover the other folds and it has no t-test"
            )
            notes.append(
                f"{model} failed to fit in {count} of {total} folds (scored NaN; "
                f"scikit-learn's FitFailedWarning says why): {rest}."
            )
        return notes

    def summary(self, *, written: bool = False) -> Summary:
        """The table, the readings of the tests and the notes.

        Parameters
        ----------
        written : bool, default=False
            Whether the result is written to a folder (:meth:`write`, which
            passes True), with provenance.json beside it; the provenance
            section says where the spec is kept in full accordingly.

        Returns
        -------
        summary : Summary
            Printable as text, Markdown, HTML or LaTeX.
        """
        readings = self.readings()
        failed = self._failed_everywhere()
        blocks = []
        # the means, standard deviations and t in fixed decimals (as the
        # table prints them): never 2.170e-03 beside 0.0116
        table = self.table()
        fixed = [c for c in table.columns if not c.startswith(("p vs", "Holm p vs"))]
        table[fixed] = table[fixed].round(DECIMALS)
        if failed:
            # a failure leads, and the tables hold only what was scored: no
            # blank rows (or blank test columns) under the usual headings
            lead = [readings.pop()]
            lead += [
                f"{label}: {self._failures[label]}"
                for label in failed
                if label in self._failures
            ]
            blocks.append(Block("Failed in every fold", lead))
            table = table.drop(index=failed)
            if self.reference in failed:
                table = table.drop(
                    columns=[c for c in table.columns if c.endswith(self.reference)]
                )
        if len(table):
            blocks.append(Block("Cross-validated scores", table, name="benchmark"))
        if readings:
            blocks.append(Block(f"Compared with {self.reference}", readings))
        blocks.append(Block("Notes", self._notes()))
        if self.provenance is not None:
            blocks += self.provenance.summary(written=written).blocks
        return Summary(self.title, blocks)

    def write(self, directory: str | os.PathLike[str]) -> list[Path]:
        """Write benchmark.md, every fold's scores as CSV and a box plot PNG.

        With a ``provenance``, ``provenance.json`` too (every field, the
        spec in full).

        Parameters
        ----------
        directory : str or Path
            Folder to write into (created if missing).

        Returns
        -------
        paths : list of Path
            The files written.
        """
        from ..utils._plotting import pyplot as _pyplot

        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        paths = [directory / "benchmark_folds.csv", directory / "benchmark.md"]
        self.scores.to_csv(paths[0], index=False)
        summary = self.summary(written=self.provenance is not None)
        paths[1].write_text(summary.as_markdown(1), encoding="utf-8")
        paths += summary.to_csv(directory)
        if self.provenance is not None:
            path = directory / "provenance.json"
            fields = self.provenance.to_dict()
            path.write_text(
                json.dumps(fields, indent=2, ensure_ascii=False) + "\n",
                encoding="utf-8",
            )
            paths.append(path)
        import importlib.util

        if importlib.util.find_spec("matplotlib") is None:
            print(
                "box plot skipped: matplotlib is not installed "
                "(pip install 'sklearn-innov[plot]')",
                file=sys.stderr,
            )
            return paths
        plt = _pyplot()
        fig, ax = plt.subplots(figsize=(9, 5))
        labels = list(dict.fromkeys(self.scores["model"]))
        data = [self.scores.loc[self.scores["model"] == m, self.metric] for m in labels]
        ax.boxplot(data)
        ax.set_xticks(range(1, len(labels) + 1), labels, rotation=35, ha="right")
        ax.set_ylabel(f"{self._label} (test folds)")
        ax.set_title(f"{self._label} per model, on the same folds")
        fig.tight_layout()
        path = directory / f"benchmark_{slugify(self.metric)}.png"
        fig.savefig(path, dpi=110)
        plt.close(fig)  # pyplot keeps a figure until it is closed
        paths.append(path)
        return paths


def _imputation_note(X, index_settings, models):
    """What each model does with a missing answer, said in the description."""
    rows = int(X.isna().any(axis=1).sum())
    policy = index_settings.get("missing", "rescale")
    note = (
        f" Missing answers: {rows:,} of {len(X):,} rows have one or more; the models "
        f"on the indices {MISSING_WORDS[policy]} ([index] missing = {policy!r})"
    )
    if RAW_ITEMS in models:
        note += (
            f", and {RAW_ITEMS} imputes each item's median on the training fold "
            "(SimpleImputer(strategy='median'))"
        )
    return note + "."


_DEPRECATED = ("frame", "document", "repeats", "folds")


def run_benchmark(
    X: Any = None,
    y: ArrayLike | None = None,
    *,
    groups: ArrayLike | None = None,
    cv: Any = None,
    scoring: Any = None,
    reference: str | None = None,
    models: Mapping[str, Any] | None = None,
    extra_models: Mapping[str, Any] | None = None,
    sample_weight: ArrayLike | None = None,
    n_jobs: int | None = None,
    random_state: int | None = None,
    progress: bool = True,
    spec: Any = None,
    **deprecated: Any,
) -> BenchmarkResult:
    """Cross-validate every model on the same folds and test each against one.

    scikit-learn's shape: the feature columns ``X``, the binary target ``y``,
    and ``cv`` and ``scoring`` as :func:`~sklearn.model_selection.cross_validate`
    takes them. Every model is fitted on the same training folds and scored
    on the same test folds; each is compared with the ``reference`` by Nadeau
    and Bengio's corrected resampled t-test on the first metric, with Holm's
    adjustment for the number of comparisons. For a survey described by a
    spec document (what ``sklearn-innov benchmark`` runs), see
    :func:`benchmark_from_spec`.

    Parameters
    ----------
    X : DataFrame or array-like of shape (n_samples, n_features)
        The features, given to every model as they are (a DataFrame stays a
        DataFrame). The default models build composite indices from the
        columns that ``spec`` names.
    y : array-like of shape (n_samples,)
        The target; two classes with the default ``scoring`` (the event is
        the second in sorted order, as a classifier's ``classes_[1]``).
    groups : array-like of shape (n_samples,), default=None
        A group label per row (a clustered sample's PSU: a school, a firm's
        region), passed to ``cv.split`` as
        :func:`~sklearn.model_selection.cross_validate` passes it. With
        ``cv=None`` the folds keep each group whole in one test fold: 10
        repeats of scikit-learn's ``StratifiedGroupKFold``
        (5 folds, shuffled, one seed per repeat drawn from
        ``random_state``), stratified on ``y`` as far as the groups allow.
        A ``cv`` that ignores groups (an int: stratified k-fold) draws its
        folds on rows.
    cv : int, cross-validation generator or iterable, default=None
        As :func:`~sklearn.model_selection.cross_validate`: an int is
        stratified k-fold; None is 10 repeats of stratified 5-fold,
        shuffled by ``random_state`` (of stratified group 5-fold with
        ``groups``). The folds are drawn once and every model gets the same.
    scoring : str, callable, list or dict, default=None
        As :func:`~sklearn.model_selection.cross_validate`: scikit-learn
        scorer names, a scorer callable, a list of names or a dict of name
        to scorer. None: ROC AUC, accuracy, balanced accuracy, Brier score
        and log loss (the last two as losses, lower is better). The tests
        compare the first metric (ROC AUC by default).
    reference : str, default=None
        The label of the model every other is tested against. Default:
        "StepwiseLogit", the paper's pipeline, when it is among the models;
        otherwise no model is tested and the summary says so.
    models : dict of str to estimator, default=None
        The models to compare (label -> estimator), in place of the default
        set (:func:`benchmark_models`); a list of ``(label, estimator)``
        pairs is read as a dict.
    extra_models : dict of str to estimator, default=None
        Models added to the default set (or to ``models``); a label already
        used is refused.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative weights of the rows, e.g. a survey's expansion factors.
        Each model is fitted with its training fold's weights, routed by
        scikit-learn's metadata routing to every step whose ``fit`` takes
        ``sample_weight`` (the classifier, a scaler, a calibrator, a grid
        search's inner fits, whose inner scores are weighted too); a model
        whose classifier takes none is fitted unweighted and the notes name
        it. Every score is weighted by the test fold's weights. Weights do
        not change the folds.
    n_jobs : int, default=None
        Parallel (model, fold) fits through joblib (None is 1; use
        ``joblib.parallel_backend("dask")`` around the call for a cluster).
        The scores do not depend on it.
    random_state : int, RandomState instance or None, default=None
        Shuffles the default folds and seeds the default models.
    progress : bool, default=True
        Count the (model, fold) fits as they finish: a bar with an ETA on a
        terminal (stderr), INFO lines on the ``sklearn_innov.progress``
        logger elsewhere; each model's fitting time goes to this module's
        logger at INFO. False shows nothing.
    spec : dict or CompositeIndex, default=None
        The index spec (index name -> columns of ``X``) of the default
        models, or a :class:`~sklearn_innov.CompositeIndex`
        whose spec and settings they use. Default: the paper's learning
        mechanisms (``PAPER_SPEC`` without "Y") when ``X`` holds their items.
    **deprecated
        ``frame``, ``document``, ``repeats`` and ``folds``: the signature
        before 1.0, deprecated (a FutureWarning); use
        :func:`benchmark_from_spec`. Removed in 1.1.

    Returns
    -------
    result : BenchmarkResult
        Every fold's score per model, with the tests against the reference.

    See Also
    --------
    benchmark_from_spec : The same, from a survey and its spec document.
    sklearn.model_selection.cross_validate : One model's scores on the folds.

    Notes
    -----
    The warnings of every fit are collected where the fit ran and raised
    once each, in the caller's process, with the number of folds whose fits
    raised them. An item that takes one value on the rows a fit is trained
    on (:class:`~sklearn_innov.exceptions.ConstantItemWarning` in one fit)
    is counted per item: constant in some folds only, as a rarely given
    answer is, it is one note on this module's logger at INFO naming the
    item, its value, the folds (a grid search's inner folds said apart)
    and how many rows hold another value; constant in every fold, a
    ConstantItemWarning.

    Examples
    --------
    >>> from sklearn.dummy import DummyClassifier
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn_innov.datasets import make_sme_survey
    >>> from sklearn_innov.model_selection import run_benchmark
    >>> survey = make_sme_survey(random_state=0)
    >>> X = survey.frame[["collab_suppliers", "learn_training", "learn_ict"]]
    >>> result = run_benchmark(
    ...     X, survey.target, cv=3, scoring="roc_auc", reference="prior",
    ...     models={"prior": DummyClassifier(), "logit": LogisticRegression()},
    ...     progress=False,
    ... )
    >>> result.scores.columns.tolist()
    ['model', 'repeat', 'fold', 'roc_auc']

    Firms drawn in clusters (20 business parks, say): each park whole in
    one test fold.

    >>> import numpy as np
    >>> from sklearn.model_selection import StratifiedGroupKFold
    >>> park = np.arange(len(X)) % 20
    >>> cv = StratifiedGroupKFold(n_splits=4, shuffle=True, random_state=0)
    >>> result = run_benchmark(
    ...     X, survey.target, groups=park, cv=cv, scoring="roc_auc",
    ...     reference="prior",
    ...     models={"prior": DummyClassifier(), "logit": LogisticRegression()},
    ...     progress=False,
    ... )
    >>> all(
    ...     not set(park[train]) & set(park[test])
    ...     for train, test in cv.split(X, survey.target, park)
    ... )
    True
    """
    if X is None or isinstance(y, dict) or deprecated:
        return _deprecated_run(
            X,
            y,
            deprecated,
            reference=reference,
            models=models,
            extra_models=extra_models,
            sample_weight=sample_weight,
            n_jobs=n_jobs,
            random_state=random_state,
            progress=progress,
        )
    n = _n_rows(X)
    y_in = y
    y = _check_target(y, n, binary=scoring is None)
    weights = None
    if sample_weight is not None:
        weights = check_sample_weight(sample_weight, n, owner="run_benchmark")
    if models is None:
        settings = _index_settings(spec, X)
        items = list(dict.fromkeys(i for v in settings["spec"].values() for i in v))
        models = benchmark_models(
            settings.pop("spec"), items, random_state, index_settings=settings
        )
    models = _merge_models(models, extra_models)
    if groups is not None:
        groups = _check_groups(groups, n)
    if cv is None and groups is not None:
        cv = _RepeatedStratifiedGroupKFold(
            n_splits=5, n_repeats=10, random_state=random_state
        )
    elif cv is None:
        from sklearn.model_selection import RepeatedStratifiedKFold

        cv = RepeatedStratifiedKFold(
            n_splits=5, n_repeats=10, random_state=random_state
        )
    return _benchmark(
        X,
        y,
        groups=groups,
        cv=cv,
        scoring=scoring,
        models=models,
        reference=reference,
        weights=weights,
        n_jobs=n_jobs,
        progress=progress,
        description=f"Data: {n:,} rows, {_n_columns(X):,} feature columns.",
        # the target's name when it has one (a pandas or polars Series)
        title="Predictive benchmark"
        + (f" of {target_name}" if (target_name := _name_of(y_in)) else ""),
    )


def _digits_apart(mean, base):
    """The fewest decimals (3 to 6) at which two means, and their difference,
    print as different numbers; None when they agree to six decimals."""
    for digits in range(3, 7):
        if f"{mean:.{digits}f}" != f"{base:.{digits}f}" and round(
            abs(mean - base), digits
        ):
            return digits
    return None


def _name_of(y: Any) -> str | None:
    """A Series' name, as text, or None (arrays and unnamed Series)."""
    name = getattr(y, "name", None)
    return str(name) if isinstance(name, (str, int)) and name != "" else None


def benchmark_from_spec(
    frame: pd.DataFrame | None = None,
    document: Mapping[str, Any] | None = None,
    *,
    repeats: int = 10,
    folds: int = 5,
    n_jobs: int | None = 1,
    random_state: int = 0,
    progress: bool = False,
    models: Mapping[str, Any] | None = None,
    extra_models: Mapping[str, Any] | None = None,
    reference: str | None = None,
    sample_weight: ArrayLike | None = None,
) -> BenchmarkResult:
    """The benchmark of a survey described by a spec document (the command's).

    Builds the features (the items of the explanatory indices, see
    :func:`benchmark_spec`), the 0/1 target, the weights and the default
    models from the document, draws repeated stratified folds (under
    ``[design] cluster``, repeated stratified group folds that keep each
    cluster whole in one fold) and calls the code of :func:`run_benchmark`.
    Every model, one passed in ``models`` too, is fitted and scored on the
    feature columns only: never the target column nor the outcome's items,
    whatever else ``frame`` holds.

    Parameters
    ----------
    frame : DataFrame, optional
        The survey; default: the synthetic survey (``random_state``). Rows
        whose target is missing are left out, and the description says how
        many.
    document : dict, optional
        Spec document (as for ``replicate``; ``[model] outcome`` is
        optional); needed with ``frame``.
    repeats, folds : int
        Repeated stratified k-fold settings (of stratified group k-fold under
        ``[design] cluster``; fewer clusters than ``folds`` is a SpecError).
    n_jobs : int
        Parallel (model, fold) fits through joblib (use
        ``joblib.parallel_backend("dask")`` around the call for a cluster).
    random_state : int
        Seed of the folds and of the models' own randomness.
    progress : bool
        Count the fits: a bar with an ETA on a terminal, log lines elsewhere
        (see :func:`run_benchmark`).
    models : dict, optional
        Override the models (label -> estimator); each receives a DataFrame
        of the feature columns.
    extra_models : dict, optional
        Models added to the default set (or to ``models``).
    reference : str, optional
        The label of the model every other is tested against. Default: the
        paper's pipeline, "StepwiseLogit", when it is among the models;
        otherwise no model is tested and the summary says so.
    sample_weight : array-like of shape (len(frame),), optional
        Non-negative weights of the rows of ``frame`` (of the synthetic
        survey when ``frame`` is None). Default: the column the spec's
        ``[design] weight`` names, if any (the description says so). Used
        as :func:`run_benchmark` uses them.

    Returns
    -------
    result : BenchmarkResult
        Every fold's score per model, with the tests against the reference.

    See Also
    --------
    run_benchmark : The same from ``X`` and ``y``, with any ``cv`` and ``scoring``.

    Examples
    --------
    >>> from sklearn.dummy import DummyClassifier
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sklearn_innov.model_selection import benchmark_from_spec
    >>> models = {
    ...     "logit": make_pipeline(StandardScaler(), LogisticRegression()),
    ...     "prior": DummyClassifier(strategy="prior"),
    ... }
    >>> result = benchmark_from_spec(
    ...     repeats=1, folds=3, models=models, reference="prior"
    ... )
    >>> result.table()["roc_auc mean"].round(2)
    model
    logit    0.64
    prior    0.50
    Name: roc_auc mean, dtype: float64
    """
    if frame is None:
        frame = make_sme_survey(random_state=random_state).frame
        document = DEFAULT_DOCUMENT
        description = (
            f"Data: the SYNTHETIC survey make_sme_survey(random_state={random_state}), "
            "calibrated to the paper's published marginals."
        )
    else:
        if document is None:
            raise SpecError("a survey passed with --data needs its --spec file.")
        description = None
    bench = benchmark_spec(document, frame)
    if description is None:
        # the file's name (the command line records it in attrs), and the
        # spec's word for its units ([labels] units), as replicate says it
        source = frame.attrs.get("source")
        name = Path(source).name if source else "the user's survey"
        description = f"Data: {name}, {len(frame):,} {bench.labels['units']}."
    target = bench.target
    design = (document or {}).get("design") or {}
    probability = False
    if sample_weight is None and design.get("weight") is not None:
        # the spec's [design] weights, unless the caller passes others
        sample_weight = frame[design["weight"]].to_numpy(dtype=np.float64)
        probability = design.get("weights", "probability") == "probability"
        description += (
            f" Weighted by [design] weight {design['weight']!r} "
            f"({design.get('weights')} weights): every fit and every score."
        )
        if probability:
            description += (
                " Probability weights are rescaled to mean 1 over each training "
                "fold before its fits, as replicate rescales them (a fit must "
                "not read expansion factors as counts of rows), and "
                f"{REFERENCE} tests its steps with design-based standard errors "
                "(cov_type='survey'), as the report's logit; the scores, "
                "weighted means over the test fold, do not depend on the "
                "weights' scale."
            )
    weights = _benchmark_weights(sample_weight, frame, target)
    frame, note = drop_missing_target(frame, target)
    if note:
        description += " " + note[0].upper() + note[1:]
    frame, weights, note = _drop_missing_indices(frame, weights, bench, document)
    if note:
        description += note
    # the only columns any model sees
    X = frame[bench.features]
    description += (
        f" Every model sees only the {len(bench.features)} items of "
        f"{', '.join(bench.mechanisms)}; withheld: {_names(bench.withheld)}."
    )
    controls = (document.get("model") or {}).get("controls") or []
    if controls:
        description += (
            f" The spec's controls ({_names(controls)}) are not given to any "
            "model here, so the StepwiseLogit compared is not the report's "
            "logit, which keeps them."
        )
    # Probability scores (Brier) need to know the event: the second label in
    # sorted order, as StepwiseLogit's classes_[1].
    labels = sorted(frame[target].unique())
    y = (frame[target] == labels[1]).astype(int)
    value = labels[1].item() if isinstance(labels[1], np.generic) else labels[1]
    description += f" Event: {target} = {format_value(value)}."
    # named by the target, as run_benchmark names it; [labels] event says
    # in words what its event value is ("had_affair (1 = an affair)")
    event = bench.labels["event"]
    title = f"Predictive benchmark of {target}" + (
        f" ({format_value(value)} = {event})" if event else ""
    )
    if y.value_counts().min() < folds:
        raise SpecError(
            f"target {target!r} has a class with fewer than {folds} rows; "
            "lower --folds."
        )
    groups, cv, unit, folds_note = _design_folds(
        design, frame, folds, repeats, random_state
    )
    if models is None:
        models = benchmark_models(
            bench.mechanisms, bench.features, random_state, index_settings=bench.index
        )
        if probability:
            models = {label: _survey_logits(model) for label, model in models.items()}
    models = _merge_models(models, extra_models)
    description += _imputation_note(X, bench.index, models)
    result = _benchmark(
        X,
        y,
        groups=groups,
        unit=unit,
        cv=cv,
        scoring=None,
        models=models,
        reference=reference,
        weights=weights,
        n_jobs=n_jobs,
        progress=progress,
        description=description,
        title=title,
        probability=probability,
    )
    result.description += folds_note
    result._data = frame
    return result


def _design_folds(design, frame, folds, repeats, random_state):
    """The folds a spec's ``[design]`` calls for, and a sentence on them.

    Under ``[design] cluster`` the rows of a PSU are not independent draws:
    a PSU split between a training and a test fold flatters the scores, so
    each is kept whole (repeated stratified group folds). Without a cluster
    every row is its own PSU and the folds are drawn on rows. Neither draws
    the folds within the design's strata. Returns the groups (or None), the
    splitter, the group in words for the description, and a note.
    """
    from sklearn.model_selection import RepeatedStratifiedKFold

    cluster, strata = design.get("cluster"), design.get("strata")
    note = ""
    if cluster is None:
        cv = RepeatedStratifiedKFold(
            n_splits=folds, n_repeats=repeats, random_state=random_state
        )
        if design:
            note = " Each row is its own PSU (no [design] cluster)"
            note += (
                f", and the folds are not drawn within the [design] strata {strata!r}."
                if strata is not None
                else "."
            )
        return None, cv, ("group", "groups"), note
    groups = frame[cluster].to_numpy()
    n_psus = pd.unique(groups).size
    if n_psus < folds:
        raise SpecError(
            f"the benchmark keeps each [design] cluster ({cluster!r}) whole in "
            f"one fold, and the data hold {n_psus:,} clusters for {folds} "
            f"folds; lower --folds to {n_psus} or fewer."
        )
    cv = _RepeatedStratifiedGroupKFold(
        n_splits=folds, n_repeats=repeats, random_state=random_state
    )
    if strata is not None:
        note = f" The folds are not drawn within the [design] strata {strata!r}."
    return groups, cv, (f"{cluster} (the [design] cluster)", "clusters"), note


def _drop_missing_indices(frame, weights, bench, document):
    """Leave out the rows ``replicate`` leaves out: an index NaN under
    ``[index] missing = "nan"`` (the outcome's too), decided once on every
    row, so that every model is fitted and scored on the same rows; fails
    fast, with the estimator's own message, on items it cannot use."""
    spec = dict(bench.mechanisms)
    outcome = ((document or {}).get("indices") or {}).get(bench.outcome)
    if isinstance(outcome, list):
        spec[bench.outcome] = outcome
    with warnings.catch_warnings():
        # missing = "nan": the rows are counted in the description instead
        warnings.simplefilter("ignore", MissingIndexWarning)
        indices = CompositeIndex(spec=spec, **bench.index).fit(
            frame, sample_weight=weights
        )
        indices = pd.DataFrame(
            np.asarray(indices.transform(frame)), columns=list(spec), index=frame.index
        )
    empty, reason = rows_with_missing_index(indices)
    if reason is None:
        return frame, weights, None
    note = (
        f" {int(empty.sum()):,} of {len(frame):,} {bench.labels['units']} {reason}; "
        "they are left out "
        "of every model and fold, as replicate leaves them out."
    )
    return (
        frame[~empty],
        None if weights is None else weights[~empty],
        note,
    )


def _deprecated_run(X, y, deprecated, **kwargs):
    """run_benchmark(frame, document, repeats=, folds=): the signature before 1.0."""
    unknown = sorted(set(deprecated) - set(_DEPRECATED))
    if unknown:
        raise TypeError(
            f"run_benchmark() got an unexpected keyword argument {unknown[0]!r}"
        )
    frame = deprecated.pop("frame", X)
    document = deprecated.pop("document", y)
    warn(
        "run_benchmark(frame, document, repeats=..., folds=...) is deprecated "
        "and will be removed in 1.1: call benchmark_from_spec with the same "
        "arguments, or run_benchmark(X, y, cv=...) with the feature columns and "
        "the target.",
        FutureWarning,
    )
    if kwargs["n_jobs"] is None:
        kwargs["n_jobs"] = 1
    if kwargs["random_state"] is None:
        kwargs["random_state"] = 0
    return benchmark_from_spec(frame, document, **deprecated, **kwargs)


def _n_rows(X):
    if not hasattr(X, "shape"):
        X = np.asarray(X, dtype=object)
    if len(X.shape) != 2:
        raise ValueError(
            f"run_benchmark: X must be 2-D (rows x feature columns), got shape "
            f"{tuple(X.shape)}; reshape it, e.g. X.reshape(-1, 1) for one feature."
        )
    return int(X.shape[0])


def _n_columns(X):
    return int(X.shape[1]) if hasattr(X, "shape") else len(X[0])


def _check_target(y, n, binary):
    """y as a 1-D array or Series of n values, no missing one (two classes)."""
    values = y if isinstance(y, pd.Series) else np.asarray(y)
    if values.ndim != 1 or len(values) != n:
        raise ValueError(
            f"run_benchmark: y must hold one value per row of X ({n}), got shape "
            f"{tuple(np.shape(values))}."
        )
    missing = np.flatnonzero(pd.isna(np.asarray(values)))
    if missing.size:
        raise ValueError(
            f"run_benchmark: y is missing at {missing.size} rows (positions "
            f"{missing[:8].tolist()}{' ...' if missing.size > 8 else ''}); drop "
            "those rows from X and y (benchmark_from_spec leaves them out and "
            "says so)."
        )
    classes = np.unique(np.asarray(values))
    if binary and classes.size != 2:
        raise ValueError(
            f"run_benchmark: the default scores (ROC AUC, Brier, ...) need a "
            f"binary y, and y has {classes.size} classes {classes[:5].tolist()}; "
            "pass scoring= (e.g. 'accuracy') for another target."
        )
    return values


def _check_groups(groups, n):
    """groups as a 1-D array of n labels, none missing."""
    values = np.asarray(groups, dtype=object)
    if values.ndim != 1 or len(values) != n:
        raise ValueError(
            f"run_benchmark: groups must hold one label per row of X ({n:,}), "
            f"got shape {tuple(values.shape)}."
        )
    missing = np.flatnonzero(pd.isna(values))
    if missing.size:
        raise ValueError(
            f"run_benchmark: groups is missing at {missing.size:,} rows "
            f"(positions {missing[:8].tolist()}{' ...' if missing.size > 8 else ''});"
            " give every row its group, or drop those rows from X, y and groups."
        )
    return np.asarray(groups)


def _index_settings(spec, X):
    """The default models' CompositeIndex arguments: spec and settings."""
    if isinstance(spec, CompositeIndex):
        return spec.get_params(deep=False)
    if spec is None:
        spec = {k: v for k, v in PAPER_SPEC.items() if k != DEFAULT_OUTCOME}
        columns = set(getattr(X, "columns", ()))
        if not all(item in columns for items in spec.values() for item in items):
            raise ValueError(
                "run_benchmark: the default models build composite indices and "
                "X lacks the paper's items; pass spec={index name: [columns of "
                "X]} (or a CompositeIndex), or models={label: estimator} to "
                "replace the default models."
            )
    if not isinstance(spec, SPEC_TYPES):
        raise TypeError(
            f"run_benchmark: spec must be a dict of index name to columns of X "
            f"or a CompositeIndex, got {type(spec).__name__}."
        )
    return {"spec": spec}


def _merge_models(models, extra_models):
    """``models`` (a dict or (label, estimator) pairs) plus ``extra_models``."""
    models = dict(models)
    for label, model in dict(extra_models or {}).items():
        if label in models:
            raise ValueError(
                f"run_benchmark: extra_models label {label!r} is already one of "
                f"the models {list(models)}; rename it, or pass models= to "
                "replace the set."
            )
        models[label] = model
    if not models:
        raise ValueError("run_benchmark: no model to benchmark; pass models=.")
    return models


def _scorers(scoring):
    """The scorers by name, the metrics stored as losses, the compared metric."""
    from sklearn.metrics import get_scorer

    if scoring is None:
        return dict(METRICS), LOSSES, "roc_auc"
    if isinstance(scoring, str):
        scoring = {scoring: scoring}
    elif callable(scoring):
        scoring = {"score": scoring}
    elif isinstance(scoring, list | tuple):
        scoring = {name: name for name in scoring}
    elif not isinstance(scoring, dict):
        raise TypeError(
            "run_benchmark: scoring must be a scorer name, a callable, a list of "
            f"names or a dict of name to scorer, got {type(scoring).__name__}."
        )
    if not scoring:
        raise ValueError("run_benchmark: scoring is empty; name one metric or more.")
    for name, scorer in scoring.items():
        if not isinstance(name, str) or name in ("model", "repeat", "fold"):
            raise ValueError(
                f"run_benchmark: scoring name {name!r} cannot be a score column; "
                "name the metric with another string."
            )
        if isinstance(scorer, str):
            try:
                get_scorer(scorer)
            except ValueError:
                raise ValueError(
                    f"run_benchmark: scoring {scorer!r} is not a scikit-learn "
                    "scorer name; see sklearn.metrics.get_scorer_names()."
                ) from None
    return dict(scoring), (), next(iter(scoring))


def _benchmark(
    X,
    y,
    *,
    cv,
    scoring,
    models,
    reference,
    weights,
    n_jobs,
    progress,
    description,
    title,
    probability=False,
    groups=None,
    unit=("group (groups=)", "groups"),
):
    """The shared core: the folds drawn once, every (model, fold) fitted, scored.

    ``probability``: the weights are probability weights, rescaled to mean 1
    over each training fold (:func:`_fold_weights`). ``groups``: passed to
    ``cv.split``; ``unit``: the group in words, for :func:`_cv_words`.
    """
    from sklearn.model_selection import check_cv

    scoring, losses, metric = _scorers(scoring)
    if weights is not None:
        models, scoring, note = _request_weights(models, scoring)
        description += note
    if reference is not None and reference not in models:
        raise ValueError(
            f"run_benchmark: reference {reference!r} is not one of the models: "
            f"{list(models)}."
        )
    cv = check_cv(cv, y, classifier=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        splits = list(cv.split(X, y, groups))
    for w in caught:
        if groups is not None and "groups parameter is ignored" in str(w.message):
            # scikit-learn's own words name no way out: say it, and say it once
            ignored = (
                f"cv ({type(cv).__name__}) ignores groups=: its folds are drawn "
                "on rows, so a group's rows can sit in both a training and a "
                "test fold"
            )
            description += f" The {ignored}."
            warn(
                f"run_benchmark: {ignored}; pass cv=None (repeated stratified "
                "group folds) or a group splitter such as StratifiedGroupKFold.",
                SklearnInnovWarning,
            )
        else:
            warnings.warn_explicit(
                w.message, w.category, w.filename, w.lineno, source=w.source
            )
    scores, failures = _cross_validate_models(
        models, X, y, splits, scoring, weights, n_jobs, progress, probability
    )
    everywhere = [
        label for label in models if len(failures.get(label, ())) == len(splits)
    ]
    if everywhere and len(everywhere) == len(models):
        # no score at all: not a result (cross_validate raises likewise)
        first = everywhere[0]
        raise ValueError(
            f"run_benchmark: every model failed to fit in every fold, so there "
            f"is no score; {first}'s first error: {failures[first][0]}"
        )
    per_repeat = len(splits) // getattr(cv, "n_repeats", 1)
    records = []
    for label in models:
        for split in range(len(splits)):
            record = {
                "model": label,
                "repeat": split // per_repeat,
                "fold": split % per_repeat,
            }
            for name in scoring:
                value = scores[label, split][name]
                record[name] = -value if name in losses else value
            records.append(record)
    # Nadeau and Bengio's n_test / n_train: k-fold's n // k rows tested, the
    # rest trained on (the folds' smallest test and largest training set)
    n_test = min(len(test) for _, test in splits)
    n_train = max(len(train) for train, _ in splits)
    result = BenchmarkResult(
        pd.DataFrame.from_records(records),
        n_train,
        n_test,
        f"{description} {_cv_words(cv, splits, unit)}"
        + _ttest_rows_note(cv, n_train, n_test),
        title=title,
        reference=reference,
        metric=metric,
    )
    result._failures = {label: errors[0] for label, errors in failures.items()}
    return result


def _cv_words(cv, splits, unit):
    """The folds in words, for the description.

    ``unit``: the group a group fold keeps whole, in words, and its plural
    ("school (the [design] cluster)", "clusters").
    """
    from sklearn.model_selection import RepeatedStratifiedKFold

    if isinstance(cv, _RepeatedStratifiedGroupKFold):
        return (
            f"{cv.n_repeats} x {cv.n_splits}-fold CV with each {unit[0]} whole in "
            f"one fold, stratified on the target as far as the {unit[1]} allow, "
            "the same folds for every model."
        )
    if isinstance(cv, RepeatedStratifiedKFold):
        return (
            f"{cv.n_repeats} x {cv.cvargs['n_splits']}-fold stratified CV, the "
            "folds drawn on rows (stratified on the target), the same folds for "
            "every model."
        )
    name = type(cv).__name__
    if name == "_CVIterableWrapper":
        return f"{len(splits)} train/test splits given as cv, the same for every model."
    return f"{len(splits)} splits of {cv!r}, the same for every model."


def _ttest_rows_note(cv, n_train, n_test):
    """What the corrected t-test takes from group folds of unequal rows."""
    if not isinstance(cv, _RepeatedStratifiedGroupKFold):
        return ""
    return (
        " Whole groups can make folds of unequal rows: the corrected t-test's "
        f"n_test / n_train is counted in rows, the smallest test fold's over the "
        f"largest training fold's ({n_test:,} / {n_train:,})."
    )


def _fold_weights(weights, train, probability):
    """The weights a fold is fitted and scored with.

    Probability weights are divided by their mean over the training rows, as
    ``replicate`` rescales them (``mean_one``): the fits then count the
    sample's rows, not the population the expansion factors add up to. Once
    per training fold rather than once on all rows, so that every fit sees
    weights at mean 1 (a fold of all-row mean-1 weights averages 0.93 to 1.08
    on ESS weights). The test rows keep theirs: the scores are weighted
    means over the test fold, which do not depend on the weights' scale.
    """
    if weights is None or not probability:
        return weights
    weights = weights.copy()
    weights[train] = mean_one(weights[train])
    return weights


def _survey_logits(model):
    """``model`` (cloned) with every StepwiseLogit in it at cov_type='survey'.

    Under probability weights the report's logit tests its steps with
    design-based standard errors and rescales the weights to mean 1 at every
    fit (the grid search's inner folds too); the benchmark's does the same.
    """
    from sklearn.base import clone

    model = clone(model)
    found = {
        f"{key}__cov_type": "survey"
        for key, value in model.get_params(deep=True).items()
        if isinstance(value, StepwiseLogit)
    }
    if isinstance(model, StepwiseLogit):
        found["cov_type"] = "survey"
    return model.set_params(**found) if found else model


def _fit_fold(label, split, model, X, y, train, test, scoring, weights):
    """One model fitted on one training fold and scored on its test fold.

    Returns the label and split it was given, and the scores (NaN when the
    fit or a score failed), the failure in one line (or None), the warnings
    raised, as (category, message), and the seconds taken. The warnings are
    collected here, in whatever process joblib runs this, so that the caller
    reports each once, in its own process, however many workers raised it.
    """
    from sklearn.model_selection import cross_validate

    began = time.perf_counter()
    error = None
    with (
        warnings.catch_warnings(record=True) as caught,
        config_context(enable_metadata_routing=weights is not None),
    ):
        # small training folds separate often; the benchmark scores it anyway
        warnings.simplefilter("ignore", SeparationWarning)
        try:
            result = cross_validate(
                model,
                X,
                y,
                cv=[(train, test)],
                scoring=scoring,
                params=None if weights is None else {"sample_weight": weights},
                error_score="raise",
            )
            scores = {name: float(result[f"test_{name}"][0]) for name in scoring}
        except Exception as exc:  # scored NaN, as cross_validate's error_score
            scores = dict.fromkeys(scoring, np.nan)
            error = f"{type(exc).__name__}: {_first_line(str(exc))}"
    # a constant item's warning travels whole (its items and values, which
    # the caller counts per item); every other one as its text
    found = [
        (
            w.category,
            w.message
            if isinstance(w.message, ConstantItemWarning) and w.message.items
            else str(w.message),
        )
        for w in caught
    ]
    return label, split, (scores, error, found, time.perf_counter() - began)


def _cross_validate_models(
    models, X, y, splits, scoring, weights, n_jobs, progress, probability=False
):
    """Every (model, fold) fit, in parallel, counted as each finishes."""
    from sklearn.utils.parallel import Parallel, delayed

    from ..utils._progress import progress as counting

    tasks = [(label, split) for label in models for split in range(len(splits))]
    jobs = [
        delayed(_fit_fold)(
            label,
            split,
            models[label],
            X,
            y,
            *splits[split],
            scoring,
            _fold_weights(weights, splits[split][0], probability),
        )
        for label, split in tasks
    ]
    out, seconds, failures, found = {}, dict.fromkeys(models, 0.0), {}, {}
    constant = {}  # (item, value): {split: labels of the fits that saw it}
    with counting(
        len(tasks), "benchmark", enabled=bool(progress), unit="fit"
    ) as counter:
        for label, split, (scores, error, caught, took) in _parallel(
            Parallel, n_jobs, jobs
        ):
            out[label, split] = scores
            seconds[label] += took
            if error is not None:
                failures.setdefault(label, []).append(error)
            for category, message in caught:
                if isinstance(message, ConstantItemWarning):
                    for item in zip(message.items, message.values, strict=True):
                        constant.setdefault(item, {}).setdefault(split, set()).add(
                            label
                        )
                    continue
                key = (category, _first_sentence(message))
                labels, folds = found.setdefault(key, (set(), set()))
                labels.add(label)
                folds.add(split)
            counter.update(label=f"{label}, fold {split + 1} of {len(splits)}")
    slowest = sorted(seconds.items(), key=lambda item: -item[1])
    # where the time goes: on folds of ~100 rows, the ensembles (hundreds of
    # trees or boosting rounds) and the nested grid search dominate
    logger.info(
        "time per model (%.1f s of fitting in all): %s",
        sum(seconds.values()),
        ", ".join(f"{label} {t:.1f} s" for label, t in slowest),
    )
    _report_warnings(found, failures, len(splits))
    _report_constant_items(constant, X, splits)
    return out, failures


def _parallel(parallel, n_jobs, jobs):
    """Results as they finish; in order where the backend cannot (multiprocessing)."""
    try:
        return parallel(n_jobs=n_jobs, return_as="generator_unordered")(jobs)
    except ValueError as exc:
        if "does not support return_as" not in str(exc):
            raise
        return parallel(n_jobs=n_jobs)(jobs)


def _report_warnings(found, failures, n_folds):
    """Each distinct warning once, in one line, from the caller's process."""
    for (category, sentence), (labels, folds) in found.items():
        models = _names(sorted(labels), limit=3)
        # the fits see a fold's training rows only: say in how many folds
        where = f"on the training rows of {len(folds)} of {n_folds} folds"
        warn(f"{sentence} (benchmark: {where}, fitting {models})", category)
    for label, errors in failures.items():
        warn(
            f"run_benchmark: {label!r} failed to fit in {len(errors)} of {n_folds} "
            f"folds (scored NaN): {errors[0]}",
            FitFailedWarning,
        )


def _report_constant_items(constant, X, splits):
    """Items a fit saw take one value: one note, or a warning when in every fold.

    A rarely given answer (a 0/1 item with three 1s in 127 rows) is 0 in
    every training row of some folds, and in the rows of a grid search's
    inner folds more often: there it adds nothing to its index, which is
    how cross-validation works on such data and nothing the user can fix.
    So one INFO note names each item, its value, the folds and how often
    the data hold another value (the command prints it as one line). An
    item constant in the training rows of every fold is constant in the
    data: a ConstantItemWarning, which the user acts on by dropping it.
    """
    n_folds = len(splits)
    phrases, everywhere = [], []
    for (item, value), seen in sorted(
        constant.items(), key=lambda pair: (-len(pair[1]), str(pair[0][0]))
    ):
        folds = set(seen)
        column = _item_column(X, item)
        if column is None:
            where = f"the rows some fits were trained on in {len(folds)} of "
            where += f"{n_folds} folds"
            phrases.append(constant_item(item, value, where))
            continue
        answered = ~np.isnan(column)
        outer = {
            split
            for split, (train, _) in enumerate(splits)
            if np.unique(column[train][answered[train]]).size <= 1
        }
        inner = folds - outer  # fits on part of a fold's training rows
        parts = []
        if outer:
            parts.append(f"every training row of {len(outer)} of {n_folds} folds")
        if inner:
            # e.g. a grid search's inner folds
            labels = sorted(set().union(*(seen[split] for split in inner)))
            parts.append(
                f"the training rows of an inner fold of {_names(labels, limit=3)}"
                f" in {len(inner)} {'more' if outer else f'of {n_folds}'} folds"
            )
        other = int(np.sum(answered & (column != value)))
        kind = "nonzero" if value == 0 else f"other than {format_value(value)}"
        phrase = constant_item(item, value, " and in ".join(parts))
        phrase += f" (it is {kind} in {other} of {column.size} rows of the data)"
        if len(outer) == n_folds:
            everywhere.append(phrase)
        else:
            phrases.append(phrase)
    if everywhere:
        warn(
            f"run_benchmark: {'; '.join(everywhere)}: it adds nothing to its "
            "index in any fit; drop such items from the spec.",
            ConstantItemWarning,
        )
    if phrases:
        logger.info(
            "note: %s: in those folds each adds nothing to its index (a rarely "
            "given answer; nothing to fix).",
            "; ".join(phrases),
        )


def _item_column(X, item):
    """An item's answers as floats (NaN: missing), or None if X has no such column."""
    columns = getattr(X, "columns", None)
    if columns is None or item not in columns:
        return None
    return pd.to_numeric(X[item], errors="coerce").to_numpy(dtype=np.float64)


def _first_line(text):
    return text.strip().splitlines()[0] if text.strip() else text


def _first_sentence(message):
    """A warning's first sentence, on one line (the rest is in the docs)."""
    line = " ".join(message.split())
    end = line.find(". ")
    return line if end < 0 else line[: end + 1]


def _benchmark_weights(sample_weight, frame, target):
    """The weights of the rows that have a target, checked (None: none)."""
    if sample_weight is None:
        return None
    weights = check_sample_weight(sample_weight, len(frame), owner="run_benchmark")
    return weights[frame[target].notna().to_numpy()]


def _final(model):
    """The estimator that predicts: a pipeline's last step, a search's estimator."""
    while True:
        if hasattr(model, "steps"):
            model = model.steps[-1][1]
        elif isinstance(model.get_params(deep=False).get("estimator"), BaseEstimator):
            model = model.get_params(deep=False)["estimator"]
        else:
            return model


def _request_weights(models, scoring):
    """Models that ask for ``sample_weight`` wherever they take it; scorers too.

    Call under ``config_context(enable_metadata_routing=True)``'s reach: the
    requests are set in one here. Returns the models (cloned), the weighted
    scorers and a sentence for the description.
    """
    from sklearn.base import clone
    from sklearn.metrics import get_scorer

    out, unweighted = {}, []
    with config_context(enable_metadata_routing=True):
        scoring = {
            name: _weighted_scorer(name, scorer) for name, scorer in scoring.items()
        }
        for label, model in models.items():
            model = clone(model)
            parts = [model] + [
                value
                for value in model.get_params(deep=True).values()
                if isinstance(value, BaseEstimator)
            ]
            for part in parts:
                if has_fit_parameter(part, "sample_weight") and hasattr(
                    part, "set_fit_request"
                ):
                    part.set_fit_request(sample_weight=True)
                inner = part.get_params(deep=False).get("scoring")
                if isinstance(inner, str) and hasattr(part, "cv"):
                    # a search's inner scores weighted as the outer ones
                    part.set_params(
                        scoring=get_scorer(inner).set_score_request(sample_weight=True)
                    )
            if not has_fit_parameter(_final(model), "sample_weight"):
                unweighted.append(label)
            out[label] = model
    note = (
        " Weights: every score is weighted by the test fold's sample weights; "
        "every model is fitted with the training fold's weights in each step "
        "whose fit takes them (scikit-learn's metadata routing)"
    )
    if unweighted:
        note += (
            f"; fitted unweighted, as their classifier takes no sample_weight: "
            f"{_names(unweighted)}"
        )
    return out, scoring, note + "."


def _weighted_scorer(name, scorer):
    """The scorer, asking for the test fold's ``sample_weight``."""
    from sklearn.metrics import get_scorer

    scorer = get_scorer(scorer)
    if not hasattr(scorer, "set_score_request"):
        raise ValueError(
            f"run_benchmark: scoring {name!r} is a plain function, which cannot "
            "receive the test fold's weights; build it with "
            "sklearn.metrics.make_scorer."
        )
    return scorer.set_score_request(sample_weight=True)


def _count(n, noun):
    """'1 comparison', '9 comparisons'."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _p(label, value):
    """'p = 0.047', or 'p < 0.001' below the printed precision."""
    text = format_pvalue(value)
    return f"{label} {text}" if text[0] in "<>" else f"{label} = {text}"


def _names(columns, limit=8):
    """'a', 'b' and 3 more: column names for a sentence."""
    shown = ", ".join(repr(c) for c in columns[:limit])
    more = len(columns) - limit
    return shown + (f" and {more} more" if more > 0 else "")
