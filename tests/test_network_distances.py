"""All-pairs hop distances: hand-checked graphs and scipy.sparse.csgraph on random graphs."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from scipy.sparse.csgraph import shortest_path

from netmarker.network import (
    UNREACHABLE,
    Network,
    cached_shortest_path_lengths,
    shortest_path_lengths,
)


def _adj(g: nx.Graph) -> sp.csr_matrix:
    return sp.csr_matrix(nx.to_scipy_sparse_array(g, nodelist=sorted(g.nodes()), format="csr"))


def test_path_graph() -> None:
    d = shortest_path_lengths(_adj(nx.path_graph(5)))
    expected = np.abs(np.arange(5)[:, None] - np.arange(5)[None, :])
    assert d.dtype == np.uint8
    assert (d == expected).all()


def test_star_graph() -> None:
    d = shortest_path_lengths(_adj(nx.star_graph(4)))  # node 0 is the centre
    assert d[0].tolist() == [0, 1, 1, 1, 1]
    assert d[1].tolist() == [1, 0, 2, 2, 2]
    assert (d == d.T).all()


def test_two_components_are_unreachable() -> None:
    g = nx.Graph([(0, 1), (1, 2), (3, 4)])
    d = shortest_path_lengths(_adj(g))
    assert d[0, 2] == 2
    assert d[3, 4] == 1
    assert d[0, 3] == UNREACHABLE and d[4, 2] == UNREACHABLE


@pytest.mark.parametrize(
    ("n", "m", "seed"), [(63, 80, 1), (64, 64, 2), (300, 450, 3), (700, 2000, 4)]
)
def test_matches_scipy_on_random_graphs(n: int, m: int, seed: int) -> None:
    g = nx.gnm_random_graph(n, m, seed=seed)  # sparse enough to be disconnected too
    a = _adj(g)
    ref = shortest_path(a, unweighted=True, directed=False)
    ref = np.where(np.isinf(ref), UNREACHABLE, ref).astype(np.uint8)
    assert (shortest_path_lengths(a) == ref).all()


def test_long_paths_are_refused() -> None:
    with pytest.raises(ValueError, match="254 hops"):
        shortest_path_lengths(_adj(nx.path_graph(300)))


def test_cache_round_trip(tmp_path: Path) -> None:
    g = nx.powerlaw_cluster_graph(200, 2, 0.1, seed=5)
    edges = pd.DataFrame([(f"G{u}", f"G{v}") for u, v in g.edges()], columns=["gene_a", "gene_b"])
    net = Network.from_edges(edges)
    first = cached_shortest_path_lengths(net, tmp_path / "cache")
    files = sorted(p.name for p in (tmp_path / "cache").iterdir())
    assert files == [f"spl-{net.checksum}.npy"]
    second = cached_shortest_path_lengths(net, tmp_path / "cache")
    assert isinstance(second, np.memmap)
    assert (np.asarray(first) == shortest_path_lengths(net)).all()
    assert (np.asarray(second) == np.asarray(first)).all()
