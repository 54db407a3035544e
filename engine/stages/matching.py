"""Matching on the logit propensity score (DESIGN §1.4).

The pool's scores are sorted once; each participant's caliper window is found by binary search,
so the cost is O((n + m) log m) and no participant × pool matrix is ever built (pools run to
millions of records). Radius matching spreads each participant's weight 1/k over the k pool
records in its window with a difference array. Nearest-neighbour matching follows R's MatchIt
4.7.2 (`nn_matchC_vec`): every record, participant or pool, is sorted by score and, on equal
scores, by its row in the data (R's stable sort); the nearer of the left and right candidates
wins (the left on a tie), matches are taken in rounds (every participant's first, then second
...), participants in descending score order (equal scores in row order).

The tie rule, stated once: among comparison records at the same distance, the one nearer the
participant in (score, data row) order wins, the lower side first. So with exact ties and
replacement, a participant listed before its tied pool records takes the first of them in the
data, and one listed after them takes the last: exactly MatchIt's choice given the same rows in
the same order. "Data row" is the record's row in the reference file (carried from linking);
without rows, the pool counts as listed first, in its own order, then the participants.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.errors import AnalysisError
from engine.spec.models import Matching


@dataclass(frozen=True)
class MatchResult:
    treated_matched: np.ndarray  # bool per participant: at least one comparison within the caliper
    control_weights: np.ndarray  # float per pool record; sums to treated_matched.sum()
    caliper_logit: float  # the caliper on the logit scale
    matches_per_treated: np.ndarray  # int per participant: comparison records matched to it
    pairs: np.ndarray | None = None  # nearest only: (participant index, pool index) rows, in match order


def caliper_width(treated_logit: np.ndarray, pool_logit: np.ndarray, caliper: float) -> float:
    """`caliper` standard deviations (ddof 1, as R's sd) of the score over participants and pool together.

    A two-pass mean and sum of squares over both arrays, so no concatenated copy of the pool is made.
    """
    n = treated_logit.size + pool_logit.size
    mean = (treated_logit.sum() + pool_logit.sum()) / n
    squares = np.sum((treated_logit - mean) ** 2) + np.sum((pool_logit - mean) ** 2)
    return float(caliper * np.sqrt(squares / (n - 1)))


def edges(centre: np.ndarray, width: float) -> tuple[np.ndarray, np.ndarray]:
    """The lowest and highest score d with |d - t| <= width, judged exactly in floating point.

    t ± width can land an ulp either side of that set; stepping to the neighbouring floats
    settles it, so a window holds exactly the records a brute-force comparison (or MatchIt) takes.
    """
    low, high = centre - width, centre + width
    for _ in range(8):
        low = np.where(centre - low > width, np.nextafter(low, np.inf), low)
        below = np.nextafter(low, -np.inf)
        low = np.where(centre - below <= width, below, low)
        high = np.where(high - centre > width, np.nextafter(high, -np.inf), high)
        above = np.nextafter(high, np.inf)
        high = np.where(above - centre <= width, above, high)
    return low, high


def windows(sorted_scores: np.ndarray, centre: np.ndarray, width: float) -> tuple[np.ndarray, np.ndarray]:
    """[lo, hi) of the sorted pool within the caliper of each centre, by binary search."""
    low, high = edges(centre, width)
    lo = np.searchsorted(sorted_scores, low, side="left")
    hi = np.searchsorted(sorted_scores, high, side="right")
    return lo, np.maximum(hi, lo)


def radius_match(treated_logit: np.ndarray, pool_logit: np.ndarray, width: float) -> MatchResult:
    """Every pool record within the caliper; participant i with k_i matches gives each 1/k_i."""
    order = np.argsort(pool_logit, kind="stable")
    sorted_scores = pool_logit[order]
    lo, hi = windows(sorted_scores, treated_logit, width)
    k = hi - lo
    matched = k > 0
    share = np.zeros(treated_logit.size)
    share[matched] = 1.0 / k[matched]
    m = pool_logit.size
    weight_steps = np.zeros(m + 1)
    cover_steps = np.zeros(m + 1, dtype=np.int64)
    np.add.at(weight_steps, lo[matched], share[matched])
    np.add.at(weight_steps, hi[matched], -share[matched])
    np.add.at(cover_steps, lo[matched], 1)
    np.add.at(cover_steps, hi[matched], -1)
    sorted_weights = np.cumsum(weight_steps[:m])
    covered = np.cumsum(cover_steps[:m]) > 0
    # the running sum leaves rounding crumbs where no window covers a record: those weigh exactly 0
    sorted_weights = np.where(covered, sorted_weights, 0.0)
    weights = np.empty(m)
    weights[order] = sorted_weights
    return MatchResult(matched, weights, width, k.astype(np.int64))


def data_rows(n: int, m: int, treated_row: np.ndarray | None, pool_row: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """Each record's row in the data; by default the pool first, in its order, then the participants."""
    if treated_row is None or pool_row is None:
        return np.arange(m, m + n, dtype=np.int64), np.arange(m, dtype=np.int64)
    return np.asarray(treated_row, dtype=np.int64), np.asarray(pool_row, dtype=np.int64)


def starts(s: np.ndarray, sorted_rows: np.ndarray, treated_logit: np.ndarray, treated_row: np.ndarray) -> np.ndarray:
    """How many pool records sort before each participant by (score, data row): its right neighbour's position."""
    lo = np.searchsorted(s, treated_logit, side="left")
    hi = np.searchsorted(s, treated_logit, side="right")
    out = lo.copy()
    for i in np.flatnonzero(hi > lo):  # exact ties with pool records: their rows decide
        out[i] = lo[i] + np.searchsorted(sorted_rows[lo[i] : hi[i]], treated_row[i], side="left")
    return out


def nearest_match(
    treated_logit: np.ndarray, pool_logit: np.ndarray, width: float, ratio: int, replace: bool,
    treated_row: np.ndarray | None = None, pool_row: np.ndarray | None = None,
) -> MatchResult:
    """MatchIt's nearest neighbour: up to `ratio` comparisons per participant within the caliper.

    `treated_row` and `pool_row` are the records' rows in the data (see the module's tie rule).
    """
    n, m = treated_logit.size, pool_logit.size
    treated_row, pool_row = data_rows(n, m, treated_row, pool_row)
    order = np.lexsort((pool_row, pool_logit))  # by score, then data row
    s = pool_logit[order]
    start = starts(s, pool_row[order], treated_logit, treated_row)
    used = np.zeros(m, dtype=bool)  # without replacement: sorted positions already taken
    taken: list[list[int]] = [[] for _ in range(n)]  # sorted positions matched to each participant
    # participants in descending score, equal scores in data order (R's order is stable)
    treated_order = np.lexsort((treated_row, -treated_logit))
    for _round in range(ratio):
        for i in treated_order:
            if _round > len(taken[i]):  # found nothing in an earlier round: nothing nearer now
                continue
            mine = taken[i]
            t = treated_logit[i]
            left = start[i] - 1
            while left >= 0 and ((not replace and used[left]) or left in mine):
                left -= 1
            right = start[i]
            while right < m and ((not replace and used[right]) or right in mine):
                right += 1
            left_ok = left >= 0 and abs(s[left] - t) <= width
            right_ok = right < m and abs(s[right] - t) <= width
            if left_ok and (not right_ok or abs(s[left] - t) <= abs(s[right] - t)):
                chosen = left
            elif right_ok:
                chosen = right
            else:
                continue
            mine.append(chosen)
            used[chosen] = True
    k = np.array([len(x) for x in taken], dtype=np.int64)
    matched = k > 0
    weights = np.zeros(m)
    pairs = []
    for i in range(n):
        for position in taken[i]:
            weights[order[position]] += 1.0 / k[i]
            pairs.append((i, int(order[position])))
    pair_array = np.array(pairs, dtype=np.int64).reshape(-1, 2)
    return MatchResult(matched, weights, width, k, pair_array)


def match_scores(
    treated_logit: np.ndarray, pool_logit: np.ndarray, matching: Matching,
    treated_row: np.ndarray | None = None, pool_row: np.ndarray | None = None,
) -> MatchResult:
    """Match participants to the pool on the logit score, as the spec's `matching` says.

    `treated_row` / `pool_row`: each record's row in the reference data, which breaks exact ties.
    """
    treated_logit = np.asarray(treated_logit, dtype=np.float64)
    pool_logit = np.asarray(pool_logit, dtype=np.float64)
    width = caliper_width(treated_logit, pool_logit, matching.caliper)
    if matching.method == "radius":
        result = radius_match(treated_logit, pool_logit, width)
    else:
        result = nearest_match(
            treated_logit, pool_logit, width, matching.ratio, matching.replace, treated_row, pool_row
        )
    if not result.treated_matched.any():
        raise AnalysisError(
            f"no participant has a comparison record within the caliper ({matching.caliper} standard deviations "
            f"of the score, {width:.4g} on the logit scale); widen matching.caliper or check the pool"
        )
    return result
