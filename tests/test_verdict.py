"""Verdicts: signal / no signal / degenerate from label permutations of the whole LOOCV."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from netmarker.errors import DataError
from netmarker.predict.estimators import ModuleRegressor
from netmarker.predict.validation import (
    assess,
    cross_validate,
    describe,
    loocv_ridge,
    permutation_test,
)


def _frame(x: np.ndarray, y: np.ndarray) -> tuple[pd.DataFrame, pd.Series]:
    samples = [f"S{i:02d}" for i in range(len(y))]
    features = pd.DataFrame(x, index=samples, columns=[f"M{j}" for j in range(x.shape[1])])
    return features, pd.Series(y, index=samples, name="ic50")


def _noise(seed: int, n: int, p: int) -> tuple[pd.DataFrame, pd.Series]:
    rng = np.random.default_rng(seed)
    return _frame(rng.normal(size=(n, p)), rng.normal(size=n))


@pytest.mark.parametrize("top_n", ["cv", 2, None])
def test_batched_loocv_is_cross_validate_for_every_response(top_n: int | str | None) -> None:
    rng = np.random.default_rng(7)
    x = rng.normal(size=(12, 7))
    y = x[:, 0] + rng.normal(size=12)
    responses = np.vstack([y, [rng.permutation(y) for _ in range(3)]])
    features, _ = _frame(x, y)
    fast = loocv_ridge(x, responses, ModuleRegressor(top_n=top_n))
    for row, values in zip(fast, responses, strict=True):
        slow = cross_validate(
            ModuleRegressor(top_n=top_n),
            features,
            pd.Series(values, index=features.index),
        )
        np.testing.assert_allclose(row, slow.predictions["predicted"], rtol=1e-9, atol=1e-12)


def test_permutation_p_is_the_one_of_the_full_permutation_test() -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(size=(10, 4))
    features, response = _frame(x, x[:, 1] + rng.normal(size=10))
    model = ModuleRegressor(top_n=2, random_state=5)
    verdict = assess(model, features, response, n_permutations=19, seed=5)
    reference = permutation_test(model, features, response, n_permutations=19, seed=5)
    assert verdict["observed"] == pytest.approx(reference["observed"], abs=1e-12)
    assert verdict["p_value"] == pytest.approx(reference["p_value"])
    assert verdict["null"]["mean"] == pytest.approx(np.mean(reference["null"]), abs=1e-12)


def test_planted_signal_is_reported_as_signal() -> None:
    rng = np.random.default_rng(5)
    x = rng.normal(size=(20, 6))
    features, response = _frame(x, x[:, 0] + 0.5 * rng.normal(size=20))
    model = ModuleRegressor(top_n_grid=(1, 2, 3))
    verdict = assess(model, features, response, n_permutations=99, seed=0)
    assert verdict["verdict"] == "signal", verdict["reasons"]
    assert verdict["p_value"] == pytest.approx(0.01) and verdict["resolution"] == 0.01
    assert verdict["observed"] > 0.7 > verdict["null"]["q95"]
    assert verdict["baselines"]["model_rmse"] < verdict["baselines"]["mean_predictor_rmse"]
    assert describe(verdict).startswith("verdict: SIGNAL (permutation p = 0.01, 99 permutations")


@pytest.mark.slow
def test_null_simulations_are_not_signal_in_at_least_95_percent_of_seeds() -> None:
    # a fixed set of 60 seeds, chosen before looking; 19 permutations each (p resolution 0.05)
    verdicts = []
    for seed in range(60):
        features, response = _noise(seed, 14, 5)
        model = ModuleRegressor(top_n_grid=(1, 2, 3), random_state=seed)
        verdict = assess(model, features, response, n_permutations=19, seed=seed)
        verdicts.append(verdict["verdict"])
    assert set(verdicts) <= {"signal", "no signal", "degenerate"}
    assert verdicts.count("signal") <= 3, verdicts  # >= 57 of 60 (95%) without signal


def test_intercept_only_model_is_degenerate() -> None:
    # pure noise where ridge picks the largest alpha: coefficients ~0, LOOCV r ~ -1
    features, response = _noise(1002, 16, 6)
    verdict = assess(ModuleRegressor(top_n_grid=(1, 2, 3)), features, response, n_permutations=19)
    assert verdict["verdict"] == "degenerate"
    assert verdict["checks"]["alpha"] == 10_000.0
    assert any("strongest regularisation" in r for r in verdict["reasons"])
    assert verdict["checks"]["fit_sd_ratio"] < 0.05


def test_weak_edge_with_few_features_is_only_noted() -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(size=(30, 3))
    features, response = _frame(x, x[:, 0] + 0.05 * rng.normal(size=30))
    verdict = assess(ModuleRegressor(top_n=1), features, response, n_permutations=19)
    assert verdict["checks"]["alpha"] == 0.001 and "note" in verdict["checks"]
    assert verdict["verdict"] == "signal"


def test_other_methods_rerun_the_whole_cross_validation() -> None:
    rng = np.random.default_rng(2)
    x = rng.normal(size=(12, 3))
    features, response = _frame(x, x[:, 0] + 0.2 * rng.normal(size=12))
    model = ModuleRegressor("linear", top_n=1)
    verdict = assess(model, features, response, n_permutations=19)
    reference = permutation_test(model, features, response, n_permutations=19, seed=0)
    assert verdict["p_value"] == pytest.approx(reference["p_value"])
    assert verdict["verdict"] == "signal" and "alpha" not in verdict["checks"]


def test_too_few_permutations_to_reach_005_are_refused() -> None:
    features, response = _noise(0, 10, 3)
    with pytest.raises(DataError, match=">= 19 permutations"):
        assess(ModuleRegressor(), features, response, n_permutations=10)
