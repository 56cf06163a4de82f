"""Network proximity of drug targets to gene sets (Guney et al. 2016, Nat Commun 7:10331).

closest distance  d_c(T, S) = mean over targets t of min over genes s of d(t, s)
null              the same for degree-matched random target sets and random gene sets
                  (both sides, see ``sampling``), ``n_random`` draws
z                 (d_c - mean(null)) / sd(null), sd with ddof=0; 0 when sd is 0 (as the toolbox)
p                 (1 + #{null <= d_c}) / (1 + n_random), one-sided, empirical

The null is computed for all (drug, pathway) pairs at once: per draw, the rows of the
distance matrix for that draw's random targets of every drug are gathered once and
transposed, so each random gene of every pathway costs one contiguous min over them.
Distances are summed as integers, which makes results exact and thread-count independent.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numba as nb
import numpy as np
import pandas as pd

from netmarker.network.graph import Network
from netmarker.network.sampling import (
    DegreeBins,
    degree_bins,
    draw_set,
    draw_sets,
    group_by_bin,
    stream_key,
)

RESULT_COLUMNS = [
    "drug",
    "pathway",
    "distance",
    "z",
    "p",
    "n_random",
    "seed",
    "n_targets",
    "n_genes",
]
DROPPED_COLUMNS = ["kind", "name", "gene", "reason"]

#: most distinct random targets handled per draw in one pass (bounds per-thread memory)
_MAX_TARGETS_PER_PASS = 512
#: draws per parallel batch (progress is reported between batches)
_DRAWS_PER_BATCH = 50


@dataclass
class ProximityResult:
    """Proximity of every drug to every gene set, plus what was left out and why."""

    #: one row per (drug, pathway): RESULT_COLUMNS, sorted by (drug, z, pathway)
    table: pd.DataFrame
    #: genes left out: kind ("target" | "gene"), name (drug / pathway), gene, reason
    #: ("outside_lcc" | "not_in_network")
    dropped: pd.DataFrame
    #: drugs / pathways with no gene in the largest component (no rows in ``table``)
    skipped_drugs: list[str] = field(default_factory=list)
    skipped_pathways: list[str] = field(default_factory=list)


def proximity(
    network: Network,
    distances: np.ndarray,
    targets: Mapping[str, Sequence[str]],
    gene_sets: Mapping[str, Sequence[str]],
    *,
    n_random: int = 1000,
    min_bin_size: int = 100,
    seed: int = 452456,
    progress: Callable[[int, int], None] | None = None,
) -> ProximityResult:
    """Closest-distance proximity, z and empirical p of every drug to every gene set.

    ``targets`` / ``gene_sets`` map names to gene symbols; genes outside the network's largest
    component are dropped and listed in ``result.dropped``, and a drug or set left with none is
    listed in ``skipped_drugs`` / ``skipped_pathways``. ``distances`` is
    ``shortest_path_lengths(network)`` (or its cached memory map). A drug's (or set's) random
    draws depend only on ``seed`` and its name, so results do not change with which other
    drugs or sets are run, nor with the number of threads. ``progress(n_done, n_total)`` is
    called as batches of random draws finish (units: draws x passes over the drugs).
    """
    if n_random < 2:
        raise ValueError("n_random must be at least 2")
    n = network.n_nodes
    if distances.shape != (n, n):
        raise ValueError(f"distances are {distances.shape}, the network has {n} nodes")
    dropped: list[tuple[str, str, str, str]] = []
    drugs, t_sets = _locate_all(network, targets, "target", dropped)
    paths, g_sets = _locate_all(network, gene_sets, "gene", dropped)
    result = ProximityResult(
        table=pd.DataFrame(columns=RESULT_COLUMNS),
        dropped=pd.DataFrame(dropped, columns=DROPPED_COLUMNS),
        skipped_drugs=sorted(set(targets) - set(drugs)),
        skipped_pathways=sorted(set(gene_sets) - set(paths)),
    )
    if not drugs or not paths:
        return result
    bins = degree_bins(network.degree, min_bin_size)
    g_arrays = _gene_set_arrays(bins, g_sets, paths, seed)
    g_nodes = np.concatenate(g_sets)
    g_off = np.concatenate([[0], np.cumsum([s.size for s in g_sets])]).astype(np.int64)

    chunks = _chunk_drugs(t_sets)
    n_total = n_random * len(chunks)
    done = 0
    frames = []
    for chunk in chunks:
        names = [drugs[i] for i in chunk]
        sets = [t_sets[i] for i in chunk]
        t_draws, t_off = draw_sets(bins, sets, n_random, seed=seed, side="targets", names=names)
        t_nodes = np.concatenate(sets)
        obs = _observed_sums(distances, t_nodes, t_off, g_nodes, g_off)
        s1 = np.zeros((len(paths), len(chunk)), dtype=np.int64)
        s2 = np.zeros_like(s1)
        n_le = np.zeros_like(s1)
        for start in range(0, n_random, _DRAWS_PER_BATCH):
            stop = min(n_random, start + _DRAWS_PER_BATCH)
            sums = _null_sums(
                distances, bins.nodes, bins.offsets, t_draws[start:stop], t_off, *g_arrays, start
            )
            _accumulate(sums, obs, s1, s2, n_le)
            done += stop - start
            if progress is not None:
                progress(done, n_total)
        frames.append(_frame(names, sets, paths, g_sets, obs, s1, s2, n_le, n_random, seed))
    table = pd.concat(frames, ignore_index=True)
    result.table = table.sort_values(["drug", "z", "pathway"], kind="stable").reset_index(drop=True)
    return result


def closest_distance(distances: np.ndarray, targets: np.ndarray, genes: np.ndarray) -> float:
    """d_c: mean over ``targets`` of the distance to the nearest node of ``genes`` (node ids)."""
    sub = np.asarray(distances[np.asarray(targets)][:, np.asarray(genes)])
    return float(sub.min(axis=1).mean())


def _locate_all(
    network: Network,
    sets: Mapping[str, Sequence[str]],
    kind: str,
    dropped: list[tuple[str, str, str, str]],
) -> tuple[list[str], list[np.ndarray]]:
    names, arrays = [], []
    for name in sorted(sets):
        ids, outside, absent = network.locate(list(sets[name]))
        dropped.extend((kind, name, g, "outside_lcc") for g in outside)
        dropped.extend((kind, name, g, "not_in_network") for g in absent)
        if ids.size:
            names.append(name)
            arrays.append(ids)
    return names, arrays


def _gene_set_arrays(
    bins: DegreeBins, g_sets: list[np.ndarray], paths: list[str], seed: int
) -> tuple[np.ndarray, ...]:
    grp_bin, grp_k, grp_off = [], [], [0]
    for nodes in g_sets:
        b, k = group_by_bin(bins, nodes)
        grp_bin.append(b)
        grp_k.append(k)
        grp_off.append(grp_off[-1] + b.size)
    keys = np.array([stream_key(seed, "genes", p) for p in paths], dtype=np.uint64)
    sizes = np.array([s.size for s in g_sets], dtype=np.int64)
    return (
        np.concatenate(grp_bin),
        np.concatenate(grp_k),
        np.asarray(grp_off, dtype=np.int64),
        sizes,
        keys,
    )


def _chunk_drugs(t_sets: list[np.ndarray]) -> list[list[int]]:
    chunks: list[list[int]] = [[]]
    filled = 0
    for i, s in enumerate(t_sets):
        if chunks[-1] and filled + s.size > _MAX_TARGETS_PER_PASS:
            chunks.append([])
            filled = 0
        chunks[-1].append(i)
        filled += s.size
    return chunks


def _frame(
    drugs: list[str],
    t_sets: list[np.ndarray],
    paths: list[str],
    g_sets: list[np.ndarray],
    obs: np.ndarray,
    s1: np.ndarray,
    s2: np.ndarray,
    n_le: np.ndarray,
    n_random: int,
    seed: int,
) -> pd.DataFrame:
    k = np.array([s.size for s in t_sets], dtype=np.float64)[None, :]
    # exact integer variance numerator: n * sum(x^2) - (sum x)^2, x = per-draw distance sums
    var_num = (n_random * s2 - s1 * s1).astype(np.float64)
    sd = np.sqrt(np.maximum(var_num, 0.0)) / (n_random * k)
    mean = s1 / (n_random * k)
    dist = obs.T / k
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(sd > 0, (dist - mean) / sd, 0.0)
    p = (1.0 + n_le) / (1.0 + n_random)
    n_p, n_d = obs.shape[1], obs.shape[0]
    return pd.DataFrame(
        {
            "drug": np.repeat(np.array(drugs, dtype=object), n_p),
            "pathway": np.tile(np.array(paths, dtype=object), n_d),
            "distance": dist.T.ravel(),
            "z": z.T.ravel(),
            "p": p.T.ravel(),
            "n_random": n_random,
            "seed": seed,
            "n_targets": np.repeat(k.ravel().astype(np.int64), n_p),
            "n_genes": np.tile(np.array([s.size for s in g_sets], dtype=np.int64), n_d),
        }
    )


@nb.njit(parallel=True, cache=True)
def _observed_sums(
    dist: np.ndarray,
    t_nodes: np.ndarray,
    t_off: np.ndarray,
    g_nodes: np.ndarray,
    g_off: np.ndarray,
) -> np.ndarray:
    """(n_drugs, n_paths) sums over targets of the distance to the nearest gene of the set."""
    n_d, n_p = t_off.size - 1, g_off.size - 1
    out = np.zeros((n_d, n_p), dtype=np.int64)
    for p in nb.prange(n_p):
        for t in range(t_nodes.size):
            row = dist[t_nodes[t]]
            best = 255
            for i in range(g_off[p], g_off[p + 1]):
                best = min(best, row[g_nodes[i]])
            for d in range(n_d):
                if t_off[d] <= t < t_off[d + 1]:
                    out[d, p] += best
    return out


@nb.njit(parallel=True, cache=True)
def _null_sums(
    dist: np.ndarray,
    bin_nodes: np.ndarray,
    bin_off: np.ndarray,
    t_draws: np.ndarray,
    t_off: np.ndarray,
    grp_bin: np.ndarray,
    grp_k: np.ndarray,
    grp_off: np.ndarray,
    sizes: np.ndarray,
    keys: np.ndarray,
    r_start: int,
) -> np.ndarray:
    """(draws, n_paths, n_drugs) null distance sums for draws ``r_start ...``."""
    n = dist.shape[0]
    n_draws, n_t = t_draws.shape
    n_d, n_p = t_off.size - 1, keys.size
    out = np.empty((n_draws, n_p, n_d), dtype=np.int32)
    max_size, max_k = 1, 1
    for p in range(n_p):
        max_size = max(max_size, sizes[p])
    for g in range(grp_k.size):
        max_k = max(max_k, grp_k[g])
    for ri in nb.prange(n_draws):
        # distinct random targets of this draw and each target's column in ``sub``
        col_of = np.full(n, -1, dtype=np.int64)
        uniq = np.empty(n_t, dtype=np.int64)
        local = np.empty(n_t, dtype=np.int64)
        m = 0
        for j in range(n_t):
            t = t_draws[ri, j]
            if col_of[t] < 0:
                col_of[t] = m
                uniq[m] = t
                m += 1
            local[j] = col_of[t]
        # sub[v, c] = d(v, target c): one contiguous row per gene for the min below
        sub = np.empty((n, m), dtype=np.uint8)
        for c in range(m):
            src = dist[uniq[c]]
            for v in range(n):
                sub[v, c] = src[v]
        scratch = bin_nodes.copy()
        swaps = np.empty(max_k, dtype=np.int64)
        drawn = np.empty(max_size, dtype=np.int64)
        acc = np.empty(m, dtype=np.uint8)
        for p in range(n_p):
            g0, g1 = grp_off[p], grp_off[p + 1]
            draw_set(
                bin_off, grp_bin[g0:g1], grp_k[g0:g1], keys[p], r_start + ri, scratch, swaps, drawn
            )
            acc[:] = 255
            for i in range(sizes[p]):
                row = sub[drawn[i]]
                for c in range(m):
                    if row[c] < acc[c]:
                        acc[c] = row[c]
            for d in range(n_d):
                s = 0
                for j in range(t_off[d], t_off[d + 1]):
                    s += acc[local[j]]
                out[ri, p, d] = s
    return out


@nb.njit(parallel=True, cache=True)
def _accumulate(
    sums: np.ndarray, obs: np.ndarray, s1: np.ndarray, s2: np.ndarray, n_le: np.ndarray
) -> None:
    """Add a batch of null sums to the running sum, sum of squares and count <= observed."""
    n_draws, n_p, n_d = sums.shape
    for p in nb.prange(n_p):
        for r in range(n_draws):
            for d in range(n_d):
                x = np.int64(sums[r, p, d])
                s1[p, d] += x
                s2[p, d] += x * x
                if x <= obs[d, p]:
                    n_le[p, d] += 1
