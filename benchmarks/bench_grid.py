"""Benchmark: the issue-11 grid (every drug x 674 Reactome pathways), and the proximity null
before / after the per-pathway rewrite, side by side.

Inputs (``grid_inputs.py``): STRING v12 (dmfind) >= 700, largest component; DrugBank targets
of Guney et al. 2016 plus the Kong et al. 2020 targets; MSigDB v6.1 Reactome. 1,000 draws,
bins >= 100 nodes, seed 452456. Each run is a fresh process; distances come memory-mapped
from a cache filled once. CPU time is reported next to wall time because the machine is
shared (wall time then mostly measures the other jobs).

    python benchmarks/bench_grid.py --runs 3                  # markdown on stdout
    python benchmarks/bench_grid.py --runs 3 --old-full-grid  # + the old code on the full grid
    python benchmarks/bench_grid.py --one new --drugs 0       # one run (0 = all drugs), JSON
    python benchmarks/bench_grid.py --one old --drugs 400 --src DIR   # the old code in DIR

"old" is netmarker as of commit 9ff45cf (the per-chunk null), extracted with ``git archive``.
Phases (wall s, summed over blocks): target draws, observed sums, the rows kernel
(``_null_moments``: each drawn set's nearest-gene row over all nodes) and the columns kernel
(``_null_moments_columns``: over the drawn targets' columns only; picked per block by
``_columns_pay_off``), result assembly (``_frame``).

How long (2 free cores): per run ~31 s old sub-grid + ~12-15 s new sub-grid (estimated from
its ~25 CPU s, measured under load) + ~45 s new full grid, plus ~10 s of start-up each, so
``--runs 3`` takes ~5 minutes (the first run also fills the distance cache, ~1 minute).
``--old-full-grid`` adds one run of the old code on the full grid: ~7 minutes more (~770 CPU
s). On a loaded machine multiply by the load / 2. Prints what RESULTS.md 7.1 needs: the
markdown table (medians; wall, CPU, peak RSS, load, phases) and each run's wall and CPU seconds.
"""

from __future__ import annotations

import argparse
import functools
import importlib
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OLD_COMMIT = "9ff45cf"


def one_run(impl: str, n_drugs: int, n_random: int, cache: Path) -> dict:
    """One timed computation in this process: phases (wall and CPU seconds), counts, peak RSS."""
    sys.path.insert(0, str(HERE))
    from grid_inputs import grid_inputs, in_network, subsample

    net, dist, targets, gene_sets = grid_inputs(cache)
    targets = in_network(net, targets)
    if n_drugs:
        targets = subsample(targets, n_drugs)
    import netmarker
    from netmarker.network import proximity

    phases: dict[str, float] = {}
    if impl == "new":
        module = importlib.import_module("netmarker.network.proximity")
        for name in ["_observed_sums", "_null_moments", "_null_moments_columns", "_frame"]:
            setattr(module, name, _timed(getattr(module, name), name, phases))
        sampling = importlib.import_module("netmarker.network.sampling")
        sampling.SetDraws.draws = _timed(sampling.SetDraws.draws, "target_draws", phases)
    # compile (or load numba's cache) outside the timing
    proximity(net, dist, dict(list(targets.items())[:1]), dict(list(gene_sets.items())[:1]))
    phases.clear()
    w0, c0 = time.perf_counter(), time.process_time()
    res = proximity(net, dist, targets, gene_sets, n_random=n_random)
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    return {
        "impl": impl,
        "code": str(Path(netmarker.__file__).parent),
        "n_drugs": len(targets),
        "n_pathways": len(gene_sets),
        "n_rows": len(res.table),
        "n_targets": int(res.table.drop_duplicates("drug")["n_targets"].sum()),
        "n_random": n_random,
        "wall_s": wall,
        "cpu_s": cpu,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "load_1min": os.getloadavg()[0],
        **{f"{k}_s": v for k, v in phases.items()},
    }


def _timed(func, name: str, phases: dict[str, float]):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        t0 = time.perf_counter()
        try:
            return func(*args, **kwargs)
        finally:
            phases[name] = phases.get(name, 0.0) + time.perf_counter() - t0

    return wrapper


def spawn(impl: str, n_drugs: int, n_random: int, cache: Path, src: Path | None = None) -> dict:
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = str(src)
    cmd = [sys.executable, __file__, "--one", impl, "--drugs", str(n_drugs)]
    cmd += ["--n-random", str(n_random), "--cache", str(cache)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env)
    return json.loads(out.stdout.strip().splitlines()[-1])


def old_source(tmp: Path) -> Path:
    """netmarker's ``src`` as of OLD_COMMIT, unpacked into ``tmp``."""
    archive = subprocess.run(
        ["git", "-C", str(HERE.parent), "archive", OLD_COMMIT, "src"],
        check=True,
        capture_output=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(tmp)], input=archive, check=True)
    return tmp / "src"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--one", choices=["new", "old"])
    ap.add_argument("--drugs", type=int, default=0, help="0 = every drug of the grid")
    ap.add_argument("--n-random", type=int, default=1000)
    ap.add_argument("--sub-grid", type=int, default=400, help="drugs of the old-vs-new sub-grid")
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "netmarker-grid")
    ap.add_argument("--src", type=Path, help="PYTHONPATH for --one (the old code)")
    ap.add_argument(
        "--old-full-grid", action="store_true", help="also one run of the old code, full grid"
    )
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one_run(args.one, args.drugs, args.n_random, args.cache)))
        return
    rows: dict[str, list[dict]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        src = old_source(Path(tmp))
        for _ in range(args.runs):
            for key, impl, n, where in [
                ("old sub-grid", "old", args.sub_grid, src),
                ("new sub-grid", "new", args.sub_grid, None),
                ("new full grid", "new", 0, None),
            ]:
                rows.setdefault(key, []).append(spawn(impl, n, args.n_random, args.cache, where))
                print(key, json.dumps(rows[key][-1]), file=sys.stderr, flush=True)
        if args.old_full_grid:
            rows["old full grid"] = [spawn("old", 0, args.n_random, args.cache, src)]
            print("old full grid", json.dumps(rows["old full grid"][-1]), file=sys.stderr)
    report(rows)


def report(rows: dict[str, list[dict]]) -> None:
    print(f"medians of {len(next(iter(rows.values())))} runs; machine shared (see wall vs CPU)")
    print()
    keys = ["wall_s", "cpu_s", "peak_rss_mib", "load_1min"]
    phase_keys = [
        "target_draws_s",
        "_observed_sums_s",
        "_null_moments_s",
        "_null_moments_columns_s",
        "_frame_s",
    ]
    print("| run | drugs | targets | rows | " + " | ".join(keys + phase_keys) + " |")
    print("| --- " * (4 + len(keys) + len(phase_keys)) + "|")
    for name, runs in rows.items():
        first = runs[0]
        cells = [name, first["n_drugs"], first["n_targets"], f"{first['n_rows']:,}"]
        for k in keys + phase_keys:
            vals = [r[k] for r in runs if k in r]
            cells.append(f"{statistics.median(vals):.1f}" if vals else "")
        cells[0] = f"{name} (x{len(runs)})"
        print("| " + " | ".join(str(c) for c in cells) + " |")
    print()
    for name, runs in rows.items():
        print(
            f"- {name}: wall {[round(r['wall_s'], 1) for r in runs]}, "
            f"cpu {[round(r['cpu_s'], 1) for r in runs]}"
        )


if __name__ == "__main__":
    main()
