"""The CLI against a real Neo4j: the same commands, the same answers as the embedded store."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli_helpers import load_small_inputs, run_cli
from neo4j_fixtures import Neo4jServer

pytestmark = pytest.mark.neo4j


def _run_all(capsys, monkeypatch, root: list[str], inputs: dict[str, Path]) -> dict:
    load_small_inputs(capsys, monkeypatch, root, inputs)
    args = ["modules", "compute", "--all", "--n-random", "100", "--min-bin-size", "20"]
    r = run_cli(capsys, monkeypatch, *root, *args)
    assert r.code == 0, r.err
    status = run_cli(capsys, monkeypatch, *root, "db", "status", "--json").json()
    shown = run_cli(
        capsys,
        monkeypatch,
        *root,
        "modules",
        "show",
        "--drug",
        "5-FU",
        "--all-rows",
        "--format",
        "json",
    ).json()
    return {"status": status, "modules": shown}


def test_cli_on_neo4j_matches_embedded(
    capsys,
    monkeypatch,
    tmp_path: Path,
    inputs,
    neo4j_server: Neo4jServer,
) -> None:
    neo = [
        "--store",
        neo4j_server.uri,
        "--neo4j-user",
        neo4j_server.user,
        "--neo4j-password",
        neo4j_server.password,
        "--neo4j-batch-size",  # many statements per load transaction: the same answers
        "7",
    ]
    assert run_cli(capsys, monkeypatch, *neo, "db", "clear", "--yes").code == 0
    init = run_cli(capsys, monkeypatch, *neo, "db", "init")
    assert init.code == 0 and "schema ready" in init.out
    on_neo4j = _run_all(capsys, monkeypatch, neo, inputs)
    embedded = _run_all(capsys, monkeypatch, ["--store", str(tmp_path / "store")], inputs)
    for result in (on_neo4j, embedded):
        result["status"].pop("store")
        for ds in result["status"]["datasets"]:
            ds.pop("loaded_at")
    assert on_neo4j["status"]["networks"] == embedded["status"]["networks"]
    assert on_neo4j["status"]["targets"] == embedded["status"]["targets"]
    assert on_neo4j["status"]["pathways"] == embedded["status"]["pathways"]
    assert on_neo4j["modules"] == embedded["modules"]
    again = run_cli(
        capsys,
        monkeypatch,
        *neo,
        "load",
        "network",
        str(inputs["network"]),
        "--name",
        "ppi",
        "--json",
    )
    assert again.code == 0 and again.json()[0]["already_loaded"]


def test_cli_neo4j_bad_password_is_one_line(capsys, monkeypatch, neo4j_server: Neo4jServer) -> None:
    r = run_cli(
        capsys,
        monkeypatch,
        "--store",
        neo4j_server.uri,
        "--neo4j-password",
        "wrong-password",
        "db",
        "status",
    )
    lines = [line for line in r.err.splitlines() if line.strip()]
    assert r.code == 1 and len(lines) == 1 and "password" in r.err.lower()


def test_cli_closes_the_neo4j_driver(capsys, monkeypatch, neo4j_server: Neo4jServer) -> None:
    """The driver is closed when the command ends, on success and on a rejected password: the
    driver 5.x prints a DeprecationWarning when it is left to its destructor."""
    from netmarker.graph.neo4j import Neo4jStore

    closed: list[str] = []
    close = Neo4jStore.close

    def spy(self: Neo4jStore) -> None:
        closed.append(self.uri)
        close(self)

    monkeypatch.setattr(Neo4jStore, "close", spy)
    monkeypatch.setenv("NEO4J_PASSWORD", neo4j_server.password)
    ok = run_cli(capsys, monkeypatch, "--store", neo4j_server.uri, "db", "status", "--json")
    assert ok.code == 0 and closed == [neo4j_server.uri]
    bad = run_cli(
        capsys,
        monkeypatch,
        "--store",
        neo4j_server.uri,
        "--neo4j-password",
        "wrong",
        "db",
        "status",
    )
    assert bad.code == 1 and closed == [neo4j_server.uri] * 2
