"""`jdlspec new`: a commented spec with no borrowed identity that refuses to run until filled."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from engine import __version__
from engine.cli import app
from engine.errors import UserError
from engine.new import new_evaluation
from engine.spec.loader import load_spec
from engine.spec.schema import spec_json_schema

SPECS = Path(__file__).resolve().parents[2] / "specs"
BORROWED = re.compile(r"ministry|justice|police national|crown|petty france|gsi\.gov|statisticsauthority", re.I)
runner = CliRunner()


def test_version_prints_the_package_version():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output == f"jdlspec {__version__}\n"


def test_new_writes_a_spec_and_a_template_with_no_borrowed_identity(tmp_path):
    spec, template = new_evaluation("mentoring_2025", tmp_path)
    assert spec == tmp_path / "mentoring_2025.yaml"
    assert template == tmp_path / "data" / "mentoring_2025_submission_template.csv"
    assert not BORROWED.search(spec.read_text())
    rows = template.read_text().splitlines()
    assert rows[0] == "record_id,offender_id,forename,surname,date_of_birth,start_date,end_date"
    assert len(rows) == 2 and len(rows[1].split(",")) == 7
    assert yaml.safe_load(spec.read_text())["data"]["submission"] == "data/mentoring_2025_submission.csv"


def test_the_new_spec_is_refused_at_each_placeholder_line(tmp_path):
    spec, _ = new_evaluation("trial", tmp_path)
    lines = spec.read_text().splitlines()
    with pytest.raises(UserError) as caught:
        load_spec(spec)
    problems = caught.value.problems
    assert [p.where for p in problems] == ["programme.name", "programme.title", "programme.organisation",
                                           "programme.summary"]
    for problem in problems:
        assert problem.message.startswith(f"fill in {problem.where}")
        key = problem.where.split(".")[-1]
        assert lines[problem.line - 1].strip().startswith(f"{key}: \"FILL IN")


def test_once_filled_the_new_spec_runs_and_names_no_service(tmp_path):
    spec, _ = new_evaluation("trial", tmp_path)
    text = spec.read_text()
    text = re.sub(r'"FILL IN: [^"]*"', '"the Trial programme"', text)
    spec.write_text(text)
    shutil.copy(SPECS / "data" / "national.parquet", tmp_path / "data" / "national.parquet")
    shutil.copy(SPECS / "data" / "lpt_submission.csv", tmp_path / "data" / "trial_submission.csv")
    out = tmp_path / "report"
    result = runner.invoke(app, ["run", str(spec), "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    report = (out / "report.md").read_text()
    assert not BORROWED.search(report)
    assert "submitted for analysis." in report
    assert "could not be identified on the national re-offending data" in report
    assert report.startswith("# Re-offending analysis: the Trial programme\n")
    assert "Key finding: This analysis looked at the re-offending behaviour of 39 people" in result.output
    assert "Flow: 77 records submitted → 76 people after duplicates → 72 identified → 47 with a matching " \
           "sentence → 43 without a sexual offence → 39 matched (National analysis" in result.output


def test_new_never_overwrites(tmp_path):
    (tmp_path / "data").mkdir()
    template = tmp_path / "data" / "trial_submission_template.csv"
    template.write_text("mine\n")
    result = runner.invoke(app, ["new", "trial", "--dir", str(tmp_path)])
    assert result.exit_code == 1
    assert "trial_submission_template.csv: already exists; nothing was written" in result.output
    assert template.read_text() == "mine\n" and not (tmp_path / "trial.yaml").exists()


@pytest.mark.parametrize("name", ["../up", "a b", "", "-x"])
def test_new_refuses_names_that_are_not_plain_file_names(tmp_path, name):
    with pytest.raises(UserError):
        new_evaluation(name, tmp_path)


def _schema_keys(schema: dict, node: dict, prefix: str = "") -> set[str]:
    node = schema["$defs"][node["$ref"].split("/")[-1]] if "$ref" in node else node
    keys = set()
    for key, value in node.get("properties", {}).items():
        keys.add(prefix + key)
        inner = value.get("items", value) if value.get("type") == "array" else value
        inner = next((v for v in inner.get("anyOf", [inner]) if "$ref" in v), inner)
        if "$ref" in inner and not inner["$ref"].endswith("/Contact"):
            keys |= _schema_keys(schema, inner, prefix + key + ".")
    return keys


def test_the_new_spec_mentions_every_key_of_the_schema(tmp_path):
    spec, _ = new_evaluation("trial", tmp_path)
    written = {line.strip().lstrip("#- ").split(":")[0] for line in spec.read_text().splitlines()}
    schema = spec_json_schema()
    missing = {key for key in _schema_keys(schema, schema) if key.split(".")[-1] not in written}
    assert not missing
