"""The committed demo data: realistic shape, the seeds' exact flows and outcomes, and reproducible."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from engine.spec.models import Spec
from engine.stages.link import link_and_exclude
from engine.synth import DEFAULT_SEED, DEFAULT_SIZE, SUBMISSIONS, build
from engine.synth.national import NEEDS, REGIONS

DATA = Path(__file__).resolve().parents[2] / "specs" / "data"


@pytest.fixture(scope="module")
def national() -> pd.DataFrame:
    return pd.read_parquet(DATA / "national.parquet")


def submission(name: str) -> pd.DataFrame:
    frame = pd.read_csv(DATA / SUBMISSIONS[name], dtype=str, keep_default_na=False)
    for column in ("date_of_birth", "start_date", "end_date"):
        frame[column] = pd.to_datetime(frame[column])
    return frame.replace("", pd.NA).astype({c: "string" for c in ("record_id", "offender_id", "forename", "surname")})


def reference(national: pd.DataFrame) -> pd.DataFrame:
    frame = national.copy()
    for column in ("index_date", "date_of_birth"):
        frame[column] = pd.to_datetime(frame[column])
    return frame


def uncategorised(frame: pd.DataFrame) -> pd.DataFrame:
    """Categories as their values: compared whole (pandas compares categoricals value by value, minutes on 300,000 rows)."""
    return frame.apply(lambda column: column.astype(object) if isinstance(column.dtype, pd.CategoricalDtype) else column)


def spec(link_on, before, after) -> Spec:
    return Spec.model_validate({
        "spec_version": 1,
        "programme": {"name": "x", "title": "x", "organisation": "x", "summary": "x"},
        "data": {"reference": "r", "submission": "s", "link_on": link_on, "days_before_index": before,
                 "days_after_index": after},
        "matching": {"variables": ["age"]}, "analyses": [{"name": "A"}]})


def test_shape(national):
    assert 295_000 < len(national) < 301_000
    assert set(national["region"]) == set(REGIONS)
    assert set(national["sex"]) == {"M", "F"}
    assert 0.82 < (national["sex"] == "M").mean() < 0.88
    assert national["age"].between(18, 70).all() and national["age"].median() < 32
    assert sorted(national["cohort_year"].unique()) == list(range(2010, 2016))
    for need in NEEDS:
        assert 0.24 < national[f"need_{need}"].isna().mean() < 0.30
        assert set(national[f"need_{need}"].dropna()) == {0.0, 1.0}
    assert 0.02 < national["sexual_offence_history"].mean() < 0.04
    assert national["offender_id"].duplicated().sum() > 1000  # some people have several index events
    assert (national["days_to_first_reoffence"].isna() == (national["reoffended"] == 0)).all()
    assert national["days_to_first_reoffence"].dropna().between(1, 365).all()
    assert (national["reoffence_custody"] <= national["reoffended"]).all()
    assert ((national["reoffence_severity"] == "none") == (national["reoffended"] == 0)).all()


def test_ages_agree_with_birth_dates(national):
    frame = reference(national)
    dob, on = frame["date_of_birth"], frame["index_date"]
    before = (on.dt.month < dob.dt.month) | ((on.dt.month == dob.dt.month) & (on.dt.day < dob.dt.day))
    assert (on.dt.year - dob.dt.year - before.astype(int) == frame["age"]).all()


def test_outcomes_follow_risk(national):
    assert 0.27 < national["reoffended"].mean() < 0.34
    assert 0.85 < national["reoffences"].mean() < 1.15
    by_age = national.groupby(pd.cut(national["age"], [17, 20, 24, 29, 39, 49, 70]), observed=True)["reoffended"].mean()
    assert by_age.is_monotonic_decreasing and by_age.between(0.15, 0.60).all()
    bands = pd.cut(national["previous_offences"], [-1, 0, 2, 5, 10, 20, 90])
    by_record = national.groupby(bands, observed=True)["reoffended"].mean()
    assert by_record.is_monotonic_increasing and by_record.between(0.15, 0.60).all()
    young_men = (national["sex"] == "M") & (national["age"] <= 24) & (national["previous_offences"] > 20)
    assert national.loc[young_men, "reoffended"].mean() > 0.5


@pytest.mark.parametrize("name, link_on, before, after, flow", [
    ("LPT", ["offender_id"], 0, 182, [77, 76, 72, 47, 43]),
    ("MC", ["surname", "forename", "date_of_birth"], 183, 0, [142, 140, 132, 88, 86]),
])
def test_flows(national, name, link_on, before, after, flow):
    cohort = link_and_exclude(spec(link_on, before, after), reference(national), submission(name))
    assert [step.remaining for step in cohort.attrition] == flow


def test_lpt_participants(national):
    cohort = link_and_exclude(spec(["offender_id"], 0, 182), reference(national), submission("LPT"))
    people = cohort.participants
    ordinary = people[people["previous_offences"] < 400]  # the outliers no comparison can match
    assert len(ordinary) == 39 and (people["sex"] == "M").all() and people["age"].between(18, 25).all()
    assert ordinary["reoffended"].sum() == 17 and ordinary["reoffences"].sum() == 37
    assert ordinary["days_to_first_reoffence"].sum() == 2992
    assert (people["region"] == "London").all()
    assert ordinary["ethnicity"].astype(str).value_counts().to_dict() == {"Black": 26, "White": 11, "Asian": 2}


def test_mc_participants(national):
    cohort = link_and_exclude(spec(["surname", "forename", "date_of_birth"], 183, 0), reference(national),
                              submission("MC"))
    people = cohort.participants
    ordinary = people[people["previous_offences"] <= 90]
    assert len(ordinary) == 83 and (people["sex"] == "F").all() and (people["disposal"] == "custody").all()
    assert ordinary["reoffended"].sum() == 13 and ordinary["reoffences"].sum() == 26
    assert ordinary["days_to_first_reoffence"].sum() == 975
    assert ordinary["age"].between(21, 65).all() and 32 <= ordinary["age"].mean() <= 38
    assessed = ordinary["need_drugs"].notna()
    assert assessed.sum() == 75 and ordinary.loc[assessed, "need_drugs"].sum() == 57


def test_names_vary_in_case_and_spacing():
    names = submission("MC")["surname"].dropna()
    assert (names == names.str.upper()).any() and (names != names.str.upper()).any()


def test_regenerates_the_committed_files(national):
    regenerated, submissions = build(DEFAULT_SEED, DEFAULT_SIZE)
    committed = reference(national)
    pd.testing.assert_frame_equal(uncategorised(regenerated.reset_index(drop=True)[committed.columns].astype(committed.dtypes)),
                                  uncategorised(committed), check_dtype=False)
    for name in SUBMISSIONS:
        fresh = submissions[name]
        assert fresh["record_id"].tolist() == submission(name)["record_id"].tolist()
        assert (pd.to_datetime(fresh["start_date"]) == submission(name)["start_date"]).all()
