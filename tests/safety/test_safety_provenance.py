"""Honest provenance: a report made from synthetic data says so everywhere a reader looks, because the data
say so (the mark jdlspec synth writes inside the file), and nothing names a publisher the spec did not."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from typer.testing import CliRunner

from engine.cli import app
from engine.render.html import SYNTHETIC_BANNER
from engine.results import SYNTHETIC_MARK
from engine.synth import NATIONAL_FILE, SYNTHETIC_TEXT

ROOT = Path(__file__).resolve().parents[2]
NOTE = ("*Made from synthetic data: the records behind this report were written by jdlspec synth for demonstration "
        "and describe no real person, so its figures are not those of a real evaluation.*")


def marked_reference(work, name: str) -> None:
    """The workspace's reference data as Parquet under another name, carrying synth's mark."""
    frame = pd.read_csv(work.root / "reference.csv", dtype=str, keep_default_na=False)
    table = pa.Table.from_pandas(frame, preserve_index=False).replace_schema_metadata({SYNTHETIC_MARK: SYNTHETIC_TEXT})
    pq.write_table(table, work.root / name)


def test_the_seed_data_carry_the_mark_inside_the_file():
    metadata = pq.read_schema(ROOT / "specs" / "data" / NATIONAL_FILE).metadata
    assert metadata[SYNTHETIC_MARK] == b"Synthetic data written by jdlspec synth: no record describes a real person."


def test_a_renamed_copy_of_synthetic_data_marks_every_output(work):
    marked_reference(work, "our_national_extract.parquet")
    work.write_spec(("reference: reference.csv", "reference: our_national_extract.parquet"))
    result = work.run()
    assert result.exit_code == 0, result.output
    out = work.root / "out"
    assert json.loads((out / "results.json").read_text())["synthetic"] is True
    assert work.report().splitlines()[:3] == ["# Re-offending analysis: Test Trust's mentoring programme", "", NOTE]
    page = (out / "report.html").read_text(encoding="utf-8")
    assert f'<main>\n<p class="synthetic" role="note">{SYNTHETIC_BANNER}.</p>' in page
    assert f'@page {{ @top-center {{ content: "{SYNTHETIC_BANNER}";' in page  # on every printed page
    assert "Note: made from synthetic data (jdlspec synth), so it is a demonstration, not a real evaluation" \
        in result.stdout


def test_real_data_carry_no_banner(work):
    work.write_spec()
    assert work.run().exit_code == 0
    out = work.root / "out"
    assert json.loads((out / "results.json").read_text())["synthetic"] is False
    assert "synthetic" not in work.report().lower()
    assert "synthetic" not in (out / "report.html").read_text(encoding="utf-8").lower()


def test_the_bulletin_names_only_the_service_the_specs_name_and_notes_synthetic_data(work):
    work.write_spec()
    assert work.run().exit_code == 0  # no service named, real data
    bulletin = CliRunner().invoke(app, ["bulletin", "out", "--out", "bulletin"])
    assert bulletin.exit_code == 0, bulletin.output
    text = (work.root / "bulletin" / "bulletin.md").read_text(encoding="utf-8")
    assert text.startswith("# Re-offending evaluations\n\nThis bulletin brings together one evaluation of re-offending.")
    for credit in ("Justice Data Lab", "Ministry of Justice", "Crown copyright", "synthetic"):
        assert credit not in text
    marked_reference(work, "national.parquet")
    work.write_spec(("reference: reference.csv", "reference: national.parquet"),
                    ("report:", "service:\n  name: the Justice Data Lab\nreport:"))
    assert work.run().exit_code == 0
    assert CliRunner().invoke(app, ["bulletin", "out", "--out", "bulletin"]).exit_code == 0
    text = (work.root / "bulletin" / "bulletin.md").read_text(encoding="utf-8")
    assert text.splitlines()[:5] == [
        "# Justice Data Lab: re-offending evaluations", "",
        "*Made from synthetic data: the evaluation in this bulletin was made from records written by jdlspec synth "
        "for demonstration, which describe no real person; its figures are not those of a real evaluation.*", "",
        "This bulletin brings together one Justice Data Lab evaluation of re-offending. Each row gives the verdict of "
        "the evaluation's headline analysis on each headline measure, comparing the people who took part with a "
        "matched comparison group; the full report of each evaluation gives the figures, the intervals and what may "
        "and may not be said about them."]
    assert SYNTHETIC_BANNER in (work.root / "bulletin" / "bulletin.html").read_text(encoding="utf-8")


def test_diff_notes_which_report_was_made_from_synthetic_data(work):
    work.write_spec()
    assert work.invoke("run", "spec.yaml", "-q", "--out", "real").exit_code == 0
    marked_reference(work, "national.parquet")
    work.write_spec(("reference: reference.csv", "reference: national.parquet"))
    assert work.invoke("run", "spec.yaml", "-q", "--out", "made").exit_code == 0
    text = CliRunner().invoke(app, ["diff", "real", "made"]).stdout
    assert text.splitlines()[2] == ("*Made from synthetic data: the new report was made from records written by "
                                    "jdlspec synth for demonstration; the figures are not those of a real evaluation.*")


def test_synthetic_data_rewritten_by_pandas_or_saved_as_csv_is_still_recognised(tmp_path, monkeypatch):
    """pandas' read_parquet then to_parquet keeps no other program's schema metadata, so synth's mark is lost; the
    data are synth's still (its identifiers and name lists), and the reports made from them say so."""
    import shutil

    from engine.run.prepare import prepare
    from engine.spec.loader import load_spec

    monkeypatch.chdir(tmp_path)
    shutil.copytree(ROOT / "specs", tmp_path / "specs")
    national = tmp_path / "specs" / "data" / NATIONAL_FILE
    frame = pd.read_parquet(national)
    frame.to_parquet(tmp_path / "rewritten.parquet")
    assert SYNTHETIC_MARK not in (pq.read_schema(tmp_path / "rewritten.parquet").metadata or {})  # the mark is gone
    ids = pd.read_csv(tmp_path / "specs" / "data" / "lpt_submission.csv", dtype=str)["offender_id"]
    extract = frame[frame["offender_id"].isin(ids) | (frame.index < 2_000)]  # the participants, and a pool
    extract.to_csv(tmp_path / "extract.csv", index=False)
    for copy in ("rewritten.parquet", "extract.csv"):
        spec = (tmp_path / "specs" / "lpt.yaml").read_text(encoding="utf-8")
        (tmp_path / "specs" / "copy.yaml").write_text(
            spec.replace("reference: data/national.parquet", f"reference: ../{copy}"), encoding="utf-8")
        loaded = load_spec(tmp_path / "specs" / "copy.yaml")
        monkeypatch.setattr("engine.run.prepare.too_small", lambda loaded, attrition: None)  # the 2,000-row extract
        assert prepare(loaded).inputs.synthetic is True, copy


def test_only_synths_identifiers_and_names_are_recognised_as_synthetic():
    from engine.synth.identity import MIN_RECOGNISED, looks_synthetic

    frame = pd.read_parquet(ROOT / "specs" / "data" / NATIONAL_FILE, columns=["offender_id", "forename", "surname"])
    assert looks_synthetic(frame)
    assert not looks_synthetic(frame.head(MIN_RECOGNISED - 1))  # a small file of common names could be anyone's
    other = frame.copy()
    other.loc[5, "surname"] = "Featherstonehaugh"  # one name synth never writes: real data
    assert not looks_synthetic(other)
    other = frame.copy()
    other.loc[7, "offender_id"] = "2001/0123456A"  # a national identifier of another form
    assert not looks_synthetic(other)
    assert not looks_synthetic(frame.drop(columns="forename"))
