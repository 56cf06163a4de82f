"""Server CPU of creating the 335k STRING v10 interactions, one statement shape at a time.

Each variant CREATEs the 335,478 relationships of the EMOGI STRING v10 network between
existing Gene nodes in committed batches (``--batch-size``, ``--parallel`` sessions at once,
as ``Neo4jStore`` stages a network load), and reports wall time and the Neo4j server's CPU
time (from ``$NEO4J_LOCAL_STATE/neo4j.pid``). Variants (``--variants``):

- ``index_3props``: the landed statement (``cypher/load/create_interactions.cypher``): each
  batch looks its genes up once by the ``Gene(symbol)`` index, ``{network, version, score}``;
- ``index_2props``: the same with ``{version, score}`` (no ``network`` string);
- ``index_noprops``: the same without properties (the floor of creating relationships);
- ``elementid_3props``: both ends of every row by ``elementId`` (a symbol -> elementId map
  fetched once), ``{network, version, score}``;
- ``elementid_once_3props``: each batch's genes by ``elementId`` once, then as ``index_*``.

The relationships get a type of their own (``BENCH_CREATE``) and are deleted before each
variant and at the end; the Gene nodes are MERGEd (a new one has no ``entrez``, so
``genes()`` does not list it). Use a scratch database all the same.

How long: about 20-40 s per variant and run on a quiet 2-core machine (warm server); the
defaults (3 variants x 2 runs) take about 3 minutes. The first runs after a server start
are slower (JIT warm-up): compare variants within a run, and across runs on a warm server.

Usage::

    NEO4J_LOCAL_STATE=/tmp/bench-neo4j NEO4J_LOCAL_PORT=7797 scripts/neo4j-local start
    eval "$(NEO4J_LOCAL_STATE=/tmp/bench-neo4j NEO4J_LOCAL_PORT=7797 scripts/neo4j-local env)"
    NEO4J_LOCAL_STATE=/tmp/bench-neo4j python benchmarks/bench_neo4j_create.py --runs 2
"""

from __future__ import annotations

import argparse
import os
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pandas as pd
from bench_store_commands import server_cpu
from neo4j import Driver, GraphDatabase

from netmarker.io.network import read_network

ROOT = Path(__file__).resolve().parents[1]
NETWORK = ROOT.parent / "shared" / "data" / "string_derived"
NETWORK = NETWORK / "emogi_string_v10_score085_symbols.tsv.gz"

_BY_INDEX = """UNWIND range(0, size($genes) - 1) AS i
MATCH (g:Gene {symbol: $genes[i]}) USING INDEX g:Gene(symbol)
WITH i, g ORDER BY i WITH collect(g) AS gs
UNWIND range(0, size($a) - 1) AS k
WITH gs[$a[k]] AS a, gs[$b[k]] AS b, k
"""
_BY_ELEMENT_ID_ONCE = """UNWIND range(0, size($genes) - 1) AS i
MATCH (g) WHERE elementId(g) = $genes[i]
WITH i, g ORDER BY i WITH collect(g) AS gs
UNWIND range(0, size($a) - 1) AS k
WITH gs[$a[k]] AS a, gs[$b[k]] AS b, k
"""
_BY_ELEMENT_ID = """UNWIND range(0, size($ea) - 1) AS k
MATCH (a) WHERE elementId(a) = $ea[k]
MATCH (b) WHERE elementId(b) = $eb[k]
"""
_THREE = "CREATE (a)-[:BENCH_CREATE {network: $network, version: $version, score: $score[k]}]->(b)"
VARIANTS = {
    "index_3props": _BY_INDEX + _THREE,
    "index_2props": _BY_INDEX
    + "CREATE (a)-[:BENCH_CREATE {version: $version, score: $score[k]}]->(b)",
    "index_noprops": _BY_INDEX + "CREATE (a)-[:BENCH_CREATE]->(b)",
    "elementid_3props": _BY_ELEMENT_ID + _THREE,
    "elementid_once_3props": _BY_ELEMENT_ID_ONCE + _THREE,
}


def batch_params(variant: str, rows: pd.DataFrame, element_ids: dict[str, str]) -> dict[str, Any]:
    """The parameters of one batch of ``rows`` for ``variant``."""
    common = {"score": rows["score"].tolist(), "network": "string", "version": 2**61 + 12345}
    if variant == "elementid_3props":
        return {
            **common,
            "ea": [element_ids[g] for g in rows["gene_a"]],
            "eb": [element_ids[g] for g in rows["gene_b"]],
        }
    n = len(rows)
    codes, genes = pd.factorize(pd.concat([rows["gene_a"], rows["gene_b"]]), sort=False)
    names = genes.tolist()
    if variant.startswith("elementid"):
        names = [element_ids[g] for g in names]
    return {**common, "genes": names, "a": codes[:n].tolist(), "b": codes[n:].tolist()}


def run(driver: Driver, query: str, **params: Any) -> None:
    with driver.session(database=os.environ.get("NEO4J_DATABASE", "neo4j")) as session:
        session.run(query, params).consume()


def commit(driver: Driver, query: str, params: dict[str, Any]) -> None:
    database = os.environ.get("NEO4J_DATABASE", "neo4j")
    with driver.session(database=database) as session, session.begin_transaction() as tx:
        tx.run(query, params).consume()
        tx.commit()


def clear(driver: Driver) -> None:
    run(driver, "MATCH ()-[r:BENCH_CREATE]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 50000 ROWS")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", default="index_3props,index_2props,index_noprops")
    parser.add_argument("--runs", type=int, default=2, help="runs of every variant")
    parser.add_argument("--batch-size", type=int, default=10_000)
    parser.add_argument("--parallel", type=int, default=2, help="sessions at once")
    args = parser.parse_args()
    edges = read_network(NETWORK).edges
    edges = edges.groupby(["gene_a", "gene_b"], sort=True)["score"].max().reset_index()
    genes = sorted(set(edges["gene_a"]) | set(edges["gene_b"]))
    driver = GraphDatabase.driver(
        os.environ["NEO4J_URI"],
        auth=(os.environ.get("NEO4J_USER", "neo4j"), os.environ["NEO4J_PASSWORD"]),
        notifications_min_severity="OFF",
    )
    try:
        run(driver, "UNWIND $genes AS s MERGE (:Gene {symbol: s})", genes=genes)
        records, _, _ = driver.execute_query(
            "MATCH (g:Gene) WHERE g.symbol IN $genes RETURN g.symbol AS s, elementId(g) AS e",
            genes=genes,
        )
        element_ids = {r["s"]: r["e"] for r in records}
        print(f"{len(edges):,} edges, {len(genes):,} genes; load {os.getloadavg()}", flush=True)
        for _ in range(args.runs):
            for variant in args.variants.split(","):
                clear(driver)
                batches = [
                    batch_params(variant, edges.iloc[i : i + args.batch_size], element_ids)
                    for i in range(0, len(edges), args.batch_size)
                ]
                t, cpu = time.perf_counter(), server_cpu()
                query = VARIANTS[variant]
                with ThreadPoolExecutor(args.parallel) as pool:
                    list(pool.map(lambda p, q=query: commit(driver, q, p), batches))
                print(
                    f"{variant:24s} wall {time.perf_counter() - t:6.2f} s, "
                    f"server cpu {server_cpu() - cpu:6.2f} s, load {os.getloadavg()[0]:.1f}",
                    flush=True,
                )
        clear(driver)
    finally:
        driver.close()


if __name__ == "__main__":
    main()
