"""The proximity grid on a Dask distributed cluster: 2 worker processes on 127.0.0.1."""

from __future__ import annotations

import os
import signal
import time

import networkx as nx
import numpy as np
import pandas as pd
import pytest

distributed = pytest.importorskip("distributed")

from cli_helpers import load_small_inputs, run_cli  # noqa: E402
from netmarker.network import Network, shortest_path_lengths  # noqa: E402
from netmarker.network.cluster import iter_proximity_dask  # noqa: E402
from netmarker.network.proximity import ProximityGrid, iter_proximity, prepare_grid  # noqa: E402

pytestmark = pytest.mark.slow
KEY = ["drug", "pathway"]


def _cluster() -> distributed.LocalCluster:
    return distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    )


@pytest.fixture(scope="module")
def cluster():
    with _cluster() as cl:
        yield cl


@pytest.fixture(scope="module")
def grid() -> tuple[ProximityGrid, np.ndarray]:
    g = nx.powerlaw_cluster_graph(600, 2, 0.2, seed=11)
    net = Network.from_edges(
        pd.DataFrame([(f"G{u}", f"G{v}") for u, v in g.edges()], columns=["gene_a", "gene_b"])
    )
    targets = {f"D{i:03d}": [f"G{(7 * i + j) % 600}" for j in range(1 + i % 4)] for i in range(160)}
    rng = np.random.default_rng(5)
    sets = {
        f"P{i:02d}": [f"G{x}" for x in rng.choice(600, int(rng.integers(1, 40)), replace=False)]
        for i in range(24)
    }
    return prepare_grid(net, targets, sets, n_random=300, min_bin_size=50), shortest_path_lengths(
        net
    )


def _sorted(frames) -> pd.DataFrame:
    return pd.concat(list(frames)).sort_values(KEY).reset_index(drop=True)


def test_two_worker_processes_give_the_local_rows(cluster, grid) -> None:
    g, dist = grid
    local = _sorted(iter_proximity(g, dist))
    calls: list[tuple[int, int]] = []
    with distributed.Client(cluster) as client:
        remote = _sorted(
            iter_proximity_dask(
                g, dist, client, max_rows=480, progress=lambda a, b: calls.append((a, b))
            )
        )
        # the distance matrix was sent to each worker once, not with every task
        assert len(client.scheduler_info()["workers"]) == 2
    assert len(local) == g.n_pairs == 160 * 24
    pd.testing.assert_frame_equal(local, remote)
    assert calls == [(i, 8) for i in range(1, 9)]


def _wait_until_gone(client: distributed.Client, address: str, timeout: float = 60.0) -> None:
    """Wait until the scheduler has dropped the worker at ``address`` (it notices a killed
    worker when its connection breaks, which under load can come after the last block)."""
    deadline = time.monotonic() + timeout
    while address in client.scheduler_info(n_workers=-1)["workers"]:
        assert time.monotonic() < deadline, f"the scheduler still lists {address}"
        time.sleep(0.1)


def test_a_killed_worker_costs_only_its_block(grid) -> None:
    g, dist = grid
    local = _sorted(iter_proximity(g, dist))
    killed: list[tuple[str, int]] = []
    with _cluster() as cl, distributed.Client(cl) as client:
        # the workers' pids before the run: no message goes to a worker about to be killed
        pid_of = client.run(os.getpid)

        def kill_a_busy_worker(done: int, total: int) -> None:
            if killed:
                return
            busy = [w for w, keys in client.processing().items() if keys]
            assert busy and done < total
            os.kill(pid_of[busy[0]], signal.SIGKILL)
            killed.append((busy[0], pid_of[busy[0]]))

        blocks = list(
            iter_proximity_dask(g, dist, client, max_rows=160, progress=kill_a_busy_worker)
        )
        assert killed
        _wait_until_gone(client, killed[0][0])
        pids = set(client.run(os.getpid).values())
    assert killed[0][1] not in pids  # the blocks were finished by the other worker
    assert len(blocks) == len(g.spans(160)) == 24  # each block once: nothing lost or doubled
    pd.testing.assert_frame_equal(local, _sorted(blocks))


def test_cli_compute_all_on_dask_matches_the_local_run(
    cluster, capsys, monkeypatch, tmp_path, inputs
) -> None:
    tables = {}
    for where in ["local", "dask"]:
        root = ["--store", str(tmp_path / where)]
        load_small_inputs(capsys, monkeypatch, root, inputs)
        args = ["modules", "compute", "--all", "--n-random", "200", "--min-bin-size", "20"]
        if where == "dask":  # the scheduler from the environment, as on a cluster's login node
            monkeypatch.setenv("NETMARKER_DASK_SCHEDULER", cluster.scheduler_address)
        r = run_cli(capsys, monkeypatch, *root, *args, "--json")
        assert r.code == 0, r.err
        show = ["modules", "show", "--drug", "5-FU", "--all-rows", "--format", "tsv"]
        shown = run_cli(capsys, monkeypatch, *root, *show)
        tables[where] = (r.json(), shown.out)
    assert tables["local"] == tables["dask"]
    assert tables["local"][0]["n_rows"] == 4
