"""Disclosure, diff, the bulletin, the cache and batches work for declared measures with no code of their own
(issue 20 item 5): they read the registry and results.json, which carries the declarations and the house.

The declared measures are test_declared_measures's, on copies of the re-offending columns."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from engine.cli import app
from engine.measures import MeasureDeclaration, MeasureWords, declare
from engine.results import MeasureResult
from engine.run import pipeline
from tests.measures.test_declared_measures import declared_spec, twin_data

ROOT = Path(__file__).resolve().parents[2]


def cli(*args) -> str:
    done = CliRunner().invoke(app, [str(a) for a in args])
    assert done.exit_code == 0, done.output
    return done.output


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    folder = tmp_path_factory.mktemp("everywhere")
    twin_data(folder)
    declared_spec(folder)
    cli("run", folder / "mc.yaml", "--out", folder / "first", "-q")
    return folder


def test_a_cached_run_keeps_the_declarations_and_a_word_change_is_not_served_stale(work, monkeypatch, tmp_path):
    spec = re.sub(r"(?m)^  response: \|\n(?:    .*\n)+", "", (work / "mc.yaml").read_text(encoding="utf-8"))
    (tmp_path / "mc.yaml").write_text(spec.replace("service:\n", "service:\n  house: employment_data_lab\n", 1)
                                      .replace("measures: [rate, frequency, time_to_first_reoffence, in_work",
                                               "measures: [in_work"), encoding="utf-8")
    shutil.copytree(work / "data", tmp_path / "data")
    cli("run", tmp_path / "mc.yaml", "--out", tmp_path / "edl", "-q")  # another measure list: computed
    with monkeypatch.context() as patch:
        patch.setattr(pipeline, "compute", lambda *a, **k: (_ for _ in ()).throw(AssertionError("recomputed")))
        text = (tmp_path / "mc.yaml").read_text(encoding="utf-8").replace("house: employment_data_lab", "house: justice_data_lab")
        (tmp_path / "mc.yaml").write_text(text, encoding="utf-8")
        cli("run", tmp_path / "mc.yaml", "--out", tmp_path / "jdl", "-q")  # only the house changed: from the cache
    assert "### Reduced employment" in (tmp_path / "edl" / "report.md").read_text(encoding="utf-8")
    jdl = (tmp_path / "jdl" / "report.md").read_text(encoding="utf-8")
    assert "### What you can say" in jdl and "Reduced employment" not in jdl
    assert "house" not in json.loads((tmp_path / "jdl" / "results.json").read_text(encoding="utf-8"))
    renamed = text.replace("people: were in work", "people: had a job")
    (tmp_path / "mc.yaml").write_text(renamed, encoding="utf-8")
    cli("run", tmp_path / "mc.yaml", "--out", tmp_path / "words", "-q")
    results = json.loads((tmp_path / "words" / "results.json").read_text(encoding="utf-8"))
    assert results["outcome_measures"]["in_work"]["words"]["people"] == "had a job"
    assert "people who had a job one year after starting" in (tmp_path / "words" / "report.md").read_text(encoding="utf-8")


def test_diff_names_a_declared_measures_changes(work, tmp_path):
    text = (work / "mc.yaml").read_text(encoding="utf-8").replace("small_groups:", "statistics:\n  significance_level: 0.01\nsmall_groups:", 1)
    (tmp_path / "mc.yaml").write_text(text, encoding="utf-8")
    shutil.copytree(work / "data", tmp_path / "data")
    cli("run", tmp_path / "mc.yaml", "--out", tmp_path / "strict", "-q")
    said = cli("diff", work / "first", tmp_path / "strict")
    assert "in work" in said and "weeks worked" in said, said


def test_the_bulletin_has_a_column_and_a_verdict_for_a_declared_headline_measure(work, tmp_path):
    cli("bulletin", work / "first", "--out", tmp_path / "bulletin")
    bulletin = (tmp_path / "bulletin" / "bulletin.md").read_text(encoding="utf-8")
    header = next(line for line in bulletin.splitlines() if line.startswith("| Programme"))
    assert "| Employment one year after starting |" in header
    assert "| Time in work in the two years after starting |" in header
    row = next(line for line in bulletin.splitlines() if line.startswith("| Making Connections"))
    assert row.count("lower") >= 3  # the rate, and its two declared copies (employment, weeks in work)


def test_disclosure_hides_a_declared_mean_that_stands_for_a_few_units():
    from engine.disclosure import exposed_measure

    declare({"weeks": MeasureDeclaration(column="w", kind="mean", follow_up="in two years", good="increase",
                                         unit="weeks", words=MeasureWords(noun="time in work", people="weeks in work"))})
    try:
        def result(mean: float) -> MeasureResult:
            return MeasureResult(treatment_n=200, comparison_n=900, treatment=mean, comparison=1.0, difference=mean - 1,
                                 ci_low=-1, ci_high=1, p_value=0.5, significant=False, state="not_significant",
                                 comparison_effective_n=400.0, degrees_of_freedom=300.0, reported=True, headline=True)
        assert exposed_measure("weeks", result(3 / 200), 200, 5)  # 3 weeks in all among 200 people: a few people
        assert not exposed_measure("weeks", result(2.5), 200, 5)  # 500 weeks
    finally:
        declare({})


def test_a_batch_runs_a_declared_spec_and_a_seed_without_one_leaking_into_the_other(work, tmp_path, monkeypatch):
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "mc.yaml").write_text((work / "mc.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    lpt = (ROOT / "specs" / "lpt.yaml").read_text(encoding="utf-8").replace("data/", str(ROOT / "specs" / "data") + "/")
    (tmp_path / "specs" / "lpt.yaml").write_text(lpt, encoding="utf-8")
    shutil.copytree(work / "data", tmp_path / "specs" / "data")
    monkeypatch.chdir(tmp_path)
    said = cli("run", "specs/mc.yaml", "specs/lpt.yaml", "--no-cache")
    assert "2 of 2 evaluations written" in said, said
    assert "Proportion of people who were in work" in (tmp_path / "reports" / "mc" / "report.md").read_text(encoding="utf-8")
    lpt_report = (tmp_path / "reports" / "lpt" / "report.md").read_text(encoding="utf-8")
    assert lpt_report == (ROOT / "tests" / "golden" / "lpt.md").read_text(encoding="utf-8")
