"""Matching on the logit propensity score (docs/architecture.md §1.4).

The pool's scores are sorted once; each participant's caliper window is found by binary search,
so the cost is O((n + m) log m) and no participant × pool matrix is ever built (pools run to
millions of records). Radius matching spreads each participant's weight 1/k over the k pool
records in its window with a difference array.

Nearest-neighbour matching is R's MatchIt 4.7.2 (`nn_matchC_vec` and `find_control_vec`, in
kosukeimai/MatchIt src/nn_matchC_vec.cpp and src/internal.cpp, release commit ac853e7), tie rule
included:

- Every record, participant or pool, is placed in one order: by score, equal scores by row in the
  data (R's stable `order(distance)`, nn_matchC_vec.cpp l.95).
- A participant's search walks out from its own place one place at a time, left first, then right,
  then left ... (internal.cpp l.273-304). Places held by participants, or by pool records already
  used up, are stepped over but still take their turn (l.306-312). Each side keeps up to `ratio`
  records within the caliper (l.320-330, 380-394) and stops early at a record with `ratio` found
  ones strictly nearer (l.340-360). So between equally near records on the two sides, the one
  fewer places away in that order is found first, the left one if as many places away.
- The found records are cut to the `ratio` nearest by std::partial_sort (std::sort when no more
  than `ratio` were found out of distance order; l.397-437). These are not stable: equally near
  records are kept and ordered as libstdc++'s heap and introsort leave them (transcribed below);
  with ratio 1, the record found first unless the other is strictly nearer.
- With replacement (`reuse.max >= n1`, also any single participant) MatchIt takes each
  participant's `ratio` matches in one search, participants in data order (matchit2nearest.R
  l.403-404, nn_matchC_vec.cpp l.287-348). Without it, matching goes in rounds of one match per
  participant, by descending score, equal scores in data order (`m.order = "largest"`, l.544, 682;
  nn_matchC_vec.cpp l.186-286); a participant's later rounds search outside the places of its
  earlier matches and accept nothing nearer than the farthest of them (internal.cpp l.202-247), and a
  participant with nothing found is not searched again.

So with exact ties the answer depends on the rows' order in the data, participants' rows
included: rows Ca, T1, T2, Cb with one score, 1:1 with replacement, give T1 → Ca and T2 → Cb.
"Data row" is the record's row in the reference file (carried from linking); without rows, the pool
counts as listed first, in its own order, then the participants. Each participant's search costs
O(ratio) steps once the next untaken record on each side is known (union-find links over taken
records), so matching stays near-linear in pool size after the one sort.
"""

from __future__ import annotations

from bisect import bisect_left, insort
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


def places(
    treated_logit: np.ndarray, pool_logit: np.ndarray, treated_row: np.ndarray, pool_row: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every record, participant or pool, in MatchIt's `order(distance)`: by score, equal scores in data order.

    Returns the pool in that order (indices into the pool), each of those pool records' place among all
    records, and each participant's place. One sort of n + m keys; nothing per pair.
    """
    m = pool_logit.size
    everyone = np.lexsort((np.concatenate([pool_row, treated_row]), np.concatenate([pool_logit, treated_logit])))
    is_pool = everyone < m
    pool_place = np.flatnonzero(is_pool)
    treated_place = np.empty(treated_logit.size, dtype=np.int64)
    treated_place[everyone[~is_pool] - m] = np.flatnonzero(~is_pool)
    return everyone[is_pool], pool_place, treated_place


# libstdc++'s std::partial_sort and std::sort (bits/stl_heap.h, bits/stl_algo.h), which MatchIt's
# find_control_vec uses to order its candidates by distance. Neither is stable, so among equally
# near candidates the one kept (and the column it lands in) is theirs, not a stable sort's.

def _adjust_heap(a: list, first: int, hole: int, length: int, value, less) -> None:
    top = second = hole
    while second < (length - 1) // 2:
        second = 2 * (second + 1)
        if less(a[first + second], a[first + second - 1]):
            second -= 1
        a[first + hole] = a[first + second]
        hole = second
    if length % 2 == 0 and second == (length - 2) // 2:
        second = 2 * (second + 1)
        a[first + hole] = a[first + second - 1]
        hole = second - 1
    parent = (hole - 1) // 2  # __push_heap
    while hole > top and less(a[first + parent], value):
        a[first + hole] = a[first + parent]
        hole = parent
        parent = (hole - 1) // 2
    a[first + hole] = value


def _partial_sort(a: list, first: int, middle: int, last: int, less) -> None:
    length = middle - first
    if length > 1:  # __make_heap
        for parent in range((length - 2) // 2, -1, -1):
            _adjust_heap(a, first, parent, length, a[first + parent], less)
    for i in range(middle, last):  # __heap_select
        if less(a[i], a[first]):
            value, a[i] = a[i], a[first]
            _adjust_heap(a, first, 0, length, value, less)
    for end in range(middle - 1, first, -1):  # __sort_heap
        value, a[end] = a[end], a[first]
        _adjust_heap(a, first, 0, end - first, value, less)


def _insert(a: list, i: int, less) -> None:
    value = a[i]
    while less(value, a[i - 1]):
        a[i] = a[i - 1]
        i -= 1
    a[i] = value


def _insertion_sort(a: list, first: int, last: int, less) -> None:
    for i in range(first + 1, last):
        if less(a[i], a[first]):
            a[first : i + 1] = [a[i]] + a[first:i]
        else:
            _insert(a, i, less)


def _introsort(a: list, first: int, last: int, depth: int, less) -> None:
    while last - first > 16:
        if depth == 0:
            _partial_sort(a, first, last, last, less)
            return
        depth -= 1
        x, y, z = first + 1, first + (last - first) // 2, last - 1  # __move_median_to_first
        if less(a[x], a[y]):
            median = y if less(a[y], a[z]) else (z if less(a[x], a[z]) else x)
        else:
            median = x if less(a[x], a[z]) else (z if less(a[y], a[z]) else y)
        a[first], a[median] = a[median], a[first]
        lo, hi = first + 1, last  # __unguarded_partition around a[first]
        while True:
            while less(a[lo], a[first]):
                lo += 1
            hi -= 1
            while less(a[first], a[hi]):
                hi -= 1
            if not lo < hi:
                break
            a[lo], a[hi] = a[hi], a[lo]
            lo += 1
        _introsort(a, lo, last, depth, less)
        last = lo


def _std_sort(a: list, less) -> None:
    n = len(a)
    if n == 0:
        return
    _introsort(a, 0, n, 2 * (n.bit_length() - 1), less)
    _insertion_sort(a, 0, min(n, 16), less)
    for i in range(16, n):
        _insert(a, i, less)


def _nearest_first(ids: list[int], dists: list[float], ratio: int) -> list[int]:
    """The end of find_control_vec: the candidates, as found, cut to the `ratio` nearest."""
    n = len(ids)
    if n <= 1 or (n <= ratio and all(dists[c] <= dists[c + 1] for c in range(n - 1))):
        return ids
    if ratio == 1:  # two found: the second only if strictly nearer
        return [ids[1]] if dists[1] < dists[0] else [ids[0]]
    ind = list(range(n))
    less = lambda a, b: dists[a] < dists[b]
    if n > ratio:
        _partial_sort(ind, 0, ratio, n, less)
        return [ids[c] for c in ind[:ratio]]
    _std_sort(ind, less)
    return [ids[c] for c in ind]


def nearest_match(
    treated_logit: np.ndarray, pool_logit: np.ndarray, width: float, ratio: int, replace: bool,
    treated_row: np.ndarray | None = None, pool_row: np.ndarray | None = None,
) -> MatchResult:
    """MatchIt's nearest neighbour: up to `ratio` comparisons per participant within the caliper.

    `treated_row` and `pool_row` are the records' rows in the data (see the module's tie rule).
    """
    n, m = treated_logit.size, pool_logit.size
    treated_row, pool_row = data_rows(n, m, treated_row, pool_row)
    order, place, treated_place = places(treated_logit, pool_logit, treated_row, pool_row)
    s = pool_logit[order]
    start = np.searchsorted(place, treated_place)  # pool records before each participant
    # without replacement, taken records are skipped through union-find links (nearest untaken on each side)
    left_link: dict[int, int] = {}
    right_link: dict[int, int] = {}

    def untaken(links: dict[int, int], j: int) -> int:
        """The nearest untaken record from j along one side's links (shortening the path walked)."""
        path = []
        while j in links:
            path.append(j)
            j = links[j]
        for q in path:
            links[q] = j
        return j

    def find(i: int, k: int, mine: list[int]) -> list[int]:
        """find_control_vec: up to k candidates, walking out from participant i's place one place at a time."""
        t = float(treated_logit[i])
        lo_place = hi_place = int(treated_place[i])
        left_j, right_j = int(start[i]) - 1, int(start[i])
        min_dist = 0.0
        if mine:  # a later round: start outside this participant's matches, no nearer than the farthest
            lo, hi = min(mine), max(mine)
            if place[lo] < lo_place:
                lo_place, left_j = int(place[lo]), lo - 1
            if place[hi] > hi_place:
                hi_place, right_j = int(place[hi]), hi + 1
            near = [abs(t - float(s[j])) for j, p in ((lo, lo_place), (hi, hi_place)) if place[j] == p]
            min_dist = max(near)
        lj = untaken(left_link, left_j) if left_j >= 0 else -1
        rj = untaken(right_link, right_j) if right_j < m else m
        l_stop, r_stop = lj < 0, rj >= m
        ids: list[int] = []
        dists: list[float] = []  # as found
        ranked: list[float] = []  # the same, ascending, to count the candidates strictly nearer
        found_l = found_r = 0
        while not (l_stop and r_stop):
            # one place left, one right, in turn, left first: the next record looked at on each side
            # is the one fewer places away, the left one if they are as many places away
            left = r_stop or (not l_stop and lo_place - place[lj] <= place[rj] - hi_place)
            j = lj if left else rj
            if left:
                lj = untaken(left_link, j - 1) if j > 0 else -1
            else:
                rj = untaken(right_link, j + 1) if j + 1 < m else m
            d = abs(t - float(s[j]))
            stop = False
            if d > width:
                stop = True
            elif d < min_dist:
                pass
            elif len(ids) >= k and bisect_left(ranked, d) >= k:  # k found already, all strictly nearer
                stop = True
            else:
                ids.append(j)
                dists.append(d)
                insort(ranked, d)
                if left:
                    found_l += 1
                    stop = found_l == k
                else:
                    found_r += 1
                    stop = found_r == k
            if left:
                l_stop = stop or lj < 0
            else:
                r_stop = stop or rj >= m
        return _nearest_first(ids, dists, k)

    taken: list[list[int]] = [[] for _ in range(n)]  # sorted positions matched to each participant, in MatchIt's columns
    if replace or n == 1:  # reuse.max >= n1: every participant's `ratio` matches in one search, nothing used up
        for i in range(n):
            taken[i] = find(i, ratio, [])
    else:  # rounds: each participant's first match, then second ...; participants by descending score (stable)
        treated_order = np.lexsort((treated_row, -treated_logit)).tolist()
        failed = np.zeros(n, dtype=bool)
        left_free = m
        for _round in range(ratio):
            for i in treated_order:
                if left_free == 0:
                    break
                if failed[i]:
                    continue
                found = find(i, 1, taken[i])
                if not found:
                    failed[i] = True  # MatchIt makes it ineligible: no later round looks for it
                    continue
                j = found[0]
                taken[i].append(j)
                left_link[j], right_link[j] = j - 1, j + 1
                left_free -= 1
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
