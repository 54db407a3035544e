"""Rules that span several keys of a spec: names listed twice, what may be a matching variable, one headline.

They run on the raw YAML data before the models do, so each problem points at the line the person wrote.
"""

from __future__ import annotations

from typing import Any

from engine.errors import Problem
from engine.measures import OUTCOME_COLUMNS
from engine.spec import messages
from engine.spec.declared import dotted, measure_problems

TRUTHY = {"true", "yes", "y", "on", "1"}
FALSY = {"false", "no", "n", "off", "0", "none"}
REQUIRED_EXCLUSIONS = ("not_identified", "no_matching_sentence")  # without them nobody has an outcome


def _strings(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def cross_checks(data: dict, tree: Any) -> list[Problem]:
    """Rules that span keys: unique variables, categorical names, exactly one headline analysis (`tree`: the
    loader's Tree, which knows the file and where each key was written)."""
    problems: list[Problem] = []

    def problem(path: tuple, message: str, at_key: bool = False) -> None:
        problems.append(Problem(tree.file, *tree.where(path, at_key), dotted(path), message))

    matching = data.get("matching") if isinstance(data.get("matching"), dict) else {}
    analyses = data.get("analyses") if isinstance(data.get("analyses"), list) else []
    lists = [(("matching", "variables"), matching.get("variables"))]
    lists += [(("analyses", i, "variables"), a.get("variables")) for i, a in enumerate(analyses) if isinstance(a, dict)]
    for path, values in lists:
        seen: dict[str, int] = {}
        for i, name in enumerate(values if isinstance(values, list) else []):
            if isinstance(name, str) and name in seen:
                line = tree.where(path + (seen[name],))[0]
                first = "" if line == tree.where(path + (i,))[0] else f" (first at line {line})"
                problem(path + (i,), f"'{name}' is listed twice{first}")
            elif isinstance(name, str):
                seen[name] = i
    for path in (("exclusions",), ("measures",)):
        seen_once: set[str] = set()
        for i, name in enumerate(_strings(data.get(path[0]))):
            if name in seen_once:
                problem(path + (i,), f"'{name}' is listed twice")
            seen_once.add(name)
    problems += measure_problems(data, tree)
    exclusions = data.get("exclusions")
    if isinstance(exclusions, list):
        needed = [step for step in REQUIRED_EXCLUSIONS if step not in exclusions]
        if needed:
            problem(("exclusions",), f"must include {' and '.join(needed)}: a person with no reference record "
                    "or no index event has no outcome to measure", at_key=True)
    not_matching = not_for_matching(data)
    named = lists + [(("matching", "categorical"), matching.get("categorical"))]
    for path, values in named:
        for i, name in enumerate(values if isinstance(values, list) else []):
            if isinstance(name, str) and (name in not_matching or name.startswith("_")):
                why = not_matching.get(name, "names starting with _ are the engine's own")
                problem(path + (i,), f"'{name}' cannot be a matching variable: {why}")
    balance = data.get("balance") if isinstance(data.get("balance"), dict) else {}
    for i, name in enumerate(_strings(balance.get("additional"))):
        if name in not_matching and name not in OUTCOME_COLUMNS and not_matching[name] == NOT_FOR_MATCHING["reoffended"]:
            problem(("balance", "additional", i), f"'{name}' is an outcome, measured after the programme; the "
                    "balance table compares the groups before it")
    for a, analysis in enumerate(analyses):
        pool = analysis.get("pool") if isinstance(analysis, dict) else None
        for name in pool if isinstance(pool, dict) else {}:
            if isinstance(name, str) and name in not_matching:
                problem(("analyses", a, "pool", name), f"'{name}' cannot restrict the comparison pool: "
                        f"{not_matching[name]}", at_key=True)
    known = sorted({n for _, values in lists for n in _strings(values)})
    if known:
        for i, name in enumerate(_strings(matching.get("categorical"))):
            if name not in known:
                problem(("matching", "categorical", i),
                        f"'{name}' is not a matching variable{messages.did_you_mean(name, known)}")
        levels = matching.get("reference_levels")
        for name in levels if isinstance(levels, dict) else {}:
            if name not in known:
                problem(("matching", "reference_levels", name),
                        f"'{name}' is not a matching variable{messages.did_you_mean(name, known)}", at_key=True)

    items = [(i, a) for i, a in enumerate(analyses) if isinstance(a, dict)]
    heads = [(i, a) for i, a in items if str(a.get("headline")).lower() in TRUTHY]
    for i, _ in heads[1:]:
        first, other = heads[0]
        problem(("analyses", i, "headline"), f"only one analysis can have 'headline: true'; "
                f"'{other.get('name')}' (line {tree.where(('analyses', first, 'headline'))[0]}) already has it")
    unclear = [a for _, a in items if str(a.get("headline", False)).lower() not in TRUTHY | FALSY]
    if not heads and len(analyses) > 1 and not unclear:
        problem(("analyses",), f"mark one of the {len(analyses)} analyses with 'headline: true'", at_key=True)
    names: dict[str, int] = {}
    for i, a in items:
        name = a.get("name")
        if isinstance(name, str) and name in names:
            problem(("analyses", i, "name"), f"analysis name '{name}' is used twice "
                    f"(first at line {tree.where(('analyses', names[name], 'name'))[0]})")
        elif isinstance(name, str):
            names[name] = i
    return problems


NOT_FOR_MATCHING = {
    **{name: "it is an outcome, measured after the programme (matching on it would hide the effect)"
       for name in OUTCOME_COLUMNS},
    **{name: "it identifies people, and the propensity model needs characteristics"
       for name in ("offender_id", "record_id", "forename", "surname")},
    **{name: "it is a date; match on a characteristic such as age or cohort_year instead"
       for name in ("date_of_birth", "index_date", "start_date", "end_date")},
    **{name: "it marks who took part, which is what the propensity model predicts"
       for name in ("treated", "treatment", "participant", "participants", "participated", "programme",
                    "in_programme")},
    "sexual_offence_history": "it is an exclusion step, so it is the same for everyone analysed",
}


def not_for_matching(data: dict) -> dict[str, str]:
    """Column names that must never be matching variables, with why, under the spec's own column names too."""
    data_section = data.get("data") if isinstance(data.get("data"), dict) else {}
    names = dict(NOT_FOR_MATCHING)
    for key in ("columns", "reference_columns"):  # the reference data's names: matching variables are its columns
        renamed = data_section.get(key) if isinstance(data_section.get(key), dict) else {}
        for contract, written in renamed.items():
            if isinstance(written, str) and contract in NOT_FOR_MATCHING:
                names[written] = NOT_FOR_MATCHING[contract]
    start = data_section.get("start_column")
    if isinstance(start, str):
        names[start] = NOT_FOR_MATCHING["start_date"]
    declared = data.get("outcome_measures") if isinstance(data.get("outcome_measures"), dict) else {}
    for measure in declared.values():
        points = measure.get("over_time") if isinstance(measure, dict) else None
        for written in [measure.get(key) for key in ("column", "event_column")] + list(
                points.values() if isinstance(points, dict) else []) if isinstance(measure, dict) else []:
            if isinstance(written, str):
                names[written] = NOT_FOR_MATCHING[OUTCOME_COLUMNS[0]]
    return names
