"""Check that .ci/min-versions.txt pins every declared floor, exactly.

Every runtime dependency and every dependency of the [test] extra (with the
extras it pulls in, such as [distributed]) must have a ``>=`` floor in
pyproject.toml and a ``name==floor`` line in .ci/min-versions.txt, so that the
minimum-versions run of .ci/run tests the floors the package declares.
Exits non-zero, naming each mismatch.
"""

import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REQ = re.compile(r"^\s*([A-Za-z0-9_.-]+)\s*(?:\[([^\]]*)\])?\s*(.*)$")


def canonical(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def floors():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    own = canonical(project["name"])
    extras = project["optional-dependencies"]
    found, todo, seen = {}, list(project["dependencies"]), set()
    pending = ["test"]
    while pending:
        extra = pending.pop()
        if extra not in seen:
            seen.add(extra)
            todo.extend(extras[extra])
        while todo:
            name, wanted, spec = REQ.match(todo.pop()).groups()
            spec = spec.split(";")[0].strip()
            if canonical(name) == own:
                pending.extend(e.strip() for e in (wanted or "").split(","))
                continue
            floor = re.fullmatch(r">=\s*([0-9][0-9A-Za-z.]*)", spec)
            found[canonical(name)] = floor.group(1) if floor else spec
            if name == "dask" and wanted and "distributed" in wanted:
                found["distributed"] = found["dask"]
    return found


def pins():
    out = {}
    for line in (ROOT / ".ci" / "min-versions.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, _, version = line.partition("==")
            out[canonical(name)] = version.strip()
    return out


def same(floor, pin):
    def parts(version):
        numbers = [int(p) for p in version.split(".")]
        while numbers and numbers[-1] == 0:
            numbers.pop()
        return numbers

    try:
        return parts(floor) == parts(pin)
    except ValueError:
        return False


def main():
    declared, pinned = floors(), pins()
    errors = []
    for name, floor in sorted(declared.items()):
        if name not in pinned:
            errors.append(f"{name}>={floor} is declared but not pinned")
        elif not same(floor, pinned[name]):
            errors.append(f"{name}: declared {floor!r}, pinned =={pinned[name]}")
    for line in errors:
        print(f".ci/min-versions.txt: {line}", file=sys.stderr)
    if not errors:
        print(f"min-versions: {len(declared)} floors pinned exactly")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
