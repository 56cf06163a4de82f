"""Drug names: one normal form, and a synonym table mapping any name to a canonical drug.

Drugs are keyed by their normalised name (upper case, trimmed, single spaces). Clinical tables
spell the same drug many ways (``5-FU``, ``5 FU``, ``5-Fluorouracil``, ``Fluorouracil``); a
:class:`DrugSynonyms` table maps every spelling it knows to one canonical name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

_SPACES = re.compile(r"\s+")

#: Common oncology abbreviations, code names and brand names -> canonical (DrugBank common) name.
#: Sources: abbreviations and code names as listed in the NCI Thesaurus / NCI Drug Dictionary
#: synonym fields (e.g. 5-FU, CDDP, CPT-11, L-OHP, VP-16); brand names from the FDA labels
#: (Drugs@FDA). The spellings were chosen from those seen in the TCGA COAD clinical drug table
#: (``pharmaceutical_therapy_drug_name``) and the usual chemotherapy regimen abbreviations.
BUILTIN_SYNONYMS: dict[str, tuple[str, ...]] = {
    "FLUOROURACIL": (
        "5-FU",
        "5FU",
        "5 FU",
        "5- FU",
        "5-FLUOROURACIL",
        "5 FLUOROURACIL",
        "FLUOROURACILUM",
        "5-FLUOROURACILUM",
        "5 FLUOROURACILUM",
        "5-FLUORUORACIL",
        "ADRUCIL",
        "EFUDEX",
    ),
    "CISPLATIN": ("CDDP", "CIS-DDP", "CIS-PLATINUM", "CISPLATINUM", "PLATINOL"),
    "CARBOPLATIN": ("CBDCA", "PARAPLATIN"),
    "OXALIPLATIN": ("L-OHP", "OXALIPLATINUM", "ELOXATIN"),
    "IRINOTECAN": ("CPT-11", "CPT11", "IRINOTECAN HCL", "IRINOTECAN HYDROCHLORIDE", "CAMPTOSAR"),
    "LEUCOVORIN": (
        "FOLINIC ACID",
        "CALCIUM FOLINATE",
        "LEUCOVORIN CALCIUM",
        "CALCIUM FOLIATUM",
        "LV",
        "LEVCOVORIN",
    ),
    "CAPECITABINE": ("XELODA",),
    "BEVACIZUMAB": ("AVASTIN",),
    "CETUXIMAB": ("ERBITUX", "C225", "IMC-C225"),
    "PANITUMUMAB": ("VECTIBIX",),
    "GEMCITABINE": ("GEMZAR", "DFDC", "LY-188011", "GEMCITIBINE"),
    "DOXORUBICIN": ("ADRIAMYCIN", "DOX"),
    "ETOPOSIDE": ("VP-16", "VP16", "VEPESID"),
    "PACLITAXEL": ("TAXOL",),
    "DOCETAXEL": ("TAXOTERE",),
    "METHOTREXATE": ("MTX", "AMETHOPTERIN"),
    "CYCLOPHOSPHAMIDE": ("CYTOXAN",),
    "VINBLASTINE": ("VLB", "VELBAN"),
    "VINCRISTINE": ("VCR", "ONCOVIN"),
    "MITOMYCIN": ("MITOMYCIN C", "MMC", "MUTAMYCIN"),
    "TEMOZOLOMIDE": ("TMZ", "TEMODAR"),
    "GEFITINIB": ("ZD1839", "IRESSA"),
    "ERLOTINIB": ("OSI-774", "TARCEVA"),
    "SORAFENIB": ("BAY 43-9006", "NEXAVAR"),
    "REGORAFENIB": ("BAY 73-4506", "STIVARGA"),
    "AFLIBERCEPT": ("ZIV-AFLIBERCEPT", "ZALTRAP"),
    "LINSITINIB": ("OSI-906",),
    "SELUMETINIB": ("AZD6244",),
    "TRAMETINIB": ("GSK1120212", "TRAMATENIB"),
    "VELIPARIB": ("ABT-888",),
    "TALAZOPARIB": ("BMN-673",),
    "NAVITOCLAX": ("ABT-263",),
    "RUXOLITINIB": ("INCB018424",),
    "PALBOCICLIB": ("PD-0332991", "IBRANCE"),
    "TANESPIMYCIN": ("17-AAG",),
    "VORINOSTAT": ("SAHA", "ZOLINZA"),
    "BORTEZOMIB": ("PS-341", "VELCADE"),
    "LENALIDOMIDE": ("REVLIMID",),
    # code names and misspellings in the van de Wetering 2015 organoid screen (Table S2) and
    # the TCGA COAD clinical drug table, checked against the Kong et al. drug list
    "DORAMAPIMOD": ("BIRB 0796", "BIRB-796", "BIRB796"),
    "ENZASTAURIN": ("LY317615", "LY-317615"),
    "LESTAURTINIB": ("CEP-701", "CEP701"),
    "MOTESANIB": ("AMG-706", "AMG706"),
    "XAV939": ("XAV 939", "XAV-939"),
    "DASATINIB": ("DASATANIB", "BMS-354825", "SPRYCEL"),
    "AFATINIB": ("AFATANIB", "BIBW2992", "BIBW-2992", "GILOTRIF"),
    "OLAPARIB": ("AZD-2281", "AZD2281", "LYNPARZA"),
    "DEXAMETHASONE": ("DEXAMETHASSONE",),
}


def normalize_drug_name(name: str) -> str:
    """Upper-case, trim and collapse internal whitespace (hyphens, digits, punctuation kept)."""
    return _SPACES.sub(" ", name).strip().upper()


class DrugSynonyms:
    """Maps any known name of a drug (normalised) to its canonical name (normalised).

    Names added later do not override earlier ones: the first canonical name that claims a
    synonym keeps it, so built-in abbreviations can be extended but not silently redirected.
    """

    def __init__(self, *, builtin: bool = True) -> None:
        self._canon: dict[str, str] = {}
        self._names: dict[str, set[str]] = {}
        if builtin:
            for canonical, synonyms in BUILTIN_SYNONYMS.items():
                self.add(canonical, synonyms)

    def add(self, canonical: str, synonyms: Iterable[str] = ()) -> None:
        """Register ``canonical`` and its ``synonyms``; a name already claimed keeps its drug."""
        canon = normalize_drug_name(canonical)
        if not canon:
            raise ValueError("a canonical drug name cannot be empty")
        canon = self._canon.get(canon, canon)
        self._canon.setdefault(canon, canon)
        names = self._names.setdefault(canon, set())
        for syn in synonyms:
            key = normalize_drug_name(syn)
            if key and key not in self._canon:
                self._canon[key] = canon
                names.add(key)

    def canonical(self, name: str) -> str | None:
        """The canonical name of ``name``, or None when the table does not know it."""
        return self._canon.get(normalize_drug_name(name))

    def resolve(self, name: str) -> str:
        """The canonical name of ``name``, or its normalised form when unknown."""
        key = normalize_drug_name(name)
        return self._canon.get(key, key)

    def synonyms(self, name: str) -> list[str]:
        """Other known names of the drug ``name`` resolves to, sorted (empty when unknown)."""
        canon = self.resolve(name)
        return sorted(self._names.get(canon, set()) - {canon})

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and normalize_drug_name(name) in self._canon

    def __len__(self) -> int:
        """Number of distinct canonical drugs."""
        return len(self._names)

    def __iter__(self) -> Iterator[str]:
        """Canonical names, sorted."""
        return iter(sorted(self._names))
