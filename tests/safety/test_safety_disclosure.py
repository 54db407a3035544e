"""Disclosure: a figure under the threshold is suppressed in every output, and cannot be derived
from totals or complements (engine/disclosure.py decides; results.json, report, annex, charts obey)."""

from __future__ import annotations

import json

import openpyxl
import pytest

from engine.disclosure.cells import hidden_cells


@pytest.mark.parametrize("counts, total, hidden", [
    ([26, 11, 2], 39, {1, 2}),          # one small level: the next smallest goes too ("67% Black, *, *")
    ([30, 5, 4], 39, {1, 2}),           # 4 alone would be 39 - 30 - 5
    ([20, 10, 3, 3, 3], 39, {2, 3, 4}),  # three small levels hold 9 people together: enough
    ([37, 2], 39, {0, 1}),              # "37 of 39 are men" gives the 2 women back
    ([30, 9], 39, set()),               # nothing small: nothing hidden
    ([36], 39, {0}),                    # an unlisted remainder of 3 (e.g. not recorded) is a cell too
    ([2], 2, {0}),                      # a group under the threshold shows nothing
])
def test_secondary_suppression_leaves_no_cell_derivable(counts, total, hidden):
    assert hidden_cells(counts, total, 5) == hidden
    shown = [c for i, c in enumerate(counts) if i not in hidden]
    hidden_people = total - sum(shown)
    cells = len(hidden) + (total > sum(counts))
    assert hidden_people == 0 or not shown or (cells >= 2 and hidden_people >= 5)


def test_a_small_level_is_suppressed_in_every_output(work):
    for i, person in enumerate(work.reference[:70]):  # the participants: 60 White, 8 Black, 2 Asian
        person["ethnicity"] = "White" if i < 60 else "Black" if i < 68 else "Asian"
    work.write_data()
    work.write_spec(("variables: [sex, age, region, ethnicity, previous_offences]",
                     "variables: [sex, age, region, ethnicity, previous_offences]\n  categorical: []"))
    result = work.run()
    assert result.exit_code == 0, result.output
    results = json.loads((work.root / "out" / "results.json").read_text())
    ethnicity = {s["level"]: s for s in results["profile"]["analysed"]["ethnicity"]}
    assert ethnicity["Asian"] == {"level": "Asian", "count": None, "percent": None, "suppressed": True}
    assert ethnicity["Black"] == {"level": "Black", "count": None, "percent": None, "suppressed": True}
    assert ethnicity["White"]["count"] == 60 and not ethnicity["White"]["suppressed"]
    rows = {r["level"]: r for r in results["analyses"][0]["balance"] if r["variable"] == "ethnicity"}
    for level in ("Asian", "Black"):
        assert rows[level]["treatment_mean"] is None and rows[level]["smd_percent"] is None
        assert rows[level]["suppressed"] is True
    assert results["suppress_below"] == 5
    report = work.report()
    assert "\\* Asian" in report and "\\* Black" in report and "86% White" in report.replace("86% white", "86% White")
    assert "3% Asian" not in report and "11% Black" not in report
    sheet = openpyxl.load_workbook(work.root / "out" / "annex.xlsx")["Matching quality"]
    values = {(r[0].value, r[1].value): r[2].value for r in sheet.iter_rows() if r[0].value == "Ethnicity"}
    assert values[("Ethnicity", "Asian")] == "*" and values[("Ethnicity", "Black")] == "*"


def test_a_measure_of_a_few_people_is_not_published_anywhere(work):
    for i, person in enumerate(work.reference[:70]):  # only 3 participants re-offend
        person["reoffended"] = int(i < 3)
        person["reoffences"] = int(i < 3)
        person["days_to_first_reoffence"] = 40 if i < 3 else ""
    work.write_data()
    work.write_spec(("measures: [rate, frequency]", "measures: [rate, frequency, time_to_first_reoffence]"))
    result = work.run()
    assert result.exit_code == 0, result.output
    measures = json.loads((work.root / "out" / "results.json").read_text())["analyses"][0]["measures"]
    for name in ("rate", "frequency", "time_to_first_reoffence"):
        m = measures[name]
        # a reason found before disclosure stays (time: its 3 re-offenders all took 40 days, no variance)
        assert m["suppressed"] is True and m["reported"] is False
        assert m["not_reported_reason"] in ("suppressed", "too_few_events", "no_variance")
        assert m["treatment"] is None and m["difference"] is None and m["ci_low"] is None and m["p_value"] is None
    assert measures["time_to_first_reoffence"]["treatment_n"] is None  # 3 re-offenders
    assert not (work.root / "out" / "charts").exists() or not any((work.root / "out" / "charts").iterdir())
    assert "4.3" not in work.report()  # 3 of 70 as a percent


def test_too_few_people_submitted_is_refused(work):
    work.submission = work.submission[:45]
    work.write_data()
    work.write_spec()
    assert work.errors("run") == ["spec.yaml:10:15: data.submission: the submission holds 45 individuals; an "
                                  "evaluation needs at least 60 (small_groups.min_submitted), so that no one can "
                                  "be identified from its figures"]
    work.write_spec(("measures: [rate, frequency]", "measures: [rate, frequency]\nsmall_groups:\n  min_submitted: 10"))
    assert work.errors() == ["spec.yaml:20:18: small_groups.min_submitted: must be at least 30 (you wrote 10)"]
    assert not (work.root / "out").exists()
