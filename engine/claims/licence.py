"""License: what the results allow each measure to be said with, and the judgement of one claim.

A claim is published only when the measure it speaks of is reported in the analysis it names (the
headline analysis unless it names another), it is significant, the claim has its direction, and the
claim's form is permitted. Without results (`validate`, before any statistics) only the forms that
are never published are refused; everything is checked again with the results at run time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from engine.claims.book import RuleBook
from engine.claims.blanking import blank_given
from engine.claims.detect import ZERO_FIGURE, Claim
from engine.claims.figures import figures_agree, misquoted, relative_figure
from engine.claims.normalise import reader_line
from engine.measures import MEASURES
from engine.words.format import rounded
from engine.results import MeasureResult, Results

NEVER_ORDER = ("unreadable", "savings", "relative", "one_sided", "proof", "shows", "certainty", "universal", "benchmark", "cause",
               "counterfactual", "vivid")
NEVER_RULE = {"unreadable": "no-unreadable", "savings": "no-savings", "relative": "no-relative-effect", "one_sided": "no-one-sided", "proof": "no-proof", "shows": "no-shows-that",
              "certainty": "no-certainty", "universal": "no-universal", "benchmark": "no-benchmark",
              "cause": "no-cause", "counterfactual": "no-counterfactual",
              "vivid": "no-vivid"}
REASONS = {"too_few_events": "the numbers were too small to make reliable estimates",
           "no_variance": "every person had the same outcome", "suppressed": "the figures are suppressed",
           "untestable": "no test could be made",
           "small_comparison": "the comparison group was too small to estimate its spread"}


@dataclass(frozen=True)
class MeasureLicence:
    """What the results say about one measure of one analysis."""

    measure: str
    reported: bool
    significant: bool
    state: str
    low: float | None = None  # the interval the report states, per 100 people (rate-like, frequency) or days
    high: float | None = None
    reason: str | None = None  # why it is not reported
    can_say: str | None = None  # the engine's ✓ sentence for it
    treatment: float | None = None  # the participants' figure and the difference, as sentences state them
    difference: float | None = None
    sustained: bool = False  # significant in its direction at every time point from its sustained_from on


@dataclass(frozen=True)
class Licence:
    """Every analysis's measures; `known` is False when no results exist yet (validate)."""

    analyses: dict[str, dict[str, MeasureLicence]] = field(default_factory=dict)  # lower-case name -> measures
    headline: str = ""
    known: bool = True
    names: tuple[str, ...] = ()  # the programme's name, title and organisation: names wherever they are written

    @classmethod
    def unknown(cls) -> Licence:
        return cls(known=False)

    @classmethod
    def from_states(cls, states: dict[str, str]) -> Licence:
        """A headline analysis in these states (for tests and the rules' own examples); "increase sustained":
        an increase that Results.sustained would call sustained; "decrease 16 28 4 21": with the participants' and the
        comparison group's figures per 100 and the interval the report states."""
        def measure(name: str, state: str) -> MeasureLicence:
            words = state.split()
            given = [float(w) for w in words[1:] if w[0].isdigit()] + [None] * 4
            treatment, comparison, low, high = given[:4]
            return MeasureLicence(name, True, words[0] != "not_significant", words[0], low, high,
                                  treatment=treatment, sustained=state.endswith(" sustained"),
                                  difference=None if treatment is None else treatment - comparison)
        return cls({"headline": {m: measure(m, s) for m, s in states.items()}}, "headline")

    @classmethod
    def from_results(cls, results: Results, can_say: dict[str, str] | None = None) -> Licence:
        can_say = can_say or {}
        analyses = {}
        for a in results.analyses:
            analyses[a.name.lower()] = {
                m: _measure(m, r, can_say.get(m) if a.headline else None, a.headline and results.sustained(m))
                for m, r in a.measures.items()}
        programme = results.spec.programme  # None in results written before names were recorded
        names = tuple(n for n in (programme.name, programme.title, programme.organisation) if n and n.strip()) \
            if programme else ()
        return cls(analyses, results.headline.name.lower(), names=names)

    def measures(self, analysis: str | None = None) -> dict[str, MeasureLicence]:
        return self.analyses.get(analysis or self.headline, {})

    def _stated_per_hundred(self):
        """Each reported measure stated per 100 people, with the participants' and the comparison group's figures."""
        for m in (m for analysis in self.analyses.values() for m in analysis.values()):
            if m.reported and m.treatment is not None and m.difference is not None and MEASURES[m.measure].per_hundred:
                yield m, m.treatment, m.treatment - m.difference

    def figures(self) -> tuple[float, ...]:
        """Every figure per 100 people the results give, of any measure ("committed new crimes" may be either), as a
        sentence may state it: each group's figure (and, for a share of people, those without the outcome), the
        difference as the results give it and as the rounded figures give it ("44 against 36: 8 in 100"), and the
        interval's bounds, of every analysis."""
        figures: list[float] = []
        for m, treatment, comparison in self._stated_per_hundred():
            figures += [treatment, comparison, abs(m.difference), float(abs(rounded(treatment) - rounded(comparison)))]
            figures += [abs(b) for b in (m.low, m.high) if b is not None]
            if MEASURES[m.measure].kind == "proportion":
                figures += [100 - treatment, 100 - comparison]
        return tuple(figures)

    def swapped(self) -> tuple[tuple[float, float], ...]:
        """Each measure's two group figures per 100 the wrong way round, as the report rounds them: the comparison
        group's first (and, for a share of people, those without the outcome in the same order)."""
        pairs: list[tuple[float, float]] = []
        for m, treatment, comparison in self._stated_per_hundred():
            treatment, comparison = float(rounded(treatment)), float(rounded(comparison))
            if treatment != comparison:
                pairs.append((comparison, treatment))
                if MEASURES[m.measure].kind == "proportion":
                    pairs.append((100 - comparison, 100 - treatment))
        return tuple(pairs)


def _measure(measure: str, r: MeasureResult, can_say: str | None, sustained: bool = False) -> MeasureLicence:
    scale = MEASURES[measure].sentence_scale
    reported = r.reported and not r.suppressed
    return MeasureLicence(
        measure, reported, r.significant and reported, r.state if reported else "not_significant",
        r.stated_low * scale if r.stated_low is not None else None,  # the report's own interval (MeasureResult)
        r.stated_high * scale if r.stated_high is not None else None,
        None if reported else REASONS.get(r.not_reported_reason or "", REASONS["too_few_events"]), can_say,
        r.treatment * scale if reported and r.treatment is not None else None,
        r.difference * scale if reported and r.difference is not None else None, sustained and reported)


EVERY_ANALYSIS = re.compile(r"\b(?:both|all|each|every)\b[^.]{0,20}\banalys[ie]s\b", re.IGNORECASE)


@cache
def _name_pattern(name: str) -> re.Pattern:
    return re.compile(rf"\b{re.escape(name)}\b", re.IGNORECASE)


def named_analyses(text: str, licence: Licence, book: RuleBook) -> list[str]:
    """The analyses a sentence names ('the regional analysis', 'both analyses'), else the headline."""
    if not book.words["analysis_word"].search(text):
        return [licence.headline]
    if EVERY_ANALYSIS.search(text):
        return list(licence.analyses)
    named = [n for n in licence.analyses if _name_pattern(n).search(text)]
    return named or [licence.headline]


@dataclass(frozen=True)
class Verdict:
    rule: str
    measure: str | None = None
    analysis: str | None = None


def judge(claim: Claim, licence: Licence, book: RuleBook, engine: bool = False) -> Verdict | None:
    """The first rule the claim breaks, or None when the results license it as written."""
    if claim.figure:  # a figure of a measure, no more: the results' to check where they report it, a claim where not
        if engine:  # the engine writes the figures of the measures the results report, and only those
            return None
        missing = next((m for m in claim.measures if licence.known and not _reported(licence, m)), None)
        if missing:
            return Verdict("not-reported", missing, licence.headline)
        return _misquoted(claim, licence, book)
    kinds = dict(claim.never)
    if ZERO_FIGURE.fullmatch(kinds.get("universal", "")) and _figures(claim, licence, engine):
        del kinds["universal"]  # "0 of the 100 people re-offended ...": the results' own figures, where none did
    if "unmeasured" in claim.measures and licence.known:  # the right reason first: no result speaks of it at all
        return Verdict("not-reported", "unmeasured", licence.headline)
    for form in NEVER_ORDER:
        if form in kinds:
            return Verdict(NEVER_RULE[form], _first(claim))
    if licence.known and not engine:  # a relative change in figures the results give ("12 points, or 45%")
        names = tuple(sorted((reader_line(n)[0] for n in licence.names), key=len, reverse=True))
        text = blank_given(claim.sentence.text, names)  # a name's own figure ("the 22% Club"), as read, is no change
        for name in claim.measures:
            m = licence.measures().get(name)
            if m is not None and m.reported and relative_figure(text, m.treatment, m.difference):
                return Verdict("no-relative-effect", name)
    if claim.no_effect and not _figures(claim, licence, engine):
        return Verdict("no-no-effect", _first(claim))
    if claim.effect:
        return Verdict("no-effect-claim", _first(claim))
    if claim.measures and "unmeasured" not in claim.measures and not engine and any(
            not book.own.search(m.group()) for m in book.words["named_otherwise"].finditer(claim.sentence.labelled(claim.clause))):
        return Verdict("named-as-measured", _first(claim))  # "less likely to be reconvicted": not what was measured
    if licence.known:
        for analysis in named_analyses(claim.sentence.text, licence, book):
            verdict = _licensed(claim, licence, analysis, engine)
            if verdict:
                return verdict
    if claim.sustained and licence.known:  # that a difference lasted: only where every later time point says so
        for analysis in named_analyses(claim.sentence.text, licence, book):
            for name in claim.measures:
                m = licence.measures(analysis).get(name)
                if m is None or not m.sustained:
                    return Verdict("not-sustained", name, analysis)
    if "agent" in kinds:  # the programme as the doer of a change the results license in direction: a cause
        return Verdict("no-cause", _first(claim))
    if claim.change and not book.plain_change and not _significance_denied(claim):
        return Verdict("needs-hedge", _first(claim))
    return None if engine else _misquoted(claim, licence, book)


def _misquoted(claim: Claim, licence: Licence, book: RuleBook) -> Verdict | None:
    """A figure per 100 in the claim's clause that the results do not give ("(12 in 100 against 28 in 100)" where 16
    of every 100 participants re-offended); a name's own figure ("the 50% Club") is a name."""
    if not licence.known or not claim.measures or "unmeasured" in claim.measures or any(
            book.words[w].search(claim.clause) for w in ("national_anywhere", "general_group", "their_programme")):
        return None  # a figure of people in general, or given by its source ("which the Ministry puts at 60%")
    names = tuple(sorted((reader_line(n)[0] for n in licence.names), key=len, reverse=True))
    if misquoted(blank_given(claim.clause, names), licence.figures(), licence.swapped()):
        return Verdict("figure-not-in-results", _first(claim))
    return None


def _significance_denied(claim: Claim) -> bool:
    """A change said only to be no significant one ("finds no statistically significant reductions in re-offending"):
    the negation takes the significance, and no direction is left."""
    return bool(claim.negated and not claim.direction and claim.significance == "not_significant")


def _figures(claim: Claim, licence: Licence, engine: bool, m: MeasureLicence | None = None) -> bool:
    """A sentence of the groups' figures: licensed in the engine's own text by its template, and in any
    text when its figures are the results' (engine.claims.figures)."""
    if "figure" not in claim.forms:
        return False
    if engine:
        return True
    if m is None:
        m = licence.measures().get(_first(claim) or "")
    return m is not None and figures_agree(claim.sentence.text, m.treatment, m.difference)


def _reported(licence: Licence, measure: str) -> bool:
    found = licence.measures().get(measure)
    return found is not None and found.reported


def _first(claim: Claim) -> str | None:
    return claim.measures[0] if claim.measures else None


def _licensed(claim: Claim, licence: Licence, analysis: str, engine: bool) -> Verdict | None:
    measures = licence.measures(analysis)
    if not claim.measures:
        if claim.significance:
            # "the results were (not) significant": true of some reported measure; "there were no significant
            # results": true of every one (and so also when none is reported)
            significant = [m.significant for m in measures.values() if m.reported]
            if claim.significance == "significant" and not any(significant):
                return Verdict("not-significant", None, analysis)
            if claim.significance == "not_significant" and (
                    any(significant) if claim.none_significant else all(significant)):
                return Verdict("wrong-significance", None, analysis)
        return None
    for name in claim.measures:
        m = measures.get(name)
        if m is None or not m.reported:
            return Verdict("not-reported", name, analysis)
        if claim.significance == "significant" and not m.significant:
            return Verdict("not-significant", name, analysis)
        if claim.significance == "not_significant" and m.significant:
            return Verdict("wrong-significance", name, analysis)
        direction, negated = claim.direction, claim.negated
        if direction is None and negated is None:
            if claim.directions and not m.significant and not _figures(claim, licence, engine, m):
                return Verdict("not-significant", name, analysis)
            continue
        if not m.significant:  # a change denied as significant is said not to be ("no statistically significant
            if direction == "both" or _figures(claim, licence, engine, m) or _significance_denied(claim):
                continue  # reduction in re-offending")
            return Verdict("not-significant", name, analysis)
        if direction == "both" or (direction and direction != m.state) or (negated and negated == m.state):
            return Verdict("wrong-direction", name, analysis)
    return None
