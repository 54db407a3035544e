"""docs/spec.md: a plain-English reference of every spec key, generated from the JSON Schema.

Generated (`jdlspec schema --markdown --out docs/spec.md`), never written by hand, so it cannot
drift from the models: a test keeps the committed file equal to this output.
"""

from __future__ import annotations

import json
from pathlib import Path

from engine.spec.schema import spec_json_schema

INTRO = """# The spec: every key

An evaluation is one YAML file. `jdlspec new NAME` writes one with every key commented; this page
describes each key, its default and the values it takes. Keys without a default must be written.
Generated from the models by `jdlspec schema --markdown --out docs/spec.md`: do not edit by hand.
"""
KINDS = {"string": "text", "integer": "whole number", "number": "number", "boolean": "true or false",
         "array": "list", "object": "mapping", "null": "nothing"}


def _resolve(schema: dict, node: dict) -> dict:
    return schema["$defs"][node["$ref"].split("/")[-1]] if "$ref" in node else node


def _model(schema: dict, node: dict) -> dict | None:
    """The nested model of a key (itself, a list's items or an optional's branch), if any."""
    for candidate in (node, node.get("items", {}), *node.get("anyOf", [])):
        if "$ref" in candidate:
            return _resolve(schema, candidate)
    return None


def _kind(schema: dict, node: dict) -> str:
    if "anyOf" in node:
        return " or ".join(dict.fromkeys(_kind(schema, n) for n in node["anyOf"] if n.get("type") != "null"))
    if "enum" in node or "const" in node:
        return "one of " + ", ".join(f"`{v}`" for v in node.get("enum", [node.get("const")]))
    if "$ref" in node:
        return "section"
    kind = KINDS.get(node.get("type", ""), node.get("type", "value"))
    if node.get("type") == "array" and "items" in node:
        inner = node["items"]
        return ("list of sections" if "$ref" in inner else f"list; each {_kind(schema, inner)}")
    if node.get("format") == "date":
        return "date (YYYY-MM-DD)"
    return kind


def _limits(node: dict) -> str:
    words = {"minimum": "at least", "exclusiveMinimum": "more than", "maximum": "at most",
             "exclusiveMaximum": "less than", "minItems": "at least {} item(s)"}
    parts = []
    for key, word in words.items():
        if key in node:
            parts.append(word.format(node[key]) if "{}" in word else f"{word} {node[key]}")
    return "; ".join(parts)


def _default(node: dict, required: bool) -> str:
    if required:
        return "**required**"
    if "default" not in node:
        return "see below"
    value = node["default"]
    return "none" if value is None else f"`{json.dumps(value, ensure_ascii=False)}`"


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _section(schema: dict, model: dict, path: str, out: list[str]) -> None:
    rows, nested = [], []
    required = set(model.get("required", []))
    for key, node in model.get("properties", {}).items():
        full = f"{path}.{key}" if path else key
        kind, limits = _kind(schema, node), _limits(node)
        rows.append(f"| `{full}` | {_cell(node.get('description', ''))} | {_cell(kind)}"
                    f"{'; ' + limits if limits else ''} | {_default(node, key in required)} |")
        inner = _model(schema, node)
        if inner is not None and inner.get("properties"):
            nested.append((full + ("[]" if node.get("type") == "array" else ""), inner))
    out += ["| key | what it is | value | default |", "|---|---|---|---|", *rows, ""]
    for full, inner in nested:
        out += [f"### `{full}`", ""]
        if inner.get("description"):
            out += [_cell(inner["description"]), ""]
        _section(schema, inner, full, out)


def spec_reference() -> str:
    """The whole reference as Markdown."""
    schema = spec_json_schema()
    out = [INTRO, "## Top-level keys", ""]
    _section(schema, schema, "", out)
    return "\n".join(out).rstrip() + "\n"


def write_reference(path: Path, force: bool = False) -> None:
    """Write the reference; a file that is not one (by its first line) is replaced only with force."""
    from engine.files import write_owned_file

    def is_reference(existing: Path) -> bool:
        return existing.read_text(encoding="utf-8", errors="replace").startswith(INTRO.splitlines()[0])

    write_owned_file(Path(path), spec_reference().encode("utf-8"), is_reference, force, "spec reference")
