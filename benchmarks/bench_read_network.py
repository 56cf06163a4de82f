"""Client-side network reading: ``read_network`` and ``netmarker load network``, before / after.

Three cases, each run ``--runs`` times in a fresh interpreter (so the packaged gene mapper,
cached per process, is built every time, as in a CLI load):

- ``mapper``: ``default_gene_mapper()`` alone (the org.Hs.eg.db tables -> GeneMapper; since
  the rescue tables are built on the first rescue, a symbol network pays for them inside
  ``read_network``: compare "mapper included");
- ``read_network <file>``: the mapper plus ``read_network`` on the 335k-edge STRING network
  (``/work/shared/data/string_derived``, or ``--network``) and on the demo network
  (``data/demo/string_v12_700_ntm.tsv.gz``);
- ``cli load``: ``netmarker --store <tmp> load network <335k file> --name string`` (embedded
  store), the whole command, CPU = user + system of the child.

The in-process cases time the call only (``perf_counter`` and ``process_time`` in the child),
not the interpreter's start-up. ``--before REV`` runs the same cases on the source tree of a
git revision (``git archive`` into a temporary directory, put first on ``PYTHONPATH``) with the
same interpreter and libraries, so the columns differ only in netmarker's code. The trees take
turns run by run. Prints medians (wall / CPU seconds) side by side, and the load average
before and after.

    python benchmarks/bench_read_network.py --runs 5 --before main

Takes about 2 x runs x ~8 s with --before on a quiet machine (~1.5 min at 5 runs), about
twice that on a busy one.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NETWORK = Path(
    "/work/shared/data/string_derived/emogi_string_v10_score085_symbols.tsv.gz"
    if Path("/work/shared").exists()
    else ROOT.parent / "shared/data/string_derived/emogi_string_v10_score085_symbols.tsv.gz"
)
DEMO = ROOT / "data/demo/string_v12_700_ntm.tsv.gz"
CLI = "import sys; sys.argv = ['netmarker', *sys.argv[1:]]; from netmarker.cli import main; main()"
#: the child of an in-process case: times the mapper and (if a file is given) read_network
CHILD = """
import json, sys, time
from netmarker.io.genemaps import default_gene_mapper
from netmarker.io.network import read_network
w, c = time.perf_counter(), time.process_time()
default_gene_mapper()
out = {"mapper": (time.perf_counter() - w, time.process_time() - c)}
if len(sys.argv) > 1:
    w, c = time.perf_counter(), time.process_time()
    net = read_network(sys.argv[1])
    out["read"] = (time.perf_counter() - w, time.process_time() - c)
    out["edges"] = net.report.edges
print(json.dumps(out))
"""


def _env(src: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(src)}


def in_process(python: str, src: Path, path: Path | None) -> dict[str, list[float]]:
    args = [python, "-c", CHILD] + ([str(path)] if path else [])
    proc = subprocess.run(args, env=_env(src), capture_output=True, text=True, check=True)
    out: dict[str, list[float]] = json.loads(proc.stdout)
    return out


def cli_load(python: str, src: Path, path: Path, tmp: Path) -> tuple[float, float]:
    """(wall, child CPU) of one ``load network`` into a fresh embedded store."""
    store = Path(tempfile.mkdtemp(dir=tmp))
    args = [python, "-c", CLI, "--store", str(store), "load", "network", str(path)]
    before = os.times()
    t0 = time.perf_counter()
    subprocess.run([*args, "--name", "string"], env=_env(src), capture_output=True, check=True)
    wall = time.perf_counter() - t0
    after = os.times()
    cpu = after.children_user - before.children_user
    return wall, cpu + after.children_system - before.children_system


def measure(
    python: str, trees: dict[str, Path], runs: int, tmp: Path
) -> dict[str, dict[str, tuple[float, float]]]:
    """Tree -> case -> (median wall, median CPU) over ``runs`` runs (after one warm-up run
    each). The trees take turns run by run, so a change in the machine's load hits both."""
    samples: dict[str, dict[str, list[tuple[float, float]]]] = {t: {} for t in trees}
    for src in trees.values():  # warm: page cache, __pycache__
        in_process(python, src, NETWORK)
        in_process(python, src, DEMO)
        cli_load(python, src, NETWORK, tmp)
    for _ in range(runs):
        for label, src in trees.items():
            got = samples[label]
            for name, path in (("335k", NETWORK), ("demo", DEMO)):
                run = in_process(python, src, path)
                if name == "335k":
                    got.setdefault("mapper (default_gene_mapper)", []).append(tuple(run["mapper"]))
                got.setdefault(f"read_network {name}, mapper included", []).append(
                    (run["mapper"][0] + run["read"][0], run["mapper"][1] + run["read"][1])
                )
                got.setdefault(f"read_network {name}, mapper excluded", []).append(
                    tuple(run["read"])
                )
            got.setdefault("CLI load network 335k (embedded)", []).append(
                cli_load(python, src, NETWORK, tmp)
            )
    return {
        label: {
            k: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v))
            for k, v in got.items()
        }
        for label, got in samples.items()
    }


def export(rev: str, into: Path) -> Path:
    """The ``src`` tree of git revision ``rev``, written under ``into``."""
    tar = into / "tree.tar"
    with open(tar, "wb") as fh:
        subprocess.run(["git", "-C", str(ROOT), "archive", rev, "src"], stdout=fh, check=True)
    with tarfile.open(tar) as tf:
        tf.extractall(into, filter="data")
    return into / "src"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--before", help="git revision to compare with (e.g. main)")
    opts = ap.parse_args()
    print(f"load average before: {os.getloadavg()}")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        trees = {"this tree": ROOT / "src"}
        if opts.before:
            (tmp / "before").mkdir()
            trees = {opts.before: export(opts.before, tmp / "before"), **trees}
        results = measure(sys.executable, trees, opts.runs, tmp)
    print(f"load average after: {os.getloadavg()}")
    labels = list(results)
    print(f"median of {opts.runs} runs, wall / CPU seconds")
    print(f"| case | {' | '.join(labels)} |")
    print(f"|---|{'---|' * len(labels)}")
    for case in results[labels[-1]]:
        cells = " | ".join(
            f"{results[lb][case][0]:.2f} / {results[lb][case][1]:.2f}" for lb in labels
        )
        print(f"| {case} | {cells} |")


if __name__ == "__main__":
    main()
