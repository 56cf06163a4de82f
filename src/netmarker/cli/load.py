"""``netmarker load network|targets|pathways``: read, validate and merge files into the store."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import typer

from netmarker.cli.context import print_json, print_mapping, progress_bar, store_from
from netmarker.io.common import require_file

if TYPE_CHECKING:
    from netmarker.graph import GraphStore
    from netmarker.graph.loading import FileLoad

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


def _loading() -> ModuleType:
    """netmarker.graph.loading, imported when a file is loaded: not for ``--help``, a usage
    error or a missing file (start-up time)."""
    import netmarker.graph.loading

    return netmarker.graph.loading


def _load_each(
    ctx: typer.Context,
    kind: str,
    files: list[Path],
    as_json: bool,
    load: Callable[[GraphStore, Path], FileLoad],
) -> None:
    """Load every file in turn with a progress spinner; print a report per file (or JSON)."""
    for file in files:  # before the store (and the libraries behind it) is opened
        require_file(file)
    store = store_from(ctx)
    summaries = []
    for file in files:
        with progress_bar(f"loading {file.name} ({kind})"):
            done = load(store, file)
        summaries.append(_report(kind, done, as_json))
    if as_json:
        print_json(summaries)


def _report(kind: str, done: FileLoad, as_json: bool) -> dict[str, Any]:
    load = done.load
    if not as_json:
        state = "already loaded: nothing changed" if load.already_loaded else "loaded"
        rows: dict[str, Any] = {"store": state, **load.counts}
        if done.reader_report is not None:
            rows.update({f"input.{k}": v for k, v in done.reader_report.counts().items()})
        print_mapping(f"{kind} {load.name} <- {done.file.name}", rows)
    return {
        "file": str(done.file),
        "kind": kind,
        "name": load.name,
        "dataset_id": load.dataset_id,
        "already_loaded": load.already_loaded,
        "store_changes": load.counts,
        "input": done.reader_report,
    }


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
    _load_each(
        ctx,
        "network",
        files,
        as_json,
        lambda store, file: _loading().load_network_file(
            store,
            file,
            name,
            fmt=fmt.value,
            min_score=min_score,
            id_type=id_type.value,
            id_map=id_map,
            node_list=node_list,
            strict=strict,
        ),
    )


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
    _load_each(
        ctx,
        "targets",
        files,
        as_json,
        lambda store, file: _loading().load_targets_file(
            store,
            file,
            fmt=fmt.value,
            source=source,
            vocabulary=vocabulary,
            gene_column=gene_column,
            strict=strict,
        ),
    )


@app.command("pathways")
def load_pathways(
    ctx: typer.Context,
    files: list[Path] = FilesArg,
    source: str | None = typer.Option(
        None, "--source", "-s", help="Collection name, e.g. reactome (default: file name)."
    ),
    min_size: int = typer.Option(1, "--min-size", help="Drop sets with fewer mapped genes."),
    replace: bool = typer.Option(
        False,
        "--replace",
        help="Replace what --source holds (its pathways, and the results derived from them) "
        "instead of refusing a second collection under one source.",
    ),
    strict: bool = StrictOpt,
    as_json: bool = JsonOpt,
) -> None:
    """Load pathway gene sets from GMT files (Reactome / MSigDB)."""
    _load_each(
        ctx,
        "pathways",
        files,
        as_json,
        lambda store, file: _loading().load_pathways_file(
            store, file, source=source, min_size=min_size, strict=strict, replace=replace
        ),
    )
