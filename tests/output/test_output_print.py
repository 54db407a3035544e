"""Print and PDF: A4 page rules, captions inside their tables, charts as figures, repeatable PDF bytes."""

from __future__ import annotations

import re

from typer.testing import CliRunner

from engine.cli import app
from engine.render.html import STYLE, render_html
from engine.render.pdf import normalise

MARKDOWN = """# Title

*Table 1: Proportion of people who committed a proven re-offence*

| Analysis | Rate (%) |
|---|---:|
| National | 43.6 |

| Analysis | Size |
|---|---:|
| National | 39 |

![Rate chart](charts/rate.png)

Non-significant difference between groups
"""


def test_print_rules_are_a4_with_no_forced_breaks():
    assert re.search(r"@page \{ size: A4;", STYLE)
    assert "break-before: page" not in STYLE and "page-break-before: always" not in STYLE
    assert re.search(r"h1, h2, h3 \{ break-after: avoid;", STYLE)
    assert re.search(r"table, figure, img, li \{ break-inside: avoid;", STYLE)
    assert ".table-scroll { overflow-x: auto;" in STYLE


def test_a_table_caption_is_inside_its_table_and_tables_scroll_on_a_phone():
    page = render_html(MARKDOWN, {"charts/rate.png": b"\x89PNG"}, "T")
    assert ('<div class="table-scroll" role="region" tabindex="0" aria-labelledby="table-1"><table>\n'
            '<caption id="table-1">Table 1: Proportion of people who committed a proven re-offence</caption>') in page
    assert '<div class="table-scroll" role="region" tabindex="0" aria-label="Table"><table>' in page
    assert page.count("<table>") == 2 and page.count("</table></div>") == 2
    assert "<p><em>Table 1" not in page
    assert re.search(r'<figure><img src="data:image/png;base64,[^"]+" alt="Rate chart" />'
                     r"<figcaption>Non-significant difference between groups</figcaption></figure>", page)


def test_spec_text_cannot_forge_a_caption_or_a_figure():
    page = render_html("<p><em>Table 9: x</em></p>\n\n| a |\n|---|\n| 1 |\n", {}, "T")
    assert "<caption" not in page and "&lt;p&gt;&lt;em&gt;Table 9" in page


def test_pdf_dates_are_fixed_at_the_same_length():
    raw = b"%PDF-1.4\n<</Producer (Skia/PDF m150)\n/CreationDate (D:20261127233031+00'00')\n" \
          b"/ModDate (D:20261127233031+00'00')>>\nxref"
    fixed = normalise(raw)
    assert len(fixed) == len(raw)
    assert b"/CreationDate (D:20000101000000+00'00')" in fixed and b"/ModDate (D:20000101000000+00'00')" in fixed
    assert normalise(fixed) == fixed


def test_pdf_without_a_browser_says_how_to_get_one_before_any_work(tmp_path, monkeypatch):
    monkeypatch.delenv("JDLSPEC_CHROMIUM", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))  # no browser on it
    result = CliRunner().invoke(app, ["run", "specs/lpt.yaml", "--pdf", "--out", str(tmp_path / "out"), "-q"])
    assert result.exit_code == 1
    assert "--pdf needs Chromium to print the report (on Debian/Ubuntu: apt-get install chromium" in result.output
    assert not (tmp_path / "out").exists()
