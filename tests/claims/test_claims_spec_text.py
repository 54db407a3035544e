"""The spec's own free text: every piece is checked, at the line of the phrase, by `validate` too."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from engine.claims import check_claims, check_spec_text, spec_pieces, spec_texts
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


def test_every_piece_of_free_text_is_checked(spec_file):
    keys = [key for key, _ in spec_texts(load_spec("specs/x.yaml").spec)]
    assert keys == ["report.title", "programme.summary", "programme.response", "analyses.0.description"]


def test_breaches_point_at_the_phrase_inside_a_block(spec_file):
    with pytest.raises(UserError) as caught:
        check_spec_text(load_spec("specs/x.yaml"))
    assert [str(p) for p in caught.value.problems] == [
        'specs/x.yaml:24:10: report.title: "Proof that" is a claim of proof, which the rules forbid (rule: no-proves)',
        'specs/x.yaml:8:11: programme.summary: "proves" is a claim of proof, which the rules forbid (rule: no-proves)',
        'specs/x.yaml:14:5: programme.response: "reduces re-offending by 44%" is a relative claim, which the rules '
        "forbid (rule: no-relative-effect)",
        'specs/x.yaml:22:32: analyses.0.description: "shows that mentoring decreases" is a claim that the analysis '
        "shows an effect, which the rules forbid (rule: no-shows-that)",
    ]


def test_validate_refuses_an_overclaim_before_any_statistics(spec_file):
    result = CliRunner().invoke(app, ["validate", "specs/x.yaml", "--no-data"])
    assert result.exit_code == 1
    assert "specs/x.yaml:14:5: programme.response:" in result.output
    assert result.output.rstrip().endswith("4 problems found.")
    assert "Traceback" not in result.output


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
    assert [p.origin.split(": ")[1] for p in pieces] == ["programme.summary", "programme.response"]
    line, column = 8, 37  # the phrase itself, inside the `response: |` block
    with pytest.raises(UserError) as caught:
        check_claims(pieces, {"rate": "not_significant"}, list(loaded.spec.report.forbidden_phrases))
    assert [str(p) for p in caught.value.problems] == [
        f'specs/x.yaml:{line}:{column}: programme.response: "reduces re-offending by 44%" is a relative claim, '
        "which the rules forbid (rule: no-relative-effect)"]
    problem = caught.value.problems[0]
    assert (problem.file, problem.where) == ("specs/x.yaml", "programme.response")


def test_spec_forbidden_phrase_in_the_summary(tmp_path, monkeypatch):
    text = ONE_LINE_SPEC.replace("Mentoring for people leaving custody.", "Life-Changing mentoring.")
    loaded = load_spec(write_spec(tmp_path, monkeypatch, text))
    with pytest.raises(UserError) as caught:
        check_claims(spec_pieces(loaded)[:1], {}, list(loaded.spec.report.forbidden_phrases))
    assert [str(p) for p in caught.value.problems] == [
        'specs/x.yaml:6:12: programme.summary: "Life-Changing" is a phrase listed in report.forbidden_phrases, '
        "which the rules forbid (rule: spec-forbidden-phrase)"]
