"""``netmarker fetch``: opt-in download of full public data sets (needs internet)."""

from __future__ import annotations

from pathlib import Path

import typer

from netmarker.cli.context import console, print_frame, progress_bar
from netmarker.fetch import SOURCES, fetch


def fetch_command(
    source: str = typer.Argument(..., help=f"What to download: {', '.join(sorted(SOURCES))}."),
    dest: Path = typer.Option(
        Path("netmarker-data"), "--dest", "-o", help="Folder to download into."
    ),
) -> None:
    """Download a full public data set (STRING v12 human, MSigDB Reactome) into --dest.

    Records URL, size and sha256 of every file in DEST/MANIFEST.json. Needs internet; nothing
    else in netmarker does.
    """
    import pandas as pd

    with progress_bar(f"downloading {source}", total=None) as bar:
        records = fetch(
            source, dest, progress=lambda done, total: bar.update(0, completed=done, total=total)
        )
    print_frame(pd.DataFrame(records)[["file", "bytes", "sha256"]], title=f"{source} -> {dest}")
    console.print(f"load them with `netmarker load ...`; provenance in {dest / 'MANIFEST.json'}")
