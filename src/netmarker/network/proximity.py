"""Network proximity of drug targets to gene sets (Guney et al. 2016, Nat Commun 7:10331).

closest distance  d_c(T, S) = mean over targets t of min over genes s of d(t, s)
null              the same for degree-matched random target sets and random gene sets
                  (both sides, see ``sampling``), ``n_random`` draws
z                 (d_c - mean(null)) / sd(null), sd with ddof=0; 0 when sd is 0 (as the toolbox)
p                 (1 + #{null <= d_c}) / (1 + n_random), one-sided, empirical

Draw ``r`` of a pair (T, S) pairs draw ``r`` of T's own random stream with draw ``r`` of S's
own stream (streams are keyed by set name, see ``sampling``): a pathway's random sets are the
same for every drug, and a drug's for every pathway. That makes the null cheap to compute for
a whole grid. Per pathway and draw, one pass over the drawn genes' distance rows gives
``near[v] = min over drawn genes s of d(v, s)`` for every node ``v`` (a contiguous uint8
minimum, vectorised); each drug's null value is then ``sum over its drawn targets t of
near[t]``: ``|T|`` look-ups per pair and draw. Distances are summed as integers, which makes
results exact and independent of the thread count and of how the grid is split into blocks.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import numba as nb
import numpy as np
import pandas as pd

from netmarker.network.graph import Network
from netmarker.network.sampling import (
    DegreeBins,
    SetDraws,
    degree_bins,
    draw_set,
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

#: random draws per batch (progress is reported between batches; bounds the target draws held)
_DRAWS_PER_BATCH = 50
#: up to this many targets in all (summed over drugs), the null gathers their distance
#: columns per draw (cost ~ targets x genes); above, it builds each drawn set's nearest-gene
#: row over all nodes (cost ~ nodes x genes, shared by every drug). Both give the same sums;
#: the crossover was estimated from runs on STRING v12 >= 700 (benchmarks/RESULTS.md).
_FEW_TARGETS = 384
#: default bound on the result rows of one block of pathways
DEFAULT_BLOCK_ROWS = 250_000


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


@dataclass
class ProximityGrid:
    """Every drug x every gene set, located in the network and ready to compute in blocks.

    Holds node ids and the draw parameters only (no distances), so it is small and can be
    shipped to other processes; ``block(distances, start, stop)`` computes pathways
    ``start:stop`` for all drugs, and any split into blocks gives the same rows.
    """

    drugs: list[str]
    t_sets: list[np.ndarray]
    paths: list[str]
    g_sets: list[np.ndarray]
    bins: DegreeBins
    n_nodes: int
    n_random: int
    seed: int
    #: genes left out (DROPPED_COLUMNS) and drugs / sets with no gene left
    dropped: pd.DataFrame
    skipped_drugs: list[str]
    skipped_pathways: list[str]

    @functools.cached_property
    def target_draws(self) -> SetDraws:
        """The drugs' random target sets, prepared once for every block and batch of draws."""
        return SetDraws(self.bins, self.t_sets, seed=self.seed, side="targets", names=self.drugs)

    @property
    def n_pairs(self) -> int:
        """Number of (drug, pathway) rows the grid yields."""
        return len(self.drugs) * len(self.paths)

    def spans(self, max_rows: int = DEFAULT_BLOCK_ROWS) -> list[tuple[int, int]]:
        """Pathway ranges ``(start, stop)`` of at most ``max_rows`` rows (at least one pathway)."""
        per = max(1, max_rows // max(1, len(self.drugs)))
        return [(i, min(i + per, len(self.paths))) for i in range(0, len(self.paths), per)]

    def block(
        self,
        distances: np.ndarray,
        start: int,
        stop: int,
        progress: Callable[[int], None] | None = None,
    ) -> pd.DataFrame:
        """Rows of pathways ``start:stop`` x every drug (RESULT_COLUMNS, drug-major).

        ``progress(n)`` is called with the number of draws just finished.
        """
        n = self.n_nodes
        if distances.shape != (n, n):
            raise ValueError(f"distances are {distances.shape}, the network has {n} nodes")
        g_sets = self.g_sets[start:stop]
        g_nodes = np.concatenate(g_sets)
        g_off = _offsets(g_sets)
        t_nodes = np.concatenate(self.t_sets)
        t_off = _offsets(self.t_sets)
        obs = _observed_sums(distances, t_nodes, t_off, g_nodes, g_off)
        grp_bin, grp_k, grp_off = _groups(self.bins, g_sets)
        sizes = np.array([s.size for s in g_sets], dtype=np.int64)
        keys = np.array(
            [stream_key(self.seed, "genes", p) for p in self.paths[start:stop]], dtype=np.uint64
        )
        s1 = np.zeros_like(obs)
        s2 = np.zeros_like(obs)
        n_le = np.zeros_like(obs)
        if t_nodes.size <= _FEW_TARGETS:
            args = (grp_bin, grp_k, grp_off, sizes, keys)
            self._few_targets(distances, t_off, args, obs, s1, s2, n_le, progress)
            return _frame(self, start, stop, obs, s1, s2, n_le)
        for r0 in range(0, self.n_random, _DRAWS_PER_BATCH):
            r1 = min(self.n_random, r0 + _DRAWS_PER_BATCH)
            t_draws = self.target_draws.draws(r0, r1 - r0)
            _null_moments(
                distances,
                self.bins.nodes,
                self.bins.offsets,
                t_draws.astype(np.int32),
                t_off,
                grp_bin,
                grp_k,
                grp_off,
                sizes,
                keys,
                r0,
                obs,
                s1,
                s2,
                n_le,
            )
            if progress is not None:
                progress(r1 - r0)
        return _frame(self, start, stop, obs, s1, s2, n_le)

    def _few_targets(
        self,
        distances: np.ndarray,
        t_off: np.ndarray,
        g_arrays: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray],
        obs: np.ndarray,
        s1: np.ndarray,
        s2: np.ndarray,
        n_le: np.ndarray,
        progress: Callable[[int], None] | None,
    ) -> None:
        """The null for few targets in all: per draw, a transposed copy of their columns."""
        t_draws = self.target_draws.draws(0, self.n_random)
        for r0 in range(0, self.n_random, _DRAWS_PER_BATCH):
            r1 = min(self.n_random, r0 + _DRAWS_PER_BATCH)
            sums = _null_sums_few_targets(
                distances, self.bins.nodes, self.bins.offsets, t_draws[r0:r1], t_off, *g_arrays, r0
            )
            _accumulate(sums, obs.T, s1, s2, n_le)
            if progress is not None:
                progress(r1 - r0)


def prepare_grid(
    network: Network,
    targets: Mapping[str, Sequence[str]],
    gene_sets: Mapping[str, Sequence[str]],
    *,
    n_random: int = 1000,
    min_bin_size: int = 100,
    seed: int = 452456,
) -> ProximityGrid:
    """Locate every drug's targets and every set's genes in ``network``'s largest component.

    Genes outside it are dropped and listed in ``grid.dropped``; a drug or set left with none
    is listed in ``skipped_drugs`` / ``skipped_pathways``.
    """
    if n_random < 2:
        raise ValueError("n_random must be at least 2")
    dropped: list[tuple[str, str, str, str]] = []
    drugs, t_sets = _locate_all(network, targets, "target", dropped)
    paths, g_sets = _locate_all(network, gene_sets, "gene", dropped)
    return ProximityGrid(
        drugs=drugs,
        t_sets=t_sets,
        paths=paths,
        g_sets=g_sets,
        bins=degree_bins(network.degree, min_bin_size),
        n_nodes=network.n_nodes,
        n_random=n_random,
        seed=seed,
        dropped=pd.DataFrame(dropped, columns=DROPPED_COLUMNS),
        skipped_drugs=sorted(set(targets) - set(drugs)),
        skipped_pathways=sorted(set(gene_sets) - set(paths)),
    )


def iter_proximity(
    grid: ProximityGrid,
    distances: np.ndarray,
    *,
    max_rows: int = DEFAULT_BLOCK_ROWS,
    progress: Callable[[int, int], None] | None = None,
) -> Iterator[pd.DataFrame]:
    """The grid's rows, one block of at most ``max_rows`` rows (pathways x all drugs) at a time.

    ``progress(n_done, n_total)`` counts draws x blocks.
    """
    if distances.shape != (grid.n_nodes, grid.n_nodes):
        raise ValueError(f"distances are {distances.shape}, the network has {grid.n_nodes} nodes")
    if not grid.drugs or not grid.paths:
        return
    spans = grid.spans(max_rows)
    total = grid.n_random * len(spans)
    done = 0

    def tick(n: int) -> None:
        nonlocal done
        done += n
        if progress is not None:
            progress(done, total)

    for start, stop in spans:
        yield grid.block(distances, start, stop, tick)


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
    called as batches of random draws finish (units: draws x blocks of pathways).
    The whole table is held in memory; ``iter_proximity`` yields it in bounded blocks.
    """
    grid = prepare_grid(
        network, targets, gene_sets, n_random=n_random, min_bin_size=min_bin_size, seed=seed
    )
    return collect(grid, iter_proximity(grid, distances, progress=progress))


def collect(grid: ProximityGrid, blocks: Iterable[pd.DataFrame]) -> ProximityResult:
    """One result from a grid's blocks (computed in any order, anywhere): rows sorted."""
    result = ProximityResult(
        table=pd.DataFrame(columns=RESULT_COLUMNS),
        dropped=grid.dropped,
        skipped_drugs=grid.skipped_drugs,
        skipped_pathways=grid.skipped_pathways,
    )
    frames = list(blocks)
    if frames:
        table = pd.concat(frames, ignore_index=True)
        result.table = table.sort_values(["drug", "z", "pathway"], kind="stable").reset_index(
            drop=True
        )
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


def _offsets(sets: list[np.ndarray]) -> np.ndarray:
    return np.concatenate([[0], np.cumsum([s.size for s in sets])]).astype(np.int64)


def _groups(bins: DegreeBins, g_sets: list[np.ndarray]) -> tuple[np.ndarray, ...]:
    """Per set: the bins it touches and how many of its genes fall in each (concatenated)."""
    grp_bin, grp_k = [], []
    for nodes in g_sets:
        b, k = group_by_bin(bins, nodes)
        grp_bin.append(b)
        grp_k.append(k)
    grp_off = np.concatenate([[0], np.cumsum([b.size for b in grp_bin])]).astype(np.int64)
    return np.concatenate(grp_bin), np.concatenate(grp_k), grp_off


def _frame(
    grid: ProximityGrid,
    start: int,
    stop: int,
    obs: np.ndarray,
    s1: np.ndarray,
    s2: np.ndarray,
    n_le: np.ndarray,
) -> pd.DataFrame:
    """Rows (drug-major) from the (n_paths, n_drugs) observed sums and null moments."""
    n_random = grid.n_random
    k = np.array([s.size for s in grid.t_sets], dtype=np.float64)[None, :]
    # exact integer variance numerator: n * sum(x^2) - (sum x)^2, x = per-draw distance sums
    var_num = (n_random * s2 - s1 * s1).astype(np.float64)
    sd = np.sqrt(np.maximum(var_num, 0.0)) / (n_random * k)
    mean = s1 / (n_random * k)
    dist = obs / k
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(sd > 0, (dist - mean) / sd, 0.0)
    p = (1.0 + n_le) / (1.0 + n_random)
    n_p, n_d = obs.shape
    return pd.DataFrame(
        {
            "drug": np.repeat(np.array(grid.drugs, dtype=object), n_p),
            "pathway": np.tile(np.array(grid.paths[start:stop], dtype=object), n_d),
            "distance": dist.T.ravel(),
            "z": z.T.ravel(),
            "p": p.T.ravel(),
            "n_random": n_random,
            "seed": grid.seed,
            "n_targets": np.repeat(k.ravel().astype(np.int64), n_p),
            "n_genes": np.tile(
                np.array([s.size for s in grid.g_sets[start:stop]], dtype=np.int64), n_d
            ),
        }
    )


@nb.njit(inline="always")
def _nearest(dist: np.ndarray, genes: np.ndarray, near: np.ndarray) -> None:
    """near[v] = min over ``genes`` g of d(g, v): one contiguous uint8 pass per gene row."""
    near[:] = dist[genes[0]]
    n = near.size
    for i in range(1, genes.size):
        row = dist[genes[i]]
        for v in range(n):
            near[v] = min(near[v], row[v])


@nb.njit(parallel=True, cache=True)
def _observed_sums(
    dist: np.ndarray,
    t_nodes: np.ndarray,
    t_off: np.ndarray,
    g_nodes: np.ndarray,
    g_off: np.ndarray,
) -> np.ndarray:
    """(n_paths, n_drugs) sums over targets of the distance to the nearest gene of the set."""
    n_d, n_p = t_off.size - 1, g_off.size - 1
    out = np.zeros((n_p, n_d), dtype=np.int64)
    for p in nb.prange(n_p):
        near = np.empty(dist.shape[1], dtype=np.uint8)
        _nearest(dist, g_nodes[g_off[p] : g_off[p + 1]], near)
        for d in range(n_d):
            s = 0
            for j in range(t_off[d], t_off[d + 1]):
                s += near[t_nodes[j]]
            out[p, d] = s
    return out


@nb.njit(parallel=True, cache=True)
def _null_moments(
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
    obs: np.ndarray,
    s1: np.ndarray,
    s2: np.ndarray,
    n_le: np.ndarray,
) -> None:
    """Add draws ``r_start ...`` (rows of ``t_draws``) to the (n_paths, n_drugs) moments.

    Per pathway and draw: the drawn set's ``near`` row, then every drug's drawn targets
    looked up in it; sum, sum of squares and the count of draws <= the observed sum.
    """
    n = dist.shape[1]
    n_draws, n_t = t_draws.shape
    n_d, n_p = t_off.size - 1, keys.size
    max_size, max_k = 1, 1
    for p in range(n_p):
        max_size = max(max_size, sizes[p])
    for g in range(grp_k.size):
        max_k = max(max_k, grp_k[g])
    for p in nb.prange(n_p):
        scratch = bin_nodes.copy()
        swaps = np.empty(max_k, dtype=np.int64)
        drawn = np.empty(max_size, dtype=np.int64)
        near = np.empty(n, dtype=np.uint8)
        vals = np.empty(n_t, dtype=np.int32)
        xs = np.empty((n_draws, n_d), dtype=np.int32)
        g0, g1 = grp_off[p], grp_off[p + 1]
        for ri in range(n_draws):
            draw_set(
                bin_off, grp_bin[g0:g1], grp_k[g0:g1], keys[p], r_start + ri, scratch, swaps, drawn
            )
            _nearest(dist, drawn[: sizes[p]], near)
            # two simple loops (gather, then segment sums) rather than one nested loop
            row = t_draws[ri]
            for j in range(n_t):
                vals[j] = near[row[j]]
            for d in range(n_d):
                x = np.int32(0)
                for j in range(t_off[d], t_off[d + 1]):
                    x += vals[j]
                xs[ri, d] = x
        # moments per drug over the batch: contiguous in d, so the loop vectorises
        a, b, c = s1[p], s2[p], n_le[p]
        o = obs[p]
        for ri in range(n_draws):
            for d in range(n_d):
                v = np.int64(xs[ri, d])
                a[d] += v
                b[d] += v * v
                c[d] += np.int64(v <= o[d])


@nb.njit(parallel=True, cache=True)
def _null_sums_few_targets(
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
    """(draws, n_paths, n_drugs) null distance sums for draws ``r_start ...`` (few targets).

    Per draw, the distance columns of that draw's distinct random targets are gathered once
    and transposed, so each random gene of every pathway costs one contiguous min over them.
    """
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
