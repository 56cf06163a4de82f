"""Benchmark: load a STRING-sized network into the embedded store (read + validate + write).

Side by side on the same file:

    netmarker   ``netmarker.graph.loading.load_network_file`` (read_network + EmbeddedStore)
                (vectorised pandas parsing, one Parquet snapshot published atomically)
    naive       a line-by-line Python reader building the same canonical edge table, written
                with ``DataFrame.to_csv`` — what a quick script would do

Also times a reload of the same file (recognised by its checksum before parsing) and checks
that it changes no count. Each run uses a fresh store directory; the median of ``--runs``
is reported.

    python benchmarks/bench_embedded_load.py --runs 3
"""

from __future__ import annotations

import argparse
import gzip
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

import pandas as pd

from netmarker.graph import EmbeddedStore
from netmarker.graph.loading import load_network_file

DATA = Path(
    os.environ.get("NETMARKER_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data")
)
FILES = {
    "emogi_string_v10 (336k symbol pairs)": DATA
    / "string_derived"
    / "emogi_string_v10_score085_symbols.tsv.gz",
    "dmfind_string_v12 (175k rows, Entrez, >= 700)": DATA
    / "string_derived"
    / "dmfind_string_v12.0_ntm_700_top3_entrez.tsv.gz",
}


def netmarker_load(
    path: Path, store_dir: Path, min_score: float | None
) -> tuple[float, float, int]:
    """(load seconds, reload seconds, edges) through ``netmarker.graph.loading`` (as the CLI)."""
    t0 = time.perf_counter()
    load_network_file(EmbeddedStore(store_dir), path, "bench", min_score=min_score)
    load_s = time.perf_counter() - t0
    n = len(EmbeddedStore(store_dir).edges("bench"))
    t1 = time.perf_counter()
    again = load_network_file(EmbeddedStore(store_dir), path, "bench", min_score=min_score)
    reload_s = time.perf_counter() - t1
    assert again.load.already_loaded and len(EmbeddedStore(store_dir).edges("bench")) == n
    return load_s, reload_s, n


def naive_load(path: Path, out: Path) -> tuple[float, int]:
    """Line-by-line reader (symbols only, no id mapping) -> canonical pairs -> TSV."""
    t0 = time.perf_counter()
    best: dict[tuple[str, str], float] = {}
    with gzip.open(path, "rt") as fh:
        header = fh.readline().rstrip("\n").split("\t")
        cols = (
            [header.index("symbol_1"), header.index("symbol_2")] if "symbol_1" in header else [0, 1]
        )
        score_col = header.index("combined_score") if "combined_score" in header else None
        for line in fh:
            fields = line.rstrip("\n").split("\t")
            a, b = fields[cols[0]], fields[cols[1]]
            if not a or not b or a == b:
                continue
            score = float(fields[score_col]) if score_col is not None else float("nan")
            if score_col is not None and score < 700:
                continue
            key = (a, b) if a < b else (b, a)
            if key not in best or score > best[key]:
                best[key] = score
    df = pd.DataFrame(
        [(a, b, s) for (a, b), s in best.items()], columns=["gene_a", "gene_b", "score"]
    )
    df.to_csv(out, sep="\t", index=False)
    return time.perf_counter() - t0, len(df)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}\n"
    )
    print("| file | netmarker load (s) | reload (s) | edges | naive script (s) | naive edges |")
    print("| --- | --- | --- | --- | --- | --- |")
    for label, path in FILES.items():
        min_score = 700 if "dmfind" in path.name else None
        loads, reloads, naive = [], [], []
        for _ in range(args.runs):
            with tempfile.TemporaryDirectory() as tmp:
                load_s, reload_s, n = netmarker_load(path, Path(tmp) / "store", min_score)
                naive_s, n_naive = naive_load(path, Path(tmp) / "naive.tsv")
            loads.append(load_s)
            reloads.append(reload_s)
            naive.append(naive_s)
        print(
            f"| {label} | {statistics.median(loads):.2f} | {statistics.median(reloads):.2f} "
            f"| {n:,} | {statistics.median(naive):.2f} | {n_naive:,} |"
        )


if __name__ == "__main__":
    main()
