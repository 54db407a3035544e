"""The spec's declared outcome measures against the rest of it, before the models read it: each name in
`measures` is built-in or declared, no column is read by two measures as two different things, and no two
measures are named by the same words."""

from __future__ import annotations

from pydantic import ValidationError

from engine.errors import Problem
from engine.measures import COLUMN_TYPES, COLUMN_WORDS, NAMES, MeasureDeclaration, declared_columns, declared_name_problem, narrower
from engine.spec import messages


def dotted(path: tuple) -> str:
    """'outcome_measures.in_work.over_time.3': a key path as messages name it."""
    return ".".join(str(p) for p in path)


def measure_problems(data: dict, tree) -> list[Problem]:
    """Declared measures' names, and each name in `measures` is built-in or declared (at its own line)."""
    problems = []
    declared = data.get("outcome_measures") if isinstance(data.get("outcome_measures"), dict) else {}
    for name in declared:
        problem = declared_name_problem(str(name))
        if problem:
            path = ("outcome_measures", name)
            problems.append(Problem(tree.file, *tree.where(path, at_key=True), dotted(path), problem))
    known = [*NAMES, *(str(n) for n in declared if declared_name_problem(str(n)) is None)]
    for i, name in enumerate(data.get("measures") if isinstance(data.get("measures"), list) else []):
        if not isinstance(name, str) or name in known or name.lower() in {str(n).lower() for n in declared}:
            continue  # a declared name that cannot be one has its own message
        problems.append(Problem(tree.file, *tree.where(("measures", i)), dotted(("measures", i)),
                                f"'{name}' is not a measure{messages.did_you_mean(name, known)} (choose from "
                                f"{', '.join(known)}, or declare it under outcome_measures)"))
    return problems + _measure_columns(declared, tree) + _measure_words(declared, tree)


def _measure_words(declared: dict, tree) -> list[Problem]:
    """Two declared measures named by the same words: the report, its readers and the claims engine could not
    tell which one a sentence speaks of ("people who were in work" twice)."""
    problems, seen = [], {}
    for name, raw in declared.items():
        words = raw.get("words") if isinstance(raw, dict) else None
        for key in ("people", "noun"):
            said = words.get(key) if isinstance(words, dict) else None
            if not isinstance(said, str) or not said.split():
                continue
            plain, path = " ".join(said.lower().split()), ("outcome_measures", name, "words", key)
            if plain in seen and seen[plain][0] != name:  # its own noun and people may be the same words
                problems.append(Problem(tree.file, *tree.where(path), dotted(path),
                                        f"'{said}' also names {seen[plain][1]}: give each measure words of its own, or "
                                        "no sentence could say which one it speaks of"))
            elif plain not in seen:
                seen[plain] = (name, f"{dotted(('outcome_measures', name))} (line {tree.where(path)[0]})")
    return problems


def _measure_columns(declared: dict, tree) -> list[Problem]:
    """A column two measures read as different things (a 0/1 flag and days, a built-in's count and a proportion):
    one of them would be read wrongly, so neither is, at the later declaration's key."""
    problems = []
    read = {column: (kind, f"the built-in measures' {column}") for column, kind in COLUMN_TYPES.items()}
    for name, raw in declared.items():
        try:
            declaration = MeasureDeclaration.model_validate(raw)
        except ValidationError:
            continue  # its own problems are reported at its keys
        for column, kind, key in declared_columns(declaration):
            path = ("outcome_measures", name, *key)
            if column in read and narrower(read[column][0], kind) is None:
                first, where = read[column]
                problems.append(Problem(tree.file, *tree.where(path), dotted(path),
                                        f"'{column}' is read here as {COLUMN_WORDS[kind]}, and as {COLUMN_WORDS[first]} "
                                        f"by {where}: a column has one meaning; give each measure its own column"))
            elif column not in read:
                read[column] = (kind, f"{dotted(path)} (line {tree.where(path)[0]})")
    return problems
