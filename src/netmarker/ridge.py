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
    grid = np.asarray(alphas, dtype=np.float64)
    if x.ndim != 2 or y.shape != (x.shape[0],) or grid.ndim != 1 or len(grid) == 0:
        raise ValueError("ridge_loo needs x (n x p), y (n,) and at least one alpha")
    if (grid <= 0).any():
        raise ValueError("ridge alphas must be > 0")
    n, p = x.shape
    x_mean, y_mean = x.mean(axis=0), y.mean()
    centred = x - x_mean
    # left singular vectors u and squared singular values s2 of the centred x: from the
    # n x n Gram matrix when features outnumber samples (cheaper), else from the SVD
    if p > n:
        s2, u = np.linalg.eigh(centred @ centred.T)
    else:
        u, s, _ = np.linalg.svd(centred, full_matrices=False)
        s2 = s**2
    # directions below rounding error (centring leaves at least one) are exactly null: a
    # spurious 1e-13 there would shift near-interpolating leverages at the smallest alphas
    s2[s2 <= s2.max() * max(n, p) * np.finfo(np.float64).eps] = 0.0
    uty = u.T @ (y - y_mean)
    best = 0
    if len(grid) > 1:
        shrink = s2[:, None] / (s2[:, None] + grid[None, :])  # (k, alphas)
        fitted = y_mean + u @ (shrink * uty[:, None])
        leverage = 1.0 / n + (u**2) @ shrink
        loo_mse = np.mean(((y[:, None] - fitted) / (1.0 - leverage)) ** 2, axis=0)
        best = int(np.argmin(loo_mse))  # the first of equal errors, as RidgeCV
    alpha = float(grid[best])
    coef = centred.T @ (u @ (uty / (s2 + alpha)))
    return coef, float(y_mean - x_mean @ coef), alpha
