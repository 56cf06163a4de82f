"""Cross-validation by method name (the CLI's ``--method``), for callers without an estimator.

Each function builds the estimator of a method
(:func:`netmarker.predict.estimators.make_estimator`) and calls the one implementation in
:mod:`netmarker.predict.validation`, where the defaults are documented.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from netmarker.predict.estimators import INNER_CV, TOP_N_GRID, TopN, make_estimator
from netmarker.predict.validation import (
    CV,
    DEFAULT_CV,
    CVResult,
    classification_metrics,
    empirical_p,
    regression_metrics,
)
from netmarker.predict.validation import cross_validate as _cross_validate
from netmarker.predict.validation import permutation_test as _permutation_test

__all__ = [
    "CV",
    "CVResult",
    "classification_metrics",
    "cross_validate",
    "permutation_test",
    "regression_metrics",
]


def _metric_name(method: str) -> str:
    return "auc" if method == "logistic" else "spearman_r"


_empirical_p = empirical_p


def cross_validate(
    features: pd.DataFrame,
    response: pd.Series,
    *,
    method: str = "ridge",
    cv: CV = DEFAULT_CV,
    top_n: TopN = "cv",
    top_n_grid: tuple[int, ...] = TOP_N_GRID,
    inner_cv: int = INNER_CV,
    seed: int = 0,
) -> CVResult:
    """:func:`netmarker.predict.validation.cross_validate` of ``method``'s estimator."""
    estimator = make_estimator(
        method, top_n=top_n, top_n_grid=top_n_grid, inner_cv=inner_cv, random_state=seed
    )
    return _cross_validate(estimator, features, response, cv=cv, seed=seed)


def permutation_test(
    features: pd.DataFrame,
    response: pd.Series,
    *,
    method: str = "ridge",
    cv: CV = DEFAULT_CV,
    top_n: TopN = "cv",
    n_permutations: int = 100,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """:func:`netmarker.predict.validation.permutation_test` of ``method``'s estimator."""
    estimator = make_estimator(method, top_n=top_n, random_state=seed)
    return _permutation_test(
        estimator,
        features,
        response,
        cv=cv,
        n_permutations=n_permutations,
        seed=seed,
        progress=progress,
    )
