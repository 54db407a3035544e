"""Every test run keeps its statistics cache in its own temporary folder, never in the repository."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory):
    patch = pytest.MonkeyPatch()
    patch.setenv("JDLSPEC_CACHE_DIR", str(tmp_path_factory.mktemp("jdlspec-cache")))
    yield
    patch.undo()
