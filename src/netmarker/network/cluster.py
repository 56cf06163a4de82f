"""The proximity grid on a Dask distributed cluster (``modules compute --all --dask ADDRESS``).

The distance matrix is scattered once to every worker (``broadcast``); each task computes one
block of pathways for every drug (``ProximityGrid.block``) and returns its rows. Blocks are
of pathways, not of drugs, because the costly per-pathway step of the null (the nearest-gene
rows of each drawn set) is shared by all drugs: splitting by drugs would repeat it per task.
Rows come back as tasks finish; a task lost with its worker is run again by Dask elsewhere
(``retries``), and since a block's rows depend only on the grid and the distances, the result
is identical to a local run whichever worker computes which block.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from netmarker.network.proximity import DEFAULT_BLOCK_ROWS, ProximityGrid

if TYPE_CHECKING:
    from distributed import Client

#: times Dask runs a block again after an error or a lost worker
RETRIES = 3


def connect(address: str, timeout: float = 30.0) -> Client:
    """A client of the scheduler at ``address`` (``tcp://HOST:8786``)."""
    try:
        from distributed import Client
    except ImportError as err:  # an optional dependency
        raise ImportError(
            "running on Dask needs the distributed package: pip install 'netmarker[dask]'"
        ) from err
    return Client(address, timeout=timeout)


def _block(grid: ProximityGrid, distances: np.ndarray, start: int, stop: int) -> pd.DataFrame:
    return grid.block(distances, start, stop)


def iter_proximity_dask(
    grid: ProximityGrid,
    distances: np.ndarray,
    client: Client,
    *,
    max_rows: int = DEFAULT_BLOCK_ROWS,
    progress: Callable[[int, int], None] | None = None,
) -> Iterator[pd.DataFrame]:
    """The grid's rows computed on ``client``'s cluster, one block at a time as tasks finish.

    Blocks arrive in completion order; each is released on the cluster once yielded.
    ``progress(n_done, n_total)`` counts finished blocks.
    """
    from distributed import as_completed

    if distances.shape != (grid.n_nodes, grid.n_nodes):
        raise ValueError(f"distances are {distances.shape}, the network has {grid.n_nodes} nodes")
    if not grid.drugs or not grid.paths:
        return
    spans = grid.spans(max_rows)
    [dist_f] = client.scatter([np.ascontiguousarray(distances)], broadcast=True, hash=False)
    [grid_f] = client.scatter([grid], broadcast=True, hash=False)
    futures = [
        client.submit(_block, grid_f, dist_f, a, b, retries=RETRIES, pure=False) for a, b in spans
    ]
    try:
        for done, fut in enumerate(as_completed(futures), start=1):
            rows = fut.result()
            fut.release()
            if progress is not None:
                progress(done, len(spans))
            yield rows
    finally:
        client.cancel([*futures, dist_f, grid_f])
