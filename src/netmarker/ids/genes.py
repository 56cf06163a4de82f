"""Gene identifier resolution: Entrez <-> HGNC symbol (with alias rescue) and STRING protein ids.

Genes are keyed by their current HGNC symbol. :class:`GeneMapper` turns symbols (current or
previous / alias) and Entrez ids into current symbols; :class:`StringIdMap` turns STRING protein
ids (``9606.ENSP...``) into gene symbols or Entrez ids, which the mapper then makes current.
Both are built from tables in memory; :mod:`netmarker.io.genemaps` reads them from files.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd

#: how many unmapped ids a report keeps as examples
N_EXAMPLES = 10
_TAXON_PREFIX = re.compile(r"^\d+\.")
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
        self._symbol_of: dict[str, str] = dict(
            zip(g["entrez_id"].tolist(), g["symbol"].tolist(), strict=True)
        )
        # a symbol shared by several Entrez ids (e.g. RNR1): prefer protein-coding, then lowest id
        coding = (
            g["gene_type"].eq("protein-coding")
            if "gene_type" in g
            else pd.Series(True, index=g.index)
        )
        order = g.assign(
            _coding=~coding, _num=pd.to_numeric(g["entrez_id"], errors="coerce")
        ).sort_values(["_coding", "_num"])
        first = order.drop_duplicates("symbol")
        self._entrez_of: dict[str, str] = dict(
            zip(first["symbol"].tolist(), first["entrez_id"].tolist(), strict=True)
        )
        # the rescue tables are built on the first rescue: a network of current symbols or
        # Entrez ids never needs them, and they are half the cost of building a mapper (a copy,
        # so a caller changing its frame later changes nothing)
        self._aliases = (
            None if aliases is None else aliases.astype({"entrez_id": str, "alias_symbol": str})
        )

    @cached_property
    def _upper(self) -> dict[str, str]:
        """Upper-cased current symbol -> current symbol (case clashes left out)."""
        return _unique_keys((s.upper(), s) for s in self._entrez_of)

    @cached_property
    def _alias_tables(self) -> tuple[dict[str, str], dict[str, str]]:
        """Unambiguous alias -> current symbol, exact and upper-cased."""
        alias_of: dict[str, str] = {}
        alias_upper: dict[str, str] = {}
        a = self._aliases
        if a is not None and len(a):
            # plain lists and dict.get: iterating pandas Series / Series.map costs more here
            # than the whole loop
            symbol_of, current = self._symbol_of, self._entrez_of
            pairs = [
                (alias, sym)
                for alias, entrez in zip(
                    a["alias_symbol"].tolist(), a["entrez_id"].tolist(), strict=True
                )
                if alias and alias not in current and (sym := symbol_of.get(entrez)) is not None
            ]
            alias_of = _unique_keys(pairs)
            alias_upper = _unique_keys((al.upper(), s) for al, s in pairs)
        for hgnc, ncbi in MITOCHONDRIAL.items():
            if ncbi in self._entrez_of and hgnc not in self._entrez_of:
                alias_of[hgnc] = alias_upper[hgnc] = ncbi
        self._aliases = None  # built: the table is not needed any more
        return alias_of, alias_upper

    @property
    def _alias(self) -> dict[str, str]:
        return self._alias_tables[0]

    @property
    def _alias_upper(self) -> dict[str, str]:
        return self._alias_tables[1]

    # -- construction ------------------------------------------------------------------------
    @classmethod
    def from_records(
        cls, genes: Iterable[tuple[str, str]], aliases: Iterable[tuple[str, str]] = ()
    ) -> GeneMapper:
        """Build from ``(entrez_id, symbol)`` and ``(entrez_id, alias)`` pairs (small tables)."""
        g = pd.DataFrame(list(genes), columns=["entrez_id", "symbol"], dtype=str)
        a = pd.DataFrame(list(aliases), columns=["entrez_id", "alias_symbol"], dtype=str)
        return cls(g, a)

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


def strip_taxon(protein_id: str) -> str:
    """``9606.ENSP00000269305`` -> ``ENSP00000269305`` (ids without a prefix unchanged)."""
    return _TAXON_PREFIX.sub("", protein_id.strip())


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
