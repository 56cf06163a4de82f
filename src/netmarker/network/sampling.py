"""Degree binning and reproducible degree-matched random node sets (the proximity null).

Binning follows ``get_degree_binning`` of the published toolbox (emreg00/toolbox,
``network_utilities.py``): distinct degrees are taken in ascending order and pooled into a
bin until it holds at least ``min_bin_size`` nodes; a short last bin is merged into the one
before it. A random set replaces each member by a node of the same bin.

Where we differ from the toolbox, on purpose:

* Each bin contributes a uniformly random subset of distinct nodes (as many as the set has
  members in that bin), drawn by a partial Fisher-Yates shuffle. The toolbox draws per
  member, excludes the member itself and retries up to 20 times on a collision, so its
  random sets can come out smaller than the original; ours never do (a set's members are
  distinct nodes of their bins, so a bin always has enough nodes).
* Every set has its own random stream, keyed by ``(seed, side, name)`` and the draw number
  (splitmix64, counter based), so draws do not depend on the order of sets, on which other
  sets are run, or on the number of threads. The toolbox reseeds Python's ``random`` with
  the same seed for both sides, which correlates target and gene-set draws.
* A network smaller than ``min_bin_size`` gets a single bin (the toolbox fails there).

Other tools: the standalone emreg00/proximity package defaults to ``min_bin_size = n_nodes //
100`` and seed 51234; netmedpy-style ports keep the toolbox binning. We keep the toolbox
defaults (100, 452456), as Kong et al. 2020 did.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numba as nb
import numpy as np

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_C1 = np.uint64(0xBF58476D1CE4E5B9)
_C2 = np.uint64(0x94D049BB133111EB)
_TO_UNIT = 1.0 / 9007199254740992.0  # 2**-53


@dataclass(frozen=True)
class DegreeBins:
    """Nodes grouped by degree: bin ``b`` holds ``nodes[offsets[b]:offsets[b + 1]]``."""

    #: bin id of every node
    bin_of: np.ndarray
    #: node ids grouped by bin, ascending within a bin
    nodes: np.ndarray
    #: bin boundaries into ``nodes`` (length n_bins + 1)
    offsets: np.ndarray
    #: smallest and largest degree in each bin
    low: np.ndarray
    high: np.ndarray

    @property
    def n_bins(self) -> int:
        """Number of bins."""
        return int(self.low.size)

    def sizes(self) -> np.ndarray:
        """Number of nodes in each bin."""
        return np.diff(self.offsets)


def degree_bins(degree: np.ndarray, min_bin_size: int = 100) -> DegreeBins:
    """Bin nodes by degree so that every bin holds at least ``min_bin_size`` nodes."""
    if min_bin_size < 1:
        raise ValueError("min_bin_size must be at least 1")
    degree = np.asarray(degree, dtype=np.int64)
    if degree.size == 0:
        raise ValueError("cannot bin an empty network")
    values, counts = np.unique(degree, return_counts=True)
    starts: list[int] = []  # index into values where each bin starts
    filled = 0
    for i, c in enumerate(counts):
        if filled == 0:
            starts.append(i)
        filled += int(c)
        if filled >= min_bin_size:
            filled = 0
    if filled and len(starts) > 1:  # short last bin: merge into the previous one
        starts.pop()
    bounds = np.append(np.asarray(starts, dtype=np.int64), values.size)
    low = values[bounds[:-1]]
    high = values[bounds[1:] - 1]
    value_bin = np.repeat(np.arange(low.size), np.diff(bounds))
    bin_of = value_bin[np.searchsorted(values, degree)]
    nodes = np.argsort(bin_of, kind="stable").astype(np.int64)
    offsets = np.concatenate([[0], np.cumsum(np.bincount(bin_of, minlength=low.size))])
    return DegreeBins(
        bin_of=bin_of, nodes=nodes, offsets=offsets.astype(np.int64), low=low, high=high
    )


def stream_key(seed: int, side: str, name: str) -> np.uint64:
    """The 64-bit key of one set's random stream."""
    digest = hashlib.sha256(f"{int(seed)}\x1f{side}\x1f{name}".encode()).digest()
    return np.uint64(int.from_bytes(digest[:8], "little"))


def group_by_bin(bins: DegreeBins, nodes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Bins touched by ``nodes`` (ascending) and how many of the nodes fall in each."""
    b, k = np.unique(bins.bin_of[np.asarray(nodes, dtype=np.int64)], return_counts=True)
    return b.astype(np.int64), k.astype(np.int64)


def draw_degree_matched(
    bins: DegreeBins, nodes: np.ndarray, n_random: int, *, seed: int, side: str, name: str
) -> np.ndarray:
    """``n_random`` degree-matched random versions of the node set ``nodes``: (n_random, k) ids.

    Row ``r`` is the same whatever else is drawn: it depends on (seed, side, name, r) and the
    set's bin counts only. Columns follow the set's members ordered by bin.
    """
    nodes = np.unique(np.asarray(nodes, dtype=np.int64))
    grp_bin, grp_k = group_by_bin(bins, nodes)
    out = np.empty((n_random, nodes.size), dtype=np.int64)
    keys = np.array([stream_key(seed, side, name)], dtype=np.uint64)
    grp_off = np.array([0, grp_bin.size], dtype=np.int64)
    size_off = np.array([0, nodes.size], dtype=np.int64)
    _draw_many(bins.nodes, bins.offsets, grp_bin, grp_k, grp_off, size_off, keys, out)
    return out


@nb.njit(inline="always")
def _mix(z: np.uint64) -> np.uint64:
    z = (z ^ (z >> np.uint64(30))) * _C1
    z = (z ^ (z >> np.uint64(27))) * _C2
    return z ^ (z >> np.uint64(31))


@nb.njit(cache=True)
def draw_set(
    bin_off: np.ndarray,
    grp_bin: np.ndarray,
    grp_k: np.ndarray,
    key: np.uint64,
    r: int,
    scratch: np.ndarray,
    swaps: np.ndarray,
    out: np.ndarray,
) -> None:
    """Draw one random set (draw number ``r``) into ``out``.

    ``grp_k[g]`` (at most the size of bin ``grp_bin[g]``) distinct nodes come from each bin.
    ``scratch`` must equal the bins' node list (``DegreeBins.nodes``) on entry, and does again
    on return (swaps are undone); ``swaps`` needs room for the largest per-bin count.
    """
    state = _mix(key ^ _mix(np.uint64(r) + _GOLDEN))
    pos = 0
    for g in range(grp_bin.size):
        start = bin_off[grp_bin[g]]
        size = bin_off[grp_bin[g] + 1] - start
        k = grp_k[g]
        for j in range(k):
            state += _GOLDEN
            u = float(_mix(state) >> np.uint64(11)) * _TO_UNIT
            pick = j + int(u * (size - j))
            swaps[j] = pick
            a, b = start + j, start + pick
            scratch[a], scratch[b] = scratch[b], scratch[a]
            out[pos + j] = scratch[a]
        for j in range(k - 1, -1, -1):
            a, b = start + j, start + swaps[j]
            scratch[a], scratch[b] = scratch[b], scratch[a]
        pos += k


@nb.njit(parallel=True, cache=True)
def _draw_many(
    bin_nodes: np.ndarray,
    bin_off: np.ndarray,
    grp_bin: np.ndarray,
    grp_k: np.ndarray,
    grp_off: np.ndarray,
    size_off: np.ndarray,
    keys: np.ndarray,
    out: np.ndarray,
    start: int = 0,
) -> None:
    """Draws ``start ...`` of several sets (set ``i`` fills columns ``size_off[i:i + 2]``)."""
    n_random = out.shape[0]
    max_k = 1
    for g in range(grp_k.size):
        max_k = max(max_k, grp_k[g])
    for r in nb.prange(n_random):
        scratch = bin_nodes.copy()
        swaps = np.empty(max_k, dtype=np.int64)
        for i in range(keys.size):
            g0, g1 = grp_off[i], grp_off[i + 1]
            draw_set(
                bin_off,
                grp_bin[g0:g1],
                grp_k[g0:g1],
                keys[i],
                start + r,
                scratch,
                swaps,
                out[r, size_off[i] : size_off[i + 1]],
            )


class SetDraws:
    """Random versions of many sets, prepared once (bins, counts, stream keys) and drawn in
    any range of draw numbers: ``draws(start, n)`` is (n, total) ids, row ``i`` holding draw
    ``start + i`` of every set, set ``j`` in columns ``offsets[j]:offsets[j + 1]``."""

    def __init__(
        self, bins: DegreeBins, sets: list[np.ndarray], *, seed: int, side: str, names: list[str]
    ) -> None:
        grp_bins, grp_ks, sizes = [], [], []
        for nodes in sets:
            b, k = group_by_bin(bins, nodes)
            grp_bins.append(b)
            grp_ks.append(k)
            sizes.append(int(k.sum()))
        empty = np.empty(0, dtype=np.int64)
        self.bins = bins
        self.grp_bin = np.concatenate(grp_bins) if grp_bins else empty
        self.grp_k = np.concatenate(grp_ks) if grp_ks else empty
        self.grp_off = np.concatenate([[0], np.cumsum([b.size for b in grp_bins])]).astype(np.int64)
        self.offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        self.keys = np.array([stream_key(seed, side, n) for n in names], dtype=np.uint64)

    def draws(self, start: int, n: int) -> np.ndarray:
        """Draws ``start ... start + n - 1`` of every set."""
        out = np.empty((n, int(self.offsets[-1])), dtype=np.int64)
        _draw_many(
            self.bins.nodes,
            self.bins.offsets,
            self.grp_bin,
            self.grp_k,
            self.grp_off,
            self.offsets,
            self.keys,
            out,
            start,
        )
        return out
