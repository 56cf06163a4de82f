"""Shared fixtures: where the real public data lives."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from neo4j_fixtures import neo4j_server, neo4j_store, neo4j_uri  # noqa: F401


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
