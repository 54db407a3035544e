"""The Excel annex: group characteristics, matching quality, results, flow of people, provenance.

The seeds point readers to "the Excel annex" for the detail the report leaves out, so it speaks the
report's language: variables and levels by their labels (report_text/labels.yaml), counts and
percentages in separate columns, figures rounded as the report prints them (results.json keeps
the unrounded numbers), states as lower / higher / shorter / longer, why a measure is not
reported, and the flow of people in the order it happened.

Repeatable bytes: openpyxl stamps the save time into the document properties and the zip entries;
we set the properties to a fixed date and rewrite the archive with fixed entry times, so the same
results always give the same file.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from engine.houses import speaking
from engine.measures import MEASURES
from engine.results import GroupProfile, MeasureResult, Results, Share
from engine.words.format import interval_level, rounded
from engine.words.texts import labels, measure_labels

FIXED_TIME = dt.datetime(2000, 1, 1)  # document properties: nothing time-dependent in the file
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=13)
SUPPRESSED = "*"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")  # and their full-width forms

QUALITY = {"well": "well matched", "reasonably": "reasonably well matched", "poorly": "poorly matched"}
PROFILE_SECTIONS = ("sex", "ethnicity", "nationality", "index_year", "sentence", "needs")
COUNT = "#,##0"


def build_annex(results: Results) -> bytes:
    """The workbook as .xlsx bytes, in the words of the results' house."""
    with speaking(results.house):
        return _repeatable(_workbook(results))


def _workbook(results: Results) -> Workbook:
    book = Workbook()
    book.remove(book.active)
    _group_characteristics(book.create_sheet("Group characteristics"), results)
    _matching_quality(book.create_sheet("Matching quality"), results)
    _results(book.create_sheet("Results"), results)
    if any(points for a in results.analyses for points in a.over_time.values()):
        _over_time(book.create_sheet("Impact over time"), results)
    _flow(book.create_sheet("Flow of people"), results)
    _about(book.create_sheet("About"), results)
    for sheet in book.worksheets:
        _fit_columns(sheet)
    book.properties.creator = "jdlspec"
    book.properties.created = FIXED_TIME
    book.properties.modified = FIXED_TIME
    return book


def _repeatable(book: Workbook) -> bytes:
    """Save without the wall clock: fixed properties (set above) and fixed zip entry times."""
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(book, archive).write_data()  # unlike Workbook.save, leaves properties.modified alone
    fixed = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(entry.filename))
    return fixed.getvalue()


def _row(sheet: Worksheet, values: list, formats: list[str | None] | None = None, font: Font | None = None) -> int:
    sheet.append([text_cell(v) if isinstance(v, str) else v for v in values])
    row = sheet.max_row
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(row=row, column=column)
        if font is not None:
            cell.font = font
        if formats and column <= len(formats) and formats[column - 1] and isinstance(value, (int, float)):
            cell.number_format = formats[column - 1]
        if isinstance(value, str):
            cell.data_type = "s"  # text is stored as text, never as a formula
            if value == SUPPRESSED:
                cell.alignment = Alignment(horizontal="right")
    return row


def text_cell(value: str) -> str:
    """A text cell as OWASP's CSV-injection rule asks: control characters removed (openpyxl refuses
    them) and a leading =, +, -, @, tab or carriage return neutralised by a quote."""
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _round(value: float | None, places: int) -> float | None:
    """A figure rounded as the report prints it (half away from zero)."""
    return None if value is None else float(rounded(value, places))


def _count_and_percent(share: Share | None) -> list:
    """[people, percent] of a share; '*' in both when suppressed, empty when the group has no such level."""
    if share is None:
        return [None, None]
    if share.suppressed:
        return [SUPPRESSED, SUPPRESSED]
    return [share.count, _round(share.percent, 0)]


def _group_characteristics(sheet: Worksheet, results: Results) -> None:
    _row(sheet, ["Group characteristics"], font=TITLE)
    profile = results.profile
    if profile is None:
        _row(sheet, ["No profile of the treatment group was produced for this report."])
        return
    analysed, other = profile.analysed, profile.not_analysed
    words = labels()["annex"]  # the house's (labels.yaml annex)
    _row(sheet, [words["note"]])
    _row(sheet, [])
    _row(sheet, ["Characteristic", "Level", "Analysed: people", "Analysed: % of group", "Not analysed: people",
                 "Not analysed: % of group"], font=BOLD)
    formats = [None, None, COUNT, "0", COUNT, "0"]
    _row(sheet, ["Everyone in the group", "", analysed.n, None, other.n, None], formats)
    for label, field in (("Age: youngest (years)", "age_min"), ("Age: oldest (years)", "age_max"),
                         ("Age: average (years)", "age_mean")):
        _row(sheet, [label, "", _round(getattr(analysed, field), 0), None, _round(getattr(other, field), 0), None],
             formats)
    if analysed.needs or other.needs:  # the data hold risks and needs
        _row(sheet, [words["assessed"], "", *_assessed(analysed), *_assessed(other)], formats)
    for section in PROFILE_SECTIONS:
        first, second = getattr(analysed, section), getattr(other, section)
        for level in _levels(first, second):
            _row(sheet, [_section_label(section), _level_label(section, level),
                         *_count_and_percent(_find(first, level)), *_count_and_percent(_find(second, level))],
                 formats)
    _row(sheet, [])
    _row(sheet, [words["not_identified"], "", profile.not_identified_n], formats)
    sheet.freeze_panes = "C5"


def _assessed(group: GroupProfile) -> list:
    """[people, percent] assessed for risks and needs; '*' when suppressed (too few not assessed)."""
    if group.needs_assessed_n is None:
        return [SUPPRESSED, SUPPRESSED]
    return [group.needs_assessed_n, _round(group.needs_assessed_percent, 0)]


def _section_label(section: str) -> str:
    return labels()["annex"]["sections"].get(section, section.capitalize())


def _level_label(section: str, level: str) -> str:
    """A level in the report's words: 'male', 'had previously misused drugs'."""
    words = labels()
    if section == "needs":
        return words["needs"].get(level) or _variable_label(level)
    return str(words["levels"].get(section, {}).get(level, level))


def _variable_label(variable: str) -> str:
    """A matching variable in the report's words: 'drug use' for need_drugs."""
    label = labels()["variables"].get(variable) or variable.replace("_", " ")
    return label[:1].upper() + label[1:]


def _levels(first: list[Share], second: list[Share]) -> list[str]:
    """Levels in the analysed group's order, then any only the other group has."""
    seen = [s.level for s in first]
    return seen + [s.level for s in second if s.level not in seen]


def _find(shares: list[Share], level: str) -> Share | None:
    return next((s for s in shares if s.level == level), None)


def _matching_quality(sheet: Worksheet, results: Results) -> None:
    _row(sheet, ["Matching quality"], font=TITLE)
    _row(sheet, ["Means are shares (0 to 1) for a level or a yes/no variable. Standardised difference, pooled "
                 "convention: the difference in means over the root mean of the two groups' variances, in %. Treated "
                 "convention (the R package cobalt's): over the treatment group's SD before matching, and for a level "
                 "or a yes/no variable the raw difference in percentage points (MatchIt's summary divides that by the "
                 "treatment group's SD too)."])
    formats = [None, None, "0.00", "0.00", "0.00", "0.0", "0.0", None, "0.0", "0.0"]
    for analysis in results.analyses:
        _row(sheet, [])
        heading = f"{analysis.name} analysis" + (" (the headline analysis)" if analysis.headline else "")
        _row(sheet, [heading], font=BOLD)
        _row(sheet, [f"Matching quality uses the {analysis.balance_convention} convention."])
        _row(sheet, ["Variable", "Level", "Treatment group mean", "Comparison mean before matching",
                     "Comparison mean after matching", "Standardised difference before matching (%)",
                     "Standardised difference after matching (%)", "Matching quality",
                     "After matching, pooled convention (%)", "After matching, treated convention (%)"], font=BOLD)
        for row in analysis.balance:
            level = "not recorded" if row.level == "(missing)" else _level_label(row.variable, row.level or "")
            hidden = SUPPRESSED if row.suppressed else None  # engine.disclosure decided: nothing gives it back
            before = SUPPRESSED if row.smd_percent_before is None else _round(row.smd_percent_before, 1)
            _row(sheet, [_variable_label(row.variable), level, hidden or _round(row.treatment_mean, 2),
                         SUPPRESSED if row.comparison_mean_before is None else _round(row.comparison_mean_before, 2),
                         hidden or _round(row.comparison_mean, 2),
                         before, hidden or _round(row.smd_percent, 1),
                         hidden or QUALITY[row.quality], hidden or _round(row.smd_percent_pooled, 1),
                         hidden or _round(row.smd_percent_treated, 1)], formats)


def _state(measure: str, m: MeasureResult) -> str:
    if not m.reported:
        return "not reported"
    if m.state == "not_significant":
        return "not significantly different"
    return measure_labels(measure)["verdict"][m.state]


def _results(sheet: Worksheet, results: Results) -> None:
    level = interval_level(results.significance_level)
    _row(sheet, ["Results"], font=TITLE)
    _row(sheet, [f"Figures rounded as the report prints them; rates in %, differences in percentage points; a "
                 f"difference is statistically significant when p is at most {results.significance_level:g}."])
    _row(sheet, [])
    _row(sheet, ["Analysis", "Measure", "Treatment group: people", "Comparison group: records",
                 "Comparison group: effective size", "Treatment group", "Comparison group", "Estimated difference",
                 f"{level} confidence interval of the difference: from", f"{level} confidence interval: to", "p-value",
                 "Statistically significant?", "Treatment group compared with comparison group", "Reported?",
                 "Why not reported", "In the key findings?", "Treatment group size needed to settle the rate",
                 "Additional test", "Additional test p-value", "Additional test significant?", "Verdict decided by",
                 "Deciding test p-value", *_words()["columns"]], font=BOLD)
    for analysis in results.analyses:
        for measure in results.measures:
            m = analysis.measures.get(measure)
            if m is None:
                continue
            label, places, interval = measure_labels(measure)["annex"], MEASURES[measure].decimals, \
                MEASURES[measure].interval_decimals
            extra, decider = m.extra_test, m.decided_by
            figure = lambda value: _round(value, places)  # noqa: E731 - the measure's places
            _row(sheet, [analysis.name, label, SUPPRESSED if m.treatment_n is None else m.treatment_n, m.comparison_n, _round(m.comparison_effective_n, 0),
                         SUPPRESSED if m.suppressed else figure(m.treatment), figure(m.comparison),
                         SUPPRESSED if m.suppressed else figure(m.difference), _round(m.ci_low, interval),
                         _round(m.ci_high, interval), _round(m.p_value, 2), _yes(m.significant), _state(measure, m),
                         _yes(m.reported), _not_reported(m.not_reported_reason),
                         _yes(m.headline), m.required_treatment_n, extra.name if extra else None,
                         _round(extra.p_value, 2) if extra else None, _yes(extra.significant) if extra else None,
                         _test_name(decider.test) if decider else "t-test",
                         _round(decider.p_value if decider else m.p_value, 2), *_further(m, interval)],
                 [None, None, COUNT, COUNT, COUNT, *[f"0.{'0' * places}"] * 3, *[f"0.{'0' * interval}" if interval
                                                                               else "0"] * 2, "0.00",
                  None, None, None, None, None, COUNT, None, "0.00", None, None, "0.00",
                  *[f"0.{'0' * interval}" if interval else "0"] * 2, COUNT, "0.000", "0.000", "0.00", "0.00", None])
    sheet.freeze_panes = "C5"


def _over_time(sheet: Worksheet, results: Results) -> None:
    """Every time point of every declared measure with over_time (results.json analyses.*.over_time), with the
    Results sheet's figures: the same rounding, the same '*' where engine.disclosure withheld a figure."""
    level = interval_level(results.significance_level)
    _row(sheet, ["Impact over time"], font=TITLE)
    _row(sheet, [f"Each measure at every time point of its follow-up, as the report's impact over time shows it; "
                 f"rates in %, differences in percentage points; a difference is statistically significant when p "
                 f"is at most {results.significance_level:g}."])
    _row(sheet, [])
    _row(sheet, ["Analysis", "Measure", labels()["over_time"]["months"], "Treatment group: people",
                 "Comparison group: records", "Comparison group: effective size", "Treatment group",
                 "Comparison group", "Estimated difference", f"{level} confidence interval of the difference: from",
                 f"{level} confidence interval: to", "p-value", "Statistically significant?",
                 "Treatment group compared with comparison group", "Reported?", "Why not reported"], font=BOLD)
    for analysis in results.analyses:
        for measure, points in analysis.over_time.items():
            m = MEASURES[measure]
            figure, bound = f"0.{'0' * m.decimals}" if m.decimals else "0", \
                f"0.{'0' * m.interval_decimals}" if m.interval_decimals else "0"
            for point in points:
                r = point.result
                _row(sheet, [analysis.name, measure_labels(measure)["point"], point.months,
                             SUPPRESSED if r.treatment_n is None else r.treatment_n, r.comparison_n,
                             _round(r.comparison_effective_n, 0),
                             SUPPRESSED if r.suppressed else _round(r.treatment, m.decimals),
                             _round(r.comparison, m.decimals),
                             SUPPRESSED if r.suppressed else _round(r.difference, m.decimals),
                             _round(r.ci_low, m.interval_decimals), _round(r.ci_high, m.interval_decimals),
                             _round(r.p_value, 2), _yes(r.significant), _state(measure, r), _yes(r.reported),
                             _not_reported(r.not_reported_reason)],
                     [None, None, "0", COUNT, COUNT, COUNT, figure, figure, figure, bound, bound, "0.00"])
    sheet.freeze_panes = "D5"


def _words() -> dict:
    return labels()["annex_results"]


def _further(m: MeasureResult, places: int) -> list:
    """The deciding test's interval, a resampling test's Monte Carlo uncertainty (the deciding test's, else
    the additional test's) and the E-values (statistics.e_values), for the Results sheet's last columns."""
    decider = m.decided_by
    own = decider is not None and decider.test != "welch" and decider.ci_low is not None
    monte_carlo = (decider.monte_carlo if decider else None) or (m.extra_test.monte_carlo if m.extra_test else None)
    verdicts = [decider.inconclusive if decider else False, m.extra_test.inconclusive if m.extra_test else False]
    e = m.e_value
    return [_round(decider.ci_low, places) if own else None, _round(decider.ci_high, places) if own else None,
            monte_carlo.draws if monte_carlo else None,
            _round(monte_carlo.p_value_low, 3) if monte_carlo else None,
            _round(monte_carlo.p_value_high, 3) if monte_carlo else None,
            _round(e.estimate, 2) if e else None, _round(e.bound, 2) if e else None,
            _words()["scale"][e.scale] if e else (_words()["inconclusive"] if any(verdicts) else None)]


def _not_reported(reason: str | None) -> str | None:
    """Why a measure is not reported, in words (labels.yaml not_reported)."""
    return None if reason is None else labels()["not_reported"].get(reason, reason)


def _test_name(test: str) -> str:
    return {"welch": "t-test", "bootstrap": "bootstrap test", "exact": "exact test", "score": "score interval"}.get(
        test, test)


def _yes(value: bool) -> str:
    return "Yes" if value else "No"


def _flow(sheet: Worksheet, results: Results) -> None:
    """People as they went through the analysis: submitted, each exclusion, then each analysis's matching."""
    _row(sheet, ["Flow of people"], font=TITLE)
    _row(sheet, ["In the order it happened: each step removes some, the rest go on."])
    _row(sheet, [])
    _row(sheet, ["Step", "Removed", "Remaining"], font=BOLD)
    for step in results.attrition:
        removed = None if step.step == "submitted" else step.removed
        _row(sheet, [labels()["annex"]["steps"].get(step.step, step.step.replace("_", " ")), removed, step.remaining],
             [None, COUNT, COUNT])
    remaining = results.attrition[-1].remaining if results.attrition else None
    for analysis in results.analyses:
        _row(sheet, [])
        _row(sheet, [f"{analysis.name} analysis"], font=BOLD)
        _row(sheet, ["Step", "Removed", "Remaining"], font=BOLD)
        pool = analysis.pool_n + analysis.outside_support_n
        restricted = "Comparison pool" + (" (restricted)" if analysis.pool_restriction else "")
        for values in ([restricted, None, pool],
                       ["Pool records sharing no participant's characteristics", analysis.outside_support_n,
                        analysis.pool_n],
                       ["Participants before matching", None, remaining],
                       ["Participants with no comparison record close enough", analysis.unmatched_n,
                        analysis.treatment_n],
                       ["Comparison records matched to the treatment group", None, analysis.comparison_n],
                       ["Comparison group's effective size", None, _round(analysis.comparison_effective_n, 0)]):
            _row(sheet, values, [None, COUNT, COUNT])


def _about(sheet: Worksheet, results: Results) -> None:
    _row(sheet, ["About this annex"], font=TITLE)
    _row(sheet, [])
    _row(sheet, ["Item", "Value", "SHA-256", "Rows"], font=BOLD)
    _row(sheet, ["Engine version", results.engine_version])
    _row(sheet, ["Results schema version", results.schema_version])
    _row(sheet, ["Spec", results.spec.path, results.spec.sha256])
    for name, info in sorted(results.inputs.items()):
        _row(sheet, [f"Input: {name}", info.path, info.sha256, info.rows], [None, None, None, COUNT])
    _row(sheet, ["Significance level", results.significance_level])
    _row(sheet, ["Measures", ", ".join(measure_labels(m)["annex"] for m in results.measures)])
    _row(sheet, ["Analyses", ", ".join(a.name for a in results.analyses)])


def _fit_columns(sheet: Worksheet) -> None:
    """Widths from the longest text in each column, within bounds; one-cell rows (titles, notes) overflow."""
    widths: dict[int, int] = {}
    for row in sheet.iter_rows():
        if sum(cell.value is not None for cell in row) < 2:
            continue
        for cell in row:
            if cell.value is None:
                continue
            text = cell.value if isinstance(cell.value, str) else f"{cell.value:,.2f}" if isinstance(
                cell.value, float) else str(cell.value)
            widths[cell.column] = max(widths.get(cell.column, 0), len(text))
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = min(max(width + 2, 8), 60)
