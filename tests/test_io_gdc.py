"""GDC per-case expression files joined by a sample sheet."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from netmarker.errors import InputError
from netmarker.io.gdc import read_gdc_files, read_sample_sheet

# Ensembl ids of TP53, EGFR and KRAS (GRCh38), with GDC-style versions
GENES = {"ENSG00000141510.16": "TP53", "ENSG00000146648.17": "EGFR", "ENSG00000133703.12": "KRAS"}


def _case_file(folder: Path, name: str, values: list[float]) -> Path:
    path = folder / name
    with gzip.open(path, "wt") as fh:
        for gene, value in zip(GENES, values, strict=True):
            fh.write(f"{gene}\t{value}\n")
        fh.write("__no_feature\t12\n")
    return path


@pytest.fixture
def download(tmp_path: Path) -> tuple[Path, Path]:
    folder = tmp_path / "gdc"
    (folder / "uuid-a").mkdir(parents=True)
    (folder / "uuid-b").mkdir()
    _case_file(folder / "uuid-a", "a.FPKM-UQ.txt.gz", [10.0, 20.0, 30.0])
    _case_file(folder / "uuid-b", "b.FPKM-UQ.txt.gz", [1.0, 2.0, 3.0])
    sheet = tmp_path / "sheet.tsv"
    sheet.write_text(
        "caseID\tfileName\tbarcodeID\nc1\ta.FPKM-UQ.txt.gz\tTCGA-AA-0001\n"
        "c2\tb.FPKM-UQ.txt.gz\tTCGA-AA-0002\n"
    )
    return folder, sheet


def test_joins_files_into_a_symbol_matrix(download: tuple[Path, Path]) -> None:
    folder, sheet = download
    data = read_gdc_files(folder, sheet)
    m = data.matrix
    assert list(m.columns) == ["TCGA-AA-0001", "TCGA-AA-0002"]
    assert m.loc["EGFR"].tolist() == [20.0, 2.0] and sorted(m.index) == ["EGFR", "KRAS", "TP53"]
    assert data.report.format == "gdc_files" and data.report.tcga_barcodes


def test_gdc_portal_sample_sheet(tmp_path: Path) -> None:
    sheet = tmp_path / "gdc_sample_sheet.tsv"
    sheet.write_text(
        "File ID\tFile Name\tCase ID\tSample ID\n"
        "u1\ta.txt.gz\tTCGA-AA-0001\tTCGA-AA-0001-01A, TCGA-AA-0001-11A\n"
    )
    assert read_sample_sheet(sheet) == {"a.txt.gz": "TCGA-AA-0001-01A"}


def test_bad_inputs(download: tuple[Path, Path], tmp_path: Path) -> None:
    folder, sheet = download
    bad_sheet = tmp_path / "bad.tsv"
    bad_sheet.write_text("name\tcase\nx\ty\n")
    with pytest.raises(InputError, match="not a sample sheet"):
        read_gdc_files(folder, bad_sheet)
    stray = tmp_path / "stray.txt.gz"
    _case_file(tmp_path, "stray.txt.gz", [1.0, 2.0, 3.0])
    with pytest.raises(InputError, match="not named in the sample sheet"):
        read_gdc_files([stray], sheet)
    broken = folder / "uuid-b" / "b.FPKM-UQ.txt.gz"
    with gzip.open(broken, "wt") as fh:
        fh.write("ENSG00000141510.16\t1.0\nENSG00000146648.17\tNA!\n")
    with pytest.raises(InputError, match=r"b\.FPKM-UQ\.txt\.gz:2: non-numeric value 'NA!'"):
        read_gdc_files(folder, sheet)


@pytest.mark.realdata
def test_real_kong_sheet_names_158_cases(shared_data: Path) -> None:
    sheet = read_sample_sheet(
        shared_data / "kong2020" / "TCGA_COAD" / "COAD_caseID_fileName_barcodeID.txt"
    )
    assert len(sheet) == 158 and all(c.startswith("TCGA-") for c in sheet.values())


@pytest.mark.parametrize(
    ("text", "message"),
    [
        # a quote opens a field that runs to the end of the file (today: a traceback)
        ('ENSG00000141510.16\t1.0\n"ENSG00000146648.17\t2.0\nENSG00000133703.12\t3\n', ":2: stray"),
        ('ENSG00000141510.16\t1.0\nENSG00000146648.17\t2.0"\n', ":2: stray quote"),
        ("ENSG00000141510.16\t1.0\nENSG00000146648.17\t2.0\t5\n", ":2: not a two-column"),
    ],
)
def test_quotes_and_ragged_rows_in_a_case_file(
    download: tuple[Path, Path], text: str, message: str
) -> None:
    folder, sheet = download
    with gzip.open(folder / "uuid-b" / "b.FPKM-UQ.txt.gz", "wt") as fh:
        fh.write(text)
    with pytest.raises(InputError, match=rf"b\.FPKM-UQ\.txt\.gz{message}"):
        read_gdc_files(folder, sheet)
