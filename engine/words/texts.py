"""report_text/ as data: the one place that finds the folder and reads its YAML files.

report_text/ is inside the wheel as engine/report_text and at the repository root in a checkout.
A malformed file is a bug in jdlspec, not the user's, so nothing here catches YAML errors.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml


def report_text_dir() -> Path:
    engine = Path(__file__).resolve().parent.parent
    packaged = engine / "report_text"
    return packaged if packaged.is_dir() else engine.parent / "report_text"


@lru_cache(maxsize=None)
def text_data(name: str) -> dict[str, Any]:
    """report_text/<name>.yaml, parsed once (libyaml when present: the same data, several times faster)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load((report_text_dir() / f"{name}.yaml").read_text(encoding="utf-8"), Loader=loader)


def labels() -> dict[str, Any]:
    """report_text/labels.yaml: the words for columns, levels and measures."""
    return text_data("labels")


def measure_labels(name: str) -> dict[str, Any]:
    """One measure's words (labels.yaml `measures`)."""
    return text_data("labels")["measures"][name]
