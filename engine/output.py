"""Publishing a report folder all at once, so a failed run never leaves half a report.

Every file is written into a temporary folder beside the destination (same filesystem, so the
final step is a rename), then the old report is renamed aside, the new one renamed into place,
and the old one deleted. Any failure before the swap deletes the temporary folder and leaves the
old report as it was; a failure during the swap puts the old report back.

Because publishing deletes the previous folder, it refuses a destination that does not look like
a jdlspec report: a folder holding anything other than a report's files, or lacking results.json.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path, PurePosixPath

from engine.errors import Problem, UserError, display_path

REPORT_FILES = {"results.json", "report.md", "report.html", "annex.xlsx"}
CHART_FOLDER = "charts"


def publish(out_dir: Path, files: dict[str, bytes]) -> Path:
    """Write `files` (relative POSIX names -> bytes) as the folder out_dir, replacing a previous report."""
    given = Path(out_dir)
    out_dir = given.absolute()  # so 'reports/lpt', '.' and 'x/..' all have a real parent and name
    if given.resolve() == Path.cwd().resolve() or not out_dir.name or out_dir.name in (".", ".."):
        _refuse(display_path(given), "is the working folder; choose an output folder inside it")
    out_dir = out_dir.parent.resolve() / out_dir.name
    names = [_checked_name(name) for name in sorted(files)]
    _check_destination(out_dir, names)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    temporary = out_dir.parent / f".{out_dir.name}.tmp-{os.getpid()}"
    backup = out_dir.parent / f".{out_dir.name}.old-{os.getpid()}"
    for leftover in (temporary, backup):  # from an earlier run that died with this same process id
        if leftover.exists():
            shutil.rmtree(leftover)
    try:
        temporary.mkdir()
        for name in names:
            target = temporary.joinpath(*PurePosixPath(name).parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            data = files[name]
            if not isinstance(data, (bytes, bytearray)):
                raise TypeError(f"report file {name} is {type(data).__name__}, not bytes")
            target.write_bytes(data)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    _swap(temporary, out_dir, backup)
    return given


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
    """A plain relative name such as 'charts/rate.png' (never '..', never absolute)."""
    path = PurePosixPath(name)
    if path.is_absolute() or not path.parts or any(part in ("", ".", "..") for part in path.parts) or "\\" in name:
        raise ValueError(f"not a relative report file name: {name!r}")
    return name


def _check_destination(out_dir: Path, names: list[str]) -> None:
    """Refuse to replace anything but a folder jdlspec wrote (so nobody's folder is deleted by mistake)."""
    if not out_dir.exists() and not out_dir.is_symlink():
        return
    where = display_path(out_dir)
    if out_dir.is_symlink() or not out_dir.is_dir():
        _refuse(where, "exists and is not a folder; choose another output folder or remove it")
    entries = sorted(out_dir.iterdir())
    if not entries:
        return
    expected = REPORT_FILES | {PurePosixPath(n).parts[0] for n in names if len(PurePosixPath(n).parts) == 1}
    if not (out_dir / "results.json").is_file():
        _refuse(where, "is not a jdlspec report folder (no results.json), so it will not be replaced; "
                       "choose another output folder or empty it")
    for entry in entries:
        if entry.name == CHART_FOLDER and entry.is_dir() and not entry.is_symlink():
            stray = [p for p in sorted(entry.iterdir()) if p.suffix != ".png" or not p.is_file() or p.is_symlink()]
            if stray:
                _refuse(where, f"holds {display_path(stray[0])}, which jdlspec did not write, so it will not be "
                               "replaced; move that file or choose another output folder")
        elif entry.name not in expected or not entry.is_file() or entry.is_symlink():
            _refuse(where, f"holds {entry.name}, which jdlspec did not write, so it will not be replaced; "
                           "move that file or choose another output folder")


def _refuse(where: str, message: str) -> None:
    raise UserError(Problem(file=where, line=None, column=None, where="", message=message))
