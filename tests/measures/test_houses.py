"""The house a spec names (service.house) writes its report: the Employment Data Lab's headings, impact
intervals and caveat from the same results, its rules licensing what the Justice Data Lab's refuse.

The data are the seed's with declared measures copied from the re-offending columns
(test_declared_measures.twin_data), so the figures the sentences state are known from the results."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from engine.cli import app
from tests.measures.test_declared_measures import DECLARED, ROOT, declared_spec, twin_data

EDL_MEASURES = DECLARED.replace("measures: [rate, frequency, time_to_first_reoffence, in_work, weeks_worked, days_to_job]",
                                "measures: [in_work, weeks_worked, days_to_job]")
INTERVAL = ("The percentage of programme participants who were in work one year after starting was between {near} "
            "and {far} percentage points less than it would have been had they not participated in the programme.")


def run(work: Path, house: str) -> Path:
    spec = declared_spec(work, EDL_MEASURES)
    text = spec.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^  response: \|\n(?:    .*\n)+", "", text)  # its words are about re-offending
    text = text.replace("service:\n", f"service:\n  house: {house}\n", 1)
    spec.write_text(text, encoding="utf-8")
    done = CliRunner().invoke(app, ["run", str(spec), "--out", str(work / house), "--no-cache", "--quiet"])
    assert done.exit_code == 0, done.output
    return work / house


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    work = tmp_path_factory.mktemp("houses")
    twin_data(work)
    return {house: run(work, house) for house in ("employment_data_lab", "justice_data_lab")}


def headline(folder: Path) -> dict:
    data = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    return next(a for a in data["analyses"] if a["headline"])["measures"], data


def test_the_employment_data_labs_report_has_its_headings_intervals_and_caveat(reports):
    folder = reports["employment_data_lab"]
    measures, data = headline(folder)
    assert data["house"] == "employment_data_lab"
    report = (folder / "report.md").read_text(encoding="utf-8")
    r = measures["in_work"]
    assert r["state"] == "decrease"  # the copy of the rate, which the seed's participants lowered
    near, far = round(-r["ci_high"]), round(-r["ci_low"])
    assert "## Headline results\n\n### Reduced employment\n\n" + INTERVAL.format(near=near, far=far) + \
        " This result was statistically significant." in report
    assert "### Reduced time in work" in report
    assert "quasi-experimental method" in report
    assert "What you can say" not in report and "re-offend" not in report.split("## About the programme")[0]


def test_the_same_results_in_the_justice_data_labs_house_keep_its_wording(reports):
    folder = reports["justice_data_lab"]
    _, data = headline(folder)
    assert "house" not in data  # the base house: results.json as before houses existed
    report = (folder / "report.md").read_text(encoding="utf-8")
    assert "### What you can say" in report and "had they not participated" not in report


@pytest.mark.parametrize("house, refused", [("justice_data_lab", True), ("employment_data_lab", False)])
def test_check_licenses_the_interval_in_one_house_only(reports, tmp_path, house, refused):
    measures, _ = headline(reports[house])
    r = measures["in_work"]
    press = tmp_path / "press.md"
    press.write_text(INTERVAL.format(near=round(-r["ci_high"]), far=round(-r["ci_low"])) + "\n", encoding="utf-8")
    done = CliRunner().invoke(app, ["check", str(reports[house]), str(press)])
    assert done.exit_code == (1 if refused else 0), done.output
    if refused:
        assert "no-counterfactual" in done.output


def test_a_wrong_heading_is_refused_in_the_house_that_allows_headings(reports, tmp_path):
    press = tmp_path / "press.md"
    press.write_text("Increased employment\n", encoding="utf-8")  # the results say employment fell
    done = CliRunner().invoke(app, ["check", str(reports["employment_data_lab"]), str(press)])
    assert done.exit_code == 1 and "wrong-direction" in done.output, done.output


def whole(value: float) -> int:
    """Rounded half away from zero, as the report prints a whole number."""
    from decimal import ROUND_HALF_UP, Decimal

    return int(Decimal(repr(abs(value))).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def test_the_built_in_measures_are_worded_in_the_houses_pattern_too(tmp_path):
    """A re-offending evaluation in the Employment Data Lab's house: its verdict headings and its impact
    intervals for every measure, the built-in ones too (one pattern for a reader of that house's reports), with
    the figures of results.json (Welch's intervals, which agree with every verdict here)."""
    shutil.copytree(ROOT / "specs" / "data", tmp_path / "data")
    text = (ROOT / "specs" / "making_connections.yaml").read_text(encoding="utf-8")
    (tmp_path / "mc.yaml").write_text(text.replace("service:\n", "service:\n  house: employment_data_lab\n", 1),
                                      encoding="utf-8")
    done = CliRunner().invoke(app, ["run", str(tmp_path / "mc.yaml"), "--out", str(tmp_path / "out"), "-q"])
    assert done.exit_code == 0, done.output
    report = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    measures, _ = headline(tmp_path / "out")
    rate, frequency, time = (measures[m] for m in ("rate", "frequency", "time_to_first_reoffence"))
    assert all(r["state"] == "decrease" for r in (rate, frequency, time))
    assert ("### Reduced re-offending\n\nThe percentage of programme participants who committed a proven re-offence "
            f"within a one-year period was between {whole(rate['ci_high'])} and {whole(rate['ci_low'])} percentage "
            "points less than it would have been had they not participated in the programme. This result was "
            "statistically significant.") in report
    assert ("### Fewer re-offences\n\nThe number of proven re-offences per 100 programme participants within a "
            f"one-year period was between {whole(100 * frequency['ci_high'])} and {whole(100 * frequency['ci_low'])} "
            "re-offences lower than it would have been") in report
    assert ("### Shorter time to first re-offence\n\nFor participants who had a proven re-offence within a one-year "
            f"period, the average time to it was between {whole(time['ci_high'])} and {whole(time['ci_low'])} days "
            "shorter than it would have been") in report
    assert "could be lower by" not in report and "What you can say" not in report  # the base's sentences


def test_a_bulletin_is_one_houses(reports, tmp_path):
    """Reports of two houses make no bulletin: each is named with its house, and nothing is written."""
    done = CliRunner().invoke(app, ["bulletin", str(reports["employment_data_lab"]), str(reports["justice_data_lab"]),
                                    "--out", str(tmp_path / "bulletin")])
    assert done.exit_code == 1, done.output
    for house in ("employment_data_lab", "justice_data_lab"):
        assert f"{house}/results.json: house: is {house}, but the bulletin's reports are of 2 houses" in done.output
    assert not (tmp_path / "bulletin").exists()
