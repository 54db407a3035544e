"""Everything before the propensity model, shared by `run` and `validate` (the dry run).

`prepare` reads and checks the data, links and applies the exclusions, and refuses a cohort
that no analysis could use, naming the step where the people were lost; `run` goes on from
its result, `validate` prints the flow and the warnings. One path, so whatever `run` would
refuse about the data before any statistics, `validate` refuses too.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from engine.disclosure import too_small
from engine.errors import Problem, UserError, display_path, how_many
from engine.inputs import Inputs, read_inputs
from engine.results import AttritionStep
from engine.run.progress import Progress
from engine.spec.loaded import LoadedSpec
from engine.stages.diagnose import STEP_NAMES, link_warning, lost_everyone
from engine.stages.link import DIFFERS, NO_BIRTH_DATE, NO_IDENTIFIER, UNLINKED_REASONS, Cohort, link_and_exclude
from engine.stages.support import restrict_pool
from engine.synth.identity import looks_synthetic


@dataclass(frozen=True)
class Prepared:
    """The checked data, the cohort, and every warning noticed on the way."""

    inputs: Inputs
    cohort: Cohort
    warnings: list[str]
    fit_warnings: list[str]  # the pools' fit before matching: `validate` prints them; `run` checks the matched groups


def prepare(loaded: LoadedSpec, progress: Progress | None = None) -> Prepared:
    """Read, link and exclude; UserError when the data or the cohort cannot be analysed."""
    progress = progress or Progress(enabled=False)
    spec = loaded.spec
    with progress.stage("reading the data"):
        inputs = read_inputs(loaded)
        if not inputs.synthetic and looks_synthetic(inputs.reference):  # synth's data, its file mark lost in a rewrite
            inputs = replace(inputs, synthetic=True)
    with progress.stage("linking and exclusions"):
        cohort = link_and_exclude(spec, inputs.reference, inputs.submission)
    problems = cohort_problems(loaded, inputs, cohort)
    small = too_small(loaded, cohort.attrition)  # below the minimum nothing may be published: refuse it here
    problems += [small] if small is not None else []
    if problems:
        raise UserError(list(dict.fromkeys(problems)))  # two analyses sharing a variable give one line
    warnings = inputs.warnings + link_warning(spec, inputs.reference, inputs.submission, cohort.identified_n)
    warnings += blank_link_fields(loaded, inputs, cohort) + identity_warnings(loaded, inputs, cohort)
    return Prepared(inputs, cohort, warnings + cohort.warnings, pool_fit(loaded, cohort))


def pool_fit(loaded: LoadedSpec, cohort: Cohort) -> list[str]:
    """Characteristics nearly every participant shares that an analysis's pool does not and it does not match on
    (engine/stages/fit.py), in the pool it could match from: restricted, and trimmed to common support."""
    from engine.stages.fit import gap_warning, gaps, unmatched
    from engine.stages.support import common_support

    spec = loaded.spec
    treated, warnings = cohort.participants, []
    for number, analysis in enumerate(spec.analyses):
        pool = restrict_pool(cohort.pool, analysis.pool)
        columns = unmatched(pool.columns, spec, analysis)
        if gaps(treated, pool, None, columns):  # only then is the trimmed pool worth making
            pool, _ = common_support(treated, pool, spec.variables_for(analysis), spec.matching)
            warnings += [gap_warning(gap, number, spec, matched=False) for gap in gaps(treated, pool, None, columns)]
    return warnings


def blank_link_fields(loaded: LoadedSpec, inputs: Inputs, cohort: Cohort) -> list[str]:
    """Records that could not be looked for, because a field they are linked on is blank: each field named as
    the file names it, with its rows, so the organisation can fill them in."""
    import numpy as np

    positions = cohort.unlinked.loc[cohort.unlinked["reason"].isin([NO_IDENTIFIER, NO_BIRTH_DATE]), "position"].to_numpy(dtype=np.int64)
    if not len(positions):
        return []
    link_on = loaded.spec.data.link_on
    names = loaded.spec.data.file_columns("submission")
    check = inputs.checker("submission")
    ids = inputs.submission["record_id"]
    for name in link_on:
        blank = np.zeros(len(ids), dtype=bool)
        blank[positions] = inputs.submission[name].isna().to_numpy()[positions]
        if blank.any():
            count = int(blank.sum())
            check.warn(f"{count:,} record{'s have' if count != 1 else ' has'} no {names[name]} "
                       f"({check.examples(blank, ids)}), so {'they' if count != 1 else 'it'} could not be looked for "
                       f"in the reference data on [{', '.join(link_on)}] and {'are' if count != 1 else 'is'} counted "
                       "as not identified; fill in what your records hold")
    return check.warnings


SHOWN = 10  # records named one by one in a warning about identities; the rest are counted


def _and(words: str) -> str:
    """'date of birth, sex' -> 'date of birth and sex'."""
    parts = words.split(", ")
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def identity_warnings(loaded: LoadedSpec, inputs: Inputs, cohort: Cohort) -> list[str]:
    """Each record whose name, date of birth or sex contradicts the national record it links to (excluded as not
    identified), each group of records found to be one person under two link keys (counted once), and sex values
    that are no code the comparison knows: at the rows the organisation's own program shows."""
    from engine.stages.identity import submitted_identity, unknown_sex_codes

    check = inputs.checker("submission")
    names = loaded.spec.data.file_columns("submission")
    link_on = list(loaded.spec.data.link_on)
    submission = inputs.submission
    key = names["offender_id"] if link_on == ["offender_id"] else "[" + ", ".join(names[n] for n in link_on) + "]"
    lines = []
    differ = cohort.unlinked[cohort.unlinked["reason"] == DIFFERS]
    for record_id, position, _, fields in differ.head(SHOWN).itertuples(index=False):
        value = submission["offender_id"].iloc[int(position)] if link_on == ["offender_id"] else None
        what = f"the national record of {key} {value}" if value is not None else f"the national record its {key} links to"
        hint = f"a mistyped {key}?" if "offender_id" in link_on else "another person with the same name and date of birth?"
        verb = "differ" if "," in fields else "differs"
        lines.append(str(check.problem(int(position), f"record {record_id}", f"its {_and(fields)} {verb} from {what}, so "
                                       f"it is someone else's record ({hint}); excluded as not identified")))
    if len(differ) > SHOWN:
        check.warn(f"and {how_many(len(differ) - SHOWN, 'more record')} whose details differ from the national record "
                   "they link to; `jdlspec validate --unlinked FILE` lists them all")
    ids = submission["record_id"]
    for group in cohort.same_person[:SHOWN]:
        rows = [check.number(i) for i in group]
        shown = ", ".join(str(r) for r in rows[:-1]) + f" and {rows[-1]}"
        identity = submitted_identity(submission.iloc[group])
        same = ("the same forename, surname" + (", date of birth and sex" if "sex" in submission else " and date of birth")
                if identity.notna().all() and identity.nunique() == 1 else "linked to the same national offender_id")
        check.warn(f"rows {shown} (record_ids {', '.join(str(ids.iloc[i]) for i in group)}) are one person under "
                   f"different {key} values ({same}): counted once, row {rows[0]} kept and the "
                   f"other{'s' if len(group) > 2 else ''} removed as {'duplicates' if len(group) > 2 else 'a duplicate'}")
    if len(cohort.same_person) > SHOWN:
        check.warn(f"and {how_many(len(cohort.same_person) - SHOWN, 'more person', 'more people')} found under "
                   "different link keys, each counted once")
    if "sex" in submission:
        unknown = unknown_sex_codes(submission["sex"])
        if unknown.any():
            check.warn(f"column {names['sex']}: {how_many(int(unknown.sum()), 'value')} ("
                       f"{check.examples(unknown, submission['sex'])}) {'is' if unknown.sum() == 1 else 'are'} no sex "
                       "code jdlspec compares (M/F, male/female, 1/2), so those records' sex was not compared with the "
                       "national record")
    return lines + check.warnings


def cohort_problems(loaded: LoadedSpec, inputs: Inputs, cohort: Cohort) -> list[Problem]:
    """Nobody left (named by the step that lost them), an empty pool, a variable no participant has."""
    spec = loaded.spec
    differ = int((cohort.unlinked["reason"] == DIFFERS).sum())
    lost = lost_everyone(spec, cohort.attrition, inputs.reference, inputs.submission, differ)
    if lost is not None:
        step, why = lost
        if step is None:
            return [Problem(display_path(loaded.resolve(spec.data.submission)), None, None, "", why)]
        key = f"exclusions.{spec.exclusions.index(step)}"
        return [Problem(loaded.display, *loaded.locate(key), key, why)]
    problems = []
    participants = cohort.participants
    after = STEP_NAMES[spec.exclusions[-1]] if spec.exclusions else "linking"
    for a, analysis in enumerate(spec.analyses):
        own = analysis.variables is not None
        for j, name in enumerate(spec.variables_for(analysis)):
            if name in participants and participants[name].isna().all():
                key = f"analyses.{a}.variables.{j}" if own else f"matching.variables.{j}"
                problems.append(Problem(loaded.display, *loaded.locate(key), key,
                                        f"{name} is empty for all {len(participants):,} participants left after the "
                                        f"step '{after}', so the propensity model cannot use it; remove it from the "
                                        "variables, or fill it in the reference data"))
        pool = restrict_pool(cohort.pool, analysis.pool)
        if pool.empty:
            key = f"analyses.{a}.pool" if analysis.pool else f"analyses.{a}"
            what = f"with {dict(analysis.pool)}" if analysis.pool else "once participants are removed"
            problems.append(Problem(loaded.display, *loaded.locate(key), key,
                                    f"analysis {analysis.name}: no record of the reference data is left in the "
                                    f"comparison pool {what}"))
    return problems


def flow_lines(prepared: Prepared, loaded: LoadedSpec) -> list[str]:
    """The flow of people and the link rate, as `validate` prints them under the spec's name."""
    steps = prepared.cohort.attrition
    counts = " → ".join(str(s.remaining) for s in steps)
    lines = [f"  people: {counts}"]
    reasons = prepared.cohort.unlinked["reason"].value_counts()
    for step in steps:
        label = "submitted" if step.step == "submitted" else STEP_NAMES.get(step.step, step.step)
        removed = f"  (-{step.removed:,})" if step.step != "submitted" else ""
        lines.append(f"    {label + ':':<22}{step.remaining:>8,}{removed}")
        if step.step == "not_identified" and step.removed:
            shown = [r for r in UNLINKED_REASONS if (r != NO_BIRTH_DATE or "date_of_birth" in loaded.spec.data.link_on)
                     and (r != DIFFERS or reasons.get(r, 0))]
            lines.append("      " + ", ".join(f"{reason}: {int(reasons.get(reason, 0)):,}" for reason in shown))
    submitted = steps[0].remaining
    found = prepared.cohort.identified_n
    rate = f" ({found / submitted:.0%})" if submitted else ""
    lines.append(f"  linked: {found:,} of {submitted:,} submitted records{rate} on "
                 f"[{', '.join(loaded.spec.data.link_on)}]")
    lines += [f"  warning: {w}" for w in prepared.warnings + prepared.fit_warnings]
    return lines


def validate_spec(path: Path, data: bool = True, unlinked: Path | None = None, reference: bool = True,
                  force: bool = False) -> list[str]:
    """The dry run of one spec: the lines `validate` prints; UserError with every problem found. With
    `unlinked`, the records not identified are written to that file, each with its reason (a file jdlspec did not
    write is replaced only with `force`); without `reference`, the spec and the submission alone are checked."""
    from engine.claims.pieces import check_spec_text
    from engine.spec.loader import load_spec

    loaded = load_spec(path)
    check_spec_text(loaded)
    if not data:
        return [f"{loaded.display}: ok (data not checked)"]
    if not reference:
        return submission_lines(loaded)
    if unlinked is not None:
        check_unlinked_file(unlinked, force)
    prepared = prepare(loaded)
    lines = [f"{loaded.display}: ok"] + flow_lines(prepared, loaded)
    if unlinked is not None:
        count = write_unlinked(unlinked, prepared, force)
        lines.append(f"  wrote {display_path(unlinked)}: the {count:,} record{'s' if count != 1 else ''} not "
                     "identified, each with its row and reason (keep it private: it names your records)")
    return lines


def submission_lines(loaded: LoadedSpec) -> list[str]:
    """What an organisation can check without the national data: its file's columns and values, and how many
    people its records are (one person's records and exact copies of a row counted as duplicates)."""
    import pandas as pd

    from engine.stages.identity import people_of
    from engine.stages.keys import PERSON, link_key

    spec = loaded.spec
    inputs = read_inputs(loaded, roles=("submission",))
    records = inputs.submission
    # one person's records: the same link key, or the same name, date of birth and sex under two keys (as `run`)
    person = people_of(records.assign(**{PERSON: link_key(records, list(spec.data.link_on))}),
                       pd.Series("", index=records.index), None)
    duplicates = int((person.duplicated() | records.duplicated()).sum())
    small = too_small(loaded, [AttritionStep(step="duplicates", removed=duplicates,
                                             remaining=len(records) - duplicates)])
    if small is not None:
        raise UserError(small)
    lines = [f"{loaded.display}: ok (the submission checked; the reference data not read)",
             f"  records: {len(records):,} submitted → {len(records) - duplicates:,} people after duplicates "
             f"(-{duplicates:,})"]
    blank = {name: int(records[name].isna().sum()) for name in spec.data.link_on}
    if any(blank.values()):
        names = spec.data.file_columns("submission")
        lines.append("  cannot be looked for: " + ", ".join(f"{count:,} with no {names[name]}"
                                                             for name, count in blank.items() if count))
    return lines + [f"  warning: {w}" for w in inputs.warnings]


UNLINKED_HEADER = "record_id,row,reason\n"


def check_unlinked_file(path: Path, force: bool = False) -> None:
    """Refuse a file inside a report folder (it would be published, or stop the next run replacing the folder)
    or one jdlspec did not write, before anything runs."""
    from engine.files import check_owned_file, refuse
    from engine.run.publish import MARKER

    folder = Path(path).absolute().parent
    if any((parent / MARKER).exists() for parent in (folder, *folder.parents)):
        refuse(display_path(path), "is inside a report folder; write the records not identified somewhere that is "
                                   "never published, e.g. outside reports/")
    check_owned_file(Path(path), _is_unlinked_file, force, "list of records not identified")


def write_unlinked(path: Path, prepared: Prepared, force: bool = False) -> int:
    """record_id, the row number as the file's own program shows it (a CSV's line, a sheet's Excel row), and
    the reason, in the submission's order."""
    import csv
    import io

    from engine.files import write_owned_file

    check = prepared.inputs.checker("submission")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(UNLINKED_HEADER.strip().split(","))
    records = prepared.cohort.unlinked
    for record_id, position, reason, fields in records.itertuples(index=False):
        writer.writerow([record_id, check.number(int(position)), f"{reason}: {fields}" if fields else reason])
    write_owned_file(Path(path), out.getvalue().encode("utf-8"), _is_unlinked_file, force,
                     "list of records not identified")
    return len(records)


def _is_unlinked_file(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(len(UNLINKED_HEADER)) == UNLINKED_HEADER.encode("ascii")
