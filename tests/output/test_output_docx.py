"""report.docx (`jdlspec run --docx`) read back with python-docx: the structure of report.html (headings, tables
with their captions, charts with their alt text), Word's named styles and no formatting by hand, the same bytes
on a rerun, the results' hash and the synthetic-data mark in its properties, and `jdlspec check` on an edited
copy flagging exactly the sentence Word added."""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import docx
import pytest
from typer.testing import CliRunner

from engine.cli import app
from engine.render.word import RESULTS_HASH, render_docx
from engine.render.html import SYNTHETIC_BANNER
from engine.run.publish import REPORT_FILES

ROOT = Path(__file__).resolve().parents[2]
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def run(out: Path, *options: str):
    return CliRunner().invoke(app, ["run", str(ROOT / "specs" / "lpt.yaml"), "--out", str(out), "-q", *options])


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("docx") / "lpt"
    result = run(out, "--docx")
    assert result.exit_code == 0, result.output
    return out


class Html(HTMLParser):
    """The headings, table captions, table cells and image alt texts of report.html, in order."""

    def __init__(self):
        super().__init__()
        self.headings: list[tuple[int, str]] = []
        self.captions: list[str] = []
        self.tables: list[list[list[str]]] = []
        self.alts: list[str] = []
        self._text: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag in ("h1", "h2", "h3", "caption", "td", "th"):
            self._text = []
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag == "img":
            self.alts.append(dict(attrs)["alt"])

    def handle_data(self, data):
        if self._text is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if self._text is None or tag not in ("h1", "h2", "h3", "caption", "td", "th"):
            return
        text = " ".join("".join(self._text).split())
        if tag.startswith("h"):
            self.headings.append((int(tag[1]), text))
        elif tag == "caption":
            self.captions.append(text)
        else:
            self.tables[-1][-1].append(text)
        self._text = None


def html_of(folder: Path) -> Html:
    parsed = Html()
    parsed.feed((folder / "report.html").read_text(encoding="utf-8"))
    return parsed


def test_headings_tables_captions_and_charts_are_those_of_report_html(folder):
    html, document = html_of(folder), docx.Document(folder / "report.docx")
    headings = [(int(p.style.name[-1]), " ".join(p.text.split())) for p in document.paragraphs
                if p.style.name.startswith("Heading")]
    assert headings == html.headings and len(headings) >= 15
    assert headings[0] == (1, "Justice Data Lab analysis of the London Probation Trust peer mentoring programme")
    tables = [[[" ".join(c.text.split()) for c in row.cells] for row in t.rows] for t in document.tables]
    assert tables == html.tables and len(tables) == 4
    assert tables[1][1][:4] == ["National", "39", "23,817", "43.6"]
    assert all(t.style.name == "Table Grid" for t in document.tables)
    # each "Table N:" caption is a Caption paragraph directly before its table, as report.html's <caption>
    body = list(document.element.body)
    captions = [docx.text.paragraph.Paragraph(body[body.index(t._tbl) - 1], document).text
                for t in document.tables if body[body.index(t._tbl) - 1].tag == f"{W}p"]
    assert [" ".join(c.split()) for c in captions if c.startswith("Table")] == html.captions
    assert len(html.captions) == 3
    # the charts: the same PNGs, with report.html's alt text; the verdict under each is its Caption
    pictures = document.inline_shapes
    assert len(pictures) == 2 == len(html.alts)
    described = [p._inline.docPr.get("descr") for p in pictures]
    assert described == html.alts
    blobs = {hashlib.sha256(p.blob).hexdigest() for p in document.part.package.image_parts}
    assert blobs == {hashlib.sha256((folder / "charts" / n).read_bytes()).hexdigest()
                     for n in ("rate.png", "frequency.png")}
    after = [p for i, p in enumerate(document.paragraphs) if i and document.paragraphs[i - 1]._p.xpath(".//wp:docPr")]
    assert [(p.style.name, p.text) for p in after] == [("Caption", "Non-significant difference between groups")] * 2


def test_only_named_styles_never_formatting_by_hand(folder):
    document = docx.Document(folder / "report.docx")
    styles = {p.style.name for p in document.paragraphs}
    assert {"Heading 1", "Heading 2", "Heading 3", "Caption", "Quote", "List Bullet", "List Bullet 2", "List Number",
            "Normal"} <= styles
    for paragraph in document.element.body.iter(f"{W}p"):
        properties = paragraph.find(f"{W}pPr")
        kept = [] if properties is None else [c.tag.replace(W, "") for c in properties]
        assert set(kept) <= {"pStyle", "numPr"}, kept  # numPr: a numbered list that starts again at 1
    for run_properties in document.element.body.iter(f"{W}rPr"):
        assert [c.tag.replace(W, "") for c in run_properties] == ["rStyle"]
    strong = [r.text for p in document.paragraphs for r in p.runs if r.style.name == "Strong"]
    assert "This analysis looked at the re-offending behaviour of 39 men and youths" in strong[0]
    # the second numbered list starts again at 1: its paragraphs name a numbering of their own
    numbered = [p for p in document.paragraphs if p.style.name == "List Number"]
    assert [p.text.split(" analysis:")[0] for p in numbered[:2]] == ["National", "Regional"]
    assert [bool(p._p.pPr.numPr is not None) for p in numbered] == [False, False, True, True, True]


def test_the_same_bytes_on_a_rerun_and_the_results_hash_in_its_properties(folder, tmp_path):
    again = tmp_path / "again"
    assert run(again, "--docx").exit_code == 0
    assert (again / "report.docx").read_bytes() == (folder / "report.docx").read_bytes()
    properties = docx.Document(folder / "report.docx").core_properties
    digest = hashlib.sha256((folder / "results.json").read_bytes()).hexdigest()
    assert properties.identifier == RESULTS_HASH + digest
    assert properties.title == "Justice Data Lab analysis of the London Probation Trust peer mentoring programme"
    assert properties.created.isoformat().startswith("2000-01-01") and properties.modified == properties.created
    with zipfile.ZipFile(folder / "report.docx") as package:
        assert {info.date_time for info in package.infolist()} == {(2000, 1, 1, 0, 0, 0)}


def test_its_dates_are_the_reports_publication_date(tmp_path, loaded, results):
    published = loaded.spec.model_copy(update={"report": loaded.spec.report.model_copy(
        update={"published": __import__("datetime").date(2017, 2, 9)})})
    made = render_docx("# Report\n\nText.\n", {}, type(loaded)(spec=published, path=loaded.path), results)
    properties = docx.Document(io.BytesIO(made)).core_properties
    assert properties.created.isoformat().startswith("2017-02-09")
    with zipfile.ZipFile(io.BytesIO(made)) as package:
        assert {info.date_time for info in package.infolist()} == {(2017, 2, 9, 0, 0, 0)}


def test_the_synthetic_data_mark_is_where_the_report_has_it(folder, loaded, results):
    document = docx.Document(folder / "report.docx")
    assert document.paragraphs[0].text == SYNTHETIC_BANNER + "."
    assert [p.text for p in document.sections[0].header.paragraphs] == [SYNTHETIC_BANNER]
    assert document.core_properties.content_status == SYNTHETIC_BANNER
    real = docx.Document(io.BytesIO(render_docx("# Report\n\nText.\n", {}, loaded, results)))  # results.synthetic False
    assert SYNTHETIC_BANNER not in "".join(p.text for p in real.paragraphs + real.sections[0].header.paragraphs)
    assert real.core_properties.content_status == ""


def test_listed_in_the_manifest_and_replaced_by_a_plain_run(folder, tmp_path):
    assert "report.docx" in REPORT_FILES
    out = tmp_path / "lpt"
    first = run(out, "--docx")
    assert "report.docx" in first.output  # the run's summary names it
    assert run(out).exit_code == 0  # a folder holding report.docx is jdlspec's: replaced whole
    assert not (out / "report.docx").exists()


def test_check_passes_the_report_and_flags_what_word_added(folder, tmp_path):
    assert CliRunner().invoke(app, ["check", str(folder), str(folder / "report.docx")]).exit_code == 0
    edited = tmp_path / "board paper.docx"
    document = docx.Document(folder / "report.docx")
    key = next(p for p in document.paragraphs if p.text == "Key findings")
    added = key.insert_paragraph_before("Mentoring cut re-offending by 44%.")  # an overclaim, typed in Word
    added.insert_paragraph_before("The programme ran in four boroughs.")  # a sentence that claims nothing
    document.save(edited)
    result = CliRunner().invoke(app, ["check", str(folder), str(edited)])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line]
    assert len(lines) == 2 and lines[-1] == "1 problem found.", lines
    assert re.match(r'^.*board paper\.docx: paragraph \d+: "Mentoring cut re-offending by 44%\." is ', lines[0])
    assert "you may say instead" in lines[0]


def test_a_copy_is_checked_against_the_report_it_came_from(folder, tmp_path):
    other = tmp_path / "other"
    shutil.copytree(folder, other)
    document = docx.Document(folder / "report.docx")
    document.core_properties.identifier = RESULTS_HASH + "0" * 64
    document.save(other / "copy.docx")
    result = CliRunner().invoke(app, ["check", str(folder), str(other / "copy.docx")])
    assert result.exit_code == 1
    assert "was made by jdlspec run --docx from other results (results.json SHA-256 000000000000…)" in result.output
