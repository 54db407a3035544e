"""The claims check compiles its patterns once (issue 7, speed): checking a whole report calls no
regular expression through the `re` module's cache, whose overflow once cost a recompile per call."""

from __future__ import annotations

import re
from pathlib import Path

from engine.claims import _detected, find_breaches, rule_book
from engine.claims.licence import Licence
from engine.results import Results

GOLDEN = Path(__file__).resolve().parents[1] / "golden"


def test_checking_a_report_compiles_nothing(monkeypatch):
    report = (GOLDEN / "making_connections.md").read_text(encoding="utf-8")
    text = "\n".join(line for line in report.splitlines() if not line.startswith("- ✗"))  # the quoted ✗ lines
    licence = Licence.from_results(Results.from_json((GOLDEN / "making_connections.results.json").read_text()))
    phrases = ("life-changing",)
    rule_book()
    find_breaches("In the complex analysis participants were less likely to re-offend.", licence, phrases=phrases)
    # (the spec's phrases and the analyses' names are compiled once, on first use)
    _detected.cache_clear()
    calls = []
    compile_ = re._compile
    monkeypatch.setattr(re, "_compile", lambda *args: calls.append(args) or compile_(*args))
    assert find_breaches(text, licence, engine=True, phrases=phrases) == []
    assert find_breaches(text, Licence.unknown(), engine=True, phrases=phrases) == []
    assert calls == []


def test_a_text_is_read_once_whatever_the_results():
    """`validate` (no results) and the run (results) read the spec's text once: the detection is cached."""
    _detected.cache_clear()
    text = "Participants re-offended less than the comparison group."
    lpt = Licence.from_states({"rate": "not_significant"})
    assert [b.rule for b in find_breaches(text, lpt)] == ["not-significant"]
    assert find_breaches(text, Licence.from_states({"rate": "decrease"})) == []
    assert _detected.cache_info().hits == 1 and _detected.cache_info().misses == 1


def test_a_run_of_characters_without_a_space_is_refused_at_once_not_read_in_its_square():
    """A pasted run without a space (a checker page's 100,000 "1"s or "a"s, a table copied without its breaks)
    once took minutes: the address pattern and figure patterns tried every start. Now it is refused as text
    the rules cannot read, in well under a second, and an address of ordinary length is still an address."""
    import time

    licence = Licence.from_states({"rate": "not_significant"})
    for run in ("1" * 99_000, "a" * 99_000, "(" * 49_000 + ")" * 49_000, "see https://x.org/" + "7" * 98_000):
        _detected.cache_clear()
        started = time.perf_counter()
        assert [b.rule for b in find_breaches(run, licence)] == ["no-unreadable"]
        assert time.perf_counter() - started < 10  # (minutes before; about 0.1 s on a busy 2-core machine)
    address = "https://www.gov.uk/government/collections/justice-data-lab-pilot-statistics"
    fair = f"Read it at {address}/" + "x" * (199 - len(address))
    assert len(fair.split()[-1]) == 200 and find_breaches(fair, licence) == []
    assert [b.rule for b in find_breaches(fair + "y", licence)] == ["no-unreadable"]  # 201 characters: refused
