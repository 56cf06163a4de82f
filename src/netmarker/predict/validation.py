"""Cross-validation, permutation verdicts and baselines of any response estimator.

Every function takes an estimator (a :class:`~netmarker.predict.estimators.ModuleRegressor`,
:class:`~netmarker.predict.estimators.ModuleClassifier`, or any scikit-learn regressor or
binary classifier, e.g. a ``Pipeline``), module features as a **samples x features**
DataFrame and the response as a Series by sample. Sample ids are paired by
:func:`align_samples`, the rule the CLI uses (exact, then ignoring case, then punctuation:
organoid ``P19a`` = ``P19A``), and every id it could not pair is logged and returned.

The defaults, documented once:

* ``cv``: :data:`DEFAULT_CV` (``"loo"``, leave-one-out: the organoid cohorts have ~20
  samples); an int gives shuffled K-fold (stratified for classifiers), or pass any
  scikit-learn splitter.
* the verdict: label permutations of the whole LOOCV (:func:`assess`), ``p <=``
  :data:`ALPHA_LEVEL`; :data:`DEFAULT_PERMUTATIONS` by method.
* baselines: drug targets, all pathways, :data:`DEFAULT_N_RANDOM` random module sets.

Nominal p-values of out-of-fold correlations are not valid (the folds share samples);
:func:`permutation_test` and :func:`assess` give valid ones.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats
from sklearn.base import clone, is_classifier
from sklearn.metrics import accuracy_score, roc_auc_score
from sklearn.model_selection import KFold, LeaveOneOut, StratifiedKFold

from netmarker.errors import DataError
from netmarker.ids.samples import IdMatch, match_ids
from netmarker.predict.estimators import (
    MIN_CV_SAMPLES,
    ModuleClassifier,
    ModuleRegressor,
    TopN,
    default_grid,
    fit_arrays,
    folds,
    method_of,
    scaler,
)
from netmarker.predict.features import (
    check_matrix,
    gene_features,
    match_gene_sets,
    membership_matrix,
    normalize_range,
    preview,
    score_modules,
    ssgsea_raw,
    zscore_genes,
)
from netmarker.predict.ridge import ridge_loo_batch
from netmarker.predict.scoring import expression_frame

log = logging.getLogger(__name__)

CV = int | Literal["loo"]
Verdict = Literal["signal", "no signal", "degenerate"]
#: the cross-validation of every model, baseline and verdict unless told otherwise
DEFAULT_CV: Literal["loo"] = "loo"
#: permutation p at or below which a model has signal
ALPHA_LEVEL = 0.05
#: permutations by default: ridge LOOCV is batched across permutations, the others are not
DEFAULT_PERMUTATIONS = {"ridge": 1000, "linear": 200, "svr": 100, "logistic": 100}
#: random module sets of the random-modules baseline
DEFAULT_N_RANDOM = 100
#: out-of-fold predictions with sd below this fraction of the response's sd are near-constant
#: (an intercept-only model under leave-one-out gives 1 / (n - 1): 0.056 at n = 19)
NEAR_CONSTANT = 0.1
#: a final fit whose in-sample predictions vary by less than this fraction of the
#: response's sd (or, for logistic models, whose linear predictor varies by less than it)
#: is intercept-only in effect
INTERCEPT_ONLY = 0.01
_BATCH = 256  # permutations solved together: bounds memory at ~_BATCH x n x 100 floats


@dataclass
class CVResult:
    """Out-of-fold predictions (``observed``, ``predicted``, ``fold`` by sample) and metrics.

    ``predicted`` holds values for regressors and the probability of the positive class for
    classifiers; ``selected`` the kept features of every fold (module estimators).
    """

    predictions: pd.DataFrame
    metrics: dict[str, Any]
    method: str
    cv: Any
    selected: list[list[str]] = field(default_factory=list)


# --- samples ---------------------------------------------------------------------------------


def align_samples(
    features: pd.DataFrame, response: pd.Series
) -> tuple[pd.DataFrame, pd.Series, IdMatch]:
    """Pair the response's samples with the feature rows, the CLI's way; report the rest.

    Ids are matched exactly, then ignoring case, then ignoring case and punctuation
    (:func:`netmarker.ids.samples.match_ids`). Returns the matched feature rows in the
    response's order (the CLI's: it pairs samples in the response file's order, and
    inner-fold shuffles depend on the order), the response re-indexed by the feature ids,
    and the match (its ``unmatched_wanted`` / ``unmatched_available`` list the response /
    feature ids left out, which are also logged as a warning).
    """
    check_matrix(features, "features", rows="samples", columns="features")
    if not isinstance(response, pd.Series):
        raise DataError("response", f"expected a pandas Series, got {type(response).__name__}")
    if response.index.has_duplicates:
        dups = response.index[response.index.duplicated()].unique().tolist()
        raise DataError("response", f"duplicate samples: {preview(dups)}")
    match = match_ids(response.index.astype(str), features.index.astype(str), kind="sample")
    if match.n_matched == 0:
        hint = ""
        if features.columns.isin(response.index).any():
            hint = " (the feature columns match the samples: transpose the features with .T)"
        raise DataError(
            "response",
            f"no samples in common between features ({preview(features.index.tolist(), 3)}) "
            f"and response ({preview(response.index.tolist(), 3)}){hint}",
        )
    if match.unmatched_wanted or match.unmatched_available:
        log.warning(
            "%d samples have features or response but not both; ignored (%s)",
            len(match.unmatched_wanted) + len(match.unmatched_available),
            match.summary(),
        )
    # match.pairs are (response id, feature id) in the response's order
    rows = {str(k): i for i, k in enumerate(features.index)}
    positions = {str(k): i for i, k in enumerate(response.index)}
    x = features.iloc[np.asarray([rows[f] for _, f in match.pairs], dtype=np.intp)]
    y = response.iloc[np.asarray([positions[r] for r, _ in match.pairs], dtype=np.intp)]
    return x, y.set_axis(x.index), match


def training_arrays(
    estimator: Any, features: pd.DataFrame, response: pd.Series
) -> tuple[pd.DataFrame, np.ndarray, list[Any] | None]:
    """Aligned features, the response as floats (0/1 for classifiers) and the two classes.

    Raises :class:`DataError` for every problem, naming the samples or features involved:
    missing or infinite values, fewer than 3 samples, constant features, a non-numeric
    regression response, labels that are not two classes of at least 2 samples each.
    """
    x, y_raw, _ = align_samples(features, response)
    if y_raw.isna().any():
        raise DataError("response", f"missing values for samples {preview(x.index[y_raw.isna()])}")
    if len(x) < 3:
        raise DataError("response", f"only {len(x)} samples in common; need at least 3")
    constant = x.columns[x.nunique() <= 1].tolist()
    if constant:
        raise DataError("features", f"constant across the training samples: {preview(constant)}")
    if is_classifier(estimator):
        values = sorted(pd.unique(y_raw).tolist())
        if len(values) != 2 or (
            isinstance(estimator, ModuleClassifier) and not set(values) <= {0, 1}
        ):
            raise DataError(
                "response",
                "logistic regression needs True/False (or 1/0) labels, True = responder, "
                f"with both present; found {len(values)} values: {preview(values)}",
            )
        y = (y_raw == values[1]).to_numpy(dtype=np.float64)
        if min(y.sum(), len(y) - y.sum()) < 2:
            raise DataError("response", "each class needs at least 2 samples")
        return x, y, [v.item() if isinstance(v, np.generic) else v for v in values]
    if not pd.api.types.is_numeric_dtype(y_raw) or pd.api.types.is_bool_dtype(y_raw):
        raise DataError("response", "regression needs numeric values (use method='logistic')")
    y = y_raw.to_numpy(dtype=np.float64)
    if not np.isfinite(y).all():
        raise DataError(
            "response", f"infinite values for samples {preview(x.index[~np.isfinite(y)])}"
        )
    if np.ptp(y) == 0:
        raise DataError("response", "the response is the same for every sample")
    return x, y, None


# --- metrics ---------------------------------------------------------------------------------


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


def is_nominal_p(metric: str) -> bool:
    """Whether ``metric`` is a nominal correlation p-value (``spearman_p``, ``pearson_p``, ...)."""
    return metric.endswith(("_p", "_p_greater"))


def metric_name(estimator: Any) -> str:
    """The metric a verdict tests: AUC for classifiers, Spearman r for regressors."""
    return "auc" if is_classifier(estimator) else "spearman_r"


def empirical_p(observed: float, null: np.ndarray) -> dict[str, Any]:
    """``(1 + #null >= observed) / (1 + #null)`` over the finite null values."""
    valid = null[np.isfinite(null)]
    if not np.isfinite(observed) or len(valid) == 0:
        return {"p_value": float("nan"), "n_null": len(valid)}
    return {
        "p_value": float((1 + (valid >= observed).sum()) / (1 + len(valid))),
        "n_null": len(valid),
    }


# --- cross-validation ------------------------------------------------------------------------


def _seed(estimator: Any, seed: int | None) -> int:
    if seed is not None:
        return int(seed)
    state = getattr(estimator, "random_state", None)
    return int(state) if isinstance(state, int | np.integer) else 0


def splitter(cv: Any, n: int, seed: int, labels: np.ndarray | None) -> Any:
    """The outer splitter: leave-one-out, shuffled (stratified) K-fold, or ``cv`` itself."""
    if cv == "loo":
        return LeaveOneOut()
    if hasattr(cv, "split"):
        return cv
    if isinstance(cv, bool) or not isinstance(cv, int) or cv < 2:
        raise DataError("cv", f"use 'loo' or a number of folds >= 2, got {cv!r}")
    if labels is not None:
        smallest = int(np.bincount(labels.astype(int)).min())
        return StratifiedKFold(n_splits=min(cv, smallest), shuffle=True, random_state=seed)
    return KFold(n_splits=min(cv, n), shuffle=True, random_state=seed)


def _oof(
    estimator: Any, x: pd.DataFrame, y: np.ndarray, split: Any, labels: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray, list[list[str]]]:
    """Out-of-fold predictions (probabilities for classifiers), fold numbers, kept features."""
    predicted = np.full(len(y), np.nan)
    fold_of = np.zeros(len(y), dtype=int)
    selected: list[list[str]] = []
    classifier = is_classifier(estimator)
    for fold, (train, test) in enumerate(split.split(x, labels)):
        model = clone(estimator).fit(x.iloc[train], y[train])
        if classifier:
            positive = list(model.classes_).index(1.0)
            predicted[test] = model.predict_proba(x.iloc[test])[:, positive]
        else:
            predicted[test] = model.predict(x.iloc[test])
        fold_of[test] = fold
        kept = getattr(model, "selected_features_", None)
        if kept is not None:
            selected.append(list(kept))
    return predicted, fold_of, selected


def cross_validate(
    estimator: Any,
    features: pd.DataFrame,
    response: pd.Series,
    *,
    cv: Any = DEFAULT_CV,
    seed: int | None = None,
) -> CVResult:
    """Out-of-fold predictions of ``response`` from ``features`` (samples x features).

    Each fold fits a clone of ``estimator`` on its training samples (for module estimators:
    scaling, ranking, top-N choice and regularisation all inside the fold) and predicts the
    held-out samples. ``seed`` shuffles K-fold splits (default: the estimator's
    ``random_state``). Metrics: :func:`regression_metrics`, or
    :func:`classification_metrics` for classifiers.
    """
    x, y, classes = training_arrays(estimator, features, response)
    labels = y if classes else None
    split = splitter(cv, len(y), _seed(estimator, seed), labels)
    predicted, fold_of, selected = _oof(estimator, x, y, split, labels)
    observed = response.loc[_response_ids(x, response)].to_numpy() if classes else y
    predictions = pd.DataFrame(
        {"observed": observed, "predicted": predicted, "fold": fold_of}, index=x.index
    )
    metrics = classification_metrics(y, predicted) if classes else regression_metrics(y, predicted)
    name = method_of(estimator) or type(estimator).__name__
    return CVResult(predictions, metrics, name, cv, selected)


def _response_ids(x: pd.DataFrame, response: pd.Series) -> list[Any]:
    """The response's own ids of the rows of aligned features ``x``."""
    match = match_ids(response.index.astype(str), x.index.astype(str), kind="sample")
    back = {f: r for r, f in match.mapping.items()}
    positions = {str(k): k for k in response.index}
    return [positions[back[str(s)]] for s in x.index]


def cv_metrics(
    estimator: Any,
    features: pd.DataFrame,
    response: pd.Series,
    *,
    cv: Any = DEFAULT_CV,
    seed: int | None = None,
) -> dict[str, Any]:
    """The cross-validated metrics a model keeps: nominal p-values left out, ``cv`` recorded."""
    result = cross_validate(estimator, features, response, cv=cv, seed=seed)
    kept = {k: v for k, v in result.metrics.items() if not is_nominal_p(k)}
    return {**kept, "cv": cv}


def permutation_test(
    estimator: Any,
    features: pd.DataFrame,
    response: pd.Series,
    *,
    cv: Any = DEFAULT_CV,
    n_permutations: int = 100,
    seed: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Valid p for the cross-validated metric: rerun the whole CV on permuted responses.

    The metric is the out-of-fold Spearman r (regression) or AUC (classification);
    ``p = (1 + #permutations with metric >= observed) / (1 + n_permutations)``;
    ``progress(done, n_permutations)`` is called after each permutation.
    """
    if n_permutations < 1:
        raise DataError("n_permutations", f"must be >= 1, got {n_permutations}")
    metric = metric_name(estimator)
    s = _seed(estimator, seed)
    observed = cross_validate(estimator, features, response, cv=cv, seed=s).metrics[metric]
    rng = np.random.default_rng(s)
    null = np.full(n_permutations, np.nan)
    for i in range(n_permutations):
        shuffled = pd.Series(rng.permutation(response.to_numpy()), index=response.index)
        null[i] = cross_validate(estimator, features, shuffled, cv=cv, seed=s).metrics[metric]
        if progress is not None:
            progress(i + 1, n_permutations)
    return {"metric": metric, "observed": observed, "null": null, **empirical_p(observed, null)}


# --- the verdict: batched ridge LOOCV over label permutations ---------------------------------


def default_permutations(estimator: Any) -> int:
    """Permutations used when none are given (fewer where each one costs a full LOOCV)."""
    return DEFAULT_PERMUTATIONS.get(method_of(estimator) or "", 100)


def _alphas(n: int, alphas: Sequence[float]) -> tuple[float, ...]:
    # as the estimators: tiny training sets get a fixed alpha
    return tuple(alphas) if n >= MIN_CV_SAMPLES else (1.0,)


def _rank_batch(xs: np.ndarray, y: np.ndarray, alphas: Sequence[float]) -> np.ndarray:
    """Column order (b x p) by decreasing |ridge coefficient|, one shared design ``xs``."""
    coef, _, _ = ridge_loo_batch(xs[None], y, _alphas(len(xs), alphas))
    return np.argsort(-np.abs(coef), axis=1, kind="stable")


def _fit_predict(
    xs_train: np.ndarray,
    y: np.ndarray,
    xs_test: np.ndarray,
    cols: np.ndarray,
    alphas: Sequence[float],
) -> tuple[np.ndarray, np.ndarray]:
    """Ridge on each row's columns ``cols`` (b x k); predictions for ``xs_test`` and alphas."""
    design = xs_train[:, cols].transpose(1, 0, 2)  # (b, n, k)
    coef, intercept, alpha = ridge_loo_batch(design, y, _alphas(len(xs_train), alphas))
    test = xs_test[:, cols].transpose(1, 0, 2)  # (b, m, k)
    return (test @ coef[:, :, None])[:, :, 0] + intercept[:, None], alpha


def _choose_top_n_batch(
    x: np.ndarray,
    y: np.ndarray,
    grid: list[int],
    inner_cv: int,
    seed: int | None,
    alphas: Sequence[float],
) -> np.ndarray:
    """Per row of ``y``, N from ``grid`` by inner K-fold CV, as ModuleRegressor does."""
    oof = np.empty((len(grid), *y.shape))
    for train, test in folds(x.shape[0], inner_cv, seed, None).split(x):
        mean, scale = scaler(x[train])
        xs_train, xs_test = (x[train] - mean) / scale, (x[test] - mean) / scale
        order = _rank_batch(xs_train, y[:, train], alphas)
        for g, n in enumerate(grid):
            oof[g][:, test] = _fit_predict(xs_train, y[:, train], xs_test, order[:, :n], alphas)[0]
    loss = np.mean((y[None] - oof) ** 2, axis=2)  # (grid, b)
    chosen: np.ndarray = np.asarray(grid)[np.argmin(loss, axis=0)]  # ties -> fewer features
    return chosen


def _fit_batch(
    x: np.ndarray,
    y: np.ndarray,
    x_test: np.ndarray,
    *,
    top_n: TopN,
    top_n_grid: Sequence[int],
    inner_cv: int,
    seed: int | None,
    alphas: Sequence[float],
) -> tuple[np.ndarray, np.ndarray]:
    """A ridge :class:`ModuleRegressor` fit for every row of ``y`` on one design ``x``;
    predictions (b x m) for ``x_test`` and the final alphas."""
    p = x.shape[1]
    mean, scale = scaler(x)
    xs, xs_test = (x - mean) / scale, (x_test - mean) / scale
    order = _rank_batch(xs, y, alphas)
    if top_n is None or (top_n == "cv" and len(x) < MIN_CV_SAMPLES):
        keep = np.full(len(y), p)
    elif top_n == "cv":
        grid = sorted({min(n, p) for n in top_n_grid})
        keep = _choose_top_n_batch(x, y, grid, inner_cv, seed, alphas)
    else:
        keep = np.full(len(y), min(int(top_n), p))
    predicted = np.empty((len(y), len(x_test)))
    chosen = np.empty(len(y))
    for k in np.unique(keep):
        rows = np.flatnonzero(keep == k)
        cols = np.sort(order[rows, :k], axis=1) if k < p else np.tile(np.arange(p), (len(rows), 1))
        predicted[rows], chosen[rows] = _fit_predict(xs, y[rows], xs_test, cols, alphas)
    return predicted, chosen


def loocv_ridge(
    x: np.ndarray,
    y: np.ndarray,
    estimator: ModuleRegressor | None = None,
) -> np.ndarray:
    """Leave-one-out predictions (b x n) of every response row of ``y`` (b x n) from ``x``.

    The same as :func:`cross_validate` of the ridge ``estimator`` (default
    ``ModuleRegressor()``) with ``cv="loo"``, every fold redoing scaling, ranking, top-N
    choice and alpha, for all rows at once: each fold's design is decomposed once.
    """
    est = ModuleRegressor() if estimator is None else estimator
    if est.method != "ridge":
        raise DataError("estimator", f"loocv_ridge needs a ridge estimator, got {est.method!r}")
    kwargs: dict[str, Any] = {
        "top_n": est.top_n,
        "top_n_grid": tuple(est.top_n_grid),
        "inner_cv": int(est.inner_cv),
        "seed": est.random_state,
        "alphas": tuple(float(a) for a in est.alphas),
    }
    n = x.shape[0]
    out = np.empty(y.shape)
    for i in range(n):
        train = np.delete(np.arange(n), i)
        out[:, i] = _fit_batch(x[train], y[:, train], x[i : i + 1], **kwargs)[0][:, 0]
    return out


def _spearman_rows(observed: np.ndarray, predicted: np.ndarray) -> np.ndarray:
    """Spearman r of each row pair (NaN where the predictions are constant)."""
    r_obs = stats.rankdata(observed, axis=1)
    r_pred = stats.rankdata(predicted, axis=1)
    r_obs -= r_obs.mean(axis=1, keepdims=True)
    r_pred -= r_pred.mean(axis=1, keepdims=True)
    denom = np.sqrt((r_obs**2).sum(axis=1) * (r_pred**2).sum(axis=1))
    with np.errstate(invalid="ignore", divide="ignore"):
        r = (r_obs * r_pred).sum(axis=1) / denom
    r[(np.ptp(predicted, axis=1) == 0) | (np.ptp(observed, axis=1) == 0)] = np.nan
    return np.asarray(r, dtype=np.float64)


def _permuted(y: np.ndarray, n_permutations: int, seed: int) -> np.ndarray:
    # the stream permutation_test draws (same seed -> same permutations)
    rng = np.random.default_rng(seed)
    return np.stack([rng.permutation(y) for _ in range(n_permutations)])


def assess(
    estimator: Any,
    features: pd.DataFrame,
    response: pd.Series,
    *,
    n_permutations: int | None = None,
    seed: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """The verdict on ``estimator`` for ``response`` from ``features`` (samples x features).

    *signal*: the LOOCV metric (Spearman r of out-of-fold predictions, AUC for classifiers)
    beats a label-permutation null at ``p <=`` :data:`ALPHA_LEVEL`, every permutation
    redoing the **whole** LOOCV, and the model is not degenerate. *degenerate*:
    regularisation at the edge of its grid (the strongest end; the weakest only when the
    model keeps as many features as samples - 1), near-constant out-of-fold predictions, or
    an intercept-only fit. *no signal*: the rest.

    Returns a plain dict (saved as a model's ``metadata["verdict"]``): ``verdict``,
    ``reasons``, the LOOCV metric and its permutation ``p_value`` (``resolution`` =
    1 / (n_permutations + 1)), the null's summary, the degeneracy ``checks`` and
    ``baselines`` (predicting every left-out sample by the mean of the others; the null).
    ``progress(done, total)`` is called as permutations complete. A ridge
    :class:`ModuleRegressor` is cross-validated for all permutations at once
    (:func:`loocv_ridge`); other estimators rerun :func:`cross_validate` per permutation.
    """
    n_perm = default_permutations(estimator) if n_permutations is None else int(n_permutations)
    if n_perm < 19:
        raise DataError("permutations", f"need >= 19 permutations to reach p <= 0.05, got {n_perm}")
    started = time.perf_counter()
    s = _seed(estimator, seed)
    x_df, y, _ = training_arrays(estimator, features, response)
    x = x_df.to_numpy(np.float64)
    metric = metric_name(estimator)
    perms = _permuted(y, n_perm, s)
    if isinstance(estimator, ModuleRegressor) and estimator.method == "ridge":
        oof = loocv_ridge(x, y[None], estimator)[0]
        null = np.empty(n_perm)
        for start in range(0, n_perm, _BATCH):
            block = perms[start : start + _BATCH]
            predicted = loocv_ridge(x, block, estimator)
            null[start : start + len(block)] = _spearman_rows(block, predicted)
            if progress is not None:
                progress(start + len(block), n_perm)
        observed = float(_spearman_rows(y[None], oof[None])[0])
    else:
        index = x_df.index

        def run(values: np.ndarray) -> tuple[float, np.ndarray]:
            result = cross_validate(
                estimator, x_df, pd.Series(values, index=index), cv="loo", seed=s
            )
            return float(result.metrics[metric]), result.predictions["predicted"].to_numpy()

        observed, oof = run(y)
        null = np.empty(n_perm)
        for i, values in enumerate(perms):
            null[i] = run(values)[0]
            if progress is not None:
                progress(i + 1, n_perm)
    result = _verdict(estimator, x_df, y, oof, observed, null)
    result.update(
        n_permutations=n_perm,
        resolution=1.0 / (n_perm + 1),
        seed=s,
        cv="loo",
        procedure="label permutations; the whole LOOCV (scaling, feature ranking, top-N by "
        "inner CV, regularisation) redone for every permutation",
        seconds=round(time.perf_counter() - started, 3),
    )
    return result


def _grid_checks(
    estimator: ModuleRegressor | ModuleClassifier, x: np.ndarray, y: np.ndarray
) -> tuple[dict[str, Any], list[str], np.ndarray]:
    """Regularisation at the edge of its grid; the final fit's linear predictor."""
    method = method_of(estimator) or ""
    grid = estimator._grid() if method != "linear" else default_grid(method)
    fit = fit_arrays(
        x,
        y,
        method=method,
        top_n=estimator.top_n,
        top_n_grid=tuple(estimator.top_n_grid),
        inner_cv=int(estimator.inner_cv),
        seed=estimator.random_state,
        grid=grid,
    )
    checks: dict[str, Any] = {}
    reasons: list[str] = []
    if method in ("ridge", "svr", "logistic"):
        name = "alpha" if method == "ridge" else "C"
        chosen = float(fit.hyper[name])
        checks.update({name: chosen, f"{name}_grid": [min(grid), max(grid)]})
        strongest = max(grid) if name == "alpha" else min(grid)
        weakest = min(grid) if name == "alpha" else max(grid)
        kept = len(fit.selected)
        checks["features_kept"] = kept
        if len(y) < MIN_CV_SAMPLES or len(grid) < 2:
            pass  # too few samples to choose (the fixed default was used), or nothing to choose
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
    return checks, reasons, linear


def _checks(
    estimator: Any, x_df: pd.DataFrame, y: np.ndarray, oof: np.ndarray
) -> tuple[dict[str, Any], list[str]]:
    """Degeneracy checks on the final fit and the out-of-fold predictions."""
    x = x_df.to_numpy(np.float64)
    if isinstance(estimator, ModuleRegressor | ModuleClassifier):
        checks, reasons, linear = _grid_checks(estimator, x, y)
    else:
        checks, reasons = {}, []
        final = clone(estimator).fit(x_df, y)
        if is_classifier(estimator) and hasattr(final, "decision_function"):
            linear = np.asarray(final.decision_function(x_df), dtype=np.float64)
        else:
            linear = np.asarray(final.predict(x_df), dtype=np.float64)
    if is_classifier(estimator):
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
    estimator: Any,
    x_df: pd.DataFrame,
    y: np.ndarray,
    oof: np.ndarray,
    observed: float,
    null: np.ndarray,
) -> dict[str, Any]:
    checks, reasons = _checks(estimator, x_df, y, oof)
    metric = metric_name(estimator)
    p = empirical_p(observed, null)["p_value"]
    valid = null[np.isfinite(null)]
    summary = {
        "mean": float(valid.mean()) if len(valid) else None,
        "q95": float(np.quantile(valid, 0.95)) if len(valid) else None,
        "n_valid": len(valid),
    }
    n = len(y)
    baselines: dict[str, Any] = {f"null_{metric}_mean": summary["mean"]}
    if is_classifier(estimator):
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


# --- baselines -------------------------------------------------------------------------------


def random_modules(
    sizes: Sequence[int], universe: Iterable[str], n_draws: int, seed: int
) -> list[dict[str, list[str]]]:
    """``n_draws`` sets of random modules with the given ``sizes``, drawn from ``universe``."""
    genes = np.asarray(list(dict.fromkeys(universe)))
    if len(sizes) == 0 or max(sizes) > len(genes):
        raise DataError("random modules", f"cannot draw modules of {max(sizes, default=0)} genes")
    rng = np.random.default_rng(seed)
    return [
        {
            f"random_{d}_{i}": rng.choice(genes, size=k, replace=False).tolist()
            for i, k in enumerate(sizes)
        }
        for d in range(n_draws)
    ]


def _score_draws(
    expression: pd.DataFrame,
    draws: list[dict[str, list[str]]],
    score_method: str,
    normalize: bool,
) -> list[pd.DataFrame]:
    """Score every draw as its own run (samples x modules), sharing the per-sample ranking."""
    z = zscore_genes(expression).to_numpy() if score_method == "mean_z" else None
    values = expression.to_numpy(np.float64)
    out = []
    for draw in draws:
        membership = membership_matrix(expression.index, draw)
        if z is None:
            scores = ssgsea_raw(values, membership, 0.25)
            scores = normalize_range(scores) if normalize else scores
        else:
            scores = (membership @ z) / np.asarray(membership.sum(axis=1))
        out.append(pd.DataFrame(scores.T, index=expression.columns, columns=list(draw)))
    return out


@dataclass
class BaselineResult:
    """One row per feature set (``table``) and the random-module null of the chosen metric."""

    table: pd.DataFrame
    null: np.ndarray
    metric: str
    empirical_p: float
    cv_results: dict[str, CVResult] = field(default_factory=dict)


def compare_baselines(
    estimator: Any,
    expression: Any,
    response: pd.Series,
    modules: Mapping[str, Sequence[str]],
    *,
    targets: Sequence[str] | None = None,
    all_pathways: Mapping[str, Sequence[str]] | None = None,
    n_random: int = DEFAULT_N_RANDOM,
    random_universe: Sequence[str] | None = None,
    cv: Any = DEFAULT_CV,
    score_method: Literal["ssgsea", "mean_z"] = "ssgsea",
    normalize: bool = True,
    min_size: int = 5,
    seed: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> BaselineResult:
    """Cross-validate ``estimator`` on the network modules and on baselines, same folds.

    Baselines: the drug targets' own expression (``targets``), every pathway
    (``all_pathways``), and ``n_random`` draws of random modules with the same (measured)
    sizes as ``modules``, drawn from ``random_universe`` (default: all measured genes). The
    empirical p is ``(1 + #draws with metric >= network metric) / (1 + n_random)`` for the
    Spearman r (regression) or AUC (classification) of out-of-fold predictions.
    ``expression`` is samples x genes (a DataFrame, or an AnnData's ``.X``); every feature
    table built from it is samples x features. ``progress(done, n_random)`` is called after
    each draw.
    """
    expression = expression_frame(expression).T  # the scoring functions take genes x samples
    metric = metric_name(estimator)
    s = _seed(estimator, seed)
    results: dict[str, CVResult] = {}

    def run(name: str, feats: pd.DataFrame) -> CVResult:
        results[name] = cross_validate(estimator, feats, response, cv=cv, seed=s)
        return results[name]

    rows = []
    net = score_modules(
        expression, modules, method=score_method, normalize=normalize, min_size=min_size
    )
    rows.append(("network_modules", net.scores.shape[1], run("network_modules", net.scores)))
    if targets is not None:
        genes = gene_features(expression, targets)
        rows.append(("drug_targets", genes.shape[1], run("drug_targets", genes)))
    if all_pathways is not None:
        allp = score_modules(
            expression, all_pathways, method=score_method, normalize=normalize, min_size=min_size
        )
        rows.append(("all_pathways", allp.scores.shape[1], run("all_pathways", allp.scores)))
    null = np.full(n_random, np.nan)
    draws: list[dict[str, list[str]]] = []
    if n_random > 0:
        sets, _ = match_gene_sets(expression.index, modules, min_size=min_size)
        universe = expression.index if random_universe is None else pd.Index(random_universe)
        universe = universe[universe.isin(expression.index)]
        draws = random_modules([len(m) for m in sets.values()], universe, n_random, s)
        for d, feats in enumerate(_score_draws(expression, draws, score_method, normalize)):
            null[d] = cross_validate(estimator, feats, response, cv=cv, seed=s).metrics[metric]
            if progress is not None:
                progress(d + 1, n_random)
    observed = results["network_modules"].metrics[metric]
    p_value = empirical_p(observed, null)["p_value"]
    valid = null[np.isfinite(null)]
    table = pd.DataFrame(
        [
            {"features": name, "n_features": n, **{k: r.metrics.get(k) for k in r.metrics}}
            for name, n, r in rows
        ]
    )
    if n_random > 0:
        random_row = {
            "features": "random_modules",
            "n_features": len(draws[0]),
            metric: float(np.nanmean(null)) if len(valid) else float("nan"),
        }
        table = pd.concat([table, pd.DataFrame([random_row])], ignore_index=True)
    table["empirical_p"] = np.nan
    table.loc[table["features"] == "network_modules", "empirical_p"] = p_value
    return BaselineResult(table, null, metric, p_value, results)
