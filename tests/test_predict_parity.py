"""The 5-FU organoid numbers of the CLI before the estimators, recomputed with the estimators.

``tests/data/golden_5fu_organoids.json`` was written by the code before this change (main at
698960a: ``workflow.train_drug_model`` with its LOOCV and verdict, ``evaluate.cross_validate``)
on the demo data. The estimators and validation functions must give the same model, the same
out-of-fold predictions and the same verdict, in the same sample order.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from netmarker.datasets import load_demo
from netmarker.predict.estimators import ModuleRegressor
from netmarker.predict.scoring import module_scores
from netmarker.predict.validation import align_samples, assess, cross_validate, cv_metrics

GOLDEN = json.loads((Path(__file__).parent / "data" / "golden_5fu_organoids.json").read_text())


def _same(actual: object, expected: object) -> bool:
    """Equal strings and structure; numbers equal to 12 significant digits."""
    if isinstance(expected, dict):
        return (
            isinstance(actual, dict)
            and actual.keys() == expected.keys()
            and all(_same(actual[k], v) for k, v in expected.items())
        )
    if isinstance(expected, list):
        return (
            isinstance(actual, list)
            and len(actual) == len(expected)
            and all(_same(a, e) for a, e in zip(actual, expected, strict=True))
        )
    if isinstance(expected, float):
        return actual == pytest.approx(expected, rel=1e-12, abs=1e-15)
    return actual == expected


@pytest.fixture(scope="module")
def organoids():
    demo = load_demo()
    modules = {name: demo.pathways[name] for name in GOLDEN["features"]}
    scores = module_scores(demo.expression, modules)
    x, y, match = align_samples(scores, demo.response["FLUOROURACIL"])
    assert match.n_matched == 19  # P19a/P19A, P24a/P24A, P24b/P24B pair up
    order = GOLDEN["samples"]  # the CLI pairs in the response file's order
    return x.loc[order], y.loc[order]


@pytest.mark.parametrize("method", ["ridge", "linear"])
def test_model_cv_and_verdict_are_unchanged(organoids, method: str) -> None:
    x, y = organoids
    golden = GOLDEN[method]
    est = ModuleRegressor(method).fit(x, y)  # type: ignore[arg-type]
    assert est.selected_features_ == golden["features"]
    np.testing.assert_allclose(est.coef_, golden["coef"], rtol=1e-12, atol=1e-14)
    assert est.intercept_ == pytest.approx(golden["intercept"], rel=1e-12)
    assert est.hyperparameters_.get("alpha") == golden["hyper"].get("alpha")
    assert _same(cv_metrics(est, x, y), golden["cv"])
    if method != "ridge":
        return  # the other methods' verdict reruns cross_validate (tested in test_validation)
    verdict = assess(est, x, y, n_permutations=golden["verdict"]["n_permutations"])
    for key in ("verdict", "observed", "p_value", "null", "checks", "baselines"):
        assert _same(verdict[key], golden["verdict"][key]), (key, verdict[key])


def test_out_of_fold_predictions_are_unchanged(organoids) -> None:
    x, y = organoids
    oof = cross_validate(ModuleRegressor(), x, y).predictions["predicted"]
    np.testing.assert_allclose(oof.to_numpy(), GOLDEN["oof_ridge"], rtol=1e-12)
