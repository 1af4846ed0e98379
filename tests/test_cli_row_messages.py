"""Command-line errors name rows one way, the file's lines, and name the spec
key a command-line user sets (issue 28, item 6: "index 28, 29", "row 2" and
"line 7" for the lines of one file, "Set missing='nan'" for a spec key)."""

import json

import numpy as np
import pandas as pd
import pytest

from sklearn_innov.cli import main
from sklearn_innov.datasets import PAPER_SPEC, make_sme_survey
from sklearn_innov.utils._validation import format_rows


def run(argv):
    try:
        return main(argv)
    except SystemExit as exc:
        return exc.code


def _spec(path, design=None):
    lines = ["[indices]"]
    lines += [f"{name} = {json.dumps(items)}" for name, items in PAPER_SPEC.items()]
    lines += ["[model]", 'outcome = "Y"', 'target = "innovated"']
    if design:
        lines += ["[design]"] + [f'{k} = "{v}"' for k, v in design.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _error(capsys):
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    return err[0]


@pytest.mark.parametrize("command", ["replicate", "benchmark"])
def test_rows_with_no_answered_item_are_named_by_line_and_spec_key(
    tmp_path, capsys, command
):
    frame = make_sme_survey(60, random_state=1).frame
    empty = [5, 9, 30]  # positions; the header is line 1
    frame.loc[empty, PAPER_SPEC["X4"]] = np.nan
    frame.to_csv(tmp_path / "survey.csv", index=False)
    spec = _spec(tmp_path / "spec.toml")
    code = run(
        [
            command,
            "--quiet",
            "--data",
            str(tmp_path / "survey.csv"),
            "--spec",
            str(spec),
        ]
    )
    assert code == 2
    error = _error(capsys)
    assert "Index 'X4' cannot be computed for 3 rows (lines 7, 11, 32)" in error
    assert """Set missing='nan' (in a spec file: [index] missing = "nan")""" in error


def test_fpc2_errors_name_the_file_lines(tmp_path, capsys):
    frame = make_sme_survey(60, random_state=1).frame
    frame["psu"] = np.repeat(np.arange(1, 13), 5)
    frame["fpc"] = 100.0
    frame["fpc2"] = 20.0
    frame.loc[4, "fpc2"] = 0.5  # a fraction among counts: line 6
    frame.to_csv(tmp_path / "survey.csv", index=False)
    spec = _spec(
        tmp_path / "spec.toml", {"cluster": "psu", "fpc": "fpc", "fpc2": "fpc2"}
    )
    code = run(
        [
            "replicate",
            "--quiet",
            "--data",
            str(tmp_path / "survey.csv"),
            "--spec",
            str(spec),
        ]
    )
    assert code == 2
    assert "fpc2 column 'fpc2' has sampling fractions below 1 (line 6) but" in _error(
        capsys
    )


def test_a_psu_in_two_strata_names_the_file_lines(tmp_path, capsys):
    survey = make_sme_survey(random_state=3, design="stratified")
    frame = survey.frame.copy()
    stray = frame.loc[frame["stratum"] != frame.loc[5, "stratum"]].index[0]
    frame.loc[5, "psu"] = frame.loc[stray, "psu"]  # line 7 joins another stratum
    frame.to_csv(tmp_path / "survey.csv", index=False)
    spec = _spec(tmp_path / "spec.toml", {**survey.design, "weights": "probability"})
    code = run(
        [
            "replicate",
            "--quiet",
            "--data",
            str(tmp_path / "survey.csv"),
            "--spec",
            str(spec),
        ]
    )
    assert code == 2
    error = _error(capsys)
    assert "lies in strata " in error
    assert "(line 7)" in error and f"(line {stray + 2})" in error


def test_format_rows_takes_the_name_of_the_labels_index():
    index = pd.Index([4, 9, 12], name="line")
    assert format_rows(index[[0, 2]]) == "lines 4, 12"
    assert format_rows(index[[1]]) == "line 9"
    assert format_rows(pd.Index([3, 8])) == "rows 3, 8"
    assert format_rows(index, name="row") == "rows 4, 9, 12"
