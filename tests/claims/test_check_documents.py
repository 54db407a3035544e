"""`jdlspec check` reads every part of a document that a reader sees, and only those (issue 17 item 5),
and refuses a document it cannot read in one line (issue 23 item 10).

Documents are built here: python-docx where it can, raw OOXML parts where it cannot (text boxes, altChunk,
tracked changes, fields, content controls, notes, comments). An overclaim placed in any visible part is
refused at a place the user can find; hidden text never changes a verdict.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from engine.claims import find_breaches
from engine.cli import app
from engine.commands.check import check_documents, report_licence
from engine.commands.documents import engine_text
from engine.commands.docx_text import docx_blocks
from engine.commands.html_text import html_blocks, markdown_blocks

ROOT = Path(__file__).resolve().parents[2]
OVER = "Mentoring cut re-offending by 44%."  # refused against LPT (a relative claim)
# LPT's own ✓ sentence: licensed whole; without its second half, a one-sided claim the results do not license
LPT_SAY = ("This analysis provides evidence that, for every 100 offenders, the London Probation Trust peer "
           "mentoring programme may decrease the number of proven re-offenders during a one-year period by as many "
           "as 9 people")
LPT_HEDGE = ", or may increase it by as many as 24 people"
FAIR = ["We aim to reduce re-offending.", "Our volunteers meet each person every week.",
        "Mentors are trained for six weeks.", "The sessions took place in four London boroughs."]

NS = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
      "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
      "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
      "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
      "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
      "v": "urn:schemas-microsoft-com:vml", "c": "http://schemas.openxmlformats.org/drawingml/2006/chart"}
STRICT = {"w": "http://purl.oclc.org/ooxml/wordprocessingml/main",
          "r": "http://purl.oclc.org/ooxml/officeDocument/relationships"}
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
WML = "application/vnd.openxmlformats-officedocument.wordprocessingml."
RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"


def run(text: str, props: str = "") -> str:
    return f'<w:r>{f"<w:rPr>{props}</w:rPr>" if props else ""}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def para(*runs: str, props: str = "") -> str:
    return f'<w:p>{f"<w:pPr>{props}</w:pPr>" if props else ""}{"".join(runs)}</w:p>'


def P(text: str) -> str:
    return para(run(text))


def table(*rows: list[str]) -> str:
    return "<w:tbl>" + "".join("<w:tr>" + "".join(f"<w:tc>{c}</w:tc>" for c in row) + "</w:tr>" for row in rows) + \
        "</w:tbl>"


def text_box(inner: str, fallback: bool = True) -> str:
    drawing = ('<w:drawing><wp:anchor><wp:docPr id="1" name="Text Box 1"/><a:graphic><a:graphicData><wps:wsp>'
               f'<wps:txbx><w:txbxContent>{inner}</w:txbxContent></wps:txbx></wps:wsp></a:graphicData></a:graphic>'
               '</wp:anchor></w:drawing>')
    vml = f"<w:pict><v:shape><v:textbox><w:txbxContent>{inner}</w:txbxContent></v:textbox></v:shape></w:pict>"
    if not fallback:
        return f"<w:r>{vml}</w:r>"
    return (f'<w:r><mc:AlternateContent><mc:Choice Requires="wps">{drawing}</mc:Choice>'
            f"<mc:Fallback>{vml}</mc:Fallback></mc:AlternateContent></w:r>")


class Doc:
    """A .docx package from raw parts: the body, the body's section properties, and related parts."""

    def __init__(self, body: str = "", sect: str = "", strict: bool = False) -> None:
        self.body, self.sect, self.parts = body, sect, []
        self.ns = {**NS, **STRICT} if strict else NS

    def add(self, kind: str, part: str, content_type: str, data: str | bytes) -> str:
        rid = f"rId{len(self.parts) + 10}"
        self.parts.append((rid, kind, part, content_type, data if isinstance(data, bytes) else data.encode()))
        return rid

    def story(self, root: str, inner: str) -> str:
        return f'<w:{root} {self.declarations()}>{inner}</w:{root}>'

    def declarations(self) -> str:
        return " ".join(f'xmlns:{k}="{v}"' for k, v in self.ns.items())

    def note(self, kind: str, notes: dict[str, str]) -> None:
        """footnotes / endnotes / comments, each id's paragraphs."""
        element = {"footnotes": "footnote", "endnotes": "endnote", "comments": "comment"}[kind]
        inner = "".join(f'<w:{element} w:id="{i}">{text}</w:{element}>' for i, text in notes.items())
        self.add(kind, f"word/{kind}.xml", f"{WML}{kind}+xml", self.story(kind, inner))

    def bytes(self) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            overrides = "".join(f'<Override PartName="/{p}" ContentType="{c}"/>' for _, _, p, c, _ in self.parts)
            z.writestr("[Content_Types].xml", (
                '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                '<Default Extension="xml" ContentType="application/xml"/>'
                f'<Override PartName="/word/document.xml" ContentType="{WML}document.main+xml"/>{overrides}</Types>'))
            z.writestr("_rels/.rels", f'<Relationships xmlns="{RELS_NS}"><Relationship Id="rId1" '
                       f'Type="{REL}officeDocument" Target="word/document.xml"/></Relationships>')
            rels = "".join(f'<Relationship Id="{i}" Type="{REL}{k}" Target="{p.removeprefix("word/")}"/>'
                           for i, k, p, _, _ in self.parts)
            z.writestr("word/_rels/document.xml.rels", f'<Relationships xmlns="{RELS_NS}">{rels}</Relationships>')
            z.writestr("word/document.xml", self.story("document", f"<w:body>{self.body}<w:sectPr>{self.sect}"
                                                                   "</w:sectPr></w:body>"))
            for _, _, part, _, data in self.parts:
                z.writestr(part, data)
        return out.getvalue()


def header(doc: Doc, text: str, which: str = "default", footer: bool = False) -> None:
    kind = "footer" if footer else "header"
    rid = doc.add(kind, f"word/{kind}{len(doc.parts)}.xml", f"{WML}{kind}+xml",
                  doc.story("ftr" if footer else "hdr", P(text)))
    doc.sect += f'<w:{kind}Reference w:type="{which}" r:id="{rid}"/>'


def chunk(doc: Doc, data: str | bytes, content_type: str = "text/html", part: str = "word/chunk.htm") -> str:
    return f'<w:altChunk r:id="{doc.add("aFChunk", part, content_type, data)}"/>'


def hidden_styles(doc: Doc) -> None:
    doc.add("styles", "word/styles.xml", f"{WML}styles+xml", doc.story("styles", (
        '<w:style w:type="character" w:styleId="Secret"><w:rPr><w:vanish/></w:rPr></w:style>'
        '<w:style w:type="character" w:styleId="MoreSecret"><w:basedOn w:val="Secret"/></w:style>'
        '<w:style w:type="paragraph" w:styleId="HiddenPara"><w:rPr><w:vanish/></w:rPr></w:style>')))


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """The LPT and Making Connections reports, as `jdlspec run` writes them."""
    made = {}
    for name in ("lpt", "making_connections"):
        out = tmp_path_factory.mktemp(name)
        result = CliRunner().invoke(app, ["run", str(ROOT / "specs" / f"{name}.yaml"), "--out", str(out), "--quiet"])
        assert result.exit_code == 0, result.output
        made[name] = out
    return made


@pytest.fixture(scope="module")
def lpt_licence(reports):
    return report_licence(reports["lpt"])


def problems(folder: Path, path: Path) -> list[str]:
    return [str(p) for p in check_documents(folder, [path])]


def docx_verdict(data: bytes, licence) -> list[tuple[str, object]]:
    text, places = engine_text(docx_blocks(data))
    return [(b.sentence, places[b.line]) for b in find_breaches(text, licence)]


def html_verdict(source: str, licence, markdown: bool = False) -> list[tuple[str, object]]:
    text, places = engine_text((markdown_blocks if markdown else html_blocks)(source))
    return [(b.sentence, places[b.line]) for b in find_breaches(text, licence)]


def visible_cases() -> list[tuple[str, Doc, str]]:
    """(what, a document with OVER in one visible part, the place it is reported at)."""
    cases = [("body", Doc(P("Intro.") + P(OVER)), "paragraph 2"),
             ("table cell", Doc(table([P("Area"), P("People"), P("Result")], [P("London"), P("39"), P(OVER)])),
              "table 1, row 2, cell 3"),
             ("second paragraph of a cell", Doc(table([P("Cell.") + P(OVER)])), "table 1, row 1, cell 1, paragraph 2"),
             ("nested table", Doc(P("x") + table([table([P(OVER)])])),
              "table 1, row 1, cell 1, table 1, row 1, cell 1"),
             ("block content control", Doc(f"<w:sdt><w:sdtPr/><w:sdtContent>{P(OVER)}</w:sdtContent></w:sdt>"),
              "paragraph 1"),
             ("inline content control", Doc(para(run("Mentoring "), "<w:sdt><w:sdtContent>"
                                                 f"{run('cut re-offending by 44%.')}</w:sdtContent></w:sdt>")),
              "paragraph 1"),
             ("row content control", Doc(f"<w:tbl><w:sdt><w:sdtContent><w:tr><w:tc>{P(OVER)}</w:tc></w:tr>"
                                         "</w:sdtContent></w:sdt></w:tbl>"), "table 1, row 1, cell 1"),
             ("tracked insertion", Doc(para(run("Mentoring "), f'<w:ins w:id="1">{run("cut re-offending")}</w:ins>',
                                            run(" by 44%."))), "paragraph 1"),
             ("moved text", Doc(para(f'<w:moveTo w:id="1">{run(OVER)}</w:moveTo>')), "paragraph 1"),
             ("simple field result", Doc(para(f'<w:fldSimple w:instr="MERGEFIELD x">{run(OVER)}</w:fldSimple>')),
              "paragraph 1"),
             ("field result", Doc(para('<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>REF x'
                                       '</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>',
                                       run(OVER), '<w:r><w:fldChar w:fldCharType="end"/></w:r>')), "paragraph 1"),
             ("link", Doc(para(f'<w:hyperlink r:id="x">{run(OVER)}</w:hyperlink>')), "paragraph 1"),
             ("link tooltip", Doc(para(f'<w:hyperlink w:tooltip="{OVER}">{run("Read more")}</w:hyperlink>')),
              "paragraph 1, link tooltip"),
             ("picture description", Doc(para('<w:r><w:drawing><wp:inline><wp:docPr id="2" name="Picture 2" '
                                              f'descr="{OVER}"/></wp:inline></w:drawing></w:r>')),
              "paragraph 1, picture description"),
             ("text box", Doc(P("Intro.") + para(text_box(P(OVER)))), "text box 1"),
             ("VML text box", Doc(para(text_box(P(OVER), fallback=False))), "text box 1"),
             ("WordArt", Doc(para(f'<w:r><w:pict><v:shape><v:textpath string="{OVER}"/></v:shape></w:pict></w:r>')),
              "WordArt 1"),
             ("a paragraph whose mark is hidden runs on", Doc(para(run("Mentoring cut"), props="<w:rPr><w:vanish/>"
                                                                   "</w:rPr>") + P(" re-offending by 44%.")),
              "paragraph 1"),
             ("a paragraph whose mark is deleted runs on", Doc(para(run("Mentoring cut"), props='<w:rPr><w:del w:id='
                                                                    '"3"/></w:rPr>') + P(" re-offending by 44%.")),
              "paragraph 1"),
             ("vanish switched off", Doc(para(run(OVER, '<w:vanish w:val="0"/>'))), "paragraph 1"),
             ("Strict OOXML", Doc(P("Intro.") + P(OVER), strict=True), "paragraph 2")]
    for what, which, place, settings_xml, sect in (
            ("header", "default", "header", "", ""), ("first-page header", "first", "first-page header", "",
                                                       "<w:titlePg/>"),
            ("even-page header", "even", "even-page header", "<w:evenAndOddHeaders/>", "")):
        doc = Doc(P("Body."))
        header(doc, OVER, which)
        doc.sect += sect
        if settings_xml:
            doc.add("settings", "word/settings.xml", f"{WML}settings+xml", doc.story("settings", settings_xml))
        cases.append((what, doc, place))
    doc = Doc(P("Body."))
    header(doc, OVER, footer=True)
    cases.append(("footer", doc, "footer"))
    for kind, reference in (("footnotes", "footnoteReference"), ("endnotes", "endnoteReference"),
                            ("comments", "commentReference")):
        doc = Doc(para(run("Fact"), f'<w:r><w:{reference} w:id="7"/></w:r>', run(" and more"),
                       f'<w:r><w:{reference} w:id="3"/></w:r>'))
        doc.note(kind, {"3": P(OVER), "7": P("A source."), "9": P("Never referred to.")})
        cases.append((kind, doc, f"{kind[:-1]} 2"))
    doc = Doc(P("Intro."))
    doc.body += chunk(doc, f"<html><body>\n<p>Imported.</p>\n<table><tr><td>x<td>{OVER}</table></body></html>")
    cases.append(("imported HTML", doc, "imported part 1, line 3"))
    doc = Doc()
    doc.body = chunk(doc, f"Imported.\n\n{OVER}\n", "text/plain", "word/chunk.txt")
    cases.append(("imported text", doc, "imported part 1, line 3"))
    doc = Doc()
    doc.body = chunk(doc, Doc(table([P(OVER)])).bytes(), f"{WML}document.main+xml", "word/chunk.docx")
    cases.append(("imported .docx", doc, "imported part 1, table 1, row 1, cell 1"))
    doc = Doc(para('<w:r><w:drawing><wp:inline><wp:docPr id="3" name="Chart 1"/><a:graphic><a:graphicData>'
                   '<c:chart r:id="rId10"/></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>'))
    doc.add("chart", "word/charts/chart1.xml", "application/vnd.openxmlformats-officedocument.drawingml.chart+xml",
            f'<c:chartSpace {doc.declarations()}><c:chart><c:title><c:tx><c:rich><a:p><a:r><a:t>{OVER}</a:t></a:r>'
            "</a:p></c:rich></c:tx></c:title></c:chart></c:chartSpace>")
    cases.append(("chart title", doc, "chart 1"))
    return cases


@pytest.mark.parametrize(("what", "doc", "place"), visible_cases(), ids=[c[0] for c in visible_cases()])
def test_an_overclaim_in_any_visible_part_of_a_docx_is_refused_once_where_the_user_can_find_it(
        what, doc, place, reports, tmp_path, monkeypatch):
    (tmp_path / "press.docx").write_bytes(doc.bytes())
    monkeypatch.chdir(tmp_path)
    found = problems(reports["lpt"], Path("press.docx"))
    assert len(found) == 1, found
    assert found[0].startswith(f'press.docx: {place}: "') and "(rule: no-relative-effect)" in found[0], found[0]


def hidden_cases() -> list[tuple[str, str]]:
    """(what, runs that hide the text put at `{}`)."""
    text = '<w:t xml:space="preserve">{}</w:t>'
    box = ('<w:r><w:drawing><wp:anchor><wp:docPr id="9" name="x" hidden="1"/><a:graphic><a:graphicData><wps:wsp>'
           f"<wps:txbx><w:txbxContent><w:p><w:r>{text}</w:r></w:p></w:txbxContent></wps:txbx></wps:wsp>"
           "</a:graphicData></a:graphic></wp:anchor></w:drawing></w:r>")
    fallback = f"<w:pict><v:shape><v:textbox><w:txbxContent><w:p><w:r>{text}</w:r></w:p></w:txbxContent></v:textbox>"
    return [("w:vanish", f"<w:r><w:rPr><w:vanish/></w:rPr>{text}</w:r>"),
            ("w:specVanish", f"<w:r><w:rPr><w:specVanish/></w:rPr>{text}</w:r>"),
            ("hidden character style", f'<w:r><w:rPr><w:rStyle w:val="Secret"/></w:rPr>{text}</w:r>'),
            ("hidden style it is based on", f'<w:r><w:rPr><w:rStyle w:val="MoreSecret"/></w:rPr>{text}</w:r>'),
            ("tracked deletion", '<w:del w:id="5"><w:r><w:delText xml:space="preserve">{}</w:delText></w:r></w:del>'),
            ("moved away", f'<w:moveFrom w:id="6"><w:r>{text}</w:r></w:moveFrom>'),
            ("field code", ('<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve">{}'
                            f'</w:instrText></w:r><w:r>{text}</w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>'
                            '<w:r><w:fldChar w:fldCharType="end"/></w:r>')),
            ("VML fallback of a DrawingML text box",
             text_box(P("Box.")).replace("<mc:Fallback>", f"<mc:Fallback>{fallback}</v:shape></w:pict>")),
            ("hidden picture's text box", box)]


@pytest.mark.parametrize(("what", "wrap"), hidden_cases(), ids=[c[0] for c in hidden_cases()])
def test_hidden_text_in_a_docx_never_changes_the_verdict(what, wrap, lpt_licence):
    """A hidden hedge does not rescue an overclaim, and a hidden overclaim is not reported."""
    def verdict(hidden: str, *visible: str) -> list:
        doc = Doc(para(*(run(v) for v in visible[:1]), wrap.replace("{}", escape(hidden)),
                       *(run(v) for v in visible[1:])))
        hidden_styles(doc)
        return docx_verdict(doc.bytes(), lpt_licence)

    hedged = verdict(LPT_HEDGE, LPT_SAY, ".")
    assert [s for s, _ in hedged] == [LPT_SAY + "."]  # read as the one-sided claim the reader sees
    assert verdict(OVER, "We aim to reduce re-offending.") == []
    assert verdict(" " + OVER, "Intro.", " More.") == []


def test_a_hidden_may_have_does_not_license_a_plain_statement_of_a_significant_result(reports, tmp_path,
                                                                                        monkeypatch):
    """Against Making Connections (re-offending significantly lower) "may have reduced" is licensed and
    "reduced" is not: a "may have" the reader cannot see licenses nothing."""
    licence = report_licence(reports["making_connections"])
    shown = Doc(P("Mentoring may have reduced re-offending."))
    assert docx_verdict(shown.bytes(), licence) == []
    for _, wrap in hidden_cases():
        doc = Doc(para(run("Mentoring "), wrap.replace("{}", "may have "), run("reduced re-offending.")))
        hidden_styles(doc)
        assert [s for s, _ in docx_verdict(doc.bytes(), licence)] == ["Mentoring reduced re-offending."], wrap
    for wrap in HTML_HIDDEN:
        source = f"<p>Mentoring {wrap.format('may have')} reduced re-offending.</p>"
        assert [p for _, p in html_verdict(source, licence)] == [1], wrap
    (tmp_path / "press.md").write_text("Mentoring <!-- may have --> reduced re-offending.\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert [f.split(":")[:2] for f in problems(reports["making_connections"], Path("press.md"))] == [["press.md", "1"]]


def test_a_hidden_paragraph_style_hides_its_runs_and_the_document_default_can_hide_everything(lpt_licence):
    doc = Doc(para(run(OVER), props='<w:pStyle w:val="HiddenPara"/>') + P("We aim to reduce re-offending."))
    hidden_styles(doc)
    assert docx_verdict(doc.bytes(), lpt_licence) == []
    doc = Doc(P(OVER) + para(run(OVER, '<w:vanish w:val="false"/>')))
    doc.add("styles", "word/styles.xml", f"{WML}styles+xml",
            doc.story("styles", "<w:docDefaults><w:rPrDefault><w:rPr><w:vanish/></w:rPr></w:rPrDefault>"
                                "</w:docDefaults>"))
    assert docx_verdict(doc.bytes(), lpt_licence) == [(OVER, "paragraph 1")]


def test_parts_word_does_not_show_are_not_read(lpt_licence):
    doc = Doc(P("Body."))
    header(doc, OVER, "first")  # no title page: the first-page header is not shown
    header(doc, OVER, "even")  # no even-and-odd setting: not shown either
    doc.note("footnotes", {"4": P(OVER)})  # never referred to
    doc.body += chunk(doc, f"<p>Shown.</p><p style='display:none'>{OVER}</p><!-- {OVER} -->")
    assert docx_verdict(doc.bytes(), lpt_licence) == []


def test_python_docx_hidden_runs_tables_headers_and_footers(reports, tmp_path, monkeypatch):
    from docx import Document

    document = Document()
    paragraph = document.add_paragraph(LPT_SAY)
    paragraph.add_run(LPT_HEDGE).font.hidden = True
    paragraph.add_run(".")
    document.add_paragraph().add_run(OVER).font.hidden = True
    cells = document.add_table(rows=1, cols=2).rows[0].cells
    cells[0].text, cells[1].text = "Mentoring cut re-offending", "by 44%."  # two cells: two paragraphs
    document.sections[0].footer.paragraphs[0].text = OVER
    document.save(tmp_path / "board.docx")
    assert "\n\nMentoring cut re-offending\n\nby 44%.\n\n" in engine_text(docx_blocks(
        (tmp_path / "board.docx").read_bytes()))[0]
    monkeypatch.chdir(tmp_path)
    found = problems(reports["lpt"], Path("board.docx"))
    assert found[0].startswith(f'board.docx: paragraph 1: "{LPT_SAY}."') and found[-1].startswith("board.docx: footer"
                                                                                                     ": "), found
    assert not any(f'"{OVER}"' in f for f in found[:-1]), found  # neither the hidden paragraph nor two cells glued


def test_a_text_box_with_its_vml_fallback_is_read_once(lpt_licence):
    doc = Doc(para(run("Intro. "), text_box(P(OVER)), run("More.")))
    assert docx_verdict(doc.bytes(), lpt_licence) == [(OVER, "text box 1")]


HTML_HIDDEN = [
    "<span style='display:none'>{}</span>", '<span style="DISPLAY: None !important">{}</span>',
    "<span hidden>{}</span>", "<span style='visibility:hidden'>{}</span>", "<!-- {} -->",
    "<script>document.write('{}')</script>", "<style>/* {} */</style>", "<template>{}</template>",
    "<span style='opacity:0'>{}</span>", "<font style='display:none'>{}</font>"]


@pytest.mark.parametrize("wrap", HTML_HIDDEN)
def test_hidden_html_never_changes_the_verdict(wrap, lpt_licence):
    def verdict(hidden: str) -> list:
        return html_verdict(f"<p>{LPT_SAY}{wrap.format(hidden)}.</p>\n<p>Fine.</p>", lpt_licence)

    assert [s for s, _ in verdict(LPT_HEDGE)] == [LPT_SAY + "."]
    assert [s for s, _ in verdict(" " + OVER)] == [LPT_SAY + "."]
    assert html_verdict(f"<p>We aim to reduce re-offending.</p>{wrap.format(OVER)}", lpt_licence) == []


@pytest.mark.parametrize(("source", "place"), [
    (f"<p>Intro.</p>\n<p>{OVER}</p>", 2),
    (f"<table>\n<tr><td>Area<td>Figure</tr>\n<tr><td>London<td>{OVER}</tr></table>", 3),
    (f"<ul>\n<li>One.\n<li>{OVER}\n</ul>", 3),
    (f'<div style="visibility:hidden">\n<span style="visibility:visible">{OVER}</span></div>', 2),
    (f'<p aria-hidden="true">{OVER}</p>', 1),  # hidden from screen readers, not from the eye
    (f'<p>Our results:\n<img src="chart.png" alt="{OVER}"></p>', 2),
    (f'<p><a href="/r" title="{OVER}">Read more</a></p>', 1),
    (f'<p><abbr title="{OVER}">LPT</abbr> said so.</p>', 1),
    (f"<p>Intro.\n<br>\n{OVER}</p>", 3),
    (f'<form>\n<input type="submit" value="{OVER}"></form>', 2),
    ("<p>Mentoring <s>may have</s> cut re-offending by 44%.</p>", 1),  # struck: seen crossed out
    (f"<p>Intro.</p>\n\n<div>\n<p>\n{OVER}\n</p></div>", 5),
])
def test_an_overclaim_anywhere_visible_in_html_is_refused_at_its_source_line(source, place, lpt_licence):
    verdict = html_verdict(source, lpt_licence)
    assert [p for _, p in verdict] == [place], verdict


def test_a_formatting_element_a_paragraph_closed_keeps_hiding_in_the_next_one(lpt_licence):
    """<font>, <b>, <s> ... left open are reopened by the next paragraph, with their own style (HTML standard)."""
    assert html_verdict(f"<p><font style='display:none'>x<p>{OVER}</font></p>", lpt_licence) == []
    assert html_verdict(f"<div style='display:none'><b>x</div>{OVER}", lpt_licence) == [(OVER, 1)]
    assert html_verdict(f"<p><span style='display:none'>x<p>{OVER}</span></p>", lpt_licence) == [(OVER, 1)]


def test_html_blocks_keep_cells_and_items_apart_and_read_alt_and_title_on_their_own():
    blocks = html_blocks("<table><tr><td>Mentoring cut<td>re-offending</table><ul><li>a<li>b</ul>"
                         "<p>Text <img alt='Alt'> more</p>")
    assert [[line.text for line in b] for b in blocks] == [["Mentoring cut"], ["re-offending"], ["a"], ["b"],
                                                           ["Text  more"], ["Alt"]]


@pytest.mark.parametrize(("source", "expected"), [
    ("# Title\n\nMentoring <!-- may have --> cut re-offending by 44%.\n", [3]),
    (f"Intro.\n\n{LPT_SAY}<!--{LPT_HEDGE}-->.\n", [3]),
    (f'{LPT_SAY}<span style="display:none">{LPT_HEDGE}</span>.\n', [1]),
    (f"| Area | Result |\n|---|---|\n| London | {OVER} |\n", [3]),
    (f"- One.\n- Two.\n- {OVER}\n", [3]),
    (f'Intro.\n\nSee [the report](r.html "{OVER}").\n', [3]),
    (f"Intro.\n\n![{OVER}](chart.png)\n", [3]),
    (f"<!--\n{OVER}\n-->\n\nWe aim to reduce re-offending.\n", []),
    (f'<div style="display:none">\n\n{OVER}\n\n</div>\n\nWe aim to reduce re-offending.\n', []),
    (f"Intro.\n\n```\n{OVER}\n```\n", [4]),
    (f"> Intro.\n> {OVER}\n", [2]),
])
def test_markdown_is_read_as_it_renders(source, expected, lpt_licence):
    assert [p for _, p in html_verdict(source, lpt_licence, markdown=True)] == expected


def test_the_readme_press_release_is_refused_at_its_markdown_line(reports, tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    found = problems(reports["lpt"], Path("docs/examples/press_release.md"))
    assert any(f.startswith('docs/examples/press_release.md:7: "Our mentoring cut re-offending by 25%."')
               for f in found), found


def test_plain_text_is_read_as_it_is_with_its_line_numbers(reports, tmp_path, monkeypatch):
    (tmp_path / "note.txt").write_text(f"Intro.\r\nMore.\r\n\r\n<!-- {OVER} -->\r\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    found = problems(reports["lpt"], Path("note.txt"))
    assert [f.split(":")[1] for f in found] == ["4"], found  # not HTML: a comment mark is text like any other


def cli(folder: Path, *files: str | Path, cwd: Path) -> tuple[int, list[str]]:
    """The command as a user runs it, in its own process: a read that blocked would time out, not hang the suite."""
    done = subprocess.run([sys.executable, "-m", "engine", "check", str(folder), *map(str, files)], cwd=cwd,
                          capture_output=True, text=True, timeout=120, check=False,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode, (done.stdout + done.stderr).strip().splitlines()


def bad_documents(folder: Path) -> dict[str, str]:
    """name -> what its one line must say."""
    good = Doc(P("Intro.")).bytes()
    (folder / "not_a_zip.docx").write_text("Mentoring cut re-offending by 44%.", encoding="utf-8")
    (folder / "empty.docx").write_bytes(b"")
    (folder / "truncated.docx").write_bytes(good[: len(good) // 2])
    (folder / "old_word.docx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    parts = zipfile.ZipFile(io.BytesIO(good))
    with zipfile.ZipFile(folder / "no_types.docx", "w") as z:
        for name in parts.namelist():
            if name != "[Content_Types].xml":
                z.writestr(name, parts.read(name))
    with zipfile.ZipFile(folder / "entity.docx", "w") as z:
        for name in parts.namelist():
            data = parts.read(name)
            if name == "word/document.xml":
                data = (b'<!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>' +
                        data.replace(b"Intro.", b"&b;"))
            z.writestr(name, data)
    with zipfile.ZipFile(folder / "bomb.docx", "w", zipfile.ZIP_DEFLATED) as z:
        for name in parts.namelist():
            if name != "word/document.xml":
                z.writestr(name, parts.read(name))
        with z.open("word/document.xml", "w", force_zip64=True) as stream:
            for _ in range(200):
                stream.write(b" " * 1_000_000)  # 200 MB of nothing, a few hundred KB zipped
    rtf = Doc(P("Intro."))
    rtf.body += chunk(rtf, b"{\\rtf1 Mentoring cut re-offending by 44%.}", "application/rtf", "word/chunk.rtf")
    (folder / "imports_rtf.docx").write_bytes(rtf.bytes())
    (folder / "huge.md").write_bytes(b"Intro.\n\n" * 700_000)
    (folder / "latin1.md").write_bytes("Caf\xe9 mentoring.".encode("latin-1"))
    for suffix in (".rtf", ".pdf", ".odt", ".doc"):
        (folder / f"press{suffix}").write_bytes(b"{\\rtf1 x}")
    os.mkfifo(folder / "pipe.md")
    (folder / "zero.txt").symlink_to("/dev/zero")
    return {"not_a_zip.docx": "not a readable zip file", "empty.docx": "the file is empty",
            "truncated.docx": "not a readable zip file", "old_word.docx": "Word 97-2003 (.doc) or password",
            "no_types.docx": "no [Content_Types].xml", "entity.docx": "declares a DTD",
            "bomb.docx": "inflate to more than 50 MB", "imports_rtf.docx": "application/rtf",
            "huge.md": "larger than 1 MB", "latin1.md": "not UTF-8 text (byte 4)",
            "press.rtf": "does not read .rtf files: it reads .docx, .md", "press.pdf": "does not read .pdf",
            "press.odt": "does not read .odt", "press.doc": "does not read .doc files",
            "pipe.md": "not a regular file", "zero.txt": "not a regular file", "missing.md": "no such file",
            "folder.md": "a folder"}


def test_each_bad_document_ends_in_one_line_and_exit_1(reports, tmp_path, monkeypatch):
    expected = bad_documents(tmp_path)
    (tmp_path / "folder.md").mkdir()
    monkeypatch.chdir(tmp_path)
    for name, says in expected.items():
        if name in ("pipe.md", "zero.txt"):
            code, lines = cli(reports["lpt"], name, cwd=tmp_path)
        else:
            result = CliRunner().invoke(app, ["check", str(reports["lpt"]), name])
            assert result.exception is None or isinstance(result.exception, SystemExit), (name, result.exception)
            code, lines = result.exit_code, result.output.strip().splitlines()
        assert code == 1 and len(lines) == 2 and lines[1] == "1 problem found.", (name, lines)
        assert lines[0].startswith(f"{name}: cannot check it: ") and says in lines[0], (name, lines)


def test_a_report_folder_that_cannot_be_read_ends_in_one_line(reports, tmp_path):
    folder = tmp_path / "report"
    folder.mkdir()
    (folder / "results.json").write_bytes((reports["lpt"] / "results.json").read_bytes())
    (folder / "report.md").write_bytes(b"\xff\xfe# Report \xe9")
    (tmp_path / "note.txt").write_text("Intro.\n", encoding="utf-8")
    code, lines = cli(folder, "note.txt", cwd=tmp_path)
    assert code == 1 and lines[0].startswith("report/report.md: not UTF-8 text") and len(lines) == 2, lines
    (folder / "report.md").unlink()
    os.mkfifo(folder / "report.md")
    code, lines = cli(folder, "note.txt", cwd=tmp_path)
    assert code == 1 and lines[0].startswith("report/report.md: cannot read it: not a regular file"), lines
    (folder / "results.json").unlink()
    (folder / "results.json").symlink_to("/dev/zero")
    code, lines = cli(folder, "note.txt", cwd=tmp_path)
    assert code == 1 and "report/results.json: cannot read it: not a regular file" in lines[0], lines


# Property tests: documents put together at random from the parts above.

CONTAINERS = ["body", "cell", "header", "footer", "footnote", "endnote", "comment", "text box", "content control",
              "insertion", "field result", "imported HTML"]
HIDINGS = ["w:vanish", "w:specVanish", "hidden character style", "tracked deletion", "moved away", "field code"]


def random_doc(fillers: list[tuple[str, str]], hidden: list[tuple[int, str, str]] | None = None) -> Doc:
    """A document of (container, text) paragraphs; `hidden` puts (index, hiding, text) into paragraph runs."""
    doc = Doc()
    hidden_styles(doc)
    wraps = dict(hidden_cases())
    notes: dict[str, dict[str, str]] = {"footnotes": {}, "endnotes": {}, "comments": {}}
    body = []
    for index, (where, text) in enumerate(fillers):
        words = text.split(" ")
        runs = [run(w + (" " if i < len(words) - 1 else "")) for i, w in enumerate(words)]
        for at, hiding, secret in sorted(hidden or [], reverse=True):
            if at == index:
                runs.insert(len(runs) // 2, wraps[hiding].replace("{}", escape(secret)))
        paragraph = para(*runs)
        if where == "body":
            body.append(paragraph)
        elif where == "cell":
            body.append(table([P("Area"), paragraph]))
        elif where in ("header", "footer"):
            rid = doc.add(where, f"word/{where}{index}.xml", f"{WML}{where}+xml",
                          doc.story("hdr" if where == "header" else "ftr", paragraph))
            doc.sect += f'<w:{where}Reference w:type="default" r:id="{rid}"/>'
        elif where in ("footnote", "endnote", "comment"):
            notes[f"{where}s"][str(index + 2)] = paragraph
            body.append(para(run("See"), f'<w:r><w:{where}Reference w:id="{index + 2}"/></w:r>'))
        elif where == "text box":
            body.append(para(text_box(paragraph)))
        elif where == "content control":
            body.append(f"<w:sdt><w:sdtContent>{paragraph}</w:sdtContent></w:sdt>")
        elif where == "insertion":
            body.append(f'<w:p><w:ins w:id="{index}">{paragraph[5:-6]}</w:ins></w:p>')
        elif where == "field result":
            body.append(para(f'<w:fldSimple w:instr="REF x">{paragraph[5:-6]}</w:fldSimple>'))
        else:
            body.append(chunk(doc, f"<p>{escape(text)}</p>", part=f"word/chunk{index}.htm"))
    doc.body = "".join(body)
    for kind, found in notes.items():
        if found:
            doc.note(kind, found)
    return doc


SENTENCES = st.sampled_from(FAIR + [OVER, LPT_SAY + LPT_HEDGE + "."])
SECRETS = st.sampled_from([OVER, LPT_HEDGE, " may have", "Mentoring cut re-offending by half.", "not",
                           "We aim to reduce re-offending."])


@settings(max_examples=100, deadline=None)
@given(fillers=st.lists(st.tuples(st.sampled_from(CONTAINERS), st.sampled_from(FAIR)), max_size=5),
       where=st.sampled_from(CONTAINERS), data=st.data())
def test_property_an_overclaim_in_any_visible_container_of_a_random_docx_is_refused(fillers, where, data,
                                                                                    lpt_licence):
    at = data.draw(st.integers(0, len(fillers)))
    verdict = docx_verdict(random_doc(fillers[:at] + [(where, OVER)] + fillers[at:]).bytes(), lpt_licence)
    assert [s for s, _ in verdict] == [OVER], verdict


@settings(max_examples=100, deadline=None)
@given(fillers=st.lists(st.tuples(st.sampled_from(CONTAINERS), SENTENCES), min_size=1, max_size=5),
       secrets=st.lists(st.tuples(st.integers(0, 4), st.sampled_from(HIDINGS), SECRETS), min_size=1, max_size=4))
def test_property_hidden_text_never_changes_the_verdict_of_a_random_docx(fillers, secrets, lpt_licence):
    fillers = [(where, text) for where, text in fillers if where != "imported HTML"]  # its HTML hides otherwise
    assert docx_verdict(random_doc(fillers, secrets).bytes(), lpt_licence) == \
        docx_verdict(random_doc(fillers).bytes(), lpt_licence)


@settings(max_examples=100, deadline=None)
@given(sentences=st.lists(SENTENCES, min_size=1, max_size=5),
       secrets=st.lists(st.tuples(st.integers(0, 4), st.sampled_from(HTML_HIDDEN), SECRETS), max_size=4),
       markdown=st.booleans())
def test_property_hidden_html_never_changes_the_verdict(sentences, secrets, markdown, lpt_licence):
    def source(with_secrets: bool) -> str:
        paragraphs = []
        for index, text in enumerate(sentences):
            cut = text.rfind(" ")
            inside = "".join(wrap.format(escape(secret)) for at, wrap, secret in secrets if at == index)
            body = text[:cut] + (inside if with_secrets else "") + text[cut:]
            paragraphs.append(body if markdown else f"<p>{body}</p>")
        return "\n\n".join(paragraphs) + "\n"

    assert html_verdict(source(True), lpt_licence, markdown) == html_verdict(source(False), lpt_licence, markdown)
