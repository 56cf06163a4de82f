"""scripts/neo4j-local and the store's limits, on a Neo4j of the test's own.

The server here gets a small per-transaction memory limit (4 MB) so that a load too big for
one transaction can be had with a few thousand edges; it is stopped and started again on the
same database folder.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from neo4j import GraphDatabase

from neo4j_fixtures import LAUNCHER, Neo4jServer, start_own, unavailable
from netmarker.errors import StoreError
from netmarker.graph.neo4j_import import write_import_files
from netmarker.graph.store import Dataset

pytestmark = [pytest.mark.neo4j, pytest.mark.slow]


@pytest.fixture(scope="module")
def own_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Neo4jServer, dict]]:
    server, env, output = start_own(
        tmp_path_factory.mktemp("neo4j-own"),
        NEO4J_LOCAL_TX_MEMORY_MAX="4m",
        NEO4J_LOCAL_SETTINGS="dbms.cypher.min_replan_interval=7s",
    )
    if server is None:
        unavailable(f"scripts/neo4j-local could not start it: {output[-400:]}")
    assert server is not None
    store = server.store()
    store.init_schema()
    store.close()  # an unclosed driver warns (driver 5.x) into whichever test runs next
    yield server, env
    subprocess.run([str(LAUNCHER), "stop"], env=env, capture_output=True, check=False)


def _network(n_genes: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    symbols = [f"G{i:05d}" for i in range(n_genes)]
    pairs = [(a, b) for i, a in enumerate(symbols) for b in symbols[i + 1 : i + 6]]
    edges = pd.DataFrame(pairs, columns=["gene_a", "gene_b"]).assign(score=0.9)
    return edges, pd.DataFrame({"symbol": symbols, "entrez": ""})


def test_a_network_bigger_than_a_transaction_loads_in_batches(
    own_server: tuple[Neo4jServer, dict],
) -> None:
    edges, genes = _network(1_500)  # 7.5k edges: several times the 4 MB transaction limit
    too_big = own_server[0].store(batch_size=10_000)
    with pytest.raises(StoreError, match=r"ran out of transaction memory .*--neo4j-batch-size"):
        too_big.load_network("big", edges, genes, Dataset("network", "big", "/x/b.tsv", "c1"))
    assert "big" not in too_big.networks() and len(too_big.genes()) == 0
    too_big.close()

    store = own_server[0].store(batch_size=500)
    report = store.load_network("big", edges, genes, Dataset("network", "big", "/x/b.tsv", "c1"))
    n = len(edges)
    assert report.counts == {"edges_in_file": n, "edges_new": n, "genes_new": 1500}
    assert store.network_size("big") == {"edges": len(edges), "genes": 1500}
    pd.testing.assert_frame_equal(
        store.edges("big").reset_index(drop=True),
        edges.sort_values(["gene_a", "gene_b"]).reset_index(drop=True),
        check_dtype=False,
    )
    store.close()


def test_targets_bigger_than_a_transaction_say_what_to_do(
    own_server: tuple[Neo4jServer, dict],
) -> None:
    store = own_server[0].store(batch_size=500)
    symbols = [f"T{i:05d}" for i in range(20_000)]
    targets = pd.DataFrame({"drug": [f"D{i % 50}" for i in range(20_000)], "gene": symbols})
    targets["source"] = "s"
    drugs = pd.DataFrame({"drug": sorted(set(targets["drug"])), "synonyms": ""})
    with pytest.raises(StoreError, match=r"ran out of transaction memory .*larger heap"):
        store.load_targets(targets, drugs, Dataset("targets", "s", "/x/t.tsv", "c1"))
    assert store.targets().empty
    store.close()


def test_any_neo4j_setting_can_be_given(own_server: tuple[Neo4jServer, dict]) -> None:
    server, _ = own_server
    with GraphDatabase.driver(server.uri, auth=(server.user, server.password)) as driver:
        records = driver.execute_query(
            "CALL dbms.listConfig($name) YIELD name, value RETURN value",
            name="dbms.cypher.min_replan_interval",
        ).records
    assert [r["value"] for r in records] == ["7s"]


def test_an_unknown_setting_stops_the_start_with_its_name(tmp_path: Path) -> None:
    server, env, output = start_own(tmp_path, NEO4J_LOCAL_SETTINGS="no.such.setting=1")
    if server is not None:
        subprocess.run([str(LAUNCHER), "stop"], env=env, capture_output=True, check=False)
    assert server is None
    assert "NEO4J_LOCAL_SETTINGS: Unrecognized setting" in output
    assert "no.such.setting" in output


def test_restart_on_the_same_state_keeps_the_data(own_server: tuple[Neo4jServer, dict]) -> None:
    server, env = own_server
    store = server.store()
    edges, genes = _network(4)
    store.load_network("ppi", edges, genes, Dataset("network", "ppi", "/x/ppi.tsv", "c2"))
    store.close()
    subprocess.run([str(LAUNCHER), "stop"], env=env, check=True, capture_output=True)
    # the second start sets the same password again, which Neo4j alone would refuse
    again = subprocess.run(
        [str(LAUNCHER), "start"], env=env, capture_output=True, text=True, check=False
    )
    assert again.returncode == 0, again.stdout + again.stderr
    store = server.store()
    assert store.network_size("ppi") == {"edges": len(edges), "genes": 4}
    store.close()


def test_a_bulk_import_reads_back_as_a_load(
    own_server: tuple[Neo4jServer, dict], tmp_path: Path
) -> None:
    """neo4j-admin's importer (scripts/neo4j-local import) on write_import_files' CSV files:
    the network, its genes and its Dataset record read back as after `load network`."""
    server, env = own_server
    edges, genes = _network(30)
    edges.loc[0, "score"] = float("nan")  # an unweighted pair stays null
    genes.loc[0, "entrez"] = "1234"
    dataset = Dataset("network", "imported", "/x/imp.tsv", "c3")
    counts = write_import_files(tmp_path / "csv", "imported", edges, genes, dataset)
    assert counts == {"edges_in_file": len(edges), "edges_new": len(edges), "genes_new": 30}
    subprocess.run([str(LAUNCHER), "stop"], env=env, check=True, capture_output=True)
    running = subprocess.run(
        [str(LAUNCHER), "import", str(tmp_path / "csv")], env=env, capture_output=True, text=True
    )
    assert running.returncode == 0, running.stdout[-2000:] + running.stderr[-2000:]
    again = subprocess.run([str(LAUNCHER), "start"], env=env, capture_output=True, text=True)
    assert again.returncode == 0, again.stdout + again.stderr
    store = server.store()
    store.init_schema()  # the importer writes data only: constraints and indexes come after
    try:
        assert store.networks() == ["imported"]
        assert store.network_size("imported") == {"edges": len(edges), "genes": 30}
        pd.testing.assert_frame_equal(
            store.edges("imported"),
            edges.sort_values(["gene_a", "gene_b"]).reset_index(drop=True),
            check_dtype=False,
        )
        got = store.genes()
        assert len(got) == 30 and got.loc[got["symbol"] == "G00000", "entrez"].item() == "1234"
        assert got.loc[got["symbol"] == "G00001", "entrez"].item() == ""
        # the same file loaded over Bolt is recognised as loaded (same Dataset record)
        report = store.load_network("imported", edges, genes, dataset)
        assert report.already_loaded and report.counts == counts
        # a later load of the network stages and publishes a new version over the imported one
        more = pd.DataFrame({"gene_a": ["G00000"], "gene_b": ["G00029"], "score": [0.5]})
        store.load_network(
            "imported", more, genes.head(0), Dataset("network", "imported", "/x/2", "c4")
        )
        assert store.network_size("imported")["edges"] == len(edges) + 1
    finally:
        store.close()
