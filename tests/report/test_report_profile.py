"""The profile stage on a small hand-made cohort: shares, suppression, ages, sentences, needs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from report_fixtures import MC_PROGRAMME, spec

from engine.stages.link import Cohort
from engine.stages.profile import band_key, build_profile

NAN = np.nan


def people(rows: list[tuple]) -> pd.DataFrame:
    columns = ["record_id", "sex", "ethnicity", "nationality", "age", "index_date", "disposal",
               "custody_length_band", "need_drugs", "need_alcohol"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["index_date"] = pd.to_datetime(frame["index_date"])
    for name in ["record_id", "sex", "ethnicity", "nationality", "disposal", "custody_length_band"]:
        frame[name] = frame[name].astype("string")
    return frame


PARTICIPANTS = people([
    ("r1", "M", "White", "UK", 19, "2012-11-03", "community", "Non-custodial", 1.0, 0.0),
    ("r2", "M", "White", "UK", 21, "2013-02-10", "custody", "1 to 4 years", 1.0, NAN),
    ("r3", "M", "Black", "Non-UK", 25, "2013-03-01", "suspended", "Non-custodial", 0.0, 1.0),
    ("r4", "F", "White", None, 23, "2013-05-20", "custody", "Less than 12 months", NAN, NAN),
    ("r5", "M", "White", "UK", 30, "2013-06-30", "custody", "1 to 4 years", 1.0, 0.0),
    ("r6", "M", "Asian", "UK", 40, "2013-07-01", "community", "Non-custodial", 0.0, 0.0),
])
NOT_ANALYSED = people([
    ("x1", "M", "Black", "UK", 33, "2010-01-01", "community", "Non-custodial", NAN, NAN),
    ("x2", "M", "Black", "Unknown", 35, "2011-01-01", "custody", "4 to 10 years", NAN, NAN),
]).drop(columns=["record_id"])


def cohort() -> Cohort:
    return Cohort(participants=PARTICIPANTS, pool=PARTICIPANTS.iloc[0:0], not_analysed=NOT_ANALYSED,
                  not_identified_n=3, attrition=[])


def threshold(made, value: int):
    """The spec with report.suppress_below set below its floor (3): the profile builder takes any threshold."""
    return made.model_copy(update={"report": made.report.model_copy(update={"suppress_below": value})})


def shares_of(shares):
    return [(s.level, s.count, round(s.percent, 2), s.suppressed) for s in shares]


def test_matched_participants_are_profiled_with_suppression():
    treated = PARTICIPANTS.iloc[:5]  # r6 was not matched
    profile = build_profile(cohort(), treated, threshold(spec(MC_PROGRAMME), 2))
    a = profile.analysed
    assert a.n == 5
    assert shares_of(a.sex) == [("M", 4, 80.0, False), ("F", 1, 20.0, True)]
    assert shares_of(a.ethnicity) == [("White", 4, 80.0, False), ("Black", 1, 20.0, True)]
    assert shares_of(a.nationality) == [("UK", 3, 60.0, False), ("(missing)", 1, 20.0, True),
                                        ("Non-UK", 1, 20.0, True)]
    assert (a.age_min, a.age_max, a.age_mean) == (19.0, 30.0, pytest.approx(23.6))
    assert shares_of(a.index_year) == [("2012", 1, 20.0, True), ("2013", 4, 80.0, False)]
    assert shares_of(a.sentence) == [
        ("Non-custodial sentence", 2, 40.0, False),
        ("Custodial sentence: Less than 12 months", 1, 20.0, True),
        ("Custodial sentence: 1 to 4 years", 2, 40.0, False),
    ]
    # assessed: anyone with a need recorded (r4 has none): 4 of 5; drugs 3 of 4, alcohol 1 of 4
    assert (a.needs_assessed_n, a.needs_assessed_percent) == (4, 80.0)
    assert shares_of(a.needs) == [("need_drugs", 3, 75.0, False), ("need_alcohol", 1, 25.0, True)]


def test_not_analysed_are_the_excluded_and_the_unmatched():
    profile = build_profile(cohort(), PARTICIPANTS.iloc[:5], spec(MC_PROGRAMME))
    b = profile.not_analysed
    assert b.n == 3  # x1, x2 and the unmatched r6
    assert shares_of(b.ethnicity) == [("Black", 2, 66.67, True), ("Asian", 1, 33.33, True)]
    assert b.age_min is None and b.index_year == [] and b.sentence == [] and b.needs == []
    assert profile.not_identified_n == 3


def test_default_threshold_suppresses_below_five_and_zero_prints_all():
    treated = PARTICIPANTS.iloc[:5]
    assert all(s.suppressed for s in build_profile(cohort(), treated, spec(MC_PROGRAMME)).analysed.ethnicity)
    shown = build_profile(cohort(), treated, threshold(spec(MC_PROGRAMME), 0))
    assert not any(s.suppressed for s in shown.analysed.ethnicity)


def test_absent_columns_give_empty_lists():
    bare = PARTICIPANTS[["record_id", "sex", "index_date"]]
    c = Cohort(participants=bare, pool=bare.iloc[0:0], not_analysed=NOT_ANALYSED[["sex"]], not_identified_n=0,
               attrition=[])
    a = build_profile(c, bare, spec(MC_PROGRAMME)).analysed
    assert a.ethnicity == [] and a.sentence == [] and a.needs == [] and a.age_min is None
    assert a.needs_assessed_n == 0 and a.needs_assessed_percent == 0.0


def test_sentence_bands_sort_by_length():
    bands = ["10 years or more", "4 to 10 years", "Less than 12 months", "1 to 4 years"]
    assert sorted(bands, key=band_key) == ["Less than 12 months", "1 to 4 years", "4 to 10 years",
                                           "10 years or more"]
