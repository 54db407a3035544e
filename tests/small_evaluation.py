"""The data of a small evaluation that runs end to end in about a second: reference records of people with
their re-offending outcomes and characteristics, a submission of some of them, and the real command line
to run it. The safety and publication workspaces (tests/safety, tests/publication) are this, each with a
spec of its own."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import numpy as np
from typer.testing import CliRunner

from engine.cli import app

BASE_COLUMNS = ["offender_id", "forename", "surname", "date_of_birth", "index_date", "sexual_offence_history",
                "reoffended", "reoffences", "days_to_first_reoffence", "sex", "age", "region"]
SUBMISSION_COLUMNS = ["record_id", "offender_id", "forename", "surname", "date_of_birth", "start_date"]


def reference_rows(n: int, seed: int, female: float, more: bool) -> list[dict]:
    """`n` people; `female`: the share of women; `more`: also ethnicity and a drugs need (missing for some),
    and a history of sexual offences for a few (never among the first 100, who are submitted)."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):  # the draws' order is the data: keep it
        age = int(rng.integers(18, 60))
        index = dt.date(2011, 1, 1) + dt.timedelta(days=int(rng.integers(0, 360)))
        previous = int(rng.poisson(6))
        reoffended = int(rng.random() < 0.25 + 0.02 * min(previous, 10))
        row = {
            "offender_id": f"A{i:05d}", "forename": f"Name{i}", "surname": f"Family{i % 97}",
            "date_of_birth": (index - dt.timedelta(days=365 * age + int(rng.integers(0, 300)))).isoformat(),
            "index_date": index.isoformat(),
            "sexual_offence_history": int(rng.random() < 0.03) if more and i >= 100 else 0,
            "reoffended": reoffended, "reoffences": reoffended * int(rng.integers(1, 4)),
            "days_to_first_reoffence": int(rng.integers(1, 366)) if reoffended else "",
            "sex": "F" if rng.random() < female else "M", "age": age,
            "region": ["London", "Wales", "North West"][int(rng.integers(0, 3))],
        }
        if more:
            row["ethnicity"] = ["White", "Black", "Asian", "Mixed"][int(rng.choice(4, p=[0.6, 0.2, 0.12, 0.08]))]
        row["previous_offences"] = previous
        if more:
            row["need_drugs"] = "" if rng.random() < 0.3 else int(rng.random() < 0.4)
        rows.append(row)
    return rows


def submission_row(number: str, person: dict) -> dict:
    """A participant's record: who they are, and a start 30 days after their index date."""
    start = dt.date.fromisoformat(person["index_date"]) + dt.timedelta(days=30)
    return {"record_id": number, **{c: person[c] for c in SUBMISSION_COLUMNS[1:5]}, "start_date": start.isoformat()}


def write_csv(path: Path, columns: list[str], rows: list[dict]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def edited(spec: str, edits: tuple[tuple[str, str], ...]) -> str:
    """The spec with each `old` line text replaced by `new`, once; an edit that finds nothing is a test's bug."""
    for old, new in edits:
        assert old in spec, f"{old!r} is not in the spec"
        spec = spec.replace(old, new, 1)
    return spec


def invoke(*args):
    """The real command line, in process; it may refuse (exit 1) but never with a traceback."""
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    return result
