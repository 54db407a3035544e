"""The report's text: rendered by engine.render, every sentence checked by engine.claims.

The one module that both renders and checks. Every user field (the spec's texts, names and labels,
and the data's category labels) is checked first, each at its own place; then each rendered section
as the reader will see it, where only the engine's own "What you cannot say" quotations are left out
(recognised by their exact text). A report that claims more than its results allow is never returned.
"""

from __future__ import annotations

import secrets
from dataclasses import replace

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
    first, each at its own place. Then the engine's own text is checked as the reader will see it,
    rendered a second time with two substitutions that only this function knows, so that nothing
    depends on how user text is escaped:
    - the programme's name, title and organisation are plain name tokens (the names themselves were
      checked as the spec's text; in the engine's sentences they are names, never a figure or a claim);
    - each "What you cannot say" quotation is a random placeholder, exempt only in its own place, so
      the same sentence anywhere else (user text, a press release that copies it) is read like any other.
    """
    view = report_view(loaded, results, labels())
    can_say = {w.measure: w.can_say for w in view["wordings"]}
    licence = Licence.from_results(results, can_say)
    phrases = list(loaded.spec.report.forbidden_phrases)
    check_pieces(spec_pieces(loaded) + data_pieces(results), licence, phrases)
    escaped, shown = safe_spec(loaded), safe_results(results)
    tokens = safe_spec(_name_tokens(loaded))
    checked_view, quotations = _placeholders(report_view(tokens, shown, labels()))
    check_pieces([Piece(text, f"report_text/{name}.md.j2", engine=True, quoted=quotations)
                  for name, text in render_sections(tokens, shown, checked_view)], licence, phrases)
    return "\n\n".join(text for _, text in render_sections(escaped, shown)) + "\n"


NAME_TOKENS = {"name": "the Programmename programme", "title": "Programmetitle", "organisation": "Organisationname"}


def _name_tokens(loaded: LoadedSpec) -> LoadedSpec:
    """The spec with the programme's names replaced by neutral names (what the engine's sentences say
    around a name is checked; the name itself is checked where the spec writes it)."""
    programme = loaded.spec.programme.model_copy(update=NAME_TOKENS)
    return replace(loaded, spec=loaded.spec.model_copy(update={"programme": programme}))


def _placeholders(view: dict) -> tuple[dict, tuple[str, ...]]:
    """The view with each ✗ quotation replaced by a random placeholder, and the placeholders."""
    wordings = [replace(w, cannot_say=f"jdlspecquotation{secrets.token_hex(12)}") for w in view["wordings"]]
    return {**view, "wordings": wordings}, tuple(w.cannot_say for w in wordings)
