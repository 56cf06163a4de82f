"""Cox hazard ratios, covariates, the PH check and AUC confidence intervals (issue 8 point 4),
on SIMULATED cohorts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from netmarker.io.clinical import main_stage
from netmarker.predict.evaluate import (
    bootstrap_auc,
    cox_hazard_ratios,
    response_metrics,
    split_responders,
)
from netmarker.predict.simulate import simulate_cohort


def _table(effect: float, seed: int = 7, n: int = 300) -> pd.DataFrame:
    cohort = simulate_cohort(n, seed=seed, effect=effect)
    return pd.DataFrame(
        {
            "time_months": cohort.time,
            "event": cohort.event,
            "predicted": cohort.response,  # IC50-like: low = sensitive = lives longer
            "predicted_responder": split_responders(cohort.response),
        }
    )


def test_planted_effect_gives_hazard_ratios_with_intervals() -> None:
    cox = cox_hazard_ratios(_table(1.0))
    groups = cox["groups"]["unadjusted"]
    assert groups["n"] == 300 and groups["events"] > 100
    assert groups["ci_low"] < groups["hr"] < groups["ci_high"] < 1.0  # responders live longer
    assert groups["p_value"] < 1e-6
    cont = cox["continuous"]["unadjusted"]
    assert 1.0 < cont["ci_low"] < cont["hr"] < cont["ci_high"]  # per SD of predicted IC50
    assert cox["continuous"]["term"] == "per standard deviation of the prediction"
    for fit in (groups, cont):
        assert 0 <= fit["ph_p_value"] <= 1 and isinstance(fit["ph_violated"], bool)
    assert "adjusted" not in cox["groups"]


def test_null_cohort_interval_covers_one() -> None:
    covered = 0
    for seed in range(10):
        fit = cox_hazard_ratios(_table(0.0, seed=seed, n=200))["groups"]["unadjusted"]
        covered += fit["ci_low"] <= 1.0 <= fit["ci_high"]
    assert covered >= 8


def test_covariates_adjust_and_missing_values_are_reported() -> None:
    table = _table(1.0)
    rng = np.random.default_rng(0)
    table["age"] = rng.normal(60, 10, len(table))
    table.loc[table.index[:7], "age"] = np.nan
    table["stage"] = pd.Series(rng.choice(["I", "II", "III"], len(table)), index=table.index)
    table.loc[table.index[5:9], "stage"] = None
    cox = cox_hazard_ratios(table, covariates=["age", "stage"])
    missing = cox["missing_covariates"]
    assert missing["age"]["n"] == 7 and missing["stage"]["n"] == 4
    assert missing["age"]["examples"][0] == table.index[0]
    adjusted = cox["groups"]["adjusted"]
    assert adjusted["n"] == 300 - 9  # rows 0-8 miss one covariate or both
    assert adjusted["hr"] < 1 and "age" in adjusted["terms"]
    assert sum(t.startswith("stage=") for t in adjusted["terms"]) == 2  # vs the commonest stage
    assert set(adjusted["ph_p_values"]) == set(adjusted["terms"])
    assert cox["groups"]["unadjusted"]["n"] == 300  # the unadjusted model keeps everyone


def test_model_that_cannot_be_fitted_says_why() -> None:
    table = _table(1.0).assign(event=0)
    assert cox_hazard_ratios(table)["groups"]["unadjusted"]["error"] == "no events"


def test_ph_violation_is_detected() -> None:
    """Crossing hazards: responders die early or survive long; non-responders in between."""
    rng = np.random.default_rng(3)
    n = 400
    responder = np.arange(n) < n // 2
    time = np.where(
        responder,
        np.where(rng.random(n) < 0.5, rng.exponential(3, n), rng.exponential(80, n)),
        rng.exponential(20, n),
    )
    table = pd.DataFrame(
        {
            "time_months": time,
            "event": 1,
            "predicted": np.where(responder, 0.0, 1.0) + rng.normal(0, 0.1, n),
            "predicted_responder": responder,
        }
    )
    fit = cox_hazard_ratios(table)["groups"]["unadjusted"]
    assert fit["ph_violated"] and fit["ph_p_value"] < 0.05


def test_auc_bootstrap_interval() -> None:
    rng = np.random.default_rng(1)
    y = rng.random(80) < 0.5
    scores = y + rng.normal(0, 0.8, 80)
    boot = bootstrap_auc(y, scores, seed=0)
    assert boot["ci_low"] < boot["auc"] < boot["ci_high"] and boot["n_boot"] == 2000
    assert boot == bootstrap_auc(y, scores, seed=0)  # seeded
    idx = pd.Index([f"P{i}" for i in range(80)])
    out = response_metrics(
        pd.Series(scores > 0.5, index=idx), pd.Series(y, index=idx), pd.Series(scores, index=idx)
    )
    assert out["auc_ci"] == [boot["ci_low"], boot["ci_high"]]
    assert "bootstrap" in out["auc_ci_method"]
    one_class = bootstrap_auc(np.ones(5, bool), np.arange(5.0))
    assert np.isnan(one_class["auc"]) and one_class["n_boot"] == 0


@pytest.mark.parametrize(
    ("raw", "stage"),
    [
        ("Stage IIIA", "III"),
        ("Stage IV", "IV"),
        ("Stage IVC", "IV"),
        ("Stage I", "I"),
        ("Stage IIC", "II"),
        ("Stage 0", "0"),
        ("Stage X", None),
        ("I/II NOS", None),
        ("[Not Available]", None),
        (None, None),
    ],
)
def test_main_stage(raw: str | None, stage: str | None) -> None:
    assert main_stage(raw) == stage


def test_bootstrap_auc_values_match_scikit_learn() -> None:
    """The vectorised Mann-Whitney AUC equals roc_auc_score on the same resamples (ties too)."""
    from sklearn.metrics import roc_auc_score

    rng = np.random.default_rng(2)
    y = rng.random(30) < 0.4
    scores = np.round(y + rng.normal(0, 1, 30), 1)  # rounded: ties
    boot = bootstrap_auc(y, scores, n_boot=50, seed=4, level=0.0)  # level 0: the median
    idx = np.random.default_rng(4).integers(0, 30, size=(50, 30))
    values = [roc_auc_score(y[i], scores[i]) for i in idx if 0 < y[i].sum() < 30]
    assert boot["ci_low"] == pytest.approx(np.percentile(values, 50))


@pytest.mark.parametrize("rule", [float("nan"), float("inf")])
def test_split_responders_refuses_a_non_finite_threshold(rule: float) -> None:
    from netmarker.errors import DataError

    with pytest.raises(DataError, match="finite number"):
        split_responders(pd.Series([1.0, 2.0, 3.0]), rule)
