"""Seed sentences of the detail, profile, matching, flow and footer sections (LPT and MC seeds)."""

from __future__ import annotations

from report_fixtures import LPT_PROGRAMME, loaded, lpt_results, spec

from engine.report import report_markdown
from engine.words.texts import labels
from engine.render.profile_view import sentence_types
from engine.results import Share

OASYS = ("Further details of group characteristics and matching quality, including risks and needs recorded by "
         "the Offender Assessment System (OASys), can be found in the Excel annex accompanying this report.")
GENERAL_ANNEX = ("This report is also supplemented by a general annex, which answers frequently asked questions "
                 "about Justice Data Lab analyses and explains the caveats associated with them.")
SEX_OFFENCE = ("2 people (1%) were excluded because they had committed a current or previous sexual offence. They "
               "were excluded because the re-offending patterns of sex offenders are generally very different to "
               "those of non-sex offenders.")
FOOTER = ("General enquiries about the statistical work of the Ministry of Justice can be e-mailed to:\\\n"
          "statistics.enquiries@justice.gsi.gov.uk\n\n© Crown copyright 2017\n\nProduced by the Ministry of Justice")


def test_lpt_detail_names_what_each_analysis_controlled_for(lpt):
    text = report_markdown(*lpt)
    assert ("Two analyses were conducted in total. Each analysis controlled for offender demographics and criminal "
            "history and the following risks and needs: accommodation, drug use, attitudes and employment "
            "history.\n") in text


def test_lpt_no_significant_results_comes_before_the_further_measures(lpt):
    text = report_markdown(*lpt)
    none = "There were no statistically significant results across any of the measures."
    further = ("Further measures regarding the severity of re-offending and re-offences resulting in custody were "
               "not part of this analysis.")
    assert none in text and further in text
    assert text.index(none) < text.index(further)


def test_mc_names_the_analysis_with_risks_and_needs_then_the_intro(mc):
    loaded_, results = mc
    intro = "No regional analysis was run, as the participants came from across England and Wales."
    report = loaded_.spec.report.model_copy(update={"analyses_intro": intro})
    loaded_ = loaded(loaded_.spec.model_copy(update={"report": report}))
    text = report_markdown(loaded_, results)
    needs = "The complex analysis controlled for the following risks and needs: drug use."
    assert "Two analyses were conducted in total.\n" in text
    assert text.index("2. **Standard analysis:**") < text.index(needs) < text.index(intro) \
        < text.index("The headline results in this report refer to the **complex analysis**.")
    assert "Each analysis controlled for" not in text


def test_matching_points_to_the_annexes_and_oasys_only_with_risks_and_needs(lpt):
    text = report_markdown(*lpt)
    assert OASYS + "\n\n" + GENERAL_ANNEX in text
    results = lpt_results()
    without = [a.model_copy(update={"variables": [v for v in a.variables if not v.startswith("need_")]})
               for a in results.analyses]
    text = report_markdown(lpt[0], results.model_copy(update={"analyses": without}))
    assert ("Further details of group characteristics and matching quality can be found in the Excel annex "
            "accompanying this report.") in text
    assert "OASys" not in text and GENERAL_ANNEX in text


def test_flow_says_why_sex_offenders_are_excluded(mc):
    assert SEX_OFFENCE in report_markdown(*mc)


def test_footer_is_printed_last_after_the_contacts():
    footer = ("General enquiries about the statistical work of the Ministry of Justice can be e-mailed to:\\\n"
              "statistics.enquiries@justice.gsi.gov.uk\n\n© Crown copyright 2017\n\nProduced by the Ministry of "
              "Justice\n")
    contacts = [{"heading": "Press enquiries should be directed to the Ministry of Justice press office",
                 "lines": ["Tel: 020 3334 3555"]}]
    text = report_markdown(loaded(spec(LPT_PROGRAMME, report={"contacts": contacts, "footer": footer})),
                           lpt_results())
    assert text.endswith("Tel: 020 3334 3555\n\n" + FOOTER + "\n")


def test_no_footer_no_trailing_section(mc):
    assert report_markdown(*mc).endswith("- **Standard treatment group**: 84 people (comparison group: 6,203 "
                                         "records)\n")


def test_sentence_types_nest_custodial_lengths():
    shares = [Share(level="Non-custodial sentence", count=30, percent=76.9, suppressed=False),
              Share(level="Custodial sentence: 1 to 4 years", count=8, percent=20.5, suppressed=False),
              Share(level="Custodial sentence", count=2, percent=5.1, suppressed=True),
              Share(level="Custodial sentence: 4 to 10 years", count=1, percent=2.6, suppressed=True)]
    items = sentence_types(shares, labels())
    assert [(i["label"], i["percent"]) for i in items] == [("Non-custodial sentence", 76.9),
                                                         ("Custodial sentence", None)]
    assert [(c["label"], c["percent"], c["suppressed"]) for c in items[1]["children"]] == [
        ("1 to 4 years", 20.5, False), ("4 to 10 years", 2.6, True), ("length not recorded", 5.1, True)]
    only_bandless = sentence_types([Share(level="Custodial sentence", count=9, percent=100.0, suppressed=False)],
                                   labels())
    assert only_bandless == [{"label": "Custodial sentence", "percent": 100.0, "suppressed": False, "count": 9,
                              "children": []}]

