"""``modules explain``: the shortest paths behind a proximity result, in both stores."""

from __future__ import annotations

import io
import json
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from cli_helpers import load_small_inputs, run_cli
from netmarker.errors import NotFoundError
from netmarker.explain import (
    cytoscape_json,
    explain_cypher,
    explain_proximity,
    to_networkx,
    write_subnetwork,
)
from netmarker.graph import EmbeddedStore
from netmarker.graph.store import Dataset, GraphStore
from netmarker.modules import compute_proximity
from netmarker.network.graph import Network
from netmarker.network.paths import closest_paths

DEMO = Path(__file__).resolve().parents[1] / "data" / "demo"


# -- the path algorithm against networkx ---------------------------------------------------
@pytest.mark.parametrize("seed", range(6))
def test_closest_paths_match_networkx(seed: int) -> None:
    rng = np.random.default_rng(seed)
    g = nx.gnm_random_graph(60, 110, seed=seed)
    edges = pd.DataFrame(
        [(f"G{min(u, v):02d}", f"G{max(u, v):02d}") for u, v in g.edges],
        columns=["gene_a", "gene_b"],
    )
    net = Network.from_edges(edges)
    h = nx.from_scipy_sparse_array(net.adjacency)
    for _ in range(10):
        source = int(rng.integers(net.n_nodes))
        members = rng.choice(net.n_nodes, size=int(rng.integers(1, 6)), replace=False)
        got = closest_paths(net.adjacency, source, members)
        lengths = nx.single_source_shortest_path_length(h, source)
        best = min(lengths[int(m)] for m in members)
        nearest = sorted(int(m) for m in members if lengths[int(m)] == best)
        want = sorted(
            (p for m in nearest for p in nx.all_shortest_paths(h, source, m)),
            key=lambda p: (p[-1], p),
        )
        assert got.distance == best and got.nearest == nearest
        assert got.paths == want and got.n_paths == len(want)
        # the first k are a prefix of the canonical order
        k = closest_paths(net.adjacency, source, members, max_paths=2)
        assert k.paths == want[:2] and k.n_paths == len(want)


def test_closest_paths_unreachable_and_self() -> None:
    adj = nx.to_scipy_sparse_array(nx.Graph([(0, 1), (2, 3)]), nodelist=range(4), format="csr")
    none = closest_paths(adj, 0, np.array([3]))
    assert (none.distance, none.paths, none.n_paths) == (-1, [], 0)
    own = closest_paths(adj, 1, np.array([1, 0]))
    assert (own.distance, own.nearest, own.paths) == (0, [1], [[1]])


# -- a small store with every case --------------------------------------------------------
def _ds(kind: str, name: str) -> Dataset:
    return Dataset(kind, name, f"/in/{name}", name * 4, {}, "2024-01-01T00:00:00+00:00")


def fill_small(store: GraphStore) -> None:
    """A 150-gene scale-free network plus a 3-gene island; drugs with targets in the big
    component, on the island and absent from the network; pathways near, far, on the island
    and holding a target."""
    g = nx.barabasi_albert_graph(150, 2, seed=7)
    pairs = [tuple(sorted((f"G{u:03d}", f"G{v:03d}"))) for u, v in g.edges]
    pairs += [("ISL1", "ISL2"), ("ISL2", "ISL3")]
    edges = pd.DataFrame(sorted(pairs), columns=["gene_a", "gene_b"]).assign(score=900.0)
    genes = pd.DataFrame({"symbol": sorted({s for p in pairs for s in p}), "entrez": ""})
    store.load_network("ppi", edges, genes, _ds("network", "ppi"))
    targets = pd.DataFrame(
        {
            "drug": ["DRUGA"] * 5 + ["DRUGB"] * 2,
            "gene": ["G040", "G041", "G120", "ISL1", "NOWHERE", "G003", "G149"],
            "source": "t",
        }
    )
    drugs = pd.DataFrame({"drug": ["DRUGA", "DRUGB"], "synonyms": ["", ""]})
    store.load_targets(targets, drugs, _ds("targets", "t"))
    sets = {
        "NEAR": [*[f"G{n:03d}" for n in g.neighbors(40)][:4], "G000"],
        "FAR": [f"G{n:03d}" for n in range(130, 140)],
        "HOLDS_TARGET": ["G120", "G121", "G122"],
        "ISLAND": ["ISL3", "G100", "G101"],
        "HUB": ["G000", "G001", "G002"],
    }
    members = pd.DataFrame(
        [(k, v) for k, vs in sets.items() for v in vs], columns=["pathway", "gene"]
    )
    pathways = pd.DataFrame({"pathway": list(sets), "source": "test", "url": ""})
    store.load_pathways(pathways, members, _ds("pathways", "p"))


@pytest.fixture
def small_store(tmp_path: Path) -> EmbeddedStore:
    store = EmbeddedStore(tmp_path / "store")
    fill_small(store)
    compute_proximity(store, n_random=20, min_bin_size=10, cache_dir=tmp_path / "cache")
    return store


def test_explanation_reproduces_stored_distance(small_store: EmbeddedStore) -> None:
    prox = small_store.proximity()
    assert len(prox) == 10
    for row in prox.itertuples():
        expl = explain_proximity(small_store, row.drug, row.pathway)
        assert expl.matches_stored, (row.drug, row.pathway, expl.distance, row.distance)
        ok = expl.targets[expl.targets["status"] == "ok"]
        # every path has the target's distance and ends in a nearest pathway gene
        for t in ok.itertuples():
            paths = expl.paths[expl.paths["target"] == t.target]
            assert len(paths) == t.n_paths == t.n_shown > 0
            assert (paths["distance"] == t.distance).all()
            assert set(paths["pathway_gene"]) == set(t.nearest.split("|"))
            assert (paths["path"].str.split(" > ").str.len() == t.distance + 1).all()


def test_explanation_left_out_targets_and_roles(small_store: EmbeddedStore) -> None:
    expl = explain_proximity(small_store, "druga", "HOLDS_TARGET")
    status = dict(zip(expl.targets["target"], expl.targets["status"], strict=True))
    assert status == {
        "G040": "ok",
        "G041": "ok",
        "G120": "ok",
        "ISL1": "outside_lcc",
        "NOWHERE": "not_in_network",
    }
    roles = dict(zip(expl.genes["gene"], expl.genes["role"], strict=True))
    assert roles["G120"] == "target+pathway" and roles["G040"] == "target"
    assert set(expl.genes["role"]) <= {"target", "target+pathway", "linker", "pathway"}
    # degrees are the network's
    net = Network.from_edges(small_store.edges("ppi"))
    for gene, degree in zip(expl.genes["gene"], expl.genes["degree"], strict=True):
        assert degree == net.degree[net.index[gene]]
    island = explain_proximity(small_store, "DRUGA", "ISLAND")
    assert island.pathway_genes_left_out == ["ISL3"]


def test_max_paths_keeps_the_first_k(small_store: EmbeddedStore) -> None:
    full = explain_proximity(small_store, "DRUGB", "FAR")
    assert (full.targets["n_paths"] > 1).any()
    one = explain_proximity(small_store, "DRUGB", "FAR", max_paths=1)
    assert (one.targets["n_shown"] == 1).all()
    assert one.targets["n_paths"].tolist() == full.targets["n_paths"].tolist()
    first = full.paths[full.paths["rank"] == 1].reset_index(drop=True)
    pd.testing.assert_frame_equal(one.paths, first)
    assert one.distance == full.distance


def test_unknown_names(small_store: EmbeddedStore) -> None:
    with pytest.raises(NotFoundError, match="close matches: NEAR"):
        explain_proximity(small_store, "DRUGA", "NEARR")
    with pytest.raises(NotFoundError, match="unknown drug"):
        explain_proximity(small_store, "NOPE", "NEAR")
    with pytest.raises(NotFoundError, match="Neo4j"):
        explain_proximity(small_store, "DRUGA", "NEAR", engine="cypher")


def test_exports_and_drawing(small_store: EmbeddedStore, tmp_path: Path) -> None:
    from netmarker.plots import draw_explanation

    expl = explain_proximity(small_store, "DRUGA", "FAR")
    graph = to_networkx(expl)
    assert set(graph.nodes) == set(expl.genes["gene"])
    assert graph.number_of_edges() == len(expl.edges)
    write_subnetwork(expl, tmp_path / "x.graphml", "graphml")
    back = nx.read_graphml(tmp_path / "x.graphml")
    assert set(back.nodes) == set(graph.nodes)
    assert back.nodes["G040"]["role"] == "target"
    write_subnetwork(expl, tmp_path / "x.cyjs", "cytoscape")
    data = json.loads((tmp_path / "x.cyjs").read_text())
    assert data == json.loads(json.dumps(cytoscape_json(expl)))
    assert {n["data"]["id"] for n in data["elements"]["nodes"]} == set(graph.nodes)
    for suffix in ("png", "svg"):
        out = draw_explanation(expl, tmp_path / f"x.{suffix}")
        assert out.stat().st_size > 5_000
    assert (tmp_path / "x.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "G040" in (tmp_path / "x.svg").read_text()  # labels are text in the SVG


def test_cli_explain(
    tmp_path: Path,
    inputs: dict[str, Path],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NETMARKER_CACHE", str(tmp_path / "cache"))
    root = ["--store", str(tmp_path / "store")]
    load_small_inputs(capsys, monkeypatch, root, inputs)
    r = run_cli(capsys, monkeypatch, *root, "modules", "compute", "--all", "--n-random", "20")
    assert r.code == 0, r.err
    args = [*root, "modules", "explain", "-d", "erlotinib", "-p", "RANDOM_SET"]
    table = run_cli(capsys, monkeypatch, *args)
    assert table.code == 0, table.err
    assert "ERLOTINIB -> RANDOM_SET" in table.out and "stored d_c" in table.out
    js = run_cli(capsys, monkeypatch, *args, "--format", "json").json()
    assert js["matches_stored"] is True and js["d_c"] == js["stored_d_c"] > 0
    tsv = run_cli(capsys, monkeypatch, *args, "-f", "tsv", "--max-paths", "1").out
    rows = pd.read_csv(io.StringIO(tsv), sep="\t")
    assert list(rows.columns) == ["target", "pathway_gene", "distance", "rank", "path"]
    assert rows["path"].iloc[0].startswith("EGFR > ")
    png, gml = tmp_path / "e.png", tmp_path / "e.graphml"
    r = run_cli(capsys, monkeypatch, *args, "--png", str(png), "--graphml", str(gml))
    assert r.code == 0 and png.stat().st_size > 0 and nx.read_graphml(gml).number_of_nodes() > 1
    cy = run_cli(capsys, monkeypatch, *args, "--cypher")
    assert ":params {" in cy.out and '"drug": "ERLOTINIB"' in cy.out and "ALL SHORTEST" in cy.out
    bad = run_cli(capsys, monkeypatch, *root, "modules", "explain", "-d", "ERLOTINIB", "-p", "X")
    assert bad.code == 1 and "unknown pathway 'X'" in bad.err


def test_cypher_text_names_parameters(small_store: EmbeddedStore) -> None:
    text = explain_cypher(small_store, "druga", "near")
    assert '"drug": "DRUGA"' in text and '"pathway": "NEAR"' in text
    assert "$drug" in text and "$pathway" in text and "$network" in text


# -- the demo data: 5-FU x pyrimidine metabolism ------------------------------------------
def load_demo(store: GraphStore) -> None:
    from netmarker.graph.loading import load_network_file, load_pathways_file, load_targets_file

    load_network_file(store, DEMO / "string_v12_700_ntm.tsv.gz", "string_v12_700")
    load_pathways_file(store, DEMO / "reactome_msigdb_v6.1.gmt", source="reactome")
    load_targets_file(store, DEMO / "drug_targets_kong2020.tsv", source="kong2020")


DEMO_CASES = [
    ("FLUOROURACIL", "REACTOME_PYRIMIDINE_METABOLISM"),
    ("CISPLATIN", "REACTOME_APOPTOSIS"),
    ("IRINOTECAN", "REACTOME_DNA_REPLICATION"),
]


@pytest.mark.slow
def test_demo_five_fu_pyrimidine(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "store")
    load_demo(store)
    compute_proximity(
        store,
        drugs=[d for d, _ in DEMO_CASES],
        n_random=20,
        cache_dir=tmp_path / "cache",
    )
    for drug, pathway in DEMO_CASES:
        expl = explain_proximity(store, drug, pathway)
        assert expl.stored is not None and expl.matches_stored, (drug, pathway)
    five = explain_proximity(store, "5-FU", "REACTOME_PYRIMIDINE_METABOLISM")
    # 5-FU's one target, TYMS, is itself in the pathway: d_c = 0, one path of one gene
    assert five.stored["distance"] == five.distance == 0.0
    assert five.paths["path"].tolist() == ["TYMS"]
    assert five.genes["role"].tolist() == ["target+pathway"]


# -- reverse and cross-drug queries ---------------------------------------------------------
def test_drugs_near_pathway_and_similar(small_store: EmbeddedStore) -> None:
    from netmarker.queries import drugs_near_pathway, similar_drugs

    prox = small_store.proximity()
    for pathway in prox["pathway"].unique():
        every = drugs_near_pathway(small_store, pathway, z_cutoff=None)
        assert sorted(every["drug"]) == ["DRUGA", "DRUGB"]
        assert every["z"].is_monotonic_increasing
        near = drugs_near_pathway(small_store, pathway, z_cutoff=0.0)
        assert set(near["drug"]) == set(every.loc[every["z"] <= 0.0, "drug"])
    sim = similar_drugs(small_store, "DRUGA", z_cutoff=0.5)
    assert sim["drug"].tolist() == ["DRUGB"]
    a = prox[prox["drug"] == "DRUGA"].set_index("pathway")["z"]
    b = prox[prox["drug"] == "DRUGB"].set_index("pathway")["z"].reindex(a.index)
    in_a, in_b = set(a.index[a <= 0.5]), set(b.index[b <= 0.5])
    row = sim.iloc[0]
    assert row["jaccard"] == pytest.approx(len(in_a & in_b) / len(in_a | in_b))
    assert row["z_correlation"] == pytest.approx(np.corrcoef(a, b)[0, 1])
    assert (row["shared_proximal"], row["proximal"], row["n_pathways"]) == (
        len(in_a & in_b),
        len(in_b),
        5,
    )


def test_similar_ranks_by_overlap() -> None:
    from netmarker.queries import _similarity

    rows = pd.DataFrame({"z_query": [-3.0, -2.0, 1.0, 0.5], "z_other": [-2.5, 0.0, -2.0, 0.1]})
    other, jaccard, corr, shared, proximal, n = _similarity("X", rows, -1.0)
    assert (other, jaccard, shared, proximal, n) == ("X", 1 / 3, 1, 2, 4)
    assert corr == pytest.approx(np.corrcoef(rows["z_query"], rows["z_other"])[0, 1])


def test_cli_show_pathway_and_similar(
    tmp_path: Path,
    inputs: dict[str, Path],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NETMARKER_CACHE", str(tmp_path / "cache"))
    root = ["--store", str(tmp_path / "store")]
    load_small_inputs(capsys, monkeypatch, root, inputs)
    r = run_cli(capsys, monkeypatch, *root, "modules", "compute", "--all", "--n-random", "20")
    assert r.code == 0, r.err
    show = [*root, "modules", "show", "--pathway", "near_tyms"]
    rows = run_cli(capsys, monkeypatch, *show, "--all-rows", "-f", "json").json()
    assert sorted(r["drug"] for r in rows) == ["ERLOTINIB", "FLUOROURACIL"]
    assert all(r["pathway"] == "NEAR_TYMS" for r in rows)
    table = run_cli(capsys, monkeypatch, *show, "--z-cutoff", "100")
    assert table.code == 0 and "drugs proximal to NEAR_TYMS" in table.out
    both = run_cli(capsys, monkeypatch, *root, "modules", "show", "-d", "5-FU", "-p", "X")
    assert both.code != 0
    sim = run_cli(capsys, monkeypatch, *root, "modules", "similar", "-d", "5-FU", "-f", "json")
    assert sim.code == 0, sim.err
    assert [r["drug"] for r in sim.json()] == ["ERLOTINIB"]


def test_cli_plots_of_stored_results(
    tmp_path: Path,
    inputs: dict[str, Path],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NETMARKER_CACHE", str(tmp_path / "cache"))
    root = ["--store", str(tmp_path / "store")]
    load_small_inputs(capsys, monkeypatch, root, inputs)
    assert run_cli(capsys, monkeypatch, *root, "modules", "compute", "--all").code == 0
    for args in (
        ["heatmap", "-o", str(tmp_path / "h.png"), "--z-cutoff", "10"],
        ["zsize", "-d", "5-FU", "-o", str(tmp_path / "z.svg")],
    ):
        r = run_cli(capsys, monkeypatch, *root, "plot", *args)
        assert r.code == 0, r.err
        assert Path(args[args.index("-o") + 1]).stat().st_size > 5_000
