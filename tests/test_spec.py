import json

import numpy as np
import pandas as pd
import pytest

from sklearn_innov import CompositeIndex, MinMaxIndexer, read_spec
from sklearn_innov.preprocessing import (
    SpecError,
    check_spec,
    drop_missing_target,
    validate_document,
)
from sklearn_innov.preprocessing._spec import read_spec_document


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
    assert note == "target 'y' is missing in 2 of 4 rows: those rows were left out."
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
