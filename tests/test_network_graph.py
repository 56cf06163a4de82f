"""Network construction: largest component, indexing, merging, checksum."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from netmarker.errors import InputError
from netmarker.network import Network


def _edges(rows: list[tuple[str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["gene_a", "gene_b", "score"])


def test_keeps_largest_component_and_reports_the_rest() -> None:
    net = Network.from_edges(
        _edges([("A", "B", 900), ("B", "C", 800), ("C", "D", 700), ("X", "Y", 999)])
    )
    assert net.genes.tolist() == ["A", "B", "C", "D"]
    assert net.outside_lcc.tolist() == ["X", "Y"]
    assert net.n_dropped_nodes == 2
    assert net.n_edges == 3
    assert net.degree.tolist() == [1, 2, 2, 1]
    assert net.index == {"A": 0, "B": 1, "C": 2, "D": 3}
    dense = net.adjacency.toarray()
    assert (dense == dense.T).all()
    assert dense[0, 1] == 1 and dense[0, 2] == 0


def test_merges_repeats_drops_self_loops_and_filters_scores() -> None:
    net = Network.from_edges(
        _edges([("B", "A", 500), ("A", "B", 900), ("A", "A", 999), ("B", "C", 650)]), min_score=700
    )
    assert net.genes.tolist() == ["A", "B"]
    assert net.n_edges == 1
    assert net.weights[0, 1] == 900
    assert net.outside_lcc.tolist() == []


def test_checksum_ignores_edge_order_direction_and_scores() -> None:
    a = Network.from_edges(_edges([("A", "B", 900), ("B", "C", 800)]))
    b = Network.from_edges(_edges([("C", "B", 1), ("B", "A", 2), ("A", "B", 3)]))
    c = Network.from_edges(_edges([("A", "B", 900), ("A", "C", 800)]))
    assert a.checksum == b.checksum
    assert a.checksum != c.checksum


def test_locate_splits_lcc_outside_and_absent() -> None:
    net = Network.from_edges(_edges([("A", "B", 1), ("B", "C", 1), ("X", "Y", 1)]))
    ids, outside, absent = net.locate(["C", "A", "X", "NOPE", "A"])
    assert ids.tolist() == [0, 2]
    assert outside == ["X"]
    assert absent == ["NOPE"]


def test_bad_edge_tables_raise_input_error() -> None:
    with pytest.raises(InputError, match="gene_b"):
        Network.from_edges(pd.DataFrame({"gene_a": ["A"]}))
    with pytest.raises(InputError, match="no gene name"):
        Network.from_edges(pd.DataFrame({"gene_a": ["A", None], "gene_b": ["B", "C"]}))
    with pytest.raises(InputError, match="no edges"):
        Network.from_edges(_edges([("A", "A", 1.0)]))


def test_missing_scores_count_as_one() -> None:
    net = Network.from_edges(pd.DataFrame({"gene_a": ["A"], "gene_b": ["B"]}))
    assert net.weights[0, 1] == 1.0
    assert np.isclose(net.adjacency.sum(), 2.0)
