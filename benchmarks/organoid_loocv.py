"""Preclinical evaluation: LOOCV of the network-based model and of every baseline, per drug.

One command, on the real data (read from ../shared/data):

    python benchmarks/organoid_loocv.py [--n-random-modules 100] [--drugs FLUOROURACIL ...]

Pipeline per drug (Kong et al. 2020, colorectal organoids of van de Wetering et al. 2015):
STRING v12 (>= 700) network, MSigDB v6.1 Reactome pathways and the Kong et al. drug targets
are loaded into a fresh embedded store; network proximity (1,000 draws, seed 452456) picks
the drug's proximal pathways (z <= -1.2816); their ssGSEA scores in the organoids feed a
ridge model of median ln(IC50), evaluated by leave-one-out CV with the top-N features chosen
inside every fold. Baselines on the same samples and folds: the drug targets' expression,
all Reactome pathways, and random modules of the same sizes (empirical p of the network
model's Spearman r against them). Writes a markdown table to stdout and a TSV next to it.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from netmarker.errors import NetmarkerError
from netmarker.graph import EmbeddedStore
from netmarker.graph.loading import load_network_file, load_pathways_file, load_targets_file
from netmarker.io.expression import read_expression
from netmarker.io.response import read_response
from netmarker.modules import compute_proximity
from netmarker.predict.workflow import crossvalidate_with_baselines, training_data

DATA = Path(
    os.environ.get("NETMARKER_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data")
)
NETWORK = DATA / "string_derived" / "dmfind_string_v12.0_ntm_700_top3_entrez.tsv.gz"
GMT = DATA / "msigdb_reactome" / "msigdb_v6.1_c2.cp.reactome.symbols.gmt"
TARGETS = DATA / "kong2020" / "drug_drugTarget.txt"
EXPRESSION = (
    DATA / "kong2020" / "organoid_COAD" / "expression" / "GSE64392_geneID_expression_median.txt"
)
RESPONSE = DATA / "kong2020" / "organoid_COAD" / "drug_response" / "median_response.txt"


def build_store(path: Path) -> EmbeddedStore:
    store = EmbeddedStore(path)
    load_network_file(store, NETWORK, "string_v12_700", min_score=700)
    load_pathways_file(store, GMT, source="reactome")
    load_targets_file(store, TARGETS, source="kong2020")
    return store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-random-modules", type=int, default=100)
    parser.add_argument("--drugs", nargs="*", default=None)
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).parent / "results" / "organoid_loocv.tsv"
    )
    args = parser.parse_args()
    logging.getLogger("netmarker").setLevel(logging.ERROR)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        store = build_store(Path(tmp) / "store")
        expression = read_expression(EXPRESSION).matrix
        response = read_response(RESPONSE)
        screened = set(response.table["drug"])
        drugs = args.drugs or sorted(set(store.drugs()["drug"]) & screened)
        compute_proximity(store, drugs=drugs, cache_dir=Path(tmp) / "cache")
        rows = []
        for drug in drugs:
            t0 = time.perf_counter()
            try:
                data = training_data(expression, response, drug)
                result = crossvalidate_with_baselines(store, data, n_random=args.n_random_modules)
            except NetmarkerError as exc:
                print(f"{drug}: skipped ({exc})", file=sys.stderr)
                continue
            table = result.table.set_index("features")
            row = {"drug": drug, "n_organoids": len(data.response)}
            for name in ("network_modules", "drug_targets", "all_pathways", "random_modules"):
                if name in table.index:
                    row[f"{name}_n"] = table.loc[name, "n_features"]
                    row[f"{name}_r"] = table.loc[name, "spearman_r"]
            row["empirical_p_vs_random"] = result.empirical_p
            rows.append(row)
            print(f"{drug}: {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    df = pd.DataFrame(rows)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(args.out, sep="\t", index=False, float_format="%.4g")
    print(df.to_markdown(index=False, floatfmt=".3g") if _has_tabulate() else df.to_string())
    better = (df["network_modules_r"] > df["all_pathways_r"]).sum()
    print(
        f"\n{len(df)} drugs; network model beats all-pathways in {better}; "
        f"median r network {df['network_modules_r'].median():.3f}, all pathways "
        f"{df['all_pathways_r'].median():.3f}, targets {df['drug_targets_r'].median():.3f}; "
        f"{(df['empirical_p_vs_random'] <= 0.05).sum()} drugs with p <= 0.05 vs random "
        f"modules; {time.perf_counter() - started:.0f} s"
    )


def _has_tabulate() -> bool:
    try:
        import tabulate  # noqa: F401
    except ImportError:
        return False
    return True


if __name__ == "__main__":
    main()
