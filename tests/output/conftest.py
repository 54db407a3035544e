"""A small hand-built Results (two analyses, three measures, one significant) for the output tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.results import (
    AnalysisResult,
    AttritionStep,
    BalanceRow,
    ExtraTest,
    FileInfo,
    SpecInfo,
    GroupProfile,
    MeasureResult,
    Profile,
    Results,
    Share,
)
from engine.spec.loaded import LoadedSpec
from engine.spec.models import Spec

PROGRAMME_TITLE = "London Probation Trust's peer mentoring programme"


def measure(**values) -> MeasureResult:
    base = dict(
        treatment_n=39,
        comparison_n=13557,
        treatment=43.58974358974359,
        comparison=34.79,
        difference=8.79974358974359,
        ci_low=-7.3,
        ci_high=24.9,
        p_value=0.2812,
        significant=False,
        state="not_significant",
        required_treatment_n=428,
        comparison_effective_n=10250.5,
        degrees_of_freedom=38.2,
        reported=True,
        headline=True,
    )
    base.update(values)
    return MeasureResult(**base)


def balance() -> list[BalanceRow]:
    return [
        BalanceRow(variable="age", level=None, treatment_mean=21.4, comparison_mean=21.6, smd_percent=-4.1,
                   quality="well", comparison_mean_before=32.7, smd_percent_before=-120.5),
        BalanceRow(variable="sex", level="M", treatment_mean=0.9, comparison_mean=0.86, smd_percent=7.2,
                   quality="reasonably", comparison_mean_before=0.8, smd_percent_before=27.3),
        BalanceRow(variable="need_drugs", level="(missing)", treatment_mean=0.2, comparison_mean=0.15,
                   smd_percent=13.1, quality="poorly", comparison_mean_before=0.3, smd_percent_before=-23.0),
    ]


def national() -> AnalysisResult:
    return AnalysisResult(
        name="National", headline=True, description="matched to offenders across England and Wales",
        pool_restriction={}, variables=["age", "sex", "need_drugs"], treatment_n=39, comparison_n=13557,
        comparison_effective_n=10250.5, unmatched_n=4, pool_n=250000, outside_support_n=0, caliper_logit=0.21, balance=balance(),
        measures={
            "rate": measure(),
            "frequency": measure(treatment=0.95, comparison=1.62, difference=-0.67, ci_low=-1.2, ci_high=-0.14,
                                 p_value=0.014, significant=True, state="decrease", required_treatment_n=None),
            "time_to_first_reoffence": measure(treatment_n=17, comparison_n=4700, treatment=120.4, comparison=110.2,
                                               difference=10.2, ci_low=-30.1, ci_high=50.5, p_value=0.61,
                                               required_treatment_n=None, headline=False,
                                               extra_test=ExtraTest(name="resampling test", p_value=0.6, significant=False)),
        },
    )


def regional() -> AnalysisResult:
    base = national()
    return base.model_copy(update={
        "name": "Regional", "headline": False, "description": "matched to offenders in London",
        "pool_restriction": {"region": ["London"]}, "treatment_n": 38, "comparison_n": 2100,
        "comparison_effective_n": 1800.25, "unmatched_n": 5, "pool_n": 30000, "outside_support_n": 12,
        "measures": {k: v.model_copy(update={"treatment_n": 38 if k != "time_to_first_reoffence" else 16})
                     for k, v in base.measures.items()},
    })


def group(n: int, shares: list[tuple[str, int, float, bool]]) -> GroupProfile:
    made = [Share(level=a, count=b, percent=c, suppressed=d) for a, b, c, d in shares]
    return GroupProfile(
        n=n, sex=made, ethnicity=[Share(level="White", count=n, percent=100.0, suppressed=False)], nationality=[],
        age_min=18.0, age_max=25.0, age_mean=21.4, index_year=[], sentence=[], needs_assessed_n=n,
        needs_assessed_percent=100.0, needs=[Share(level="need_drugs", count=3, percent=3 / n * 100, suppressed=True)],
    )


@pytest.fixture
def results() -> Results:
    return Results(
        engine_version="0.1.0",
        spec=SpecInfo(path="specs/lpt.yaml", sha256="ab" * 32),
        inputs={"reference": FileInfo(path="specs/data/national.parquet", sha256="cd" * 32, rows=250000),
                "submission": FileInfo(path="specs/data/lpt_submission.csv", sha256="ef" * 32, rows=77)},
        attrition=[AttritionStep(step="submitted", removed=0, remaining=77),
                   AttritionStep(step="duplicates", removed=1, remaining=76),
                   AttritionStep(step="not_identified", removed=4, remaining=72),
                   AttritionStep(step="no_matching_sentence", removed=25, remaining=47),
                   AttritionStep(step="sexual_offence", removed=4, remaining=43)],
        analyses=[national(), regional()],
        measures=["rate", "frequency", "time_to_first_reoffence"],
        significance_level=0.05,
        profile=Profile(analysed=group(39, [("M", 36, 92.3, False), ("F", 3, 7.7, True)]),
                        not_analysed=group(29, [("M", 29, 100.0, False), ("Unknown", 0, 0.0, True)]),
                        not_identified_n=4),
    )


@pytest.fixture
def loaded(tmp_path: Path) -> LoadedSpec:
    spec = Spec.model_validate({
        "spec_version": 1,
        "programme": {"name": "the London Probation Trust peer mentoring programme", "title": PROGRAMME_TITLE,
                      "organisation": "London Probation Trust", "summary": "Peer mentoring."},
        "data": {"reference": "data/national.parquet", "submission": "data/lpt.csv"},
        "matching": {"variables": ["age", "sex", "need_drugs"]},
        "analyses": [{"name": "National", "headline": True}, {"name": "Regional", "pool": {"region": ["London"]}}],
    })
    path = tmp_path / "lpt.yaml"
    path.write_text("spec_version: 1\n")
    return LoadedSpec(spec=spec, path=path)
