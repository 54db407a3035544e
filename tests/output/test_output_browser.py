"""The HTML as a real browser sees it: headless Chromium, when installed (CI installs it)."""

from __future__ import annotations

import shutil
import subprocess
from html.parser import HTMLParser

import numpy as np
import pytest
from PIL import Image

from engine.render.charts import TREATMENT_COLOUR, draw_charts
from engine.render.html import render_html

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")

MARKDOWN = """# Key findings

The organisation wrote <script>alert(1)</script> in its response.

| | Treatment group | Comparison group |
|---|---:|---:|
| Rate (%) | 43.6 | 34.8 |

# Charts

![One-year proven re-offending rate](charts/rate.png)

![One-year proven re-offending frequency](charts/frequency.png)
"""


class Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def chromium(tmp_path, *arguments: str) -> subprocess.CompletedProcess:
    command = [
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}", *arguments,
    ]
    # the timeout only stops a hung browser from hanging the suite
    return subprocess.run(command, capture_output=True, text=True, timeout=180, check=True)


@pytest.fixture
def page(tmp_path, loaded, results):
    path = tmp_path / "report.html"
    path.write_text(render_html(MARKDOWN, draw_charts(loaded, results), "LPT"), encoding="utf-8")
    return path


def test_browser_dom_has_embedded_charts_and_no_injected_script(tmp_path, page):
    dom = chromium(tmp_path, "--dump-dom", page.as_uri()).stdout
    parser = Elements()
    parser.feed(dom)
    images = [attrs for tag, attrs in parser.found if tag == "img"]
    assert [i["alt"] for i in images] == ["One-year proven re-offending rate", "One-year proven re-offending frequency"]
    assert all(i["src"].startswith("data:image/png;base64,iVBORw0KGgo") for i in images)
    assert not [tag for tag, _ in parser.found if tag == "script"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom
    assert [tag for tag, _ in parser.found].count("table") == 1


def test_browser_screenshot_shows_the_charts(tmp_path, page):
    shot = tmp_path / "shot.png"
    chromium(tmp_path, f"--screenshot={shot}", "--window-size=1200,3000", page.as_uri())
    pixels = np.asarray(Image.open(shot).convert("RGB"))
    assert pixels.shape == (3000, 1200, 3)
    assert len(np.unique(pixels.reshape(-1, 3), axis=0)) > 50  # not blank
    colour = tuple(int(TREATMENT_COLOUR[i:i + 2], 16) for i in (1, 3, 5))
    assert (pixels == colour).all(axis=2).sum() > 40_000  # both treatment bars painted (headings add a few thousand)
