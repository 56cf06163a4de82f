"""``modules explain`` on Neo4j: the Cypher paths equal the embedded store's, and d_c."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from netmarker.explain import Explanation, explain_proximity
from netmarker.graph import EmbeddedStore
from netmarker.graph.neo4j import Neo4jStore
from netmarker.modules import compute_proximity
from test_explain import DEMO_CASES, fill_small, load_demo

pytestmark = pytest.mark.neo4j


def assert_same(a: Explanation, b: Explanation) -> None:
    assert (a.engine, b.engine) == ("python", "cypher")
    for name in ("targets", "paths", "genes", "edges"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name), check_dtype=False)
    assert a.distance == b.distance or (pd.isna(a.distance) and pd.isna(b.distance))
    assert a.pathway_genes_left_out == b.pathway_genes_left_out
    assert a.stored == b.stored


def test_cypher_paths_equal_embedded(tmp_path: Path, neo4j_store: Neo4jStore) -> None:
    embedded = EmbeddedStore(tmp_path / "store")
    for i, store in enumerate((embedded, neo4j_store)):
        fill_small(store)
        compute_proximity(store, n_random=20, min_bin_size=10, cache_dir=tmp_path / f"c{i}")
    pairs = embedded.proximity()[["drug", "pathway"]].itertuples(index=False)
    n = 0
    for drug, pathway in pairs:
        for k in (None, 1, 3):
            a = explain_proximity(embedded, drug, pathway, max_paths=k)
            b = explain_proximity(neo4j_store, drug, pathway, max_paths=k)
            assert_same(a, b)
            assert b.matches_stored
            n += 1
    assert n == 30
    # the statuses of left-out targets come from Neo4j too
    b = explain_proximity(neo4j_store, "DRUGA", "NEAR")
    assert set(b.targets["status"]) == {"ok", "outside_lcc", "not_in_network"}


@pytest.mark.slow
def test_demo_five_fu_pyrimidine_on_neo4j(tmp_path: Path, neo4j_store: Neo4jStore) -> None:
    embedded = EmbeddedStore(tmp_path / "store")
    for i, store in enumerate((embedded, neo4j_store)):
        load_demo(store)
        compute_proximity(
            store, drugs=[d for d, _ in DEMO_CASES], n_random=20, cache_dir=tmp_path / f"c{i}"
        )
    for drug, pathway in DEMO_CASES:
        b = explain_proximity(neo4j_store, drug, pathway)
        assert b.matches_stored, (drug, pathway, b.distance, b.stored)
        assert_same(explain_proximity(embedded, drug, pathway), b)
    five = explain_proximity(neo4j_store, "5-FU", "REACTOME_PYRIMIDINE_METABOLISM")
    assert five.distance == five.stored["distance"] == 0.0
    assert five.paths["path"].tolist() == ["TYMS"]


def test_reverse_and_similar_queries_equal_embedded(
    tmp_path: Path, neo4j_store: Neo4jStore
) -> None:
    from netmarker.queries import drugs_near_pathway, similar_drugs, z_profiles

    embedded = EmbeddedStore(tmp_path / "store")
    for i, store in enumerate((embedded, neo4j_store)):
        fill_small(store)
        compute_proximity(store, n_random=20, min_bin_size=10, cache_dir=tmp_path / f"c{i}")
    for pathway in embedded.pathways()["pathway"]:
        for cutoff in (None, 0.0, -1.2816):
            pd.testing.assert_frame_equal(
                drugs_near_pathway(embedded, pathway, z_cutoff=cutoff),
                drugs_near_pathway(neo4j_store, pathway, z_cutoff=cutoff),
            )
    for drug in ("DRUGA", "DRUGB"):
        pd.testing.assert_frame_equal(
            z_profiles(embedded, drug, "ppi"), z_profiles(neo4j_store, drug, "ppi")
        )
        for cutoff in (0.5, -1.2816):
            a = similar_drugs(embedded, drug, z_cutoff=cutoff)
            pd.testing.assert_frame_equal(a, similar_drugs(neo4j_store, drug, z_cutoff=cutoff))
            assert len(a) == 1
