"""`jdlspec check REPORT_DIR FILE...`: any document (a press release, newsletter or board paper in .docx,
Markdown, HTML or plain text) checked against a report's results.json by the same engine.

The document is read as its reader sees it (documents.py, html_text.py, docx_text.py): every visible
part, nothing hidden, one paragraph per block. A breach is reported where the user can find it: the
source line of a text format, the place in a .docx ("table 1, row 2, cell 3", "footnote 3").
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from engine.claims import Breach, Licence, find_breaches
from engine.commands.documents import (DOCX_LIMIT, FILE_LIMITS, FORMATS, MB, Block, DocumentError, decode, engine_text,
                                       plain_blocks, read_limited)
from engine.errors import Problem, UserError, display_path
from engine.results import Results
from engine.results_check import read_report_results

CAN_SAY = re.compile(r"^### What you can say about (.+):\s*\n+- ✓ \"(.+)\"\s*$", re.MULTILINE)
CANNOT_SAY = re.compile(r'^✗ "(.+)"$')
RESULTS_LIMIT, REPORT_LIMIT = 20 * MB, 5 * MB  # results.json and report.md are tens of kilobytes


def document_blocks(path: Path) -> list[Block]:
    """The visible blocks of a document, by its format (its extension); other formats are refused."""
    suffix = path.suffix.lower()
    if suffix not in FILE_LIMITS:
        kind = f"{suffix} files" if suffix else "files without an extension"
        raise DocumentError(f"jdlspec check does not read {kind}: it reads {FORMATS} (save the document as one "
                            "of these)")
    data = read_limited(path, FILE_LIMITS[suffix])
    if suffix == ".docx":
        from engine.commands.docx_text import docx_blocks

        return docx_blocks(data)
    text = decode(data, html=suffix in (".html", ".htm"))
    if suffix == ".txt":
        return plain_blocks(text)
    from engine.commands.html_text import html_blocks, markdown_blocks

    return markdown_blocks(text) if suffix in (".md", ".markdown") else html_blocks(text)


def _report_file(path: Path, limit: int, needed: str) -> str | None:
    """A report folder's file as text (UTF-8, as jdlspec writes it): None when it is not there; refused in one
    line when unreadable."""
    if not path.exists() and not path.is_symlink():
        if needed:
            raise UserError(Problem(display_path(path.parent), None, None, "", needed))
        return None
    try:
        data = read_limited(path, limit)
    except DocumentError as error:
        raise UserError(Problem(display_path(path), None, None, "", f"cannot read it: {error}")) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UserError(Problem(display_path(path), None, None, "", f"not UTF-8 text (byte {error.start + 1}): not "
                                "the file `jdlspec run` wrote (run it again)")) from None


def report_licence(folder: Path) -> Licence:
    """The licence of a report folder: its results.json, and its own ✓ sentences as the alternatives."""
    results_path = folder / "results.json"
    text = _report_file(results_path, RESULTS_LIMIT, "no results.json here: give the folder `jdlspec run` wrote "
                        "(reports/<spec name>/)")
    try:
        results = Results.from_json(text)
    except (ValueError, RecursionError) as error:
        reason = (str(error) or type(error).__name__).splitlines()[0]
        raise UserError(Problem(display_path(results_path), None, None, "",
                                f"not a jdlspec results file ({reason})")) from None
    results = read_report_results(folder)  # its consistency, digest and bounds (engine.results_check)
    return licence_of(results, _report_file(folder / "report.md", REPORT_LIMIT, ""))


def licence_of(results: Results, report: str | None) -> Licence:
    """The licence of results, with the report's own ✓ sentences (its Markdown, when there is one) as the
    alternatives a refusal offers."""
    can_say = {}
    if report is not None:
        from engine.words.texts import labels

        about = {v["about"]: m for m, v in labels()["measures"].items()}
        for heading, sentence in CAN_SAY.findall(report):
            if heading in about:
                can_say[about[heading]] = sentence
    return Licence.from_results(results, can_say)


def quotations_of(report: str | None) -> tuple[str, ...]:
    """The report's own "What you cannot say" sentences, as a reader sees them: a document that shows one as the
    report does (a line of its own: ✗ "...") quotes what may not be said; anywhere else it is read as a claim."""
    if report is None:
        return ()
    from engine.commands.html_text import markdown_blocks

    lines = [block[0].text.strip() for block in markdown_blocks(report) if len(block) == 1]
    return tuple(found.group(1) for line in lines if (found := CANNOT_SAY.match(line)))


def check_text(text: str, licence: Licence, quoted: tuple[str, ...] = ()) -> list[Breach]:
    """Every sentence of a document's visible text (documents.engine_text) that the licence refuses."""
    return find_breaches(text, licence, quoted=quoted)


def check_documents(folder: Path, paths: list[Path]) -> list[Problem]:
    """One Problem per breach, at its place in the document ('press.md:7: ...', 'press.docx: table 1, row 2,
    cell 3: ...'); a document that cannot be read is one too."""
    licence = report_licence(folder)
    quoted = quotations_of(_report_file(folder / "report.md", REPORT_LIMIT, ""))
    problems = []
    for path in paths:
        shown = display_path(path)
        try:
            text, places = engine_text(document_blocks(path))
            other = _other_results(path, folder)
        except DocumentError as error:
            problems.append(Problem(shown, None, None, "", f"cannot check it: {error}"))
            continue
        if other:
            problems.append(Problem(shown, None, None, "", other))
        for breach in check_text(text, licence, quoted):
            place = places[breach.line] if 0 < breach.line < len(places) else None
            if isinstance(place, int):
                problems.append(Problem(shown, place, None, "", breach.message))
            else:
                problems.append(Problem(shown, None, None, place or "", breach.message))
    return problems


def _other_results(path: Path, folder: Path) -> str | None:
    """Why a report.docx that `jdlspec run --docx` made from other results than the folder's is checked against
    the wrong folder (its properties record its results.json's SHA-256); None for any other document."""
    if path.suffix.lower() != ".docx":
        return None
    from engine.commands.docx_package import Budget, Package
    from engine.render.word import HASH_IN_PROPERTIES

    package = Package(read_limited(path, FILE_LIMITS[".docx"]), Budget(DOCX_LIMIT))
    for part in package.related("", "core-properties"):
        if not package.has(part):
            continue
        recorded = next((found.group(1) for element in package.xml(part).iter() if isinstance(element.tag, str)
                         and element.tag.endswith("}identifier")
                         and (found := HASH_IN_PROPERTIES.fullmatch((element.text or "").strip()))), None)
        if recorded is None:
            return None
        own = hashlib.sha256((folder / "results.json").read_bytes()).hexdigest()
        if recorded != own:
            return (f"was made by jdlspec run --docx from other results (results.json SHA-256 {recorded[:12]}…) than "
                    f"{display_path(folder)}'s ({own[:12]}…): check it against the report folder it came from")
    return None
