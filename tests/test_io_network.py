"""Network readers: every format, the merge rules, each kind of bad input, and the real files."""

from __future__ import annotations

import gzip
import math
import random
from pathlib import Path

import pandas as pd
import pytest

from netmarker.errors import InputError
from netmarker.graph.store import EDGE_COLUMNS, GENE_COLUMNS
from netmarker.ids.genes import GeneMapper
from netmarker.io.network import read_network

GENES = [
    ("7298", "TYMS"), ("7157", "TP53"), ("2064", "ERBB2"), ("1956", "EGFR"),
    ("4193", "MDM2"), ("207", "AKT1"), ("4297", "KMT2A"),
]  # fmt: skip
ALIASES = [("7157", "P53"), ("2064", "HER2"), ("4297", "MLL")]

INFO = (
    "#string_protein_id\tpreferred_name\tprotein_size\tannotation\n"
    "9606.ENSP00000323911\tTYMS\t313\tThymidylate synthase\n"
    "9606.ENSP00000269305\tTP53\t393\tCellular tumor antigen p53\n"
    "9606.ENSP00000269571\tHER2\t1255\tReceptor tyrosine-protein kinase erbB-2\n"
    "9606.ENSP00000275493\tEGFR\t1210\tEpidermal growth factor receptor\n"
    "9606.ENSP00000258149\tMDM2\t491\tE3 ubiquitin-protein ligase Mdm2\n"
)
P_TYMS, P_TP53, P_ERBB2, P_EGFR, P_MDM2 = (
    "9606.ENSP00000323911", "9606.ENSP00000269305", "9606.ENSP00000269571",
    "9606.ENSP00000275493", "9606.ENSP00000258149",
)  # fmt: skip
P_UNKNOWN = "9606.ENSP00000000001"


@pytest.fixture
def mapper() -> GeneMapper:
    return GeneMapper.from_records(GENES, ALIASES)


def write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    if name.endswith(".gz"):
        with gzip.open(p, "wt", encoding="utf-8") as fh:
            fh.write(text)
    else:
        p.write_text(text, encoding="utf-8")
    return p


def edge_set(df: pd.DataFrame) -> dict[tuple[str, str], float]:
    return {(a, b): s for a, b, s in df.itertuples(index=False)}


# -- STRING ------------------------------------------------------------------------------------
LINKS = (
    "protein1 protein2 combined_score\n"
    f"{P_TP53} {P_MDM2} 999\n"
    f"{P_MDM2} {P_TP53} 999\n"
    f"{P_EGFR} {P_ERBB2} 950\n"
    f"{P_ERBB2} {P_EGFR} 950\n"
    f"{P_TYMS} {P_TP53} 650\n"
    f"{P_TP53} {P_TYMS} 650\n"
    f"{P_TYMS} {P_UNKNOWN} 800\n"
    f"{P_UNKNOWN} {P_TYMS} 800\n"
)


def test_string_protein_links(tmp_path: Path, mapper: GeneMapper) -> None:
    links = write(tmp_path, "9606.protein.links.v11.0.txt", LINKS)
    info = write(tmp_path, "9606.protein.info.v11.0.txt", INFO)
    net = read_network(links, id_map=info, mapper=mapper)
    assert list(net.edges.columns) == EDGE_COLUMNS and list(net.genes.columns) == GENE_COLUMNS
    assert edge_set(net.edges) == {
        ("EGFR", "ERBB2"): 950.0, ("MDM2", "TP53"): 999.0, ("TP53", "TYMS"): 650.0,
    }  # fmt: skip
    assert net.genes.to_dict("records") == [
        {"symbol": "EGFR", "entrez": "1956"}, {"symbol": "ERBB2", "entrez": "2064"},
        {"symbol": "MDM2", "entrez": "4193"}, {"symbol": "TP53", "entrez": "7157"},
        {"symbol": "TYMS", "entrez": "7298"},
    ]  # fmt: skip
    r = net.report
    assert (r.fmt, r.id_type, r.weighted) == ("string", "string", True)
    assert (r.rows_read, r.edges_dropped_unmapped, r.duplicates_merged, r.edges) == (8, 2, 3, 3)
    assert (r.ids.n_input, r.ids.n_mapped, r.ids.n_rescued, r.ids.n_dropped) == (6, 5, 1, 1)
    assert r.ids.dropped_examples == [P_UNKNOWN]
    assert r.counts()["ids_rescued"] == 1


def test_string_min_score_and_detailed_gz(tmp_path: Path, mapper: GeneMapper) -> None:
    detailed = "protein1 protein2 neighborhood fusion cooccurence coexpression experimental " + (
        "database textmining combined_score\n"
    )
    for line in LINKS.splitlines()[1:]:
        a, b, s = line.split()
        detailed += f"{a} {b} 0 0 0 62 {int(s) - 100} 500 120 {s}\n"
    links = write(tmp_path, "9606.protein.links.detailed.v11.0.txt.gz", detailed)
    info = write(tmp_path, "info.txt", INFO)
    net = read_network(links, id_map=info, mapper=mapper, min_score=700)
    assert edge_set(net.edges) == {("EGFR", "ERBB2"): 950.0, ("MDM2", "TP53"): 999.0}
    assert net.report.below_min_score == 2
    assert net.report.edges_dropped_unmapped == 2


def test_string_ids_need_an_id_map(tmp_path: Path, mapper: GeneMapper) -> None:
    links = write(tmp_path, "links.txt", LINKS)
    with pytest.raises(InputError, match=r"links\.txt:2: STRING protein ids need id_map"):
        read_network(links, mapper=mapper)
    net = read_network(links, mapper=mapper, id_map={P_TP53: "TP53", P_MDM2: "MDM2"})
    assert edge_set(net.edges) == {("MDM2", "TP53"): 999.0}


# -- plain edge lists ----------------------------------------------------------------------------
def test_tsv_symbols_merge_rules(tmp_path: Path, mapper: GeneMapper) -> None:
    text = (
        "source\ttarget\tweight\n"
        "TP53\tMDM2\t0.5\n"
        "MDM2\tTP53\t0.9\n"  # reverse pair, higher score: kept
        "TP53\tMDM2\t0.7\n"  # repeated pair, other score: merged
        "P53\tEGFR\t0.4\n"  # alias rescued
        "EGFR\tEGFR\t1\n"  # self-loop
        "HER2\tP53\t0.3\n"
        "\n"
        "NOPE\tTP53\t0.8\n"  # unmapped
        "TP53\t\t0.8\n"  # empty id: unmapped, not an error
    )
    net = read_network(write(tmp_path, "e.tsv", text), mapper=mapper)
    assert edge_set(net.edges) == {
        ("MDM2", "TP53"): 0.9, ("EGFR", "TP53"): 0.4, ("ERBB2", "TP53"): 0.3,
    }  # fmt: skip
    r = net.report
    assert (r.rows_read, r.self_loops, r.duplicates_merged, r.edges_dropped_unmapped) == (
        8, 1, 2, 2,
    )  # fmt: skip
    assert (r.ids.n_rescued, r.ids.n_dropped) == (2, 1)
    assert (r.edges, r.genes) == (3, 4)


def test_csv_unweighted_gene1_gene2(tmp_path: Path, mapper: GeneMapper) -> None:
    net = read_network(
        write(tmp_path, "e.csv", "Gene1,Gene2\nTYMS,TP53\nAKT1,MDM2\n"), mapper=mapper
    )
    assert list(net.edges[["gene_a", "gene_b"]].itertuples(index=False, name=None)) == [
        ("AKT1", "MDM2"), ("TP53", "TYMS"),
    ]  # fmt: skip
    assert net.edges["score"].isna().all()
    assert not net.report.weighted


def test_entrez_and_symbol_columns_agree(tmp_path: Path, mapper: GeneMapper) -> None:
    text = (
        "gene_id_1\tgene_id_2\tsymbol_1\tsymbol_2\tdata_source\n"
        "7157\t4193\tTP53\tMDM2\tliterature\n"
        "7298\t7157\tTYMS\tTP53\tbinary\n"
        "999999\t7157\t\tTP53\tbinary\n"  # retired id, no symbol
    )
    p = write(tmp_path, "i.tsv", text)
    by_id = read_network(p, mapper=mapper)
    by_sym = read_network(p, mapper=mapper, id_type="symbol")
    assert by_id.report.id_type == "entrez" and by_sym.report.id_type == "symbol"
    pd.testing.assert_frame_equal(by_id.edges, by_sym.edges)
    assert by_id.report.edges == 2 and by_id.report.edges_dropped_unmapped == 1


def test_id_and_combined_score_columns(tmp_path: Path, mapper: GeneMapper) -> None:
    text = (
        "id_1\tid_2\tsymbol_1\tsymbol_2\tfusion\tcombined_score\n7157\t4193\tTP53\tMDM2\t0\t905\n"
    )
    net = read_network(write(tmp_path, "d.tsv.gz", text), mapper=mapper, min_score=700)
    assert edge_set(net.edges) == {("MDM2", "TP53"): 905.0}


def test_sif_several_partners(tmp_path: Path, mapper: GeneMapper) -> None:
    text = "TP53 pp MDM2 EGFR\nTYMS\nEGFR\tpp\tERBB2\n# comment\nMDM2 pp TP53\n"
    net = read_network(write(tmp_path, "n.sif", text), mapper=mapper)
    assert set(edge_set(net.edges)) == {("MDM2", "TP53"), ("EGFR", "TP53"), ("EGFR", "ERBB2")}
    assert net.report.fmt == "sif" and net.report.rows_read == 4
    assert net.report.duplicates_merged == 1
    auto = read_network(write(tmp_path, "n.txt", text), mapper=mapper)  # detected by 'pp'
    assert auto.report.fmt == "sif"


def test_menche_comments_entrez(tmp_path: Path, mapper: GeneMapper) -> None:
    text = (
        "# the interactome\n#\n# gene_ID_1\t gene_ID_2\tdata_source(s)\n"
        "7157\t4193\tliterature;binary\n7298\t7298\tcomplexes\n2064\t1956\tsignaling\n"
    )
    net = read_network(write(tmp_path, "DataS1_interactome.tsv.gz", text), mapper=mapper)
    assert net.report.fmt == "menche" and net.report.id_type == "entrez"
    assert set(edge_set(net.edges)) == {("MDM2", "TP53"), ("EGFR", "ERBB2")}
    assert net.report.self_loops == 1


def test_bionev_integer_edges_with_node_list(tmp_path: Path, mapper: GeneMapper) -> None:
    edges = write(tmp_path, "STRING_PPI.edgelist.gz", "0 1\n1 2\n2 3\n3 4\n")
    nodes = write(
        tmp_path, "node_list.txt",
        f"index\tSTRING_id\n0\t{P_TP53}\n1\t{P_MDM2}\n2\t{P_EGFR}\n3\t{P_ERBB2}\n4\t{P_UNKNOWN}\n",
    )  # fmt: skip
    info = write(tmp_path, "info.txt", INFO)
    net = read_network(edges, node_list=nodes, id_map=info, mapper=mapper)
    assert net.report.fmt == "bionev" and net.report.id_type == "string"
    assert set(edge_set(net.edges)) == {("MDM2", "TP53"), ("EGFR", "MDM2"), ("EGFR", "ERBB2")}
    assert net.report.edges_dropped_unmapped == 1
    with pytest.raises(InputError, match=r"STRING_PPI\.edgelist\.gz:1: headerless integer"):
        read_network(edges, mapper=mapper)
    short_nodes = write(tmp_path, "short.txt", f"0\t{P_TP53}\n1\t{P_MDM2}\n")
    with pytest.raises(InputError, match=r"edgelist\.gz:2: node index 2 is not in"):
        read_network(edges, node_list=short_nodes, id_map=info, mapper=mapper)


# -- bad input ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "text", "kwargs", "message"),
    [
        ("empty.tsv", "", {}, r"empty\.tsv: file is empty"),
        ("blank.tsv", "\n\n# only a comment\n", {}, "no data lines"),
        ("header.tsv", "gene1\tgene2\n", {}, r"header\.tsv:1: no edges"),
        ("c.csv", "gene1,gene2\nTP53,MDM2\n", {"fmt": "tsv"}, r"c\.csv:1: no recognised gene"),
        ("cols.tsv", "foo\tbar\nTP53\tMDM2\n", {}, r"cols\.tsv:1: no recognised gene columns"),
        (
            "score.tsv",
            "gene1\tgene2\tscore\nTP53\tMDM2\t1\nTP53\tEGFR\thigh\n",
            {},
            r"score\.tsv:3: score 'high' is not a number",
        ),
        (
            "short.tsv",
            "gene1\tgene2\tscore\nTP53\tMDM2\t1\n\nTP53\tEGFR\n",
            {},
            r"short\.tsv:4: row has 2 field\(s\), expected 3",
        ),
        (
            "long.tsv",
            "gene1\tgene2\tscore\nTP53\tMDM2\t1\tx\n",
            {},
            r"long\.tsv:2: row has 4 fields, expected 3",
        ),
        (
            "dup.tsv",
            "gene1\tgene2\nTP53\tMDM2\nEGFR\tERBB2\nTP53\tMDM2\n",
            {},
            r"dup\.tsv:4: duplicate line \(same as line 2\)",
        ),
        (
            "unw.tsv",
            "gene1\tgene2\nTP53\tMDM2\n",
            {"min_score": 700},
            r"unw\.tsv: min_score=700 given but the file has no score column",
        ),
        (
            "low.tsv",
            "gene1\tgene2\tscore\nTP53\tMDM2\t0.9\n",
            {"min_score": 700},
            r"--min-score 700 is on a 0-1000 scale but the file.s scores range 0\.9 to 0\.9",
        ),
        (
            "strict.tsv",
            "gene1\tgene2\nTP53\tMDM2\nNOPE\tTP53\n",
            {"strict": True},
            r"strict\.tsv:3: id 'NOPE' matches no gene",
        ),
        (
            "ent.tsv",
            "gene_id_1\tgene_id_2\n7157\t4193\n7157\tMDM2\n",
            {"id_type": "entrez"},
            r"ent\.tsv:3: id_type='entrez' but 'MDM2' is not an Entrez id",
        ),
        ("bad.sif", "TP53 pp\n", {}, r"bad\.sif:1: SIF line needs"),
        ("dup.sif", "TP53 pp MDM2\nTP53 pp MDM2\n", {}, r"dup\.sif:2: duplicate line"),
        (
            "m.tsv",
            "# c\n7157\t4193\tlit\n7157\tx\tlit\n",
            {},
            r"m\.tsv:3: expected an integer id, found 'x'",
        ),
        (
            "m2.tsv",
            "# c\n7157\t4193\tlit\n7157\t7298\tlit\tmore\n",
            {},
            r"m2\.tsv:3: row has 4 fields, expected 3",
        ),
    ],
)
def test_bad_input(
    tmp_path: Path, mapper: GeneMapper, name: str, text: str, kwargs: dict, message: str
) -> None:
    with pytest.raises(InputError, match=message):
        read_network(write(tmp_path, name, text), mapper=mapper, **kwargs)


def test_unknown_options_rejected(tmp_path: Path, mapper: GeneMapper) -> None:
    p = write(tmp_path, "e.tsv", "gene1\tgene2\nTP53\tMDM2\n")
    with pytest.raises(ValueError, match="fmt"):
        read_network(p, fmt="graphml", mapper=mapper)
    with pytest.raises(ValueError, match="id_type"):
        read_network(p, id_type="uniprot", mapper=mapper)


# -- real files --------------------------------------------------------------------------------
@pytest.mark.realdata
@pytest.mark.parametrize(
    ("name", "kwargs"),
    [("DataS1_interactome.tsv.gz", {}), ("interactome_entrez_symbol.tsv.gz", {})],
)
def test_real_menche_interactome(shared_data: Path, name: str, kwargs: dict) -> None:
    net = read_network(shared_data / "menche2015_interactome" / name, **kwargs)
    r = net.report
    assert r.rows_read == 141_296
    # 138,427 distinct non-self pairs (SOURCE.md) = 137,907 kept + 498 with a retired Entrez
    # id + 22 merged because two Entrez ids share a symbol (TEC, HBD)
    assert (r.edges, r.edges_dropped_unmapped, r.self_loops, r.duplicates_merged) == (
        137_907, 505, 2_862, 22,
    )  # fmt: skip
    assert (r.ids.n_input, r.ids.n_dropped, r.genes) == (13_460, 109, 13_285)
    assert ("TP53", "TYMS") not in edge_set(net.edges)
    assert {"TYMS", "TF", "MPG", "A2M", "ATOX1"} <= set(net.genes["symbol"])


@pytest.mark.realdata
def test_real_dmfind_v12_min_score_700(shared_data: Path) -> None:
    p = shared_data / "string_derived" / "dmfind_string_v12.0_ntm_700_top3_entrez.tsv.gz"
    net = read_network(p, min_score=700)
    r = net.report
    assert r.rows_read == 174_962
    assert r.rows_read - r.below_min_score == 131_520  # SOURCE.md: combined_score >= 700
    assert (r.edges_dropped_unmapped, r.edges, r.genes) == (65, 131_455, 12_392)
    assert net.edges["score"].min() >= 700


@pytest.mark.realdata
def test_real_emogi_symbols(shared_data: Path) -> None:
    net = read_network(shared_data / "string_derived" / "emogi_string_v10_score085_symbols.tsv.gz")
    r = net.report
    assert (r.rows_read, r.ids.n_input) == (336_548, 13_179)  # SOURCE.md counts
    assert (r.ids.n_mapped, r.ids.n_rescued, r.ids.n_dropped) == (13_115, 86, 64)
    assert (r.edges, r.genes, r.duplicates_merged) == (335_478, 13_112, 0)
    assert math.isnan(net.edges["score"].iloc[0])
    degree = pd.concat([net.edges["gene_a"], net.edges["gene_b"]]).value_counts()
    assert degree["TYMS"] == 80  # SOURCE.md


@pytest.mark.realdata
def test_real_bionev_with_node_list(shared_data: Path) -> None:
    d = shared_data / "string_derived"
    net = read_network(
        d / "bionev_STRING_PPI.edgelist.gz",
        node_list=d / "bionev_STRING_PPI_node_list.txt",
        id_map=[
            d / "netbio_string_v11_700_node_symbols.tsv",
            shared_data / "id_mapping_org_hs_eg_db" / "entrez_ensembl_protein.tsv.gz",
        ],
    )
    r = net.report
    assert (r.rows_read, r.ids.n_input) == (359_776, 15_131)  # SOURCE.md counts
    assert (r.ids.n_mapped, r.ids.n_dropped) == (12_117, 3_014)
    assert (r.edges, r.genes) == (241_541, 11_871)


@pytest.mark.realdata
def test_real_ccsb_hi_ii_14(shared_data: Path) -> None:
    net = read_network(shared_data / "ccsb_binary_ppi" / "HI-II-14.tsv")
    r = net.report
    assert r.rows_read == 13_944  # 13,945 lines with the header
    assert (r.self_loops, r.edges) == (516, 13_381)


def _reference_check_lines(path: Path, lines_before: int, sep: str, n_fields: int) -> None:
    """The line checks as they were, all in pandas (a regex count per line, ``duplicated``
    over every line): kept here to pin that the faster checks raise the same errors."""
    text = path.read_text(encoding="utf-8-sig")
    lines = pd.Series(text.splitlines()[lines_before:])
    lines = lines[lines != ""]
    if sep != ",":
        fields = lines.str.count(sep) + 1
        if (fields > n_fields).any():
            row = int((fields > n_fields).idxmax())
            raise InputError(
                path, f"row has {fields[row]} fields, expected {n_fields}", row + lines_before + 1
            )
    dup = lines.duplicated()
    if dup.any():
        second = int(dup.idxmax())
        first = int((lines == lines[second]).idxmax())
        raise InputError(
            path,
            f"duplicate line (same as line {first + lines_before + 1})",
            second + lines_before + 1,
        )


@pytest.mark.parametrize("sep", ["\t", " ", ";", ","])
def test_line_checks_match_the_pandas_reference(tmp_path: Path, sep: str) -> None:
    """Generated files with too many fields, repeated lines, blank lines, CRLF / lone CR /
    form-feed line ends and CSV quotes: the same error (text and line) or none, as before."""
    from netmarker.io.network import _check_lines

    rng = random.Random(14)
    pieces = ["TP53", "MDM2", "EGFR", '"a,b"', "x y", ""]
    for case in range(300):
        rows = []
        for _ in range(rng.randint(1, 8)):
            n = rng.choice([2, 3, 3, 3, 3, 3, 3, 3, 4])
            rows.append(sep.join(rng.choice(pieces) for _ in range(n)))
        ends = rng.choice(["\n", "\n", "\r\n", "\r", "\x0c\n"])
        header = sep.join(["gene1", "gene2", "score"])
        before = rng.choice([1, 2])
        text = ("# c\n" if before == 2 else "") + header + ends + ends.join(rows) + ends
        path = tmp_path / f"c{case}.txt"
        path.write_text(text, encoding="utf-8", newline="")
        try:
            _reference_check_lines(path, before, sep, 3)
        except InputError as exc:
            with pytest.raises(InputError) as got:
                _check_lines(path, before, sep, 3)
            assert str(got.value) == str(exc), text
        else:
            _check_lines(path, before, sep, 3)
