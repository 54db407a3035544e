"""Linking and exclusions on a hand-made cohort whose every step is counted by hand."""

import re

import pandas as pd
import pytest

from engine.spec.models import Spec
from engine.stages.link import link_and_exclude
from engine.stages.support import common_support, restrict_pool

D = pd.Timestamp


def make_spec(**data):
    return Spec.model_validate(
        {
            "spec_version": 1,
            "programme": {"name": "the P programme", "title": "P", "organisation": "Org", "summary": "A programme."},
            "data": {"reference": "r.csv", "submission": "s.csv", **data},
            "matching": {"variables": ["age"]},
            "analyses": [{"name": "National"}],
        }
    )


def reference_rows():
    rows = [
        # offender, surname, forename, dob, index date, sexual history
        ("A1", "Smith", "Ann", "1990-01-01", "2013-01-10", 0),
        ("A1", "Smith", "Ann", "1990-01-01", "2013-03-01", 0),  # nearer to A1's start: chosen
        ("B2", "O'Brien", "Bob", "1991-02-02", "2011-01-01", 0),  # only an event long before: no match
        ("C3", "Jones", "Cy", "1992-03-03", "2013-02-01", 1),  # sexual offence history
        ("D4", "Khan", "Dee", "1993-04-04", "2013-02-15", 0),
        ("P1", "Pool", "One", "1980-01-01", "2013-01-01", 0),
        ("P2", "Pool", "Two", "1981-01-01", "2013-01-01", 1),  # sexual history: not in the pool
        ("P3", "Pool", "Three", "1982-01-01", "2013-01-01", 0),
    ]
    frame = pd.DataFrame(
        rows, columns=["offender_id", "surname", "forename", "date_of_birth", "index_date", "sexual_offence_history"]
    )
    frame["offender_id"] = frame["offender_id"].astype("string")
    frame["date_of_birth"] = pd.to_datetime(frame["date_of_birth"])
    frame["index_date"] = pd.to_datetime(frame["index_date"])
    frame["age"] = [23.0, 23.0, 22.0, 21.0, 20.0, 33.0, 32.0, 31.0]
    return frame


def submission_rows():
    rows = [
        ("R1", "A1", "smith ", "ANN", "1990-01-01", "2013-03-20"),
        ("R2", "A1", "Smith", "Ann", "1990-01-01", "2013-04-01"),  # the same person again: a duplicate
        ("R3", "B2", "o'brien", "bob", "1991-02-02", "2013-03-01"),
        ("R4", "C3", "Jones", "Cy", "1992-03-03", "2013-03-01"),
        ("R5", "D4", "Khan", "Dee", "1993-04-04", "2013-03-01"),
        ("R6", "Z9", "Nobody", "Known", "1994-05-05", "2013-03-01"),  # not in the reference data
        ("R7", pd.NA, "Missing", "Id", "1995-06-06", "2013-03-01"),  # no identifier at all
    ]
    frame = pd.DataFrame(rows, columns=["record_id", "offender_id", "surname", "forename", "date_of_birth", "start_date"])
    for name in ["record_id", "offender_id", "surname", "forename"]:
        frame[name] = frame[name].astype("string")
    frame["date_of_birth"] = pd.to_datetime(frame["date_of_birth"])
    frame["start_date"] = pd.to_datetime(frame["start_date"])
    return frame


def flow(cohort):
    return [(s.step, s.removed, s.remaining) for s in cohort.attrition]


def test_each_step_is_counted_in_the_spec_order():
    cohort = link_and_exclude(make_spec(), reference_rows(), submission_rows())
    assert flow(cohort) == [
        ("submitted", 0, 7),
        ("duplicates", 1, 6),
        ("not_identified", 2, 4),
        ("no_matching_sentence", 1, 3),
        ("sexual_offence", 1, 2),
    ]
    assert list(cohort.participants["record_id"]) == ["R1", "R5"]
    assert cohort.not_identified_n == 2


def test_the_index_event_nearest_the_start_is_chosen():
    cohort = link_and_exclude(make_spec(), reference_rows(), submission_rows())
    chosen = cohort.participants.set_index("offender_id")["index_date"]
    assert chosen["A1"] == D("2013-03-01")
    assert chosen["D4"] == D("2013-02-15")


def test_participants_never_enter_the_pool_and_sex_offenders_are_left_out():
    cohort = link_and_exclude(make_spec(), reference_rows(), submission_rows())
    assert sorted(cohort.pool["offender_id"]) == ["P1", "P3"]
    assert sorted(cohort.not_analysed["offender_id"]) == ["B2", "C3"]


def test_linking_by_name_folds_case_and_spacing():
    spec = make_spec(link_on=["surname", "forename", "date_of_birth"])
    submission = submission_rows().assign(offender_id=pd.NA)
    cohort = link_and_exclude(spec, reference_rows(), submission)
    assert flow(cohort)[1:3] == [("duplicates", 1, 6), ("not_identified", 2, 4)]
    assert sorted(cohort.participants["offender_id"]) == ["A1", "D4"]


def test_a_window_before_the_index_date_admits_work_in_custody():
    spec = make_spec(days_before_index=183, days_after_index=0)
    submission = submission_rows()
    submission.loc[submission["record_id"] == "R5", "start_date"] = D("2012-12-01")  # 76 days before D4's index
    cohort = link_and_exclude(spec, reference_rows(), submission)
    assert "D4" in set(cohort.participants["offender_id"])
    assert "A1" not in set(cohort.participants["offender_id"])  # started after every index date


def test_without_the_optional_steps_nothing_is_deduplicated_or_dropped_for_history():
    spec = make_spec().model_copy(update={"exclusions": ["not_identified", "no_matching_sentence"]})
    cohort = link_and_exclude(spec, reference_rows(), submission_rows())
    assert flow(cohort) == [("submitted", 0, 7), ("not_identified", 2, 5), ("no_matching_sentence", 1, 4)]
    assert sorted(cohort.participants["record_id"]) == ["R1", "R2", "R4", "R5"]
    assert "P2" in set(cohort.pool["offender_id"])


@pytest.fixture
def groups():
    treated = pd.DataFrame(
        {"sex": ["M", "M"], "need_drugs": [1.0, float("nan")], "age": [20.0, 22.0], "region": ["London", "London"]}
    )
    pool = pd.DataFrame(
        {
            "sex": ["M", "F", "M", "M", "M"],
            "need_drugs": [0.0, 1.0, float("nan"), 1.0, 1.0],
            "age": [30.0, 20.0, float("nan"), 40.0, 25.0],
            "region": ["London", "London", "London", "Wales", "London"],
        }
    )
    return treated, pool


def test_common_support_drops_levels_no_participant_has(groups):
    treated, pool = groups
    spec = make_spec()
    kept, variables = common_support(treated, pool, ["sex", "need_drugs", "age"], spec.matching)
    # F is no participant's sex; need_drugs 0 is no participant's value; no participant lacks an age
    assert list(kept.index) == [3, 4]
    # every participant is a man: sex has nothing left to match on once the women are gone
    assert variables == ["need_drugs", "age"]


def test_a_variable_constant_everywhere_is_left_for_the_model_to_refuse(groups):
    treated, pool = groups
    pool = pool.assign(sex="M")
    _, variables = common_support(treated, pool, ["sex", "age"], make_spec().matching)
    assert variables == ["sex", "age"]


def test_pool_restriction_keeps_the_listed_values(groups):
    _, pool = groups
    assert list(restrict_pool(pool, {"region": ["London"], "sex": ["M"]}).index) == [0, 2, 4]


def test_ids_fold_the_same_through_arrow_in_several_chunks():
    """ASCII IDs are folded by Arrow; a column in chunks whose offsets do not start at 0 (as Parquet
    gives them) folds as Python's upper() and \\s do (pyarrow 26's ascii_upper gets such chunks wrong)."""
    import random

    import numpy as np
    import pyarrow as pa

    from engine.stages.keys import fold_id

    rng = random.Random(7)
    values = ["".join(rng.choice([chr(i) for i in range(128)]) for _ in range(rng.randint(0, 9))) for _ in range(3000)]
    values += [" a0300001 ", "A03\t00\x0b001", "a0300001", None]
    head = ["x1", "y22"] + values[:1000]  # the first chunk's data starts after two values it does not show
    offsets = np.cumsum([0] + [len(v.encode()) for v in head]).astype(np.int64)
    data = "".join(head).encode()
    first = pa.Array.from_buffers(pa.large_string(), 1000, [None, pa.py_buffer(offsets[2:].tobytes()), pa.py_buffer(data)])
    chunks = pa.chunked_array([first, pa.array(values[1000:], pa.large_string())])
    column = pd.Series(pd.arrays.ArrowStringArray(chunks))
    assert column.iloc[:1000].tolist() == values[:1000]
    expected = [None if v is None else re.sub(r"\s+", "", v.upper()) for v in values]
    folded = fold_id(column)
    assert folded.dtype == column.dtype
    assert [None if pd.isna(v) else v for v in folded] == expected
    assert folded.iloc[-4:-1].tolist() == ["A0300001"] * 3
