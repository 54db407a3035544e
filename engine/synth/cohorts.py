"""The two seed programmes' participants, planted in the national data (docs/architecture.md §5).

A `Plan` states the published flow (records, duplicates, not identified, no matching event,
sexual offences, analysed) and the analysed group's profile and outcomes. Its people are drawn
from the national model with their published characteristics fixed, then their outcomes are
set exactly. "Outliers" have records far beyond anyone in the pool, so no comparison lies within
the caliper; a "pool-only" participant is matched only through planted look-alikes ("twins") that
a restricted analysis (London only; with needs) does not see.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from engine.measures import OUTCOME_COLUMNS
from engine.synth.national import draw_outcomes, draw_people


@dataclass(frozen=True)
class Plan:
    """One programme's submission and the published facts it must reproduce."""

    prefix: str  # short name: "LPT" or "MC" (also the record_id prefix)
    duplicates: int
    not_identified: int
    no_matching_event: int
    sexual: int
    outliers: int  # unmatched in every analysis
    analysed: dict  # column -> {level: count} over the analysed (matched) group
    sentences: dict  # 'community' / 'suspended' / custody band -> count
    years: dict  # index year -> count
    needs: dict  # need -> count among the assessed analysed people
    assessed: int
    counts: list[int]  # re-offences of each analysed re-offender
    days_total: int  # sum of their days to first re-offence
    days_sd: float
    fixed: dict = field(default_factory=dict)  # columns every planted person shares
    shift: float = 0.0  # criminality of the participants relative to the national average
    ages: tuple[int, int, float] = (18, 25, 21.0)  # min, max, mean


def exact_levels(rng: np.random.Generator, counts: dict, n: int) -> np.ndarray:
    """A shuffled array holding each level exactly its count times (padded with the first level)."""
    values = [level for level, k in counts.items() for _ in range(k)]
    values += [next(iter(counts))] * (n - len(values))
    return rng.permutation(np.asarray(values, dtype=object))


def planted_days(total: int, n: int, sd: float) -> np.ndarray:
    """n whole days in 1..365 with the given sum and about the given spread (normal scores, adjusted)."""
    from scipy import stats

    scores = stats.norm.ppf((np.arange(n) + 0.5) / n)
    days = np.clip(np.round(total / n + sd * scores / scores.std()), 1, 365)
    for i in range(10_000):
        gap = total - int(days.sum())
        if gap == 0:
            break
        j = i % n if gap > 0 else n - 1 - i % n
        days[j] = np.clip(days[j] + np.sign(gap), 1, 365)
    return days


def ages(rng: np.random.Generator, n: int, low: int, high: int, mean: float) -> np.ndarray:
    """Ages in low..high, skewed towards low, with about the given mean."""
    spread = (mean - low) / (high - low)
    return np.clip(low + np.round(rng.beta(2.0 * spread / (1 - spread), 2.0, n) * (high - low)), low, high).astype(int)


def dated(frame_fixed: dict, index_date: pd.Series) -> dict:
    """Fixed columns with the index date split into cohort year and day of year."""
    return {**frame_fixed, "cohort_year": index_date.dt.year.to_numpy(),
            "_day": (index_date.dt.day_of_year - 1).to_numpy()}


def draw_group(rng, plan: Plan, index_date: pd.Series, fixed: dict | None = None) -> pd.DataFrame:
    """People with the plan's shared columns and given index dates, drawn from the national model."""
    n = len(index_date)
    base = {k: np.full(n, v, dtype=object) for k, v in plan.fixed.items()}
    base["age"] = ages(rng, n, *plan.ages)
    base["_z"] = rng.normal(plan.shift, 0.6, n)
    base["sexual_offence_history"] = np.zeros(n, dtype=int)
    frame = draw_people(rng, n, dated({**base, **(fixed or {})}, index_date))
    return pd.concat([frame, draw_outcomes(rng, frame)], axis=1)


def analysed_group(rng, plan: Plan, index_date: pd.Series, fixed: dict) -> pd.DataFrame:
    """The analysed participants: exact profile counts, exact needs counts, exact outcomes."""
    n = len(index_date)
    fixed = {**fixed, **{column: exact_levels(rng, counts, n) for column, counts in plan.analysed.items()}}
    assessed = rng.permutation(np.arange(n) < plan.assessed)
    fixed["_assessed"] = assessed
    for need, k in plan.needs.items():
        values = np.full(n, np.nan)
        values[assessed] = rng.permutation(np.arange(plan.assessed) < k).astype(float)
        fixed[f"need_{need}"] = values
    frame = draw_group(rng, plan, index_date, fixed)
    return set_outcomes(rng, frame, plan.counts, planted_days(plan.days_total, len(plan.counts), plan.days_sd))


def set_outcomes(rng, frame: pd.DataFrame, counts: list[int], days: np.ndarray) -> pd.DataFrame:
    """len(counts) randomly chosen rows re-offend with these counts and days; the rest do not."""
    n = len(frame)
    chosen = rng.permutation(n)[: len(counts)]
    who = np.zeros(n, dtype=bool)
    who[chosen] = True
    out = frame.copy()
    out["reoffended"] = who.astype(int)
    reoffences = np.zeros(n, dtype=int)
    reoffences[chosen] = counts
    out["reoffences"] = reoffences
    times = np.full(n, np.nan)
    times[chosen] = rng.permutation(days)
    out["days_to_first_reoffence"] = times
    out["reoffence_custody"] = (who & (rng.random(n) < 0.3)).astype(int)
    out["reoffence_severity"] = np.where(who, np.where(rng.random(n) < 0.6, "low", "medium"), "none").astype(object)
    planted = {"reoffended", "reoffences", "days_to_first_reoffence", "reoffence_custody", "reoffence_severity"}
    if unplanted := [c for c in OUTCOME_COLUMNS if c not in planted and c in out]:
        # a measure added to the registry and to draw_outcomes: its column here would keep the values drawn for
        # other people, and contradict the planted re-offences
        raise ValueError(f"set_outcomes plants no {', '.join(unplanted)}: plant it beside the other outcomes")
    return out


def outlier_records(n: int, age: int, lowest: int) -> dict:
    """Criminal records no one in the national data comes near (previous offences beyond its maximum)."""
    prev = lowest + 50 * np.arange(n)
    return {"age": np.full(n, age), "previous_offences": prev, "previous_custody": np.full(n, 10),
            "age_first_contact": np.full(n, 12), "employed_prior_year": np.zeros(n, int),
            "benefits_prior_year": np.ones(n, int)}


def twins_of(rng, person: pd.DataFrame, n: int, changes: dict) -> pd.DataFrame:
    """n pool records with this participant's matching characteristics except `changes`; own outcomes."""
    copies = pd.concat([person] * n, ignore_index=True)
    for column, values in changes.items():
        copies[column] = values
    copies["_z"] = rng.normal(0.0, 1.0, n)
    outcomes = draw_outcomes(rng, copies)
    return pd.concat([copies.drop(columns=outcomes.columns), outcomes], axis=1)
