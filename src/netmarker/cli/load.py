"""``netmarker load network|targets|pathways``: read, validate and merge files into the store."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer

from netmarker.cli.context import print_json, print_mapping, progress_bar, store_from
from netmarker.errors import InputError
from netmarker.graph import GraphStore
from netmarker.graph.store import Dataset, LoadReport
from netmarker.io.common import file_checksum

app = typer.Typer(
    help="Load a PPI network, drug targets or pathway gene sets into the graph store. "
    "Loads are atomic (a bad file changes nothing) and idempotent (reloading a file is a no-op).",
    no_args_is_help=True,
)

FilesArg = typer.Argument(..., exists=False, help="Input file(s); .gz is read transparently.")
StrictOpt = typer.Option(False, "--strict", help="Fail on any identifier that cannot be mapped.")
JsonOpt = typer.Option(False, "--json", help="Print the load report as JSON.")


class NetworkFormat(StrEnum):
    auto = "auto"
    string = "string"
    table = "table"
    tsv = "tsv"
    csv = "csv"
    sif = "sif"
    menche = "menche"
    bionev = "bionev"


class IdType(StrEnum):
    auto = "auto"
    symbol = "symbol"
    entrez = "entrez"
    string = "string"


class TargetFormat(StrEnum):
    auto = "auto"
    tsv = "tsv"
    csv = "csv"
    kong = "kong"
    drugbank = "drugbank"
    guney = "guney"
    dgidb = "dgidb"


def _options(**values: Any) -> dict[str, Any]:
    """Reader options that change what is loaded, with side files replaced by checksums."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        if value is None or value is False:
            continue
        out[key] = file_checksum(value) if isinstance(value, Path) else value
    return out


def _checksum(path: Path) -> str:
    if not path.is_file():
        raise InputError(path, "file not found")
    return file_checksum(path)


def _known(store: GraphStore, dataset: Dataset) -> LoadReport | None:
    """The store's record of this exact load, if it was done before."""
    ds = store.datasets()
    hit = ds[ds["dataset_id"] == dataset.dataset_id]
    if hit.empty:
        return None
    counts = json.loads(hit["counts"].iloc[0])
    return LoadReport(dataset.dataset_id, dataset.kind, dataset.name, True, counts)


def _report(kind: str, file: Path, load: LoadReport, reader_report: Any, as_json: bool) -> dict:
    summary = {
        "file": str(file),
        "kind": kind,
        "name": load.name,
        "dataset_id": load.dataset_id,
        "already_loaded": load.already_loaded,
        "store_changes": load.counts,
        "input": reader_report,
    }
    if not as_json:
        state = "already loaded: nothing changed" if load.already_loaded else "loaded"
        rows: dict[str, Any] = {"store": state, **load.counts}
        if reader_report is not None:
            rows.update({f"input.{k}": v for k, v in reader_report.counts().items()})
        print_mapping(f"{kind} {load.name} <- {file.name}", rows)
    return summary


@app.command("network")
def load_network(
    ctx: typer.Context,
    files: list[Path] = FilesArg,
    name: str = typer.Option(..., "--name", "-n", help="Network name, e.g. string_v12_700."),
    fmt: NetworkFormat = typer.Option(
        NetworkFormat.auto,
        "--format",
        "-f",
        help="string: protein.links[.detailed]; table: TSV/CSV with a header; menche: the "
        "Menche 2015 interactome; bionev: integer edge list + --node-list.",
    ),
    min_score: float | None = typer.Option(
        None, "--min-score", help="Keep edges with score >= this (STRING scale 0-1000)."
    ),
    id_type: IdType = typer.Option(IdType.auto, "--id-type", help="What the gene columns hold."),
    id_map: list[Path] | None = typer.Option(
        None,
        "--id-map",
        help="STRING protein.info / alias file, or a two-column id -> symbol table "
        "(repeatable: the maps are merged).",
    ),
    node_list: Path | None = typer.Option(
        None, "--node-list", help="BioNEV-style node list: integer index -> STRING id."
    ),
    strict: bool = StrictOpt,
    as_json: bool = JsonOpt,
) -> None:
    """Load PPI network file(s) into network NAME (one edge per gene pair; max score kept)."""
    from netmarker.io.network import read_network

    store = store_from(ctx)
    summaries = []
    for file in files:
        dataset = Dataset(
            "network",
            name,
            str(file.resolve()),
            _checksum(file),
            _options(
                fmt=fmt.value,
                min_score=min_score,
                id_type=id_type.value,
                id_map=[_checksum(m) for m in id_map or []] or None,
                node_list=node_list,
            ),
        )
        if (known := _known(store, dataset)) is not None:  # same bytes, same options: no work
            summaries.append(_report("network", file, known, None, as_json))
            continue
        with progress_bar(f"reading {file.name}"):
            parsed = read_network(
                file,
                fmt=fmt.value,
                min_score=min_score,
                id_type=id_type.value,
                id_map=id_map or None,
                node_list=node_list,
                strict=strict,
            )
        with progress_bar(f"loading {len(parsed.edges):,} edges into {store.location}"):
            load = store.load_network(name, parsed.edges, parsed.genes, dataset)
        summaries.append(_report("network", file, load, parsed.report, as_json))
    if as_json:
        print_json(summaries)


@app.command("targets")
def load_targets(
    ctx: typer.Context,
    files: list[Path] = FilesArg,
    fmt: TargetFormat = typer.Option(
        TargetFormat.auto,
        "--format",
        "-f",
        help="tsv/csv: drug, gene[, source]; kong: drug_drugTarget.txt; drugbank: all.csv "
        "(with --vocabulary); guney: drug_to_geneids; dgidb: DGIdb-style drug_info.",
    ),
    source: str | None = typer.Option(
        None, "--source", "-s", help="Source name recorded on every link (default: file name)."
    ),
    vocabulary: Path | None = typer.Option(
        None,
        "--vocabulary",
        help="DrugBank vocabulary CSV: DrugBank ids -> names and synonyms.",
    ),
    gene_column: str | None = typer.Option(
        None, "--gene-column", help="Column of target genes (e.g. 'target' for DGIdb)."
    ),
    strict: bool = StrictOpt,
    as_json: bool = JsonOpt,
) -> None:
    """Load drug -> target gene tables (drug names normalised, old gene symbols rescued)."""
    from netmarker.io.targets import read_targets

    store = store_from(ctx)
    summaries = []
    for file in files:
        with progress_bar(f"reading {file.name}"):
            parsed = read_targets(
                file,
                fmt=fmt.value,
                source=source,
                vocabulary=vocabulary,
                strict=strict,
                gene_column=gene_column,
            )
        name = source or _source_of(parsed.targets, file)
        dataset = Dataset(
            "targets",
            name,
            str(file.resolve()),
            file_checksum(file),
            _options(fmt=fmt.value, source=source, vocabulary=vocabulary, gene_column=gene_column),
        )
        with progress_bar(f"loading {len(parsed.targets):,} drug-target links"):
            load = store.load_targets(parsed.targets, parsed.drugs, dataset)
        summaries.append(_report("targets", file, load, parsed.report, as_json))
    if as_json:
        print_json(summaries)


@app.command("pathways")
def load_pathways(
    ctx: typer.Context,
    files: list[Path] = FilesArg,
    source: str | None = typer.Option(
        None, "--source", "-s", help="Collection name, e.g. reactome (default: file name)."
    ),
    min_size: int = typer.Option(1, "--min-size", help="Drop sets with fewer mapped genes."),
    strict: bool = StrictOpt,
    as_json: bool = JsonOpt,
) -> None:
    """Load pathway gene sets from GMT files (Reactome / MSigDB)."""
    from netmarker.io.genesets import read_gmt

    store = store_from(ctx)
    summaries = []
    for file in files:
        with progress_bar(f"reading {file.name}"):
            parsed = read_gmt(file, source=source, min_size=min_size, strict=strict)
        name = source or _source_of(parsed.pathways, file)
        dataset = Dataset(
            "pathways",
            name,
            str(file.resolve()),
            file_checksum(file),
            _options(source=source, min_size=min_size),
        )
        with progress_bar(f"loading {len(parsed.pathways):,} pathways"):
            load = store.load_pathways(parsed.pathways, parsed.members, dataset)
        summaries.append(_report("pathways", file, load, parsed.report, as_json))
    if as_json:
        print_json(summaries)


def _source_of(table: Any, file: Path) -> str:
    sources = sorted(set(table["source"])) if len(table) else []
    return sources[0] if len(sources) == 1 else file.name
