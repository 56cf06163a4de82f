"""All-pairs shortest-path lengths (hops) of an unweighted network, and their on-disk cache."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numba as nb
import numpy as np
import scipy.sparse as sp
from numba.cpython.unsafe.numbers import trailing_zeros

from netmarker.network.graph import Network

#: marks "no path" in a distance matrix
UNREACHABLE = 255
_MAX_HOPS = 254


def shortest_path_lengths(network: Network | sp.spmatrix) -> np.ndarray:
    """Hop distances between all node pairs, as an ``n x n`` uint8 matrix (255 = unreachable).

    Accepts a ``Network`` or any square symmetric sparse adjacency. Raises ValueError when a
    path is longer than 254 hops (no PPI network comes near; uint8 keeps 17k nodes in 300 MB).
    """
    adj = network.adjacency if isinstance(network, Network) else sp.csr_matrix(network)
    n = adj.shape[0]
    if adj.shape != (n, n):
        raise ValueError(f"adjacency must be square, got {adj.shape}")
    indptr = adj.indptr.astype(np.int64)
    indices = adj.indices.astype(np.int64)
    out = np.empty((n, n), dtype=np.uint8)
    if n == 0:
        return out
    too_long = _bfs_all_pairs(indptr, indices, out)
    if too_long:
        raise ValueError(f"the network has shortest paths longer than {_MAX_HOPS} hops")
    return out


def cached_shortest_path_lengths(network: Network, cache_dir: str | Path) -> np.ndarray:
    """``shortest_path_lengths`` kept in ``cache_dir`` under the network's checksum.

    A hit returns a read-only memory map; a miss computes, writes a temp file and renames
    it into place, so readers never see a half-written matrix.
    """
    cache = Path(cache_dir)
    path = cache / f"spl-{network.checksum}.npy"
    if path.exists():
        dist = np.load(path, mmap_mode="r", allow_pickle=False)
        if dist.shape == (network.n_nodes, network.n_nodes) and dist.dtype == np.uint8:
            return dist
    cache.mkdir(parents=True, exist_ok=True)
    dist = shortest_path_lengths(network)
    fd, tmp = tempfile.mkstemp(prefix=".spl-", suffix=".npy.tmp", dir=cache)
    try:
        with os.fdopen(fd, "wb") as fh:
            np.save(fh, dist, allow_pickle=False)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return np.load(path, mmap_mode="r", allow_pickle=False)


@nb.njit(parallel=True, cache=True)
def _bfs_all_pairs(indptr: np.ndarray, indices: np.ndarray, out: np.ndarray) -> bool:
    """Bit-parallel BFS: 64 sources per uint64 word, one source block per parallel task.

    Writes ``out[v, s]`` for sources ``s`` of the block; the matrix is symmetric, so writing
    the column block keeps each thread's writes in contiguous 64-byte runs per row.
    """
    n = indptr.size - 1
    n_blocks = (n + 63) // 64
    too_long = np.zeros(n_blocks, dtype=np.bool_)
    one = np.uint64(1)
    zero = np.uint64(0)
    for blk in nb.prange(n_blocks):
        base = blk * 64
        width = min(64, n - base)
        visited = np.zeros(n, dtype=np.uint64)
        frontier = np.zeros(n, dtype=np.uint64)
        nxt = np.zeros(n, dtype=np.uint64)
        for v in range(n):
            for b in range(width):
                out[v, base + b] = UNREACHABLE
        for b in range(width):
            bit = one << np.uint64(b)
            visited[base + b] = bit
            frontier[base + b] = bit
            out[base + b, base + b] = 0
        level = 0
        active = True
        while active:
            level += 1
            active = False
            for v in range(n):
                acc = zero
                for k in range(indptr[v], indptr[v + 1]):
                    acc |= frontier[indices[k]]
                new = acc & ~visited[v]
                nxt[v] = new
                if new != zero:
                    if level > _MAX_HOPS:
                        too_long[blk] = True
                        continue
                    active = True
                    visited[v] |= new
                    w = new
                    while w != zero:
                        b = trailing_zeros(w)
                        out[v, base + b] = level
                        w &= w - one
            frontier, nxt = nxt, frontier
            if too_long[blk]:
                break
    return too_long.any()
