"""Templates never breach (issue 7, item 5): the whole report, rendered for random combinations of
result states, passes the claims check the pipeline applies, and so does the bulletin paragraph.

Each measure of each analysis is independently lower, higher, not significant, or not reported for
each reason the results give (too_few_events, no_variance, suppressed, untestable, small_comparison);
there are one, two or three analyses with the headline anywhere in the list; group sizes are tiny or large; time to
first re-offence may be reported but not a headline (too few re-offenders). The results are built
through engine.results models as the pipeline writes them (engine.stages.outcomes, engine.disclosure).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from report_fixtures import LPT_PROGRAMME, MC_PROGRAMME, SEED_SERVICE, loaded, lpt_results

from engine.commands.bulletin import bulletin_text
from engine.errors import UserError
from engine.measures import MEASURES
from engine.report import report_markdown
from engine.results import (
    AnalysisResult, AttritionStep, BalanceRow, DecidingTest, ExtraTest, MeasureResult, ProgrammeInfo, Results,
    SpecInfo,
)
from engine.spec.models import Spec

TIME = "time_to_first_reoffence"
REASONS = ("too_few_events", "no_variance", "suppressed", "untestable", "small_comparison")
SIGNIFICANT = ("decrease", "increase")
NOT_REPORTED = tuple(f"not_reported:{r}" for r in REASONS)
STATES = SIGNIFICANT + ("not_significant",) + NOT_REPORTED
# an analysis's measures drawn from all states, or tilted so that whole analyses are quiet or settled
TILTS = (STATES, NOT_REPORTED, ("not_significant",) + NOT_REPORTED, SIGNIFICANT, SIGNIFICANT + ("not_significant",))
# each measure's comparison value and the size of a difference, in its own units
COMPARISON = {"rate": 30.0, "frequency": 1.0, TIME: 150.0, "custody": 12.0, "severity": 6.0}
STEP = {"rate": 8.0, "frequency": 0.3, TIME: 40.0, "custody": 5.0, "severity": 3.0}
NAMES = ("National", "Regional", "Local")
NAMES_OF_PROGRAMMES = [
    (LPT_PROGRAMME["name"], LPT_PROGRAMME["title"]), (MC_PROGRAMME["name"], MC_PROGRAMME["title"]),
    ("the Reducing Reoffending Partnership mentoring scheme", "Reducing Reoffending Partnership"),
    ("the Stop Offending Trust's peer support programme", "Stop Offending Trust"),
    ("the Breaking The Cycle Mentoring Programme", "Breaking The Cycle"),
    ("the Crime Prevention Project", "Crime Prevention Project"),
]


def measure_result(measure: str, state: str, n: int, comparison_n: int, *, time_headline: bool, small_test: bool,
                   extra_agrees: bool, bootstrap: bool, lean: float) -> MeasureResult:
    c, step = COMPARISON[measure], STEP[measure]
    common = dict(treatment_n=n, comparison_n=comparison_n, comparison=c, comparison_effective_n=comparison_n * 0.6)
    if state.startswith("not_reported:"):
        reason = state.split(":")[1]
        suppressed = reason == "suppressed"
        return MeasureResult(
            **{**common, "treatment_n": None if suppressed and n < 10 else n},
            treatment=None if suppressed else c, difference=None if suppressed else 0.0,
            ci_low=None, ci_high=None, p_value=None, significant=False, state="not_significant",
            required_treatment_n=None, degrees_of_freedom=None, reported=False, headline=False,
            not_reported_reason=reason, suppressed=suppressed)
    if state == "not_significant":
        low, high, p, difference = -step, 1.5 * step, 0.4, lean * step  # lean 0: "similar to the comparison group"
    else:
        sign = -1 if state == "decrease" else 1
        low, high = sorted((sign * 0.3 * step, sign * 1.7 * step))
        p, difference = 0.01, sign * step
    headline = measure in ("rate", "frequency") or (measure == TIME and time_headline)
    extra_significant = (p <= 0.05) == extra_agrees
    extra = ExtraTest(name="resampling test", p_value=0.01 if extra_significant else 0.5,
                      significant=extra_significant) if small_test else None
    decided = DecidingTest(test="bootstrap", p_value=p) if bootstrap and measure == "frequency" else None
    return MeasureResult(
        **common, treatment=c + difference, difference=difference, ci_low=low, ci_high=high, p_value=p,
        significant=state != "not_significant", state=state,
        required_treatment_n=(n * 11 if measure == "rate" and state == "not_significant" else None),
        degrees_of_freedom=n - 1.0, reported=True, headline=headline, extra_test=extra, decided_by=decided)


@st.composite
def results_and_spec(draw):
    measures = ["rate", "frequency", TIME] + draw(st.sampled_from([[], ["custody"], ["severity"],
                                                                     ["severity", "custody"]]))
    count = draw(st.integers(1, 3))
    headline = draw(st.integers(0, count - 1))
    large = draw(st.booleans())
    analyses = []
    for index in range(count):
        n = draw(st.integers(2000, 20000) if large else st.integers(3, 40))
        comparison_n = draw(st.integers(n, 50 * n))
        tilt = draw(st.sampled_from(TILTS))
        states = {m: draw(st.sampled_from(tilt)) for m in measures}
        time_headline, small_test = draw(st.booleans()), draw(st.booleans())
        extra_agrees, bootstrap = draw(st.booleans()), draw(st.booleans())
        lean = draw(st.sampled_from([-0.25, 0.0, 0.25]))
        results = {m: measure_result(m, states[m], n, comparison_n, time_headline=time_headline, small_test=small_test,
                                     extra_agrees=extra_agrees, bootstrap=bootstrap, lean=lean)
                   for m in measures}
        analyses.append(AnalysisResult(
            name=NAMES[index], headline=index == headline, description=None, pool_restriction={},
            variables=["sex", "age"], treatment_n=n, comparison_n=comparison_n,
            comparison_effective_n=comparison_n * 0.6, unmatched_n=draw(st.integers(0, 3)), pool_n=comparison_n * 10,
            outside_support_n=0, caliper_logit=0.1,
            balance=[BalanceRow(variable="sex", level="M", treatment_mean=0.5, comparison_mean=0.5, smd_percent=1.0,
                                quality="well", comparison_mean_before=0.4, smd_percent_before=20.0),
                     BalanceRow(variable="age", level=None, treatment_mean=30.0, comparison_mean=31.0,
                                smd_percent=draw(st.sampled_from([2.0, 8.0, 25.0])), quality="reasonably",
                                comparison_mean_before=33.0, smd_percent_before=20.0)],
            measures=results))
    programme = dict(draw(st.sampled_from([LPT_PROGRAMME, MC_PROGRAMME])))
    # names that pass as user text must not make the engine's own sentences breach
    programme["name"], programme["title"] = draw(st.sampled_from(NAMES_OF_PROGRAMMES))
    submitted = max(a.treatment_n for a in analyses) + 20
    results = Results(
        engine_version="test",
        spec=SpecInfo(path="test.yaml", sha256="0" * 64, programme=ProgrammeInfo(
            name=programme["name"], title=programme["title"], organisation=programme["organisation"],
            participants=programme["participants"])),
        inputs={},
        attrition=[AttritionStep(step="submitted", removed=0, remaining=submitted),
                   AttritionStep(step="not_identified", removed=10, remaining=submitted - 10),
                   AttritionStep(step="no_matching_sentence", removed=10, remaining=submitted - 20)],
        analyses=analyses, measures=measures, significance_level=draw(st.sampled_from([0.05, 0.01])),
        released_from_custody=draw(st.booleans()), profile=lpt_results().profile if draw(st.booleans()) else None,
    )
    spec = Spec.model_validate({
        "spec_version": 1, "programme": programme, "data": {"reference": "ref.csv", "submission": "sub.csv"},
        "matching": {"variables": ["sex", "age"]}, "measures": measures,
        "analyses": [{"name": a.name, "headline": a.headline} for a in analyses], "service": SEED_SERVICE,
        "small_groups": {"show_time_when_small": draw(st.booleans()), "extra_test": "resampling"},
    })
    return spec, results


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(results_and_spec())
def test_engine_text_never_breaches_whatever_the_results(case):
    spec, results = case
    try:
        text = report_markdown(loaded(spec), results)
    except UserError as error:
        raise AssertionError("the report refused its own text:\n" + "\n".join(map(str, error.problems))) from None
    headline = results.headline
    significant = [m for m, r in headline.measures.items() if r.reported and r.headline and r.significant]
    summary = text.split("## Key findings", 1)[1].split("**")[1]
    too_small = {r.not_reported_reason for m, r in headline.measures.items() if m != "time_to_first_reoffence"
                 and MEASURES[m].headline} == {"small_comparison"}  # the comparison group, not the participants
    too_small = too_small and not any(r.reported and r.headline for r in headline.measures.values())  # none shown
    assert ("more people would need to have completed the programme" in summary) == (not significant and not too_small)
    assert ("The comparison group that could be matched to them was too small" in summary) == (not significant and
                                                                                               too_small)
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report"
        report.mkdir()
        (report / "results.json").write_text(results.to_json(), encoding="utf-8")
        try:
            bulletin_text([(report, results)])  # its sentences; reading a file checks its consistency first
        except UserError as error:
            raise AssertionError("the bulletin refused its own text:\n" + "\n".join(map(str, error.problems))) from None
