"""report.pdf is one of the report's files: a folder written with --pdf is replaced by a plain run and the
reverse; a "PDF" that is not one is refused; a JDLSPEC_CHROMIUM that names no program is named."""

from __future__ import annotations

import stat
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from engine.cli import app
from engine.run.publish import MARKER

ROOT = Path(__file__).resolve().parents[2]
PRINTER = """#!{python}
import sys
target = next(a.split("=", 1)[1] for a in sys.argv if a.startswith("--print-to-pdf="))
open(target, "wb").write({content!r})
"""


def fake_browser(folder: Path, content: bytes) -> Path:
    """A program that answers Chromium's print command line by writing `content` as the PDF."""
    program = folder / "fake-chromium"
    program.write_text(PRINTER.format(python=sys.executable, content=content), encoding="utf-8")
    program.chmod(program.stat().st_mode | stat.S_IXUSR)
    return program


def run(out: Path, *options: str):
    return CliRunner().invoke(app, ["run", str(ROOT / "specs" / "lpt.yaml"), "--out", str(out), "-q", *options])


def files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.is_file() and p.name != MARKER)


@pytest.mark.parametrize("first_pdf", [True, False], ids=["pdf-then-plain", "plain-then-pdf"])
def test_a_pdf_run_and_a_plain_run_replace_each_other(tmp_path, monkeypatch, first_pdf):
    monkeypatch.setenv("JDLSPEC_CHROMIUM", str(fake_browser(tmp_path, b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n")))
    out = tmp_path / "report"
    first = run(out, *(["--pdf"] if first_pdf else []))
    assert first.exit_code == 0, first.output
    second = run(out, *([] if first_pdf else ["--pdf"]))
    assert second.exit_code == 0, second.output
    plain = ["annex.xlsx", "report.html", "report.md", "results.json"]
    assert files(out) == (plain if first_pdf else sorted(plain + ["report.pdf"]))
    if not first_pdf:
        assert (out / "report.pdf").read_bytes().startswith(b"%PDF-1.4")
        assert "report.pdf" in second.output  # the summary lists it


def test_a_printer_that_writes_something_else_is_refused_and_nothing_is_published(tmp_path, monkeypatch):
    monkeypatch.setenv("JDLSPEC_CHROMIUM", str(fake_browser(tmp_path, b"<html>not a pdf</html>")))
    result = run(tmp_path / "report", "--pdf")
    assert result.exit_code == 1
    assert "fake-chromium wrote a file that is not a PDF (it starts b'<html>no')" in result.output
    assert not (tmp_path / "report").exists()


def test_a_set_but_missing_chromium_is_named(tmp_path, monkeypatch):
    monkeypatch.setenv("JDLSPEC_CHROMIUM", "/opt/nowhere/chromium")
    result = run(tmp_path / "report", "--pdf")
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        "--pdf: JDLSPEC_CHROMIUM is set to '/opt/nowhere/chromium', which is not a program on this machine; set it "
        "to a Chrome or Chromium program, or unset it to use the chromium on the PATH")
    assert not (tmp_path / "report").exists()
