"""The one place that writes files safely: report folders, and the files `synth` and `schema` make.

A report folder is published all at once. Every file is written into a hidden temporary folder
beside the destination (same filesystem, so the final step is a rename), then the old report is
renamed aside, the new one renamed into place, and the old one deleted. Any failure before the
swap deletes the temporary folder and leaves the old report as it was; a failure during the swap
puts the old report back.

Nobody else's folder is ever replaced: every report folder holds a marker file (MARKER) naming
the engine and listing, as its manifest, every file the run wrote with its SHA-256. An existing folder
is replaced only when it holds that marker and nothing else: a file the manifest does not list (a
user's charts/our_logo.png) is refused as someone else's, a listed file changed since (an annex
re-saved in Excel) is refused by name, and an office lock file (~$annex.xlsx) is reported as a file
still open. (A marker without a manifest, from a jdlspec before manifests, allows the names of
REPORT_FILES and charts/*.png.) The marker is not tied to the spec (a spec may change between runs).

Two runs writing the same folder at once: a lock file beside it, held with the operating system's own
lock (filelock: flock, or Windows' file locking, which the system releases when the process ends,
however it ends), lets one in and refuses the other. The holder deletes the file before letting go
(filelock drops a lock taken on a file deleted meanwhile, so two runs never hold one name). Whoever
holds the lock knows every hidden temporary folder of that destination is a leftover of a killed
run and deletes it; a run killed between its two renames left the old report aside, and it is put
back.

Every operating-system failure (a full disk, a parent that is a file, a read-only folder, a mount
point) becomes one plain line and exit 1, never a traceback.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from contextlib import contextmanager, suppress
from pathlib import Path, PurePosixPath

from engine.errors import display_path
from engine.files import os_errors, refuse

MARKER = ".jdlspec-report"
MARKER_TEXT = b"This folder was written by jdlspec; jdlspec replaces it whole on the next run.\n"
# The one list of the files jdlspec writes into a folder it publishes (a report, with report.pdf and
# report.docx when asked for, or a bulletin), in the order the run's summary names them. Whatever writes or reads a
# report folder takes the names from here, so a folder one run wrote is always one the next may replace.
REPORT_FILES = ("report.html", "report.pdf", "report.docx", "report.md", "annex.xlsx", "results.json")
BULLETIN_FILES = ("bulletin.md", "bulletin.html")
CHART_FOLDER = "charts"  # charts/<measure>.png
WRITTEN = frozenset(REPORT_FILES + BULLETIN_FILES + (MARKER,))


def publish(out_dir: Path, files: dict[str, bytes]) -> Path:
    """Write `files` (relative POSIX names -> bytes) as the folder out_dir, replacing a previous report."""
    given = Path(out_dir)
    names = [_checked_name(name) for name in sorted(files)]
    for name in names:
        if not isinstance(files[name], (bytes, bytearray)):
            raise TypeError(f"report file {name} is {type(files[name]).__name__}, not bytes")
    with os_errors(display_path(given), "cannot write the report folder"):
        out_dir = report_folder(given)
        _check_destination(out_dir)
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        with folder_lock(out_dir):
            _check_destination(out_dir)  # again, now that nobody else is writing it
            _write_and_swap(out_dir, {**{n: files[n] for n in names}, MARKER: manifest(files)})
    return given


def report_folder(given: Path) -> Path:
    """The absolute folder a report goes to; the working folder itself (or '.', '..') is refused."""
    out_dir = Path(given).absolute()  # so 'reports/lpt', '.' and 'x/..' all have a real parent and name
    if Path(given).resolve() == Path.cwd().resolve() or not out_dir.name or out_dir.name in (".", ".."):
        refuse(display_path(given), "is the working folder; choose an output folder inside it")
    return out_dir.parent.resolve() / out_dir.name


def _write_and_swap(out_dir: Path, files: dict[str, bytes]) -> None:
    temporary = out_dir.parent / f".{out_dir.name}.tmp-{os.getpid()}"
    backup = out_dir.parent / f".{out_dir.name}.old-{os.getpid()}"
    _clean_leftovers(out_dir)
    try:
        temporary.mkdir()
        for name, data in files.items():
            target = temporary.joinpath(*PurePosixPath(name).parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    _swap(temporary, out_dir, backup)


def _swap(temporary: Path, out_dir: Path, backup: Path) -> None:
    """Old report aside, new one in, old one deleted; the old one comes back if the rename fails."""
    had_old = out_dir.exists()
    if had_old:
        try:
            os.rename(out_dir, backup)
        except BaseException:
            shutil.rmtree(temporary, ignore_errors=True)
            raise
    try:
        os.rename(temporary, out_dir)
    except BaseException:
        if had_old:
            os.rename(backup, out_dir)
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    if had_old:
        shutil.rmtree(backup, ignore_errors=True)


def _checked_name(name: str) -> str:
    """A name of the manifest above, or 'charts/<name>.png' (never '..', never absolute)."""
    path = PurePosixPath(name)
    if path.is_absolute() or not path.parts or any(part in ("", ".", "..") for part in path.parts) or "\\" in name:
        raise ValueError(f"not a relative report file name: {name!r}")
    listed = name in WRITTEN or (len(path.parts) == 2 and path.parts[0] == CHART_FOLDER and path.suffix == ".png")
    if not listed:
        raise ValueError(f"{name!r} is not among the files jdlspec writes (engine/run/publish.py REPORT_FILES)")
    return name


def manifest(files: dict[str, bytes]) -> bytes:
    """The marker's text and, one line each, the SHA-256 and name of every file written."""
    lines = [f"{hashlib.sha256(data).hexdigest()}  {name}\n" for name, data in sorted(files.items()) if name != MARKER]
    return MARKER_TEXT + "".join(lines).encode("utf-8")


def _listed(marker: Path) -> dict[str, str] | None:
    """The manifest's name -> SHA-256; None for a marker written before manifests (or unreadable as one)."""
    with marker.open("rb") as handle:
        text = handle.read(1 << 20).decode("utf-8", errors="replace")
    found = dict(reversed(m.groups()) for m in re.finditer(r"^([0-9a-f]{64})  (.+)$", text, re.MULTILINE))
    return found or None


def _check_destination(out_dir: Path) -> None:
    """Refuse to replace anything but a folder jdlspec wrote (so nobody's folder is deleted by mistake)."""
    if not out_dir.exists() and not out_dir.is_symlink():
        return
    where = display_path(out_dir)
    if out_dir.is_symlink() or not out_dir.is_dir():
        refuse(where, "exists and is not a folder; choose another output folder or remove it")
    if os.path.ismount(out_dir):
        refuse(where, "is a mount point, which cannot be replaced; choose a folder inside it")
    entries = sorted(out_dir.iterdir())
    if not entries:
        return
    marker = out_dir / MARKER
    if not marker.is_file() or marker.is_symlink():
        refuse(where, f"was not written by jdlspec (it has no {MARKER} file), so it will not be replaced; "
                       "choose another output folder or empty it")
    for entry in sorted(out_dir.rglob("~$*")):
        refuse(where, f"holds {entry.relative_to(out_dir).as_posix()}, the lock file Excel or Word keeps while a file is "
                      "open: close this report's files (annex.xlsx, report.docx), then run again")
    listed = _listed(marker)
    if listed is not None:
        _check_listed(out_dir, listed)
        return
    for entry in entries:
        if entry.name == CHART_FOLDER and entry.is_dir() and not entry.is_symlink():
            stray = [p for p in sorted(entry.iterdir()) if p.suffix != ".png" or not p.is_file() or p.is_symlink()]
            if stray:
                refuse(where, f"holds {display_path(stray[0])}, which jdlspec did not write, so it will not be "
                               "replaced; move that file or choose another output folder")
        elif entry.name not in WRITTEN or not entry.is_file() or entry.is_symlink():
            refuse(where, f"holds {entry.name}, which jdlspec did not write, so it will not be replaced; "
                           "move that file or choose another output folder")


def _check_listed(out_dir: Path, listed: dict[str, str]) -> None:
    """Every file is one the manifest lists, as jdlspec wrote it."""
    where = display_path(out_dir)
    for entry in sorted(out_dir.rglob("*")):
        name = entry.relative_to(out_dir).as_posix()
        if name == MARKER or (name == CHART_FOLDER and entry.is_dir() and not entry.is_symlink()):
            continue
        if name not in listed or entry.is_symlink() or not entry.is_file():
            refuse(where, f"holds {name}, which jdlspec did not write, so it will not be replaced; move that file "
                          "or choose another output folder")
        digest = hashlib.sha256()
        with entry.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        if digest.hexdigest() != listed[name]:
            refuse(where, f"holds {name}, changed since jdlspec wrote it (saved again in another program?), so "
                          "it will not be replaced; move it out of the folder to keep your version, or delete it")


@contextmanager
def folder_lock(out_dir: Path):
    """Hold `.<name>.lock` beside out_dir while writing it; refuse when another run holds it."""
    from filelock import Timeout  # imported when a folder is written: 50 ms that no other command pays

    path = out_dir.parent / f".{out_dir.name}.lock"
    lock = _file_lock(path)
    try:
        lock.acquire()
    except Timeout:
        holder = _lock_holder(path)
        refuse(display_path(out_dir), f"another jdlspec run{f' (process {holder})' if holder else ''} is "
                                       "writing this folder; wait for it to finish and run again")
    try:
        yield
    finally:
        with suppress(OSError):  # Windows deletes it on release instead
            path.unlink(missing_ok=True)
        lock.release()


def _file_lock(path: Path):
    """A lock that never waits, writing its holder's process id (for the message above) into the file."""
    from filelock import FileLock

    try:
        return FileLock(path, timeout=0, on_acquired=_write_holder)
    except ValueError:  # a soft lock (no flock on this system) writes its holder's process id itself
        return FileLock(path, timeout=0)


def _write_holder(handle: int) -> None:
    os.ftruncate(handle, 0)
    os.lseek(handle, 0, os.SEEK_SET)
    os.write(handle, f"{os.getpid()}\n".encode("ascii"))


def _lock_holder(path: Path) -> int | None:
    """The process id on the lock file's first line, if the holder has written it (and the system lets us read it)."""
    try:
        with open(path, "rb") as handle:
            text = handle.readline(32).decode("ascii", errors="replace").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


def _clean_leftovers(out_dir: Path) -> None:
    """Under the lock, every hidden .tmp/.old folder of this destination is a killed run's: delete them,
    after putting back an old report that a run killed between its two renames left aside."""
    pattern = re.compile(rf"^\.{re.escape(out_dir.name)}\.(?:tmp|old)-\d+$")
    found = [e for e in out_dir.parent.iterdir() if pattern.match(e.name) and e.is_dir() and not e.is_symlink()]
    backups = sorted((e for e in found if ".old-" in e.name), key=lambda e: e.stat().st_mtime)
    if backups and not out_dir.exists() and not out_dir.is_symlink():
        os.rename(backups[-1], out_dir)
        found.remove(backups[-1])
    for entry in found:
        shutil.rmtree(entry, ignore_errors=True)
