"""What every command's outputs share: file modes from the umask, `warning:` lines, once."""

from __future__ import annotations

import logging
import os
import stat
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cli_helpers import load_small_inputs, run_cli
from netmarker.cli import context
from netmarker.io.output import write_json, write_table, write_text


@pytest.fixture
def umask_027():
    old = os.umask(0o027)
    try:
        yield
    finally:
        os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_outputs_get_the_users_umask(tmp_path: Path, umask_027) -> None:
    """mkstemp makes 0600 files; outputs must be what open() would make: 0666 & ~umask."""
    written = [
        write_table(pd.DataFrame({"a": [1]}), tmp_path / "t.tsv"),
        write_json({"a": 1}, tmp_path / "t.json"),
        write_text("x", tmp_path / "t.md"),
    ]
    assert [_mode(p) for p in written] == [0o640] * 3
    os.umask(0o002)
    assert _mode(write_table(pd.DataFrame({"a": [1]}), tmp_path / "t.tsv")) == 0o664


def test_warnings_are_prefixed_and_said_once(capsys) -> None:
    context.capture_warnings()
    log = logging.getLogger("netmarker.somewhere")
    for _ in range(3):
        log.warning("%d genes are not measured", 4)
        warnings.warn("a library's caveat", UserWarning, stacklevel=1)
    log.warning("another one")
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "warning: 4 genes are not measured",
        "warning: a library's caveat (UserWarning)",
        "warning: another one",
    ]
    context.capture_warnings()  # a new command: its warnings are said again
    log.warning("another one")
    assert capsys.readouterr().err == "warning: another one\n"


def test_cli_warnings_and_output_mode(capsys, monkeypatch, tmp_path, inputs, umask_027) -> None:
    """`features` on a matrix missing most set members: one `warning:` line per problem,
    and the output file has the umask's mode."""
    base = ["--store", str(tmp_path / "store")]
    load_small_inputs(capsys, monkeypatch, base, inputs)
    r = run_cli(
        capsys,
        monkeypatch,
        *base,
        "modules",
        "compute",
        "--drug",
        "5-FU",
        "--n-random",
        "100",
        "--min-bin-size",
        "20",
    )
    assert r.code == 0, r.err
    sets = [line.split("\t") for line in inputs["pathways"].read_text().splitlines()]
    genes = [g for row in sets for g in row[2:][: max(5, (len(row) - 2) // 2)]]
    kept = [*genes, "NOT_IN_ANY_SET1", "NOT_IN_ANY_SET2"]
    rng = np.random.default_rng(0)
    expr = pd.DataFrame(
        rng.normal(size=(len(kept), 6)), index=kept, columns=[f"S{i}" for i in range(6)]
    )
    matrix = tmp_path / "expr.tsv"
    expr.rename_axis("gene").to_csv(matrix, sep="\t")
    out = tmp_path / "scores.tsv"
    r = run_cli(
        capsys,
        monkeypatch,
        *base,
        "features",
        str(matrix),
        "-d",
        "5-FU",
        "-o",
        str(out),
        "--z-cutoff",
        "50",
    )
    assert r.code == 0, r.err
    lines = [line for line in r.err.splitlines() if line.strip()]
    assert lines and all(line.startswith("warning: ") for line in lines), r.err
    assert len(lines) == len(set(lines))
    assert any("not in the expression data" in line for line in lines)
    assert _mode(out) == 0o640
