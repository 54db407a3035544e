"""Who was analysed and who was not: the "Profile of the treatment group" section (LPT seed).

Counts and percents only, so the report prints without computing. Small counts are marked
suppressed (report.suppress_below) because a percentage of two or three people can identify
them. A column that the reference data lacks gives an empty list, and the report leaves it out.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from engine.results import CUSTODIAL, NON_CUSTODIAL, GroupProfile, Profile, Share
from engine.spec.models import Spec
from engine.stages.link import Cohort

MISSING = "(missing)"


def shares(values: pd.Series, n: int, suppress_below: int, order: list[str] | None = None) -> list[Share]:
    """One Share per level (missing values are their own level), largest first unless an order is given."""
    if n == 0:
        return []
    text = values.astype("string").fillna(MISSING)
    counts = text.value_counts(sort=False)
    levels = sorted(counts.index, key=lambda level: (-int(counts[level]), str(level)))
    if order is not None:
        levels = [level for level in order if level in counts.index]
    return [
        Share(
            level=str(level),
            count=int(counts[level]),
            percent=100.0 * int(counts[level]) / n,
            suppressed=0 < int(counts[level]) < suppress_below,
        )
        for level in levels
    ]


def band_key(band: str) -> tuple[int, float]:
    """Sentence lengths in length order: 'Less than 12 months' < '1 to 4 years' < '10 years or more'."""
    lower = band.lower()
    found = re.search(r"\d+(\.\d+)?", lower)
    number = float(found.group()) if found else float("inf")
    if "month" in lower and "year" not in lower:
        number /= 12
    if lower.startswith(("less", "under", "up to")):
        return (0, number)
    if lower.startswith(("more", "over")) or "or more" in lower or "+" in lower:
        return (2, number)
    return (1, number)


def sentence_levels(group: pd.DataFrame) -> pd.Series | None:
    """'Non-custodial sentence' or 'Custodial sentence: <band>' per person, from disposal and band."""
    has_disposal = "disposal" in group.columns
    has_band = "custody_length_band" in group.columns
    if not (has_disposal or has_band):
        return None
    band = group["custody_length_band"].astype("string") if has_band else pd.Series(pd.NA, index=group.index)
    if has_disposal:
        disposal = group["disposal"].astype("string").str.lower()
        custodial = disposal.str.contains("custod", na=False) & ~disposal.str.startswith("non", na=False)
    else:
        custodial = band.notna() & ~band.str.lower().str.startswith("non", na=False)
    bandless = band.isna() | band.str.lower().str.startswith("non", na=False)
    labels = np.where(custodial, np.where(bandless, CUSTODIAL, CUSTODIAL + ": " + band.fillna("")), NON_CUSTODIAL)
    return pd.Series(labels, index=group.index, dtype="string")


def released_from_custody(group: pd.DataFrame) -> bool:
    """Was everyone's index event a release from custody? False when the data cannot tell (fail closed)."""
    levels = sentence_levels(group) if "disposal" in group.columns else None
    return bool(levels is not None and len(levels) and levels.str.startswith(CUSTODIAL).all())


def sentence_order(levels: pd.Series) -> list[str]:
    custodial = sorted({lv for lv in levels if lv.startswith(CUSTODIAL + ": ")}, key=lambda lv: band_key(lv[len(CUSTODIAL) + 2:]))
    plain = [lv for lv in (NON_CUSTODIAL, CUSTODIAL) if lv in set(levels)]
    return plain + custodial


def ages(group: pd.DataFrame) -> pd.Series | None:
    """Age at the index date: the `age` column, else computed from date of birth."""
    if "age" in group.columns and pd.api.types.is_numeric_dtype(group["age"]):
        return group["age"].astype("float64").dropna()
    if {"date_of_birth", "index_date"} <= set(group.columns):
        dob, on = group["date_of_birth"], group["index_date"]
        before = (on.dt.month < dob.dt.month) | ((on.dt.month == dob.dt.month) & (on.dt.day < dob.dt.day))
        return (on.dt.year - dob.dt.year - before.astype("Int64")).astype("float64").dropna()
    return None


def need_columns(group: pd.DataFrame) -> list[str]:
    return [c for c in group.columns if c.startswith("need_")]


def group_profile(group: pd.DataFrame, suppress_below: int, index_known: bool) -> GroupProfile:
    """The shares of one group; without index information only the demographics are filled in."""
    n = len(group)

    def column_shares(name: str) -> list[Share]:
        return shares(group[name], n, suppress_below) if name in group.columns else []

    age = ages(group) if index_known else None
    index_year: list[Share] = []
    sentence: list[Share] = []
    needs: list[Share] = []
    assessed_n = 0
    if index_known:
        if "index_date" in group.columns:
            years = group["index_date"].dt.year.astype("Int64").astype("string")
            index_year = shares(years, n, suppress_below, order=sorted(set(years.dropna())))
        levels = sentence_levels(group)
        if levels is not None:
            sentence = shares(levels, n, suppress_below, order=sentence_order(levels))
        columns = need_columns(group)
        if columns:
            values = group[columns].astype("float64")
            assessed = values.notna().any(axis=1)
            assessed_n = int(assessed.sum())
            if assessed_n:
                has = (values[assessed] == 1).sum()
                needs = [
                    Share(level=c, count=int(has[c]), percent=100.0 * int(has[c]) / assessed_n,
                          suppressed=0 < int(has[c]) < suppress_below)
                    for c in columns
                ]
                needs = sorted(needs, key=lambda s: -s.count)  # stable: ties keep the data's column order
    return GroupProfile(
        n=n,
        sex=column_shares("sex"),
        ethnicity=column_shares("ethnicity"),
        nationality=column_shares("nationality"),
        age_min=float(age.min()) if age is not None and len(age) else None,
        age_max=float(age.max()) if age is not None and len(age) else None,
        age_mean=float(age.mean()) if age is not None and len(age) else None,
        index_year=index_year,
        sentence=sentence,
        needs_assessed_n=assessed_n,
        needs_assessed_percent=100.0 * assessed_n / n if n and index_known else 0.0,
        needs=needs,
    )


def build_profile(cohort: Cohort, headline_treated: pd.DataFrame, spec: Spec) -> Profile:
    """The headline analysis's matched participants against the identified people who were not analysed.

    "Not analysed" is everyone found in the reference data who is not in the headline treatment
    group: those excluded before matching and those the headline analysis could not match. The
    people not found in the reference data at all are only counted (not_identified_n): the data
    cannot tell "not on the PNC" from "no record at all", so, unlike the LPT seed (30 not analysed,
    7 without records), our LPT run gives 76 individuals - 4 not identified - 39 analysed = 33.
    """
    suppress_below = spec.report.suppress_below
    participants = cohort.participants
    if "record_id" in participants.columns and "record_id" in headline_treated.columns:
        unmatched = participants[~participants["record_id"].isin(set(headline_treated["record_id"]))]
    else:  # the matched participants keep the participants' row labels
        unmatched = participants[~participants.index.isin(headline_treated.index)]
    common = [c for c in cohort.not_analysed.columns if c in unmatched.columns]
    not_analysed = pd.concat([cohort.not_analysed[common], unmatched[common]], ignore_index=True)
    return Profile(
        analysed=group_profile(headline_treated, suppress_below, index_known=True),
        not_analysed=group_profile(not_analysed, suppress_below, index_known=False),
        not_identified_n=cohort.not_identified_n,
    )
