"""read_survival: one reader for plain, TCGA-CDR and TCGA biotab survival tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from netmarker.errors import InputError
from netmarker.io.clinical import read_survival


def test_plain_table(tmp_path: Path) -> None:
    f = tmp_path / "s.tsv"
    f.write_text("patient\ttime_months\tevent\nA\t12.5\t1\nB\t30\t0\nC\t\t1\n")
    df = read_survival(f)
    assert df["patient"].tolist() == ["A", "B"] and df["event"].tolist() == [1, 0]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("patient\ttime\tevent\nA\t1\t1\n", "missing column(s) time_months"),
        ("patient\ttime_months\tevent\nA\t1\t1\nB\tsoon\t0\n", ":3: non-numeric time_months"),
        ("patient\ttime_months\tevent\nA\t1\t2\n", "event must be 0"),
    ],
)
def test_bad_tables(tmp_path: Path, text: str, problem: str) -> None:
    f = tmp_path / "bad.tsv"
    f.write_text(text)
    with pytest.raises(InputError) as err:
        read_survival(f)
    assert problem in str(err.value) and str(f) in str(err.value)


@pytest.mark.realdata
def test_real_cdr_and_biotab(shared_data: Path) -> None:
    cdr = read_survival(
        shared_data / "tcga_pancancer_clinical_cdr" / "tcga_pancancer_clinical_cdr_subset.tsv.gz",
        cancer_types=["COAD"],
    )
    assert len(cdr) == 457
    biotab = next(
        (shared_data / "kong2020" / "TCGA_COAD" / "clinical_patient").glob(
            "*/nationwidechildrens.org_clinical_patient_coad.txt"
        )
    )
    bt = read_survival(biotab)
    assert len(bt) == 457 and int(bt["event"].sum()) == 56
