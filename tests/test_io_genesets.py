"""GMT reader: mapping, sizes, bad input and the real MSigDB Reactome file."""

from __future__ import annotations

from pathlib import Path

import pytest

from netmarker.errors import InputError
from netmarker.graph.store import MEMBER_COLUMNS, PATHWAY_COLUMNS
from netmarker.ids.genes import GeneMapper
from netmarker.io.genesets import read_gmt

GENES = [("7298", "TYMS"), ("7157", "TP53"), ("2064", "ERBB2"), ("1956", "EGFR"), ("1719", "DHFR")]
ALIASES = [("2064", "HER2"), ("7157", "P53")]


@pytest.fixture
def mapper() -> GeneMapper:
    return GeneMapper.from_records(GENES, ALIASES)


def write(tmp_path: Path, text: str, name: str = "sets.gmt") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_read_gmt(tmp_path: Path, mapper: GeneMapper) -> None:
    text = (
        "REACTOME_A\thttp://x/REACTOME_A\tTYMS\tDHFR\tLOC12345\t\n"
        "REACTOME_B\tNA\tHER2\tEGFR\tERBB2\tP53\n"  # HER2 and ERBB2 are one gene
        "\n"
        "REACTOME_C\t\tTYMS\n"
    )
    parsed = read_gmt(write(tmp_path, text), mapper=mapper)
    assert list(parsed.pathways.columns) == PATHWAY_COLUMNS
    assert list(parsed.members.columns) == MEMBER_COLUMNS
    assert parsed.pathways.values.tolist() == [
        ["REACTOME_A", "sets", "http://x/REACTOME_A"], ["REACTOME_B", "sets", ""],
        ["REACTOME_C", "sets", ""],
    ]  # fmt: skip
    assert parsed.members.values.tolist() == [
        ["REACTOME_A", "DHFR"], ["REACTOME_A", "TYMS"], ["REACTOME_B", "EGFR"],
        ["REACTOME_B", "ERBB2"], ["REACTOME_B", "TP53"], ["REACTOME_C", "TYMS"],
    ]  # fmt: skip
    r = parsed.report
    assert (r.sets_read, r.sets, r.memberships_read, r.memberships) == (3, 3, 8, 6)
    assert (r.members_dropped_unmapped, r.duplicate_members, r.genes) == (1, 1, 5)
    assert (r.symbols.n_input, r.symbols.n_rescued, r.symbols.n_dropped) == (7, 2, 1)
    assert r.counts()["symbols_dropped"] == 1


def test_min_size_and_source(tmp_path: Path, mapper: GeneMapper) -> None:
    text = "BIG\tu\tTYMS\tDHFR\tEGFR\nSMALL\tu\tTYMS\tNOPE\n"
    parsed = read_gmt(write(tmp_path, text), mapper=mapper, min_size=2, source="reactome")
    assert parsed.pathways["pathway"].tolist() == ["BIG"]
    assert set(parsed.pathways["source"]) == {"reactome"}
    assert set(parsed.members["pathway"]) == {"BIG"}
    assert parsed.report.sets_below_min_size == 1


@pytest.mark.parametrize(
    ("text", "kwargs", "message"),
    [
        ("", {}, r"sets\.gmt: file is empty"),
        ("\n\n", {}, r"sets\.gmt: no gene sets"),
        ("A\tu\tTYMS\nB\tu\n", {}, r"sets\.gmt:2: a gene set line needs name, url and genes"),
        ("A u TYMS DHFR\n", {}, r"sets\.gmt:1: .*found 1 field"),  # spaces, not tabs
        ("A\tu\tTYMS\nB\tu\tDHFR\nA\tu\tEGFR\n", {}, r"sets\.gmt:3: duplicate gene set 'A' .*1"),
        ("\tu\tTYMS\n", {}, r"sets\.gmt:1: empty gene set name"),
        ("A\tu\t\t\n", {}, r"sets\.gmt:1: gene set 'A' lists no genes"),
        ("A\tu\tTYMS\nB\tu\tNOPE\n", {"strict": True}, r"sets\.gmt:2: gene 'NOPE' of set 'B'"),
    ],
)
def test_bad_input(
    tmp_path: Path, mapper: GeneMapper, text: str, kwargs: dict, message: str
) -> None:
    with pytest.raises(InputError, match=message):
        read_gmt(write(tmp_path, text), mapper=mapper, **kwargs)


@pytest.mark.realdata
def test_real_msigdb_v61_reactome(shared_data: Path) -> None:
    parsed = read_gmt(shared_data / "msigdb_reactome" / "msigdb_v6.1_c2.cp.reactome.symbols.gmt")
    r = parsed.report
    assert (r.sets_read, r.sets) == (674, 674)  # SOURCE.md: the 674 sets Kong et al. used
    assert parsed.pathways["pathway"].str.startswith("REACTOME_").all()
    assert r.memberships_read == 37_601
    assert (r.symbols.n_input, r.symbols.n_mapped, r.symbols.n_rescued) == (6_025, 5_871, 222)
    assert (r.members_dropped_unmapped, r.memberships, r.genes) == (1_059, 36_542, 5_871)
