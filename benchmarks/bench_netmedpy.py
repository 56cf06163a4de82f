"""Benchmark: netmarker's grid against NetMedPy (``netmedpy.proximity``, the network-medicine
package) on the same network, targets and pathways, for a sample of drug-pathway pairs;
NetMedPy's time extrapolated to the issue-11 grid, and the agreement of the z-scores.

NetMedPy is a benchmark-only dependency: ``pip install -e '.[bench]'`` (netmedpy 0.2.0.1).
Both get the same inputs (``grid_inputs.py``: STRING v12 >= 700, largest component; the
4,137 drugs with a target in it; 674 Reactome pathways), the same distance matrix (NetMedPy's
``DistanceMatrix`` over netmarker's uint8 shortest paths), 1,000 draws and the toolbox's
degree binning (NetMedPy ``null_model="log_binning", bin_size=100``; netmarker
``min_bin_size=100``). The two nulls differ in their random streams (NetMedPy: Python's
``random``, per member with rejection of repeats; netmarker: per-set counter-based streams),
so z agrees only up to the null's sampling noise.

NetMedPy scores one pair at a time (``n_random x |T| x |S|`` Python-level look-ups), so its
grid time is extrapolated from the sample: CPU seconds per look-up x the grid's look-ups
(sum of |T| over drugs x sum of |S| over pathways x draws). netmarker's grid time is
measured by ``bench_grid.py`` (the whole grid); here netmarker computes the sample's drugs x
every pathway (its unit of work).

    python benchmarks/bench_netmedpy.py                    # 12 drugs x 10 pathways, 1 run
    python benchmarks/bench_netmedpy.py --drugs 20 --pathways 20

How long: about 2-3 minutes on 2 free cores at the defaults (NetMedPy's sample dominates).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--drugs", type=int, default=12)
    ap.add_argument("--pathways", type=int, default=10)
    ap.add_argument("--n-random", type=int, default=1000)
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "netmarker-grid")
    args = ap.parse_args()
    import netmedpy
    import networkx as nx
    from grid_inputs import grid_inputs, in_network, subsample
    from scipy.stats import spearmanr

    from netmarker.network import proximity

    load0 = os.getloadavg()[0]
    net, dist, targets, gene_sets = grid_inputs(args.cache)
    targets = in_network(net, targets)
    sample = subsample(targets, args.drugs, seed=3)
    rng = np.random.default_rng(4)
    paths = sorted(rng.choice(sorted(gene_sets), args.pathways, replace=False).tolist())

    # the same graph (largest component) and distances for NetMedPy
    coo = net.adjacency.tocoo()
    graph = nx.Graph()
    graph.add_nodes_from(net.genes.tolist())
    graph.add_edges_from(zip(net.genes[coo.row].tolist(), net.genes[coo.col].tolist(), strict=True))
    nodes = net.genes.tolist()
    matrix = netmedpy.DistanceMatrix.from_components(nodes, dict(net.index), np.asarray(dist))

    in_lcc = {d: [g for g in ts if g in net.index] for d, ts in sample.items()}
    sets = {p: [g for g in gene_sets[p] if g in net.index] for p in paths}
    random.seed(452456)
    rows = []
    c0, w0 = time.process_time(), time.perf_counter()
    for drug, ts in in_lcc.items():
        for p in paths:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                r = netmedpy.proximity(
                    graph, ts, sets[p], matrix, null_model="log_binning", n_iter=args.n_random
                )
            rows.append((drug, p, float(r["raw_amspl"]), float(r["z_score"])))
    nmp_cpu, nmp_wall = time.process_time() - c0, time.perf_counter() - w0
    nmp = pd.DataFrame(rows, columns=["drug", "pathway", "distance", "z"])

    c0, w0 = time.process_time(), time.perf_counter()
    ours = proximity(net, dist, sample, gene_sets, n_random=args.n_random).table
    nm_cpu, nm_wall = time.process_time() - c0, time.perf_counter() - w0
    both = nmp.merge(ours, on=["drug", "pathway"], suffixes=("_nmp", "_nm"))
    assert len(both) == len(nmp)
    d_equal = np.allclose(both["distance_nmp"], both["distance_nm"])
    rho = spearmanr(both["z_nmp"], both["z_nm"]).statistic
    per_drug = [
        spearmanr(g["z_nmp"], g["z_nm"]).statistic
        for _, g in both.groupby("drug")
        if g["z_nmp"].nunique() > 2
    ] or [float("nan")]
    lookups_sample = sum(len(t) * len(sets[p]) for t in in_lcc.values() for p in paths)
    sum_t = sum(net.locate(t)[0].size for t in targets.values())
    sum_s = sum(net.locate(g)[0].size for g in gene_sets.values())
    grid_pairs = len(targets) * len(gene_sets)
    per_lookup = nmp_cpu / (lookups_sample * args.n_random)
    grid_cpu = per_lookup * sum_t * sum_s * args.n_random
    print(
        f"{len(both)} pairs ({len(in_lcc)} drugs x {len(paths)} pathways), {args.n_random} draws; "
        f"load {load0:.1f} -> {os.getloadavg()[0]:.1f} (machine shared)"
    )
    print()
    print("| tool | what | wall s | CPU s | CPU s per pair |")
    print("| --- | --- | --- | --- | --- |")
    print(
        f"| NetMedPy 0.2.0.1 | the sample's {len(both)} pairs | {nmp_wall:.1f} | {nmp_cpu:.1f} | "
        f"{nmp_cpu / len(both):.3f} |"
    )
    print(
        f"| NetMedPy 0.2.0.1 | the grid, {grid_pairs:,} pairs (extrapolated) | | "
        f"{grid_cpu:,.0f} ({grid_cpu / 86400:.1f} CPU days) | {grid_cpu / grid_pairs:.3f} |"
    )
    print(
        f"| netmarker | the sample's {len(sample)} drugs x {len(gene_sets)} pathways | "
        f"{nm_wall:.1f} | {nm_cpu:.1f} | {nm_cpu / len(ours):.5f} |"
    )
    print()
    print(
        f"d_c equal on every pair: {d_equal}; Spearman of z over the {len(both)} pairs "
        f"{rho:.3f}; per drug (drugs with > 2 distinct z): median {np.nanmedian(per_drug):.3f}, "
        f"min {np.nanmin(per_drug):.3f} ({len(per_drug)} drugs); "
        f"|z difference| median {(both['z_nmp'] - both['z_nm']).abs().median():.3f}"
    )


if __name__ == "__main__":
    main()
