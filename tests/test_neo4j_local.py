"""scripts/neo4j-local: a database survives a stop and a start on the same state folder."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pandas as pd
import pytest

from neo4j_fixtures import _LAUNCHER, _start_own, _unavailable
from netmarker.graph.store import Dataset


@pytest.mark.neo4j
@pytest.mark.slow
def test_restart_on_the_same_state_keeps_the_data(tmp_path: Path) -> None:
    server, env, output = _start_own(tmp_path)
    if server is None:
        _unavailable(f"scripts/neo4j-local could not start it: {output[-400:]}")
    assert server is not None
    try:
        store = server.store()
        store.init_schema()
        edges = pd.DataFrame({"gene_a": ["A", "B"], "gene_b": ["B", "C"], "score": [0.9, 0.8]})
        genes = pd.DataFrame({"symbol": ["A", "B", "C"], "entrez": ["1", "2", "3"]})
        store.load_network("ppi", edges, genes, Dataset("network", "ppi", "/x/ppi.tsv", "c1"))
        store.close()
        subprocess.run([str(_LAUNCHER), "stop"], env=env, check=True, capture_output=True)
        # the second start sets the same password again, which Neo4j alone would refuse
        again = subprocess.run(
            [str(_LAUNCHER), "start"], env=env, capture_output=True, text=True, check=False
        )
        assert again.returncode == 0, again.stdout + again.stderr
        store = server.store()
        assert store.network_size("ppi") == {"edges": 2, "genes": 3}
        store.close()
    finally:
        subprocess.run([str(_LAUNCHER), "stop"], env=env, capture_output=True, check=False)
