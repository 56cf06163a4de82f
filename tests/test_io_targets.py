"""Drug-target readers: each format, name/gene resolution, bad input and the real tables."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from netmarker.errors import InputError
from netmarker.graph.store import DRUG_COLUMNS, TARGET_COLUMNS
from netmarker.ids.drugs import DrugSynonyms
from netmarker.ids.genes import GeneMapper
from netmarker.io.drugbank import read_drugbank_synonyms
from netmarker.io.targets import ParsedTargets, read_targets

GENES = [
    ("7298", "TYMS"), ("7157", "TP53"), ("1956", "EGFR"), ("7018", "TF"), ("4350", "MPG"),
    ("2", "A2M"), ("475", "ATOX1"), ("2064", "ERBB2"), ("1719", "DHFR"),
]  # fmt: skip
ALIASES = [("2064", "HER2")]
VOCAB = (
    "DrugBank ID,Accession Numbers,Common name,CAS,UNII,Synonyms,Standard InChI Key\n"
    "DB00544,A,Fluorouracil,51-21-8,U,5-FU | 5-Fluorouracil,K\n"
    "DB00515,A,Cisplatin,15663-27-1,Q,CDDP,L\n"
    "DB00002,B,Cetuximab,205923-56-4,P,,\n"
)


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


def links(parsed: ParsedTargets) -> set[tuple[str, str, str]]:
    return set(parsed.targets.itertuples(index=False, name=None))


def test_plain_tsv_with_source_synonyms_and_duplicates(tmp_path: Path, mapper: GeneMapper) -> None:
    text = (
        "drug\tgene\tsource\n"
        "5-FU\tTYMS\tpaper\n"
        "fluorouracil\tTYMS\tpaper\n"  # same drug, same gene, same source: collapsed
        "Cisplatin\tTF\tpaper\n"
        "cisplatin\tHER2\t\n"  # alias rescued; empty source -> file stem
        "Cisplatin\tNOPE\tpaper\n"  # unmapped gene dropped
        "\n"
        "Methotrexate\t1719\tpaper\n"  # Entrez id
    )
    parsed = read_targets(write(tmp_path, "my_targets.tsv", text), mapper=mapper)
    assert list(parsed.targets.columns) == TARGET_COLUMNS
    assert list(parsed.drugs.columns) == DRUG_COLUMNS
    assert links(parsed) == {
        ("FLUOROURACIL", "TYMS", "paper"), ("CISPLATIN", "TF", "paper"),
        ("CISPLATIN", "ERBB2", "my_targets"), ("METHOTREXATE", "DHFR", "paper"),
    }  # fmt: skip
    r = parsed.report
    assert (r.fmt, r.rows_read, r.links_read, r.links) == ("tsv", 6, 6, 4)
    assert (r.duplicates_collapsed, r.links_dropped_unmapped) == (1, 1)
    assert (r.gene_ids.n_rescued, r.gene_ids.n_dropped) == (1, 1)
    assert parsed.drugs["drug"].tolist() == ["CISPLATIN", "FLUOROURACIL", "METHOTREXATE"]
    syn = dict(zip(parsed.drugs["drug"], parsed.drugs["synonyms"], strict=True))
    assert "5-FU" in syn["FLUOROURACIL"].split("|") and "CDDP" in syn["CISPLATIN"].split("|")
    forced = read_targets(tmp_path / "my_targets.tsv", mapper=mapper, source="curated")
    assert set(forced.targets["source"]) == {"curated"}


def test_csv_and_headerless_tsv(tmp_path: Path, mapper: GeneMapper) -> None:
    csv_p = write(tmp_path, "t.csv", "Drug Name,Target Gene\nErlotinib,EGFR\n")
    assert links(read_targets(csv_p, mapper=mapper)) == {("ERLOTINIB", "EGFR", "t")}
    bare = write(tmp_path, "bare.tsv", "Erlotinib\tEGFR\tmine\n")
    assert links(read_targets(bare, mapper=mapper)) == {("ERLOTINIB", "EGFR", "mine")}


def test_kong_drug_cells_name_several_drugs(tmp_path: Path, mapper: GeneMapper) -> None:
    text = (
        "drugs\ttargets\n"
        "CISPLATIN\tTF,MPG,A2M,ATOX1\n"
        "CETUXIMAB,GEFITINIB\tEGFR\n"
        "BMS-536924, LINSITINIB\tEGFR\n"
        "FLUOROURACIL\tTYMS\n"
    )
    parsed = read_targets(write(tmp_path, "drug_drugTarget.txt", text), mapper=mapper)
    r = parsed.report
    assert (r.fmt, r.source, r.rows_read, r.drugs, r.links) == ("kong", "kong", 4, 6, 9)
    assert set(parsed.targets[parsed.targets["gene"] == "EGFR"]["drug"]) == {
        "CETUXIMAB", "GEFITINIB", "BMS-536924", "LINSITINIB",
    }  # fmt: skip


DRUGBANK = (
    "ID,Name,Gene Name,GenBank Protein ID,GenBank Gene ID,UniProt ID,Uniprot Title,PDB ID,"
    "GeneCard ID,GenAtlas ID,HGNC ID,Species,Drug IDs\n"
    "P04818,Thymidylate synthase,TYMS,1,2,P04818,TYSY_HUMAN,,,TYMS,HGNC:12441,Human,"
    "DB00544; DB09999\n"
    'P45059,Peptidoglycan synthase FtsI,ftsI,1,L4,P45059,FTSI_HAEIN,"",,,,'
    "Haemophilus influenzae,DB00303\n"
    'P02787,Serotransferrin,TF,3,4,P02787,TRFE_HUMAN,"1A8E, 1A8F",,TF,HGNC:11740,Human,'
    "DB00515\n"
    "Q9,No gene,,5,6,Q9,X_HUMAN,,,,,Human,DB00515\n"
)


def test_drugbank_all_csv(tmp_path: Path, mapper: GeneMapper) -> None:
    p = write(tmp_path, "all.csv", DRUGBANK)
    voc = write(tmp_path, "drugbank_vocabulary.csv", VOCAB)
    parsed = read_targets(p, vocabulary=voc, mapper=mapper)
    assert links(parsed) == {
        ("FLUOROURACIL", "TYMS", "drugbank"), ("DB09999", "TYMS", "drugbank"),
        ("CISPLATIN", "TF", "drugbank"),
    }  # fmt: skip
    r = parsed.report
    assert (r.fmt, r.rows_read, r.rows_skipped, r.drug_ids_unresolved) == ("drugbank", 4, 2, 1)
    syn = dict(zip(parsed.drugs["drug"], parsed.drugs["synonyms"], strict=True))
    assert "DB00544" in syn["FLUOROURACIL"].split("|")
    ids_only = read_targets(p, mapper=mapper)
    assert set(ids_only.targets["drug"]) == {"DB00544", "DB09999", "DB00515"}
    with pytest.raises(InputError, match=r"all\.csv:2: DrugBank id DB09999 is not in the voc"):
        read_targets(p, vocabulary=voc, mapper=mapper, strict=True)


def test_guney_entrez_table(tmp_path: Path, mapper: GeneMapper) -> None:
    text = "drugbank_id\tentrez_id\tsymbol\nDB00544\t7298\tTYMS\nDB00002\t1956\tEGFR\n"
    text += "DB00002\t14916774\t\n"  # a protein GI of a non-human target: unmapped
    parsed = read_targets(
        write(tmp_path, "drug_to_geneids_all.tsv", text),
        vocabulary=read_drugbank_synonyms(write(tmp_path, "v.csv", VOCAB)),
        mapper=mapper,
    )
    assert links(parsed) == {("FLUOROURACIL", "TYMS", "guney"), ("CETUXIMAB", "EGFR", "guney")}
    assert parsed.report.links_dropped_unmapped == 1


def test_dgidb_gene_lists(tmp_path: Path, mapper: GeneMapper) -> None:
    header = (
        "Standard Drug Name\tID\tGene(s)\tSource(s)\tSource Drug Name\tShow Drug Name\t"
        "Family(ies)\tStatus\tPathology\tCancer(s)\ttarget\tmarker\n"
    )
    rows = (
        "5-FLUOROURACIL\t3385.0\tTYMS|TP53|DHFR\tDrugBank\t5-FU\t5-FU\tx\tAPPROVED\t-\t-\t"
        "TYMS\tTP53|DHFR\n"
        "CISPLATIN\t5702198.0\tTP53\tPharmGKB\tc\tc\tx\tAPPROVED\t-\t-\t\tTP53\n"
    )
    p = write(tmp_path, "drug_info.txt.gz", header + rows)
    parsed = read_targets(p, mapper=mapper)
    assert parsed.report.fmt == "dgidb"
    assert links(parsed) == {
        ("FLUOROURACIL", "TYMS", "dgidb"), ("FLUOROURACIL", "TP53", "dgidb"),
        ("FLUOROURACIL", "DHFR", "dgidb"), ("CISPLATIN", "TP53", "dgidb"),
    }  # fmt: skip
    only_targets = read_targets(p, mapper=mapper, gene_column="target")
    assert links(only_targets) == {("FLUOROURACIL", "TYMS", "dgidb")}
    assert only_targets.report.rows_skipped == 1
    assert only_targets.drugs["drug"].tolist() == ["FLUOROURACIL"]  # drugs with a link only


@pytest.mark.parametrize(
    ("name", "text", "kwargs", "message"),
    [
        ("e.tsv", "", {}, r"e\.tsv: file is empty"),
        ("h.tsv", "drug\tgene\n", {}, r"h\.tsv: no data rows"),
        ("c.csv", "drug,gene\nX,TYMS\n", {"fmt": "tsv"}, r"c\.csv:1: missing drug column"),
        ("m.tsv", "compound_id\tthing\textra\nX\tTYMS\ty\n", {}, r"m\.tsv:1: missing drug"),
        ("s.tsv", "drug\tgene\tsource\nX\tTYMS\ts\nY\n", {}, r"s\.tsv:3: row has 1 field"),
        ("g.tsv", "drug\tgene\nX\t\n", {}, r"g\.tsv:2: empty drug or gene"),
        ("u.tsv", "drug\tgene\nX\tNOPE\n", {"strict": True}, r"u\.tsv:2: gene 'NOPE' matches"),
        ("k.txt", "drugs\ttargets\nX\n", {}, r"k\.txt:2: row has 1 field"),
        # headerless with a source column: every row needs it (found by fuzzing)
        ("n.csv", "X,TYMS,s\nY,EGFR\n", {}, r"n\.csv:2: row has 2 field\(s\), expected 3"),
        ("k2.txt", "drugs\ttargets\nX\t,\n", {}, r"k2\.txt:2: empty drugs or targets cell"),
        (
            "gu.tsv",
            "drugbank_id\tentrez_id\tsymbol\nDB00544\tTYMS\tTYMS\n",
            {},
            r"gu\.tsv:2: not an Entrez id: 'TYMS'",
        ),
        (
            "db.csv",
            "Gene Name,Species,Drug IDs\nTYMS,Human,fluorouracil\n",
            {},
            r"db\.csv:2: not a DrugBank id: 'fluorouracil'",
        ),
    ],
)
def test_bad_input(
    tmp_path: Path, mapper: GeneMapper, name: str, text: str, kwargs: dict, message: str
) -> None:
    with pytest.raises(InputError, match=message):
        read_targets(write(tmp_path, name, text), mapper=mapper, **kwargs)


# -- real tables --------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def vocabulary(shared_data: Path) -> DrugSynonyms:
    return read_drugbank_synonyms(shared_data / "kong2020" / "drugbank_vocabulary.csv")


def targets_of(parsed: ParsedTargets, drug: str) -> list[str]:
    return sorted(parsed.targets[parsed.targets["drug"] == drug]["gene"])


@pytest.mark.realdata
def test_real_kong_drug_targets(shared_data: Path) -> None:
    parsed = read_targets(shared_data / "kong2020" / "drug_drugTarget.txt")
    r = parsed.report
    # 43 rows; 5 cells name two drugs (e.g. CETUXIMAB,GEFITINIB) -> 48 drugs
    assert (r.rows_read, r.drugs, r.links, r.genes, r.gene_ids.n_dropped) == (43, 48, 113, 87, 0)
    assert targets_of(parsed, "FLUOROURACIL") == ["TYMS"]
    assert targets_of(parsed, "CISPLATIN") == ["A2M", "ATOX1", "MPG", "TF"]
    assert targets_of(parsed, "GEFITINIB") == ["EGFR"]


@pytest.mark.realdata
def test_real_drugbank_all_csv(shared_data: Path, vocabulary: DrugSynonyms) -> None:
    parsed = read_targets(shared_data / "kong2020" / "all.csv", vocabulary=vocabulary)
    r = parsed.report
    assert (r.rows_read, r.rows_skipped) == (4_985, 1_984)  # 3,018 human rows, 17 without gene
    assert (r.links_read, r.duplicates_collapsed, r.links_dropped_unmapped) == (15_149, 226, 19)
    assert (r.links, r.drugs, r.genes, r.drug_ids_unresolved) == (14_904, 5_487, 2_758, 0)
    assert (r.gene_ids.n_input, r.gene_ids.n_rescued, r.gene_ids.n_dropped) == (2_774, 63, 10)
    assert targets_of(parsed, "FLUOROURACIL") == ["TYMS"]
    assert targets_of(parsed, "CISPLATIN") == ["A2M", "ATOX1", "MPG", "TF"]  # as Kong's table


@pytest.mark.realdata
def test_real_guney_targets(shared_data: Path, vocabulary: DrugSynonyms) -> None:
    p = shared_data / "guney2016_drug_targets" / "drug_to_geneids_all.tsv"
    parsed = read_targets(p, vocabulary=vocabulary)
    r = parsed.report
    assert (r.rows_read, r.drugs) == (12_421, 5_347)  # SOURCE.md counts
    assert (r.links_dropped_unmapped, r.links, r.drug_ids_unresolved) == (2_649, 9_772, 91)
    assert targets_of(parsed, "FLUOROURACIL") == ["TYMS"]
    assert targets_of(parsed, "CISPLATIN") == []  # SOURCE.md: no entry in this table


@pytest.mark.realdata
def test_real_dgidb_drug_info(shared_data: Path) -> None:
    p = shared_data / "drug_gene_dgidb_cesnet" / "drug_info.txt.gz"
    parsed = read_targets(p)
    r = parsed.report
    assert (r.rows_read, r.links_read, r.links, r.drugs) == (9_090, 43_909, 43_780, 9_084)
    assert "TYMS" in targets_of(parsed, "FLUOROURACIL")  # '5-FLUOROURACIL' resolved
    only = read_targets(p, gene_column="target")
    assert targets_of(only, "FLUOROURACIL") == ["TYMS"]
    assert (only.report.rows_skipped, only.report.links) == (4_497, 10_876)
