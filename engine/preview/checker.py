"""The checker page's verdicts: a pasted paragraph, sentence by sentence, fine or refused.

The same engine and messages as `jdlspec check` (engine.commands.check.check_text, on the text as a plain-text
document reads), told apart for a reader who has no terminal: what the sentence claims and what the results
say, in the refusal's own words, and the sentences to use instead, each on its own to copy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from engine.claims import Breach, Licence, reader_names
from engine.claims.sentences import sentences
from engine.commands.check import check_text
from engine.commands.documents import DocumentError, engine_text, plain_blocks

PASTE_LIMIT = 100_000  # characters: a press release is a few thousand
QUOTED = re.compile(r'^"(.*?)"(?: or, in plain words: "(.*)")?$')


@dataclass(frozen=True)
class Verdict:
    sentence: str
    refused: bool
    claims: str = ""  # "a claim that the analysis shows the programme's effect"
    results_say: str = ""  # "the rate difference is not significant: -9 to +24 people per 100"
    instead: tuple[str, ...] = ()  # licensed sentences to use instead
    hint: str = ""  # what to use instead when there is no sentence to offer
    message: str = ""  # the whole message, as `jdlspec check` prints it
    rule: str = ""


def check_paragraph(text: str, licence: Licence, quoted: tuple[str, ...] = ()) -> list[Verdict]:
    """Each sentence of the text in reading order, fine or refused (with why and what to say instead)."""
    if len(text) > PASTE_LIMIT:
        raise DocumentError(f"more than {PASTE_LIMIT:,} characters: check it in parts")
    checked, _ = engine_text(plain_blocks(text))
    breaches = {(b.line, b.column): b for b in check_text(checked, licence, quoted)}
    verdicts = []
    for sentence in sentences(checked, quoted, reader_names(licence)):
        breach = breaches.pop((sentence.line, sentence.column), None)
        verdicts.append(refused(breach) if breach else Verdict(sentence.text, False))
    return verdicts + [refused(b) for b in breaches.values()]  # any read only as written (engine.claims RLO)


def refused(breach: Breach) -> Verdict:
    """A breach's message (engine.claims.refusal) in its parts: '"<sentence>" is <what>[; the results say: ...];
    you may say instead: "..."[ or, in plain words: "..."] (rule: <id>)', or a forbidden phrase's shorter one."""
    body, _, rule = breach.message.rpartition(" (rule: ")
    body = body.removeprefix(f'"{breach.sentence}" is ')
    head, _, instead = body.partition("; you may say instead: ")
    claims, _, results_say = head.partition("; the results say: ")
    quoted = QUOTED.match(instead)
    offered = tuple(s for s in quoted.groups() if s) if quoted else ()
    return Verdict(breach.sentence, True, claims, results_say, offered, "" if quoted else instead, breach.message,
                   rule.rstrip(")"))
