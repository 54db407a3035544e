"""The spec against the data's columns: which columns each file needs, their names in the file,
and pool restriction values that never occur.

Column names are matched ignoring letter case (" Offender_ID " is offender_id; the spaces
went when the file was read); any other difference is refused with the closest name.
"""

from __future__ import annotations

import difflib

import numpy as np
import pandas as pd

from engine.errors import Problem, display_path
from engine.inputs.checks import kinds
from engine.measures import columns_read, declared_columns, outcome_columns
from engine.spec.data import FILE_COLUMNS
from engine.spec.loaded import LoadedSpec, spec_problem
from engine.spec.models import Spec

WHAT = {"reference": "the reference data", "submission": "the submission"}
FEW_VALUES = 12  # pool values listed in full up to this many


def required_columns(spec: Spec) -> dict[str, dict[str, str]]:
    """For each file, the contract columns the spec needs and the spec key that asks for each."""
    link = {name: f"data.link_on.{i}" for i, name in enumerate(spec.data.link_on)}
    reference = {**link, "index_date": "data"}
    if "sexual_offence" in spec.exclusions:
        reference["sexual_offence_history"] = f"exclusions.{spec.exclusions.index('sexual_offence')}"
    for i, measure in enumerate(spec.measures):
        declaration = spec.outcome_measures.get(measure)
        if declaration is not None:  # at the declaration's own key: its column, event column or time point
            for column, _, key in declared_columns(declaration):
                reference.setdefault(column, ".".join(map(str, ("outcome_measures", measure, *key))))
        for column in columns_read(measure):
            reference.setdefault(column, f"measures.{i}")
    for i, name in enumerate(spec.matching.variables):
        reference.setdefault(name, f"matching.variables.{i}")
    for i, name in enumerate(spec.balance.additional):
        reference.setdefault(name, f"balance.additional.{i}")
    for a, analysis in enumerate(spec.analyses):
        for i, name in enumerate(analysis.variables or []):
            reference.setdefault(name, f"analyses.{a}.variables.{i}")
        for name in analysis.pool:
            reference.setdefault(name, f"analyses.{a}.pool.{name}")
    submission = {"record_id": "data", **link, "start_date": "data.start_column"}
    return {"reference": reference, "submission": submission}


def renames(spec: Spec, role: str) -> dict[str, str]:
    """File column -> contract name, from the file's own mapping (data.submission_columns or
    data.reference_columns), else data.columns (and data.start_column for the submission)."""
    return {file: contract for contract, file in spec.data.file_columns(role).items() if file != contract}


def _mapping_key(loaded: LoadedSpec, role: str, name: str) -> str | None:
    """The spec key that names this contract column's column in this file, if the spec wrote one."""
    for key in (f"data.{role}_columns.{name}", f"data.columns.{name}"):
        if key in loaded.positions:
            return key
    if name == "start_date" and "data.start_column" in loaded.positions:
        return "data.start_column"
    return None


def missing_columns(loaded: LoadedSpec, role: str, frame: pd.DataFrame, original: dict[str, str],
                    names: list[str]) -> list[Problem]:
    """Each column the spec needs and the file lacks (`frame` renamed to the contract's names), at the spec line
    that asks for it: the name expected, then the file's columns (`names`), and for a contract column the key
    that maps it to the file's own name."""
    problems = []
    found = f"{', '.join(names[:20])}{', ...' if len(names) > 20 else ''}" if names else "none"
    for name, key in required_columns(loaded.spec)[role].items():
        if name in frame.columns:
            continue
        in_file = original.get(name, name)
        mapped = _mapping_key(loaded, role, name)
        key = mapped or ("data" if name == "start_date" else key)
        where = display_path(loaded.resolve(getattr(loaded.spec.data, role)))
        message = f"{WHAT[role]} ({where}) has no column '{in_file}'"
        close = difflib.get_close_matches(in_file, names, n=1, cutoff=0.7)
        message += f"; did you mean '{close[0]}'? (its columns: {found})" if close else f" (its columns: {found})"
        if mapped is None and name in FILE_COLUMNS[role]:
            message += f"; if it has another name there, write it as data.{role}_columns.{name}"
        elif mapped == f"data.columns.{name}":  # it renames the column in both files: one file's own name?
            message += ("; data.columns renames it in both files: a name only one file uses goes in "
                        f"data.submission_columns.{name} or data.reference_columns.{name} instead")
        problems.append(spec_problem(loaded, key, message))
    return problems


def match_case(frame: pd.DataFrame, loaded: LoadedSpec, role: str) -> pd.DataFrame:
    """Rename file columns that differ from a wanted name only in letter case to that name."""
    spec = loaded.spec
    mapping = renames(spec, role)
    wanted = {mapping.get(c, c) for c in kinds()} | set(spec.data.file_columns(role).values())
    wanted |= set(required_columns(spec)[role])
    wanted = {next((f for f, c in mapping.items() if c == w), w) for w in wanted}
    present = set(frame.columns)
    folded: dict[str, list[str]] = {}
    for name in wanted - present:
        folded.setdefault(name.casefold(), []).append(name)
    out = {}
    for column in frame.columns:
        match = folded.get(str(column).casefold(), [])
        if column not in wanted and len(match) == 1:
            out[column] = match[0]
    return frame.rename(columns=out)


def _pool_key(value: object) -> str:
    return "".join(str(value).split()).casefold()


def pool_values(loaded: LoadedSpec, reference: pd.DataFrame, bad_columns: set[str]) -> list[Problem]:
    """Pool restriction values that never occur in their column (a typo would silently empty the pool)."""
    problems = []
    for a, analysis in enumerate(loaded.spec.analyses):
        for name, wanted in analysis.pool.items():
            if name not in reference or name in bad_columns:
                continue
            column = reference[name]
            present = pd.unique(column.dropna())
            numeric = pd.api.types.is_numeric_dtype(column)
            present = np.sort(present) if numeric else sorted(str(v) for v in present)
            shown = [str(int(v) if numeric and float(v).is_integer() else v) for v in present]
            by_key = {_pool_key(v): v for v in shown}
            listed = f" (values: {', '.join(shown)})" if len(shown) <= FEW_VALUES else ""
            for j, value in enumerate(wanted):
                if numeric:
                    number = pd.to_numeric(pd.Series([value]), errors="coerce").iloc[0]
                    found = not pd.isna(number) and bool((present == number).any())
                else:
                    found = str(value) in set(shown)
                if found:
                    continue
                close = [by_key[_pool_key(value)]] if _pool_key(value) in by_key else (
                    [] if numeric else difflib.get_close_matches(str(value), shown, n=1))
                if close:
                    hint = f"; did you mean '{close[0]}'?{listed}"
                else:
                    hint = listed or f" (values: {', '.join(shown[:FEW_VALUES])}, ...)"
                problems.append(spec_problem(
                    loaded, f"analyses.{a}.pool.{name}.{j}",
                    f"'{value}' never occurs in column {name} of the reference data{hint}"))
    return problems


SAMPLE_ROWS = 4_096  # the checks run on an even sample first; only a column the sample flags is confirmed in full


def outcome_copies(loaded: LoadedSpec, reference: pd.DataFrame) -> list[Problem]:
    """Matching variables and pool columns whose values follow an outcome (a copy, recoding or derivation of
    it under another name): matching on what happened after the programme would hide its effect."""
    spec = loaded.spec
    used = [(f"matching.variables.{i}", name) for i, name in enumerate(spec.matching.variables)]
    for a, analysis in enumerate(spec.analyses):
        used += [(f"analyses.{a}.variables.{i}", name) for i, name in enumerate(analysis.variables or [])]
        used += [(f"analyses.{a}.pool.{name}", name) for name in analysis.pool]
    outcomes = [o for o in outcome_columns() if o in reference]
    full = _Codes(reference, None)
    sampled = _Codes(reference, _sample(reference, outcomes, full))
    problems = []
    for key, name in used:
        if name not in reference or name in outcomes:
            continue
        outcome = next((o for o in outcomes if _follows(sampled, name, o) and _follows(full, name, o)), None)
        if outcome:
            problems.append(spec_problem(loaded, key, f"'{name}' cannot be used: in the reference data its "
                            f"values follow the outcome column {outcome} (an outcome, measured after the "
                            "programme; matching on it would hide the effect)"))
    return problems


def _sample(reference: pd.DataFrame, outcomes: list[str], full: _Codes) -> np.ndarray | None:
    """Rows spread evenly through the data; an outcome so rare that the sample holds one value of it only
    brings rows with its other values too (else a copy of it would look constant and pass)."""
    if len(reference) <= SAMPLE_ROWS:
        return None
    rows = np.linspace(0, len(reference) - 1, SAMPLE_ROWS).astype(np.int64)
    extra = []
    for outcome in outcomes:
        if reference[outcome].take(rows).nunique(dropna=False) < 2:
            codes = full[outcome]
            extra.append(np.flatnonzero(codes != codes[rows[0]])[:SAMPLE_ROWS])
    return np.unique(np.concatenate([rows, *extra])) if extra else rows


class _Codes:
    """Each column's values as small integers (a missing value is a value of its own), on some rows or all,
    worked out once per column."""

    def __init__(self, frame: pd.DataFrame, rows: np.ndarray | None):
        self.frame, self.rows, self.done = frame, rows, {}

    def __getitem__(self, name: str) -> np.ndarray:
        if name not in self.done:
            column = self.frame[name] if self.rows is None else self.frame[name].take(self.rows)
            self.done[name] = pd.factorize(column, use_na_sentinel=False)[0].astype(np.int64)
        return self.done[name]


def _follows(codes: _Codes, name: str, outcome: str) -> bool:
    """Does column `name` carry the outcome under another form? Either it is a function of the outcome (a copy,
    a one-to-one recoding or text code, a banding of it) or the outcome is a function of it (a binning or a
    transform that tells who re-offended). Functions that hold only by chance, because most values occur once
    (an identifier-like covariate), do not count: the repeated values must cover at least half of the rows."""
    x, y = codes[name], codes[outcome]
    levels_x, levels_y = int(x.max(initial=-1)) + 1, int(y.max(initial=-1)) + 1
    if levels_x < 2 or levels_y < 2:
        return False
    pairs = len(pd.unique(x * levels_y + y))
    if pairs == levels_x == levels_y:
        return True  # one-to-one
    if pairs == levels_y:  # x is a function of the outcome
        return _repeated_share(y, levels_y, None) >= 0.5
    if pairs == levels_x:  # the outcome is a function of x: each outcome value mostly on x values seen twice
        return _repeated_share(x, levels_x, y).min() >= 0.5
    return False


def _repeated_share(codes: np.ndarray, levels: int, by: np.ndarray | None):
    """The share of rows whose value occurs more than once (overall, or within each value of `by`)."""
    repeated = (np.bincount(codes, minlength=levels) >= 2)[codes].astype(np.float64)
    if by is None:
        return repeated.mean()
    return np.bincount(by, weights=repeated) / np.bincount(by)
