"""Run the real console entry point in-process and capture exit code, stdout and stderr."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from typing import Any

import pytest

from netmarker.cli import main


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


def run_cli(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *args: str
) -> Result:
    """``netmarker ARGS`` through ``main()``, as the shell would run it."""
    monkeypatch.setattr(sys, "argv", ["netmarker", *args])
    capsys.readouterr()
    code = 0
    try:
        main()
    except SystemExit as exc:
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return Result(code, captured.out, captured.err)


def load_small_inputs(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    root: list[str],
    inputs: dict[str, Any],
) -> None:
    """Load the ``inputs`` fixture's network (as ``ppi``), pathways and targets via the CLI."""
    for args in (
        ["load", "network", str(inputs["network"]), "--name", "ppi"],
        ["load", "pathways", str(inputs["pathways"]), "--source", "test"],
        ["load", "targets", str(inputs["targets"])],
    ):
        r = run_cli(capsys, monkeypatch, *root, *args)
        assert r.code == 0, r.err
