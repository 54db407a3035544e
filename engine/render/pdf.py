"""report.pdf on request (`jdlspec run --pdf`), printed by headless Chromium from report.html.

Why Chromium: the PDF is then exactly what a reader gets printing the HTML from a browser (one
print stylesheet, A4 @page rules, no second layout engine to keep in step), CI already installs
it for the browser test, and it needs no Python dependency, so the README's set-up works on a
machine without it. WeasyPrint would need Pango and its own CSS support.

Repeatable bytes: Skia stamps the print time as /CreationDate and /ModDate; both are replaced by a
fixed date of the same length, so the xref offsets stay right and reruns give identical files.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from engine.errors import Problem, UserError

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FIXED_DATE = b"20000101000000"  # YYYYMMDDHHmmSS, as long as any date it replaces
PDF_DATE = re.compile(rb"(/(?:CreationDate|ModDate) ?\(D:)[0-9]{14}")
TIMEOUT = 180  # seconds: a hung browser fails the run instead of hanging it
NO_ENGINE = ("--pdf needs Chromium to print the report (on Debian/Ubuntu: apt-get install chromium; or set "
             "JDLSPEC_CHROMIUM to a Chrome or Chromium program); the HTML report prints the same from any browser")


def pdf_engine() -> str | None:
    """The Chromium program to print with: $JDLSPEC_CHROMIUM, else the first browser on the PATH."""
    chosen = os.environ.get("JDLSPEC_CHROMIUM")
    if chosen:
        return shutil.which(chosen)
    return next((found for name in BROWSERS if (found := shutil.which(name))), None)


def require_pdf_engine() -> str:
    """The engine, or a UserError saying how to get one (checked before any statistics are run); a
    JDLSPEC_CHROMIUM that names no program is named, since it is what the user must correct."""
    engine = pdf_engine()
    if engine is None:
        chosen = os.environ.get("JDLSPEC_CHROMIUM")
        if chosen:
            raise UserError(Problem("--pdf", None, None, "", f"JDLSPEC_CHROMIUM is set to '{chosen}', which is not "
                                    "a program on this machine; set it to a Chrome or Chromium program, or unset it "
                                    "to use the chromium on the PATH"))
        raise UserError(Problem("--pdf", None, None, "", NO_ENGINE))
    return engine


def html_to_pdf(html_text: str, engine: str | None = None) -> bytes:
    """The report printed to an A4 PDF, with no time in its bytes."""
    engine = engine or require_pdf_engine()
    with tempfile.TemporaryDirectory(prefix="jdlspec-pdf-") as folder:
        page, pdf = Path(folder) / "report.html", Path(folder) / "report.pdf"
        page.write_text(html_text, encoding="utf-8")
        command = [
            engine, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--no-pdf-header-footer", f"--user-data-dir={Path(folder) / 'profile'}", f"--print-to-pdf={pdf}",
            # print only when every image is decoded and laid out, however busy the machine: the same bytes each time
            "--run-all-compositor-stages-before-draw", "--virtual-time-budget=10000",
            page.as_uri(),
        ]
        try:
            subprocess.run(command, capture_output=True, timeout=TIMEOUT, check=False)
        except (OSError, subprocess.TimeoutExpired) as error:
            raise UserError(Problem("--pdf", None, None, "", f"Chromium could not print the report ({error})")) from None
        if not pdf.is_file() or pdf.stat().st_size == 0:
            raise UserError(Problem("--pdf", None, None, "", f"Chromium ({engine}) did not write a PDF"))
        printed = pdf.read_bytes()
        if not is_pdf(printed):
            raise UserError(Problem("--pdf", None, None, "", f"{engine} wrote a file that is not a PDF (it starts "
                                    f"{printed[:8]!r}), so no report.pdf was published; is it a Chrome or "
                                    "Chromium program?"))
        return normalise(printed)


def is_pdf(data: bytes) -> bool:
    """A PDF file starts with its header and ends with its end-of-file mark (trailing blank bytes allowed)."""
    return data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:]


def normalise(pdf: bytes) -> bytes:
    """Fixed creation and modification dates (same length, so every byte offset stays right)."""
    return PDF_DATE.sub(lambda match: match.group(1) + FIXED_DATE, pdf)
