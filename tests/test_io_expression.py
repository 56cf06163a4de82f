"""Expression readers (netmarker.io.expression) and organoid id matching (ids.samples)."""

from __future__ import annotations

import gzip
import logging
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from netmarker.errors import InputError
from netmarker.ids.genes import GeneMapper
from netmarker.ids.samples import match_ids
from netmarker.io.expression import read_expression


@pytest.fixture(scope="module")
def mapper() -> GeneMapper:
    return GeneMapper.from_records(
        [("7157", "TP53"), ("1956", "EGFR"), ("672", "BRCA1"), ("4609", "MYC"), ("2064", "ERBB2")],
        [("672", "RNF53"), ("2064", "HER2")],
    )


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_tsv_symbols_annotation_and_duplicates(tmp_path: Path, mapper: GeneMapper) -> None:
    f = write(
        tmp_path / "e.tsv",
        "geneID\tuniprotID\tP1\tP2\n"
        "TP53\tP04637\t1\t2\n"
        "EGFR\tP00533\t3\t4\n"
        "EGFR\tP00533\t5\t8\n"
        "EGFR\t\t7\t9\n"
        "RNF53\tP38398\t0.5\t0.25\n"
        "NOTAGENE\tX\t1\t1\n",
    )
    data = read_expression(f, mapper=mapper)
    m = data.matrix
    assert list(m.columns) == ["P1", "P2"]
    assert list(m.index) == ["BRCA1", "EGFR", "TP53"]
    assert m.loc["EGFR"].tolist() == [5.0, 8.0]  # median of 3 rows
    assert m.loc["BRCA1", "P2"] == 0.25
    r = data.report
    assert r.annotation_columns == ["uniprotID"]
    assert (r.genes_read, r.ids_mapped, r.ids_rescued, r.ids_dropped) == (6, 3, 1, 1)
    assert r.dropped_examples == ["NOTAGENE"]
    assert (r.duplicate_genes, r.rows_aggregated) == (1, 3)
    assert (r.genes, r.samples) == (3, 2)
    assert r.looks_log_scaled and not r.tcga_barcodes


def test_aggregate_mean_and_max_mean(tmp_path: Path, mapper: GeneMapper) -> None:
    f = write(tmp_path / "e.csv", "gene,a,b\nMYC,1,1\nMYC,3,5\nTP53,2,2\n")
    assert read_expression(f, mapper=mapper, aggregate="mean").matrix.loc["MYC"].tolist() == [
        2.0,
        3.0,
    ]
    assert read_expression(f, mapper=mapper, aggregate="max_mean").matrix.loc["MYC"].tolist() == [
        3.0,
        5.0,
    ]


def test_gzip_and_r_rownames_header(tmp_path: Path, mapper: GeneMapper) -> None:
    f = tmp_path / "e.tsv.gz"
    with gzip.open(f, "wt") as fh:
        fh.write("S1\tS2\nTP53\t1\t2\nMYC\t3\t4\n")  # header one field short: R row names
    m = read_expression(f, mapper=mapper).matrix
    assert m.shape == (2, 2) and m.loc["MYC", "S2"] == 4.0


def test_explicit_columns(tmp_path: Path, mapper: GeneMapper) -> None:
    f = write(tmp_path / "e.tsv", "id\tsym\tS1\tS2\tS3\n1\tTP53\t1\t2\t3\n2\tMYC\t4\t5\t6\n")
    m = read_expression(f, mapper=mapper, gene_column="sym", sample_columns=["S3", "S1"]).matrix
    assert list(m.columns) == ["S3", "S1"] and m.loc["MYC"].tolist() == [6.0, 4.0]
    with pytest.raises(InputError, match="S9"):
        read_expression(f, mapper=mapper, gene_column="sym", sample_columns=["S9"])
    with pytest.raises(InputError, match="gene column 'nope'"):
        read_expression(f, mapper=mapper, gene_column="nope")


def test_entrez_ids(tmp_path: Path, mapper: GeneMapper) -> None:
    f = write(tmp_path / "e.tsv", "entrez\tS1\n7157\t1\n4609\t2\n99999\t3\n")
    data = read_expression(f, mapper=mapper)
    assert data.report.id_type == "entrez"
    assert list(data.matrix.index) == ["MYC", "TP53"] and data.report.ids_dropped == 1


def test_parquet(tmp_path: Path, mapper: GeneMapper) -> None:
    df = pd.DataFrame({"S1": [1.0, 2.0], "S2": [3.0, np.nan]}, index=pd.Index(["TP53", "MYC"]))
    f = tmp_path / "e.parquet"
    df.to_parquet(f)
    data = read_expression(f, mapper=mapper)
    assert data.report.format == "parquet"
    assert list(data.matrix.index) == ["TP53"] and data.report.genes_dropped_nan == 1


def test_tcga_ensembl_with_versions(tmp_path: Path, mapper: GeneMapper) -> None:
    f = write(
        tmp_path / "gdc.tsv",
        "gene_id\tTCGA-AA-3492-01A-01R-1410-07\tTCGA-AA-3493-01A-01R-1410-07\n"
        "ENSG00000141510.16\t10\t20\n"
        "ENSG00000146648.15\t30\t40\n"
        "ENSG00000146648.15_PAR_Y\t0\t0\n"
        "ENSG00000000001.1\t1\t1\n",
    )
    biomart = write(
        tmp_path / "biomart.txt",
        "Gene stable ID\tGene name\nENSG00000141510\tTP53\nENSG00000146648\tEGFR\n"
        "ENSG00000136997\tMYC\n",
    )
    data = read_expression(f, mapper=mapper, id_map=biomart)
    assert data.report.id_type == "ensembl" and data.report.tcga_barcodes
    assert data.matrix.loc["EGFR"].tolist() == [30.0, 40.0]
    assert data.report.ids_dropped == 2
    assert "ENSG00000000001" in data.report.dropped_examples
    assert any("_PAR_Y" in n for n in data.report.notes)
    assert not data.report.looks_log_scaled or data.report.value_range[1] <= 30
    # the org.Hs.eg.db Ensembl table maps to Entrez ids, which the mapper turns into symbols
    entrez_map = write(
        tmp_path / "ens.tsv",
        "entrez_id\tensembl_id\n7157\tENSG00000141510\n1956\tENSG00000146648\n",
    )
    data = read_expression(f, mapper=mapper, id_map=entrez_map)
    assert list(data.matrix.index) == ["EGFR", "TP53"]
    # without a map, the packaged org.Hs.eg.db Ensembl -> Entrez table is used
    data = read_expression(f, mapper=mapper)
    assert {"EGFR", "TP53"} <= set(data.matrix.index)


def test_counts_are_not_log_scaled(tmp_path: Path, mapper: GeneMapper) -> None:
    f = write(tmp_path / "e.tsv", "gene\tS1\nTP53\t1500\nMYC\t3\n")
    data = read_expression(f, mapper=mapper)
    assert not data.report.looks_log_scaled and data.report.value_range == (3.0, 1500.0)


SERIES = """!Series_title\t"organoids"
!Series_geo_accession\t"GSE1"
!Sample_title\t"P5"\t"P6"
!Sample_geo_accession\t"GSM1"\t"GSM2"
!series_matrix_table_begin
"ID_REF"\t"GSM1"\t"GSM2"
"1_at"\t5.0\t6.0
"2_at"\t7.0\t8.0
"3_at"\t1.0\t2.0
"4_at"\t9.0\t9.0
"5_at"\t3\t4
!series_matrix_table_end
"""

PLATFORM = """#ID = probe id
#Gene Symbol = symbol
ID\tGene Symbol\tENTREZ_GENE_ID
1_at\tTP53\t7157
2_at\tTP53\t7157
3_at\tMYC\t4609
4_at\tMYC /// EGFR\t4609 /// 1956
"""


def test_geo_series_matrix_with_probe_map(tmp_path: Path, mapper: GeneMapper) -> None:
    f = write(tmp_path / "GSE1_series_matrix.txt", SERIES)
    probes = write(tmp_path / "GPL1.txt", PLATFORM)
    data = read_expression(f, mapper=mapper, id_map=probes)
    assert data.report.format == "geo_series_matrix" and data.report.id_type == "probe"
    assert list(data.matrix.columns) == ["GSM1", "GSM2"]
    assert data.matrix.loc["TP53"].tolist() == [6.0, 7.0]  # median of probes 1 and 2
    assert data.matrix.loc["MYC"].tolist() == [1.0, 2.0]
    assert data.report.ids_dropped == 2  # 4_at (two genes) and 5_at (not on the platform)
    assert any("several genes" in n for n in data.report.notes)
    titled = read_expression(f, mapper=mapper, id_map=probes, geo_sample_names="title")
    assert list(titled.matrix.columns) == ["P5", "P6"]
    with pytest.raises(InputError, match="id map"):
        read_expression(f, mapper=mapper)


def test_geo_series_matrix_errors(tmp_path: Path, mapper: GeneMapper) -> None:
    probes = write(tmp_path / "GPL1.txt", PLATFORM)
    bad = write(tmp_path / "a.txt", SERIES.replace("!series_matrix_table_end\n", ""))
    with pytest.raises(InputError, match="not closed"):
        read_expression(bad, mapper=mapper, id_map=probes)
    bad = write(tmp_path / "b.txt", SERIES.replace('"2_at"\t7.0', '"2_at"\tnull?'))
    with pytest.raises(InputError, match=r"b\.txt:8: non-numeric value 'null\?' in column 'GSM1'"):
        read_expression(bad, mapper=mapper, id_map=probes)
    bad = write(
        tmp_path / "c.txt", SERIES.replace('"GSM1"\t"GSM2"\n"1_at', '"GSM1"\t"GSM1"\n"1_at')
    )
    with pytest.raises(InputError, match="duplicate sample"):
        read_expression(bad, mapper=mapper, id_map=probes)
    bad = write(tmp_path / "d.txt", SERIES.replace('"3_at"\t1.0\t2.0', '"3_at"\t1.0'))
    with pytest.raises(InputError, match=r"d\.txt:9: expected 3 fields"):
        read_expression(bad, mapper=mapper, id_map=probes)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "file is empty"),
        ("\n\n", "only blank lines"),
        ("gene\tS1\tS2\n", "no data rows"),
        ("gene\tnote\nTP53\tx\nMYC\ty\n", "no numeric"),
        ("gene\tS1\tS1\nTP53\t1\t2\n", ":1: duplicate sample name"),
        ("gene\tS1\tS2\nTP53\t1\t2\n\nMYC\t3\tabc\nEGFR\t1\t1\nERBB2\t1\t1\n", ":4: non-numeric"),
        ("gene\tS1\nTP53\t1\n\t2\n", ":3: empty gene id"),
        ("gene\tS1\tS2\nTP53\t1\t2\nMYC\t1\t2\t3\n", ":3: ragged"),
        # rows two fields longer than the header (found by fuzzing; one longer = R row names)
        (
            "S1\tS2\nTP53\tx\t1\t2\nMYC\ty\t1\t2\n",
            ":1: the header has 2 fields but the rows have 4",
        ),
        ("gene\tS1\nFOO\t1\nBAR\t2\n", "no symbol id could be mapped"),
    ],
)
def test_bad_input(tmp_path: Path, mapper: GeneMapper, text: str, message: str) -> None:
    f = write(tmp_path / "bad.tsv", text)
    with pytest.raises(InputError, match=message) as err:
        read_expression(f, mapper=mapper)
    assert "bad.tsv" in str(err.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        read_expression(tmp_path / "nope.tsv")


def test_nan_policies(tmp_path: Path, mapper: GeneMapper) -> None:
    f = write(tmp_path / "e.tsv", "gene\tS1\tS2\nTP53\t1\tNA\nMYC\t2\t3\nEGFR\t\t\n")
    dropped = read_expression(f, mapper=mapper)
    assert list(dropped.matrix.index) == ["MYC"]
    assert (dropped.report.nan_values, dropped.report.genes_dropped_nan) == (3, 2)
    kept = read_expression(f, mapper=mapper, on_nan="keep")
    assert kept.matrix.shape == (3, 2) and np.isnan(kept.matrix.loc["TP53", "S2"])
    with pytest.raises(InputError, match=r"e\.tsv:2: missing value in column 'S2' \(3 in all\)"):
        read_expression(f, mapper=mapper, on_nan="error")


def test_organoid_ids_match_case_insensitively() -> None:
    expr = ["P10", "P19A", "P19B", "P24A", "P24B", "P5"]
    resp = ["P10", "P19a", "P19b", "P24a", "P9"]
    m = match_ids(resp, expr, kind="sample")
    assert m.mapping == {"P10": "P10", "P19a": "P19A", "P19b": "P19B", "P24a": "P24A"}
    assert m.counts() == {"exact": 1, "case": 3}
    assert m.unmatched_wanted == ["P9"] and m.unmatched_available == ["P24B", "P5"]
    assert "P24B" in m.summary()
    ic50 = pd.Series([1.0, 2.0, 3.0], index=["P19a", "P9", "P10"])
    assert m.to_available(ic50).to_dict() == {"P19A": 1.0, "P10": 3.0}


def test_match_punctuation_and_ambiguity() -> None:
    m = match_ids(["p19-a", "X_1"], ["P19A", "x1", "X.1"], kind="sample")
    assert m.mapping == {"p19-a": "P19A"} and m.rule["p19-a"] == "punctuation"
    assert m.ambiguous == {"X_1": ["X.1", "x1"]}
    assert m.unmatched_wanted == ["X_1"] and m.unmatched_available == ["x1", "X.1"]


@pytest.mark.realdata
def test_real_organoid_expression_and_response_ids(shared_data: Path) -> None:
    from netmarker.io.response import read_response

    org = shared_data / "kong2020" / "organoid_COAD"
    data = read_expression(org / "expression" / "GSE64392_geneID_expression_median.txt")
    r = data.report
    assert (r.genes_read, r.samples) == (12037, 22)
    assert r.annotation_columns == ["uniprotID"]
    # current symbols: most ids already current, a few hundred rescued, a handful unknown
    assert r.ids_mapped + r.ids_dropped == 12037 and r.ids_dropped < 50
    assert data.matrix.index.is_unique and 11_950 < data.matrix.shape[0] <= 12037
    assert r.looks_log_scaled and r.value_range[1] < 20
    resp = read_response(org / "drug_response" / "median_response.txt")
    fu = resp.for_drug("5-FU")
    assert len(fu) == 19
    m = match_ids(fu.index, data.matrix.columns, kind="sample")
    assert m.n_matched == 19 and m.unmatched_wanted == []
    assert m.counts() == {"exact": 16, "case": 3}  # P19a, P19b, P24a
    assert sorted(m.unmatched_available) == ["P24B", "P27", "P5"]


def test_geo_series_matrix_with_symbols(tmp_path: Path, mapper: GeneMapper) -> None:
    text = SERIES.replace('"1_at"', '"TP53"').replace('"2_at"', '"MYC"').replace('"3_at"', '"EGFR"')
    text = text.replace('"4_at"', '"HER2"').replace('"5_at"', '"ERBB2"')
    data = read_expression(write(tmp_path / "s.txt", text), mapper=mapper)
    assert data.report.id_type == "symbol"
    assert data.matrix.loc["ERBB2"].tolist() == [6.0, 6.5]  # HER2 (alias) and ERBB2 rows


def test_gct_description_column_is_annotation(tmp_path: Path, mapper: GeneMapper) -> None:
    f = write(
        tmp_path / "expression.txt",
        "NAME\tDESCRIPTION\tP10\tP11\tP12\nTP53\tna\t1\t2\t3\nMYC\tna\t4\t5\t6\nEGFR\tna\t7\t8\t9\n",
    )
    data = read_expression(f, mapper=mapper)
    assert list(data.matrix.columns) == ["P10", "P11", "P12"] and data.matrix.shape == (3, 3)
    assert data.report.annotation_columns == ["DESCRIPTION"]
    assert any("DESCRIPTION" in n and "not samples" in n for n in data.report.notes)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        # a sample column with no values at all, among the samples or first
        ("gene\tS1\tS2\tS3\nTP53\t1\tNA\t3\nMYC\t4\tNA\t6\n", ":1: sample column 'S2' has no"),
        ("gene\tS1\tS2\nTP53\tNA\t3\nMYC\t\t6\n", ":1: sample column 'S1' has no"),
    ],
)
def test_entirely_missing_sample_column_is_named(
    tmp_path: Path, mapper: GeneMapper, text: str, message: str
) -> None:
    with pytest.raises(InputError, match=message):
        read_expression(write(tmp_path / "m.tsv", text), mapper=mapper)


def test_samples_x_genes_files_are_read_transposed_and_say_so(
    tmp_path: Path, mapper: GeneMapper, caplog: pytest.LogCaptureFixture
) -> None:
    genes_x_samples = read_expression(
        write(tmp_path / "g.tsv", "gene\tP10\tP11\nTP53\t1\t5\nMYC\t2\t6\nEGFR\t3\t7\n"),
        mapper=mapper,
    )
    assert genes_x_samples.report.orientation == "genes x samples"
    genes_as_columns = "sample\tTP53\tMYC\tEGFR\nP10\t1\t2\t3\nP11\t5\t6\t7\n"
    with caplog.at_level(logging.WARNING, logger="netmarker.io.expression"):
        got = read_expression(write(tmp_path / "t.tsv", genes_as_columns), mapper=mapper)
    assert "read as samples x genes (3 of 3 column names are gene ids" in caplog.text
    assert got.report.orientation == "samples x genes"
    assert "samples x genes" in got.report.summary()
    pd.testing.assert_frame_equal(got.matrix, genes_x_samples.matrix)
    said = read_expression(
        write(tmp_path / "s.tsv", "id\tTP53\tMYC\nP10\t1\t2\nP11\t3\t4\n"),
        mapper=mapper,
        orientation="samples_x_genes",  # two columns: too few to tell, so say it
    )
    assert said.report.orientation == "samples x genes" and list(said.matrix.columns) == [
        "P10",
        "P11",
    ]
    barcodes_as_rows = (
        "id\tTP53\tMYC\nTCGA-AA-0001-01A\t1\t2\nTCGA-AA-0002-01A\t3\t4\nTCGA-AA-0003-01A\t5\t6\n"
    )
    got = read_expression(write(tmp_path / "b.tsv", barcodes_as_rows), mapper=mapper)
    assert got.report.orientation == "samples x genes" and got.report.tcga_barcodes
    assert got.matrix.shape == (2, 3)
    dup = "sample\tTP53\tMYC\tEGFR\nP10\t1\t2\t3\nP10\t5\t6\t7\n"
    with pytest.raises(InputError, match=r"duplicate sample id 'P10' \(first on line 2\)"):
        read_expression(write(tmp_path / "d.tsv", dup), mapper=mapper)


@pytest.mark.realdata
def test_kong_gct_style_organoid_expression(shared_data: Path, tmp_path: Path) -> None:
    """The organoid matrix written the way Kong et al. fed it to gseapy (NAME, DESCRIPTION of
    "na", then samples) reads exactly as the original; today's main dropped every gene."""
    src = (
        shared_data
        / "kong2020"
        / "organoid_COAD"
        / "expression"
        / ("GSE64392_geneID_expression_median.txt")
    )
    original = read_expression(src)
    table = pd.read_csv(src, sep="\t", dtype=str).drop(columns="uniprotID")
    table.insert(1, "DESCRIPTION", "na")
    gct = tmp_path / "expression.txt"
    table.rename(columns={"geneID": "NAME"}).to_csv(gct, sep="\t", index=False)
    data = read_expression(gct)
    assert data.report.annotation_columns == ["DESCRIPTION"] and data.report.samples == 22
    pd.testing.assert_frame_equal(data.matrix, original.matrix)
    assert original.report.annotation_columns == ["uniprotID"]
