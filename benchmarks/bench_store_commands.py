"""One number per command, Neo4j side by side with the embedded store (median of N runs).

Each command runs end to end as a user types it (``netmarker --store ... <command>`` in a new
process), except the 2.77 M-row write-back, which calls ``write_proximity`` directly (no
command writes that many rows without computing them first). Commands:

- ``load network`` of the 335k-edge STRING v10 file, into an empty store each run;
- ``load pathways`` of the 674 MSigDB v6.1 Reactome sets, into an empty store each run;
- ``modules compute --all`` (48 Kong et al. drugs x 674 pathways, 1,000 draws) with the
  distance cache warm (one untimed run first);
- ``modules show --drug FLUOROURACIL``;
- write-back of 2.77 M proximity rows (4,110 drugs x 674 pathways, a DrugBank-size grid):
  one into an empty store (printed), then ``--write-runs`` replacing the one before (so the
  superseded rows are deleted too; these make the median).

Every command runs on both stores back to back (Neo4j, then embedded), so each ratio compares
two runs under the same machine load. Each run prints a line as soon as it ends (wall time,
CPU time of the ``netmarker`` process, CPU time of the Neo4j server when its pid is known,
load average), so an interrupted run keeps what it measured; ``--out FILE`` also appends
them to FILE as JSON lines. The table of medians comes at the end.

How long: on a quiet 2-core machine about 15 minutes with the defaults (``--runs 3
--write-runs 1``); the write-backs take most of it (Neo4j about 5 minutes per 2.77 M rows).
``--only load-network,load-pathways,compute-all,show`` skips them (about 5 minutes).

Usage (Neo4j from scripts/neo4j-local, its own state and port if the default one is busy)::

    NEO4J_LOCAL_STATE=/tmp/bench-neo4j NEO4J_LOCAL_PORT=7797 scripts/neo4j-local start
    eval "$(NEO4J_LOCAL_STATE=/tmp/bench-neo4j NEO4J_LOCAL_PORT=7797 scripts/neo4j-local env)"
    NEO4J_LOCAL_STATE=/tmp/bench-neo4j python benchmarks/bench_store_commands.py \
        --runs 3 --out /tmp/bench_store_commands.jsonl

(``NEO4J_LOCAL_STATE`` lets the script find the server's pid for its CPU time.)
The Neo4j database is cleared by this script: do not point it at data you want to keep.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
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


def server_cpu() -> float:
    """CPU seconds of the Neo4j server so far (NaN without ``$NEO4J_LOCAL_STATE``)."""
    state = os.environ.get("NEO4J_LOCAL_STATE")
    try:
        pid = (Path(state) / "neo4j.pid").read_text().strip() if state else ""
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Clock:
    """Wall time, CPU time of this process and its children, and of the Neo4j server (when
    ``$NEO4J_LOCAL_STATE/neo4j.pid`` names it) over a block: ``with Clock() as c: ...``."""

    def __init__(self) -> None:
        self.wall = self.cpu = self.server_cpu = 0.0

    @staticmethod
    def _cpu() -> float:
        usage = [resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
        return sum(u.ru_utime + u.ru_stime for u in usage)

    def __enter__(self) -> Clock:
        self._start = (time.perf_counter(), self._cpu(), server_cpu())
        return self

    def __exit__(self, *exc: object) -> None:
        wall, cpu, server = self._start
        self.wall = time.perf_counter() - wall
        self.cpu = self._cpu() - cpu
        self.server_cpu = server_cpu() - server


class Recorder:
    """Collects each timed run, prints it at once and appends it to ``out`` (JSON lines)."""

    def __init__(self, out: Path | None) -> None:
        self.out = out
        self.times: dict[tuple[str, str], list[float]] = {}

    def add(self, command: str, store: str, clock: Clock, note: str = "") -> None:
        """Record a run; a run noted ``warm-up`` is printed and kept, not in the median."""
        if note != "warm-up":
            self.times.setdefault((command, store), []).append(clock.wall)
        record = {
            "command": command,
            "store": store,
            "wall_s": round(clock.wall, 3),
            "cpu_s": round(clock.cpu, 3),
            "server_cpu_s": round(clock.server_cpu, 3) if store == "neo4j" else None,
            "load_1min": round(os.getloadavg()[0], 2),
            "note": note,
            "at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        }
        server = f", server cpu {clock.server_cpu:.2f} s" if store == "neo4j" else ""
        print(
            f"{store:9s} {command:14s} {clock.wall:8.2f} s wall, cpu {clock.cpu:.2f} s{server}, "
            f"load {record['load_1min']} {note}",
            flush=True,
        )
        if self.out is not None:
            with self.out.open("a", encoding="utf-8") as f:
                f.write(json.dumps(record) + "\n")


def netmarker(store: str, *args: str) -> Clock:
    """Run one CLI command in a new process; its times."""
    cmd = [str(Path(sys.executable).with_name("netmarker")), "--store", store, *args]
    with Clock() as clock:
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return clock


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


def write_back(spec: str, kind: str, results: list[pd.DataFrame], rec: Recorder) -> None:
    """Time writing the first table into an empty store (recorded as ``write-back-empty``),
    then each later one replacing the one before (``write-back``)."""
    store: GraphStore = open_store(spec)
    try:
        for i, table in enumerate(results):
            with Clock() as clock:
                store.write_proximity(table)
            rec.add("write-back" if i else "write-back-empty", kind, clock, f"{len(table):,} rows")
        back = store.proximity(network="string")
        assert len(back) == len(results[-1]), (len(back), len(results[-1]))
        assert set(back["run"]) == {results[-1]["run"].iloc[0]}
    finally:
        store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="timed runs per command (median)")
    parser.add_argument("--only", default=",".join(COMMANDS), help="comma-separated commands")
    parser.add_argument("--stores", default="neo4j,embedded", help="comma-separated stores")
    parser.add_argument("--write-drugs", type=int, default=4110, help="drugs in the write-back")
    parser.add_argument(
        "--write-runs", type=int, default=1, help="replacing write-backs (median; ~5 min each)"
    )
    parser.add_argument(
        "--warmup",
        type=int,
        default=1,
        help="untimed runs of each command first (printed, not in the median): the first "
        "after a server start pays the JVM's compiling, which a long-running server paid once",
    )
    parser.add_argument("--out", type=Path, help="append every timed run here (JSON lines)")
    parser.add_argument("--steps", action="store_true", help="print the write-back's steps")
    args = parser.parse_args()
    if args.steps:
        logging.basicConfig(format="  %(message)s")
        logging.getLogger("netmarker.graph.neo4j").setLevel(logging.DEBUG)
    only, kinds = args.only.split(","), args.stores.split(",")
    rec = Recorder(args.out)
    print(f"load average at start: {os.getloadavg()}, {os.cpu_count()} cores", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["NETMARKER_CACHE"] = str(Path(tmp) / "cache")
        stores = Stores(Path(tmp))
        for command, args_of in (
            ("load-network", ("load", "network", str(BIG_NETWORK), "--name", "string")),
            ("load-pathways", ("load", "pathways", str(PATHWAYS), "--source", "reactome")),
        ):
            if command in only:
                for run in range(args.warmup + args.runs):
                    note = "warm-up" if run < args.warmup else ""
                    for kind in kinds:
                        rec.add(command, kind, netmarker(stores.fresh(kind), *args_of), note)
        if "compute-all" in only or "show" in only:
            specs = {kind: demo_store(stores, kind) for kind in kinds}
            for kind in kinds:  # warms the distance cache (and the Neo4j plan cache)
                netmarker(specs[kind], "modules", "compute", "--all")
            for command, args_of in (
                ("compute-all", ("modules", "compute", "--all")),
                ("show", ("modules", "show", "--drug", "FLUOROURACIL")),
            ):
                if command in only:
                    for run in range(args.warmup + args.runs):
                        note = "warm-up" if run < args.warmup else ""
                        for kind in kinds:
                            rec.add(command, kind, netmarker(specs[kind], *args_of), note)
        if "write-back" in only:
            tables = [
                grid(args.write_drugs, 674, f"prox-run{i}", seed=i)
                for i in range(args.write_runs + 1)
            ]
            for kind in kinds:
                write_back(stores.fresh(kind), kind, tables, rec)
    print("\n| command | Neo4j | embedded | ratio |\n|---|---|---|---|")
    for command in ["write-back-empty", *COMMANDS]:
        neo, emb = rec.times.get((command, "neo4j")), rec.times.get((command, "embedded"))
        if not neo and not emb:
            continue
        n = statistics.median(neo) if neo else float("nan")
        e = statistics.median(emb) if emb else float("nan")
        print(f"| {command} | {n:.2f} s | {e:.2f} s | {n / e:.2f}x |")


if __name__ == "__main__":
    main()
