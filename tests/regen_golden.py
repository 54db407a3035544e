"""Regenerate the golden reports (tests/golden/) after a deliberate change to the report; review the
diff in git before committing. The tests only compare with these files, never write them.

    python tests/regen_golden.py
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"
SEEDS = ["lpt", "making_connections"]


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from engine.run.pipeline import run_spec

    with tempfile.TemporaryDirectory(prefix="jdlspec-golden-") as folder:
        for name in SEEDS:
            out = run_spec(ROOT / "specs" / f"{name}.yaml", Path(folder) / name, use_cache=False)
            (GOLDEN / f"{name}.md").write_text((out / "report.md").read_text(encoding="utf-8"), encoding="utf-8")
            results = json.loads((out / "results.json").read_text(encoding="utf-8"))
            (GOLDEN / f"{name}.results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
            print(f"wrote tests/golden/{name}.md and tests/golden/{name}.results.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
