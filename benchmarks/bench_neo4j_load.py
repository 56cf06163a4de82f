"""Load a STRING-sized network into Neo4j: wall time (median of N runs on a cleared database).

Also checks that loading again changes nothing: the same dataset is recognised (no-op), and
the same edges under another checksum (so every batch really runs MERGE) add no edge or gene.

Usage (server from scripts/neo4j-local; results go to benchmarks/results/neo4j.md by hand)::

    scripts/neo4j-local start && eval "$(scripts/neo4j-local env)"
    python benchmarks/bench_neo4j_load.py [--path FILE] [--runs 3] [--batch-size 10000]

``--synthetic-edges N`` loads N random pairs of 20,000 real protein-coding symbols (seed 0)
instead of a file: bigger than any network in ../shared/data, to find how much heap one
load transaction needs (``NEO4J_LOCAL_HEAP=8g scripts/neo4j-local start``).
"""

from __future__ import annotations

import argparse
import logging
import statistics
import time
from pathlib import Path

import numpy as np
import pandas as pd

from netmarker.graph.neo4j import Neo4jStore
from netmarker.graph.store import Dataset
from netmarker.io.common import file_checksum
from netmarker.io.network import read_network

_SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
DEFAULT = _SHARED / "string_derived" / "emogi_string_v10_score085_symbols.tsv.gz"
SYMBOLS = _SHARED / "id_mapping_org_hs_eg_db" / "entrez_symbol.tsv.gz"


def synthetic_network(n_edges: int, n_genes: int = 20_000) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``n_edges`` distinct random pairs (gene_a < gene_b) of real protein-coding symbols."""
    symbols = pd.read_csv(SYMBOLS, sep="\t", dtype=str)
    coding = symbols[symbols["gene_type"] == "protein-coding"].drop_duplicates("symbol")
    genes = coding.head(n_genes)[["symbol", "entrez_id"]].rename(columns={"entrez_id": "entrez"})
    names = np.sort(genes["symbol"].to_numpy())
    rng = np.random.default_rng(0)
    pairs = pd.DataFrame(columns=["a", "b"], dtype=np.int64)
    while len(pairs) < n_edges:
        a, b = rng.integers(0, len(names), size=(2, n_edges))
        keep = a != b
        more = pd.DataFrame({"a": np.minimum(a, b)[keep], "b": np.maximum(a, b)[keep]})
        pairs = pd.concat([pairs, more]).drop_duplicates()
    pairs = pairs.head(n_edges)
    edges = pd.DataFrame({"gene_a": names[pairs["a"]], "gene_b": names[pairs["b"]], "score": None})
    return edges, genes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--path", type=Path, default=DEFAULT, help="network edge list")
    parser.add_argument("--runs", type=int, default=3, help="timed loads (median reported)")
    parser.add_argument("--batch-size", type=int, default=10_000, help="rows per UNWIND statement")
    parser.add_argument("--synthetic-edges", type=int, default=0, help="random edges, no file")
    parser.add_argument("--steps", action="store_true", help="print each step's time")
    args = parser.parse_args()
    if args.steps:
        logging.basicConfig(format="  %(message)s")
        logging.getLogger("netmarker.graph.neo4j").setLevel(logging.DEBUG)

    t0 = time.perf_counter()
    if args.synthetic_edges:
        edges, genes = synthetic_network(args.synthetic_edges)
        name, checksum = f"synthetic, {args.synthetic_edges} random pairs", "synthetic"
    else:
        parsed = read_network(args.path)
        edges, genes = parsed.edges, parsed.genes
        name, checksum = args.path.name, file_checksum(args.path)
    read_s = time.perf_counter() - t0
    print(f"input: {name}: {len(edges)} edges, {len(genes)} genes, read in {read_s:.1f} s")

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
