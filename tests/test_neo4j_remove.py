"""`remove_dataset` and replacing a pathway source: the same counts and the same tables in the
embedded store and in Neo4j, q-values included, and an unknown name changes nothing."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from netmarker.errors import NotFoundError
from netmarker.graph import EmbeddedStore
from netmarker.graph.neo4j import Neo4jStore
from netmarker.graph.store import GraphStore
from netmarker.modules import compute_propagation, compute_proximity
from test_neo4j_parity import _assert_same_results, _assert_same_tables, _ds, _fill

pytestmark = pytest.mark.neo4j


def _results(store: GraphStore, cache: Path) -> None:
    compute_proximity(store, network="ppi", n_random=30, min_bin_size=10, seed=3, cache_dir=cache)
    compute_proximity(
        store, drugs=["DRUGB"], network="other", n_random=20, min_bin_size=5, cache_dir=cache
    )
    compute_propagation(store, network="ppi", top_k=10)
    compute_propagation(store, network="other", top_k=5)
    store.write_biomarkers(
        pd.DataFrame(
            {
                "drug": ["DRUGA", "DRUGA", "DRUGB", "DRUGD"],
                "feature": ["NEAR", "G010", "KEGG1", "G020"],
                "coefficient": [0.7, -0.2, 0.1, np.nan],
                "rank": [1, 2, 1, 1],
                "model_id": ["m1", "m1", "m2", "m3"],
            }
        )
    )


def test_remove_and_replace_are_the_same_in_both_stores(
    tmp_path: Path, neo4j_store: Neo4jStore
) -> None:
    embedded = EmbeddedStore(tmp_path / "store")
    stores: list[GraphStore] = [embedded, neo4j_store]
    for i, store in enumerate(stores):
        _fill(store)
        _results(store, tmp_path / f"cache{i}")
    assert neo4j_store.proximity()["q"].notna().all()
    _assert_same_results(embedded, neo4j_store)

    # replacing the "reactome" source: its pathways, and the runs that scored them, go
    new_paths = pd.DataFrame({"pathway": ["NEAR", "NEW"], "source": "reactome", "url": ""})
    new_members = pd.DataFrame(
        {"pathway": ["NEAR", "NEW", "NEW"], "gene": ["G010", "G011", "G012"]}
    )
    reports = [
        s.load_pathways(new_paths, new_members, _ds("pathways", "reactome", "p3"), replace=True)
        for s in stores
    ]
    assert reports[0].counts == reports[1].counts
    for s in stores:
        assert set(s.pathways().query("source == 'reactome'")["pathway"]) == {"NEAR", "NEW"}
        assert s.proximity("DRUGA", "ppi").empty  # its run scored NEAR / FAR / MID
        assert set(s.biomarkers()["model_id"]) == {"m2", "m3"}  # m1 used NEAR
    _assert_same_tables(embedded, neo4j_store)
    _assert_same_results(embedded, neo4j_store)

    for s in stores:  # results again, for the removals below
        _results(s, tmp_path / f"cache{stores.index(s)}")
    for kind, name in [
        ("targets", "t1"),
        ("network", "other"),
        ("pathways", "mixed"),
        ("network", "ppi"),
        ("targets", "t2"),
    ]:
        counts = [s.remove_dataset(kind, name) for s in stores]
        assert counts[0] == counts[1], (kind, name, counts)
        assert counts[0]["datasets"] >= 1
        _assert_same_tables(embedded, neo4j_store)
        _assert_same_results(embedded, neo4j_store)
    assert neo4j_store.networks() == [] and neo4j_store.targets().empty
    assert neo4j_store.proximity().empty and neo4j_store.propagation().empty
    assert len(neo4j_store.genes()) == len(embedded.genes()) > 0  # genes stay

    for s in stores:  # an unknown name changes nothing, in either store
        before = s.status()
        with pytest.raises(NotFoundError, match="no targets 'nope'"):
            s.remove_dataset("targets", "nope")
        with pytest.raises(NotFoundError, match="no network 'ppi'"):
            s.remove_dataset("network", "ppi")
        assert s.status() == before


def test_removed_network_is_invisible_and_reloadable(
    tmp_path: Path, neo4j_store: Neo4jStore
) -> None:
    _fill(neo4j_store)
    edges = neo4j_store.edges("ppi")
    counts = neo4j_store.remove_dataset("network", "ppi")
    assert counts["edges"] == len(edges) and "ppi" not in neo4j_store.networks()
    # the interactions are gone, not only unpublished; a new load of the name starts afresh
    assert neo4j_store._count("count_network_edges", network="ppi") == 0
    from test_neo4j_parity import _inputs

    name, first, genes, ds = _inputs()[0][1]
    neo4j_store.load_network(name, first, genes, ds)
    pd.testing.assert_frame_equal(
        neo4j_store.edges("ppi"),
        first.sort_values(["gene_a", "gene_b"]).reset_index(drop=True),
    )
