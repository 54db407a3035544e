"""`jdlspec new NAME`: a commented spec and a submission template to start an evaluation from.

The spec's must-supply texts are 'FILL IN' placeholders that validate refuses (engine.spec.placeholders),
and it names no service: identity comes only from what the writer puts in `service` and `report`.
Nothing that exists is ever overwritten: both files are checked before either is written.
"""

from __future__ import annotations

import re
import shlex
import unicodedata
from pathlib import Path

from engine.errors import Problem, UserError, display_path
from engine.inputs.values import SUBMISSION_EXAMPLE, SUBMISSION_HEADER

TEMPLATE = Path(__file__).resolve().parent / "new_spec.yaml"
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
MAX_NAME = 100  # "<name>_submission_template.csv" must fit the 255 bytes a file name may have, with room
WINDOWS_RESERVED = re.compile(r"^(CON|PRN|AUX|NUL|COM[0-9]|LPT[0-9])$", re.IGNORECASE)  # files Windows cannot hold
SCHEMA_FILE = "jdlspec.schema.json"


def spec_text(name: str, with_schema: bool) -> str:
    """The commented spec for an evaluation called `name`."""
    text = TEMPLATE.read_text(encoding="utf-8").replace("NAME", name)
    return (f"# yaml-language-server: $schema={SCHEMA_FILE}\n" + text) if with_schema else text


def submission_template() -> str:
    """The submission's header row and one example row (dates as YYYY-MM-DD)."""
    return ",".join(SUBMISSION_HEADER) + "\n" + ",".join(SUBMISSION_EXAMPLE) + "\n"


def plain_name(text: str) -> str:
    """A name that would be accepted, made from what was typed: 'Family Links' -> 'family_links'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9_-]+", "_", ascii_text).strip("_-").lower() or "mentoring_2025"


def name_problem(name: str) -> str | None:
    """Why `name` cannot be an evaluation's name, with the command that would work; None when it can."""
    if NAME.match(name) and len(name) <= MAX_NAME and not WINDOWS_RESERVED.match(name):
        return None
    if len(name) > MAX_NAME:
        return f"a name has at most {MAX_NAME} characters (it becomes file names), e.g. {plain_name(name[:40])}"
    if WINDOWS_RESERVED.match(name):
        return (f"'{name}' is a device name on Windows, where {name}.yaml cannot be a file; choose another name, "
                f"e.g. {name.lower()}_evaluation")
    if "/" in name or "\\" in name:
        where = Path(name.replace("\\", "/"))
        return (f"a name, not a path: to write it in a folder, run "
                f"`jdlspec new {plain_name(where.name)} --dir {shlex.quote(where.parent.as_posix())}`")
    return ("a name is letters, digits, '-' and '_' only (it becomes the file name and the report folder), "
            f"e.g. {plain_name(name)}")


def clash(path: Path) -> Problem | None:
    """The file exists, or one whose name differs only in case (the same file on Windows and macOS)."""
    if path.exists():
        return Problem(display_path(path), None, None, "", "already exists; nothing was written "
                       "(choose another name, or move the file away first)")
    others = [o for o in path.parent.iterdir() if o.name.lower() == path.name.lower()] if path.parent.is_dir() else []
    if others:
        return Problem(display_path(path), None, None, "", f"{others[0].name} already exists, a name differing only "
                       "in case (the same file on Windows and macOS); nothing was written (choose another name)")
    return None


def new_evaluation(name: str, folder: Path) -> list[Path]:
    """Write folder/NAME.yaml and folder/data/NAME_submission_template.csv; returns the paths. Both or
    neither: a file that cannot be written takes back the other, and a data folder made for them."""
    problem = name_problem(name)
    if problem is not None:
        raise UserError(Problem(name[:MAX_NAME] + ("…" if len(name) > MAX_NAME else ""), None, None, "", problem))
    spec = folder / f"{name}.yaml"
    template = folder / "data" / f"{name}_submission_template.csv"
    from engine.files import os_errors

    with os_errors(display_path(folder), "cannot write the new evaluation"):
        clashes = [found for path in (spec, template) if (found := clash(path))]
        if clashes:
            raise UserError(clashes)
        texts = {spec: spec_text(name, (folder / SCHEMA_FILE).is_file()), template: submission_template()}
        made_folders = [p for p in (template.parent, *template.parent.parents) if not p.exists()]
        made: list[Path] = []
        try:
            template.parent.mkdir(parents=True, exist_ok=True)
            for path in texts:  # "x": never replace a file made meanwhile; both exist before either is filled
                path.open("x").close()
                made.append(path)
            for path, text in texts.items():
                path.write_text(text, encoding="utf-8", newline="")
        except BaseException:
            for path in made:
                path.unlink(missing_ok=True)
            for path in made_folders:
                if path.is_dir() and not any(path.iterdir()):
                    path.rmdir()
            raise
    return [spec, template]
