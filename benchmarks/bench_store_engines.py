"""Benchmark: which engine under the embedded store (issue 13)?

Side by side, on the same data, the store operations that matter:

    load      ``load_network`` of the EMOGI STRING v10 network (335,478 edges after parsing;
              parsing is done once, before timing) into an empty store
    read      a fresh store object reads that network back (``edges``)
    write     ``write_proximity`` of 2.77 M proximity rows (4,112 drugs x 674 pathways)
    read all  a fresh store object reads all proximity rows
    read one  a fresh store object reads the rows of one drug

Engines:

    parquet-before  the embedded store as it was before issue 13 (``git show BASE:...``)
    parquet-now     the embedded store now: checksummed manifests, reader-held snapshots
    sqlite-wal      SQLite (standard library) in WAL mode, one row per edge / result, primary
                    keys, every write one transaction
    duckdb          DuckDB (if installed), tables filled from pandas, read with ``.df()``

``--faults`` also flips 100 random single bits in each engine's result file and counts how
many were detected (error or failed integrity check) versus read back as different data with
no error, and checks DuckDB's cross-process locking (a reader beside an open writer).

    python benchmarks/bench_store_engines.py --runs 5 --prox-runs 3 --faults
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from netmarker.graph import EmbeddedStore
from netmarker.graph.store import EDGE_COLUMNS, PROXIMITY_COLUMNS, Dataset, typed_frame
from netmarker.io.network import read_network

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("NETMARKER_SHARED_DATA", ROOT.parent / "shared" / "data"))
NETWORK = DATA / "string_derived" / "emogi_string_v10_score085_symbols.tsv.gz"
#: the commit whose embedded store is "before" (the last one before issue 13's work)
BASE = "9ff45cf"


def old_store_class() -> type:
    """EmbeddedStore as it was at BASE, loaded from git (no checkout needed)."""
    src = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{BASE}:src/netmarker/graph/embedded.py"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    path = Path(tempfile.mkdtemp()) / "embedded_before.py"
    path.write_text(src)
    spec = importlib.util.spec_from_file_location("embedded_before", path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module.EmbeddedStore


class SqliteStore:
    """The four benchmarked operations on SQLite in WAL mode, as a store would run them."""

    def __init__(self, path: Path) -> None:
        path.mkdir(parents=True, exist_ok=True)
        self.file = path / "store.sqlite"
        con = self._con()
        con.executescript(
            """
            PRAGMA journal_mode=WAL;
            CREATE TABLE IF NOT EXISTS edges (network TEXT, gene_a TEXT, gene_b TEXT,
                score REAL, PRIMARY KEY (network, gene_a, gene_b)) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS genes (symbol TEXT PRIMARY KEY, entrez TEXT);
            CREATE TABLE IF NOT EXISTS proximity (drug TEXT, pathway TEXT, network TEXT,
                distance REAL, z REAL, p REAL, n_random INTEGER, seed INTEGER, run TEXT,
                PRIMARY KEY (drug, network, pathway)) WITHOUT ROWID;
            """
        )
        con.close()

    def _con(self) -> sqlite3.Connection:
        con = sqlite3.connect(self.file, isolation_level=None)
        con.execute("PRAGMA synchronous=FULL")
        return con

    def load_network(self, name: str, edges: pd.DataFrame, genes: pd.DataFrame) -> None:
        con = self._con()
        con.execute("BEGIN IMMEDIATE")
        con.executemany(
            "INSERT INTO edges VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET "
            "score = max(score, excluded.score)",
            ((name, a, b, s) for a, b, s in edges.itertuples(index=False)),
        )
        con.executemany("INSERT OR IGNORE INTO genes VALUES (?, ?)", genes.itertuples(index=False))
        con.execute("COMMIT")
        con.close()

    def edges(self, name: str) -> pd.DataFrame:
        con = self._con()
        rows = con.execute(
            "SELECT gene_a, gene_b, score FROM edges WHERE network = ? ORDER BY gene_a, gene_b",
            (name,),
        ).fetchall()
        con.close()
        return typed_frame(pd.DataFrame(rows, columns=EDGE_COLUMNS), EDGE_COLUMNS)

    def write_proximity(self, results: pd.DataFrame) -> None:
        con = self._con()
        con.execute("BEGIN IMMEDIATE")
        keys = results[["drug", "network"]].drop_duplicates().itertuples(index=False)
        con.executemany("DELETE FROM proximity WHERE drug = ? AND network = ?", keys)
        con.executemany(
            f"INSERT INTO proximity VALUES ({', '.join('?' * len(PROXIMITY_COLUMNS))})",
            results[PROXIMITY_COLUMNS].itertuples(index=False),
        )
        con.execute("COMMIT")
        con.close()

    def proximity(self, drug: str | None = None) -> pd.DataFrame:
        con = self._con()
        sql = f"SELECT {', '.join(PROXIMITY_COLUMNS)} FROM proximity"
        args: tuple = ()
        if drug is not None:
            sql, args = sql + " WHERE drug = ?", (drug,)
        rows = con.execute(sql + " ORDER BY drug, network, z, pathway", args).fetchall()
        con.close()
        return typed_frame(pd.DataFrame(rows, columns=PROXIMITY_COLUMNS), PROXIMITY_COLUMNS)


class DuckStore:
    """The same operations on DuckDB (columnar; tables filled from and read into pandas)."""

    def __init__(self, path: Path) -> None:
        import duckdb

        path.mkdir(parents=True, exist_ok=True)
        self.duckdb, self.file = duckdb, str(path / "store.duckdb")
        con = duckdb.connect(self.file)
        con.execute(
            "CREATE TABLE IF NOT EXISTS edges (network VARCHAR, gene_a VARCHAR, gene_b VARCHAR, "
            "score DOUBLE, PRIMARY KEY (network, gene_a, gene_b))"
        )
        con.execute("CREATE TABLE IF NOT EXISTS genes (symbol VARCHAR PRIMARY KEY, entrez VARCHAR)")
        con.execute(
            "CREATE TABLE IF NOT EXISTS proximity (drug VARCHAR, pathway VARCHAR, "
            "network VARCHAR, distance DOUBLE, z DOUBLE, p DOUBLE, n_random BIGINT, seed BIGINT, "
            "run VARCHAR)"
        )
        con.close()

    def load_network(self, name: str, edges: pd.DataFrame, genes: pd.DataFrame) -> None:
        con = self.duckdb.connect(self.file)
        con.register("frame", edges.assign(network=name)[["network", *EDGE_COLUMNS]])
        con.register("genes_df", genes[["symbol", "entrez"]])
        con.execute("BEGIN")
        con.execute(
            "INSERT INTO edges SELECT * FROM frame ON CONFLICT DO UPDATE SET "
            "score = greatest(score, excluded.score)"
        )
        con.execute("INSERT OR IGNORE INTO genes SELECT symbol, entrez FROM genes_df")
        con.execute("COMMIT")
        con.close()

    def edges(self, name: str) -> pd.DataFrame:
        con = self.duckdb.connect(self.file, read_only=True)
        df = con.execute(
            "SELECT gene_a, gene_b, score FROM edges WHERE network = ? ORDER BY gene_a, gene_b",
            [name],
        ).df()
        con.close()
        return typed_frame(df, EDGE_COLUMNS)

    def write_proximity(self, results: pd.DataFrame) -> None:
        con = self.duckdb.connect(self.file)
        con.register("results", results[PROXIMITY_COLUMNS])
        con.execute("BEGIN")
        con.execute(
            "DELETE FROM proximity WHERE (drug, network) IN "
            "(SELECT DISTINCT drug, network FROM results)"
        )
        con.execute("INSERT INTO proximity SELECT * FROM results")
        con.execute("COMMIT")
        con.close()

    def proximity(self, drug: str | None = None) -> pd.DataFrame:
        con = self.duckdb.connect(self.file, read_only=True)
        sql = f"SELECT {', '.join(PROXIMITY_COLUMNS)} FROM proximity"
        args: list = []
        if drug is not None:
            sql, args = sql + " WHERE drug = ?", [drug]
        df = con.execute(sql + " ORDER BY drug, network, z, pathway", args).df()
        con.close()
        return typed_frame(df, PROXIMITY_COLUMNS)


def proximity_rows(n_drugs: int = 4112, n_pathways: int = 674) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    n = n_drugs * n_pathways
    return pd.DataFrame(
        {
            "drug": np.repeat([f"DRUG{i:05d}" for i in range(n_drugs)], n_pathways),
            "pathway": np.tile([f"REACTOME_PATHWAY_{j:04d}" for j in range(n_pathways)], n_drugs),
            "network": "string_v12_700",
            "distance": rng.random(n) * 3,
            "z": rng.normal(size=n),
            "p": rng.random(n),
            "n_random": 1000,
            "seed": 452456,
            "run": "2026-11-30T10:00:00",
        }
    )


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def one_run(
    kind: str,
    make: Callable[[Path], Any],
    parsed: Any,
    prox: pd.DataFrame | None,
    root: Path,
    i: int,
) -> dict[str, float]:
    """One timing of each operation on a fresh store in ``root`` (proximity: if given)."""
    out = {}
    store = make(root / "s")
    extra = [Dataset("network", "ppi", str(NETWORK), f"c{i}")] if kind.startswith("parquet") else []
    out["load"], _ = timed(lambda: store.load_network("ppi", parsed.edges, parsed.genes, *extra))
    out["read"], e = timed(lambda: make(root / "s").edges("ppi"))
    assert len(e) == len(parsed.edges), (kind, len(e))
    if prox is None:
        return out
    out["write"], _ = timed(lambda: store.write_proximity(prox))
    out["read all"], p = timed(lambda: make(root / "s").proximity())
    assert len(p) == len(prox)
    out["one"], p = timed(lambda: make(root / "s").proximity(drug="DRUG02000"))
    assert len(p) == 674
    return out


def run_engines(
    engines: dict[str, Callable[[Path], Any]],
    parsed: Any,
    prox: pd.DataFrame,
    runs: int,
    prox_runs: int,
) -> dict[str, dict[str, float]]:
    """Median seconds per engine and operation; the engines take turns within each run, so
    the load of a shared machine falls on all of them alike. The first ``prox_runs`` runs
    also time the proximity rows."""
    times: dict[str, list[dict[str, float]]] = {k: [] for k in engines}
    for i in range(runs):
        for kind, make in engines.items():
            root = Path(tempfile.mkdtemp(prefix=f"bench-{kind}-"))
            try:
                rows = prox if i < prox_runs else None
                times[kind].append(one_run(kind, make, parsed, rows, root, i))
            finally:
                shutil.rmtree(root, ignore_errors=True)
            print(f"run {i + 1} {kind}: {times[kind][-1]}", file=sys.stderr, flush=True)
    return {
        kind: {
            k: statistics.median(t[k] for t in ts if k in t)
            for k in ("load", "read", "write", "read all", "one")
        }
        for kind, ts in times.items()
    }


def bit_flips(kind: str, n: int = 100) -> dict[str, int]:
    """Flip ``n`` random single bits (one per copy) in the engine's proximity data file."""
    rng = np.random.default_rng(1)
    prox = proximity_rows(200, 50)
    root = Path(tempfile.mkdtemp(prefix=f"flip-{kind}-"))
    out = {"detected": 0, "silently different": 0, "no effect": 0}
    try:
        if kind == "parquet-now":
            store = EmbeddedStore(root / "s")
            store.write_proximity(prox)
            snap = root / "s" / (root / "s" / "CURRENT").read_text().split()[0]
            target = snap / "proximity.parquet"

            def read() -> pd.DataFrame:
                return EmbeddedStore(root / "s").proximity()
        else:
            store = SqliteStore(root / "s")
            store.write_proximity(prox)
            con = sqlite3.connect(store.file)
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            con.close()
            target = store.file

            def read() -> pd.DataFrame:
                con = sqlite3.connect(target)
                ok = con.execute("PRAGMA integrity_check").fetchone()[0]
                con.close()
                if ok != "ok":
                    raise RuntimeError(ok)
                return SqliteStore(root / "s").proximity()

        good_bytes = target.read_bytes()
        truth = read()
        for _ in range(n):
            data = bytearray(good_bytes)
            i = int(rng.integers(len(data)))
            data[i] ^= 1 << int(rng.integers(8))
            target.write_bytes(bytes(data))
            try:
                got = read()
            except Exception:  # any error counts as "detected"
                out["detected"] += 1
                continue
            same = got.equals(truth)
            out["no effect" if same else "silently different"] += 1
        target.write_bytes(good_bytes)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return out


def duckdb_reader_beside_writer() -> str:
    """Can a second process read a DuckDB file while a writer process has it open?"""
    root = Path(tempfile.mkdtemp(prefix="duck-lock-"))
    try:
        db = root / "x.duckdb"
        writer = subprocess.Popen(
            [
                sys.executable,
                "-c",
                f"import duckdb, time; c = duckdb.connect({str(db)!r}); "
                "c.execute('CREATE TABLE t(x INT)'); print('open', flush=True); time.sleep(5)",
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        writer.stdout.readline()
        reader = subprocess.run(
            [
                sys.executable,
                "-c",
                f"import duckdb; duckdb.connect({str(db)!r}, read_only=True).execute('SELECT 1')",
            ],
            capture_output=True,
            text=True,
        )
        writer.kill()
        if reader.returncode == 0:
            return "reader opened the file beside the writer"
        return "reader failed: " + reader.stderr.strip().splitlines()[-1][:160]
    finally:
        shutil.rmtree(root, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5, help="runs of the network load and read")
    ap.add_argument("--prox-runs", type=int, default=3, help="runs with the proximity rows")
    ap.add_argument("--faults", action="store_true")
    ap.add_argument("--engines", default="parquet-before,parquet-now,sqlite-wal,duckdb")
    args = ap.parse_args()
    print(
        f"# {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, median of {args.runs} runs "
        f"({args.prox_runs} with the proximity rows)"
    )
    parsed = read_network(NETWORK)
    prox = proximity_rows()
    print(f"network {len(parsed.edges):,} edges; proximity {len(prox):,} rows")
    engines: dict[str, Callable[[Path], Any]] = {
        "parquet-before": old_store_class(),
        "parquet-now": EmbeddedStore,
        "sqlite-wal": SqliteStore,
    }
    if importlib.util.find_spec("duckdb") is not None:
        engines["duckdb"] = DuckStore
    chosen = {k: v for k, v in engines.items() if k in args.engines.split(",")}
    results = run_engines(chosen, parsed, prox, args.runs, args.prox_runs)
    print("| engine | load 335k edges | read network | write 2.77M rows | read all | one drug |")
    print("| --- | --- | --- | --- | --- | --- |")
    for kind, t in results.items():
        print(
            f"| {kind} | {t['load']:.2f} s | {t['read']:.3f} s | {t['write']:.2f} s | "
            f"{t['read all']:.2f} s | {t['one']:.3f} s |",
            flush=True,
        )
    for kind in args.engines.split(","):
        if kind not in engines:
            print(f"{kind}: not installed")
    if args.faults:
        for kind in ("parquet-now", "sqlite-wal"):
            print(f"bit flips, {kind}: {bit_flips(kind)}", flush=True)
        if "duckdb" in engines:
            print(f"duckdb, reader beside a writer process: {duckdb_reader_beside_writer()}")


if __name__ == "__main__":
    main()
