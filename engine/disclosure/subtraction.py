"""Figures that give a small count back by subtraction: before-matching differences (all participants
minus the matched, the not-analysed minus the unmatched), a small pool's means, and a second
analysis a few people apart from another. engine.disclosure nulls what these name."""

from __future__ import annotations

import math
from bisect import bisect_left

from engine.disclosure.cells import PROFILE_FIELDS, after_count, differenced, hidden_cells, variable_cells, variables
from engine.results import AnalysisResult, BalanceRow, GroupProfile


def before_counter(analysis: AnalysisResult):
    """count(row, group) of all participants before matching, from the row's standardised difference
    before matching: the difference is monotone in the participants' share, so the nearest count is found."""
    pool = analysis.pool_n

    def smd(p: float, group: int, c: float) -> float:
        difference = p - c
        if difference == 0:
            return 0.0
        if analysis.balance_convention == "treated":
            return 100.0 * difference
        var_t = p * (1 - p) * group / (group - 1) if group > 1 else 0.0
        var_c = c * (1 - c) * pool / (pool - 1) if pool > 1 else 0.0
        sd = math.sqrt((var_t + var_c) / 2) or abs(difference)
        return 100.0 * difference / sd

    def count(row: BalanceRow, group: int) -> int | None:
        if row.smd_percent_before is None or group <= 0 or row.two_values is not None:  # unknown: fail closed
            return None
        c, target = row.comparison_mean_before, row.smd_percent_before
        k = bisect_left(range(group + 1), target, key=lambda j: smd(j / group, group, c))
        return min((j for j in (k - 1, k) if 0 <= j <= group), key=lambda j: abs(smd(j / group, group, c) - target))

    return count


def pool_hidden(analysis: AnalysisResult, threshold: int) -> set[str]:
    """Variables whose pool means before matching would show a count of 1 to t-1 pool records (a
    restricted pool can be small), with secondary suppression like any table."""
    def count(row: BalanceRow, group: int) -> int | None:
        return None if row.comparison_mean_before is None else round(row.comparison_mean_before * group)

    hide = set()
    for variable, indexes in variables(analysis.balance).items():
        found = variable_cells([analysis.balance[i] for i in indexes], analysis.pool_n, count)
        if found is None or hidden_cells(list(found[0].values()), found[2], threshold, list(found[0])):
            hide.add(variable)
    return hide


def before_hidden(raw: list[AnalysisResult], threshold: int, not_analysed: GroupProfile | None = None) -> set[str]:
    """Variables whose before-matching column is suppressed in every analysis: all participants before
    matching, or the unmatched ones (by subtraction), would show a cell under the threshold; or, with
    the profile's not-analysed group (the unmatched and the excluded), the excluded ones would."""
    hide: set[str] = set()
    for analysis in raw:
        n, n0 = analysis.treatment_n, analysis.treatment_n + analysis.unmatched_n
        count = before_counter(analysis)
        for variable, indexes in variables(analysis.balance).items():
            own = [analysis.balance[i] for i in indexes]
            before, after = variable_cells(own, n0, count), variable_cells(own, n, after_count)
            if before is None or after is None:
                hide.add(variable)
                continue
            names = list(before[0])
            if hidden_cells([before[0][k] for k in names], before[2], threshold, names) or \
                    differenced(before[0], after[0], before[2] - after[2], threshold):
                hide.add(variable)
            elif analysis.headline and not_analysed is not None and variable in PROFILE_FIELDS:
                unmatched = {k: before[0][k] - after[0].get(k, 0) for k in before[0]}
                others = {s.level: s.count or 0 for s in getattr(not_analysed, variable)}
                if differenced(others, unmatched, not_analysed.n - (before[2] - after[2]), threshold):
                    hide.add(variable)
    return hide


def between(raw: list[AnalysisResult], threshold: int) -> list[set[str]]:
    """Per analysis: the variables whose balance rows are suppressed because an earlier analysis (the
    headline first) published them for a group a few people larger or smaller (subtracting would
    describe those people). Measures are not: the published seeds print both analyses' outcomes."""
    order = sorted(range(len(raw)), key=lambda i: not raw[i].headline)
    out: list[set[str]] = [set() for _ in raw]
    for position, j in enumerate(order):
        for i in order[:position]:
            big, little = sorted((raw[i], raw[j]), key=lambda a: -a.treatment_n)
            big_rows, little_rows = variables(big.balance), variables(little.balance)
            for variable in big_rows.keys() & little_rows.keys():
                x = variable_cells([big.balance[k] for k in big_rows[variable]], big.treatment_n, after_count)
                y = variable_cells([little.balance[k] for k in little_rows[variable]], little.treatment_n, after_count)
                if x is None or y is None or differenced(x[0], y[0], x[2] - y[2], threshold):
                    out[j].add(variable)
    return out
