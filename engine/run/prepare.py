"""Everything before the propensity model, shared by `run` and `validate` (the dry run).

`prepare` reads and checks the data, links and applies the exclusions, and refuses a cohort
that no analysis could use, naming the step where the people were lost; `run` goes on from
its result, `validate` prints the flow and the warnings. One path, so whatever `run` would
refuse about the data before any statistics, `validate` refuses too.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from engine.disclosure import too_small
from engine.errors import Problem, UserError, display_path
from engine.inputs import Inputs, read_inputs
from engine.run.progress import Progress
from engine.spec.loaded import LoadedSpec
from engine.stages.diagnose import STEP_NAMES, link_warning, lost_everyone
from engine.stages.link import Cohort, link_and_exclude
from engine.stages.support import restrict_pool


@dataclass(frozen=True)
class Prepared:
    """The checked data, the cohort, and every warning noticed on the way."""

    inputs: Inputs
    cohort: Cohort
    warnings: list[str]


def prepare(loaded: LoadedSpec, progress: Progress | None = None) -> Prepared:
    """Read, link and exclude; UserError when the data or the cohort cannot be analysed."""
    progress = progress or Progress(enabled=False)
    spec = loaded.spec
    with progress.stage("reading the data"):
        inputs = read_inputs(loaded)
    with progress.stage("linking and exclusions"):
        cohort = link_and_exclude(spec, inputs.reference, inputs.submission)
    problems = cohort_problems(loaded, inputs, cohort)
    small = too_small(loaded, cohort.attrition)  # below the minimum nothing may be published: refuse it here
    problems += [small] if small is not None else []
    if problems:
        raise UserError(list(dict.fromkeys(problems)))  # two analyses sharing a variable give one line
    warnings = inputs.warnings + link_warning(spec, inputs.reference, inputs.submission, cohort.identified_n)
    return Prepared(inputs, cohort, warnings + cohort.warnings)


def cohort_problems(loaded: LoadedSpec, inputs: Inputs, cohort: Cohort) -> list[Problem]:
    """Nobody left (named by the step that lost them), an empty pool, a variable no participant has."""
    spec = loaded.spec
    lost = lost_everyone(spec, cohort.attrition, inputs.reference, inputs.submission)
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
    for step in steps:
        label = "submitted" if step.step == "submitted" else STEP_NAMES.get(step.step, step.step)
        removed = f"  (-{step.removed:,})" if step.step != "submitted" else ""
        lines.append(f"    {label + ':':<22}{step.remaining:>8,}{removed}")
    submitted = steps[0].remaining
    found = prepared.cohort.identified_n
    rate = f" ({found / submitted:.0%})" if submitted else ""
    lines.append(f"  linked: {found:,} of {submitted:,} submitted records{rate} on "
                 f"[{', '.join(loaded.spec.data.link_on)}]")
    lines += [f"  warning: {w}" for w in prepared.warnings]
    return lines


def validate_spec(path: Path, data: bool = True) -> list[str]:
    """The dry run of one spec: the lines `validate` prints; UserError with every problem found."""
    from engine.claims.pieces import check_spec_text
    from engine.spec.loader import load_spec

    loaded = load_spec(path)
    check_spec_text(loaded)
    if not data:
        return [f"{loaded.display}: ok (data not checked)"]
    prepared = prepare(loaded)
    return [f"{loaded.display}: ok"] + flow_lines(prepared, loaded)
