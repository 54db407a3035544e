"""Every sentence jdlspec writes passes `jdlspec check` against its own results (issue 17, item 1).

For any results state and any programme name (test_report_names' strategies), a press release that
copies the report's text (all of it but the "What you cannot say" quotations), the bulletin's text,
or a "you may say instead" suggestion, is checked as `jdlspec check` checks a document against the
report folder: results.json and report.md, through engine.commands.check.report_licence. None may
be refused. The ✗ quotations are exempt only in their own place: copied, they are refused.
"""

from __future__ import annotations

import re
import tempfile
from unittest import mock
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from report_fixtures import loaded
from test_report_names import NAMES
from test_report_state_properties import results_and_spec

from engine.claims import find_breaches
from engine.commands.bulletin import bulletin_markdown
from engine.commands.check import report_licence
from engine.report import report_markdown
from engine.results import Results

CANNOT_SAY = re.compile(r'^- ✗ "(.*)"$', re.MULTILINE)
SUGGESTIONS = re.compile(r'you may say instead: "(.*?)"(?: or, in plain words: "(.*)")? \(rule: [\w-]+\)$')
OVERCLAIMS = [  # one of each kind of refusal, so that each kind of suggestion is made
    "Mentoring cut re-offending by 44%.", "This proves the programme works.", "Re-offending fell among participants.",
    "Participants re-offended more than the comparison group.", "The programme had no effect on re-offending.",
    "Participants were less likely to be sentenced to custody.", "The programme works.",
    "Participants took longer to re-offend.", "Participants committed fewer re-offences.",
]


def named(spec, results, name):
    programme = spec.programme.model_copy(update={"name": f"the {name} programme", "title": name, "organisation": name})
    info = results.spec.programme.model_copy(update={"name": programme.name, "title": name, "organisation": name})
    return (spec.model_copy(update={"programme": programme}),
            results.model_copy(update={"spec": results.spec.model_copy(update={"programme": info})}))


def unchecked(folder: Path) -> Results:
    """results.json read without engine.results_check's consistency checks: the generated states are
    results *states* (3 people at 22%, say), not runs, and the guard is tested on its own
    (tests/publication/); everything else is read as `jdlspec check` reads it."""
    return Results.from_json((folder / "results.json").read_text(encoding="utf-8"))


def breaches(text: str, folder: Path) -> list[str]:
    return [f"{b.sentence!r}: {b.rule}" for b in find_breaches(text, report_licence(folder))]


@settings(max_examples=30, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(results_and_spec(), NAMES)
def test_what_jdlspec_writes_passes_check_against_its_results(case, name):
    spec, results = named(*case, name)
    report = report_markdown(loaded(spec), results)
    with (tempfile.TemporaryDirectory() as temporary, mock.patch("engine.commands.check.read_report_results", unchecked),
          mock.patch("engine.commands.bulletin.read_report_results", unchecked)):
        folder = Path(temporary) / "report"
        folder.mkdir()
        (folder / "results.json").write_text(results.to_json(), encoding="utf-8")
        (folder / "report.md").write_text(report, encoding="utf-8")
        copied = CANNOT_SAY.sub("", report)
        found = breaches(copied, folder)
        assert not found, f"the report's own text, copied: {found}"
        bulletin = bulletin_markdown([folder])
        found = breaches(bulletin, folder)
        assert not found, f"the bulletin's text: {found}"
        for overclaim in OVERCLAIMS:
            for breach in find_breaches(overclaim, report_licence(folder)):
                suggested = SUGGESTIONS.search(breach.message)
                for suggestion in suggested.groups() if suggested else ():
                    if suggestion and not suggestion.startswith("a sentence from"):
                        assert breaches(suggestion, folder) == [], f"the suggestion for {overclaim!r}: {suggestion!r}"
        for quotation in CANNOT_SAY.findall(report):  # exempt only in their own place
            assert breaches(quotation, folder), f"a copied 'cannot say' sentence passed: {quotation!r}"
