"""Responder calls, survival and response tests of the predictors.

Every function takes plain pandas objects indexed by sample / patient id. Cross-validation
and baselines are :mod:`netmarker.predict.validation`; simulated cohorts
:mod:`netmarker.predict.simulate`.
Predicted responders are the samples predicted most sensitive (lower IC50 =
more sensitive, unless told otherwise).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats
from sklearn.metrics import roc_auc_score

from netmarker.errors import DataError
from netmarker.predict.features import preview

#: the names of the two predicted groups, in tables, survival results and figures
RESPONDER_LABELS: dict[bool, str] = {True: "predicted responder", False: "predicted non-responder"}


def responder_groups(called: pd.Series) -> pd.Series:
    """``predicted_responder`` calls (True/False) as group names (:data:`RESPONDER_LABELS`)."""
    return called.map(RESPONDER_LABELS)


def split_responders(
    predicted: pd.Series,
    rule: Literal["median"] | float = "median",
    *,
    lower_is_responder: bool = True,
) -> pd.Series:
    """Call predicted responders: at or below the median / threshold (or at or above it).

    With IC50-like predictions lower means more sensitive (the default); for predicted
    probabilities of response use ``lower_is_responder=False`` and e.g. ``rule=0.5``.
    """
    if not isinstance(predicted, pd.Series) or predicted.empty:
        raise DataError("predictions", "expected a non-empty pandas Series")
    if predicted.isna().any():
        raise DataError("predictions", f"missing for {preview(predicted.index[predicted.isna()])}")
    if rule == "median":
        cut = float(predicted.median())
    elif isinstance(rule, int | float) and not isinstance(rule, bool):
        cut = float(rule)
        if not np.isfinite(cut):  # NaN would call every sample a non-responder
            raise DataError("rule", f"the threshold must be a finite number, got {rule!r}")
    else:
        raise DataError("rule", f"use 'median' or a number, got {rule!r}")
    calls = predicted <= cut if lower_is_responder else predicted >= cut
    return calls.astype(bool).rename("responder")


def align_survival(
    groups: pd.Series, time: pd.Series, event: pd.Series
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Align group labels, times and events on their shared patients and validate them."""
    for name, s in (("groups", groups), ("time", time), ("event", event)):
        if not isinstance(s, pd.Series):
            raise DataError(name, f"expected a pandas Series, got {type(s).__name__}")
        if s.index.has_duplicates:
            raise DataError(name, f"duplicate patients: {preview(s.index[s.index.duplicated()])}")
    common = groups.index.intersection(time.index).intersection(event.index)
    if len(common) == 0:
        raise DataError("survival", "groups, time and event share no patients")
    g, t, e = groups.loc[common], time.loc[common], event.loc[common]
    for name, s in (("groups", g), ("time", t), ("event", e)):
        if s.isna().any():
            raise DataError(name, f"missing values for patients {preview(s.index[s.isna()])}")
    t = pd.to_numeric(t, errors="coerce")
    if t.isna().any() or (t < 0).any():
        raise DataError("time", f"not a non-negative number for {preview(common[~(t >= 0)])}")
    if not e.isin([0, 1]).all():
        raise DataError("event", "must be 0/1 (1 = event observed, 0 = censored)")
    if g.nunique() < 2:
        raise DataError("groups", f"need at least 2 groups, found {g.nunique()}")
    return t.astype(np.float64), e.astype(int), g


def survival_test(groups: pd.Series, time: pd.Series, event: pd.Series) -> dict[str, Any]:
    """Log-rank test between groups, with Kaplan-Meier median survival, n and events per group.

    ``time`` and ``event`` (1 = event, 0 = censored) are Series by patient; ``groups`` holds
    any labels (e.g. predicted responder True/False). The median is ``None`` when the curve
    never drops to 0.5.
    """
    from lifelines import KaplanMeierFitter
    from lifelines.statistics import multivariate_logrank_test

    t, e, g = align_survival(groups, time, event)
    result = multivariate_logrank_test(t, g, e)
    per_group: dict[str, Any] = {}
    for label in sorted(pd.unique(g), key=str):
        rows = g == label
        kmf = KaplanMeierFitter().fit(t[rows], e[rows])
        median = float(kmf.median_survival_time_)
        per_group[str(label)] = {
            "n": int(rows.sum()),
            "events": int(e[rows].sum()),
            "median_time": median if np.isfinite(median) else None,
        }
    return {
        "test": "log-rank",
        "p_value": float(result.p_value),
        "test_statistic": float(result.test_statistic),
        "n": len(t),
        "groups": per_group,
    }


def response_metrics(
    predicted_responder: pd.Series,
    observed_responder: pd.Series,
    scores: pd.Series | None = None,
    *,
    higher_score_responds: bool = True,
) -> dict[str, Any]:
    """Accuracy, confusion counts, sensitivity, specificity, Fisher p and (with scores) AUC.

    Inputs are Series by patient (booleans; ``scores`` any number where higher means more
    likely to respond, or lower with ``higher_score_responds=False``, e.g. predicted IC50).
    """
    common = predicted_responder.index.intersection(observed_responder.index)
    if len(common) == 0:
        raise DataError("responders", "predicted and observed responders share no patients")
    pred = predicted_responder.loc[common]
    obs = observed_responder.loc[common]
    for name, calls in (("predicted responders", pred), ("observed responders", obs)):
        if calls.isna().any() or not calls.isin([True, False]).all():
            raise DataError(name, "must be True/False for every patient")
    p, o = pred.to_numpy(bool), obs.to_numpy(bool)
    tp, fp = int((p & o).sum()), int((p & ~o).sum())
    tn, fn = int((~p & ~o).sum()), int((~p & o).sum())
    out: dict[str, Any] = {
        "n": len(common),
        "accuracy": (tp + tn) / len(common),
        "confusion": {"tp": tp, "fp": fp, "tn": tn, "fn": fn},
        "sensitivity": tp / (tp + fn) if tp + fn else float("nan"),
        "specificity": tn / (tn + fp) if tn + fp else float("nan"),
        "fisher_p": float(
            stats.fisher_exact(np.array([[tp, fp], [fn, tn]]), alternative="greater").pvalue
        ),
        "auc": float("nan"),
    }
    if scores is not None:
        missing = common.difference(scores.index)
        if len(missing):
            raise DataError("scores", f"no score for patients {preview(missing)}")
        s = scores.loc[common].to_numpy(np.float64)
        if 0 < o.sum() < len(o):
            boot = bootstrap_auc(o, s if higher_score_responds else -s)
            out["auc"] = boot["auc"]
            out["auc_ci"] = [boot["ci_low"], boot["ci_high"]]
            out["auc_ci_method"] = f"percentile bootstrap, {boot['n_boot']} resamples"
    return out


def cox_hazard_ratios(
    table: pd.DataFrame,
    *,
    covariates: Sequence[str] = (),
    ph_alpha: float = 0.05,
) -> dict[str, Any]:
    """Cox proportional-hazards models of survival on the predictions (lifelines).

    ``table`` (one row per patient) holds ``time_months``, ``event`` (0/1),
    ``predicted_responder`` (bool), ``predicted`` (number) and the ``covariates`` columns
    (numbers, or categories that are one-hot encoded against their most frequent level).
    Two models, each unadjusted and, with covariates, adjusted: ``groups`` (hazard ratio of
    predicted responders vs non-responders) and ``continuous`` (hazard ratio per standard
    deviation of the prediction). Patients with a missing covariate are left out of the
    adjusted models and listed under ``missing_covariates``; every model reports its n and
    events. Each model's proportional-hazards assumption is checked with the scaled
    Schoenfeld residual test (rank-transformed time); ``ph_violated`` is True when any term
    has p < ``ph_alpha``. A model that cannot be fitted (e.g. no events in a group) reports
    ``error`` instead of numbers.
    """
    base = pd.DataFrame(
        {
            "time": pd.to_numeric(table["time_months"], errors="raise").astype(float),
            "event": table["event"].astype(int),
            "predicted_responder": table["predicted_responder"].astype(bool).astype(int),
        },
        index=table.index,
    )
    sd = float(table["predicted"].std())
    base["predicted_per_sd"] = (table["predicted"] - table["predicted"].mean()) / (sd or 1.0)
    missing: dict[str, Any] = {}
    encoded = []
    for name in covariates:
        values = table[name]
        gone = values.isna()
        if gone.any():
            missing[name] = {
                "n": int(gone.sum()),
                "examples": [str(i) for i in values.index[gone][:5]],
            }
        encoded.append(_encode_covariate(name, values))
    design = pd.concat([base, *encoded], axis=1) if encoded else base
    out: dict[str, Any] = {
        "model": "Cox proportional hazards (lifelines CoxPHFitter), 95% CI",
        "covariates": list(covariates),
        "missing_covariates": missing,
        "groups": {"term": "predicted responder vs predicted non-responder"},
        "continuous": {"term": "per standard deviation of the prediction", "sd": sd},
    }
    extra = [c for c in design.columns if c not in base.columns]
    complete = design.dropna()
    for key, term in (("groups", "predicted_responder"), ("continuous", "predicted_per_sd")):
        out[key]["unadjusted"] = _fit_cox(base[["time", "event", term]], term, ph_alpha)
        if covariates:
            out[key]["adjusted"] = _fit_cox(
                complete[["time", "event", term, *extra]], term, ph_alpha
            )
    return out


def _encode_covariate(name: str, values: pd.Series) -> pd.DataFrame:
    """A numeric column as is; a categorical one as indicators vs its most frequent level."""
    numeric = pd.to_numeric(values, errors="coerce")
    if numeric[values.notna()].notna().all():
        return numeric.astype(float).rename(name).to_frame()
    counts = values.dropna().astype(str).value_counts()
    reference = min(counts.index, key=lambda level: (-counts[level], level))  # ties: by name
    frame = pd.DataFrame(index=values.index)
    for level in sorted(set(counts.index) - {reference}):
        column = values.astype("string").eq(level).astype(float)
        frame[f"{name}={level} (vs {reference})"] = column.where(values.notna())
    return frame


def _fit_cox(df: pd.DataFrame, term: str, ph_alpha: float) -> dict[str, Any]:
    """Fit one Cox model; HR (95% CI) and p of every term, and the PH check."""
    import warnings

    from lifelines import CoxPHFitter
    from lifelines.exceptions import ConvergenceError
    from lifelines.statistics import proportional_hazard_test

    result: dict[str, Any] = {"n": len(df), "events": int(df["event"].sum())}
    constant = [c for c in df.columns[2:] if df[c].nunique() < 2]
    if constant or result["events"] == 0:
        result["error"] = (
            "no events" if result["events"] == 0 else f"constant term(s) {', '.join(constant)}"
        )
        return result
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            cph = CoxPHFitter().fit(df, duration_col="time", event_col="event")
            ph = proportional_hazard_test(cph, df, time_transform="rank")
        except (ConvergenceError, np.linalg.LinAlgError, ValueError) as exc:
            result["error"] = f"Cox model not fitted: {str(exc).splitlines()[0]}"
            return result
    summary = cph.summary
    terms = {}
    for name, row in summary.iterrows():
        terms[str(name)] = {
            "hr": float(row["exp(coef)"]),
            "ci_low": float(row["exp(coef) lower 95%"]),
            "ci_high": float(row["exp(coef) upper 95%"]),
            "p_value": float(row["p"]),
        }
    ph_p = {str(k): float(v) for k, v in ph.summary["p"].items()}
    result.update(terms[term])
    result["terms"] = terms
    result["concordance"] = float(cph.concordance_index_)
    result["ph_test"] = "scaled Schoenfeld residuals vs rank(time)"
    result["ph_p_values"] = ph_p
    result["ph_p_value"] = ph_p[term]
    result["ph_violated"] = bool(min(ph_p.values()) < ph_alpha)
    notes = sorted({str(w.message).splitlines()[0] for w in caught})
    if notes:
        result["warnings"] = notes
    return result


def bootstrap_auc(
    observed: np.ndarray,
    scores: np.ndarray,
    *,
    n_boot: int = 2000,
    seed: int = 0,
    level: float = 0.95,
) -> dict[str, Any]:
    """AUC with a percentile bootstrap CI (patients resampled; draws with one class skipped)."""
    y = np.asarray(observed, dtype=bool)
    s = np.asarray(scores, dtype=np.float64)
    if not 0 < y.sum() < len(y):
        return {"auc": float("nan"), "ci_low": float("nan"), "ci_high": float("nan"), "n_boot": 0}
    auc = float(roc_auc_score(y, s))
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(y), size=(n_boot, len(y)))
    yb, sb = y[idx], s[idx]
    n_pos = yb.sum(axis=1)
    usable = (n_pos > 0) & (n_pos < len(y))
    yb, sb, n_pos = yb[usable], sb[usable], n_pos[usable]
    # AUC = Mann-Whitney U / (n_pos * n_neg), from mid-ranks (ties count one half), all at once
    ranks = stats.rankdata(sb, axis=1)
    u = (ranks * yb).sum(axis=1) - n_pos * (n_pos + 1) / 2
    values = u / (n_pos * (len(y) - n_pos))
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(values, [tail, 100 - tail]) if len(values) else (np.nan, np.nan)
    return {"auc": auc, "ci_low": float(low), "ci_high": float(high), "n_boot": len(values)}
