"""Load a spec file: YAML with the position of every key, checked by the pydantic models.

Every mistake in the file is collected in one pass and raised together as a UserError, one
line each, pointing at the value that is wrong (or at the key, for an unknown key), so the
person editing the YAML fixes them all at once instead of one per run.
"""

from __future__ import annotations

import re
import stat
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from engine import houses
from engine.errors import Problem, UserError, display_path
from engine.measures import declare
from engine.spec import messages
from engine.spec.crosschecks import cross_checks
from engine.spec.declared import dotted
from engine.spec.loaded import LoadedSpec
from engine.spec.models import Spec
from engine.spec.placeholders import placeholder_problems

Position = tuple[int, int]
BOOL_TAG = "tag:yaml.org,2002:bool"
MERGE_MARKER = re.compile(r"^(<{7}|={7}|>{7}|\|{7})(\s|$)")
MAX_DEPTH = 20  # a spec nests four levels deep; more is a mistake or an attack
MAX_TEXT = 10_000  # characters in one text value: a long summary is ~2,000; far more only slows every stage
MAX_BYTES = 1_000_000  # a spec file is a few kilobytes
# control characters (C0 but tab, newline and carriage return; DEL; C1): never part of a spec
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class SpecYamlLoader(yaml.SafeLoader):
    """SafeLoader where only true/false are booleans: `region: [NO]` stays the text 'NO' (YAML 1.2)."""

    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != BOOL_TAG]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }


    def compose_node(self, parent, index):
        """Aliases are refused (an alias bomb expands exponentially; a recursive one never ends) and
        nesting is capped (deep nesting would exhaust the stack): a spec needs neither."""
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise yaml.composer.ComposerError(None, None, messages.ALIAS, mark)
        self.depth = getattr(self, "depth", 0) + 1
        try:
            if self.depth > MAX_DEPTH:
                raise yaml.composer.ComposerError(None, None, messages.TOO_DEEP.format(depth=MAX_DEPTH),
                                                  self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


SpecYamlLoader.add_implicit_resolver(BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


def _mark(node: Node) -> Position:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


class Tree:
    """The YAML node tree turned into plain data, remembering where each key and value was written."""

    def __init__(self, loader: yaml.SafeLoader, file: str):
        self.loader = loader
        self.file = file
        self.values: dict[str, Position] = {}
        self.keys: dict[str, Position] = {}
        self.written: dict[str, str] = {}  # a plain scalar read as a number or date: the text as written
        self.problems: list[Problem] = []

    def build(self, node: Node, path: tuple = ()) -> Any:
        if path:
            self.values[dotted(path)] = _mark(node)
        if isinstance(node, MappingNode):
            return self._mapping(node, path)
        if isinstance(node, SequenceNode):
            return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
        try:
            value = self.loader.construct_object(node, deep=True)
        except (ValueError, OverflowError):  # e.g. a date such as 2013-02-31: pass the text on, the models say what is wrong
            return node.value
        if isinstance(value, str):
            self._check_text(value, node, path)
        elif path:
            self.written[dotted(path)] = node.value  # '012345670123' is read as an octal number
        return value

    def _check_text(self, value: str, node: Node, path: tuple) -> None:
        """A control character written as an escape ("\\0", "\\e") is refused as a raw one is; so is a huge text."""
        found = CONTROL.search(value)
        if found:
            self.problems.append(Problem(self.file, *_mark(node), dotted(path),
                                         messages.CONTROL.format(code=f"U+{ord(found.group()):04X}")))
        if len(value) > MAX_TEXT:
            self.problems.append(Problem(self.file, *_mark(node), dotted(path),
                                         messages.TOO_LONG_TEXT.format(length=len(value), limit=MAX_TEXT)))

    def _mapping(self, node: MappingNode, path: tuple) -> dict:
        self.loader.flatten_mapping(node)
        out: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            raw = self.loader.construct_object(key_node) if isinstance(key_node, ScalarNode) else key_node.value
            key = str(raw)
            line, column = _mark(key_node)
            if key in first_line:
                self.problems.append(
                    Problem(self.file, line, column, dotted(path + (key,)),
                            f"duplicate key '{key}' (first at line {first_line[key]})")
                )
            else:
                first_line[key] = line
            self.keys[dotted(path + (key,))] = (line, column)
            out[key] = self.build(value_node, path + (key,))
        return out

    def where(self, path: tuple, at_key: bool = False) -> Position | tuple[None, None]:
        """Position of the key (at_key) or value at a path, else of the nearest written parent."""
        while path:
            text = dotted(path)
            found = (self.keys.get(text) if at_key else None) or self.values.get(text) or self.keys.get(text)
            if found:
                return found
            path = path[:-1]
        return (1, 1)


def _read(path: Path, shown: str) -> str:
    try:
        if path.exists() and not path.is_dir() and not stat.S_ISREG(path.stat().st_mode):
            raise UserError(Problem(shown, None, None, "", "is not a regular file (a pipe or a device); "
                                    "give a spec file"))
        if path.is_file() and path.stat().st_size > MAX_BYTES:
            raise UserError(Problem(shown, None, None, "", messages.TOO_BIG.format(size=path.stat().st_size,
                                                                                  limit=MAX_BYTES)))
        raw = path.read_bytes()
    except FileNotFoundError:
        raise UserError(Problem(shown, None, None, "", "spec file not found")) from None
    except IsADirectoryError:
        raise UserError(Problem(shown, None, None, "", "is a folder, not a spec file")) from None
    except OSError as error:
        raise UserError(Problem(shown, None, None, "", f"cannot read the spec file: {error.strerror}")) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return _fail(Problem(shown, line, None, "", "the file is not UTF-8 text; save it as UTF-8"))


def _fail(problem: Problem) -> str:
    raise UserError(problem)


def text_problems(text: str, shown: str) -> list[Problem]:
    """Tabs in indentation and merge-conflict markers, every line at once (YAML would stop at the first)."""
    problems = []
    for number, line in enumerate(text.split("\n"), start=1):
        for found in CONTROL.finditer(line):
            problems.append(Problem(shown, number, found.start() + 1, "",
                                    messages.CONTROL.format(code=f"U+{ord(found.group()):04X}")))
        if MERGE_MARKER.match(line):
            problems.append(Problem(shown, number, 1, "", messages.MERGE_MARKER))
            continue
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent:
            problems.append(Problem(shown, number, indent.index("\t") + 1, "", messages.TAB))
    return problems


def yaml_problem(error: yaml.MarkedYAMLError, shown: str, text: str = "") -> Problem:
    mark = error.problem_mark or error.context_mark
    problem = (error.problem or error.context or "not valid YAML").strip()
    indented = messages.indentation_hint(text, mark.line + 1) if mark is not None and text else None
    if indented and problem.startswith("mapping values are not allowed"):
        return Problem(shown, mark.line + 1, 1, "", f"YAML syntax error: {indented}")
    said = [problem, (error.context or "").strip()]
    hint = next((text for key, text in messages.YAML_HINTS.items() if any(s.startswith(key) for s in said)), None)
    start = error.context_mark.line + 1 if error.context_mark else "?"
    message = f"YAML syntax error: {hint.format(start=start) if hint else problem}"
    if hint is None and error.context and error.context_mark and error.context_mark.line != getattr(mark, "line", None):
        message += f" ({error.context} at line {error.context_mark.line + 1})"
    if mark is None:
        return Problem(shown, None, None, "", message)
    return Problem(shown, mark.line + 1, mark.column + 1, "", message)


def _data_path(loc: tuple, data: Any) -> tuple[tuple, list[str]]:
    """Split a pydantic error location into the path in the data and any union member tags."""
    path: list = []
    tags: list[str] = []
    for i, part in enumerate(loc):
        last = i == len(loc) - 1
        if isinstance(data, dict) and (str(part) in data or (last and isinstance(part, str))):
            path.append(str(part))
            data = data.get(str(part))
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            path.append(part)
            data = data[part]
        else:
            tags.append(str(part))
    return tuple(path), tags


def validation_problems(error: ValidationError, data: dict, tree: Tree, own: bool) -> list[Problem]:
    """Each pydantic error, once, as a located plain-English problem."""
    problems: dict[tuple, Problem] = {}
    grouped: dict[tuple, list[dict]] = {}
    for item in error.errors():
        if item["type"] == "value_error" and not item["loc"] and own:
            continue  # the headline and name checks in cross_checks already said this, better placed
        path, tags = _data_path(tuple(item["loc"]), data)
        grouped.setdefault(path, []).append({**item, "_tags": tags})
    for path, items in grouped.items():
        item = items[0]
        tags = sorted({t for i in items for t in i["_tags"][:1]}) if len(items) > 1 else []
        message = messages.translate(item, path, tags, tree.written.get(dotted(path)))
        if item["type"] == "value_error":
            first = message.split(" ", 1)[0]
            if first in messages.allowed_keys(path):
                path = path + (first,)
        if item["type"] == "missing":
            line, column = tree.where(path[:-1], at_key=True) if path[:-1] else (1, 1)
        else:
            line, column = tree.where(path, at_key=item["type"] == "extra_forbidden")
        where = dotted(path[:-1]) if item["type"] in ("missing", "extra_forbidden") else dotted(path)
        problems[path] = Problem(tree.file, line, column, where, message)
    # a mistyped required key ('folow_up') is one problem: the unknown key names the one it should be
    typos = {p[:-1] + (k,) for p, problem in problems.items() for k in _meant(problem.message)}
    return [problem for p, problem in problems.items() if not (p in typos and grouped[p][0]["type"] == "missing")]


def _meant(message: str) -> list[str]:
    """The key an unknown key's message suggests instead, if any."""
    found = re.search(r"^unknown key '[^']*'; did you mean '([^']+)'\?", message)
    return [found.group(1)] if found else []


def _in_order(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.line or 0, p.column or 0))


def load_spec(path: str | Path) -> LoadedSpec:
    """Read and check a spec file; raise a UserError listing every mistake in it."""
    path = Path(path)
    shown = display_path(path)
    text = _read(path, shown)
    problems = text_problems(text, shown)
    if problems:
        raise UserError(problems)
    loader = SpecYamlLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise UserError(Problem(shown, 1, 1, "", messages.EMPTY))
        tree = Tree(loader, shown)
        data = tree.build(node)
    except yaml.MarkedYAMLError as error:
        raise UserError(yaml_problem(error, shown, text)) from None
    except (yaml.YAMLError, RecursionError) as error:
        raise UserError(Problem(shown, None, None, "", f"YAML syntax error: {error}".splitlines()[0])) from None
    finally:
        loader.dispose()
    if data is None:
        raise UserError(Problem(shown, 1, 1, "", messages.EMPTY))
    if not isinstance(data, dict):
        raise UserError(Problem(shown, *_mark(node), "", "the spec must be a mapping of keys (spec_version, "
                                f"programme, data, matching, analyses, ...), not {messages.wrote(data)}"))
    cross = cross_checks(data, tree)
    problems = tree.problems + cross
    placeholder_problems(data, lambda at, message: problems.append(Problem(shown, *tree.where(at), dotted(at), message)))
    spec = None
    try:
        spec = Spec.model_validate(data)
    except ValidationError as error:
        problems += validation_problems(error, data, tree, own=bool(cross))
    if problems or spec is None:
        raise UserError(_in_order(problems))
    declare(spec.outcome_measures)  # what reads this spec's evaluation next knows its measures and its house
    houses.use(spec.service.house)
    return LoadedSpec(spec=spec, path=path.resolve(), positions=dict(tree.values), source=text)
