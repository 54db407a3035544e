"""The floors of docs/architecture.md, read from the source: every import (lazy ones inside functions
included) points to the same floor or one below, siblings on a floor do not import each other, and
no module reaches itself through its imports."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ENGINE = Path(__file__).resolve().parents[1] / "engine"

# lowest first; a name is a module or a package (its modules included)
FLOORS = [
    ["engine", "engine.errors", "engine.results", "engine.results_check", "engine.measures", "engine.houses",
     "engine.files"],
    ["engine.spec"],
    ["engine.inputs", "engine.stages", "engine.disclosure", "engine.synth"],
    ["engine.words"],
    ["engine.claims", "engine.render"],
    ["engine.report"],
    ["engine.run"],
    ["engine.commands"],
    ["engine.preview"],
    ["engine.cli", "engine.__main__"],
]


def module_name(path: Path) -> str:
    parts = path.relative_to(ENGINE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def engine_imports(path: Path, name: str) -> set[str]:
    """The engine modules one file imports, wherever the import statement is."""
    found = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            if not base.startswith("engine"):
                continue
            found.add(base)
            for alias in node.names:  # "from engine.stages import link": a module, not a name
                if (ENGINE.parent / Path(*f"{base}.{alias.name}".split("."))).with_suffix(".py").is_file():
                    found.add(f"{base}.{alias.name}")
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("engine")}
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in DYNAMIC:
            # importlib.import_module("engine.render.html") imports as surely as an import statement does
            named = node.args[0] if node.args else None
            if not (isinstance(named, ast.Constant) and isinstance(named.value, str)):
                found.add(f"<a module named at run time, line {node.lineno}>")
            elif named.value.startswith("engine"):
                found.add(named.value)
    return found


DYNAMIC = {"import_module", "__import__"}


GRAPH = {module_name(p): engine_imports(p, module_name(p)) for p in sorted(ENGINE.rglob("*.py"))}


def parents(module: str, importer: str) -> set[str]:
    """The packages Python runs first when `importer` imports `module` (engine.inputs/__init__ for
    engine.inputs.columns), except those `importer` is inside of, which are already running."""
    parts = module.split(".")
    outer = {".".join(parts[:i]) for i in range(2, len(parts))}
    return {p for p in outer if p in GRAPH and not (importer == p or importer.startswith(p + "."))}


def owner(module: str) -> tuple[int, str]:
    """(floor, the floor's entry) of a module: its longest listed prefix."""
    assert not module.startswith("<"), f"{module}: import engine modules by name, so the floors can be checked"
    best = None
    for level, names in enumerate(FLOORS):
        for entry in names:
            if (module == entry or module.startswith(entry + ".")) and (best is None or len(entry) > len(best[1])):
                best = (level, entry)
    assert best is not None, f"{module} is on no floor: add it to FLOORS and docs/architecture.md"
    return best


def is_package(entry: str) -> bool:
    return (ENGINE.parent / Path(*entry.split("."))).is_dir()


def test_every_module_is_on_a_floor():
    for module in GRAPH:
        owner(module)


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_imports_point_down_or_within_their_own_package(module):
    level, entry = owner(module)
    for imported in sorted(GRAPH[module]):
        other_level, other_entry = owner(imported)
        assert other_level <= level, f"{module} (floor {level}) imports {imported} (floor {other_level}), a floor above"
        if other_level == level and other_entry != entry and is_package(entry) and is_package(other_entry):
            pytest.fail(f"{module} imports its sibling {imported}: {entry} and {other_entry} share a floor")


def test_render_and_claims_do_not_import_each_other():
    for module, imported in GRAPH.items():
        for target in imported:
            pair = {owner(module)[1], owner(target)[1]}
            assert pair != {"engine.render", "engine.claims"}, f"{module} imports {target}"


def test_no_module_reaches_itself():
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(module, path):
        state[module] = 1
        reached = GRAPH[module] | {p for target in GRAPH[module] for p in parents(target, module)}
        for target in sorted(reached & GRAPH.keys()):
            if state.get(target) == 1:
                pytest.fail("import circle: " + " -> ".join(path[path.index(target):] + [target]))
            if target not in state:
                visit(target, path + [target])
        state[module] = 2

    for module in sorted(GRAPH):
        if module not in state:
            visit(module, [module])


def test_a_package_runs_before_its_module_is_imported_from_outside():
    assert parents("engine.inputs.columns", "engine.stages.link") == {"engine.inputs"}
    assert parents("engine.inputs.columns", "engine.inputs.values") == set()  # already running


def test_a_module_named_at_run_time_is_read_as_an_import():
    source = ENGINE.parent / ".pt-architecture-probe.py"
    try:
        source.write_text('import importlib\nimportlib.import_module("engine.render.html")\n'
                          'def later(name):\n    return __import__(name)\n', encoding="utf-8")
        found = engine_imports(source, "engine.words.probe")
    finally:
        source.unlink()
    assert found == {"engine.render.html", "<a module named at run time, line 4>"}


def test_comments_cite_sections_of_a_document_the_repository_holds():
    """"DESIGN §n" named a document outside the repository; sections are docs/architecture.md's."""
    cited = [f"{path.relative_to(ENGINE.parent).as_posix()}:{number}"
             for path in sorted(ENGINE.rglob("*.py"))
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
             if "DESIGN §" in line]
    assert cited == []
