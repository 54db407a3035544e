"""Disclosure across every output: each figure that suppression hides (found by running the same
evaluation with the lowest threshold, 3, where it is shown) is absent from report.md, report.html, report.docx, annex.xlsx,
results.json, the bulletin, diff and the charts' data, in every rounding those outputs print figures with."""

from __future__ import annotations

import json
import re

import docx
import openpyxl
import pytest

import engine.render.charts as charts
from engine.words.format import fixed

EDITS = [("previous_offences]", "previous_offences, need_drugs]")]


def numbers(value, path=()):
    """(path, number) for every number in a results.json tree (booleans are not figures)."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from numbers(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from numbers(item, path + (index,))
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        yield path, value


def at(tree, path):
    for key in path:
        tree = tree[key]
    return tree


def printed(value: float) -> set[str]:
    """The ways an output may print a figure: a share as a whole percent, one or two decimals, as itself
    or as a percentage of a proportion. Whole numbers are not searched (any '3' would match)."""
    forms = set()
    for x in (value, 100 * value):
        forms |= {fixed(x, 1), fixed(x, 2), f"{fixed(x, 0)}%"}
    return {f for f in forms if f.strip("-%") not in ("0", "0.0", "0.00", "100", "100.0", "100.00")}


def found(form: str, text: str) -> bool:
    return re.search(rf"(?<![\d.-]){re.escape(form)}(?!\d)", text) is not None  # 0.04 is not in -0.04 or 10.04


@pytest.fixture
def outputs(work, monkeypatch):
    """The evaluation published (threshold 5) and open (threshold 3): small ethnic groups (3 Asian,
    4 Black) and a need 3 people have; every output of the published one, as text."""
    for i, person in enumerate(work.reference[:70]):
        person["ethnicity"] = "White" if i < 63 else "Black" if i < 67 else "Asian"
        person["need_drugs"] = int(i < 3) if i < 50 else ""
    work.write_data()
    drawn: list[str] = []
    real = charts.chart_figure

    def recorded(*args, **kwargs):
        figure = real(*args, **kwargs)
        drawn.extend(t.get_text() for t in figure.findobj(match=lambda a: hasattr(a, "get_text")))
        drawn.extend(fixed(p.get_height(), 3) for p in figure.axes[0].patches)
        return figure

    monkeypatch.setattr(charts, "chart_figure", recorded)
    work.write_spec(*EDITS, ("published: 2013-02-01", "published: 2013-02-01\n  suppress_below: 3"), name="open.yaml")
    assert work.invoke("run", "open.yaml", "-q", "--out", "open").exit_code == 0
    work.write_spec(*EDITS, ("caliper: 0.2", "caliper: 0.25"), name="wider.yaml")
    assert work.invoke("run", "wider.yaml", "-q", "--out", "wider").exit_code == 0
    drawn.clear()  # the charts of the published run only
    work.write_spec(*EDITS)
    assert work.invoke("run", "spec.yaml", "--quiet", "--out", "out", "--docx").exit_code == 0
    assert work.invoke("bulletin", "out", "--out", "bulletin").exit_code == 0
    out = work.root / "out"
    book = openpyxl.load_workbook(out / "annex.xlsx")
    cells = [c.value for sheet in book for row in sheet.iter_rows() for c in row if c.value is not None]
    texts = {name: (out / name).read_text(encoding="utf-8") for name in ("report.md", "report.html", "results.json")}
    texts.update({f"bulletin/{n}": (work.root / "bulletin" / n).read_text(encoding="utf-8")
                  for n in ("bulletin.md", "bulletin.html")})
    texts["diff"] = work.invoke("diff", "wider", "out").stdout
    texts["annex.xlsx"] = "\n".join(" ".join(str(c.value) for c in row if c.value is not None)
                                     for sheet in book for row in sheet.iter_rows())
    texts["charts' data"] = " ".join(drawn)
    document = docx.Document(out / "report.docx")
    texts["report.docx"] = "\n".join([p.text for p in document.paragraphs] + [
        " ".join(cell.text for cell in row.cells) for table in document.tables for row in table.rows])
    raw = json.loads((work.root / "open" / "results.json").read_text(encoding="utf-8"))
    texts["open report.md"] = (work.root / "open" / "report.md").read_text(encoding="utf-8")
    return raw, json.loads(texts["results.json"]), texts, cells


def test_no_suppressed_figure_in_any_output(outputs):
    raw, published, texts, cells = outputs
    hidden = [(path, value) for path, value in numbers(raw)
              if _published(published, path) is None and value != int(value)]
    assert len(hidden) >= 6  # the small groups' shares and balance rows, the need's share
    shown = [v for _, v in numbers(published) if v != int(v)]
    public = set().union(*(printed(v) for v in shown))  # the same figure published elsewhere gives nothing away
    public_cells = set().union(*(rounded(v) for v in shown))
    unsuppressed = texts.pop("open report.md")
    for name in ("report.md", "report.docx", "annex.xlsx"):  # read as text with the figures in it
        assert any(found(form, texts[name]) for form in public), name
    assert sum(bool(beside(raw, path, value, unsuppressed)) for path, value in hidden) >= 2  # the search finds them
    for path, value in hidden:
        leaks = [(name, form) for name, text in texts.items() for form in printed(value) - public if found(form, text)]
        leaks += [(name, line) for name, text in texts.items() for line in beside(raw, path, value, text)]
        assert not leaks, (path, value, leaks)
        assert not found(repr(value), texts["results.json"]), path
        secret_cells = rounded(value) - public_cells
        assert not [c for c in cells if isinstance(c, float) and c in secret_cells], (path, value)


def beside(raw, path, value, text) -> list[str]:
    """Lines that name the figure's level (a profile share, a balance row) and print the figure: there a
    common figure ('3%') is no coincidence."""
    row = at(raw, path[:-1])
    level = row.get("level") if isinstance(row, dict) else None
    if not level:
        return []
    return [line for line in text.splitlines() if re.search(rf"\b{re.escape(level)}\b", line, re.I)
            and any(found(form, line) for form in printed(value))]


def rounded(value: float) -> set[float]:
    """A figure as the workbook's number cells may hold it (one to three decimals, or as a percentage)."""
    return {round(x, d) for x in (value, 100 * value) for d in (1, 2, 3)} - {0.0}


def _published(tree, path):
    try:
        return at(tree, path)
    except (KeyError, IndexError, TypeError):
        return None
