"""The spec: one evaluation, as the YAML file describes it (docs/architecture.md §3).

Every key has a description: `jdlspec schema` turns these models into the JSON Schema that
editors use to complete and check specs, so the descriptions are the user documentation.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from engine.houses import BASE
from engine.measures import NAMES, HEADLINE_NAMES, MeasureDeclaration, declared_name_problem
from engine.spec.data import OUTCOME_COLUMNS, Data
from engine.spec.publishing import Publication, Report, Service
from engine.spec.strict import Strict

ExclusionName = Literal["duplicates", "not_identified", "no_matching_sentence", "sexual_offence"]

ALL_EXCLUSIONS: list[ExclusionName] = ["duplicates", "not_identified", "no_matching_sentence", "sexual_offence"]
JDL_ONLY_EXCLUSION: ExclusionName = "sexual_offence"  # the Justice Data Lab's step: no other house's default
HEADLINE_MEASURES: list[str] = list(HEADLINE_NAMES)
MIN_SUBMITTED = 60  # the Justice Data Lab's minimum submission
MIN_SUBMITTED_FLOOR = 30  # below this, no evaluation is published whatever the spec says


class Programme(Strict):
    name: str = Field(
        description="The programme's name as used inside sentences, with its article, e.g. "
        "'the Making Connections programme'."
    )
    title: str = Field(
        description="The programme's name as used in headings and chart titles, e.g. "
        "\"London Probation Trust's peer mentoring programme\"."
    )
    organisation: str = Field(description="The organisation that ran the programme and submitted the records.")
    participants: str = Field(
        default="people",
        description="The noun for the people in the summary sentence, e.g. 'men and youths', 'adults', 'women'.",
    )
    per_hundred_noun: str = Field(
        default="participants",
        description="The noun in 'for every 100 ...' sentences, e.g. 'participants' or 'offenders'.",
    )
    summary: str = Field(
        description="What the programme is and who took part (Markdown). Checked by the wording rules."
    )
    in_their_own_words: str | None = Field(
        default=None, description="The organisation's own description of the programme (Markdown). Optional."
    )
    response: str | None = Field(
        default=None, description="The organisation's response to the results (Markdown). Optional."
    )
    profile_note: str | None = Field(
        default=None,
        description="A sentence or two opening 'Profile of the treatment group', e.g. where the programme ran.",
    )


class Matching(Strict):
    method: Literal["radius", "nearest"] = Field(
        default="radius",
        description="radius: every pool record within the caliper of a participant (the Justice Data Lab's method); "
        "nearest: the closest `ratio` records (as R's MatchIt).",
    )
    caliper: float = Field(
        default=0.2, ge=0.001, le=10, description="Maximum distance, in standard deviations of the logit propensity score."
    )
    ratio: int = Field(default=1, ge=1, le=100, description="nearest only: comparison records per participant.")
    replace: bool = Field(default=True, description="nearest only: may a comparison record match several participants?")
    variables: list[str] = Field(min_length=1, description="Reference columns the propensity model uses.")
    categorical: list[str] = Field(
        default=[],
        description="Numeric columns to treat as categories (text columns are always categories).",
    )
    reference_levels: dict[str, str | int] = Field(
        default={}, description="For a categorical variable, the level left out of the model, e.g. {sex: F}."
    )


class Balance(Strict):
    well_matched_below: float = Field(
        default=5.0, gt=0, le=1000, description="Standardised difference (%) under which a variable is well matched."
    )
    poorly_matched_above: float = Field(
        default=10.0, gt=0, le=1000, description="Standardised difference (%) over which a variable is poorly matched."
    )
    convention: Literal["pooled", "treated"] = Field(
        default="pooled",
        description="Standardised difference used for the verdicts: pooled (the Justice Data Lab's: the "
        "difference over the root mean of the two groups' variances after matching, 0/1 terms standardised too) "
        "or treated (the R package cobalt's: over the participants' standard deviation before matching, 0/1 "
        "terms as raw differences in percentage points; MatchIt's summary standardises 0/1 terms by that SD too). "
        "The annex prints both.",
    )
    additional: list[str] = Field(
        default=[],
        description="Characteristics of the reference data to show in the balance table without matching on them "
        "(as cobalt's addl), e.g. [disposal, region]: the report says how well they are balanced, and a poorly "
        "balanced one is a warning.",
    )

    @model_validator(mode="after")
    def _ordered(self) -> Balance:
        if self.poorly_matched_above < self.well_matched_below:
            raise ValueError("poorly_matched_above must not be below well_matched_below")
        outcomes = [name for name in self.additional if name in OUTCOME_COLUMNS]
        if outcomes:
            raise ValueError(f"additional: '{outcomes[0]}' is an outcome, measured after the programme; the balance "
                             "table compares the groups before it")
        return self


class Analysis(Strict):
    name: str = Field(description="The analysis's name, e.g. National, Regional, Complex.")
    headline: bool = Field(default=False, description="Is this the analysis the key findings report?")
    description: str | None = Field(
        default=None,
        description="One line for the list of analyses, e.g. 'treatment group matched to offenders in London'.",
    )
    pool: dict[str, list[str | int]] = Field(
        default={}, description="Restrict the comparison pool, e.g. {region: [London]}."
    )
    variables: list[str] | None = Field(
        default=None, min_length=1, description="Matching variables for this analysis (default: matching.variables)."
    )


class Statistics(Strict):
    significance_level: float = Field(
        default=0.05, ge=0.001, le=0.10,
        description="A difference is significant when its two-sided p-value is at most this (0.001 to 0.10; "
        "the report states the level whenever it is not 0.05).",
    )
    power: float = Field(
        default=0.8, ge=0.5, le=0.99,
        description="Power for the required sample size sentence (the treatment group it gives is the one that "
        "would settle the rate with the comparison group held at its effective size).",
    )
    e_values: bool = Field(
        default=False,
        description="E-values for each significant headline measure: how strongly an unmeasured characteristic "
        "would need to be associated with both taking part and the outcome to explain the difference away "
        "(VanderWeele and Ding 2017), in results.json, the annex and one sentence of the report.",
    )


class SmallGroups(Strict):
    min_reoffenders_for_time: int = Field(
        default=30,
        ge=0,
        le=100_000,
        description="Fewer participant re-offenders than this: time to first re-offence is not a headline measure.",
    )
    show_time_when_small: bool = Field(
        default=False,
        description="Report time to first re-offence as a headline even below that number, checked by the extra test.",
    )
    min_expected_count: float = Field(
        default=10,
        ge=0,
        le=100_000,
        description="A measure is not reported when the participants x the comparison group's rate (the people "
        "expected to have the outcome without the programme) is below this (the n.p >= 10 rule).",
    )
    min_comparison_effective_n: float = Field(
        default=10,
        ge=1,
        le=100_000,
        description="A measure is not reported when its comparison group's effective size is below this: too "
        "small to estimate its spread (1 turns this off; an effective size of 1 or less is never testable).",
    )
    extra_test: Literal["none", "resampling", "exact"] = Field(
        default="none",
        description="Small groups: an additional test reported beside the t-test: resampling (the equal-tailed "
        "bootstrap test: participant-sized and comparison-sized groups drawn from both groups pooled, as under no "
        "effect, until its verdict is settled) for every measure, or exact (binomial) for the rate.",
    )
    resampling_draws: int = Field(
        default=100_000, ge=100, le=1_000_000,
        description="Most draws for a resampling test: it draws until its verdict is settled, else says inconclusive.",
    )
    random_seed: int = Field(
        default=20130201, ge=0, le=2**32 - 1, description="Seed for the resampling test, so runs repeat exactly."
    )
    min_submitted: int = Field(
        default=MIN_SUBMITTED,
        ge=MIN_SUBMITTED_FLOOR,
        le=1_000_000,
        description=f"Fewest individuals submitted (after duplicates) for an evaluation to run; the Justice Data "
        f"Lab asks for {MIN_SUBMITTED}. It cannot be set below {MIN_SUBMITTED_FLOOR}.",
    )


class Spec(Strict):
    """One evaluation."""

    spec_version: Literal[1] = Field(description="The version of this spec format. Write 1.")
    programme: Programme = Field(description="The programme and the texts about it.")
    data: Data = Field(description="The data files and how they are linked.")
    exclusions: list[ExclusionName] = Field(
        default=ALL_EXCLUSIONS,
        description="Which exclusion steps apply (not_identified and no_matching_sentence always must). They run "
        "in the Justice Data Lab's order (duplicates, not_identified, no_matching_sentence, sexual_offence), "
        "whatever the order written here. Unset in another house than the Justice Data Lab's (service.house): "
        "all but sexual_offence, which is the Justice Data Lab's step.",
    )
    matching: Matching = Field(description="How the comparison group is built.")
    balance: Balance = Field(default_factory=Balance, description="Thresholds for the matching-quality verdicts.")
    analyses: list[Analysis] = Field(min_length=1, description="The analyses; exactly one is the headline.")
    outcome_measures: dict[str, MeasureDeclaration] = Field(
        default={},
        description="Outcome measures of your own, by name (lower case, digits and _), beside the built-in "
        "re-offending ones: each gives the column it reads, its kind, its follow-up, its good direction and "
        "the words that name it. List a name in `measures` to report it.",
    )
    measures: list[str] = Field(
        default=HEADLINE_MEASURES, min_length=1,
        description=f"Outcome measures, in report order: the built-in ones ({', '.join(NAMES)}) and any "
        "declared under outcome_measures.",
    )
    statistics: Statistics = Field(default_factory=Statistics, description="Significance level and power.")
    small_groups: SmallGroups = Field(default_factory=SmallGroups, description="Rules for small groups.")
    report: Report = Field(default_factory=Report, description="Report title, date, contacts and wording options.")
    publication: Publication = Field(
        default_factory=Publication,
        description="Runs published before: this run's groups may not differ from theirs by fewer people than "
        "report.suppress_below (the record of their participants, the evaluation's identity, withdrawn reports).",
    )
    service: Service = Field(
        default_factory=Service,
        description="The service's identity: its name, the national data's name and who ran the analysis. "
        "Nothing names a particular service unless it is written here.",
    )

    @model_validator(mode="before")
    @classmethod
    def _house_exclusions(cls, data):
        """The sexual-offence step is the Justice Data Lab's: another house's spec that lists no exclusions has
        the others (its data need no sexual_offence_history column)."""
        service = data.get("service") if isinstance(data, dict) else None
        house = service.get("house") if isinstance(service, dict) else None
        if isinstance(data, dict) and "exclusions" not in data and house not in (None, BASE):
            return {**data, "exclusions": [step for step in ALL_EXCLUSIONS if step != JDL_ONLY_EXCLUSION]}
        return data

    @model_validator(mode="after")
    def _known_measures(self) -> Spec:
        for name in self.outcome_measures:
            problem = declared_name_problem(name)
            if problem:
                raise ValueError(problem)
        unknown = [m for m in self.measures if m not in NAMES and m not in self.outcome_measures]
        if unknown:
            raise ValueError(f"measures: '{unknown[0]}' is neither a built-in measure nor declared under "
                             "outcome_measures")
        return self

    @model_validator(mode="after")
    def _one_headline(self) -> Spec:
        headlines = [a.name for a in self.analyses if a.headline]
        if len(self.analyses) == 1 and not headlines:
            return self.model_copy(update={"analyses": [self.analyses[0].model_copy(update={"headline": True})]})
        if len(headlines) != 1:
            raise ValueError(f"exactly one analysis must have headline: true (found {len(headlines)})")
        names = [a.name for a in self.analyses]
        if len(set(names)) != len(names):
            raise ValueError("analysis names must differ")
        return self

    def variables_for(self, analysis: Analysis) -> list[str]:
        """The matching variables an analysis uses."""
        return list(analysis.variables or self.matching.variables)

    @property
    def title(self) -> str:
        """The report's title: report.title, or one built from the programme's title."""
        if self.report.title:
            return self.report.title
        return f"{self.service.adjective or 'Re-offending'} analysis: {self.programme.title}"
