"""The ``netmarker`` command line: thin wrappers that parse, call the library and print."""

from __future__ import annotations

import sys

import typer
from rich.console import Console

from netmarker import __version__
from netmarker.errors import NetmarkerError

app = typer.Typer(
    name="netmarker",
    help="Network-based biomarkers for anti-cancer drugs: load a PPI network, drug targets and "
    "pathways into a graph store, find drug-proximal modules, train predictors on preclinical "
    "models and apply them to patients.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)

err_console = Console(stderr=True)


def _version(value: bool) -> None:
    if value:
        print(f"netmarker {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """netmarker: network-based biomarkers for anti-cancer drugs."""


def main() -> None:
    """Console-script entry point: known errors become one line on stderr and exit code 1."""
    try:
        app(standalone_mode=False)
    except NetmarkerError as exc:
        err_console.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        sys.exit(1)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        err_console.print("aborted")
        sys.exit(1)
    except Exception as exc:  # click usage errors arrive here with standalone_mode=False
        import click

        if isinstance(exc, click.exceptions.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        raise
