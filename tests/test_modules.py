"""The query layer on the embedded store: proximity and RWR modules, stored and read back."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from netmarker.errors import NetmarkerError, NotFoundError
from netmarker.graph import EmbeddedStore
from netmarker.graph.store import Dataset
from netmarker.modules import (
    compute_propagation,
    compute_proximity,
    proximal_modules,
    resolve_drug,
    resolve_network,
)


def _load(store: EmbeddedStore, graph: nx.Graph, name: str = "ppi") -> None:
    pairs = sorted(tuple(sorted((f"G{u}", f"G{v}"))) for u, v in graph.edges)
    edges = pd.DataFrame(pairs, columns=["gene_a", "gene_b"]).assign(score=np.nan)
    genes = pd.DataFrame({"symbol": sorted({g for p in pairs for g in p}), "entrez": ""})
    store.load_network(name, edges, genes, Dataset("network", name, "gen", name))


@pytest.fixture
def store(tmp_path: Path) -> EmbeddedStore:
    """A 400-node scale-free graph; DRUGX targets hub-adjacent nodes; NEAR sits next to them."""
    s = EmbeddedStore(tmp_path / "store")
    g = nx.barabasi_albert_graph(400, 2, seed=7)
    _load(s, g)
    targets = [10, 11, 12]
    near = sorted({n for t in targets for n in g.neighbors(t)} | set(targets))[:12]
    lengths = nx.single_source_shortest_path_length(g, 10)
    far = sorted(n for n, d in lengths.items() if d >= 4)[:12]
    t = pd.DataFrame({"drug": "DRUGX", "gene": [f"G{i}" for i in targets], "source": "test"})
    s.load_targets(
        t,
        pd.DataFrame({"drug": ["DRUGX"], "synonyms": ["DX-1"]}),
        Dataset("targets", "test", "gen", "t"),
    )
    m = pd.DataFrame(
        [("NEAR", f"G{i}") for i in near] + [("FAR", f"G{i}") for i in far],
        columns=["pathway", "gene"],
    )
    p = pd.DataFrame({"pathway": ["FAR", "NEAR"], "source": "test", "url": ""})
    s.load_pathways(p, m, Dataset("pathways", "test", "gen", "p"))
    return s


def test_proximity_finds_the_planted_module(store: EmbeddedStore, tmp_path: Path) -> None:
    run = compute_proximity(
        store, drugs=["drugx"], n_random=300, min_bin_size=20, seed=1, cache_dir=tmp_path / "cache"
    )
    res = store.proximity("DRUGX", "ppi").set_index("pathway")
    assert res.loc["NEAR", "z"] < -2 and res.loc["FAR", "z"] > -1
    assert set(res["run"]) == {run.run} and (res["n_random"] == 300).all()
    assert proximal_modules(store, "DX-1") == {
        "NEAR": sorted(store.members().query("pathway == 'NEAR'")["gene"])
    }
    # same inputs, same seed: same run id, identical rows (distances now from the cache)
    again = compute_proximity(
        store, drugs=["DRUGX"], n_random=300, min_bin_size=20, seed=1, cache_dir=tmp_path / "cache"
    )
    assert again.run == run.run
    pd.testing.assert_frame_equal(store.proximity("DRUGX").set_index("pathway"), res)


def test_rwr_module_is_stored_ranked(store: EmbeddedStore) -> None:
    run = compute_propagation(store, drugs=["DRUGX"], top_k=20)
    rows = store.propagation("DRUGX")
    assert len(rows) == 20 and rows["rank"].tolist() == list(range(1, 21))
    assert rows["score"].is_monotonic_decreasing and run.n_rows == 20
    assert set(rows["gene"].head(3)) == {"G10", "G11", "G12"}


def test_unknown_drug_lists_close_matches(store: EmbeddedStore) -> None:
    with pytest.raises(NotFoundError, match="close matches: DRUGX"):
        resolve_drug(store, "drugz")


def test_network_resolution(store: EmbeddedStore) -> None:
    assert resolve_network(store, None) == "ppi"
    with pytest.raises(NotFoundError, match="unknown network 'other'"):
        resolve_network(store, "other")
    _load(store, nx.path_graph(5), name="second")
    with pytest.raises(NetmarkerError, match="pick one with --network"):
        resolve_network(store, None)


def test_no_results_yet_is_a_clear_error(store: EmbeddedStore) -> None:
    with pytest.raises(NotFoundError, match="modules compute"):
        proximal_modules(store, "DRUGX")


def test_targets_outside_the_network_are_reported(store: EmbeddedStore, tmp_path: Path) -> None:
    t = pd.DataFrame(
        {"drug": ["DRUGX", "GHOST"], "gene": ["NOT_A_GENE", "ALSO_NOT"], "source": "extra"}
    )
    store.load_targets(
        t,
        pd.DataFrame({"drug": ["GHOST"], "synonyms": [""]}),
        Dataset("targets", "extra", "gen", "t2"),
    )
    expected = [
        {"kind": "target", "name": "DRUGX", "gene": "NOT_A_GENE", "reason": "not_in_network"},
        {"kind": "target", "name": "GHOST", "gene": "ALSO_NOT", "reason": "not_in_network"},
    ]
    rwr = compute_propagation(store, top_k=5)
    assert rwr.dropped == {"targets_dropped": expected, "drugs_skipped": ["GHOST"]}
    prox = compute_proximity(store, n_random=20, min_bin_size=20, cache_dir=tmp_path / "c")
    assert prox.dropped["targets_dropped"] == expected
    assert prox.dropped["drugs_skipped"] == ["GHOST"]
    assert set(store.proximity()["drug"]) == {"DRUGX"}
