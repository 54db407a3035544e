"""A small synthetic evaluation that runs end to end in about a second, for the safety tests.

`Workspace.write_spec(edits)` writes `spec.yaml` with some lines changed; `run()` and `validate()`
invoke the real CLI. The data: 1,500 reference records (sex, age, region, ethnicity, previous
offences, a need) and a submission of 70 of them, so every kind of hostile input is tried against
an evaluation that otherwise succeeds.
"""

from __future__ import annotations

import json
from pathlib import Path

import small_evaluation
from small_evaluation import BASE_COLUMNS, SUBMISSION_COLUMNS, edited, invoke, submission_row, write_csv

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
REFERENCE_COLUMNS = [*BASE_COLUMNS, "ethnicity", "previous_offences", "need_drugs"]


def reference_rows() -> list[dict]:
    return small_evaluation.reference_rows(1500, seed=7, female=0.2, more=True)


def submission_rows(reference: list[dict], n: int = 70) -> list[dict]:
    return [submission_row(f"R{i + 1:03d}", person) for i, person in enumerate(reference[:n])]


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
        path = self.root / name
        path.write_text(edited(SPEC if text is None else text, edits), encoding="utf-8")
        return path

    def invoke(self, *args: str):
        return invoke(*args)

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


