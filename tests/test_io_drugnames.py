"""Drug name normalisation and the synonym table."""

from __future__ import annotations

from pathlib import Path

import pytest

from netmarker.errors import InputError
from netmarker.ids.drugs import BUILTIN_SYNONYMS, DrugSynonyms, normalize_drug_name
from netmarker.io.drugbank import read_drugbank_synonyms

VOCAB = (
    "DrugBank ID,Accession Numbers,Common name,CAS,UNII,Synonyms,Standard InChI Key\n"
    "DB00544,APRD00516,Fluorouracil,51-21-8,U3P01618RT,5-FU | 5-Fluorouracil | Fluorouracilo,K\n"
    'DB00515,APRD00359,Cisplatin,15663-27-1,Q2,"CDDP | cis-Diamminedichloroplatinum(II)",L\n'
    "DB00002,BTD00071,Cetuximab,205923-56-4,PQX0D8J21J,,\n"
)


def write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  5-fu ", "5-FU"),
        ("folinic\t  acid", "FOLINIC ACID"),
        ("BI-2536", "BI-2536"),
        ("Obatoclax  Mesylate\n", "OBATOCLAX MESYLATE"),
        ("", ""),
    ],
)
def test_normalize_drug_name(raw: str, expected: str) -> None:
    assert normalize_drug_name(raw) == expected


def test_builtin_abbreviations_resolve() -> None:
    syn = DrugSynonyms()
    for name in ("5-FU", "5fu", "5 FU", "5- FU", "5-Fluorouracil", "fluorouracil"):
        assert syn.canonical(name) == "FLUOROURACIL", name
    assert syn.canonical("CDDP") == "CISPLATIN"
    assert syn.canonical("CPT-11") == "IRINOTECAN"
    assert syn.canonical("folinic acid") == "LEUCOVORIN"
    assert syn.canonical("not a drug") is None
    assert syn.resolve("  not  a drug ") == "NOT A DRUG"
    assert "5-FU" in syn.synonyms("fluorouracil")
    assert "FLUOROURACIL" not in syn.synonyms("fluorouracil")
    assert len(syn) == len(BUILTIN_SYNONYMS)


def test_add_keeps_first_claim_and_merges_into_existing_drug() -> None:
    syn = DrugSynonyms(builtin=False)
    syn.add("Leucovorin", ["Folinic acid"])
    syn.add("Other drug", ["folinic acid", "OD-1"])  # already claimed: stays LEUCOVORIN
    assert syn.canonical("FOLINIC ACID") == "LEUCOVORIN"
    assert syn.canonical("od-1") == "OTHER DRUG"
    syn.add("folinic acid", ["LV-X"])  # a known synonym as canonical adds to its drug
    assert syn.canonical("LV-X") == "LEUCOVORIN"
    assert sorted(syn) == ["LEUCOVORIN", "OTHER DRUG"]
    with pytest.raises(ValueError):
        syn.add("  ", [])


def test_read_drugbank_synonyms(tmp_path: Path) -> None:
    syn = read_drugbank_synonyms(write(tmp_path, "v.csv", VOCAB), builtin=False)
    assert syn.canonical("DB00544") == "FLUOROURACIL"
    assert syn.canonical("fluorouracilo") == "FLUOROURACIL"
    assert syn.canonical("cis-diamminedichloroplatinum(ii)") == "CISPLATIN"
    assert syn.canonical("DB00002") == "CETUXIMAB"
    assert syn.canonical("5 FU") is None  # built-in spellings off
    assert read_drugbank_synonyms(tmp_path / "v.csv").canonical("5 FU") == ("FLUOROURACIL")


def test_vocabulary_bad_input(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="missing column"):
        read_drugbank_synonyms(write(tmp_path, "a.csv", "id,name\nDB1,x\n"))
    dup = VOCAB + "DB00544,X,Other,1,2,,\n"
    with pytest.raises(InputError, match=r"b\.csv:5: duplicate DrugBank ID DB00544 .*line 2"):
        read_drugbank_synonyms(write(tmp_path, "b.csv", dup))
    with pytest.raises(InputError, match="file is empty"):
        read_drugbank_synonyms(write(tmp_path, "c.csv", ""))


@pytest.mark.realdata
def test_real_drugbank_vocabulary(shared_data: Path) -> None:
    syn = read_drugbank_synonyms(shared_data / "kong2020" / "drugbank_vocabulary.csv")
    # 11,292 rows; two common names coincide after normalisation (11,290 drugs); the built-in
    # table adds two names DrugBank's vocabulary lacks (DORAMAPIMOD, XAV939)
    assert len(syn) == 11292
    assert syn.canonical("DB00544") == "FLUOROURACIL"
    assert syn.canonical("5-FU") == "FLUOROURACIL"
    assert syn.canonical("DB00515") == "CISPLATIN"
    for canonical in BUILTIN_SYNONYMS:  # the built-in canonical names are DrugBank names
        assert syn.canonical(canonical) == canonical
