"""Read drug -> target gene tables into (drug, gene, source) links keyed by canonical drug names.

Formats: plain TSV / CSV (``drug``, ``gene`` [, ``source``]); Kong et al. 2020
``drug_drugTarget.txt``; DrugBank ``all.csv`` (target polypeptides, human only); Guney et al.
2016 ``drug_to_geneids_all.tsv``; DGIdb-style ``drug_info.txt`` (SBIlab CESnet). Drug names are
normalised and resolved through a synonym table; genes are mapped to current HGNC symbols.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd

from netmarker.errors import InputError
from netmarker.ids.drugs import DrugSynonyms
from netmarker.ids.genes import GeneMapper, MappingReport
from netmarker.io.common import open_text
from netmarker.io.drugbank import read_drugbank_synonyms
from netmarker.io.genemaps import default_gene_mapper
from netmarker.schema import DRUG_COLUMNS, TARGET_COLUMNS

FORMATS = ("auto", "tsv", "csv", "kong", "drugbank", "guney", "dgidb")
_DRUGBANK_ID = re.compile(r"^DB\d{5}$")
_DIGITS = re.compile(r"^\d+$")
_DRUG_NAMES = ("drug", "drugname", "drugs", "compound", "chemical", "name")
_GENE_NAMES = ("gene", "genes", "target", "targets", "genesymbol", "symbol", "targetgene")


@dataclass
class TargetsReport:
    """What reading a target table did."""

    fmt: str
    source: str
    rows_read: int = 0
    rows_skipped: int = 0  # not human (DrugBank) or without a gene name
    links_read: int = 0
    links_dropped_unmapped: int = 0
    duplicates_collapsed: int = 0
    links: int = 0
    drugs: int = 0
    genes: int = 0
    drug_ids_unresolved: int = 0  # DrugBank ids the vocabulary does not name (kept as ids)
    gene_ids: MappingReport = field(default_factory=MappingReport)

    def counts(self) -> dict[str, int]:
        """Flat integer counts (for the store's provenance record)."""
        out = {k: v for k, v in asdict(self).items() if isinstance(v, int)}
        g = self.gene_ids
        out |= {
            "genes_input": g.n_input, "genes_mapped": g.n_mapped,
            "genes_rescued": g.n_rescued, "genes_dropped": g.n_dropped,
        }  # fmt: skip
        return out


@dataclass
class ParsedTargets:
    """Links (TARGET_COLUMNS, sorted), drugs (DRUG_COLUMNS, sorted) and the report."""

    targets: pd.DataFrame
    drugs: pd.DataFrame
    report: TargetsReport


@dataclass
class _Ctx:
    """What every format reader needs."""

    path: Path
    fmt: str
    header: str
    label: str  # source label for the links
    forced: bool  # the caller gave ``source``: it overrides a source column
    report: TargetsReport
    gene_column: str | None
    mapper: GeneMapper


@dataclass
class _Link:
    line: int
    drug: str  # a name, or a DrugBank id
    gene: str
    gene_kind: str  # "symbol" | "entrez"
    source: str


def read_targets(
    path: str | Path,
    *,
    fmt: str = "auto",
    source: str | None = None,
    vocabulary: str | Path | DrugSynonyms | None = None,
    mapper: GeneMapper | None = None,
    synonyms: DrugSynonyms | None = None,
    strict: bool = False,
    gene_column: str | None = None,
) -> ParsedTargets:
    """Read a drug-target table.

    ``source`` labels the links (default: the table's own source column, else the format
    name). ``vocabulary`` (a DrugBank vocabulary CSV) names DrugBank ids; without it they stay
    ids. ``synonyms`` canonicalises drug names (default: the vocabulary's table, else the
    built-in abbreviations). ``gene_column`` picks another gene column of a DGIdb table
    (e.g. ``target``). ``strict`` makes unmapped genes and unnamed DrugBank ids errors.
    """
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {', '.join(FORMATS)}, not {fmt!r}")
    p = Path(path)
    header, first = _first_line(p)
    if fmt == "auto":
        fmt = _detect(p, header, first)
    voc = read_drugbank_synonyms(vocabulary) if isinstance(vocabulary, str | Path) else vocabulary
    table = synonyms or voc or DrugSynonyms()
    label = source or {"tsv": p.stem, "csv": p.stem}.get(fmt, fmt)
    report = TargetsReport(fmt=fmt, source=label)
    readers = {
        "tsv": _read_plain, "csv": _read_plain, "kong": _read_kong, "drugbank": _read_drugbank,
        "guney": _read_guney, "dgidb": _read_dgidb,
    }  # fmt: skip
    genes = mapper or default_gene_mapper()
    ctx = _Ctx(p, fmt, header, label, source is not None, report, gene_column, genes)
    links = list(readers[fmt](ctx))
    return _finish(p, links, report, voc, table, genes, strict)


def _first_line(path: Path) -> tuple[str, str]:
    with open_text(path) as fh:
        try:
            header = fh.readline().rstrip("\r\n")
            first = fh.readline().rstrip("\r\n")
        except UnicodeDecodeError as exc:
            raise InputError(path, f"not utf-8 text ({exc.reason})") from exc
    if not header.strip():
        raise InputError(path, "the first line is blank (expected a header)", 1)
    return header, first


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _detect(path: Path, header: str, first: str) -> str:
    cols = {_norm(c) for c in re.split(r"[\t,]", header)}
    if {"genename", "species", "drugids"} <= cols:
        return "drugbank"
    if {"drugbankid", "entrezid"} <= cols:
        return "guney"
    if {"standarddrugname", "genes"} <= cols:
        return "dgidb"
    if header.split("\t") == ["drugs", "targets"]:
        return "kong"
    return "csv" if "," in header and "\t" not in header else "tsv"


def _rows(path: Path, delimiter: str, skip_header: bool = True) -> Iterator[tuple[int, list[str]]]:
    """``(line, fields)`` of non-blank rows (fields stripped)."""
    # only CSV quotes fields; in a TSV a stray '"' must not swallow the lines that follow
    with open_text(path) as fh:
        reader = csv.reader(
            fh,
            delimiter=delimiter,
            quoting=csv.QUOTE_MINIMAL if delimiter == "," else csv.QUOTE_NONE,
        )
        try:
            last = 0
            for i, row in enumerate(reader):
                start, last = last + 1, reader.line_num
                if any("\n" in c or "\r" in c for c in row):
                    raise InputError(
                        path,
                        f"a quoted field runs over lines {start}-{last} (unbalanced '\"'?)",
                        start,
                    )
                if i == 0 and skip_header:
                    continue
                if not any(c.strip() for c in row):
                    continue
                yield reader.line_num, [c.strip() for c in row]
        except csv.Error as exc:
            raise InputError(path, f"cannot parse ({exc})", reader.line_num) from None


def _column(path: Path, header: list[str], names: tuple[str, ...], what: str) -> int:
    normed = [_norm(h) for h in header]
    for n in names:
        if n in normed:
            return normed.index(n)
    raise InputError(path, f"missing {what} column (header {header[:6]}; wrong delimiter?)", 1)


def _need(path: Path, line: int, row: list[str], n: int) -> None:
    if len(row) < n:
        raise InputError(path, f"row has {len(row)} field(s), expected {n}", line)


def _gene_kind(gene: str) -> str:
    return "entrez" if _DIGITS.match(gene) else "symbol"


def _read_plain(ctx: _Ctx) -> Iterator[_Link]:
    path, rep, label = ctx.path, ctx.report, ctx.label
    delim = "," if ctx.fmt == "csv" else "\t"
    cols = [c.strip() for c in ctx.header.split(delim)]
    try:
        idrug = _column(path, cols, _DRUG_NAMES, "drug")
        igene = _column(path, cols, _GENE_NAMES, "gene")
        has_header = True
    except InputError:
        # no header: accepted only when the first line reads as drug, known gene[, source]
        if len(cols) not in (2, 3) or not ctx.mapper.map_symbols([cols[1]])[0]:
            raise
        idrug, igene, has_header = 0, 1, False
    normed = [_norm(c) for c in cols]
    isrc = normed.index("source") if has_header and "source" in normed else None
    if not has_header and len(cols) == 3:
        isrc = 2
    need = len(cols)  # every row as wide as the first, so the source column is always there
    for line, row in _rows(path, delim, skip_header=has_header):
        rep.rows_read += 1
        _need(path, line, row, need)
        drug, gene = row[idrug], row[igene]
        if not drug or not gene:
            raise InputError(path, "empty drug or gene", line)
        src = label if ctx.forced or isrc is None or not row[isrc] else row[isrc]
        yield _Link(line, drug, gene, _gene_kind(gene), src)


def _read_kong(ctx: _Ctx) -> Iterator[_Link]:
    """``drugs<TAB>targets``: several comma-separated drugs in a cell share the targets."""
    path, rep, label = ctx.path, ctx.report, ctx.label
    for line, row in _rows(path, "\t"):
        rep.rows_read += 1
        _need(path, line, row, 2)
        drugs = [d.strip() for d in row[0].split(",") if d.strip()]
        genes = [g.strip() for g in row[1].split(",") if g.strip()]
        if not drugs or not genes:
            raise InputError(path, "empty drugs or targets cell", line)
        for d in drugs:
            for g in genes:
                yield _Link(line, d, g, "symbol", label)


def _read_drugbank(ctx: _Ctx) -> Iterator[_Link]:
    path, rep, label = ctx.path, ctx.report, ctx.label
    """DrugBank target polypeptides: human rows only; ``Drug IDs`` are ``; ``-separated."""
    cols = next(csv.reader([ctx.header]))
    ig = _column(path, cols, ("genename",), "'Gene Name'")
    isp = _column(path, cols, ("species",), "'Species'")
    ids = _column(path, cols, ("drugids",), "'Drug IDs'")
    for line, row in _rows(path, ","):
        rep.rows_read += 1
        _need(path, line, row, len(cols))
        if row[isp] != "Human" or not row[ig]:
            rep.rows_skipped += 1
            continue
        for drug_id in (d.strip() for d in row[ids].split(";")):
            if not drug_id:
                continue
            if not _DRUGBANK_ID.match(drug_id):
                raise InputError(path, f"not a DrugBank id: {drug_id!r}", line)
            yield _Link(line, drug_id, row[ig], "symbol", label)


def _read_guney(ctx: _Ctx) -> Iterator[_Link]:
    path, rep, label = ctx.path, ctx.report, ctx.label
    """``drugbank_id, entrez_id, symbol``: the Entrez id is the original; symbols were added."""
    cols = ctx.header.split("\t")
    idr = _column(path, cols, ("drugbankid",), "'drugbank_id'")
    ie = _column(path, cols, ("entrezid",), "'entrez_id'")
    for line, row in _rows(path, "\t"):
        rep.rows_read += 1
        _need(path, line, row, max(idr, ie) + 1)
        if not _DRUGBANK_ID.match(row[idr]):
            raise InputError(path, f"not a DrugBank id: {row[idr]!r}", line)
        if not _DIGITS.match(row[ie]):
            raise InputError(path, f"not an Entrez id: {row[ie]!r}", line)
        yield _Link(line, row[idr], row[ie], "entrez", label)


def _read_dgidb(ctx: _Ctx) -> Iterator[_Link]:
    path, rep, label = ctx.path, ctx.report, ctx.label
    """``Standard Drug Name`` and ``|``-separated ``Gene(s)`` (or ``gene_column``)."""
    cols = ctx.header.split("\t")
    idr = _column(path, cols, ("standarddrugname",), "'Standard Drug Name'")
    wanted = (_norm(ctx.gene_column),) if ctx.gene_column else ("genes",)
    ig = _column(path, cols, wanted, repr(ctx.gene_column or "Gene(s)"))
    for line, row in _rows(path, "\t"):
        rep.rows_read += 1
        _need(path, line, row, len(cols))
        if not row[idr]:
            raise InputError(path, "empty 'Standard Drug Name'", line)
        genes = [g.strip() for g in row[ig].split("|") if g.strip()]
        if not genes:
            rep.rows_skipped += 1
        for g in genes:
            yield _Link(line, row[idr], g, "symbol", label)


def _finish(
    path: Path,
    links: list[_Link],
    rep: TargetsReport,
    voc: DrugSynonyms | None,
    table: DrugSynonyms,
    mapper: GeneMapper,
    strict: bool,
) -> ParsedTargets:
    if rep.rows_read == 0:
        raise InputError(path, "no data rows (only a header line)")
    rep.links_read = len(links)
    sym_map, sym_rep = mapper.map_symbols(lk.gene for lk in links if lk.gene_kind == "symbol")
    ent_map, ent_rep = mapper.map_entrez(lk.gene for lk in links if lk.gene_kind == "entrez")
    rep.gene_ids = sym_rep.merge(ent_rep)
    names: dict[str, str] = {}
    unresolved: set[str] = set()
    rows: list[tuple[str, str, str]] = []
    drugs: set[str] = set()
    for lk in links:
        drug = _drug_name(lk.drug, voc, table, names, unresolved)
        if strict and voc is not None and lk.drug in unresolved:
            raise InputError(path, f"DrugBank id {lk.drug} is not in the vocabulary", lk.line)
        drugs.add(drug)
        gene = (sym_map if lk.gene_kind == "symbol" else ent_map).get(lk.gene)
        if gene is None:
            if strict:
                raise InputError(path, f"gene {lk.gene!r} matches no gene", lk.line)
            rep.links_dropped_unmapped += 1
            continue
        rows.append((drug, gene, lk.source))
    rep.drug_ids_unresolved = len(unresolved)
    targets = pd.DataFrame(rows, columns=TARGET_COLUMNS)
    before = len(targets)
    targets = targets.drop_duplicates().sort_values(TARGET_COLUMNS).reset_index(drop=True)
    rep.duplicates_collapsed = before - len(targets)
    drug_list = sorted(drugs)
    syn = ["|".join(s for s in table.synonyms(d) if s != d) for d in drug_list]
    drug_df = pd.DataFrame({"drug": drug_list, "synonyms": syn}, columns=DRUG_COLUMNS)
    rep.links, rep.drugs, rep.genes = len(targets), len(drug_df), targets["gene"].nunique()
    return ParsedTargets(targets, drug_df, rep)


def _drug_name(
    raw: str,
    voc: DrugSynonyms | None,
    table: DrugSynonyms,
    cache: dict[str, str],
    unresolved: set[str],
) -> str:
    """Canonical drug name: DrugBank ids named by the vocabulary, then synonyms resolved."""
    if raw in cache:
        return cache[raw]
    name = raw
    if _DRUGBANK_ID.match(raw):
        named = voc.canonical(raw) if voc is not None else None
        if named is None:
            unresolved.add(raw)
        else:
            name = named
    cache[raw] = table.resolve(name) if name != raw or not _DRUGBANK_ID.match(raw) else raw
    return cache[raw]
