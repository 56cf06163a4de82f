"""Evidence for the proximity null (issue 11, ``--null exact|shared``): is netmarker's shared
null calibrated, how much do z-scores move with the seed, and does it agree with a null that
draws independent random sets for every pair?

netmarker's null ("shared"): draw ``r`` of a pair (drug T, pathway S) pairs draw ``r`` of T's
own random stream with draw ``r`` of S's own stream, so a pathway's random sets are shared by
every drug and a drug's by every pathway (pairs are correlated through them). The
alternative ("per-pair"): independent degree-matched random sets for every pair (streams keyed
by the pair), computed here directly from the definition (``n_random x |T| x |S|``
look-ups per pair; too slow for a grid, fine for a sample).

Measured on STRING v12 >= 700 with the 674 Reactome pathways (``grid_inputs.py``):

1. false positives: ``--sets`` random degree-matched target sets (each a random version of a
   real drug's targets, so real set sizes and degrees) x every pathway, shared null: the
   fraction of pairs with p < 0.05 (nominal 0.05), z <= -1.2816 (0.10 if z ~ N(0, 1)) and
   q <= 0.05 (0 expected), and the spread of the per-set fraction;
2. the same fractions for the per-pair null on a sample of those pairs;
3. z over seeds: the Kong et al. 2020 drugs x every pathway at ``--seeds`` seeds (shared
   null): per-pair SD of z and the median per-drug Spearman between two seeds;
4. shared vs per-pair on a sample of Kong drugs x pathways: per-drug Spearman of z, next to
   the same statistic between two seeds of the shared null (the noise floor).

    python benchmarks/null_calibration.py                  # markdown on stdout
    python benchmarks/null_calibration.py --n-random 200   # quicker, coarser p

How long: on 2 free cores about 6 minutes at 1,000 draws (the per-pair null dominates).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

Z_CUT = -1.2816


def per_pair_null(dist, bins, t_nodes, g_nodes, n_random: int, seed: int, name: str):
    """d_c, z and p of one pair with its own independent random sets (the definition)."""
    from netmarker.network import closest_distance, draw_degree_matched

    td = draw_degree_matched(bins, t_nodes, n_random, seed=seed, side="pair-t", name=name)
    gd = draw_degree_matched(bins, g_nodes, n_random, seed=seed, side="pair-g", name=name)
    null = dist[td[:, :, None], gd[:, None, :]].min(axis=2).mean(axis=1)
    d = closest_distance(dist, t_nodes, g_nodes)
    sd = null.std()
    z = (d - null.mean()) / sd if sd > 0 else 0.0
    p = (1 + np.sum(null <= d + 1e-12)) / (1 + n_random)
    return d, z, p


def rates(table: pd.DataFrame) -> dict[str, float]:
    """False-positive fractions of a table of pairs under a true null."""
    per_set = table.groupby("drug")["p"].apply(lambda p: float((p < 0.05).mean()))
    return {
        "pairs": len(table),
        "p<0.05": float((table["p"] < 0.05).mean()),
        "z<=-1.2816": float((table["z"] <= Z_CUT).mean()),
        "q<=0.05": float((table["q"] <= 0.05).mean()) if "q" in table else float("nan"),
        "per-set p<0.05: median": float(per_set.median()),
        "per-set p<0.05: SD": float(per_set.std()),
        "per-set p<0.05: 95th pct": float(per_set.quantile(0.95)),
    }


def per_drug_spearman(a: pd.DataFrame, b: pd.DataFrame) -> float:
    """Median over drugs of the Spearman correlation of z between two tables of the pairs."""
    from scipy.stats import spearmanr

    m = a.merge(b, on=["drug", "pathway"], suffixes=("_a", "_b"))
    rhos = [spearmanr(g["z_a"], g["z_b"]).statistic for _, g in m.groupby("drug") if len(g) > 2]
    return float(np.nanmedian(rhos))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--n-random", type=int, default=1000)
    ap.add_argument("--sets", type=int, default=200, help="random target sets (false positives)")
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--pair-sets", type=int, default=40, help="random sets for the per-pair null")
    ap.add_argument("--pair-pathways", type=int, default=40, help="pathways per per-pair sample")
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "netmarker-grid")
    args = ap.parse_args()
    from bench_proximity import DATA
    from grid_inputs import grid_inputs, in_network, subsample

    from netmarker.io.targets import read_targets
    from netmarker.modules import add_q_values
    from netmarker.network import degree_bins, draw_degree_matched, proximity

    t0, c0 = time.perf_counter(), time.process_time()
    load0 = os.getloadavg()[0]
    net, dist, targets, gene_sets = grid_inputs(args.cache)
    targets = in_network(net, targets)
    bins = degree_bins(net.degree, 100)
    n = args.n_random
    rng = np.random.default_rng(0)
    out: list[str] = []

    # 1. random target sets x every pathway, shared null
    models = subsample(targets, args.sets, seed=1)
    random_sets = {}
    for i, (drug, genes) in enumerate(sorted(models.items())):
        nodes = net.locate(genes)[0]
        drawn = draw_degree_matched(bins, nodes, 1, seed=777, side="fpr", name=drug)[0]
        random_sets[f"RANDOM{i:03d}"] = net.genes[drawn].tolist()
    shared = add_q_values(proximity(net, dist, random_sets, gene_sets, n_random=n).table)
    fp_shared = rates(shared)

    # 2. the per-pair null on a sample of those pairs
    sample_sets = sorted(random_sets)[: args.pair_sets]
    rows = []
    for name in sample_sets:
        t_nodes = net.locate(random_sets[name])[0]
        for pw in rng.choice(sorted(gene_sets), args.pair_pathways, replace=False):
            g_nodes = net.locate(gene_sets[pw])[0]
            d, z, p = per_pair_null(dist, bins, t_nodes, g_nodes, n, 452456, f"{name}|{pw}")
            rows.append((name, pw, d, z, p))
    pair = pd.DataFrame(rows, columns=["drug", "pathway", "distance", "z", "p"])
    fp_pair = rates(pair)
    fp_shared_sample = rates(shared.merge(pair[["drug", "pathway"]], on=["drug", "pathway"]))

    # 3. z over seeds on the Kong et al. drugs, shared null
    kong = read_targets(DATA / "kong2020" / "drug_drugTarget.txt").targets
    kong_t = in_network(net, {d: sorted(g["gene"]) for d, g in kong.groupby("drug")})
    seeds = [452456 + k for k in range(args.seeds)]
    runs = [proximity(net, dist, kong_t, gene_sets, n_random=n, seed=s).table for s in seeds]
    zs = np.stack([r.sort_values(["drug", "pathway"])["z"].to_numpy() for r in runs])
    z_sd = zs.std(axis=0, ddof=1)
    seed_rho = per_drug_spearman(runs[0], runs[1])

    # 4. shared vs per-pair on a sample of Kong drugs x pathways
    kong_sample = subsample(kong_t, min(len(kong_t), args.pair_sets), seed=2)
    paths = sorted(rng.choice(sorted(gene_sets), args.pair_pathways, replace=False))
    rows = []
    for drug, genes in kong_sample.items():
        t_nodes = net.locate(genes)[0]
        for pw in paths:
            g_nodes = net.locate(gene_sets[pw])[0]
            d, z, p = per_pair_null(dist, bins, t_nodes, g_nodes, n, 452456, f"{drug}|{pw}")
            rows.append((drug, pw, d, z, p))
    pair_kong = pd.DataFrame(rows, columns=["drug", "pathway", "distance", "z", "p"])
    shared_kong = runs[0][["drug", "pathway", "z"]]
    rho_modes = per_drug_spearman(shared_kong, pair_kong)
    rho_seeds_sample = per_drug_spearman(
        runs[0].merge(pair_kong[["drug", "pathway"]]), runs[1].merge(pair_kong[["drug", "pathway"]])
    )
    both = shared_kong.merge(pair_kong, on=["drug", "pathway"], suffixes=("_shared", "_pair"))
    z_diff = (both["z_shared"] - both["z_pair"]).abs()

    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    out.append(
        f"{n} draws; wall {wall:.0f} s, CPU {cpu:.0f} s, load {load0:.1f} -> "
        f"{os.getloadavg()[0]:.1f} (machine shared)"
    )
    out.append("")
    out.append(
        "| false positives (random target sets) | shared, all pairs | shared, sample "
        "| per-pair, sample |"
    )
    out.append("| --- | --- | --- | --- |")
    for k in fp_shared:
        a, b, c = fp_shared[k], fp_shared_sample[k], fp_pair[k]
        fmt = (lambda v: f"{v:,.0f}") if k == "pairs" else (lambda v: f"{v:.4f}")
        out.append(f"| {k} | {fmt(a)} | {fmt(b)} | {fmt(c)} |")
    out.append("")
    out.append(
        f"z over {len(seeds)} seeds (Kong drugs x {len(gene_sets)} pathways, "
        f"{zs.shape[1]:,} pairs, shared null): per-pair SD of z median {np.median(z_sd):.3f}, "
        f"95th pct {np.quantile(z_sd, 0.95):.3f}, max {z_sd.max():.3f}; per-drug Spearman of z "
        f"between two seeds, median {seed_rho:.4f}"
    )
    out.append(
        f"shared vs per-pair ({len(both):,} pairs, {len(kong_sample)} Kong drugs x "
        f"{len(paths)} pathways): per-drug Spearman of z median {rho_modes:.4f} (two seeds of "
        f"the shared null on the same pairs: {rho_seeds_sample:.4f}); |z difference| median "
        f"{z_diff.median():.3f}, 95th pct {z_diff.quantile(0.95):.3f}"
    )
    print("\n".join(out))


if __name__ == "__main__":
    main()
