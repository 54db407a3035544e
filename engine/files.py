"""Writing files the user can trust: one located line for any operating-system failure, and files that
jdlspec replaces only when it wrote them (`synth`, `schema`, `new`). Report folders are published
by engine.run.publish, on top of these."""

from __future__ import annotations

import errno
import os
from contextlib import contextmanager
from pathlib import Path

from engine.errors import Problem, UserError, display_path

OS_REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EROFS: "the file system is read-only",
    errno.ENOTDIR: "a folder in its path is a file",
    errno.EEXIST: "a folder in its path is a file",
    errno.EBUSY: "it is in use or a mount point",
    errno.EXDEV: "it is a mount point or on another file system",
    errno.ENAMETOOLONG: "the name is too long",
}


@contextmanager
def os_errors(where: str, doing: str):
    """Any OSError inside becomes one located line for the user: '<where>: <doing>: <reason>'."""
    try:
        yield
    except UserError:
        raise
    except OSError as error:
        reason = OS_REASONS.get(error.errno) or (error.strerror or str(error)).lower()
        raise UserError(Problem(where, None, None, "", f"{doing}: {reason}")) from None


def write_owned_file(path: Path, data: bytes, is_ours, force: bool, what: str) -> None:
    """Write one file (for `synth` and `schema`): an existing file is replaced only when `is_ours(path)`
    says this command wrote it, or with --force. Written beside and renamed, so a failure keeps the old."""
    path = Path(path)
    where = display_path(path)
    with os_errors(where, f"cannot write the {what}"):
        check_owned_file(path, is_ours, force, what)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.parent / f".{path.name}.tmp-{os.getpid()}"
        try:
            temporary.write_bytes(data)
            os.replace(temporary, path)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise


def check_owned_file(path: Path, is_ours, force: bool, what: str) -> None:
    """Refuse, before anything is written, a file write_owned_file would not replace."""
    where = display_path(path)
    with os_errors(where, f"cannot write the {what}"):
        if path.is_dir():
            refuse(where, f"is a folder; give a file name for the {what}")
        if (path.exists() or path.is_symlink()) and not force:
            if path.is_symlink() or not path.is_file() or not is_ours(path):
                refuse(where, "exists and was not written by jdlspec; it will not be overwritten "
                               "(use --force to replace it)")
        if any(parent.exists() and not parent.is_dir() for parent in path.parents):
            refuse(where, "a folder in its path is a file")


def refuse(where: str, message: str) -> None:
    raise UserError(Problem(file=where, line=None, column=None, where="", message=message))
