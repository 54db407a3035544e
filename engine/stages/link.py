"""Link the submission to the reference data and apply the exclusion steps (docs/architecture.md §1.2).

Each step removes people and is counted, in the spec's order; the counts are the report's
"Numbers of people" flow. Participants, wherever they drop out, never enter the comparison pool.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from engine.measures import OUTCOME_COLUMNS
from engine.results import AttritionStep
from engine.spec.models import ALL_EXCLUSIONS, Spec

PERSON = "_person"  # the link key of a submitted record (offender id, or folded name and birth date)
ROW = "_row"  # the chosen reference row of a submitted record
REFERENCE_ROW = "_reference_row"  # a record's position in the reference data: nearest matching breaks exact ties by it


@dataclass(frozen=True)
class Cohort:
    """Who is analysed, who they are compared with, and how many fell out at each step."""

    participants: pd.DataFrame  # reference rows (the chosen index events) of the people who passed every step
    pool: pd.DataFrame  # reference rows of everyone else: the comparison pool before any analysis restricts it
    not_analysed: pd.DataFrame  # a reference row for each identified participant excluded before matching
    not_identified_n: int  # people with no record at all in the reference data
    attrition: list[AttritionStep]
    identified_n: int = 0  # submitted records found in the reference data (the link rate's numerator)
    warnings: list[str] = field(default_factory=list)  # what linking noticed and went on with
    # the records the step 'not identified' removed: record_id, position (row of the submission) and reason
    unlinked: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["record_id", "position", "reason"]))


# why a record is not identified, in the order they are looked for (validate counts each; --unlinked lists them)
NO_IDENTIFIER = "no identifier"  # a link field other than the date of birth is blank
NO_BIRTH_DATE = "no date of birth"  # linking on names, the date of birth is blank
NOT_FOUND = "not found"  # the key is complete, and nobody in the reference data has it
UNLINKED_REASONS = (NO_IDENTIFIER, NO_BIRTH_DATE, NOT_FOUND)


def unlinked_reasons(people: pd.DataFrame, link_on: list[str]) -> pd.Series:
    """For records whose link key is missing or unknown, why: a blank identifier, a blank date of birth, or not found."""
    blank = pd.Series(False, index=people.index)
    for name in link_on:
        if name != "date_of_birth":
            blank |= link_key(people, [name]).isna()
    no_birth = people["date_of_birth"].isna() if "date_of_birth" in link_on else pd.Series(False, index=people.index)
    return pd.Series(np.where(blank, NO_IDENTIFIER, np.where(no_birth, NO_BIRTH_DATE, NOT_FOUND)), index=people.index)


NAME_MARKS = r"[\s\-\u2010-\u2015\u2212'`\u00b4\u2018\u2019\u02bc.,]+"  # spaces, hyphens, apostrophes, dots


def fold(text: pd.Series) -> pd.Series:
    """Names compared as people recognise them: ' o'Brien  ', "O’BRIEN" and "OBrien" link, as do
    "Zoë" in composed or decomposed Unicode and "Zoe" (accents dropped after NFKD), "Smith-Jones" and "Smith Jones"."""
    text = text.astype("string")
    if not _ascii(text):
        text = text.str.normalize("NFKD").str.replace(r"[\u0300-\u036f]", "", regex=True)
    return text.str.casefold().str.replace(NAME_MARKS, "", regex=True)


ASCII_SPACE = "[\t\n\x0b\f\r\x1c-\x1f ]+"  # what Python's \s matches among ASCII characters


def fold_id(text: pd.Series) -> pd.Series:
    """Identifiers compared without case or spaces: ' a0300001' links to 'A0300001'. Leading zeros are kept:
    '0012' and '12' may be different people (diagnose.py says when IDs look like they lost them).
    ASCII identifiers (the usual case) are folded by Arrow: pandas runs this regex in Python, 1 s a million."""
    text = text.astype("string")
    if not _ascii(text):
        return text.str.normalize("NFKC").str.upper().str.replace(r"\s+", "", regex=True)
    folded = pc.utf8_upper(pa.array(text, type=pa.string()))  # not ascii_upper: pyarrow 26 gets offset chunks wrong
    if pc.any(pc.match_substring_regex(folded, ASCII_SPACE)).as_py():  # finding is 3x quicker than replacing
        folded = pc.replace_substring_regex(folded, ASCII_SPACE, "")
    return pd.Series(pd.array(folded, dtype=text.dtype), index=text.index)


def _ascii(text: pd.Series) -> bool:
    """True when every value is ASCII, so Unicode normalisation (slow on millions of rows) has nothing to do."""
    return bool(pc.all(pc.string_is_ascii(pa.array(text, type=pa.string()))).as_py() is not False)


def link_key(frame: pd.DataFrame, link_on: list[str]) -> pd.Series:
    """One text key per row from the linking fields; missing when any field is missing."""
    parts = []
    for name in link_on:
        column = frame[name]
        if name == "date_of_birth":
            part = pd.Series(column.to_numpy().astype("datetime64[D]").astype(np.int64), index=column.index)
            part = part.astype("string").mask(column.isna())
        elif name == "offender_id":
            part = fold_id(column)
        else:
            part = fold(column)
        parts.append(part.replace("", pd.NA))
    key = parts[0]
    for part in parts[1:]:
        key = key + "|" + part
    return key


def among(keys: pd.Series, known: pd.Series) -> pd.Series:
    """keys.isin(known) for text keys, through Arrow: pandas' own isin loops in Python over a
    large value set (5 s for a million reference records)."""
    found = pc.is_in(pa.array(keys, type=pa.string()), value_set=pa.array(known.dropna(), type=pa.string()))
    return pd.Series(pc.fill_null(found, False).to_numpy(zero_copy_only=False), index=keys.index)


def choose_index_events(people: pd.DataFrame, theirs: pd.DataFrame, spec: Spec) -> pd.Series:
    """For each submitted person, the reference row (of `theirs`, the rows of the submitted people) whose
    follow-up year the programme falls in.

    The programme start may lie from `days_before_index` before the index date to
    `days_after_index` after it; of several such events the one nearest the start wins
    (an earlier index date breaks a tie). Returns the reference row label, or missing.
    """
    candidates = people[[PERSON, "start_date"]].reset_index(names="_record").merge(
        theirs[[PERSON, "index_date"]].reset_index(names=ROW), on=PERSON
    )
    offset = (candidates["start_date"] - candidates["index_date"]).dt.days
    inside = (offset >= -spec.data.days_before_index) & (offset <= spec.data.days_after_index)
    candidates = candidates[inside].assign(_distance=offset[inside].abs())
    best = candidates.sort_values(["_record", "_distance", "index_date", ROW]).drop_duplicates("_record")
    return best.set_index("_record")[ROW].reindex(people.index)


def link_and_exclude(spec: Spec, reference: pd.DataFrame, submission: pd.DataFrame) -> Cohort:
    """Apply the spec's exclusion steps (in the fixed Justice Data Lab order) and split the reference data into participants and pool."""
    link_on = list(spec.data.link_on)
    reference = reference.assign(**{PERSON: link_key(reference, link_on), REFERENCE_ROW: np.arange(len(reference))})
    copy = submission.duplicated(keep="first")  # a row pasted twice (engine.inputs.values.record_ids lets it through)
    people = submission.assign(**{PERSON: link_key(submission, link_on)})
    people = people.sort_values(["start_date", "record_id"], kind="stable")  # stable: a copy stays after its row
    submitted = among(reference[PERSON], people[PERSON])  # the reference rows of the submitted people
    theirs = reference[submitted]
    people[ROW] = choose_index_events(people, theirs, spec)
    identified = among(people[PERSON], reference[PERSON])

    attrition = [AttritionStep(step="submitted", removed=0, remaining=len(people))]
    unlinked = people.index[:0]
    keep = pd.Series(True, index=people.index)
    for step in [step for step in ALL_EXCLUSIONS if step in spec.exclusions]:  # the JDL's order, always
        if step == "duplicates":
            # one person's records (the same link key) and exact copies of a row; records with a missing key
            # cannot be shown to be the same person, so each stays unless it is a copy
            drop = (people[PERSON].notna() & people[PERSON].duplicated(keep="first")) | copy
        elif step == "not_identified":
            drop = ~identified
        elif step == "no_matching_sentence":
            drop = people[ROW].isna()
        else:  # sexual_offence
            rows = people[ROW].dropna().astype(np.int64)
            history = pd.Series(False, index=people.index)
            history[rows.index] = reference.loc[rows.to_numpy(), "sexual_offence_history"].to_numpy() == 1
            drop = history
        removed = keep & drop
        if step == "not_identified":
            unlinked = people.index[removed.to_numpy()]
        keep &= ~drop
        attrition.append(AttritionStep(step=step, removed=int(removed.sum()), remaining=int(keep.sum())))

    chosen = people[keep].sort_index()  # the submission's order
    participants = reference.loc[chosen[ROW].astype(np.int64).to_numpy()].copy()
    participants["record_id"] = chosen["record_id"].to_numpy()
    participants["start_date"] = chosen["start_date"].to_numpy()
    participants = participants.reset_index(drop=True)

    in_pool = ~submitted
    if "sexual_offence" in spec.exclusions:
        in_pool &= reference["sexual_offence_history"] != 1
    pool = reference.drop(columns=PERSON)[in_pool].reset_index(drop=True)  # millions of rows: no key to copy

    dropped = set(people.loc[identified, PERSON]) - set(chosen[PERSON])
    latest = theirs[among(theirs[PERSON], pd.Series(sorted(dropped), dtype="string"))].sort_values([PERSON, "index_date"], kind="stable")
    not_analysed = latest.drop_duplicates(PERSON, keep="last").reset_index(drop=True)
    unidentified = people.loc[~identified & ~copy, PERSON]
    not_identified_n = int(unidentified.dropna().nunique() + unidentified.isna().sum())
    unlinked = people.loc[unlinked].sort_index()  # the submission's order
    unlinked = pd.DataFrame({"record_id": unlinked["record_id"].to_numpy(), "position": unlinked.index.to_numpy(),
                             "reason": unlinked_reasons(unlinked, link_on).to_numpy()})
    drop_columns = [PERSON]
    return Cohort(
        participants=participants.drop(columns=drop_columns),
        pool=pool,
        not_analysed=not_analysed.drop(columns=drop_columns),
        not_identified_n=not_identified_n,
        attrition=attrition,
        identified_n=int(identified.sum()),
        warnings=same_day_events(theirs, link_on),
        unlinked=unlinked,
    )


def same_day_events(theirs: pd.DataFrame, link_on: list[str]) -> list[str]:
    """Submitted people with two index events on one date whose outcomes differ: which one is
    "the" event is then arbitrary (the first in the file is used), so say so."""
    twins = theirs[theirs.duplicated([PERSON, "index_date"], keep=False)]
    outcomes = [c for c in OUTCOME_COLUMNS if c in twins]
    if twins.empty or not outcomes:
        return []
    differ = twins.groupby([PERSON, "index_date"], dropna=False)[outcomes].nunique(dropna=False).gt(1).any(axis=1)
    keys = differ[differ].index
    if not len(keys):
        return []
    shown = []
    for person, day in list(keys)[:3]:
        row = twins[(twins[PERSON] == person) & (twins["index_date"] == day)].iloc[0]
        who = " ".join(f"{row[c]:%Y-%m-%d}" if c == "date_of_birth" else str(row[c]) for c in link_on)
        shown.append(f"{who} on {day:%Y-%m-%d}")
    more = f" and {len(keys) - 3} more" if len(keys) > 3 else ""
    return [f"the reference data has two or more index events on the same date with different outcomes for "
            f"{len(keys)} submitted {'person' if len(keys) == 1 else 'people'} ({'; '.join(shown)}{more}); "
            "the first in the file is used"]
