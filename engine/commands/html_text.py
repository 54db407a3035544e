"""HTML and Markdown as a browser shows them, for `jdlspec check` (issue 17 item 5).

Read: the text of every element that is displayed, each block element (p, li, td, th, h1-h6, div, ...)
its own paragraph and a <br> a new line within it; the alt text of images, the title of any element
(shown when an image fails or on hover), the text in form fields and on buttons, and struck (<s>, <del>) and fallback (<noscript>, <video>, ...)
text, each as a paragraph of its own, so that it is checked but cannot hedge or complete a sentence
around it. Not read: <script>, <style>, <template>, comments, and whatever the `hidden` attribute or an
inline style hides (display:none, visibility:hidden unless a child sets it visible again, opacity:0).
aria-hidden text is read: it is hidden from screen readers, not from the eye. Stylesheets are not
applied. Markdown is rendered (markdown-it, tables and strikethrough on) and read as its HTML, each
line of it mapped back to the Markdown line it came from.

The tokens come from html_tokens.py (linear time on any input, which html.parser is not).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import NamedTuple

from engine.commands.documents import Block, DocumentError, Line
from engine.commands.html_tokens import declarations, tokens

OPACITY = re.compile(r"(-?(?:[0-9]+\.?[0-9]*|\.[0-9]+))%?")

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "meta", "param", "source",
        "track", "wbr"}
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
BLOCKS = {"address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details", "dialog",
          "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "header", "hgroup", "hr",
          "legend", "li", "main", "menu", "nav", "ol", "optgroup", "option", "p", "pre", "section", "select",
          "summary", "table", "tbody", "td", "textarea", "tfoot", "th", "thead", "title", "tr", "ul"} | HEADINGS
CLOSES_P = {"address", "article", "aside", "blockquote", "center", "details", "dialog", "dir", "div", "dl", "dd",
            "dt", "fieldset", "figcaption", "figure", "footer", "form", "header", "hgroup", "hr", "li", "main",
            "menu", "nav", "ol", "p", "pre", "section", "summary", "table", "ul", "xmp"} | HEADINGS
SPECIAL = BLOCKS | VOID | {"applet", "button", "iframe", "marquee", "noembed", "noframes", "noscript", "object",
                           "script", "style", "template", "xmp"}
FORMATTING = {"a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong", "tt", "u"}
SCOPE = frozenset({"applet", "caption", "html", "table", "td", "th", "marquee", "object", "template"})
NOT_SHOWN = {"script", "style", "template", "datalist", "iframe", "noembed", "noframes"}
ASIDE = {"s", "strike", "del", "noscript", "video", "audio", "canvas", "object"}  # struck, or fallback content
MARKERS = {"td", "th", "caption", "applet", "object", "marquee", "template"}
BUTTON_SCOPE, LIST_SCOPE, DEFINITION_SCOPE = ("button",), ("ol", "ul"), ("dl",)  # SCOPE, and these
TABLE_SCOPE = ("html", "table", "template")  # these alone
MAX_DEPTH = 512  # as browsers cap the tree they build
MAX_FORMATTING = 64
MARKDOWN_NESTING = 100  # markdown-it's limit, beyond which it leaves the rest of a block out
UNSHOWN_INPUT_VALUES = {"hidden", "password", "checkbox", "radio", "file", "color", "range"}
DISPLAYED_AS_BLOCK = {"block", "flex", "grid", "table", "table-row", "table-cell", "list-item", "flow-root"}


class Element(NamedTuple):  # a tuple: quick to make, for the many elements of a long page
    tag: str
    attributes: tuple  # its own, to reopen it as it was
    gone: bool  # not laid out: display:none, the hidden attribute, or inside such an element
    unseen: bool  # laid out but not painted, whatever its children say: opacity 0, content-visibility hidden
    visible: bool  # CSS visibility, which a child may set back
    aside: bool  # struck or fallback text: read apart
    foreign: bool  # inside <svg> or <math>, where "/>" closes an element


ROOT = Element("#root", (), gone=False, unseen=False, visible=True, aside=False, foreign=False)


class Flow:
    """The lines of one block being gathered; each line starts at the place of its first visible character."""

    def __init__(self) -> None:
        self.lines: list[list] = []  # [pieces, line, whether a visible character came yet]
        self.open = False

    def add(self, text: str, line: int) -> None:
        for offset, piece in enumerate(text.split("\n")):
            if offset:
                self.open = False
            if not piece:
                continue
            if not self.open:
                self.lines.append([[], line + offset, False])
                self.open = True
            last = self.lines[-1]
            last[0].append(piece)
            if not last[2] and piece.strip():
                last[1], last[2] = line + offset, True

    def newline(self) -> None:
        self.open = False

    def take(self, place) -> Block:
        block = [Line("".join(pieces), place(line)) for pieces, line, seen in self.lines if seen]
        self.lines, self.open = [], False
        return block


class Reader:
    """Builds the blocks a browser shows from the tokens, with the HTML standard's tree rules where they
    decide what is hidden: implied ends (a <p> ends at the next block, an <li> at the next <li>), end tags
    that do not match being ignored, and formatting elements (<b>, <font>, <s>, ...) carried on into the
    next paragraph when a block closes them unended. Each open tag's positions are kept by name, so that a
    scope is looked up in constant time however deep the nesting (which is refused beyond MAX_DEPTH)."""

    def __init__(self, text: str, place) -> None:
        self.text, self.place = text, place
        self.breaks = [m.start() for m in re.finditer("\n", text)]
        self.stack: list[Element] = []
        self.where: dict[str, list[int]] = {}  # tag -> the stack indices of its open elements
        self.specials: list[int] = []  # stack indices of open elements that stop an unmatched end tag
        self.scoped: list[int] = []  # stack indices of open elements that bound a scope (SCOPE)
        self.open: dict[int, int] = {}  # id(element) -> its stack index, while it is open
        self.formatting: list[Element | None] = []  # None: a marker (a table cell's start)
        self.blocks: list[Block] = []
        self.flow, self.aside_flow, self.asides = Flow(), Flow(), []

    def line(self, position: int) -> int:
        return bisect_right(self.breaks, position - 1) + 1

    @property
    def top(self) -> Element:
        return self.stack[-1] if self.stack else ROOT

    def shown(self, element: Element) -> bool:
        return not (element.gone or element.unseen) and element.visible

    def read(self) -> list[Block]:
        for token in tokens(self.text):
            if token[0] == "text":
                self.data(token[1], token[2])
            elif token[0] == "start":
                self.start(*token[1:])
            else:
                self.end(token[1], token[2])
        self.boundary()
        return self.blocks

    def boundary(self) -> None:
        """A block starts or ends: what was gathered is a paragraph, then what was read apart."""
        if not (self.flow.lines or self.aside_flow.lines or self.asides):
            return
        for block in (self.flow.take(self.place), self.aside_flow.take(self.place), *self.asides):
            if block:
                self.blocks.append(block)
        self.asides = []

    def data(self, text: str, position: int) -> None:
        if text.strip():
            self.reconstruct()
        if self.shown(self.top):
            (self.aside_flow if self.top.aside else self.flow).add(text, self.line(position))

    def element(self, tag: str, attributes: dict[str, str]) -> Element:
        parent = self.top
        if not attributes and tag not in NOT_SHOWN and tag not in ASIDE and tag not in ("dialog", "svg", "math"):
            return parent._replace(tag=tag, attributes=())
        style = declarations(attributes["style"]) if "style" in attributes else {}
        opacity = OPACITY.fullmatch(style.get("opacity", "1"))
        return Element(
            tag, tuple(attributes.items()),
            gone=parent.gone or "hidden" in attributes or style.get("display") == "none" or tag in NOT_SHOWN
            or (tag == "dialog" and "open" not in attributes),
            unseen=parent.unseen or bool(opacity and float(opacity.group(1)) <= 0)
            or style.get("content-visibility") == "hidden",
            visible={"hidden": False, "collapse": False, "visible": True}.get(style.get("visibility"), parent.visible),
            aside=parent.aside or tag in ASIDE,
            foreign=parent.foreign or tag in ("svg", "math"))

    def start(self, tag: str, attributes: dict[str, str], self_closing: bool, position: int) -> None:
        if tag == "head" or (tag in ("html", "body") and not attributes):
            return  # a browser shows none of <head> but its <title>, which is read as a block
        if tag in CLOSES_P:
            self.close_in_scope("p", BUTTON_SCOPE)
        if tag == "li":
            self.close_in_scope("li", LIST_SCOPE)
        elif tag in ("dd", "dt"):
            self.close_in_scope("dd", DEFINITION_SCOPE) or self.close_in_scope("dt", DEFINITION_SCOPE)
        elif tag in ("td", "th", "tr"):
            self.close_in_scope("td", TABLE_SCOPE) or self.close_in_scope("th", TABLE_SCOPE)
            if tag == "tr":
                self.close_in_scope("tr", TABLE_SCOPE)
        elif tag in HEADINGS and self.top.tag in HEADINGS or tag == "option" and self.top.tag == "option":
            self.pop_to(len(self.stack) - 1)
        if tag not in BLOCKS:
            self.reconstruct()
        element = self.element(tag, attributes)
        block = tag in BLOCKS or "style" in attributes and \
            declarations(attributes["style"]).get("display") in DISPLAYED_AS_BLOCK
        if block and not element.gone:
            self.boundary()
        if self.shown(element):
            line = self.line(position)
            texts = [attributes.get("title", ""), attributes.get("placeholder", "")]
            kind = attributes.get("type", "text").lower()
            if tag == "img" or (tag == "input" and kind == "image"):
                texts.append(attributes.get("alt", ""))
            elif tag == "input" and kind not in UNSHOWN_INPUT_VALUES:
                texts.append(attributes.get("value", ""))  # the text in a box or on a button
            self.asides += [[Line(t, self.place(line))] for t in texts if t.strip()]
        if tag == "br":
            (self.aside_flow if element.aside else self.flow).newline()
        if tag in VOID or (self_closing and element.foreign):
            return
        self.push(element)
        if tag in FORMATTING:
            self.remember(element)
        elif tag in MARKERS:
            self.formatting.append(None)

    def end(self, tag: str, position: int) -> None:
        if tag in ("html", "head", "body"):
            return
        if tag == "br":
            return self.start("br", {}, False, position)
        if tag == "p" and self.in_scope("p", BUTTON_SCOPE) is None:
            self.start("p", {}, False, position)
        entry = next((i for i in self.since_marker() if self.formatting[i].tag == tag), None) \
            if tag in FORMATTING else None
        if entry is not None:
            element = self.formatting.pop(entry)
            if id(element) in self.open:
                self.pop_to(self.open[id(element)])
        elif tag in SPECIAL:
            index = self.in_scope(tag, {"li": LIST_SCOPE, "p": BUTTON_SCOPE}.get(tag, ()))
            if index is not None:
                self.pop_to(index)
        elif self.where.get(tag) and self.where[tag][-1] > (self.specials[-1] if self.specials else -1):
            self.pop_to(self.where[tag][-1])

    def push(self, element: Element) -> None:
        if len(self.stack) >= MAX_DEPTH:
            raise DocumentError(f"elements nested more than {MAX_DEPTH} deep, more than jdlspec check reads")
        index = len(self.stack)
        self.stack.append(element)
        self.where.setdefault(element.tag, []).append(index)
        if element.tag in SPECIAL:
            self.specials.append(index)
        if element.tag in SCOPE:
            self.scoped.append(index)
        self.open[id(element)] = index

    def pop_to(self, index: int) -> None:
        """Close the element at `index` and all above it (a block's end is a boundary)."""
        closed = self.stack[index:]
        for element in reversed(closed):
            self.where[element.tag].pop()
            if element.tag in SPECIAL:
                self.specials.pop()
            if element.tag in SCOPE:
                self.scoped.pop()
            del self.open[id(element)]
        del self.stack[index:]
        if any(e.aside for e in closed) and not self.top.aside:  # each struck or fallback run on its own
            self.asides.append(self.aside_flow.take(self.place))
        if any(e.tag in BLOCKS and not e.gone for e in closed):
            self.boundary()
        for _ in range(sum(e.tag in MARKERS for e in closed)):
            while self.formatting and self.formatting.pop() is not None:
                pass

    def in_scope(self, tag: str, extra: tuple[str, ...] = ()) -> int | None:
        """The index of the innermost open `tag` when no element bounding the scope (SCOPE, and `extra`;
        only `extra` for the table scope) is open inside it."""
        found = self.where.get(tag)
        if not found:
            return None
        top = found[-1]
        inner = max((self.where[b][-1] for b in extra if b != tag and self.where.get(b)), default=-1)
        if extra is not TABLE_SCOPE and self.scoped and self.scoped[-1] != top:
            inner = max(inner, self.scoped[-1])
        return top if top > inner else None

    def close_in_scope(self, tag: str, extra: tuple[str, ...] = ()) -> bool:
        index = self.in_scope(tag, extra)
        if index is not None:
            self.pop_to(index)
        return index is not None

    def since_marker(self) -> list[int]:
        """Indices of the formatting entries after the last marker, last first."""
        found = []
        for index in range(len(self.formatting) - 1, -1, -1):
            if self.formatting[index] is None:
                break
            found.append(index)
        return found

    def remember(self, element: Element) -> None:
        """A formatting element to reopen if a block closes it; at most three alike (the standard's Noah's Ark
        clause), and refused beyond MAX_FORMATTING left open."""
        recent = self.since_marker()
        alike = [i for i in recent if (self.formatting[i].tag, self.formatting[i].attributes)
                 == (element.tag, element.attributes)]
        if len(alike) >= 3:
            del self.formatting[alike[-1]]
        elif len(recent) >= MAX_FORMATTING:
            raise DocumentError(f"more than {MAX_FORMATTING} formatting elements (<b>, <font>, ...) left open, more "
                                "than jdlspec check reads: close them")
        self.formatting.append(element)

    def reconstruct(self) -> None:
        """Reopen formatting elements that a block closed without their end tag, with their own styles."""
        start = len(self.formatting)
        while start > 0 and self.formatting[start - 1] is not None and id(self.formatting[start - 1]) not in self.open:
            start -= 1
        for index in range(start, len(self.formatting)):
            entry = self.formatting[index]
            again = self.element(entry.tag, dict(entry.attributes))
            self.push(again)
            self.formatting[index] = again


def html_blocks(text: str, place=lambda line: line) -> list[Block]:
    """The visible blocks of an HTML text; `place` maps a line of the text to where the user finds it."""
    return Reader(text.replace("\r\n", "\n").replace("\r", "\n").replace("\0", "\ufffd"), place).read()


def markdown_blocks(text: str) -> list[Block]:
    """Markdown as it renders: each token is rendered to HTML on its own, and each line of that HTML is
    mapped to the Markdown line its token came from (a paragraph's lines one for one)."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": True, "maxNesting": MARKDOWN_NESTING}).enable(["table", "strikethrough"])
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    env: dict = {}
    try:
        parsed = md.parse(text, env)
    except RecursionError:
        parsed = None
    if parsed is None or any(t.level >= MARKDOWN_NESTING - 1 for t in parsed):  # markdown-it drops what is deeper
        raise DocumentError(f"lists or quotes nested {MARKDOWN_NESTING // 2} deep or more, more than jdlspec check "
                            "reads")
    pieces, starts, sources, line = [], [], [], 1
    for token in parsed:
        rendered = md.renderer.render([token], md.options, env)
        if token.map:
            starts.append(line)
            sources.append(token.map[0] + 1 + (token.type == "fence"))  # a fence's text starts after ```
        pieces.append(rendered)
        line += rendered.count("\n")

    def place(rendered_line: int) -> int:
        which = bisect_right(starts, rendered_line) - 1
        return sources[which] + rendered_line - starts[which] if which >= 0 else 1

    return html_blocks("".join(pieces), place)
