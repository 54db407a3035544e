"""No report prints an interval that contradicts its verdict (issue 22, item 1).

Each headline measure of the headline analysis is drawn in a state of its deciding test and of Welch's
interval: Welch alone decides; the bootstrap decides and agrees with Welch, or overrules it either way,
or cannot settle its verdict (inconclusive); the score interval decides where Welch's figures do not hold.
Over all of them: every sentence that states an interval states one that agrees with the verdict (the
two-sided "as many as ... or ... as many as" only for an interval holding 0), the table keeps Welch's
figures with a footnote wherever they disagree with the Yes/No, and a refusal quotes the interval the
report states.
"""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from report_fixtures import LPT_PROGRAMME, loaded, lpt_results, spec

from engine.claims import Licence, find_breaches
from engine.measures import MEASURES
from engine.report import report_markdown
from engine.results import DecidingTest, MeasureResult, MonteCarlo
from engine.words.format import interval, magnitude, nonzero

COMPARISON = {"rate": 35.0, "frequency": 0.9}
SIZE = {"rate": 6.3, "frequency": 0.41}  # the size of a difference, rate in points, frequency per person
KINDS = ("welch", "bootstrap_agrees", "bootstrap_overrules", "inconclusive", "score")


def around(d: float, holds: bool, tight: bool = False) -> tuple[float, float]:
    """An interval about d that holds 0 or not (d is never 0); tight: one that excludes 0 by a hair, so that its
    near end rounds to 0 at the sentences' and the table's precision."""
    half = abs(d) * (1.7 if holds else 0.95 if tight else 0.6)
    return d - half, d + half


def result(measure: str, kind: str, welch_holds: bool, verdict: str, sign: int, tight: bool = False) -> MeasureResult:
    """A reported headline measure whose difference has `sign`, Welch's interval holding 0 or not, and the
    verdict of its deciding test with that test's own interval."""
    d = sign * SIZE[measure]
    welch_low, welch_high = around(d, welch_holds, tight)
    own = around(d, verdict == "not_significant", tight)
    deciding = None
    if kind in ("bootstrap_agrees", "bootstrap_overrules", "inconclusive"):
        p = 0.01 if verdict != "not_significant" else 0.3
        deciding = DecidingTest(test="bootstrap", p_value=p, ci_low=own[0], ci_high=own[1],
                                monte_carlo=MonteCarlo(draws=10_000, p_value_low=p / 2, p_value_high=p * 1.5),
                                inconclusive=kind == "inconclusive")
    elif kind == "score":
        deciding = DecidingTest(test="score", p_value=0.01 if verdict != "not_significant" else 0.3,
                                ci_low=own[0], ci_high=own[1], welch_valid=False)
    return MeasureResult(
        treatment_n=39, comparison_n=13557, treatment=COMPARISON[measure] + d, comparison=COMPARISON[measure],
        difference=d, ci_low=welch_low, ci_high=welch_high, p_value=0.2 if welch_holds else 0.001,
        significant=verdict != "not_significant", state=verdict, required_treatment_n=None,
        comparison_effective_n=9000.0, degrees_of_freedom=38.0, reported=True, headline=True, decided_by=deciding)


@st.composite
def states(draw):
    measures = {}
    for measure in ("rate", "frequency"):
        kind = draw(st.sampled_from(KINDS if measure == "frequency" else ("welch", "score")))
        sign, welch_holds = draw(st.sampled_from([-1, 1])), draw(st.booleans())
        significant = {"welch": not welch_holds, "bootstrap_agrees": not welch_holds,
                       "bootstrap_overrules": welch_holds, "inconclusive": False}.get(kind, draw(st.booleans()))
        verdict = ("decrease" if sign < 0 else "increase") if significant else "not_significant"
        measures[measure] = result(measure, kind, welch_holds, verdict, sign, draw(st.booleans()))
    return measures


def phrases(low: float, high: float, state: str) -> str:
    """The interval words the sentences must use for this state."""
    if state == "not_significant":
        return f"as many as {magnitude(low)}"
    near, far = (high, low) if state == "decrease" else (low, high)
    assert nonzero(near) != "0"  # an interval that excludes 0 never reads as reaching it
    return f"by between {nonzero(near)} and {magnitude(far)}"


@settings(max_examples=30, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(states())
def test_every_stated_interval_agrees_with_its_verdict(measures):
    base = lpt_results()
    national = base.analyses[0]
    results = base.model_copy(update={"analyses": [
        national.model_copy(update={"measures": {**national.measures, **measures}}), base.analyses[1]]})
    text = report_markdown(loaded(spec(LPT_PROGRAMME)), results)
    licence = Licence.from_results(results)
    table_rows = [line for line in text.splitlines() if line.startswith("| National |") and ("| Yes" in line or
                                                                                          "| No" in line)]
    for measure, r in measures.items():
        scale = MEASURES[measure].sentence_scale
        low, high = r.stated_low * scale, r.stated_high * scale
        assert (low > 0 or high < 0) == r.significant, (measure, r)  # the interval the sentences state
        assert (low <= 0 <= high) == (r.state == "not_significant")
        wanted = phrases(low, high, r.state)
        assert wanted in text.split("### What you can say about " + ("the one-year re-offending rate" if measure ==
                                    "rate" else "the one-year re-offending frequency"))[1].split("###")[0]
        # the table keeps Welch's figures (unless they do not hold), with a footnote where they disagree
        places = MEASURES[measure].interval_decimals
        row = table_rows[0 if measure == "rate" else 1]
        assert interval(r.table_low, r.table_high, places) in row
        excludes = r.table_low > 0 or r.table_high < 0  # an interval that excludes 0 prints no bound as 0
        assert not excludes or not re.search(r"\| [-+]?0(?:\.0)? to|to [-+]?0(?:\.0)? \|", row), row
        assert ("†" in row) == (r.decided_by is not None and (not r.decided_by.welch_valid
                                or r.welch_significant != r.significant or r.significant))
        # a refusal quotes the interval the report states
        unit = {"rate": "people per 100", "frequency": "offences per 100 people"}[measure]
        about = "one-year re-offending rate" if measure == "rate" else "frequency of re-offending"
        breach = find_breaches(f"This analysis shows that the programme reduces the {about}.", licence)[0]
        assert f"{interval(low, high)} {unit}" in breach.message, breach.message


def test_an_interval_that_excludes_zero_never_prints_a_bound_as_zero():
    assert interval(-6.2, -0.3) == "-6 to -0.3" and interval(0.04, 2.0, 1) == "+0.04 to +2.0"
    assert interval(-6.2, -0.004) == "-6 to -0.004" and interval(-6.2, -0.0004) == "-6 to 0"  # 3 places more at most
    assert interval(-6.2, 0.3) == "-6 to 0" and interval(-0.3, 6.2) == "0 to +6"  # holding 0: as published
    assert interval(-20.4, -4.2) == "-20 to -4" and interval(-1.04, -0.46, 1) == "-1.0 to -0.5"  # the seeds'
    assert nonzero(-0.3) == "0.3" and nonzero(0.049) == "0.05" and nonzero(4.2) == "4" and nonzero(0.0) == "0"
