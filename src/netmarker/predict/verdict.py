"""A verdict on every model (*signal*, *no signal*, *degenerate*) by method name.

The verdict itself (label permutations of the whole LOOCV, degeneracy checks, baselines) is
:func:`netmarker.predict.validation.assess`, which takes an estimator; these functions build
the estimator of a method (the CLI's ``--method``) and call it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from netmarker.predict.estimators import (
    INNER_CV,
    TOP_N_GRID,
    ModuleRegressor,
    TopN,
    make_estimator,
)
from netmarker.predict.validation import (
    ALPHA_LEVEL,
    DEFAULT_PERMUTATIONS,
    INTERCEPT_ONLY,
    NEAR_CONSTANT,
    Verdict,
    assess,
    describe,
)
from netmarker.predict.validation import loocv_ridge as _loocv_ridge

__all__ = [
    "ALPHA_LEVEL",
    "DEFAULT_PERMUTATIONS",
    "INTERCEPT_ONLY",
    "NEAR_CONSTANT",
    "Verdict",
    "assess_model",
    "default_permutations",
    "describe",
    "loocv_ridge",
]


def default_permutations(method: str) -> int:
    """Permutations used when none are given (fewer where each one costs a full LOOCV)."""
    return DEFAULT_PERMUTATIONS.get(method, 100)


def loocv_ridge(
    x: np.ndarray,
    y: np.ndarray,
    *,
    top_n: TopN = "cv",
    top_n_grid: tuple[int, ...] = TOP_N_GRID,
    inner_cv: int = INNER_CV,
    seed: int = 0,
) -> np.ndarray:
    """Leave-one-out predictions (b x n) of every response row of ``y`` (ridge, batched)."""
    estimator = ModuleRegressor(
        "ridge", top_n=top_n, top_n_grid=top_n_grid, inner_cv=inner_cv, random_state=seed
    )
    return _loocv_ridge(x, y, estimator)


def assess_model(
    features: pd.DataFrame,
    response: pd.Series,
    *,
    method: str = "ridge",
    top_n: TopN = "cv",
    top_n_grid: tuple[int, ...] = TOP_N_GRID,
    inner_cv: int = INNER_CV,
    seed: int = 0,
    n_permutations: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """:func:`netmarker.predict.validation.assess` of ``method``'s estimator."""
    estimator = make_estimator(
        method, top_n=top_n, top_n_grid=top_n_grid, inner_cv=inner_cv, random_state=seed
    )
    return assess(
        estimator, features, response, n_permutations=n_permutations, seed=seed, progress=progress
    )
