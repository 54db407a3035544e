"""The comparison pool an analysis may use: the spec's restriction, then common support.

A pool record whose category (or 0/1 value, or "not assessed") no participant shares has a
propensity of exactly zero: logistic regression can only reach it with an infinite
coefficient (perfect separation), and such a record could never be matched. Removing those
records before the model is fitted gives the same matches with a model that converges, and
lets an all-male treatment group be compared with men without a special rule.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from engine.spec.models import Matching
from engine.stages.encoding import is_categorical


def restrict_pool(pool: pd.DataFrame, restriction: dict[str, list[str | int]]) -> pd.DataFrame:
    """Keep the pool records whose values are in the analysis's `pool:` lists."""
    if not restriction:
        return pool
    keep = pd.Series(True, index=pool.index)
    for column, values in restriction.items():
        keep &= pool[column].isin(values)
    return pool[keep]


def _isin(column: pd.Series, values) -> np.ndarray:
    """column.isin(values) as a mask; a plain numpy column is compared by numpy in its own type
    (pandas hashes every value: ten times slower on millions of records)."""
    if isinstance(column.dtype, np.dtype) and column.dtype.kind in "biuf":
        return np.isin(column.to_numpy(), np.asarray(values))
    return column.isin(values).to_numpy(dtype=bool)


def _levelled(treated: pd.Series, pool: pd.Series, name: str, matching: Matching) -> bool:
    """Categories and 0/1 values are supported level by level; other numbers only by missingness."""
    if is_categorical(treated, name, matching) or is_categorical(pool, name, matching):
        return True
    return all(_isin(column, [0, 1])[column.notna().to_numpy()].all() for column in (treated, pool))  # treated first


def common_support(
    treated: pd.DataFrame, pool: pd.DataFrame, variables: list[str], matching: Matching
) -> tuple[pd.DataFrame, list[str]]:
    """Drop pool records with a level, 0/1 value or missingness that no participant has.

    Also returns the variables left to model: one the trimming made constant (sex, when every
    participant is a man) has nothing left to match on. A variable constant in all the data is
    kept, so that the propensity stage can say so.
    """
    keep = np.ones(len(pool), dtype=bool)
    model_variables = []
    for name in variables:
        t_col, p_col = treated[name], pool[name]
        missing_allowed = bool(t_col.isna().any())
        present = p_col.notna().to_numpy()
        if _levelled(t_col, p_col, name, matching):
            values = t_col.dropna().unique()
            supported = _isin(p_col, values) | (~present & missing_allowed)
            single = len(values) + missing_allowed == 1
            if single and not supported.all():
                keep &= supported
                continue
        else:
            supported = present | missing_allowed
        keep &= supported
        model_variables.append(name)
    return (pool if keep.all() else pool[keep]), model_variables  # a copy of millions of rows only when needed
