"""The file-to-file steps the CLI calls (one each): features, train, cv, predict; and the one
parameter object of the store-aware workflow (ModuleSelection)."""

from __future__ import annotations

import ast
import logging
from pathlib import Path

import pandas as pd
import pytest

from netmarker.errors import DataError
from netmarker.graph import EmbeddedStore
from netmarker.predict.estimators import ModuleRegressor
from netmarker.predict.model import load_model
from netmarker.predict.runs import (
    crossvalidate_files,
    predict_files,
    score_files,
    sets_path,
    train_files,
)
from netmarker.predict.simulate import simulate_cohort
from netmarker.predict.workflow import ModuleSelection, drug_module_scores
from test_predict_inputs import RENAME, simulated_store

SELECTION = ModuleSelection(network="net")


@pytest.fixture
def inputs(tmp_path: Path) -> tuple[EmbeddedStore, Path, Path, dict[str, list[str]]]:
    """A store with SIMULATED modules proximal to DRUGX, and organoid-like files."""
    cohort = simulate_cohort(40, gene_seed=1, seed=1)
    modules = {m: [RENAME[g] for g in genes] for m, genes in cohort.modules.items()}
    s = simulated_store(tmp_path / "store", modules)
    expression = tmp_path / "organoids.tsv"
    cohort.expression.rename(index=RENAME).rename_axis("gene").to_csv(expression, sep="\t")
    response = tmp_path / "response.tsv"
    pd.DataFrame(
        {"sample": cohort.response.index, "drug": "DRUGX", "value": cohort.response.to_numpy()}
    ).to_csv(response, sep="\t", index=False)
    return s, expression, response, modules


def test_module_selection_is_one_frozen_object_with_the_shared_defaults() -> None:
    from netmarker.defaults import DEFAULT_MIN_SIZE, DEFAULT_Z_CUTOFF

    default = ModuleSelection()
    assert (default.network, default.z_cutoff, default.min_size) == (
        None,
        DEFAULT_Z_CUTOFF,
        DEFAULT_MIN_SIZE,
    )
    assert (default.score_method, default.normalize) == ("ssgsea", True)
    with pytest.raises(AttributeError):
        default.min_size = 2  # type: ignore[misc]
    with pytest.raises(DataError, match="min_size"):
        ModuleSelection(min_size=0)
    with pytest.raises(DataError, match="score_method"):
        ModuleSelection(score_method="gsva")  # type: ignore[arg-type]


def test_score_files_writes_scores_and_sets_like_the_notebook_scores(inputs, tmp_path) -> None:
    store, expression, _, modules = inputs
    out = tmp_path / "scores.tsv"
    run = score_files(store, expression, out, drug="DRUGX", selection=SELECTION)
    written = pd.read_csv(out, sep="\t", index_col="sample")
    assert run.out == out and run.sets == sets_path(out) == tmp_path / "scores.sets.tsv"
    assert written.shape == (40, len(modules)) and set(written.columns) == set(modules)
    assert run.summary()["modules_scored"] == len(modules)
    assert "DRUGX's proximal modules on net" in run.scored_together
    # the notebook call with the same ModuleSelection, on samples x genes, gives the same scores
    samples_x_genes = pd.read_csv(expression, sep="\t", index_col="gene").T
    notebook = drug_module_scores(store, "DRUGX", samples_x_genes, SELECTION)
    pd.testing.assert_frame_equal(
        written, notebook, check_names=False, check_exact=False, rtol=1e-12
    )
    by_source = score_files(store, expression, tmp_path / "all.tsv", source="sim")
    assert by_source.scored_together == "all pathways of sim"
    with pytest.raises(DataError, match="one of them"):
        score_files(store, expression, out, drug="DRUGX", source="sim")


def test_train_cv_and_predict_files(inputs, tmp_path, caplog) -> None:
    store, expression, response, _ = inputs
    model_path = tmp_path / "model.json"
    trained = train_files(
        store,
        expression,
        response,
        "DRUGX",
        model_path,
        estimator=ModuleRegressor(top_n=2),
        selection=SELECTION,
        permutations=19,
        write_policy="never",
    )
    assert trained.out == model_path and load_model(model_path).feature_names
    assert trained.biomarkers_written == 0 and store.biomarkers("DRUGX").empty
    assert trained.match.n_matched == 40 and trained.data.drug == "DRUGX"
    assert trained.model.metadata["network"] == "net"
    assert trained.model.metadata["min_size"] == SELECTION.min_size

    stages: list[tuple[str, int, int | None]] = []
    cv = crossvalidate_files(
        store,
        expression,
        response,
        "DRUGX",
        estimator=ModuleRegressor(top_n=2),
        selection=SELECTION,
        n_random=3,
        permutations=19,
        out=tmp_path / "cv.tsv",
        progress=lambda *a: stages.append(a),
    )
    assert cv.out is not None and cv.out.is_file()
    assert not [c for c in cv.table.columns if c.endswith(("_p", "_p_greater"))]
    assert cv.verdict["n_permutations"] == 19 and cv.n_samples == 40
    # one stage per long step, each announced before it runs
    assert [s for s, done, _ in stages if done == 0] == [
        "LOOCV of DRUGX: network model, baselines, random modules",
        "verdict for DRUGX: label permutations",
    ]
    assert stages[1:4] == [(stages[0][0], d, 3) for d in (1, 2, 3)]

    patients = tmp_path / "patients.tsv"
    simulate_cohort(30, gene_seed=1, seed=7, prefix="PAT").expression.rename(
        index=RENAME
    ).rename_axis("gene").to_csv(patients, sep="\t")
    with caplog.at_level(logging.WARNING, logger="netmarker"):
        run = predict_files(
            model_path,
            patients,
            tmp_path / "pred.tsv",
            min_spread=0.0,
            min_size=4,
            coverage_out=tmp_path / "coverage.tsv",
        )
    assert "--min-size 4 differs from the model's training value 5" in caplog.text
    if run.verdict != "signal":
        assert "its predictions are not evidence of response" in caplog.text
    written = pd.read_csv(tmp_path / "pred.tsv", sep="\t")
    assert len(written) == 30 and run.responders == int(written["predicted_responder"].sum())
    assert run.coverage_out is not None and run.coverage_out.is_file()
    assert run.features["feature"].all()


COMMANDS = {
    "features_command": "score_files",
    "train_command": "train_files",
    "cv_command": "crossvalidate_files",
    "predict_command": "predict_files",
    "evaluate_command": "evaluate_files",
}


def test_each_predictor_command_calls_one_library_function() -> None:
    # the CLI is thin: each command body imports and calls one step of the library (plus
    # what it needs to print), and never reads or writes files itself
    source = Path(__file__).resolve().parents[1] / "src" / "netmarker" / "cli" / "predictors.py"
    tree = ast.parse(source.read_text())
    bodies = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
    for command, step in COMMANDS.items():
        calls = [
            n.func.id
            for n in ast.walk(bodies[command])
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
        ]
        assert calls.count(step) == 1, (command, calls)
        forbidden = {c for c in calls if c.startswith(("read_", "write_", "load_", "save_"))}
        assert not forbidden, (command, forbidden)
