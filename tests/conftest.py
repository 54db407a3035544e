"""Every test run keeps its statistics cache in its own temporary folder, never in the repository, and
each test publishes against a publication record of its own (engine/run/record.py), so no test's reports
are checked against another's."""

from __future__ import annotations

import pytest

from engine.run.record import start_record


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory):
    patch = pytest.MonkeyPatch()
    patch.setenv("JDLSPEC_CACHE_DIR", str(tmp_path_factory.mktemp("jdlspec-cache")))
    record = tmp_path_factory.mktemp("jdlspec-record")
    start_record(record)
    patch.setenv("JDLSPEC_RECORD_DIR", str(record))  # for session fixtures
    yield
    patch.undo()


@pytest.fixture(autouse=True, scope="module")
def _module_record(tmp_path_factory):
    """Module fixtures (runs shared by a module's tests) publish against a record of the module's own."""
    patch = pytest.MonkeyPatch()
    record = tmp_path_factory.mktemp("jdlspec-record")
    start_record(record)
    patch.setenv("JDLSPEC_RECORD_DIR", str(record))
    yield
    patch.undo()


@pytest.fixture(autouse=True)
def _private_record(tmp_path_factory, monkeypatch):
    record = tmp_path_factory.mktemp("jdlspec-record")
    start_record(record)
    monkeypatch.setenv("JDLSPEC_RECORD_DIR", str(record))
