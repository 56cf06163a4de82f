"""GDC per-case expression files (one file per case, e.g. HTSeq ``*.FPKM-UQ.txt.gz``).

A GDC download gives one two-column file per case (Ensembl gene id with version, value) and a
sample sheet that names each file's case. :func:`read_gdc_files` joins them into one genes x
cases matrix keyed by TCGA barcodes and maps the genes like any other expression matrix
(:func:`netmarker.io.expression.read_expression`).
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from netmarker.errors import InputError
from netmarker.ids.genes import GeneMapper
from netmarker.io.common import open_text
from netmarker.io.expression import ExpressionData, read_expression
from netmarker.io.tables import read_text_table

#: (file-name column, case column) pairs of the sample sheets netmarker knows: the GDC portal's
#: sample sheet and the table of Kong et al. 2020 (``COAD_caseID_fileName_barcodeID.txt``)
SHEET_COLUMNS = (("File Name", "Sample ID"), ("fileName", "barcodeID"), ("file_name", "sample"))


def read_sample_sheet(path: str | Path) -> dict[str, str]:
    """File name -> case id (TCGA barcode) from a GDC or Kong et al. sample sheet."""
    df, _ = read_text_table(path)
    for file_col, case_col in SHEET_COLUMNS:
        if file_col in df.columns and case_col in df.columns:
            sheet = df[[file_col, case_col]].replace("", np.nan).dropna()
            dup = sheet[file_col][sheet[file_col].duplicated()]
            if not dup.empty:
                raise InputError(path, f"file {dup.iloc[0]!r} is listed twice")
            # a GDC "Sample ID" cell may list several samples: the first names the case
            return {
                f: c.split(",")[0].strip()
                for f, c in zip(sheet[file_col], sheet[case_col], strict=True)
            }
    known = " or ".join(f"{a!r} + {b!r}" for a, b in SHEET_COLUMNS)
    raise InputError(path, f"not a sample sheet: needs columns {known}", 1)


def read_gdc_files(
    files: list[Path] | Path,
    sample_sheet: str | Path,
    *,
    id_map: str | Path | None = None,
    mapper: GeneMapper | None = None,
) -> ExpressionData:
    """Join per-case GDC files into one matrix (genes x TCGA barcodes), genes mapped to symbols.

    ``files`` is a folder (every file named in the sample sheet is read; files the sheet does
    not name are an error) or a list of files. HTSeq summary rows (``__no_feature``, ...) are
    skipped. Ensembl ids are mapped with ``id_map`` (e.g. a BioMart Ensembl -> symbol table)
    or else the packaged org.Hs.eg.db Ensembl -> Entrez -> symbol maps.
    """
    sheet = read_sample_sheet(sample_sheet)
    paths = _files(files, sheet)
    columns = {}
    for path in paths:
        case = sheet.get(path.name)
        if case is None:
            raise InputError(path, f"not named in the sample sheet {sample_sheet}")
        if case in columns:
            raise InputError(path, f"a second file for case {case}")
        columns[case] = _read_one(path)
    matrix = pd.DataFrame(columns)
    matrix.index.name = "gene_id"
    with tempfile.TemporaryDirectory() as tmp:
        joined = Path(tmp) / "gdc_matrix.parquet"
        matrix.reset_index().to_parquet(joined, index=False)
        data = read_expression(joined, id_type="ensembl", id_map=id_map, mapper=mapper)
    data.report.path = str(files)
    data.report.format = "gdc_files"
    data.report.notes.append(f"{len(paths)} per-case files joined with {sample_sheet}")
    return data


def _files(files: list[Path] | Path, sheet: dict[str, str]) -> list[Path]:
    if isinstance(files, list):
        return [Path(f) for f in files]
    folder = Path(files)
    if not folder.is_dir():
        raise InputError(folder, "not a folder of GDC files")
    found = sorted(p for p in folder.rglob("*") if p.is_file() and p.name in sheet)
    if not found:
        raise InputError(folder, "none of the files named in the sample sheet is here")
    return found


def _read_one(path: Path) -> pd.Series:
    with open_text(path) as fh:
        text = fh.read()
    quote = text.find('"')
    if quote >= 0:  # per-case files are never quoted; a quote would merge lines silently
        raise InputError(path, "stray quote character", text.count("\n", 0, quote) + 1)
    try:
        df = pd.read_csv(
            io.StringIO(text),
            sep="\t",
            header=None,
            names=["gene_id", "value"],
            dtype=str,
            comment=None,
            quoting=csv.QUOTE_NONE,
            keep_default_na=False,
        )
    except pd.errors.ParserError as exc:
        m = re.search(r"line (\d+)", str(exc))
        raise InputError(
            path,
            f"not a two-column gene id / value file: {str(exc).splitlines()[0]}",
            int(m.group(1)) if m else None,
        ) from exc
    except pd.errors.EmptyDataError as exc:
        raise InputError(path, "no rows") from exc
    df = df[~df["gene_id"].str.startswith("__")]
    values = pd.to_numeric(df["value"], errors="coerce")
    if values.isna().any():
        row = int(np.flatnonzero(values.isna().to_numpy())[0])
        line = int(df.index[row]) + 1  # the frame's index is the file's row number
        raise InputError(path, f"non-numeric value {df['value'].iloc[row]!r}", line)
    if df["gene_id"].duplicated().any():
        raise InputError(
            path, f"duplicate gene id {df['gene_id'][df['gene_id'].duplicated()].iloc[0]}"
        )
    return pd.Series(values.to_numpy(), index=df["gene_id"].to_numpy(), dtype=float)
