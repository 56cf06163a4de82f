"""``fetch geo`` against a local replica of GEO's HTTPS download site (no network in tests)."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from cli_helpers import run_cli
from http_replica import Replica, Server, gzip_bytes, serve
from netmarker.fetch.download import HttpOptions
from netmarker.fetch.geo import fetch_geo, series_folder
from netmarker.io.expression import read_expression

FAST = HttpOptions(retries=2, backoff=0.01, timeout=10, pause=0)
SYMBOLS = ["TYMS", "TP53", "EGFR", "MYC", "KRAS", "BRAF", "APC", "SMAD4"]
SAMPLES = ["GSM1", "GSM2", "GSM3"]
MATRIX = "/geo/series/GSE64nnn/GSE64392/matrix/"
PLATFORM = "/geo/platforms/GPL16nnn/GPL16686/"


def _series_matrix(values: np.ndarray) -> str:
    lines = [
        '!Series_title\t"Organoids"',
        '!Series_geo_accession\t"GSE64392"',
        '!Series_platform_id\t"GPL16686"',
        "!Sample_title\t" + "\t".join(f'"P{i}"' for i in range(len(SAMPLES))),
        "!series_matrix_table_begin",
        '"ID_REF"\t' + "\t".join(f'"{s}"' for s in SAMPLES),
    ]
    for i, row in enumerate(values):
        lines.append(f"{16657436 + i}\t" + "\t".join(f"{v:.4f}" for v in row))
    lines.append("!series_matrix_table_end")
    return "\n".join(lines) + "\n"


def _soft(column: str) -> str:
    """A platform SOFT file whose table names genes in ``column``."""
    rows = ["^PLATFORM = GPL16686", "!platform_table_begin", f"ID\tGB_ACC\t{column}"]
    for i, sym in enumerate(SYMBOLS):
        cell = sym if column != "gene_assignment" else f"NM_00{i} // {sym} // gene {i} // 1p // 1"
        rows.append(f"{16657436 + i}\tNM_00{i}\t{cell}")
    rows.append(f"{16657436 + len(SYMBOLS)}\tNR_999\t")  # a control probe: no gene
    rows.append("!platform_table_end")
    return "\n".join(rows) + "\n"


def _replica(column: str) -> Replica:
    values = np.arange((len(SYMBOLS) + 1) * len(SAMPLES), dtype=float).reshape(-1, 3) / 3
    listing = (
        '<html><body><a href="../">../</a>\n'
        '<a href="GSE64392_series_matrix.txt.gz">GSE64392_series_matrix.txt.gz</a> 2kb\n'
        "</body></html>"
    )
    return Replica(
        static={
            MATRIX: listing.encode(),
            MATRIX + "GSE64392_series_matrix.txt.gz": gzip_bytes(_series_matrix(values)),
            PLATFORM + "soft/GPL16686_family.soft.gz": gzip_bytes(_soft(column)),
        }
    )


@pytest.fixture
def geo() -> Iterator[Server]:
    srv = serve(_replica("Gene Symbol"))
    yield srv
    srv.close()


def test_folder_layout() -> None:
    assert (
        series_folder("https://x", "GSE64392") == "https://x/geo/series/GSE64nnn/GSE64392/matrix/"
    )
    assert series_folder("https://x", "GSE12") == "https://x/geo/series/GSEnnn/GSE12/matrix/"


def test_series_matrix_platform_map_and_gene_matrix(geo: Server, tmp_path: Path) -> None:
    result = fetch_geo("GSE64392", tmp_path, base_url=geo.url, options=FAST)
    assert result.platforms == ["GPL16686"]
    # the curated annot file is absent (404): the submitter's SOFT table serves
    assert [r["path"] for r in geo.replica.log][-2:] == [
        PLATFORM + "annot/GPL16686.annot.gz",
        PLATFORM + "soft/GPL16686_family.soft.gz",
    ]
    probe_map = (tmp_path / "GPL16686_probe_map.tsv").read_text().splitlines()
    assert probe_map[0] == "ID\tGene Symbol" and len(probe_map) == 1 + len(SYMBOLS)
    genes = read_expression(tmp_path / "GSE64392_genes.tsv.gz").matrix
    assert sorted(genes.index) == sorted(SYMBOLS) and list(genes.columns) == SAMPLES
    assert genes.loc["TYMS", "GSM1"] == pytest.approx(0.0)
    manifest = {r["file"] for r in json.loads((tmp_path / "MANIFEST.json").read_text())}
    assert manifest == {"GSE64392_series_matrix.txt.gz", "GPL16686_family.soft.gz"}
    # the matrix is kept as delivered
    with gzip.open(tmp_path / "GSE64392_series_matrix.txt.gz", "rt") as fh:
        assert fh.readline().startswith("!Series_title")


def test_gene_assignment_column(tmp_path: Path) -> None:
    srv = serve(_replica("gene_assignment"))
    try:
        fetch_geo("GSE64392", tmp_path, base_url=srv.url, options=FAST)
    finally:
        srv.close()
    genes = read_expression(tmp_path / "GSE64392_genes.tsv.gz").matrix
    assert sorted(genes.index) == sorted(SYMBOLS)


def test_platform_without_genes_keeps_the_matrix_and_says_so(tmp_path: Path) -> None:
    srv = serve(_replica("SPOT_ID"))
    try:
        result = fetch_geo("GSE64392", tmp_path, base_url=srv.url, options=FAST)
    finally:
        srv.close()
    assert result.gene_matrix is None and result.probe_maps == []
    assert any("no probe -> gene map found" in n for n in result.notes)
    assert (tmp_path / "GSE64392_series_matrix.txt.gz").is_file()


def test_refseq_accessions_mapped_with_a_user_table(tmp_path: Path) -> None:
    """GPL16686 names RefSeq accessions only (GB_ACC): a BioMart-style table maps them."""
    biomart = tmp_path / "refseq_biomart.tsv"
    rows = ["Gene name\tRefSeq mRNA ID"] + [f"{g}\tNM_00{i}" for i, g in enumerate(SYMBOLS)]
    biomart.write_text("\n".join(rows) + "\n")
    srv = serve(_replica("SPOT_ID"))
    try:
        result = fetch_geo(
            "GSE64392", tmp_path / "g", base_url=srv.url, options=FAST, accession_map=biomart
        )
    finally:
        srv.close()
    assert any("by column 'GB_ACC'" in n for n in result.notes)
    genes = read_expression(tmp_path / "g" / "GSE64392_genes.tsv.gz").matrix
    assert sorted(genes.index) == sorted(SYMBOLS)


def test_truncated_and_corrupt_gzip_are_fetched_again(geo: Server, tmp_path: Path) -> None:
    name = MATRIX + "GSE64392_series_matrix.txt.gz"
    geo.replica.faults += [{"path": name, "truncate": True}, {"path": name, "corrupt": True}]
    fetch_geo("GSE64392", tmp_path, base_url=geo.url, options=FAST)
    assert len(geo.replica.requests_to(name)) == 3
    assert geo.replica.faults == []


def test_broken_gzip_every_time_leaves_nothing(geo: Server, capsys, monkeypatch, tmp_path) -> None:
    name = MATRIX + "GSE64392_series_matrix.txt.gz"
    geo.replica.faults += [{"path": name, "corrupt": True} for _ in range(5)]
    r = run_cli(
        capsys,
        monkeypatch,
        "fetch",
        "geo",
        "GSE64392",
        "-o",
        str(tmp_path / "g"),
        "--base-url",
        geo.url,
        "--retries",
        "2",
        "--backoff",
        "0.01",
    )
    assert r.code == 1 and "not a complete gzip file" in r.err and "tried 3 times" in r.err
    assert sorted(p.name for p in (tmp_path / "g").iterdir()) == []


def test_cli_and_bad_accession(geo: Server, capsys, monkeypatch, tmp_path: Path) -> None:
    r = run_cli(
        capsys, monkeypatch, "fetch", "geo", "GSE64392", "-o", str(tmp_path), "--base-url", geo.url
    )
    assert r.code == 0, r.err
    assert "GSE64392_genes.tsv.gz" in r.out
    r = run_cli(capsys, monkeypatch, "fetch", "geo", "XYZ1", "-o", str(tmp_path))
    assert r.code == 1 and "not a GEO accession: 'XYZ1'" in r.err
