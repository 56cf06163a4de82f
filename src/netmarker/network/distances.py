"""All-pairs shortest-path lengths (hops) of an unweighted network, and their on-disk cache."""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import tempfile
from pathlib import Path
from typing import IO, Any

import numba as nb
import numpy as np
import scipy.sparse as sp
from numba.cpython.unsafe.numbers import trailing_zeros

from netmarker.errors import CacheError
from netmarker.network.graph import Network

log = logging.getLogger(__name__)

#: marks "no path" in a distance matrix
UNREACHABLE = 255
_MAX_HOPS = 254


def shortest_path_lengths(network: Network | sp.csr_matrix | sp.csr_array) -> np.ndarray:
    """Hop distances between all node pairs, as an ``n x n`` uint8 matrix (255 = unreachable).

    Accepts a ``Network`` or a square symmetric CSR adjacency. Raises ValueError when a
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

    The file name also carries the SHA-256 of the file's bytes, checked on every hit, so a
    damaged (edited, truncated, bit-flipped) cache is never used: it is removed and rebuilt
    with a warning. A hit returns a read-only memory map; a miss computes, writes a temp file
    (locked while written) and renames it into place, so readers never see a half-written
    matrix; temp files that killed processes left are removed by the next write.
    """
    cache = Path(cache_dir)
    prefix = f"spl-{network.checksum}"
    for path in sorted(cache.glob(f"{prefix}-*.npy")) if cache.is_dir() else []:
        dist = _verified(path, network.n_nodes)
        if dist is not None:
            return dist
        log.warning("warning: distance cache %s is damaged; rebuilding it", path)
        path.unlink(missing_ok=True)
    try:
        cache.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CacheError(f"cannot create the distance cache {cache}: {exc.strerror}") from None
    dist = shortest_path_lengths(network)
    _remove_stale_temps(cache)
    try:
        fd, tmp = tempfile.mkstemp(prefix=".spl-", suffix=".npy.tmp", dir=cache)
    except OSError as exc:
        raise CacheError(f"cannot write the distance cache {cache}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)  # tells other processes this temp file is live
            digest = hashlib.sha256()
            _HashingWriter(fh, digest).save(dist)
            fh.flush()
            os.fsync(fh.fileno())
            path = cache / f"{prefix}-{digest.hexdigest()}.npy"
            os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise CacheError(f"cannot write the distance cache {cache}: {exc.strerror}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    (cache / f"{prefix}.npy").unlink(missing_ok=True)  # the unchecked format of older versions
    mapped: np.ndarray = np.load(path, mmap_mode="r", allow_pickle=False)
    return mapped


def _verified(path: Path, n: int) -> np.ndarray | None:
    """The memory-mapped matrix at ``path`` if its bytes match the SHA-256 in its name."""
    expected = path.stem.rsplit("-", 1)[-1]
    try:
        with open(path, "rb") as fh:
            digest = hashlib.file_digest(fh, "sha256").hexdigest()
        if digest != expected:
            return None
        dist: np.ndarray = np.load(path, mmap_mode="r", allow_pickle=False)
    except (OSError, ValueError, EOFError):
        return None
    if dist.shape != (n, n) or dist.dtype != np.uint8:
        return None
    return dist


class _HashingWriter:
    """A file wrapper that hashes what ``np.save`` writes through it."""

    def __init__(self, fh: IO[bytes], digest: Any) -> None:
        self.fh, self.digest = fh, digest

    def write(self, data: bytes | memoryview) -> int:
        self.digest.update(data)
        return self.fh.write(data)

    def save(self, array: np.ndarray) -> None:
        np.save(self, array, allow_pickle=False)


def _remove_stale_temps(cache: Path) -> None:
    """Remove temp files of killed writers (a live writer holds a lock on its temp file)."""
    for tmp in cache.glob(".spl-*.npy.tmp"):
        try:
            with open(tmp, "rb") as fh:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                tmp.unlink(missing_ok=True)
        except (BlockingIOError, FileNotFoundError):
            continue


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
                        # numba types an intrinsic's __call__ as its compile-time hook
                        # (context, src), not as the call that jitted code makes
                        b = trailing_zeros(w)  # type: ignore[call-arg]
                        out[v, base + b] = level
                        w &= w - one
            frontier, nxt = nxt, frontier
            if too_long[blk]:
                break
    return bool(too_long.any())
