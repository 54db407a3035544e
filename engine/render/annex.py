"""The Excel annex: group characteristics, matching quality, results, flow of people, provenance.

The seeds point readers to "the Excel annex" for the detail the report leaves out. Cells hold the
unrounded numbers from the results (in the results' units: percent, per person, days) and only
the cell number format rounds them, so an analyst can recompute from the workbook.

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
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from engine.results import GroupProfile, Results, Share

FIXED_TIME = dt.datetime(2000, 1, 1)  # document properties: nothing time-dependent in the file
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=13)
SUPPRESSED = "*"

STEPS = {
    "submitted": "Records submitted",
    "duplicates": "Duplicate records removed",
    "not_identified": "Not identified in the reference data",
    "no_matching_sentence": "No sentence matching the participation period",
    "sexual_offence": "Sexual offence history",
}
MEASURES = {
    "rate": ("One-year proven re-offending rate (%)", "0.0"),
    "frequency": ("One-year proven re-offending frequency (offences per person)", "0.00"),
    "time_to_first_reoffence": ("Average time to first proven re-offence (days)", "0.0"),
    "custody": ("Re-offenders sentenced to custody (%)", "0.0"),
    "severity": ("Serious re-offences (%)", "0.0"),
}
PROFILE_SECTIONS = ("sex", "ethnicity", "nationality", "index_year", "sentence", "needs")
COUNT = "#,##0"


def build_annex(results: Results) -> bytes:
    """The workbook as .xlsx bytes."""
    book = Workbook()
    book.remove(book.active)
    _group_characteristics(book.create_sheet("Group characteristics"), results)
    _matching_quality(book.create_sheet("Matching quality"), results)
    _results(book.create_sheet("Results"), results)
    _flow(book.create_sheet("Flow of people"), results)
    _about(book.create_sheet("About"), results)
    for sheet in book.worksheets:
        _fit_columns(sheet)
    book.properties.creator = "jdlspec"
    book.properties.created = FIXED_TIME
    book.properties.modified = FIXED_TIME
    return _repeatable(book)


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
    sheet.append(values)
    row = sheet.max_row
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(row=row, column=column)
        if font is not None:
            cell.font = font
        if formats and column <= len(formats) and formats[column - 1] and isinstance(value, (int, float)):
            cell.number_format = formats[column - 1]
        if isinstance(value, str) and value == SUPPRESSED:
            cell.alignment = Alignment(horizontal="right")
    return row


def _share(share: Share | None) -> float | str | None:
    if share is None:
        return None
    return SUPPRESSED if share.suppressed else share.percent


def _group_characteristics(sheet: Worksheet, results: Results) -> None:
    _row(sheet, ["Group characteristics"], font=TITLE)
    profile = results.profile
    if profile is None:
        _row(sheet, ["No profile of the treatment group was produced for this report."])
        return
    analysed, other = profile.analysed, profile.not_analysed
    _row(sheet, ["Percent of each group; '*' stands for fewer people than the report shows."])
    _row(sheet, [])
    _row(sheet, ["Characteristic", "Level", "Analysed (%)", "Not analysed (%)"], font=BOLD)
    _row(sheet, ["People", "", analysed.n, other.n], [None, None, COUNT, COUNT])
    for label, field, places in (("Age: youngest", "age_min", "0"), ("Age: oldest", "age_max", "0"),
                                 ("Age: average", "age_mean", "0.0")):
        _row(sheet, [label, "", getattr(analysed, field), getattr(other, field)], [None, None, places, places])
    _row(sheet, ["Needs assessed (%)", "", analysed.needs_assessed_percent, other.needs_assessed_percent],
         [None, None, "0", "0"])
    for section in PROFILE_SECTIONS:
        first, second = getattr(analysed, section), getattr(other, section)
        for level in _levels(first, second):
            _row(sheet, [_section_label(section), level, _share(_find(first, level)), _share(_find(second, level))],
                 [None, None, "0", "0"])
    _row(sheet, [])
    _row(sheet, ["Not identified (no information held)", profile.not_identified_n], [None, COUNT])
    sheet.freeze_panes = "C5"


def _section_label(section: str) -> str:
    return {"index_year": "Year of index event", "needs": "Needs (% of those assessed)"}.get(
        section, section.capitalize()
    )


def _levels(first: list[Share], second: list[Share]) -> list[str]:
    """Levels in the analysed group's order, then any only the other group has."""
    seen = [s.level for s in first]
    return seen + [s.level for s in second if s.level not in seen]


def _find(shares: list[Share], level: str) -> Share | None:
    return next((s for s in shares if s.level == level), None)


def _matching_quality(sheet: Worksheet, results: Results) -> None:
    _row(sheet, ["Matching quality"], font=TITLE)
    _row(sheet, ["Standardised difference: the difference in means over the root mean of the two variances, in %."])
    formats = [None, None, "0.000", "0.000", "0.000", "0.0", "0.0", None]
    for analysis in results.analyses:
        _row(sheet, [])
        heading = f"Analysis: {analysis.name}" + (" (headline)" if analysis.headline else "")
        _row(sheet, [heading], font=BOLD)
        _row(sheet, ["Variable", "Level", "Treatment mean", "Comparison mean before matching",
                     "Comparison mean after matching", "Standardised difference before (%)",
                     "Standardised difference after (%)", "Matching quality"], font=BOLD)
        for row in analysis.balance:
            hidden = SUPPRESSED if row.suppressed else None  # engine.disclosure decided: nothing gives it back
            _row(sheet, [row.variable, row.level or "", hidden or row.treatment_mean, row.comparison_mean_before,
                         row.comparison_mean, hidden or row.smd_percent_before, hidden or row.smd_percent,
                         row.quality], formats)


def _results(sheet: Worksheet, results: Results) -> None:
    _row(sheet, ["Results"], font=TITLE)
    _row(sheet, [f"Rates in %, differences and intervals in percentage points; significant when p ≤ "
                 f"{results.significance_level:g}."])
    _row(sheet, [])
    _row(sheet, ["Analysis", "Measure", "Treatment group size", "Comparison group size",
                 "Comparison effective size", "Treatment", "Comparison", "Difference", "95% interval: low",
                 "95% interval: high", "p-value", "Significant", "State", "Reported", "Headline",
                 "Degrees of freedom", "Treatment group size needed", "Additional test", "Additional test p-value",
                 "Additional test significant", "Not reported because", "Verdict decided by",
                 "Deciding test p-value", "Deciding test interval: low", "Deciding test interval: high"], font=BOLD)
    for analysis in results.analyses:
        for measure in results.measures:
            m = analysis.measures.get(measure)
            if m is None:
                continue
            label, places = MEASURES.get(measure, (measure, "0.00"))
            extra, decider = m.extra_test, m.decided_by
            hidden = SUPPRESSED if m.suppressed else None  # engine.disclosure decided: nothing gives it back
            _row(sheet, [analysis.name, label, SUPPRESSED if m.treatment_n is None else m.treatment_n, m.comparison_n,
                         m.comparison_effective_n, hidden or m.treatment, m.comparison, hidden or m.difference,
                         m.ci_low, m.ci_high, m.p_value,
                         _yes(m.significant), m.state.replace("_", " "), _yes(m.reported), _yes(m.headline),
                         m.degrees_of_freedom, m.required_treatment_n, extra.name if extra else None,
                         extra.p_value if extra else None, _yes(extra.significant) if extra else None,
                         (m.not_reported_reason or "").replace("_", " ") or None, decider.test if decider else "welch",
                         decider.p_value if decider else m.p_value, decider.ci_low if decider else m.ci_low,
                         decider.ci_high if decider else m.ci_high],
                 [None, None, COUNT, COUNT, "#,##0.0", places, places, places, places, places, "0.000",
                  None, None, None, None, "0.0", COUNT, None, "0.000", None, None, None, "0.000", places, places])
    sheet.freeze_panes = "C5"


def _yes(value: bool) -> str:
    return "Yes" if value else "No"


def _flow(sheet: Worksheet, results: Results) -> None:
    _row(sheet, ["Flow of people"], font=TITLE)
    _row(sheet, [])
    _row(sheet, ["Step", "Removed", "Remaining"], font=BOLD)
    for step in results.attrition:
        _row(sheet, [STEPS.get(step.step, step.step), step.removed, step.remaining], [None, COUNT, COUNT])
    remaining = results.attrition[-1].remaining if results.attrition else None
    for analysis in results.analyses:
        _row(sheet, [])
        _row(sheet, [f"Analysis: {analysis.name}"], font=BOLD)
        _row(sheet, ["Participants before matching", None, remaining], [None, COUNT, COUNT])
        _row(sheet, ["No comparison within the caliper", analysis.unmatched_n, analysis.treatment_n],
             [None, COUNT, COUNT])
        _row(sheet, ["Comparison pool records", None, analysis.pool_n], [None, COUNT, COUNT])
        _row(sheet, ["Pool records outside common support", analysis.outside_support_n, None], [None, COUNT, COUNT])
        _row(sheet, ["Comparison records matched", None, analysis.comparison_n], [None, COUNT, COUNT])
        _row(sheet, ["Comparison effective size", None, analysis.comparison_effective_n], [None, None, "#,##0.0"])


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
    _row(sheet, ["Measures", ", ".join(results.measures)])
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
