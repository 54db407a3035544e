"""The report as one self-contained HTML file: the Markdown rendered, the charts embedded.

Raw HTML in the Markdown is off (markdown-it-py's "commonmark" preset with html=False), so
anything a spec author types, `<script>` included, is shown as text and never runs. The charts
are embedded as data URIs so the single file can be e-mailed or attached without its folder.
"""

from __future__ import annotations

import base64
import html
import re

from markdown_it import MarkdownIt
from markdown_it.token import Token

# Cells that are figures: "43.6", "13,557", "-7 to +25", "44%", "*", "0.00", "<0.01".
NUMBER = r"[<>≤≥]?[−\-+]?\d[\d,]*(?:\.\d+)?%?"
NUMERIC_CELL = re.compile(rf"^(?:{NUMBER}(?: to {NUMBER})?|\*)$")

# Nothing loads from outside the report: only its own inline style and embedded (data:) images.
CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"

STYLE = """
:root { color-scheme: light; }
body { font-family: "Source Sans Pro", "Segoe UI", "Helvetica Neue", Arial, "DejaVu Sans", sans-serif;
  font-size: 16px; line-height: 1.5; color: #1b1b1b; background: #fff;
  max-width: 52rem; margin: 2rem auto; padding: 0 1.25rem; }
h1, h2, h3 { font-family: Georgia, "Times New Roman", "DejaVu Serif", serif; line-height: 1.25; color: #1f4e79; }
h1 { font-size: 1.9rem; margin-top: 2.5rem; border-bottom: 2px solid #1f4e79; padding-bottom: .25rem; }
h2 { font-size: 1.4rem; margin-top: 2rem; }
h3 { font-size: 1.15rem; margin-top: 1.5rem; }
p, li { max-width: 48rem; }
blockquote { margin: 1rem 0; padding: .5rem 1rem; border-left: 4px solid #a6a6a6; background: #f5f5f5; }
.table-scroll { overflow-x: auto; margin: 1rem 0; }
.table-scroll:focus { outline: 2px solid #1f4e79; outline-offset: 2px; }
table { border-collapse: collapse; font-size: .95rem; }
caption { caption-side: top; text-align: left; font-style: italic; padding-bottom: .4rem; }
th, td { border: 1px solid #8c8c8c; padding: .3rem .6rem; vertical-align: top; }
th { background: #e8eef5; text-align: left; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
img { max-width: 100%; height: auto; display: block; margin: 1rem auto; }
figure { margin: 1rem 0; }
figcaption { text-align: center; font-weight: bold; }
code { font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: .9em; }
hr { border: 0; border-top: 1px solid #ccc; margin: 2rem 0; }
@media (max-width: 40rem) {
  body { padding: 0 .75rem; }
  .table-scroll { box-shadow: inset -12px 0 10px -10px rgba(0, 0, 0, .35); }
  caption { position: sticky; left: 0; max-width: calc(100vw - 2.25rem); }
}
@page { size: A4; margin: 16mm 15mm 18mm;
  @bottom-center { content: counter(page) " of " counter(pages); font-size: 9pt; color: #444; } }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 10pt; line-height: 1.35; }
  h1 { font-size: 17pt; margin-top: 0; }
  h2 { font-size: 13.5pt; margin-top: 14pt; }
  h3 { font-size: 11.5pt; margin-top: 10pt; }
  h1, h2, h3 { break-after: avoid; page-break-after: avoid; }
  p, li { orphans: 3; widows: 3; }
  table { font-size: 8.5pt; width: 100%; }
  th, td { padding: 2pt 4pt; }
  .table-scroll { overflow: visible; margin: 6pt 0; }
  table, figure, img, li { break-inside: avoid; page-break-inside: avoid; }
  img { max-height: 88mm; width: auto; margin: 4pt auto; }
  a { color: inherit; text-decoration: none; }
}
"""


def markdown_parser() -> MarkdownIt:
    """CommonMark with tables, raw HTML off (spec text is shown, never executed)."""
    return MarkdownIt("commonmark", {"html": False}).enable("table")


# A report made from synthetic data says so where no reader can miss it: a banner above the report on
# screen, and the same words at the top of every printed page (an @page margin box, which Chromium prints
# on each page of the PDF).
SYNTHETIC_BANNER = "Synthetic data: this is a demonstration, not a real evaluation"
SYNTHETIC_STYLE = f"""
.synthetic {{ margin: 0 0 1rem; padding: .6rem 1rem; border: 3px solid #7a4d00; background: #fff4d6;
  color: #3d2700; font-weight: bold; }}
@page {{ @top-center {{ content: "{SYNTHETIC_BANNER}"; font-size: 9pt; font-weight: bold; color: #7a4d00; }} }}
@media print {{ .synthetic {{ padding: 3pt 6pt; border-width: 2pt; }} }}
"""


def render_html(markdown_text: str, charts: dict[str, bytes], title: str, synthetic: bool = False) -> str:
    """A complete HTML5 document of the report, charts embedded as data URIs; `synthetic`: made from
    synthetic data, said in a banner and on every printed page."""
    parser = markdown_parser()
    tokens = parser.parse(markdown_text)
    _embed_images(tokens, charts)
    _mark_numeric_cells(tokens)
    body = _figures(_captioned_tables(parser.renderer.render(tokens, parser.options, {})))
    banner = f'<p class="synthetic" role="note">{SYNTHETIC_BANNER}.</p>\n' if synthetic else ""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n"
        f"<style>{STYLE}{SYNTHETIC_STYLE if synthetic else ''}</style>\n"
        "</head>\n<body>\n<main>\n"
        f"{banner}{body}"
        "</main>\n</body>\n</html>\n"
    )


# Raw HTML is off, so these tags can only be the renderer's own: a spec's '<' is always escaped.
CAPTIONED = re.compile(r"<p><em>(Table (\d+):.*?)</em></p>\n<table>")
TABLE = re.compile(r"<table>(.*?)</table>\n", re.S)
FIGURE = re.compile(r'<p>(<img src="data:image/png;base64,[^"]*" alt="[^"]*" />)</p>\n<p>(.*?)</p>\n')


def _captioned_tables(body: str) -> str:
    """'Table N: ...' paragraphs become their table's <caption> (printed with it, never split from it);
    every table sits in a focusable scroll box, so a wide table scrolls on a phone instead of overflowing."""
    body = CAPTIONED.sub(lambda m: f'<table>\n<caption id="table-{m.group(2)}">{m.group(1)}</caption>', body)

    def box(match: re.Match) -> str:
        caption = re.search(r'<caption id="(table-\d+)">', match.group(1))
        name = f'aria-labelledby="{caption.group(1)}"' if caption else 'aria-label="Table"'
        return f'<div class="table-scroll" role="region" tabindex="0" {name}><table>{match.group(1)}</table></div>\n'

    return TABLE.sub(box, body)


def _figures(body: str) -> str:
    """An embedded chart and the paragraph under it (its verdict) become one figure, kept on one page."""
    return FIGURE.sub(r"<figure>\1<figcaption>\2</figcaption></figure>\n", body)


def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _embed_images(tokens: list[Token], charts: dict[str, bytes]) -> None:
    """Point each image at its chart's bytes; any other image becomes its alt text, so nothing the
    report shows is loaded from outside it (no web beacon, no local file)."""
    for token in _walk(tokens):
        if token.type == "image":
            source = str(token.attrGet("src") or "")
            key = source[2:] if source.startswith("./") else source
            if key in charts:
                token.attrSet("src", data_uri(charts[key]))
            else:
                token.type, token.tag, token.attrs = "text", "", {}
                token.content, token.children = "".join(c.content for c in token.children or []), None


def _mark_numeric_cells(tokens: list[Token]) -> None:
    """Right-align table cells that hold figures, so columns of numbers line up."""
    for index, token in enumerate(tokens):
        if token.type in ("td_open", "th_open") and index + 1 < len(tokens):
            content = tokens[index + 1].content.strip() if tokens[index + 1].type == "inline" else ""
            if NUMERIC_CELL.match(content.replace("\\", "")):
                token.attrJoin("class", "num")


def _walk(tokens: list[Token]):
    for token in tokens:
        yield token
        if token.children:
            yield from _walk(token.children)
