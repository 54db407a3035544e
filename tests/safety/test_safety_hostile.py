"""Kinds a hostile catalogue found after the first repairs (issue 8): command-line misuse, control
characters written as YAML escapes, huge texts and files, degenerate calipers, link schemes spelt
with character references, and columns that carry an outcome in another form."""

from __future__ import annotations

import subprocess
import sys
import time

import numpy as np
import pandas as pd
import pytest

from engine.inputs.columns import outcome_copies
from engine.words.safe_text import markdown_text
from engine.spec.loader import load_spec
from safety_workspace import Workspace

VARIABLES = "variables: [sex, age, region, ethnicity, previous_offences]"


def jdlspec(*args: str, cwd) -> subprocess.CompletedProcess:
    """The real command, as a person runs it (the parser's own errors never reach CliRunner's app)."""
    return subprocess.run([sys.executable, "-m", "engine", *args], cwd=cwd, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("args, line", [
    (["run", "spec.yaml", "--bogus"], "jdlspec run: No such option: --bogus"),
    (["run"], "jdlspec run: Missing argument 'specs'."),
    (["synth", "--size", "many"], "jdlspec synth: Invalid value for '--size': "),
    (["frobnicate"], "jdlspec: No such command 'frobnicate'."),
])
def test_command_line_mistakes_are_one_line_and_exit_1(tmp_path, args, line):
    done = jdlspec(*args, cwd=tmp_path)
    assert done.returncode == 1
    assert len(done.stderr.splitlines()) == 1 and done.stderr.startswith(line), done.stderr
    assert "Traceback" not in done.stderr and "╭" not in done.stderr


def test_synth_refuses_size_0_and_bad_seeds_and_checks_every_file_before_writing(work):
    for args, message in ((["--size", "0"], "--size: must be a number of records from 1 to 3,000,000 (you wrote 0)"),
                          (["--size", "300", "--seed", "-1"], "--seed: must be a number from 0 to 4,294,967,295"),
                          (["--size", "300", "--seed", str(2**32)], "--seed: must be a number from 0 to 4,294,967,295")):
        result = work.invoke("synth", "--out", "fresh", *args)
        assert result.exit_code == 1 and result.stderr.startswith(message), result.stderr
    assert not (work.root / "fresh").exists()
    theirs = work.root / "data" / "lpt_submission.csv"
    theirs.parent.mkdir()
    theirs.write_text("record_id\nmine\n")
    result = work.invoke("synth", "--out", "data", "--size", "300")
    assert result.exit_code == 1 and "lpt_submission.csv: exists and was not written by jdlspec" in result.stderr
    assert sorted(p.name for p in theirs.parent.iterdir()) == ["lpt_submission.csv"]  # national.parquet not written


def test_schema_reference_and_new_wrong_targets_are_one_line(work):
    (work.root / "adir").mkdir()
    (work.root / "afile").write_text("x")
    assert work.invoke("schema", "--markdown", "--out", "adir").stderr.splitlines()[0] == (
        "adir: is a folder; give a file name for the spec reference")
    assert work.invoke("new", "lpt", "--dir", "afile").stderr.splitlines()[0] == (
        "afile: cannot write the new evaluation: a folder in its path is a file")
    work.write_spec()
    result = work.invoke("run", "spec.yaml", "spec.yaml", "--out", "x")
    assert result.exit_code == 1 and result.stderr.startswith("--out: takes one spec at a time")


@pytest.mark.parametrize("edit, expected", [
    (("organisation: Test Trust", 'organisation: "Test\\0Trust"'),
     "spec.yaml:5:17: programme.organisation: control character U+0000 in the spec"),
    (("name: National", 'name: "Nat\\eional"'), "spec.yaml:16:11: analyses.0.name: control character U+001B in the spec"),
    (("summary: Mentoring for adults in two regions.", 'summary: "a\\x85b"'),
     "spec.yaml:7:12: programme.summary: control character U+0085 in the spec"),
    (("title: Test Trust's mentoring programme", "title: " + "T" * 10_001),
     "spec.yaml:4:10: programme.title: is 10,001 characters long; a text in a spec may be at most 10,000"),
    (("caliper: 0.2", "caliper: 1e-320"), "spec.yaml:13:12: matching.caliper: "),
])
def test_escaped_control_characters_huge_texts_and_tiny_calipers_are_refused(work, edit, expected):
    work.write_spec(edit)
    errors = work.errors()
    assert len(errors) == 1 and errors[0].startswith(expected), errors


def test_a_spec_file_of_a_megabyte_is_refused_before_it_is_parsed(work):
    path = work.write_spec()
    path.write_text(path.read_text() + "#" + "x" * 1_000_000 + "\n")
    assert work.errors() == [f"spec.yaml: is {path.stat().st_size:,} bytes; a spec is a few kilobytes (at most "
                             "1,000,000 bytes), so this is not one"]


@pytest.mark.parametrize("text", ["[x](jav&#x61;script:alert(1))", "[x](&#106;avascript:1)", "[x](java&Tab;script:1)",
                                  "[r]: d&#97;ta:text/html,x", "[x]( <vbscript:msgbox>)"])
def test_a_link_scheme_spelt_with_character_references_is_not_a_link(text):
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").parse(markdown_text(text) + ("\n\n[x][r]" if text.startswith("[r]") else ""))
    links = [t for block in tokens for t in (block.children or []) if t.type == "link_open"]
    assert links == [], markdown_text(text)
    assert markdown_text("[licence](https://example.org/l)") == "[licence](https://example.org/l)"


def recodings(frame: pd.DataFrame) -> dict[str, pd.Series]:
    reoffended, days, count = frame["reoffended"], frame["days_to_first_reoffence"], frame["reoffences"]
    return {
        "times_two": reoffended * 2, "one_minus": 1 - reoffended, "yes_no": reoffended.map({1: "Y", 0: "N"}),
        "days_binned": pd.cut(days, [0, 90, 180, 365]).astype(str),  # NaN -> 'nan': who never re-offended
        "days_weeks": days // 7, "days_log": np.log(days), "count_banded": count.clip(upper=2).astype(str) + "+",
        "mixed_with_age": frame["age"] * 2 + 1000 * reoffended,  # the outcome with a covariate folded in
    }


def spec_with(work: Workspace, names: list[str]):
    work.write_spec((VARIABLES, f"variables: [sex, age, {', '.join(names)}]"))
    return load_spec(work.root / "spec.yaml")


def reference_frame(work: Workspace, rows: int | None = None) -> pd.DataFrame:
    frame = pd.read_csv(work.root / "reference.csv")
    if rows:
        frame = frame.sample(rows, replace=True, random_state=1).reset_index(drop=True)
    return frame


@pytest.mark.parametrize("rows", [None, 300_000])
def test_recodings_of_an_outcome_are_refused_and_covariates_are_not(work, rows):
    frame = reference_frame(work, rows)
    derived = recodings(frame)
    loaded = spec_with(work, list(derived) + ["region", "ethnicity", "previous_offences", "need_drugs", "score"])
    frame = frame.assign(**derived, score=frame["age"] * 1.37 + np.arange(len(frame)) * 1e-7)
    problems = outcome_copies(loaded, frame)
    refused = [p.where.rsplit(".", 1)[1] for p in problems]
    assert refused == [str(i) for i in range(2, 2 + len(derived))], [str(p) for p in problems]
    assert all("values follow the outcome column" in p.message for p in problems)


def test_the_outcome_check_costs_little_on_a_million_rows(work):
    frame = reference_frame(work, 1_000_000)
    frame["region"] = frame["region"].astype(object)
    loaded = spec_with(work, ["region", "ethnicity", "previous_offences", "need_drugs"])
    outcome_copies(loaded, frame)
    start = time.perf_counter()
    assert outcome_copies(loaded, frame) == []
    assert time.perf_counter() - start < 0.5  # ~0.08 s on a quiet machine; generous for a shared one


def test_a_copy_of_an_outcome_too_rare_for_the_sample_is_still_refused(work):
    frame = reference_frame(work, 300_000)
    frame["reoffence_custody"] = 0
    frame.loc[[11, 150_001, 299_990], "reoffence_custody"] = 1  # no sampled row holds a 1
    frame["custody_note"] = frame["reoffence_custody"].map({0: "none", 1: "custody"})
    problems = outcome_copies(spec_with(work, ["custody_note"]), frame)
    assert [p.message.split(":")[0] for p in problems] == ["'custody_note' cannot be used"]
    assert "outcome column reoffence_custody" in problems[0].message
