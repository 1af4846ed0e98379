"""The report's comparison step: the published Tables 9-11 beside our fits.

Only meaningful on the embedded synthetic survey, which is calibrated to the
paper's published marginals. :func:`compare_with_paper` reads a fitted
:class:`~sklearn_innov.report.Analysis` and returns a
:class:`~sklearn_innov.summary.Summary`; with ``ranges`` (simulated 5-95%
ranges of the paper's statistics over many synthetic surveys) it also says
where each published number sits in its range, the only comparison that
measures agreement against sampling error.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..datasets import load_paper_results
from ..summary import Block, Summary, format_pvalue
from ..summary._labels import column_label
from ..summary._summary import P_DECIMALS, P_LEVELS, format_count, is_pvalue_label
from ..utils._lazy import pd

if TYPE_CHECKING:
    import pandas as pd

    from ._analysis import Analysis

__all__ = ["compare_with_paper"]


def compare_with_paper(
    analysis: Analysis, ranges: pd.DataFrame | None = None
) -> Summary:
    """The published Tables 9, 10 and 11 beside the same statistics of ours.

    Parameters
    ----------
    analysis : Analysis
        From :func:`~sklearn_innov.report.analyze` on the embedded survey.
    ranges : DataFrame, optional
        Simulated ranges of the paper's statistics over many synthetic
        surveys, as :func:`~sklearn_innov.datasets.simulate_paper_ranges`
        returns them (``.ranges``) or
        :func:`~sklearn_innov.datasets.load_paper_ranges` ships them: indexed
        by (table, term, statistic), with the columns "paper", "q05" and
        "q95" (and "median", "percentile"). Adds a block saying which
        published numbers lie inside their 5-95% range. ``replicate`` passes
        the shipped ones on the default data.

    Returns
    -------
    summary : Summary
        One block per published table, the published and our numbers side by side.

    Examples
    --------
    >>> from sklearn_innov.datasets import load_paper_ranges
    >>> from sklearn_innov.report import analyze, compare_with_paper
    >>> analysis = analyze(random_state=0)
    >>> comparison = compare_with_paper(analysis, load_paper_ranges())
    >>> [block.title for block in comparison.blocks][:2]
    ['Table 9: coefficients and t', 'Table 9: fit']
    """
    summary = _beside_paper(analysis.cobb_douglas, analysis.logit, analysis.adjusted)
    summary.blocks.extend(_in_ranges(ranges))
    return summary


def _longer_pvalues(table):
    """The p-value cells of ``table`` printed with more than P_DECIMALS
    decimals (format_pvalue's rule near a level), as printed."""
    texts = [
        format_pvalue(value)
        for label, row in table.iterrows()
        if is_pvalue_label(label)
        for value in row.drop(["percentile", "inside"], errors="ignore")
        if isinstance(value, float)
    ]
    return [t for t in texts if len(t.partition(".")[2]) > P_DECIMALS]


def _in_ranges(ranges):
    """Where each published number sits in its simulated 5-95% range."""
    if ranges is None:
        return [
            Block(
                "The paper's numbers and sampling error",
                [
                    "Simulated 5-95% ranges of these statistics over many "
                    "synthetic surveys are not given here (compare_with_paper("
                    "analysis, ranges=load_paper_ranges())); without them, the "
                    "distance between a published number and ours says little, "
                    "since one synthetic survey is one draw."
                ],
            )
        ]
    needed = {"paper", "q05", "q95"}
    if not needed <= set(ranges.columns) or ranges.index.nlevels != 3:
        raise ValueError(
            "compare_with_paper: ranges must be indexed by (table, term, "
            f"statistic) with the columns {sorted(needed)}, as "
            "simulate_paper_ranges(...).ranges or load_paper_ranges() give "
            f"them; got the columns {list(ranges.columns)}."
        )
    published = ranges[ranges["paper"].notna()]
    labels = [_range_label(*key) for key in published.index]
    inside = (published["paper"] >= published["q05"]) & (
        published["paper"] <= published["q95"]
    )
    # Table 9's n is implied by its R² and F, and every synthetic survey has
    # it by construction: shown, not counted as agreement
    implied = np.asarray(published.index.get_level_values(-1) == "n")
    columns = {
        "paper": published["paper"].to_numpy(dtype=float),
        "simulated 5%": published["q05"].to_numpy(dtype=float),
    }
    if "median" in published:
        columns["median"] = published["median"].to_numpy(dtype=float)
    columns["simulated 95%"] = published["q95"].to_numpy(dtype=float)
    if "percentile" in published:
        columns["percentile"] = published["percentile"].to_numpy(dtype=float)
    columns["inside"] = np.where(
        implied, "by construction", np.where(inside, "yes", "no")
    )
    table = pd.DataFrame(columns, index=pd.Index(labels, name="statistic"))
    counted = ~implied
    outside = [
        label
        for label, ok, count in zip(labels, inside, counted, strict=True)
        if count and not ok
    ]
    lines = [
        f"{int((inside & counted).sum())} of {int(counted.sum())} published "
        "statistics lie inside the "
        "5-95% range of the same statistic over the simulated surveys of 127 "
        "firms: for those, the paper's number is one this generating model "
        "produces at the paper's size. This says the synthetic survey is "
        "compatible with those tables, not that the paper's model is true.",
    ]
    if outside:
        lines.append(
            "Outside their range: "
            + "; ".join(outside)
            + ". The synthetic survey does not reproduce these (its "
            "generating model, in make_sme_survey's DESCR, was tuned to the "
            "fit statistics and t values of Tables 9 and 11)."
        )
    longer = _longer_pvalues(table)
    if longer:
        levels = ", ".join(f"{level:.0%}" for level in P_LEVELS)
        rounded = float(longer[0])
        level = min(P_LEVELS, key=lambda level: abs(level - rounded))
        lines.append(
            f"p-values print with {P_DECIMALS} decimals, or more where "
            f"{P_DECIMALS} would round one onto or across a level ({levels}): "
            f"{longer[0]}, not {rounded:.{P_DECIMALS}f}, which would not read "
            f"as {'below' if rounded < level else 'above'} {level:.0%}."
        )
    return [
        Block("The paper's numbers in simulated 5-95% ranges", table, name="ranges"),
        Block("Reading of the ranges", lines),
    ]


# The ranges' statistics (datasets/_ranges.py) by their identifiers in the
# labels table; Table 10's B, S.E., Wald and Sig. are SPSS's own headers,
# as its block prints them.
_RANGE_STATISTICS = {
    "coef": "coef",
    "std_err": "std_err",
    "R2": "rsquared",
    "R2 (uncentred)": "rsquared_uncentred",
    "F": "fvalue",
    "DW": "durbin_watson",
}


def _range_label(table, term, statistic):
    """A row of the ranges block: "Table 9 ln X1 t", "Table 10 X1 B"."""
    if statistic == "n":
        return f"{table} n (implied by {column_label('rsquared')} and F)"
    identifier = _RANGE_STATISTICS.get(statistic, statistic)
    if table == "Table 11" and identifier == "fvalue":
        identifier = "fvalue_uncentred"  # no intercept
    label = column_label(identifier)
    if term == "fit":
        return f"{table} {label}"
    if statistic in _RANGE_STATISTICS and label[1:2].islower():
        # "ln X1 std. error", as a header after words prints
        label = label[0].lower() + label[1:]
    # the logit's terms are the indices themselves, the Cobb-Douglas's logs
    shown = term if table == "Table 10" else _term(term)
    return f"{table} {shown} {label}"


def _term(name):
    """A term as the Cobb-Douglas summaries print it: ``const`` or ``ln X1``."""
    return name if name == "const" else f"ln {name}"


def _beside_paper(full, logit, adjusted):
    """The published Tables 9-11 beside the same statistics of our fits."""
    paper = load_paper_results()
    ours9 = full.coef_table_
    table9 = pd.DataFrame(
        {
            "paper coef": paper["table9"]["coef"].to_numpy(),
            "paper t": paper["table9"]["t"].to_numpy(),
            "ours coef": ours9["coef"].to_numpy(),
            "ours t": ours9["t"].to_numpy(),
        },
        index=pd.Index([_term(name) for name in ours9.index], name="term"),
    )
    fit9 = pd.DataFrame(
        {
            "paper": [
                paper["table9_fit"]["rsquared"],
                paper["table9_fit"]["fvalue"],
                paper["table9_fit"]["durbin_watson"],
            ],
            "ours": [full.rsquared_, full.fvalue_, full.durbin_watson_],
        },
        index=pd.Index(
            [column_label(c) for c in ("rsquared", "fvalue", "durbin_watson")],
            name="statistic",
        ),
    )
    ours10 = logit.coef_table_
    columns = {
        "B": "coef",
        "S.E.": "std_err",
        "Wald": "wald",
        "Sig.": "p_value",
        "Exp(B)": "odds_ratio",
    }
    rows10 = []
    for name in paper["table10"].index:
        published = paper["table10"].loc[name, list(columns)].to_numpy(dtype=float)
        ours = (
            ours10.loc[name, list(columns.values())].to_numpy(dtype=float)
            if name in ours10.index
            else np.full(len(columns), np.nan)
        )
        rows10.append([*published, *ours])
    table10 = pd.DataFrame(
        rows10,
        index=pd.Index(list(paper["table10"].index), name="variable"),
        columns=[f"paper {c}" for c in columns] + [f"ours {c}" for c in columns],
    )
    blocks = [
        Block("Table 9: coefficients and t", table9, name="paper_table9"),
        Block("Table 9: fit", fit9, name="paper_table9_fit"),
        Block("Table 10: variables in the equation", table10, name="paper_table10"),
    ]
    if adjusted is not None:
        ours11 = adjusted.coef_table_
        rows11 = []
        for name in paper["table11"].index:
            published = (
                paper["table11"]
                .loc[name, ["coef", "std_err", "t"]]
                .to_numpy(dtype=float)
            )
            ours = (
                ours11.loc[name, ["coef", "std_err", "t"]].to_numpy(dtype=float)
                if name in ours11.index
                else np.full(3, np.nan)
            )
            rows11.append([*published, *ours])
        table11 = pd.DataFrame(
            rows11,
            index=pd.Index([_term(t) for t in paper["table11"].index], name="term"),
            columns=[
                "paper coef",
                "paper std_err",
                "paper t",
                "ours coef",
                "ours std_err",
                "ours t",
            ],
        )
        blocks.append(Block("Table 11: coefficients", table11, name="paper_table11"))
        blocks.append(
            Block(
                "Table 11: fit",
                pd.DataFrame(
                    {
                        "paper": [
                            paper["table11_fit"]["rsquared_uncentred"],
                            paper["table11_fit"]["fvalue"],
                        ],
                        "ours": [adjusted.rsquared_, adjusted.fvalue_],
                    },
                    index=pd.Index(
                        [
                            column_label(c)
                            for c in ("rsquared_uncentred", "fvalue_uncentred")
                        ],
                        name="statistic",
                    ),
                ),
                name="paper_table11_fit",
            )
        )
    blocks.append(Block("Reading", _reading_beside_paper(paper, full)))
    return Summary("Beside the paper (Tables 9, 10 and 11)", blocks)


def _reading_beside_paper(paper, full):
    """What to expect of the comparison, and what the published tables imply."""
    fit9 = paper["table9_fit"]
    k = len(paper["table9"]) - 1
    # F = (R² / k) / ((1 - R²) / (n - k - 1)) solved for n
    implied_n = k + 1 + fit9["fvalue"] * k * (1 - fit9["rsquared"]) / fit9["rsquared"]
    lines = [
        "The data are synthetic: agreement in sign and rough size is what to "
        "expect, not equality. Missing entries (blank) are terms the stepwise "
        "logit did not keep.",
        "In the generating model (make_sme_survey's DESCR), Y is a Cobb-Douglas "
        "of X1, X2 and X3 (X4's elasticity is 0) for the firms with Y > 0, its "
        "errors truncated to Y's range, and innovated depends on X1 and X3 "
        "only; innovated is not Y > 0. OLS on the truncated Y is biased, so "
        "the generating coefficients are not what our estimates should equal: "
        "the simulated ranges below are the comparison that counts.",
        f"Table 9's R² = {fit9['rsquared']} and F = {fit9['fvalue']} with {k} "
        f"regressors imply about {implied_n:.0f} observations; the Cobb-Douglas "
        f"here is fitted on the {format_count(full.nobs_)} firms with Y > 0"
        + (
            ", so the paper's Y must have been positive for more firms than here, "
            "which it does not explain."
            if full.nobs_ < implied_n - 10
            else "."
        ),
    ]
    table10 = paper["table10"]
    for name, row in table10.iterrows():
        computed = float(np.exp(row["B"]))
        if abs(computed - row["Exp(B)"]) > 5e-4:
            lines.append(
                f"The paper's Table 10 is inconsistent for {name}: "
                f"exp({row['B']}) = {computed:.4f}, but it prints Exp(B) = "
                f"{row['Exp(B)']}."
            )
    return lines
