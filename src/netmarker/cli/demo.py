"""``netmarker demo``: the whole pipeline on the shipped example data."""

from __future__ import annotations

from pathlib import Path

import typer

from netmarker.cli.context import console, err_console, print_frame


def demo_command(
    out: Path = typer.Option(
        Path("netmarker-report"),
        "--out",
        "-o",
        help="Report folder (tables, plots, parameters, the demo store).",
    ),
    data: Path | None = typer.Option(
        None, "--data", help="Folder with the demo inputs (default: data/demo)."
    ),
    n_random: int = typer.Option(1000, "--n-random", min=10, help="Proximity draws."),
    seed: int = typer.Option(
        0, "--seed", min=0, max=2**32 - 1, help="Seed of model selection and simulations."
    ),
) -> None:
    """Run the whole pipeline on the example data (5-FU, colorectal organoids) in about a minute.

    Uses a fresh embedded store inside the report folder; the patient step runs on SIMULATED
    cohorts (no real patient expression ships with netmarker) and says so in every output.
    """
    from netmarker.demo import run_demo

    result = run_demo(
        out,
        data_dir=data,
        n_random=n_random,
        seed=seed,
        step=lambda msg: err_console.print(f"[dim]·[/] {msg}"),
    )
    print_frame(result.summary, title=f"netmarker demo ({result.seconds:.0f} s)")
    console.print(f"report: {result.report_dir.resolve()}")
