"""Hand-edited models and bad command-line input for predict / evaluate / train (issue 13):
one line naming the problem, a non-zero exit, nothing written."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from cli_helpers import run_cli
from netmarker.errors import DataError
from netmarker.graph import EmbeddedStore
from netmarker.graph.store import Dataset
from netmarker.ids.samples import match_ids
from netmarker.predict.estimators import ModuleRegressor
from netmarker.predict.model import load_model, save_model
from netmarker.predict.simulate import simulate_cohort
from netmarker.predict.workflow import ModuleSelection, TrainingData, train_drug_model


def _real_symbols(n: int) -> dict[str, str]:
    """SIMGENE0000... -> real current HGNC symbols, so the files pass the expression reader."""
    resources = Path(__file__).resolve().parents[1] / "src" / "netmarker" / "resources"
    symbols = pd.read_csv(resources / "entrez_symbol.tsv.gz", sep="\t", dtype=str)["symbol"]
    pool = [s for s in symbols if s.isalnum() and s.isupper()][:n]
    return {f"SIMGENE{i:04d}": g for i, g in enumerate(pool)}


RENAME = _real_symbols(400)


def simulated_store(path: Path, modules: dict[str, list[str]]) -> EmbeddedStore:
    """A store holding ``modules`` (source sim), all proximal to DRUGX on network net."""
    s = EmbeddedStore(path)
    members = pd.DataFrame(
        [(m, g) for m, genes in modules.items() for g in genes], columns=["pathway", "gene"]
    )
    pathways = pd.DataFrame({"pathway": list(modules), "source": "sim", "url": ""})
    s.load_pathways(pathways, members, Dataset("pathways", "sim", "gen", "x"))
    s.load_targets(
        pd.DataFrame({"drug": ["DRUGX"], "gene": [members.gene[0]], "source": "sim"}),
        pd.DataFrame({"drug": ["DRUGX"], "synonyms": [""]}),
        Dataset("targets", "sim", "gen", "y"),
    )
    a, b = sorted(members.gene[:2])
    s.load_network(
        "net",
        pd.DataFrame({"gene_a": [a], "gene_b": [b], "score": [1.0]}),
        pd.DataFrame({"symbol": [a, b], "entrez": ""}),
        Dataset("network", "net", "gen", "z"),
    )
    proximity = {"network": "net", "distance": 1.0, "z": -2.0, "p": 0.01, "n_random": 100}
    s.write_proximity(
        pd.DataFrame(
            {"drug": "DRUGX", "pathway": list(modules), **proximity, "seed": 1, "run": "prox"}
        )
    )
    return s


@pytest.fixture
def model_file(tmp_path: Path) -> Path:
    """A model trained on SIMULATED modules whose genes carry real symbols."""
    cohort = simulate_cohort(60, gene_seed=1, seed=1)
    modules = {m: [RENAME[g] for g in genes] for m, genes in cohort.modules.items()}
    s = simulated_store(tmp_path / "store", modules)
    expression = cohort.expression.rename(index=RENAME)
    data = TrainingData(
        expression,
        cohort.response.rename("DRUGX"),
        "DRUGX",
        match_ids(cohort.response.index, expression.columns),
    )
    model = train_drug_model(
        s,
        data,
        estimator=ModuleRegressor(top_n=2),
        selection=ModuleSelection(network="net"),
        cv=None,
    )
    return save_model(model, tmp_path / "model.json")


@pytest.fixture
def patients(tmp_path: Path) -> Path:
    path = tmp_path / "patients.tsv"
    expr = simulate_cohort(40, gene_seed=1, seed=7, prefix="PAT").expression.rename(index=RENAME)
    expr.rename_axis("gene").to_csv(path, sep="\t")
    return path


def _edited(model_file: Path, edit) -> Path:
    doc = json.loads(model_file.read_text())
    edit(doc)
    path = model_file.with_name("edited.json")
    path.write_text(json.dumps(doc))
    return path


def _drop_score_method(doc: dict) -> None:
    del doc["metadata"]["score_method"]


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d["metadata"].update(modules="REACTOME_X"), "metadata.modules must be"),
        (lambda d: d["metadata"].update(modules=[["A", "B"]]), "metadata.modules must be"),
        (
            lambda d: d["metadata"]["modules"].update(SIM_MODULE_00="TP53"),
            r"metadata.modules\['SIM_MODULE_00'\] must be a list",
        ),
        (_drop_score_method, "metadata.score_method must be 'ssgsea' or 'mean_z', not None"),
        (lambda d: d["metadata"].update(normalize="yes"), "metadata.normalize must be"),
        (lambda d: d["metadata"].update(min_size="5"), "metadata.min_size must be an integer"),
        (lambda d: d["metadata"].update(min_size=0), "metadata.min_size must be >= 1"),
        (lambda d: d["metadata"].update(drug=["X"]), "metadata.drug must be a string"),
        (
            lambda d: d["metadata"]["modules"].pop("SIM_MODULE_00"),
            r"feature\(s\) SIM_MODULE_00 are not in metadata.modules",
        ),
        (
            lambda d: d["metadata"]["module_coverage"].update(SIM_MODULE_00=-1),
            "module_coverage",
        ),
    ],
)
def test_hand_edited_metadata_is_validated_on_load(model_file: Path, edit, message: str) -> None:
    with pytest.raises(DataError, match=message):
        load_model(_edited(model_file, edit))


def test_nan_intercept_and_deep_nesting(model_file: Path, tmp_path: Path) -> None:
    text = model_file.read_text()
    doc = json.loads(text)
    nan = tmp_path / "nan.json"
    nan.write_text(text.replace(f'"intercept": {json.dumps(doc["intercept"])}', '"intercept": NaN'))
    assert "NaN" in nan.read_text()
    with pytest.raises(DataError, match="'intercept' must be finite, not nan"):
        load_model(nan)
    deep = tmp_path / "deep.json"
    deep.write_text(text[:-2] + ', "extra": ' + "[" * 100_000 + "]" * 100_000 + "}\n")
    with pytest.raises(DataError, match="nested too deeply"):
        load_model(deep)


def test_predict_with_an_edited_model_is_one_line(
    capsys, monkeypatch, model_file: Path, patients: Path, tmp_path: Path
) -> None:
    bad = _edited(model_file, _drop_score_method)
    out = tmp_path / "pred.tsv"
    r = run_cli(
        capsys, monkeypatch, "predict", "--model", str(bad), "-e", str(patients), "-o", str(out)
    )
    assert r.code == 1 and "metadata.score_method" in r.err and "Traceback" not in r.err
    assert len(r.err.strip().splitlines()) == 1 and not out.exists()


@pytest.mark.parametrize(
    ("value", "message"), [("abc", "neither 'median' nor a number"), ("nan", "not a finite")]
)
def test_predict_threshold_is_checked_before_reading(
    capsys, monkeypatch, tmp_path: Path, value: str, message: str
) -> None:
    out = tmp_path / "pred.tsv"
    args = ["predict", "--model", str(tmp_path / "absent.json"), "-e", str(tmp_path / "x.tsv")]
    r = run_cli(capsys, monkeypatch, *args, "--threshold", value, "-o", str(out))
    assert r.code == 2 and message in r.err and "Traceback" not in r.err
    assert "absent.json" not in r.err and not out.exists()


def test_predict_threshold_number_and_coverage_report(
    capsys, monkeypatch, model_file: Path, patients: Path, tmp_path: Path
) -> None:
    out, cov = tmp_path / "pred.tsv", tmp_path / "coverage.tsv"
    r = run_cli(
        capsys,
        monkeypatch,
        "predict",
        "--model",
        str(model_file),
        "-e",
        str(patients),
        "--threshold",
        "1.0",
        "--coverage-out",
        str(cov),
        "-o",
        str(out),
    )
    assert r.code == 0, r.err
    assert "genes measured in training vs now" in r.out
    table = pd.read_csv(cov, sep="\t")
    assert len(table) == 12 and table["covered"].sum() >= 2
    assert list(pd.read_csv(out, sep="\t").columns[:3]) == [
        "sample",
        "predicted",
        "predicted_responder",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--seed", str(2**70)], "--seed"),
        (["--seed", "2**70"], "--seed"),
        (["--seed", "-1"], "--seed"),
        (["--top-n", "five"], "use 'cv', 'all' or a number"),
        (["--top-n", "0"], "must be >= 1"),
    ],
)
def test_train_options_are_checked_before_any_data(
    capsys, monkeypatch, tmp_path: Path, args: list[str], message: str
) -> None:
    out = tmp_path / "m.json"
    r = run_cli(
        capsys,
        monkeypatch,
        "--store",
        str(tmp_path / "store"),
        "train",
        "--drug",
        "X",
        "-e",
        str(tmp_path / "absent.tsv"),
        "-r",
        str(tmp_path / "absent2.tsv"),
        *args,
        "-o",
        str(out),
    )
    assert r.code == 2 and message in r.err and "Traceback" not in r.err
    assert "absent" not in r.err and not out.exists()


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_evaluate_predictions_file_problems(capsys, monkeypatch, tmp_path: Path) -> None:
    clinical = _write(
        tmp_path / "clin.tsv",
        "patient\ttime_months\tevent\n" + "".join(f"P{i}\t{i + 1}\t{i % 2}\n" for i in range(8)),
    )
    rows = "".join(f"P{i}\t{i * 0.1}\t{i < 4}\n" for i in range(8))
    cases = {
        "missing": (None, "file not found"),
        "empty": ("", "file is empty"),
        "header only": ("sample\tpredicted\tpredicted_responder\n", "no prediction rows"),
        "bad quoting": (
            'sample\tpredicted\tpredicted_responder\nP0\t"0.1\tTrue\n' + rows,
            "pred.tsv:2",
        ),
        "quote inside": ('sample\tpredicted\tpredicted_responder\nP"0\t0.1\tTrue\n', "stray quote"),
        "no responder column": ("sample\tpredicted\n" + "P1\t0.2\n", "missing column(s)"),
        "text prediction": (
            "sample\tpredicted\tpredicted_responder\nP1\tabc\tTrue\n",
            "pred.tsv:2: predicted value 'abc' is not a finite number",
        ),
        "bad call": (
            "sample\tpredicted\tpredicted_responder\nP1\t0.1\tmaybe\n",
            "pred.tsv:2: predicted_responder 'maybe' is not True/False",
        ),
        "duplicate": (
            "sample\tpredicted\tpredicted_responder\nP1\t0.1\tTrue\nP1\t0.2\tFalse\n",
            "pred.tsv:3: duplicate sample 'P1'",
        ),
    }
    for name, (text, message) in cases.items():
        pred = tmp_path / "pred.tsv"
        pred.unlink(missing_ok=True)
        if text is not None:
            pred.write_text(text)
        out = tmp_path / f"eval-{name.replace(' ', '_')}"
        r = run_cli(
            capsys, monkeypatch, "evaluate", "-p", str(pred), "-c", str(clinical), "-o", str(out)
        )
        assert r.code == 1, (name, r.err)
        assert message in r.err, (name, r.err)
        assert "Traceback" not in r.err and len(r.err.strip().splitlines()) == 1, (name, r.err)
        assert not out.exists(), name


def test_evaluate_endpoint_lists_choices(capsys, monkeypatch, tmp_path: Path) -> None:
    r = run_cli(
        capsys,
        monkeypatch,
        "evaluate",
        "-p",
        str(tmp_path / "p.tsv"),
        "-c",
        str(tmp_path / "c.tsv"),
        "--endpoint",
        "OSS",
        "-o",
        str(tmp_path / "out"),
    )
    assert r.code == 2
    for choice in ("OS", "DSS", "DFI", "PFI"):
        assert f"'{choice}'" in r.err


def test_train_measure_choices_are_listed(
    capsys, monkeypatch, patients: Path, tmp_path: Path
) -> None:
    response = _write(
        tmp_path / "s2b.txt",
        "Organoid\tDrug_ID\tDrug Name\tMax_conc\tIC50\tBETA\tAUC\n"
        + "".join(f"PAT-{i:04d}\t1\tDRUGX\t100\t{i}\t1\t0.{i}\n" for i in range(1, 9)),
    )
    base = ["--store", str(tmp_path / "store"), "train", "--drug", "DRUGX"]
    files = ["-e", str(patients), "-r", str(response), "-o", str(tmp_path / "m.json")]
    r = run_cli(capsys, monkeypatch, *base, *files)
    assert r.code == 1 and "Traceback" not in r.err
    assert (
        "several measures in the file: AUC, lnIC50 (column IC50); choose one with --measure"
        in r.err
    )
    r = run_cli(capsys, monkeypatch, *base, *files, "--measure", "BETA")
    assert r.code == 1 and "no response measure 'BETA'; use one of AUC, lnIC50" in r.err
    # the file's own column name is accepted (the store has no modules: the next error)
    r = run_cli(capsys, monkeypatch, *base, *files, "--measure", "IC50")
    assert r.code == 1 and "measure" not in r.err and "Traceback" not in r.err
    assert not (tmp_path / "m.json").exists()


def test_evaluate_covariates_from_the_clinical_table(capsys, monkeypatch, tmp_path: Path) -> None:
    cohort = simulate_cohort(80, seed=3, effect=1.0)
    pred = _write(
        tmp_path / "pred.tsv",
        "sample\tpredicted\tpredicted_responder\n"
        + "".join(
            f"{s}\t{v}\t{v <= cohort.response.median()}\n" for s, v in cohort.response.items()
        ),
    )
    ages = [("" if i < 3 else str(40 + i % 30)) for i in range(80)]
    stages = [
        "[Not Available]" if i == 5 else f"Stage {['I', 'IIA', 'IIIB'][i % 3]}" for i in range(80)
    ]
    clinical = _write(
        tmp_path / "clin.tsv",
        "patient\ttime_months\tevent\tage\tajcc_pathologic_tumor_stage\n"
        + "".join(
            f"{p}\t{t}\t{e}\t{a}\t{s}\n"
            for p, t, e, a, s in zip(
                cohort.time.index, cohort.time, cohort.event, ages, stages, strict=True
            )
        ),
    )
    out = tmp_path / "eval"
    base = ["evaluate", "-p", str(pred), "-c", str(clinical), "-o", str(out)]
    r = run_cli(capsys, monkeypatch, *base, "--covariate", "grade")
    assert r.code == 1 and "no covariate column 'grade'" in r.err and not out.exists()
    r = run_cli(
        capsys, monkeypatch, *base, "--covariate", "age", "--covariate", "stage", "--simulated"
    )
    assert r.code == 0, r.err
    assert "covariate age (age): missing for 3 patients" in r.out
    assert "covariate stage (ajcc_pathologic_tumor_stage): missing for 1 patients" in r.out
    result = json.loads((out / "evaluation.json").read_text())
    adjusted = result["cox"]["groups"]["adjusted"]
    assert adjusted["n"] == 76 and result["cox"]["groups"]["unadjusted"]["n"] == 80
    assert {"age", "stage=II (vs I)", "stage=III (vs I)"} <= set(adjusted["terms"])
    assert (out / "kaplan_meier.png").stat().st_size > 0
