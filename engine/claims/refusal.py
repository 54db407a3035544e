"""Refuse: word a breach so its writer can act on it — the sentence, the measure, what the results
say ("the rate difference is not significant: -7 to +25 people per 100") and a licensed sentence
to use instead, taken from the engine's own wording for that measure and state."""

from __future__ import annotations


from engine.claims.book import RuleBook
from engine.claims.licence import Licence, MeasureLicence, Verdict
from engine.words.format import interval, whole

from engine.measures import PRIMARY
from engine.words.texts import labels

MORE_PEOPLE = "More people would need to be analysed in order to determine the effect of the programme."


def _labels() -> dict:
    return labels()["measures"]  # the declared measures' too: made for the evaluation being read


def results_say(m: MeasureLicence | None, measure: str, book: RuleBook) -> str:
    label = book.labels[measure]
    if m is None or not m.reported:
        reason = m.reason if m is not None else "it was not part of this analysis"
        return f"the results do not report {label['about']}: {reason}"
    verdict = "significant" if m.significant else "not significant"
    said = f"{label['difference']} is {verdict}"
    if m.low is not None and m.high is not None:
        said += f": {interval(m.low, m.high)} {label['unit']}"
    return said


def instead(m: MeasureLicence | None, measure: str, book: RuleBook) -> str:
    """A sentence the results license for this measure."""
    about = book.labels[measure]["about"]
    if m is None:
        return f"The analysis measured {book.refusal_words['measured']}, not {about}."
    if not m.reported:
        return f"The numbers were too small to make reliable estimates for {about}."
    if m.can_say:
        return m.can_say
    if not m.significant:
        return f"The difference in {about} between the groups was not statistically significant."
    clause = _labels()[measure]["summary"][m.state]
    if clause.startswith("participants"):
        return f"The results show that {clause}."
    return f"The results show that those who took part in the programme {clause} than those who did not take part."


def refusal(sentence: str, verdict: Verdict, licence: Licence, book: RuleBook) -> str:
    """'"<sentence>" is <what>; the results say: ...; you may say instead: "..." (rule: <id>)'."""
    rule = book.rules[verdict.rule]
    measure = verdict.measure
    about = book.labels[measure]["about"] if measure else "this measure"
    text = f'"{sentence}" is {rule.what.format(measure=about)}'
    if not licence.known:
        return f"{text}; you may say instead: {book.refusal_words['unknown']} (rule: {rule.id})"
    measures = licence.measures(verdict.analysis)
    if measure is None:
        reported = [m for m in measures.values() if m.reported]
        measure = next((m.measure for m in reported if m.significant), None) or \
            next((m.measure for m in reported if m.measure == PRIMARY), None) or \
            next((m.measure for m in reported), None)
    if measure is None:
        return f'{text}; you may say instead: "{MORE_PEOPLE}" (rule: {rule.id})'
    m = measures.get(measure)
    plain = in_plain_words(m, measure, book)
    also = f' or, in plain words: "{plain}"' if plain else ""
    return (f'{text}; the results say: {results_say(m, measure, book)}; '
            f'you may say instead: "{instead(m, measure, book)}"{also} (rule: {rule.id})')


def in_plain_words(m: MeasureLicence | None, measure: str, book: RuleBook) -> str | None:
    """A short plain-English sentence the results license (rules.yaml labels.<measure>.plain), with the
    groups' figures as the report rounds them; None where the measure has none or is not reported."""
    plain = book.labels[measure].get("plain")
    if not plain or m is None or not m.reported:
        return None
    state = m.state if m.significant else "not_significant"
    if state == "not_significant":
        return plain["not_significant"]
    if m.treatment is None or m.difference is None:
        return None
    return plain[state].format(treatment=whole(m.treatment), comparison=whole(m.treatment - m.difference))
