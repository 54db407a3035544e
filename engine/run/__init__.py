"""The run: prepare (spec, data, link, exclusions: the first half of every run and all of `validate`),
the pipeline (statistics, disclosure, the report's text), the results cache, publishing a report
folder, batches of specs, progress lines, and the side process that draws charts and the workbook."""
