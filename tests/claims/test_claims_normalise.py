"""Disguises do not hide a claim: the engine checks the text the reader sees."""

from __future__ import annotations

import pytest

from engine.claims import Licence, find_breaches
from engine.claims.normalise import reader_line, reader_text

DISGUISES = [
    "The evaluation pro&#118;es that mentoring cuts crime.",  # HTML entity
    "The evaluation pro&amp;#118;es that mentoring cuts crime.",  # an entity inside an entity
    "The evaluation pro*ves* that mentoring cuts crime.",  # emphasis inside a word
    "The evaluation pr\u200bo\u00adves that mentoring cuts crime.",  # zero-width space, soft hyphen
    "The evaluation \u202eproves that mentoring cuts crime.",  # right-to-left override
    "The evaluation рrоvеs that mentoring cuts crime.",  # Cyrillic look-alikes
    "The evaluation πroves that mentoring cuts crime.".replace("π", "ρ"),  # Greek rho for p
    "Re-offending fell by ２０％ among participants.",  # full-width digits and percent sign
    "Re-oﬀending fell by twenty per cent among participants.",  # a ligature
    "The evaluation pro<b></b>ves that mentoring cuts crime.",  # an HTML tag
    "The evaluation 𝐩𝐫𝐨𝐯𝐞𝐬 that mentoring cuts crime.",  # mathematical bold letters
]


@pytest.mark.parametrize("text", DISGUISES)
def test_a_disguised_claim_is_refused(text):
    assert find_breaches(text, Licence.unknown()), reader_text(text)


def test_each_character_keeps_its_raw_column():
    text, index = reader_line("A pro&#118;es **B**")
    assert text == "A proves B"
    assert [index[i] for i in (0, 2, 5, 9)] == [0, 2, 5, 16]
