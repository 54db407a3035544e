"""Property: whatever spec values and data cells a person writes, `validate` and `run` end with exit
0 or 1 and one line per problem, never a traceback, and a published report.md never says what the claims
rules refuse for the run's own results (hypothesis; a small synthetic evaluation)."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from engine.claims import find_breaches
from engine.commands.check import report_licence
from safety_workspace import REFERENCE_COLUMNS, SUBMISSION_COLUMNS, Workspace

WEIRD_TEXT = st.one_of(
    st.text(alphabet=st.sampled_from(list("ab <>*_[]()!#|=+-@$\\\n\t\x00\x07\x7f'\"é€:{}&;\u2028\u0085＝")), max_size=20),
    st.sampled_from(["![x](http://e.example/a.png)", "[x](jav&#x61;script:1)", "<svg onload=alert(1)>", "=HYPERLINK(1)",
                     "@SUM(1)", "x\n\n## Key findings\n\nThe programme works", "$\\foo{x}$", "{{ 7*7 }}", "```"]))
NUMBERS = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-10**13, 10**13))
SCALAR = st.one_of(NUMBERS, WEIRD_TEXT, st.sampled_from([".inf", ".nan", "-1", "null", "[]", "{}", "*a", "&a x"]))
SPEC_LINES = {
    "caliper: 0.2": "caliper: {}",
    "name: the Test programme": "name: {}",
    "organisation: Test Trust": "organisation: {}",
    "name: National": "name: {}",
    "measures: [rate, frequency]": "measures: [rate, frequency]\nstatistics:\n  significance_level: {}",
    "published: 2013-02-01": "published: {}\n  suppress_below: 5\nsmall_groups:\n  random_seed: 1\n  resampling_draws: 100",
    "variables: [sex, age, region, ethnicity, previous_offences]": "variables: [sex, {}]",
    "exclusions: [duplicates, not_identified, no_matching_sentence, sexual_offence]": "exclusions: {}",
    "summary: Mentoring for adults in two regions.": "summary: {}",
    "title: Test Trust's mentoring programme": "title: {}",
    "participants: adults": "participants: {0}\n  response: {0}",
    "  reference: reference.csv": "  reference: reference.csv\n  days_after_index: {}",
    "report:": "report:\n  footer: {}",
}
CELLS = st.tuples(st.sampled_from(["reference", "submission"]), st.integers(0, 69),
                  st.sampled_from(REFERENCE_COLUMNS + SUBMISSION_COLUMNS), st.one_of(WEIRD_TEXT, NUMBERS.map(str),
                  st.sampled_from(["2300-01-01", "1066-01-01", "31/02/2013", "", "NaN", "-1", "1e308"])))


def yaml_value(value) -> str:
    return json.dumps(value) if isinstance(value, str) else str(value)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.dictionaries(st.sampled_from(sorted(SPEC_LINES)), SCALAR, max_size=3),
       cells=st.lists(CELLS, max_size=4), raw=st.booleans())
@example(edits={"organisation: Test Trust": "\\"}, cells=[], raw=False)  # escaped, an empty name: looped for ever
@example(edits={"summary: Mentoring for adults in two regions.": "<svg onload=alert(1)>"}, cells=[], raw=False)
@example(edits={"name: the Test programme": "<"}, cells=[], raw=False)  # a name of punctuation alone, in the ✗ quotation
@example(edits={"name: the Test programme": ","}, cells=[], raw=False)
def test_any_spec_and_data_values_end_in_exit_0_or_1(tmp_path_factory, monkeypatch, edits, cells, raw):
    root = tmp_path_factory.mktemp("prop")
    monkeypatch.chdir(root)
    work = Workspace(root)
    for role, row, column, value in cells:
        rows = work.reference if role == "reference" else work.submission
        if column in rows[row]:
            rows[row][column] = value
    work.write_data()
    work.write_spec(*[(line, SPEC_LINES[line].format(str(value) if raw else yaml_value(value)))
                      for line, value in edits.items()])
    for command in (work.validate, work.run):
        result = command()  # Workspace.invoke asserts: no exception but SystemExit, no traceback
        assert result.exit_code in (0, 1)
        if result.exit_code == 1:
            assert result.stderr.strip(), "a refusal says why"
    if result.exit_code == 0:
        assert_report_licensed(root / "out")
        assert_report_inert(root / "out")


def assert_report_licensed(folder: Path) -> None:
    """The published report, checked as the engine's own text against its own results.json."""
    text = (folder / "report.md").read_text(encoding="utf-8")
    quoted = tuple(re.findall(r'^- ✗ "(.*)"$', text, flags=re.MULTILINE))  # the "What you cannot say" lines
    breaches = find_breaches(text, report_licence(folder), engine=True, quoted=quoted)
    assert breaches == [], [b.message for b in breaches]


def assert_report_inert(folder: Path) -> None:
    """No raw HTML or foreign image in report.md (as a CommonMark reader sees it), nothing in report.html
    that loads from outside it, no formula in the annex."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark", {"html": True}).parse((folder / "report.md").read_text(encoding="utf-8"))
    inline = [t for block in tokens for t in [block, *(block.children or [])]]
    assert not [t.content for t in inline if t.type in ("html_block", "html_inline")]
    assert all(re.fullmatch(r"charts/\w+\.png", t.attrGet("src")) for t in inline if t.type == "image")
    page = (folder / "report.html").read_text(encoding="utf-8")
    assert all(src.startswith("data:image/png;base64,") for src in re.findall(r'\ssrc="([^"]*)"', page))
    # an event handler inside a tag; "&lt;svg onload=...&gt;" is the writer's text, shown as text
    assert not re.search(r"<(script|iframe|svg|object|embed)\b|<[^<>]*\son\w+\s*=", page, re.IGNORECASE)
    with zipfile.ZipFile(folder / "annex.xlsx") as book:
        sheets = [book.read(n).decode() for n in book.namelist() if n.startswith("xl/worksheets/")]
    assert not any(re.search(r"<f[ >]", sheet) for sheet in sheets)
