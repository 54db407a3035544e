"""Is the linked national record the person the organisation meant, and which records are one person?

Linking on an identifier alone trusts it: a mistyped offender_id that belongs to someone else links a
stranger (a woman in a men's programme). So whatever else the submission holds (forename, surname, date of
birth, sex) is compared with the national record it links to, and a record that contradicts it is not
identified. The comparison forgives what honest data does: names compare as engine.stages.link.fold does
(case, spaces, hyphens, apostrophes, accents), and agree when one is the start of the other (an initial,
"Rob" and "Robert") or they share a part ("Smith-Jones" and "Smith"), so only a record where neither the
forename nor the surname agrees contradicts on names; a date of birth with day and month swapped agrees; sex
codes M/F, male/female and 1/2 (the ONS order) are one code, and any other value is not known; a missing
value contradicts nothing. A person with several national records (repeat index events) agrees when any
of them does.

One person under two identifiers (the same forename, surname, date of birth and sex in the submission, or two
keys that link to one national offender_id) is one person: `people` gives the records of one person one label,
and the duplicates step keeps one of them.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd

from engine.stages.keys import NAME_MARKS, PERSON, fold

SEX_CODES = {"m": "M", "male": "M", "man": "M", "1": "M", "f": "F", "female": "F", "woman": "F", "2": "F"}
NAME_PARTS = r"[\s\-\u2010-\u2015]+"  # "Smith-Jones", "Mary Ann": each part is compared on its own
# the fields compared, as messages name them
FIELDS = {"name": "name", "date_of_birth": "date of birth", "sex": "sex"}


def sex_codes(values: pd.Series) -> pd.Series:
    """'M', 'F' or missing (a value that is no sex code: not known, X, ...) for each value."""
    def code(value) -> str | None:
        if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
            return None
        if isinstance(value, (int, float)) and float(value).is_integer():
            value = int(value)
        return SEX_CODES.get(str(value).strip().casefold())
    values = values.astype("object")
    codes = values.map({value: code(value) for value in pd.unique(values.dropna())})  # a few codes, many rows
    return codes.astype("object").where(codes.notna(), None)


def unknown_sex_codes(values: pd.Series) -> np.ndarray:
    """Where a written value is not a sex code jdlspec compares (so that record's sex is not compared)."""
    written = values.notna() & (values.astype("string").str.strip() != "")
    return (written & sex_codes(values).isna()).to_numpy(dtype=bool)


def _fold_one(text: str) -> str:
    """One name folded as engine.stages.keys.fold folds a column (case, marks and accents dropped)."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not "\u0300" <= c <= "\u036f")
    return re.sub(NAME_MARKS, "", text.casefold())


def _names_agree(ours: pd.Series, theirs: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """For each pair of names: (both written, they agree): equal as folded, one the start of the other (an initial,
    'Rob' and 'Robert'), or sharing a part ('Smith-Jones' and 'Smith', 'Mary Ann' and 'Ann')."""
    folded: dict[str, tuple[str, set[str]]] = {"": ("", set())}  # each name once: (whole, parts), folded
    for name in pd.concat([ours, theirs]).dropna().astype(str).unique():
        folded[name] = _fold_one(name), {_fold_one(p) for p in re.split(NAME_PARTS, name)} - {""}
    compared, agrees = [], []
    for a, b in zip(ours.tolist(), theirs.tolist()):
        (whole_a, mine), (whole_b, other) = (folded["" if pd.isna(v) else str(v)] for v in (a, b))
        both = bool(whole_a) and bool(whole_b)
        compared.append(both)
        agrees.append(both and (whole_a.startswith(whole_b) or whole_b.startswith(whole_a) or bool(mine & other)))
    return np.array(compared, dtype=bool), np.array(agrees, dtype=bool)


def _same_birth(ours: pd.Series, theirs: pd.Series) -> pd.Series:
    """Equal dates, or the same date with day and month swapped (a typing slip, not another person)."""
    swapped = (ours.dt.year == theirs.dt.year) & (ours.dt.month == theirs.dt.day) & (ours.dt.day == theirs.dt.month)
    return (ours == theirs) | swapped


def contradictions(people: pd.DataFrame, theirs: pd.DataFrame, link_on: list[str]) -> pd.Series:
    """For each submitted record (index of `people`) found in `theirs` (the reference rows of the submitted
    people), the fields that contradict every national record of its key, as words ('date of birth, sex');
    empty where nothing does. Fields it is linked on are the same by definition and not compared."""
    names = [n for n in ("forename", "surname") if n not in link_on and n in people and n in theirs]
    fields = [n for n in ("date_of_birth", "sex") if n not in link_on and n in people and n in theirs]
    out = pd.Series("", index=people.index, dtype="object")
    if not names and not fields:
        return out
    ours = people.loc[people[PERSON].notna(), [PERSON, *names, *fields]].reset_index(names="_record")
    pairs = ours.merge(theirs[[PERSON, *names, *fields]], on=PERSON, suffixes=("", "_national"))
    if pairs.empty:
        return out
    compared, agrees = {}, {}
    if names:  # names contradict only when neither the forename nor the surname agrees
        verdicts = [_names_agree(pairs[n], pairs[f"{n}_national"]) for n in names]
        compared["name"] = np.any([c for c, _ in verdicts], axis=0)
        agrees["name"] = np.any([a for _, a in verdicts], axis=0)
    if "date_of_birth" in fields:
        a, b = pairs["date_of_birth"], pairs["date_of_birth_national"]
        compared["date_of_birth"] = (a.notna() & b.notna()).to_numpy()
        agrees["date_of_birth"] = _same_birth(a, b).fillna(False).to_numpy(dtype=bool)
    if "sex" in fields:
        a, b = sex_codes(pairs["sex"]), sex_codes(pairs["sex_national"])
        compared["sex"] = (a.notna() & b.notna()).to_numpy()
        agrees["sex"] = (a == b).to_numpy(dtype=bool)
    differ = pd.DataFrame({f: compared[f] & ~agrees[f] for f in compared})
    agree = pd.DataFrame({f: compared[f] & agrees[f] for f in compared})
    by_record = pd.DataFrame({"_record": pairs["_record"]})
    # a field contradicts when it was compared with some national record of the key and agreed with none
    contradicted = differ.groupby(by_record["_record"]).any() & ~agree.groupby(by_record["_record"]).any()
    words = pd.Series("", index=contradicted.index, dtype="object")
    for name in (f for f in FIELDS if f in contradicted):
        words = words + np.where(contradicted[name], np.where(words == "", "", ", ") + FIELDS[name], "")
    out.loc[words.index] = words.to_numpy()
    return out


def submitted_identity(people: pd.DataFrame) -> pd.Series:
    """forename|surname|date of birth|sex as the submission writes them (folded); missing unless the names and the
    date of birth are all there. Two records with one identity are one person, whatever their identifiers."""
    if not {"forename", "surname", "date_of_birth"} <= set(people.columns):
        return pd.Series(pd.NA, index=people.index, dtype="string")
    born = people["date_of_birth"].dt.strftime("%Y-%m-%d").astype("string")
    sex = sex_codes(people["sex"]).fillna("").astype("string") if "sex" in people else ""
    key = fold(people["forename"]).replace("", pd.NA) + "|" + fold(people["surname"]).replace("", pd.NA) + "|" + born
    return key + "|" + sex


def _details(people: pd.DataFrame) -> pd.Series:
    """Whatever of the names, date of birth and sex a record holds, folded, missing ones empty."""
    parts = [fold(people[n]).fillna("") for n in ("forename", "surname") if n in people]
    if "date_of_birth" in people:
        parts.append(people["date_of_birth"].dt.strftime("%Y-%m-%d").astype("string").fillna(""))
    if "sex" in people:
        parts.append(sex_codes(people["sex"]).fillna("").astype("string"))
    details = pd.Series("", index=people.index, dtype="string")
    for part in parts:
        details = details + "|" + part
    return details


class _Groups:
    """Union-find over record positions: records joined by any rule end in one group."""

    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def join(self, keys: pd.Series) -> None:
        """Join the records sharing a (present) key."""
        first: dict = {}
        for i, key in enumerate(keys.tolist()):
            if key is None or key is pd.NA or (isinstance(key, float) and np.isnan(key)):
                continue
            if key in first:
                a, b = self.find(first[key]), self.find(i)
                if a != b:
                    self.parent[max(a, b)] = min(a, b)
            else:
                first[key] = i


def people_of(people: pd.DataFrame, differs: pd.Series, national_ids: pd.Series | None) -> pd.Series:
    """A label per record (index of `people`): one label for the records of one person. A record shares its
    person with those of the same link key, of the same submitted identity, or (`national_ids`: linking on
    names) linked to the same national offender_id. A record that contradicts its national record is not the
    person of its key: it joins only the records of its own identity (or that key with the same details)."""
    groups = _Groups(len(people))
    key = people[PERSON].astype("object")
    bad = differs.reindex(people.index).fillna("").astype(bool).to_numpy()
    identity = submitted_identity(people)
    groups.join(key.where(~bad, None))
    same_details = (people[PERSON].astype("string") + "|" + _details(people)).astype("object")
    groups.join(same_details.where(bad, None))  # one stranger's key typed twice for one person: one person
    groups.join(identity)
    if national_ids is not None:
        groups.join(national_ids.reindex(people.index).astype("object").where(~bad, None))
    return pd.Series([groups.find(i) for i in range(len(people))], index=people.index)


def _fold_each(values: pd.Series) -> pd.Series:
    """fold, worked out once per distinct value (a name column repeats a few thousand names)."""
    codes, distinct = pd.factorize(values.astype("string"))
    folded = fold(pd.Series(distinct, dtype="string")).to_numpy(dtype=object)
    return pd.Series(np.where(codes >= 0, folded[np.maximum(codes, 0)] if len(folded) else None, None), index=values.index)


def _identities(frame: pd.DataFrame) -> pd.DataFrame:
    """Forename and surname folded, date of birth, and sex code ('' unknown), one column each."""
    out = pd.DataFrame({"forename": _fold_each(frame["forename"]), "surname": _fold_each(frame["surname"]),
                        "date_of_birth": frame["date_of_birth"]}, index=frame.index)
    if "sex" in frame:
        out["sex"] = sex_codes(frame["sex"]).fillna("")
    return out


def national_twins(reference: pd.DataFrame, theirs: pd.DataFrame, keys: pd.Series) -> list[str]:
    """A warning when the reference data holds a submitted person (`keys`, found and not contradicted) under two
    or more offender_ids: the same forename, surname, date of birth (and sex, where it has one) under another
    identifier is this person's record too, not linked, and may stand in the comparison pool for them."""
    needed = {"offender_id", "forename", "surname", "date_of_birth"}
    if keys.empty or not needed <= set(reference.columns):
        return []
    mine = theirs[theirs[PERSON].isin(set(keys))]
    near = reference[reference["date_of_birth"].isin(mine["date_of_birth"].dropna().unique())]  # only these are folded
    if near.empty:
        return []
    wanted = _identities(mine).dropna().drop_duplicates()
    found = _identities(near).assign(offender_id=near["offender_id"].astype("string")).merge(wanted)
    columns = list(wanted.columns)
    counts = found.groupby(columns)["offender_id"].transform("nunique")
    twins = found[counts > 1]
    if twins.empty:
        return []
    ids = sorted(sorted(set(v.dropna())) for _, v in twins.groupby(columns)["offender_id"])
    n = len(ids)
    shown = "; ".join(" and ".join(v) for v in ids[:3]) + (f" and {n - 3} more" if n > 3 else "")
    same = "forename, surname, date of birth and sex" if "sex" in columns else "forename, surname and date of birth"
    return [f"the reference data holds {n} submitted {'person' if n == 1 else 'people'} under two or more "
            f"offender_ids ({shown}: the same {same}); only the records of the "
            f"identifier the submission links to are used, and the other may stand in the comparison pool for "
            f"{'that person' if n == 1 else 'those people'}: ask whoever keeps the national data to merge them"]
