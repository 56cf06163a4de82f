"""Load a STRING-sized network into Neo4j: wall time (median of N runs on a cleared database).

Also checks that loading again changes nothing: the same dataset is recognised (no-op), and
the same edges under another checksum (so every batch really runs MERGE) add no edge or gene.

Usage (server from scripts/neo4j-local; results go to benchmarks/results/neo4j.md by hand)::

    scripts/neo4j-local start && eval "$(scripts/neo4j-local env)"
    python benchmarks/bench_neo4j_load.py [--path FILE] [--runs 3] [--batch-size 10000]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from netmarker.graph.neo4j import Neo4jStore
from netmarker.graph.store import Dataset
from netmarker.io.common import file_checksum
from netmarker.io.network import read_network

_SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
DEFAULT = _SHARED / "string_derived" / "emogi_string_v10_score085_symbols.tsv.gz"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--path", type=Path, default=DEFAULT, help="network edge list")
    parser.add_argument("--runs", type=int, default=3, help="timed loads (median reported)")
    parser.add_argument("--batch-size", type=int, default=10_000, help="rows per UNWIND statement")
    args = parser.parse_args()

    t0 = time.perf_counter()
    parsed = read_network(args.path)
    read_s = time.perf_counter() - t0
    edges, genes = parsed.edges, parsed.genes
    checksum = file_checksum(args.path)
    print(
        f"input: {args.path.name}: {len(edges)} edges, {len(genes)} genes, read in {read_s:.1f} s"
    )

    store = Neo4jStore.from_env(batch_size=args.batch_size)
    print(f"store: {store.location}, batch size {args.batch_size}")
    times = []
    for run in range(1, args.runs + 1):
        t0 = time.perf_counter()
        store.clear()
        clear_s = time.perf_counter() - t0
        store.init_schema()
        dataset = Dataset("network", "string", str(args.path), checksum)
        t0 = time.perf_counter()
        report = store.load_network("string", edges, genes, dataset)
        times.append(time.perf_counter() - t0)
        print(
            f"run {run}: load {times[-1]:.1f} s (clear before it {clear_s:.1f} s) {report.counts}"
        )
        assert report.counts["edges_new"] == len(edges), report.counts
    print(f"median load time: {statistics.median(times):.1f} s over {len(times)} runs")

    again = store.load_network("string", edges, genes, Dataset("network", "string", "", checksum))
    assert again.already_loaded, "the same dataset was not recognised"
    t0 = time.perf_counter()
    remerge = store.load_network("string", edges, genes, Dataset("network", "string", "", "other"))
    remerge_s = time.perf_counter() - t0
    assert remerge.counts["edges_new"] == 0 and remerge.counts["genes_new"] == 0, remerge.counts
    t0 = time.perf_counter()
    back = store.edges("string")
    read_back_s = time.perf_counter() - t0
    assert len(back) == len(edges), (len(back), len(edges))
    print(f"reload of the same dataset: no-op; re-MERGE of all edges: {remerge_s:.1f} s, 0 new")
    print(f"edges() read back: {len(back)} rows in {read_back_s:.1f} s")
    store.close()


if __name__ == "__main__":
    main()
