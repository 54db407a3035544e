"""A small evaluation that runs end to end in about a second, for the tests of what is safe across
publications, caches and clusters: 1,500 reference records and a submission of 70 of them (all linked,
all matched), with the spec written from a template whose lines a test may change."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import numpy as np
from typer.testing import CliRunner

from engine.cli import app
from engine.results import content_digest

SPEC = """\
spec_version: 1
programme:
  name: the Test programme
  title: Test Trust's mentoring programme
  organisation: Test Trust
  participants: adults
  summary: Mentoring for adults in three regions.
data:
  reference: reference.csv
  submission: submission.csv
matching:
  caliper: 0.2
  variables: [sex, age, region, previous_offences]
analyses:
  - name: National
    headline: true
measures: [rate, frequency]
report:
  published: 2013-02-01
"""
REFERENCE_COLUMNS = ["offender_id", "forename", "surname", "date_of_birth", "index_date", "sexual_offence_history",
                     "reoffended", "reoffences", "days_to_first_reoffence", "sex", "age", "region",
                     "previous_offences"]
SUBMISSION_COLUMNS = ["record_id", "offender_id", "forename", "surname", "date_of_birth", "start_date"]


def reference_rows(n: int = 1500, seed: int = 11) -> list[dict]:
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
            "index_date": index.isoformat(), "sexual_offence_history": 0,
            "reoffended": reoffended, "reoffences": reoffended * int(rng.integers(1, 4)),
            "days_to_first_reoffence": int(rng.integers(1, 366)) if reoffended else "",
            "sex": "F" if rng.random() < 0.3 else "M", "age": age,
            "region": ["London", "Wales", "North West"][int(rng.integers(0, 3))], "previous_offences": previous,
        })
    return rows


def write_csv(path: Path, columns: list[str], rows: list[dict]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


class Workspace:
    """The evaluation in `root` (the working folder): `people` are the reference rows submitted."""

    def __init__(self, root: Path, submitted: int = 70):
        self.root = root
        self.reference = reference_rows()
        self.people = list(range(submitted))
        self.unknown = 0  # records of people the reference data does not hold (not identified)
        self.write_data()
        self.write_spec()

    def write_data(self) -> None:
        write_csv(self.root / "reference.csv", REFERENCE_COLUMNS, self.reference)
        rows = []
        for i in self.people:
            person = self.reference[i]
            start = dt.date.fromisoformat(person["index_date"]) + dt.timedelta(days=30)
            rows.append({"record_id": f"R{i + 1:04d}", **{c: person[c] for c in SUBMISSION_COLUMNS[1:5]},
                         "start_date": start.isoformat()})
        rows += [{"record_id": f"U{k + 1:04d}", "offender_id": f"Z{k:05d}", "forename": f"Other{k}",
                  "surname": "Unknown", "date_of_birth": "1980-01-01", "start_date": "2011-06-01"}
                 for k in range(self.unknown)]
        write_csv(self.root / "submission.csv", SUBMISSION_COLUMNS, rows)

    def write_spec(self, *edits: tuple[str, str], extra: str = "", name: str = "spec.yaml") -> Path:
        spec = SPEC
        for old, new in edits:
            assert old in spec, f"{old!r} is not in the spec"
            spec = spec.replace(old, new, 1)
        path = self.root / name
        path.write_text(spec + extra, encoding="utf-8")
        return path

    def invoke(self, *args):
        result = CliRunner().invoke(app, [str(a) for a in args])
        assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
        assert "Traceback" not in result.output
        return result

    def run(self, out: str = "out", name: str = "spec.yaml", *options: str):
        return self.invoke("run", name, "--quiet", "--out", out, *options)

    def results(self, out: str = "out") -> dict:
        return json.loads((self.root / out / "results.json").read_text(encoding="utf-8"))


def write_results(path: Path, data: dict, digest: bool = True) -> None:
    """A results.json as someone editing it would save it: with its digest recomputed, or without one."""
    data = {k: v for k, v in data.items() if k != "content_sha256"}
    if digest:
        data["content_sha256"] = content_digest(data)
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")


def refused(result) -> str:
    """The one problem line of a command that refused (exit 1, no traceback)."""
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line and not line.startswith(("warning:", "1 problem"))]
    assert len(lines) == 1, result.output
    return lines[0]
