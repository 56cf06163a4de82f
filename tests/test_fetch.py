"""Downloads against a local HTTP replica on 127.0.0.1 (no network in tests)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

import pytest

from http_replica import Replica, Server, serve
from netmarker.errors import NetmarkerError
from netmarker.fetch.download import (
    DownloadError,
    HttpOptions,
    IncompleteDownload,
    RemoteFile,
    download,
    fetch,
)

FAST = HttpOptions(retries=3, backoff=0.05, timeout=10, pause=0)
BODY = b"protein1 protein2 combined_score\n" * 5000


@pytest.fixture
def server() -> Iterator[Server]:
    srv = serve(Replica(static={"/links.txt": BODY}))
    yield srv
    srv.close()


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_fetch_writes_files_and_manifest(server: Server, tmp_path: Path) -> None:
    out = tmp_path / "out"
    seen: list[tuple[int, int | None]] = []
    files = [RemoteFile(f"{server.url}/links.txt", "links.txt", "test")]
    records = fetch("x", out, files=files, options=FAST, progress=lambda d, t: seen.append((d, t)))
    assert (out / "links.txt").read_bytes() == BODY
    assert records[0]["sha256"] == hashlib.sha256(BODY).hexdigest()
    assert records[0]["bytes"] == len(BODY)
    manifest = json.loads((out / "MANIFEST.json").read_text())
    assert [r["file"] for r in manifest] == ["links.txt"]
    assert seen[-1] == (len(BODY), len(BODY))
    fetch("x", out, files=files, options=FAST)  # re-fetch replaces the record
    assert len(json.loads((out / "MANIFEST.json").read_text())) == 1
    assert _leftovers(out) == ["MANIFEST.json", "links.txt"]


def test_short_download_is_rejected_and_leaves_nothing(server: Server, tmp_path: Path) -> None:
    """Issue 13: a body shorter than its Content-Length was accepted and put in the manifest."""
    server.replica.faults += [{"path": "/links.txt", "truncate": True} for _ in range(4)]
    out = tmp_path / "out"
    files = [RemoteFile(f"{server.url}/links.txt", "links.txt", "test")]
    with pytest.raises(IncompleteDownload, match=r"links.txt .*(incomplete|broke off).*4 times"):
        fetch("x", out, files=files, options=FAST)
    assert _leftovers(out) == []  # no file, no .part, no MANIFEST.json
    assert len(server.replica.requests_to("/links.txt")) == 4


def test_short_download_is_fetched_again(server: Server, tmp_path: Path) -> None:
    server.replica.faults.append({"path": "/links.txt", "truncate": True})
    got = download(f"{server.url}/links.txt", tmp_path / "a.txt", options=FAST)
    assert (tmp_path / "a.txt").read_bytes() == BODY and got.bytes == len(BODY)
    assert len(server.replica.requests_to("/links.txt")) == 2
    assert _leftovers(tmp_path) == ["a.txt"]


def test_rate_limit_is_retried_after_the_servers_delay(server: Server, tmp_path: Path) -> None:
    server.replica.faults += [
        {"path": "/links.txt", "status": 429, "retry_after": "1"},
        {"path": "/links.txt", "status": 429, "retry_after": "1"},
    ]
    download(f"{server.url}/links.txt", tmp_path / "a.txt", options=FAST)
    times = [r["time"] for r in server.replica.requests_to("/links.txt")]
    assert len(times) == 3
    # Retry-After: 1 was honoured before each new attempt
    assert all(b - a >= 0.95 for a, b in pairwise(times))


def test_server_errors_are_retried_with_growing_back_off(server: Server, tmp_path: Path) -> None:
    server.replica.faults += [{"path": "/links.txt", "status": s} for s in (500, 502, 503)]
    download(
        f"{server.url}/links.txt",
        tmp_path / "a.txt",
        options=HttpOptions(retries=4, backoff=0.2, timeout=10, pause=0),
    )
    times = [r["time"] for r in server.replica.requests_to("/links.txt")]
    assert len(times) == 4
    gaps = [b - a for a, b in pairwise(times)]
    # urllib3: no wait before the first retry, then backoff * 2**(n-1): 0.4 s, 0.8 s
    assert gaps[1] >= 0.35 and gaps[2] >= 0.75


def test_persistent_server_error_gives_one_line(server: Server, tmp_path: Path) -> None:
    server.replica.faults += [{"path": "/links.txt", "status": 503} for _ in range(10)]
    with pytest.raises(DownloadError, match=r"download of .*links.txt failed: gave up after"):
        download(f"{server.url}/links.txt", tmp_path / "a.txt", options=FAST)
    assert _leftovers(tmp_path) == []


def test_missing_file_is_not_retried(server: Server, tmp_path: Path) -> None:
    with pytest.raises(DownloadError, match=r"nope.txt failed: HTTP 404"):
        download(f"{server.url}/nope.txt", tmp_path / "a.txt", options=FAST)
    assert len(server.replica.requests_to("/nope.txt")) == 1
    assert _leftovers(tmp_path) == []


def test_md5_mismatch_is_rejected(server: Server, tmp_path: Path) -> None:
    good = hashlib.md5(BODY).hexdigest()
    server.replica.faults += [{"path": "/links.txt", "corrupt": True} for _ in range(4)]
    with pytest.raises(IncompleteDownload, match=f"rejected: md5 .*, expected {good}"):
        download(f"{server.url}/links.txt", tmp_path / "a.txt", options=FAST, md5=good)
    assert _leftovers(tmp_path) == []
    # one corrupt answer, then a good one: accepted
    server.replica.faults.append({"path": "/links.txt", "corrupt": True})
    got = download(f"{server.url}/links.txt", tmp_path / "a.txt", options=FAST, md5=good)
    assert got.md5 == good and (tmp_path / "a.txt").read_bytes() == BODY


def test_unknown_source(tmp_path: Path) -> None:
    with pytest.raises(NetmarkerError, match="unknown source 'nope'; known: reactome, string"):
        fetch("nope", tmp_path)
