"""The CLI on small generated files: loads, status, idempotency, modules, bad input."""

from __future__ import annotations

import gzip

import pytest

from cli_helpers import load_small_inputs, run_cli

EDGE_HEADER = "gene_a\tgene_b\tscore\n"


def test_load_status_and_idempotent_reload(capsys, monkeypatch, tmp_path, inputs) -> None:
    store = tmp_path / "store"
    load_small_inputs(capsys, monkeypatch, ["--store", str(store)], inputs)
    status = run_cli(capsys, monkeypatch, "--store", str(store), "db", "status", "--json").json()
    with gzip.open(inputs["network"], "rt") as fh:
        n_edges = len(fh.read().splitlines()) - 1
    assert status["networks"]["ppi"]["edges"] == n_edges
    assert status["pathways"]["test"]["pathways"] == 2
    assert status["targets"]["test"] == {"drugs": 2, "links": 2, "genes": 2}
    assert len(status["datasets"]) == 3
    again = run_cli(
        capsys,
        monkeypatch,
        "--store",
        str(store),
        "load",
        "network",
        str(inputs["network"]),
        "--name",
        "ppi",
        "--json",
    )
    assert again.code == 0 and again.json()[0]["already_loaded"] is True
    after = run_cli(capsys, monkeypatch, "--store", str(store), "db", "status", "--json").json()
    assert after == status
    table = run_cli(capsys, monkeypatch, "--store", str(store), "db", "status")
    assert "ppi" in table.out and "provenance" in table.out


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("", "file is empty"),
        ("gene_a,gene_b,score\nTP53,EGFR,900\n", ""),  # comma-separated: read fine
        (EDGE_HEADER + "TP53\tEGFR\t900\nTP53\tKRAS\thigh\n", ":3:"),
        ("gene\nTP53\nEGFR\n", "column"),
    ],
)
def test_bad_network_file_is_one_line_and_leaves_store(
    capsys, monkeypatch, tmp_path, inputs, content, problem
) -> None:
    store = tmp_path / "store"
    load_small_inputs(capsys, monkeypatch, ["--store", str(store)], inputs)
    before = run_cli(capsys, monkeypatch, "--store", str(store), "db", "status", "--json").json()
    bad = tmp_path / "bad.tsv"
    bad.write_text(content)
    r = run_cli(
        capsys, monkeypatch, "--store", str(store), "load", "network", str(bad), "--name", "ppi"
    )
    if not problem:  # a well-formed file in another delimiter is accepted
        assert r.code == 0, r.err
        return
    assert r.code == 1
    assert r.err.count("\n") == 1 and r.err.startswith("error: ")  # exactly one line
    assert str(bad) in r.err and problem in r.err
    after = run_cli(capsys, monkeypatch, "--store", str(store), "db", "status", "--json").json()
    assert after == before


def test_modules_compute_show_and_errors(capsys, monkeypatch, tmp_path, inputs) -> None:
    store = tmp_path / "store"
    load_small_inputs(capsys, monkeypatch, ["--store", str(store)], inputs)
    base = ["--store", str(store)]
    r = run_cli(
        capsys,
        monkeypatch,
        *base,
        "modules",
        "compute",
        "--drug",
        "5-FU",
        "--n-random",
        "200",
        "--min-bin-size",
        "20",
        "--json",
    )
    assert r.code == 0, r.err
    assert r.json()["drugs"] == ["FLUOROURACIL"]
    shown = run_cli(
        capsys,
        monkeypatch,
        *base,
        "modules",
        "show",
        "--drug",
        "fluorouracil",
        "--all-rows",
        "--format",
        "tsv",
    )
    rows = [line.split("\t") for line in shown.out.strip().splitlines()]
    assert rows[0][:2] == ["drug", "pathway"]
    assert {r[1] for r in rows[1:]} == {"NEAR_TYMS", "RANDOM_SET"}
    assert float(rows[1][4]) <= float(rows[2][4])  # sorted by z
    unknown = run_cli(capsys, monkeypatch, *base, "modules", "show", "--drug", "fluorouracyl")
    assert unknown.code == 1 and "close matches: FLUOROURACIL" in unknown.err
    net = run_cli(capsys, monkeypatch, *base, "modules", "compute", "--all", "--network", "x")
    assert net.code == 1 and "unknown network 'x'" in net.err
    both = run_cli(capsys, monkeypatch, *base, "modules", "compute")
    assert both.code != 0 and "--drug NAME" in both.err
    rwr = run_cli(
        capsys,
        monkeypatch,
        *base,
        "modules",
        "compute",
        "--all",
        "--method",
        "rwr",
        "--top-k",
        "10",
    )
    assert rwr.code == 0, rwr.err
    show = run_cli(
        capsys,
        monkeypatch,
        *base,
        "modules",
        "show",
        "--drug",
        "ERLOTINIB",
        "--method",
        "rwr",
        "--format",
        "json",
    )
    assert show.json()[0]["gene"] == "EGFR"


def test_missing_file_and_help(capsys, monkeypatch, tmp_path) -> None:
    r = run_cli(
        capsys,
        monkeypatch,
        "--store",
        str(tmp_path / "s"),
        "load",
        "pathways",
        str(tmp_path / "nope.gmt"),
    )
    assert r.code == 1 and "nope.gmt: file not found" in r.err
    h = run_cli(capsys, monkeypatch, "--help")
    assert h.code == 0 and "modules" in h.out and "demo" in h.out


def test_db_clear_and_init(capsys, monkeypatch, tmp_path, inputs) -> None:
    store = tmp_path / "store"
    load_small_inputs(capsys, monkeypatch, ["--store", str(store)], inputs)
    init = run_cli(capsys, monkeypatch, "--store", str(store), "db", "init")
    assert init.code == 0 and "needs no schema" in init.out
    cleared = run_cli(capsys, monkeypatch, "--store", str(store), "db", "clear", "--yes")
    assert cleared.code == 0
    status = run_cli(capsys, monkeypatch, "--store", str(store), "db", "status", "--json").json()
    assert status["networks"] == {} and status["genes"] == 0 and status["datasets"] == []


def test_compute_all_prints_a_summary_and_the_top_rows(capsys, monkeypatch, tmp_path, inputs):
    import netmarker.cli.modules as cli_modules

    root = ["--store", str(tmp_path / "store")]
    load_small_inputs(capsys, monkeypatch, root, inputs)
    monkeypatch.setattr(cli_modules, "_TOP_ROWS", 3)
    args = ["modules", "compute", "--all", "--n-random", "100", "--min-bin-size", "20"]
    r = run_cli(capsys, monkeypatch, *root, *args)
    assert r.code == 0, r.err
    assert "2 drugs x 2 pathways = 4 pairs in " in r.out
    assert "expected by chance" in r.out and "modules show --drug NAME" in r.out
    assert "the 3 pairs with the lowest z" in r.out
    shown = run_cli(capsys, monkeypatch, *root, "modules", "show", "--drug", "5-FU", "--all-rows",
                    "--format", "tsv")  # fmt: skip
    stored = [line.split("\t") for line in shown.out.strip().splitlines()[1:]]
    best = min(stored, key=lambda row: float(row[4]))
    assert best[1] in r.out  # the lowest z of the drug is among the rows shown


def test_the_store_is_closed_when_a_command_ends(capsys, monkeypatch, tmp_path, inputs) -> None:
    """Every command closes the store it opened, also when it fails (the neo4j driver 5.x
    warns on stderr when a driver is left to its destructor)."""
    from netmarker.graph import EmbeddedStore

    closed: list[str] = []
    close = EmbeddedStore.close

    def spy(self: EmbeddedStore) -> None:
        closed.append(str(self.path))
        close(self)

    monkeypatch.setattr(EmbeddedStore, "close", spy)
    store = tmp_path / "store"
    load_small_inputs(capsys, monkeypatch, ["--store", str(store)], inputs)
    assert closed == [str(store)] * 3
    failed = run_cli(capsys, monkeypatch, "--store", str(store), "modules", "show", "-d", "nope")
    assert failed.code == 1 and closed == [str(store)] * 4
