"""The ``GraphStore`` protocol: what every store (embedded, Neo4j) offers, with the same answers.

Tables cross the protocol as pandas DataFrames with fixed columns (the ``*_COLUMNS``
contracts of :mod:`netmarker.schema`, re-exported here). Genes are keyed by HGNC symbol;
drugs by their normalised (upper-case) name; pathways by their set name.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol, runtime_checkable

import pandas as pd

from netmarker.errors import StoreError
from netmarker.schema import (  # noqa: F401  (re-exported: the protocol's contracts)
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

#: URI schemes that name a Neo4j server rather than an embedded store directory
NEO4J_SCHEMES = ("bolt://", "bolt+s://", "bolt+ssc://", "neo4j://", "neo4j+s://", "neo4j+ssc://")

_FLOAT_COLUMNS = {"score", "distance", "z", "p", "q", "coefficient"}
#: columns added after stores were first written: read as missing (NaN) from older stores
_LATER_COLUMNS = {"q"}
_INT_COLUMNS = {"n_random", "seed", "rank"}


def typed_frame(df: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Select ``columns`` in order with the stores' dtypes (float64 / int64 / str).

    Both stores pass every table through this, so their answers compare equal.
    """
    absent = [c for c in columns if c in _LATER_COLUMNS and c not in df.columns]
    out = df.assign(**dict.fromkeys(absent, float("nan"))).loc[:, columns].copy()
    for c in columns:
        if c in _FLOAT_COLUMNS:
            out[c] = pd.to_numeric(out[c], errors="coerce").astype("float64")
        elif c in _INT_COLUMNS:
            out[c] = out[c].astype("int64")
        else:
            out[c] = out[c].fillna("").astype(str)
    return out.reset_index(drop=True)


_NETWORK_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}")


def validate_network_name(name: str) -> str:
    """Network names are short identifiers: letters, digits, ``_``, ``.``, ``-``."""
    if not isinstance(name, str) or not _NETWORK_NAME.fullmatch(name):
        raise StoreError(
            f"invalid network name {name!r}: use 1-64 letters, digits, '_', '.' or '-'"
        )
    return name


@dataclass(frozen=True)
class Dataset:
    """Provenance of one load: which file, which bytes, which options, when."""

    kind: str  # "network" | "targets" | "pathways"
    name: str  # network name, or target/pathway source name
    source_file: str
    checksum: str  # sha256 of the file
    options: dict[str, Any] = field(default_factory=dict)
    loaded_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    @property
    def dataset_id(self) -> str:
        """Same kind, name, bytes and options -> same id: reloading is recognised."""
        key = json.dumps([self.kind, self.name, self.checksum, self.options], sort_keys=True)
        return hashlib.sha256(key.encode()).hexdigest()[:16]

    def record(self, counts: dict[str, int]) -> dict[str, Any]:
        row = asdict(self)
        row["dataset_id"] = self.dataset_id
        row["counts"] = json.dumps(counts, sort_keys=True)
        row["options"] = json.dumps(self.options, sort_keys=True)
        return {c: row[c] for c in DATASET_COLUMNS}


@dataclass
class LoadReport:
    """What a load did: rows in the input, rows new to the store, and whether it was a no-op."""

    dataset_id: str
    kind: str
    name: str
    already_loaded: bool
    counts: dict[str, int]


@runtime_checkable
class GraphStore(Protocol):
    """A persistent graph of genes, interactions, drugs, targets, pathways and results."""

    #: human-readable location, e.g. a directory or a bolt URI
    location: str

    # -- loads: atomic (all or nothing) and idempotent -------------------------------------
    def load_network(
        self, name: str, edges: pd.DataFrame, genes: pd.DataFrame, dataset: Dataset
    ) -> LoadReport:
        """Merge edges (EDGE_COLUMNS) into network ``name``; on a repeated pair keep max score."""
        ...

    def load_targets(
        self, targets: pd.DataFrame, drugs: pd.DataFrame, dataset: Dataset
    ) -> LoadReport:
        """Merge drugs (DRUG_COLUMNS) and drug->gene links (TARGET_COLUMNS)."""
        ...

    def load_pathways(
        self,
        pathways: pd.DataFrame,
        members: pd.DataFrame,
        dataset: Dataset,
        *,
        replace: bool = False,
    ) -> LoadReport:
        """Merge pathways (PATHWAY_COLUMNS) and memberships (MEMBER_COLUMNS); with ``replace``
        first remove (in the same transaction) what the source ``dataset.name`` held, as
        ``remove_dataset("pathways", dataset.name)`` does."""
        ...

    # -- reads -------------------------------------------------------------------------------
    def networks(self) -> list[str]:
        """Names of loaded networks, sorted."""
        ...

    def edges(self, network: str) -> pd.DataFrame:
        """EDGE_COLUMNS of one network, sorted by (gene_a, gene_b); unknown -> NotFoundError."""
        ...

    def network_size(self, network: str) -> dict[str, int]:
        """``{"edges": n, "genes": n}`` of one network, without reading its edges."""
        ...

    def genes(self) -> pd.DataFrame:
        """GENE_COLUMNS, sorted by symbol."""
        ...

    def drugs(self) -> pd.DataFrame:
        """DRUG_COLUMNS, sorted by drug."""
        ...

    def drug_named(self, name: str) -> str | None:
        """The drug called ``name``, else the first drug (by name) with synonym ``name``; None
        if there is none. Reads one drug, not the whole table."""
        ...

    def targets(self, drug: str | None = None) -> pd.DataFrame:
        """TARGET_COLUMNS (all drugs, or one), sorted by (drug, gene, source)."""
        ...

    def pathways(self) -> pd.DataFrame:
        """PATHWAY_COLUMNS, sorted by pathway."""
        ...

    def members(self, source: str | None = None) -> pd.DataFrame:
        """MEMBER_COLUMNS (all pathways, or one source's), sorted by (pathway, gene)."""
        ...

    def datasets(self) -> pd.DataFrame:
        """DATASET_COLUMNS, one row per distinct load, in load order."""
        ...

    def status(self) -> dict[str, Any]:
        """Counts per network / source plus provenance, as plain JSON-able data."""
        ...

    # -- results of the query layer and of predictors -----------------------------------------
    def write_proximity(self, results: pd.DataFrame) -> None:
        """Replace the proximity rows of each (drug, network) present in ``results``."""
        ...

    def write_proximity_chunks(self, chunks: Iterable[pd.DataFrame]) -> int:
        """``write_proximity`` for results of any size, one chunk of rows at a time: rows of one
        network, chunks holding whole drugs in drug order, each sorted by (drug, z, pathway).
        Nothing is visible until the last chunk is written (then all at once); a failed or
        killed write leaves the store as it was. Returns the rows written."""
        ...

    def proximity(self, drug: str | None = None, network: str | None = None) -> pd.DataFrame:
        """PROXIMITY_COLUMNS, sorted by (drug, network, z, pathway)."""
        ...

    def write_propagation(self, results: pd.DataFrame) -> None:
        """Replace the RWR module rows of each (drug, network) present in ``results``."""
        ...

    def propagation(self, drug: str | None = None, network: str | None = None) -> pd.DataFrame:
        """PROPAGATION_COLUMNS, sorted by (drug, network, rank)."""
        ...

    def write_biomarkers(self, results: pd.DataFrame) -> None:
        """Replace the biomarker rows of each drug present in ``results`` (BIOMARKER_COLUMNS)."""
        ...

    def biomarkers(self, drug: str | None = None) -> pd.DataFrame:
        """BIOMARKER_COLUMNS, sorted by (drug, rank)."""
        ...

    def remove_dataset(self, kind: str, name: str) -> dict[str, int]:
        """Remove one dataset (``network`` NAME, ``targets`` or ``pathways`` SOURCE) and the
        results derived from it, atomically; return counts of what went. Genes stay. The
        rules are those of :func:`netmarker.graph.embedded.removal`."""
        ...

    # -- housekeeping ----------------------------------------------------------------------
    def clear(self) -> None:
        """Remove everything."""
        ...

    def close(self) -> None:
        """Release connections / handles."""
        ...


def summarize(store: GraphStore) -> dict[str, Any]:
    """Counts per network / source and the provenance of every load, as JSON-able data."""
    networks = {}
    for name in store.networks():
        networks[name] = store.network_size(name)
    t = store.targets()
    targets = {
        src: {"drugs": int(g["drug"].nunique()), "links": len(g), "genes": int(g["gene"].nunique())}
        for src, g in t.groupby("source")
    }
    p, m = store.pathways(), store.members()
    m = m.merge(p[["pathway", "source"]], on="pathway", how="left")
    pathways = {
        src: {
            "pathways": int(g["pathway"].nunique()),
            "memberships": len(g),
            "genes": int(g["gene"].nunique()),
        }
        for src, g in m.groupby("source")
    }
    prox = store.proximity()
    return {
        "store": store.location,
        "genes": len(store.genes()),
        "drugs": len(store.drugs()),
        "networks": networks,
        "targets": targets,
        "pathways": pathways,
        "results": {
            "proximity_rows": len(prox),
            "drugs_with_proximity": int(prox["drug"].nunique()),
            "propagation_rows": len(store.propagation()),
            "biomarker_rows": len(store.biomarkers()),
        },
        "datasets": [
            {**row, "counts": json.loads(row["counts"]), "options": json.loads(row["options"])}
            for row in store.datasets().to_dict("records")
        ],
    }
