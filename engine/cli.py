"""The `jdlspec` command: validate, schema, synth, run.

User errors (a bad spec, bad data) print one line per problem and exit 1 with no traceback;
anything else is a bug in jdlspec and keeps its traceback.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn, Optional

import typer

from engine.errors import Problem, UserError

if TYPE_CHECKING:
    from engine.run.side_process import AsideProcess

class _Cli(typer.Typer):
    """Usage mistakes (an unknown option, a missing argument, a value of the wrong kind) are refused like
    every other mistake: one line and exit 1, not a boxed usage message with exit 2."""

    def __call__(self, *args, **kwargs):
        try:
            self._call(*args, **kwargs)
        except SystemExit as done:
            _leave(done.code)
        except KeyboardInterrupt:
            print("jdlspec: interrupted (Ctrl-C); a report folder is replaced only when all of it was written",
                  file=sys.stderr)
            _leave(130)
        _leave(0)

    def _call(self, *args, **kwargs) -> None:
        try:
            result = super().__call__(*args, standalone_mode=False, **kwargs)
        except Exception as error:  # the command-line parser's own errors have format_message and exit_code
            if not (hasattr(error, "format_message") and hasattr(error, "exit_code")):
                raise
            if type(error).__name__ == "NoArgsIsHelpError":
                error.show()
                sys.exit(1)
            where = error.ctx.command_path if getattr(error, "ctx", None) else "jdlspec"
            typer.echo(f"{where}: {error.format_message()} (see {where} --help)", err=True)
            sys.exit(1)
        sys.exit(result if isinstance(result, int) else 0)


def _leave(code: object) -> NoReturn:
    """End the process once the command is done: its files are written and closed, its helper process
    stopped, and the output is flushed here, so the interpreter's teardown (freeing every object of the
    run one by one: 0.15 s after LPT, more after millions of records) would only keep the prompt waiting."""
    if code is not None and not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code or 0)


app = _Cli(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Justice Data Lab style re-offending impact reports from a YAML spec.",
)


def _version(value: bool) -> None:
    if value:
        from engine import __version__

        typer.echo(f"jdlspec {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Justice Data Lab style re-offending impact reports from a YAML spec."""


def _fail(error: UserError, wrote_nothing: bool) -> None:
    for problem in error.problems:
        typer.echo(str(problem), err=True)
    count = len(error.problems)
    found = f"{count} problem{'s' if count != 1 else ''} found"
    typer.echo(f"{found}; nothing was written." if wrote_nothing else f"{found}.", err=True)
    raise typer.Exit(1)


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
) -> None:
    """Dry run: check specs and their data, link and exclude, and print the flow of people and every warning."""
    from engine.run.prepare import validate_spec

    if unlinked is not None and (len(specs) > 1 or not data or not reference):
        why = "takes one spec at a time" if len(specs) > 1 else "needs the data, the reference data included"
        _fail(UserError(Problem("--unlinked", None, None, "", why)), wrote_nothing=True)
    problems = []
    for path in specs:
        try:
            lines = validate_spec(path, data, unlinked, reference)
        except UserError as error:
            problems.extend(error.problems)
            continue
        typer.echo("\n".join(lines))
    if problems:
        _fail(UserError(problems), wrote_nothing=False)


@app.command()
def new(
    name: Annotated[str, typer.Argument(help="The evaluation's name: the spec's file name and report folder.")],
    dir: Annotated[Path, typer.Option("--dir", help="Folder for the spec (its data/ folder gets the template).")] = Path(
        "specs"
    ),
) -> None:
    """Start an evaluation: a commented spec to fill in and a submission template. Never overwrites."""
    from engine.commands.new import new_evaluation

    try:
        spec, template = new_evaluation(name, dir)
    except UserError as error:
        _fail(error, wrote_nothing=False)
    typer.echo(f"wrote {spec}: fill in every 'FILL IN' text (jdlspec validate {spec} lists what is left)")
    typer.echo(f"wrote {template}: your records' columns and one example row (replace it with your records)")


@app.command()
def check(
    report: Annotated[Path, typer.Argument(help="A report folder written by `jdlspec run` (holds results.json).")],
    files: Annotated[list[Path], typer.Argument(
        help="Documents to check: .docx, Markdown (.md), HTML (.html) or plain text (.txt).", show_default=False)],
) -> None:
    """Check press releases and other documents against a report's results: one line per claim they may not make."""
    from engine.commands.check import check_documents

    try:
        problems = check_documents(report, files)
    except UserError as error:
        _fail(error, wrote_nothing=False)
    if problems:
        _fail(UserError(problems), wrote_nothing=False)
    for path in files:
        typer.echo(f"{path}: ok")

@app.command()
def schema(
    out: Annotated[Optional[Path], typer.Option(help="Write to this file instead of printing.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite --out even if it is not a jdlspec schema.")] = False,
    markdown: Annotated[bool, typer.Option("--markdown", help="The plain-English key reference (docs/spec.md).")] = False,
) -> None:
    """Print the JSON Schema of the spec, for editors that complete and check YAML."""
    from engine.spec.schema import spec_json_schema, write_schema

    if markdown:
        from engine.spec.reference import spec_reference, write_reference

        if not out:
            sys.stdout.write(spec_reference())
            return
        try:
            write_reference(out, force)
        except UserError as error:
            _fail(error, wrote_nothing=True)
    elif out:
        try:
            write_schema(out, force)
        except UserError as error:
            _fail(error, wrote_nothing=True)
    else:
        sys.stdout.write(json.dumps(spec_json_schema(), indent=2, ensure_ascii=False) + "\n")


@app.command()
def synth(
    out: Annotated[Path, typer.Option(help="Folder for the data files.")] = Path("specs/data"),
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same data.")] = 20170209,
    size: Annotated[Optional[int], typer.Option(
        help="Records in the national reference data (default 300,000).", show_default=False)] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite data files synth did not write.")] = False,
) -> None:
    """Write the synthetic national re-offending data and the seed specs' submissions."""
    from engine.synth import DEFAULT_SIZE, write_synthetic_data

    try:
        paths = write_synthetic_data(out, seed=seed, size=DEFAULT_SIZE if size is None else size, force=force)
    except UserError as error:
        _fail(error, wrote_nothing=True)
    for path in paths:
        typer.echo(f"wrote {path}")


@app.command()
def run(
    specs: Annotated[list[Path], typer.Argument(help="Spec files to run.", show_default=False)],
    out: Annotated[Optional[Path], typer.Option(help="Output folder (default: reports/<spec name>/).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress display.")] = False,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Redo the statistics even when only texts changed.")] = False,
    pdf: Annotated[bool, typer.Option("--pdf", help="Also write report.pdf (A4), printed by Chromium.")] = False,
    scheduler: Annotated[Optional[str], typer.Option(
        help="Several specs: run them on this Dask scheduler (e.g. tcp://host:8786) instead of local processes.")] = None,
    scheduler_timeout: Annotated[float, typer.Option(
        min=1, max=3600, help="Seconds the Dask scheduler has to answer with a worker.")] = 30.0,
) -> None:
    """Run evaluations and write each report folder (several specs run in parallel)."""
    from engine.run.side_process import AsideProcess

    aside = AsideProcess() if len(specs) == 1 and not scheduler else None  # first: it imports while we do
    try:
        _run(specs, out, quiet, no_cache, pdf, scheduler, aside, scheduler_timeout)
    finally:
        if aside:
            aside.close()


def _run(specs: list[Path], out: Path | None, quiet: bool, no_cache: bool, pdf: bool, scheduler: str | None,
         aside: AsideProcess | None, scheduler_timeout: float = 30.0) -> None:
    from engine.run.pipeline import run_spec, shared_destinations
    from engine.run.progress import Progress

    if out is not None and len(specs) > 1:
        _fail(UserError([Problem("--out", None, None, "", "takes one spec at a time; leave it out to write "
                                 "reports/<spec name>/ for each")]), wrote_nothing=True)
    clashes = shared_destinations(specs, out)
    if clashes:
        _fail(UserError(clashes), wrote_nothing=True)
    if len(specs) > 1 or scheduler:
        _run_batch(specs, not no_cache, scheduler, pdf, scheduler_timeout)
        return
    problems = []
    for path in specs:
        try:
            with Progress(enabled=not quiet) as progress:
                folder = run_spec(path, out, progress, use_cache=not no_cache, pdf=pdf, aside=aside)
        except UserError as error:
            problems.extend(error.problems)
            continue
        from engine.commands.summary import run_summary

        for line in run_summary(folder):
            typer.echo(line)
    if problems:
        _fail(UserError(problems), wrote_nothing=len(specs) == 1)


def _run_batch(specs: list[Path], use_cache: bool, scheduler: str | None, pdf: bool, timeout: float) -> None:
    """One line per evaluation as it ends (ok, failed, not run), then the summary, whatever happened."""
    from engine.run.batch import problems_of, run_local, run_on_cluster, summary

    try:
        if scheduler:
            outcomes = run_on_cluster(specs, scheduler, timeout, use_cache, pdf, echo=typer.echo)
        else:
            outcomes = run_local(specs, use_cache, pdf, echo=typer.echo)
    except UserError as error:
        _fail(error, wrote_nothing=True)
    typer.echo(summary(outcomes))
    problems = problems_of(outcomes)
    if problems:
        _fail(UserError(problems), wrote_nothing=False)
    if any(o.state != "ok" for o in outcomes):  # a bug in jdlspec: its line said so
        raise typer.Exit(1)


@app.command()
def diff(
    old: Annotated[Path, typer.Argument(help="The earlier report folder.", show_default=False)],
    new: Annotated[Path, typer.Argument(help="The later report folder.", show_default=False)],
) -> None:
    """Say what changed between two runs of an evaluation and why (Markdown on stdout)."""
    from engine.commands.diff import diff_reports

    try:
        typer.echo(diff_reports(old, new), nl=False)
    except UserError as error:
        _fail(error, wrote_nothing=False)



@app.command()
def bulletin(
    reports: Annotated[list[Path], typer.Argument(help="Report folders that jdlspec run wrote.", show_default=False)],
    out: Annotated[Path, typer.Option(help="Folder for bulletin.md and bulletin.html.", show_default=False)],
    title: Annotated[Optional[str], typer.Option(
        help="The bulletin's title (default: the service the specs name, e.g. 'Justice Data Lab: re-offending "
        "evaluations', or 'Re-offending evaluations').", show_default=False)] = None,
) -> None:
    """Write the quarterly bulletin: a table of the evaluations and each programme's key finding."""
    from engine.commands.bulletin import write_bulletin

    try:
        folder = write_bulletin(reports, out, title)
    except UserError as error:
        _fail(error, wrote_nothing=True)
    typer.echo(f"wrote {folder} ({len(reports)} evaluations)")

if __name__ == "__main__":  # pragma: no cover
    app()
