"""Language: whether a sentence is written in a language the claims rules can read (fail closed: one
they cannot read is refused, not passed unread)."""

from __future__ import annotations

import re
from functools import cache

from engine.claims.book import RuleBook

EDGES = ".,;:!?\"“”()[]{}<>*_«»—–-"
ADDRESS = re.compile(r"@|://|www\.")  # a word holding one is an address (searched word by word: linear in the text)
WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")  # a word of letters (no digits), hyphens and apostrophes inside
WELSH = re.compile(r"^(?:ll|rh)|dd|[ŵŷ]", re.IGNORECASE)  # letters English words seldom have
ENDINGS = ("ing", "ed", "es", "s", "ly", "er", "est", "ment", "ness")


SEGMENT = re.compile(r"[;:,()\[\]–—]|\s-\s|\s/|/\s")  # where a sentence may turn to another language ("... / Gostyngodd ...")


def unreadable(text: str, book: RuleBook) -> bool:
    """The sentence, or any part of it between clause marks (or after a slash), is in a language the rules cannot read,
    or holds a Welsh word of an outcome, a change or proof (vocabulary.foreign_claim): an English clause does not make a
    Welsh one beside it readable ("The report was published today; mae'n dangos bod y
    rhaglen wedi lleihau aildroseddu"). A part is judged by its short words: two of another language's and none of
    English's, with most of its longer words not English."""
    if _unreadable(text, book) or _claim_word(text, book):  # a Welsh word of a result, in any company
        return True
    parts = SEGMENT.split(text)
    return len(parts) > 1 and any(_foreign_part(part, book) or _unreadable(part, book, 3, beside=True) for part in parts)


def _claim_word(text: str, book: RuleBook) -> bool:
    """A Welsh word of an outcome, a change or proof (vocabulary.foreign_claim), unless it is capitalised beside another
    capitalised word, as in a name ("Carchar Ei Fawrhydi Berwyn", HMP Berwyn's Welsh name): "Llwyddiant i'r rhaglen",
    "Gostyngiad mewn aildroseddu" are claims."""
    for match in book.words["foreign_claim"].finditer(text):
        neighbours = text[:match.start()].split()[-1:] + text[match.end():].split()[:1]
        if match.group()[0].islower() or not any(w[:1].isupper() for w in neighbours):
            return True
    return False


def _foreign_part(part: str, book: RuleBook) -> bool:
    tokens = [t.strip(EDGES) for t in part.split() if not ADDRESS.search(t)]
    words = [t for t in tokens if len(t) > 2 and WORD.fullmatch(t)]
    if len(words) < 2 or any(book.words["english"].fullmatch(t) for t in tokens):
        return False
    small = {t.lower() for t in tokens if t.islower() and book.words["foreign"].fullmatch(t)}
    known = english_words()
    return len(small) >= 2 and sum(_english(w.lower(), known) for w in words) * 2 < len(words)


def _unreadable(text: str, book: RuleBook, least: int = 2, beside: bool = False) -> bool:
    """Three or more words of three letters or more, two in lower case, and fewer than half of them
    English (or two words, one in lower case, neither English): a language the rules
    cannot read (Welsh, say). An English function word settles it at once, two of another language's
    (Welsh, French, Spanish, German) the other way; otherwise the words are looked up in an English word
    list (which holds many rare words that are also Welsh or French). Names (all capitalised) and addresses are not sentences to read."""
    words = [part for token in text.split() if not ADDRESS.search(token) for part in WORD.fullmatch(token.strip(EDGES)) and
             token.strip(EDGES).replace("’", "-").replace("'", "-").split("-") or () if len(part) > 2]
    lower = sum(w[0].islower() for w in words)
    if beside and len(words) == 2 == lower and not any(_english(w.lower(), english_words()) for w in words):
        return True  # two words of another language after English ("Great results (canlyniadau gwych).")
    if len(words) < least or lower < 1 or (len(words) >= 3 and lower < 2):
        return False
    known = english_words()
    tokens = [t.strip(EDGES) for t in text.split()]  # "le", "yn", "et": the short words that say which language
    lowered = [w for w in words if w[0].islower()]
    if any(book.words["english"].fullmatch(t) for t in tokens if len(t) > 1):  # "in", "as": English at once, unless
        # every word of three letters or more in lower case is foreign ("Laghdaigh an clár athchiontú go mór")
        return len(lowered) >= 3 and not any(_english(w.lower(), known) for w in lowered)
    small = {t.lower() for i, t in enumerate(tokens) if (t.islower() or i == 0) and book.words["foreign"].fullmatch(t)}
    if len(words) == 2:  # a headline of two words ("Llwyddiant ysgubol.", "Llai o aildroseddu!"): neither English,
        # and written as Welsh is (its short words, or its letters: ll, dd, rh, ŵ)
        return not any(_english(w.lower(), known) for w in words) and bool(small or any(WELSH.search(w) for w in words))
    if len(small) >= 2:
        return True
    return sum(_english(w.lower(), known) for w in words) * 2 < len(words)


@cache
def english_words() -> frozenset[str]:
    """An English word list (english-words: web2 and GCIDE, 263,000 words), read once when first needed."""
    from english_words import get_english_words_set

    return frozenset(get_english_words_set(["web2", "gcide"], lower=True, alpha=True))


def _english(word: str, known: frozenset[str]) -> bool:
    word = word.replace("’", "'").split("'")[0]
    stems = [word] + [word[: -len(end)] for end in ENDINGS if word.endswith(end) and len(word) > len(end) + 2]
    stems += [stem[2:] for stem in stems if stem.startswith("re")]  # reoffending: offend
    return any(stem in known or stem + "e" in known for stem in stems)
