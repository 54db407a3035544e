"""A small evaluation that runs end to end in about a second, for the tests of what is safe across
publications, caches and clusters: 1,500 reference records and a submission of 70 of them (all linked,
all matched), with the spec written from a template whose lines a test may change."""

from __future__ import annotations

import json
from pathlib import Path

from small_evaluation import BASE_COLUMNS, SUBMISSION_COLUMNS, edited, invoke, reference_rows, submission_row, write_csv

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
REFERENCE_COLUMNS = [*BASE_COLUMNS, "previous_offences"]


class Workspace:
    """The evaluation in `root` (the working folder): `people` are the reference rows submitted."""

    def __init__(self, root: Path, submitted: int = 70):
        self.root = root
        self.reference = reference_rows(1500, seed=11, female=0.3, more=False)
        self.people = list(range(submitted))
        self.unknown = 0  # records of people the reference data does not hold (not identified)
        self.write_data()
        self.write_spec()

    def write_data(self) -> None:
        write_csv(self.root / "reference.csv", REFERENCE_COLUMNS, self.reference)
        rows = [submission_row(f"R{i + 1:04d}", self.reference[i]) for i in self.people]
        rows += [{"record_id": f"U{k + 1:04d}", "offender_id": f"Z{k:05d}", "forename": f"Other{k}",
                  "surname": "Unknown", "date_of_birth": "1980-01-01", "start_date": "2011-06-01"}
                 for k in range(self.unknown)]
        write_csv(self.root / "submission.csv", SUBMISSION_COLUMNS, rows)

    def write_spec(self, *edits: tuple[str, str], extra: str = "", name: str = "spec.yaml") -> Path:
        path = self.root / name
        path.write_text(edited(SPEC, edits) + extra, encoding="utf-8")
        return path

    def invoke(self, *args):
        return invoke(*args)

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
