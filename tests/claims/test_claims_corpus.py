"""The labelled claims corpus (tests/claims/corpus/, described in its README): every overclaim is
refused and every licensed sentence published, judged against the seeds' golden results.

End to end, a sentence whose field is a spec key is written into that key of its seed's spec, which
is then loaded, validated and rendered as a report against the golden results (a refusal is the
UserError that stops the run), and a sentence whose field is `document.<kind>` is checked as a
Markdown document against the report's results.json by `jdlspec check`. That takes a second a
sentence, so by default only the first sentence of each (context, field, verdict) goes end to end
(and must agree with the engine API); the rest are judged by the engine API as the run and
`validate` call it. JDLSPEC_CORPUS_FULL=1 (or a held-out JDLSPEC_CORPUS) sends every sentence end
to end. Run with -s to see recall, the false-positive rate, per-kind tallies and every sentence
judged wrongly.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from typer.testing import CliRunner

from engine.claims import Licence, find_breaches
from engine.cli import app
from engine.errors import UserError
from engine.report import report_markdown
from engine.results import Results
from engine.spec.loader import load_spec

ROOT = Path(__file__).resolve().parents[2]
CORPUS = Path(__file__).resolve().parent / "corpus"
CONTEXTS = {  # context -> (seed spec, golden results)
    "lpt": (ROOT / "specs" / "lpt.yaml", ROOT / "tests" / "golden" / "lpt.results.json"),
    "mc": (ROOT / "specs" / "making_connections.yaml", ROOT / "tests" / "golden" / "making_connections.results.json"),
}
VERDICTS = ("refuse", "pass")
SPEC_FIELDS = (
    "programme.name", "programme.title", "programme.organisation", "programme.participants",
    "programme.per_hundred_noun", "programme.summary", "programme.in_their_own_words", "programme.response",
    "programme.profile_note", "report.title", "report.analyses_intro", "report.footer",
    "analyses.0.description", "analyses.1.description",
    "report.contacts.0.heading", "report.contacts.0.lines", "report.contacts.1.heading", "report.contacts.1.lines",
)
DATA_LABELS = ("data.ethnicity", "data.nationality", "data.sentence")  # a category label in the data
DOCUMENTS = ("document.press_release", "document.newsletter", "document.board_paper", "document.social_media")
MIN_SENTENCES = 400
MIN_LICENSED_SHARE = 0.35
MIN_RECALL = 1.0  # every overclaim of the part the rules were written from (tests/claims/unseen/ is scored, not gated)
FULL = bool(os.environ.get("JDLSPEC_CORPUS_FULL") or os.environ.get("JDLSPEC_CORPUS"))


@dataclass(frozen=True)
class Sentence:
    text: str
    context: str
    field: str
    verdict: str
    kind: str
    where: str  # corpus file and index, to find the sentence again


def corpus_files() -> list[Path]:
    """The corpus, or the one file JDLSPEC_CORPUS names (a held-out set kept outside the repository)."""
    other = os.environ.get("JDLSPEC_CORPUS")
    return [Path(other)] if other else sorted(CORPUS.glob("*.yaml"))


def corpus() -> list[Sentence]:
    sentences = []
    for path in corpus_files():
        for index, raw in enumerate(yaml.safe_load(path.read_text(encoding="utf-8"))["sentences"]):
            sentences.append(Sentence(**raw, where=f"{path.name}#{index}"))
    return sentences


@cache
def results(context: str) -> Results:
    return Results.from_json(CONTEXTS[context][1].read_text(encoding="utf-8"))


@cache
def seed_spec(context: str) -> dict:
    return yaml.safe_load(CONTEXTS[context][0].read_text(encoding="utf-8"))


def with_field(spec: dict, field: str, text: str) -> dict:
    """A copy of the spec with one key (dotted path, list indexes as numbers) set to the text."""
    spec = yaml.safe_load(yaml.safe_dump(spec))
    *parents, last = field.split(".")
    node = spec
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node.setdefault(part, {})
    node[last] = text.split("\n") if last == "lines" else text
    return spec


def with_label(context: str, field: str, text: str) -> Results:
    """The golden results with the first category of one profile variable (data.<variable>) renamed:
    the label as the data spelt it, which the report prints in the profile of the treatment group."""
    raw = json.loads(CONTEXTS[context][1].read_text(encoding="utf-8"))
    raw["profile"]["analysed"][field.split(".")[1]][0]["level"] = text
    return Results.from_json(json.dumps(raw))


def report_problems(path: Path, context: str, run: Results | None = None) -> set[tuple[str, str, str]]:
    """What stops the report of a spec against the context's results, as (file, key, rule); none
    when it is written. Without the words, so that a breach of the engine's own text is the same
    problem whatever the spec's names put into it."""
    try:
        report_markdown(load_spec(path), run or results(context))
    except UserError as error:
        return {(p.file, p.where, "".join(re.findall(r"\(rule: ([\w-]+)\)$", p.message))) for p in error.problems}
    return set()


@cache
def seed_problems(context: str) -> frozenset[tuple[str, str, str]]:
    """What stops the unchanged seed's report: a fault of the engine's own text, which
    test_seed_specs_pass_unchanged reports, so that it is not counted against every sentence."""
    return frozenset(report_problems(CONTEXTS[context][0], context))


def refused_in_spec(sentence: Sentence, folder: Path) -> bool:
    """Write the sentence into its field of the seed spec (or its data label into the results); True
    when validate or the report refuses it."""
    path = folder / CONTEXTS[sentence.context][0].name
    run = None
    if sentence.field in DATA_LABELS:
        spec, run = seed_spec(sentence.context), with_label(sentence.context, sentence.field, sentence.text)
    else:
        spec = with_field(seed_spec(sentence.context), sentence.field, sentence.text)
    path.write_text(yaml.safe_dump(spec, allow_unicode=True, sort_keys=False, width=100), encoding="utf-8")
    if report_problems(path, sentence.context, run) - seed_problems(sentence.context):
        return True
    return validate_refuses(path)


def validate_refuses(path: Path) -> bool:
    outcome = CliRunner().invoke(app, ["validate", str(path), "--no-data"])
    if outcome.exit_code not in (0, 1):
        raise AssertionError(f"validate crashed (exit {outcome.exit_code}): {outcome.output}") from outcome.exception
    return outcome.exit_code == 1


@cache
def has_check_command() -> bool:
    return CliRunner().invoke(app, ["check", "--help"]).exit_code == 0


def refused_as_document(sentence: Sentence, folder: Path) -> bool:
    """Check the sentence as a Markdown document against the seed's results.json with `jdlspec check`."""
    report = folder / "report"
    report.mkdir(exist_ok=True)
    shutil.copyfile(CONTEXTS[sentence.context][1], report / "results.json")
    document = folder / f"{sentence.field.split('.')[1]}.md"
    document.write_text(sentence.text + "\n", encoding="utf-8")
    outcome = CliRunner().invoke(app, ["check", str(report), str(document)])
    if outcome.exit_code not in (0, 1):
        raise AssertionError(f"check crashed (exit {outcome.exit_code}): {outcome.output}") from outcome.exception
    return outcome.exit_code == 1


@cache
def licence(context: str) -> Licence:
    return Licence.from_results(results(context))


def refused_by_api(sentence: Sentence) -> bool:
    """The engine API as the run checks a user field (against the results) and `validate` does
    (without results, with the spec's forbidden phrases); a document as `jdlspec check` does."""
    if sentence.field.startswith("document."):
        return bool(find_breaches(sentence.text, licence(sentence.context)))
    phrases = tuple(seed_spec(sentence.context).get("report", {}).get("forbidden_phrases", []))
    return bool(find_breaches(sentence.text, licence(sentence.context), phrases=phrases)
                or find_breaches(sentence.text, Licence.unknown(), phrases=phrases))


def end_to_end_sample(sentences: list[Sentence]) -> set[Sentence]:
    """The first sentence of each (context, field, verdict): the paths through spec, report and check."""
    first: dict[tuple[str, str, str], Sentence] = {}
    for s in sentences:
        first.setdefault((s.context, s.field, s.verdict), s)
    return set(first.values())


def judge(sentence: Sentence, folder: Path, end_to_end: bool = True) -> str:
    """'refuse' or 'pass' as the engine judged it, or 'error: ...' when it crashed."""
    try:
        if not end_to_end:
            refused = refused_by_api(sentence)
        elif sentence.field.startswith("document."):
            if not has_check_command():
                return "error: `jdlspec check` does not exist yet"
            refused = refused_as_document(sentence, folder)
        else:
            refused = refused_in_spec(sentence, folder)
    except Exception as error:  # a traceback is a failure of its own, reported with the sentence
        return f"error: {type(error).__name__}: {error}"
    return "refuse" if refused else "pass"


def test_corpus_is_well_formed():
    sentences = corpus()
    assert len(sentences) >= (MIN_SENTENCES if not os.environ.get("JDLSPEC_CORPUS") else 1)
    for s in sentences:
        assert s.context in CONTEXTS, s.where
        assert s.verdict in VERDICTS, s.where
        assert s.field in SPEC_FIELDS + DATA_LABELS + DOCUMENTS, (s.where, s.field)
        assert s.text.strip() and s.kind, s.where
    keys = Counter((s.context, s.field, s.text) for s in sentences)
    assert [key for key, n in keys.items() if n > 1] == []
    assert sum(s.verdict == "pass" for s in sentences) / len(sentences) >= MIN_LICENSED_SHARE
    assert not any(s.kind.startswith("disguise") and s.verdict == "pass" for s in sentences)


def test_seed_specs_pass_unchanged():
    for context, (spec, _) in CONTEXTS.items():
        assert seed_problems(context) == frozenset()
        assert not validate_refuses(spec)


def summary(judged: list[tuple[Sentence, str]]) -> tuple[float, float, list[str]]:
    """Recall on overclaims, false-positive rate on licensed sentences, and the lines to print."""
    overclaims = [(s, got) for s, got in judged if s.verdict == "refuse"]
    licensed = [(s, got) for s, got in judged if s.verdict == "pass"]
    recall = sum(got == "refuse" for _, got in overclaims) / len(overclaims)
    false_positive = sum(got != "pass" for _, got in licensed) / len(licensed)
    errors = sum(got.startswith("error") for _, got in judged)
    lines = [
        f"claims corpus: {len(judged)} sentences; overclaims refused {sum(g == 'refuse' for _, g in overclaims)}"
        f"/{len(overclaims)} (recall {recall:.3f}); licensed not passed {sum(g != 'pass' for _, g in licensed)}"
        f"/{len(licensed)} (false-positive rate {false_positive:.3f}); errors {errors}",
        f"{'kind':28} {'expect':7} {'right':>5} {'of':>4}",
    ]
    tally: dict[tuple[str, str], list[int]] = {}
    for s, got in judged:
        right_total = tally.setdefault((s.kind, s.verdict), [0, 0])
        right_total[0] += got == s.verdict
        right_total[1] += 1
    for (kind, verdict), (right, total) in sorted(tally.items(), key=lambda item: (item[0][1], item[0][0])):
        lines.append(f"{kind:28} {verdict:7} {right:5} {total:4}")
    groups = {f"context {c}": lambda s, c=c: s.context == c for c in CONTEXTS}
    groups["spec fields"] = lambda s: not s.field.startswith("document.")
    groups["documents"] = lambda s: s.field.startswith("document.")
    for name, member in groups.items():
        mine = [(s, got) for s, got in judged if member(s)]
        over = [got for s, got in mine if s.verdict == "refuse"]
        fine = [got for s, got in mine if s.verdict == "pass"]
        lines.append(f"{name}: overclaims refused {over.count('refuse')}/{len(over)}, "
                     f"licensed not passed {len(fine) - fine.count('pass')}/{len(fine)}")
    lines += [f"WRONG {s.where} [{s.context} {s.field} {s.kind}] expected {s.verdict}, got {got}: {s.text!r}"
              for s, got in judged if got != s.verdict]
    return recall, false_positive, lines


def test_claims_corpus(tmp_path):
    sentences = corpus()
    ends = set(sentences) if FULL else end_to_end_sample(sentences)
    judged = [(s, judge(s, tmp_path, s in ends)) for s in sentences]
    recall, false_positive, lines = summary(judged)
    print("\n" + "\n".join(lines))
    apart = [(s.where, got) for s, got in judged if s in ends and judge(s, tmp_path, False) != got]
    assert apart == [], "the engine API and the end-to-end path disagree"
    assert not [got for _, got in judged if got.startswith("error")], "the engine crashed on some sentences"
    assert false_positive == 0
    assert recall >= MIN_RECALL
