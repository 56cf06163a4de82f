"""The embedded graph store: no server, Parquet tables in a local directory.

Layout::

    <store>/CURRENT                  "<snapshot> <sha256 of its MANIFEST.json>": the live state
    <store>/snap-000007-1a2b3c4d/    one Parquet file per table (edges: one file per network)
    <store>/snap-.../MANIFEST.json   every file of the snapshot with its size and SHA-256
    <store>/.lock                    writers take an exclusive lock on it

Every write builds a new snapshot under a temporary name (unchanged tables are hard-linked
after their checksum is verified), renames it into place and then atomically replaces
``CURRENT``; a kill at any instant leaves the previous snapshot live, and the next write
removes what the killed one left. Readers hold a shared lock on the snapshot directory while
they read it, and a superseded snapshot is removed only when no reader holds it, so a reader
always reads one complete published state. Every file is checked against the manifest when
read: damage stops with one line naming the file and is never used. ``CURRENT`` is validated
(it can only name a snapshot directory of this store); when it is missing or damaged, reads
and writes stop and nothing is deleted until ``db repair`` (``EmbeddedStore.repair``).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import itertools
import json
import os
import re
import secrets
import shutil
import signal
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from netmarker.errors import NotFoundError, StoreError
from netmarker.graph.store import Dataset, LoadReport, summarize, typed_frame, validate_network_name
from netmarker.schema import (
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
#: the order of the rows of the proximity table
_PROXIMITY_ORDER = ["drug", "network", "z", "pathway"]
_EDGE_PREFIX = "edges-"
_MANIFEST = "MANIFEST.json"
_FORMAT = "netmarker-embedded-1"
#: snapshot directory names: a sequence number and a random part (a killed write's
#: leftover never collides with the next write); legacy stores have the number only
_SNAP_NAME = re.compile(r"snap-(\d{6,})(?:-[0-9a-f]{8})?")
_POINTER = re.compile(r"(snap-\d{6,}-[0-9a-f]{8}) ([0-9a-f]{64})\n?")
_LEGACY_POINTER = re.compile(r"(snap-\d{6,})\n?")
_TABLE_FILE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,80}\.parquet")
#: test-only fault injection: the write step at which the process kills itself
_FAULT_ENV = "NETMARKER_TEST_KILL_AT"


def _empty(columns: list[str]) -> pd.DataFrame:
    return typed_frame(pd.DataFrame({c: [] for c in columns}), columns)


def _step(name: str) -> None:
    """A point in a write where the fault-injection tests may kill the process."""
    if os.environ.get(_FAULT_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)


@dataclass(frozen=True)
class _Snapshot:
    """One published state: its directory and the manifest (file -> (bytes, sha256)).

    ``files`` is None for a snapshot written before manifests existed (no checksums).
    """

    name: str
    dir: Path
    files: dict[str, tuple[int, str]] | None

    @property
    def number(self) -> int:
        m = _SNAP_NAME.fullmatch(self.name)
        return int(m[1]) if m else 0

    def tables(self) -> list[str]:
        if self.files is not None:
            return sorted(f.removesuffix(".parquet") for f in self.files)
        return sorted(f.stem for f in self.dir.glob("*.parquet"))


@dataclass
class StoreCheck:
    """What ``EmbeddedStore.check`` found: damage, leftovers, and what it looked at."""

    store: str
    snapshot: str | None = None
    files_checked: int = 0
    damaged: list[str] = field(default_factory=list)
    leftovers: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.damaged


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
    def _damaged(self, what: str) -> StoreError:
        return StoreError(
            f"store {self.path} is damaged: {what}; run `netmarker db check` (nothing was changed)"
        )

    def _snapshot_dirs(self) -> list[Path]:
        try:
            return sorted(
                p for p in self.path.iterdir() if _SNAP_NAME.fullmatch(p.name) and p.is_dir()
            )
        except FileNotFoundError:
            return []
        except NotADirectoryError:
            raise StoreError(f"store path {self.path} is not a directory") from None

    def _pointer(self) -> tuple[str, str | None] | None:
        """What ``CURRENT`` names: (snapshot, manifest sha256 or None for legacy); None = empty."""
        try:
            raw = (self.path / "CURRENT").read_bytes()
        except FileNotFoundError:
            snaps = self._snapshot_dirs()
            if snaps:
                raise StoreError(
                    f"store {self.path} is damaged: CURRENT is missing but {len(snaps)} "
                    "snapshot(s) exist; run `netmarker db repair` (nothing was changed)"
                ) from None
            return None
        except NotADirectoryError:
            raise StoreError(f"store path {self.path} is not a directory") from None
        except OSError as exc:
            raise StoreError(f"cannot read store {self.path}: {exc.strerror}") from None
        text = raw.decode("ascii", errors="replace")
        if m := _POINTER.fullmatch(text):
            return m[1], m[2]
        if m := _LEGACY_POINTER.fullmatch(text):
            return m[1], None
        raise StoreError(
            f"store {self.path} is damaged: CURRENT holds {text[:40]!r}, not a snapshot name; "
            "run `netmarker db repair` (nothing was changed)"
        )

    def _open_snapshot(self, name: str, digest: str | None) -> _Snapshot | None:
        """The snapshot ``name`` with its verified manifest; None when it is gone."""
        folder = self.path / name
        if folder.is_symlink():
            raise self._damaged(f"{folder} is a symbolic link, not a snapshot directory")
        if digest is None:
            return _Snapshot(name, folder, None) if folder.is_dir() else None
        try:
            data = (folder / _MANIFEST).read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            return None
        if hashlib.sha256(data).hexdigest() != digest:
            raise self._damaged(f"{folder / _MANIFEST} does not match CURRENT (checksum)")
        return _Snapshot(name, folder, _parse_manifest(data, folder / _MANIFEST, self))

    @contextlib.contextmanager
    def _pinned(self) -> Iterator[_Snapshot | None]:
        """The live snapshot, held with a shared lock so no writer removes it meanwhile."""
        for _ in range(100):
            pointer = self._pointer()
            if pointer is None:
                yield None
                return
            name, digest = pointer
            try:
                fd = os.open(self.path / name, os.O_RDONLY | os.O_DIRECTORY)
            except (FileNotFoundError, NotADirectoryError):
                if self._pointer() == pointer:
                    raise self._damaged(f"CURRENT names {name}, which is missing") from None
                continue  # a writer published and removed it meanwhile: read the new one
            try:
                fcntl.flock(fd, fcntl.LOCK_SH)
                try:
                    still_there = os.path.samestat(os.fstat(fd), os.stat(self.path / name))
                except FileNotFoundError:
                    still_there = False
                if not still_there:
                    continue
                snap = self._open_snapshot(name, digest)
                if snap is None:
                    raise self._damaged(f"snapshot {name} has no {_MANIFEST}")
                yield snap
                return
            finally:
                os.close(fd)
        raise StoreError(f"store {self.path}: the live snapshot kept changing; try again")

    def _current(self) -> _Snapshot | None:
        with self._pinned() as snap:
            return snap

    def _read_file(self, snap: _Snapshot, table: str) -> pd.DataFrame | None:
        """One table of ``snap``, verified; None when the snapshot has no such table."""
        file = snap.dir / f"{table}.parquet"
        expected = None if snap.files is None else snap.files.get(file.name)
        if snap.files is not None and expected is None:
            return None
        try:
            data = file.read_bytes()
        except FileNotFoundError:
            if expected is None:
                return None
            raise self._damaged(f"{file} is missing") from None
        if expected is not None and (
            len(data) != expected[0] or hashlib.sha256(data).hexdigest() != expected[1]
        ):
            raise self._damaged(f"{file} does not match its checksum")
        try:
            frame: pd.DataFrame = pq.read_table(pa.BufferReader(data)).to_pandas()
            return frame
        except (pa.ArrowException, OSError, ValueError) as exc:
            raise self._damaged(f"{file} is not a readable Parquet file ({exc})") from None

    def _table(self, name: str) -> pd.DataFrame:
        with self._pinned() as snap:
            key = None if snap is None else snap.name
            if key != self._cache_snapshot:
                self._cache, self._cache_snapshot = {}, key
            if name not in self._cache:
                columns = EDGE_COLUMNS if name.startswith(_EDGE_PREFIX) else _TABLES[name]
                df = None if snap is None else self._read_file(snap, name)
                self._cache[name] = _empty(columns) if df is None else typed_frame(df, columns)
            return self._cache[name]

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """The writers' exclusive lock (one writer at a time; readers never wait for it)."""
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            lock = open(self.path / ".lock", "a+")  # noqa: SIM115
        except OSError as exc:
            raise StoreError(f"cannot write to store {self.path}: {exc.strerror}") from None
        with lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield

    @contextlib.contextmanager
    def _writer(self) -> Iterator[dict[str, pd.DataFrame | None]]:
        """Collect changed tables (None drops one); on success publish them as a new snapshot,
        atomically."""
        with self._locked():
            old = self._current()  # a missing or damaged CURRENT stops the write here
            changes: dict[str, pd.DataFrame | None] = {}
            yield changes
            if changes:
                self._sweep(old)
                self._publish(old, changes)

    def _publish(
        self,
        old: _Snapshot | None,
        changes: Mapping[str, pd.DataFrame | Callable[[Path], tuple[int, str]] | None],
        *,
        keep_tables: bool = True,
    ) -> _Snapshot:
        """Write ``changes`` over ``old`` as the new state: a DataFrame replaces its table, a
        function writes it (into the file it is given; returns its size and SHA-256), None
        drops it."""
        number = old.number + 1 if old is not None else 1
        name = f"snap-{number:06d}-{secrets.token_hex(4)}"
        tmp = self.path / f".tmp-{name}"
        manifest: dict[str, tuple[int, str]] = {}
        published = False
        try:
            tmp.mkdir()
            if old is not None and keep_tables:
                for table in old.tables():
                    if table not in changes:
                        manifest[f"{table}.parquet"] = self._carry(old, table, tmp)
            for table, df in changes.items():
                if callable(df):
                    manifest[f"{table}.parquet"] = df(tmp / f"{table}.parquet")
                elif df is not None:
                    manifest[f"{table}.parquet"] = _write_parquet(df, tmp / f"{table}.parquet")
            _step("tables-written")
            body = json.dumps(
                {"format": _FORMAT, "snapshot": name, "files": manifest}, sort_keys=True, indent=1
            ).encode()
            _write_durably(tmp / _MANIFEST, body)
            _fsync_dir(tmp)
            _step("manifest-written")
            os.rename(tmp, self.path / name)
            _fsync_dir(self.path)
            _step("renamed")
            pointer = self.path / ".CURRENT.tmp"
            _write_durably(pointer, f"{name} {hashlib.sha256(body).hexdigest()}\n".encode())
            _step("pointer-written")
            os.replace(pointer, self.path / "CURRENT")
            published = True
            _fsync_dir(self.path)
        except BaseException as exc:
            if published:  # only the last directory sync failed: the new state is live
                raise StoreError(f"store {self.path}: cannot sync ({exc})") from None
            shutil.rmtree(tmp, ignore_errors=True)
            shutil.rmtree(self.path / name, ignore_errors=True)
            (self.path / ".CURRENT.tmp").unlink(missing_ok=True)
            if not isinstance(exc, OSError):
                raise
            what = "no space left on device" if exc.errno == errno.ENOSPC else exc.strerror or exc
            raise StoreError(
                f"cannot write to store {self.path}: {what} (nothing was changed)"
            ) from None
        _step("published")
        new = _Snapshot(name, self.path / name, manifest)
        self._sweep(new)
        return new

    def _carry(self, old: _Snapshot, table: str, tmp: Path) -> tuple[int, str]:
        """Hard-link an unchanged table into the new snapshot, after verifying it."""
        src = old.dir / f"{table}.parquet"
        try:
            data = src.read_bytes()
        except FileNotFoundError:
            raise self._damaged(f"{src} is missing") from None
        entry = (len(data), hashlib.sha256(data).hexdigest())
        if old.files is not None and entry != old.files[src.name]:
            raise self._damaged(f"{src} does not match its checksum")
        try:
            os.link(src, tmp / src.name)
        except OSError:  # file systems without hard links
            shutil.copyfile(src, tmp / src.name)
        return entry

    def _sweep(self, live: _Snapshot | None) -> list[str]:
        """Remove what killed or superseded writes left: temp folders, old snapshots that no
        reader holds. Only called under the writers' lock with a valid ``CURRENT``."""
        removed = []
        for p in sorted(self.path.iterdir()):
            if p.name.startswith((".tmp-snap-", ".trash-")):
                shutil.rmtree(p, ignore_errors=True) if p.is_dir() else p.unlink(missing_ok=True)
                removed.append(p.name)
            elif p.name == ".CURRENT.tmp":
                p.unlink(missing_ok=True)
                removed.append(p.name)
            elif (
                live is not None
                and _SNAP_NAME.fullmatch(p.name)
                and p.is_dir()
                and not p.is_symlink()
                and p.name != live.name
                and _remove_unless_read(p)
            ):
                removed.append(p.name)
        return removed

    def _leftovers(self, live: str | None) -> list[str]:
        if not self.path.is_dir():
            return []
        out = []
        for p in sorted(self.path.iterdir()):
            if (
                p.name.startswith((".tmp-snap-", ".trash-"))
                or p.name == ".CURRENT.tmp"
                or (_SNAP_NAME.fullmatch(p.name) and p.name != live)
            ):
                out.append(p.name)
        return out

    def _known_dataset(self, dataset: Dataset) -> LoadReport | None:
        ds = self._table("datasets")
        hit = ds[ds["dataset_id"] == dataset.dataset_id]
        if hit.empty:
            return None
        counts = json.loads(hit["counts"].iloc[0])
        return LoadReport(dataset.dataset_id, dataset.kind, dataset.name, True, counts)

    def _finish(
        self, changes: dict[str, pd.DataFrame | None], dataset: Dataset, counts: dict[str, int]
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
            merged = merged.groupby(["gene_a", "gene_b"], sort=True)["score"].max().reset_index()
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
                kept_p, kept_m = removed["pathways"], removed["members"]
                assert kept_p is not None and kept_m is not None  # a removal drops only edges
                before_p, before_m = kept_p, kept_m
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
        return [t[len(_EDGE_PREFIX) :] for t in snap.tables() if t.startswith(_EDGE_PREFIX)]

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

    def drug_named(self, name: str) -> str | None:
        drugs = self._table("drugs")
        if (drugs["drug"] == name).any():
            return name
        if not name:  # "" would match every drug without synonyms ("".split("|") == [""])
            return None
        listed = drugs.loc[[name in s.split("|") for s in drugs["synonyms"]], "drug"]
        return None if listed.empty else str(listed.iloc[0])

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
        self._replace_results("proximity", results, ["drug", "network"], _PROXIMITY_ORDER)

    def write_proximity_chunks(self, chunks: Iterable[pd.DataFrame]) -> int:
        """Stream the chunks into the next snapshot's proximity table, merged in order with the
        kept rows of the live one (both read and written a chunk at a time); published when
        the last chunk is written, as every write is."""
        parts = iter(chunks)
        first = next(parts, None)
        if first is None:
            return 0
        written = 0
        with self._locked():
            old = self._current()  # a missing or damaged CURRENT stops the write here

            def new_rows() -> Iterator[pd.DataFrame]:
                nonlocal written
                for chunk in itertools.chain([first], parts):
                    written += len(chunk)
                    yield typed_frame(chunk, PROXIMITY_COLUMNS)

            def write(file: Path) -> tuple[int, str]:
                kept = self._iter_table(old, "proximity") if old is not None else iter(())
                merged = _merge_groups(new_rows(), kept, ["drug", "network"], _PROXIMITY_ORDER)
                return _write_parquet_parts(merged, file, PROXIMITY_COLUMNS)

            self._sweep(old)
            self._publish(old, {"proximity": write})
        return written

    def _iter_table(
        self, snap: _Snapshot, table: str, batch_rows: int = 250_000
    ) -> Iterator[pd.DataFrame]:
        """One table of ``snap`` in batches of rows, verified against the manifest first."""
        file = snap.dir / f"{table}.parquet"
        expected = None if snap.files is None else snap.files.get(file.name)
        if (snap.files is not None and expected is None) or (
            expected is None and not file.exists()
        ):
            return
        try:
            entry = _file_digest(file)
        except FileNotFoundError:
            raise self._damaged(f"{file} is missing") from None
        if expected is not None and entry != expected:
            raise self._damaged(f"{file} does not match its checksum")
        try:
            batches = pq.ParquetFile(file).iter_batches(batch_size=batch_rows)
        except (pa.ArrowException, OSError, ValueError) as exc:
            raise self._damaged(f"{file} is not a readable Parquet file ({exc})") from None
        while True:
            try:
                batch = next(batches)
            except StopIteration:
                return
            except (pa.ArrowException, OSError, ValueError) as exc:
                raise self._damaged(f"{file} is not a readable Parquet file ({exc})") from None
            yield typed_frame(batch.to_pandas(), _TABLES[table])

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
        """Publish an empty state; the old snapshots go once no reader holds them."""
        with self._locked():
            old = self._current()
            self._sweep(old)
            self._publish(old, {}, keep_tables=False)
        self._cache, self._cache_snapshot = {}, None

    def check(self) -> StoreCheck:
        """Verify ``CURRENT``, the manifest and every file of the live snapshot; list leftovers.

        Reads only; the findings say what ``repair`` would do.
        """
        report = StoreCheck(str(self.path))
        try:
            self.path.stat()
        except FileNotFoundError:
            report.notes.append("the store does not exist yet (empty)")
            return report
        except NotADirectoryError:
            raise StoreError(f"store path {self.path} is not a directory") from None
        try:
            pointer = self._pointer()
        except StoreError as exc:
            report.damaged.append(str(exc).split(": ", 1)[1].split("; run")[0])
            report.leftovers = self._leftovers(None)
            return report
        live = None if pointer is None else pointer[0]
        report.snapshot = live
        report.leftovers = self._leftovers(live)
        if pointer is None:
            report.notes.append("empty store")
            return report
        try:
            snap = self._open_snapshot(*pointer)
        except StoreError as exc:
            report.damaged.append(str(exc).split("is damaged: ", 1)[-1].split("; run")[0])
            return report
        if snap is None:
            report.damaged.append(f"CURRENT names {live}, which is missing or has no manifest")
            return report
        if snap.files is None:
            report.notes.append(f"{live} has no checksums (older format); the next write adds them")
        for table in snap.tables():
            report.files_checked += 1
            try:
                self._read_file(snap, table)
            except StoreError as exc:
                report.damaged.append(str(exc).split("is damaged: ", 1)[-1].split("; run")[0])
        return report

    def repair(self) -> list[str]:
        """Bring a damaged store back to a usable state and say what was done.

        A missing or damaged ``CURRENT`` is pointed at the newest snapshot whose files all
        verify; damaged tables are dropped from the live state together with the provenance
        records of the loads that filled them (so reloading those files loads them again);
        leftovers of killed writes are removed. Nothing is removed while no intact state is
        found.
        """
        done: list[str] = []
        with self._locked():
            try:
                self._pointer()
            except StoreError as exc:
                done.append(str(exc).split("is damaged: ", 1)[-1].split("; run")[0])
                best = self._newest_intact()
                if best is None:
                    raise StoreError(
                        f"store {self.path}: no intact snapshot found; nothing was changed"
                    ) from None
                _write_durably(self.path / ".CURRENT.tmp", f"{best[0]} {best[1]}\n".encode())
                os.replace(self.path / ".CURRENT.tmp", self.path / "CURRENT")
                _fsync_dir(self.path)
                done.append(f"CURRENT now names {best[0]}, the newest intact snapshot")
            pointer = self._pointer()
            snap = None if pointer is None else self._open_snapshot(*pointer)
            if pointer is not None and snap is None:
                raise self._damaged(f"CURRENT names {pointer[0]}, which is missing")
            bad = [] if snap is None else self._damaged_tables(snap)
            if snap is not None and bad:
                changes: dict[str, pd.DataFrame | None] = {t: None for t in bad}
                if "datasets" not in bad:
                    stored = self._read_file(snap, "datasets")
                    ds = (
                        _empty(DATASET_COLUMNS)
                        if stored is None
                        else typed_frame(stored, DATASET_COLUMNS)
                    )
                    changes["datasets"] = ds[~ds.apply(_fed(bad), axis=1)]
                self._publish(snap, changes)
                done.append(
                    f"dropped damaged table(s) {', '.join(bad)} and the records of the loads "
                    "that filled them: load those files again"
                )
                snap = self._current()
            removed = self._sweep(snap)
            if removed:
                done.append(f"removed {len(removed)} leftover(s): {', '.join(removed)}")
        self._cache, self._cache_snapshot = {}, None
        return done or ["nothing to repair"]

    def _damaged_tables(self, snap: _Snapshot) -> list[str]:
        bad = []
        for table in snap.tables():
            try:
                self._read_file(snap, table)
            except StoreError:
                bad.append(table)
        return bad

    def _newest_intact(self) -> tuple[str, str] | None:
        """(name, manifest sha256) of the newest snapshot whose manifest and files verify."""
        for folder in sorted(self._snapshot_dirs(), key=_snapshot_order, reverse=True):
            try:
                data = (folder / _MANIFEST).read_bytes()
                digest = hashlib.sha256(data).hexdigest()
                snap = self._open_snapshot(folder.name, digest)
                if snap is not None and not self._damaged_tables(snap):
                    return folder.name, digest
            except (OSError, StoreError):
                continue
        return None

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
    for key, changed in out.items():
        if changed is not None:
            out[key] = changed.reset_index(drop=True)
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


def _fed(bad: list[str]) -> Callable[[pd.Series], bool]:
    """Row predicate on DATASET_COLUMNS: did this load fill one of the ``bad`` tables?"""
    kinds = {"targets": "targets", "drugs": "targets", "pathways": "pathways"}
    kinds["members"] = "pathways"

    def fed(row: pd.Series) -> bool:
        if "genes" in bad:
            return True
        if row["kind"] == "network" and f"{_EDGE_PREFIX}{row['name']}" in bad:
            return True
        return any(kinds.get(t) == row["kind"] for t in bad)

    return fed


def _snapshot_order(folder: Path) -> tuple[int, float]:
    m = _SNAP_NAME.fullmatch(folder.name)
    return (int(m[1]) if m else 0, folder.stat().st_mtime)


def _parse_manifest(data: bytes, file: Path, store: EmbeddedStore) -> dict[str, tuple[int, str]]:
    try:
        body = json.loads(data)
        files = body["files"]
        out = {str(k): (int(v[0]), str(v[1])) for k, v in files.items()}
    except (ValueError, KeyError, TypeError, IndexError):
        raise store._damaged(f"{file} is not a valid manifest") from None
    if body.get("format") != _FORMAT or not all(_TABLE_FILE.fullmatch(k) for k in out):
        raise store._damaged(f"{file} is not a valid manifest")
    return out


def _write_parquet(df: pd.DataFrame, file: Path) -> tuple[int, str]:
    """Write one table durably; return its size and SHA-256 for the manifest."""
    sink = pa.BufferOutputStream()
    pq.write_table(pa.Table.from_pandas(df, preserve_index=False), sink)
    data = sink.getvalue().to_pybytes()
    _write_durably(file, data)
    return len(data), hashlib.sha256(data).hexdigest()


def _write_parquet_parts(
    parts: Iterable[pd.DataFrame], file: Path, columns: list[str]
) -> tuple[int, str]:
    """Write a table from its parts (one row group each) durably, holding one part at a time;
    return its size and SHA-256 for the manifest."""
    writer: pq.ParquetWriter | None = None
    try:
        for part in parts:
            if part.empty:
                continue
            schema = None if writer is None else writer.schema
            table = pa.Table.from_pandas(part, preserve_index=False, schema=schema)
            if writer is None:
                writer = pq.ParquetWriter(file, table.schema)
            writer.write_table(table)
    finally:
        if writer is not None:
            writer.close()
    if writer is None:
        return _write_parquet(_empty(columns), file)
    with open(file, "rb+") as fh:
        os.fsync(fh.fileno())
    return _file_digest(file)


def _file_digest(file: Path) -> tuple[int, str]:
    """Size and SHA-256 of a file, read in blocks."""
    digest = hashlib.sha256()
    size = 0
    with open(file, "rb") as fh:
        while block := fh.read(1 << 20):
            digest.update(block)
            size += len(block)
    return size, digest.hexdigest()


def _merge_groups(
    new: Iterator[pd.DataFrame], old: Iterator[pd.DataFrame], keys: list[str], order: list[str]
) -> Iterator[pd.DataFrame]:
    """Two streams of rows, each in ``keys`` order, as one stream in ``order`` (which starts
    with ``keys``); the rows of a key present in ``new`` replace ``old``'s rows of that key.

    Holds the pending rows of each stream only: rows whose key is below the last key read of
    every unfinished stream are complete, so they are sorted and passed on.
    """
    streams = [new, old]
    pending: list[pd.DataFrame | None] = [None, None]
    live = [True, True]
    replaced: set[tuple[str, ...]] = set()

    def last_key(frame: pd.DataFrame) -> tuple[str, ...]:
        return tuple(str(v) for v in frame[keys].iloc[-1])

    def pull(i: int) -> None:
        for part in streams[i]:
            if part.empty:
                continue
            if i == 0:
                if pending[0] is not None and _below(part.iloc[:1], keys, last_key(pending[0]))[0]:
                    raise ValueError(f"chunks are not in {keys} order")
                uniq = part[keys].drop_duplicates().itertuples(index=False)
                replaced.update(tuple(str(v) for v in k) for k in uniq)
            prev = pending[i]
            pending[i] = part if prev is None else pd.concat([prev, part], ignore_index=True)
            return
        live[i] = False

    while True:
        for i in (0, 1):
            if pending[i] is None and live[i]:
                pull(i)
        if pending[0] is None and pending[1] is None:
            return
        ends = [last_key(f) for i, f in enumerate(pending) if live[i] and f is not None]
        boundary = min(ends) if ends else None
        out = []
        for i, frame in enumerate(pending):
            if frame is None:
                continue
            before = np.ones(len(frame), dtype=bool)
            if boundary is not None:
                before = _below(frame, keys, boundary)
            done, rest = frame[before], frame[~before]
            if i == 1 and not done.empty:
                done = done[~done.set_index(keys).index.isin(list(replaced))]
            out.append(done)
            pending[i] = None if rest.empty else rest.reset_index(drop=True)
        rows = pd.concat([f for f in out if not f.empty] or [out[0]], ignore_index=True)
        if not rows.empty:
            yield rows.sort_values(order, kind="stable", ignore_index=True)
        else:  # nothing below the boundary yet: read on in the streams that end at it
            for i, frame in enumerate(pending):
                if live[i] and frame is not None and last_key(frame) == boundary:
                    pull(i)


def _below(frame: pd.DataFrame, keys: list[str], bound: tuple[str, ...]) -> np.ndarray:
    """Which rows' ``keys`` sort before ``bound`` (lexicographically, as tuples)."""
    below = np.zeros(len(frame), dtype=bool)
    for column, value in reversed(list(zip(keys, bound, strict=True))):
        col = frame[column].to_numpy()
        below = (col < value) | ((col == value) & below)
    return below


def _write_durably(file: Path, data: bytes) -> None:
    with open(file, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def _remove_unless_read(folder: Path) -> bool:
    """Remove a superseded snapshot unless a reader holds it (it is removed by a later write)."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return False
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        trash = folder.with_name(f".trash-{folder.name}")
        os.rename(folder, trash)  # readers that open it from now on find it gone and retry
    finally:
        os.close(fd)
    shutil.rmtree(trash, ignore_errors=True)
    return True


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
