"""The spec's JSON Schema, generated from the pydantic models so it can never drift from them.

Editors (VS Code's YAML extension, via `# yaml-language-server: $schema=...`) use it to
complete keys and flag mistakes while a spec is typed. A committed copy lives at
specs/jdlspec.schema.json; a test keeps it equal to this output.
"""

from __future__ import annotations

import json
from pathlib import Path

from engine.spec.models import Spec

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def spec_json_schema() -> dict:
    """The JSON Schema of a jdlspec spec file."""
    body = Spec.model_json_schema()
    return {
        "$schema": SCHEMA_DIALECT,
        **body,
        "title": "jdlspec spec",
        "description": "One re-offending impact evaluation: the programme, the data, the matching, "
        "the analyses and the measures. Every key is described in docs/spec.md.",
    }


def is_schema_file(path: Path) -> bool:
    """Did `jdlspec schema` write this file? (JSON whose title is ours: it may then be replaced.)"""
    try:
        return json.loads(path.read_text(encoding="utf-8")).get("title") == "jdlspec spec"
    except (OSError, ValueError, AttributeError):
        return False


def write_schema(out: Path, force: bool = False) -> None:
    """Write the schema to a file; any other existing file (not a jdlspec schema) only with force."""
    from engine.files import write_owned_file

    text = json.dumps(spec_json_schema(), indent=2, ensure_ascii=False) + "\n"
    write_owned_file(out, text.encode("utf-8"), is_schema_file, force, "schema file")
