"""Reusing a run's statistics when only the texts of its spec changed.

Organisations edit their texts many times before publication; redoing the statistics for each
edit costs seconds to minutes. The cache key is a hash of everything that can change a number:
the statistical part of the spec (every key except the texts listed in TEXT_KEYS, so a key added
later counts as statistical until it is listed: the cache fails closed), the input files' hashes,
the engine version and a fingerprint of the engine's own code (so a changed statistic is never
served from an old run). A hit gives the stored results with the new spec's identity and texts;
the report is then rendered and checked exactly as after a full run.

Nothing is served that was not computed from these inputs. The files are hashed before the run, as the
run reads them (results.json's hashes) and after it: a file saved meanwhile stores nothing (and the run
is refused, engine.run.pipeline). An entry is read as any results.json from elsewhere is
(engine.results_check: schema, digest, consistency, disclosure), and must match this spec's inputs and
settings; one that fails is recomputed. A coherent edit (a figure changed with everything that follows from it,
the digest recomputed) passes every such check, so an entry is served only when the publication record,
kept with the national data and not in the cache, lists a publication of this key with these very results
(`fingerprint`: the key and the SHA-256 of the entry's results). Entries hold results only, never a report folder's files (the
charts are drawn again from the results), and a link, pipe or device in the cache is never read.

Entries live in `.jdlspec-cache/` in the working folder (or $JDLSPEC_CACHE_DIR, `~` expanded), one folder
per key, holding results.json.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from functools import lru_cache
from pathlib import Path

from engine import __version__
from engine.errors import UserError, display_path
from engine.files import refuse
from engine.results import ProgrammeInfo, Results, SpecInfo
from engine.results_check import read_results
from engine.run.publish import MARKER
from engine.spec.loaded import LoadedSpec, file_sha256

CACHE_DIR = ".jdlspec-cache"
TEXT_KEYS = {  # spec keys that never change a number: editing them keeps the cache
    "programme": None,  # None: the whole section
    "service": None,
    "publication": None,  # checked against the publication record on every run, cached or not
    "report": {"title", "published", "analyses_intro", "contacts", "footer", "forbidden_phrases"},
}
ANALYSIS_TEXT_KEYS = {"description"}
def statistical_settings(loaded: LoadedSpec) -> dict:
    """The spec without its texts, as JSON-ready data: what the numbers depend on."""
    settings = loaded.spec.model_dump(mode="json")
    for section, keys in TEXT_KEYS.items():
        if keys is None:
            settings.pop(section, None)
        elif isinstance(settings.get(section), dict):
            settings[section] = {k: v for k, v in settings[section].items() if k not in keys}
    settings["analyses"] = [{k: v for k, v in a.items() if k not in ANALYSIS_TEXT_KEYS} for a in settings["analyses"]]
    if not settings.get("outcome_measures"):
        settings.pop("outcome_measures", None)  # none declared: the settings (and their hash) as before declarations
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
    """$JDLSPEC_CACHE_DIR (with ~ expanded), else .jdlspec-cache in the working folder."""
    named = os.environ.get("JDLSPEC_CACHE_DIR")
    return Path(named).expanduser() if named else Path(CACHE_DIR)


def input_hashes(loaded: LoadedSpec) -> dict[str, str] | None:
    """Each data file's SHA-256 as it is now; None when one is not a regular file that can be read (the full
    run says why)."""
    hashes = {}
    for role in ("reference", "submission"):
        path = loaded.resolve(getattr(loaded.spec.data, role))
        try:
            if not stat.S_ISREG(path.stat().st_mode):
                return None
            hashes[role] = file_sha256(path)
        except OSError:
            return None
    return hashes


class RunCache:
    """One evaluation's cache entry: its stored results (never a report folder's files)."""

    def __init__(self, loaded: LoadedSpec, hashes: dict[str, str], root: Path):
        self.loaded = loaded
        self.hashes = hashes  # the data files as they were before the run read them
        parts = [__version__, code_fingerprint(), statistics_sha256(statistical_settings(loaded))]
        parts += [f"{role}={digest}" for role, digest in hashes.items()]
        self.key = hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()
        self.folder = root / self.key
        self.stored_sha256: str | None = None  # the served entry's results, as a run wrote them

    def fingerprint(self, results: Results | None = None) -> str:
        """The key and the results' digest, as the publication record lists them: `results` computed now,
        else the entry served; a cache file changed in any figure has another fingerprint."""
        digest = results_sha256(results) if results is not None else self.stored_sha256
        return hashlib.sha256(f"{self.key}\n{digest}".encode("ascii")).hexdigest()

    @classmethod
    def for_spec(cls, loaded: LoadedSpec, use_cache: bool = True) -> RunCache | None:
        """The entry for this spec and its input files as they are now; None when an input cannot be read.
        Without `use_cache` it only holds the hashes (for the run's own check and the publication record)."""
        root = cache_root()
        if use_cache:
            _check_root(root)
        hashes = input_hashes(loaded)
        return None if hashes is None else cls(loaded, hashes, root)

    def results(self) -> Results | None:
        """The stored results, re-labelled with this spec's file, hashes and analysis descriptions; None (run in
        full) when there is no entry, or one that fails any check a reader of results.json makes or was not
        computed from these inputs and settings."""
        path = self.folder / "results.json"
        if self.folder.is_symlink() or not (path.exists() or path.is_symlink()):
            return None
        try:
            stored, warnings = read_results(path, follow_links=False)
        except UserError:
            return None
        spec = self.loaded.spec
        descriptions = {a.name: a.description for a in spec.analyses}
        if warnings or not self._matches(stored, descriptions):
            return None
        analyses = [a.model_copy(update={"description": descriptions[a.name]}) for a in stored.analyses]
        self.stored_sha256 = results_sha256(stored)
        return stored.model_copy(update={"spec": spec_info(self.loaded), "analyses": analyses})

    def _matches(self, stored: Results, descriptions: dict) -> bool:
        spec = self.loaded.spec
        return (stored.engine_version == __version__
                and stored.spec.statistics_sha256 == statistics_sha256(statistical_settings(self.loaded))
                and {role: f.sha256 for role, f in stored.inputs.items()} == self.hashes
                and [(a.name, a.headline) for a in stored.analyses] == [(a.name, a.headline) for a in spec.analyses]
                and stored.measures == list(spec.measures)
                and stored.suppress_below == spec.report.suppress_below
                and stored.significance_level == spec.statistics.significance_level)

    def changed_during_run(self, results: Results) -> list[str]:
        """The data files whose bytes the run may not have read as they were hashed: changed between the hash
        taken before the run, the one taken as it read them, and now."""
        now = input_hashes(self.loaded) or {}
        return [getattr(self.loaded.spec.data, role) for role, before in self.hashes.items()
                if not before == results.inputs[role].sha256 == now.get(role)]

    def store(self, results: Results) -> None:
        """Keep the results for the next run; a cache that cannot be written only costs time."""
        target = self.folder / "results.json"
        try:
            if self.folder.is_symlink():
                return
            self.folder.mkdir(parents=True, exist_ok=True)
            temporary = target.with_name(f".{target.name}.{os.getpid()}")
            handle = os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0), 0o644)
            with os.fdopen(handle, "wb") as file:
                file.write(results.to_json().encode("utf-8"))
            os.replace(temporary, target)  # readers see the old file or the new one, never half of one
        except OSError:
            pass  # a read-only or full disk: the run goes on, the next one computes again


def results_sha256(results: Results) -> str:
    """SHA-256 of the results as a run writes them (Results.to_json: the same bytes for the same results)."""
    return hashlib.sha256(results.to_json().encode("utf-8")).hexdigest()


def _check_root(root: Path) -> None:
    """The cache is safe to delete, so it may never be (or be in) a report folder, nor anything but a folder."""
    where = display_path(root)
    named = "JDLSPEC_CACHE_DIR" if os.environ.get("JDLSPEC_CACHE_DIR") else "the cache folder"
    if (root.exists() or root.is_symlink()) and not root.is_dir():
        refuse(where, f"{named} is not a folder; point JDLSPEC_CACHE_DIR at a folder (or unset it)")
    resolved = root.absolute().resolve()
    if any((folder / MARKER).exists() for folder in (resolved, *resolved.parents)):
        refuse(where, f"{named} is inside a report folder, which a run replaces whole; the cache never holds a "
               "report's files: point JDLSPEC_CACHE_DIR elsewhere")
