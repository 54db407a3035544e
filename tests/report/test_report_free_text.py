"""The spec's free text reaches report.md as Markdown, never as raw HTML."""

from report_fixtures import MC_PROGRAMME, loaded, lpt_results, spec

from engine.report import report_markdown


def test_html_in_spec_text_stays_text_in_the_markdown():
    programme = dict(MC_PROGRAMME, summary="Mentoring <script>alert(1)</script> for *women* leaving HMP Send.")
    text = report_markdown(loaded(spec(programme)), lpt_results())
    assert "<script>" not in text
    assert "Mentoring &lt;script&gt;alert(1)&lt;/script&gt; for *women* leaving HMP Send." in text
