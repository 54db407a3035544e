"""The `jdlspec` command line: typer commands that call the run and the other commands.

Every command ends in one handler (`_Commands.main`, which typer's CliRunner goes through too):
- 0: done;
- 1: the user's input was refused: a UserError prints one line per problem and a count, a usage
  mistake (an unknown option, a missing argument) one line; `check` with breaches;
- 2: an internal error, a bug in jdlspec: one line asking the user to report it, naming the file
  that holds the traceback (never a traceback on screen); a batch ends with 2 when any evaluation
  failed that way, else 1 when any was refused;
- 130: interrupted (Ctrl-C).
The handler is the last resort: every known bad input has its own one-line message and exit 1.
"""

from __future__ import annotations

import functools
import json
import os
import platform
import sys
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn, Optional

import typer
from typer.core import TyperGroup

from engine.errors import Problem, UserError, how_many, display_path
from engine.run import speed

if TYPE_CHECKING:
    from engine.run.side_process import AsideProcess

REFUSED, INTERNAL, INTERRUPTED = 1, 2, 130


class _Commands(TyperGroup):
    """The app's command group, ending every command through `ending`."""

    def main(self, *args, standalone_mode: bool = True, **kwargs):
        words = [str(w) for w in (args[0] if args else kwargs.get("args")) or sys.argv[1:]]
        named = next((w for w in words if not w.startswith("-")), None)  # a parser error may not say its command
        usage = f"jdlspec {named}" if named in self.commands else "jdlspec"
        code = ending(lambda: super(_Commands, self).main(*args, standalone_mode=False, **kwargs), usage)
        if standalone_mode:
            sys.exit(code)
        return code


def ending(command: Callable[[], object], usage: str = "jdlspec") -> int:
    """Run the command; return its exit code, having printed why it failed if it did (`usage`: the command
    a usage mistake is in, where the parser's error does not say)."""
    try:
        result = command()
    except UserError as error:
        refused(error.problems, getattr(error, "__notes__", []))
        return REFUSED
    except typer.TyperException as error:  # the command-line parser's: a usage mistake
        ctx = getattr(error, "ctx", None)
        where = ctx.command_path if ctx is not None else usage
        typer.echo(f"{where}: {error.format_message()} (see {where} --help)", err=True)
        return REFUSED
    except typer.Exit as done:
        return done.exit_code
    except KeyboardInterrupt:
        result = INTERRUPTED
    except Exception:  # noqa: BLE001 - the last resort: a bug in jdlspec
        report_internal_error(traceback.format_exc())
        return INTERNAL
    if result == INTERRUPTED:  # typer ends a command that Ctrl-C interrupted with exit code 130 too
        typer.echo("jdlspec: interrupted (Ctrl-C); a report folder is replaced only when all of it was written",
                   err=True)
    return result if isinstance(result, int) else 0


def refused(problems: list[Problem], notes: list[str] = ()) -> None:
    """One line per problem, then the count (and the notes: 'nothing was written')."""
    for problem in problems:
        typer.echo(str(problem), err=True)
    count = len(problems)
    typer.echo("; ".join([f"{count} problem{'s' if count != 1 else ''} found", *notes]) + ".", err=True)


def report_internal_error(details: str) -> None:
    """One line for the user; the traceback (with the version and the command) in a file it names."""
    from engine import __version__

    kind = details.strip().splitlines()[-1].split(":")[0] if details.strip() else "error"
    try:
        handle, name = tempfile.mkstemp(prefix="jdlspec-error-", suffix=".txt")
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(f"jdlspec {__version__}, Python {platform.python_version()}, {platform.platform()}\n"
                       f"command: {' '.join(sys.argv)}\n\n{details}")
        saved = f"with the file {Path(name).as_posix()}, which holds the details"
    except OSError:
        saved = "with the command you ran (the details could not be saved)"
    typer.echo(f"jdlspec: internal error ({kind}): this is a bug in jdlspec, not a problem with your spec or "
               f"data; please report it {saved}.", err=True)


def writes(function: Callable) -> Callable:
    """A command that writes files only when it succeeds: its refusal says that nothing was written."""
    @functools.wraps(function)
    def command(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except UserError as error:
            error.add_note("nothing was written")
            raise

    return command


app = typer.Typer(
    cls=_Commands,
    add_completion=False,
    pretty_exceptions_enable=False,
    help="Justice Data Lab style re-offending impact reports from a YAML spec.",
)


def main() -> NoReturn:
    """The `jdlspec` program (pyproject's script and `python -m engine`): the speed devices on, then the app."""
    speed.enable()
    try:
        app(prog_name="jdlspec")
    except SystemExit as done:
        speed.leave(done.code if isinstance(done.code, int) else REFUSED)
    speed.leave(0)


def _version(value: bool) -> None:
    if value:
        from engine import __version__

        typer.echo(f"jdlspec {__version__}")
        raise typer.Exit()


@app.callback()
def jdlspec(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Justice Data Lab style re-offending impact reports from a YAML spec."""


@app.command()
def validate(
    specs: Annotated[list[Path], typer.Argument(help="Spec files to check.", show_default=False)],
    data: Annotated[bool, typer.Option(help="Also check the data files the spec names.")] = True,
    reference: Annotated[bool, typer.Option(
        help="Also read the reference (national) data; --no-reference checks the spec and the submission alone, "
        "as an organisation preparing its records can.")] = True,
    unlinked: Annotated[Optional[Path], typer.Option(
        help="Write the records not found in the reference data to this CSV file, each with its row and reason "
        "(never inside a report folder).", show_default=False)] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite the --unlinked file even if jdlspec did not "
                                        "write it.")] = False,
) -> None:
    """Dry run: check specs and their data, link and exclude, and print the flow of people and every warning."""
    from engine.run.prepare import validate_spec

    if unlinked is not None and (len(specs) > 1 or not data or not reference):
        why = "takes one spec at a time" if len(specs) > 1 else "needs the data, the reference data included"
        raise UserError(Problem("--unlinked", None, None, "", why))
    if force and unlinked is None:
        raise UserError(Problem("--force", None, None, "", "only says that --unlinked may overwrite its file; "
                                "give --unlinked FILE too"))
    problems = []
    for path in specs:
        try:
            lines = validate_spec(path, data, unlinked, reference, force)
        except UserError as error:  # every spec is checked; the problems of all are reported together
            problems.extend(error.problems)
            continue
        typer.echo("\n".join(lines))
    if problems:
        raise UserError(problems)


@app.command()
def new(
    name: Annotated[str, typer.Argument(help="The evaluation's name: the spec's file name and report folder.")],
    dir: Annotated[Path, typer.Option("--dir", help="Folder for the spec (its data/ folder gets the template).")] = Path(
        "specs"
    ),
) -> None:
    """Start an evaluation: a commented spec to fill in and a submission template. Never overwrites."""
    from engine.commands.new import new_evaluation

    spec, template = new_evaluation(name, dir)
    shown = display_path(spec)
    typer.echo(f"wrote {shown}: fill in every 'FILL IN' text (jdlspec validate {shown} lists what is left)")
    typer.echo(f"wrote {display_path(template)}: your records' columns and one example row (replace it with your "
               "records)")


@app.command()
def check(
    report: Annotated[Path, typer.Argument(help="A report folder written by `jdlspec run` (holds results.json).")],
    files: Annotated[Optional[list[Path]], typer.Argument(
        help="Documents to check: .docx, Markdown (.md), HTML (.html) or plain text (.txt).", show_default=False)] = None,
    serve: Annotated[bool, typer.Option("--serve", help="Instead of files: a page in the browser to paste paragraphs "
                                        "into, each sentence marked (on this computer only).")] = False,
    port: Annotated[int, typer.Option(min=0, max=65535, help="With --serve: the port on 127.0.0.1 (0: a free one).")
                    ] = 8000,
    no_browser: Annotated[bool, typer.Option("--no-browser", help="With --serve: do not open the page.")] = False,
) -> None:
    """Check press releases and other documents against a report's results: one line per claim they may not make."""
    if serve:
        if files:
            raise UserError(Problem("--serve", None, None, "", "takes the report folder alone: paste the documents' "
                                    "text into the page, or check the files without --serve"))
        from engine.preview.server import folder_licence, make_server, serve as serve_pages

        licensed = folder_licence(report)  # refused here, in one line, as `check` refuses the folder
        serve_pages(make_server(port, None, lambda: licensed), not no_browser, typer.echo)
        return
    if not files:
        raise UserError(Problem("jdlspec check", None, None, "", "give the documents to check after the report "
                                "folder, or --serve for a page to paste them into"))
    from engine.commands.check import check_documents

    problems = check_documents(report, files)
    if problems:
        raise UserError(problems)
    for path in files:
        typer.echo(f"{display_path(path)}: ok")


@app.command()
def preview(
    spec: Annotated[Path, typer.Argument(help="The spec to preview.", show_default=False)],
    port: Annotated[int, typer.Option(min=0, max=65535, help="The port on 127.0.0.1 (0: a free one).")] = 8000,
    no_browser: Annotated[bool, typer.Option("--no-browser", help="Do not open the page in the browser.")] = False,
) -> None:
    """Show the report in the browser as you write the spec, made again at each save (writes no report folder)."""
    from engine.preview.live import LivePreview
    from engine.preview.server import make_server, preview_licence, serve as serve_pages

    live = LivePreview(spec, _bug_line)
    server = make_server(port, live, lambda: preview_licence(live))
    live.start()
    serve_pages(server, not no_browser, typer.echo)


def _bug_line(details: str) -> str:
    """A bug met while the preview made the report: saved and said in the terminal, and its line for the page."""
    report_internal_error(details)
    return "jdlspec: internal error: this is a bug in jdlspec, not a problem with your spec or data; the terminal " \
        "names the file that holds the details, please report it with that file."


@app.command()
@writes
def schema(
    out: Annotated[Optional[Path], typer.Option(help="Write to this file instead of printing.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite --out even if it is not a jdlspec schema.")] = False,
    markdown: Annotated[bool, typer.Option("--markdown", help="The plain-English key reference (docs/spec.md).")] = False,
) -> None:
    """Print the JSON Schema of the spec, for editors that complete and check YAML."""
    from engine.spec.schema import spec_json_schema, write_schema

    if markdown:
        from engine.spec.reference import spec_reference, write_reference

        if out:
            write_reference(out, force)
        else:
            sys.stdout.write(spec_reference())
    elif out:
        write_schema(out, force)
    else:
        sys.stdout.write(json.dumps(spec_json_schema(), indent=2, ensure_ascii=False) + "\n")


@app.command()
@writes
def synth(
    out: Annotated[Path, typer.Option(help="Folder for the data files.")] = Path("specs/data"),
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same data.")] = 20170209,
    size: Annotated[Optional[int], typer.Option(
        help="Records in the national reference data (default 300,000).", show_default=False)] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite data files synth did not write.")] = False,
    dataset: Annotated[str, typer.Option(
        help="reoffending: the national re-offending data and the seed specs' submissions; employment: the "
        "employment and benefits data and submission of specs/employment.yaml.")] = "reoffending",
) -> None:
    """Write the synthetic national re-offending data and the seed specs' submissions (or the employment example's)."""
    from engine.synth import DEFAULT_SIZE, write_synthetic_data

    if dataset not in ("reoffending", "employment"):
        raise UserError(Problem("--dataset", None, None, "", f"must be reoffending or employment (you wrote {dataset})"))
    for path in write_synthetic_data(out, seed=seed, size=DEFAULT_SIZE if size is None else size, force=force,
                                     dataset=dataset):
        typer.echo(f"wrote {display_path(path)}")


@app.command()
@writes
def run(
    specs: Annotated[list[Path], typer.Argument(help="Spec files to run.", show_default=False)],
    out: Annotated[Optional[Path], typer.Option(help="Output folder (default: reports/<spec name>/).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress display.")] = False,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Redo the statistics even when only texts changed.")] = False,
    pdf: Annotated[bool, typer.Option("--pdf", help="Also write report.pdf (A4), printed by Chromium.")] = False,
    docx: Annotated[bool, typer.Option("--docx", help="Also write report.docx (Word, in Word's own styles).")] = False,
    scheduler: Annotated[Optional[str], typer.Option(
        help="Several specs: run them on this Dask scheduler (e.g. tcp://host:8786) instead of local processes.")] = None,
    scheduler_timeout: Annotated[float, typer.Option(
        min=1, max=3600, help="Seconds the Dask scheduler has to answer with a worker.")] = 30.0,
) -> int:
    """Run evaluations and write each report folder (several specs run in parallel)."""
    from engine.run.pipeline import shared_destinations

    if out is not None and len(specs) > 1:
        raise UserError(Problem("--out", None, None, "", "takes one spec at a time; leave it out to write "
                                "reports/<spec name>/ for each"))
    clashes = shared_destinations(specs, out)
    if clashes:
        raise UserError(clashes)
    if len(specs) > 1 or scheduler:
        return _run_batch(specs, not no_cache, scheduler, pdf, scheduler_timeout, docx)
    aside = speed.aside_process()  # first: it imports while this process does
    try:
        _run_one(specs[0], out, quiet, no_cache, pdf, aside, docx)
    finally:
        if aside:
            aside.close()
    return 0


def _run_one(spec: Path, out: Path | None, quiet: bool, no_cache: bool, pdf: bool, aside: AsideProcess | None,
             docx: bool = False) -> None:
    from engine.commands.summary import run_summary
    from engine.run.pipeline import run_spec
    from engine.run.progress import Progress

    with Progress(enabled=not quiet) as progress:
        folder = run_spec(spec, out, progress, use_cache=not no_cache, pdf=pdf, aside=aside, docx=docx)
    for line in run_summary(folder):
        typer.echo(line)


def _run_batch(specs: list[Path], use_cache: bool, scheduler: str | None, pdf: bool, timeout: float,
               docx: bool = False) -> int:
    """One line per evaluation as it ends (ok, failed, not run), then the summary, whatever happened; exit 2
    when any failed by a bug in jdlspec, else 130 when the batch was interrupted, else 1 when any was refused."""
    from engine.run.batch import INTERRUPTED as STOPPED, problems_of, run_local, run_on_cluster, summary

    if scheduler:
        outcomes = run_on_cluster(specs, scheduler, timeout, use_cache, pdf, echo=typer.echo, docx=docx)
    else:
        outcomes = run_local(specs, use_cache, pdf, echo=typer.echo, docx=docx)
    typer.echo(summary(outcomes))
    problems = problems_of(outcomes)
    if problems:
        refused(problems)
    bugs = [o for o in outcomes if o.internal]
    if bugs:
        report_internal_error("\n".join(f"{o.spec}:\n{o.internal}" for o in bugs))
        return INTERNAL
    if any(p.message == STOPPED for p in problems):
        return INTERRUPTED
    return REFUSED if any(o.state != "ok" for o in outcomes) else 0


@app.command()
def diff(
    old: Annotated[Path, typer.Argument(help="The earlier report folder.", show_default=False)],
    new: Annotated[Path, typer.Argument(help="The later report folder.", show_default=False)],
) -> None:
    """Say what changed between two runs of an evaluation and why (Markdown on stdout)."""
    from engine.commands.diff import diff_reports

    typer.echo(diff_reports(old, new), nl=False)


@app.command()
@writes
def bulletin(
    reports: Annotated[list[Path], typer.Argument(help="Report folders that jdlspec run wrote.", show_default=False)],
    out: Annotated[Path, typer.Option(help="Folder for bulletin.md and bulletin.html.", show_default=False)],
    title: Annotated[Optional[str], typer.Option(
        help="The bulletin's title (default: the service the specs name, e.g. 'Justice Data Lab: re-offending "
        "evaluations', or 'Re-offending evaluations').", show_default=False)] = None,
) -> None:
    """Write the quarterly bulletin: a table of the evaluations and each programme's key finding."""
    from engine.commands.bulletin import write_bulletin

    folder = write_bulletin(reports, out, title)
    typer.echo(f"wrote {display_path(folder)} ({how_many(len(reports), 'evaluation')})")
