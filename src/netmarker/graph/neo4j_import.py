"""Files for Neo4j's offline bulk importer (``neo4j-admin database import full``).

For a first load of a big network into an EMPTY Neo4j database: the importer writes the store
files directly, without transactions, far faster than any load over Bolt. These files hold
exactly the graph model of ``netmarker.graph.neo4j`` (genes, one published network version,
its interactions, and the Dataset record that ``db status`` lists), so after the import and
``netmarker --store neo4j db init`` the network reads back as if ``netmarker load network``
had loaded it; later loads of it go through ``load network`` as usual.

``scripts/neo4j-local import DIR`` runs the importer of the local engine on these files (the
server stopped); with a Neo4j installation::

    neo4j-admin database import full neo4j --overwrite-destination \\
        --nodes=DIR/genes.csv --nodes=DIR/network.csv --nodes=DIR/dataset.csv \\
        --relationships=DIR/interactions.csv
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

import pandas as pd

from netmarker.graph.store import Dataset, typed_frame, validate_network_name
from netmarker.schema import EDGE_COLUMNS, GENE_COLUMNS

#: the files ``write_import_files`` writes, as (importer option, file name)
IMPORT_FILES = (
    ("--nodes", "genes.csv"),
    ("--nodes", "network.csv"),
    ("--nodes", "dataset.csv"),
    ("--relationships", "interactions.csv"),
)
#: the published version of an imported network (any integer; loads replace it later)
IMPORTED_VERSION = 1


def write_import_files(
    folder: Path, name: str, edges: pd.DataFrame, genes: pd.DataFrame, dataset: Dataset
) -> dict[str, int]:
    """Write the importer's CSV files for network ``name`` into ``folder``; return the counts
    recorded on its Dataset node (as ``load network`` counts a load into an empty store).

    ``edges`` (``gene_a < gene_b``) and ``genes`` come from the ``netmarker.io`` readers; a
    repeated pair keeps its highest score, as loads do. Each file is written to a temporary
    name and renamed, so a failure leaves no half-written file under a final name.
    """
    validate_network_name(name)
    edges = typed_frame(edges, EDGE_COLUMNS)
    if (edges["gene_a"] >= edges["gene_b"]).any():
        raise ValueError("edges must be canonical (gene_a < gene_b); use netmarker.io readers")
    unique = edges.groupby(["gene_a", "gene_b"], sort=True, as_index=False)["score"].max()
    named = pd.concat([unique["gene_a"], unique["gene_b"]]).astype(str)
    all_genes = pd.concat(
        [typed_frame(genes, GENE_COLUMNS), pd.DataFrame({"symbol": named, "entrez": ""})],
        ignore_index=True,
    )
    # a known Entrez id wins over none (the larger id string, as loads keep it)
    all_genes = all_genes.sort_values(["symbol", "entrez"], ascending=[True, False])
    all_genes = all_genes.drop_duplicates("symbol").reset_index(drop=True)
    counts = {
        "edges_in_file": len(edges),
        "edges_new": len(unique),
        "genes_new": len(all_genes),
    }
    record = dataset.record(counts)
    tables = {
        "genes.csv": pd.DataFrame(
            {"symbol:ID(Gene)": all_genes["symbol"], "entrez": all_genes["entrez"]}
        ).assign(**{":LABEL": "Gene"}),
        "network.csv": pd.DataFrame(
            [{"name:ID(Network)": name, "version:long": IMPORTED_VERSION, ":LABEL": "Network"}]
        ),
        "dataset.csv": pd.DataFrame(
            [
                {
                    "dataset_id:ID(Dataset)": dataset.dataset_id,
                    "kind": dataset.kind,
                    "name": name,
                    "source_file": dataset.source_file,
                    "checksum": dataset.checksum,
                    "loaded_at": record["loaded_at"],
                    "counts": record["counts"],
                    "options": json.dumps(dataset.options, sort_keys=True),
                    "before": json.dumps({"edges": 0, "genes": 0}, sort_keys=True),
                    "complete:boolean": "true",
                    "seq:long": 1,
                    ":LABEL": "Dataset",
                }
            ]
        ),
        "interactions.csv": pd.DataFrame(
            {
                ":START_ID(Gene)": unique["gene_a"],
                ":END_ID(Gene)": unique["gene_b"],
                "network": name,
                "version:long": IMPORTED_VERSION,
                "score:double": unique["score"],  # NaN (unweighted) is written empty: null
                ":TYPE": "INTERACTS_WITH",
            }
        ),
    }
    folder.mkdir(parents=True, exist_ok=True)
    for file, table in tables.items():
        tmp = folder / f".{file}.tmp"
        # every field quoted: an empty entrez stays an empty string, not a missing property
        quoting: Literal[0, 1] = 1 if file != "interactions.csv" else 0
        table.to_csv(tmp, index=False, quoting=quoting, float_format="%.17g")
        tmp.replace(folder / file)
    return counts
