"""Benchmark: ``fetch gdc`` against a local replica of the GDC API, batched vs one file a request.

What the client costs on this machine for a TCGA-sized download, without the internet's
share: a replica on 127.0.0.1 (``tests/http_replica.py``) serves ``--cases`` STAR - Counts
files of ``--genes`` genes (GENCODE v36 has 60,660 rows) plus ``/cases`` records, and

    batched     ``fetch_gdc(batch_size=50)``: one POST ``/data`` per 50 files (a .tar.gz), as
                netmarker does by default (polite: 50x fewer requests)
    per file    ``fetch_gdc(batch_size=1)``: one GET ``/data/<id>`` per file (the alternative)
    rerun       the batched command again on the finished folder (resume: md5 of every file
                checked, nothing downloaded)
    read        ``read_gdc_files`` on the result (what ``predict --sample-sheet`` does)

Each is timed ``--runs`` times (median); the replica compresses bundles at gzip level 1 and
shares the 2 cores with the client, so network time and the GDC's own compression are not
in these figures.

    python benchmarks/bench_fetch_gdc.py --cases 100 --runs 3
"""

from __future__ import annotations

import argparse
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from gdc_cohort import gdc_replica
from http_replica import serve
from netmarker.fetch import HttpOptions
from netmarker.fetch_gdc import fetch_gdc
from netmarker.io.gdc import read_gdc_files


def _replica(cases: int, genes: int):
    rng = np.random.default_rng(0)
    resources = Path(__file__).resolve().parents[1] / "src" / "netmarker" / "resources"
    ensembl = pd.read_csv(resources / "entrez_ensembl_gene.tsv.gz", sep="\t", dtype=str)
    ids = list(dict.fromkeys(ensembl["ensembl_id"]))
    ids += [f"ENSG9{i:010d}" for i in range(max(0, genes - len(ids)))]  # unmapped, as in GENCODE
    ids = ids[:genes]
    expression = pd.DataFrame(
        rng.gamma(1.5, 8.0, size=(genes, cases)).round(3),
        index=ids,
        columns=[f"p{i}" for i in range(cases)],
    )
    survival = pd.DataFrame(
        {"time_months": rng.uniform(1, 80, cases), "event": rng.integers(0, 2, cases)}
    )
    return gdc_replica(expression, survival)


def _time(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def _markdown(table: pd.DataFrame) -> str:
    head = "| " + " | ".join(table.columns) + " |"
    rule = "| " + " | ".join("---" for _ in table.columns) + " |"
    body = ["| " + " | ".join(str(v) for v in row) + " |" for row in table.itertuples(index=False)]
    return "\n".join([head, rule, *body])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100)
    parser.add_argument("--genes", type=int, default=60660)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results")
    args = parser.parse_args()

    srv = serve(_replica(args.cases, args.genes))
    opts = HttpOptions(retries=2, backoff=0.1, timeout=120, pause=0)
    times: dict[str, list[float]] = {"batched": [], "per file": [], "rerun": [], "read": []}
    requests: dict[str, int] = {}
    raw_bytes = 0
    try:
        for _ in range(args.runs):
            for label, batch in (("batched", 50), ("per file", 1)):
                with tempfile.TemporaryDirectory() as tmp:
                    dest = Path(tmp) / "coad"
                    mark = len(srv.replica.log)
                    times[label].append(
                        _time(
                            lambda d=dest, b=batch: fetch_gdc(
                                "TCGA-ZZ", d, base_url=srv.url, options=opts, batch_size=b
                            )
                        )
                    )
                    requests[label] = sum(
                        r["path"].startswith("/data") for r in srv.replica.log[mark:]
                    )
                    if label == "batched":
                        raw_bytes = sum(p.stat().st_size for p in (dest / "raw").rglob("*.tsv"))
                        times["rerun"].append(
                            _time(
                                lambda d=dest: fetch_gdc(
                                    "TCGA-ZZ", d, base_url=srv.url, options=opts, batch_size=50
                                )
                            )
                        )
                        times["read"].append(
                            _time(
                                lambda d=dest: read_gdc_files(
                                    d / "expression", d / "sample_sheet.tsv"
                                )
                            )
                        )
                    shutil.rmtree(dest, ignore_errors=True)
    finally:
        srv.close()

    rows = [
        {
            "step": label,
            "median_s": round(statistics.median(v), 2),
            "runs": len(v),
            "per_case_ms": round(1000 * statistics.median(v) / args.cases, 1),
            "data_requests": requests.get(label, ""),
        }
        for label, v in times.items()
    ]
    table = pd.DataFrame(rows)
    text = "\n".join(
        [
            "# fetch gdc against a local replica (bench_fetch_gdc.py)",
            "",
            f"{args.cases} cases x {args.genes} genes, {raw_bytes / 1e6:.0f} MB of STAR files; "
            f"median of {args.runs}; {platform.processor() or platform.machine()}, "
            f"Python {platform.python_version()}; the machine was shared with other jobs.",
            "",
            _markdown(table),
            "",
        ]
    )
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "fetch_gdc.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
