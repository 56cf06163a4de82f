"""Readers of gene identifier maps: org.Hs.eg.db tables and STRING protein id files.

They build the in-memory resolvers of :mod:`netmarker.ids.genes`: :func:`read_gene_mapper`
(``entrez_symbol.tsv[.gz]`` + ``entrez_alias.tsv[.gz]``), :func:`default_gene_mapper` (the
packaged tables) and :func:`read_string_id_map` (STRING ``protein.info`` / ``aliases`` files
or a 2-column id table).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from pathlib import Path

import pandas as pd

from netmarker.errors import InputError
from netmarker.ids.genes import GeneMapper, StringIdMap
from netmarker.io.common import open_text

_DIGITS = re.compile(r"^\d+$")
#: alias-file sources, best first: HGNC symbols, then Entrez ids, then other gene names
_SYMBOL_SOURCES = re.compile(r"HGNC|HUGO", re.IGNORECASE)
_ENTREZ_SOURCES = re.compile(r"Entrez", re.IGNORECASE)
_NAME_SOURCES = re.compile(r"_GN$|gene_name|Gene_Name", re.IGNORECASE)


def read_gene_mapper(symbols: str | Path, aliases: str | Path | None = None) -> GeneMapper:
    """Read ``entrez_symbol.tsv[.gz]`` (+ ``entrez_alias.tsv[.gz]``) as exported from
    org.Hs.eg.db."""
    genes = _read_table(symbols, ["entrez_id", "symbol"], optional=["gene_type"])
    alias = None if aliases is None else _read_table(aliases, ["entrez_id", "alias_symbol"])
    return GeneMapper(genes, alias)


@lru_cache(maxsize=1)
def default_gene_mapper() -> GeneMapper:
    """The mapper built from the packaged org.Hs.eg.db 3.16 tables (cached)."""
    base = resources.files("netmarker.resources")
    with (
        resources.as_file(base / "entrez_symbol.tsv.gz") as sym,
        resources.as_file(base / "entrez_alias.tsv.gz") as ali,
    ):
        return read_gene_mapper(sym, ali)


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


def read_string_id_map(path: str | Path) -> StringIdMap:
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
        return _from_info(path, cols)
    if len(cols) == 3 and "alias" in lower and "source" in lower:
        return _from_aliases(path)
    if len(cols) == 2:
        return _from_pairs(path, cols)
    raise InputError(
        path,
        f"not a STRING protein.info / aliases file or a 2-column id table (header {first[:80]!r})",
        1,
    )


def _from_info(path: str | Path, cols: list[str]) -> StringIdMap:
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
    return StringIdMap({i: [("symbol", n)] for i, n in zip(df["id"], df["name"], strict=True) if n})


def _from_aliases(path: str | Path) -> StringIdMap:
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
    return StringIdMap(cand)


def _from_pairs(path: str | Path, cols: list[str]) -> StringIdMap:
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
    return StringIdMap(cand)
