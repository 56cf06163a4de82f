"""The verdict (signal / no signal / degenerate) for every drug of the organoid benchmark.

Same store and data as ``organoid_loocv.py`` (STRING v12 >= 700, Reactome v6.1, Kong et al.
targets, proximity with 1,000 draws, the 19 organoids' median ln(IC50)); per drug the network
model's verdict from ``--permutations`` label permutations, each redoing the whole LOOCV
(``netmarker.predict.validation.assess`` of ``ModuleRegressor()``: ridge, top N by inner CV,
seed 0), and its wall time.
``--timing-drugs`` times a verdict ``--runs`` times for those drugs and reports the median.

    python benchmarks/organoid_verdicts.py --permutations 1000
    python benchmarks/organoid_verdicts.py --drugs-only-timing --timing-drugs FLUOROURACIL --runs 3
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
from organoid_loocv import EXPRESSION, RESPONSE, build_store

from netmarker.errors import NetmarkerError
from netmarker.io.expression import read_expression
from netmarker.io.response import read_response
from netmarker.modules import compute_proximity
from netmarker.predict.estimators import ModuleRegressor
from netmarker.predict.validation import assess
from netmarker.predict.workflow import module_features, training_data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--permutations", type=int, default=1000)
    parser.add_argument("--drugs", nargs="*", default=None)
    parser.add_argument("--timing-drugs", nargs="*", default=[])
    parser.add_argument("--timing-permutations", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--drugs-only-timing", action="store_true", help="skip the verdict table")
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).parent / "results" / "organoid_verdicts.tsv"
    )
    args = parser.parse_args()
    logging.getLogger("netmarker").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as tmp:
        store = build_store(Path(tmp) / "store")
        expression = read_expression(EXPRESSION).matrix
        response = read_response(RESPONSE)
        screened = set(response.table["drug"])
        drugs = args.drugs or sorted(set(store.drugs()["drug"]) & screened)
        compute_proximity(store, drugs=drugs, cache_dir=Path(tmp) / "cache")
        features = {}
        for drug in drugs:
            try:
                data = training_data(expression, response, drug)
                features[drug] = (module_features(store, data)[-1], data.response)
            except NetmarkerError as exc:
                print(f"{drug}: skipped ({exc})", file=sys.stderr)
        for drug in args.timing_drugs:
            x, y = features[drug]
            times = []
            for _ in range(args.runs):
                t0 = time.perf_counter()
                assess(ModuleRegressor(), x, y, n_permutations=args.timing_permutations, seed=0)
                times.append(time.perf_counter() - t0)
            print(
                f"{drug}: {x.shape[1]} modules, {args.timing_permutations}-permutation verdict "
                f"median {statistics.median(times):.1f} s of {args.runs} "
                f"({', '.join(f'{t:.1f}' for t in times)})"
            )
        if args.drugs_only_timing:
            return
        rows = []
        for drug, (x, y) in features.items():
            v = assess(ModuleRegressor(), x, y, n_permutations=args.permutations, seed=0)
            rows.append(
                {
                    "drug": drug,
                    "modules": x.shape[1],
                    "verdict": v["verdict"],
                    "loocv_r": v["observed"],
                    "permutation_p": v["p_value"],
                    "alpha": v["checks"].get("alpha"),
                    "kept": v["checks"].get("features_kept"),
                    "seconds": v["seconds"],
                    "why": "; ".join(v["reasons"]),
                }
            )
            print(f"{drug}: {v['verdict']} ({v['seconds']:.0f} s)", file=sys.stderr)
    df = pd.DataFrame(rows)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(args.out, sep="\t", index=False, float_format="%.4g")
    print(df.drop(columns="why").to_string(index=False, float_format=lambda v: f"{v:.3g}"))
    print(
        f"\n{len(df)} drugs, {args.permutations} permutations each: "
        + ", ".join(f"{k} {v}" for k, v in df["verdict"].value_counts().items())
        + f"; median {df['seconds'].median():.1f} s per drug"
    )


if __name__ == "__main__":
    main()
