"""The recipe: spec → data → cohort → per-analysis statistics → results → report files.

Read top to bottom; each line names one stage, and each stage lives in its own module.
The data and statistics libraries (pandas, scipy, pyarrow) and the chart and workbook writers
(matplotlib, openpyxl) are imported where they are used, so a command or a cached run that does
not need them does not pay for them (together about a second).
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from engine import __version__, houses
from engine.claims.pieces import check_spec_text
from engine.disclosure import suppress, too_few_analysed, too_few_compared
from engine.errors import AnalysisError, Problem, UserError, display_path
from engine.measures import declare
from engine.run.publish import publish, report_folder
from engine.run.side_process import AsideProcess, binary_files
from engine.render.html import render_html
from engine.report import report_markdown
from engine.run.progress import Progress
from engine.run.cache import RunCache, spec_info
from engine.run.record import Groups, PublicationRecord, identities
from engine.results import AnalysisResult, Results
from engine.spec.loaded import LoadedSpec
from engine.spec.loader import load_spec

if TYPE_CHECKING:
    from engine.stages.link import Cohort


def run_spec(
    spec_path: Path, out: Path | None = None, progress: Progress | None = None, use_cache: bool = True,
    pdf: bool = False, aside: AsideProcess | None = None, record_dir: str | None = None, docx: bool = False,
) -> Path:
    """Run one evaluation and publish its report folder; returns the folder (with report.pdf when `pdf`, and
    report.docx when `docx`).

    With the cache, a spec whose statistical part and input files are unchanged reuses the stored
    results (engine/run/cache.py); the report is rendered and checked as after a full run. Every run is
    checked against the publication record (engine/run/record.py) before its folder is published. An
    `aside` process (one run from the command line, a core to spare) makes the workbook and charts.
    `record_dir`: the publication record to use where the spec names none (a batch worker's command's)."""
    progress = progress or Progress(enabled=False)
    if pdf:
        from engine.render.pdf import require_pdf_engine

        require_pdf_engine()  # before any statistics: say at once that no PDF can be made
    with progress.stage("reading the spec"):
        loaded = load_spec(spec_path)
        folder = destination(spec_path, out)
        record = PublicationRecord.for_spec(loaded, folder, record_dir)  # a missing one: refused before statistics
        cache = RunCache.for_spec(loaded, use_cache)  # the inputs' hashes before the run reads them
        results = cache.results() if cache and use_cache else None
        if results is not None and not record.knows(cache.fingerprint()):
            results = None  # never published as it is (or changed since): computed and checked again
        if aside:
            aside.expect(charts=True)
        check_spec_text(loaded)  # overclaims in the spec's own text fail before any statistics
    groups = computed = None
    if results is None:
        results, groups = compute(loaded, progress)
        computed = results  # as stored in the cache: what a later run's entry must still be
        unchanged(loaded, cache, results)
        if cache and use_cache:
            cache.store(results)
    # the spec is the run's authority (reading cached results declared theirs): its house, a text key the cache
    # does not key on, and its measures
    results = results.model_copy(update={"house": loaded.spec.service.house})
    houses.use(loaded.spec.service.house)
    declare(loaded.spec.outcome_measures)
    with progress.stage("writing the report"):
        files = report_files(loaded, results, aside, docx)
        if pdf:
            from engine.render.pdf import html_to_pdf

            files["report.pdf"] = html_to_pdf(files["report.html"].decode("utf-8"))
        with record.publishing(results, groups, cache.fingerprint(computed) if cache else None):
            return publish(folder, files)


def unchanged(loaded: LoadedSpec, cache: RunCache | None, results: Results) -> None:
    """Refuse a run during which a data file was saved: its report could certify bytes it did not read."""
    changed = cache.changed_during_run(results) if cache else ["data"]
    if changed:
        key = f"data.{'reference' if changed[0] == loaded.spec.data.reference else 'submission'}"
        raise UserError(Problem(loaded.display, *loaded.locate(key), key, f"{changed[0]} changed while the run read "
                                "it, so the report could not say which data it was made from; run again once it is "
                                "saved"))


def destination(spec_path: Path, out: Path | None) -> Path:
    """The report folder: --out, else reports/<spec file name without extension>/."""
    return out or Path("reports") / Path(spec_path).stem


def shared_destinations(spec_paths: list[Path], out: Path | None) -> list[Problem]:
    """Specs that would write the same report folder (the second would silently replace the first); names
    that differ only in letter case count as the same, as they are on macOS and Windows disks."""
    seen: dict[str, tuple[Path, Path]] = {}
    problems = []
    for path in spec_paths:
        try:
            folder = report_folder(destination(path, out))
        except UserError as error:
            problems.extend(error.problems)
            continue
        if str(folder).casefold() in seen:
            first, written = seen[str(folder).casefold()]
            problems.append(Problem(display_path(path), None, None, "", f"writes the same report folder "
                                    f"{display_path(written)} as {display_path(first)}; rename one spec "
                                    "file or run them one at a time with --out"))
        else:
            seen[str(folder).casefold()] = (path, folder)
    return problems


def compute_results(loaded: LoadedSpec, progress: Progress | None = None) -> Results:
    """Everything the report says, as numbers: the results.json of docs/architecture.md §4."""
    return compute(loaded, progress)[0]


def compute(loaded: LoadedSpec, progress: Progress | None = None) -> tuple[Results, Groups]:
    """The results, and who is in each group they describe (for the publication record only)."""
    from engine.run.prepare import prepare
    from engine.stages.profile import build_profile, released_from_custody

    progress = progress or Progress(enabled=False)
    spec = loaded.spec
    declare(spec.outcome_measures)  # this evaluation's measures and house, however its spec was read
    houses.use(spec.service.house)
    prepared = prepare(loaded, progress)  # the dry run `validate` does: data, linking, exclusions, minimum size
    inputs, cohort = prepared.inputs, prepared.cohort
    analyses, fit = [], []
    link_on = list(spec.data.link_on)
    groups = {}
    for number, analysis in enumerate(spec.analyses):
        with progress.stage(f"analysis {analysis.name}"):
            result, matched, unlike = analyse(loaded, cohort, number)
        few = too_few_compared(loaded, number, result) or too_few_analysed(loaded, result.treatment_n, number)
        if few is not None:
            raise UserError(few)
        analyses.append(result)
        fit += unlike
        groups[analysis.name] = identities(matched, link_on)
        if analysis.headline:
            headline_treated = matched
    with progress.stage("profile of the treatment group"):
        profile = build_profile(cohort, headline_treated, spec)
    results = Results(
        engine_version=__version__,
        spec=spec_info(loaded),
        inputs=inputs.files,
        attrition=cohort.attrition,
        analyses=analyses,
        measures=list(spec.measures),
        significance_level=spec.statistics.significance_level,
        profile=profile,
        warnings=prepared.warnings + fit,  # the matched groups' fit, not the pool's (prepared.fit_warnings)
        released_from_custody=released_from_custody(headline_treated),
        synthetic=inputs.synthetic,
        outcome_measures={name: spec.outcome_measures[name] for name in spec.measures if name in spec.outcome_measures},
        house=spec.service.house,
    )
    return suppress(results, spec.report.suppress_below), groups  # every output is made from the suppressed results


def analyse(loaded: LoadedSpec, cohort: Cohort, number: int):
    """One analysis: pool, propensity, matching, balance, outcomes. Returns its result, the matched participants
    and warnings about the comparison group's fit (engine/stages/fit.py)."""
    import numpy as np

    from engine.stages.balance import balance_table
    from engine.stages.fit import additional_rows, gap_warning, gaps, poorly_balanced, unmatched
    from engine.stages.link import REFERENCE_ROW
    from engine.stages.matching import match_scores
    from engine.stages.outcomes import effective_n, measure_results, over_time_results
    from engine.stages.propensity import fit_propensity
    from engine.stages.support import common_support, restrict_pool

    spec = loaded.spec
    analysis = spec.analyses[number]
    treated = cohort.participants
    restricted = restrict_pool(cohort.pool, analysis.pool)
    pool, variables = common_support(treated, restricted, spec.variables_for(analysis), spec.matching)
    pool = pool.reset_index(drop=True)
    try:
        scores = fit_propensity(treated, pool, variables, spec.matching)  # logistic regression
        matched = match_scores(  # radius or nearest; exact ties broken by the records' rows in the data
            scores.treated_logit, scores.pool_logit, spec.matching, treated[REFERENCE_ROW], pool[REFERENCE_ROW]
        )
        balance = balance_table(
            treated, pool, scores.encodings, matched.control_weights, matched.treated_matched, spec.balance,
            scores.codes,
        )
        balance += additional_rows(treated, pool, matched.control_weights, matched.treated_matched,
                                   spec.balance.additional, spec.matching, spec.balance)  # shown, not matched on
        measures = measure_results(treated, pool, matched.control_weights, matched.treated_matched, spec)
        over_time = over_time_results(treated, pool, matched.control_weights, matched.treated_matched, spec)
    except AnalysisError as error:
        line, column = loaded.locate(f"analyses.{number}")
        where = f"analyses.{number} ({analysis.name})"
        raise UserError(Problem(loaded.display, line, column, where, str(error))) from None
    weights = matched.control_weights
    result = AnalysisResult(
        name=analysis.name,
        headline=analysis.headline,
        description=analysis.description,
        pool_restriction=dict(analysis.pool),
        variables=variables,
        treatment_n=int(matched.treated_matched.sum()),
        comparison_n=int(np.count_nonzero(weights > 0)),
        comparison_effective_n=effective_n(weights),
        unmatched_n=int((~matched.treated_matched).sum()),
        pool_n=len(pool),
        outside_support_n=len(restricted) - len(pool),
        caliper_logit=matched.caliper_logit,
        balance_convention=spec.balance.convention,
        balance=balance,
        measures=measures,
        over_time=over_time,
    )
    unlike = gaps(treated[matched.treated_matched], pool, weights, unmatched(pool.columns, spec, analysis))
    unlike = [gap_warning(gap, number, spec, matched=True) for gap in unlike]
    return result, treated[matched.treated_matched], unlike + poorly_balanced(balance, spec.balance.additional,
                                                                               analysis.name)


def report_files(loaded: LoadedSpec, results: Results, aside: AsideProcess | None = None,
                 docx: bool = False) -> dict[str, bytes]:
    """Every file of the report folder, in memory: nothing is written until all of them exist (report.docx
    with `docx`)."""
    if aside:
        binaries = aside.request(loaded, results, True)  # made aside from now on
    else:
        binaries = partial(binary_files, loaded, results, True)
    markdown_text = report_markdown(loaded, results)  # refuses any claim the rules forbid
    made = binaries()
    charts = {name: data for name, data in made.items() if name.startswith("charts/")}
    extra = {}
    if docx:
        from engine.render.word import render_docx  # python-docx: only when a Word copy is asked for

        extra["report.docx"] = render_docx(markdown_text, charts, loaded, results)
    return {
        **extra,
        "report.md": markdown_text.encode("utf-8"),
        "report.html": render_html(markdown_text, charts, loaded.spec.title, results.synthetic).encode("utf-8"),
        "annex.xlsx": made["annex.xlsx"],
        "results.json": results.to_json().encode("utf-8"),
        **charts,
    }
