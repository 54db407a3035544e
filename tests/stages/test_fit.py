"""A comparison group that fits: a cohort that is all custodial, matched on `jdlspec new`'s variables, is
compared with custodial sentences; matched on fewer, validate and run say which key to add."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from engine.cli import app
from engine.commands.new import TEMPLATE
from engine.spec.models import Balance, Matching, Spec
from engine.stages.fit import Gap, additional_rows, gap_warning, gaps, unmatched

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_VARIABLES = yaml.safe_load(TEMPLATE.read_text(encoding="utf-8"))["matching"]["variables"]
FEW = ["sex", "age", "ethnicity", "previous_offences", "copas_rate"]  # no sentence type


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("fit")
    shutil.copytree(ROOT / "specs" / "data", root / "data")
    return root


def custodial_spec(folder: Path, variables: list[str], name: str) -> Path:
    """Making Connections (every woman left HMP Send) with one analysis matched on `variables`."""
    spec = yaml.safe_load((ROOT / "specs" / "making_connections.yaml").read_text(encoding="utf-8"))
    spec["matching"]["variables"] = variables
    spec["analyses"] = [{"name": "National", "headline": True}]
    spec["balance"] = {"additional": ["disposal"]}
    spec["small_groups"] = {}
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return path


def test_the_new_template_matches_on_sentence_type():
    assert "disposal" in TEMPLATE_VARIABLES


def test_all_custodial_matched_on_the_template_variables_is_compared_with_custodial_sentences(folder):
    spec = custodial_spec(folder, TEMPLATE_VARIABLES, "template")
    result = CliRunner().invoke(app, ["run", str(spec), "--out", str(folder / "template-out"), "-q"])
    assert result.exit_code == 0, result.output
    results = json.loads((folder / "template-out" / "results.json").read_text())
    [custody] = [row for row in results["analyses"][0]["balance"]
                 if row["variable"] == "disposal" and row["level"] == "custody"]
    assert custody["treatment_mean"] == 1.0 and custody["comparison_mean"] == 1.0
    assert not [w for w in results["warnings"] if "disposal" in w]


def test_matched_on_fewer_variables_validate_and_run_name_the_key_to_add(folder):
    spec = custodial_spec(folder, FEW, "few")
    validated = CliRunner().invoke(app, ["validate", str(spec)])
    assert validated.exit_code == 0, validated.output
    [before] = [line for line in validated.stdout.splitlines() if "disposal custody" in line]
    assert re.fullmatch(r"  warning: analysis National: 100% of participants have disposal custody, but only \d+% "
                        r"of its comparison pool \(before matching\), and the analysis does not match on disposal; "
                        r"add disposal to matching\.variables, or restrict the pool with analyses\.0\.pool: "
                        r"\{disposal: \[custody\]\}", before)
    ran = CliRunner().invoke(app, ["run", str(spec), "--out", str(folder / "few-out"), "-q"])
    assert ran.exit_code == 0, ran.output
    results = json.loads((folder / "few-out" / "results.json").read_text())
    [after] = [w for w in results["warnings"] if "disposal custody" in w]
    share = int(re.search(r"only (\d+)% of the matched comparison group", after).group(1))
    assert share < 95 and "add disposal to matching.variables" in after
    assert "shown but not matched on (balance.additional), is poorly balanced" in " ".join(results["warnings"])
    report = (folder / "few-out" / "report.md").read_text(encoding="utf-8")
    assert "Compared but not used for matching: sentence type (poorly matched)." in report


def test_gaps_weigh_the_comparison_group_and_skip_what_is_matched_or_restricted():
    treated = pd.DataFrame({"sex": ["F"] * 20, "disposal": ["custody"] * 19 + ["community"], "age": range(20)})
    group = pd.DataFrame({"sex": ["F", "M"] * 5, "disposal": ["custody", "community"] * 5, "age": range(10)})
    weights = np.array([1.0, 0.0] * 5)  # all the weight on custodial women
    assert gaps(treated, group, weights, ["sex", "disposal"]) == []
    found = gaps(treated, group, None, ["sex", "disposal"])
    assert [(g.variable, g.value, g.treated_share, g.comparison_share) for g in found] == [
        ("sex", "F", 1.0, 0.5), ("disposal", "custody", 0.95, 0.5)]
    lpt = Spec.model_validate(yaml.safe_load((ROOT / "specs" / "lpt.yaml").read_text(encoding="utf-8")))
    assert unmatched(["region", "disposal", "sex", "offender_id", "reoffended"], lpt, lpt.analyses[0]) == ["disposal"]


def test_a_characteristic_shown_but_not_matched_on_may_have_a_level_only_the_pool_has():
    treated = pd.DataFrame({"disposal": ["custody"] * 4})
    pool = pd.DataFrame({"disposal": ["custody", "community", "custody", "community"]})
    rows = additional_rows(treated, pool, np.array([1.0, 1.0, 1.0, 1.0]), np.ones(4, dtype=bool), ["disposal"],
                           Matching(variables=["age"]), Balance())
    assert [(r.level, r.treatment_mean, r.comparison_mean, r.quality) for r in rows] == [
        ("community", 0.0, 0.5, "poorly"), ("custody", 1.0, 0.5, "poorly")]



def test_an_analysis_with_a_pool_is_told_to_add_to_it_not_to_replace_it():
    lpt = Spec.model_validate(yaml.safe_load((ROOT / "specs" / "lpt.yaml").read_text(encoding="utf-8")))
    gap = Gap("disposal", "custody", 1.0, 0.34)
    assert gap_warning(gap, 0, lpt, True).endswith(
        "add disposal to matching.variables, or restrict the pool with analyses.0.pool: {disposal: [custody]}")
    assert gap_warning(gap, 1, lpt, True).endswith(  # Regional: pool {region: [London]} is kept
        "add disposal to matching.variables, or add disposal: [custody] to analyses.1.pool")
