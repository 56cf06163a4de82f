"""Validation functions that take an estimator: CV, permutations, verdicts, baselines, ids."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from netmarker.errors import DataError
from netmarker.predict.estimators import ModuleClassifier, ModuleRegressor, make_estimator
from netmarker.predict.validation import (
    align_samples,
    assess,
    compare_baselines,
    cross_validate,
    describe,
    loocv_ridge,
    permutation_test,
)


def _frame(x: np.ndarray, y: np.ndarray) -> tuple[pd.DataFrame, pd.Series]:
    samples = [f"S{i:02d}" for i in range(len(y))]
    features = pd.DataFrame(x, index=samples, columns=[f"M{j}" for j in range(x.shape[1])])
    return features, pd.Series(y, index=samples, name="ic50")


def test_sample_ids_are_matched_the_cli_way_and_the_rest_reported(caplog) -> None:
    rng = np.random.default_rng(0)
    features = pd.DataFrame(
        rng.normal(size=(5, 2)), index=["P19A", "P19B", "p-20", "P21", "P22"], columns=["a", "b"]
    )
    response = pd.Series([1.0, 2.0, 3.0, 4.0, 5.0], index=["P19a", "P19b", "P20", "P21", "P99"])
    with caplog.at_level(logging.WARNING, logger="netmarker"):
        x, y, match = align_samples(features, response)
    # case and punctuation differences pair up (organoids P19a vs P19A); P22 / P99 do not
    assert x.index.tolist() == ["P19A", "P19B", "p-20", "P21"]
    assert y.tolist() == [1.0, 2.0, 3.0, 4.0] and y.index.equals(x.index)
    assert match.unmatched_wanted == ["P99"] and match.unmatched_available == ["P22"]
    assert "P99" in caplog.text and "P22" in caplog.text
    with pytest.raises(DataError, match="transpose the features"):
        align_samples(features.T, response.set_axis(features.index))


def test_cross_validate_works_with_any_sklearn_estimator() -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(size=(30, 5))
    features, response = _frame(x, x[:, 0] + 0.3 * rng.normal(size=30))
    ours = cross_validate(ModuleRegressor(top_n=2), features, response, cv=5)
    theirs = cross_validate(make_pipeline(StandardScaler(), Ridge()), features, response, cv=5)
    assert ours.metrics["spearman_r"] > 0.8 and theirs.metrics["spearman_r"] > 0.8
    assert sorted(ours.predictions["fold"].unique()) == [0, 1, 2, 3, 4]
    assert len(ours.selected) == 5 and theirs.selected == []
    labels = response > response.median()
    logistic = cross_validate(LogisticRegression(), features, labels, cv=4)
    assert logistic.metrics["auc"] > 0.8
    assert logistic.predictions["predicted"].between(0, 1).all()


def test_batched_ridge_verdict_equals_the_per_permutation_loop() -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(size=(12, 5))
    features, response = _frame(x, x[:, 1] + rng.normal(size=12))
    est = ModuleRegressor(top_n="cv", top_n_grid=(1, 2, 3), alphas=(0.1, 1.0, 10.0, 100.0))
    fast = loocv_ridge(x, response.to_numpy()[None], est)[0]
    slow = cross_validate(est, features, response, cv="loo").predictions["predicted"]
    np.testing.assert_allclose(fast, slow, rtol=1e-9, atol=1e-12)
    verdict = assess(est, features, response, n_permutations=19, seed=5)
    reference = permutation_test(est, features, response, n_permutations=19, seed=5)
    assert verdict["observed"] == pytest.approx(reference["observed"], abs=1e-12)
    assert verdict["p_value"] == pytest.approx(reference["p_value"])
    assert verdict["checks"]["alpha_grid"] == [0.1, 100.0]


def test_verdict_of_a_planted_signal_and_of_other_estimators() -> None:
    rng = np.random.default_rng(5)
    x = rng.normal(size=(20, 6))
    features, response = _frame(x, x[:, 0] + 0.5 * rng.normal(size=20))
    verdict = assess(ModuleRegressor(top_n_grid=(1, 2, 3)), features, response, n_permutations=99)
    assert verdict["verdict"] == "signal", verdict["reasons"]
    assert describe(verdict).startswith("verdict: SIGNAL (permutation p = 0.01, 99 permutations")
    pipe = make_pipeline(StandardScaler(), Ridge(alpha=1.0))
    other = assess(pipe, features, response, n_permutations=19)
    assert other["verdict"] == "signal" and "alpha" not in other["checks"]
    labels = response > response.median()
    classifier = assess(ModuleClassifier(top_n=1, cs=(1.0,)), features, labels, n_permutations=19)
    assert classifier["metric"] == "auc" and classifier["verdict"] == "signal"
    with pytest.raises(DataError, match=">= 19 permutations"):
        assess(ModuleRegressor(), features, response, n_permutations=5)


def test_noise_is_not_signal() -> None:
    rng = np.random.default_rng(11)
    features, response = _frame(rng.normal(size=(16, 8)), rng.normal(size=16))
    verdict = assess(make_estimator("ridge", top_n_grid=(1, 2)), features, response)
    assert verdict["verdict"] != "signal" and verdict["n_permutations"] == 1000


def test_baselines_take_the_estimator() -> None:
    rng = np.random.default_rng(2)
    genes = [f"G{i}" for i in range(60)]
    samples = [f"S{j}" for j in range(16)]
    expression = pd.DataFrame(rng.normal(size=(60, 16)), index=genes, columns=samples)
    modules = {"A": genes[:8], "B": genes[8:16], "C": genes[16:24]}
    activity = expression.loc[genes[:8]].mean()
    response = pd.Series(-activity.to_numpy() + 0.1 * rng.normal(size=16), index=samples)
    result = compare_baselines(
        ModuleRegressor(top_n=1),
        expression.T,  # samples x genes
        response,
        modules,
        targets=genes[30:33],
        all_pathways={**modules, "D": genes[24:40]},
        n_random=9,
    )
    table = result.table.set_index("features")
    assert list(table.index) == [
        "network_modules",
        "drug_targets",
        "all_pathways",
        "random_modules",
    ]
    assert table.loc["network_modules", "spearman_r"] > 0.8
    assert result.empirical_p == pytest.approx(0.1) and len(result.null) == 9
