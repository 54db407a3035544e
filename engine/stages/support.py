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

def is_categorical(column: pd.Series, name: str, matching: Matching) -> bool:
    """Text columns and the columns the spec names as categorical are categories."""
    return name in matching.categorical or not pd.api.types.is_numeric_dtype(column)


def restrict_pool(pool: pd.DataFrame, restriction: dict[str, list[str | int]]) -> pd.DataFrame:
    """Keep the pool records whose values are in the analysis's `pool:` lists."""
    keep = pd.Series(True, index=pool.index)
    for column, values in restriction.items():
        keep &= pool[column].isin(values)
    return pool[keep]


def _supported(treated: pd.Series, pool: pd.Series, categorical: bool) -> pd.Series:
    """Pool rows whose value a participant shares: same category or 0/1 value; missing when some participant is."""
    missing_allowed = bool(treated.isna().any())
    values = treated.dropna().unique()
    if categorical or (pool.dropna().isin([0, 1]).all() and pd.Series(values).isin([0, 1]).all()):
        return pool.isin(values) | (pool.isna() & missing_allowed)
    return pool.notna() | missing_allowed


def common_support(
    treated: pd.DataFrame, pool: pd.DataFrame, variables: list[str], matching: Matching
) -> pd.DataFrame:
    """Drop pool records with a level, 0/1 value or missingness that no participant has."""
    keep = pd.Series(True, index=pool.index)
    for name in variables:
        categorical = is_categorical(pool[name], name, matching)
        keep &= _supported(treated[name], pool[name], categorical)
    return pool[keep]
