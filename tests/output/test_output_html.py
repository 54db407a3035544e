"""HTML: one self-contained, safe, printable file."""

from __future__ import annotations

import base64
import re

from engine.render.html import render_html

MARKDOWN = """# Key findings

The programme <script>alert(1)</script> helped **some** people.

![One-year proven re-offending rate](charts/rate.png)

![Frequency](charts/frequency.png)

| | Treatment group | Comparison group | Difference | p-value |
|---|---:|---:|---|---|
| Rate (%) | 43.6 | 34.8 | -7 to +25 | 0.28 |
| People | 39 | 13,557 | * | <0.01 |

[click](javascript:alert(2))
"""

CHARTS = {"charts/rate.png": b"\x89PNG\r\n\x1a\nrate", "charts/frequency.png": b"\x89PNG\r\n\x1a\nfreq"}


def test_complete_document_with_escaped_title():
    page = render_html(MARKDOWN, CHARTS, "Peer mentoring & <more>")
    assert page.startswith("<!DOCTYPE html>\n<html lang=\"en\">")
    assert '<meta charset="utf-8">' in page
    assert "<title>Peer mentoring &amp; &lt;more&gt;</title>" in page
    assert page.rstrip().endswith("</html>")
    assert "@media print" in page and "max-width: 100%" in page


def test_charts_are_embedded_as_data_uris():
    page = render_html(MARKDOWN, CHARTS, "t")
    sources = re.findall(r'<img src="([^"]+)" alt="([^"]*)"', page)
    assert sources == [
        ("data:image/png;base64," + base64.b64encode(CHARTS["charts/rate.png"]).decode(), "One-year proven re-offending rate"),
        ("data:image/png;base64," + base64.b64encode(CHARTS["charts/frequency.png"]).decode(), "Frequency"),
    ]
    assert "charts/rate.png" not in page


def test_raw_html_and_script_links_are_text_not_code():
    page = render_html(MARKDOWN, CHARTS, "t")
    assert "<script" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'href="javascript:' not in page


def test_tables_render_with_numbers_right_aligned():
    page = render_html(MARKDOWN, CHARTS, "t")
    assert "<table>" in page and "<th" in page
    assert '<td style="text-align:right" class="num">43.6</td>' in page
    assert '<td class="num">-7 to +25</td>' in page
    assert '<td class="num">*</td>' in page
    assert '<td class="num">&lt;0.01</td>' in page
    assert "<td>Rate (%)</td>" in page


def test_same_input_same_output():
    assert render_html(MARKDOWN, CHARTS, "t") == render_html(MARKDOWN, dict(reversed(CHARTS.items())), "t")
