"""Propensity model (DESIGN §1.3): logistic regression of participation on the matching variables.

The design matrix is built straight into one float64 array (no formula layer) and the model is
fitted by Newton-Raphson in numpy, a chunk of rows at a time, because the pool can hold millions
of records: statsmodels would copy the design several times. At convergence the estimates are
the maximum-likelihood ones, so the logit scores equal R's glm (checked against MatchIt).
Problems the model cannot get past (a constant variable, a level only one group has, perfect
separation, collinearity, no convergence) raise AnalysisError naming the variable.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import nullcontext
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import expit

from engine.errors import AnalysisError
from engine.spec.models import Matching

try:  # BLAS threads spin between the many small products of a Newton pass; one thread is faster
    from threadpoolctl import threadpool_limits
except ImportError:  # pragma: no cover - only speed depends on it
    threadpool_limits = None

MISSING = "(missing)"
CHUNK = 1 << 14  # rows per block: small temporaries, reused, for each pass over the design
MAX_ITERATIONS = 50
TOLERANCE = 1e-12  # relative change of the deviance at which Newton stops
SAMPLE_ROWS = 1 << 17  # pool rows in the warm-start sample (used when the pool is 4x larger)
REUSE_HESSIAN_BELOW = 1e-3  # largest (standardised) step under which the last Hessian is kept
SEPARATED = 36.0  # |logit| beyond which a probability is numerically 0 or 1 (R's glm warns there too)


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

    def terms(self) -> list[Term]:
        if self.categorical:
            return [Term(f"{self.variable}: {lv}", self.variable, lv, lv == self.reference) for lv in self.levels]
        terms = [Term(self.variable, self.variable, None)]
        if self.has_missing:
            terms.append(Term(f"{self.variable}: missing", self.variable, MISSING))
        return terms

    def write(self, frame: pd.DataFrame, target: np.ndarray) -> None:
        """Write the non-reference terms' values into the columns of `target` (rows of `frame`).

        Straight into the design, with no full-length temporary per term: at millions of rows
        each fresh array costs more in page faults than the arithmetic.
        """
        column = frame[self.variable]
        if self.categorical:
            codes = category_codes(column, self)
            j = 0
            for code, term in enumerate(self.terms()):
                if not term.reference:
                    np.equal(codes, code, out=target[:, j], casting="unsafe")
                    j += 1
            return
        values = target[:, 0]
        values[:] = column.to_numpy(dtype=np.float64, na_value=np.nan)
        missing = np.isnan(values)
        values[missing] = 0.0
        if self.has_missing:
            target[:, 1] = missing


@dataclass(frozen=True)
class PropensityScores:
    treated_logit: np.ndarray  # linear predictor per participant
    pool_logit: np.ndarray  # linear predictor per pool record
    terms: list[str]  # model terms, "(intercept)" first
    coefficients: np.ndarray  # on the variables' own scale, in `terms` order
    iterations: int
    encodings: list[Encoding]


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
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    position = {label: i for i, label in enumerate(encoding.levels)}
    missing = position.get(MISSING, -1)
    lookup = np.array([position.get(level_label(u), -1) for u in uniques] + [missing], dtype=np.int64)
    return lookup[codes]  # code -1 (missing) picks the last entry


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
    t_counts = t_col.value_counts(dropna=True)
    p_counts = p_col.value_counts(dropna=True)
    values = sorted(set(t_counts.index) | set(p_counts.index), key=sort_key)
    labels = [level_label(v) for v in values]
    t_missing, p_missing = int(t_col.isna().sum()), int(p_col.isna().sum())
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
    return Encoding(variable, True, tuple(labels), tuple(values), reference)


def check_levels(variable: str, labels: list[str], t_n: list[int], p_n: list[int]) -> None:
    """A level that only one group has separates the groups perfectly: the model has no finite estimate."""
    for label, nt, npool in zip(labels, t_n, p_n):
        shown = "missing" if label == MISSING else repr(label)
        if nt and not npool:
            raise AnalysisError(
                f"{variable}: {nt} participant(s) have {shown} but no pool record does, so they cannot be "
                "matched on it; remove the variable or merge that level"
            )
        if npool and not nt:
            raise AnalysisError(
                f"{variable}: no participant has {shown} ({npool} pool records do), which separates the groups "
                "perfectly; restrict the pool (e.g. pool: {" + variable + ": [...]}) or remove the variable"
            )


def encode_numeric(t_col: pd.Series, p_col: pd.Series, variable: str) -> Encoding:
    t = t_col.to_numpy(dtype=np.float64, na_value=np.nan)
    p = p_col.to_numpy(dtype=np.float64, na_value=np.nan)
    t_obs, p_obs = t[~np.isnan(t)], p[~np.isnan(p)]
    observed = np.concatenate([t_obs, p_obs])
    if observed.size == 0 or observed.min() == observed.max():
        shown = "missing" if observed.size == 0 else level_label(observed[0])
        raise AnalysisError(
            f"{variable}: every participant and pool record has the same value ({shown}), "
            "so it cannot be used for matching; remove it from the variables"
        )
    t_missing, p_missing = len(t) - len(t_obs), len(p) - len(p_obs)
    has_missing = bool(t_missing or p_missing)
    if has_missing:
        check_levels(variable, [MISSING, "a value"], [t_missing, len(t_obs)], [p_missing, len(p_obs)])
    if len(t_obs) and t_obs.min() == t_obs.max() and np.isin(observed, [0.0, 1.0]).all():
        shown = level_label(t_obs[0])
        raise AnalysisError(
            f"{variable}: every participant has {shown}, which separates the groups perfectly; "
            "remove the variable or restrict the pool to records with that value"
        )
    return Encoding(variable, False, has_missing=has_missing)


def fill_design(frames: list[pd.DataFrame], encodings: list[Encoding]) -> tuple[np.ndarray, list[Term]]:
    """Rows of all frames stacked, an intercept then every non-reference term, standardised numbers.

    Numbers are centred and scaled (undone on the coefficients) so Newton's steps are well
    conditioned; this does not change the fitted scores.
    """
    terms = [t for e in encodings for t in e.terms() if not t.reference]
    n = sum(len(f) for f in frames)
    design = np.empty((n, len(terms) + 1), dtype=np.float64, order="F")  # columns written whole
    design[:, 0] = 1.0
    start = 0
    for frame in frames:
        stop = start + len(frame)
        j = 1
        for encoding in encodings:
            width = sum(not t.reference for t in encoding.terms())
            encoding.write(frame, design[start:stop, j : j + width])
            j += width
        start = stop
    return design, terms


def standardise(design: np.ndarray, terms: list[Term]) -> tuple[np.ndarray, np.ndarray]:
    """Centre and scale the numeric columns in place; returns (centre, scale) per column."""
    centre = np.zeros(design.shape[1])
    scale = np.ones(design.shape[1])
    for j, term in enumerate(terms, start=1):
        if term.level is None:
            centre[j] = design[:, j].mean()
            scale[j] = design[:, j].std() or 1.0
            design[:, j] -= centre[j]
            design[:, j] /= scale[j]
    return centre, scale


def chunks(n: int) -> Iterator[slice]:
    for start in range(0, n, CHUNK):
        yield slice(start, min(n, start + CHUNK))


def check_collinearity(products: np.ndarray, terms: list[Term]) -> None:
    """Name the first term the earlier ones determine exactly (its column adds nothing to the model).

    `products` is X'WX with equal weights (Newton's first Hessian), so its null space is X's.
    """
    kept: list[int] = []
    for j in range(products.shape[1]):
        if kept:
            g = products[np.ix_(kept, kept)]
            b = products[kept, j]
            residual = products[j, j] - b @ np.linalg.solve(g, b)
        else:
            residual = products[j, j]
        if residual <= 1e-10 * max(products[j, j], 1e-300):
            term = terms[j - 1]
            raise AnalysisError(
                f"{term.variable}: {term.name!r} is fully determined by the other matching variables "
                "(collinear), so the model cannot estimate it; remove one of them"
            )
        kept.append(j)


def chunk_deviance(eta: np.ndarray, y: np.ndarray, w: np.ndarray | None) -> float:
    """-2 log-likelihood of some rows: 2 Σ w (log(1 + e^eta) - y·eta), without overflow."""
    terms = np.logaddexp(0.0, eta) - y * eta
    return 2.0 * float(terms.sum() if w is None else np.dot(w, terms))


def predict(design: np.ndarray, y: np.ndarray, w: np.ndarray | None, beta: np.ndarray, out: np.ndarray) -> float:
    """Linear predictor into `out`, a block at a time; returns the deviance."""
    total = 0.0
    for rows in chunks(len(design)):
        np.dot(design[rows], beta, out=out[rows])
        total += chunk_deviance(out[rows], y[rows], None if w is None else w[rows])
    return total


def derivatives(design: np.ndarray, y: np.ndarray, w: np.ndarray | None, eta: np.ndarray, buffer: np.ndarray | None):
    """Gradient X'W(y - p), and when a buffer is given the Hessian X'WVX, in one pass of blocks.

    The Hessian is the scaled block times itself (a symmetric product for BLAS), built in the
    reused buffer; a float32 buffer halves the cost, and Newton still converges to the exact
    estimates because the gradient is always float64.
    """
    k = design.shape[1]
    gradient = np.zeros(k)
    hessian = np.zeros((k, k)) if buffer is not None else None
    for rows in chunks(len(design)):
        block = design[rows]
        p = expit(eta[rows])
        v = p * (1.0 - p)
        residual = y[rows] - p
        if w is not None:
            residual *= w[rows]
            v *= w[rows]
        gradient += block.T @ residual
        if buffer is not None:
            scaled = buffer[: len(p)]
            np.multiply(block, np.sqrt(v)[:, None], out=scaled, casting="unsafe")
            hessian += scaled.T @ scaled
    return gradient, hessian


def newton(
    design: np.ndarray, y: np.ndarray, terms: list[Term], start: np.ndarray | None = None,
    w: np.ndarray | None = None, ridge: float = 0.0, limit: int = MAX_ITERATIONS,
) -> tuple[np.ndarray, np.ndarray, int]:
    """Maximum likelihood by Newton-Raphson with step halving; returns (beta, linear predictor, iterations).

    The Hessian pass, the costly one, is made in float64 once (it also checks collinearity),
    then in float32 while the steps are large, and kept once they are small: near the optimum
    it barely changes. Nothing of the design's size is copied. `w`, `ridge` and `limit` serve
    the warm start on a sample.
    """
    n, k = design.shape
    if start is None:
        beta = np.zeros(k)
        mean = np.average(y, weights=w)
        beta[0] = np.log(mean / (1 - mean))
    else:
        beta = start.copy()
    eta, new_eta = np.empty(n), np.empty(n)
    current = predict(design, y, w, beta, eta)
    buffer64 = np.empty((min(CHUNK, n), k))
    buffer32 = np.empty((min(CHUNK, n), k), dtype=np.float32)
    step = np.full(k, np.inf)
    hessian = None
    penalty = ridge * np.eye(k)
    penalty[0, 0] = 0.0
    for iteration in range(1, limit + 1):
        refresh = iteration == 1 or np.abs(step).max() > REUSE_HESSIAN_BELOW
        buffer = (buffer64 if iteration == 1 else buffer32) if refresh else None
        gradient, new_hessian = derivatives(design, y, w, eta, buffer)
        if refresh:
            hessian = new_hessian
        if iteration == 1 and not ridge:
            check_collinearity(hessian, terms)
        try:
            step = np.linalg.solve(hessian + penalty, gradient - penalty @ beta)
        except np.linalg.LinAlgError:
            raise not_converged(terms, beta) from None
        for _halving in range(31):
            new_beta = beta + step
            new_deviance = predict(design, y, w, new_beta, new_eta)
            if new_deviance <= current * (1 + 1e-12):
                break
            step /= 2
        change = abs(current - new_deviance) / (abs(new_deviance) + 0.1)
        beta, current = new_beta, new_deviance
        eta, new_eta = new_eta, eta
        if change < TOLERANCE or np.abs(step).max() < 1e-10:
            return beta, eta, iteration
    if ridge:
        return beta, eta, limit
    raise not_converged(terms, beta)


def warm_start(design: np.ndarray, y: np.ndarray, n_treated: int, terms: list[Term]) -> np.ndarray | None:
    """Starting values from every participant and an evenly spaced sample of a large pool.

    The sample's pool rows weigh pool/sample so the fit estimates the full one; a small ridge
    keeps it finite when a rare level is missing from the sample. Newton on all rows then needs
    a few steps instead of seven: the answer is still the full data's maximum likelihood.
    """
    n_pool = len(design) - n_treated
    if n_pool <= 4 * SAMPLE_ROWS:
        return None
    every = n_pool // SAMPLE_ROWS
    picked = design[n_treated::every]  # a strided view: copied column by column, not row by row
    sample = np.empty((n_treated + len(picked), design.shape[1]), order="F")
    sample[:n_treated] = design[:n_treated]
    sample[n_treated:] = picked
    w = np.ones(len(sample))
    w[n_treated:] = n_pool / len(picked)
    try:
        beta, _, _ = newton(sample, np.r_[y[:n_treated], y[n_treated::every]], terms, w=w,
                            ridge=1e-6 * len(sample), limit=12)
    except AnalysisError:
        return None
    return beta if np.isfinite(beta).all() else None


def not_converged(terms: list[Term], beta: np.ndarray) -> AnalysisError:
    """The term with the largest (standardised) coefficient is the likely cause: name it."""
    j = int(np.argmax(np.abs(beta[1:]))) if len(beta) > 1 else 0
    term = terms[j]
    return AnalysisError(
        f"{term.variable}: the propensity model does not converge, most likely because {term.name!r} "
        "separates participants from the pool perfectly; remove the variable or restrict the pool"
    )


def fit_propensity(treated: pd.DataFrame, pool: pd.DataFrame, variables: list[str], matching: Matching) -> PropensityScores:
    """Fit participation ~ variables; return each row's logit score (the linear predictor)."""
    if len(treated) == 0 or len(pool) == 0:
        raise AnalysisError("the propensity model needs at least one participant and one pool record")
    encodings = [encode_variable(treated, pool, v, matching) for v in variables]
    design, terms = fill_design([treated, pool], encodings)
    centre, scale = standardise(design, terms)
    y = np.zeros(len(design))
    y[: len(treated)] = 1.0
    with threadpool_limits(limits=1, user_api="blas") if threadpool_limits else nullcontext():
        beta, logit, iterations = newton(design, y, terms, start=warm_start(design, y, len(treated), terms))
    del design
    if np.abs(logit).max() > SEPARATED:
        raise not_converged(terms, beta)
    coefficients = beta / scale
    coefficients[0] = beta[0] - np.sum(beta[1:] * centre[1:] / scale[1:])
    return PropensityScores(
        treated_logit=logit[: len(treated)],
        pool_logit=logit[len(treated) :],
        terms=["(intercept)"] + [t.name for t in terms],
        coefficients=coefficients,
        iterations=iterations,
        encodings=encodings,
    )
