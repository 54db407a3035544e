"""Link keys: identifiers and names folded as people recognise them, one text key per record, and fast lookups.

Shared by linking (link.py), identity checks (identity.py) and the link-rate diagnosis (diagnose.py).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

PERSON = "_person"  # the link key of a submitted record (offender id, or folded name and birth date)


NAME_MARKS = r"[\s\-\u2010-\u2015\u2212'`\u00b4\u2018\u2019\u02bc.,]+"  # spaces, hyphens, apostrophes, dots


def fold(text: pd.Series) -> pd.Series:
    """Names compared as people recognise them: ' o'Brien  ', "O’BRIEN" and "OBrien" link, as do
    "Zoë" in composed or decomposed Unicode and "Zoe" (accents dropped after NFKD), "Smith-Jones" and "Smith Jones"."""
    text = text.astype("string")
    if not _ascii(text):
        text = text.str.normalize("NFKD").str.replace(r"[\u0300-\u036f]", "", regex=True)
    return text.str.casefold().str.replace(NAME_MARKS, "", regex=True)


ASCII_SPACE = "[\t\n\x0b\f\r\x1c-\x1f ]+"  # what Python's \s matches among ASCII characters


def fold_id(text: pd.Series) -> pd.Series:
    """Identifiers compared without case or spaces: ' a0300001' links to 'A0300001'. Leading zeros are kept:
    '0012' and '12' may be different people (diagnose.py says when IDs look like they lost them).
    ASCII identifiers (the usual case) are folded by Arrow: pandas runs this regex in Python, 1 s a million."""
    text = text.astype("string")
    if not _ascii(text):
        return text.str.normalize("NFKC").str.upper().str.replace(r"\s+", "", regex=True)
    folded = pc.utf8_upper(pa.array(text, type=pa.string()))  # not ascii_upper: pyarrow 26 gets offset chunks wrong
    if pc.any(pc.match_substring_regex(folded, ASCII_SPACE)).as_py():  # finding is 3x quicker than replacing
        folded = pc.replace_substring_regex(folded, ASCII_SPACE, "")
    return pd.Series(pd.array(folded, dtype=text.dtype), index=text.index)


def _ascii(text: pd.Series) -> bool:
    """True when every value is ASCII, so Unicode normalisation (slow on millions of rows) has nothing to do."""
    return bool(pc.all(pc.string_is_ascii(pa.array(text, type=pa.string()))).as_py() is not False)


def link_key(frame: pd.DataFrame, link_on: list[str]) -> pd.Series:
    """One text key per row from the linking fields; missing when any field is missing."""
    parts = []
    for name in link_on:
        column = frame[name]
        if name == "date_of_birth":
            part = pd.Series(column.to_numpy().astype("datetime64[D]").astype(np.int64), index=column.index)
            part = part.astype("string").mask(column.isna())
        elif name == "offender_id":
            part = fold_id(column)
        else:
            part = fold(column)
        parts.append(part.replace("", pd.NA))
    key = parts[0]
    for part in parts[1:]:
        key = key + "|" + part
    return key


def among(keys: pd.Series, known: pd.Series) -> pd.Series:
    """keys.isin(known) for text keys, through Arrow: pandas' own isin loops in Python over a
    large value set (5 s for a million reference records)."""
    found = pc.is_in(pa.array(keys, type=pa.string()), value_set=pa.array(known.dropna(), type=pa.string()))
    return pd.Series(pc.fill_null(found, False).to_numpy(zero_copy_only=False), index=keys.index)
