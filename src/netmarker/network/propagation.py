"""Random walk with restart (personalised PageRank) from drug targets, and module cutting.

    p <- (1 - restart) * W p + restart * p0,   W = A D^-1 (column-normalised adjacency)

``p0`` spreads unit mass over the seeds (or by the given seed weights). The walk runs on the
largest connected component, which has no dangling nodes, so mass is conserved and the
scores sum to 1. The default restart probability is 0.5: half of the mass returns to the
targets each step, which keeps the module local to them (networkx.pagerank with
``alpha = 1 - restart`` and ``personalization = p0`` gives the same scores).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp

from netmarker.errors import InputError
from netmarker.network.graph import Network


def random_walk_with_restart(
    network: Network,
    seeds: Sequence[str] | Mapping[str, float],
    *,
    restart: float = 0.5,
    tol: float = 1e-10,
    max_iter: int = 1000,
    weighted: bool = False,
) -> pd.Series:
    """Steady-state visiting probability of every gene, highest first (index: gene symbol).

    Seeds outside the largest component are ignored and listed in ``result.attrs["dropped_seeds"]``.
    ``weighted`` walks along edge scores instead of treating edges alike. Stops when the L1
    change falls below ``tol``; raises RuntimeError if ``max_iter`` steps do not get there.
    """
    if not 0.0 < restart <= 1.0:
        raise ValueError("restart must be in (0, 1]")
    weights = dict(seeds) if isinstance(seeds, Mapping) else dict.fromkeys(seeds, 1.0)
    p0 = np.zeros(network.n_nodes)
    dropped = []
    for gene, w in weights.items():
        i = network.index.get(gene)
        if i is None:
            dropped.append(gene)
        elif w < 0:
            raise InputError(None, f"seed weight of {gene} is negative ({w})")
        else:
            p0[i] += w
    if p0.sum() <= 0:
        raise InputError(None, "none of the seeds is in the network's largest connected component")
    p0 /= p0.sum()
    adj = network.weights if weighted else network.adjacency
    col_sum = np.asarray(adj.sum(axis=0)).ravel()
    walk = sp.csr_matrix(adj @ sp.diags(1.0 / col_sum))
    p = p0.copy()
    for _ in range(max_iter):
        nxt = (1.0 - restart) * (walk @ p) + restart * p0
        delta = np.abs(nxt - p).sum()
        p = nxt
        if delta < tol:
            break
    else:
        raise RuntimeError(f"random walk did not converge to {tol} in {max_iter} steps")
    scores = pd.Series(p, index=pd.Index(network.genes, name="gene"), name="score")
    scores = scores.sort_values(ascending=False, kind="stable")
    scores.attrs["dropped_seeds"] = sorted(dropped)
    return scores


def top_module(
    scores: pd.Series, k: int | None = None, min_score: float | None = None
) -> pd.Series:
    """The highest-scoring genes: the top ``k``, those scoring at least ``min_score``, or both."""
    if k is None and min_score is None:
        raise ValueError("give k, min_score or both")
    out = scores.sort_values(ascending=False, kind="stable")
    if min_score is not None:
        out = out[out >= min_score]
    if k is not None:
        if k < 0:
            raise ValueError("k must be non-negative")
        out = out.iloc[:k]
    return out
