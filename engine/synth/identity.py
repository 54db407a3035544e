"""Who the synthetic offenders are: identifiers, names, and repeat index events of one person."""

from __future__ import annotations

import numpy as np
import pandas as pd

from engine.synth.national import draw_outcomes, draw_people, exact_age

FORENAMES = {
    "M": ["James", "John", "David", "Michael", "Daniel", "Paul", "Mark", "Thomas", "Ryan", "Jamal", "Kwame", "Tyrone",
          "Mohammed", "Ali", "Imran", "Adam", "Louis", "Liam", "Connor", "Kyle", "Jordan", "Nathan", "Ben", "Craig",
          "Dean", "Gareth", "Rhys", "Owen", "Dylan", "Callum", "Jack", "Harry", "Samuel", "Joshua", "Kieran", "Marcus",
          "Andre", "Emmanuel", "Kofi", "Ravi", "Sanjay", "Tomasz", "Piotr", "Ionut", "Lee", "Scott", "Wayne", "Stuart",
          "Jason", "Carl"],
    "F": ["Sarah", "Emma", "Laura", "Rachel", "Claire", "Lisa", "Michelle", "Kelly", "Gemma", "Amy", "Jade", "Chantelle",
          "Keisha", "Aisha", "Fatima", "Nadia", "Samantha", "Nicola", "Donna", "Tracey", "Leanne", "Stacey", "Hayley",
          "Danielle", "Charlotte", "Sophie", "Chloe", "Megan", "Rebecca", "Zoe", "Natalie", "Joanne", "Karen", "Julie",
          "Angela", "Grace", "Abena", "Priya", "Agnieszka", "Shannon"],
}
SURNAMES = ["Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas", "Johnson", "Roberts",
            "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards", "Hughes", "Greene", "Hall", "Llewellyn", "Harris",
            "Clarke", "Patel", "Jackson", "Wood", "Turner", "Martin", "Cooper", "Hill", "Ward", "Morris", "Moore",
            "Clark", "Lee", "King", "Baker", "Harrison", "Morgan", "Allen", "James", "Scott", "Phillips", "Watson",
            "Davis", "Parker", "Price", "Bennett", "Young", "Griffiths", "Mitchell", "Kelly", "Cook", "Carter",
            "Richardson", "Bailey", "Collins", "Bell", "Shaw", "Murphy", "Miller", "Cox", "Richards", "Khan",
            "Marshall", "Anderson", "Simpson", "Ellis", "Adams", "Singh", "Begum", "Wilkinson", "Foster", "Chapman",
            "Powell", "Webb", "Rogers", "Gray", "Mason", "Ali", "Hunt", "Hussain", "Campbell", "Matthews", "Owen",
            "Palmer", "Holmes", "Mills", "Barnes", "Knight", "Lloyd", "Butler", "Russell", "Barker", "Fisher",
            "Stevens", "Jenkins", "Murray", "Dixon", "Harvey", "Mensah", "Okafor", "Boateng", "Ahmed", "Kowalski",
            "Nowak", "Campbell-Brown", "O'Brien", "McDonald", "Ahmed-Khan"]
REPEAT_SHARE = 0.06  # share of index events that are a second or third event of someone already drawn


def draw_names(rng: np.random.Generator, sex: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Forename by sex and surname, as object arrays."""
    forename = np.empty(len(sex), dtype=object)
    for value, names in FORENAMES.items():
        rows = sex == value
        forename[rows] = np.asarray(names, dtype=object)[rng.integers(0, len(names), int(rows.sum()))]
    surname = np.asarray(SURNAMES, dtype=object)[rng.integers(0, len(SURNAMES), len(sex))]
    return forename, surname


def offender_ids(start: int, n: int) -> np.ndarray:
    """Identifiers like 'A0012345', numbered from `start`."""
    return np.char.add("A", np.char.zfill(np.arange(start, start + n).astype(str), 7)).astype(object)


def national_frame(rng: np.random.Generator, size: int) -> pd.DataFrame:
    """`size` index events; about 6% repeat an earlier person (same id, names, birth date; another year)."""
    people = draw_people(rng, size)
    repeats = np.flatnonzero(rng.random(size) < REPEAT_SHARE)
    source = rng.integers(0, size, len(repeats))
    source = np.where(np.isin(source, repeats), (source + 1) % size, source)
    forename, surname = draw_names(rng, people["sex"].to_numpy())
    ids = offender_ids(1, size)
    for column in ["sex", "region", "ethnicity", "nationality", "date_of_birth"]:
        people.loc[repeats, column] = people[column].to_numpy()[source]
    forename[repeats], surname[repeats], ids[repeats] = forename[source], surname[source], ids[source]
    # a repeat event falls in another year than its source: shift it by one to three years
    year = people["cohort_year"].to_numpy().copy()
    shift = rng.integers(1, 4, len(repeats)) * np.where(year[source] >= 2013, -1, 1)
    year[repeats] = np.clip(year[source] + shift, 2010, 2015)
    year[repeats] = np.where(year[repeats] == year[source], year[source] + np.where(year[source] >= 2013, -1, 1),
                             year[repeats])
    days = rng.integers(0, 365, size)
    people["cohort_year"] = year
    people["index_date"] = pd.to_datetime(year.astype(str), format="%Y") + pd.to_timedelta(days, unit="D")
    people["age"] = exact_age(people["date_of_birth"], people["index_date"])
    keep = (people["age"] >= 18) & (people["age"] <= 70)
    people.insert(0, "offender_id", ids)
    people.insert(1, "forename", forename)
    people.insert(2, "surname", surname)
    people = people[keep.to_numpy()].reset_index(drop=True)
    return pd.concat([people, draw_outcomes(rng, people)], axis=1)


SYNTHETIC_ID = r"A\d{7}"  # offender_ids() writes these; no national identifier looks like it (PNC: 2001/0123456A)
MIN_RECOGNISED = 100  # rows: fewer could be anyone's small test file that happens to use common names


def looks_synthetic(reference: pd.DataFrame) -> bool:
    """Reference data that only `jdlspec synth` writes: every identifier of its form and every name from its lists.
    The Parquet mark (engine.results.SYNTHETIC_MARK) is lost when a program rewrites the file (pandas'
    read_parquet then to_parquet keeps no other schema metadata), or saves it as CSV or Excel; the data are the same,
    so they are recognised by what they hold. Real national data has thousands of surnames; these lists have 111."""
    if len(reference) < MIN_RECOGNISED or not {"offender_id", "forename", "surname"} <= set(reference.columns):
        return False
    forenames = {name for names in FORENAMES.values() for name in names}
    for column, known in (("forename", forenames), ("surname", set(SURNAMES))):
        values = pd.unique(reference[column].dropna().astype("string").str.strip())
        if not len(values) or not set(values) <= known:
            return False
    ids = reference["offender_id"].dropna().astype("string").str.strip()
    return bool(len(ids) == len(reference) and ids.str.fullmatch(SYNTHETIC_ID).all())
