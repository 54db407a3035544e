"""The smallest published group is the analysed treatment group (30 people, engine/results_check.py);
an outcome that all or none of a group under 100 had is suppressed; report.suppress_below has a floor."""

from __future__ import annotations

import pytest

from engine.disclosure import exposed_measure
from engine.results import MeasureResult
from publication_workspace import refused


def test_a_submission_of_60_that_leaves_fewer_than_30_is_refused_by_validate_and_run(work):
    """63 of 77 records without a matching sentence left a 6-person report: the minimum counts the analysed."""
    path = work.root / "submission.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    late = [line.rsplit(",", 1)[0] + ",2019-06-01\n" for line in lines[30:]]  # started years after any sentence
    path.write_text("".join(lines[:30] + late), encoding="utf-8")
    for command in ("validate", "run"):
        args = ("validate", "spec.yaml") if command == "validate" else ("run", "spec.yaml", "-q", "--out", "out")
        line = refused(work.invoke(*args))
        assert "spec.yaml:10:15: data.submission: the exclusions leave 29 participants; jdlspec publishes no " \
               "treatment group of fewer than 30" in line
    assert not (work.root / "out").exists()


def test_an_analysis_that_matches_fewer_than_30_is_refused(work):
    work.write_spec(("    headline: true\n", "    headline: true\n  - name: Welsh\n    pool: {region: [Wales], sex: [F]}\n"
                                             "    variables: [age, previous_offences]\n"), ("caliper: 0.2", "caliper: 0.001"))
    line = refused(work.run())
    assert "analyses.1: analysis Welsh: matching leaves 22 participants; jdlspec publishes no treatment group of " \
           "fewer than 30" in line and "widen its pool or the caliper" in line


@pytest.mark.parametrize("value", [0, 1, 2])
def test_suppress_below_has_a_floor(work, value):
    work.write_spec(("published: 2013-02-01", f"published: 2013-02-01\n  suppress_below: {value}"))
    line = refused(work.invoke("validate", "spec.yaml", "--no-data"))
    assert f"report.suppress_below: must be at least 3 (you wrote {value})" in line


def measure(treatment: float, n: int) -> MeasureResult:
    return MeasureResult(treatment_n=n, comparison_n=500, treatment=treatment, comparison=30.0,
                         difference=treatment - 30.0, ci_low=-10.0, ci_high=10.0, p_value=0.5, significant=False,
                         state="not_significant", comparison_effective_n=400.0, degrees_of_freedom=60.0,
                         reported=True, headline=True)


@pytest.mark.parametrize("name, treatment, n, group, exposed", [
    ("rate", 0.0, 39, 39, True),  # none of 39 re-offended: each one's outcome
    ("rate", 100.0, 60, 60, True),
    ("rate", 0.0, 150, 150, False),  # a group of 100 or more
    ("rate", 50.0, 40, 40, False),
    ("severity", 0.0, 83, 83, True),  # the seeds' "none had a serious re-offence" is now '*'
    ("frequency", 0.0, 50, 50, True),  # no re-offences at all
    ("frequency", 0.5, 50, 50, False),
    ("time_to_first_reoffence", 120.0, 45, 45, True),  # all 45 re-offended
    ("time_to_first_reoffence", 120.0, 20, 45, False),
])
def test_an_outcome_all_or_none_of_a_small_group_had_is_suppressed(name, treatment, n, group, exposed):
    assert exposed_measure(name, measure(treatment, n), group, 5) is exposed


def test_a_characteristic_all_of_the_group_share_is_printed_as_the_seeds_print_it(work):
    for i in work.people:
        work.reference[i]["sex"] = "F"
    work.write_data()
    assert work.run().exit_code == 0, work.run().output
    assert work.results()["profile"]["analysed"]["sex"] == [
        {"level": "F", "count": 70, "percent": 100.0, "suppressed": False}]
