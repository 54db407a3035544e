"""Property: whatever the small groups, no suppressed count can be worked out from the published
cells of its table (sums within a characteristic), and no suppressed figure appears in any output."""

from __future__ import annotations

import json
import re

import openpyxl
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st

from engine.disclosure.cells import hidden_cells, small

T = 5


def safe(counts: list[int], total: int, hidden: set[int]) -> bool:
    """Published cells are not small (nor their complements); hidden ones, with any unlisted remainder,
    are none, or at least two cells holding at least T people, so no sum gives one back."""
    shown = [c for i, c in enumerate(counts) if i not in hidden]
    if any(small(c, T) or small(total - c, T) for c in shown):
        return False
    remainder = total - sum(counts)
    people = sum(counts[i] for i in hidden) + remainder
    if len(hidden) + (remainder > 0) == 1:  # one hidden cell is derivable: it must not be small (hidden to agree)
        return not small(people, T) and not small(total - people, T)
    return people == 0 or people >= T


@settings(max_examples=400, deadline=None)
@given(st.lists(st.integers(0, 40), min_size=1, max_size=7), st.integers(0, 12), st.data())
def test_no_hidden_cell_is_a_sum_of_published_ones(counts, remainder, data):
    total = sum(counts) + remainder
    assume(total >= T)  # a smaller group lists no levels at all (engine.disclosure.partition)
    names = data.draw(st.permutations([f"level {i}" for i in range(len(counts))]))
    start = set(data.draw(st.lists(st.integers(0, len(counts) - 1), max_size=2)))
    hidden = hidden_cells(counts, total, T, names, start)
    assert start <= hidden and safe(counts, total, hidden)
    assert hidden_cells(counts, total, T, names, start) == hidden  # the same cells every time


@settings(max_examples=10, deadline=None, derandomize=True, phases=(Phase.explicit, Phase.generate),
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.integers(0, 7), min_size=3, max_size=3), st.integers(0, 6), st.integers(1, 69))
def test_no_suppressed_figure_in_any_output(work, small_levels, not_recorded, reoffenders):
    """Random small ethnic groups, people with no need recorded and re-offenders among 70 participants."""
    levels = ["Asian"] * small_levels[0] + ["Black"] * small_levels[1] + ["Mixed"] * small_levels[2]
    for i, person in enumerate(work.reference[:70]):
        person["ethnicity"] = levels[i] if i < len(levels) else "White"
        person["need_drugs"] = "" if i < not_recorded else i % 2
        person["reoffended"] = person["reoffences"] = int(i >= 70 - reoffenders)
        person["days_to_first_reoffence"] = 30 + i if i >= 70 - reoffenders else ""
    work.write_data()
    edits = [("previous_offences]", "previous_offences, need_drugs]"),
             ("measures: [rate, frequency]", "measures: [rate, frequency, time_to_first_reoffence]")]
    work.write_spec(*edits)
    assert work.run().exit_code == 0
    raw = work.unsuppressed("spec.yaml")
    text = (work.root / "out" / "results.json").read_text(encoding="utf-8")
    published = json.loads(text)
    book = openpyxl.load_workbook(work.root / "out" / "annex.xlsx")
    annex = " ".join(str(c.value) for sheet in book for row in sheet.iter_rows() for c in row if c.value is not None)
    secret: set[str] = set()

    raw_group, group = raw["profile"]["analysed"], published["profile"]["analysed"]
    n = raw_group["n"]
    for field in ("sex", "ethnicity", "nationality", "index_year", "sentence"):
        counts = {s["level"]: s["count"] for s in raw_group[field]}
        hidden = {s["level"] for s in group[field] if s["suppressed"]}
        names = list(counts)
        assert safe([counts[k] for k in names], n, {names.index(k) for k in hidden}), field
        secret |= {repr(s["percent"]) for s in raw_group[field] if small(s["count"], T) or small(n - s["count"], T)}
    assert (group["needs_assessed_n"] is None) == small(raw_group["needs_assessed_n"], T)
    for raw_need, need in zip(raw_group["needs"], group["needs"]):
        k = raw_need["count"]
        assert need["suppressed"] or not (small(k, T) or small(raw_group["needs_assessed_n"] - k, T))
    for raw_a, a in zip(raw["analyses"], published["analyses"]):
        n = raw_a["treatment_n"]
        rows = [(r, p) for r, p in zip(raw_a["balance"], a["balance"]) if r["level"] not in (None, "(missing)")]
        for variable in {r["variable"] for r, _ in rows}:
            own = [(r, p) for r, p in rows if r["variable"] == variable]
            counts = [round(r["treatment_mean"] * n) for r, _ in own]
            hidden = {i for i, (_, p) in enumerate(own) if p["suppressed"]}
            assert safe(counts, n, hidden), variable
            secret |= {repr(r["treatment_mean"]) for (r, _), k in zip(own, counts) if small(k, T) or small(n - k, T)}
        for name in ("rate", "frequency"):
            m, having = raw_a["measures"][name], round(raw_a["measures"][name]["treatment"] * n / (100 if name == "rate" else 1))
            if small(having, T) or (name == "rate" and small(n - having, T)):
                secret.add(repr(m["treatment"]))
                assert a["measures"][name]["suppressed"]
        time = a["measures"]["time_to_first_reoffence"]
        if small(reoffenders, T) or small(n - reoffenders, T):
            assert time["treatment_n"] is None and time["treatment"] is None
    for a in published["analyses"]:  # the same share of another published cell is no leak
        secret -= {repr(r["treatment_mean"]) for r in a["balance"] if r["treatment_mean"] is not None}
    secret -= {repr(s["percent"]) for f in ("sex", "ethnicity", "nationality", "index_year", "sentence", "needs")
               for s in group[f] if s["percent"] is not None}
    for value in secret:  # nothing suppressed is in results.json or the annex at full precision
        assert not re.search(rf"(?<![\d.]){re.escape(value)}(?!\d)", text + " " + annex), value
    report = (work.root / "out" / "report.md").read_text(encoding="utf-8")
    for field in ("ethnicity",):
        for s in group[field]:
            if s["suppressed"]:
                assert f"\\* {s['level']}" in report or s["level"] not in report
    assert "None" not in annex.replace("None of", "")
