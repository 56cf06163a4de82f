"""A first load through Neo4j's bulk importer: CSV files, ``neo4j-admin database import``.

Steps, each timed (wall and CPU; the importer and the server are child processes):

1. read the network file (``netmarker.io.network.read_network``);
2. write the importer's CSV files (``netmarker.graph.neo4j_import.write_import_files``);
3. ``scripts/neo4j-local import DIR`` on a Neo4j of its own (a new state directory, so no
   other database is touched), which runs ``neo4j-admin database import full``;
4. start that Neo4j, ``db init``, and check that ``edges()`` returns every edge of the file.

Usage (about 2 minutes on a quiet 2-core machine for the 335k-edge STRING v10 file)::

    python benchmarks/bench_neo4j_import.py [--path FILE] [--heap 1g]

The Bolt load of the same file, for comparison: ``bench_store_commands.py --only
load-network`` (a new ``netmarker load network`` process into an empty Neo4j).
"""

from __future__ import annotations

import argparse
import os
import resource
import secrets
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from netmarker.graph.neo4j import Neo4jStore
from netmarker.graph.neo4j_import import write_import_files
from netmarker.graph.store import Dataset
from netmarker.io.common import file_checksum
from netmarker.io.network import read_network

ROOT = Path(__file__).resolve().parents[1]
LAUNCHER = ROOT / "scripts" / "neo4j-local"
DEFAULT = ROOT.parent / "shared" / "data" / "string_derived"
DEFAULT = DEFAULT / "emogi_string_v10_score085_symbols.tsv.gz"


def _cpu() -> float:
    usage = [resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    return sum(u.ru_utime + u.ru_stime for u in usage)


def step(name: str, fn: Callable[[], Any]) -> Any:
    """Run ``fn``, print its wall and CPU time (this process and its children) and the load."""
    t0, c0 = time.perf_counter(), _cpu()
    out = fn()
    print(
        f"{name:42s} {time.perf_counter() - t0:7.2f} s wall, cpu {_cpu() - c0:6.2f} s, "
        f"load {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    return out


def launcher(env: dict[str, str], *args: str) -> None:
    done = subprocess.run([str(LAUNCHER), *args], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"scripts/neo4j-local {' '.join(args)} failed:\n{done.stdout[-3000:]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--path", type=Path, default=DEFAULT, help="network edge list")
    parser.add_argument("--name", default="string", help="network name")
    parser.add_argument("--heap", default="1g", help="heap of the importer and the server")
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()}, {os.cpu_count()} cores", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-neo4j-import-") as tmp:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        env = {
            **os.environ,
            "NEO4J_LOCAL_STATE": f"{tmp}/state",
            "NEO4J_LOCAL_PORT": str(port),
            "NEO4J_LOCAL_HEAP": args.heap,
            "NEO4J_LOCAL_PAGECACHE": "512m",
            "NEO4J_PASSWORD": secrets.token_urlsafe(18),
        }
        parsed = step("read the network file", lambda: read_network(args.path))
        dataset = Dataset("network", args.name, str(args.path), file_checksum(args.path))
        counts = step(
            "write the importer's CSV files",
            lambda: write_import_files(
                Path(tmp) / "csv", args.name, parsed.edges, parsed.genes, dataset
            ),
        )
        print(f"  {counts}")
        step("neo4j-admin database import full", lambda: launcher(env, "import", f"{tmp}/csv"))
        try:
            step("start the server", lambda: launcher(env, "start"))
            store = Neo4jStore(f"bolt://127.0.0.1:{port}", "neo4j", env["NEO4J_PASSWORD"])
            step("db init (constraints, indexes)", store.init_schema)
            edges = step("edges() read back", lambda: store.edges(args.name))
            expected = parsed.edges.groupby(["gene_a", "gene_b"], as_index=False)["score"].max()
            pd.testing.assert_frame_equal(
                edges, expected.astype(edges.dtypes.to_dict()), check_dtype=False
            )
            print(f"  read back: {len(edges):,} edges, equal to the file's", flush=True)
            store.close()
        finally:
            launcher(env, "stop")


if __name__ == "__main__":
    main()
