"""Graph stores: the ``GraphStore`` protocol, the embedded default and Neo4j."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from platformdirs import user_data_dir

from netmarker.graph.store import NEO4J_SCHEMES, GraphStore

if TYPE_CHECKING:
    from netmarker.graph.embedded import EmbeddedStore


def __getattr__(name: str) -> Any:
    """``EmbeddedStore`` on first use: a Neo4j command never loads the embedded store's
    engine (pyarrow.parquet and friends; start-up time, benchmarks/RESULTS.md section 2)."""
    if name == "EmbeddedStore":
        from netmarker.graph.embedded import EmbeddedStore

        return EmbeddedStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def default_store_path() -> Path:
    """Where the embedded store lives unless ``--store`` or ``NETMARKER_STORE`` says otherwise."""
    return Path(user_data_dir("netmarker", appauthor=False)) / "store"


def open_store(
    spec: str | None = None,
    *,
    neo4j_uri: str | None = None,
    neo4j_user: str | None = None,
    neo4j_password: str | None = None,
    database: str | None = None,
    neo4j_batch_size: int | None = None,
) -> GraphStore:
    """Open the store named by ``spec``: a directory (embedded), ``neo4j`` or a bolt/neo4j URI.

    ``None`` means ``$NETMARKER_STORE``, else the embedded store in the user's data directory.
    Neo4j credentials come from the arguments or ``NEO4J_URI``/``NEO4J_USER``/
    ``NEO4J_PASSWORD``/``NEO4J_DATABASE``; ``neo4j_batch_size`` is the rows per load statement.
    """
    spec = spec or os.environ.get("NETMARKER_STORE") or str(default_store_path())
    if spec == "neo4j" or spec.startswith(NEO4J_SCHEMES):
        from netmarker.graph.neo4j import Neo4jStore

        overrides = {
            "uri": neo4j_uri if spec == "neo4j" else spec,
            "user": neo4j_user,
            "password": neo4j_password,
            "database": database,
            "batch_size": neo4j_batch_size,
        }
        return Neo4jStore.from_env(**{k: v for k, v in overrides.items() if v is not None})
    from netmarker.graph.embedded import EmbeddedStore

    return EmbeddedStore(spec)


__all__ = ["EmbeddedStore", "GraphStore", "default_store_path", "open_store"]
