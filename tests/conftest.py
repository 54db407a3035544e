"""Every test run keeps its statistics cache in its own temporary folder, never in the repository, and
each test publishes against a publication record of its own (engine/run/record.py), so no test's reports
are checked against another's. In CI (CI=true) a skipped test fails the run unless its reason is one CI
accepts (ALLOWED_IN_CI), so a tool that failed to install, or an import that broke, never passes as a skip."""

from __future__ import annotations

import os

import pytest

from engine.run.record import start_record

# Skips that CI accepts, each naming why the test cannot apply on CI's machine. A missing tool is never
# one: .ci/run installs every tool the tests use.
ALLOWED_IN_CI = ("Windows has no",)


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


@pytest.fixture(autouse=True, scope="module")
def _base_house_after_each_module():
    """A module that ran a spec in another house or with declared measures leaves the next module the base house and
    the built-in measures (both are context variables a run sets: engine.houses, engine.measures.declare)."""
    yield
    from engine import houses
    from engine.measures import declare

    houses.use(houses.BASE)
    declare({})


@pytest.fixture(autouse=True)
def _private_record(tmp_path_factory, monkeypatch):
    record = tmp_path_factory.mktemp("jdlspec-record")
    start_record(record)
    monkeypatch.setenv("JDLSPEC_RECORD_DIR", str(record))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI") != "true" or not report.skipped or hasattr(report, "wasxfail"):
        return
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    if not reason.removeprefix("Skipped: ").startswith(ALLOWED_IN_CI):
        report.outcome = "failed"
        report.longrepr = f"skipped in CI ({reason}); CI must run it, or tests/conftest.py ALLOWED_IN_CI must name why not"
