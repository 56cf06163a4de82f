"""Random walk with restart against networkx.pagerank with personalisation."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from netmarker.errors import InputError
from netmarker.network import Network, random_walk_with_restart, top_module


@pytest.fixture(scope="module")
def karate() -> tuple[nx.Graph, Network]:
    g = nx.relabel_nodes(nx.karate_club_graph(), lambda n: f"G{n:02d}")
    for i, (u, v) in enumerate(g.edges()):
        g[u][v]["score"] = 400 + (37 * i) % 600
    rows = [(u, v, d["score"]) for u, v, d in g.edges(data=True)]
    return g, Network.from_edges(pd.DataFrame(rows, columns=["gene_a", "gene_b", "score"]))


@pytest.mark.parametrize("restart", [0.15, 0.5, 0.85])
def test_matches_networkx_pagerank(karate: tuple[nx.Graph, Network], restart: float) -> None:
    g, net = karate
    seeds = ["G00", "G33", "G05"]
    scores = random_walk_with_restart(net, seeds, restart=restart, tol=1e-13)
    ref = nx.pagerank(
        g,
        alpha=1 - restart,
        personalization=dict.fromkeys(seeds, 1.0),
        tol=1e-14,
        max_iter=10_000,
        weight=None,
    )
    assert scores.sum() == pytest.approx(1.0)
    for gene, value in ref.items():
        assert scores[gene] == pytest.approx(value, abs=1e-9)
    assert (np.diff(scores.to_numpy()) <= 0).all()


def test_weighted_walk_and_seed_weights(karate: tuple[nx.Graph, Network]) -> None:
    g, net = karate
    seeds = {"G01": 2.0, "G20": 1.0}
    scores = random_walk_with_restart(net, seeds, weighted=True, tol=1e-13)
    ref = nx.pagerank(
        g, alpha=0.5, personalization=seeds, tol=1e-14, max_iter=10_000, weight="score"
    )
    for gene, value in ref.items():
        assert scores[gene] == pytest.approx(value, abs=1e-9)


def test_unknown_seeds_are_dropped_and_reported(karate: tuple[nx.Graph, Network]) -> None:
    _, net = karate
    scores = random_walk_with_restart(net, ["G00", "NOPE"])
    assert scores.attrs["dropped_seeds"] == ["NOPE"]
    assert scores.index[0] == "G00"
    with pytest.raises(InputError, match="none of the seeds"):
        random_walk_with_restart(net, ["NOPE"])


def test_non_convergence_is_an_error(karate: tuple[nx.Graph, Network]) -> None:
    _, net = karate
    with pytest.raises(RuntimeError, match="did not converge"):
        random_walk_with_restart(net, ["G00"], restart=0.01, tol=1e-15, max_iter=3)


def test_top_module() -> None:
    s = pd.Series({"A": 0.1, "B": 0.5, "C": 0.3, "D": 0.05})
    assert top_module(s, k=2).index.tolist() == ["B", "C"]
    assert top_module(s, min_score=0.1).index.tolist() == ["B", "C", "A"]
    assert top_module(s, k=1, min_score=0.2).index.tolist() == ["B"]
    with pytest.raises(ValueError):
        top_module(s)
