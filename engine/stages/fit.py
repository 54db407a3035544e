"""Does the comparison group fit the participants? The characteristics the model did not match on.

A matched comparison group is like the participants only in what the propensity model saw. When (nearly)
every participant shares a value of a characteristic the model did not use (all released from custody,
all women, all on community sentences) and the comparison group does not, the two groups are different
kinds of people whatever the balance of the matching variables says, and the spec should match on it
or restrict the pool. This finds such characteristics, in the pool before matching (`validate`) and in
the weighted comparison group after it (`run`), and makes balance rows for the characteristics a spec
asks to see without matching on them (`balance.additional`, as cobalt's `addl`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from engine.measures import outcome_columns
from engine.results import BalanceRow
from engine.spec.data import FILE_COLUMNS
from engine.spec.models import Analysis, Balance, Matching, Spec
from engine.stages.balance import balance_table
from engine.stages.encoding import MISSING, Encoding, is_categorical, level_label, sort_key

SHARED = 0.95  # a characteristic this share of participants have in common ...
GAP = 0.05  # ... that the comparison group has at least this share less of
NOT_CHARACTERISTICS = {*FILE_COLUMNS["reference"], *FILE_COLUMNS["submission"]}


@dataclass(frozen=True)
class Gap:
    """A value nearly every participant has and the comparison group (or pool) lacks."""

    variable: str
    value: str
    treated_share: float
    comparison_share: float


def unmatched(columns, spec: Spec, analysis: Analysis) -> list[str]:
    """The reference data's characteristics an analysis neither matches on nor restricts a pool by (a pool
    restriction in any analysis shows the spec chose how to treat it, as the seeds' region)."""
    used = set(spec.variables_for(analysis)) | {name for a in spec.analyses for name in a.pool}
    return [c for c in columns if c not in used and c not in NOT_CHARACTERISTICS and c not in outcome_columns() and not str(c).startswith("_")]


def gaps(treated: pd.DataFrame, group: pd.DataFrame, weights: np.ndarray | None, columns: list[str]) -> list[Gap]:
    """Each characteristic whose most common value among the participants is shared by SHARED of them and by
    at least GAP fewer of the comparison group (weighted by the matching weights after matching)."""
    found = []
    for name in columns:
        values = treated[name].dropna()
        if values.empty or group.empty:
            continue
        counts = values.value_counts()
        value, share = counts.index[0], counts.iloc[0] / len(treated)
        if share < SHARED:
            continue
        same = (group[name] == value).to_numpy(dtype=bool, na_value=False)
        comparison = float(same.mean() if weights is None else weights[same].sum() / weights.sum())
        if comparison < SHARED and share - comparison >= GAP:
            found.append(Gap(name, level_label(value), float(share), comparison))
    return found


def gap_warning(gap: Gap, number: int, spec: Spec, matched: bool) -> str:
    """One line: the analysis, the characteristic, both shares, and the keys that would make the groups alike."""
    analysis = spec.analyses[number]
    variables = f"analyses.{number}.variables" if analysis.variables is not None else "matching.variables"
    group = "the matched comparison group" if matched else "its comparison pool (before matching)"
    # a pool the analysis already has is added to, not replaced (the Regional analysis keeps its region)
    pool = (f"add {gap.variable}: [{gap.value}] to analyses.{number}.pool" if analysis.pool else
            f"restrict the pool with analyses.{number}.pool: {{{gap.variable}: [{gap.value}]}}")
    return (f"analysis {analysis.name}: {gap.treated_share:.0%} of participants have {gap.variable} "
            f"{gap.value}, but only {gap.comparison_share:.0%} of {group}, and the analysis does not match on "
            f"{gap.variable}; add {gap.variable} to {variables}, or {pool}")


def additional_rows(treated: pd.DataFrame, pool: pd.DataFrame, weights: np.ndarray, treated_matched: np.ndarray,
                    variables: list[str], matching: Matching, thresholds: Balance) -> list[BalanceRow]:
    """Balance rows of characteristics shown but not matched on: the model never saw them, so their levels
    need not be shared (a level only the pool has is the point of showing them)."""
    encodings = [_described(treated, pool, name, matching) for name in variables if name in pool and name in treated]
    return balance_table(treated, pool, encodings, weights, treated_matched, thresholds)


def poorly_balanced(rows: list[BalanceRow], variables: list[str], name: str) -> list[str]:
    """A warning for each characteristic shown but not matched on whose balance is poor."""
    worst = {v: max((abs(r.smd_percent) for r in rows if r.variable == v and r.quality == "poorly"), default=None)
             for v in variables}
    return [f"analysis {name}: {v}, shown but not matched on (balance.additional), is poorly balanced "
            f"(standardised difference {size:.0f}%); consider matching on it" for v, size in worst.items()
            if size is not None]


def _described(treated: pd.DataFrame, pool: pd.DataFrame, name: str, matching: Matching) -> Encoding:
    """A characteristic's terms for the balance table, from both groups' values, with no checks for the model."""
    t_col, p_col = treated[name], pool[name]
    if any(is_categorical(c, name, matching) for c in (t_col, p_col)):
        values = sorted(set(pd.unique(t_col.dropna())) | set(pd.unique(p_col.dropna())), key=sort_key)
        labels = [level_label(v) for v in values]
        if t_col.isna().any() or p_col.isna().any():
            values, labels = [*values, np.nan], [*labels, MISSING]
        return Encoding(name, True, tuple(labels), tuple(values), labels[0] if labels else None)
    return Encoding(name, False, has_missing=bool(t_col.isna().any() or p_col.isna().any()))
