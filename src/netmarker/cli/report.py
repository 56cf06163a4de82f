"""``netmarker report``: one self-contained report.html for a run folder."""

from __future__ import annotations

from pathlib import Path

import typer

from netmarker.cli.context import console


def report_command(
    run: Path = typer.Option(..., "--run", "-r", help="Run folder (e.g. what `demo` wrote)."),
    out: Path | None = typer.Option(
        None, "--out", "-o", help="HTML file (default: RUN/report.html)."
    ),
    draw: bool = typer.Option(
        True, "--draw/--no-draw", help="Draw the figures the run's results allow first."
    ),
) -> None:
    """Write report.html: figures embedded, tables, inputs, parameters, versions, checksums."""
    from netmarker.htmlreport import write_report

    path = write_report(run, out, draw=draw)
    console.print(f"report: {path.resolve()}")
