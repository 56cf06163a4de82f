"""All-pairs hop distances: hand-checked graphs and scipy.sparse.csgraph on random graphs."""

from __future__ import annotations

import re
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
    assert len(files) == 1 and re.fullmatch(f"spl-{net.checksum}-[0-9a-f]{{64}}\\.npy", files[0])
    second = cached_shortest_path_lengths(net, tmp_path / "cache")
    assert isinstance(second, np.memmap)
    assert (np.asarray(first) == shortest_path_lengths(net)).all()
    assert (np.asarray(second) == np.asarray(first)).all()


def _cached_net(tmp_path: Path) -> tuple[Network, Path, np.ndarray]:
    g = nx.powerlaw_cluster_graph(150, 2, 0.1, seed=7)
    edges = pd.DataFrame([(f"G{u}", f"G{v}") for u, v in g.edges()], columns=["gene_a", "gene_b"])
    net = Network.from_edges(edges)
    truth = np.asarray(cached_shortest_path_lengths(net, tmp_path / "cache")).copy()
    return net, next((tmp_path / "cache").glob("spl-*.npy")), truth


@pytest.mark.parametrize("damage", ["flip", "entries-set-to-1", "truncate", "empty"])
def test_damaged_cache_is_rebuilt_with_a_warning(tmp_path: Path, damage: str, caplog) -> None:
    net, file, truth = _cached_net(tmp_path)
    data = bytearray(file.read_bytes())
    if damage == "flip":
        data[len(data) // 2] ^= 0x10
    elif damage == "entries-set-to-1":
        data[-2000:] = b"\x01" * 2000  # same size and header, wrong distances
    elif damage == "truncate":
        data = data[: len(data) // 3]
    else:
        data = bytearray()
    file.write_bytes(bytes(data))
    with caplog.at_level("WARNING"):
        again = cached_shortest_path_lengths(net, tmp_path / "cache")
    assert (np.asarray(again) == truth).all()
    assert any(
        "distance cache" in r.getMessage() and "damaged" in r.getMessage() for r in caplog.records
    )
    assert len(list((tmp_path / "cache").iterdir())) == 1


def test_cache_leftovers_of_killed_writers_are_removed(tmp_path: Path) -> None:
    import fcntl

    net, file, _ = _cached_net(tmp_path)
    cache = tmp_path / "cache"
    stale = cache / ".spl-dead.npy.tmp"
    stale.write_bytes(b"partial")
    live = cache / ".spl-live.npy.tmp"
    with open(live, "wb") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)  # a writer still writing
        file.unlink()
        cached_shortest_path_lengths(net, cache)
        assert not stale.exists() and live.exists()


def test_cache_dir_that_cannot_be_made_is_one_line(tmp_path: Path) -> None:
    from netmarker.errors import CacheError

    (tmp_path / "file").write_text("x")
    net, _, _ = _cached_net(tmp_path)
    with pytest.raises(CacheError, match="cannot create the distance cache"):
        cached_shortest_path_lengths(net, tmp_path / "file" / "cache")
