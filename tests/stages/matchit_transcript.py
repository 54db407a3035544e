"""A line-by-line Python transcription of MatchIt 4.7.2's nearest-neighbour matching on a distance
vector, used as the oracle for jdlspec's fast matcher (tests/stages/test_matchit_rule.py).

Transcribed from kosukeimai/MatchIt at the 4.7.2 release commit (ac853e7, "Cleaning, prep for
submission", DESCRIPTION Version: 4.7.2):

- R/matchit2nearest.R: `reuse.max >= n1` (matching with replacement) sets `m.order <- "data"`;
  otherwise m.order defaults to "largest" when there is a distance: `order(distance[treat == 1],
  decreasing = TRUE)` (R's order is stable: equal distances stay in data order).
- src/nn_matchC_vec.cpp: with replacement (`reuse_max >= nf`) every participant gets all `ratio`
  matches in one `find_control_vec` call; without it (`reuse_max < nf`) matching goes in rounds,
  one match per participant per round, and a matched record becomes ineligible.
- src/internal.cpp: `find_control_vec` walks outwards from the participant's place in the order of
  *all* units (`order(distance)`, participants included) one position at a time, left first, then
  alternating; `update_first_and_last_control`; and the final `std::partial_sort` / `std::sort` of
  the candidates by distance, which are not stable: they are transcribed from GCC's libstdc++
  (bits/stl_algo.h, bits/stl_heap.h), the library R's package builds use on Linux.

Only what jdlspec uses: one control group, ATT, no exact / antiexact / covariate calipers, no
unit.id, nothing discarded, a caliper >= 0. Quadratic in places; for small data only.
"""

from __future__ import annotations

INT_MAX = 2**31 - 1


# --- libstdc++ std::partial_sort and std::sort, on a list, with a "less than" -----------------------

def _push_heap(a, hole, top, value, less):
    parent = (hole - 1) // 2
    while hole > top and less(a[parent], value):
        a[hole] = a[parent]
        hole = parent
        parent = (hole - 1) // 2
    a[hole] = value


def _adjust_heap(a, first, hole, length, value, less):
    """__adjust_heap on a[first : first + length] (indices relative to first)."""
    b = _View(a, first)
    top = hole
    second = hole
    while second < (length - 1) // 2:
        second = 2 * (second + 1)
        if less(b[second], b[second - 1]):
            second -= 1
        b[hole] = b[second]
        hole = second
    if (length & 1) == 0 and second == (length - 2) // 2:
        second = 2 * (second + 1)
        b[hole] = b[second - 1]
        hole = second - 1
    _push_heap(b, hole, top, value, less)


class _View:
    """a[first + i], so the heap helpers can work on a sub-range in place."""

    def __init__(self, a, first):
        self.a, self.first = a, first

    def __getitem__(self, i):
        return self.a[self.first + i]

    def __setitem__(self, i, v):
        self.a[self.first + i] = v


def _make_heap(a, first, last, less):
    length = last - first
    if length < 2:
        return
    parent = (length - 2) // 2
    while True:
        _adjust_heap(a, first, parent, length, a[first + parent], less)
        if parent == 0:
            return
        parent -= 1


def _pop_heap(a, first, last, result, less):
    value = a[result]
    a[result] = a[first]
    _adjust_heap(a, first, 0, last - first, value, less)


def _heap_select(a, first, middle, last, less):
    _make_heap(a, first, middle, less)
    for i in range(middle, last):
        if less(a[i], a[first]):
            _pop_heap(a, first, middle, i, less)


def _sort_heap(a, first, last, less):
    while last - first > 1:
        last -= 1
        _pop_heap(a, first, last, last, less)


def partial_sort(a, first, middle, last, less):
    _heap_select(a, first, middle, last, less)
    _sort_heap(a, first, middle, less)


_THRESHOLD = 16


def _move_median_to_first(a, result, x, y, z, less):
    if less(a[x], a[y]):
        if less(a[y], a[z]):
            a[result], a[y] = a[y], a[result]
        elif less(a[x], a[z]):
            a[result], a[z] = a[z], a[result]
        else:
            a[result], a[x] = a[x], a[result]
    elif less(a[x], a[z]):
        a[result], a[x] = a[x], a[result]
    elif less(a[y], a[z]):
        a[result], a[z] = a[z], a[result]
    else:
        a[result], a[y] = a[y], a[result]


def _unguarded_partition(a, first, last, pivot, less):
    while True:
        while less(a[first], a[pivot]):
            first += 1
        last -= 1
        while less(a[pivot], a[last]):
            last -= 1
        if not first < last:
            return first
        a[first], a[last] = a[last], a[first]
        first += 1


def _introsort_loop(a, first, last, depth, less):
    while last - first > _THRESHOLD:
        if depth == 0:
            partial_sort(a, first, last, last, less)
            return
        depth -= 1
        mid = first + (last - first) // 2
        _move_median_to_first(a, first, first + 1, mid, last - 1, less)
        cut = _unguarded_partition(a, first + 1, last, first, less)
        _introsort_loop(a, cut, last, depth, less)
        last = cut


def _unguarded_linear_insert(a, last, less):
    value = a[last]
    nxt = last - 1
    while less(value, a[nxt]):
        a[last] = a[nxt]
        last = nxt
        nxt -= 1
    a[last] = value


def _insertion_sort(a, first, last, less):
    if first == last:
        return
    for i in range(first + 1, last):
        if less(a[i], a[first]):
            value = a[i]
            a[first + 1 : i + 1] = a[first:i]
            a[first] = value
        else:
            _unguarded_linear_insert(a, i, less)


def std_sort(a, less):
    first, last = 0, len(a)
    if first == last:
        return
    _introsort_loop(a, first, last, 2 * ((last - first).bit_length() - 1), less)
    if last - first > _THRESHOLD:
        _insertion_sort(a, first, first + _THRESHOLD, less)
        for i in range(first + _THRESHOLD, last):
            _unguarded_linear_insert(a, i, less)
    else:
        _insertion_sort(a, first, last, less)


# --- src/internal.cpp --------------------------------------------------------------------------------

def update_first_and_last_control(first_control, last_control, ind_d_ord, eligible, treat, gi):
    if not eligible[ind_d_ord[first_control[gi]]]:
        for c in range(first_control[gi] + 1, last_control[gi] + 1):
            if eligible[ind_d_ord[c]] and treat[ind_d_ord[c]] == gi:
                first_control[gi] = c
                break
    if not eligible[ind_d_ord[last_control[gi]]]:
        for c in range(last_control[gi] - 1, first_control[gi] - 1, -1):
            if eligible[ind_d_ord[c]] and treat[ind_d_ord[c]] == gi:
                last_control[gi] = c
                break


def find_control_vec(t_id, ind_d_ord, match_d_ord, treat, distance, eligible, gi, r, mm_rowi_,
                     caliper_dist, first_control, last_control, ratio=1):
    ii = match_d_ord[t_id]
    mm_rowi = []
    possible_starts = []
    if r > 1:
        mm_rowi = [x for x in mm_rowi_ if x is not None]
        mm_rowi = [x for x in mm_rowi if treat[x] == gi]
        possible_starts = [match_d_ord[x] for x in mm_rowi]
    if not possible_starts:
        iil = iir = ii
        min_dist = 0.0
    else:
        possible_starts.append(ii)
        iil, iir = min(possible_starts), max(possible_starts)
        if iil == ii:
            min_dist = abs(distance[t_id] - distance[ind_d_ord[iir]])
        elif iir == ii:
            min_dist = abs(distance[t_id] - distance[ind_d_ord[iil]])
        else:
            min_dist = max(abs(distance[t_id] - distance[ind_d_ord[iil]]),
                           abs(distance[t_id] - distance[ind_d_ord[iir]]))
    if caliper_dist <= 0 and min_dist < -caliper_dist:
        min_dist = -caliper_dist
    min_ii, max_ii = first_control[gi], last_control[gi]
    di = distance[t_id]
    l_stop = r_stop = False
    ids: list[int] = []
    dists: list[float] = []
    num_l = num_r = 0
    left = False
    while not l_stop or not r_stop:
        if l_stop:
            left = False
        elif r_stop:
            left = True
        else:
            left = not left
        if left:
            if iil <= min_ii or num_l == ratio:
                l_stop = True
                continue
            iil -= 1
            iz = ind_d_ord[iil]
        else:
            if iir >= max_ii or num_r == ratio:
                r_stop = True
                continue
            iir += 1
            iz = ind_d_ord[iir]
        if not eligible[iz]:
            continue
        if treat[iz] != gi:
            continue
        if r > 1 and iz in mm_rowi:  # mm_okay
            continue
        dist_c = abs(di - distance[iz])
        if caliper_dist >= 0:
            if dist_c > caliper_dist:
                if left:
                    l_stop = True
                else:
                    r_stop = True
                continue
        elif dist_c <= -caliper_dist:
            continue
        if dist_c < min_dist:
            continue
        if len(ids) >= ratio:
            closer = 0
            for d in dists:
                if d < dist_c:
                    closer += 1
                    if closer == ratio:
                        break
            if closer >= ratio:
                if left:
                    l_stop = True
                else:
                    r_stop = True
                continue
        ids.append(iz)
        dists.append(dist_c)
        if left:
            num_l += 1
            if num_l == ratio:
                l_stop = True
        else:
            num_r += 1
            if num_r == ratio:
                r_stop = True
    n = len(ids)
    if n <= 1:
        return ids
    if n <= ratio and all(not dists[i + 1] < dists[i] for i in range(n - 1)):  # std::is_sorted
        return ids
    ind = list(range(n))
    less = lambda a, b: dists[a] < dists[b]
    if n > ratio:
        partial_sort(ind, 0, ratio, n, less)
        return [ids[i] for i in ind[:ratio]]
    std_sort(ind, less)
    return [ids[i] for i in ind]


# --- src/nn_matchC_vec.cpp with R/matchit2nearest.R's choices ----------------------------------------

def r_order(x, decreasing=False):
    """R's order(): stable, so equal values keep their order in the data."""
    return sorted(range(len(x)), key=lambda i: x[i], reverse=decreasing)


def matchit_nearest(treat, distance, ratio, replace, caliper_dist):
    """MatchIt's match matrix: for each participant in data order, its controls (data indices, in
    the matrix's column order). `treat` 0/1 and `distance` are per unit in data order."""
    treat = [int(x) for x in treat]
    distance = [float(x) for x in distance]
    n = len(treat)
    focal, gi = 1, 0
    reuse_max = INT_MAX if replace else 1
    ind_focal = [i for i in range(n) if treat[i] == focal]
    nf = len(ind_focal)
    # R/matchit2nearest.R: `if (reuse.max >= n1) m.order <- "data"`; else "largest" (ATT with a distance)
    if reuse_max >= nf:
        ord_ = list(range(nf))
    else:
        ord_ = r_order([distance[i] for i in ind_focal], decreasing=True)
    ratio_v = [ratio] * nf
    times_matched = [0] * n
    times_matched_allowed = [reuse_max] * n
    for k, i in enumerate(ind_focal):
        times_matched_allowed[i] = ratio_v[k]
    mm: list[list[int | None]] = [[None] * ratio for _ in range(nf)]
    ind_d_ord = r_order(distance)
    match_d_ord = [0] * n
    for position, i in enumerate(ind_d_ord):
        match_d_ord[i] = position
    last_control = [n - 1, n - 1]
    first_control = [0, 0]
    eligible = [True] * n
    n_eligible = [treat.count(0), treat.count(1)]
    use_reuse_max = reuse_max < nf
    if use_reuse_max:
        for r in range(1, ratio + 1):
            ord_r = [o for o in ord_ if ratio_v[o] >= r]
            for t in ord_r:
                if n_eligible[gi] == 0:
                    break
                t_id = ind_focal[t]
                if not eligible[t_id]:
                    continue
                update_first_and_last_control(first_control, last_control, ind_d_ord, eligible, treat, gi)
                k = find_control_vec(t_id, ind_d_ord, match_d_ord, treat, distance, eligible, gi, r, mm[t],
                                     caliper_dist, first_control, last_control)
                if not k:
                    eligible[t_id] = False
                    n_eligible[focal] -= 1
                    continue
                mm[t][sum(x is not None for x in mm[t])] = k[0]
                for ck in (k[0], t_id):
                    if not eligible[ck]:
                        continue
                    times_matched[ck] += 1
                    if times_matched[ck] >= times_matched_allowed[ck]:
                        eligible[ck] = False
                        n_eligible[treat[ck]] -= 1
    else:
        for t in ord_:
            t_id = ind_focal[t]
            if not eligible[t_id]:
                continue
            k = find_control_vec(t_id, ind_d_ord, match_d_ord, treat, distance, eligible, gi, 1, mm[t],
                                 caliper_dist, first_control, last_control, ratio_v[t])
            for c, cc in enumerate(k):
                mm[t][c] = cc
    return [[x for x in row if x is not None] for row in mm]
