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
from engine.commands.new import new_evaluation
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


@pytest.mark.parametrize(("typed", "hint"), [
    ('"Our mentoring scheme. FILL IN: what the programme is and who took part"', "what the programme is and who "
                                                                                 "took part"),
    ('"  fill in: what the programme is"', "what the programme is"),
    ('|\n    We mentor people on probation.\n    FILL IN: who took part', "who took part"),
])
def test_a_placeholder_written_around_is_still_refused(tmp_path, typed, hint):
    spec, _ = new_evaluation("trial", tmp_path)
    text = spec.read_text().replace('"FILL IN: what the programme is and who took part"', typed)
    spec.write_text(text)
    with pytest.raises(UserError) as caught:
        load_spec(spec)
    summary = [p for p in caught.value.problems if p.where == "programme.summary"]
    assert len(summary) == 1 and summary[0].line == 19
    assert summary[0].message == f"fill in programme.summary: {hint} (replace the 'FILL IN' placeholder)"


def test_capital_words_that_are_not_the_marker_pass():
    from engine.spec.placeholders import is_placeholder
    assert not is_placeholder("Participants fill in a weekly diary.")
    assert is_placeholder("Participants FILL IN")


@pytest.mark.parametrize(("typed", "message"), [
    ("Family Links", "a name is letters, digits, '-' and '_' only (it becomes the file name and the report "
                     "folder), e.g. family_links"),
    ("Ünïcode Trust!", "a name is letters, digits, '-' and '_' only (it becomes the file name and the report "
                       "folder), e.g. unicode_trust"),
    ("specs/Family Links", "a name, not a path: to write it in a folder, run `jdlspec new family_links --dir specs`"),
    ("my specs/trial", "a name, not a path: to write it in a folder, run `jdlspec new trial --dir 'my specs'`"),
])
def test_a_refused_name_says_what_would_work(tmp_path, typed, message):
    with pytest.raises(UserError) as caught:
        new_evaluation(typed, tmp_path)
    assert [p.message for p in caught.value.problems] == [message]
    assert not list(tmp_path.iterdir())


def test_a_name_differing_only_in_case_is_refused(tmp_path):
    new_evaluation("Trial", tmp_path)
    with pytest.raises(UserError) as caught:
        new_evaluation("trial", tmp_path)
    assert [p.message.split(",")[0] for p in caught.value.problems] == [
        "Trial.yaml already exists", "Trial_submission_template.csv already exists"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Trial.yaml", "data"]


def test_the_templates_example_row_left_in_the_submission_is_refused(tmp_path):
    spec, template = new_evaluation("trial", tmp_path)
    spec.write_text(re.sub(r'"FILL IN: [^"]*"', '"the Trial programme"', spec.read_text()))
    shutil.copy(SPECS / "data" / "national.parquet", tmp_path / "data" / "national.parquet")
    lpt = (SPECS / "data" / "lpt_submission.csv").read_text().splitlines(keepends=True)
    (tmp_path / "data" / "trial_submission.csv").write_text(template.read_text() + "".join(lpt[1:]))
    result = runner.invoke(app, ["validate", str(spec)])
    assert result.exit_code == 1
    assert "trial_submission.csv:2: row 2, column record_id: is the submission template's example row " \
           "(EX0001, Jane Example); delete it" in result.output
    (tmp_path / "data" / "trial_submission.csv").write_text("".join(lpt))
    assert runner.invoke(app, ["validate", str(spec)]).exit_code == 0
