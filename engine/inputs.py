"""Read the reference data and the submission, give every column its contract type, and check it.

Everything the statistics rely on is checked here, before any of them runs: the files exist,
the columns the spec asks for are there, and every value is usable (dates parse, 0/1 columns
hold 0 or 1, counts are whole and not negative, days are 1-365 and empty exactly when there
was no re-offence). Every problem is collected and raised together, each naming the file,
row and column, so bad data never turns into a traceback or a silently wrong number.
All checks are vectorised: the national file can hold millions of rows.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from engine.errors import Problem, UserError, display_path
from engine.results import FileInfo
from engine.spec.loaded import LoadedSpec, file_sha256
from engine.spec.models import Spec

CAP = 20  # problem lines shown per column; the rest are counted
READERS = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}
FLAGS = {"0": 0, "1": 1, "0.0": 0, "1.0": 1, "false": 0, "true": 1, "no": 0, "yes": 1}
WORD_FLAGS = {"false", "true", "no", "yes"}
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")
DATE_HINT = "write dates as YYYY-MM-DD or DD/MM/YYYY"
DATE_BEFORE_TIME = r"^(\d{4}-\d{1,2}-\d{1,2})[T ]"  # "2013-02-01 00:00:00" from database exports
# contract column -> kind (DESIGN §2); need_* are "need", anything else is inferred ("auto")
KINDS = {
    "offender_id": "text", "record_id": "text", "forename": "text", "surname": "text",
    "reoffence_severity": "text", "date_of_birth": "date_or_empty", "end_date": "date_or_empty",
    "index_date": "date", "start_date": "date", "sexual_offence_history": "flag", "reoffended": "flag",
    "reoffence_custody": "flag", "reoffences": "count", "days_to_first_reoffence": "days",
}
MEASURE_COLUMNS = {
    "rate": "reoffended", "frequency": "reoffences", "time_to_first_reoffence": "days_to_first_reoffence",
    "custody": "reoffence_custody", "severity": "reoffence_severity",
}
WHAT = {"reference": "the reference data", "submission": "the submission"}


@dataclass(frozen=True)
class Inputs:
    """Both data sets with contract column names and types, and what was read (for results.json)."""

    reference: pd.DataFrame
    submission: pd.DataFrame
    files: dict[str, FileInfo]


def required_columns(spec: Spec) -> dict[str, dict[str, str]]:
    """For each file, the contract columns the spec needs and the spec key that asks for each."""
    link = {name: f"data.link_on.{i}" for i, name in enumerate(spec.data.link_on)}
    reference = {**link, "index_date": "data"}
    if "sexual_offence" in spec.exclusions:
        reference["sexual_offence_history"] = f"exclusions.{spec.exclusions.index('sexual_offence')}"
    for i, measure in enumerate(spec.measures):
        reference.setdefault(MEASURE_COLUMNS[measure], f"measures.{i}")
    for i, name in enumerate(spec.matching.variables):
        reference.setdefault(name, f"matching.variables.{i}")
    for a, analysis in enumerate(spec.analyses):
        for i, name in enumerate(analysis.variables or []):
            reference.setdefault(name, f"analyses.{a}.variables.{i}")
        for name in analysis.pool:
            reference.setdefault(name, f"analyses.{a}.pool.{name}")
    submission = {"record_id": "data", **link, "start_date": "data.start_column"}
    return {"reference": reference, "submission": submission}


def renames(spec: Spec, role: str) -> dict[str, str]:
    """File column -> contract name, from data.columns (and data.start_column for the submission)."""
    mapping = {file: contract for contract, file in spec.data.columns.model_dump().items() if file != contract}
    if role == "submission" and spec.data.start_column != "start_date":
        mapping[spec.data.start_column] = "start_date"
    return mapping


class Checker:
    """Collects the problems of one data file, at most CAP lines per column."""

    def __init__(self, file: str, csv: bool):
        self.file = file
        self.csv = csv
        self.problems: list[Problem] = []
        self.counts: dict[str, int] = {}

    def rows(self, column: str, mask: np.ndarray | pd.Series, message) -> bool:
        """Report the rows where mask is true, message(row position) each; True when any."""
        positions = np.flatnonzero(np.asarray(mask, dtype=bool))
        if not len(positions):
            return False
        shown = self.counts.get(column, 0)
        for i in positions[: max(CAP - shown, 0)]:
            line = int(i) + 2 if self.csv else None  # the header is line 1
            self.problems.append(Problem(self.file, line, None, f"row {i + 1}, column {column}", message(int(i))))
        self.counts[column] = shown + len(positions)
        return True

    def summary(self) -> list[Problem]:
        more = [(c, n - CAP) for c, n in self.counts.items() if n > CAP]
        return self.problems + [
            Problem(self.file, None, None, f"column {c}", f"and {n:,} more rows with problems") for c, n in more
        ]


def _text(column: pd.Series) -> pd.Series:
    """Text with surrounding spaces removed and empty cells missing."""
    text = column.astype("str") if column.dtype != "str" else column
    text = text.str.strip()
    return text.where(text.notna() & (text != ""))


def _to_float(text: pd.Series) -> pd.Series:
    """Numbers from text, missing where a cell is not a number (Arrow's cast is ~30x pandas' to_numeric)."""
    try:
        values = pc.cast(pa.array(text, from_pandas=True), pa.float64()).to_numpy(zero_copy_only=False)
        return pd.Series(values, index=text.index, dtype=np.float64)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, TypeError):
        return pd.to_numeric(text, errors="coerce").astype(np.float64)


def _flag_values(text: pd.Series) -> pd.Series:
    """1, 0 or missing from 0/1/true/false/yes/no text (any case)."""
    lower = text.str.lower()
    ones = lower.isin([k for k, v in FLAGS.items() if v == 1]).to_numpy()
    zeros = lower.isin([k for k, v in FLAGS.items() if v == 0]).to_numpy()
    return pd.Series(np.where(ones, 1.0, np.where(zeros, 0.0, np.nan)), index=text.index)


def _shown(value) -> str:
    return f'"{value}"'


def _flags(column: pd.Series, name: str, check: Checker, empty_ok: bool) -> pd.Series:
    """0/1 (also true/false/yes/no); empty allowed only for needs (not assessed)."""
    if pd.api.types.is_bool_dtype(column):
        return column.astype(np.int8)
    if pd.api.types.is_numeric_dtype(column):
        values = column.astype(np.float64)
    else:
        values = _flag_values(_text(column))
    raw = column if pd.api.types.is_numeric_dtype(column) else _text(column)
    empty = raw.isna().to_numpy()
    bad = ~values.isin([0, 1]).to_numpy() & ~empty
    check.rows(name, bad, lambda i: f"{_shown(raw.iloc[i])} is not 0 or 1")
    if empty_ok:
        return values.where(~pd.Series(bad, index=values.index))
    check.rows(name, empty, lambda i: "is empty; write 0 or 1")
    return values.fillna(0).astype(np.int8)


def _numbers(column: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Numeric values and the cells as written (for messages)."""
    if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
        return column.astype(np.float64), column
    raw = _text(column)
    return _to_float(raw), raw


def _count(column: pd.Series, name: str, check: Checker) -> pd.Series:
    values, raw = _numbers(column)
    empty = raw.isna().to_numpy()
    check.rows(name, empty, lambda i: "is empty; write a count (0 or more)")
    check.rows(name, ~empty & (values.isna() | (values % 1 != 0)).to_numpy(),
               lambda i: f"{_shown(raw.iloc[i])} is not a whole number")
    check.rows(name, (values < 0).to_numpy(), lambda i: f"{_shown(raw.iloc[i])} is negative; a count is 0 or more")
    return values.fillna(0).round().astype(np.int64)


def _days(column: pd.Series, name: str, check: Checker) -> pd.Series:
    values, raw = _numbers(column)
    written = raw.notna().to_numpy()
    bad = written & (values.isna() | (values % 1 != 0) | (values < 1) | (values > 365)).to_numpy()
    check.rows(name, bad, lambda i: f"{_shown(raw.iloc[i])} is not a whole number of days from 1 to 365")
    return values.where(~pd.Series(bad, index=values.index))


def _dates(column: pd.Series, name: str, check: Checker, empty_ok: bool) -> pd.Series:
    """Dates as datetime64[ns] at midnight: YYYY-MM-DD or DD/MM/YYYY; a time after YYYY-MM-DD is dropped.

    Nothing looser (no "2013" or "2013-02" read as the 1st), so a half-written date is reported, not guessed.
    """
    if pd.api.types.is_datetime64_any_dtype(column):
        parsed = column.dt.tz_localize(None) if getattr(column.dt, "tz", None) else column
        raw = column
    elif column.dtype == object and not column.map(lambda v: isinstance(v, str) or v is None).all():
        parsed = pd.to_datetime(column, errors="coerce")
        raw = column
    else:
        raw = _text(column)
        parsed = pd.Series(pd.NaT, index=column.index, dtype="datetime64[ns]")
        for fmt in DATE_FORMATS:
            todo = parsed.isna() & raw.notna()
            if todo.any():
                parsed[todo] = pd.to_datetime(raw[todo], format=fmt, errors="coerce").astype("datetime64[ns]")
        todo = parsed.isna() & raw.notna()
        if todo.any():
            day = raw[todo].str.extract(DATE_BEFORE_TIME, expand=False)
            parsed[todo] = pd.to_datetime(day, format=DATE_FORMATS[0], errors="coerce").astype("datetime64[ns]")
    parsed = parsed.astype("datetime64[ns]").dt.normalize()
    empty = pd.isna(raw).to_numpy() if not isinstance(raw, pd.Series) else raw.isna().to_numpy()
    check.rows(name, ~empty & parsed.isna().to_numpy(), lambda i: f"{_shown(raw.iloc[i])} is not a date; {DATE_HINT}")
    if not empty_ok:
        check.rows(name, empty, lambda i: "is empty; a date is needed")
    return parsed


def _inferred(column: pd.Series) -> pd.Series:
    """Other columns: numbers stay numbers (0/1 as int), yes/no become 0/1, anything else is text."""
    if pd.api.types.is_bool_dtype(column):
        return column.astype(np.int8)
    if pd.api.types.is_numeric_dtype(column):
        values = column.astype(np.float64)
    else:
        raw = _text(column)
        present = raw.dropna()
        if present.empty:
            return raw
        if _to_float(present.head(1000)).isna().any():
            lower = present.str.lower()
            if not raw.isna().any() and lower.isin(list(FLAGS)).all() and lower.isin(WORD_FLAGS).any():
                return _flag_values(raw).astype(np.int8)
            return raw
        values = _to_float(raw)
        if values[raw.notna()].isna().any():
            return raw
    if not values.isna().any() and values.isin([0, 1]).all():
        return values.astype(np.int64)
    return values


def typed(frame: pd.DataFrame, original: dict[str, str], check: Checker) -> pd.DataFrame:
    """Every column converted to its contract type; bad values reported through `check`."""
    out = {}
    for name in frame.columns:
        column = frame[name]
        shown = original.get(name, name)
        kind = "need" if name.startswith("need_") else KINDS.get(name, "auto")
        if kind == "text":
            out[name] = _text(column)
        elif kind in ("date", "date_or_empty"):
            out[name] = _dates(column, shown, check, empty_ok=kind == "date_or_empty")
        elif kind in ("flag", "need"):
            out[name] = _flags(column, shown, check, empty_ok=kind == "need")
        elif kind == "count":
            out[name] = _count(column, shown, check)
        elif kind == "days":
            out[name] = _days(column, shown, check)
        else:
            out[name] = _inferred(column)
    return pd.DataFrame(out, index=frame.index)


def consistency(frame: pd.DataFrame, original: dict[str, str], check: Checker) -> None:
    """Outcome columns that contradict each other: days and counts must agree with `reoffended`."""
    if "reoffended" not in frame or check.counts.get(original.get("reoffended", "reoffended")):
        return
    flag = frame["reoffended"].to_numpy()
    if "days_to_first_reoffence" in frame:
        name = original.get("days_to_first_reoffence", "days_to_first_reoffence")
        days = frame["days_to_first_reoffence"]
        if not check.counts.get(name):
            check.rows(name, (flag == 1) & days.isna().to_numpy(), lambda i: "is empty but reoffended is 1")
            check.rows(name, (flag == 0) & days.notna().to_numpy(),
                       lambda i: f"is {days.iloc[i]:g} but reoffended is 0; it must be empty")
    if "reoffences" in frame:
        name = original.get("reoffences", "reoffences")
        count = frame["reoffences"].to_numpy()
        if not check.counts.get(name):
            check.rows(name, (flag == 1) & (count == 0), lambda i: "is 0 but reoffended is 1")
            check.rows(name, (flag == 0) & (count > 0), lambda i: f"is {count[i]} but reoffended is 0")


def _read_parquet(path: Path) -> pd.DataFrame:
    """Parquet with categories as plain text and dates as datetimes, converted by Arrow (fast on millions)."""
    table = pq.read_table(path)
    for i, field in enumerate(table.schema):
        if pa.types.is_dictionary(field.type):
            table = table.set_column(i, field.name, table.column(i).cast(field.type.value_type))
    return table.to_pandas(date_as_object=False)


def spec_problem(loaded: LoadedSpec, key: str, message: str) -> Problem:
    """A problem located at the spec line that asked for something."""
    line, column = loaded.locate(key)
    return Problem(loaded.display, line, column, key, message)


def _not_found(path: Path) -> str:
    message = f"file not found: {display_path(path)}"
    if path.parent.is_dir():
        siblings = sorted(p.name for p in path.parent.iterdir() if p.is_file())
        close = difflib.get_close_matches(path.name, siblings, n=1)
        if close:
            message += f"; did you mean '{close[0]}'?"
    elif not path.parent.exists():
        message += f" (the folder {display_path(path.parent)} does not exist)"
    return message


def read_file(loaded: LoadedSpec, role: str, problems: list[Problem]) -> pd.DataFrame | None:
    """One data file as written (CSV as text, to be typed here), or None with a problem recorded."""
    written = getattr(loaded.spec.data, role)
    path = loaded.resolve(written)
    shown = display_path(path)
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        problems.append(spec_problem(loaded, f"data.{role}", f"must be a .csv or .parquet file (you wrote '{written}')"))
        return None
    if path.is_dir():
        problems.append(spec_problem(loaded, f"data.{role}", f"is a folder, not a data file: {shown}"))
        return None
    if not path.exists():
        problems.append(spec_problem(loaded, f"data.{role}", _not_found(path)))
        return None
    try:
        if reader == "csv":
            # pyarrow's reader is strict: a row with an extra field is an error, never a shifted column
            return pd.read_csv(path, engine="pyarrow", dtype=str, keep_default_na=False, na_values=[])
        return _read_parquet(path)
    except pd.errors.EmptyDataError:
        problems.append(Problem(shown, None, None, "", "the file is empty"))
    except UnicodeDecodeError:
        problems.append(Problem(shown, None, None, "", "the file is not UTF-8 text; save it as UTF-8 CSV"))
    except PermissionError:
        problems.append(Problem(shown, None, None, "", "cannot read the file: permission denied"))
    except (pd.errors.ParserError, ValueError, OSError) as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        if "UTF8" in first:
            problems.append(Problem(shown, None, None, "", "the file is not UTF-8 text; save it as UTF-8 CSV"))
            return None
        kind = "CSV" if reader == "csv" else "Parquet"
        problems.append(Problem(shown, None, None, "", f"cannot read the {kind} file: {first}"))
    return None


def missing_columns(loaded: LoadedSpec, role: str, frame: pd.DataFrame, original: dict[str, str]) -> list[Problem]:
    """Each column the spec needs and the file lacks, at the spec line that asks for it."""
    problems = []
    columns = [str(c) for c in frame.columns]
    for name, key in required_columns(loaded.spec)[role].items():
        if name in frame.columns:
            continue
        in_file = original.get(name, name)
        if name in KINDS and f"data.columns.{name}" in loaded.positions:
            key = f"data.columns.{name}"
        elif name == "start_date" and "data.start_column" not in loaded.positions:
            key = "data"
        where = display_path(loaded.resolve(getattr(loaded.spec.data, role)))
        message = f"{WHAT[role]} ({where}) has no column '{in_file}'"
        names = [original.get(c, c) for c in columns]
        close = difflib.get_close_matches(in_file, names, n=1, cutoff=0.7)
        if close:
            message += f"; did you mean '{close[0]}'?"
        else:
            message += f" (columns: {', '.join(names[:15])}{', ...' if len(names) > 15 else ''})"
        problems.append(spec_problem(loaded, key, message))
    return problems


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
            for j, value in enumerate(wanted):
                if numeric:
                    number = pd.to_numeric(pd.Series([value]), errors="coerce").iloc[0]
                    found = not pd.isna(number) and bool((present == number).any())
                else:
                    found = str(value) in set(shown)
                if found:
                    continue
                close = [] if numeric else difflib.get_close_matches(str(value), shown, n=1)
                hint = f"; did you mean '{close[0]}'?" if close else f" (values: {', '.join(shown[:12])}" + (
                    ", ...)" if len(shown) > 12 else ")")
                problems.append(spec_problem(
                    loaded, f"analyses.{a}.pool.{name}.{j}",
                    f"'{value}' never occurs in column {name} of the reference data{hint}"))
    return problems


def read_inputs(loaded: LoadedSpec) -> Inputs:
    """Both data files, renamed to the contract's columns, typed and checked; UserError lists every problem."""
    spec = loaded.spec
    problems: list[Problem] = []
    frames: dict[str, pd.DataFrame] = {}
    files: dict[str, FileInfo] = {}
    bad_columns: set[str] = set()
    for role in ("reference", "submission"):
        frame = read_file(loaded, role, problems)
        if frame is None:
            continue
        path = loaded.resolve(getattr(spec.data, role))
        mapping = renames(spec, role)
        frame = frame.drop(columns=[c for c in mapping.values() if c in frame.columns and c not in mapping])
        frame = frame.rename(columns=mapping)
        original = {contract: file for file, contract in mapping.items()}
        missing = missing_columns(loaded, role, frame, original)
        problems += missing
        check = Checker(display_path(path), csv=READERS[path.suffix.lower()] == "csv")
        frame = typed(frame, original, check)
        if not missing:
            consistency(frame, original, check)
        problems += check.summary()
        bad_columns |= {c for c, n in check.counts.items() if n} if role == "reference" else set()
        frames[role] = frame
        files[role] = FileInfo(path=getattr(spec.data, role), sha256=file_sha256(path), rows=len(frame))
    if "reference" in frames:
        problems += pool_values(loaded, frames["reference"], bad_columns)
    if problems:
        raise UserError(problems)
    return Inputs(reference=frames["reference"], submission=frames["submission"], files=files)
