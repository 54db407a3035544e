"""report_text/ as data: the one place that finds the folder and reads its YAML files.

report_text/ is inside the wheel as engine/report_text and at the repository root in a checkout.
A malformed file is a bug in jdlspec, not the user's, so nothing here catches YAML errors.

The house of the evaluation being read (engine.houses) lays its own folder, report_text/houses/<house>/,
over the base: its YAML mappings are merged key by key into the base's (a null removes a key, a list
replaces the base's and `key+` adds to it, and rules.yaml `rules` are merged by id), and its templates
replace the base's.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from engine.houses import BASE, current
from engine.measures import Measure, declared


CHART_LENGTH = 100  # a chart's name: two lines of its image's title with the programme's
AXIS_LENGTH = 45  # an axis label: the height of the chart


def report_text_dir() -> Path:
    engine = Path(__file__).resolve().parent.parent
    packaged = engine / "report_text"
    return packaged if packaged.is_dir() else engine.parent / "report_text"


def house_dir(house: str | None = None) -> Path | None:
    """The folder of a house's own texts (None for the base house, report_text/ itself)."""
    house = house or current()
    return None if house == BASE else report_text_dir() / "houses" / house


def text_data(name: str) -> dict[str, Any]:
    """report_text/<name>.yaml with the current house's laid over it, parsed once per house."""
    return _house_data(name, current())


@lru_cache(maxsize=None)
def _house_data(name: str, house: str) -> dict[str, Any]:
    data = _read(report_text_dir() / f"{name}.yaml")
    own = house_dir(house)
    if own is not None and (own / f"{name}.yaml").is_file():
        data = _laid_over(data, _read(own / f"{name}.yaml"))
    return data


def _read(path: Path) -> Any:
    """One YAML file (libyaml when present: the same data, several times faster)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)


def _laid_over(base: Any, own: Any, key: str = "") -> Any:
    """A house's data over the base's: mappings key by key (null removes one), rules by id, else the house's."""
    if isinstance(base, dict) and isinstance(own, dict):
        merged = dict(base)
        for k, v in own.items():
            if v is None:
                merged.pop(k, None)
            elif k.endswith("+") and isinstance(base.get(k[:-1]), list):  # `key+`: added to the base's list
                merged[k[:-1]] = base[k[:-1]] + list(v)
            else:
                merged[k] = _laid_over(base.get(k), v, k) if k in base else v
        return merged
    if key == "rules" and isinstance(base, list) and isinstance(own, list):
        by_id = {r["id"]: r for r in base}
        by_id.update({r["id"]: r for r in own})
        return [r for r in by_id.values() if not r.get("removed")]
    return own


def labels() -> dict[str, Any]:
    """report_text/labels.yaml: the words for columns, levels and measures (the declared measures' included)."""
    base = text_data("labels")
    made = declared()
    if not made:
        return base
    return {**base, "measures": {**base["measures"], **{name: declared_labels(m) for name, m in made.items()}}}


def measure_labels(name: str) -> dict[str, Any]:
    """One measure's words (labels.yaml `measures`, or made from its declaration)."""
    made = declared()
    return declared_labels(made[name]) if name in made else text_data("labels")["measures"][name]


def declared_labels(m: Measure) -> dict[str, Any]:
    """A declared measure's words, made from labels.yaml `declared` and the declaration's words (which hold no
    braces or markup: engine.measures.WORDS). Its chart's name and axis are the first of their forms that fit
    (a title wraps to two lines of the image, an axis label to its height); `chart_title` keeps {title}."""
    words = {key: m.words[key] for key in ("noun", "people", "follow_up", "unit")}
    kind = text_data("labels")["declared"][m.kind]
    made = _fill({k: v for k, v in kind.items() if k not in ("chart_title", "short", "axis")}, words)
    for key in ("impact", "item"):  # each starts a caption, a list item or a table's column
        if key in made:
            made[key] = _capital(made[key])
    if m.words["table"]:
        made["table"] = m.words["table"]
    made["chart"] = m.words["chart"] or _fitting([kind["chart"], *kind["short"]], words, CHART_LENGTH)
    made["axis"] = _fitting(kind["axis"], words, AXIS_LENGTH)
    made["chart_title"] = kind["chart_title"].format(chart=made["chart"], title="{title}")
    return made


def _fitting(forms: list[str], words: dict[str, str], length: int) -> str:
    """The first form, filled, within `length` characters (else the last, the shortest), capitalised."""
    filled = [_fill(form, words) for form in forms]
    return _capital(next((text for text in filled if len(text) <= length), filled[-1]))


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _fill(value: Any, words: dict[str, str]) -> Any:
    if isinstance(value, str):
        return " ".join(value.format(**words).split())
    if isinstance(value, list):
        return [_fill(v, words) for v in value]
    return {k: _fill(v, words) for k, v in value.items()}
