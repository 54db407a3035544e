"""The command line's endings (engine/cli.py): 0 done, 1 refused, 2 a bug in jdlspec (one line, the
traceback in a file it names), 130 interrupted; a batch ends with 2 if any evaluation hit a bug, else
1 if any was refused. Through CliRunner and as the real program (`python -m engine`)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from typer.testing import CliRunner

import engine.commands.diff
import engine.run.batch
import engine.run.pipeline
from engine.cli import app
from engine.errors import Problem, UserError

INTERRUPTED = "jdlspec: interrupted (Ctrl-C); a report folder is replaced only when all of it was written\n"
SAVED = re.compile(r"with the file (\S+), which holds the details\.$")


def invoke(*args: str):
    return CliRunner().invoke(app, list(args))


def program(driver: str, *args: str, cwd: Path, **popen):
    """The real program with one function replaced first (`driver` runs before `main`)."""
    code = f"import sys, time\n{driver}\nfrom engine.cli import main\nsys.argv = ['jdlspec', *{list(args)!r}]\nmain()\n"
    env = {**os.environ, "TMPDIR": str(cwd)}
    return subprocess.Popen([sys.executable, "-c", code], cwd=cwd, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **popen)


@pytest.fixture
def saved_here(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path


def test_done_is_0_and_refused_input_is_1_with_one_line_each():
    assert invoke("--version").exit_code == 0
    usage = CliRunner().invoke(app, ["run", "spec.yaml", "--bogus"], prog_name="jdlspec")
    assert usage.exit_code == 1 and usage.stderr.startswith("jdlspec run: No such option: --bogus"), usage.stderr
    assert len(usage.stderr.splitlines()) == 1
    no_value = CliRunner().invoke(app, ["schema", "--out"], prog_name="jdlspec")  # the parser names no command
    assert no_value.exit_code == 1
    assert no_value.stderr == "jdlspec schema: Option '--out' requires an argument. (see jdlspec schema --help)\n"
    bare = invoke()
    assert bare.exit_code == 1 and len(bare.stderr.splitlines()) == 1 and "Missing command" in bare.stderr
    missing = invoke("validate", "no-such-spec.yaml")
    assert missing.exit_code == 1
    assert missing.stderr.splitlines() == ["no-such-spec.yaml: spec file not found", "1 problem found."]


def test_a_bug_is_2_with_one_line_and_the_traceback_in_the_file_it_names(saved_here, monkeypatch):
    monkeypatch.setattr(engine.commands.diff, "diff_reports", lambda old, new: 1 / 0)
    result = invoke("diff", "old", "new")
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.output
    assert result.stderr.startswith("jdlspec: internal error (ZeroDivisionError): this is a bug in jdlspec")
    details = Path(SAVED.search(result.stderr.strip()).group(1))
    assert details.parent == saved_here
    text = details.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in text and "ZeroDivisionError: division by zero" in text


def test_the_real_program_ends_the_same_way(tmp_path):
    bug = program("import engine.commands.diff as d; d.diff_reports = lambda old, new: 1 / 0", "diff", "a", "b",
                  cwd=tmp_path)
    out, err = bug.communicate(timeout=120)
    assert bug.returncode == 2 and len(err.splitlines()) == 1 and "Traceback" not in err + out, err
    assert Path(SAVED.search(err.strip()).group(1)).parent == tmp_path
    refusal = program("", "diff", "a", "b", cwd=tmp_path)
    out, err = refusal.communicate(timeout=120)
    assert refusal.returncode == 1 and err.endswith("1 problem found.\n"), err


def test_ctrl_c_is_130(tmp_path, monkeypatch):
    def interrupted(old, new):
        raise KeyboardInterrupt

    monkeypatch.setattr(engine.commands.diff, "diff_reports", interrupted)
    result = invoke("diff", "old", "new")
    assert result.exit_code == 130 and result.stderr == INTERRUPTED


@pytest.mark.skipif(sys.platform == "win32", reason="Windows has no SIGINT to send to another process")
def test_ctrl_c_in_the_real_program_is_130(tmp_path):
    waiting = program("import engine.commands.diff as d\n"
                      "def wait(old, new):\n    print('waiting', flush=True)\n    time.sleep(60)\n"
                      "d.diff_reports = wait", "diff", "a", "b", cwd=tmp_path,
                      preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    # (A background job of a non-interactive shell, as in CI, starts with SIGINT ignored, and Python then
    # installs no KeyboardInterrupt handler: the child gets Ctrl-C as a terminal user's program would.)
    assert waiting.stdout.readline() == "waiting\n"
    waiting.send_signal(signal.SIGINT)
    out, err = waiting.communicate(timeout=60)
    assert waiting.returncode == 130 and err == INTERRUPTED


@pytest.fixture
def batch(tmp_path, monkeypatch, saved_here):
    """A batch in threads, whose evaluations end as their spec's name says: ok, refused or bug."""
    def run_spec(path, out, *args, **kwargs):
        if path.stem == "refused":
            raise UserError(Problem("refused.yaml", 3, 1, "matching.caliper", "must be at least 0.001"))
        if path.stem == "bug":
            raise RuntimeError("a bug")
        return Path(out)

    def in_threads(specs, use_cache, pdf, echo, docx=False):
        with ThreadPoolExecutor(max_workers=1) as pool:
            return engine.run.batch.run_batch(specs, pool, use_cache, echo, pdf, docx=docx)

    monkeypatch.setattr(engine.run.batch, "run_local", in_threads)
    monkeypatch.setattr(engine.run.pipeline, "run_spec", run_spec)
    monkeypatch.chdir(tmp_path)
    for name in ("ok", "ok2", "refused", "bug"):
        (tmp_path / f"{name}.yaml").write_text(f"# {name}\n", encoding="utf-8")


def test_a_batch_with_a_bug_is_2_and_with_a_refusal_is_1(batch):
    result = invoke("run", "ok.yaml", "refused.yaml", "bug.yaml")
    assert result.exit_code == 2
    assert "failed  bug.yaml: internal error (a bug in jdlspec): RuntimeError: a bug" in result.stdout
    assert "1 of 3 evaluations written. 2 failed, 0 not run." in result.stdout
    lines = result.stderr.splitlines()
    assert lines[:2] == ["refused.yaml:3:1: matching.caliper: must be at least 0.001", "1 problem found."]
    assert len(lines) == 3 and lines[2].startswith("jdlspec: internal error (RuntimeError)")
    assert "bug.yaml:" in Path(SAVED.search(lines[2]).group(1)).read_text(encoding="utf-8")
    refused = invoke("run", "ok.yaml", "refused.yaml")
    assert refused.exit_code == 1 and "internal error" not in refused.output
    assert invoke("run", "ok.yaml", "ok2.yaml").exit_code == 0
