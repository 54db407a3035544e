"""`jdlspec preview` in a real browser (headless Chromium, through the DevTools protocol): a text saved on disk
appears in the open page; a typo shows the command line's message with its line above the last good report; the
fix brings the report back; an overclaim pasted into the checker is marked with its reason; axe-core finds no
WCAG 2.2 AA violation on either page; Ctrl-C ends the program with 130; no report folder is written.

Needs Chromium and axe-core as the other browser tests do (.ci/run installs both); the waits poll for what
the page shows, with generous limits, so a loaded machine makes them slower, never flaky."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from chromium_cdp import CHROMIUM, Chromium
from serving import ROOT, at, interrupt, start, workspace

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")

REPORT_TEXT = "document.getElementById('report').contentDocument.body.innerText"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
OVERCLAIM = "Mentoring cut re-offending by 44%."


@pytest.fixture(scope="module")
def spec(tmp_path_factory) -> Path:
    return workspace(tmp_path_factory.mktemp("preview"))


@pytest.fixture(scope="module")
def served(spec):
    process, url = start(spec.parent, "preview", "lpt.yaml")
    yield url
    code, err = interrupt(process)
    assert code == 130, err


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    with Chromium(tmp_path_factory.mktemp("chromium")) as chromium:
        yield chromium


def shown(browser: Chromium, text: str, timeout: float = 180) -> None:
    browser.wait_for(f"(() => {{ try {{ return {REPORT_TEXT}.includes({json.dumps(text)}); }} "
                     "catch (e) { return false; } })()", timeout)


def test_a_saved_text_appears_in_the_open_page(served, spec, browser):
    browser.open(served)
    shown(browser, "giving practical help to settle back", timeout=900)  # the statistics run first
    assert browser.evaluate("document.getElementById('problems').hidden") is True
    text = spec.read_text(encoding="utf-8")
    spec.write_text(text.replace("giving practical help", "giving hands-on practical help"), encoding="utf-8")
    shown(browser, "giving hands-on practical help to settle back")
    browser.wait_for("document.getElementById('status').textContent === 'Up to date.'")


def test_a_typo_shows_its_line_above_the_last_good_report_until_it_is_fixed(served, spec, browser):
    browser.open(served)
    shown(browser, "Key findings", timeout=900)
    before = browser.evaluate(REPORT_TEXT)
    good = spec.read_text(encoding="utf-8")
    line = good.splitlines().index("  method: radius") + 1
    spec.write_text(good.replace("  method: radius", "  methd: radius"), encoding="utf-8")
    browser.wait_for("!document.getElementById('problems').hidden")
    problems = browser.evaluate("[...document.querySelectorAll('#problem-list li')].map(li => li.textContent)")
    expected = f"lpt.yaml:{line}:3: matching: unknown key 'methd'; did you mean 'method'?"
    assert problems == [expected, "1 problem found."]
    cli = subprocess.run([sys.executable, "-m", "engine", "validate", "lpt.yaml", "--no-data"], cwd=spec.parent,
                         capture_output=True, text=True, env=os.environ.copy())
    assert cli.stderr.splitlines()[0] == expected  # the same message as the command line
    assert browser.evaluate(REPORT_TEXT) == before  # the last good report stays
    spec.write_text(good, encoding="utf-8")
    browser.wait_for("document.getElementById('problems').hidden")
    browser.wait_for("document.getElementById('status').textContent === 'Up to date.'")
    shown(browser, "Key findings")


def test_the_checker_marks_an_overclaim_with_its_reason(served, browser):
    browser.open(served)
    shown(browser, "Key findings", timeout=900)  # the checker reads the report on show
    browser.open(at(served, "check"))
    browser.wait_for("document.querySelector('textarea') !== null")
    browser.evaluate(f"document.getElementById('text').value = {json.dumps(OVERCLAIM + ' The programme ran in four boroughs.')}")
    browser.evaluate("document.querySelector('form button').click()")
    browser.wait_for("document.querySelector('.verdicts') !== null")
    verdicts = browser.evaluate("[...document.querySelectorAll('.verdicts > li')].map(li => [li.className, "
                                "li.querySelector('.mark').nextSibling.textContent.trim(), li.innerText])")
    assert [v[:2] for v in verdicts] == [["refused", OVERCLAIM], ["fine", "The programme ran in four boroughs."]]
    assert "It is a relative claim" in verdicts[0][2]
    assert "The results say: the rate difference is not significant" in verdicts[0][2]
    assert "You may say instead:" in verdicts[0][2]
    assert browser.evaluate("document.getElementById('verdicts-title').textContent") == "1 of 2 sentences refused"
    assert browser.evaluate("document.getElementById('text').value").startswith(OVERCLAIM)  # the text stays


def axe_script() -> Path | None:
    for candidate in (os.environ.get("JDLSPEC_AXE_JS"), ROOT / "node_modules" / "axe-core" / "axe.min.js"):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


def audit(browser: Chromium) -> list:
    script = axe_script()
    if script is None:
        if os.environ.get("CI"):
            pytest.fail("axe-core is missing in CI: .ci/run must install it")
        pytest.skip("axe-core is not installed (npm install axe-core, or set JDLSPEC_AXE_JS)")
    browser.evaluate(script.read_text(encoding="utf-8") + ";true")
    return browser.evaluate(f"axe.run(document, {{runOnly: {{type: 'tag', values: {json.dumps(AXE_TAGS)}}}, "
                            "resultTypes: ['violations']}).then(r => r.violations.map(v => "
                            "({id: v.id, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})))")


def test_accessibility_audit_of_the_preview_and_the_checker(served, browser):
    browser.open(served)
    shown(browser, "Key findings", timeout=900)
    assert audit(browser) == []
    browser.open(at(served, "check"))
    browser.evaluate(f"document.getElementById('text').value = {json.dumps(OVERCLAIM + ' It ran in London.')}")
    browser.evaluate("document.querySelector('form button').click()")
    browser.wait_for("document.querySelector('.verdicts') !== null")
    assert audit(browser) == []


def test_the_audit_is_live(served, browser):
    """axe finds what it should here too: a button without a name, added to the checker page."""
    browser.open(at(served, "check"))
    browser.evaluate("document.querySelector('main').appendChild(document.createElement('button')) && true")
    assert [v["id"] for v in audit(browser)] == ["button-name"]


def test_no_report_folder_is_written(served, spec):
    assert sorted(p.name for p in spec.parent.iterdir() if not p.name.startswith(".")) == ["data", "lpt.yaml"]
