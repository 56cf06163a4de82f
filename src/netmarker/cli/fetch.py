"""``netmarker fetch``: opt-in downloads of public data (needs internet; nothing else does)."""

from __future__ import annotations

from pathlib import Path

import typer

from netmarker.cli.context import console, print_frame, print_mapping, progress_bar
from netmarker.fetch.sources import SOURCES, HttpOptions

app = typer.Typer(
    help="Download public data: full STRING / Reactome sets, GDC projects (TCGA), GEO series. "
    "Needs internet; every file is checked (size, md5 where given) and listed with its sha256 "
    "in DEST/MANIFEST.json.",
    no_args_is_help=True,
)

RetriesOpt = typer.Option(5, "--retries", min=0, help="Further attempts after 429/5xx/short body.")
BackoffOpt = typer.Option(
    2.0, "--backoff", min=0.0, help="Back-off base in seconds (waits b, 2b, 4b, ...)."
)
PauseOpt = typer.Option(0.5, "--pause", min=0.0, help="Seconds between requests (politeness).")
TimeoutOpt = typer.Option(120.0, "--timeout", min=1.0, help="Seconds without data before a retry.")


def _options(retries: int, backoff: float, pause: float, timeout: float) -> HttpOptions:
    return HttpOptions(retries=retries, backoff=backoff, timeout=timeout, pause=pause)


def _source_command(source: str) -> None:
    def command(
        dest: Path = typer.Option(
            Path("netmarker-data"), "--dest", "-o", help="Folder to download into."
        ),
        retries: int = RetriesOpt,
        backoff: float = BackoffOpt,
        timeout: float = TimeoutOpt,
    ) -> None:
        import pandas as pd

        from netmarker.fetch.download import fetch

        with progress_bar(f"downloading {source}", total=None) as bar:
            records = fetch(
                source,
                dest,
                options=_options(retries, backoff, 0.0, timeout),
                progress=lambda done, total: bar.update(
                    bar.task_ids[0], completed=done, total=total
                ),
            )
        print_frame(pd.DataFrame(records)[["file", "bytes", "sha256"]], title=f"{source} -> {dest}")
        console.print(
            f"load them with `netmarker load ...`; provenance in {dest / 'MANIFEST.json'}"
        )

    notes = "; ".join(f.note for f in SOURCES[source])
    command.__doc__ = f"Download {source}: {notes}."
    app.command(source)(command)


for _source in sorted(SOURCES):
    _source_command(_source)


@app.command("gdc")
def gdc_command(
    project: str = typer.Option(..., "--project", "-p", help="GDC project id, e.g. TCGA-COAD."),
    dest: Path = typer.Option(..., "--dest", "-o", help="Folder to download into."),
    value: str = typer.Option(
        "fpkm_uq", "--value", help="STAR - Counts column: tpm, fpkm_uq, fpkm or counts."
    ),
    log2: bool = typer.Option(True, "--log2/--no-log2", help="Write log2(value + 1)."),
    batch_size: int = typer.Option(50, "--batch-size", min=1, help="Files per /data request."),
    page_size: int = typer.Option(500, "--page-size", min=1, help="Hits per /files page."),
    limit: int | None = typer.Option(None, "--limit", min=1, help="Only the first N cases."),
    api: str = typer.Option(
        "https://api.gdc.cancer.gov", "--api", help="GDC API base URL (a mirror or replica)."
    ),
    retries: int = RetriesOpt,
    backoff: float = BackoffOpt,
    pause: float = PauseOpt,
    timeout: float = TimeoutOpt,
) -> None:
    """Primary-tumour expression (STAR - Counts), sample sheet and clinical data of a GDC project.

    Writes DEST/expression/ + DEST/sample_sheet.tsv (for `predict -e DEST/expression
    --sample-sheet DEST/sample_sheet.tsv`), DEST/clinical.tsv (for `evaluate -c`),
    DEST/treatments.tsv, DEST/clinical/ (BCR Biotab tables), DEST/raw/ (files as delivered,
    md5-verified) and DEST/MANIFEST.json. Run it again to resume: only files missing or
    failing their md5 are downloaded.
    """
    from netmarker.fetch.gdc import fetch_gdc

    with progress_bar(f"GDC {project}", total=1) as bar:

        def show(step: str, done: int, total: int | None) -> None:
            bar.update(
                bar.task_ids[0], description=f"GDC {project}: {step}", completed=done, total=total
            )

        result = fetch_gdc(
            project,
            dest,
            value=value,
            log2=log2,
            base_url=api,
            options=_options(retries, backoff, pause, timeout),
            batch_size=batch_size,
            page_size=page_size,
            limit=limit,
            progress=show,
        )
    print_mapping(f"GDC {project} -> {dest}", result.summary())
    console.print(
        f"next: netmarker predict --model MODEL -e {result.expression_dir} --sample-sheet "
        f"{result.sample_sheet} -o predictions.tsv; netmarker evaluate -p predictions.tsv "
        f"-c {result.clinical} -o report/"
    )


@app.command("geo")
def geo_command(
    series: str = typer.Argument(..., help="GEO series accession, e.g. GSE64392."),
    dest: Path = typer.Option(..., "--dest", "-o", help="Folder to download into."),
    base: str = typer.Option(
        "https://ftp.ncbi.nlm.nih.gov",
        "--base-url",
        help="GEO download site (a mirror or replica).",
    ),
    accession_map: Path | None = typer.Option(
        None,
        "--accession-map",
        help="When the platform names no genes: a table from its accessions (e.g. RefSeq in "
        "GB_ACC) to gene symbols or Entrez ids, such as a BioMart export.",
    ),
    retries: int = RetriesOpt,
    backoff: float = BackoffOpt,
    timeout: float = TimeoutOpt,
) -> None:
    """A GEO series matrix, its platform's probe -> gene map, and a gene-level matrix.

    Writes the series matrix as delivered, GPL..._probe_map.tsv (when the rows are probes)
    and GSE..._genes.tsv.gz (gene symbols x samples, probes collapsed by median) for
    `train -e` / `predict -e`, and DEST/MANIFEST.json.
    """
    from netmarker.fetch.geo import fetch_geo

    with progress_bar(f"GEO {series}", total=None) as bar:
        result = fetch_geo(
            series,
            dest,
            base_url=base,
            options=_options(retries, backoff, 0.0, timeout),
            accession_map=accession_map,
            step=lambda text: bar.update(bar.task_ids[0], description=f"GEO {series}: {text}"),
        )
    print_mapping(
        f"GEO {result.series} -> {dest}",
        {
            "series matrices": ", ".join(p.name for p in result.matrices),
            "platforms": ", ".join(result.platforms),
            "probe maps": ", ".join(p.name for p in result.probe_maps) or "-",
            "gene-level matrix": result.gene_matrix.name if result.gene_matrix else "-",
        },
    )
    for note in result.notes:
        console.print(note, highlight=False)
