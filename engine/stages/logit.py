"""Maximum-likelihood logistic regression by Newton-Raphson, over a design of millions of rows.

The design (numbers in float64, 0/1 terms in uint8: `Design`) is read in blocks of CHUNK rows
laid out in a reused float64 buffer, and each pass over it does everything that needs the rows: the linear predictor, the
deviance, and for the next step the gradient and (when it is refreshed) the Hessian, so a Newton
step costs one read of the design instead of two. The block size fixes the order of every sum,
so the estimates do not depend on how the passes are arranged.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from scipy.special import expit

from engine.errors import AnalysisError
from engine.stages.encoding import Term

@dataclass(frozen=True)
class Design:
    """The model's columns in two column-major arrays: the intercept and the numbers in float64, the
    0/1 terms (levels, missing indicators) in uint8, exact in an eighth of the memory. `number_columns`
    and `flag_columns` place each array's columns in the model's order, in which `block` lays rows out
    as float64 for BLAS: the block one float64 design would give, bit for bit."""

    numbers: np.ndarray
    flags: np.ndarray
    number_columns: np.ndarray
    flag_columns: np.ndarray

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.numbers), len(self.number_columns) + len(self.flag_columns)

    def __len__(self) -> int:
        return len(self.numbers)

    def block(self, rows: slice, out: np.ndarray) -> np.ndarray:
        """Rows `rows` in the model's column order, written into the reused buffer `out`."""
        block = out[: rows.stop - rows.start]
        block[:, self.number_columns] = self.numbers[rows]
        block[:, self.flag_columns] = self.flags[rows]
        return block

    def rows(self, index: np.ndarray) -> Design:
        """A design of some rows (the warm start's sample)."""
        return Design(np.asfortranarray(self.numbers[index]), np.asfortranarray(self.flags[index]),
                      self.number_columns, self.flag_columns)


CHUNK = 1 << 14  # rows per block: small temporaries, reused, for each pass over the design
MAX_ITERATIONS = 50
TOLERANCE = 1e-12  # relative change of the deviance at which Newton stops
REUSE_HESSIAN_BELOW = 1e-3  # largest (standardised) step under which the last Hessian is kept


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


def evaluate(design: Design, y: np.ndarray, w: np.ndarray | None, beta: np.ndarray, out: np.ndarray,
             scratch: np.ndarray, derivatives: bool = False, buffer: np.ndarray | None = None):
    """One pass: the linear predictor into `out` and the deviance; with `derivatives`, also the
    gradient X'W(y - p), and with a `buffer` the Hessian X'WVX. Returns (deviance, gradient, hessian).
    Each block of rows is laid out in `scratch` (column-major, CHUNK rows).

    The Hessian is the scaled block times itself (a symmetric product for BLAS), built in the
    reused buffer; a float32 buffer halves the cost, and Newton still converges to the exact
    estimates because the gradient is always float64.
    """
    k = design.shape[1]
    total = 0.0
    gradient = np.zeros(k) if derivatives else None
    hessian = np.zeros((k, k)) if buffer is not None else None
    for rows in chunks(len(design)):
        block, eta = design.block(rows, scratch), out[rows]
        np.matmul(block, beta, out=eta)  # BLAS on the column-major block as it is (np.dot would copy it to row order)
        weights = None if w is None else w[rows]
        total += chunk_deviance(eta, y[rows], weights)
        if not derivatives:
            continue
        p = expit(eta)
        v = p * (1.0 - p)
        residual = y[rows] - p
        if weights is not None:
            residual *= weights
            v *= weights
        gradient += block.T @ residual
        if buffer is not None:
            scaled = buffer[: len(p)]
            np.multiply(block, np.sqrt(v)[:, None], out=scaled, casting="unsafe")
            hessian += scaled.T @ scaled
    return total, gradient, hessian


class Fit(NamedTuple):
    beta: np.ndarray
    eta: np.ndarray  # the linear predictor at beta
    iterations: int
    hessian: np.ndarray | None  # the last Hessian used (at or near beta)


def newton(
    design: Design, y: np.ndarray, terms: list[Term], start: np.ndarray | None = None,
    w: np.ndarray | None = None, ridge: float = 0.0, limit: int = MAX_ITERATIONS,
    hessian: np.ndarray | None = None,
) -> Fit:
    """Maximum likelihood by Newton-Raphson with step halving.

    The Hessian is computed in float64 once (it also checks collinearity), then in float32 while
    the steps are large, and kept once they are small: near the optimum it barely changes. A
    `hessian` given with `start` (a sample's, from the warm start, already checked for collinearity)
    serves the first step instead, saving the float64 pass; the data's own Hessian is computed in
    the pass that tries that step, since a sample's would make the convergence slow (linear) and the
    stopping rule unsafe. The pass that tries a step also prepares the next one; only when the step must be
    halved is that work redone at the halved step. Nothing of the design's size is copied. `w`,
    `ridge` and `limit` serve the warm start on a sample.
    """
    n, k = design.shape
    if start is None:
        beta = np.zeros(k)
        mean = np.average(y, weights=w)
        beta[0] = np.log(mean / (1 - mean))
    else:
        beta = start.copy()
    eta, new_eta = np.empty(n), np.empty(n)
    scratch = np.empty((min(CHUNK, n), k), order="F")
    buffer64 = np.empty((min(CHUNK, n), k))
    buffer32 = np.empty((min(CHUNK, n), k), dtype=np.float32)
    approximate = hessian is not None
    current, gradient, computed = evaluate(
        design, y, w, beta, eta, scratch, derivatives=True, buffer=None if approximate else buffer64)
    hessian = hessian if approximate else computed
    penalty = ridge * np.eye(k)
    penalty[0, 0] = 0.0
    for iteration in range(1, limit + 1):
        if iteration == 1 and not ridge and not approximate:
            check_collinearity(hessian, terms)
        try:
            step = np.linalg.solve(hessian + penalty, gradient - penalty @ beta)
        except np.linalg.LinAlgError:
            raise not_converged(terms, beta) from None
        refresh = approximate or np.abs(step).max() > REUSE_HESSIAN_BELOW  # by the step taken, halved or not
        stop_allowed, approximate = not approximate, False  # a sample's step never ends the fit
        new_beta = beta + step
        new_deviance, new_gradient, new_hessian = evaluate(
            design, y, w, new_beta, new_eta, scratch, derivatives=True, buffer=buffer32 if refresh else None)
        halved = False
        for attempt in range(31):
            if attempt:
                new_beta = beta + step
                new_deviance, _, _ = evaluate(design, y, w, new_beta, new_eta, scratch)
            if new_deviance <= current * (1 + 1e-12):
                break
            step /= 2
            halved = True
        if halved:
            refresh = np.abs(step).max() > REUSE_HESSIAN_BELOW
            _, new_gradient, new_hessian = evaluate(
                design, y, w, new_beta, new_eta, scratch, derivatives=True, buffer=buffer32 if refresh else None)
        change = abs(current - new_deviance) / (abs(new_deviance) + 0.1)
        beta, current, gradient = new_beta, new_deviance, new_gradient
        if refresh:
            hessian = new_hessian
        eta, new_eta = new_eta, eta
        if stop_allowed and (change < TOLERANCE or np.abs(step).max() < 1e-10):
            return Fit(beta, eta, iteration, hessian)
    if ridge:
        return Fit(beta, eta, limit, hessian)
    raise not_converged(terms, beta)


def not_converged(terms: list[Term], beta: np.ndarray) -> AnalysisError:
    """The term with the largest (standardised) coefficient is the likely cause: name it."""
    j = int(np.argmax(np.abs(beta[1:]))) if len(beta) > 1 else 0
    term = terms[j]
    return AnalysisError(
        f"{term.variable}: the propensity model does not converge, most likely because {term.name!r} "
        "separates participants from the pool perfectly; remove the variable or restrict the pool"
    )
