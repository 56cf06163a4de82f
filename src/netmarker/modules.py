"""The query layer: drug -> drug-proximal gene modules, computed from the store, written back.

Two methods:

* ``proximity`` (Guney et al. 2016): every pathway of the store gets a closest-distance
  z-score against degree-matched random sets, an empirical one-sided p (resolution
  ``1 / (n_random + 1)``) and a Benjamini-Hochberg q over the drug's pathways; pathways with
  ``z <= z_cutoff`` (Kong et al. 2020: -1.2816, one-sided p < 0.1, uncorrected) or with
  ``q <= q_cutoff`` are the drug's proximal modules. Stored as
  ``(:Drug)-[:PROXIMAL_TO {distance, z, p, q, n_random, seed, network, run}]->(:Pathway)``.
* ``rwr``: random walk with restart from the drug's targets; the top-ranked genes form a
  module. Stored as ``(:Drug)-[:PROPAGATES_TO {score, rank, network, run}]->(:Gene)``.

A run id is a hash of everything the answer depends on (method, parameters, network
topology, targets, pathways, package version), so re-running the same computation
reproduces the same rows under the same id.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from platformdirs import user_cache_dir

from netmarker._version import __version__
from netmarker.defaults import DEFAULT_SEED, DEFAULT_Z_CUTOFF
from netmarker.errors import NetmarkerError, NotFoundError
from netmarker.graph.store import GraphStore
from netmarker.ids.drugs import normalize_drug_name

Progress = Callable[[int, int], None]


@dataclass
class ModuleRun:
    """What a module computation did: its id, parameters, inputs and what it had to drop."""

    run: str
    method: str
    network: str
    drugs: list[str]
    params: dict[str, Any]
    inputs: dict[str, str]
    n_rows: int
    dropped: dict[str, Any] = field(default_factory=dict)
    version: str = __version__
    #: proximity runs: counts of the rows (``gridrun.GridSummary``) and the best rows by z
    summary: dict[str, Any] = field(default_factory=dict)
    best: list[dict[str, Any]] = field(default_factory=list)


def distance_cache_dir() -> Path:
    """Where shortest-path matrices are cached (``$NETMARKER_CACHE`` overrides)."""
    root = os.environ.get("NETMARKER_CACHE") or user_cache_dir("netmarker", appauthor=False)
    return Path(root) / "distances"


def resolve_network(store: GraphStore, network: str | None) -> str:
    """The named network, or the only one loaded; a clear error otherwise."""
    names = store.networks()
    if network is not None:
        if network not in names:
            raise NotFoundError(
                f"unknown network {network!r}; loaded: {', '.join(names) or 'none'}"
            )
        return network
    if len(names) == 1:
        return names[0]
    if not names:
        raise NotFoundError("no network loaded: run `netmarker load network FILE --name NAME`")
    raise NetmarkerError(f"several networks loaded ({', '.join(names)}): pick one with --network")


def resolve_drug(store: GraphStore, name: str) -> str:
    """The store's name for ``name`` (normalised, or via synonyms); unknown -> close matches."""
    wanted = normalize_drug_name(name)
    found = store.drug_named(wanted)
    if found is not None:
        return found
    names = store.drugs()["drug"].tolist()
    close = difflib.get_close_matches(wanted, names, n=5, cutoff=0.6)
    hint = f"; close matches: {', '.join(close)}" if close else ""
    raise NotFoundError(f"unknown drug {name!r} ({len(names)} drugs in the store){hint}")


def _gene_sets(frame: pd.DataFrame, key: str) -> dict[str, list[str]]:
    return {str(k): sorted(g["gene"].unique()) for k, g in frame.groupby(key, sort=True)}


def _digest(obj: Any) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True, default=str).encode()).hexdigest()


def _drug_targets(store: GraphStore, drugs: list[str] | None) -> dict[str, list[str]]:
    names = None if drugs is None else [resolve_drug(store, d) for d in drugs]
    targets = _gene_sets(store.targets(), "drug")
    if names is not None:
        missing = [d for d in names if d not in targets]
        if missing:
            raise NotFoundError(f"drug(s) without targets in the store: {', '.join(missing)}")
        targets = {d: targets[d] for d in names}
    if not targets:
        raise NotFoundError("no drug targets loaded: run `netmarker load targets FILE`")
    return targets


def compute_proximity(
    store: GraphStore,
    *,
    drugs: list[str] | None = None,
    network: str | None = None,
    pathway_source: str | None = None,
    n_random: int = 1000,
    min_bin_size: int = 100,
    seed: int = DEFAULT_SEED,
    cache_dir: Path | None = None,
    progress: Progress | None = None,
    dask: str | None = None,
    z_cutoff: float | None = None,
    top: int = 20,
) -> ModuleRun:
    """Network proximity of every drug (or ``drugs``) to every pathway; written to the store.

    ``dask`` (a scheduler address, ``tcp://HOST:8786``) runs the grid's blocks on that Dask
    cluster; the rows are the same as a local run's. However big the grid, a bounded number
    of rows is in memory at a time (``netmarker.gridrun``); the store publishes the run only
    once every row is written. ``run.summary`` counts the rows (pairs with ``z <= z_cutoff``,
    default the paper's, and how many to expect by chance) and ``run.best`` holds the ``top``
    rows by z, so big runs need not be read back.
    """
    # imported here: the numba kernels are heavy, and `netmarker --help` should stay instant
    from netmarker.gridrun import GridSpool, GridSummary
    from netmarker.network.distances import cached_shortest_path_lengths
    from netmarker.network.graph import Network
    from netmarker.network.proximity import iter_proximity, prepare_grid

    net_name = resolve_network(store, network)
    targets = _drug_targets(store, drugs)
    pathways = _gene_sets(store.members(pathway_source), "pathway")
    if not pathways:
        raise NotFoundError("no pathways loaded: run `netmarker load pathways FILE.gmt`")
    net = Network.from_edges(store.edges(net_name))
    distances = cached_shortest_path_lengths(net, cache_dir or distance_cache_dir())
    grid = prepare_grid(
        net, targets, pathways, n_random=n_random, min_bin_size=min_bin_size, seed=seed
    )
    params = {
        "n_random": n_random,
        "min_bin_size": min_bin_size,
        "seed": seed,
        "pathway_source": pathway_source,
    }
    inputs = {
        "network_checksum": net.checksum,
        "targets": _digest(targets),
        "pathways": _digest(pathways),
    }
    run = "prox-" + _digest(["proximity", params, inputs, __version__])[:12]
    summary = GridSummary(DEFAULT_Z_CUTOFF if z_cutoff is None else z_cutoff, top=top)
    # pass 1: blocks of pathways x every drug to the spool; pass 2: chunks of drugs with their
    # q to the store, which publishes them at the end (bounded rows in memory; gridrun)
    with GridSpool(grid) as spool:
        if dask:
            from netmarker.network.cluster import connect, iter_proximity_dask

            with connect(dask) as client:
                for block in iter_proximity_dask(grid, distances, client, progress=progress):
                    spool.add(block)
        else:
            for block in iter_proximity(grid, distances, progress=progress):
                spool.add(block)

        def chunks() -> Iterator[pd.DataFrame]:
            if not grid.drugs or not grid.paths:
                return
            for rows in spool.chunks():
                summary.add(rows)
                yield rows.assign(network=net_name, run=run)

        store.write_proximity_chunks(chunks())
    report = {
        "targets_dropped": grid.dropped[grid.dropped["kind"] == "target"].to_dict("records"),
        "pathway_genes_dropped": int((grid.dropped["kind"] == "gene").sum()),
        "drugs_skipped": grid.skipped_drugs,
        "pathways_skipped": grid.skipped_pathways,
    }
    return ModuleRun(
        run,
        "proximity",
        net_name,
        sorted(targets),
        params,
        inputs,
        summary.counts()["pairs"],
        dropped=report,
        summary=summary.counts(),
        best=[{str(k): v for k, v in row.items()} for row in summary.best().to_dict("records")],
    )


def add_q_values(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with ``q``: the Benjamini-Hochberg q of ``p`` over each drug's pathways."""
    from scipy.stats import false_discovery_control

    if table.empty:
        return table.assign(q=pd.Series(dtype="float64"))
    q = table.groupby("drug", sort=False)["p"].transform(
        lambda p: false_discovery_control(p.to_numpy(dtype="float64"), method="bh")
    )
    return table.assign(q=q.astype("float64"))


def p_resolution(n_random: int) -> float:
    """The smallest step (and smallest value) of an empirical p from ``n_random`` draws."""
    return 1.0 / (n_random + 1)


def proximal_mask(
    rows: pd.DataFrame, z_cutoff: float | None = None, q_cutoff: float | None = None
) -> pd.Series:
    """Which proximity rows are proximal: ``q <= q_cutoff`` if given, else ``z <= z_cutoff``
    (default the paper's -1.2816). Results stored before q-values existed cannot be
    selected by q: they must be computed again."""
    if z_cutoff is not None and q_cutoff is not None:
        raise NetmarkerError("select proximal pathways by a z cutoff or a q cutoff, not both")
    if q_cutoff is None:
        return rows["z"] <= (DEFAULT_Z_CUTOFF if z_cutoff is None else z_cutoff)
    if not 0 < q_cutoff <= 1:
        raise NetmarkerError(f"the q cutoff must be in (0, 1], got {q_cutoff}")
    if rows["q"].isna().any():
        raise NetmarkerError(
            "these proximity results were stored without q-values (an older netmarker): "
            "run `netmarker modules compute` again to select by q"
        )
    return rows["q"] <= q_cutoff


def proximity_summary(
    rows: pd.DataFrame, z_cutoff: float = DEFAULT_Z_CUTOFF, q_cutoff: float = 0.05
) -> pd.DataFrame:
    """Per drug: pathways tested, how many pass the z cutoff and the q cutoff, and how many
    would pass by chance.

    ``expected_z``: pathways x the standard normal tail P(Z <= z_cutoff), the number passing
    if no pathway were proximal and z followed N(0, 1) under the null. ``false_q_max``: the
    Benjamini-Hochberg bound on the expected number of false ones among those passing,
    ``q_cutoff`` x the number passing. ``p_resolution``: 1 / (n_random + 1).
    """
    # ndtr is what scipy.stats.norm.cdf computes (same float); importing scipy.stats costs
    # `modules show` about 1 s of start-up (benchmarks/RESULTS.md section 2)
    from scipy.special import ndtr

    tail = float(ndtr(z_cutoff))
    out = []
    for drug, g in rows.groupby("drug", sort=True):
        n = len(g)
        pass_q = int((g["q"] <= q_cutoff).sum())
        out.append(
            {
                "drug": drug,
                "pathways": n,
                "n_random": int(g["n_random"].iloc[0]),
                "p_resolution": p_resolution(int(g["n_random"].iloc[0])),
                "best_z": float(g["z"].min()),
                "pass_z": int((g["z"] <= z_cutoff).sum()),
                "expected_z": n * tail,
                "min_q": float(g["q"].min()),
                "pass_q": pass_q,
                "false_q_max": q_cutoff * pass_q,
            }
        )
    columns = [
        "drug",
        "pathways",
        "n_random",
        "p_resolution",
        "best_z",
        "pass_z",
        "expected_z",
        "min_q",
        "pass_q",
        "false_q_max",
    ]
    return pd.DataFrame(out, columns=columns)


def compute_propagation(
    store: GraphStore,
    *,
    drugs: list[str] | None = None,
    network: str | None = None,
    restart: float = 0.5,
    top_k: int = 100,
    progress: Progress | None = None,
) -> ModuleRun:
    """Random walk with restart from each drug's targets; the top ``top_k`` genes are stored."""
    from netmarker.network.graph import Network
    from netmarker.network.propagation import random_walk_with_restart, top_module

    net_name = resolve_network(store, network)
    targets = _drug_targets(store, drugs)
    net = Network.from_edges(store.edges(net_name))
    params = {"restart": restart, "top_k": top_k}
    inputs = {"network_checksum": net.checksum, "targets": _digest(targets)}
    run = "rwr-" + _digest(["rwr", params, inputs, __version__])[:12]
    frames: list[pd.DataFrame] = []
    left_out: list[dict[str, str]] = []
    skipped: list[str] = []
    for i, (drug, genes) in enumerate(sorted(targets.items())):
        ids, outside, absent = net.locate(genes)
        left_out += [_left_out(drug, g, "outside_lcc") for g in outside]
        left_out += [_left_out(drug, g, "not_in_network") for g in absent]
        if not ids.size:
            skipped.append(drug)
        else:
            scores = top_module(
                random_walk_with_restart(net, net.genes[ids].tolist(), restart=restart), k=top_k
            )
            frames.append(
                pd.DataFrame(
                    {
                        "drug": drug,
                        "gene": scores.index,
                        "network": net_name,
                        "score": scores.to_numpy(),
                        "rank": range(1, len(scores) + 1),
                        "run": run,
                    }
                )
            )
        if progress is not None:
            progress(i + 1, len(targets))
    if not frames:
        raise NotFoundError(f"no drug has a target in network {net_name!r}")
    table = pd.concat(frames, ignore_index=True)
    store.write_propagation(table)
    report = {"targets_dropped": left_out, "drugs_skipped": skipped}
    return ModuleRun(
        run, "rwr", net_name, sorted(targets), params, inputs, len(table), dropped=report
    )


def _left_out(drug: str, gene: str, reason: str) -> dict[str, str]:
    """One dropped target, in the shape of ``ProximityResult.dropped`` rows."""
    return {"kind": "target", "name": drug, "gene": gene, "reason": reason}


def proximal_modules(
    store: GraphStore,
    drug: str,
    network: str | None = None,
    z_cutoff: float | None = DEFAULT_Z_CUTOFF,
    *,
    q_cutoff: float | None = None,
) -> dict[str, list[str]]:
    """The drug's proximal pathways (``q <= q_cutoff`` if given, else ``z <= z_cutoff``) with
    their member genes."""
    name = resolve_drug(store, drug)
    net_name = resolve_network(store, network)
    rows = store.proximity(name, net_name)
    if rows.empty:
        raise NotFoundError(
            f"no proximity results for {name} on {net_name}: run "
            f"`netmarker modules compute --drug {name} --network {net_name}`"
        )
    if q_cutoff is not None:
        z_cutoff = None
    elif z_cutoff is None:
        z_cutoff = DEFAULT_Z_CUTOFF
    chosen = rows.loc[proximal_mask(rows, z_cutoff, q_cutoff), "pathway"].tolist()
    if not chosen:
        if q_cutoff is not None:
            raise NotFoundError(
                f"{name} has no pathway with q <= {q_cutoff} on {net_name} "
                f"(best q = {rows['q'].min():.3g}); relax --q-cutoff"
            )
        raise NotFoundError(
            f"{name} has no pathway with z <= {z_cutoff} on {net_name} "
            f"(best z = {rows['z'].min():.3f}); relax --z-cutoff"
        )
    members = store.members()
    members = members[members["pathway"].isin(chosen)]
    return _gene_sets(members, "pathway")


def grid_summary(
    table: pd.DataFrame, z_cutoff: float = DEFAULT_Z_CUTOFF, top: int = 20
) -> tuple[dict[str, Any], pd.DataFrame]:
    """Counts of a proximity table and its ``top`` rows by z (``gridrun.GridSummary``).

    Counts: drugs, pathways, pairs, pairs with ``z <= z_cutoff`` and how many of those to
    expect by chance if z were standard normal under the null, and drugs with at least one.
    """
    from netmarker.gridrun import GridSummary

    summary = GridSummary(z_cutoff, top=top)
    summary.add(table)
    return summary.counts(), summary.best()
