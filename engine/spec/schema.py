"""The spec's JSON Schema, generated from the pydantic models so it can never drift from them.

Editors (VS Code's YAML extension, via `# yaml-language-server: $schema=...`) use it to
complete keys and flag mistakes while a spec is typed. A committed copy lives at
specs/jdlspec.schema.json; a test keeps it equal to this output.
"""

from __future__ import annotations

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
        "the analyses and the measures (see DESIGN.md section 3).",
    }
