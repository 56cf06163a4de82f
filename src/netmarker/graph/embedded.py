"""The embedded graph store: no server, Parquet tables in a local directory.

Layout::

    <store>/CURRENT            name of the live snapshot directory
    <store>/snap-000007/       one Parquet file per table (edges: one file per network)
    <store>/.lock              writers take an exclusive lock on it

Every write builds a new snapshot (unchanged tables are hard-linked, not copied) and then
atomically replaces ``CURRENT``; a crash at any point leaves the previous snapshot live.
Readers never see a half-written load.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from netmarker.errors import NotFoundError, StoreError
from netmarker.graph.store import (
    BIOMARKER_COLUMNS,
    DATASET_COLUMNS,
    DRUG_COLUMNS,
    EDGE_COLUMNS,
    GENE_COLUMNS,
    MEMBER_COLUMNS,
    PATHWAY_COLUMNS,
    PROPAGATION_COLUMNS,
    PROXIMITY_COLUMNS,
    TARGET_COLUMNS,
    Dataset,
    LoadReport,
    summarize,
    typed_frame,
    validate_network_name,
)

_TABLES: dict[str, list[str]] = {
    "genes": GENE_COLUMNS,
    "drugs": DRUG_COLUMNS,
    "targets": TARGET_COLUMNS,
    "pathways": PATHWAY_COLUMNS,
    "members": MEMBER_COLUMNS,
    "datasets": DATASET_COLUMNS,
    "proximity": PROXIMITY_COLUMNS,
    "propagation": PROPAGATION_COLUMNS,
    "biomarkers": BIOMARKER_COLUMNS,
}
_EDGE_PREFIX = "edges-"


def _empty(columns: list[str]) -> pd.DataFrame:
    return typed_frame(pd.DataFrame({c: [] for c in columns}), columns)


class EmbeddedStore:
    """A ``GraphStore`` persisted as Parquet snapshots in ``path`` (created on first write)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path).expanduser()
        self.location = str(self.path)
        if self.path.exists() and not self.path.is_dir():
            raise StoreError(f"store path {self.path} exists and is not a directory")
        self._cache: dict[str, pd.DataFrame] = {}
        self._cache_snapshot: str | None = None

    # -- snapshot plumbing -------------------------------------------------------------------
    def _current(self) -> Path | None:
        try:
            name = (self.path / "CURRENT").read_text().strip()
        except FileNotFoundError:
            return None
        snap = self.path / name
        if not snap.is_dir():
            raise StoreError(f"store {self.path} is damaged: CURRENT names missing {name}")
        return snap

    def _table(self, name: str) -> pd.DataFrame:
        snap = self._current()
        key = None if snap is None else snap.name
        if key != self._cache_snapshot:
            self._cache, self._cache_snapshot = {}, key
        if name not in self._cache:
            columns = EDGE_COLUMNS if name.startswith(_EDGE_PREFIX) else _TABLES[name]
            file = None if snap is None else snap / f"{name}.parquet"
            if file is None or not file.exists():
                self._cache[name] = _empty(columns)
            else:
                self._cache[name] = typed_frame(pq.read_table(file).to_pandas(), columns)
        return self._cache[name]

    @contextlib.contextmanager
    def _writer(self) -> Iterator[dict[str, pd.DataFrame]]:
        """Collect changed tables; on success publish them as a new snapshot, atomically."""
        self.path.mkdir(parents=True, exist_ok=True)
        with open(self.path / ".lock", "a+") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            changes: dict[str, pd.DataFrame] = {}
            yield changes
            if changes:
                self._publish(changes)

    def _publish(self, changes: dict[str, pd.DataFrame]) -> None:
        old = self._current()
        number = int(old.name.split("-")[1]) + 1 if old is not None else 1
        new = self.path / f"snap-{number:06d}"
        tmp = self.path / f".tmp-{new.name}-{os.getpid()}"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        if old is not None:
            for f in old.glob("*.parquet"):
                if f.stem not in changes:
                    os.link(f, tmp / f.name)
        for name, df in changes.items():
            if df is None:  # a dropped table (a removed network's edges)
                continue
            pq.write_table(pa.Table.from_pandas(df, preserve_index=False), tmp / f"{name}.parquet")
        _fsync_dir(tmp)
        os.rename(tmp, new)
        pointer = self.path / ".CURRENT.tmp"
        pointer.write_text(new.name + "\n")
        with open(pointer, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(pointer, self.path / "CURRENT")
        _fsync_dir(self.path)
        for stale in self.path.glob("snap-*"):
            if stale != new:
                shutil.rmtree(stale, ignore_errors=True)

    def _known_dataset(self, dataset: Dataset) -> LoadReport | None:
        ds = self._table("datasets")
        hit = ds[ds["dataset_id"] == dataset.dataset_id]
        if hit.empty:
            return None
        counts = json.loads(hit["counts"].iloc[0])
        return LoadReport(dataset.dataset_id, dataset.kind, dataset.name, True, counts)

    def _finish(
        self, changes: dict[str, pd.DataFrame], dataset: Dataset, counts: dict[str, int]
    ) -> LoadReport:
        record = pd.DataFrame([dataset.record(counts)])
        known = changes.get("datasets")  # a replacing load has removed records already
        known = self._table("datasets") if known is None else known
        changes["datasets"] = typed_frame(pd.concat([known, record]), DATASET_COLUMNS)
        return LoadReport(dataset.dataset_id, dataset.kind, dataset.name, False, counts)

    def _merged_genes(self, genes: pd.DataFrame, extra_symbols: list[pd.Series]) -> pd.DataFrame:
        """Union of known genes, new genes and bare symbols; a known Entrez id is never lost."""
        frames = [self._table("genes"), typed_frame(genes, GENE_COLUMNS)]
        frames += [pd.DataFrame({"symbol": s.astype(str), "entrez": ""}) for s in extra_symbols]
        allg = pd.concat(frames, ignore_index=True)
        allg = allg.sort_values(["symbol", "entrez"], ascending=[True, False])
        return typed_frame(
            allg.drop_duplicates("symbol", keep="first").sort_values("symbol"), GENE_COLUMNS
        )

    # -- loads -------------------------------------------------------------------------------
    def load_network(
        self, name: str, edges: pd.DataFrame, genes: pd.DataFrame, dataset: Dataset
    ) -> LoadReport:
        validate_network_name(name)
        edges = typed_frame(edges, EDGE_COLUMNS)
        if (edges["gene_a"] >= edges["gene_b"]).any():
            raise StoreError("edges must be canonical (gene_a < gene_b); use netmarker.io readers")
        with self._writer() as changes:
            if (known := self._known_dataset(dataset)) is not None:
                return known
            table = f"{_EDGE_PREFIX}{name}"
            before = self._table(table)
            merged = pd.concat([before, edges], ignore_index=True)
            merged = merged.groupby(["gene_a", "gene_b"], sort=True, as_index=False)["score"].max()
            changes[table] = typed_frame(merged, EDGE_COLUMNS)
            all_genes = self._merged_genes(genes, [edges["gene_a"], edges["gene_b"]])
            changes["genes"] = all_genes
            counts = {
                "edges_in_file": len(edges),
                "edges_new": len(merged) - len(before),
                "genes_new": len(all_genes) - len(self._table("genes")),
            }
            return self._finish(changes, dataset, counts)

    def load_targets(
        self, targets: pd.DataFrame, drugs: pd.DataFrame, dataset: Dataset
    ) -> LoadReport:
        targets = typed_frame(targets, TARGET_COLUMNS)
        with self._writer() as changes:
            if (known := self._known_dataset(dataset)) is not None:
                return known
            before_t, before_d = self._table("targets"), self._table("drugs")
            merged_t = pd.concat([before_t, targets]).drop_duplicates()
            merged_t = merged_t.sort_values(TARGET_COLUMNS)
            changes["targets"] = typed_frame(merged_t, TARGET_COLUMNS)
            merged_d = _merge_drugs(before_d, typed_frame(drugs, DRUG_COLUMNS), targets["drug"])
            changes["drugs"] = merged_d
            changes["genes"] = self._merged_genes(_empty(GENE_COLUMNS), [targets["gene"]])
            counts = {
                "links_in_file": len(targets),
                "links_new": len(merged_t) - len(before_t),
                "drugs_new": len(merged_d) - len(before_d),
            }
            return self._finish(changes, dataset, counts)

    def load_pathways(
        self,
        pathways: pd.DataFrame,
        members: pd.DataFrame,
        dataset: Dataset,
        *,
        replace: bool = False,
    ) -> LoadReport:
        pathways, members = (
            typed_frame(pathways, PATHWAY_COLUMNS),
            typed_frame(members, MEMBER_COLUMNS),
        )
        with self._writer() as changes:
            if (known := self._known_dataset(dataset)) is not None:
                return known
            before_p, before_m = self._table("pathways"), self._table("members")
            if replace and dataset.name in set(self._table("datasets")["name"]):
                # the source's earlier load and its results go in the same snapshot
                removed, _ = removal(self._table, "pathways", dataset.name)
                changes.update(removed)
                before_p, before_m = changes["pathways"], changes["members"]
            # a pathway id belongs to one source; a reload with new metadata updates it
            merged_p = pd.concat([before_p, pathways]).drop_duplicates("pathway", keep="last")
            merged_m = pd.concat([before_m, members]).drop_duplicates()
            changes["pathways"] = typed_frame(merged_p.sort_values("pathway"), PATHWAY_COLUMNS)
            changes["members"] = typed_frame(merged_m.sort_values(MEMBER_COLUMNS), MEMBER_COLUMNS)
            changes["genes"] = self._merged_genes(_empty(GENE_COLUMNS), [members["gene"]])
            # counted against the store before this load (a replaced source included)
            counts = {
                "pathways_in_file": len(pathways),
                "memberships_in_file": len(members),
                "pathways_new": len(merged_p) - len(self._table("pathways")),
                "memberships_new": len(merged_m) - len(self._table("members")),
            }
            return self._finish(changes, dataset, counts)

    # -- reads -------------------------------------------------------------------------------
    def networks(self) -> list[str]:
        snap = self._current()
        if snap is None:
            return []
        return sorted(f.stem[len(_EDGE_PREFIX) :] for f in snap.glob(f"{_EDGE_PREFIX}*.parquet"))

    def edges(self, network: str) -> pd.DataFrame:
        if network not in self.networks():
            known = ", ".join(self.networks()) or "none loaded"
            raise NotFoundError(f"unknown network {network!r} (known: {known})")
        return self._table(f"{_EDGE_PREFIX}{network}").copy()

    def network_size(self, network: str) -> dict[str, int]:
        e = self.edges(network)
        genes = pd.unique(pd.concat([e["gene_a"], e["gene_b"]]))
        return {"edges": len(e), "genes": int(genes.size)}

    def genes(self) -> pd.DataFrame:
        return self._table("genes").copy()

    def drugs(self) -> pd.DataFrame:
        return self._table("drugs").copy()

    def targets(self, drug: str | None = None) -> pd.DataFrame:
        return _select(self._table("targets"), drug=drug)

    def pathways(self) -> pd.DataFrame:
        return self._table("pathways").copy()

    def members(self, source: str | None = None) -> pd.DataFrame:
        m = self._table("members")
        if source is None:
            return m.copy()
        p = self._table("pathways")
        keep = set(p.loc[p["source"] == source, "pathway"])
        return m[m["pathway"].isin(keep)].reset_index(drop=True)

    def datasets(self) -> pd.DataFrame:
        return self._table("datasets").copy()

    def status(self) -> dict[str, Any]:
        return summarize(self)

    # -- results -----------------------------------------------------------------------------
    def _replace_results(
        self, table: str, results: pd.DataFrame, keys: list[str], order: list[str]
    ) -> None:
        columns = _TABLES[table]
        results = typed_frame(results, columns)
        with self._writer() as changes:
            old = self._table(table)
            stale = old.set_index(keys).index.isin(results.set_index(keys).index.unique())
            merged = pd.concat([old[~stale], results], ignore_index=True)
            changes[table] = typed_frame(merged.sort_values(order, kind="stable"), columns)

    def write_proximity(self, results: pd.DataFrame) -> None:
        self._replace_results(
            "proximity", results, ["drug", "network"], ["drug", "network", "z", "pathway"]
        )

    def proximity(self, drug: str | None = None, network: str | None = None) -> pd.DataFrame:
        return _select(self._table("proximity"), drug=drug, network=network)

    def write_propagation(self, results: pd.DataFrame) -> None:
        self._replace_results(
            "propagation", results, ["drug", "network"], ["drug", "network", "rank"]
        )

    def propagation(self, drug: str | None = None, network: str | None = None) -> pd.DataFrame:
        return _select(self._table("propagation"), drug=drug, network=network)

    def write_biomarkers(self, results: pd.DataFrame) -> None:
        self._replace_results("biomarkers", results, ["drug"], ["drug", "rank"])

    def biomarkers(self, drug: str | None = None) -> pd.DataFrame:
        return _select(self._table("biomarkers"), drug=drug)

    def remove_dataset(self, kind: str, name: str) -> dict[str, int]:
        with self._writer() as changes:
            removed, counts = removal(self._table, kind, name)
            changes.update(removed)
        return counts

    # -- housekeeping ------------------------------------------------------------------------
    def clear(self) -> None:
        with self._writer():
            pointer = self.path / "CURRENT"
            if pointer.exists():
                pointer.unlink()
            for snap in self.path.glob("snap-*"):
                shutil.rmtree(snap, ignore_errors=True)
        self._cache, self._cache_snapshot = {}, None

    def close(self) -> None:
        self._cache = {}


def removal(
    table: Callable[[str], pd.DataFrame], kind: str, name: str
) -> tuple[dict[str, pd.DataFrame | None], dict[str, int]]:
    """The tables changed by removing one dataset and the results derived from it, with
    counts of what goes (the same rules and counts as ``Neo4jStore.remove_dataset``).

    * ``network`` NAME: its edges, its proximity and propagation rows, and the biomarker rows
      of the drugs whose proximity rows on it go.
    * ``targets`` SOURCE: the links of that source; the drugs that had one and have no link
      left; every proximity, propagation and biomarker row of the drugs that had one.
    * ``pathways`` SOURCE: its pathways and their memberships; every proximity row of a run
      that scored one of them (its q-values were over them); the biomarker rows of every
      model with one of them as a feature.

    Load records of that kind and name go too; genes stay. Unknown -> ``NotFoundError``.
    """
    out: dict[str, pd.DataFrame | None] = {}
    counts = dict.fromkeys(_REMOVAL_COUNTS.get(kind, []), 0)
    ds = table("datasets")
    records = (ds["kind"] == kind) & (ds["name"] == name)
    prox, prop, bio = table("proximity"), table("propagation"), table("biomarkers")
    drop_prox = pd.Series(False, index=prox.index)
    drop_prop = pd.Series(False, index=prop.index)
    drop_bio = pd.Series(False, index=bio.index)
    found = bool(records.any())
    if kind == "network":
        edges = f"{_EDGE_PREFIX}{name}"
        counts["edges"] = len(table(edges)) if found else 0
        if found:
            out[edges] = None
        drop_prox = prox["network"] == name
        drop_prop = prop["network"] == name
        drop_bio = bio["drug"].isin(set(prox.loc[drop_prox, "drug"]))
    elif kind == "targets":
        links = table("targets")
        gone = links["source"] == name
        found = found or bool(gone.any())
        affected = set(links.loc[gone, "drug"])
        kept = links[~gone]
        drugs = table("drugs")
        orphan = drugs["drug"].isin(affected - set(kept["drug"]))
        out["targets"], out["drugs"] = kept.reset_index(drop=True), drugs[~orphan]
        counts["links"], counts["drugs"] = int(gone.sum()), int(orphan.sum())
        drop_prox, drop_prop = prox["drug"].isin(affected), prop["drug"].isin(affected)
        drop_bio = bio["drug"].isin(affected)
    elif kind == "pathways":
        paths, members = table("pathways"), table("members")
        gone = paths["source"] == name
        found = found or bool(gone.any())
        ids = set(paths.loc[gone, "pathway"])
        gone_m = members["pathway"].isin(ids)
        out["pathways"], out["members"] = paths[~gone], members[~gone_m]
        counts["pathways"], counts["memberships"] = int(gone.sum()), int(gone_m.sum())
        drop_prox = prox["run"].isin(set(prox.loc[prox["pathway"].isin(ids), "run"]))
        drop_bio = bio["model_id"].isin(set(bio.loc[bio["feature"].isin(ids), "model_id"]))
    else:
        raise StoreError(f"unknown dataset kind {kind!r}: network, targets or pathways")
    if not found:
        known = sorted(set(ds.loc[ds["kind"] == kind, "name"]))
        raise NotFoundError(
            f"no {kind} {name!r} in the store; loaded: {', '.join(known) or 'none'}"
        )
    out["datasets"] = ds[~records]
    counts["datasets"] = int(records.sum())
    for key, frame, drop, count in (
        ("proximity", prox, drop_prox, "proximity_rows"),
        ("propagation", prop, drop_prop, "propagation_rows"),
        ("biomarkers", bio, drop_bio, "biomarker_rows"),
    ):
        counts[count] = int(drop.sum())
        out[key] = frame[~drop]
    for key, frame in out.items():
        if frame is not None:
            out[key] = frame.reset_index(drop=True)
    return out, counts


#: what ``remove_dataset`` counts, per kind (results and load records for every kind)
_REMOVAL_COUNTS = {
    "network": ["edges"],
    "targets": ["links", "drugs"],
    "pathways": ["pathways", "memberships"],
}


def _select(df: pd.DataFrame, **equal: str | None) -> pd.DataFrame:
    mask = np.ones(len(df), dtype=bool)
    for column, value in equal.items():
        if value is not None:
            mask &= (df[column] == value).to_numpy()
    return df[mask].reset_index(drop=True)


def _merge_drugs(before: pd.DataFrame, new: pd.DataFrame, named: pd.Series) -> pd.DataFrame:
    """Union of drugs; synonyms of the same drug are united (sorted, ``|``-joined)."""
    bare = pd.DataFrame({"drug": named.unique(), "synonyms": ""})
    alld = pd.concat([before, new, bare], ignore_index=True)

    def union(values: pd.Series) -> str:
        names = {s for v in values for s in v.split("|") if s}
        return "|".join(sorted(names))

    merged = alld.groupby("drug", sort=True)["synonyms"].agg(union).reset_index()
    return typed_frame(merged, DRUG_COLUMNS)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
