"""`jdlspec check`: the README's example press release against the LPT golden results."""

from __future__ import annotations

import shutil
from pathlib import Path

from typer.testing import CliRunner

from engine.cli import app

ROOT = Path(__file__).resolve().parents[2]


def report_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "reports" / "lpt"
    folder.mkdir(parents=True)
    shutil.copyfile(ROOT / "tests" / "golden" / "lpt.results.json", folder / "results.json")
    shutil.copyfile(ROOT / "tests" / "golden" / "lpt.md", folder / "report.md")
    return folder


def test_the_readme_press_release_is_refused_at_its_line_with_the_reports_own_sentence(tmp_path, monkeypatch):
    report_folder(tmp_path)
    shutil.copyfile(ROOT / "docs" / "examples" / "press_release.md", tmp_path / "press_release.md")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["check", "reports/lpt", "press_release.md"])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines[0].startswith('press_release.md:7: "Our mentoring cut re-offending by 25%." is a relative claim')
    assert "the results say: the rate difference is not significant: -9 to +24 people per 100" in lines[0]
    assert ('you may say instead: "This analysis provides evidence that, for every 100 offenders, the London '
            "Probation Trust peer mentoring programme may decrease the number of proven re-offenders during a "
            'one-year period by as many as 9 people, or may increase it by as many as 24 people."') in lines[0]
    assert lines[1:] == ["1 problem found."]


def test_a_clean_document_passes_in_markdown_text_and_docx(tmp_path, monkeypatch):
    from docx import Document

    folder = report_folder(tmp_path)
    honest = ("The difference in the one-year re-offending rate between the groups was not statistically "
              "significant.\n\nWe aim to reduce re-offending.\n")
    (tmp_path / "note.txt").write_text(honest, encoding="utf-8")
    doc = Document()
    for paragraph in honest.split("\n\n"):
        doc.add_paragraph(paragraph.strip())
    doc.save(tmp_path / "board.docx")
    result = CliRunner().invoke(app, ["check", str(folder), str(tmp_path / "note.txt"), str(tmp_path / "board.docx")])
    assert result.exit_code == 0, result.output
    bad = Document()
    bad.add_paragraph("Intro.")
    bad.add_paragraph("Mentoring is proven to reduce re-offending.")
    bad.save(tmp_path / "bad.docx")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["check", str(folder), "bad.docx"])
    assert result.exit_code == 1 and result.output.startswith("bad.docx: paragraph 2: ")
    assert "Traceback" not in result.output
