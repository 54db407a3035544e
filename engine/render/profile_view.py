"""The report's view of the treatment group's profile ('Profile of the treatment group'): shares by
sex, ethnicity, nationality, year and sentence type, and the risks and needs, named by labels.yaml; and the
words for variables and levels the other views share (engine.render.view)."""

from __future__ import annotations

from typing import Any

from engine.words.safe_text import plain_text
from engine.results import CUSTODIAL, GroupProfile, Results, Share
from engine.spec.models import Spec


def variable_label(variable: str, labels: dict) -> str:
    return labels["variables"].get(variable, variable.replace("_", " "))


def level_label(field: str, level: str, labels: dict) -> str:
    return labels["levels"].get(field, {}).get(level, level)


def labelled(shares: list[Share], field: str, labels: dict) -> list[dict[str, Any]]:
    return [{"label": plain_text(level_label(field, s.level, labels)), "percent": s.percent, "suppressed": s.suppressed,
             "count": s.count} for s in shares]


def sentence_types(shares: list[Share], labels: dict) -> list[dict[str, Any]]:
    """The profile's sentence types as the LPT seed nests them: 'Non-custodial sentence 77%', then
    'Custodial sentence' with each length under it ('1 to 4 years 21%'). Levels come from
    engine.stages.profile: 'Non-custodial sentence', 'Custodial sentence' (no length recorded) and
    'Custodial sentence: <length>'."""
    words = labels["sentence"]
    banded = [s for s in shares if s.level.startswith(CUSTODIAL + ": ")]
    items: list[dict[str, Any]] = []
    for s in shares:
        item = {"label": plain_text(s.level), "percent": s.percent, "suppressed": s.suppressed, "count": s.count,
                "children": []}
        if s.level == CUSTODIAL and banded:
            continue  # listed under the heading with the lengths
        if s.level.startswith(CUSTODIAL + ": "):
            if s is not banded[0]:
                continue
            children = [{"label": plain_text(b.level[len(CUSTODIAL) + 2:]), "percent": b.percent, "suppressed": b.suppressed,
                         "count": b.count} for b in banded]
            children += [{"label": words["length_unknown"], "percent": u.percent, "suppressed": u.suppressed,
                          "count": u.count} for u in shares if u.level == CUSTODIAL]
            item = {"label": words["custodial"], "percent": None, "suppressed": False, "count": None,
                    "children": children}
        items.append(item)
    return items


def group_view(group: GroupProfile, labels: dict) -> dict[str, Any]:
    needs = [s for s in group.needs if s.suppressed or s.count > 0]
    return {
        "n": group.n,
        "sex": labelled(group.sex, "sex", labels),
        "ethnicity": labelled(group.ethnicity, "ethnicity", labels),
        "nationality": labelled(group.nationality, "nationality", labels),
        "age": {"min": group.age_min, "max": group.age_max, "mean": group.age_mean}
        if group.age_min is not None else None,
        "index_year": labelled(group.index_year, "index_year", labels),
        "sentence": sentence_types(group.sentence, labels),
        "needs_assessed_n": group.needs_assessed_n,
        "needs_assessed_percent": group.needs_assessed_percent,
        "needs": [{"label": labels["needs"].get(s.level, "had a need relating to " + variable_label(s.level, labels)),
                   "percent": s.percent, "suppressed": s.suppressed} for s in needs],
    }


def profile(spec: Spec, results: Results, labels: dict) -> dict[str, Any] | None:
    if results.profile is None:
        return None
    p = results.profile
    everything = [p.analysed.sex, p.analysed.ethnicity, p.analysed.nationality, p.analysed.index_year,
                  p.analysed.sentence, p.analysed.needs, p.not_analysed.sex, p.not_analysed.ethnicity,
                  p.not_analysed.nationality]
    return {
        "analysed": group_view(p.analysed, labels),
        "not_analysed": group_view(p.not_analysed, labels),
        "not_identified_n": p.not_identified_n,
        "any_suppressed": any(s.suppressed for shares in everything for s in shares),
        "suppress_below": spec.report.suppress_below,
    }
