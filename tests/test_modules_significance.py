"""Significance of proximal modules: BH q-values, z / q cutoffs, what passes by chance."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from scipy.stats import false_discovery_control, norm

from cli_helpers import load_small_inputs, run_cli
from netmarker.errors import NetmarkerError
from netmarker.graph import EmbeddedStore
from netmarker.graph.store import PROXIMITY_COLUMNS, Dataset, typed_frame
from netmarker.modules import (
    DEFAULT_Z_CUTOFF,
    add_q_values,
    compute_proximity,
    p_resolution,
    proximal_mask,
    proximal_modules,
    proximity_summary,
)


def _rows() -> pd.DataFrame:
    rng = np.random.default_rng(4)
    p = np.round(rng.uniform(0.001, 1, 30), 3)
    return pd.DataFrame(
        {
            "drug": ["A"] * 20 + ["B"] * 10,
            "pathway": [f"P{i}" for i in range(30)],
            "z": rng.normal(size=30),
            "p": p,
            "n_random": 999,
        }
    )


def test_q_is_benjamini_hochberg_over_each_drugs_pathways() -> None:
    rows = add_q_values(_rows())
    for _drug, g in rows.groupby("drug"):
        expected = false_discovery_control(g["p"].to_numpy(), method="bh")
        np.testing.assert_allclose(g["q"].to_numpy(), expected, rtol=0, atol=0)
    # per drug, not over the whole table: B's q differs from a BH over all 30 rows
    pooled = false_discovery_control(rows["p"].to_numpy(), method="bh")
    assert not np.allclose(rows["q"].to_numpy(), pooled)
    assert (rows["q"] >= rows["p"]).all() and (rows["q"] <= 1).all()


def test_selection_by_z_or_q_and_the_summary() -> None:
    rows = add_q_values(_rows())
    np.testing.assert_array_equal(proximal_mask(rows), rows["z"] <= DEFAULT_Z_CUTOFF)
    np.testing.assert_array_equal(proximal_mask(rows, q_cutoff=0.5), rows["q"] <= 0.5)
    with pytest.raises(NetmarkerError, match="not both"):
        proximal_mask(rows, -1.0, 0.1)
    with pytest.raises(NetmarkerError, match=r"\(0, 1\]"):
        proximal_mask(rows, q_cutoff=0)
    s = proximity_summary(rows, z_cutoff=-1.2816, q_cutoff=0.5).set_index("drug")
    assert s.loc["A", "pathways"] == 20 and s.loc["B", "pathways"] == 10
    # expected by chance at the z cutoff: n x the one-sided normal tail (0.1 at -1.2816)
    assert s.loc["A", "expected_z"] == pytest.approx(20 * norm.cdf(-1.2816))
    assert s.loc["A", "expected_z"] == pytest.approx(2.0, abs=1e-3)
    a = rows[rows["drug"] == "A"]
    assert s.loc["A", "pass_z"] == (a["z"] <= -1.2816).sum()
    assert s.loc["A", "pass_q"] == (a["q"] <= 0.5).sum()
    assert s.loc["A", "false_q_max"] == pytest.approx(0.5 * s.loc["A", "pass_q"])
    assert s.loc["A", "p_resolution"] == pytest.approx(1 / 1000) == p_resolution(999)


def test_q_is_stored_and_selects_modules(tmp_path: Path) -> None:
    s = EmbeddedStore(tmp_path / "store")
    g = nx.barabasi_albert_graph(300, 2, seed=7)
    pairs = sorted(tuple(sorted((f"G{u}", f"G{v}"))) for u, v in g.edges)
    edges = pd.DataFrame(pairs, columns=["gene_a", "gene_b"]).assign(score=np.nan)
    genes = pd.DataFrame({"symbol": sorted({x for p in pairs for x in p}), "entrez": ""})
    s.load_network("ppi", edges, genes, Dataset("network", "ppi", "gen", "n"))
    t = pd.DataFrame({"drug": "DRUGX", "gene": ["G10", "G11", "G12"], "source": "t"})
    s.load_targets(
        t, pd.DataFrame({"drug": ["DRUGX"], "synonyms": [""]}), Dataset("targets", "t", "g", "t")
    )
    near = sorted({n for x in (10, 11, 12) for n in g.neighbors(x)} | {10, 11, 12})[:12]
    sets = [("NEAR", f"G{i}") for i in near]
    sets += [(f"RAND{k}", f"G{i}") for k in range(8) for i in range(100 + 20 * k, 110 + 20 * k)]
    m = pd.DataFrame(sets, columns=["pathway", "gene"])
    p = pd.DataFrame({"pathway": sorted(m["pathway"].unique()), "source": "s", "url": ""})
    s.load_pathways(p, m, Dataset("pathways", "s", "g", "p"))
    compute_proximity(s, n_random=200, min_bin_size=20, seed=2, cache_dir=tmp_path / "cache")
    rows = s.proximity("DRUGX", "ppi")
    assert list(rows.columns) == PROXIMITY_COLUMNS and rows["q"].notna().all()
    expected = false_discovery_control(rows["p"].to_numpy(), method="bh")
    np.testing.assert_allclose(rows["q"].to_numpy(), expected, rtol=0, atol=0)
    assert rows["p"].min() >= p_resolution(200)
    best = rows["q"].min()
    chosen = proximal_modules(s, "DRUGX", q_cutoff=best)
    assert set(chosen) == set(rows.loc[rows["q"] <= best, "pathway"]) and "NEAR" in chosen
    with pytest.raises(NetmarkerError, match="no pathway with q <= 1e-05"):
        proximal_modules(s, "DRUGX", q_cutoff=1e-5)


def test_results_of_an_older_store_read_without_q(tmp_path: Path, capsys, monkeypatch) -> None:
    """A store written before q existed still reads; selecting by q asks for a recompute."""
    old = pd.DataFrame(
        {
            "drug": ["D"],
            "pathway": ["P"],
            "network": ["n"],
            "distance": [1.0],
            "z": [-2.0],
            "p": [0.01],
            "n_random": [99],
            "seed": [1],
            "run": ["r"],
        }
    )
    # a table read from a store written before q existed (both stores read through this)
    rows = typed_frame(old, PROXIMITY_COLUMNS)
    assert list(rows.columns) == PROXIMITY_COLUMNS and rows["q"].isna().all()
    assert proximal_mask(rows).tolist() == [True]
    with pytest.raises(NetmarkerError, match="compute` again"):
        proximal_mask(rows, q_cutoff=0.1)


def _compute(capsys, monkeypatch, base: list[str], *extra: str):
    return run_cli(
        capsys,
        monkeypatch,
        *base,
        "modules",
        "compute",
        "--drug",
        "5-FU",
        "--n-random",
        "200",
        "--min-bin-size",
        "20",
        *extra,
    )


def test_cli_compute_summary_and_show_cutoffs(capsys, monkeypatch, tmp_path, inputs) -> None:
    base = ["--store", str(tmp_path / "store")]
    load_small_inputs(capsys, monkeypatch, base, inputs)
    r = _compute(capsys, monkeypatch, base)
    assert r.code == 0, r.err
    for word in ("pass_z", "expected_z", "pass_q", "false_q_max", "1/(n_random+1) = 0.00498"):
        assert word in r.out, r.out
    assert "P(Z <= -1.2816) = 0.1" in r.out
    both = _compute(capsys, monkeypatch, base, "--z-cutoff", "-1", "--q-cutoff", "0.1")
    assert both.code == 2 and "not both" in both.err

    store = EmbeddedStore(tmp_path / "store")
    stored = store.proximity("FLUOROURACIL")
    assert stored["q"].notna().all()

    def show(*extra: str):
        return run_cli(capsys, monkeypatch, *base, "modules", "show", "--drug", "5-FU", *extra)

    tsv = show("--all-rows", "--format", "tsv")
    table = pd.read_csv(pd.io.common.StringIO(tsv.out), sep="\t", float_precision="round_trip")
    # full precision: the TSV gives back exactly the stored floats
    for column in ("distance", "z", "p", "q"):
        np.testing.assert_array_equal(table[column].to_numpy(), stored[column].to_numpy())
    assert (table["p_resolution"] == 1 / 201).all()
    # select by q: a cutoff at the best q keeps exactly the pathways at that q
    best = float(stored["q"].min())
    by_q = pd.read_csv(
        pd.io.common.StringIO(show("--q-cutoff", repr(best), "--format", "tsv").out), sep="\t"
    )
    assert set(by_q["pathway"]) == set(stored.loc[stored["q"] <= best, "pathway"])
    by_z = pd.read_csv(
        pd.io.common.StringIO(show("--z-cutoff", "100", "--format", "tsv").out), sep="\t"
    )
    assert len(by_z) == len(stored)
    shown = show("--all-rows")
    assert "resolution 1/(n+1) = 0.00498" in shown.out and " q " in shown.out.replace("┃", " ")
    mixed = show("--z-cutoff", "-1", "--q-cutoff", "0.1")
    assert mixed.code == 2 and "not both" in mixed.err


def test_cli_show_rwr_hints_the_rwr_command(capsys, monkeypatch, tmp_path, inputs) -> None:
    base = ["--store", str(tmp_path / "store")]
    load_small_inputs(capsys, monkeypatch, base, inputs)
    r = run_cli(capsys, monkeypatch, *base, "modules", "show", "--drug", "5-FU", "-m", "rwr")
    assert r.code == 0
    assert "modules compute --method rwr --drug FLUOROURACIL" in r.out.replace("\n", "")
