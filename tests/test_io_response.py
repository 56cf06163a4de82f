"""Drug-response readers (netmarker.io.response)."""

from __future__ import annotations

import gzip
from pathlib import Path

import pandas as pd
import pytest

from netmarker.errors import InputError
from netmarker.ids.drugs import DrugSynonyms
from netmarker.io.drugbank import read_drugbank_synonyms
from netmarker.io.response import read_response


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_long_table_normalises_drug_names(tmp_path: Path) -> None:
    f = write(
        tmp_path / "r.tsv",
        "sample\tdrug\tIC50\nS1\t5-Fluorouracil\t1.5\nS2\t5-FU\t2.5\nS1\tCisplatin\tNA\n"
        "S2\tcisplatin\t-0.5\nS3\tMysteryDrug\t1\n",
    )
    data = read_response(f)
    t = data.table
    assert list(t.columns) == ["sample", "drug", "value", "measure", "drug_raw"]
    assert sorted(t["drug"].unique()) == ["CISPLATIN", "FLUOROURACIL", "MYSTERYDRUG"]
    assert set(t["measure"]) == {"IC50"}
    assert data.for_drug("fluorouracil").to_dict() == {"S1": 1.5, "S2": 2.5}
    r = data.report
    assert (r.format, r.rows_read, r.values_missing, r.samples, r.drugs) == ("long", 5, 1, 3, 3)
    assert r.unknown_drugs == ["MysteryDrug"]
    assert data.matrix().loc["S2", "CISPLATIN"] == -0.5


def test_long_table_explicit_columns_and_measure(tmp_path: Path) -> None:
    f = write(tmp_path / "r.csv", "model,cmpd,score\nA,5FU,0.9\nB,5FU,0.7\n")
    data = read_response(
        f, fmt="long", sample_col="model", drug_col="cmpd", value_col="score", measure="AUC"
    )
    assert data.table["drug"].tolist() == ["FLUOROURACIL"] * 2
    assert data.measures == ["AUC"]


def test_wide_table(tmp_path: Path) -> None:
    f = write(tmp_path / "w.csv", "cell_line,5-FU,Cisplatin\nC1,1.0,\nC2,2.0,3.5\n")
    data = read_response(f, measure="lnIC50")
    assert data.report.format == "wide"
    m = data.matrix()
    assert m.loc["C2", "CISPLATIN"] == 3.5 and pd.isna(m.loc["C1", "CISPLATIN"])
    assert data.report.values_missing == 1


def test_organoid_median_format(tmp_path: Path) -> None:
    f = write(
        tmp_path / "median_response.txt",
        "Organoid\tDrug Name\tmedian_IC50\nP10\t5-Fluorouracil\t2.8\nP19a\t5-Fluorouracil\t1.1\n"
        "P10\tINCB-18424/Ruxolitinib\t3.0\n",
    )
    data = read_response(f)
    assert data.report.format == "organoid_median" and data.measures == ["lnIC50"]
    assert data.for_drug("5-FU").to_dict() == {"P10": 2.8, "P19a": 1.1}
    assert "RUXOLITINIB" in set(data.table["drug"])  # code/name pair resolved by its name part


def test_replicates_aggregated_by_median(tmp_path: Path) -> None:
    f = write(
        tmp_path / "s2b.txt",
        "Organoid\tDrug_ID\tDrug Name\tMax_conc\tIC50\tBETA\tAUC\r\n"
        "P10\t1073\t5-Fluorouracil\t100\t1\t1\t0.5\r\n"
        "P10\t1073\t5-Fluorouracil\t100\t2\t1\t0.7\r\n"
        "P10\t1073\t5-Fluorouracil\t100\t6\t1\t0.6\r\n"
        "P11\t1073\t5-Fluorouracil\t100\t3\t1\t0.9\r\n",
    )
    data = read_response(f)
    assert data.report.format == "replicates" and data.report.aggregate == "median"
    assert data.measures == ["AUC", "lnIC50"]
    assert data.for_drug("5-FU", "lnIC50").to_dict() == {"P10": 2.0, "P11": 3.0}
    assert data.for_drug("5-FU", "AUC").to_dict() == {"P10": 0.6, "P11": 0.9}
    assert set(data.table["drug_id"]) == {"1073"}
    assert read_response(f, aggregate="mean").for_drug("5-FU", "lnIC50")["P10"] == 3.0
    with pytest.raises(ValueError, match="several measures"):
        data.matrix()


def test_gdsc_matrix_with_annotation(tmp_path: Path) -> None:
    f = tmp_path / "IC50_v17.csv.gz"
    with gzip.open(f, "wt") as fh:
        fh.write(
            "COSMIC_ID,Drug_179_IC50,Drug_1005_IC50,Drug_1032_IC50,Drug_1377_IC50,Drug_7_IC50\n"
            "100,1.5,,0.1,0.2,9\n200,2.5,3.5,,0.3,\n"
        )
    ann = write(
        tmp_path / "compounds.txt",
        "DRUG_ID\tDRUG_NAME\tSYNONYMS\n179\t5-Fluorouracil\t5-FU\n1005\tCisplatin\t\n"
        "1032\tAfatinib\t\n1377\tAfatinib\t\n",
    )
    data = read_response(f, drug_annotation=ann)
    assert data.report.format == "gdsc" and data.measures == ["lnIC50"]
    assert data.for_drug("5-FU").to_dict() == {"100": 1.5, "200": 2.5}
    assert data.for_drug("cisplatin").to_dict() == {"200": 3.5}
    assert "GDSC:7" in set(data.table["drug"])
    assert any("not in" in n for n in data.report.notes)
    # one name, two GDSC ids: kept apart by drug_id
    afa = data.table[data.table["drug"] == "AFATINIB"]
    assert sorted(afa["drug_id"]) == ["1032", "1377", "1377"]
    with pytest.raises(ValueError, match="drug_id"):
        data.for_drug("afatinib")
    assert data.matrix().shape == (2, 5)
    decode = write(
        tmp_path / "DRUG_DECODE.csv", "DRUG_ID,DRUG_NAME\nDrug_179_IC50,5-Fluorouracil\n"
    )
    assert "FLUOROURACIL" in set(read_response(f, drug_annotation=decode).table["drug"])
    bare = read_response(f)
    assert "GDSC:179" in set(bare.table["drug"])


def test_synonyms_from_vocabulary(tmp_path: Path) -> None:
    vocab = write(
        tmp_path / "vocab.csv",
        "DrugBank ID,Accession Numbers,Common name,CAS,UNII,Synonyms,Standard InChI Key\n"
        'DB00544,,Fluorouracil,,,"5-Fluracil | Fluouracil",\n',
    )
    syn = read_drugbank_synonyms(vocab)
    f = write(tmp_path / "r.tsv", "sample\tdrug\tvalue\nS1\tFluouracil\t1\n")
    assert read_response(f, synonyms=syn).table["drug"].tolist() == ["FLUOROURACIL"]


def test_identical_duplicates_collapse(tmp_path: Path) -> None:
    f = write(tmp_path / "r.tsv", "sample\tdrug\tvalue\nS1\t5-FU\t1\nS1\t5-Fluorouracil\t1\n")
    data = read_response(f)
    assert len(data.table) == 1 and data.report.duplicates_identical == 1


@pytest.mark.parametrize(
    ("text", "kwargs", "message"),
    [
        ("", {}, "file is empty"),
        ("sample\tdrug\tvalue\n", {}, "no data rows"),
        ("sample drug value\nS1 X 1\n", {}, "cannot find a delimiter"),
        ("sample\tdrug\tvalue\nS1\tX\t1\nS2\tX\tlow\n", {}, r":3: non-numeric value 'low'"),
        (
            "sample\tdrug\tvalue\nS1\t5-FU\t1\nS2\tX\t2\nS1\t5 FU\t2\n",
            {},
            r":4: conflicting values for sample 'S1'.*lines \[2, 4\]",
        ),
        ("organoid\tdrug\tvalue\nS1\tX\t1\n", {"sample_col": "sample"}, "missing column"),
        ("sample\tdrug\tIC50\nS1\tX\t1\n", {"value_col": "AUC"}, r"missing column.*AUC"),
        ("sample\tX\nS1\t1\nS1\t2\n", {}, ":3: duplicate sample 'S1'"),
        ("sample\nS1\n", {}, "cannot find a delimiter"),
        ("sample\tX\tX\nS1\t1\t2\n", {}, "duplicate column"),
    ],
)
def test_bad_input(tmp_path: Path, text: str, kwargs: dict[str, str], message: str) -> None:
    f = write(tmp_path / "bad.tsv", text)
    with pytest.raises(InputError, match=message) as err:
        read_response(f, **kwargs)
    assert "bad.tsv" in str(err.value)


def test_conflicts_resolved_when_aggregate_asked(tmp_path: Path) -> None:
    f = write(tmp_path / "r.tsv", "sample\tdrug\tvalue\nS1\t5-FU\t1\nS1\t5 FU\t2\nS1\t5FU\t6\n")
    data = read_response(f, aggregate="median")
    assert data.for_drug("5-FU")["S1"] == 2.0
    assert data.report.duplicates_aggregated == 3 and data.report.aggregate == "median"


@pytest.fixture(scope="module")
def drugbank(shared_data: Path) -> DrugSynonyms:
    return read_drugbank_synonyms(shared_data / "kong2020" / "drugbank_vocabulary.csv")


@pytest.mark.realdata
def test_real_organoid_median_response(shared_data: Path, drugbank: DrugSynonyms) -> None:
    f = shared_data / "kong2020" / "organoid_COAD" / "drug_response" / "median_response.txt"
    data = read_response(f, synonyms=drugbank)
    r = data.report
    assert (r.format, r.rows_read, r.samples, r.drugs) == ("organoid_median", 1577, 19, 83)
    assert len(data.table) == 1577 and r.values_missing == 0
    fu = data.for_drug("5-FU")
    assert len(fu) == 19
    assert {"P19a", "P19b", "P24a"} <= set(fu.index)
    assert len(data.for_drug("Cisplatin")) == 19
    raw = data.table.groupby("drug")["drug_raw"].first()
    assert raw["FLUOROURACIL"] == "5-Fluorouracil" and raw["CISPLATIN"] == "Cisplatin"


@pytest.mark.realdata
def test_real_s2b_medians_equal_the_authors_summary(
    shared_data: Path, drugbank: DrugSynonyms
) -> None:
    d = shared_data / "kong2020" / "organoid_COAD" / "drug_response"
    reps = read_response(d / "supp_table_S2b.txt", synonyms=drugbank)
    med = read_response(d / "median_response.txt", synonyms=drugbank)
    assert reps.report.rows_read == 5016 and reps.measures == ["AUC", "lnIC50"]
    ours = reps.table[reps.table["measure"] == "lnIC50"].set_index(["sample", "drug"])["value"]
    theirs = med.table.set_index(["sample", "drug"])["value"]
    assert len(ours) == len(theirs) == 1577
    diff = (ours.sort_index() - theirs.sort_index()).abs()
    assert diff.max() < 1e-9


@pytest.mark.realdata
def test_real_gdsc(shared_data: Path, drugbank: DrugSynonyms) -> None:
    d = shared_data / "gdsc1000_ic50_gdsctools"
    data = read_response(
        d / "IC50_v17.csv.gz", drug_annotation=d / "GDSC_Screened_Compounds.txt", synonyms=drugbank
    )
    r = data.report
    assert r.rows_read == 988 and r.samples == 988
    assert data.table["drug_id"].nunique() == 265
    assert len(data.table) == 213_787  # non-missing cells of the matrix
    assert len(data.for_drug("5-FU")) == 925 and len(data.for_drug("cisplatin")) == 847
    assert data.matrix().shape == (988, 265)


def test_measure_by_the_files_own_column_name(tmp_path: Path) -> None:
    f = write(
        tmp_path / "s2b.txt",
        "Organoid\tDrug_ID\tDrug Name\tMax_conc\tIC50\tBETA\tAUC\n"
        "P10\t1073\t5-Fluorouracil\t100\t1\t1\t0.5\n"
        "P11\t1073\t5-Fluorouracil\t100\t3\t1\t0.9\n",
    )
    data = read_response(f)
    assert data.report.measure_columns == {"lnIC50": "IC50", "AUC": "AUC"}
    for name in ("IC50", "ic50", "lnIC50", "LNIC50"):
        assert data.resolve_measure(name) == "lnIC50"
        assert data.for_drug("5-FU", name).to_dict() == {"P10": 1.0, "P11": 3.0}
    assert data.resolve_measure("auc") == "AUC"
    with pytest.raises(InputError, match=r"no response measure 'BETA'; use one of AUC, lnIC50 "):
        data.for_drug("5-FU", "BETA")
    with pytest.raises(
        InputError, match=r"several measures in the file: AUC, lnIC50 \(column IC50\)"
    ):
        data.for_drug("5-FU")
    median = read_response(
        write(tmp_path / "m.txt", "Organoid\tDrug Name\tmedian_IC50\nP10\t5-FU\t1.5\n")
    )
    assert median.resolve_measure("median_IC50") == "lnIC50" and median.resolve_measure(None)
