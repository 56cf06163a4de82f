"""Reverse and cross-drug queries over stored proximity results.

* ``drugs_near_pathway``: which drugs is a pathway proximal to (the repurposing view)?
* ``similar_drugs``: which drugs have proximal modules like this drug's? Jaccard index of
  the proximal pathway sets and Pearson correlation of the z profiles, both over the
  pathways that both drugs have results for on the network.

On Neo4j the rows come from ``cypher/read/drugs_near_pathway.cypher`` and
``cypher/read/z_profiles.cypher``; on the embedded store from its proximity table. The
arithmetic is the same code for both, so both stores give identical answers (tested).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from netmarker.defaults import DEFAULT_Z_CUTOFF
from netmarker.errors import NotFoundError
from netmarker.explain import resolve_pathway
from netmarker.graph.store import GraphStore
from netmarker.modules import resolve_drug, resolve_network
from netmarker.schema import PROXIMITY_COLUMNS

#: one row per other drug, most similar first
SIMILAR_COLUMNS = [
    "drug",
    "jaccard",
    "z_correlation",
    "shared_proximal",
    "proximal",
    "n_pathways",
]
#: (other drug, pathway, z of the query drug, z of the other drug)
PROFILE_COLUMNS = ["other", "pathway", "z_query", "z_other"]


def drugs_near_pathway(
    store: GraphStore,
    pathway: str,
    *,
    network: str | None = None,
    z_cutoff: float | None = DEFAULT_Z_CUTOFF,
) -> pd.DataFrame:
    """Stored proximity rows of ``pathway`` (PROXIMITY_COLUMNS), most proximal drug first;
    only drugs with ``z <= z_cutoff`` unless ``z_cutoff`` is None."""
    pw = resolve_pathway(store, pathway)
    net_name = resolve_network(store, network)
    rows: pd.DataFrame
    if hasattr(store, "proximity_of_pathway"):  # Neo4j: one query instead of all rows
        rows = store.proximity_of_pathway(pw, net_name)
    else:
        rows = store.proximity(network=net_name)
        rows = rows[rows["pathway"] == pw]
    if z_cutoff is not None:
        rows = rows[rows["z"] <= z_cutoff]
    return rows.sort_values(["z", "drug"], kind="stable").reset_index(drop=True)


def z_profiles(store: GraphStore, drug: str, network: str) -> pd.DataFrame:
    """PROFILE_COLUMNS: the z of ``drug`` and of every other drug on each shared pathway."""
    if hasattr(store, "z_profiles"):
        rows = pd.DataFrame(store.z_profiles(drug, network), columns=PROFILE_COLUMNS)
    else:
        prox = store.proximity(network=network)[["drug", "pathway", "z"]]
        mine = prox[prox["drug"] == drug][["pathway", "z"]].rename(columns={"z": "z_query"})
        others = prox[prox["drug"] != drug].rename(columns={"drug": "other", "z": "z_other"})
        rows = others.merge(mine, on="pathway")[PROFILE_COLUMNS]
    rows = rows.astype({"z_query": "float64", "z_other": "float64"})
    return rows.sort_values(["other", "pathway"], kind="stable").reset_index(drop=True)


def similar_drugs(
    store: GraphStore,
    drug: str,
    *,
    network: str | None = None,
    z_cutoff: float = DEFAULT_Z_CUTOFF,
) -> pd.DataFrame:
    """Other drugs ranked by the overlap of their proximal pathways with ``drug``'s.

    SIMILAR_COLUMNS: Jaccard index of the proximal sets (z <= ``z_cutoff``), Pearson
    correlation of the z-scores, the number of shared proximal pathways, the other drug's
    proximal count, and the number of pathways compared (those both drugs have results
    for). Sorted by Jaccard, then correlation (descending), then name.
    """
    name = resolve_drug(store, drug)
    net_name = resolve_network(store, network)
    if store.proximity(name, net_name).empty:
        raise NotFoundError(
            f"no proximity results for {name} on {net_name}: run "
            f"`netmarker modules compute --drug {name} --network {net_name}`"
        )
    rows = z_profiles(store, name, net_name)
    out = [_similarity(str(other), g, z_cutoff) for other, g in rows.groupby("other", sort=True)]
    table = pd.DataFrame(out, columns=SIMILAR_COLUMNS)
    table = table.sort_values(
        ["jaccard", "z_correlation", "drug"], ascending=[False, False, True], na_position="last"
    )
    return table.reset_index(drop=True)


def _similarity(other: str, rows: pd.DataFrame, z_cutoff: float) -> list[Any]:
    a = rows["z_query"].to_numpy()
    b = rows["z_other"].to_numpy()
    in_a, in_b = a <= z_cutoff, b <= z_cutoff
    union = int((in_a | in_b).sum())
    shared = int((in_a & in_b).sum())
    jaccard = shared / union if union else float("nan")
    # a constant profile has no correlation (numpy would warn and give nan anyway)
    corr = float(np.corrcoef(a, b)[0, 1]) if len(a) > 2 and a.std() > 0 and b.std() > 0 else np.nan
    return [other, jaccard, corr, shared, int(in_b.sum()), len(a)]


__all__ = [
    "PROFILE_COLUMNS",
    "PROXIMITY_COLUMNS",
    "SIMILAR_COLUMNS",
    "drugs_near_pathway",
    "similar_drugs",
    "z_profiles",
]
