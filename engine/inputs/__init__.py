"""Read the reference data and the submission, give every column its contract type, and check it.

Everything the statistics rely on is checked here, before any of them runs: the files exist
and can be read as they are really sent (reading.py), the columns the spec asks for are there
(columns.py), every value is usable and dates are read in the order they were written
(checks.py, dates.py), and values are plausible (values.py). Every problem is collected and
raised together, each naming the file, row and column, so bad data never turns into a
traceback or a silently wrong number; what was noticed and read anyway becomes a warning.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from engine.errors import Problem, UserError, how_many, display_path
from engine.inputs.checks import KINDS, Checker, kinds
from engine.inputs.columns import match_case, missing_columns, outcome_copies, pool_values, renames, required_columns
from engine.inputs.reading import read_file
from engine.inputs.values import consistency, plausibility, record_ids, template_example, typed
from engine.results import FileInfo
from engine.spec.loaded import LoadedSpec, file_sha256

__all__ = ["Inputs", "read_inputs", "required_columns"]
EVENT = {"reference": "index_date", "submission": "start_date"}
SUBMISSION_COLUMNS = {"record_id", "offender_id", "forename", "surname", "date_of_birth", "start_date", "end_date",
                      "sex"}  # sex: optional, compared with the linked national record (engine/stages/identity.py)
SUBMISSION_KINDS = {**KINDS, "sex": "text"}  # whatever its codes (M/F, 1/2), read as written


@dataclass(frozen=True)
class Inputs:
    """Both data sets with contract column names and types, and what was read (for results.json)."""

    reference: pd.DataFrame
    submission: pd.DataFrame
    files: dict[str, FileInfo]
    warnings: list[str] = field(default_factory=list)
    places: dict[str, Place] = field(default_factory=dict)  # where each row is in its file, per role
    synthetic: bool = False  # a file carries jdlspec synth's mark: every output says the data are synthetic

    def checker(self, role: str) -> Checker:
        """A Checker for more messages about a file's rows, numbered as the file's own program numbers them."""
        place = self.places[role]
        return Checker(place.file, place.lines, place.sheet)


@dataclass(frozen=True)
class Place:
    """A file as messages name it, and where its rows are (engine.inputs.checks.Checker)."""

    file: str
    lines: np.ndarray | None
    sheet: str | None


def read_inputs(loaded: LoadedSpec, roles: tuple[str, ...] = ("reference", "submission")) -> Inputs:
    """Both data files (or only the submission: an organisation checking its records has no national data),
    renamed to the contract's columns, typed and checked; UserError lists every problem."""
    spec = loaded.spec
    problems: list[Problem] = []
    frames: dict[str, pd.DataFrame] = {}
    files: dict[str, FileInfo] = {}
    warnings: list[str] = []
    places: dict[str, Place] = {}
    synthetic = False
    bad_columns: set[str] = set()
    for role in roles:
        read = read_file(loaded, role, problems)
        if read is None:
            continue
        path = loaded.resolve(getattr(spec.data, role))
        shown = display_path(path)
        place = shown if read.sheet is None else f"{shown}, sheet {read.sheet}"
        warnings += [f"{place}: {note}" for note in read.notes]
        mapping = renames(spec, role)
        frame = match_case(read.frame, loaded, role)
        frame = frame.drop(columns=[c for c in mapping.values() if c in frame.columns and c not in mapping])
        frame = frame.rename(columns=mapping)
        original = {contract: file for file, contract in mapping.items()}
        missing = missing_columns(loaded, role, frame, original, [str(c) for c in read.frame.columns])
        problems += missing + [Problem(place, None, None, "", note) for note in read.notes if missing]
        if role == "submission":  # other columns of the organisation's file are not used, so not checked
            frame = frame[[c for c in frame.columns if c in SUBMISSION_COLUMNS]]
        check = Checker(shown, read.lines, read.sheet, read.day_zero)
        frame = typed(frame, original, check, SUBMISSION_KINDS if role == "submission" else kinds())
        if not missing:
            consistency(frame, original, check)
            plausibility(frame, original, check, EVENT[role])
        if role == "submission" and "record_id" in frame.columns:
            record_ids(frame, original.get("record_id", "record_id"), check)
            template_example(frame, original, check)
        if role == "reference" and frame.empty:
            problems.append(Problem(shown, None, None, "", "the reference data has no records, only a header"))
        problems += check.problems
        warnings += check.warnings
        bad_columns |= {c for c, n in check.counts.items() if n} if role == "reference" else set()
        frames[role] = frame
        places[role] = Place(shown, read.lines, read.sheet)
        synthetic |= read.synthetic
        files[role] = FileInfo(path=getattr(spec.data, role), sha256=file_sha256(path), rows=len(frame))
    if "reference" in frames:
        problems += pool_values(loaded, frames["reference"], bad_columns)
        problems += outcome_copies(loaded, frames["reference"])
    if problems:
        raise UserError(problems)
    inputs = Inputs(frames.get("reference", pd.DataFrame()), frames["submission"], files, warnings, places, synthetic)
    warnings = warnings + _in_the_future(inputs)
    return replace(inputs, warnings=warnings + (_outside_reference(inputs, loaded) if "reference" in frames else []))


FUTURE = {  # the dates that cannot lie after today, and why
    "reference": ("index_date", "index date", "a year of follow-up that has not happened has no outcome to know"),
    "submission": ("start_date", "programme start date", "nobody can have started the programme then"),
}


def _in_the_future(inputs: Inputs) -> list[str]:
    """Index dates or programme starts after today: a year typed wrong, or made-up test data; either way no
    outcome of them can be known. (The message names no date, so a run's words do not change with the day.)"""
    today = pd.Timestamp.today().normalize()
    warnings = []
    for role, (column, noun, why) in FUTURE.items():
        frame = inputs.reference if role == "reference" else inputs.submission
        if role not in inputs.places or column not in frame:
            continue
        later = (frame[column] > today).to_numpy()
        if later.any():
            check = inputs.checker(role)
            n = int(later.sum())
            check.warn(f"{how_many(n, noun)} ({check.examples(later, frame[column].dt.strftime('%Y-%m-%d'))}) "
                       f"{'lies' if n == 1 else 'lie'} in the future: {why}; {'is the date' if n == 1 else 'are the dates'} "
                       "right?")
            warnings += check.warnings
    return warnings


def _outside_reference(inputs: Inputs, loaded: LoadedSpec) -> list[str]:
    """Programme starts that no index event in the reference data can match, by date alone."""
    data = loaded.spec.data
    index = inputs.reference["index_date"]
    start = inputs.submission["start_date"]
    if index.empty or start.empty:
        return []
    # a start may lie from days_before_index before an index date to days_after_index after it
    low = index.min() - pd.Timedelta(days=data.days_before_index)
    high = index.max() + pd.Timedelta(days=data.days_after_index)
    outside = ((start < low) | (start > high)).to_numpy()
    if not outside.any():
        return []
    check = inputs.checker("submission")
    shown = start.dt.strftime("%Y-%m-%d")
    count = int(outside.sum())
    one = count == 1
    check.warn(f"{count:,} of {how_many(len(start), 'programme start date')} ({check.examples(outside, shown)}) "
               f"{'lies' if one else 'lie'} outside the reference data's index dates ({index.min():%Y-%m-%d} to "
               f"{index.max():%Y-%m-%d}), so no reference record can match {'it' if one else 'them'}")
    return check.warnings
