"""Predictors: signal recovery, top-N selection, prediction, safe save/load, input errors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from netmarker.errors import DataError
from netmarker.predict.estimators import make_estimator
from netmarker.predict.features import score_modules
from netmarker.predict.model import (
    biomarker_table,
    load_model,
    model_to_dict,
    predict,
    save_model,
    train,
)
from netmarker.predict.simulate import simulate_cohort
from netmarker.predict.validation import cv_metrics


def linear_data(n: int = 60, p: int = 15, seed: int = 0) -> tuple[pd.DataFrame, pd.Series]:
    """Features f00..f14 on different scales; response = 3 f03 - 2 f07 + noise."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, p)) * rng.uniform(0.5, 20, size=p) + rng.uniform(-5, 5, size=p)
    x = pd.DataFrame(
        x, index=[f"S{i:03d}" for i in range(n)], columns=[f"f{j:02d}" for j in range(p)]
    )
    z = (x - x.mean()) / x.std()
    y = 3 * z["f03"] - 2 * z["f07"] + 0.3 * rng.normal(size=n)
    return x, y.rename("ic50")


@pytest.fixture(scope="module")
def cohort_features() -> tuple[pd.DataFrame, pd.Series, list[str]]:
    sim = simulate_cohort(60, effect=1.0, seed=3, prefix="ORG")
    feats = score_modules(sim.expression, sim.modules).scores
    return feats, sim.response, sim.signal_modules


@pytest.mark.parametrize("method", ["ridge", "svr", "linear"])
def test_planted_linear_signal_ranks_first(method: str) -> None:
    x, y = linear_data()
    model = train(x, y, method=method, top_n=None)
    assert set(model.ranking.index[:2]) == {"f03", "f07"}
    table = biomarker_table(model)
    assert table["feature"].tolist()[:2] == ["f03", "f07"]
    assert table["rank"].tolist() == list(range(1, 16))
    assert table.loc[0, "coefficient"] > 0 > table.loc[1, "coefficient"]


def test_ssgsea_module_features_recover_signal_modules(cohort_features) -> None:
    feats, response, signal = cohort_features
    model = train(feats, response, method="ridge", top_n=len(signal))
    assert sorted(model.feature_names) == sorted(signal)
    # higher activity of a signal module lowers the IC50
    assert (model.coefficients < 0).all()


def test_logistic_on_labels_recovers_signal() -> None:
    x, y = linear_data(n=80, seed=1)
    labels = y > y.median()
    model = train(x, labels, method="logistic", top_n=2)
    assert sorted(model.feature_names) == ["f03", "f07"]
    assert model.classes == [False, True]
    prob = predict(model, x)
    assert prob.name == "probability" and ((prob > 0.5) == labels).mean() > 0.85


def test_top_n_by_inner_cv_keeps_the_signal_and_records_the_search() -> None:
    x, y = linear_data()
    model = train(x, y, method="ridge", top_n="cv", top_n_grid=(1, 2, 5, 15))
    assert model.hyperparameters["top_n"] == 2
    assert sorted(model.feature_names) == ["f03", "f07"]
    assert model.hyperparameters["top_n_grid"] == [1, 2, 5, 15]
    losses = model.hyperparameters["top_n_cv_loss"]
    assert losses[1] == min(losses) and losses[0] > losses[1]  # one feature is not enough
    given = train(x, y, top_n=5)
    assert len(given.feature_names) == 5 and given.hyperparameters["top_n"] == 5
    capped = train(x, y, top_n=50)
    assert len(capped.feature_names) == 15


def test_cv_metrics_are_stored(cohort_features) -> None:
    feats, response, _ = cohort_features
    model = train(feats, response, top_n=2, metadata={"drug": "SIMULATED"})
    assert model.cv_metrics == {}  # training does not cross-validate; cv_metrics does
    model.cv_metrics = cv_metrics(make_estimator(top_n=2), feats, response, cv=5)
    assert model.cv_metrics["cv"] == 5 and model.cv_metrics["n"] == 60
    assert model.cv_metrics["spearman_r"] > 0.5
    assert model.metadata == {"drug": "SIMULATED"}
    assert model.training_samples == feats.index.tolist()


def test_predict_matches_columns_by_name_and_standardises_cohorts() -> None:
    x, y = linear_data()
    model = train(x, y, top_n=3)
    base = predict(model, x, standardize="training")
    shuffled = predict(model, x[x.columns[::-1]], standardize="training")
    pd.testing.assert_series_equal(base, shuffled)
    np.testing.assert_allclose(base.to_numpy(), model_fit_check(model, x))
    # a cohort measured on another scale: own standardisation undoes the shift
    shifted = x * 3 + 100
    own = predict(model, shifted, standardize="cohort")
    np.testing.assert_allclose(own.to_numpy(), predict(model, x, standardize="cohort").to_numpy())
    training = predict(model, shifted, standardize="training")
    assert not np.allclose(training.to_numpy(), base.to_numpy())
    assert predict(model, x).equals(predict(model, x, standardize="cohort"))  # the default
    with pytest.raises(DataError, match=r"features: 1 of the model's 3 features are missing: f03"):
        predict(model, x.drop(columns="f03"))
    with pytest.raises(DataError, match="use 'training' or 'cohort'"):
        predict(model, x, standardize="z")  # type: ignore[arg-type]


def model_fit_check(model, x: pd.DataFrame) -> np.ndarray:
    cols = x[model.feature_names].to_numpy()
    return ((cols - model.scaler_mean) / model.scaler_scale) @ model.coefficients + model.intercept


@pytest.mark.parametrize("method", ["ridge", "logistic"])
def test_save_load_round_trip_is_exact_and_pickle_free(tmp_path: Path, method: str) -> None:
    x, y = linear_data()
    target = y > y.median() if method == "logistic" else y
    meta = {"drug": "SIM", "network": "toy", "seed": 0, "inputs": {"expr": "sha256:abc"}}
    top_n = 3 if method == "logistic" else "cv"  # logistic fits are slower: keep the test fast
    model = train(x, target, method=method, top_n=top_n, metadata=meta)
    model.cv_metrics = cv_metrics(make_estimator(method, top_n=top_n), x, target, cv=3)
    path = save_model(model, tmp_path / "out" / "model.json")
    assert sorted(p.name for p in path.parent.iterdir()) == ["model.json"]  # no temp left
    raw = path.read_bytes()
    assert raw.startswith(b"{") and b"\x80" not in raw  # JSON text; no pickle opcodes
    doc = json.loads(raw)
    assert doc["format"] == "netmarker-model" and doc["format_version"] == 1
    loaded = load_model(path)
    pd.testing.assert_series_equal(predict(loaded, x), predict(model, x))
    assert loaded.metadata == meta and loaded.cv_metrics == model_to_dict(model)["cv_metrics"]
    assert loaded.feature_names == model.feature_names
    pd.testing.assert_frame_equal(biomarker_table(loaded), biomarker_table(model))
    pd.testing.assert_series_equal(loaded.ranking, model.ranking, check_index_type=False)


def test_load_validates_the_file(tmp_path: Path) -> None:
    x, y = linear_data()
    path = save_model(train(x, y, top_n=3), tmp_path / "m.json")
    good = json.loads(path.read_text())

    def broken(change: dict) -> Path:
        p = tmp_path / "bad.json"
        p.write_text(json.dumps({**good, **change}))
        return p

    cases = [
        ({"format_version": 99}, "format_version 99 is not supported"),
        ({"format": "sklearn"}, "'format' field"),
        ({"coefficients": [1.0, 2.0]}, "'coefficients' must be a list of 3 numbers"),
        ({"scaler_scale": [1.0, 0.0, 1.0]}, "'scaler_scale' must be positive"),
        ({"scaler_mean": [1.0, "x", 1.0]}, "non-numeric"),
        ({"method": "forest"}, "unknown method"),
        ({"feature_names": []}, "non-empty list"),
        ({"metadata": [1]}, "'metadata' must be an object"),
    ]
    for change, message in cases:
        with pytest.raises(DataError, match=message):
            load_model(broken(change))
    (tmp_path / "text.json").write_text("not json")
    with pytest.raises(DataError, match="not JSON"):
        load_model(tmp_path / "text.json")
    with pytest.raises(DataError, match="model file not found"):
        load_model(tmp_path / "absent.json")


def test_save_rejects_unserialisable_metadata_and_keeps_old_file(tmp_path: Path) -> None:
    x, y = linear_data()
    path = save_model(train(x, y, top_n=3), tmp_path / "m.json")
    before = path.read_bytes()
    with pytest.raises(DataError, match="cannot write a value of type object"):
        save_model(train(x, y, top_n=3, metadata={"bad": object()}), path)
    assert path.read_bytes() == before


def test_bad_training_inputs_raise_clear_errors() -> None:
    x, y = linear_data(n=10)
    with pytest.raises(DataError, match=r"no samples in common.*transpose"):
        train(x.T, y)
    with pytest.raises(DataError, match="only 2 samples in common; need at least 3"):
        train(x.iloc[:2], y)
    flat = x.assign(f04=1.0, f09=2.0)
    with pytest.raises(DataError, match="constant across the training samples: f04, f09"):
        train(flat, y)
    holes = x.copy()
    holes.loc["S003", "f05"] = np.nan
    with pytest.raises(
        DataError, match="missing or infinite values in samples S003 and features f05"
    ):
        train(holes, y)
    gaps = y.copy()
    gaps["S004"] = np.nan
    with pytest.raises(DataError, match="response: missing values for samples S004"):
        train(x, gaps)
    with pytest.raises(DataError, match=r"needs True/False .* found 3 values"):
        train(x, pd.Series(np.arange(10) % 3, index=x.index), method="logistic")
    words = pd.Series(["CR", "PD"] * 5, index=x.index)  # which one responds? refuse to guess
    with pytest.raises(DataError, match="True = responder"):
        train(x, words, method="logistic")
    with pytest.raises(DataError, match="unknown method 'forest'"):
        train(x, y, method="forest")  # type: ignore[arg-type]
    with pytest.raises(DataError, match="top_n: must be >= 1"):
        train(x, y, top_n=0)
    with pytest.raises(DataError, match="same for every sample"):
        train(x, pd.Series(1.0, index=x.index))
    with pytest.raises(DataError, match="features: is empty"):
        train(x.iloc[:, :0], y)


@pytest.mark.parametrize("method", ["ridge", "svr", "linear", "logistic"])
def test_tiny_cohorts_fall_back_to_fixed_defaults_and_say_so(
    method: str, caplog: pytest.LogCaptureFixture
) -> None:
    x, y = linear_data(n=5, p=8)
    target = (
        pd.Series([True, False, True, False, True], index=x.index) if method == "logistic" else y
    )
    model = train(x, target, method=method, top_n="cv")
    model.cv_metrics = cv_metrics(make_estimator(method), x, target, cv="loo")
    assert model.hyperparameters["top_n"] == 8
    assert model.hyperparameters["top_n_cv"].startswith("skipped")
    assert "top N not chosen" in caplog.text
    assert model.cv_metrics["n"] == 5
