"""Benchmark: proximity of the Kong et al. 2020 drugs to all MSigDB v6.1 Reactome pathways.

Network: STRING v12 (dmfind, no text mining), combined_score >= 700, largest component.
Each run is a fresh process (so peak RSS and numba's cached-kernel load are per run):

    cold   distances computed (empty distance cache), then written to the cache
    warm   distances memory-mapped from the cache

    python benchmarks/bench_proximity.py --runs 5          # markdown summary on stdout
    python benchmarks/bench_proximity.py --one cold --cache DIR   # one run, JSON on stdout
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

DATA = Path(
    os.environ.get("NETMARKER_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data")
)
NETWORK = DATA / "string_derived" / "dmfind_string_v12.0_ntm_700_top3_entrez.tsv.gz"
TARGETS = DATA / "kong2020" / "drug_drugTarget.txt"
GMT = DATA / "msigdb_reactome" / "msigdb_v6.1_c2.cp.reactome.symbols.gmt"


def read_targets(path: Path = TARGETS) -> dict[str, list[str]]:
    """Drug -> targets; a row naming several drugs ("CETUXIMAB,GEFITINIB") gives each of them."""
    out: dict[str, list[str]] = {}
    with open(path) as fh:
        next(fh)
        for line in fh:
            if not line.strip():
                continue
            drugs, targets = line.rstrip("\n").split("\t")
            genes = [t.strip() for t in targets.split(",") if t.strip()]
            for drug in drugs.split(","):
                out.setdefault(drug.strip(), [])
                out[drug.strip()] += [g for g in genes if g not in out[drug.strip()]]
    return out


def read_gmt(path: Path = GMT) -> dict[str, list[str]]:
    """Gene set name -> member symbols."""
    out = {}
    with open(path) as fh:
        for line in fh:
            fields = line.rstrip("\n").split("\t")
            if len(fields) > 2:
                out[fields[0]] = [g for g in fields[2:] if g]
    return out


def one_run(mode: str, cache: Path) -> dict[str, float | int]:
    """One timed run in this process; returns phase times (s), counts and peak RSS (MiB)."""
    t0 = time.perf_counter()
    from netmarker.io.network import read_network
    from netmarker.network import Network, cached_shortest_path_lengths, proximity

    t_import = time.perf_counter()
    parsed = read_network(NETWORK, min_score=700, id_type="symbol")
    targets, gene_sets = read_targets(), read_gmt()
    t_read = time.perf_counter()
    net = Network.from_edges(parsed.edges)
    t_net = time.perf_counter()
    spl = cache / f"spl-{net.checksum}.npy"
    if mode == "cold":
        spl.unlink(missing_ok=True)
    elif not spl.exists():
        raise SystemExit("warm run needs a filled cache: run a cold one first")
    dist = cached_shortest_path_lengths(net, cache)
    t_dist = time.perf_counter()
    res = proximity(net, dist, targets, gene_sets, n_random=1000, min_bin_size=100, seed=452456)
    t_prox = time.perf_counter()
    dropped = res.dropped
    tg = dropped[dropped["kind"] == "target"]
    gn = dropped[dropped["kind"] == "gene"]
    return {
        "import_s": t_import - t0,
        "read_s": t_read - t_import,
        "network_s": t_net - t_read,
        "distances_s": t_dist - t_net,
        "proximity_s": t_prox - t_dist,
        "total_s": t_prox - t0,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "n_nodes": net.n_nodes,
        "n_edges": net.n_edges,
        "n_outside_lcc": net.n_dropped_nodes,
        "n_drugs": len(targets),
        "n_drugs_run": res.table["drug"].nunique(),
        "n_pathways": len(gene_sets),
        "n_pathways_run": res.table["pathway"].nunique(),
        "n_pairs": len(res.table),
        "targets_outside_lcc": int((tg["reason"] == "outside_lcc").sum()),
        "targets_not_in_network": int((tg["reason"] == "not_in_network").sum()),
        "drugs_with_dropped_targets": int(tg["name"].nunique()),
        "genes_outside_lcc": int((gn["reason"] == "outside_lcc").sum()),
        "genes_not_in_network": int((gn["reason"] == "not_in_network").sum()),
        "skipped_drugs": len(res.skipped_drugs),
        "skipped_pathways": len(res.skipped_pathways),
        "n_significant_z_lt_-1.2816": int((res.table["z"] < -1.2816).sum()),
    }


def _spawn(mode: str, cache: Path, env: dict[str, str] | None = None) -> dict[str, float]:
    start = time.perf_counter()
    out = subprocess.run(
        [sys.executable, __file__, "--one", mode, "--cache", str(cache)],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    row = json.loads(out.stdout.strip().splitlines()[-1])
    row["wall_s"] = time.perf_counter() - start  # includes interpreter start-up
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--one", choices=["cold", "warm"])
    ap.add_argument("--cache", type=Path)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one_run(args.one, args.cache)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp) / "spl"
        # first ever use: numba compiles every kernel (as in a fresh clone / CI)
        env = dict(os.environ, NUMBA_CACHE_DIR=str(Path(tmp) / "numba"))
        first = _spawn("cold", cache, env)
        cold = [_spawn("cold", cache, env) for _ in range(args.runs)]
        warm = [_spawn("warm", cache, env) for _ in range(args.runs)]
    report(first, cold, warm)


def report(first: dict, cold: list[dict], warm: list[dict]) -> None:
    keys = [
        "wall_s",
        "total_s",
        "import_s",
        "read_s",
        "network_s",
        "distances_s",
        "proximity_s",
        "peak_rss_mib",
    ]
    mem = psutil.virtual_memory().total / 2**30
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"{mem:.0f} GiB; python {platform.python_version()}; "
        f"runs: {len(cold)} cold, {len(warm)} warm"
    )
    print()
    print("| step | first use (numba compiles) | cold (median) | warm (median) |")
    print("| --- | --- | --- | --- |")
    for k in keys:
        med_c = statistics.median(r[k] for r in cold)
        med_w = statistics.median(r[k] for r in warm)
        print(f"| {k} | {first[k]:.2f} | {med_c:.2f} | {med_w:.2f} |")
    print()
    print("all cold wall_s:", [round(r["wall_s"], 2) for r in cold])
    print("all warm wall_s:", [round(r["wall_s"], 2) for r in warm])
    print()
    counts = {k: v for k, v in warm[0].items() if k not in keys}
    for k, v in counts.items():
        print(f"- {k}: {v}")


if __name__ == "__main__":
    main()
