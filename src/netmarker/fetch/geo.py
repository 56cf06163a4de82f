"""``fetch geo``: a GEO series matrix, its platform's probe -> gene map, a gene-level matrix.

GEO serves every series over HTTPS at ``https://ftp.ncbi.nlm.nih.gov/geo/series/<GSEnnn>/
<GSE>/matrix/`` (one ``<GSE>_series_matrix.txt.gz``, or ``<GSE>-<GPL>_series_matrix.txt.gz``
per platform) and every platform at ``.../geo/platforms/<GPLnnn>/<GPL>/``: ``annot/
<GPL>.annot.gz`` (GEO's curated annotation, with a ``Gene symbol`` column, for platforms
that have one) and ``soft/<GPL>_family.soft.gz`` (the submitter's table). GEO gives no
checksums: each file is checked against its ``Content-Length`` and as a complete gzip
stream before it is kept.

What lands in ``dest``: the series matrix (as delivered), ``<GPL>_probe_map.tsv`` (``ID``,
``Gene Symbol``) when the platform's ids are probes, ``<GSE>_genes.tsv.gz`` (gene symbols x
samples, probes collapsed by median: what ``train -e`` / ``predict -e`` read) when the ids
could be mapped, and ``MANIFEST.json``.
"""

from __future__ import annotations

import gzip
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from netmarker.errors import InputError, NetmarkerError
from netmarker.fetch.download import (
    DownloadError,
    download,
    http_session,
    update_manifest,
)
from netmarker.fetch.sources import HttpOptions
from netmarker.io.expression import read_expression, read_id_map
from netmarker.io.genemaps import default_gene_mapper
from netmarker.io.output import write_table

if TYPE_CHECKING:
    import requests

GEO_BASE = "https://ftp.ncbi.nlm.nih.gov"

_ACCESSION = re.compile(r"^(GSE|GPL)(\d+)$")
#: Columns of a GEO platform table that hold gene symbols, in order of preference.
SYMBOL_COLUMNS = ("Gene symbol", "Gene Symbol", "GENE_SYMBOL", "Symbol", "SYMBOL", "gene_symbol")

Step = Callable[[str], None]


def _stub(accession: str) -> str:
    """GEO's folder of 1000 accessions: ``GSE64392`` -> ``GSE64nnn``, ``GSE12`` -> ``GSEnnn``."""
    m = _ACCESSION.match(accession)
    if m is None:
        raise NetmarkerError(f"not a GEO accession: {accession!r} (expected e.g. GSE64392)")
    prefix, digits = m.groups()
    return f"{prefix}{digits[:-3]}nnn"


def series_folder(base: str, gse: str) -> str:
    """URL of a series' ``matrix/`` folder."""
    return f"{base.rstrip('/')}/geo/series/{_stub(gse)}/{gse}/matrix/"


def platform_folder(base: str, gpl: str) -> str:
    """URL of a platform's folder."""
    return f"{base.rstrip('/')}/geo/platforms/{_stub(gpl)}/{gpl}/"


def gzip_problem(path: Path) -> str | None:
    """None if ``path`` is one complete gzip stream (CRC and length checked), else why not."""
    try:
        with gzip.open(path, "rb") as fh:
            while fh.read(1 << 20):
                pass
    except (OSError, EOFError, zlib.error) as exc:
        return f"not a complete gzip file ({exc})"
    return None


@dataclass
class GeoFetchResult:
    """What :func:`fetch_geo` wrote."""

    series: str
    matrices: list[Path]
    platforms: list[str]
    probe_maps: list[Path] = field(default_factory=list)
    gene_matrix: Path | None = None
    notes: list[str] = field(default_factory=list)


def fetch_geo(
    gse: str,
    dest: str | Path,
    *,
    base_url: str = GEO_BASE,
    options: HttpOptions | None = None,
    accession_map: Path | None = None,
    step: Step | None = None,
) -> GeoFetchResult:
    """Download series ``gse``'s matrix (or matrices), map probes to genes when needed.

    When the platform names no gene symbols (GPL16686, the array of GSE64392, lists only
    RefSeq accessions in ``GB_ACC``), ``accession_map`` (a table from such accessions to gene
    symbols or Entrez ids, e.g. an Ensembl BioMart export) maps the platform column it
    shares most values with.
    """
    gse = gse.strip().upper()
    _stub(gse)
    out = Path(dest)
    out.mkdir(parents=True, exist_ok=True)
    opts = options or HttpOptions()
    session = http_session(opts)
    say = step or (lambda _: None)
    folder = series_folder(base_url, gse)
    say(f"listing {folder}")
    listing = out / f".{gse}.listing.html"
    try:
        download(folder, listing, session=session, options=opts)
        names = sorted(
            set(
                re.findall(
                    rf'href="({gse}[^"/]*_series_matrix\.txt\.gz)"',
                    listing.read_text(errors="replace"),
                )
            )
        )
    finally:
        listing.unlink(missing_ok=True)
    if not names:
        raise NetmarkerError(f"GEO lists no series matrix for {gse} at {folder}")
    records = []
    matrices = []
    for name in names:
        say(f"downloading {name}")
        got = download(
            folder + name, out / name, session=session, options=opts, validate=gzip_problem
        )
        records.append(got.record(note=f"GEO {gse} series matrix"))
        matrices.append(got.path)
    update_manifest(out / "MANIFEST.json", records)
    result = GeoFetchResult(series=gse, matrices=matrices, platforms=[])
    for matrix in matrices:
        gpl = _platform_of(matrix)
        result.platforms.append(gpl)
        ids = _matrix_ids(matrix)
        if _looks_like_genes(ids):
            result.notes.append(f"{matrix.name}: rows are gene ids already; no platform map needed")
            probe_map = None
        else:
            probe_map = _probe_map(gpl, base_url, out, session, opts, say, result, accession_map)
        gene_matrix = _gene_matrix(matrix, probe_map, out, gse, len(matrices) > 1, gpl, result)
        if gene_matrix is not None:
            result.gene_matrix = gene_matrix
    return result


def _platform_of(matrix: Path) -> str:
    with gzip.open(matrix, "rt", encoding="latin-1") as fh:
        for line in fh:
            if line.startswith("!Series_platform_id"):
                return line.split("\t")[1].strip().strip('"')
            if line.startswith("!series_matrix_table_begin"):
                break
    raise NetmarkerError(f"{matrix}: no !Series_platform_id line")


def _matrix_ids(matrix: Path) -> list[str]:
    ids: list[str] = []
    inside = False
    with gzip.open(matrix, "rt", encoding="latin-1") as fh:
        for line in fh:
            if line.startswith("!series_matrix_table_begin"):
                inside = True
                next(fh, None)  # header
                continue
            if line.startswith("!series_matrix_table_end"):
                break
            if inside and line.strip():
                ids.append(line.split("\t", 1)[0].strip().strip('"'))
                if len(ids) >= 2000:
                    break
    return ids


def _looks_like_genes(ids: list[str]) -> bool:
    """Gene symbols / Entrez / Ensembl ids (not array probes): most map with the packaged maps."""

    if not ids:
        return False
    if sum(i.startswith("ENSG") for i in ids) > 0.5 * len(ids):
        return True
    found, _ = default_gene_mapper().map_symbols(ids)
    return len(found) > 0.5 * len(ids)


def _probe_map(
    gpl: str,
    base_url: str,
    out: Path,
    session: requests.Session,
    opts: HttpOptions,
    say: Step,
    result: GeoFetchResult,
    accession_map: Path | None = None,
) -> Path | None:
    """``<GPL>_probe_map.tsv`` (ID, Gene Symbol) from GEO's annot file, else the SOFT table."""
    folder = platform_folder(base_url, gpl)
    table = None
    for sub, name, kind in (
        ("annot", f"{gpl}.annot.gz", "GEO annotation"),
        ("soft", f"{gpl}_family.soft.gz", "submitter's platform table"),
    ):
        target = out / name
        say(f"downloading {name}")
        try:
            got = download(
                folder + f"{sub}/{name}",
                target,
                session=session,
                options=opts,
                validate=gzip_problem,
            )
        except DownloadError as exc:
            if "HTTP 404" in str(exc):
                continue
            raise
        update_manifest(out / "MANIFEST.json", [got.record(note=f"GEO {gpl} {kind}")])
        table = _platform_table(target)
        symbol = next((c for c in SYMBOL_COLUMNS if c in table.columns), None)
        if symbol is None and "gene_assignment" in table.columns:
            # Affymetrix Gene ST: "NM_001 // SYMBOL // description // ... /// NM_002 // ..."
            table["Gene Symbol"] = table["gene_assignment"].map(_first_assigned_symbol)
            symbol = "Gene Symbol"
        if symbol is None and accession_map is not None:
            mapped = _map_accessions(table, accession_map, result)
            if mapped is not None:
                table["Gene Symbol"] = mapped
                symbol = "Gene Symbol"
        if symbol is not None:
            probe_map = out / f"{gpl}_probe_map.tsv"
            pairs = table[["ID", symbol]].rename(columns={symbol: "Gene Symbol"})
            pairs = pairs[pairs["Gene Symbol"].fillna("").str.strip() != ""]
            write_table(pairs, probe_map)
            result.probe_maps.append(probe_map)
            result.notes.append(
                f"{gpl}: {len(pairs)} probes with a gene symbol ({kind}, {symbol!r})"
            )
            return probe_map
        result.notes.append(
            f"{gpl}: the {kind} has no gene symbol column ({list(table.columns)[:8]})"
        )
    result.notes.append(
        f"{gpl}: no probe -> gene map found; the series matrix is kept: give --accession-map "
        "(platform accessions, e.g. RefSeq, -> gene symbols) to map it"
    )
    return None


def _map_accessions(
    table: pd.DataFrame, accession_map: Path, result: GeoFetchResult
) -> pd.Series | None:
    """Gene symbol per platform row through ``accession_map``, on the platform column that
    shares most (version-less) values with it; None when no column maps."""
    best: tuple[int, str, pd.Series] | None = None
    for column in table.columns:
        if column == "ID":
            continue
        keys = table[column].fillna("").str.strip().str.replace(r"\.\d+$", "", regex=True)
        if not (keys != "").any():
            continue
        try:
            mapping, kind, _ = read_id_map(accession_map, keys[keys != ""].unique())
        except InputError:
            continue
        if kind == "entrez":
            symbols, _ = default_gene_mapper().map_entrez(mapping.values())
            mapping = {k: symbols[v] for k, v in mapping.items() if v in symbols}
        genes = keys.map(mapping)
        hits = int(genes.notna().sum())
        if hits and (best is None or hits > best[0]):
            best = (hits, column, genes)
    if best is None:
        return None
    result.notes.append(f"{accession_map.name} maps {best[0]} platform rows by column {best[1]!r}")
    return best[2].fillna("")


def _first_assigned_symbol(cell: object) -> str:
    if not isinstance(cell, str) or "//" not in cell:
        return ""
    symbols = {part.split("//")[1].strip() for part in cell.split("///") if part.count("//") >= 1}
    symbols.discard("")
    return next(iter(symbols)) if len(symbols) == 1 else ""


def _platform_table(path: Path) -> pd.DataFrame:
    """The table of a GEO ``.annot.gz`` or ``_family.soft.gz`` (between the table markers)."""
    rows: list[list[str]] = []
    header: list[str] | None = None
    inside = False
    with gzip.open(path, "rt", encoding="latin-1") as fh:
        for line in fh:
            if line.startswith("!platform_table_begin"):
                inside = True
                continue
            if line.startswith("!platform_table_end"):
                break
            if inside:
                fields = line.rstrip("\r\n").split("\t")
                if header is None:
                    header = fields
                else:
                    rows.append(fields + [""] * (len(header) - len(fields)))
    if header is None or "ID" not in header:
        raise NetmarkerError(f"{path}: no platform table with an ID column")
    return pd.DataFrame([r[: len(header)] for r in rows], columns=header, dtype=str)


def _gene_matrix(
    matrix: Path,
    probe_map: Path | None,
    out: Path,
    gse: str,
    several: bool,
    gpl: str,
    result: GeoFetchResult,
) -> Path | None:
    try:
        data = read_expression(matrix, id_map=probe_map)
    except InputError as exc:
        result.notes.append(f"{matrix.name}: no gene-level matrix written ({exc.problem})")
        return None
    name = f"{gse}-{gpl}_genes.tsv.gz" if several else f"{gse}_genes.tsv.gz"
    target = out / name
    tmp = out / f".{name}.part"
    data.matrix.rename_axis("gene").to_csv(tmp, sep="\t", compression="gzip", float_format="%.6g")
    tmp.replace(target)
    result.notes.append(
        f"{name}: {data.matrix.shape[0]} genes x {data.matrix.shape[1]} samples "
        f"({data.report.summary() if hasattr(data.report, 'summary') else ''})"
    )
    return target
