"""The report's text: rendered by engine.render, every sentence checked by engine.claims.

The one module that both renders and checks. Every user field (the spec's texts, names and labels,
and the data's category labels) is checked first, each at its own place; then each rendered section
as the reader will see it, where only the engine's own "What you cannot say" quotations are left out
(recognised by their exact text). A report that claims more than its results allow is never returned.
"""

from __future__ import annotations

from engine.claims import Licence
from engine.claims.pieces import Piece, check_pieces, spec_pieces
from engine.render.markdown import render_sections, safe_results, safe_spec
from engine.render.view import report_view
from engine.results import Results
from engine.spec.loaded import LoadedSpec
from engine.words.texts import labels


def data_pieces(results: Results) -> list[Piece]:
    """The data's own category labels that the profile prints (a level of sex, ethnicity, sentence ...),
    checked as user text and reported at the reference data file."""
    if results.profile is None:
        return []
    reference = results.inputs["reference"].path if "reference" in results.inputs else "reference data"
    pieces = []
    for group in (results.profile.analysed, results.profile.not_analysed):
        for field in ("sex", "ethnicity", "nationality", "index_year", "sentence"):
            for share in getattr(group, field):
                piece = Piece(share.level, reference, file=reference, where=f"{field} level")
                if piece not in pieces:
                    pieces.append(piece)
    return pieces


def report_markdown(loaded: LoadedSpec, results: Results) -> str:
    """The whole report as Markdown; raises UserError when any sentence claims more than the results license.

    Every user field (the spec's texts, names and labels, and the data's category labels) is checked
    first, each at its own place; then each rendered section as the reader will see it, where only
    the engine's own "What you cannot say" quotations are left out (recognised by their exact text).
    """
    view = report_view(loaded, results, labels())
    can_say = {w.measure: w.can_say for w in view["wordings"]}
    licence = Licence.from_results(results, can_say)
    phrases = list(loaded.spec.report.forbidden_phrases)
    check_pieces(spec_pieces(loaded) + data_pieces(results), licence, phrases)
    escaped, shown = safe_spec(loaded), safe_results(results)
    shown_view = report_view(escaped, shown, labels())
    sections = render_sections(escaped, shown, shown_view)
    quoted = tuple(w.cannot_say for w in view["wordings"] + shown_view["wordings"])  # as written and as printed
    names = tuple(name for spec in (loaded.spec, escaped.spec) for key in ("name", "title", "organisation")
                  if (name := getattr(spec.programme, key)).strip())  # checked as the spec's text, names here
    check_pieces([Piece(text, f"report_text/{name}.md.j2", engine=True, quoted=quoted, names=names)
                  for name, text in sections], licence, phrases)
    return "\n\n".join(text for _, text in sections) + "\n"
