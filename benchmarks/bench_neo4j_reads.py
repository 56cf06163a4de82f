"""Reading tables out of Neo4j: where the time goes, and which result shape decodes fastest.

For the network, targets and gene sets that ``modules compute`` reads, times (median of N):

- the ``Neo4jStore`` read (``edges()``, ``targets()``, ``members()``) as it is;
- the same Cypher match returned three ways: one record per row, one collected list of
  ``[a, b, c]`` rows, and one list per column (``collect(a), collect(b), ...``);
- the server side alone (``PROFILE`` db hits and the time the server reports until the
  first and the last record, ``result_available_after`` / ``result_consumed_after``).

Whether the driver's Rust extension (``neo4j-rust-ext``) is installed is printed first; run
the script once with and once without it to compare.

Usage (a store with the demo data loaded, e.g. by ``bench_store_commands.py``)::

    eval "$(scripts/neo4j-local env)"
    python benchmarks/bench_neo4j_reads.py [--runs 5] [--network string_v12_700]
"""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import statistics
import time
from collections.abc import Callable
from typing import Any

from neo4j import GraphDatabase

from netmarker.graph.neo4j import Neo4jStore

MATCHES = {
    "edges": (
        "MATCH (n:Network {name: $network}) "
        "MATCH (a:Gene)-[r:INTERACTS_WITH {network: $network, version: n.version}]->(b:Gene)",
        ["a.symbol", "b.symbol", "r.score"],
    ),
    "targets": ("MATCH (d:Drug)-[t:TARGETS]->(g:Gene)", ["d.name", "g.symbol", "t.source"]),
    "members": ("MATCH (p:Pathway)-[:HAS_MEMBER]->(g:Gene)", ["p.id", "g.symbol"]),
}


def median_time(fn: Callable[[], Any], runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--network", default="string_v12_700")
    args = parser.parse_args()
    try:
        rust = importlib.metadata.version("neo4j-rust-ext")
    except importlib.metadata.PackageNotFoundError:
        rust = "not installed"
    print(f"neo4j driver {importlib.metadata.version('neo4j')}, neo4j-rust-ext {rust}")
    store = Neo4jStore.from_env()
    reads = {
        "edges": lambda: store.edges(args.network),
        "targets": store.targets,
        "members": store.members,
    }
    driver = GraphDatabase.driver(store.uri, auth=(store.user, os.environ["NEO4J_PASSWORD"]))
    params = {"network": args.network}
    print("| table | rows | store read | per record | collected rows | per column | server |")
    print("|---|---|---|---|---|---|---|")
    for name, (match, columns) in MATCHES.items():
        per_record = f"{match} RETURN {', '.join(columns)}"
        rows = f"{match} RETURN collect([{', '.join(columns)}]) AS rows"
        per_column = f"{match} RETURN " + ", ".join(
            f"collect({c}) AS c{i}" for i, c in enumerate(columns)
        )

        def run(query: str) -> Any:
            with driver.session(database=store.database) as session:
                result = session.run(query, params)
                values = [r.values() for r in result]
                return values, result.consume()

        n = len(run(per_record)[0])
        summary = run(f"PROFILE {per_column}")[1]
        hits = summary.profile.get("dbHits", 0) if summary.profile else 0
        server = (summary.result_available_after or 0) + (summary.result_consumed_after or 0)
        times = [
            median_time(reads[name], args.runs),
            median_time(lambda q=per_record: run(q), args.runs),
            median_time(lambda q=rows: run(q), args.runs),
            median_time(lambda q=per_column: run(q), args.runs),
        ]
        shown = " | ".join(f"{t:.3f} s" for t in times)
        print(f"| {name} | {n:,} | {shown} | {server / 1000:.3f} s ({hits:,} db hits) |")
    driver.close()
    store.close()


if __name__ == "__main__":
    main()
