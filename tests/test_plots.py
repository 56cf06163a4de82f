"""Figures: every plot writes a real PNG and SVG from small generated results."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cli_helpers import run_cli
from netmarker import plots
from netmarker.errors import DataError


@pytest.fixture
def proximity() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    rows = [
        (d, f"REACTOME_SET_{p:02d}", float(rng.normal(-1.0 if p < 8 else 0.5, 1.5)))
        for d in ("DRUGA", "DRUGB", "DRUGC", "DRUGD")
        for p in range(30)
    ]
    return pd.DataFrame(rows, columns=["drug", "pathway", "z"])


def _is_figure(path: Path) -> None:
    data = path.read_bytes()
    if path.suffix == ".png":
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5_000
    else:
        assert b"<svg" in data[:2_000] and len(data) > 5_000


@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_every_figure(tmp_path: Path, proximity: pd.DataFrame, fmt: str) -> None:
    heat = plots.plot_z_heatmap(proximity, tmp_path / f"h.{fmt}", max_pathways=12)
    sizes = pd.Series({p: 10 + i * 7 for i, p in enumerate(sorted(proximity["pathway"]))})
    zs = plots.plot_z_vs_size(proximity, sizes, tmp_path / f"z.{fmt}", drug="DRUGA")
    coef = pd.DataFrame({"feature": ["REACTOME_A", "B", "C"], "coefficient": [0.5, -1.0, 0.1]})
    bars = plots.plot_coefficients(coef, tmp_path / f"c.{fmt}")
    rng = np.random.default_rng(1)
    idx = [f"P{i}" for i in range(40)]
    km = plots.plot_survival(
        pd.Series(rng.exponential(20, 40), index=idx),
        pd.Series(rng.integers(0, 2, 40), index=idx),
        pd.Series(np.repeat(["a", "b"], 20), index=idx),
        tmp_path / f"k.{fmt}",
    )
    for path in (heat, zs, bars, km):
        _is_figure(path)
    if fmt == "svg":  # labels are text: the proximal pathways are named, the cutoff shown
        text = zs.read_text()
        low = proximity[proximity["drug"] == "DRUGA"].sort_values("z").iloc[0]["pathway"]
        assert low.removeprefix("REACTOME_") in text
        assert "At risk" in km.read_text()


def test_bad_inputs(tmp_path: Path, proximity: pd.DataFrame) -> None:
    with pytest.raises(DataError, match="png or svg"):
        plots.plot_z_heatmap(proximity, tmp_path / "h.jpg")
    with pytest.raises(DataError, match="no results"):
        plots.plot_z_heatmap(proximity, tmp_path / "h.png", drugs=["NOPE"])
    with pytest.raises(DataError, match="lacks column"):
        plots.plot_coefficients(pd.DataFrame({"x": [1]}), tmp_path / "c.png")
    assert not list(tmp_path.iterdir())  # nothing half-written


def test_cli_plot_km(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = np.random.default_rng(2)
    table = tmp_path / "t.tsv"
    pd.DataFrame(
        {
            "patient": [f"P{i}" for i in range(30)],
            "time_months": rng.exponential(20, 30),
            "event": rng.integers(0, 2, 30),
            "predicted_responder": np.repeat([True, False], 15),
        }
    ).to_csv(table, sep="\t", index=False)
    out = tmp_path / "km.svg"
    r = run_cli(capsys, monkeypatch, "plot", "km", "-t", str(table), "-o", str(out))
    assert r.code == 0, r.err
    _is_figure(out)
    args = ["plot", "km", "-t", str(table), "-o", str(out), "--time", "x"]
    bad = run_cli(capsys, monkeypatch, *args)
    assert bad.code == 1 and "no column(s) x" in bad.err
