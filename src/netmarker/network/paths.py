"""Shortest paths from one node to its nearest members of a node set (the paths behind d_c).

The closest distance of network proximity, d_c(T, S), averages over targets t the hop
distance from t to the nearest node of S. ``closest_paths`` returns, for one t, that
distance, the nearest nodes of S and every shortest path from t to them, in a canonical
order (by nearest node, then node by node), so that "the first k paths" means the same
thing wherever it is computed. Nodes are compared by id; ``Network`` numbers genes in
symbol order, so on a ``Network`` this is the alphabetical order of the gene symbols.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp


@dataclass(frozen=True)
class ClosestPaths:
    """Shortest paths from ``source`` to the nearest members of a node set."""

    source: int
    #: hops to the nearest member (0 when the source is a member); -1 when none is reachable
    distance: int
    #: nearest members, sorted
    nearest: list[int]
    #: shortest paths, each a list of node ids from ``source`` to a nearest member, in
    #: canonical order; at most ``max_paths`` per source when that was given
    paths: list[list[int]]
    #: how many shortest paths there are in all (``len(paths)`` unless truncated)
    n_paths: int


def closest_paths(
    adjacency: sp.csr_matrix,
    source: int,
    members: np.ndarray,
    max_paths: int | None = None,
) -> ClosestPaths:
    """Every shortest path (or the first ``max_paths``) from ``source`` to its nearest member.

    ``adjacency`` is a symmetric CSR matrix with sorted indices; ``members`` holds node ids.
    Paths come ordered by their end node, then lexicographically by their node ids.
    """
    if max_paths is not None and max_paths < 1:
        raise ValueError("max_paths must be at least 1")
    n = adjacency.shape[0]
    is_member = np.zeros(n, dtype=bool)
    is_member[np.asarray(members, dtype=np.int64)] = True
    indptr, indices = adjacency.indptr, adjacency.indices
    dist = np.full(n, -1, dtype=np.int64)
    dist[source] = 0
    frontier: np.ndarray = np.array([source], dtype=np.int64)  # then CSR indices (int32)
    level = 0
    # breadth-first, one level at a time, until the level holds a member
    while frontier.size and not is_member[frontier].any():
        level += 1
        nbrs = np.unique(adjacency[frontier].indices)
        nbrs = nbrs[dist[nbrs] < 0]
        dist[nbrs] = level
        frontier = nbrs
    if not frontier.size:
        return ClosestPaths(source, -1, [], [], 0)
    nearest = np.sort(frontier[is_member[frontier]]).tolist()
    paths: list[list[int]] = []
    total = 0
    for end in nearest:
        on_path = _on_shortest_paths(indptr, indices, dist, end)
        count = _count_paths(indptr, indices, dist, on_path, source, level)
        total += count
        room = None if max_paths is None else max_paths - len(paths)
        if room is None or room > 0:
            paths += _enumerate(indptr, indices, dist, on_path, source, end, room)
    return ClosestPaths(source, level, nearest, paths, total)


def _on_shortest_paths(
    indptr: np.ndarray, indices: np.ndarray, dist: np.ndarray, end: int
) -> set[int]:
    """Nodes on some shortest path from the BFS source to ``end`` (walking levels back)."""
    keep = {end}
    layer = [end]
    while layer and dist[layer[0]] > 0:
        prev: set[int] = set()
        for v in layer:
            nb = indices[indptr[v] : indptr[v + 1]]
            prev.update(nb[dist[nb] == dist[v] - 1].tolist())
        keep |= prev
        layer = sorted(prev)
    return keep


def _count_paths(
    indptr: np.ndarray,
    indices: np.ndarray,
    dist: np.ndarray,
    on_path: set[int],
    source: int,
    level: int,
) -> int:
    """Number of shortest source -> end paths (dynamic programme over the levels)."""
    ways = {source: 1}
    for lv in range(1, level + 1):
        nxt: dict[int, int] = {}
        for u, w in ways.items():
            for v in indices[indptr[u] : indptr[u + 1]].tolist():
                if dist[v] == lv and v in on_path:
                    nxt[v] = nxt.get(v, 0) + w
        ways = nxt
    return sum(ways.values())


def _enumerate(
    indptr: np.ndarray,
    indices: np.ndarray,
    dist: np.ndarray,
    on_path: set[int],
    source: int,
    end: int,
    limit: int | None,
) -> list[list[int]]:
    """Shortest source -> end paths in lexicographic order, at most ``limit`` of them."""
    out: list[list[int]] = []
    path = [source]

    def walk(u: int) -> bool:
        if u == end:
            out.append(list(path))
            return limit is not None and len(out) >= limit
        # CSR indices are sorted, so children come in ascending id order
        for v in indices[indptr[u] : indptr[u + 1]].tolist():
            if dist[v] == dist[u] + 1 and v in on_path:
                path.append(v)
                stop = walk(v)
                path.pop()
                if stop:
                    return True
        return False

    walk(source)
    return out
