"""Why people were lost, in plain words: few links, or nobody left after an exclusion step.

A run that loses everyone must name the step that lost them and the likely cause (an empty
ID column, IDs that lost their leading zeros, names swapped, start dates outside the
reference data's years), not fail later in the propensity model.
"""

from __future__ import annotations

import pandas as pd

from engine.results import AttritionStep
from engine.spec.models import Spec
from engine.stages.keys import among, fold_id, link_key

LOW_LINK_RATE = 0.8  # below this share of submitted records found, the run warns and says why
STEP_NAMES = {"duplicates": "duplicates", "not_identified": "not identified",
              "no_matching_sentence": "no matching sentence", "sexual_offence": "sexual offence"}
NAME_LINK = ["surname", "forename", "date_of_birth"]


def _filled(frame: pd.DataFrame, name: str) -> pd.Series:
    column = frame[name]
    if pd.api.types.is_string_dtype(column) or column.dtype == object:
        return column.notna() & (column.astype("string").str.strip() != "")
    return column.notna()


def _linked(reference: pd.DataFrame, submission: pd.DataFrame, link_on: list[str]) -> int:
    return int(among(link_key(submission, link_on), link_key(reference, link_on)).sum())


def why_few_linked(spec: Spec, reference: pd.DataFrame, submission: pd.DataFrame) -> list[str]:
    """Plain reasons why submitted records are not found: empty link fields, lost leading zeros, swaps."""
    link_on = list(spec.data.link_on)
    n = len(submission)
    reasons = []
    for name in link_on:
        empty = int((~_filled(submission, name)).sum())
        if empty == n:
            reason = f"{name} is empty in all {n:,} rows of the submission"
            other = NAME_LINK if name == "offender_id" else ["offender_id"]
            usable = all(c in submission and c in reference and _filled(submission, c).mean() > 0.5 for c in other)
            if usable and _linked(reference, submission, other):
                reason += f"; link on [{', '.join(other)}] instead?"
            reasons.append(reason)
        elif empty > n / 2:
            reasons.append(f"{name} is empty in {empty:,} of {n:,} rows of the submission")
        if not _filled(reference, name).any():
            reasons.append(f"{name} is empty in every row of the reference data")
    if reasons:
        return reasons
    base = _linked(reference, submission, link_on)
    if "offender_id" in link_on:
        zeros = lambda ids: fold_id(ids).str.replace(r"^([A-Z]*)0+(?=\d)", r"\1", regex=True)  # noqa: E731
        sub, ref = zeros(submission["offender_id"]), zeros(reference["offender_id"])
        found = among(sub, ref)
        if int(found.sum()) > base:
            example = submission["offender_id"][found & ~among(fold_id(submission["offender_id"]),
                                                                fold_id(reference["offender_id"]))].iloc[0]
            match = reference["offender_id"][ref == zeros(pd.Series([example])).iloc[0]].iloc[0]
            reasons.append(f"the IDs look like they lost or gained leading zeros: {int(found.sum()) - base:,} more "
                           f"records link when zeros are ignored (the submission's '{example}' is '{match}' in the "
                           "reference data); write the IDs exactly as the reference data does")
    if {"surname", "forename"} <= set(link_on):
        swapped = submission.rename(columns={"surname": "forename", "forename": "surname"})
        if _linked(reference, swapped, link_on) > base:
            reasons.append("forename and surname look swapped: more records link with the two columns exchanged")
    if "date_of_birth" in link_on:
        born = submission["date_of_birth"]
        flipped = pd.to_datetime(born.dt.strftime("%Y-%d-%m"), format="%Y-%m-%d", errors="coerce")
        known = link_key(reference, link_on)
        unlinked = ~among(link_key(submission, link_on), known)
        gained = int((unlinked & among(link_key(submission.assign(date_of_birth=flipped), link_on), known)).sum())
        if gained:
            reasons.append(f"dates of birth look like day and month are swapped: {gained:,} of the {int(unlinked.sum()):,} "
                           "records not found link with them exchanged; check how the dates were written")
    if not reasons and "offender_id" in link_on and base == 0:
        ours, theirs = submission["offender_id"].dropna(), reference["offender_id"].dropna()
        if len(ours) and len(theirs):
            reasons.append(f"no offender_id of the submission occurs in the reference data (the submission's "
                           f"'{ours.iloc[0]}', the reference data's '{theirs.iloc[0]}'); are they the same kind of ID?")
    return reasons


def link_warning(spec: Spec, reference: pd.DataFrame, submission: pd.DataFrame, identified: int) -> list[str]:
    """A warning when few submitted records are found in the reference data, with the reasons."""
    n = len(submission)
    if not n or identified >= LOW_LINK_RATE * n or identified == 0:
        return []
    reasons = why_few_linked(spec, reference, submission)
    because = f": {'; '.join(reasons)}" if reasons else ""
    return [f"only {identified:,} of {n:,} submitted records ({identified / n:.0%}) were found in the reference data "
            f"on [{', '.join(spec.data.link_on)}]{because}"]


def lost_everyone(spec: Spec, attrition: list[AttritionStep], reference: pd.DataFrame,
                  submission: pd.DataFrame, differ: int = 0) -> tuple[str | None, str] | None:
    """(the exclusion step that left nobody, or None for an empty submission; why), or None when people remain.
    `differ`: records found whose details contradict the national record their key links to."""
    if attrition[-1].remaining > 0:
        return None
    if attrition[0].remaining == 0:
        return None, "the submission has no records, only a header"
    step = next(s for s in attrition[1:] if s.remaining == 0)
    before = step.remaining + step.removed
    people = f"all {before:,} {'person' if before == 1 else 'people'}"
    if step.step == "not_identified":
        reasons = why_few_linked(spec, reference, submission)
        if differ:
            reasons.append(f"{differ:,} {'was' if differ == 1 else 'were'} found, but {'its' if differ == 1 else 'their'} "
                           "name, date of birth or sex contradicts the national record the key links to (someone "
                           "else's identifiers?)")
        found = "identified" if differ else "found"
        return step.step, (f"no one is left after the step 'not identified': none of the {before:,} people was {found} "
                           f"in the reference data on [{', '.join(spec.data.link_on)}]"
                           + (f": {'; '.join(reasons)}" if reasons else ""))
    if step.step == "no_matching_sentence":
        data = spec.data
        start, index = submission["start_date"], reference["index_date"]
        why = (f"no one is left after the step 'no matching sentence': {people} lack an index event from "
               f"{data.days_before_index} days before to {data.days_after_index} days after their programme start "
               f"(starts {start.min():%Y-%m-%d} to {start.max():%Y-%m-%d}; the reference data's index dates run "
               f"{index.min():%Y-%m-%d} to {index.max():%Y-%m-%d})")
        if step.removed and _linked(reference, submission, list(spec.data.link_on)) == 0:
            reasons = why_few_linked(spec, reference, submission)
            why += "; nobody was found in the reference data at all" + (f": {'; '.join(reasons)}" if reasons else "")
        return step.step, why
    if step.step == "sexual_offence":
        return step.step, f"no one is left after the step 'sexual offence': {people} have a sexual offence history"
    return step.step, f"no one is left after the step '{STEP_NAMES[step.step]}'"
