"""Synthetic demo data: the national re-offending data with the two seed programmes planted in it, and the
employment example's data (engine.synth.employment).

`jdlspec synth` calls `write_synthetic_data`; the files in specs/data/ are its output for
DEFAULT_SEED and DEFAULT_SIZE, so anyone can regenerate and check them.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from engine.errors import Problem, UserError, display_path
from engine.measures import OUTCOME_COLUMNS
from engine.results import SYNTHETIC_MARK
from engine.synth.identity import draw_names, national_frame
from engine.synth.national import NEEDS
from engine.synth.seeds import LPT, MC, Plan, plant

DEFAULT_SEED = 20170209
DEFAULT_SIZE = 300_000
MAX_SIZE = 3_000_000  # ten times the default: more would need more memory than a laptop has
# Each cohort has its own random stream. Participant profiles are drawn at random, and with ~40 or
# ~90 people an unusual combination can sit outside the pool's scores; these draw numbers are the
# first for which the default data reproduce the published flows exactly under the engine's matching.
COHORT_DRAWS = {"LPT": 8, "MC": 13}
NATIONAL_FILE = "national.parquet"
SYNTH_MARKER = ".jdlspec-synth"  # this folder's data files were written by `jdlspec synth`: it may replace them
SYNTH_MARKER_TEXT = b"The data files in this folder were written by jdlspec synth, which may replace them.\n"
# inside the national data file itself, so a copy under any name keeps it: reports made from it say so
SYNTHETIC_TEXT = b"Synthetic data written by jdlspec synth: no record describes a real person."
SUBMISSIONS = {"LPT": "lpt_submission.csv", "MC": "making_connections_submission.csv"}
EMPLOYMENT_FILE, EMPLOYMENT_SUBMISSION = "employment.parquet", "employment_submission.csv"
COLUMNS = ["offender_id", "forename", "surname", "date_of_birth", "sex", "age", "age_band", "region", "ethnicity", "nationality",
           "cohort_year", "index_date", "disposal", "custody_length_band", "index_offence", "offence_severity",
           "previous_offences", "previous_custody", "age_first_contact", "copas_rate", "employed_prior_year",
           "benefits_prior_year", *[f"need_{k}" for k in NEEDS], "sexual_offence_history"]  # then the outcomes
SUBMISSION_COLUMNS = ["record_id", "offender_id", "forename", "surname", "date_of_birth", "start_date", "end_date"]


def name_key(frame: pd.DataFrame) -> pd.Series:
    """Folded surname|forename|birth date, as linking by name compares them."""
    fold = lambda s: s.astype("string").str.lower().str.replace(r"\s+", "", regex=True)  # noqa: E731
    return fold(frame["surname"]) + "|" + fold(frame["forename"]) + "|" + frame["date_of_birth"].dt.strftime("%Y-%m-%d")


def build(seed: int = DEFAULT_SEED, size: int = DEFAULT_SIZE, draws: dict | None = None) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    """The national data and the two submissions, in memory."""
    rng = np.random.default_rng(seed)
    national = national_frame(rng, size)
    planted = {plan.prefix: plant(np.random.default_rng([seed, number, (draws or COHORT_DRAWS)[plan.prefix]]), plan)
               for number, plan in enumerate((LPT, MC), start=1)}
    next_id = size + 1
    frames, people = [national], {}
    for prefix, rows in planted.items():
        # one identity per person (twins are people of their own)
        person = np.where(rows["_person"] >= 0, rows["_person"], 10_000 + np.arange(len(rows)))
        codes, firsts = np.unique(person, return_index=True)
        order = np.argsort(firsts, kind="stable")
        ids = np.char.add("A", np.char.zfill(np.arange(next_id, next_id + len(codes)).astype(str), 7))
        next_id += len(codes)
        ids = rng.permutation(ids)
        lookup = dict(zip(codes[order], ids))
        rows["offender_id"] = [lookup[p] for p in person]
        first_rows = rows.iloc[np.sort(firsts)]
        forename, surname = draw_names(rng, first_rows["sex"].to_numpy())
        names = pd.DataFrame({"offender_id": first_rows["offender_id"].to_numpy(), "forename": forename,
                              "surname": surname})
        rows = rows.drop(columns=["forename", "surname"], errors="ignore").merge(names, on="offender_id", how="left")
        frames.append(rows)
        people[prefix] = rows
    reference = pd.concat(frames, ignore_index=True)
    reference = make_names_unique(rng, reference, set(pd.concat([r.loc[r["_person"] >= 0, "offender_id"]
                                                                 for r in people.values()])))
    submissions = {prefix: submission(rng, plan, reference[reference["offender_id"].isin(
        set(people[prefix]["offender_id"]))], name_key(reference)) for prefix, plan in (("LPT", LPT), ("MC", MC))}
    order = rng.permutation(len(reference))
    reference = reference.iloc[order].reset_index(drop=True)
    # the outcome columns the registry's measures read, in the order draw_outcomes writes them
    return reference[COLUMNS + [c for c in reference.columns if c in OUTCOME_COLUMNS]], submissions


def make_names_unique(rng, reference: pd.DataFrame, submitted: set) -> pd.DataFrame:
    """No one else shares a submitted person's name and birth date (so linking by name finds only them)."""
    reference = reference.copy()
    for _ in range(20):
        key = name_key(reference)
        ids_per_key = reference.groupby(key, sort=False)["offender_id"].transform("nunique")
        clash = (ids_per_key > 1) & ~reference["offender_id"].isin(submitted) & key.isin(
            set(key[reference["offender_id"].isin(submitted)]))
        if not clash.any():
            return reference
        rows = reference.index[clash.to_numpy()]
        forename, _ = draw_names(rng, reference.loc[rows, "sex"].to_numpy())
        reference.loc[rows, "forename"] = forename
    raise RuntimeError("could not make the submitted people's names unique")


def submission(rng, plan: Plan, rows: pd.DataFrame, keys: pd.Series) -> pd.DataFrame:
    """The organisation's records: one per submitted person, plus duplicates and people not on the PNC."""
    people = rows[rows["_person"] >= 0].sort_values(["_person", "_start"]).drop_duplicates("_person")
    people = people[people["_start"].notna()]
    records = people[["offender_id", "forename", "surname", "date_of_birth", "_start", "_role"]].copy()
    lost = unknown_people(rng, plan, records, set(keys.dropna()))
    duplicated = records[records["_role"] == "analysed"].sample(plan.duplicates, random_state=rng)
    duplicated = duplicated.assign(_start=duplicated["_start"] + pd.to_timedelta(rng.integers(7, 30, plan.duplicates), "D"))
    records = pd.concat([records, lost, duplicated], ignore_index=True).rename(columns={"_start": "start_date"})
    records = records.iloc[rng.permutation(len(records))].reset_index(drop=True)
    records["record_id"] = [f"{plan.prefix}{i:04d}" for i in range(1, len(records) + 1)]
    records["end_date"] = records["start_date"] + pd.to_timedelta(rng.integers(30, 200, len(records)), "D")
    if plan.prefix == "MC":
        records["offender_id"] = pd.NA
        records = vary_names(records)
    return records[SUBMISSION_COLUMNS]


def unknown_people(rng, plan: Plan, records: pd.DataFrame, known: set) -> pd.DataFrame:
    """People the reference data does not hold: new ids, and names with birth dates nobody has."""
    k = plan.not_identified
    sex = np.full(k, "M" if plan.prefix == "LPT" else "F", dtype=object)
    forename, surname = draw_names(rng, sex)
    template = records.sample(k, random_state=rng)
    dob = template["date_of_birth"].to_numpy() + pd.to_timedelta(rng.integers(1, 200, k), "D").to_numpy()
    lost = pd.DataFrame({"offender_id": [f"A9{n:06d}" for n in rng.choice(999_999, k, replace=False)],
                         "forename": forename, "surname": surname, "date_of_birth": dob,
                         "_start": template["_start"].to_numpy(), "_role": "not_identified"})
    while name_key(lost).isin(known).any():
        lost["date_of_birth"] = lost["date_of_birth"] + pd.Timedelta(days=1)
    return lost


def vary_names(records: pd.DataFrame) -> pd.DataFrame:
    """Names as an organisation types them: some upper case, some lower, stray spaces."""
    records = records.copy()
    i = np.arange(len(records))
    records["surname"] = np.where(i % 4 == 0, records["surname"].str.upper(), records["surname"])
    records["forename"] = np.where(i % 5 == 1, records["forename"].str.lower(), records["forename"])
    records["forename"] = np.where(i % 7 == 2, " " + records["forename"] + "  ", records["forename"])
    return records


MAX_SEED = 2**32 - 1  # as the spec's random_seed


def write_synthetic_data(out: Path, seed: int = DEFAULT_SEED, size: int = DEFAULT_SIZE, force: bool = False,
                         dataset: str = "reoffending") -> list[Path]:
    """Write national.parquet and the two submissions (CSV) into `out`, or with dataset "employment" the
    employment example's employment.parquet and its submission (engine.synth.employment); returns the paths.

    A file already there is replaced only when this folder holds synth's marker (it wrote them) or
    with force; the marker is written last. Nothing is written unless all the files were made.
    """
    out = Path(out)
    if size < 1 or size > MAX_SIZE:
        raise UserError(Problem("--size", None, None, "", f"must be a number of records from 1 to {MAX_SIZE:,} "
                                f"(you wrote {size})"))
    if not 0 <= seed <= MAX_SEED:
        raise UserError(Problem("--seed", None, None, "", f"must be a number from 0 to {MAX_SEED:,} (you wrote {seed})"))
    if out.exists() and not out.is_dir():
        raise UserError(Problem(display_path(out), None, None, "", "is a file; --out takes a folder for the data files"))
    if dataset == "employment":
        from engine.synth.employment import build_employment

        reference, submission = build_employment(seed)
        contents = {EMPLOYMENT_FILE: parquet_bytes(reference), EMPLOYMENT_SUBMISSION: csv_bytes(submission)}
    else:
        reference, submissions = build(seed, size)
        contents = {NATIONAL_FILE: parquet_bytes(reference)}
        for prefix, frame in submissions.items():
            contents[SUBMISSIONS[prefix]] = csv_bytes(frame)
    return _write_all(out, contents, force)


def parquet_bytes(reference: pd.DataFrame) -> bytes:
    """The reference data as compact Parquet, marked as synthetic (SYNTHETIC_MARK)."""
    buffer = io.BytesIO()
    table = compact_table(reference).replace_schema_metadata({SYNTHETIC_MARK: SYNTHETIC_TEXT})
    pq.write_table(table, buffer, compression="zstd", compression_level=9, use_dictionary=True,
                   write_statistics=False)
    return buffer.getvalue()


def csv_bytes(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False, date_format="%Y-%m-%d", lineterminator="\n").encode()


def _write_all(out: Path, contents: dict[str, bytes], force: bool) -> list[Path]:
    """Every file checked before any is written; synth's marker last."""
    from engine.files import check_owned_file, write_owned_file

    marked = (out / SYNTH_MARKER).is_file()
    for name in contents:  # every file checked before any is written
        check_owned_file(out / name, lambda _path: marked, force, "synthetic data file")
    for name, data in contents.items():
        write_owned_file(out / name, data, lambda _path: marked, force, "synthetic data file")
    write_owned_file(out / SYNTH_MARKER, SYNTH_MARKER_TEXT, lambda path: path.read_bytes() == SYNTH_MARKER_TEXT,
                     force, "synth marker")
    return [out / name for name in contents]


def compact_table(frame: pd.DataFrame) -> pa.Table:
    """Small types: dictionary strings, int8/int16 counts, float32 never (exactness), date32 dates."""
    columns = {}
    for name in frame.columns:
        values = frame[name]
        if name in ("index_date", "date_of_birth"):
            columns[name] = pa.array(values.dt.date, type=pa.date32())
        elif name in ("offender_id", "forename", "surname"):
            columns[name] = pa.array(values.astype(str).to_numpy(), type=pa.string())
        elif values.dtype == object or isinstance(values.dtype, pd.StringDtype):
            columns[name] = pa.array(values.astype(str).to_numpy(), type=pa.string()).dictionary_encode()
        elif name.startswith("need_") or name == "days_to_first_reoffence" or name == "copas_rate":
            columns[name] = pa.array(values.to_numpy(float), type=pa.float64(), from_pandas=True)
        else:
            kind = pa.int8() if values.max() < 127 and values.min() >= -128 else pa.int16()
            columns[name] = pa.array(values.to_numpy(np.int64), type=kind)
    return pa.table(columns)
