"""The engine's own sentences for every measure and state pass; its ✗ quotations are exempt only by their
exact text; the published seeds pass whole."""

from __future__ import annotations

import re


import pytest
import yaml

from engine.claims import Licence, find_breaches
from engine.results import MeasureResult
from engine.measures import NAMES
from engine.spec.models import Programme
from engine.words.texts import report_text_dir
from engine.words.wording import STATES, measure_wording, sample_size_sentence

PROGRAMME = Programme(name="the Making Connections programme", title="Making Connections", organisation="MC",
                      summary="Mentoring.")
# (treatment, comparison, ci_low, ci_high) per state, in each measure's units
FIXTURES = {
    "rate": {"decrease": (15.66, 27.8, -19.6, -4.4), "increase": (43.6, 27.8, 4.2, 27.3),
             "not_significant": (43.6, 34.8, -7.49, 25.07), "zero": (34.8, 34.8, -12.0, 12.0)},
    "frequency": {"decrease": (0.31, 1.06, -0.96, -0.53), "increase": (1.6, 0.9, 0.2, 1.2),
                  "not_significant": (0.95, 0.87, -0.49, 0.64), "zero": (0.87, 0.87, -0.4, 0.4)},
    "time_to_first_reoffence": {"decrease": (75.0, 142.9, -115.2, -20.6), "increase": (190.0, 140.0, 12.0, 88.0),
                                "not_significant": (176.0, 159.6, -39.2, 71.4), "zero": (150.0, 150.2, -30, 30)},
    "custody": {"decrease": (5.0, 12.0, -11.0, -3.0), "increase": (20.0, 12.0, 2.5, 13.5),
                "not_significant": (13.0, 12.0, -6.0, 8.0), "zero": (12.0, 12.0, -6.0, 6.0)},
    "severity": {"decrease": (2.0, 6.0, -6.5, -1.5), "increase": (12.0, 6.0, 1.6, 10.4),
                 "not_significant": (7.0, 6.0, -3.0, 5.0), "zero": (6.0, 6.0, -3.0, 3.0)},
}
GRID = [(m, s) for m in FIXTURES for s in FIXTURES[m]]


def result(measure: str, case: str) -> MeasureResult:
    t, c, low, high = FIXTURES[measure][case]
    state = "not_significant" if case == "zero" else case
    return MeasureResult(
        treatment_n=83, comparison_n=5514, treatment=t, comparison=c, difference=t - c, ci_low=low, ci_high=high,
        p_value=0.5 if state == "not_significant" else 0.001, significant=state != "not_significant", state=state,
        required_treatment_n=428 if measure == "rate" and state == "not_significant" else None,
        comparison_effective_n=3000.0, degrees_of_freedom=90.0, reported=True, headline=True)


def test_the_grid_covers_every_worded_measure_and_state():
    worded = yaml.safe_load((report_text_dir() / "wording.yaml").read_text(encoding="utf-8"))["measures"]
    assert sorted(FIXTURES) == sorted(worded) == sorted(NAMES)
    assert all(set(STATES) <= set(cases) for cases in FIXTURES.values())


def licence_for(measure: str, r: MeasureResult) -> Licence:
    return Licence.from_states({measure: r.state})


@pytest.mark.parametrize(("measure", "case"), GRID)
def test_allowed_sentences_pass_and_forbidden_ones_are_flagged(measure, case):
    r = result(measure, case)
    licence = licence_for(measure, r)
    w = measure_wording(measure, r, PROGRAMME)
    allowed = [w.typical_treatment, w.typical_comparison, w.estimate, w.can_say, w.chart_caption]
    if measure == "rate" and sample_size_sentence(r):
        allowed.append(sample_size_sentence(r))
    for ordinal in (1, 2):
        allowed.append(measure_wording(measure, r, PROGRAMME, ordinal=ordinal).estimate)
    for text in allowed:
        assert find_breaches(text, licence, engine=True) == [], text
    # the ✓ sentence is licensed in anybody's text, not only the engine's
    assert find_breaches(w.can_say, licence) == [], w.can_say
    # as a template renders them: the ✗ line is left out only when it is the engine's own quotation
    section = "\n\n".join([*allowed, f'- ✓ "{w.can_say}"', f'- ✗ "{w.cannot_say}"'])
    assert find_breaches(section, licence, engine=True, quoted=(w.cannot_say,)) == []
    crossed = find_breaches(section, licence, engine=True)
    assert [b.line for b in crossed] == [section.splitlines().index(f'- ✗ "{w.cannot_say}"') + 1]
    tampered = find_breaches(section + "\n\n" + f'- ✗ "{w.cannot_say} Really."', licence, engine=True,
                             quoted=(w.cannot_say,))
    assert len(tampered) == 1
    expected = "no-relative-effect" if r.state != "not_significant" else "no-shows-that"
    assert [b.rule for b in find_breaches(w.cannot_say, licence)] == [expected]


def test_the_published_seed_reports_pass_whole(request):
    """The two published reports (copies of /work/shared/seeds) break no rule in their own states,
    with their ✗ quotations exempt by their exact text."""
    data = request.path.parent / "data"
    lpt = (data / "seed_lpt.txt").read_text(encoding="utf-8")
    mc = (data / "seed_mc.txt").read_text(encoding="utf-8")
    nothing = Licence.from_states(dict.fromkeys(["rate", "frequency", "time_to_first_reoffence"], "not_significant"))
    all_lower = Licence.from_states(dict.fromkeys(["rate", "frequency", "time_to_first_reoffence"], "decrease"))
    for text, licence, count in ((lpt, nothing, 2), (mc, all_lower, 3)):
        quoted = tuple(re.findall(r'^(?:- )?✗ "(.*)"$', text, re.MULTILINE))
        assert len(quoted) == count
        assert find_breaches(text, licence, engine=True, quoted=quoted) == []
        assert len(find_breaches(text, licence, engine=True)) == count


@pytest.mark.parametrize("combo", [(a, b, c) for a in STATES for b in STATES for c in STATES])
def test_a_whole_key_findings_section_passes_in_every_mix_of_states(combo):
    """Sentences about one measure must not trip the rules of another measure's state."""
    measures = ["rate", "frequency", "time_to_first_reoffence"]
    results = {m: result(m, s) for m, s in zip(measures, combo)}
    licence = Licence.from_states({m: r.state for m, r in results.items()})
    lines, quoted, significant = [], [], 0
    for m in measures:
        w = measure_wording(m, results[m], PROGRAMME, ordinal=significant)
        significant += results[m].significant
        lines += [w.typical_treatment, w.typical_comparison, f"- {w.estimate}", f'- ✓ "{w.can_say}"',
                  f'- ✗ "{w.cannot_say}"', w.chart_caption]
        quoted.append(w.cannot_say)
    others = any(r.significant for m, r in results.items() if m != "rate")
    lines.append(sample_size_sentence(results["rate"], others_significant=others) or "")
    assert find_breaches("\n\n".join(lines), licence, engine=True, quoted=tuple(quoted)) == []
