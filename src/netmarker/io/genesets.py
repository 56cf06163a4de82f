"""Read GMT gene-set files (MSigDB style: ``name<TAB>url<TAB>gene<TAB>gene...``)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd

from netmarker.errors import InputError
from netmarker.ids.genes import GeneMapper, MappingReport
from netmarker.io.common import iter_data_lines
from netmarker.io.genemaps import default_gene_mapper
from netmarker.schema import MEMBER_COLUMNS, PATHWAY_COLUMNS

#: URL placeholders some GMT writers put in the second field
_NO_URL = {"", "na", "n/a", "none", "-"}


@dataclass
class PathwaysReport:
    """What reading a GMT file did."""

    source: str
    sets_read: int = 0
    sets_below_min_size: int = 0
    memberships_read: int = 0
    members_dropped_unmapped: int = 0
    duplicate_members: int = 0  # a gene listed twice, or two names of one current symbol
    sets: int = 0
    memberships: int = 0
    genes: int = 0
    symbols: MappingReport = field(default_factory=MappingReport)

    def counts(self) -> dict[str, int]:
        """Flat integer counts (for the store's provenance record)."""
        out = {k: v for k, v in asdict(self).items() if isinstance(v, int)}
        s = self.symbols
        out |= {
            "symbols_input": s.n_input, "symbols_mapped": s.n_mapped,
            "symbols_rescued": s.n_rescued, "symbols_dropped": s.n_dropped,
        }  # fmt: skip
        return out


@dataclass
class ParsedPathways:
    """Pathways (PATHWAY_COLUMNS, sorted), members (MEMBER_COLUMNS, sorted) and the report."""

    pathways: pd.DataFrame
    members: pd.DataFrame
    report: PathwaysReport


def read_gmt(
    path: str | Path,
    *,
    source: str | None = None,
    mapper: GeneMapper | None = None,
    min_size: int = 1,
    strict: bool = False,
) -> ParsedPathways:
    """Read a GMT file; member symbols are mapped to current HGNC symbols.

    ``source`` labels the pathways (default: the file name without ``.gmt``). Sets with fewer
    than ``min_size`` mapped members are left out. ``strict`` makes unmapped symbols errors.
    """
    p = Path(path)
    label = source or p.name.removesuffix(".gz").removesuffix(".gmt")
    rep = PathwaysReport(source=label)
    sets: dict[str, tuple[int, str, list[str]]] = {}
    for line, text in iter_data_lines(p, comment=None):
        fields = text.split("\t")
        if len(fields) < 3:
            raise InputError(
                p, f"a gene set line needs name, url and genes; found {len(fields)} field(s)", line
            )
        name = fields[0].strip()
        if not name:
            raise InputError(p, "empty gene set name", line)
        if name in sets:
            raise InputError(
                p, f"duplicate gene set {name!r} (first on line {sets[name][0]})", line
            )
        genes = [g.strip() for g in fields[2:] if g.strip()]
        if not genes:
            raise InputError(p, f"gene set {name!r} lists no genes", line)
        url = fields[1].strip()
        sets[name] = (line, "" if url.lower() in _NO_URL else url, genes)
        rep.memberships_read += len(genes)
    if not sets:
        raise InputError(p, "no gene sets")
    rep.sets_read = len(sets)
    mapping, rep.symbols = (mapper or default_gene_mapper()).map_symbols(
        g for _, _, genes in sets.values() for g in genes
    )
    pathways: list[tuple[str, str, str]] = []
    members: list[tuple[str, str]] = []
    for name, (line, url, genes) in sets.items():
        current: dict[str, None] = {}
        for g in genes:
            sym = mapping.get(g)
            if sym is None:
                if strict:
                    raise InputError(p, f"gene {g!r} of set {name!r} matches no gene", line)
                rep.members_dropped_unmapped += 1
            elif sym in current:
                rep.duplicate_members += 1
            else:
                current[sym] = None
        if len(current) < min_size:
            rep.sets_below_min_size += 1
            continue
        pathways.append((name, label, url))
        members.extend((name, g) for g in current)
    path_df = pd.DataFrame(pathways, columns=PATHWAY_COLUMNS).sort_values("pathway")
    mem_df = pd.DataFrame(members, columns=MEMBER_COLUMNS).sort_values(MEMBER_COLUMNS)
    rep.sets, rep.memberships, rep.genes = len(path_df), len(mem_df), mem_df["gene"].nunique()
    return ParsedPathways(path_df.reset_index(drop=True), mem_df.reset_index(drop=True), rep)
