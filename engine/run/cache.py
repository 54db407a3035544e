"""Reusing a run's statistics when only the texts of its spec changed.

Organisations edit their texts many times before publication; redoing the statistics for each
edit costs seconds to minutes. The cache key is a hash of everything that can change a number:
the statistical part of the spec (every key except the texts listed in TEXT_KEYS, so a key added
later counts as statistical until it is listed: the cache fails closed), the input files' hashes,
the engine version and a fingerprint of the engine's own code (so a changed statistic is never
served from an old run). A hit gives the stored results with the new spec's identity and texts;
the report is then rendered and checked exactly as after a full run.

Entries live in `.jdlspec-cache/` in the working folder (or $JDLSPEC_CACHE_DIR), one folder per
key: results.json, and the charts drawn from them for each version of the spec's short texts
(titles and names; editing a long text such as the summary keeps the charts).
"""

from __future__ import annotations

import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path

from engine import __version__
from engine.results import ProgrammeInfo, Results, SpecInfo
from engine.spec.loaded import LoadedSpec, file_sha256

CACHE_DIR = ".jdlspec-cache"
TEXT_KEYS = {  # spec keys that only change words, never a number: editing them keeps the cache
    "programme": None,  # None: the whole section
    "service": None,
    "report": {"title", "published", "analyses_intro", "contacts", "footer", "forbidden_phrases"},
}
ANALYSIS_TEXT_KEYS = {"description"}
PROSE_KEYS = {  # long texts no chart shows: editing them keeps the stored charts (any other edit redraws)
    "programme": {"summary", "in_their_own_words", "response", "profile_note"},
    "report": {"published", "analyses_intro", "contacts", "footer", "forbidden_phrases"},
}


def statistical_settings(loaded: LoadedSpec) -> dict:
    """The spec without its texts, as JSON-ready data: what the numbers depend on."""
    settings = loaded.spec.model_dump(mode="json")
    for section, keys in TEXT_KEYS.items():
        if keys is None:
            settings.pop(section, None)
        elif isinstance(settings.get(section), dict):
            settings[section] = {k: v for k, v in settings[section].items() if k not in keys}
    settings["analyses"] = [{k: v for k, v in a.items() if k not in ANALYSIS_TEXT_KEYS} for a in settings["analyses"]]
    return settings


def statistics_sha256(settings: dict) -> str:
    """Hex SHA-256 of the statistical settings in canonical JSON (sorted keys)."""
    text = json.dumps(settings, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def spec_info(loaded: LoadedSpec) -> SpecInfo:
    """The spec's identity in results.json: file, hash, statistics hash, settings and programme."""
    settings = statistical_settings(loaded)
    spec = loaded.spec
    programme = ProgrammeInfo(name=spec.programme.name, title=spec.programme.title, organisation=spec.programme.organisation,
                              participants=spec.programme.participants)
    return SpecInfo(path=loaded.path.name, sha256=loaded.sha256(), statistics_sha256=statistics_sha256(settings),
                    settings=settings, programme=programme, service=spec.service.name)


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Hash of the engine's Python source: a changed computation never meets an old result."""
    root = Path(__file__).resolve().parent.parent  # the engine package
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def cache_root() -> Path:
    return Path(os.environ.get("JDLSPEC_CACHE_DIR") or CACHE_DIR)


class RunCache:
    """One evaluation's cache entry: its stored results and the charts drawn from them."""

    def __init__(self, loaded: LoadedSpec, key: str, root: Path):
        self.loaded = loaded
        self.key = key
        self.folder = root / key

    @classmethod
    def for_spec(cls, loaded: LoadedSpec) -> RunCache | None:
        """The entry for this spec and its input files; None when an input cannot be read (the full run says why)."""
        data = loaded.spec.data
        parts = [__version__, code_fingerprint(), statistics_sha256(statistical_settings(loaded))]
        for name, relative in (("reference", data.reference), ("submission", data.submission)):
            path = loaded.resolve(relative)
            if not path.is_file():
                return None
            try:
                parts.append(f"{name}={file_sha256(path)}")
            except OSError:
                return None
        key = hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()
        return cls(loaded, key, cache_root())

    def results(self) -> Results | None:
        """The stored results, re-labelled with this spec's file, hashes and analysis descriptions."""
        try:
            stored = Results.from_json((self.folder / "results.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None  # no entry, or one this version cannot read: run in full
        descriptions = {a.name: a.description for a in self.loaded.spec.analyses}
        if set(descriptions) != {a.name for a in stored.analyses}:
            return None
        analyses = [a.model_copy(update={"description": descriptions[a.name]}) for a in stored.analyses]
        return stored.model_copy(update={"spec": spec_info(self.loaded), "analyses": analyses})

    def store(self, results: Results) -> None:
        """Keep the results for the next run; a cache that cannot be written only costs time."""
        self._write("results.json", results.to_json().encode("utf-8"))

    def _charts_folder(self) -> str:
        """Charts show the spec's short texts (titles, names) too: one folder per version of them."""
        texts = self.loaded.spec.model_dump(mode="json")
        for section, keys in PROSE_KEYS.items():
            texts[section] = {k: v for k, v in texts[section].items() if k not in keys}
        return f"charts-{statistics_sha256(texts)[:16]}"

    def stored_charts(self) -> dict[str, bytes] | None:
        """The charts drawn from these results for this spec's short texts, if stored."""
        folder = self.folder / self._charts_folder()
        try:
            names = json.loads((folder / "index.json").read_text(encoding="utf-8"))
            return {name: (folder / Path(name).name).read_bytes() for name in names}
        except (OSError, ValueError, TypeError):
            return None

    def store_charts(self, charts: dict[str, bytes]) -> None:
        folder = self._charts_folder()
        for name, data in charts.items():
            self._write(f"{folder}/{Path(name).name}", data)
        self._write(f"{folder}/index.json", json.dumps(sorted(charts)).encode("utf-8"))

    def _write(self, name: str, data: bytes) -> None:
        target = self.folder / name
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.with_name(f".{target.name}.{os.getpid()}")
            temporary.write_bytes(data)
            os.replace(temporary, target)  # readers see the old file or the new one, never half of one
        except OSError:
            pass  # a read-only or full disk: the run goes on, the next one computes again
