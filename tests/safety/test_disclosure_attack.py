"""Cold attacks on disclosure control: each test tries to get a suppressed count back from the
published outputs (results.json, report, annex, charts, diff, bulletin) and asserts it cannot."""

from __future__ import annotations

import datetime as dt
import json

import openpyxl
import pytest

from engine.disclosure.subtraction import before_counter, before_hidden
from engine.results import AnalysisResult, BalanceRow, GroupProfile, Share


@pytest.mark.parametrize("date, message", [
    ("9999-01-01", "spec.yaml:20:14: report.published: must be at most 2099-12-31 (you wrote 9999-01-01)"),
    ("1066-10-14", "spec.yaml:20:14: report.published: must be at least 2000-01-01 (you wrote 1066-10-14)"),
])
def test_a_publication_date_out_of_range_is_one_clear_line(work, date, message):
    work.write_spec(("published: 2013-02-01", f"published: {date}"))
    assert work.errors() == [message]


def results(work, folder: str = "out") -> dict:
    return json.loads((work.root / folder / "results.json").read_text(encoding="utf-8"))


def sheet_rows(work, name: str) -> list[tuple]:
    book = openpyxl.load_workbook(work.root / "out" / "annex.xlsx")
    return [tuple(cell.value for cell in row) for row in book[name].iter_rows()]


def unsuppressed(work, *edits) -> dict:
    """The same evaluation with suppression off: what an attacker is trying to get back."""
    work.write_spec(*edits, name="open.yaml")
    return work.unsuppressed("open.yaml")


def test_no_verdict_or_before_matching_difference_beside_a_suppressed_mean(work):
    """The annex printed 'well matched' beside '*': with the comparison mean that narrows 2 of 70 to 2-4."""
    for i, person in enumerate(work.reference[:70]):  # the participants: 60 White, 8 Black, 2 Asian
        person["ethnicity"] = "White" if i < 60 else "Black" if i < 68 else "Asian"
    work.write_data()
    order = ["well", "reasonably", "poorly"]
    worst = max((r["quality"] for r in unsuppressed(work)["analyses"][0]["balance"] if r["variable"] == "ethnicity"),
                key=order.index)
    work.write_spec()
    assert work.run().exit_code == 0
    rows = {r["level"]: r for r in results(work)["analyses"][0]["balance"] if r["variable"] == "ethnicity"}
    assert rows["Asian"]["quality"] is None and rows["Asian"]["smd_percent_before"] is None
    assert rows["Asian"]["comparison_mean"] is None  # matched, the comparison's share is the participants'
    assert results(work)["analyses"][0]["verdicts"]["ethnicity"] == worst  # the report's verdict counts hidden rows
    annex = {r[1]: r for r in sheet_rows(work, "Matching quality") if r[0] == "Ethnicity"}
    assert annex["Asian"][2:3] + annex["Asian"][4:] == ("*",) * 7  # means, differences, verdict, both conventions


def test_time_to_reoffence_does_not_give_back_a_rate_suppressed_by_its_complement(work):
    """67 of 70 re-offend: the rate is suppressed (3 did not), but time to re-offence printed n = 67."""
    for i, person in enumerate(work.reference[:70]):
        person["reoffended"] = int(i < 67)
        person["reoffences"] = int(i < 67)
        person["days_to_first_reoffence"] = 40 + i if i < 67 else ""
    work.write_data()
    work.write_spec(("measures: [rate, frequency]", "measures: [rate, frequency, time_to_first_reoffence]"))
    assert work.run().exit_code == 0
    time = results(work)["analyses"][0]["measures"]["time_to_first_reoffence"]
    assert time["treatment_n"] is None and time["treatment"] is None and time["suppressed"] is True
    assert not (work.root / "out" / "charts" / "time_to_first_reoffence.png").exists()
    rows = [r for r in sheet_rows(work, "Results") if r[1] and str(r[1]).startswith("Average time")]
    assert rows[0][2] == "*" and rows[0][5] == "*"
    assert "67" not in work.report() and "96%" not in work.report()


def scotland(work):
    """Two participants with 60 previous offences: only the National pool has anyone like them, so the
    National analysis leaves 1 participant unmatched and the Regional one (London and Wales) leaves 2."""
    for i in (0, 1):
        work.reference[i]["previous_offences"] = 60
    for i in range(200, 206):
        work.reference[i].update(previous_offences=60, region="North West")
    work.write_data()
    return ("    headline: true\n", "    headline: true\n  - name: Regional\n    pool: {region: [London, Wales]}\n"
            "    variables: [sex, age, ethnicity, previous_offences]\n")


def test_the_unmatched_cannot_be_recovered_from_differences_before_matching(work):
    edit = scotland(work)
    raw = unsuppressed(work, edit)["analyses"][0]
    assert (raw["treatment_n"], raw["unmatched_n"]) == (69, 1)
    rows = {r["level"]: r for r in raw["balance"] if r["variable"] == "ethnicity"}
    before = before_counter(AnalysisResult.model_validate(raw))
    # the attack works on the open figures: 15 Black of 70 before matching, 14 of 69 after: the unmatched one is Black
    assert before(BalanceRow.model_validate(rows["Black"]), 70) == 15 and round(rows["Black"]["treatment_mean"] * 69) == 14
    work.write_spec(edit)
    assert work.run().exit_code == 0
    for analysis in results(work)["analyses"]:
        assert all(r["smd_percent_before"] is None for r in analysis["balance"])
    assert {r[5] for r in sheet_rows(work, "Matching quality") if r[0] == "Ethnicity"} == {"*"}


def test_a_second_analysis_a_few_people_smaller_does_not_describe_the_people_between(work):
    """National 69, Regional 68: subtracting Regional's balance from National's described the one person
    between them (not Black: 14 of 69, 14 of 68). Their outcome stays told, as the published seeds
    print both analyses' re-offending (LPT 39 and 38, MC 83 and 84); who they are does not."""
    edit = scotland(work)
    national, regional = unsuppressed(work, edit)["analyses"]
    assert (national["treatment_n"], regional["treatment_n"]) == (69, 68)
    black = [round(next(r["treatment_mean"] for r in a["balance"] if r["level"] == "Black") * a["treatment_n"])
             for a in (national, regional)]
    assert black == [14, 14]
    work.write_spec(edit)
    assert work.run().exit_code == 0
    national, regional = results(work)["analyses"]
    assert all(r["treatment_mean"] is None and r["comparison_mean"] is None for r in regional["balance"])
    assert {r[2] for r in sheet_rows(work, "Matching quality")[-len(regional["balance"]):]} == {"*"}
    assert regional["measures"]["rate"]["treatment"] == pytest.approx(100 * 23 / 68)  # as the seeds print
    assert any(r["treatment_mean"] is not None for r in national["balance"])


def test_a_need_few_people_have_is_hidden_in_the_profile_and_the_balance_alike(work):
    """3 of 70 have no need recorded (published, as the seeds print 35 of 39 assessed); 2 of the 67 have
    the need: hidden in the profile, and in the balance (mean 2/67, and the matched comparison's mean)."""
    for i, person in enumerate(work.reference[:70]):
        person["need_drugs"] = "" if i < 3 else int(i < 5)
    work.write_data()
    edit = ("previous_offences]", "previous_offences, need_drugs]")
    raw = unsuppressed(work, edit)
    assert raw["profile"]["analysed"]["needs"][0]["count"] == 2
    work.write_spec(edit)
    assert work.run().exit_code == 0
    published = results(work)
    analysed = published["profile"]["analysed"]
    assert analysed["needs_assessed_n"] == 67 and analysed["needs"][0]["suppressed"]
    own = next(r for r in published["analyses"][0]["balance"] if r["variable"] == "need_drugs" and r["level"] is None)
    assert own["treatment_mean"] is None and own["comparison_mean"] is None and own["suppressed"]
    assert "- 3% " not in work.report()  # 2 of 67


def test_a_number_the_participants_hold_two_values_of_does_not_count_them(work):
    """A cohort year of 2012 and 2013 (LPT: mean 2012.897 of 39 gave the 4 of 2012 the profile hid):
    here previous offences of 2 or 7, 3 participants with 7: the mean 2.214 of 70 gives the 3 back."""
    for i, person in enumerate(work.reference[:70]):
        person["previous_offences"] = 7 if i < 3 else 2
    work.write_data()
    raw = [r for r in unsuppressed(work)["analyses"][0]["balance"] if r["variable"] == "previous_offences"][0]
    assert round((raw["treatment_mean"] - 2) / 5 * 70) == 3
    work.write_spec()
    assert work.run().exit_code == 0
    row = [r for r in results(work)["analyses"][0]["balance"] if r["variable"] == "previous_offences"][0]
    assert row["treatment_mean"] is None and row["suppressed"] is True and "two_values" not in row
    assert "2.21" not in json.dumps(results(work))


def test_warnings_in_results_json_quote_no_date_of_birth(work):
    """Slashed dates of birth that could be day/month or month/day: the warning quoted three of them."""
    for i, (person, row) in enumerate(zip(work.reference, work.submission)):
        born = dt.date.fromisoformat(row["date_of_birth"]).replace(day=1 + i % 12)
        person["date_of_birth"], row["date_of_birth"] = born.isoformat(), born.strftime("%d/%m/%Y")
    work.write_data()
    work.write_spec()
    assert work.run().exit_code == 0
    text = (work.root / "out" / "results.json").read_text(encoding="utf-8")
    assert results(work)["warnings"] == [
        "submission.csv: column date_of_birth: all 70 slashed dates (row 2, row 3, row 4 and 67 more) could be "
        "day/month or month/day; they were read as day/month (DD/MM/YYYY). If they are month/day, write them as "
        "YYYY-MM-DD"]
    assert not any(row["date_of_birth"] in text for row in work.submission)


def test_a_small_restricted_pool_shows_no_count_of_its_records(work):
    """A pool restricted to 7 Scottish records, 2 of them women: the pool mean 0.2857 = 2 of 7."""
    for i in range(200, 207):
        work.reference[i].update(region="Scotland", sex="F" if i < 202 else "M")
    work.write_data()
    edit = ("    headline: true\n", "    headline: true\n  - name: Scottish\n    pool: {region: [Scotland]}\n"
            "    variables: [sex, age, previous_offences]\n")
    raw = {r["level"]: r for r in unsuppressed(work, edit)["analyses"][1]["balance"] if r["variable"] == "sex"}
    assert (round(raw["F"]["comparison_mean_before"] * 7), round(raw["M"]["comparison_mean_before"] * 7)) == (2, 5)
    work.write_spec(edit)
    assert work.run().exit_code == 0
    rows = [r for r in results(work)["analyses"][1]["balance"] if r["variable"] == "sex"]
    assert all(r["comparison_mean_before"] is None and r["smd_percent_before"] is None for r in rows)
    assert {r[3] for r in sheet_rows(work, "Matching quality") if r[0] == "Sex"} >= {"*"}


def test_the_excluded_cannot_be_recovered_from_the_not_analysed_minus_the_unmatched():
    """60 participants before matching (25 Black), 50 matched (20 Black): the 10 unmatched hold 5 Black.
    The profile's 13 not analysed (the unmatched and 3 excluded for a sexual offence) hold 8 Black: so the
    3 excluded would all be Black. The before-matching column of ethnicity must go."""
    def row(level, matched, before, pool):  # treated convention: a 0/1 term's difference is in points
        return BalanceRow(variable="ethnicity", level=level, treatment_mean=matched / 50, comparison_mean=pool,
                          smd_percent=1.0, quality="well", comparison_mean_before=pool,
                          smd_percent_before=100 * (before / 60 - pool), binary=True)
    analysis = AnalysisResult(name="National", headline=True, description=None, pool_restriction={},
                              variables=["ethnicity"], treatment_n=50, comparison_n=900, comparison_effective_n=800.0,
                              unmatched_n=10, pool_n=1000, outside_support_n=0, caliper_logit=0.1,
                              balance_convention="treated", measures={},
                              balance=[row("Black", 20, 25, 0.3), row("White", 30, 35, 0.7)])
    assert before_counter(analysis)(analysis.balance[0], 60) == 25
    assert before_hidden([analysis], 5) == set()  # 5 Black and 5 White unmatched: no small cell alone

    def share(level, count):
        return Share(level=level, count=count, percent=100 * count / 13, suppressed=False)
    others = GroupProfile(n=13, sex=[], ethnicity=[share("Black", 8), share("White", 5)], nationality=[],
                          age_min=None, age_max=None, age_mean=None, index_year=[], sentence=[],
                          needs_assessed_n=0, needs_assessed_percent=0.0, needs=[])
    assert before_hidden([analysis], 5, others) == {"ethnicity"}


def test_an_analysis_compared_with_fewer_records_than_the_threshold_is_refused(work):
    """A pool restricted to 3 Scottish records: its comparison rate (0 of 3, 1 of 3) describes them."""
    for i in range(200, 203):
        work.reference[i]["region"] = "Scotland"
    work.write_data()
    work.write_spec(("    headline: true\n", "    headline: true\n  - name: Scottish\n    pool: {region: [Scotland]}\n"
                     "    variables: [sex, age, previous_offences]\n"))
    assert work.errors("run") == [
        "spec.yaml:19:11: analyses.1.pool: analysis Scottish: its comparison group holds 3 records, fewer than "
        "report.suppress_below (5), so its figures would describe those few people; widen the pool or remove the "
        "analysis"]
    assert not (work.root / "out").exists()
