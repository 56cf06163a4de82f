"""Shared helpers for readers: opening (gzip-aware), checksums, delimiter sniffing."""

from __future__ import annotations

import gzip
import hashlib
import io
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from netmarker.errors import InputError

_CHUNK = 1 << 20


def open_text(path: str | Path, encoding: str = "utf-8") -> IO[str]:
    """Open a text file, transparently decompressing ``.gz``.

    Raises InputError when the file is missing or empty.
    """
    p = Path(path)
    if not p.exists():
        raise InputError(p, "file not found")
    if p.is_dir():
        raise InputError(p, "is a directory, expected a file")
    if p.stat().st_size == 0:
        raise InputError(p, "file is empty")
    raw: IO[bytes] = gzip.open(p, "rb") if _is_gzip(p) else open(p, "rb")  # noqa: SIM115
    return io.TextIOWrapper(raw, encoding=encoding, errors="strict", newline="")


def _is_gzip(p: Path) -> bool:
    with open(p, "rb") as fh:
        return fh.read(2) == b"\x1f\x8b"


def file_checksum(path: str | Path) -> str:
    """SHA-256 of the file's bytes, hex encoded."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(_CHUNK), b""):
            h.update(chunk)
    return h.hexdigest()


def iter_data_lines(
    path: str | Path, comment: str | None = "#", encoding: str = "utf-8"
) -> Iterator[tuple[int, str]]:
    """Yield ``(line_number, line)`` for non-blank, non-comment lines (line numbers 1-based)."""
    with open_text(path, encoding=encoding) as fh:
        try:
            for number, line in enumerate(fh, start=1):
                stripped = line.rstrip("\r\n")
                if not stripped.strip():
                    continue
                if comment and stripped.lstrip().startswith(comment):
                    continue
                yield number, stripped
        except UnicodeDecodeError as exc:
            raise InputError(path, f"not {encoding} text ({exc.reason})") from exc


def sniff_delimiter(path: str | Path, header: str, candidates: str = "\t,; ") -> str:
    """Pick the delimiter that splits ``header`` into the most fields (tab wins ties)."""
    best, best_n = "\t", 1
    for d in candidates:
        n = len(header.split(d)) if d != " " else len(header.split())
        if n > best_n:
            best, best_n = d, n
    if best_n == 1:
        raise InputError(path, f"cannot find a delimiter in the header line {header[:60]!r}", 1)
    return best
