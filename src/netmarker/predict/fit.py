"""Fitting linear predictors on arrays: scaling, ranking, top-N choice, regularisation.

The machinery shared by :func:`netmarker.predict.model.train` and
:func:`netmarker.predict.crossval.cross_validate` (each fold repeats the whole of it), and the
checks that turn a features table and a response into training arrays.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, cast

import numpy as np
import pandas as pd
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.svm import LinearSVR

from netmarker.errors import DataError
from netmarker.predict.features import check_matrix, preview
from netmarker.predict.ridge import ridge_loo

log = logging.getLogger(__name__)

Method = Literal["ridge", "svr", "linear", "logistic"]
TopN = int | Literal["cv"] | None
METHODS: tuple[str, ...] = ("ridge", "svr", "linear", "logistic")
#: regularisation grids searched by cross-validation inside every fit
RIDGE_ALPHAS: tuple[float, ...] = tuple(float(a) for a in np.logspace(-3, 4, 15))
SVR_CS: tuple[float, ...] = (0.001, 0.01, 0.1, 1.0, 10.0)
LOGISTIC_CS: tuple[float, ...] = tuple(float(c) for c in np.logspace(-3, 3, 7))
#: numbers of top features tried when ``top_n="cv"`` (capped at the number of features)
TOP_N_GRID: tuple[int, ...] = (1, 2, 3, 5, 10, 20, 50, 100)
#: fewest samples for an inner CV (regularisation, top N); below it fixed defaults are used
MIN_CV_SAMPLES = 6


@dataclass
class _Fit:
    """Result of fitting on arrays: selected column indices and the final model's parameters."""

    selected: np.ndarray
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    ranking_coef: np.ndarray
    hyper: dict[str, Any]


def _scaler(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and scale (population sd; 1 where constant, as scikit-learn's StandardScaler)."""
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    return mean, scale


def _folds(n: int, k: int | str, seed: int, y: np.ndarray | None) -> KFold | StratifiedKFold:
    """K-fold splitter with at most ``n`` folds (stratified when class labels ``y`` given)."""
    if y is not None:
        smallest = int(np.bincount(y.astype(int)).min())
        return StratifiedKFold(
            n_splits=max(2, min(int(k), smallest)), shuffle=True, random_state=seed
        )
    return KFold(n_splits=max(2, min(int(k), n)), shuffle=True, random_state=seed)


def _cv_possible(y: np.ndarray, labels: bool) -> bool:
    """Enough samples (and of each class) for an inner cross-validation."""
    if len(y) < MIN_CV_SAMPLES:
        return False
    return not labels or int(np.bincount(y.astype(int), minlength=2).min()) >= 2


def _fit_linear(
    x: np.ndarray, y: np.ndarray, method: str, seed: int
) -> tuple[np.ndarray, float, dict[str, Any]]:
    """Fit one standardised model, regularisation chosen by internal CV; coef, intercept, hyper."""
    n = len(y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        if method == "ridge":
            # efficient leave-one-out needs a few samples; tiny folds get a fixed alpha
            coef, intercept, alpha = ridge_loo(
                x, y, RIDGE_ALPHAS if n >= MIN_CV_SAMPLES else (1.0,)
            )
            return coef, intercept, {"alpha": alpha}
        if method == "linear":
            est = LinearRegression().fit(x, y)
            return est.coef_.ravel(), float(est.intercept_), {}
        if method == "svr":

            def make_svr(c: float) -> LinearSVR:
                return LinearSVR(C=c, random_state=seed, max_iter=20000, dual="auto")

            c = _choose_c(make_svr, x, y, SVR_CS, None, seed) if _cv_possible(y, False) else 1.0
            est = make_svr(c).fit(x, y)
            return est.coef_.ravel(), float(np.ravel(est.intercept_)[0]), {"C": c}

        # logistic: y holds 0/1
        def make_logistic(c: float) -> LogisticRegression:
            return LogisticRegression(C=c, solver="newton-cholesky", max_iter=1000)

        if len(np.unique(y)) < 2:
            raise DataError(
                "response", "a training fold holds one class only: use fewer folds or more samples"
            )
        c = _choose_c(make_logistic, x, y, LOGISTIC_CS, y, seed) if _cv_possible(y, True) else 1.0
        est = make_logistic(c).fit(x, y)
        return est.coef_.ravel(), float(est.intercept_[0]), {"C": c}


def _choose_c(
    make: Callable[[float], Any],
    x: np.ndarray,
    y: np.ndarray,
    grid: tuple[float, ...],
    labels: np.ndarray | None,
    seed: int,
) -> float:
    """Regularisation C with the lowest 3-fold CV loss (MSE, or log loss for labels)."""
    loss = dict.fromkeys(grid, 0.0)
    for train, test in _folds(len(y), 3, seed, labels).split(x, labels):
        for c in grid:
            est = make(c).fit(x[train], y[train])
            if labels is None:
                loss[c] += float(np.sum((est.predict(x[test]) - y[test]) ** 2))
            else:
                prob = np.clip(est.predict_proba(x[test])[:, 1], 1e-12, 1 - 1e-12)
                loss[c] -= float(np.sum(y[test] * np.log(prob) + (1 - y[test]) * np.log1p(-prob)))
    return min(grid, key=lambda c: (loss[c], -c))  # ties -> stronger regularisation


def linear_predict(x: np.ndarray, coef: np.ndarray, intercept: float, method: str) -> np.ndarray:
    """Predictions from standardised ``x``: values, or probabilities for ``"logistic"``."""
    raw: np.ndarray = x @ coef + intercept
    return 1.0 / (1.0 + np.exp(-raw)) if method == "logistic" else raw


def _rank(x: np.ndarray, y: np.ndarray, method: str, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Column order by decreasing |coefficient| of a model on all (standardised) columns."""
    coef, _, _ = _fit_linear(x, y, method, seed)
    return np.argsort(-np.abs(coef), kind="stable"), coef


def _choose_top_n(
    x: np.ndarray, y: np.ndarray, method: str, grid: list[int], inner_cv: int, seed: int
) -> tuple[int, dict[int, float]]:
    """Pick N from ``grid`` by inner K-fold CV (ranking redone inside every fold)."""
    labels = y if method == "logistic" else None
    oof = {n: np.empty(len(y)) for n in grid}
    for train, test in _folds(len(y), inner_cv, seed, labels).split(x, labels):
        mean, scale = _scaler(x[train])
        xs_train, xs_test = (x[train] - mean) / scale, (x[test] - mean) / scale
        order, _ = _rank(xs_train, y[train], method, seed)
        for n in grid:
            cols = order[:n]
            coef, intercept, _ = _fit_linear(xs_train[:, cols], y[train], method, seed)
            oof[n][test] = linear_predict(xs_test[:, cols], coef, intercept, method)
    if method == "logistic":
        loss = {n: -float(roc_auc_score(y, p)) for n, p in oof.items()}
    else:
        loss = {n: float(np.mean((y - p) ** 2)) for n, p in oof.items()}
    best = min(grid, key=lambda n: (loss[n], n))  # ties -> fewer features
    return best, loss


def fit_arrays(
    x: np.ndarray,
    y: np.ndarray,
    *,
    method: str,
    top_n: TopN,
    top_n_grid: tuple[int, ...] = TOP_N_GRID,
    inner_cv: int = 5,
    seed: int = 0,
) -> _Fit:
    """Scale, rank, select and refit on plain arrays (no validation; used inside CV folds)."""
    p = x.shape[1]
    mean, scale = _scaler(x)
    xs = (x - mean) / scale
    order, ranking_coef = _rank(xs, y, method, seed)
    hyper: dict[str, Any] = {}
    if top_n is None:
        n_keep = p
    elif top_n == "cv" and not _cv_possible(y, method == "logistic"):
        log.debug("too few samples to choose top N by inner CV; keeping all %d features", p)
        n_keep = p
        hyper["top_n_cv"] = f"skipped: fewer than {MIN_CV_SAMPLES} samples or 2 per class"
    elif top_n == "cv":
        grid = sorted({min(n, p) for n in top_n_grid})
        n_keep, loss = _choose_top_n(x, y, method, grid, inner_cv, seed)
        hyper["top_n_grid"] = grid
        hyper["top_n_cv_loss"] = [loss[n] for n in grid]
        hyper["top_n_cv_loss_name"] = "-auc" if method == "logistic" else "mse"
    else:
        n_keep = min(int(top_n), p)
    cols = np.sort(order[:n_keep]) if n_keep < p else np.arange(p)
    coef, intercept, final_hyper = _fit_linear(xs[:, cols], y, method, seed)
    hyper.update(final_hyper)
    hyper["top_n"] = int(n_keep)
    return _Fit(cols, mean[cols], scale[cols], coef, intercept, ranking_coef, hyper)


def as_method(name: str) -> Method:
    """``name`` as a model method; DataError naming the methods when it is none of them."""
    if name not in METHODS:
        raise DataError("method", f"unknown method {name!r}; use one of {', '.join(METHODS)}")
    return cast(Method, name)


def prepare_training_data(
    features: pd.DataFrame, response: pd.Series, method: str
) -> tuple[pd.DataFrame, np.ndarray, list[Any] | None]:
    """Validate and align features (samples x features) with the response.

    Returns the aligned features, the response as floats (0/1 for ``"logistic"``) and, for
    labels, the two classes ``[negative, positive]``. Raises :class:`DataError` for every
    problem, naming the samples or features involved.
    """
    as_method(method)
    check_matrix(features, "features", rows="samples", columns="features")
    if not isinstance(response, pd.Series):
        raise DataError("response", f"expected a pandas Series, got {type(response).__name__}")
    if response.index.has_duplicates:
        dups = response.index[response.index.duplicated()].unique().tolist()
        raise DataError("response", f"duplicate samples: {preview(dups)}")
    common = features.index[features.index.isin(response.index)]
    if len(common) == 0:
        hint = ""
        if features.columns.isin(response.index).any():
            hint = " (the feature columns match the samples: transpose the features with .T)"
        raise DataError(
            "response",
            f"no samples in common between features ({preview(features.index.tolist(), 3)}) "
            f"and response ({preview(response.index.tolist(), 3)}){hint}",
        )
    n_left = len(features) - len(common) + len(response) - len(common)
    if n_left:
        log.warning("%d samples have features or response but not both; ignored", n_left)
    y_raw = response.loc[common]
    if y_raw.isna().any():
        raise DataError("response", f"missing values for samples {preview(common[y_raw.isna()])}")
    if len(common) < 3:
        raise DataError("response", f"only {len(common)} samples in common; need at least 3")
    x = features.loc[common]
    constant = x.columns[x.nunique() <= 1].tolist()
    if constant:
        raise DataError("features", f"constant across the training samples: {preview(constant)}")
    classes = None
    if method == "logistic":
        values = sorted(pd.unique(y_raw).tolist())
        if not set(values) <= {0, 1} or len(values) != 2:
            raise DataError(
                "response",
                "logistic regression needs True/False (or 1/0) labels, True = responder, "
                f"with both present; found {len(values)} values: {preview(values)}",
            )
        y = y_raw.astype(float).to_numpy(dtype=np.float64)
        smallest = int(min(y.sum(), len(y) - y.sum()))
        if smallest < 2:
            raise DataError("response", "each class needs at least 2 samples")
        classes = [v.item() if isinstance(v, np.generic) else v for v in values]
    else:
        if not pd.api.types.is_numeric_dtype(y_raw) or pd.api.types.is_bool_dtype(y_raw):
            raise DataError("response", "regression needs numeric values (use method='logistic')")
        y = y_raw.to_numpy(dtype=np.float64)
        if not np.isfinite(y).all():
            raise DataError(
                "response", f"infinite values for samples {preview(common[~np.isfinite(y)])}"
            )
        if np.ptp(y) == 0:
            raise DataError("response", "the response is the same for every sample")
    return x, y, classes
