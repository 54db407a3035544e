"""HTML split into tokens as the HTML standard's tokenizer does, for html_text.py.

This tokenizer is jdlspec's own because each of its steps consumes input, so that hostile input costs
linear time: Python 3.11's html.parser rescans an unfinished tag, and 48 KB of "<a " took it 37 s.
Start tags, end tags and text (character references decoded) are all it gives: comments, doctypes and
processing instructions are nothing a reader sees. The text of <script>, <style>, <title>, ... is read
up to its end tag, as a browser does.
"""

from __future__ import annotations

import html
import re

TAG_NAME = re.compile(r"[A-Za-z][^\t\n\f />]*")
SEPARATORS = re.compile(r"[\t\n\f /]*")
ATTRIBUTE = re.compile(r"[^\t\n\f />][^\t\n\f /=>]*")
EQUALS = re.compile(r"[\t\n\f ]*=[\t\n\f ]*")
UNQUOTED = re.compile(r"[^\t\n\f >]*")
COMMENT_END = re.compile(r"--!?>")
EMPTY_COMMENT = re.compile(r"-?>")
MARKUP = re.compile(r"<[A-Za-z!?/]")  # a "<" before anything else is text
RAW_TEXT = {"script", "style", "xmp", "iframe", "noembed", "noframes", "title", "textarea"}
DECODED_RAW_TEXT = {"title", "textarea"}


def tokens(text: str):
    """("start", tag, attributes, self-closing, position) / ("end", tag, position) / ("text", data, position)."""
    position, size = 0, len(text)
    raw_end, decoded = None, False
    while position < size:
        if raw_end is not None:  # inside <script>, <style>, <title>, ...: text up to its end tag
            found = raw_end.search(text, position)
            stop = found.start() if found else size
            yield ("text", html.unescape(text[position:stop]) if decoded else text[position:stop], position)
            position, raw_end = stop, None
            continue
        markup = MARKUP.search(text, position)
        if markup is None:
            yield ("text", html.unescape(text[position:]), position)
            return
        opening = markup.start()
        if opening > position:
            yield ("text", html.unescape(text[position:opening]), position)
        position = opening
        following = text[position + 1:position + 2]
        if text.startswith("<!--", position):
            empty = EMPTY_COMMENT.match(text, position + 4)
            end = empty or COMMENT_END.search(text, position + 4)
            position = end.end() if end else size
        elif following in ("!", "?") or (following == "/" and not TAG_NAME.match(text, position + 2)):
            end = text.find(">", position)
            position = end + 1 if end >= 0 else size
        else:  # a start or end tag
            closing = following == "/"
            name = TAG_NAME.match(text, position + 1 + closing)
            attributes, self_closing, position = _attributes(text, name.end())
            if position < 0:
                return  # a tag the file ends inside is no tag (HTML standard: EOF in tag)
            tag = name.group().lower()
            if closing:
                yield ("end", tag, opening)
            else:
                yield ("start", tag, attributes, self_closing, opening)
                if tag in RAW_TEXT:
                    raw_end = re.compile(rf"</{re.escape(tag)}[\t\n\f />]", re.IGNORECASE)
                    decoded = tag in DECODED_RAW_TEXT


def _attributes(text: str, position: int) -> tuple[dict[str, str], bool, int]:
    """A tag's attributes (the first of a repeated name wins), whether it ends "/>", and where it ends
    (-1 when the text ends inside it)."""
    attributes: dict[str, str] = {}
    size = len(text)
    while True:
        position = SEPARATORS.match(text, position).end()
        if position >= size:
            return attributes, False, -1
        if text[position] == ">":
            return attributes, text[position - 1] == "/", position + 1
        name = ATTRIBUTE.match(text, position)
        position, value = name.end(), ""
        equals = EQUALS.match(text, position)
        if equals and equals.end() < size:
            position = equals.end()
            if text[position] in "\"'":
                end = text.find(text[position], position + 1)
                if end < 0:
                    return attributes, False, -1
                value, position = text[position + 1:end], end + 1
            else:
                unquoted = UNQUOTED.match(text, position)
                value, position = unquoted.group(), unquoted.end()
        attributes.setdefault(name.group().lower(), html.unescape(value))


def declarations(style: str) -> dict[str, str]:
    """An inline style's declarations, lowercased, the last of a repeated property winning."""
    found = {}
    for declaration in re.sub(r"/\*.*?(?:\*/|$)", "", style, flags=re.DOTALL).split(";"):
        name, colon, value = declaration.partition(":")
        if colon:
            found[name.strip().lower()] = " ".join(value.lower().replace("!important", "").split())
    return found
