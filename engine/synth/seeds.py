"""The LPT and Making Connections submissions, and their people's rows in the national data.

LPT: 77 records -> 76 people -> 72 identified -> 47 with a matching event -> 43 without sexual
offences -> 39 matched nationally (4 outliers) and 38 in London (one more matched only outside it).
MC: 142 -> 140 -> 132 -> 88 -> 86 -> 83 matched with needs (2 outliers and one matched only on
look-alikes whose needs were not assessed) and 84 without needs.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from engine.synth.cohorts import (Plan, analysed_group, draw_group, exact_levels, outlier_records, set_outcomes,
                                  twins_of)
from engine.synth.national import NEEDS, choose

LPT = Plan(
    prefix="LPT", duplicates=1, not_identified=4, no_matching_event=25, sexual=4, outliers=4,
    analysed={"ethnicity": {"White": 10, "Black": 26, "Asian": 2}, "nationality": {"UK": 18, "Non-UK": 5, "Unknown": 15}},
    sentences={"community": 19, "suspended": 10, "1 to 4 years": 8, "4 to 10 years": 1}, years={2012: 4, 2013: 34},
    needs={"drugs": 25, "employment": 25, "attitudes": 21, "accommodation": 7}, assessed=34,
    counts=[1] * 9 + [2] * 3 + [3] * 2 + [4, 5, 7], days_total=2992, days_sd=105.0,
    fixed={"sex": "M", "region": "London"}, shift=-0.3, ages=(18, 25, 21.0),
)
MC = Plan(
    prefix="MC", duplicates=2, not_identified=8, no_matching_event=44, sexual=2, outliers=2,
    analysed={"ethnicity": {"White": 60, "Black": 17, "Asian": 3, "Mixed": 3}, "nationality": {"UK": 82, "Unknown": 1}},
    sentences={"1 to 4 years": 54, "4 to 10 years": 23, "Less than 12 months": 5, "10 years or more": 1},
    years={2012: 28, 2013: 28, 2014: 27},
    needs={"drugs": 57, "employment": 51, "thinking": 37, "accommodation": 27, "emotional": 21, "alcohol": 16,
           "relationships": 16}, assessed=75,
    counts=[1] * 6 + [2] * 4 + [3, 4, 5], days_total=975, days_sd=72.0,
    fixed={"sex": "F", "disposal": "custody"}, shift=-0.35, ages=(21, 65, 35.0),
)
# the people not analysed: published profiles of those who could not be included
OTHERS = {"LPT": {"ethnicity": ({"White": 0.13, "Black": 0.8, "Asian": 0.07}),
                  "nationality": {"UK": 0.33, "Unknown": 0.67}},
          "MC": {"ethnicity": {"White": 0.7, "Black": 0.22, "Asian": 0.08},
                 "nationality": {"UK": 0.7, "Non-UK": 0.2, "Unknown": 0.1}}}
MC_REGIONS = {"South East": 0.45, "London": 0.25, "South West": 0.1, "East of England": 0.1, "West Midlands": 0.1}
EARLIEST, LATEST = pd.Timestamp("2010-01-01"), pd.Timestamp("2015-12-31")
IDENTITY = ["sex", "region", "ethnicity", "nationality", "date_of_birth"]


def sentence_columns(sentence: np.ndarray) -> dict:
    """'community' / 'suspended' / a custody band -> disposal and custody_length_band."""
    custody = ~np.isin(sentence, ["community", "suspended"])
    return {"disposal": np.where(custody, "custody", sentence).astype(object),
            "custody_length_band": np.where(custody, sentence, "Non-custodial").astype(object)}


def lpt_dates(rng, n: int, years: np.ndarray) -> tuple[pd.Series, pd.Series]:
    """Programme starts Feb-Sep 2013, 0-182 days after a 2012 or 2013 index date."""
    late = years == 2012
    start_day = np.where(late, rng.integers(0, 74, n), rng.integers(0, 242, n))
    start = pd.Series(pd.Timestamp("2013-02-01") + pd.to_timedelta(start_day, unit="D"))
    into_year = (start - pd.Timestamp("2013-01-01")).dt.days.to_numpy()
    low = np.where(late, into_year + 1, 0)
    high = np.where(late, 182, np.minimum(into_year, 182))
    offset = low + np.floor(rng.random(n) * (high - low + 1)).astype(int)
    return start, start - pd.to_timedelta(offset, unit="D")


def mc_dates(rng, n: int, years: np.ndarray) -> tuple[pd.Series, pd.Series]:
    """Releases (index dates) in the given years; the programme starts 10-180 days before release."""
    index = pd.Series(pd.to_datetime(years.astype(str), format="%Y") + pd.to_timedelta(rng.integers(0, 365, n), "D"))
    return index - pd.to_timedelta(rng.integers(10, 181, n), unit="D"), index


def elsewhere(rng, start: pd.Series, dob: pd.Series | None = None) -> pd.Series:
    """Index dates of other sentences, outside any window: 250-900 days before the start or 200-400 after."""
    n = len(start)
    before = start - pd.to_timedelta(rng.integers(250, 901, n), unit="D")
    after = start + pd.to_timedelta(rng.integers(200, 401, n), unit="D")
    adult = pd.Series(True, index=start.index) if dob is None else before >= dob + pd.DateOffset(years=18)
    use_before = (rng.random(n) < 0.75) & (before >= EARLIEST).to_numpy() & adult.to_numpy()
    use_before |= (after > LATEST).to_numpy()
    return pd.Series(np.where(use_before, before, after), index=start.index)


def others(rng, plan: Plan, n: int) -> dict:
    """Characteristics of people who were submitted but not analysed."""
    return {c: choose(rng, list(p), list(p.values()), n) for c, p in OTHERS[plan.prefix].items()}


def years_for(rng, plan: Plan, n: int) -> np.ndarray:
    return rng.choice(list(plan.years), n, p=np.asarray(list(plan.years.values())) / sum(plan.years.values()))


def plant(rng, plan: Plan) -> pd.DataFrame:
    """Every reference row of the plan's people (and look-alikes), with `_role`, `_person` and `_start`."""
    dates = lpt_dates if plan.prefix == "LPT" else mc_dates
    region = (lambda k: {}) if plan.prefix == "LPT" else (
        lambda k: {"region": choose(rng, list(MC_REGIONS), list(MC_REGIONS.values()), k)})
    n = sum(next(iter(plan.analysed.values())).values())
    year = exact_levels(rng, plan.years, n).astype(int)
    start, index = dates(rng, n, year)
    fixed = {**sentence_columns(exact_levels(rng, plan.sentences, n)), **region(n)}
    parts = [analysed_group(rng, plan, index, fixed).assign(_role="analysed", _start=start.to_numpy())]

    # the participant matched only through look-alikes: in London (LPT) / without needs (MC)
    one_year = np.array([2013])
    start1, index1 = dates(rng, 1, one_year)
    lowest = 400 if plan.prefix == "LPT" else 500
    special = {**outlier_records(1, 19 if plan.prefix == "LPT" else 30, lowest), "ethnicity": ["White"],
               "nationality": ["UK"], "_assessed": [True], **region(1)}
    special["previous_offences"] = special["previous_offences"] // 2
    if plan.prefix == "LPT":
        special.update(sentence_columns(np.array(["community"])))
        special.update({f"need_{k}": [float(k in ("drugs", "employment", "attitudes"))] for k in NEEDS})
        changes = {"region": np.array(["West Midlands", "North West", "Yorkshire and the Humber", "South East",
                                       "East Midlands", "North East"], dtype=object)}
    else:
        special.update(sentence_columns(np.array(["1 to 4 years"])))
        special.update({f"need_{k}": [float(k in ("drugs", "accommodation", "employment", "thinking"))]
                        for k in NEEDS})
        changes = {f"need_{k}": np.full(6, np.nan) for k in NEEDS}
    person = set_outcomes(rng, draw_group(rng, plan, index1, special), [], np.array([]))
    parts.append(person.assign(_role="pool_only", _start=start1.to_numpy()))
    parts.append(twins_of(rng, person, 6, changes).assign(_role="twin", _start=pd.NaT))

    k = plan.outliers
    start_o, index_o = dates(rng, k, np.full(k, 2013))
    outliers = {**outlier_records(k, 18 if plan.prefix == "LPT" else 23, lowest), "ethnicity": np.full(k, "White"),
                "nationality": np.full(k, "UK"), **sentence_columns(np.array(["1 to 4 years"] * k)), **region(k)}
    parts.append(draw_group(rng, plan, index_o, outliers).assign(_role="outlier", _start=start_o.to_numpy()))

    k = plan.sexual
    start_s, index_s = dates(rng, k, years_for(rng, plan, k))
    sexual = {"sexual_offence_history": np.ones(k, int), **others(rng, plan, k), **region(k)}
    parts.append(draw_group(rng, plan, index_s, sexual).assign(_role="sexual", _start=start_s.to_numpy()))

    k = plan.no_matching_event
    start_m, _ = dates(rng, k, years_for(rng, plan, k))
    parts.append(draw_group(rng, plan, elsewhere(rng, start_m), {**others(rng, plan, k), **region(k)})
                 .assign(_role="no_match", _start=start_m.to_numpy()))
    rows = pd.concat(parts, ignore_index=True)
    people = rows["_role"] != "twin"
    rows["_person"] = np.where(people, np.cumsum(people) - 1, -1)
    return pd.concat([rows, other_events(rng, plan, rows)], ignore_index=True)


def other_events(rng, plan: Plan, rows: pd.DataFrame) -> pd.DataFrame:
    """Earlier or later sentences of some submitted people (15% of the analysed, 30% of the others)."""
    share = np.where(rows["_role"] == "analysed", 0.15, np.where(rows["_role"] == "no_match", 0.3, 0.0))
    owners = rows[rng.random(len(rows)) < share].reset_index(drop=True)
    index = elsewhere(rng, owners["_start"], owners["date_of_birth"])
    fixed = {c: owners[c].to_numpy() for c in IDENTITY}
    frame = draw_group(rng, plan, index, fixed)
    frame = frame[(frame["age"] >= 18).to_numpy()]
    return frame.assign(_role="other_event", _person=owners.loc[frame.index, "_person"].to_numpy(), _start=pd.NaT)
