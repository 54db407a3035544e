"""The spec's own text: every field that reaches the report is checked, at the line of the sentence, by `validate` too."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from engine.claims import Licence
from engine.claims.pieces import check_pieces, check_spec_text, spec_pieces
from engine.spec.texts import spec_texts
from engine.cli import app
from engine.errors import UserError
from engine.spec.loader import load_spec

SPEC = """\
spec_version: 1
programme:
  name: the X programme
  title: X
  organisation: X Trust
  summary: >
    Mentoring for people leaving custody,
    which proves that support
    works.
  response: |
    We thank the Justice Data Lab.

    We are delighted: the programme
    reduces re-offending by 44% in our view.
data:
  reference: data/national.csv
  submission: data/x.csv
matching:
  variables: [age]
analyses:
  - name: National
    description: this analysis shows that mentoring decreases re-offending
report:
  title: Proof that mentoring works
"""


def write_spec(tmp_path, monkeypatch, text: str) -> str:
    """specs/x.yaml in a fresh working folder, so messages show the path a person would type."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "x.yaml").write_text(text, encoding="utf-8")
    return "specs/x.yaml"


@pytest.fixture
def spec_file(tmp_path, monkeypatch):
    return write_spec(tmp_path, monkeypatch, SPEC)


def test_every_field_the_report_prints_is_checked(spec_file):
    keys = [key for key, _ in spec_texts(load_spec("specs/x.yaml").spec)]
    assert keys == ["programme.name", "programme.title", "programme.organisation", "programme.participants",
                    "programme.per_hundred_noun", "programme.summary", "programme.response", "matching.variables.0",
                    "analyses.0.name", "analyses.0.description", "report.title", "service.national_data"]


def test_breaches_point_at_the_sentence_inside_a_block(spec_file):
    with pytest.raises(UserError) as caught:
        check_spec_text(load_spec("specs/x.yaml"))
    assert [(p.line, p.column, p.where, p.message.split(" (rule: ")[1]) for p in caught.value.problems] == [
        (7, 5, "programme.summary", "no-proof)"),
        (13, 5, "programme.response", "no-relative-effect)"),
        (22, 18, "analyses.0.description", "no-shows-that)"),
        (24, 10, "report.title", "no-proof)"),
    ]
    first = str(caught.value.problems[0])
    assert first.startswith('specs/x.yaml:7:5: programme.summary: "Mentoring for people leaving custody, which '
                            'proves that support works." is a claim of proof; you may say instead: ')


def test_validate_refuses_an_overclaim_before_any_statistics(spec_file):
    result = CliRunner().invoke(app, ["validate", "specs/x.yaml", "--no-data"])
    assert result.exit_code == 1
    assert "specs/x.yaml:13:5: programme.response:" in result.output
    assert result.output.rstrip().endswith("4 problems found.")
    assert "Traceback" not in result.output


@pytest.mark.parametrize(("key", "value"), [
    ("organisation", "✗ Proves it cuts re-offending by 44%"),
    ("per_hundred_noun", "✗ participants (mentoring proves it cuts re-offending by 44%)"),
    ("title", "X, which halves re-offending"),
    ("participants", "women who will never re-offend"),
])
def test_short_fields_are_checked_and_a_cross_is_no_excuse(tmp_path, monkeypatch, key, value):
    text = SPEC.replace("  organisation: X Trust\n", "  organisation: X Trust\n" if key in ("organisation", "title") else
                        f"  organisation: X Trust\n  {key}: \"{value}\"\n")
    if key in ("organisation", "title"):
        text = text.replace("  title: X\n" if key == "title" else "organisation: X Trust",
                            f'  title: "{value}"\n' if key == "title" else f'organisation: "{value}"')
    loaded = load_spec(write_spec(tmp_path, monkeypatch, text))
    with pytest.raises(UserError) as caught:
        check_spec_text(loaded)
    assert any(p.where == f"programme.{key}" and p.line == loaded.locate(f"programme.{key}")[0]
               for p in caught.value.problems)


ONE_LINE_SPEC = """\
spec_version: 1
programme:
  name: the X programme
  title: X
  organisation: X Trust
  summary: Mentoring for people leaving custody.
  response: |
    We are delighted: the programme reduces re-offending by 44% in our view.
data:
  reference: data/national.csv
  submission: data/x.csv
matching:
  variables: [age]
analyses:
  - name: National
report:
  forbidden_phrases: [life-changing]
"""


def test_a_relative_claim_in_the_spec_response_points_at_the_spec(tmp_path, monkeypatch):
    loaded = load_spec(write_spec(tmp_path, monkeypatch, ONE_LINE_SPEC))
    pieces = spec_pieces(loaded)
    assert [p.where for p in pieces if p.where.startswith("programme.")][-2:] == ["programme.summary", "programme.response"]
    line, column = 8, 5  # the sentence itself, inside the `response: |` block
    with pytest.raises(UserError) as caught:
        check_pieces(pieces, Licence.from_states({"rate": "not_significant"}), list(loaded.spec.report.forbidden_phrases))
    [problem] = caught.value.problems
    assert (problem.line, problem.column) == (line, column)
    assert str(problem).startswith(
        f'specs/x.yaml:{line}:{column}: programme.response: "We are delighted: the programme reduces re-offending '
        'by 44% in our view." is a relative claim')
    assert (problem.file, problem.where) == ("specs/x.yaml", "programme.response")


def test_spec_forbidden_phrase_in_the_summary(tmp_path, monkeypatch):
    text = ONE_LINE_SPEC.replace("Mentoring for people leaving custody.", "Life-Changing mentoring.")
    loaded = load_spec(write_spec(tmp_path, monkeypatch, text))
    with pytest.raises(UserError) as caught:
        check_spec_text(loaded)
    assert [str(p) for p in caught.value.problems] == [
        'specs/x.yaml:6:12: programme.summary: "Life-Changing" is a phrase listed in report.forbidden_phrases, '
        "which the rules forbid (rule: spec-forbidden-phrase)",
        'specs/x.yaml:8:5: programme.response: "We are delighted: the programme reduces re-offending by 44% in our '
        'view." is a relative claim (a percentage or fraction of the comparison group\'s figure); you may say instead: '
        'a sentence from the report\'s "What you can say" section for this measure (it depends on the results, which '
        'are known once the report has run) (rule: no-relative-effect)']
