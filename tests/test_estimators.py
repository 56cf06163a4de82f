"""The predictors as scikit-learn estimators: scikit-learn's own checks, the API, parity."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import check_estimator

from netmarker.errors import DataError
from netmarker.predict.estimators import (
    RIDGE_ALPHAS,
    TOP_N_GRID,
    ModuleClassifier,
    ModuleRegressor,
    fit_arrays,
    linear_predict,
    make_estimator,
)

# Small grids keep scikit-learn's ~50 checks per estimator fast; every code path (ranking,
# inner CV over N, regularisation search) still runs. The default grids are exercised below.
_SMALL = {"top_n_grid": (1, 3), "inner_cv": 2}
CHECKED = [
    ModuleRegressor(alphas=(0.1, 1.0, 10.0), **_SMALL),
    ModuleRegressor("svr", cs=(0.1, 1.0), **_SMALL),
    ModuleRegressor("linear", top_n=3),
    ModuleClassifier(cs=(0.1, 1.0), **_SMALL),
]


#: checks that cannot apply, with why; scikit-learn skips them itself and they are asserted
#: to be the only ones skipped (every other check must run and pass)
NOT_APPLICABLE = {
    "check_array_api_input": "needs SCIPY_ARRAY_API=1 and an array API library; the estimators "
    "convert their input to numpy float64 and do not claim array API support",
}


@pytest.mark.parametrize("estimator", CHECKED, ids=lambda e: repr(e).replace(" ", ""))
def test_scikit_learn_estimator_checks(estimator) -> None:
    results = check_estimator(estimator, on_fail=None, on_skip=None)
    failed = {r["check_name"]: str(r["exception"]) for r in results if r["status"] == "failed"}
    skipped = {r["check_name"] for r in results if r["status"] == "skipped"}
    assert failed == {}
    assert skipped <= set(NOT_APPLICABLE)
    assert sum(r["status"] == "passed" for r in results) >= 50


def _data(seed: int = 0, n: int = 30, p: int = 12) -> tuple[pd.DataFrame, pd.Series]:
    rng = np.random.default_rng(seed)
    x = pd.DataFrame(
        rng.normal(size=(n, p)),
        index=[f"S{i:02d}" for i in range(n)],
        columns=[f"M{j}" for j in range(p)],
    )
    y = pd.Series(2 * x["M3"] - x["M7"] + 0.3 * rng.normal(size=n), index=x.index, name="ic50")
    return x, y


@pytest.mark.parametrize("method", ["ridge", "svr", "linear", "logistic"])
@pytest.mark.parametrize("top_n", ["cv", 2, None])
def test_fit_is_fit_arrays_on_the_same_numbers(method: str, top_n: int | str | None) -> None:
    x, y = _data(1, n=24, p=8)
    target = (y > y.median()).to_numpy(float) if method == "logistic" else y.to_numpy()
    grid = (1, 3)  # a short top-N grid keeps the logistic and SVR searches quick
    est = make_estimator(method, top_n=top_n, top_n_grid=grid, random_state=3).fit(x, target)
    ref = fit_arrays(x.to_numpy(), target, method=method, top_n=top_n, top_n_grid=grid, seed=3)
    np.testing.assert_array_equal(est.support_, ref.selected)
    np.testing.assert_array_equal(est.coef_, ref.coef)
    assert est.intercept_ == ref.intercept and est.hyperparameters_ == ref.hyper
    xs = (x.to_numpy()[:, ref.selected] - ref.mean) / ref.scale
    expected = linear_predict(xs, ref.coef, ref.intercept, method)
    if method == "logistic":
        np.testing.assert_array_equal(est.predict_proba(x)[:, 1], expected)
    else:
        np.testing.assert_array_equal(est.predict(x), expected)


def test_grids_and_cv_scheme_are_parameters() -> None:
    x, y = _data(2)
    est = ModuleRegressor(alphas=(5.0,), top_n_grid=(1, 4), inner_cv=3).fit(x, y)
    assert est.hyperparameters_["alpha"] == 5.0
    assert est.hyperparameters_["top_n_grid"] == [1, 4]
    assert est.top_n_ in (1, 4)
    default = ModuleRegressor().fit(x, y)
    assert default.hyperparameters_["alpha"] in RIDGE_ALPHAS
    assert default.hyperparameters_["top_n_grid"] == sorted({min(n, 12) for n in TOP_N_GRID})
    # the planted features are found and named
    assert {"M3", "M7"} <= set(default.selected_features_)
    assert default.ranking_[0][0] == "M3"


def test_clone_get_set_params_and_sklearn_tools() -> None:
    x, y = _data(3)
    est = ModuleRegressor(top_n=2)
    twin = clone(est).set_params(top_n=3, alphas=(1.0, 10.0))
    assert est.get_params()["top_n"] == 2 and twin.get_params()["top_n"] == 3
    scores = cross_val_score(ModuleRegressor(top_n=2), x, y, cv=3, scoring="r2")
    assert scores.mean() > 0.8
    pipe = make_pipeline(StandardScaler(), ModuleRegressor(top_n=2)).fit(x, y)
    assert pipe.score(x, y) > 0.9
    search = GridSearchCV(ModuleRegressor(), {"top_n": [1, 2, 4]}, cv=3).fit(x, y)
    assert search.best_params_["top_n"] in (2, 4)


def test_classifier_labels_and_probabilities() -> None:
    x, y = _data(4, n=40)
    labels = np.where(y > y.median(), "resistant", "sensitive")
    est = ModuleClassifier(top_n=2).fit(x, labels)
    assert est.classes_.tolist() == ["resistant", "sensitive"]
    proba = est.predict_proba(x)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert (est.predict(x) == labels).mean() > 0.85
    with pytest.raises(DataError, match="Only binary classification"):
        ModuleClassifier().fit(x, np.arange(40) % 3)


def test_bad_parameters_fail_at_fit_with_one_clear_message() -> None:
    x, y = _data(5)
    for est, message in (
        (ModuleRegressor("logistic"), "use ModuleClassifier"),  # type: ignore[arg-type]
        (ModuleRegressor(top_n=0), "top_n must be"),
        (ModuleRegressor(top_n_grid=()), "top_n_grid must be"),
        (ModuleRegressor(inner_cv=1), "inner_cv must be"),
        (ModuleRegressor(alphas=(0.0, 1.0)), "alphas must be"),
        (ModuleRegressor("svr", cs=()), "cs must be"),
    ):
        with pytest.raises(ValueError, match=message):
            est.fit(x, y)
    with pytest.raises(ValueError, match="unknown method"):
        make_estimator("forest")


def test_saved_estimator_loads_back_and_predicts_from_the_full_table(tmp_path) -> None:
    from netmarker.predict.model import load_estimator, load_model, save_model

    x, y = _data(6)
    est = ModuleRegressor(top_n=2).fit(x, y)
    path = save_model(est, tmp_path / "m.json", metadata={"drug": "SIM"})
    again = load_estimator(path)
    assert load_model(path).metadata == {"drug": "SIM"}
    assert again.selected_features_ == est.selected_features_ == ["M3", "M7"]
    # the loaded model knows its kept features only; a table with every feature is narrowed
    np.testing.assert_array_equal(again.predict(x), est.predict(x))
    with pytest.raises(ValueError, match="feature names"):
        again.predict(x[["M7", "M3"]])  # names in another order: scikit-learn's own error
