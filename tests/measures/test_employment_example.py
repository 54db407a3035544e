"""The employment example (specs/employment.yaml on the data `jdlspec synth --dataset employment` writes): a
report in the Employment Data Lab's structure whose planted effects are recovered within their intervals,
whose planted null is not significant, and whose impact over time is shown and called sustained only when
the results say so.

The planted effects are engine.synth.employment's own constants, on the probability scale, so the true
effect on the participants is known exactly (no simulation in the test)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from engine.cli import app
from engine.synth import EMPLOYMENT_FILE, EMPLOYMENT_SUBMISSION
from engine.synth.employment import (
    EFFECT_COURSE, EFFECT_IN_WORK, EFFECT_NEET, MONTHS, RAMP_MONTHS, effect_in_work, planted_weeks,
)

ROOT = Path(__file__).resolve().parents[2]
PLANTED = {"in_work": 100 * EFFECT_IN_WORK, "weeks_employed": planted_weeks(), "neet": 100 * EFFECT_NEET,
           "course": 100 * EFFECT_COURSE}


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    out = tmp_path_factory.mktemp("employment") / "report"
    done = CliRunner().invoke(app, ["run", str(ROOT / "specs" / "employment.yaml"), "--out", str(out), "--no-cache",
                                    "--quiet"])
    assert done.exit_code == 0, done.output
    data = json.loads((out / "results.json").read_text(encoding="utf-8"))
    return out, data, next(a for a in data["analyses"] if a["headline"])


def test_the_committed_data_are_what_synth_writes(tmp_path):
    done = CliRunner().invoke(app, ["synth", "--dataset", "employment", "--out", str(tmp_path)])
    assert done.exit_code == 0, done.output
    for name in (EMPLOYMENT_FILE, EMPLOYMENT_SUBMISSION):
        assert (tmp_path / name).read_bytes() == (ROOT / "specs" / "data" / name).read_bytes(), name


@pytest.mark.parametrize("measure", sorted(PLANTED))
def test_a_planted_effect_is_inside_its_interval_and_significant(example, measure):
    _, _, headline = example
    r = headline["measures"][measure]
    assert r["significant"] and r["ci_low"] <= PLANTED[measure] <= r["ci_high"], (measure, r["ci_low"], r["ci_high"])


def test_the_planted_null_is_not_significant(example):
    _, _, headline = example
    benefits = headline["measures"]["benefits"]
    assert not benefits["significant"] and benefits["ci_low"] < 0 < benefits["ci_high"]


def test_the_impact_over_time_covers_its_planted_path(example):
    """24 monthly 95% intervals: about one in twenty misses the truth by chance, so at most two may."""
    _, _, headline = example
    points = headline["over_time"]["in_work"]
    assert [p["months"] for p in points] == list(range(1, MONTHS + 1))
    missed = [p["months"] for p in points
              if not p["result"]["ci_low"] <= 100 * effect_in_work(p["months"]) <= p["result"]["ci_high"]]
    assert len(missed) <= 2, missed
    assert all(p["result"]["state"] == "increase" for p in points if p["months"] >= RAMP_MONTHS)


def test_the_report_has_the_employment_data_labs_structure(example):
    out, data, headline = example
    report = (out / "report.md").read_text(encoding="utf-8")
    assert data["house"] == "employment_data_lab"
    # the caveat opens the report, before its results, as the published reports have it
    assert report.index("quasi-experimental method") < report.index("## Headline results")
    sections = [line for line in report.splitlines() if line.startswith("## ")]
    assert sections[:5] == ["## Summary", "## Headline results", "## About the programme", "## Charts",
                            "## Impact over time"]
    for heading in ("### Increased employment", "### Increased time in employment", "### Reduced NEET status",
                    "### No statistically significant impact on benefit receipt", "### Sustained impact"):
        assert heading in report
    r = headline["measures"]["in_work"]
    assert (f"was between {round(r['ci_low'])} and {round(r['ci_high'])} percentage points higher than it would "
            "have been had they not participated in the programme. This result was statistically significant.") in report
    assert "from 6 to 24 months after starting" in report
    from engine.commands.summary import key_finding

    assert key_finding(report).startswith("Increased employment. The percentage of programme participants")
    assert (out / "charts" / "in_work_over_time.png").stat().st_size > 10_000
    assert report.count("\n| ") >= 24  # the over-time table's rows, among the tables


def test_sustained_is_said_only_when_every_point_from_its_start_is_significant(example):
    from engine.houses import use
    from engine.measures import declare
    from engine.render.view import over_time
    from engine.results import Results
    from engine.words.texts import labels

    out, _, _ = example
    results = Results.from_json((out / "results.json").read_text(encoding="utf-8"))
    declare(results.outcome_measures)
    use(results.house)
    assert over_time(results, labels())[0]["sustained"]
    headline = results.headline
    points = list(headline.over_time["in_work"])
    late = points[RAMP_MONTHS + 3]
    points[RAMP_MONTHS + 3] = late.model_copy(update={"result": late.result.model_copy(
        update={"significant": False, "state": "not_significant"})})
    one_missing = results.model_copy(update={"analyses": [
        a.model_copy(update={"over_time": {"in_work": points}}) if a.headline else a for a in results.analyses]})
    assert over_time(one_missing, labels())[0]["sustained"] is None
    assert not headline.over_time["in_work"][0].result.significant  # month 1: the planted effect still small


@pytest.mark.parametrize("text, refused", [
    ("The rise in employment was sustained over the two years.", False),  # every point from month 6 on
    ("The fall in NEET status was sustained over the two years.", True),  # measured at one year only
    ("Participants had lasting gains in time in employment.", True),
])
def test_check_licenses_sustained_only_where_the_time_points_show_it(example, tmp_path, text, refused):
    out, _, _ = example
    press = tmp_path / "press.md"
    press.write_text(text + "\n", encoding="utf-8")
    done = CliRunner().invoke(app, ["check", str(out), str(press)])
    assert done.exit_code == (1 if refused else 0), done.output
    if refused:
        assert "not-sustained" in done.output


def half_away(value: float, places: int) -> float:
    """Rounded as the report prints it (half away from zero), by decimal arithmetic on the JSON figure."""
    from decimal import ROUND_HALF_UP, Decimal

    return float(Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def over_time_rows(book) -> list[tuple]:
    return [row for row in book["Impact over time"].iter_rows(values_only=True) if row[0] == "National"]


def test_the_annex_gives_every_time_point_as_results_json_does(example):
    from openpyxl import load_workbook

    out, _, headline = example
    book = load_workbook(out / "annex.xlsx")
    rows, points = over_time_rows(book), headline["over_time"]["in_work"]
    assert [row[2] for row in rows] == [p["months"] for p in points] == list(range(1, MONTHS + 1))
    for row, point in zip(rows, points):
        r = point["result"]
        assert row[1] == "People who were in employment (%)"
        assert row[3:6] == (r["treatment_n"], r["comparison_n"], round(r["comparison_effective_n"]))
        assert row[6:12] == tuple(half_away(r[key], places) for key, places in (
            ("treatment", 1), ("comparison", 1), ("difference", 1), ("ci_low", 1), ("ci_high", 1), ("p_value", 2)))
        assert row[12:15] == ("Yes" if r["significant"] else "No",
                              "higher" if r["state"] == "increase" else "not significantly different", "Yes")
    # month 12 reads the headline measure's own column: the two sheets give the same figures
    twelve = next(row for row in rows if row[2] == 12)
    result = next(row for row in book["Results"].iter_rows(values_only=True)
                  if row[0] == "National" and row[1] == "People who were in employment one year after starting the "
                  "programme (%)")
    assert twelve[3:13] == result[2:12]
    assert book["Impact over time"]["C4"].value == "Months after starting the programme"


def test_a_withheld_time_point_is_withheld_in_the_annex_too(example):
    """engine.disclosure withholds a point's figures as it does a measure's: the annex shows '*', no interval."""
    from openpyxl import load_workbook
    import io

    from engine.disclosure import suppressed_measure
    from engine.houses import use
    from engine.measures import declare
    from engine.render.annex import build_annex
    from engine.results import Results

    out, _, headline = example
    results = Results.from_json((out / "results.json").read_text(encoding="utf-8"))
    declare(results.outcome_measures)
    use(results.house)
    try:
        points = list(results.headline.over_time["in_work"])
        points[0] = points[0].model_copy(update={"result": suppressed_measure("in_work", points[0].result, 10)})
        withheld = results.model_copy(update={"analyses": [
            a.model_copy(update={"over_time": {"in_work": points}}) if a.headline else a for a in results.analyses]})
        first = over_time_rows(load_workbook(io.BytesIO(build_annex(withheld))))[0]
    finally:
        declare({})
        use("justice_data_lab")
    comparison = half_away(headline["over_time"]["in_work"][0]["result"]["comparison"], 1)
    assert first[2:15] == (1, 980, 22947, first[5], "*", comparison, "*", None, None, None, "No", "not reported", "No")
    assert first[15] == "its figures would tell individual people's outcomes, so they are withheld"


JUSTICE_WORDS = ("re-offend", "offence", "sentence", "custody", "Justice")


def test_the_run_summary_speaks_the_houses_words(example):
    """What `jdlspec run` prints: the first headline result and the flow of people, in the Employment Data Lab's
    words, with the numbers of results.json."""
    from engine.commands.summary import run_summary

    out, data, headline = example
    lines = run_summary(out)
    steps = {s["step"]: s["remaining"] for s in data["attrition"]}
    assert lines[1] == (f"Flow: {steps['submitted']:,} records submitted → {steps['duplicates']:,} people after "
                        f"duplicates → {steps['not_identified']:,} found in the data → "
                        f"{steps['no_matching_sentence']:,} with a record of their participation → "
                        f"{headline['treatment_n']:,} matched (National analysis, comparison group of "
                        f"{headline['comparison_n']:,} records)")
    assert lines[0].startswith("Key finding: Increased employment. The percentage of programme participants")
    said = "\n".join(lines)
    assert not [word for word in JUSTICE_WORDS if word in said], said


def test_the_bulletin_gives_the_headline_results_as_the_report_does(example, tmp_path):
    out, _, _ = example
    done = CliRunner().invoke(app, ["bulletin", str(out), "--out", str(tmp_path / "bulletin")])
    assert done.exit_code == 0, done.output
    bulletin = (tmp_path / "bulletin" / "bulletin.md").read_text(encoding="utf-8")
    report = (out / "report.md").read_text(encoding="utf-8")
    headline = report.split("## Headline results\n\n", 1)[1].split("\n\n## ", 1)[0]
    results = [block.removeprefix("### ").split("\n\n", 1) for block in headline.split("\n\n### ")]
    assert len(results) == 5 and results[-1][0] == "Sustained impact"
    for heading, sentence in results:  # each verdict heading with its sentence, word for word
        assert f"- **{heading}.** {sentence}\n" in bulletin, heading
    assert bulletin.startswith("# Employment Data Lab: evaluations of employment programmes\n")
    row = next(line for line in bulletin.splitlines() if line.startswith("| Next Steps |"))
    assert row == ("| Next Steps | Next Steps Employment Support | 980 | no significant difference | higher | lower "
                   "| higher |")  # benefits, in work, NEET, weeks employed: the columns in name order
    assert "quasi-experimental method" in bulletin
    assert not [word for word in JUSTICE_WORDS if word in bulletin], bulletin


def test_the_annex_speaks_the_houses_words(example):
    from openpyxl import load_workbook

    out, data, _ = example
    book = load_workbook(out / "annex.xlsx")
    cells = [v for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for v in row
             if isinstance(v, str)]
    assert not [v for v in cells if any(word.lower() in v.lower() for word in (*JUSTICE_WORDS, "risks and needs"))]
    flow = {row[0]: row[1:] for row in book["Flow of people"].iter_rows(values_only=True) if row[0]}
    steps = {s["step"]: s for s in data["attrition"]}
    assert flow["No record matching the time on the programme"] == (steps["no_matching_sentence"]["removed"],
                                                                     steps["no_matching_sentence"]["remaining"])
