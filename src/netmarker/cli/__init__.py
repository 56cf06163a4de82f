"""The ``netmarker`` command line: thin wrappers that parse, call the library and print."""

from __future__ import annotations

import sys
from collections.abc import Callable

import typer

from netmarker._version import __version__
from netmarker.cli import (
    context,
    db,
    demo,
    fetch,
    load,
    modules,
    plot,
    predictors,
    report,
    reproduce,
)
from netmarker.cli.context import StoreOptions
from netmarker.errors import NetmarkerError

app = typer.Typer(
    name="netmarker",
    help="Network-based biomarkers for anti-cancer drugs: load a PPI network, drug targets and "
    "pathways into a graph store, find drug-proximal modules, train predictors on preclinical "
    "models and apply them to patients.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        print(f"netmarker {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    store: str | None = typer.Option(
        None,
        "--store",
        envvar="NETMARKER_STORE",
        show_default=False,
        help="Graph store: a directory for the embedded store (default: your user data dir), "
        "'neo4j' for the server in NEO4J_URI, or a bolt:// / neo4j:// URI.",
    ),
    neo4j_uri: str | None = typer.Option(
        None, "--neo4j-uri", envvar="NEO4J_URI", help="Neo4j URI (with --store neo4j)."
    ),
    neo4j_user: str | None = typer.Option(
        None, "--neo4j-user", envvar="NEO4J_USER", help="Neo4j user name."
    ),
    neo4j_password: str | None = typer.Option(
        None,
        "--neo4j-password",
        envvar="NEO4J_PASSWORD",
        help="Neo4j password.",
        show_default=False,
    ),
    database: str | None = typer.Option(
        None, "--database", envvar="NEO4J_DATABASE", help="Neo4j database name."
    ),
    neo4j_batch_size: int | None = typer.Option(
        None,
        "--neo4j-batch-size",
        envvar="NETMARKER_NEO4J_BATCH_SIZE",
        min=1,
        help="Rows per Neo4j load statement and network-load transaction (default 10,000).",
    ),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """netmarker: network-based biomarkers for anti-cancer drugs."""
    ctx.obj = StoreOptions(store, neo4j_uri, neo4j_user, neo4j_password, database, neo4j_batch_size)


# help panels by stage (typer lists panels of commands before panels of sub-apps)
app.command("demo", rich_help_panel="Start here")(demo.demo_command)
app.add_typer(load.app, name="load", rich_help_panel="Graph store")
app.add_typer(db.app, name="db", rich_help_panel="Graph store")
app.add_typer(fetch.app, name="fetch", rich_help_panel="Graph store")
app.add_typer(reproduce.app, name="reproduce", rich_help_panel="Start here")
app.add_typer(modules.app, name="modules", rich_help_panel="Query layer: drug-proximal modules")
app.add_typer(plot.app, name="plot", rich_help_panel="Figures and reports")
app.command("report", rich_help_panel="Figures and reports")(report.report_command)
_predictors: list[tuple[str, Callable[..., None]]] = [
    ("features", predictors.features_command),
    ("train", predictors.train_command),
    ("cv", predictors.cv_command),
    ("predict", predictors.predict_command),
    ("evaluate", predictors.evaluate_command),
]
for _name, _command in _predictors:
    app.command(_name, rich_help_panel="Predictors")(_command)


def main() -> None:
    """Console-script entry point: known errors become one line on stderr and exit code 1."""
    context.capture_warnings()
    try:
        code = app(standalone_mode=False)  # click returns typer.Exit's code in this mode
        if isinstance(code, int) and code:
            sys.exit(code)
    except NetmarkerError as exc:
        context.err_console.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        sys.exit(1)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        context.err_console.print("aborted")
        sys.exit(1)
    except typer.TyperException as exc:  # usage errors arrive here with standalone_mode=False
        show = getattr(exc, "show", None)
        if show is None:
            raise
        show()
        sys.exit(getattr(exc, "exit_code", 2))
