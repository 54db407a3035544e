"""jdlspec on Windows and macOS: no POSIX-only module or call in the engine, and a report made where
`fcntl` and the other POSIX-only modules cannot be imported (as on Windows), in every process of the run."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENGINE = ROOT / "engine"
POSIX_ONLY_MODULES = {"fcntl", "termios", "pwd", "grp", "resource", "tty", "pty", "syslog", "crypt", "spwd", "nis",
                      "posix", "_posixsubprocess", "_posixshmem"}
POSIX_ONLY_NAMES = {  # os and signal attributes that Windows lacks
    "pread", "pwrite", "fork", "forkpty", "geteuid", "getuid", "getegid", "getgid", "setsid", "killpg", "getpgid",
    "mkfifo", "nice", "sync", "statvfs", "getloadavg", "wait3", "wait4", "sched_getaffinity", "O_NOFOLLOW",
    "O_NONBLOCK", "O_NOCTTY", "SIGKILL", "SIGALRM", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2", "alarm", "setitimer",
}
BLOCKER = f"""import sys

class NotOnWindows:
    def find_spec(self, name, path=None, target=None):
        if name in {sorted(POSIX_ONLY_MODULES - {"posix", "_posixsubprocess"})!r}:
            raise ImportError(name + " is not available here (as on Windows)")


sys.meta_path.insert(0, NotOnWindows())
"""


def guarded_lines(tree: ast.AST) -> set[int]:
    """Lines inside `if sys.platform ...:` (or `os.name`), where a system's own call is said to be its own."""
    lines = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and any(isinstance(n, ast.Attribute) and n.attr in ("platform", "name") and
                                            isinstance(n.value, ast.Name) and n.value.id in ("sys", "os")
                                            for n in ast.walk(node.test)):
            lines |= {n.lineno for part in node.body for n in ast.walk(part) if hasattr(n, "lineno")}
    return lines


def test_no_engine_module_imports_or_calls_what_only_posix_has():
    found = []
    for path in sorted(ENGINE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        guarded = guarded_lines(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name.split(".")[0] for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level:
                names = [(node.module or "").split(".")[0]]
            elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in ("os", "signal"):
                names = [f"{node.value.id}.{node.attr}"] if node.attr in POSIX_ONLY_NAMES else []
            else:
                continue
            found += [f"{path.relative_to(ROOT).as_posix()}:{node.lineno}: {name}" for name in names
                      if (name in POSIX_ONLY_MODULES or "." in name) and node.lineno not in guarded]
    assert not found, "POSIX-only (use getattr with a fallback, or a portable library):\n" + "\n".join(found)


def test_a_report_is_made_where_fcntl_cannot_be_imported(tmp_path):
    """Every Python process of the run (the command, its side process) starts with the blocker
    (sitecustomize), so the folder lock and everything else run as they would without those modules."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(BLOCKER, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), str(ROOT)]), "JDLSPEC_CACHE_DIR": str(tmp_path / "cache")}
    blocked = subprocess.run([sys.executable, "-c", "import fcntl"], env=env, capture_output=True, text=True)
    assert blocked.returncode != 0 and "not available here" in blocked.stderr
    done = subprocess.run([sys.executable, "-m", "engine", "run", str(ROOT / "specs" / "lpt.yaml"), "--out", "out", "-q"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    written = sorted(p.relative_to(tmp_path / "out").as_posix() for p in (tmp_path / "out").rglob("*") if p.is_file())
    assert written == [".jdlspec-report", "annex.xlsx", "charts/frequency.png", "charts/rate.png", "report.html",
                       "report.md", "results.json"]
    assert "Wrote out/: report.html" in done.stdout  # paths shown with forward slashes
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "out", "site"]  # no lock file or folder left
