"""The rules as data: report_text/rules.yaml compiled once (a malformed file is a bug in jdlspec)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any


from engine.claims.scan import Scanned
from engine.houses import current
from engine.measures import Measure, declared
from engine.words.texts import declared_labels, text_data

FLAGS = re.IGNORECASE


@dataclass(frozen=True)
class Rule:
    id: str
    description: str
    source: str
    what: str  # completes '"<sentence>" is <what>'; may hold {measure}
    must_flag: tuple[Any, ...] = ()
    must_pass: tuple[Any, ...] = ()


@dataclass(frozen=True)
class RuleBook:
    words: dict[str, re.Pattern]  # vocabulary name -> one pattern (all its alternatives)
    outcome: dict[str, re.Pattern]  # measure -> pattern, specific measures first, rate last
    good_outcome: dict[str, re.Pattern]
    not_claims: dict[str, re.Pattern]
    never: dict[str, re.Pattern]
    labels: dict[str, dict[str, str]]
    rules: dict[str, Rule]
    spec_rule: Rule
    own: re.Pattern = re.compile(r"(?!)")  # the declared measures' own phrases: names, not the sentence's verbs
    people: re.Pattern = re.compile(r"(?!)")  # their `people` phrases: the outcome said of someone
    refusal_words: dict[str, str] = field(default_factory=dict)  # the house's words in a refusal's suggestion
    named_by: tuple[tuple[str, re.Pattern], ...] = ()  # (measure, its people or noun phrase), longest phrase first
    plain_change: bool = False  # a change said as a plain verb needs no "may" (a house's rule: engine.houses)


def _expand(pattern: str, macros: dict[str, str]) -> str:
    for _ in range(3):
        for name, value in macros.items():
            pattern = pattern.replace("{" + name + "}", value)
    return pattern


# "can't" is "can" + "'t": a rule's "(?:could|can)(?: not|n't)" reads it as written, as it reads "couldn't"
CANT = (re.compile(r"n'(?=t)"), r"(?:n|(?<=can))'")


def _one(patterns: list[str] | str, macros: dict[str, str]) -> re.Pattern:
    patterns = [patterns] if isinstance(patterns, str) else patterns
    if not patterns:
        return re.compile(r"(?!)")  # a form a house removed: it matches nothing
    return Scanned("|".join(f"(?:{CANT[0].sub(CANT[1], _expand(p, macros))})" for p in patterns), FLAGS)


def rule_book() -> RuleBook:
    """The rules of the current house, with the vocabulary and labels of the measures declared for the
    evaluation being read."""
    return _rule_book(*book_key())


def book_key() -> tuple[str, tuple[tuple[str, str], ...]]:
    """What the rule book depends on: the house, and the declared measures' names and words."""
    made = declared()
    return current(), tuple((name, json.dumps(dict(made[name].words), sort_keys=True)) for name in sorted(made))


def declared_words(m: Measure) -> list[str]:
    """The patterns a declared measure is recognised by: its `people` phrase, its noun and its `recognise` words,
    each with its longer forms ('employ' finds employed, employment), spaces as any spacing."""
    words = [m.words["people"], m.words["noun"], *m.words["recognise"]]
    return [r"\b" + r"\s+".join(map(_forms, w.split())) + r"\w*" for w in words if w.split()]


def _forms(word: str) -> str:
    """A word and its plural: 'tenancy' finds tenancies, as 'job' finds jobs."""
    if re.fullmatch(r"\w*[^aeiou\W]y", word, re.IGNORECASE):
        return re.escape(word[:-1]) + "(?:y|ie)"
    return re.escape(word)


def own_phrases(m: Measure) -> list[str]:
    """The phrases the engine names a declared measure by (its `people`, noun, follow-up, table and chart words),
    whole words, spaces as any spacing: a verb in them ("kept their tenancy", "reduced their drinking") names the
    outcome, and is no verb of the sentence that quotes it."""
    words = [m.words[key] for key in ("people", "noun", "follow_up", "table", "chart")]
    return [r"\b" + r"\s+".join(re.escape(part) for part in w.split()) + r"(?!\w)" for w in words if w.split()]


def declared_rule_labels(m: Measure) -> dict[str, str]:
    """How a refusal names a declared measure (rules.yaml `labels`, made from its words)."""
    units = {"proportion": "people per 100", "mean": f"{m.words['unit'] or 'units'} per person", "days": "days"}
    return {"about": declared_labels(m)["about"], "difference": f"the difference in {m.words['noun']}",
            "unit": units[m.kind]}


@lru_cache(maxsize=8)
def _rule_book(house: str, key: tuple[tuple[str, str], ...]) -> RuleBook:
    """The compiled book of one house (its rules.yaml over the base's: engine.words.texts) for one set of
    declared measures (`key`: their names and words)."""
    made = [(name, declared()[name]) for name, _ in key]
    # the most specific first, as the built-in ones: 'weeks in work' is a mean's before 'in work' is a proportion's
    made.sort(key=lambda item: -max(len(w) for w in (item[1].words["people"], item[1].words["noun"])))
    raw = text_data("rules")
    vocabulary = dict(raw["vocabulary"])
    vocabulary["outcome"] = {**{name: declared_words(m) for name, m in made}, **vocabulary["outcome"]}  # first: specific
    # {outcome}: any measured outcome's words (vocabulary.outcome), so a rule names outcomes once
    measured = [p for m, ps in vocabulary["outcome"].items() if m != "unmeasured" for p in ps]
    macros = {**raw["macros"], "outcome": "(?:" + "|".join(f"(?:{p})" for p in measured) + ")"}
    grouped = ("outcome", "good_outcome")
    rules = {r["id"]: Rule(id=r["id"], description=r["description"], source=r["source"], what=r["what"],
                           must_flag=tuple(r.get("must_flag", [])), must_pass=tuple(r.get("must_pass", [])))
             for r in raw["rules"]}
    s = raw["spec_phrases"]
    return RuleBook(
        words={name: _one(p, macros) for name, p in vocabulary.items() if name not in grouped},
        outcome={m: _one(p, macros) for m, p in vocabulary["outcome"].items()},
        good_outcome={m: _one(p, macros) for m, p in vocabulary["good_outcome"].items()},
        not_claims={name: _one(p, macros) for name, p in raw["not_claims"].items()},
        never={name: _one(p, macros) for name, p in raw["never"].items()},
        labels={**raw["labels"], **{name: declared_rule_labels(m) for name, m in made}},
        rules=rules,
        spec_rule=Rule(id=s["id"], description=s["description"], source=s["source"], what=s["what"]),
        own=_one(sorted({p for _, m in made for p in own_phrases(m)}, key=len, reverse=True), {}),
        people=_one(sorted({own_phrases(m)[0] for _, m in made}, key=len, reverse=True), {}),
        named_by=tuple((name, _one(pattern, {})) for name, pattern in sorted(
            ((name, p) for name, m in made for p in declared_words(m)[:2]), key=lambda item: -len(item[1]))),
        plain_change=bool(raw.get("plain_change", False)),
        refusal_words=dict(raw["refusal_words"]),
    )
