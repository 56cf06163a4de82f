"""Why is a pathway proximal to a drug? The shortest paths behind the closest distance d_c.

``explain_proximity(store, drug, pathway)`` returns, for each target of the drug, the hop
distance to the pathway's nearest gene(s) (the number that enters d_c), every shortest path
there (or the first ``max_paths`` per target, in canonical order: by nearest gene, then gene
by gene alphabetically) and the genes on the way with their degree. As in proximity, only
the network's largest connected component counts: targets and pathway genes outside it are
listed with their reason and left out, so the mean of the target distances is d_c.

On the embedded store the paths come from breadth-first search over the network (Python);
on Neo4j from the Cypher in ``cypher/read/explain_*.cypher`` over the published version of
the network. Both give the same paths (tested).
"""

from __future__ import annotations

import difflib
import itertools
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from netmarker.errors import NotFoundError
from netmarker.graph.store import GraphStore
from netmarker.io.output import atomic_path, write_json
from netmarker.modules import resolve_drug, resolve_network

#: per target: status ("ok" | "outside_lcc" | "not_in_network" |
#: "no_pathway_gene_in_network"), hops to the nearest pathway
#: gene (-1 when left out), the nearest genes ("|"-joined), shortest paths in all and shown
TARGET_COLUMNS = ["target", "status", "distance", "nearest", "n_paths", "n_shown"]
#: one row per path shown: its target, nearest pathway gene, hops, rank within the target
#: (1 = first in canonical order) and genes from target to pathway gene (" > "-joined)
PATH_COLUMNS = ["target", "pathway_gene", "distance", "rank", "path"]
#: genes on the shown paths: role ("target" | "pathway" | "target+pathway" | "linker")
GENE_COLUMNS = ["gene", "role", "degree"]
#: the roles, in drawing and legend order
ROLES = ("target", "target+pathway", "linker", "pathway")


@dataclass
class Explanation:
    """The subnetwork behind one drug-pathway proximity result."""

    drug: str
    pathway: str
    network: str
    #: TARGET_COLUMNS
    targets: pd.DataFrame
    #: PATH_COLUMNS
    paths: pd.DataFrame
    #: GENE_COLUMNS, sorted by role then gene
    genes: pd.DataFrame
    #: the subnetwork's edges (gene_a < gene_b), from the shown paths
    edges: pd.DataFrame
    #: d_c recomputed from the paths: mean target distance over targets in the component
    distance: float
    #: the stored proximity result (distance, z, p, n_random, seed, run), if any
    stored: dict[str, Any] | None
    #: "python" (breadth-first search) or "cypher" (Neo4j)
    engine: str
    max_paths: int | None = None
    #: pathway genes left out (outside the component or not in the network)
    pathway_genes_left_out: list[str] = field(default_factory=list)

    @property
    def matches_stored(self) -> bool | None:
        """Whether the recomputed d_c equals the stored one (None when nothing is stored)."""
        if self.stored is None:
            return None
        return math.isclose(self.distance, self.stored["distance"], rel_tol=0, abs_tol=1e-9)

    def summary(self) -> dict[str, Any]:
        """The headline numbers as plain data."""
        ok = self.targets["status"] == "ok"
        return {
            "drug": self.drug,
            "pathway": self.pathway,
            "network": self.network,
            "engine": self.engine,
            "targets_used": int(ok.sum()),
            "targets_left_out": int((~ok).sum()),
            "d_c": self.distance,
            "stored_d_c": None if self.stored is None else self.stored["distance"],
            "z": None if self.stored is None else self.stored["z"],
            "matches_stored": self.matches_stored,
            "paths_shown": len(self.paths),
            "paths_total": int(self.targets["n_paths"].sum()),
            "genes": len(self.genes),
            "max_paths": self.max_paths,
        }

    def to_dict(self) -> dict[str, Any]:
        """Everything as plain data (for ``--format json``)."""
        paths = self.paths.assign(path=self.paths["path"].str.split(" > "))
        return {
            **self.summary(),
            "stored": self.stored,
            "targets": self.targets.to_dict("records"),
            "paths": paths.to_dict("records"),
            "genes": self.genes.to_dict("records"),
            "edges": self.edges.to_dict("records"),
            "pathway_genes_left_out": self.pathway_genes_left_out,
        }


def resolve_pathway(store: GraphStore, name: str) -> str:
    """The store's id for pathway ``name`` (exact, else case-insensitive); else close matches."""
    ids = store.pathways()["pathway"].tolist()
    if name in ids:
        return name
    upper: dict[str, str] = {p.upper(): p for p in ids}
    if name.upper() in upper:
        return upper[name.upper()]
    close = difflib.get_close_matches(name.upper(), list(upper), n=5, cutoff=0.6)
    hint = f"; close matches: {', '.join(upper[c] for c in close)}" if close else ""
    raise NotFoundError(f"unknown pathway {name!r} ({len(ids)} pathways in the store){hint}")


def explain_proximity(
    store: GraphStore,
    drug: str,
    pathway: str,
    *,
    network: str | None = None,
    max_paths: int | None = None,
    engine: str = "auto",
) -> Explanation:
    """The shortest paths from each target of ``drug`` to the nearest genes of ``pathway``.

    ``max_paths`` keeps the first k paths of each target; ``engine`` is ``"auto"`` (Cypher
    on a Neo4j store, breadth-first search in Python otherwise), ``"python"`` or ``"cypher"``.
    """
    if max_paths is not None and max_paths < 1:
        raise ValueError("max_paths must be at least 1")
    name = resolve_drug(store, drug)
    pw = resolve_pathway(store, pathway)
    net_name = resolve_network(store, network)
    targets = sorted(set(store.targets(name)["gene"]))
    if not targets:
        raise NotFoundError(f"{name} has no targets in the store")
    members = sorted(set(store.members().query("pathway == @pw")["gene"]))
    cypher_engine = hasattr(store, "explain_paths")
    if engine == "cypher" and not cypher_engine:
        raise NotFoundError("the Cypher engine needs a Neo4j store (--store neo4j)")
    if engine not in ("auto", "python", "cypher"):
        raise ValueError(f"unknown engine {engine!r}")
    if engine == "python" or not cypher_engine:
        per_target, degree, left_out = _python_paths(store, net_name, targets, members)
        used = "python"
    else:
        per_target, degree, left_out = _cypher_paths(store, net_name, name, pw, targets, members)
        used = "cypher"
    stored = store.proximity(name, net_name).query("pathway == @pw")
    record = None
    if not stored.empty:
        row = stored.iloc[0]
        record = {k: row[k] for k in ("distance", "z", "p", "n_random", "seed", "run")}
        record = {k: (v.item() if hasattr(v, "item") else v) for k, v in record.items()}
    return _assemble(
        name, pw, net_name, targets, members, per_target, degree, left_out, record, used, max_paths
    )


# per target: (status, distance, nearest genes, all paths as symbol lists)
_PerTarget = dict[str, tuple[str, int, list[str], list[list[str]]]]


def _python_paths(
    store: GraphStore, network: str, targets: list[str], members: list[str]
) -> tuple[_PerTarget, dict[str, int], list[str]]:
    from netmarker.network.graph import Network
    from netmarker.network.paths import closest_paths

    net = Network.from_edges(store.edges(network))
    g_ids, g_out, g_absent = net.locate(members)
    out: _PerTarget = {}
    symbols = net.genes
    for t in targets:
        ids, outside, _ = net.locate([t])
        if outside:
            out[t] = ("outside_lcc", -1, [], [])
        elif not ids.size:
            out[t] = ("not_in_network", -1, [], [])
        elif not g_ids.size:
            out[t] = ("no_pathway_gene_in_network", -1, [], [])
        else:
            cp = closest_paths(net.adjacency, int(ids[0]), g_ids)
            paths = [[str(symbols[i]) for i in p] for p in cp.paths]
            out[t] = ("ok", cp.distance, [str(symbols[i]) for i in cp.nearest], paths)
    on_paths = {g for _, _, _, ps in out.values() for p in ps for g in p}
    degree = {g: int(net.degree[net.index[g]]) for g in on_paths}
    return out, degree, sorted(g_out + g_absent)


def _cypher_paths(
    store: Any, network: str, drug: str, pathway: str, targets: list[str], members: list[str]
) -> tuple[_PerTarget, dict[str, int], list[str]]:
    rows = store.explain_paths(network, drug, pathway)
    found: dict[str, list[list[str]]] = {}
    for target, genes in rows:
        found.setdefault(target, []).append(list(genes))
    degree = store.gene_degrees(network, sorted(set(targets) | set(members)))
    # which component is the largest only the whole network can tell: its edge list (one
    # Cypher read); a traversal per gene from Cypher took seconds to minutes on STRING
    from netmarker.network.graph import Network

    lcc = Network.from_edges(store.edges(network)).index
    in_lcc = {g: g in lcc for g in set(targets) | set(members)}
    out: _PerTarget = {}
    lcc_members = [g for g in members if in_lcc.get(g)]
    for t in targets:
        if degree.get(t, 0) == 0:
            out[t] = ("not_in_network", -1, [], [])
        elif not in_lcc.get(t):
            out[t] = ("outside_lcc", -1, [], [])
        elif not lcc_members:
            out[t] = ("no_pathway_gene_in_network", -1, [], [])
        else:
            paths = found.get(t, [])
            if not paths:  # cannot happen in a connected component; say so rather than guess
                raise NotFoundError(f"Neo4j found no path from {t} to {pathway} on {network}")
            nearest = sorted({p[-1] for p in paths})
            out[t] = ("ok", len(paths[0]) - 1, nearest, paths)
    on_paths = {g for _, _, _, ps in out.values() for p in ps for g in p}
    degree.update(store.gene_degrees(network, sorted(on_paths - set(degree))))
    left_out = sorted(g for g in members if not in_lcc.get(g))
    return out, {g: degree[g] for g in on_paths}, left_out


def _assemble(
    drug: str,
    pathway: str,
    network: str,
    targets: list[str],
    members: list[str],
    per_target: _PerTarget,
    degree: dict[str, int],
    left_out: list[str],
    stored: dict[str, Any] | None,
    engine: str,
    max_paths: int | None,
) -> Explanation:
    t_rows, p_rows = [], []
    for t in targets:
        status, dist, nearest, paths = per_target[t]
        # canonical order (nearest gene, then gene by gene), whichever engine found them
        paths = sorted(paths, key=lambda p: (p[-1], p))
        shown = paths if max_paths is None else paths[:max_paths]
        t_rows.append([t, status, dist, "|".join(nearest), len(paths), len(shown)])
        for rank, p in enumerate(shown, start=1):
            p_rows.append([t, p[-1], len(p) - 1, rank, " > ".join(p)])
    t_frame = pd.DataFrame(t_rows, columns=TARGET_COLUMNS)
    p_frame = pd.DataFrame(p_rows, columns=PATH_COLUMNS)
    ok = t_frame["status"] == "ok"
    distance = float(t_frame.loc[ok, "distance"].mean()) if ok.any() else float("nan")
    target_set, member_set = set(targets), set(members)
    genes: set[str] = set()
    edges: set[tuple[str, ...]] = set()
    for p in p_frame["path"]:
        nodes = p.split(" > ")
        genes.update(nodes)
        edges.update(tuple(sorted(e)) for e in itertools.pairwise(nodes))
    g_rows = [[g, _role(g, target_set, member_set), degree[g]] for g in genes]
    g_frame = pd.DataFrame(g_rows, columns=GENE_COLUMNS)
    g_frame["order"] = g_frame["role"].map({r: i for i, r in enumerate(ROLES)})
    g_frame = g_frame.sort_values(["order", "gene"]).drop(columns="order").reset_index(drop=True)
    e_frame = pd.DataFrame(sorted(edges), columns=["gene_a", "gene_b"])
    return Explanation(
        drug=drug,
        pathway=pathway,
        network=network,
        targets=t_frame,
        paths=p_frame,
        genes=g_frame,
        edges=e_frame,
        distance=distance,
        stored=stored,
        engine=engine,
        max_paths=max_paths,
        pathway_genes_left_out=left_out,
    )


def _role(gene: str, targets: set[str], members: set[str]) -> str:
    if gene in targets:
        return "target+pathway" if gene in members else "target"
    return "pathway" if gene in members else "linker"


def to_networkx(expl: Explanation) -> Any:
    """The subnetwork as a ``networkx.Graph``: node attributes role, degree, target distance."""
    import networkx as nx

    graph: nx.Graph[str] = nx.Graph(drug=expl.drug, pathway=expl.pathway, network=expl.network)
    dist = dict(zip(expl.targets["target"], expl.targets["distance"], strict=True))
    genes = expl.genes
    for gene, role, degree in zip(genes["gene"], genes["role"], genes["degree"], strict=True):
        attrs: dict[str, Any] = {"role": role, "degree": int(degree)}
        if gene in dist:
            attrs["distance"] = int(dist[gene])
        graph.add_node(gene, **attrs)
    graph.add_edges_from(expl.edges.itertuples(index=False, name=None))
    return graph


def cytoscape_json(expl: Explanation) -> dict[str, Any]:
    """Cytoscape.js elements JSON (``networkx.cytoscape_data``), loadable in Cytoscape."""
    import networkx as nx

    data = nx.cytoscape_data(to_networkx(expl))
    return {k: (v.item() if isinstance(v, np.generic) else v) for k, v in data.items()}


def write_subnetwork(expl: Explanation, path: str | Path, kind: str) -> Path:
    """Write the subnetwork as ``"graphml"`` or ``"cytoscape"`` (Cytoscape.js JSON), atomically."""
    import networkx as nx

    if kind == "cytoscape":
        return write_json(cytoscape_json(expl), path)
    if kind != "graphml":
        raise ValueError(f"unknown subnetwork format {kind!r}")
    with atomic_path(path) as tmp:
        nx.write_graphml(to_networkx(expl), tmp)
    return Path(path)


def explain_cypher(store: GraphStore, drug: str, pathway: str, network: str | None = None) -> str:
    """The Cypher behind ``explain_proximity`` on Neo4j, with ``:params`` for Neo4j Browser."""
    from netmarker.graph.neo4j import cypher

    params = {
        "drug": resolve_drug(store, drug),
        "pathway": resolve_pathway(store, pathway),
        "network": resolve_network(store, network),
    }
    return (
        f"// netmarker modules explain: {params['drug']} -> {params['pathway']} on "
        f"{params['network']}\n"
        "// paste both parts into Neo4j Browser: the :params line sets the parameters, the\n"
        "// query returns the paths (Browser draws them)\n"
        f":params {json.dumps(params)}\n\n{cypher('read/explain_paths').rstrip()};\n"
    )
