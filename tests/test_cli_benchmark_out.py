"""``sklearn-innov benchmark``: --out checked before any fit, the folder there
after Ctrl-C as after replicate's, and --reference's help (issue 28, item 6)."""

import pytest

from sklearn_innov.cli import build_parser, main
from sklearn_innov.datasets import PAPER_SPEC
from sklearn_innov.model_selection import _benchmark, benchmark_models

SMALL = ["benchmark", "--repeats", "1", "--folds", "2", "--quiet"]


def run(argv):
    try:
        return main(argv)
    except SystemExit as exc:
        return exc.code


@pytest.fixture
def no_fits(monkeypatch):
    """Fail the test if the benchmark starts fitting."""

    def fits(*args, **kwargs):
        raise AssertionError("the benchmark started fitting")

    monkeypatch.setattr(_benchmark, "_cross_validate_models", fits)


def test_an_out_folder_that_cannot_be_made_fails_before_the_fits(
    tmp_path, capsys, no_fits
):
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder", encoding="utf-8")
    code = run([*SMALL, "--out", str(blocker / "sub")])
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith(
        f"sklearn-innov benchmark: error: --out {str(blocker / 'sub')!r}: cannot "
        "create the folder"
    )


def test_after_ctrl_c_the_out_folder_exists_and_holds_nothing(
    tmp_path, capsys, monkeypatch
):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(_benchmark, "_cross_validate_models", interrupted)
    out = tmp_path / "bench"
    assert run([*SMALL, "--out", str(out)]) == 130
    # as replicate: created before the fits (README: "created before the
    # analysis starts"), and nothing in it looks like a finished run
    assert out.is_dir()
    assert list(out.iterdir()) == []
    assert "interrupted; nothing more was written" in capsys.readouterr().err


def test_reference_help_lists_the_default_models_labels(capsys):
    mechanisms = {k: v for k, v in PAPER_SPEC.items() if k != "Y"}
    items = [i for v in mechanisms.values() for i in v]
    labels = list(benchmark_models(mechanisms, items))
    parser = build_parser()
    with pytest.raises(SystemExit):
        parser.parse_args(["benchmark", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    listed = ", ".join(repr(label) for label in labels)
    assert (
        f"--reference LABEL the model every other is tested against, one of {listed}"
        in text
    )
