"""The plain-text help is complete, and `--help` and failing commands stay light.

The help is click's plain text (no rich panels, for start-up time): every command and group
must still be listed under its panel, and every option with its help text and default.
Start-up time itself is measured in benchmarks/bench_startup.py, never asserted here; what
is asserted is what makes it fast: which libraries `--help` and a failing command import.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
import typer.main

from cli_helpers import run_cli
from netmarker.cli import PANELS, app

ROOT = typer.main.get_command(app)


def _squash(text: str) -> str:
    """Text without whitespace: help is wrapped at the terminal's width (and at hyphens)."""
    return "".join(text.split())


def _commands(
    group: Any = ROOT, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], Any]]:
    """(path, command) for every command and group below ``group``, depth first."""
    for name, command in group.commands.items():
        yield (*path, name), command
        if hasattr(command, "commands"):
            yield from _commands(command, (*path, name))


def test_root_help_lists_every_command_under_its_panel(capsys, monkeypatch) -> None:
    r = run_cli(capsys, monkeypatch, "--help")
    assert r.code == 0 and r.out.startswith("Usage: ") and "[OPTIONS] COMMAND" in r.out
    lines = r.out.splitlines()
    sections = {line[:-1]: i for i, line in enumerate(lines) if line in {f"{p}:" for p in PANELS}}
    assert list(sections) == list(PANELS)  # every panel, in the documented order
    assert len(ROOT.commands) == 13
    for name, command in ROOT.commands.items():
        # the command sits under its own panel's heading, with its help's first sentence
        row = next(i for i, line in enumerate(lines) if line.startswith(f"  {name} "))
        heading = max(i for i in sections.values() if i < row)
        assert lines[heading] == f"{command.rich_help_panel}:", name
        first = command.get_short_help_str(limit=1000)
        assert first and _squash(first) in _squash(r.out), name
        assert not first.endswith("..."), name  # not cut at the terminal's width


@pytest.mark.parametrize("path", [p for p, c in _commands() if hasattr(c, "commands")])
def test_group_help_lists_every_subcommand(capsys, monkeypatch, path) -> None:
    group = dict(_commands())[path]
    r = run_cli(capsys, monkeypatch, *path, "--help")
    assert r.code == 0 and f"netmarker {' '.join(path)} [OPTIONS] COMMAND" in r.out
    assert group.commands
    for name, command in group.commands.items():
        assert f"\n  {name} " in r.out, (path, name)
        assert _squash(command.get_short_help_str(limit=1000)) in _squash(r.out), (path, name)


@pytest.mark.parametrize("path", [p for p, c in _commands() if not hasattr(c, "commands")])
def test_command_help_shows_every_option_its_help_and_default(capsys, monkeypatch, path) -> None:
    command = dict(_commands())[path]
    r = run_cli(capsys, monkeypatch, *path, "--help")
    assert r.code == 0, r.err
    out = _squash(r.out)
    assert _squash(command.help.split("\n\n")[0]) in out
    for param in command.params:
        if getattr(param, "hidden", False):
            continue
        if param.param_type_name == "option":
            assert max(param.opts, key=len) in r.out, (path, param.name)
        if param.help:
            assert _squash(param.help) in out, (path, param.name)
        if (
            param.param_type_name == "option"
            and param.show_default
            and param.default
            not in (
                None,
                False,
                (),
            )
        ):
            assert "[default:" in r.out, (path, param.name)


# what `--help`, `--version` and failing commands must not import (each costs start-up time):
# the scientific stack, the stores' drivers, the library's heavy rooms, and rich (its console,
# markdown and traceback machinery) as well as pydantic (typer >= 0.29 coerces through it)
HEAVY = (
    "pandas",
    "numpy",
    "scipy",
    "sklearn",
    "networkx",
    "matplotlib",
    "numba",
    "neo4j",
    "requests",
    "pyarrow",
    "pydantic",
    "rich",
    "markdown_it",
    "pygments",
    "netmarker.graph",
    "netmarker.network",
    "netmarker.predict",
    "netmarker.modules",
)
PROBE = """
import sys
sys.argv = ["netmarker", *sys.argv[1:]]
from netmarker.cli import main
try:
    main()
finally:
    heavy = sorted({m for m in sys.modules for h in HEAVY if m == h or m.startswith(h + ".")})
    sys.stdout.write("\\nIMPORTED " + " ".join(heavy) + "\\n")
"""


def _probe(*args: str) -> subprocess.CompletedProcess[str]:
    """``netmarker ARGS`` in a fresh interpreter (stdout and stderr are pipes, not a terminal),
    reporting which of HEAVY it imported."""
    code = f"HEAVY = {HEAVY!r}\n{PROBE}"
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    "args", [("--help",), ("--version",), ("modules", "--help"), ("train", "--help")]
)
def test_help_imports_nothing_heavy(args) -> None:
    done = _probe(*args)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "IMPORTED "


def test_failing_commands_import_nothing_heavy_and_say_why(tmp_path) -> None:
    missing = tmp_path / "missing.tsv"
    done = _probe(
        "--store", str(tmp_path / "store"), "load", "network", str(missing), "--name", "x"
    )
    assert done.returncode == 1
    assert done.stderr == f"error: {missing}: file not found\n"
    assert done.stdout.splitlines()[-1] == "IMPORTED "
    assert not (tmp_path / "store").exists()

    expression = tmp_path / "x.tsv"
    expression.write_text("gene\ts1\nTP53\t1\n")
    done = _probe("train", "--drug", "5-FU", "-e", str(expression))
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1] == "Error: Missing option '--response' / '-r'."
    assert done.stdout.splitlines()[-1] == "IMPORTED "
