"""Predictive benchmarking of a binary outcome (innovation propensity, by default).

Repeated stratified k-fold cross-validation of the paper's pipeline
(CompositeIndex -> StepwiseLogit) against common classifiers and a nested
grid search over index specifications, every model on the same folds, with
Nadeau and Bengio's corrected resampled t-test against the paper's pipeline.
Selection and index construction happen inside each training fold.
"""

import sys
import time

import numpy as np
import pandas as pd

from ..datasets import PAPER_SPEC, make_sme_survey
from ..diagnostics import corrected_resampled_ttest
from ..linear_model import StepwiseLogit
from ..preprocessing import (
    CompositeIndex,
    SpecError,
    drop_missing_target,
    validate_document,
)
from ..summary import Block, Summary

__all__ = ["BenchmarkResult", "benchmark_models", "run_benchmark"]

METRICS = {
    "roc_auc": "roc_auc",
    "accuracy": "accuracy",
    "balanced_accuracy": "balanced_accuracy",
    "brier": "neg_brier_score",
    "log_loss": "neg_log_loss",
}
LOSSES = ("brier", "log_loss")
REFERENCE = "StepwiseLogit"


def _alternative_specs(spec):
    """The paper's spec and one with X1's digital and attitude items moved to X3."""
    alternatives = [spec]
    moved = [
        item
        for item in ("digital_links", "willingness_innovate")
        if item in spec.get("X1", [])
    ]
    if moved and "X3" in spec:
        alt = {k: list(v) for k, v in spec.items()}
        alt["X1"] = [i for i in alt["X1"] if i not in moved]
        alt["X3"] = alt["X3"] + moved
        alternatives.append(alt)
    return alternatives


def benchmark_models(spec, items, random_state=0, index_settings=None):
    """The models compared, labelled by their estimator's class name.

    Parameters
    ----------
    spec : dict
        Index spec of the learning mechanisms (without the outcome index).
    items : list of str
        Every item column, for the models on raw items.
    random_state : int
    index_settings : dict, optional
        :class:`CompositeIndex` keyword arguments (the spec file's
        ``[index]`` table), used by every model built on the indices.

    Returns
    -------
    models : dict of str to estimator
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

    settings = dict(index_settings or {})

    def indices():
        return CompositeIndex(spec=spec, **settings)

    # the raw items, selected by a plain function: scikit-learn 1.6's
    # ColumnTransformer fails under joblib's dask backend
    raw = FunctionTransformer(_select_columns, kw_args={"columns": list(items)})
    search = GridSearchCV(
        make_pipeline(indices(), StepwiseLogit()),
        {
            "compositeindex__spec": _alternative_specs(spec),
            # declared bounds apply to min-max only
            "compositeindex__normalize": ["minmax"]
            if "bounds" in settings
            else ["minmax", "zscore"],
        },
        cv=StratifiedKFold(3, shuffle=True, random_state=random_state),
        scoring="roc_auc",
    )
    return {
        REFERENCE: make_pipeline(indices(), StepwiseLogit()),
        "LogisticRegression": make_pipeline(
            indices(), LogisticRegression(max_iter=1000)
        ),
        "LogisticRegression[l1, raw items]": make_pipeline(
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


class BenchmarkResult:
    """Every fold's scores, with the summary table and the files to write."""

    def __init__(self, scores, n_train, n_test, description, title=None):
        self.scores = scores
        self.n_train = n_train
        self.n_test = n_test
        self.description = description
        self.title = title or "Predictive benchmark"

    def table(self):
        """Mean and standard deviation over folds, and the t test against the paper."""
        grouped = self.scores.groupby("model", sort=False)
        rows = []
        reference = self.scores[self.scores["model"] == REFERENCE]["roc_auc"].to_numpy()
        for model, frame in grouped:
            row = {"model": model}
            for metric in METRICS:
                row[f"{metric} mean"] = frame[metric].mean()
                row[f"{metric} std"] = frame[metric].std(ddof=1)
            failed = ~np.isfinite(frame["roc_auc"].to_numpy()) | ~np.isfinite(reference)
            if model == REFERENCE or failed.any():
                # a fold that failed to fit scores NaN: no paired test then
                row[f"t vs {REFERENCE}"] = np.nan
                row[f"p vs {REFERENCE}"] = np.nan
            else:
                test = corrected_resampled_ttest(
                    frame["roc_auc"].to_numpy(), reference, self.n_train, self.n_test
                )
                row[f"t vs {REFERENCE}"] = test["t"]
                row[f"p vs {REFERENCE}"] = test["pvalue"]
            rows.append(row)
        return pd.DataFrame(rows).set_index("model")

    def summary(self):
        notes = [
            self.description,
            "Brier score and log loss are losses (lower is better); t and p are "
            "Nadeau & Bengio's corrected resampled t test of the ROC AUC against "
            f"{REFERENCE} (the paper's pipeline), paired by fold.",
            "Index construction and stepwise selection are refitted in every "
            "training fold, so these scores measure the whole procedure.",
        ]
        failed = self.scores[~np.isfinite(self.scores["roc_auc"])]
        for model, count in failed.groupby("model", sort=False).size().items():
            notes.append(
                f"{model} failed to fit in {count} of "
                f"{int((self.scores['model'] == model).sum())} folds (scored NaN; "
                "scikit-learn's FitFailedWarning says why): its means cover the "
                "other folds and it has no t test."
            )
        return Summary(
            self.title,
            [
                Block("Cross-validated scores", self.table(), name="benchmark"),
                Block("Notes", notes),
            ],
        )

    def write(self, directory):
        """Write benchmark.md, every fold's scores as CSV and a box plot PNG."""
        from pathlib import Path

        from ..utils._plotting import pyplot as _pyplot

        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        paths = [directory / "benchmark_folds.csv", directory / "benchmark.md"]
        self.scores.to_csv(paths[0], index=False)
        paths[1].write_text(self.summary().as_markdown(1), encoding="utf-8")
        paths += self.summary().to_csv(directory)
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
        data = [self.scores.loc[self.scores["model"] == m, "roc_auc"] for m in labels]
        ax.boxplot(data)
        ax.set_xticks(range(1, len(labels) + 1), labels, rotation=35, ha="right")
        ax.set_ylabel("ROC AUC (test folds)")
        ax.set_title("ROC AUC per model, repeated stratified k-fold")
        fig.tight_layout()
        path = directory / "benchmark_roc_auc.png"
        fig.savefig(path, dpi=110)
        plt.close(fig)  # pyplot keeps a figure until it is closed
        paths.append(path)
        return paths


def _progress(done, total, label, start, enabled):
    if not enabled:
        return
    width = 30
    filled = int(width * done / total)
    elapsed = time.perf_counter() - start
    bar = "#" * filled + "-" * (width - filled)
    print(
        f"\r[{bar}] {done}/{total} models, {elapsed:5.1f} s  {label:<40}",
        end="",
        file=sys.stderr,
    )
    if done == total:
        print(file=sys.stderr)


def run_benchmark(
    frame=None,
    document=None,
    *,
    repeats=10,
    folds=5,
    n_jobs=1,
    random_state=0,
    progress=False,
    models=None,
):
    """Cross-validate every model on the same repeated stratified folds.

    Parameters
    ----------
    frame : DataFrame, optional
        The survey; default: the synthetic survey (``random_state``). Rows
        whose target is missing are left out, and the description says how
        many (:func:`~sklearn_innov.preprocessing.drop_missing_target`).
    document : dict, optional
        Spec document (as for ``replicate``); needed with ``frame``.
    repeats, folds : int
        Repeated stratified k-fold settings.
    n_jobs : int
        Parallel jobs of ``cross_validate`` (joblib; use
        ``joblib.parallel_backend("dask")`` around the call for a cluster).
    random_state : int
    progress : bool
        A progress bar on stderr.
    models : dict, optional
        Override the models (label -> estimator).

    Returns
    -------
    result : BenchmarkResult
    """
    from sklearn.model_selection import RepeatedStratifiedKFold, cross_validate

    if frame is None:
        frame = make_sme_survey(random_state=random_state).frame
        document = {
            "indices": PAPER_SPEC,
            "model": {"outcome": "Y", "target": "innovated"},
            "labels": {"event": "innovation propensity"},
        }
        description = (
            f"Data: the SYNTHETIC survey make_sme_survey(random_state={random_state}), "
            "calibrated to the paper's published marginals."
        )
    else:
        if document is None:
            raise SpecError("a survey passed with --data needs its --spec file.")
        description = f"Data: the user's survey, {len(frame)} rows."
    analysis = validate_document(document, frame)
    spec, outcome, target = analysis.spec, analysis.outcome, analysis.target
    frame, note = drop_missing_target(frame, target)
    if note:
        description += " " + note[0].upper() + note[1:]
    mechanisms = {k: v for k, v in spec.items() if k != outcome}
    # fail fast, with the estimator's own message, on items it cannot use
    CompositeIndex(spec=mechanisms, **analysis.index).fit(frame)
    items = list(dict.fromkeys(i for group in mechanisms.values() for i in group))
    # Probability scores (Brier) need to know the event: the second label in
    # sorted order, as StepwiseLogit's classes_[1].
    labels = sorted(frame[target].unique())
    y = (frame[target] == labels[1]).astype(int)
    value = labels[1].item() if isinstance(labels[1], np.generic) else labels[1]
    description += f" Event: {target} = {value!r}."
    event = analysis.labels["event"] or f"{target} = {value!r}"
    if y.value_counts().min() < folds:
        raise SpecError(
            f"target {target!r} has a class with fewer than {folds} rows; "
            "lower --folds."
        )
    models = models or benchmark_models(
        mechanisms, items, random_state, index_settings=analysis.index
    )
    cv = RepeatedStratifiedKFold(
        n_splits=folds, n_repeats=repeats, random_state=random_state
    )
    records, seconds = [], {}
    start = time.perf_counter()
    for done, (label, model) in enumerate(models.items()):
        _progress(done, len(models), label, start, progress)
        began = time.perf_counter()
        import warnings

        from ..exceptions import SeparationWarning

        with warnings.catch_warnings():
            # small training folds separate often; the benchmark scores it anyway
            warnings.simplefilter("ignore", SeparationWarning)
            result = cross_validate(
                model, frame, y, cv=cv, scoring=METRICS, n_jobs=n_jobs
            )
        seconds[label] = time.perf_counter() - began
        for fold in range(folds * repeats):
            record = {"model": label, "repeat": fold // folds, "fold": fold % folds}
            for metric in METRICS:
                value = result[f"test_{metric}"][fold]
                record[metric] = -value if metric in LOSSES else value
            records.append(record)
    _progress(len(models), len(models), "done", start, progress)
    if progress:
        # where the time goes: on folds of ~100 rows, the ensembles (hundreds
        # of trees or boosting rounds) and the nested grid search dominate
        slowest = sorted(seconds.items(), key=lambda item: -item[1])
        total = sum(seconds.values())
        print(
            f"time per model ({total:.1f} s in all): "
            + ", ".join(f"{label} {t:.1f} s" for label, t in slowest),
            file=sys.stderr,
        )
    n = len(frame)
    n_test = n // folds
    return BenchmarkResult(
        pd.DataFrame.from_records(records),
        n - n_test,
        n_test,
        description
        + f" {repeats} x {folds}-fold stratified CV, the same folds for every model.",
        title=f"Predictive benchmark of {event}",
    )
