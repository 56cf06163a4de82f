"""Load input files into a graph store: read, validate, record provenance, merge.

One function per kind of input; the CLI, the demo and the benchmarks all load through them.
Each load is recorded as a :class:`~netmarker.graph.store.Dataset` keyed by the file's bytes
and the reader options, so loading the same file the same way again changes nothing (a
network file is recognised before it is even parsed).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from netmarker.errors import InputError
from netmarker.graph.store import Dataset, GraphStore, LoadReport
from netmarker.io.common import file_checksum, require_file
from netmarker.io.genesets import read_gmt
from netmarker.io.network import read_network
from netmarker.io.targets import read_targets


@dataclass
class FileLoad:
    """What loading one file did: the store's report and the reader's (None if not parsed)."""

    file: Path
    load: LoadReport
    reader_report: Any | None


def load_network_file(
    store: GraphStore,
    path: str | Path,
    name: str,
    *,
    fmt: str = "auto",
    min_score: float | None = None,
    id_type: str = "auto",
    id_map: list[Path] | None = None,
    node_list: Path | None = None,
    strict: bool = False,
) -> FileLoad:
    """Read a network file (see :func:`netmarker.io.network.read_network`) into network ``name``."""
    file = Path(path)
    dataset = Dataset(
        "network",
        name,
        str(file.resolve()),
        _checksum(file),
        _options(
            fmt=fmt,
            min_score=min_score,
            id_type=id_type,
            id_map=[_checksum(m) for m in id_map or []] or None,
            node_list=node_list,
        ),
    )
    if (known := _known(store, dataset)) is not None:  # same bytes, same options: no work
        return FileLoad(file, known, None)
    parsed = read_network(
        file,
        fmt=fmt,
        min_score=min_score,
        id_type=id_type,
        id_map=id_map or None,
        node_list=node_list,
        strict=strict,
    )
    load = store.load_network(name, parsed.edges, parsed.genes, dataset)
    return FileLoad(file, load, parsed.report)


def load_targets_file(
    store: GraphStore,
    path: str | Path,
    *,
    fmt: str = "auto",
    source: str | None = None,
    vocabulary: Path | None = None,
    gene_column: str | None = None,
    strict: bool = False,
) -> FileLoad:
    """Read a drug-target table (see :func:`netmarker.io.targets.read_targets`) and merge it."""
    file = Path(path)
    parsed = read_targets(
        file, fmt=fmt, source=source, vocabulary=vocabulary, strict=strict, gene_column=gene_column
    )
    if parsed.targets.empty:  # drugs without a single target would only pollute the store
        rep = parsed.report
        raise InputError(
            file,
            f"no drug-target link read as --format {rep.fmt} ({rep.rows_read:,} rows, "
            f"{rep.drugs:,} drugs, {rep.gene_ids.n_dropped:,} of {rep.gene_ids.n_input:,} gene "
            "ids matched no gene): wrong --format? nothing was loaded",
        )
    dataset = Dataset(
        "targets",
        source or _source_of(parsed.targets, file),
        str(file.resolve()),
        _checksum(file),
        _options(fmt=fmt, source=source, vocabulary=vocabulary, gene_column=gene_column),
    )
    load = store.load_targets(parsed.targets, parsed.drugs, dataset)
    return FileLoad(file, load, parsed.report)


def load_pathways_file(
    store: GraphStore,
    path: str | Path,
    *,
    source: str | None = None,
    min_size: int = 1,
    strict: bool = False,
    replace: bool = False,
) -> FileLoad:
    """Read a GMT file (see :func:`netmarker.io.genesets.read_gmt`) and merge its gene sets.

    A source holds one collection: a different file (or other options) under a source that
    is already loaded stops with an error, unless ``replace``, which removes the source's
    earlier pathways and the results derived from them in the same transaction as the load.
    """
    file = Path(path)
    parsed = read_gmt(file, source=source, min_size=min_size, strict=strict)
    dataset = Dataset(
        "pathways",
        source or _source_of(parsed.pathways, file),
        str(file.resolve()),
        _checksum(file),
        _options(source=source, min_size=min_size),
    )
    ds = store.datasets()
    earlier = ds[
        (ds["kind"] == "pathways")
        & (ds["name"] == dataset.name)
        & (ds["dataset_id"] != dataset.dataset_id)
    ]
    if not earlier.empty and not replace:
        last = earlier.iloc[-1]
        raise InputError(
            file,
            f"pathway source {dataset.name!r} already holds {Path(last['source_file']).name} "
            f"(loaded {last['loaded_at']}); a second collection would merge into it: give "
            "--replace to replace it (its results go too) or another --source",
        )
    replacing = not earlier.empty
    load = store.load_pathways(parsed.pathways, parsed.members, dataset, replace=replacing)
    return FileLoad(file, load, parsed.report)


def _checksum(path: Path) -> str:
    return file_checksum(require_file(path))


def _options(**values: Any) -> dict[str, Any]:
    """Reader options that change what is loaded, with side files replaced by checksums."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        if value is None or value is False:
            continue
        out[key] = _checksum(value) if isinstance(value, Path) else value
    return out


def _known(store: GraphStore, dataset: Dataset) -> LoadReport | None:
    """The store's record of this exact load, if it was done before."""
    import json

    ds = store.datasets()
    hit = ds[ds["dataset_id"] == dataset.dataset_id]
    if hit.empty:
        return None
    counts = json.loads(hit["counts"].iloc[0])
    return LoadReport(dataset.dataset_id, dataset.kind, dataset.name, True, counts)


def _source_of(table: pd.DataFrame, file: Path) -> str:
    """The one source named in the table, else the file name."""
    sources = sorted(set(table["source"])) if len(table) else []
    return sources[0] if len(sources) == 1 else file.name
