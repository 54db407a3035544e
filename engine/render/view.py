"""The report's view-model: every value the section templates place, already derived.

Only presentation is derived here (percent of the submitted individuals, verdict lists, which
footnotes apply); the statistics all come from Results. Numbers stay numbers: the templates
format them with the engine.words.format filters.
"""

from __future__ import annotations

from typing import Any

from engine.measures import MEASURES, NAMES, days_measure
from engine.results import AnalysisResult, Results
from engine.render.profile_view import profile, variable_label
from engine.spec.loaded import LoadedSpec
from engine.spec.models import HEADLINE_MEASURES, Spec
from engine.words.wording import (
    decided_by_note, e_value_sentence, measure_wording, rounding_differs, sample_size_sentence, sustained_sentence,
)

TIME = days_measure(NAMES)  # the report words time to the first event apart (among those with it only)
FURTHER = [name for name in NAMES if not MEASURES[name].headline]  # built-in "further measures", in registry order
QUALITY_ORDER = {"well": 0, "reasonably": 1, "poorly": 2}
TEMPLATE_KIND = {"proportion": "rate", "count": "frequency", "days": "time", "mean": "mean"}  # the tables' templates per kind


def percent_of(part: float, whole: float) -> float:
    return 100.0 * part / whole if whole else 0.0


def shown_measures(results: Results) -> list[str]:
    """The headline analysis's measures that the key findings report (headline and reported)."""
    measures = results.headline.measures
    return [m for m in results.measures if m in measures and measures[m].headline and measures[m].reported]


def key_findings(loaded: LoadedSpec, results: Results, labels: dict) -> dict[str, Any]:
    """Sentences per headline measure (from engine.words.wording) and the notes around them."""
    spec, headline = loaded.spec, results.headline
    shown = shown_measures(results)
    wordings, ordinal = [], 0
    for m in shown:
        result = headline.measures[m]
        wordings.append(measure_wording(m, result, spec.programme, ordinal, results.released_from_custody))
        ordinal += result.state != "not_significant"
    significant = [m for m in shown if headline.measures[m].significant]
    rate = headline.measures.get("rate")
    sample_size = None
    if rate is not None and "rate" in shown:
        sample_size = sample_size_sentence(rate, others_significant=bool(significant))
    time = headline.measures.get(TIME)
    labels_m = labels["measures"]
    return {
        "wordings": wordings,
        "about": {m: labels_m[m]["about"] for m in shown},
        "sample_size": sample_size,
        # "due to low numbers of re-offenders": only when that is why (not when all 40 re-offended and the
        # figures are withheld, nor for the other reasons "The results in detail" gives)
        "time_not_headline": time is not None and (time.reported and not time.headline
                                                   or time.not_reported_reason in ("too_few_events", "untestable")),
        "rounding_note": any(rounding_differs(m, headline.measures[m]) for m in shown),
        "summary": findings_summary(results, labels),
        "charts": [
            {
                "measure": m,
                "title": labels_m[m]["chart"],
                # a declared measure's chart is titled as its image is (labels.yaml declared.*.chart_title)
                "heading": labels_m[m]["chart_title"].format(title=spec.programme.title)
                if MEASURES[m].declared else None,
                "caption": w.chart_caption,
                "extra_n": headline.measures[m].treatment_n if headline.measures[m].extra_test else None,
                "extra_agrees": extra_agrees(headline.measures[m]),
                "test": labels_m[m]["test"],
                "reoffenders_only": m == TIME,
            }
            for m, w in zip(shown, wordings)
        ],
    }


def findings_summary(results: Results, labels: dict) -> dict[str, Any]:
    """The key-findings paragraph's clauses (labels.yaml measures.*.summary) for the significant
    headline measures: the report's summary and the bulletin say the same thing the same way."""
    headline, labels_m = results.headline, labels["measures"]
    shown = shown_measures(results)
    significant = [m for m in shown if headline.measures[m].significant]
    clauses = [labels_m[m]["summary"][headline.measures[m].state] for m in significant if m != TIME]
    time_clause, time_link = None, None
    if TIME in significant:
        state = headline.measures[TIME].state
        time_clause = labels_m[TIME]["summary"][state]
        if not clauses:
            time_link = "alone"
        else:
            first = next(m for m in significant if m != TIME)
            agrees = (headline.measures[first].state == MEASURES[first].good) == (state == MEASURES[TIME].good)
            time_link = "in_addition" if agrees else "however"
    return {
        "any_significant": bool(significant),
        "clauses": clauses,
        "time_clause": time_clause,
        "time_link": time_link,
        "others_not_significant": bool(significant) and len(significant) < len(shown),
        # nothing shown because the comparison group is too small: more participants would not help (the time
        # to re-offence aside, whose reporting also depends on how many re-offend)
        "comparison_too_small": not shown and {r.not_reported_reason for m, r in headline.measures.items()
                                               if MEASURES[m].headline and m != TIME} == {"small_comparison"},
    }


def extra_agrees(result) -> bool:
    """Did the small-group check reach the t-test's verdict? Only then may the report say 'verified'."""
    return result.extra_test is None or result.extra_test.significant == result.significant


def decided(measure: str, result, alpha: float) -> dict[str, Any] | None:
    """The footnote for a Yes/No the table's t-test figures do not give (wording.yaml decided_by): another
    test decided it and the t-test's figures do not hold, say otherwise, or show a smaller p-value for a Yes."""
    deciding = result.decided_by
    if deciding is None:
        return None
    overstated = result.significant and deciding.p_value is not None and deciding.p_value > result.p_value
    if deciding.welch_valid and result.welch_significant == result.significant and not overstated:
        return None
    return {"test": deciding.test, "text": decided_by_note(measure, result, alpha)}


def table_rows(results: Results, measure: str) -> list[dict[str, Any]]:
    rows = []
    for a in results.analyses:
        r = a.measures.get(measure)
        if r is not None and r.reported:
            rows.append({"name": a.name, "result": r, "star": r.extra_test is not None,
                         "decided": decided(measure, r, results.significance_level)})
    return rows


def e_values(results: Results, labels: dict) -> str | None:
    """The E-value sentence for the headline analysis's significant headline measures (statistics.e_values)."""
    items = [{"about": labels["measures"][m]["about"], **r.e_value.model_dump()}
             for m in shown_measures(results) if (r := results.headline.measures[m]).significant and r.e_value]
    return e_value_sentence(items)


def withheld(results: Results) -> list[str]:
    """Analyses (not the headline) whose every measure engine.disclosure suppressed: said once, apart."""
    return [a.name for a in results.analyses if not a.headline and any(m.suppressed for m in a.measures.values())
            and all(m.suppressed or m.treatment is None for m in a.measures.values())]


def unreported(results: Results, labels: dict) -> list[dict[str, Any]]:
    """Headline measures an analysis does not report, and why (labels.yaml not_reported); a suppressed one
    too (everyone of 40 re-offended: the rate was listed as analysed and then never mentioned), except in
    the analyses withheld whole."""
    found: dict[tuple[str, str], list[str]] = {}
    apart = set(withheld(results))
    for a in results.analyses:
        for m, r in a.measures.items():
            if MEASURES[m].headline and not r.reported and r.not_reported_reason is not None and a.name not in apart:
                found.setdefault((m, r.not_reported_reason), []).append(a.name)
    return [{"about": labels["measures"][m]["about"], "names": names, "reason": labels["not_reported"][why]}
            for (m, why), names in found.items()]


def over_time(results: Results, labels: dict) -> list[dict[str, Any]]:
    """Each declared measure with time points in the headline analysis: its rows, and the sustained statement
    when the results show it (Results.sustained: every point from the declared `sustained_from` on significant
    in the direction of the measure's own headline result; else none is made)."""
    items = []
    headline = results.headline
    for name, points in headline.over_time.items():
        m, start = MEASURES[name], results.outcome_measures[name].sustained_from
        rows = [p for p in points if p.result.reported and not p.result.suppressed]
        own, sustained = headline.measures.get(name), results.sustained(name)
        items.append({
            "measure": name, "caption": labels["measures"][name]["impact"], "kind": TEMPLATE_KIND[m.kind],
            "months": labels["over_time"]["months"],
            "places": m.decimals, "unit": "% points" if m.kind == "proportion" else (m.words or {}).get("unit", ""),
            "rows": rows, "chart": bool(rows),
            "sustained": sustained_sentence(name, own.state, start, points[-1].months) if sustained else None,
        })
    return items


def details(spec: Spec, results: Results, labels: dict) -> dict[str, Any]:
    """'The results in detail': analyses, tables, significant findings, footnotes."""
    labels_m = labels["measures"]
    tables, findings = [], []
    for m in results.measures:
        rows = table_rows(results, m)
        if not rows:
            continue
        number = len(tables) + 1
        extra_ns = sorted({row["result"].treatment_n for row in rows if row["star"]})
        tables.append({"number": number, "measure": m, "kind": TEMPLATE_KIND[MEASURES[m].kind], "caption": labels_m[m]["table"],
                       "places": MEASURES[m].decimals, "unit": (MEASURES[m].words or {}).get("unit", ""), "rows": rows, "extra_ns": extra_ns, "test": labels_m[m]["test"],
                       "extra_agrees": all(extra_agrees(row["result"]) for row in rows)})
        for state in ("decrease", "increase"):
            names = [row["name"] for row in rows if row["result"].state == state]
            if names:
                findings.append({"finding": labels_m[m]["finding"][state], "names": names, "table": number,
                                 "all": len(names) == len(results.analyses)})
    headline = results.headline
    time = headline.measures.get(TIME)
    measured = [m for m in HEADLINE_MEASURES if m in results.measures]
    measured += [m for m in results.measures if MEASURES[m].declared and MEASURES[m].headline]
    further_tables = [t for t in tables if t["measure"] not in measured]
    further = FURTHER + [m for m in results.measures if MEASURES[m].declared and not MEASURES[m].headline]
    shown = [m for m in results.measures if any(m in a.measures and a.measures[m].reported for a in results.analyses)]
    every = [(a, m) for a in results.analyses for m in shown if m in a.measures]
    times = [a.measures[TIME] for a in results.analyses if TIME in a.measures]
    return {
        "analyses": [analysis_item(a) for a in results.analyses],
        "pool_column": any(a.pool_restriction for a in results.analyses),
        "reoffender_columns": len(times) == len(results.analyses),
        "controls": controls(results, labels),
        "intro": spec.report.analyses_intro,
        "headline_name": headline.name,
        "headline_measures": [labels_m[m]["item"] for m in measured],
        "further_measures": [labels_m[t["measure"]]["item"] for t in further_tables],
        "omitted_small": [labels_m[m]["about"] for m in further
                          if m in results.measures and not any(row for row in table_rows(results, m))],
        "omitted_unmeasured": [labels_m[m]["about"] for m in FURTHER if m not in results.measures],
        "tables": tables,
        "table_range": f"Table {tables[0]['number']}" if len(tables) == 1
        else f"Tables 1-{len(tables)}" if tables else "",
        "any_rate": any(t["kind"] == "rate" for t in tables),
        "any_frequency": any(t["kind"] == "frequency" for t in tables),
        "any_time": any(t["kind"] == "time" for t in tables),
        "any_significant": any(a.measures[m].significant and a.measures[m].reported for a, m in every),
        "all_significant": bool(every) and all(a.measures[m].significant and a.measures[m].reported
                                               for a, m in every),
        "measure_count": len(shown),
        # the analyses with a significant result: named where the headline analysis has none, since a
        # sentence about significance that names no analysis speaks of the headline one
        "significant_in": [a.name for a in results.analyses
                           if any(r.significant and r.reported for m, r in a.measures.items() if m in shown)],
        "headline_significant": any(r.significant and r.reported for m, r in headline.measures.items() if m in shown),
        "findings": findings,
        # analyses whose every measure engine.disclosure suppressed: the report says why they are not in the tables
        "withheld": withheld(results),
        "suppress_below": results.suppress_below,
        "small_time": {"n": time.treatment_n, "minimum": spec.small_groups.min_reoffenders_for_time}
        if time is not None and time.reported and not time.headline else None,
        "e_values": e_values(results, labels),
        "unreported": unreported(results, labels),
    }


def controls(results: Results, labels: dict) -> dict[str, Any]:
    """What the analyses controlled for: the kinds of characteristics (labels.yaml controls) and the
    risks and needs one by one. 'same' when every analysis used the same ones (LPT: one sentence
    before the list of analyses); otherwise the analyses that used risks and needs are named after
    the list (MC: 'The complex analysis controlled for the following risks and needs: ...')."""
    def kinds(a: AnalysisResult) -> list[str]:
        return [kind for kind, members in labels["controls"].items() if any(v in members for v in a.variables)]

    def needs(a: AnalysisResult) -> list[str]:
        return [v for v in a.variables if v.startswith("need_")]

    analyses = results.analyses
    all_needs = list(dict.fromkeys(v for a in analyses for v in needs(a)))
    same = all(kinds(a) == kinds(analyses[0]) and set(needs(a)) == set(all_needs) for a in analyses)
    with_needs = [a for a in analyses if needs(a)]
    return {
        "same": same,
        "kinds": kinds(analyses[0]) if same else [],
        "needs": [variable_label(v, labels) for v in all_needs],
        "needs_names": [a.name for a in with_needs],
        "needs_same": all(set(needs(a)) == set(all_needs) for a in with_needs),
    }


def analysis_item(a: AnalysisResult) -> dict[str, Any]:
    time = a.measures.get(TIME)
    return {
        "name": a.name,
        "description": a.description,
        "treatment_n": a.treatment_n,
        "comparison_n": a.comparison_n,
        "unmatched_n": a.unmatched_n,
        "pool": ", ".join(str(v) for values in a.pool_restriction.values() for v in values),
        "treatment_reoffenders": time.treatment_n if time else None,
        "comparison_reoffenders": time.comparison_n if time else None,
    }


def verdicts(a: AnalysisResult, labels: dict) -> dict[str, Any]:
    """Each variable's worst verdict over its levels, named by labels.yaml, grouped where several share one."""
    worst: dict[str, str] = dict(a.verdicts)  # engine.disclosure keeps the verdicts of suppressed rows here
    for row in a.balance:
        current = worst.get(row.variable)
        if row.quality is not None and (current is None or QUALITY_ORDER[row.quality] > QUALITY_ORDER[current]):
            worst[row.variable] = row.quality
    shown = {v: worst.pop(v) for v in list(worst) if v not in a.variables}  # balance.additional: not matched on
    order = [v for v in a.variables if v in worst]

    def named(quality: str) -> list[str]:
        chosen = [v for v in order if worst[v] == quality]
        names: list[str] = []
        for v in chosen:
            group = next((g for g, members in labels["groups"].items() if v in members), None)
            together = [m for m in chosen if group and m in labels["groups"][group]]
            if group and len(together) > 1:
                present = [m for m in order if m in labels["groups"][group]]
                name = group if len(together) == len(present) else f"some {group}"
            else:
                name = variable_label(v, labels)
            if name not in names:
                names.append(name)
        return names

    well = sum(q == "well" for q in worst.values())
    return {
        "name": a.name,
        "overall": "all" if worst and well == len(worst) else "most" if well * 2 >= len(worst) else "few",
        "reasonably": named("reasonably"),
        "poorly": named("poorly"),
        "shown": [{"name": variable_label(v, labels), "quality": q} for v, q in shown.items()],
    }


def flow(spec: Spec, results: Results) -> dict[str, Any]:
    """'Numbers of people': each exclusion with its percent of the submitted individuals."""
    steps = {s.step: s for s in results.attrition}
    submitted = steps["submitted"].remaining
    individuals = steps["duplicates"].remaining if "duplicates" in steps else submitted
    later = [s for s in results.attrition if s.step not in ("submitted", "duplicates")]
    return {
        "submitted": submitted,
        "individuals": individuals,
        "duplicates": steps["duplicates"].removed if "duplicates" in steps else 0,
        "steps": [{"step": s.step, "removed": s.removed, "percent": percent_of(s.removed, individuals),
                   "remaining": s.remaining} for s in later],
        "groups": [{"name": a.name, "treatment_n": a.treatment_n, "comparison_n": a.comparison_n,
                    "unmatched_n": a.unmatched_n, "unmatched_percent": percent_of(a.unmatched_n, individuals),
                    "percent": percent_of(a.treatment_n, individuals)} for a in results.analyses],
    }


def significance_note(level: float) -> str | None:
    """Said whenever the level is not the usual 0.05, so a reader never assumes the usual meaning."""
    if level == 0.05:
        return None
    return (f"The threshold for p-values in this report is {level:g}, and the intervals are "
            f"{100 * (1 - level):g}% confidence intervals (Justice Data Lab reports usually use 0.05 and 95%).")


def report_view(loaded: LoadedSpec, results: Results, labels: dict) -> dict[str, Any]:
    """Everything the section templates may use; a name missing here is a template error."""
    spec = loaded.spec
    published = spec.report.published
    headline = results.headline
    return {
        "footer": spec.report.footer,
        "synthetic": results.synthetic,
        "significance_note": significance_note(results.significance_level),
        "matching_oasys": any(v.startswith("need_") for a in results.analyses for v in a.variables),
        "title": spec.title,
        "published": f"{published.day} {published:%B %Y}" if published else None,
        "programme": spec.programme,
        "contacts": spec.report.contacts,
        "service": spec.service,
        "headline": analysis_item(headline),
        "analysis_count": len(results.analyses),
        **key_findings(loaded, results, labels),
        "detail": details(spec, results, labels),
        "over_time": over_time(results, labels),
        "matching": [verdicts(a, labels) for a in results.analyses],
        "balance": {"convention": headline.balance_convention, "well": f"{spec.balance.well_matched_below:g}",
                    "poorly": f"{spec.balance.poorly_matched_above:g}"},
        "flow": flow(spec, results),
        "profile": profile(spec, results, labels),
    }
