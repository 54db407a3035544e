"""Charts: one PNG per headline measure, repeatable bytes, the right caption and interval."""

from __future__ import annotations

import io

import matplotlib
import numpy as np
from PIL import Image

from engine.render.charts import (
    DPI,
    FIGURE_SIZE,
    chart_figure,
    chart_title,
    draw_charts,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def test_one_png_per_headline_measure_of_the_headline_analysis(loaded, results):
    charts = draw_charts(loaded, results)
    # time_to_first_reoffence is not a headline in the fixture (too few re-offenders)
    assert list(charts) == ["charts/rate.png", "charts/frequency.png"]
    for png in charts.values():
        assert png.startswith(PNG_SIGNATURE)
        image = Image.open(io.BytesIO(png))
        image.load()
        assert image.size == (int(FIGURE_SIZE[0] * DPI), int(FIGURE_SIZE[1] * DPI))
        pixels = np.asarray(image.convert("RGB"))
        assert len(np.unique(pixels.reshape(-1, 3), axis=0)) > 10  # not blank
        # the treatment bar's colour #1f4e79 fills a good part of the picture
        assert (pixels == (0x1F, 0x4E, 0x79)).all(axis=2).sum() > 10_000


def test_bytes_repeat_and_ignore_the_callers_matplotlib_settings(loaded, results):
    first = draw_charts(loaded, results)
    before = dict(matplotlib.rcParams)
    with matplotlib.rc_context({"font.size": 30, "axes.facecolor": "red", "lines.linewidth": 9}):
        second = draw_charts(loaded, results)
        assert matplotlib.rcParams["font.size"] == 30  # the caller's settings are left as they were
    assert first == second
    assert dict(matplotlib.rcParams) == before
    assert b"Software" not in first["charts/rate.png"]


def texts(figure) -> list[str]:
    return [t.get_text() for t in figure.texts]


def test_the_verdict_is_said_once_by_the_report_and_the_chart_explains_its_interval(results):
    rate = results.headline.measures["rate"]
    title = chart_title("rate", "Making Connections")
    assert title == "One-year proven re-offending rate after participation in Making Connections"
    words = " ".join(texts(chart_figure("rate", rate, title)))
    assert "difference between groups" not in words  # the report's caption under the image says it
    assert "95% confidence interval" in words and "the difference may be chance" in words
    note = next(t for t in chart_figure("rate", rate, title).texts if "95%" in t.get_text())
    assert note.get_fontsize() >= 11  # about 8 pt when the chart is printed at its print width


def test_the_time_chart_says_re_offenders_only(results):
    time = results.headline.measures["time_to_first_reoffence"]
    axes = chart_figure("time_to_first_reoffence", time, "t").axes[0]
    assert axes.get_ylabel() == "Days to first proven re-offence (re-offenders only)"
    assert [t.get_text() for t in axes.get_xticklabels()] == [
        "Treatment group re-offenders\n(n = 17)", "Comparison group re-offenders\n(n = 4,700)"]


def test_titles_match_the_seeds():
    assert chart_title("frequency", "London Probation Trust's peer mentoring programme") == (
        "One-year proven re-offending frequency after participation in London Probation Trust's peer mentoring programme"
    )
    assert chart_title("time_to_first_reoffence", "Making Connections") == (
        "Average time to first proven re-offence after participation in Making Connections"
    )


def test_interval_is_the_difference_interval_placed_on_the_comparison_level(results):
    rate = results.headline.measures["rate"]
    figure = chart_figure("rate", rate, "t")
    axes = figure.axes[0]
    heights = sorted(round(p.get_height(), 9) for p in axes.patches)
    assert heights == sorted([round(rate.treatment, 9), round(rate.comparison, 9)])
    segments = [s for c in axes.collections for s in c.get_segments()]
    assert len(segments) == 1  # one whisker, on the treatment bar
    (x0, low), (x1, high) = segments[0]
    assert x0 == x1 == 0
    assert np.isclose(low, rate.comparison + rate.ci_low)  # 34.79 - 7.3 = 27.49
    assert np.isclose(high, rate.comparison + rate.ci_high)  # 34.79 + 24.9 = 59.69
    labels = [t.get_text() for t in axes.get_xticklabels()]
    assert labels == ["Treatment group\n(n = 39)", "Comparison group\n(n = 13,557)"]
    assert axes.get_ylabel() == "Proven re-offenders (%)"
    assert "43.6%" in [t.get_text() for t in axes.texts]
