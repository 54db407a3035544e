"""Cases a second, cold attack found: an outcome copied under another name, a comparison pool restricted
on an outcome, record_ids that differ only in case, and interval wording at another significance level."""

from __future__ import annotations

import csv

import pytest

from engine.words.format import interval_level
from safety_workspace import Workspace

VARIABLES = "variables: [sex, age, region, ethnicity, previous_offences]"


@pytest.fixture
def work(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return Workspace(tmp_path)


def add_reference_column(work: Workspace, name: str, source: str, recode) -> None:
    rows = list(csv.DictReader((work.root / "reference.csv").open(encoding="utf-8")))
    for row in rows:
        row[name] = recode(row[source])
    with (work.root / "reference.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


@pytest.mark.parametrize("source, recode", [
    ("reoffended", lambda v: "yes" if v == "1" else "no"),  # a recoding of the outcome
    ("reoffences", lambda v: v),  # a plain copy
    ("reoffences", lambda v: "some" if v not in ("0", "") else "none"),  # derived from the outcome
    ("days_to_first_reoffence", lambda v: "early" if v and int(v) < 90 else ("late" if v else "never")),
])
def test_a_column_that_follows_an_outcome_is_refused_as_matching_variable(work, source, recode):
    add_reference_column(work, "history_flag", source, recode)
    work.write_spec((VARIABLES, "variables: [sex, age, history_flag]"))
    errors = work.errors("run")
    assert len(errors) == 1
    assert errors[0].startswith("spec.yaml:14:25: matching.variables.2: 'history_flag' cannot be used: ")
    assert "values follow the outcome column " in errors[0]
    assert not (work.root / "out").exists()


def test_a_pool_restricted_on_an_outcome_or_its_copy_is_refused(work):
    work.write_spec(("headline: true", "headline: true\n    pool: {reoffended: [0]}"))
    assert work.errors() == ["spec.yaml:18:12: analyses.0.pool.reoffended: 'reoffended' cannot restrict the "
                             "comparison pool: it is an outcome, measured after the programme (matching on it "
                             "would hide the effect)"]
    add_reference_column(work, "flag", "reoffended", lambda v: v)
    work.write_spec(("headline: true", "headline: true\n    pool: {flag: [0]}"))
    assert "'flag' cannot be used: in the reference data its values follow the outcome column reoffended" \
        in work.errors()[0]


def test_an_ordinary_covariate_is_not_mistaken_for_an_outcome(work):
    add_reference_column(work, "band", "age", lambda v: "young" if int(v) < 30 else "older")
    work.write_spec((VARIABLES, "variables: [sex, band, previous_offences]"))
    assert work.run().exit_code == 0


def test_record_ids_that_differ_only_in_case_are_one_record_written_twice(work):
    work.submission[5]["record_id"] = work.submission[0]["record_id"].lower()
    work.write_data()
    work.write_spec()
    assert work.errors() == ['submission.csv:7: row 7, column record_id: "r001" is also the record_id of row 2, a '
                             "different record; each record needs its own (a row that is an exact copy of another is "
                             "removed as a duplicate)"]


@pytest.mark.parametrize("level, words", [(0.05, "95%"), (0.01, "99%"), (0.1, "90%"), (0.025, "97.5%"),
                                           (0.001, "99.9%")])
def test_interval_wording_follows_the_significance_level(level, words):
    assert interval_level(level) == words


def test_annex_names_the_interval_at_the_spec_level(work):
    from openpyxl import load_workbook

    work.write_spec(("measures: [rate, frequency]", "measures: [rate, frequency]\nstatistics:\n"
                                                    "  significance_level: 0.01"))
    assert work.run().exit_code == 0
    cells = {str(c.value) for sheet in load_workbook(work.root / "out" / "annex.xlsx") for row in sheet.iter_rows()
             for c in row if c.value is not None}
    assert "99% confidence interval of the difference: from" in cells
    assert not any(c.startswith("95% confidence") for c in cells)


def test_analysis_description_and_links_are_inert_in_report_md(work):
    work.write_spec(("headline: true", 'headline: true\n    description: "<svg onload=alert(1)> ![d](data:x) [c](javascript:alert(1))"'),
                    ("summary: Mentoring for adults in two regions.",
                     'summary: "Mentoring. [a](JavaScript:x) [ok](https://example.org)\\n\\n[1]: data:text/html,x"'))
    assert work.run().exit_code == 0
    report = work.report()
    assert "<svg" not in report and "&lt;svg onload=alert(1)&gt;" in report
    assert "](javascript" not in report.lower() and "\\(javascript:alert(1))" in report
    assert "\n[1]:" not in report and "[ok](https://example.org)" in report
    html = (work.root / "out" / "report.html").read_text(encoding="utf-8")
    assert "<svg" not in html and 'href="javascript' not in html.lower() and 'href="data' not in html


def test_a_name_with_angle_brackets_is_printed_not_refused(work):
    work.write_spec(("name: the Test programme", 'name: "the <18s Test programme"'))
    assert work.run().exit_code == 0
    assert "the \\<18s Test programme" in work.report()
