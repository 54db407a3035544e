"""`jdlspec diff`: what changed between two runs, from the report folders alone."""

from __future__ import annotations

import shutil

import pytest

from engine.commands.diff import sentences
from engine.results import Results

@pytest.fixture(scope="module")
def caliper_runs(tmp_path_factory, run_cli, copy_specs):
    """Making Connections at caliper 0.3, then at 1 with an edited summary sentence: the same people are
    matched (84 and 84), to a larger comparison group."""
    root = tmp_path_factory.mktemp("diff")
    copy_specs(root)
    spec = root / "specs" / "making_connections.yaml"
    edit(spec, "  caliper: 0.2", "  caliper: 0.3")
    assert run_cli("run", str(spec), "--out", str(root / "old"), "-q").exit_code == 0
    edit(spec, "  caliper: 0.3", "  caliper: 1")
    edit(spec, "offers mentoring to every woman", "offers peer mentoring to every woman")
    assert run_cli("run", str(spec), "--out", str(root / "new"), "-q").exit_code == 0
    return root / "old", root / "new"


def edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_caliper_change_is_named_with_its_effects(caliper_runs, run_cli):
    old, new = caliper_runs
    result = run_cli("diff", str(old), str(new))
    assert result.exit_code == 0
    text = result.output
    assert "- `matching.caliper`: `0.3` → `1.0`" in text
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
    """A verdict flips when the results say so (here made by editing a copy's results.json, consistently:
    its interval and p-value with it)."""
    old, _ = caliper_runs
    changed = tmp_path / "changed"
    shutil.copytree(old, changed)
    results = Results.from_json((old / "results.json").read_text(encoding="utf-8"))
    rate = results.headline.measures["rate"]
    width = rate.ci_high - rate.ci_low
    rate = rate.model_copy(update={"significant": True, "state": "increase", "ci_low": 1.0, "ci_high": 1.0 + width,
                                   "difference": 1.0 + width / 2, "treatment": rate.comparison + 1.0 + width / 2,
                                   "p_value": 0.001, "required_treatment_n": None})
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


def test_runs_a_few_people_apart_are_not_set_side_by_side(caliper_runs, tmp_path, run_cli):
    """At caliper 0.05, 81 and 82 of the 84 are matched: beside the run above, the figures would give the
    unmatched people's outcomes. `run` refuses to publish it beside that run; published apart (this test's
    own record), `diff` refuses to set the two side by side."""
    old, _ = caliper_runs
    spec = old.parent / "specs" / "making_connections.yaml"
    edit(spec, "  caliper: 1", "  caliper: 0.05")
    try:
        assert run_cli("run", str(spec), "--out", str(tmp_path / "few"), "-q").exit_code == 0
    finally:
        edit(spec, "  caliper: 0.05", "  caliper: 1")
    result = run_cli("diff", str(old), str(tmp_path / "few"))
    assert result.exit_code == 1
    [line] = [line for line in result.output.splitlines() if "differ by" in line]
    assert "the Complex analysis's treatment group is 84 people in one and 81 in the other: they differ by 3 people" \
        in line and "fewer than report.suppress_below (5)" in line
    assert "## Figures" not in result.output
