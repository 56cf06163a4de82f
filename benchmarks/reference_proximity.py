"""Reference proximity, computed the way the published toolbox does, side by side with ours.

The reference follows emreg00/toolbox ``wrappers.calculate_proximity`` with ``lengths=None``:
every closest distance, observed and per random draw, asks networkx for the shortest-path
length of each (target, gene) pair. It gets exactly the same random draws as netmarker
(``draw_degree_matched`` with the same seed / side / name), so d, z and p must agree.

    python benchmarks/reference_proximity.py --drugs 3 --pathways 5 --n-random 100

The subset: the first drugs (sorted) of Kong et al.'s table, and the first pathways (sorted)
with 10-40 genes in the network's largest component.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_proximity import NETWORK, read_gmt, read_targets

from netmarker.io.network import read_network
from netmarker.network import (
    Network,
    degree_bins,
    draw_degree_matched,
    proximity,
    shortest_path_lengths,
)


def closest_distance_nx(g: nx.Graph, targets: list[str], genes: list[str]) -> float:
    """d_c with one networkx shortest-path query per (target, gene) pair, as the toolbox."""
    return float(np.mean([min(nx.shortest_path_length(g, t, s) for s in genes) for t in targets]))


def reference_proximity(
    g: nx.Graph,
    targets: list[str],
    genes: list[str],
    targets_random: list[list[str]],
    genes_random: list[list[str]],
) -> tuple[float, float, float]:
    """(d, z, p) for one drug-pathway pair from given random draws."""
    d = closest_distance_nx(g, targets, genes)
    null = np.array(
        [closest_distance_nx(g, t, s) for t, s in zip(targets_random, genes_random, strict=True)]
    )
    sd = null.std()
    z = 0.0 if sd == 0 else (d - null.mean()) / sd
    p = (1 + int((null <= d + 1e-12).sum())) / (1 + null.size)
    return d, z, p


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--drugs", type=int, default=3)
    ap.add_argument("--pathways", type=int, default=5)
    ap.add_argument("--n-random", type=int, default=100)
    ap.add_argument("--seed", type=int, default=452456)
    args = ap.parse_args()

    net = Network.from_edges(read_network(NETWORK, min_score=700, id_type="symbol").edges)
    g = nx.Graph()
    rows, cols = net.adjacency.nonzero()
    g.add_edges_from((net.genes[i], net.genes[j]) for i, j in zip(rows, cols, strict=True) if i < j)
    all_targets, all_sets = read_targets(), read_gmt()
    drugs = {d: all_targets[d] for d in sorted(all_targets)[: args.drugs]}
    sets = {}
    for name in sorted(all_sets):
        if 10 <= net.locate(all_sets[name])[0].size <= 40:
            sets[name] = all_sets[name]
        if len(sets) == args.pathways:
            break

    # ours, on the same inputs (distances included, then the proximity step alone)
    t0 = time.perf_counter()
    dist = shortest_path_lengths(net)
    t1 = time.perf_counter()
    ours = proximity(net, dist, drugs, sets, n_random=args.n_random, seed=args.seed).table
    t2 = time.perf_counter()

    bins = degree_bins(net.degree, 100)
    names = net.genes
    ref_rows = []
    t3 = time.perf_counter()
    for drug, tg in drugs.items():
        t_ids = net.locate(tg)[0]
        t_rand = draw_degree_matched(
            bins, t_ids, args.n_random, seed=args.seed, side="targets", name=drug
        )
        for pathway, genes in sets.items():
            s_ids = net.locate(genes)[0]
            s_rand = draw_degree_matched(
                bins, s_ids, args.n_random, seed=args.seed, side="genes", name=pathway
            )
            d, z, p = reference_proximity(
                g,
                list(names[t_ids]),
                list(names[s_ids]),
                [list(names[r]) for r in t_rand],
                [list(names[r]) for r in s_rand],
            )
            ref_rows.append((drug, pathway, d, z, p))
    t4 = time.perf_counter()
    ref = pd.DataFrame(ref_rows, columns=["drug", "pathway", "distance", "z", "p"])
    both = ours.merge(ref, on=["drug", "pathway"], suffixes=("", "_ref"))
    n = len(both)
    assert n == len(ref) == len(ours), "the two implementations ran different pairs"
    dd = (both["distance"] - both["distance_ref"]).abs().max()
    dz = (both["z"] - both["z_ref"]).abs().max()
    dp = (both["p"] - both["p_ref"]).abs().max()

    print(f"subset: {len(drugs)} drugs x {len(sets)} pathways = {n} pairs, {args.n_random} draws")
    print(f"network: {net.n_nodes} nodes, {net.n_edges} edges (LCC)")
    print(f"agreement: max |d diff| {dd:.2e}, max |z diff| {dz:.2e}, max |p diff| {dp:.2e}")
    print()
    print("| implementation | total s | per pair s |")
    print("| --- | --- | --- |")
    print(f"| reference (networkx per pair) | {t4 - t3:.2f} | {(t4 - t3) / n:.4f} |")
    print(f"| netmarker, distances + proximity | {t2 - t0:.2f} | {(t2 - t0) / n:.4f} |")
    print(f"| netmarker, proximity step only | {t2 - t1:.3f} | {(t2 - t1) / n:.5f} |")
    print()
    print(
        f"speed-up per pair, proximity step: {(t4 - t3) / (t2 - t1):.0f}x; "
        f"including all-pairs distances: {(t4 - t3) / (t2 - t0):.0f}x"
    )
    print()
    cols = ["drug", "pathway", "n_targets", "n_genes", "distance", "z", "z_ref", "p"]
    print("| " + " | ".join(cols) + " |")
    print("|" + " --- |" * len(cols))
    for row in both[cols].itertuples(index=False):
        cells = [f"{v:.4f}" if isinstance(v, float) else str(v) for v in row]
        print("| " + " | ".join(cells) + " |")
    if max(dd, dz, dp) > 1e-9:
        raise SystemExit("MISMATCH between reference and netmarker")


if __name__ == "__main__":
    main()
