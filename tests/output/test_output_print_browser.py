"""The seed reports in a real browser: printed to A4 PDF (page size, page count, captions kept with
their tables) and audited with axe-core for WCAG 2.2 AA.

Needs headless Chromium (apt-get install chromium) and axe-core's axe.min.js (the axe-core npm
package: .ci/run fetches it into node_modules/, or point $JDLSPEC_AXE_JS at the file). Without them
the tests skip locally and fail in CI (CI=true), where they must run.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from engine.run.pipeline import run_spec
from engine.render.html import SYNTHETIC_BANNER
from engine.render.pdf import html_to_pdf, pdf_engine

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ["lpt", "making_connections"]
A4_POINTS = (595.0, 842.0)
MAX_PAGES = {"lpt": 9, "making_connections": 10}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def need(found, what: str):
    """Skip locally without a tool; in CI (CI=true) its absence is a failure."""
    if not found:
        if os.environ.get("CI"):
            pytest.fail(f"{what} is missing in CI: .ci/run must install it")
        pytest.skip(f"{what} is not installed")
    return found


def axe_script() -> Path | None:
    for candidate in (os.environ.get("JDLSPEC_AXE_JS"), ROOT / "node_modules" / "axe-core" / "axe.min.js"):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    need(pdf_engine(), "chromium (apt-get install chromium)")
    folder = tmp_path_factory.mktemp("seeds")
    return {name: run_spec(ROOT / "specs" / f"{name}.yaml", folder / name, use_cache=False) for name in SEEDS}


@pytest.fixture(scope="module")
def printed(reports):
    return {name: html_to_pdf((path / "report.html").read_text(encoding="utf-8")) for name, path in reports.items()}


@pytest.mark.parametrize("name", SEEDS)
def test_prints_on_a4_within_the_page_budget_and_repeats_byte_for_byte(reports, printed, name):
    reader = PdfReader(io.BytesIO(printed[name]))
    for page in reader.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == A4_POINTS
    assert len(reader.pages) <= MAX_PAGES[name]
    assert html_to_pdf((reports[name] / "report.html").read_text(encoding="utf-8")) == printed[name]


@pytest.mark.parametrize("name", SEEDS)
def test_every_printed_page_says_the_seed_data_are_synthetic(printed, name):
    pages = PdfReader(io.BytesIO(printed[name])).pages
    assert [SYNTHETIC_BANNER in page.extract_text() for page in pages] == [True] * len(pages)


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("name", SEEDS)
def test_no_table_is_split_from_its_caption(reports, printed, name):
    page_html = (reports[name] / "report.html").read_text(encoding="utf-8")
    tables = re.findall(r"<caption[^>]*>(Table \d+):.*?</caption>(.*?)</table>", page_html, re.S)
    assert len(tables) >= 2
    pages = [squeeze(page.extract_text()) for page in PdfReader(io.BytesIO(printed[name])).pages]
    for label, body in tables:
        rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
        last_row_first_cell = re.sub(r"<[^>]+>", "", re.findall(r"<td[^>]*>(.*?)</td>", rows[-1], re.S)[0])
        holding = [i for i, text in enumerate(pages) if squeeze(label) + ":" in text]
        assert len(holding) == 1, label
        after_caption = pages[holding[0]].split(squeeze(label) + ":", 1)[1]
        assert squeeze(last_row_first_cell) in after_caption, f"{label} is split from its last row"


AXE_RUNNER = """
<script>
axe.run(document, {runOnly: {type: "tag", values: %s}, resultTypes: ["violations"]}).then(function (result) {
  var out = document.createElement("pre");
  out.id = "axe-result";
  out.textContent = JSON.stringify(result.violations.map(function (v) {
    return {id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map(function (n) { return n.target.join(" "); })};
  }));
  document.body.appendChild(out);
});
</script>
"""


def without_csp(page: str) -> str:
    """The report's Content-Security-Policy forbids scripts, so the audit's own script must lift it."""
    lifted, count = re.subn(r'<meta http-equiv="Content-Security-Policy"[^>]*>\n?', "", page)
    assert count == 1, "the report should carry one Content-Security-Policy"
    return lifted


@pytest.mark.parametrize("name", SEEDS)
def test_accessibility_audit_finds_no_wcag_22_aa_violation(reports, tmp_path, name):
    chromium = need(pdf_engine(), "chromium (apt-get install chromium)")
    script = need(axe_script(), "axe-core (npm install axe-core, or set JDLSPEC_AXE_JS)")
    page = without_csp((reports[name] / "report.html").read_text(encoding="utf-8"))
    runner = f"<script>{script.read_text(encoding='utf-8')}</script>" + AXE_RUNNER % json.dumps(AXE_TAGS)
    audited = tmp_path / "audited.html"
    audited.write_text(page.replace("</body>", runner + "</body>"), encoding="utf-8")
    command = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=60000", "--dump-dom",
               audited.as_uri()]
    dom = subprocess.run(command, capture_output=True, text=True, timeout=240, check=True).stdout
    found = re.search(r'<pre id="axe-result">(.*?)</pre>', dom, re.S)
    assert found, "axe-core did not finish"
    violations = json.loads(found.group(1).replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">")
                            .replace("&amp;", "&"))
    assert violations == []


def test_axe_finds_what_it_should(tmp_path):
    """The audit is live: a page with a known violation (an image without alt text) is caught."""
    chromium = need(pdf_engine(), "chromium (apt-get install chromium)")
    script = need(axe_script(), "axe-core (npm install axe-core, or set JDLSPEC_AXE_JS)")
    page = tmp_path / "bad.html"
    page.write_text('<!DOCTYPE html><html lang="en"><head><title>t</title></head><body><main>'
                    '<img src="data:image/png;base64,iVBORw0KGgo="></main>'
                    f"<script>{script.read_text(encoding='utf-8')}</script>{AXE_RUNNER % json.dumps(AXE_TAGS)}"
                    "</body></html>", encoding="utf-8")
    command = [chromium, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={tmp_path / 'p'}",
               "--virtual-time-budget=60000", "--dump-dom", page.as_uri()]
    dom = subprocess.run(command, capture_output=True, text=True, timeout=240, check=True).stdout
    assert '&quot;id&quot;:&quot;image-alt&quot;' in dom or '"id":"image-alt"' in dom
