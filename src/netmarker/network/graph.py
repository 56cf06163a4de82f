"""The interaction network as the algorithms see it: the largest connected component, indexed."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from netmarker.errors import InputError

_REQUIRED = ("gene_a", "gene_b")


@dataclass(frozen=True)
class Network:
    """An undirected, unweighted gene network restricted to its largest connected component.

    Genes are sorted by symbol, so the same edge list always gives the same node order and
    the same ``checksum`` (which keys on-disk caches of anything computed from the topology).
    """

    #: gene symbols of the largest component, sorted; position = node id
    genes: np.ndarray
    #: symmetric 0/1 CSR adjacency (float64) over ``genes``, no self loops
    adjacency: sp.csr_matrix
    #: symmetric CSR of edge scores (NaN scores count as 1.0), same pattern as ``adjacency``
    weights: sp.csr_matrix
    #: genes that have edges but lie outside the largest component, sorted
    outside_lcc: np.ndarray
    #: sha256 of the sorted LCC edge list ("a\\tb\\n" per edge, a < b)
    checksum: str
    #: symbol -> node id
    index: dict[str, int] = field(repr=False)

    @property
    def n_nodes(self) -> int:
        """Number of genes in the largest component."""
        return int(self.genes.size)

    @property
    def n_edges(self) -> int:
        """Number of undirected edges in the largest component."""
        return int(self.adjacency.nnz // 2)

    @property
    def degree(self) -> np.ndarray:
        """Degree of each node (int64), aligned with ``genes``."""
        return np.diff(self.adjacency.indptr).astype(np.int64)

    @property
    def n_dropped_nodes(self) -> int:
        """Number of genes outside the largest component."""
        return int(self.outside_lcc.size)

    def locate(
        self, genes: list[str] | set[str] | tuple[str, ...]
    ) -> tuple[np.ndarray, list[str], list[str]]:
        """Split ``genes`` into (LCC node ids, genes outside the LCC, genes not in the network).

        Duplicates are removed; the node ids and both lists are sorted.
        """
        outside = set(self.outside_lcc.tolist())
        ids: set[int] = set()
        out_lcc: set[str] = set()
        absent: set[str] = set()
        for g in genes:
            i = self.index.get(g)
            if i is not None:
                ids.add(i)
            elif g in outside:
                out_lcc.add(g)
            else:
                absent.add(g)
        return np.array(sorted(ids), dtype=np.int64), sorted(out_lcc), sorted(absent)

    @classmethod
    def from_edges(cls, edges: pd.DataFrame, min_score: float | None = None) -> Network:
        """Build from an edge table (columns ``gene_a``, ``gene_b``, optional ``score``).

        Self loops are ignored, repeated pairs merged (max score), and only the largest
        connected component kept (ties: the one holding the alphabetically first gene).
        ``min_score`` keeps edges with ``score >= min_score``.
        """
        missing = [c for c in _REQUIRED if c not in edges.columns]
        if missing:
            raise InputError(None, f"edge table lacks column(s) {', '.join(missing)}")
        blank = edges["gene_a"].isna() | edges["gene_b"].isna()
        if blank.any():
            first = int(np.flatnonzero(blank.to_numpy())[0])
            raise InputError(
                None,
                f"edge table has {int(blank.sum())} row(s) with no gene name (first: row {first})",
            )
        a = edges["gene_a"].astype(str).to_numpy()
        b = edges["gene_b"].astype(str).to_numpy()
        if "score" in edges.columns:
            score = pd.to_numeric(edges["score"], errors="coerce").to_numpy(dtype=np.float64)
        else:
            score = np.full(a.size, np.nan)
        if min_score is not None:
            keep = score >= min_score
            a, b, score = a[keep], b[keep], score[keep]
        keep = a != b
        a, b, score = a[keep], b[keep], score[keep]
        if a.size == 0:
            raise InputError(
                None, "the network has no edges (after dropping self loops / filtering)"
            )
        lo, hi = np.minimum(a, b), np.maximum(a, b)
        # hash the symbols, then sort only the distinct ones (np.unique sorts all 2 x edges
        # Python strings: ~1 s on STRING); ids follow symbol order either way
        codes, uniques = pd.factorize(np.concatenate([lo, hi]), sort=False)
        order = np.argsort(uniques, kind="stable")
        rank = np.empty(order.size, dtype=np.int64)
        rank[order] = np.arange(order.size)
        all_genes, inv = np.asarray(uniques, dtype=object)[order], rank[codes]
        u, v = inv[: lo.size], inv[lo.size :]
        n_all = all_genes.size
        w = np.where(np.isnan(score), 1.0, score)
        # Merge repeated pairs keeping the max score: sort by (pair, score), keep the last.
        key = u.astype(np.int64) * n_all + v
        order = np.lexsort((w, key))
        key, u, v, w = key[order], u[order], v[order], w[order]
        last = np.r_[key[1:] != key[:-1], True]
        u, v, w = u[last], v[last], w[last]

        full = sp.coo_matrix((np.ones(u.size), (u, v)), shape=(n_all, n_all)).tocsr()
        _, labels = connected_components(full, directed=False)
        sizes = np.bincount(labels)
        # Largest component; np.argmax picks the lowest label, i.e. the one whose first gene
        # (in sorted order) comes first, so ties are broken deterministically.
        lcc = labels == np.argmax(sizes)
        new_id = np.full(n_all, -1, dtype=np.int64)
        new_id[lcc] = np.arange(int(lcc.sum()))
        in_lcc = lcc[u]
        u2, v2, w2 = new_id[u[in_lcc]], new_id[v[in_lcc]], w[in_lcc]
        genes = all_genes[lcc]
        n = genes.size
        rows = np.concatenate([u2, v2])
        cols = np.concatenate([v2, u2])
        adjacency = sp.csr_matrix((np.ones(rows.size), (rows, cols)), shape=(n, n))
        weights = sp.csr_matrix((np.concatenate([w2, w2]), (rows, cols)), shape=(n, n))
        adjacency.sort_indices()
        weights.sort_indices()
        return cls(
            genes=genes.astype(object),
            adjacency=adjacency,
            weights=weights,
            outside_lcc=all_genes[~lcc].astype(object),
            checksum=_edge_checksum(genes, u2, v2),
            index={g: i for i, g in enumerate(genes.tolist())},
        )


def _edge_checksum(genes: np.ndarray, u: np.ndarray, v: np.ndarray) -> str:
    """sha256 of the edge list as sorted ``a\\tb\\n`` lines (genes sorted, so ids sort alike)."""
    order = np.lexsort((v, u))
    h = hashlib.sha256()
    names = genes.tolist()
    chunk = 1 << 16
    for start in range(0, order.size, chunk):
        idx = order[start : start + chunk]
        h.update(
            "".join(
                f"{names[i]}\t{names[j]}\n" for i, j in zip(u[idx], v[idx], strict=True)
            ).encode()
        )
    return h.hexdigest()
