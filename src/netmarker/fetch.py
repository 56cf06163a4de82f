"""Opt-in downloads of the full public data sets (needs internet; never used by the tests).

Each source is a list of files with a stable public URL. Files are streamed to a temporary
name and renamed when complete; a ``MANIFEST.json`` beside them records URL, size, sha256
and time, so an analysis can cite exactly which bytes it used.
"""

from __future__ import annotations

import hashlib
import json
import os
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from netmarker.errors import NetmarkerError

_CHUNK = 1 << 20


@dataclass(frozen=True)
class RemoteFile:
    """One downloadable file of a public data set."""

    url: str
    filename: str
    note: str


SOURCES: dict[str, list[RemoteFile]] = {
    "string": [
        RemoteFile(
            "https://stringdb-downloads.org/download/protein.links.detailed.v12.0/"
            "9606.protein.links.detailed.v12.0.txt.gz",
            "9606.protein.links.detailed.v12.0.txt.gz",
            "STRING v12.0 human interactions with channel scores (CC BY 4.0)",
        ),
        RemoteFile(
            "https://stringdb-downloads.org/download/protein.info.v12.0/"
            "9606.protein.info.v12.0.txt.gz",
            "9606.protein.info.v12.0.txt.gz",
            "STRING v12.0 protein id -> preferred gene name (use with --id-map)",
        ),
    ],
    "reactome": [
        RemoteFile(
            "https://data.broadinstitute.org/gsea-msigdb/msigdb/release/2023.2.Hs/"
            "c2.cp.reactome.v2023.2.Hs.symbols.gmt",
            "c2.cp.reactome.v2023.2.Hs.symbols.gmt",
            "MSigDB 2023.2 Reactome gene sets, symbols (CC BY 4.0)",
        ),
    ],
}

Progress = Callable[[int, int | None], None]


def fetch(
    source: str,
    dest: str | Path,
    *,
    files: list[RemoteFile] | None = None,
    progress: Progress | None = None,
    timeout: float = 60.0,
) -> list[dict[str, object]]:
    """Download the files of ``source`` into ``dest``; return their manifest records.

    ``files`` overrides the built-in list (used to fetch from a mirror or a local copy).
    """
    if files is None:
        if source not in SOURCES:
            raise NetmarkerError(f"unknown source {source!r}; known: {', '.join(sorted(SOURCES))}")
        files = SOURCES[source]
    out = Path(dest)
    out.mkdir(parents=True, exist_ok=True)
    records = [_download(f, out, progress, timeout) for f in files]
    _update_manifest(out / "MANIFEST.json", records)
    return records


def _download(
    remote: RemoteFile, dest: Path, progress: Progress | None, timeout: float
) -> dict[str, object]:
    target = dest / remote.filename
    tmp = dest / f".{remote.filename}.part"
    digest = hashlib.sha256()
    size = 0
    try:
        with urllib.request.urlopen(remote.url, timeout=timeout) as response, open(tmp, "wb") as fh:
            length = response.headers.get("Content-Length")
            total = int(length) if length else None
            while chunk := response.read(_CHUNK):
                fh.write(chunk)
                digest.update(chunk)
                size += len(chunk)
                if progress is not None:
                    progress(size, total)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise NetmarkerError(f"download of {remote.url} failed: {exc}") from exc
    if size == 0:
        tmp.unlink(missing_ok=True)
        raise NetmarkerError(f"download of {remote.url} returned no data")
    os.replace(tmp, target)
    return {
        "file": remote.filename,
        "url": remote.url,
        "bytes": size,
        "sha256": digest.hexdigest(),
        "downloaded_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "note": remote.note,
    }


def _update_manifest(path: Path, records: list[dict[str, object]]) -> None:
    existing = json.loads(path.read_text()) if path.exists() else []
    names = {r["file"] for r in records}
    merged = [r for r in existing if r.get("file") not in names] + records
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(merged, indent=2) + "\n")
    os.replace(tmp, path)
