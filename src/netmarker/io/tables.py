"""Delimited text tables read as strings with exact line numbers, and missing-value markers.

Shared by the response, expression and clinical readers, which validate cell by cell and
must name the file line of any bad value.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd

from netmarker.errors import InputError
from netmarker.io.common import NotTextError, open_text, sniff_delimiter

#: Strings read as a missing value (not as an error).
MISSING = frozenset({"", "NA", "N/A", "NAN", "NAN.", "NULL", "NONE", "-", "?"})

_NA_STRINGS = sorted({v for m in MISSING for v in (m, m.lower(), m.title())} - {""})


def read_text_table(
    path: str | Path,
    *,
    encoding: str = "utf-8",
    delimiter: str | None = None,
    comment: str | None = None,
    duplicate_columns: bool = False,
    infer_numbers: bool = False,
) -> tuple[pd.DataFrame, list[str]]:
    """Read a delimited text file as strings, with exact line numbers.

    Row ``i`` of the frame is file line ``i + frame.attrs["first_line"]``. Leading lines
    starting with ``comment`` are skipped. Falls back to Latin-1 when the file is not valid
    ``encoding`` (TCGA tables contain Latin-1 bytes); the returned notes say so. Blank lines
    are kept as all-empty rows. A header one field shorter than the rows (R row names) gets
    an empty-named first column. Duplicate column names raise InputError, unless
    ``duplicate_columns`` (later copies are renamed ``name.1``, ... and noted). Cells are
    strings, or with ``infer_numbers`` numbers where a whole column parses (:data:`MISSING`
    markers and blank cells then become NaN).
    """
    notes: list[str] = []
    for enc in dict.fromkeys((encoding, "latin-1")):
        try:
            with open_text(path, encoding=enc) as fh:
                text = fh.read()
            break
        except (UnicodeDecodeError, NotTextError):
            notes.append(f"not {enc} text; read as Latin-1")
    lines = text.split("\n", 200)
    skipped = 0
    while comment and skipped < len(lines) - 1 and lines[skipped].startswith(comment):
        skipped += 1
    header = lines[skipped].rstrip("\r")
    if not header.strip():
        raise InputError(path, "the header line is empty", skipped + 1)
    sep = delimiter or sniff_delimiter(path, header, "\t,;")
    names = [n.strip() for n in next(csv.reader([header], delimiter=sep))]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup and not duplicate_columns:
        raise InputError(path, f"duplicate column name(s) {dup[:5]}", skipped + 1)
    if dup:
        notes.append(f"duplicate column name(s) {dup[:5]}: later copies renamed <name>.1")
    try:
        df = pd.read_csv(
            io.StringIO(text),
            sep=sep,
            dtype=None if infer_numbers else str,
            keep_default_na=False,
            na_values=_NA_STRINGS if infer_numbers else None,
            skip_blank_lines=False,
            skiprows=skipped,
            low_memory=False,
        )
    except pd.errors.ParserError as exc:
        quote = re.search(r"EOF inside string starting at row (\d+)", str(exc))
        if quote:  # rows count from 0 at the header line
            line = int(quote.group(1)) + 1 + skipped
            raise InputError(
                path, "unclosed quote: the quoted field runs to the end", line
            ) from exc
        m = re.search(r"line (\d+)", str(exc))
        at = int(m.group(1)) + skipped if m else None
        raise InputError(path, f"ragged table: {str(exc).splitlines()[0]}", at) from exc
    except pd.errors.EmptyDataError as exc:
        raise InputError(path, "no columns found", skipped + 1) from exc
    if isinstance(df.index, pd.MultiIndex):  # pandas' reading of rows 2+ fields too long
        raise InputError(
            path,
            f"the header has {len(names)} fields but the rows have "
            f"{len(names) + df.index.nlevels}: wrong header line or delimiter",
            skipped + 1,
        )
    if not isinstance(df.index, pd.RangeIndex):
        df = df.reset_index(names="").reset_index(drop=True)
    df.columns = [str(c).strip() for c in df.columns]
    df.attrs["first_line"] = skipped + 2
    return df, notes


def is_missing(values: pd.Series) -> pd.Series:
    """True where a string cell is one of the :data:`MISSING` markers."""
    return values.str.strip().str.upper().isin(MISSING)
