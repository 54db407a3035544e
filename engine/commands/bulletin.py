"""The quarterly bulletin: `jdlspec bulletin REPORT_DIR... --out DIR`.

The Justice Data Lab publishes its reports in batches with a bulletin: a table of the evaluations
(programme, organisation, people analysed, the verdict on each headline measure) and each
programme's key finding in a paragraph. The bulletin reads only the report folders' results.json
(so it works on published reports without their data), says each finding in the same words as the
report's own key findings (report_text/bulletin.md.j2), and checks every sentence with the claims
engine against that programme's own results: a bulletin never says more than a report may. It is
written as Markdown and HTML with the reports' safe publish (engine.run.publish), byte-identical for the
same reports whatever order they are given in.
"""

from __future__ import annotations

from pathlib import Path

from engine.claims import Licence
from engine.claims.pieces import Piece, check_pieces
from engine.errors import Problem, UserError, display_path
from engine.results import Results
from engine.results_check import read_report_results
from engine.words.safe_text import plain_text
from engine.words.texts import measure_labels

NO_DIFFERENCE, NOT_REPORTED = "no significant difference", "not reported"


def read_results(folder: Path) -> Results:
    """A report folder's results, checked for consistency (engine.results_check); anything else is one line
    saying what the folder is and what to do."""
    results = read_report_results(folder)
    if results.spec.programme is None:
        raise UserError(Problem(display_path(folder / "results.json"), None, None, "spec.programme",
                                "is missing (the results were written before jdlspec recorded the programme's "
                                "name); run the evaluation again with this jdlspec"))
    return results


def verdict(measure: str, results: Results) -> str:
    """'lower', 'shorter', ... for a significant difference; otherwise why nothing is said."""
    result = results.headline.measures.get(measure)
    if result is None or not result.reported or not result.headline:
        return NOT_REPORTED
    return measure_labels(measure)["verdict"][result.state] if result.significant else NO_DIFFERENCE


def programme_view(folder: Path, results: Results, labels: dict) -> dict:
    """What the bulletin prints about one evaluation, user text escaped as the reports escape it: the key-finding
    clauses of a Justice Data Lab report, or an Employment Data Lab report's headline results (each verdict heading
    with its sentence, and a sustained impact), as the report itself says them."""
    from engine.render.view import findings_summary, over_time, shown_measures
    from engine.words.wording import measure_wording

    programme = results.spec.programme
    return {
        "wordings": [measure_wording(m, results.headline.measures[m], programme) for m in shown_measures(results)],
        "sustained": [o["sustained"] for o in over_time(results, labels) if o["sustained"]],
        "folder": folder,
        "results": results,
        "title": plain_text(programme.title),
        "name": plain_text(programme.name),
        "organisation": plain_text(programme.organisation),
        "participants": plain_text(programme.participants),
        "people": results.headline.treatment_n,
        "summary": findings_summary(results, labels),
    }


def check_programme(p: dict, row: str, finding: str) -> None:
    """The spec's names as user text, and the table row and key-finding paragraph as the engine's,
    against this programme's results: raises the claims engine's usual UserError on any unlicensed sentence."""
    results, origin = p["results"], display_path(p["folder"] / "results.json")
    programme = results.spec.programme
    names = [Piece(text, origin, file=origin, where=f"spec.programme.{key}", is_name=key != "participants")
             for key, text in (("title", programme.title), ("name", programme.name),
                               ("organisation", programme.organisation), ("participants", programme.participants))]
    shown = tuple(p[key] for key in ("title", "name", "organisation"))  # as the bulletin prints them
    engine = [Piece(text, "report_text/bulletin.md.j2", engine=True, file=origin, where=where, names=shown + tuple(
                  getattr(programme, key) for key in ("title", "name", "organisation")))
              for where, text in (("table row", row), ("key finding", finding))]
    check_pieces(names + engine, Licence.from_results(results))


def publisher(programmes: list[dict]) -> str | None:
    """The service that ran every evaluation, as it stands before 'evaluations' ('Justice Data Lab'), from
    each spec's service.name; None when they name none, or different ones: a bulletin credits only the
    service its specs name."""
    names = {(p["results"].spec.service or "").strip() for p in programmes}
    if len(names) != 1 or not (name := names.pop()):
        return None
    return plain_text(name[4:] if name.lower().startswith("the ") else name)


def default_title(service: str | None) -> str:
    """The house's bulletin title (labels.yaml bulletin), naming the service when the specs name one."""
    from engine.words.texts import labels

    words = labels()["bulletin"]
    return words["title"].format(service=service) if service else words["untitled"]


def one_house(reports: list[tuple[Path, Results]]) -> None:
    """A bulletin is one house's, in its words: reports of two houses are refused, each named with its house."""
    houses = {results.house for _, results in reports}
    if len(houses) > 1:
        raise UserError([Problem(display_path(folder / "results.json"), None, None, "house",
                                 f"is {results.house}, but the bulletin's reports are of {len(houses)} houses "
                                 f"({', '.join(sorted(houses))}); a bulletin brings together one house's reports, so "
                                 "make one bulletin for each") for folder, results in reports])
    from engine.houses import use

    use(houses.pop())


def bulletin_markdown(folders: list[Path], title: str | None = None) -> str:
    """The bulletin's Markdown; raises UserError for a folder that is not a report or a sentence
    that claims more than its programme's results allow. The title and the service it names come
    from the specs (results.json spec.service), never a default service."""
    problems, reports = [], []
    for folder in folders:
        try:
            reports.append((folder, read_results(folder)))
        except UserError as error:
            problems.extend(error.problems)
    if problems:
        raise UserError(problems)
    one_house(reports)
    return bulletin_text(reports, title)


def bulletin_text(reports: list[tuple[Path, Results]], title: str | None = None) -> str:
    """The bulletin's Markdown from each report folder's checked results."""
    from engine.render.markdown import environment, tidy
    from engine.words.texts import labels
    from engine.words.safe_text import one_line
    from engine.measures import MEASURES
    from engine.spec.models import HEADLINE_MEASURES

    programmes = [programme_view(folder, results, labels()) for folder, results in reports]
    programmes.sort(key=lambda p: (p["title"].casefold(), p["organisation"].casefold(), p["people"]))
    present = {m for p in programmes for m in p["results"].measures}
    measures = [m for m in HEADLINE_MEASURES if m in present]
    measures += sorted(m for m in present if MEASURES[m].declared and MEASURES[m].headline)  # a spec's own
    for p in programmes:
        p["verdicts"] = [verdict(m, p["results"]) for m in measures]
    columns = [{"label": labels()["measures"][m]["item"]} for m in measures]
    service = publisher(programmes)
    synthetic = [p["title"] for p in programmes if p["results"].synthetic]
    module = environment().get_template("bulletin.md.j2").make_module(
        {"title": one_line(title or default_title(service)), "programmes": programmes, "measures": columns,
         "service": service, "synthetic": synthetic})
    text, frame = str(module), str(module)
    for p in programmes:
        row, finding = str(module.row(p)), tidy(str(module.finding(p)))
        check_programme(p, row, finding)
        frame = frame.replace(row, "").replace(finding, "")
    check_pieces([Piece(frame, "report_text/bulletin.md.j2", engine=True)], Licence.unknown())  # says no result
    return tidy(text) + "\n"


def overlapping(out: Path, folders: list[Path]) -> Path | None:
    """A report folder that writing the bulletin to `out` would replace or write into."""
    target = out.resolve()
    for folder in folders:
        report = folder.resolve()
        if target == report or report in target.parents or target in report.parents:
            return folder
    return None


def write_bulletin(folders: list[Path], out: Path, title: str | None = None) -> Path:
    """Check, render and publish the bulletin folder (bulletin.md, bulletin.html)."""
    from engine.run.publish import BULLETIN_FILES, publish
    from engine.render.html import render_html

    if not folders:
        raise UserError(Problem("bulletin", None, None, "", "needs at least one report folder"))
    seen: dict[Path, Path] = {}
    for folder in folders:
        if folder.resolve() in seen:
            raise UserError(Problem(display_path(folder), None, None, "",
                                    f"is given twice (also as {display_path(seen[folder.resolve()])})"))
        seen[folder.resolve()] = folder
    clash = overlapping(out, folders)
    if clash is not None:
        raise UserError(Problem(display_path(out), None, None, "",
                                f"would replace or write into the report folder {display_path(clash)}; "
                                "choose an --out folder outside the reports"))
    markdown = bulletin_markdown(folders, title)
    heading = markdown.splitlines()[0].removeprefix("# ")
    synthetic = any(read_results(folder).synthetic for folder in folders)  # read and checked above
    html = render_html(markdown, {}, heading, synthetic=synthetic)
    markdown_name, html_name = BULLETIN_FILES
    return publish(out, {markdown_name: markdown.encode("utf-8"), html_name: html.encode("utf-8")})
