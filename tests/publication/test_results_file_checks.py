"""A results.json edited by hand, damaged or hostile is refused in one line by every reader (bulletin,
diff, check, the cache), never read into a sentence it does not license (engine/results_check.py)."""

from __future__ import annotations

import copy
import json
import os
import shutil
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.errors import UserError
from engine.results_check import read_results
from publication_workspace import Workspace, refused, write_results


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    """One run of the small evaluation: its report folder."""
    root = tmp_path_factory.mktemp("results-checks")
    cwd = os.getcwd()
    os.chdir(root)
    try:
        work = Workspace(root)
        assert work.run("report").exit_code == 0
    finally:
        os.chdir(cwd)
    return root / "report"


@pytest.fixture
def edited(report, tmp_path):
    """edited(change): a copy of the report whose results.json `change(data)` edited (digest recomputed)."""
    def make(change, digest: bool = True) -> Path:
        folder = tmp_path / "edited"
        shutil.copytree(report, folder)
        data = json.loads((folder / "results.json").read_text(encoding="utf-8"))
        change(data)
        write_results(folder / "results.json", data, digest)
        return folder
    return make


def readers(work_root: Path, folder: Path, report: Path):
    """The commands that read a results.json, each on the edited folder."""
    press = work_root / "press.md"
    press.write_text("The programme supports adults.\n", encoding="utf-8")
    return {"bulletin": ("bulletin", folder, "--out", work_root / "bulletin"),
            "diff": ("diff", report, folder),
            "check": ("check", folder, press)}


def rate(data: dict) -> dict:
    return data["analyses"][0]["measures"]["rate"]


ATTACKS = {
    # the attack: significant set by hand, p = 0.38 left as it was
    "significant by hand": (lambda d: rate(d).update(significant=True, state="decrease"),
                            "analyses.0.measures.rate: says significant, but its p-value"),
    "state without significance": (lambda d: rate(d).update(state="decrease"),
                                   "says significant is false but its state is decrease"),
    "significant with an interval holding 0": (
        lambda d: rate(d).update(significant=True, state="decrease", p_value=0.01, required_treatment_n=None),
        "holds no difference (0)"),
    "no headline": (lambda d: d["analyses"][0].update(headline=False), "analyses: has 0 headline analyses"),
    "10^30 people": (lambda d: d["analyses"][0].update(treatment_n=10**30), "analyses.0.treatment_n: is 1e+30"),
    "counts that do not add up": (lambda d: d["attrition"][2].update(removed=3),
                                  "attrition.2: 70 people less 3 removed is not the 70"),
    "matched and unmatched not the participants": (lambda d: d["analyses"][0].update(unmatched_n=4),
                                                   "are not the 70 left after the exclusions"),
    "a suppressed figure that holds a number": (
        lambda d: rate(d).update(suppressed=True, reported=False, significant=False, state="not_significant",
                                 not_reported_reason="suppressed"),
        "is suppressed but still holds the participants' figure"),
    "a small cell shown": (lambda d: d["profile"]["analysed"]["sex"].append(
        {"level": "X", "count": 2, "percent": 2.9, "suppressed": False}), "shows a count of fewer than 5 people"),
    "no disclosure control": (lambda d: d.update(suppress_below=0), "suppress_below: is 0"),
    "an analysis under 30": (lambda d: d["analyses"][0].update(treatment_n=20, unmatched_n=50),
                             "publishes no analysis of fewer than 30"),
    "a 26,000-character name": (lambda d: d["spec"]["programme"].update(name="x" * 26_000),
                                "spec.programme.name: is a text of 26,000 characters"),
    "another schema": (lambda d: d.update(schema_version=9), "schema_version: is 9"),
    "not the schema": (lambda d: d["analyses"][0].update(treatment_n="many"), "results.json: "),  # check words it
}


@pytest.mark.parametrize("command", ["bulletin", "diff", "check"])
@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_every_reader_refuses_an_inconsistent_file_in_one_line(work, report, edited, command, attack):
    change, expected = ATTACKS[attack]
    folder = edited(change)
    started = time.perf_counter()
    line = refused(work.invoke(*readers(work.root, folder, report)[command]))
    assert expected in line and "results.json" in line
    assert time.perf_counter() - started < 10
    assert not (work.root / "bulletin").exists()


@pytest.mark.parametrize("text, expected", [
    ('{"schema_version": 2, "x": NaN}', "is not valid JSON (NaN is not a number jdlspec writes"),
    ('{"schema_version": 2, "x": 1e999}', "x: is not a finite number"),
    ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ("\xff\xfe not text", "is not UTF-8 text"),
    ('["a list"]', "is not a JSON object"),
    ("", "is not valid JSON"),
])
def test_unreadable_files_are_one_line(tmp_path, text, expected):
    path = tmp_path / "results.json"
    path.write_bytes(text.encode("latin-1") if text.startswith("\xff") else text.encode("utf-8"))
    with pytest.raises(UserError) as error:
        read_results(path)
    assert len(error.value.problems) == 1 and expected in str(error.value.problems[0])


def test_a_pipe_a_device_and_a_huge_file_are_refused_without_waiting(tmp_path):
    fifo = tmp_path / "fifo" / "results.json"
    fifo.parent.mkdir()
    os.mkfifo(fifo)
    huge = tmp_path / "huge.json"
    huge.write_bytes(b'{"schema_version": 2, "warnings": ["' + b"x" * 6_000_000 + b'"]}')
    started = time.perf_counter()
    for path, expected in ((fifo, "is not a regular file"), (Path("/dev/zero"), "is not a regular file"),
                           (huge, "is larger than 5,000,000 bytes")):
        with pytest.raises(UserError) as error:
            read_results(path)
        assert expected in str(error.value)
    assert time.perf_counter() - started < 5


def test_a_digest_that_does_not_match_is_an_accident_refused(work, report, edited):
    def nudge(data):
        rate(data)["comparison"] += 0.001
    folder = edited(nudge)
    data = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    data["content_sha256"] = json.loads((report / "results.json").read_text(encoding="utf-8"))["content_sha256"]
    (folder / "results.json").write_text(json.dumps(data), encoding="utf-8")
    assert "content_sha256: does not match the file's content" in refused(work.invoke("diff", report, folder))


def test_a_file_without_a_digest_is_checked_and_read_with_a_warning(work, report, edited):
    folder = edited(lambda data: None, digest=False)
    result = work.invoke("diff", report, folder)
    assert result.exit_code == 0
    assert "has no content digest" in result.output and "# Changes from" in result.output


def test_a_report_md_that_is_not_utf8_is_one_line(work, report, tmp_path):
    folder = tmp_path / "latin"
    shutil.copytree(report, folder)
    (folder / "report.md").write_bytes("Caf\xe9\n".encode("latin-1"))
    assert "report.md: is not UTF-8 text" in refused(work.invoke("diff", report, folder))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(significant=st.booleans(), state=st.sampled_from(["decrease", "increase", "not_significant"]),
       p=st.floats(0, 1), low=st.floats(-50, 50), width=st.floats(0, 60))
def test_whatever_is_read_is_a_verdict_its_figures_support(report, tmp_path, significant, state, p, low, width):
    """Any hand-set verdict, p-value and interval: the file is refused, or its verdict is one the p-value,
    the interval and the level support."""
    data = json.loads((report / "results.json").read_text(encoding="utf-8"))
    edited = copy.deepcopy(data)
    rate(edited).update(significant=significant, state=state, p_value=p, ci_low=low, ci_high=low + width,
                        required_treatment_n=None)
    path = tmp_path / "results.json"
    write_results(path, edited)
    try:
        results, _ = read_results(path)
    except UserError:
        return
    measure = results.headline.measures["rate"]
    if measure.significant:
        assert measure.p_value <= results.significance_level * (1 + 1e-6)
        assert measure.ci_low > 0 or measure.ci_high < 0
        assert (measure.state == "decrease") == (measure.ci_high < 0)
    else:
        assert measure.state == "not_significant"
