"""Opt-in downloads of public data sets (needs internet; the tests use a local replica).

Each source is a list of files with a stable public URL. Every download goes through
:func:`download`: HTTP with retries and exponential back-off on 429 / 5xx (urllib3's
``Retry``, honouring ``Retry-After``), streamed to a temporary name, checked against the
announced ``Content-Length`` and, when the source gives one, an md5 sum, and renamed only
when complete; a failed or short download leaves nothing behind. A ``MANIFEST.json``
beside the files records URL, size, sha256 and time, so an analysis can cite exactly which
bytes it used.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from netmarker._version import __version__
from netmarker.errors import NetmarkerError
from netmarker.fetch.sources import SOURCES, HttpOptions, RemoteFile

_CHUNK = 1 << 20

#: HTTP statuses worth another try: rate limiting and server-side trouble.
RETRY_STATUSES = (429, 500, 502, 503, 504)


Progress = Callable[[int, int | None], None]


def http_session(options: HttpOptions | None = None) -> requests.Session:
    """A ``requests`` session that retries 429 / 5xx with exponential back-off."""
    opts = options or HttpOptions()
    retry = Retry(
        total=opts.retries,
        connect=opts.retries,
        read=opts.retries,
        status=opts.retries,
        backoff_factor=opts.backoff,
        status_forcelist=RETRY_STATUSES,
        allowed_methods=None,  # the GDC's POST queries and downloads are idempotent
        respect_retry_after_header=True,
        raise_on_status=True,
    )
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = f"netmarker/{__version__} (+https://github.com/netmarker)"
    return session


class DownloadError(NetmarkerError):
    """A download failed for good (after retries); nothing was written."""


class IncompleteDownload(DownloadError):
    """Fewer (or more) bytes arrived than announced, or the md5 sum differs."""


def _describe(exc: BaseException) -> str:
    if isinstance(exc, requests.exceptions.RetryError):
        reason = getattr(exc.args[0], "reason", None) if exc.args else None
        return f"gave up after retries ({reason or exc})"
    if isinstance(exc, requests.HTTPError) and exc.response is not None:
        return f"HTTP {exc.response.status_code} {exc.response.reason}"
    return str(exc) or type(exc).__name__


@dataclass
class Downloaded:
    """What :func:`download` wrote: the file, its size and checksums, and response headers."""

    path: Path
    url: str
    bytes: int
    sha256: str
    md5: str
    headers: dict[str, str]

    def record(self, **extra: Any) -> dict[str, object]:
        """A MANIFEST.json record of this file (``extra`` keys added)."""
        return {
            "file": self.path.name,
            "url": self.url,
            "bytes": self.bytes,
            "sha256": self.sha256,
            "md5": self.md5,
            "downloaded_at": datetime.now(UTC).isoformat(timespec="seconds"),
            **extra,
        }


def download(
    url: str,
    target: Path,
    *,
    session: requests.Session | None = None,
    options: HttpOptions | None = None,
    json_body: Any = None,
    md5: str | None = None,
    size: int | None = None,
    progress: Progress | None = None,
    validate: Callable[[Path], str | None] | None = None,
) -> Downloaded:
    """Stream ``url`` (GET, or POST of ``json_body``) into ``target``; return what was written.

    The body goes to a hidden temporary file beside ``target`` and is renamed only when it
    has the announced ``Content-Length`` (and ``size``, and ``md5`` when given, and passes
    ``validate``, which returns a problem or None). A short body, a wrong md5 or a problem
    is fetched again up to ``options.retries`` times; then
    :class:`IncompleteDownload` is raised and nothing is left behind.
    """
    opts = options or HttpOptions()
    sess = session or http_session(opts)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.parent / f".{target.name}.part"
    last: NetmarkerError | None = None
    for attempt in range(opts.retries + 1):
        if attempt:
            time.sleep(opts.backoff * 2 ** (attempt - 1))
        try:
            result = _stream(url, tmp, sess, opts, json_body, progress)
        except IncompleteDownload as exc:
            last = exc
            continue
        except (requests.RequestException, OSError) as exc:
            tmp.unlink(missing_ok=True)
            raise DownloadError(f"download of {url} failed: {_describe(exc)}") from exc
        problem = _verify(result, md5, size) or (validate(tmp) if validate else None)
        if problem:
            tmp.unlink(missing_ok=True)
            last = IncompleteDownload(f"download of {url} rejected: {problem}")
            continue
        os.replace(tmp, target)
        result.path = target
        return result
    tmp.unlink(missing_ok=True)
    assert last is not None
    raise IncompleteDownload(f"{last} (tried {opts.retries + 1} times)")


def _stream(
    url: str,
    tmp: Path,
    session: requests.Session,
    opts: HttpOptions,
    json_body: Any,
    progress: Progress | None,
) -> Downloaded:
    sha, md5 = hashlib.sha256(), hashlib.md5()
    done = 0
    method = "POST" if json_body is not None else "GET"
    with session.request(method, url, json=json_body, stream=True, timeout=opts.timeout) as resp:
        resp.raise_for_status()
        length = resp.headers.get("Content-Length")
        # the raw stream: Content-Encoding is passed through untouched, so the bytes on disk
        # are the bytes announced and the bytes the md5 sum covers
        announced = int(length) if length and length.isdigit() else None
        try:
            with open(tmp, "wb") as fh:
                for chunk in _raw_chunks(resp):
                    fh.write(chunk)
                    sha.update(chunk)
                    md5.update(chunk)
                    done += len(chunk)
                    if progress is not None:
                        progress(done, announced)
        except (
            requests.exceptions.ChunkedEncodingError,
            requests.ConnectionError,
            urllib3.exceptions.HTTPError,
        ) as exc:
            tmp.unlink(missing_ok=True)
            of = f" of {announced}" if announced is not None else ""
            raise IncompleteDownload(
                f"download of {url} is incomplete: the connection broke after {done}{of} bytes"
            ) from exc
        if announced is not None and done != announced:
            tmp.unlink(missing_ok=True)
            raise IncompleteDownload(
                f"download of {url} is incomplete: {done} of {announced} bytes"
            )
        headers = dict(resp.headers)
    if done == 0:
        tmp.unlink(missing_ok=True)
        raise DownloadError(f"download of {url} returned no data")
    return Downloaded(tmp, url, done, sha.hexdigest(), md5.hexdigest(), headers)


def _raw_chunks(resp: requests.Response) -> Iterator[bytes]:
    # decode_content=False: keep a gzip-encoded body as sent (Content-Length counts it so)
    yield from resp.raw.stream(_CHUNK, decode_content=False)


def _verify(result: Downloaded, md5: str | None, size: int | None) -> str | None:
    if size is not None and result.bytes != size:
        return f"{result.bytes} bytes, expected {size}"
    if md5 is not None and result.md5 != md5.lower():
        return f"md5 {result.md5}, expected {md5.lower()}"
    return None


def file_md5(path: Path) -> str:
    """md5 of a file (the checksum the GDC publishes)."""
    digest = hashlib.md5()
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def fetch(
    source: str,
    dest: str | Path,
    *,
    files: list[RemoteFile] | None = None,
    progress: Progress | None = None,
    options: HttpOptions | None = None,
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
    opts = options or HttpOptions()
    session = http_session(opts)
    records = [
        download(f.url, out / f.filename, session=session, options=opts, progress=progress).record(
            note=f.note
        )
        for f in files
    ]
    update_manifest(out / "MANIFEST.json", records)
    return records


def update_manifest(path: Path, records: list[dict[str, object]]) -> None:
    """Merge ``records`` into the JSON list at ``path`` (same ``file`` replaced), atomically."""
    existing = json.loads(path.read_text()) if path.exists() else []
    names = {r["file"] for r in records}
    merged = [r for r in existing if r.get("file") not in names] + records
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(merged, indent=2) + "\n")
    os.replace(tmp, path)
