"""Big proximity runs with bounded memory: the spool, the q pass, the summary, chunked writes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from netmarker.errors import StoreError
from netmarker.graph import EmbeddedStore
from netmarker.graph.neo4j import Neo4jStore
from netmarker.gridrun import GridSpool, GridSummary, bh_q
from netmarker.modules import add_q_values, grid_summary
from netmarker.network import Network, shortest_path_lengths
from netmarker.network.proximity import collect, iter_proximity, prepare_grid


@pytest.fixture(scope="module")
def grid_and_distances() -> tuple:
    g = nx.powerlaw_cluster_graph(300, 2, 0.2, seed=3)
    net = Network.from_edges(
        pd.DataFrame([(f"G{u}", f"G{v}") for u, v in g.edges()], columns=["gene_a", "gene_b"])
    )
    rng = np.random.default_rng(5)
    genes = [f"G{i}" for i in range(300)]
    targets = {f"D{i:02d}": list(rng.choice(genes, 1 + i % 4, replace=False)) for i in range(23)}
    sets = {f"P{j:02d}": list(rng.choice(genes, 5 + j % 7, replace=False)) for j in range(17)}
    grid = prepare_grid(net, targets, sets, n_random=60, min_bin_size=20, seed=9)
    return grid, shortest_path_lengths(net)


def _whole_table(grid, dist) -> pd.DataFrame:
    """The rows as the old path made them: the whole table, then q per drug."""
    return add_q_values(collect(grid, iter_proximity(grid, dist)).table)


@pytest.mark.parametrize("block_rows,chunk_rows", [(1, 1), (40, 100), (10_000, 10_000)])
def test_spool_chunks_equal_the_whole_table(grid_and_distances, block_rows, chunk_rows) -> None:
    grid, dist = grid_and_distances
    expected = _whole_table(grid, dist)
    blocks = list(iter_proximity(grid, dist, max_rows=block_rows))
    with GridSpool(grid) as spool:
        for block in reversed(blocks):  # blocks may arrive in any order (Dask)
            spool.add(block)
        assert spool.n_rows == len(expected)
        chunks = list(spool.chunks(max_rows=chunk_rows))
        folder = spool._dir
    assert not folder.exists()  # the spool is deleted
    assert all(len(c) <= max(chunk_rows, len(grid.paths)) for c in chunks)
    got = pd.concat(chunks, ignore_index=True)
    pd.testing.assert_frame_equal(got, expected[got.columns.tolist()])


def test_spool_refuses_a_missing_block(grid_and_distances) -> None:
    grid, dist = grid_and_distances
    blocks = list(iter_proximity(grid, dist, max_rows=100))
    with GridSpool(grid) as spool:
        spool.add(blocks[0])
        with pytest.raises(ValueError, match="not a block"):
            spool.add(blocks[0])
        with pytest.raises(ValueError, match="holds"):
            next(spool.chunks())


def test_bh_q_per_row_equals_per_drug() -> None:
    rng = np.random.default_rng(1)
    p = np.round(rng.uniform(0, 1, (7, 50)), 2)  # many ties, as empirical p's have
    rows = pd.DataFrame({"drug": np.repeat(np.arange(7), 50), "p": p.ravel()})
    np.testing.assert_array_equal(bh_q(p).ravel(), add_q_values(rows)["q"].to_numpy())


def test_summary_does_not_depend_on_chunking(grid_and_distances) -> None:
    grid, dist = grid_and_distances
    table = _whole_table(grid, dist)
    counts, best = grid_summary(table, z_cutoff=-0.5, top=7)
    summary = GridSummary(-0.5, top=7)
    for i in range(0, len(table), 13):
        summary.add(table.iloc[::-1].iloc[i : i + 13])
    assert summary.counts() == counts
    pd.testing.assert_frame_equal(summary.best(), best)
    assert counts["pairs"] == len(table) and counts["drugs"] == len(grid.drugs)
    assert counts["proximal_pairs"] == int((table["z"] <= -0.5).sum())
    assert best["z"].tolist() == sorted(table["z"])[:7]


def _prox(drugs: list[str], network: str, pathways: list[str], z0: float) -> pd.DataFrame:
    rows = pd.DataFrame([(d, p) for d in drugs for p in pathways], columns=["drug", "pathway"])
    z = z0 - np.arange(len(rows)) % 5 * 0.25
    return rows.assign(
        network=network, distance=2.0, z=z, p=0.5, q=0.7, n_random=10, seed=1, run="r1"
    )


def _chunks(table: pd.DataFrame, per: int) -> Iterator[pd.DataFrame]:
    table = table.sort_values(["drug", "z", "pathway"], kind="stable", ignore_index=True)
    drugs = sorted(table["drug"].unique())
    for i in range(0, len(drugs), per):
        yield table[table["drug"].isin(drugs[i : i + per])]


def _check_chunked_write(store, other) -> None:
    """``write_proximity_chunks`` on ``store`` gives what ``write_proximity`` gives on ``other``."""
    before = pd.concat(
        [
            _prox(["A", "C", "E", "G"], "n1", ["P1", "P2"], -1.0),
            _prox(["A", "B", "C"], "n2", ["P1", "P3"], -2.0),
            _prox(["Z"], "n0", ["P9"], 0.5),
        ],
        ignore_index=True,
    )
    new = _prox(["B", "C", "D", "G", "H"], "n1", ["P1", "P2", "P4"], -3.0).assign(run="r2")
    for s in (store, other):
        s.write_proximity(before)
    other.write_proximity(new)
    assert store.write_proximity_chunks(_chunks(new, 2)) == len(new)
    pd.testing.assert_frame_equal(store.proximity(), other.proximity())
    assert store.write_proximity_chunks(iter(())) == 0
    pd.testing.assert_frame_equal(store.proximity(), other.proximity())


def test_embedded_chunked_write_equals_the_whole_write(tmp_path: Path) -> None:
    _check_chunked_write(EmbeddedStore(tmp_path / "a"), EmbeddedStore(tmp_path / "b"))


def test_embedded_chunked_write_is_all_or_nothing(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "s")
    store.write_proximity(_prox(["A", "B"], "n1", ["P1"], -1.0))
    before = store.proximity()
    current = (tmp_path / "s" / "CURRENT").read_bytes()

    def failing() -> Iterator[pd.DataFrame]:
        yield _prox(["A"], "n1", ["P7"], -2.0)
        raise RuntimeError("the grid failed")

    with pytest.raises(RuntimeError, match="the grid failed"):
        store.write_proximity_chunks(failing())
    assert (tmp_path / "s" / "CURRENT").read_bytes() == current
    pd.testing.assert_frame_equal(store.proximity(), before)
    assert not [p for p in (tmp_path / "s").iterdir() if p.name.startswith(".tmp")]
    assert store.check().ok


def test_embedded_chunked_write_checks_the_rows_it_carries(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "s")
    store.write_proximity(_prox(["A", "B"], "n1", ["P1"], -1.0))
    [snap] = [p for p in (tmp_path / "s").iterdir() if p.name.startswith("snap-")]
    with open(snap / "proximity.parquet", "r+b") as fh:
        fh.seek(20)
        fh.write(b"\x00\x01\x02")
    with pytest.raises(StoreError, match=r"proximity\.parquet does not match its checksum"):
        store.write_proximity_chunks(_chunks(_prox(["C"], "n1", ["P1"], -1.0), 1))


def test_chunks_out_of_drug_order_are_refused(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "s")
    rows = _prox(["A", "B"], "n1", ["P1"], -1.0)
    with pytest.raises(ValueError, match="order"):
        store.write_proximity_chunks(reversed(list(_chunks(rows, 1))))
    assert store.proximity().empty


@pytest.mark.neo4j
def test_neo4j_chunked_write_equals_the_embedded_one(
    neo4j_store: Neo4jStore, tmp_path: Path
) -> None:
    _check_chunked_write(neo4j_store, EmbeddedStore(tmp_path / "b"))
    before = neo4j_store.proximity()

    def failing() -> Iterator[pd.DataFrame]:
        yield _prox(["A"], "n1", ["P7"], -2.0)
        raise RuntimeError("the grid failed")

    with pytest.raises(RuntimeError, match="the grid failed"):
        neo4j_store.write_proximity_chunks(failing())
    pd.testing.assert_frame_equal(neo4j_store.proximity(), before)
