"""A .docx as Word shows it, for `jdlspec check` (issue 17 item 5).

Read, each paragraph its own block: the body; every table cell (each its own paragraph, "table 1, row 2,
cell 3"); headers and footers that a section shows (first-page ones only with a title page, even-page
ones only when the settings ask for them); footnotes and endnotes, numbered in the order the text
refers to them; comments (Word prints them in the margin with the document); text boxes (the DrawingML
text, or its VML fallback only when there is no DrawingML: never both); WordArt, chart and SmartArt text;
content controls; tracked insertions and moves in; the displayed results of fields; the description of
a picture and the tooltip of a link; and imported parts (w:altChunk) read as their format: HTML, plain
text or Word. Text boxes, notes, charts and imported parts are blocks of their own, so they never
hedge or complete a sentence of the paragraph they hang from.
Not read: hidden text (w:vanish and w:specVanish, set on the run or by its styles), tracked deletions
and moves out, field codes, hidden pictures, and anything Word does not display (the glossary, unused
headers). A paragraph whose mark is hidden or deleted runs on into the next one, as Word shows it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from engine.commands.documents import DOCX_LIMIT, Block, DocumentError, Line, decode, plain_blocks
from engine.commands.docx_package import (WORD_DOCUMENTS, Budget, Package, Styles, attribute, child, name, on,
                                          on_attribute, parse_xml, said_hidden)
from engine.commands.html_text import html_blocks
from engine.commands.html_tokens import declarations

NOT_SHOWN = {"w:del", "w:moveFrom", "w:delText", "w:delInstrText", "w:instrText", "w:pPr", "w:rPr", "w:sdtPr",
             "w:sdtEndPr", "w:tblPr", "w:tblPrEx", "w:trPr", "w:tcPr", "w:sectPr", "w:tblGrid", "w:fldData",
             "w:customXmlPr", "w:smartTagPr", "w:rPrChange", "w:pPrChange", "w:rt"}
WRAPPERS = {"w:sdt", "w:sdtContent", "w:customXml", "w:smartTag", "w:ins", "w:moveTo", "w:dir", "w:bdo"}
BLOCK_CONTENT = {"w:p", "w:tbl", "w:altChunk"}
REFERENCES = {"w:footnoteReference": "footnote", "w:endnoteReference": "endnote", "w:commentReference": "comment"}


def chosen(alternate):
    """The branch of mc:AlternateContent that Word shows: its first Choice, else the Fallback."""
    choice = child(alternate, "mc:Choice")
    return choice if choice is not None else child(alternate, "mc:Fallback")


@dataclass
class Paragraph:
    lines: list[list[str]] = field(default_factory=lambda: [[]])  # each line's pieces of text
    notes: list[tuple[str, str]] = field(default_factory=list)  # (what, text): a picture's description, a tooltip
    asides: list[Block] = field(default_factory=list)  # text boxes, charts, ...: read apart

    def add(self, text: str) -> None:
        self.lines[-1].append(text)

    def texts(self) -> list[str]:
        return ["".join(pieces) for pieces in self.lines]

    def shown(self) -> bool:
        return any(text.strip() for text in self.texts()) or bool(self.notes)


class WordReader:
    """Reads one package's main document and every part it shows, in reading order."""

    def __init__(self, package: Package) -> None:
        self.package = package
        self.main = package.main_part()
        self.part = self.main
        styles = package.related(self.main, "styles")
        self.styles = Styles(package.xml(styles[0]) if styles and package.has(styles[0]) else None)
        self.counts: Counter = Counter()
        self.referenced: dict[str, list[str]] = {"footnote": [], "endnote": [], "comment": []}
        self.fields: list[bool] = []  # open fields: True once their result (not their code) is being read
        self.fields_shown = True

    def read(self) -> list[Block]:
        root = self.package.xml(self.main)
        body = child(root, "w:body")
        if name(root.tag) != "w:document" or body is None:
            raise DocumentError(f"{self.main} is not a Word document's body")
        blocks = self.story(self.main, body, "")
        blocks += self.headers_and_footers(body)
        for kind, relation in (("footnote", "footnotes"), ("endnote", "endnotes"), ("comment", "comments")):
            blocks += self.notes(kind, relation)
        return blocks

    def story(self, part: str, element, label: str) -> list[Block]:
        """One story (the body, a header, a note) of one part, whose relationships its r:ids name. A field
        left open at its end would hide the rest: the story is then read with field codes shown, as text."""
        saved = self.part, self.fields, self.fields_shown
        self.part, self.fields, self.fields_shown = part, [], True
        try:
            blocks = self.container(element, label)
            if self.fields:
                self.fields, self.fields_shown = [], False
                blocks = self.container(element, label)
            return blocks
        finally:
            self.part, self.fields, self.fields_shown = saved

    def headers_and_footers(self, body) -> list[Block]:
        sections = [s for s in body.iter() if name(s.tag) == "w:sectPr"
                    and not any(name(a.tag).endswith("Change") for a in s.iterancestors())]
        settings = self.package.related(self.main, "settings")
        even = settings and self.package.has(settings[0]) and \
            on(child(self.package.xml(settings[0]), "w:evenAndOddHeaders"))
        seen, blocks = set(), []
        for number, section in enumerate(sections, start=1):
            for reference in section:
                kind = name(reference.tag)
                if kind not in ("w:headerReference", "w:footerReference"):
                    continue
                which = attribute(reference, "w", "type") or "default"
                if (which == "first" and not on(child(section, "w:titlePg"))) or (which == "even" and not even):
                    continue
                target = self.package.target(self.main, attribute(reference, "r", "id"))
                if target is None or target[1] in seen:
                    continue
                seen.add(target[1])
                what = "header" if kind == "w:headerReference" else "footer"
                label = {"first": f"first-page {what}", "even": f"even-page {what}"}.get(which, what)
                blocks += self.story(target[1], self.package.xml(target[1]),
                                     f"section {number} {label}" if len(sections) > 1 else label)
        return blocks

    def notes(self, kind: str, relation: str) -> list[Block]:
        """Footnotes, endnotes and comments that the text refers to, numbered in that order."""
        parts = self.package.related(self.main, relation)
        if not self.referenced[kind] or not parts:
            return []
        root = self.package.xml(parts[0])
        by_id = {attribute(n, "w", "id"): n for n in root if name(n.tag) == f"w:{kind}"}
        blocks: list[Block] = []
        for number, identifier in enumerate(self.referenced[kind], start=1):
            if identifier in by_id:
                blocks += self.story(parts[0], by_id[identifier], f"{kind} {number}")
        return blocks

    def contents(self, element, wanted: set[str]):
        """The children of one kind (paragraphs, rows, cells) inside content controls, custom XML and
        tracked insertions; never inside a deletion."""
        for item in element:
            kind = name(item.tag)
            if kind in wanted:
                yield item
            elif kind == "mc:AlternateContent":
                branch = chosen(item)
                if branch is not None:
                    yield from self.contents(branch, wanted)
            elif kind in WRAPPERS:
                yield from self.contents(item, wanted)

    def container(self, element, label: str, table_style: str | None = None) -> list[Block]:
        """A story, cell or text box: each paragraph a block, labelled by its place ("paragraph 12" in the
        body; the cell or note itself when it holds one paragraph, else ", paragraph N")."""
        entries: list[Paragraph | list[Block]] = []
        runs_on = False
        tables = 0
        for item in self.contents(element, BLOCK_CONTENT):
            kind = name(item.tag)
            if kind == "w:p":
                paragraph, mark_hidden = self.paragraph(item, table_style)
                if runs_on:
                    last = entries[-1]
                    last.lines[-1] += paragraph.lines[0]
                    last.lines += paragraph.lines[1:]
                    last.notes += paragraph.notes
                    last.asides += paragraph.asides
                else:
                    entries.append(paragraph)
                runs_on = mark_hidden
                continue
            runs_on = False
            if kind == "w:tbl":
                tables += 1
                entries.append(self.table(item, f"{label}, table {tables}" if label else f"table {tables}"))
            else:
                entries.append(self.imported(item))
        count = sum(isinstance(e, Paragraph) and e.shown() for e in entries)
        blocks: list[Block] = []
        number = 0
        for entry in entries:
            if not isinstance(entry, Paragraph):
                blocks += entry
                continue
            if entry.shown():
                number += 1
                where = f"paragraph {number}" if not label else label if count == 1 else f"{label}, paragraph {number}"
                blocks.append([Line(text, where) for text in entry.texts()])
                blocks += [[Line(text, f"{where}, {what}")] for what, text in entry.notes]
            blocks += entry.asides
        return blocks

    def table(self, table, label: str) -> list[Block]:
        style = child(child(table, "w:tblPr"), "w:tblStyle")
        style = attribute(style, "w", "val") if style is not None else None
        blocks: list[Block] = []
        rows = [r for r in self.contents(table, {"w:tr"}) if child(child(r, "w:trPr"), "w:del") is None]
        for row_number, row in enumerate(rows, start=1):
            cells = self.contents(row, {"w:tc"})
            for cell_number, cell in enumerate(cells, start=1):
                if child(child(cell, "w:tcPr"), "w:cellDel") is None:
                    blocks += self.container(cell, f"{label}, row {row_number}, cell {cell_number}", style)
        return blocks

    def paragraph(self, element, table_style: str | None) -> tuple[Paragraph, bool]:
        """The paragraph as shown, and whether its mark is hidden or deleted (it then runs on)."""
        properties = child(element, "w:pPr")
        style = child(properties, "w:pStyle")
        style = attribute(style, "w", "val") if style is not None else None
        mark = child(properties, "w:rPr")
        paragraph = Paragraph()
        self.inline(element, paragraph, (style, table_style))
        deleted = child(mark, "w:del") is not None
        return paragraph, deleted or self.styles.hidden(said_hidden(mark), style, None, table_style)

    def inline(self, element, paragraph: Paragraph, context: tuple) -> None:
        for item in element:
            kind = name(item.tag)
            if kind in ("w:r", "m:r"):
                self.run(item, paragraph, context)
            elif kind in NOT_SHOWN:
                continue
            elif kind == "mc:AlternateContent":
                branch = chosen(item)
                if branch is not None:
                    self.inline(branch, paragraph, context)
            elif kind in ("w:txbxContent", "w:p", "w:tbl"):
                self.graphic(item, paragraph)
            else:
                if kind == "w:hyperlink" and (attribute(item, "w", "tooltip") or "").strip():
                    paragraph.notes.append(("link tooltip", attribute(item, "w", "tooltip")))
                self.inline(item, paragraph, context)

    def fields_shown_now(self) -> bool:
        return not self.fields_shown or all(self.fields)

    def run(self, run, paragraph: Paragraph, context: tuple) -> None:
        properties = child(run, "w:rPr")
        character = child(properties, "w:rStyle")
        character = attribute(character, "w", "val") if character is not None else None
        hidden = self.styles.hidden(said_hidden(properties), context[0], character, context[1])
        for item in run:
            kind = name(item.tag)
            if kind == "w:fldChar" and self.fields_shown:
                which = attribute(item, "w", "fldCharType")
                if which == "begin":
                    self.fields.append(False)
                elif which == "separate" and self.fields:
                    self.fields[-1] = True
                elif which == "end" and self.fields:
                    self.fields.pop()
            elif hidden or kind in NOT_SHOWN or not self.fields_shown_now():
                continue
            elif kind in ("w:t", "m:t"):
                paragraph.add(item.text or "")
            elif kind in ("w:tab", "w:ptab"):
                paragraph.add(" ")
            elif kind in ("w:br", "w:cr"):
                paragraph.lines.append([])
            elif kind == "w:noBreakHyphen":
                paragraph.add("-")
            elif kind in REFERENCES:
                found = self.referenced[REFERENCES[kind]]
                identifier = attribute(item, "w", "id")
                if identifier not in found:
                    found.append(identifier)
            elif kind == "w:ruby":
                self.inline(item, paragraph, context)
            else:
                self.graphic(item, paragraph)

    def graphic(self, element, paragraph: Paragraph) -> None:
        """Drawings, VML and embedded objects: text boxes, WordArt, charts, SmartArt and picture descriptions."""
        kind = name(element.tag)
        if kind in ("wp:inline", "wp:anchor") and on_attribute(child(element, "wp:docPr"), "hidden"):
            return
        style = declarations(element.get("style") or "") if kind.startswith("v:") else {}
        if style.get("visibility") == "hidden" or style.get("display") == "none":
            return
        if kind in ("w:txbxContent", "w:p", "w:tbl"):
            self.counts["text box"] += 1
            label = f"text box {self.counts['text box']}"
            paragraph.asides += self.story(self.part, element if kind == "w:txbxContent" else [element], label)
            return
        if kind == "mc:AlternateContent":
            branch = chosen(element)
            if branch is not None:
                self.graphic(branch, paragraph)
            return
        if kind == "wp:docPr":
            paragraph.notes += [("picture description", element.get(key)) for key in ("title", "descr")
                                if (element.get(key) or "").strip()]
        elif kind == "v:shape" and (element.get("alt") or "").strip():
            paragraph.notes.append(("picture description", element.get("alt")))
        elif kind == "v:textpath" and (element.get("string") or "").strip():
            self.counts["WordArt"] += 1
            paragraph.asides.append([Line(element.get("string"), f"WordArt {self.counts['WordArt']}")])
        elif kind == "c:chart":
            paragraph.asides += self.drawing_text(attribute(element, "r", "id"), "chart")
        elif kind == "dgm:relIds":
            paragraph.asides += self.drawing_text(attribute(element, "r", "dm"), "SmartArt")
        for item in element:
            if name(item.tag) not in NOT_SHOWN:
                self.graphic(item, paragraph)

    def drawing_text(self, relation_id: str | None, what: str) -> list[Block]:
        """A chart's or SmartArt's text: its DrawingML paragraphs, and a chart's category and series names."""
        target = self.package.target(self.part, relation_id)
        if target is None or not self.package.has(target[1]):
            return []
        self.counts[what] += 1
        label = f"{what} {self.counts[what]}"
        blocks = []
        for element in self.package.xml(target[1]).iter():
            kind = name(element.tag)
            if kind == "a:p":
                text = "".join(t.text or "" for t in element.iter() if name(t.tag) == "a:t")
            elif kind == "c:v" and [name(a.tag) for a in element.iterancestors()][1:2] == ["c:strCache"]:
                text = element.text or ""
            else:
                continue
            if text.strip():
                blocks.append([Line(text, label)])
        return blocks

    def imported(self, chunk) -> list[Block]:
        """An imported part (w:altChunk), read as its own format; a format not read here refuses the document."""
        self.counts["imported part"] += 1
        label = f"imported part {self.counts['imported part']}"
        target = self.package.target(self.part, attribute(chunk, "r", "id"))
        if target is None:
            raise DocumentError(f"{label} points to no part inside the document (a missing part, or a link), "
                                "which jdlspec check cannot read")
        part = target[1]
        kind, data = self.package.content_type(part), self.package.read(part)
        try:
            if kind in ("text/html", "application/xhtml+xml"):
                return html_blocks(decode(data, html=True), lambda line: f"{label}, line {line}")
            if kind == "text/plain":
                return plain_blocks(decode(data), lambda line: f"{label}, line {line}")
            if data.startswith(b"PK\x03\x04"):
                inner = WordReader(Package(data, self.package.budget, self.package.depth + 1)).read()
                return [[Line(line.text, f"{label}, {line.place}") for line in block] for block in inner]
            if kind in WORD_DOCUMENTS:
                body = child(parse_xml(data, part), "w:body")
                return self.story(part, body, label) if body is not None else []
        except DocumentError as error:
            raise DocumentError(f"{label} ({part}): {error}") from None
        raise DocumentError(f"{label} ({part}) is {kind or 'of no known type'}, which jdlspec check cannot read: "
                            "paste its text into the document")


def docx_blocks(data: bytes) -> list[Block]:
    """The blocks of a .docx's bytes, within DOCX_LIMIT of inflated parts."""
    try:
        return WordReader(Package(data, Budget(DOCX_LIMIT))).read()
    except RecursionError:
        raise DocumentError("its XML is nested too deeply to read") from None
