"""The summary of a fitted StepwiseLogit, in SPSS's output blocks.

Only arranges the statistics of the model's results object into
:class:`~sklearn_innov.summary.Summary` blocks, with SPSS's column names.
"""

import pandas as pd

from ..summary import Block, Summary, format_number, format_pvalue, significance
from ..summary._summary import design_table, plural, whole
from ._cobb_douglas_summary import variance_words

SPSS_COLUMNS = {
    "coef": "B",
    "std_err": "S.E.",
    "wald": "Wald",
    "df": "df",
    "p_value": "Sig.",
    "odds_ratio": "Exp(B)",
    "odds_ci_lower": "95% C.I. lower",
    "odds_ci_upper": "95% C.I. upper",
}

PROFILE_COLUMNS = {
    "lr_chi2": "LR Chi-square",
    "lr_p_value": "Sig.",
    "ci_lower": "B 95% PL lower",
    "ci_upper": "B 95% PL upper",
    "odds_ci_lower": "Exp(B) 95% PL lower",
    "odds_ci_upper": "Exp(B) 95% PL upper",
}

# the grouping rule of the Hosmer-Lemeshow test, named in its block's title
HL_RULES = {
    "midrank": "groups by mid-rank, ties together (not SPSS's rule)",
    "spss": "SPSS's rule, groups at percentiles of risk, ties together",
    "deciles": "between type-7 deciles of risk, as R's hoslem.test",
}

HL_GROUPING = {"midrank": "mid-rank", "spss": "SPSS", "deciles": "R deciles"}

# a weighted fit's Hosmer-Lemeshow counts are weighted totals (SPSS's WEIGHT
# BY): their headers say so, rather than pass them off as counts of rows
WEIGHTED_COUNTS = {
    "n": "weighted_n",
    "observed_events": "weighted_observed_events",
    "observed_nonevents": "weighted_observed_nonevents",
}

CRITERIA = {"wald": "Wald", "lr": "LR", "conditional": "COND"}
REMOVAL_TESTS = {
    "wald": "Wald test",
    "lr": "likelihood-ratio test (one refit per candidate)",
    "conditional": (
        "conditional statistic (COND: likelihood ratio at Lawless & Singhal's "
        "conditional estimates, no refit)"
    ),
}


def build_summary(model, title=None):
    """Build the :class:`Summary` of a fitted model (see ``model.summary``)."""
    method = {"backward": "BSTEP", "forward": "FSTEP"}[model.direction]
    title = title or f"Logistic regression, method {method}(" + CRITERIA[
        model.criterion
    ] + ")" + (", Firth penalty" if model.penalty == "firth" else "")
    results = model.results_
    test = results.omnibus
    omnibus = pd.DataFrame(
        {
            "Chi-square": [test["statistic"]],
            "df": [test["df"]],
            "Sig.": [test["pvalue"]],
        },
        index=pd.Index(["Model"], name="test"),
    )
    r2 = results.pseudo_r2
    model_summary = pd.DataFrame(
        {
            "-2 Log likelihood": [-2.0 * results.llf],
            "Cox & Snell R Square": [r2["cox_snell"]],
            "Nagelkerke R Square": [r2["nagelkerke"]],
        },
        index=pd.Index(["final"], name="step"),
    )
    hl = results.hosmer_lemeshow
    weighted = results.weighted
    hosmer = pd.DataFrame(
        {
            "Chi-square": [hl["statistic"]],
            "df": [hl["df"]],
            "Sig.": [hl["pvalue"]],
            "grouping": [HL_GROUPING[model.hl_method]],
        },
        index=pd.Index(["final"], name="step"),
    )
    history = model.history_.rename(
        columns={
            "statistic": "statistic",
            "p_value": "Sig.",
            "minus2_llf": "-2 Log likelihood",
        }
    ).set_index("step")
    coefficients = model.coef_table_
    blocks = [
        Block(
            "Variables in the Equation",
            coefficients.rename(columns=SPSS_COLUMNS)
            if len(coefficients)
            else ["no variable: the empty model, p = 0.5 for every case"],
            name="variables_in_equation",
        ),
    ]
    if model.penalty == "firth":
        blocks.append(
            Block(
                "Penalized Likelihood Ratio Tests and Profile Intervals",
                results.profile_table.rename(columns=PROFILE_COLUMNS),
                name="penalized_likelihood",
            )
        )
    design = design_table(model.design_info_, model.cov_type, "the Wald F tests")
    if design is not None:
        blocks.append(Block("Design", design, name="design"))
    blocks += [
        Block(
            "Variables not in the Equation",
            model.not_in_equation_.rename(columns={"score": "Score", "p_value": "Sig."})
            if len(model.not_in_equation_)
            else ["every feature is in the equation"],
            name="variables_not_in_equation",
        ),
        Block("Omnibus Tests of Model Coefficients", omnibus, name="omnibus"),
        Block("Model Summary", model_summary, name="model_summary"),
        Block("Hosmer and Lemeshow Test", hosmer, name="hosmer_lemeshow"),
        Block(
            "Contingency Table for Hosmer and Lemeshow Test",
            hl["table"].rename(columns=WEIGHTED_COUNTS) if weighted else hl["table"],
            name="hosmer_lemeshow_table",
        ),
        Block(
            "Classification Table (cut value .500)"
            + (", weighted counts" if weighted else ""),
            results.classification_table,
            name="classification",
        ),
        Block(
            "Step history",
            history if len(history) else ["no step: the starting model was kept"],
            name="history",
        ),
        Block("Notes", _notes(model)),
    ]
    return Summary(title, blocks)


# statistics of the (weighted) sample under any cov_type
MODEL_BASED = (
    "-2 Log likelihood, the omnibus test, Cox & Snell and Nagelkerke R Square, "
    "Hosmer and Lemeshow and the classification table"
)


def _design_notes(model):
    info = model.design_info_
    if model.cov_type == "cluster":
        what = (
            f"cluster-robust (CR1) over {info['clusters']} clusters, with "
            "statsmodels' factor G/(G-1) (N-1)/(N-K)"
        )
        df = "clusters - 1"
    else:
        weights = (
            "sample weights read as probability weights"
            if info["weighted"]
            else "equal weights"
        )
        what = f"{variance_words(info)}, {weights}"
        df = "design df + 1 - parameters"
    if info.get("variance") == "jackknife":
        tests = (
            f"Standard errors: {what}. The final model's Wald tests are F(1, "
            f"{whole(info['df_inference'])}) ({df}), the odds ratios' intervals "
            "use t on the same df; the stepping (removal's Wald tests, entry's "
            "generalised score tests, Boos 1992) used the Taylor-linearised "
            "variance."
        )
    else:
        tests = (
            f"Standard errors: {what}. Wald tests (which also step) are F(1, "
            f"{whole(info['df_inference'])}) ({df}), the odds ratios' intervals "
            "use t on the same df; entry uses the generalised score test (Boos, "
            "1992) with the same variance of the score, on the df of the model "
            "it would enter."
        )
    return [
        tests,
        f"Model-based, not design-based: {MODEL_BASED} (statistics of the "
        "weighted sample"
        + (
            "; their tests read the probability weights as frequencies and are "
            "not design-based tests)."
            if info.get("weighted")
            else ")."
        ),
    ]


def _notes(model):
    results = model.results_
    notes = [
        f"Entry: score test, p < {model.p_enter}; removal: "
        f"{REMOVAL_TESTS[model.criterion]}, p > {model.p_remove}.",
        "Significance after stepwise selection is optimistic: the tests ignore "
        "that the features were chosen on the same data.",
    ]
    if model.design_info_ is not None:
        notes += _design_notes(model)
    if results.weighted and model.cov_type == "nonrobust":
        notes.append(
            f"Weighted: {results.nobs:g} cases (the sum of sample_weight), each "
            "weight counted as that many copies of its row (SPSS's WEIGHT BY); "
            "standard errors treat the weights as frequencies."
        )
    if model.penalty == "firth":
        notes += [
            "Firth's penalized likelihood (as R's logistf): S.E. and Wald tests "
            "from inv(X'WX) at the penalized estimates; LR tests and profile "
            "intervals hold one coefficient fixed inside the model's penalized "
            "likelihood (Heinze & Schemper, 2002); the omnibus test is the "
            "penalized LR against the same model with every coefficient but the "
            "constant at 0.",
            "-2 Log likelihood is the ordinary log-likelihood at the penalized "
            "estimates; Cox & Snell and Nagelkerke R Square are those of the "
            "omnibus chi-square. Entry uses the unpenalized score statistic at "
            "the penalized fit.",
        ]
    if results.separated:
        names = ", ".join(repr(name) for name in results.separated)
        notes.append(
            f"The final model is separated along {names}: its maximum-likelihood "
            "estimates are infinite; the coefficients shown are where Newton "
            "stopped and their Wald tests are meaningless. Use penalty='firth' "
            "with criterion='lr'."
        )
    elif not model.converged_:
        if model.n_iter_ >= model.max_iter:
            why = f"raise max_iter, now {model.max_iter}"
        else:
            why = (
                f"Newton stopped after {plural(model.n_iter_, 'iteration')}, unable to "
                "raise the likelihood further: look for nearly collinear features"
            )
        notes.append(
            f"The final fit did not converge: estimates are not reliable ({why})."
        )
    hl = results.hosmer_lemeshow
    rule = HL_RULES[model.hl_method]
    groups = f"Hosmer and Lemeshow ({plural(len(hl['table']), 'group')}, {rule})"
    if model.cov_type == "survey":
        # a model-based test of independent cases: no reading under a design
        notes.append(
            f"{groups}: chi-square {format_number(hl['statistic'])}, p "
            f"{_p_relation(hl['pvalue'])}, printed for reference only. Under "
            "cov_type='survey' it reads the rows as independent cases and the "
            "weights (at mean 1) as counts, so it is not a design-based test and "
            "no conclusion on the fit is drawn from it (Archer and Lemeshow's "
            "design-based version is not computed here)."
        )
        return notes
    notes.append(
        f"{groups}: lack of fit "
        + (
            significance(hl["pvalue"], 0.05)
            if hl["pvalue"] == hl["pvalue"]
            else "not tested (fewer than 3 groups)"
        )
        + "."
        + (
            " It rejects the fit at 5%: observed and predicted event rates "
            "differ across groups of risk; check for a missing term or a "
            "nonlinear effect."
            if hl["pvalue"] < 0.05
            else ""
        )
        + " The statistic moves with the grouping rule and the number of groups "
        "(Hosmer, Hosmer, le Cessie & Lemeshow, 1997): read it beside the other "
        "grouping rules (hl_method chooses one; sklearn-innov replicate's report "
        "prints them all) before concluding on it."
    )
    return notes


def _p_relation(pvalue):
    """``= 0.340`` or ``< 0.001``: a p-value after "p"."""
    text = format_pvalue(pvalue)
    return text if text.startswith("<") else f"= {text}"
