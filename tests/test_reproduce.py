"""``netmarker reproduce kong2020``: offline it stops at once; end to end on a GDC replica."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pandas as pd
import pytest

from cli_helpers import run_cli
from gdc_cohort import barcode, gdc_replica
from http_replica import serve
from netmarker.demo import default_data_dir, simulate_patients
from netmarker.io.expression import read_expression
from netmarker.io.genesets import read_gmt
from netmarker.reproduce import fluorouracil_patients
from test_cli_predictors import _symbol_to_ensembl


def test_without_data_and_internet_it_stops_at_once(capsys, monkeypatch, tmp_path: Path) -> None:
    started = time.monotonic()
    r = run_cli(
        capsys,
        monkeypatch,
        "reproduce",
        "kong2020",
        "--data",
        str(tmp_path / "coad"),
        "--out",
        str(tmp_path / "report"),
        "--api",
        "http://127.0.0.1:9",
    )
    assert r.code == 1
    lines = r.err.strip().splitlines()
    assert len(lines) == 1, r.err
    assert "reproduce kong2020 needs TCGA-COAD from the GDC" in lines[0]
    assert "missing: sample_sheet.tsv, expression, clinical.tsv, treatments.tsv" in lines[0]
    assert "netmarker fetch gdc --project TCGA-COAD" in lines[0]
    assert time.monotonic() - started < 30  # no retry loop against a dead address
    assert not (tmp_path / "report").exists()


def test_fluorouracil_patients_from_gdc_treatments(tmp_path: Path) -> None:
    """Without a BCR Biotab drug table, the GDC's therapeutic_agents name the patients."""
    (tmp_path / "treatments.tsv").write_text(
        "patient\ttreatment_type\ttreatment_or_therapy\ttherapeutic_agents\n"
        "TCGA-AA-0001\tPharmaceutical Therapy, NOS\tyes\tFluorouracil; Oxaliplatin\n"
        "TCGA-AA-0002\tPharmaceutical Therapy, NOS\tyes\tFOLFIRI\n"
        "TCGA-AA-0003\tPharmaceutical Therapy, NOS\tyes\tCetuximab\n"
        "TCGA-AA-0004\tRadiation Therapy, NOS\tno\t\n"
    )
    patients, source = fluorouracil_patients(tmp_path)
    assert patients == {"TCGA-AA-0001", "TCGA-AA-0002"} and "therapeutic_agents" in source


def _reproduce(capsys, monkeypatch, data: Path, out: Path, api: str):
    return run_cli(
        capsys,
        monkeypatch,
        "reproduce",
        "kong2020",
        "--data",
        str(data),
        "--out",
        str(out),
        "--api",
        api,
        "--n-random",
        "100",
        "--n-random-modules",
        "3",
    )


@pytest.mark.slow
def test_end_to_end_on_a_replica(capsys, monkeypatch, tmp_path: Path) -> None:
    demo = default_data_dir()
    organoids = read_expression(demo / "organoid_expression_GSE64392.tsv.gz").matrix
    members = read_gmt(demo / "reactome_msigdb_v6.1.gmt").members
    module = "REACTOME_PYRIMIDINE_METABOLISM"
    genes = members.loc[members["pathway"] == module, "gene"].tolist()
    cohort = simulate_patients(organoids, {module: genes}, module, n=30, seed=2)
    linear = 2.0 ** cohort.expression.clip(lower=0) - 1.0
    treated = set(range(0, 30)) - {3, 7, 11, 19, 23, 29}
    srv = serve(
        gdc_replica(
            linear, cohort.clinical, _symbol_to_ensembl(), fluorouracil=treated, project="TCGA-COAD"
        )
    )
    data, out = tmp_path / "coad", tmp_path / "report"
    try:
        r = _reproduce(capsys, monkeypatch, data, out, srv.url)
    finally:
        srv.close()
    assert r.code == 0, r.err
    report = json.loads((out / "kong2020.json").read_text())
    assert report["treated_with_expression"] == len(treated) == 24
    network = report["results"]["network modules"]
    assert network["n"] == 24 and 0 <= network["logrank_p"] <= 1
    assert network["cox_ci_low"] <= network["cox_hr"] <= network["cox_ci_high"]
    assert set(report["results"]) == {"network modules", "all pathways", "random modules (median)"}
    # a model whose predictions barely vary gets no verdict: its median split is noise
    if network["median_split_refused"]:
        assert report["verdict"] == f"no verdict: {network['median_split_refused']}"
    else:
        assert report["verdict"].startswith(("signal:", "no evidence beyond chance:"))
    fetched = {f["file"] for f in report["fetched"]}
    assert "sample_sheet.tsv" in fetched and sum(f.startswith("raw/") for f in fetched) == 30
    patients = pd.read_csv(out / "patients.tsv", sep="\t")
    assert set(patients["patient"]) == {barcode(i) for i in treated}
    assert (out / "kaplan_meier.png").is_file() and "Verdict" in (out / "README.md").read_text()
    # the data are there now: a second run needs no GDC at all
    r = _reproduce(capsys, monkeypatch, data, tmp_path / "again", "http://127.0.0.1:9")
    assert r.code == 0, r.err
    again = json.loads((tmp_path / "again" / "kong2020.json").read_text())
    assert again["results"] == report["results"]
