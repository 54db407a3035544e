"""The words floor: what turns figures and results into text, below both the claims engine and the
renderers. Number formats (format), the sentences per measure and state (wording), the sanitiser
for user text (safe_text) and the loading of report_text/ (texts). It imports no other floor above
the results and the spec (docs/architecture.md)."""
