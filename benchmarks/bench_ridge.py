"""Benchmark: ridge with leave-one-out alpha choice, netmarker's ``ridge_loo`` vs ``RidgeCV``.

Model training refits ridge thousands of times per leave-one-out CV (every outer fold, every
inner fold, every top-N candidate). Side by side on the same real inputs (the 19 colorectal
organoids with 5-FU median ln(IC50), features = the most variable genes of GSE64392):

    ridge_loo   ``netmarker.predict.ridge.ridge_loo`` (one SVD, all 15 alphas at once, numpy only)
    RidgeCV     ``sklearn.linear_model.RidgeCV(alphas=RIDGE_ALPHAS)`` (what model.py used before)

1. one fit, at 28 and 548 features (the 5-FU network model's and the all-pathways baseline's
   widths); 2. a whole LOOCV with top N chosen inside every fold (``cross_validate``), with
   ``RidgeCV`` swapped in for ``ridge_loo``. Checks that both give the same predictions.
Median of ``--runs``.

    python benchmarks/bench_ridge.py --runs 5
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import numpy as np
import pandas as pd
import sklearn
from sklearn.linear_model import RidgeCV

import netmarker.predict.estimators
from netmarker.io.expression import read_expression
from netmarker.io.response import read_response
from netmarker.predict.estimators import RIDGE_ALPHAS, ModuleRegressor
from netmarker.predict.ridge import ridge_loo
from netmarker.predict.validation import cross_validate
from netmarker.predict.workflow import training_data

DATA = Path(
    os.environ.get("NETMARKER_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data")
)
ORGANOIDS = DATA / "kong2020" / "organoid_COAD"
EXPRESSION = ORGANOIDS / "expression" / "GSE64392_geneID_expression_median.txt"
RESPONSE = ORGANOIDS / "drug_response" / "median_response.txt"
T = TypeVar("T")


def ridgecv(x: np.ndarray, y: np.ndarray, alphas: tuple[float, ...]) -> tuple:
    """The alternative: scikit-learn's RidgeCV, as model.py called it before."""
    est = RidgeCV(alphas=alphas).fit(x, y)
    return est.coef_, float(est.intercept_), float(est.alpha_)


def median_seconds(fn: Callable[[], T], runs: int, repeat: int = 1) -> tuple[float, T]:
    """Median seconds per call of ``fn`` over ``runs`` (each the mean of ``repeat`` calls),
    and what its last call returned."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        for _ in range(repeat):
            result = fn()
        times.append((time.perf_counter() - start) / repeat)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    data = training_data(
        read_expression(EXPRESSION).matrix, read_response(RESPONSE), "FLUOROURACIL"
    )
    expression = data.expression.loc[data.expression.var(axis=1).sort_values().index[::-1]]
    y = data.response.to_numpy(np.float64)
    print(
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, numpy {np.__version__}, "
        f"scikit-learn {sklearn.__version__}; {len(y)} organoids, median of {args.runs}\n"
    )
    print("| step | features | ridge_loo | RidgeCV | speed-up |")
    print("| --- | --- | --- | --- | --- |")
    for width in (28, 548):
        x = expression.iloc[:width].T.to_numpy(np.float64)
        x = (x - x.mean(axis=0)) / x.std(axis=0)
        ours, _ = median_seconds(lambda x=x: ridge_loo(x, y, RIDGE_ALPHAS), args.runs, 200)
        theirs, _ = median_seconds(lambda x=x: ridgecv(x, y, RIDGE_ALPHAS), args.runs, 200)
        print(
            f"| one fit (15 alphas) | {width} | {ours * 1e3:.3f} ms | {theirs * 1e3:.3f} ms "
            f"| {theirs / ours:.1f}x |"
        )
    for width in (28, 548):
        features = expression.iloc[:width].T
        results: dict[str, pd.Series] = {}
        seconds: dict[str, float] = {}
        for name, fit in (("ridge_loo", ridge_loo), ("RidgeCV", ridgecv)):
            netmarker.predict.estimators.ridge_loo = (
                fit  # the only ridge solver estimators.py calls
            )
            seconds[name], results[name] = median_seconds(
                lambda f=features: cross_validate(ModuleRegressor(), f, data.response).predictions[
                    "predicted"
                ],
                args.runs,
            )
        netmarker.predict.estimators.ridge_loo = ridge_loo
        gap = float(np.max(np.abs(results["ridge_loo"] - results["RidgeCV"])))
        print(
            f"| LOOCV, top N by inner CV | {width} | {seconds['ridge_loo']:.2f} s "
            f"| {seconds['RidgeCV']:.2f} s | {seconds['RidgeCV'] / seconds['ridge_loo']:.1f}x "
            f"(predictions differ by {gap:.1e}) |"
        )


if __name__ == "__main__":
    main()
