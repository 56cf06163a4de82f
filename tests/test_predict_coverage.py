"""Applying a model checks coverage, orientation and spread (issue 8 point 3), on SIMULATED data."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from netmarker.cli import predictors
from netmarker.errors import DataError, NetmarkerError
from netmarker.graph import EmbeddedStore
from netmarker.predict.estimators import ModuleRegressor
from netmarker.predict.model import DEFAULT_STANDARDIZE, TrainedModel
from netmarker.predict.simulate import simulate_cohort
from netmarker.predict.workflow import (
    DEFAULT_MIN_COVERAGE,
    DEFAULT_MIN_SPREAD,
    module_coverage,
    predict_cohort,
    train_drug_model,
)
from test_workflow import _training, store  # noqa: F401  (the fixture of simulated modules)


@pytest.fixture
def model(store: EmbeddedStore) -> TrainedModel:  # noqa: F811
    return train_drug_model(
        store, _training(60, seed=1), estimator=ModuleRegressor(top_n=2), cv=None
    )


def _patients(seed: int = 7) -> pd.DataFrame:
    return simulate_cohort(120, gene_seed=1, seed=seed, prefix="PAT").expression


def test_training_records_genes_measured_and_response_spread(model: TrainedModel) -> None:
    meta = model.metadata
    assert meta["module_coverage"] == {m: 15 for m in meta["modules"]}
    assert meta["response_sd"] == pytest.approx(float(_training(60, seed=1).response.std(ddof=0)))


def test_coverage_table_per_module(model: TrainedModel) -> None:
    expr = _patients()
    other = next(m for m in model.metadata["modules"] if m not in model.feature_names)
    expr = expr.drop(index=model.metadata["modules"][other][:12])  # 3 of 15 genes left
    table = module_coverage(model, expr).set_index("module")
    assert table.loc[other, "measured_training"] == 15 and table.loc[other, "measured_now"] == 3
    assert not table.loc[other, "scored"] and "fewer than the 5" in table.loc[other, "problem"]
    feature = model.feature_names[0]
    assert table.loc[feature, "feature"] and table.loc[feature, "covered"]
    assert table.loc[feature, "coverage"] == 1.0
    # a non-feature module below the training minimum is not scored, and predicting still works
    assert len(predict_cohort(model, expr)) == 120


def test_feature_with_one_measured_gene_is_not_scored(model: TrainedModel) -> None:
    """Today's main scored modules from a single gene (min_size=1); training required 5."""
    feature = model.feature_names[0]
    expr = _patients().drop(index=model.metadata["modules"][feature][1:])
    with pytest.raises(NetmarkerError, match=rf"1 of the model's 2 features .*{feature} "):
        predict_cohort(model, expr)


def test_feature_losing_training_genes_stops_naming_it(model: TrainedModel) -> None:
    feature = model.feature_names[1]
    expr = _patients().drop(index=model.metadata["modules"][feature][:5])  # 10 of 15: 67%
    with pytest.raises(NetmarkerError, match=rf"{feature} \(10 of 15 training genes measured"):
        predict_cohort(model, expr)
    # the threshold is configurable
    assert len(predict_cohort(model, expr, min_coverage=0.6)) == 120


def test_transposed_frame_is_named(model: TrainedModel) -> None:
    with pytest.raises(DataError, match="looks transposed: 180 column names are genes"):
        predict_cohort(model, _patients().T)
    training = _training(60, seed=1).expression.T  # training sample ids as rows
    training.columns = [f"X{i}" for i in range(training.shape[1])]
    with pytest.raises(DataError, match="row ids are the model's training samples"):
        predict_cohort(model, training)


def test_median_split_of_negligible_spread_is_refused(model: TrainedModel) -> None:
    model.coefficients = model.coefficients * 1e-3  # an all-but-intercept model
    with pytest.raises(NetmarkerError, match=r"predictions barely vary .* median split"):
        predict_cohort(model, _patients())
    # an explicit threshold is the user's call, and the bar is configurable
    assert len(predict_cohort(model, _patients(), rule=1.0)) == 120
    assert len(predict_cohort(model, _patients(), min_spread=0.0)) == 120


def test_old_model_without_training_coverage_still_predicts(
    model: TrainedModel, caplog: pytest.LogCaptureFixture
) -> None:
    del model.metadata["module_coverage"], model.metadata["response_sd"]
    table = module_coverage(model, _patients())
    assert table["measured_training"].isna().all() and table["covered"].all()
    with caplog.at_level(logging.WARNING):
        pred = predict_cohort(model, _patients())
    assert pred["predicted_responder"].sum() == 60
    assert "cannot be checked for negligible spread" in caplog.text


def test_cli_defaults_agree_with_the_library() -> None:
    assert predictors.DEFAULT_MIN_COVERAGE == DEFAULT_MIN_COVERAGE
    assert predictors.DEFAULT_MIN_SPREAD == DEFAULT_MIN_SPREAD
    assert predictors.Standardize.cohort.value == DEFAULT_STANDARDIZE  # --standardize default


def test_prediction_columns(model: TrainedModel, tmp_path: Path) -> None:
    pred = predict_cohort(model, _patients())
    assert list(pred.columns[:5]) == [
        "sample",
        "predicted",
        "predicted_responder",
        "method",
        "model_id",
    ]
    assert np.isfinite(pred["predicted"]).all()
