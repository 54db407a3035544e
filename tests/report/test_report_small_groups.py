"""Degenerate groups get a report with every sentence right (issue 22, item 5): everyone re-offends, a
comparison group too small to estimate its spread, and one analysed person (plural forms included).
The measures come from engine.stages.outcomes on the data, not by hand."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from report_fixtures import LPT_PROGRAMME, attrition, loaded, lpt_results, spec

from engine.disclosure import suppress
from engine.report import report_markdown
from engine.results import Results
from engine.spec.models import Spec
from engine.stages.outcomes import measure_results

MEASURES = ["rate", "frequency", "time_to_first_reoffence"]


def people(reoffences: list[int]) -> pd.DataFrame:
    counts = np.asarray(reoffences)
    days = np.where(counts > 0, 30.0 + 7 * np.arange(len(counts)) % 300, np.nan)
    return pd.DataFrame({"reoffended": (counts > 0).astype(int), "reoffences": counts,
                         "days_to_first_reoffence": days})


def with_national(measures: dict, treatment_n: int = 39) -> Results:
    """The LPT fixture with its national analysis's measures replaced by computed ones."""
    base = lpt_results()
    national = base.analyses[0].model_copy(update={"measures": measures, "treatment_n": treatment_n})
    return base.model_copy(update={"analyses": [national, base.analyses[1]]})


def computed(treated: pd.DataFrame, pool: pd.DataFrame, weights: np.ndarray) -> dict:
    spec_ = Spec.model_validate({
        "spec_version": 1, "programme": {"name": "the programme", "title": "The programme", "organisation": "Org",
                                         "summary": "x"},
        "data": {"reference": "r.csv", "submission": "s.csv"}, "matching": {"variables": ["age"]},
        "analyses": [{"name": "National"}], "measures": MEASURES})
    return measure_results(treated, pool, weights, np.ones(len(treated), bool), spec_)


def test_everyone_reoffending_gets_a_report_that_says_so():
    treated = people([1, 2, 3] * 13)  # all 39 re-offend
    pool = people([0] * 650 + [1] * 200 + [2] * 150)
    measures = computed(treated, pool, np.full(1000, 0.039))
    rate = measures["rate"]
    assert rate.treatment == 100.0 and rate.decided_by.test == "score" and rate.state == "increase"
    text = report_markdown(loaded(spec(LPT_PROGRAMME)), with_national(measures))
    assert "- **100** of the 100 people committed a proven re-offence within a one-year period, **65 people more**" \
        in text
    low, high = round(rate.stated_low), round(rate.stated_high)
    assert f"higher by between {low} and {high} people" in text  # the score interval, as the table shows it
    assert f"| +{low} to +{high} | Yes † |" in text


def test_a_comparison_group_too_small_to_estimate_its_spread_is_not_reported_and_the_report_says_why():
    treated = people([0] * 22 + [1] * 17)
    pool = people([1, 1, 0, 2, 1])
    measures = computed(treated, pool, np.array([1.0, 0.1, 0.1, 0.1, 0.1]))  # effective size 1.88
    assert {r.not_reported_reason for r in measures.values()} == {"small_comparison"}
    text = report_markdown(loaded(spec(LPT_PROGRAMME)), with_national(measures))
    for about in ("The one-year re-offending rate", "The one-year re-offending frequency", "The time to first re-offence"):
        assert (f"{about} is not reported for the national analysis: the comparison group's effective size is too "
                "small to estimate its spread.") in text
    assert "| National | 39 |" not in text  # no row in the tables
    # the key finding does not ask for more participants: the comparison group is what was too small
    assert ("took part in the London Probation Trust peer mentoring programme. The comparison group that could be "
            "matched to them was too small to estimate any difference, so this analysis cannot determine") in text
    assert "more people would need to have completed the programme" not in text


def test_one_analysed_person_reads_in_the_singular():
    base = lpt_results()
    one = [a.model_copy(update={"treatment_n": 1, "comparison_n": 1, "unmatched_n": 1,
                                "measures": {m: r.model_copy(update={"treatment_n": 1}) for m, r in a.measures.items()}})
           for a in base.analyses]
    profile = base.profile.model_copy(update={
        "analysed": base.profile.analysed.model_copy(update={"n": 1, "needs_assessed_n": 1}),
        "not_analysed": base.profile.not_analysed.model_copy(update={"n": 1}), "not_identified_n": 1})
    results = base.model_copy(update={"analyses": one, "profile": profile, "attrition": attrition(
        2, [("duplicates", 1), ("not_identified", 1), ("no_matching_sentence", 1), ("sexual_offence", 1)])})
    rate = results.analyses[0].measures["rate"].model_copy(update={"required_treatment_n": 1})
    results.analyses[0].measures["rate"] = rate
    text = report_markdown(loaded(spec(LPT_PROGRAMME)), results)
    assert not re.search(r"\b1 (?:people|men|participants|records|individuals|duplicate records)\b", text)
    assert not re.search(r"\b1 \w+ (?:who )?were\b", text)
    for sentence in ("the re-offending behaviour of 1 person who took part",
                     "The 1 person who was eligible to be included in the main analysis was from a group of 2 records",
                     "Participants included in analysis (1 person – national analysis)",
                     "Participants not included in analysis (1 person)",
                     "For this person, it is estimated that:",
                     "based on a group of only 1 participant.",
                     "a treatment group of 1 person would be needed",
                     "corresponding to 1 individual. 1 duplicate record was removed.",
                     "1 person (100%) was excluded because they could not be identified",
                     "**National treatment group**: 1 person (comparison group: 1 record)"):
        assert sentence in text, sentence


def one_analysis(results: Results) -> Results:
    return results.model_copy(update={"analyses": results.analyses[:1]})


def test_nobody_reoffending_has_one_significant_measure_and_no_all_1_measures():
    """Nobody of 100 re-offends: the rate is a significant decrease (score interval), the frequency and the
    time cannot be tested. One measure shown and significant reads as one result, not "All 1 measures"."""
    measures = computed(people([0] * 100), people([0] * 750 + [1] * 150 + [3] * 100), np.full(1000, 0.1))
    assert measures["rate"].state == "decrease" and measures["rate"].decided_by.test == "score"
    assert [measures[m].not_reported_reason for m in MEASURES[1:]] == ["no_variance", "untestable"]
    text = report_markdown(loaded(spec(LPT_PROGRAMME)), one_analysis(with_national(measures, 100)))
    assert "All 1 measures" not in text
    assert ("The following results were statistically significant:\n\n- The analysis provides significant "
            "evidence that **fewer participants than non-participants commit a re-offence within a one-year "
            "period** (Table 1).") in text


def test_the_comparison_group_is_called_much_larger_only_when_it_is():
    base = one_analysis(lpt_results())  # 39 people against thousands of records: the seeds' wording
    text = report_markdown(loaded(spec(LPT_PROGRAMME)), base)
    assert "and a much larger 'comparison group' of similar people" in text
    for comparison_n, words in ((39, "and a 'comparison group'"), (5, "and a 'comparison group'"),
                                (100, "and a larger 'comparison group'"), (390, "and a much larger 'comparison group'")):
        national = base.analyses[0].model_copy(update={"comparison_n": comparison_n})
        text = report_markdown(loaded(spec(LPT_PROGRAMME)), base.model_copy(update={"analyses": [national]}))
        assert words + " of similar people who did not take part." in text, comparison_n


def test_everyone_of_40_reoffending_is_withheld_and_the_report_says_so():
    """All 40 re-offend: under 100 people, the rate and the time would tell every member's outcome, so
    engine.disclosure withholds them. The report lists the rate as analysed, so it says why it is not given,
    and does not blame "low numbers of re-offenders" (there are 40)."""
    measures = computed(people([1, 2, 3, 4] * 10), people([0] * 650 + [1] * 200 + [2] * 150), np.full(1000, 0.04))
    results = suppress(one_analysis(with_national(measures, 40)), 5)
    national = results.analyses[0].measures
    assert [national[m].not_reported_reason for m in MEASURES] == ["suppressed", None, "suppressed"]
    text = report_markdown(loaded(spec(LPT_PROGRAMME)), results)
    for about in ("The one-year re-offending rate", "The time to first re-offence"):
        assert (f"{about} is not reported for the national analysis: its figures would tell individual people's "
                "outcomes, so they are withheld.") in text
    assert "due to low numbers of re-offenders" not in text
    assert "1. Rate of re-offending" in text
