"""``fetch gdc``: a GDC project's tumour expression, sample sheet and clinical data.

Follows the GDC API Users Guide (docs.gdc.cancer.gov/API/Users_Guide): ``/files`` and
``/cases`` searched with POSTed JSON ``filters`` / ``fields`` / ``size`` / ``from`` and read
page by page from ``data.hits`` and ``data.pagination``; ``/data`` downloads one file by GET
(``/data/<file_id>``) or several by POST (``{"ids": [...]}``, answered with a ``.tar.gz`` of
``<file_id>/<file_name>`` members). Every file is checked against the ``md5sum`` that
``/files`` gives before it is kept.

What lands in ``dest``:

- ``raw/<file_id>/<file_name>``: the STAR - Counts files of the primary tumours, as the GDC
  delivered them (md5-verified; a rerun downloads only files missing or failing their md5);
- ``expression/<file_name stem>.<column>[.log2].tsv.gz``: per case, gene id and the chosen
  value column, the two-column form ``predict --sample-sheet`` reads;
- ``sample_sheet.tsv``: ``File ID``, ``File Name`` (the file in ``expression/``), ``Case ID``,
  ``Sample ID``, ``Sample Type``, ... as the GDC portal's sample sheet, one file per case;
- ``clinical.tsv``: ``patient``, ``time_months``, ``event`` (overall survival, what
  ``evaluate -c`` reads), ``vital_status``, ``days_to_death``, ``days_to_last_follow_up``,
  ``age_at_diagnosis_years``, ``stage``; ``treatments.tsv``: one row per GDC treatment record;
- ``clinical/``: the project's BCR Biotab clinical tables (TCGA: patient and drug tables,
  read by :func:`netmarker.io.clinical.read_tcga_biotab_drug`);
- ``MANIFEST.json``: every file with its URL, bytes, sha256 and md5, plus the query.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import tarfile
import tempfile
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import requests

from netmarker.errors import NetmarkerError
from netmarker.fetch.download import (
    DownloadError,
    _describe,
    download,
    file_md5,
    http_session,
    update_manifest,
)
from netmarker.fetch.sources import HttpOptions
from netmarker.io.clinical import DAYS_PER_MONTH
from netmarker.io.common import file_checksum
from netmarker.io.output import write_table

GDC_API = "https://api.gdc.cancer.gov"

#: ``--value`` choices -> the column of a GDC STAR - Counts file.
VALUE_COLUMNS = {
    "tpm": "tpm_unstranded",
    "fpkm_uq": "fpkm_uq_unstranded",
    "fpkm": "fpkm_unstranded",
    "counts": "unstranded",
}

FILE_FIELDS = [
    "file_id",
    "file_name",
    "md5sum",
    "file_size",
    "data_category",
    "data_type",
    "data_format",
    "cases.case_id",
    "cases.submitter_id",
    "cases.project.project_id",
    "cases.samples.submitter_id",
    "cases.samples.sample_id",
    "cases.samples.sample_type",
]

CASE_FIELDS = [
    "case_id",
    "submitter_id",
    "project.project_id",
    "demographic.vital_status",
    "demographic.days_to_death",
    "demographic.age_at_index",
    "demographic.gender",
    "diagnoses.days_to_death",
    "diagnoses.days_to_last_follow_up",
    "diagnoses.age_at_diagnosis",
    "diagnoses.ajcc_pathologic_stage",
    "diagnoses.tumor_stage",
    "diagnoses.treatments.treatment_type",
    "diagnoses.treatments.treatment_or_therapy",
    "diagnoses.treatments.therapeutic_agents",
    "diagnoses.treatments.days_to_treatment_start",
    "diagnoses.treatments.days_to_treatment_end",
    "follow_ups.days_to_follow_up",
]

Progress = Callable[[str, int, int | None], None]


def _eq(name: str, value: str | list[str]) -> dict[str, Any]:
    return {
        "op": "in",
        "content": {"field": name, "value": value if isinstance(value, list) else [value]},
    }


def expression_filter(project: str, sample_type: str = "Primary Tumor") -> dict[str, Any]:
    """``/files`` filter: the project's open STAR - Counts gene expression of one sample type."""
    return {
        "op": "and",
        "content": [
            _eq("cases.project.project_id", project),
            _eq("files.data_category", "Transcriptome Profiling"),
            _eq("files.data_type", "Gene Expression Quantification"),
            _eq("files.analysis.workflow_type", "STAR - Counts"),
            _eq("files.access", "open"),
            _eq("cases.samples.sample_type", sample_type),
        ],
    }


def biotab_filter(project: str) -> dict[str, Any]:
    """``/files`` filter: the project's BCR Biotab clinical tables."""
    return {
        "op": "and",
        "content": [
            _eq("cases.project.project_id", project),
            _eq("files.data_category", "Clinical"),
            _eq("files.data_format", "BCR Biotab"),
            _eq("files.access", "open"),
        ],
    }


@dataclass
class GdcClient:
    """The GDC API at ``base_url`` (default: the live service), spoken to politely."""

    base_url: str = GDC_API
    options: HttpOptions = field(default_factory=HttpOptions)
    session: requests.Session | None = None
    _last: float = 0.0

    def __post_init__(self) -> None:
        self.base_url = self.base_url.rstrip("/")
        if self.session is None:
            self.session = http_session(self.options)

    def _wait(self) -> None:
        # one request at a time, ``pause`` seconds apart: the API is shared by everyone
        gap = self.options.pause - (time.monotonic() - self._last)
        if gap > 0:
            time.sleep(gap)
        self._last = time.monotonic()

    def post_json(self, endpoint: str, payload: dict[str, Any]) -> dict[str, Any]:
        """POST ``payload`` to ``endpoint``; the decoded JSON answer."""
        self._wait()
        url = f"{self.base_url}/{endpoint}"
        assert self.session is not None
        try:
            resp = self.session.post(url, json=payload, timeout=self.options.timeout)
            resp.raise_for_status()
            answer: dict[str, Any] = resp.json()
            return answer
        except requests.RequestException as exc:
            raise NetmarkerError(f"GDC request {url} failed: {_describe(exc)}") from exc
        except ValueError as exc:
            raise NetmarkerError(f"GDC request {url} did not answer JSON: {exc}") from exc

    def status(self) -> dict[str, Any]:
        """``/status``: API version and data release."""
        self._wait()
        assert self.session is not None
        try:
            resp = self.session.get(f"{self.base_url}/status", timeout=self.options.timeout)
            resp.raise_for_status()
            answer: dict[str, Any] = resp.json()
            return answer
        except (requests.RequestException, ValueError) as exc:
            raise NetmarkerError(
                f"the GDC API at {self.base_url} is not reachable: {_describe(exc)}"
            ) from exc

    def search(
        self, endpoint: str, filters: dict[str, Any], fields: list[str], *, page_size: int = 500
    ) -> Iterator[dict[str, Any]]:
        """Every hit of a ``/files`` or ``/cases`` search, page by page (``from`` / ``size``)."""
        start, total = 0, None
        while total is None or start < total:
            answer = self.post_json(
                endpoint,
                {
                    "filters": filters,
                    "fields": ",".join(fields),
                    "format": "JSON",
                    "size": page_size,
                    "from": start,
                },
            )
            try:
                hits = answer["data"]["hits"]
                total = int(answer["data"]["pagination"]["total"])
            except (KeyError, TypeError, ValueError) as exc:
                raise NetmarkerError(
                    f"GDC {endpoint} answer without data.hits / data.pagination.total"
                ) from exc
            if not hits and start < total:
                raise NetmarkerError(
                    f"GDC {endpoint} returned an empty page at from={start} of {total}"
                )
            yield from hits
            start += len(hits)


@dataclass
class GdcFetchResult:
    """What :func:`fetch_gdc` did: counts, files, and where things are."""

    dest: Path
    n_files: int
    n_downloaded: int
    n_cases_clinical: int
    n_treatment_records: int
    duplicates_dropped: list[str]
    biotab: list[str]
    data_release: str
    sample_sheet: Path
    expression_dir: Path
    clinical: Path

    def summary(self) -> dict[str, Any]:
        return {
            "expression files (one per case)": self.n_files,
            "downloaded now": self.n_downloaded,
            "already present (md5 verified)": self.n_files - self.n_downloaded,
            "extra tumour files dropped": len(self.duplicates_dropped),
            "cases with clinical data": self.n_cases_clinical,
            "treatment records": self.n_treatment_records,
            "BCR Biotab tables": len(self.biotab),
            "GDC data release": self.data_release,
        }


def fetch_gdc(
    project: str,
    dest: str | Path,
    *,
    value: str = "fpkm_uq",
    log2: bool = True,
    base_url: str = GDC_API,
    options: HttpOptions | None = None,
    batch_size: int = 50,
    page_size: int = 500,
    limit: int | None = None,
    progress: Progress | None = None,
) -> GdcFetchResult:
    """Fetch ``project``'s primary-tumour expression, sample sheet and clinical data.

    ``value`` picks the STAR - Counts column (tpm, fpkm_uq, fpkm, counts) written to the
    per-case files, as ``log2(value + 1)`` with ``log2``. Files are downloaded
    ``batch_size`` at a time (a ``.tar.gz`` per batch). ``limit`` keeps the first N cases
    (for a quick look). A rerun downloads only what is missing or fails its md5.
    """
    if value not in VALUE_COLUMNS:
        raise NetmarkerError(f"unknown --value {value!r}; use one of {', '.join(VALUE_COLUMNS)}")
    if batch_size < 1 or page_size < 1:
        raise NetmarkerError("batch and page sizes must be >= 1")
    opts = options or HttpOptions()
    out = Path(dest)
    out.mkdir(parents=True, exist_ok=True)
    _clean_partials(out)
    client = GdcClient(base_url, opts)
    say = progress or (lambda *_: None)
    release = str(client.status().get("data_release", "unknown"))

    say("listing files", 0, None)
    hits = list(
        client.search("files", expression_filter(project), FILE_FIELDS, page_size=page_size)
    )
    if not hits:
        raise NetmarkerError(
            f"the GDC has no open STAR - Counts primary-tumour expression for project {project!r}"
        )
    table, dropped = _one_file_per_case(hits, project)
    if limit is not None:
        table = table.head(limit)

    raw = out / "raw"
    missing = [
        r
        for r, file_id, file_name, md5 in zip(
            table.itertuples(), table["file_id"], table["file_name"], table["md5sum"], strict=True
        )
        if not _verified(raw, file_id, file_name, md5)
    ]
    records: list[dict[str, object]] = []
    failures: list[str] = []
    done = len(table) - len(missing)
    say("downloading expression files", done, len(table))
    n_failed = 0
    for start in range(0, len(missing), batch_size):
        batch = missing[start : start + batch_size]
        got, failed = _download_batch(client, batch, raw, out)
        records += got
        failures += failed
        n_failed += len(batch) - len(got)
        done += len(got)
        say("downloading expression files", done, len(table))
        if records:
            update_manifest(out / "MANIFEST.json", records)
            records = []
    if failures:
        raise DownloadError(
            f"{n_failed} of {len(table)} GDC files could not be fetched ({failures[0]}"
            f"{' ...' if len(failures) > 1 else ''}); the others are kept: run the same "
            "command again to resume"
        )

    say("writing per-case expression files", 0, len(table))
    expr_dir = out / "expression"
    names = _write_expression(table, raw, expr_dir, VALUE_COLUMNS[value], log2)
    sheet = _sample_sheet(table, names, project)
    sheet_path = write_table(sheet, out / "sample_sheet.tsv")

    say("fetching clinical data", 0, None)
    cases = list(
        client.search("cases", _eq("project.project_id", project), CASE_FIELDS, page_size=page_size)
    )
    clinical, treatments = clinical_tables(cases)
    clinical_path = write_table(clinical, out / "clinical.tsv")
    write_table(treatments, out / "treatments.tsv")

    biotab = _fetch_biotab(client, project, out, page_size)
    derived = [
        _derived_record(out, p, note)
        for p, note in (
            (sheet_path, f"sample sheet: {len(sheet)} files, one per case"),
            (clinical_path, "overall survival from /cases (patient, time_months, event)"),
            (out / "treatments.tsv", "treatment records from /cases"),
        )
    ]
    update_manifest(out / "MANIFEST.json", derived)
    _write_query(out, project, base_url, release, value, log2, len(table), dropped)
    return GdcFetchResult(
        dest=out,
        n_files=len(table),
        n_downloaded=len(missing),
        n_cases_clinical=len(clinical),
        n_treatment_records=len(treatments),
        duplicates_dropped=dropped,
        biotab=biotab,
        data_release=release,
        sample_sheet=sheet_path,
        expression_dir=expr_dir,
        clinical=clinical_path,
    )


# -- files -------------------------------------------------------------------------------


def _one_file_per_case(hits: list[dict[str, Any]], project: str) -> tuple[pd.DataFrame, list[str]]:
    """One row per file (case, sample); then one file per case: the first sample barcode
    (``-01A`` before ``-01B``), then the first file name. Returns the dropped file ids too."""
    rows = []
    for h in hits:
        cases = h.get("cases") or []
        if len(cases) != 1:
            raise NetmarkerError(f"GDC file {h.get('file_id')} belongs to {len(cases)} cases")
        case = cases[0]
        samples = case.get("samples") or []
        sample = samples[0] if samples else {}
        rows.append(
            {
                "file_id": h["file_id"],
                "file_name": h["file_name"],
                "md5sum": h["md5sum"],
                "file_size": int(h.get("file_size") or 0),
                "data_category": h.get("data_category", ""),
                "data_type": h.get("data_type", ""),
                "case_id": case.get("submitter_id", ""),
                "case_uuid": case.get("case_id", ""),
                "project_id": (case.get("project") or {}).get("project_id", project),
                "sample_id": ",".join(s.get("submitter_id", "") for s in samples),
                "sample_type": sample.get("sample_type", ""),
            }
        )
    df = pd.DataFrame(rows).sort_values(["case_id", "sample_id", "file_name"])
    first = ~df["case_id"].duplicated()
    dropped = df.loc[~first, "file_id"].tolist()
    return df[first].reset_index(drop=True), dropped


def _verified(raw: Path, file_id: str, file_name: str, md5: str) -> bool:
    path = raw / file_id / file_name
    return path.is_file() and file_md5(path) == md5.lower()


def _clean_partials(out: Path) -> None:
    """Remove what a killed fetch left half-written (temporary names only)."""
    for pattern in (".*.part", ".*.tmp"):
        for p in out.rglob(pattern):
            p.unlink(missing_ok=True)
    shutil.rmtree(out / ".incoming", ignore_errors=True)


def _download_batch(
    client: GdcClient, batch: list[Any], raw: Path, out: Path
) -> tuple[list[dict[str, object]], list[str]]:
    """Download one batch; keep every member whose md5 matches. (records, failures)."""
    records: list[dict[str, object]] = []
    failures: list[str] = []
    if len(batch) == 1:
        r = batch[0]
        client._wait()
        try:
            got = download(
                f"{client.base_url}/data/{r.file_id}",
                raw / r.file_id / r.file_name,
                session=client.session,
                options=client.options,
                md5=r.md5sum,
                size=r.file_size or None,
            )
        except DownloadError as exc:
            return [], [f"{r.file_id}: {exc}"]
        return [_raw_record(got.path, out, r, got.url, got.sha256)], []
    incoming = out / ".incoming"
    incoming.mkdir(exist_ok=True)
    bundle = incoming / "bundle.tar.gz"
    for attempt in range(client.options.retries + 1):
        client._wait()
        try:
            download(
                f"{client.base_url}/data",
                bundle,
                session=client.session,
                options=client.options,
                json_body={"ids": [r.file_id for r in batch]},
            )
            records, failures = _unpack(bundle, batch, raw, out, f"{client.base_url}/data")
        except DownloadError as exc:  # already retried (status, short body) inside download
            failures = [f"batch of {len(batch)} files: {exc}"]
        except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
            # a complete body that is no valid .tar.gz: fetch the batch again
            failures = [f"batch of {len(batch)} files: not a valid .tar.gz ({exc})"]
            if attempt < client.options.retries:
                time.sleep(client.options.backoff * 2**attempt)
                continue
        break
    shutil.rmtree(incoming, ignore_errors=True)
    return records, failures


def _unpack(
    bundle: Path, batch: list[Any], raw: Path, out: Path, url: str
) -> tuple[list[dict[str, object]], list[str]]:
    """Take the wanted members out of a GDC ``.tar.gz``; md5 checked before each rename."""
    wanted = {f"{r.file_id}/{r.file_name}": r for r in batch}
    records: list[dict[str, object]] = []
    found: set[str] = set()
    failures: list[str] = []
    with tarfile.open(bundle, "r:gz") as tar:
        for member in tar:
            r = wanted.get(member.name)
            if r is None or not member.isfile():
                continue  # MANIFEST.txt, or anything not asked for (never extracted)
            found.add(member.name)
            target = raw / r.file_id / r.file_name
            target.parent.mkdir(parents=True, exist_ok=True)
            src = tar.extractfile(member)
            assert src is not None
            fd, tmp_name = tempfile.mkstemp(
                prefix=f".{r.file_name}.", suffix=".part", dir=target.parent
            )
            tmp = Path(tmp_name)
            try:
                with os.fdopen(fd, "wb") as fh:
                    shutil.copyfileobj(src, fh, 1 << 20)
                md5 = file_md5(tmp)
                if md5 != r.md5sum.lower():
                    failures.append(f"{r.file_id}: md5 {md5}, expected {r.md5sum} (rejected)")
                    continue
                os.replace(tmp, target)
            finally:
                tmp.unlink(missing_ok=True)
            records.append(_raw_record(target, out, r, url, None))
    for name in sorted(set(wanted) - found):
        failures.append(f"{wanted[name].file_id}: not in the downloaded bundle")
    return records, failures


def _raw_record(path: Path, out: Path, r: Any, url: str, sha256: str | None) -> dict[str, object]:
    return {
        "file": str(path.relative_to(out)),
        "url": url,
        "file_id": r.file_id,
        "bytes": path.stat().st_size,
        "md5": r.md5sum.lower(),
        "md5_verified": True,
        "sha256": sha256 or file_checksum(path),
        "downloaded_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "note": f"GDC STAR - Counts, case {r.case_id}",
    }


def _derived_record(out: Path, path: Path, note: str) -> dict[str, object]:
    return {
        "file": str(path.relative_to(out)),
        "url": None,
        "bytes": path.stat().st_size,
        "sha256": file_checksum(path),
        "written_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "note": note,
    }


# -- expression ----------------------------------------------------------------------------


def read_star_counts(path: Path, column: str) -> pd.Series:
    """One column of a GDC STAR - Counts file, indexed by gene id (``N_*`` rows skipped)."""
    df = pd.read_csv(path, sep="\t", comment="#", dtype={"gene_id": str})
    if "gene_id" not in df.columns or column not in df.columns:
        raise NetmarkerError(
            f"{path}: not a GDC STAR - Counts file (needs columns gene_id and {column})"
        )
    df = df[~df["gene_id"].str.startswith("N_")]
    values = pd.to_numeric(df[column], errors="coerce")
    if values.isna().any():
        raise NetmarkerError(
            f"{path}: non-numeric {column} for gene {df['gene_id'][values.isna()].iloc[0]}"
        )
    return pd.Series(values.to_numpy(), index=df["gene_id"].to_numpy(), name=column)


def _write_expression(
    table: pd.DataFrame, raw: Path, expr_dir: Path, column: str, log2: bool
) -> list[str]:
    expr_dir.mkdir(parents=True, exist_ok=True)
    names = []
    suffix = f".{column}{'.log2' if log2 else ''}.tsv.gz"
    for file_id, file_name in zip(table["file_id"], table["file_name"], strict=True):
        stem = file_name.removesuffix(".tsv")
        name = stem + suffix
        names.append(name)
        target = expr_dir / name
        source = raw / file_id / file_name
        if target.is_file() and target.stat().st_mtime >= source.stat().st_mtime:
            continue
        values = read_star_counts(source, column)
        if log2:
            values = np.log2(values + 1.0)
        tmp = expr_dir / f".{name}.part"
        values.round(6).to_csv(tmp, sep="\t", header=False, compression="gzip")
        os.replace(tmp, target)
    return names


def _sample_sheet(table: pd.DataFrame, names: list[str], project: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "File ID": table["file_id"],
            "File Name": names,
            "Data Category": table["data_category"],
            "Data Type": table["data_type"],
            "Project ID": table["project_id"].replace("", project),
            "Case ID": table["case_id"],
            "Sample ID": table["sample_id"],
            "Sample Type": table["sample_type"],
            "Source File": table["file_name"],
            "md5sum": table["md5sum"],
        }
    )


# -- clinical ------------------------------------------------------------------------------


def _numbers(items: list[dict[str, Any]], key: str) -> list[float]:
    out = []
    for item in items:
        v = item.get(key)
        if isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v):
            out.append(float(v))
    return out


def clinical_tables(cases: list[dict[str, Any]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``/cases`` hits -> (one row per case with overall survival, one row per treatment).

    OS: dead -> ``days_to_death`` (demographic, else diagnoses), alive -> the largest
    ``days_to_last_follow_up`` (diagnoses, else follow_ups ``days_to_follow_up``); months =
    days / 30.4375. Cases without a usable status or time keep empty ``time_months``/``event``.
    """
    rows, treatments = [], []
    for case in cases:
        patient = case.get("submitter_id", "")
        demo = case.get("demographic") or {}
        diagnoses = case.get("diagnoses") or []
        follow_ups = case.get("follow_ups") or []
        status = (demo.get("vital_status") or "").strip()
        death = _numbers([demo], "days_to_death") or _numbers(diagnoses, "days_to_death")
        last = _numbers(diagnoses, "days_to_last_follow_up") or _numbers(
            follow_ups, "days_to_follow_up"
        )
        days, event = np.nan, np.nan
        if status.lower() == "dead" and death:
            days, event = max(death), 1
        elif status.lower() == "alive" and last:
            days, event = max(last), 0
        if not np.isnan(days) and days < 0:
            days, event = np.nan, np.nan
        age = _numbers(diagnoses, "age_at_diagnosis")
        stages = [
            d.get("ajcc_pathologic_stage") or d.get("tumor_stage")
            for d in diagnoses
            if d.get("ajcc_pathologic_stage") or d.get("tumor_stage")
        ]
        rows.append(
            {
                "patient": patient,
                "time_months": days / DAYS_PER_MONTH,
                "event": event,
                "vital_status": status,
                "days_to_death": max(death) if death else np.nan,
                "days_to_last_follow_up": max(last) if last else np.nan,
                "age_at_diagnosis_years": min(age) / 365.25 if age else np.nan,
                "age_at_index": demo.get("age_at_index"),
                "gender": demo.get("gender"),
                "stage": stages[0] if stages else "",
                "case_uuid": case.get("case_id", ""),
            }
        )
        for d in diagnoses:
            for t in d.get("treatments") or []:
                agents = t.get("therapeutic_agents")
                treatments.append(
                    {
                        "patient": patient,
                        "treatment_type": t.get("treatment_type"),
                        "treatment_or_therapy": t.get("treatment_or_therapy"),
                        "therapeutic_agents": "; ".join(agents)
                        if isinstance(agents, list)
                        else agents,
                        "days_to_treatment_start": t.get("days_to_treatment_start"),
                        "days_to_treatment_end": t.get("days_to_treatment_end"),
                    }
                )
    clinical = pd.DataFrame(rows)
    if not clinical.empty:
        clinical["event"] = clinical["event"].astype("Int64")
        clinical = clinical.sort_values("patient").reset_index(drop=True)
    cols = [
        "patient",
        "treatment_type",
        "treatment_or_therapy",
        "therapeutic_agents",
        "days_to_treatment_start",
        "days_to_treatment_end",
    ]
    return clinical, pd.DataFrame(treatments, columns=cols)


def _fetch_biotab(client: GdcClient, project: str, out: Path, page_size: int) -> list[str]:
    """The BCR Biotab clinical tables (TCGA projects have them; others may not)."""
    hits = list(
        client.search(
            "files",
            biotab_filter(project),
            ["file_id", "file_name", "md5sum", "file_size"],
            page_size=page_size,
        )
    )
    folder = out / "clinical"
    names, records = [], []
    for h in sorted(hits, key=lambda h: h["file_name"]):
        target = folder / h["file_name"]
        names.append(h["file_name"])
        if target.is_file() and file_md5(target) == str(h["md5sum"]).lower():
            continue
        client._wait()
        got = download(
            f"{client.base_url}/data/{h['file_id']}",
            target,
            session=client.session,
            options=client.options,
            md5=h["md5sum"],
        )
        records.append(
            got.record(
                file=str(target.relative_to(out)),
                file_id=h["file_id"],
                md5_verified=True,
                note="GDC BCR Biotab clinical table",
            )
        )
    if records:
        update_manifest(out / "MANIFEST.json", records)
    return names


def _write_query(
    out: Path,
    project: str,
    base_url: str,
    release: str,
    value: str,
    log2: bool,
    n_files: int,
    dropped: list[str],
) -> None:
    query = {
        "project": project,
        "api": base_url,
        "data_release": release,
        "files_filter": expression_filter(project),
        "value": VALUE_COLUMNS[value],
        "log2": log2,
        "n_files": n_files,
        "extra_tumour_files_dropped": dropped,
        "fetched_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    tmp = out / ".query.json.part"
    tmp.write_text(json.dumps(query, indent=2) + "\n")
    os.replace(tmp, out / "QUERY.json")
