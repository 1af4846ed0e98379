"""The spec's [endogeneity] table and the report's IV section (issue 27, item 4).

Oracles: linearmodels' IV2SLS (and IVGMM) fitted on the report's own
Cobb-Douglas sample, logged by hand; statsmodels' OLS for the OLS column;
Stock and Yogo's published critical values (16.38 for one instrument,
19.93 for two, one endogenous regressor, 10% maximal IV size). A reading is
checked against the p-value of the oracle, never against the report's own.
"""

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from numpy.testing import assert_allclose
from packaging.version import Version

from sklearn_innov.exceptions import SpecError
from sklearn_innov.report import replicate

linearmodels = pytest.importorskip("linearmodels.iv")
# before 7.1, linearmodels' Durbin and Wu-Hausman projected the IV residuals
# on the excluded instruments alone (tests/test_iv.py checks ours against
# statsmodels' control-function F at every version)
DURBIN_ORACLE = Version(pytest.importorskip("linearmodels").__version__) >= Version(
    "7.1"
)

MROZ = pd.read_csv(Path(__file__).parent / "data" / "mroz_wage.csv")
INDICES = {
    "EDU": ["educ"],
    "EXP": ["exper", "expersq"],
    "KIDS": ["kidslt6", "kidsge6"],
}
SECTION = "Endogeneity: instrumental variables"


def _document(endogeneity=None, **model):
    document = {
        "indices": INDICES,
        "model": {"outcome": "wage", "target": "inlf", **model},
    }
    if endogeneity is not None:
        document["endogeneity"] = endogeneity
    return document


PARENTS = {"endogenous": ["EDU"], "instruments": ["motheduc", "fatheduc"]}


@pytest.fixture(scope="module")
def run():
    return replicate(MROZ, _document(PARENTS), figures=False)


def _oracle(models, instruments, fit=None, model="IV2SLS"):
    """linearmodels on the report's Cobb-Douglas sample, logged by hand."""
    X = models["cobb_douglas_X"]
    dep = np.log(models["cobb_douglas_y"]).rename("ln_y")
    exog = pd.DataFrame(
        {"const": 1.0, "ln EXP": np.log(X["EXP"]), "ln KIDS": np.log(X["KIDS"])},
        index=X.index,
    )
    endog = np.log(X[["EDU"]]).rename(columns={"EDU": "ln EDU"})
    Z = models["iv_X"][instruments]
    return getattr(linearmodels, model)(dep, exog, endog, Z).fit(
        **(fit or {"cov_type": "unadjusted", "debiased": True})
    )


def _section(report):
    text = report.render("text", width=200)
    start = text.index(SECTION)
    return text[start : text.index("Limitations", start)]


def test_iv_estimates_and_tests_equal_linearmodels_on_the_report_sample(run):
    report, models = run
    iv = models["iv"]
    oracle = _oracle(models, ["motheduc", "fatheduc"])
    table = iv.coef_table_
    assert list(table.index) == ["const", "EXP", "KIDS", "EDU"]
    assert_allclose(table["coef"], oracle.params, rtol=1e-6)
    assert_allclose(table["std_err"], oracle.std_errors, rtol=1e-6)
    assert_allclose(table["p_value"], oracle.pvalues, rtol=1e-6, atol=1e-12)
    first = oracle.first_stage.diagnostics.loc["ln EDU"]
    assert_allclose(iv.first_stage_.loc["EDU", "partial_f"], first["f.stat"])
    assert_allclose(
        iv.first_stage_.loc["EDU", "partial_rsquared"], first["partial.rsquared"]
    )
    assert_allclose(iv.overidentification_["pvalue"], oracle.sargan.pval, rtol=1e-8)
    if DURBIN_ORACLE:
        assert_allclose(
            iv.endogeneity_["durbin"]["pvalue"], oracle.durbin().pval, rtol=1e-8
        )
        assert_allclose(
            iv.endogeneity_["wu_hausman"]["pvalue"],
            oracle.wu_hausman().pval,
            rtol=1e-8,
        )
    # the same rows as the report's full Cobb-Douglas, its OLS column equal
    # to statsmodels' OLS (and to the report's model)
    assert iv.nobs_ == len(models["cobb_douglas_y"]) == 428
    X = models["cobb_douglas_X"]
    ols = sm.OLS(
        np.log(models["cobb_douglas_y"]),
        sm.add_constant(np.log(X[["EXP", "KIDS", "EDU"]])),
    ).fit()
    assert_allclose(iv.results_.ols_table["coef"], ols.params, rtol=1e-8)
    assert_allclose(iv.results_.ols_table["std_err"], ols.bse, rtol=1e-8)
    assert "Endogeneity (IV)" in set(models["readings"]["section"])
    assert SECTION in report.render("text")


def test_gmm_and_robust_covariance_from_the_table():
    table = {**PARENTS, "method": "gmm", "cov_type": "HC0"}
    _, models = replicate(MROZ, _document(table), figures=False)
    oracle = _oracle(
        models, ["motheduc", "fatheduc"], {"cov_type": "robust"}, model="IVGMM"
    )
    iv = models["iv"]
    assert (iv.method, iv.cov_type) == ("gmm", "HC0")
    assert_allclose(iv.coef_table_["coef"], oracle.params, rtol=1e-6)
    assert_allclose(iv.coef_table_["std_err"], oracle.std_errors, rtol=1e-6)
    assert_allclose(iv.overidentification_["statistic"], oracle.j_stat.stat, rtol=1e-8)


def test_readings_match_the_oracle_p_values(run):
    report, models = run
    oracle = _oracle(models, ["motheduc", "fatheduc"])
    readings = models["readings"].set_index("test")
    expected = {
        "Sargan (chi2(1))": (oracle.sargan.pval, "overidentifying restrictions"),
        "Durbin (chi2(1))": (
            oracle.durbin().pval
            if DURBIN_ORACLE
            else models["iv"].endogeneity_["durbin"]["pvalue"],
            "exogeneity",
        ),
    }
    section = _section(report)
    for test, (p, what) in expected.items():
        row = readings.loc[test]
        assert_allclose(row["p_value"], p, rtol=1e-8)
        verdict = "rejected" if p < 0.05 else "not rejected"
        assert f"{verdict} at 5% (p = {p:.3f})" in row["reading"]
        assert what in row["reading"]
        assert f"{test}: {row['reading']}." in section
    # parents' education: F = 33.9 by linearmodels, above Stock-Yogo's 19.93
    f = oracle.first_stage.diagnostics.loc["ln EDU", "f.stat"]
    assert f > 19.93
    assert "instruments not weak by Stock-Yogo's 10% maximal IV size" in section
    assert "instruments are weak" not in section
    for word in ("is exogenous", "no endogeneity", "are exogenous."):
        assert word not in section


def test_a_weak_instrument_is_said_weak():
    rng = np.random.default_rng(0)
    frame = MROZ.assign(noise=rng.normal(size=len(MROZ)))
    table = {"endogenous": ["EDU"], "instruments": ["noise"]}
    report, models = replicate(frame, _document(table), figures=False)
    oracle = _oracle(models, ["noise"])
    f = oracle.first_stage.diagnostics.loc["ln EDU", "f.stat"]
    assert f < 16.38  # Stock and Yogo, one instrument, 10% maximal size
    section = _section(report)
    assert "instruments are weak: the IV estimates are not reliable" in section
    assert "Anderson-Rubin" in section
    # exactly identified: nothing to test about the instruments' validity
    assert "Sargan" not in section


def test_limitations_name_the_table_when_absent_and_the_instruments_when_present(run):
    report, _ = run
    text = re.sub(r"\s+", " ", report.render("text"))
    assert "the IV section assumes its instruments (motheduc, fatheduc) valid" in text
    plain, models = replicate(MROZ, _document(), figures=False)
    assert models["iv"] is None
    text = re.sub(r"\s+", " ", plain.render("text"))
    assert SECTION not in text
    assert "no [endogeneity] table in the spec, so this assumption is not tested" in (
        text
    )
    default, _ = replicate(figures=False)
    assert "an [endogeneity] table" in re.sub(r"\s+", " ", default.render("text"))


@pytest.mark.parametrize(
    "table, message",
    [
        ({"endogenous": ["EDU"]}, r"\[endogeneity\]: key 'instruments' is missing"),
        (
            {"endogenous": "EDU", "instruments": ["motheduc"]},
            r"\[endogeneity\]: endogenous must be a non-empty list",
        ),
        (
            {"endogenous": ["wage"], "instruments": ["motheduc"]},
            r"\[endogeneity\]: endogenous names \['wage'\], which are not explanatory",
        ),
        (
            {"endogenous": ["EDU"], "instruments": ["motheduc", "educ"]},
            r"\[endogeneity\]: instruments names 'educ', which \[indices\] uses",
        ),
        (
            {"endogenous": ["EDU"], "instruments": ["inlf"]},
            r"\[endogeneity\]: instruments names 'inlf', which is the model's target",
        ),
        (
            {"endogenous": ["EDU"], "instruments": ["mothereduc"]},
            r"not column\(s\) of the data \(did you mean 'motheduc'\?\)",
        ),
        (
            {"endogenous": ["EDU", "EXP"], "instruments": ["motheduc"]},
            r"\[endogeneity\]: 2 endogenous index\(es\) but 1 instrument",
        ),
        (
            {**PARENTS, "method": "ols"},
            r"\[endogeneity\]: method must be one of \['2sls', 'liml', 'gmm'\]",
        ),
        (
            {**PARENTS, "method": "liml", "cov_type": "HC3"},
            r"\[endogeneity\]: cov_type 'HC3' is defined for 2SLS only",
        ),
        ({**PARENTS, "weak": True}, r"\[endogeneity\]: unknown key\(s\) \['weak'\]"),
    ],
)
def test_spec_errors_name_the_table_and_the_key(tmp_path, table, message):
    with pytest.raises(SpecError, match=message):
        replicate(MROZ, _document(table), figures=False)


def test_spec_error_from_a_file_names_the_file(tmp_path):
    from sklearn_innov.preprocessing import read_spec_document
    from sklearn_innov.preprocessing._spec import validate_document

    path = tmp_path / "spec.toml"
    path.write_text(
        '[indices]\nEDU = ["educ"]\nEXP = ["exper"]\n'
        '[model]\noutcome = "wage"\ntarget = "inlf"\n'
        '[endogeneity]\nendogenous = ["EDU"]\ninstruments = ["wage"]\n'
    )
    with pytest.raises(SpecError, match=r"spec\.toml.*\[endogeneity\].*outcome"):
        validate_document(read_spec_document(path), MROZ, source=str(path))


SPEC_FILE = """
[indices]
EDU = ["educ"]
EXP = ["exper", "expersq"]
KIDS = ["kidslt6", "kidsge6"]

[model]
outcome = "wage"
target = "inlf"

[endogeneity]
endogenous = ["EDU"]
instruments = ["motheduc", "fatheduc"]
method = "liml"
"""


def test_the_command_reads_the_table_from_a_spec_file(tmp_path, capsys):
    from sklearn_innov.cli import main

    data = Path(__file__).parent / "data" / "mroz_wage.csv"
    spec = tmp_path / "spec.toml"
    spec.write_text(SPEC_FILE, encoding="utf-8")
    args = ["replicate", "--data", str(data), "--spec", str(spec)]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert SECTION in out
    assert "LIML" in out
    spec.write_text(SPEC_FILE.replace('"fatheduc"', '"fathereduc"'), encoding="utf-8")
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "spec.toml" in err
    assert "[endogeneity]: instruments names ['fathereduc']" in err
    assert "did you mean 'fatheduc'?" in err


def test_a_missing_instrument_in_the_sample_is_named():
    frame = MROZ.copy()
    frame.loc[0, "motheduc"] = np.nan  # a working woman: in the Cobb-Douglas
    with pytest.raises(
        SpecError, match=r"\[endogeneity\] instruments \['motheduc'\] are missing in 1"
    ):
        replicate(frame, _document(PARENTS), figures=False)


def test_offset_names_the_instrumented_index_as_the_model_does():
    _, models = replicate(MROZ, _document(PARENTS, zeros="offset"), figures=False)
    iv = models["iv"]
    assert iv.endogenous_ == ["(1 + EDU)"]
    X = models["iv_X"]
    dep = np.log(models["cobb_douglas_y"])
    exog = sm.add_constant(np.log(X[["(1 + EXP)", "(1 + KIDS)"]]))
    oracle = linearmodels.IV2SLS(
        dep, exog, np.log(X[["(1 + EDU)"]]), X[["motheduc", "fatheduc"]]
    ).fit(cov_type="unadjusted", debiased=True)
    assert_allclose(iv.coef_table_["coef"], oracle.params, rtol=1e-6)
