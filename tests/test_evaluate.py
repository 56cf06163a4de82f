"""Evaluation: leakage-free CV, permutation p, responder calls, survival, metrics, baselines."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from lifelines.statistics import logrank_test

from netmarker.errors import DataError
from netmarker.predict.estimators import ModuleClassifier, ModuleRegressor
from netmarker.predict.evaluate import (
    align_survival,
    compare_baselines,
    response_metrics,
    split_responders,
    survival_test,
)
from netmarker.predict.features import score_modules
from netmarker.predict.model import predict, train
from netmarker.predict.simulate import simulate_cohort
from netmarker.predict.validation import cross_validate, permutation_test, random_modules


def noise(seed: int, n: int = 30, p: int = 100) -> tuple[pd.DataFrame, pd.Series]:
    rng = np.random.default_rng(seed)
    index = [f"s{i:02d}" for i in range(n)]
    x = pd.DataFrame(rng.normal(size=(n, p)), index=index, columns=[f"f{j:03d}" for j in range(p)])
    return x, pd.Series(rng.normal(size=n), index=index, name="ic50")


@pytest.fixture(scope="module")
def preclinical():
    return simulate_cohort(60, effect=1.0, seed=11, prefix="ORG")


@pytest.fixture(scope="module")
def trained(preclinical):
    feats = score_modules(preclinical.expression, preclinical.modules).scores
    return train(feats, preclinical.response, top_n=2)


def test_selection_inside_folds_leaves_no_leak_on_noise() -> None:
    honest, leaky = [], []
    for seed in range(6):
        x, y = noise(seed, n=24, p=60)
        honest.append(
            cross_validate(ModuleRegressor(top_n=3), x, y, cv="loo").metrics["spearman_r"]
        )
        # the classic mistake: pick features on all samples, then cross-validate
        chosen = x.corrwith(y).abs().sort_values().index[-3:]
        leaky.append(
            cross_validate(ModuleRegressor(top_n=None), x[chosen], y, cv="loo").metrics[
                "spearman_r"
            ]
        )
    # no positive skill on noise (LOO on noise is biased negative, if anything) ...
    assert np.mean(honest) < 0.15
    # ... while selection outside the folds manufactures it: this check can fail
    assert np.mean(leaky) > 0.35


def test_permutation_p_separates_noise_from_signal(preclinical) -> None:
    x, y = noise(0, n=24, p=40)
    ticks: list[tuple[int, int]] = []
    null = permutation_test(
        ModuleRegressor(top_n=3),
        x,
        y,
        cv=4,
        n_permutations=19,
        seed=0,
        progress=lambda *a: ticks.append(a),
    )
    assert ticks[0] == (1, 19) and ticks[-1] == (19, 19)
    assert null["p_value"] > 0.05 and len(null["null"]) == 19
    feats = score_modules(preclinical.expression, preclinical.modules).scores
    real = permutation_test(
        ModuleRegressor(top_n=2), feats, preclinical.response, cv=4, n_permutations=19
    )
    assert real["p_value"] == pytest.approx(1 / 20)
    assert real["observed"] > 0.5


def test_cross_validate_outputs(preclinical) -> None:
    feats = score_modules(preclinical.expression, preclinical.modules).scores
    result = cross_validate(
        ModuleRegressor(top_n="cv", random_state=1), feats, preclinical.response, cv=5
    )
    assert result.predictions.index.tolist() == feats.index.tolist()
    assert sorted(result.predictions["fold"].unique()) == [0, 1, 2, 3, 4]
    assert result.predictions["observed"].equals(preclinical.response.loc[feats.index])
    assert result.metrics["spearman_r"] > 0.6 and result.metrics["spearman_p"] < 1e-4
    assert result.metrics["rmse"] < preclinical.response.std()
    assert len(result.selected) == 5
    assert all(set(preclinical.signal_modules) <= set(sel) for sel in result.selected)


def test_cross_validate_labels(preclinical) -> None:
    feats = score_modules(preclinical.expression, preclinical.modules).scores
    result = cross_validate(ModuleClassifier(top_n=2), feats, preclinical.responder, cv=4)
    assert set(result.metrics) >= {"auc", "accuracy", "n_positive"}
    assert result.metrics["auc"] > 0.7
    assert result.predictions["predicted"].between(0, 1).all()
    with pytest.raises(DataError, match="'loo' or a number of folds"):
        cross_validate(ModuleRegressor(), feats, preclinical.response, cv=1)


def test_split_responders() -> None:
    pred = pd.Series([3.0, 1.0, 2.0, 5.0], index=list("abcd"))
    assert split_responders(pred).tolist() == [False, True, True, False]  # median 2.5
    assert split_responders(pred, 3.0).tolist() == [True, True, True, False]
    probs = split_responders(pred / 10, 0.25, lower_is_responder=False)
    assert probs.tolist() == [True, False, False, True] and probs.name == "responder"
    with pytest.raises(DataError, match="missing for b"):
        split_responders(pred.replace(1.0, np.nan))


def test_survival_planted_effect_is_significant_and_null_is_not(trained) -> None:
    results = {}
    for effect in (1.0, 0.0):
        patients = simulate_cohort(300, effect=effect, seed=21, prefix="PAT")
        feats = score_modules(patients.expression, patients.modules).scores
        predicted = predict(trained, feats, standardize="cohort")
        results[effect] = survival_test(split_responders(predicted), patients.time, patients.event)
    assert results[1.0]["p_value"] < 0.05
    assert results[0.0]["p_value"] > 0.05
    groups = results[1.0]["groups"]
    assert groups["True"]["n"] == groups["False"]["n"] == 150
    # predicted responders (low IC50) live longer: fewer events, later median
    assert groups["True"]["events"] < groups["False"]["events"]


def test_survival_test_matches_lifelines_and_counts() -> None:
    time = pd.Series([5, 8, 12, 20, 25, 3, 4, 6, 7, 30], index=list("abcdefghij"), dtype=float)
    event = pd.Series([1, 1, 0, 1, 0, 1, 1, 1, 0, 0], index=time.index)
    groups = pd.Series(["hi"] * 5 + ["lo"] * 5, index=time.index)
    got = survival_test(groups, time, event)
    hi, lo = groups == "hi", groups == "lo"
    want = logrank_test(time[hi], time[lo], event[hi], event[lo])
    assert got["p_value"] == pytest.approx(want.p_value)
    # hi: S(5) = 4/5, S(8) = 3/5, S(20) = 3/5 * 1/2 = 0.3 -> median 20
    assert got["groups"]["hi"] == {"n": 5, "events": 3, "median_time": 20.0}
    # lo: S(3) = 4/5, S(4) = 3/5, S(6) = 2/5 -> median 6
    assert got["groups"]["lo"] == {"n": 5, "events": 3, "median_time": 6.0}
    with pytest.raises(DataError, match="event: must be 0/1"):
        survival_test(groups, time, event.replace(0, 2))
    with pytest.raises(DataError, match="time: not a non-negative number for a"):
        survival_test(groups, time.replace(5.0, -1.0), event)
    with pytest.raises(DataError, match="need at least 2 groups"):
        survival_test(groups.replace("lo", "hi"), time, event)
    with pytest.raises(DataError, match="share no patients"):
        align_survival(groups.set_axis(list("ABCDEFGHIJ")), time, event)


def test_response_metrics_hand_example() -> None:
    idx = list("abcdef")
    predicted = pd.Series([True, True, True, False, False, False], index=idx)
    observed = pd.Series([True, True, False, False, False, True], index=idx)
    got = response_metrics(predicted, observed, pd.Series([6, 5, 4, 3, 2, 1], index=idx))
    assert got["confusion"] == {"tp": 2, "fp": 1, "tn": 2, "fn": 1}
    assert got["accuracy"] == pytest.approx(4 / 6)
    assert got["sensitivity"] == pytest.approx(2 / 3) and got["specificity"] == pytest.approx(2 / 3)
    # responders' scores 6, 5, 1 vs 4, 3, 2: 6 of 9 pairs ordered right
    assert got["auc"] == pytest.approx(6 / 9)
    low_is_good = response_metrics(
        predicted, observed, pd.Series([1, 2, 3, 4, 5, 6], index=idx), higher_score_responds=False
    )
    assert low_is_good["auc"] == pytest.approx(6 / 9)
    with pytest.raises(DataError, match="must be True/False"):
        response_metrics(predicted.astype(float).replace(1.0, 0.5), observed)


def test_random_modules_keep_sizes() -> None:
    draws = random_modules([3, 5], [f"g{i}" for i in range(10)], n_draws=4, seed=0)
    assert len(draws) == 4
    assert all([len(m) for m in d.values()] == [3, 5] for d in draws)
    assert all(len(set(m)) == len(m) for d in draws for m in d.values())
    with pytest.raises(DataError, match="cannot draw modules of 11 genes"):
        random_modules([11], [f"g{i}" for i in range(10)], n_draws=1, seed=0)


def test_baselines_random_module_p(preclinical) -> None:
    signal = {k: preclinical.modules[k] for k in preclinical.signal_modules}
    kwargs = {"n_random": 19, "cv": 4, "top_n": None, "seed": 0}
    result = compare_baselines(
        preclinical.expression,
        preclinical.response,
        signal,
        targets=preclinical.modules["SIM_MODULE_05"][:3],
        all_pathways=preclinical.modules,
        **kwargs,
    )
    table = result.table.set_index("features")
    assert table.index.tolist() == [
        "network_modules",
        "drug_targets",
        "all_pathways",
        "random_modules",
    ]
    assert table.loc["drug_targets", "n_features"] == 3
    assert table.loc["random_modules", "n_features"] == 2
    assert result.empirical_p == pytest.approx(1 / 20)  # beats every random draw
    assert table.loc["network_modules", "spearman_r"] > table.loc["random_modules", "spearman_r"]
    decoys = {k: preclinical.modules[k] for k in ["SIM_MODULE_07", "SIM_MODULE_09"]}
    null = compare_baselines(preclinical.expression, preclinical.response, decoys, **kwargs)
    assert null.empirical_p > 0.05


def test_simulated_cohorts_are_labelled_and_signal_free_without_effect() -> None:
    sim = simulate_cohort(200, effect=0.0, seed=4)
    assert sim.simulated and "SIMULATED" in sim.label
    assert sim.expression.index[0].startswith("SIMGENE") and sim.response.index[0] == "SIM-0001"
    assert abs(np.corrcoef(sim.activity, sim.response)[0, 1]) < 0.2
    planted = simulate_cohort(200, effect=1.0, seed=4)
    assert np.corrcoef(planted.activity, planted.response)[0, 1] < -0.7
    same_layout = simulate_cohort(10, effect=1.0, seed=5)
    assert same_layout.modules == planted.modules
    with pytest.raises(DataError, match="simulation"):
        simulate_cohort(10, n_genes=10)


@pytest.mark.realdata
def test_real_organoid_5fu_pipeline_runs_end_to_end(shared_data, tmp_path) -> None:
    from netmarker.predict.model import load_model, save_model
    from test_features import organoid_expression, reactome_sets

    expr = organoid_expression(shared_data)
    path = shared_data / "kong2020/organoid_COAD/drug_response/median_response.txt"
    table = pd.read_csv(path, sep="\t")
    fu = table[table["Drug Name"] == "5-Fluorouracil"]
    ic50 = pd.Series(fu["median_IC50"].to_numpy(), index=fu["Organoid"].str.upper(), name="ic50")
    sets = reactome_sets(shared_data)
    result = compare_baselines(
        expr, ic50, {k: sets[k] for k in list(sets)[:40]}, targets=["TYMS"], n_random=0, cv="loo"
    )
    table = result.table.set_index("features")
    assert (table["n"] == 19).all()
    assert table["spearman_r"].between(-1, 1).all()
    feats = score_modules(expr, sets).scores
    model = train(feats, ic50, top_n="cv", metadata={"drug": "5-FLUOROURACIL"})
    saved = load_model(save_model(model, tmp_path / "fu.json"))
    pd.testing.assert_series_equal(predict(saved, feats), predict(model, feats))
