"""What the paper publishes: its tables, its marginals and its index spec.

Every number here is copied from Alonso, Contreras & Valenzuela (2025),
except where a comment says "assumed": the paper lists those survey items
without giving their distribution, and the synthetic survey needs one.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

__all__ = ["PAPER_SPEC", "load_paper_results"]

METROS = ("Tijuana", "Juárez", "Hermosillo", "Monterrey")

# Table 2: firms by metro area and main activity (manufacturing, services).
TABLE2 = {
    "Tijuana": (12, 23),
    "Juárez": (5, 25),
    "Hermosillo": (8, 22),
    "Monterrey": (5, 27),
}
PAPER_N = 127

# Firm size shares (section 5): micro, small, medium.
SIZE_SHARES = {"micro": 0.3701, "small": 0.464, "medium": 0.166}

LIKERT = ("never", "rarely", "not so frequently", "frequently", "very frequently")

# Table 3, row percentages over LIKERT (1 = never ... 5 = very frequently).
TABLE3 = {
    "collab_suppliers": (8.7, 20.5, 32.3, 26.0, 12.6),
    "collab_customers": (1.6, 9.4, 27.6, 40.9, 20.5),
    "collab_competitors": (18.1, 24.4, 33.1, 20.5, 3.9),
}

# Table 6, row percentages over LIKERT.
TABLE6 = {
    "learn_training": (2.4, 3.1, 29.9, 50.4, 14.2),
    "learn_machinery": (3.1, 4.7, 40.2, 40.2, 11.8),
    "learn_ict": (0.8, 11.0, 36.2, 37.8, 14.2),
    "learn_automation": (7.1, 7.9, 39.4, 34.6, 11.0),
    "learn_bi": (17.3, 24.4, 21.3, 26.0, 11.0),
    "learn_manuals": (8.7, 18.9, 34.6, 22.8, 15.0),
    "learn_research": (3.1, 21.3, 28.3, 29.9, 17.3),
    "learn_evaluation": (4.7, 14.2, 26.8, 39.4, 15.0),
}

# Table 7, percentage of firms with each relation (0/1 items).
TABLE7 = {
    "ris_gov_startup": 3.9,
    "ris_gov_program": 12.6,
    "ris_fin_machinery": 3.1,
    "ris_fin_technology": 2.4,
    "ris_chamber": 26.8,
    "ris_cluster": 23.6,
}

# Table 4, highest degree of the owner by metro (percentages).
TABLE4 = {
    "Tijuana": (0.0, 74.3, 25.7),
    "Juárez": (0.0, 80.0, 20.0),
    "Hermosillo": (10.0, 70.0, 20.0),
    "Monterrey": (0.0, 71.9, 28.1),
}
EDUCATION = ("high_school", "bachelor", "postgraduate")

# Table 5, means by metro.
TABLE5 = {
    "owner_age": {
        "Tijuana": 51.9,
        "Juárez": 45.3,
        "Hermosillo": 50.0,
        "Monterrey": 46.3,
    },
    "owner_prior_jobs": {
        "Tijuana": 2.9,
        "Juárez": 2.5,
        "Hermosillo": 2.0,
        "Monterrey": 2.6,
    },
    "owner_last_job_years": {
        "Tijuana": 6.2,
        "Juárez": 3.9,
        "Hermosillo": 5.5,
        "Monterrey": 4.0,
    },
}

# Table 8, percentage of firms that innovated, by metro (total 58.3).
TABLE8 = {"Tijuana": 77.1, "Juárez": 63.3, "Hermosillo": 50.0, "Monterrey": 40.6}

# Items the paper names for X1-X4 and Y without publishing their distribution
# (assumed marginals, documented in the survey's DESCR).
ASSUMED_LIKERT = {
    "digital_links": (5.0, 12.0, 30.0, 35.0, 18.0),  # assumed
    "willingness_innovate": (2.0, 5.0, 20.0, 43.0, 30.0),  # assumed
}
ASSUMED_BINARY = {"hires_consulting": 45.0}  # assumed
# Frequency of relations with universities and research centres (LIKERT
# shares; assumed). Their "never" shares set how many firms have no relation
# with the regional innovation system at all (X4 = 0): about 5%, as the
# paper's n of about 121 in Tables 9 and 11 implies.
ASSUMED_RIS_LIKERT = {
    "ris_university": (15.0, 25.0, 30.0, 21.0, 9.0),  # assumed
    "ris_research_center": (30.0, 30.0, 22.0, 13.0, 5.0),  # assumed
}
ASSUMED_LANGUAGES = (25.0, 60.0, 15.0)  # 1, 2, 3+ languages; assumed

PAPER_SPEC: dict[str, list[str]] = {
    "X1": [
        "collab_suppliers",
        "collab_customers",
        "collab_competitors",
        "hires_consulting",
        "digital_links",
        "willingness_innovate",
    ],
    "X2": ["owner_education_level", "owner_languages", "owner_prior_jobs"],
    "X3": [
        "learn_training",
        "learn_machinery",
        "learn_ict",
        "learn_automation",
        "learn_bi",
        "learn_manuals",
        "learn_research",
        "learn_evaluation",
        "rd_income_share",
    ],
    "X4": [
        "ris_gov_startup",
        "ris_gov_program",
        "ris_fin_machinery",
        "ris_fin_technology",
        "ris_chamber",
        "ris_cluster",
        "ris_university",
        "ris_research_center",
    ],
    "Y": [
        "innov_product",
        "innov_process",
        "innov_organisation",
        "innov_marketing",
        "innov_novelty",
        "innov_sales_share",
    ],
}


def load_paper_results() -> dict[str, Any]:
    """The published results of Tables 9, 10 and 11, ready to sit beside ours.

    Returns
    -------
    results : dict
        ``"table9"``: DataFrame indexed "const", "X1".."X4" with "coef" and
        "t"; ``"table9_fit"``: R², F, Durbin-Watson; ``"table9_park"``:
        DataFrame of the Park regression (coef, t); ``"table10"``: DataFrame
        indexed "X1", "X3", "const" with "B", "S.E.", "Wald", "df", "Sig.",
        "Exp(B)"; ``"table11"``: DataFrame indexed "X1", "X3" with "coef",
        "std_err", "t"; ``"table11_fit"``: R² (uncentred) and F.

    Examples
    --------
    >>> from sklearn_innov.datasets import load_paper_results
    >>> float(load_paper_results()["table10"].loc["X1", "B"])
    0.4325
    """
    table9 = pd.DataFrame(
        {
            "coef": [-0.624, 0.373, 0.249, 0.384, 0.049],
            "t": [-1.444, 2.097, 1.606, 2.738, 0.189],
        },
        index=pd.Index(["const", "X1", "X2", "X3", "X4"], name="term"),
    )
    park = pd.DataFrame(
        {
            "coef": [0.818, -0.161, -0.200, 0.310, -0.228],
            "t": [3.637, -1.74, -0.248, 0.421, -1.69],
        },
        index=pd.Index(["const", "X1", "X2", "X3", "X4"], name="term"),
    )
    table10 = pd.DataFrame(
        {
            "B": [0.4325, 0.3334, -3.3074],
            "S.E.": [0.2029, 0.155, 0.9985],
            "Wald": [4.545, 4.6162, 10.9722],
            "df": [1, 1, 1],
            "Sig.": [0.0330, 0.0315, 0.0009],
            "Exp(B)": [1.5541, 1.3958, 0.0366],
        },
        index=pd.Index(["X1", "X3", "const"], name="variable"),
    )
    table11 = pd.DataFrame(
        {"coef": [0.154, 0.397], "std_err": [0.070, 0.129], "t": [2.200, 3.072]},
        index=pd.Index(["X1", "X3"], name="term"),
    )
    return {
        "table9": table9,
        "table9_fit": {"rsquared": 0.274, "fvalue": 10.95, "durbin_watson": 1.8},
        "table9_park": park,
        "table10": table10,
        "table11": table11,
        "table11_fit": {"rsquared_uncentred": 0.827, "fvalue": 283.565},
    }
