"""The report read by a new user (issue 28): a thin participation part stated
in counts, the paper's model labelled secondary under a two-part main model,
advice in the spec's words, counts with their nouns in number, and titles
without ``X_i``.

Oracles: the counts and events per parameter are recomputed here from the
data given to the report; the spec's keys are the documented ones.
"""

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sklearn_innov.report import replicate

# two reports of about 1 s of CPU each, shared by every test here
pytestmark = pytest.mark.slow

MROZ = pd.read_csv(Path(__file__).parent / "data" / "mroz.csv")
INDICES = {
    "schooling": ["educ", "motheduc", "fatheduc"],
    "household": ["kidslt6", "kidsge6"],
    "spouse": ["huseduc", "huswage", "hushrs"],
}
N_ZERO_FEW, N_ZERO_MANY = 12, 200


def _frame(n_zero):
    """MROZ with the first ``n_zero`` family incomes set to 0, and a weight."""
    weights = np.random.default_rng(0).uniform(0.5, 2.0, len(MROZ))
    return MROZ.assign(
        faminc=MROZ["faminc"].where(MROZ.index >= n_zero, 0.0), wt=weights
    )


@pytest.fixture(scope="module")
def two_part_run():
    """Few zeros, [model] zeros = "two-part", no design."""
    frame = _frame(N_ZERO_FEW)
    document = {
        "indices": INDICES,
        "model": {"outcome": "faminc", "target": "inlf", "zeros": "two-part"},
    }
    report, models = replicate(frame, document, figures=False)
    return frame, report, models


@pytest.fixture(scope="module")
def design_run():
    """More zeros, the default zero policy, a [design] table of weights."""
    frame = _frame(N_ZERO_MANY)
    document = {
        "indices": INDICES,
        "model": {"outcome": "faminc", "target": "inlf"},
        "design": {"weight": "wt", "weights": "probability"},
    }
    report, models = replicate(frame, document, figures=False)
    return frame, report, models


def _text(report, fmt="text"):
    return " ".join(report.render(fmt).split())


@pytest.mark.parametrize("run", ["two_part_run", "design_run"])
def test_the_participation_part_is_stated_in_counts_every_time(run, request):
    frame, report, models = request.getfixturevalue(run)
    text = _text(report)
    y = frame["faminc"]
    n_zero, n_positive = int((y == 0).sum()), int((y > 0).sum())
    assert n_zero in (N_ZERO_FEW, N_ZERO_MANY) and n_zero + n_positive == len(y)
    k = len(INDICES)
    kept = int(models["two_part"].classifier_.support_.sum())
    events = min(n_zero, n_positive)
    said = f"Participation part: {n_zero} rows with y = 0 and {n_positive} with y > 0"
    assert said in text
    assert (
        f"Its logit starts with {k + 1} parameters (intercept and {k} indices) "
        f"and keeps {kept + 1}: the {events} zero outcomes (the smaller class) "
        f"give {events / (k + 1):.1f} events per parameter of the starting "
        f"model, {events / (kept + 1):.1f} of the final one."
    ) in text
    # the consequence and the remedy, whatever the count (no threshold)
    assert "biased away from zero" in text
    assert "Wald tests and intervals are unreliable" in text
    assert "StepwiseLogit(penalty='firth', criterion='lr')" in text
    weighted = "(rows with a positive weight, not sums of weights"
    assert (weighted in text) == (run == "design_run")


def test_the_paper_model_is_secondary_under_a_two_part_main_model(
    two_part_run, design_run
):
    frame, report, _ = two_part_run
    text = _text(report)
    main = text.index("Main model: the two-part model ([model] zeros = 'two-part')")
    heading = "Cobb-Douglas model of faminc (secondary: positive outcomes only)"
    assert main < text.index(heading) < text.index("Two-part model of the outcome")
    n_zero = int((frame["faminc"] == 0).sum())
    assert (
        f"fitted to the {len(frame) - n_zero} rows with faminc > 0 only; it "
        f"leaves out the {n_zero} rows with faminc = 0 and describes "
        "E[faminc | faminc > 0], not E[faminc]."
    ) in text
    # under the default policy the paper's model is the main one
    other = _text(design_run[1])
    assert "secondary" not in other and "Main model" not in other
    assert "Cobb-Douglas model of faminc" in other


def test_heteroskedasticity_advice_names_the_spec_key_in_a_report(two_part_run):
    _, report, models = two_part_run
    readings = models["readings"]
    rows = readings[readings["test"].isin(["Park F", "Breusch-Pagan LM (Koenker)"])]
    rows = rows[rows["section"] == "Cobb-Douglas (full)"]
    assert len(rows) == 2
    for _, row in rows.iterrows():
        advised = row["reading"].endswith(": consider [model] cov_type = 'HC3'")
        assert advised == (row["p_value"] < 0.05), row
    text = _text(report)
    assert rows["p_value"].min() < 0.05, "the data must show the advice"
    assert "consider [model] cov_type = 'HC3'" in text
    assert "consider cov_type='HC3'" not in text
    # the Python summary keeps the estimator's parameter
    python = " ".join(str(models["cobb_douglas"].summary()).split())
    assert "consider cov_type='HC3'" in python and "[model]" not in python


def test_hosmer_lemeshow_under_a_design_names_the_design_table(design_run):
    _, report, models = design_run
    text = _text(report)
    assert (
        "printed for reference only. Under the [design] table's survey design "
        "it reads the rows as independent cases"
    ) in text
    assert "Under cov_type='survey'" not in text
    python = " ".join(str(models["logit"].summary()).split())
    assert "Under cov_type='survey' it reads the rows" in python


@pytest.mark.parametrize("fmt", ["text", "markdown", "html", "latex"])
def test_counts_read_in_number_and_titles_in_words(two_part_run, fmt):
    _, report, models = two_part_run
    rendered = report.render(fmt)
    groups = len(models["logit"].results_.hosmer_lemeshow["table"])
    assert groups > 1
    assert f"Hosmer and Lemeshow ({groups} groups, " in " ".join(rendered.split())
    assert "group(s)" not in rendered and "answer(s)" not in rendered
    # the Park test's and the correlations' titles: words, in every format
    assert not re.search(r"X\\?_i", rendered)
    assert "logs of the regressors" in rendered
