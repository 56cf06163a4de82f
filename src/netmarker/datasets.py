"""The shipped demo data as DataFrames (like ``lifelines.datasets`` / ``sklearn.datasets``).

:func:`load_demo` reads the small real-derived inputs of ``netmarker demo`` (``data/demo``,
sources and licences in ``data/README.md``): STRING v12 (combined score >= 700), MSigDB v6.1
Reactome gene sets, the Kong et al. 2020 drug targets, and 22 colorectal cancer organoids
(GSE64392 expression, van de Wetering et al. 2015 IC50). Everything that holds samples is
**samples x features**.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

#: the demo's files, by what they hold
DEMO_FILES: dict[str, str] = {
    "network": "string_v12_700_ntm.tsv.gz",
    "pathways": "reactome_msigdb_v6.1.gmt",
    "targets": "drug_targets_kong2020.tsv",
    "expression": "organoid_expression_GSE64392.tsv.gz",
    "response": "organoid_ic50_vandewetering2015.tsv",
}


def demo_dir() -> Path:
    """The folder of the packaged demo inputs (a link to ``data/demo`` in a source checkout)."""
    return Path(__file__).resolve().parent / "resources" / "demo"


@dataclass(frozen=True)
class DemoData:
    """The demo inputs, read.

    ``expression``: organoids x genes (log2 expression, gene symbols as columns).
    ``response``: organoids x drugs, median IC50 (the response file's own sample ids:
    ``P19a`` where the expression says ``P19A``; :func:`netmarker.align_samples` pairs them).
    ``targets``: one row per drug-target link (``drug``, ``gene``, ``source``).
    ``pathways``: Reactome pathway -> member genes. ``network``: edges (``gene_a``,
    ``gene_b``, ``score``). ``files``: the files they were read from, by the same names
    (for the loaders of a graph store).
    """

    expression: pd.DataFrame
    response: pd.DataFrame
    targets: pd.DataFrame
    pathways: dict[str, list[str]]
    network: pd.DataFrame
    files: dict[str, Path]


def load_demo(folder: str | Path | None = None) -> DemoData:
    """Read the demo data (from ``folder``, default the packaged copy) into DataFrames."""
    from netmarker.io.expression import read_expression
    from netmarker.io.genesets import read_gmt
    from netmarker.io.network import read_network
    from netmarker.io.response import read_response
    from netmarker.io.targets import read_targets

    base = demo_dir() if folder is None else Path(folder)
    files = {name: base / file for name, file in DEMO_FILES.items()}
    expression = read_expression(files["expression"]).matrix.T
    expression.index.name = "sample"
    response = read_response(files["response"]).matrix()
    response.columns.name = "drug"
    members = read_gmt(files["pathways"], source="reactome").members
    pathways = {str(k): sorted(g["gene"]) for k, g in members.groupby("pathway")}
    return DemoData(
        expression=expression,
        response=response,
        targets=read_targets(files["targets"], source="kong2020").targets,
        pathways=pathways,
        network=read_network(files["network"]).edges,
        files=files,
    )
