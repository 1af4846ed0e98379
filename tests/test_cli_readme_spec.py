"""README's spec example shows every ``[design]`` key a user can set, as
docs/user_guide/your_own_survey.rst does (issue 28, item 6: fpc2 was
missing from README)."""

import re
import tomllib
from pathlib import Path

from sklearn_innov.preprocessing._spec import DESIGN_COLUMN_KEYS

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_design_example_names_every_design_key():
    spec = re.search(r"```toml\n(.*?)```", README.read_text("utf-8"), re.DOTALL)
    lines = spec.group(1).splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("# [design]"))
    block = []
    for line in lines[start + 1 :]:
        if not line.startswith("#"):
            break
        block.append(line)
    # the commented keys, uncommented, as a user would: one TOML table
    text = "\n".join(
        part.strip()
        for line in block
        for part in line.lstrip("# ").split("   # ")
        if "=" in part.split("#")[0]
    )
    design = tomllib.loads(text)
    assert set(design) == {*DESIGN_COLUMN_KEYS, "weights"}
