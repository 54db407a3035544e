"""The unseen part of the claims corpus (tests/claims/unseen/realworld.yaml, issue 17 item 4): real
public sentences that no rule is written from, scored but never gated.

It is judged with the same functions as tests/claims/test_claims_corpus.py (same contexts, fields and
paths through spec, report and `jdlspec check`), and `python -m pytest -s` prints the recall on
overclaims, the false-positive rate on fair sentences, the figures per context and a tally per
kind. It never fails on the score, and it never prints which sentences were judged wrongly, so that
no rule is written from them: it fails only when the file is malformed or the engine crashes.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from tests.claims import test_claims_corpus as corpus_test

UNSEEN = Path(__file__).resolve().parent / "unseen" / "realworld.yaml"
MIN_FAIR_SHARE = 0.40  # the unseen set keeps at least this share of fair sentences


def unseen(monkeypatch) -> list[corpus_test.Sentence]:
    """The unseen file read by the corpus loader (which reads the one file JDLSPEC_CORPUS names)."""
    monkeypatch.setenv("JDLSPEC_CORPUS", str(UNSEEN))
    return corpus_test.corpus()


def test_unseen_is_well_formed(monkeypatch):
    """The corpus test's own checks (contexts, verdicts, fields, kinds, no repeats, share of fair
    sentences), run on the unseen file."""
    monkeypatch.setenv("JDLSPEC_CORPUS", str(UNSEEN))
    corpus_test.test_corpus_is_well_formed()
    sentences = corpus_test.corpus()
    assert sum(s.verdict == "pass" for s in sentences) / len(sentences) >= MIN_FAIR_SHARE
    assert {s.context for s in sentences} == set(corpus_test.CONTEXTS)


def test_claims_unseen(tmp_path, monkeypatch):
    sentences = unseen(monkeypatch)
    ends = set(sentences) if corpus_test.FULL else corpus_test.end_to_end_sample(sentences)
    judged = [(s, corpus_test.judge(s, tmp_path, s in ends)) for s in sentences]
    _, _, lines = corpus_test.summary(judged)
    lines = [line.replace("claims corpus:", f"unseen {UNSEEN.name}:", 1) for line in lines
             if not line.startswith("WRONG")]  # totals and tallies only: never the sentences
    apart = sum(corpus_test.judge(s, tmp_path, False) != got for s, got in judged
                if s in ends and not got.startswith("error"))
    lines.append(f"end-to-end sample: {len(ends)} sentences, {apart} judged differently by the engine API")
    print("\n" + "\n".join(lines))
    crashes = Counter(got.split(":")[1].strip() for _, got in judged if got.startswith("error"))
    assert not crashes, f"the engine crashed on {sum(crashes.values())} unseen sentences: {dict(crashes)}"
