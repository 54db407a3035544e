"""`jdlspec diff`: what changed between two runs, from the report folders alone."""

from __future__ import annotations

import shutil

import pytest

from engine.commands.diff import sentences
from engine.results import Results

@pytest.fixture(scope="module")
def caliper_runs(tmp_path_factory, run_cli, copy_specs):
    """Making Connections at caliper 0.2, then at 0.05 with an edited summary sentence."""
    root = tmp_path_factory.mktemp("diff")
    copy_specs(root)
    spec = root / "specs" / "making_connections.yaml"
    assert run_cli("run", str(spec), "--out", str(root / "old"), "-q").exit_code == 0
    text = spec.read_text(encoding="utf-8")
    text = text.replace("  caliper: 0.2", "  caliper: 0.05").replace(
        "offers mentoring to every woman", "offers peer mentoring to every woman")
    spec.write_text(text, encoding="utf-8")
    assert run_cli("run", str(spec), "--out", str(root / "new"), "-q").exit_code == 0
    return root / "old", root / "new"


def test_caliper_change_is_named_with_its_effects(caliper_runs, run_cli):
    old, new = caliper_runs
    result = run_cli("diff", str(old), str(new))
    assert result.exit_code == 0
    text = result.output
    assert "- `matching.caliper`: `0.2` → `0.05`" in text
    before = Results.from_json((old / "results.json").read_text(encoding="utf-8"))
    after = Results.from_json((new / "results.json").read_text(encoding="utf-8"))
    a, b = before.headline, after.headline
    assert a.comparison_n != b.comparison_n
    assert f"| {a.name}: comparison records | {a.comparison_n:,} | {b.comparison_n:,} |" in text
    rate_a, rate_b = a.measures["rate"], b.measures["rate"]
    assert f"| {a.name}, rate: comparison figure | {rate_a.comparison:,.2f} | {rate_b.comparison:,.2f} |" in text
    assert "## Input files\n\nNo change." in text
    assert "- + " in text and "offers peer mentoring to every woman" in text  # the changed sentence, added
    flow = text.split("## Flow of people")[1].split("##")[0]
    assert "after duplicates" not in flow  # linking did not change


def test_same_folder_has_no_changes(caliper_runs, run_cli):
    old, _ = caliper_runs
    text = run_cli("diff", str(old), str(old)).output
    assert text.count("No change.") == 6


def test_verdict_change_is_reported(caliper_runs, tmp_path, run_cli):
    """A verdict flips when the results say so (here made by editing a copy's results.json)."""
    old, _ = caliper_runs
    changed = tmp_path / "changed"
    shutil.copytree(old, changed)
    results = Results.from_json((old / "results.json").read_text(encoding="utf-8"))
    rate = results.headline.measures["rate"].model_copy(update={"significant": True, "state": "increase"})
    headline = results.headline.model_copy(update={"measures": {**results.headline.measures, "rate": rate}})
    edited = results.model_copy(update={"analyses": [headline if a.headline else a for a in results.analyses]})
    (changed / "results.json").write_text(edited.to_json(), encoding="utf-8")
    text = run_cli("diff", str(old), str(changed)).output
    assert f"- {results.headline.name}, rate: significant decrease → significant increase" in text


def test_not_a_report_folder_is_one_line(tmp_path, run_cli):
    result = run_cli("diff", str(tmp_path), str(tmp_path))
    assert result.exit_code == 1
    assert "no results.json" in result.output


def test_sentences_split_as_read():
    assert sentences("# Title\n\nOne sentence. Another one? Yes.\n| a | b |\n") == [
        "# Title", "One sentence.", "Another one?", "Yes.", "| a | b |"]
