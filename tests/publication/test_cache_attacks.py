"""The results cache serves nothing that was not computed from these inputs (engine/run/cache.py): a file
saved during the run stores nothing, a tampered or misplaced entry is recomputed, and the cache never
holds a report folder's files nor waits on a pipe."""

from __future__ import annotations

import json
import os
import threading
import time

import pytest

from engine.inputs import reading
from engine.run import pipeline
from engine.results_check import read_results
from engine.run.cache import RunCache, cache_root
from engine.spec.loader import load_spec
from publication_workspace import refused, write_results


@pytest.fixture
def cached(work, monkeypatch):
    """The small evaluation run once with a private cache; returns its cache entry's results.json path."""
    monkeypatch.setenv("JDLSPEC_CACHE_DIR", str(work.root / "cache"))
    assert work.run("first").exit_code == 0
    entry = RunCache.for_spec(load_spec(work.root / "spec.yaml"))
    assert (entry.folder / "results.json").is_file()
    return entry.folder / "results.json"


def counting(monkeypatch) -> list:
    calls = []
    real = pipeline.compute
    monkeypatch.setattr(pipeline, "compute", lambda *a, **k: calls.append(1) or real(*a, **k))
    return calls


def test_an_entry_holds_results_only(cached):
    assert sorted(p.name for p in cached.parent.iterdir()) == ["results.json"]


def test_an_untouched_entry_is_served(work, cached, monkeypatch):
    calls = counting(monkeypatch)
    assert work.run("second").exit_code == 0
    assert calls == []


@pytest.mark.parametrize("tamper", ["unsuppressed", "verdict", "other inputs", "no digest", "digest only", "coherent"])
def test_a_tampered_entry_is_recomputed(work, cached, monkeypatch, tamper):
    data = json.loads(cached.read_text(encoding="utf-8"))
    digest = True
    if tamper == "unsuppressed":  # a small cell put back: disclosure is checked on a hit too
        data["profile"]["analysed"]["sex"].append({"level": "X", "count": 2, "percent": 2.9, "suppressed": False})
    elif tamper == "verdict":
        data["analyses"][0]["measures"]["rate"].update(significant=True, state="decrease", required_treatment_n=None)
    elif tamper == "other inputs":  # an entry computed from another file, copied under this key
        data["inputs"]["submission"]["sha256"] = "0" * 64
    elif tamper == "no digest":
        digest = False
    elif tamper == "coherent":  # a figure changed with all that follows from it: every reader's check passes
        rate = data["analyses"][0]["measures"]["rate"]
        rate["comparison"] -= 1.0
        for key in ("difference", "ci_low", "ci_high"):
            rate[key] += 1.0
    else:
        data["analyses"][0]["comparison_n"] -= 1  # its digest left as it was: an accident
    write_results(cached, data, digest)
    if tamper == "coherent":
        assert read_results(cached)[1] == []  # consistent, with its digest: only the publication record tells
    if tamper == "digest only":
        text = json.loads(cached.read_text(encoding="utf-8"))
        text["content_sha256"] = "f" * 64
        cached.write_text(json.dumps(text), encoding="utf-8")
    calls = counting(monkeypatch)
    assert work.run("second").exit_code == 0
    assert calls == [1]
    assert json.loads((work.root / "second" / "results.json").read_text(encoding="utf-8"))["analyses"] == \
        json.loads((work.root / "first" / "results.json").read_text(encoding="utf-8"))["analyses"]


@pytest.mark.parametrize("kind", ["fifo", "symlink to a report", "folder"])
def test_a_pipe_a_link_or_a_folder_in_the_cache_is_never_read(work, cached, monkeypatch, kind):
    cached.unlink()
    if kind == "fifo":
        os.mkfifo(cached)
    elif kind == "symlink to a report":
        cached.symlink_to(work.root / "first" / "results.json")
    else:
        cached.mkdir()
    calls = counting(monkeypatch)
    done = []
    thread = threading.Thread(target=lambda: done.append(work.run("second")), daemon=True)
    thread.start()
    thread.join(120)
    assert done and done[0].exit_code == 0, "the run waited on the cache"
    assert calls == [1]


def test_a_cache_inside_a_report_folder_is_refused(work, monkeypatch):
    assert work.run("first").exit_code == 0
    monkeypatch.setenv("JDLSPEC_CACHE_DIR", str(work.root / "first" / "cache"))
    assert "is inside a report folder" in refused(work.run("second"))


def test_a_cache_that_is_a_file_is_refused(work, monkeypatch):
    (work.root / "not-a-folder").write_text("x", encoding="utf-8")
    monkeypatch.setenv("JDLSPEC_CACHE_DIR", str(work.root / "not-a-folder"))
    assert "JDLSPEC_CACHE_DIR is not a folder" in refused(work.run())


def test_the_cache_folder_expands_a_tilde(work, monkeypatch):
    monkeypatch.setenv("HOME", str(work.root / "home"))
    monkeypatch.setenv("JDLSPEC_CACHE_DIR", "~/jdlspec-cache")
    assert cache_root() == work.root / "home" / "jdlspec-cache"
    assert work.run().exit_code == 0
    assert list((work.root / "home" / "jdlspec-cache").glob("*/results.json"))
    assert not (work.root / "~").exists()


def test_a_file_saved_during_the_run_stores_nothing_and_publishes_nothing(work, monkeypatch):
    """The submission is saved (one record fewer) just after the run read it: the report would certify
    the new file's hash for figures made from the old one."""
    monkeypatch.setenv("JDLSPEC_CACHE_DIR", str(work.root / "cache"))
    real = reading.read_file

    def read_then_save(loaded, role, problems):
        read = real(loaded, role, problems)
        if role == "submission":
            lines = (work.root / "submission.csv").read_text(encoding="utf-8").splitlines(keepends=True)
            (work.root / "submission.csv").write_text("".join(lines[:-1]), encoding="utf-8")
        return read

    monkeypatch.setattr("engine.inputs.read_file", read_then_save)
    line = refused(work.run())
    assert "data.submission: submission.csv changed while the run read it" in line
    assert not (work.root / "out").exists()
    assert not list((work.root / "cache").glob("*/results.json"))


def test_a_file_saved_between_the_hash_and_the_read_is_refused(work, monkeypatch):
    """Saved after the cache's hash, before the read: the hashes differ, nothing is stored or published."""
    monkeypatch.setenv("JDLSPEC_CACHE_DIR", str(work.root / "cache"))
    real = RunCache.for_spec

    def hash_then_save(loaded, use_cache=True):
        entry = real(loaded, use_cache)
        work.people = work.people[:-1]
        work.write_data()
        time.sleep(0.01)
        return entry

    monkeypatch.setattr(RunCache, "for_spec", staticmethod(hash_then_save))
    assert "changed while the run read it" in refused(work.run())
    assert not list((work.root / "cache").glob("*/results.json"))
