"""CLI start-up: ``netmarker --help`` and a failing command, before and after the lazy imports.

Each case runs the console script's entry point in a fresh interpreter (``python -c
"...; from netmarker.cli import main; main()"``), ``--runs`` times, and reports the median
wall time and the median CPU time (user + system of the child) next to the load average.
``--before REV`` also runs the same cases on the source tree of a git revision (exported with
``git archive`` into a temporary directory and put first on ``PYTHONPATH``), with the same
interpreter and installed dependencies, so the two columns differ only in netmarker's code.
``--importtime`` prints the ``python -X importtime`` breakdown (the largest cumulative
imports) of ``--help`` for each tree.

    python benchmarks/bench_startup.py --runs 15 --before 698960a

Takes about runs x cases x trees x (start-up time): ~10 s on a quiet machine for the after
tree alone at 15 runs, ~1 min with a 1-2 s "before" tree.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENTRY = (
    "import sys; sys.argv = ['netmarker', *sys.argv[1:]]; from netmarker.cli import main; main()"
)
#: what the timing depends on besides netmarker's code: the interpreter and the CLI's libraries
VERSIONS = (
    "import sys, importlib.metadata as m; print(f'python {sys.version.split()[0]}, ' + "
    "', '.join(f'{p} {m.version(p)}' for p in ('typer', 'rich')))"
)
#: the cases: what a user types; the failing one names a file that does not exist
CASES = {
    "--help": ["--help"],
    "--version": ["--version"],
    "modules --help": ["modules", "--help"],
    "failing: load network <missing file>": [
        "--store",
        "{tmp}/store",
        "load",
        "network",
        "{tmp}/missing.tsv",
        "--name",
        "x",
    ],
    "failing: train without --response": ["train", "--drug", "5-FU", "-e", "{tmp}/x.tsv"],
}


def run_once(
    python: str, src: Path, args: list[str], tmp: Path, write_bytecode: bool = False
) -> tuple[float, float, int]:
    """(wall seconds, child CPU seconds, exit code) of one start-up."""
    env = {**os.environ, "PYTHONPATH": str(src)}
    if write_bytecode:
        # the warm-up writes __pycache__ even where PYTHONDONTWRITEBYTECODE is set (as on the
        # shared machine): an installed netmarker has its bytecode compiled by pip, and an
        # editable one writes it on the first run; timing the compiler is not start-up
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    argv = [a.format(tmp=tmp) for a in args]
    before = os.times()
    t0 = time.perf_counter()
    proc = subprocess.run([python, "-c", ENTRY, *argv], env=env, capture_output=True, check=False)
    wall = time.perf_counter() - t0
    after = os.times()
    cpu = (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )
    return wall, cpu, proc.returncode


def measure(python: str, src: Path, runs: int, tmp: Path) -> dict[str, tuple[float, float, int]]:
    out = {}
    for name, args in CASES.items():
        walls, cpus, code = [], [], 0
        run_once(python, src, args, tmp, write_bytecode=True)  # warm file cache, __pycache__
        for _ in range(runs):
            wall, cpu, code = run_once(python, src, args, tmp)
            walls.append(wall)
            cpus.append(cpu)
        out[name] = (statistics.median(walls), statistics.median(cpus), code)
    return out


def importtime(python: str, src: Path, top: int) -> list[tuple[int, str]]:
    """The ``top`` largest cumulative imports (microseconds, module) of ``netmarker --help``."""
    env = {**os.environ, "PYTHONPATH": str(src)}
    proc = subprocess.run(
        [python, "-X", "importtime", "-c", ENTRY, "--help"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    rows = []
    for line in proc.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = (p.strip() for p in line.removeprefix("import time:").split("|"))
        rows.append((int(cumulative), name))
    return sorted(rows, reverse=True)[:top]


def export(rev: str, into: Path) -> Path:
    """The ``src`` tree of git revision ``rev``, written below ``into``."""
    archive = into / "src.tar"
    with archive.open("wb") as fh:
        subprocess.run(["git", "-C", str(ROOT), "archive", rev, "src"], stdout=fh, check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(into, filter="data")
    return into / "src"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--before", help="git revision to compare with (e.g. 698960a)")
    parser.add_argument("--importtime", type=int, default=0, metavar="N")
    parser.add_argument(
        "--python",
        default=sys.executable,
        help="the interpreter (of a virtualenv with netmarker's dependencies) to time with; "
        "e.g. one with another typer version",
    )
    args = parser.parse_args()
    python = str(args.python)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        (tmp / "x.tsv").write_text("gene\ts1\nTP53\t1\n")
        trees = {"after": ROOT / "src"}
        if args.before:
            (tmp / "before").mkdir()
            trees = {f"before ({args.before})": export(args.before, tmp / "before"), **trees}
        load = os.getloadavg()
        versions = subprocess.run(
            [python, "-c", VERSIONS], capture_output=True, text=True, check=True
        ).stdout.strip()
        print(f"{versions}, {os.cpu_count()} cores, ", end="")
        print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, {args.runs} runs")
        results = {tree: measure(python, src, args.runs, tmp) for tree, src in trees.items()}
        names = list(trees)
        header = " | ".join(f"{n}: wall / CPU (s)" for n in names)
        print(f"\n| case | {header} | exit code |")
        print("|---|" + "---|" * (len(names) + 1))
        for case in CASES:
            cells = " | ".join(
                f"{results[n][case][0]:.3f} / {results[n][case][1]:.3f}" for n in names
            )
            print(f"| `netmarker {case}` | {cells} | {results[names[-1]][case][2]} |")
        load = os.getloadavg()
        print(f"\nload average after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
        for tree, src in trees.items() if args.importtime else ():
            print(f"\n{tree}: largest cumulative imports of --help (python -X importtime)")
            for us, name in importtime(python, src, args.importtime):
                print(f"  {us / 1000:8.1f} ms  {name}")


if __name__ == "__main__":
    main()
