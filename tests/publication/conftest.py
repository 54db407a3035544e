"""The publication tests' workspace (publication_workspace.Workspace), in a temporary working folder."""

from __future__ import annotations

import pytest

from publication_workspace import Workspace


@pytest.fixture
def work(tmp_path, monkeypatch) -> Workspace:
    monkeypatch.chdir(tmp_path)
    return Workspace(tmp_path)
