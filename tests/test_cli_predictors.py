"""`netmarker train|predict|evaluate|features|cv` on the shipped demo data (real organoids)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from cli_helpers import run_cli
from netmarker.cli import app
from netmarker.demo import default_data_dir, simulate_patients
from netmarker.io.clinical import read_ding2016_response
from netmarker.io.expression import read_expression
from netmarker.predict.model import load_model

DEMO = default_data_dir()
EXPR = str(DEMO / "organoid_expression_GSE64392.tsv.gz")
IC50 = str(DEMO / "organoid_ic50_vandewetering2015.tsv")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Demo inputs loaded and 5-FU's proximity computed (200 draws), through the CLI."""
    path = tmp_path_factory.mktemp("cli") / "store"
    for args in (
        ["load", "network", str(DEMO / "string_v12_700_ntm.tsv.gz"), "--name", "string"],
        ["load", "pathways", str(DEMO / "reactome_msigdb_v6.1.gmt"), "--source", "reactome"],
        ["load", "targets", str(DEMO / "drug_targets_kong2020.tsv"), "--source", "kong2020"],
        ["modules", "compute", "--drug", "5-FU", "--n-random", "200"],
    ):
        result = CliRunner().invoke(app, ["--store", str(path), *args])
        assert result.exit_code == 0, result.output
    return path


@pytest.mark.slow
def test_train_predict_evaluate(capsys, monkeypatch, tmp_path: Path, store: Path) -> None:
    base = ["--store", str(store)]
    model_path = tmp_path / "model.json"
    r = run_cli(
        capsys,
        monkeypatch,
        *base,
        "train",
        "--drug",
        "FLUOROURACIL",
        "-e",
        EXPR,
        "-r",
        IC50,
        "--permutations",
        "19",
        "-o",
        str(model_path),
    )
    assert r.code == 0, r.err
    assert "19 sample ids matched" in r.out.replace("\n", " ")
    assert "verdict: " in r.out and "spearman_p" not in r.out
    model = load_model(model_path)
    assert model.metadata["drug"] == "FLUOROURACIL" and len(model.training_samples) == 19
    assert model.metadata["module_run"].startswith("prox-")
    assert model.metadata["input_checksums"]["expression"]
    assert "pickle" not in model_path.read_text()

    organoids = read_expression(EXPR).matrix
    top = model.feature_names[0]
    cohort = simulate_patients(organoids, model.metadata["modules"], top, n=120, seed=5)
    patients = tmp_path / "patients.tsv"
    cohort.expression.rename_axis("gene").to_csv(patients, sep="\t")
    clinical = tmp_path / "clinical.tsv"
    cohort.clinical.to_csv(clinical, sep="\t", index=False)
    preds = tmp_path / "pred.tsv"
    # a cohort that lost most genes of one model feature: stopped, the module named
    top_genes = set(model.metadata["modules"][top])
    partial = tmp_path / "partial.tsv"
    kept = [g for g in cohort.expression.index if g not in top_genes] + sorted(
        top_genes & set(cohort.expression.index)
    )[:2]
    cohort.expression.loc[kept].rename_axis("gene").to_csv(partial, sep="\t")
    r = run_cli(
        capsys,
        monkeypatch,
        "predict",
        "--model",
        str(model_path),
        "-e",
        str(partial),
        "-o",
        str(preds),
    )
    assert r.code == 1 and f"{top} (2 measured genes, fewer than the 5 required" in r.err
    assert "not covered" in r.err and not preds.exists()
    predict = ["predict", "--model", str(model_path), "-e", str(patients), "-o", str(preds)]
    r = run_cli(capsys, monkeypatch, *predict)
    # the organoid 5-FU ridge model is all but intercept-only (issue 8): its predictions barely
    # vary, and a median split of them is refused with the reason
    assert r.code == 1 and "predictions barely vary" in r.err and "--min-spread" in r.err
    assert not preds.exists()
    r = run_cli(capsys, monkeypatch, *predict, "--min-spread", "0")  # the user's explicit call
    assert r.code == 0, r.err
    assert "genes measured in training vs now" in r.out
    table = pd.read_csv(preds, sep="\t")
    assert len(table) == 120 and table["predicted_responder"].sum() == 60
    out = tmp_path / "eval"
    r = run_cli(
        capsys,
        monkeypatch,
        "evaluate",
        "-p",
        str(preds),
        "-c",
        str(clinical),
        "--simulated",
        "-o",
        str(out),
    )
    assert r.code == 0, r.err
    assert "SIMULATED OS: log-rank p" in r.out and "Cox proportional hazards" in r.out
    result = json.loads((out / "evaluation.json").read_text())
    assert result["simulated"] is True and result["survival"]["n"] == 120
    assert result["models"] == [model.metadata["model_id"]]
    assert len(result["inputs"]["clinical"]["sha256"]) == 64
    assert (out / "kaplan_meier.png").stat().st_size > 0

    r = run_cli(
        capsys,
        monkeypatch,
        *base,
        "cv",
        "--drug",
        "5-FU",
        "-e",
        EXPR,
        "-r",
        IC50,
        "--n-random",
        "2",
        "--permutations",
        "19",
        "--json",
    )
    assert r.code == 0, r.err
    cv = r.json()
    assert [row["features"] for row in cv["table"]] == [
        "network_modules",
        "drug_targets",
        "all_pathways",
        "random_modules",
    ]
    verdict = cv["verdict"]
    assert verdict["verdict"] in ("signal", "no signal", "degenerate")
    assert verdict["n_permutations"] == 19 and verdict["null"]["n_valid"] == 19
    assert 0.05 <= verdict["p_value"] <= 1 and verdict["reasons"]
    assert not any(k.endswith("_p") or k.endswith("_p_greater") for k in cv["table"][0])

    feats = tmp_path / "features.tsv"
    r = run_cli(capsys, monkeypatch, *base, "features", EXPR, "--drug", "5-FU", "-o", str(feats))
    assert r.code == 0, r.err
    table = pd.read_csv(feats, sep="\t")  # samples x modules: one row per organoid
    assert len(table) == 22 and table.columns[0] == "sample"


def test_bad_inputs_are_one_line_errors(capsys, monkeypatch, tmp_path: Path, store: Path) -> None:
    base = ["--store", str(store)]
    other = tmp_path / "ic50.tsv"
    other.write_text(
        "Organoid\tDrug Name\tmedian_IC50\nX1\t5-Fluorouracil\t1.0\nX2\t5-Fluorouracil\t2.0\n"
    )
    r = run_cli(
        capsys,
        monkeypatch,
        *base,
        "train",
        "--drug",
        "5-FU",
        "-e",
        EXPR,
        "-r",
        str(other),
        "-o",
        str(tmp_path / "m.json"),
    )
    assert r.code == 1 and "matches an expression column" in r.err
    assert not (tmp_path / "m.json").exists()
    r = run_cli(
        capsys,
        monkeypatch,
        *base,
        "train",
        "--drug",
        "CISPLATIN",
        "-e",
        EXPR,
        "-r",
        IC50,
        "-o",
        str(tmp_path / "m.json"),
    )
    assert r.code == 1 and "no proximity results for CISPLATIN" in r.err
    r = run_cli(
        capsys,
        monkeypatch,
        "predict",
        "--model",
        str(tmp_path / "none.json"),
        "-e",
        EXPR,
        "-o",
        str(tmp_path / "p.tsv"),
    )
    assert r.code == 1 and "model file not found" in r.err


@pytest.mark.realdata
def test_evaluate_on_real_outcomes_with_simulated_predictions(
    capsys, monkeypatch, tmp_path: Path, shared_data: Path
) -> None:
    """BLCA cisplatin: real TCGA-CDR survival and Ding 2016 responses, SIMULATED predictions
    (random numbers: no real patient expression is available), so nothing may come out
    significant; the point is that the real tables flow through `evaluate`."""
    ding = shared_data / "tcga_drug_response_ding2016" / "drug_response.txt"
    cdr = shared_data / "tcga_pancancer_clinical_cdr" / "tcga_pancancer_clinical_cdr_subset.tsv.gz"
    patients = read_ding2016_response(ding, cancer_types=["BLCA"], drug="CISPLATIN")["patient"]
    rng = np.random.default_rng(0)
    predicted = rng.normal(size=len(patients))
    preds = tmp_path / "pred.tsv"
    pd.DataFrame(
        {
            "sample": [f"{p}-01A" for p in patients],
            "predicted": predicted,
            "responder": predicted <= np.median(predicted),
            "method": "ridge",
        }
    ).to_csv(preds, sep="\t", index=False)
    out = tmp_path / "eval"
    r = run_cli(
        capsys,
        monkeypatch,
        "evaluate",
        "-p",
        str(preds),
        "-c",
        str(cdr),
        "--cancer-type",
        "BLCA",
        "--responses",
        str(ding),
        "--drug",
        "CISPLATIN",
        "--covariate",
        "age",
        "--covariate",
        "stage",
        "--endpoint",
        "PFI",
        "--simulated",
        "-o",
        str(out),
    )
    assert r.code == 0, r.err
    result = json.loads((out / "evaluation.json").read_text())
    assert result["endpoint"] == "PFI" and "PFI: log-rank p" in r.out
    assert result["survival"]["n"] == 41  # all 41 patients have a CDR PFI
    assert result["response"]["n"] == 41 and 0 <= result["response"]["auc"] <= 1
    low, high = result["response"]["auc_ci"]
    assert low <= result["response"]["auc"] <= high and "auc_95ci" in r.out
    assert result["survival"]["p_value"] > 0.01  # random predictions
    cox = result["cox"]
    assert cox["covariate_columns"] == {
        "age": "age_at_initial_pathologic_diagnosis",
        "stage": "ajcc_pathologic_tumor_stage",
    }
    groups = cox["groups"]
    assert groups["unadjusted"]["n"] == 41
    assert groups["unadjusted"]["ci_low"] < 1 < groups["unadjusted"]["ci_high"]  # random
    # patients without a usable stage are named and left out of the adjusted model only
    n_missing = cox["missing_covariates"].get("stage", {}).get("n", 0)
    assert groups["adjusted"]["n"] == 41 - n_missing
    if n_missing:
        assert f"missing for {n_missing} patients" in r.out
    assert "ph_p_value" in groups["unadjusted"]
    assert (out / "kaplan_meier.png").stat().st_size > 0


def _symbol_to_ensembl() -> dict[str, str]:
    """Symbol -> one Ensembl gene id, from the packaged org.Hs.eg.db tables."""
    resources = Path(__file__).resolve().parents[1] / "src" / "netmarker" / "resources"
    symbols = pd.read_csv(resources / "entrez_symbol.tsv.gz", sep="\t", dtype=str)
    ensembl = pd.read_csv(resources / "entrez_ensembl_gene.tsv.gz", sep="\t", dtype=str)
    both = symbols.merge(ensembl, on="entrez_id").drop_duplicates("symbol")
    both = both[~both["ensembl_id"].duplicated(keep=False)]  # one gene per Ensembl id
    return dict(zip(both["symbol"], both["ensembl_id"], strict=True))


@pytest.mark.slow
def test_predict_from_gdc_per_case_files(capsys, monkeypatch, tmp_path: Path, store: Path) -> None:
    model_path = tmp_path / "model.json"
    r = run_cli(
        capsys,
        monkeypatch,
        "--store",
        str(store),
        "train",
        "--drug",
        "5-FU",
        "-e",
        EXPR,
        "-r",
        IC50,
        "--top-n",
        "5",
        "--permutations",
        "19",
        "-o",
        str(model_path),
    )
    assert r.code == 0, r.err
    model = load_model(model_path)
    organoids = read_expression(EXPR).matrix
    cohort = simulate_patients(
        organoids, model.metadata["modules"], model.feature_names[0], n=12, seed=3
    )
    to_ensembl = _symbol_to_ensembl()
    folder = tmp_path / "gdc"
    rows = ["caseID\tfileName\tbarcodeID"]
    for i, patient in enumerate(cohort.expression.columns):
        barcode = f"TCGA-SM-{i:04d}"
        (folder / f"uuid{i}").mkdir(parents=True)
        values = cohort.expression[patient]
        ids = values.index.map(to_ensembl)
        pd.DataFrame(
            {"id": [f"{e}.1" for e in ids[ids.notna()]], "v": values[ids.notna()].to_numpy()}
        ).to_csv(folder / f"uuid{i}" / f"f{i}.FPKM-UQ.txt.gz", sep="\t", header=False, index=False)
        rows.append(f"c{i}\tf{i}.FPKM-UQ.txt.gz\t{barcode}")
    sheet = tmp_path / "sheet.tsv"
    sheet.write_text("\n".join(rows) + "\n")
    preds = tmp_path / "pred.tsv"
    r = run_cli(
        capsys,
        monkeypatch,
        "predict",
        "--model",
        str(model_path),
        "-e",
        str(folder),
        "--sample-sheet",
        str(sheet),
        "-o",
        str(preds),
    )
    assert r.code == 0, r.err
    table = pd.read_csv(preds, sep="\t")
    assert sorted(table["sample"]) == [f"TCGA-SM-{i:04d}" for i in range(12)]
    assert table["predicted_responder"].sum() == 6


def _train(capsys, monkeypatch, store: Path, out: Path, *extra: str):  # type: ignore[no-untyped-def]
    return run_cli(
        capsys,
        monkeypatch,
        "--store",
        str(store),
        "train",
        "--drug",
        "5-FU",
        "-e",
        EXPR,
        "-r",
        IC50,
        "--top-n",
        "3",
        "--permutations",
        "19",
        "-o",
        str(out),
        *extra,
    )


@pytest.mark.slow
def test_train_verdict_gates_biomarkers_and_predict_carries_it(
    capsys, monkeypatch, tmp_path: Path, store: Path
) -> None:
    from netmarker.graph import EmbeddedStore

    model_path = tmp_path / "model.json"
    r = _train(capsys, monkeypatch, store, model_path, "--min-size", "2", "--json")
    assert r.code == 0, r.err
    result = r.json()
    verdict = result["verdict"]
    assert verdict["verdict"] in ("signal", "no signal", "degenerate")
    assert verdict["n_permutations"] == 19 and verdict["resolution"] == pytest.approx(0.05)
    assert not any(k.endswith("_p") for k in result["cv_metrics"])
    model = load_model(model_path)
    assert model.metadata["verdict"] == verdict and model.metadata["min_size"] == 2
    stored = EmbeddedStore(store).biomarkers("FLUOROURACIL")
    if verdict["verdict"] == "signal":
        assert result["biomarkers_written"] == len(stored) > 0
    else:
        assert result["biomarkers_written"] == 0 and stored.empty

    # a model without signal: predict warns in one line and every output row carries it
    doc = json.loads(model_path.read_text())
    doc["metadata"]["verdict"]["verdict"] = "no signal"
    nosignal = tmp_path / "nosignal.json"
    nosignal.write_text(json.dumps(doc))
    preds = tmp_path / "pred.tsv"
    r = run_cli(
        capsys,
        monkeypatch,
        "predict",
        "--model",
        str(nosignal),
        "-e",
        EXPR,
        "-o",
        str(preds),
        "--json",
    )
    assert r.code == 0, r.err
    warnings = [line for line in r.err.splitlines() if "NO SIGNAL" in line]
    assert len(warnings) == 1 and warnings[0].startswith("warning: ")
    assert r.json()["verdict"]["verdict"] == "no signal" and r.json()["samples"] == 22
    assert set(pd.read_csv(preds, sep="\t")["model_verdict"]) == {"no signal"}
    r = run_cli(
        capsys,
        monkeypatch,
        "predict",
        "--model",
        str(model_path),
        "-e",
        EXPR,
        "-o",
        str(preds),
        "--min-size",
        "3",
    )
    assert r.code == 0, r.err
    assert "warning: --min-size 3 differs from the model's training value 2" in r.err


@pytest.mark.slow
def test_biomarkers_are_written_only_after_the_model_is_saved(
    capsys, monkeypatch, tmp_path: Path, store: Path
) -> None:
    from netmarker.graph import EmbeddedStore

    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    before = EmbeddedStore(store).biomarkers()
    r = _train(capsys, monkeypatch, store, blocker / "model.json", "--write-biomarkers", "always")
    assert r.code == 1 and "cannot save the model" in r.err
    assert EmbeddedStore(store).biomarkers().equals(before)
    r = _train(capsys, monkeypatch, store, tmp_path / "m.json", "--write-biomarkers", "always")
    assert r.code == 0, r.err
    written = EmbeddedStore(store).biomarkers("FLUOROURACIL")
    assert set(written["model_id"]) == {load_model(tmp_path / "m.json").metadata["model_id"]}


def test_features_of_all_pathways_say_which_sets_were_scored_together(
    capsys, monkeypatch, tmp_path: Path, store: Path
) -> None:
    base = ["--store", str(store), "features", EXPR]
    out = tmp_path / "all.tsv"
    r = run_cli(capsys, monkeypatch, *base, "--all-pathways", "reactome", "-o", str(out), "--json")
    assert r.code == 0, r.err
    summary = r.json()
    sets = pd.read_csv(tmp_path / "all.sets.tsv", sep="\t")
    scores = pd.read_csv(out, sep="\t")
    assert summary["scored_together"] == "all pathways of reactome"
    assert summary["modules_scored"] == scores.shape[1] - 1 == int(sets["kept"].sum())
    assert set(sets["scored_together"]) == {"all pathways of reactome"}
    assert len(sets) == summary["modules_scored"] + summary["modules_dropped"]
    # the paper's minimum module size (2) keeps more pathways than the default (5)
    r = run_cli(
        capsys,
        monkeypatch,
        *base,
        "--all-pathways",
        "reactome",
        "--min-size",
        "2",
        "-o",
        str(tmp_path / "all2.tsv"),
        "--json",
    )
    assert r.code == 0 and r.json()["modules_scored"] > summary["modules_scored"]
    r = run_cli(capsys, monkeypatch, *base, "--drug", "5-FU", "-o", str(tmp_path / "d.tsv"))
    assert r.code == 0 and "FLUOROURACIL's proximal modules" in r.out
    sets = pd.read_csv(tmp_path / "d.sets.tsv", sep="\t")
    assert sets["scored_together"].str.startswith("FLUOROURACIL's proximal modules").all()
    r = run_cli(capsys, monkeypatch, *base, "-o", str(tmp_path / "x.tsv"))
    assert r.code != 0 and "--all-pathways" in r.err
    r = run_cli(capsys, monkeypatch, *base, "--all-pathways", "kegg", "-o", str(out))
    assert r.code == 1 and "no pathways from source 'kegg'" in r.err
