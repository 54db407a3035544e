"""Bar charts of the headline measures, as the published reports show them (docs/architecture.md §1.10).

One PNG per headline measure of the headline analysis: the treatment and the comparison group's
figures side by side, the 95% interval and, under the chart, what the interval means in plain
words (large enough to read when printed). The verdict ("Significant / Non-significant difference
between groups") is the report's caption under the image, so it is said once, as text. The time
chart says on its axis and bars that it counts re-offenders only.

Which interval: results hold only the interval of the *difference* (the Welch test's), not one per
group. The published Justice Data Lab charts draw it on the treatment bar, centred where the
treatment figure is (comparison + difference), i.e. from comparison + ci_low to comparison +
ci_high: the bar's whisker crosses the comparison group's level exactly when the difference is not
significant, which is what a reader should see. The comparison bar carries no whisker.

Deterministic bytes: the Agg canvas is attached to each figure directly (no pyplot, no backend
switch), matplotlib's default style and bundled DejaVu fonts are set only inside a context that
restores the caller's settings, the figure size and dpi are fixed, and the PNG carries no
'Software' (version) metadata.
"""

from __future__ import annotations

import io
import textwrap

import matplotlib
import matplotlib.style
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from engine.houses import speaking
from engine.words.texts import labels, measure_labels
from engine.words.format import fixed, interval_level, thousands
from engine.measures import MEASURES
from engine.results import MeasureResult, Results, TimePoint
from engine.spec.loaded import LoadedSpec

INTERVAL_NOTE = ("The black line shows where the treatment group's figure could be ({level} confidence interval).\n"
                 "If it reaches the comparison group's level, the difference may be chance.")

TREATMENT_COLOUR = "#1f4e79"
COMPARISON_COLOUR = "#a6a6a6"
FIGURE_SIZE = (7.5, 5.0)  # inches
DPI = 120
# Only matplotlib's own defaults and bundled font: the same pixels on every machine.
RC = {
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "svg.hashsalt": "jdlspec",
    "path.simplify": False,
    "text.usetex": False,
    "text.parse_math": False,  # a '$' in a programme's title is a dollar sign, never mathtext
}


def chart_title(measure: str, programme_title: str) -> str:
    """The seeds' chart heading for a measure."""
    return measure_labels(measure)["chart_title"].format(title=programme_title)


def draw_charts(loaded: LoadedSpec, results: Results) -> dict[str, bytes]:
    """{"charts/<measure>.png": PNG bytes} for each headline measure of the headline analysis, and for each
    measure with time points its impact over time, in the words of the results' house."""
    with speaking(results.house):
        return _charts(loaded, results)


def _charts(loaded: LoadedSpec, results: Results) -> dict[str, bytes]:
    analysis = results.headline
    title = loaded.spec.programme.title
    charts: dict[str, bytes] = {}
    for measure in results.measures:
        result = analysis.measures.get(measure)
        if result is None or not result.headline or result.suppressed:
            continue
        charts[f"charts/{measure}.png"] = draw_chart(measure, result, chart_title(measure, title),
                                                       results.significance_level)
    for measure, points in analysis.over_time.items():
        shown = [p for p in points if p.result.reported and not p.result.suppressed]
        if shown:
            charts[f"charts/{measure}_over_time.png"] = _png(over_time_figure(measure, shown, title,
                                                                              results.significance_level))
    return charts


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    figure.clear()
    return buffer.getvalue()


def over_time_figure(measure: str, points: list[TimePoint], title: str, significance_level: float = 0.05) -> Figure:
    """The impact estimate and its interval at each time point (months after the start of follow-up): a point
    and a vertical line each, filled where the difference is significant, against a line at no difference."""
    with matplotlib.style.context("default"), matplotlib.rc_context(RC):
        words, m = measure_labels(measure), MEASURES[measure]
        figure = Figure(figsize=FIGURE_SIZE, dpi=DPI)
        FigureCanvasAgg(figure)
        axes = figure.add_axes((0.14, 0.2, 0.82, 0.6))
        months = [p.months for p in points]
        estimates = [p.result.difference for p in points]
        lows = [p.result.stated_low for p in points]
        highs = [p.result.stated_high for p in points]
        axes.vlines(months, lows, highs, color=TREATMENT_COLOUR, linewidth=2, zorder=2)
        for x, y, point in zip(months, estimates, points):
            axes.plot([x], [y], marker="o", markersize=8, color=TREATMENT_COLOUR,
                      markerfacecolor=TREATMENT_COLOUR if point.result.significant else "white", zorder=3)
        axes.axhline(0, color="black", linewidth=0.8, zorder=1)
        axes.grid(axis="y", color="#dddddd", linewidth=0.8, zorder=0)
        axes.set_xticks(months, [str(x) for x in months])
        axes.set_xlabel(labels()["over_time"]["months"])
        unit = "percentage points" if m.kind == "proportion" else (m.words or {}).get("unit") or "units"
        axes.set_ylabel(f"Estimated impact ({unit})")
        heading = labels()["over_time"]["chart_title"].format(impact=words["impact"], title=title)
        figure.text(0.5, 0.97, "\n".join(textwrap.wrap(heading, 70)), ha="center", va="top", fontsize=12,
                    fontweight="bold")
        figure.text(0.5, 0.05, f"Each line is the {interval_level(significance_level)} confidence interval; a filled "
                    "point is a statistically significant difference.", ha="center", va="center", fontsize=10)
    return figure


def draw_chart(measure: str, result: MeasureResult, title: str, significance_level: float = 0.05) -> bytes:
    """One bar chart as PNG bytes; its interval is the (1 - significance level) one the report states."""
    with matplotlib.style.context("default"), matplotlib.rc_context(RC):
        figure = chart_figure(measure, result, title, significance_level)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    figure.clear()  # no pyplot: nothing global holds the figure; clearing frees its artists now
    return buffer.getvalue()


def chart_figure(measure: str, result: MeasureResult, title: str, significance_level: float = 0.05) -> Figure:
    """The chart as a matplotlib Figure on an Agg canvas (call inside the style context of draw_chart)."""
    words, m = measure_labels(measure), MEASURES[measure]
    label, places, unit = words["axis"], m.decimals, m.unit
    figure = Figure(figsize=FIGURE_SIZE, dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_axes((0.14, 0.27, 0.82, 0.54))

    values = [result.treatment, result.comparison]
    low = result.comparison + result.stated_low  # the deciding test's interval (Welch's unless it was another)
    high = result.comparison + result.stated_high
    positions = [0, 1]
    axes.bar(positions, values, width=0.55, color=[TREATMENT_COLOUR, COMPARISON_COLOUR], zorder=2)
    axes.errorbar(
        [0],
        [result.treatment],
        yerr=[[result.treatment - low], [high - result.treatment]],
        fmt="none",
        ecolor="black",
        elinewidth=1.5,
        capsize=10,
        capthick=1.5,
        zorder=3,
    )
    treated, compared = words.get("groups", ("Treatment group", "Comparison group"))
    axes.set_xticks(
        positions,
        [f"{treated}\n(n = {thousands(result.treatment_n)})", f"{compared}\n(n = {thousands(result.comparison_n)})"],
    )
    axes.set_ylabel(label)
    axes.set_xlim(-0.6, 1.6)
    top = max(values + [high, 0.0])
    bottom = min(values + [low, 0.0])
    span = (top - bottom) or 1.0
    axes.set_ylim(bottom - (0.05 * span if bottom < 0 else 0.0), top + 0.18 * span)
    axes.axhline(0, color="black", linewidth=0.8, zorder=1)
    axes.grid(axis="y", color="#dddddd", linewidth=0.8, zorder=0)
    axes.set_axisbelow(True)
    for x, value, lift in ((0, result.treatment, high), (1, result.comparison, result.comparison)):
        axes.annotate(
            f"{fixed(value, places)}{unit}",
            xy=(x, max(lift, value, 0.0)),
            xytext=(0, 9),  # clear of the interval's cap
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=11,
            fontweight="bold",
        )

    figure.text(0.5, 0.97, "\n".join(textwrap.wrap(title, 70)), ha="center", va="top", fontsize=12, fontweight="bold")
    figure.text(0.5, 0.055, INTERVAL_NOTE.format(level=interval_level(significance_level)), ha="center", va="center", fontsize=11, color="#222222",
                linespacing=1.4)
    return figure
