"""What `jdlspec run` prints after a run: the key finding, the flow of people, every warning, the files.

Read back from the published folder (report.md and results.json), so what is printed is what
was written, whatever produced it.
"""

from __future__ import annotations

import re
from pathlib import Path

from engine.errors import display_path, how_many
from engine.results import Results
from engine.results_check import read_report_results
from engine.run.publish import CHART_FOLDER, REPORT_FILES
from engine.words.texts import labels


def key_finding(markdown_text: str) -> str:
    """The bold paragraph under 'Key findings', as plain text; in a house whose report has 'Headline results'
    instead (the Employment Data Lab's), the first result's heading and sentence."""
    found = re.search(r"^## Key findings\n+(.+?)(?:\n\n|\Z)", markdown_text, flags=re.M | re.S)
    headline = re.search(r"^## Headline results\n+### (.+?)\n+(.+?)(?:\n\n|\Z)", markdown_text, flags=re.M | re.S)
    if not found and not headline:
        return ""
    text = (found.group(1) if found else f"{headline.group(1)}. {headline.group(2)}").replace("**", "")
    return " ".join(re.sub(r"\\(.)", r"\1", text).split())


def flow_line(results: Results) -> str:
    """'77 records submitted → 76 people after duplicates → ... → 39 matched (National analysis)', in the words
    of the results' house (labels.yaml flow_steps)."""
    steps = labels()["flow_steps"]
    parts = [_step(steps.get(step.step, {"text": f"{{n}} after {step.step}"}), step.remaining)
             for step in results.attrition]
    headline = results.headline
    parts.append(f"{headline.treatment_n:,} matched ({headline.name} analysis, comparison group of "
                 f"{how_many(headline.comparison_n, 'record')})")
    return " → ".join(parts)


def _step(label: dict[str, str], n: int) -> str:
    return label["text"].format(n=how_many(n, label["one"], label["many"]) if "one" in label else f"{n:,}")


def run_summary(folder: Path) -> list[str]:
    """The lines to print after a successful run of the report in `folder`."""
    results = read_report_results(folder)  # and its house and measures, for the words below
    lines = [f"Key finding: {key_finding((folder / 'report.md').read_text(encoding='utf-8'))}",
             f"Flow: {flow_line(results)}"]
    if results.synthetic:
        lines.append("Note: made from synthetic data (jdlspec synth), so it is a demonstration, not a real evaluation")
    lines += [f"Warning: {warning}" for warning in results.warnings]
    shown = display_path(folder)
    files = [name for name in REPORT_FILES if (folder / name).exists()]
    charts = sorted(p.name for p in (folder / CHART_FOLDER).glob("*.png")) if (folder / CHART_FOLDER).is_dir() else []
    lines.append(f"Wrote {shown}/: " + ", ".join(files + [f"{CHART_FOLDER}/{name}" for name in charts]))
    lines.append(f"Open {shown}/report.html to read the report.")
    return lines
