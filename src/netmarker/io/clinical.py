"""Clinical tables of patients: survival, drug treatments and clinical drug response.

Readers return tidy DataFrames; each frame carries a :class:`ClinicalReport` in
``frame.attrs["report"]`` (see :func:`report_of`) listing the rows it could not use, with
counts and examples, so nothing is dropped silently.

Responder rule (all readers): ``Complete Response`` or ``Partial Response`` -> responder;
``Stable Disease`` or ``Clinical Progressive Disease`` -> non-responder; anything else (not
recorded) -> unknown (``<NA>``). This is the split used by Ding et al. 2016 and Kong et al.
2020 (CR/PR vs SD/PD).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from netmarker.errors import InputError
from netmarker.ids.drugs import DrugSynonyms
from netmarker.ids.samples import tcga_patient
from netmarker.io.common import open_text
from netmarker.io.response import resolve_drug
from netmarker.io.tables import is_missing, read_text_table

#: Days per month (365.25 / 12), the conversion used for all survival times.
DAYS_PER_MONTH = 30.4375

Endpoint = Literal["OS", "DSS", "DFI", "PFI"]

RESPONSES: dict[str, bool] = {
    "COMPLETE RESPONSE": True,
    "PARTIAL RESPONSE": True,
    "STABLE DISEASE": False,
    "CLINICAL PROGRESSIVE DISEASE": False,
    "PROGRESSIVE DISEASE": False,
}
#: Order used to pick a patient's best response over several records (lower is better).
RESPONSE_RANK = {
    "Complete Response": 0,
    "Partial Response": 1,
    "Stable Disease": 2,
    "Clinical Progressive Disease": 3,
}

#: Standard colorectal chemotherapy regimens -> component drugs (NCI Drug Dictionary).
REGIMENS: dict[str, tuple[str, ...]] = {
    "FOLFOX": ("LEUCOVORIN", "FLUOROURACIL", "OXALIPLATIN"),
    "FOLFIRI": ("LEUCOVORIN", "FLUOROURACIL", "IRINOTECAN"),
    "FOLFOXIRI": ("LEUCOVORIN", "FLUOROURACIL", "OXALIPLATIN", "IRINOTECAN"),
    "FOLFIRINOX": ("LEUCOVORIN", "FLUOROURACIL", "IRINOTECAN", "OXALIPLATIN"),
    "XELOX": ("CAPECITABINE", "OXALIPLATIN"),
    "CAPOX": ("CAPECITABINE", "OXALIPLATIN"),
}
_SPLIT = re.compile(r"\s*(?:\+|,|;|&|/|\band\b)\s*", re.IGNORECASE)
_BRACKETED = re.compile(r"^\[.*\]$")


@dataclass
class ClinicalReport:
    """Rows a clinical reader read, kept, and could not use (reason -> examples)."""

    path: str
    rows_read: int = 0
    rows_kept: int = 0
    problems: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def add(self, reason: str, examples: Iterable[str]) -> None:
        """Record rows/ids skipped for ``reason`` (appends)."""
        ex = [str(e) for e in examples]
        if ex:
            self.problems.setdefault(reason, []).extend(ex)

    def counts(self) -> dict[str, int]:
        return {k: len(v) for k, v in self.problems.items()}

    def summary(self, max_examples: int = 5) -> str:
        """One line for logs."""
        s = f"{self.path}: {self.rows_read} rows read, {self.rows_kept} kept"
        for reason, ex in self.problems.items():
            s += f"; {len(ex)} {reason} (e.g. {', '.join(ex[:max_examples])})"
        return s


def report_of(frame: pd.DataFrame) -> ClinicalReport:
    """The :class:`ClinicalReport` a reader attached to ``frame``."""
    report: ClinicalReport = frame.attrs["report"]
    return report


def _clean_missing(df: pd.DataFrame) -> pd.DataFrame:
    """``[Not Available]``-style markers and empty strings -> NA (stripped strings kept)."""
    out: pd.DataFrame = df.apply(lambda s: s.str.strip())
    missing: pd.DataFrame = out.apply(lambda s: s.str.match(_BRACKETED.pattern) | (s == ""))
    return out.mask(missing)


def _read_biotab(path: str | Path, report: ClinicalReport) -> pd.DataFrame:
    """Read a BCR biotab table (TSV with 2 CDE rows, or TCGAbiolinks CSV with a row-name
    column); the ``line`` column holds the file line of each kept row."""
    # real BCR tables repeat some column names (history_other_malignancy in COAD)
    df, notes = read_text_table(path, duplicate_columns=True)
    report.notes += notes
    df = df.drop(columns=[c for c in df.columns if c in ("", "Unnamed: 0")])
    if "bcr_patient_barcode" not in df.columns:
        raise InputError(path, "not a TCGA biotab table: no 'bcr_patient_barcode' column", 1)
    df["line"] = np.arange(2, len(df) + 2)
    bc = df["bcr_patient_barcode"].str.strip()
    header_like = bc.str.startswith("CDE_ID") | (bc == "bcr_patient_barcode")
    blank = (df.drop(columns="line") == "").all(axis=1)
    df = df[~header_like & ~blank]
    report.rows_read = len(df)
    return df


def _patients(df: pd.DataFrame, column: str, report: ClinicalReport) -> pd.DataFrame:
    """Add ``patient`` (12-character barcode); rows without a TCGA barcode are reported."""
    patient = df[column].map(lambda b: tcga_patient(b) if isinstance(b, str) else None)
    bad = patient.isna()
    report.add(
        "rows without a TCGA barcode",
        (
            f"line {ln}: {b!r}"
            for ln, b in zip(df.loc[bad, "line"], df.loc[bad, column], strict=True)
        ),
    )
    df = df[~bad].copy()
    df.insert(0, "patient", patient[~bad])
    return df


def read_tcga_biotab_patient(path: str | Path) -> pd.DataFrame:
    """TCGA BCR patient table -> one row per patient with overall survival.

    Columns: ``patient``, ``os_months``, ``os_event`` (1 dead, 0 alive), ``vital_status``,
    ``os_days``, then every original column (missing markers as NA). OS time is
    ``death_days_to`` for the dead and ``last_contact_days_to`` for the living (old names
    ``days_to_death`` / ``days_to_last_followup`` accepted). Patients without a usable
    status or time keep NA survival fields and are listed in the report.
    """
    report = ClinicalReport(path=str(path))
    raw = _read_biotab(path, report)
    df = _clean_missing(raw.drop(columns="line"))
    df["line"] = raw["line"]
    df = _patients(df, "bcr_patient_barcode", report)
    dup = df["patient"][df["patient"].duplicated()]
    if not dup.empty:
        line = int(df.loc[dup.index[0], "line"])
        raise InputError(path, f"duplicate patient {dup.iloc[0]}", line)
    death = _first_column(df, ("death_days_to", "days_to_death"), path)
    contact = _first_column(df, ("last_contact_days_to", "days_to_last_followup"), path)
    status = df[_first_column(df, ("vital_status",), path)].str.upper()
    dead, alive = status == "DEAD", status == "ALIVE"
    days = pd.Series(np.nan, index=df.index)
    days[dead] = pd.to_numeric(df.loc[dead, death], errors="coerce")
    days[alive] = pd.to_numeric(df.loc[alive, contact], errors="coerce")
    unknown_status = ~(dead | alive)
    report.add(
        "patients without vital status",
        (
            f"{p} ({s})"
            for p, s in zip(
                df.loc[unknown_status, "patient"],
                df.loc[unknown_status, "vital_status"],
                strict=True,
            )
        ),
    )
    no_time = days.isna() & ~unknown_status
    report.add("patients without survival time", df.loc[no_time, "patient"])
    negative = days < 0
    report.add("patients with negative survival time", df.loc[negative, "patient"])
    days[negative] = np.nan
    out = pd.DataFrame(
        {
            "patient": df["patient"],
            "os_months": days / DAYS_PER_MONTH,
            "os_event": pd.array(np.where(dead, 1, np.where(alive, 0, -1)), dtype="Int64"),
            "vital_status": df["vital_status"],
            "os_days": days,
        }
    )
    out.loc[unknown_status, "os_event"] = pd.NA
    extra = df.drop(columns=["patient", "vital_status", "line"])
    out = pd.concat([out, extra], axis=1).reset_index(drop=True)
    report.rows_kept = len(out)
    out.attrs["report"] = report
    return out


def _first_column(df: pd.DataFrame, names: tuple[str, ...], path: str | Path) -> str:
    for n in names:
        if n in df.columns:
            return n
    raise InputError(path, f"missing column: one of {list(names)}", 1)


def split_drug_names(name: str, synonyms: DrugSynonyms) -> list[str]:
    """Canonical drug names in a free-text entry: ``oxaliplatinum+ 5-FU`` -> two drugs,
    ``FOLFOX`` -> its three drugs. A name the synonym table knows as a whole is not split."""
    if synonyms.canonical(name) is not None:
        return [resolve_drug(name, synonyms)]
    out: list[str] = []
    for part in (p for p in _SPLIT.split(name) if p.strip()):
        key = part.strip().upper()
        if key in REGIMENS:
            out += REGIMENS[key]
        else:
            out.append(resolve_drug(part, synonyms))
    return list(dict.fromkeys(out))


def responder(response: pd.Series) -> pd.Series:
    """CR/PR -> True, SD/PD -> False, else NA (nullable boolean)."""
    key = response.astype("string").str.strip().str.upper()
    return key.map(RESPONSES, na_action="ignore").astype("boolean")


def read_tcga_biotab_drug(path: str | Path, synonyms: DrugSynonyms | None = None) -> pd.DataFrame:
    """TCGA BCR clinical drug table -> one row per (record, drug).

    Columns: ``patient``, ``drug`` (canonical), ``drug_raw``, ``best_response``,
    ``responder``, ``therapy_type``, ``start_days``, ``end_days``, ``record`` (the file line;
    combination entries such as ``FOLFOX`` or ``Oxaliplatin, Folinic acid, Fluorouracil``
    give one row per drug with the same ``record``). Names the synonym table does not know
    are kept (normalised) and listed in the report.
    """
    syn = synonyms if synonyms is not None else DrugSynonyms()
    report = ClinicalReport(path=str(path))
    raw = _read_biotab(path, report)
    name_col = _first_column(raw, ("pharmaceutical_therapy_drug_name", "drug_name"), path)
    resp_col = _first_column(raw, ("treatment_best_response", "measure_of_response"), path)
    df = _clean_missing(raw.drop(columns="line"))
    df["line"] = raw["line"]
    df = _patients(df, "bcr_patient_barcode", report)
    no_name = df[name_col].isna()
    report.add("records without a drug name", (f"line {ln}" for ln in df.loc[no_name, "line"]))
    df = df[~no_name]
    rows = []
    unknown: set[str] = set()
    records = zip(df["patient"], df[name_col], df[resp_col], df["line"], strict=True)
    for patient, name, response, line in records:
        drugs = split_drug_names(name, syn)
        unknown.update(d for d in drugs if d not in syn)
        for d in drugs:
            rows.append((patient, d, name, response, line))
    out = pd.DataFrame(rows, columns=["patient", "drug", "drug_raw", "best_response", "record"])
    out["responder"] = responder(out["best_response"])
    extra = {
        "therapy_type": ("pharmaceutical_therapy_type", "therapy_type"),
        "start_days": ("pharmaceutical_tx_started_days_to", "days_to_drug_therapy_start"),
        "end_days": ("pharmaceutical_tx_ended_days_to", "days_to_drug_therapy_end"),
    }
    by_line = df.set_index("line")
    for new, names in extra.items():
        col = next((n for n in names if n in by_line.columns), None)
        if col is not None:
            values = by_line[col].reindex(out["record"]).to_numpy()
            out[new] = pd.to_numeric(values, errors="coerce") if new != "therapy_type" else values
    report.add("drug names not in the synonym table", sorted(unknown))
    report.rows_kept = int(out["record"].nunique())
    out.attrs["report"] = report
    return out


def read_tcga_cdr(
    path: str | Path,
    cancer_types: Iterable[str] | None = ("COAD", "READ", "BLCA"),
    endpoint: Endpoint = "OS",
    *,
    drop_redacted: bool = True,
) -> pd.DataFrame:
    """TCGA-CDR survival endpoints (Liu et al. 2018) -> ``patient``, ``cancer_type``,
    ``time_days``, ``time_months``, ``event`` (0/1) for one endpoint.

    ``cancer_types=None`` keeps all. Patients without the endpoint, and cases marked
    ``Redacted`` (excluded as the CDR authors advise), are listed in the report.
    """
    report = ClinicalReport(path=str(path))
    df, notes = read_text_table(path)
    report.notes += notes
    cols = ("bcr_patient_barcode", "type" if "type" in df.columns else "acronym")
    needed = [*cols, endpoint, f"{endpoint}.time"]
    missing = [c for c in needed if c not in df.columns]
    if missing:
        raise InputError(path, f"missing column(s) {missing}", 1)
    df["line"] = np.arange(2, len(df) + 2)
    if cancer_types is not None:
        wanted = {c.upper() for c in cancer_types}
        df = df[df[cols[1]].str.strip().str.upper().isin(wanted)]
    report.rows_read = len(df)
    df = _patients(df, cols[0], report)
    if drop_redacted and "Redaction" in df.columns:
        red = df["Redaction"].str.strip().str.lower() == "redacted"
        report.add("redacted cases", df.loc[red, "patient"])
        df = df[~red]
    time = pd.to_numeric(df[f"{endpoint}.time"].str.strip(), errors="coerce")
    event = pd.to_numeric(df[endpoint].str.strip(), errors="coerce")
    bad = time.isna() | event.isna() | ~event.isin([0, 1]) | (time < 0)
    report.add(f"patients without a usable {endpoint}", df.loc[bad, "patient"])
    df, time, event = df[~bad], time[~bad], event[~bad]
    out = pd.DataFrame(
        {
            "patient": df["patient"],
            "cancer_type": df[cols[1]].str.strip(),
            "time_days": time,
            "time_months": time / DAYS_PER_MONTH,
            "event": event.astype(int),
        }
    ).reset_index(drop=True)
    dup = out["patient"][out["patient"].duplicated()]
    if not dup.empty:
        raise InputError(path, f"duplicate patient {dup.iloc[0]}")
    report.rows_kept = len(out)
    out.attrs["report"] = report
    return out


def read_ding2016_response(
    path: str | Path,
    cancer_types: Iterable[str] | None = None,
    drug: str | None = None,
    *,
    synonyms: DrugSynonyms | None = None,
) -> pd.DataFrame:
    """Ding et al. 2016 TCGA drug-response table -> ``patient``, ``cancer_type``, ``drug``,
    ``response``, ``responder`` (CR/PR), plus ``barcode``, ``drug_id``, ``drug_raw``,
    ``start_days``, ``end_days``, ``record`` (file line). One row per record: a patient can
    have several records of one drug (see :func:`best_response_per_patient`)."""
    syn = synonyms if synonyms is not None else DrugSynonyms()
    report = ClinicalReport(path=str(path))
    df, notes = read_text_table(path)
    report.notes += notes
    needed = ["cancers", "patient.arr", "drug.name", "response"]
    missing = [c for c in needed if c not in df.columns]
    if missing:
        raise InputError(path, f"missing column(s) {missing}", 1)
    df["line"] = np.arange(2, len(df) + 2)
    df = df[(df[needed] != "").any(axis=1)]
    report.rows_read = len(df)
    if cancer_types is not None:
        wanted = {c.upper() for c in cancer_types}
        df = df[df["cancers"].str.strip().str.upper().isin(wanted)]
    df = _patients(df, "patient.arr", report)
    df = df.assign(drug_canon=df["drug.name"].map(lambda n: resolve_drug(n, syn)))
    if drug is not None:
        df = df[df["drug_canon"] == resolve_drug(drug, syn)]
    resp = df["response"].str.strip()
    out = pd.DataFrame(
        {
            "patient": df["patient"],
            "cancer_type": df["cancers"].str.strip(),
            "drug": df["drug_canon"],
            "response": resp.where(resp != ""),
            "responder": responder(resp),
            "barcode": df["patient.arr"].str.strip(),
            "drug_id": df.get("drug.id", pd.Series(pd.NA, index=df.index)),
            "drug_raw": df["drug.name"],
            "start_days": _numeric_column(df, "start.time"),
            "end_days": _numeric_column(df, "end.time"),
            "record": df["line"],
        }
    ).reset_index(drop=True)
    out["drug_id"] = out["drug_id"].mask(out["drug_id"].isin(["NA", ""]), pd.NA)
    unknown = out["responder"].isna()
    report.add(
        "records with an unrecognised response",
        (
            f"line {ln}: {r!r}"
            for ln, r in zip(out.loc[unknown, "record"], out.loc[unknown, "response"], strict=True)
        ),
    )
    report.rows_kept = len(out)
    out.attrs["report"] = report
    return out


def best_response_per_patient(
    records: pd.DataFrame, response_col: str = "response"
) -> pd.DataFrame:
    """One row per (patient, drug): the best recorded response (CR > PR > SD > PD) and
    ``responder``; ``n_records`` counts the records. Records without a response are ignored."""
    r = records.dropna(subset=[response_col]).copy()
    r["_rank"] = r[response_col].map(RESPONSE_RANK)
    r = r.dropna(subset=["_rank"]).sort_values(["patient", "drug", "_rank"])
    n = r.groupby(["patient", "drug"]).size().rename("n_records")
    best = r.drop_duplicates(["patient", "drug"]).set_index(["patient", "drug"])
    out = best[[response_col]].join(n).reset_index()
    out["responder"] = responder(out[response_col])
    return out


SurvivalFormat = Literal["auto", "table", "cdr", "biotab"]


ENDPOINTS: tuple[str, ...] = ("OS", "DSS", "DFI", "PFI")
#: covariate aliases -> the clinical columns they stand for (first present wins)
COVARIATE_ALIASES: dict[str, tuple[str, ...]] = {
    "age": ("age_at_initial_pathologic_diagnosis", "age_at_diagnosis", "age"),
    "stage": (
        "ajcc_pathologic_tumor_stage",
        "ajcc_pathologic_stage",
        "pathologic_stage",
        "clinical_stage",
        "stage",
    ),
    "sex": ("gender", "sex"),
    "gender": ("gender", "sex"),
}
_STAGE = re.compile(r"^(?:STAGE\s+)?(0|IV|III|II|I)[A-C]?\d?$")


def main_stage(value: object) -> str | None:
    """``Stage IIIA`` -> ``III`` (sub-stages merged); unusable entries (``Stage X``,
    ``I/II NOS``, ``[Not Available]``) -> None."""
    if not isinstance(value, str):
        return None
    m = _STAGE.match(value.strip().upper())
    return m.group(1) if m else None


def survival_covariates(
    path: str | Path, patients: pd.Series, covariates: Iterable[str]
) -> tuple[pd.DataFrame, dict[str, str]]:
    """Covariate columns of a clinical table for ``patients`` (missing markers -> NA).

    Names are the table's own columns (case-insensitive) or the aliases ``age``, ``stage``
    (AJCC stage, sub-stages merged: IIIA -> III) and ``sex``. Returns one row per patient
    (index ``patient``) and the column each name was read from; an unknown name raises
    InputError listing the columns.
    """
    df, _ = read_text_table(path, duplicate_columns=True)
    lower = {c.lower(): c for c in df.columns}
    id_col = next((lower[n] for n in ("bcr_patient_barcode", "patient") if n in lower), None)
    if id_col is None:
        raise InputError(path, "no patient column (bcr_patient_barcode or patient)", 1)
    ids = df[id_col].str.strip().map(lambda b: tcga_patient(b) or b)
    keep = ~ids.duplicated() & ids.isin(set(patients))
    frame = pd.DataFrame(index=pd.Index(ids[keep], name="patient"))
    sources: dict[str, str] = {}
    for name in covariates:
        candidates = (name.lower(), *COVARIATE_ALIASES.get(name.lower(), ()))
        column = next((lower[c] for c in candidates if c in lower), None)
        if column is None:
            raise InputError(
                path,
                f"no covariate column {name!r} (aliases: {', '.join(COVARIATE_ALIASES)}); "
                f"columns are {list(df.columns)[:15]}",
                1,
            )
        values = df.loc[keep, column].str.strip()
        values = values.mask(values.str.match(_BRACKETED.pattern) | is_missing(values))
        if name.lower() == "stage":
            values = values.map(main_stage)
        elif name.lower() == "age":
            values = pd.to_numeric(values, errors="coerce")
        frame[name] = values.to_numpy()
        sources[name] = column
    return frame.reindex(pd.Index(patients.unique(), name="patient")), sources


def read_survival(
    path: str | Path,
    fmt: SurvivalFormat = "auto",
    *,
    cancer_types: Iterable[str] | None = None,
    endpoint: Endpoint = "OS",
) -> pd.DataFrame:
    """Any supported survival table -> ``patient``, ``time_months``, ``event`` (0/1).

    ``table``: a TSV/CSV with columns ``patient``, ``time_months``, ``event``; ``cdr``: the
    TCGA-CDR table (``cancer_types`` and ``endpoint`` select); ``biotab``: a TCGA BCR
    patient table (overall survival). ``auto`` tells them apart by their header.
    Patients without a usable time or event are dropped (they stay in the report).
    """
    if endpoint not in ENDPOINTS:
        raise InputError(path, f"unknown endpoint {endpoint!r}; use one of {', '.join(ENDPOINTS)}")
    if fmt == "auto":
        fmt = _detect_survival(path)
    if fmt == "cdr":
        df = read_tcga_cdr(path, cancer_types, endpoint)
    elif fmt == "biotab":
        if endpoint != "OS":
            raise InputError(path, f"a TCGA biotab patient table gives OS only, not {endpoint}")
        df = read_tcga_biotab_patient(path).rename(
            columns={"os_months": "time_months", "os_event": "event"}
        )
    else:
        raw, _ = read_text_table(path)
        missing = [c for c in ("patient", "time_months", "event") if c not in raw.columns]
        if missing:
            raise InputError(path, f"missing column(s) {', '.join(missing)}", 1)
        df = raw[["patient", "time_months", "event"]].copy()
        for column in ("time_months", "event"):
            values = pd.to_numeric(df[column], errors="coerce")
            bad = values.isna() & (df[column] != "")
            if bad.any():
                first = int(np.flatnonzero(bad.to_numpy())[0])
                raise InputError(
                    path, f"non-numeric {column} {df[column].iloc[first]!r}", first + 2
                )
            df[column] = values
    out = df[["patient", "time_months", "event"]].dropna()
    out = out.astype({"time_months": float, "event": int})
    if not out["event"].isin([0, 1]).all():
        raise InputError(path, "event must be 0 (censored) or 1 (event)")
    return out.reset_index(drop=True)


def _detect_survival(path: str | Path) -> SurvivalFormat:
    with open_text(path, encoding="latin-1") as fh:
        header = fh.readline().rstrip("\r\n")
    columns = set(header.split("\t") if "\t" in header else header.split(","))
    if "bcr_patient_barcode" in columns and "OS.time" in columns:
        return "cdr"
    if "bcr_patient_barcode" in columns and "vital_status" in columns:
        return "biotab"
    return "table"


def _numeric_column(df: pd.DataFrame, column: str) -> pd.Series:
    """``column`` as numbers (unparseable -> NaN); all NaN when the table lacks it."""
    if column not in df.columns:
        return pd.Series(np.nan, index=df.index, dtype="float64")
    return pd.to_numeric(df[column], errors="coerce")
