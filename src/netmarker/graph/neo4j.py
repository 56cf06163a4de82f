"""The Neo4j graph store: the same ``GraphStore`` answers, kept in a Neo4j 5 database.

Graph model::

    (:Gene {symbol, entrez})                       symbol unique; entrez '' when unknown
    (:Gene)-[:INTERACTS_WITH {network, version, score}]->(:Gene)
        one relationship per unordered pair per network version, stored gene_a -> gene_b
        with gene_a < gene_b; score null when the network is unweighted
    (:Network {name, version, locked_at})      version: the published one ('' = none yet)
    (:Drug {name, synonyms, proximity_writes, propagation_writes})-[:TARGETS {source}]->(:Gene)
        synonyms: list of names; *_writes: the published result write per network
        ("<network>/<write id>"), see _write_results
    (:Pathway {id, source, url})-[:HAS_MEMBER]->(:Gene)
    (:Drug)-[:PROXIMAL_TO {network, distance, z, p, q, n_random, seed, run, write}]->(:Pathway)
    (:Drug)-[:PROPAGATES_TO {network, score, rank, run, write}]->(:Gene)
    (:Drug)-[:BIOMARKER {coefficient, rank, model_id}]->(:Pathway | :Gene)
        the feature is a Pathway when a pathway has that id, else a Gene symbol
    (:Dataset {dataset_id, kind, name, source_file, checksum, loaded_at, counts, options,
               complete, before, seq})

Nodes that only results point to (no ``entrez`` / ``synonyms`` / ``source``) are not listed by
``genes()`` / ``drugs()`` / ``pathways()``, exactly as the embedded store does not list them.

A load sends its rows in batches (``UNWIND $rows ... MERGE``, ``batch_size`` rows per
statement). A network load writes a new version of the network in committed batches while
it holds the network's lock, then publishes it by switching ``Network.version`` in one small
transaction (``_stage_and_publish``): readers never see part of a load, a failed or
interrupted load leaves the published network as it was, and a load of any size fits a
small heap. Target and pathway loads (small) run in ONE transaction, retried as a whole on
transient errors; one over Neo4j's transaction memory stops with a one-line error saying
so. The Dataset node is marked ``complete`` in a transaction of its own right after; should
that one be lost, the data is in but the load is not reported, and running it again merges
nothing new and completes it. Result write-backs (proximity, propagation) are staged and
published per network the same way (``_write_results``). Every Cypher statement is a file
under ``cypher/``.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import secrets
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pandas as pd
from neo4j import (
    READ_ACCESS,
    WRITE_ACCESS,
    Driver,
    GraphDatabase,
    ManagedTransaction,
    Record,
    ResultSummary,
    Session,
    Transaction,
)
from neo4j.exceptions import (
    AuthError,
    ClientError,
    DriverError,
    Neo4jError,
    ServiceUnavailable,
    TransientError,
)

from netmarker.errors import NotFoundError, StoreError
from netmarker.graph.store import (
    NEO4J_SCHEMES,
    Dataset,
    LoadReport,
    summarize,
    typed_frame,
    validate_network_name,
)
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

log = logging.getLogger(__name__)
_T = TypeVar("_T")


# -- Cypher files ----------------------------------------------------------------------------
def cypher_dir() -> Path:
    """The ``cypher/`` folder: ``$NETMARKER_CYPHER_DIR``, else the one beside ``src/``."""
    env = os.environ.get("NETMARKER_CYPHER_DIR")
    candidates = [Path(env)] if env else []
    candidates += [
        Path(__file__).resolve().parents[3] / "cypher",  # source checkout / editable install
        Path(__file__).resolve().parents[1] / "cypher",  # packaged as netmarker/cypher
    ]
    for folder in candidates:
        if (folder / "schema").is_dir():
            return folder
    raise StoreError("cannot find the cypher/ folder: set NETMARKER_CYPHER_DIR to it")


@cache
def cypher(name: str) -> str:
    """The statement in ``cypher/<name>.cypher`` (e.g. ``load/create_interactions``)."""
    path = cypher_dir() / f"{name}.cypher"
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise StoreError(f"missing Cypher file {path}: reinstall netmarker") from None


def schema_statements() -> list[str]:
    """The ``cypher/schema/*.cypher`` statements, in file-name order."""
    files = sorted((cypher_dir() / "schema").glob("*.cypher"))
    return [cypher(f"schema/{f.stem}") for f in files]


def _constraint_names() -> set[str]:
    names = set()
    for text in schema_statements():
        words = text.split()
        for i, word in enumerate(words[:-1]):
            if word.upper() == "CONSTRAINT":
                names.add(words[i + 1])
    return names


# -- tables ----------------------------------------------------------------------------------


def _frame(records: list[list[Any]], columns: list[str], order: list[str]) -> pd.DataFrame:
    df = typed_frame(pd.DataFrame(records, columns=columns), columns)
    return df.sort_values(order, kind="stable").reset_index(drop=True)


def _frame_of(columns: dict[str, list[Any]], names: list[str]) -> pd.DataFrame:
    """A table from one list per column (as the ``read/*`` column queries return)."""
    return typed_frame(pd.DataFrame({c: columns[c] for c in names}), names)


def _column(values: pd.Series) -> list[Any]:
    """A column as a Bolt parameter list: Python scalars, NaN to null (fast: no per-cell
    Python conversion unless the column has a NaN)."""
    out = values.tolist()
    if values.dtype.kind == "f" and values.isna().any():
        out = [None if v != v else v for v in out]
    return out


def _rows(df: pd.DataFrame) -> list[list[Any]]:
    """The rows of ``df`` as Bolt parameter lists (Python scalars, NaN to null)."""
    return [list(row) for row in zip(*(_column(df[c]) for c in df.columns), strict=True)]


def _dicts(df: pd.DataFrame) -> list[dict[str, Any]]:
    return [dict(zip(df.columns, row, strict=True)) for row in _rows(df)]


#: Neo4j status codes of a transaction over its memory limit (heap-bound, not transient)
_MEMORY_ERRORS = ("MemoryPoolOutOfMemoryError", "TransactionMemoryLimit", "OutOfMemoryError")
#: waits between attempts of a load transaction that failed on a transient error
_RETRY_DELAYS_S = (1.0, 2.0, 4.0, 8.0)


def _out_of_memory(exc: Exception) -> bool:
    return isinstance(exc, Neo4jError) and any(code in (exc.code or "") for code in _MEMORY_ERRORS)


@contextlib.contextmanager
def _timed(step: str) -> Iterator[None]:
    """Log how long ``step`` took (DEBUG level: ``logging.getLogger("netmarker.graph.neo4j")``);
    the per-step timings that benchmarks/RESULTS.md records come from here."""
    t0 = time.perf_counter()
    yield
    log.debug("%s: %.3f s", step, time.perf_counter() - t0)


def _interaction_batches(edges: pd.DataFrame, size: int) -> Iterator[dict[str, Any]]:
    """EDGE_COLUMNS rows as ``create_interactions`` parameters, ``size`` rows at a time, as
    columns: ``genes`` (each of the batch's genes once), ``a`` / ``b`` (indexes into them)
    and ``score``. Coded with numpy, once for all batches: building the batches row by row
    in Python cost about as much client CPU as packing them."""
    n = len(edges)
    both = pd.concat([edges["gene_a"], edges["gene_b"]], ignore_index=True)
    codes, genes = pd.factorize(both)
    scores = _column(edges["score"])
    for start in range(0, n, size):
        stop = min(start + size, n)
        used, local = np.unique(
            np.concatenate([codes[start:stop], codes[n + start : n + stop]]), return_inverse=True
        )
        yield {
            "genes": genes[used].tolist(),
            "a": local[: stop - start].tolist(),
            "b": local[stop - start :].tolist(),
            "score": scores[start:stop],
        }


def _batches(rows: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _removal_order(kind: str) -> list[str]:
    """The counts ``remove_dataset`` returns for ``kind``, in the embedded store's order."""
    first = {"network": ["edges"], "targets": ["links", "drugs"]}.get(
        kind, ["pathways", "memberships"]
    )
    return [*first, "datasets", "proximity_rows", "propagation_rows", "biomarker_rows"]


def _new_id() -> int:
    """A random id for a staged version or write: an integer, which Neo4j stores inside the
    relationship's property record (a 32-character string needs a record of its own per
    relationship, which measurably slowed creating them)."""
    return secrets.randbits(62)


def _split(synonyms: str) -> list[str]:
    return [s for s in synonyms.split("|") if s]


# -- the store -------------------------------------------------------------------------------
class Neo4jStore:
    """A ``GraphStore`` in a Neo4j 5 database reached over Bolt with the official driver."""

    def __init__(
        self,
        uri: str,
        user: str,
        password: str,
        database: str = "neo4j",
        batch_size: int = 10_000,
        parallel: int = 2,
    ) -> None:
        if batch_size < 1:
            raise StoreError(f"batch_size must be at least 1, got {batch_size}")
        if parallel < 1:
            raise StoreError(f"parallel must be at least 1, got {parallel}")
        #: staging batches (network loads, result write-backs) committed at once, each in a
        #: session of its own (benchmarks/RESULTS.md: 2 spread the server's work over cores)
        self.parallel = parallel
        if not uri.startswith(NEO4J_SCHEMES):
            raise StoreError(f"invalid Neo4j URI {uri!r}: use bolt://HOST:7687 or neo4j://HOST")
        self.uri, self.user, self.database, self.batch_size = uri, user, database, batch_size
        self.location = f"{uri} (database {database})"
        try:
            # notifications off: "property does not exist" warnings on an empty store are noise
            self._driver: Driver = GraphDatabase.driver(
                uri, auth=(user, password), notifications_min_severity="OFF"
            )
        except ValueError as exc:
            raise StoreError(f"invalid Neo4j URI {uri!r}: {exc}; fix NEO4J_URI") from None
        self._schema_checked = False

    @classmethod
    def from_env(cls, **overrides: Any) -> Neo4jStore:
        """Build from ``NEO4J_URI`` / ``NEO4J_USER`` / ``NEO4J_PASSWORD`` / ``NEO4J_DATABASE``."""
        settings: dict[str, Any] = {
            "uri": os.environ.get("NEO4J_URI", "bolt://127.0.0.1:7687"),
            "user": os.environ.get("NEO4J_USER", "neo4j"),
            "password": os.environ.get("NEO4J_PASSWORD"),
            "database": os.environ.get("NEO4J_DATABASE", "neo4j"),
        }
        settings.update({k: v for k, v in overrides.items() if v is not None})
        if not settings["password"]:
            raise StoreError("no Neo4j password: set NEO4J_PASSWORD (or pass --neo4j-password)")
        return cls(**settings)

    # -- plumbing ----------------------------------------------------------------------------
    @contextlib.contextmanager
    def _session(self, access: str = WRITE_ACCESS) -> Iterator[Session]:
        """A session whose driver errors become one-line ``StoreError``s."""
        try:
            with self._driver.session(
                database=self.database, default_access_mode=access
            ) as session:
                yield session
        except AuthError:
            raise StoreError(
                f"Neo4j at {self.uri} rejected user {self.user!r}: "
                "check NEO4J_USER / NEO4J_PASSWORD"
            ) from None
        except ServiceUnavailable:
            raise StoreError(
                f"cannot reach Neo4j at {self.uri}: start it (scripts/neo4j-local start, "
                "or docker compose up -d) or fix NEO4J_URI"
            ) from None
        except ClientError as exc:
            if exc.code and "DatabaseNotFound" in exc.code:
                raise StoreError(
                    f"Neo4j at {self.uri} has no database {self.database!r}: "
                    "create it or fix NEO4J_DATABASE"
                ) from None
            raise StoreError(f"Neo4j refused a statement ({exc.code}): {exc.message}") from None
        except Neo4jError as exc:
            raise StoreError(f"Neo4j error ({exc.code}): {exc.message}") from None

    def _read(self, name: str, **params: Any) -> list[list[Any]]:
        """Run ``cypher/<name>``, a read; return its rows."""
        self._require_schema()
        return [list(record.values()) for record in self._query(name, params)]

    def _query(self, name: str, params: dict[str, Any]) -> list[Record]:
        """The records of the read ``cypher/<name>``, run in an auto-commit transaction: one
        round trip, where a managed transaction needs a second one to commit (a third of
        ``modules show``'s time in statements, benchmarks/RESULTS.md section 2). Retried, as
        managed transactions are, when the server reports a transient error; an unreachable
        server fails at once."""
        for delay in (*_RETRY_DELAYS_S, None):
            with self._session(READ_ACCESS) as session:
                try:
                    return list(session.run(cypher(name), params))
                except TransientError as exc:
                    if delay is None:
                        raise
                    log.warning("Neo4j read failed (%s); retrying in %.0f s", exc, delay)
            time.sleep(delay)
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _table_columns(self, name: str, **params: Any) -> dict[str, list[Any]]:
        """The one record of a ``cypher/read/<name>`` query that collects one list per
        column (one list of strings decodes faster than a list of small lists)."""
        self._require_schema()
        (record,) = self._query(f"read/{name}", params)
        return dict(record)

    def _table(self, name: str, **params: Any) -> list[list[Any]]:
        """The ``rows`` list that a ``cypher/read/<name>`` table query collects."""
        rows: list[list[Any]] = self._read(f"read/{name}", **params)[0][0]
        return rows

    def _count(self, name: str, **params: Any) -> int:
        return int(self._read(f"read/{name}", **params)[0][0])

    def _write(self, work: Callable[[ManagedTransaction], _T]) -> _T:
        self._require_schema()
        with self._session() as session:
            return session.execute_write(work)

    def _ensure_network(self, network: str) -> None:
        """MERGE the (:Network) node (the lock that loads and write-backs take)."""
        self._write(lambda tx: tx.run(cypher("load/ensure_network"), network=network).consume())

    def _write_batches(
        self,
        steps: list[tuple[str, list[Any], dict[str, Any]]],
        first: list[tuple[str, dict[str, Any]]] | None = None,
    ) -> None:
        """Run each ``(cypher name, rows, params)`` step in batches of rows, all in ONE
        transaction (after the ``first`` statements): a load that fails or is interrupted
        half-way leaves nothing behind."""
        statements = list(first or []) + [
            (name, {**params, "rows": batch})
            for name, rows, params in steps
            for batch in _batches(rows, self.batch_size)
        ]
        n_rows = sum(len(rows) for _, rows, _ in steps)
        self._commit(
            statements,
            f"{n_rows:,} rows in one transaction; give it a larger heap (NEO4J_LOCAL_HEAP=8g "
            "scripts/neo4j-local start, or server.memory.heap.max_size) or load a smaller file",
        )

    def _write_each_batch(self, name: str, rows: list[Any], params: dict[str, Any]) -> None:
        """Run ``cypher/<name>`` on batches of rows, each batch in a transaction of its own."""
        for batch in _batches(rows, self.batch_size):
            self._commit(
                [(name, {**params, "rows": batch})],
                f"{len(batch):,} rows per transaction; lower --neo4j-batch-size",
            )

    def _commit(self, statements: list[tuple[str, dict[str, Any]]], too_big: str) -> ResultSummary:
        """Run the statements in one transaction, retried as a whole on transient errors,
        except for running out of transaction memory (Neo4j reports that at commit, and the
        same transaction would only hit it again), which stops at once saying ``too_big``.
        Returns the summary of the last statement."""
        self._require_schema()
        for delay in (*_RETRY_DELAYS_S, None):
            with self._session() as session:
                try:
                    with session.begin_transaction() as tx:
                        for name, params in statements:
                            summary = tx.run(cypher(name), params).consume()
                        tx.commit()
                    return summary
                except (DriverError, Neo4jError) as exc:
                    if _out_of_memory(exc):
                        raise StoreError(
                            f"Neo4j at {self.uri} ran out of transaction memory "
                            f"({too_big}); nothing of that transaction was written"
                        ) from None
                    if delay is None or not exc.is_retryable():
                        raise
                    log.warning("Neo4j write failed (%s); retrying in %.0f s", exc, delay)
            time.sleep(delay)
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _each(self, work: Callable[[_T], Any], items: Iterable[_T]) -> None:
        """``work(item)`` for each item: in order, or ``self.parallel`` at a time (each
        ``_commit`` opens a session of its own); the first error is raised."""
        if self.parallel <= 1:
            for item in items:
                work(item)
            return
        with ThreadPoolExecutor(self.parallel) as pool:
            for _ in pool.map(work, items):
                pass

    def _auto_commit(self, name: str, **params: Any) -> None:
        """Run ``cypher/<name>`` in an auto-commit transaction (needed by ``CALL ... IN
        TRANSACTIONS``, which commits its own batches). No schema check: ``clear`` works on
        any database, and loads have checked it already."""
        with self._session() as session:
            session.run(cypher(name), params).consume()

    def _require_schema(self) -> None:
        if self._schema_checked:
            return
        # the first statement of every store method, in an auto-commit transaction: an
        # unreachable server fails at once (a managed transaction would retry it for 30 s),
        # without a connectivity check's extra round trip
        with self._session() as session:
            result = session.run(cypher("read/schema_constraints"))
            present = {row[0] for row in result}
        missing = _constraint_names() - present
        if missing:
            raise StoreError(
                f"Neo4j database {self.database!r} at {self.uri} has no netmarker schema "
                f"(missing {', '.join(sorted(missing))}): run `netmarker db init`"
            )
        self._schema_checked = True

    def init_schema(self) -> None:
        """Create the constraints and indexes (safe to repeat) and wait until they are online."""
        with self._session() as session:
            for statement in schema_statements():
                session.run(statement).consume()
            session.run(cypher("read/await_indexes"), seconds=300).consume()
        self._schema_checked = False
        self._require_schema()

    # -- loads -------------------------------------------------------------------------------
    def _begin(
        self, dataset: Dataset, before: dict[str, int]
    ) -> tuple[LoadReport | None, dict[str, int]]:
        """Create (or find) the Dataset node; a completed one means the load is a no-op."""
        state = self._read("read/dataset_state", dataset_id=dataset.dataset_id)
        if state and state[0][0]:
            counts = json.loads(state[0][1])
            return LoadReport(dataset.dataset_id, dataset.kind, dataset.name, True, counts), {}
        params = {
            "dataset_id": dataset.dataset_id,
            "kind": dataset.kind,
            "name": dataset.name,
            "source_file": dataset.source_file,
            "checksum": dataset.checksum,
            "options": json.dumps(dataset.options, sort_keys=True),
            "before": json.dumps(before, sort_keys=True),
        }
        row = self._write(
            lambda tx: tx.run(cypher("load/dataset_begin"), params).single(strict=True)
        )
        counted: dict[str, int] = json.loads(row["before"])
        return None, counted

    def _finish(self, dataset: Dataset, counts: dict[str, int]) -> LoadReport:
        record = dataset.record(counts)
        params = {
            "dataset_id": dataset.dataset_id,
            "counts": record["counts"],
            "loaded_at": record["loaded_at"],
        }
        self._write(lambda tx: tx.run(cypher("load/dataset_finish"), params).consume())
        return LoadReport(dataset.dataset_id, dataset.kind, dataset.name, False, counts)

    def _gene_step(
        self, genes: pd.DataFrame, symbols: list[pd.Series]
    ) -> tuple[str, list[Any], dict[str, Any]]:
        """The load step that merges every gene a load mentions (a known Entrez id is kept)."""
        frames = [typed_frame(genes, GENE_COLUMNS)]
        # each symbol once before sorting: a network's edge columns name every gene many times
        named = [pd.unique(s.astype(str)) for s in symbols]
        frames += [pd.DataFrame({"symbol": each, "entrez": ""}) for each in named]
        allg = pd.concat(frames, ignore_index=True).sort_values(
            ["symbol", "entrez"], ascending=[True, False]
        )
        allg = allg.drop_duplicates("symbol", keep="first")
        return ("load/merge_genes", _rows(allg), {})

    def _stage_and_publish(self, network: str, unique: pd.DataFrame, gene_rows: list[Any]) -> int:
        """Write a network load as a new version, then publish it in one small transaction.

        The load holds a write lock on the ``(:Network)`` node in a transaction kept open
        until it publishes, so loads of one network run one at a time and a dead client's
        lock is released by the server. Under the lock: drop what earlier interrupted loads
        staged, read the published version and unite it with this load's edges in pandas
        (max score per pair), merge this load's genes (without ``entrez``: unlisted until
        published), CREATE the whole new version in committed batches (it is new, so there
        is nothing to MERGE with), then, in the lock's transaction, set the genes' Entrez ids
        and switch ``Network.version``. Readers see the old version until that commit; a
        failure before it leaves the published network as it was. Afterwards the old
        version (if there was one) is deleted in batches. Returns the edges published.
        """
        version = _new_id()
        batch = {"network": network, "batch_size": self.batch_size}
        self._ensure_network(network)
        with self._network_lock(network) as lock:
            with _timed("drop what interrupted loads staged"):
                self._auto_commit("load/drop_stale_interactions", **batch)
            with _timed("read the published version and unite"):
                published = _frame_of(self._table_columns("edges", network=network), EDGE_COLUMNS)
                if len(published):
                    both = pd.concat([published, unique], ignore_index=True)
                    pairs = both.groupby(["gene_a", "gene_b"], sort=True)["score"]
                    unique = pairs.max().reset_index()
            with _timed("stage genes"):
                self._write_each_batch("load/stage_genes", [row[:1] for row in gene_rows], {})
            with _timed(f"create {len(unique):,} interactions"):
                self._each(
                    lambda batch: self._create_interactions(batch, network, version),
                    _interaction_batches(unique, self.batch_size),
                )
            with _timed("publish (Entrez ids, version switch)"):
                for rows in _batches(gene_rows, self.batch_size):
                    lock.run(cypher("load/merge_genes"), rows=rows).consume()
                lock.run(cypher("load/publish_network"), network=network, version=version).consume()
        if len(published):  # else nothing is left to drop: what interrupted loads staged went first
            with self._network_lock(network), _timed("drop the old version"):
                self._auto_commit("load/drop_stale_interactions", **batch)
        return len(unique)

    def _create_interactions(self, batch: dict[str, Any], network: str, version: int) -> None:
        """CREATE one batch of a staged network version (see :func:`_interaction_batches`)
        in a transaction of its own."""
        n = len(batch["a"])
        summary = self._commit(
            [("load/create_interactions", {**batch, "network": network, "version": version})],
            f"{n:,} rows per transaction; lower --neo4j-batch-size",
        )
        if summary.counters.relationships_created != n:
            raise StoreError(
                f"network load created {summary.counters.relationships_created} of {n} "
                "interactions of a batch: a gene vanished meanwhile (was the database "
                "cleared?); nothing was published, run the load again"
            )

    @contextlib.contextmanager
    def _network_lock(self, network: str) -> Iterator[Transaction]:
        """A transaction holding the write lock on ``(:Network {name: network})``, committed
        when the block ends normally and rolled back when it raises."""
        with self._session() as session, session.begin_transaction() as tx:
            tx.run(cypher("load/lock_network"), network=network).consume()
            yield tx
            tx.commit()

    def load_network(
        self, name: str, edges: pd.DataFrame, genes: pd.DataFrame, dataset: Dataset
    ) -> LoadReport:
        validate_network_name(name)
        edges = typed_frame(edges, EDGE_COLUMNS)
        if (edges["gene_a"] >= edges["gene_b"]).any():
            raise StoreError("edges must be canonical (gene_a < gene_b); use netmarker.io readers")
        self._require_schema()
        with _timed("count before, begin"):
            now = {"edges": self._count("count_network_edges", network=name)}
            now["genes"] = self._count("count_genes")
            known, before = self._begin(dataset, now)
        if known is not None:
            return known
        with _timed("deduplicate edges, genes (pandas)"):
            unique = edges.groupby(["gene_a", "gene_b"], sort=True)["score"].max().reset_index()
            _, gene_rows, _ = self._gene_step(genes, [unique["gene_a"], unique["gene_b"]])
        published = self._stage_and_publish(name, unique, gene_rows)
        with _timed("count after, finish"):
            counts = {
                "edges_in_file": len(edges),
                "edges_new": published - before["edges"],
                "genes_new": self._count("count_genes") - before["genes"],
            }
            return self._finish(dataset, counts)

    def load_targets(
        self, targets: pd.DataFrame, drugs: pd.DataFrame, dataset: Dataset
    ) -> LoadReport:
        targets = typed_frame(targets, TARGET_COLUMNS)
        drugs = typed_frame(drugs, DRUG_COLUMNS)
        self._require_schema()
        now = {"links": self._count("count_targets"), "drugs": self._count("count_drugs")}
        known, before = self._begin(dataset, now)
        if known is not None:
            return known
        named = pd.DataFrame({"drug": targets["drug"].unique(), "synonyms": ""})
        alld = pd.concat([drugs, named], ignore_index=True)
        drug_rows = [
            [drug, sorted({s for v in group for s in _split(v)})]
            for drug, group in alld.groupby("drug", sort=True)["synonyms"]
        ]
        self._write_batches(
            [
                self._gene_step(pd.DataFrame(columns=GENE_COLUMNS), [targets["gene"]]),
                ("load/merge_drugs", drug_rows, {}),
                ("load/merge_targets", _rows(targets.drop_duplicates()), {}),
            ]
        )
        counts = {
            "links_in_file": len(targets),
            "links_new": self._count("count_targets") - before["links"],
            "drugs_new": self._count("count_drugs") - before["drugs"],
        }
        return self._finish(dataset, counts)

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
        self._require_schema()
        now = {"pathways": self._count("count_pathways"), "members": self._count("count_members")}
        known, before = self._begin(dataset, now)
        if known is not None:
            return known
        latest = pathways.drop_duplicates("pathway", keep="last")
        # a replacing load first removes the source's earlier load, in the same transaction
        first = self._removal_statements("pathways", dataset.name, dataset.dataset_id)
        self._write_batches(
            [
                self._gene_step(pd.DataFrame(columns=GENE_COLUMNS), [members["gene"]]),
                ("load/merge_pathways", _rows(latest), {}),
                ("load/merge_members", _rows(members.drop_duplicates()), {}),
            ],
            first=first if replace else [],
        )
        counts = {
            "pathways_in_file": len(pathways),
            "memberships_in_file": len(members),
            "pathways_new": self._count("count_pathways") - before["pathways"],
            "memberships_new": self._count("count_members") - before["members"],
        }
        return self._finish(dataset, counts)

    # -- reads -------------------------------------------------------------------------------
    def networks(self) -> list[str]:
        return [row[0] for row in self._read("read/networks")]

    def edges(self, network: str) -> pd.DataFrame:
        known = self.networks()
        if network not in known:
            names = ", ".join(known) or "none loaded"
            raise NotFoundError(f"unknown network {network!r} (known: {names})")
        df = _frame_of(self._table_columns("edges", network=network), EDGE_COLUMNS)
        return df.sort_values(["gene_a", "gene_b"], kind="stable").reset_index(drop=True)

    def network_size(self, network: str) -> dict[str, int]:
        if network not in self.networks():
            raise NotFoundError(f"unknown network {network!r}")
        edges, genes = self._read("read/network_size", network=network)[0]
        return {"edges": int(edges), "genes": int(genes)}

    def genes(self) -> pd.DataFrame:
        return _frame(self._table("genes"), GENE_COLUMNS, ["symbol"])

    def drugs(self) -> pd.DataFrame:
        rows = [[name, "|".join(sorted(syn))] for name, syn in self._table("drugs")]
        return _frame(rows, DRUG_COLUMNS, ["drug"])

    def drug_named(self, name: str) -> str | None:
        found = self._read("read/drug_named", drug=name)
        return None if not found else str(found[0][0])

    def targets(self, drug: str | None = None) -> pd.DataFrame:
        rows = self._table("targets", drug=drug)
        return _frame(rows, TARGET_COLUMNS, TARGET_COLUMNS)

    def pathways(self) -> pd.DataFrame:
        return _frame(self._table("pathways"), PATHWAY_COLUMNS, ["pathway"])

    def members(self, source: str | None = None) -> pd.DataFrame:
        rows = self._table("members", source=source)
        return _frame(rows, MEMBER_COLUMNS, MEMBER_COLUMNS)

    def datasets(self) -> pd.DataFrame:
        rows = self._table("datasets")
        return typed_frame(pd.DataFrame(rows, columns=DATASET_COLUMNS), DATASET_COLUMNS)

    def status(self) -> dict[str, Any]:
        return summarize(self)

    # -- results -----------------------------------------------------------------------------
    def _replace(
        self, kind: str, results: pd.DataFrame, columns: list[str], keys: list[str]
    ) -> None:
        """Delete the ``kind`` rows of every key in ``results`` and write ``results``: one tx."""
        results = typed_frame(results, columns)
        key_rows = _rows(results[keys].drop_duplicates())
        delete: dict[str, Any] = {"drugs": [k[0] for k in key_rows]}
        rows = _dicts(results)

        def work(tx: ManagedTransaction) -> None:
            tx.run(cypher(f"write/delete_{kind}"), delete).consume()
            names = sorted({r["feature"] for r in rows})
            found = {r["id"] for r in tx.run(cypher("read/pathway_ids"), names=names)}
            for target in ("pathway", "gene"):
                chosen = [r for r in rows if (r["feature"] in found) == (target == "pathway")]
                for batch in _batches(chosen, self.batch_size):
                    tx.run(cypher(f"write/create_{kind}_{target}"), rows=batch).consume()

        self._write(work)

    def _write_results(self, kind: str, chunks: Iterable[pd.DataFrame], columns: list[str]) -> int:
        """Replace the ``kind`` rows of each (drug, network) in ``chunks`` (tables of rows,
        handed over one at a time), staged and published per network as network loads are:
        all or nothing per network, any number of rows fits the heap. Returns the rows written.

        On a network's first rows: take its lock (a transaction kept open until the publish).
        For each chunk, under the lock: create the Drug and target nodes its rows point to and
        stage its rows in committed batches (each batch looks its nodes up once by their unique
        keys and sends its rows as columns). After the last chunk, in each lock's transaction,
        list the new write on each drug (``publish_<kind>``): readers see only rows of a
        listed write, so they switch from the old rows to the new at that commit. Afterwards,
        under the lock again, the drugs' unlisted rows on the network (superseded, or staged
        by a write-back that died) are deleted in batches.
        """
        target = columns[1]  # pathway | gene
        values = [c for c in columns if c not in ("drug", target, "network", "run")]
        # network -> (write id, its lock's transaction and exit stack, the drugs written)
        writes: dict[str, tuple[int, Transaction, contextlib.ExitStack, set[str]]] = {}
        written = 0
        with contextlib.ExitStack() as locks:  # on an error: every lock rolled back
            for chunk in chunks:
                rows = typed_frame(chunk, columns)
                written += len(rows)
                for network, part in rows.groupby("network", sort=True):
                    name = validate_network_name(str(network))
                    if name not in writes:
                        self._ensure_network(name)
                        own = locks.enter_context(contextlib.ExitStack())
                        lock = own.enter_context(self._network_lock(name))
                        writes[name] = (_new_id(), lock, own, set())
                    write, _, _, drugs = writes[name]
                    drugs.update(part["drug"].unique().tolist())
                    self._stage_rows(kind, part, target, values, name, write)
            for name, (write, lock, own, drugs) in writes.items():
                with _timed(f"{kind}: publish {name}"):
                    lock.run(
                        cypher(f"write/publish_{kind}"),
                        drugs=sorted(drugs),
                        network=name,
                        write=write,
                    ).consume()
                    # commit now: the next network's publish locks the same Drug nodes
                    own.close()
        for name, (_, _, _, drugs) in writes.items():
            # under the lock again: no other write-back is staging meanwhile
            with self._network_lock(name), _timed(f"{kind}: drop superseded rows"):
                self._auto_commit(
                    f"write/drop_stale_{kind}",
                    drugs=sorted(drugs),
                    network=name,
                    batch_size=self.batch_size,
                )
        return written

    def _stage_rows(
        self,
        kind: str,
        part: pd.DataFrame,
        target: str,
        values: list[str],
        network: str,
        write: int,
    ) -> None:
        """Stage ``part`` (rows of one network) under write ``write``: its Drug and target
        nodes first, then its rows in committed batches."""
        nodes = {
            "drugs": sorted(part["drug"].unique().tolist()),
            "targets": sorted(part[target].unique().tolist()),
        }
        with _timed(f"{kind}: merge drug and target nodes"):
            self._commit(
                [(f"write/merge_{kind}_nodes", nodes)],
                f"{len(nodes['drugs']):,} drugs per write-back; write fewer drugs at once",
            )
        with _timed(f"{kind}: stage {len(part):,} rows"):
            batches = [
                (rows.iloc[start : start + self.batch_size], run)
                for run, rows in part.groupby("run", sort=True)
                for start in range(0, len(rows), self.batch_size)
            ]
            self._each(
                lambda item: self._stage_batch(
                    kind,
                    item[0],
                    target,
                    values,
                    {"network": network, "run": item[1], "write": write},
                ),
                batches,
            )

    def _stage_batch(
        self,
        kind: str,
        batch: pd.DataFrame,
        target: str,
        values: list[str],
        constant: dict[str, Any],
    ) -> None:
        """Create one batch of staged result rows in a transaction of its own."""
        drug_codes, drug_names = pd.factorize(batch["drug"], sort=True)
        target_codes, target_names = pd.factorize(batch[target], sort=True)
        params: dict[str, Any] = {
            **constant,
            "drugs": drug_names.tolist(),
            "targets": target_names.tolist(),
            "drug": drug_codes.tolist(),
            "target": target_codes.tolist(),
        }
        for column in values:
            params[column] = _column(batch[column])
        summary = self._commit(
            [(f"write/stage_{kind}", params)],
            f"{len(batch):,} rows per transaction; lower --neo4j-batch-size",
        )
        if summary.counters.relationships_created != len(batch):
            raise StoreError(
                f"write-back of {kind} results created {summary.counters.relationships_created} "
                f"of {len(batch)} rows of a batch: a Drug or target node vanished meanwhile "
                "(was the database cleared?); nothing was published, run it again"
            )

    def write_proximity(self, results: pd.DataFrame) -> None:
        self._write_results("proximity", [results], PROXIMITY_COLUMNS)

    def write_proximity_chunks(self, chunks: Iterable[pd.DataFrame]) -> int:
        """``write_proximity`` of a run handed over in chunks (of any number of rows each):
        each network's rows are published once the last chunk is staged."""
        return self._write_results("proximity", chunks, PROXIMITY_COLUMNS)

    def proximity(self, drug: str | None = None, network: str | None = None) -> pd.DataFrame:
        rows = self._table("proximity", drug=drug, network=network)
        return _frame(rows, PROXIMITY_COLUMNS, ["drug", "network", "z", "pathway"])

    def write_propagation(self, results: pd.DataFrame) -> None:
        self._write_results("propagation", [results], PROPAGATION_COLUMNS)

    def propagation(self, drug: str | None = None, network: str | None = None) -> pd.DataFrame:
        rows = self._table("propagation", drug=drug, network=network)
        return _frame(rows, PROPAGATION_COLUMNS, ["drug", "network", "rank"])

    def write_biomarkers(self, results: pd.DataFrame) -> None:
        self._replace("biomarkers", results, BIOMARKER_COLUMNS, ["drug"])

    def biomarkers(self, drug: str | None = None) -> pd.DataFrame:
        rows = self._table("biomarkers", drug=drug)
        return _frame(rows, BIOMARKER_COLUMNS, ["drug", "rank"])

    # -- removing one dataset ------------------------------------------------------------------
    def _removal_statements(
        self, kind: str, name: str, keep: str | None = None
    ) -> list[tuple[str, dict[str, Any]]]:
        """The statements that remove a pathway source and its results (no chained values)."""
        if kind != "pathways":
            raise StoreError(f"no statement list for removing {kind}")
        src = {"source": name}
        return [
            ("remove/source_proximity_runs", src),
            ("remove/source_biomarker_models", src),
            ("remove/source_pathways", src),
            ("remove/datasets", {"kind": kind, "name": name, "keep": keep}),
        ]

    def remove_dataset(self, kind: str, name: str) -> dict[str, int]:
        if kind not in ("network", "targets", "pathways"):
            raise StoreError(f"unknown dataset kind {kind!r}: network, targets or pathways")
        known = self.datasets()
        names = sorted(set(known.loc[known["kind"] == kind, "name"]))
        if kind == "network":
            if name not in names:
                raise NotFoundError(
                    f"no {kind} {name!r} in the store; loaded: {', '.join(names) or 'none'}"
                )
            return self._remove_network(name)

        def one(tx: ManagedTransaction, statement: str, **params: Any) -> Any:
            return tx.run(cypher(f"remove/{statement}"), params).single()

        def work(tx: ManagedTransaction) -> dict[str, int]:
            counts: dict[str, int] = {}
            if kind == "targets":
                row = one(tx, "source_targets", source=name)
                drugs, counts["links"] = row["drugs"], row["n"]
                for key, rel in (
                    ("proximity_rows", "PROXIMAL_TO"),
                    ("propagation_rows", "PROPAGATES_TO"),
                    ("biomarker_rows", "BIOMARKER"),
                ):
                    counts[key] = one(tx, "drug_results", drugs=drugs, type=rel)["n"]
                counts["drugs"] = one(tx, "orphan_drugs", drugs=drugs)["n"]
            else:
                counts["proximity_rows"] = one(tx, "source_proximity_runs", source=name)["n"]
                counts["biomarker_rows"] = one(tx, "source_biomarker_models", source=name)["n"]
                row = one(tx, "source_pathways", source=name)
                counts["pathways"], counts["memberships"] = row["n"], row["memberships"]
                counts["propagation_rows"] = 0
            counts["datasets"] = one(tx, "datasets", kind=kind, name=name, keep=None)["n"]
            found = counts["datasets"] or counts.get("links") or counts.get("pathways")
            if not found:  # nothing was there: roll back (nothing changed) and say so
                raise NotFoundError(
                    f"no {kind} {name!r} in the store; loaded: {', '.join(names) or 'none'}"
                )
            return counts

        counts = self._write(work)
        return {k: int(counts[k]) for k in _removal_order(kind)}

    def _remove_network(self, name: str) -> dict[str, int]:
        """Unpublish the network and remove its results and records in one transaction
        holding the network's lock; then delete its interactions in batches, as a load
        deletes an old version (readers no longer see them from the commit on)."""
        counts: dict[str, int] = {}
        with self._network_lock(name) as tx:
            edges = tx.run(cypher("read/count_network_edges"), network=name).single(strict=True)
            counts["edges"] = edges["n"]
            tx.run(cypher("remove/unpublish_network"), network=name).consume()
            row = tx.run(cypher("remove/network_proximity"), network=name).single(strict=True)
            counts["proximity_rows"] = row["n"]
            prop = tx.run(cypher("remove/network_propagation"), network=name).single(strict=True)
            counts["propagation_rows"] = prop["n"]
            bio = tx.run(
                cypher("remove/drug_results"), drugs=row["drugs"], type="BIOMARKER"
            ).single(strict=True)
            counts["biomarker_rows"] = bio["n"]
            done = tx.run(cypher("remove/datasets"), kind="network", name=name, keep=None).single(
                strict=True
            )
            counts["datasets"] = done["n"]
        with self._network_lock(name):
            self._auto_commit(
                "load/drop_stale_interactions", network=name, batch_size=self.batch_size
            )
        return {k: int(counts[k]) for k in _removal_order("network")}

    # -- explanations (netmarker.explain): paths and components in Cypher ---------------------
    def explain_paths(self, network: str, drug: str, pathway: str) -> list[tuple[str, list[str]]]:
        """(target, genes) of every shortest path from ``drug``'s targets to ``pathway``."""
        rows = self._read("read/explain_paths", network=network, drug=drug, pathway=pathway)
        return [(row[0], list(row[1])) for row in rows]

    def gene_degrees(self, network: str, genes: list[str]) -> dict[str, int]:
        """Degree of each gene in the published ``network`` (0 when it is not in it)."""
        rows = self._read("read/gene_degrees", network=network, genes=list(genes))
        return {symbol: int(degree) for symbol, degree in rows}

    def proximity_of_pathway(self, pathway: str, network: str) -> pd.DataFrame:
        """PROXIMITY_COLUMNS of every drug's result for ``pathway`` on ``network``."""
        rows = pd.DataFrame(self._table("drugs_near_pathway", pathway=pathway, network=network))
        rows = rows.reindex(columns=PROXIMITY_COLUMNS)
        return _frame(rows.to_numpy().tolist(), PROXIMITY_COLUMNS, ["drug", "network", "z"])

    def z_profiles(self, drug: str, network: str) -> list[list[Any]]:
        """[other drug, pathway, z of ``drug``, z of the other] per pathway both have."""
        return self._table("z_profiles", drug=drug, network=network)

    # -- housekeeping ------------------------------------------------------------------------
    def clear(self) -> None:
        """Remove every netmarker node and relationship; the schema and other data stay."""
        self._auto_commit("write/clear_relationships")
        self._auto_commit("write/clear")

    def close(self) -> None:
        self._driver.close()

    def __enter__(self) -> Neo4jStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
