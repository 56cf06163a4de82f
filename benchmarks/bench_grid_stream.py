"""Benchmark: `modules compute --all` end to end (grid + q + write-back to the embedded store)
at 1x, 2x and 4x the drugs of the issue-11 grid: time, CPU and peak memory.

Inputs as ``bench_grid.py`` (``grid_inputs.py``): STRING v12 >= 700, the 4,137 drugs with a
target in its largest component, 674 Reactome pathways. For 2x / 4x every drug is repeated
under new names (``NAME~2`` ...), same targets: synthetic drugs with the real target-set
sizes. Each measurement is a fresh process computing into a fresh copy of a store loaded
once per scale, so peak RSS (``ru_maxrss``) is that of one whole run, write-back included.

    python benchmarks/bench_grid_stream.py                       # 1x 2x 4x, 1 run, 200 draws
    python benchmarks/bench_grid_stream.py --scales 1 --n-random 1000 --runs 3 --dask
                                  # + the same on a 2-worker-process dask LocalCluster

How long: on 2 free cores about 30 s + 25 s per 1x of drugs per run at 200 draws (loading the
stores once: ~1 min per scale); 1x at 1,000 draws ~60-90 s per run locally and, estimated,
~90-120 s on the LocalCluster (not yet run at 1,000 draws), so the lead's ``--scales 1
--n-random 1000 --runs 3 --dask`` takes ~10-12 minutes. Memory does not depend on the
number of draws, time does (linearly). Prints the markdown table of RESULTS.md 7.2 / 7.4
(medians: wall, CPU, peak RSS, load) after one JSON line per run on stderr.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def build_store(path: Path, scale: int, cache: Path) -> None:
    """An embedded store with the grid's network, pathways and ``scale`` x its drugs."""
    import pandas as pd

    sys.path.insert(0, str(HERE))
    from bench_proximity import NETWORK
    from grid_inputs import grid_inputs, in_network

    from netmarker.graph import EmbeddedStore
    from netmarker.graph.store import Dataset
    from netmarker.io.network import read_network

    net, _, targets, gene_sets = grid_inputs(cache)
    targets = in_network(net, targets)
    store = EmbeddedStore(path)
    edges = read_network(NETWORK, min_score=700, id_type="symbol").edges
    symbols = sorted(set(edges["gene_a"]) | set(edges["gene_b"]))
    genes = pd.DataFrame({"symbol": symbols, "entrez": ""})
    store.load_network("string700", edges, genes, Dataset("network", "string700", "bench", "n"))
    links = [
        (f"{d}~{k}" if k > 1 else d, g)
        for k in range(1, scale + 1)
        for d, ts in targets.items()
        for g in ts
    ]
    t = pd.DataFrame(links, columns=["drug", "gene"]).assign(source="bench").drop_duplicates()
    drugs = pd.DataFrame({"drug": t["drug"].unique(), "synonyms": ""})
    store.load_targets(t, drugs, Dataset("targets", "bench", "bench", f"t{scale}"))
    pairs = [(p, g) for p, gs in gene_sets.items() for g in gs]
    m = pd.DataFrame(pairs, columns=["pathway", "gene"])
    p = pd.DataFrame({"pathway": sorted(gene_sets), "source": "reactome", "url": ""})
    store.load_pathways(p, m, Dataset("pathways", "reactome", "bench", "p"))


def one_run(store: Path, n_random: int, cache: Path, dask: bool) -> dict:
    """One `compute --all` in this process: wall / CPU seconds, peak RSS, rows. With ``dask``
    on a 2-worker-process LocalCluster on 127.0.0.1 (started before the clock; one numba
    thread per worker: 2 cores in all, as the local run), CPU and RSS of this process only."""
    from netmarker.graph import EmbeddedStore
    from netmarker.modules import compute_proximity

    s = EmbeddedStore(store)
    with contextlib.ExitStack() as stack:
        address = None
        if dask:
            from distributed import LocalCluster

            cluster = LocalCluster(
                n_workers=2,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
                env={"NUMBA_NUM_THREADS": "1"},
            )
            stack.enter_context(cluster)
            address = cluster.scheduler_address
        w0, c0 = time.perf_counter(), time.process_time()
        run = compute_proximity(s, n_random=n_random, cache_dir=cache, dask=address)
        wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    return {
        "mode": "dask-2" if dask else "local",
        "drugs": len(run.drugs),
        "rows": run.n_rows,
        "n_random": n_random,
        "wall_s": wall,
        "cpu_s": cpu,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "proximal_pairs": run.summary["proximal_pairs"],
        "load_1min": os.getloadavg()[0],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--scales", type=int, nargs="+", default=[1, 2, 4])
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--n-random", type=int, default=200)
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "netmarker-grid")
    ap.add_argument("--one", type=Path, help="(internal) one run on this store, JSON out")
    ap.add_argument("--build", type=Path, help="(internal) build a store here")
    ap.add_argument("--scale", type=int, default=1)
    ap.add_argument("--dask", action="store_true", help="each run also on a 2-worker LocalCluster")
    ap.add_argument("--on-dask", action="store_true", help="(internal) --one on a LocalCluster")
    args = ap.parse_args()
    if args.build:
        build_store(args.build, args.scale, args.cache)
        return
    if args.one:
        print(json.dumps(one_run(args.one, args.n_random, args.cache, args.on_dask)))
        return
    me = [sys.executable, __file__, "--cache", str(args.cache), "--n-random", str(args.n_random)]
    results: dict[tuple[int, str], list[dict]] = {}
    modes = ["local", "dask-2"] if args.dask else ["local"]
    with tempfile.TemporaryDirectory() as tmp:
        for scale in args.scales:
            base = Path(tmp) / f"base{scale}"
            subprocess.run([*me, "--build", str(base), "--scale", str(scale)], check=True)
            for _, mode in itertools.product(range(args.runs), modes):
                work = Path(tmp) / "work"
                shutil.rmtree(work, ignore_errors=True)
                shutil.copytree(base, work)
                cmd = [*me, "--one", str(work)] + (["--on-dask"] if mode != "local" else [])
                out = subprocess.run(cmd, check=True, capture_output=True, text=True)
                row = json.loads(out.stdout.strip().splitlines()[-1])
                print(scale, json.dumps(row), file=sys.stderr, flush=True)
                results.setdefault((scale, mode), []).append(row)
            shutil.rmtree(base)
    print(f"medians of {args.runs} run(s), {args.n_random} draws; machine shared (load given)")
    print()
    print("| drugs | where | pairs | wall s | CPU s | peak RSS MiB | load (1 min) |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for (scale, mode), rows in results.items():
        keys = ["wall_s", "cpu_s", "peak_rss_mib", "load_1min"]
        med = {k: statistics.median(r[k] for r in rows) for k in keys}
        print(
            f"| {scale}x = {rows[0]['drugs']:,} | {mode} | {rows[0]['rows']:,} | "
            f"{med['wall_s']:.1f} | {med['cpu_s']:.1f} | {med['peak_rss_mib']:.0f} | "
            f"{med['load_1min']:.1f} |"
        )


if __name__ == "__main__":
    main()
