"""How each matching variable becomes columns of the propensity model (and rows of the balance table).

A number gives its own column and, when some values are missing, a missing indicator; a category
gives one column per level, one level (the reference) left out of the model. The levels come
from the data of both groups, checked for what the model cannot fit: a constant variable, a level
only one group has. Shared by the propensity model, common support and the balance table, so all
three see the same terms.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from engine.errors import AnalysisError, how_many
from engine.spec.models import Matching

MISSING = "(missing)"


@dataclass(frozen=True)
class Term:
    """One column a variable contributes: a number, a level of a category, or a missing indicator."""

    name: str  # "age", "sex: M", "need_drugs: missing"
    variable: str
    level: str | None  # the category's level; MISSING for a missing indicator; None for the number itself
    reference: bool = False  # the level left out of the model (still shown in the balance table)


@dataclass(frozen=True)
class Encoding:
    """How one variable becomes model columns; shared with the balance table so both agree."""

    variable: str
    categorical: bool
    levels: tuple[str, ...] = ()  # categorical: labels in order (MISSING last when present)
    values: tuple = ()  # categorical: the data values behind each label (NaN for MISSING)
    reference: str | None = None
    has_missing: bool = False  # numeric: gets a missing indicator
    binary: bool | None = None  # numeric: takes only 0 and 1 where recorded (None: not known; balance looks)
    # categorical: each row's level code (category_codes) among the participants and the pool it was made from
    codes: tuple[np.ndarray, np.ndarray] | None = field(default=None, compare=False, repr=False)

    def terms(self) -> list[Term]:
        if self.categorical:
            return [Term(f"{self.variable}: {lv}", self.variable, lv, lv == self.reference) for lv in self.levels]
        terms = [Term(self.variable, self.variable, None)]
        if self.has_missing:
            terms.append(Term(f"{self.variable}: missing", self.variable, MISSING))
        return terms

    def write(self, frame: pd.DataFrame, numbers: np.ndarray, flags: np.ndarray,
              codes: np.ndarray | None = None) -> np.ndarray | None:
        """Write the non-reference terms' values for the rows of `frame`: a number into the one column
        of `numbers`, its missing indicator or a category's levels into the 0/1 columns of `flags`;
        returns a category's level codes (`codes` when the encoding made them already, else
        category_codes), which the balance table reuses.

        Straight into the design, with no full-length temporary per term: at millions of rows
        each fresh array costs more in page faults than the arithmetic.
        """
        column = frame[self.variable]
        if self.categorical:
            codes = category_codes(column, self) if codes is None else codes
            j = 0
            for code, term in enumerate(self.terms()):
                if not term.reference:
                    np.equal(codes, code, out=flags[:, j], casting="unsafe")
                    j += 1
            return codes
        values = numbers[:, 0]
        raw = column.to_numpy()  # a numpy column as it is (asking for float64 with NaN copies it first)
        if raw.dtype.kind in "biuf":
            np.copyto(values, raw, casting="unsafe")
        else:
            values[:] = column.to_numpy(dtype=np.float64, na_value=np.nan)
        missing = np.isnan(values)
        values[missing] = 0.0
        if self.has_missing:
            flags[:, 0] = missing
        return None


def is_categorical(column: pd.Series, variable: str, matching: Matching) -> bool:
    dtype = column.dtype
    return (
        variable in matching.categorical
        or pd.api.types.is_string_dtype(dtype)
        or isinstance(dtype, pd.CategoricalDtype)
        or dtype == object
    )


def level_label(value) -> str:
    """Numbers used as categories print as 2, not 2.0."""
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value)


def sort_key(value):
    """Text levels sort as text, numbers used as categories sort as numbers."""
    return (0, float(value), "") if isinstance(value, (int, float, np.number)) else (1, 0.0, str(value))


def category_codes(column: pd.Series, encoding: Encoding) -> np.ndarray:
    """Position of each row's value in `encoding.levels`; missing values get the MISSING level.

    Factorising first and mapping the few distinct values is ten times faster than a
    Categorical on millions of text values.
    """
    return level_codes(*pd.factorize(column, use_na_sentinel=True), encoding.levels)


def level_codes(codes: np.ndarray, uniques, levels: tuple[str, ...]) -> np.ndarray:
    position = {label: i for i, label in enumerate(levels)}
    missing = position.get(MISSING, -1)
    lookup = np.array([position.get(level_label(u), -1) for u in uniques] + [missing], dtype=np.int64)
    return lookup[codes]  # code -1 (missing) picks the last entry


def counted(column: pd.Series) -> tuple[np.ndarray, list, dict, int]:
    """(factorised codes, distinct values, each value's count, missing count): one pass over the
    column, whose codes then also give the model's columns."""
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    counts = np.bincount(codes + 1, minlength=len(uniques) + 1)  # missing (-1) counted first
    uniques = list(uniques)
    return codes, uniques, dict(zip(uniques, counts[1:].tolist())), int(counts[0])


def encode_variable(treated: pd.DataFrame, pool: pd.DataFrame, variable: str, matching: Matching) -> Encoding:
    """Decide the terms of one variable from the data of both groups, checking what the model needs."""
    for name, frame in (("participants", treated), ("comparison pool", pool)):
        if variable not in frame.columns:
            raise AnalysisError(f"{variable}: no such column in the data of the {name}")
    t_col, p_col = treated[variable], pool[variable]
    if is_categorical(t_col, variable, matching) or is_categorical(p_col, variable, matching):
        return encode_categorical(t_col, p_col, variable, matching)
    return encode_numeric(t_col, p_col, variable)


def encode_categorical(t_col: pd.Series, p_col: pd.Series, variable: str, matching: Matching) -> Encoding:
    t_codes, t_uniques, t_counts, t_missing = counted(t_col)
    p_codes, p_uniques, p_counts, p_missing = counted(p_col)
    values = sorted(set(t_counts) | set(p_counts), key=sort_key)
    labels = [level_label(v) for v in values]
    if t_missing or p_missing:
        values.append(np.nan)
        labels.append(MISSING)
    if len(labels) < 2:
        raise AnalysisError(
            f"{variable}: every participant and pool record has the same value "
            f"({labels[0] if labels else 'missing'}), so it cannot be used for matching; remove it from the variables"
        )
    t_n = [int(t_counts.get(v, 0)) if lv != MISSING else t_missing for v, lv in zip(values, labels)]
    p_n = [int(p_counts.get(v, 0)) if lv != MISSING else p_missing for v, lv in zip(values, labels)]
    check_levels(variable, labels, t_n, p_n)
    reference = level_label(matching.reference_levels.get(variable, labels[0]))
    if reference not in labels:
        raise AnalysisError(
            f"{variable}: the reference level {reference!r} does not occur in the data (levels: {', '.join(labels)})"
        )
    codes = (level_codes(t_codes, t_uniques, tuple(labels)), level_codes(p_codes, p_uniques, tuple(labels)))
    return Encoding(variable, True, tuple(labels), tuple(values), reference, codes=codes)


def check_levels(variable: str, labels: list[str], t_n: list[int], p_n: list[int]) -> None:
    """A level that only one group has separates the groups perfectly: the model has no finite estimate."""
    for label, nt, npool in zip(labels, t_n, p_n):
        shown = "missing" if label == MISSING else repr(label)
        if nt and not npool:
            raise AnalysisError(
                f"{variable}: {how_many(nt, 'participant')} {'has' if nt == 1 else 'have'} {shown} but no pool record "
                f"does, so {'it' if nt == 1 else 'they'} cannot be matched on it; remove the variable or merge that level"
            )
        if npool and not nt:
            raise AnalysisError(
                f"{variable}: no participant has {shown} ({how_many(npool, 'pool record')} {'does' if npool == 1 else 'do'}), which separates the groups "
                "perfectly; restrict the pool (e.g. pool: {" + variable + ": [...]}) or remove the variable"
            )


def encode_numeric(t_col: pd.Series, p_col: pd.Series, variable: str) -> Encoding:
    """A number's checks, from the participants' values and the pool's range, missing count and 0/1
    test (NaN-ignoring reductions over the pool, without copying its millions of values)."""
    t = t_col.to_numpy(dtype=np.float64, na_value=np.nan)
    t_obs = t[~np.isnan(t)]
    p = p_col.to_numpy(dtype=np.float64, na_value=np.nan)
    p_missing = int(np.count_nonzero(np.isnan(p)))
    p_recorded = len(p) - p_missing
    lows = ([t_obs.min()] if len(t_obs) else []) + ([np.fmin.reduce(p)] if p_recorded else [])
    highs = ([t_obs.max()] if len(t_obs) else []) + ([np.fmax.reduce(p)] if p_recorded else [])
    if not lows or min(lows) == max(highs):
        shown = "missing" if not lows else level_label(min(lows))
        raise AnalysisError(
            f"{variable}: every participant and pool record has the same value ({shown}), "
            "so it cannot be used for matching; remove it from the variables"
        )
    t_missing = len(t) - len(t_obs)
    has_missing = bool(t_missing or p_missing)
    if has_missing:
        check_levels(variable, [MISSING, "a value"], [t_missing, len(t_obs)], [p_missing, p_recorded])
    binary = bool(min(lows) >= 0.0 and max(highs) <= 1.0 and not ((t_obs > 0.0) & (t_obs < 1.0)).any()
                  and not np.count_nonzero((p > 0.0) & (p < 1.0)))  # recorded values are all 0 or 1
    if len(t_obs) and t_obs.min() == t_obs.max() and binary:
        shown = level_label(t_obs[0])
        raise AnalysisError(
            f"{variable}: every participant has {shown}, which separates the groups perfectly; "
            "remove the variable or restrict the pool to records with that value"
        )
    return Encoding(variable, False, has_missing=has_missing, binary=binary)
