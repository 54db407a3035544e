"""The real CLI on the two seed specs: golden reports, the seeds' verdicts, determinism, safe failure.

Golden files live in tests/golden/; the tests only read them. After a deliberate change to the report,
regenerate them with `python tests/regen_golden.py` and review the diff in git.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import openpyxl
import pytest
import yaml
from typer.testing import CliRunner

from engine.cli import app
from engine.results import Results

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).parent / "golden"
SEEDS = ["lpt", "making_connections"]


def run_cli(*args: str):
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """Each seed spec run twice, into two folders."""
    made = {}
    for name in SEEDS:
        folders = []
        for attempt in range(2):
            out = tmp_path_factory.mktemp(f"{name}-{attempt}")
            result = run_cli("run", str(ROOT / "specs" / f"{name}.yaml"), "--out", str(out), "--quiet")
            assert result.exit_code == 0, result.output
            folders.append(out)
        made[name] = folders
    return made


def results_of(folder: Path) -> dict:
    return json.loads((folder / "results.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", SEEDS)
def test_report_matches_the_golden_file(reports, name):
    written = (reports[name][0] / "report.md").read_text(encoding="utf-8")
    assert written == (GOLDEN / f"{name}.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", SEEDS)
def test_results_match_the_golden_figures(reports, name):
    written = results_of(reports[name][0])
    expected = json.loads((GOLDEN / f"{name}.results.json").read_text(encoding="utf-8"))
    written.pop("content_sha256"), expected.pop("content_sha256")  # follows the figures, compared within tolerance
    assert _numbers_close(written, expected)


def test_results_json_reads_back_as_the_same_results(reports):
    text = (reports["lpt"][0] / "results.json").read_text(encoding="utf-8")
    assert Results.from_json(text).to_json() == text


def _numbers_close(a, b, tolerance=1e-7) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_numbers_close(a[k], b[k], tolerance) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_numbers_close(x, y, tolerance) for x, y in zip(a, b))
    if isinstance(a, float) or isinstance(b, float):
        return abs(a - b) <= tolerance * max(1.0, abs(b))
    return a == b


def _measure(results, analysis, measure):
    return next(a for a in results["analyses"] if a["name"] == analysis)["measures"][measure]


def test_lpt_flow_groups_and_verdicts_are_the_seeds(reports):
    results = results_of(reports["lpt"][0])
    assert [(s["step"], s["remaining"]) for s in results["attrition"]] == [
        ("submitted", 77),
        ("duplicates", 76),
        ("not_identified", 72),
        ("no_matching_sentence", 47),
        ("sexual_offence", 43),
    ]
    national, regional = results["analyses"]
    assert (national["name"], national["treatment_n"], regional["treatment_n"]) == ("National", 39, 38)
    assert national["comparison_n"] >= 1000 and regional["comparison_n"] >= 1000
    rate = _measure(results, "National", "rate")
    assert (rate["treatment_n"], round(rate["treatment"], 1)) == (39, 43.6)
    assert abs(rate["comparison"] - 34.8) <= 3
    assert _measure(results, "National", "frequency")["treatment"] == pytest.approx(37 / 39)
    assert _measure(results, "Regional", "frequency")["treatment"] == pytest.approx(37 / 38)
    time = _measure(results, "National", "time_to_first_reoffence")
    assert (time["treatment_n"], time["treatment"], time["headline"]) == (17, pytest.approx(176), False)
    for analysis in ("National", "Regional"):
        for measure in ("rate", "frequency", "time_to_first_reoffence"):
            assert _measure(results, analysis, measure)["state"] == "not_significant"
    assert rate["required_treatment_n"] is not None


def test_making_connections_flow_groups_and_verdicts_are_the_seeds(reports):
    results = results_of(reports["making_connections"][0])
    assert [s["remaining"] for s in results["attrition"]] == [142, 140, 132, 88, 86]
    complex_, standard = results["analyses"]
    assert (complex_["treatment_n"], standard["treatment_n"]) == (83, 84)
    assert complex_["comparison_n"] >= 1000 and standard["comparison_n"] >= 1000
    rate = _measure(results, "Complex", "rate")
    assert rate["treatment"] == pytest.approx(100 * 13 / 83)
    assert abs(rate["comparison"] - 27.8) <= 3
    assert _measure(results, "Complex", "frequency")["treatment"] == pytest.approx(26 / 83)
    assert _measure(results, "Standard", "rate")["treatment"] == pytest.approx(100 * 13 / 84)
    time = _measure(results, "Complex", "time_to_first_reoffence")
    assert (time["treatment_n"], time["treatment"], time["headline"]) == (13, pytest.approx(75.0), True)
    assert time["extra_test"]["significant"]  # the report may say "verified using additional statistical tests"
    for measure in ("rate", "frequency", "time_to_first_reoffence"):
        assert _measure(results, "Complex", measure)["state"] == "decrease"
    assert rate["required_treatment_n"] is None


@pytest.mark.parametrize("name", SEEDS)
def test_two_runs_give_identical_files(reports, name):
    first, second = reports[name]
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    for relative in files:
        if relative.suffix == ".xlsx":
            assert _cells(first / relative) == _cells(second / relative)
        else:
            assert (first / relative).read_bytes() == (second / relative).read_bytes(), relative


def _cells(path: Path) -> dict:
    book = openpyxl.load_workbook(path)
    return {sheet.title: [[cell.value for cell in row] for row in sheet.iter_rows()] for sheet in book}


def test_no_personal_data_leaves(reports):
    submission = (ROOT / "specs" / "data" / "lpt_submission.csv").read_text(encoding="utf-8").splitlines()
    header = submission[0].split(",")
    identifying = {"record_id", "offender_id", "forename", "surname", "date_of_birth"}
    values = {
        value
        for line in submission[1:]
        for column, value in zip(header, line.split(","))
        if column in identifying and len(value) >= 4
    }
    for path in reports["lpt"][0].rglob("*"):
        if path.suffix in {".md", ".html", ".json"}:
            words = set(re.findall(r"[\w'-]+", path.read_text(encoding="utf-8")))
            assert not values & words, path


def test_a_failed_run_leaves_the_previous_report_untouched(reports, tmp_path):
    out = tmp_path / "report"
    shutil.copytree(reports["lpt"][0], out)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    spec = yaml.safe_load((ROOT / "specs" / "lpt.yaml").read_text(encoding="utf-8"))
    spec["programme"]["response"] = "We are proud that mentoring reduces re-offending by 44%."
    broken = tmp_path / "specs" / "lpt.yaml"
    broken.parent.mkdir()
    shutil.copytree(ROOT / "specs" / "data", broken.parent / "data")
    broken.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    result = CliRunner().invoke(app, ["run", str(broken), "--out", str(out), "--quiet"])
    assert result.exit_code == 1
    assert "no-relative-effect" in result.output and "Traceback" not in result.output
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_the_seeds_published_cells_stay_published(reports):
    """Disclosure control must not hide what the published seeds print: the second analysis in every
    table, its re-offender counts (17 of 38; 13 of 84) and verdicts, and LPT's needs list (35 of 39)."""
    lpt = (reports["lpt"][0] / "report.md").read_text(encoding="utf-8")
    assert re.search(r"^\| Regional \| London \| 38 \| [\d,]+ \| 17 \| [\d,]+ \|$", lpt, re.M)
    assert re.search(r"^\| Regional \| 38 \| [\d,]+ \| 44\.7 \|", lpt, re.M)
    assert re.search(r"^\| Regional \| 38 \| [\d,]+ \| 0\.97 \|", lpt, re.M)
    assert re.search(r"^\| Regional \| 17 \| [\d,]+ \| 176\.0 \|", lpt, re.M)
    assert "Information on individual risks and needs was available for 35 people" in lpt
    assert "- 74% had previously misused drugs;" in lpt
    mc = (reports["making_connections"][0] / "report.md").read_text(encoding="utf-8")
    assert re.search(r"^\| Standard \| 84 \| [\d,]+ \| 13 \| [\d,]+ \|$", mc, re.M)
    assert "**All 3 measures show significant results in both analyses**" in mc
    assert "- Both analyses provide significant evidence that **fewer participants than non-participants" in mc
    assert re.search(r"^\| Standard \| 84 \| [\d,]+ \| 15\.5 \|", mc, re.M)
    assert re.search(r"^\| Standard \| 13 \\\* \| [\d,]+ \| 75\.0 \|", mc, re.M)
    assert "As these tests were based on a small group of only 13 participants" in mc
