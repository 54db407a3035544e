"""The private record of what was published: each published run's participants as salted hashes, so no
run is published that, set beside an earlier report, gives a few people's outcomes by subtraction.

The threat: organisations re-submit as more people finish a programme. A second report whose group is
one named person larger gives that person's outcome (re-offended, how often, how soon) from the two
reports' own tables; leaving five named people out gives the outcomes of those of them who were analysed.
Disclosure control inside one report (engine.disclosure) cannot see this; only a record of what was
published before can.

The rule: each group a run publishes outcomes and characteristics of (every analysis's treatment group)
is compared with every group the record holds, of this evaluation or any other; a group that differs from a published one by 1 to t-1 people (t: the larger
report.suppress_below of the two runs) is refused, unless it is itself a group already published (it
then tells nothing new) or the earlier publication was withdrawn (publication.withdrawn, kept in the
record from then on).

Where: publication.record (relative to the spec), else $JDLSPEC_RECORD_DIR, else .jdlspec-published/
beside the reference data: with the national data, never in a report folder or in the results cache,
which is safe to delete. A folder without a record (RECORD_FILE) is a missing record, and a re-run cannot
be checked: publication is refused unless the spec says it is the first (publication.first). The record
is as private as the national data: the salt in RECORD_FILE is made once, at random, so the hashes of
known identifiers cannot be recomputed without it. A lock held with flock while a run checks, records and
publishes lets no two runs pass against the same earlier state. Each entry names its salt (`salt_id`, a
keyed hash of a constant): hashes made with another salt never match, so an entry from another record, or a
record whose salt file was lost or replaced (`cp *` and many backups skip dot files), would let every
group pass; such a record is refused as damaged, never started again around its entries.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from engine.errors import Problem, UserError, display_path
from engine.files import os_errors
from engine.results import Results
from engine.results_check import read_limited
from engine.run.publish import MARKER
from engine.spec.loaded import LoadedSpec

RECORD_DIR = ".jdlspec-published"
RECORD_FILE = ".jdlspec-record"
LOCK_FILE = ".lock"
ENTRY_LIMIT = 100_000_000  # bytes of one publication's entry (a million participants is 40 MB)
LOCK_WAIT = 120.0  # seconds to wait for another run that is publishing
Groups = dict[str, list[str]]  # an analysis's name -> the identities of its treatment group


def identities(frame, link_on: list[str]) -> list[str]:
    """Each person's identity in the reference data: the offender ID where the data has one, else the
    folded names and date of birth that linked them (engine.stages.link)."""
    from engine.stages.keys import link_key

    names = link_key(frame, link_on).astype(object)
    if "offender_id" not in frame.columns:
        return [f"link:{k}" for k in names]
    ids = link_key(frame, ["offender_id"]).astype(object)
    return [f"id:{i}" if isinstance(i, str) else f"link:{k}" for i, k in zip(ids, names)]


def evaluation_of(loaded: LoadedSpec) -> str:
    """publication.evaluation, else the programme's organisation and title (case and spacing ignored)."""
    spec = loaded.spec
    given = spec.publication.evaluation or f"{spec.programme.organisation} / {spec.programme.title}"
    return " ".join(given.casefold().split())


@dataclass(frozen=True)
class Entry:
    """One publication: its id, evaluation, date, report folder, threshold and groups (salted hashes)."""

    id: str
    evaluation: str
    published: str
    report: str
    suppress_below: int
    fingerprint: str | None
    withdraws: tuple[str, ...]
    groups: dict[str, frozenset[str]]
    salt_id: str | None = None  # None: an entry written before entries named their salt

    def to_json(self) -> bytes:
        data = {"format": 1, "id": self.id, "evaluation": self.evaluation, "published": self.published,
                "report": self.report, "suppress_below": self.suppress_below, "fingerprint": self.fingerprint,
                "withdraws": list(self.withdraws), "groups": {k: sorted(v) for k, v in self.groups.items()},
                "salt_id": self.salt_id}
        return (json.dumps(data, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


class PublicationRecord:
    """The record a spec publishes against; made by `for_spec`, which refuses a missing record at once."""

    def __init__(self, loaded: LoadedSpec, folder: Path, destination: Path, named: str | None = None):
        self.loaded = loaded
        self.folder = folder
        self.destination = destination
        self.named = named  # the record folder the command that sent this run was using (a batch worker's)

    @classmethod
    def for_spec(cls, loaded: LoadedSpec, destination: Path, named: str | None = None) -> PublicationRecord:
        """`named`: the record folder to use where the spec names none, instead of this process's
        $JDLSPEC_RECORD_DIR (a Dask worker runs with the environment of the command that sent it)."""
        folder = record_folder(loaded, named)
        record = cls(loaded, folder, destination, named)
        record._check_place()
        if not (folder / RECORD_FILE).is_file() and any(folder.glob("*.json")):
            record._refuse("publication.record", f"the publication record at {display_path(folder)} lists "
                           f"publications but its salt ({RECORD_FILE}) is missing, so no group could be compared "
                           "with them; restore the whole record (dot files included) from where the national data "
                           "is backed up")
        if not (folder / RECORD_FILE).is_file() and not loaded.spec.publication.first:
            record._refuse("publication.record", f"there is no record of earlier publications at "
                           f"{display_path(folder)} ({record._named_by()}), so a re-run could not be checked against "
                           "what was published before; if this is the evaluation's first publication, say so "
                           "(publication: {first: true}); if not, point publication.record or JDLSPEC_RECORD_DIR "
                           "at the record kept with the national data")
        if not (folder / RECORD_FILE).is_file():
            record._check_first_here()
        return record

    def knows(self, fingerprint: str) -> bool:
        """Was a run with this fingerprint (its statistics cache key) published and not withdrawn? Then a
        cached run's groups were checked when it was published."""
        entries = self._entries(self._salt()) if (self.folder / RECORD_FILE).is_file() else []
        gone = self._withdrawn(entries)
        return any(e.fingerprint == fingerprint and e.id not in gone for e in entries)

    @contextmanager
    def publishing(self, results: Results, groups: Groups | None, fingerprint: str | None) -> Iterator[None]:
        """Check the run's groups against the record, record them, and let the caller publish; if publishing
        fails, the new entry is taken out again. `groups` None: a cached run, published before as it is."""
        with self._lock():
            with os_errors(display_path(self.folder), "cannot use the publication record"):
                path = self._record(results, groups, fingerprint)
            try:
                yield
            except BaseException:
                if path is not None:
                    path.unlink(missing_ok=True)
                raise

    def _record(self, results: Results, groups: Groups | None, fingerprint: str | None) -> Path | None:
        """Check the groups and write their entry; the entry's file when it is new (else None)."""
        salt = self._salt()
        entries = self._entries(salt)
        gone = self._withdrawn(entries)
        if groups is None:
            if not any(e.fingerprint == fingerprint and e.id not in gone for e in entries):
                self._refuse("publication", "the record no longer lists this run's earlier publication; run again "
                             "with --no-cache")
            return None
        entry = self._entry(results, groups, salt, fingerprint)
        self._check(entry, [e for e in entries if e.id not in gone and e.id != entry.id])
        path = self.folder / f"{entry.id}.json"
        if path.exists():
            return None
        _write_new(path, entry.to_json())
        return path

    # --- the rule --------------------------------------------------------------------------------

    def _check(self, entry: Entry, earlier: list[Entry]) -> None:
        published = {people for e in earlier for people in e.groups.values()}
        for name, people in entry.groups.items():
            if people in published:
                continue  # the same people as a published group: nothing new
            for other in earlier:
                threshold = max(entry.suppress_below, other.suppress_below)
                for other_name, theirs in other.groups.items():
                    differ = len(people ^ theirs)
                    if 0 < differ < threshold:
                        self._refuse("publication", self._conflict(name, other, other_name, differ, threshold))

    def _conflict(self, name: str, other: Entry, other_name: str, differ: int, threshold: int) -> str:
        people = "1 person" if differ == 1 else f"{differ} people"
        them = "that person's outcome" if differ == 1 else "those people's outcomes"
        return (f"{_group_name(name)} differs by {people} from {_group_name(other_name)} of the report published "
                f"on {other.published[:10]} as {display_path(other.report)} (record {other.id}), fewer than report.suppress_below "
                f"({threshold}): side by side, the two reports would give {them} by subtraction. Publish when "
                f"the groups differ by at least {threshold} people, or, if that report was withdrawn, say so "
                f"(publication: {{withdrawn: ['{other.id}']}})")

    # --- the record's files ----------------------------------------------------------------------

    def _entry(self, results: Results, groups: Groups, salt: bytes, fingerprint: str | None) -> Entry:
        hashed = {name: frozenset(hmac.new(salt, who.encode("utf-8"), hashlib.sha256).hexdigest()[:32] for who in people)
                  for name, people in groups.items()}
        evaluation = evaluation_of(self.loaded)
        canonical = json.dumps([evaluation, {k: sorted(v) for k, v in sorted(hashed.items())}], ensure_ascii=False)
        identity = hmac.new(salt, canonical.encode("utf-8"), hashlib.sha256).hexdigest()[:12]
        now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
        return Entry(identity, evaluation, now, str(self.destination.absolute()), results.suppress_below, fingerprint,
                     tuple(self.loaded.spec.publication.withdrawn), hashed, salt_id(salt))

    def _entries(self, salt: bytes) -> list[Entry]:
        entries = []
        for path in sorted(self.folder.glob("*.json")):
            where = display_path(path)
            try:
                data = json.loads(read_limited(path, where, ENTRY_LIMIT, follow_links=False))
                entries.append(Entry(data["id"], data["evaluation"], data["published"], data["report"],
                                     int(data["suppress_below"]), data.get("fingerprint"), tuple(data["withdraws"]),
                                     {k: frozenset(v) for k, v in data["groups"].items()}, data.get("salt_id")))
            except (ValueError, KeyError, TypeError, AttributeError):
                raise UserError(Problem(where, None, None, "", "this publication record entry is damaged; restore the "
                                        "record from where the national data is backed up")) from None
            if entries[-1].salt_id not in (None, salt_id(salt)):
                raise UserError(Problem(where, None, None, "", f"this entry was written with another salt than the "
                                        f"record's ({RECORD_FILE}): copied from another record, or the salt was "
                                        "replaced, so its groups could not be compared; restore the whole record "
                                        "(dot files included) from where the national data is backed up"))
        return entries

    def _withdrawn(self, entries: list[Entry]) -> set[str]:
        return set(self.loaded.spec.publication.withdrawn) | {w for e in entries for w in e.withdraws}

    def _salt(self) -> bytes:
        """The record's salt, made with the record when the spec says this is the first publication."""
        path = self.folder / RECORD_FILE
        if not path.exists():
            start_record(self.folder)
        try:
            return bytes.fromhex(json.loads(read_limited(path, display_path(path), 10_000, follow_links=False))["salt"])
        except (ValueError, KeyError, TypeError):
            raise UserError(Problem(display_path(path), None, None, "", "the publication record's salt is damaged; "
                                    "restore the record from where the national data is backed up")) from None

    @contextmanager
    def _lock(self) -> Iterator[None]:
        from filelock import FileLock, Timeout  # the system's own lock on every system, released when a run dies

        with os_errors(display_path(self.folder), "cannot use the publication record"):
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            lock = FileLock(self.folder / LOCK_FILE, timeout=LOCK_WAIT, mode=0o600)
            try:
                lock.acquire()
            except Timeout:
                self._refuse("publication.record", f"another run has held the publication record at "
                             f"{display_path(self.folder)} for {LOCK_WAIT:.0f} s; try again when it is done")
        try:
            yield
        finally:
            lock.release()

    def _check_place(self) -> None:
        """Never in a report folder (a run replaces it whole), never in the cache (safe to delete)."""
        from engine.run.cache import cache_root

        folder = self.folder.resolve()
        if folder.exists() and not folder.is_dir():
            self._refuse("publication.record", f"{display_path(folder)} is not a folder ({self._named_by()})")
        inside = [p for p in (folder, *folder.parents) if (p / MARKER).exists()]
        report = self.destination.absolute().resolve()
        if inside or report == folder or report in folder.parents or folder in report.parents:
            self._refuse("publication.record", f"the record at {display_path(folder)} ({self._named_by()}) would be "
                         "in a report folder, which a run replaces whole; keep it with the national data")
        cache = cache_root().absolute().resolve()
        if folder == cache or cache in folder.parents:
            self._refuse("publication.record", f"the record at {display_path(folder)} ({self._named_by()}) would be "
                         "in the results cache, which is safe to delete; keep it with the national data")

    def _check_first_here(self) -> None:
        """`first` where the report folder already holds a published report: that run was checked against a record
        that is not at this place (moved, or named otherwise), so a record started afresh would let this run
        differ from that report by a few people unchecked."""
        if (self.destination / MARKER).exists() and (self.destination / "results.json").is_file():
            self._refuse("publication.first", f"{display_path(self.destination)} already holds a published report, "
                         "so this is not the evaluation's first publication, and the record that report was checked "
                         f"against is not at {display_path(self.folder)} ({self._named_by()}): point "
                         "publication.record or JDLSPEC_RECORD_DIR at that record; if that report was a draft, or was "
                         "withdrawn and its record is lost, delete its folder first")

    def _named_by(self) -> str:
        if self.loaded.spec.publication.record is not None:
            return "named by publication.record"
        if self.named or os.environ.get("JDLSPEC_RECORD_DIR"):
            return "named by JDLSPEC_RECORD_DIR"
        return "the default, beside the reference data"

    def _refuse(self, key: str, message: str) -> None:
        found = key if key in self.loaded.positions else "publication"
        raise UserError(Problem(self.loaded.display, *self.loaded.locate(found), key, message))


def salt_id(salt: bytes) -> str:
    """Names a salt without giving it away: the entries made with it carry this."""
    return hmac.new(salt, b"jdlspec publication record", hashlib.sha256).hexdigest()[:16]


def start_record(folder: Path) -> None:
    """An empty record in `folder` (made, private to its owner): a new salt, no publication yet."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    _write_new(folder / RECORD_FILE, (json.dumps({"format": 1, "salt": secrets.token_hex(32)}) + "\n").encode("ascii"))


def record_folder(loaded: LoadedSpec, environment: str | None = None) -> Path:
    """publication.record (relative to the spec), else $JDLSPEC_RECORD_DIR (or `environment`, the value the
    command had), else beside the reference data."""
    named = loaded.spec.publication.record
    if named is not None:
        return loaded.resolve(os.path.expanduser(named))
    environment = environment or os.environ.get("JDLSPEC_RECORD_DIR")
    if environment:
        return Path(environment).expanduser().absolute()
    return loaded.resolve(loaded.spec.data.reference).parent / RECORD_DIR


def _group_name(name: str) -> str:
    return f"the {name[:80]} analysis's treatment group"


def _write_new(path: Path, data: bytes) -> None:
    """A new private file, written whole (beside, then renamed) and readable by its owner only."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    handle = os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0), 0o600)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
