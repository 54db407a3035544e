"""The results of one run (docs/architecture.md §4): the only thing the report, charts and annex read.

Numbers are unrounded (rounding is presentation). The contract's keys come first in each
object; the extra keys (before-matching balance, additional tests, profile, flow details) are
what the report needs so that no template computes anything.

Schema version 2 (the contract the claims, safety, statistics and growth work build on):
- Disclosure: a suppressed cell (a profile share, a balance row's participant mean, a measure's
  participant figures) holds null in its numbers and `suppressed: true`; nothing else in the
  file lets it be derived (engine.disclosure: secondary suppression, and figures that would give
  a small count back by subtraction, e.g. before-matching differences or a second analysis a few
  people apart, are null too). A suppressed balance row's `quality` is null; the analysis's
  `verdicts` keep each variable's worst verdict for the report.
- Measures: `reported` says whether the report may state the measure at all; when it is false,
  `not_reported_reason` says why (too_few_events, no_variance, suppressed, untestable,
  small_comparison) and `significant` is false, `state` is "not_significant", interval and p-value
  are null.
- Which test decided: `decided_by` names the test whose verdict `significant` and `state` carry
  ("welch", or e.g. "bootstrap" / "exact" / "score"), with its own p-value and interval; the
  Welch figures stay in ci_low / ci_high / p_value for comparability with published reports.
  The report's sentences state Welch's interval where it agrees with the verdict and the deciding
  test's where it does not (`stated_low` / `stated_high`); its tables keep Welch's unless Welch's
  figures do not hold at all (`welch_valid` false: a proportion at 0% or 100%).
- Resampling: a bootstrap p-value carries its Monte Carlo uncertainty (`monte_carlo`: the draws and
  the interval of p they leave); `inconclusive` when that interval still holds the significance
  level after the most draws allowed (then the verdict is "not significant").
- E-values (statistics.e_values): `e_value` for each significant headline measure.
- Balance: `smd_percent` is in the analysis's `balance_convention`; both conventions are kept
  per row (`smd_percent_pooled`, `smd_percent_treated`).
- Run facts: `spec.programme` names the programme, its organisation and people (for the bulletin);
  `spec.statistics_sha256` hashes the statistical part of the spec (the cache key's
  spec half), `warnings` lists what the run noticed and went on with (each a plain sentence).
- `content_sha256`, the last key: the SHA-256 of the rest as canonical JSON. It catches accidents only;
  readers of a file from elsewhere check its consistency (engine.results_check).
"""

from __future__ import annotations

import hashlib
import json
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from engine.houses import BASE, House
from engine.measures import MeasureDeclaration

SCHEMA_VERSION = 2

State = Literal["decrease", "increase", "not_significant"]
NotReportedReason = Literal["too_few_events", "no_variance", "suppressed", "untestable", "small_comparison"]
BalanceConvention = Literal["pooled", "treated"]
Quality = Literal["well", "reasonably", "poorly"]


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class FileInfo(Frozen):
    path: str
    sha256: str
    rows: int | None = None


class ProgrammeInfo(Frozen):
    """Who and what was evaluated, as the spec names them: what `jdlspec bulletin` prints."""

    name: str  # inside sentences, with its article: "the Making Connections programme"
    title: str  # in headings: "London Probation Trust's peer mentoring programme"
    organisation: str
    participants: str  # the noun for the people: "men and youths"


class SpecInfo(Frozen):
    path: str
    sha256: str
    statistics_sha256: str | None = None  # hash of the keys that change the numbers (not the texts)
    settings: dict | None = None  # those keys and their values (engine.run.cache.statistical_settings), for `diff`
    programme: ProgrammeInfo | None = None  # for `bulletin`; None in results written before it existed
    service: str | None = None  # the spec's service.name: who `bulletin` may say ran the evaluation (None: nobody)


class AttritionStep(Frozen):
    step: str  # submitted | duplicates | not_identified | no_matching_sentence | sexual_offence
    removed: int
    remaining: int


class BalanceRow(Frozen):
    variable: str  # the spec's column name
    level: str | None  # a categorical variable's level; "(missing)" for the missing indicator; None for numbers
    treatment_mean: float | None  # None when suppressed
    comparison_mean: float | None  # weighted, after matching; None when suppressed (matching makes it the participants')
    smd_percent: float | None  # after matching, in the analysis's balance_convention, x100; None when suppressed
    quality: Quality | None  # None when suppressed (the verdict narrows the participant mean down)
    comparison_mean_before: float | None  # whole pool, before matching; None when it counts 1 to t-1 pool records
    smd_percent_before: float | None  # None when suppressed (it would give the participant mean back)
    binary: bool = False  # a 0/1 term (a level or a missing indicator)
    smd_percent_pooled: float | None = None  # difference over the root mean of the two variances
    smd_percent_treated: float | None = None  # cobalt's: treated SD, 0/1 terms raw (MatchIt standardises those too)
    suppressed: bool = False
    # the two values of a number the matched participants hold only two of (its mean counts people):
    # engine.disclosure's alone, never written to results.json
    two_values: tuple[float, float] | None = Field(default=None, exclude=True)


class MonteCarlo(Frozen):
    """How far a resampling p-value could still move: the draws made and the interval of p they leave
    (engine.stages.resampling draws until that interval is on one side of the significance level)."""

    draws: int
    p_value_low: float
    p_value_high: float


class DecidingTest(Frozen):
    """The test whose verdict the measure's `significant` and `state` carry."""

    test: str  # "welch", "bootstrap", "exact", "score", ...
    p_value: float | None
    ci_low: float | None = None  # its own interval: it excludes 0 exactly when this test finds a difference
    ci_high: float | None = None
    welch_valid: bool = True  # False: the t-test's figures do not hold (a proportion at 0% or 100%)
    monte_carlo: MonteCarlo | None = None  # a resampling test's uncertainty
    inconclusive: bool = False  # the draws could not settle the verdict (it is then "not significant")


class ExtraTest(Frozen):
    """An additional test beside the t-test for small groups (e.g. a resampling test)."""

    name: str
    p_value: float
    significant: bool
    monte_carlo: MonteCarlo | None = None  # a resampling test's uncertainty
    inconclusive: bool = False  # the draws could not settle the verdict (significant is then False)


class EValue(Frozen):
    """How strongly an unmeasured characteristic would need to be associated with both taking part and the
    outcome, each as a risk ratio, to explain the difference away (VanderWeele and Ding 2017;
    engine.stages.evalues)."""

    scale: Literal["risk_ratio", "standardised_difference"]  # how the difference became a risk ratio
    risk_ratio: float  # the estimate as a risk ratio (participants over comparison)
    risk_ratio_bound: float  # the stated interval's bound nearest to no difference, as a risk ratio
    estimate: float  # the E-value of the estimate
    bound: float  # the E-value of that bound


class MeasureResult(Frozen):
    treatment_n: int | None  # None when suppressed as a small count (time: re-offenders under the threshold)
    comparison_n: int  # distinct comparison records with weight > 0 in this measure
    treatment: float | None  # None when suppressed
    comparison: float
    difference: float | None  # None when suppressed
    ci_low: float | None  # None when no test could be made (then reported is False)
    ci_high: float | None
    p_value: float | None
    significant: bool
    state: State
    required_treatment_n: int | None = None  # rate only; None when significant or not finite
    comparison_effective_n: float
    degrees_of_freedom: float | None
    reported: bool  # False when participants x rate < the minimum expected count
    headline: bool  # shown in the key findings (time: only with enough re-offenders)
    extra_test: ExtraTest | None = None
    not_reported_reason: NotReportedReason | None = None  # set exactly when reported is False
    decided_by: DecidingTest | None = None  # None: the Welch test decided (schema 1 behaviour)
    suppressed: bool = False
    e_value: EValue | None = None  # significant headline measures, with statistics.e_values

    @property
    def states_deciding_interval(self) -> bool:
        """Do the sentences state the deciding test's interval? Where Welch's interval agrees with the
        verdict they keep it (as the published reports do); where it does not, or Welch's figures do not
        hold, an interval that contradicted the verdict would be printed."""
        deciding = self.decided_by
        if deciding is None or deciding.ci_low is None or deciding.ci_high is None:
            return False
        if not deciding.welch_valid or self.ci_low is None or self.ci_high is None:
            return True
        return self.welch_significant != self.significant

    @property
    def welch_significant(self) -> bool:
        """Welch's interval (the tables') excludes 0: the t-test alone would call the difference significant."""
        return self.ci_low is not None and self.ci_high is not None and (self.ci_low > 0 or self.ci_high < 0)

    @property
    def stated_low(self) -> float | None:
        """The interval the sentences, charts and claims state (see states_deciding_interval)."""
        return self.decided_by.ci_low if self.states_deciding_interval else self.ci_low

    @property
    def stated_high(self) -> float | None:
        return self.decided_by.ci_high if self.states_deciding_interval else self.ci_high

    @property
    def table_low(self) -> float | None:
        """The tables' interval: Welch's, for comparison with published reports, unless it does not hold"""
        deciding = self.decided_by
        return deciding.ci_low if deciding is not None and not deciding.welch_valid else self.ci_low

    @property
    def table_high(self) -> float | None:
        deciding = self.decided_by
        return deciding.ci_high if deciding is not None and not deciding.welch_valid else self.ci_high


class TimePoint(Frozen):
    """A declared measure at one time point of its follow-up (outcome_measures.*.over_time)."""

    months: int  # after the start of follow-up
    result: MeasureResult


class AnalysisResult(Frozen):
    name: str
    headline: bool
    description: str | None
    pool_restriction: dict[str, list[str | int]]
    variables: list[str]
    treatment_n: int  # matched participants
    comparison_n: int  # distinct comparison records with weight > 0
    comparison_effective_n: float
    unmatched_n: int
    pool_n: int  # pool records the analysis could use (after its restriction and common support)
    outside_support_n: int  # restricted-pool records dropped for sharing no participant's level
    caliper_logit: float
    balance_convention: BalanceConvention = "pooled"
    balance: list[BalanceRow]
    measures: dict[str, MeasureResult]
    # each variable's worst verdict over all its rows, suppressed ones included (what the report names)
    verdicts: dict[str, Quality] = Field(default_factory=dict)
    over_time: dict[str, list[TimePoint]] = Field(default_factory=dict)  # declared measures with time points


CUSTODIAL = "Custodial sentence"  # a profile's sentence levels (custodial ones carry ": <length band>")
NON_CUSTODIAL = "Non-custodial sentence"


class Share(Frozen):
    """One category of a profile: how many people, and what percent of the group."""

    level: str
    count: int | None  # None when suppressed
    percent: float | None  # None when suppressed
    suppressed: bool  # fewer people than report.suppress_below, or derivable from one that is: print '*'


class GroupProfile(Frozen):
    n: int
    sex: list[Share]
    ethnicity: list[Share]
    nationality: list[Share]
    age_min: float | None
    age_max: float | None
    age_mean: float | None
    index_year: list[Share]
    sentence: list[Share]
    needs_assessed_n: int | None  # None when suppressed (the people not assessed, or assessed, are too few)
    needs_assessed_percent: float | None
    needs: list[Share]  # percent of those assessed who have each need


class Profile(Frozen):
    analysed: GroupProfile  # the headline analysis's treatment group
    not_analysed: GroupProfile  # identified in the reference data but not analysed (no index information)
    not_identified_n: int  # no personal information at all


# The Parquet key-value metadata `jdlspec synth` writes into its data: a report made from a file carrying it
# says it was made from synthetic data (Results.synthetic), whatever the file is called or wherever it is copied.
SYNTHETIC_MARK = b"jdlspec.synthetic"


class Results(Frozen):
    schema_version: int = SCHEMA_VERSION
    engine_version: str
    spec: SpecInfo
    inputs: dict[str, FileInfo]  # reference, submission
    attrition: list[AttritionStep]
    analyses: list[AnalysisResult]
    measures: list[str]  # the spec's measures, in report order
    significance_level: float
    profile: Profile | None = Field(default=None)
    suppress_below: int = 0  # disclosure threshold applied to every output (0: none)
    warnings: list[str] = Field(default_factory=list)
    # every participant in the headline treatment group was released from custody at their index event
    # (the reference data's disposal column): only then may the report say "after release from custody"
    released_from_custody: bool = False
    # made from data that `jdlspec synth` wrote (SYNTHETIC_MARK in a data file): every output says so
    synthetic: bool = False
    # the measures the spec declared (engine.measures): readers without the spec know them from here
    outcome_measures: dict[str, MeasureDeclaration] = Field(default_factory=dict)
    house: House = BASE  # whose wording rules the report follows (engine.houses): check reads the same

    def analysis(self, name: str) -> AnalysisResult:
        return next(a for a in self.analyses if a.name == name)

    @property
    def headline(self) -> AnalysisResult:
        return next(a for a in self.analyses if a.headline)

    def sustained(self, measure: str) -> bool:
        """May the report (or anyone) call this measure's impact sustained? Only when its declaration names a
        `sustained_from` and every time point from it on is reported and significant in the direction of the
        measure's own headline result (which must be significant)."""
        declaration = self.outcome_measures.get(measure)
        own = self.headline.measures.get(measure)
        if declaration is None or declaration.sustained_from is None or own is None or not own.significant:
            return False
        later = [p.result for p in self.headline.over_time.get(measure, []) if p.months >= declaration.sustained_from]
        return bool(later) and all(r.reported and r.significant and r.state == own.state for r in later)

    def to_json(self) -> str:
        """Deterministic bytes: fixed key order, full float precision, the content's digest last, a newline."""
        data = self.model_dump(mode="json")
        if not data["outcome_measures"]:
            del data["outcome_measures"]  # none declared: the file is as before declarations existed
        if data["house"] == BASE:
            del data["house"]
        for analysis in data["analyses"]:
            if not analysis["over_time"]:
                del analysis["over_time"]
        data["content_sha256"] = content_digest(data)
        return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Results:
        """The results a run of this jdlspec wrote (files from elsewhere: engine.results_check.read_results)."""
        data = json.loads(text)
        data.pop("content_sha256", None)
        return cls.model_validate(data)


def content_digest(data: dict) -> str:
    """SHA-256 of the results' content as canonical JSON: it catches a file changed by accident (anyone
    who edits it on purpose can recompute it, so readers check consistency too)."""
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
