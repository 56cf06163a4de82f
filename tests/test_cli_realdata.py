"""Issue acceptance on the real public files: load them through the CLI, check the counts."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli_helpers import run_cli

pytestmark = pytest.mark.realdata


def test_real_inputs_load_with_the_right_counts(capsys, monkeypatch, tmp_path, shared_data):
    store = ["--store", str(tmp_path / "store")]
    loads = [
        [
            "load",
            "network",
            str(shared_data / "menche2015_interactome" / "interactome_entrez_symbol.tsv.gz"),
            "--name",
            "menche2015",
        ],
        [
            "load",
            "network",
            str(shared_data / "string_derived" / "dmfind_string_v12.0_ntm_700_top3_entrez.tsv.gz"),
            "--name",
            "string_v12_700",
            "--min-score",
            "700",
        ],
        [
            "load",
            "pathways",
            str(shared_data / "msigdb_reactome" / "msigdb_v6.1_c2.cp.reactome.symbols.gmt"),
            "--source",
            "reactome",
        ],
        [
            "load",
            "targets",
            str(shared_data / "kong2020" / "drug_drugTarget.txt"),
            "--source",
            "kong2020",
        ],
        [
            "load",
            "targets",
            str(shared_data / "kong2020" / "all.csv"),
            "--source",
            "drugbank",
            "--vocabulary",
            str(shared_data / "kong2020" / "drugbank_vocabulary.csv"),
        ],
    ]
    for args in loads:
        r = run_cli(capsys, monkeypatch, *store, *args)
        assert r.code == 0, r.err
    status = run_cli(capsys, monkeypatch, *store, "db", "status", "--json").json()
    # counts measured on the files (see tests/test_io_*.py for the reader-level checks)
    assert status["networks"]["menche2015"] == {"edges": 137_907, "genes": 13_285}
    assert status["networks"]["string_v12_700"] == {"edges": 131_455, "genes": 12_392}
    assert status["pathways"]["reactome"]["pathways"] == 674
    assert status["pathways"]["reactome"]["memberships"] == 36_542
    assert status["targets"]["kong2020"]["drugs"] == 48
    assert status["targets"]["kong2020"]["links"] == 113
    assert status["targets"]["drugbank"]["links"] == 14_904
    assert len(status["datasets"]) == 5
    # the dmfind file holds 131,520 rows with combined_score >= 700 (SOURCE.md)
    dmfind = next(d for d in status["datasets"] if d["name"] == "string_v12_700")
    assert dmfind["options"]["min_score"] == 700
    # reloading every file changes nothing
    for args in loads:
        r = run_cli(capsys, monkeypatch, *store, *args, "--json")
        assert r.code == 0 and r.json()[0]["already_loaded"], r.err
    assert run_cli(capsys, monkeypatch, *store, "db", "status", "--json").json() == status


def test_entrez_only_menche_file_maps_to_the_same_network(
    capsys, monkeypatch, tmp_path: Path, shared_data: Path
) -> None:
    store = ["--store", str(tmp_path / "store")]
    r = run_cli(
        capsys,
        monkeypatch,
        *store,
        "load",
        "network",
        str(shared_data / "menche2015_interactome" / "DataS1_interactome.tsv.gz"),
        "--name",
        "menche_entrez",
        "--json",
    )
    assert r.code == 0, r.err
    report = r.json()[0]["input"]
    assert report["edges"] == 137_907


@pytest.mark.slow
def test_cisplatin_on_the_19_organoids_is_not_signal_and_writes_no_biomarkers(
    capsys, monkeypatch, tmp_path: Path, shared_data: Path
) -> None:
    """Issue 8: CISPLATIN's model (alpha at the top of the grid, LOOCV r ~ -0.99) was
    presented as a finding and its coefficients stored as BIOMARKER rows."""
    from netmarker.graph import EmbeddedStore

    kong = shared_data / "kong2020"
    store = ["--store", str(tmp_path / "store")]
    for args in (
        [
            "load",
            "network",
            str(shared_data / "string_derived" / "dmfind_string_v12.0_ntm_700_top3_entrez.tsv.gz"),
            "--name",
            "string_v12_700",
            "--min-score",
            "700",
        ],
        [
            "load",
            "pathways",
            str(shared_data / "msigdb_reactome" / "msigdb_v6.1_c2.cp.reactome.symbols.gmt"),
            "--source",
            "reactome",
        ],
        ["load", "targets", str(kong / "drug_drugTarget.txt"), "--source", "kong2020"],
        ["modules", "compute", "--drug", "CISPLATIN"],
    ):
        r = run_cli(capsys, monkeypatch, *store, *args)
        assert r.code == 0, r.err
    organoids = kong / "organoid_COAD"
    r = run_cli(
        capsys,
        monkeypatch,
        *store,
        "train",
        "--drug",
        "CISPLATIN",
        "-e",
        str(organoids / "expression" / "GSE64392_geneID_expression_median.txt"),
        "-r",
        str(organoids / "drug_response" / "median_response.txt"),
        "--permutations",
        "99",
        "-o",
        str(tmp_path / "cisplatin.json"),
        "--json",
    )
    assert r.code == 0, r.err
    result = r.json()
    verdict = result["verdict"]
    assert verdict["verdict"] in ("degenerate", "no signal"), verdict
    assert len(result["cv_metrics"]) and result["cv_metrics"]["n"] == 19
    assert result["biomarkers_written"] == 0
    assert EmbeddedStore(tmp_path / "store").biomarkers("CISPLATIN").empty
    print(verdict)
