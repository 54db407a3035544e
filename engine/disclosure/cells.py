"""Cells: the counts of people a published figure stands for, and which of them to hide
(engine.disclosure applies the rules; this module only counts and chooses)."""

from __future__ import annotations

from engine.results import BalanceRow

MISSING = "(missing)"
YES, NO, RECORDED = "(yes)", "(no)", "(recorded)"  # the cells a number's own row stands for
PROFILE_FIELDS = ("sex", "ethnicity", "nationality", "index_year", "sentence")  # shares adding up to the group
Cells = dict[str, int]


def small(count: int, threshold: int) -> bool:
    return 0 < count < threshold


def hidden_cells(counts: list[int], total: int, threshold: int, names: list[str] | None = None,
                 start: set[int] | frozenset[int] = frozenset()) -> set[int]:
    """Indexes of the cells to suppress in a set of counts that, with any unlisted remainder, add up to
    total; `start` are cells already hidden elsewhere, `names` break ties between equal counts."""
    if threshold <= 0:
        return set(start)
    names = names or [f"{i:06d}" for i in range(len(counts))]
    hidden = set(start) | {i for i, c in enumerate(counts) if small(c, threshold) or small(total - c, threshold)}
    remainder = total - sum(counts)  # people in no listed cell: derivable, so it counts as a cell
    while True:
        hidden_people = sum(counts[i] for i in hidden) + max(remainder, 0)
        hidden_cells_n = len(hidden) + (remainder > 0)
        exposed = any(counts[i] > 0 for i in hidden) or small(remainder, threshold)
        if not exposed or (hidden_cells_n >= 2 and hidden_people >= threshold):
            return hidden
        candidates = [i for i, c in enumerate(counts) if i not in hidden and c > 0]
        if not candidates:
            return hidden
        hidden.add(min(candidates, key=lambda i: (counts[i], names[i])))


def differenced(big: Cells, little: Cells, people: int, threshold: int) -> bool:
    """Would subtracting one group's cells from a larger group's (people more of them) show a cell
    under the threshold? Cells that fall (the groups are not nested) count as shown, failing closed."""
    if people == 0:
        return any(big.get(k, 0) != little.get(k, 0) for k in big.keys() | little.keys())
    for key in big.keys() | little.keys():
        k = big.get(key, 0) - little.get(key, 0)
        if k < 0 or small(k, threshold) or small(people - k, threshold):
            return True
    return False


def variables(rows: list[BalanceRow]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for i, row in enumerate(rows):
        out.setdefault(row.variable, []).append(i)
    return out


def variable_cells(rows: list[BalanceRow], n: int, count) -> tuple[Cells, dict[str, int], int] | None:
    """A variable's cells, the row each shows and the people they add up to; count(row, group) -> people
    or None. A category's levels (its not-recorded level included) add up to the group; a number's
    cells to the people it is recorded for (its mean's denominator: how many were not recorded is
    published, as the seeds print how many had their risks and needs assessed)."""
    missing_row = next((r for r in rows if r.level == MISSING), None)
    categorical = any(r.level not in (None, MISSING) for r in rows)
    missing = count(missing_row, n) if missing_row is not None else 0
    if missing is None:
        return None
    cells: Cells = {MISSING: missing} if categorical and missing_row is not None else {}
    shown = {MISSING: rows.index(missing_row)} if cells else {}
    recorded = n if categorical else n - missing
    for i, row in enumerate(rows):
        if row.level == MISSING:
            continue
        if row.level is not None:
            cells[row.level], shown[row.level] = count(row, n), i
        elif row.binary or row.two_values is not None:
            yes = count(row, recorded)
            names = (YES, NO) if row.two_values is None else tuple(f"{v:g}" for v in reversed(row.two_values))
            cells[names[0]], cells[names[1]] = yes, (None if yes is None else recorded - yes)
            shown[names[0]] = shown[names[1]] = i
        else:
            cells[RECORDED], shown[RECORDED] = recorded, i
    if any(v is None for v in cells.values()):
        return None
    return cells, shown, recorded


def after_count(row: BalanceRow, group: int) -> int | None:
    """People of the group a row's participant mean counts (of a two-valued number: those with the higher)."""
    if row.treatment_mean is None:
        return None
    if row.two_values is not None:
        low, high = row.two_values
        return round((row.treatment_mean - low) / (high - low) * group)
    return round(row.treatment_mean * group)
