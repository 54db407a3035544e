"""Synthetic employment and benefits data: the Employment Data Lab's kind of evaluation, with a programme planted.

`jdlspec synth --dataset employment` writes employment.parquet (the reference data: one follow-up per person,
starting at their programme start or, for everyone else, at a date of their own) and employment_submission.csv
(the programme's records). specs/employment.yaml evaluates it in the Employment Data Lab's house.

What is planted, on the probability scale, so that each true effect on the participants is known exactly:
- in work at each month 1 to 24 after the start (employed_m01 ... employed_m24): EFFECT_IN_WORK percentage points
  from month RAMP_MONTHS on, rising evenly to it before (effect_in_work);
- weeks in work over the two years (weeks_employed_24m): the months' weeks (4, 4, 5 in each quarter) times the
  months' effects (planted_weeks);
- NEET one year after starting (neet_12m): EFFECT_NEET points lower;
- an education course passed (course_passed): EFFECT_COURSE points higher;
- on benefits one year after starting (benefit_12m): no effect at all, the planted null.
Who takes part depends on the recorded characteristics (people further from work take part more), and every
outcome's chance depends on them too, through one employability score made of them alone: matching on them
recovers the planted effects, and a naive comparison would not.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from engine.synth.identity import draw_names, offender_ids
from engine.synth.national import exact_age

POPULATION = 24_000
PARTICIPANTS = 1000
MONTHS = 24
RAMP_MONTHS = 6
EFFECT_IN_WORK = 0.08
EFFECT_NEET = -0.07
EFFECT_COURSE = 0.10
WEEKS = np.tile([4, 4, 5], MONTHS // 3)  # 52 weeks a year, 13 a quarter
UNKNOWN = 12  # submitted records found nowhere in the data
OUT_OF_WINDOW = 20  # submitted records whose start is far from any follow-up start in the data
REGIONS = ["London", "North West", "North East", "Yorkshire", "West Midlands", "East Midlands", "South East",
           "South West", "East", "Wales"]
QUALIFICATIONS = ["none", "level 1", "level 2", "level 3 or above"]
COLUMNS_IN_WORK = [f"employed_m{m:02d}" for m in range(1, MONTHS + 1)]


def effect_in_work(month: int) -> float:
    """The planted effect on being in work `month` months after the start (a proportion)."""
    return EFFECT_IN_WORK * min(month, RAMP_MONTHS) / RAMP_MONTHS


def planted_weeks() -> float:
    """The planted effect on weeks in work over the two years."""
    return float(sum(w * effect_in_work(m) for m, w in zip(range(1, MONTHS + 1), WEEKS)))


def build_employment(seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(reference data, submission) for the employment example."""
    rng = np.random.default_rng([seed, 20])
    people = _people(rng, POPULATION)
    score = _employability(people)
    taking_part = 1 / (1 + np.exp(-(-3.9 + 2.2 * (0.6 - score) + 0.5 * people["benefits_prior_year"])))
    chosen = rng.choice(POPULATION, PARTICIPANTS, replace=False, p=taking_part / taking_part.sum())
    treated = np.zeros(POPULATION, dtype=bool)
    treated[chosen] = True
    outcomes = _outcomes(rng, score, treated)
    reference = pd.concat([people, outcomes], axis=1)
    return reference, _submission(rng, reference, chosen)


def _people(rng: np.random.Generator, n: int) -> pd.DataFrame:
    sex = rng.choice(["M", "F"], n, p=[0.55, 0.45])
    forename, surname = draw_names(rng, sex)
    age = rng.integers(16, 60, n)
    start = pd.to_datetime("2019-01-01") + pd.to_timedelta(rng.integers(0, 730, n), unit="D")
    born = start - pd.to_timedelta(age * 365.25 + rng.integers(0, 365, n), unit="D")
    frame = pd.DataFrame({
        "offender_id": offender_ids(1, n), "forename": forename, "surname": surname,
        "date_of_birth": born.normalize(), "sex": sex,
        "region": rng.choice(REGIONS, n),
        "ethnicity": rng.choice(["White", "Black", "Asian", "Mixed", "Other"], n, p=[0.78, 0.07, 0.09, 0.04, 0.02]),
        "qualification": rng.choice(QUALIFICATIONS, n, p=[0.18, 0.22, 0.3, 0.3]),
        "disability": (rng.random(n) < 0.17).astype(np.int8),
        "prior_weeks_employed": rng.integers(0, 53, n),
        "benefits_prior_year": (rng.random(n) < 0.35).astype(np.int8),
        "index_date": start,
    })
    frame.insert(5, "age", exact_age(frame["date_of_birth"], frame["index_date"]))
    frame["cohort_year"] = frame["index_date"].dt.year
    return frame


def _employability(people: pd.DataFrame) -> np.ndarray:
    """A score from 0 to 1 made of the recorded characteristics only (what matching can balance)."""
    qualification = people["qualification"].map({q: i / 3 for i, q in enumerate(QUALIFICATIONS)}).to_numpy()
    age = people["age"].to_numpy()
    score = (0.35 * people["prior_weeks_employed"].to_numpy() / 52 + 0.25 * qualification
             + 0.15 * (1 - people["disability"].to_numpy()) + 0.15 * (1 - people["benefits_prior_year"].to_numpy())
             + 0.10 * (1 - np.abs(age - 35) / 25))
    return np.clip(score, 0, 1)


def _outcomes(rng: np.random.Generator, score: np.ndarray, treated: np.ndarray) -> pd.DataFrame:
    n = len(score)
    base = 0.12 + 0.6 * score  # 0.12 to 0.72: with the largest effect, never above 0.80
    months = {}
    for m, column in enumerate(COLUMNS_IN_WORK, start=1):
        months[column] = (rng.random(n) < base + treated * effect_in_work(m)).astype(np.int8)
    employed = np.column_stack(list(months.values()))
    out = pd.DataFrame(months)
    out["weeks_employed_24m"] = (employed * WEEKS).sum(axis=1).astype(np.int16)
    out["neet_12m"] = (rng.random(n) < 0.5 - 0.35 * score + treated * EFFECT_NEET).astype(np.int8)
    out["benefit_12m"] = (rng.random(n) < 0.55 - 0.4 * score).astype(np.int8)  # the planted null
    out["course_passed"] = (rng.random(n) < 0.2 + 0.3 * score + treated * EFFECT_COURSE).astype(np.int8)
    return out


def _submission(rng: np.random.Generator, reference: pd.DataFrame, chosen: np.ndarray) -> pd.DataFrame:
    """The programme's records: its participants, a few people found nowhere, a few whose start is far from
    their follow-up's, and a duplicate line."""
    rows = reference.iloc[np.sort(chosen)]
    submitted = pd.DataFrame({
        "offender_id": rows["offender_id"].to_numpy(), "forename": rows["forename"].to_numpy(),
        "surname": rows["surname"].to_numpy(), "date_of_birth": rows["date_of_birth"].to_numpy(),
        "start_date": rows["index_date"].to_numpy(),
    })
    late = rng.choice(len(submitted), OUT_OF_WINDOW, replace=False)
    submitted.loc[late, "start_date"] = submitted.loc[late, "start_date"] + pd.Timedelta(days=400)
    forename, surname = draw_names(rng, rng.choice(["M", "F"], UNKNOWN))
    unknown = pd.DataFrame({
        "offender_id": offender_ids(900_001, UNKNOWN), "forename": forename, "surname": surname,
        "date_of_birth": pd.to_datetime("1990-06-01") + pd.to_timedelta(rng.integers(0, 3650, UNKNOWN), unit="D"),
        "start_date": pd.to_datetime("2019-03-01") + pd.to_timedelta(rng.integers(0, 600, UNKNOWN), unit="D"),
    })
    submitted = pd.concat([submitted, unknown, submitted.iloc[[3]]], ignore_index=True)
    submitted.insert(0, "record_id", [f"EMP{i:05d}" for i in range(1, len(submitted) + 1)])
    submitted.loc[len(submitted) - 1, "record_id"] = submitted.loc[3, "record_id"]  # the line pasted twice
    return submitted
