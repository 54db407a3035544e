"""Wording that fits the cohort and the service: no borrowed identity, no 'release' for a community cohort."""

from __future__ import annotations

import re

import pandas as pd
from report_fixtures import LPT_PROGRAMME, MC_PROGRAMME, attrition, loaded, lpt_results, mc_results, spec

from engine.report import report_markdown
from engine.stages.profile import released_from_custody


def test_a_community_cohort_is_never_said_to_be_released_from_custody():
    results = mc_results().model_copy(update={"released_from_custody": False})
    text = report_markdown(loaded(spec(MC_PROGRAMME, analyses=[{"name": "Complex", "headline": True},
                                                               {"name": "Standard"}])), results)
    assert "release from custody" not in text
    assert "for participants who re-offend during a one-year period, the Making Connections programme" in text


def test_a_released_cohort_keeps_the_seed_sentence():
    text = report_markdown(loaded(spec(MC_PROGRAMME, analyses=[{"name": "Complex", "headline": True},
                                                               {"name": "Standard"}])), mc_results())
    assert "re-offend during a one-year period after release from custody, the Making Connections programme" in text


def test_no_service_named_without_the_spec_saying_so():
    text = report_markdown(loaded(spec(LPT_PROGRAMME, service={})), lpt_results())
    for borrowed in ("Justice Data Lab", "Police National Computer", "Ministry", "general annex"):
        assert borrowed not in text
    assert "were from a group of 77 records submitted for analysis." in text
    assert "4 people (5%) were excluded because they could not be identified on the national re-offending data." in text
    assert "## London Probation Trust's response to the analysis" in text
    assert text.startswith("# Re-offending analysis: London Probation Trust's peer mentoring programme\n")


def test_the_service_named_by_the_spec_is_used_everywhere():
    service = {"name": "the Example Data Service", "national_data": "the Example Register",
               "analysed_by": "the Example Research Unit", "general_annex": True}
    text = report_markdown(loaded(spec(LPT_PROGRAMME, service=service)), lpt_results())
    assert text.startswith("# Example Data Service analysis: London Probation Trust's peer mentoring programme\n\n"
                           "*Analysis by the Example Research Unit*\n")
    assert "submitted to the Example Data Service." in text
    assert "could not be identified on the Example Register." in text
    assert "frequently asked questions about Example Data Service analyses" in text


def test_a_step_that_removed_nobody_is_not_printed():
    results = lpt_results().model_copy(update={"attrition": attrition(
        77, [("duplicates", 0), ("not_identified", 0), ("no_matching_sentence", 25), ("sexual_offence", 0)])})
    text = report_markdown(loaded(spec(LPT_PROGRAMME)), results)
    assert not re.search(r"(?<![\d,])0 people|\(0%\)|excluded because they could not be identified", text)
    assert "25 people (32%) were excluded because they did not have a record" in text


def test_released_from_custody_needs_every_participant_released_and_the_column():
    custody = pd.DataFrame({"disposal": ["custody", "Custody"], "custody_length_band": ["1 to 4 years", None]})
    mixed = pd.DataFrame({"disposal": ["custody", "community"], "custody_length_band": ["1 to 4 years", None]})
    assert released_from_custody(custody)
    assert not released_from_custody(mixed)
    assert not released_from_custody(custody.drop(columns="disposal"))
    assert not released_from_custody(custody.iloc[:0])


def unmatched(results, *counts):
    analyses = [a.model_copy(update={"unmatched_n": n, "treatment_n": a.treatment_n + a.unmatched_n - n})
                for a, n in zip(results.analyses, counts)]
    return results.model_copy(update={"analyses": analyses})


def test_an_analysis_that_left_nobody_unmatched_is_not_printed():
    lpt = loaded(spec(LPT_PROGRAMME))
    neither = report_markdown(lpt, unmatched(lpt_results(), 0, 0))
    assert "could not be matched" not in neither and "(0%)" not in neither
    assert ("The national treatment group contained 57% of the individuals originally submitted and the regional "
            "treatment group contained 57%.\n") in neither
    one = report_markdown(lpt, unmatched(lpt_results(), 0, 5))
    assert ("5 people (7%) were excluded from the regional analysis because they could not be matched to any "
            "suitable individuals in the comparison group.\n") in one
    assert "from the national analysis" not in one
    both = report_markdown(lpt, lpt_results())
    assert ("4 people (5%) were excluded from the national analysis and 5 people (7%) were excluded from the "
            "regional analysis because they could not be matched to any suitable individuals in the comparison "
            "groups.") in both
    alone = loaded(spec(LPT_PROGRAMME, analyses=[{"name": "National", "headline": True}]))
    single = lpt_results().model_copy(update={"analyses": unmatched(lpt_results(), 0).analyses[:1]})
    text = report_markdown(alone, single)
    assert "could not be matched" not in text and "(0%)" not in text
    assert "The treatment group contained 57% of the individuals originally submitted." in text


def test_the_profile_compares_with_those_not_included_only_when_there_are_some():
    results = lpt_results()
    everyone = results.model_copy(update={"profile": results.profile.model_copy(update={
        "not_analysed": results.profile.not_analysed.model_copy(update={"n": 0})})})
    lpt = loaded(spec(LPT_PROGRAMME))
    assert ("included in the treatment group for the analysis is below, compared with the characteristics of those "
            "who could not be included in the analysis.") in report_markdown(lpt, results)
    text = report_markdown(lpt, everyone)
    assert "included in the treatment group for the analysis is below.\n" in text
    assert "could not be included" not in text
