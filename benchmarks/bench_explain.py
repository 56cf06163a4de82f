"""Benchmark: ``modules explain`` on STRING v12 (>= 700), warm, median of several runs.

Network: the demo's STRING v12 (dmfind, no text mining) combined_score >= 700 network
(``data/demo/string_v12_700_ntm.tsv.gz``; largest component 11,604 genes / 130,584 edges),
MSigDB v6.1 Reactome, the Kong et al. 2020 targets, in a fresh embedded store. Proximity
is computed once for the drugs below (20 draws: d_c does not depend on the draws).

Timed, warm (the store and the code already loaded once):

    netmarker   ``explain_proximity(store, drug, pathway)`` in one process: reads the edges,
                builds the largest component, breadth-first search per target, enumerates
                every shortest path, checks d_c against the stored one
    cli         ``netmarker modules explain ... --format tsv`` as a fresh process (Python
                start-up and imports included)
    networkx    the straightforward alternative on the same edge table: ``nx.Graph``, largest
                component, ``all_shortest_paths`` from each target to each pathway gene at
                the minimum distance
    neo4j       the same through Cypher, when NEO4J_URI / NEO4J_PASSWORD name a server
                (its database is CLEARED and filled with the demo data: use a scratch one)

    python benchmarks/bench_explain.py --runs 5
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx

from netmarker.explain import explain_proximity
from netmarker.graph import EmbeddedStore
from netmarker.graph.loading import load_network_file, load_pathways_file, load_targets_file
from netmarker.modules import compute_proximity

DEMO = Path(__file__).resolve().parents[1] / "data" / "demo"
CASES = [
    ("FLUOROURACIL", "REACTOME_PYRIMIDINE_METABOLISM"),
    ("CISPLATIN", "REACTOME_APOPTOSIS"),
    ("IRINOTECAN", "REACTOME_DNA_REPLICATION"),
    ("VORINOSTAT", "REACTOME_SIGNALING_BY_WNT"),
]


def fill(store: object, cache: Path) -> None:
    load_network_file(store, DEMO / "string_v12_700_ntm.tsv.gz", "string_v12_700")
    load_pathways_file(store, DEMO / "reactome_msigdb_v6.1.gmt", source="reactome")
    load_targets_file(store, DEMO / "drug_targets_kong2020.tsv", source="kong2020")
    compute_proximity(store, drugs=[d for d, _ in CASES], n_random=20, cache_dir=cache)


def networkx_paths(store: EmbeddedStore, drug: str, pathway: str) -> int:
    """The alternative: networkx on the same tables; returns the number of paths."""
    edges = store.edges("string_v12_700")
    g = nx.Graph()
    g.add_edges_from(zip(edges["gene_a"], edges["gene_b"], strict=True))
    g = g.subgraph(max(nx.connected_components(g), key=len))
    targets = [t for t in store.targets(drug)["gene"].unique() if t in g]
    members = store.members()
    genes = [m for m in members.loc[members["pathway"] == pathway, "gene"] if m in g]
    n = 0
    for t in targets:
        lengths = nx.single_source_shortest_path_length(g, t)
        best = min(lengths[m] for m in genes)
        for m in genes:
            if lengths[m] == best:
                n += sum(1 for _ in nx.all_shortest_paths(g, t, m))
    return n


def median_time(fn: object, runs: int) -> tuple[float, object, float]:
    """Median wall time, the last result, and the median CPU time of this process (on a
    shared machine the CPU time shows the work itself; the wall time includes waiting)."""
    times, cpu, out = [], [], None
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        out = fn()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(times), out, statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-explain-"))
    store = EmbeddedStore(work / "store")
    fill(store, work / "cache")
    neo = None
    if os.environ.get("NEO4J_URI") and os.environ.get("NEO4J_PASSWORD"):
        from netmarker.graph.neo4j import Neo4jStore

        neo = Neo4jStore.from_env()
        neo.init_schema()
        neo.clear()
        fill(neo, work / "cache")
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; shared with other jobs; median of {args.runs}"
    )
    print(
        "| drug x pathway | targets | paths | genes | d_c = stored | netmarker (CPU) | cli "
        "| networkx (CPU) | neo4j |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |", flush=True)
    env = {**os.environ, "NETMARKER_STORE": str(work / "store")}
    for drug, pathway in CASES:
        explain_proximity(store, drug, pathway)  # warm-up
        t_lib, expl, cpu_lib = median_time(
            lambda d=drug, p=pathway: explain_proximity(store, d, p), args.runs
        )
        cmd = [str(Path(sys.executable).parent / "netmarker"), "modules", "explain", "-d", drug,
               "-p", pathway, "-f", "tsv"]  # fmt: skip
        subprocess.run(cmd, env=env, check=True, capture_output=True)
        t_cli, _, _ = median_time(
            lambda c=cmd: subprocess.run(c, env=env, check=True, capture_output=True), args.runs
        )
        t_nx, n_nx, cpu_nx = median_time(
            lambda d=drug, p=pathway: networkx_paths(store, d, p), args.runs
        )
        n_paths = int(expl.targets["n_paths"].sum())
        assert n_nx == n_paths, (drug, pathway, n_nx, n_paths)
        t_neo = "n/a"
        if neo is not None:
            explain_proximity(neo, drug, pathway)
            t, other, _ = median_time(
                lambda d=drug, p=pathway: explain_proximity(neo, d, p), args.runs
            )
            assert other.paths.equals(expl.paths), (drug, pathway)
            t_neo = f"{t:.2f} s"
        print(
            f"| {drug} x {pathway} | {int((expl.targets['status'] == 'ok').sum())} | {n_paths} "
            f"| {len(expl.genes)} | {expl.distance:.4g} = {expl.stored['distance']:.4g} "
            f"| **{t_lib:.2f} s** ({cpu_lib:.2f} s) | {t_cli:.2f} s | {t_nx:.2f} s "
            f"({cpu_nx:.2f} s) | {t_neo} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
