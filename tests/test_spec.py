import json

import numpy as np
import pandas as pd
import pytest

from sklearn_innov import CompositeIndex, MinMaxIndexer, read_spec
from sklearn_innov.exceptions import SpecError
from sklearn_innov.preprocessing import check_spec
from sklearn_innov.preprocessing._spec import (
    drop_missing_target,
    read_spec_document,
    validate_document,
)


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_toml_and_json_give_the_same_spec(tmp_path):
    toml = write(
        tmp_path,
        "s.toml",
        '[indices]\nA = ["q1", "q2"]\nB = ["q3"]\n\n[model]\noutcome = "A"\n',
    )
    js = write(
        tmp_path, "s.json", json.dumps({"indices": {"A": ["q1", "q2"], "B": ["q3"]}})
    )
    assert read_spec(toml) == read_spec(js) == {"A": ["q1", "q2"], "B": ["q3"]}
    # other tables are kept for their readers
    assert read_spec_document(toml)["model"] == {"outcome": "A"}


def test_spec_from_file_drives_composite_index(tmp_path, likert_survey):
    path = write(tmp_path, "s.toml", '[indices]\nA = ["q1", "q2"]\n')
    out = CompositeIndex(spec=read_spec(path)).fit_transform(likert_survey)
    assert out.shape == (len(likert_survey), 1)


@pytest.mark.parametrize(
    "name, text, match",
    [
        ("a.toml", "[model]\nx = 1\n", "has no 'indices' table"),
        ("a.toml", "[indices\n", "is not valid TOML"),
        ("a.json", "{", "is not valid JSON"),
        ("a.json", '{"indices": {"A": ["q1"], "A": ["q2"]}}', "defines 'A' twice"),
        ("a.toml", "[indices]\nA = []\n", "index 'A' is an empty group"),
        ("a.toml", "[indices]\nA = [1, 2]\n", "must be column names"),
        ("a.toml", '[indices]\nA = "q1"\n', "must list its items"),
        ("a.yaml", "indices: {}", "must end in .toml or .json"),
    ],
)
def test_bad_files_name_the_file_and_problem(tmp_path, name, text, match):
    path = write(tmp_path, name, text)
    with pytest.raises(ValueError, match=match) as exc:
        read_spec(path)
    assert str(path) in str(exc.value)


def test_missing_file(tmp_path):
    with pytest.raises(ValueError, match="does not exist"):
        read_spec(tmp_path / "nope.toml")


def test_spec_file_is_never_evaluated(tmp_path):
    path = write(
        tmp_path, "s.toml", "[indices]\nA = [\"__import__('os').system('x')\"]\n"
    )
    assert read_spec(path) == {"A": ["__import__('os').system('x')"]}


def test_check_spec_returns_a_copy():
    spec = {"A": ("q1", "q2")}
    checked = check_spec(spec)
    assert checked == {"A": ["q1", "q2"]} and checked is not spec


def test_a_byte_order_mark_is_accepted(tmp_path):
    toml = tmp_path / "bom.toml"
    toml.write_text('[indices]\nA = ["q1", "q2"]\n', encoding="utf-8-sig")
    js = tmp_path / "bom.json"
    js.write_text(json.dumps({"indices": {"A": ["q1", "q2"]}}), encoding="utf-8-sig")
    assert read_spec(toml) == read_spec(js) == {"A": ["q1", "q2"]}


def test_a_latin1_spec_names_the_file_and_the_encoding(tmp_path):
    path = tmp_path / "latin.toml"
    path.write_text('[indices]\nA = ["colaboración"]\n', encoding="latin-1")
    with pytest.raises(ValueError, match="is not UTF-8 text") as exc:
        read_spec(path)
    assert str(path) in str(exc.value) and "line 2" in str(exc.value)


@pytest.mark.parametrize(
    "name, text",
    [
        ("deep.json", '{"indices": {"A": ' + "[" * 100_000 + "]" * 100_000 + "}}"),
        ("deep.toml", "[indices]\nA = " + "[" * 100_000 + "]" * 100_000 + "\n"),
    ],
)
def test_a_spec_nested_too_deep_is_a_one_line_error(tmp_path, name, text):
    path = write(tmp_path, name, text)
    with pytest.raises(ValueError, match="nests tables or lists deeper") as exc:
        read_spec(path)
    assert str(path) in str(exc.value) and "\n" not in str(exc.value)


def test_a_directory_is_not_a_spec(tmp_path):
    with pytest.raises(ValueError, match="is a directory"):
        read_spec(tmp_path)


def test_an_item_group_given_as_a_table_is_refused(tmp_path):
    # [indices.X1] with weights was silently read as its keys
    path = write(tmp_path, "w.toml", "[indices.X1]\nq1 = 0.5\nq2 = 0.5\n")
    with pytest.raises(ValueError, match="index 'X1' is a table") as exc:
        read_spec(path)
    assert "CompositeIndex(weights=...)" in str(exc.value)
    with pytest.raises(ValueError, match="is a table"):
        check_spec({"X1": {"q1": 1.0}})


@pytest.fixture
def items():
    return pd.DataFrame(
        {"q1": [1, 3, 5, 2], "q2": [0, 10, 4, 7], "out": [1.0, 2, 3, 4]}
        | {"y": [0, 1, 1, 0]},
        index=[10, 11, 12, 13],
    )


def document(bounds):
    return {
        "indices": {"A": ["q1", "q2"]},
        "model": {"outcome": "out", "target": "y"},
        "index": {"bounds": bounds},
    }


def test_bounds_per_item_are_accepted_as_documented(items):
    settings = validate_document(document({"q1": [1, 5], "q2": [0, 10]}), items).index
    assert settings["bounds"] == {"q1": (1, 5), "q2": (0, 10)}
    out = CompositeIndex(spec={"A": ["q1", "q2"]}, **settings).fit_transform(items)
    out = out.to_numpy()
    assert out[0, 0] == pytest.approx(0.0) and out[2, 0] == pytest.approx(1.4)
    settings = validate_document(document([0, 10]), items).index
    assert settings["bounds"] == (0, 10)


@pytest.mark.parametrize(
    "bounds, match",
    [
        ({"q9": [1, 5]}, r"bounds name \['q9'\] that no index"),
        ({"q1": [5, 1]}, r"bounds.q1 must be \[low, high\] with low < high"),
        ({"q1": 5}, r"bounds.q1 must be \[low, high\]"),
        ([1, 2, 3], r"\[index\] bounds must be \[low, high\]"),
        ("1-5", r"\[index\] bounds must be \[low, high\]"),
    ],
)
def test_bounds_in_other_shapes_are_refused(items, bounds, match):
    with pytest.raises(SpecError, match=match):
        validate_document(document(bounds), items)


def test_bounds_violations_name_the_column_and_rows(items):
    with pytest.raises(SpecError) as exc:
        validate_document(document({"q1": [1, 5], "q2": [0, 5]}), items)
    message = str(exc.value)
    assert "column 'q2' has 2 value(s) outside its [index] bounds [0, 5]" in message
    assert "rows 11, 13" in message


def test_minmax_names_columns_outside_their_bounds():
    X = pd.DataFrame({"q1": [1.0, 2.0], "q2": [3.0, 9.0]})
    with pytest.raises(ValueError, match=r"'q2' .*\[1, 5\]"):
        MinMaxIndexer(bounds=(1, 5)).fit(X)


def test_missing_targets_are_dropped_with_a_note(items):
    frame = items.astype({"y": float})
    frame.loc[[11, 12], "y"] = np.nan
    kept, note = drop_missing_target(frame, "y")
    assert list(kept.index) == [10, 13]
    assert note == (
        "target 'y' is missing in 2 of 4 rows (rows 11, 12): those rows were left out."
    )
    unchanged, none = drop_missing_target(items, "y")
    assert unchanged is items and none is None
    frame["y"] = np.nan
    with pytest.raises(SpecError, match="has no value in any row"):
        drop_missing_target(frame, "y")


def test_composite_index_from_a_spec_file_leaves_the_outcome_out(tmp_path):
    path = tmp_path / "spec.toml"
    path.write_text(
        '[indices]\nA = ["q1", "q2"]\nOUT = ["q3"]\n'
        '[model]\noutcome = "OUT"\ntarget = "t"\n'
        '[index]\nbounds = {q1 = [1, 5], q2 = [0, 10]}\naggregate = "mean"\n',
        encoding="utf-8",
    )
    built = CompositeIndex.from_spec_file(path)
    assert built.spec == {"A": ["q1", "q2"]}
    assert built.bounds == {"q1": (1, 5), "q2": (0, 10)}
    assert built.aggregate == "mean"
    assert list(CompositeIndex.from_spec_file(path, outcome=True).spec) == ["A", "OUT"]
    path.write_text(
        '[indices]\nA = ["q1"]\n[index]\nweight = "pca"\n', encoding="utf-8"
    )
    with pytest.raises(ValueError, match=r"unknown key\(s\) \['weight'\] in \[index\]"):
        CompositeIndex.from_spec_file(path)


# -- [design] ---------------------------------------------------------------


@pytest.fixture
def sample():
    """A small stratified cluster sample: 3 strata of 2 or 3 PSUs, 2 rows each."""
    strata = ["a"] * 4 + ["b"] * 4 + ["c"] * 6
    psu = [1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7]
    rng = np.random.default_rng(0)
    return pd.DataFrame(
        {
            "q1": rng.integers(1, 6, 14),
            "q2": rng.integers(1, 6, 14),
            "q3": rng.integers(1, 6, 14),
            "y": [0, 1] * 7,
            "region": strata,
            "school": psu,
            "pw": [10.0, 10, 12, 12, 5, 5, 5, 5, 20, 20, 20, 20, 25, 25],
            "copies": [1, 2, 1, 3, 1, 1, 2, 2, 1, 1, 1, 4, 1, 1],
            "schools": [8] * 4 + [2] * 4 + [30] * 6,
            "fraction": [0.25] * 4 + [1.0] * 4 + [0.1] * 6,
        },
        index=pd.RangeIndex(2, 16, name="line"),
    )


def design_document(design, **extra):
    return {
        "indices": {"A": ["q1", "q2"], "OUT": ["q3"]},
        "model": {"outcome": "OUT", "target": "y"},
        "design": design,
        **extra,
    }


def check(design, frame):
    return validate_document(
        design_document(design), frame, source="spec file 'survey.toml'"
    ).design


def test_a_full_design_is_exposed_with_every_key(sample):
    design = {
        "weight": "pw",
        "weights": "probability",
        "strata": "region",
        "cluster": "school",
        "fpc": "schools",
    }
    assert check(design, sample) == {
        **design,
        "fpc2": None,
        "variance": "linearization",
        "lonely_psu": "fail",
    }
    # fractions instead of counts, and keys left out are None
    assert check({"strata": "region", "fpc": "fraction"}, sample) == {
        "weight": None,
        "strata": "region",
        "cluster": None,
        "fpc": "fraction",
        "fpc2": None,
        "weights": None,
        "variance": "linearization",
        "lonely_psu": "fail",
    }
    frequency = check({"weight": "copies", "weights": "frequency"}, sample)
    assert frequency["weights"] == "frequency" and frequency["strata"] is None
    assert frequency["variance"] is None and frequency["lonely_psu"] is None
    # no table: no design
    no_design = design_document({})
    del no_design["design"]
    assert validate_document(no_design, sample).design is None


def test_a_design_table_is_read_from_toml_and_json(tmp_path, sample):
    toml = write(
        tmp_path,
        "survey.toml",
        '[indices]\nA = ["q1", "q2"]\nOUT = ["q3"]\n'
        '[model]\noutcome = "OUT"\ntarget = "y"\n'
        '[design]\nweight = "pw"\nweights = "probability"\nstrata = "region"\n'
        'cluster = "school"\n',
    )
    js = write(tmp_path, "survey.json", json.dumps(read_spec_document(toml)))
    for path in (toml, js):
        design = validate_document(read_spec_document(path), sample).design
        assert design["weight"] == "pw" and design["cluster"] == "school"


@pytest.mark.parametrize("kind", ["stratified", "two-stage"])
def test_the_synthetic_samples_carry_their_design_table(kind):
    from sklearn_innov.datasets import make_sme_survey

    survey = make_sme_survey(random_state=0, design=kind)
    document = {"indices": survey.spec, "design": survey.design}
    checked = validate_document(document, survey.frame).design
    # the two-stage sample names both stages' fpc; the stratified one has one
    assert checked == {
        "fpc2": None,
        "variance": "linearization",
        "lonely_psu": "fail",
        **survey.design,
    }
    assert (checked["fpc2"] is not None) == (kind == "two-stage")


@pytest.mark.parametrize(
    "design, match",
    [
        # unknown keys, with the name other programs use
        ({"psu": "school"}, r"unknown key\(s\) \['psu'\] \(for 'psu' write cluster\)"),
        ({"pweight": "pw"}, r"for 'pweight' write weight \(with weights = "),
        ({"wieght": "pw"}, r"\['wieght'\] \(did you mean 'weight'\?\)"),
        ({}, r"\[design\] is empty"),
        # wrong types
        ({"weight": 3, "weights": "probability"}, "key 'weight' must name one column"),
        ({"strata": ["region"]}, "key 'strata' must name one column"),
        ({"weight": "pw", "weights": "probabilty"}, r"did you mean 'probability'"),
        # columns missing from the data
        (
            {"cluster": "schol"},
            r"key 'cluster' names \['schol'\].*did you mean 'school'",
        ),
        # weight and weights go together
        ({"weight": "pw"}, "is given without key 'weights'; say what the weights"),
        ({"weights": "frequency"}, "is given without key 'weight'"),
        # nonsense combinations
        (
            {"weight": "copies", "weights": "frequency", "strata": "region"},
            r"\['strata'\] describe a probability sample",
        ),
        (
            {"weight": "copies", "weights": "frequency", "cluster": "school"},
            r"\['cluster'\] describe a probability sample",
        ),
        ({"strata": "region", "cluster": "region"}, "keys 'strata' and 'cluster'"),
        # columns with another role
        ({"weight": "q1", "weights": "probability"}, "an item of \\[indices\\]"),
        ({"strata": "y"}, "the model's target"),
    ],
)
def test_design_errors_name_the_file_table_and_key(sample, design, match):
    with pytest.raises(SpecError, match=match) as exc:
        check(design, sample)
    message = str(exc.value)
    assert message.startswith("spec file 'survey.toml', [design]")
    assert "\n" not in message


def test_frequency_weights_must_be_whole_numbers(sample):
    frame = sample.assign(copies=sample["copies"].astype(float))
    frame.loc[5, "copies"] = 1.5
    with pytest.raises(SpecError, match=r"not a whole number in 1 row \(line 5;"):
        check({"weight": "copies", "weights": "frequency"}, frame)
    frame.loc[5, "copies"] = 2.0  # a whole float is a whole number
    assert check({"weight": "copies", "weights": "frequency"}, frame)["weight"]


@pytest.mark.parametrize(
    "value, match",
    [
        (-1.0, r"is negative in 1 row \(line 7; e.g. -1\)"),
        (np.inf, r"is infinite in 1 row \(line 7\)"),
        (np.nan, r"is missing in 1 row \(line 7\)"),
    ],
)
def test_bad_weights_are_refused_naming_the_lines(sample, value, match):
    frame = sample.copy()
    frame.loc[7, "pw"] = value
    with pytest.raises(SpecError, match=match):
        check({"weight": "pw", "weights": "probability"}, frame)


def test_zero_weights_are_accepted_but_not_all_of_them(sample):
    frame = sample.copy()
    frame.loc[[2, 3], "pw"] = 0.0
    assert check({"weight": "pw", "weights": "probability"}, frame)["weight"] == "pw"
    frame["pw"] = 0.0
    with pytest.raises(SpecError, match="is 0 in every row"):
        check({"weight": "pw", "weights": "probability"}, frame)


def test_text_weights_are_refused(sample):
    with pytest.raises(SpecError, match=r"weight column 'region' is not numeric"):
        check({"weight": "region", "weights": "probability"}, sample)


def test_missing_strata_or_clusters_are_refused_naming_the_lines(sample):
    frame = sample.astype({"school": float})
    frame.loc[[4, 9], "school"] = np.nan
    with pytest.raises(SpecError, match=r"cluster column 'school' is missing in 2 row"):
        check({"strata": "region", "cluster": "school"}, frame)


def test_rows_without_a_target_are_not_checked(sample):
    # the models leave them out (drop_missing_target), so their design may be empty
    frame = sample.astype({"y": float, "pw": float})
    frame.loc[15, ["y", "pw"]] = np.nan
    assert check({"weight": "pw", "weights": "probability"}, frame)["weight"] == "pw"


def test_a_psu_in_two_strata_is_refused(sample):
    frame = sample.copy()
    frame.loc[[6, 7], "school"] = 1  # school 1 now in strata a and b
    # each stratum is named with the rows that put the PSU there
    with pytest.raises(
        SpecError,
        match=r"cluster 1 of column 'school' lies in strata 'a' \(lines 2, 3\), "
        r"'b' \(lines 6, 7\) of column 'region'",
    ):
        check({"strata": "region", "cluster": "school"}, frame)


def test_a_stratum_with_a_single_psu_is_refused(sample):
    frame = sample.copy()
    frame.loc[[4, 5], "school"] = 1  # stratum a: one school
    with pytest.raises(
        SpecError, match=r"stratum 'a' of column 'region' has a single cluster"
    ) as exc:
        check({"strata": "region", "cluster": "school"}, frame)
    assert "lines 2, 3, 4, 5" in str(exc.value)
    # without clusters each row is a PSU: a stratum of one row is refused too
    frame.loc[2, "region"] = "z"
    with pytest.raises(SpecError, match=r"stratum 'z' .* single row \(line 2\)"):
        check({"strata": "region"}, frame)


@pytest.mark.parametrize(
    "column, values, match",
    [
        ("schools", {4: 9}, r"takes several values in stratum 'a' of column"),
        (
            "schools",
            dict.fromkeys(range(10, 16), 2),
            r"gives 2 in stratum 'c' .* fewer than the 3 sampled clusters",
        ),
        ("schools", {2: 0, 3: 0, 4: 0, 5: 0}, r"0 or negative in 4 row"),
        ("fraction", {10: 2, 11: 2, 12: 2, 13: 2, 14: 2, 15: 2}, "mixes sampling"),
    ],
)
def test_fpc_must_be_one_count_or_fraction_per_stratum(sample, column, values, match):
    frame = sample.astype({column: float})
    for line, value in values.items():
        frame.loc[line, column] = value
    with pytest.raises(SpecError, match=match):
        check({"strata": "region", "cluster": "school", "fpc": column}, frame)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("SATq", "SATQ"), ("satq", "SATQ"), ("SATQ ", "SATQ"), ("SATW", "SATV")],
)
def test_did_you_mean_ignores_case(typed, meant):
    """A column typed in the wrong case is that column, not a near neighbour
    ("SATq" is SATQ, not SATV); "satq" was given no suggestion at all."""
    frame = pd.DataFrame({"SATV": [500.0, 600.0], "SATQ": [550.0, 650.0]})
    document = {"indices": {"SAT": ["SATV", typed]}, "model": {"target": "SATV"}}
    with pytest.raises(SpecError, match=rf"\(did you mean '{meant}'\?\)"):
        validate_document(document, frame, source="spec file 's.toml'")
