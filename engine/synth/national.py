"""Synthetic national re-offending data: one row per offender per index event (docs/architecture.md §2).

Every column is drawn from the ones before it, so the data relate as they do in life: a latent
"criminality" drives records, needs and sentences; young men with long records re-offend most.
Everything is vectorised and driven by one numpy Generator, so a seed gives the same data.
`draw_people` takes `fixed` columns, so the seed cohorts are drawn from the same model.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import special

REGIONS = ["North East", "North West", "Yorkshire and the Humber", "East Midlands", "West Midlands",
           "East of England", "London", "South East", "South West", "Wales"]
REGION_P = [0.06, 0.14, 0.11, 0.09, 0.11, 0.09, 0.15, 0.13, 0.07, 0.05]
ETHNICITIES = ["White", "Black", "Asian", "Mixed", "Other", "Unknown"]
ETHNICITY_P = {"London": [0.48, 0.25, 0.14, 0.06, 0.03, 0.04], "other": [0.86, 0.03, 0.06, 0.02, 0.01, 0.02]}
NATIONALITIES = ["UK", "Non-UK", "Unknown"]
NATIONALITY_P = {"London": [0.68, 0.17, 0.15], "other": [0.84, 0.07, 0.09]}
BANDS = ["Less than 12 months", "1 to 4 years", "4 to 10 years", "10 years or more"]
NON_CUSTODIAL = "Non-custodial"
OFFENCES = ["Violence against the person", "Theft", "Drug offences", "Burglary", "Robbery", "Public order",
            "Criminal damage", "Fraud", "Motoring", "Other"]
OFFENCE_P = {"M": [0.24, 0.17, 0.12, 0.07, 0.04, 0.08, 0.05, 0.04, 0.10, 0.09],
             "F": [0.20, 0.32, 0.10, 0.03, 0.02, 0.07, 0.05, 0.09, 0.04, 0.08]}
OFFENCE_SEVERITY = [4, 2, 3, 4, 6, 2, 2, 3, 1, 2]
OFFENCE_RISK = [0.0, 0.35, 0.0, 0.25, 0.1, 0.1, 0.1, -0.4, -0.2, -0.1]
BAND_RISK = {NON_CUSTODIAL: 0.0, BANDS[0]: 0.3, BANDS[1]: 0.0, BANDS[2]: -0.3, BANDS[3]: -0.6}
NEEDS = ["accommodation", "employment", "finance", "relationships", "lifestyle", "drugs", "alcohol",
         "emotional", "thinking", "attitudes"]
# need probability: logit = a + b * criminality + c * female
NEED_MODEL = {"accommodation": (-1.3, 0.6, 0.0), "employment": (0.4, 0.5, 0.1), "finance": (-0.6, 0.4, 0.2),
              "relationships": (-0.9, 0.4, 0.4), "lifestyle": (-0.2, 0.7, -0.3), "drugs": (-0.3, 0.8, 0.2),
              "alcohol": (-1.0, 0.3, 0.0), "emotional": (-1.2, 0.3, 0.8), "thinking": (0.0, 0.6, -0.2),
              "attitudes": (-0.5, 0.7, -0.5)}
SEVERITIES = ["low", "medium", "serious"]
AGE_BANDS = ["18-20", "21-24", "25-29", "30-39", "40-49", "50 and over"]
YEARS = np.arange(2010, 2016)
MAX_PREVIOUS = 90  # the national record never exceeds this; planted outliers do


def choose(rng: np.random.Generator, levels: list[str], p, n: int) -> np.ndarray:
    """n draws of text levels with probabilities p (object array)."""
    return np.asarray(levels, dtype=object)[rng.choice(len(levels), size=n, p=np.asarray(p) / np.sum(p))]


def choose_by(rng: np.random.Generator, levels: list[str], table: dict, key: np.ndarray) -> np.ndarray:
    """Draws whose probabilities depend on a key column (e.g. ethnicity by London / elsewhere)."""
    out = np.empty(len(key), dtype=object)
    for value, p in table.items():
        rows = key == value
        out[rows] = choose(rng, levels, p, int(rows.sum()))
    return out


def exact_age(dob: pd.Series, on: pd.Series) -> np.ndarray:
    """Age in whole years on a date."""
    before = (on.dt.month < dob.dt.month) | ((on.dt.month == dob.dt.month) & (on.dt.day < dob.dt.day))
    return (on.dt.year - dob.dt.year - before.astype(int)).to_numpy()


def draw_people(rng: np.random.Generator, n: int, fixed: dict | None = None, shift: float = 0.0) -> pd.DataFrame:
    """n index events with their covariates; `fixed` columns are taken as given, `shift` raises criminality."""
    fixed = fixed or {}

    def get(name, draw):
        return np.asarray(fixed[name]) if name in fixed else draw()

    z = get("_z", lambda: rng.normal(shift, 1.0, n))
    sex = get("sex", lambda: np.where(rng.random(n) < 0.85, "M", "F").astype(object))
    female = (sex == "F").astype(float)
    age = get("age", lambda: np.clip(18 + np.floor(rng.gamma(1.6, 9.0, n) - 0.8 * z), 18, 70).astype(int))
    region = get("region", lambda: choose(rng, REGIONS, REGION_P, n))
    where = np.where(region == "London", "London", "other")
    ethnicity = get("ethnicity", lambda: choose_by(rng, ETHNICITIES, ETHNICITY_P, where))
    nationality = get("nationality", lambda: choose_by(rng, NATIONALITIES, NATIONALITY_P, where))
    year = get("cohort_year", lambda: rng.choice(YEARS, n))
    day = get("_day", lambda: rng.integers(0, 365, n))
    index_date = pd.Series(pd.to_datetime(year.astype(str), format="%Y") + pd.to_timedelta(day, unit="D"))
    if "date_of_birth" in fixed:
        dob = pd.Series(pd.to_datetime(fixed["date_of_birth"]))
    else:
        dob = index_date - pd.to_timedelta(np.round((age + rng.uniform(0.03, 0.97, n)) * 365.2425), unit="D")
    age = exact_age(dob, index_date)
    custody_p = special.expit(-0.7 + 0.6 * z - 0.8 * female + 0.02 * (age - 30))
    disposal = get("disposal", lambda: np.where(
        rng.random(n) < custody_p, "custody", np.where(rng.random(n) < 0.68, "community", "suspended")).astype(object))
    custody = disposal == "custody"
    band_p = {"M": [0.55, 0.33, 0.10, 0.02], "F": [0.62, 0.29, 0.08, 0.01]}
    band = np.where(custody, choose_by(rng, BANDS, band_p, sex), NON_CUSTODIAL).astype(object)
    band = get("custody_length_band", lambda: band)
    offence = get("index_offence", lambda: choose_by(rng, OFFENCES, OFFENCE_P, sex))
    code = pd.Categorical(offence, categories=OFFENCES).codes
    band_level = pd.Categorical(band, categories=[NON_CUSTODIAL, *BANDS]).codes
    severity = np.clip(np.asarray(OFFENCE_SEVERITY)[code] + band_level // 2 + rng.integers(-1, 2, n), 1, 8)
    severity = get("offence_severity", lambda: severity)
    career = special.expit(rng.normal(0.2 - 0.8 * z, 1.0, n))
    afc = get("age_first_contact", lambda: np.minimum(10 + np.floor((age - 10) * career), age).astype(int))
    active = np.maximum(age - afc, 0)
    mu = np.exp(-0.2 + 0.7 * z + 0.8 * np.log1p(active))
    prev = np.minimum(rng.negative_binomial(1.0, 1.0 / (1.0 + mu)), MAX_PREVIOUS)
    prev = get("previous_offences", lambda: prev)
    prev_custody = get("previous_custody", lambda: rng.binomial(prev, special.expit(-2.0 + 0.4 * z)))
    copas = np.log((prev + 1.0) / (active + 10.0))
    employed = get("employed_prior_year", lambda: (
        rng.random(n) < special.expit(-0.3 - 0.6 * z - 0.4 * custody - 0.3 * female)).astype(int))
    benefits = get("benefits_prior_year", lambda: (
        rng.random(n) < special.expit(-0.2 + 0.5 * z + 0.4 * female - 0.8 * employed)).astype(int))
    frame = pd.DataFrame({
        "sex": sex, "age": age, "age_band": age_band(age), "region": region, "ethnicity": ethnicity, "nationality": nationality,
        "cohort_year": year, "index_date": index_date.to_numpy(), "date_of_birth": dob.to_numpy(),
        "disposal": disposal, "custody_length_band": band, "index_offence": offence,
        "offence_severity": severity, "previous_offences": prev, "previous_custody": prev_custody,
        "age_first_contact": afc, "copas_rate": np.round(copas, 3), "employed_prior_year": employed,
        "benefits_prior_year": benefits,
    })
    planted = "_assessed" in fixed  # planted people's assessments are complete or absent
    assessed = get("_assessed", lambda: rng.random(n) < 0.75)
    for need in NEEDS:
        a, b, c = NEED_MODEL[need]
        value = (rng.random(n) < special.expit(a + b * z + c * female)).astype(float)
        # a section of an assessment is sometimes left incomplete
        value = get(f"need_{need}", lambda: np.where(assessed & ((rng.random(n) > 0.03) | planted), value, np.nan))
        frame[f"need_{need}"] = value
    frame["sexual_offence_history"] = get("sexual_offence_history", lambda: (rng.random(n) < 0.03).astype(int))
    frame["_z"] = z
    return frame


def age_band(age: np.ndarray) -> np.ndarray:
    """Age groups as the published tables show them."""
    edges = np.array([21, 25, 30, 40, 50])
    return np.asarray(AGE_BANDS, dtype=object)[np.searchsorted(edges, age, side="right")]


def draw_outcomes(rng: np.random.Generator, frame: pd.DataFrame) -> pd.DataFrame:
    """One-year outcomes from the covariates: rate, count, days to first, custody and severity.

    Drawn from a child stream that takes one number from `rng`, so tuning the outcome model never
    changes who is drawn afterwards (negative binomial draws use a varying amount of randomness).
    """
    rng = np.random.default_rng(rng.integers(2**63))
    n = len(frame)
    z = frame["_z"].to_numpy()
    female = (frame["sex"] == "F").to_numpy(float)
    custody = (frame["disposal"] == "custody").to_numpy(float)
    drugs = np.nan_to_num(frame["need_drugs"].to_numpy(float))
    accommodation = np.nan_to_num(frame["need_accommodation"].to_numpy(float))
    attitudes = np.nan_to_num(frame["need_attitudes"].to_numpy(float))
    prev = np.log1p(frame["previous_offences"].to_numpy(float))
    age = frame["age"].to_numpy(float)
    offence = np.asarray(OFFENCE_RISK)[pd.Categorical(frame["index_offence"], categories=OFFENCES).codes]
    band = frame["custody_length_band"].map(BAND_RISK).to_numpy(float)
    theft = (frame["index_offence"] == "Theft").to_numpy(float)
    lp = (-1.2 + 0.4 * prev - 0.035 * (age - 18) - 0.1 * female + 0.25 * z + 0.35 * drugs
          + 0.2 * accommodation + 0.15 * attitudes - 0.25 * frame["employed_prior_year"].to_numpy()
          + offence + band - 0.03 * (frame["cohort_year"].to_numpy() - 2010))
    reoffended = (rng.random(n) < special.expit(lp)).astype(int)
    mean_extra = np.exp(-0.51 + 0.15 * prev + 0.3 * drugs + 0.3 * theft - 0.07 * female + 0.28 * custody
                        + 0.15 * z + 0.04 * (age - 18))
    extra = rng.negative_binomial(0.9, 0.9 / (0.9 + mean_extra))
    reoffences = np.where(reoffended == 1, 1 + extra, 0)
    scale = np.exp(6.84 + 0.2 * female - 0.15 * prev - 0.2 * drugs - 0.25 * custody - 0.1 * z)
    days = truncated_weibull(rng, 0.9, scale, 365.0)
    days = np.where(reoffended == 1, days, np.nan)
    custody_p = special.expit(-1.6 + 0.5 * np.log1p(reoffences) + 0.5 * custody + 0.2 * z)
    re_custody = ((rng.random(n) < custody_p) & (reoffended == 1)).astype(int)
    severity = choose(rng, SEVERITIES, [0.5, 0.38, 0.12], n)
    severity = np.where(reoffended == 1, severity, "none").astype(object)
    return pd.DataFrame({"reoffended": reoffended, "reoffences": reoffences, "days_to_first_reoffence": days,
                         "reoffence_custody": re_custody, "reoffence_severity": severity}, index=frame.index)


def truncated_weibull(rng: np.random.Generator, shape: float, scale: np.ndarray, limit: float) -> np.ndarray:
    """Whole days 1..limit from a Weibull cut at `limit` (inverse CDF, so early days are most common)."""
    top = 1.0 - np.exp(-((limit / scale) ** shape))
    u = rng.random(len(scale)) * top
    days = scale * (-np.log1p(-u)) ** (1.0 / shape)
    return np.clip(np.ceil(days), 1, limit)
