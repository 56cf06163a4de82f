"""Train, apply, save and load linear drug-response predictors on module features.

Features are **samples x features** DataFrames (transpose the output of
``netmarker.predict.features``). The fitting itself is :mod:`netmarker.predict.fit`; the
out-of-fold metrics stored with a model come from :mod:`netmarker.predict.crossval`.
Features are standardised on the training cohort, ranked by the
absolute coefficient of a model fitted on all of them, and the top N kept (N given or chosen
by inner cross-validation); the final model is refitted on the kept features.
Models are stored as one JSON file (never pickle).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from netmarker.errors import DataError, NetmarkerError
from netmarker.io.output import to_jsonable, write_json
from netmarker.predict.crossval import cross_validate
from netmarker.predict.features import check_matrix, preview
from netmarker.predict.fit import (
    METHODS,
    TOP_N_GRID,
    Method,
    TopN,
    fit_arrays,
    linear_predict,
    prepare_training_data,
)

log = logging.getLogger(__name__)

FORMAT = "netmarker-model"
FORMAT_VERSION = 1


@dataclass
class TrainedModel:
    """A fitted linear predictor: everything needed to apply it, plus where it came from.

    ``coefficients`` apply to standardised features ``(x - scaler_mean) / scaler_scale`` in
    the order of ``feature_names``. ``ranking`` holds every candidate feature's coefficient
    in the ranking fit (all features), sorted by decreasing absolute value.
    """

    method: str
    feature_names: list[str]
    scaler_mean: np.ndarray
    scaler_scale: np.ndarray
    coefficients: np.ndarray
    intercept: float
    hyperparameters: dict[str, Any]
    training_samples: list[str]
    ranking: pd.Series
    classes: list[Any] | None = None
    cv_metrics: dict[str, Any] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)


def train(
    features: pd.DataFrame,
    response: pd.Series,
    *,
    method: Method = "ridge",
    top_n: TopN = "cv",
    top_n_grid: tuple[int, ...] = TOP_N_GRID,
    cv: int | Literal["loo"] | None = 5,
    inner_cv: int = 5,
    seed: int = 0,
    metadata: dict[str, Any] | None = None,
) -> TrainedModel:
    """Train a predictor of ``response`` (Series by sample) from ``features`` (samples x features).

    ``method``: ``"ridge"`` (alpha by exact leave-one-out CV, as ``RidgeCV``), ``"svr"``
    (linear SVR, C by 3-fold CV), ``"linear"`` (ordinary least squares) or ``"logistic"``
    (two classes; C by CV; labels True/False or 1/0, True = responder). ``top_n``: an int
    keeps that many top-ranked features, ``"cv"`` chooses N from ``top_n_grid`` by
    ``inner_cv``-fold CV, ``None`` keeps all. ``cv`` (folds or ``"loo"``; ``None`` to skip)
    gives the honest out-of-fold metrics stored in ``cv_metrics`` (selection redone inside
    every fold).
    """
    x, y, classes = prepare_training_data(features, response, method)
    if isinstance(top_n, int) and top_n < 1:
        raise DataError("top_n", f"must be >= 1, got {top_n}")
    if top_n is not None and not isinstance(top_n, int) and top_n != "cv":
        raise DataError("top_n", f"must be an int, 'cv' or None, got {top_n!r}")
    fit = fit_arrays(
        x.to_numpy(np.float64),
        y,
        method=method,
        top_n=top_n,
        top_n_grid=top_n_grid,
        inner_cv=inner_cv,
        seed=seed,
    )
    if "top_n_cv" in fit.hyper:
        log.warning(
            "top N not chosen (%s); kept all %d features", fit.hyper["top_n_cv"], x.shape[1]
        )
    names = x.columns.astype(str)
    ranking = pd.Series(fit.ranking_coef, index=names, name="coefficient")
    ranking = ranking.iloc[np.argsort(-np.abs(fit.ranking_coef), kind="stable")]
    hyper = dict(fit.hyper)
    hyper.update({"method": method, "top_n_requested": top_n, "inner_cv": inner_cv, "seed": seed})
    model = TrainedModel(
        method=method,
        feature_names=names[fit.selected].tolist(),
        scaler_mean=fit.mean,
        scaler_scale=fit.scale,
        coefficients=fit.coef,
        intercept=fit.intercept,
        hyperparameters=hyper,
        training_samples=x.index.astype(str).tolist(),
        ranking=ranking,
        classes=classes,
        metadata=dict(metadata or {}),
    )
    if cv is not None:
        result = cross_validate(
            features,
            response,
            method=method,
            cv=cv,
            top_n=top_n,
            top_n_grid=top_n_grid,
            inner_cv=inner_cv,
            seed=seed,
        )
        # nominal p-values of out-of-fold predictions are not valid (the folds share samples):
        # they are not kept; netmarker.predict.verdict gives the permutation p
        kept = {k: v for k, v in result.metrics.items() if not is_nominal_p(k)}
        model.cv_metrics = {**kept, "cv": cv}
    return model


def is_nominal_p(metric: str) -> bool:
    """Whether ``metric`` is a nominal correlation p-value (``spearman_p``, ``pearson_p``, ...)."""
    return metric.endswith(("_p", "_p_greater"))


def predict(
    model: TrainedModel,
    features: pd.DataFrame,
    *,
    standardize: Literal["training", "cohort"] = "training",
) -> pd.Series:
    """Apply ``model`` to ``features`` (samples x features, matched by feature name).

    ``standardize="training"`` scales with the training cohort's means and sds (same
    platform); ``"cohort"`` z-scores the new cohort on its own (e.g. patients measured on
    another platform). Returns predicted response values (regression) or the probability
    of the positive class (logistic), indexed by sample.
    """
    check_matrix(features, "features", rows="samples", columns="features")
    columns = features.columns.astype(str)
    missing = [f for f in model.feature_names if f not in set(columns)]
    if missing:
        raise DataError(
            "features",
            f"{len(missing)} of the model's {len(model.feature_names)} features are missing: "
            f"{preview(missing)} (score the same modules as in training)",
        )
    x = features.set_axis(columns, axis=1).loc[:, model.feature_names].to_numpy(np.float64)
    if standardize == "training":
        xs = (x - model.scaler_mean) / model.scaler_scale
    elif standardize == "cohort":
        if len(x) < 2:
            raise DataError("features", "cohort standardisation needs at least 2 samples")
        sd = x.std(axis=0)
        if (sd == 0).any():
            constant = [f for f, s in zip(model.feature_names, sd, strict=True) if s == 0]
            raise DataError("features", f"constant in this cohort: {preview(constant)}")
        xs = (x - x.mean(axis=0)) / sd
    else:
        raise DataError("standardize", f"use 'training' or 'cohort', got {standardize!r}")
    values = linear_predict(xs, model.coefficients, model.intercept, model.method)
    name = "probability" if model.method == "logistic" else "predicted"
    return pd.Series(values, index=features.index, name=name)


def biomarker_table(model: TrainedModel) -> pd.DataFrame:
    """The kept features with their coefficients, ranked by decreasing absolute coefficient."""
    order = np.argsort(-np.abs(model.coefficients), kind="stable")
    return pd.DataFrame(
        {
            "feature": [model.feature_names[i] for i in order],
            "coefficient": model.coefficients[order],
            "rank": np.arange(1, len(order) + 1),
        }
    )


def model_to_dict(model: TrainedModel) -> dict[str, Any]:
    """Plain-JSON representation of a model (the saved file's content)."""
    plain: dict[str, Any] = to_jsonable(
        {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "method": model.method,
            "feature_names": model.feature_names,
            "scaler_mean": model.scaler_mean,
            "scaler_scale": model.scaler_scale,
            "coefficients": model.coefficients,
            "intercept": model.intercept,
            "classes": model.classes,
            "hyperparameters": model.hyperparameters,
            "training_samples": model.training_samples,
            "ranking": {
                "feature": model.ranking.index.tolist(),
                "coefficient": model.ranking.to_numpy(),
            },
            "cv_metrics": model.cv_metrics,
            "metadata": model.metadata,
        }
    )
    return plain


def save_model(model: TrainedModel, path: str | Path) -> Path:
    """Save ``model`` as one JSON file (floats round-trip exactly; no pickle), atomically."""
    try:
        return write_json(model_to_dict(model), path)
    except OSError as exc:
        raise NetmarkerError(f"{path}: cannot save the model ({exc.strerror or exc})") from exc


def _bad(path: str | Path, problem: str) -> NetmarkerError:
    return DataError(str(path), f"not a valid netmarker model: {problem}")


def _float_array(doc: dict[str, Any], key: str, n: int, path: str | Path) -> np.ndarray:
    values = doc.get(key)
    if not isinstance(values, list) or len(values) != n:
        raise _bad(path, f"{key!r} must be a list of {n} numbers")
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        raise _bad(path, f"{key!r} holds non-numeric values")
    array = np.asarray(values, dtype=np.float64)
    if not np.isfinite(array).all():
        raise _bad(path, f"{key!r} holds non-finite values")
    return array


#: metadata key -> (type, description) checked on load when present
_METADATA_TYPES: dict[str, tuple[type | tuple[type, ...], str]] = {
    "drug": (str, "a string"),
    "network": (str, "a string"),
    "model_id": (str, "a string"),
    "normalize": (bool, "true or false"),
    "min_size": (int, "an integer"),
    "z_cutoff": ((int, float), "a number"),
    "module_coverage": (dict, "an object"),
    "response_sd": ((int, float), "a number"),
}


def _check_metadata(meta: dict[str, Any], features: list[str], path: str | Path) -> None:
    """Validate the metadata :func:`netmarker.predict.workflow.predict_cohort` relies on.

    A model trained on module scores carries ``modules`` (module -> genes), ``score_method``
    and ``normalize``; every kept feature must be one of the modules.
    """
    for key, (kind, what) in _METADATA_TYPES.items():
        value = meta.get(key)
        if value is None:
            continue
        bad_bool = isinstance(value, bool) and kind is not bool
        if not isinstance(value, kind) or bad_bool:
            raise _bad(path, f"metadata.{key} must be {what}, not {type(value).__name__}")
    min_size = meta.get("min_size")
    if isinstance(min_size, int) and min_size < 1:
        raise _bad(path, f"metadata.min_size must be >= 1, not {min_size}")
    if "modules" not in meta:
        return
    modules = meta["modules"]
    if not isinstance(modules, dict) or not modules:
        raise _bad(
            path,
            "metadata.modules must be a non-empty object of module -> list of genes, "
            f"not {type(modules).__name__}",
        )
    for name, genes in modules.items():
        if not isinstance(genes, list) or not all(isinstance(g, str) for g in genes):
            raise _bad(path, f"metadata.modules[{name!r}] must be a list of gene symbols")
    if meta.get("score_method") not in ("ssgsea", "mean_z"):
        raise _bad(
            path,
            f"metadata.score_method must be 'ssgsea' or 'mean_z', not "
            f"{meta.get('score_method')!r} (needed to score the modules)",
        )
    if not isinstance(meta.get("normalize"), bool):
        raise _bad(path, "metadata.normalize must be true or false (needed to score the modules)")
    unknown = [f for f in features if f not in modules]
    if unknown:
        raise _bad(path, f"feature(s) {preview(unknown)} are not in metadata.modules")
    for name, n in (meta.get("module_coverage") or {}).items():
        if not isinstance(n, int) or isinstance(n, bool) or n < 0:
            raise _bad(path, f"metadata.module_coverage[{name!r}] must be a count of genes")


def load_model(path: str | Path) -> TrainedModel:
    """Load and validate a model saved by :func:`save_model` (format, version, shapes)."""
    p = Path(path)
    if not p.is_file():
        raise DataError(str(p), "model file not found")
    try:
        doc = json.loads(p.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _bad(p, f"not JSON ({exc})") from exc
    except RecursionError as exc:  # a hand-edited file nested thousands of levels deep
        raise _bad(p, "JSON nested too deeply") from exc
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise _bad(p, f"the 'format' field is not {FORMAT!r}")
    if doc.get("format_version") != FORMAT_VERSION:
        raise _bad(
            p,
            f"format_version {doc.get('format_version')!r} is not supported "
            f"(this netmarker reads {FORMAT_VERSION})",
        )
    if doc.get("method") not in METHODS:
        raise _bad(p, f"unknown method {doc.get('method')!r}")
    names = doc.get("feature_names")
    if not isinstance(names, list) or not names or not all(isinstance(f, str) for f in names):
        raise _bad(p, "'feature_names' must be a non-empty list of strings")
    n = len(names)
    scale = _float_array(doc, "scaler_scale", n, p)
    if (scale <= 0).any():
        raise _bad(p, "'scaler_scale' must be positive")
    intercept = doc.get("intercept")
    if not isinstance(intercept, int | float) or isinstance(intercept, bool):
        raise _bad(p, "'intercept' must be a number")
    if not np.isfinite(intercept):
        raise _bad(p, f"'intercept' must be finite, not {intercept}")
    ranking = doc.get("ranking")
    if not isinstance(ranking, dict) or not isinstance(ranking.get("feature"), list):
        raise _bad(p, "'ranking' must hold 'feature' and 'coefficient' lists")
    ranking_coef = _float_array(ranking, "coefficient", len(ranking["feature"]), p)
    classes = doc.get("classes")
    if doc["method"] == "logistic" and (not isinstance(classes, list) or len(classes) != 2):
        raise _bad(p, "a logistic model needs 2 'classes'")
    for key in ("hyperparameters", "cv_metrics", "metadata"):
        if not isinstance(doc.get(key), dict):
            raise _bad(p, f"{key!r} must be an object")
    samples = doc.get("training_samples")
    if not isinstance(samples, list):
        raise _bad(p, "'training_samples' must be a list")
    _check_metadata(doc["metadata"], names, p)
    return TrainedModel(
        method=doc["method"],
        feature_names=names,
        scaler_mean=_float_array(doc, "scaler_mean", n, p),
        scaler_scale=scale,
        coefficients=_float_array(doc, "coefficients", n, p),
        intercept=float(intercept),
        hyperparameters=doc["hyperparameters"],
        training_samples=[str(s) for s in samples],
        ranking=pd.Series(ranking_coef, index=pd.Index(ranking["feature"]), name="coefficient"),
        classes=classes,
        cv_metrics=doc["cv_metrics"],
        metadata=doc["metadata"],
    )
