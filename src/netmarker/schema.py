"""Table column contracts shared by the readers (io/), the stores (graph/) and the query layer.

Tables cross the ``GraphStore`` protocol as pandas DataFrames with exactly these columns, and
the readers produce them. Genes are keyed by HGNC symbol; drugs by their normalised
(upper-case) name; pathways by their set name (e.g. ``REACTOME_APOPTOSIS``).
"""

from __future__ import annotations

#: one row per unordered gene pair per network; ``gene_a < gene_b``; score NaN if unweighted
EDGE_COLUMNS = ["gene_a", "gene_b", "score"]
#: gene nodes; ``entrez`` is a string id or empty
GENE_COLUMNS = ["symbol", "entrez"]
#: drug nodes; ``synonyms`` is a ``|``-joined string of other names (upper case)
DRUG_COLUMNS = ["drug", "synonyms"]
#: drug -> target gene links; ``source`` names the table they came from
TARGET_COLUMNS = ["drug", "gene", "source"]
#: pathway nodes
PATHWAY_COLUMNS = ["pathway", "source", "url"]
#: pathway -> member gene links
MEMBER_COLUMNS = ["pathway", "gene"]
#: results of the query layer: drug-proximal pathways (one row per drug, pathway, network);
#: ``q`` is the Benjamini-Hochberg q of ``p`` over the drug's pathways in the same run
PROXIMITY_COLUMNS = [
    "drug",
    "pathway",
    "network",
    "distance",
    "z",
    "p",
    "q",
    "n_random",
    "seed",
    "run",
]
#: results of the query layer: propagation (RWR) gene modules
PROPAGATION_COLUMNS = ["drug", "gene", "network", "score", "rank", "run"]
#: biomarker modules of trained predictors: (drug)-[:BIOMARKER]->(pathway or gene)
BIOMARKER_COLUMNS = ["drug", "feature", "coefficient", "rank", "model_id"]
#: provenance of every load
DATASET_COLUMNS = [
    "dataset_id",
    "kind",
    "name",
    "source_file",
    "checksum",
    "loaded_at",
    "counts",
    "options",
]
