"""Read a data file as people really send it: CSV with any common separator, Excel, or Parquet.

Normalised without a word: a byte-order mark, the separator (`,` `;` tab `|`, sniffed from
the first lines), spaces around column names, trailing blank rows and unnamed empty columns
that spreadsheets leave behind. Refused, naming the cause: duplicate column names, a named
column... with no name but with values, a file that is not UTF-8, an old .xls workbook.
Values stay text here (Parquet keeps its types); `values.typed` converts them.
"""

from __future__ import annotations

import csv
import difflib
import io
import os
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from engine.errors import Problem, display_path
from engine.results import SYNTHETIC_MARK
from engine.inputs.checks import EXCEL_EPOCH
from engine.inputs.workbook import HEADER_SEARCH, read_sheet
from engine.spec.loaded import LoadedSpec, spec_problem

READERS = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".parquet": "parquet", ".pq": "parquet", ".xlsx": "xlsx",
           ".xlsm": "xlsx"}
SEPARATORS = [",", ";", "\t", "|"]
SAMPLE = 1 << 16  # bytes read to sniff the separator
SEARCH_DEPTH = 3  # folders below the spec's (and the working) folder searched for a misplaced file
SKIP = {".git", ".venv", "node_modules", "__pycache__", "reports"}


@dataclass(frozen=True)
class Read:
    """A data file as written: values as text (or Parquet types, or a workbook's date cells as dates) and
    where each row is, as the user's own program numbers it."""

    frame: pd.DataFrame
    lines: np.ndarray | None  # the CSV line or sheet row of each row; None for Parquet, which has neither
    notes: list[str]  # what was normalised and is worth a warning (e.g. which sheet was read)
    sheet: str | None = None  # the workbook sheet read
    header: int | None = None  # the line or sheet row of the column names
    synthetic: bool = False  # the file carries jdlspec synth's mark (engine.results.SYNTHETIC_MARK)
    day_zero: np.datetime64 = EXCEL_EPOCH  # what day number 0 is: a workbook in Excel for Mac's 1904 system differs


SHARED: dict[tuple, Read] | None = None  # batch workers: each data file read once (engine/run/batch.py)


def share_reads() -> None:
    """Keep every file read in this process for the next spec that names it (a batch worker's many specs)."""
    global SHARED
    if SHARED is None:
        SHARED = {}


def read_file(loaded: LoadedSpec, role: str, problems: list[Problem]) -> Read | None:
    """One data file, or None with a problem recorded."""
    written = getattr(loaded.spec.data, role)
    path = loaded.resolve(written)
    shown = display_path(path)
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        extra = "; save the workbook as .xlsx" if path.suffix.lower() in (".xls", ".ods", ".numbers") else ""
        problems.append(spec_problem(
            loaded, f"data.{role}", f"must be a .csv, .xlsx or .parquet file (you wrote '{written}'){extra}"))
        return None
    if path.is_dir():
        problems.append(spec_problem(loaded, f"data.{role}", f"is a folder, not a data file: {shown}"))
        return None
    if not path.exists():
        problems.append(spec_problem(loaded, f"data.{role}", not_found(loaded, written)))
        return None
    if not path.is_file():  # a pipe or a device: opening it could wait for ever
        problems.append(spec_problem(loaded, f"data.{role}", f"is not a regular file (a pipe or a device): {shown}"))
        return None
    here: list[Problem] = []
    key = None
    if SHARED is not None and reader != "xlsx":
        stat = path.stat()
        key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
        if key in SHARED:  # the raw read is shared; tidying runs again on each spec's copy
            kept = SHARED[key]
            return _tidy(replace(kept, frame=kept.frame.copy(deep=False), notes=list(kept.notes)), shown, problems)
    try:
        if reader == "csv":
            read = _read_csv(path, shown, here)
        elif reader == "xlsx":
            sheet = read_sheet(loaded, role, path, here)
            read = None if sheet is None else Read(sheet.frame, sheet.rows, sheet.notes, sheet.name, sheet.header,
                                                    day_zero=sheet.day_zero)
        else:
            frame, synthetic = _read_parquet(path)
            read = Read(frame, None, [], synthetic=synthetic)
    except PermissionError:
        here.append(Problem(shown, None, None, "", "cannot read the file: permission denied"))
    except UnicodeDecodeError:
        here.append(Problem(shown, None, None, "", "the file is not UTF-8 text; save it as 'CSV UTF-8'"))
    except (pd.errors.ParserError, ValueError, OSError, KeyError, pa.ArrowException) as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        if "UTF8" in first or "utf-8" in first:
            here.append(Problem(shown, None, None, "", "the file is not UTF-8 text; save it as 'CSV UTF-8'"))
        else:
            kind = {"csv": "CSV", "xlsx": "Excel", "parquet": "Parquet"}[reader]
            here.append(Problem(shown, None, None, "", f"cannot read the {kind} file: {first}"))
    problems += here
    if here:
        return None
    if key is not None:
        SHARED[key] = read
        read = replace(read, frame=read.frame.copy(deep=False), notes=list(read.notes))
    return _tidy(read, shown, problems)


def _sniff(sample: str) -> str:
    """The separator that splits the first lines into the same, largest number of fields
    (or, when a bad row breaks every candidate, the one that splits the header most)."""
    lines = [line for line in sample.splitlines()[:50] if line.strip()]
    if len(sample) >= SAMPLE and len(lines) > 1:
        lines = lines[:-1]  # the last line may be cut short
    def score(separator: str) -> tuple[bool, int]:
        widths = {len(row) for row in csv.reader(lines, delimiter=separator)}
        return len(widths) == 1, len(next(csv.reader(lines[:1], delimiter=separator)))
    return max(SEPARATORS, key=lambda s: (score(s)[1] > 1, score(s)))


def _read_csv(path: Path, shown: str, problems: list[Problem]) -> Read | None:
    with path.open("rb") as handle:
        head = handle.read(SAMPLE)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        problems.append(Problem(shown, None, None, "", "the file is UTF-16 text (Excel's 'Unicode Text'); "
                                "save it as 'CSV UTF-8' or give the .xlsx file"))
        return None
    if not head.strip():
        problems.append(Problem(shown, None, None, "", "the file is empty"))
        return None
    sample = head.decode("utf-8-sig", errors="ignore" if len(head) == SAMPLE else "strict")
    separator = _sniff(sample)
    header = next(csv.reader(io.StringIO(sample, newline=None), delimiter=separator))  # any line ends, old Mac's CR too
    # pyarrow's reader is strict: a row with an extra field is an error, never a shifted column
    try:
        frame = pd.read_csv(path, engine="pyarrow", sep=separator, dtype=str, keep_default_na=False, na_values=[],
                            encoding="utf-8-sig")
    except (pa.ArrowInvalid, pd.errors.ParserError) as error:
        if "straddl" in str(error):  # one value longer than the reader's block (a few MB)
            line, length = _longest(path, separator)
            problems.append(Problem(shown, line, None, "", f"a value in this row is too long to read ({length:,} "
                                    "characters: a whole document pasted into one cell?); shorten it or remove it"))
            return None
        if "Expected" not in str(error):
            raise
        line, width = _ragged(path, separator, len(header))
        why = "a value holding the separator must be in quotes" if width > len(header) else "the row is cut short"
        shown_separator = {"\t": "tab"}.get(separator, f"'{separator}'")
        problems.append(Problem(shown, line, None, "", f"this row has {width} fields (separated by {shown_separator}) "
                                f"where the header has {len(header)}; {why}"))
        return None
    if len(header) == len(frame.columns):
        frame.columns = header  # as written: pandas would rename a second 'age' to 'age.1'
    return Read(frame, _csv_lines(path, separator, len(frame)), [], header=1)


def _csv_lines(path: Path, separator: str, rows: int) -> np.ndarray:
    """The line an editor shows for each row: the row's number plus one, unless blank lines (which the
    reader skips) or values holding line breaks make the file longer; then each row's first line is counted."""
    breaks, last = 0, b"\n"
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 22), b""):
            breaks += block.count(b"\n")
            last = block[-1:]
    if breaks + (last != b"\n") == rows + 1:
        return np.arange(rows) + 2
    starts = []  # the header's first line, then each row's
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, delimiter=separator)
        before = 0
        for row in reader:
            if row:  # a blank line is no row
                starts.append(before + 1)
            before = reader.line_num
    return np.array(starts[1:rows + 1]) if len(starts) == rows + 1 else np.arange(rows) + 2


def _longest(path: Path, separator: str) -> tuple[int, int]:
    """(file line, length) of the longest value in the file."""
    csv.field_size_limit(2**31 - 1)
    line, length = 1, 0
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
        reader = csv.reader(handle, delimiter=separator)
        for row in reader:
            longest = max(map(len, row), default=0)
            if longest > length:
                line, length = reader.line_num, longest
    return line, length


def _ragged(path: Path, separator: str, width: int) -> tuple[int | None, int]:
    """(file line, field count) of the first non-blank row whose fields do not match the header's."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, delimiter=separator)
        for row in reader:
            if len(row) != width and any(cell.strip() for cell in row):
                return reader.line_num, len(row)
    return None, width


def _read_parquet(path: Path) -> tuple[pd.DataFrame, bool]:
    """Parquet with categories as plain text and dates as datetimes, converted by Arrow (fast on millions).

    Arrow allocates with jemalloc where the build has it: with its default (mimalloc) reading and
    converting a million-record file took twice as long (1.6 s instead of 0.7 s here), and the
    system allocator, as fast, left the whole run's peak memory 20% higher. A pandas index saved with the data
    (`to_parquet` keeps one that is not 0, 1, 2 ...) is not the rows' positions: named levels become columns,
    the rest is dropped (repeated labels, as `pd.concat` leaves them, broke linking)."""
    try:
        pa.set_memory_pool(pa.jemalloc_memory_pool())
    except NotImplementedError:  # a build without jemalloc keeps Arrow's default
        pass
    table = pq.read_table(path)
    synthetic = SYNTHETIC_MARK in (table.schema.metadata or {})
    for i, field in enumerate(table.schema):
        if pa.types.is_dictionary(field.type):
            table = table.set_column(i, field.name, table.column(i).cast(field.type.value_type))
    frame = table.to_pandas(date_as_object=False)
    if not frame.index.equals(pd.RangeIndex(len(frame))):  # a pandas index saved in the file (to_parquet keeps it)
        named = [name for name in frame.index.names if name is not None]  # named levels are columns of the data
        frame = (frame.reset_index(level=named) if named else frame).reset_index(drop=True)  # rows by position
    return frame, synthetic


def _tidy(read: Read, shown: str, problems: list[Problem]) -> Read | None:
    """Column names without surrounding spaces; blank rows and unnamed empty columns dropped; duplicates refused."""
    frame = read.frame
    names = [str(c).replace("\ufeff", "").strip() for c in frame.columns]
    before = len(problems)
    seen: dict[str, int] = {}
    for number, name in enumerate(names, start=1):
        if not name:
            continue
        key = name.casefold()
        if key in seen:
            problems.append(Problem(*_header_place(read, shown), f"column {number}",
                                    f"'{name}' is also the name of column {seen[key]}; each column needs its own name"))
        seen.setdefault(key, number)
    if read.lines is None:  # Parquet: typed columns, nothing blank to drop
        frame.columns = names
        return None if len(problems) > before else read
    frame.columns = range(len(names))
    cells = frame.apply(lambda c: c.astype("str").str.strip() != "")
    unnamed = [n for n, name in enumerate(names) if not name and cells[n].any()]
    named = sum(1 for name in names if name)
    if len(unnamed) > named:  # a title above the column names, read as the header
        first = min(int(np.flatnonzero(cells[n].to_numpy())[0]) for n in unnamed)
        line = int(read.lines[first])
        if read.sheet is None:
            problems.append(Problem(*_header_place(read, shown), "", f"line 1 names only {named} of the "
                                    f"{named + len(unnamed)} columns that hold values: a title above the column "
                                    f"names? If they are on line {line}, delete the lines above it (in a CSV file "
                                    "the column names are line 1), or give the workbook itself, whose title rows "
                                    "are skipped"))
        else:  # a sheet's title rows are skipped when its header holds the names the spec needs; this one does not
            problems.append(Problem(*_header_place(read, shown), "", f"names only {named} of the "
                                    f"{named + len(unnamed)} columns that hold values, and no row above row "
                                    f"{HEADER_SEARCH + 1} holds the column names the spec needs: if they are on row "
                                    f"{line}, check them against the names the spec gives (data.columns, "
                                    "data.submission_columns, data.reference_columns)"))
        return None
    for number, name in enumerate(names):
        if not name and cells[number].any():
            first = int(np.flatnonzero(cells[number].to_numpy())[0])
            problems.append(Problem(*_header_place(read, shown), f"column {number + 1}",
                                    f"has no name but holds values (first at row {int(read.lines[first])}); "
                                    "give it a name in the header"))
    if len(problems) > before:
        return None
    keep = [i for i, name in enumerate(names) if name]
    filled = cells.any(axis=1).to_numpy()
    frame = frame.loc[filled, keep]
    frame.columns = [names[i] for i in keep]
    return replace(read, frame=frame.reset_index(drop=True), lines=read.lines[filled])


def _header_place(read: Read, shown: str) -> tuple[str, int | None, None]:
    """(file, line, column) of the column names: a CSV's line 1, a sheet's own row, no place in Parquet."""
    if read.sheet is not None:
        return f"{shown}, sheet {read.sheet}, row {read.header}", None, None
    return shown, read.header, None


def _nearby(folder: Path, name: str) -> list[Path]:
    """Files called `name` within a few folders below `folder`."""
    found = []
    for root, dirs, files in os.walk(folder):
        depth = len(Path(root).relative_to(folder).parts)
        dirs[:] = [] if depth >= SEARCH_DEPTH else sorted(d for d in dirs if d not in SKIP and not d.startswith("."))
        if name in files:
            found.append(Path(root) / name)
    return found


def not_found(loaded: LoadedSpec, written: str) -> str:
    """'file not found', saying paths are relative to the spec's folder and naming a file that exists."""
    path = loaded.resolve(written)
    base = loaded.path.resolve().parent
    folder = "" if base == Path.cwd().resolve() else f", {display_path(base)}"
    relative = f"paths are relative to the spec's folder{folder}"
    message = f"file not found: {display_path(path)} ({relative})"
    if not path.parent.exists():
        message = f"file not found: {display_path(path)} (the folder {display_path(path.parent)} does not exist; " \
                  f"{relative})"
    candidates = _nearby(base, path.name) + _nearby(Path.cwd(), path.name) + _nearby(base.parent, path.name)
    if not candidates and path.parent.is_dir():
        siblings = sorted(p.name for p in path.parent.iterdir() if p.is_file())
        candidates = [path.parent / c for c in difflib.get_close_matches(path.name, siblings, n=1)]
    if candidates:
        message += f"; did you mean '{Path(os.path.relpath(candidates[0].resolve(), base)).as_posix()}'?"
    return message
