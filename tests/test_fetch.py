"""Downloads, exercised with file:// URLs (no network in tests)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from netmarker.errors import NetmarkerError
from netmarker.fetch import RemoteFile, fetch


def test_fetch_writes_files_and_manifest(tmp_path: Path) -> None:
    src = tmp_path / "remote.txt"
    src.write_bytes(b"protein1 protein2 combined_score\n" * 1000)
    out = tmp_path / "out"
    seen: list[int] = []
    records = fetch(
        "x",
        out,
        files=[RemoteFile(src.as_uri(), "links.txt", "test")],
        progress=lambda done, total: seen.append(done),
    )
    assert (out / "links.txt").read_bytes() == src.read_bytes()
    assert records[0]["sha256"] == hashlib.sha256(src.read_bytes()).hexdigest()
    manifest = json.loads((out / "MANIFEST.json").read_text())
    assert [r["file"] for r in manifest] == ["links.txt"] and seen[-1] == src.stat().st_size
    fetch("x", out, files=[RemoteFile(src.as_uri(), "links.txt", "test")])  # re-fetch
    assert len(json.loads((out / "MANIFEST.json").read_text())) == 1


def test_failed_download_leaves_nothing(tmp_path: Path) -> None:
    missing = (tmp_path / "nope.txt").as_uri()
    with pytest.raises(NetmarkerError, match=r"download of .* failed"):
        fetch("x", tmp_path / "out", files=[RemoteFile(missing, "a.txt", "t")])
    assert list((tmp_path / "out").iterdir()) == []


def test_unknown_source(tmp_path: Path) -> None:
    with pytest.raises(NetmarkerError, match="unknown source 'nope'; known: reactome, string"):
        fetch("nope", tmp_path)
