"""A declaration's columns are checked where it names them (a cold attack on issue 20): its time points' columns
must exist and may not be matching variables, a column cannot be read as two different things by two measures (a
0/1 proportion of a count column gave a "23957.2%" report), time points are in increasing order each in its own
column, and one mistake is one message at its line."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from engine.cli import app
from engine.errors import UserError
from engine.spec.loader import load_spec
from tests.measures.test_declared_measures import DECLARED, declared_spec, twin_data

OVER_TIME = DECLARED.replace("    follow_up: one year after starting\n",
                             "    follow_up: one year after starting\n    over_time: {3: in_work_3m, 6: in_work_6m}\n", 1)


def problems_of(spec) -> list:
    with pytest.raises(UserError) as caught:
        load_spec(spec)
    return caught.value.problems


BAD = [  # (declarations, the key named, its words, the line pointed at)
    (OVER_TIME.replace("{3: in_work_3m, 6: in_work_6m}", "{6: in_work_6m, 3: in_work_3m}"),
     "outcome_measures.in_work.over_time", "increasing order (6 comes before 3)", "over_time:"),
    (OVER_TIME.replace("6: in_work_6m", "6: in_work_3m"),
     "outcome_measures.in_work.over_time", "'in_work_3m' for two time points (3, 6 months)", "over_time:"),
    (DECLARED.replace("column: in_work_12m", "column: reoffence_severity"), "outcome_measures.in_work.column",
     "'reoffence_severity' is read here as 0/1, and as text by the built-in", "column: reoffence_severity"),
    (DECLARED.replace("column: in_work_12m", "column: days_to_first_reoffence"), "outcome_measures.in_work.column",
     "'days_to_first_reoffence' is read here as 0/1, and as days to a first re-offence by the built-in",
     "column: days_to_first_reoffence"),
    (DECLARED.replace("    follow_up: one year after starting\n", "    folow_up: one year after starting\n", 1),
     "outcome_measures.in_work", "unknown key 'folow_up'; did you mean 'follow_up'?", "folow_up:"),
    (DECLARED.replace("  in_work:\n", "  In_work:\n"), "outcome_measures.In_work", "cannot name a measure", "In_work:"),
    (DECLARED.replace("people: weeks in work", "people: Were in  work"), "outcome_measures.weeks_worked.words.people",
     "'Were in  work' also names outcome_measures.in_work (line", "people: Were in  work"),
]


@pytest.mark.parametrize("declarations, key, words, written", BAD)
def test_a_bad_declaration_is_one_message_at_its_line(tmp_path, declarations, key, words, written):
    spec = declared_spec(tmp_path, declarations)
    lines = spec.read_text(encoding="utf-8").splitlines()
    found = problems_of(spec)
    assert len(found) == 1, found  # one mistake, one message (no "missing follow_up" or "'in_work' is not a measure")
    assert found[0].where == key and words in found[0].message, found[0]
    assert written in lines[found[0].line - 1], found[0]


def test_a_measure_may_name_its_noun_and_its_people_alike(tmp_path):
    """'days in stable accommodation' as both: one measure's own words, no clash with another's."""
    spec = declared_spec(tmp_path, DECLARED.replace("noun: time in work", "noun: weeks in work"))
    assert load_spec(spec).spec.outcome_measures["weeks_worked"].words.noun == "weeks in work"


def test_a_time_points_column_cannot_be_a_matching_variable(tmp_path):
    spec = declared_spec(tmp_path, OVER_TIME)
    spec.write_text(spec.read_text(encoding="utf-8").replace("variables: [", "variables: [in_work_6m, ", 1), encoding="utf-8")
    found = problems_of(spec)
    assert [p.where for p in found] == ["matching.variables.0"] and "outcome" in found[0].message


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    work = tmp_path_factory.mktemp("columns")
    twin_data(work)
    return work


def validate(spec) -> tuple[int, str]:
    done = CliRunner().invoke(app, ["validate", str(spec)])
    return done.exit_code, done.output


def test_a_missing_time_points_column_is_refused_by_validate_at_its_key(data):
    spec = declared_spec(data, OVER_TIME)
    code, said = validate(spec)
    assert code == 1 and "Traceback" not in said, said
    line = next(n for n, text in enumerate(spec.read_text(encoding="utf-8").splitlines(), 1) if "over_time:" in text)
    assert f"mc.yaml:{line}:" in said and "outcome_measures.in_work.over_time.3" in said, said
    assert "has no column 'in_work_3m'" in said, said


def test_a_proportion_of_a_count_column_is_refused_not_reported(data):
    """A proportion declared on the count of re-offences: read as 0/1, its rows above 1 are refused (it was read
    as a count, whose mean x 100 the report printed as a percentage)."""
    spec = declared_spec(data, DECLARED.replace("column: in_work_12m", "column: reoffences"))
    code, said = validate(spec)
    assert code == 1 and "Traceback" not in said, said
    assert "column reoffences" in said and "is not 0 or 1" in said, said
