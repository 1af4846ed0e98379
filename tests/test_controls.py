"""Controls in levels: CobbDouglasRegressor(levels=...), [model] controls.

Oracle: statsmodels OLS of ln y on ln X and the controls as they are.
"""

import pickle

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from numpy.testing import assert_allclose

from sklearn_innov import CobbDouglasRegressor

RTOL = 1e-8


@pytest.fixture
def firms():
    rng = np.random.default_rng(7)
    n = 150
    metro = rng.choice(["Tijuana", "Juárez", "Monterrey"], size=n)
    size = rng.normal(0, 1, n)  # negative values: allowed in levels
    X1 = rng.uniform(0.2, 3, n)
    X3 = rng.uniform(0.2, 3, n)
    X = pd.DataFrame(
        {
            "X1": X1,
            "X3": X3,
            "size": size,
            "metro_area[Monterrey]": (metro == "Monterrey").astype(float),
            "metro_area[Tijuana]": (metro == "Tijuana").astype(float),
        }
    )
    log_y = (
        0.3
        + 0.2 * np.log(X1)
        + 0.4 * np.log(X3)
        + 0.1 * size
        + 0.3 * X["metro_area[Tijuana]"]
        + rng.normal(0, 0.4, n)
    )
    return X, np.exp(log_y)


def _oracle(X, y, levels, const=True):
    design = pd.DataFrame({c: X[c] if c in levels else np.log(X[c]) for c in X.columns})
    if const:
        design = sm.add_constant(design)
    return sm.OLS(np.log(y), design).fit()


@pytest.mark.parametrize("const", [True, False])
@pytest.mark.parametrize("cov_type", ["nonrobust", "HC1"])
def test_levels_match_statsmodels(firms, const, cov_type):
    X, y = firms
    levels = ["size", "metro_area[Monterrey]", "metro_area[Tijuana]"]
    model = CobbDouglasRegressor(
        levels=levels, fit_intercept=const, cov_type=cov_type
    ).fit(X, y)
    ref = _oracle(X, y, levels, const)
    if cov_type != "nonrobust":
        ref = ref.get_robustcov_results(cov_type=cov_type, use_t=True)
    table = model.coef_table_
    assert_allclose(table["coef"], ref.params, rtol=RTOL)
    assert_allclose(table["std_err"], ref.bse, rtol=RTOL)
    assert_allclose(table["t"], ref.tvalues, rtol=RTOL)
    assert_allclose(table["p_value"], ref.pvalues, rtol=1e-7)
    assert_allclose(model.rsquared_, ref.rsquared, rtol=RTOL)
    assert_allclose(model.fvalue_, np.squeeze(ref.fvalue), rtol=RTOL)
    # the sum of elasticities is over the logged columns only
    rts = model.diagnostics()["returns_to_scale"]
    test = ref.t_test("X1 + X3 = 1")
    params = pd.Series(ref.params, index=ref.model.exog_names)
    assert_allclose(rts["sum"], params["X1"] + params["X3"], rtol=RTOL)
    assert_allclose(rts["t"], float(np.squeeze(test.tvalue)), rtol=RTOL)


def test_levels_by_position_on_an_array(firms):
    X, y = firms
    levels = ["size", "metro_area[Monterrey]", "metro_area[Tijuana]"]
    model = CobbDouglasRegressor(levels=[2, 3, 4]).fit(X.to_numpy(), y)
    ref = _oracle(X, y, levels)
    assert_allclose(model.coef_, ref.params.to_numpy()[1:], rtol=RTOL)
    assert_allclose(model.intercept_, ref.params["const"], rtol=RTOL)
    assert_allclose(model.predict_log(X.to_numpy()), ref.fittedvalues, rtol=RTOL)
    assert list(model.in_levels_) == [False, False, True, True, True]


def test_levels_summary_and_pickle(firms):
    X, y = firms
    model = CobbDouglasRegressor(
        levels=["size", "metro_area[Monterrey]", "metro_area[Tijuana]"]
    ).fit(X, y)
    text = str(model.summary())
    assert "ln X1" in text and "metro_area[Tijuana]" in text
    assert "ln metro_area" not in text and "ln size" not in text
    assert "semi-elasticities" in text
    clone = pickle.loads(pickle.dumps(model))
    assert_allclose(clone.predict(X), model.predict(X), rtol=1e-12)
    assert_allclose(
        clone.diagnostics()["returns_to_scale"]["sum"],
        model.coef_[:2].sum(),
        rtol=1e-12,
    )


def test_marginal_effects_of_a_level_column_are_semi_elasticities(firms):
    X, y = firms
    model = CobbDouglasRegressor(levels=["size"], smearing=False).fit(
        X[["X1", "size"]], y
    )
    effects = model.marginal_effects(X[["X1", "size"]])
    b0, b1, b2 = model.intercept_, *model.coef_
    level = np.exp(b0 + b1 * np.log(X["X1"]) + b2 * X["size"])
    # closed forms: dE/dx1 = b1 E / x1, dE/dsize = b2 E
    assert_allclose(effects.loc["X1", "dy_dx"], np.mean(b1 * level / X["X1"]))
    assert_allclose(effects.loc["size", "dy_dx"], np.mean(b2 * level))


def test_zero_policy_and_bounds_apply_to_logged_columns_only(firms):
    X, y = firms
    X = X.copy()
    X.loc[:4, "X1"] = 0.0
    levels = ["size", "metro_area[Monterrey]", "metro_area[Tijuana]"]
    with pytest.raises(ValueError, match=r"column 'X1' is 0 \(5 rows\)"):
        CobbDouglasRegressor(levels=levels).fit(X, y)
    model = CobbDouglasRegressor(levels=levels, zeros="drop")
    with pytest.warns(UserWarning, match="left out 5 of 150"):
        model.fit(X, y)
    ref = _oracle(X.iloc[5:], y[5:], levels)
    assert_allclose(model.coef_table_["coef"], ref.params, rtol=RTOL)
    floor = CobbDouglasRegressor(levels=levels, zeros="floor").fit(X, y)
    assert np.isnan(floor.floors_[2:]).all() and floor.floors_[0] > 0
    offset = CobbDouglasRegressor(levels=levels, zeros="offset").fit(X, y)
    assert "(1 + X1)" in offset.coef_table_.index
    assert "metro_area[Tijuana]" in offset.coef_table_.index
    shifted = X.copy()
    shifted[["X1", "X3"]] += 1.0
    assert_allclose(
        offset.coef_table_["coef"].to_numpy(),
        _oracle(shifted, y, levels).params.to_numpy(),
        rtol=RTOL,
    )
    bounded = CobbDouglasRegressor(
        levels=levels, bounds=(0, 1), returns_to_scale="decreasing"
    ).fit(X.iloc[5:], y[5:])
    # a negative control is not pinned at the elasticities' lower bound
    assert bounded.active_constraints_ == []
    assert_allclose(bounded.coef_, ref.params.to_numpy()[1:], rtol=1e-6)


def test_levels_errors(firms):
    X, y = firms
    with pytest.raises(
        ValueError, match=r"levels names column\(s\) not in X: 'sector'"
    ):
        CobbDouglasRegressor(levels=["sector"]).fit(X, y)
    with pytest.raises(ValueError, match="names every column"):
        CobbDouglasRegressor(levels=list(X.columns)).fit(X, y)
    neg = X.copy()
    neg.loc[0, "X1"] = -1.0
    with pytest.raises(ValueError, match=r"column 'X1' has values < 0 \(1 row\)"):
        CobbDouglasRegressor(levels=["size"]).fit(neg, y)


# -- [model] controls in the report, on a public survey no other test uses ----

# the codes of statsmodels' NOTE, students (a handful of rows, all without an
# affair in this sample: separation) with the unskilled workers
OCCUPATION = {
    1: "manual or student",
    2: "manual or student",
    3: "white-collar",
    4: "technical",
    5: "managerial",
    6: "professional",
}


@pytest.fixture(scope="module")
def fair():
    """Fair's (1978) affairs survey (statsmodels' offline copy): 400 rows.

    The file is sorted by the outcome of the logit (respondents with an
    affair first): a fixed random sample holds both kinds.
    """
    data = sm.datasets.fair.load_pandas().data.sample(400, random_state=0)
    data = data.reset_index(drop=True)
    data["occupation"] = data["occupation"].map(OCCUPATION).astype(str)
    data["had_affair"] = (data["affairs"] > 0).astype(int)
    return data


FAIR_DOCUMENT = {
    "indices": {
        "Bond": ["rate_marriage", "religious"],
        "Status": ["educ", "occupation_husb"],
    },
    "model": {
        "outcome": "yrs_married",
        "target": "had_affair",
        "controls": ["age", "children", "occupation"],
    },
    "labels": {"unit": "respondent"},
}


def _minmax_sum(frame, items):
    values = frame[items]
    return ((values - values.min()) / (values.max() - values.min())).sum(axis=1)


@pytest.fixture(scope="module")
def fair_report(fair):
    from sklearn_innov.report import replicate

    return replicate(fair, FAIR_DOCUMENT, figures=False)


def test_report_controls_match_statsmodels(fair, fair_report):
    report, models = fair_report
    # the oracle, built by hand: min-max sums, zeros floored at half the
    # smallest positive value, the occupation dummies against 'managerial'
    # (the first level in sorted order), ln y on ln X + controls
    design = pd.DataFrame(index=fair.index)
    for name, items in FAIR_DOCUMENT["indices"].items():
        index = _minmax_sum(fair, items)
        floor = index[index > 0].min() / 2
        design[name] = np.log(index.where(index > 0, floor))
    design["age"] = fair["age"]
    design["children"] = fair["children"]
    levels = sorted(fair["occupation"].unique())
    assert levels[0] == "managerial"
    for level in levels[1:]:
        design[f"occupation[{level}]"] = (fair["occupation"] == level).astype(float)
    ref = sm.OLS(np.log(fair["yrs_married"]), sm.add_constant(design)).fit()
    table = models["cobb_douglas"].coef_table_
    assert list(table.index) == list(ref.params.index)
    assert_allclose(table["coef"], ref.params, rtol=RTOL)
    assert_allclose(table["std_err"], ref.bse, rtol=RTOL)
    assert_allclose(models["cobb_douglas"].rsquared_, ref.rsquared, rtol=RTOL)
    assert_allclose(models["cobb_douglas"].fvalue_, ref.fvalue, rtol=RTOL)
    # the logit keeps every control, whatever its p-value
    logit = models["logit"]
    controls = ["age", "children", *(f"occupation[{lv}]" for lv in levels[1:])]
    assert set(controls) <= set(logit.selected_features_)
    kept = list(logit.selected_features_)
    X = pd.concat(
        [
            pd.DataFrame(
                {n: _minmax_sum(fair, i) for n, i in FAIR_DOCUMENT["indices"].items()}
            ),
            design[controls],
        ],
        axis=1,
    )
    logit_ref = sm.Logit(fair["had_affair"], sm.add_constant(X[kept])).fit(disp=0)
    coef = pd.Series(logit.coef_.ravel(), index=models["logit"].feature_names_in_)
    assert_allclose(coef[kept], logit_ref.params[kept], rtol=1e-6)
    text = report.render("markdown")
    named = ", ".join(f"occupation[{lv}]" for lv in levels[1:])
    assert (
        "Controls ([model] controls): age, children, occupation (4 dummies, "
        f"{named}, against 'managerial')" in text
    )
    assert "Forced into the model" in text
    assert "ln age" not in text and "ln occupation" not in text
    assert "the controls (age, children, occupation (4 dummies" in text


def test_report_without_controls_says_so(fair):
    from sklearn_innov.report import replicate

    document = {**FAIR_DOCUMENT, "model": dict(FAIR_DOCUMENT["model"], controls=[])}
    report, models = replicate(fair, document, figures=False)
    text = report.render("markdown")
    assert "no control entered the models ([model] controls is empty)" in text
    assert "Controls: none" in text
    assert models["cobb_douglas"].in_levels_.sum() == 0


@pytest.mark.parametrize(
    "controls, message",
    [
        ("age", r"\[model\] controls must list column names"),
        (
            ["agee"],
            r"\[model\] controls names \['agee'\], not column\(s\) of the "
            r"data \(did you mean 'age'\?\)",
        ),
        (["educ"], r"\[model\] controls names \['educ'\], which \[indices\]"),
        (["age", "age"], r"\[model\] controls lists 'age' more than once"),
        ([3], r"\[model\] controls holds 3"),
        (
            ["had_affair"],
            r"\[model\] controls names 'had_affair', which is the "
            r"model's target",
        ),
        (
            ["yrs_married"],
            r"\[model\] controls names 'yrs_married', which is the "
            r"model's outcome",
        ),
    ],
)
def test_controls_key_is_validated(fair, controls, message):
    from sklearn_innov.exceptions import SpecError
    from sklearn_innov.preprocessing._spec import validate_document

    document = {
        **FAIR_DOCUMENT,
        "model": dict(FAIR_DOCUMENT["model"], controls=controls),
    }
    with pytest.raises(SpecError, match=r"^spec file 'f.toml': " + message):
        validate_document(document, fair, source="spec file 'f.toml'")


def test_control_columns_refuse_missing_and_constant(fair):
    from sklearn_innov.exceptions import SpecError
    from sklearn_innov.preprocessing import control_columns

    holes = fair.copy()
    holes.loc[[3, 7], "age"] = np.nan
    with pytest.raises(SpecError, match=r"control 'age' is missing in 2 rows"):
        control_columns(holes, ["age"])
    flat = fair.assign(region="north", one=1.0)
    with pytest.raises(SpecError, match="single value"):
        control_columns(flat, ["region"])
    with pytest.raises(SpecError, match="constant"):
        control_columns(flat, ["one"])
    columns, reference = control_columns(fair.assign(urban=fair["age"] > 30), ["urban"])
    assert_allclose(columns["urban"], (fair["age"] > 30).astype(float))
    assert reference == {}


# -- missing answers and floors reported (issue 23, item 11) ------------------


def _with_holes(fair):
    holes = fair.copy()
    holes.loc[0:9, "rate_marriage"] = np.nan  # 10 rows
    holes.loc[7:11, "religious"] = np.nan  # 5 rows, 3 of them above too
    return holes


def test_missing_nan_rows_are_counted_and_left_out(fair):
    from sklearn_innov.report import replicate

    holes = _with_holes(fair)
    document = {**FAIR_DOCUMENT, "index": {"missing": "nan"}}
    report, models = replicate(holes, document, figures=False)
    text = report.render("markdown")
    # counted by hand: 12 rows miss an answer of Bond, 3 (rows 7-9) miss both
    assert "3 respondents of 400 have an index that is NaN" in text
    assert "by index: Bond 3" in text
    assert "| Bond | 2 | 12 | 3 | 0 | missing = 'nan': 9 rescaled to the full" in text
    assert "| Status | 2 | 0 | 0 | 0 | missing = 'nan': none |" in text
    # the oracle: min-max on the answered values, the sum rescaled to the
    # two items, the rows with no answer left out, zeros floored
    kept = holes.drop(index=[7, 8, 9])
    design = pd.DataFrame(index=kept.index)
    for name, items in FAIR_DOCUMENT["indices"].items():
        values = holes[items]
        scaled = (values - values.min()) / (values.max() - values.min())
        index = (scaled.sum(axis=1) * len(items) / scaled.notna().sum(axis=1))[
            kept.index
        ]
        floor = index[index > 0].min() / 2
        design[name] = np.log(index.where(index > 0, floor))
    design["age"] = kept["age"]
    design["children"] = kept["children"]
    for level in sorted(kept["occupation"].unique())[1:]:
        design[f"occupation[{level}]"] = (kept["occupation"] == level).astype(float)
    ref = sm.OLS(np.log(kept["yrs_married"]), sm.add_constant(design)).fit()
    model = models["cobb_douglas"]
    assert model.nobs_ == 397
    assert_allclose(model.coef_table_["coef"], ref.params, rtol=RTOL)
    assert models["logit"].results_.nobs == 397


def test_missing_policies_in_the_spec(fair):
    from sklearn_innov.exceptions import SpecError
    from sklearn_innov.preprocessing._spec import validate_document
    from sklearn_innov.report import replicate

    holes = _with_holes(fair)
    for value, message in (
        ("drop", r"\[index\] missing must be one of \['rescale', 'error', 'nan'\]"),
        ("nann", r"did you mean 'nan'"),
    ):
        document = {**FAIR_DOCUMENT, "index": {"missing": value}}
        with pytest.raises(SpecError, match=message):
            validate_document(document, holes)
    document = {**FAIR_DOCUMENT, "index": {"out_of_range": "nope"}}
    with pytest.raises(SpecError, match=r"\[index\] out_of_range must be one of"):
        validate_document(document, holes)
    document = {**FAIR_DOCUMENT, "index": {"missing": "error"}}
    with pytest.raises(ValueError, match="missing='error'"):
        replicate(holes, document, figures=False)
    # rescale (the default) refuses a row with no answered item, naming it
    with pytest.raises(ValueError, match="Index 'Bond' cannot be computed for 3"):
        replicate(holes, FAIR_DOCUMENT, figures=False)


def test_out_of_range_answers_clipped_and_counted(fair):
    from sklearn_innov.exceptions import SpecError
    from sklearn_innov.preprocessing._spec import validate_document
    from sklearn_innov.report import replicate

    odd = fair.copy()
    odd.loc[[4, 5], "rate_marriage"] = 7.0  # a 1-5 scale
    bounds = {"rate_marriage": [1, 5], "religious": [1, 4]}
    document = {**FAIR_DOCUMENT, "index": {"bounds": bounds}}
    with pytest.raises(SpecError, match="set out_of_range = 'clip' or 'nan'"):
        validate_document(document, odd)
    document["index"] = {"bounds": bounds, "out_of_range": "clip"}
    report, models = replicate(odd, document, figures=False)
    text = report.render("markdown")
    assert "2 answers outside the bounds clipped to the nearer bound" in text
    clipped = odd.assign(rate_marriage=odd["rate_marriage"].clip(upper=5))
    expected = (clipped["rate_marriage"] - 1) / 4 + (clipped["religious"] - 1) / 3
    assert_allclose(models["index_values"]["Bond"], expected, rtol=1e-12)


def test_a_floor_touching_many_rows_is_spelled_out(fair):
    from sklearn_innov.report import replicate

    document = {
        **FAIR_DOCUMENT,
        "indices": {"Faith": ["religious"], "Status": ["educ", "occupation_husb"]},
    }
    report, models = replicate(fair, document, figures=False)
    text = report.render("markdown")
    zero = int((fair["religious"] == fair["religious"].min()).sum())
    assert zero > 0.05 * len(fair)
    assert (
        f"The ln 0 choice touches {zero} of 400 rows ({zero / 400:.0%}, more than "
        "5%)" in text
    )
    # the 'drop' line is the fit without those rows: statsmodels on them
    drop = next(m for k, m in models["sensitivity"].items() if k.startswith("drop"))
    kept = fair[fair["religious"] > fair["religious"].min()]
    design = pd.DataFrame(
        {
            "Faith": np.log((kept["religious"] - 1) / 3),
            "Status": np.log(
                _minmax_sum(fair, ["educ", "occupation_husb"])[kept.index]
            ),
            "age": kept["age"],
            "children": kept["children"],
        }
    )
    for level in sorted(fair["occupation"].unique())[1:]:
        design[f"occupation[{level}]"] = (kept["occupation"] == level).astype(float)
    ref = sm.OLS(np.log(kept["yrs_married"]), sm.add_constant(design)).fit()
    assert drop.nobs_ == 400 - zero
    assert_allclose(drop.coef_table_["coef"], ref.params, rtol=RTOL)


def test_the_benchmark_states_its_imputation():
    from sklearn.dummy import DummyClassifier

    from sklearn_innov.datasets import PAPER_SPEC, make_sme_survey
    from sklearn_innov.model_selection import benchmark_from_spec
    from sklearn_innov.model_selection._benchmark import RAW_ITEMS

    frame = make_sme_survey(random_state=1).frame
    frame.loc[frame.index[:6], "collab_suppliers"] = np.nan
    frame.loc[frame.index[4:9], "owner_languages"] = np.nan
    document = {"indices": PAPER_SPEC, "model": {"target": "innovated"}}
    result = benchmark_from_spec(
        frame,
        document,
        repeats=1,
        folds=3,
        models={"DummyClassifier": DummyClassifier(), RAW_ITEMS: DummyClassifier()},
    )
    assert (
        "Missing answers: 9 of 127 rows have one or more; the models on the "
        "indices rescale each index from its answered items ([index] missing = "
        f"'rescale'), and {RAW_ITEMS} imputes each item's median on the training "
        "fold (SimpleImputer(strategy='median'))." in result.description
    )
    alone = benchmark_from_spec(
        frame, document, repeats=1, folds=3, models={"D": DummyClassifier()}
    )
    assert "Missing answers: 9 of 127 rows" in alone.description
    assert "SimpleImputer" not in alone.description


def test_two_part_and_figures_with_controls(fair):
    pytest.importorskip("matplotlib")
    from sklearn_innov.report import replicate

    document = {
        **FAIR_DOCUMENT,
        "model": dict(FAIR_DOCUMENT["model"], outcome="affairs"),
    }
    report, models = replicate(fair, document, figures=True)
    text = report.render("markdown")
    assert models["two_part"] is not None
    assert "Without the controls (age, children, occupation (4 dummies" in text
    # the figures draw the Cobb-Douglas with its controls at their means
    assert any(name.startswith("influence_") for name in report.figures)
    import matplotlib.pyplot as plt

    for figure in report.figures.values():
        plt.close(figure)


def test_command_names_the_spec_file_for_a_bad_control(fair, tmp_path, capsys):
    from sklearn_innov.cli import main

    holes = fair.copy()
    holes.loc[[5, 6], "children"] = np.nan
    data = tmp_path / "fair.csv"
    holes.to_csv(data, index=False)
    spec = tmp_path / "fair.toml"
    spec.write_text(
        "[indices]\n"
        'Bond = ["rate_marriage", "religious"]\n'
        'Status = ["educ", "occupation_husb"]\n'
        "[model]\n"
        'outcome = "yrs_married"\n'
        'target = "had_affair"\n'
        'controls = ["age", "children", "occupation"]\n',
        encoding="utf-8",
    )
    code = main(
        [
            "replicate",
            "--data",
            str(data),
            "--spec",
            str(spec),
            "--out",
            str(tmp_path / "out"),
        ]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert (
        f"error: spec file {str(spec)!r}: [model] control 'children' is missing "
        "in 2 rows (lines 7, 8); the models cannot use those rows." in err
    ), err
    assert "Traceback" not in err
