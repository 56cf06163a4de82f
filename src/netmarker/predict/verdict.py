"""A verdict on every model: *signal*, *no signal* or *degenerate*, with its evidence.

*signal*: the leave-one-out CV metric (Spearman r of out-of-fold predictions, or AUC for
labels) beats a label-permutation null at ``p <= 0.05``, where every permutation redoes the
**whole** LOOCV (scaling, ranking, top-N choice by inner CV and regularisation inside every
fold) on shuffled responses, and the model is not degenerate. *degenerate*: regularisation at
the edge of its grid (the strongest end, where the fit shrinks to its intercept; the weakest
end only when the model keeps as many features as samples - 1, where it interpolates; at the
weak end with fewer features the fit is least squares and only noted), near-constant
out-of-fold predictions, or an intercept-only fit (the model says nothing, whatever its
LOOCV r). *no signal*: the rest.

Nominal p-values of out-of-fold correlations are not valid (the folds share samples); the
permutation p is, with resolution ``1 / (n_permutations + 1)``. For ridge, all permutations
are cross-validated together (:func:`loocv_ridge`): each fold's design is shared by every
permutation, so one decomposition serves them all and the per-permutation selections are
solved as stacked batches; other methods rerun :func:`netmarker.predict.crossval.cross_validate`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from netmarker.errors import DataError
from netmarker.predict.crossval import (
    _empirical_p,
    _metric_name,
    classification_metrics,
    cross_validate,
)
from netmarker.predict.fit import (
    LOGISTIC_CS,
    MIN_CV_SAMPLES,
    RIDGE_ALPHAS,
    SVR_CS,
    TOP_N_GRID,
    TopN,
    _folds,
    _scaler,
    fit_arrays,
    prepare_training_data,
)
from netmarker.predict.ridge import ridge_loo_batch

Verdict = Literal["signal", "no signal", "degenerate"]
#: permutation p at or below which a model has signal
ALPHA_LEVEL = 0.05
#: permutations by default: ridge LOOCV is batched across permutations, the others are not
DEFAULT_PERMUTATIONS = {"ridge": 1000, "linear": 200, "svr": 100, "logistic": 100}
#: out-of-fold predictions with sd below this fraction of the response's sd are near-constant
#: (an intercept-only model under leave-one-out gives 1 / (n - 1): 0.056 at n = 19)
NEAR_CONSTANT = 0.1
#: a final fit whose in-sample predictions vary by less than this fraction of the
#: response's sd (or, for logistic models, whose linear predictor varies by less than it)
#: is intercept-only in effect
INTERCEPT_ONLY = 0.01
_BATCH = 256  # permutations solved together: bounds memory at ~_BATCH x n x 100 floats


def default_permutations(method: str) -> int:
    """Permutations used when none are given (fewer where each one costs a full LOOCV)."""
    return DEFAULT_PERMUTATIONS.get(method, 100)


def _ridge_alphas(n: int) -> tuple[float, ...]:
    # as netmarker.predict.model._fit_linear: tiny training sets get a fixed alpha
    return RIDGE_ALPHAS if n >= MIN_CV_SAMPLES else (1.0,)


def _rank_batch(xs: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Column order (b x p) by decreasing |ridge coefficient|, one shared design ``xs``."""
    coef, _, _ = ridge_loo_batch(xs[None], y, _ridge_alphas(len(xs)))
    return np.argsort(-np.abs(coef), axis=1, kind="stable")


def _fit_predict(
    xs_train: np.ndarray, y: np.ndarray, xs_test: np.ndarray, cols: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Ridge on each row's columns ``cols`` (b x k); predictions for ``xs_test`` and alphas."""
    design = xs_train[:, cols].transpose(1, 0, 2)  # (b, n, k)
    coef, intercept, alpha = ridge_loo_batch(design, y, _ridge_alphas(len(xs_train)))
    test = xs_test[:, cols].transpose(1, 0, 2)  # (b, m, k)
    return (test @ coef[:, :, None])[:, :, 0] + intercept[:, None], alpha


def _choose_top_n_batch(
    x: np.ndarray, y: np.ndarray, grid: list[int], inner_cv: int, seed: int
) -> np.ndarray:
    """Per row of ``y``, N from ``grid`` by inner K-fold CV, as ``fit._choose_top_n``."""
    oof = np.empty((len(grid), *y.shape))
    for train, test in _folds(x.shape[0], inner_cv, seed, None).split(x):
        mean, scale = _scaler(x[train])
        xs_train, xs_test = (x[train] - mean) / scale, (x[test] - mean) / scale
        order = _rank_batch(xs_train, y[:, train])
        for g, n in enumerate(grid):
            oof[g][:, test] = _fit_predict(xs_train, y[:, train], xs_test, order[:, :n])[0]
    loss = np.mean((y[None] - oof) ** 2, axis=2)  # (grid, b)
    best: np.ndarray = np.asarray(grid)[np.argmin(loss, axis=0)]  # ties: the first, fewer features
    return best


def _fit_batch(
    x: np.ndarray,
    y: np.ndarray,
    x_test: np.ndarray,
    *,
    top_n: TopN,
    top_n_grid: tuple[int, ...],
    inner_cv: int,
    seed: int,
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`netmarker.predict.fit.fit_arrays` (ridge) for every row of ``y`` on one design ``x``;
    predictions (b x m) for ``x_test`` and the final alphas."""
    p = x.shape[1]
    mean, scale = _scaler(x)
    xs, xs_test = (x - mean) / scale, (x_test - mean) / scale
    order = _rank_batch(xs, y)
    if top_n is None or (top_n == "cv" and len(x) < MIN_CV_SAMPLES):
        keep = np.full(len(y), p)
    elif top_n == "cv":
        grid = sorted({min(n, p) for n in top_n_grid})
        keep = _choose_top_n_batch(x, y, grid, inner_cv, seed)
    else:
        keep = np.full(len(y), min(int(top_n), p))
    predicted = np.empty((len(y), len(x_test)))
    alphas = np.empty(len(y))
    for k in np.unique(keep):
        rows = np.flatnonzero(keep == k)
        cols = np.sort(order[rows, :k], axis=1) if k < p else np.tile(np.arange(p), (len(rows), 1))
        predicted[rows], alphas[rows] = _fit_predict(xs, y[rows], xs_test, cols)
    return predicted, alphas


def loocv_ridge(
    x: np.ndarray,
    y: np.ndarray,
    *,
    top_n: TopN = "cv",
    top_n_grid: tuple[int, ...] = TOP_N_GRID,
    inner_cv: int = 5,
    seed: int = 0,
) -> np.ndarray:
    """Leave-one-out predictions (b x n) of every response row of ``y`` (b x n) from ``x``.

    The same procedure as :func:`netmarker.predict.crossval.cross_validate` with ``method="ridge"``
    and ``cv="loo"`` (every fold redoes scaling, ranking, top-N choice and alpha), for all
    rows at once.
    """
    n = x.shape[0]
    out = np.empty(y.shape)
    for i in range(n):
        train = np.delete(np.arange(n), i)
        out[:, i] = _fit_batch(
            x[train],
            y[:, train],
            x[i : i + 1],
            top_n=top_n,
            top_n_grid=top_n_grid,
            inner_cv=inner_cv,
            seed=seed,
        )[0][:, 0]
    return out


def _spearman_rows(observed: np.ndarray, predicted: np.ndarray) -> np.ndarray:
    """Spearman r of each row pair (NaN where the predictions are constant)."""
    r_obs = stats.rankdata(observed, axis=1)
    r_pred = stats.rankdata(predicted, axis=1)
    r_obs -= r_obs.mean(axis=1, keepdims=True)
    r_pred -= r_pred.mean(axis=1, keepdims=True)
    denom = np.sqrt((r_obs**2).sum(axis=1) * (r_pred**2).sum(axis=1))
    with np.errstate(invalid="ignore", divide="ignore"):
        r: np.ndarray = (r_obs * r_pred).sum(axis=1) / denom
    r[(np.ptp(predicted, axis=1) == 0) | (np.ptp(observed, axis=1) == 0)] = np.nan
    return r


def _permuted(y: np.ndarray, n_permutations: int, seed: int) -> np.ndarray:
    # the stream netmarker.predict.evaluate.permutation_test draws (same seed -> same permutations)
    rng = np.random.default_rng(seed)
    return np.stack([rng.permutation(y) for _ in range(n_permutations)])


def assess_model(
    features: pd.DataFrame,
    response: pd.Series,
    *,
    method: str = "ridge",
    top_n: TopN = "cv",
    top_n_grid: tuple[int, ...] = TOP_N_GRID,
    inner_cv: int = 5,
    seed: int = 0,
    n_permutations: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """The verdict on a model of ``response`` from ``features`` (samples x features).

    Returns a plain dict (saved as the model's ``metadata["verdict"]``): ``verdict``, the
    ``reasons``, the LOOCV metric and its permutation ``p_value`` (``resolution`` =
    1 / (n_permutations + 1)), the null's summary, the degeneracy ``checks`` and
    ``baselines`` (predicting every left-out sample by the mean of the others; the null).
    ``progress(done, total)`` is called as permutations complete.
    """
    n_perm = default_permutations(method) if n_permutations is None else int(n_permutations)
    if n_perm < 19:
        raise DataError("permutations", f"need >= 19 permutations to reach p <= 0.05, got {n_perm}")
    started = time.perf_counter()
    x_df, y, _ = prepare_training_data(features, response, method)
    x = x_df.to_numpy(np.float64)
    metric = _metric_name(method)
    perms = _permuted(y, n_perm, seed)
    kwargs: dict[str, Any] = {
        "top_n": top_n,
        "top_n_grid": top_n_grid,
        "inner_cv": inner_cv,
        "seed": seed,
    }
    if method == "ridge":
        oof = loocv_ridge(x, y[None], **kwargs)[0]
        null = np.empty(n_perm)
        for start in range(0, n_perm, _BATCH):
            block = perms[start : start + _BATCH]
            predicted = loocv_ridge(x, block, **kwargs)
            null[start : start + len(block)] = _spearman_rows(block, predicted)
            if progress is not None:
                progress(start + len(block), n_perm)
        observed = float(_spearman_rows(y[None], oof[None])[0])
    else:
        index = x_df.index

        def run(values: np.ndarray) -> tuple[float, np.ndarray]:
            result = cross_validate(
                x_df, pd.Series(values, index=index), method=method, cv="loo", **kwargs
            )
            return float(result.metrics[metric]), result.predictions["predicted"].to_numpy()

        observed, oof = run(y)
        null = np.empty(n_perm)
        for i, values in enumerate(perms):
            null[i] = run(values)[0]
            if progress is not None:
                progress(i + 1, n_perm)
    result = _verdict(x, y, oof, observed, null, method=method, **kwargs)
    result.update(
        n_permutations=n_perm,
        resolution=1.0 / (n_perm + 1),
        seed=seed,
        cv="loo",
        procedure="label permutations; the whole LOOCV (scaling, feature ranking, top-N by "
        "inner CV, regularisation) redone for every permutation",
        seconds=round(time.perf_counter() - started, 3),
    )
    return result


def _checks(
    x: np.ndarray, y: np.ndarray, oof: np.ndarray, method: str, **kwargs: Any
) -> tuple[dict[str, Any], list[str]]:
    """Degeneracy checks on the final fit and the out-of-fold predictions."""
    fit = fit_arrays(x, y, method=method, **kwargs)
    checks: dict[str, Any] = {}
    reasons: list[str] = []
    grid = {"ridge": ("alpha", RIDGE_ALPHAS), "svr": ("C", SVR_CS), "logistic": ("C", LOGISTIC_CS)}
    if method in grid:
        name, values = grid[method]
        chosen = float(fit.hyper[name])
        checks.update({name: chosen, f"{name}_grid": [min(values), max(values)]})
        strongest = max(values) if name == "alpha" else min(values)
        weakest = min(values) if name == "alpha" else max(values)
        kept = len(fit.selected)
        checks["features_kept"] = kept
        if len(y) < MIN_CV_SAMPLES:
            pass  # too few samples to choose: the fixed default was used
        elif chosen == strongest:
            reasons.append(
                f"{name} = {chosen:g} is at the edge of its grid (strongest regularisation: "
                "the fit is shrunk towards its intercept)"
            )
        elif chosen == weakest and kept >= len(y) - 1:
            # at the weak edge with few features the fit is plain least squares, which is
            # fine; with as many features as samples it interpolates the training data
            reasons.append(
                f"{name} = {chosen:g} is at the edge of its grid (weakest regularisation with "
                f"{kept} features for {len(y)} samples: the fit interpolates)"
            )
        elif chosen == weakest:
            checks["note"] = f"{name} at the weak edge of its grid: least squares in effect"
    linear = ((x[:, fit.selected] - fit.mean) / fit.scale) @ fit.coef
    if method == "logistic":
        checks["oof_sd"] = float(np.std(oof))
        checks["linear_predictor_sd"] = float(np.std(linear))
        if checks["oof_sd"] < NEAR_CONSTANT / 2:
            reasons.append(f"near-constant out-of-fold probabilities (sd {checks['oof_sd']:.3g})")
        if checks["linear_predictor_sd"] < INTERCEPT_ONLY:
            reasons.append("intercept-only fit (the linear predictor is constant)")
        return checks, reasons
    sd = float(np.std(y))
    checks["oof_sd_ratio"] = float(np.std(oof)) / sd
    checks["fit_sd_ratio"] = float(np.std(linear)) / sd
    if checks["oof_sd_ratio"] < NEAR_CONSTANT:
        reasons.append(
            f"near-constant out-of-fold predictions (sd {checks['oof_sd_ratio']:.3g} x the "
            f"response's; below {NEAR_CONSTANT:g})"
        )
    if checks["fit_sd_ratio"] < INTERCEPT_ONLY:
        reasons.append(
            f"intercept-only fit (fitted values vary {checks['fit_sd_ratio']:.2g} x the "
            "response's sd)"
        )
    return checks, reasons


def _verdict(
    x: np.ndarray,
    y: np.ndarray,
    oof: np.ndarray,
    observed: float,
    null: np.ndarray,
    *,
    method: str,
    **kwargs: Any,
) -> dict[str, Any]:
    checks, reasons = _checks(x, y, oof, method, **kwargs)
    metric = _metric_name(method)
    p = _empirical_p(observed, null)["p_value"]
    valid = null[np.isfinite(null)]
    summary = {
        "mean": float(valid.mean()) if len(valid) else None,
        "q95": float(np.quantile(valid, 0.95)) if len(valid) else None,
        "n_valid": len(valid),
    }
    n = len(y)
    baselines: dict[str, Any] = {f"null_{metric}_mean": summary["mean"]}
    if method == "logistic":
        baselines["model_auc"] = classification_metrics(y, oof)["auc"]
        baselines["chance_auc"] = 0.5
    else:
        # predicting each left-out sample by the mean of the others: the no-model baseline
        loo_mean = (y.sum() - y) / (n - 1)
        baselines["model_rmse"] = float(np.sqrt(np.mean((y - oof) ** 2)))
        baselines["mean_predictor_rmse"] = float(np.sqrt(np.mean((y - loo_mean) ** 2)))
    if reasons:
        verdict: Verdict = "degenerate"
    elif np.isfinite(p) and p <= ALPHA_LEVEL:
        verdict = "signal"
        reasons = [f"LOOCV {metric} {observed:.3g} beats the permutation null, p = {p:.3g}"]
    else:
        verdict = "no signal"
        shown = f"{observed:.3g}" if np.isfinite(observed) else "undefined (constant predictions)"
        reasons = [
            f"LOOCV {metric} {shown} does not beat the permutation null "
            f"(p = {p:.3g} > {ALPHA_LEVEL:g})"
            if np.isfinite(p)
            else f"LOOCV {metric} {shown}: no valid permutation p"
        ]
    return {
        "verdict": verdict,
        "reasons": reasons,
        "metric": metric,
        "observed": observed if np.isfinite(observed) else None,
        "p_value": p if np.isfinite(p) else None,
        "alpha_level": ALPHA_LEVEL,
        "null": summary,
        "checks": checks,
        "baselines": baselines,
    }


def describe(verdict: dict[str, Any]) -> str:
    """One line: the verdict, the permutation p with its resolution, and why."""
    p = verdict.get("p_value")
    shown_p = "n/a" if p is None else f"{p:.3g}"
    return (
        f"verdict: {verdict['verdict'].upper()} (permutation p = {shown_p}, "
        f"{verdict.get('n_permutations')} permutations, resolution "
        f"{verdict.get('resolution', float('nan')):.2g}): {'; '.join(verdict['reasons'])}"
    )
