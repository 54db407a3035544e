"""The rules as data: report_text/rules.yaml compiled once (a malformed file is a bug in jdlspec)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any


from engine.words.texts import text_data

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


def _expand(pattern: str, macros: dict[str, str]) -> str:
    for _ in range(3):
        for name, value in macros.items():
            pattern = pattern.replace("{" + name + "}", value)
    return pattern


def _one(patterns: list[str] | str, macros: dict[str, str]) -> re.Pattern:
    patterns = [patterns] if isinstance(patterns, str) else patterns
    return re.compile("|".join(f"(?:{_expand(p, macros)})" for p in patterns), FLAGS)


@lru_cache(maxsize=1)
def rule_book() -> RuleBook:
    raw = text_data("rules")
    vocabulary = raw["vocabulary"]
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
        labels=raw["labels"],
        rules=rules,
        spec_rule=Rule(id=s["id"], description=s["description"], source=s["source"], what=s["what"]),
    )
