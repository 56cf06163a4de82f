"""Shared helpers for readers: opening (gzip-aware), checksums, delimiter sniffing."""

from __future__ import annotations

import gzip
import hashlib
import io
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from netmarker.errors import InputError

_CHUNK = 1 << 20


def require_file(path: str | Path) -> Path:
    """``path`` as a Path; an InputError ``file not found`` unless it is an existing file."""
    p = Path(path)
    if not p.is_file():
        raise InputError(p, "file not found")
    return p


def open_text(path: str | Path, encoding: str = "utf-8") -> IO[str]:
    """Open a text file, transparently decompressing ``.gz``; a UTF-8 byte-order mark is dropped.

    Raises InputError when the file is missing or empty, and, while it is read, when it is
    not ``encoding`` text or its gzip stream is truncated or damaged (bad CRC).
    """
    p = Path(path)
    if not p.exists():
        raise InputError(p, "file not found")
    if p.is_dir():
        raise InputError(p, "is a directory, expected a file")
    if p.stat().st_size == 0:
        raise InputError(p, "file is empty")
    try:
        raw: gzip.GzipFile | io.BufferedReader
        raw = gzip.open(p, "rb") if _is_gzip(p) else open(p, "rb")  # noqa: SIM115
    except OSError as exc:
        raise InputError(p, f"cannot open ({exc.strerror})") from None
    if encoding.lower().replace("_", "-") in ("utf-8", "utf8"):
        encoding = "utf-8-sig"
    return _CheckedText(p, raw, encoding)


#: what a damaged or truncated gzip stream raises while it is read
GZIP_ERRORS = (EOFError, gzip.BadGzipFile, zlib.error)


def read_problem(exc: BaseException, encoding: str = "utf-8") -> str | None:
    """The one-line problem for an exception raised while reading a file, or None."""
    if isinstance(exc, UnicodeDecodeError):
        return f"not {encoding.removesuffix('-sig')} text ({exc.reason})"
    if isinstance(exc, EOFError):
        return "truncated gzip file (the compressed stream ends early)"
    if isinstance(exc, gzip.BadGzipFile | zlib.error):
        return f"damaged gzip file ({exc})"
    return None


class NotTextError(InputError):
    """The file is not text in the expected encoding (a reader may retry another one)."""


class _CheckedText(io.TextIOWrapper):
    """A text stream whose decoding and decompression errors name the file (InputError)."""

    def __init__(self, path: Path, raw: gzip.GzipFile | io.BufferedReader, encoding: str) -> None:
        super().__init__(raw, encoding=encoding, errors="strict", newline="")
        self.source = path

    def _error(self, exc: BaseException) -> InputError:
        kind = NotTextError if isinstance(exc, UnicodeDecodeError) else InputError
        return kind(self.source, read_problem(exc, self.encoding) or str(exc))

    # typeshed gives TextIOWrapper the __next__ of _IOBase (bytes) too; a text stream yields str
    def __next__(self) -> str:  # type: ignore[override]
        try:
            return super().__next__()
        except (UnicodeDecodeError, *GZIP_ERRORS) as exc:
            raise self._error(exc) from None

    def read(self, size: int | None = -1) -> str:
        try:
            return super().read(size)
        except (UnicodeDecodeError, *GZIP_ERRORS) as exc:
            raise self._error(exc) from None

    def readline(self, size: int = -1) -> str:  # type: ignore[override]
        try:
            return super().readline(size)
        except (UnicodeDecodeError, *GZIP_ERRORS) as exc:
            raise self._error(exc) from None


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
