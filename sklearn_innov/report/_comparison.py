"""The report's comparison step: the published Tables 9-11 beside our fits.

Only meaningful on the embedded synthetic survey, which is calibrated to the
paper's published marginals. :func:`compare_with_paper` reads a fitted
:class:`~sklearn_innov.report.Analysis` and returns a
:class:`~sklearn_innov.summary.Summary`; with ``ranges`` (simulated 5-95%
ranges of the paper's statistics over many synthetic surveys) it also says
where each published number sits in its range, the only comparison that
measures agreement against sampling error.
"""

import numpy as np

from ..datasets import load_paper_results
from ..summary import Block, Summary
from ..utils._lazy import pd

__all__ = ["compare_with_paper", "paper_statistics"]


def compare_with_paper(analysis, ranges=None):
    """The published Tables 9, 10 and 11 beside the same statistics of ours.

    Parameters
    ----------
    analysis : Analysis
        From :func:`~sklearn_innov.report.analyze` on the embedded survey.
    ranges : DataFrame, optional
        Simulated ranges of the paper's statistics, indexed by the names of
        :func:`paper_statistics` (e.g. "Table 9 R²", "Table 11 t ln X3"),
        with columns ``low`` and ``high`` (the 5% and 95% points over many
        synthetic surveys). Adds a block saying which published numbers lie
        inside.

    Returns
    -------
    summary : Summary
    """
    summary = _beside_paper(analysis.cobb_douglas, analysis.logit, analysis.adjusted)
    summary.blocks.append(_in_ranges(ranges))
    return summary


def paper_statistics():
    """The published statistics a simulated range can be given for, by name.

    Returns
    -------
    statistics : Series
        "Table 9 R²", "Table 9 F", "Table 9 t <term>", "Table 11 R²
        (uncentred)", "Table 11 F", "Table 11 t <term>", "Table 10 B <name>".
    """
    paper = load_paper_results()
    values = {
        "Table 9 R²": paper["table9_fit"]["rsquared"],
        "Table 9 F": paper["table9_fit"]["fvalue"],
    }
    for term, t in paper["table9"]["t"].items():
        values[f"Table 9 t {_term(term)}"] = t
    for name, b in paper["table10"]["B"].items():
        values[f"Table 10 B {name}"] = b
    values["Table 11 R² (uncentred)"] = paper["table11_fit"]["rsquared_uncentred"]
    values["Table 11 F"] = paper["table11_fit"]["fvalue"]
    for term, t in paper["table11"]["t"].items():
        values[f"Table 11 t {_term(term)}"] = t
    return pd.Series(values, name="paper", dtype=float)


def _in_ranges(ranges):
    """Where each published number sits in its simulated 5-95% range."""
    if ranges is None:
        return Block(
            "The paper's numbers and sampling error",
            [
                "Simulated 5-95% ranges of these statistics over many synthetic "
                "surveys are not given here (compare_with_paper(analysis, "
                "ranges=...)); without them, the distance between a published "
                "number and ours says little, since one synthetic survey is one "
                "draw."
            ],
        )
    paper = paper_statistics()
    unknown = [name for name in ranges.index if name not in paper.index]
    if unknown:
        raise ValueError(
            f"compare_with_paper: ranges names {unknown}, which are not published "
            f"statistics; use names from paper_statistics(): {list(paper.index)}."
        )
    table = pd.DataFrame(
        {
            "paper": paper[ranges.index],
            "simulated 5%": ranges["low"].astype(float),
            "simulated 95%": ranges["high"].astype(float),
        }
    )
    table["inside"] = np.where(
        (table["paper"] >= table["simulated 5%"])
        & (table["paper"] <= table["simulated 95%"]),
        "yes",
        "no",
    )
    table.index.name = "statistic"
    return Block("The paper's numbers in simulated 5-95% ranges", table, name="ranges")


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
        index=pd.Index(["R²", "F", "Durbin-Watson"], name="statistic"),
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
                "paper s.e.",
                "paper t",
                "ours coef",
                "ours s.e.",
                "ours t",
            ],
        )
        r2_label = "R² (uncentred, no intercept)"
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
                        [r2_label, "F (uncentred, no intercept)"], name="statistic"
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
        "Not aimed at: Table 9's constant and the elasticities of X2 and X4. In the "
        "generating model (make_sme_survey's DESCR) an innovator's Y follows Table "
        "11 (X1 and X3 only, its own constant) and innovation depends on X1 and X3 "
        "only, so X2 and X4 have no effect by construction.",
        f"Table 9's R² = {fit9['rsquared']} and F = {fit9['fvalue']} with {k} "
        f"regressors imply about {implied_n:.0f} observations; the Cobb-Douglas "
        f"here is fitted on the {full.nobs_} firms with Y > 0"
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
