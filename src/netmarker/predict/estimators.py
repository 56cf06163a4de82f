"""scikit-learn estimators of drug response from module features (samples x features).

:class:`ModuleRegressor` (ridge, linear SVR, least squares) and :class:`ModuleClassifier`
(logistic regression, two classes) are the predictors of Kong et al. 2020 as scikit-learn
estimators: ``fit(X, y)``, ``predict(X)``, ``get_params`` / ``set_params``, ``clone``, usable
in ``cross_val_score``, ``GridSearchCV`` and ``Pipeline``. ``fit``:

1. standardises every feature on the training samples (population sd; 1 where constant);
2. ranks the features by the absolute coefficient of a model fitted on all of them;
3. keeps the top N: ``top_n`` features, or (``top_n="cv"``) the N of ``top_n_grid`` with the
   lowest ``inner_cv``-fold CV loss, the ranking redone inside every inner fold;
4. refits on the kept features, the regularisation chosen on the training samples (ridge:
   exact leave-one-out over ``alphas``; SVR and logistic: 3-fold CV over ``cs``).

Every tuning grid and the inner CV scheme are constructor parameters; their defaults are the
module constants below, documented here once. Cross-validation, baselines and permutation
verdicts of an estimator are in :mod:`netmarker.predict.validation`.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.svm import LinearSVR
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from netmarker.errors import DataError
from netmarker.predict.ridge import ridge_loo

log = logging.getLogger(__name__)

Method = Literal["ridge", "svr", "linear", "logistic"]
RegressionMethod = Literal["ridge", "svr", "linear"]
TopN = int | Literal["cv"] | None
METHODS: tuple[str, ...] = ("ridge", "svr", "linear", "logistic")
#: ridge penalties searched by exact leave-one-out inside every fit
RIDGE_ALPHAS: tuple[float, ...] = tuple(float(a) for a in np.logspace(-3, 4, 15))
#: linear SVR C values searched by 3-fold CV inside every fit
SVR_CS: tuple[float, ...] = (0.001, 0.01, 0.1, 1.0, 10.0)
#: logistic regression C values searched by stratified 3-fold CV inside every fit
LOGISTIC_CS: tuple[float, ...] = tuple(float(c) for c in np.logspace(-3, 3, 7))
#: numbers of top features tried when ``top_n="cv"`` (capped at the number of features)
TOP_N_GRID: tuple[int, ...] = (1, 2, 3, 5, 10, 20, 50, 100)
#: folds of the inner CV that chooses N when ``top_n="cv"``
INNER_CV = 5
#: fewest samples for an inner CV (regularisation, top N); below it fixed defaults are used
MIN_CV_SAMPLES = 6
#: folds of the CV that chooses C (SVR, logistic)
C_CV = 3


@dataclass
class ArrayFit:
    """Result of :func:`fit_arrays`: kept column indices and the final model's parameters."""

    selected: np.ndarray
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    ranking_coef: np.ndarray
    hyper: dict[str, Any]


def scaler(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and scale (population sd; 1 where constant, as scikit-learn's StandardScaler)."""
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    return mean, scale


def folds(n: int, k: int, seed: int | None, y: np.ndarray | None) -> KFold | StratifiedKFold:
    """Shuffled K-fold splitter with at most ``n`` folds (stratified for 0/1 labels ``y``)."""
    if y is not None:
        smallest = int(np.bincount(y.astype(int)).min())
        return StratifiedKFold(
            n_splits=max(2, min(int(k), smallest)), shuffle=True, random_state=seed
        )
    return KFold(n_splits=max(2, min(int(k), n)), shuffle=True, random_state=seed)


def cv_possible(y: np.ndarray, labels: bool) -> bool:
    """Enough samples (and of each class) for an inner cross-validation."""
    if len(y) < MIN_CV_SAMPLES:
        return False
    return not labels or int(np.bincount(y.astype(int), minlength=2).min()) >= 2


def default_grid(method: str) -> tuple[float, ...]:
    """The regularisation grid of ``method`` (empty for least squares)."""
    return {"ridge": RIDGE_ALPHAS, "svr": SVR_CS, "logistic": LOGISTIC_CS}.get(method, ())


def fit_linear(
    x: np.ndarray, y: np.ndarray, method: str, seed: int | None, grid: Sequence[float]
) -> tuple[np.ndarray, float, dict[str, Any]]:
    """Fit one standardised model, regularisation chosen from ``grid``; coef, intercept, hyper."""
    n = len(y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        if method == "ridge":
            # efficient leave-one-out needs a few samples; tiny folds get a fixed alpha
            coef, intercept, alpha = ridge_loo(x, y, tuple(grid) if n >= MIN_CV_SAMPLES else (1.0,))
            return coef, intercept, {"alpha": alpha}
        if method == "linear":
            est = LinearRegression().fit(x, y)
            return est.coef_.ravel(), float(est.intercept_), {}
        if method == "svr":

            def make_svr(c: float) -> LinearSVR:
                return LinearSVR(C=c, random_state=seed, max_iter=20000, dual="auto")

            c = _choose_c(make_svr, x, y, grid, None, seed) if cv_possible(y, False) else 1.0
            svr = make_svr(c).fit(x, y)
            return svr.coef_.ravel(), float(np.ravel(svr.intercept_)[0]), {"C": c}

        # logistic: y holds 0/1
        def make_logistic(c: float) -> LogisticRegression:
            return LogisticRegression(C=c, solver="newton-cholesky", max_iter=1000)

        if len(np.unique(y)) < 2:
            raise DataError(
                "response", "a training fold holds one class only: use fewer folds or more samples"
            )
        c = _choose_c(make_logistic, x, y, grid, y, seed) if cv_possible(y, True) else 1.0
        logistic = make_logistic(c).fit(x, y)
        return logistic.coef_.ravel(), float(logistic.intercept_[0]), {"C": c}


def _choose_c(
    make: Callable[[float], Any],
    x: np.ndarray,
    y: np.ndarray,
    grid: Sequence[float],
    labels: np.ndarray | None,
    seed: int | None,
) -> float:
    """Regularisation C with the lowest 3-fold CV loss (MSE, or log loss for labels)."""
    loss = dict.fromkeys(grid, 0.0)
    for train, test in folds(len(y), C_CV, seed, labels).split(x, labels):
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
    raw = np.asarray(x @ coef + intercept, dtype=np.float64)
    return 1.0 / (1.0 + np.exp(-raw)) if method == "logistic" else raw


def _rank(
    x: np.ndarray, y: np.ndarray, method: str, seed: int | None, grid: Sequence[float]
) -> tuple[np.ndarray, np.ndarray]:
    """Column order by decreasing |coefficient| of a model on all (standardised) columns."""
    coef, _, _ = fit_linear(x, y, method, seed, grid)
    return np.argsort(-np.abs(coef), kind="stable"), coef


def _choose_top_n(
    x: np.ndarray,
    y: np.ndarray,
    method: str,
    candidates: list[int],
    inner_cv: int,
    seed: int | None,
    grid: Sequence[float],
) -> tuple[int, dict[int, float]]:
    """Pick N from ``candidates`` by inner K-fold CV (ranking redone inside every fold)."""
    labels = y if method == "logistic" else None
    oof = {n: np.empty(len(y)) for n in candidates}
    for train, test in folds(len(y), inner_cv, seed, labels).split(x, labels):
        mean, scale = scaler(x[train])
        xs_train, xs_test = (x[train] - mean) / scale, (x[test] - mean) / scale
        order, _ = _rank(xs_train, y[train], method, seed, grid)
        for n in candidates:
            cols = order[:n]
            coef, intercept, _ = fit_linear(xs_train[:, cols], y[train], method, seed, grid)
            oof[n][test] = linear_predict(xs_test[:, cols], coef, intercept, method)
    if method == "logistic":
        loss = {n: -float(roc_auc_score(y, p)) for n, p in oof.items()}
    else:
        loss = {n: float(np.mean((y - p) ** 2)) for n, p in oof.items()}
    best = min(candidates, key=lambda n: (loss[n], n))  # ties -> fewer features
    return best, loss


def fit_arrays(
    x: np.ndarray,
    y: np.ndarray,
    *,
    method: str,
    top_n: TopN,
    top_n_grid: Sequence[int] = TOP_N_GRID,
    inner_cv: int = INNER_CV,
    seed: int | None = 0,
    grid: Sequence[float] | None = None,
) -> ArrayFit:
    """Scale, rank, select and refit on plain arrays (``y`` 0/1 for ``"logistic"``).

    No input validation: the estimators validate, and cross-validation calls this inside
    every fold. ``grid`` is the regularisation grid (default: :func:`default_grid`).
    """
    reg = default_grid(method) if grid is None else tuple(grid)
    p = x.shape[1]
    mean, scale = scaler(x)
    xs = (x - mean) / scale
    order, ranking_coef = _rank(xs, y, method, seed, reg)
    hyper: dict[str, Any] = {}
    if top_n is None:
        n_keep = p
    elif top_n == "cv" and not cv_possible(y, method == "logistic"):
        log.debug("too few samples to choose top N by inner CV; keeping all %d features", p)
        n_keep = p
        hyper["top_n_cv"] = f"skipped: fewer than {MIN_CV_SAMPLES} samples or 2 per class"
    elif top_n == "cv":
        candidates = sorted({min(n, p) for n in top_n_grid})
        n_keep, loss = _choose_top_n(x, y, method, candidates, inner_cv, seed, reg)
        hyper["top_n_grid"] = candidates
        hyper["top_n_cv_loss"] = [loss[n] for n in candidates]
        hyper["top_n_cv_loss_name"] = "-auc" if method == "logistic" else "mse"
    else:
        n_keep = min(int(top_n), p)
    cols = np.sort(order[:n_keep]) if n_keep < p else np.arange(p)
    coef, intercept, final_hyper = fit_linear(xs[:, cols], y, method, seed, reg)
    hyper.update(final_hyper)
    hyper["top_n"] = int(n_keep)
    return ArrayFit(cols, mean[cols], scale[cols], coef, intercept, ranking_coef, hyper)


def _check_top_n(top_n: object, top_n_grid: object, inner_cv: object) -> None:
    """Validate the selection parameters (at fit time, as scikit-learn asks)."""
    if isinstance(top_n, bool) or not (
        top_n is None or top_n == "cv" or (isinstance(top_n, int | np.integer) and top_n >= 1)
    ):
        raise ValueError(f"top_n must be an int >= 1, 'cv' or None, got {top_n!r}")
    if top_n == "cv":
        grid = list(top_n_grid) if isinstance(top_n_grid, Sequence | np.ndarray) else []
        if not grid or not all(
            isinstance(n, int | np.integer) and not isinstance(n, bool) and n >= 1 for n in grid
        ):
            raise ValueError(
                f"top_n_grid must be a non-empty list of ints >= 1, got {top_n_grid!r}"
            )
        if isinstance(inner_cv, bool) or not isinstance(inner_cv, int | np.integer) or inner_cv < 2:
            raise ValueError(f"inner_cv must be a number of folds >= 2, got {inner_cv!r}")


def _check_grid(name: str, grid: object) -> tuple[float, ...]:
    values = list(grid) if isinstance(grid, Sequence | np.ndarray) else []
    if not values or not all(
        isinstance(v, int | float | np.number) and not isinstance(v, bool) and v > 0 for v in values
    ):
        raise ValueError(f"{name} must be a non-empty list of numbers > 0, got {grid!r}")
    return tuple(float(v) for v in values)


class _ModuleModel(BaseEstimator):
    """Shared fitted state and prediction of the module estimators."""

    top_n: TopN
    top_n_grid: Sequence[int]
    inner_cv: int
    random_state: int | None

    # fitted attributes (set by fit)
    n_features_in_: int
    support_: np.ndarray
    mean_: np.ndarray
    scale_: np.ndarray
    coef_: np.ndarray
    intercept_: float
    ranking_coef_: np.ndarray
    top_n_: int
    hyperparameters_: dict[str, Any]

    def _method(self) -> str:
        raise NotImplementedError

    def _grid(self) -> tuple[float, ...]:
        raise NotImplementedError

    def _fit_encoded(self, x: np.ndarray, y: np.ndarray) -> None:
        """Fit on validated float arrays (``y`` 0/1 for the classifier)."""
        method = self._method()
        _check_top_n(self.top_n, self.top_n_grid, self.inner_cv)
        top_n: TopN = self.top_n if self.top_n is None or self.top_n == "cv" else int(self.top_n)
        fit = fit_arrays(
            x,
            y,
            method=method,
            top_n=top_n,
            top_n_grid=tuple(int(n) for n in self.top_n_grid),
            inner_cv=int(self.inner_cv),
            seed=self.random_state,
            grid=self._grid(),
        )
        if "top_n_cv" in fit.hyper:
            log.warning(
                "top N not chosen (%s); kept all %d features", fit.hyper["top_n_cv"], x.shape[1]
            )
        self.support_ = fit.selected
        self.mean_ = fit.mean
        self.scale_ = fit.scale
        self.coef_ = fit.coef
        self.intercept_ = fit.intercept
        self.ranking_coef_ = fit.ranking_coef
        self.top_n_ = int(fit.hyper["top_n"])
        self.hyperparameters_ = dict(fit.hyper)

    def _linear(self, X: Any) -> np.ndarray:
        """The linear predictor of validated ``X`` (training scaling).

        A DataFrame with more columns than the estimator was fitted on, all of those among
        them, is narrowed to them by name (a model loaded from JSON knows its kept features
        only; a scores table holds every candidate module).
        """
        check_is_fitted(self, "coef_")
        names = getattr(self, "feature_names_in_", None)
        if (
            names is not None
            and isinstance(X, pd.DataFrame)
            and X.shape[1] > len(names)
            and set(names) <= set(X.columns)
        ):
            X = X.loc[:, list(names)]
        x = validate_data(self, X, reset=False, dtype=np.float64)
        xs = (x[:, self.support_] - self.mean_) / self.scale_
        return np.asarray(xs @ self.coef_ + self.intercept_, dtype=np.float64)

    @property
    def selected_features_(self) -> list[str]:
        """Names of the kept features (``x<i>`` when fitted on an array without names)."""
        check_is_fitted(self, "coef_")
        names = getattr(self, "feature_names_in_", None)
        if names is None:
            return [f"x{i}" for i in self.support_]
        return [str(names[i]) for i in self.support_]

    @property
    def ranking_(self) -> list[tuple[str, float]]:
        """Every feature's coefficient in the ranking fit, by decreasing absolute value."""
        check_is_fitted(self, "coef_")
        names = getattr(self, "feature_names_in_", None)
        labels = (
            [f"x{i}" for i in range(self.n_features_in_)]
            if names is None
            else [str(n) for n in names]
        )
        order = np.argsort(-np.abs(self.ranking_coef_), kind="stable")
        return [(labels[i], float(self.ranking_coef_[i])) for i in order]


class ModuleRegressor(RegressorMixin, _ModuleModel):
    """Linear response regressor over the top-ranked features (ridge, linear SVR or OLS).

    Parameters
    ----------
    method : "ridge", "svr" or "linear"
        Ridge (alpha by exact leave-one-out, as ``RidgeCV``), linear SVR (C by 3-fold CV) or
        ordinary least squares.
    top_n : int, "cv" or None
        Features kept: that many top-ranked ones, the number chosen from ``top_n_grid`` by
        ``inner_cv``-fold CV (the ranking redone in every inner fold), or all (None).
    top_n_grid : sequence of int
        Candidate numbers of features for ``top_n="cv"`` (capped at the number of features).
    inner_cv : int
        Folds of the inner CV choosing N (shuffled with ``random_state``).
    alphas : sequence of float
        Ridge penalties searched (``method="ridge"``).
    cs : sequence of float
        SVR C values searched by 3-fold CV (``method="svr"``).
    random_state : int or None
        Seed of the inner folds and of the SVR solver.

    Fitted attributes: ``support_`` (kept column indices), ``selected_features_``,
    ``mean_`` / ``scale_`` (training scaling of the kept columns), ``coef_``, ``intercept_``
    (on the standardised kept columns), ``ranking_coef_`` / ``ranking_``, ``top_n_``,
    ``hyperparameters_``, ``n_features_in_`` and ``feature_names_in_``.
    """

    def __init__(
        self,
        method: RegressionMethod = "ridge",
        *,
        top_n: TopN = "cv",
        top_n_grid: Sequence[int] = TOP_N_GRID,
        inner_cv: int = INNER_CV,
        alphas: Sequence[float] = RIDGE_ALPHAS,
        cs: Sequence[float] = SVR_CS,
        random_state: int | None = 0,
    ) -> None:
        self.method = method
        self.top_n = top_n
        self.top_n_grid = top_n_grid
        self.inner_cv = inner_cv
        self.alphas = alphas
        self.cs = cs
        self.random_state = random_state

    def _method(self) -> str:
        if self.method not in ("ridge", "svr", "linear"):
            raise ValueError(
                f"method must be 'ridge', 'svr' or 'linear', got {self.method!r} "
                "(use ModuleClassifier for logistic regression)"
            )
        return str(self.method)

    def _grid(self) -> tuple[float, ...]:
        if self.method == "ridge":
            return _check_grid("alphas", self.alphas)
        if self.method == "svr":
            return _check_grid("cs", self.cs)
        return ()

    def fit(self, X: Any, y: Any) -> ModuleRegressor:
        """Fit on ``X`` (samples x features) and the numeric response ``y``."""
        x, target = validate_data(
            self, X, y, y_numeric=True, dtype=np.float64, ensure_min_samples=3
        )
        self._fit_encoded(x, np.asarray(target, dtype=np.float64))
        return self

    def predict(self, X: Any) -> np.ndarray:
        """Predicted response of every sample (row) of ``X``, with the training scaling."""
        return self._linear(X)


class ModuleClassifier(ClassifierMixin, _ModuleModel):
    """Logistic responder classifier (two classes) over the top-ranked features.

    ``classes_[1]`` is the positive class (True = responder for True/False labels); C is
    chosen from ``cs`` by stratified 3-fold CV, N (``top_n="cv"``) by the inner CV AUC.
    The other parameters and fitted attributes are those of :class:`ModuleRegressor`.
    """

    classes_: np.ndarray

    def __init__(
        self,
        *,
        top_n: TopN = "cv",
        top_n_grid: Sequence[int] = TOP_N_GRID,
        inner_cv: int = INNER_CV,
        cs: Sequence[float] = LOGISTIC_CS,
        random_state: int | None = 0,
    ) -> None:
        self.top_n = top_n
        self.top_n_grid = top_n_grid
        self.inner_cv = inner_cv
        self.cs = cs
        self.random_state = random_state

    def _method(self) -> str:
        return "logistic"

    def _grid(self) -> tuple[float, ...]:
        return _check_grid("cs", self.cs)

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        return tags

    def fit(self, X: Any, y: Any) -> ModuleClassifier:
        """Fit on ``X`` (samples x features) and two-class labels ``y``."""
        x, target = validate_data(self, X, y, dtype=np.float64, ensure_min_samples=3)
        check_classification_targets(target)
        classes, encoded = np.unique(target, return_inverse=True)
        if len(classes) != 2:
            raise DataError(
                "response",
                "Only binary classification is supported: ModuleClassifier needs exactly 2 "
                f"classes in y, got {len(classes)} class(es)",
            )
        self.classes_ = classes
        self._fit_encoded(x, encoded.astype(np.float64))
        return self

    def decision_function(self, X: Any) -> np.ndarray:
        """The linear predictor (log-odds of ``classes_[1]``) of every sample."""
        return self._linear(X)

    def predict_proba(self, X: Any) -> np.ndarray:
        """Probabilities of ``classes_[0]`` and ``classes_[1]`` (n x 2)."""
        positive = 1.0 / (1.0 + np.exp(-self._linear(X)))
        return np.column_stack([1.0 - positive, positive])

    def predict(self, X: Any) -> np.ndarray:
        """``classes_[1]`` where the log-odds are positive, else ``classes_[0]``."""
        positive = self._linear(X) > 0
        return np.asarray(self.classes_[positive.astype(int)])


def make_estimator(
    method: str = "ridge",
    *,
    top_n: TopN = "cv",
    top_n_grid: Sequence[int] = TOP_N_GRID,
    inner_cv: int = INNER_CV,
    random_state: int | None = 0,
) -> ModuleRegressor | ModuleClassifier:
    """The estimator for a method name (as the CLI's ``--method``), default grids."""
    if method == "logistic":
        return ModuleClassifier(
            top_n=top_n, top_n_grid=top_n_grid, inner_cv=inner_cv, random_state=random_state
        )
    if method not in ("ridge", "svr", "linear"):
        raise DataError("method", f"unknown method {method!r}; use one of {', '.join(METHODS)}")
    return ModuleRegressor(
        method,  # type: ignore[arg-type]
        top_n=top_n,
        top_n_grid=top_n_grid,
        inner_cv=inner_cv,
        random_state=random_state,
    )


def method_of(estimator: Any) -> str | None:
    """The netmarker method of a module estimator, None for any other estimator."""
    if isinstance(estimator, ModuleClassifier):
        return "logistic"
    if isinstance(estimator, ModuleRegressor):
        return str(estimator.method)
    return None
