"""docs/spec.md is generated from the schema and committed: it must be current and name every key."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from engine.cli import app
from engine.spec.reference import spec_reference
from engine.spec.schema import spec_json_schema

ROOT = Path(__file__).resolve().parents[2]


def test_committed_reference_is_current():
    committed = (ROOT / "docs" / "spec.md").read_text(encoding="utf-8")
    assert committed == spec_reference(), "regenerate: jdlspec schema --markdown --out docs/spec.md"


def test_every_key_of_every_section_is_described():
    schema = spec_json_schema()
    text = spec_reference()
    for model in [schema, *schema["$defs"].values()]:
        for key, node in model.get("properties", {}).items():
            described = " ".join(node["description"].split()).replace("|", "\\|")
            assert f"{key}` | {described} |" in text, key
    assert "| `matching.caliper` | Maximum distance, in standard deviations of the logit propensity score. | " \
           "number; at least 0.001" in text
    assert "standard deviations of the logit propensity score. | number; at least 0.001; at most 10 | `0.2` |" in text \
        or "at most" not in str(schema["$defs"]["Matching"]["properties"]["caliper"])
    assert "| `programme.summary` |" in text and "| **required** |" in text
    assert "### `analyses[]`" in text and "| `analyses[].pool` |" in text


def test_readme_links_the_reference_and_the_schema_no_longer_points_to_design():
    assert "docs/spec.md" in (ROOT / "README.md").read_text(encoding="utf-8")
    assert "DESIGN" not in spec_json_schema()["description"]


def test_the_command_prints_and_refuses_to_replace_another_file(tmp_path):
    runner = CliRunner()
    assert runner.invoke(app, ["schema", "--markdown"]).output == spec_reference()
    other = tmp_path / "notes.md"
    other.write_text("mine\n")
    result = runner.invoke(app, ["schema", "--markdown", "--out", str(other)])
    assert result.exit_code == 1 and other.read_text() == "mine\n"
