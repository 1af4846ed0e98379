"""The report's analysis step: every decision, every fitted model, every reading.

:func:`analyze` makes the decisions of the paper's analysis (which rows the
Cobb-Douglas uses and how ln 0 is avoided, which models are fitted at all)
on the embedded synthetic survey or on a user's survey and spec, fits the
models, and collects every reading with the test it comes from into an
:class:`Analysis`. It prints nothing: :func:`~sklearn_innov.report.render_report`
formats an :class:`Analysis`, and
:func:`~sklearn_innov.report.compare_with_paper` puts the published numbers
beside it.
"""

from __future__ import annotations

import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._core import SurveyDesign, frequency_mean, survey_mean
from .._core._survey import jackknife_info
from ..datasets import PAPER_SPEC, make_sme_survey
from ..diagnostics import hosmer_lemeshow, one_factor_test
from ..exceptions import (
    MissingIndexWarning,
    ReplicateFitError,
    SeparationWarning,
    SpecError,
)
from ..linear_model import (
    CobbDouglasRegressor,
    IVCobbDouglasRegressor,
    StepwiseLogit,
    TwoPartRegressor,
)
from ..linear_model._cobb_douglas_summary import diagnostic_readings
from ..model_selection import selection_stability
from ..preprocessing import CompositeIndex, control_columns, index_sensitivity
from ..preprocessing._composite import rows_with_missing_index
from ..preprocessing._log import apply_zeros, smallest_positive_half
from ..preprocessing._spec import drop_missing_target, validate_document
from ..summary import format_number, significance
from ..summary._summary import format_count, plural
from ..utils._progress import no_stage

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from ..model_selection import SelectionStability
    from ..preprocessing import IndexSensitivity
    from ..preprocessing._spec import AnalysisSpec
    from ..utils._typing import CobbDouglasZeros

__all__ = ["ANALYSIS_STAGES", "Analysis", "analyze"]

PAPER_TITLE = "Endogenous learning for innovation: replication"
# The embedded survey is the paper's setting: its adjusted model (Table 11)
# is on X1 and X3 without intercept, its Cobb-Douglas is read as a
# production function, and its rows are firms. A user's spec gets none of
# this unless it says so.
PAPER_DOCUMENT = {
    "indices": PAPER_SPEC,
    "model": {
        "outcome": "Y",
        "target": "innovated",
        "adjusted": ["X1", "X3"],
        "adjusted_intercept": False,
        "production": True,
    },
    "labels": {
        "title": PAPER_TITLE,
        "unit": "firm",
        "units": "firms",
        "event": "innovation",
        "non_event": "no innovation",
    },
}
ALPHA = 0.05
# the report's advice for heteroskedasticity names the spec's key
HC3_KEY = "[model] cov_type = 'HC3'"
MARGINS = ("total", "extensive", "intensive")
# bootstrap refits of the stepwise logit for the stability table (about
# 2-3 ms each at the paper's size)
STABILITY_RESAMPLES = 200
# the Hosmer-Lemeshow grouping rules, SPSS's (the layout's) first
HL_RULE_NAMES = {
    "spss": "SPSS (the layout's)",
    "midrank": "mid-rank",
    "deciles": "R hoslem.test deciles",
}
# what analyze tells its on_stage callback, in this order, each exactly once
# (a stage with nothing to do, e.g. no [endogeneity] table, is still told):
# a progress bar counts them rather than guessing
ANALYSIS_STAGES = (
    "survey",
    "indices",
    "robustness of the rankings",
    "Cobb-Douglas",
    "ln 0 sensitivity",
    "two-part model",
    "stepwise logit",
    "selection stability",
    "adjusted and IV models",
    "readings",
    "construction elasticities",
)
ZERO_CHOICES = {
    "floor": "floor at half the smallest positive",
    "drop": "drop rows with a zero index",
    "offset": "ln(1 + X): offset of 1 on every index",
}


@dataclass
class Analysis:
    """What :func:`analyze` decided and fitted, and every reading with its test.

    Attributes
    ----------
    spec : AnalysisSpec
        The validated spec document (``[indices]``, ``[model]``, ...).
    default : bool
        Whether this is the paper's analysis of the embedded synthetic survey.
    random_state : int
    frame : DataFrame
        The survey, rows with a missing target left out.
    missing_note : str or None
        What was left out for a missing target.
    composite : CompositeIndex
    reliability : DataFrame
        The composite's reliability table as the report prints it:
        "n_complete" counts the complete rows and, under weights,
        "weighted_n" is their total weight (the composite's own
        "n_complete", SPSS's N under ``WEIGHT BY``).
    indices : DataFrame
        The index values of every row.
    robustness : IndexSensitivity or None
        Rank movement under other constructions; ``robustness_error`` says
        why it is None.
    regressors : list of str
    y_outcome, y_target : Series
    zeros : str
        The ln 0 choice in force ("floor", "drop" or "offset").
    cd_names : dict
        Index name to its name in the Cobb-Douglas (``(1 + X1)`` with the
        offset).
    cd_X, cd_y : DataFrame, Series
        The Cobb-Douglas sample after the ln 0 handling.
    zero_note : str
        What the ln 0 handling did, in words.
    floors : dict
        Index to the value its zeros were floored at.
    cobb_douglas : CobbDouglasRegressor
        The full model.
    sensitivity : dict
        The full model refitted under each ln 0 choice (label to model).
    two_part : TwoPartRegressor or None
        ``two_part_skip`` says why it is None; ``two_part_effects`` holds its
        average marginal effects, ``two_part_zeros`` the zero policy it used,
        ``two_part_counts`` the rows with outcome 0 and above 0 (of those with
        positive weight), ``two_part_firth`` how far Firth's penalty moves its
        participation logit (see ``participation_firth_shift``).
    logit : StepwiseLogit
        Fitted with SPSS's Hosmer-Lemeshow grouping (the layout's).
    event : object
        The logit's event value (the second of the target's sorted values).
    hl_rules : DataFrame
        Hosmer-Lemeshow under each grouping rule.
    stability : SelectionStability
    adjusted, adjusted_with_intercept : CobbDouglasRegressor or None
        The adjusted model if ``[model] adjusted`` asks for one, and, when it
        has no intercept, the model with intercept on the same rows;
        ``adjusted_skip`` says why there is none.
    intercept_test : dict or None
        The F test of intercept = 0 in ``adjusted_with_intercept``.
    controls : list of str
        The ``[model] controls`` as model columns (a text control as its 0/1
        dummies, ``"metro_area[Juárez]"``): in levels in the Cobb-Douglas
        models, forced into the stepwise logit; [] without controls.
    control_reference : dict
        Each text control to its reference (dropped) level.
    logit_X : DataFrame or None
        The logit's design: the indices, then the controls.
    logit_weights : ndarray or None
        The ``[design]`` weights of the logit's rows (None without weights).
    missing_answers : DataFrame or None
        Per index: its items, the rows with a missing answer, the rows with
        no answered item, the answers outside ``[index] bounds`` and what
        the ``[index] missing`` policy did with them.
    index_missing_note : str or None
        The rows whose index is NaN (``[index] missing = "nan"``), left out
        of every model.
    rows_read : int
        The rows of the survey as passed, before any was left out.
    rows_left_out : dict
        The rows left out of every model, by reason: ``"target"`` (no
        target value), ``"index"`` (an index that is NaN); the rows analysed
        are ``rows_read`` minus their sum, ``len(frame)``.
    readings : DataFrame
        Every reading the report prints, one row each: ``section``, ``test``,
        ``statistic``, ``p_value`` and ``reading`` (worded from the p-value).
    construction_elasticities : DataFrame or None
        The full Cobb-Douglas (indices only) refitted under every index
        construction of ``robustness`` (``IndexSensitivity.refit``); None
        when the outcome is not an index or the rankings were not computed.
    iv : IVCobbDouglasRegressor or None
        The Cobb-Douglas with the ``[endogeneity]`` indices instrumented,
        fitted on ``iv_X`` (the Cobb-Douglas sample's indices, then the
        instruments as given) and ``cd_y``; None without ``[endogeneity]``.
    iv_X : DataFrame or None
    design : dict or None
        The spec's ``[design]`` (None without one).
    design_estimates : DataFrame or None
        With a ``[design]``: the weighted means of the indices and shares of
        the target's values, with design-based (or, for frequency weights,
        replication) standard errors and intervals (``survey_mean``,
        ``survey_proportions``); None without one.
    design_info : dict or None
        The design's strata, PSUs and degrees of freedom on the analysed
        rows (``SurveyDesign.info``), None without a design.

    Examples
    --------
    >>> from sklearn_innov.report import analyze
    >>> analysis = analyze(random_state=0)
    >>> type(analysis).__name__, analysis.default, analysis.event
    ('Analysis', True, 1)
    >>> sorted(analysis.models())[:4]
    ['adjusted', 'adjusted_with_intercept', 'analysis', 'cobb_douglas']
    """

    spec: AnalysisSpec
    default: bool
    random_state: int
    frame: pd.DataFrame
    missing_note: str | None
    composite: CompositeIndex
    indices: pd.DataFrame
    robustness: IndexSensitivity | None
    robustness_error: object
    regressors: list
    y_outcome: pd.Series
    y_target: pd.Series
    zeros: str
    cd_names: dict
    cd_X: pd.DataFrame
    cd_y: pd.Series
    zero_note: str
    floors: dict
    cobb_douglas: CobbDouglasRegressor
    sensitivity: dict
    two_part: TwoPartRegressor | None
    two_part_skip: str | None
    two_part_effects: object
    two_part_zeros: object
    logit: StepwiseLogit
    event: object
    hl_rules: pd.DataFrame
    stability: SelectionStability
    adjusted: CobbDouglasRegressor | None = None
    adjusted_with_intercept: CobbDouglasRegressor | None = None
    adjusted_skip: object = None
    intercept_test: dict | None = None
    controls: list = field(default_factory=list)
    control_reference: dict = field(default_factory=dict)
    logit_X: pd.DataFrame | None = None
    logit_weights: np.ndarray | None = None
    # rows with outcome 0 and > 0 (of those with positive weight)
    two_part_counts: tuple = (0, 0)
    # the largest |b_firth - b_ML| / se of the participation logit, or why not
    two_part_firth: dict | None = None
    missing_answers: pd.DataFrame | None = None
    index_missing_note: str | None = None
    rows_read: int = 0
    rows_left_out: dict = field(default_factory=dict)
    reliability: pd.DataFrame = field(default_factory=pd.DataFrame)
    readings: pd.DataFrame = field(default_factory=pd.DataFrame)
    construction_elasticities: pd.DataFrame | None = None
    iv: IVCobbDouglasRegressor | None = None
    iv_X: object = None
    design: dict | None = None
    design_estimates: pd.DataFrame | None = None
    design_info: dict | None = None

    @property
    def options(self) -> dict[str, Any]:
        """The ``[model]`` table, defaults filled in."""
        return self.spec.model

    @property
    def labels(self) -> dict[str, Any]:
        """The ``[labels]`` table, defaults filled in."""
        return self.spec.labels

    @property
    def outcome(self) -> str:
        """The Cobb-Douglas outcome of the spec (an index or a column)."""
        return self.spec.outcome

    @property
    def target(self) -> str:
        """The 0/1 target column of the logit."""
        return self.spec.target

    def arbitrary_zero(self, names: list[str] | None = None) -> dict[str, str]:
        """The explanatory indices whose zero is arbitrary, each with why.

        Parameters
        ----------
        names : list of str, optional
            Indices of one model; default: the full model's regressors.

        Returns
        -------
        reasons : dict of str to str
            Empty when every index has a true zero: min-max normalised from
            a declared ``[index] bounds`` lower end of 0, no item reversed,
            and no offset (``[model] zeros``), so that 0 means none of what
            the items measure and the sum of elasticities can be read as
            returns to scale.
        """
        settings = self.spec.index
        reversed_items = set(settings.get("reverse") or ())
        reasons = {}
        for name in self.regressors if names is None else names:
            items = self.spec.spec[name]
            if settings.get("normalize", "minmax") != "minmax":
                why = f"{settings['normalize']} normalisation, whose zero is arbitrary"
            elif self.options["zeros"] == "offset":
                why = "shifted by 1 (ln(1 + X), [model] zeros = 'offset')"
            elif reversed_items.intersection(items):
                why = "reversed items, 0 at the top of their scale"
            else:
                lows = [self.declared_low(item) for item in items]
                if None in lows:
                    why = f"min-max from the lowest of the {self.labels['units']}"
                elif any(low != 0 for low in lows):
                    why = "min-max from an [index] bounds lower end other than 0"
                else:
                    continue
            reasons[name] = why
        return reasons

    def declared_low(self, item: str) -> float | None:
        """The lower end of an item's ``[index] bounds``, None if not declared.

        Parameters
        ----------
        item : str
            A column named in ``[indices]``.

        Returns
        -------
        low : float or None
            None when min-max takes the item's bounds from the data (its 0
            is then the lowest observed answer, not an answer of 0).
        """
        bounds = self.spec.index.get("bounds")
        if bounds is None or (isinstance(bounds, dict) and item not in bounds):
            return None
        return float((bounds[item] if isinstance(bounds, dict) else bounds)[0])

    def outcome_floor_zeros(self) -> str | None:
        """Why the outcome's zeros are a min-max floor, not answers of 0.

        Returns
        -------
        caution : str or None
            A sentence for the places that count the outcome's zeros when
            the outcome is an index min-max normalised on the observed
            bounds of some item whose lowest answer is not 0 (its 0 is then
            the lowest unit observed, not an answer of 0); None when the
            outcome is a column, has no zeros, every item has declared
            ``[index] bounds`` (0 is then the scale's lowest answer), or
            every item without them has 0 for its lowest answer.
        """
        outcome = self.outcome
        if outcome not in self.spec.spec or not (self.y_outcome == 0).any():
            return None
        if self.spec.index.get("normalize", "minmax") != "minmax":
            return None
        items = self.spec.spec[outcome]
        observed = [item for item in items if self.declared_low(item) is None]
        lows = [float(self.frame[item].min()) for item in observed]
        # an item whose lowest answer is 0 puts its answers of 0 at 0: the
        # zeros are then answers of 0 as well as the lowest units
        if not observed or not any(lows):
            return None
        lowest = ", ".join(
            f"{item} = {format_number(low, 3)}"
            for item, low in zip(observed, lows, strict=True)
        )
        n_zero = int((self.y_outcome == 0).sum())
        units = self.labels["units"]
        example = "[1, 5]" if len(observed) > 1 else "[low, high]"
        at_zero = (
            f"its 1 {self.labels['unit']} at 0 is the one"
            if n_zero == 1
            else f"its {n_zero:,} {units} at 0 are those"
        )
        # the outcome's zeros: every policy but "two-part" leaves them out of
        # the main model (floor, drop and offset differ only on an index's
        # zeros), so the way out is named only when it is not in effect
        policy = self.options["zeros"]
        if policy == "two-part":
            way_out = (
                "answer, or set [model] zeros = 'floor' (or 'drop' or "
                "'offset', which differ only in an index's zeros) to make the "
                "main model the Cobb-Douglas of the positive outcomes alone, "
                "without a model of the zeros."
            )
        else:
            way_out = (
                f"answer. Under [model] zeros = {policy!r} (in effect) the main "
                "model is already the Cobb-Douglas of the positive outcomes "
                "alone, without a model of the zeros."
            )
        return (
            f"{outcome}'s zeros are not answers of 0: min-max on the observed "
            f"bounds maps the lowest {units} to 0, so {at_zero} "
            "at the lowest observed value"
            + (" of every item" if len(items) > 1 else "")
            + f" ({lowest}). To model true "
            f"zeros, declare the items' bounds in the spec's [index] table "
            f"(bounds = {example}, or per item bounds = "
            f"{{{observed[0]} = {example}}}) so that 0 means the scale's lowest "
            + way_out
        )

    def returns_to_scale(self, names: list[str] | None = None) -> bool:
        """Whether a model's sum of elasticities is read as returns to scale.

        Parameters
        ----------
        names : list of str, optional
            Indices of the model; default: the full model's regressors.

        Returns
        -------
        read : bool
            True only when ``[model] production = true`` declares a
            production function and every index has a true zero
            (:meth:`arbitrary_zero` is empty).
        """
        return bool(self.options["production"]) and not self.arbitrary_zero(names)

    def models(self) -> dict[str, Any]:
        """The fitted models and data by name (``replicate``'s second value)."""
        return {
            "analysis": self.spec,
            "indices": self.composite,
            "index_values": self.indices,
            "cobb_douglas": self.cobb_douglas,
            "cobb_douglas_X": self.cd_X,
            "cobb_douglas_y": self.cd_y.rename(self.outcome),
            "floors": self.floors,
            "sensitivity": self.sensitivity,
            "logit": self.logit,
            "adjusted": self.adjusted,
            "adjusted_with_intercept": self.adjusted_with_intercept,
            "two_part": self.two_part,
            "selection_stability": self.stability,
            "index_sensitivity": self.robustness,
            "readings": self.readings,
            "iv": self.iv,
            "iv_X": self.iv_X,
        }


def analyze(
    frame: pd.DataFrame | None = None,
    document: Mapping[str, Any] | None = None,
    *,
    random_state: int = 0,
    on_stage: Callable[[str], None] | None = None,
) -> Analysis:
    """Make the analysis's decisions, fit its models and collect its readings.

    On the embedded synthetic survey (``frame=None``) the analysis is the
    paper's (``PAPER_DOCUMENT``: Table 11's adjusted model on X1 and X3
    without intercept, a production function). On a user's survey nothing
    of the paper is imposed: the spec's ``[model]`` table decides (the user
    guide's page "Your own survey" lists its keys).

    Parameters
    ----------
    frame : DataFrame, optional
        The survey; default: ``make_sme_survey(random_state=random_state)``.
    document : dict, optional
        A spec document; required with ``frame``.
    random_state : int, default=0
        Seed of the synthetic survey and of the bootstrap.
    on_stage : callable, optional
        Called with each stage's name as it finishes, in the order of
        ``ANALYSIS_STAGES``, each once (e.g. to advance a progress bar).

    Returns
    -------
    analysis : Analysis
        The fitted models, the decisions taken and the readings, for
        :func:`render_report`.

    Examples
    --------
    >>> from sklearn_innov.report import analyze
    >>> analysis = analyze(random_state=0)  # the embedded synthetic survey
    >>> analysis.logit.selected_features_
    ['X1', 'X3']
    >>> analysis.cobb_douglas.coef_table_.index.tolist()
    ['const', 'X1', 'X2', 'X3', 'X4']
    """
    done = no_stage if on_stage is None else on_stage
    default = frame is None
    if frame is None:
        frame = make_sme_survey(random_state=random_state).frame
        document = PAPER_DOCUMENT
    elif document is None:
        raise SpecError("a survey passed with --data needs its --spec file.")
    spec = validate_document(document, frame)
    options, labels = spec.model, spec.labels
    rows_read = len(frame)
    frame, missing_note = drop_missing_target(frame, spec.target)
    with_target = len(frame)
    item_weights = index_weights(frame, spec.design)
    done("survey")

    with warnings.catch_warnings():
        # missing = "nan": the report counts those rows (index_missing_note)
        warnings.simplefilter("ignore", MissingIndexWarning)
        composite = CompositeIndex(spec=spec.spec, **spec.index).fit(
            frame, sample_weight=item_weights
        )
        indices = pd.DataFrame(
            composite.transform(frame), columns=list(spec.spec), index=frame.index
        )
    reliability = reliability_table(composite, item_weights)
    missing_answers = missing_answer_table(frame, spec)
    frame, indices, index_missing_note = _drop_missing_indices(frame, indices, labels)
    item_weights = index_weights(frame, spec.design)
    controls, control_reference = control_columns(frame, options["controls"])
    done("indices")
    # "moves" is relative to the sample: more than 5% of the places (at
    # least 10), so the share means the same at 127 rows and at 6,000
    robustness = robustness_error = None
    try:
        robustness = index_sensitivity(
            frame,
            spec.spec,
            reverse=spec.index.get("reverse"),
            bounds=spec.index.get("bounds"),
            shift=max(10, round(0.05 * len(frame))),
            sample_weight=item_weights,
        )
    except ValueError as exc:
        robustness_error = str(exc)
    done("robustness of the rankings")

    outcome = spec.outcome
    y_outcome = indices[outcome] if outcome in indices else frame[outcome].astype(float)
    regressors = [name for name in spec.spec if name != outcome]
    X = indices[regressors]
    y_target = frame[spec.target]
    control_names = list(controls.columns)
    levels = control_names or None

    # zero indices in the Cobb-Douglas sample: "two-part" floors them
    zeros: CobbDouglasZeros = (
        "floor" if options["zeros"] == "two-part" else options["zeros"]
    )
    cd_data, zero_note, floors = cobb_douglas_sample(X, y_outcome, zeros, labels)
    # with the offset the regressors are 1 + X: say so wherever they are named
    cd_names = {r: f"(1 + {r})" if zeros == "offset" else r for r in regressors}
    cd_data = cd_data.rename(columns=cd_names)
    cd_X, cd_y = cd_data[[cd_names[r] for r in regressors]], cd_data["__y__"]
    # the controls enter in levels: no log, no zero policy
    cd_X = cd_X.join(controls)
    design = spec.design
    cd_cov_type = design_cov_type(design, options["cov_type"])
    with _jackknife_named(f"The Cobb-Douglas of {outcome}"):
        full = fit_in_domain(
            CobbDouglasRegressor(
                cov_type=cd_cov_type,
                levels=levels,
                **design_options(design),
            ),
            cd_X,
            cd_y,
            frame,
            design,
        )
    done("Cobb-Douglas")

    sensitivity = {}
    for key, label in ZERO_CHOICES.items():
        if key == zeros:
            sensitivity[label + " (main)"] = full
        else:
            data, _, _ = cobb_douglas_sample(X, y_outcome, key, labels)
            with _jackknife_named(f"The ln 0 sensitivity Cobb-Douglas ({label})"):
                sensitivity[label] = fit_in_domain(
                    CobbDouglasRegressor(
                        levels=levels,
                        cov_type=design_cov_type(design, "nonrobust"),
                        **design_options(design),
                    ),
                    data.drop(columns="__y__").join(controls),
                    data["__y__"],
                    frame,
                    design,
                )

    done("ln 0 sensitivity")
    two_part, two_part_skip, effects, two_part_zeros = _two_part(
        X, y_outcome, options, labels, design, frame
    )
    two_part_counts = participation_counts(
        y_outcome, design_fit_params(frame, design, X.index).get("sample_weight")
    )
    two_part_firth = participation_firth_shift(
        two_part, X, y_outcome, design_fit_params(frame, design, X.index)
    )
    done("two-part model")

    # SPSS's layout, SPSS's Hosmer-Lemeshow grouping; the controls are forced
    # in: backward elimination never removes them
    logit_X = X.join(controls)
    logit_params = design_fit_params(frame, design, logit_X.index)
    with _jackknife_named(f"The stepwise logit of {spec.target}"):
        logit = StepwiseLogit(
            hl_method="spss",
            force=levels,
            cov_type=design_cov_type(design, "nonrobust"),
            **design_options(design),
        ).fit(logit_X, y_target, **logit_params)
    event = logit.classes_[1]
    event = event.item() if hasattr(event, "item") else event  # a plain scalar
    if isinstance(event, float) and event.is_integer():
        event = int(event)  # a 0/1 column read as floats: 1, not 1.0
    done("stepwise logit")
    # under a sample design, the Rao-Wu bootstrap of its strata and PSUs; the
    # RMSD ratio's denominator is the full model's SE under the logit's
    # variance (design-based; the jackknife's under [design] variance)
    stability_cov = design_cov_type(design, "nonrobust")
    with _jackknife_named(f"The stability's global logit of {spec.target}"):
        stability = selection_stability(
            # the logit's own selection: its design (fpc too) on all rows,
            # each resample's strata and PSUs in the refits
            # (a stratum of 2 PSUs keeps 1 in each resample: "adjust" unless
            # [design] lonely_psu says otherwise; the summary's notes say it)
            StepwiseLogit(
                force=levels,
                cov_type=stability_cov,
                **(design_lonely(design) or {"lonely_psu": "adjust"}),
            ),
            logit_X,
            y_target,
            n_bootstrap=STABILITY_RESAMPLES,
            random_state=random_state,
            sample_weight=logit_params.get("sample_weight"),
            strata=logit_params.get("strata"),
            cluster=logit_params.get("cluster"),
            fpc=logit_params.get("fpc"),
            # Rao-Wu cannot resample one PSU: under [design] lonely_psu its
            # stratum is kept whole in every resample
            lonely_psu="certainty" if design_lonely(design) else "fail",
            global_estimator=StepwiseLogit(
                force=levels,
                cov_type=stability_cov,
                p_remove=1.0,
                direction="backward",
                **design_options(design),
            ),
        )
    done("selection stability")
    analysis = Analysis(
        spec=spec,
        default=default,
        random_state=random_state,
        frame=frame,
        missing_note=missing_note,
        composite=composite,
        indices=indices,
        robustness=robustness,
        robustness_error=robustness_error,
        regressors=regressors,
        y_outcome=y_outcome,
        y_target=y_target,
        zeros=zeros,
        cd_names=cd_names,
        cd_X=cd_X,
        cd_y=cd_y,
        zero_note=zero_note,
        floors=floors,
        cobb_douglas=full,
        sensitivity=sensitivity,
        two_part=two_part,
        two_part_skip=two_part_skip,
        two_part_effects=effects,
        two_part_zeros=two_part_zeros,
        two_part_counts=two_part_counts,
        two_part_firth=two_part_firth,
        logit=logit,
        event=event,
        hl_rules=_hl_by_rule(logit, y_target, logit_params.get("sample_weight")),
        stability=stability,
        controls=control_names,
        control_reference=control_reference,
        logit_X=logit_X,
        logit_weights=logit_params.get("sample_weight"),
        missing_answers=missing_answers,
        index_missing_note=index_missing_note,
        rows_read=rows_read,
        rows_left_out={
            "target": rows_read - with_target,
            "index": with_target - len(frame),
        },
        reliability=reliability,
    )
    if design is not None:
        analysis.design = design
        analysis.design_estimates, analysis.design_info = design_estimates(
            frame, design, indices, y_target
        )
    _adjusted(analysis)
    _instrumental_variables(analysis)
    done("adjusted and IV models")
    analysis.readings = _readings(analysis)
    done("readings")
    if robustness is not None and outcome in indices.columns:
        # elasticities, not only ranks, under each construction: the
        # indices-only Cobb-Douglas with the main model's ln 0 policy
        analysis.construction_elasticities = robustness.refit(
            # under a sample design its weights are probability weights:
            # cov_type "survey", not frequency weights
            CobbDouglasRegressor(
                zeros=zeros, cov_type=design_cov_type(design, options["cov_type"])
            ),
            outcome,
            regressors,
            positive_outcome=True,
        )
    done("construction elasticities")
    return analysis


def _adjusted(a):
    """Fit the adjusted model only when ``[model] adjusted`` asks for one."""
    options = a.options
    chosen = options["adjusted"]
    if chosen is None:
        a.adjusted_skip = (
            "No adjusted model: [model] adjusted names none. Name indices with "
            "[model] adjusted = [...] to fit one on those indices only."
        )
        return
    if set(chosen) == set(a.regressors) and options["adjusted_intercept"]:
        a.adjusted_skip = (
            "No adjusted model: [model] adjusted names every explanatory index "
            "with an intercept, which is the full model above."
        )
        return
    names = [a.cd_names[name] for name in chosen] + a.controls
    cov_type = design_cov_type(a.design, options["cov_type"])
    levels = a.controls or None

    def fit(fit_intercept):
        model = CobbDouglasRegressor(
            fit_intercept=fit_intercept,
            cov_type=cov_type,
            levels=levels,
            **design_options(a.design),
        )
        return fit_in_domain(model, a.cd_X[names], a.cd_y, a.frame, a.design)

    with _jackknife_named("The adjusted Cobb-Douglas ([model] adjusted)"):
        a.adjusted = fit(options["adjusted_intercept"])
    if options["adjusted_intercept"]:
        return
    # Dropping the intercept is a restriction the data can reject: test it in
    # the model that has one (its Wald F with the chosen covariance); its
    # estimates are printed beside, since not rejecting is no proof.
    with _jackknife_named("The adjusted Cobb-Douglas with an intercept"):
        free = fit(True)
    R = np.zeros(len(names) + 1)
    R[0] = 1.0
    a.adjusted_with_intercept = free
    a.intercept_test = free.results_.wald_test(R, 0.0)


def _instrumental_variables(a):
    """The ``[endogeneity]`` IV model on the Cobb-Douglas sample, or nothing.

    The design is the sample's indices (logged by the model, ln 0 handled as
    in the full model) and the instruments as given, on the same rows.
    """
    table = a.spec.endogeneity
    if table is None:
        return
    instruments = a.frame.loc[a.cd_X.index, table["instruments"]]
    empty = instruments.isna().any(axis=1).to_numpy()
    if empty.any():
        named = [c for c in instruments if instruments[c].isna().any()]
        raise SpecError(
            f"[endogeneity] instruments {named} are missing in "
            f"{count(int(empty.sum()), a.labels)} of the Cobb-Douglas sample "
            f"(e.g. row {instruments.index[empty][0]!r}); IV needs every "
            "instrument on every row: fill the values in or drop those rows."
        )
    regressors = [a.cd_names[name] for name in a.regressors]
    a.iv_X = a.cd_X[regressors].join(instruments)
    a.iv = IVCobbDouglasRegressor(
        endogenous=[a.cd_names[name] for name in table["endogenous"]],
        instruments=list(table["instruments"]),
        method=table["method"],
        cov_type=table["cov_type"],
    ).fit(a.iv_X, a.cd_y)


def design_cov_type(design, cov_type):
    """The covariance a model uses: "survey" under a sample design.

    ``[design]`` with probability weights, strata or clusters describes how
    the rows were drawn: the standard errors are then design-based (Taylor
    linearisation, as R's ``svyglm``), whatever ``[model] cov_type`` says.
    Frequency weights (or no design) keep ``cov_type``.
    """
    if design is None or design["weights"] == "frequency":
        return cov_type
    return "survey"


def design_variance(design):
    """``survey_variance`` of the models under ``[design] variance``.

    ``{"survey_variance": "jackknife"}`` for a sample design whose
    ``variance`` is "jackknife" (the Cobb-Douglas models and the stepwise
    logit's final model then use the replicate jackknife), ``{}`` otherwise
    (Taylor linearisation, or no sample design). The two-part model takes
    it too, and so does the global model of the logit's selection stability
    (its SE is the RMSD ratio's denominator); the logit's stepping and the
    bootstrap refits of its selection keep the linearisation.
    """
    if design is None or design["weights"] == "frequency":
        return {}
    if design.get("variance", "linearization") == "jackknife":
        return {"survey_variance": "jackknife"}
    return {}


def design_options(design):
    """Both of a design-based model's options: :func:`design_variance` and
    :func:`design_lonely`."""
    return {**design_variance(design), **design_lonely(design)}


def design_lonely(design):
    """``lonely_psu`` of the design-based models under ``[design] lonely_psu``.

    ``{"lonely_psu": ...}`` for a sample design whose ``lonely_psu`` is
    given and not "fail", ``{}`` otherwise (the estimators' default, "fail").
    """
    if design is None or design["weights"] == "frequency":
        return {}
    lonely = design.get("lonely_psu") or "fail"
    return {} if lonely == "fail" else {"lonely_psu": lonely}


def index_weights(frame, design):
    """The weights the indices' construction and robustness use, or None.

    Frequency weights as they are (a row of weight w is w rows); probability
    weights rescaled to add up to the number of rows, so that the weighted
    moments are the design's point estimates while the counts and the
    one-factor test keep the sample's size (expansion factors adding up to
    a population of 10,000 would otherwise count 10,000 respondents).
    """
    if design is None or design["weight"] is None:
        return None
    weights = frame[design["weight"]].to_numpy(dtype=np.float64)
    if design["weights"] == "frequency":
        return weights
    return weights * (len(weights) / weights.sum())


def design_fit_params(frame, design, rows):
    """The fit parameters of ``[design]`` for a model fitted on ``rows``.

    ``sample_weight`` (frequency or probability weights) and, under a
    sample design, ``strata``, ``cluster`` and ``fpc``, each the rows'
    values of the named column (``fpc`` two columns, the stages' fpc, when
    ``fpc2`` is named). A model fitted on fewer rows than the
    survey (ln 0 dropped, a missing value) gets the design of its rows, as a
    model fitted on a subset of the data; ``{}`` without a design.
    """
    if design is None:
        return {}
    part = frame.loc[rows]
    params = {}
    if design["weight"] is not None:
        params["sample_weight"] = part[design["weight"]].to_numpy(dtype=np.float64)
    if design["weights"] != "frequency":
        for key in ("strata", "cluster", "fpc"):
            if design[key] is not None:
                params[key] = part[design[key]].to_numpy()
        if design.get("fpc2") is not None:
            # both stages' fpc, as svydesign(fpc = ~fpc + fpc2)
            params["fpc"] = part[[design["fpc"], design["fpc2"]]].to_numpy()
    return params


def fit_in_domain(model, X, y, frame, design):
    """Fit ``model`` on the rows of ``X`` as a domain of the whole design.

    Under a sample design, a model of part of the rows (the positive
    outcomes, rows with a zero index dropped) is a domain estimate: it is
    fitted on every row of ``frame``, the rows outside ``X`` at weight 0, so
    that each stratum keeps all its PSUs (their scores 0 outside the
    domain), as R's ``svyglm(design = subset(des, y > 0))``. Deleting the
    rows instead would drop the PSUs left without a row and understate the
    variance's ``n_h``. Without a sample design (none, or frequency
    weights) the rows are simply those of ``X``.
    """
    if (
        design is None
        or design["weights"] == "frequency"
        or len(X.index) == len(frame.index)
    ):
        return model.fit(X, y, **design_fit_params(frame, design, X.index))
    params = design_fit_params(frame, design, frame.index)
    inside = frame.index.isin(X.index)
    weights = params.get("sample_weight", np.ones(len(frame)))
    params["sample_weight"] = np.where(inside, weights, 0.0)
    # the rows outside carry weight 0: any valid value does (those of a row
    # of the domain), since the model leaves them out of the estimates
    position = pd.Series(np.arange(len(X)), index=X.index)
    order = position.reindex(frame.index).fillna(0).to_numpy(dtype=int)
    full_X = X.iloc[order].set_axis(frame.index)
    full_y = pd.Series(np.asarray(y)[order], index=frame.index, name=y.name)
    return model.fit(full_X, full_y, **params)


def design_estimates(frame, design, indices, target):
    """Weighted means of the indices and shares of the target's values, with
    their standard errors.

    Under a sample design they are design-based (``survey_mean``, as R's
    ``svymean``; an index's mean over the rows where it is known, as a
    domain keeping the whole design); under frequency weights, those of the
    replicated rows (``frequency_mean``). Returns the table and the
    design's sizes (``SurveyDesign.info``; None for frequency weights).
    """
    params = design_fit_params(frame, design, frame.index)
    values = indices.to_numpy(dtype=np.float64)
    known = ~np.isnan(values)
    levels = np.unique(target.to_numpy())
    shares = (target.to_numpy()[:, None] == levels[None, :]).astype(np.float64)
    if design["weights"] == "frequency":
        weights, info = params["sample_weight"], None

        def estimate(v, domain):
            return frequency_mean(v, weights, domain=domain)

    else:
        survey = SurveyDesign.from_arrays(
            len(frame),
            weights=params.get("sample_weight"),
            strata=params.get("strata"),
            cluster=params.get("cluster"),
            fpc=params.get("fpc"),
            **design_lonely(design),
        )
        info = survey.info

        variance = design.get("variance", "linearization")
        if variance == "jackknife":
            info = jackknife_info(survey)

        def estimate(v, domain):
            return survey_mean(v, survey, domain=domain, variance=variance)

    rows = [
        estimate(np.where(known[:, j], values[:, j], 0.0), known[:, j])
        for j in range(values.shape[1])
    ]
    means = pd.concat(rows, ignore_index=True)
    means.index = pd.Index(list(indices.columns), name="estimate")
    means.insert(0, "kind", "mean")
    share = estimate(shares, None)
    share.index = pd.Index(
        [f"{target.name} = {_plain(value)!r}" for value in levels], name="estimate"
    )
    share.insert(0, "kind", "share")
    return pd.concat([means, share]), info


def _plain(value):
    value = value.item() if hasattr(value, "item") else value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _hl_by_rule(logit, y, sample_weight=None):
    """Hosmer-Lemeshow under each grouping rule: how much the rule matters.

    With weights, weighted counts as the layout's block (SPSS's WEIGHT BY),
    with the weights the fit used.
    """
    event = (np.asarray(y) == logit.classes_[1]).astype(float)
    if sample_weight is not None:
        # the fit's probabilities are those of its positive-weight rows
        event = event[sample_weight > 0]
    # the weights the fit used (at mean 1 under a design, as svyglm)
    sample_weight = logit.results_.sample_weight
    # the fit's own probabilities, those of the layout's Hosmer-Lemeshow block
    prob = np.asarray(logit.results_.prob, dtype=float)
    rows = {}
    for method, label in HL_RULE_NAMES.items():
        result = hosmer_lemeshow(
            event, prob, method=method, sample_weight=sample_weight
        )
        rows[label] = {
            "Chi-square": result["statistic"],
            "df": result["df"],
            "Sig.": result["pvalue"],
            "groups": len(result["table"]),
        }
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "grouping rule"
    return table


def _readings(a):
    """Every reading with its test: the rows the report words from p-values."""
    frames = []
    fits = [("Cobb-Douglas (full)", a.cobb_douglas, a.returns_to_scale())]
    if a.adjusted is not None:
        adjusted = a.returns_to_scale(a.options["adjusted"])
        fits.append(("Cobb-Douglas (adjusted)", a.adjusted, adjusted))
    for section, model, production in fits:
        table = diagnostic_readings(
            model, production, hc3=HC3_KEY, sum_test=bool(a.options["production"])
        ).reset_index()
        table.insert(0, "section", section)
        frames.append(table)
    rows = []
    if a.intercept_test is not None:
        p = a.intercept_test["pvalue"]
        rows.append(
            (
                "Cobb-Douglas (adjusted)",
                "F, H0: intercept = 0",
                a.intercept_test["statistic"],
                p,
                "intercept: " + significance(p, ALPHA),
            )
        )
    omnibus = a.logit.results_.omnibus
    rows.append(
        (
            "Stepwise logit",
            "Omnibus LR chi-square",
            omnibus["statistic"],
            omnibus["pvalue"],
            ("the kept indices and the controls" if a.controls else "the kept indices")
            + " jointly: "
            + significance(omnibus["pvalue"], ALPHA)
            if omnibus["df"]
            else "not tested (no index kept)",
        )
    )
    design_based = a.logit.cov_type == "survey"
    for rule, row in a.hl_rules.iterrows():
        p = row["Sig."]
        if p != p:
            reading = "not tested (fewer than 3 groups)"
        elif design_based:
            # a test of independent cases: not read under a sample design
            reading = "model-based, not a design-based test: not read"
        else:
            reading = "lack of fit: " + significance(p, ALPHA)
        rows.append(
            (
                "Stepwise logit",
                f"Hosmer-Lemeshow ({rule})",
                row["Chi-square"],
                p,
                reading,
            )
        )
    for name, items in a.spec.spec.items():
        if len(items) < 4:
            # three items: df 0, the one-factor model fits exactly
            continue
        values = a.frame[items].apply(pd.to_numeric, errors="coerce")
        test = one_factor_test(values)
        p = test["pvalue"]
        rows.append(
            (
                "Composite indices",
                f"one-factor LR test, {name}",
                test["statistic"],
                p,
                f"{name}: departure of its items from one factor "
                + significance(p, ALPHA)
                + (
                    ": alpha and omega assume a one-factor model these items do not fit"
                    if p < ALPHA
                    else "; this does not show that one factor holds"
                )
                if p == p
                else f"{name}: one-factor model not tested (it cannot be fitted)",
            )
        )
    frames.append(
        pd.DataFrame(
            rows, columns=["section", "test", "statistic", "p_value", "reading"]
        )
    )
    if a.iv is not None and a.iv.endogenous_:
        # the estimator's own diagnostics block: its statistics and readings
        table = a.iv.summary()["diagnostics"].reset_index()
        table.insert(0, "section", "Endogeneity (IV)")
        frames.append(table)
    return pd.concat(frames, ignore_index=True)


def participation_counts(y, weights=None):
    """Rows with ``y == 0`` and with ``y > 0``, of those with positive weight.

    Rows, not sums of weights: a weight scales a row's contribution, it
    adds no event to learn the participation logit from.
    """
    in_use = np.ones(len(y), dtype=bool) if weights is None else weights > 0
    y = np.asarray(y)
    return int(((y == 0) & in_use).sum()), int(((y > 0) & in_use).sum())


def participation_firth_shift(model, X, y, fit_params):
    """How far Firth's penalty moves the participation logit's final model.

    Refits the final model (the same features, rows and weights) by Firth's
    penalised likelihood and measures each coefficient's shift
    ``|b_firth - b_ML|`` in units of its maximum-likelihood standard error:
    the small-sample bias of maximum likelihood that Firth's penalty removes
    (Firth, 1993), on the user's data rather than from a rule on events per
    parameter.

    Returns
    -------
    shift : dict or None
        None without a participation logit; else ``{"shift": float,
        "term": name}`` (``term`` ``"const"`` for the intercept), or
        ``{"error": reason}`` when the Firth fit failed.
    """
    if model is None or model.classifier_ is None:
        return None
    ml = model.classifier_
    table = ml.coef_table_
    columns = [c for c in table.index if c != "const"]
    positive = (np.asarray(y) > 0).astype(int)
    weights = fit_params.get("sample_weight")
    if not columns and ml.fit_intercept:
        # intercept only: Firth's score sum w (y - p) + (1 - 2 p) / 2 = 0
        # has the closed form p = (sum w y + 1/2) / (sum w + 1)
        w = np.ones(len(positive)) if weights is None else np.asarray(weights)
        p = (w @ positive + 0.5) / (w.sum() + 1.0)
        shift = abs(np.log(p / (1 - p)) - table.loc["const", "coef"])
        return {"shift": float(shift / table.loc["const", "std_err"]), "term": "const"}
    if not columns:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            firth = StepwiseLogit(
                penalty="firth", p_remove=1.0, fit_intercept=ml.fit_intercept
            ).fit(X[columns], positive, sample_weight=weights)
    except (ValueError, np.linalg.LinAlgError) as exc:
        return {"error": str(exc).split("\n")[0]}
    if not firth.converged_:
        return {"error": "its Newton iterations did not converge"}
    shifts = ((firth.coef_table_["coef"] - table["coef"]).abs() / table["std_err"]).loc[
        table.index
    ]
    return {"shift": float(shifts.max()), "term": str(shifts.idxmax())}


def _two_part(X, y, options, labels, design=None, frame=None):
    """The two-part model of the outcome, or why it is not fitted.

    Under a ``[design]`` both parts are fitted with its weights (and, for a
    sample design, ``cov_type="survey"``). Returns the model (or None), the
    reason it was skipped (or None), its average marginal effects and the
    zero policy its second part used.
    """
    if y.isna().any() or (y < 0).any() or (X < 0).any().any():
        return (
            None,
            "Two-part model skipped: it needs a non-negative outcome and "
            "non-negative indices with no missing value.",
            None,
            None,
        )
    if (y > 0).all():
        return (
            None,
            f"Two-part model not needed: no outcome is 0, so every {labels['unit']} "
            "is in the Cobb-Douglas above.",
            None,
            None,
        )
    fit_params = design_fit_params(frame, design, X.index)
    weights = fit_params.get("sample_weight")
    n_zero, n_positive = participation_counts(y, weights)
    n_params = X.shape[1] + 1
    if min(n_zero, n_positive) < n_params:
        # the identifiability edge: fewer cases of a class than parameters
        # and the participation logit's estimates are driven by those rows
        few = (
            f"{count(n_zero, labels)} with {y.name} = 0"
            if n_zero < n_params
            else f"{count(n_positive, labels)} with {y.name} > 0"
        )
        return (
            None,
            f"Two-part model skipped: only {few}, fewer than the {n_params} "
            f"parameters of its participation logit (intercept and "
            f"{X.shape[1]} {'index' if X.shape[1] == 1 else 'indices'}), so "
            f"P({y.name} > 0) cannot be estimated from these data.",
            None,
            None,
        )
    # "drop" cannot predict rows with a zero index, which the margins average
    # over: the two-part model floors them instead (and says so)
    zeros = "offset" if options["zeros"] == "offset" else "floor"
    model = TwoPartRegressor(
        classifier=StepwiseLogit(
            cov_type=design_cov_type(design, "nonrobust"), **design_lonely(design)
        ),
        regressor=CobbDouglasRegressor(
            cov_type=design_cov_type(design, options["cov_type"]),
            **design_lonely(design),
        ),
        zeros=zeros,
        **design_variance(design),
    )
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            model.fit(X, y, **fit_params)
    except ValueError as exc:
        cause = jackknife_failure(exc)
        if cause is None:
            raise
        # an auxiliary model: the report keeps everything else
        return (
            None,
            f"Two-part model not shown: {cause} {JACKKNIFE_FIX}",
            None,
            None,
        )
    separated = any(issubclass(w.category, SeparationWarning) for w in caught)
    for w in caught:
        if not (separated and issubclass(w.category, SeparationWarning)):
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    participation = model.classifier_
    if participation is not None and (separated or not participation.converged_):
        # StepwiseLogit's separation detection fired (while stepping or in
        # the final model): its estimates and tests are not findings
        return (
            None,
            f"Two-part model not shown: its participation logit of {y.name} > 0 "
            + _separation_words(X, y > 0, weights, separated)
            + ", so its estimates and z-tests are not findings.",
            None,
            None,
        )
    # averaged over the units the weights represent, as margins after svy
    effects = model.marginal_effects(X, sample_weight=fit_params.get("sample_weight"))
    if model.classifier_ is not None:
        # a feature the participation logit left out has no extensive margin
        # to estimate: blank, not a precise 0
        left_out = [
            name
            for name, kept in zip(X.columns, model.classifier_.support_, strict=True)
            if not kept
        ]
        effects.loc[
            [(name, "extensive") for name in left_out],
            [
                "dy_dx",
                "std_err",
                "z",
                "p_value",
                "ci_lower",
                "ci_upper",
                "elasticity",
                "elasticity_se",
            ],
        ] = np.nan
    return model, None, effects, zeros


def _separation_words(X, positive, weights, separated):
    """How the participation logit failed, naming an index that separates."""
    if not separated:
        return "did not converge"
    rows = np.ones(len(X), dtype=bool) if weights is None else weights > 0
    one, zero = X[rows & positive.to_numpy()], X[rows & ~positive.to_numpy()]
    # an index separates alone when its ranges in the two classes do not
    # overlap (they may touch: quasi-complete separation)
    alone = [
        name
        for name in X.columns
        if one[name].min() >= zero[name].max() or one[name].max() <= zero[name].min()
    ]
    along = (
        f" along {', '.join(alone)}" if alone else " along a combination of the indices"
    )
    return (
        f"meets complete or quasi-complete separation{along}: it predicts "
        f"{positive.name} > 0 perfectly there and its maximum-likelihood "
        "estimates are infinite"
    )


JACKKNIFE_FIX = (
    'Set [design] variance = "linearization" in the spec (Taylor linearisation).'
)

# the parts of the two-part model, by the estimator jackknife_covariance names
_TWO_PART_OWNERS = {
    "StepwiseLogit": "its participation logit",
    "CobbDouglasRegressor": "its Cobb-Douglas of the positive outcomes",
}


def jackknife_failure(exc, model=None):
    """Why a model's replicate jackknife failed, in the spec's words, or None.

    The jackknife raises :class:`~sklearn_innov.exceptions.ReplicateFitError`,
    naming the estimator, the replicate (PSU and stratum) and the cause,
    with the Python argument ``survey_variance`` as the fix; a reader of
    the report needs the model's name in the report and the spec's fix
    (:data:`JACKKNIFE_FIX`). ``model`` names the model (default: the
    two-part model's part, from the estimator). None for any other error.
    """
    if not isinstance(exc, ReplicateFitError):
        return None
    if model is None:
        model = _TWO_PART_OWNERS.get(exc.estimator, exc.estimator)
    cause = f"{exc.replicate} {exc.reason}"
    return (
        f'{model} has no jackknife variance under [design] variance = "jackknife": '
        f"{cause.rstrip('.')}."
    )


@contextmanager
def _jackknife_named(model):
    """Re-raise a main model's failed jackknife as a SpecError naming it."""
    try:
        yield
    except ValueError as exc:
        cause = jackknife_failure(exc, model)
        if cause is None:
            raise
        raise SpecError(f"{cause[0].upper()}{cause[1:]} {JACKKNIFE_FIX}") from None


def reliability_table(composite, weights):
    """The composite's reliability table with its complete rows counted as rows.

    :class:`CompositeIndex` fitted with weights counts an index's complete
    rows by their total weight (SPSS's N under ``WEIGHT BY``), a fraction
    under probability weights. The report prints the rows themselves
    ("n_complete", those of positive weight: the unweighted n beside the
    weighted estimates, as a design-based analysis reports it, the
    composite's ``n_complete_``) and, under weights, the total weight as
    "weighted_n".
    """
    table = composite.reliability_
    if weights is None:
        return table
    table = table.copy()
    table.insert(
        table.columns.get_loc("n_complete") + 1, "weighted_n", table["n_complete"]
    )
    table["n_complete"] = composite.n_complete_
    return table


def missing_answer_table(frame, spec):
    """Per index: rows with missing answers, and what ``[index] missing`` did.

    Counted on the answers as given (after the rows with no target are left
    out): a missing answer is NaN, or, under ``[index] out_of_range = "nan"``,
    an answer outside its item's ``[index] bounds``.

    Parameters
    ----------
    frame : DataFrame
        The survey.
    spec : AnalysisSpec
        Its validated spec.

    Returns
    -------
    table : DataFrame or None
        Indexed by index: ``items``, ``rows_missing`` (rows with at least
        one missing answer), ``rows_unanswered`` (no answered item),
        ``out_of_range`` (answers outside the bounds) and ``policy`` (what
        was done, in words). None when no answer is missing or out of range.
    """
    settings = spec.index
    policy = settings.get("missing", "rescale")
    out_policy = settings.get("out_of_range", "auto")
    bounds = settings.get("bounds")
    aggregate = settings.get("aggregate", "sum")
    rows = []
    for name, items in spec.spec.items():
        values = frame[items].apply(pd.to_numeric, errors="coerce")
        missing = values.isna()
        outside = pd.DataFrame(False, index=values.index, columns=values.columns)
        if bounds is not None and out_policy in ("clip", "nan"):
            for item in items:
                if isinstance(bounds, dict) and item not in bounds:
                    continue
                low, high = bounds[item] if isinstance(bounds, dict) else bounds
                outside[item] = (values[item] < low) | (values[item] > high)
        unanswered = missing | (outside if out_policy == "nan" else False)
        n_missing = int(unanswered.any(axis=1).sum())
        n_empty = int(unanswered.all(axis=1).sum())
        n_outside = int(outside.to_numpy().sum())
        words = []
        if n_missing - n_empty:
            how = (
                "rescaled to the full group from the answered items"
                if aggregate == "sum"
                else f"the {aggregate} of the answered items"
            )
            words.append(f"{format_count(n_missing - n_empty)} {how}")
        if n_empty:
            words.append(
                f"{format_count(n_empty)} with no answered item"
                + (": index NaN, left out of every model" if policy == "nan" else "")
            )
        if n_outside:
            words.append(
                f"{plural(n_outside, 'answer')} outside the bounds "
                + ("clipped to the nearer bound" if out_policy == "clip" else "")
                + ("counted as missing" if out_policy == "nan" else "")
            )
        rows.append(
            {
                "index": name,
                "items": len(items),
                "rows_missing": n_missing,
                "rows_unanswered": n_empty,
                "out_of_range": n_outside,
                "policy": f"missing = {policy!r}: " + ("; ".join(words) or "none"),
            }
        )
    table = pd.DataFrame(rows).set_index("index")
    if not (table["rows_missing"].any() or table["out_of_range"].any()):
        return None
    return table


def _drop_missing_indices(frame, indices, labels):
    """Leave out the rows whose index is NaN (``missing = "nan"``), counted."""
    rows_, reason = rows_with_missing_index(indices)
    if reason is None:
        return frame, indices, None
    note = (
        f"{count(int(rows_.sum()), labels)} of {len(frame):,} {reason}; they are "
        "left out of every model below."
    )
    return frame[~rows_], indices[~rows_], note


def cobb_douglas_sample(X, y, zeros, labels):
    """The Cobb-Douglas sample: rows with y > 0, and ln 0 avoided as asked.

    ``zeros`` is "floor" (an index equal to 0 is floored at half its smallest
    positive value), "drop" (rows with a zero index are left out) or "offset"
    (every index is shifted by 1). Returns the sample (the outcome in
    ``__y__``), what was done in words, and the floors.
    """
    positive = (y > 0).to_numpy()
    data = X[positive].copy()
    negative = [name for name in data.columns if (data[name] < 0).any()]
    if negative:
        raise SpecError(
            f"index(es) {negative} take negative values, which have no logarithm: "
            "the Cobb-Douglas needs non-negative indices (normalize = 'minmax' or "
            "'rank' in [index], not 'zscore')."
        )
    always_zero = [name for name in data.columns if (data[name] == 0).all()]
    if always_zero:
        raise SpecError(
            f"index(es) {always_zero} equal 0 in every row with a positive outcome, "
            "so their elasticity cannot be estimated (ln 0 in every row); drop them "
            "from [indices] or check their items."
        )
    zero_rows = (data == 0).any(axis=1)
    # the one implementation of the policies, shared with the estimators
    half = smallest_positive_half(data.to_numpy(dtype=float))
    values, keep = apply_zeros(data.to_numpy(dtype=float), zeros, floors=half)
    touched = {name: int(n) for name, n in (data == 0).sum().items() if n}
    floors = {name: float(half[list(data.columns).index(name)]) for name in touched}
    data = pd.DataFrame(values, index=data.index[keep], columns=data.columns)
    if zeros == "floor":
        detail = (
            "; ".join(
                f"{name}: {rows(count)} set to {format_number(floors[name])}"
                for name, count in touched.items()
            )
            or "no index was 0 there"
        )
        how = (
            "an index equal to 0 among them is floored at half its smallest "
            f"positive value ({detail})"
        )
    elif zeros == "drop":
        floors = {}
        how = f"{rows(int(zero_rows.sum()))} with an index equal to 0 are left out"
    else:
        floors = {}
        how = "every index is shifted by 1 (ln(1 + X))"
    data["__y__"] = y[positive][data.index] if zeros == "drop" else y[positive]
    values = y[~positive]
    missing = int(values.isna().sum())
    left_out = []
    zero, negative = int((values == 0).sum()), int((values < 0).sum())
    if zero:
        left_out.append(f"{count(zero, labels)} with outcome 0")
    if negative:
        left_out.append(f"{count(negative, labels)} with a negative outcome")
    if missing:
        left_out.append(f"{count(missing, labels)} with no outcome (NaN)")
    used = count(int(positive.sum()), labels)
    note = (
        f"ln 0 avoided: the Cobb-Douglas models use the {used} with a positive "
        "outcome"
        + (f"; left out: {' and '.join(left_out)}" if left_out else "")
        + f"; {how}. The sensitivity table shows how the elasticities move with "
        "that choice."
    )
    return data, note, floors


def rows(number):
    """``"1 row"``, ``"3 rows"``."""
    return plural(number, "row")


def count(n, labels):
    """``"1 firm"``, ``"1,905 firms"``: the count with the row noun in number."""
    return f"{n:,} {labels['unit'] if n == 1 else labels['units']}"
