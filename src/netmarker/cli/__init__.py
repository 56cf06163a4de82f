"""The ``netmarker`` command line: thin wrappers that parse, call the library and print."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

import typer
import typer.core

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

if TYPE_CHECKING:
    # the click that typer vendors (typer >= 0.26 has no click dependency)
    from typer._click import Context as ClickContext
    from typer._click import HelpFormatter

#: the help's sections of commands, in this order (commands without one go under "Commands")
PANELS = (
    "Start here",
    "Graph store",
    "Query layer: drug-proximal modules",
    "Predictors",
    "Figures and reports",
)


class HelpGroup(typer.core.TyperGroup):
    """A command group whose plain-text help lists its commands by panel, each with the first
    sentence of its help in full (click would cut it at the terminal's width)."""

    def format_commands(self, ctx: ClickContext, formatter: HelpFormatter) -> None:
        panels: dict[str, list[tuple[str, str]]] = {}
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is None or command.hidden:
                continue
            panel = getattr(command, "rich_help_panel", None) or "Commands"
            panels.setdefault(panel, []).append((name, command.get_short_help_str(limit=1000)))
        order = {panel: i for i, panel in enumerate(PANELS)}
        for panel in sorted(panels, key=lambda p: order.get(p, len(order))):
            with formatter.section(panel):
                formatter.write_dl(panels[panel])


# Plain-text help (rich_markup_mode=None): typer's rich help renderer imports rich's markdown,
# syntax and traceback machinery, which alone took longer than the 0.3 s that --help may
# take (benchmarks/RESULTS.md, section 9). The panels survive as plain sections (HelpGroup).
app = typer.Typer(
    name="netmarker",
    cls=HelpGroup,
    rich_markup_mode=None,
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
    ctx.call_on_close(ctx.obj.close)  # also when the command fails


# help panels by stage (listed in the order of PANELS)
app.command("demo", rich_help_panel="Start here")(demo.demo_command)
app.add_typer(load.app, name="load", cls=HelpGroup, rich_help_panel="Graph store")
app.add_typer(db.app, name="db", cls=HelpGroup, rich_help_panel="Graph store")
app.add_typer(fetch.app, name="fetch", cls=HelpGroup, rich_help_panel="Graph store")
app.add_typer(reproduce.app, name="reproduce", cls=HelpGroup, rich_help_panel="Start here")
app.add_typer(
    modules.app, name="modules", cls=HelpGroup, rich_help_panel="Query layer: drug-proximal modules"
)
app.add_typer(plot.app, name="plot", cls=HelpGroup, rich_help_panel="Figures and reports")
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
        context.print_error(str(exc))
        sys.exit(1)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        context.print_error("aborted", label=None)
        sys.exit(1)
    except typer.TyperException as exc:  # usage errors arrive here with standalone_mode=False
        show = getattr(exc, "show", None)
        if show is None:
            raise
        show()
        sys.exit(getattr(exc, "exit_code", 2))
