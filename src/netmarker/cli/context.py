"""What every command shares: how to reach the graph store, and how to print results."""

from __future__ import annotations

import dataclasses
import json
import logging
import math
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import typer

from netmarker.errors import StoreError

if TYPE_CHECKING:
    import pandas as pd
    from rich.console import Console
    from rich.progress import Progress

    from netmarker.graph import GraphStore


class _LazyConsole:
    """A ``rich`` Console made on first use: ``--help`` and usage errors never load rich's
    console machinery (start-up time)."""

    def __init__(self, **options: Any) -> None:
        self._options = options
        self._console: Console | None = None

    def __getattr__(self, name: str) -> Any:
        if self._console is None:
            from rich.console import Console

            self._console = Console(**self._options)
        return getattr(self._console, name)


console: Console = _LazyConsole()  # type: ignore[assignment]
err_console: Console = _LazyConsole(stderr=True)  # type: ignore[assignment]


def print_error(message: str, label: str | None = "error") -> None:
    """``label: message`` as one line on stderr. On a terminal through rich (the label in bold
    red, the message escaped so brackets in file names or values print as they are); elsewhere
    as plain text, because a failing command should not pay for importing rich's console
    (start-up time, benchmarks/RESULTS.md section 9) and a pipe or a log gets no colour."""
    if not sys.stderr.isatty():
        sys.stderr.write(f"{label}: {message}\n" if label else f"{message}\n")
        sys.stderr.flush()
        return
    from rich.markup import escape

    styled = f"[bold red]{escape(label)}:[/] {escape(message)}" if label else escape(message)
    err_console.print(styled, highlight=False, soft_wrap=True)


class _WarningPrinter(logging.Handler):
    """Warnings (the library's log warnings and Python warnings) as ``warning: ...`` lines on
    stderr, each distinct message once per command."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.seen: set[str] = set()

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.say(record.levelname.lower(), record.getMessage())
        except Exception:  # a broken message must not end the command
            self.handleError(record)

    def say(self, level: str, message: str) -> None:
        if message in self.seen:
            return
        self.seen.add(message)
        sys.stderr.write(f"{level}: {message}\n")
        sys.stderr.flush()


_printer = _WarningPrinter()


def capture_warnings() -> None:
    """Route warnings to stderr as ``warning: ...`` lines without repeats (call once per
    command; the repeat memory starts afresh)."""
    _printer.seen.clear()
    root = logging.getLogger()
    if _printer not in root.handlers:
        root.addHandler(_printer)

    def show(message: Warning | str, category: type[Warning], *_: Any, **__: Any) -> None:
        _printer.say("warning", f"{message} ({category.__name__})")

    warnings.showwarning = show


@dataclasses.dataclass
class StoreOptions:
    """Root options naming the store; the store is opened on first use."""

    spec: str | None = None
    neo4j_uri: str | None = None
    neo4j_user: str | None = None
    neo4j_password: str | None = None
    database: str | None = None
    neo4j_batch_size: int | None = None
    _store: GraphStore | None = None

    def open(self) -> GraphStore:
        from netmarker.graph import open_store

        if self._store is None:
            self._store = open_store(
                self.spec,
                neo4j_uri=self.neo4j_uri,
                neo4j_user=self.neo4j_user,
                neo4j_password=self.neo4j_password,
                database=self.database,
                neo4j_batch_size=self.neo4j_batch_size,
            )
        return self._store

    def close(self) -> None:
        """Close the store if this invocation opened one (the root context calls this when the
        command ends: the neo4j driver 5.x warns when it is left to its destructor)."""
        if self._store is not None:
            store, self._store = self._store, None
            store.close()


def store_from(ctx: typer.Context, *, existing: bool = False) -> GraphStore:
    """The store selected by the root options of this invocation.

    ``existing``: the command only reads (or needs data loaded before), so an embedded store
    path that does not exist is an error, not an empty store.
    """
    root = ctx.find_root()
    if not isinstance(root.obj, StoreOptions):
        root.obj = StoreOptions()
    store = root.obj.open()
    # an embedded store is a directory (no isinstance: a Neo4j command never imports it)
    path = getattr(store, "path", None)
    if existing and path is not None and not path.exists():
        blocker = next((a for a in path.parents if a.exists()), None)
        if blocker is not None and not blocker.is_dir():
            raise StoreError(f"store path {path} is not a directory ({blocker} is a file)")
        raise StoreError(
            f"no store at {path}: nothing was loaded there (check --store / "
            "NETMARKER_STORE, or load data with `netmarker load ...`)"
        )
    return store


def jsonable(value: Any) -> Any:
    """Dataclasses, DataFrames and numpy scalars as plain JSON values (NaN -> null)."""
    import pandas as pd

    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return jsonable(dataclasses.asdict(value))
    if isinstance(value, pd.DataFrame):
        return jsonable(value.to_dict("records"))
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [jsonable(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(jsonable(value), indent=2, sort_keys=False) + "\n")


def print_frame(
    df: pd.DataFrame, fmt: str = "table", title: str | None = None, float_digits: int = 4
) -> None:
    """Print a DataFrame as a rich table (``float_digits`` significant digits), TSV or JSON
    records (both at full precision: they are read by programs)."""
    import pandas as pd
    from rich.table import Table

    if fmt == "tsv":
        sys.stdout.write(df.to_csv(sep="\t", index=False, lineterminator="\n"))
        return
    if fmt == "json":
        print_json(df)
        return
    table = Table(title=title, show_lines=False, header_style="bold")
    for c in df.columns:
        table.add_column(
            str(c), justify="right" if pd.api.types.is_numeric_dtype(df[c]) else "left"
        )
    for row in df.itertuples(index=False):
        table.add_row(*[_cell(v, float_digits) for v in row])
    console.print(table)


def _cell(value: Any, digits: int) -> str:
    if isinstance(value, float):
        return "" if math.isnan(value) else f"{value:.{digits}g}"
    return str(value)


def print_mapping(title: str, mapping: dict[str, Any]) -> None:
    """A two-column key/value table."""
    from rich.table import Table

    table = Table(title=title, show_header=False)
    table.add_column("what", style="bold")
    table.add_column("value", justify="right")
    for k, v in mapping.items():
        table.add_row(str(k), _cell(v, 6) if isinstance(v, float) else str(v))
    console.print(table)


@contextmanager
def progress_bar(description: str, total: int | None = None) -> Iterator[Progress]:
    """A progress bar on stderr (a spinner when ``total`` is unknown), one task: ``task_ids[0]``."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns: list[Any] = [SpinnerColumn(), TextColumn("{task.description}")]
    if total is not None:
        columns += [BarColumn(), MofNCompleteColumn(), TimeRemainingColumn()]
    columns.append(TimeElapsedColumn())
    # no bar when stderr is a file or pipe: logs and scripts get clean one-line errors
    with Progress(
        *columns, console=err_console, transient=True, disable=not err_console.is_terminal
    ) as progress:
        progress.add_task(description, total=total)
        yield progress
