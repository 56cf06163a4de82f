"""Network proximity: hand-checked distances, the null against its definition, planted modules."""

from __future__ import annotations

import hashlib
import importlib
from pathlib import Path

import networkx as nx
import numba
import numpy as np
import pandas as pd
import pytest
from scipy.sparse.csgraph import shortest_path as scipy_shortest_path

from netmarker.network import (
    Network,
    closest_distance,
    degree_bins,
    draw_degree_matched,
    proximity,
    shortest_path_lengths,
)
from netmarker.network.proximity import iter_proximity, prepare_grid

# the module (the package exports a function of the same name)
proximity_module = importlib.import_module("netmarker.network.proximity")


def _network(g: nx.Graph) -> Network:
    rows = [(f"G{u}", f"G{v}") for u, v in g.edges()]
    return Network.from_edges(pd.DataFrame(rows, columns=["gene_a", "gene_b"]))


def _ids(net: Network, names: list[str]) -> np.ndarray:
    return np.array(sorted(net.index[n] for n in names))


def test_closest_distance_on_a_path() -> None:
    net = Network.from_edges(
        pd.DataFrame({"gene_a": ["A", "B", "C", "D"], "gene_b": ["B", "C", "D", "E"]})
    )
    dist = shortest_path_lengths(net)
    assert closest_distance(dist, _ids(net, ["A", "E"]), _ids(net, ["C"])) == 2.0
    assert closest_distance(dist, _ids(net, ["A", "E"]), _ids(net, ["B", "D"])) == 1.0
    assert closest_distance(dist, _ids(net, ["A"]), _ids(net, ["D", "E"])) == 3.0
    # d_c is not symmetric: from {A, B} to {E}: (4 + 3) / 2; from {E} to {A, B}: 3
    assert closest_distance(dist, _ids(net, ["A", "B"]), _ids(net, ["E"])) == 3.5
    assert closest_distance(dist, _ids(net, ["E"]), _ids(net, ["A", "B"])) == 3.0
    assert closest_distance(dist, _ids(net, ["C"]), _ids(net, ["C", "A"])) == 0.0


@pytest.fixture(scope="module")
def graph() -> tuple[Network, np.ndarray]:
    net = _network(nx.powerlaw_cluster_graph(600, 2, 0.2, seed=11))
    return net, shortest_path_lengths(net)


def test_table_matches_the_definition_with_the_same_draws(
    graph: tuple[Network, np.ndarray],
) -> None:
    net, dist = graph
    targets = {"DRUG_A": ["G5", "G40", "G41"], "DRUG_B": ["G300"]}
    sets = {"P1": ["G1", "G2", "G3", "G77", "G500"], "P2": ["G200", "G201"]}
    n_random, seed, min_bin = 60, 99, 50
    res = proximity(net, dist, targets, sets, n_random=n_random, min_bin_size=min_bin, seed=seed)
    assert len(res.table) == 4
    bins = degree_bins(net.degree, min_bin)
    for row in res.table.itertuples():
        t = _ids(net, targets[row.drug])
        s = _ids(net, sets[row.pathway])
        t_rand = draw_degree_matched(bins, t, n_random, seed=seed, side="targets", name=row.drug)
        s_rand = draw_degree_matched(bins, s, n_random, seed=seed, side="genes", name=row.pathway)
        d = closest_distance(dist, t, s)
        null = np.array([closest_distance(dist, a, b) for a, b in zip(t_rand, s_rand, strict=True)])
        assert row.distance == pytest.approx(d)
        assert row.z == pytest.approx((d - null.mean()) / null.std())
        assert row.p == pytest.approx((1 + (null <= d + 1e-12).sum()) / (1 + n_random))
        assert (row.n_random, row.seed, row.n_targets, row.n_genes) == (
            n_random,
            seed,
            t.size,
            s.size,
        )


def test_seed_determinism_and_thread_independence(graph: tuple[Network, np.ndarray]) -> None:
    net, dist = graph
    targets = {"D": ["G1", "G2", "G9"]}
    sets = {"P": [f"G{i}" for i in range(100, 130)], "Q": ["G7", "G8"]}
    a = proximity(net, dist, targets, sets, n_random=200, min_bin_size=50, seed=1).table
    b = proximity(net, dist, targets, sets, n_random=200, min_bin_size=50, seed=1).table
    c = proximity(net, dist, targets, sets, n_random=200, min_bin_size=50, seed=2).table
    pd.testing.assert_frame_equal(a, b)
    assert (a["distance"] == c["distance"]).all()
    assert not np.allclose(a["z"], c["z"])
    threads = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        one = proximity(net, dist, targets, sets, n_random=200, min_bin_size=50, seed=1).table
    finally:
        numba.set_num_threads(threads)
    pd.testing.assert_frame_equal(a, one)


def test_a_drug_draws_the_same_null_whatever_else_is_run(graph: tuple[Network, np.ndarray]) -> None:
    net, dist = graph
    sets = {"P": [f"G{i}" for i in range(100, 130)]}
    alone = proximity(net, dist, {"D": ["G1", "G2"]}, sets, n_random=100, min_bin_size=50).table
    many = proximity(
        net,
        dist,
        {"A": ["G3"], "D": ["G1", "G2"], "Z": ["G9", "G10"]},
        sets,
        n_random=100,
        min_bin_size=50,
    ).table
    pd.testing.assert_frame_equal(alone, many[many.drug == "D"].reset_index(drop=True))


def test_planted_module_is_close_and_a_far_one_is_not() -> None:
    g = nx.powerlaw_cluster_graph(2000, 2, 0.3, seed=3)
    net = _network(g)
    dist = shortest_path_lengths(net)
    rng = np.random.default_rng(0)
    low_degree = [n for n in g if g.degree(n) <= 4]
    targets = [int(x) for x in rng.choice(low_degree, 4, replace=False)]
    near = sorted({v for t in targets for v in g.neighbors(t)} | set(targets[:2]))
    hops = nx.multi_source_dijkstra_path_length(g, targets)
    far_pool = [n for n, h in hops.items() if h >= 4]
    far = [int(x) for x in rng.choice(far_pool, len(near), replace=False)]
    res = proximity(
        net,
        dist,
        {"DRUG": [f"G{t}" for t in targets]},
        {"NEAR": [f"G{v}" for v in near], "FAR": [f"G{v}" for v in far]},
        n_random=400,
        min_bin_size=100,
    ).table.set_index("pathway")
    assert res.loc["NEAR", "z"] < -2
    assert res.loc["NEAR", "p"] < 0.05
    assert res.loc["FAR", "z"] > -1


def test_genes_outside_the_lcc_are_reported_and_dropped() -> None:
    g = nx.powerlaw_cluster_graph(300, 2, 0.1, seed=4)
    g.add_edges_from([(1000, 1001), (1001, 1002)])  # a separate small component
    net = _network(g)
    dist = shortest_path_lengths(net)
    targets = {"D1": ["G1", "G1000", "NOT_A_GENE"], "D2": ["G1001", "G1002"]}
    sets = {"P": ["G5", "G6", "G1002"], "EMPTY": ["G1000", "ALSO_NOT"]}
    res = proximity(net, dist, targets, sets, n_random=50, min_bin_size=50)
    assert res.table[["drug", "pathway"]].values.tolist() == [["D1", "P"]]
    assert res.table.loc[0, "n_targets"] == 1 and res.table.loc[0, "n_genes"] == 2
    assert res.skipped_drugs == ["D2"]
    assert res.skipped_pathways == ["EMPTY"]
    dropped = set(map(tuple, res.dropped.values.tolist()))
    assert dropped == {
        ("target", "D1", "G1000", "outside_lcc"),
        ("target", "D1", "NOT_A_GENE", "not_in_network"),
        ("target", "D2", "G1001", "outside_lcc"),
        ("target", "D2", "G1002", "outside_lcc"),
        ("gene", "P", "G1002", "outside_lcc"),
        ("gene", "EMPTY", "G1000", "outside_lcc"),
        ("gene", "EMPTY", "ALSO_NOT", "not_in_network"),
    }


def test_progress_reaches_the_total(graph: tuple[Network, np.ndarray]) -> None:
    net, dist = graph
    calls: list[tuple[int, int]] = []
    proximity(
        net,
        dist,
        {"D": ["G1"]},
        {"P": ["G2"]},
        n_random=120,
        min_bin_size=50,
        progress=lambda done, total: calls.append((done, total)),
    )
    assert calls[-1] == (120, 120)
    assert [c[0] for c in calls] == sorted(c[0] for c in calls)


def test_bad_arguments(graph: tuple[Network, np.ndarray]) -> None:
    net, dist = graph
    with pytest.raises(ValueError, match="n_random"):
        proximity(net, dist, {"D": ["G1"]}, {"P": ["G2"]}, n_random=1)
    with pytest.raises(ValueError, match="distances"):
        proximity(net, dist[:10, :10], {"D": ["G1"]}, {"P": ["G2"]})


@pytest.mark.realdata
def test_real_string_network_and_reactome(shared_data: Path) -> None:
    from netmarker.io.network import read_network

    edges = shared_data / "string_derived" / "dmfind_string_v12.0_ntm_700_top3_entrez.tsv.gz"
    gmt = shared_data / "msigdb_reactome" / "msigdb_v6.1_c2.cp.reactome.symbols.gmt"
    if not edges.exists() or not gmt.exists():
        pytest.skip("STRING v12 (dmfind) or MSigDB Reactome v6.1 not in the shared data")
    net = Network.from_edges(read_network(edges, min_score=700, id_type="symbol").edges)
    dist = shortest_path_lengths(net)
    sources = np.arange(0, net.n_nodes, net.n_nodes // 15)
    ref = scipy_shortest_path(net.adjacency, unweighted=True, directed=False, indices=sources)
    assert np.isfinite(ref).all()  # the largest component is connected
    assert (dist[sources] == ref.astype(np.uint8)).all()

    wanted = {
        "REACTOME_RAF_MAP_KINASE_CASCADE",
        "REACTOME_ACETYLCHOLINE_BINDING_AND_DOWNSTREAM_EVENTS",
    }
    with open(gmt) as fh:
        sets = {
            f[0]: f[2:] for f in (line.rstrip("\n").split("\t") for line in fh) if f[0] in wanted
        }
    res = proximity(net, dist, {"TRAMETINIB": ["MAP2K1", "MAP2K2"]}, sets, n_random=200)
    z = res.table.set_index("pathway")["z"]
    # MEK1/2 sit inside the RAF/MAP kinase cascade; nicotinic receptors are far from them
    assert res.table.set_index("pathway").loc["REACTOME_RAF_MAP_KINASE_CASCADE", "distance"] == 0
    assert z["REACTOME_RAF_MAP_KINASE_CASCADE"] < -2
    assert z["REACTOME_ACETYLCHOLINE_BINDING_AND_DOWNSTREAM_EVENTS"] > -1


def _many_drugs() -> dict[str, list[str]]:
    return {f"D{i:03d}": [f"G{(7 * i + j) % 600}" for j in range(1 + i % 4)] for i in range(160)}


def _sets() -> dict[str, list[str]]:
    rng = np.random.default_rng(5)
    return {
        f"P{i}": [f"G{g}" for g in rng.choice(600, int(rng.integers(1, 40)), replace=False)]
        for i in range(25)
    }


def test_both_null_kernels_give_the_same_table(
    graph: tuple[Network, np.ndarray], monkeypatch: pytest.MonkeyPatch
) -> None:
    net, dist = graph
    targets, sets = _many_drugs(), _sets()
    # the cost model picks the rows kernel for 400 targets in a 600-node network ...
    n_slots, n_genes = sum(len(t) for t in targets.values()), sum(len(g) for g in sets.values())
    assert not proximity_module._columns_pay_off(600, n_slots, n_genes)
    rows = proximity(net, dist, targets, sets, n_random=120, min_bin_size=50).table
    monkeypatch.setattr(proximity_module, "_KERNEL", "columns")
    few = proximity(net, dist, targets, sets, n_random=120, min_bin_size=50).table
    pd.testing.assert_frame_equal(rows, few)
    # ... and the columns kernel for one drug with two targets
    assert proximity_module._columns_pay_off(600, 2, n_genes)
    monkeypatch.setattr(proximity_module, "_KERNEL", "rows")
    one = proximity(net, dist, {"D": ["G1", "G2"]}, sets, n_random=120, min_bin_size=50).table
    monkeypatch.setattr(proximity_module, "_KERNEL", None)
    pd.testing.assert_frame_equal(one, proximity(
        net, dist, {"D": ["G1", "G2"]}, sets, n_random=120, min_bin_size=50
    ).table)  # fmt: skip


@pytest.mark.parametrize("n", [1, 8, 37])
def test_gather_columns_is_the_columns_of_a_symmetric_matrix(n: int) -> None:
    rng = np.random.default_rng(n)
    half = rng.integers(0, 16, (n, n), dtype=np.uint8)
    dist = np.triu(half) + np.triu(half, 1).T  # symmetric, as shortest-path lengths are
    n_pad = (n + 7) // 8 * 8
    for m in range(1, min(n, 13) + 1):
        cols = rng.choice(n, m, replace=False).astype(np.int64)
        width = (m + 7) // 8 * 8
        out = np.full(n_pad * width // 8, 0xFFFFFFFFFFFFFFFF, dtype=np.uint64)
        tile = np.zeros((8, n_pad), dtype=np.uint8)
        proximity_module._gather_columns(dist, cols, m, tile, out, width)
        got = out.view(np.uint8).reshape(n_pad, width)
        np.testing.assert_array_equal(got[:n, :m], dist[:, cols])
        assert not got[:n, m:].any()  # padding columns are zero


def test_any_split_into_blocks_gives_the_same_rows(graph: tuple[Network, np.ndarray]) -> None:
    net, dist = graph
    grid = prepare_grid(net, _many_drugs(), _sets(), n_random=60, min_bin_size=50)
    whole = pd.concat(iter_proximity(grid, dist, max_rows=10**9))
    assert len(whole) == grid.n_pairs == 160 * 25
    spans = grid.spans(max_rows=400)
    assert len(spans) == 13 and spans[0] == (0, 2)
    blocks = [grid.block(dist, a, b) for a, b in spans]
    assert max(len(b) for b in blocks) <= 400
    key = ["drug", "pathway"]
    pd.testing.assert_frame_equal(
        whole.sort_values(key).reset_index(drop=True),
        pd.concat(blocks).sort_values(key).reset_index(drop=True),
    )


#: sha256 of the Kong grid (drug, pathway, distance, z, p) at 200 draws, seed 452456, as
#: computed by the per-chunk null before the per-pathway rewrite (commit 9ff45cf; at 1,000
#: draws it was 0fecfb2f188a66da2129021010676cb8bd9b1b89fd6632cb29561fd4fe1c62ec, and is)
KONG_GRID_SHA256 = "0eb90a6cfa3e5cb7c7f8278b1dbf190fea4d2b89819d2ef7b4de5e5907560722"


def _kong_targets(path: Path) -> dict[str, list[str]]:
    """Drug -> targets; a row naming several drugs ("CETUXIMAB,GEFITINIB") gives each of them."""
    out: dict[str, list[str]] = {}
    for line in path.read_text().splitlines()[1:]:
        if line.strip():
            drugs, genes = line.split("\t")
            for drug in drugs.split(","):
                have = out.setdefault(drug.strip(), [])
                have += [g.strip() for g in genes.split(",") if g.strip() and g.strip() not in have]
    return out


@pytest.mark.realdata
@pytest.mark.slow
@pytest.mark.parametrize("kernel", ["columns", "rows"], ids=["columns", "rows"])
def test_kong_grid_is_bit_identical_to_the_previous_null(
    shared_data: Path, monkeypatch: pytest.MonkeyPatch, kernel: str
) -> None:
    from netmarker.io.network import read_network

    edges = shared_data / "string_derived" / "dmfind_string_v12.0_ntm_700_top3_entrez.tsv.gz"
    gmt = shared_data / "msigdb_reactome" / "msigdb_v6.1_c2.cp.reactome.symbols.gmt"
    net = Network.from_edges(read_network(edges, min_score=700, id_type="symbol").edges)
    with open(gmt) as fh:
        sets = {f[0]: [g for g in f[2:] if g] for f in (ln.rstrip("\n").split("\t") for ln in fh)}
    targets = _kong_targets(shared_data / "kong2020" / "drug_drugTarget.txt")
    monkeypatch.setattr(proximity_module, "_KERNEL", kernel)
    table = proximity(net, shortest_path_lengths(net), targets, sets, n_random=200).table
    h = hashlib.sha256("\n".join(table["drug"] + "\t" + table["pathway"]).encode())
    for column in ["distance", "z", "p"]:
        h.update(np.ascontiguousarray(table[column].to_numpy(np.float64)).tobytes())
    assert len(table) == 48 * 674
    assert h.hexdigest() == KONG_GRID_SHA256
