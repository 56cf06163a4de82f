"""Drug-response tables of preclinical models (organoids, cell lines) -> one tidy long table.

Formats (``fmt``):

- ``long``: one row per (sample, drug) with a numeric value (TSV / CSV, delimiter sniffed).
- ``wide``: samples x drugs (first column, or ``sample_col``, holds the sample ids).
- ``organoid_median``: van de Wetering 2015 / Kong 2020 ``median_response.txt``
  (``Organoid``, ``Drug Name``, ``median_IC50``).
- ``replicates``: per-replicate tables such as van de Wetering Table S2b (``Organoid``,
  ``Drug_ID``, ``Drug Name``, ``IC50``, ``AUC``); replicates are aggregated by median.
- ``gdsc``: GDSC1000 ``IC50_v17.csv(.gz)`` (``COSMIC_ID`` x ``Drug_<id>_IC50``), drug names
  from ``GDSC_Screened_Compounds.txt`` or ``DRUG_DECODE.csv`` given as ``drug_annotation``.

IC50 values of the GDSC pipeline (GDSC1000 and the organoid screen run with it) are natural
logs of micromolar concentrations (negative values occur), so those formats report the
measure ``lnIC50``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from netmarker.errors import DataError, InputError
from netmarker.ids.drugs import DrugSynonyms
from netmarker.io.tables import is_missing, read_text_table

ResponseFormat = Literal["auto", "long", "wide", "organoid_median", "replicates", "gdsc"]
Aggregate = Literal["median", "mean"]

_SAMPLE_NAMES = ("sample", "sample_id", "organoid", "cell_line", "cosmic_id", "model", "patient")
_DRUG_NAMES = ("drug", "drug_name", "drug name", "compound", "drug.name")
_VALUE_NAMES = ("value", "ln_ic50", "lnic50", "ic50", "median_ic50", "auc", "response")
_GDSC_COLUMN = re.compile(r"^Drug_(\d+)_IC50$")
_MEASURES = {"ic50": "IC50", "ln_ic50": "lnIC50", "lnic50": "lnIC50", "auc": "AUC"}


def to_numbers(path: str | Path, values: pd.Series, column: str, first_line: int = 2) -> pd.Series:
    """Parse a string column to float (missing markers -> NaN); non-numbers raise InputError."""
    missing = is_missing(values)
    parsed = pd.to_numeric(values.where(~missing), errors="coerce")
    bad = parsed.isna() & ~missing
    if bad.any():
        pos = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(
            path,
            f"non-numeric value {values.iloc[pos]!r} in column {column!r}",
            first_line + pos,
        )
    return parsed.astype(float)


@dataclass
class ResponseReport:
    """What a response reader read, kept, aggregated and could not resolve."""

    path: str
    format: str
    rows_read: int = 0
    values_missing: int = 0
    duplicates_identical: int = 0
    duplicates_aggregated: int = 0
    aggregate: str | None = None
    unknown_drugs: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    samples: int = 0
    drugs: int = 0
    measures: list[str] = field(default_factory=list)
    #: measure -> the file column it was read from
    measure_columns: dict[str, str] = field(default_factory=dict)

    def summary(self) -> str:
        """One line for logs."""
        s = (
            f"{self.path} [{self.format}]: {self.rows_read} rows, {self.samples} samples x "
            f"{self.drugs} drugs ({', '.join(self.measures)}); {self.values_missing} missing "
            f"values dropped"
        )
        if self.duplicates_aggregated:
            s += f"; {self.duplicates_aggregated} duplicate rows aggregated by {self.aggregate}"
        if self.unknown_drugs:
            s += f"; {len(self.unknown_drugs)} drug names not in the synonym table"
        return s


@dataclass
class ResponseData:
    """Long response table (``sample``, ``drug``, ``value``, ``measure``, ``drug_raw``
    [, ``drug_id``]) and the reading report. ``drug`` is the canonical (upper-case) name."""

    table: pd.DataFrame
    report: ResponseReport
    synonyms: DrugSynonyms = field(default_factory=DrugSynonyms, repr=False)

    @property
    def measures(self) -> list[str]:
        return sorted(self.table["measure"].unique())

    def for_drug(self, drug: str, measure: str | None = None) -> pd.Series:
        """Values of one drug indexed by sample (``drug`` is resolved like the table's names)."""
        t = self._one_measure(measure)
        key = resolve_drug(drug, self.synonyms)
        sub = t[t["drug"] == key]
        if sub.empty:
            raise KeyError(f"drug {drug!r} not in {self.report.path}")
        if sub["sample"].duplicated().any():
            raise ValueError(f"drug {drug!r} has several ids per sample; select by drug_id")
        return sub.set_index("sample")["value"].rename(key)

    def matrix(self, measure: str | None = None) -> pd.DataFrame:
        """Samples x drugs matrix of one measure (NaN where not measured).

        Samples stay in the file's order (the order in which the CLI pairs them with
        expression); drugs are sorted by name.
        """
        t = self._one_measure(measure)
        col = "drug_id" if "drug_id" in t and t.duplicated(["sample", "drug"]).any() else "drug"
        wide = t.pivot(index="sample", columns=col, values="value")
        return wide.reindex(pd.unique(t["sample"]))

    def resolve_measure(self, measure: str | None) -> str:
        """The table's measure named by ``measure``: a measure (``lnIC50``) or the file's own
        column name (``IC50``, ``median_IC50``), any case; None when there is only one.
        Raises :class:`DataError` listing the valid names otherwise."""
        ms = self.measures
        if measure is None:
            if len(ms) == 1:
                return ms[0]
            raise DataError(
                self.report.path,
                f"several measures in the file: {self._listing()}; choose one with --measure",
            )
        by_name = {m.lower(): m for m in ms}
        by_name.update({c.lower(): m for m, c in self.report.measure_columns.items() if m in ms})
        found = by_name.get(measure.strip().lower())
        if found is None:
            raise DataError(
                self.report.path,
                f"no response measure {measure!r}; use one of {self._listing()}",
            )
        return found

    def _listing(self) -> str:
        """``lnIC50 (column IC50), AUC`` for messages."""
        cols = self.report.measure_columns
        return ", ".join(
            f"{m} (column {cols[m]})" if cols.get(m, m) != m else m for m in self.measures
        )

    def _one_measure(self, measure: str | None) -> pd.DataFrame:
        return self.table[self.table["measure"] == self.resolve_measure(measure)]


def read_response(
    path: str | Path,
    *,
    fmt: ResponseFormat = "auto",
    sample_col: str | None = None,
    drug_col: str | None = None,
    value_col: str | None = None,
    measure: str | None = None,
    synonyms: DrugSynonyms | None = None,
    aggregate: Aggregate | None = None,
    drug_annotation: str | Path | None = None,
) -> ResponseData:
    """Read a drug-response table into a long table of (sample, drug, value, measure).

    Drug names are resolved with ``synonyms`` (built-in abbreviations when None). Missing
    values are dropped and counted. Rows repeating a (sample, drug, measure) with the same
    value are collapsed; with different values they raise InputError unless ``aggregate``
    is given (the ``replicates`` format aggregates by median unless told otherwise).
    """
    syn = synonyms if synonyms is not None else DrugSynonyms()
    df, notes = read_text_table(path)
    kind = _detect(df, fmt, sample_col, drug_col, value_col) if fmt == "auto" else fmt
    report = ResponseReport(path=str(path), format=kind, notes=notes)
    report.rows_read = int((df != "").any(axis=1).sum())
    if report.rows_read == 0:
        raise InputError(path, "no data rows under the header", 2)
    if kind == "gdsc":
        long = _gdsc(path, df, drug_annotation, report)
    elif kind == "wide":
        long = _wide(path, df, sample_col, measure, report)
    else:
        long = _long(path, df, kind, sample_col, drug_col, value_col, measure, report)
        if kind == "replicates" and aggregate is None:
            aggregate = "median"
    long = long[long["sample"] != ""]
    long["drug_raw"] = long["drug"]
    long["drug"] = long["drug"].map(lambda name: resolve_drug(name, syn))
    report.unknown_drugs = sorted({d for d in long["drug_raw"].unique() if d not in syn})
    table = _deduplicate(path, long, aggregate, report)
    order = ["sample", "drug", "value", "measure", "drug_raw"]
    table = table[order + [c for c in table.columns if c not in order]]
    report.samples = int(table["sample"].nunique())
    report.drugs = int(table["drug"].nunique())
    report.measures = sorted(table["measure"].unique())
    return ResponseData(table=table.reset_index(drop=True), report=report, synonyms=syn)


def resolve_drug(name: str, synonyms: DrugSynonyms) -> str:
    """Canonical name of ``name``; for unknown ``code/name`` pairs (``INCB-18424/Ruxolitinib``)
    the first part the table knows; else the normalised name."""
    known = synonyms.canonical(name)
    if known is not None:
        return known
    if "/" in name:
        for part in name.split("/"):
            known = synonyms.canonical(part)
            if known is not None:
                return known
    return synonyms.resolve(name)


def _find(columns: list[str], given: str | None, names: tuple[str, ...]) -> str | None:
    if given is not None:
        return given
    lower = {c.lower(): c for c in columns}
    return next((lower[n] for n in names if n in lower), None)


def _detect(
    df: pd.DataFrame,
    fmt: str,
    sample_col: str | None,
    drug_col: str | None,
    value_col: str | None,
) -> str:
    cols = list(df.columns)
    if "COSMIC_ID" in cols and any(_GDSC_COLUMN.match(c) for c in cols):
        return "gdsc"
    if "median_IC50" in cols and "Organoid" in cols:
        return "organoid_median"
    if {"Organoid", "Drug_ID", "IC50", "AUC"} <= set(cols):
        return "replicates"
    if _find(cols, drug_col, _DRUG_NAMES) and _find(cols, value_col, _VALUE_NAMES):
        return "long"
    return "wide"


def _long(
    path: str | Path,
    df: pd.DataFrame,
    kind: str,
    sample_col: str | None,
    drug_col: str | None,
    value_col: str | None,
    measure: str | None,
    report: ResponseReport,
) -> pd.DataFrame:
    cols = list(df.columns)
    if kind == "organoid_median":
        sample_col, drug_col = sample_col or "Organoid", drug_col or "Drug Name"
        value_cols = [value_col or "median_IC50"]
    elif kind == "replicates":
        sample_col, drug_col = sample_col or "Organoid", drug_col or "Drug Name"
        value_cols = [value_col] if value_col else [c for c in ("IC50", "AUC") if c in cols]
    else:
        sample_col = _find(cols, sample_col, _SAMPLE_NAMES) or cols[0]
        drug_col = _find(cols, drug_col, _DRUG_NAMES)
        found = _find(cols, value_col, _VALUE_NAMES)
        value_cols = [found] if found else []
    needed = [c for c in (sample_col, drug_col, *value_cols) if c is not None]
    missing = [c for c in needed if c not in cols]
    if drug_col is None or not value_cols or missing:
        what = missing or ["drug" if drug_col is None else "value"]
        raise InputError(path, f"missing column(s) {what}; columns are {cols[:12]}", 1)
    id_col = "Drug_ID" if kind == "replicates" and "Drug_ID" in cols else None
    parts = []
    for vc in value_cols:
        report.measure_columns[measure or _measure_name(vc, kind)] = vc
        part = pd.DataFrame(
            {
                "sample": df[sample_col].str.strip(),
                "drug": df[drug_col].str.strip(),
                "value": to_numbers(path, df[vc], vc),
                "measure": measure or _measure_name(vc, kind),
                "line": np.arange(2, len(df) + 2),
            }
        )
        if id_col:
            part["drug_id"] = df[id_col].str.strip()
        parts.append(_drop_missing(part, report))
    return pd.concat(parts, ignore_index=True)


def _measure_name(column: str, kind: str) -> str:
    name = column.lower().removeprefix("median_")
    if kind in ("organoid_median", "replicates", "gdsc") and name == "ic50":
        return "lnIC50"
    return _MEASURES.get(name, column)


def _drop_missing(part: pd.DataFrame, report: ResponseReport) -> pd.DataFrame:
    na = part["value"].isna() & (part["sample"] != "")
    report.values_missing += int(na.sum())
    return part[~part["value"].isna()]


def _wide(
    path: str | Path,
    df: pd.DataFrame,
    sample_col: str | None,
    measure: str | None,
    report: ResponseReport,
) -> pd.DataFrame:
    sample_col = sample_col or df.columns[0]
    if sample_col not in df.columns:
        raise InputError(path, f"missing sample column {sample_col!r}", 1)
    drugs = [c for c in df.columns if c != sample_col]
    if not drugs:
        raise InputError(path, "no drug columns next to the sample column", 1)
    samples = df[sample_col].str.strip()
    dup = samples[samples.duplicated() & (samples != "")]
    if not dup.empty:
        raise InputError(path, f"duplicate sample {dup.iloc[0]!r}", int(dup.index[0]) + 2)
    values = pd.DataFrame({d: to_numbers(path, df[d], d) for d in drugs})
    values.index = pd.Index(samples, name="sample")
    values["line"] = np.arange(2, len(df) + 2)
    long = values.melt(id_vars="line", var_name="drug", value_name="value", ignore_index=False)
    long = long.reset_index()
    long["measure"] = measure or "value"
    return _drop_missing(long, report)


def _gdsc(
    path: str | Path,
    df: pd.DataFrame,
    annotation: str | Path | None,
    report: ResponseReport,
) -> pd.DataFrame:
    ids = {c: _GDSC_COLUMN.match(c) for c in df.columns}
    drug_cols = {c: m.group(1) for c, m in ids.items() if m}
    names = _gdsc_drug_names(annotation) if annotation else {}
    if not annotation:
        report.notes.append("no drug annotation given: drugs are named GDSC:<id>")
    unnamed = sorted({i for i in drug_cols.values() if i not in names}, key=int)
    if annotation and unnamed:
        report.notes.append(f"{len(unnamed)} drug ids not in {annotation}: {unnamed[:10]}")
    wide = df[["COSMIC_ID", *drug_cols]].rename(columns={"COSMIC_ID": "sample"})
    long = _wide(path, wide, "sample", "lnIC50", report)
    long["drug_id"] = long["drug"].map(drug_cols)
    long["drug"] = long["drug_id"].map(lambda i: names.get(i, f"GDSC:{i}"))
    return long


def _gdsc_drug_names(path: str | Path) -> dict[str, str]:
    """GDSC drug id -> name from ``GDSC_Screened_Compounds.txt`` or ``DRUG_DECODE.csv``."""
    df, _ = read_text_table(path)
    if {"DRUG_ID", "DRUG_NAME"} - set(df.columns):
        raise InputError(path, "GDSC drug annotation needs columns DRUG_ID and DRUG_NAME", 1)
    out: dict[str, str] = {}
    for line, (raw_id, name) in enumerate(zip(df["DRUG_ID"], df["DRUG_NAME"], strict=True), 2):
        m = _GDSC_COLUMN.match(raw_id.strip()) or re.match(r"^(\d+)$", raw_id.strip())
        if m is None:
            raise InputError(path, f"bad DRUG_ID {raw_id!r}", line)
        out[m.group(1)] = name.strip()
    return out


def _deduplicate(
    path: str | Path, long: pd.DataFrame, aggregate: Aggregate | None, report: ResponseReport
) -> pd.DataFrame:
    key = ["sample", "drug", "measure"] + (["drug_id"] if "drug_id" in long else [])
    identical = long.duplicated([*key, "value"])
    report.duplicates_identical = int(identical.sum())
    long = long[~identical]
    dup = long.duplicated(key, keep=False)
    if dup.any() and aggregate is None:
        rows = long[dup].sort_values([*key, "line"])
        first = rows.iloc[0]
        others = rows[(rows[key] == first[key]).all(axis=1)]["line"].tolist()
        raise InputError(
            path,
            f"conflicting values for sample {first['sample']!r}, drug {first['drug_raw']!r} "
            f"on lines {others}; pass an aggregate (median/mean) to combine replicates",
            int(others[-1]),
        )
    if dup.any():
        report.aggregate = aggregate
        report.duplicates_aggregated = int(dup.sum())
        first_raw = long.groupby(key, sort=False)["drug_raw"].first()
        agg = long.groupby(key, sort=False)["value"].agg(aggregate)
        long = pd.concat([agg, first_raw], axis=1).reset_index()
    return long.drop(columns="line", errors="ignore")
