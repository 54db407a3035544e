"""report.docx on request (`jdlspec run --docx`): the report's Markdown as a Word document.

Organisations paste the findings into board papers and funding bids, so the document carries the same
headings, paragraphs, lists, tables (each with its caption) and charts as report.html, and only Word's
own named styles (Heading 1-3, Caption, Quote, List Bullet, List Number, Table Grid, Strong, Emphasis,
Hyperlink; and "Table Figure", right-aligned figures, defined here): an organisation's template restyles
it whole, and nothing is formatted by hand. Its core properties record the SHA-256 of the results.json
it was made from (`jdlspec check` compares it with the report folder's), and a report made from synthetic
data says so above the report and in the header of every page, as report.html and report.pdf do.

Repeatable bytes: python-docx stamps each zip entry with the time of saving; the package is written again
with every entry dated by the report (its publication date, else FIXED_DATE, the PDF's fixed date), as are
the core properties.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import zipfile

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm
from markdown_it.token import Token

from engine.render.html import NUMERIC_CELL, SYNTHETIC_BANNER, markdown_parser
from engine.results import Results
from engine.spec.loaded import LoadedSpec

FIXED_DATE = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)  # as the PDF's (engine/render/pdf.py)
RESULTS_HASH = "jdlspec results.json sha256:"  # the core property `identifier`: this prefix and 64 hex digits
HASH_IN_PROPERTIES = re.compile(re.escape(RESULTS_HASH) + r"([0-9a-f]{64})")
CHART_WIDTH = Cm(15.5)
FIGURE_STYLE = "Table Figure"
CAPTION = re.compile(r"^Table \d+:")
LIST_STYLES = {"bullet_list_open": "List Bullet", "ordered_list_open": "List Number"}


def render_docx(markdown_text: str, charts: dict[str, bytes], loaded: LoadedSpec, results: Results) -> bytes:
    """The report as a .docx, byte for byte the same for the same report."""
    document = Document()
    _page(document, results.synthetic)
    _styles(document)
    if results.synthetic:
        document.add_paragraph(f"{SYNTHETIC_BANNER}.", style="Intense Quote")
    _Writer(document, charts).blocks(markdown_parser().parse(markdown_text))
    when = dt.datetime.combine(loaded.spec.report.published, dt.time(), dt.timezone.utc) \
        if loaded.spec.report.published else FIXED_DATE
    _properties(document, loaded, results, when)
    buffer = io.BytesIO()
    document.save(buffer)
    return _repeatable(buffer.getvalue(), when)


def results_sha256(results: Results) -> str:
    """The SHA-256 of the results.json bytes the run writes (what `sha256sum results.json` prints)."""
    return hashlib.sha256(results.to_json().encode("utf-8")).hexdigest()


def _page(document, synthetic: bool) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)  # A4, as the PDF
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin = section.bottom_margin = Mm(20)
    if synthetic:  # on every page, as the PDF prints it at the top of every page
        section.header.paragraphs[0].text = SYNTHETIC_BANNER
        section.header.paragraphs[0].style = document.styles["Header"]


def _styles(document) -> None:
    """The styles Word's default template lacks: right-aligned figures in tables, and links."""
    figure = document.styles.add_style(FIGURE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    figure.base_style = document.styles["Normal"]
    figure.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    figure.quick_style = True
    link = document.styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER)
    link.base_style = document.styles["Default Paragraph Font"]
    link.font.underline = True


def _properties(document, loaded: LoadedSpec, results: Results, when: dt.datetime) -> None:
    from engine import __version__

    digest = results_sha256(results)
    properties = document.core_properties
    properties.title = loaded.spec.title
    properties.subject = loaded.spec.programme.title
    properties.author = properties.last_modified_by = f"jdlspec {__version__}"
    properties.identifier = RESULTS_HASH + digest
    properties.comments = (f"Made by jdlspec {__version__} from the results.json whose SHA-256 is {digest}; "
                           "jdlspec check REPORT_FOLDER report.docx checks an edited copy against it.")
    properties.content_status = f"{SYNTHETIC_BANNER}" if results.synthetic else ""
    properties.keywords = properties.category = ""
    properties.created = properties.modified = when
    properties.revision = 1


def _repeatable(package: bytes, when: dt.datetime) -> bytes:
    """The package with every entry dated `when` (zip dates start in 1980), in the order python-docx wrote them."""
    stamp = max(when, dt.datetime(1980, 1, 1, tzinfo=dt.timezone.utc)).timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=stamp)
            info.compress_type, info.external_attr, info.create_system = zipfile.ZIP_DEFLATED, 0o600 << 16, 0
            target.writestr(info, source.read(entry.filename))
    return out.getvalue()


class _Writer:
    """Markdown tokens (markdown-it) to Word paragraphs and tables, each in its named style."""

    def __init__(self, document, charts: dict[str, bytes]) -> None:
        self.document = document
        self.charts = charts
        self.lists: list[str] = []  # the open lists' styles, outermost first
        self.quoted = 0
        self.caption_next = False  # the paragraph after a chart is its caption (its verdict)
        self.numbered = 0  # ordered lists so far: each after the first restarts at 1
        self.list_number: str | None = None

    def blocks(self, tokens: list[Token]) -> None:
        index = 0
        while index < len(tokens):
            token = tokens[index]
            if token.type == "heading_open":
                paragraph = self.document.add_paragraph(style=f"Heading {min(int(token.tag[1]), 3)}")
                self.inline(paragraph, tokens[index + 1])
                self.caption_next = False
            elif token.type in LIST_STYLES:
                level = len(self.lists) + 1
                self.lists.append(LIST_STYLES[token.type] + (f" {level}" if level > 1 else ""))
                if token.type == "ordered_list_open" and level == 1:
                    self.list_number = self._restarted_numbering()
            elif token.type in ("bullet_list_close", "ordered_list_close"):
                self.lists.pop()
            elif token.type == "blockquote_open":
                self.quoted += 1
            elif token.type == "blockquote_close":
                self.quoted -= 1
            elif token.type == "paragraph_open":
                self.paragraph(tokens[index + 1])
            elif token.type == "table_open":
                close = next(i for i in range(index, len(tokens)) if tokens[i].type == "table_close")
                self.table(tokens[index:close + 1])
                index = close
            index += 1

    def paragraph(self, inline: Token) -> None:
        children = inline.children or []
        if self.lists:
            style = self.lists[-1]
        elif self.quoted:
            style = "Quote"
        elif self.caption_next or (_only_emphasis(children) and CAPTION.match(inline.content.strip("*_"))):
            style = "Caption"
        else:
            style = "Normal"
        chart = [c for c in children if c.type == "image"]
        paragraph = self.document.add_paragraph(style=style)
        if style.startswith("List Number") and self.list_number and len(self.lists) == 1:
            _number_with(paragraph, self.list_number)
        self.inline(paragraph, inline, plain=style == "Caption")
        self.caption_next = bool(chart) and len(children) == 1

    def inline(self, paragraph, inline: Token, plain: bool = False) -> None:
        styles: list[str] = []
        link: str | None = None
        for child in inline.children or []:
            kind = child.type
            if kind in ("strong_open", "em_open") and not plain:
                styles.append("Strong" if kind == "strong_open" else "Emphasis")
            elif kind in ("strong_close", "em_close") and not plain:
                styles.pop()
            elif kind == "link_open":
                link = str(child.attrGet("href") or "")
            elif kind == "link_close":
                link = None
            elif kind == "softbreak":
                self._text(paragraph, " ", styles, link)
            elif kind == "hardbreak":
                paragraph.add_run().add_break()
            elif kind == "image":
                self._image(paragraph, child)
            elif kind in ("text", "code_inline"):
                self._text(paragraph, child.content, styles, link)

    def _text(self, paragraph, text: str, styles: list[str], link: str | None) -> None:
        if link and re.match(r"^(?:https?|mailto):", link):
            _hyperlink(paragraph, link, text)
            return
        paragraph.add_run(text, style=styles[-1] if styles else None)

    def _image(self, paragraph, token: Token) -> None:
        source = str(token.attrGet("src") or "")
        key = source[2:] if source.startswith("./") else source
        alt = "".join(c.content for c in token.children or [])
        if key not in self.charts:  # as in report.html: an image that is not the report's own is its alt text
            paragraph.add_run(alt)
            return
        run = paragraph.add_run()
        run.add_picture(io.BytesIO(self.charts[key]), width=CHART_WIDTH)
        properties = run._r.xpath(".//wp:docPr")[0]
        properties.set("descr", alt)  # the alt text Word reads out and shows
        properties.set("title", alt)

    def table(self, tokens: list[Token]) -> None:
        rows: list[list[str]] = []
        for index, token in enumerate(tokens):
            if token.type == "tr_open":
                rows.append([])
            elif token.type in ("th_open", "td_open"):
                rows[-1].append(tokens[index + 1].content if tokens[index + 1].type == "inline" else "")
        inlines = [t for t in tokens if t.type == "inline"]
        table = self.document.add_table(rows=len(rows), cols=max(len(r) for r in rows), style="Table Grid")
        cells = iter(inlines)
        for number, row in enumerate(rows):
            for column in range(len(row)):
                inline = next(cells)
                cell = table.cell(number, column)
                paragraph = cell.paragraphs[0]
                if NUMERIC_CELL.match(inline.content.replace("\\", "").strip()) and number > 0:
                    paragraph.style = self.document.styles[FIGURE_STYLE]
                if number == 0:
                    _strong_cell(inline)
                self.inline(paragraph, inline)
        _repeat_header(table.rows[0])
        self.caption_next = False

    def _restarted_numbering(self) -> str | None:
        """A numbering of its own for each numbered list after the first, starting at 1 (Word continues one
        numbering across the document otherwise)."""
        self.numbered += 1
        if self.numbered == 1:
            return None
        numbering = self.document.part.numbering_part.element
        style = self.document.styles["List Number"].element
        num_id = style.pPr.numPr.numId.val
        abstract = next(n for n in numbering.findall(qn("w:num")) if n.get(qn("w:numId")) == str(num_id))
        abstract_id = abstract.find(qn("w:abstractNumId")).get(qn("w:val"))
        new_id = str(max(int(n.get(qn("w:numId"))) for n in numbering.findall(qn("w:num"))) + 1)
        num = OxmlElement("w:num")
        num.set(qn("w:numId"), new_id)
        reference = OxmlElement("w:abstractNumId")
        reference.set(qn("w:val"), abstract_id)
        override = OxmlElement("w:lvlOverride")
        override.set(qn("w:ilvl"), "0")
        start = OxmlElement("w:startOverride")
        start.set(qn("w:val"), "1")
        override.append(start)
        num.extend([reference, override])
        numbering.append(num)
        return new_id


def _only_emphasis(children: list[Token]) -> bool:
    return bool(children) and children[0].type == "em_open" and children[-1].type == "em_close"


def _strong_cell(inline: Token) -> None:
    """A header cell's text in the Strong character style (Table Grid has no header row formatting)."""
    if inline.children and inline.children[0].type != "strong_open":
        opening, closing = Token("strong_open", "strong", 1), Token("strong_close", "strong", -1)
        inline.children = [opening, *inline.children, closing]


def _number_with(paragraph, num_id: str) -> None:
    properties = paragraph._p.get_or_add_pPr()
    numbering = OxmlElement("w:numPr")
    level, number = OxmlElement("w:ilvl"), OxmlElement("w:numId")
    level.set(qn("w:val"), "0")
    number.set(qn("w:val"), num_id)
    numbering.extend([level, number])
    properties.insert(1, numbering)  # after w:pStyle, as the schema orders them


def _repeat_header(row) -> None:
    """The header row repeats on every page the table spans, and screen readers announce it as headers."""
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    properties.append(header)


def _hyperlink(paragraph, url: str, text: str) -> None:
    relation = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), relation)
    run = OxmlElement("w:r")
    properties = OxmlElement("w:rPr")
    style = OxmlElement("w:rStyle")
    style.set(qn("w:val"), "Hyperlink")
    properties.append(style)
    run.append(properties)
    content = OxmlElement("w:t")
    content.text = text
    content.set(qn("xml:space"), "preserve")
    run.append(content)
    link.append(run)
    paragraph._p.append(link)
