"""The embedded store: merges, idempotent reloads, atomic writes, result replacement."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from netmarker.errors import NotFoundError, StoreError
from netmarker.graph import EmbeddedStore, open_store
from netmarker.graph.store import Dataset, GraphStore


def _edges(rows: list[tuple[str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["gene_a", "gene_b", "score"])


GENES = pd.DataFrame({"symbol": ["A", "B", "C"], "entrez": ["1", "2", ""]})


def _ds(kind: str, name: str, checksum: str = "c1") -> Dataset:
    return Dataset(kind=kind, name=name, source_file=f"/x/{name}.tsv", checksum=checksum)


@pytest.fixture
def store(tmp_path: Path) -> EmbeddedStore:
    return EmbeddedStore(tmp_path / "store")


def test_is_a_graph_store(store: EmbeddedStore) -> None:
    assert isinstance(store, GraphStore)


def test_empty_store_reads_empty_tables(store: EmbeddedStore) -> None:
    assert store.networks() == []
    assert store.targets().empty and store.members().empty and store.datasets().empty
    assert store.status()["genes"] == 0


def test_network_load_reload_and_merge(store: EmbeddedStore) -> None:
    r1 = store.load_network(
        "ppi", _edges([("A", "B", 500.0), ("B", "C", 900.0)]), GENES, _ds("network", "ppi")
    )
    assert not r1.already_loaded and r1.counts["edges_new"] == 2
    r2 = store.load_network(
        "ppi", _edges([("A", "B", 500.0), ("B", "C", 900.0)]), GENES, _ds("network", "ppi")
    )
    assert r2.already_loaded
    assert len(store.datasets()) == 1
    # another file into the same network: new pair added, repeated pair keeps the max score
    store.load_network(
        "ppi",
        _edges([("A", "B", 800.0), ("A", "C", np.nan)]),
        GENES,
        _ds("network", "ppi", checksum="c2"),
    )
    e = store.edges("ppi")
    assert list(zip(e.gene_a, e.gene_b, strict=True)) == [("A", "B"), ("A", "C"), ("B", "C")]
    assert e.score.tolist()[0] == 800.0 and np.isnan(e.score.tolist()[1])
    g = store.genes()
    assert g.set_index("symbol").loc["A", "entrez"] == "1"
    assert store.status()["networks"]["ppi"] == {"edges": 3, "genes": 3}


def test_unknown_network_and_bad_name(store: EmbeddedStore) -> None:
    with pytest.raises(NotFoundError, match="unknown network 'nope'"):
        store.edges("nope")
    with pytest.raises(StoreError, match="invalid network name"):
        store.load_network("../evil", _edges([("A", "B", 1.0)]), GENES, _ds("network", "x"))


def test_non_canonical_edges_rejected(store: EmbeddedStore) -> None:
    with pytest.raises(StoreError, match="canonical"):
        store.load_network("ppi", _edges([("B", "A", 1.0)]), GENES, _ds("network", "ppi"))
    assert store.networks() == []


def test_targets_and_pathways(store: EmbeddedStore) -> None:
    t = pd.DataFrame({"drug": ["X", "X", "Y"], "gene": ["A", "B", "A"], "source": "s"})
    d = pd.DataFrame({"drug": ["X"], "synonyms": ["XX|X1"]})
    store.load_targets(t, d, _ds("targets", "s"))
    store.load_targets(
        t, pd.DataFrame({"drug": ["X"], "synonyms": ["X2"]}), _ds("targets", "s", "c2")
    )
    assert store.targets("X")["gene"].tolist() == ["A", "B"]
    assert store.drugs().set_index("drug").loc["X", "synonyms"] == "X1|X2|XX"
    assert [store.drug_named(n) for n in ("X", "X2", "XX", "Y", "X1|X2", "")] == [
        "X",
        "X",
        "X",
        "Y",
        None,
        None,
    ]
    assert len(store.targets()) == 3
    p = pd.DataFrame({"pathway": ["P1", "P2"], "source": "r", "url": ""})
    m = pd.DataFrame({"pathway": ["P1", "P1", "P2"], "gene": ["A", "C", "B"]})
    store.load_pathways(p, m, _ds("pathways", "r"))
    assert store.members("r")["gene"].tolist() == ["A", "C", "B"]
    assert store.members("other").empty
    s = store.status()
    assert s["targets"]["s"] == {"drugs": 2, "links": 3, "genes": 2}
    assert s["pathways"]["r"] == {"pathways": 2, "memberships": 3, "genes": 3}
    json.dumps(s)  # JSON-able


def test_failed_write_leaves_previous_state(store: EmbeddedStore, monkeypatch) -> None:
    store.load_network("ppi", _edges([("A", "B", 1.0)]), GENES, _ds("network", "ppi"))
    import netmarker.graph.embedded as emb

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(emb.pq, "write_table", boom)
    with pytest.raises(StoreError, match=r"disk full.*nothing was changed"):
        store.load_network("ppi", _edges([("B", "C", 1.0)]), GENES, _ds("network", "ppi", "c2"))
    monkeypatch.undo()
    fresh = EmbeddedStore(store.path)
    assert len(fresh.edges("ppi")) == 1 and len(fresh.datasets()) == 1
    assert len(list(store.path.glob("snap-*"))) == 1


def test_results_replace_per_drug_and_network(store: EmbeddedStore) -> None:
    def rows(drug: str, network: str, pathways: list[str], z: float) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "drug": drug,
                "pathway": pathways,
                "network": network,
                "distance": 1.0,
                "z": z,
                "p": 0.01,
                "n_random": 10,
                "seed": 1,
                "run": "r",
            }
        )

    store.write_proximity(
        pd.concat([rows("X", "n1", ["P1", "P2"], -2.0), rows("Y", "n1", ["P1"], -1.0)])
    )
    store.write_proximity(rows("X", "n1", ["P3"], -3.0))
    assert store.proximity("X")["pathway"].tolist() == ["P3"]
    assert store.proximity("Y")["pathway"].tolist() == ["P1"]
    b = pd.DataFrame(
        {
            "drug": "X",
            "feature": ["P1", "P2"],
            "coefficient": [0.5, -0.1],
            "rank": [1, 2],
            "model_id": "m",
        }
    )
    store.write_biomarkers(b)
    store.write_biomarkers(b.iloc[:1])
    assert store.biomarkers("X")["feature"].tolist() == ["P1"]


def test_clear(store: EmbeddedStore) -> None:
    store.load_network("ppi", _edges([("A", "B", 1.0)]), GENES, _ds("network", "ppi"))
    store.clear()
    assert store.networks() == [] and store.genes().empty


def test_open_store_picks_embedded(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("NETMARKER_STORE", str(tmp_path / "s"))
    s = open_store()
    assert isinstance(s, EmbeddedStore) and s.path == tmp_path / "s"
