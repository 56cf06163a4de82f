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

When the drugs of a run have few targets in all (a sub-grid, a few drugs), most of ``near`` is
never looked up. Then each draw first gathers the distance columns of its drawn targets into
a small matrix (one row per node, one byte per drawn target; a blocked transpose of the
targets' rows, the matrix being symmetric), and each drawn set's minimum runs over those short
rows: ``|S| x |targets|`` bytes per pathway and draw instead of ``|S| x n``, cache-resident
instead of streamed from memory. Both kernels give the same integer sums; a cost model picks
one per block (``_columns_pay_off``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

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
#: bytes of per-draw work the columns kernel spends per node and drawn target (gathering
#: the targets' columns: a transpose costs ~9x a streamed minimum per byte), relative to one
#: byte of a drawn gene's row in the minimum; measured on STRING v12 >= 700 (RESULTS.md 7.1)
_GATHER_COST = 9.0
#: the null kernel, when set ("rows" | "columns"); None lets ``_columns_pay_off`` decide
_KERNEL: str | None = None
#: bytes of the columns kernel's per-thread matrices, at most (more threads share the draws)
_COLUMNS_MEMORY = 1 << 28
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
        columns = _KERNEL == "columns" or (
            _KERNEL is None and _columns_pay_off(n, int(t_nodes.size), int(sizes.sum()))
        )
        # each thread of the columns kernel holds a (nodes x drawn targets) byte matrix
        chunks = max(
            1, min(nb.get_num_threads(), _COLUMNS_MEMORY // ((n + 8) * (t_nodes.size + 8)))
        )
        bin_nodes, bin_off = self.bins.nodes, self.bins.offsets
        for r0 in range(0, self.n_random, _DRAWS_PER_BATCH):
            r1 = min(self.n_random, r0 + _DRAWS_PER_BATCH)
            t_draws = self.target_draws.draws(r0, r1 - r0).astype(np.int32)
            if columns:
                _null_moments_columns(
                    distances, bin_nodes, bin_off, t_draws, t_off, grp_bin, grp_k, grp_off,
                    sizes, keys, r0, obs, s1, s2, n_le, chunks,
                )  # fmt: skip
            else:
                _null_moments(
                    distances, bin_nodes, bin_off, t_draws, t_off, grp_bin, grp_k, grp_off,
                    sizes, keys, r0, obs, s1, s2, n_le,
                )  # fmt: skip
            if progress is not None:
                progress(r1 - r0)
        return _frame(self, start, stop, obs, s1, s2, n_le)


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


def _columns_pay_off(n_nodes: int, n_slots: int, sum_sizes: int) -> bool:
    """Whether the columns kernel is cheaper than the rows kernel for one block, per draw.

    Rows: every drawn gene's whole row, ``sum_sizes x n_nodes`` bytes (streamed from memory).
    Columns: gather ``n_slots`` (at most) drawn targets' columns, ``_GATHER_COST x n_nodes x
    n_slots``, then ``sum_sizes x n_slots`` bytes of minimum (cache-resident).
    """
    m = min(n_slots, n_nodes)
    return _GATHER_COST * n_nodes * m + sum_sizes * m < sum_sizes * n_nodes


_B1 = np.uint64(0x00FF00FF00FF00FF)
_B2 = np.uint64(0x0000FFFF0000FFFF)
_B4 = np.uint64(0x00000000FFFFFFFF)
_S1, _S2, _S4 = np.uint64(8), np.uint64(16), np.uint64(32)


@nb.njit(inline="always")
def _swap(a: np.uint64, b: np.uint64, shift: np.uint64, mask: np.uint64) -> tuple[Any, Any]:
    t = ((a >> shift) ^ b) & mask
    return a ^ (t << shift), b ^ t


@nb.njit(cache=True)
def _gather_columns(
    dist: np.ndarray, cols: np.ndarray, m: int, tile: np.ndarray, out: np.ndarray, width: int
) -> None:
    """``out`` (uint64 words), read as bytes in rows of ``width``: ``[v, c] = d(v, cols[c])``.

    The matrix is symmetric, so column ``cols[c]`` is read as that node's row: eight rows at a
    time are copied into ``tile`` (8 x n_pad bytes, zero beyond n) and transposed as 8 x 8
    byte blocks held in 64-bit words. Columns ``m ... width - 1`` (width: a multiple of 8) are
    filled with 0; rows n ... n_pad - 1 with 0 too.
    """
    n = dist.shape[1]
    n_words = tile.shape[1] // 8
    tw = tile.reshape(-1).view(np.uint64)
    per_row = width // 8
    for c0 in range(0, width, 8):
        for k in range(8):
            if c0 + k < m:
                tile[k, :n] = dist[cols[c0 + k]]
            else:
                tile[k, :] = 0
        cw = c0 // 8
        for w in range(n_words):
            x0, x1 = tw[w], tw[n_words + w]
            x2, x3 = tw[2 * n_words + w], tw[3 * n_words + w]
            x4, x5 = tw[4 * n_words + w], tw[5 * n_words + w]
            x6, x7 = tw[6 * n_words + w], tw[7 * n_words + w]
            x0, x1 = _swap(x0, x1, _S1, _B1)
            x2, x3 = _swap(x2, x3, _S1, _B1)
            x4, x5 = _swap(x4, x5, _S1, _B1)
            x6, x7 = _swap(x6, x7, _S1, _B1)
            x0, x2 = _swap(x0, x2, _S2, _B2)
            x1, x3 = _swap(x1, x3, _S2, _B2)
            x4, x6 = _swap(x4, x6, _S2, _B2)
            x5, x7 = _swap(x5, x7, _S2, _B2)
            x0, x4 = _swap(x0, x4, _S4, _B4)
            x1, x5 = _swap(x1, x5, _S4, _B4)
            x2, x6 = _swap(x2, x6, _S4, _B4)
            x3, x7 = _swap(x3, x7, _S4, _B4)
            b = 8 * w * per_row + cw
            out[b] = x0
            out[b + per_row] = x1
            out[b + 2 * per_row] = x2
            out[b + 3 * per_row] = x3
            out[b + 4 * per_row] = x4
            out[b + 5 * per_row] = x5
            out[b + 6 * per_row] = x6
            out[b + 7 * per_row] = x7


@nb.njit(parallel=True, cache=True)
def _null_moments_columns(
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
    n_chunks: int,
) -> None:
    """``_null_moments`` for few targets: the same sums, over the drawn targets' columns only.

    Draws are split into ``n_chunks`` (one per thread); per draw, the distinct drawn targets'
    columns are gathered (``_gather_columns``), and each pathway's drawn set takes its minimum
    over those short rows. Each thread adds into its own moments, summed at the end (integers:
    exact).
    """
    n = dist.shape[1]
    n_pad = (n + 7) // 8 * 8
    n_draws, n_t = t_draws.shape
    n_d, n_p = t_off.size - 1, keys.size
    width_max = (n_t + 7) // 8 * 8
    n_chunks = max(1, min(n_chunks, n_draws))
    m1 = np.zeros((n_chunks, n_p, n_d), dtype=np.int64)
    m2 = np.zeros((n_chunks, n_p, n_d), dtype=np.int64)
    m3 = np.zeros((n_chunks, n_p, n_d), dtype=np.int64)
    max_size, max_k = 1, 1
    for p in range(n_p):
        max_size = max(max_size, sizes[p])
    for g in range(grp_k.size):
        max_k = max(max_k, grp_k[g])
    for ch in nb.prange(n_chunks):
        col_of = np.full(n, -1, dtype=np.int64)
        cols = np.empty(n_t, dtype=np.int64)
        local = np.empty(n_t, dtype=np.int64)
        # uint64 storage: the transpose writes whole words
        buf = np.empty(n_pad * width_max // 8, dtype=np.uint64)
        tile = np.zeros((8, n_pad), dtype=np.uint8)
        scratch = bin_nodes.copy()
        swaps = np.empty(max_k, dtype=np.int64)
        drawn = np.empty(max_size, dtype=np.int64)
        acc = np.empty(width_max, dtype=np.uint8)
        a1, a2, a3 = m1[ch], m2[ch], m3[ch]
        for ri in range(ch * n_draws // n_chunks, (ch + 1) * n_draws // n_chunks):
            # the draw's distinct targets, and each target slot's column
            m = 0
            for j in range(n_t):
                t = t_draws[ri, j]
                if col_of[t] < 0:
                    col_of[t] = m
                    cols[m] = t
                    m += 1
                local[j] = col_of[t]
            for c in range(m):
                col_of[cols[c]] = -1
            width = (m + 7) // 8 * 8
            words = buf[: n_pad * width // 8]
            _gather_columns(dist, cols, m, tile, words, width)
            sub = words.view(np.uint8).reshape((n_pad, width))
            near = acc[:m]
            for p in range(n_p):
                g0, g1 = grp_off[p], grp_off[p + 1]
                draw_set(
                    bin_off,
                    grp_bin[g0:g1],
                    grp_k[g0:g1],
                    keys[p],
                    r_start + ri,
                    scratch,
                    swaps,
                    drawn,
                )
                near[:] = sub[drawn[0], :m]
                for i in range(1, sizes[p]):
                    row = sub[drawn[i]]
                    for c in range(m):
                        near[c] = min(near[c], row[c])
                o, b1, b2, b3 = obs[p], a1[p], a2[p], a3[p]
                for d in range(n_d):
                    x = np.int64(0)
                    for j in range(t_off[d], t_off[d + 1]):
                        x += near[local[j]]
                    b1[d] += x
                    b2[d] += x * x
                    b3[d] += np.int64(x <= o[d])
    for p in nb.prange(n_p):
        for ch in range(n_chunks):
            for d in range(n_d):
                s1[p, d] += m1[ch, p, d]
                s2[p, d] += m2[ch, p, d]
                n_le[p, d] += m3[ch, p, d]
