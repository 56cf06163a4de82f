"""Cross-validation of the predictors: out-of-fold predictions, metrics, permutation tests.

Feature selection and scaling happen inside each training fold (each fold repeats the whole of
:func:`netmarker.predict.fit.fit_arrays`), so out-of-fold predictions never see the held-out
sample.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats
from sklearn.metrics import accuracy_score, roc_auc_score
from sklearn.model_selection import KFold, LeaveOneOut, StratifiedKFold

from netmarker.errors import DataError
from netmarker.predict.fit import (
    TOP_N_GRID,
    TopN,
    fit_arrays,
    linear_predict,
    prepare_training_data,
)

CV = int | Literal["loo"]


@dataclass
class CVResult:
    """Out-of-fold predictions (``observed``, ``predicted``, ``fold`` by sample) and metrics."""

    predictions: pd.DataFrame
    metrics: dict[str, Any]
    method: str
    cv: CV
    selected: list[list[str]] = field(default_factory=list)


def _splitter(cv: CV, n: int, seed: int, labels: np.ndarray | None) -> Any:
    if cv == "loo":
        return LeaveOneOut()
    if isinstance(cv, bool) or not isinstance(cv, int) or cv < 2:
        raise DataError("cv", f"use 'loo' or a number of folds >= 2, got {cv!r}")
    if labels is not None:
        smallest = int(np.bincount(labels.astype(int)).min())
        return StratifiedKFold(n_splits=min(cv, smallest), shuffle=True, random_state=seed)
    return KFold(n_splits=min(cv, n), shuffle=True, random_state=seed)


def regression_metrics(observed: np.ndarray, predicted: np.ndarray) -> dict[str, Any]:
    """Spearman r and p (two-sided, and one-sided for r > 0), Pearson r and p, RMSE, n.

    Correlations are NaN when the predictions are constant. The p-values are nominal: they
    assume independent pairs, which out-of-fold predictions are not (folds share training
    samples), so with feature selection they are too small — e.g. ~20-25% of pure-noise
    data sets reach one-sided p < 0.05 under leave-one-out with top-N selection although
    the mean r is ~0. Use :func:`permutation_test` for a valid p. Leave-one-out predictions
    without signal also correlate *negatively* with the response (each held-out value is
    missing from its training mean), hence the one-sided ``spearman_p_greater``.
    """
    obs = np.asarray(observed, dtype=np.float64)
    pred = np.asarray(predicted, dtype=np.float64)
    out: dict[str, Any] = {"n": len(obs), "rmse": float(np.sqrt(np.mean((obs - pred) ** 2)))}
    if np.ptp(pred) == 0 or np.ptp(obs) == 0:
        nan = float("nan")
        out.update(spearman_r=nan, spearman_p=nan, spearman_p_greater=nan)
        out.update(pearson_r=nan, pearson_p=nan)
        return out
    sp = stats.spearmanr(obs, pred)
    out["spearman_r"] = float(sp.statistic)
    out["spearman_p"] = float(sp.pvalue)
    out["spearman_p_greater"] = float(stats.spearmanr(obs, pred, alternative="greater").pvalue)
    pe = stats.pearsonr(obs, pred)
    out["pearson_r"] = float(pe.statistic)
    out["pearson_p"] = float(pe.pvalue)
    return out


def classification_metrics(labels: np.ndarray, probability: np.ndarray) -> dict[str, Any]:
    """AUC and accuracy (probability >= 0.5) of 0/1 ``labels``; class counts."""
    y = np.asarray(labels, dtype=int)
    prob = np.asarray(probability, dtype=np.float64)
    both = 0 < y.sum() < len(y)
    return {
        "n": len(y),
        "n_positive": int(y.sum()),
        "auc": float(roc_auc_score(y, prob)) if both else float("nan"),
        "accuracy": float(accuracy_score(y, prob >= 0.5)),
    }


def cross_validate(
    features: pd.DataFrame,
    response: pd.Series,
    *,
    method: str = "ridge",
    cv: CV = "loo",
    top_n: TopN = "cv",
    top_n_grid: tuple[int, ...] = TOP_N_GRID,
    inner_cv: int = 5,
    seed: int = 0,
) -> CVResult:
    """Out-of-fold predictions of ``response`` from ``features`` (samples x features).

    Each fold repeats the whole of :func:`netmarker.predict.model.train` on its training samples
    (scaling, ranking, top-N choice, regularisation) and predicts the held-out samples with
    the training-fold scaling. Metrics: :func:`regression_metrics`, or
    :func:`classification_metrics` for ``method="logistic"``.
    """
    x_df, y, classes = prepare_training_data(features, response, method)
    x = x_df.to_numpy(np.float64)
    labels = y if method == "logistic" else None
    predicted = np.full(len(y), np.nan)
    fold_of = np.zeros(len(y), dtype=int)
    selected: list[list[str]] = []
    names = x_df.columns.astype(str)
    for fold, (train, test) in enumerate(_splitter(cv, len(y), seed, labels).split(x, labels)):
        fit = fit_arrays(
            x[train],
            y[train],
            method=method,
            top_n=top_n,
            top_n_grid=top_n_grid,
            inner_cv=inner_cv,
            seed=seed,
        )
        xs = (x[test][:, fit.selected] - fit.mean) / fit.scale
        predicted[test] = linear_predict(xs, fit.coef, fit.intercept, method)
        fold_of[test] = fold
        selected.append(names[fit.selected].tolist())
    observed = response.loc[x_df.index].to_numpy() if classes else y
    predictions = pd.DataFrame(
        {"observed": observed, "predicted": predicted, "fold": fold_of}, index=x_df.index
    )
    if method == "logistic":
        metrics = classification_metrics(y, predicted)
    else:
        metrics = regression_metrics(y, predicted)
    return CVResult(predictions, metrics, method, cv, selected)


def permutation_test(
    features: pd.DataFrame,
    response: pd.Series,
    *,
    method: str = "ridge",
    cv: CV = "loo",
    top_n: TopN = "cv",
    n_permutations: int = 100,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Valid p for the cross-validated metric: rerun the whole CV on permuted responses.

    The metric is the out-of-fold Spearman r (regression) or AUC (logistic);
    ``p = (1 + #permutations with metric >= observed) / (1 + n_permutations)``;
    ``progress(done, n_permutations)`` is called after each permutation.
    """
    if n_permutations < 1:
        raise DataError("n_permutations", f"must be >= 1, got {n_permutations}")
    metric = _metric_name(method)
    kwargs: dict[str, Any] = {"method": method, "cv": cv, "top_n": top_n, "seed": seed}
    observed = cross_validate(features, response, **kwargs).metrics[metric]
    rng = np.random.default_rng(seed)
    null = np.full(n_permutations, np.nan)
    for i in range(n_permutations):
        shuffled = pd.Series(rng.permutation(response.to_numpy()), index=response.index)
        null[i] = cross_validate(features, shuffled, **kwargs).metrics[metric]
        if progress is not None:
            progress(i + 1, n_permutations)
    return {"metric": metric, "observed": observed, "null": null, **_empirical_p(observed, null)}


def _empirical_p(observed: float, null: np.ndarray) -> dict[str, Any]:
    """``(1 + #null >= observed) / (1 + #null)`` over the finite null values."""
    valid = null[np.isfinite(null)]
    if not np.isfinite(observed) or len(valid) == 0:
        return {"p_value": float("nan"), "n_null": len(valid)}
    return {
        "p_value": float((1 + (valid >= observed).sum()) / (1 + len(valid))),
        "n_null": len(valid),
    }


def _metric_name(method: str) -> str:
    return "auc" if method == "logistic" else "spearman_r"
