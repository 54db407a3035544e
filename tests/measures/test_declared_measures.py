"""A measure declared in the spec alone (outcome_measures), with no code and no report_text/ edit, gets a
complete report, and overclaims about it are refused in the report, the spec and `jdlspec check`.

The oracle shares no code with a declared measure's path: the declared columns are copies of the
re-offending columns under other names (a 0/1 column, a count, days with their event), so each declared
measure's figures must equal its built-in twin's (the rate, the frequency's Welch figures, the time to first
re-offence), which the seeds' golden tests pin to the published reports.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from engine.cli import app
from engine.errors import UserError
from engine.spec.loader import load_spec

ROOT = Path(__file__).resolve().parents[2]
DECLARED = """
outcome_measures:
  in_work:
    column: in_work_12m
    kind: proportion
    follow_up: one year after starting
    good: increase
    words:
      noun: employment
      people: were in work
      recognise: [employ, unemploy, in work, jobs]
  weeks_worked:
    column: weeks_worked_24m
    kind: mean
    follow_up: in the two years after starting
    good: increase
    unit: weeks
    decimals: 2
    words:
      noun: time in work
      people: weeks in work
  days_to_job:
    column: days_to_first_job
    kind: days
    event_column: found_job
    follow_up: in the first year
    good: decrease
    headline: false
    words:
      noun: time to a first job
      people: first job
measures: [rate, frequency, time_to_first_reoffence, in_work, weeks_worked, days_to_job]
"""


def declared_spec(folder: Path, extra: str = DECLARED) -> Path:
    spec = (ROOT / "specs" / "making_connections.yaml").read_text(encoding="utf-8")
    spec = spec.replace("measures: [rate, frequency, time_to_first_reoffence, custody, severity]\n", extra)
    assert "outcome_measures" in spec or extra == ""
    (folder / "mc.yaml").write_text(spec, encoding="utf-8")
    return folder / "mc.yaml"


def twin_data(work: Path) -> None:
    """The seed's data with the declared measures' columns: copies of the re-offending ones."""
    (work / "data").mkdir()
    national = pd.read_parquet(ROOT / "specs" / "data" / "national.parquet")
    national["in_work_12m"] = national["reoffended"]
    national["weeks_worked_24m"] = national["reoffences"]
    national["found_job"] = national["reoffended"]
    national["days_to_first_job"] = national["days_to_first_reoffence"]
    national.to_parquet(work / "data" / "national.parquet")
    shutil.copy(ROOT / "specs" / "data" / "making_connections_submission.csv", work / "data")


@pytest.fixture(scope="module")
def declared_run(tmp_path_factory):
    work = tmp_path_factory.mktemp("declared")
    twin_data(work)
    spec = declared_spec(work)
    done = CliRunner().invoke(app, ["run", str(spec), "--out", str(work / "report"), "--no-cache", "--quiet"])
    assert done.exit_code == 0, done.output
    return work


def results(work: Path) -> dict:
    return json.loads((work / "report" / "results.json").read_text(encoding="utf-8"))


def test_declared_measures_equal_their_built_in_twins(declared_run):
    data = results(declared_run)
    assert data["measures"] == ["rate", "frequency", "time_to_first_reoffence", "in_work", "weeks_worked",
                                "days_to_job"]
    assert set(data["outcome_measures"]) == {"in_work", "weeks_worked", "days_to_job"}
    same = ("treatment_n", "comparison_n", "treatment", "comparison", "difference", "ci_low", "ci_high", "p_value")
    for analysis in data["analyses"]:
        m = analysis["measures"]
        for declared, twin in (("in_work", "rate"), ("weeks_worked", "frequency"), ("days_to_job", "time_to_first_reoffence")):
            for key in same:
                assert m[declared][key] == m[twin][key], (declared, key)
        assert m["in_work"]["state"] == m["rate"]["state"]
        assert m["weeks_worked"]["decided_by"] is None  # a mean is decided by Welch's test (a count: the bootstrap)
        assert not m["days_to_job"]["headline"]


def test_the_report_words_them_from_the_declaration(declared_run):
    report = (declared_run / "report" / "report.md").read_text(encoding="utf-8")
    assert "Proportion of people who were in work one year after starting" in report  # the table's caption
    assert "Average weeks in work in the two years after starting (weeks per person)" in report
    assert "Average days to first job in the first year, for the people who had one" in report
    assert "The number of people who were in work one year after starting could be **lower by between" in report
    assert "The average number of weeks in work in the two years after starting could be" in report
    assert "may decrease the number of people who were in work one year after starting by between" in report
    assert "(see results in Tables 1-6)" in report


def test_the_annex_and_charts_name_them(declared_run):
    from openpyxl import load_workbook

    book = load_workbook(declared_run / "report" / "annex.xlsx", read_only=True)
    cells = {c for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row}
    assert "People who were in work one year after starting (%)" in cells
    charts = sorted(p.name for p in (declared_run / "report" / "charts").iterdir())
    assert "in_work.png" in charts and "weeks_worked.png" in charts


@pytest.mark.parametrize("text, rule", [
    ("The programme tripled the number in work.", "no-relative-effect"),
    ("The programme ended unemployment among participants.", None),
    ("This shows the scheme is effective at getting people into jobs.", None),
    ("The programme increased employment.", None),
])
def test_overclaims_about_a_declared_measure_are_refused_by_check(declared_run, tmp_path, text, rule):
    press = tmp_path / "press.md"
    press.write_text(text + "\n", encoding="utf-8")
    done = CliRunner().invoke(app, ["check", str(declared_run / "report"), str(press)])
    assert done.exit_code == 1, done.output
    assert "press.md" in done.output
    if rule:
        assert rule in done.output


def test_an_overclaim_in_the_spec_about_a_declared_measure_is_refused(declared_run, tmp_path):
    spec = (declared_run / "mc.yaml").read_text(encoding="utf-8")
    summary = "  summary: >\n"
    assert summary in spec
    spec = spec.replace(summary, summary + "    The programme ended unemployment among its participants.\n", 1)
    (tmp_path / "mc.yaml").write_text(spec, encoding="utf-8")
    shutil.copytree(declared_run / "data", tmp_path / "data")
    done = CliRunner().invoke(app, ["validate", str(tmp_path / "mc.yaml")])
    assert done.exit_code != 0, done.output
    assert "ended unemployment" in done.output


def test_a_sentence_the_results_license_passes_check(declared_run, tmp_path):
    data = results(declared_run)
    r = next(a for a in data["analyses"] if a["headline"])["measures"]["in_work"]
    near, far = round(-r["ci_high"]), round(-r["ci_low"])
    press = tmp_path / "press.md"
    press.write_text(f"This analysis provides evidence that, for every 100 participants, the Making Connections "
                     f"programme may decrease the number of people who were in work one year after starting by "
                     f"between {near} and {far} people.\n", encoding="utf-8")
    done = CliRunner().invoke(app, ["check", str(declared_run / "report"), str(press)])
    assert done.exit_code == 0, done.output


BAD = [  # (what to change, into what, the key named, its words, the line pointed at)
    ("    kind: mean\n", "    kind: average\n", "outcome_measures.weeks_worked.kind", "'average'", "kind: average"),
    ("    event_column: found_job\n", "", "outcome_measures.days_to_job.event_column",
     "event_column must name the 0/1 column", "column: days_to_first_job"),  # the mapping that lacks it
    ("      people: were in work\n", "      people: were in <b>work</b>\n", "outcome_measures.in_work.words.people",
     "may hold only letters", "people: were in <b>work</b>"),
    ("  in_work:\n", "  rate:\n", "outcome_measures.rate", "is a built-in measure", "rate:"),
    ("in_work, weeks_worked", "in_wrk, weeks_worked", "measures.3", "did you mean 'in_work'", "in_wrk"),
    ("    good: increase\n", "    good: up\n", "outcome_measures.in_work.good", "'up'", "good: up"),
    # a days measure has no over-time view of its own: the message names the proportion that has one
    ("    event_column: found_job\n", "    event_column: found_job\n    over_time: {3: days_to_first_job}\n",
     "outcome_measures.days_to_job.over_time", "declare the proportion who had it by each point", "over_time: {3:"),
]


@pytest.mark.parametrize("old, new, key, words, written", BAD)
def test_a_bad_declaration_is_refused_at_its_line(tmp_path, old, new, key, words, written):
    spec = declared_spec(tmp_path, DECLARED.replace(old, new, 1))
    lines = spec.read_text(encoding="utf-8").splitlines()
    with pytest.raises(UserError) as caught:
        load_spec(spec)
    problem = next(p for p in caught.value.problems if p.where == key)
    assert words in problem.message
    assert written in lines[problem.line - 1], problem


def test_a_declared_column_cannot_be_a_matching_variable(tmp_path):
    spec = declared_spec(tmp_path)
    text = spec.read_text(encoding="utf-8").replace("variables: [", "variables: [weeks_worked_24m, ", 1)
    spec.write_text(text, encoding="utf-8")
    with pytest.raises(UserError) as caught:
        load_spec(spec)
    assert any("weeks_worked_24m" in p.message and "outcome" in p.message for p in caught.value.problems)
