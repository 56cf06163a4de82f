"""Ridge regression with the penalty chosen by exact leave-one-out error, from one SVD.

The same estimator as scikit-learn's ``RidgeCV(alphas)`` (intercept fitted, not penalised;
the alpha with the lowest mean squared leave-one-out error, the first of equals), computed
for all alphas at once from one decomposition of the centred features. Model training refits ridge
thousands of times on small cohorts (every fold, inner fold and top-N candidate), where
``RidgeCV``'s per-call input validation costs more than the arithmetic.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def ridge_loo(
    x: np.ndarray, y: np.ndarray, alphas: Sequence[float]
) -> tuple[np.ndarray, float, float]:
    """Fit ridge on ``x`` (samples x features) and ``y``; returns coef, intercept, alpha.

    With one alpha it is simply used; with several, the one with the lowest leave-one-out
    mean squared error is (hat-matrix shortcut: ``e_i / (1 - h_ii)``, intercept included).
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if x.ndim != 2 or y.shape != (x.shape[0],):
        raise ValueError("ridge_loo needs x (n x p), y (n,) and at least one alpha")
    coef, intercept, alpha = ridge_loo_batch(x[None], y[None], alphas)
    return coef[0], float(intercept[0]), float(alpha[0])


def ridge_loo_batch(
    x: np.ndarray, y: np.ndarray, alphas: Sequence[float]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`ridge_loo` for a batch of problems at once; coef (b x p), intercepts, alphas.

    ``x`` is (b x n x p), or (1 x n x p) to share one design between all ``b`` responses
    ``y`` (b x n): then it is decomposed once (label permutations, one CV fold). Each problem
    gets its own leave-one-out alpha, exactly as :func:`ridge_loo` would choose it.
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    grid = np.asarray(alphas, dtype=np.float64)
    if (
        x.ndim != 3
        or y.ndim != 2
        or x.shape[1] != y.shape[1]
        or x.shape[0] not in (1, y.shape[0])
        or grid.ndim != 1
        or len(grid) == 0
    ):
        raise ValueError("ridge_loo needs x (n x p), y (n,) and at least one alpha")
    if (grid <= 0).any():
        raise ValueError("ridge alphas must be > 0")
    n, p = x.shape[1:]
    x_mean, y_mean = x.mean(axis=1), y.mean(axis=1)
    centred = x - x_mean[:, None, :]
    # left singular vectors u and squared singular values s2 of the centred x: from the
    # n x n Gram matrix when features outnumber samples (cheaper), else from the SVD
    if p > n:
        s2, u = np.linalg.eigh(centred @ centred.transpose(0, 2, 1))
    else:
        u, s, _ = np.linalg.svd(centred, full_matrices=False)
        s2 = s**2
    # directions below rounding error (centring leaves at least one) are exactly null: a
    # spurious 1e-13 there would shift near-interpolating leverages at the smallest alphas
    s2[s2 <= s2.max(axis=1, keepdims=True) * max(n, p) * np.finfo(np.float64).eps] = 0.0
    uty = ((y - y_mean[:, None])[:, None, :] @ u)[:, 0, :]  # (b, k)
    best = np.zeros(len(y), dtype=int)
    if len(grid) > 1:
        shrink = s2[:, :, None] / (s2[:, :, None] + grid)  # (b or 1, k, alphas)
        fitted = y_mean[:, None, None] + u @ (shrink * uty[:, :, None])  # (b, n, alphas)
        leverage = 1.0 / n + (u**2) @ shrink
        loo_mse = np.mean(((y[:, :, None] - fitted) / (1.0 - leverage)) ** 2, axis=1)
        best = np.argmin(loo_mse, axis=1)  # the first of equal errors, as RidgeCV
    alpha = grid[best]
    weights = u @ (uty / (s2 + alpha[:, None]))[:, :, None]  # (b, n, 1)
    coef = (centred.transpose(0, 2, 1) @ weights)[:, :, 0]
    return coef, y_mean - np.sum(x_mean * coef, axis=1), alpha
