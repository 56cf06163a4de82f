"""Gene id mapping: Entrez <-> symbol with alias rescue, and STRING protein ids."""

from __future__ import annotations

import gzip
from collections.abc import Iterable
from importlib import resources
from pathlib import Path

import pandas as pd
import pytest

from netmarker.errors import InputError
from netmarker.ids.genes import MITOCHONDRIAL, GeneMapper, MappingReport, strip_taxon
from netmarker.io.genemaps import default_gene_mapper, read_gene_mapper, read_string_id_map

GENES = [
    ("7298", "TYMS"), ("7157", "TP53"), ("2064", "ERBB2"), ("4297", "KMT2A"),
    ("4735", "SEPTIN2"), ("23157", "SEPTIN6"), ("55732", "C1orf112"), ("4537", "ND3"),
]  # fmt: skip
ALIASES = [
    ("7157", "P53"), ("2064", "HER2"), ("4297", "MLL"), ("4735", "SEPT2"), ("23157", "SEPT2"),
    ("7298", "TS"), ("2064", "TYMS"),  # an alias that is another gene's current symbol
]  # fmt: skip


@pytest.fixture
def mapper() -> GeneMapper:
    return GeneMapper.from_records(GENES, ALIASES)


def test_map_symbols_keeps_current_rescues_aliases_drops_rest(mapper: GeneMapper) -> None:
    got, rep = mapper.map_symbols(
        ["TYMS", "P53", "her2", "C1ORF112", "SEPT2", "NOPE", "TYMS", " TP53 ", "", None]
    )
    assert got == {
        "TYMS": "TYMS", "P53": "TP53", "her2": "ERBB2", "C1ORF112": "C1orf112", "TP53": "TP53",
    }  # fmt: skip
    assert rep == MappingReport(
        n_input=7, n_mapped=5, n_rescued=3, n_dropped=2, dropped_examples=["SEPT2", "NOPE"]
    )


def test_map_symbols_mitochondrial_hgnc_names(mapper: GeneMapper) -> None:
    got, rep = mapper.map_symbols(["MT-ND3"])
    assert got == {"MT-ND3": "ND3"}
    assert rep.n_rescued == 1


def test_map_entrez(mapper: GeneMapper) -> None:
    got, rep = mapper.map_entrez([7298, "7157", "999", 7298, "4297.0"])
    assert got == {"7298": "TYMS", "7157": "TP53", "4297.0": "KMT2A"}
    assert (rep.n_input, rep.n_mapped, rep.n_rescued, rep.n_dropped) == (4, 3, 0, 1)
    assert rep.dropped_examples == ["999"]
    assert mapper.entrez("TYMS") == "7298"
    assert mapper.entrez("P53") == ""
    assert mapper.symbol(7157) == "TP53"


def test_shared_symbol_prefers_protein_coding() -> None:
    import pandas as pd

    genes = pd.DataFrame(
        {"entrez_id": ["100187828", "3045"], "symbol": ["HBD", "HBD"],
         "gene_type": ["other", "protein-coding"]}
    )  # fmt: skip
    m = GeneMapper(genes)
    assert m.entrez("HBD") == "3045"
    assert m.map_entrez(["100187828", "3045"])[0] == {"100187828": "HBD", "3045": "HBD"}


def test_report_merge_caps_examples() -> None:
    a = MappingReport(3, 1, 0, 2, [f"a{i}" for i in range(8)])
    b = MappingReport(4, 4, 2, 0, ["b0", "b1", "b2"])
    m = a.merge(b)
    assert (m.n_input, m.n_mapped, m.n_rescued, m.n_dropped) == (7, 5, 2, 2)
    assert len(m.dropped_examples) == 10


def test_from_files_and_missing_columns(tmp_path: Path) -> None:
    sym = tmp_path / "s.tsv.gz"
    with gzip.open(sym, "wt") as fh:
        fh.write("entrez_id\tsymbol\tgene_name\tgene_type\n7298\tTYMS\tx\tprotein-coding\n")
        fh.write("1\tNA\tnot a missing value\tprotein-coding\n")
    ali = tmp_path / "a.tsv"
    ali.write_text("entrez_id\talias_symbol\n7298\tTS\n")
    m = read_gene_mapper(sym, ali)
    assert m.map_symbols(["TS", "NA"])[0] == {"TS": "TYMS", "NA": "NA"}
    bad = tmp_path / "b.tsv"
    bad.write_text("id\tname\n1\tA\n")
    with pytest.raises(InputError, match=r"b\.tsv:1: missing column\(s\) entrez_id, symbol"):
        read_gene_mapper(bad)


def test_default_mapper_is_packaged() -> None:
    m = default_gene_mapper()
    assert m is default_gene_mapper()
    got, _ = m.map_symbols(["TYMS", "HER2", "MLL", "p53"])
    assert got == {"TYMS": "TYMS", "HER2": "ERBB2", "MLL": "KMT2A", "p53": "TP53"}
    assert m.symbol("7298") == "TYMS"
    assert len(m) > 70_000


# -- STRING protein ids ----------------------------------------------------------------------
INFO = (
    "#string_protein_id\tpreferred_name\tprotein_size\tannotation\n"
    "9606.ENSP00000323911\tTYMS\t313\tThymidylate synthase\n"
    "9606.ENSP00000269305\tTP53\t393\tCellular tumor antigen p53\n"
    "9606.ENSP00000269571\tHER2\t1255\tReceptor tyrosine-protein kinase erbB-2\n"
    "9606.ENSP00000999999\tUNKNOWN1\t10\tnothing\n"
)
ALIAS_FILE = (
    "#string_protein_id\talias\tsource\n"
    "9606.ENSP00000323911\tP04818\tUniProt_AC\n"
    "9606.ENSP00000323911\t7298\tEnsembl_HGNC_entrez_id Ensembl_EntrezGene\n"
    "9606.ENSP00000323911\tTYMS\tEnsembl_HGNC_symbol BioMart_HUGO\n"
    "9606.ENSP00000269305\tP53\tEnsembl_HGNC_prev_symbol BioMart_HUGO\n"
    "9606.ENSP00000269305\tTP53\tBLAST_UniProt_GN\n"
    "9606.ENSP00000269571\tHER2\tUniProt_GN\n"
)


def test_string_protein_info(tmp_path: Path, mapper: GeneMapper) -> None:
    p = tmp_path / "9606.protein.info.v11.0.txt"
    p.write_text(INFO)
    sm = read_string_id_map(p)
    assert len(sm) == 4 and "ENSP00000323911" in sm and "9606.ENSP00000269305" in sm
    got, rep = sm.to_symbols(
        ["9606.ENSP00000323911", "ENSP00000269305", "9606.ENSP00000269571",
         "9606.ENSP00000999999", "9606.ENSP00000000000"], mapper,
    )  # fmt: skip
    assert got == {
        "9606.ENSP00000323911": "TYMS", "ENSP00000269305": "TP53", "9606.ENSP00000269571": "ERBB2",
    }  # fmt: skip
    assert (rep.n_mapped, rep.n_rescued, rep.n_dropped) == (3, 1, 2)


def test_string_aliases_prefer_hgnc_then_direct_hits(tmp_path: Path, mapper: GeneMapper) -> None:
    p = tmp_path / "9606.protein.aliases.v11.0.txt"
    p.write_text(ALIAS_FILE)
    got, rep = read_string_id_map(p).to_symbols(
        ["9606.ENSP00000323911", "9606.ENSP00000269305", "9606.ENSP00000269571"], mapper
    )
    # TP53: the HGNC-source alias P53 is only a rescue; the direct hit TP53 wins
    assert got == {
        "9606.ENSP00000323911": "TYMS", "9606.ENSP00000269305": "TP53",
        "9606.ENSP00000269571": "ERBB2",
    }  # fmt: skip
    assert rep.n_rescued == 1


def test_string_two_column_tables(tmp_path: Path, mapper: GeneMapper) -> None:
    a = tmp_path / "nodes.tsv"
    a.write_text("string_protein_id\tgene_id\n9606.ENSP00000323911\tTYMS\n")
    b = tmp_path / "entrez_prot.tsv"
    b.write_text("entrez_id\tprot_id\n7157\tENSP00000269305\n")
    c = tmp_path / "noheader.tsv"
    c.write_text("ENSP00000269571\tERBB2\n")
    merged = read_string_id_map(a)
    merged.update(read_string_id_map(b))
    merged.update(read_string_id_map(c))
    got, _ = merged.to_symbols(
        ["9606.ENSP00000323911", "9606.ENSP00000269305", "ENSP00000269571"], mapper
    )
    assert got == {
        "9606.ENSP00000323911": "TYMS", "9606.ENSP00000269305": "TP53",
        "ENSP00000269571": "ERBB2",
    }  # fmt: skip


def test_string_map_bad_input(tmp_path: Path) -> None:
    p = tmp_path / "x.tsv"
    p.write_text("a\tb\tc\td\n1\t2\t3\t4\n")
    with pytest.raises(InputError, match=r"x\.tsv:1: not a STRING protein.info"):
        read_string_id_map(p)
    q = tmp_path / "y.tsv"
    q.write_text("g1\tg2\nTYMS\tTP53\n")
    with pytest.raises(InputError, match="cannot tell which column"):
        read_string_id_map(q)


def test_strip_taxon() -> None:
    assert strip_taxon("9606.ENSP00000269305") == "ENSP00000269305"
    assert strip_taxon("ENSP00000269305") == "ENSP00000269305"


@pytest.mark.realdata
def test_real_id_tables_match_packaged_copies(shared_data: Path) -> None:
    from netmarker.io.common import file_checksum

    src = shared_data / "id_mapping_org_hs_eg_db"
    pkg = Path(__file__).resolve().parents[1] / "src" / "netmarker" / "resources"
    for name in ("entrez_symbol.tsv.gz", "entrez_alias.tsv.gz"):
        assert file_checksum(src / name) == file_checksum(pkg / name)


@pytest.mark.realdata
def test_real_netbio_node_table(shared_data: Path) -> None:
    sm = read_string_id_map(
        shared_data / "string_derived" / "netbio_string_v11_700_node_symbols.tsv"
    )
    assert len(sm) == 16961 - 4 - 133  # 4 ids listed twice, 133 without a symbol
    got, _ = sm.to_symbols(["9606.ENSP00000000233"], default_gene_mapper())
    assert got == {"9606.ENSP00000000233": "ARF5"}


def _reference_tables(genes: pd.DataFrame, aliases: pd.DataFrame) -> list[dict[str, str]]:
    """GeneMapper's five tables as its constructor built them with Series.map, itertuples and
    Series iteration before it used plain lists (kept here to pin that nothing changed)."""

    def unique_keys(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
        seen: dict[str, str] = {}
        ambiguous: set[str] = set()
        for k, v in pairs:
            if seen.setdefault(k, v) != v:
                ambiguous.add(k)
        return {k: v for k, v in seen.items() if k not in ambiguous}

    g = genes.astype({"entrez_id": str, "symbol": str})
    g = g[g["symbol"].str.len() > 0]
    symbol_of = dict(zip(g["entrez_id"], g["symbol"], strict=True))
    coding = (
        g["gene_type"].eq("protein-coding") if "gene_type" in g else pd.Series(True, index=g.index)
    )
    order = g.assign(
        _coding=~coding, _num=pd.to_numeric(g["entrez_id"], errors="coerce")
    ).sort_values(["_coding", "_num"])
    entrez_of = dict(
        order.drop_duplicates("symbol")[["symbol", "entrez_id"]].itertuples(index=False)
    )
    a = aliases.astype({"entrez_id": str, "alias_symbol": str})
    current = a["entrez_id"].map(symbol_of)
    pairs = [
        (alias, sym)
        for alias, sym in zip(a["alias_symbol"], current, strict=True)
        if isinstance(sym, str) and alias and alias not in entrez_of
    ]
    alias_of, alias_upper = unique_keys(pairs), unique_keys((al.upper(), s) for al, s in pairs)
    for hgnc, ncbi in MITOCHONDRIAL.items():
        if ncbi in entrez_of and hgnc not in entrez_of:
            alias_of[hgnc] = alias_upper[hgnc] = ncbi
    upper = unique_keys((s.upper(), s) for s in entrez_of)
    return [symbol_of, entrez_of, upper, alias_of, alias_upper]


def _tables(m: GeneMapper) -> list[list[tuple[str, str]]]:
    return [
        list(d.items()) for d in (m._symbol_of, m._entrez_of, m._upper, m._alias, m._alias_upper)
    ]


def test_mapper_tables_match_the_series_based_construction() -> None:
    """Shared symbols, ambiguous and repeated aliases, case clashes, empty aliases, aliases of
    unknown ids or equal to a current symbol: same tables, in the same order."""
    genes = [
        ("1", "ABC"), ("2", "Abc"), ("3", "XYZ"), ("4", "RNR1"), ("5", "RNR1"), ("6", ""),
        ("10", "Q1"), ("11", "q2"), ("12", "ND1"),
    ]  # fmt: skip
    aliases = [
        ("1", "OLD"), ("1", "OLD"), ("3", "OLD2"), ("10", "OLD2"), ("3", "old"), ("10", "Old"),
        ("11", "X1"), ("99", "X9"), ("3", ""), ("1", "XYZ"), ("6", "GONE"), ("4", "r1"),
        ("11", "R1"),
    ]  # fmt: skip
    m = GeneMapper.from_records(genes, aliases)
    g = pd.DataFrame(genes, columns=["entrez_id", "symbol"], dtype=str)
    a = pd.DataFrame(aliases, columns=["entrez_id", "alias_symbol"], dtype=str)
    assert _tables(m) == [list(d.items()) for d in _reference_tables(g, a)]
    assert m.rescue("old") == "XYZ" and m.rescue("OLD") == "ABC"  # exact alias beats upper
    assert m.rescue("OLD2") is None and m.rescue("old2") is None  # ambiguous
    assert m.rescue("r1") == "RNR1" and m.rescue("R1") == "q2"
    assert m.rescue("MT-ND1") == "ND1" and "R1" not in m._alias_upper  # r1 / R1: two genes


def test_packaged_mapper_tables_match_the_series_based_construction() -> None:
    base = resources.files("netmarker.resources")
    with (
        resources.as_file(base / "entrez_symbol.tsv.gz") as sym,
        resources.as_file(base / "entrez_alias.tsv.gz") as ali,
    ):
        genes = pd.read_csv(sym, sep="\t", dtype=str, keep_default_na=False, quoting=3)
        aliases = pd.read_csv(ali, sep="\t", dtype=str, keep_default_na=False, quoting=3)
    assert _tables(default_gene_mapper()) == [
        list(d.items()) for d in _reference_tables(genes, aliases)
    ]
