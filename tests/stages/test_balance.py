"""Balance table: hand-calculated standardised differences, every level, missing indicators, verdicts."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from engine.spec.models import Balance, Matching
from engine.stages.balance import balance_table, quality
from engine.stages.propensity import encode_variable

TREATED = pd.DataFrame({
    "age": [1.0, 2.0, 3.0],
    "sex": pd.array(["M", "M", "F"], dtype="string"),
    "need_drugs": [1.0, np.nan, 0.0],
})
POOL = pd.DataFrame({
    "age": [2.0, 4.0, 6.0, 8.0],
    "sex": pd.array(["M", "F", "F", "M"], dtype="string"),
    "need_drugs": [1.0, 0.0, np.nan, 1.0],
})
VARIABLES = ["age", "sex", "need_drugs"]
MATCHING = Matching(variables=VARIABLES)


def encodings(treated, variables):
    return [encode_variable(treated, POOL, v, MATCHING) for v in variables]


def table(weights=(1.0, 1.0, 0.0, 1.0), matched=(True, True, True)):
    rows = balance_table(TREATED, POOL, encodings(TREATED, VARIABLES), np.array(weights), np.array(matched), Balance())
    return {(r.variable, r.level): r for r in rows}


def test_rows_for_every_level_and_missing_indicator():
    assert list(table()) == [
        ("age", None), ("sex", "F"), ("sex", "M"), ("need_drugs", None), ("need_drugs", "(missing)"),
    ]


def test_numeric_by_hand():
    row = table()[("age", None)]
    # treated 1,2,3: mean 2, variance 1. Comparison weights 1,1,0,1 on 2,4,6,8: mean 14/3,
    # sum w(x-m)^2 = (8/3)^2 + (2/3)^2 + (10/3)^2 = 56/3, over 3 - 3/3 = 2: variance 28/3
    assert row.treatment_mean == 2.0
    assert row.comparison_mean == pytest.approx(14 / 3)
    assert row.smd_percent == pytest.approx(100 * (2 - 14 / 3) / math.sqrt((1 + 28 / 3) / 2))
    assert row.quality == "poorly"
    # before: whole pool unweighted, mean 5, variance 20/3
    assert row.comparison_mean_before == 5.0
    assert row.smd_percent_before == pytest.approx(100 * (2 - 5) / math.sqrt((1 + 20 / 3) / 2))


def test_levels_and_missing_by_hand():
    rows = table()
    # sex F: treated 0,0,1 (mean 1/3, var 1/3); comparison F = 0,1,_,0 with weights 1,1,1: mean 1/3
    assert rows[("sex", "F")].treatment_mean == pytest.approx(1 / 3)
    assert rows[("sex", "F")].comparison_mean == pytest.approx(1 / 3)
    assert rows[("sex", "F")].smd_percent == 0.0
    assert rows[("sex", "F")].quality == "well"
    # need_drugs among the assessed only: treated 1,0 (mean 0.5, var 0.5); comparison 1,0,1 weights 1,1,1
    need = rows[("need_drugs", None)]
    assert need.treatment_mean == 0.5
    assert need.comparison_mean == pytest.approx(2 / 3)
    assert need.smd_percent == pytest.approx(100 * (0.5 - 2 / 3) / math.sqrt((0.5 + 1 / 3) / 2))
    # missing indicator: treated 0,1,0; comparison 0,0,(1 with weight 0),0
    missing = rows[("need_drugs", "(missing)")]
    assert missing.treatment_mean == pytest.approx(1 / 3)
    assert missing.comparison_mean == 0.0
    assert missing.comparison_mean_before == 0.25


def test_unmatched_participants_leave_the_after_columns():
    row = table(matched=(False, True, True))[("age", None)]
    assert row.treatment_mean == 2.5


def test_constant_groups_fall_back_to_the_spread_before_matching():
    rows = table(weights=(1.0, 0.0, 0.0, 0.0), matched=(False, True, False))
    age = rows[("age", None)]
    # after: treated {2} against comparison {2}: no difference at all
    assert age.smd_percent == 0.0
    sex = rows[("sex", "F")]
    # after: treated M (0) against comparison M (0)
    assert sex.smd_percent == 0.0


@pytest.mark.parametrize(
    "smd, verdict", [(0.0, "well"), (-4.99, "well"), (5.0, "reasonably"), (10.0, "reasonably"), (-10.01, "poorly")]
)
def test_verdicts(smd, verdict):
    assert quality(smd, Balance()) == verdict
    assert quality(smd, Balance(well_matched_below=11, poorly_matched_above=20)) == "well"


def test_differing_constant_groups_use_the_spread_before_matching():
    rows = table(weights=(0.0, 1.0, 0.0, 0.0), matched=(True, True, False))
    # after: treated M, M (F = 0) against one comparison F (F = 1); both constant.
    # Before: treated F 0,0,1 and pool F 0,1,1,0 both have variance 1/3.
    assert rows[("sex", "F")].smd_percent == pytest.approx(-100 / math.sqrt(1 / 3))


def test_number_recorded_for_no_matched_participant_has_no_row():
    treated = TREATED.assign(need_drugs=[np.nan, 1.0, 0.0])
    rows = balance_table(treated, POOL, encodings(treated, ["need_drugs"]), np.ones(4), np.array([True, False, False]),
                         Balance())
    assert [(r.variable, r.level) for r in rows] == [("need_drugs", "(missing)")]
    assert rows[0].treatment_mean == 1.0


def test_both_conventions_by_hand():
    """Weights (1, 1, 0, 1): comparison age 14/3, sex M 2/3; treated age SD 1 (ddof 1), M 2/3."""
    pooled = table()
    rows = balance_table(TREATED, POOL, encodings(TREATED, VARIABLES), np.array([1.0, 1.0, 0.0, 1.0]),
                         np.ones(3, bool), Balance(convention="treated"))
    treated = {(r.variable, r.level): r for r in rows}
    age = treated[("age", None)]
    assert age.smd_percent_treated == pytest.approx(100 * (2 - 14 / 3) / 1.0)
    assert age.smd_percent == age.smd_percent_treated and not age.binary
    assert age.smd_percent_pooled == pytest.approx(pooled[("age", None)].smd_percent)
    sex = treated[("sex", "M")]
    assert sex.binary and sex.smd_percent_treated == pytest.approx(100 * (2 / 3 - 2 / 3)) == 0
    drugs = treated[("need_drugs", None)]  # a number that is only 0 or 1: a raw difference in points
    assert drugs.binary and drugs.smd_percent_treated == pytest.approx(100 * (1 / 2 - 2 / 3))  # recorded rows only
    missing = treated[("need_drugs", "(missing)")]
    assert missing.binary and missing.smd_percent_treated == pytest.approx(100 * (1 / 3 - 0))
    assert treated[("age", None)].quality == quality(age.smd_percent_treated, Balance())
    assert pooled[("age", None)].smd_percent_treated == age.smd_percent_treated  # both kept either way
