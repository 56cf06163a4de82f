"""``netmarker db status|clear|init|remove|check|repair``: look after the graph store."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from netmarker.cli.context import console, print_frame, print_json, store_from

if TYPE_CHECKING:
    from netmarker.graph.embedded import EmbeddedStore

app = typer.Typer(help="Inspect, initialise or clear the graph store.", no_args_is_help=True)


@app.command("status")
def status(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="Print everything as JSON."),
) -> None:
    """Counts per network, target source and pathway collection, and every load's provenance."""
    import pandas as pd

    from netmarker.graph.store import summarize

    store = store_from(ctx, existing=True)
    info = summarize(store)
    if as_json:
        print_json(info)
        return
    console.print(
        f"[bold]store[/] {info['store']}: {info['genes']:,} genes, {info['drugs']:,} drugs"
    )
    for key, title in [
        ("networks", "networks"),
        ("targets", "drug targets by source"),
        ("pathways", "pathways by source"),
    ]:
        if info[key]:
            frame = pd.DataFrame.from_dict(info[key], orient="index")
            print_frame(frame.rename_axis("name").reset_index(), title=title)
    res = info["results"]
    console.print(
        f"results: {res['proximity_rows']:,} proximity rows for "
        f"{res['drugs_with_proximity']} drugs, {res['propagation_rows']:,} "
        f"propagation rows, {res['biomarker_rows']:,} biomarker rows"
    )
    if info["datasets"]:
        ds = pd.DataFrame(info["datasets"])
        ds["checksum"] = ds["checksum"].str[:12]
        ds["counts"] = ds["counts"].map(lambda c: ", ".join(f"{k}={v}" for k, v in c.items()))
        print_frame(
            ds[["kind", "name", "source_file", "checksum", "loaded_at", "counts"]],
            title="provenance",
        )


@app.command("clear")
def clear(
    ctx: typer.Context,
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
) -> None:
    """Remove everything from the store."""
    store = store_from(ctx)
    if not yes:
        typer.confirm(f"Remove everything in {store.location}?", abort=True)
    store.clear()
    console.print(f"cleared {store.location}")


@app.command("init")
def init(ctx: typer.Context) -> None:
    """Create the schema (constraints, indexes) where the store needs one; safe to repeat."""
    store = store_from(ctx)
    init_schema = getattr(store, "init_schema", None)
    if init_schema is None:
        console.print(f"{store.location}: the embedded store needs no schema")
        return
    init_schema()
    console.print(f"{store.location}: schema ready")


@app.command("remove")
def remove(
    ctx: typer.Context,
    network: str | None = typer.Option(None, "--network", help="Remove this network."),
    targets: str | None = typer.Option(None, "--targets", help="Remove this target source."),
    pathways: str | None = typer.Option(None, "--pathways", help="Remove this pathway source."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
    as_json: bool = typer.Option(False, "--json", help="Print what was removed as JSON."),
) -> None:
    """Remove one dataset and the results derived from it, atomically (genes stay).

    --network NAME: its edges, proximity and RWR results, biomarkers of the drugs whose
    proximity on it goes. --targets SOURCE: its links, drugs left without targets, every
    result of the drugs it targeted. --pathways SOURCE: its pathways, every proximity row
    of a run that scored them, biomarkers of models using them.
    """
    given = [
        (k, v) for k, v in (("network", network), ("targets", targets), ("pathways", pathways)) if v
    ]
    if len(given) != 1:
        raise typer.BadParameter("give one of --network NAME, --targets SOURCE, --pathways SOURCE")
    kind, name = given[0]
    store = store_from(ctx, existing=True)
    if not yes:
        typer.confirm(
            f"Remove {kind} {name!r} and the results derived from it from {store.location}?",
            abort=True,
        )
    counts = store.remove_dataset(kind, name)
    if as_json:
        print_json({"kind": kind, "name": name, "removed": counts})
        return
    done = ", ".join(f"{v:,} {k.replace('_', ' ')}" for k, v in counts.items())
    console.print(f"removed {kind} {name} from {store.location}: {done}", highlight=False)


def _embedded(ctx: typer.Context, what: str) -> EmbeddedStore:
    from netmarker.errors import StoreError
    from netmarker.graph.embedded import EmbeddedStore

    store = store_from(ctx)
    if not isinstance(store, EmbeddedStore):
        raise StoreError(
            f"db {what} is for the embedded store; {store.location} is a Neo4j server "
            "(use `neo4j-admin database check`)"
        )
    return store


@app.command("check")
def check(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="Print the findings as JSON."),
) -> None:
    """Verify the embedded store: CURRENT, every file's checksum, leftovers of killed writes.

    Reads only. Exit 1 when something is damaged; `db repair` says what it fixes.
    """
    from dataclasses import asdict

    found = _embedded(ctx, "check").check()
    if as_json:
        print_json({**asdict(found), "ok": found.ok})
    else:
        console.print(
            f"store {found.store}: snapshot {found.snapshot or '-'}, "
            f"{found.files_checked} file(s) checked"
        )
        for line in found.damaged:
            console.print(f"damaged: {line}", highlight=False, soft_wrap=True)
        for name in found.leftovers:
            console.print(f"leftover: {name} (removed by the next write or `db repair`)")
        for note in found.notes:
            console.print(f"note: {note}", highlight=False)
        console.print("ok" if found.ok else "damaged: run `netmarker db repair`")
    if not found.ok:
        raise typer.Exit(1)


@app.command("repair")
def repair(ctx: typer.Context) -> None:
    """Repair the embedded store after damage or killed writes, and say what was done.

    Points a missing or damaged CURRENT at the newest intact snapshot, drops damaged tables
    (with the records of the loads that filled them, so loading those files again works) and
    removes leftovers. Nothing is removed while no intact state exists.
    """
    for line in _embedded(ctx, "repair").repair():
        console.print(line, highlight=False, soft_wrap=True)
