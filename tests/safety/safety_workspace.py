"""A small synthetic evaluation that runs end to end in about a second, for the safety tests.

`Workspace.write_spec(edits)` writes `spec.yaml` with some lines changed; `run()` and `validate()`
invoke the real CLI. The data: 1,500 reference records (sex, age, region, ethnicity, previous
offences, a need) and a submission of 70 of them, so every kind of hostile input is tried against
an evaluation that otherwise succeeds.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import numpy as np
from typer.testing import CliRunner

from engine.cli import app

SPEC = """\
spec_version: 1
programme:
  name: the Test programme
  title: Test Trust's mentoring programme
  organisation: Test Trust
  participants: adults
  summary: Mentoring for adults in two regions.
data:
  reference: reference.csv
  submission: submission.csv
exclusions: [duplicates, not_identified, no_matching_sentence, sexual_offence]
matching:
  caliper: 0.2
  variables: [sex, age, region, ethnicity, previous_offences]
analyses:
  - name: National
    headline: true
measures: [rate, frequency]
report:
  published: 2013-02-01
"""
REFERENCE_COLUMNS = ["offender_id", "forename", "surname", "date_of_birth", "index_date", "sexual_offence_history",
                     "reoffended", "reoffences", "days_to_first_reoffence", "sex", "age", "region", "ethnicity",
                     "previous_offences", "need_drugs"]
SUBMISSION_COLUMNS = ["record_id", "offender_id", "forename", "surname", "date_of_birth", "start_date"]


def reference_rows(n: int = 1500, seed: int = 7) -> list[dict]:
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        age = int(rng.integers(18, 60))
        index = dt.date(2011, 1, 1) + dt.timedelta(days=int(rng.integers(0, 360)))
        previous = int(rng.poisson(6))
        reoffended = int(rng.random() < 0.25 + 0.02 * min(previous, 10))
        rows.append({
            "offender_id": f"A{i:05d}", "forename": f"Name{i}", "surname": f"Family{i % 97}",
            "date_of_birth": (index - dt.timedelta(days=365 * age + int(rng.integers(0, 300)))).isoformat(),
            "index_date": index.isoformat(), "sexual_offence_history": int(rng.random() < 0.03) if i >= 100 else 0,
            "reoffended": reoffended, "reoffences": reoffended * int(rng.integers(1, 4)),
            "days_to_first_reoffence": int(rng.integers(1, 366)) if reoffended else "",
            "sex": "F" if rng.random() < 0.2 else "M", "age": age,
            "region": ["London", "Wales", "North West"][int(rng.integers(0, 3))],
            "ethnicity": ["White", "Black", "Asian", "Mixed"][int(rng.choice(4, p=[0.6, 0.2, 0.12, 0.08]))],
            "previous_offences": previous, "need_drugs": "" if rng.random() < 0.3 else int(rng.random() < 0.4),
        })
    return rows


def submission_rows(reference: list[dict], n: int = 70) -> list[dict]:
    rows = []
    for i, person in enumerate(reference[:n]):
        start = dt.date.fromisoformat(person["index_date"]) + dt.timedelta(days=30)
        rows.append({"record_id": f"R{i + 1:03d}", **{c: person[c] for c in SUBMISSION_COLUMNS[1:5]},
                     "start_date": start.isoformat()})
    return rows


def write_csv(path: Path, columns: list[str], rows: list[dict]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


class Workspace:
    def __init__(self, root: Path):
        self.root = root
        self.reference = reference_rows()
        self.submission = submission_rows(self.reference)
        self.write_data()

    def write_data(self) -> None:
        write_csv(self.root / "reference.csv", REFERENCE_COLUMNS, self.reference)
        write_csv(self.root / "submission.csv", SUBMISSION_COLUMNS, self.submission)

    def write_spec(self, *edits: tuple[str, str], text: str | None = None, name: str = "spec.yaml") -> Path:
        spec = SPEC if text is None else text
        for old, new in edits:
            assert old in spec, f"{old!r} is not in the spec"
            spec = spec.replace(old, new, 1)
        path = self.root / name
        path.write_text(spec, encoding="utf-8")
        return path

    def invoke(self, *args: str):
        result = CliRunner().invoke(app, list(args))
        assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
        assert "Traceback" not in result.output
        return result

    def run(self, name: str = "spec.yaml"):
        return self.invoke("run", name, "--quiet", "--out", "out")

    def validate(self, name: str = "spec.yaml"):
        return self.invoke("validate", name)

    def errors(self, command: str = "validate", name: str = "spec.yaml") -> list[str]:
        """The problem lines of a failed command (exit 1, no traceback)."""
        result = self.run(name) if command == "run" else self.validate(name)
        assert result.exit_code == 1, result.output
        return result.stderr.splitlines()[:-1]

    def unsuppressed(self, name: str) -> dict:
        """The results of spec `name` with suppression off (what an attacker tries to get back): computed by
        the library, since no spec may turn disclosure control off (report.suppress_below is at least 3)."""
        from dataclasses import replace

        from engine.run.pipeline import compute_results
        from engine.spec.loader import load_spec

        loaded = load_spec(self.root / name)
        spec = loaded.spec.model_copy(update={"report": loaded.spec.report.model_copy(update={"suppress_below": 0})})
        return json.loads(compute_results(replace(loaded, spec=spec)).to_json())

    def report(self) -> str:
        return (self.root / "out" / "report.md").read_text(encoding="utf-8")


