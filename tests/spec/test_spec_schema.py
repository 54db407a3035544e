"""The committed JSON Schema is exactly what the models generate (regenerate with `jdlspec schema --out ...`)."""

import json
from pathlib import Path

from typer.testing import CliRunner

from engine.cli import app
from engine.spec.schema import spec_json_schema

ROOT = Path(__file__).resolve().parents[2]


def test_committed_schema_matches_models():
    committed = json.loads((ROOT / "specs" / "jdlspec.schema.json").read_text(encoding="utf-8"))
    assert committed == spec_json_schema(), "run: jdlspec schema --out specs/jdlspec.schema.json"


def test_schema_describes_the_spec_keys():
    schema = spec_json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"] == "jdlspec spec"
    assert schema["required"] == ["spec_version", "programme", "data", "matching", "analyses"]
    assert schema["additionalProperties"] is False
    matching = schema["$defs"]["Matching"]["properties"]
    assert matching["caliper"]["minimum"] == 0.001
    assert matching["method"]["enum"] == ["radius", "nearest"]


def test_schema_command_prints_the_same_schema():
    result = CliRunner().invoke(app, ["schema"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == spec_json_schema()
