"""Issue 13's input cases for the readers and the store CLI: each gives one line naming the
file (and line where there is one), exit 1, and nothing written to the store."""

from __future__ import annotations

import gzip
import subprocess
from pathlib import Path

import pytest

from cli_helpers import load_small_inputs, run_cli
from netmarker.errors import InputError, StoreError
from netmarker.graph.store import validate_network_name
from netmarker.io.genesets import read_gmt
from netmarker.io.network import read_network
from netmarker.io.targets import read_targets

EDGES = "gene_a\tgene_b\tscore\n" + "".join(
    f"{a}\t{b}\t{900}\n" for a, b in [("TP53", "EGFR"), ("EGFR", "KRAS"), ("KRAS", "BRAF")] * 1
)


def _big_edges(n: int = 4000) -> str:
    genes = ["TP53", "EGFR", "KRAS", "BRAF", "MYC", "AKT1", "PTEN", "CDK4", "CDK6", "TYMS"]
    rows = [f"{genes[i % 10]}\t{genes[(i * 7 + 3) % 10]}\t{100 + i}\n" for i in range(n)]
    return "gene_a\tgene_b\tscore\n" + "".join(
        r for r in rows if r.split("\t")[0] != r.split("\t")[1]
    )


def _one_line(err: str, path: Path) -> None:
    assert err.count("\n") == 1 and err.startswith("error: "), err
    assert str(path) in err, err


def _store_status(capsys, monkeypatch, store: Path) -> dict:
    return run_cli(capsys, monkeypatch, "--store", str(store), "db", "status", "--json").json()


# -- gzip --------------------------------------------------------------------------------------
def _gz(tmp_path: Path, text: str) -> bytes:
    return gzip.compress(text.encode())


@pytest.mark.parametrize("damage", ["truncated", "bad-crc"])
def test_damaged_gzip_network_is_one_line(
    capsys, monkeypatch, tmp_path, inputs, damage: str
) -> None:
    store = tmp_path / "store"
    load_small_inputs(capsys, monkeypatch, ["--store", str(store)], inputs)
    before = _store_status(capsys, monkeypatch, store)
    data = bytearray(_gz(tmp_path, _big_edges()))
    if damage == "truncated":
        data = data[: len(data) * 2 // 3]
    else:
        data[-8] ^= 0xFF  # the CRC32 in the gzip trailer
    bad = tmp_path / "bad.tsv.gz"
    bad.write_bytes(bytes(data))
    r = run_cli(
        capsys, monkeypatch, "--store", str(store), "load", "network", str(bad), "--name", "ppi"
    )
    assert r.code == 1
    _one_line(r.err, bad)
    assert "gzip" in r.err
    assert _store_status(capsys, monkeypatch, store) == before


@pytest.mark.parametrize("damage", ["truncated", "bad-crc"])
@pytest.mark.parametrize("reader", ["gmt", "targets"])
def test_damaged_gzip_other_readers(tmp_path, damage: str, reader: str) -> None:
    if reader == "gmt":
        text = "".join(f"SET{i}\thttp://x\tTP53\tEGFR\n" for i in range(3000))
    else:
        text = "drug\tgene\n" + "".join(f"DRUG{i}\tTP53\n" for i in range(3000))
    data = bytearray(gzip.compress(text.encode()))
    if damage == "truncated":
        data = data[: len(data) // 2]
    else:
        data[-8] ^= 0xFF
    bad = tmp_path / f"bad.{'gmt' if reader == 'gmt' else 'tsv'}.gz"
    bad.write_bytes(bytes(data))
    with pytest.raises(InputError, match="gzip") as err:
        (read_gmt if reader == "gmt" else read_targets)(bad)
    assert err.value.path == str(bad)


# -- encodings ---------------------------------------------------------------------------------
def test_gmt_with_a_byte_order_mark(tmp_path) -> None:
    gmt = tmp_path / "bom.gmt"
    gmt.write_bytes(b"\xef\xbb\xbfREACTOME_X\thttp://x\tTP53\tEGFR\nREACTOME_Y\thttp://y\tKRAS\n")
    parsed = read_gmt(gmt)
    assert sorted(parsed.pathways["pathway"]) == ["REACTOME_X", "REACTOME_Y"]


def test_network_and_targets_with_a_byte_order_mark(tmp_path) -> None:
    net = tmp_path / "bom.tsv"
    net.write_bytes(b"\xef\xbb\xbf" + EDGES.encode())
    assert len(read_network(net).edges) == 3
    targets = tmp_path / "bom_targets.tsv"
    targets.write_bytes(b"\xef\xbb\xbfdrug\tgene\nFLUOROURACIL\tTYMS\n")
    assert len(read_targets(targets).targets) == 1


@pytest.mark.parametrize("reader", ["targets", "gmt", "network"])
def test_invalid_utf8_after_8kb_is_one_line(tmp_path, reader: str) -> None:
    if reader == "targets":
        head = "drug\tgene\n" + "".join(f"DRUG{i}\tTP53\n" for i in range(1500))
    elif reader == "gmt":
        head = "".join(f"SET{i}\thttp://x\tTP53\tEGFR\n" for i in range(500))
    else:
        head = _big_edges(1500)
    assert len(head) > 8192
    bad = tmp_path / "latin1.txt"
    bad.write_bytes(head.encode() + b"CAF\xc9\tTP53\n")
    fn = {"targets": read_targets, "gmt": read_gmt, "network": read_network}[reader]
    with pytest.raises(InputError, match="not utf-8 text") as err:
        fn(bad)
    assert err.value.path == str(bad)


# -- the target reader's quoting ---------------------------------------------------------------
def test_stray_quote_in_a_tsv_target_table_does_not_merge_lines(tmp_path) -> None:
    tsv = tmp_path / "t.tsv"
    tsv.write_text('drug\tgene\n"FLUOROURACIL\tTYMS\nGEFITINIB\tEGFR\nERLOTINIB\tEGFR\n')
    parsed = read_targets(tsv)
    assert len(parsed.targets) == 3  # was: one drug swallowing the next lines


def test_unbalanced_quote_in_a_csv_target_table_names_the_line(tmp_path) -> None:
    csv_file = tmp_path / "t.csv"
    csv_file.write_text('drug,gene\nGEFITINIB,EGFR\n"FLUOROURACIL,TYMS\nERLOTINIB,EGFR\n')
    with pytest.raises(InputError, match="unbalanced") as err:
        read_targets(csv_file)
    assert err.value.line == 3 and err.value.path == str(csv_file)


# -- networks that would load as 0 edges -------------------------------------------------------
def test_network_of_only_self_loops_is_an_error(tmp_path) -> None:
    net = tmp_path / "loops.tsv"
    net.write_text("gene_a\tgene_b\tscore\nTP53\tTP53\t900\nEGFR\tEGFR\t800\n")
    with pytest.raises(InputError, match=r"no edges left.*2 self-loop"):
        read_network(net)


def test_network_where_no_id_maps_is_an_error(capsys, monkeypatch, tmp_path) -> None:
    net = tmp_path / "unmapped.tsv"
    net.write_text("gene_a\tgene_b\tscore\nNOTAGENE1\tNOTAGENE2\t900\nNOTAGENE3\tNOTAGENE4\t1\n")
    store = tmp_path / "store"
    r = run_cli(
        capsys, monkeypatch, "--store", str(store), "load", "network", str(net), "--name", "x"
    )
    assert r.code == 1 and "no edges left" in r.err and "maps to no gene" in r.err
    _one_line(r.err, net)
    assert not (store / "CURRENT").exists()


# -- names and store paths ---------------------------------------------------------------------
@pytest.mark.parametrize("name", ["abc\n", "abc\r", "", "../x", "a" * 65, "a/b"])
def test_network_name_must_match_entirely(name: str) -> None:
    with pytest.raises(StoreError, match="invalid network name"):
        validate_network_name(name)


def test_cli_network_name_with_a_newline(capsys, monkeypatch, tmp_path, inputs) -> None:
    store = tmp_path / "store"
    r = run_cli(
        capsys,
        monkeypatch,
        "--store",
        str(store),
        "load",
        "network",
        str(inputs["network"]),
        "--name",
        "abc\n",
    )
    assert r.code == 1 and "invalid network name" in r.err
    assert not (store / "CURRENT").exists()


def test_store_path_under_a_regular_file_is_one_line(capsys, monkeypatch, tmp_path, inputs) -> None:
    (tmp_path / "file").write_text("x")
    store = tmp_path / "file" / "store"
    for args in (
        ["load", "network", str(inputs["network"]), "--name", "ppi"],
        ["db", "status"],
        ["db", "check"],
    ):
        r = run_cli(capsys, monkeypatch, "--store", str(store), *args)
        assert r.code == 1, (args, r.out)
        assert r.err.count("\n") == 1 and "not a directory" in r.err.lower(), r.err


def test_read_only_store_cli(capsys, monkeypatch, tmp_path, inputs) -> None:
    mnt = tmp_path / "ro"
    mnt.mkdir()
    run = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mnt)], capture_output=True, text=True
    )
    if run.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({run.stderr.strip() or 'not root'})")
    try:
        store = mnt / "store"
        load_small_inputs(capsys, monkeypatch, ["--store", str(store)], inputs)
        before = _store_status(capsys, monkeypatch, store)
        subprocess.run(["mount", "-o", "remount,ro", str(mnt)], check=True)
        assert _store_status(capsys, monkeypatch, store) == before
        r = run_cli(
            capsys,
            monkeypatch,
            "--store",
            str(store),
            "modules",
            "compute",
            "--drug",
            "FLUOROURACIL",
            "--network",
            "ppi",
            "--n-random",
            "20",
        )
        assert r.code == 1
        assert r.err.count("\n") == 1 and "Read-only file system" in r.err, r.err
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


# -- db check / db repair ----------------------------------------------------------------------
def test_db_check_and_repair_cli(capsys, monkeypatch, tmp_path, inputs) -> None:
    store = tmp_path / "store"
    load_small_inputs(capsys, monkeypatch, ["--store", str(store)], inputs)
    ok = run_cli(capsys, monkeypatch, "--store", str(store), "db", "check")
    assert ok.code == 0 and ok.out.strip().endswith("ok"), ok.out
    snap = store / (store / "CURRENT").read_text().split()[0]
    target = snap / "targets.parquet"
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0x01
    target.write_bytes(bytes(data))
    status = run_cli(capsys, monkeypatch, "--store", str(store), "db", "status")
    assert status.code == 1
    _one_line(status.err, target)
    bad = run_cli(capsys, monkeypatch, "--store", str(store), "db", "check", "--json")
    assert bad.code == 1 and not bad.json()["ok"]
    assert any("targets.parquet" in d for d in bad.json()["damaged"])
    fixed = run_cli(capsys, monkeypatch, "--store", str(store), "db", "repair")
    assert fixed.code == 0 and "targets" in fixed.out
    assert run_cli(capsys, monkeypatch, "--store", str(store), "db", "check").code == 0
    load_small_inputs(capsys, monkeypatch, ["--store", str(store)], inputs)
    assert _store_status(capsys, monkeypatch, store)["targets"]["test"]["links"] == 2
