"""Clinical readers (netmarker.io.clinical) and TCGA patient id matching (ids.samples)."""

from __future__ import annotations

import gzip
from pathlib import Path

import pandas as pd
import pytest

from netmarker.errors import InputError
from netmarker.ids.drugs import DrugSynonyms
from netmarker.ids.samples import match_ids, tcga_patient
from netmarker.io.clinical import (
    DAYS_PER_MONTH,
    best_response_per_patient,
    read_ding2016_response,
    read_tcga_biotab_drug,
    read_tcga_biotab_patient,
    read_tcga_cdr,
    report_of,
    split_drug_names,
)
from netmarker.io.drugbank import read_drugbank_synonyms

PATIENT = (
    "bcr_patient_uuid\tbcr_patient_barcode\tgender\tvital_status\tlast_contact_days_to"
    "\tdeath_days_to\tnotes\n"
    "bcr_patient_uuid\tbcr_patient_barcode\tgender\tvital_status\tdays_to_last_followup"
    "\tdays_to_death\tnotes\n"
    "CDE_ID:\tCDE_ID:2003301\tCDE_ID:1\tCDE_ID:5\tCDE_ID:3008273\tCDE_ID:3165475\tCDE_ID:\n"
    "u1\tTCGA-AA-0001\tMALE\tAlive\t304.375\t[Not Applicable]\tcaf\xe9\n"
    "u2\tTCGA-AA-0002\tFEMALE\tDead\t[Not Available]\t60.875\t[Not Available]\n"
    "u3\tTCGA-AA-0003\tMALE\t[Discrepancy]\t[Not Available]\t[Not Applicable]\t\n"
    "u4\tTCGA-AA-0004\tFEMALE\tAlive\t[Not Available]\t[Not Applicable]\t\n"
    "u5\tnot-a-barcode\tMALE\tAlive\t10\t[Not Applicable]\t\n"
)


def write_latin1(path: Path, text: str) -> Path:
    path.write_bytes(text.encode("latin-1"))
    return path


def test_biotab_patient_survival(tmp_path: Path) -> None:
    f = write_latin1(tmp_path / "patient.txt", PATIENT)
    df = read_tcga_biotab_patient(f)
    assert df["patient"].tolist() == [f"TCGA-AA-000{i}" for i in range(1, 5)]
    row = df.set_index("patient")
    assert row.loc["TCGA-AA-0001", "os_months"] == pytest.approx(10.0)
    assert row.loc["TCGA-AA-0002", "os_months"] == pytest.approx(2.0)
    assert row.loc["TCGA-AA-0001", "os_event"] == 0 and row.loc["TCGA-AA-0002", "os_event"] == 1
    assert pd.isna(row.loc["TCGA-AA-0003", "os_event"])
    assert pd.isna(row.loc["TCGA-AA-0004", "os_months"])
    assert row.loc["TCGA-AA-0001", "notes"] == "caf\xe9"  # Latin-1 byte decoded
    assert pd.isna(row.loc["TCGA-AA-0002", "notes"])  # [Not Available] -> NA
    rep = report_of(df)
    assert rep.counts() == {
        "rows without a TCGA barcode": 1,
        "patients without vital status": 1,
        "patients without survival time": 1,
    }
    assert rep.problems["patients without survival time"] == ["TCGA-AA-0004"]
    assert any("Latin-1" in n for n in rep.notes)
    assert "not-a-barcode" in rep.summary()


def test_biotab_patient_tcgabiolinks_csv(tmp_path: Path) -> None:
    """The TCGAbiolinks export: R row names, names row and CDE row as data rows, gzip."""
    f = tmp_path / "clinical_patient_table.csv.gz"
    with gzip.open(f, "wt") as fh:
        fh.write(
            '"","bcr_patient_barcode","vital_status","last_contact_days_to","death_days_to"\n'
            '"1","bcr_patient_barcode","vital_status","days_to_last_followup","days_to_death"\n'
            '"2","CDE_ID:2003301","CDE_ID:5","CDE_ID:3008273","CDE_ID:3165475"\n'
            '"3","TCGA-BL-A0C8","Dead","[Not Available]","1000"\n'
            '"4","TCGA-BL-A13I","Alive","-5","[Not Applicable]"\n'
        )
    df = read_tcga_biotab_patient(f)
    assert df["patient"].tolist() == ["TCGA-BL-A0C8", "TCGA-BL-A13I"]
    assert df["os_months"].iloc[0] == pytest.approx(1000 / DAYS_PER_MONTH)
    assert report_of(df).problems["patients with negative survival time"] == ["TCGA-BL-A13I"]


def test_biotab_patient_bad_input(tmp_path: Path) -> None:
    f = write_latin1(tmp_path / "p.txt", "patient\tvital_status\nTCGA-AA-0001\tAlive\n")
    with pytest.raises(InputError, match="no 'bcr_patient_barcode' column"):
        read_tcga_biotab_patient(f)
    dup = PATIENT + "u9\tTCGA-AA-0001\tMALE\tAlive\t1\t[Not Applicable]\t\n"
    f = write_latin1(tmp_path / "dup.txt", dup)
    with pytest.raises(InputError, match=r"dup\.txt:9: duplicate patient TCGA-AA-0001"):
        read_tcga_biotab_patient(f)
    no_time = PATIENT.replace("last_contact_days_to", "x").replace("days_to_last_followup", "y")
    with pytest.raises(InputError, match="last_contact_days_to"):
        read_tcga_biotab_patient(write_latin1(tmp_path / "nt.txt", no_time))


DRUG = (
    "bcr_patient_barcode\tpharmaceutical_therapy_drug_name\tpharmaceutical_therapy_type"
    "\tpharmaceutical_tx_started_days_to\ttreatment_best_response\n"
    "bcr_patient_barcode\tdrug_name\ttherapy_type\tdays_to_drug_therapy_start\tmeasure_of_response\n"
    "CDE_ID:2003301\tCDE_ID:2975232\tCDE_ID:2793530\tCDE_ID:3392465\tCDE_ID:2857291\n"
    "TCGA-AA-0001\t5-FU\tChemotherapy\t10\tComplete Response\n"
    "TCGA-AA-0001\tOxaliplatin\tChemotherapy\t10\tComplete Response\n"
    "TCGA-AA-0002\t5 FU\tChemotherapy\t[Not Available]\tClinical Progressive Disease\n"
    "TCGA-AA-0003\tFOLFOX\tChemotherapy\t3\tStable Disease\n"
    "TCGA-AA-0004\toxaliplatinum+ 5-FU\tChemotherapy\t4\t[Not Available]\n"
    "TCGA-AA-0005\tXeloda\tChemotherapy\t5\tPartial Response\n"
    "TCGA-AA-0006\t[Not Available]\tChemotherapy\t5\t[Unknown]\n"
    "TCGA-AA-0007\tStudy drug AMG 655\tChemotherapy\t5\tPartial Response\n"
    "TCGA-AA-0008\tFluorouracil\tChemotherapy\t8\tPartial Response\n"
)


def test_biotab_drug_normalises_names(tmp_path: Path) -> None:
    df = read_tcga_biotab_drug(write_latin1(tmp_path / "drug.txt", DRUG))
    fu = df[df["drug"] == "FLUOROURACIL"]
    assert fu["patient"].tolist() == [f"TCGA-AA-000{i}" for i in (1, 2, 3, 4, 8)]
    assert fu["drug_raw"].tolist() == [
        "5-FU",
        "5 FU",
        "FOLFOX",
        "oxaliplatinum+ 5-FU",
        "Fluorouracil",
    ]
    assert set(df.loc[df["patient"] == "TCGA-AA-0003", "drug"]) == {
        "LEUCOVORIN",
        "FLUOROURACIL",
        "OXALIPLATIN",
    }
    assert df.loc[df["patient"] == "TCGA-AA-0005", "drug"].tolist() == ["CAPECITABINE"]
    assert fu["responder"].tolist() == [True, False, False, pd.NA, True]
    assert fu["start_days"].isna().tolist() == [False, True, False, False, False]
    assert df["record"].nunique() == 8
    rep = report_of(df)
    assert rep.rows_read == 9 and rep.rows_kept == 8
    assert rep.problems["records without a drug name"] == ["line 10"]
    assert rep.problems["drug names not in the synonym table"] == ["STUDY DRUG AMG 655"]


def test_split_drug_names() -> None:
    syn = DrugSynonyms()
    assert split_drug_names("Oxaliplatin, Folinic acid, Fluorouracil", syn) == [
        "OXALIPLATIN",
        "LEUCOVORIN",
        "FLUOROURACIL",
    ]
    assert split_drug_names("FOLFIRI/Avastin", syn) == [
        "LEUCOVORIN",
        "FLUOROURACIL",
        "IRINOTECAN",
        "BEVACIZUMAB",
    ]
    assert split_drug_names("5-Fluorouracil + leucovorin", syn) == ["FLUOROURACIL", "LEUCOVORIN"]
    assert split_drug_names("Irinotecan HCl", syn) == ["IRINOTECAN"]


CDR = (
    "bcr_patient_barcode\tacronym\tOS\tOS.time\tPFI\tPFI.time\tRedaction\n"
    "TCGA-AA-0001\tCOAD\t1.0\t365.25\t1.0\t100\t\n"
    "TCGA-AA-0002\tCOAD\t0.0\t730.5\t0.0\t730.5\t\n"
    "TCGA-AG-0003\tREAD\t0.0\t\t0.0\t5\t\n"
    "TCGA-BL-0004\tBLCA\t1.0\t10\t1.0\t10\tRedacted\n"
    "TCGA-OR-0005\tACC\t1.0\t10\t1.0\t10\t\n"
)


def test_cdr(tmp_path: Path) -> None:
    f = tmp_path / "cdr.tsv.gz"
    with gzip.open(f, "wt") as fh:
        fh.write(CDR)
    os_ = read_tcga_cdr(f)
    assert os_["patient"].tolist() == ["TCGA-AA-0001", "TCGA-AA-0002"]
    assert os_["time_months"].tolist() == pytest.approx([12.0, 24.0])
    assert os_["event"].tolist() == [1, 0]
    rep = report_of(os_)
    assert rep.problems == {
        "redacted cases": ["TCGA-BL-0004"],
        "patients without a usable OS": ["TCGA-AG-0003"],
    }
    pfi = read_tcga_cdr(f, cancer_types=None, endpoint="PFI", drop_redacted=False)
    assert len(pfi) == 5 and set(pfi["cancer_type"]) == {"COAD", "READ", "BLCA", "ACC"}
    with pytest.raises(InputError, match=r"missing column.*DSS"):
        read_tcga_cdr(f, endpoint="DSS")


DING = (
    "cancers\tpatient.arr\tdrug.name\tdrug.id\tresponse\tstart.time\tend.time\n"
    "COAD\tTCGA-AA-0001\tFluorouracil\tDB00544\tComplete Response\t1\t90\n"
    "COAD\tTCGA-AA-0001\tFluorouracil\tDB00544\tClinical Progressive Disease\t200\t300\n"
    "COAD\tTCGA-AA-0002-01A\tFluorouracil\tDB00544\tStable Disease\t1\tNA\n"
    "READ\tTCGA-AG-0003\tFluorouracil\tDB00544\tPartial Response\t1\t2\n"
    "BLCA\tTCGA-BL-0004\tCisplatin\tDB00515\tClinical Progressive Disease\t1\t2\n"
    "SKCM\tTCGA-EB-0005\trecombinant interferon-\xdf2b\tNA\tComplete Response\t1\t2\n"
    "BLCA\tTCGA-BL-0006\tCisplatin\tDB00515\tNot Evaluable\t1\t2\n"
)


def test_ding2016(tmp_path: Path) -> None:
    f = write_latin1(tmp_path / "drug_response.txt", DING)
    all_ = read_ding2016_response(f)
    assert len(all_) == 7 and report_of(all_).rows_read == 7
    assert all_["drug_id"].isna().sum() == 1
    coad = read_ding2016_response(f, cancer_types=["COAD", "read"], drug="5-FU")
    assert coad["patient"].tolist() == [
        "TCGA-AA-0001",
        "TCGA-AA-0001",
        "TCGA-AA-0002",
        "TCGA-AG-0003",
    ]
    assert coad["barcode"].iloc[2] == "TCGA-AA-0002-01A"
    assert coad["responder"].tolist() == [True, False, False, True]
    best = best_response_per_patient(coad)
    assert best.set_index("patient")["response"].to_dict() == {
        "TCGA-AA-0001": "Complete Response",
        "TCGA-AA-0002": "Stable Disease",
        "TCGA-AG-0003": "Partial Response",
    }
    assert best["n_records"].tolist() == [2, 1, 1]
    blca = read_ding2016_response(f, cancer_types=["BLCA"], drug="cisplatin")
    assert blca["responder"].isna().tolist() == [False, True]
    assert report_of(blca).counts() == {"records with an unrecognised response": 1}
    bad = write_latin1(tmp_path / "bad.txt", "cancers\tpatient\tdrug.name\tresponse\nX\tY\tZ\tW\n")
    with pytest.raises(InputError, match=r"bad\.txt:1: missing column.*patient\.arr"):
        read_ding2016_response(bad)


def test_tcga_patient_matching() -> None:
    assert tcga_patient("TCGA.AA.3492.01A.01R") == "TCGA-AA-3492"
    assert tcga_patient("P19a") is None
    expr = [
        "TCGA-AA-3492-11A-01R-1410-07",  # normal
        "TCGA-AA-3492-01A-01R-1410-07",  # primary tumour
        "TCGA-AA-3493-01A-01R-1410-07",
        "TCGA-AA-9999-01A-01R-1410-07",
    ]
    m = match_ids(["TCGA-AA-3492", "tcga-aa-3493", "TCGA-AA-0000"], expr, kind="patient")
    assert m.mapping == {
        "TCGA-AA-3492": "TCGA-AA-3492-01A-01R-1410-07",
        "tcga-aa-3493": "TCGA-AA-3493-01A-01R-1410-07",
    }
    assert m.counts() == {"tcga_patient": 2}
    assert m.unmatched_wanted == ["TCGA-AA-0000"]
    assert m.unmatched_available == ["TCGA-AA-3492-11A-01R-1410-07", "TCGA-AA-9999-01A-01R-1410-07"]
    assert len(m.notes) == 1
    # as plain samples nothing pairs: barcodes differ beyond punctuation
    assert match_ids(["TCGA-AA-3492"], expr, kind="sample").n_matched == 0
    only_normals = match_ids(
        ["TCGA-AA-1"], ["TCGA-AA-0001-11A", "TCGA-AA-0001-10A"], kind="patient"
    )
    assert only_normals.n_matched == 0  # 'TCGA-AA-1' is not a barcode
    amb = match_ids(["TCGA-AA-0001"], ["TCGA-AA-0001-11A", "TCGA-AA-0001-10A"], kind="patient")
    assert amb.ambiguous == {"TCGA-AA-0001": ["TCGA-AA-0001-10A", "TCGA-AA-0001-11A"]}


# -- real files --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def drugbank(shared_data: Path) -> DrugSynonyms:
    return read_drugbank_synonyms(shared_data / "kong2020" / "drugbank_vocabulary.csv")


def _biotab(shared_data: Path, kind: str) -> Path:
    base = shared_data / "kong2020" / "TCGA_COAD" / f"clinical_{kind}"
    return next(base.glob(f"*/nationwidechildrens.org_clinical_{kind}_coad.txt"))


@pytest.mark.realdata
def test_real_coad_patients(shared_data: Path) -> None:
    df = read_tcga_biotab_patient(_biotab(shared_data, "patient"))
    assert len(df) == 459 and df["patient"].is_unique
    assert int(df["os_event"].sum()) == 56 and int((df["os_event"] == 0).sum()) == 402
    assert int(df["os_months"].notna().sum()) == 457
    assert report_of(df).counts() == {
        "patients without vital status": 1,
        "patients without survival time": 1,
    }


@pytest.mark.realdata
def test_real_coad_drugs(shared_data: Path, drugbank: DrugSynonyms) -> None:
    df = read_tcga_biotab_drug(_biotab(shared_data, "drug"), drugbank)
    rep = report_of(df)
    assert rep.rows_read == 593 and rep.rows_kept == 592
    # 154 patients in the file; the only record of TCGA-QG-A5Z1 names no drug
    assert df["patient"].nunique() == 153
    fu = df[df["drug"] == "FLUOROURACIL"]
    # SOURCE.md says 156 records / 116 patients; no spelling set reproduces that. Single-drug
    # 5-FU spellings give 179 records / 118 patients, plus 13 combination/regimen entries and
    # 2 misspelt ones ("5 fluorouracilum", "5-Fluoruoracil") resolved by the synonym table.
    assert (fu["record"].nunique(), fu["patient"].nunique()) == (194, 130)
    single = fu[
        fu["drug_raw"]
        .str.upper()
        .str.replace(r"[\s-]", "", regex=True)
        .isin(["5FU", "FLUOROURACIL", "5FLUOROURACIL"])
    ]
    assert (len(single), single["patient"].nunique()) == (179, 118)
    assert fu["responder"].notna().sum() > 0
    assert set(df.loc[df["drug_raw"] == "Xeloda", "drug"]) == {"CAPECITABINE"}


@pytest.mark.realdata
def test_real_cdr(shared_data: Path) -> None:
    f = shared_data / "tcga_pancancer_clinical_cdr" / "tcga_pancancer_clinical_cdr_subset.tsv.gz"
    os_ = read_tcga_cdr(f)
    assert os_["cancer_type"].value_counts().to_dict() == {"COAD": 457, "BLCA": 408, "READ": 170}
    rep = report_of(os_)
    assert rep.rows_read == 459 + 171 + 412
    assert rep.counts() == {"redacted cases": 4, "patients without a usable OS": 3}
    kept = read_tcga_cdr(f, drop_redacted=False)
    assert kept["cancer_type"].value_counts().to_dict() == {"COAD": 458, "BLCA": 411, "READ": 170}


@pytest.mark.realdata
def test_real_ding2016(shared_data: Path) -> None:
    f = shared_data / "tcga_drug_response_ding2016" / "drug_response.txt"
    all_ = read_ding2016_response(f)
    assert len(all_) == 2572 and all_["responder"].notna().all()
    counts = {}
    for cancer, drug in (("COAD", "5-FU"), ("READ", "Fluorouracil"), ("BLCA", "Cisplatin")):
        d = read_ding2016_response(f, cancer_types=[cancer], drug=drug)
        best = best_response_per_patient(d)
        counts[cancer] = (len(d), d["patient"].nunique(), int(best["responder"].sum()))
    assert counts == {"COAD": (52, 46, 30), "READ": (27, 23, 19), "BLCA": (41, 41, 26)}
    cdr = shared_data / "tcga_pancancer_clinical_cdr" / "tcga_pancancer_clinical_cdr_subset.tsv.gz"
    blca = read_ding2016_response(f, cancer_types=["BLCA"], drug="cisplatin")
    surv = read_tcga_cdr(cdr, cancer_types=["BLCA"], drop_redacted=False)
    m = match_ids(blca["patient"], surv["patient"], kind="patient")
    assert m.n_matched == 41 and m.unmatched_wanted == []
