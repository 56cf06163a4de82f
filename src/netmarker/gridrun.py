"""A proximity grid of any size with bounded memory: rows are spooled to disk, then streamed.

The grid is computed in blocks of pathways x every drug (the per-pathway part of the null is
shared by all drugs), but the Benjamini-Hochberg q of a row is over *its drug's* pathways.
So the run takes two passes over a spool on local disk:

1. each block's distance, z and p (drugs x pathways of the block, float64) is saved to the
   spool as it arrives (from this process or from Dask workers, in any order);
2. the spool is read back in chunks of drugs x every pathway: q per drug, rows sorted as the
   stores keep them (drug, z, pathway), handed to the store chunk by chunk, which publishes
   them only once the last chunk is written.

At most one block and one chunk of rows (``max_rows`` each) are in memory at a time,
whatever the number of drugs and pathways; ``GridSummary`` counts the run as its rows pass.
The spool is deleted when the run ends, also when it fails.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from netmarker.network.proximity import DEFAULT_BLOCK_ROWS, ProximityGrid

#: the spooled values of every row; the rest of a row is the grid's
_SPOOLED = ("distance", "z", "p")


def bh_q(p: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg q of each row of ``p`` (samples x tests: drugs x pathways)."""
    from scipy.stats import false_discovery_control

    if p.size == 0:
        return np.empty_like(p, dtype=np.float64)
    return np.asarray(false_discovery_control(p, axis=-1, method="bh"), dtype=np.float64)


class GridSpool:
    """The grid's blocks on disk, read back as chunks of drugs x every pathway.

    Use as a context manager: the spool's directory (under ``dir`` or the system's temporary
    directory) is removed on exit.
    """

    def __init__(self, grid: ProximityGrid, dir: str | Path | None = None) -> None:
        self.grid = grid
        self._dir = Path(tempfile.mkdtemp(prefix="netmarker-grid-", dir=dir))
        self._path_index = {p: i for i, p in enumerate(grid.paths)}
        #: pathway start -> block width, of every block saved so far
        self._blocks: dict[int, int] = {}

    def __enter__(self) -> GridSpool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Delete the spool."""
        shutil.rmtree(self._dir, ignore_errors=True)

    @property
    def n_rows(self) -> int:
        """Rows saved so far."""
        return len(self.grid.drugs) * sum(self._blocks.values())

    def add(self, block: pd.DataFrame) -> None:
        """Save one block of ``ProximityGrid.block`` rows (pathways x every drug, drug-major)."""
        n_d = len(self.grid.drugs)
        if block.empty:
            return
        width, rest = divmod(len(block), n_d)
        start = self._path_index[str(block["pathway"].iat[0])]
        if rest or start in self._blocks:
            raise ValueError(f"not a block of the grid (pathways from {start}, {len(block)} rows)")
        for column in _SPOOLED:
            values = block[column].to_numpy(dtype=np.float64).reshape(n_d, width)
            np.save(self._dir / f"{start:07d}-{column}.npy", values)
        self._blocks[start] = width

    def chunks(self, max_rows: int = DEFAULT_BLOCK_ROWS) -> Iterator[pd.DataFrame]:
        """Every row with its q, in chunks of whole drugs (drugs in order), each chunk sorted by
        (drug, z, pathway); columns drug, pathway, distance, z, p, q, n_random, seed."""
        grid = self.grid
        n_d, n_p = len(grid.drugs), len(grid.paths)
        if sum(self._blocks.values()) != n_p:
            raise ValueError(f"the spool holds {sum(self._blocks.values())} of {n_p} pathways")
        per = max(1, max_rows // max(1, n_p))
        paths = np.array(grid.paths, dtype=object)
        for d0 in range(0, n_d, per):
            d1 = min(n_d, d0 + per)
            values = {c: np.empty((d1 - d0, n_p), dtype=np.float64) for c in _SPOOLED}
            for start, width in sorted(self._blocks.items()):
                for column, out in values.items():
                    saved = np.load(self._dir / f"{start:07d}-{column}.npy", mmap_mode="r")
                    out[:, start : start + width] = saved[d0:d1]
                    del saved  # unmap: the pages read leave the process
            q = bh_q(values["p"])
            rows = pd.DataFrame(
                {
                    "drug": np.repeat(np.array(grid.drugs[d0:d1], dtype=object), n_p),
                    "pathway": np.tile(paths, d1 - d0),
                    **{c: v.ravel() for c, v in values.items()},
                    "q": q.ravel(),
                    "n_random": grid.n_random,
                    "seed": grid.seed,
                }
            )
            yield rows.sort_values(["drug", "z", "pathway"], kind="stable", ignore_index=True)


class GridSummary:
    """Counts of a big proximity run and its ``top`` rows by z, from its rows as they pass.

    Counts: drugs, pathways, pairs, pairs with ``z <= z_cutoff`` and how many of those to
    expect by chance if z were standard normal under the null, and drugs with at least one.
    Only the ``top`` best rows and a set of drug names are kept.
    """

    _COLUMNS = ("drug", "pathway", "distance", "z", "p", "q")

    def __init__(self, z_cutoff: float, top: int = 20) -> None:
        self.z_cutoff = z_cutoff
        self.top = top
        self._drugs: set[str] = set()
        self._pathways: set[str] = set()
        self._with_proximal: set[str] = set()
        self._pairs = 0
        self._proximal = 0
        self._best = pd.DataFrame(columns=list(self._COLUMNS))

    def add(self, rows: pd.DataFrame) -> None:
        """Count one chunk of rows (any order, any chunking)."""
        if rows.empty:
            return
        proximal = (rows["z"] <= self.z_cutoff).to_numpy()
        self._pairs += len(rows)
        self._proximal += int(proximal.sum())
        self._drugs.update(rows["drug"].unique().tolist())
        self._pathways.update(rows["pathway"].unique().tolist())
        self._with_proximal.update(rows.loc[proximal, "drug"].unique().tolist())
        cols = [c for c in self._COLUMNS if c in rows.columns]
        # ties in z are kept here and broken by (drug, pathway): the chunking does not matter
        candidates = rows.nsmallest(self.top, "z", keep="all")[cols]
        both = [f for f in (self._best, candidates) if not f.empty]
        self._best = (
            pd.concat(both, ignore_index=True)
            .sort_values(["z", "drug", "pathway"], kind="stable")
            .head(self.top)
        )

    def counts(self) -> dict[str, Any]:
        """The run's counts (JSON-able)."""
        from scipy.stats import norm

        return {
            "drugs": len(self._drugs),
            "pathways": len(self._pathways),
            "pairs": self._pairs,
            "proximal_pairs": self._proximal,
            "expected_by_chance": float(self._pairs * norm.cdf(self.z_cutoff)),
            "drugs_with_proximal": len(self._with_proximal),
        }

    def best(self) -> pd.DataFrame:
        """The ``top`` rows with the lowest z (ties: drug, then pathway)."""
        return self._best.reset_index(drop=True)
