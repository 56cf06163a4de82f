"""One number per command, Neo4j side by side with the embedded store (median of N runs).

Each command runs end to end as a user types it (``netmarker --store ... <command>`` in a new
process), except the 2.77 M-row write-back, which calls ``write_proximity`` directly (no
command writes that many rows without computing them first). Commands:

- ``load network`` of the 335k-edge STRING v10 file, into an empty store each run;
- ``load pathways`` of the 674 MSigDB v6.1 Reactome sets, into an empty store each run;
- ``modules compute --all`` (48 Kong et al. drugs x 674 pathways, 1,000 draws) with the
  distance cache warm (one untimed run first);
- ``modules show --drug FLUOROURACIL``;
- write-back of 2.77 M proximity rows (4,110 drugs x 674 pathways, a DrugBank-size grid),
  replacing an earlier 2.77 M-row run (so the superseded rows are deleted too).

Usage (Neo4j from scripts/neo4j-local, its own state and port if the default one is busy)::

    NEO4J_LOCAL_STATE=/tmp/bench-neo4j NEO4J_LOCAL_PORT=7797 scripts/neo4j-local start
    eval "$(NEO4J_LOCAL_STATE=/tmp/bench-neo4j NEO4J_LOCAL_PORT=7797 scripts/neo4j-local env)"
    python benchmarks/bench_store_commands.py [--runs 3] [--only load-network,show]

The Neo4j database is cleared by this script: do not point it at data you want to keep.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from netmarker.graph import open_store
from netmarker.graph.store import GraphStore

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
BIG_NETWORK = SHARED / "string_derived" / "emogi_string_v10_score085_symbols.tsv.gz"
DEMO = ROOT / "data" / "demo"
NETWORK = DEMO / "string_v12_700_ntm.tsv.gz"
PATHWAYS = DEMO / "reactome_msigdb_v6.1.gmt"
TARGETS = DEMO / "drug_targets_kong2020.tsv"
COMMANDS = ["load-network", "load-pathways", "compute-all", "show", "write-back"]


def netmarker(store: str, *args: str) -> float:
    """Run one CLI command in a new process; its wall time in seconds."""
    cmd = [str(Path(sys.executable).with_name("netmarker")), "--store", store, *args]
    t0 = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - t0
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return elapsed


def empty(store: str) -> None:
    """Clear the store (Neo4j: clear + init; embedded: a new directory is used instead)."""
    if store == "neo4j":
        s = open_store("neo4j")
        s.clear()
        s.init_schema()  # type: ignore[attr-defined]
        s.close()


class Stores:
    """The two stores under test: Neo4j (``neo4j``) and a fresh embedded directory."""

    def __init__(self, tmp: Path) -> None:
        self.tmp, self.n = tmp, 0

    def fresh(self, kind: str) -> str:
        if kind == "neo4j":
            empty("neo4j")
            return "neo4j"
        self.n += 1
        return str(self.tmp / f"embedded-{self.n}")


def demo_store(stores: Stores, kind: str) -> str:
    """A store with the demo network, Reactome sets and Kong et al. targets loaded."""
    spec = stores.fresh(kind)
    netmarker(spec, "load", "network", str(NETWORK), "--name", "string_v12_700")
    netmarker(spec, "load", "pathways", str(PATHWAYS), "--source", "reactome")
    netmarker(spec, "load", "targets", str(TARGETS), "--source", "kong2020")
    return spec


def grid(n_drugs: int, n_pathways: int, run: str, seed: int) -> pd.DataFrame:
    """A proximity result table of ``n_drugs`` x ``n_pathways`` rows with random values."""
    rng = np.random.default_rng(seed)
    drugs = np.repeat([f"DRUG{i:05d}" for i in range(n_drugs)], n_pathways)
    pathways = np.tile([f"PATHWAY_{j:04d}" for j in range(n_pathways)], n_drugs)
    n = n_drugs * n_pathways
    return pd.DataFrame(
        {
            "drug": drugs,
            "pathway": pathways,
            "network": "string",
            "distance": rng.uniform(1, 4, n),
            "z": rng.normal(0, 1, n),
            "p": rng.uniform(0, 1, n),
            "n_random": 1000,
            "seed": seed,
            "run": run,
        }
    )


def timed(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def write_back(spec: str, results: list[pd.DataFrame]) -> list[float]:
    """Time writing the first table into an empty store (printed, not in the median), then
    each later one replacing the one before."""
    store: GraphStore = open_store(spec)
    try:
        first = timed(lambda: store.write_proximity(results[0]))
        print(f"write-back into an empty store: {first:.2f} s", flush=True)
        times = []
        for r in results[1:]:
            times.append(timed(lambda r=r: store.write_proximity(r)))
            print(f"write-back replacing the previous run: {times[-1]:.2f} s", flush=True)
        back = store.proximity(network="string")
        assert len(back) == len(results[-1]), (len(back), len(results[-1]))
        assert set(back["run"]) == {results[-1]["run"].iloc[0]}
    finally:
        store.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="timed runs per command (median)")
    parser.add_argument("--only", default=",".join(COMMANDS), help="comma-separated commands")
    parser.add_argument("--stores", default="neo4j,embedded", help="comma-separated stores")
    parser.add_argument("--write-drugs", type=int, default=4110, help="drugs in the write-back")
    parser.add_argument("--steps", action="store_true", help="print the write-back's steps")
    args = parser.parse_args()
    if args.steps:
        logging.basicConfig(format="  %(message)s")
        logging.getLogger("netmarker.graph.neo4j").setLevel(logging.DEBUG)
    only = args.only.split(",")
    results: dict[tuple[str, str], list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["NETMARKER_CACHE"] = str(Path(tmp) / "cache")
        stores = Stores(Path(tmp))
        for kind in args.stores.split(","):
            if "load-network" in only:
                times = []
                for _ in range(args.runs):
                    spec = stores.fresh(kind)
                    times.append(
                        netmarker(spec, "load", "network", str(BIG_NETWORK), "--name", "string")
                    )
                results[("load-network", kind)] = times
            if "load-pathways" in only:
                times = []
                for _ in range(args.runs):
                    spec = stores.fresh(kind)
                    times.append(
                        netmarker(spec, "load", "pathways", str(PATHWAYS), "--source", "reactome")
                    )
                results[("load-pathways", kind)] = times
            if "compute-all" in only or "show" in only:
                spec = demo_store(stores, kind)
                netmarker(spec, "modules", "compute", "--all")  # warms the distance cache
                if "compute-all" in only:
                    results[("compute-all", kind)] = [
                        netmarker(spec, "modules", "compute", "--all") for _ in range(args.runs)
                    ]
                if "show" in only:
                    results[("show", kind)] = [
                        netmarker(spec, "modules", "show", "--drug", "FLUOROURACIL")
                        for _ in range(args.runs)
                    ]
            if "write-back" in only:
                tables = [
                    grid(args.write_drugs, 674, f"prox-run{i}", seed=i)
                    for i in range(args.runs + 1)
                ]
                spec = stores.fresh(kind)
                results[("write-back", kind)] = write_back(spec, tables)
            for (command, k), times in results.items():
                if k == kind:
                    shown = " / ".join(f"{t:.2f}" for t in times)
                    med = statistics.median(times)
                    print(f"{kind:9s} {command:14s} median {med:6.2f} s  ({shown})", flush=True)
    print("\n| command | Neo4j | embedded | ratio |\n|---|---|---|---|")
    for command in COMMANDS:
        neo, emb = results.get((command, "neo4j")), results.get((command, "embedded"))
        if not neo and not emb:
            continue
        n = statistics.median(neo) if neo else float("nan")
        e = statistics.median(emb) if emb else float("nan")
        print(f"| {command} | {n:.2f} s | {e:.2f} s | {n / e:.1f}x |")


if __name__ == "__main__":
    main()
