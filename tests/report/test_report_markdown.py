"""The rendered report says what the seeds say, with the seeds' numbers, in the seeds' formats."""

from __future__ import annotations

import pytest
from report_fixtures import MC_PROGRAMME, loaded, lpt_results, spec
from jinja2.exceptions import UndefinedError

from engine.errors import UserError
from engine.words.texts import report_text_dir
from engine.render import markdown
from engine.report import report_markdown

LPT_SENTENCES = [
    "**This analysis looked at the re-offending behaviour of 39 men and youths who took part in the London "
    "Probation Trust peer mentoring programme. The overall results show that more people would need to have "
    "completed the programme and be available for analysis in order to determine the way in which the programme "
    "affects a person's re-offending behaviour, but this should not be taken to mean that the programme fails "
    "to affect it.**",
    "The 39 people who were eligible to be included in the main analysis were from a group of 77 records "
    "submitted to the Justice Data Lab.",
    "- **44** of the 100 people committed a proven re-offence within a one-year period (a rate of 44%), "
    "**9 people more** than in the comparison group.",
    "Time to first re-offence has not been included as a headline result due to low numbers of re-offenders, "
    "which could potentially provide misleading results.",
    "could be **lower by as many as 7 people, or higher by as many as 25 people**.",
    "could be **lower by as many as 49 offences, or higher by as many as 64 offences**.",
    "It is estimated that a treatment group of 428 people would be needed to determine the effect on the one "
    "year proven re-offending rate.",
    "may decrease the number of proven re-offenders during a one-year period by as many as 7 people, or may "
    "increase it by as many as 25 people",
    "### What you can say about the one-year re-offending rate:",
    "✗ \"This analysis shows that the London Probation Trust peer mentoring programme increases/ decreases/ has "
    "no effect on the one-year proven re-offending rate of its participants.\"",
    "### One-year proven re-offending rate after participation in London Probation Trust's peer mentoring programme",
    "(charts/rate.png)",
    "Non-significant difference between groups",
    "## London Probation Trust's peer mentoring programme: in their own words",
    "> - A 3-way meeting with offender, mentor and offender manager.",
    "## London Probation Trust's response to the Justice Data Lab analysis",
    "Two analyses were conducted in total.",
    "1. **National analysis:** treatment group matched to offenders across England and Wales",
    "The headline results in this report refer to the **national analysis**.",
    "| National | none | 39 | 13,557 | 17 | 4,548 |",
    "| Regional | London | 38 | 3,045 | 17 | 1,057 |",
    "In each analysis, the **three headline measures** of one-year re-offending were analysed "
    "(see results in Tables 1-3):",
    "There were no statistically significant results across any of the measures.",
    "| National | 39 | 13,557 | 43.6 | 34.8 | -7 to +25 | No | 0.28 |",
    "| Regional | 38 | 3,045 | 44.7 | 34.8 | -7 to +27 | No | 0.23 |",
    "| National | 39 | 13,557 | 0.95 | 0.87 | -0.5 to +0.6 | No | 0.79 |",
    "| Regional | 38 | 3,045 | 0.97 | 1.00 | -0.6 to +0.6 | No | 0.93 |",
    "| National | 17 | 4,548 | 176.0 | 159.6 | -39 to +71 | No | 0.55 |",
    "| Regional | 17 | 1,057 | 176.0 | 159.8 | -40 to +71 | No | 0.56 |",
    "The time to first re-offence analysis of participants and the comparison group is based on a group of only "
    "17 participants. A larger group of re-offenders (usually a minimum of 30) would be required",
    "**Participants included in analysis (39 men and youths – national analysis)**",
    "- 100% male",
    "- 67% Black, 28% white, \\* Asian",
    "- 49% UK nationals, 38% unknown nationality, 13% non-UK nationals",
    "- Aged 17 to 25 at the beginning of their one-year re-offending period (mean age 21 years)",
    "- \\* released from prison/ started community sentence in 2012, 90% in 2013.",
    "- Sentence type:\n    - Non-custodial sentence 77%\n    - Custodial sentence\n        - 1 to 4 years 21%\n"
    "        - 4 to 10 years \\*",
    "**Participants not included in analysis (30 men and youths)**",
    "For the **7 people** without any records in the re-offending database, no personal information is available.",
    "Information on individual risks and needs was available for 35 people in the national analysis treatment "
    "group (90%)",
    "- 74% had previously misused drugs;",
    "- 63% had some or significant issues with pro-criminal attitudes;",
    "- 20% had no fixed abode.",
    "The treatment and comparison groups were reasonably well matched on a number of variables, including "
    "custodial sentence length, index offence severity, previous offence variables",
    "77 records were submitted for analysis by London Probation Trust, corresponding to 76 individuals.",
    "4 people (5%) were excluded because they could not be identified on the Police National Computer (PNC).",
    "25 people (33%) were excluded because they did not have a record in the re-offending database that "
    "corresponded to their period of participation on the London Probation Trust peer mentoring programme.",
    "4 people (5%) were excluded because they had committed a current or previous sexual offence.",
    "4 people (5%) were excluded from the national analysis and 5 people (7%) were excluded from the regional "
    "analysis because they could not be matched to any suitable individuals in the comparison groups.",
    "The national treatment group contained 51% of the individuals originally submitted and the regional "
    "treatment group contained 50%.",
    "- **National treatment group**: 39 people (comparison group: 13,557 records)",
    "## Contact points",
    "Sarah French\\\nJustice Data Lab Team\\\nE-mail: justice.datalab@justice.gsi.gov.uk",
]

MC_SENTENCES = [
    "**This analysis looked at the re-offending behaviour of 83 adults who took part in the Making Connections "
    "programme. The results show that those who took part in the programme were less likely to re-offend within "
    "a one-year period and had a lower frequency of re-offences than those who did not take part. However, "
    "participants who committed a re-offence did so more quickly than non-participants.**",
    "**31** proven re-offences were committed by these 100 people during the year (a frequency of 0.31 offences "
    "per person), **74 offences fewer than** the comparison group.",
    "**75** days was the average time before a re-offender committed their first proven re-offence, **68 days "
    "sooner** than re-offenders in the comparison group.",
    "Totals may not equal the sum of their parts due to rounding.",
    "could be **lower by between 4 and 20 people**. This is a **statistically significant result**.",
    "could be **lower by between 53 and 96 offences**. This is also a **statistically significant result**.",
    "could be **shorter by between 21 and 115 days**. Again, this is a **statistically significant result**.",
    "### Average time to first proven re-offence after participation in Making Connections\\*",
    "\\*As this test on the average time to first proven re-offence was based on a small group of only 13 "
    "participants (those in the 'treatment group' who committed a proven re-offence within 12 months), the "
    "effects were verified using additional statistical tests.",
    "**All 3 measures show significant results in both analyses**, showing the following results:",
    "- Both analyses provide significant evidence that **fewer participants than non-participants commit a "
    "re-offence within a one-year period** (Table 1).",
    "- Both analyses provide significant evidence that **participants who commit a re-offence may do so more "
    "quickly than non-participants** (Table 3).",
    "| Complex | 83 | 5,514 | 15.7 | 27.8 | -20 to -4 | Yes | 0.00 |",
    "| Complex | 83 | 5,514 | 0.31 | 1.06 | -1.0 to -0.5 | Yes | 0.00 |",
    "| Complex | 13 \\* | 2,418 | 75.0 | 142.9 | -115 to -21 | Yes | 0.01 |",
    "| Standard | 13 \\* | 2,790 | 75.0 | 134.8 | -107 to -13 | Yes | 0.02 |",
    "\\*As these tests were based on a small group of only 13 participants",
    "142 records were submitted for analysis by Making Connections, corresponding to 140 individuals. "
    "2 duplicate records were removed.",
    "8 people (6%) were excluded because they could not be identified on the Police National Computer (PNC).",
    "44 people (31%) were excluded because they did not have a record in the re-offending database",
    "2 people (1%) were excluded because they had committed a current or previous sexual offence.",
    "3 people (2%) were excluded from the complex analysis and 2 people (1%) were excluded from the standard "
    "analysis because they could not be matched",
]


def test_lpt_report_says_what_the_seed_says(lpt):
    text = report_markdown(*lpt)
    missing = [s for s in LPT_SENTENCES if s not in text]
    assert not missing, missing
    assert "Totals may not equal" not in text  # 44 - 35 = 9 and 95 - 87 = 8: no rounding note
    assert "Significant results" not in text
    assert text.endswith("\n") and "\n\n\n" not in text


def test_mc_report_says_what_the_seed_says(mc):
    text = report_markdown(*mc)
    missing = [s for s in MC_SENTENCES if s not in text]
    assert not missing, missing
    assert "Time to first re-offence has not been included" not in text
    assert "in their own words" not in text and "Contact points" not in text  # not in the spec


def test_sections_follow_the_seeds_order(lpt):
    text = report_markdown(*lpt)
    headings = ["## Key findings", "### Overall measurements", "### Overall estimates", "### What you can say",
                "## Charts", "in their own words", "response to the Justice Data Lab", "## The results in detail",
                "## Profile of the treatment group", "## Matching the treatment", "## Numbers of people",
                "## Contact points"]
    positions = [text.index(h) for h in headings]
    assert positions == sorted(positions)


def test_rendering_is_deterministic(lpt):
    assert report_markdown(*lpt) == report_markdown(*lpt)


def test_overclaim_in_spec_text_stops_the_report():
    programme = dict(MC_PROGRAMME, summary="The programme reduces re-offending by 44%.")
    with pytest.raises(UserError) as error:
        report_markdown(loaded(spec(programme)), lpt_results())
    assert "specs/test.yaml:5:3" in str(error.value)
    assert len(error.value.problems) == 1  # once, at the spec's line: not again where a template quotes it


def test_forbidden_phrase_of_the_spec_stops_the_report():
    programme = dict(MC_PROGRAMME, summary="A life-changing programme for women.")
    with pytest.raises(UserError, match="life-changing"):
        report_markdown(loaded(spec(programme, report={"forbidden_phrases": ["life-changing"]})), lpt_results())


def test_undefined_names_in_a_template_raise(lpt):
    template = markdown.environment().from_string("{{ programme.nmae }}")
    with pytest.raises(UndefinedError):
        template.render(programme=lpt[0].spec.programme)
    with pytest.raises(UndefinedError):
        markdown.environment().from_string("{{ nothing }}").render()


def test_templates_run_sandboxed():
    from jinja2.exceptions import SecurityError

    with pytest.raises(SecurityError):
        markdown.environment().from_string("{{ ''.__class__.__mro__ }}").render()


def test_report_text_is_found_in_a_checkout():
    folder = report_text_dir()
    assert (folder / "labels.yaml").is_file()
    assert all((folder / f"{name}.md.j2").is_file() for name in markdown.SECTIONS)


def test_a_small_group_check_that_disagrees_is_not_called_verification(mc):
    loaded_mc, results = mc
    analyses = []
    for a in results.analyses:
        time = a.measures["time_to_first_reoffence"]
        doubtful = time.model_copy(update={"extra_test": time.extra_test.model_copy(update={"significant": False})})
        analyses.append(a.model_copy(update={"measures": {**a.measures, "time_to_first_reoffence": doubtful}}))
    text = report_markdown(loaded_mc, results.model_copy(update={"analyses": analyses}))
    assert "verified using additional statistical tests" not in text
    assert "did not confirm this result, so it should be treated with caution" in text
    assert "they did not confirm every result, so these results should be treated with caution" in text


def test_unreported_further_measures_do_not_count_against_all_significant(mc):
    loaded_mc, results = mc
    rate = results.analyses[0].measures["rate"]
    custody = rate.model_copy(update={"reported": False, "headline": False, "significant": True, "state": "decrease"})
    analyses = [a.model_copy(update={"measures": {**a.measures, "custody": custody}}) for a in results.analyses]
    text = report_markdown(loaded_mc, results.model_copy(update={"analyses": analyses,
                                                                  "measures": [*results.measures, "custody"]}))
    assert "**All 3 measures show significant results in both analyses**" in text
    assert "re-offences resulting in custody have not been included in this report" in text
