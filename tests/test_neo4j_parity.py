"""Parity: the same inputs in the embedded store and in Neo4j give identical tables and results."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from scipy.stats import false_discovery_control

from netmarker.graph import EmbeddedStore
from netmarker.graph.neo4j import Neo4jStore
from netmarker.graph.store import Dataset, GraphStore, LoadReport
from netmarker.io.common import file_checksum
from netmarker.io.genesets import read_gmt
from netmarker.io.network import read_network
from netmarker.io.targets import read_targets
from netmarker.modules import compute_propagation, compute_proximity

pytestmark = pytest.mark.neo4j

DEMO = Path(__file__).resolve().parents[1] / "data" / "demo"


def _ds(kind: str, name: str, checksum: str) -> Dataset:
    when = f"2024-01-0{len(checksum)}T00:00:00+00:00"
    return Dataset(kind, name, f"/in/{name}-{checksum}", checksum, {"k": checksum}, when)


def _inputs() -> list[tuple[str, tuple[Any, ...]]]:
    """A sequence of loads that exercises every merge rule (each applied to both stores)."""
    rng = np.random.default_rng(11)
    g = nx.barabasi_albert_graph(200, 2, seed=5)
    pairs = sorted(tuple(sorted((f"G{u:03d}", f"G{v:03d}"))) for u, v in g.edges)
    scores = rng.integers(400, 1000, len(pairs)).astype(float)
    first = pd.DataFrame(pairs, columns=["gene_a", "gene_b"]).assign(score=scores)
    # a second file into the same network: half the pairs again (some higher, some unweighted)
    # plus new pairs, and a duplicated row
    again = first.sample(frac=0.5, random_state=1).copy()
    again["score"] = np.where(rng.random(len(again)) < 0.3, np.nan, again["score"] + 50)
    extra = pd.DataFrame({"gene_a": ["G000", "G001"], "gene_b": ["G199", "G198"], "score": np.nan})
    second = pd.concat([again, extra, extra.iloc[:1]], ignore_index=True)
    symbols = sorted({s for p in pairs for s in p})
    genes1 = pd.DataFrame({"symbol": symbols, "entrez": [str(1000 + i) for i in range(200)]})
    genes2 = pd.DataFrame({"symbol": ["G000", "G005", "ZZZ1"], "entrez": ["", "9", "77"]})
    other = first.iloc[:40].assign(score=np.nan)

    targets1 = pd.DataFrame(
        {
            "drug": ["DRUGA"] * 3 + ["DRUGB"] * 2 + ["DRUGC"],
            "gene": ["G010", "G011", "G012", "G100", "G101", "G150"],
            "source": "t1",
        }
    )
    drugs1 = pd.DataFrame({"drug": ["DRUGA", "DRUGB"], "synonyms": ["A-1|ALPHA", ""]})
    targets2 = pd.DataFrame(
        {"drug": ["DRUGA", "DRUGD"], "gene": ["G010", "G020"], "source": ["t2", "t2"]}
    )
    drugs2 = pd.DataFrame({"drug": ["DRUGA", "DRUGD"], "synonyms": ["A-2|A-1", "D"]})

    near = sorted({f"G{n:03d}" for t in (10, 11, 12) for n in g.neighbors(t)})[:10]
    far = [f"G{n:03d}" for n in range(180, 192)]
    mods = [("NEAR", s) for s in near] + [("FAR", s) for s in far] + [("MID", "G050")]
    members = pd.DataFrame(mods, columns=["pathway", "gene"])
    pathways = pd.DataFrame(
        {"pathway": ["NEAR", "FAR", "MID"], "source": "reactome", "url": ["u1", "u2", ""]}
    )
    pathways2 = pd.DataFrame({"pathway": ["MID", "KEGG1"], "source": ["reactome", "kegg"]})
    pathways2["url"] = ["u3", ""]
    members2 = pd.DataFrame(
        {"pathway": ["KEGG1", "KEGG1", "MID"], "gene": ["G010", "G150", "G051"]}
    )
    return [
        ("network", ("ppi", first, genes1, _ds("network", "ppi", "n1"))),
        ("network", ("ppi", first, genes1, _ds("network", "ppi", "n1"))),  # reload: no-op
        ("network", ("ppi", second, genes2, _ds("network", "ppi", "n2"))),
        ("network", ("other", other, genes1.iloc[:0], _ds("network", "other", "o1"))),
        ("targets", (targets1, drugs1, _ds("targets", "t1", "t1"))),
        ("targets", (targets2, drugs2, _ds("targets", "t2", "t2"))),
        ("pathways", (pathways, members, _ds("pathways", "reactome", "p1"))),
        ("pathways", (pathways2, members2, _ds("pathways", "mixed", "p2"))),
    ]


def _fill(store: GraphStore) -> list[LoadReport]:
    loaders = {
        "network": store.load_network,
        "targets": store.load_targets,
        "pathways": store.load_pathways,
    }
    return [loaders[kind](*args) for kind, args in _inputs()]


def _assert_same_tables(a: GraphStore, b: GraphStore) -> None:
    assert a.networks() == b.networks()
    for name in a.networks():
        pd.testing.assert_frame_equal(a.edges(name), b.edges(name))
    pd.testing.assert_frame_equal(a.genes(), b.genes())
    pd.testing.assert_frame_equal(a.drugs(), b.drugs())
    pd.testing.assert_frame_equal(a.targets(), b.targets())
    pd.testing.assert_frame_equal(a.pathways(), b.pathways())
    pd.testing.assert_frame_equal(a.members(), b.members())
    for drug in [*a.drugs()["drug"], "NOPE"]:
        pd.testing.assert_frame_equal(a.targets(drug), b.targets(drug))
    names = {n for v in a.drugs()["synonyms"] for n in v.split("|")} | {"NOPE", ""}
    for name in sorted(names | set(a.drugs()["drug"])):
        assert a.drug_named(name) == b.drug_named(name), name
    for source in [*a.pathways()["source"].unique(), "nope"]:
        pd.testing.assert_frame_equal(a.members(source), b.members(source))
    pd.testing.assert_frame_equal(a.datasets(), b.datasets())
    sa, sb = a.status(), b.status()
    sa.pop("store"), sb.pop("store")
    assert sa == sb


def _assert_same_results(a: GraphStore, b: GraphStore) -> None:
    pd.testing.assert_frame_equal(a.proximity(), b.proximity())
    pd.testing.assert_frame_equal(a.propagation(), b.propagation())
    pd.testing.assert_frame_equal(a.biomarkers(), b.biomarkers())
    for drug in ("DRUGA", "DRUGB", "NOPE"):
        pd.testing.assert_frame_equal(a.proximity(drug), b.proximity(drug))
        pd.testing.assert_frame_equal(a.proximity(drug, "ppi"), b.proximity(drug, "ppi"))
        pd.testing.assert_frame_equal(a.propagation(drug), b.propagation(drug))
        pd.testing.assert_frame_equal(a.biomarkers(drug), b.biomarkers(drug))


def test_loads_give_identical_tables(tmp_path: Path, neo4j_store: Neo4jStore) -> None:
    embedded = EmbeddedStore(tmp_path / "store")
    reports_e, reports_n = _fill(embedded), _fill(neo4j_store)
    assert [r.already_loaded for r in reports_e] == [r.already_loaded for r in reports_n]
    assert [r.counts for r in reports_e] == [r.counts for r in reports_n]
    assert reports_n[1].already_loaded and not reports_n[2].already_loaded
    _assert_same_tables(embedded, neo4j_store)
    # loading everything again changes nothing in either store
    assert all(r.already_loaded for r in _fill(neo4j_store))
    _assert_same_tables(embedded, neo4j_store)


def test_module_results_are_identical(tmp_path: Path, neo4j_store: Neo4jStore) -> None:
    embedded = EmbeddedStore(tmp_path / "store")
    stores: list[GraphStore] = [embedded, neo4j_store]
    for i, store in enumerate(stores):
        _fill(store)
        cache = tmp_path / f"cache{i}"
        compute_proximity(
            store, network="ppi", n_random=40, min_bin_size=10, seed=3, cache_dir=cache
        )
        compute_proximity(
            store, drugs=["DRUGB"], network="other", n_random=20, min_bin_size=5, cache_dir=cache
        )
        compute_propagation(store, network="ppi", top_k=15)
        # a recomputation for one drug replaces only that drug's rows
        compute_proximity(
            store, drugs=["DRUGA"], network="ppi", n_random=10, min_bin_size=10, cache_dir=cache
        )
        compute_propagation(store, drugs=["DRUGA"], network="ppi", top_k=5)
        biomarkers = pd.DataFrame(
            {
                "drug": ["DRUGA", "DRUGA", "DRUGA", "DRUGB"],
                "feature": ["NEAR", "G010", "NOT_A_GENE", "MID"],
                "coefficient": [0.7, -0.2, 0.1, np.nan],
                "rank": [1, 2, 3, 1],
                "model_id": ["m1", "m1", "m1", "m2"],
            }
        )
        store.write_biomarkers(biomarkers)
        store.write_biomarkers(biomarkers.iloc[[0, 1]].assign(model_id="m3"))
    assert len(neo4j_store.proximity()) > 0 and len(neo4j_store.propagation("DRUGA")) == 5
    assert neo4j_store.proximity("DRUGA")["n_random"].eq(10).all()
    # q (Benjamini-Hochberg over the drug's pathways) is stored in Neo4j, the same as embedded
    for store in stores:
        rows = store.proximity("DRUGA", "ppi")
        assert rows["q"].notna().all()
        bh = false_discovery_control(rows["p"].to_numpy(), method="bh")
        np.testing.assert_array_equal(rows["q"].to_numpy(), bh)
    _assert_same_results(embedded, neo4j_store)
    _assert_same_tables(embedded, neo4j_store)


@pytest.mark.slow
def test_demo_data_parity(tmp_path: Path, neo4j_store: Neo4jStore) -> None:
    """The shipped real-derived demo inputs (STRING v12, Reactome, Kong 2020 targets)."""
    files = {
        "network": DEMO / "string_v12_700_ntm.tsv.gz",
        "targets": DEMO / "drug_targets_kong2020.tsv",
        "pathways": DEMO / "reactome_msigdb_v6.1.gmt",
    }
    if not all(f.exists() for f in files.values()):
        pytest.skip(f"demo data missing in {DEMO}")
    net = read_network(files["network"])
    tg = read_targets(files["targets"])
    pw = read_gmt(files["pathways"])

    def ds(kind: str, name: str) -> Dataset:
        path = files[kind]
        return Dataset(kind, name, str(path), file_checksum(path), loaded_at="2024-01-01T00:00:00")

    embedded = EmbeddedStore(tmp_path / "store")
    for store in (embedded, neo4j_store):
        store.load_network("string", net.edges, net.genes, ds("network", "string"))
        store.load_targets(tg.targets, tg.drugs, ds("targets", "kong2020"))
        store.load_pathways(pw.pathways, pw.members, ds("pathways", "reactome"))
    assert len(neo4j_store.edges("string")) == len(net.edges) > 100_000
    _assert_same_tables(embedded, neo4j_store)
