"""Propensity model (docs/architecture.md §1.3): logistic regression of participation on the matching variables.

The design matrix is built straight into two arrays, numbers in float64 and 0/1 terms in uint8
(no formula layer; encoding.py says which columns each variable gives) and fitted by Newton-Raphson in numpy (logit.py), because the
pool can hold millions of records: statsmodels would copy the design several times. At
convergence the estimates are the maximum-likelihood ones, so the logit scores equal R's glm
(checked against MatchIt). Problems the model cannot get past (a constant variable, a level only
one group has, perfect separation, collinearity, no convergence) raise AnalysisError naming the
variable.
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from engine.errors import AnalysisError
from engine.spec.models import Matching
from engine.stages.encoding import MISSING, Encoding, Term, category_codes, encode_variable, is_categorical
from engine.stages.logit import Design, Fit, check_collinearity, newton, not_converged

try:  # BLAS threads spin between the many small products of a Newton pass; one thread is faster
    from threadpoolctl import threadpool_limits
except ImportError:  # pragma: no cover - only speed depends on it
    threadpool_limits = None

__all__ = ["MISSING", "Encoding", "PropensityScores", "Term", "category_codes", "encode_variable", "fit_propensity",
           "is_categorical"]
SAMPLE_ROWS = 1 << 16  # pool rows in the warm-start sample (used when the pool is 4x larger)
SEPARATED = 36.0  # |logit| beyond which a probability is numerically 0 or 1 (R's glm warns there too)


@dataclass(frozen=True)
class PropensityScores:
    treated_logit: np.ndarray  # linear predictor per participant
    pool_logit: np.ndarray  # linear predictor per pool record
    terms: list[str]  # model terms, "(intercept)" first
    coefficients: np.ndarray  # on the variables' own scale, in `terms` order
    iterations: int
    encodings: list[Encoding]
    codes: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)  # category: codes (participants, pool)


def fill_design(treated: pd.DataFrame, pool: pd.DataFrame, encodings: list[Encoding]):
    """The participants' rows then the pool's, an intercept then every non-reference term (numbers
    standardised later by `standardise`). Returns (design, terms, each category's level codes per group).
    """
    frames = (treated, pool)
    terms = [t for e in encodings for t in e.terms() if not t.reference]
    n = sum(len(f) for f in frames)
    is_number = np.array([True] + [t.level is None for t in terms])
    columns = np.arange(len(is_number))
    design = Design(
        numbers=np.empty((n, int(is_number.sum())), dtype=np.float64, order="F"),  # columns written whole
        flags=np.empty((n, int((~is_number).sum())), dtype=np.uint8, order="F"),
        number_columns=columns[is_number], flag_columns=columns[~is_number],
    )
    design.numbers[:, 0] = 1.0
    codes: dict[str, list[np.ndarray]] = {}
    start = 0
    for index, frame in enumerate(frames):
        stop = start + len(frame)
        number, flag = 1, 0
        for encoding in encodings:
            numbers = 0 if encoding.categorical else 1
            flags = sum(not t.reference for t in encoding.terms()) - numbers
            written = encoding.write(frame, design.numbers[start:stop, number : number + numbers],
                                     design.flags[start:stop, flag : flag + flags],
                                     encoding.codes[index] if encoding.codes else None)
            if written is not None:
                codes.setdefault(encoding.variable, []).append(written)
            number, flag = number + numbers, flag + flags
        start = stop
    return design, terms, codes


def standardise(design: Design) -> tuple[np.ndarray, np.ndarray]:
    """Centre and scale the numeric columns in place; returns (centre, scale) per model column.

    Undone on the coefficients: it leaves the fitted scores as they are and makes Newton's steps
    well conditioned."""
    centre = np.zeros(design.shape[1])
    scale = np.ones(design.shape[1])
    for i, j in enumerate(design.number_columns):
        if j == 0:
            continue  # the intercept
        values = design.numbers[:, i]
        centre[j] = values.mean()
        values -= centre[j]
        # values.std(), as numpy computes it (the sum of the squared centred values over n), on the
        # values centred here: the same number without centring a copy of millions of values again
        scale[j] = np.sqrt(np.add.reduce(np.square(values)) / len(values)) or 1.0
        values /= scale[j]
    return centre, scale


def warm_start(design: Design, y: np.ndarray, n_treated: int, terms: list[Term]) -> Fit | None:
    """Starting values, and a Hessian, from every participant and an evenly spaced sample of a large pool.

    The sample's pool rows weigh pool/sample so the fit estimates the full one; a small ridge
    keeps it finite when a rare level is missing from the sample. Newton on all rows then needs
    a few steps instead of seven, and no pass over them for the Hessian while the sample's is
    good enough: the answer is still the full data's maximum likelihood. The sample's rows are
    rows of the design, so when its Hessian shows no collinearity the design has none either;
    when it does, the full fit starts from the start values alone and checks for itself.
    """
    n_pool = len(design) - n_treated
    if n_pool <= 4 * SAMPLE_ROWS:
        return None
    every = n_pool // SAMPLE_ROWS
    rows = np.r_[np.arange(n_treated), np.arange(n_treated, len(design), every)]
    sample = design.rows(rows)
    w = np.ones(len(sample))
    w[n_treated:] = n_pool / (len(sample) - n_treated)
    try:
        fit = newton(sample, y[rows], terms, w=w, ridge=1e-6 * len(sample), limit=12)
    except AnalysisError:
        return None
    if not (np.isfinite(fit.beta).all() and np.isfinite(fit.hessian).all()):
        return None
    try:
        check_collinearity(fit.hessian, terms)
    except AnalysisError:
        return fit._replace(hessian=None)
    return fit


def fit_propensity(treated: pd.DataFrame, pool: pd.DataFrame, variables: list[str], matching: Matching) -> PropensityScores:
    """Fit participation ~ variables; return each row's logit score (the linear predictor)."""
    if len(treated) == 0 or len(pool) == 0:
        raise AnalysisError("the propensity model needs at least one participant and one pool record")
    encodings = [encode_variable(treated, pool, v, matching) for v in variables]
    design, terms, codes = fill_design(treated, pool, encodings)
    centre, scale = standardise(design)
    y = np.zeros(len(design))
    y[: len(treated)] = 1.0
    with threadpool_limits(limits=1, user_api="blas") if threadpool_limits else nullcontext():
        warm = warm_start(design, y, len(treated), terms)
        start, hessian = (warm.beta, warm.hessian) if warm else (None, None)
        fit = newton(design, y, terms, start=start, hessian=hessian)
    beta, logit, iterations = fit.beta, fit.eta, fit.iterations
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
        codes={variable: tuple(both) for variable, both in codes.items()},
    )
