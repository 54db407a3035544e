"""pyproject.toml says what the code uses: a runtime dependency for each library engine/ imports and
none it does not, and the test extra for what tests/ imports beyond them."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def normalised(requirement: str) -> str:
    return re.sub(r"[-_.]+", "-", re.match(r"[A-Za-z0-9._-]+", requirement).group(0)).lower()


def imported_distributions(folder: Path) -> dict[str, set[str]]:
    """The installed distributions whose modules the folder's files import (anywhere in a file), with where."""
    local = {p.stem for p in folder.rglob("*.py")} | {"engine", "tests"}
    owners = packages_distributions()
    found: dict[str, set[str]] = {}
    for path in sorted(folder.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules = [alias.name.split(".")[0] for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level:
                modules = [(node.module or "").split(".")[0]]
            else:
                continue
            for module in modules:
                if module in sys.stdlib_module_names or module in local:
                    continue
                assert module in owners, f"{path}: {module} is not installed from any distribution"
                for distribution in owners[module]:
                    found.setdefault(normalised(distribution), set()).add(path.relative_to(ROOT).as_posix())
    return found


def test_each_runtime_dependency_is_what_engine_imports():
    declared = {normalised(r) for r in PROJECT["dependencies"]}
    optional = {normalised(r) for r in PROJECT["optional-dependencies"]["distributed"]} | {"distributed"}
    used = imported_distributions(ROOT / "engine")
    assert sorted(set(used) - declared - optional) == [], "imported by engine/ but not declared"
    assert sorted(declared - set(used)) == [], "declared but never imported by engine/"


def test_what_tests_import_is_declared():
    declared = {normalised(r) for extra in PROJECT["optional-dependencies"].values() for r in extra}
    declared |= {normalised(r) for r in PROJECT["dependencies"]} | {"distributed"}
    missing = {name: sorted(where)[:3] for name, where in imported_distributions(ROOT / "tests").items()
               if name not in declared}
    assert missing == {}, "imported by tests/ but in no extra"
