"""Every ``sklearn-innov`` command README.md shows runs, as a user types it.

The Python blocks run under Sybil (conftest.py); the shell blocks are read
here: each line that starts with ``sklearn-innov`` runs through the command's
``main`` in a fresh folder holding ``survey.csv`` (the embedded survey, as the
README's Python block exports it) and ``spec.toml`` (the README's spec), and
must exit 0 and write what its comment or options promise (the benchmark
with three of its ten models, as tests/test_cli.py's fast runs: its options
as typed, in seconds; ``test_benchmark_small_run`` fits every model). ``pip`` and
``pytest`` lines are CI's own stages (.ci/run runs the quickstart as written).
"""

import re
import shlex
from pathlib import Path

import pytest

from sklearn_innov.cli import main
from sklearn_innov.datasets import make_sme_survey
from sklearn_innov.model_selection import _benchmark

README = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")


def _commands():
    lines = []
    for block in re.findall(r"```bash\n(.*?)```", README, re.DOTALL):
        for line in block.splitlines():
            words = shlex.split(line, comments=True)
            if words and words[0] == "sklearn-innov" and words not in lines:
                lines.append(words)
    return lines


COMMANDS = _commands()
THREE = ("StepwiseLogit", "LogisticRegression[l1, raw items]", "DummyClassifier")


def test_the_readme_shows_the_commands_a_user_needs():
    shown = {" ".join(words) for words in COMMANDS}
    assert "sklearn-innov replicate --out report/" in shown
    assert "sklearn-innov replicate --data survey.csv --spec spec.toml " in (
        " ".join(s + " " for s in shown)
    )
    assert any(words[1] == "benchmark" for words in COMMANDS)


@pytest.mark.slow  # end-to-end runs of the command: 0.6-8 s each
@pytest.mark.parametrize("words", COMMANDS, ids=" ".join)
def test_each_readme_command_runs(words, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    every = _benchmark.benchmark_models

    def three(spec, items, random_state=0, index_settings=None):
        models = every(spec, items, random_state, index_settings=index_settings)
        return {label: models[label] for label in THREE}

    monkeypatch.setattr(_benchmark, "benchmark_models", three)
    make_sme_survey(random_state=0).frame.to_csv("survey.csv", index=False)
    spec = re.search(r"```toml\n(.*?)```", README, re.DOTALL).group(1)
    Path("spec.toml").write_text(spec, encoding="utf-8")
    try:
        code = main(words[1:])
    except SystemExit as exc:  # --help exits through argparse
        code = exc.code
    assert code == 0
    out = capsys.readouterr().out
    assert out.strip()
    if "--out" in words:
        folder = tmp_path / words[words.index("--out") + 1]
        assert (folder / "provenance.json").is_file()
    if "--help" in words:
        assert "usage: sklearn-innov" in out
