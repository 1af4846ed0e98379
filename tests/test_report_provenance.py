"""What made a report (its provenance), and its headers and numbers in words.

Oracles: hashlib on the bytes written, the modules' own ``__version__``,
the clock read around the call, JSON written by the standard library from the
published canonical form, and the DataFrames' own values formatted here.
"""

import hashlib
import json
import pickle
import platform
import re
from datetime import UTC, datetime
from pathlib import Path

import matplotlib
import narwhals
import numpy as np
import pandas as pd
import pytest
import scipy
import sklearn
import statsmodels
import tqdm

import sklearn_innov
from sklearn_innov.cli import main
from sklearn_innov.preprocessing._spec import validate_document
from sklearn_innov.report import replicate
from sklearn_innov.report._provenance import spec_digest
from sklearn_innov.summary import Block, Summary
from sklearn_innov.summary._labels import COLUMNS
from sklearn_innov.summary._summary import Column, format_cell

MROZ = pd.read_csv(Path(__file__).parent / "data" / "mroz.csv")
INDICES = {
    "schooling": ["educ", "motheduc", "fatheduc"],
    "household": ["kidslt6", "kidsge6"],
    "spouse": ["huseduc", "huswage", "hushrs"],
}
DOCUMENT = {"indices": INDICES, "model": {"outcome": "faminc", "target": "inlf"}}
FORMATS = ("text", "markdown", "html", "latex")


@pytest.fixture(scope="module")
def default_run():
    before = datetime.now(UTC).replace(microsecond=0)
    report, models = replicate(random_state=3, figures=False)
    after = datetime.now(UTC)
    return report, models, before, after


@pytest.fixture(scope="module")
def user_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("survey") / "mroz survey.csv"
    MROZ.to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def user_run(user_file):
    frame = pd.read_csv(user_file)
    return replicate(frame, DOCUMENT, figures=False, data_path=user_file)


def _plain(text):
    """A rendering with its markup and line breaks taken out, for searching."""
    text = re.sub(r"\\allowbreak\{\}|<[^>]+>", "", text)
    text = text.replace("\\_", "_").replace("&#x27;", "'")
    return " ".join(text.split())


def test_a_dependency_that_is_absent_reads_not_installed(monkeypatch):
    from importlib import metadata

    from sklearn_innov.report import _provenance

    real = metadata.version

    def version(name):
        if name == "matplotlib":
            raise metadata.PackageNotFoundError(name)
        return real(name)

    monkeypatch.setattr(_provenance.metadata, "version", version)
    assert _provenance._version("matplotlib") == "not installed"
    assert _provenance._version("numpy") == np.__version__


def test_provenance_names_versions_time_data_spec_and_seed(default_run):
    report, models, before, after = default_run
    provenance = report.provenance
    assert provenance.library == sklearn_innov.__version__
    assert provenance.python == platform.python_version()
    assert provenance.dependencies == {
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "pandas": pd.__version__,
        "scikit-learn": sklearn.__version__,
        "statsmodels": statsmodels.__version__,
        # matplotlib drew the figures (user7's report listed every package
        # but the one that drew them); tqdm and narwhals are imported too
        "matplotlib": matplotlib.__version__,
        "tqdm": tqdm.__version__,
        "narwhals": narwhals.__version__,
    }
    created = datetime.strptime(provenance.created, "%Y-%m-%dT%H:%M:%SZ")
    assert before <= created.replace(tzinfo=UTC) <= after
    assert provenance.data == (
        "the embedded synthetic survey, make_sme_survey(random_state=3)"
    )
    assert provenance.random_state == 3 and provenance.rows == 127
    assert provenance.data_sha256 is None and provenance.command is None
    # the spec: canonical JSON of the validated spec, written here from its
    # definition (sorted keys, no spaces, UTF-8)
    spec = models["analysis"]._asdict()
    canonical = json.dumps(
        spec, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    assert provenance.spec == canonical
    assert provenance.spec_sha256 == hashlib.sha256(canonical.encode()).hexdigest()
    for fmt in FORMATS:
        page = _plain(report.render(fmt, width=100))
        for value in (
            provenance.library,
            provenance.created,
            provenance.spec_sha256,
            provenance.data,
            *provenance.dependencies.values(),
        ):
            assert value in page, (fmt, value)
        # the last section of every format
        assert page.rindex("Provenance") > page.rindex("Limitations"), fmt


def test_provenance_of_a_file_is_hashlib_s_digest_of_its_bytes(user_run, user_file):
    report, _ = user_run
    provenance = report.provenance
    data = user_file.read_bytes()
    assert provenance.data_sha256 == hashlib.sha256(data).hexdigest()
    assert provenance.data_size == len(data) == user_file.stat().st_size
    assert provenance.data == "the file mroz survey.csv"
    assert provenance.rows == len(MROZ)
    for fmt in FORMATS:
        page = _plain(report.render(fmt, width=100))
        assert provenance.data_sha256 in page and "mroz survey.csv" in page, fmt
        assert f"{len(data):,} bytes" in page, fmt


def test_a_frame_from_python_is_described_and_digested_by_its_content():
    frame = MROZ.copy()
    first = replicate(frame, DOCUMENT, figures=False)[0].provenance
    assert first.data.startswith(f"a DataFrame passed in Python ({len(MROZ)} rows")
    assert first.data_size is None and len(first.data_sha256) == 64
    changed = frame.copy()
    changed.loc[0, "hours"] += 1
    second = replicate(changed, DOCUMENT, figures=False)[0].provenance
    assert second.data_sha256 != first.data_sha256
    assert second.spec_sha256 == first.spec_sha256


def test_the_spec_digest_changes_when_the_spec_does_and_only_then():
    base = validate_document(DOCUMENT, MROZ)._asdict()
    # a default written out is the same analysis: the same digest
    explicit = {
        "indices": INDICES,
        "model": {**DOCUMENT["model"], "zeros": base["model"]["zeros"]},
    }
    assert spec_digest(validate_document(explicit, MROZ)._asdict()) == spec_digest(base)
    for change in (
        {"model": {**DOCUMENT["model"], "zeros": "offset"}},
        {"model": {**DOCUMENT["model"], "cov_type": "HC3"}},
        {"indices": {**INDICES, "household": ["kidslt6"]}},
        {"labels": {"units": "women"}},
    ):
        other = validate_document({**DOCUMENT, **change}, MROZ)._asdict()
        assert spec_digest(other) != spec_digest(base), change
        expected = hashlib.sha256(
            json.dumps(
                other, sort_keys=True, separators=(",", ":"), ensure_ascii=False
            ).encode("utf-8")
        ).hexdigest()
        assert spec_digest(other) == expected


def test_the_command_line_records_the_command_and_both_files(user_file, tmp_path):
    spec = tmp_path / "mroz.json"
    spec.write_text(json.dumps(DOCUMENT), encoding="utf-8")
    out = tmp_path / "out"
    argv = ["replicate", "--data", str(user_file), "--spec", str(spec)]
    argv += ["--out", str(out), "--format", "markdown", "--random-state", "7"]
    assert main(argv) == 0
    written = json.loads((out / "provenance.json").read_text(encoding="utf-8"))
    assert written["data_sha256"] == hashlib.sha256(user_file.read_bytes()).hexdigest()
    spec_sha = hashlib.sha256(spec.read_bytes()).hexdigest()
    assert written["spec_file"] == (
        f"mroz.json, {spec.stat().st_size:,} bytes, SHA-256 {spec_sha}"
    )
    assert written["command"].startswith("sklearn-innov replicate --data ")
    assert "--random-state 7" in written["command"] and written["random_state"] == 7
    # the spec in full, and its digest that of its canonical JSON
    canonical = json.dumps(
        written["spec"], sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    assert written["spec_sha256"] == hashlib.sha256(canonical.encode()).hexdigest()
    assert written["spec"]["spec"] == INDICES
    markdown = (out / "report.md").read_text(encoding="utf-8")
    assert written["command"] in markdown and spec_sha in markdown
    assert written["spec_sha256"] in (out / "report.html").read_text(encoding="utf-8")


def test_headers_are_words_in_the_report_identifiers_in_the_data(default_run, tmp_path):
    report, models, _, _ = default_run
    composite = models["indices"]
    identifiers = ["scale_mean_if_deleted", "corrected_item_total_correlation"]
    # the results objects keep their identifiers
    assert set(identifiers) <= set(composite.item_statistics_.columns)
    assert "cronbach_alpha" in composite.reliability_.columns
    text = report.render("text", width=100)
    for identifier in [*identifiers, "cronbach_alpha", "ci_lower", "p_value"]:
        assert re.search(rf"\b{identifier}\b", text) is None, identifier
    lines = text.splitlines()
    header = lines[lines.index("Coefficients") + 2].split("  ")
    assert [cell.strip() for cell in header if cell.strip()] == [
        "Term",
        "Coefficient",
        "Std. error",
        "t",
        "p",
        "95% CI lower",
        "95% CI upper",
    ]
    for label in (
        "Scale mean if item deleted",
        "Corrected item-total correlation",
        "Cronbach's alpha",
        "Std. error",
        "95% CI lower",
        "95% CI upper",
    ):
        assert label in text, label
    # a header made of words then an identifier
    assert "without intercept std. error" in text
    # the tables written as CSV keep the identifiers
    report.write(tmp_path)
    csv = next((tmp_path / "tables").glob("*item_statistics.csv"))
    assert pd.read_csv(csv).columns.tolist()[2:] == list(
        composite.item_statistics_.columns
    )


def test_percentages_shares_and_counts_print_as_such(default_run):
    report, models, _, _ = default_run
    text = report.render("text", width=200)
    stability = models["selection_stability"]
    frequency = stability.model_frequency
    lines = text.splitlines()
    start = next(
        i for i, line in enumerate(lines) if line.startswith("Model selection")
    )
    for model, row in frequency.iterrows():
        line = next(line for line in lines[start:] if line.startswith(f"{model}  "))
        cells = line[len(model) :].split()
        # Variables, Count, Percent, Cumulative percent, Selected on all rows
        assert cells[:4] == [
            str(row["n_features"]),
            str(row["count"]),
            f"{row['percent']:.1f}%",
            f"{row['cumulative_percent']:.1f}%",
        ]
    moved = models["index_sensitivity"].summary()["share_moved"]
    start = lines.index("Rank movement by index")
    for index, share in moved.items():
        line = next(line for line in lines[start:] if line.startswith(f"{index} "))
        assert f"{100 * share:.1f}%" in line.split()
    # counts without decimals (the data frame holds them as integers)
    logit = next(s for s in report.summaries if s.title.startswith("Stepwise logit"))
    table = logit["hosmer_lemeshow_table"]
    assert table["observed_events"].dtype == np.int64
    start = lines.index("Contingency Table for Hosmer and Lemeshow Test")
    body = lines[start + 3 : start + 3 + len(table)]
    for line, (_, row) in zip(body, table.iterrows(), strict=True):
        # group, n, observed, expected, observed non-events, expected
        cells = line.split()
        assert cells[1:] == [
            str(int(row["n"])),
            str(int(row["observed_events"])),
            f"{row['expected_events']:.4f}",
            str(int(row["observed_nonevents"])),
            f"{row['expected_nonevents']:.4f}",
        ]


def test_format_cell_by_kind():
    assert format_cell(45.5, "percent") == "45.5%"
    assert format_cell(0.455, "share") == "45.5%"
    assert format_cell(-0.0125, "share") == "-1.2%"
    assert format_cell(127.0, "count") == "127"
    assert format_cell(np.int64(3), "count") == "3"
    # a weighted count is not rounded to a whole number, but to one decimal
    assert format_cell(12.5, "count") == "12.5"
    for kind in ("percent", "share", "count"):
        assert format_cell(np.nan, kind) == ""
        assert format_cell("text", kind) == "text"
    with pytest.raises(ValueError, match="kind must be one of"):
        format_cell(1.0, "ratio")


def test_headers_in_words_unless_asked_for_identifiers_kinds_always():
    table = pd.DataFrame(
        {"std_err": [0.5], "total std_err": [0.25], "percent": [45.5], "n": [10.0]},
        index=pd.Index(["a"], name="term"),
    )
    summary = Summary("S", [Block("B", table)])
    # by default (a model's own summary too) the report's words as headers
    for worded in (summary.as_text(), summary.as_text(columns=COLUMNS)):
        header, row = worded.splitlines()[-2:]
        assert header.split("  ")[0] == "Term"
        assert "Std. error" in header and "total std. error" in header
        assert "std_err" not in header
        assert row.split() == ["a", "0.5000", "0.2500", "45.5%", "10"]
    # columns={}: the identifiers as headers, but a known column's numbers
    # by their kind (a percentage with %, a count whole)
    header, row = summary.as_text(columns={}).splitlines()[-2:]
    assert "std_err" in header and "Std. error" not in header
    assert row.split() == ["a", "0.5000", "0.2500", "45.5%", "10"]
    custom = summary.as_text(columns={"percent": Column("Share", "percent")})
    assert "Share" in custom and "45.5%" in custom and "std_err" in custom
    # the table users index keeps its identifiers
    assert table.columns.tolist() == ["std_err", "total std_err", "percent", "n"]
    assert summary["B"] is table


def test_provenance_survives_a_pickle_round_trip(user_run):
    report, _ = user_run
    again = pickle.loads(pickle.dumps(report))
    assert again.provenance == report.provenance
    assert again.render("markdown") == report.render("markdown")
    # frozen: what made a report cannot be edited after the fact
    with pytest.raises(AttributeError):
        report.provenance.data_sha256 = "0" * 64
