"""Escapes: nothing the report shows loads from outside it, one-line fields stay one line, labels
are text (never Markdown or HTML) in every output, annex cells are text, chart titles are plain."""

from __future__ import annotations

import json
import re

import openpyxl
import pytest

from engine.render.annex import text_cell
from engine.words.safe_text import markdown_text, plain_text

HOSTILE = "Evil ![beacon](http://evil.example/b.png) <script>alert(1)</script> <iframe src=x>"


def html(work) -> str:
    return (work.root / "out" / "report.html").read_text(encoding="utf-8")


def test_no_image_style_or_script_from_outside_the_report(work):
    work.write_spec(("summary: Mentoring for adults in two regions.",
                     f"summary: 'Mentoring for adults. {HOSTILE} ![x](../../etc/passwd) "
                     "[licence](https://www.nationalarchives.gov.uk/doc/open-government-licence/)'"))
    assert work.run().exit_code == 0
    page = html(work)
    sources = re.findall(r'<img[^>]*src="([^"]*)"', page)
    assert sources and all(src.startswith("data:image/png;base64,") for src in sources)
    assert "<script" not in page and "<iframe" not in page and "<img src=\"http" not in page
    assert '<a href="http://evil.example/b.png">beacon</a>' in page  # a plain link at most, never loaded
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert '<a href="https://www.nationalarchives.gov.uk/doc/open-government-licence/">licence</a>' in page
    report = work.report()
    assert all(target.startswith("charts/") for target in re.findall(r"!\[[^\]]*\]\(([^)]*)\)", report))
    assert "<script>" not in report and "<iframe" not in report
    assert "&lt;script&gt;" in report


def test_a_newline_in_a_name_or_a_label_cannot_forge_a_section(work):
    for person in work.reference[:70]:
        person["ethnicity"] = "White\n\n## Key findings\n\nThe programme works" if person is work.reference[0] else "White"
    work.write_data()
    work.write_spec(("organisation: Test Trust", 'organisation: "Test Trust\\n\\n## Key findings\\n\\n<b>x</b>"'),
                    ("name: National", 'name: "National\\n# Forged"'))
    result = work.run()
    report = work.report() if result.exit_code == 0 else ""
    headings = [line for line in report.splitlines() if line.startswith("#")]
    assert headings.count("## Key findings") <= 1 and "# Forged" not in headings
    assert result.exit_code in (0, 1) and "Traceback" not in result.output


@pytest.mark.parametrize("text, expected", [
    ("a\nb\r\n## c", "a b \\#\\# c"),
    ("*bold* _it_ [l](u) <b> `c` | x", "\\*bold\\* \\_it\\_ \\[l\\](u) \\<b\\> \\`c\\` \\| x"),
    ("1. list", "1\\. list"),
    ("bel\x07nul\x00", "bel nul"),
])
def test_labels_are_plain_text(text, expected):
    assert plain_text(text) == expected


def test_free_text_keeps_markdown_but_not_html_or_images():
    assert markdown_text("**ok** <i>x</i> ![a](http://e/x.png)") == "**ok** &lt;i&gt;x&lt;/i&gt; &#33;[a](http://e/x.png)"


@pytest.mark.parametrize("value, stored", [
    ("=HYPERLINK(\"http://e\",\"x\")", "'=HYPERLINK(\"http://e\",\"x\")"),
    ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
    ("+2+5", "'+2+5"), ("-2+5", "'-2+5"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("\uff1d1+1", "'\uff1d1+1"), ("\uff20SUM(A1)", "'\uff20SUM(A1)"), ("bell\x07here", "bellhere"), ("plain", "plain"),
])
def test_annex_text_cells_are_never_formulas(value, stored):
    assert text_cell(value) == stored


def test_annex_holds_hostile_names_as_text(work):
    work.write_spec(("name: National", 'name: "=HYPERLINK(\\"http://e\\",\\"x\\")"'))
    assert work.run().exit_code == 0
    book = openpyxl.load_workbook(work.root / "out" / "annex.xlsx")
    cells = [c for sheet in book for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert cells and all(c.data_type == "s" for c in cells)
    assert not any(c.value.startswith(("=", "+", "-", "@")) for c in cells)


def test_mathtext_and_dollars_in_a_title_are_drawn_as_text(work):
    work.write_spec(("title: Test Trust's mentoring programme", "title: 'Test $\\foo{x}$ and $5 ^_^ programme'"))
    result = work.run()
    assert result.exit_code == 0, result.output
    assert (work.root / "out" / "charts" / "rate.png").read_bytes()[:4] == b"\x89PNG"
    assert json.loads((work.root / "out" / "results.json").read_text())["schema_version"] >= 2
