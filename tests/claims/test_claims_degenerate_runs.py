"""The engine never refuses its own text on data where few people link (issue 7: templates never breach).

Two runs that once stopped with a refusal of a template sentence, rebuilt from the seeds' data:
- Making Connections where fewer names link (some surnames misspelt): nothing is significant (at the 1%
  level: since the n.p rule counts the people expected to re-offend, 51 x 28%, the rate, frequency and time
  are reported, and at 5% they are significant), and the summary's "more people would need to have
  completed the programme" was refused as a direction;
- London Probation Trust linked by names with half the dates of birth written day and month swapped:
  "There were no statistically significant results across any of the measures." was refused when the
  headline analysis reported no measure.
The organisation's response is left out: it comments on the seed's results, which these runs do not have.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import yaml
from typer.testing import CliRunner

from engine.claims import Licence, find_breaches
from engine.claims.licence import MeasureLicence
from engine.cli import app

ROOT = Path(__file__).resolve().parents[2]
NO_RESULTS = "There were no statistically significant results across any of the measures."


def degraded_run(tmp_path: Path, seed: str, spoil, link_on: list[str], statistics: dict | None = None) -> Path:
    """The seed spec run on its submission with every other-but-one record spoilt; the report folder."""
    spec = yaml.safe_load((ROOT / "specs" / f"{seed}.yaml").read_text(encoding="utf-8"))
    with (ROOT / "specs" / spec["data"]["submission"]).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for index, row in enumerate(rows):
        if index % 5 in (1, 3):  # two in five records
            spoil(row)
    submission = tmp_path / "submission.csv"
    with submission.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    spec["data"].update(submission=str(submission), reference=str(ROOT / "specs" / spec["data"]["reference"]),
                        link_on=link_on)
    spec["programme"].pop("response", None)
    if statistics:
        spec["statistics"] = statistics
    path = tmp_path / f"{seed}.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    out = tmp_path / "report"
    outcome = CliRunner().invoke(app, ["run", str(path), "--out", str(out), "--quiet", "--no-cache"])
    assert outcome.exit_code == 0, outcome.output
    return out


def misspelt(row: dict) -> None:
    row["surname"] += "e"


def day_month_swapped(row: dict) -> None:
    year, month, day = row["date_of_birth"].split("-")
    if int(day) <= 12:
        row["date_of_birth"] = f"{year}-{day}-{month}"


def test_making_connections_where_fewer_names_link_runs_without_a_refusal(tmp_path):
    out = degraded_run(tmp_path, "making_connections", misspelt, ["surname", "forename", "date_of_birth"],
                       {"significance_level": 0.01})
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    headline = next(a for a in results["analyses"] if a["headline"])
    assert headline["treatment_n"] < 83  # fewer linked than the seed's 83
    assert not any(m["significant"] for m in headline["measures"].values())
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "more people would need to have completed the programme" in report


def test_lpt_linked_by_names_with_swapped_birth_dates_runs_without_a_refusal(tmp_path):
    out = degraded_run(tmp_path, "lpt", day_month_swapped, ["surname", "forename", "date_of_birth"])
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert not any(m["significant"] for a in results["analyses"] for m in a["measures"].values())
    assert NO_RESULTS in (out / "report.md").read_text(encoding="utf-8")


def test_no_significant_results_is_licensed_whenever_no_reported_result_is_significant():
    """The detail section says it when nothing reported is significant, even when the headline reports nothing."""
    def licence(*states):
        measures = {m: MeasureLicence(m, s != "not_reported", s in ("decrease", "increase"),
                                      s if s != "not_reported" else "not_significant")
                    for m, s in zip(("rate", "frequency", "time_to_first_reoffence"), states)}
        return Licence({"national": measures}, "national")

    assert find_breaches(NO_RESULTS, licence("not_reported", "not_reported", "not_reported")) == []
    assert find_breaches(NO_RESULTS, licence("not_reported", "not_significant", "not_reported")) == []
    assert [b.rule for b in find_breaches(NO_RESULTS, licence("not_significant", "decrease", "not_reported"))] == [
        "wrong-significance"]
    # said of one result, it needs a result that is not significant
    one = "The difference was not statistically significant."
    assert [b.rule for b in find_breaches(one, licence("not_reported", "not_reported", "not_reported"))] == [
        "wrong-significance"]


def test_an_empty_programme_name_is_not_looked_for():
    """A name that escapes to nothing ("\\" as the organisation) was found at every position, for ever."""
    from engine.claims.blanking import blank_given

    assert blank_given("Test Trust runs it", ("", "   ", "Test Trust")) == "_" * len("Test Trust") + " runs it"


def test_a_name_reads_as_one_word():
    """The programme's name is a noun of the sentence: a universal or a direction that spans it is read across it
    (the name blanked to spaces broke every rule that reads word by word: "No woman who completed Making
    Connections has been reconvicted" passed), and what the name itself says is not read."""
    from engine.claims.blanking import blank_given

    assert blank_given("No woman who completed Making Connections was reconvicted", ("Making Connections",)) == (
        "No woman who completed __________________ was reconvicted")
    from dataclasses import replace

    named = replace(Licence.from_states({"rate": "decrease"}), names=("Making Connections",))
    assert [b.rule for b in find_breaches("No woman who completed Making Connections has been reconvicted.", named)] == [
        "no-universal"]
    assert find_breaches("Women who took part in Making Connections were less likely to re-offend than similar women "
                         "who did not.", named) == []
