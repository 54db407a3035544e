"""Hand-built Results with the published figures of the two seed reports (LPT and Making Connections).

The numbers are the seeds' tables (unrounded where the seed gives more, e.g. 17/39 re-offend),
so the rendered sentences can be compared with the published ones.
"""

from __future__ import annotations

from pathlib import Path

from engine.results import (
    AnalysisResult, AttritionStep, BalanceRow, ExtraTest, GroupProfile, MeasureResult, Profile, SpecInfo,
    Results, Share,
)
from engine.spec.loaded import LoadedSpec
from engine.spec.models import Spec


def measure(tn, cn, t, c, low, high, p, *, headline=True, reported=True, required=None, extra=None):
    significant = p <= 0.05
    state = "not_significant" if not significant else ("decrease" if high < 0 else "increase")
    return MeasureResult(
        treatment_n=tn, comparison_n=cn, treatment=t, comparison=c, difference=t - c, ci_low=low, ci_high=high,
        p_value=p, significant=significant, state=state, required_treatment_n=required,
        comparison_effective_n=cn * 0.6, degrees_of_freedom=tn - 1.0, reported=reported, headline=headline,
        extra_test=ExtraTest(name="resampling test", p_value=p, significant=significant) if extra else None,
    )


def row(variable, quality, level=None, smd=1.0):
    return BalanceRow(variable=variable, level=level, treatment_mean=0.5, comparison_mean=0.5, smd_percent=smd,
                      quality=quality, comparison_mean_before=0.4, smd_percent_before=20.0)


def analysis(name, headline, tn, cn, unmatched, measures, balance, variables, pool=None, description=None):
    return AnalysisResult(
        name=name, headline=headline, description=description, pool_restriction=pool or {}, variables=variables,
        treatment_n=tn, comparison_n=cn, comparison_effective_n=cn * 0.6, unmatched_n=unmatched, pool_n=cn * 10, outside_support_n=0,
        caliper_logit=0.1, balance=balance, measures=measures,
    )


def shares(pairs, n, below=5):
    return [Share(level=lv, count=k, percent=100.0 * k / n, suppressed=0 < k < below) for lv, k in pairs]


def attrition(submitted, steps):
    out, remaining = [AttritionStep(step="submitted", removed=0, remaining=submitted)], submitted
    for step, removed in steps:
        remaining -= removed
        out.append(AttritionStep(step=step, removed=removed, remaining=remaining))
    return out


LPT_VARIABLES = ["sex", "age", "ethnicity", "custody_length_band", "offence_severity", "previous_offences",
                 "previous_custody", "benefits_prior_year", "employed_prior_year", "cohort_year",
                 "need_accommodation", "need_drugs", "need_attitudes", "need_employment"]


def lpt_results() -> Results:
    national = analysis(
        "National", True, 39, 13557, 4,
        {
            "rate": measure(39, 13557, 100 * 17 / 39, 34.8, -7.49, 25.07, 0.281, required=428),
            "frequency": measure(39, 13557, 37 / 39, 0.87, -0.49, 0.64, 0.79),
            "time_to_first_reoffence": measure(17, 4548, 176.0, 159.6, -38.6, 71.4, 0.55, headline=False),
        },
        [row("sex", "well", "M"), row("age", "well"), row("ethnicity", "well", "Black"),
         row("custody_length_band", "reasonably", "1 to 4 years"), row("offence_severity", "reasonably"),
         row("previous_offences", "reasonably"), row("previous_custody", "reasonably"),
         row("benefits_prior_year", "reasonably"), row("employed_prior_year", "poorly"),
         row("cohort_year", "poorly"), row("need_accommodation", "reasonably"), row("need_drugs", "poorly"),
         row("need_attitudes", "well"), row("need_employment", "well")],
        LPT_VARIABLES,
        description="treatment group matched to offenders across England and Wales using demographics, "
        "criminal history and individual risks and needs",
    )
    regional = analysis(
        "Regional", False, 38, 3045, 5,
        {
            "rate": measure(38, 3045, 100 * 17 / 38, 34.8, -7.3, 27.1, 0.23, required=390),
            "frequency": measure(38, 3045, 0.97, 1.00, -0.58, 0.57, 0.93),
            "time_to_first_reoffence": measure(17, 1057, 176.0, 159.8, -39.8, 71.2, 0.56, headline=False),
        },
        [row("sex", "well", "M"), row("age", "well"), row("offence_severity", "reasonably"),
         row("cohort_year", "poorly")],
        LPT_VARIABLES, pool={"region": ["London"]},
        description="treatment group matched to offenders in London using demographics, criminal history and "
        "individual risks and needs",
    )
    profile = Profile(
        analysed=GroupProfile(
            n=39, sex=shares([("M", 39)], 39), ethnicity=shares([("Black", 26), ("White", 11), ("Asian", 2)], 39),
            nationality=shares([("UK", 19), ("Unknown", 15), ("Non-UK", 5)], 39),
            age_min=17.0, age_max=25.0, age_mean=21.2, index_year=shares([("2012", 4), ("2013", 35)], 39),
            sentence=shares([("Non-custodial sentence", 30), ("Custodial sentence: 1 to 4 years", 8),
                             ("Custodial sentence: 4 to 10 years", 1)], 39),
            needs_assessed_n=35, needs_assessed_percent=100 * 35 / 39,
            needs=shares([("need_drugs", 26), ("need_employment", 26), ("need_attitudes", 22),
                          ("need_accommodation", 7)], 35),
        ),
        not_analysed=GroupProfile(
            n=30, sex=shares([("M", 30)], 30), ethnicity=shares([("Black", 24), ("White", 4), ("Asian", 2)], 30),
            nationality=shares([("Unknown", 20), ("UK", 10)], 30), age_min=None, age_max=None, age_mean=None,
            index_year=[], sentence=[], needs_assessed_n=0, needs_assessed_percent=0.0, needs=[],
        ),
        not_identified_n=7,
    )
    return Results(
        engine_version="test", spec=SpecInfo(path="lpt.yaml", sha256="0" * 64), inputs={},
        attrition=attrition(77, [("duplicates", 1), ("not_identified", 4), ("no_matching_sentence", 25),
                                 ("sexual_offence", 4)]),
        analyses=[national, regional], measures=["rate", "frequency", "time_to_first_reoffence"],
        significance_level=0.05, profile=profile,
    )


MC_VARIABLES = ["age", "ethnicity", "custody_length_band", "age_first_contact", "copas_rate", "need_drugs"]


def mc_results() -> Results:
    complex_ = analysis(
        "Complex", True, 83, 5514, 3,
        {
            "rate": measure(83, 5514, 100 * 13 / 83, 27.8, -20.2, -4.1, 0.004),
            "frequency": measure(83, 5514, 26 / 83, 1.0566, -0.96, -0.53, 0.001),
            "time_to_first_reoffence": measure(13, 2418, 75.0, 142.9, -114.8, -21.2, 0.008, extra=True),
        },
        [row("age", "well"), row("ethnicity", "reasonably", "White"), row("custody_length_band", "poorly"),
         row("age_first_contact", "reasonably"), row("copas_rate", "reasonably"), row("need_drugs", "well")],
        MC_VARIABLES,
    )
    standard = analysis(
        "Standard", False, 84, 6203, 2,
        {
            "rate": measure(84, 6203, 100 * 13 / 84, 27.5, -19.8, -4.2, 0.003),
            "frequency": measure(84, 6203, 0.30, 1.06, -0.98, -0.52, 0.001),
            "time_to_first_reoffence": measure(13, 2790, 75.0, 134.8, -106.9, -12.7, 0.02, extra=True),
        },
        [row("age", "well"), row("custody_length_band", "reasonably")], MC_VARIABLES[:5],
    )
    return Results(
        engine_version="test", spec=SpecInfo(path="mc.yaml", sha256="0" * 64), inputs={},
        attrition=attrition(142, [("duplicates", 2), ("not_identified", 8), ("no_matching_sentence", 44),
                                  ("sexual_offence", 2)]),
        analyses=[complex_, standard], measures=["rate", "frequency", "time_to_first_reoffence"],
        significance_level=0.05, profile=None, released_from_custody=True,
    )


# the seed specs' service identity (specs/*.yaml `service`)
SEED_SERVICE = {"name": "the Justice Data Lab", "national_data": "the Police National Computer (PNC)",
                "general_annex": True}


def spec(programme: dict, **extra) -> Spec:
    return Spec.model_validate({
        "spec_version": 1, "programme": programme,
        "data": {"reference": "ref.csv", "submission": "sub.csv"},
        "matching": {"variables": ["sex", "age"]},
        "analyses": [{"name": "National", "headline": True}, {"name": "Regional"}],
        "service": SEED_SERVICE,
        **extra,
    })


LPT_PROGRAMME = {
    "name": "the London Probation Trust peer mentoring programme",
    "title": "London Probation Trust's peer mentoring programme",
    "organisation": "London Probation Trust",
    "participants": "men and youths",
    "per_hundred_noun": "offenders",
    "summary": "The London Probation Trust provided peer mentoring to offenders in Hackney, Croydon, Lewisham "
    "and Greenwich.",
    "in_their_own_words": "The peer mentoring project was implemented at the beginning of 2013.\n\n"
    "- A 3-way meeting with offender, mentor and offender manager.",
    "response": "LPT commissioned this research in 2013.",
    "profile_note": "The programme was delivered in Hackney, Croydon, Lewisham and Greenwich.",
}

MC_PROGRAMME = {
    "name": "the Making Connections programme",
    "title": "Making Connections",
    "organisation": "Making Connections",
    "participants": "adults",
    "summary": "The Making Connections mentoring programme is offered to all women approaching release from "
    "HMP Send.",
}


def loaded(spec_: Spec) -> LoadedSpec:
    return LoadedSpec(spec=spec_, path=Path("specs/test.yaml"), positions={"programme.summary": (5, 3)})
