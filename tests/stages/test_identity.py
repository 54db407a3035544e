"""Linking on an identifier compares the rest: a record whose name, date of birth or sex contradicts the national
record it links to is someone else's and not identified; one person under two identifiers is one person; honest
variation (case, accents, hyphens, initials, a swapped day and month, sex codes) is not a contradiction.

Every count here is worked out by hand from the rows written below."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from engine.stages.identity import contradictions, sex_codes
from engine.stages.keys import PERSON, link_key
from engine.stages.link import DIFFERS, link_and_exclude
from test_link import flow, make_spec

D = pd.Timestamp
REFERENCE = [  # a men's programme's national data: offender, forename, surname, date of birth, sex, index date
    ("M1", "Carl", "Brown", "1985-05-05", "M", "2013-02-01"),
    ("M2", "Dan", "Green", "1986-06-06", "M", "2013-02-01"),
    ("W1", "Fay", "Jones", "1987-07-07", "F", "2013-02-01"),  # a woman, one digit away from M1
    ("M3", "Eli", "Khan", "1988-08-08", "M", "2013-02-01"),
    ("M9", "Eli", "Khan", "1988-08-08", "M", "2012-02-01"),  # the same man under a second identifier
    ("M4", "Seán", "O'Brien-Smith", "1984-03-04", "M", "2013-02-01"),
    ("P1", "Pool", "One", "1980-01-01", "M", "2013-01-01"),
    ("P2", "Pool", "Two", "1981-01-01", "M", "2013-01-01"),
]


def reference() -> pd.DataFrame:
    frame = pd.DataFrame(REFERENCE, columns=["offender_id", "forename", "surname", "date_of_birth", "sex", "index_date"])
    for name in ("offender_id", "forename", "surname", "sex"):
        frame[name] = frame[name].astype("string")
    frame["date_of_birth"] = pd.to_datetime(frame["date_of_birth"])
    frame["index_date"] = pd.to_datetime(frame["index_date"])
    return frame.assign(sexual_offence_history=0, age=30.0)


def submission(*rows: tuple) -> pd.DataFrame:
    """Rows of record_id, offender_id, forename, surname, date of birth, sex (None: not written); start 2013-03-01."""
    frame = pd.DataFrame(rows, columns=["record_id", "offender_id", "forename", "surname", "date_of_birth", "sex"])
    for name in ("record_id", "offender_id", "forename", "surname", "sex"):
        frame[name] = frame[name].astype("string")
    frame["date_of_birth"] = pd.to_datetime(frame["date_of_birth"])
    return frame.assign(start_date=D("2013-03-01"))


CARL = ("R1", "M1", "Carl", "Brown", "1985-05-05", "M")


def test_a_mistyped_id_that_belongs_to_a_woman_is_not_identified_and_no_woman_is_analysed():
    cohort = link_and_exclude(make_spec(), reference(), submission(CARL, ("R2", "W1", "Dan", "Green", "1986-06-06", "M")))
    assert flow(cohort) == [("submitted", 0, 2), ("duplicates", 0, 2), ("not_identified", 1, 1),
                            ("no_matching_sentence", 0, 1), ("sexual_offence", 0, 1)]
    assert list(cohort.participants["sex"]) == ["M"]
    assert cohort.unlinked.to_dict("records") == [
        {"record_id": "R2", "position": 1, "reason": DIFFERS, "differs": "name, date of birth, sex"}]
    assert cohort.identified_n == 1 and cohort.not_identified_n == 1
    assert cohort.not_analysed.empty  # the woman's record is nobody's profile
    assert "W1" not in set(cohort.pool["offender_id"])  # the record named stays out of the pool, as any submitted one


def test_a_date_of_birth_alone_can_contradict():
    late = ("R3", "M3", "Eli", "Khan", "1988-09-09", None)  # the name agrees, the date of birth does not, sex unknown
    cohort = link_and_exclude(make_spec(), reference(), submission(CARL, late))
    assert cohort.unlinked[["record_id", "differs"]].values.tolist() == [["R3", "date of birth"]]
    assert flow(cohort)[2] == ("not_identified", 1, 1)


def test_honest_variation_is_not_a_contradiction():
    honest = submission(
        ("R1", "M1", "C", "brown", "1985-05-05", "male"),  # an initial; another code for male
        ("R2", "M2", "Daniel", "GREEN", "1986-06-06", "1"),  # the name Dan is the start of; ONS code 1
        ("R3", "M3", "Eli", "Khan", "1988-08-08", "not known"),  # an unknown code is not compared
        ("R4", "M4", "Sean", "Smith", "1984-04-03", " m "),  # accent dropped, one part of a double-barrelled name, day and month swapped
        ("R5", "M9", None, None, None, None),  # nothing else written: nothing to contradict
    )
    cohort = link_and_exclude(make_spec(), reference(), honest)
    assert cohort.unlinked.empty
    # R5 is R3's man under his other identifier, but it holds nothing that shows so: one record each
    assert flow(cohort)[1:3] == [("duplicates", 0, 5), ("not_identified", 0, 5)]


def test_one_person_under_two_ids_is_one_person_removed_as_a_duplicate():
    # R2 repeats Carl under an identifier nobody has: the same name, date of birth and sex
    cohort = link_and_exclude(make_spec(), reference(), submission(CARL, ("R2", "X7", "Carl", "Brown", "1985-05-05", "M"),
                                                                    ("R3", "M3", "Eli", "Khan", "1988-08-08", "M"),
                                                                    ("R4", "M9", "Eli", "Khan", "1988-08-08", "M")))
    assert flow(cohort)[:3] == [("submitted", 0, 4), ("duplicates", 2, 2), ("not_identified", 0, 2)]
    assert cohort.same_person == [[0, 1], [2, 3]]  # positions in the submission, the kept record first
    assert cohort.not_identified_n == 0  # Carl was identified under his other record
    assert sorted(cohort.participants["record_id"]) == ["R1", "R3"]
    assert cohort.not_analysed.empty  # M9 is Eli, who is analysed: not a second, unanalysed person


def test_the_identified_record_of_a_person_is_kept_whatever_the_order():
    stranger_first = ("R0", "W1", "Carl", "Brown", "1985-05-05", "M")  # Carl's name on the woman's identifier
    rows = submission(stranger_first, CARL)
    rows.loc[0, "start_date"] = D("2013-02-20")  # earlier than his other record: it would be kept by date alone
    cohort = link_and_exclude(make_spec(), reference(), rows)
    assert flow(cohort)[:3] == [("submitted", 0, 2), ("duplicates", 1, 1), ("not_identified", 0, 1)]
    assert list(cohort.participants["record_id"]) == ["R1"]
    assert cohort.same_person == [[1, 0]]


def test_two_records_under_one_strangers_id_with_the_same_details_are_one_person():
    wrong = ("R2", "W1", "Dan", "Green", "1986-06-06", "M")
    again = ("R3", "W1", "Dan", "Green", None, "M")  # the same wrong identifier and details, less the birth date
    cohort = link_and_exclude(make_spec(), reference(), submission(CARL, wrong, again))
    assert flow(cohort)[1:3] == [("duplicates", 0, 3), ("not_identified", 2, 1)]  # details differ: two unknowns
    assert cohort.not_identified_n == 2


def test_linking_on_names_two_spellings_of_one_national_record_are_one_person():
    spec = make_spec(link_on=["surname", "forename", "date_of_birth"])
    national = pd.concat([reference(), reference().iloc[[0]].assign(forename="Karl", index_date=D("2012-06-01"))],
                         ignore_index=True)  # M1's earlier event spelled Karl
    rows = submission(("R1", None, "Carl", "Brown", "1985-05-05", "M"), ("R2", None, "Karl", "Brown", "1985-05-05", None),
                      ("R3", None, "Dan", "Green", "1986-06-06", "F"))  # Dan's national record says M
    cohort = link_and_exclude(spec, national, rows)
    assert flow(cohort)[1:3] == [("duplicates", 1, 2), ("not_identified", 1, 1)]
    assert cohort.unlinked[["record_id", "differs"]].values.tolist() == [["R3", "sex"]]
    assert cohort.same_person == [[0, 1]]


def test_the_reference_data_holding_a_participant_under_two_ids_is_warned():
    cohort = link_and_exclude(make_spec(), reference(), submission(CARL, ("R2", "M3", "Eli", "Khan", "1988-08-08", "M")))
    assert cohort.warnings == [
        "the reference data holds 1 submitted person under two or more offender_ids (M3 and M9: the same forename, "
        "surname, date of birth and sex); only the records of the identifier the submission links to are used, and "
        "the other may stand in the comparison pool for that person: ask whoever keeps the national data to merge "
        "them"]
    assert link_and_exclude(make_spec(), reference(), submission(CARL)).warnings == []


def test_contradictions_compare_with_every_national_record_of_the_key():
    national = pd.concat([reference(), reference().iloc[[1]].assign(date_of_birth=D("1986-06-16"))], ignore_index=True)
    national[PERSON] = link_key(national, ["offender_id"])
    people = submission(("R1", "M2", "Dan", "Green", "1986-06-16", None), ("R2", "M2", "Dan", "Green", "1986-07-16", None))
    people[PERSON] = link_key(people, ["offender_id"])
    assert contradictions(people, national, ["offender_id"]).tolist() == ["", "date of birth"]


def test_sex_codes():
    values = pd.Series(["M", "f", " Male ", "FEMALE", "1", 2, 2.0, "X", "not known", None, "man", "Woman"])
    assert sex_codes(values).tolist() == ["M", "F", "M", "F", "M", "F", "F", None, None, None, "M", "F"]


NAMES = ["Carl", "Seán", "Zoë", "O'Brien", "Smith-Jones", "Mary Ann", "McDonald", "Ahmed-Khan"]


def _retyped(name: str, draw) -> str:
    """The name as someone else might type it: case, spaces around and inside, hyphens as spaces, accents lost,
    a curly apostrophe."""
    import unicodedata

    from hypothesis import strategies as st

    if draw(st.booleans()):
        name = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    name = draw(st.sampled_from([name.upper(), name.lower(), name, name.title()]))
    if draw(st.booleans()):
        name = name.replace("-", draw(st.sampled_from([" ", "", "‐"])))
    name = name.replace("'", draw(st.sampled_from(["'", "’", ""])))
    return draw(st.sampled_from(["", " ", "  "])) + name + draw(st.sampled_from(["", " "]))


def test_honest_retyping_never_contradicts():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    @settings(max_examples=150, deadline=None)
    @given(st.data(), st.sampled_from(NAMES), st.sampled_from(NAMES),
           st.dates(dt.date(1920, 1, 1), dt.date(2010, 12, 31)), st.sampled_from(["M", "F"]))
    def check(data, forename, surname, born, sex):
        national = pd.DataFrame({"offender_id": ["X1"], "forename": [forename], "surname": [surname],
                                 "date_of_birth": [pd.Timestamp(born)], "sex": [sex]}).astype(
            {"offender_id": "string", "forename": "string", "surname": "string", "sex": "string"})
        written = {"M": ["M", "m", "Male", "MAN", "1", " male "], "F": ["F", "female", "Woman", "2", "f "]}[sex]
        day = pd.Timestamp(born)
        swapped = day.replace(month=day.day, day=day.month) if day.day <= 12 else day
        people = pd.DataFrame({
            "offender_id": ["X1"], "forename": [_retyped(forename, data.draw)], "surname": [_retyped(surname, data.draw)],
            "date_of_birth": [data.draw(st.sampled_from([day, swapped]))], "sex": [data.draw(st.sampled_from(written))]})
        for frame in (national, people):
            frame[PERSON] = link_key(frame, ["offender_id"])
        assert contradictions(people, national, ["offender_id"]).tolist() == [""]

    check()


def test_a_stranger_differs_in_every_field_the_submission_holds():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    @settings(max_examples=100, deadline=None)
    @given(st.sampled_from(["forename", "surname", "date_of_birth", "sex"]))
    def check(missing):
        stranger = submission(("R1", "W1", "Dan", "Green", "1986-06-16", "M"))  # W1 is Fay Jones, 1987-07-07, F
        stranger[missing] = None if missing != "date_of_birth" else pd.NaT
        stranger[PERSON] = link_key(stranger, ["offender_id"])
        national = reference()
        national[PERSON] = link_key(national, ["offender_id"])
        expected = ", ".join(word for field, word in (("name", "name"), ("date_of_birth", "date of birth"),
                                                      ("sex", "sex")) if field != missing)
        assert contradictions(stranger, national, ["offender_id"]).tolist() == [expected]  # a missing value: no say

    check()
