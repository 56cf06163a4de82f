"""The issue-11 grid's inputs, read with netmarker's own readers (as `netmarker load` does).

STRING v12 (dmfind, no text mining) ``combined_score >= 700``; drug targets of
``guney2016_drug_targets`` (DrugBank, Entrez ids mapped to current symbols) plus
``kong2020/drug_drugTarget.txt``; the 674 MSigDB v6.1 Reactome pathways.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from bench_proximity import DATA, GMT, NETWORK

GUNEY = DATA / "guney2016_drug_targets" / "drug_to_geneids_all.tsv"
KONG = DATA / "kong2020" / "drug_drugTarget.txt"


def grid_inputs(cache: Path) -> tuple:
    """(network, distances, targets, gene_sets) of the full grid; distances cached in ``cache``."""
    from netmarker.io.genesets import read_gmt
    from netmarker.io.network import read_network
    from netmarker.io.targets import read_targets
    from netmarker.network import Network, cached_shortest_path_lengths

    net = Network.from_edges(read_network(NETWORK, min_score=700, id_type="symbol").edges)
    dist = cached_shortest_path_lengths(net, cache)
    links = [read_targets(GUNEY).targets, read_targets(KONG).targets]
    targets: dict[str, list[str]] = {}
    for frame in links:
        for drug, genes in frame.groupby("drug", sort=True)["gene"]:
            targets.setdefault(drug, [])
            targets[drug] += [g for g in genes if g not in targets[drug]]
    members = read_gmt(GMT).members
    gene_sets = {p: sorted(g) for p, g in members.groupby("pathway", sort=True)["gene"]}
    return net, dist, targets, gene_sets


def in_network(net, targets: dict[str, list[str]]) -> dict[str, list[str]]:
    """The drugs with at least one target in the network's largest component."""
    return {d: t for d, t in targets.items() if net.locate(t)[0].size}


def subsample(targets: dict[str, list[str]], n: int, seed: int = 0) -> dict[str, list[str]]:
    """``n`` drugs picked at random (fixed seed), for sub-grids."""
    names = sorted(targets)
    pick = np.random.default_rng(seed).choice(len(names), size=min(n, len(names)), replace=False)
    return {names[i]: targets[names[i]] for i in sorted(pick)}
