"""``netmarker plot``: figures of stored results and run outputs (PNG or SVG by suffix)."""

from __future__ import annotations

from pathlib import Path

import typer

from netmarker.cli.context import console, store_from
from netmarker.defaults import DEFAULT_Z_CUTOFF

app = typer.Typer(
    help="Figures: z heatmaps, z vs pathway size, model coefficients, Kaplan-Meier.",
    no_args_is_help=True,
)

OUT = typer.Option(..., "--out", "-o", help="Figure file: .png or .svg.")


@app.command("heatmap")
def heatmap(
    ctx: typer.Context,
    out: Path = OUT,
    drug: list[str] | None = typer.Option(
        None, "--drug", "-d", help="Drug (repeatable; default: every drug with results)."
    ),
    network: str | None = typer.Option(None, "--network", "-n", help="Network name."),
    z_cutoff: float = typer.Option(DEFAULT_Z_CUTOFF, "--z-cutoff", help="Marked cutoff."),
    max_pathways: int = typer.Option(60, "--max-pathways", min=2, help="Pathways shown."),
) -> None:
    """Drug x pathway z-score heatmap (clustered; proximal cells marked)."""
    from netmarker.modules import resolve_drug, resolve_network
    from netmarker.plots import plot_z_heatmap

    store = store_from(ctx)
    net = resolve_network(store, network)
    drugs = [resolve_drug(store, d) for d in drug] if drug else None
    proximity = store.proximity(network=net)
    plot_z_heatmap(proximity, out, drugs=drugs, z_cutoff=z_cutoff, max_pathways=max_pathways)
    console.print(f"wrote {out}")


@app.command("zsize")
def zsize(
    ctx: typer.Context,
    drug: str = typer.Option(..., "--drug", "-d", help="Drug name."),
    out: Path = OUT,
    network: str | None = typer.Option(None, "--network", "-n", help="Network name."),
    z_cutoff: float = typer.Option(DEFAULT_Z_CUTOFF, "--z-cutoff", help="Proximal cutoff."),
) -> None:
    """One drug's z-score against pathway size, proximal pathways labelled."""
    from netmarker.modules import resolve_drug, resolve_network
    from netmarker.plots import plot_z_vs_size

    store = store_from(ctx)
    name, net = resolve_drug(store, drug), resolve_network(store, network)
    sizes = store.members().groupby("pathway").size()
    plot_z_vs_size(store.proximity(name, net), sizes, out, drug=name, z_cutoff=z_cutoff)
    console.print(f"wrote {out}")


@app.command("coefficients")
def coefficients(
    model: Path = typer.Option(..., "--model", "-m", help="Model JSON (netmarker train)."),
    out: Path = OUT,
) -> None:
    """A trained model's coefficients as a bar chart."""
    from netmarker.plots import plot_coefficients
    from netmarker.predict.model import biomarker_table, load_model

    trained = load_model(model)
    title = f"{trained.metadata.get('drug', '')} model coefficients ({model.name})"
    plot_coefficients(biomarker_table(trained), out, title=title)
    console.print(f"wrote {out}")


@app.command("km")
def km(
    table: Path = typer.Option(..., "--table", "-t", help="TSV with time, event and group."),
    out: Path = OUT,
    time: str = typer.Option("time_months", "--time", help="Time column."),
    event: str = typer.Option("event", "--event", help="Event column (1 = event)."),
    group: str = typer.Option("predicted_responder", "--group", help="Group column."),
    title: str | None = typer.Option(None, "--title", help="Figure title."),
) -> None:
    """Kaplan-Meier curves per group with the numbers at risk (e.g. `evaluate` outputs)."""
    import pandas as pd

    from netmarker.errors import InputError
    from netmarker.io.tables import read_text_table
    from netmarker.plots import plot_survival

    rows, _ = read_text_table(table, infer_numbers=True)
    missing = [c for c in (time, event, group) if c not in rows.columns]
    if missing:
        raise InputError(table, f"no column(s) {', '.join(missing)}", 1)
    for col in (time, event):
        if not pd.api.types.is_numeric_dtype(rows[col]):
            raise InputError(table, f"column {col!r} is not numeric", 1)
    plot_survival(rows[time], rows[event], rows[group].astype(str), out, title=title)
    console.print(f"wrote {out}")
