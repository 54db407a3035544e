"""The statistics cache: a text-only edit re-renders from stored results, anything else recomputes."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.run import pipeline
from engine.run.cache import RunCache, statistical_settings
from engine.results import Results
from engine.run.record import start_record
from engine.spec.loader import load_spec

@pytest.fixture
def specs(tmp_path, monkeypatch, copy_specs):
    """A private copy of the seed specs and data, and a private cache."""
    copy_specs(tmp_path)
    monkeypatch.setenv("JDLSPEC_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "specs"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def unpublished(monkeypatch, tmp_path):
    """A publication record that holds nothing yet (as if the earlier runs had not been published)."""
    folder = tmp_path / "another-record"
    start_record(folder)
    monkeypatch.setenv("JDLSPEC_RECORD_DIR", str(folder))


def no_statistics(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the statistics ran although only texts changed")

    monkeypatch.setattr(pipeline, "compute", refuse)


def test_text_edit_reuses_results_and_matches_a_full_run(specs, tmp_path, monkeypatch, run_cli, files_of):
    spec = specs / "making_connections.yaml"
    assert run_cli("run", str(spec), "--out", str(tmp_path / "first"), "-q").exit_code == 0
    edit(spec, "offers mentoring to every woman", "offers mentoring to each woman")  # the summary
    edit(spec, "title: ", "title: The ")  # charts show the title: they are redrawn
    with monkeypatch.context() as patch:
        no_statistics(patch)
        cached = run_cli("run", str(spec), "--out", str(tmp_path / "cached"), "-q")
    assert cached.exit_code == 0, cached.output
    full = run_cli("run", str(spec), "--out", str(tmp_path / "full"), "-q", "--no-cache")
    assert full.exit_code == 0, full.output
    assert files_of(tmp_path / "cached") == files_of(tmp_path / "full")
    assert "offers mentoring to each woman" in (tmp_path / "cached" / "report.md").read_text(encoding="utf-8")
    results = Results.from_json((tmp_path / "cached" / "results.json").read_text(encoding="utf-8"))
    first = Results.from_json((tmp_path / "first" / "results.json").read_text(encoding="utf-8"))
    assert results.spec.sha256 != first.spec.sha256
    assert results.spec.statistics_sha256 == first.spec.statistics_sha256


def test_analysis_description_edit_is_text(specs, tmp_path, monkeypatch, run_cli):
    spec = specs / "making_connections.yaml"
    assert run_cli("run", str(spec), "--out", str(tmp_path / "a"), "-q").exit_code == 0
    loaded = load_spec(spec)
    old = loaded.spec.analyses[0].description
    assert old
    edit(spec, old, old + " (revised)")
    with monkeypatch.context() as patch:
        no_statistics(patch)
        assert run_cli("run", str(spec), "--out", str(tmp_path / "b"), "-q").exit_code == 0
    results = Results.from_json((tmp_path / "b" / "results.json").read_text(encoding="utf-8"))
    assert results.analyses[0].description == old + " (revised)"


@pytest.mark.parametrize("change", ["caliper", "submission", "significance", "suppression"])
def test_statistical_or_data_edit_recomputes(specs, tmp_path, monkeypatch, change, run_cli):
    spec = specs / "making_connections.yaml"
    assert run_cli("run", str(spec), "--out", str(tmp_path / "a"), "-q").exit_code == 0
    if change == "caliper":
        edit(spec, "  caliper: 0.2", "  caliper: 0.1")
    elif change == "submission":
        csv = specs / "data" / "making_connections_submission.csv"
        lines = csv.read_text(encoding="utf-8").splitlines(keepends=True)
        csv.write_text("".join(lines[:-1]), encoding="utf-8")  # one record fewer
    elif change == "significance":
        spec.write_text(spec.read_text(encoding="utf-8") + "statistics:\n  significance_level: 0.1\n", encoding="utf-8")
    else:
        edit(spec, "report:\n", "report:\n  suppress_below: 3\n")
    unpublished(monkeypatch, tmp_path)  # a group a few people apart from the first would be refused
    calls = []
    real = pipeline.compute
    monkeypatch.setattr(pipeline, "compute", lambda *a, **k: calls.append(1) or real(*a, **k))
    result = run_cli("run", str(spec), "--out", str(tmp_path / "b"), "-q")
    assert result.exit_code == 0, result.output
    assert calls == [1]


def test_no_cache_always_recomputes(specs, tmp_path, monkeypatch, run_cli):
    spec = specs / "making_connections.yaml"
    assert run_cli("run", str(spec), "--out", str(tmp_path / "a"), "-q").exit_code == 0
    calls = []
    real = pipeline.compute
    monkeypatch.setattr(pipeline, "compute", lambda *a, **k: calls.append(1) or real(*a, **k))
    assert run_cli("run", str(spec), "--out", str(tmp_path / "a"), "-q", "--no-cache").exit_code == 0
    assert calls == [1]


def test_cached_run_still_refuses_an_overclaim(specs, tmp_path, monkeypatch, run_cli, files_of):
    """The claims check applies to the new text although the statistics are reused."""
    spec = specs / "making_connections.yaml"
    assert run_cli("run", str(spec), "--out", str(tmp_path / "a"), "-q").exit_code == 0
    before = files_of(tmp_path / "a")
    edit(spec, "offers mentoring to every woman", "offers mentoring that reduces re-offending by 44% to every woman")
    with monkeypatch.context() as patch:
        no_statistics(patch)
        result = run_cli("run", str(spec), "--out", str(tmp_path / "a"), "-q")
    assert result.exit_code == 1
    assert "44%" in result.output
    assert files_of(tmp_path / "a") == before  # the last good report stays


def test_statistical_settings_leave_out_texts_only(specs):
    loaded = load_spec(specs / "making_connections.yaml")
    settings = statistical_settings(loaded)
    assert "programme" not in settings and "service" not in settings
    assert settings["matching"]["caliper"] == loaded.spec.matching.caliper
    assert "suppress_below" in settings["report"] and "footer" not in settings["report"]
    assert all("description" not in a for a in settings["analyses"])


def test_unreadable_entry_means_a_full_run(specs, tmp_path):
    loaded = load_spec(specs / "making_connections.yaml")
    cache = RunCache.for_spec(loaded)
    assert cache is not None and cache.results() is None
    cache.folder.mkdir(parents=True)
    (cache.folder / "results.json").write_text("{not json", encoding="utf-8")
    assert cache.results() is None
