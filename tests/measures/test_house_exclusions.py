"""The sexual-offence exclusion is the Justice Data Lab's step (issue 20): a spec in another house that lists no
exclusions has the other three, so its data need no sexual_offence_history column; one that lists it keeps it."""

from __future__ import annotations

import pytest

from engine.spec.loader import load_spec
from tests.measures.test_declared_measures import DECLARED, declared_spec

EDL = DECLARED.replace("measures: [rate, frequency, time_to_first_reoffence, in_work, weeks_worked, days_to_job]",
                       "measures: [in_work, weeks_worked, days_to_job]")


def spec_in(folder, house: str, exclusions: str | None):
    spec = declared_spec(folder, EDL)
    text = spec.read_text(encoding="utf-8").replace("service:\n", f"service:\n  house: {house}\n", 1)
    lines = [line for line in text.splitlines() if not line.startswith("exclusions:")]
    if exclusions is not None:
        lines.append(f"exclusions: {exclusions}")
    spec.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return load_spec(spec).spec


@pytest.mark.parametrize("house, written, steps", [
    ("employment_data_lab", None, ["duplicates", "not_identified", "no_matching_sentence"]),
    ("justice_data_lab", None, ["duplicates", "not_identified", "no_matching_sentence", "sexual_offence"]),
    ("employment_data_lab", "[duplicates, not_identified, no_matching_sentence, sexual_offence]",
     ["duplicates", "not_identified", "no_matching_sentence", "sexual_offence"]),
])
def test_the_houses_default_exclusions(tmp_path, house, written, steps):
    assert spec_in(tmp_path, house, written).exclusions == steps
