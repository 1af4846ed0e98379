"""Data-driven weights of a composite index (OECD/JRC Handbook, section 6).

Three ways to let the data weigh the normalised items of an index:

* principal components: weights proportional to the squared loadings of the
  first component of the items' correlation matrix (Handbook 6.1), or of
  their covariance matrix ("pca_cov");
* factor analysis: the same with one-factor maximum-likelihood loadings
  (the model of :func:`~sklearn_innov.diagnostics.mcdonald_omega`);
* benefit of the doubt (Handbook 6.3): every row gets the non-negative
  weights most favourable to it, subject to no training row scoring above 1,
  a linear program per row. The programs of many rows are stacked into one
  block-diagonal program for HiGHS, and only the training rows that can bind
  (the frontier, found by constraint generation) enter it.

:class:`CompositeIndex` calls these; they take validated float arrays.
"""

import sys
import warnings

import numpy as np
from scipy import sparse
from scipy.optimize import linprog

from .._core._reliability import (
    correlation_from_cov,
    enough_rows,
    one_factor_ml,
    scaled_moments,
    weight_total,
)
from ..exceptions import SklearnInnovWarning
from ..utils._validation import format_labels, format_value

# Numerical tolerance of the LP solutions: a training row "binds" when its
# score under a row's optimal weights exceeds 1 by more than this.
_TOL = 1e-9
# Most rows per stacked linear program (block-diagonal, one block per row):
# HiGHS slows down more than linearly with the size of the stack.
_BATCH_ROWS = 256
# A learned weight below this (the items' weights sum to k) is rounding noise
# of the eigen/factor solution: an item uncorrelated with the others, whose
# exact weight is 0, comes out as 0 or as 1e-34 depending on the BLAS. It is
# set to exactly 0, so the index does not depend on the NumPy build (in a
# geometric mean a weight of 1e-34 on an item at 0 would zero the index).
_ZERO_WEIGHT = 1e-12


def learned_weights(block, method, name, items, sample_weight=None):
    """Weights of one index from its normalised items (complete rows).

    Scaled to sum to the number of items, so equal loadings give the
    equal-weight index (every weight 1). An item constant on the complete
    rows gets weight exactly 0 (with a warning: it carries no information
    on how items co-vary), as does a weight below ``_ZERO_WEIGHT`` (rounding
    noise of a weight that is 0 in exact arithmetic). The moments are those
    of the items divided by powers of two (exact), so the weights do not
    depend on the items' units, from 1e-160 to 1e154. ``sample_weight``
    (positive frequency weights of the rows of ``block``) weighs the
    covariance or correlation matrix the loadings come from.
    """
    k = block.shape[1]
    if k == 1:
        return np.ones(1)
    complete, w = block, sample_weight
    if np.isnan(block.sum()):
        keep = ~np.isnan(block).any(axis=1)
        complete, w = block[keep], None if w is None else w[keep]
    n_complete = format_value(weight_total(complete, w))
    if not enough_rows(complete, w):
        raise ValueError(
            f"weights={method!r} cannot be learned for index {name!r}: fewer than "
            f"two rows answer every item (n_samples={n_complete} complete). "
            "Impute the answers or give weights as a mapping."
        )
    varies = np.ptp(complete, axis=0) > 0
    if not varies.any():
        raise ValueError(
            f"weights={method!r} cannot be learned for index {name!r}: its items "
            f"({format_labels(items)}) do not vary. Drop the index or give "
            "weights as a mapping."
        )
    constant = [items[j] for j in np.flatnonzero(~varies)]
    if method == "factor" and varies.sum() < 3:
        left = ("no", "one", "two")[int(varies.sum())]
        why = (
            f"has item(s) {format_labels(constant)} that do not vary on these "
            f"rows, leaving {left}"
            if constant
            else f"has {left} ({format_labels(items)})"
        )
        raise ValueError(
            f"weights='factor' needs at least three varying items per index, but "
            f"index {name!r} {why}: a one-factor model of {left} items is not "
            "identified. Use weights='pca' for it (it works on any rows, a "
            "constant item weighing 0) or a mapping."
        )
    squared = np.zeros(k)
    varying = [items[j] for j in np.flatnonzero(varies)]
    squared[varies] = _squared_loadings(complete[:, varies], method, name, varying, w)
    weights = k * squared / squared.sum()
    weights[weights < _ZERO_WEIGHT] = 0.0
    if constant:
        warnings.warn(
            f"weights={method!r}: item(s) {format_labels(constant)} of index "
            f"{name!r} do not vary on the {n_complete} complete rows the weights "
            "are learned on, so they weigh 0 and the weights come from the "
            "other items.",
            SklearnInnovWarning,
            stacklevel=_caller_level(),
        )
    return k * weights / weights.sum()


def _dependent(corr, items):
    """The items with a part in a (near-)null direction of ``corr``."""
    values, vectors = np.linalg.eigh(corr)
    null = vectors[:, values <= 1e-10 * max(values[-1], 1.0)]
    involved = np.abs(null).max(axis=1, initial=0.0) > 1e-6
    return [item for item, flag in zip(items, involved, strict=True) if flag] or items


def _caller_level():
    """``stacklevel`` of the first frame outside sklearn-innov and scikit-learn.

    The depth differs between ``fit``, ``fit_transform`` and their
    ``set_output`` wrapper; the warning points at the user's line in all.
    """
    frame, level = sys._getframe(1), 1
    while frame is not None and frame.f_globals.get("__name__", "").split(".")[0] in (
        "sklearn_innov",
        "sklearn",
    ):
        frame, level = frame.f_back, level + 1
    return level


def _squared_loadings(varying, method, name, items, sample_weight=None):
    """Squared first-component or one-factor loadings of items that all vary."""
    if method == "pca_cov":
        # one power of two for every item: the eigenvectors are unchanged
        cov = scaled_moments(varying, sample_weight=sample_weight)[1]
    else:
        # one per item: the correlations are unchanged
        cov = correlation_from_cov(
            scaled_moments(varying, axis=0, sample_weight=sample_weight)[1]
        )
    if method == "factor":
        fitted = one_factor_ml(cov)
        if fitted is None:
            dependent = format_labels(_dependent(cov, items))
            raise ValueError(
                f"weights='factor' cannot be learned for index {name!r} on these "
                f"{varying.shape[0]} rows: items {dependent} "
                "are linearly dependent on them (e.g. two rare 0/1 items equal on "
                "every row of a cross-validation fold), so their correlation "
                "matrix is singular. Use weights='pca' (it works on any rows), "
                "drop one of the items, or give weights as a mapping."
            )
        return fitted[0] ** 2
    try:
        values, vectors = np.linalg.eigh(cov)
    except np.linalg.LinAlgError:  # not expected on scaled, finite moments
        raise ValueError(
            f"weights={method!r} cannot be learned for index {name!r}: the "
            "eigenvalues of its items' "
            + ("covariance" if method == "pca_cov" else "correlation")
            + " matrix did not converge. Rescale the items (e.g. "
            "normalize='zscore') or give weights as a mapping."
        ) from None
    if values.size > 1 and values[-1] - values[-2] <= 1e-10 * values[-1]:
        raise ValueError(
            f"weights={method!r} cannot be learned for index {name!r}: the first "
            "principal component of its items "
            f"({format_labels(items)}) is not unique (the two largest eigenvalues "
            "are equal, e.g. items that do not correlate), so any weights would "
            "be arbitrary. Give weights as a mapping or use weights=None."
        )
    return vectors[:, -1] ** 2


class BenefitOfTheDoubt:
    """The frontier of one index and the share bounds, for scoring rows.

    Every row's program has the same feasible set ``{w >= 0 : G w <= h}``
    (frontier rows, share bounds, and an upper bound per weight) and differs
    only in its objective ``y``. A vertex ``v`` that HiGHS returns as optimal
    for one row, together with the constraints whose dual values are
    non-zero, is optimal for every other row ``y`` inside the cone those
    constraints span (the KKT conditions), which a projection tests for
    thousands of rows at once. Only the rows that no known cone certifies go
    to HiGHS, in stacked block-diagonal programs.

    Parameters
    ----------
    frontier : ndarray of shape (n_frontier, n_items)
        Training rows whose constraint ``w . y <= 1`` can bind.
    upper : ndarray of shape (n_items,)
        Upper bound of each weight implied by the training data (0 for an
        item that is 0 in every training row).
    shares : tuple (low, high) or None
        Bounds on ``w_i / sum_j w_j``.
    """

    def __init__(self, frontier, upper, shares):
        self.frontier = frontier
        self.upper = upper
        self.shares = shares
        # vertex bytes -> (vertex, list of (normals, projection)) of its cones
        self._cones = {}

    def __getstate__(self):
        # the cones are a cache, rebuilt on demand: persist the model only
        return {"frontier": self.frontier, "upper": self.upper, "shares": self.shares}

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._cones = {}

    @classmethod
    def fit(cls, Y, shares, name, items):
        """Find the frontier of the training rows ``Y`` (non-negative, complete).

        Returns the model and the training rows' scores.
        """
        upper = np.zeros(Y.shape[1])
        top = Y.max(axis=0)
        upper[top > 0] = 1.0 / top[top > 0]
        if shares is not None and shares[0] > 0 and not (top > 0).all():
            zero = [items[j] for j in np.flatnonzero(~(top > 0))]
            raise ValueError(
                f"weights='bod': item(s) {format_labels(zero)} of index {name!r} "
                "are 0 in every training row, so their weight must be 0, which "
                f"the lower share bound {shares[0]} of bod_bounds forbids. Drop "
                "the item(s) or set the lower bound to 0."
            )
        rows, inverse = np.unique(Y, axis=0, return_inverse=True)
        # Start from the rows that maximise a few positive directions (every
        # item, the plain sum, random mixtures): they are on the frontier.
        k = Y.shape[1]
        rng = np.random.default_rng(0)
        directions = np.column_stack(
            [np.eye(k), np.ones(k), rng.dirichlet(np.ones(k), 4 * k).T]
        )
        chosen = sorted(set(np.argmax(rows @ directions, axis=0).tolist()))
        model = cls(rows[chosen], upper, shares)
        scores, weights = model._solve(rows)
        while True:
            # Constraint generation: add the training rows that some row's
            # optimal weights push above 1. Weights that satisfy the new
            # constraints stay optimal in the smaller feasible set, so only
            # the rows whose weights break one are solved again.
            new = np.setdiff1d(_most_violated(rows, weights), chosen)
            if new.size == 0:
                break
            chosen = sorted(set(chosen) | set(new.tolist()))
            model._add_frontier(rows[new])
            again = ((rows[new] @ weights.T) > 1.0 + _TOL).any(axis=0)
            scores[again], weights[again] = model._solve(rows[again])
        # Rows scoring below 1 never bind: the frontier is the rest.
        binding = np.zeros(len(rows), dtype=bool)
        binding[chosen] = scores[chosen] >= 1.0 - 1e-9
        model.frontier = rows[binding]
        return model, scores[inverse.ravel()]

    def _add_frontier(self, new):
        """Add frontier rows; keep the cones whose vertex still satisfies them."""
        self.frontier = np.vstack([self.frontier, new])
        self._cones = {
            key: cones
            for key, cones in self._cones.items()
            if (new @ cones[0] <= 1.0 + _TOL).all()
        }

    def score(self, Y):
        """Benefit-of-the-doubt scores of the rows of ``Y`` against the frontier."""
        return self._solve(Y)[0]

    def _solve(self, Y):
        n, k = Y.shape
        scores = np.empty(n)
        weights = np.empty((n, k))
        todo = np.arange(n)
        G, h = self._constraints()
        batch = 64
        while todo.size:
            if self._cones:
                done, s, w = self._certify(Y[todo])
                scores[todo[done]], weights[todo[done]] = s[done], w[done]
                todo = todo[~done]
            part, todo = todo[:batch], todo[batch:]
            if part.size:
                scores[part], weights[part] = self._highs(Y[part], G, h)
            batch = min(4 * batch, _BATCH_ROWS)
        return scores, weights

    def _highs(self, block, G, h):
        """Solve the rows' programs as one block-diagonal LP; learn their cones."""
        b, k = block.shape
        result = linprog(
            -block.ravel(),
            A_ub=sparse.kron(sparse.identity(b, format="csr"), G, format="csr"),
            b_ub=np.tile(h, b),
            bounds=(0, None),
            method="highs",
        )
        if result.status != 0:
            raise RuntimeError(
                f"weights='bod': the linear programs failed ({result.message}). "
                "Please report this with the data that caused it."
            )
        w = result.x.reshape(b, k)
        duals = -result.ineqlin.marginals.reshape(b, G.shape[0])
        reduced = result.lower.marginals.reshape(b, k)
        dense = G.toarray()
        for r in range(b):
            normals = np.vstack([dense[duals[r] > _TOL], -np.eye(k)[reduced[r] > _TOL]])
            vertex, cones = self._cones.setdefault(w[r].tobytes(), (w[r], []))
            if not any(np.array_equal(normals, known) for known, _ in cones):
                cones.append((normals, np.linalg.pinv(normals.T)))
        return np.einsum("ij,ij->i", block, w), w

    def _certify(self, Y):
        """Rows whose optimum a known cone certifies, with their scores and weights."""
        known = list(self._cones.values())
        values = Y @ np.array([vertex for vertex, _ in known]).T
        top = values.max(axis=1)
        done = np.zeros(Y.shape[0], dtype=bool)
        weights = np.zeros_like(Y)
        scale = np.maximum(1.0, np.abs(Y).max(axis=1))
        # Tied rows (common with Likert items) may be certified by any of the
        # vertices that share the best value: try a few in turn.
        pending = np.arange(Y.shape[0])
        for _ in range(4):
            best = values[pending].argmax(axis=1)
            tied = values[pending, best] >= top[pending] - 1e-12 * scale[pending]
            pending, best = pending[tied], best[tied]
            if pending.size == 0:
                break
            order = np.argsort(best, kind="stable")
            starts = np.flatnonzero(np.r_[True, np.diff(best[order]) != 0])
            for group in np.split(order, starts[1:]):
                vertex, cones = known[best[group[0]]]
                rows = pending[group]
                for normals, project in cones:
                    y, tol = Y[rows], 1e-9 * scale[rows]
                    mu = y @ project.T
                    residual = np.abs(y - mu @ normals).max(axis=1)
                    ok = (mu >= -tol[:, None]).all(axis=1) & (residual <= tol)
                    done[rows[ok]] = True
                    weights[rows[ok]] = vertex
                    rows = rows[~ok]
                    if rows.size == 0:
                        break
            values[pending, best] = -np.inf
            pending = pending[~done[pending]]
        return done, np.einsum("ij,ij->i", Y, weights), weights

    def _constraints(self):
        k = self.frontier.shape[1]
        blocks = [self.frontier, np.eye(k)]
        rhs = [np.ones(len(self.frontier)), self.upper]
        if self.shares is not None:
            low, high = self.shares
            # low * sum(w) - w_i <= 0 and w_i - high * sum(w) <= 0
            if low > 0:
                blocks.append(low - np.eye(k))
                rhs.append(np.zeros(k))
            if high < 1:
                blocks.append(np.eye(k) - high)
                rhs.append(np.zeros(k))
        return sparse.csr_matrix(np.vstack(blocks)), np.concatenate(rhs)


def _most_violated(rows, weights):
    """For each distinct weight vector, the training row it pushes furthest above 1."""
    vertices = np.unique(weights, axis=0)
    values = vertices @ rows.T
    best = values.argmax(axis=1)
    over = values[np.arange(len(vertices)), best] > 1.0 + _TOL
    return np.unique(best[over])
