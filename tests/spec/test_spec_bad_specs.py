"""Bad specs people write, each paired with the exact message `jdlspec validate` must print.

Every case edits the valid fixture spec (tests/spec/data/valid.yaml) in one way; the expected
lines include file:line:column, so a message that points at the wrong place fails too.
"""

from __future__ import annotations

import pytest

RADIUS = "  method: radius\n"
MATCHING = "matching:\n" + RADIUS + "  caliper: 0.2\n  variables: [sex, age, region, previous_offences, need_drugs]\n"

CASES = [
    ("misspelt key", [("  caliper: 0.2", "  calipr: 0.2")],
     ["bad.yaml:19:3: matching: unknown key 'calipr'; did you mean 'caliper'?"]),
    ("misspelt nested key", [("  days_after_index", "  days_afer_index")],
     ["bad.yaml:15:3: data: unknown key 'days_afer_index'; did you mean 'days_after_index'?"]),
    ("misspelt top-level key", [("measures:", "measure:")],
     ["bad.yaml:27:1: unknown key 'measure'; did you mean 'measures'?"]),
    ("unknown key with no close match", [("  caliper: 0.2", "  xyzzy: 0.2")],
     ["bad.yaml:19:3: matching: unknown key 'xyzzy' (allowed keys: method, caliper, ratio, replace, "
      "variables, categorical, reference_levels)"]),
    ("negative caliper", [("  caliper: 0.2", "  caliper: -1")],
     ["bad.yaml:19:12: matching.caliper: must be at least 0.001 (you wrote -1)"]),
    ("text where a number goes", [("  caliper: 0.2", "  caliper: wide")],
     ["bad.yaml:19:12: matching.caliper: must be a number (you wrote 'wide')"]),
    ("empty value", [("  caliper: 0.2", "  caliper:")],
     ["bad.yaml:19:11: matching.caliper: must be a number (you wrote nothing)"]),
    ("days_after_index out of range", [("  days_after_index: 182", "  days_after_index: 400")],
     ["bad.yaml:15:21: data.days_after_index: must be at most 365 (you wrote 400)"]),
    ("negative days_before_index", [("  days_before_index: 0", "  days_before_index: -7")],
     ["bad.yaml:14:22: data.days_before_index: must be at least 0 (you wrote -7)"]),
    ("fractional whole number", [("  days_before_index: 0", "  days_before_index: 1.5")],
     ["bad.yaml:14:22: data.days_before_index: must be a whole number (you wrote 1.5)"]),
    ("unknown measure", [("[rate, frequency,", "[rate, frequncy,")],
     ["bad.yaml:27:18: measures.1: 'frequncy' is not a measure; did you mean 'frequency'? (choose from rate, "
      "frequency, time_to_first_reoffence, severity, custody, or declare it under outcome_measures)"]),
    ("unknown exclusion", [("sexual_offence]", "sexual_offences]")],
     ["bad.yaml:16:64: exclusions.3: 'sexual_offences' is not an exclusion step; did you mean 'sexual_offence'? "
      "(choose from duplicates, not_identified, no_matching_sentence, sexual_offence)"]),
    ("unknown matching method", [(RADIUS, "  method: radious\n")],
     ["bad.yaml:18:11: matching.method: 'radious' is not a matching method; did you mean 'radius'? "
      "(choose from radius, nearest)"]),
    ("missing required key", [("  name: the Test programme\n", "")],
     ["bad.yaml:2:1: programme: missing required key 'name'"]),
    ("missing required section", [(MATCHING, "")],
     ["bad.yaml:1:1: missing required key 'matching'"]),
    ("wrong spec_version", [("spec_version: 1", "spec_version: 2")],
     ["bad.yaml:1:15: spec_version: must be 1 (you wrote 2)"]),
    ("bad date in report.published", [("2013-02-01", "2013-02-31")],
     ["bad.yaml:29:14: report.published: '2013-02-31' is not a date; write it as YYYY-MM-DD"]),
    ("date in words", [("2013-02-01", "1 February 2013")],
     ["bad.yaml:29:14: report.published: '1 February 2013' is not a date; write it as YYYY-MM-DD"]),
    ("number where text goes", [("  organisation: Test Trust", "  organisation: 2013")],
     ["bad.yaml:5:17: programme.organisation: must be text (you wrote 2013); put it in quotes: '2013'"]),
    ("a number YAML reads otherwise", [("  organisation: Test Trust", "  organisation: 0755")],  # octal 493
     ["bad.yaml:5:17: programme.organisation: must be text (you wrote 0755); put it in quotes: '0755'"]),
    ("text where a list goes", [("  link_on: [offender_id]", "  link_on: offender_id")],
     ["bad.yaml:12:12: data.link_on: must be a list, e.g. [a, b] (you wrote 'offender_id')"]),
    ("list where a mapping goes", [(MATCHING, "matching: [sex, age]\n")],
     ["bad.yaml:17:11: matching: must be a mapping of keys (method, caliper, ratio, replace, variables, "
      "categorical, ...) (you wrote a list)"]),
    ("mapping where a list goes", [("measures: [rate, frequency, time_to_first_reoffence]", "measures: {rate: 1}")],
     ["bad.yaml:27:11: measures: must be a list, e.g. [a, b] (you wrote a mapping of keys and values)"]),
    ("pool value not a list", [("{region: [London, Wales]}", "{region: London}")],
     ["bad.yaml:25:20: analyses.1.pool.region: must be a list, e.g. [a, b] (you wrote 'London')"]),
    ("empty variable list", [("  variables: [sex, age, previous_offences]", "  variables: []")],
     ["bad.yaml:26:16: analyses.1.variables: must not be empty (you wrote an empty list)"]),
    ("headline not true or false", [("    headline: true", "    headline: maybe")],
     ["bad.yaml:23:15: analyses.0.headline: must be true or false (you wrote 'maybe')"]),
    ("two headline analyses", [("  - name: Regional\n", "  - name: Regional\n    headline: true\n")],
     ["bad.yaml:25:15: analyses.1.headline: only one analysis can have 'headline: true'; 'National' (line 23) "
      "already has it"]),
    ("no headline among several", [("    headline: true\n", "")],
     ["bad.yaml:21:1: analyses: mark one of the 2 analyses with 'headline: true'"]),
    ("two analyses with one name", [("  - name: Regional", "  - name: National")],
     ["bad.yaml:24:11: analyses.1.name: analysis name 'National' is used twice (first at line 22)"]),
    ("variable listed twice", [("[sex, age, region,", "[sex, age, region, age,")],
     ["bad.yaml:20:33: matching.variables.3: 'age' is listed twice"]),
    ("categorical names no matching variable",
     [("previous_offences, need_drugs]\n", "previous_offences, need_drugs]\n  categorical: [agee]\n"
       "  reference_levels: {sexx: F}\n")],
     ["bad.yaml:21:17: matching.categorical.0: 'agee' is not a matching variable; did you mean 'age'?",
      "bad.yaml:22:22: matching.reference_levels.sexx: 'sexx' is not a matching variable; did you mean 'sex'?"]),
    ("balance thresholds out of order", [("report:\n", "balance: {well_matched_below: 20}\nreport:\n")],
     ["bad.yaml:28:10: balance.poorly_matched_above: poorly_matched_above must not be below well_matched_below"]),
    ("duplicate key", [("  caliper: 0.2\n", "  caliper: 0.2\n  caliper: 0.3\n")],
     ["bad.yaml:20:3: matching.caliper: duplicate key 'caliper' (first at line 19)"]),
    ("tab indentation", [(RADIUS, "\tmethod: radius\n"), ("  caliper: 0.2", " \tcaliper: 0.2")],
     ["bad.yaml:18:1: tab character in indentation; use spaces",
      "bad.yaml:19:2: tab character in indentation; use spaces"]),
    ("merge conflict markers",
     [(RADIUS, "<<<<<<< HEAD\n  method: radius\n=======\n  method: nearest\n>>>>>>> theirs\n")],
     ["bad.yaml:18:1: merge conflict marker: resolve the conflict in git first",
      "bad.yaml:20:1: merge conflict marker: resolve the conflict in git first",
      "bad.yaml:22:1: merge conflict marker: resolve the conflict in git first"]),
    ("colon missing after a key", [(RADIUS, "  method radius\n")],
     ["bad.yaml:19:10: YAML syntax error: a ':' where YAML did not expect one; check the line above for a key "
      "without its ':', and put text that contains ': ' in quotes"]),
    ("unquoted colon in text", [("  name: the Test programme", "  name: the Test: programme")],
     ["bad.yaml:3:17: YAML syntax error: a ':' where YAML did not expect one; check the line above for a key "
      "without its ':', and put text that contains ': ' in quotes"]),
    ("unclosed bracket", [("[sex, age, previous_offences]", "[sex, age, previous_offences")],
     ["bad.yaml:27:9: YAML syntax error: a list opened with '[' at line 26 is not closed with ']'"]),
    ("unclosed brace", [("{region: [London, Wales]}", "{region: [London, Wales]")],
     ["bad.yaml:26:5: YAML syntax error: a mapping opened with '{' at line 25 is not closed with '}'"]),
    ("several mistakes at once",
     [("  caliper: 0.2", "  caliper: -1"), ("  organisation: Test Trust\n", ""), ("[rate,", "[rates,"),
      ("  days_after_index", "  days_after")],
     ["bad.yaml:2:1: programme: missing required key 'organisation'",
      "bad.yaml:14:3: data: unknown key 'days_after'; did you mean 'days_after_index'?",
      "bad.yaml:18:12: matching.caliper: must be at least 0.001 (you wrote -1)",
      "bad.yaml:26:12: measures.0: 'rates' is not a measure; did you mean 'rate'? (choose from rate, frequency, "
      "time_to_first_reoffence, severity, custody, or declare it under outcome_measures)"]),
]


@pytest.mark.parametrize("edits, expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_spec_message(work, edits, expected):
    work.write_spec(*edits)
    assert work.errors() == expected


WHOLE_FILE = [
    ("empty file", "", ["bad.yaml:1:1: the file is empty; a spec starts with 'spec_version: 1'"]),
    ("only comments", "# to do\n", ["bad.yaml:1:1: the file is empty; a spec starts with 'spec_version: 1'"]),
    ("a list at the top", "- spec_version: 1\n",
     ["bad.yaml:1:1: the spec must be a mapping of keys (spec_version, programme, data, matching, analyses, ...), "
      "not a list"]),
    ("two documents", "spec_version: 1\n---\nspec_version: 1\n",
     ["bad.yaml:2:1: YAML syntax error: the file holds more than one YAML document; remove the '---' line"]),
]


@pytest.mark.parametrize("text, expected", [c[1:] for c in WHOLE_FILE], ids=[c[0] for c in WHOLE_FILE])
def test_bad_whole_file(work, text, expected):
    work.write_spec(text=text)
    assert work.errors() == expected


def test_spec_file_not_found(work):
    assert work.errors("nothere.yaml") == ["nothere.yaml: spec file not found"]


def test_every_spec_is_checked_and_good_ones_say_ok(work):
    (work.root / "good.yaml").write_text(work.spec, encoding="utf-8")
    work.write_spec(("  caliper: 0.2", "  caliper: 0"))
    result = work.validate("good.yaml", "bad.yaml")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[:2] == ["good.yaml: ok", "  people: 8 → 8 → 8 → 8 → 6"]
    assert result.stderr == (
        "bad.yaml:19:12: matching.caliper: must be at least 0.001 (you wrote 0)\n1 problem found.\n"
    )


def test_yes_and_no_stay_text(work):
    """YAML 1.1 would read the region NO (or Norway's code) as false; specs use YAML 1.2 booleans."""
    from engine.spec.loader import load_spec

    work.write_spec(("{region: [London, Wales]}", "{region: [London, NO, yes]}"))
    loaded = load_spec("bad.yaml")
    assert loaded.spec.analyses[1].pool == {"region": ["London", "NO", "yes"]}


def test_real_command_prints_no_traceback(work):
    """`python -m engine validate` as a person runs it: one line per problem, exit status 1."""
    import subprocess
    import sys

    work.write_spec(("  caliper: 0.2", "  calipr: 0.2"), ("[rate,", "[rat,"))
    done = subprocess.run([sys.executable, "-m", "engine", "validate", "bad.yaml"], capture_output=True, text=True)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.splitlines() == [
        "bad.yaml:19:3: matching: unknown key 'calipr'; did you mean 'caliper'?",
        "bad.yaml:27:12: measures.0: 'rat' is not a measure; did you mean 'rate'? (choose from rate, frequency, "
        "time_to_first_reoffence, severity, custody, or declare it under outcome_measures)",
        "2 problems found.",
    ]
