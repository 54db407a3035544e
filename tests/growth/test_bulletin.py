"""`jdlspec bulletin`: the quarterly publication from the two seed reports, checked by the claims engine."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

LPT_FINDING = (
    "This analysis looked at the re-offending behaviour of 39 men and youths who took part in the London Probation "
    "Trust peer mentoring programme. The overall results show that more people would need to have completed the "
    "programme and be available for analysis in order to determine the way in which the programme affects a "
    "person's re-offending behaviour, but this should not be taken to mean that the programme fails to affect it.")
MC_FINDING = (
    "This analysis looked at the re-offending behaviour of 83 adults who took part in the Making Connections "
    "programme. The overall results show that those who took part in the programme were less likely to re-offend "
    "within a one-year period and had a lower frequency of re-offences than those who did not take part. However, "
    "participants who committed a re-offence did so more quickly than non-participants.")


@pytest.fixture(scope="module")
def reports(tmp_path_factory, run_cli, copy_specs):
    root = tmp_path_factory.mktemp("bulletin")
    copy_specs(root)
    for name in ("lpt", "making_connections"):
        assert run_cli("run", root / "specs" / f"{name}.yaml", "--out", root / name, "-q").exit_code == 0
    return root / "lpt", root / "making_connections"


def copy_report(folder: Path, tmp_path: Path) -> Path:
    copy = tmp_path / folder.name
    shutil.copytree(folder, copy)
    return copy


def test_table_and_findings_say_the_real_verdicts(reports, tmp_path, run_cli):
    result = run_cli("bulletin", *reports, "--out", tmp_path / "bulletin")
    assert result.exit_code == 0, result.output
    text = (tmp_path / "bulletin" / "bulletin.md").read_text(encoding="utf-8")
    assert ("| Programme | Organisation | People analysed | Rate of re-offending | Frequency of re-offending "
            "| Time to first re-offence |") in text
    # LPT: nothing significant, too few re-offenders for the time measure (seed 000)
    assert ("| London Probation Trust's peer mentoring programme | London Probation Trust | 39 "
            "| no significant difference | no significant difference | not reported |") in text
    # Making Connections: rate and frequency lower, time to first re-offence shorter (seed 002)
    assert "| Making Connections | Making Connections | 83 | lower | lower | shorter |" in text
    assert f"### London Probation Trust's peer mentoring programme\n\n{LPT_FINDING}\n" in text
    assert f"### Making Connections\n\n{MC_FINDING}\n" in text
    html = (tmp_path / "bulletin" / "bulletin.html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "<td>lower</td>" in html and "<h2>Key findings</h2>" in html
    assert (tmp_path / "bulletin" / ".jdlspec-report").is_file()


def test_same_bytes_in_any_order_and_on_rewrite(reports, tmp_path, run_cli):
    lpt, mc = reports
    assert run_cli("bulletin", lpt, mc, "--out", tmp_path / "a").exit_code == 0
    assert run_cli("bulletin", mc, lpt, "--out", tmp_path / "b").exit_code == 0
    assert run_cli("bulletin", mc, lpt, "--out", tmp_path / "b").exit_code == 0  # replaces its own folder
    for name in ("bulletin.md", "bulletin.html"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_unlicensed_finding_fails_the_bulletin(reports, tmp_path, monkeypatch, run_cli):
    """Were the template to credit LPT with a lower rate, the claims engine refuses it against LPT's results."""
    import engine.render.view as view

    real = view.findings_summary

    def claims_too_much(results, labels):
        summary = real(results, labels)
        if results.headline.treatment_n == 39:
            summary = {**summary, "any_significant": True, "clauses": ["were less likely to re-offend within a one-year period"]}
        return summary

    monkeypatch.setattr(view, "findings_summary", claims_too_much)
    lpt, mc = reports
    result = run_cli("bulletin", lpt, mc, "--out", tmp_path / "bulletin")
    assert result.exit_code == 1
    assert "results.json:1: key finding:" in result.output
    assert "which is not significant" in result.output and "(rule: not-significant)" in result.output
    assert "nothing was written" in result.output
    assert not (tmp_path / "bulletin").exists()


def test_programme_name_that_claims_is_refused(reports, tmp_path, run_cli):
    lpt = copy_report(reports[0], tmp_path)
    data = json.loads((lpt / "results.json").read_text(encoding="utf-8"))
    data["spec"]["programme"]["name"] = "the mentoring programme, which is proven to reduce re-offending"
    del data["content_sha256"]  # edited by hand: read with a warning, and checked
    (lpt / "results.json").write_text(json.dumps(data), encoding="utf-8")
    result = run_cli("bulletin", lpt, "--out", tmp_path / "bulletin")
    assert result.exit_code == 1
    assert "has no content digest" in result.output
    assert "results.json:1: spec.programme.name:" in result.output and "(rule: no-proof)" in result.output


def test_folders_without_results_or_with_another_schema_are_refused(reports, tmp_path, run_cli):
    lpt = copy_report(reports[0], tmp_path)
    data = json.loads((lpt / "results.json").read_text(encoding="utf-8"))
    data["schema_version"] = 3
    (lpt / "results.json").write_text(json.dumps(data), encoding="utf-8")
    (tmp_path / "empty").mkdir()
    result = run_cli("bulletin", lpt, tmp_path / "empty", "--out", tmp_path / "bulletin")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert any(line.endswith("results.json: schema_version: is 3, but this jdlspec reads results of schema "
                             "version 2 only; run the evaluation again with this jdlspec") for line in lines)
    assert any(line.endswith("empty: is not a jdlspec report folder (no results.json); give a folder that "
                             "jdlspec run wrote") for line in lines)
    assert "Traceback" not in result.output


def test_bulletin_never_replaces_a_report(reports, tmp_path, run_cli):
    lpt = copy_report(reports[0], tmp_path)
    before = (lpt / "results.json").read_bytes()
    for out in (lpt, lpt / "bulletin", tmp_path):
        result = run_cli("bulletin", lpt, "--out", out)
        assert result.exit_code == 1 and "choose an --out folder outside the reports" in result.output
    assert (lpt / "results.json").read_bytes() == before


def test_one_report_is_one_evaluation_wherever_it_is_counted(reports, tmp_path, run_cli):
    from engine.commands.summary import flow_line
    from engine.results import Results

    lpt, _ = reports
    result = run_cli("bulletin", lpt, "--out", tmp_path / "one")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().endswith("(1 evaluation)")
    assert "brings together one Justice Data Lab evaluation of re-offending" in \
        (tmp_path / "one" / "bulletin.md").read_text(encoding="utf-8")
    assert run_cli("bulletin", *reports, "--out", tmp_path / "two").stdout.strip().endswith("(2 evaluations)")
    results = Results.from_json((lpt / "results.json").read_text(encoding="utf-8"))
    steps = [step.model_copy(update={"remaining": 1, "removed": 0}) for step in results.attrition]
    one = results.model_copy(update={"attrition": steps, "analyses": [a.model_copy(update={"comparison_n": 1})
                                                                        for a in results.analyses]})
    assert flow_line(one).startswith("1 record submitted → 1 person after duplicates → 1 identified")
    assert flow_line(one).endswith("comparison group of 1 record)")
