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

import sys
import time
import warnings
from typing import NamedTuple

import numpy as np
import pandas as pd
from sklearn import config_context
from sklearn.base import BaseEstimator
from sklearn.utils.validation import has_fit_parameter

from ..datasets import PAPER_SPEC, make_sme_survey
from ..diagnostics import corrected_resampled_ttest, holm_adjusted
from ..exceptions import SeparationWarning, SpecError
from ..linear_model import StepwiseLogit
from ..preprocessing import CompositeIndex
from ..preprocessing._spec import drop_missing_target, validate_document
from ..summary import Block, Summary, format_pvalue
from ..utils._validation import check_sample_weight, format_value

__all__ = [
    "BenchmarkResult",
    "BenchmarkSpec",
    "benchmark_models",
    "benchmark_spec",
    "run_benchmark",
]

METRICS = {
    "roc_auc": "roc_auc",
    "accuracy": "accuracy",
    "balanced_accuracy": "balanced_accuracy",
    "brier": "neg_brier_score",
    "log_loss": "neg_log_loss",
}
LOSSES = ("brier", "log_loss")
REFERENCE = "StepwiseLogit"
# the model on raw items, which imputes missing answers (the others rescale)
RAW_ITEMS = "LogisticRegression[l1, raw items]"
MISSING_WORDS = {
    "rescale": "rescale each index from its answered items",
    "nan": "leave an index with no answered item NaN (the model then refuses it)",
    "error": "refuse them",
}
# [model] defaults of validate_document that the benchmark reads
DEFAULT_OUTCOME, DEFAULT_TARGET = "Y", "innovated"
ALPHA = 0.05


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
    index: dict
    labels: dict


def benchmark_spec(document, frame, source="spec"):
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
        Seed of the models that draw random numbers.
    index_settings : dict, optional
        :class:`~sklearn_innov.CompositeIndex` keyword arguments (the spec file's
        ``[index]`` table), used by every model built on the indices.

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

    Attributes
    ----------
    reference : str or None

    Examples
    --------
    >>> from sklearn.dummy import DummyClassifier
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sklearn_innov.model_selection import run_benchmark
    >>> models = {
    ...     "logit": make_pipeline(StandardScaler(), LogisticRegression()),
    ...     "prior": DummyClassifier(strategy="prior"),
    ... }
    >>> result = run_benchmark(
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
        self, scores, n_train, n_test, description, title=None, *, reference=None
    ):
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

    def _auc(self, model):
        return self.scores.loc[self.scores["model"] == model, "roc_auc"].to_numpy()

    def comparisons(self):
        """Each model's ROC AUC against the reference's, fold by fold.

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
            row = dict.fromkeys(columns, np.nan) | {"not tested": None}
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
        table["Holm p"] = holm_adjusted(table["p"].to_numpy(dtype=float))
        return table[columns]

    def table(self):
        """Mean and standard deviation over folds, and the tests against the reference.

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
            for metric in METRICS:
                row[f"{metric} mean"] = frame[metric].mean()
                row[f"{metric} std"] = frame[metric].std(ddof=1)
            rows.append(row)
        table = pd.DataFrame(rows).set_index("model")
        if self.reference is not None:
            tests = self.comparisons()
            for column, name in (("t", "t"), ("p", "p"), ("Holm p", "Holm p")):
                table[f"{name} vs {self.reference}"] = tests[column].reindex(
                    table.index
                )
        return table

    def readings(self):
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
            if round(difference, 3) == 0:
                direction = f"ROC AUC equal to {reference}'s to three decimals"
            else:
                side = "higher" if row["mean difference"] > 0 else "lower"
                direction = f"ROC AUC {difference:.3f} {side} than {reference}"
            verdict = "significant" if row["Holm p"] <= ALPHA else "not significant"
            lines.append(
                f"{model}: {direction} ({mean:.3f} vs {base:.3f}); {verdict} at "
                f"{ALPHA:.0%} after Holm's adjustment for {_count(made, 'comparison')} "
                f"({_p('Holm p', row['Holm p'])}; {_p('unadjusted p', row['p'])}, "
                "corrected resampled t = "
                f"{row['t']:.2f}, df = {int(row['df'])})."
            )
        return lines

    def _notes(self):
        reference = self.reference
        tests = self.comparisons()
        notes = [
            self.description,
            "Brier score and log loss are losses (lower is better).",
        ]
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
                f"model's ROC AUC against {reference}'s, paired by fold. Holm p: "
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
                "scored exactly the ROC AUC of {ref} in every fold (as identical "
                "predictions do: e.g. a grid search whose only candidate, or "
                "chosen candidate, is {ref}'s own pipeline), so the corrected "
                "t-test is undefined (the differences have no variance): no t "
                "or p, and it is not counted in Holm's adjustment."
            ),
            "constant": (
                "differs from {ref} by the same ROC AUC in every fold, so the "
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
                notes.append(f"{model} " + why[reason].format(ref=reference))
        failed = self.scores[~np.isfinite(self.scores["roc_auc"])]
        for model, count in failed.groupby("model", sort=False).size().items():
            notes.append(
                f"{model} failed to fit in {count} of "
                f"{int((self.scores['model'] == model).sum())} folds (scored NaN; "
                "scikit-learn's FitFailedWarning says why): its means cover the "
                "other folds and it has no t-test."
            )
        return notes

    def summary(self):
        """The table, the readings of the tests and the notes.

        Returns
        -------
        summary : Summary
            Printable as text, Markdown, HTML or LaTeX.
        """
        blocks = [Block("Cross-validated scores", self.table(), name="benchmark")]
        readings = self.readings()
        if readings:
            blocks.append(Block(f"Compared with {self.reference}", readings))
        blocks.append(Block("Notes", self._notes()))
        return Summary(self.title, blocks)

    def write(self, directory):
        """Write benchmark.md, every fold's scores as CSV and a box plot PNG.

        Parameters
        ----------
        directory : str or Path
            Folder to write into (created if missing).

        Returns
        -------
        paths : list of Path
            The files written.
        """
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


def _imputation_note(X, index_settings, models):
    """What each model does with a missing answer, said in the description."""
    rows = int(X.isna().any(axis=1).sum())
    policy = index_settings.get("missing", "rescale")
    note = (
        f" Missing answers: {rows} of {len(X)} rows have one or more; the models "
        f"on the indices {MISSING_WORDS[policy]} ([index] missing = {policy!r})"
    )
    if RAW_ITEMS in models:
        note += (
            f", and {RAW_ITEMS} imputes each item's median on the training fold "
            "(SimpleImputer(strategy='median'))"
        )
    return note + "."


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
    reference=None,
    sample_weight=None,
):
    """Cross-validate every model on the same repeated stratified folds.

    Every model, one passed in ``models`` too, is fitted and scored on the
    feature columns of :func:`benchmark_spec` only: the items of the
    explanatory indices, never the target column nor the outcome's items,
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
        Repeated stratified k-fold settings.
    n_jobs : int
        Parallel jobs of ``cross_validate`` (joblib; use
        ``joblib.parallel_backend("dask")`` around the call for a cluster).
    random_state : int
        Seed of the folds and of the models' own randomness.
    progress : bool
        A progress bar on stderr.
    models : dict, optional
        Override the models (label -> estimator); each receives a DataFrame
        of the feature columns.
    reference : str, optional
        The label of the model every other is tested against. Default: the
        paper's pipeline, "StepwiseLogit", when it is among the models;
        otherwise no model is tested and the summary says so.
    sample_weight : array-like of shape (len(frame),), optional
        Non-negative weights of the rows of ``frame`` (of the synthetic
        survey when ``frame`` is None), e.g. a survey's expansion factors.
        Default: the column the spec's ``[design] weight`` names, if any
        (the description says so).
        Each model is fitted with its training fold's weights, routed by
        scikit-learn's metadata routing to every step whose ``fit`` takes
        ``sample_weight`` (the classifier, a scaler, a calibrator, a grid
        search's inner fits, whose inner scores are weighted too); a model
        whose classifier takes none is fitted unweighted and the notes name
        it. Every score (ROC AUC, accuracy, balanced accuracy, Brier, log
        loss) is weighted by the test fold's weights. The folds are drawn on
        rows as without weights, and the corrected t-tests and Holm's
        adjustment read the weighted scores fold by fold as they read
        unweighted ones.

    Returns
    -------
    result : BenchmarkResult
        Every fold's score per model, with the tests against the reference.

    Examples
    --------
    >>> from sklearn.dummy import DummyClassifier
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sklearn_innov.model_selection import run_benchmark
    >>> models = {
    ...     "logit": make_pipeline(StandardScaler(), LogisticRegression()),
    ...     "prior": DummyClassifier(strategy="prior"),
    ... }
    >>> result = run_benchmark(
    ...     repeats=1, folds=3, models=models, reference="prior"
    ... )
    >>> result.table()["roc_auc mean"].round(2)
    model
    logit    0.64
    prior    0.50
    Name: roc_auc mean, dtype: float64
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
    bench = benchmark_spec(document, frame)
    target = bench.target
    design = (document or {}).get("design") or {}
    if sample_weight is None and design.get("weight") is not None:
        # the spec's [design] weights, unless the caller passes others
        sample_weight = frame[design["weight"]].to_numpy(dtype=np.float64)
        description += (
            f" Weighted by [design] weight {design['weight']!r} "
            f"({design.get('weights')} weights): every fit and every score; the "
            "folds are drawn on rows, not on the design's strata or PSUs."
        )
    weights = _benchmark_weights(sample_weight, frame, target)
    frame, note = drop_missing_target(frame, target)
    if note:
        description += " " + note[0].upper() + note[1:]
    # the only columns any model sees
    X = frame[bench.features]
    # fail fast, with the estimator's own message, on items it cannot use
    CompositeIndex(spec=bench.mechanisms, **bench.index).fit(X)
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
    event = bench.labels["event"] or f"{target} = {value!r}"
    if y.value_counts().min() < folds:
        raise SpecError(
            f"target {target!r} has a class with fewer than {folds} rows; "
            "lower --folds."
        )
    models = models or benchmark_models(
        bench.mechanisms, bench.features, random_state, index_settings=bench.index
    )
    description += _imputation_note(X, bench.index, models)
    scoring, fit_params = METRICS, {}
    if weights is not None:
        models, scoring, note = _request_weights(models)
        description += note
        fit_params = {"sample_weight": weights}
    if reference is not None and reference not in models:
        raise ValueError(
            f"run_benchmark: reference {reference!r} is not one of the models: "
            f"{list(models)}."
        )
    cv = RepeatedStratifiedKFold(
        n_splits=folds, n_repeats=repeats, random_state=random_state
    )
    records, seconds = [], {}
    start = time.perf_counter()
    for done, (label, model) in enumerate(models.items()):
        _progress(done, len(models), label, start, progress)
        began = time.perf_counter()
        with (
            warnings.catch_warnings(),
            config_context(enable_metadata_routing=weights is not None),
        ):
            # small training folds separate often; the benchmark scores it anyway
            warnings.simplefilter("ignore", SeparationWarning)
            result = cross_validate(
                model,
                X,
                y,
                cv=cv,
                scoring=scoring,
                n_jobs=n_jobs,
                params=fit_params or None,
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
        reference=reference,
    )


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


def _request_weights(models):
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
            name: get_scorer(scorer).set_score_request(sample_weight=True)
            for name, scorer in METRICS.items()
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
