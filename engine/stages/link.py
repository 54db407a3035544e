"""Link the submission to the reference data and apply the exclusion steps (docs/architecture.md §1.2).

Each step removes people and is counted, in the spec's order; the counts are the report's
"Numbers of people" flow. Participants, wherever they drop out, never enter the comparison pool.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from engine.measures import outcome_columns
from engine.results import AttritionStep
from engine.spec.models import ALL_EXCLUSIONS, Spec
from engine.stages.identity import contradictions, national_twins, people_of
from engine.stages.keys import PERSON, among, link_key

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
    # the records the step 'not identified' removed: record_id, position (row of the submission), reason, and for
    # a record whose details contradict its national record, which ones ('date of birth, sex'; else empty)
    unlinked: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=["record_id", "position", "reason", "differs"]))
    # records found to be one person under two or more link keys (engine/stages/identity.py): positions, kept first
    same_person: list[list[int]] = field(default_factory=list)


# why a record is not identified, in the order they are looked for (validate counts each; --unlinked lists them)
NO_IDENTIFIER = "no identifier"  # a link field other than the date of birth is blank
NO_BIRTH_DATE = "no date of birth"  # linking on names, the date of birth is blank
NOT_FOUND = "not found"  # the key is complete, and nobody in the reference data has it
DIFFERS = "details differ"  # found, but its name, date of birth or sex contradicts the national record: someone else
UNLINKED_REASONS = (NO_IDENTIFIER, NO_BIRTH_DATE, NOT_FOUND, DIFFERS)


def unlinked_reasons(people: pd.DataFrame, link_on: list[str], differs: pd.Series | None = None) -> pd.Series:
    """For records not identified, why: a blank identifier, a blank date of birth, not found, or details that
    contradict the national record their key links to (`differs`, non-empty)."""
    blank = pd.Series(False, index=people.index)
    for name in link_on:
        if name != "date_of_birth":
            blank |= link_key(people, [name]).isna()
    no_birth = people["date_of_birth"].isna() if "date_of_birth" in link_on else pd.Series(False, index=people.index)
    other = NOT_FOUND if differs is None else np.where(differs.reindex(people.index).fillna("") != "", DIFFERS, NOT_FOUND)
    return pd.Series(np.where(blank, NO_IDENTIFIER, np.where(no_birth, NO_BIRTH_DATE, other)), index=people.index)


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
    copy = copy.reindex(people.index)
    submitted = among(reference[PERSON], people[PERSON])  # the reference rows of the submitted people
    theirs = reference[submitted]
    found = among(people[PERSON], reference[PERSON])
    differs = contradictions(people[found], theirs, link_on).reindex(people.index).fillna("")  # a stranger's record
    identified = found & (differs == "")
    people[ROW] = choose_index_events(people, theirs, spec).where(identified)
    national = _national_ids(people, theirs, link_on, identified)
    person = people_of(people, differs, national)
    # of one person's records the first identified one is kept (then by start date, as before)
    first = person.loc[people.index[np.argsort(~identified.to_numpy(), kind="stable")]].duplicated(keep="first")

    attrition = [AttritionStep(step="submitted", removed=0, remaining=len(people))]
    unlinked = people.index[:0]
    keep = pd.Series(True, index=people.index)
    for step in [step for step in ALL_EXCLUSIONS if step in spec.exclusions]:  # the JDL's order, always
        if step == "duplicates":
            # one person's records (the same link key, or the same person under two keys) and exact copies of a row;
            # records with nothing to show they are one person stay, each on its own, unless they are copies
            drop = first.reindex(people.index) | copy
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

    # identified people not analysed: one key each (their first identified record's), none of an analysed person
    lost = identified & ~first.reindex(people.index) & ~person.isin(set(person[keep]))
    dropped = set(people.loc[lost, PERSON])
    latest = theirs[among(theirs[PERSON], pd.Series(sorted(dropped), dtype="string"))].sort_values([PERSON, "index_date"], kind="stable")
    not_analysed = latest.drop_duplicates(PERSON, keep="last").reset_index(drop=True)
    # people none of whose records was identified (copies of a row are not people)
    nobody = (~identified | copy).groupby(person).all()
    not_identified_n = int(person[~copy].drop_duplicates().isin(nobody[nobody].index).sum())
    unlinked = people.loc[unlinked].sort_index()  # the submission's order
    unlinked = pd.DataFrame({"record_id": unlinked["record_id"].to_numpy(), "position": unlinked.index.to_numpy(),
                             "reason": unlinked_reasons(unlinked, link_on, differs).to_numpy(),
                             "differs": differs.loc[unlinked.index].to_numpy()})
    keys = people.loc[identified, PERSON]
    return Cohort(
        participants=participants.drop(columns=[PERSON]),
        pool=pool,
        not_analysed=not_analysed.drop(columns=[PERSON]),
        not_identified_n=not_identified_n,
        attrition=attrition,
        identified_n=int(identified.sum()),
        warnings=same_day_events(theirs, link_on) + national_twins(reference, theirs, keys),
        unlinked=unlinked,
        same_person=_under_two_keys(people, person, first.reindex(people.index), copy),
    )


def _national_ids(people: pd.DataFrame, theirs: pd.DataFrame, link_on: list[str], identified: pd.Series):
    """Linking on names: the national offender_id each identified record links to (two keys that link to one
    offender_id are one person); None when linking on offender_id, whose key it is."""
    if "offender_id" in link_on or "offender_id" not in theirs:
        return None
    first = theirs.dropna(subset=["offender_id"]).sort_values(REFERENCE_ROW).drop_duplicates(PERSON)
    ids = people[PERSON].map(first.set_index(PERSON)["offender_id"].astype("string"))
    return ids.where(identified)


def _under_two_keys(people: pd.DataFrame, person: pd.Series, duplicate: pd.Series, copy: pd.Series) -> list[list[int]]:
    """The groups of records judged one person although their link keys differ (a missing key counts as its own):
    positions in the submission, the kept record first."""
    key = people[PERSON].astype("object").where(people[PERSON].notna(), pd.Series(people.index, index=people.index)
                                                .map(lambda i: f"_row{i}"))
    keys = key[~copy].groupby(person[~copy]).nunique()
    mixed = person[~copy & person.isin(keys[keys > 1].index)]
    groups = []
    for _, members in mixed.groupby(mixed):
        kept = [i for i in members.index if not duplicate.loc[i]]
        groups.append(kept + sorted(i for i in members.index if duplicate.loc[i]))
    return sorted(groups, key=min)


def same_day_events(theirs: pd.DataFrame, link_on: list[str]) -> list[str]:
    """Submitted people with two index events on one date whose outcomes differ: which one is
    "the" event is then arbitrary (the first in the file is used), so say so."""
    twins = theirs[theirs.duplicated([PERSON, "index_date"], keep=False)]
    outcomes = [c for c in outcome_columns() if c in twins]
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
