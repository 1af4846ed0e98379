import json

import pytest

from sklearn_innov import CompositeIndex, read_spec
from sklearn_innov.preprocessing import check_spec
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
