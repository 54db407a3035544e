"""The seeds' own sentences, reproduced verbatim from fixture results (LPT and Making Connections)."""

from __future__ import annotations

import pytest

from engine.results import MeasureResult
from engine.spec.models import Programme
from engine.words.wording import measure_wording, rounding_differs, sample_size_sentence

LPT = Programme(name="the London Probation Trust peer mentoring programme", title="LPT", organisation="LPT",
                summary="Peer mentoring.", per_hundred_noun="offenders", participants="men and youths")
MC = Programme(name="the Making Connections programme", title="Making Connections", organisation="MC",
               summary="Mentoring.", participants="adults")


def result(treatment, comparison, low, high, state, required=None) -> MeasureResult:
    return MeasureResult(
        treatment_n=39, comparison_n=13557, treatment=treatment, comparison=comparison,
        difference=treatment - comparison, ci_low=low, ci_high=high, p_value=0.5 if state == "not_significant" else 0.001,
        significant=state != "not_significant", state=state, required_treatment_n=required,
        comparison_effective_n=5000.0, degrees_of_freedom=40.0, reported=True, headline=True)


LPT_RATE = result(100 * 17 / 39, 34.8, -7.49, 25.07, "not_significant", required=428)
LPT_FREQ = result(0.95, 0.87, -0.49, 0.64, "not_significant")
MC_RATE = result(100 * 13 / 83, 27.8, -19.6, -4.4, "decrease")
MC_FREQ = result(0.31, 1.06, -0.96, -0.53, "decrease")
MC_TIME = result(75.0, 142.9, -115.2, -20.6, "decrease")


def test_lpt_rate_not_significant_is_the_seed():
    w = measure_wording("rate", LPT_RATE, LPT)
    assert w.can_say == (
        "This analysis provides evidence that, for every 100 offenders, the London Probation Trust peer mentoring "
        "programme may decrease the number of proven re-offenders during a one-year period by as many as 7 people, "
        "or may increase it by as many as 25 people.")
    assert w.cannot_say == (
        "This analysis shows that the London Probation Trust peer mentoring programme increases/ decreases/ has no "
        "effect on the one-year proven re-offending rate of its participants.")
    assert w.estimate == (
        "The number of people who commit a proven re-offence during one year after release could be "
        "**lower by as many as 7 people, or higher by as many as 25 people**.")
    assert w.typical_treatment == (
        "**44** of the 100 people committed a proven re-offence within a one-year period (a rate of 44%), "
        "**9 people more** than in the comparison group.")
    assert w.typical_comparison == (
        "35 of the 100 people committed a proven re-offence within a one-year period (a rate of 35%).")
    assert w.chart_caption == "Non-significant difference between groups"


def test_lpt_frequency_not_significant_is_the_seed():
    w = measure_wording("frequency", LPT_FREQ, LPT)
    assert w.can_say == (
        "This analysis provides evidence that, for every 100 offenders, the London Probation Trust peer mentoring "
        "programme may decrease the number of proven re-offences during a one-year period by as many as 49 offences, "
        "or may increase it by as many as 64 offences.")
    assert w.cannot_say == (
        "This analysis shows that the London Probation Trust peer mentoring programme increases/ decreases/ has no "
        "effect on the frequency of re-offending.")
    assert w.estimate == ("The number of proven re-offences committed during the year could be "
                          "**lower by as many as 49 offences, or higher by as many as 64 offences**.")
    assert w.typical_treatment == (
        "**95** proven re-offences were committed by these 100 people during the year (a frequency of 0.95 offences "
        "per person), **8 offences more than** the comparison group.")


def test_lpt_sample_size_sentence():
    assert sample_size_sentence(LPT_RATE) == (
        "More people would need to be analysed in order to determine the directions of these differences. It is "
        "estimated that a treatment group of 428 people would be needed to determine the effect on the one year "
        "proven re-offending rate.")
    assert sample_size_sentence(LPT_RATE, others_significant=True).startswith(
        "More people would need to be analysed in order to determine the direction of the difference in the "
        "one-year proven re-offending rate. It is estimated that a treatment group of 428 people")
    assert sample_size_sentence(MC_RATE) is None
    assert sample_size_sentence(LPT_RATE.model_copy(update={"required_treatment_n": None})) is None
    assert "1,250 people" in sample_size_sentence(LPT_RATE.model_copy(update={"required_treatment_n": 1250}))


def test_mc_rate_significant_decrease_is_the_seed():
    w = measure_wording("rate", MC_RATE, MC)
    assert w.can_say == (
        "This analysis provides evidence that, for every 100 participants, the Making Connections programme may "
        "decrease the number of proven re-offenders during a one-year period by between 4 and 20 people.")
    assert w.cannot_say == "This analysis shows that the Making Connections programme reduces re-offending by 44%."
    assert w.estimate == ("The number of people who commit a proven re-offence during one year after release could "
                          "be **lower by between 4 and 20 people**. This is a **statistically significant result**.")
    assert w.typical_treatment.endswith("(a rate of 16%), **12 people fewer** than in the comparison group.")
    assert w.chart_caption == "Significant difference between groups"


def test_mc_frequency_and_time_are_the_seed():
    f = measure_wording("frequency", MC_FREQ, MC, ordinal=1)
    assert f.can_say == (
        "This analysis provides evidence that, for every 100 participants, the Making Connections programme may "
        "decrease the number of proven re-offences during a one-year period by between 53 and 96 offences.")
    assert f.cannot_say == ("This analysis shows that the Making Connections programme reduces the frequency of "
                            "re-offending by 71%.")
    assert f.estimate == ("The number of proven re-offences committed during the year could be **lower by between "
                          "53 and 96 offences**. This is also a **statistically significant result**.")
    t = measure_wording("time_to_first_reoffence", MC_TIME, MC, ordinal=2, released=True)
    assert t.can_say == (
        "This analysis provides evidence that, for participants who re-offend during a one-year period after release "
        "from custody, the Making Connections programme does not lengthen the average time to first proven "
        "re-offence. The evidence suggests that participants who re-offend may do so more quickly than those not on "
        "the programme.")
    assert t.cannot_say == (
        "This analysis shows that, for participants who re-offend during a one-year period, the Making Connections "
        "programme shortens the average time to first proven re-offence by 48%.")
    assert t.estimate == (
        "On average, the time before a re-offender committed their first proven re-offence could be **shorter by "
        "between 21 and 115 days**. Again, this is a **statistically significant result**.")
    assert t.typical_treatment == (
        "**75** days was the average time before a re-offender committed their first proven re-offence, "
        "**68 days sooner** than re-offenders in the comparison group.")
    assert t.typical_comparison == (
        "143 days was the average time before a re-offender committed their first proven re-offence.")


def test_zero_difference_reads_similar_and_one_is_singular():
    zero = result(35.04, 34.8, -10.0, 10.6, "not_significant")
    w = measure_wording("rate", zero, LPT)
    assert w.typical_treatment.endswith("(a rate of 35%), similar to the comparison group.")
    one = result(36.0, 34.8, -1.0, 12.6, "not_significant")
    assert "as many as 1 person, or" in measure_wording("rate", one, LPT).estimate
    assert "**1 person more**" in measure_wording("rate", one, LPT).typical_treatment


def test_rounding_note_needed_only_when_parts_do_not_add_up():
    assert not rounding_differs("rate", LPT_RATE)  # 44 - 35 = 9
    assert rounding_differs("rate", result(43.6, 34.4, -7.0, 25.0, "not_significant"))  # 44 - 34 != 9


@pytest.mark.parametrize("state", ["decrease", "increase", "not_significant"])
def test_time_says_release_from_custody_only_for_a_released_cohort(state):
    result = MC_TIME.model_copy(update={"state": state, "significant": state != "not_significant"})
    community = measure_wording("time_to_first_reoffence", result, MC, released=False)
    released = measure_wording("time_to_first_reoffence", result, MC, released=True)
    assert "release" not in community.can_say + community.estimate + community.cannot_say
    assert "re-offend during a one-year period, the Making Connections programme" in community.can_say
    assert "re-offend during a one-year period after release from custody, the" in released.can_say
