"""Expression matrices -> genes (current HGNC symbols) x samples of floats.

Formats, detected from the content: delimited text (TSV / CSV, optional gzip) and Parquet
with genes in rows or in columns (``orientation="auto"`` reads a file whose column names are
gene ids, or whose row ids are sample ids, as samples x genes and says so: a warning and
``report.orientation``), and GEO series matrix files (``!Series_...`` header, table between
``!series_matrix_table_begin`` / ``_end``). Row ids may be HGNC symbols, Entrez ids, Ensembl
gene ids (versions such as ``ENSG00000141510.16`` are stripped) or array probe ids; the last
two need ``id_map``, a table from those ids to symbols or Entrez ids (Ensembl BioMart export,
``entrez_ensembl_gene.tsv.gz``, a GEO platform table ``ID`` / ``Gene Symbol``). Symbols are
made current with a :class:`~netmarker.ids.genes.GeneMapper` (alias rescue); rows landing on
the same symbol are aggregated.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from netmarker.errors import InputError
from netmarker.ids.genes import GeneMapper
from netmarker.ids.samples import tcga_patient
from netmarker.io.common import open_text
from netmarker.io.genemaps import default_gene_mapper
from netmarker.io.tables import is_missing, read_text_table

#: Ensembl gene -> Entrez map used when no ``id_map`` is given (see resources/ATTRIBUTION.md)
DEFAULT_ENSEMBL_MAP = (
    Path(__file__).resolve().parents[1] / "resources" / "entrez_ensembl_gene.tsv.gz"
)
IdType = Literal["auto", "symbol", "entrez", "ensembl", "probe"]
Aggregate = Literal["median", "mean", "max_mean"]
OnNaN = Literal["drop", "error", "keep"]
Orientation = Literal["auto", "genes_x_samples", "samples_x_genes"]

log = logging.getLogger(__name__)

_ENSEMBL = re.compile(r"^(ENS[A-Z]*G\d{6,})(\.\d+)?(_PAR_Y)?$")
_PROBE = re.compile(r"(?:_at|_st)$|^ILMN_\d+$|^A_\d+_P\d+$", re.IGNORECASE)
_DIGITS = re.compile(r"^\d+(\.0)?$")
_GSM = re.compile(r"^GSM\d+$")
_GENE_COLUMNS = ("gene", "geneid", "gene_id", "symbol", "gene_symbol", "hgnc_symbol", "id_ref")
_SYMBOL_MAP_COLUMNS = (
    "gene name",
    "gene symbol",
    "gene_symbol",
    "symbol",
    "hgnc_symbol",
    "hgnc symbol",
    "genesymbol",
    "gene",
)
_ENTREZ_MAP_COLUMNS = ("entrez_id", "entrez", "entrez_gene_id", "entrezgene", "entrez gene id")
N_EXAMPLES = 10
#: names of the text columns GCT-style files put beside the gene ids (all "na" in Kong et al.)
_TEXT_BESIDE_IDS = frozenset(
    {"description", "desc", "name", "gene_description", "gene_name", "annotation"}
)


@dataclass
class ExpressionReport:
    """What :func:`read_expression` read, mapped, aggregated and dropped."""

    path: str
    format: str
    id_type: str
    genes_read: int = 0
    ids_mapped: int = 0
    ids_rescued: int = 0
    ids_dropped: int = 0
    dropped_examples: list[str] = field(default_factory=list)
    duplicate_genes: int = 0
    rows_aggregated: int = 0
    nan_values: int = 0
    genes_dropped_nan: int = 0
    genes: int = 0
    samples: int = 0
    annotation_columns: list[str] = field(default_factory=list)
    tcga_barcodes: bool = False
    looks_log_scaled: bool = False
    value_range: tuple[float, float] = (float("nan"), float("nan"))
    #: how the file was laid out: "genes x samples", or "samples x genes" (read transposed)
    orientation: str = "genes x samples"
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line for logs."""
        return (
            f"{self.path} [{self.format}, {self.orientation}, {self.id_type} ids]: "
            f"{self.genes_read} rows read, "
            f"{self.ids_mapped} ids mapped ({self.ids_rescued} rescued), {self.ids_dropped} "
            f"dropped, {self.duplicate_genes} genes aggregated from {self.rows_aggregated} "
            f"rows, {self.nan_values} NaN values ({self.genes_dropped_nan} genes dropped) -> "
            f"{self.genes} genes x {self.samples} samples"
            + (", log-scaled" if self.looks_log_scaled else ", not log-scaled")
        )


@dataclass
class ExpressionData:
    """``matrix``: genes (unique current symbols, index ``gene``) x samples, float."""

    matrix: pd.DataFrame
    report: ExpressionReport


def read_expression(
    path: str | Path,
    *,
    gene_column: str | None = None,
    sample_columns: list[str] | None = None,
    id_type: IdType = "auto",
    mapper: GeneMapper | None = None,
    aggregate: Aggregate = "median",
    id_map: str | Path | None = None,
    on_nan: OnNaN = "drop",
    geo_sample_names: Literal["accession", "title"] = "accession",
    orientation: Orientation = "auto",
) -> ExpressionData:
    """Read an expression matrix and return genes x samples keyed by current HGNC symbols.

    ``gene_column`` defaults to the first column; ``sample_columns`` to every column whose
    values are numeric (columns of mostly text, like ``uniprotID``, are annotation and are
    listed in the report). ``aggregate`` combines rows mapped to the same gene (``max_mean``
    keeps the row with the highest mean). Genes with NaN values are dropped (``on_nan``
    ``"error"`` raises instead, ``"keep"`` keeps them). ``mapper`` defaults to the packaged
    org.Hs.eg.db mapper. ``orientation``: ``"auto"`` reads genes in rows unless the column
    names are gene ids or the row ids are sample ids (then samples in rows, reported in
    ``report.orientation`` and logged as a warning); or say which.
    """
    p = Path(path)
    fmt = _detect_format(p)
    if fmt == "geo_series_matrix":
        ids, values, lines, annotation = _read_series_matrix(p, geo_sample_names)
    elif fmt == "parquet":
        ids, values, lines, annotation = _read_parquet(p, gene_column, sample_columns)
    else:
        ids, values, lines, annotation = _read_delimited(p, gene_column, sample_columns)
    if values.shape[0] == 0:
        raise InputError(p, "no data rows")
    if values.shape[1] == 0:
        raise InputError(p, "no numeric (sample) columns", 1)
    if fmt == "geo_series_matrix" and id_type == "auto" and id_map is not None:
        id_type = "probe"  # series-matrix rows are platform ids whenever a platform map is given
    mapper = mapper or default_gene_mapper()
    assumed = "genes x samples"
    if fmt != "geo_series_matrix":  # a series matrix always has the samples in columns
        ids, values, lines, assumed = _orient(p, ids, values, lines, mapper, orientation)
    kind = _detect_id_type(ids, id_type)
    report = ExpressionReport(path=str(p), format=fmt, id_type=kind, genes_read=len(ids))
    report.orientation = assumed
    report.annotation_columns = annotation
    if annotation:
        report.notes.append(
            f"text column(s) {', '.join(annotation)} beside the gene ids: annotation, not samples"
        )
    report.samples = values.shape[1]
    report.tcga_barcodes = all(tcga_patient(s) is not None for s in values.columns)
    _check_ids(p, ids, lines)
    values = _handle_nan(p, values, lines, on_nan, report)
    ids = ids[values.index]
    symbols = _map_ids(p, ids, kind, mapper, id_map, report)
    matrix = _aggregate(values, symbols, aggregate, report)
    finite = matrix.to_numpy()[np.isfinite(matrix.to_numpy())]
    if finite.size:
        lo, hi = float(finite.min()), float(finite.max())
        report.value_range = (lo, hi)
        # log2 intensities / log2(x+1) counts stay below ~30; raw counts and FPKM do not
        report.looks_log_scaled = hi <= 30.0 and lo > -30.0
    report.genes = matrix.shape[0]
    return ExpressionData(matrix=matrix, report=report)


# -- formats ---------------------------------------------------------------------------------


def _detect_format(p: Path) -> str:
    if not p.exists():
        raise InputError(p, "file not found")
    if p.is_file() and p.stat().st_size == 0:
        raise InputError(p, "file is empty")
    with open(p, "rb") as fh:
        if fh.read(4) == b"PAR1":
            return "parquet"
    with open_text(p, encoding="latin-1") as fh:
        for line in fh:
            if line.strip():
                return "geo_series_matrix" if line.startswith("!") else "delimited"
    raise InputError(p, "file has only blank lines")


def _split_columns(
    p: Path,
    df: pd.DataFrame,
    lines: np.ndarray,
    gene_column: str | None,
    sample_columns: list[str] | None,
) -> tuple[pd.Series, pd.DataFrame, list[str]]:
    """(gene ids, float values of the sample columns, annotation columns) of a table.

    Numeric columns are samples; a text column is a sample column with a bad cell when most
    of its cells are numbers (InputError naming line and column), else annotation.
    """
    cols = list(df.columns)
    if gene_column is None:
        lower = {c.lower(): c for c in cols}
        gene_column = next((lower[n] for n in _GENE_COLUMNS if n in lower), cols[0])
    if gene_column not in cols:
        raise InputError(p, f"gene column {gene_column!r} not found (columns {cols[:8]})", 1)
    if sample_columns is not None:
        missing = [c for c in sample_columns if c not in cols]
        if missing:
            raise InputError(p, f"sample column(s) {missing[:5]} not found", 1)
    candidates = sample_columns or [c for c in cols if c != gene_column]
    values: dict[str, np.ndarray] = {}
    annotation: list[str] = []
    for c in candidates:
        s = df[c]
        if len(s) and _all_missing(s):
            # GCT files carry a DESCRIPTION column of "na" beside the ids: text, not a sample
            if sample_columns is None and not values and c.lower() in _TEXT_BESIDE_IDS:
                annotation.append(c)
                continue
            raise InputError(p, f"sample column {c!r} has no values (every cell is missing)", 1)
        if pd.api.types.is_bool_dtype(s) or not (
            pd.api.types.is_numeric_dtype(s) or pd.api.types.is_object_dtype(s)
        ):
            annotation.append(c)
            continue
        if pd.api.types.is_numeric_dtype(s):
            values[c] = s.to_numpy(dtype=float)
            continue
        text = s.astype("string").fillna("").str.strip()
        missing_cells = is_missing(text)
        parsed = pd.to_numeric(text.where(~missing_cells), errors="coerce")
        present = int((~missing_cells).sum())
        if sample_columns is None and (present == 0 or parsed.notna().sum() < 0.5 * present):
            annotation.append(c)
            continue
        bad = parsed.isna() & ~missing_cells
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise InputError(
                p, f"non-numeric value {text.iloc[i]!r} in column {c!r}", int(lines[i])
            )
        values[c] = parsed.to_numpy(dtype=float)
    ids = df[gene_column]
    if pd.api.types.is_float_dtype(ids):  # numeric ids with gaps (Entrez) come back as floats
        ids = ids.astype("Int64")
    ids = ids.astype("string").fillna("").str.strip().astype(object)
    return ids, pd.DataFrame(values, index=df.index), annotation


def _all_missing(s: pd.Series) -> bool:
    """Every cell empty, NaN or a missing-value marker (``na``, ``NA``, ...)."""
    if pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s):
        return bool(s.isna().all())
    text = s.astype("string").fillna("").str.strip()
    return bool(is_missing(text).all())


def _read_delimited(
    p: Path, gene_column: str | None, sample_columns: list[str] | None
) -> tuple[pd.Series, pd.DataFrame, np.ndarray, list[str]]:
    df, notes = read_text_table(p, comment="#", infer_numbers=True, duplicate_columns=True)
    first = df.attrs["first_line"]
    if any(n.startswith("duplicate column") for n in notes):
        dup = next(n for n in notes if n.startswith("duplicate column"))
        raise InputError(p, dup.split(":")[0].replace("column", "sample"), first - 1)
    blank = df.isna().all(axis=1).to_numpy()
    lines = np.arange(first, first + len(df))[~blank]
    df = df[~blank].reset_index(drop=True)
    ids, values, annotation = _split_columns(p, df, lines, gene_column, sample_columns)
    return ids, values, lines, annotation


def _read_parquet(
    p: Path, gene_column: str | None, sample_columns: list[str] | None
) -> tuple[pd.Series, pd.DataFrame, np.ndarray, list[str]]:
    try:
        df = pd.read_parquet(p)
    except Exception as exc:  # pyarrow raises several types for corrupt files
        raise InputError(p, f"cannot read Parquet: {exc}") from exc
    if not isinstance(df.index, pd.RangeIndex):
        df = df.reset_index()
    df.columns = [str(c) for c in df.columns]
    # Parquet has no lines: row numbers (1-based) stand in for them in messages
    lines = np.arange(1, len(df) + 1)
    ids, values, annotation = _split_columns(p, df, lines, gene_column, sample_columns)
    return ids, values, lines, annotation


def _read_series_matrix(
    p: Path, names: str
) -> tuple[pd.Series, pd.DataFrame, np.ndarray, list[str]]:
    titles: list[str] = []
    rows: list[list[str]] = []
    lines: list[int] = []
    header: list[str] | None = None
    state = "meta"
    with open_text(p, encoding="latin-1") as fh:
        for number, raw in enumerate(fh, start=1):
            line = raw.rstrip("\r\n")
            if state == "meta":
                if line.startswith("!Sample_title"):
                    titles = [f.strip('"') for f in line.split("\t")[1:]]
                elif line.startswith("!series_matrix_table_begin"):
                    state = "header"
            elif state == "header":
                header = [f.strip().strip('"') for f in line.split("\t")]
                header_line = number
                state = "table"
            elif line.startswith("!series_matrix_table_end"):
                state = "end"
                break
            elif line.strip():
                fields = [f.strip().strip('"') for f in line.split("\t")]
                if header is not None and len(fields) != len(header):
                    raise InputError(
                        p, f"expected {len(header)} fields, found {len(fields)}", number
                    )
                rows.append(fields)
                lines.append(number)
    if header is None:
        raise InputError(p, "GEO series matrix without '!series_matrix_table_begin'")
    if state != "end":
        raise InputError(p, "GEO series matrix table not closed by '!series_matrix_table_end'")
    samples = header[1:]
    if names == "title":
        if len(titles) != len(samples):
            raise InputError(p, "!Sample_title does not list one title per sample column")
        samples = titles
    dup = sorted({s for s in samples if samples.count(s) > 1})
    if dup:
        raise InputError(p, f"duplicate sample name(s) {dup[:5]}", header_line)
    table = pd.DataFrame(rows, columns=["ID_REF", *samples], dtype=object)
    line_arr = np.asarray(lines, dtype=int)
    ids, values, _ = _split_columns(p, table, line_arr, "ID_REF", samples)
    return ids, values, line_arr, []


# -- ids ---------------------------------------------------------------------------------


def _detect_id_type(ids: pd.Series, id_type: str) -> str:
    if id_type != "auto":
        return id_type
    sample = ids.head(2000)
    if sample.str.match(_ENSEMBL).mean() > 0.5:
        return "ensembl"
    if sample.str.match(_DIGITS).mean() > 0.9:
        return "entrez"
    if sample.str.contains(_PROBE).mean() > 0.5:
        return "probe"
    return "symbol"


def _orient(
    p: Path,
    ids: pd.Series,
    values: pd.DataFrame,
    lines: np.ndarray,
    mapper: GeneMapper,
    orientation: str,
) -> tuple[pd.Series, pd.DataFrame, np.ndarray, str]:
    """The table as genes x samples, and the orientation the file was read in."""
    if orientation not in ("auto", "genes_x_samples", "samples_x_genes"):
        raise ValueError(f"unknown orientation {orientation!r}")
    why = _samples_in_rows(ids, list(values.columns), mapper) if orientation == "auto" else None
    if orientation != "samples_x_genes" and why is None:
        return ids, values, lines, "genes x samples"
    samples = [str(s) for s in ids]
    seen: dict[str, int] = {}
    for sample, line in zip(samples, lines, strict=True):
        if not sample:
            raise InputError(p, "empty sample id", int(line))
        if sample in seen:
            raise InputError(p, f"duplicate sample id {sample!r} (first on line {seen[sample]})")
        seen[sample] = int(line)
    log.warning(
        "%s: read as samples x genes%s; netmarker works on genes x samples (transposed)",
        p,
        f" ({why})" if why else "",
    )
    genes = pd.Series([str(c).strip() for c in values.columns], dtype=object)
    flipped = pd.DataFrame(values.to_numpy().T, columns=samples)
    # every gene is named on the header line
    return genes, flipped, np.ones(len(genes), dtype=int), "samples x genes"


def _samples_in_rows(ids: pd.Series, samples: list[str], mapper: GeneMapper) -> str | None:
    """Why the table looks like samples x genes (gene ids as column names, or sample ids as
    row ids), or None."""
    names = [str(c) for c in samples]
    genes = [n for n in names if mapper.is_current(n) or _ENSEMBL.match(n)]
    if len(names) >= 3 and len(genes) > 0.5 * len(names):
        return (
            f"{len(genes)} of {len(names)} column names are gene ids, e.g. {', '.join(genes[:3])}"
        )
    head = ids.head(2000)
    samples_as_rows = head.map(lambda i: tcga_patient(i) is not None or bool(_GSM.match(i)))
    if len(head) >= 3 and samples_as_rows.mean() > 0.5:
        return f"the row ids are sample ids, e.g. {', '.join(head[:3])}"
    return None


def _check_ids(p: Path, ids: pd.Series, lines: np.ndarray) -> None:
    empty = (ids == "") | ids.isna()
    if empty.any():
        raise InputError(p, "empty gene id", int(lines[int(np.flatnonzero(empty.to_numpy())[0])]))


def _handle_nan(
    p: Path, values: pd.DataFrame, lines: np.ndarray, on_nan: str, report: ExpressionReport
) -> pd.DataFrame:
    nan = values.isna()
    report.nan_values = int(nan.to_numpy().sum())
    if not report.nan_values or on_nan == "keep":
        return values
    rows = nan.any(axis=1)
    if on_nan == "error":
        i = int(np.flatnonzero(rows.to_numpy())[0])
        col = nan.columns[nan.iloc[i].to_numpy()][0]
        raise InputError(
            p, f"missing value in column {col!r} ({report.nan_values} in all)", int(lines[i])
        )
    report.genes_dropped_nan = int(rows.sum())
    return values[~rows]


def _map_ids(
    p: Path,
    ids: pd.Series,
    kind: str,
    mapper: GeneMapper,
    id_map: str | Path | None,
    report: ExpressionReport,
) -> pd.Series:
    """Current symbol per row (NaN where unmapped); fills the mapping counts of ``report``."""
    keys = ids
    if kind == "ensembl":
        par = ids.str.endswith("_PAR_Y")
        if par.any():
            report.notes.append(f"{int(par.sum())} _PAR_Y rows (chrY copies) dropped")
        keys = ids.str.replace(r"\.\d+(_PAR_Y)?$", "", regex=True).where(~par)
    if kind == "ensembl" and id_map is None:
        id_map = DEFAULT_ENSEMBL_MAP  # org.Hs.eg.db Ensembl gene -> Entrez, packaged
    if kind in ("ensembl", "probe"):
        if id_map is None:
            raise InputError(p, f"{kind} ids need an id map (--probe-map) to gene symbols")
        target, target_kind, ambiguous = read_id_map(id_map, keys.dropna().unique())
        if ambiguous:
            report.notes.append(f"{ambiguous} {kind} ids map to several genes and were dropped")
        unmapped = keys[keys.notna() & ~keys.isin(target.keys())].unique().tolist()
        keys = keys.map(target)
    else:
        target_kind, unmapped = kind, []
    distinct = keys.dropna().unique().tolist()
    if target_kind == "entrez":
        found, mrep = mapper.map_entrez(distinct)
    else:
        found, mrep = mapper.map_symbols(distinct)
    symbols = keys.map(found)
    dropped = ids[symbols.isna()].unique().tolist()
    report.ids_mapped = int(ids[symbols.notna()].nunique())
    report.ids_rescued = mrep.n_rescued
    report.ids_dropped = len(dropped)
    examples = dict.fromkeys([*unmapped, *mrep.dropped_examples, *dropped])
    report.dropped_examples = list(examples)[:N_EXAMPLES]
    if report.ids_mapped == 0:
        raise InputError(
            p, f"no {kind} id could be mapped to a gene symbol (e.g. {ids.head(3).tolist()})"
        )
    return symbols


def read_id_map(path: str | Path, ids: np.ndarray) -> tuple[dict[str, str], str, int]:
    """Read an id -> gene table: ``({id: gene}, "symbol"|"entrez", n ambiguous ids)``.

    The id column is the one sharing most values with ``ids``; the gene column is a symbol
    column (``Gene name``, ``Gene Symbol``, ...) or else an Entrez column. Multi-gene cells
    (``A /// B``) and ids listed with different genes are ambiguous and left out.
    """
    df, _ = read_text_table(path, comment="#")
    wanted = set(ids)
    lower = {c.lower(): c for c in df.columns}
    overlap = {c: df[c].str.replace(r"\.\d+$", "", regex=True).isin(wanted).sum() for c in df}
    id_col = max(overlap, key=lambda c: overlap[c])
    if overlap[id_col] == 0:
        raise InputError(path, f"no column of the id map holds the matrix ids (e.g. {ids[:3]})")
    gene_col = next((lower[n] for n in _SYMBOL_MAP_COLUMNS if n in lower), None)
    kind = "symbol"
    if gene_col is None:
        gene_col, kind = next((lower[n] for n in _ENTREZ_MAP_COLUMNS if n in lower), None), "entrez"
    if gene_col is None and df.shape[1] == 2:
        gene_col = next(c for c in df.columns if c != id_col)
        kind = "entrez" if df[gene_col].head(1000).str.match(_DIGITS).mean() > 0.9 else "symbol"
    if gene_col is None or gene_col == id_col:
        raise InputError(path, f"cannot find a gene symbol or Entrez column in {list(df)[:8]}", 1)
    pairs = pd.DataFrame(
        {
            "id": df[id_col].str.strip().str.replace(r"\.\d+$", "", regex=True),
            "gene": df[gene_col].str.strip(),
        }
    )
    pairs = pairs[(pairs["gene"] != "") & ~is_missing(pairs["gene"]) & pairs["id"].isin(wanted)]
    pairs = pairs.drop_duplicates()
    multi = pairs["gene"].str.contains("///", regex=False) | pairs["id"].duplicated(keep=False)
    ambiguous = int(pairs.loc[multi, "id"].nunique())
    pairs = pairs[~multi]
    return dict(zip(pairs["id"], pairs["gene"], strict=True)), kind, ambiguous


def _aggregate(
    values: pd.DataFrame, symbols: pd.Series, how: str, report: ExpressionReport
) -> pd.DataFrame:
    keep = symbols.notna().to_numpy()
    v = values[keep]
    sym = pd.Index(symbols[keep].to_numpy(), name="gene")
    v.index = sym
    counts = sym.value_counts()
    report.duplicate_genes = int((counts > 1).sum())
    report.rows_aggregated = int(counts[counts > 1].sum())
    if how == "max_mean":
        order = v.mean(axis=1).to_numpy().argsort()[::-1]
        out = v.iloc[order]
        out = out[~out.index.duplicated(keep="first")]
    elif how in ("median", "mean"):
        out = v.groupby(level=0, sort=False).agg(how)
    else:
        raise ValueError(f"unknown aggregate {how!r}")
    out = out.sort_index().astype(float)
    out.columns.name = "sample"
    return out
