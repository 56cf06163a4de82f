"""The Neo4j store against the real engine: merges, reloads, interrupted loads, results, errors."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from neo4j import GraphDatabase

from neo4j_fixtures import Neo4jServer, free_port
from netmarker.errors import NotFoundError, StoreError
from netmarker.graph import open_store
from netmarker.graph.neo4j import (
    Neo4jStore,
    _interaction_batches,
    cypher,
    cypher_dir,
    schema_statements,
)
from netmarker.graph.store import Dataset, GraphStore

GENES = pd.DataFrame({"symbol": ["A", "B", "C"], "entrez": ["1", "2", ""]})


def _edges(rows: list[tuple[str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["gene_a", "gene_b", "score"])


def _ds(kind: str, name: str, checksum: str = "c1") -> Dataset:
    return Dataset(kind=kind, name=name, source_file=f"/x/{name}.tsv", checksum=checksum)


# -- without a server ------------------------------------------------------------------------
def test_interaction_batches_send_each_batch_genes_once_as_columns() -> None:
    edges = _edges([("A", "B", 1.0), ("A", "C", float("nan")), ("B", "C", 2.0)])
    assert list(_interaction_batches(edges, 2)) == [
        {"genes": ["A", "B", "C"], "a": [0, 0], "b": [1, 2], "score": [1.0, None]},
        {"genes": ["B", "C"], "a": [0], "b": [1], "score": [2.0]},
    ]
    assert list(_interaction_batches(edges.iloc[:0], 2)) == []


def test_every_cypher_name_used_exists() -> None:
    source = Path(__file__).resolve().parents[1] / "src" / "netmarker" / "graph" / "neo4j.py"
    text = source.read_text()
    names = set(re.findall(r'cypher\("([a-z_/]+)"\)', text))
    names |= {f"read/{n}" for n in re.findall(r'_(?:table|count)\("([a-z_]+)"', text)}
    for kind in ("proximity", "propagation"):
        names |= {f"write/{step}_{kind}" for step in ("stage", "publish", "drop_stale")}
        names |= {f"write/merge_{kind}_nodes"}
    names |= {"write/delete_biomarkers"}
    names |= {"write/create_biomarkers_pathway", "write/create_biomarkers_gene"}
    assert len(names) > 20
    for name in sorted(names):
        assert cypher(name).strip(), name
    assert len(schema_statements()) == len(list((cypher_dir() / "schema").glob("*.cypher")))


def test_unreachable_server_is_one_clear_error() -> None:
    store = Neo4jStore(f"bolt://127.0.0.1:{free_port()}", "neo4j", "whatever1")
    with pytest.raises(StoreError, match=r"cannot reach Neo4j at bolt://127\.0\.0\.1:\d+: start"):
        store.networks()
    store.close()


def test_bad_uri_and_missing_password(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(StoreError, match="invalid Neo4j URI"):
        Neo4jStore("http://127.0.0.1:7474", "neo4j", "x")
    monkeypatch.delenv("NEO4J_PASSWORD", raising=False)
    with pytest.raises(StoreError, match="set NEO4J_PASSWORD"):
        Neo4jStore.from_env()


def test_from_env_and_open_store(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEO4J_URI", "bolt://127.0.0.1:7999")
    monkeypatch.setenv("NEO4J_USER", "alice")
    monkeypatch.setenv("NEO4J_PASSWORD", "secret123")
    monkeypatch.setenv("NEO4J_DATABASE", "graphs")
    store = Neo4jStore.from_env(batch_size=5)
    assert (store.uri, store.user, store.database, store.batch_size) == (
        "bolt://127.0.0.1:7999",
        "alice",
        "graphs",
        5,
    )
    assert Neo4jStore.from_env(uri="neo4j://h:1").uri == "neo4j://h:1"
    opened = open_store("neo4j")
    assert isinstance(opened, Neo4jStore) and isinstance(opened, GraphStore)
    assert opened.location == "bolt://127.0.0.1:7999 (database graphs)"
    assert opened.batch_size == 10_000
    assert open_store("neo4j", neo4j_batch_size=7).batch_size == 7


# -- against the engine ----------------------------------------------------------------------


@pytest.mark.neo4j
def test_bad_credentials(neo4j_server: Neo4jServer) -> None:
    store = Neo4jStore(neo4j_server.uri, neo4j_server.user, neo4j_server.password + "x")
    with pytest.raises(StoreError, match="rejected user 'neo4j': check NEO4J_USER"):
        store.genes()
    store.close()


@pytest.mark.neo4j
def test_unknown_database(neo4j_server: Neo4jServer) -> None:
    store = Neo4jStore(neo4j_server.uri, neo4j_server.user, neo4j_server.password, "nosuchdb")
    with pytest.raises(StoreError, match="no database 'nosuchdb'"):
        store.networks()
    store.close()


@pytest.mark.neo4j
def test_database_without_schema_says_db_init(
    neo4j_store: Neo4jStore, neo4j_server: Neo4jServer
) -> None:
    with GraphDatabase.driver(
        neo4j_server.uri, auth=(neo4j_server.user, neo4j_server.password)
    ) as driver:
        driver.execute_query("DROP CONSTRAINT netmarker_gene_symbol IF EXISTS")
    store = neo4j_server.store()
    try:
        with pytest.raises(StoreError, match=r"no netmarker schema .*run `netmarker db init`"):
            store.load_network("ppi", _edges([("A", "B", 1.0)]), GENES, _ds("network", "ppi"))
        with pytest.raises(StoreError, match="netmarker db init"):
            store.genes()
        store.init_schema()
        store.init_schema()  # idempotent
        assert store.genes().empty
    finally:
        store.init_schema()
        store.close()


@pytest.mark.neo4j
def test_network_load_reload_and_merge(neo4j_store: Neo4jStore) -> None:
    store = neo4j_store
    r1 = store.load_network(
        "ppi", _edges([("A", "B", 500.0), ("B", "C", 900.0)]), GENES, _ds("network", "ppi")
    )
    assert not r1.already_loaded
    assert r1.counts == {"edges_in_file": 2, "edges_new": 2, "genes_new": 3}
    r2 = store.load_network(
        "ppi", _edges([("A", "B", 500.0), ("B", "C", 900.0)]), GENES, _ds("network", "ppi")
    )
    assert r2.already_loaded and r2.counts == r1.counts
    assert len(store.datasets()) == 1
    r3 = store.load_network(
        "ppi",
        _edges([("A", "B", 800.0), ("A", "C", np.nan), ("A", "C", np.nan), ("B", "C", 100.0)]),
        pd.DataFrame({"symbol": ["C", "D"], "entrez": ["3", "4"]}),
        _ds("network", "ppi", checksum="c2"),
    )
    assert r3.counts == {"edges_in_file": 4, "edges_new": 1, "genes_new": 1}
    e = store.edges("ppi")
    assert list(e.columns) == ["gene_a", "gene_b", "score"]
    assert list(zip(e.gene_a, e.gene_b, strict=True)) == [("A", "B"), ("A", "C"), ("B", "C")]
    assert e.score[0] == 800.0 and np.isnan(e.score[1]) and e.score[2] == 900.0
    g = store.genes()
    assert g.to_dict("list") == {"symbol": ["A", "B", "C", "D"], "entrez": ["1", "2", "3", "4"]}
    assert store.networks() == ["ppi"]
    assert store.status()["networks"]["ppi"] == {"edges": 3, "genes": 3}


@pytest.mark.neo4j
def test_networks_are_separate(neo4j_store: Neo4jStore) -> None:
    neo4j_store.load_network("n1", _edges([("A", "B", 1.0)]), GENES, _ds("network", "n1"))
    neo4j_store.load_network("n2", _edges([("A", "B", 2.0)]), GENES, _ds("network", "n2"))
    assert neo4j_store.networks() == ["n1", "n2"]
    assert neo4j_store.edges("n1").score.tolist() == [1.0]
    assert neo4j_store.edges("n2").score.tolist() == [2.0]


@pytest.mark.neo4j
def test_unknown_network_bad_name_and_non_canonical(neo4j_store: Neo4jStore) -> None:
    with pytest.raises(NotFoundError, match="unknown network 'nope' \\(known: none loaded\\)"):
        neo4j_store.edges("nope")
    with pytest.raises(StoreError, match="invalid network name"):
        neo4j_store.load_network("../evil", _edges([("A", "B", 1.0)]), GENES, _ds("network", "x"))
    with pytest.raises(StoreError, match="canonical"):
        neo4j_store.load_network("ppi", _edges([("B", "A", 1.0)]), GENES, _ds("network", "ppi"))
    assert neo4j_store.networks() == [] and neo4j_store.datasets().empty


@pytest.mark.neo4j
def test_small_batches_give_the_same_graph(neo4j_server: Neo4jServer) -> None:
    rng = np.random.default_rng(3)
    names = [f"G{i:02d}" for i in range(30)]
    pairs = {tuple(sorted(rng.choice(names, 2, replace=False))) for _ in range(80)}
    edges = _edges([(a, b, float(rng.integers(100, 999))) for a, b in sorted(pairs)])
    genes = pd.DataFrame({"symbol": names, "entrez": [str(i) for i in range(30)]})
    tables = []
    for batch_size in (3, 10_000):
        store = neo4j_server.store(batch_size=batch_size)
        store.clear()
        store.load_network("ppi", edges, genes, _ds("network", "ppi"))
        tables.append((store.edges("ppi"), store.genes()))
        store.close()
    pd.testing.assert_frame_equal(tables[0][0], tables[1][0])
    pd.testing.assert_frame_equal(tables[0][1], tables[1][1])
    assert len(tables[0][0]) == len(pairs)


@pytest.mark.neo4j
def test_interrupted_load_leaves_nothing_and_a_rerun_completes_it(
    neo4j_server: Neo4jServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    import netmarker.graph.neo4j as neo4j_module

    store = neo4j_server.store(batch_size=2)
    store.clear()
    first = _edges([("A", "B", 1.0)])
    store.load_network("ppi", first, GENES, _ds("network", "ppi"))
    edges = _edges([("A", "B", 5.0), ("A", "C", 2.0), ("B", "C", 3.0), ("C", "D", 4.0)])
    genes = pd.DataFrame({"symbol": list("ABCD"), "entrez": ""})
    real = neo4j_module._interaction_batches
    sent: list[dict] = []

    def dies_after_one_edge_batch(rows: pd.DataFrame, size: int):  # type: ignore[no-untyped-def]
        for batch in real(rows, size):
            if sent:  # an interactions batch after the first one
                raise ConnectionResetError("connection lost mid-load")
            sent.append(batch)
            yield batch

    monkeypatch.setattr(neo4j_module, "_interaction_batches", dies_after_one_edge_batch)
    with pytest.raises(ConnectionResetError):
        store.load_network("ppi", edges, genes, _ds("network", "ppi", "c2"))
    monkeypatch.undo()
    assert sent  # one batch of edges was committed to the staged version before the failure
    # ... which readers never see: the published network is as before the attempt
    assert store.edges("ppi").to_dict("list") == {"gene_a": ["A"], "gene_b": ["B"], "score": [1.0]}
    assert sorted(store.genes()["symbol"]) == ["A", "B", "C"]
    assert len(store.datasets()) == 1
    report = store.load_network("ppi", edges, genes, _ds("network", "ppi", "c2"))
    assert not report.already_loaded
    assert report.counts == {"edges_in_file": 4, "edges_new": 3, "genes_new": 1}
    assert len(store.edges("ppi")) == 4 and len(store.datasets()) == 2
    assert store.load_network("ppi", edges, genes, _ds("network", "ppi", "c2")).already_loaded
    store.close()


_KILLED_LOADER = """
import sys
import pandas as pd
from netmarker.graph.neo4j import Neo4jStore
from netmarker.graph.store import Dataset
uri, user, password = sys.argv[1:4]
names = [f"K{i:05d}" for i in range(4000)]
pairs = [(a, b) for i, a in enumerate(names) for b in names[i + 1 : i + 6]]
edges = pd.DataFrame(pairs, columns=["gene_a", "gene_b"]).assign(score=1.0)
genes = pd.DataFrame({"symbol": names, "entrez": ""})
store = Neo4jStore(uri, user, password, batch_size=20)
store.load_network("ppi", edges, genes, Dataset("network", "ppi", "/x/k.tsv", "killed"))
"""


@pytest.mark.neo4j
def test_a_killed_loader_leaves_the_network_and_releases_its_lock(
    neo4j_server: Neo4jServer,
) -> None:
    store = neo4j_server.store()
    store.clear()
    store.load_network("ppi", _edges([("A", "B", 1.0)]), GENES, _ds("network", "ppi"))
    server = [neo4j_server.uri, neo4j_server.user, neo4j_server.password]
    loader = subprocess.Popen([sys.executable, "-c", _KILLED_LOADER, *server])
    try:
        staged = 0
        deadline = time.monotonic() + 120
        while staged < 200 and loader.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
            with GraphDatabase.driver(neo4j_server.uri, auth=tuple(server[1:])) as driver:
                staged = driver.execute_query(
                    "MATCH ()-[r:INTERACTS_WITH {network: 'ppi'}]->() RETURN count(r) AS n"
                ).records[0]["n"]
        assert loader.poll() is None, "the loader finished before it could be killed"
        assert staged >= 200
    finally:
        loader.kill()  # SIGKILL: no cleanup of its own; the server must drop its lock
        loader.wait()
    assert store.edges("ppi").to_dict("list") == {"gene_a": ["A"], "gene_b": ["B"], "score": [1.0]}
    assert sorted(store.genes()["symbol"]) == ["A", "B", "C"]
    # the next load of the network gets the lock, clears what the dead one staged, publishes
    with ThreadPoolExecutor(1) as pool:
        rerun = pool.submit(
            store.load_network, "ppi", _edges([("B", "C", 2.0)]), GENES, _ds("network", "ppi", "c3")
        )
        assert rerun.result(timeout=120).counts["edges_new"] == 1
    assert len(store.edges("ppi")) == 2
    assert store.network_size("ppi") == {"edges": 2, "genes": 3}
    store.close()


@pytest.mark.neo4j
def test_concurrent_loads_of_one_network_keep_both(neo4j_server: Neo4jServer) -> None:
    names = [f"G{i:03d}" for i in range(120)]
    genes = pd.DataFrame({"symbol": names, "entrez": ""})
    pairs = [(a, b) for i, a in enumerate(names) for b in names[i + 1 : i + 4]]
    halves = [_edges([(a, b, 1.0) for a, b in pairs[k::2]]) for k in (0, 1)]
    first = neo4j_server.store()
    first.clear()
    first.load_network("ppi", _edges([("G000", "G001", 0.5)]), genes, _ds("network", "ppi"))

    def load(k: int) -> None:
        with neo4j_server.store(batch_size=25) as store:
            store.load_network("ppi", halves[k], genes, _ds("network", "ppi", f"half{k}"))

    with ThreadPoolExecutor(2) as pool:
        list(pool.map(load, (0, 1)))  # both stage at once; the network lock orders them
    edges = first.edges("ppi")
    assert len(edges) == len(pairs)  # neither load lost the other's edges
    assert edges.score.tolist() == [1.0] * len(pairs)
    assert len(first.datasets()) == 3
    first.close()


@pytest.mark.neo4j
def test_targets_and_pathways(neo4j_store: Neo4jStore) -> None:
    store = neo4j_store
    t = pd.DataFrame({"drug": ["X", "X", "Y", "X"], "gene": ["A", "B", "A", "A"], "source": "s"})
    d = pd.DataFrame({"drug": ["X"], "synonyms": ["XX|X1"]})
    r = store.load_targets(t, d, _ds("targets", "s"))
    assert r.counts == {"links_in_file": 4, "links_new": 3, "drugs_new": 2}
    r = store.load_targets(
        t, pd.DataFrame({"drug": ["X"], "synonyms": ["X2|XX"]}), _ds("targets", "s", "c2")
    )
    assert r.counts == {"links_in_file": 4, "links_new": 0, "drugs_new": 0}
    assert store.targets("X")["gene"].tolist() == ["A", "B"]
    assert store.drugs().to_dict("list") == {"drug": ["X", "Y"], "synonyms": ["X1|X2|XX", ""]}
    assert store.genes()["entrez"].tolist() == ["", ""]
    p = pd.DataFrame({"pathway": ["P1", "P2", "P1"], "source": "r", "url": ["u0", "", "u1"]})
    m = pd.DataFrame({"pathway": ["P1", "P1", "P2"], "gene": ["A", "C", "B"]})
    r = store.load_pathways(p, m, _ds("pathways", "r"))
    assert r.counts == {
        "pathways_in_file": 3,
        "memberships_in_file": 3,
        "pathways_new": 2,
        "memberships_new": 3,
    }
    assert store.pathways().to_dict("list") == {
        "pathway": ["P1", "P2"],
        "source": ["r", "r"],
        "url": ["u1", ""],
    }
    assert store.members("r")["gene"].tolist() == ["A", "C", "B"]
    assert store.members("other").empty
    s = store.status()
    assert s["targets"]["s"] == {"drugs": 2, "links": 3, "genes": 2}
    assert s["pathways"]["r"] == {"pathways": 2, "memberships": 3, "genes": 3}
    assert [row["kind"] for row in s["datasets"]] == ["targets", "targets", "pathways"]
    json.dumps(s)


def _prox(drug: str, network: str, pathways: list[str], z: float) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "drug": drug,
            "pathway": pathways,
            "network": network,
            "distance": 1.5,
            "z": z,
            "p": 0.01,
            "n_random": 10,
            "seed": 1,
            "run": "r",
        }
    )


@pytest.mark.neo4j
def test_results_replace_per_drug_and_network(neo4j_store: Neo4jStore) -> None:
    store = neo4j_store
    store.write_proximity(
        pd.concat(
            [
                _prox("X", "n1", ["P1", "P2"], -2.0),
                _prox("X", "n2", ["P1"], -0.5),
                _prox("Y", "n1", ["P1"], -1.0),
            ]
        )
    )
    store.write_proximity(_prox("X", "n1", ["P3"], -3.0))
    got = store.proximity("X")
    assert list(got.columns) == [
        "drug",
        "pathway",
        "network",
        "distance",
        "z",
        "p",
        "q",
        "n_random",
        "seed",
        "run",
    ]
    assert got["q"].isna().all()  # rows written without a q read back with q missing
    assert got[["pathway", "network"]].values.tolist() == [["P3", "n1"], ["P1", "n2"]]
    assert got["n_random"].dtype == np.int64 and got["z"].tolist() == [-3.0, -0.5]
    assert store.proximity("Y")["pathway"].tolist() == ["P1"]
    assert store.proximity(network="n2")["drug"].tolist() == ["X"]
    # results create no listed drugs or pathways
    assert store.drugs().empty and store.pathways().empty

    rwr = pd.DataFrame(
        {"drug": "X", "gene": ["B", "A"], "network": "n1", "score": [0.2, 0.5], "rank": [2, 1]}
    ).assign(run="w")
    store.write_propagation(rwr)
    store.write_propagation(rwr.iloc[:1])
    assert store.propagation("X", "n1")[["gene", "rank"]].values.tolist() == [["B", 2]]
    assert store.genes().empty


@pytest.mark.neo4j
def test_a_write_back_in_chunks_is_published_after_its_last_chunk(
    neo4j_store: Neo4jStore,
) -> None:
    store = neo4j_store
    store.write_proximity(
        pd.concat([_prox("X", "n1", ["P1"], -1.0), _prox("Y", "n1", ["P1"], -1.0)])
    )
    before = store.proximity()
    seen: list[pd.DataFrame] = []

    def chunks() -> Iterator[pd.DataFrame]:
        for drug, network in (("X", "n1"), ("Y", "n1"), ("Y", "n2")):
            yield _prox(drug, network, ["P2", "P3"], -2.0).assign(run="new")
            seen.append(store.proximity())  # what readers see while the write goes on

    assert store.write_proximity_chunks(chunks()) == 6
    for view in seen:  # nothing of the new run was visible before the last chunk
        pd.testing.assert_frame_equal(view, before)
    got = store.proximity()
    assert got[["drug", "network", "pathway"]].values.tolist() == [
        ["X", "n1", "P2"],
        ["X", "n1", "P3"],
        ["Y", "n1", "P2"],
        ["Y", "n1", "P3"],
        ["Y", "n2", "P2"],
        ["Y", "n2", "P3"],
    ]
    assert set(got["run"]) == {"new"}
    assert store.write_proximity_chunks(iter([])) == 0
    pd.testing.assert_frame_equal(store.proximity(), got)


_KILLED_WRITER = """
import sys
import pandas as pd
from netmarker.graph.neo4j import Neo4jStore
uri, user, password = sys.argv[1:4]
drugs = [f"D{i:03d}" for i in range(200)]
pathways = [f"P{j:02d}" for j in range(50)]
rows = pd.DataFrame([(d, p) for d in drugs for p in pathways], columns=["drug", "pathway"])
rows = rows.assign(network="n1", distance=2.0, z=-9.0, p=0.5, n_random=10, seed=2, run="new")
Neo4jStore(uri, user, password, batch_size=20).write_proximity(rows)
"""


@pytest.mark.neo4j
def test_a_killed_write_back_leaves_the_previous_results(neo4j_server: Neo4jServer) -> None:
    store = neo4j_server.store()
    store.clear()
    drugs = [f"D{i:03d}" for i in range(200)]
    before = pd.concat([_prox(d, "n1", ["P00", "P01"], -1.0) for d in drugs], ignore_index=True)
    store.write_proximity(before)
    expected = store.proximity()
    assert len(expected) == 400
    server = [neo4j_server.uri, neo4j_server.user, neo4j_server.password]
    writer = subprocess.Popen([sys.executable, "-c", _KILLED_WRITER, *server])
    try:
        staged = 0
        deadline = time.monotonic() + 120
        while staged < 400 and writer.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
            with GraphDatabase.driver(neo4j_server.uri, auth=tuple(server[1:])) as driver:
                staged = driver.execute_query(
                    "MATCH ()-[r:PROXIMAL_TO {run: 'new'}]->() RETURN count(r) AS n"
                ).records[0]["n"]
        assert writer.poll() is None, "the write-back finished before it could be killed"
        assert staged >= 400  # more new rows than the old results have are in the database
    finally:
        writer.kill()  # SIGKILL mid-write: the server drops its lock, nothing is published
        writer.wait()
    pd.testing.assert_frame_equal(store.proximity(), expected)
    assert store.proximity("D007", "n1")["z"].tolist() == [-1.0, -1.0]
    # the next write-back of these drugs gets the lock, publishes, and drops what was staged
    after = pd.concat([_prox(d, "n1", ["P02"], -2.0) for d in drugs], ignore_index=True)
    with ThreadPoolExecutor(1) as pool:
        pool.submit(store.write_proximity, after).result(timeout=120)
    assert store.proximity()[["pathway", "z"]].drop_duplicates().values.tolist() == [["P02", -2.0]]
    with GraphDatabase.driver(neo4j_server.uri, auth=tuple(server[1:])) as driver:
        left = driver.execute_query("MATCH ()-[r:PROXIMAL_TO]->() RETURN count(r) AS n")
    assert left.records[0]["n"] == 200
    store.close()


@pytest.mark.neo4j
def test_results_written_before_staged_write_backs_stay_readable(
    neo4j_store: Neo4jStore, neo4j_server: Neo4jServer
) -> None:
    """Rows from an older netmarker (no ``write`` property, no list on the drug) are read,
    kept on other networks when one network is written again, and replaced on that one."""
    with GraphDatabase.driver(
        neo4j_server.uri, auth=(neo4j_server.user, neo4j_server.password)
    ) as driver:
        driver.execute_query(
            "CREATE (d:Drug {name: 'X'}) "
            "CREATE (d)-[:PROXIMAL_TO {network: 'n1', distance: 1.0, z: -1.0, p: 0.1, "
            "n_random: 10, seed: 1, run: 'old'}]->(:Pathway {id: 'P1'}) "
            "CREATE (d)-[:PROXIMAL_TO {network: 'n2', distance: 1.0, z: -2.0, p: 0.1, "
            "n_random: 10, seed: 1, run: 'old'}]->(:Pathway {id: 'P2'})"
        )
    assert neo4j_store.proximity("X")["pathway"].tolist() == ["P1", "P2"]
    neo4j_store.write_proximity(_prox("X", "n1", ["P3"], -3.0))
    got = neo4j_store.proximity("X")
    assert got[["pathway", "network", "run"]].values.tolist() == [
        ["P3", "n1", "r"],
        ["P2", "n2", "old"],
    ]


@pytest.mark.neo4j
def test_biomarkers_point_to_pathways_or_genes(neo4j_store: Neo4jStore) -> None:
    store = neo4j_store
    p = pd.DataFrame({"pathway": ["P1"], "source": "r", "url": ""})
    store.load_pathways(p, pd.DataFrame({"pathway": ["P1"], "gene": ["A"]}), _ds("pathways", "r"))
    b = pd.DataFrame(
        {
            "drug": "X",
            "feature": ["P1", "TP53", "A"],
            "coefficient": [0.5, -0.1, 0.05],
            "rank": [1, 2, 3],
            "model_id": "m",
        }
    )
    store.write_biomarkers(b)
    assert store.biomarkers("X")["feature"].tolist() == ["P1", "TP53", "A"]
    store.write_biomarkers(b.iloc[:1])
    assert store.biomarkers()[["drug", "feature", "rank"]].values.tolist() == [["X", "P1", 1]]
    assert store.genes()["symbol"].tolist() == ["A"]  # TP53 was only a feature


@pytest.mark.neo4j
def test_clear_removes_netmarker_data_only(
    neo4j_store: Neo4jStore, neo4j_server: Neo4jServer
) -> None:
    neo4j_store.load_network("ppi", _edges([("A", "B", 1.0)]), GENES, _ds("network", "ppi"))
    with GraphDatabase.driver(
        neo4j_server.uri, auth=(neo4j_server.user, neo4j_server.password)
    ) as driver:
        driver.execute_query("CREATE (:SomeoneElse {keep: true})")
        neo4j_store.clear()
        assert neo4j_store.networks() == [] and neo4j_store.genes().empty
        records, _, _ = driver.execute_query("MATCH (n:SomeoneElse) DELETE n RETURN count(*)")
        assert records[0][0] == 1
