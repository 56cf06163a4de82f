"""Inputs that cannot silently pollute the store: score scale, target formats, one collection
per pathway source (--replace), `db remove`, and read-only commands on a missing store."""

from __future__ import annotations

import gzip
from pathlib import Path

import pandas as pd
import pytest

from cli_helpers import load_small_inputs, run_cli
from netmarker.errors import InputError, NotFoundError
from netmarker.graph import EmbeddedStore
from netmarker.graph.loading import load_pathways_file, load_targets_file


def _one_line_error(r, *words: str) -> None:
    assert r.code == 1, (r.code, r.out, r.err)
    assert r.err.startswith("error: ") and r.err.count("\n") == 1, r.err
    for word in words:
        assert word in r.err, r.err


# -- --min-score on the wrong scale ------------------------------------------------------------
def test_min_score_on_the_wrong_scale_stops(capsys, monkeypatch, tmp_path, inputs) -> None:
    store = tmp_path / "store"
    base = ["--store", str(store), "load", "network"]
    # the fixture's scores are on STRING's 0-1000 scale (700 to 999): 0.7 would keep them all
    r = run_cli(
        capsys, monkeypatch, *base, str(inputs["network"]), "-n", "ppi", "--min-score", "0.7"
    )
    _one_line_error(r, "net.tsv.gz", "0-1 scale", "range 700 to 999", "700")
    assert not store.exists()
    unit = tmp_path / "unit.tsv"
    unit.write_text("gene_a\tgene_b\tscore\nTP53\tMDM2\t0.95\nEGFR\tKRAS\t0.41\n")
    r = run_cli(capsys, monkeypatch, *base, str(unit), "-n", "ppi", "--min-score", "700")
    _one_line_error(r, "unit.tsv", "0-1000 scale", "range 0.41 to 0.95", "0.7")
    assert not store.exists()
    ok = run_cli(capsys, monkeypatch, *base, str(unit), "-n", "ppi", "--min-score", "0.5")
    assert ok.code == 0, ok.err
    assert EmbeddedStore(store).network_size("ppi")["edges"] == 1


# -- a target file under the wrong --format ---------------------------------------------------
def test_targets_read_under_the_wrong_format_write_nothing(capsys, monkeypatch, tmp_path) -> None:
    guney = tmp_path / "drug_to_geneids.tsv"
    guney.write_text("drugbank_id\tentrez_id\tsymbol\nDB00544\t7298\tTYMS\nDB00530\t1956\tEGFR\n")
    store = tmp_path / "store"
    r = run_cli(
        capsys, monkeypatch, "--store", str(store), "load", "targets", str(guney), "-f", "kong"
    )
    _one_line_error(r, "drug_to_geneids.tsv", "no drug-target link", "--format kong", "2 drugs")
    assert not store.exists()  # not even an empty snapshot with drugs
    ok = run_cli(
        capsys, monkeypatch, "--store", str(store), "load", "targets", str(guney), "-f", "guney"
    )
    assert ok.code == 0, ok.err


@pytest.mark.realdata
def test_guney_targets_as_kong_real_file(tmp_path: Path, shared_data: Path) -> None:
    """Today: 5,347 drugs without a single target are added and the command exits 0."""
    store = EmbeddedStore(tmp_path / "store")
    file = shared_data / "guney2016_drug_targets" / "drug_to_geneids_all.tsv"
    with pytest.raises(InputError, match=r"no drug-target link .* 5,347 drugs"):
        load_targets_file(store, file, fmt="kong")
    assert store.drugs().empty and store.datasets().empty


# -- one collection per pathway source --------------------------------------------------------
def _gmt(path: Path, sets: dict[str, list[str]]) -> Path:
    path.write_text("".join(f"{k}\thttp://x\t" + "\t".join(v) + "\n" for k, v in sets.items()))
    return path


def test_a_second_collection_under_one_source_needs_replace(
    capsys, monkeypatch, tmp_path, inputs
) -> None:
    store = tmp_path / "store"
    base = ["--store", str(store)]
    load_small_inputs(capsys, monkeypatch, base, inputs)  # sets.gmt under --source test
    r = run_cli(
        capsys, monkeypatch, *base, "modules", "compute", "-d", "5-FU", "--n-random", "50",
        "--min-bin-size", "20",
    )  # fmt: skip
    assert r.code == 0, r.err
    s = EmbeddedStore(store)
    assert set(s.pathways()["pathway"]) == {"NEAR_TYMS", "RANDOM_SET"} and len(s.proximity()) == 2
    genes = sorted(s.members()["gene"].unique())
    v7 = _gmt(tmp_path / "v7.gmt", {"NEW_SET": genes[:8], "NEAR_TYMS": genes[:5]})
    before = run_cli(capsys, monkeypatch, *base, "db", "status", "--json").json()
    refused = run_cli(capsys, monkeypatch, *base, "load", "pathways", str(v7), "-s", "test")
    _one_line_error(refused, "v7.gmt", "'test' already holds sets.gmt", "--replace")
    assert run_cli(capsys, monkeypatch, *base, "db", "status", "--json").json() == before
    # reloading the same file is still a no-op, not a clash
    again = run_cli(
        capsys, monkeypatch, *base, "load", "pathways", str(inputs["pathways"]), "-s", "test"
    )
    assert again.code == 0 and "already loaded" in again.out
    # under another source a collection loads beside it
    kegg = _gmt(tmp_path / "kegg.gmt", {"KEGG_SET": genes[:6]})
    other = run_cli(capsys, monkeypatch, *base, "load", "pathways", str(kegg), "-s", "other")
    assert other.code == 0, other.err
    assert set(EmbeddedStore(store).pathways()["source"]) == {"test", "other"}
    # --replace: the old collection and the proximity run that scored it go, in one snapshot
    replaced = run_cli(
        capsys, monkeypatch, *base, "load", "pathways", str(v7), "-s", "test", "--replace"
    )
    assert replaced.code == 0, replaced.err
    s = EmbeddedStore(store)
    test_paths = s.pathways().query("source == 'test'")
    assert set(test_paths["pathway"]) == {"NEW_SET", "NEAR_TYMS"}
    near = s.members().query("pathway == 'NEAR_TYMS'")["gene"].tolist()
    assert near == genes[:5]
    assert s.proximity().empty
    records = s.datasets().query("kind == 'pathways'")
    assert sorted(records["name"]) == ["other", "test"]
    assert records.query("name == 'test'")["source_file"].str.endswith("v7.gmt").all()


# -- db remove ---------------------------------------------------------------------------------
def test_db_remove_each_kind(capsys, monkeypatch, tmp_path, inputs) -> None:
    store = tmp_path / "store"
    base = ["--store", str(store)]
    load_small_inputs(capsys, monkeypatch, base, inputs)
    for method in ("proximity", "rwr"):
        r = run_cli(
            capsys, monkeypatch, *base, "modules", "compute", "--all", "-m", method,
            "--n-random", "50", "--min-bin-size", "20", "--top-k", "10",
        )  # fmt: skip
        assert r.code == 0, r.err
    s = EmbeddedStore(store)
    s.write_biomarkers(
        pd.DataFrame(
            {
                "drug": ["FLUOROURACIL", "ERLOTINIB"],
                "feature": ["NEAR_TYMS", "RANDOM_SET"],
                "coefficient": [0.5, -0.1],
                "rank": [1, 1],
                "model_id": ["m1", "m2"],
            }
        )
    )
    one = run_cli(capsys, monkeypatch, *base, "db", "remove", "--network", "ppi", "--targets", "x")
    assert one.code == 2 and "give one of" in one.err
    unknown = run_cli(capsys, monkeypatch, *base, "db", "remove", "--network", "nope", "--yes")
    _one_line_error(unknown, "no network 'nope'", "loaded: ppi")

    r = run_cli(capsys, monkeypatch, *base, "db", "remove", "--targets", "test", "--yes", "--json")
    assert r.code == 0, r.err
    assert r.json()["removed"] == {
        "links": 2,
        "drugs": 2,
        "datasets": 1,
        "proximity_rows": 4,
        "propagation_rows": 20,
        "biomarker_rows": 2,
    }
    s = EmbeddedStore(store)
    assert s.targets().empty and s.drugs().empty and s.proximity().empty
    assert s.propagation().empty and s.biomarkers().empty
    assert len(s.genes()) > 0 and s.networks() == ["ppi"]  # genes and the network stay

    memberships = len(EmbeddedStore(store).members())
    r = run_cli(capsys, monkeypatch, *base, "db", "remove", "--pathways", "test", "-y", "--json")
    assert r.json()["removed"] == {
        "pathways": 2,
        "memberships": memberships,
        "datasets": 1,
        "proximity_rows": 0,
        "propagation_rows": 0,
        "biomarker_rows": 0,
    }
    assert memberships > 0 and EmbeddedStore(store).members().empty

    r = run_cli(capsys, monkeypatch, *base, "db", "remove", "--network", "ppi", "--yes")
    assert r.code == 0 and "removed network ppi" in r.out
    status = run_cli(capsys, monkeypatch, *base, "db", "status", "--json").json()
    assert status["networks"] == {} and status["datasets"] == []


def test_remove_keeps_other_datasets_and_unknown_changes_nothing(tmp_path, inputs) -> None:
    from netmarker.graph.loading import load_network_file

    s = EmbeddedStore(tmp_path / "store")
    load_network_file(s, inputs["network"], "ppi")
    load_network_file(s, inputs["network"], "copy")
    load_pathways_file(s, inputs["pathways"], source="a")
    load_pathways_file(s, inputs["pathways"], source="b")
    snapshot = sorted(p.name for p in (tmp_path / "store").iterdir())
    with pytest.raises(NotFoundError, match="no pathways 'c'"):
        s.remove_dataset("pathways", "c")
    assert sorted(p.name for p in (tmp_path / "store").iterdir()) == snapshot
    counts = s.remove_dataset("network", "copy")
    assert counts["edges"] == s.network_size("ppi")["edges"] and s.networks() == ["ppi"]
    s.remove_dataset("pathways", "a")
    assert set(s.pathways()["source"]) == {"b"} and set(s.datasets()["name"]) == {"ppi", "b"}


# -- read-only commands on a store path that does not exist -----------------------------------
@pytest.mark.parametrize(
    "args",
    [
        ["db", "status"],
        ["db", "remove", "--network", "ppi", "--yes"],
        ["modules", "show", "--drug", "5-FU"],
        ["modules", "compute", "--drug", "5-FU"],
        ["features", "expr.tsv", "--drug", "5-FU", "-o", "out.tsv"],
    ],
)
def test_read_only_commands_on_a_missing_store(capsys, monkeypatch, tmp_path, args) -> None:
    missing = tmp_path / "no" / "store"
    r = run_cli(capsys, monkeypatch, "--store", str(missing), *args)
    _one_line_error(r, f"no store at {missing}")
    assert not missing.exists() and not (tmp_path / "out.tsv").exists()


def test_gz_network_scale_message_names_the_file(tmp_path) -> None:
    from netmarker.io.network import read_network

    file = tmp_path / "links.tsv.gz"
    with gzip.open(file, "wt") as fh:
        fh.write("protein1 protein2 combined_score\n9606.ENSP1 9606.ENSP2 150\n")
    with pytest.raises(InputError, match=r"links\.tsv\.gz: --min-score 0\.4 is on a 0-1 scale"):
        read_network(file, min_score=0.4)
