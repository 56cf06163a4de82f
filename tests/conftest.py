"""Shared fixtures: where the real public data lives."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

from neo4j_fixtures import neo4j_server, neo4j_store, neo4j_uri  # noqa: F401
from netmarker.io.genemaps import default_gene_mapper


def _shared_data_dir() -> Path:
    env = os.environ.get("NETMARKER_SHARED_DATA")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / "shared" / "data"


SHARED_DATA = _shared_data_dir()


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The folder of real public data sets (../shared/data); skips the test when absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real data folder {SHARED_DATA} not found (set NETMARKER_SHARED_DATA)")
    return SHARED_DATA


@pytest.fixture
def inputs(tmp_path: Path) -> dict[str, Path]:
    """Small inputs for CLI tests: a 300-node scale-free network of real gene symbols, a GMT
    with a set around TYMS and a random set, and a two-drug target table."""

    symbols = sorted(
        default_gene_mapper()
        .map_symbols(
            ["TYMS", "TP53", "EGFR", "KRAS", "BRAF", "MYC", "AKT1", "PTEN", "CDK4", "CDK6"]
        )[0]
        .values()
    )
    genes = pd.read_csv(
        Path(__file__).resolve().parents[1]
        / "src"
        / "netmarker"
        / "resources"
        / "entrez_symbol.tsv.gz",
        sep="\t",
        dtype=str,
    )
    pool = [g for g in genes["symbol"] if g.isalnum() and g.isupper()][:300]
    names = symbols + [g for g in pool if g not in symbols][: 300 - len(symbols)]
    g = nx.barabasi_albert_graph(len(names), 2, seed=3)
    net = tmp_path / "net.tsv.gz"
    with gzip.open(net, "wt") as fh:
        fh.write("gene_a\tgene_b\tscore\n")
        for u, v in g.edges:
            fh.write(f"{names[u]}\t{names[v]}\t{700 + (u * v) % 300}\n")
    near = sorted({names[n] for n in g.neighbors(0)} | {names[0]})
    gmt = tmp_path / "sets.gmt"
    gmt.write_text(
        "NEAR_TYMS\thttp://x\t" + "\t".join(near) + "\n"
        "RANDOM_SET\thttp://x\t" + "\t".join(names[150:170]) + "\n"
    )
    targets = tmp_path / "targets.tsv"
    targets.write_text("drug\tgene\tsource\nFluorouracil\tTYMS\ttest\nErlotinib\tEGFR\ttest\n")
    return {"network": net, "pathways": gmt, "targets": targets}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    """In CI (NETMARKER_REQUIRE_NEO4J=1) a skipped Neo4j test is a failed one."""
    outcome = yield
    report = outcome.get_result()
    if (
        report.skipped
        and item.get_closest_marker("neo4j") is not None
        and os.environ.get("NETMARKER_REQUIRE_NEO4J") == "1"
    ):
        report.outcome = "failed"
        report.longrepr = (
            f"Neo4j test skipped although NETMARKER_REQUIRE_NEO4J=1: {report.longrepr}"
        )
