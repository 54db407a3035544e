"""The pages the server shows: the preview (the report in a frame, the problems and progress above it) and the
checker. Everything is here and served by the server itself: no font, script or style from elsewhere, and the
pages' Content-Security-Policy lets nothing else load. Every text from the spec or the user is escaped.

The report is shown in a frame exactly as report.html shows it (its own bytes, with its own policy that runs no
script). The preview's script listens to the server's events and reloads the frame when a new report is made,
keeping its scroll position; the checker works without any script (a form), and its script only adds the Copy
buttons.
"""

from __future__ import annotations

from html import escape

from engine.preview.checker import Verdict

POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; frame-src 'self'; "
          "img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'self'")

STYLE = """
:root { color-scheme: light; }
body { font-family: "Source Sans Pro", "Segoe UI", "Helvetica Neue", Arial, "DejaVu Sans", sans-serif; margin: 0;
  color: #1b1b1b; background: #fff; font-size: 16px; line-height: 1.5; }
.bar { display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; align-items: center; padding: .5rem 1.25rem;
  background: #1f4e79; color: #fff; }
.bar p { margin: 0; }
.bar a { color: #fff; font-weight: bold; }
.bar a:focus { outline: 3px solid #ffbf47; outline-offset: 2px; }
#status { flex: 1; }
.preview { display: flex; flex-direction: column; height: 100vh; }
.preview main { flex: 1; display: flex; flex-direction: column; min-height: 0; }
#report { flex: 1; width: 100%; border: 0; min-height: 20rem; }
.problems { margin: 0; padding: .75rem 1.25rem; background: #fde8e8; border-bottom: 3px solid #a4000f;
  color: #3d0006; max-height: 40vh; overflow: auto; }
.problems h2 { margin: 0 0 .25rem; font-size: 1.1rem; }
.problems ul { margin: .25rem 0; padding-left: 1.25rem; }
.problems li { font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: .9rem; white-space: pre-wrap; }
.problems p { margin: .25rem 0 0; }
.checker main { max-width: 52rem; margin: 1.5rem auto; padding: 0 1.25rem; }
h1 { font-family: Georgia, "Times New Roman", "DejaVu Serif", serif; color: #1f4e79; font-size: 1.6rem; }
label { display: block; font-weight: bold; margin-bottom: .25rem; }
textarea { width: 100%; box-sizing: border-box; font: inherit; padding: .5rem; border: 2px solid #505a5f; }
textarea:focus, button:focus { outline: 3px solid #ffbf47; outline-offset: 0; }
button { font: inherit; font-weight: bold; margin-top: .5rem; padding: .4rem 1rem; background: #1f4e79;
  color: #fff; border: 0; cursor: pointer; }
button.copy { margin: 0 0 0 .5rem; padding: .1rem .6rem; font-size: .9rem; background: #505a5f; }
.verdicts { list-style: none; padding: 0; }
.verdicts > li { border-left: 6px solid; padding: .5rem .75rem; margin: .75rem 0; }
.verdicts > li.fine { border-color: #00703c; background: #e8f4ec; }
.verdicts > li.refused { border-color: #a4000f; background: #fde8e8; }
.mark { font-weight: bold; }
.fine .mark { color: #00562e; }
.refused .mark { color: #8a000d; }
.instead { margin: .25rem 0; padding: .25rem .5rem; background: #fff; border: 1px solid #8c8c8c; }
.notice { padding: .5rem .75rem; background: #f5f5f5; border-left: 4px solid #505a5f; }
details { margin-top: .25rem; font-size: .9rem; }
"""

PREVIEW_SCRIPT = """
"use strict";
(function () {
  var frame = document.getElementById("report");
  var status = document.getElementById("status");
  var box = document.getElementById("problems");
  var list = document.getElementById("problem-list");
  var shown = Number(frame.getAttribute("data-report"));
  function problems(lines) {
    list.textContent = "";
    lines.forEach(function (line) { var item = document.createElement("li"); item.textContent = line; list.appendChild(item); });
    box.hidden = lines.length === 0;
  }
  function reload(number) {
    var top = 0;
    try { top = frame.contentWindow.scrollY; } catch (e) { top = 0; }
    frame.addEventListener("load", function restore() {
      frame.removeEventListener("load", restore);
      try { frame.contentWindow.scrollTo(0, top); } catch (e) { /* a page of another origin: left at its top */ }
    });
    frame.src = "/report?n=" + number;
    shown = number;
    frame.setAttribute("data-report", String(number));
  }
  var events = new EventSource("/events");
  events.onmessage = function (message) {
    var state = JSON.parse(message.data);
    status.textContent = state.busy ? "Working: " + state.busy + "\\u2026" :
      (state.problems.length ? "The spec has problems: the report below is the last good one." : "Up to date.");
    problems(state.problems);
    if (state.report !== shown) { reload(state.report); }
    document.body.setAttribute("data-version", String(state.version));
  };
  events.onerror = function () { status.textContent = "Not connected to jdlspec preview (stopped?): trying again\\u2026"; };
})();
"""

CHECKER_SCRIPT = """
"use strict";
(function () {
  document.querySelectorAll(".instead").forEach(function (quote) {
    if (!navigator.clipboard) { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy";
    button.textContent = "Copy";
    button.setAttribute("aria-label", "Copy: " + quote.textContent);
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(quote.textContent).then(function () { button.textContent = "Copied"; });
    });
    quote.appendChild(button);
  });
})();
"""


def _document(title: str, kind: str, body: str, script: str) -> bytes:
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<title>{escape(title)}</title>\n<link rel="stylesheet" href="/page.css">\n</head>\n'
            f'<body class="{kind}">\n{body}\n<script src="/{script}"></script>\n</body>\n</html>\n').encode("utf-8")


def preview_page(spec: str, state: dict) -> bytes:
    """The preview: a status line and the link to the checker, the problems (if any), the report's frame."""
    lines = "".join(f"<li>{escape(line)}</li>" for line in state["problems"])
    status = f"Working: {escape(state['busy'])}…" if state["busy"] else "Up to date."
    body = (f'<header class="bar"><p id="status" role="status">{status}</p>'
            f'<p><a href="/check">Check a paragraph</a></p></header>\n<main>\n'
            f'<section id="problems" class="problems" aria-labelledby="problems-title"{"" if lines else " hidden"}>'
            f'<h2 id="problems-title">{escape(spec)} has problems</h2><ul id="problem-list">{lines}</ul>'
            "<p>Below is the last report made without problems.</p></section>\n"
            f'<iframe id="report" title="The report" src="/report?n={state["report"]}" '
            f'data-report="{state["report"]}"></iframe>\n</main>')
    return _document(f"Preview of {spec}", "preview", body, "preview.js")


def waiting_page(message: str) -> bytes:
    """What the frame shows before the first good report."""
    return ('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>No report yet</title>\n'
            f'</head>\n<body>\n<main>\n<p>{escape(message)}</p>\n</main>\n</body>\n</html>\n').encode("utf-8")


def checker_page(about: str, text: str = "", verdicts: list[Verdict] | None = None, notice: str = "",
                 back: bool = True) -> bytes:
    """The checker: a form for the text, and after it each sentence's verdict."""
    nav = '<p><a href="/">Back to the preview</a></p>' if back else ""
    body = (f'<header class="bar"><p>jdlspec check</p>{nav}</header>\n<main>\n'
            f"<h1>Check a paragraph against {escape(about)}</h1>\n"
            "<p>Paste a paragraph of a press release, newsletter or board paper. Each sentence is checked against "
            "the report's results by the rules <code>jdlspec check</code> applies. The text is checked on this computer and "
            "sent nowhere else.</p>\n"
            '<form method="post" action="/check">\n<label for="text">Text to check</label>\n'
            f'<textarea id="text" name="text" rows="8">{escape(text)}</textarea>\n'
            '<button type="submit">Check</button>\n</form>\n')
    if notice:
        body += f'<p class="notice" role="status">{escape(notice)}</p>\n'
    if verdicts is not None:
        body += _verdicts(verdicts)
    return _document("Check a paragraph", "checker", body + "</main>", "checker.js")


def _verdicts(verdicts: list[Verdict]) -> str:
    refused = sum(v.refused for v in verdicts)
    if not verdicts:
        return '<h2 id="verdicts-title">No sentence to check</h2>\n'
    summary = (f"{refused} of {len(verdicts)} sentence{'s' if len(verdicts) != 1 else ''} refused" if refused
               else f"All {len(verdicts)} sentence{'s' if len(verdicts) != 1 else ''} fine")
    items = []
    for verdict in verdicts:
        if not verdict.refused:
            items.append(f'<li class="fine"><span class="mark">Fine:</span> {escape(verdict.sentence)}</li>')
            continue
        why = f"It is {escape(verdict.claims)}."
        if verdict.results_say:
            why += f" The results say: {escape(verdict.results_say)}."
        instead = "".join(f'<p class="instead">{escape(s)}</p>' for s in verdict.instead)
        if instead:
            instead = f"<p>You may say instead:</p>{instead}"
        elif verdict.hint:
            instead = f"<p>You may say instead: {escape(verdict.hint)}</p>"
        items.append(f'<li class="refused"><span class="mark">Refused:</span> {escape(verdict.sentence)}'
                     f"<p>{why}</p>{instead}<details><summary>As jdlspec check says it (rule {escape(verdict.rule)})"
                     f"</summary><p>{escape(verdict.message)}</p></details></li>")
    return (f'<section aria-labelledby="verdicts-title"><h2 id="verdicts-title" role="status">{summary}</h2>\n'
            f'<ol class="verdicts">{"".join(items)}</ol></section>\n')
