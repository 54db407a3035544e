"""A measure is one entry: adding one of an existing kind needs its registry entry and its words, and
nothing else in the code.

The fixture adds "drugs" (a proven drug re-offence within the year, a proportion, not a
headline) in a fresh process, before the rest of the engine is imported. Its words go into a copy
of report_text/, and its column into a copy of the national data. The column is a copy of
`reoffended` under another name, so its figures must equal the rate's: an oracle that shares no code
with the new measure's path through the engine. A further case checks that the claims engine refuses
an overclaim about the new measure, as it does for the built-in ones.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from engine.measures import MEASURES, NAMES, OUTCOME_COLUMNS, Measure, columns_read

ROOT = Path(__file__).resolve().parents[2]

SETUP = """
import sys
from pathlib import Path
from engine import measures
measures.register(measures.Measure(
    "drugs", "reoffence_drugs", "flag", "Reference: a proven drug re-offence within the year (0/1).",
    "proportion", "decrease", False, 1, 0, unit="%"))
import engine.words.texts as texts
folder = Path(sys.argv[1])
texts.report_text_dir = lambda: folder
from engine.cli import app
app(sys.argv[2:])
"""

WORDS = {
    "annex": "People with a drug re-offence (%)",
    "chart_title": "Proven drug re-offending after participation in {title}",
    "axis": "Drug re-offenders (%)",
    "verdict": {"decrease": "lower", "increase": "higher"},
    "about": "drug re-offending",
    "chart": "Proven drug re-offending",
    "item": "People with a drug re-offence",
    "test": "the proportion of people who had a proven drug re-offence",
    "table": "Proportion of people who committed a proven drug re-offence in a one-year period",
    "finding": {"decrease": "fewer participants than non-participants commit a drug re-offence",
                "increase": "more participants than non-participants commit a drug re-offence"},
    "summary": {"decrease": "were less likely to commit a drug re-offence",
                "increase": "were more likely to commit a drug re-offence"},
}


def add_words(folder: Path) -> None:
    """The new measure's words, as a contributor would add them to report_text/."""
    labels = yaml.safe_load((folder / "labels.yaml").read_text(encoding="utf-8"))
    labels["measures"]["drugs"] = WORDS
    (folder / "labels.yaml").write_text(yaml.safe_dump(labels, sort_keys=False), encoding="utf-8")
    wording = yaml.safe_load((folder / "wording.yaml").read_text(encoding="utf-8"))
    wording["measures"]["drugs"] = {k: v.replace("custodial sentence", "drug offence")
                                       if isinstance(v, str) else v
                                       for k, v in wording["measures"]["custody"].items()}
    (folder / "wording.yaml").write_text(yaml.safe_dump(wording, sort_keys=False), encoding="utf-8")
    rules = yaml.safe_load((folder / "rules.yaml").read_text(encoding="utf-8"))
    outcome = rules["vocabulary"]["outcome"]
    rules["vocabulary"]["outcome"] = {"drugs": [r"\bdrug (?:{re}offen\w*|offen\w*|crimes?)"], **outcome}  # first: wins over the rate
    rules["labels"]["drugs"] = {"about": "drug re-offending", "difference": "the drug re-offending difference",
                                   "unit": "people per 100"}
    (folder / "rules.yaml").write_text(yaml.safe_dump(rules, sort_keys=False, allow_unicode=True), encoding="utf-8")


@pytest.fixture(scope="module")
def with_drugs(tmp_path_factory):
    work = tmp_path_factory.mktemp("registry")
    shutil.copytree(ROOT / "report_text", work / "report_text")
    add_words(work / "report_text")
    data = work / "data"
    data.mkdir()
    national = pd.read_parquet(ROOT / "specs" / "data" / "national.parquet")
    national["reoffence_drugs"] = national["reoffended"]
    national.to_parquet(data / "national.parquet")
    shutil.copy(ROOT / "specs" / "data" / "making_connections_submission.csv", data)
    spec = (ROOT / "specs" / "making_connections.yaml").read_text(encoding="utf-8")
    spec = spec.replace("measures: [rate, frequency, time_to_first_reoffence, custody, severity]",
                        "measures: [rate, frequency, time_to_first_reoffence, drugs]")
    assert "drugs" in spec
    (work / "mc.yaml").write_text(spec.replace("# yaml-language-server: $schema=jdlspec.schema.json\n", ""),
                                  encoding="utf-8")

    def jdlspec(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-c", SETUP, str(work / "report_text"), *args], cwd=work,
                              capture_output=True, text=True, timeout=300)

    done = jdlspec("run", "mc.yaml", "--out", "reports/mc", "--no-cache", "--quiet")
    assert done.returncode == 0, done.stdout + done.stderr
    return work, jdlspec


def test_the_registry_is_the_one_list():
    assert NAMES == ("rate", "frequency", "time_to_first_reoffence", "severity", "custody")
    assert OUTCOME_COLUMNS == ("reoffended", "reoffences", "days_to_first_reoffence", "reoffence_severity",
                               "reoffence_custody")
    assert columns_read("time_to_first_reoffence") == ["days_to_first_reoffence", "reoffended"]
    assert columns_read("severity") == ["reoffence_severity"]
    assert [m.name for m in MEASURES.values() if m.headline] == ["rate", "frequency", "time_to_first_reoffence"]


def test_a_measure_registered_twice_is_refused():
    from engine import measures

    with pytest.raises(ValueError, match="twice"):
        measures.register(Measure("rate", "x", "flag", "", "proportion", "decrease", False, 1, 0))


def test_an_added_measure_gets_the_figures_of_the_column_it_copies(with_drugs):
    work, _ = with_drugs
    results = json.loads((work / "reports" / "mc" / "results.json").read_text(encoding="utf-8"))
    assert results["measures"] == ["rate", "frequency", "time_to_first_reoffence", "drugs"]
    for analysis in results["analyses"]:
        rate, drugs = analysis["measures"]["rate"], analysis["measures"]["drugs"]
        for key in ("treatment_n", "comparison_n", "treatment", "comparison", "difference", "ci_low", "ci_high",
                    "p_value", "significant", "state", "reported"):
            assert drugs[key] == rate[key], key
        assert rate["significant"] and not drugs["headline"]  # a further measure, never a key finding


def test_an_added_measure_is_in_the_report_tables_and_annex(with_drugs):
    work, _ = with_drugs
    report = (work / "reports" / "mc" / "report.md").read_text(encoding="utf-8")
    assert WORDS["table"] in report
    assert WORDS["item"] in report  # named among the further measures
    from openpyxl import load_workbook

    book = load_workbook(work / "reports" / "mc" / "annex.xlsx", read_only=True)
    cells = {cell for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for cell in row}
    assert WORDS["annex"] in cells


def test_an_overclaim_about_an_added_measure_is_refused(with_drugs, tmp_path):
    work, jdlspec = with_drugs
    text = tmp_path / "press.md"
    text.write_text("The programme increased drug re-offending.\n", encoding="utf-8")
    done = jdlspec("check", "reports/mc", str(text))
    assert done.returncode == 1, done.stdout + done.stderr
    said = done.stdout + done.stderr
    assert "press.md" in said and "wrong direction for drug re-offending" in said  # read as the new measure


def test_a_count_of_some_of_the_events_may_be_0_for_someone_with_the_event(monkeypatch):
    """A count of the re-offences that led to custody is 0 for many re-offenders; the frequency, which counts
    the re-offences themselves, never is. Both are 0 for someone who did not re-offend."""
    from engine.inputs import values
    from engine.inputs.checks import Checker

    some = Measure("custodial_reoffences", "reoffences_custody", "count", "", "count", "decrease", False, 2, 1)
    monkeypatch.setattr(values, "MEASURES", {**MEASURES, some.name: some})
    frame = pd.DataFrame({"reoffended": [1, 1, 0, 0], "reoffences": [2, 0, 0, 0], "reoffences_custody": [0, 1, 0, 2]})
    check = Checker("national.parquet", None)
    values.consistency(frame, {}, check)
    assert sorted(str(p) for p in check.problems) == [
        "national.parquet: row 2, column reoffences: is 0 but reoffended is 1",
        "national.parquet: row 4, column reoffences_custody: is 2 but reoffended is 0"]


def test_the_synthetic_data_take_their_outcome_columns_from_the_registry(monkeypatch):
    """A measure added to the registry and to draw_outcomes reaches the national data (no second list of
    outcome columns), and the planted seed cohorts refuse to leave its column unplanted."""
    import numpy as np

    from engine.synth import cohorts
    from engine.synth.national import draw_outcomes

    def with_custodial(rng, frame):
        drawn = draw_outcomes(rng, frame)
        return drawn.assign(reoffences_custody=drawn["reoffence_custody"])

    monkeypatch.setattr(cohorts, "draw_outcomes", with_custodial)
    monkeypatch.setattr(cohorts, "OUTCOME_COLUMNS", (*OUTCOME_COLUMNS, "reoffences_custody"))
    rng = np.random.default_rng(1)
    person = pd.read_parquet(ROOT / "specs" / "data" / "national.parquet").head(1).assign(_z=0.0, reoffences_custody=0)
    twins = cohorts.twins_of(rng, person, 3, {})
    assert list(twins.columns).count("reoffences_custody") == 1 and len(twins) == 3
    with pytest.raises(ValueError, match="set_outcomes plants no reoffences_custody"):
        cohorts.set_outcomes(rng, twins, [1], np.array([30.0]))
