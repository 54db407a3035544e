"""User text made safe to print: the one sanitiser every renderer uses for text it did not write.

Two kinds of user text reach a report. Free text (summary, own words, response, footer, ...) is
Markdown by design, but may not carry raw HTML (escaped as entities, so no Markdown reader makes it
live) or images (an image would load from outside the report: `![` becomes `&#33;[`, an ordinary
link). Everything else (names, titles, organisation, contacts, analysis names, the data's category
labels) is one line of plain text: line breaks are folded (a newline cannot forge a heading) and
Markdown's special characters are escaped, so a label is always text, never Markdown.
Control characters are removed from both.
"""

from __future__ import annotations

import re

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")
MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|#!~])")


# a link or link definition whose target has a scheme other than http(s)/mailto (javascript:, data:, file:, ...);
# a scheme spelt with character references (jav&#x61;script:) is one too, as Markdown readers decode them
SCHEME = r"(?!(?:https?|mailto):)(?:[a-z]|&#?\w+;)(?:[a-z0-9+.-]|&#?\w+;)*:"
UNSAFE_LINK = re.compile(rf"(\]\s*)\((?=\s*<?\s*{SCHEME})|^(\s*)\[(?=[^\]\n]*\]:\s*<?\s*{SCHEME})",
                         re.IGNORECASE | re.MULTILINE)


def markdown_text(text: str) -> str:
    """Free text: Markdown kept, raw HTML and images made inert, links only to http(s) and mailto
    (a `javascript:` or `data:` target is escaped into plain text, so no Markdown reader links it)."""
    text = CONTROL.sub("", text)
    text = UNSAFE_LINK.sub(lambda m: f"{m.group(1)}\\(" if m.group(1) is not None else f"{m.group(2)}\\[", text)
    return text.replace("<", "&lt;").replace(">", "&gt;").replace("![", "&#33;[")


def plain_text(text: str) -> str:
    """A one-line field or a data label: one line, every Markdown special escaped."""
    folded = " ".join(CONTROL.sub(" ", str(text)).split())
    escaped = MARKDOWN_SPECIAL.sub(r"\\\1", folded)
    return re.sub(r"^(\d+)([.)])", r"\1\\\2", escaped)  # '1. x' at a line start would be a list


def one_line(text: str) -> str:
    """Markdown text folded to one line (a title may use emphasis but not start a new block)."""
    return " ".join(markdown_text(text).split())
