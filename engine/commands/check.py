"""`jdlspec check REPORT_DIR FILE...`: any document (a press release, newsletter or board paper in
Markdown, plain text or .docx) checked against a report's results.json by the same engine."""

from __future__ import annotations

import re
from pathlib import Path

from engine.claims import Licence, find_breaches
from engine.errors import Problem, UserError, display_path
from engine.results import Results

CAN_SAY = re.compile(r"^### What you can say about (.+):\s*\n+- ✓ \"(.+)\"\s*$", re.MULTILINE)


def document_text(path: Path) -> str:
    """The document's text, one paragraph a line for .docx."""
    if path.suffix.lower() == ".docx":
        from docx import Document  # python-docx, only when a .docx is checked

        return "\n\n".join(p.text for p in Document(str(path)).paragraphs)
    return path.read_text(encoding="utf-8-sig")


def report_licence(folder: Path) -> Licence:
    """The licence of a report folder: its results.json, and its own ✓ sentences as the alternatives."""
    results_path = folder / "results.json"
    if not results_path.is_file():
        raise UserError(Problem(display_path(folder), None, None, "", "no results.json here: give the folder "
                                "`jdlspec run` wrote (reports/<spec name>/)"))
    try:
        results = Results.from_json(results_path.read_text(encoding="utf-8"))
    except ValueError as error:
        raise UserError(Problem(display_path(results_path), None, None, "",
                                f"not a jdlspec results file ({str(error).splitlines()[0]})")) from None
    can_say = {}
    report = folder / "report.md"
    if report.is_file():
        from engine.words.texts import labels

        about = {v["about"]: m for m, v in labels()["measures"].items()}
        for heading, sentence in CAN_SAY.findall(report.read_text(encoding="utf-8")):
            if heading in about:
                can_say[about[heading]] = sentence
    return Licence.from_results(results, can_say)


def check_documents(folder: Path, paths: list[Path]) -> list[Problem]:
    """One Problem per breach, 'file:line: message'; a missing or unreadable file is one too."""
    licence = report_licence(folder)
    problems = []
    for path in paths:
        try:
            text = document_text(path)
        except (OSError, UnicodeDecodeError, ValueError) as error:
            problems.append(Problem(display_path(path), None, None, "", f"cannot read it ({error})"))
            continue
        for breach in find_breaches(text, licence):
            problems.append(Problem(display_path(path), breach.line, None, "", breach.message))
    return problems
