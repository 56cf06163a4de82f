"""Gene identifier mapping: Entrez <-> HGNC symbol (with alias rescue) and STRING protein ids.

Genes are keyed by their current HGNC symbol. :class:`GeneMapper` turns symbols (current or
previous / alias) and Entrez ids into current symbols; :class:`StringIdMap` turns STRING protein
ids (``9606.ENSP...``) into gene symbols or Entrez ids, which the mapper then makes current.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import pandas as pd

from netmarker.errors import InputError
from netmarker.io.common import open_text

#: how many unmapped ids a report keeps as examples
N_EXAMPLES = 10
_TAXON_PREFIX = re.compile(r"^\d+\.")
_DIGITS = re.compile(r"^\d+$")
#: HGNC names mitochondrial genes ``MT-ND1``, NCBI Gene (hence org.Hs.eg.db) ``ND1``; the
#: aliases table lacks the HGNC forms, so they are added here (HGNC symbol -> NCBI symbol)
MITOCHONDRIAL = {
    **{f"MT-{g}": g for g in ("ND1", "ND2", "ND3", "ND4", "ND4L", "ND5", "ND6", "ATP6", "ATP8")},
    "MT-CO1": "COX1", "MT-CO2": "COX2", "MT-CO3": "COX3", "MT-CYB": "CYTB",
    "MT-RNR1": "RNR1", "MT-RNR2": "RNR2",
}  # fmt: skip


@dataclass
class MappingReport:
    """Outcome of mapping distinct ids: ``n_mapped`` includes ``n_rescued`` (alias / case fixes)."""

    n_input: int = 0
    n_mapped: int = 0
    n_rescued: int = 0
    n_dropped: int = 0
    dropped_examples: list[str] = field(default_factory=list)

    def merge(self, other: MappingReport) -> MappingReport:
        """Sum of two reports (examples concatenated, capped)."""
        return MappingReport(
            self.n_input + other.n_input,
            self.n_mapped + other.n_mapped,
            self.n_rescued + other.n_rescued,
            self.n_dropped + other.n_dropped,
            (self.dropped_examples + other.dropped_examples)[:N_EXAMPLES],
        )


class _ReportBuilder:
    def __init__(self) -> None:
        self.report = MappingReport()

    def mapped(self, rescued: bool) -> None:
        self.report.n_input += 1
        self.report.n_mapped += 1
        self.report.n_rescued += int(rescued)

    def dropped(self, raw: str) -> None:
        self.report.n_input += 1
        self.report.n_dropped += 1
        if len(self.report.dropped_examples) < N_EXAMPLES:
            self.report.dropped_examples.append(raw)


def _unique(values: Iterable[object]) -> list[str]:
    """Distinct non-empty values as stripped strings, in first-seen order."""
    out: dict[str, None] = {}
    for v in values:
        if v is None or (isinstance(v, float) and v != v):
            continue
        s = str(v).strip()
        if s:
            out.setdefault(s, None)
    return list(out)


class GeneMapper:
    """Maps symbols and Entrez ids to current HGNC symbols (org.Hs.eg.db tables).

    A symbol that is current is kept. Otherwise a case-insensitive match to a current symbol,
    or an alias / previous symbol that names exactly one current gene, rescues it; anything
    else is dropped.
    """

    def __init__(self, genes: pd.DataFrame, aliases: pd.DataFrame | None = None) -> None:
        """``genes``: columns ``entrez_id``, ``symbol`` [, ``gene_type``];
        ``aliases``: columns ``entrez_id``, ``alias_symbol``."""
        g = genes.astype({"entrez_id": str, "symbol": str})
        g = g[g["symbol"].str.len() > 0]
        self._symbol_of: dict[str, str] = dict(zip(g["entrez_id"], g["symbol"], strict=True))
        # a symbol shared by several Entrez ids (e.g. RNR1): prefer protein-coding, then lowest id
        coding = (
            g["gene_type"].eq("protein-coding")
            if "gene_type" in g
            else pd.Series(True, index=g.index)
        )
        order = g.assign(
            _coding=~coding, _num=pd.to_numeric(g["entrez_id"], errors="coerce")
        ).sort_values(["_coding", "_num"])
        self._entrez_of: dict[str, str] = dict(
            order.drop_duplicates("symbol")[["symbol", "entrez_id"]].itertuples(index=False)
        )
        self._upper: dict[str, str] = _unique_keys((s.upper(), s) for s in self._entrez_of)
        self._alias: dict[str, str] = {}
        self._alias_upper: dict[str, str] = {}
        if aliases is not None and len(aliases):
            a = aliases.astype({"entrez_id": str, "alias_symbol": str})
            current = a["entrez_id"].map(self._symbol_of)
            pairs = [
                (alias, sym)
                for alias, sym in zip(a["alias_symbol"], current, strict=True)
                if isinstance(sym, str) and alias and alias not in self._entrez_of
            ]
            self._alias = _unique_keys(pairs)
            self._alias_upper = _unique_keys((al.upper(), s) for al, s in pairs)
        for hgnc, ncbi in MITOCHONDRIAL.items():
            if ncbi in self._entrez_of and hgnc not in self._entrez_of:
                self._alias[hgnc] = self._alias_upper[hgnc] = ncbi

    # -- construction ------------------------------------------------------------------------
    @classmethod
    def from_files(cls, symbols: str | Path, aliases: str | Path | None = None) -> GeneMapper:
        """Read ``entrez_symbol.tsv[.gz]`` (+ ``entrez_alias.tsv[.gz]``) as exported from
        org.Hs.eg.db."""
        genes = _read_table(symbols, ["entrez_id", "symbol"], optional=["gene_type"])
        alias = None if aliases is None else _read_table(aliases, ["entrez_id", "alias_symbol"])
        return cls(genes, alias)

    @classmethod
    def from_records(
        cls, genes: Iterable[tuple[str, str]], aliases: Iterable[tuple[str, str]] = ()
    ) -> GeneMapper:
        """Build from ``(entrez_id, symbol)`` and ``(entrez_id, alias)`` pairs (small tables)."""
        g = pd.DataFrame(list(genes), columns=["entrez_id", "symbol"], dtype=str)
        a = pd.DataFrame(list(aliases), columns=["entrez_id", "alias_symbol"], dtype=str)
        return cls(g, a)

    @staticmethod
    def default() -> GeneMapper:
        """The mapper built from the packaged org.Hs.eg.db 3.16 tables (cached)."""
        return _default_mapper()

    # -- lookups -----------------------------------------------------------------------------
    def __len__(self) -> int:
        """Number of current symbols."""
        return len(self._entrez_of)

    def is_current(self, symbol: str) -> bool:
        """True when ``symbol`` is a current HGNC symbol."""
        return symbol in self._entrez_of

    def entrez(self, symbol: str) -> str:
        """Entrez id of a current symbol, or ``""``."""
        return self._entrez_of.get(symbol, "")

    def symbol(self, entrez_id: str | int) -> str | None:
        """Current symbol of an Entrez id, or None."""
        return self._symbol_of.get(str(entrez_id).strip())

    def rescue(self, symbol: str) -> str | None:
        """Current symbol for a non-current one (case fix or unambiguous alias), or None."""
        return (
            self._upper.get(symbol.upper())
            or self._alias.get(symbol)
            or self._alias_upper.get(symbol.upper())
        )

    def map_symbols(self, symbols: Iterable[object]) -> tuple[dict[str, str], MappingReport]:
        """Map distinct symbols to current symbols: ``{input: current}`` (dropped ones absent)."""
        out: dict[str, str] = {}
        rb = _ReportBuilder()
        for s in _unique(symbols):
            if s in self._entrez_of:
                out[s] = s
                rb.mapped(rescued=False)
            elif (r := self.rescue(s)) is not None:
                out[s] = r
                rb.mapped(rescued=True)
            else:
                rb.dropped(s)
        return out, rb.report

    def map_entrez(self, ids: Iterable[object]) -> tuple[dict[str, str], MappingReport]:
        """Map distinct Entrez ids (ints or strings) to current symbols: ``{str(id): symbol}``."""
        out: dict[str, str] = {}
        rb = _ReportBuilder()
        for i in _unique(ids):
            key = i[:-2] if i.endswith(".0") else i
            if (s := self._symbol_of.get(key)) is not None:
                out[i] = s
                rb.mapped(rescued=False)
            else:
                rb.dropped(i)
        return out, rb.report


def _unique_keys(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """``{key: value}`` for keys with exactly one distinct value (ambiguous keys left out)."""
    seen: dict[str, str] = {}
    ambiguous: set[str] = set()
    for k, v in pairs:
        old = seen.setdefault(k, v)
        if old != v:
            ambiguous.add(k)
    for k in ambiguous:
        del seen[k]
    return seen


@lru_cache(maxsize=1)
def _default_mapper() -> GeneMapper:
    base = resources.files("netmarker.resources")
    with (
        resources.as_file(base / "entrez_symbol.tsv.gz") as sym,
        resources.as_file(base / "entrez_alias.tsv.gz") as ali,
    ):
        return GeneMapper.from_files(sym, ali)


def _read_table(
    path: str | Path, required: list[str], optional: Iterable[str] = ()
) -> pd.DataFrame:
    """A small tab-separated table with a header; every value read as text."""
    with open_text(path) as fh:
        header = fh.readline().rstrip("\r\n").split("\t")
    missing = [c for c in required if c not in header]
    if missing:
        raise InputError(path, f"missing column(s) {', '.join(missing)} (found {header})", 1)
    cols = [c for c in [*required, *optional] if c in header]
    df = pd.read_csv(
        path, sep="\t", dtype=str, usecols=cols, keep_default_na=False, na_values=[], quoting=3
    )
    return df


def strip_taxon(protein_id: str) -> str:
    """``9606.ENSP00000269305`` -> ``ENSP00000269305`` (ids without a prefix unchanged)."""
    return _TAXON_PREFIX.sub("", protein_id.strip())


#: alias-file sources, best first: HGNC symbols, then Entrez ids, then other gene names
_SYMBOL_SOURCES = re.compile(r"HGNC|HUGO", re.IGNORECASE)
_ENTREZ_SOURCES = re.compile(r"Entrez", re.IGNORECASE)
_NAME_SOURCES = re.compile(r"_GN$|gene_name|Gene_Name", re.IGNORECASE)


class StringIdMap:
    """STRING protein ids -> gene names (symbols or Entrez ids), made current by a GeneMapper.

    Ids are matched without their taxon prefix, so ``9606.ENSP...`` and ``ENSP...`` both work.
    Each protein has candidate names, best first; the first one the mapper accepts wins.
    """

    def __init__(self, candidates: Mapping[str, list[tuple[str, str]]]) -> None:
        """``candidates``: protein id -> ``[(kind, name), ...]`` with kind ``symbol``/``entrez``."""
        self._cand = {strip_taxon(k): v for k, v in candidates.items()}

    def __len__(self) -> int:
        return len(self._cand)

    def __contains__(self, protein_id: object) -> bool:
        return isinstance(protein_id, str) and strip_taxon(protein_id) in self._cand

    def update(self, other: StringIdMap) -> None:
        """Add the proteins of ``other`` this map does not know yet."""
        for k, v in other._cand.items():
            self._cand.setdefault(k, v)

    @classmethod
    def from_file(cls, path: str | Path) -> StringIdMap:
        """Read a STRING ``protein.info``, a STRING ``aliases`` file, or a 2-column id table.

        - protein.info: header ``#string_protein_id`` (or ``protein_external_id``) and
          ``preferred_name``;
        - aliases: 3 columns ``string_protein_id alias source`` (HGNC/HUGO sources preferred,
          then Entrez ids, then other gene-name sources; other sources ignored);
        - 2-column table (header optional): a protein-id column (``ENSP...``) and a gene
          column (symbols, or Entrez ids when all digits), in either order.
        """
        with open_text(path) as fh:
            first = fh.readline().rstrip("\r\n")
        cols = [c.strip().strip("#").strip() for c in first.split("\t")]
        lower = [c.lower() for c in cols]
        if "preferred_name" in lower:
            return cls._from_info(path, cols)
        if len(cols) == 3 and "alias" in lower and "source" in lower:
            return cls._from_aliases(path)
        if len(cols) == 2:
            return cls._from_pairs(path, cols)
        raise InputError(
            path,
            "not a STRING protein.info / aliases file or a 2-column id table "
            f"(header {first[:80]!r})",
            1,
        )

    @classmethod
    def _from_info(cls, path: str | Path, cols: list[str]) -> StringIdMap:
        lower = [c.lower() for c in cols]
        id_col = next(
            (i for i, c in enumerate(lower) if c in ("string_protein_id", "protein_external_id")),
            0,
        )
        name_col = lower.index("preferred_name")
        df = pd.read_csv(
            path,
            sep="\t",
            dtype=str,
            usecols=[id_col, name_col],
            keep_default_na=False,
            quoting=3,
        )
        df.columns = ["id", "name"]
        return cls({i: [("symbol", n)] for i, n in zip(df["id"], df["name"], strict=True) if n})

    @classmethod
    def _from_aliases(cls, path: str | Path) -> StringIdMap:
        df = pd.read_csv(
            path,
            sep="\t",
            dtype=str,
            header=0,
            names=["id", "alias", "source"],
            keep_default_na=False,
            quoting=3,
        )
        rank = pd.Series(3, index=df.index)
        rank[df["source"].str.contains(_NAME_SOURCES)] = 2
        rank[df["source"].str.contains(_ENTREZ_SOURCES) & df["alias"].str.match(_DIGITS)] = 1
        rank[df["source"].str.contains(_SYMBOL_SOURCES)] = 0
        df = df.assign(rank=rank)
        df = df[df["rank"] < 3].sort_values(["id", "rank"], kind="stable")
        df = df.drop_duplicates(["id", "alias"])
        cand: dict[str, list[tuple[str, str]]] = {}
        for pid, alias, r in zip(df["id"], df["alias"], df["rank"], strict=True):
            cand.setdefault(pid, []).append(("entrez" if r == 1 else "symbol", alias))
        return cls(cand)

    @classmethod
    def _from_pairs(cls, path: str | Path, cols: list[str]) -> StringIdMap:
        has_header = not any(re.search(r"ENSP\d", c) for c in cols)
        df = pd.read_csv(
            path,
            sep="\t",
            dtype=str,
            header=0 if has_header else None,
            keep_default_na=False,
            quoting=3,
        )
        df.columns = ["c0", "c1"]
        is_prot = [df[c].head(1000).str.contains(r"ENSP\d").mean() > 0.5 for c in ("c0", "c1")]
        if is_prot[0] == is_prot[1]:
            raise InputError(path, "cannot tell which column holds STRING/Ensembl protein ids", 1)
        pcol, gcol = ("c0", "c1") if is_prot[0] else ("c1", "c0")
        kind = "entrez" if df[gcol].head(1000).str.match(_DIGITS).mean() > 0.5 else "symbol"
        cand: dict[str, list[tuple[str, str]]] = {}
        for pid, name in zip(df[pcol], df[gcol], strict=True):
            if name:
                cand.setdefault(pid, []).append((kind, name))
        return cls(cand)

    def to_symbols(
        self, protein_ids: Iterable[object], mapper: GeneMapper
    ) -> tuple[dict[str, str], MappingReport]:
        """Map distinct protein ids to current symbols: ``{input: symbol}`` plus a report.

        ``n_rescued`` counts proteins whose name needed an alias / case rescue.
        """
        out: dict[str, str] = {}
        rb = _ReportBuilder()
        for pid in _unique(protein_ids):
            found: tuple[str, bool] | None = None
            cands = self._cand.get(strip_taxon(pid), [])
            for kind, name in cands:  # a direct hit on any candidate beats a rescue
                sym = (
                    mapper.symbol(name)
                    if kind == "entrez"
                    else (name if mapper.is_current(name) else None)
                )
                if sym is not None:
                    found = (sym, False)
                    break
            if found is None:
                for kind, name in cands:
                    if kind == "symbol" and (sym := mapper.rescue(name)) is not None:
                        found = (sym, True)
                        break
            if found is None:
                rb.dropped(pid)
            else:
                out[pid] = found[0]
                rb.mapped(rescued=found[1])
        return out, rb.report
