"""Fixtures for tests against a real Neo4j (mark them ``@pytest.mark.neo4j``).

The server is ``$NETMARKER_TEST_NEO4J_URI`` (with ``NEO4J_USER`` / ``NEO4J_PASSWORD``) when set,
as ``scripts/test`` does; otherwise the session starts its own with ``scripts/neo4j-local``
(its own port, password and temporary database) and stops it at the end. When Neo4j cannot
be had the tests are skipped, unless ``NETMARKER_REQUIRE_NEO4J=1`` (CI), where that fails.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from netmarker.errors import StoreError
from netmarker.graph.neo4j import Neo4jStore

LAUNCHER = Path(__file__).resolve().parents[1] / "scripts" / "neo4j-local"
#: the first start builds the launcher with Maven, which may download Neo4j
_START_TIMEOUT_S = 900


@dataclass(frozen=True)
class Neo4jServer:
    """Where the test Neo4j listens and how to log in."""

    uri: str
    user: str
    password: str

    def store(self, batch_size: int = 10_000) -> Neo4jStore:
        return Neo4jStore(self.uri, self.user, self.password, batch_size=batch_size)


def unavailable(reason: str) -> None:
    """Skip, or fail when CI requires Neo4j: a skipped Neo4j test in CI is a failure."""
    if os.environ.get("NETMARKER_REQUIRE_NEO4J") == "1":
        pytest.fail(f"Neo4j is required (NETMARKER_REQUIRE_NEO4J=1) but {reason}")
    pytest.skip(f"Neo4j not available: {reason}")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _check(server: Neo4jServer) -> str | None:
    """None if the server answers with these credentials, else why not."""
    store = server.store()
    try:
        store.init_schema()
    except StoreError as exc:
        return str(exc)
    finally:
        store.close()
    return None


def start_own(workdir: Path, **settings: str) -> tuple[Neo4jServer | None, dict[str, str], str]:
    """Start scripts/neo4j-local in ``workdir``; returns (server or None, its env, output).

    ``settings`` are more environment variables for the launcher (``NEO4J_LOCAL_*``)."""
    if shutil.which("java") is None:
        return None, {}, "java is not installed"
    port = free_port()
    env = {
        **os.environ,
        "NEO4J_LOCAL_STATE": str(workdir / "state"),
        "NEO4J_LOCAL_HOME": str(workdir / "data"),
        "NEO4J_LOCAL_PORT": str(port),
        "NEO4J_LOCAL_HEAP": os.environ.get("NEO4J_LOCAL_HEAP", "1g"),
        "NEO4J_LOCAL_PAGECACHE": os.environ.get("NEO4J_LOCAL_PAGECACHE", "512m"),
        "NEO4J_PASSWORD": secrets.token_urlsafe(18),
        **settings,
    }
    try:
        done = subprocess.run(
            [str(LAUNCHER), "start"],
            env=env,
            capture_output=True,
            text=True,
            timeout=_START_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return None, env, f"scripts/neo4j-local start took over {_START_TIMEOUT_S} s"
    output = (done.stdout + done.stderr).strip()
    if done.returncode != 0:
        return None, env, output
    server = Neo4jServer(f"bolt://127.0.0.1:{port}", "neo4j", env["NEO4J_PASSWORD"])
    return server, env, output


@pytest.fixture(scope="session")
def neo4j_server() -> Iterator[Neo4jServer]:
    """The Neo4j server of this test session (given by the environment, or started here)."""
    uri = os.environ.get("NETMARKER_TEST_NEO4J_URI")
    if uri:
        server = Neo4jServer(
            uri, os.environ.get("NEO4J_USER", "neo4j"), os.environ.get("NEO4J_PASSWORD", "")
        )
        if (problem := _check(server)) is not None:
            unavailable(f"NETMARKER_TEST_NEO4J_URI={uri} does not work: {problem}")
        yield server
        return
    workdir = Path(tempfile.mkdtemp(prefix="netmarker-neo4j-"))
    env: dict[str, str] = {}
    try:
        started, env, output = start_own(workdir)
        if started is None:
            unavailable(f"scripts/neo4j-local could not start it: {output[-400:]}")
        assert started is not None
        if (problem := _check(started)) is not None:
            unavailable(f"the Neo4j started here does not answer: {problem}")
        yield started
    finally:
        if (workdir / "state").exists():
            subprocess.run([str(LAUNCHER), "stop"], env=env, capture_output=True, check=False)
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="session")
def neo4j_uri(neo4j_server: Neo4jServer) -> str:
    """Bolt URI of the test Neo4j."""
    return neo4j_server.uri


@pytest.fixture
def neo4j_store(neo4j_server: Neo4jServer) -> Iterator[Neo4jStore]:
    """A fresh ``Neo4jStore`` on an emptied database with the netmarker schema."""
    store = neo4j_server.store()
    store.init_schema()
    store.clear()
    yield store
    store.close()
