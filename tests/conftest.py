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
