"""The comparison pool an analysis may use: the spec's restriction, then common support.

A pool record whose category (or 0/1 value, or "not assessed") no participant shares has a
propensity of exactly zero: logistic regression can only reach it with an infinite
coefficient (perfect separation), and such a record could never be matched. Removing those
records before the model is fitted gives the same matches with a model that converges, and
lets an all-male treatment group be compared with men without a special rule.
"""

from __future__ import annotations

import pandas as pd

from engine.spec.models import Matching

MISSING = "(missing)"


def is_categorical(column: pd.Series, name: str, matching: Matching) -> bool:
    """Text columns and the columns the spec names as categorical are categories."""
    return name in matching.categorical or not pd.api.types.is_numeric_dtype(column)


def restrict_pool(pool: pd.DataFrame, restriction: dict[str, list[str | int]]) -> pd.DataFrame:
    """Keep the pool records whose values are in the analysis's `pool:` lists."""
    keep = pd.Series(True, index=pool.index)
    for column, values in restriction.items():
        keep &= pool[column].isin(values)
    return pool[keep]


def _levels(column: pd.Series, categorical: bool) -> pd.Series:
    """Values compared for support: categories (missing as a level), 0/1 values, or missingness."""
    if categorical:
        return column.astype("string").fillna(MISSING)
    values = column.dropna()
    if values.isin([0, 1]).all():
        return column.astype("Float64").astype("string").fillna(MISSING)
    return column.isna().map({True: MISSING, False: "present"})


def common_support(
    treated: pd.DataFrame, pool: pd.DataFrame, variables: list[str], matching: Matching
) -> pd.DataFrame:
    """Drop pool records with a level, 0/1 value or missingness that no participant has."""
    keep = pd.Series(True, index=pool.index)
    for name in variables:
        categorical = is_categorical(pd.concat([treated[name], pool[name]]), name, matching)
        treated_levels = set(_levels(treated[name], categorical))
        keep &= _levels(pool[name], categorical).isin(treated_levels)
    return pool[keep]
